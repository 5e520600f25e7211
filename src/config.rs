//! Making a [`Client`]: [`ClientBuilder`], by hand or from the environment.

use std::path::{Path, PathBuf};

use crate::auth::{Auth, Domain, Password, Project, User};
use crate::http::Limits;
use crate::http::retry::RetryPolicy;
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
/// [`ClientBuilder::region`]; else, with Keystone password authentication, the `image`
/// endpoint of the token's catalog for the region and interface (`public` by default).
#[derive(Clone, Debug, Default)]
pub struct ClientBuilder {
    endpoint: Option<String>,
    cloud: Option<Cloud>,
    region: Option<String>,
    interface: Option<String>,
    auth: Auth,
    retry: RetryPolicy,
    limits: Limits,
    http: Option<reqwest::Client>,
    /// Where the settings were read from, for error messages.
    origin: Option<String>,
}

impl Client {
    /// Settings for a client: `Client::builder().endpoint(url).auth(auth).build().await`.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }
}

impl ClientBuilder {
    /// The base URL of the service, such as `https://ims.eu-de.otc.t-systems.com` (without
    /// `/v2`: the operations' paths start with it).
    #[must_use]
    pub fn endpoint(mut self, url: impl Into<String>) -> ClientBuilder {
        self.endpoint = Some(url.into());
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

    /// The catalog interface to take the endpoint from: `public` (the default), `internal`
    /// or `admin`.
    #[must_use]
    pub fn interface(mut self, interface: impl Into<String>) -> ClientBuilder {
        self.interface = Some(interface.into());
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

    /// Makes the client. Without an explicit endpoint or cloud, this authenticates with
    /// Keystone (through the HTTP client) and takes the `image` endpoint from the catalog;
    /// the token is kept for the first requests.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Config`](crate::ErrorKind::Config) when no endpoint can be found or it is
    /// not a URL; [`ErrorKind::Auth`](crate::ErrorKind::Auth) when Keystone refuses.
    pub async fn build(self) -> Result<Client, Error> {
        let origin = self
            .origin
            .as_deref()
            .map(|o| format!(" (settings read from {o})"))
            .unwrap_or_default();
        let http = match self.http {
            Some(http) => http,
            None => crate::http_client(self.retry.get_timeouts(), &self.limits).map_err(|e| {
                Error::config(format!("cannot make an HTTP client: {e}")).with_source(e)
            })?,
        };
        let endpoint = match (self.endpoint, self.cloud) {
            (Some(endpoint), _) => endpoint,
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
                cloud.endpoint(region)
            }
            (None, None) => match &self.auth {
                Auth::Keystone(keystone) => {
                    let interface = self.interface.as_deref().unwrap_or("public");
                    keystone
                        .endpoint(&http, "image", self.region.as_deref(), interface)
                        .await?
                }
                _ => {
                    return Err(Error::config(format!(
                        "no endpoint: call .endpoint(url) or .cloud(..).region(..), set IMS_ENDPOINT, \
                         or use Keystone password auth (its catalog gives the image endpoint){origin}"
                    )));
                }
            },
        };
        let endpoint = endpoint.trim().trim_end_matches('/').to_string();
        match url::Url::parse(&endpoint) {
            Ok(url) if matches!(url.scheme(), "http" | "https") => {}
            Ok(_) => {
                return Err(Error::config(format!(
                    "the endpoint `{endpoint}` is not an http(s) URL{origin}"
                )));
            }
            Err(e) => {
                return Err(Error::config(format!(
                    "the endpoint `{endpoint}` is not a URL: {e}{origin}"
                )));
            }
        }
        let context = Context::new(self.auth)
            .with_retry(self.retry)
            .with_limits(self.limits);
        Ok(Client::new_with_client(&endpoint, http, context))
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
    ///
    /// The first of these that is set decides how to authenticate:
    ///
    /// 1. `OS_CLOUD`: the cloud of that name in `clouds.yaml`, merged with `secure.yaml`
    ///    (`auth_type` `password` (default), `token` or `aksk`; `region_name`, `interface`,
    ///    `image_endpoint_override`).
    /// 2. `HUAWEICLOUD_SDK_AK` / `HUAWEICLOUD_SDK_SK`, with `HUAWEICLOUD_SDK_PROJECT_ID` (and
    ///    `HUAWEICLOUD_SDK_SECURITY_TOKEN` for temporary keys): AK/SK signing.
    /// 3. `OS_AUTH_TOKEN`: a fixed token.
    /// 4. `OS_AUTH_URL`: Keystone password auth with `OS_USERNAME` or `OS_USER_ID`,
    ///    `OS_PASSWORD`, `OS_PROJECT_NAME` or `OS_PROJECT_ID`, and the domains
    ///    `OS_USER_DOMAIN_NAME`/`_ID`, `OS_PROJECT_DOMAIN_NAME`/`_ID` (or
    ///    `OS_DEFAULT_DOMAIN_NAME`/`_ID` for both).
    ///
    /// Also read: `OS_REGION_NAME`, `OS_INTERFACE`, and `IMS_ENDPOINT` (the endpoint, which
    /// wins over any other). Empty values count as unset.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Config`](crate::ErrorKind::Config) naming the missing or bad setting and
    /// where it was read from.
    pub fn from_vars(
        vars: impl Fn(&str) -> Option<String>,
        search_dirs: &[PathBuf],
    ) -> Result<ClientBuilder, Error> {
        let var = |name: &str| vars(name).filter(|v| !v.trim().is_empty());
        let mut builder = if let Some(cloud) = var("OS_CLOUD") {
            let files = CloudsFiles::find(
                var("OS_CLIENT_CONFIG_FILE"),
                var("OS_CLIENT_SECURE_FILE"),
                search_dirs,
            )?;
            let settings = files.cloud(&cloud)?;
            let mut builder = builder_from(&settings)?;
            builder.region = builder.region.or_else(|| var("OS_REGION_NAME"));
            builder.interface = builder.interface.or_else(|| var("OS_INTERFACE"));
            builder
        } else {
            let env = Settings::env(&var);
            let mut builder =
                if var("HUAWEICLOUD_SDK_AK").is_some() || var("HUAWEICLOUD_SDK_SK").is_some() {
                    let ak = env.require("HUAWEICLOUD_SDK_AK", "AK/SK auth")?;
                    let sk = env.require("HUAWEICLOUD_SDK_SK", "AK/SK auth")?;
                    let project = env.require(
                        "HUAWEICLOUD_SDK_PROJECT_ID",
                        "AK/SK auth (IMS is a project-level service)",
                    )?;
                    let mut aksk = AkSk::new(ak, sk).with_project_id(project);
                    if let Some(token) = env.get("HUAWEICLOUD_SDK_SECURITY_TOKEN") {
                        aksk = aksk.with_security_token(token);
                    }
                    ClientBuilder::default().auth(Auth::aksk(aksk))
                } else if let Some(token) = var("OS_AUTH_TOKEN") {
                    ClientBuilder::default().auth(Auth::token(&token).map_err(|e| {
                        Error::config(format!(
                            "OS_AUTH_TOKEN: {} (read from the environment)",
                            e.detail().unwrap_or_default()
                        ))
                    })?)
                } else if var("OS_AUTH_URL").is_some() {
                    ClientBuilder::default().auth(Auth::password(password_from(&env)?))
                } else {
                    return Err(Error::config(
                        "no credentials in the environment: set OS_CLOUD (with a clouds.yaml), \
                     OS_AUTH_URL with OS_USERNAME, OS_PASSWORD and OS_PROJECT_NAME, OS_AUTH_TOKEN, \
                     or HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK",
                    ));
                };
            builder.region = env.get("region_name");
            builder.interface = env.get("interface");
            builder.origin = Some("the environment".into());
            builder
        };
        if let Some(endpoint) = var("IMS_ENDPOINT") {
            builder.endpoint = Some(endpoint);
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

/// A setting's value by its `clouds.yaml` name.
type Lookup<'a> = Box<dyn Fn(&str) -> Option<String> + 'a>;

/// Settings by their `clouds.yaml` names (`auth_url`, `username`, ...), read from the
/// environment (`OS_AUTH_URL`, `OS_USERNAME`, ...) or from one cloud of `clouds.yaml`.
struct Settings<'a> {
    get: Lookup<'a>,
    /// The name a person would look for: `OS_USERNAME`, or `auth.username`.
    shown: fn(&str) -> String,
    /// "the environment", or "cloud `x` in /a/clouds.yaml and /a/secure.yaml".
    origin: String,
}

impl<'a> Settings<'a> {
    fn env(var: &'a dyn Fn(&str) -> Option<String>) -> Settings<'a> {
        fn env_name(key: &str) -> String {
            match key {
                k if k.starts_with("HUAWEICLOUD_") => k.to_string(),
                "token" => "OS_AUTH_TOKEN".into(),
                k => format!("OS_{}", k.to_ascii_uppercase()),
            }
        }
        Settings {
            get: Box::new(move |key| var(&env_name(key))),
            shown: env_name,
            origin: "the environment".into(),
        }
    }

    fn get(&self, key: &str) -> Option<String> {
        (self.get)(key).filter(|v| !v.trim().is_empty())
    }

    fn missing(&self, names: &[&str], needed_for: &str) -> Error {
        let names: Vec<String> = names.iter().map(|n| (self.shown)(n)).collect();
        let names = match names.as_slice() {
            [one] => one.clone(),
            [first, rest @ ..] => format!("{first} (or {})", rest.join(" or ")),
            [] => String::new(),
        };
        Error::config(format!(
            "{names} is missing (needed for {needed_for}; read from {})",
            self.origin
        ))
    }

    fn require(&self, key: &str, needed_for: &str) -> Result<String, Error> {
        self.get(key)
            .ok_or_else(|| self.missing(&[key], needed_for))
    }

    /// The domain from `<prefix>_domain_id`/`_name`, else `default_domain_id`/`_name`.
    fn domain(&self, prefix: &str) -> Option<Domain> {
        self.get(&format!("{prefix}_domain_id"))
            .map(Domain::Id)
            .or_else(|| self.get(&format!("{prefix}_domain_name")).map(Domain::Name))
            .or_else(|| self.get("default_domain_id").map(Domain::Id))
            .or_else(|| self.get("default_domain_name").map(Domain::Name))
    }
}

/// Keystone password credentials from settings.
fn password_from(settings: &Settings<'_>) -> Result<Password, Error> {
    let purpose = "password auth";
    let auth_url = settings.require("auth_url", purpose)?;
    let user = match (settings.get("user_id"), settings.get("username")) {
        (Some(id), _) => User::Id(id),
        (None, Some(name)) => {
            let domain = settings.domain("user").ok_or_else(|| {
                settings.missing(
                    &["user_domain_name", "user_domain_id"],
                    &format!("finding user `{name}` by name"),
                )
            })?;
            User::name(name, domain)
        }
        (None, None) => return Err(settings.missing(&["username", "user_id"], purpose)),
    };
    let password = settings.require("password", purpose)?;
    let project = match (settings.get("project_id"), settings.get("project_name")) {
        (Some(id), _) => Project::Id(id),
        (None, Some(name)) => {
            let domain = settings.domain("project").ok_or_else(|| {
                settings.missing(
                    &["project_domain_name", "project_domain_id"],
                    &format!("finding project `{name}` by name"),
                )
            })?;
            Project::name(name, domain)
        }
        (None, None) => {
            return Err(settings.missing(
                &["project_name", "project_id"],
                "a token scoped to a project",
            ));
        }
    };
    Ok(Password::new(auth_url, user, password, project))
}

/// A builder from one cloud of `clouds.yaml`.
fn builder_from(settings: &Settings<'_>) -> Result<ClientBuilder, Error> {
    let auth_type = settings
        .get("auth_type")
        .unwrap_or_else(|| "password".into());
    let auth = match auth_type.as_str() {
        "password" | "v3password" => Auth::password(password_from(settings)?),
        "token" | "v3token" | "admin_token" => {
            let token = settings.require("token", "token auth")?;
            Auth::token(&token).map_err(|e| {
                Error::config(format!(
                    "{}: {} (read from {})",
                    (settings.shown)("token"),
                    e.detail().unwrap_or_default(),
                    settings.origin
                ))
            })?
        }
        "aksk" => {
            let ak = settings
                .get("ak")
                .or_else(|| settings.get("access_key"))
                .ok_or_else(|| settings.missing(&["ak", "access_key"], "AK/SK auth"))?;
            let sk = settings
                .get("sk")
                .or_else(|| settings.get("secret_key"))
                .ok_or_else(|| settings.missing(&["sk", "secret_key"], "AK/SK auth"))?;
            let project =
                settings.require("project_id", "AK/SK auth (IMS is a project-level service)")?;
            let mut aksk = AkSk::new(ak, sk).with_project_id(project);
            if let Some(token) = settings.get("security_token") {
                aksk = aksk.with_security_token(token);
            }
            Auth::aksk(aksk)
        }
        other => {
            return Err(Error::config(format!(
                "auth_type `{other}` is not supported (supported: password, token, aksk; read from {})",
                settings.origin
            )));
        }
    };
    Ok(ClientBuilder {
        endpoint: settings.get("image_endpoint_override"),
        region: settings.get("region_name"),
        interface: settings.get("interface"),
        auth,
        origin: Some(settings.origin.clone()),
        ..ClientBuilder::default()
    })
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
        fn yaml_name(key: &str) -> String {
            match key {
                "auth_type" | "region_name" | "interface" | "image_endpoint_override" => {
                    key.to_string()
                }
                k => format!("auth.{k}"),
            }
        }
        Ok(Settings {
            get: Box::new(move |key| {
                let value = match key {
                    "auth_type" | "region_name" | "interface" | "image_endpoint_override" => {
                        merged.get(key)
                    }
                    k => merged.get("auth").and_then(|a| a.get(k)),
                };
                value.and_then(scalar)
            }),
            shown: yaml_name,
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
