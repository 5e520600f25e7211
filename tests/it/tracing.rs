//! What the client traces: one `ims.request` span per request with its fields, and never a
//! credential (token, password, secret key, signature) in any span, event, formatted log
//! line, `Debug` output or error message.

use crate::support::capture;
use std::time::Duration;

use crate::support::fake_cloud::FakeCloud;
use crate::support::{CannedResponse, Server};
use ims::auth::{Auth, Domain, Password, Project, User};
use ims::signing::AkSk;
use ims::{Client, ClientBuilder};
use serde_json::json;

const PASSWORD: &str = "pw-s3cr3t-value";
const SECRET_KEY: &str = "sk-s3cr3t-value";
const STATIC_TOKEN: &str = "static-s3cr3t-token";

#[tokio::test]
async fn one_span_per_request_with_its_fields() {
    let (captured, _guard) = capture::capture();
    let server = Server::start(vec![
        CannedResponse::json(200, &json!({"images": []}))
            .header("X-Openstack-Request-Id", "req-ok-1"),
        CannedResponse::json(
            404,
            &json!({"error": {"code": "IMG.0024", "message": "none"}}),
        )
        .header("X-Request-Id", "req-404"),
    ]);
    let client = Client::builder()
        .endpoint(server.base_url())
        .auth(Auth::token(STATIC_TOKEN).unwrap())
        .build()
        .await
        .unwrap();
    client.list_images().limit(2).send().await.unwrap();
    client
        .show_image()
        .image_id("img-9")
        .send()
        .await
        .unwrap_err();

    let spans = captured.spans("ims.request");
    assert_eq!(spans.len(), 2, "{spans:#?}");
    let field = |i: usize, name: &str| spans[i].fields.get(name).cloned().unwrap_or_default();
    assert_eq!(field(0, "operation"), "list_images");
    assert_eq!(field(0, "method"), "GET");
    assert_eq!(field(0, "path"), "/v2/images");
    assert_eq!(field(0, "status"), "200");
    assert_eq!(field(0, "request_id"), "req-ok-1");
    assert_eq!(field(0, "attempts"), "1");
    assert!(
        field(0, "duration_ms").parse::<u64>().is_ok(),
        "{:?}",
        spans[0]
    );
    assert_eq!(field(1, "operation"), "show_image");
    assert_eq!(field(1, "path"), "/v2/images/img-9");
    assert_eq!(field(1, "status"), "404");
    assert_eq!(field(1, "request_id"), "req-404");
    let text = captured.text();
    assert!(text.contains("ims.request"), "{text}");
    assert!(
        !captured.everything().contains(STATIC_TOKEN),
        "{}",
        captured.everything()
    );
}

/// Keystone password auth through a token fetch, a 401 and a renewal, a fixed token, AK/SK
/// signing and a refused Keystone login, all traced at every level: no secret anywhere.
#[tokio::test]
async fn no_credential_is_ever_traced_or_printed() {
    let (captured, _guard) = capture::capture();
    let mut printed = Vec::<String>::new();

    // Keystone password auth, with a rejected token renewed after a 401.
    let cloud = FakeCloud::start();
    let password = Password::new(
        cloud.auth_url(),
        User::name("demo", Domain::Name("Default".into())),
        PASSWORD,
        Project::name("demo", Domain::Name("Default".into())),
    );
    printed.push(format!("{password:?}"));
    let auth = Auth::password(password.clone());
    let client = Client::builder()
        .endpoint(cloud.server.base_url())
        .auth(auth.clone())
        .build()
        .await
        .unwrap();
    client.list_images().send().await.unwrap();
    cloud.with(|s| {
        s.rejected.insert("tok-1".into());
    });
    client.list_images().send().await.unwrap();
    assert_eq!(cloud.keystone_requests().len(), 2);
    let keystone = auth.keystone().unwrap();
    let token = keystone.cached_token().unwrap();
    assert_eq!(token.expose_secret(), "tok-2");
    printed.extend([
        format!("{auth:?}"),
        format!("{keystone:?}"),
        format!("{token:?}"),
        format!("{client:?}"),
    ]);

    // Keystone refuses: the error text and Debug.
    cloud.with(|s| {
        s.keystone_failure = Some(CannedResponse::json(
            401,
            &json!({"error": {"code": 401, "message": "The request you have made requires authentication.", "title": "Unauthorized"}}),
        ));
    });
    keystone.invalidate();
    let error = client.list_images().send().await.unwrap_err();
    assert_eq!(error.kind(), ims::ErrorKind::Auth);
    printed.extend([error.to_string(), format!("{error:?}")]);

    // A fixed token, answered 401.
    let server = Server::start(vec![CannedResponse::json(
        401,
        &json!({"message": "expired"}),
    )]);
    let static_auth = Auth::token(STATIC_TOKEN).unwrap();
    printed.push(format!("{static_auth:?}"));
    let client = Client::builder()
        .endpoint(server.base_url())
        .auth(static_auth)
        .build()
        .await
        .unwrap();
    let error = client.list_images().send().await.unwrap_err();
    printed.extend([
        error.to_string(),
        format!("{error:?}"),
        format!("{client:?}"),
    ]);
    assert_eq!(
        server.single_request().header("x-auth-token"),
        Some(STATIC_TOKEN)
    );

    // AK/SK, with a security token.
    let server = Server::start(vec![CannedResponse::json(200, &json!({"images": []}))]);
    let aksk = AkSk::new("AKTEST", SECRET_KEY)
        .with_project_id("p1")
        .with_security_token("sec-s3cr3t-token");
    let client = Client::builder()
        .endpoint(server.base_url())
        .auth(Auth::aksk(aksk))
        .build()
        .await
        .unwrap();
    client.list_images().send().await.unwrap();
    let authorization = server
        .single_request()
        .header("authorization")
        .unwrap()
        .to_string();
    let signature = authorization
        .split("Signature=")
        .nth(1)
        .unwrap()
        .to_string();
    assert_eq!(signature.len(), 64);
    printed.push(format!("{client:?}"));

    // Builders from every kind of source.
    for pairs in [
        vec![
            ("OS_AUTH_URL", "http://k/v3"),
            ("OS_USERNAME", "demo"),
            ("OS_PASSWORD", PASSWORD),
            ("OS_PROJECT_ID", "p"),
            ("OS_USER_DOMAIN_ID", "default"),
        ],
        vec![("OS_AUTH_TOKEN", STATIC_TOKEN)],
        vec![
            ("HUAWEICLOUD_SDK_AK", "AK"),
            ("HUAWEICLOUD_SDK_SK", SECRET_KEY),
            ("HUAWEICLOUD_SDK_PROJECT_ID", "p"),
            ("HUAWEICLOUD_SDK_SECURITY_TOKEN", "sec-s3cr3t-token"),
        ],
    ] {
        let builder = ClientBuilder::from_vars(
            move |name| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, v)| v.to_string())
            },
            &[],
        )
        .unwrap();
        printed.push(format!("{builder:?}"));
    }

    tokio::time::sleep(Duration::from_millis(10)).await;
    let everything = format!("{}\n{}", captured.everything(), printed.join("\n"));
    assert!(everything.contains("ims.request"), "the capture works");
    assert!(
        everything.contains("Keystone token request"),
        "the capture works"
    );
    for secret in [
        PASSWORD,
        STATIC_TOKEN,
        SECRET_KEY,
        "sec-s3cr3t-token",
        "tok-1",
        "tok-2",
        "s3cr3t",
        signature.as_str(),
    ] {
        assert!(
            !everything.contains(secret),
            "`{secret}` leaked:\n{everything}"
        );
    }
}
