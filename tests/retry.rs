//! Retries and timeouts (`src/retry.rs`) against the test server: which failures are retried,
//! how long the client waits, and what bounds the attempts.

mod support;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use ims::retry::{Jitter, RetryPolicy, Timeouts};
use ims::types;
use serde_json::json;
use support::{CannedResponse, RecordedRequest, Server};

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

fn gap(requests: &[RecordedRequest], from: usize) -> Duration {
    requests[from + 1].received_at - requests[from].received_at
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
async fn retry_after_seconds_are_waited() {
    let server = Server::with_responder(|r| match r.index {
        0 => CannedResponse::new(429).header("Retry-After", "1"),
        _ => image(),
    });
    show(&client(&server.base_url(), quick())).await.unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    let waited = gap(&requests, 0);
    assert!(
        waited >= Duration::from_millis(950) && waited < Duration::from_millis(2500),
        "waited {waited:?} for Retry-After: 1"
    );
}

#[tokio::test]
async fn retry_after_dates_are_waited() {
    // An HTTP date has whole seconds: 2 s ahead is 1 to 2 s of waiting.
    let server = Server::with_responder(|r| match r.index {
        0 => {
            let date = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(2));
            CannedResponse::new(503).header("Retry-After", &date)
        }
        _ => image(),
    });
    show(&client(&server.base_url(), quick())).await.unwrap();
    let waited = gap(&server.requests(), 0);
    assert!(
        waited >= Duration::from_millis(900) && waited < Duration::from_millis(3000),
        "waited {waited:?} for a Retry-After date 2 s ahead"
    );
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
    let server = Server::with_responder(|_| CannedResponse::new(502));
    let policy = RetryPolicy::default()
        .max_attempts(3)
        .backoff(Duration::from_millis(150), Duration::from_secs(5))
        .jitter(Jitter::None);
    show(&client(&server.base_url(), policy)).await.unwrap_err();
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    let (first, second) = (gap(&requests, 0), gap(&requests, 1));
    assert!(first >= Duration::from_millis(140), "{first:?}");
    assert!(second >= Duration::from_millis(290), "{second:?}");
    assert!(second < Duration::from_millis(1500), "{second:?}");
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
    let capture = Capture::install();
    let started = Instant::now();
    let policy = RetryPolicy::default()
        .max_attempts(3)
        .backoff(Duration::from_millis(100), Duration::from_millis(100))
        .jitter(Jitter::None);
    let error = show(&client(&closed_port_url(), policy)).await.unwrap_err();
    assert_eq!(error.kind(), ims::ErrorKind::Connect, "{error:?}");
    assert!(
        started.elapsed() >= Duration::from_millis(200),
        "two waits of 100 ms"
    );
    let attempts = capture.events_with_message("ims.attempt");
    assert_eq!(attempts.len(), 3, "{attempts:#?}");
    assert_eq!(attempts[0]["attempt"], "1");
    assert_eq!(attempts[2]["attempt"], "3");
    assert!(attempts[0].contains_key("error"));
    assert_eq!(
        capture.span_field("ims.request", "attempts").as_deref(),
        Some("3")
    );
}

#[tokio::test]
async fn connection_refused_is_not_retried_when_turned_off() {
    let capture = Capture::install();
    let policy = quick().retry_connection_errors(false);
    show(&client(&closed_port_url(), policy)).await.unwrap_err();
    assert_eq!(capture.events_with_message("ims.attempt").len(), 1);
}

#[tokio::test]
async fn a_slow_attempt_times_out_and_the_retry_succeeds() {
    let server = Server::with_responder(|r| match r.index {
        0 => image().delay(Duration::from_secs(3)),
        _ => image(),
    });
    let started = Instant::now();
    let policy = quick().attempt_timeout(Some(Duration::from_millis(300)));
    let image = show(&client(&server.base_url(), policy)).await.unwrap();
    assert_eq!(image.id, IMAGE_ID);
    assert_eq!(server.requests().len(), 2);
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(300) && took < Duration::from_millis(2000),
        "{took:?}"
    );
}

#[tokio::test]
async fn the_overall_deadline_stops_retrying() {
    let server = Server::with_responder(|_| CannedResponse::new(503));
    let started = Instant::now();
    // Attempts at about 0, 400 and 800 ms; the next would start at 1200 ms, past the deadline.
    let policy = RetryPolicy::default()
        .max_attempts(10)
        .backoff(Duration::from_millis(400), Duration::from_millis(400))
        .jitter(Jitter::None)
        .overall_timeout(Some(Duration::from_millis(1000)));
    let error = show(&client(&server.base_url(), policy)).await.unwrap_err();
    let took = started.elapsed();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(server.requests().len(), 3);
    assert!(
        took < Duration::from_millis(1000),
        "gave up at {took:?}, before the deadline"
    );
}

#[tokio::test]
async fn the_overall_deadline_cuts_a_slow_attempt() {
    let server = Server::with_responder(|_| image().delay(Duration::from_secs(5)));
    let started = Instant::now();
    let policy = quick().timeouts(
        Timeouts::unlimited()
            .attempt(Duration::from_secs(10))
            .overall(Duration::from_millis(500)),
    );
    let error = show(&client(&server.base_url(), policy)).await.unwrap_err();
    let took = started.elapsed();
    assert_eq!(error.kind(), ims::ErrorKind::Timeout, "{error:?}");
    assert!(
        took >= Duration::from_millis(450) && took < Duration::from_millis(2000),
        "{took:?}"
    );
    assert_eq!(server.requests().len(), 1, "no time was left for a retry");
}

#[tokio::test]
async fn each_attempt_is_an_event_of_the_request_span() {
    let capture = Capture::install();
    let server = Server::with_responder(|r| match r.index {
        0 => CannedResponse::new(503),
        1 => CannedResponse::new(429).header("Retry-After", "0"),
        _ => image(),
    });
    show(&client(&server.base_url(), quick())).await.unwrap();
    let attempts = capture.events_with_message("ims.attempt");
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
    assert_eq!(
        capture.span_field("ims.request", "attempts").as_deref(),
        Some("3")
    );
}

/// Fields of one event (or span), as text; `span` is the name of the span it happened in.
type Fields = HashMap<String, String>;

/// A tracing subscriber for the current thread that keeps every event and span field.
#[derive(Clone, Default)]
struct Capture {
    events: Arc<Mutex<Vec<Fields>>>,
    spans: Arc<Mutex<HashMap<u64, Fields>>>,
    current: Arc<Mutex<Vec<u64>>>,
    metadata: Arc<Mutex<HashMap<u64, &'static tracing::Metadata<'static>>>>,
    next_id: Arc<AtomicU64>,
}

struct Installed {
    capture: Capture,
    _guard: tracing::subscriber::DefaultGuard,
}

impl Capture {
    /// Installs a capture as the default subscriber of this thread (tokio tests run on one).
    fn install() -> Installed {
        let capture = Capture::default();
        let guard = tracing::subscriber::set_default(capture.clone());
        Installed {
            capture,
            _guard: guard,
        }
    }
}

impl Installed {
    fn events_with_message(&self, prefix: &str) -> Vec<Fields> {
        self.capture
            .events
            .lock()
            .unwrap()
            .iter()
            .filter(|e| e.get("message").is_some_and(|m| m.starts_with(prefix)))
            .cloned()
            .collect()
    }

    fn span_field(&self, span: &str, field: &str) -> Option<String> {
        self.capture
            .spans
            .lock()
            .unwrap()
            .values()
            .find(|s| s.get("name").map(String::as_str) == Some(span))
            .and_then(|s| s.get(field).cloned())
    }
}

struct Visitor<'a>(&'a mut Fields);

impl tracing::field::Visit for Visitor<'_> {
    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        self.0.insert(field.name().to_string(), value.to_string());
    }
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        self.0
            .insert(field.name().to_string(), format!("{value:?}"));
    }
}

impl tracing::Subscriber for Capture {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, attrs: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed) + 1;
        let mut fields = Fields::new();
        fields.insert("name".into(), attrs.metadata().name().into());
        attrs.record(&mut Visitor(&mut fields));
        self.spans.lock().unwrap().insert(id, fields);
        self.metadata.lock().unwrap().insert(id, attrs.metadata());
        tracing::span::Id::from_u64(id)
    }
    fn record(&self, span: &tracing::span::Id, values: &tracing::span::Record<'_>) {
        if let Some(fields) = self.spans.lock().unwrap().get_mut(&span.into_u64()) {
            values.record(&mut Visitor(fields));
        }
    }
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        let mut fields = Fields::new();
        event.record(&mut Visitor(&mut fields));
        if let Some(id) = self.current.lock().unwrap().last()
            && let Some(name) = self
                .spans
                .lock()
                .unwrap()
                .get(id)
                .and_then(|s| s.get("name"))
        {
            fields.insert("span".into(), name.clone());
        }
        self.events.lock().unwrap().push(fields);
    }
    fn enter(&self, span: &tracing::span::Id) {
        self.current.lock().unwrap().push(span.into_u64());
    }
    fn exit(&self, _: &tracing::span::Id) {
        self.current.lock().unwrap().pop();
    }
    /// What `Span::current()` asks for (the pipeline records `attempts` through it).
    fn current_span(&self) -> tracing_core::span::Current {
        match self.current.lock().unwrap().last() {
            Some(&id) => {
                let metadata = self.metadata.lock().unwrap()[&id];
                tracing_core::span::Current::new(tracing::span::Id::from_u64(id), metadata)
            }
            None => tracing_core::span::Current::none(),
        }
    }
}
