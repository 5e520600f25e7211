//! AK/SK request signing (`SDK-HMAC-SHA256`), byte-identical to the official
//! Huawei Cloud SDK signer (`huaweicloudsdkcore.signer.Signer`).
//!
//! The algorithm, as the SDK implements it:
//!
//! 1. Headers are added before signing: `X-Project-Id` (when a project id is
//!    set), `X-Security-Token` (temporary credentials), `X-Sdk-Content-Sha256:
//!    UNSIGNED-PAYLOAD` when a `Content-Type` is present that does not start
//!    with `application/json` or `application/bson` (a case-sensitive test),
//!    `X-Sdk-Date` and, when absent, `Host` (`host[:port]`).
//! 2. Every header value is trimmed of surrounding whitespace; the trimmed value
//!    is what is signed and what is sent.
//! 3. Signed headers: all headers whose name contains no `_`, lower-cased and
//!    sorted.
//! 4. Canonical URI: the path is percent-decoded, split on `/` (so an encoded
//!    `%2F` becomes a separator), each segment re-encoded (everything but
//!    `A-Z a-z 0-9 - _ . ~`, upper-case hex) and a trailing `/` appended if
//!    missing: `/v2/images` and `/v2/images/` sign the same.
//! 5. Canonical query: the query is decoded as `application/x-www-form-urlencoded`
//!    (`+` is a space, a bare `flag` is `flag=`), the `(name, value)` pairs are
//!    sorted on their *decoded* text, then each name and value is encoded as in
//!    4. and joined as `name=value` with `&`. The SDK sends exactly this query
//!    string, so [`AkSk::sign_request`] rewrites the URL's query to it.
//! 6. Payload hash: SHA-256 hex of the body; for an empty body always the hash
//!    of the empty string; otherwise the value of `X-Sdk-Content-Sha256` when
//!    that header is present (e.g. `UNSIGNED-PAYLOAD`).
//! 7. `canonical request = METHOD \n URI \n QUERY \n (name:value\n)* \n
//!    signed;headers \n payload-hash`, `string to sign = SDK-HMAC-SHA256 \n
//!    X-Sdk-Date \n hex(sha256(canonical request))`, signature = hex HMAC-SHA256
//!    of the string to sign keyed with the secret key, and `Authorization:
//!    SDK-HMAC-SHA256 Access=AK, SignedHeaders=a;b, Signature=hex`.
//!
//! Test vectors produced by the official SDK live in
//! `tests/vectors/aksk_signing.json` (see `scripts/signing/make_vectors.py`).

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use hmac::{Hmac, KeyInit, Mac};
use http::header::{AUTHORIZATION, CONTENT_TYPE, HOST};
use http::{HeaderMap, HeaderName, HeaderValue, Method};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use sha2::{Digest, Sha256};
use url::Url;

/// Name of the signing algorithm, the first word of the `Authorization` header.
pub const ALGORITHM: &str = "SDK-HMAC-SHA256";

/// Value of `X-Sdk-Content-Sha256` that tells the service the body is not hashed.
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";

/// `X-Sdk-Date`: the signing time, `YYYYMMDDTHHMMSSZ` in UTC.
pub const X_SDK_DATE: HeaderName = HeaderName::from_static("x-sdk-date");

/// `X-Project-Id`: the project the request acts in.
pub const X_PROJECT_ID: HeaderName = HeaderName::from_static("x-project-id");

/// `X-Security-Token`: the session token of temporary AK/SK credentials.
pub const X_SECURITY_TOKEN: HeaderName = HeaderName::from_static("x-security-token");

/// `X-Sdk-Content-Sha256`: when present on a non-empty body, its value replaces
/// the body hash in the canonical request.
pub const X_SDK_CONTENT_SHA256: HeaderName = HeaderName::from_static("x-sdk-content-sha256");

/// SHA-256 of the empty string, the payload hash of a request without body.
const EMPTY_HASH: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// Bytes left as they are when encoding: `A-Z a-z 0-9 - _ . ~`.
const ENCODE_SET: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Access key / secret key credentials, with the optional project id and
/// session token that go with them.
///
/// `Debug` never prints the secret key or the session token.
#[derive(Clone, PartialEq, Eq)]
pub struct AkSk {
    access_key: String,
    secret_key: String,
    project_id: Option<String>,
    security_token: Option<String>,
}

impl fmt::Debug for AkSk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("AkSk");
        d.field("access_key", &self.access_key)
            .field("secret_key", &"<redacted>");
        if let Some(project_id) = &self.project_id {
            d.field("project_id", project_id);
        }
        if self.security_token.is_some() {
            d.field("security_token", &"<redacted>");
        }
        d.finish()
    }
}

/// Why a request could not be signed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignError {
    /// The access key is empty.
    EmptyAccessKey,
    /// The secret key is empty.
    EmptySecretKey,
    /// The URL has no host (e.g. `data:` or `mailto:` URLs).
    NoHost,
    /// The signing time is before 1970-01-01T00:00:00Z.
    TimeBeforeEpoch,
    /// A header to sign has more than one value; the SDK signs one value per name.
    RepeatedHeader(HeaderName),
    /// The body is a stream whose bytes are not available to hash; set
    /// `X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD` to sign such a request.
    StreamingBody,
    /// A value that must go into a header is not a valid header value
    /// (control characters); names the header.
    InvalidHeaderValue(HeaderName),
}

impl fmt::Display for SignError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SignError::EmptyAccessKey => f.write_str("AK/SK signing: the access key is empty"),
            SignError::EmptySecretKey => f.write_str("AK/SK signing: the secret key is empty"),
            SignError::NoHost => f.write_str("AK/SK signing: the URL has no host"),
            SignError::TimeBeforeEpoch => {
                f.write_str("AK/SK signing: the signing time is before 1970")
            }
            SignError::RepeatedHeader(name) => {
                write!(f, "AK/SK signing: header `{name}` has more than one value")
            }
            SignError::StreamingBody => f.write_str(
                "AK/SK signing: the body is a stream and cannot be hashed; \
                 set `X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD`",
            ),
            SignError::InvalidHeaderValue(name) => {
                write!(f, "AK/SK signing: invalid value for header `{name}`")
            }
        }
    }
}

impl std::error::Error for SignError {}

/// The result of signing a request.
#[derive(Debug, Clone)]
pub struct Signature {
    /// Headers to set on the request (replacing any existing value of the same
    /// name): always `X-Sdk-Date` and `Authorization`; `Host` when the request
    /// had none; `X-Project-Id`, `X-Security-Token` and `X-Sdk-Content-Sha256`
    /// when they apply; and the trimmed value of any given header whose value
    /// had surrounding whitespace.
    pub headers: HeaderMap,
    /// The canonical query string, which is also the query the SDK sends:
    /// empty when there are no parameters.
    pub canonical_query: String,
    /// The `;`-separated, sorted, lower-case names of the signed headers.
    pub signed_headers: String,
    /// The canonical request, for debugging (the hash covers its raw bytes; a
    /// header value that is not UTF-8 shows here with replacement characters).
    pub canonical_request: String,
    /// The string to sign, for debugging.
    pub string_to_sign: String,
}

impl AkSk {
    /// Credentials from an access key and a secret key.
    pub fn new(access_key: impl Into<String>, secret_key: impl Into<String>) -> Self {
        AkSk {
            access_key: access_key.into(),
            secret_key: secret_key.into(),
            project_id: None,
            security_token: None,
        }
    }

    /// Sets the project id, sent and signed as `X-Project-Id`.
    #[must_use]
    pub fn with_project_id(mut self, project_id: impl Into<String>) -> Self {
        self.project_id = Some(project_id.into());
        self
    }

    /// Sets the session token of temporary credentials, sent and signed as
    /// `X-Security-Token`.
    #[must_use]
    pub fn with_security_token(mut self, security_token: impl Into<String>) -> Self {
        self.security_token = Some(security_token.into());
        self
    }

    /// The access key (not secret: it is part of the `Authorization` header).
    pub fn access_key(&self) -> &str {
        &self.access_key
    }

    /// The project id, if set.
    pub fn project_id(&self) -> Option<&str> {
        self.project_id.as_deref()
    }

    /// Signs a request given as its parts and returns the headers to set.
    ///
    /// `headers` are the headers the request will carry (all of them are
    /// signed, except those whose name contains `_`); `body` is the exact body
    /// that will be sent (empty for none); `now` is the signing time, which the
    /// service accepts only within a few minutes of its own clock. An
    /// `X-Sdk-Date` among `headers` is replaced by `now`.
    ///
    /// The service recomputes the canonical query from the query it receives;
    /// sending [`Signature::canonical_query`] as the query (as the SDK does and
    /// [`AkSk::sign_request`] does) avoids any doubt about how it decodes `+`.
    ///
    /// # Errors
    ///
    /// Empty keys, a URL without host, a time before 1970, a header with more
    /// than one value, or a key, project id or token that is not a valid
    /// header value: see [`SignError`].
    pub fn sign(
        &self,
        method: &Method,
        url: &Url,
        headers: &HeaderMap,
        body: &[u8],
        now: SystemTime,
    ) -> Result<Signature, SignError> {
        self.sign_parts(method, url, headers, Some(body), now)
    }

    /// Signs a `reqwest` request in place: sets the headers of
    /// [`AkSk::sign`] and rewrites the URL's query to its canonical form (what
    /// the SDK sends). `Host` is not inserted: `reqwest` sends the same value,
    /// derived from the URL.
    ///
    /// A streaming body cannot be hashed: it needs `X-Sdk-Content-Sha256:
    /// UNSIGNED-PAYLOAD` (set by the caller or, for a non-JSON `Content-Type`,
    /// automatically), or signing fails with [`SignError::StreamingBody`].
    ///
    /// # Errors
    ///
    /// As [`AkSk::sign`], plus [`SignError::StreamingBody`]; the request is
    /// left unchanged on error.
    pub fn sign_request(
        &self,
        req: &mut reqwest::Request,
        now: SystemTime,
    ) -> Result<Signature, SignError> {
        let body = match req.body() {
            None => Some(&[][..]),
            Some(body) => body.as_bytes(),
        };
        let had_host = req.headers().contains_key(HOST);
        let signature = self.sign_parts(req.method(), req.url(), req.headers(), body, now)?;
        for (name, value) in &signature.headers {
            if name == HOST && !had_host {
                continue;
            }
            req.headers_mut().insert(name.clone(), value.clone());
        }
        let query =
            (!signature.canonical_query.is_empty()).then_some(signature.canonical_query.as_str());
        req.url_mut().set_query(query);
        Ok(signature)
    }

    /// The signer proper; `body` is `None` for a body whose bytes are unknown.
    fn sign_parts(
        &self,
        method: &Method,
        url: &Url,
        headers: &HeaderMap,
        body: Option<&[u8]>,
        now: SystemTime,
    ) -> Result<Signature, SignError> {
        if self.access_key.is_empty() {
            return Err(SignError::EmptyAccessKey);
        }
        if self.secret_key.is_empty() {
            return Err(SignError::EmptySecretKey);
        }
        let host = url.host_str().ok_or(SignError::NoHost)?;
        if let Some(name) = headers
            .keys()
            .find(|name| headers.get_all(*name).iter().nth(1).is_some())
        {
            return Err(SignError::RepeatedHeader(name.clone()));
        }
        let date = format_sdk_date(now)?;

        // Headers as they will be sent; `added` are the ones set here.
        let mut all = headers.clone();
        let mut added = HeaderMap::new();
        let mut set = |name: HeaderName, value: &str, sensitive: bool| -> Result<(), SignError> {
            let mut value = HeaderValue::from_str(value)
                .map_err(|_| SignError::InvalidHeaderValue(name.clone()))?;
            value.set_sensitive(sensitive);
            all.insert(name.clone(), value.clone());
            added.insert(name, value);
            Ok(())
        };
        if let Some(project_id) = &self.project_id {
            set(X_PROJECT_ID, project_id, false)?;
        }
        if let Some(token) = &self.security_token {
            set(X_SECURITY_TOKEN, token, true)?;
        }
        if let Some(content_type) = headers.get(CONTENT_TYPE) {
            let ct = content_type.as_bytes();
            if !ct.is_empty()
                && !ct.starts_with(b"application/json")
                && !ct.starts_with(b"application/bson")
            {
                set(X_SDK_CONTENT_SHA256, UNSIGNED_PAYLOAD, false)?;
            }
        }
        set(X_SDK_DATE, &date, false)?;
        if !headers.contains_key(HOST) {
            let host = match url.port() {
                Some(port) => format!("{host}:{port}"),
                None => host.to_owned(),
            };
            set(HOST, &host, false)?;
        }

        // Every value is trimmed, signed or not, and sent trimmed.
        let mut trimmed: Vec<(&HeaderName, &[u8])> = Vec::with_capacity(all.len());
        for (name, value) in &all {
            let t = trim(value.as_bytes());
            if t.len() != value.as_bytes().len() {
                let mut v = HeaderValue::from_bytes(t)
                    .map_err(|_| SignError::InvalidHeaderValue(name.clone()))?;
                v.set_sensitive(value.is_sensitive());
                added.insert(name.clone(), v);
            }
            trimmed.push((name, t));
        }

        let mut signed: Vec<(&str, &[u8])> = trimmed
            .iter()
            .filter(|(name, _)| !name.as_str().contains('_'))
            .map(|(name, value)| (name.as_str(), *value))
            .collect();
        signed.sort_by(|a, b| a.0.cmp(b.0));
        let signed_headers = signed
            .iter()
            .map(|(name, _)| *name)
            .collect::<Vec<_>>()
            .join(";");

        let payload_hash = match body {
            Some([]) => EMPTY_HASH.to_owned(),
            _ => {
                let declared = trimmed
                    .iter()
                    .find(|(name, _)| **name == X_SDK_CONTENT_SHA256)
                    .map(|(_, value)| latin1_to_utf8(value))
                    .filter(|v| !v.is_empty());
                match (declared, body) {
                    (Some(declared), _) => declared,
                    (None, Some(body)) => hex::encode(Sha256::digest(body)),
                    (None, None) => return Err(SignError::StreamingBody),
                }
            }
        };

        let canonical_query = canonical_query(url);
        let mut canonical_request = Vec::new();
        canonical_request.extend_from_slice(method.as_str().to_ascii_uppercase().as_bytes());
        canonical_request.push(b'\n');
        canonical_request.extend_from_slice(canonical_uri(url.path()).as_bytes());
        canonical_request.push(b'\n');
        canonical_request.extend_from_slice(canonical_query.as_bytes());
        canonical_request.push(b'\n');
        for (name, value) in &signed {
            canonical_request.extend_from_slice(name.as_bytes());
            canonical_request.push(b':');
            canonical_request.extend_from_slice(value);
            canonical_request.push(b'\n');
        }
        canonical_request.push(b'\n');
        canonical_request.extend_from_slice(signed_headers.as_bytes());
        canonical_request.push(b'\n');
        canonical_request.extend_from_slice(payload_hash.as_bytes());

        let string_to_sign = format!(
            "{ALGORITHM}\n{date}\n{}",
            hex::encode(Sha256::digest(&canonical_request))
        );
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(self.secret_key.as_bytes())
            .expect("HMAC accepts keys of any length");
        mac.update(string_to_sign.as_bytes());
        let signature = hex::encode(mac.finalize().into_bytes());

        // The access key goes into a header as it is: visible ASCII only.
        if !self.access_key.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(SignError::InvalidHeaderValue(AUTHORIZATION));
        }
        let authorization = format!(
            "{ALGORITHM} Access={}, SignedHeaders={signed_headers}, Signature={signature}",
            self.access_key
        );
        // `HeaderValue::from_str` takes visible ASCII only: an access key with other
        // characters cannot be sent in a header, and is refused rather than sent garbled.
        let mut authorization = HeaderValue::from_str(&authorization)
            .map_err(|_| SignError::InvalidHeaderValue(AUTHORIZATION))?;
        authorization.set_sensitive(true);
        added.insert(AUTHORIZATION, authorization);

        Ok(Signature {
            headers: added,
            canonical_query,
            signed_headers,
            canonical_request: String::from_utf8_lossy(&canonical_request).into_owned(),
            string_to_sign,
        })
    }
}

/// Formats a time as `X-Sdk-Date` does: `YYYYMMDDTHHMMSSZ` in UTC (e.g.
/// `20261122T090623Z`).
///
/// # Errors
///
/// [`SignError::TimeBeforeEpoch`] for times before 1970.
pub fn format_sdk_date(time: SystemTime) -> Result<String, SignError> {
    let secs = time
        .duration_since(UNIX_EPOCH)
        .map_err(|_| SignError::TimeBeforeEpoch)?
        .as_secs();
    let days = secs / 86_400;
    let rem = secs % 86_400;
    let (year, month, day) = civil_from_days(days);
    Ok(format!(
        "{year:04}{month:02}{day:02}T{:02}{:02}{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    ))
}

/// Proleptic Gregorian date of a day count since 1970-01-01 (H. Hinnant's
/// `civil_from_days`, for non-negative days).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z % 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

/// Encodes every byte but `A-Z a-z 0-9 - _ . ~`, upper-case hex.
fn encode(s: &str) -> String {
    utf8_percent_encode(s, ENCODE_SET).to_string()
}

/// Canonical URI: decode, split on `/`, encode each segment, end with `/`.
fn canonical_uri(path: &str) -> String {
    let decoded = percent_decode_str(path).decode_utf8_lossy();
    let mut out = decoded.split('/').map(encode).collect::<Vec<_>>().join("/");
    if !out.ends_with('/') {
        out.push('/');
    }
    out
}

/// Canonical query: form-decoded pairs sorted on decoded text, then encoded.
fn canonical_query(url: &Url) -> String {
    let mut pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    pairs.sort();
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Trims whitespace as Python's `str.strip()` does for UTF-8 text; bytes that
/// are not UTF-8 are trimmed of ASCII whitespace only.
fn trim(value: &[u8]) -> &[u8] {
    match std::str::from_utf8(value) {
        Ok(s) => s
            .trim_matches(|c: char| c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c))
            .as_bytes(),
        Err(_) => value.trim_ascii(),
    }
}

/// Reads bytes as ISO-8859-1 and returns the text's UTF-8: the SDK reads a
/// header value back in that form after preparing it for sending.
fn latin1_to_utf8(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| char::from(b)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    #[test]
    fn formats_sdk_date() {
        assert_eq!(format_sdk_date(at(0)).unwrap(), "19700101T000000Z");
        assert_eq!(
            format_sdk_date(at(1_795_338_383)).unwrap(),
            "20261122T090623Z"
        );
        assert_eq!(
            format_sdk_date(at(1_709_251_199)).unwrap(),
            "20240229T235959Z"
        );
        assert_eq!(
            format_sdk_date(at(1_709_251_200)).unwrap(),
            "20240301T000000Z"
        );
        assert_eq!(
            format_sdk_date(at(951_782_400)).unwrap(),
            "20000229T000000Z"
        );
        assert_eq!(
            format_sdk_date(at(4_102_444_799)).unwrap(),
            "20991231T235959Z"
        );
        assert_eq!(
            format_sdk_date(at(4_107_542_400)).unwrap(),
            "21000301T000000Z"
        );
        assert_eq!(
            format_sdk_date(at(1_795_338_383) + Duration::from_millis(999)).unwrap(),
            "20261122T090623Z"
        );
        assert_eq!(
            format_sdk_date(UNIX_EPOCH - Duration::from_secs(1)),
            Err(SignError::TimeBeforeEpoch)
        );
    }

    #[test]
    fn civil_dates_agree_with_day_counting() {
        // Walk day by day from 1970 and compare with a naive calendar.
        let (mut y, mut m, mut d) = (1970u64, 1u64, 1u64);
        for days in 0..200_000u64 {
            assert_eq!(civil_from_days(days), (y, m, d), "day {days}");
            let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
            let len = [
                31,
                if leap { 29 } else { 28 },
                31,
                30,
                31,
                30,
                31,
                31,
                30,
                31,
                30,
                31,
            ][(m - 1) as usize];
            d += 1;
            if d > len {
                d = 1;
                m += 1;
                if m > 12 {
                    m = 1;
                    y += 1;
                }
            }
        }
    }

    #[test]
    fn canonical_uri_rules() {
        assert_eq!(canonical_uri("/"), "/");
        assert_eq!(canonical_uri("/v2/images"), "/v2/images/");
        assert_eq!(canonical_uri("/v2/images/"), "/v2/images/");
        assert_eq!(canonical_uri("/a%2Fb"), "/a/b/");
        assert_eq!(canonical_uri("/a b/%C3%9C/~*+"), "/a%20b/%C3%9C/~%2A%2B/");
    }

    #[test]
    fn trims_like_python_strip() {
        assert_eq!(trim(b"  a b \t"), b"a b");
        assert_eq!(trim("\u{a0}\u{dc}\u{3000}".as_bytes()), "\u{dc}".as_bytes());
        assert_eq!(trim(b" \xff "), b"\xff");
    }

    #[test]
    fn rejects_bad_input() {
        let url = Url::parse("https://example.com/").unwrap();
        let now = at(1_795_338_383);
        let empty = HeaderMap::new();
        assert_eq!(
            AkSk::new("", "sk")
                .sign(&Method::GET, &url, &empty, b"", now)
                .unwrap_err(),
            SignError::EmptyAccessKey
        );
        assert_eq!(
            AkSk::new("ak", "")
                .sign(&Method::GET, &url, &empty, b"", now)
                .unwrap_err(),
            SignError::EmptySecretKey
        );
        let mut repeated = HeaderMap::new();
        repeated.append("x-a", HeaderValue::from_static("1"));
        repeated.append("x-a", HeaderValue::from_static("2"));
        assert_eq!(
            AkSk::new("ak", "sk")
                .sign(&Method::GET, &url, &repeated, b"", now)
                .unwrap_err(),
            SignError::RepeatedHeader(HeaderName::from_static("x-a"))
        );
        let no_host = Url::parse("mailto:someone@example.com").unwrap();
        assert_eq!(
            AkSk::new("ak", "sk")
                .sign(&Method::GET, &no_host, &empty, b"", now)
                .unwrap_err(),
            SignError::NoHost
        );
        assert_eq!(
            AkSk::new("a\nk", "sk")
                .sign(&Method::GET, &url, &empty, b"", now)
                .unwrap_err(),
            SignError::InvalidHeaderValue(AUTHORIZATION)
        );
    }

    #[test]
    fn streaming_body_needs_unsigned_payload() {
        let url = Url::parse("https://example.com/upload").unwrap();
        let now = at(1_795_338_383);
        let aksk = AkSk::new("ak", "sk");
        assert_eq!(
            aksk.sign_parts(&Method::PUT, &url, &HeaderMap::new(), None, now)
                .unwrap_err(),
            SignError::StreamingBody
        );
        let mut headers = HeaderMap::new();
        headers.insert(
            X_SDK_CONTENT_SHA256,
            HeaderValue::from_static(UNSIGNED_PAYLOAD),
        );
        let sig = aksk
            .sign_parts(&Method::PUT, &url, &headers, None, now)
            .unwrap();
        assert!(sig.canonical_request.ends_with("\nUNSIGNED-PAYLOAD"));
    }
}
