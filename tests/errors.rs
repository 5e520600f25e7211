//! Error responses keep their status, headers and body, whatever the body looks like.
//!
//! An error body the service documents decodes as `types::ErrorResponse`. Any other body (an
//! HTML page from a gateway, plain text, nothing, a JSON array) is turned by the client's
//! `exec` hook (`src/hooks.rs`) into `{"message": <one-line summary>, "raw_body": <original>}`,
//! so it still arrives as `Error::ErrorResponse` with the status and headers instead of as an
//! `Error::InvalidResponsePayload` without them.

mod support;

use ims::types::ErrorResponse;
use ims::{GeneratedError as Error, ResponseValue};
use serde_json::json;
use support::{CannedResponse, Server};

const IMAGE_ID: &str = "33ad552d-1149-471c-8190-ff6776174a00";

/// One attempt per request: these tests look at a single error response, and 500/502 would
/// otherwise be retried (against a server with nothing more to answer).
fn no_retries() -> ims::Context {
    ims::Context::default().with_retry(ims::retry::RetryPolicy::none())
}

/// Sends `show_image` to a server answering with `response`, and returns the error response.
async fn show_image_error(response: CannedResponse) -> ResponseValue<ErrorResponse> {
    let server = Server::start(vec![response]);
    let client = ims::Client::new(&server.base_url(), no_retries());
    match client.show_image().image_id(IMAGE_ID).send().await {
        Err(Error::ErrorResponse(value)) => value,
        other => panic!("expected Error::ErrorResponse, got {other:?}"),
    }
}

#[tokio::test]
async fn ims_error_body_keeps_status_code_and_request_id() {
    let body = json!({"error": {"code": "IMG.0024", "message": "The image does not exist."}});
    let error =
        show_image_error(CannedResponse::json(404, &body).header("X-Request-Id", "5c2a3fb2-req"))
            .await;
    assert_eq!(error.status(), 404);
    assert_eq!(error.headers()["x-request-id"], "5c2a3fb2-req");
    assert_eq!(error.headers()["content-type"], "application/json");
    let ims = error.error.as_ref().expect("the IMS error object");
    assert_eq!(ims.code.as_deref(), Some("IMG.0024"));
    assert_eq!(ims.message.as_deref(), Some("The image does not exist."));
    assert_eq!(
        error.raw_body, None,
        "a body that decodes is passed through untouched"
    );
    assert_eq!(serde_json::to_value(error.into_inner()).unwrap(), body);
}

#[tokio::test]
async fn openstack_error_body_decodes() {
    let body = json!({
        "code": "404 Not Found",
        "title": "Not Found",
        "message": format!("No image found with ID {IMAGE_ID}"),
    });
    let error = show_image_error(CannedResponse::json(404, &body)).await;
    assert_eq!(error.status(), 404);
    assert_eq!(error.title.as_deref(), Some("Not Found"));
    assert_eq!(error.raw_body, None);
}

#[tokio::test]
async fn html_page_gives_status_and_one_line_message() {
    let page = "<html>\r\n<head><title>401 Authorization Required</title></head>\r\n<body>\r\n\
                <center><h1>401 Authorization Required</h1></center>\r\n\
                <hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";
    let error = show_image_error(
        CannedResponse::text(401, "text/html", page)
            .header("X-Request-Id", "gw-1")
            .header("WWW-Authenticate", "Keystone uri=\"https://iam.example\""),
    )
    .await;
    assert_eq!(error.status(), 401);
    assert_eq!(error.headers()["x-request-id"], "gw-1");
    assert_eq!(
        error.headers()["www-authenticate"],
        "Keystone uri=\"https://iam.example\""
    );
    assert_eq!(
        error.message.as_deref(),
        Some("401 Authorization Required nginx")
    );
    assert_eq!(error.raw_body.as_deref(), Some(page));
}

#[tokio::test]
async fn empty_body_keeps_status() {
    let error = show_image_error(CannedResponse::new(500).header("X-Request-Id", "r-500")).await;
    assert_eq!(error.status(), 500);
    assert_eq!(error.headers()["x-request-id"], "r-500");
    assert_eq!(
        error.message.as_deref(),
        Some("500 Internal Server Error with an empty body")
    );
    assert_eq!(error.raw_body.as_deref(), Some(""));
}

#[tokio::test]
async fn json_array_body_keeps_status() {
    let error = show_image_error(CannedResponse::text(
        400,
        "application/json",
        r#"["bad", "request"]"#,
    ))
    .await;
    assert_eq!(error.status(), 400);
    assert_eq!(error.raw_body.as_deref(), Some(r#"["bad", "request"]"#));
    assert_eq!(error.message.as_deref(), Some(r#"["bad", "request"]"#));
}

#[tokio::test]
async fn plain_text_body_keeps_status() {
    let text = "404 Not Found\n\nThe resource could not be found.\n\n   ";
    let error =
        show_image_error(CannedResponse::text(404, "text/plain; charset=UTF-8", text)).await;
    assert_eq!(error.status(), 404);
    assert_eq!(
        error.message.as_deref(),
        Some("404 Not Found The resource could not be found.")
    );
    assert_eq!(error.raw_body.as_deref(), Some(text));
}

/// Keystone-style bodies carry a numeric `code`, which `ImsError.code` (a string) cannot
/// hold: the object does not decode, so it is kept whole in `raw_body`.
#[tokio::test]
async fn object_body_that_does_not_decode_keeps_status() {
    let body =
        json!({"error": {"code": 401, "title": "Unauthorized", "message": "Expired token."}});
    let error = show_image_error(CannedResponse::json(401, &body)).await;
    assert_eq!(error.status(), 401);
    let raw: serde_json::Value = serde_json::from_str(error.raw_body.as_deref().unwrap()).unwrap();
    assert_eq!(raw, body);
}

/// A status the spec does not list is `Error::UnexpectedResponse`; its body is readable too.
#[tokio::test]
async fn unlisted_status_keeps_the_response() {
    let server = Server::start(vec![CannedResponse::text(
        502,
        "text/html",
        "<h1>Bad Gateway</h1>",
    )]);
    let client = ims::Client::new(&server.base_url(), no_retries());
    match client.list_images().send().await {
        Err(Error::UnexpectedResponse(response)) => {
            assert_eq!(response.status(), 502);
            let body: ErrorResponse = response.json().await.unwrap();
            assert_eq!(body.message.as_deref(), Some("Bad Gateway"));
            assert_eq!(body.raw_body.as_deref(), Some("<h1>Bad Gateway</h1>"));
        }
        other => panic!("expected Error::UnexpectedResponse, got {other:?}"),
    }
}

/// A success body that does not decode is still an error without a status: the hook only
/// touches error statuses.
#[tokio::test]
async fn success_bodies_are_not_rewritten() {
    let server = Server::start(vec![CannedResponse::text(
        200,
        "text/html",
        "<h1>maintenance</h1>",
    )]);
    let client = ims::Client::new(&server.base_url(), ims::Context::default());
    let err = client.list_images().send().await.unwrap_err();
    assert!(
        matches!(err, Error::InvalidResponsePayload(ref body, _) if body.as_ref() == b"<h1>maintenance</h1>"),
        "{err:?}"
    );
}
