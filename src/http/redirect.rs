//! Which redirects are followed: same origin only, a few hops, no loops.
//!
//! The `reqwest` client of the crate (see [`super::http_client`]) follows a redirect only
//! when it stays on the scheme, host and port of the request it answers, within
//! [`Limits::max_redirects`](super::Limits::max_redirects) hops, and does not lead back to a
//! URL already visited. Anything else ends the request with an error of
//! [`ErrorKind::Redirect`](crate::ErrorKind::Redirect) that says where the redirect pointed;
//! nothing is sent there. (`reqwest` itself removes only `Authorization` and `Cookie` when it
//! follows a redirect to another host; `X-Auth-Token` would go along.)

use std::fmt;

use reqwest::redirect::{Attempt, Policy};
use url::Url;

/// Why a redirect was not followed, for an error of
/// [`ErrorKind::Redirect`](crate::ErrorKind::Redirect) ([`Error::redirect`](crate::Error::redirect)).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RedirectProblem {
    /// The redirect pointed to another scheme, host or port.
    OtherOrigin {
        /// Where it pointed (scheme, host, port and path; the query is left out).
        to: String,
    },
    /// The redirect led back to a URL already visited.
    Loop {
        /// The URL visited twice (without its query).
        to: String,
    },
    /// More redirects than the limit.
    TooMany {
        /// The limit.
        max: usize,
        /// Where the last one pointed (without its query).
        to: String,
    },
}

impl fmt::Display for RedirectProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RedirectProblem::OtherOrigin { to } => write!(
                f,
                "the service redirected to another origin ({to}); it was not followed, so no credentials went there"
            ),
            RedirectProblem::Loop { to } => {
                write!(f, "the service's redirects loop (back to {to})")
            }
            RedirectProblem::TooMany { max, to } => write!(
                f,
                "the service redirected more than {max} times (the last to {to})"
            ),
        }
    }
}

impl std::error::Error for RedirectProblem {}

/// The policy: follow same-origin redirects, at most `max`, never in a loop.
pub(crate) fn policy(max: usize) -> Policy {
    Policy::custom(move |attempt| decide(attempt, max))
}

fn decide(attempt: Attempt<'_>, max: usize) -> reqwest::redirect::Action {
    let to = attempt.url();
    let shown = shown(to);
    let Some(first) = attempt.previous().first() else {
        return attempt.follow();
    };
    if !same_origin(first, to) {
        return attempt.error(RedirectProblem::OtherOrigin { to: shown });
    }
    if attempt.previous().iter().any(|seen| seen == to) {
        return attempt.error(RedirectProblem::Loop { to: shown });
    }
    if attempt.previous().len() > max {
        return attempt.error(RedirectProblem::TooMany { max, to: shown });
    }
    attempt.follow()
}

/// Whether two URLs have the same scheme, host and port (default ports filled in).
pub(crate) fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str() == b.host_str()
        && a.port_or_known_default() == b.port_or_known_default()
}

/// A URL for messages: scheme, host, port and path, without query or credentials.
pub(crate) fn shown(url: &Url) -> String {
    let mut shown = url.clone();
    shown.set_query(None);
    shown.set_fragment(None);
    let _ = shown.set_username("");
    let _ = shown.set_password(None);
    shown.to_string()
}

/// The redirect problem inside a `reqwest` error, if it is one of ours.
pub(crate) fn problem_of(error: &reqwest::Error) -> Option<RedirectProblem> {
    if !error.is_redirect() {
        return None;
    }
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(current) = cause {
        if let Some(problem) = current.downcast_ref::<RedirectProblem>() {
            return Some(problem.clone());
        }
        cause = current.source();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> Url {
        Url::parse(text).unwrap()
    }

    #[test]
    fn origins_compare_scheme_host_and_port() {
        assert!(same_origin(&url("https://a/x"), &url("https://a:443/y?z")));
        assert!(!same_origin(&url("https://a/x"), &url("http://a/x")));
        assert!(!same_origin(
            &url("http://127.0.0.1:80/"),
            &url("http://127.0.0.2/")
        ));
        assert!(!same_origin(&url("http://a:8080/"), &url("http://a:8081/")));
    }

    #[test]
    fn shown_urls_drop_query_and_userinfo() {
        assert_eq!(
            shown(&url("http://u:p@h:1/v2/images?token=secret#f")),
            "http://h:1/v2/images"
        );
    }
}
