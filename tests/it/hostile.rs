//! The client against a hostile HTTP server on 127.0.0.1: each case asserts what a user needs
//! (a typed error naming the cause, bounded time and memory, nothing sent where it must not
//! go). The server is a raw TCP listener that writes exactly the bytes a case scripts, so it
//! can lie about lengths, stop in the middle of a body, reset the connection or never answer.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures::StreamExt;
use ims::retry::{RetryPolicy, Timeouts};
use ims::{Client, Context, ErrorKind, Limits};
use serde_json::{Value, json};

/// A raw HTTP server: for each connection, reads the request head and hands the stream to
/// `script` with the connection's number (from 0) and the request line.
struct Raw {
    addr: SocketAddr,
    connections: Arc<AtomicUsize>,
}

impl Raw {
    fn start(
        ip: &str,
        script: impl Fn(usize, &str, &mut TcpStream) + Send + Sync + 'static,
    ) -> Raw {
        let listener = TcpListener::bind((ip, 0)).unwrap();
        let addr = listener.local_addr().unwrap();
        let connections = Arc::new(AtomicUsize::new(0));
        let count = Arc::clone(&connections);
        let script = Arc::new(script);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { return };
                let n = count.fetch_add(1, Ordering::SeqCst);
                let script = Arc::clone(&script);
                std::thread::spawn(move || {
                    let head = read_head(&mut stream);
                    let line = head.lines().next().unwrap_or_default().to_string();
                    script(n, &line, &mut stream);
                });
            }
        });
        Raw { addr, connections }
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

fn read_head(stream: &mut TcpStream) -> String {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => break,
        }
    }
    String::from_utf8_lossy(&head).into_owned()
}

/// A complete response with a JSON body.
fn respond(stream: &mut TcpStream, status: &str, headers: &str, body: &[u8]) {
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n{headers}\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(body);
}

fn json_response(stream: &mut TcpStream, body: &Value) {
    respond(
        stream,
        "200 OK",
        "Content-Type: application/json\r\n",
        body.to_string().as_bytes(),
    );
}

/// A client that tries `attempts` times with short waits.
fn client(url: &str, attempts: u32) -> Client {
    let policy = RetryPolicy::default()
        .max_attempts(attempts)
        .backoff(Duration::from_millis(1), Duration::from_millis(5));
    Client::new(url, Context::default().with_retry(policy))
}

fn image(id: &str) -> Value {
    json!({"id": id, "name": format!("image {id}"), "status": "active", "min_disk": 40, "tags": []})
}

/// Peak resident memory of this process so far (VmHWM), in bytes.
/// Runs the calling test again in a process of its own (this test binary, only that test),
/// so that the memory other tests use at the same time does not count in its peak RSS.
/// Returns `true` in that process, where the test does its work; in the parent it waits for
/// the child and fails the test with the child's output when the child failed.
fn in_own_process(test: &str) -> bool {
    const MARK: &str = "IMS_TEST_OWN_PROCESS";
    if std::env::var(MARK).as_deref() == Ok(test) {
        return true;
    }
    let output = std::process::Command::new(std::env::current_exe().unwrap())
        .args([test, "--exact", "--test-threads=1", "--nocapture"])
        .env(MARK, test)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "{test} in its own process:\n{text}"
    );
    assert!(
        text.contains("1 passed"),
        "{test} did not run in its own process:\n{text}"
    );
    false
}

fn peak_rss() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    let kb: u64 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
    kb * 1024
}

#[tokio::test]
async fn a_redirect_to_another_host_is_not_followed_and_nothing_reaches_it() {
    let elsewhere = Raw::start("127.0.0.2", |_, _, s| json_response(s, &image("x")));
    let target = format!("{}/v2/images/x", elsewhere.url());
    let server = Raw::start("127.0.0.1", move |_, _, s| {
        respond(
            s,
            "307 Temporary Redirect",
            &format!("Location: {target}\r\n"),
            b"",
        )
    });
    let client = Client::new(
        &server.url(),
        Context::new(ims::auth::Auth::token("secret-token").unwrap()),
    );
    let error = client.show_image().image_id("x").send().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Redirect, "{error:?}");
    assert!(matches!(
        error.redirect(),
        Some(ims::http::RedirectProblem::OtherOrigin { to }) if to.contains("127.0.0.2")
    ));
    assert_eq!(error.operation(), Some("show_image"));
    assert_eq!(
        elsewhere.connections(),
        0,
        "nothing was sent to the other host"
    );
    assert!(!format!("{error} {error:?}").contains("secret-token"));
}

#[tokio::test]
async fn a_redirect_loop_is_reported_as_a_loop() {
    let server = Raw::start("127.0.0.1", |_, _, s| {
        respond(s, "302 Found", "Location: /v2/images/x\r\n", b"")
    });
    let error = client(&server.url(), 1)
        .show_image()
        .image_id("x")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Redirect);
    assert!(
        matches!(
            error.redirect(),
            Some(ims::http::RedirectProblem::Loop { .. })
        ),
        "{error:?}"
    );
    assert!(error.to_string().contains("loop"), "{error}");
}

#[tokio::test]
async fn same_origin_redirects_are_followed_a_few_times() {
    let server = Raw::start("127.0.0.1", |n, _, s| match n {
        0 => respond(
            s,
            "307 Temporary Redirect",
            "Location: /v2/images/y\r\n",
            b"",
        ),
        _ => json_response(s, &image("y")),
    });
    let image = client(&server.url(), 1)
        .show_image()
        .image_id("x")
        .send()
        .await
        .unwrap();
    assert_eq!(image.id, "y");
}

#[tokio::test]
async fn a_declared_huge_body_is_refused_before_reading() {
    if !in_own_process("hostile::a_declared_huge_body_is_refused_before_reading") {
        return;
    }
    let server = Raw::start("127.0.0.1", |_, _, s| {
        let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 209715200\r\n\r\n";
        let _ = s.write_all(head.as_bytes());
        let _ = s.write_all(b"{\"images\": [");
        std::thread::sleep(Duration::from_secs(2));
    });
    let before = peak_rss();
    let error = client(&server.url(), 1)
        .list_images()
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::BodyTooLarge, "{error:?}");
    assert!(error.to_string().contains("209715200 bytes"), "{error}");
    assert!(
        peak_rss() - before < 16 << 20,
        "nothing of the body was kept"
    );
}

#[tokio::test]
async fn an_endless_body_is_cut_at_the_cap_and_memory_stays_bounded() {
    if !in_own_process("hostile::an_endless_body_is_cut_at_the_cap_and_memory_stays_bounded") {
        return;
    }
    // 200 MiB without Content-Length, against a cap of 8 MiB.
    let server = Raw::start("127.0.0.1", |_, _, s| {
        let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n";
        let _ = s.write_all(head.as_bytes());
        let chunk = vec![b' '; 1 << 20];
        for _ in 0..200 {
            if s.write_all(&chunk).is_err() {
                return;
            }
        }
    });
    let context = Context::default()
        .with_retry(RetryPolicy::none())
        .with_limits(Limits::default().max_body_bytes(8 << 20));
    let client = Client::new(&server.url(), context);
    let before = peak_rss();
    let error = client.list_images().send().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::BodyTooLarge, "{error:?}");
    let grew = peak_rss().saturating_sub(before);
    assert!(grew < 64 << 20, "peak memory grew by {grew} bytes");
}

#[tokio::test]
async fn a_body_cut_short_is_a_transport_error_and_is_retried() {
    let server = Raw::start("127.0.0.1", |n, _, s| match n {
        0 => {
            let head =
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n";
            let _ = s.write_all(head.as_bytes());
            let _ = s.write_all(b"{\"images\": [");
        }
        _ => json_response(s, &json!({"images": [image("a")]})),
    });
    let page = client(&server.url(), 2).list_images().send().await.unwrap();
    assert_eq!(page.images.len(), 1);
    assert_eq!(server.connections(), 2, "the cut body was retried");

    let once = Raw::start("127.0.0.1", |_, _, s| {
        let head =
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n";
        let _ = s.write_all(head.as_bytes());
        let _ = s.write_all(b"{\"images\": [");
    });
    let error = client(&once.url(), 1)
        .list_images()
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Transport, "{error:?}");
    assert!(
        !error
            .to_string()
            .contains("Check that the endpoint is the IMS service")
    );
}

#[tokio::test]
async fn a_server_that_never_answers_times_out_within_the_overall_deadline() {
    let server = Raw::start("127.0.0.1", |_, _, _| {
        std::thread::sleep(Duration::from_secs(10))
    });
    let policy = RetryPolicy::default().timeouts(
        Timeouts::default()
            .attempt(Duration::from_millis(300))
            .overall(Duration::from_millis(700)),
    );
    let client = Client::new(&server.url(), Context::default().with_retry(policy));
    let error = client.list_images().send().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Timeout, "{error:?}");
    assert!(
        server.connections() <= 3,
        "{} attempts",
        server.connections()
    );
}

#[tokio::test]
async fn one_bad_image_names_its_field_and_id_and_does_not_sink_the_listing() {
    let mut bad = image("b");
    bad["min_disk"] = json!("100");
    let server = Raw::start("127.0.0.1", move |_, _, s| {
        json_response(s, &json!({"images": [image("a"), bad, image("c")]}))
    });
    let client = client(&server.url(), 1);
    let error = client.list_images().send().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Decode);
    assert_eq!(error.path(), Some("images[1].min_disk"));
    assert_eq!(error.item_id(), Some("b"));
    assert_eq!(error.operation(), Some("list_images"));
    assert!(error.to_string().contains("images[1].min_disk"), "{error}");

    let results: Vec<_> = client.list_images().into_stream().collect().await;
    let ids: Vec<_> = results
        .iter()
        .filter_map(|r| r.as_ref().ok())
        .map(|i| i.id.as_str())
        .collect();
    assert_eq!(ids, ["a", "c"]);
    let errors: Vec<_> = results.iter().filter_map(|r| r.as_ref().err()).collect();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].item_id(), Some("b"));
    let all = client.list_images().all().await.unwrap_err();
    assert_eq!(all.path(), Some("images[1].min_disk"));
}

#[tokio::test]
async fn an_object_where_the_list_belongs_names_the_field() {
    let server = Raw::start("127.0.0.1", |_, _, s| {
        json_response(s, &json!({"images": {"a": 1}}))
    });
    let error = client(&server.url(), 1)
        .list_images()
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Decode);
    assert_eq!(error.path(), Some("images"));
}

#[tokio::test]
async fn nulls_everywhere_decode_and_serialise_back_as_sent() {
    let sent = json!({
        "id": "q", "name": null, "status": "queued", "disk_format": null,
        "container_format": null, "size": null, "virtual_size": null, "checksum": null,
        "owner": null, "tags": null, "min_disk": 0, "visibility": "private",
        "__os_version": null, "unknown": null,
    });
    let body = json!({"images": [sent.clone()]});
    let server = Raw::start("127.0.0.1", move |_, _, s| json_response(s, &body));
    let images = client(&server.url(), 1).list_images().all().await.unwrap();
    let image = &images[0];
    assert_eq!(image.disk_format, None);
    assert!(image.tags.is_empty());
    assert!(image.presence.is_null("tags") && image.presence.is_null("owner"));
    assert_eq!(serde_json::to_value(image).unwrap(), sent);
}

#[tokio::test]
async fn duplicate_keys_keep_the_last_value() {
    let body = r#"{"images": [{"id": "d", "min_disk": 1, "min_disk": 2}]}"#;
    let server = Raw::start("127.0.0.1", move |_, _, s| {
        respond(
            s,
            "200 OK",
            "Content-Type: application/json\r\n",
            body.as_bytes(),
        )
    });
    let images = client(&server.url(), 1).list_images().all().await.unwrap();
    assert_eq!(images[0].min_disk, Some(2));
}

#[tokio::test]
async fn bodies_that_are_not_json_say_what_they_are_without_quoting_binary() {
    let gzip: &'static [u8] = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\xab\xae\x05\x00";
    let cases: Vec<(&'static str, &'static [u8], &'static str)> = vec![
        (
            "Content-Type: application/json\r\nContent-Encoding: gzip\r\n",
            gzip,
            "compressed",
        ),
        ("Content-Type: application/json\r\n", b"", "empty"),
        (
            "Content-Type: application/json\r\n",
            b"{\"images\": [\"\xff\xfe\"]}",
            "not UTF-8",
        ),
        (
            "Content-Type: text/html\r\n",
            b"<html><body>maintenance</body></html>",
            "text/html",
        ),
        (
            "Content-Type: application/json\r\n",
            b"{\"images\": [{\"id\": ",
            "EOF while parsing",
        ),
    ];
    for (headers, body, expected) in cases {
        let server = Raw::start("127.0.0.1", move |_, _, s| {
            respond(s, "200 OK", headers, body)
        });
        let error = client(&server.url(), 1)
            .list_images()
            .send()
            .await
            .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Decode, "{expected}: {error:?}");
        let text = error.to_string();
        assert!(text.contains(expected), "{text}");
        assert!(
            !text.contains('\u{fffd}') && !text.contains('\u{1f}'),
            "{text}"
        );
    }
}

#[tokio::test]
async fn deep_nesting_is_an_error_not_a_crash() {
    let depth = 100_000;
    let body = format!(
        "{{\"images\": [{{\"id\": \"n\", \"x\": {}{}}}]}}",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    let server = Raw::start("127.0.0.1", move |_, _, s| {
        respond(
            s,
            "200 OK",
            "Content-Type: application/json\r\n",
            body.as_bytes(),
        )
    });
    let error = client(&server.url(), 1)
        .list_images()
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Decode);
    assert!(error.to_string().contains("recursion limit"), "{error}");
}

#[tokio::test]
async fn odd_unicode_decodes_byte_exact() {
    let name = "a\u{200d}b\u{202e}c\u{0}d\u{1f600}";
    let body = json!({"id": "u", "name": name, "tags": ["\u{202e}"]});
    let server = Raw::start("127.0.0.1", move |_, _, s| json_response(s, &body));
    let image = client(&server.url(), 1)
        .show_image()
        .image_id("u")
        .send()
        .await
        .unwrap();
    assert_eq!(image.name.as_deref(), Some(name));

    let surrogate = r#"{"id": "s", "name": "\ud800"}"#;
    let server = Raw::start("127.0.0.1", move |_, _, s| {
        respond(
            s,
            "200 OK",
            "Content-Type: application/json\r\n",
            surrogate.as_bytes(),
        )
    });
    let error = client(&server.url(), 1)
        .show_image()
        .image_id("s")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Decode);
    assert_eq!(error.path(), Some("name"));
}

#[tokio::test]
async fn a_cross_host_next_link_is_refused_and_nothing_reaches_the_other_host() {
    let elsewhere = Raw::start("127.0.0.2", |_, _, s| {
        json_response(s, &json!({"images": []}))
    });
    let next = format!("{}/v2/images?marker=a", elsewhere.url());
    let server = Raw::start("127.0.0.1", move |_, _, s| {
        json_response(s, &json!({"images": [image("a")], "next": next}))
    });
    let results: Vec<_> = client(&server.url(), 1)
        .list_images()
        .into_stream()
        .collect()
        .await;
    assert!(results[0].is_ok());
    let error = results[1].as_ref().unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Paging);
    assert_eq!(elsewhere.connections(), 0);
}

#[tokio::test]
async fn a_next_link_loop_stops() {
    let server = Raw::start("127.0.0.1", |_, _, s| {
        json_response(
            s,
            &json!({"images": [image("a")], "next": "/v2/images?marker=a"}),
        )
    });
    let results: Vec<_> = client(&server.url(), 1)
        .list_images()
        .into_stream()
        .collect()
        .await;
    assert!(
        results
            .last()
            .unwrap()
            .as_ref()
            .is_err_and(|e| e.kind() == ErrorKind::Paging)
    );
    assert!(server.connections() <= 3);
}

#[tokio::test]
async fn a_next_link_that_drops_the_filters_keeps_them() {
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let record = Arc::clone(&seen);
    let server = Raw::start("127.0.0.1", move |n, line, s| {
        record.lock().unwrap().push(line.to_string());
        match n {
            0 => json_response(
                s,
                &json!({"images": [image("a")], "next": "/v2/images?marker=a"}),
            ),
            _ => json_response(s, &json!({"images": []})),
        }
    });
    let all = client(&server.url(), 1)
        .list_images()
        .name("x")
        .limit(1)
        .all()
        .await
        .unwrap();
    assert_eq!(all.len(), 1);
    let lines = seen.lock().unwrap().clone();
    assert!(
        lines[1].contains("name=x") && lines[1].contains("marker=a"),
        "{lines:?}"
    );
}

#[tokio::test]
async fn a_50000_image_page_decodes_under_the_default_cap() {
    let images: Vec<Value> = (0..50_000).map(|i| image(&format!("{i:08}"))).collect();
    let body = json!({"images": images}).to_string();
    let size = body.len() as u64;
    let server = Raw::start("127.0.0.1", move |_, _, s| {
        respond(
            s,
            "200 OK",
            "Content-Type: application/json\r\n",
            body.as_bytes(),
        )
    });
    let page = client(&server.url(), 1).list_images().send().await.unwrap();
    assert_eq!(page.images.len(), 50_000);
    assert!(size < Limits::default().get_max_body_bytes());
}

#[tokio::test]
async fn streams_own_their_client_and_move_into_tasks() {
    let server = Raw::start("127.0.0.1", |_, _, s| {
        json_response(s, &json!({"images": [image("a")]}))
    });
    let stream = client(&server.url(), 1).list_images().into_stream();
    let count = tokio::spawn(async move { stream.count().await })
        .await
        .unwrap();
    assert_eq!(count, 1);
}

#[tokio::test]
async fn a_slow_body_is_cut_by_the_deadline() {
    let server = Raw::start("127.0.0.1", |_, _, s| {
        let head =
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n";
        let _ = s.write_all(head.as_bytes());
        for _ in 0..100 {
            if s.write_all(b" ").is_err() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    });
    let policy = RetryPolicy::none().timeouts(
        Timeouts::default()
            .attempt(Duration::from_millis(400))
            .overall(Duration::from_millis(400)),
    );
    let client = Client::new(&server.url(), Context::default().with_retry(policy));
    let error = client.list_images().send().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Timeout, "{error:?}");
}

#[tokio::test]
async fn json_under_another_content_type_still_decodes() {
    let server = Raw::start("127.0.0.1", |_, _, s| {
        let body = json!({"images": [image("t")]}).to_string();
        respond(s, "200 OK", "Content-Type: text/plain\r\n", body.as_bytes())
    });
    let images = client(&server.url(), 1).list_images().all().await.unwrap();
    assert_eq!(images[0].id, "t");
}

#[tokio::test]
async fn flags_as_booleans_decode_and_stay_booleans() {
    let sent =
        json!({"id": "f", "__isregistered": true, "__support_kvm": "true", "protected": false});
    let body = sent.clone();
    let server = Raw::start("127.0.0.1", move |_, _, s| json_response(s, &body));
    let image = client(&server.url(), 1)
        .show_image()
        .image_id("f")
        .send()
        .await
        .unwrap();
    assert_eq!(
        image.isregistered.as_ref().and_then(|f| f.as_bool()),
        Some(true)
    );
    assert_eq!(serde_json::to_value(&*image).unwrap(), sent);
}
