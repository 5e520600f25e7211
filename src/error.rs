//! The crate's error type: [`Error`], with its [`ErrorKind`].
//!
//! The generated operations return progenitor's error ([`crate::GeneratedError`]); `?` (or
//! `Error::from`) turns it into an [`Error`] that says, in one place, which operation failed,
//! how (the [`ErrorKind`]), the HTTP status, the service's error code and message, and the
//! request id, and whose `Display` tells a person what to check. The client's own steps
//! (configuration, authentication) fail with the same type.
//!
//! # How the operation gets into an error
//!
//! progenitor's error does not carry the operation, and the hooks cannot add a field to it;
//! they can only change the response and the `Error::Custom` text. So:
//!
//! * every response that is not a success gets the header [`OPERATION_HEADER`]
//!   (`x-ims-operation: show_image`) from the `exec` hook, which has the operation at hand
//!   (`OperationInfo`). Error responses (documented or not) keep their headers, so the name
//!   survives exactly, whatever the base URL.
//! * a transport error (connect, timeout, broken body) keeps only its URL; the operation is
//!   found by matching the URL's path against the path templates of the generated client
//!   (the `OPERATIONS` table `build.rs` writes from the generated code, so it cannot drift).
//! * an authentication failure in the `pre` hook becomes `Error::Custom("<operation>: ...")`
//!   (see [`hook_message`]); the prefix is read back here.
//! * a success body that does not decode (`InvalidResponsePayload`) keeps neither headers nor
//!   URL: its operation is unknown.
//!
//! The names are the generated methods' (`show_image`), which are also the `operation` field
//! of the `ims.request` tracing span; the spec's `operationId` is their camelCase form.

use std::fmt;
use std::sync::Arc;

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderValue};

use crate::types::ErrorResponse;

include!(concat!(env!("OUT_DIR"), "/operations.rs"));

/// Response header the client adds to every response that is not a success (before the
/// generated code decodes it): the name of the operation, such as `show_image`. It is how
/// [`Error::operation`] knows the operation of an error response; it also shows in
/// `ResponseValue::headers()` of [`crate::GeneratedError::ErrorResponse`].
pub const OPERATION_HEADER: &str = "x-ims-operation";

/// What kind of failure an [`Error`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A setting is missing or wrong (builder, environment, `clouds.yaml`).
    Config,
    /// Credentials could not be obtained or applied (Keystone refused or was unreachable,
    /// AK/SK signing failed).
    Auth,
    /// No connection could be made to the endpoint.
    Connect,
    /// The request or the connection timed out.
    Timeout,
    /// The connection failed while sending the request or reading the response.
    Transport,
    /// The service answered with a status that is not a success.
    Status,
    /// A success response whose body is not what the operation returns.
    Decode,
    /// The request could not be built from the given parameters.
    InvalidRequest,
    /// The service's paging links or markers cannot be followed safely: a link to another
    /// host, a link that is not usable, or a marker given twice. [`Error::paging`] says which.
    Paging,
    /// Anything else.
    Other,
}

/// What is wrong with the service's paging, for an error of [`ErrorKind::Paging`]
/// ([`Error::paging`]). The streams of [`crate::paginate`] end with such an error rather than
/// follow a link or marker they cannot follow safely.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PagingProblem {
    /// The service's link to the next page points to another scheme, host or port than the
    /// client's endpoint; it was not followed (nothing was sent to it).
    ForeignLink {
        /// The link as the service sent it.
        link: String,
    },
    /// The link to the next page cannot be used (not a URL, another resource, no marker).
    BadLink {
        /// The link as the service sent it.
        link: String,
        /// What is wrong with it, such as `it has no marker`.
        reason: &'static str,
    },
    /// The service asked for a page with a marker it had already given: following it would
    /// never end.
    RepeatedMarker {
        /// The marker.
        marker: String,
    },
    /// The request for the next page ended without an answer: its task panicked or its
    /// runtime shut down. [`Error::message`] says what happened.
    Prefetch,
}

/// Why a call failed: the one error type of this crate.
///
/// Build it from the generated operations' error with `?` or `Error::from`. Accessors give
/// the parts; `Display` is a sentence for a person: what happened, and what to check.
///
/// ```no_run
/// # async fn run(client: &ims::Client) -> Result<(), ims::Error> {
/// match client.show_image().image_id("0f2c...").send().await.map_err(ims::Error::from) {
///     Ok(image) => println!("{:?}", image.name),
///     Err(e) if e.status() == Some(reqwest::StatusCode::NOT_FOUND) => println!("no such image"),
///     Err(e) => return Err(e),
/// }
/// # Ok(()) }
/// ```
///
/// No variant holds credentials: messages never contain a token, password, secret key or
/// signature.
#[derive(Clone)]
#[non_exhaustive]
pub struct Error {
    // Boxed: an `Error` is one pointer, so `Result<T, Error>` stays small.
    repr: Box<Repr>,
}

/// The parts of an [`Error`].
#[derive(Clone)]
struct Repr {
    kind: ErrorKind,
    operation: Option<String>,
    status: Option<StatusCode>,
    code: Option<String>,
    message: Option<String>,
    title: Option<String>,
    request_id: Option<String>,
    raw_body: Option<String>,
    headers: Option<HeaderMap>,
    url: Option<String>,
    detail: Option<String>,
    paging: Option<PagingProblem>,
    source: Option<Arc<dyn std::error::Error + Send + Sync>>,
}

/// The body of an error response, kept by the `exec` hook in the response's extensions so
/// that an undocumented status (`UnexpectedResponse`, body unread) still gives its message.
#[derive(Clone, Debug)]
pub(crate) struct ErrorBody(pub(crate) bytes::Bytes);

/// The start of `Error::Custom` texts made by [`hook_message`] for authentication failures.
const AUTH_FAILED: &str = "authentication failed: ";

impl From<Repr> for Error {
    fn from(repr: Repr) -> Error {
        Error {
            repr: Box::new(repr),
        }
    }
}

impl Repr {
    fn new(kind: ErrorKind) -> Repr {
        Repr {
            kind,
            operation: None,
            status: None,
            code: None,
            message: None,
            title: None,
            request_id: None,
            raw_body: None,
            headers: None,
            url: None,
            detail: None,
            paging: None,
            source: None,
        }
    }
}

impl Error {
    /// A configuration error; `detail` names the setting and where it was read from.
    pub(crate) fn config(detail: impl Into<String>) -> Error {
        Error::from(Repr {
            detail: Some(detail.into()),
            ..Repr::new(ErrorKind::Config)
        })
    }

    /// An authentication error; `detail` says what failed and what to check, without secrets.
    pub(crate) fn auth(detail: impl Into<String>) -> Error {
        Error::from(Repr {
            detail: Some(detail.into()),
            ..Repr::new(ErrorKind::Auth)
        })
    }

    /// A paging error of `operation` (such as `list_images`): `message` says what happened,
    /// in a sentence without the operation and the hint, with the link or marker in it.
    pub(crate) fn for_paging(operation: &str, problem: PagingProblem, message: String) -> Error {
        Error::from(Repr {
            operation: Some(operation.to_string()),
            message: Some(message),
            paging: Some(problem),
            ..Repr::new(ErrorKind::Paging)
        })
    }

    /// Names the operation, if the error does not know it yet (a success body that did not
    /// decode keeps no trace of its operation, but a caller may know it).
    pub(crate) fn or_operation(mut self, operation: &str) -> Error {
        if self.repr.operation.is_none() {
            self.repr.operation = Some(operation.to_string());
        }
        self
    }

    /// The text that says what went wrong, without the operation and the hints.
    pub(crate) fn detail(&self) -> Option<&str> {
        self.repr.detail.as_deref()
    }

    /// Adds the underlying error, reachable through `source()`.
    pub(crate) fn with_source(
        mut self,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Error {
        self.repr.source = Some(Arc::new(source));
        self
    }

    /// A transport error (`reqwest`): connect, timeout or other, with its URL and operation.
    fn transport(error: reqwest::Error) -> Error {
        let kind = if error.is_timeout() {
            ErrorKind::Timeout
        } else if error.is_connect() {
            ErrorKind::Connect
        } else if error.is_decode() {
            ErrorKind::Decode
        } else {
            ErrorKind::Transport
        };
        let url = error.url().map(|url| url.to_string());
        let operation = error.url().and_then(operation_for_url).map(str::to_string);
        Error::from(Repr {
            operation,
            status: error.status(),
            url,
            detail: Some(root_cause(&error)),
            source: Some(Arc::new(error)),
            ..Repr::new(kind)
        })
    }

    /// An error status, with what its headers and body say. `exact` is the body as received,
    /// when it is at hand.
    ///
    /// The texts the service wrote in a JSON error object (message, title) are made one line
    /// ([`crate::text::one_line`]: Glance's messages hold `<br />` and blank lines); the
    /// hook's summary of a body it replaced already is one.
    fn status_response(
        status: StatusCode,
        headers: HeaderMap,
        body: Option<ErrorResponse>,
        exact: Option<String>,
    ) -> Error {
        let mut error = Repr {
            status: Some(status),
            request_id: crate::hooks::request_id(&headers).map(str::to_string),
            operation: headers
                .get(OPERATION_HEADER)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string),
            ..Repr::new(ErrorKind::Status)
        };
        let clean = |text: Option<&str>| {
            text.map(crate::text::one_line)
                .filter(|text| !text.is_empty())
        };
        error.raw_body = exact;
        if let Some(body) = body {
            if let Some(ims) = &body.error {
                error.code = ims.code.clone();
                error.message = clean(ims.message.as_deref());
            }
            error.title = clean(body.title.as_deref());
            if error.message.is_none() {
                error.message = match &body.raw_body {
                    // The hook's one-line summary of the body it replaced.
                    Some(_) => body.message.clone(),
                    None => clean(body.message.as_deref()),
                };
            }
            // The original body: the one the hook replaced, else the body as received, else
            // (progenitor keeps no bytes of a documented error status) the JSON error object
            // as decoded, every field kept.
            error.raw_body = match &body.raw_body {
                Some(raw) => Some(raw.clone()),
                None => error
                    .raw_body
                    .take()
                    .or_else(|| serde_json::to_string(&body).ok()),
            };
            // A body the hook replaced may still be a JSON error object of another shape,
            // such as Keystone's `{"error": {"code": 401, "message": ..., "title": ...}}`.
            if let Some(raw) = &body.raw_body
                && let Ok(serde_json::Value::Object(object)) = serde_json::from_str(raw)
            {
                let inner = object
                    .get("error")
                    .and_then(|e| e.as_object())
                    .unwrap_or(&object);
                let text = |key: &str| clean(inner.get(key).and_then(|v| v.as_str()));
                if let Some(message) = text("message") {
                    error.message = Some(message);
                }
                error.title = error.title.take().or_else(|| text("title"));
            }
        }
        error.headers = Some(headers);
        Error::from(error)
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        self.repr.kind
    }

    /// The operation that failed, by the generated method's name (`show_image`), when known:
    /// always for error statuses, transport errors, authentication failures of a request and
    /// paging errors; never for configuration errors, nor for a success body that did not
    /// decode (except in the streams of [`crate::paginate`], which know their operation).
    pub fn operation(&self) -> Option<&str> {
        self.repr.operation.as_deref()
    }

    /// The HTTP status of the service's response, for [`ErrorKind::Status`].
    pub fn status(&self) -> Option<StatusCode> {
        self.repr.status
    }

    /// The IMS error code (such as `IMG.0024`) of a body `{"error": {"code", "message"}}`.
    pub fn code(&self) -> Option<&str> {
        self.repr.code.as_deref()
    }

    /// What the service said went wrong, in one line: the IMS message, else the OpenStack
    /// `message`, else a summary of an HTML or text body. Markup and runs of whitespace are
    /// gone (Glance's `No image found with ID x<br /><br />\n\n\n` is `No image found with
    /// ID x`); [`raw_body`](Self::raw_body) has the body as it was. For [`ErrorKind::Paging`], what is wrong
    /// with the service's paging, with the link or marker (such as `the service's next link
    /// points to another host (https://evil.example/v2/images?marker=x), not to the client's
    /// endpoint https://ims.example; it was not followed`).
    pub fn message(&self) -> Option<&str> {
        self.repr.message.as_deref()
    }

    /// What is wrong with the service's paging, for [`ErrorKind::Paging`]: the link or marker
    /// that could not be followed.
    pub fn paging(&self) -> Option<&PagingProblem> {
        self.repr.paging.as_ref()
    }

    /// The OpenStack error `title`, such as `Not Found`.
    pub fn title(&self) -> Option<&str> {
        self.repr.title.as_deref()
    }

    /// The service's id for the request (`X-Request-Id`, `X-Openstack-Request-Id` or
    /// `X-Compute-Request-Id`): quote it when reporting a problem.
    pub fn request_id(&self) -> Option<&str> {
        self.repr.request_id.as_deref()
    }

    /// The original body of an error response, for [`ErrorKind::Status`]: an HTML page, plain
    /// text or an empty body as received; a JSON error object as received when the status
    /// is one the operation does not document, else (progenitor keeps no bytes of a
    /// documented error) as decoded, every field and the original texts kept, with key
    /// order and spacing of its own.
    pub fn raw_body(&self) -> Option<&str> {
        self.repr.raw_body.as_deref()
    }

    /// The headers of the error response.
    pub fn headers(&self) -> Option<&HeaderMap> {
        self.repr.headers.as_ref()
    }

    /// The URL of a request that failed in transport.
    pub fn url(&self) -> Option<&str> {
        self.repr.url.as_deref()
    }

    /// Whether the request or connection timed out.
    pub fn is_timeout(&self) -> bool {
        self.repr.kind == ErrorKind::Timeout
    }

    /// What to check, for an error status.
    fn status_hint(status: StatusCode) -> Option<&'static str> {
        Some(match status.as_u16() {
            400 => "Check the request's parameters.",
            401 => {
                "Check the token or credentials: the token may have expired, or belong to another project or region."
            }
            403 => {
                "Check the project's permissions: the user's role in the project may not allow this operation."
            }
            404 => {
                "Check the id and the project: the resource may not exist, or not be visible to the project."
            }
            408 | 504 => "Retry later; if it persists, check the network and the endpoint.",
            429 => "Too many requests: retry later.",
            500 => "The service failed: retry later, and quote the request id if you report it.",
            502 | 503 => "The service is unavailable: retry later.",
            _ => return None,
        })
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(operation) = &self.repr.operation {
            write!(f, "{operation}: ")?;
        }
        let detail = self.repr.detail.as_deref().unwrap_or("(no details)");
        let url = self.repr.url.as_deref().unwrap_or("the endpoint");
        match self.repr.kind {
            ErrorKind::Config => write!(f, "configuration error: {detail}"),
            ErrorKind::Auth => write!(f, "{AUTH_FAILED}{detail}"),
            ErrorKind::Connect => write!(
                f,
                "could not connect to {url}: {detail}. Check the endpoint URL and the network (DNS, proxy, firewall)."
            ),
            ErrorKind::Timeout => write!(
                f,
                "the request to {url} timed out. Check the network and the endpoint; a slow service may need a longer timeout."
            ),
            ErrorKind::Transport => write!(
                f,
                "the connection to {url} failed: {detail}. Check the network; retrying may help."
            ),
            ErrorKind::Decode => write!(
                f,
                "the response could not be decoded: {detail}. Check that the endpoint is the IMS service."
            ),
            ErrorKind::InvalidRequest => write!(f, "invalid request: {detail}"),
            ErrorKind::Paging => {
                let message = self.repr.message.as_deref().unwrap_or("paging failed");
                write!(f, "{message}.")?;
                if let Some(hint) = self.repr.paging.as_ref().map(paging_hint) {
                    write!(f, " {hint}")?;
                }
                Ok(())
            }
            ErrorKind::Status => {
                let Some(status) = self.repr.status else {
                    return write!(f, "the service answered with an error: {detail}");
                };
                let mut text = format!("the service answered {status}");
                if !status.is_client_error() && !status.is_server_error() {
                    text.push_str(", a status the operation does not document");
                }
                match (&self.repr.code, &self.repr.message, &self.repr.title) {
                    (Some(code), Some(message), _) => {
                        text.push_str(&format!(": {code}: {message}"))
                    }
                    (Some(code), None, _) => text.push_str(&format!(": {code}")),
                    (None, Some(message), _) => text.push_str(&format!(": {message}")),
                    (None, None, Some(title)) => text.push_str(&format!(": {title}")),
                    (None, None, None) => {}
                }
                if let Some(id) = &self.repr.request_id {
                    text.push_str(&format!(" (request id {id})"));
                }
                if !text.ends_with(['.', '!', '?', '…']) {
                    text.push('.');
                }
                if let Some(hint) = Error::status_hint(status) {
                    text.push(' ');
                    text.push_str(hint);
                }
                f.write_str(&text)
            }
            ErrorKind::Other => f.write_str(detail),
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Not derived: the headers and the raw body are left out (they can be long); the
        // source's Debug is kept, it holds no credentials.
        let mut d = f.debug_struct("Error");
        d.field("kind", &self.repr.kind);
        let optional = [
            ("operation", &self.repr.operation),
            ("code", &self.repr.code),
            ("message", &self.repr.message),
            ("title", &self.repr.title),
            ("request_id", &self.repr.request_id),
            ("url", &self.repr.url),
            ("detail", &self.repr.detail),
        ];
        if let Some(status) = self.repr.status {
            d.field("status", &status.as_u16());
        }
        if let Some(paging) = &self.repr.paging {
            d.field("paging", paging);
        }
        for (name, value) in optional {
            if let Some(value) = value {
                d.field(name, value);
            }
        }
        if let Some(source) = &self.repr.source {
            d.field("source", source);
        }
        d.finish()
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.repr
            .source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

impl From<progenitor_client::Error<ErrorResponse>> for Error {
    fn from(error: progenitor_client::Error<ErrorResponse>) -> Error {
        use progenitor_client::Error as E;
        match error {
            E::InvalidRequest(message) => Error::from(Repr {
                detail: Some(message),
                ..Repr::new(ErrorKind::InvalidRequest)
            }),
            E::CommunicationError(e) | E::InvalidUpgrade(e) | E::ResponseBodyError(e) => {
                Error::transport(e)
            }
            E::ErrorResponse(value) => {
                let status = value.status();
                let headers = value.headers().clone();
                Error::status_response(status, headers, Some(value.into_inner()), None)
            }
            E::UnexpectedResponse(response) => {
                let kept = response.extensions().get::<ErrorBody>();
                let body = kept.and_then(|body| serde_json::from_slice(&body.0).ok());
                let exact = kept.map(|body| String::from_utf8_lossy(&body.0).into_owned());
                Error::status_response(response.status(), response.headers().clone(), body, exact)
            }
            E::InvalidResponsePayload(body, e) => {
                let start: String = String::from_utf8_lossy(&body).chars().take(80).collect();
                let start = start.split_whitespace().collect::<Vec<_>>().join(" ");
                Error::from(Repr {
                    detail: Some(format!("{e} (the body starts with `{start}`)")),
                    source: Some(Arc::new(e)),
                    ..Repr::new(ErrorKind::Decode)
                })
            }
            E::Custom(text) => from_hook_message(text),
        }
    }
}

/// What to check, for a paging error.
fn paging_hint(problem: &PagingProblem) -> &'static str {
    match problem {
        PagingProblem::ForeignLink { .. } => {
            "If the service is reached through another address, use that address as the endpoint."
        }
        PagingProblem::BadLink { .. } => {
            "Check that the endpoint is the image service; a larger `limit` needs fewer pages."
        }
        PagingProblem::RepeatedMarker { .. } => {
            "The service's paging is broken for this query (Glance repeats pages when sorting by \
             a key some images have no value for): sort by another key or ask for a larger `limit`."
        }
        PagingProblem::Prefetch => {
            "A panic in that task or a shut-down tokio runtime ends it: keep the runtime running \
             while the stream is in use."
        }
    }
}

/// The `Error::Custom` text the `pre` hook returns when credentials could not be applied:
/// `<operation>: authentication failed: <what>`. [`Error::from`] reads it back into an
/// [`ErrorKind::Auth`] error with its operation.
pub(crate) fn hook_message(operation: &str, error: &Error) -> String {
    match (error.repr.kind, &error.repr.detail) {
        (ErrorKind::Auth, Some(detail)) => format!("{operation}: {AUTH_FAILED}{detail}"),
        _ => format!("{operation}: {error}"),
    }
}

/// Reads a [`hook_message`] text back; any other custom text becomes [`ErrorKind::Other`].
fn from_hook_message(text: String) -> Error {
    let known = text.split_once(": ").and_then(|(operation, rest)| {
        OPERATIONS
            .iter()
            .find(|(_, _, name)| *name == operation)
            .map(|(_, _, name)| (*name, rest))
    });
    match known {
        Some((operation, rest)) => {
            let mut error = match rest.strip_prefix(AUTH_FAILED) {
                Some(detail) => Error::auth(detail),
                None => Error::from(Repr {
                    detail: Some(rest.to_string()),
                    ..Repr::new(ErrorKind::Other)
                }),
            };
            error.repr.operation = Some(operation.to_string());
            error
        }
        None => Error::from(Repr {
            detail: Some(text),
            ..Repr::new(ErrorKind::Other)
        }),
    }
}

/// Marks a response that is not a success with [`OPERATION_HEADER`] (called by the `exec`
/// hook).
pub(crate) fn tag_response(
    mut response: reqwest::Response,
    operation: &'static str,
) -> reqwest::Response {
    if !response.status().is_success() {
        response
            .headers_mut()
            .insert(OPERATION_HEADER, HeaderValue::from_static(operation));
    }
    response
}

/// The operation whose path template matches the end of the URL's path (the base URL may
/// have a path of its own); the longest template wins.
pub(crate) fn operation_for_url(url: &url::Url) -> Option<&'static str> {
    let path: Vec<&str> = url.path().split('/').filter(|s| !s.is_empty()).collect();
    OPERATIONS
        .iter()
        .filter_map(|(_, template, name)| {
            let template: Vec<&str> = template.split('/').filter(|s| !s.is_empty()).collect();
            let tail = path
                .len()
                .checked_sub(template.len())
                .map(|start| &path[start..])?;
            let matches = template
                .iter()
                .zip(tail)
                .all(|(t, p)| (t.starts_with('{') && t.ends_with('}')) || t == p);
            matches.then_some((template.len(), *name))
        })
        .max_by_key(|(len, _)| *len)
        .map(|(_, name)| name)
}

/// The innermost cause of an error, which says what actually went wrong ("Connection
/// refused") where the outer ones only say where ("error sending request for url ...").
pub(crate) fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = error;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> url::Url {
        url::Url::parse(s).unwrap()
    }

    #[test]
    fn operations_are_found_by_their_path() {
        assert_eq!(
            operation_for_url(&url("http://h/v2/images")),
            Some("list_images")
        );
        assert_eq!(
            operation_for_url(&url("http://h/v2/images?limit=3")),
            Some("list_images")
        );
        assert_eq!(
            operation_for_url(&url("http://h/v2/images/abc")),
            Some("show_image")
        );
        assert_eq!(
            operation_for_url(&url("http://h/prefix/v2/images/abc")),
            Some("show_image")
        );
        assert_eq!(
            operation_for_url(&url("http://h/v2/p1/images/detail")),
            Some("list_compute_images")
        );
        assert_eq!(
            operation_for_url(&url("http://h/v2.1/p1/images/detail")),
            Some("list_compute_images_v2_1")
        );
        assert_eq!(
            operation_for_url(&url("http://h/v1.1/images/detail")),
            Some("list_images_v1_1")
        );
        assert_eq!(
            operation_for_url(&url("http://h/v2/cloudimages")),
            Some("list_cloud_images")
        );
        assert_eq!(operation_for_url(&url("http://h/other")), None);
    }

    #[test]
    fn hook_messages_round_trip() {
        let error = Error::auth("Keystone at http://k/v3/auth/tokens answered 401 Unauthorized");
        let text = hook_message("list_images", &error);
        assert_eq!(
            text,
            "list_images: authentication failed: Keystone at http://k/v3/auth/tokens answered 401 Unauthorized"
        );
        let back = from_hook_message(text.clone());
        assert_eq!(back.kind(), ErrorKind::Auth);
        assert_eq!(back.operation(), Some("list_images"));
        assert_eq!(back.to_string(), text);
        let other = from_hook_message("something else".into());
        assert_eq!(other.kind(), ErrorKind::Other);
        assert_eq!(other.operation(), None);
        assert_eq!(other.to_string(), "something else");
    }

    #[test]
    fn keystone_shaped_bodies_give_their_message() {
        let raw = r#"{"error": {"code": 401, "message": "The request you have made requires authentication.", "title": "Unauthorized"}}"#;
        let body: ErrorResponse =
            serde_json::from_value(serde_json::json!({"message": raw, "raw_body": raw})).unwrap();
        let error =
            Error::status_response(StatusCode::UNAUTHORIZED, HeaderMap::new(), Some(body), None);
        assert_eq!(
            error.message(),
            Some("The request you have made requires authentication.")
        );
        assert_eq!(error.title(), Some("Unauthorized"));
    }
}
