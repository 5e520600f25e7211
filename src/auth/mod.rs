//! How requests prove who sends them.

use std::fmt;

use reqwest::header::HeaderValue;

use crate::Error;

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

impl Auth {
    /// A fixed token; the header value is marked sensitive so it never shows in `Debug`.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Config`](crate::ErrorKind::Config) when the token holds characters a
    /// header cannot carry.
    pub fn token(token: &str) -> Result<Auth, Error> {
        let mut value = HeaderValue::from_str(token)
            .map_err(|_| Error::config("the token holds characters a header cannot carry"))?;
        value.set_sensitive(true);
        Ok(Auth::Token(value))
    }

    /// Adds the credentials to a request about to be sent (again, on a retry).
    pub(crate) async fn authorize(
        &self,
        _http: &reqwest::Client,
        request: &mut reqwest::Request,
    ) -> Result<(), Error> {
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
