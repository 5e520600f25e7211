//! Authentication over real HTTP: a fixed token, Keystone password auth (token fetched,
//! cached, renewed before expiry and after a 401, one Keystone call however many requests
//! wait), and AK/SK signatures, against the test server's fake Keystone and IMS.

use std::time::{Duration, SystemTime};

use crate::support::fake_cloud::FakeCloud;
use crate::support::{CannedResponse, Server};
use futures::future::join_all;
use ims::auth::{Auth, Domain, Password, Project, User};
use ims::signing::AkSk;
use ims::{Client, ClientInfo, ErrorKind};
use serde_json::json;

const PASSWORD: &str = "pw-s3cr3t-value";

fn password(cloud: &FakeCloud) -> Password {
    Password::new(
        cloud.auth_url(),
        User::name("demo", Domain::Name("Default".into())),
        PASSWORD,
        Project::name("demo", Domain::Id("default".into())),
    )
}

async fn keystone_client(cloud: &FakeCloud) -> Client {
    Client::builder()
        .endpoint(cloud.server.base_url())
        .auth(Auth::password(password(cloud)))
        .build()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_fixed_token_is_sent_as_x_auth_token() {
    let server = Server::start(vec![CannedResponse::json(200, &json!({"images": []}))]);
    let client = Client::builder()
        .endpoint(server.base_url())
        .auth(Auth::token("static-token-123").unwrap())
        .build()
        .await
        .unwrap();
    client.list_images().send().await.unwrap();
    let request = server.single_request();
    assert_eq!(request.header("x-auth-token"), Some("static-token-123"));
    assert_eq!(request.header("accept"), Some("application/json"));
    assert_eq!(request.header("api-version"), None);
}

#[tokio::test]
async fn a_fixed_token_is_not_resent_after_a_401() {
    let server = Server::start(vec![CannedResponse::json(
        401,
        &json!({"message": "expired", "code": "401 Unauthorized", "title": "Unauthorized"}),
    )]);
    let client = Client::builder()
        .endpoint(server.base_url())
        .auth(Auth::token("static").unwrap())
        .build()
        .await
        .unwrap();
    let error = client.list_images().send().await.unwrap_err();
    assert_eq!(error.status(), Some(reqwest::StatusCode::UNAUTHORIZED));
    assert_eq!(
        server.requests().len(),
        1,
        "nothing can renew a fixed token"
    );
}

#[tokio::test]
async fn keystone_token_is_fetched_once_and_sent() {
    let cloud = FakeCloud::start();
    let client = keystone_client(&cloud).await;
    for _ in 0..3 {
        client.list_images().send().await.unwrap();
    }
    let keystone = cloud.keystone_requests();
    assert_eq!(keystone.len(), 1, "the token is cached");
    assert_eq!(keystone[0].method, "POST");
    assert_eq!(keystone[0].path(), "/v3/auth/tokens");
    let body: serde_json::Value = serde_json::from_slice(&keystone[0].body).unwrap();
    assert_eq!(
        body,
        json!({"auth": {
            "identity": {"methods": ["password"], "password": {"user": {
                "name": "demo", "domain": {"name": "Default"}, "password": PASSWORD}}},
            "scope": {"project": {"name": "demo", "domain": {"id": "default"}}}
        }})
    );
    let ims = cloud.ims_requests();
    assert_eq!(ims.len(), 3);
    assert!(
        ims.iter()
            .all(|r| r.header("x-auth-token") == Some("tok-1")),
        "{ims:#?}"
    );
}

#[tokio::test]
async fn concurrent_first_requests_share_one_token_request() {
    let cloud = FakeCloud::start();
    cloud.with(|s| s.keystone_delay = Duration::from_millis(100));
    let client = keystone_client(&cloud).await;
    let results = join_all((0..10).map(|_| client.list_images().send())).await;
    assert!(results.iter().all(Result::is_ok));
    assert_eq!(cloud.keystone_requests().len(), 1);
}

/// Tokens that live 2 s are renewed once less than 10 % (0.2 s) of that is left, before a
/// request goes out: a request 1.85 s or more after the first carries a new token and is never
/// rejected. (Only lower bounds on the time here, which a slow machine cannot break; where the
/// renewal point lies exactly is asserted on the paused clock in `src/auth/keystone.rs`.)
#[tokio::test]
async fn token_is_renewed_before_it_expires() {
    let cloud = FakeCloud::start();
    cloud.with(|s| s.lifetime = Duration::from_secs(2));
    let client = keystone_client(&cloud).await;
    client.list_images().send().await.unwrap();
    tokio::time::sleep(Duration::from_millis(1850)).await;
    client.list_images().send().await.unwrap();
    let tokens: Vec<_> = cloud
        .ims_requests()
        .iter()
        .map(|r| r.header("x-auth-token").unwrap().to_string())
        .collect();
    assert_eq!(tokens, ["tok-1", "tok-2"]);
    assert_eq!(cloud.with(|s| s.rejections), 0, "no request was rejected");
    assert_eq!(cloud.keystone_requests().len(), 2);
}

/// 20 requests go out with a token the service has revoked; their 401s come back spread over
/// half a second while Keystone takes 100 ms to answer. Exactly one new token is fetched:
/// the 401s during the fetch wait for it, and those after it find a token other than the one
/// they carried and leave it alone. Each request is sent twice, and succeeds.
#[tokio::test]
async fn twenty_concurrent_401s_cause_one_token_request() {
    let cloud = FakeCloud::start();
    let client = keystone_client(&cloud).await;
    client.list_images().send().await.unwrap();
    cloud.with(|s| {
        s.rejected.insert("tok-1".into());
        s.keystone_delay = Duration::from_millis(100);
        s.reject_delay = |n| Duration::from_millis(50 + 25 * n as u64);
    });
    let results = join_all((0..20).map(|_| client.list_images().send())).await;
    for result in &results {
        assert!(result.is_ok(), "{result:?}");
    }
    assert_eq!(
        cloud.keystone_requests().len(),
        2,
        "one initial token, one renewal"
    );
    let ims = cloud.ims_requests();
    let with = |token: &str| {
        ims.iter()
            .filter(|r| r.header("x-auth-token") == Some(token))
            .count()
    };
    assert_eq!(
        with("tok-1"),
        21,
        "the first request and each of the 20, once"
    );
    assert_eq!(with("tok-2"), 20, "each of the 20 resent once");
    assert_eq!(cloud.with(|s| s.rejections), 20);
}

#[tokio::test]
async fn a_request_rejected_twice_returns_the_401() {
    let cloud = FakeCloud::start();
    let client = keystone_client(&cloud).await;
    cloud.with(|s| {
        s.rejected.insert("tok-1".into());
        s.rejected.insert("tok-2".into());
    });
    let error = client.list_images().send().await.unwrap_err();
    assert_eq!(error.status(), Some(reqwest::StatusCode::UNAUTHORIZED));
    assert_eq!(error.operation(), Some("list_images"));
    assert_eq!(cloud.ims_requests().len(), 2, "resent once, not more");
    assert_eq!(cloud.keystone_requests().len(), 2);
}

/// Keystone refuses: every waiting request gets the refusal (from one Keystone call), as an
/// authentication error naming the operation, Keystone's message and what to check, and
/// never the password.
#[tokio::test]
async fn keystone_refusal_is_an_auth_error_shared_by_waiters() {
    let cloud = FakeCloud::start();
    cloud.with(|s| {
        s.keystone_delay = Duration::from_millis(100);
        s.keystone_failure = Some(
            CannedResponse::json(
                401,
                &json!({"error": {"code": 401, "message": "The request you have made requires authentication.", "title": "Unauthorized"}}),
            )
            .header("X-Openstack-Request-Id", "req-k-401"),
        );
    });
    let client = Client::builder()
        .endpoint(cloud.server.base_url())
        .auth(Auth::password(password(&cloud)))
        .build()
        .await
        .unwrap();
    let results = join_all((0..5).map(|_| client.list_images().send())).await;
    assert_eq!(cloud.keystone_requests().len(), 1);
    assert!(
        cloud.ims_requests().is_empty(),
        "nothing is sent without a token"
    );
    for result in results {
        let error = result.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Auth);
        assert_eq!(error.operation(), Some("list_images"));
        let text = error.to_string();
        assert!(
            text.starts_with("list_images: authentication failed: Keystone at http://127.0.0.1:"),
            "{text}"
        );
        assert!(
            text.contains("/v3/auth/tokens answered 401 Unauthorized: The request you have made requires authentication. (request id req-k-401); check the user name"),
            "{text}"
        );
        assert!(!text.contains(PASSWORD) && !format!("{error:?}").contains(PASSWORD));
    }
}

/// Keystone's 5xx (a locked database, a restarting worker) is retried twice, then reported.
#[tokio::test]
async fn keystone_5xx_is_retried_twice() {
    let cloud = FakeCloud::start();
    cloud.with(|s| {
        s.keystone_failure = Some(CannedResponse::text(
            500,
            "text/html",
            "<h1>Internal Server Error</h1>",
        ));
        s.keystone_failures_left = Some(2);
    });
    let client = keystone_client(&cloud).await;
    client.list_images().send().await.unwrap();
    assert_eq!(cloud.keystone_requests().len(), 3);

    let cloud = FakeCloud::start();
    cloud.with(|s| s.keystone_failure = Some(CannedResponse::new(503)));
    let error = Client::builder()
        .auth(Auth::password(password(&cloud)))
        .build()
        .await
        .unwrap_err();
    assert_eq!(cloud.keystone_requests().len(), 3);
    assert!(
        error.to_string().ends_with(
            "answered 503 Service Unavailable: 503 Service Unavailable with an empty body; Keystone is failing or overloaded: retry later"
        ),
        "{error}"
    );
}

#[tokio::test]
async fn unreachable_keystone_is_an_auth_error_at_build() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let auth = Auth::password(Password::new(
        format!("http://127.0.0.1:{port}"),
        User::id("u1"),
        PASSWORD,
        Project::id("p1"),
    ));
    let error = Client::builder().auth(auth).build().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Auth);
    let text = error.to_string();
    assert!(
        text.starts_with(&format!(
            "authentication failed: could not reach Keystone at http://127.0.0.1:{port}/v3/auth/tokens: "
        )),
        "{text}"
    );
    assert!(
        text.ends_with("check the auth URL and the network"),
        "{text}"
    );
}

/// AK/SK: every request carries `Authorization: SDK-HMAC-SHA256 Access=..., SignedHeaders=...,
/// Signature=...`, `X-Sdk-Date` and `X-Project-Id`, and the signature is the one the signer
/// computes for the request as the server received it.
#[tokio::test]
async fn aksk_requests_are_signed_consistently() {
    let server = Server::start(vec![
        CannedResponse::json(200, &json!({"images": []})),
        CannedResponse::json(200, &json!({"images": []})),
    ]);
    let aksk = AkSk::new("AKTEST123", "sk-s3cr3t-value").with_project_id("proj-1");
    let client = Client::builder()
        .endpoint(server.base_url())
        .auth(Auth::aksk(aksk.clone()))
        .build()
        .await
        .unwrap();
    client
        .list_images()
        .limit(5)
        .name("a b")
        .send()
        .await
        .unwrap();
    client
        .show_image()
        .image_id("img-1")
        .send()
        .await
        .unwrap_err();
    for request in server.requests() {
        assert_signed(&server, &request, &aksk);
    }
}

/// A request 503'd and retried is signed again: one `Authorization` header, the old one not
/// among the signed headers, and a valid signature on each attempt.
#[tokio::test]
async fn aksk_retried_attempts_are_signed_anew() {
    let server = Server::start(vec![
        CannedResponse::new(503),
        CannedResponse::json(200, &json!({"images": []})),
    ]);
    let aksk = AkSk::new("AKTEST123", "sk-s3cr3t-value").with_project_id("proj-1");
    let client = Client::builder()
        .endpoint(server.base_url())
        .auth(Auth::aksk(aksk.clone()))
        .retry(
            ims::retry::RetryPolicy::default()
                .backoff(Duration::from_millis(10), Duration::from_millis(10)),
        )
        .build()
        .await
        .unwrap();
    client.list_images().send().await.unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    for request in &requests {
        assert_eq!(request.header_all("authorization").len(), 1);
        assert_signed(&server, request, &aksk);
    }
}

/// The request carries an AK/SK signature that the signer computes again from the request
/// as the server received it, at the time its `X-Sdk-Date` says.
fn assert_signed(server: &Server, request: &crate::support::RecordedRequest, aksk: &AkSk) {
    let authorization = request.header("authorization").expect("Authorization");
    assert!(
        authorization.starts_with("SDK-HMAC-SHA256 Access=AKTEST123, SignedHeaders="),
        "{authorization}"
    );
    assert_eq!(request.header("x-project-id"), Some("proj-1"));
    let date = request.header("x-sdk-date").expect("X-Sdk-Date");
    let signed: Vec<&str> = authorization
        .split("SignedHeaders=")
        .nth(1)
        .unwrap()
        .split(',')
        .next()
        .unwrap()
        .split(';')
        .collect();
    for name in ["accept", "host", "x-project-id", "x-sdk-date"] {
        assert!(signed.contains(&name), "{name} not in {signed:?}");
    }
    assert!(!signed.contains(&"authorization"), "{signed:?}");
    let mut headers = http::HeaderMap::new();
    for (name, value) in &request.headers {
        if signed.contains(&name.to_ascii_lowercase().as_str()) {
            headers.insert(
                http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                value.parse().unwrap(),
            );
        }
    }
    let url = url::Url::parse(&format!("{}{}", server.base_url(), request.target)).unwrap();
    let method = http::Method::from_bytes(request.method.as_bytes()).unwrap();
    let signature = aksk
        .sign(&method, &url, &headers, &request.body, sdk_date(date))
        .unwrap();
    assert_eq!(
        signature.headers["authorization"].to_str().unwrap(),
        authorization
    );
}

/// `X-Sdk-Date` (`20261122T091200Z`) as a time.
fn sdk_date(text: &str) -> SystemTime {
    let format = time::macros::format_description!("[year][month][day]T[hour][minute][second]Z");
    time::PrimitiveDateTime::parse(text, &format)
        .unwrap()
        .assume_utc()
        .into()
}

/// The secrets of the other Keystone methods and of TLS never show in `Debug`.
#[tokio::test]
async fn application_credential_and_token_secrets_stay_out_of_debug() {
    use ims::auth::{ApplicationCredential, ExistingToken, ScopedToken};
    const AC_SECRET: &str = "ac-s3cr3t-value";
    const GIVEN_TOKEN: &str = "given-t0ken-value";
    let cloud = FakeCloud::start();
    let by_id = ApplicationCredential::with_id(cloud.auth_url(), "ac-id", AC_SECRET);
    let by_name = ApplicationCredential::with_name(
        cloud.auth_url(),
        "ci",
        User::name("demo", Domain::Name("Default".into())),
        AC_SECRET,
    );
    let scoped = ScopedToken::new(cloud.auth_url(), GIVEN_TOKEN, Project::id("p1"));
    let existing = ExistingToken::new(cloud.auth_url(), GIVEN_TOKEN);
    let mut printed = vec![
        format!("{by_id:?}"),
        format!("{by_name:?}"),
        format!("{scoped:?}"),
        format!("{existing:?}"),
    ];
    for auth in [
        Auth::application_credential(by_id),
        Auth::application_credential(by_name),
        Auth::scoped_token(scoped),
    ] {
        let client = Client::builder()
            .endpoint(cloud.server.base_url())
            .auth(auth.clone())
            .build()
            .await
            .unwrap();
        client.list_images().send().await.unwrap();
        printed.push(format!("{auth:?}"));
        printed.push(format!("{:?}", client.inner()));
    }
    let key = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/tls/client.key"),
    )
    .unwrap();
    let cert = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/tls/client.pem"),
    )
    .unwrap();
    let tls = ims::http::Tls::default()
        .client_identity_pem(&cert, &key)
        .unwrap();
    printed.push(format!("{tls:?}"));
    printed.push(format!("{:?}", Client::builder().tls(tls)));
    let key_text = String::from_utf8(key).unwrap();
    let key_line = key_text.lines().nth(1).unwrap();
    for text in &printed {
        assert!(
            !text.contains(AC_SECRET) && !text.contains(GIVEN_TOKEN) && !text.contains(key_line),
            "{text}"
        );
        assert!(text.contains("<redacted>"), "{text}");
    }
    // The secrets went where they belong: to Keystone only.
    let bodies: Vec<String> = cloud
        .keystone_requests()
        .iter()
        .map(|r| String::from_utf8_lossy(&r.body).into_owned())
        .collect();
    assert_eq!(bodies.len(), 3);
    assert!(bodies[0].contains(AC_SECRET) && bodies[2].contains(GIVEN_TOKEN));
    assert!(cloud.ims_requests().iter().all(|r| {
        r.header("x-auth-token")
            .is_some_and(|t| t.starts_with("tok-"))
    }),);
}

// ---- The token cache across processes ----

/// A client as a new process would make it: its own Keystone session, the cache in `dir`.
async fn cached_client(cloud: &FakeCloud, dir: &std::path::Path, auth: Auth) -> Client {
    Client::builder()
        .endpoint(cloud.server.base_url())
        .auth(auth)
        .token_cache(ims::auth::TokenCache::new(dir))
        .build()
        .await
        .unwrap()
}

fn cache_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map(|entries| entries.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default();
    files.sort();
    files
}

#[cfg(unix)]
fn mode(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[cfg(unix)]
#[tokio::test]
async fn a_cached_token_serves_the_next_process_until_it_is_rejected() {
    let cloud = FakeCloud::start();
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("cache").join("ims");
    let first = cached_client(&cloud, &dir, Auth::password(password(&cloud))).await;
    first.list_images().send().await.unwrap();
    assert_eq!(cloud.keystone_requests().len(), 1);
    let files = cache_files(&dir);
    assert_eq!(files.len(), 1, "{files:?}");
    assert_eq!(mode(&dir), 0o700);
    assert_eq!(mode(&files[0]), 0o600);
    let name = files[0].file_name().unwrap().to_str().unwrap().to_string();
    assert!(
        name.len() == 64 + 5 && name.ends_with(".json") && !name.contains("demo"),
        "a hash: {name}"
    );
    let stored = std::fs::read_to_string(&files[0]).unwrap();
    assert!(!stored.contains(PASSWORD), "{stored}");
    let stored: serde_json::Value = serde_json::from_str(&stored).unwrap();
    assert_eq!(stored["token"], "tok-1");
    assert_eq!(stored["catalog"][1]["type"], "image");

    // A second "process": no Keystone request; the token of the first is sent.
    let second = cached_client(&cloud, &dir, Auth::password(password(&cloud))).await;
    second.list_images().send().await.unwrap();
    assert_eq!(cloud.keystone_requests().len(), 1);
    assert_eq!(
        cloud.ims_requests().last().unwrap().header("x-auth-token"),
        Some("tok-1")
    );

    // Another project is another identity.
    let other_project = Password::new(
        cloud.auth_url(),
        User::name("demo", Domain::Name("Default".into())),
        PASSWORD,
        Project::id("other"),
    );
    let third = cached_client(&cloud, &dir, Auth::password(other_project)).await;
    third.list_images().send().await.unwrap();
    assert_eq!(cloud.keystone_requests().len(), 2);
    assert_eq!(cache_files(&dir).len(), 2);

    // The service rejects tok-1: the file is dropped, a new token fetched and stored.
    cloud.with(|s| s.rejected.insert("tok-1".into()));
    let fourth = cached_client(&cloud, &dir, Auth::password(password(&cloud))).await;
    fourth.list_images().send().await.unwrap();
    assert_eq!(cloud.keystone_requests().len(), 3);
    let stored: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&files[0]).unwrap()).unwrap();
    assert_eq!(stored["token"], "tok-3");
    let fifth = cached_client(&cloud, &dir, Auth::password(password(&cloud))).await;
    fifth.list_images().send().await.unwrap();
    assert_eq!(cloud.keystone_requests().len(), 3, "tok-3 from the cache");
    assert_eq!(
        cloud.ims_requests().last().unwrap().header("x-auth-token"),
        Some("tok-3")
    );
}

#[cfg(unix)]
#[tokio::test]
async fn a_cached_token_near_its_expiry_or_unreadable_is_not_used() {
    use std::os::unix::fs::PermissionsExt;
    let cloud = FakeCloud::start();
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("ims");
    let client = cached_client(&cloud, &dir, Auth::password(password(&cloud))).await;
    client.list_images().send().await.unwrap();
    let file = cache_files(&dir).remove(0);
    let mut stored: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    // An hour's token with 4 minutes left is within its 5-minute margin.
    let now = std::time::SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_secs_f64();
    stored["expires_local"] = json!(now + 240.0);
    std::fs::write(&file, serde_json::to_vec(&stored).unwrap()).unwrap();
    let client = cached_client(&cloud, &dir, Auth::password(password(&cloud))).await;
    client.list_images().send().await.unwrap();
    assert_eq!(
        cloud.keystone_requests().len(),
        2,
        "not used: about to expire"
    );

    // A file that does not parse is ignored and replaced.
    std::fs::write(&file, b"{not json").unwrap();
    let client = cached_client(&cloud, &dir, Auth::password(password(&cloud))).await;
    client.list_images().send().await.unwrap();
    assert_eq!(cloud.keystone_requests().len(), 3);
    let stored: serde_json::Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(stored["token"], "tok-3");

    // A directory others may read is not used.
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    let client = cached_client(&cloud, &dir, Auth::password(password(&cloud))).await;
    client.list_images().send().await.unwrap();
    assert_eq!(cloud.keystone_requests().len(), 4, "not used: mode 0755");
    let stored: serde_json::Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(stored["token"], "tok-3", "nor written");
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).unwrap();
    // ... nor a file others may read.
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let client = cached_client(&cloud, &dir, Auth::password(password(&cloud))).await;
    client.list_images().send().await.unwrap();
    assert_eq!(cloud.keystone_requests().len(), 5, "not used: mode 0644");
}

#[cfg(unix)]
#[tokio::test]
async fn application_credential_tokens_are_cached_and_token_methods_are_not() {
    use ims::auth::{ApplicationCredential, ExistingToken, ScopedToken};
    let cloud = FakeCloud::start();
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("ims");
    let credential = || {
        Auth::application_credential(ApplicationCredential::with_id(
            cloud.auth_url(),
            "ac-id",
            "ac-secret",
        ))
    };
    for _ in 0..2 {
        let client = cached_client(&cloud, &dir, credential()).await;
        client.list_images().send().await.unwrap();
    }
    assert_eq!(cloud.keystone_requests().len(), 1);
    let stored = std::fs::read_to_string(cache_files(&dir).remove(0)).unwrap();
    assert!(!stored.contains("ac-secret"), "{stored}");

    let scoped = || {
        Auth::scoped_token(ScopedToken::new(
            cloud.auth_url(),
            "tok-1",
            Project::id("p1"),
        ))
    };
    let existing = || Auth::existing_token(ExistingToken::new(cloud.auth_url(), "tok-1"));
    for auth in [scoped(), scoped(), existing(), existing()] {
        let client = cached_client(&cloud, &dir, auth).await;
        client.list_images().send().await.unwrap();
    }
    assert_eq!(cloud.keystone_requests().len(), 5, "one request per client");
    assert_eq!(cache_files(&dir).len(), 1);
}
