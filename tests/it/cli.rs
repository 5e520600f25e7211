//! The `ims` command-line tool, run as a process against a server on 127.0.0.1.

use crate::support::fake_cloud::FakeCloud;
use crate::support::{CannedResponse, Server};
use serde_json::{Value, json};

/// Runs the `ims` binary with a clean environment (no credentials, no clouds.yaml) plus
/// `vars`, returning (exit code, stdout, stderr).
pub(crate) async fn ims(args: &[&str], vars: &[(&str, &str)]) -> (i32, String, String) {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_ims"));
    command
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default());
    command.env("HOME", std::env::temp_dir());
    // A cache of Keystone tokens of its own: one run's token never serves another test.
    let cache = tempfile::tempdir().unwrap();
    command.env("XDG_CACHE_HOME", cache.path());
    for (name, value) in vars {
        command.env(name, value);
    }
    let output = tokio::task::spawn_blocking(move || command.output())
        .await
        .unwrap()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn image(id: &str, name: &str) -> Value {
    json!({"id": id, "name": name, "status": "active", "visibility": "public", "disk_format": "qcow2",
           "__os_type": "Linux", "tags": ["a=b"], "virtual_size": null, "x_unknown": {"kept": true}})
}

/// Serves `pages` (lists of images) by marker: the first page without one, each next page
/// after the last id of the previous, with `next` links as Glance writes them.
fn paged_server(pages: Vec<Vec<Value>>) -> Server {
    Server::with_responder(move |request| {
        let marker = request
            .query_pairs()
            .into_iter()
            .find(|(k, _)| k == "marker")
            .map(|(_, v)| v);
        let index = match &marker {
            None => 0,
            Some(m) => match pages
                .iter()
                .position(|p| p.last().and_then(|i| i["id"].as_str()) == Some(m))
            {
                Some(i) => i + 1,
                None => return CannedResponse::json(400, &json!({"message": "bad marker"})),
            },
        };
        let page = pages.get(index).cloned().unwrap_or_default();
        let mut body = json!({ "images": page });
        if index + 1 < pages.len() {
            let last = pages[index].last().unwrap()["id"]
                .as_str()
                .unwrap()
                .to_string();
            body["next"] = json!(format!("/v2/images?marker={last}"));
        }
        CannedResponse::json(200, &body)
    })
}

fn images(prefix: &str, n: usize) -> Vec<Value> {
    (0..n)
        .map(|i| image(&format!("{prefix}{i}"), &format!("image {i}")))
        .collect()
}

#[tokio::test]
async fn lists_every_page_as_json_with_filters_on_each_page() {
    let server = paged_server(vec![
        vec![image("i1", "one"), image("i2", "two")],
        vec![image("i3", "Überimage ß 東京")],
    ]);
    let base = server.base_url();
    let (code, stdout, stderr) = ims(
        &[
            "--no-auth",
            "--endpoint",
            &base,
            "image",
            "list",
            "--page-size",
            "2",
            "--visibility",
            "public",
            "-f",
            "json",
        ],
        &[],
    )
    .await;
    assert_eq!(code, 0, "{stderr}");
    let listed: Value = serde_json::from_str(&stdout).unwrap();
    let ids: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["i1", "i2", "i3"]);
    assert_eq!(listed[2]["name"], "Überimage ß 東京");
    // Every key the service sent, null included, unknown ones too.
    assert_eq!(listed[0]["virtual_size"], Value::Null);
    assert_eq!(listed[0]["x_unknown"], json!({"kept": true}));
    assert_eq!(listed[0], image("i1", "one"));
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    // The first request carries the filters; Glance's next link carries them on.
    assert!(
        requests[0]
            .query_pairs()
            .contains(&("visibility".into(), "public".into()))
    );
    assert!(
        requests[0]
            .query_pairs()
            .contains(&("limit".into(), "2".into()))
    );
}

#[tokio::test]
async fn limit_is_a_total_and_sets_the_page_size() {
    let server = paged_server(vec![images("a", 2), images("b", 2), images("c", 2)]);
    let base = server.base_url();
    let (code, stdout, stderr) = ims(
        &[
            "--no-auth",
            "--endpoint",
            &base,
            "image",
            "list",
            "--limit",
            "3",
            "-f",
            "ndjson",
        ],
        &[],
    )
    .await;
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout.lines().count(), 3, "{stdout}");
    let requests = server.requests();
    assert_eq!(
        requests.len(),
        2,
        "no page after the one that reaches the limit"
    );
    assert!(
        requests[0]
            .query_pairs()
            .contains(&("limit".into(), "3".into()))
    );
}

#[tokio::test]
async fn openstack_style_filters_reach_the_query() {
    let server = paged_server(vec![vec![image("i1", "one")]]);
    let base = server.base_url();
    let (code, _, stderr) = ims(
        &[
            "--no-auth",
            "--endpoint",
            &base,
            "image",
            "list",
            "--hidden",
            "--tag",
            "a=b",
            "--tag",
            "c",
            "--sort",
            "name:asc",
            "--marker",
            "m0",
            "--min-disk",
            "0",
            "--protected",
            "false",
            "--os-type",
            "Linux",
        ],
        &[],
    )
    .await;
    // The stand-in answers 400 to an unknown marker: the request is what is checked here.
    assert_eq!(code, 1, "{stderr}");
    let pairs = server.single_request().query_pairs();
    for expected in [
        ("os_hidden", "true"),
        ("tag", "a=b"),
        ("tag", "c"),
        ("sort_key", "name"),
        ("sort_dir", "asc"),
        ("marker", "m0"),
        ("min_disk", "0"),
        ("protected", "false"),
        ("__os_type", "Linux"),
    ] {
        assert!(
            pairs.contains(&(expected.0.into(), expected.1.into())),
            "{expected:?} not in {pairs:?}"
        );
    }
}

#[tokio::test]
async fn bad_values_are_refused_with_exit_2_before_any_request() {
    let server = Server::start(vec![]);
    let base = server.base_url();
    for (args, wanted) in [
        (vec!["--page-size", "-1"], "-1"),
        (vec!["--page-size", "2147483648"], "2147483647"),
        (vec!["--visibility", "everyone"], "public"),
        (vec!["--sort", "name:up"], "asc"),
        (vec!["--sort", "name,status"], "one key"),
        (vec!["--created-at", "yesterday"], "created"),
        (vec!["--property", "novalue"], "KEY=VALUE"),
    ] {
        let mut all = vec!["--no-auth", "--endpoint", &base, "image", "list"];
        all.extend(args.iter().copied());
        let (code, stdout, stderr) = ims(&all, &[]).await;
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(stdout.is_empty());
        assert!(stderr.contains(wanted), "{args:?}: {stderr}");
    }
    assert!(server.requests().is_empty());
    // Open enums take any value: the service decides.
    let server = paged_server(vec![vec![]]);
    let base = server.base_url();
    let (code, _, stderr) = ims(
        &[
            "--no-auth",
            "--endpoint",
            &base,
            "image",
            "list",
            "--os-type",
            "Plan9",
        ],
        &[],
    )
    .await;
    assert_eq!(code, 0, "{stderr}");
}

#[tokio::test]
async fn the_table_fits_80_columns_and_escapes_control_characters() {
    let hostile = "red \u{1b}[31mALERT\u{1b}[0m\nsecond line\u{0} \u{9b}2J \u{202e}txt.exe";
    let long =
        "a very long image name that would never fit beside the id on an eighty column terminal";
    let server = paged_server(vec![vec![
        image("0e2b7c4f-1111-4a5b-9c3d-aaaaaaaaaaaa", hostile),
        image("0e2b7c4f-2222-4a5b-9c3d-bbbbbbbbbbbb", long),
        json!({"id": "0e2b7c4f-3333-4a5b-9c3d-cccccccccccc", "name": "東京の画像", "status": "deactivated"}),
    ]]);
    let base = server.base_url();
    let (code, stdout, stderr) = ims(
        &["--no-auth", "--endpoint", &base, "image", "list"],
        &[("COLUMNS", "80")],
    )
    .await;
    assert_eq!(code, 0, "{stderr}");
    for c in stdout.chars() {
        assert!(
            c == '\n' || !c.is_control(),
            "raw control {c:?} in {stdout}"
        );
    }
    assert!(!stdout.contains('\u{202e}'));
    assert!(stdout.contains(r"\u{1b}[31mALERT"), "{stdout}");
    for line in stdout.lines() {
        assert!(
            display_width(line) <= 80,
            "{} columns: {line}",
            display_width(line)
        );
    }
    assert!(
        stdout.contains("0e2b7c4f-2222-4a5b-9c3d-bbbbbbbbbbbb"),
        "ids are never cut: {stdout}"
    );
    assert!(stdout.contains("| deactivated |"), "{stdout}");
    assert!(stdout.contains("東京の画像"), "{stdout}");
    let header = stdout.lines().nth(1).unwrap();
    assert!(
        header.starts_with("| ID ") && header.contains("| Name ") && header.contains("| Status "),
        "{stdout}"
    );
    // Wrapped, not cut: every word of the long name is there.
    let name_column: String = stdout
        .lines()
        .filter_map(|l| l.split('|').nth(2))
        .collect::<String>();
    let squeezed = |s: &str| s.split_whitespace().collect::<String>();
    assert!(
        squeezed(&name_column).contains(&squeezed(long)),
        "{name_column}"
    );

    // JSON keeps the text exactly, with the dangerous characters as escapes.
    let (code, stdout, _) = ims(
        &[
            "--no-auth",
            "--endpoint",
            &base,
            "image",
            "list",
            "-f",
            "json",
        ],
        &[],
    )
    .await;
    assert_eq!(code, 0);
    assert!(
        !stdout.contains('\u{1b}') && !stdout.contains('\u{9b}') && !stdout.contains('\u{202e}')
    );
    let listed: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(listed[0]["name"], hostile);
}

/// Display width of a line as a terminal shows it: two columns for East Asian wide characters.
fn display_width(line: &str) -> usize {
    line.chars()
        .map(|c| match c as u32 {
            0x1100..=0x115f
            | 0x2e80..=0xa4cf
            | 0xac00..=0xd7a3
            | 0xf900..=0xfaff
            | 0xff00..=0xff60
            | 0xffe0..=0xffe6 => 2,
            _ => 1,
        })
        .sum()
}

#[tokio::test]
async fn an_empty_list_prints_the_header_in_every_format() {
    let server = paged_server(vec![vec![]]);
    let base = server.base_url();
    let run = |format: &'static str| {
        let base = base.clone();
        async move {
            let (code, stdout, stderr) = ims(
                &[
                    "--no-auth",
                    "--endpoint",
                    &base,
                    "image",
                    "list",
                    "-f",
                    format,
                ],
                &[],
            )
            .await;
            assert_eq!(code, 0, "{stderr}");
            stdout
        }
    };
    let table = run("table").await;
    assert_eq!(table.lines().count(), 4, "{table}");
    assert!(table.lines().nth(1).unwrap().contains("| Name "));
    assert_eq!(run("csv").await, "ID,Name,Status\n");
    assert_eq!(run("json").await, "[]\n");
    assert_eq!(run("yaml").await, "[]\n");
    assert_eq!(run("ndjson").await, "");
    assert_eq!(run("value").await, "");
}

#[tokio::test]
async fn columns_and_formats_choose_what_is_printed() {
    let server = paged_server(vec![vec![image("i1", "one, two"), image("i2", "three")]]);
    let base = server.base_url();
    let args = |extra: &[&'static str]| {
        let mut all: Vec<String> = ["--no-auth", "--endpoint", &base, "image", "list"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        all.extend(extra.iter().map(|s| s.to_string()));
        all
    };
    let run = |extra: &'static [&'static str]| {
        let all = args(extra);
        async move {
            let refs: Vec<&str> = all.iter().map(String::as_str).collect();
            let (code, stdout, stderr) = ims(&refs, &[]).await;
            assert_eq!(code, 0, "{stderr}");
            stdout
        }
    };
    assert_eq!(
        run(&["-f", "csv", "-c", "ID", "-c", "__os_type", "-c", "Name"]).await,
        "ID,__os_type,Name\ni1,Linux,\"one, two\"\ni2,Linux,three\n"
    );
    assert_eq!(
        run(&["-f", "value", "-c", "id", "-c", "Disk Format"]).await,
        "i1 qcow2\ni2 qcow2\n"
    );
    let yaml = run(&["-f", "yaml", "-c", "id", "-c", "virtual_size"]).await;
    assert_eq!(
        yaml,
        "- id: i1\n  virtual_size: null\n- id: i2\n  virtual_size: null\n"
    );
    let ndjson = run(&["-f", "ndjson", "-c", "id", "-c", "tags"]).await;
    assert_eq!(
        ndjson,
        "{\"id\":\"i1\",\"tags\":[\"a=b\"]}\n{\"id\":\"i2\",\"tags\":[\"a=b\"]}\n"
    );
    let long = run(&["--long"]).await;
    for heading in [
        "Disk Format",
        "Container Format",
        "Size",
        "Visibility",
        "Protected",
        "Project",
        "Tags",
    ] {
        assert!(
            long.lines().nth(1).unwrap().contains(heading),
            "{heading}: {long}"
        );
    }
    // --property filters on what the service sent, any key.
    let filtered = run(&["-f", "value", "-c", "id", "--property", "name=three"]).await;
    assert_eq!(filtered, "i2\n");
}

#[tokio::test]
async fn show_finds_an_image_by_id_or_by_name() {
    let named = image("0a1b2c3d-0000-4000-8000-000000000001", "cirros");
    let twins = [image("t1", "twin"), image("t2", "twin")];
    let server = Server::with_responder({
        let named = named.clone();
        let twins = twins.clone();
        move |request| {
            let path = request.path().to_string();
            if let Some(id) = path.strip_prefix("/v2/images/") {
                return if id == named["id"] {
                    CannedResponse::json(200, &named)
                } else {
                    CannedResponse::json(
                        404,
                        &json!({"message": "No image found with ID", "code": "404 Not Found"}),
                    )
                };
            }
            let name = request
                .query_pairs()
                .into_iter()
                .find(|(k, _)| k == "name")
                .map(|(_, v)| v);
            let found: Vec<Value> = match name.as_deref() {
                Some("eq:cirros") => vec![named.clone()],
                Some("eq:twin") => twins.to_vec(),
                _ => vec![],
            };
            CannedResponse::json(200, &json!({"images": found}))
        }
    });
    let base = server.base_url();
    let (code, stdout, stderr) = ims(
        &["--no-auth", "--endpoint", &base, "image", "show", "cirros"],
        &[],
    )
    .await;
    assert_eq!(code, 0, "{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(
        lines[1].starts_with("| Field") && lines[1].contains("| Value"),
        "{stdout}"
    );
    assert!(
        stdout.contains("| id ") && stdout.contains("0a1b2c3d-0000-4000-8000-000000000001"),
        "{stdout}"
    );
    assert!(
        stdout.contains("| __os_type ")
            && stdout.contains("| virtual_size ")
            && stdout.contains("| null "),
        "{stdout}"
    );

    let (code, stdout, _) = ims(
        &[
            "--no-auth",
            "--endpoint",
            &base,
            "image",
            "show",
            "0a1b2c3d-0000-4000-8000-000000000001",
            "-f",
            "json",
        ],
        &[],
    )
    .await;
    assert_eq!(code, 0);
    assert_eq!(serde_json::from_str::<Value>(&stdout).unwrap(), named);

    let (code, stdout, stderr) = ims(
        &["--no-auth", "--endpoint", &base, "image", "show", "twin"],
        &[],
    )
    .await;
    assert_eq!(code, 1);
    assert!(stdout.is_empty());
    assert!(
        stderr.contains("more than one image") && stderr.contains("t1") && stderr.contains("t2"),
        "{stderr}"
    );

    let (code, _, stderr) = ims(
        &["--no-auth", "--endpoint", &base, "image", "show", "nothing"],
        &[],
    )
    .await;
    assert_eq!(code, 1);
    assert!(
        stderr.contains("no image has the ID or name `nothing`"),
        "{stderr}"
    );
}

#[tokio::test]
async fn an_error_response_exits_1_with_a_readable_message() {
    let server = Server::start(vec![
        CannedResponse::json(
            403,
            &json!({"error": {"code": "IMG.0403", "message": "Forbidden."}}),
        )
        .header("X-Request-Id", "req-cli-1"),
    ]);
    let base = server.base_url();
    let (code, stdout, stderr) = ims(
        &["--no-auth", "--endpoint", &base, "image", "show", "some-id"],
        &[],
    )
    .await;
    assert_eq!(code, 1);
    assert!(stdout.is_empty());
    assert!(
        stderr.contains("403") && stderr.contains("IMG.0403") && stderr.contains("req-cli-1"),
        "{stderr}"
    );
    assert_eq!(server.single_request().path(), "/v2/images/some-id");
}

/// Glance's `message` holds `<br />` and blank lines: the tool prints one clean line.
#[tokio::test]
async fn a_glance_error_message_is_printed_on_one_line() {
    let body = json!({"message": "No image found with ID nope<br /><br />\n\n\n", "code": "404 Not Found", "title": "Not Found"});
    let server = Server::start(vec![CannedResponse::json(404, &body)]);
    let base = server.base_url();
    let (code, stdout, stderr) = ims(
        &[
            "--no-auth",
            "--endpoint",
            &base,
            "api",
            "show-image",
            "nope",
        ],
        &[],
    )
    .await;
    assert_eq!(code, 1);
    assert!(stdout.is_empty());
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("ims: show_image: the service answered 404 Not Found: No image found with ID nope. Check the id"),
        "{stderr}"
    );
    assert!(!stderr.contains('<'), "{stderr}");
}

#[tokio::test]
async fn a_refused_next_link_exits_4_after_printing_the_first_page() {
    let link = "https://evil.example/v2/images?marker=i1";
    let server = Server::start(vec![CannedResponse::json(
        200,
        &json!({"images": [image("i1", "one")], "next": link}),
    )]);
    let base = server.base_url();
    let (code, stdout, stderr) = ims(
        &[
            "--no-auth",
            "--endpoint",
            &base,
            "image",
            "list",
            "-f",
            "ndjson",
        ],
        &[],
    )
    .await;
    assert_eq!(code, 4);
    assert_eq!(
        stdout.lines().count(),
        1,
        "the first page is printed: {stdout}"
    );
    assert!(
        stderr.starts_with(&format!(
            "ims: list_images: the service's next link points to another host ({link}), not to the client's endpoint {base}; it was not followed."
        )),
        "{stderr}"
    );
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn an_image_that_does_not_decode_is_reported_and_the_rest_printed() {
    let server = Server::start(vec![CannedResponse::json(
        200,
        &json!({"images": [image("i1", "one"), {"id": "bad", "min_disk": "lots"}, image("i3", "three")]}),
    )]);
    let base = server.base_url();
    let (code, stdout, stderr) = ims(
        &[
            "--no-auth",
            "--endpoint",
            &base,
            "image",
            "list",
            "-f",
            "value",
            "-c",
            "id",
        ],
        &[],
    )
    .await;
    assert_eq!(code, 4, "{stderr}");
    assert_eq!(stdout, "i1\ni3\n");
    assert!(
        stderr.contains("min_disk") && stderr.contains("bad"),
        "{stderr}"
    );
}

#[tokio::test]
async fn network_failures_exit_3() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let (code, stdout, stderr) =
        ims(&["--no-auth", "--endpoint", &base, "image", "list"], &[]).await;
    assert_eq!(code, 3, "{stderr}");
    assert!(stdout.is_empty());
}

#[tokio::test]
async fn a_closed_pipe_ends_quietly_with_exit_0() {
    let server = paged_server(vec![images("p", 5000), images("q", 5000)]);
    let base = server.base_url();
    // The stand-in server runs on this test's runtime: the blocking reads go elsewhere.
    let (read, output) = tokio::task::spawn_blocking(move || {
        use std::io::Read;
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_ims"))
            .args([
                "--no-auth",
                "--endpoint",
                &base,
                "image",
                "list",
                "-f",
                "value",
            ])
            .env_clear()
            .env("HOME", std::env::temp_dir())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdout = child.stdout.take().unwrap();
        let mut first = [0u8; 64];
        let read = stdout.read_exact(&mut first);
        drop(stdout);
        (read, child.wait_with_output().unwrap())
    })
    .await
    .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    read.unwrap_or_else(|e| panic!("{e}: {stderr}"));
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(stderr.is_empty(), "{stderr}");
}

#[tokio::test]
async fn debug_prints_one_line_per_request_and_no_secret() {
    let server = paged_server(vec![images("d", 2), images("e", 1)]);
    let base = server.base_url();
    let (code, _, stderr) = ims(
        &["--debug", "image", "list", "--page-size", "2"],
        &[
            ("IMS_ENDPOINT", &base),
            ("OS_AUTH_TOKEN", "secret-token-9f8e7d"),
        ],
    )
    .await;
    assert_eq!(code, 0, "{stderr}");
    let requests: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("ims: GET "))
        .collect();
    assert_eq!(requests.len(), 2, "{stderr}");
    assert!(
        requests[0].contains(&format!("{base}/v2/images?limit=2"))
            && requests[0].contains("-> 200 in "),
        "{stderr}"
    );
    assert!(requests[1].contains("marker=d1"), "{stderr}");
    assert!(!stderr.contains("secret-token-9f8e7d"), "{stderr}");
    assert_eq!(
        server.requests()[0].header("x-auth-token"),
        Some("secret-token-9f8e7d")
    );
}

#[tokio::test]
async fn every_operation_is_a_command_and_deprecated_ones_say_so() {
    let server = Server::start(vec![CannedResponse::json(
        200,
        &json!({"images": [{"id": "c1", "name": "compute", "status": "ACTIVE"}]}),
    )]);
    let base = server.base_url();
    let (code, stdout, stderr) = ims(
        &[
            "--no-auth",
            "--endpoint",
            &base,
            "api",
            "list-compute-images",
            "proj-1",
            "--min-disk",
            "0",
            "-f",
            "value",
        ],
        &[],
    )
    .await;
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout, "c1 compute ACTIVE\n");
    assert!(stderr.contains("deprecated"), "{stderr}");
    let request = server.single_request();
    assert!(
        request.path().starts_with("/v2/proj-1/images"),
        "{}",
        request.path()
    );
    let (code, help, _) = ims(&["api", "--help"], &[]).await;
    assert_eq!(code, 0);
    for command in [
        "show-image",
        "list-images",
        "list-cloud-images",
        "list-compute-images",
        "list-compute-images-v2-1",
        "list-images-v1-1",
    ] {
        assert!(help.contains(command), "{command}: {help}");
    }
    assert!(help.contains("[deprecated]"), "{help}");
}

#[tokio::test]
async fn completion_scripts_are_printed() {
    for shell in ["bash", "zsh", "fish"] {
        let (code, stdout, stderr) = ims(&["completion", shell], &[]).await;
        assert_eq!(code, 0, "{shell}: {stderr}");
        assert!(
            stdout.contains("ims") && stdout.contains("list-images"),
            "{shell}"
        );
    }
}

#[tokio::test]
async fn a_token_from_the_environment_is_sent() {
    let server = Server::start(vec![CannedResponse::json(200, &image("i1", "one"))]);
    let base = server.base_url();
    let (code, stdout, stderr) = ims(
        &["image", "show", "i1", "--format", "json"],
        &[("IMS_ENDPOINT", &base), ("OS_AUTH_TOKEN", "cli-token-123")],
    )
    .await;
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(serde_json::from_str::<Value>(&stdout).unwrap()["id"], "i1");
    assert_eq!(
        server.single_request().header("x-auth-token"),
        Some("cli-token-123")
    );
}

#[tokio::test]
async fn missing_settings_exit_2_and_name_the_flags() {
    let (code, _, stderr) = ims(&["image", "list"], &[]).await;
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("OS_CLOUD")
            && stderr.contains("OS_AUTH_URL")
            && stderr.contains("--os-cloud"),
        "{stderr}"
    );
    let (code, _, stderr) = ims(&["--no-auth", "image", "list"], &[]).await;
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("--endpoint"), "{stderr}");
}

/// The real Glance (unauthenticated pipeline) of `scripts/openstack/up.sh` and its seed file,
/// or `None` (the test is skipped) outside CI when it is not running.
fn real_glance() -> Option<(String, Value)> {
    let Ok(url) = std::env::var("IMS_TEST_GLANCE_NOAUTH_URL") else {
        assert!(
            std::env::var("CI").is_err(),
            "CI must run the OpenStack tests: IMS_TEST_GLANCE_NOAUTH_URL is not set"
        );
        eprintln!("skipped: run scripts/openstack/up.sh and source .openstack/env");
        return None;
    };
    let seed: Value = serde_json::from_str(
        &std::fs::read_to_string(std::env::var("IMS_TEST_SEED_JSON").unwrap()).unwrap(),
    )
    .unwrap();
    Some((url, seed))
}

/// The ids printed one per line (`-f value -c id`), sorted.
fn sorted_lines(stdout: &str) -> Vec<String> {
    let mut ids: Vec<String> = stdout.lines().map(str::to_string).collect();
    ids.sort();
    ids
}

/// The tool against the real Glance started by `scripts/openstack/up.sh`.
#[tokio::test]
async fn lists_the_seeded_images_of_a_real_glance() {
    let Some((url, seed)) = real_glance() else {
        return;
    };
    let (code, stdout, stderr) = ims(
        &[
            "--no-auth",
            "--endpoint",
            &url,
            "image",
            "list",
            "--visibility",
            "all",
            "--page-size",
            "7",
            "-f",
            "ndjson",
        ],
        &[],
    )
    .await;
    assert_eq!(code, 0, "{stderr}");
    let mut listed: Vec<String> = stdout
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    listed.sort();
    assert_eq!(listed, seed_ids(&seed));

    // --limit is a total; the table of the same images has their ids.
    let (code, stdout, _) = ims(
        &[
            "--no-auth",
            "--endpoint",
            &url,
            "image",
            "list",
            "--visibility",
            "all",
            "--limit",
            "5",
            "-f",
            "value",
            "-c",
            "id",
        ],
        &[],
    )
    .await;
    assert_eq!(code, 0);
    assert_eq!(stdout.lines().count(), 5, "{stdout}");
}

#[tokio::test]
async fn a_real_glance_filters_by_every_tag_given_and_sorts() {
    let Some((url, seed)) = real_glance() else {
        return;
    };
    let images = seed["glance_noauth"]["images"].as_array().unwrap();
    let with = |tags: &[&str]| -> Vec<String> {
        let mut ids: Vec<String> = images
            .iter()
            .filter(|i| {
                tags.iter()
                    .all(|t| i["tags"].as_array().unwrap().iter().any(|x| x == t))
            })
            .map(|i| i["id"].as_str().unwrap().to_string())
            .collect();
        ids.sort();
        ids
    };
    let (code, stdout, stderr) = ims(
        &[
            "--no-auth",
            "--endpoint",
            &url,
            "image",
            "list",
            "--visibility",
            "all",
            "--tag",
            "gold",
            "--tag",
            "prod",
            "-f",
            "value",
            "-c",
            "id",
        ],
        &[],
    )
    .await;
    assert_eq!(code, 0, "{stderr}");
    let both = with(&["gold", "prod"]);
    assert!(
        !both.is_empty() && both.len() < with(&["gold"]).len(),
        "the seed has images with both tags and with one"
    );
    assert_eq!(sorted_lines(&stdout), both);

    let (code, stdout, _) = ims(
        &[
            "--no-auth",
            "--endpoint",
            &url,
            "image",
            "list",
            "--visibility",
            "all",
            "--sort",
            "name:asc",
            "-f",
            "value",
            "-c",
            "name",
        ],
        &[],
    )
    .await;
    assert_eq!(code, 0);
    let names: Vec<&str> = stdout.lines().collect();
    assert_eq!(names.len(), images.len());
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted, "Glance sorted by name");
}

#[tokio::test]
async fn a_real_glance_image_is_shown_by_name_or_id_and_a_missing_one_exits_1() {
    let Some((url, seed)) = real_glance() else {
        return;
    };
    let images = seed["glance_noauth"]["images"].as_array().unwrap();
    let unique = images
        .iter()
        .find(|i| {
            let name = i["name"].as_str().unwrap_or("");
            !name.is_empty() && images.iter().filter(|j| j["name"] == name).count() == 1
        })
        .expect("a seeded image with a name of its own");
    let name = unique["name"].as_str().unwrap();
    let (code, stdout, stderr) = ims(
        &[
            "--no-auth",
            "--endpoint",
            &url,
            "image",
            "show",
            name,
            "-f",
            "json",
        ],
        &[],
    )
    .await;
    assert_eq!(code, 0, "{stderr}");
    let shown: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(shown["id"], unique["id"]);
    let id = unique["id"].as_str().unwrap();
    let (code, stdout, _) = ims(&["--no-auth", "--endpoint", &url, "image", "show", id], &[]).await;
    assert_eq!(code, 0);
    assert!(stdout.contains("| id ") && stdout.contains(id), "{stdout}");

    // A community image (which plain lists leave out) is found by its name too.
    let community = images
        .iter()
        .find(|i| {
            i["visibility"] == "community"
                && images.iter().filter(|j| j["name"] == i["name"]).count() == 1
        })
        .expect("a seeded community image with a name of its own");
    let community_name = community["name"].as_str().unwrap();
    let (code, stdout, stderr) = ims(
        &[
            "--no-auth",
            "--endpoint",
            &url,
            "image",
            "show",
            community_name,
            "-f",
            "json",
        ],
        &[],
    )
    .await;
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        serde_json::from_str::<Value>(&stdout).unwrap()["id"],
        community["id"]
    );

    let (code, stdout, stderr) = ims(
        &[
            "--no-auth",
            "--endpoint",
            &url,
            "image",
            "show",
            "no such image 6f1d",
        ],
        &[],
    )
    .await;
    assert_eq!(code, 1, "{stderr}");
    assert!(stdout.is_empty());
    assert!(
        stderr.contains("no image has the ID or name `no such image 6f1d`"),
        "{stderr}"
    );
}

/// A hidden image (`os_hidden`) is left out of lists unless `--hidden` asks for the hidden ones.
#[tokio::test]
async fn hidden_images_of_a_real_glance_are_listed_with_hidden() {
    let Some((url, _)) = real_glance() else {
        return;
    };
    // Created once (Glance answers 409 to the same id later); hidden images do not change
    // what the other tests list.
    let id = "0c11d0e5-5eed-4c1d-9e11-000000000001";
    let created = reqwest::Client::new()
        .post(format!("{url}/v2/images"))
        .json(
            &json!({"id": id, "name": "ims-cli-hidden", "os_hidden": true, "visibility": "public",
                      "disk_format": "raw", "container_format": "bare"}),
        )
        .send()
        .await
        .unwrap();
    assert!(
        matches!(created.status().as_u16(), 201 | 409),
        "{}",
        created.status()
    );
    let list = |hidden: bool| {
        let url = url.clone();
        async move {
            let mut args = vec![
                "--no-auth",
                "--endpoint",
                &url,
                "image",
                "list",
                "--visibility",
                "all",
                "-f",
                "value",
                "-c",
                "id",
            ];
            if hidden {
                args.push("--hidden");
            }
            let (code, stdout, stderr) = ims(&args, &[]).await;
            assert_eq!(code, 0, "{stderr}");
            sorted_lines(&stdout)
        }
    };
    assert!(!list(false).await.contains(&id.to_string()));
    assert_eq!(list(true).await, [id.to_string()]);
}

/// The CLI with Keystone password settings from the environment (as `openstack` takes them):
/// the catalog gives the image endpoint; a wrong password exits 1 and is never printed.
#[tokio::test]
async fn a_real_keystone_and_glance_through_the_environment() {
    let Some((_, seed)) = real_glance() else {
        return;
    };
    let names = [
        "OS_AUTH_URL",
        "OS_USERNAME",
        "OS_PASSWORD",
        "OS_PROJECT_NAME",
        "OS_USER_DOMAIN_NAME",
        "OS_PROJECT_DOMAIN_NAME",
        "OS_REGION_NAME",
        "OS_INTERFACE",
    ];
    let vars: Vec<(String, String)> = names
        .iter()
        .map(|n| {
            (
                n.to_string(),
                std::env::var(n).unwrap_or_else(|_| panic!("{n} is set by .openstack/env")),
            )
        })
        .collect();
    let refs: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let (code, stdout, stderr) = ims(&["image", "list", "-f", "value", "-c", "id"], &refs).await;
    assert_eq!(code, 0, "{stderr}");
    let mut expected: Vec<String> = seed["glance_auth"]["images"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["os_hidden"] != true)
        .map(|i| i["id"].as_str().unwrap().to_string())
        .collect();
    expected.sort();
    // Other tests may add images to this project: the seeded ones must all be there.
    let listed = sorted_lines(&stdout);
    for id in &expected {
        assert!(listed.contains(id), "{id} not in {listed:?}");
    }

    let wrong = "wrong-password-71c3";
    let refs: Vec<(&str, &str)> = vars
        .iter()
        .map(|(k, v)| {
            if k == "OS_PASSWORD" {
                (k.as_str(), wrong)
            } else {
                (k.as_str(), v.as_str())
            }
        })
        .collect();
    let (code, stdout, stderr) = ims(&["image", "list"], &refs).await;
    assert_eq!(code, 1, "{stderr}");
    assert!(stdout.is_empty());
    assert!(
        stderr.contains("401") || stderr.to_lowercase().contains("keystone"),
        "{stderr}"
    );
    assert!(!stderr.contains(wrong), "{stderr}");
}

/// The ids of the images seeded into glance-noauth, sorted.
fn seed_ids(seed: &Value) -> Vec<String> {
    let images = seed["glance_noauth"]["images"]
        .as_array()
        .expect("the seed file lists glance-noauth's images");
    let mut ids: Vec<String> = images
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_string())
        .collect();
    ids.sort();
    ids
}

/// Keystone tokens are kept between runs (a 0600 file) and reused; `--no-cache` neither reads
/// nor writes them. Every request says it comes from the CLI.
#[tokio::test]
async fn a_second_run_reuses_the_cached_token_and_no_cache_does_not() {
    let cloud = FakeCloud::start();
    let cache = tempfile::tempdir().unwrap();
    let auth_url = cloud.auth_url();
    let cache_home = cache.path().to_str().unwrap().to_string();
    let vars = [
        ("OS_AUTH_URL", auth_url.as_str()),
        ("OS_USERNAME", "alice"),
        ("OS_PASSWORD", "pw-3e1f0c"),
        ("OS_PROJECT_NAME", "p"),
        ("OS_USER_DOMAIN_NAME", "Default"),
        ("OS_PROJECT_DOMAIN_NAME", "Default"),
        ("OS_REGION_NAME", "RegionOne"),
        ("XDG_CACHE_HOME", cache_home.as_str()),
    ];
    for _ in 0..2 {
        let (code, _, stderr) = ims(&["image", "list", "-f", "value"], &vars).await;
        assert_eq!(code, 0, "{stderr}");
    }
    assert_eq!(
        cloud.keystone_requests().len(),
        1,
        "the second run used the cached token"
    );
    assert_eq!(cloud.ims_requests().len(), 2);
    let files: Vec<_> = std::fs::read_dir(cache.path().join("ims"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&files[0]).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let stored = std::fs::read_to_string(&files[0]).unwrap();
    assert!(
        !stored.contains("pw-3e1f0c"),
        "the password is never stored"
    );

    let (code, _, stderr) = ims(&["--no-cache", "image", "list"], &vars).await;
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        cloud.keystone_requests().len(),
        2,
        "--no-cache asked Keystone"
    );
    for request in cloud.server.requests() {
        let agent = request.header("user-agent").unwrap_or("");
        assert!(
            agent.starts_with(concat!("ims-cli/", env!("CARGO_PKG_VERSION"), " ims/")),
            "{agent}"
        );
    }
}

/// Piped (no terminal, no `COLUMNS`), a later page's longer cell is printed whole on its line.
#[tokio::test]
async fn a_piped_table_keeps_each_cell_on_one_line() {
    let long = "a name much longer than any name of the first page";
    let server = paged_server(vec![vec![image("i1", "short")], vec![image("i2", long)]]);
    let base = server.base_url();
    let (code, stdout, stderr) =
        ims(&["--no-auth", "--endpoint", &base, "image", "list"], &[]).await;
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("| i2 ") && l.contains(long)),
        "{stdout}"
    );
    assert_eq!(stdout.lines().count(), 6, "{stdout}");
}

/// `--os-cacert` and `--insecure` apply with `--no-auth` too (keystoneauth's `none`).
#[tokio::test]
async fn tls_flags_apply_without_credentials() {
    let server = paged_server(vec![vec![image("t1", "over tls")]]);
    let (https, _front) = crate::config::tls_front(server.addr(), false).await;
    let ca = crate::config::tls_file("ca.pem");
    let ca = ca.to_str().unwrap();
    let list = ["image", "list", "-f", "value", "-c", "id"];
    let run = |extra: Vec<&'static str>, ca: Option<String>| {
        let https = https.clone();
        async move {
            let mut args: Vec<String> = vec!["--no-auth".into(), "--endpoint".into(), https];
            if let Some(ca) = ca {
                args.extend(["--os-cacert".to_string(), ca]);
            }
            args.extend(extra.iter().map(|s| s.to_string()));
            args.extend(list.iter().map(|s| s.to_string()));
            let refs: Vec<&str> = args.iter().map(String::as_str).collect();
            ims(&refs, &[]).await
        }
    };
    let (code, stdout, stderr) = run(vec![], Some(ca.to_string())).await;
    assert_eq!((code, stdout.as_str()), (0, "t1\n"), "{stderr}");
    let (code, stdout, stderr) = run(vec![], None).await;
    assert_ne!(
        code, 0,
        "the test CA is not trusted without --os-cacert: {stdout}"
    );
    assert!(stderr.contains("ims: "), "{stderr}");
    let (code, stdout, stderr) = run(vec!["--insecure"], None).await;
    assert_eq!((code, stdout.as_str()), (0, "t1\n"), "{stderr}");
}
