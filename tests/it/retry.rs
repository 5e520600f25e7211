//! Retries and timeouts (`src/http/retry.rs`) against the test server: which failures are
//! retried, which waits the client chooses, and what bounds the attempts.
//!
//! How long the client actually waits is asserted on tokio's paused clock, without sockets, by
//! the unit tests of `src/http/retry.rs`; here the waits are read from the policy's
//! `ims.attempt` events, and the bounds are counts, so that a busy machine cannot fail them.

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

use crate::support::capture;
use crate::support::{CannedResponse, Server};
use ims::retry::{Jitter, RetryPolicy, Timeouts};
use ims::types;
use serde_json::json;

/// The error of a generated operation (progenitor's, with the service's error body).
type Error = ims::Error;

const IMAGE_ID: &str = "33ad552d-1149-471c-8190-ff6776174a00";

fn image() -> CannedResponse {
    CannedResponse::json(200, &json!({"id": IMAGE_ID, "name": "ok"}))
}

/// A policy with short, exact waits (no jitter), so the tests are quick and their timing known.
fn quick() -> RetryPolicy {
    RetryPolicy::default()
        .backoff(Duration::from_millis(20), Duration::from_millis(20))
        .jitter(Jitter::None)
}

fn client(server_url: &str, policy: RetryPolicy) -> ims::Client {
    ims::Client::new(server_url, ims::Context::default().with_retry(policy))
}

async fn show(client: &ims::Client) -> Result<types::Image, Error> {
    client
        .show_image()
        .image_id(IMAGE_ID)
        .send()
        .await
        .map(|r| r.into_inner())
}

#[tokio::test]
async fn a_503_then_200_succeeds_with_two_requests() {
    let server = Server::with_responder(|r| match r.index {
        0 => CannedResponse::text(503, "text/plain", "busy"),
        _ => image(),
    });
    let image = show(&client(&server.base_url(), quick())).await.unwrap();
    assert_eq!(image.id, IMAGE_ID);
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].target, requests[1].target);
}

#[tokio::test]
async fn every_retryable_status_is_retried() {
    for status in [408, 429, 500, 502, 503, 504] {
        let server = Server::with_responder(move |r| match r.index {
            0 => CannedResponse::new(status),
            _ => image(),
        });
        show(&client(&server.base_url(), quick()))
            .await
            .unwrap_or_else(|e| panic!("{status}: {e}"));
        assert_eq!(server.requests().len(), 2, "{status}");
    }
}

#[tokio::test]
async fn retry_after_seconds_are_the_wait() {
    let (captured, _guard) = capture::capture();
    let server = Server::with_responder(|r| match r.index {
        0 => CannedResponse::new(429).header("Retry-After", "1"),
        _ => image(),
    });
    show(&client(&server.base_url(), quick())).await.unwrap();
    assert_eq!(server.requests().len(), 2);
    assert_eq!(
        waits_ms(&captured),
        ["1000"],
        "Retry-After: 1, not the 20 ms backoff"
    );
}

#[tokio::test]
async fn retry_after_dates_are_the_wait() {
    // An HTTP date has whole seconds: 2 s ahead is at most 2 s of waiting (less the time the
    // answer took to arrive), never the 20 ms backoff.
    let (captured, _guard) = capture::capture();
    let server = Server::with_responder(|r| match r.index {
        0 => {
            let date = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(2));
            CannedResponse::new(503).header("Retry-After", &date)
        }
        _ => image(),
    });
    show(&client(&server.base_url(), quick())).await.unwrap();
    assert_eq!(server.requests().len(), 2);
    let attempts = attempt_events(&captured);
    let asked: u64 = attempts[0]["retry_after_ms"].parse().unwrap();
    assert!(asked <= 2000, "{attempts:#?}");
    assert_eq!(attempts[0]["backoff_ms"], attempts[0]["retry_after_ms"]);
}

#[tokio::test]
async fn a_retry_after_longer_than_allowed_ends_the_request_at_once() {
    let server = Server::with_responder(|r| match r.index {
        0 => CannedResponse::new(503).header("Retry-After", "3600"),
        _ => image(),
    });
    let policy = quick().max_retry_after(Duration::from_millis(100));
    let error = show(&client(&server.base_url(), policy)).await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(error.retry_after(), Some(Duration::from_secs(3600)));
    assert_eq!(server.requests().len(), 1, "no second attempt, no sleep");
}

#[tokio::test]
async fn attempts_are_bounded() {
    let server = Server::with_responder(|_| CannedResponse::new(503).header("X-Request-Id", "r"));
    let error = show(&client(&server.base_url(), quick().max_attempts(3)))
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn backoff_grows_between_attempts() {
    let (captured, _guard) = capture::capture();
    let server = Server::with_responder(|_| CannedResponse::new(502));
    let policy = RetryPolicy::default()
        .max_attempts(3)
        .backoff(Duration::from_millis(150), Duration::from_secs(5))
        .jitter(Jitter::None);
    show(&client(&server.base_url(), policy)).await.unwrap_err();
    assert_eq!(server.requests().len(), 3);
    assert_eq!(waits_ms(&captured), ["150", "300"]);
}

#[tokio::test]
async fn retries_off_sends_once() {
    let server = Server::with_responder(|_| CannedResponse::new(503));
    let error = show(&client(&server.base_url(), RetryPolicy::none()))
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn client_errors_are_not_retried() {
    for status in [400, 401, 403, 404, 409] {
        let body = json!({"code": format!("{status}"), "title": "no", "message": "no"});
        let server = Server::with_responder(move |_| CannedResponse::json(status, &body));
        let error = show(&client(&server.base_url(), quick()))
            .await
            .unwrap_err();
        assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(server.requests().len(), 1, "{status} must not be retried");
    }
}

/// A port nothing listens on: bound once, then released.
fn closed_port_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    url
}

#[tokio::test]
async fn connection_refused_is_retried_then_fails() {
    let (captured, _guard) = capture::capture();
    let policy = RetryPolicy::default()
        .max_attempts(3)
        .backoff(Duration::from_millis(100), Duration::from_millis(100))
        .jitter(Jitter::None);
    let error = show(&client(&closed_port_url(), policy)).await.unwrap_err();
    assert_eq!(error.kind(), ims::ErrorKind::Connect, "{error:?}");
    assert_eq!(waits_ms(&captured), ["100", "100"], "two waits of 100 ms");
    let attempts = attempt_events(&captured);
    assert_eq!(attempts.len(), 3, "{attempts:#?}");
    assert_eq!(attempts[0]["attempt"], "1");
    assert_eq!(attempts[2]["attempt"], "3");
    assert!(attempts[0].contains_key("error"));
    assert_eq!(request_attempts(&captured).as_deref(), Some("3"));
}

#[tokio::test]
async fn connection_refused_is_not_retried_when_turned_off() {
    let (captured, _guard) = capture::capture();
    let policy = quick().retry_connection_errors(false);
    show(&client(&closed_port_url(), policy)).await.unwrap_err();
    assert_eq!(attempt_events(&captured).len(), 1);
}

/// The first answer never comes in time; the second comes at once. (The attempt timeout is
/// long enough for a loopback answer on a busy machine; the first answer is held far longer.)
#[tokio::test]
async fn a_slow_attempt_times_out_and_the_retry_succeeds() {
    let (captured, _guard) = capture::capture();
    let server = Server::with_responder(|r| match r.index {
        0 => image().delay(Duration::from_secs(60)),
        _ => image(),
    });
    let policy = quick().attempt_timeout(Some(Duration::from_secs(1)));
    let image = show(&client(&server.base_url(), policy)).await.unwrap();
    assert_eq!(image.id, IMAGE_ID);
    assert_eq!(server.requests().len(), 2);
    let attempts = attempt_events(&captured);
    assert_eq!(attempts.len(), 2, "{attempts:#?}");
    assert!(
        attempts[0].contains_key("error"),
        "the first attempt timed out"
    );
    assert_eq!(attempts[1]["status"], "200");
}

/// The deadline of the client's policy bounds the attempts: with waits of 400 ms and a
/// deadline of 1 s, a fourth attempt (at 1.2 s or later) never starts, however slow the
/// machine. (The exact schedule, 0, 400 and 800 ms, is asserted on the paused clock in
/// `src/http/retry.rs`.)
#[tokio::test]
async fn the_overall_deadline_stops_retrying() {
    let (captured, _guard) = capture::capture();
    let server = Server::with_responder(|_| CannedResponse::new(503));
    let policy = RetryPolicy::default()
        .max_attempts(10)
        .backoff(Duration::from_millis(400), Duration::from_millis(400))
        .jitter(Jitter::None)
        .overall_timeout(Some(Duration::from_millis(1000)));
    let error = show(&client(&server.base_url(), policy)).await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    let sent = server.requests().len();
    assert!((1..=3).contains(&sent), "{sent} attempts");
    let last = attempt_events(&captured).pop().unwrap();
    assert_eq!(last["reason"], "overall timeout", "{last:#?}");
}

/// An answer that does not come is cut at the overall deadline, and no retry starts after it.
#[tokio::test]
async fn the_overall_deadline_cuts_a_slow_attempt() {
    let server = Server::with_responder(|_| image().delay(Duration::from_secs(60)));
    let policy = quick().timeouts(
        Timeouts::unlimited()
            .attempt(Duration::from_secs(600))
            .overall(Duration::from_millis(500)),
    );
    let error = show(&client(&server.base_url(), policy)).await.unwrap_err();
    assert_eq!(error.kind(), ims::ErrorKind::Timeout, "{error:?}");
    assert_eq!(server.requests().len(), 1, "no time was left for a retry");
}

#[tokio::test]
async fn each_attempt_is_an_event_of_the_request_span() {
    let (captured, _guard) = capture::capture();
    let server = Server::with_responder(|r| match r.index {
        0 => CannedResponse::new(503),
        1 => CannedResponse::new(429).header("Retry-After", "0"),
        _ => image(),
    });
    show(&client(&server.base_url(), quick())).await.unwrap();
    let attempts = attempt_events(&captured);
    assert_eq!(attempts.len(), 3, "{attempts:#?}");
    assert_eq!(
        attempts
            .iter()
            .map(|e| e["status"].as_str())
            .collect::<Vec<_>>(),
        ["503", "429", "200"]
    );
    assert_eq!(
        attempts
            .iter()
            .map(|e| e["attempt"].as_str())
            .collect::<Vec<_>>(),
        ["1", "2", "3"]
    );
    assert_eq!(attempts[0]["backoff_ms"], "20");
    assert_eq!(attempts[1]["backoff_ms"], "0", "Retry-After: 0");
    assert_eq!(attempts[1]["retry_after_ms"], "0");
    assert!(!attempts[2].contains_key("backoff_ms"));
    for event in &attempts {
        assert_eq!(event["span"], "ims.request", "inside the request span");
    }
    assert_eq!(request_attempts(&captured).as_deref(), Some("3"));
}

/// The `ims.attempt` events captured, each with its fields and the span it happened in
/// (under `span`).
fn attempt_events(captured: &capture::Captured) -> Vec<BTreeMap<String, String>> {
    captured
        .events()
        .into_iter()
        .filter(|e| {
            e.fields
                .get("message")
                .is_some_and(|m| m.starts_with("ims.attempt"))
        })
        .map(|e| {
            let mut fields = e.fields;
            if let Some(span) = e.span {
                fields.insert("span".into(), span);
            }
            fields
        })
        .collect()
}

/// The `attempts` field of the last closed `ims.request` span.
fn request_attempts(captured: &capture::Captured) -> Option<String> {
    captured
        .spans("ims.request")
        .last()
        .and_then(|span| span.fields.get("attempts").cloned())
}

/// The waits the policy chose before each retry (`backoff_ms` of the `ims.attempt` events).
fn waits_ms(captured: &capture::Captured) -> Vec<String> {
    attempt_events(captured)
        .iter()
        .filter_map(|e| e.get("backoff_ms").cloned())
        .collect()
}
