//! A fake Keystone and IMS on one test server ([`crate::support`]), for the authentication and
//! configuration tests (`crate::support::fake_cloud`).
//!
//! * `POST .../v3/auth/tokens` issues `tok-1`, `tok-2`, ... (201, `X-Subject-Token`, a v3
//!   token body with `issued_at`/`expires_at` `lifetime` apart and a catalog whose `image`
//!   endpoints point back at this server: `public` and `internal` in `RegionOne`, `public` in
//!   `RegionTwo` under `/r2`), or the configured failure.
//! * `GET .../v3/auth/tokens` with `X-Subject-Token` of an issued, unexpired token answers
//!   200 with the same body (its catalog), else 404 as Keystone does.
//! * Any other request is the IMS: it answers `{"images": []}` when `X-Auth-Token` is a token
//!   it issued, not expired and not in `rejected`; otherwise 401 as Glance does.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use serde_json::json;

use crate::support::{CannedResponse, RecordedRequest, Server};

/// What the fake cloud does; change it between requests.
pub struct State {
    /// Lifetime of the tokens issued from now on.
    pub lifetime: Duration,
    /// How long Keystone takes to answer.
    pub keystone_delay: Duration,
    /// When set, Keystone answers this instead of issuing a token ...
    pub keystone_failure: Option<CannedResponse>,
    /// ... this many times (`None`: always).
    pub keystone_failures_left: Option<usize>,
    /// Tokens issued, in order, with the time they expire.
    pub issued: Vec<(String, SystemTime)>,
    /// Tokens the IMS rejects with 401 (besides unknown and expired ones).
    pub rejected: HashSet<String>,
    /// Delay of the n-th 401 (from 0) the IMS sends.
    pub reject_delay: fn(usize) -> Duration,
    /// 401s sent so far.
    pub rejections: usize,
}

/// A running fake cloud.
pub struct FakeCloud {
    pub server: Server,
    pub state: Arc<Mutex<State>>,
}

impl FakeCloud {
    /// Starts a fake cloud issuing tokens that live an hour.
    pub fn start() -> FakeCloud {
        let state = Arc::new(Mutex::new(State {
            lifetime: Duration::from_secs(3600),
            keystone_delay: Duration::ZERO,
            keystone_failure: None,
            keystone_failures_left: None,
            issued: Vec::new(),
            rejected: HashSet::new(),
            reject_delay: |_| Duration::ZERO,
            rejections: 0,
        }));
        let shared = Arc::clone(&state);
        let server = Server::with_responder(move |request| respond(&shared, request));
        FakeCloud { server, state }
    }

    /// Changes the state.
    pub fn with<R>(&self, change: impl FnOnce(&mut State) -> R) -> R {
        change(&mut self.state.lock().unwrap())
    }

    /// Keystone's URL as `OS_AUTH_URL` gives it: `http://127.0.0.1:<port>/v3`.
    pub fn auth_url(&self) -> String {
        format!("{}/v3", self.server.base_url())
    }

    /// The token requests received.
    pub fn keystone_requests(&self) -> Vec<RecordedRequest> {
        self.server
            .requests()
            .into_iter()
            .filter(is_keystone)
            .collect()
    }

    /// The IMS requests received.
    pub fn ims_requests(&self) -> Vec<RecordedRequest> {
        self.server
            .requests()
            .into_iter()
            .filter(|r| !is_keystone(r))
            .collect()
    }
}

fn is_keystone(request: &RecordedRequest) -> bool {
    request.path().ends_with("/v3/auth/tokens")
}

fn respond(state: &Mutex<State>, request: &RecordedRequest) -> CannedResponse {
    let mut state = state.lock().unwrap();
    if is_keystone(request) {
        if let Some(failure) = state.keystone_failure.clone() {
            match &mut state.keystone_failures_left {
                None => return failure.delay(state.keystone_delay),
                Some(0) => {}
                Some(left) => {
                    *left -= 1;
                    return failure.delay(state.keystone_delay);
                }
            }
        }
        let (token, issued_at, expires_at, status) = if request.method == "GET" {
            let subject = request.header("x-subject-token").unwrap_or("");
            let found = state
                .issued
                .iter()
                .find(|(t, expires)| t == subject && SystemTime::now() < *expires)
                .cloned();
            let Some((token, expires_at)) = found else {
                return CannedResponse::json(
                    404,
                    &json!({"error": {"code": 404, "title": "Not Found",
                        "message": "Could not find token: the token"}}),
                );
            };
            (token, SystemTime::now(), expires_at, 200)
        } else {
            let token = format!("tok-{}", state.issued.len() + 1);
            let issued_at = SystemTime::now();
            let expires_at = issued_at + state.lifetime;
            state.issued.push((token.clone(), expires_at));
            (token, issued_at, expires_at, 201)
        };
        let host = request.header("host").expect("a Host header");
        let base = format!("http://{host}");
        let body = json!({"token": {
            "methods": ["password"],
            "user": {"id": "u1", "name": "demo", "domain": {"id": "default", "name": "Default"}},
            "project": {"id": "p1", "name": "demo", "domain": {"id": "default", "name": "Default"}},
            "issued_at": keystone_time(issued_at),
            "expires_at": keystone_time(expires_at),
            "catalog": [
                {"type": "identity", "name": "keystone", "endpoints": [
                    {"interface": "public", "region": "RegionOne", "region_id": "RegionOne", "url": format!("{base}/v3")}
                ]},
                {"type": "image", "name": "glance", "endpoints": [
                    {"interface": "public", "region": "RegionOne", "region_id": "RegionOne", "url": base},
                    {"interface": "internal", "region": "RegionOne", "region_id": "RegionOne", "url": format!("{base}/internal")},
                    {"interface": "public", "region": "RegionTwo", "region_id": "RegionTwo", "url": format!("{base}/r2")}
                ]}
            ]
        }});
        return CannedResponse::json(status, &body)
            .header("X-Subject-Token", &token)
            .header("X-Openstack-Request-Id", "req-keystone")
            .delay(state.keystone_delay);
    }
    let token = request.header("x-auth-token").unwrap_or("");
    let valid = state
        .issued
        .iter()
        .any(|(t, expires)| t == token && SystemTime::now() < *expires)
        && !state.rejected.contains(token);
    if valid {
        return CannedResponse::json(200, &json!({"images": []})).header(
            "X-Openstack-Request-Id",
            &format!("req-ims-{}", request.index),
        );
    }
    let delay = (state.reject_delay)(state.rejections);
    state.rejections += 1;
    CannedResponse::json(
        401,
        &json!({
            "message": "This server could not verify that you are authorized to access the document you requested.",
            "code": "401 Unauthorized",
            "title": "Unauthorized"
        }),
    )
    .header("WWW-Authenticate", "Keystone uri=\"http://127.0.0.1/v3\"")
    .header("X-Openstack-Request-Id", &format!("req-ims-{}", request.index))
    .delay(delay)
}

/// A time as Keystone writes it: `2026-11-22T09:12:00.000000Z`.
pub fn keystone_time(t: SystemTime) -> String {
    let t = time::OffsetDateTime::from(t);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.microsecond()
    )
}
