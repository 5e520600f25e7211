//! What a [`Client`](crate::Client) carries besides its base URL and HTTP client: how it
//! authenticates and how it retries. The hooks in `hooks.rs` read it around every request.

use crate::auth::Auth;
use crate::retry::RetryPolicy;

/// Per-client settings used by every request. `Context::default()` sends requests without
/// credentials and with the default retry policy.
#[derive(Clone, Debug, Default)]
pub struct Context {
    pub(crate) auth: Auth,
    pub(crate) retry: RetryPolicy,
}

impl Context {
    /// A context with these credentials and the default retry policy.
    pub fn new(auth: Auth) -> Context {
        Context {
            auth,
            retry: RetryPolicy::default(),
        }
    }

    /// Replaces the retry policy.
    pub fn with_retry(mut self, retry: RetryPolicy) -> Context {
        self.retry = retry;
        self
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
