//! Making a [`Client`]: [`ClientBuilder`], by hand or from the environment.

use crate::auth::Auth;
use crate::retry::RetryPolicy;
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

/// Settings for a [`Client`]: `Client::builder()`. `Debug` shows no secret.
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
/// The endpoint is, in this order: [`ClientBuilder::endpoint`]; [`ClientBuilder::cloud`] with
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

    /// The HTTP client to send requests (and Keystone's token requests) with: set proxies or
    /// TLS roots on it. By default, [`retry::http_client`](crate::retry::http_client) with the
    /// retry policy's connect timeout.
    #[must_use]
    pub fn http_client(mut self, http: reqwest::Client) -> ClientBuilder {
        self.http = Some(http);
        self
    }

    /// The credentials set so far.
    pub fn get_auth(&self) -> &Auth {
        &self.auth
    }

    /// The explicit endpoint set so far (by [`ClientBuilder::endpoint`]).
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
            None => crate::retry::http_client(self.retry.get_timeouts()).map_err(|e| {
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
        let context = Context::new(self.auth).with_retry(self.retry);
        Ok(Client::new_with_client(&endpoint, http, context))
    }
}
