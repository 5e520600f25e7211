//! `ims::Error` over real HTTP: the operation, status, IMS code and message, OpenStack
//! message and title, request id, HTML summaries, transport and decode errors, and a
//! `Display` that says what to check.

use std::time::Duration;

use crate::support::{CannedResponse, Server};
use ims::retry::RetryPolicy;
use ims::{Client, Context, ErrorKind};
use reqwest::StatusCode;
use serde_json::json;

const IMAGE_ID: &str = "33ad552d-1149-471c-8190-ff6776174a00";

/// A client of `base_url` that sends each request once.
fn once(base_url: &str) -> Client {
    Client::new(base_url, Context::default().with_retry(RetryPolicy::none()))
}

async fn show_image(response: CannedResponse) -> ims::Error {
    let server = Server::start(vec![response]);
    let client = once(&server.base_url());
    client
        .show_image()
        .image_id(IMAGE_ID)
        .send()
        .await
        .unwrap_err()
}

async fn list_images(response: CannedResponse) -> ims::Error {
    let server = Server::start(vec![response]);
    let client = once(&server.base_url());
    client.list_images().send().await.unwrap_err()
}

#[tokio::test]
async fn ims_code_message_and_request_id() {
    let body = json!({"error": {"code": "IMG.0024", "message": "The image does not exist."}});
    let error =
        show_image(CannedResponse::json(404, &body).header("X-Request-Id", "5c2a3fb2-req")).await;
    assert_eq!(error.kind(), ErrorKind::Status);
    assert_eq!(error.operation(), Some("show_image"));
    assert_eq!(error.status(), Some(StatusCode::NOT_FOUND));
    assert_eq!(error.code(), Some("IMG.0024"));
    assert_eq!(error.message(), Some("The image does not exist."));
    assert_eq!(error.request_id(), Some("5c2a3fb2-req"));
    assert_eq!(
        error.to_string(),
        "show_image: the service answered 404 Not Found: IMG.0024: The image does not exist. \
         (request id 5c2a3fb2-req). Check the id and the project: the resource may not exist, \
         or not be visible to the project."
    );
}

#[tokio::test]
async fn openstack_and_compute_request_ids() {
    let body = json!({"code": "403 Forbidden", "title": "Forbidden", "message": "You are not authorized to list images."});
    let error =
        list_images(CannedResponse::json(403, &body).header("X-Openstack-Request-Id", "req-os-1"))
            .await;
    assert_eq!(error.request_id(), Some("req-os-1"));
    assert_eq!(error.title(), Some("Forbidden"));
    assert_eq!(
        error.code(),
        None,
        "the OpenStack `code` is the status line, not an IMS code"
    );
    assert_eq!(
        error.to_string(),
        "list_images: the service answered 403 Forbidden: You are not authorized to list images. \
         (request id req-os-1). Check the project's permissions: the user's role in the project \
         may not allow this operation."
    );
    let error = list_images(
        CannedResponse::json(400, &json!({"message": "bad"}))
            .header("X-Compute-Request-Id", "req-c-1"),
    )
    .await;
    assert_eq!(error.request_id(), Some("req-c-1"));
}

#[tokio::test]
async fn glance_401_tells_to_check_the_token() {
    let body = json!({
        "message": "This server could not verify that you are authorized to access the document you requested.",
        "code": "401 Unauthorized",
        "title": "Unauthorized"
    });
    let error = list_images(
        CannedResponse::json(401, &body)
            .header(
                "WWW-Authenticate",
                "Keystone uri=\"http://127.0.0.1:35357\"",
            )
            .header("X-Openstack-Request-Id", "req-401"),
    )
    .await;
    assert_eq!(
        error.to_string(),
        "list_images: the service answered 401 Unauthorized: This server could not verify that you \
         are authorized to access the document you requested. (request id req-401). Check the token \
         or credentials: the token may have expired, or belong to another project or region."
    );
    assert_eq!(
        error.headers().unwrap()["www-authenticate"],
        "Keystone uri=\"http://127.0.0.1:35357\""
    );
}

#[tokio::test]
async fn an_html_error_page_is_summarised() {
    let page = "<html>\r\n<head><title>401 Authorization Required</title></head>\r\n<body>\r\n\
                <center><h1>401 Authorization Required</h1></center>\r\n\
                <hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";
    let error =
        show_image(CannedResponse::text(401, "text/html", page).header("X-Request-Id", "gw-1"))
            .await;
    assert_eq!(error.message(), Some("401 Authorization Required nginx"));
    assert_eq!(error.raw_body(), Some(page));
    assert_eq!(
        error.to_string(),
        "show_image: the service answered 401 Unauthorized: 401 Authorization Required nginx \
         (request id gw-1). Check the token or credentials: the token may have expired, or belong \
         to another project or region."
    );
}

/// Glance's JSON error keeps the HTML line breaks and blank lines of webob's page template in
/// its `message`: `message()` and `Display` give one clean line, `raw_body()` the body as the
/// service sent it.
#[tokio::test]
async fn glance_messages_are_one_line_without_markup() {
    let glance = json!({
        "message": "No image found with ID nope<br /><br />\n\n\n",
        "code": "404 Not Found",
        "title": "Not Found"
    });
    let server = Server::start(vec![
        CannedResponse::json(404, &glance).header("X-Openstack-Request-Id", "req-glance-1"),
    ]);
    let client = once(&server.base_url());
    let error = client
        .show_image()
        .image_id("nope")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Status);
    assert_eq!(error.status(), Some(StatusCode::NOT_FOUND));
    assert_eq!(error.message(), Some("No image found with ID nope"));
    assert_eq!(error.title(), Some("Not Found"));
    assert_eq!(
        error.to_string(),
        "show_image: the service answered 404 Not Found: No image found with ID nope \
         (request id req-glance-1). Check the id and the project: the resource may not exist, \
         or not be visible to the project."
    );
    let raw: serde_json::Value =
        serde_json::from_str(error.raw_body().expect("the original body")).unwrap();
    assert_eq!(
        raw, glance,
        "raw_body() keeps the body as the service sent it"
    );

    // The same body with a status the operation does not document (progenitor's
    // `UnexpectedResponse`): the same message, and the body byte for byte.
    let text = serde_json::to_string(&glance).unwrap();
    let error = list_images(CannedResponse::text(409, "application/json", text.as_str())).await;
    assert_eq!(error.status(), Some(StatusCode::CONFLICT));
    assert_eq!(error.message(), Some("No image found with ID nope"));
    assert_eq!(error.raw_body(), Some(text.as_str()));
    assert!(!error.to_string().contains(['<', '\n']), "{error}");
}

/// 502 and 429 are not in the spec (progenitor's `UnexpectedResponse`, body unread): the
/// message still comes through, from the body the hook kept.
#[tokio::test]
async fn undocumented_statuses_keep_message_and_hint() {
    let error = list_images(
        CannedResponse::text(
            502,
            "text/html",
            "<html><body><h1>502 Bad Gateway</h1><p>upstream timed out</p></body></html>",
        )
        .header("X-Request-Id", "gw-502"),
    )
    .await;
    assert_eq!(error.operation(), Some("list_images"));
    assert_eq!(error.status(), Some(StatusCode::BAD_GATEWAY));
    assert_eq!(
        error.to_string(),
        "list_images: the service answered 502 Bad Gateway: 502 Bad Gateway upstream timed out \
         (request id gw-502). The service is unavailable: retry later."
    );
    let error = list_images(CannedResponse::json(
        429,
        &json!({"error": {"code": "APIGW.0308", "message": "The request is throttled."}}),
    ))
    .await;
    assert_eq!(error.code(), Some("APIGW.0308"));
    assert_eq!(
        error.to_string(),
        "list_images: the service answered 429 Too Many Requests: APIGW.0308: The request is \
         throttled. Too many requests: retry later."
    );
    let error = show_image(CannedResponse::new(503)).await;
    assert!(
        error
            .to_string()
            .ends_with("The service is unavailable: retry later."),
        "{error}"
    );
}

/// A Keystone-shaped body (numeric `code`) from a gateway still gives its message.
#[tokio::test]
async fn keystone_shaped_bodies_give_their_message() {
    let body = json!({"error": {"code": 401, "message": "The request you have made requires authentication.", "title": "Unauthorized"}});
    let error = list_images(CannedResponse::json(401, &body)).await;
    assert_eq!(
        error.message(),
        Some("The request you have made requires authentication.")
    );
    assert_eq!(error.title(), Some("Unauthorized"));
}

#[tokio::test]
async fn error_statuses_name_their_operation() {
    let server = Server::start(vec![CannedResponse::json(404, &json!({"message": "no"}))]);
    // A base URL with a path of its own does not matter.
    let client = once(&format!("{}/ims", server.base_url()));
    let error = client.show_image().image_id("x").send().await.unwrap_err();
    assert_eq!(error.operation(), Some("show_image"));
    assert_eq!(error.status(), Some(StatusCode::NOT_FOUND));
    assert!(
        !error.headers().unwrap().contains_key("x-ims-operation"),
        "no made-up header"
    );
    assert_eq!(server.single_request().path(), "/ims/v2/images/x");
}

#[tokio::test]
async fn error_bodies_that_are_no_error_object_keep_status_and_body() {
    for (content_type, body, message) in [
        ("application/json", "", "404 Not Found with an empty body"),
        ("application/json", "[1, 2]", "[1, 2]"),
        ("text/plain", "no such image\n", "no such image"),
        (
            "application/json",
            r#"{"unexpected": true}"#,
            r#"{"unexpected": true}"#,
        ),
    ] {
        let error = show_image(CannedResponse::text(404, content_type, body)).await;
        assert_eq!(error.kind(), ErrorKind::Status, "{body:?}");
        assert_eq!(error.status(), Some(StatusCode::NOT_FOUND), "{body:?}");
        assert_eq!(error.message(), Some(message), "{body:?}");
        assert_eq!(error.raw_body(), Some(body), "the body as received");
    }
}

#[tokio::test]
async fn connect_errors_name_the_operation_and_what_to_check() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let client = once(&format!("http://127.0.0.1:{port}/prefix"));
    let error = client
        .show_image()
        .image_id("abc")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Connect);
    assert_eq!(error.operation(), Some("show_image"));
    assert_eq!(
        error.url(),
        Some(format!("http://127.0.0.1:{port}/prefix/v2/images/abc").as_str())
    );
    let text = error.to_string();
    assert!(
        text.starts_with(&format!(
            "show_image: could not connect to http://127.0.0.1:{port}/prefix/v2/images/abc: "
        )),
        "{text}"
    );
    assert!(
        text.ends_with("Check the endpoint URL and the network (DNS, proxy, firewall)."),
        "{text}"
    );
    assert!(std::error::Error::source(&error).is_some());
}

#[tokio::test]
async fn timeouts_say_so() {
    let server = Server::start(vec![
        CannedResponse::json(200, &json!({"images": []})).delay(Duration::from_secs(3)),
    ]);
    let client = Client::new(
        &server.base_url(),
        Context::default()
            .with_retry(RetryPolicy::none().attempt_timeout(Some(Duration::from_millis(200)))),
    );
    let error = client.list_images().limit(3).send().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Timeout);
    assert!(error.is_timeout());
    assert_eq!(error.operation(), Some("list_images"));
    assert_eq!(
        error.to_string(),
        format!(
            "list_images: the request to {}/v2/images timed out. Check the network and the \
             endpoint; a slow service may need a longer timeout.",
            server.base_url()
        )
    );
}

#[tokio::test]
async fn a_success_body_that_does_not_decode() {
    let error = list_images(CannedResponse::text(
        200,
        "text/html",
        "<h1>maintenance</h1>",
    ))
    .await;
    assert_eq!(error.kind(), ErrorKind::Decode);
    assert_eq!(error.operation(), Some("list_images"));
    let text = error.to_string();
    assert!(
        text.starts_with("list_images: the response from http://127.0.0.1:"),
        "{text}"
    );
    assert!(
        text.contains("Content-Type text/html; it starts with `maintenance`"),
        "{text}"
    );
}

#[tokio::test]
async fn a_request_missing_a_parameter() {
    let client = once("http://127.0.0.1:9");
    let error = client.show_image().send().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidRequest);
    assert!(
        error
            .to_string()
            .starts_with("show_image: invalid request: "),
        "{error}"
    );
}

#[tokio::test]
async fn every_request_asks_for_json() {
    let server = Server::start(vec![CannedResponse::json(200, &json!({"images": []}))]);
    let client = once(&server.base_url());
    client.list_images().send().await.unwrap();
    assert_eq!(
        server.single_request().header_all("accept"),
        ["application/json"]
    );
}
