//! Keystone v3 authentication with a cached token: a password, an application credential, a
//! token rescoped to a project, or an existing token read back (its catalog) from Keystone.
//!
//! See [`Keystone`] for how the token is cached and renewed.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::{Duration, SystemTime};

// The token's local clock is tokio's: the same as `std`'s, except on a paused test clock.
use tokio::time::Instant;

use reqwest::StatusCode;
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderValue};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::Secret;
use super::cache::{Entry, TokenCache};
use crate::Error;
use crate::http::retry::{Jitter, RetryPolicy, Timeouts};
use crate::http::{Failure, Limits};

/// Renew a token when less than this is left, or 10 % of its lifetime if that is less.
const MAX_MARGIN: Duration = Duration::from_secs(5 * 60);

/// Attempts of a token request that fails with a 5xx or a broken connection (Keystone and
/// IAM have short hiccups: a locked database, a restarting worker), 200 ms and then 400 ms
/// apart. Still one fetch for the single flight.
const KEYSTONE_ATTEMPTS: u32 = 3;
const KEYSTONE_BACKOFF: Duration = Duration::from_millis(200);

/// How long one attempt of a token request may take (the client's retry policy applies to
/// the service's requests, not to Keystone's).
const KEYSTONE_TIMEOUT: Duration = Duration::from_secs(30);

/// The policy of token requests: [`KEYSTONE_ATTEMPTS`] attempts of at most
/// [`KEYSTONE_TIMEOUT`] each, after a 5xx (500, 502, 503, 504) or a connection error (not after
/// a timeout), [`KEYSTONE_BACKOFF`] doubling, no jitter; a `Retry-After` of up to 30 s is
/// honoured. The `POST` is retried: a token request creates nothing a second one duplicates.
fn token_policy() -> RetryPolicy {
    RetryPolicy::default()
        .max_attempts(KEYSTONE_ATTEMPTS)
        .backoff(KEYSTONE_BACKOFF, KEYSTONE_BACKOFF * 2)
        .jitter(Jitter::None)
        .retry_statuses([500, 502, 503, 504])
        .retry_timeouts(false)
        .timeouts(Timeouts::unlimited().attempt(KEYSTONE_TIMEOUT))
        .retry_any_method()
}

/// A Keystone domain, by id or by name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Domain {
    /// The domain's id.
    Id(String),
    /// The domain's name (such as `Default`, or `OTC00000000001000000xxx` on Open Telekom Cloud).
    Name(String),
}

/// The user to authenticate, by id or by name within a domain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum User {
    /// The user's id.
    Id(String),
    /// The user's name and domain.
    Name {
        /// The user name.
        name: String,
        /// The domain the user belongs to.
        domain: Domain,
    },
}

impl User {
    /// The user with this name in this domain.
    pub fn name(name: impl Into<String>, domain: Domain) -> User {
        User::Name {
            name: name.into(),
            domain,
        }
    }

    /// The user with this id.
    pub fn id(id: impl Into<String>) -> User {
        User::Id(id.into())
    }
}

/// The project the token is scoped to, by id or by name within a domain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Project {
    /// The project's id.
    Id(String),
    /// The project's name and domain.
    Name {
        /// The project name (on Open Telekom Cloud and Huawei Cloud, the region, such as
        /// `eu-de`, or a sub-project such as `eu-de_myproject`).
        name: String,
        /// The domain the project belongs to.
        domain: Domain,
    },
}

impl Project {
    /// The project with this name in this domain.
    pub fn name(name: impl Into<String>, domain: Domain) -> Project {
        Project::Name {
            name: name.into(),
            domain,
        }
    }

    /// The project with this id.
    pub fn id(id: impl Into<String>) -> Project {
        Project::Id(id.into())
    }
}

/// Keystone v3 password credentials, scoped to a project. `Debug` shows the password as
/// `<redacted>`.
#[derive(Clone, Debug)]
pub struct Password {
    auth_url: String,
    user: User,
    password: Secret,
    project: Project,
}

impl Password {
    /// Credentials for `POST {auth_url}/v3/auth/tokens`. `auth_url` is Keystone's URL, with or
    /// without the trailing `/v3` (such as `https://iam.eu-de.otc.t-systems.com/v3`).
    pub fn new(
        auth_url: impl Into<String>,
        user: User,
        password: impl Into<String>,
        project: Project,
    ) -> Password {
        Password {
            auth_url: auth_url.into(),
            user,
            password: Secret::new(password),
            project,
        }
    }

    /// Keystone's URL as given.
    pub fn auth_url(&self) -> &str {
        &self.auth_url
    }

    /// The user.
    pub fn user(&self) -> &User {
        &self.user
    }

    /// The project the token is scoped to.
    pub fn project(&self) -> &Project {
        &self.project
    }

    /// The JSON body of the token request (it holds the password: never log it).
    fn request_body(&self) -> serde_json::Value {
        let mut user = user_json(&self.user);
        user["password"] = json!(self.password.expose());
        json!({
            "auth": {
                "identity": { "methods": ["password"], "password": { "user": user } },
                "scope": { "project": project_json(&self.project) }
            }
        })
    }
}

/// `{auth_url}/v3/auth/tokens` (without a second `/v3` when `auth_url` ends in it).
fn tokens_url(auth_url: &str) -> Result<url::Url, Error> {
    let base = auth_url.trim().trim_end_matches('/');
    let joined = if base.ends_with("/v3") {
        format!("{base}/auth/tokens")
    } else {
        format!("{base}/v3/auth/tokens")
    };
    let url = url::Url::parse(&joined)
        .map_err(|e| Error::config(format!("the Keystone auth URL `{base}` is not a URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Error::config(format!(
            "the Keystone auth URL `{}` is not an http(s) URL",
            shown(&url)
        )));
    }
    Ok(url)
}

fn domain_json(domain: &Domain) -> serde_json::Value {
    match domain {
        Domain::Id(id) => json!({ "id": id }),
        Domain::Name(name) => json!({ "name": name }),
    }
}

fn user_json(user: &User) -> serde_json::Value {
    match user {
        User::Id(id) => json!({ "id": id }),
        User::Name { name, domain } => json!({ "name": name, "domain": domain_json(domain) }),
    }
}

fn project_json(project: &Project) -> serde_json::Value {
    match project {
        Project::Id(id) => json!({ "id": id }),
        Project::Name { name, domain } => json!({ "name": name, "domain": domain_json(domain) }),
    }
}

/// Which application credential: by id, or by name with its user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApplicationCredentialRef {
    /// The credential's id.
    Id(String),
    /// The credential's name and the user it belongs to.
    Name {
        /// The credential's name.
        name: String,
        /// Its user.
        user: User,
    },
}

/// A Keystone v3 application credential (`auth_type: v3applicationcredential`): its token is
/// scoped to the project the credential was made in, so no scope is sent. `Debug` shows the
/// secret as `<redacted>`.
#[derive(Clone, Debug)]
pub struct ApplicationCredential {
    auth_url: String,
    credential: ApplicationCredentialRef,
    secret: Secret,
}

impl ApplicationCredential {
    /// The credential with this id and secret, at Keystone `auth_url` (with or without `/v3`).
    pub fn with_id(
        auth_url: impl Into<String>,
        id: impl Into<String>,
        secret: impl Into<String>,
    ) -> ApplicationCredential {
        ApplicationCredential {
            auth_url: auth_url.into(),
            credential: ApplicationCredentialRef::Id(id.into()),
            secret: Secret::new(secret),
        }
    }

    /// The credential with this name, of `user`, and its secret.
    pub fn with_name(
        auth_url: impl Into<String>,
        name: impl Into<String>,
        user: User,
        secret: impl Into<String>,
    ) -> ApplicationCredential {
        ApplicationCredential {
            auth_url: auth_url.into(),
            credential: ApplicationCredentialRef::Name {
                name: name.into(),
                user,
            },
            secret: Secret::new(secret),
        }
    }

    /// Which credential.
    pub fn credential(&self) -> &ApplicationCredentialRef {
        &self.credential
    }

    /// The JSON body of the token request (it holds the secret: never log it).
    fn request_body(&self) -> serde_json::Value {
        let mut credential = match &self.credential {
            ApplicationCredentialRef::Id(id) => json!({ "id": id }),
            ApplicationCredentialRef::Name { name, user } => {
                json!({ "name": name, "user": user_json(user) })
            }
        };
        credential["secret"] = json!(self.secret.expose());
        json!({
            "auth": {
                "identity": {
                    "methods": ["application_credential"],
                    "application_credential": credential
                }
            }
        })
    }
}

/// A token exchanged for a new one scoped to a project (`auth_type: v3token`): Keystone's
/// `token` method. The new token is renewed the same way while the given one is valid.
/// `Debug` shows no token.
#[derive(Clone, Debug)]
pub struct ScopedToken {
    auth_url: String,
    token: Secret,
    project: Project,
}

impl ScopedToken {
    /// Exchange `token` at Keystone `auth_url` for one scoped to `project`.
    pub fn new(
        auth_url: impl Into<String>,
        token: impl Into<String>,
        project: Project,
    ) -> ScopedToken {
        ScopedToken {
            auth_url: auth_url.into(),
            token: Secret::new(token),
            project,
        }
    }

    /// The project of the new token.
    pub fn project(&self) -> &Project {
        &self.project
    }

    fn request_body(&self) -> serde_json::Value {
        json!({
            "auth": {
                "identity": { "methods": ["token"], "token": { "id": self.token.expose() } },
                "scope": { "project": project_json(&self.project) }
            }
        })
    }
}

/// An existing token used as it is (`OS_AUTH_TOKEN` with `OS_AUTH_URL`): Keystone is asked
/// about it (`GET /v3/auth/tokens`, the token in both `X-Auth-Token` and `X-Subject-Token`)
/// for its expiry and catalog. It cannot be renewed: after it expires or the service rejects
/// it, requests fail. `Debug` shows no token.
#[derive(Clone, Debug)]
pub struct ExistingToken {
    auth_url: String,
    token: Secret,
}

impl ExistingToken {
    /// `token`, to be looked up at Keystone `auth_url`.
    pub fn new(auth_url: impl Into<String>, token: impl Into<String>) -> ExistingToken {
        ExistingToken {
            auth_url: auth_url.into(),
            token: Secret::new(token),
        }
    }

    /// The token as a header value (marked sensitive).
    fn header_value(&self) -> Result<HeaderValue, Error> {
        let mut value = HeaderValue::from_str(self.token.expose().trim())
            .map_err(|_| Error::config("the token holds characters a header cannot carry"))?;
        value.set_sensitive(true);
        Ok(value)
    }
}

/// How a [`Keystone`] session gets its token.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Credentials {
    /// `POST /v3/auth/tokens` with the `password` method, scoped to a project.
    Password(Password),
    /// `POST /v3/auth/tokens` with the `application_credential` method.
    ApplicationCredential(ApplicationCredential),
    /// `POST /v3/auth/tokens` with the `token` method, scoped to a project.
    ScopedToken(ScopedToken),
    /// `GET /v3/auth/tokens` of the token itself.
    ExistingToken(ExistingToken),
}

impl From<Password> for Credentials {
    fn from(password: Password) -> Credentials {
        Credentials::Password(password)
    }
}

impl From<ApplicationCredential> for Credentials {
    fn from(credential: ApplicationCredential) -> Credentials {
        Credentials::ApplicationCredential(credential)
    }
}

impl From<ScopedToken> for Credentials {
    fn from(token: ScopedToken) -> Credentials {
        Credentials::ScopedToken(token)
    }
}

impl From<ExistingToken> for Credentials {
    fn from(token: ExistingToken) -> Credentials {
        Credentials::ExistingToken(token)
    }
}

impl Credentials {
    /// Keystone's URL as given.
    pub fn auth_url(&self) -> &str {
        match self {
            Credentials::Password(p) => &p.auth_url,
            Credentials::ApplicationCredential(a) => &a.auth_url,
            Credentials::ScopedToken(t) => &t.auth_url,
            Credentials::ExistingToken(t) => &t.auth_url,
        }
    }

    /// The Keystone method's name, as in `identity.methods`.
    pub fn method(&self) -> &'static str {
        match self {
            Credentials::Password(_) => "password",
            Credentials::ApplicationCredential(_) => "application_credential",
            Credentials::ScopedToken(_) | Credentials::ExistingToken(_) => "token",
        }
    }

    /// What identifies the token's user, project and method for the [`TokenCache`], without
    /// secrets; `None` for the `token` methods (not cached).
    fn cache_identity(&self) -> Option<String> {
        let url = tokens_url(self.auth_url()).ok()?;
        let who = match self {
            Credentials::Password(p) => format!("user={:?}\nproject={:?}", p.user, p.project),
            Credentials::ApplicationCredential(a) => format!("credential={:?}", a.credential),
            Credentials::ScopedToken(_) | Credentials::ExistingToken(_) => return None,
        };
        Some(format!("{}\n{url}\n{who}", self.method()))
    }

    /// Whether a new token can be had once this one is rejected (not for an existing token).
    pub fn renewable(&self) -> bool {
        !matches!(self, Credentials::ExistingToken(_))
    }

    /// The token request (its body or headers hold the secret: never log it).
    fn request(&self, http: &reqwest::Client) -> Result<reqwest::Request, Error> {
        let url = tokens_url(self.auth_url())?;
        let request = match self {
            Credentials::Password(p) => http.post(url).json(&p.request_body()),
            Credentials::ApplicationCredential(a) => http.post(url).json(&a.request_body()),
            Credentials::ScopedToken(t) => http.post(url).json(&t.request_body()),
            Credentials::ExistingToken(t) => {
                let value = t.header_value()?;
                http.get(url)
                    .header(super::X_AUTH_TOKEN, value.clone())
                    .header("x-subject-token", value)
            }
        };
        request
            .header(ACCEPT, "application/json")
            .build()
            .map_err(|e| {
                Error::config(format!("cannot make the Keystone token request: {e}")).with_source(e)
            })
    }

    /// What to check after Keystone refused the request with `status`.
    fn hint(&self, status: StatusCode) -> &'static str {
        match (self, status.as_u16()) {
            (Credentials::ApplicationCredential(_), 401) => {
                "check the application credential (id, or name and user) and its secret, and that it has not expired"
            }
            (Credentials::ScopedToken(_) | Credentials::ExistingToken(_), 401 | 404) => {
                "the token is not valid (expired, revoked, or for another Keystone): get a new one"
            }
            (Credentials::ScopedToken(_), 403) => {
                "the token's user may not use this project: check its role assignments"
            }
            _ => keystone_hint(status),
        }
    }
}

/// A service of a Keystone catalog.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[non_exhaustive]
pub struct CatalogService {
    /// The service type, such as `image` or `identity`.
    #[serde(rename = "type")]
    pub service_type: String,
    /// The service name, such as `glance`.
    #[serde(default)]
    pub name: Option<String>,
    /// Where the service answers.
    #[serde(default)]
    pub endpoints: Vec<CatalogEndpoint>,
}

/// One endpoint of a catalog service.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[non_exhaustive]
pub struct CatalogEndpoint {
    /// `public`, `internal` or `admin`.
    pub interface: String,
    /// The region's name.
    #[serde(default)]
    pub region: Option<String>,
    /// The region's id.
    #[serde(default)]
    pub region_id: Option<String>,
    /// The endpoint's URL.
    pub url: String,
}

/// The endpoint URL of `service_type` for `interface` (`public`, `internal`, `admin`; the v2
/// spellings `publicURL` ... are accepted) in `region` (any region when `None`, as long as
/// there is only one).
///
/// # Errors
///
/// [`ErrorKind::Config`](crate::ErrorKind::Config) naming what the catalog offers instead
/// when there is no such endpoint, or several regions and no region given.
pub fn find_endpoint(
    catalog: &[CatalogService],
    service_type: &str,
    region: Option<&str>,
    interface: &str,
) -> Result<String, Error> {
    let interface = interface
        .trim()
        .trim_end_matches("URL")
        .to_ascii_lowercase();
    let endpoints: Vec<&CatalogEndpoint> = catalog
        .iter()
        .filter(|s| s.service_type == service_type)
        .flat_map(|s| &s.endpoints)
        .collect();
    if endpoints.is_empty() {
        let types: Vec<&str> = catalog.iter().map(|s| s.service_type.as_str()).collect();
        return Err(Error::config(format!(
            "the Keystone catalog has no `{service_type}` service (it lists: {})",
            if types.is_empty() {
                "nothing; is the token scoped to a project?".to_string()
            } else {
                types.join(", ")
            }
        )));
    }
    let region_of = |e: &CatalogEndpoint| e.region.clone().or_else(|| e.region_id.clone());
    let matching: Vec<&&CatalogEndpoint> = endpoints
        .iter()
        .filter(|e| e.interface.eq_ignore_ascii_case(&interface))
        .filter(|e| {
            region
                .is_none_or(|r| e.region.as_deref() == Some(r) || e.region_id.as_deref() == Some(r))
        })
        .collect();
    let mut regions: Vec<String> = matching.iter().filter_map(|e| region_of(e)).collect();
    regions.sort();
    regions.dedup();
    match matching.first() {
        Some(_) if region.is_none() && regions.len() > 1 => Err(Error::config(format!(
            "the Keystone catalog lists `{service_type}` endpoints in several regions ({}): a region must be chosen",
            regions.join(", ")
        ))),
        Some(endpoint) => Ok(endpoint.url.clone()),
        None => {
            let offered: Vec<String> = endpoints
                .iter()
                .map(|e| {
                    format!(
                        "{} in {}",
                        e.interface,
                        region_of(e).unwrap_or_else(|| "no region".into())
                    )
                })
                .collect();
            Err(Error::config(format!(
                "the Keystone catalog has no `{service_type}` endpoint for interface `{interface}`{} (it has: {})",
                region
                    .map(|r| format!(" in region `{r}`"))
                    .unwrap_or_default(),
                offered.join(", ")
            )))
        }
    }
}

/// A Keystone token with its catalog. `Debug` shows the expiry, not the token.
#[derive(Clone)]
pub struct Token {
    value: HeaderValue,
    expires_at: SystemTime,
    lifetime: Duration,
    refresh_at: Instant,
    expires_local: Instant,
    catalog: Arc<[CatalogService]>,
}

impl Token {
    /// A token Keystone issued at `issued_at` (the request's send time on the wall clock when
    /// Keystone does not say) to expire at `expires_at`, for a request sent at `sent` (local
    /// and wall clock). Its lifetime is counted on the local clock from `sent`, so clock skew
    /// does not matter; it is renewed once less than the lesser of 5 minutes and 10 % of
    /// that lifetime is left.
    fn new(
        value: HeaderValue,
        expires_at: SystemTime,
        issued_at: Option<SystemTime>,
        sent: (Instant, SystemTime),
        catalog: Arc<[CatalogService]>,
    ) -> Token {
        let (started, started_wall) = sent;
        let lifetime = expires_at
            .duration_since(issued_at.unwrap_or(started_wall))
            .unwrap_or_default();
        let margin = (lifetime / 10).min(MAX_MARGIN);
        let expires_local = started + lifetime;
        Token {
            value,
            expires_at,
            lifetime,
            refresh_at: expires_local - margin,
            expires_local,
            catalog,
        }
    }

    /// The token itself, for `X-Auth-Token` headers of other services. Keep it out of logs.
    pub fn expose_secret(&self) -> &str {
        self.value.to_str().unwrap_or_default()
    }

    /// When Keystone says the token expires.
    pub fn expires_at(&self) -> SystemTime {
        self.expires_at
    }

    /// The service catalog that came with the token.
    pub fn catalog(&self) -> &[CatalogService] {
        &self.catalog
    }

    /// The header value (marked sensitive).
    pub(crate) fn header_value(&self) -> HeaderValue {
        self.value.clone()
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Token")
            .field("value", &"<redacted>")
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// A Keystone session: the [`Credentials`], and the cached token shared by every clone
/// (and so by every clone of a client). `Debug` shows no secret.
///
/// # How the token is cached and renewed
///
/// A [`Keystone`] holds the current token (with its catalog) behind a short `std` mutex that
/// is never held across an `.await`, and a `tokio` mutex that is held for the whole Keystone
/// request: only the task holding it fetches a token.
///
/// * A request whose cached token is fresh takes it at once.
/// * Otherwise it waits for the refresh mutex and then looks again: if the task before it
///   fetched a token meanwhile, it uses that one. So however many requests need a token at
///   the same moment, Keystone gets one request (single flight). If that fetch failed, the
///   waiters get its error instead of each asking Keystone again.
/// * A token is renewed before it expires: once less than the lesser of 5 minutes and 10 % of
///   its lifetime is left (lifetime = `expires_at - issued_at` as Keystone states them, counted
///   on the local monotonic clock from when the request was sent, so clock skew does not
///   matter). If the renewal fails while the old token is still valid, the old one is used.
/// * When the service answers 401, the client drops the cached token only if it
///   is the token the rejected request carried. Twenty requests rejected together therefore
///   drop it once; those whose 401 arrives after the renewal find a different token cached,
///   leave it alone, and are resent with it.
#[derive(Clone)]
pub struct Keystone {
    inner: Arc<Inner>,
}

struct Inner {
    credentials: Credentials,
    slot: Mutex<Slot>,
    /// Held while fetching a token; holds the error of the last fetch if it failed.
    refresh: tokio::sync::Mutex<Option<Error>>,
    /// Where tokens are kept between processes, if anywhere.
    cache: OnceLock<TokenCache>,
    /// How many fetches have completed (successfully or not).
    fetches: AtomicU64,
}

#[derive(Default)]
struct Slot {
    token: Option<Token>,
    /// The last token was dropped because the service rejected it.
    rejected: bool,
}

impl fmt::Debug for Keystone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let expires_at = self.slot().token.as_ref().map(|t| t.expires_at);
        f.debug_struct("Keystone")
            .field("credentials", &self.inner.credentials)
            .field("token", &expires_at.map(|_| "<redacted>"))
            .field("token_expires_at", &expires_at)
            .finish()
    }
}

impl Keystone {
    /// A session with these credentials ([`Password`], [`ApplicationCredential`],
    /// [`ScopedToken`], [`ExistingToken`]) and no token yet.
    pub fn new(credentials: impl Into<Credentials>) -> Keystone {
        Keystone {
            inner: Arc::new(Inner {
                credentials: credentials.into(),
                slot: Mutex::new(Slot::default()),
                refresh: tokio::sync::Mutex::new(None),
                cache: OnceLock::new(),
                fetches: AtomicU64::new(0),
            }),
        }
    }

    /// The credentials.
    pub fn credentials(&self) -> &Credentials {
        &self.inner.credentials
    }

    /// The cached token, if any, without contacting Keystone (it may be about to expire).
    pub fn cached_token(&self) -> Option<Token> {
        self.slot().token.clone()
    }

    /// Drops the cached token (and its [`TokenCache`] file): the next request fetches a new
    /// one.
    pub fn invalidate(&self) {
        self.slot().token = None;
        self.forget_cached();
    }

    /// Keeps tokens in `cache` between processes (for password and application credential
    /// auth; see [`TokenCache`]). A session's cache is set once: later calls change nothing.
    pub fn use_cache(&self, cache: TokenCache) {
        let _ = self.inner.cache.set(cache);
    }

    /// The token cache, if one is used.
    pub fn token_cache(&self) -> Option<&TokenCache> {
        self.inner.cache.get()
    }

    /// The cache and this session's identity in it, when tokens are cached.
    fn cache(&self) -> Option<(&TokenCache, String)> {
        let cache = self.inner.cache.get()?;
        Some((cache, self.inner.credentials.cache_identity()?))
    }

    /// A token of the cache with more than its renewal margin left.
    fn cached_elsewhere(&self) -> Option<Token> {
        let (cache, identity) = self.cache()?;
        let entry = cache.load(&identity)?;
        let left = entry.expires_local.duration_since(SystemTime::now()).ok()?;
        let margin = (entry.lifetime / 10).min(MAX_MARGIN);
        if left <= margin {
            return None;
        }
        let mut value = HeaderValue::from_str(&entry.token).ok()?;
        value.set_sensitive(true);
        let now = Instant::now();
        tracing::debug!(
            lifetime_s = entry.lifetime.as_secs(),
            left_s = left.as_secs(),
            "Keystone token from the cache"
        );
        Some(Token {
            value,
            expires_at: entry.expires_local,
            lifetime: entry.lifetime,
            refresh_at: now + (left - margin),
            expires_local: now + left,
            catalog: entry.catalog.into(),
        })
    }

    /// Writes a newly fetched token to the cache.
    fn share_in_cache(&self, token: &Token) {
        if let Some((cache, identity)) = self.cache() {
            let left = token
                .expires_local
                .saturating_duration_since(Instant::now());
            cache.store(
                &identity,
                &Entry {
                    token: token.expose_secret().to_string(),
                    expires_local: SystemTime::now() + left,
                    lifetime: token.lifetime,
                    catalog: token.catalog.to_vec(),
                },
            );
        }
    }

    /// Removes this session's token from the cache.
    fn forget_cached(&self) {
        if let Some((cache, identity)) = self.cache() {
            cache.remove(&identity);
        }
    }

    /// A token that is not about to expire: the cached one, or a new one from Keystone
    /// (through `http`), fetched once for all callers waiting at the same time.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Auth`](crate::ErrorKind::Auth) when Keystone cannot be reached or refuses
    /// the credentials (the message says which, and what to check);
    /// [`ErrorKind::Config`](crate::ErrorKind::Config) for an auth URL that is not a URL.
    pub async fn token(&self, http: &reqwest::Client) -> Result<Token, Error> {
        if let Some(token) = self.fresh(Instant::now()) {
            return Ok(token);
        }
        let fetches_before = self.inner.fetches.load(Ordering::SeqCst);
        let mut last_error = self.inner.refresh.lock().await;
        if let Some(token) = self.fresh(Instant::now()) {
            return Ok(token); // fetched by the task that held the lock before us
        }
        if self.inner.fetches.load(Ordering::SeqCst) != fetches_before
            && let Some(error) = last_error.as_ref()
        {
            // The fetch we waited for failed: share its outcome rather than retry at once.
            return self.still_valid().ok_or_else(|| error.clone());
        }
        let reason = {
            let slot = self.slot();
            match &slot.token {
                None if slot.rejected => "rejected",
                None => "initial",
                Some(token) if Instant::now() >= token.expires_local => "expired",
                Some(_) => "expiring",
            }
        };
        // Another process may hold a fresh token for the same identity (not after a rejection:
        // the file's token may be the rejected one).
        if reason != "rejected"
            && let Some(token) = self.cached_elsewhere()
        {
            *last_error = None;
            self.slot().token = Some(token.clone());
            return Ok(token);
        }
        let result = self.fetch(http, reason).await;
        self.inner.fetches.fetch_add(1, Ordering::SeqCst);
        match result {
            Ok(token) => {
                *last_error = None;
                self.share_in_cache(&token);
                let mut slot = self.slot();
                slot.token = Some(token.clone());
                slot.rejected = false;
                Ok(token)
            }
            Err(error) => {
                *last_error = Some(error.clone());
                match self.still_valid() {
                    Some(token) => {
                        tracing::warn!(error = %error, "could not renew the Keystone token; using the current one until it expires");
                        Ok(token)
                    }
                    None => Err(error),
                }
            }
        }
    }

    /// The URL of the `service_type` endpoint for `interface` in `region`, from the catalog of
    /// the current token (fetched if needed). See [`find_endpoint`].
    ///
    /// # Errors
    ///
    /// As [`Keystone::token`], and [`find_endpoint`]'s when the catalog has no such endpoint.
    pub async fn endpoint(
        &self,
        http: &reqwest::Client,
        service_type: &str,
        region: Option<&str>,
        interface: &str,
    ) -> Result<String, Error> {
        let token = self.token(http).await?;
        find_endpoint(token.catalog(), service_type, region, interface)
    }

    /// The service rejected a request that carried `sent`: drop the cached token if it is
    /// that one (a newer token, fetched after another rejection, is kept).
    pub(crate) fn rejected(&self, sent: Option<&HeaderValue>) {
        let dropped = {
            let mut slot = self.slot();
            let current = sent.is_some() && slot.token.as_ref().map(|t| &t.value) == sent;
            if current {
                slot.token = None;
                slot.rejected = true;
            }
            current
        };
        if dropped {
            self.forget_cached();
            tracing::info!("the service rejected the Keystone token; a new one will be fetched");
        }
    }

    fn slot(&self) -> MutexGuard<'_, Slot> {
        // The slot holds plain data; a panic elsewhere cannot leave it inconsistent.
        self.inner
            .slot
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The cached token if it need not be renewed yet.
    fn fresh(&self, now: Instant) -> Option<Token> {
        self.slot().token.clone().filter(|t| now < t.refresh_at)
    }

    /// The cached token if it has not expired (it may be due for renewal).
    fn still_valid(&self) -> Option<Token> {
        self.slot()
            .token
            .clone()
            .filter(|t| Instant::now() < t.expires_local)
    }

    /// `POST /v3/auth/tokens`, under [`token_policy`], through the crate's HTTP layer (the
    /// body cap of [`Limits::default`] and the client's redirect policy).
    async fn fetch(&self, http: &reqwest::Client, reason: &'static str) -> Result<Token, Error> {
        let credentials = &self.inner.credentials;
        let request = credentials.request(http)?;
        let shown_url = shown(request.url());
        let limits = Limits::default();
        // When the attempt that answered was sent, on the local clock and the wall clock.
        let mut sent = (Instant::now(), SystemTime::now());
        let result = token_policy()
            .execute(request, |request, attempt| {
                sent = (Instant::now(), SystemTime::now());
                if attempt > 1 {
                    tracing::debug!(reason, attempt, "Keystone token request: trying again");
                }
                crate::http::attempt(http, request, &limits)
            })
            .await;
        let (started, started_wall) = sent;
        let reply = result.map_err(|failure| match failure {
            Failure::Transport(e) => Error::auth(format!(
                "could not reach Keystone at {shown_url}: {}; check the auth URL and the network",
                crate::error::root_cause(&e)
            ))
            .with_source(e),
            Failure::TooLarge { limit, .. } => Error::auth(format!(
                "Keystone at {shown_url} answered with a body over the limit of {limit} bytes; check that the auth URL is Keystone v3"
            )),
            Failure::Redirect { problem, error, .. } => Error::auth(format!(
                "Keystone at {shown_url} redirected the token request, which was not followed: {problem}; set the auth URL to where Keystone answers"
            ))
            .with_source(error),
        })?;
        let status = reply.status;
        let request_id = crate::error::request_id(&reply.headers).map(str::to_string);
        tracing::debug!(
            reason,
            auth_url = %shown_url,
            status = status.as_u16(),
            duration_ms = started.elapsed().as_millis() as u64,
            request_id = request_id.as_deref(),
            "Keystone token request"
        );
        if !status.is_success() {
            let content_type = reply
                .headers
                .get(CONTENT_TYPE)
                .and_then(|v| v.to_str().ok());
            let body = String::from_utf8_lossy(&reply.body);
            return Err(Error::auth(format!(
                "Keystone at {shown_url} answered {status}: {}{}; {}",
                keystone_message(status, content_type, &body),
                request_id
                    .map(|id| format!(" (request id {id})"))
                    .unwrap_or_default(),
                credentials.hint(status),
            )));
        }
        // An existing token is the one sent: Keystone's answer only describes it.
        let own = match credentials {
            Credentials::ExistingToken(t) => Some(t.header_value()?),
            _ => None,
        };
        let mut value = own
            .or_else(|| reply.headers.get("x-subject-token").cloned())
            .ok_or_else(|| {
                Error::auth(format!(
                    "Keystone at {shown_url} answered {status} without an X-Subject-Token header; check that the auth URL is Keystone v3"
                ))
            })?;
        value.set_sensitive(true);
        let body: TokenBody = serde_json::from_slice(&reply.body).map_err(|e| {
            Error::auth(format!(
                "Keystone at {shown_url} answered {status} with a body that is not a v3 token: {}; check that the auth URL is Keystone v3",
                e
            ))
        })?;
        let expires_at = parse_time(&body.token.expires_at).ok_or_else(|| {
            Error::auth(format!(
                "Keystone at {shown_url} gave the token an expiry that is not a time: `{}`",
                body.token.expires_at
            ))
        })?;
        let issued_at = body.token.issued_at.as_deref().and_then(parse_time);
        let token = Token::new(
            value,
            expires_at,
            issued_at,
            (started, started_wall),
            body.token.catalog.into(),
        );
        tracing::debug!(
            reason,
            lifetime_s = (token.expires_local - started).as_secs(),
            renew_after_s = (token.refresh_at - started).as_secs(),
            "fetched a Keystone token"
        );
        Ok(token)
    }
}

/// The part of a token response this client reads.
#[derive(Deserialize)]
struct TokenBody {
    token: TokenData,
}

#[derive(Deserialize)]
struct TokenData {
    expires_at: String,
    #[serde(default)]
    issued_at: Option<String>,
    #[serde(default)]
    catalog: Vec<CatalogService>,
}

/// An RFC 3339 time such as `2026-11-22T09:12:00.000000Z` (a missing offset means UTC).
fn parse_time(text: &str) -> Option<SystemTime> {
    use time::format_description::well_known::Rfc3339;
    let text = text.trim();
    time::OffsetDateTime::parse(text, &Rfc3339)
        .or_else(|_| time::OffsetDateTime::parse(&format!("{text}Z"), &Rfc3339))
        .ok()
        .map(SystemTime::from)
}

/// What Keystone's error body says: `error.message` (in one line), or a summary of another
/// body.
fn keystone_message(status: StatusCode, content_type: Option<&str>, body: &str) -> String {
    serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|v| {
            v.pointer("/error/message")
                .and_then(|m| m.as_str())
                .map(crate::text::one_line)
        })
        .unwrap_or_else(|| crate::text::summarize(status, content_type, body))
}

/// What to check after Keystone refused a token request.
fn keystone_hint(status: StatusCode) -> &'static str {
    match status.as_u16() {
        401 => {
            "check the user name (or id), password and user domain, and that the user has a role in the project"
        }
        403 => "the user may not use this project: check its role assignments",
        404 => {
            "check the auth URL (Keystone v3, such as https://iam.eu-de.otc.t-systems.com/v3) and the project and domain"
        }
        400 => "check the auth settings (user, domain and project names or ids)",
        429 | 500..=599 => "Keystone is failing or overloaded: retry later",
        _ => "check the auth settings",
    }
}

/// A URL for messages: without any user name or password in it.
fn shown(url: &url::Url) -> String {
    let mut url = url.clone();
    let _ = url.set_username("");
    let _ = url.set_password(None);
    url.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog() -> Vec<CatalogService> {
        serde_json::from_value(json!([
            {"type": "identity", "endpoints": [{"interface": "public", "region": "r1", "url": "http://k"}]},
            {"type": "image", "name": "glance", "endpoints": [
                {"interface": "public", "region": "r1", "region_id": "r1", "url": "http://g1"},
                {"interface": "internal", "region": "r1", "url": "http://g1i"},
                {"interface": "public", "region": "r2", "url": "http://g2"}
            ]}
        ]))
        .unwrap()
    }

    #[test]
    fn endpoints_are_chosen_by_region_and_interface() {
        let c = catalog();
        assert_eq!(
            find_endpoint(&c, "image", Some("r1"), "public").unwrap(),
            "http://g1"
        );
        assert_eq!(
            find_endpoint(&c, "image", Some("r1"), "internalURL").unwrap(),
            "http://g1i"
        );
        assert_eq!(
            find_endpoint(&c, "image", Some("r2"), "public").unwrap(),
            "http://g2"
        );
        let several = find_endpoint(&c, "image", None, "public")
            .unwrap_err()
            .to_string();
        assert!(several.contains("several regions (r1, r2)"), "{several}");
        assert_eq!(
            find_endpoint(&c, "image", None, "internal").unwrap(),
            "http://g1i"
        );
        let missing = find_endpoint(&c, "image", Some("r3"), "public")
            .unwrap_err()
            .to_string();
        assert!(
            missing.contains("in region `r3`") && missing.contains("public in r2"),
            "{missing}"
        );
        let no_service = find_endpoint(&c, "compute", None, "public")
            .unwrap_err()
            .to_string();
        assert!(no_service.contains("identity, image"), "{no_service}");
    }

    #[test]
    fn token_urls_get_one_v3() {
        let url = |u: &str| tokens_url(u).map(|u| u.to_string());
        assert_eq!(
            url("http://k:5000/v3").unwrap(),
            "http://k:5000/v3/auth/tokens"
        );
        assert_eq!(
            url("http://k:5000/v3/").unwrap(),
            "http://k:5000/v3/auth/tokens"
        );
        assert_eq!(
            url("http://k:5000").unwrap(),
            "http://k:5000/v3/auth/tokens"
        );
        assert!(url("k:5000").is_err());
    }

    #[test]
    fn the_request_body_scopes_to_the_project() {
        let password = Password::new(
            "http://k",
            User::name("demo", Domain::Name("Default".into())),
            "pw",
            Project::name("demo", Domain::Id("default".into())),
        );
        assert_eq!(
            password.request_body(),
            json!({"auth": {
                "identity": {"methods": ["password"], "password": {"user": {
                    "name": "demo", "domain": {"name": "Default"}, "password": "pw"}}},
                "scope": {"project": {"name": "demo", "domain": {"id": "default"}}}
            }})
        );
        assert!(!format!("{password:?}").contains("pw\""), "{password:?}");
    }

    fn token_living(lifetime: Duration) -> Token {
        let issued = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        Token::new(
            HeaderValue::from_static("tok"),
            issued + lifetime,
            Some(issued),
            // The local wall clock is an hour off: it does not matter.
            (Instant::now(), issued + Duration::from_secs(3600)),
            Vec::new().into(),
        )
    }

    /// A 2 s token is fresh until 1.8 s (10 % left), then renewed while still valid, and
    /// expired at 2 s, on the local clock (tokio's, paused and moved by hand here).
    #[tokio::test(start_paused = true)]
    async fn a_token_is_renewed_with_a_tenth_of_its_life_left() {
        let keystone = Keystone::new(Password::new(
            "http://k",
            User::id("u"),
            "p",
            Project::id("p"),
        ));
        keystone.slot().token = Some(token_living(Duration::from_secs(2)));
        let now = Instant::now;
        assert!(keystone.fresh(now()).is_some());
        tokio::time::advance(Duration::from_millis(1799)).await;
        assert!(keystone.fresh(now()).is_some(), "fresh until 1.8 s");
        tokio::time::advance(Duration::from_millis(1)).await;
        assert!(keystone.fresh(now()).is_none(), "due for renewal at 1.8 s");
        assert!(keystone.still_valid().is_some(), "but still valid");
        tokio::time::advance(Duration::from_millis(199)).await;
        assert!(keystone.still_valid().is_some());
        tokio::time::advance(Duration::from_millis(1)).await;
        assert!(keystone.still_valid().is_none(), "expired at 2 s");
    }

    /// The renewal margin is at most 5 minutes: an 8-hour token is renewed at 7 h 55 min.
    #[tokio::test(start_paused = true)]
    async fn the_renewal_margin_is_at_most_five_minutes() {
        let start = Instant::now();
        let token = token_living(Duration::from_secs(8 * 3600));
        assert_eq!(
            token.refresh_at - start,
            Duration::from_secs(8 * 3600 - 300)
        );
        assert_eq!(token.expires_local - start, Duration::from_secs(8 * 3600));
    }

    #[test]
    fn token_requests_are_retried_three_times_within_30_s_each() {
        let policy = token_policy();
        assert_eq!(policy.get_max_attempts(), 3);
        assert_eq!(policy.get_timeouts().attempt, Some(Duration::from_secs(30)));
        assert_eq!(policy.get_timeouts().overall, None);
        assert_eq!(policy.delay_before(1, None), Duration::from_millis(200));
        assert_eq!(policy.delay_before(2, None), Duration::from_millis(400));
        for status in [500, 502, 503, 504] {
            assert!(policy.retries_status(StatusCode::from_u16(status).unwrap()));
        }
        assert!(!policy.retries_status(StatusCode::TOO_MANY_REQUESTS));
        assert!(!policy.retries_status(StatusCode::UNAUTHORIZED));
    }

    #[test]
    fn keystone_times_parse() {
        let t = parse_time("2026-11-22T09:12:00.000000Z").unwrap();
        let u = parse_time("2026-11-22T09:12:01.500000").unwrap();
        assert_eq!(u.duration_since(t).unwrap(), Duration::from_millis(1500));
        assert!(parse_time("tomorrow").is_none());
    }
}
