//! `cargo xtask validate` passes on the project's files, and each kind of break in the spec,
//! the pages or the errata makes it fail, naming the finding.

use std::process::Command;

use serde_json::{Value, json};
use xtask::validate::{self, Generation, Report, findings::Check};

fn root() -> std::path::PathBuf {
    xtask::project_root()
}

/// Both generations of the pages: `[first, current]`.
fn pages() -> Vec<Generation> {
    let generations = validate::load_generations(&root()).expect("pages parse");
    assert_eq!(
        generations
            .iter()
            .map(|g| g.name.as_str())
            .collect::<Vec<_>>(),
        ["first", "current"]
    );
    generations
}

fn spec() -> Value {
    let text = std::fs::read_to_string(root().join("openapi/ims.yaml")).unwrap();
    serde_norway::from_str(&text).unwrap()
}

fn errata() -> String {
    std::fs::read_to_string(root().join("openapi/errata.yaml")).unwrap()
}

/// Validates a spec value (serialised as JSON, which is YAML) against the given pages.
fn validate_with(pages: &[Generation], spec: &Value, errata: &str) -> Report {
    validate::check(pages, &serde_json::to_string(spec).unwrap(), errata).expect("inputs parse")
}

/// Validates a modified spec against the real pages and errata.
fn validate_spec(spec: &Value) -> Report {
    validate_with(&pages(), spec, &errata())
}

/// Asserts the report fails with an unrecorded finding of `check` on `field`.
fn assert_finding(report: &Report, check: Check, field: &str) {
    assert!(
        !report.passed(),
        "validation passed, expected a {check:?} finding on {field}"
    );
    assert!(
        report
            .unrecorded
            .iter()
            .any(|f| f.check == check && f.field == field),
        "no unrecorded {check:?} finding on `{field}`; got:\n{}",
        report.to_text()
    );
}

fn remove(spec: &mut Value, pointer: &str) {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    let key = key.replace("~1", "/").replace("~0", "~");
    let parent = spec
        .pointer_mut(parent)
        .unwrap_or_else(|| panic!("{parent} not in spec"));
    match parent {
        Value::Object(map) => {
            map.remove(&key)
                .unwrap_or_else(|| panic!("{key} not in {pointer}"));
        }
        Value::Array(list) => {
            list.remove(key.parse::<usize>().unwrap());
        }
        _ => panic!("{pointer} has no children"),
    }
}

fn set(spec: &mut Value, pointer: &str, value: Value) {
    *spec
        .pointer_mut(pointer)
        .unwrap_or_else(|| panic!("{pointer} not in spec")) = value;
}

/// Index of the parameter `$ref`-ing `component` in an operation's list.
fn param_index(spec: &Value, op_pointer: &str, reference: &str) -> usize {
    spec.pointer(&format!("{op_pointer}/parameters"))
        .and_then(Value::as_array)
        .unwrap()
        .iter()
        .position(|p| {
            p.get("$ref").and_then(Value::as_str) == Some(reference)
                || p.get("name").and_then(Value::as_str) == Some(reference)
        })
        .unwrap_or_else(|| panic!("{reference} not a parameter of {op_pointer}"))
}

#[test]
fn the_project_files_pass_and_account_for_every_row() {
    let generations = pages();
    let report = validate_with(&generations, &spec(), &errata());
    assert!(report.passed(), "{}", report.to_text());
    for generation in &generations {
        let g = &report.generations[&generation.name];
        let pages = &generation.pages;
        let attributes = pages.iter().any(|p| !p.attributes.is_empty());
        assert_eq!(
            g.operations.len(),
            6 + usize::from(attributes),
            "{}",
            generation.name
        );
        let params: usize = pages
            .iter()
            .map(|p| p.params.len() * p.endpoints.len())
            .sum();
        let fields: usize = pages
            .iter()
            .map(|p| p.fields.len() * p.endpoints.len())
            .sum();
        let attribute_rows: usize = pages.iter().map(|p| p.attributes.len()).sum();
        let ops = g.operations.values();
        assert_eq!(ops.clone().map(|c| c.params).sum::<usize>(), params);
        assert_eq!(ops.clone().map(|c| c.fields).sum::<usize>(), fields);
        assert_eq!(
            ops.clone().map(|c| c.attributes).sum::<usize>(),
            attribute_rows
        );
        let requests: usize = pages.iter().map(|p| p.example_requests.len()).sum();
        assert_eq!(ops.map(|c| c.example_requests).sum::<usize>(), requests);
        for (op, coverage) in &g.operations {
            assert!(
                coverage.rows() > 0,
                "{}: {op} has no row checked",
                generation.name
            );
            if op != "schema Image" {
                assert!(
                    coverage.example_responses >= 1,
                    "{}: {op} has no example response checked",
                    generation.name
                );
            }
        }
    }
    // The Compute pages' URI lines carry literal query strings; both generations check rows.
    for generation in ["first", "current"] {
        let c = report.coverage(generation, "listComputeImages").unwrap();
        assert_eq!((c.params, c.fields), (6, 14), "{generation}");
    }
    assert_eq!(
        report
            .coverage("current", "schema Image")
            .unwrap()
            .attributes,
        52
    );
}

#[test]
fn a_documented_operation_with_no_rows_checked_fails() {
    let mut generations = pages();
    let page = generations[1]
        .pages
        .iter_mut()
        .find(|p| p.file == "glance-v2-show-image.rst")
        .unwrap();
    page.params.clear();
    page.fields.clear();
    let report = validate_with(&generations, &spec(), &errata());
    assert!(!report.passed());
    assert!(
        report
            .unchecked
            .iter()
            .any(|u| u.generation == "current" && u.operation == "showImage"),
        "{}",
        report.to_text()
    );
    assert!(report.to_text().contains("0 rows checked (1)"));
}

#[test]
fn errata_survive_a_renamed_page_and_are_per_generation() {
    let mut generations = pages();
    for page in &mut generations[0].pages {
        page.file = page.file.replace(".md", ".markdown");
    }
    let report = validate_with(&generations, &spec(), &errata());
    assert!(report.passed(), "{}", report.to_text());
    // An erratum of the first generation does not cover the same finding in the current one.
    let mut spec = spec();
    remove(
        &mut spec,
        "/components/schemas/Image/properties/__os_version",
    );
    let report = validate_spec(&spec);
    for generation in ["first", "current"] {
        assert!(
            report.unrecorded.iter().any(|f| f.generation == generation
                && f.check == Check::FieldMissing
                && f.field == "__os_version"),
            "{generation}: {}",
            report.to_text()
        );
    }
}

#[test]
fn an_attribute_missing_from_image_is_found() {
    let mut spec = spec();
    remove(
        &mut spec,
        "/components/schemas/Image/properties/__whole_image",
    );
    assert_finding(
        &validate_spec(&spec),
        Check::AttributeMissing,
        "__whole_image",
    );
    let mut spec = self::spec();
    set(
        &mut spec,
        "/components/schemas/Image/properties/__whole_image",
        json!({"type": "string"}),
    );
    assert_finding(&validate_spec(&spec), Check::AttributeType, "__whole_image");
}

#[test]
fn a_removed_field_is_found() {
    let mut spec = spec();
    remove(
        &mut spec,
        "/components/schemas/Image/properties/__os_version",
    );
    assert_finding(&validate_spec(&spec), Check::FieldMissing, "__os_version");
}

#[test]
fn a_changed_field_type_is_found() {
    let mut spec = spec();
    set(
        &mut spec,
        "/components/schemas/Image/properties/min_ram",
        json!({"type": "string"}),
    );
    let report = validate_spec(&spec);
    assert_finding(&report, Check::FieldType, "min_ram");
    // The examples' integers no longer validate either.
    assert_finding(&report, Check::ResponseInvalid, "/min_ram");
}

#[test]
fn a_long_field_without_int64_is_found() {
    let mut spec = spec();
    set(
        &mut spec,
        "/components/schemas/Image/properties/size",
        json!({"type": "integer", "nullable": true}),
    );
    assert_finding(&validate_spec(&spec), Check::FieldType, "size");
}

#[test]
fn a_dropped_parameter_is_found() {
    let mut spec = spec();
    let op = "/paths/~1v2~1cloudimages/get";
    let i = param_index(&spec, op, "#/components/parameters/PlatformQuery");
    remove(&mut spec, &format!("{op}/parameters/{i}"));
    assert_finding(&validate_spec(&spec), Check::ParamMissing, "__platform");
}

#[test]
fn a_parameter_type_change_is_found() {
    let mut spec = spec();
    set(
        &mut spec,
        "/components/parameters/Protected/schema",
        json!({"type": "string"}),
    );
    assert_finding(&validate_spec(&spec), Check::ParamType, "protected");
}

#[test]
fn a_required_flag_change_is_found() {
    let mut spec = spec();
    set(
        &mut spec,
        "/components/parameters/ProjectId/in",
        json!("query"),
    );
    set(
        &mut spec,
        "/components/parameters/ProjectId/required",
        json!(false),
    );
    let report = validate_spec(&spec);
    assert_finding(&report, Check::ParamLocation, "project_id");
    assert_finding(&report, Check::ParamRequired, "project_id");
}

#[test]
fn a_wrong_default_is_found() {
    let mut spec = spec();
    let op = "/paths/~1v2~1images/get";
    let i = param_index(&spec, op, "limit");
    set(
        &mut spec,
        &format!("{op}/parameters/{i}/schema/default"),
        json!(20),
    );
    assert_finding(&validate_spec(&spec), Check::ParamDefault, "limit");
}

#[test]
fn a_missing_documented_value_is_found() {
    let mut spec = spec();
    set(
        &mut spec,
        "/components/schemas/VisibilityKnown/enum",
        json!(["private", "public"]),
    );
    let report = validate_spec(&spec);
    assert_finding(&report, Check::ParamValues, "visibility");
    assert_finding(&report, Check::FieldValues, "visibility");
}

#[test]
fn operations_missing_or_undocumented_are_found() {
    let mut spec = spec();
    let show = spec
        .pointer("/paths/~1v2~1images~1{image_id}")
        .unwrap()
        .clone();
    remove(&mut spec, "/paths/~1v2~1images~1{image_id}");
    spec["paths"]["/v2/images/{image_id}/members"] = show;
    let report = validate_spec(&spec);
    assert_finding(
        &report,
        Check::OperationMissing,
        "GET /v2/images/{image_id}",
    );
    assert_finding(
        &report,
        Check::OperationUndocumented,
        "GET /v2/images/{image_id}/members",
    );
}

#[test]
fn a_lost_deprecation_is_found() {
    let mut spec = spec();
    remove(&mut spec, "/paths/~1v1.1~1images~1detail/get/deprecated");
    assert_finding(
        &validate_spec(&spec),
        Check::DeprecatedMismatch,
        "GET /v1.1/images/detail",
    );
}

#[test]
fn a_missing_error_status_is_found() {
    let mut spec = spec();
    remove(
        &mut spec,
        "/paths/~1v2~1images~1{image_id}/get/responses/404",
    );
    assert_finding(&validate_spec(&spec), Check::StatusMissing, "404");
}

#[test]
fn a_broken_example_response_is_found() {
    let mut pages = pages();
    let page = pages[0]
        .pages
        .iter_mut()
        .find(|p| p.file == "glance-v2-show-image.md")
        .unwrap();
    page.example_responses[0].body["min_ram"] = json!("2048");
    page.example_responses[0].body["brand_new_field"] = json!(1);
    let report = validate_with(&pages, &spec(), &errata());
    assert_finding(&report, Check::ResponseInvalid, "/min_ram");
    assert_finding(&report, Check::ExampleTypeContradicts, "min_ram");
    assert_finding(&report, Check::ExampleFieldUndocumented, "brand_new_field");
    assert_finding(&report, Check::SpecExampleDiffers, "(body)");
}

#[test]
fn a_broken_example_request_is_found() {
    let mut pages = pages();
    let page = pages[0]
        .pages
        .iter_mut()
        .find(|p| p.file == "ims-list-cloudimages.rst")
        .unwrap();
    let request = page
        .example_requests
        .iter_mut()
        .find(|r| r.kind == "example")
        .unwrap();
    request.query.push(("limit".into(), "many".into()));
    request.query.push(("colour".into(), "blue".into()));
    request
        .query
        .push(("created_at".into(), "after:yesterday".into()));
    page.example_requests
        .push(xtask::docs::model::ExampleRequest {
            method: "GET".into(),
            path: "/v3/cloudimages".into(),
            query: vec![],
            kind: "example".into(),
            line: 1,
        });
    let report = validate_with(&pages, &spec(), &errata());
    assert_finding(&report, Check::RequestValueInvalid, "limit");
    assert_finding(&report, Check::RequestValueInvalid, "created_at");
    assert_finding(&report, Check::RequestParamUnknown, "colour");
    assert_finding(&report, Check::RequestUnmatched, "GET /v3/cloudimages");
}

#[test]
fn an_erratum_that_matches_nothing_fails() {
    let mut spec = spec();
    // Following the page's typo makes the two sort_key errata stale.
    let op = "/paths/~1v2~1images/get";
    let i = param_index(&spec, op, "#/components/parameters/GlanceSortKeyQuery");
    set(
        &mut spec,
        &format!("{op}/parameters/{i}"),
        json!({"name": "sort_key", "in": "query", "schema": {"type": "string", "default": "create_at",
               "x-extensible-enum": ["name", "container_format", "disk_format", "status", "id", "size", "create_at"]}}),
    );
    let report = validate_spec(&spec);
    assert!(!report.passed());
    let stale: Vec<&str> = report
        .stale_errata
        .iter()
        .map(|s| s.erratum.as_str())
        .collect();
    assert!(stale.contains(&"list-sort-key-typo-default"), "{stale:?}");
    assert!(stale.contains(&"list-sort-key-typo-values"), "{stale:?}");
    assert!(report.to_text().contains("match no finding any more"));
}

#[test]
fn the_command_exits_non_zero_and_names_the_finding() {
    let mut spec = spec();
    remove(
        &mut spec,
        "/components/schemas/Image/properties/hw_firmware_type",
    );
    let dir = std::env::temp_dir().join(format!("ims-validate-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("broken.yaml");
    std::fs::write(&path, serde_json::to_string(&spec).unwrap()).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["validate", "--spec"])
        .arg(&path)
        .output()
        .unwrap();
    std::fs::remove_dir_all(&dir).ok();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("[field-missing]") && stdout.contains("hw_firmware_type"),
        "{stdout}"
    );
    assert!(stdout.contains("FAIL"), "{stdout}");
}

#[test]
fn the_json_report_lists_operations_and_errata() {
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["validate", "--format", "json"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        report["generations"]["first"]["operations"]
            .as_object()
            .unwrap()
            .len(),
        6
    );
    assert_eq!(
        report["generations"]["current"]["operations"]["showImage"]["fields"],
        json!(55)
    );
    assert!(
        report["recorded"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["erratum"] == "show-example-disk-format-zvhd2")
    );
    assert_eq!(report["unrecorded"], json!([]));
}
