//! Replays the AK/SK signing vectors produced by the official Huawei Cloud SDK
//! (`scripts/signing/make_vectors.py`) and checks the Rust signer matches them
//! byte for byte.

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::{HeaderMap, HeaderName, HeaderValue, Method};
use ims::signing::{AkSk, X_SDK_DATE, format_sdk_date};
use serde::Deserialize;
use url::Url;

const VECTORS: &str = include_str!("../vectors/aksk_signing.json");

#[derive(Deserialize)]
struct Case {
    name: String,
    input: Input,
    expected: Expected,
}

#[derive(Deserialize)]
struct Input {
    method: String,
    url: String,
    headers: BTreeMap<String, String>,
    body: String,
    ak: String,
    sk: String,
    project_id: Option<String>,
    security_token: Option<String>,
    sdk_date: String,
    timestamp: u64,
}

#[derive(Deserialize)]
struct Expected {
    headers: BTreeMap<String, String>,
    signed_headers: Vec<String>,
    uri: String,
    canonical_request: String,
    string_to_sign: String,
}

fn cases() -> Vec<Case> {
    serde_json::from_str(VECTORS).expect("tests/vectors/aksk_signing.json parses")
}

impl Input {
    fn aksk(&self) -> AkSk {
        let mut aksk = AkSk::new(&self.ak, &self.sk);
        if let Some(project_id) = &self.project_id {
            aksk = aksk.with_project_id(project_id);
        }
        if let Some(token) = &self.security_token {
            aksk = aksk.with_security_token(token);
        }
        aksk
    }

    fn method(&self) -> Method {
        Method::from_bytes(self.method.as_bytes()).unwrap()
    }

    fn headers(&self) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in &self.headers {
            let name = HeaderName::from_bytes(name.as_bytes()).unwrap();
            assert!(
                map.insert(name, HeaderValue::from_bytes(value.as_bytes()).unwrap())
                    .is_none()
            );
        }
        map
    }

    fn now(&self) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(self.timestamp)
    }
}

/// Lower-cased name -> wire bytes.
fn normalise(headers: &BTreeMap<String, String>) -> BTreeMap<String, Vec<u8>> {
    headers
        .iter()
        .map(|(k, v)| (k.to_ascii_lowercase(), v.as_bytes().to_vec()))
        .collect()
}

fn from_map(headers: &HeaderMap) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for (name, value) in headers {
        assert!(
            out.insert(name.as_str().to_owned(), value.as_bytes().to_vec())
                .is_none(),
            "repeated {name}"
        );
    }
    out
}

fn show(headers: &BTreeMap<String, Vec<u8>>) -> String {
    headers
        .iter()
        .map(|(k, v)| format!("  {k}: {}\n", String::from_utf8_lossy(v)))
        .collect()
}

#[test]
fn vectors_match_the_official_sdk() {
    let cases = cases();
    assert!(
        cases.len() >= 20,
        "expected the full vector set, got {}",
        cases.len()
    );
    let mut failures = Vec::new();
    for case in &cases {
        let input = &case.input;
        let url = Url::parse(&input.url).unwrap();
        let given = input.headers();
        let sig = match input.aksk().sign(
            &input.method(),
            &url,
            &given,
            input.body.as_bytes(),
            input.now(),
        ) {
            Ok(sig) => sig,
            Err(e) => {
                failures.push(format!("case {}: signing failed: {e}", case.name));
                continue;
            }
        };
        let mut all = given.clone();
        for (name, value) in &sig.headers {
            all.insert(name.clone(), value.clone());
        }
        let ours = from_map(&all);
        let theirs = normalise(&case.expected.headers);
        let query = if sig.canonical_query.is_empty() {
            String::new()
        } else {
            format!("?{}", sig.canonical_query)
        };
        let uri = format!("{}{query}", url.path());
        let mismatch = ours != theirs
            || sig.canonical_request != case.expected.canonical_request
            || sig.string_to_sign != case.expected.string_to_sign
            || sig.signed_headers != case.expected.signed_headers.join(";")
            || uri != case.expected.uri;
        if mismatch {
            failures.push(format!(
                "case {}:\n-- SDK canonical request:\n{}\n-- Rust canonical request:\n{}\n\
                 -- SDK string to sign:\n{}\n-- Rust string to sign:\n{}\n\
                 -- SDK headers:\n{}-- Rust headers:\n{}-- SDK uri: {}\n-- Rust uri: {uri}\n",
                case.name,
                case.expected.canonical_request,
                sig.canonical_request,
                case.expected.string_to_sign,
                sig.string_to_sign,
                show(&theirs),
                show(&ours),
                case.expected.uri,
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} vectors differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn sign_request_matches_the_official_sdk() {
    for case in cases() {
        let input = &case.input;
        let url = Url::parse(&input.url).unwrap();
        let mut req = reqwest::Request::new(input.method(), url);
        *req.headers_mut() = input.headers();
        if !input.body.is_empty() {
            *req.body_mut() = Some(input.body.clone().into());
        }
        input
            .aksk()
            .sign_request(&mut req, input.now())
            .unwrap_or_else(|e| panic!("case {}: {e}", case.name));

        // reqwest derives Host from the URL, so sign_request leaves it out.
        let mut theirs = normalise(&case.expected.headers);
        let mut ours = from_map(req.headers());
        if !input.headers.keys().any(|k| k.eq_ignore_ascii_case("host")) {
            let host = theirs.remove("host").expect("SDK adds Host");
            let url = req.url();
            let derived = match url.port() {
                Some(port) => format!("{}:{port}", url.host_str().unwrap()),
                None => url.host_str().unwrap().to_owned(),
            };
            assert_eq!(derived.as_bytes(), host.as_slice(), "case {}", case.name);
            assert!(ours.remove("host").is_none());
        }
        assert_eq!(show(&ours), show(&theirs), "case {}", case.name);
        assert_eq!(ours, theirs, "case {}", case.name);

        let url = req.url();
        let uri = match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_owned(),
        };
        assert_eq!(uri, case.expected.uri, "case {}", case.name);
    }
}

#[test]
fn sdk_date_formatting_matches_vectors() {
    for case in cases() {
        assert_eq!(
            format_sdk_date(case.input.now()).unwrap(),
            case.input.sdk_date,
            "case {}",
            case.name
        );
        assert_eq!(
            case.expected.headers["X-Sdk-Date"], case.input.sdk_date,
            "case {}",
            case.name
        );
    }
}

#[test]
fn given_sdk_date_is_replaced_by_now() {
    let aksk = AkSk::new("ak", "sk");
    let url = Url::parse("https://ims.example.com/v2/cloudimages").unwrap();
    let mut headers = HeaderMap::new();
    headers.insert(X_SDK_DATE, HeaderValue::from_static("20000101T000000Z"));
    let now = UNIX_EPOCH + Duration::from_secs(1_795_338_383);
    let sig = aksk.sign(&Method::GET, &url, &headers, b"", now).unwrap();
    assert_eq!(sig.headers[X_SDK_DATE], "20261122T090623Z");
}

#[test]
fn debug_redacts_the_secret_key() {
    for case in cases() {
        let aksk = case.input.aksk();
        let debug = format!("{aksk:?}");
        assert!(
            !debug.contains(&case.input.sk),
            "case {}: {debug}",
            case.name
        );
        assert!(debug.contains("<redacted>"), "case {}: {debug}", case.name);
        assert!(
            debug.contains(&case.input.ak),
            "case {}: {debug}",
            case.name
        );
        if let Some(token) = &case.input.security_token {
            assert!(
                !debug.contains(token.as_str()),
                "case {}: {debug}",
                case.name
            );
        }
        let pretty = format!("{aksk:#?}");
        assert!(
            !pretty.contains(&case.input.sk),
            "case {}: {pretty}",
            case.name
        );
    }
    let aksk = AkSk::new("AKEXAMPLE", "very-secret");
    assert_eq!(
        format!("{aksk:?}"),
        r#"AkSk { access_key: "AKEXAMPLE", secret_key: "<redacted>" }"#
    );
}

#[test]
fn secret_never_appears_in_the_authorization_header() {
    for case in cases() {
        let input = &case.input;
        let url = Url::parse(&input.url).unwrap();
        let sig = input
            .aksk()
            .sign(
                &input.method(),
                &url,
                &input.headers(),
                input.body.as_bytes(),
                input.now(),
            )
            .unwrap();
        let authorization = sig.headers.get(http::header::AUTHORIZATION).unwrap();
        let text = String::from_utf8_lossy(authorization.as_bytes());
        assert!(!text.contains(&input.sk), "case {}: {text}", case.name);
        assert!(authorization.is_sensitive(), "case {}", case.name);
        for (name, value) in &sig.headers {
            let value = String::from_utf8_lossy(value.as_bytes());
            assert!(
                !value.contains(&input.sk),
                "case {}: header {name}",
                case.name
            );
        }
        assert!(
            !sig.canonical_request.contains(&input.sk),
            "case {}",
            case.name
        );
        assert!(
            !sig.string_to_sign.contains(&input.sk),
            "case {}",
            case.name
        );
        assert!(
            !format!("{sig:?}").contains(&input.sk),
            "case {}",
            case.name
        );
    }
}
