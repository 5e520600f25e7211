//! How requests prove who sends them.

use std::fmt;

use reqwest::header::HeaderValue;

/// Credentials a client sends with every request.
#[derive(Clone, Default)]
pub enum Auth {
    /// No credentials (for services that do not check them, such as a test server).
    #[default]
    None,
    /// A fixed Keystone token, sent as `X-Auth-Token`.
    Token(HeaderValue),
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Auth::None => f.write_str("Auth::None"),
            Auth::Token(_) => f.write_str("Auth::Token(<redacted>)"),
        }
    }
}

/// Why a request could not be given its credentials.
#[derive(Debug)]
pub struct AuthError(String);

impl fmt::Display for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "authentication failed: {}", self.0)
    }
}

impl std::error::Error for AuthError {}

impl Auth {
    /// A fixed token; the header value is marked sensitive so it never shows in `Debug`.
    pub fn token(token: &str) -> Result<Auth, AuthError> {
        let mut value = HeaderValue::from_str(token)
            .map_err(|_| AuthError("the token holds characters a header cannot carry".into()))?;
        value.set_sensitive(true);
        Ok(Auth::Token(value))
    }

    /// Adds the credentials to a request about to be sent (again, on a retry).
    pub(crate) async fn authorize(
        &self,
        _http: &reqwest::Client,
        request: &mut reqwest::Request,
    ) -> Result<(), AuthError> {
        match self {
            Auth::None => Ok(()),
            Auth::Token(token) => {
                request.headers_mut().insert("X-Auth-Token", token.clone());
                Ok(())
            }
        }
    }

    /// Called after the service answered 401 to a request authorized by `self`: drops a
    /// cached token so the next `authorize` fetches a new one. Returns whether resending
    /// the request can help.
    pub(crate) async fn unauthorized(&self, _request: &reqwest::Request) -> bool {
        false
    }
}
