//! The hooks the generated client runs around every request.
//!
//! progenitor decodes the body of an error response (4xx/5xx) as [`types::ErrorResponse`] and
//! returns it with the status and headers in [`Error::ErrorResponse`]. A body that does not
//! decode, such as the HTML page of a gateway, plain text, an empty body or a JSON array, would
//! become [`Error::InvalidResponsePayload`], which keeps neither the status nor the headers.
//!
//! [`Client`]'s `exec` hook prevents that for every operation at once: for an error status
//! whose body does not decode as [`types::ErrorResponse`], it replaces the body with the JSON
//! object `{"message": <one-line summary>, "raw_body": <original text>}` and sets
//! `Content-Type: application/json`. The caller then gets [`Error::ErrorResponse`] with the
//! status, every other header, a readable `message` (made by `crate::text::summarize`) and
//! the original body in `raw_body`.
//! Successful responses and error bodies that already decode pass through unchanged.
//!
//! The generated code implements `ClientHooks` for `&Client` with the default behaviour; this
//! implementation for `Client` takes precedence (progenitor's auto-ref specialisation). There
//! can be only one, so further hooks (`pre`, `post`) belong in this module too.
//!
//! [`types::ErrorResponse`]: crate::types::ErrorResponse
//! [`Error::ErrorResponse`]: crate::GeneratedError::ErrorResponse
//! [`Error::InvalidResponsePayload`]: crate::GeneratedError::InvalidResponsePayload

use std::time::Instant;

use progenitor_client::{ClientHooks, ClientInfo, Error, OperationInfo};
use reqwest::header::{self, HeaderValue};
use reqwest::{ResponseBuilderExt, StatusCode};
use tracing::Instrument;

use crate::{Client, Context};

/// Response headers that carry the service's id for a request, in order of preference.
pub const REQUEST_ID_HEADERS: &[&str] = &[
    "x-request-id",
    "x-openstack-request-id",
    "x-compute-request-id",
];

impl ClientHooks<Context> for Client {
    /// Removes progenitor's `api-version` header (the service has no use for it), asks for
    /// JSON (so Glance's errors come as JSON too) and adds the credentials. A failure to get
    /// credentials becomes `Error::Custom("<operation>: authentication failed: ...")`, which
    /// `ims::Error::from` reads back (`crate::error::hook_message`).
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        info: &OperationInfo,
    ) -> Result<(), Error<E>> {
        request.headers_mut().remove("api-version");
        request
            .headers_mut()
            .insert(header::ACCEPT, HeaderValue::from_static("application/json"));
        self.inner()
            .auth
            .authorize(self.client(), request)
            .await
            .map_err(|e| Error::Custom(crate::error::hook_message(info.operation_id, &e)))
    }

    /// Sends the request under the retry policy, in one tracing span per request.
    async fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        crate::paginate::observe(self, &request, info.operation_id);
        let span = tracing::info_span!(
            "ims.request",
            operation = info.operation_id,
            method = %request.method(),
            path = request.url().path(),
            status = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
            request_id = tracing::field::Empty,
            attempts = tracing::field::Empty,
        );
        let started = Instant::now();
        let result = send(self, request)
            .instrument(span.clone())
            .await
            .map(|response| crate::error::tag_response(response, info.operation_id));
        span.record("duration_ms", started.elapsed().as_millis() as u64);
        match &result {
            Ok(response) => {
                span.record("status", response.status().as_u16());
                if let Some(id) = request_id(response.headers()) {
                    span.record("request_id", id);
                }
            }
            Err(error) => {
                let _entered = span.enter();
                tracing::warn!(error = %error, "request failed");
            }
        }
        result
    }
}

/// The service's id for a request, from the first of [`REQUEST_ID_HEADERS`] present.
pub fn request_id(headers: &reqwest::header::HeaderMap) -> Option<&str> {
    REQUEST_ID_HEADERS
        .iter()
        .find_map(|name| headers.get(*name).and_then(|v| v.to_str().ok()))
}

/// One request through the retry policy: each attempt after the first is authorized anew
/// (fresh signature date, refreshed token), and a 401 to a refreshable credential is answered
/// by one more attempt with new credentials.
async fn send(client: &Client, request: reqwest::Request) -> reqwest::Result<reqwest::Response> {
    let context = client.inner();
    let http = client.client();
    let mut attempts = 0;
    let result = context
        .retry
        .execute(request, |mut request, attempt| {
            attempts = attempt;
            async move {
                if attempt > 1 {
                    reauthorize(context, http, &mut request).await;
                }
                let spare = request.try_clone();
                let response = http.execute(request).await?;
                let response = match spare {
                    Some(mut again)
                        if response.status() == StatusCode::UNAUTHORIZED
                            && context.auth.unauthorized(&again).await =>
                    {
                        reauthorize(context, http, &mut again).await;
                        http.execute(again).await?
                    }
                    _ => response,
                };
                keep_error_body(response).await
            }
        })
        .await;
    tracing::Span::current().record("attempts", attempts);
    result
}

/// Re-applies the credentials; a failure is logged and the request goes out with the
/// credentials it had, so the caller sees the service's answer.
async fn reauthorize(context: &Context, http: &reqwest::Client, request: &mut reqwest::Request) {
    if let Err(error) = context.auth.authorize(http, request).await {
        tracing::warn!(error = %error, "could not renew credentials");
    }
}

/// Rewrites the body of an error response that would not decode (see the module docs).
async fn keep_error_body(response: reqwest::Response) -> reqwest::Result<reqwest::Response> {
    let status = response.status();
    if !status.is_client_error() && !status.is_server_error() {
        return Ok(response);
    }
    let url = response.url().clone();
    let version = response.version();
    let mut headers = response.headers().clone();
    let body = response.bytes().await?;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    let body = match error_body_as_json(status, content_type, &body) {
        None => body,
        Some(json) => {
            headers.remove(header::TRANSFER_ENCODING);
            headers.remove(header::CONTENT_ENCODING);
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            headers.insert(header::CONTENT_LENGTH, HeaderValue::from(json.len()));
            bytes::Bytes::from(json)
        }
    };
    let mut rebuilt = http::Response::builder()
        .status(status)
        .version(version)
        .url(url)
        .extension(crate::error::ErrorBody(body.clone()));
    if let Some(slot) = rebuilt.headers_mut() {
        *slot = headers;
    }
    let rebuilt = rebuilt
        .body(body)
        .expect("status, version and headers come from a valid response");
    Ok(reqwest::Response::from(rebuilt))
}

/// The JSON object to decode in place of an error body that does not decode as
/// [`crate::types::ErrorResponse`]; `None` when the body decodes as it is.
pub(crate) fn error_body_as_json(
    status: StatusCode,
    content_type: Option<&str>,
    body: &[u8],
) -> Option<Vec<u8>> {
    if serde_json::from_slice::<crate::types::ErrorResponse>(body).is_ok() {
        return None;
    }
    let raw = String::from_utf8_lossy(body);
    let message = crate::text::summarize(status, content_type, &raw);
    let object = serde_json::json!({ "message": message, "raw_body": raw });
    Some(serde_json::to_vec(&object).expect("a JSON object of strings serializes"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_bodies_that_do_not_decode_are_replaced() {
        let ims = br#"{"error": {"code": "IMG.0024", "message": "bad"}}"#;
        assert_eq!(error_body_as_json(StatusCode::BAD_REQUEST, None, ims), None);
        let replaced = error_body_as_json(StatusCode::BAD_REQUEST, None, b"[1, 2]").unwrap();
        let value: serde_json::Value = serde_json::from_slice(&replaced).unwrap();
        assert_eq!(
            value,
            serde_json::json!({"message": "[1, 2]", "raw_body": "[1, 2]"})
        );
    }
}
