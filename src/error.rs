//! The crate's error type: [`Error`], with its [`ErrorKind`].
//!
//! Every call of the crate fails with an [`Error`]: the operations' `send()`, the paging
//! streams, the client's own steps (configuration, authentication). It says in one place
//! which operation failed, how (the [`ErrorKind`]), the HTTP status, the service's error code
//! and message, the request id, and for a body that does not decode the JSON path of the
//! value and the image it belongs to; its `Display` tells a person what to check.
//!
//! The errors are made where the operation is known: by the response pipeline
//! (`src/pipeline.rs`), which every request goes through with its operation's name, and by the
//! paging streams. The names are the generated methods' (`show_image`), which are also the
//! `operation` field of the `ims.request` tracing span; the spec's `operationId` is their
//! camelCase form.

use std::fmt;
use std::sync::Arc;

use std::time::{Duration, SystemTime};

use reqwest::StatusCode;
use reqwest::header::{CONTENT_ENCODING, CONTENT_TYPE, HeaderMap};

use crate::http::{Failure, RedirectProblem, Reply};

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
    /// The connection failed while sending the request or reading the response (a body that
    /// ended early, a reset).
    Transport,
    /// The service redirected somewhere the client does not follow: another origin, a loop,
    /// too many hops. [`Error::redirect`] says which.
    Redirect,
    /// The response body was larger than [`Limits::max_body_bytes`](crate::Limits::max_body_bytes).
    BodyTooLarge,
    /// The service answered with a status that is not a success.
    Status,
    /// A success response whose body is not what the operation returns; [`Error::path`]
    /// names the value that did not decode.
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
/// Every operation's `send()`, every paging stream and the client's own steps return it.
/// Accessors give the parts; `Display` is a sentence for a person: what happened, and what to
/// check.
///
/// ```no_run
/// # async fn run(client: &ims::Client) -> Result<(), ims::Error> {
/// match client.show_image().image_id("0f2c...").send().await {
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
    redirect: Option<RedirectProblem>,
    path: Option<String>,
    item_id: Option<String>,
    source: Option<Arc<dyn std::error::Error + Send + Sync>>,
}

/// The start of the `Display` of an authentication failure.
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
            redirect: None,
            path: None,
            item_id: None,
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

    /// Names the operation of an error made below the pipeline (authentication).
    pub(crate) fn with_operation(mut self, operation: &str) -> Error {
        self.repr.operation = Some(operation.to_string());
        self
    }

    /// The request of `operation` could not be built from the builder's parameters.
    pub(crate) fn invalid_request(operation: &str, detail: String) -> Error {
        Error::from(Repr {
            operation: Some(operation.to_string()),
            detail: Some(detail),
            ..Repr::new(ErrorKind::InvalidRequest)
        })
    }

    /// An attempt of `operation` that got no reply.
    pub(crate) fn failure(operation: &str, failure: Failure) -> Error {
        let repr = match failure {
            Failure::Transport(error) => return Error::transport(operation, error),
            Failure::TooLarge {
                url,
                limit,
                declared,
            } => Repr {
                url: Some(crate::http::redirect::shown(&url)),
                detail: Some(match declared {
                    Some(length) if length > limit => format!(
                        "the body is {length} bytes (Content-Length), more than the limit of {limit} bytes"
                    ),
                    _ => format!("the body is longer than the limit of {limit} bytes"),
                }),
                ..Repr::new(ErrorKind::BodyTooLarge)
            },
            Failure::Redirect {
                url,
                problem,
                error,
            } => return Error::redirected(operation, &url, problem).with_source(error),
        };
        Error::from(repr).with_operation(operation)
    }

    /// A redirect of `operation`'s request to `url` that was not followed (or, with a
    /// `reqwest::Client` that follows redirects itself, one that should not have been).
    pub(crate) fn redirected(operation: &str, url: &url::Url, problem: RedirectProblem) -> Error {
        Error::from(Repr {
            operation: Some(operation.to_string()),
            url: Some(crate::http::redirect::shown(url)),
            detail: Some(problem.to_string()),
            redirect: Some(problem),
            ..Repr::new(ErrorKind::Redirect)
        })
    }

    /// A transport error (`reqwest`) of `operation`: connect, timeout or other.
    pub(crate) fn transport(operation: &str, error: reqwest::Error) -> Error {
        let kind = if error.is_timeout() {
            ErrorKind::Timeout
        } else if error.is_connect() {
            ErrorKind::Connect
        } else {
            ErrorKind::Transport
        };
        let url = error.url().map(crate::http::redirect::shown);
        Error::from(Repr {
            operation: Some(operation.to_string()),
            url,
            detail: Some(root_cause(&error)),
            source: Some(Arc::new(error)),
            ..Repr::new(kind)
        })
    }

    /// A body of `operation` that does not decode: `path` is the JSON path of the value
    /// (`images[3].min_disk`, empty for the whole body), `item_id` the id of the list item it
    /// is in, when known.
    pub(crate) fn decode(
        operation: &str,
        reply: &Reply,
        path: String,
        item_id: Option<String>,
        error: serde_json::Error,
    ) -> Error {
        let mut detail = String::new();
        if !path.is_empty() && path != "." {
            detail.push_str(&format!("at `{}`", escaped(&path)));
            if let Some(id) = &item_id {
                detail.push_str(&format!(" (image {})", escaped(id)));
            }
            detail.push_str(": ");
        }
        detail.push_str(&strip_position(&error.to_string()));
        if let Some(what) = not_json(reply) {
            detail.push_str(&format!(" ({what})"));
        }
        Error::from(Repr {
            operation: Some(operation.to_string()),
            url: Some(crate::http::redirect::shown(&reply.url)),
            detail: Some(detail),
            path: Some(path).filter(|path| !path.is_empty() && path != "."),
            item_id,
            headers: Some(reply.headers.clone()),
            request_id: request_id(&reply.headers).map(str::to_string),
            source: Some(Arc::new(error)),
            ..Repr::new(ErrorKind::Decode)
        })
    }

    /// An error status of `operation`, with what its headers and body say.
    ///
    /// The texts the service wrote in a JSON error object (message, title) are made one line
    /// ([`crate::text::one_line`]: Glance's messages hold `<br />` and blank lines); a body
    /// that is no error object is summarised ([`crate::text::summarize`]).
    pub(crate) fn from_status(operation: &str, reply: Reply) -> Error {
        let Reply {
            status,
            headers,
            body,
            cut,
            ..
        } = reply;
        let mut error = Repr {
            operation: Some(operation.to_string()),
            status: Some(status),
            request_id: request_id(&headers).map(str::to_string),
            ..Repr::new(ErrorKind::Status)
        };
        let clean = |text: Option<&str>| {
            text.map(crate::text::one_line)
                .filter(|text| !text.is_empty())
        };
        let content_type = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok());
        let encoded = headers.contains_key(CONTENT_ENCODING);
        let text = (!encoded)
            .then(|| std::str::from_utf8(&body).ok())
            .flatten();
        match text {
            Some(text) => {
                // An IMS body `{"error": {"code", "message"}}`, an OpenStack one
                // `{"code", "message", "title"}`, or Keystone's `{"error": {"code": 401,
                // "message", "title"}}`; anything else is summarised.
                let object = serde_json::from_str::<serde_json::Value>(text)
                    .ok()
                    .and_then(|value| match value {
                        serde_json::Value::Object(object) => Some(object),
                        _ => None,
                    });
                if let Some(object) = &object {
                    let inner = object
                        .get("error")
                        .and_then(|e| e.as_object())
                        .unwrap_or(object);
                    let field = |key: &str| inner.get(key).and_then(|v| v.as_str());
                    error.code = field("code")
                        .filter(|code| !code.chars().next().is_some_and(|c| c.is_ascii_digit()))
                        .map(str::to_string);
                    error.message = clean(field("message"));
                    error.title = clean(field("title"));
                }
                if error.message.is_none() && error.title.is_none() {
                    error.message = Some(crate::text::summarize(status, content_type, text));
                }
                let mut raw = text.to_string();
                if cut {
                    raw.push('…');
                }
                error.raw_body = Some(raw);
            }
            None => {
                error.message = Some(format!(
                    "{status} with a body of {} bytes that is not text{}",
                    body.len(),
                    headers
                        .get(CONTENT_ENCODING)
                        .and_then(|v| v.to_str().ok())
                        .map(|e| format!(" (Content-Encoding: {e})"))
                        .unwrap_or_default()
                ));
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

    /// Why a redirect was not followed, for [`ErrorKind::Redirect`].
    pub fn redirect(&self) -> Option<&RedirectProblem> {
        self.repr.redirect.as_ref()
    }

    /// The JSON path of the value that did not decode, for [`ErrorKind::Decode`], such as
    /// `images[3].min_disk`; `None` when the body as a whole is wrong (not JSON, empty).
    pub fn path(&self) -> Option<&str> {
        self.repr.path.as_deref()
    }

    /// The id of the list item (image) whose value did not decode, when it has one.
    pub fn item_id(&self) -> Option<&str> {
        self.repr.item_id.as_deref()
    }

    /// The wait the service asked for with `Retry-After` (seconds or an HTTP date), for an
    /// error status that carried one: a 429 or 503 whose wait was longer than the retry
    /// policy allows ends the request at once, with this value.
    pub fn retry_after(&self) -> Option<Duration> {
        crate::http::retry::retry_after(self.repr.headers.as_ref()?, SystemTime::now())
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

    /// The body of an error response as received, for [`ErrorKind::Status`], when it is text
    /// (up to [`Limits::max_error_body_bytes`](crate::Limits::max_error_body_bytes), then
    /// `…`); `None` for a body that is not UTF-8 text or is compressed.
    pub fn raw_body(&self) -> Option<&str> {
        self.repr.raw_body.as_deref()
    }

    /// The headers of the response, for [`ErrorKind::Status`] and [`ErrorKind::Decode`].
    pub fn headers(&self) -> Option<&HeaderMap> {
        self.repr.headers.as_ref()
    }

    /// The URL of the request (without its query), when the error came from one.
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
            ErrorKind::Redirect => write!(
                f,
                "{detail}. Use the address the service redirects to as the endpoint if you trust it."
            ),
            ErrorKind::BodyTooLarge => write!(
                f,
                "the response from {url} was not read: {detail}. Ask for smaller pages (`limit`), or raise Limits::max_body_bytes."
            ),
            ErrorKind::Decode => write!(
                f,
                "the response from {url} is not what the operation returns: {detail}."
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

/// Response headers that carry the service's id for a request, in order of preference.
pub const REQUEST_ID_HEADERS: &[&str] = &[
    "x-request-id",
    "x-openstack-request-id",
    "x-compute-request-id",
];

/// The service's id for a request, from the first of [`REQUEST_ID_HEADERS`] present.
pub(crate) fn request_id(headers: &HeaderMap) -> Option<&str> {
    REQUEST_ID_HEADERS
        .iter()
        .find_map(|name| headers.get(*name).and_then(|v| v.to_str().ok()))
}

/// What a success body is when it is not JSON text, for decode messages: compressed, not
/// UTF-8, HTML, or of another content type. `None` for a body that looks like JSON.
fn not_json(reply: &Reply) -> Option<String> {
    if let Some(encoding) = reply
        .headers
        .get(CONTENT_ENCODING)
        .and_then(|v| v.to_str().ok())
    {
        return Some(format!(
            "the body is compressed (Content-Encoding: {encoding}), which the client did not ask for"
        ));
    }
    if reply.body.is_empty() {
        return Some("the body is empty".into());
    }
    if std::str::from_utf8(&reply.body).is_err() {
        return Some(format!(
            "the body of {} bytes is not UTF-8 text",
            reply.body.len()
        ));
    }
    let content_type = reply
        .headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    match content_type {
        Some(ct) if !ct.to_ascii_lowercase().contains("json") => {
            let text = String::from_utf8_lossy(&reply.body);
            let start = crate::text::summarize(reply.status, Some(ct), &text);
            let start: String = start.chars().take(80).collect();
            Some(format!("Content-Type {ct}; it starts with `{start}`"))
        }
        _ => None,
    }
}

/// `text` (a key or an id the service sent) for a one-line message: control characters
/// (newlines, escape sequences) written as escapes, never raw.
pub(crate) fn escaped(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_debug().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// serde_json's message without its ` at line 1 column 470` (the path says where).
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) if message[at..].contains(" column ") => message[..at].to_string(),
        _ => message.to_string(),
    }
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

    fn reply(status: u16, content_type: &str, body: &'static [u8]) -> Reply {
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, content_type.parse().unwrap());
        headers.insert("x-openstack-request-id", "req-1".parse().unwrap());
        Reply {
            status: StatusCode::from_u16(status).unwrap(),
            headers,
            url: "http://127.0.0.1:1/v2/images?limit=1".parse().unwrap(),
            body: bytes::Bytes::from_static(body),
            cut: false,
        }
    }

    #[test]
    fn error_bodies_of_every_service_give_their_message() {
        let ims = Error::from_status(
            "list_cloud_images",
            reply(
                400,
                "application/json",
                br#"{"error": {"code": "IMG.0024", "message": "The imagetype is invalid."}}"#,
            ),
        );
        assert_eq!(ims.code(), Some("IMG.0024"));
        assert_eq!(ims.message(), Some("The imagetype is invalid."));
        assert_eq!(ims.request_id(), Some("req-1"));
        let keystone = Error::from_status(
            "show_image",
            reply(401, "application/json", br#"{"error": {"code": 401, "message": "The request you have made requires authentication.", "title": "Unauthorized"}}"#),
        );
        assert_eq!(
            keystone.code(),
            None,
            "a numeric code is the status, not an IMS code"
        );
        assert_eq!(
            keystone.message(),
            Some("The request you have made requires authentication.")
        );
        assert_eq!(keystone.title(), Some("Unauthorized"));
        let html = Error::from_status(
            "show_image",
            reply(
                502,
                "text/html",
                b"<html><title>502</title><body><h1>Bad Gateway</h1></body></html>",
            ),
        );
        assert_eq!(html.message(), Some("502 Bad Gateway"));
        assert!(html.raw_body().unwrap().starts_with("<html>"));
        let binary = Error::from_status(
            "show_image",
            reply(500, "application/octet-stream", b"\x1f\x8b\x08\x00\xff"),
        );
        assert_eq!(binary.raw_body(), None);
        assert!(binary.message().unwrap().contains("not text"), "{binary}");
    }

    #[test]
    fn positions_are_left_to_the_path() {
        assert_eq!(
            strip_position("invalid type: null, expected a sequence at line 1 column 470"),
            "invalid type: null, expected a sequence"
        );
        assert_eq!(strip_position("EOF while parsing"), "EOF while parsing");
    }
}
