//! Tests on the vendored pages in `openapi/docs/`: concrete facts counted by hand from the pages.

use super::model::{DocField, DocPage, DocParam, ParamLocation};
use super::*;

fn docs_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../openapi/docs")
}

fn page(name: &str) -> DocPage {
    let text = std::fs::read_to_string(docs_dir().join(name)).expect("vendored page is readable");
    parse_page(name, &text).unwrap_or_else(|e| panic!("{e}"))
}

fn param<'a>(p: &'a DocPage, name: &str) -> &'a DocParam {
    p.params
        .iter()
        .find(|x| x.name == name)
        .unwrap_or_else(|| panic!("{}: no param {name}", p.file))
}

fn field<'a>(p: &'a DocPage, parent: Option<&str>, name: &str) -> &'a DocField {
    p.fields
        .iter()
        .find(|f| f.name == name && f.parent.as_deref() == parent)
        .unwrap_or_else(|| panic!("{}: no field {parent:?}.{name}", p.file))
}

fn statuses(p: &DocPage) -> Vec<u16> {
    p.error_statuses.iter().map(|s| s.status).collect()
}

fn query(r: &model::ExampleRequest) -> Vec<(&str, &str)> {
    r.query
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

const ERRORS: [u16; 6] = [400, 401, 403, 404, 500, 503];

#[test]
fn glance_v2_show_image() {
    let p = page("glance-v2-show-image.md");
    assert_eq!(p.title, "Querying Image Details (Native OpenStack API)");
    assert!(!p.deprecated);
    assert_eq!(p.endpoints.len(), 1);
    let ep = &p.endpoints[0];
    assert_eq!(
        (ep.method.as_str(), ep.path.as_str(), ep.line),
        ("GET", "/v2/images/{image_id}", 9)
    );
    assert!(ep.query_template.is_empty());

    assert_eq!(p.params.len(), 1);
    let id = &p.params[0];
    assert_eq!(id.name, "image_id");
    assert_eq!(id.location, ParamLocation::Path);
    assert!(id.required);
    assert_eq!(id.ty.as_deref(), Some("String"));
    assert_eq!(id.table, "Table 1 Parameter description");
    assert_eq!(id.line, 26);

    assert_eq!(p.fields.len(), 46);
    assert!(
        p.fields
            .iter()
            .all(|f| f.parent.is_none() && f.required.is_none())
    );
    assert!(p.fields.iter().all(|f| f.table == "Response parameters"));
    assert_eq!((p.fields[0].name.as_str(), p.fields[0].line), ("file", 64));
    let visibility = field(&p, None, "visibility");
    assert_eq!(visibility.line, 121);
    assert_eq!(
        visibility.description,
        "Specifies whether the image is available to other tenants. Available values include:\n\
         private: private image\npublic: public image\nshared: shared image"
    );
    assert_eq!(field(&p, None, "tags").ty, "Array of strings");
    assert_eq!(field(&p, None, "size").ty, "Long");

    assert_eq!(p.example_requests.len(), 1);
    let r = &p.example_requests[0];
    assert_eq!(r.path, "/v2/images/33ad552d-1149-471c-8190-ff6776174a00");
    assert_eq!((r.kind.as_str(), r.line), ("example", 47));
    assert!(r.query.is_empty());

    assert_eq!(p.example_responses.len(), 1);
    let resp = &p.example_responses[0];
    assert_eq!((resp.status, resp.line), (200, 409));
    assert!(resp.headers.is_empty());
    assert_eq!(resp.body["disk_format"], "zvhd2");
    assert_eq!(resp.body["min_ram"], 2048);

    assert_eq!(statuses(&p), ERRORS);
    assert_eq!(p.error_statuses[0].line, 458);
    assert_eq!(p.error_statuses[0].description, "Request error.");
}

#[test]
fn glance_v2_list_images() {
    let p = page("glance-v2-list-images.md");
    assert_eq!(p.title, "Querying Images (Native OpenStack API)");
    assert!(!p.deprecated);
    assert_eq!(p.endpoints.len(), 1);
    assert_eq!(p.endpoints[0].path, "/v2/images");

    assert_eq!(p.params.len(), 32);
    assert!(
        p.params
            .iter()
            .all(|x| x.location == ParamLocation::Query && !x.required)
    );
    assert_eq!(
        (p.params[0].name.as_str(), p.params[0].line),
        ("__isregistered", 37)
    );
    let tag = param(&p, "tag");
    assert_eq!(tag.line, 211);
    // The note is kept apart from the description, never read as text or values.
    assert!(!tag.description.contains("NOTE"), "{}", tag.description);
    assert_eq!(
        tag.notes,
        [
            "Note: The tagging function has been upgraded. If the tags added before the function \
          upgrade are in the format of \"Key.Value\", query tags using \"Key=Value\". For \
          example, an existing tag is a.b. After the tag function upgrade, query the tag using \
          \"tag=a=b\"."
        ]
    );
    assert_eq!(param(&p, "limit").ty.as_deref(), Some("Integer"));
    assert_eq!(param(&p, "updated_at").line, 327);

    // One flat table: top-level keys and image attributes alike, no nesting.
    assert_eq!(p.fields.len(), 37);
    assert!(p.fields.iter().all(|f| f.parent.is_none()));
    assert_eq!(field(&p, None, "images").ty, "Array of objects");
    assert_eq!(field(&p, None, "next").line, 636);

    let common: Vec<_> = p
        .example_requests
        .iter()
        .filter(|r| r.kind == "common query")
        .collect();
    assert_eq!(common.len(), 5);
    assert!(
        common
            .iter()
            .all(|r| r.method == "GET" && r.path == "/v2/images")
    );
    assert_eq!(
        query(common[0]),
        [
            ("__imagetype", "gold"),
            ("visibility", "public"),
            ("protected", "true")
        ]
    );
    assert_eq!(common[0].line, 347);
    assert_eq!(query(common[1]), [("owner", "{project_id}")]);
    assert_eq!(query(common[4])[0], ("member_status", "pending"));
    let examples: Vec<_> = p
        .example_requests
        .iter()
        .filter(|r| r.kind == "example")
        .collect();
    assert_eq!(examples.len(), 1);
    assert_eq!(
        (examples[0].path.as_str(), examples[0].line),
        ("/v2/images", 375)
    );

    assert_eq!(p.example_responses.len(), 1);
    let resp = &p.example_responses[0];
    assert_eq!((resp.status, resp.line), (200, 668));
    assert_eq!(resp.body["images"].as_array().map(Vec::len), Some(2));
    assert_eq!(
        resp.body["images"][1]["__support_kvm_fpga_type"],
        "VU9P_COMMON"
    );

    assert_eq!(statuses(&p), ERRORS);
    assert_eq!(p.error_statuses[5].line, 782);
}

#[test]
fn ims_list_cloudimages_rst() {
    let p = page("ims-list-cloudimages.rst");
    assert_eq!(p.title, "Querying Images");
    assert!(!p.deprecated);
    assert_eq!(p.endpoints.len(), 1);
    let ep = &p.endpoints[0];
    assert_eq!((ep.path.as_str(), ep.line), ("/v2/cloudimages", 16));
    assert_eq!(ep.query_template.len(), 36);
    assert_eq!(ep.query_template[0], "__isregistered");
    assert_eq!(ep.query_template[35], "updated_at");

    assert_eq!(p.params.len(), 36);
    assert!(
        p.params
            .iter()
            .all(|x| x.location == ParamLocation::Query && !x.required)
    );
    assert!(
        p.params
            .iter()
            .all(|x| x.table == "Table 1 Parameter description")
    );
    let names: Vec<&str> = p.params.iter().map(|x| x.name.as_str()).collect();
    assert_eq!(
        names, ep.query_template,
        "table and URI template list the same names"
    );
    assert_eq!(param(&p, "__system__cmkid").line, 41);
    let created = param(&p, "created_at");
    assert_eq!(created.line, 140);
    assert_eq!(created.ty.as_deref(), Some("String"));
    assert!(
        created
            .description
            .contains("\ngt: greater than\ngte: greater than or equal to\n")
    );
    assert!(
        created
            .description
            .ends_with("as follows:\ncreated_at=lt:2018-10-28T10:00:00Z")
    );
    let imagetype = param(&p, "__imagetype");
    assert_eq!(imagetype.line, 29);
    assert!(
        imagetype.description.starts_with(
            "Specifies the image type. The following types are supported:\n\
             Public image: The value is gold.\nPrivate image: The value is private.\n\
             Shared image: The value is shared."
        ),
        "{}",
        imagetype.description
    );
    assert!(!imagetype.description.contains("NOTE"));
    assert_eq!(imagetype.notes.len(), 1);
    assert!(
        imagetype.notes[0].starts_with("Note: The __imagetype of images you share"),
        "{:?}",
        imagetype.notes
    );
    assert!(
        param(&p, "name")
            .description
            .ends_with("For detailed description, see Image Attributes.")
    );

    // 1 top-level row ("images") + 55 rows of Table 2 describing the items of `images`.
    assert_eq!(p.fields.len(), 56);
    let images = field(&p, None, "images");
    assert_eq!((images.ty.as_str(), images.line), ("Array of objects", 222));
    assert_eq!(images.table, "Response parameters");
    let nested: Vec<_> = p
        .fields
        .iter()
        .filter(|f| f.parent.as_deref() == Some("images"))
        .collect();
    assert_eq!(nested.len(), 55);
    assert!(
        nested
            .iter()
            .all(|f| f.table == "Table 2 Data structure description of the images field")
    );
    let virtio = field(&p, Some("images"), "__support_kvm_hi1822_hivirtionet");
    assert_eq!((virtio.ty.as_str(), virtio.line), ("String", 388));
    let fc = field(&p, Some("images"), "__support_fc_inject");
    assert_eq!(fc.description.lines().count(), 2, "{}", fc.description);
    assert_eq!(fc.notes.len(), 1);
    assert!(fc.notes[0].starts_with("Note: "), "{:?}", fc.notes);
    assert_eq!(field(&p, Some("images"), "max_ram").ty, "String");

    assert_eq!(p.example_requests.len(), 6);
    let ex = &p.example_requests[0];
    assert_eq!(
        (ex.kind.as_str(), ex.path.as_str(), ex.line),
        ("example", "/v2/cloudimages", 189)
    );
    assert_eq!(
        query(ex),
        [
            ("__imagetype", "gold"),
            ("sort_key", "name"),
            ("limit", "1")
        ]
    );
    let common: Vec<_> = p
        .example_requests
        .iter()
        .filter(|r| r.kind == "common query")
        .collect();
    assert_eq!(common.len(), 5);
    assert_eq!(
        (common[1].line, query(common[1])),
        (200, vec![("owner", "{project_id}")])
    );

    assert_eq!(p.example_responses.len(), 1);
    let resp = &p.example_responses[0];
    assert_eq!((resp.status, resp.line), (200, 399));
    assert_eq!(resp.body["images"][0]["__support_fc_inject"], "true");

    assert_eq!(statuses(&p), ERRORS);
    assert_eq!(p.error_statuses[0].line, 480);
    assert_eq!(
        p.error_statuses[0].description,
        "Request error. For details about the returned error code, see Error Codes."
    );
}

#[test]
fn nova_list_images_detail() {
    let p = page("nova-list-images-detail.md");
    assert_eq!(p.title, "Querying Image Details (Discarded)");
    assert!(p.deprecated);
    assert_eq!(p.endpoints.len(), 2);
    let template = ["name", "status", "changes-since", "minRam", "minDisk"];
    assert_eq!(p.endpoints[0].path, "/v2/{project_id}/images/detail");
    assert_eq!(p.endpoints[1].path, "/v2.1/{project_id}/images/detail");
    assert_eq!((p.endpoints[0].line, p.endpoints[1].line), (13, 15));
    assert!(p.endpoints.iter().all(|e| e.query_template == template));

    assert_eq!(p.params.len(), 6);
    let project = param(&p, "project_id");
    assert_eq!(project.location, ParamLocation::Path);
    assert!(project.required);
    assert_eq!(project.ty, None, "Table 1 has no Type column");
    assert_eq!(
        (project.table.as_str(), project.line),
        ("Table 1 Path parameters", 30)
    );
    let query_params: Vec<&str> = p
        .params
        .iter()
        .filter(|x| x.location == ParamLocation::Query)
        .map(|x| x.name.as_str())
        .collect();
    assert_eq!(query_params, template);
    assert_eq!(param(&p, "minRam").table, "Table 2 Query parameters");
    assert_eq!(param(&p, "minDisk").line, 94);

    // Table 4: 11 rows; Table 5 (links): 3 rows with a Mandatory column. Table 3 (status
    // mapping, no Mandatory or Type column) is neither.
    assert_eq!(p.fields.len(), 14);
    assert_eq!(p.fields.iter().filter(|f| f.parent.is_none()).count(), 11);
    assert_eq!(field(&p, None, "OS-EXT-IMG-SIZE:size").ty, "Integer");
    let links: Vec<_> = p
        .fields
        .iter()
        .filter(|f| f.parent.as_deref() == Some("links"))
        .collect();
    assert_eq!(links.len(), 3);
    let link_rows: Vec<(&str, Option<bool>, usize)> = links
        .iter()
        .map(|f| (f.name.as_str(), f.required, f.line))
        .collect();
    assert_eq!(
        link_rows,
        [
            ("href", Some(true), 256),
            ("rel", Some(true), 265),
            ("type", Some(false), 275)
        ]
    );
    assert_eq!(links[0].table, "Table 5 links parameter description");
    assert!(
        links[1]
            .description
            .starts_with("The value can be:\nself: A self link")
    );

    assert_eq!(p.example_requests.len(), 2);
    assert_eq!(
        p.example_requests[0].path,
        "/v2/9c53a566cb3443ab910cf0daebca90c4/images/detail"
    );
    assert_eq!(
        p.example_requests[1].path,
        "/v2.1/9c53a566cb3443ab910cf0daebca90c4/images/detail"
    );
    assert_eq!(
        (p.example_requests[0].line, p.example_requests[1].line),
        (290, 291)
    );

    assert_eq!(p.example_responses.len(), 1);
    let resp = &p.example_responses[0];
    assert_eq!((resp.status, resp.line), (200, 297));
    assert_eq!(
        resp.body["image"]["links"].as_array().map(Vec::len),
        Some(3)
    );

    assert!(
        p.error_statuses.is_empty(),
        "only a link to the general table"
    );
}

#[test]
fn glance_v1_1_list_images_detail() {
    let p = page("glance-v1.1-list-images-detail.md");
    assert_eq!(
        p.title,
        "Querying Image Details (Native OpenStack API v1.1 - Abandoned and Not Recommended)"
    );
    assert!(p.deprecated);
    assert_eq!(p.endpoints.len(), 1);
    assert_eq!(
        (p.endpoints[0].path.as_str(), p.endpoints[0].line),
        ("/v1.1/images/detail", 11)
    );

    assert_eq!(p.params.len(), 7);
    assert!(
        p.params
            .iter()
            .all(|x| x.location == ParamLocation::Query && !x.required)
    );
    assert!(p.params.iter().all(|x| x.table == "Request parameters"));
    assert_eq!((p.params[0].name.as_str(), p.params[0].line), ("name", 30));
    assert_eq!(param(&p, "size_min").ty.as_deref(), Some("String"));
    assert_eq!(param(&p, "changes-since").line, 84);

    assert_eq!(p.fields.len(), 18);
    assert!(
        p.fields
            .iter()
            .all(|f| f.parent.is_none() && f.table == "Response parameters")
    );
    assert_eq!(field(&p, None, "properties").ty, "Object");
    assert_eq!(field(&p, None, "size").line, 235);

    assert_eq!(p.example_requests.len(), 1);
    let r = &p.example_requests[0];
    assert_eq!((r.path.as_str(), r.line), ("/v1.1/images/detail", 99));
    assert_eq!(query(r), [("disk_format", "qcow2")]);

    assert_eq!(p.example_responses.len(), 1);
    let resp = &p.example_responses[0];
    assert_eq!((resp.status, resp.line), (200, 256));
    let headers: Vec<&str> = resp.headers.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        headers,
        [
            "Content-Type",
            "Content-Length",
            "X-Openstack-Request-Id",
            "Date"
        ]
    );
    assert_eq!(resp.headers[0].1, "application/json; charset=UTF-8");
    assert_eq!(resp.headers[3].1, "Mon, 23 May 2016 02:32:28 GMT");
    assert_eq!(resp.body["images"][0]["name"], "cirros");

    assert_eq!(statuses(&p), ERRORS);
    assert_eq!(p.error_statuses[0].line, 299);
}

#[test]
fn load_all_reads_the_five_pages_in_order() {
    let pages = load_all(&docs_dir()).expect("all pages parse");
    let names: Vec<&str> = pages.iter().map(|p| p.file.as_str()).collect();
    assert_eq!(
        names,
        [
            "glance-v1.1-list-images-detail.md",
            "glance-v2-list-images.md",
            "glance-v2-show-image.md",
            "ims-list-cloudimages.rst",
            "nova-list-images-detail.md",
        ]
    );
    let json: serde_json::Value = serde_json::from_str(&dump_json(&pages)).expect("valid JSON");
    assert_eq!(json[4]["params"][0]["location"], "path");
    assert_eq!(json[3]["fields"][1]["parent"], "images");
}

#[test]
fn load_all_errors_name_the_file() {
    let missing = docs_dir().join("no-such-folder");
    let err = load_all(&missing).expect_err("missing folder");
    assert!(matches!(err.kind, ErrorKind::Io(_)));
    assert!(err.to_string().contains("no-such-folder"), "{err}");
    let err = parse_page("page.txt", "# T").expect_err("unknown format");
    assert_eq!(
        err.to_string(),
        "page.txt: unsupported page format (expected a .md or .rst file)"
    );
}

#[test]
fn bad_json_in_a_page_is_an_error_with_its_line() {
    let md = "# T\n\n## Response\n\n-   Example response\n\n    ```\n    STATUS CODE 200\n    ```\n\n    ```\n    {\n      \"a\": 1\n      \"b\": 2\n    }\n    ```\n";
    let err = parse_page("p.md", md).expect_err("bad json");
    assert_eq!(err.line, 14, "{err}");
    assert!(
        err.to_string()
            .starts_with("p.md:14: example response body is not valid JSON"),
        "{err}"
    );
}

/// Truncated or garbled pages must give a page or an error, never a panic.
#[test]
fn odd_input_never_panics() {
    for name in [
        "glance-v1.1-list-images-detail.md",
        "glance-v2-list-images.md",
        "glance-v2-show-image.md",
        "ims-list-cloudimages.rst",
        "nova-list-images-detail.md",
    ] {
        let text = std::fs::read_to_string(docs_dir().join(name)).expect("readable");
        let lines: Vec<&str> = text.lines().collect();
        for cut in (0..lines.len()).step_by(61) {
            let _ = parse_page(name, &lines[..cut].join("\n"));
            // Drop one line: breaks tables, fences and blocks in the middle.
            let mut dropped = lines.clone();
            dropped.remove(cut);
            let _ = parse_page(name, &dropped.join("\n"));
            // Cut a line in half.
            let line = lines[cut];
            let mut half = line.len() / 2;
            while !line.is_char_boundary(half) {
                half += 1;
            }
            let cut_text = format!("{}\n{}", lines[..cut].join("\n"), &line[..half]);
            let _ = parse_page(name, &cut_text);
        }
    }
    for odd in [
        "",
        "\u{0}\u{feff}",
        "+",
        "+--+\n|",
        "+--+\n|é|\n+--+",
        "Title\n=\n",
        "- \n-",
        ".. table::\n\n   +-+\n   | |\n   +=+\n",
        "::\n\n",
        ".. code-block::",
        "# T\n\n## URI\n\nGET /x{?",
        "# T\n\n## Example request\n\n```\nGET\n```",
        "<table><tr><td>",
        "# T\n<table><tr><th>Returned Value</th></tr><tr><td></td></tr></table>",
        "**Table 1** x\n\n<table>",
        "*\t\\",
    ] {
        for ext in ["a.md", "a.rst"] {
            let _ = parse_page(ext, odd);
        }
    }
}
