//! Checks of the test HTTP server itself (`tests/it/support`), so the other tests can rely on it.

use std::time::Duration;

use crate::support::{CannedResponse, Server};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[tokio::test]
async fn records_requests_exactly_and_answers_in_order() {
    let server = Server::start(vec![
        CannedResponse::json(200, &serde_json::json!({"a": 1})).header("X-Request-Id", "r-1"),
        CannedResponse::text(404, "text/plain", "gone"),
    ]);
    let http = reqwest::Client::new();
    let first = http
        .get(format!(
            "{}/v2/images/a%2Fb?tag=a%3Db&name=x+y",
            server.base_url()
        ))
        .header("X-Auth-Token", "t0ken")
        .send()
        .await
        .unwrap();
    assert_eq!(first.status(), 200);
    assert_eq!(first.headers()["x-request-id"], "r-1");
    assert_eq!(first.text().await.unwrap(), r#"{"a":1}"#);
    let second = http
        .post(format!("{}/p", server.base_url()))
        .body("hello")
        .send()
        .await
        .unwrap();
    assert_eq!(second.status(), 404);
    assert_eq!(second.text().await.unwrap(), "gone");
    // A third request has no canned response left.
    let third = http
        .get(format!("{}/x", server.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(third.status(), 500);
    assert!(
        third
            .text()
            .await
            .unwrap()
            .contains("no canned response left for request #2")
    );

    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    let r = &requests[0];
    assert_eq!(
        (r.index, r.method.as_str(), r.version.as_str()),
        (0, "GET", "HTTP/1.1")
    );
    assert_eq!(r.target, "/v2/images/a%2Fb?tag=a%3Db&name=x+y");
    assert_eq!(r.path(), "/v2/images/a%2Fb");
    assert_eq!(r.decoded_path(), "/v2/images/a/b");
    assert_eq!(r.query(), Some("tag=a%3Db&name=x+y"));
    assert_eq!(
        r.query_pairs(),
        [
            ("tag".to_string(), "a=b".to_string()),
            ("name".to_string(), "x y".to_string())
        ]
    );
    assert_eq!(r.header("x-auth-token"), Some("t0ken"));
    assert_eq!(requests[1].method, "POST");
    assert_eq!(requests[1].body, b"hello");
    assert_eq!(requests[2].query(), None);
}

#[tokio::test]
async fn responder_scripts_a_sequence() {
    let server = Server::with_responder(|request| match request.index {
        0 => CannedResponse::new(503).header("Retry-After", "1"),
        _ => CannedResponse::text(200, "text/plain", format!("attempt {}", request.index)),
    });
    let http = reqwest::Client::new();
    let first = http.get(server.base_url()).send().await.unwrap();
    assert_eq!(first.status(), 503);
    assert_eq!(first.headers()["retry-after"], "1");
    let second = http.get(server.base_url()).send().await.unwrap();
    assert_eq!(second.text().await.unwrap(), "attempt 1");
    assert!(server.requests()[1].received_at >= server.requests()[0].received_at);
}

#[tokio::test]
async fn delays_responses() {
    let server = Server::start(vec![
        CannedResponse::new(200).delay(Duration::from_secs(60)),
        CannedResponse::new(204).delay(Duration::from_millis(50)),
    ]);
    // Only the first request has a timeout: the second waits for its delayed answer however
    // slow the machine is.
    let http = reqwest::Client::new();
    let err = http
        .get(server.base_url())
        .timeout(Duration::from_millis(100))
        .send()
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    let ok = http.get(server.base_url()).send().await.unwrap();
    assert_eq!(ok.status(), 204);
}

#[tokio::test]
async fn reads_chunked_bodies_and_honours_connection_close() {
    let server = Server::start(vec![CannedResponse::text(200, "text/plain", "ok")]);
    let mut stream = tokio::net::TcpStream::connect(server.addr()).await.unwrap();
    stream
        .write_all(
            b"PUT /raw?x=%C3%9C HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\
              Connection: close\r\n\r\n5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\n\r\n",
        )
        .await
        .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
    assert!(answer.ends_with("\r\n\r\nok"), "{answer}");
    let request = server.single_request();
    assert_eq!(request.body, b"hello world");
    assert_eq!(request.query_pairs(), [("x".to_string(), "Ü".to_string())]);
}
