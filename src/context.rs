//! What a [`Client`](crate::Client) carries besides its base URL and HTTP client: how it
//! authenticates, how it retries and what it reads. The response pipeline
//! (`src/pipeline.rs`) reads it for every request.

use crate::auth::Auth;
use crate::http::Limits;
use crate::http::retry::RetryPolicy;

/// Per-client settings used by every request. `Context::default()` sends requests without
/// credentials, with the default retry policy and limits.
#[derive(Clone, Debug, Default)]
pub struct Context {
    pub(crate) auth: Auth,
    pub(crate) retry: RetryPolicy,
    pub(crate) limits: Limits,
}

impl Context {
    /// A context with these credentials and the default retry policy.
    pub fn new(auth: Auth) -> Context {
        Context {
            auth,
            retry: RetryPolicy::default(),
            limits: Limits::default(),
        }
    }

    /// Replaces the retry policy.
    pub fn with_retry(mut self, retry: RetryPolicy) -> Context {
        self.retry = retry;
        self
    }

    /// Replaces the limits on bodies and redirects. The redirect limit is a setting of the
    /// `reqwest::Client`: it takes effect for clients made with `Client::new` or
    /// [`crate::http_client`] after this.
    pub fn with_limits(mut self, limits: Limits) -> Context {
        self.limits = limits;
        self
    }

    /// The limits on bodies and redirects.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// The credentials requests are sent with.
    pub fn auth(&self) -> &Auth {
        &self.auth
    }

    /// The retry policy.
    pub fn retry(&self) -> &RetryPolicy {
        &self.retry
    }
}
