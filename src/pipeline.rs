//! The one path every request of the client takes, in this order:
//!
//! 1. **credentials** ([`crate::auth`]): a token header or an AK/SK signature, applied anew
//!    to each attempt;
//! 2. **retry policy** ([`crate::http::retry`]): attempts, backoff, `Retry-After`, timeouts;
//! 3. **redirect policy** ([`crate::http::redirect`]): same origin only, a few hops;
//! 4. **body** ([`crate::http::body`]): read under its size cap;
//! 5. **decode** ([`crate::decode`]): into the operation's type, errors naming the JSON path;
//! 6. one [`Error`] that names the operation, for whatever failed.
//!
//! The generated `send()` of every operation calls [`send`] with its operation's name; the
//! paging streams ([`crate::paginate`]) call [`fetch`] for each page and decode it item by
//! item. Each request runs in one `ims.request` tracing span.

use std::ops::Deref;

use reqwest::StatusCode;
use reqwest::header::{self, HeaderMap, HeaderValue};
use serde::de::DeserializeOwned;
use tracing::Instrument;

use crate::error::request_id;
use crate::http::Reply;
use crate::http::redirect::{RedirectProblem, same_origin, shown};
use crate::{Client, Context, Error};

/// A successful response: the decoded body, with the status and headers it came with. It
/// derefs to the body.
#[derive(Clone, Debug)]
pub struct Response<T> {
    status: StatusCode,
    headers: HeaderMap,
    body: T,
}

impl<T> Response<T> {
    /// The HTTP status (a success).
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The service's id for the request (`X-Request-Id`, `X-Openstack-Request-Id` or
    /// `X-Compute-Request-Id`).
    pub fn request_id(&self) -> Option<&str> {
        request_id(&self.headers)
    }

    /// The decoded body.
    pub fn into_inner(self) -> T {
        self.body
    }
}

impl<T> Deref for Response<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.body
    }
}

/// Sends the request of `operation` and decodes its body as `T`.
pub(crate) async fn send<T: DeserializeOwned>(
    client: &Client,
    operation: &'static str,
    request: Result<reqwest::Request, Error>,
) -> Result<Response<T>, Error> {
    let reply = fetch(client, operation, request?).await?;
    let body = crate::decode::body(operation, &reply)?;
    Ok(Response {
        status: reply.status,
        headers: reply.headers,
        body,
    })
}

/// Sends the request of `operation` through credentials, retries, redirects and the body
/// cap; a reply that is not a success is an [`Error`] of kind `Status`.
pub(crate) async fn fetch(
    client: &Client,
    operation: &'static str,
    mut request: reqwest::Request,
) -> Result<Reply, Error> {
    // progenitor adds an `api-version` header the service has no use for; ask for JSON, so
    // that Glance's errors come as JSON too.
    request.headers_mut().remove("api-version");
    request
        .headers_mut()
        .insert(header::ACCEPT, HeaderValue::from_static("application/json"));
    let span = tracing::info_span!(
        "ims.request",
        operation,
        method = %request.method(),
        path = request.url().path(),
        url = %request.url(),
        status = tracing::field::Empty,
        duration_ms = tracing::field::Empty,
        request_id = tracing::field::Empty,
        attempts = tracing::field::Empty,
    );
    let started = tokio::time::Instant::now();
    let result = attempts(client, operation, request)
        .instrument(span.clone())
        .await;
    span.record("duration_ms", started.elapsed().as_millis() as u64);
    if let Err(error) = &result {
        let _entered = span.enter();
        tracing::warn!(error = %error, "request failed");
    }
    result
}

/// The attempts of one request under the client's retry policy. Each attempt after the first
/// is authorized anew (fresh signature date, refreshed token), and a 401 to a refreshable
/// credential is answered by one more attempt with new credentials. The status, request id and
/// number of attempts go into the current span.
async fn attempts(
    client: &Client,
    operation: &'static str,
    mut request: reqwest::Request,
) -> Result<Reply, Error> {
    let context: &Context = &client.inner;
    let http = &client.client;
    let limits = &context.limits;
    context
        .auth
        .authorize(http, &mut request)
        .await
        .map_err(|error| error.with_operation(operation))?;
    let origin = request.url().clone();
    let mut count = 0;
    let result = context
        .retry
        .execute(request, |mut request, attempt| {
            count = attempt;
            async move {
                if attempt > 1 {
                    reauthorize(context, http, &mut request).await;
                }
                let spare = request.try_clone();
                let reply = crate::http::attempt(http, request, limits).await?;
                match spare {
                    Some(mut again)
                        if reply.status == StatusCode::UNAUTHORIZED
                            && context.auth.unauthorized(&again).await =>
                    {
                        reauthorize(context, http, &mut again).await;
                        crate::http::attempt(http, again, limits).await
                    }
                    _ => Ok(reply),
                }
            }
        })
        .await;
    let span = tracing::Span::current();
    span.record("attempts", count);
    if let Ok(reply) = &result {
        span.record("status", reply.status.as_u16());
        if let Some(id) = request_id(&reply.headers) {
            span.record("request_id", id);
        }
    }
    match result {
        // A `reqwest::Client` of the caller's that follows redirects itself: too late to keep
        // the credentials home, but not too late to say so.
        Ok(reply) if !same_origin(&origin, &reply.url) => {
            let problem = RedirectProblem::OtherOrigin {
                to: shown(&reply.url),
            };
            Err(Error::redirected(operation, &origin, problem))
        }
        Ok(reply) if reply.status.is_success() => Ok(reply),
        Ok(reply) => Err(Error::from_status(operation, reply)),
        Err(failure) => Err(Error::failure(operation, failure)),
    }
}

/// Re-applies the credentials; a failure is logged and the request goes out with the
/// credentials it had, so the caller sees the service's answer.
async fn reauthorize(context: &Context, http: &reqwest::Client, request: &mut reqwest::Request) {
    if let Err(error) = context.auth.authorize(http, request).await {
        tracing::warn!(error = %error, "could not renew credentials");
    }
}
