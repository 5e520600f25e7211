//! How requests prove who sends them: [`Auth`].
//!
//! * [`Auth::None`]: nothing (a service that does not check, such as a test server).
//! * [`Auth::token`]: a fixed Keystone token in `X-Auth-Token`.
//! * [`Auth::password`]: Keystone v3 password authentication ([`Password`]); the token is
//!   fetched when first needed, cached, renewed shortly before it expires and once after the
//!   service rejects it, with one Keystone request however many requests wait for it (see
//!   [`Keystone`]). Its catalog gives the image endpoint to
//!   [`ClientBuilder::build`](crate::ClientBuilder::build).
//! * [`Auth::application_credential`]: a Keystone v3 application credential
//!   ([`ApplicationCredential`]), its token cached and renewed as for a password.
//! * [`Auth::scoped_token`]: a token exchanged with Keystone for one scoped to a project
//!   ([`ScopedToken`]), cached and renewed as for a password while the given token is valid.
//! * [`Auth::existing_token`]: a token used as it is, its catalog (and so the image endpoint)
//!   and expiry read from Keystone ([`ExistingToken`]); not renewable.
//! * [`Auth::aksk`]: AK/SK signing ([`AkSk`]), each attempt signed anew at the time it is sent.
//!
//! Keystone tokens may be kept on disk between processes: [`TokenCache`] (off by default).
//!
//! Every credential type prints its secrets as `<redacted>` in `Debug`, and no error or log
//! line contains them.

mod cache;
mod keystone;

use std::fmt;
use std::time::SystemTime;

use reqwest::header::{AUTHORIZATION, HeaderName, HeaderValue};

pub use cache::{MAX_CACHE_FILE_BYTES, TokenCache};
pub use keystone::{
    ApplicationCredential, ApplicationCredentialRef, CatalogEndpoint, CatalogService, Credentials,
    Domain, ExistingToken, Keystone, Password, Project, ScopedToken, Token, User, find_endpoint,
};

use crate::Error;
use crate::signing::AkSk;

/// The header a Keystone token travels in.
pub const X_AUTH_TOKEN: HeaderName = HeaderName::from_static("x-auth-token");

/// Credentials a client sends with every request.
#[derive(Clone, Default)]
#[non_exhaustive]
pub enum Auth {
    /// No credentials (for services that do not check them, such as a test server).
    #[default]
    None,
    /// A fixed Keystone token, sent as `X-Auth-Token`; make it with [`Auth::token`]. It is not
    /// renewed: when it expires, requests fail with 401.
    Token(HeaderValue),
    /// Keystone authentication with a cached token (renewed but for an [`ExistingToken`]);
    /// make it with [`Auth::password`], [`Auth::application_credential`],
    /// [`Auth::scoped_token`] or [`Auth::existing_token`].
    Keystone(Keystone),
    /// AK/SK request signing; make it with [`Auth::aksk`].
    AkSk(AkSk),
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Auth::None => f.write_str("Auth::None"),
            Auth::Token(_) => f.write_str("Auth::Token(<redacted>)"),
            Auth::Keystone(keystone) => f.debug_tuple("Auth::Keystone").field(keystone).finish(),
            Auth::AkSk(aksk) => f.debug_tuple("Auth::AkSk").field(aksk).finish(),
        }
    }
}

impl Auth {
    /// A fixed token; the header value is marked sensitive so it never shows in `Debug`.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Config`](crate::ErrorKind::Config) when the token is empty or holds
    /// characters a header cannot carry.
    pub fn token(token: &str) -> Result<Auth, Error> {
        if token.trim().is_empty() {
            return Err(Error::config("the token is empty"));
        }
        let mut value = HeaderValue::from_str(token.trim())
            .map_err(|_| Error::config("the token holds characters a header cannot carry"))?;
        value.set_sensitive(true);
        Ok(Auth::Token(value))
    }

    /// Keystone v3 password authentication with these credentials.
    pub fn password(password: Password) -> Auth {
        Auth::Keystone(Keystone::new(password))
    }

    /// Keystone v3 application credential authentication.
    pub fn application_credential(credential: ApplicationCredential) -> Auth {
        Auth::Keystone(Keystone::new(credential))
    }

    /// A token exchanged with Keystone for one scoped to a project.
    pub fn scoped_token(token: ScopedToken) -> Auth {
        Auth::Keystone(Keystone::new(token))
    }

    /// A token used as it is, its catalog and expiry read from Keystone.
    pub fn existing_token(token: ExistingToken) -> Auth {
        Auth::Keystone(Keystone::new(token))
    }

    /// AK/SK signing with these keys (and the project id, if set, sent as `X-Project-Id`).
    pub fn aksk(aksk: AkSk) -> Auth {
        Auth::AkSk(aksk)
    }

    /// The Keystone session, for [`Auth::Keystone`].
    pub fn keystone(&self) -> Option<&Keystone> {
        match self {
            Auth::Keystone(keystone) => Some(keystone),
            _ => None,
        }
    }

    /// Adds the credentials to a request about to be sent (again, on a retry): a token header,
    /// or a fresh AK/SK signature. Keystone is called through `http`, the client's own
    /// `reqwest::Client`.
    pub(crate) async fn authorize(
        &self,
        http: &reqwest::Client,
        request: &mut reqwest::Request,
    ) -> Result<(), Error> {
        match self {
            Auth::None => Ok(()),
            Auth::Token(token) => {
                let mut token = token.clone();
                token.set_sensitive(true);
                request.headers_mut().insert(X_AUTH_TOKEN, token);
                Ok(())
            }
            Auth::Keystone(keystone) => {
                let token = keystone.token(http).await?;
                request
                    .headers_mut()
                    .insert(X_AUTH_TOKEN, token.header_value());
                Ok(())
            }
            Auth::AkSk(aksk) => {
                // A previous attempt's signature would otherwise be signed as a header.
                request.headers_mut().remove(AUTHORIZATION);
                aksk.sign_request(request, SystemTime::now())
                    .map(drop)
                    .map_err(|e| {
                        Error::auth(format!("could not sign the request with AK/SK: {e}"))
                            .with_source(e)
                    })
            }
        }
    }

    /// Called after the service answered 401 to `request`, which `self` authorized: drops
    /// the cached Keystone token if it is the one the request carried (so 20 concurrent 401s
    /// cause one renewal, not 20). Returns whether resending with new credentials can help.
    pub(crate) async fn unauthorized(&self, request: &reqwest::Request) -> bool {
        match self {
            Auth::Keystone(keystone) => {
                if !keystone.credentials().renewable() {
                    return false;
                }
                keystone.rejected(request.headers().get(X_AUTH_TOKEN));
                true
            }
            Auth::None | Auth::Token(_) | Auth::AkSk(_) => false,
        }
    }
}

/// A secret string (password): `Debug` prints `<redacted>`.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Secret(String);

impl Secret {
    pub(crate) fn new(secret: impl Into<String>) -> Secret {
        Secret(secret.into())
    }

    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}
