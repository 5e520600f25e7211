//! Making a [`Client`]: [`ClientBuilder`], by hand or from the environment.

use std::path::{Path, PathBuf};

use crate::auth::{
    ApplicationCredential, Auth, Domain, ExistingToken, Password, Project, ScopedToken, TokenCache,
    User,
};
use crate::http::retry::RetryPolicy;
use crate::http::{HttpOptions, Limits, Tls};
use crate::signing::AkSk;
use crate::{Client, Context, Error};

/// A public cloud whose IMS endpoints follow a known pattern.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Cloud {
    /// Open Telekom Cloud: `https://ims.{region}.otc.t-systems.com`.
    OpenTelekom,
    /// Huawei Cloud: `https://ims.{region}.myhuaweicloud.com`.
    HuaweiCloud,
}

impl Cloud {
    /// The IMS endpoint in `region` (such as `eu-de` or `ap-southeast-1`).
    pub fn endpoint(self, region: &str) -> String {
        match self {
            Cloud::OpenTelekom => format!("https://ims.{region}.otc.t-systems.com"),
            Cloud::HuaweiCloud => format!("https://ims.{region}.myhuaweicloud.com"),
        }
    }
}

/// The interface of a Keystone catalog endpoint.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Interface {
    /// `public` (the default).
    #[default]
    Public,
    /// `internal`.
    Internal,
    /// `admin`.
    Admin,
}

impl Interface {
    /// The name in a catalog: `public`, `internal` or `admin`.
    pub fn as_str(self) -> &'static str {
        match self {
            Interface::Public => "public",
            Interface::Internal => "internal",
            Interface::Admin => "admin",
        }
    }
}

impl std::fmt::Display for Interface {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Interface {
    type Err = Error;

    /// `public`, `internal` or `admin`, in any case, also in the v2 spellings (`publicURL`).
    fn from_str(text: &str) -> Result<Interface, Error> {
        let name = text.trim();
        let name = name.strip_suffix("URL").unwrap_or(name);
        [Interface::Public, Interface::Internal, Interface::Admin]
            .into_iter()
            .find(|i| i.as_str().eq_ignore_ascii_case(name))
            .ok_or_else(|| {
                Error::config(format!(
                    "`{text}` is not a catalog interface (public, internal or admin)"
                ))
            })
    }
}

/// Settings for a [`Client`]: `Client::builder()`, or [`ClientBuilder::from_env`].
/// `Debug` shows no secret.
///
/// ```no_run
/// use ims::{Client, Cloud, auth::Auth};
/// # async fn run() -> Result<(), ims::Error> {
/// let token = std::env::var("OS_AUTH_TOKEN").unwrap_or_default();
/// let client = Client::builder()
///     .cloud(Cloud::OpenTelekom)
///     .region("eu-de")
///     .auth(Auth::token(&token)?)
///     .build()
///     .await?;
/// # Ok(()) }
/// ```
///
/// The endpoint is, in this order: [`ClientBuilder::endpoint`] (or `IMS_ENDPOINT`, or
/// `image_endpoint_override` in `clouds.yaml`); [`ClientBuilder::cloud`] with
/// [`ClientBuilder::region`]; else, with Keystone authentication, the `image` endpoint of
/// the token's catalog for the region and interface (`public` by default). Its version
/// segment, if any, is dropped ([`normalize_endpoint`]).
#[derive(Clone, Debug, Default)]
pub struct ClientBuilder {
    endpoint: Option<String>,
    cloud: Option<Cloud>,
    region: Option<String>,
    interface: Interface,
    auth: Auth,
    retry: RetryPolicy,
    limits: Limits,
    http: Option<reqwest::Client>,
    tls: Tls,
    user_agent_prefix: Option<String>,
    token_cache: Option<TokenCache>,
    /// The setting the endpoint came from (`IMS_ENDPOINT`, `image_endpoint_override`), for
    /// error messages.
    endpoint_setting: Option<&'static str>,
    /// Where the settings were read from, for error messages: set by
    /// [`ClientBuilder::from_vars`], whose errors name settings rather than methods.
    origin: Option<String>,
}

impl Client {
    /// Settings for a client: `Client::builder().endpoint(url).auth(auth).build().await`.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }
}

impl ClientBuilder {
    /// The base URL of the service, such as `https://ims.eu-de.otc.t-systems.com`. The
    /// operations' paths start with their version (`/v2/images`), so a final version segment
    /// (`/v1`, `/v2`, `/v2.0`, `/v2.1`, ...: see [`normalize_endpoint`]) is dropped.
    #[must_use]
    pub fn endpoint(mut self, url: impl Into<String>) -> ClientBuilder {
        self.endpoint = Some(url.into());
        self.endpoint_setting = None;
        self
    }

    /// A cloud whose endpoint follows from the [region](ClientBuilder::region).
    #[must_use]
    pub fn cloud(mut self, cloud: Cloud) -> ClientBuilder {
        self.cloud = Some(cloud);
        self
    }

    /// The region: for [`ClientBuilder::cloud`], and to choose the catalog endpoint.
    #[must_use]
    pub fn region(mut self, region: impl Into<String>) -> ClientBuilder {
        self.region = Some(region.into());
        self
    }

    /// The catalog interface to take the endpoint from ([`Interface::Public`] by default).
    #[must_use]
    pub fn interface(mut self, interface: Interface) -> ClientBuilder {
        self.interface = interface;
        self
    }

    /// The credentials (default [`Auth::None`]).
    #[must_use]
    pub fn auth(mut self, auth: Auth) -> ClientBuilder {
        self.auth = auth;
        self
    }

    /// The retry policy (default `RetryPolicy::default()`).
    #[must_use]
    pub fn retry(mut self, retry: RetryPolicy) -> ClientBuilder {
        self.retry = retry;
        self
    }

    /// The limits on bodies and redirects (default `Limits::default()`; see the
    /// [table of limits](crate::http#limits-and-defaults)).
    #[must_use]
    pub fn limits(mut self, limits: Limits) -> ClientBuilder {
        self.limits = limits;
        self
    }

    /// The HTTP client to send requests (and Keystone's token requests) with: set proxies or
    /// TLS roots on it. It must not follow redirects (see [`crate::http_client`]). By default,
    /// [`crate::http_client`] with the retry policy's connect timeout and the limits'
    /// same-origin redirect policy.
    #[must_use]
    pub fn http_client(mut self, http: reqwest::Client) -> ClientBuilder {
        self.http = Some(http);
        self
    }

    /// The TLS settings of the default HTTP client: a CA bundle, a client certificate, or no
    /// verification (default: the platform's roots, verified). Not for a client given with
    /// [`ClientBuilder::http_client`] (building fails then).
    #[must_use]
    pub fn tls(mut self, tls: Tls) -> ClientBuilder {
        self.tls = tls;
        self
    }

    /// A product token put before the crate's in the `User-Agent` of every request
    /// (Keystone's too), such as `ims-cli/0.1.0`: `ims-cli/0.1.0 ims/0.1.0 (Rust; linux
    /// x86_64)`. Not for a client given with [`ClientBuilder::http_client`].
    #[must_use]
    pub fn user_agent(mut self, prefix: impl Into<String>) -> ClientBuilder {
        self.user_agent_prefix = Some(prefix.into());
        self
    }

    /// Keep Keystone tokens on disk between processes (`None`: not, the default), for
    /// password and application credential auth; see [`TokenCache`] for what is stored and
    /// why it is safe. For example `.token_cache(TokenCache::in_default_dir())`
    /// (`~/.cache/ims`). No effect with other credentials.
    #[must_use]
    pub fn token_cache(mut self, cache: impl Into<Option<TokenCache>>) -> ClientBuilder {
        self.token_cache = cache.into();
        self
    }

    /// The TLS settings so far.
    pub fn get_tls(&self) -> &Tls {
        &self.tls
    }

    /// The credentials set so far.
    pub fn get_auth(&self) -> &Auth {
        &self.auth
    }

    /// The explicit endpoint set so far (by [`ClientBuilder::endpoint`], `IMS_ENDPOINT` or
    /// `clouds.yaml`).
    pub fn get_endpoint(&self) -> Option<&str> {
        self.endpoint.as_deref()
    }

    /// The region set so far.
    pub fn get_region(&self) -> Option<&str> {
        self.region.as_deref()
    }

    /// The catalog interface set so far.
    pub fn get_interface(&self) -> Interface {
        self.interface
    }

    /// Makes the client. Without an explicit endpoint or cloud, this authenticates with
    /// Keystone (through the HTTP client) and takes the `image` endpoint from the catalog;
    /// the token is kept for the first requests.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Config`](crate::ErrorKind::Config) when no endpoint can be found or it is
    /// not a URL; [`ErrorKind::Auth`](crate::ErrorKind::Auth) when Keystone refuses.
    pub async fn build(self) -> Result<Client, Error> {
        let from_settings = self.origin.is_some();
        let origin = self
            .origin
            .as_deref()
            .map(|o| format!(" (settings read from {o})"))
            .unwrap_or_default();
        let http = self.make_http(&origin)?;
        if let (Some(cache), Auth::Keystone(keystone)) = (&self.token_cache, &self.auth) {
            keystone.use_cache(cache.clone());
        }
        let (endpoint, endpoint_setting) = match (self.endpoint, self.cloud) {
            (Some(endpoint), _) => (endpoint, self.endpoint_setting),
            (None, Some(cloud)) => {
                let region = self.region.as_deref().ok_or_else(|| {
                    Error::config(format!(
                        "a region is needed for the {cloud:?} endpoint: call .region(\"eu-de\") or set OS_REGION_NAME{origin}"
                    ))
                })?;
                if region.is_empty()
                    || !region
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
                {
                    return Err(Error::config(format!(
                        "the region `{region}` is not a region name (letters, digits, `-`){origin}"
                    )));
                }
                (cloud.endpoint(region), None)
            }
            (None, None) => match &self.auth {
                Auth::Keystone(keystone) => {
                    let endpoint = keystone
                        .endpoint(
                            &http,
                            "image",
                            self.region.as_deref(),
                            self.interface.as_str(),
                        )
                        .await
                        .map_err(|e| match (e.kind(), e.detail()) {
                            (crate::ErrorKind::Config, Some(detail)) => {
                                let advice = if from_settings {
                                    "choose with OS_REGION_NAME and OS_INTERFACE (region_name, \
                                     interface in clouds.yaml), or set IMS_ENDPOINT to the endpoint"
                                } else {
                                    "choose with .region(..) and .interface(..), or give \
                                     .endpoint(url)"
                                };
                                Error::config(format!("{detail}; {advice}{origin}"))
                            }
                            _ => e,
                        })?;
                    (endpoint, None)
                }
                auth => {
                    let why = match auth {
                        Auth::Token(_) => "a fixed token",
                        Auth::AkSk(_) => "AK/SK signing",
                        _ => "no credentials",
                    };
                    return Err(Error::config(if from_settings {
                        format!(
                            "no endpoint: with {why}, set IMS_ENDPOINT (or image_endpoint_override in \
                             clouds.yaml), or OS_AUTH_URL for a Keystone whose catalog gives the \
                             image endpoint{origin}"
                        )
                    } else {
                        format!(
                            "no endpoint: with {why}, call .endpoint(url) or .cloud(..).region(..), \
                             or use Keystone auth (its catalog gives the image endpoint)"
                        )
                    }));
                }
            },
        };
        let named = endpoint_setting
            .map(|s| format!("{s} "))
            .unwrap_or_else(|| "the endpoint ".into());
        let endpoint = normalize_endpoint(&endpoint);
        match url::Url::parse(&endpoint) {
            Ok(url) if matches!(url.scheme(), "http" | "https") => {}
            Ok(_) => {
                return Err(Error::config(format!(
                    "{named}`{endpoint}` is not an http(s) URL{origin}"
                )));
            }
            Err(e) => {
                return Err(Error::config(format!(
                    "{named}`{endpoint}` is not a URL: {e}{origin}"
                )));
            }
        }
        let context = Context::new(self.auth)
            .with_retry(self.retry)
            .with_limits(self.limits);
        Ok(Client::new_with_client(&endpoint, http, context))
    }

    /// The HTTP client given, or one with the TLS settings and `User-Agent`.
    fn make_http(&self, origin: &str) -> Result<reqwest::Client, Error> {
        let options = HttpOptions::default().tls(self.tls.clone());
        let options = match &self.user_agent_prefix {
            Some(prefix) => {
                if !prefix.chars().all(|c| c.is_ascii_graphic() || c == ' ') {
                    return Err(Error::config(format!(
                        "the User-Agent prefix `{}` holds characters other than visible ASCII and spaces",
                        crate::error::escaped(prefix)
                    )));
                }
                options.user_agent_prefix(prefix.clone())
            }
            None => options,
        };
        let custom_tls =
            self.tls.has_ca_bundle() || self.tls.has_client_identity() || self.tls.is_insecure();
        if let Some(http) = &self.http {
            if custom_tls || self.user_agent_prefix.is_some() {
                return Err(Error::config(
                    "TLS settings and a User-Agent prefix apply to the client's own HTTP client: \
                     set them on the reqwest::Client given to .http_client(..) instead",
                ));
            }
            return Ok(http.clone());
        }
        if self.tls.is_insecure() {
            tracing::warn!(
                "TLS certificate verification is off{origin}: anyone between this client and the \
                 servers can read and change requests, credentials included"
            );
        }
        crate::http::http_client_with(self.retry.get_timeouts(), &self.limits, &options)
            .map_err(|e| Error::config(format!("cannot make an HTTP client: {e}")).with_source(e))
    }

    /// Settings from the process environment and the usual `clouds.yaml` places: see
    /// [`ClientBuilder::from_vars`], with [`default_search_dirs`].
    ///
    /// # Errors
    ///
    /// As [`ClientBuilder::from_vars`].
    pub fn from_env() -> Result<ClientBuilder, Error> {
        ClientBuilder::from_vars(|name| std::env::var(name).ok(), &default_search_dirs())
    }

    /// Settings from variables looked up with `vars` (the environment, for
    /// [`ClientBuilder::from_env`]); `clouds.yaml` and `secure.yaml` are looked for in
    /// `OS_CLIENT_CONFIG_FILE`/`OS_CLIENT_SECURE_FILE`, then in each of `search_dirs`.
    /// Empty values count as unset. Errors name the variable (or `clouds.yaml` key) and where
    /// it was read from, never a method of this builder.
    ///
    /// # How to authenticate
    ///
    /// With `OS_CLOUD`, the cloud of that name in `clouds.yaml` merged with `secure.yaml`, by
    /// its `auth_type` (below; `password` by default) and its `auth:` keys, which are the
    /// variables' names in lower case without `OS_` (`auth.auth_url`, `auth.username`, ...;
    /// `auth.ak`/`auth.sk` for AK/SK). Without `OS_CLOUD`, `OS_AUTH_TYPE` if set, else the
    /// first kind of credentials set: `HUAWEICLOUD_SDK_AK`/`_SK` (AK/SK), an application
    /// credential (`OS_APPLICATION_CREDENTIAL_ID` or `_NAME`), `OS_AUTH_TOKEN` (token),
    /// `OS_AUTH_URL` (password).
    ///
    /// | auth type | what | settings |
    /// | --- | --- | --- |
    /// | `password`, `v3password` | Keystone password, scoped token | `OS_AUTH_URL`, `OS_USERNAME` or `OS_USER_ID`, `OS_PASSWORD`, `OS_PROJECT_NAME` or `OS_PROJECT_ID`, domains |
    /// | `v3applicationcredential` | Keystone application credential (the token's project is the credential's) | `OS_AUTH_URL`, `OS_APPLICATION_CREDENTIAL_SECRET`, and `OS_APPLICATION_CREDENTIAL_ID`, or `OS_APPLICATION_CREDENTIAL_NAME` with `OS_USERNAME` (and its domain) or `OS_USER_ID` |
    /// | `v3token` | `OS_AUTH_TOKEN` exchanged with Keystone for a token scoped to the project | `OS_AUTH_URL`, `OS_AUTH_TOKEN`, `OS_PROJECT_NAME` or `OS_PROJECT_ID`, project domain |
    /// | `token` | with `OS_AUTH_URL`: the token as it is, its catalog read from Keystone (`GET /v3/auth/tokens`) for the endpoint; without: sent as it is, the endpoint must be set | `OS_AUTH_TOKEN`, `OS_AUTH_URL` |
    /// | `admin_token` | the token sent as it is | `OS_AUTH_TOKEN`, an endpoint |
    /// | `aksk` | AK/SK signing | `HUAWEICLOUD_SDK_AK`, `HUAWEICLOUD_SDK_SK`, `HUAWEICLOUD_SDK_PROJECT_ID`, `HUAWEICLOUD_SDK_SECURITY_TOKEN` (temporary keys) |
    /// | `none`, `noauth` | no credentials (a service that checks none) | an endpoint (`IMS_ENDPOINT`) |
    ///
    /// The domains: `OS_USER_DOMAIN_NAME`/`_ID`, `OS_PROJECT_DOMAIN_NAME`/`_ID`, or
    /// `OS_DEFAULT_DOMAIN_NAME`/`_ID` for both.
    ///
    /// # Every variable read
    ///
    /// | variable | `clouds.yaml` | what |
    /// | --- | --- | --- |
    /// | `OS_CLOUD` | | the cloud to read from `clouds.yaml` |
    /// | `OS_CLIENT_CONFIG_FILE`, `OS_CLIENT_SECURE_FILE` | | the files, instead of the search dirs |
    /// | `OS_AUTH_TYPE` | `auth_type` | how to authenticate (above) |
    /// | `OS_AUTH_URL` | `auth.auth_url` | Keystone, with or without `/v3` |
    /// | `OS_USERNAME`, `OS_USER_ID`, `OS_PASSWORD` | `auth.username`, ... | the user |
    /// | `OS_PROJECT_NAME`, `OS_PROJECT_ID` | `auth.project_name`, ... | the project |
    /// | `OS_USER_DOMAIN_NAME`, `OS_USER_DOMAIN_ID`, `OS_PROJECT_DOMAIN_NAME`, `OS_PROJECT_DOMAIN_ID`, `OS_DEFAULT_DOMAIN_NAME`, `OS_DEFAULT_DOMAIN_ID` | `auth.user_domain_name`, ... | the domains |
    /// | `OS_APPLICATION_CREDENTIAL_ID`, `OS_APPLICATION_CREDENTIAL_NAME`, `OS_APPLICATION_CREDENTIAL_SECRET` | `auth.application_credential_id`, ... | an application credential |
    /// | `OS_AUTH_TOKEN` | `auth.token` | a token |
    /// | `HUAWEICLOUD_SDK_AK`, `HUAWEICLOUD_SDK_SK`, `HUAWEICLOUD_SDK_PROJECT_ID`, `HUAWEICLOUD_SDK_SECURITY_TOKEN` | `auth.ak`, `auth.sk`, `auth.project_id`, `auth.security_token` | AK/SK |
    /// | `OS_REGION_NAME` | `region_name` | the catalog region |
    /// | `OS_INTERFACE` | `interface` | the catalog interface: `public` (default), `internal`, `admin` |
    /// | `IMS_ENDPOINT` | `image_endpoint_override` | the endpoint, instead of the catalog's (the variable wins over the cloud's key) |
    /// | `OS_CACERT` | `cacert` | a PEM CA bundle trusted instead of the platform's roots |
    /// | `OS_CERT`, `OS_KEY` | `cert`, `key` | a PEM client certificate and its key (the key may be in the certificate file) |
    /// | `OS_INSECURE` | `insecure: true` or `verify: false` | no TLS verification (logs a warning when the client is built) |
    ///
    /// With `OS_CLOUD`, a variable fills in what the cloud leaves out for `OS_REGION_NAME`,
    /// `OS_INTERFACE`, `OS_CACERT`, `OS_CERT`, `OS_KEY` and `OS_INSECURE`; the other
    /// variables are not read (`IMS_ENDPOINT` always is). A catalog endpoint or an explicit
    /// one has its version segment dropped ([`normalize_endpoint`]).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Config`](crate::ErrorKind::Config) naming the missing or bad setting and
    /// where it was read from: a file named by `OS_CACERT`, `OS_CERT` or `OS_KEY` that cannot
    /// be read or holds no usable PEM is named with its setting and path.
    pub fn from_vars(
        vars: impl Fn(&str) -> Option<String>,
        search_dirs: &[PathBuf],
    ) -> Result<ClientBuilder, Error> {
        let var = |name: &str| vars(name).filter(|v| !v.trim().is_empty());
        let env = Settings {
            source: Source::Env(&var),
            origin: "the environment".into(),
        };
        let mut builder = if let Some(cloud) = var("OS_CLOUD") {
            let files = CloudsFiles::find(
                var("OS_CLIENT_CONFIG_FILE"),
                var("OS_CLIENT_SECURE_FILE"),
                search_dirs,
            )?;
            let settings = files.cloud(&cloud)?;
            let mut builder = builder_from(&settings)?;
            builder.tls = tls_from(&settings, Some(&env))?;
            // The environment fills in what the cloud leaves out.
            if settings.get(Key::RegionName).is_none() {
                builder.region = env.get(Key::RegionName);
            }
            if settings.get(Key::Interface).is_none() {
                builder.interface = env.interface()?;
            }
            builder
        } else {
            let mut builder = builder_from(&env)?;
            builder.tls = tls_from(&env, None)?;
            builder
        };
        if let Some(endpoint) = var("IMS_ENDPOINT") {
            builder.endpoint = Some(endpoint);
            builder.endpoint_setting = Some("IMS_ENDPOINT");
        }
        Ok(builder)
    }
}

/// Where [`ClientBuilder::from_env`] looks for `clouds.yaml` and `secure.yaml` after
/// `OS_CLIENT_CONFIG_FILE`/`OS_CLIENT_SECURE_FILE`: the current directory,
/// `~/.config/openstack`, `/etc/openstack` (as the OpenStack SDK does).
pub fn default_search_dirs() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    if let Ok(cwd) = std::env::current_dir() {
        dirs.push(cwd);
    }
    if let Some(home) = std::env::home_dir() {
        dirs.push(home.join(".config").join("openstack"));
    }
    dirs.push(PathBuf::from("/etc/openstack"));
    dirs
}

/// Every setting the builder reads: the one list of their names, in `clouds.yaml` (top level
/// or under `auth:`, the first name is the one shown) and in the environment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Key {
    AuthType,
    RegionName,
    Interface,
    EndpointOverride,
    AuthUrl,
    Username,
    UserId,
    Password,
    ProjectName,
    ProjectId,
    UserDomainName,
    UserDomainId,
    ProjectDomainName,
    ProjectDomainId,
    DefaultDomainName,
    DefaultDomainId,
    Token,
    Ak,
    Sk,
    /// The project of AK/SK signing (`auth.project_id`, but its own variable).
    AkSkProjectId,
    SecurityToken,
    ApplicationCredentialId,
    ApplicationCredentialName,
    ApplicationCredentialSecret,
    CaCert,
    ClientCert,
    ClientPrivate,
    /// `verify: false` in `clouds.yaml` (no variable: `OS_INSECURE` is [`Key::Insecure`]).
    Verify,
    Insecure,
}

impl Key {
    /// The names in `clouds.yaml` (paths: `auth.username` is `username` under `auth`) and the
    /// environment variable (`None`: not read from the environment).
    fn names(self) -> (&'static [&'static str], Option<&'static str>) {
        match self {
            Key::AuthType => (&["auth_type"], Some("OS_AUTH_TYPE")),
            Key::RegionName => (&["region_name"], Some("OS_REGION_NAME")),
            Key::Interface => (&["interface"], Some("OS_INTERFACE")),
            Key::EndpointOverride => (&["image_endpoint_override"], None),
            Key::AuthUrl => (&["auth.auth_url"], Some("OS_AUTH_URL")),
            Key::Username => (&["auth.username"], Some("OS_USERNAME")),
            Key::UserId => (&["auth.user_id"], Some("OS_USER_ID")),
            Key::Password => (&["auth.password"], Some("OS_PASSWORD")),
            Key::ProjectName => (&["auth.project_name"], Some("OS_PROJECT_NAME")),
            Key::ProjectId => (&["auth.project_id"], Some("OS_PROJECT_ID")),
            Key::UserDomainName => (&["auth.user_domain_name"], Some("OS_USER_DOMAIN_NAME")),
            Key::UserDomainId => (&["auth.user_domain_id"], Some("OS_USER_DOMAIN_ID")),
            Key::ProjectDomainName => (
                &["auth.project_domain_name"],
                Some("OS_PROJECT_DOMAIN_NAME"),
            ),
            Key::ProjectDomainId => (&["auth.project_domain_id"], Some("OS_PROJECT_DOMAIN_ID")),
            Key::DefaultDomainName => (
                &["auth.default_domain_name"],
                Some("OS_DEFAULT_DOMAIN_NAME"),
            ),
            Key::DefaultDomainId => (&["auth.default_domain_id"], Some("OS_DEFAULT_DOMAIN_ID")),
            Key::Token => (&["auth.token"], Some("OS_AUTH_TOKEN")),
            Key::Ak => (&["auth.ak", "auth.access_key"], Some("HUAWEICLOUD_SDK_AK")),
            Key::Sk => (&["auth.sk", "auth.secret_key"], Some("HUAWEICLOUD_SDK_SK")),
            Key::AkSkProjectId => (&["auth.project_id"], Some("HUAWEICLOUD_SDK_PROJECT_ID")),
            Key::SecurityToken => (
                &["auth.security_token"],
                Some("HUAWEICLOUD_SDK_SECURITY_TOKEN"),
            ),
            Key::ApplicationCredentialId => (
                &["auth.application_credential_id"],
                Some("OS_APPLICATION_CREDENTIAL_ID"),
            ),
            Key::ApplicationCredentialName => (
                &["auth.application_credential_name"],
                Some("OS_APPLICATION_CREDENTIAL_NAME"),
            ),
            Key::ApplicationCredentialSecret => (
                &["auth.application_credential_secret"],
                Some("OS_APPLICATION_CREDENTIAL_SECRET"),
            ),
            Key::CaCert => (&["cacert"], Some("OS_CACERT")),
            Key::ClientCert => (&["cert"], Some("OS_CERT")),
            Key::ClientPrivate => (&["key"], Some("OS_KEY")),
            Key::Verify => (&["verify"], None),
            Key::Insecure => (&["insecure"], Some("OS_INSECURE")),
        }
    }
}

/// Where settings come from.
enum Source<'a> {
    /// Variables (the process environment, for `from_env`), empty values already left out.
    Env(&'a dyn Fn(&str) -> Option<String>),
    /// One cloud of `clouds.yaml`, merged with `secure.yaml`.
    Cloud(serde_norway::Value),
}

/// Settings by [`Key`], from the environment or from one cloud of `clouds.yaml`.
struct Settings<'a> {
    source: Source<'a>,
    /// "the environment", or "cloud `x` in /a/clouds.yaml and /a/secure.yaml".
    origin: String,
}

impl Settings<'_> {
    fn get(&self, key: Key) -> Option<String> {
        let (paths, variable) = key.names();
        let value = match &self.source {
            Source::Env(var) => variable.and_then(var),
            Source::Cloud(cloud) => paths.iter().find_map(|path| {
                path.split('.')
                    .try_fold(cloud, |value, part| value.get(part))
                    .and_then(scalar)
            }),
        };
        value.filter(|v| !v.trim().is_empty())
    }

    /// The names a person would look for: `OS_USERNAME`, or `auth.username`.
    fn shown(&self, key: Key) -> Vec<&'static str> {
        let (paths, variable) = key.names();
        match self.source {
            Source::Env(_) => variable.into_iter().collect(),
            Source::Cloud(_) => paths.to_vec(),
        }
    }

    fn missing(&self, keys: &[Key], needed_for: &str) -> Error {
        let names: Vec<&str> = keys.iter().flat_map(|&key| self.shown(key)).collect();
        let names = match names.as_slice() {
            [one] => one.to_string(),
            [first, rest @ ..] => format!("{first} (or {})", rest.join(" or ")),
            [] => String::new(),
        };
        Error::config(format!(
            "{names} is missing (needed for {needed_for}; read from {})",
            self.origin
        ))
    }

    fn require(&self, key: Key, needed_for: &str) -> Result<String, Error> {
        self.get(key)
            .ok_or_else(|| self.missing(&[key], needed_for))
    }

    /// The domain from its id or name, else the default domain's.
    fn domain(&self, id: Key, name: Key) -> Option<Domain> {
        self.get(id)
            .map(Domain::Id)
            .or_else(|| self.get(name).map(Domain::Name))
            .or_else(|| self.get(Key::DefaultDomainId).map(Domain::Id))
            .or_else(|| self.get(Key::DefaultDomainName).map(Domain::Name))
    }

    /// The catalog interface ([`Interface::Public`] when unset).
    fn interface(&self) -> Result<Interface, Error> {
        match self.get(Key::Interface) {
            None => Ok(Interface::default()),
            Some(text) => text.parse().map_err(|_| {
                Error::config(format!(
                    "{} `{text}` is not a catalog interface (public, internal or admin; read from {})",
                    self.shown(Key::Interface).join(" or "),
                    self.origin
                ))
            }),
        }
    }

    /// How to authenticate: `auth_type` of a cloud (`password` by default); in the
    /// environment, the first kind of credentials set (AK/SK, a token, a Keystone URL).
    fn auth_type(&self) -> Result<String, Error> {
        match self.source {
            Source::Cloud(_) => Ok(self.get(Key::AuthType).unwrap_or_else(|| "password".into())),
            Source::Env(_) => {
                if let Some(auth_type) = self.get(Key::AuthType) {
                    Ok(auth_type)
                } else if self.get(Key::Ak).is_some() || self.get(Key::Sk).is_some() {
                    Ok("aksk".into())
                } else if self.get(Key::ApplicationCredentialId).is_some()
                    || self.get(Key::ApplicationCredentialName).is_some()
                {
                    Ok("v3applicationcredential".into())
                } else if self.get(Key::Token).is_some() {
                    Ok("token".into())
                } else if self.get(Key::AuthUrl).is_some() {
                    Ok("password".into())
                } else {
                    Err(Error::config(
                        "no credentials in the environment: set OS_CLOUD (with a clouds.yaml), \
                         OS_AUTH_URL with OS_USERNAME, OS_PASSWORD and OS_PROJECT_NAME, OS_AUTH_URL \
                         with OS_APPLICATION_CREDENTIAL_ID and OS_APPLICATION_CREDENTIAL_SECRET, \
                         OS_AUTH_TOKEN, or HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK",
                    ))
                }
            }
        }
    }
}

/// The user, by id or by name with its domain.
fn user_from(settings: &Settings<'_>, purpose: &str) -> Result<User, Error> {
    match (settings.get(Key::UserId), settings.get(Key::Username)) {
        (Some(id), _) => Ok(User::Id(id)),
        (None, Some(name)) => {
            let domain = settings
                .domain(Key::UserDomainId, Key::UserDomainName)
                .ok_or_else(|| {
                    settings.missing(
                        &[Key::UserDomainName, Key::UserDomainId],
                        &format!("finding user `{name}` by name"),
                    )
                })?;
            Ok(User::name(name, domain))
        }
        (None, None) => Err(settings.missing(&[Key::Username, Key::UserId], purpose)),
    }
}

/// The project a token is scoped to, by id or by name with its domain.
fn project_from(settings: &Settings<'_>) -> Result<Project, Error> {
    match (settings.get(Key::ProjectId), settings.get(Key::ProjectName)) {
        (Some(id), _) => Ok(Project::Id(id)),
        (None, Some(name)) => {
            let domain = settings
                .domain(Key::ProjectDomainId, Key::ProjectDomainName)
                .ok_or_else(|| {
                    settings.missing(
                        &[Key::ProjectDomainName, Key::ProjectDomainId],
                        &format!("finding project `{name}` by name"),
                    )
                })?;
            Ok(Project::name(name, domain))
        }
        (None, None) => Err(settings.missing(
            &[Key::ProjectName, Key::ProjectId],
            "a token scoped to a project",
        )),
    }
}

/// Keystone password credentials from settings.
fn password_from(settings: &Settings<'_>) -> Result<Password, Error> {
    let purpose = "password auth";
    let auth_url = settings.require(Key::AuthUrl, purpose)?;
    let user = user_from(settings, purpose)?;
    let password = settings.require(Key::Password, purpose)?;
    let project = project_from(settings)?;
    Ok(Password::new(auth_url, user, password, project))
}

/// An application credential from settings: by id, or by name with its user.
fn application_credential_from(settings: &Settings<'_>) -> Result<ApplicationCredential, Error> {
    let purpose = "application credential auth";
    let auth_url = settings.require(Key::AuthUrl, purpose)?;
    let secret = settings.require(Key::ApplicationCredentialSecret, purpose)?;
    match (
        settings.get(Key::ApplicationCredentialId),
        settings.get(Key::ApplicationCredentialName),
    ) {
        (Some(id), _) => Ok(ApplicationCredential::with_id(auth_url, id, secret)),
        (None, Some(name)) => {
            let user = user_from(
                settings,
                &format!("finding application credential `{name}` by name"),
            )?;
            Ok(ApplicationCredential::with_name(
                auth_url, name, user, secret,
            ))
        }
        (None, None) => Err(settings.missing(
            &[Key::ApplicationCredentialId, Key::ApplicationCredentialName],
            purpose,
        )),
    }
}

/// The token of token auth, checked to fit in a header.
fn token_from(settings: &Settings<'_>, purpose: &str) -> Result<String, Error> {
    let token = settings.require(Key::Token, purpose)?;
    Auth::token(&token).map_err(|e| {
        Error::config(format!(
            "{}: {} (read from {})",
            settings.shown(Key::Token).join(" or "),
            e.detail().unwrap_or_default(),
            settings.origin
        ))
    })?;
    Ok(token.trim().to_string())
}

/// AK/SK credentials from settings: the one place they are built.
fn aksk_from(settings: &Settings<'_>) -> Result<AkSk, Error> {
    let ak = settings.require(Key::Ak, "AK/SK auth")?;
    let sk = settings.require(Key::Sk, "AK/SK auth")?;
    let project = settings.require(
        Key::AkSkProjectId,
        "AK/SK auth (IMS is a project-level service)",
    )?;
    let mut aksk = AkSk::new(ak, sk).with_project_id(project);
    if let Some(token) = settings.get(Key::SecurityToken) {
        aksk = aksk.with_security_token(token);
    }
    Ok(aksk)
}

/// A builder from settings: the credentials, endpoint override, region and interface.
fn builder_from(settings: &Settings<'_>) -> Result<ClientBuilder, Error> {
    let auth = match settings.auth_type()?.as_str() {
        "password" | "v3password" => Auth::password(password_from(settings)?),
        "v3applicationcredential" => {
            Auth::application_credential(application_credential_from(settings)?)
        }
        // With Keystone's URL, the token's catalog gives the endpoint; without, it is sent as is.
        "token" => {
            let token = token_from(settings, "token auth")?;
            match settings.get(Key::AuthUrl) {
                Some(auth_url) => Auth::existing_token(ExistingToken::new(auth_url, token)),
                None => Auth::token(&token)?,
            }
        }
        "admin_token" => Auth::token(&token_from(settings, "token auth")?)?,
        "v3token" => {
            let purpose = "v3token auth (a token exchanged for a project-scoped one)";
            let auth_url = settings.require(Key::AuthUrl, purpose)?;
            let token = token_from(settings, purpose)?;
            Auth::scoped_token(ScopedToken::new(auth_url, token, project_from(settings)?))
        }
        "aksk" => Auth::aksk(aksk_from(settings)?),
        // keystoneauth's `none` (`noauth`): no credentials, for services that check none; the
        // endpoint must be given.
        "none" | "noauth" => Auth::None,
        other => {
            return Err(Error::config(format!(
                "{} `{other}` is not supported (supported: password, v3password, \
                 v3applicationcredential, token, v3token, admin_token, aksk, none; read from {})",
                settings.shown(Key::AuthType).join(" or "),
                settings.origin
            )));
        }
    };
    let endpoint = settings.get(Key::EndpointOverride);
    Ok(ClientBuilder {
        endpoint_setting: endpoint.is_some().then_some("image_endpoint_override"),
        endpoint,
        region: settings.get(Key::RegionName),
        interface: settings.interface()?,
        auth,
        origin: Some(settings.origin.clone()),
        ..ClientBuilder::default()
    })
}

/// The TLS settings: `cacert`, `cert`/`key` and `verify`/`insecure` of `settings`, each taken
/// from `fallback` (the environment, for a cloud) when `settings` lacks it.
fn tls_from(settings: &Settings<'_>, fallback: Option<&Settings<'_>>) -> Result<Tls, Error> {
    // The value and the settings it came from.
    let get = |key: Key| {
        settings
            .get(key)
            .map(|v| (v, settings))
            .or_else(|| fallback.and_then(|f| f.get(key).map(|v| (v, f))))
    };
    let read = |key: Key, what: &str| -> Result<Option<(Vec<u8>, String)>, Error> {
        let Some((path, from)) = get(key) else {
            return Ok(None);
        };
        let name = from.shown(key).join(" or ");
        let bytes = std::fs::read(&path).map_err(|e| {
            Error::config(format!(
                "{name}: cannot read the {what} {path}: {e} (read from {})",
                from.origin
            ))
            .with_source(e)
        })?;
        Ok(Some((
            bytes,
            format!("{name}: {path} (read from {})", from.origin),
        )))
    };
    let mut tls = Tls::default();
    if let Some((pem, named)) = read(Key::CaCert, "CA bundle")? {
        tls = tls
            .ca_bundle_pem(&pem)
            .map_err(|e| Error::config(format!("{named} is not a usable PEM CA bundle: {e}")))?;
    }
    match (
        read(Key::ClientCert, "client certificate")?,
        read(Key::ClientPrivate, "client key")?,
    ) {
        (Some((cert, named)), key) => {
            let (key, key_named) = key.unwrap_or_default();
            tls = tls.client_identity_pem(&cert, &key).map_err(|e| {
                let also = if key_named.is_empty() {
                    " (no key file is set, so the key must be in the certificate file)".to_string()
                } else {
                    format!(" with {key_named}")
                };
                Error::config(format!(
                    "{named}{also} is not a usable PEM client certificate and key: {e}"
                ))
            })?;
        }
        (None, Some((_, key_named))) => {
            return Err(Error::config(format!(
                "{key_named} is set without a client certificate (cert, OS_CERT)"
            )));
        }
        (None, None) => {}
    }
    let flag = |key: Key| -> Result<Option<bool>, Error> {
        let Some((text, from)) = get(key) else {
            return Ok(None);
        };
        parse_bool(&text).map(Some).ok_or_else(|| {
            Error::config(format!(
                "{} `{text}` is not true or false (read from {})",
                from.shown(key).join(" or "),
                from.origin
            ))
        })
    };
    // `verify: false` or `insecure: true` in the cloud, else OS_INSECURE.
    let insecure = match settings.get(Key::Verify) {
        Some(_) => flag(Key::Verify)?.map(|verify| !verify),
        None => flag(Key::Insecure)?,
    };
    Ok(tls.insecure(insecure.unwrap_or(false)))
}

/// `true`/`false`, `yes`/`no`, `on`/`off`, `1`/`0`, in any case.
fn parse_bool(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "true" | "yes" | "on" | "1" => Some(true),
        "false" | "no" | "off" | "0" => Some(false),
        _ => None,
    }
}

/// The endpoint as the base of the operations' paths: spaces and trailing slashes trimmed,
/// and a final path segment that is an API version dropped, since every path starts with its
/// own (`/v2/images`, `/v1.1/images/detail`). A version is `v1` or `v2`, with or without a
/// minor number (`v2.0`, `v2.1`, `v1.1`). Nothing else is dropped: `https://h/image` (a
/// catalog's path prefix) and `https://h/image/v2` become `https://h/image`;
/// `https://h/v2/{project_id}` stays as it is.
pub fn normalize_endpoint(endpoint: &str) -> String {
    let trimmed = endpoint.trim().trim_end_matches('/');
    let Some((base, last)) = trimmed.rsplit_once('/') else {
        return trimmed.to_string();
    };
    // Never the host: `https://v2` has `//` before its last segment.
    let is_version = last.strip_prefix('v').is_some_and(|rest| {
        let (major, minor) = rest.split_once('.').unwrap_or((rest, "0"));
        matches!(major, "1" | "2") && !minor.is_empty() && minor.chars().all(|c| c.is_ascii_digit())
    });
    if is_version && !base.ends_with('/') && !base.is_empty() {
        tracing::debug!(
            endpoint = trimmed,
            "dropped the version from the endpoint: the operations' paths start with theirs"
        );
        base.trim_end_matches('/').to_string()
    } else {
        trimmed.to_string()
    }
}

/// `clouds.yaml` and (optionally) `secure.yaml`, parsed.
struct CloudsFiles {
    clouds: (PathBuf, serde_norway::Value),
    secure: Option<(PathBuf, serde_norway::Value)>,
}

/// The file names looked for in each search directory.
const CLOUDS_NAMES: &[&str] = &["clouds.yaml", "clouds.yml"];
const SECURE_NAMES: &[&str] = &["secure.yaml", "secure.yml"];

impl CloudsFiles {
    /// Finds and parses the files: the explicit path if given (it must exist), else the
    /// first file found in the search directories.
    fn find(
        clouds_file: Option<String>,
        secure_file: Option<String>,
        search_dirs: &[PathBuf],
    ) -> Result<CloudsFiles, Error> {
        let clouds_path = locate(
            clouds_file.as_deref(),
            "OS_CLIENT_CONFIG_FILE",
            CLOUDS_NAMES,
            search_dirs,
        )?
        .ok_or_else(|| {
            let mut places = vec![match &clouds_file {
                Some(file) => format!("OS_CLIENT_CONFIG_FILE ({file})"),
                None => "OS_CLIENT_CONFIG_FILE (unset)".to_string(),
            }];
            places.extend(
                search_dirs
                    .iter()
                    .map(|d| d.join("clouds.yaml").display().to_string()),
            );
            Error::config(format!(
                "OS_CLOUD is set but no clouds.yaml was found (looked in: {})",
                places.join(", ")
            ))
        })?;
        let clouds = (
            clouds_path.clone(),
            parse_yaml(&clouds_path, "clouds.yaml")?,
        );
        let secure = match locate(
            secure_file.as_deref(),
            "OS_CLIENT_SECURE_FILE",
            SECURE_NAMES,
            search_dirs,
        )? {
            Some(path) => Some((path.clone(), parse_yaml(&path, "secure.yaml")?)),
            None => None,
        };
        Ok(CloudsFiles { clouds, secure })
    }

    /// The settings of cloud `name`, `secure.yaml`'s entries over `clouds.yaml`'s.
    fn cloud(&self, name: &str) -> Result<Settings<'static>, Error> {
        let (path, clouds) = &self.clouds;
        let entry =
            |doc: &serde_norway::Value| doc.get("clouds").and_then(|c| c.get(name)).cloned();
        let Some(mut merged) = entry(clouds) else {
            let known: Vec<String> = clouds
                .get("clouds")
                .and_then(|c| c.as_mapping())
                .map(|m| {
                    m.keys()
                        .filter_map(|k| k.as_str().map(|k| format!("`{k}`")))
                        .collect()
                })
                .unwrap_or_default();
            return Err(Error::config(format!(
                "clouds.yaml: cloud `{name}` not found in {} ({})",
                path.display(),
                if known.is_empty() {
                    "it has no `clouds` entries".to_string()
                } else {
                    format!("it has: {}", known.join(", "))
                }
            )));
        };
        let mut origin = format!("cloud `{name}` in {}", path.display());
        if let Some((secure_path, secure)) = &self.secure
            && let Some(overlay) = entry(secure)
        {
            merge(&mut merged, overlay);
            origin.push_str(&format!(" and {}", secure_path.display()));
        }
        Ok(Settings {
            source: Source::Cloud(merged),
            origin,
        })
    }
}

/// The explicit file (an error if it does not exist), or the first of `names` in `dirs`.
fn locate(
    explicit: Option<&str>,
    variable: &str,
    names: &[&str],
    dirs: &[PathBuf],
) -> Result<Option<PathBuf>, Error> {
    if let Some(file) = explicit {
        let path = PathBuf::from(file);
        return if path.is_file() {
            Ok(Some(path))
        } else {
            Err(Error::config(format!(
                "{variable} names {file}, which is not a file (read from the environment)"
            )))
        };
    }
    Ok(dirs
        .iter()
        .flat_map(|dir| names.iter().map(move |name| dir.join(name)))
        .find(|path| path.is_file()))
}

fn parse_yaml(path: &Path, what: &str) -> Result<serde_norway::Value, Error> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        Error::config(format!("{what}: cannot read {}: {e}", path.display())).with_source(e)
    })?;
    // Parsed as a generic value, so the errors are about syntax (with a position) and never
    // quote a value such as a password.
    serde_norway::from_str(&text).map_err(|e| {
        let at = e
            .location()
            .map(|l| format!(" at line {}, column {}", l.line(), l.column()))
            .unwrap_or_default();
        Error::config(format!("{what}: {} is not valid YAML{at}", path.display()))
    })
}

/// Deep merge: mappings merge key by key, anything else in `overlay` replaces.
fn merge(base: &mut serde_norway::Value, overlay: serde_norway::Value) {
    match (base, overlay) {
        (serde_norway::Value::Mapping(base), serde_norway::Value::Mapping(overlay)) => {
            for (key, value) in overlay {
                match base.get_mut(&key) {
                    Some(existing) => merge(existing, value),
                    None => {
                        base.insert(key, value);
                    }
                }
            }
        }
        (base, overlay) => *base = overlay,
    }
}

/// A scalar as text (`identity_api_version: 3` is a number in YAML).
fn scalar(value: &serde_norway::Value) -> Option<String> {
    match value {
        serde_norway::Value::String(s) => Some(s.clone()),
        serde_norway::Value::Number(n) => Some(n.to_string()),
        serde_norway::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interfaces_parse_in_both_spellings() {
        for (text, interface) in [
            ("public", Interface::Public),
            ("internalURL", Interface::Internal),
            (" Admin ", Interface::Admin),
        ] {
            assert_eq!(text.parse::<Interface>().unwrap(), interface, "{text}");
        }
        assert!("private".parse::<Interface>().is_err());
    }

    #[test]
    fn a_bad_interface_names_its_setting() {
        let vars = |name: &str| match name {
            "OS_AUTH_TOKEN" => Some("t0ken".to_string()),
            "OS_INTERFACE" => Some("private".to_string()),
            _ => None,
        };
        let error = ClientBuilder::from_vars(vars, &[]).unwrap_err();
        assert_eq!(
            error.to_string(),
            "configuration error: OS_INTERFACE `private` is not a catalog interface (public, \
             internal or admin; read from the environment)"
        );
        let vars = |name: &str| (name == "OS_AUTH_TOKEN").then(|| "t0ken".to_string());
        let builder = ClientBuilder::from_vars(vars, &[]).unwrap();
        assert_eq!(builder.get_interface(), Interface::Public);
    }

    /// Each key's environment variable is `OS_` and its `clouds.yaml` name in capitals, but
    /// for the token and the Huawei Cloud SDK's own variables.
    #[test]
    fn the_list_of_keys_is_consistent() {
        use Key::*;
        for key in [
            RegionName,
            Interface,
            AuthUrl,
            Username,
            UserId,
            Password,
            ProjectName,
            ProjectId,
            UserDomainName,
            UserDomainId,
            ProjectDomainName,
            ProjectDomainId,
            DefaultDomainName,
            DefaultDomainId,
            AuthType,
            ApplicationCredentialId,
            ApplicationCredentialName,
            ApplicationCredentialSecret,
            CaCert,
            ClientCert,
            ClientPrivate,
            Insecure,
        ] {
            let (paths, variable) = key.names();
            let name = paths[0].trim_start_matches("auth.");
            assert_eq!(
                variable,
                Some(format!("OS_{}", name.to_ascii_uppercase())).as_deref()
            );
        }
    }

    #[test]
    fn only_a_final_version_segment_is_dropped() {
        for (given, expected) in [
            ("https://ims.example.test", "https://ims.example.test"),
            ("https://ims.example.test/", "https://ims.example.test"),
            (" https://ims.example.test/v2 ", "https://ims.example.test"),
            ("https://ims.example.test/v2/", "https://ims.example.test"),
            ("https://ims.example.test/v2.0", "https://ims.example.test"),
            (
                "https://ims.example.test/v2.1//",
                "https://ims.example.test",
            ),
            ("https://ims.example.test/v1", "https://ims.example.test"),
            ("https://ims.example.test/v1.1", "https://ims.example.test"),
            ("http://h:9292/image", "http://h:9292/image"),
            ("http://h:9292/image/v2", "http://h:9292/image"),
            // Not versions (or not the image API's): kept.
            ("https://h/v2/0123abcd", "https://h/v2/0123abcd"),
            ("https://h/v3", "https://h/v3"),
            ("https://h/v2.", "https://h/v2."),
            ("https://h/v2.x", "https://h/v2.x"),
            ("https://h/v22", "https://h/v22"),
            ("https://h/version2", "https://h/version2"),
            // A host named like a version is a host.
            ("https://v2", "https://v2"),
            ("https://v2/", "https://v2"),
        ] {
            assert_eq!(normalize_endpoint(given), expected, "{given}");
        }
    }
}
