//! The HTTP layer under every request of the crate (the service's and Keystone's): the
//! `reqwest` client (its redirect policy, TLS settings and `User-Agent`), one attempt (send, then read the body under its
//! cap), and the retry policy around the attempts.
//!
//! # Limits and defaults
//!
//! Every limit the client applies, with its default and where to change it. The tests in
//! `tests/it/limits.rs` assert each default.
//!
//! | what | default | set with |
//! | --- | --- | --- |
//! | connect timeout | 10 s | [`Timeouts::connect`](retry::Timeouts::connect) (a setting of the `reqwest::Client`: [`http_client`]) |
//! | one attempt (send until the whole body is read) | 15 s | [`Timeouts::attempt`](retry::Timeouts::attempt) |
//! | all attempts and waits of one request | 35 s | [`Timeouts::overall`](retry::Timeouts::overall) |
//! | attempts per request | 4 | [`RetryPolicy::max_attempts`](retry::RetryPolicy::max_attempts) |
//! | backoff | 200 ms, doubling, at most 10 s, full jitter | [`RetryPolicy::backoff`](retry::RetryPolicy::backoff), [`RetryPolicy::jitter`](retry::RetryPolicy::jitter) |
//! | retried statuses | 408, 429, 500, 502, 503, 504 | [`RetryPolicy::retry_statuses`](retry::RetryPolicy::retry_statuses) |
//! | longest `Retry-After` waited for | 30 s (a longer one ends the request at once with [`Error::retry_after`](crate::Error::retry_after)) | [`RetryPolicy::max_retry_after`](retry::RetryPolicy::max_retry_after) |
//! | body of a success response | 64 MiB (a 50,000-image page is about 45 MB) | [`Limits::max_body_bytes`] |
//! | body of an error response kept for the message | 64 KiB (the rest is not read) | [`Limits::max_error_body_bytes`] |
//! | redirects | 3, to the same scheme, host and port only | [`Limits::max_redirects`] |
//! | Keystone token request | 30 s per attempt, 3 attempts (after a 5xx or a connection error, 200 ms then 400 ms apart), through the same body cap and redirect policy | fixed |
//! | `User-Agent` of every request, Keystone's too | `ims/<version> (Rust; <os> <arch>)` ([`user_agent`]) | a prefix: [`ClientBuilder::user_agent`](crate::ClientBuilder::user_agent) |
//! | TLS | the platform's roots, the server verified, no client certificate | [`Tls`] ([`ClientBuilder::tls`](crate::ClientBuilder::tls)); `OS_CACERT` (a bundle replacing the roots), `OS_CERT`/`OS_KEY`, `OS_INSECURE` (warns) |
//! | Keystone tokens kept between processes | off; when on, a token is used while more than its renewal margin is left, files of at most 4 MiB read ([`MAX_CACHE_FILE_BYTES`](crate::auth::MAX_CACHE_FILE_BYTES)) | [`ClientBuilder::token_cache`](crate::ClientBuilder::token_cache) |
//!
//! A redirect to another scheme, host or port is never followed: the credentials of a request
//! go nowhere but the origin it was sent to. A redirect back to a URL already visited is
//! reported as a loop. Compressed bodies are not asked for (no `Accept-Encoding`), so the
//! body cap is the size of what is decoded.

pub(crate) mod body;
pub(crate) mod redirect;
pub mod retry;

use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

pub use redirect::RedirectProblem;
use retry::Timeouts;

/// Caps on what the client reads and follows; `Limits::default()` gives the values of the
/// [table](self#limits-and-defaults).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    pub(crate) max_body_bytes: u64,
    pub(crate) max_error_body_bytes: u64,
    pub(crate) max_redirects: usize,
}

/// The default cap of a success body: 64 MiB.
pub const DEFAULT_MAX_BODY_BYTES: u64 = 64 * 1024 * 1024;
/// The default cap of an error body kept for the message: 64 KiB.
pub const DEFAULT_MAX_ERROR_BODY_BYTES: u64 = 64 * 1024;
/// The default number of same-origin redirects followed: 3.
pub const DEFAULT_MAX_REDIRECTS: usize = 3;

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            max_error_body_bytes: DEFAULT_MAX_ERROR_BODY_BYTES,
            max_redirects: DEFAULT_MAX_REDIRECTS,
        }
    }
}

impl Limits {
    /// The most bytes a success body may have: a larger one (by its `Content-Length`, before
    /// reading, or while reading) fails with [`ErrorKind::BodyTooLarge`](crate::ErrorKind::BodyTooLarge).
    pub fn max_body_bytes(mut self, max: u64) -> Limits {
        self.max_body_bytes = max;
        self
    }

    /// The most bytes of an error body read for the error's message and
    /// [`raw_body`](crate::Error::raw_body); the rest is left unread.
    pub fn max_error_body_bytes(mut self, max: u64) -> Limits {
        self.max_error_body_bytes = max;
        self
    }

    /// The most same-origin redirects followed for one request (0: none).
    pub fn max_redirects(mut self, max: usize) -> Limits {
        self.max_redirects = max;
        self
    }

    /// The cap of a success body.
    pub fn get_max_body_bytes(&self) -> u64 {
        self.max_body_bytes
    }

    /// The cap of an error body.
    pub fn get_max_error_body_bytes(&self) -> u64 {
        self.max_error_body_bytes
    }

    /// The most redirects followed.
    pub fn get_max_redirects(&self) -> usize {
        self.max_redirects
    }
}

/// The crate's part of the `User-Agent` header: `ims/<version> (Rust; <os> <arch>)`, such as
/// `ims/0.1.0 (Rust; linux x86_64)`.
pub fn user_agent() -> String {
    format!(
        "ims/{} (Rust; {} {})",
        env!("CARGO_PKG_VERSION"),
        std::env::consts::OS,
        std::env::consts::ARCH
    )
}

/// The TLS settings of the HTTP client: the trusted roots, a client certificate, and whether
/// to verify the server at all. `Tls::default()` verifies with the platform's roots and sends
/// no client certificate. `Debug` shows no key.
#[derive(Clone, Default)]
pub struct Tls {
    roots: Option<Vec<reqwest::Certificate>>,
    identity: Option<reqwest::Identity>,
    insecure: bool,
}

impl std::fmt::Debug for Tls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tls")
            .field("roots", &self.roots.as_ref().map(Vec::len))
            .field("identity", &self.identity.as_ref().map(|_| "<redacted>"))
            .field("insecure", &self.insecure)
            .finish()
    }
}

impl Tls {
    /// Trust only the certificates of this PEM bundle (as `OS_CACERT` does in OpenStack's
    /// tools), not the platform's roots.
    ///
    /// # Errors
    ///
    /// When the bundle holds no certificate or one that is not valid.
    pub fn ca_bundle_pem(mut self, pem: &[u8]) -> Result<Tls, String> {
        let certs = reqwest::Certificate::from_pem_bundle(pem).map_err(|e| e.to_string())?;
        if certs.is_empty() {
            return Err("no PEM certificate (-----BEGIN CERTIFICATE-----) in it".into());
        }
        // Building a client checks each certificate; the error is about these alone.
        install_crypto_provider();
        reqwest::Client::builder()
            .tls_certs_only(certs.clone())
            .build()
            .map_err(|e| format!("not a valid certificate: {}", root_cause(&e)))?;
        self.roots = Some(certs);
        Ok(self)
    }

    /// Present this client certificate: a PEM certificate (chain) and its private key (PKCS#8,
    /// PKCS#1 or SEC1), which may also be in `cert_pem` (then `key_pem` is empty).
    ///
    /// # Errors
    ///
    /// When the PEM holds no certificate, no key, or a key that is not valid.
    pub fn client_identity_pem(mut self, cert_pem: &[u8], key_pem: &[u8]) -> Result<Tls, String> {
        let mut pem = cert_pem.to_vec();
        pem.push(b'\n');
        pem.extend_from_slice(key_pem);
        let identity = reqwest::Identity::from_pem(&pem).map_err(|e| root_cause(&e))?;
        install_crypto_provider();
        reqwest::Client::builder()
            .identity(identity.clone())
            .build()
            .map_err(|e| format!("not a usable certificate and key: {}", root_cause(&e)))?;
        self.identity = Some(identity);
        Ok(self)
    }

    /// Do not verify the server's certificate (`verify: false`, `OS_INSECURE`): anyone on the
    /// path can then read and change the requests, credentials included.
    pub fn insecure(mut self, insecure: bool) -> Tls {
        self.insecure = insecure;
        self
    }

    /// Whether the server's certificate is left unverified.
    pub fn is_insecure(&self) -> bool {
        self.insecure
    }

    /// Whether a CA bundle replaces the platform's roots.
    pub fn has_ca_bundle(&self) -> bool {
        self.roots.is_some()
    }

    /// Whether a client certificate is presented.
    pub fn has_client_identity(&self) -> bool {
        self.identity.is_some()
    }
}

/// Settings of the `reqwest::Client` that [`http_client_with`] makes, besides timeouts and
/// limits: TLS and the `User-Agent`.
#[derive(Clone, Debug, Default)]
pub struct HttpOptions {
    tls: Tls,
    user_agent_prefix: Option<String>,
}

impl HttpOptions {
    /// The TLS settings.
    pub fn tls(mut self, tls: Tls) -> HttpOptions {
        self.tls = tls;
        self
    }

    /// A product token put before the crate's [`user_agent`], such as `ims-cli/0.1.0`.
    pub fn user_agent_prefix(mut self, prefix: impl Into<String>) -> HttpOptions {
        self.user_agent_prefix = Some(prefix.into());
        self
    }

    /// The TLS settings.
    pub fn get_tls(&self) -> &Tls {
        &self.tls
    }

    /// The whole `User-Agent`: the prefix, if any, then [`user_agent`].
    pub fn user_agent(&self) -> String {
        match self.user_agent_prefix.as_deref().map(str::trim) {
            Some(prefix) if !prefix.is_empty() => format!("{prefix} {}", user_agent()),
            _ => user_agent(),
        }
    }
}

/// A `reqwest::Client` for [`Client::new_with_client`](crate::Client::new_with_client): the
/// connect timeout of `timeouts` (the other two are applied per request), the same-origin
/// redirect policy of `limits`, and the crate's [`user_agent`]. A `reqwest::Client` made
/// another way must not follow redirects (`reqwest::redirect::Policy::none()`), or it may
/// carry credentials to another host.
pub fn http_client(timeouts: &Timeouts, limits: &Limits) -> reqwest::Result<reqwest::Client> {
    http_client_with(timeouts, limits, &HttpOptions::default())
}

#[cfg(not(any(feature = "tls-aws-lc", feature = "tls-ring")))]
compile_error!(
    "ims needs a TLS crypto provider: enable the `tls-aws-lc` (default) or `tls-ring` feature"
);

/// With `tls-ring` (and not `tls-aws-lc`, which reqwest uses on its own), makes ring the
/// process's rustls crypto provider, unless the program installed one already; called before
/// every `reqwest::Client` this crate builds. A `reqwest::Client` made elsewhere
/// (`ClientBuilder::http_client`) needs one too: calling [`http_client`] once installs it.
fn install_crypto_provider() {
    #[cfg(all(feature = "tls-ring", not(feature = "tls-aws-lc")))]
    {
        // Err only when a provider is installed already, which is as good.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}

/// As [`http_client`], with the TLS settings and `User-Agent` of `options`.
pub fn http_client_with(
    timeouts: &Timeouts,
    limits: &Limits,
    options: &HttpOptions,
) -> reqwest::Result<reqwest::Client> {
    install_crypto_provider();
    let mut builder = reqwest::Client::builder()
        .redirect(redirect::policy(limits.max_redirects))
        .user_agent(options.user_agent());
    if let Some(connect) = timeouts.connect {
        builder = builder.connect_timeout(connect);
    }
    let tls = &options.tls;
    if let Some(roots) = &tls.roots {
        builder = builder.tls_certs_only(roots.iter().cloned());
    }
    if let Some(identity) = &tls.identity {
        builder = builder.identity(identity.clone());
    }
    if tls.insecure {
        builder = builder.danger_accept_invalid_certs(true);
    }
    builder.build()
}

/// The innermost message of an error chain.
fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut error = error;
    while let Some(source) = error.source() {
        error = source;
    }
    error.to_string()
}

/// A response whose body has been read: what one attempt gives when it gets an answer.
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) url: url::Url,
    pub(crate) body: Bytes,
    /// The body was longer than the cap of error bodies and was cut there.
    pub(crate) cut: bool,
}

/// Why an attempt got no [`Reply`].
#[derive(Debug)]
pub(crate) enum Failure {
    /// The connection failed or timed out, before or during the body (retried by policy).
    Transport(reqwest::Error),
    /// A success body over the cap (by `Content-Length` or while reading).
    TooLarge {
        url: url::Url,
        limit: u64,
        declared: Option<u64>,
    },
    /// A redirect that was not followed.
    Redirect {
        url: url::Url,
        problem: RedirectProblem,
        error: reqwest::Error,
    },
}

/// Sends one attempt with `http` and reads its body under `limits`.
pub(crate) async fn attempt(
    http: &reqwest::Client,
    request: reqwest::Request,
    limits: &Limits,
) -> Result<Reply, Failure> {
    let url = request.url().clone();
    let response =
        http.execute(request)
            .await
            .map_err(|error| match redirect::problem_of(&error) {
                Some(problem) => Failure::Redirect {
                    url: url.clone(),
                    problem,
                    error,
                },
                None => Failure::Transport(error),
            })?;
    body::read(response, limits).await
}
