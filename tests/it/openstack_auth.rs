//! Authentication against the real Keystone and Glance of `scripts/openstack/up.sh`: password
//! auth from `OS_*` and from `clouds.yaml`, an application credential made for the test (by
//! id and by name), an existing token with `OS_AUTH_URL`, an unscoped token rescoped with
//! `v3token`; the catalog's image endpoint, listing the seeded images, and work that spans a
//! token's expiry (60 s tokens), by proactive renewal and after a revocation (401).
//!
//! The tests read `. .openstack/env`'s variables; without them they print a "skipped" line and
//! pass, except in CI (`CI=true`), where they fail.

use crate::support::capture;
use std::collections::BTreeSet;
use std::io::Write;
use std::time::{Duration, Instant, SystemTime};

use ims::auth::{Auth, Keystone};
use ims::{Client, ClientBuilder, ClientInfo, ErrorKind};
use serde_json::json;

/// The variables of `.openstack/env` these tests use.
struct OpenStack {
    glance_auth_url: String,
    keystone_url: String,
    seed: serde_json::Value,
}

/// The local OpenStack, or `None` (after saying so) when its variables are not set.
fn openstack(test: &str) -> Option<OpenStack> {
    let Ok(keystone_url) = std::env::var("IMS_TEST_KEYSTONE_URL") else {
        if std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") {
            panic!(
                "IMS_TEST_KEYSTONE_URL is not set, and CI=true: the real Keystone/Glance tests must \
                 run in CI (scripts/test.sh runs scripts/openstack/up.sh and sources .openstack/env)"
            );
        }
        // Straight to stderr: the test harness captures `eprintln!` of passing tests.
        let _ = writeln!(
            std::io::stderr(),
            "{test}: skipped: run scripts/openstack/up.sh, then `set -a; . .openstack/env; set +a` \
             to test against a real Keystone and Glance"
        );
        return None;
    };
    let var = |name: &str| {
        std::env::var(name).unwrap_or_else(|_| panic!("{name} is not set (.openstack/env)"))
    };
    let seed_path = var("IMS_TEST_SEED_JSON");
    let seed = std::fs::read_to_string(&seed_path).unwrap_or_else(|e| panic!("{seed_path}: {e}"));
    Some(OpenStack {
        glance_auth_url: var("IMS_TEST_GLANCE_AUTH_URL"),
        keystone_url,
        seed: serde_json::from_str(&seed).unwrap(),
    })
}

/// The process environment's `OS_*` password settings, and nothing else.
fn os_password_vars(name: &str) -> Option<String> {
    let wanted = name.starts_with("OS_") && !matches!(name, "OS_CLOUD" | "OS_AUTH_TOKEN");
    wanted.then(|| std::env::var(name).ok()).flatten()
}

/// Only `OS_CLOUD=ims-test` and the files `.openstack/env` points at.
fn clouds_yaml_vars(name: &str) -> Option<String> {
    match name {
        "OS_CLOUD" => Some("ims-test".into()),
        "OS_CLIENT_CONFIG_FILE" | "OS_CLIENT_SECURE_FILE" => std::env::var(name).ok(),
        _ => None,
    }
}

/// The ids of the seeded images user `demo` sees: its own and the public one.
fn seeded_ids(openstack: &OpenStack) -> BTreeSet<String> {
    ["images", "admin_images"]
        .iter()
        .flat_map(|key| openstack.seed["glance_auth"][key].as_array().unwrap())
        .map(|image| image["id"].as_str().unwrap().to_string())
        .collect()
}

/// The ids of the seeded images (those with an `ims_seed` property) the client lists.
async fn listed_seed_ids(client: &Client) -> BTreeSet<String> {
    let page = client.list_images().limit(1000).send().await.unwrap();
    assert!(page.next.is_none(), "one page holds them all");
    page.images
        .iter()
        .filter(|image| image.extra.contains_key("ims_seed"))
        .map(|image| image.id.clone())
        .collect()
}

fn keystone(auth: &Auth) -> &Keystone {
    auth.keystone().expect("Keystone password auth")
}

#[tokio::test]
async fn password_auth_from_os_variables_lists_the_seeded_images() {
    let Some(openstack) = openstack("password_auth_from_os_variables_lists_the_seeded_images")
    else {
        return;
    };
    let builder = ClientBuilder::from_vars(os_password_vars, &[]).unwrap();
    assert!(matches!(builder.get_auth(), Auth::Keystone(_)));
    let client = builder.build().await.unwrap();
    // The catalog's image endpoint (no /v2: the operations' paths start with it).
    assert_eq!(
        client.baseurl(),
        openstack.glance_auth_url.trim_end_matches('/')
    );
    assert_eq!(listed_seed_ids(&client).await, seeded_ids(&openstack));
    let token = keystone(client.inner().auth()).cached_token().unwrap();
    let left = token
        .expires_at()
        .duration_since(SystemTime::now())
        .unwrap();
    assert!(left <= Duration::from_secs(60), "{left:?}");
}

#[tokio::test]
async fn password_auth_from_clouds_yaml_lists_the_seeded_images() {
    let Some(openstack) = openstack("password_auth_from_clouds_yaml_lists_the_seeded_images")
    else {
        return;
    };
    let client = ClientBuilder::from_vars(clouds_yaml_vars, &[])
        .unwrap()
        .build()
        .await
        .unwrap();
    assert_eq!(
        client.baseurl(),
        openstack.glance_auth_url.trim_end_matches('/')
    );
    assert_eq!(listed_seed_ids(&client).await, seeded_ids(&openstack));
}

#[tokio::test]
async fn a_wrong_password_is_a_clear_auth_error() {
    let Some(openstack) = openstack("a_wrong_password_is_a_clear_auth_error") else {
        return;
    };
    let vars = |name: &str| match name {
        "OS_PASSWORD" => Some("not-the-password".to_string()),
        _ => os_password_vars(name),
    };
    let error = ClientBuilder::from_vars(vars, &[])
        .unwrap()
        .build()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Auth);
    let text = error.to_string();
    let expected = format!(
        "authentication failed: Keystone at {}/auth/tokens answered 401 Unauthorized: The request you have made requires authentication.",
        openstack.keystone_url.trim_end_matches('/')
    );
    assert!(text.starts_with(&expected), "{text}");
    assert!(text.ends_with("check the user name (or id), password and user domain, and that the user has a role in the project"), "{text}");
    assert!(!text.contains("not-the-password"));
}

#[tokio::test]
async fn glance_rejects_a_bad_fixed_token_with_a_readable_error() {
    let Some(openstack) = openstack("glance_rejects_a_bad_fixed_token_with_a_readable_error")
    else {
        return;
    };
    let client = Client::builder()
        .endpoint(&openstack.glance_auth_url)
        .auth(Auth::token("not-a-token").unwrap())
        .build()
        .await
        .unwrap();
    let error = client.list_images().send().await.unwrap_err();
    assert_eq!(error.status(), Some(reqwest::StatusCode::UNAUTHORIZED));
    assert_eq!(error.operation(), Some("list_images"));
    assert_eq!(error.title(), Some("Unauthorized"));
    assert!(
        error.headers().unwrap()["www-authenticate"]
            .to_str()
            .unwrap()
            .starts_with("Keystone uri="),
        "{error:?}"
    );
    let text = error.to_string();
    assert!(
        text.starts_with(
            "list_images: the service answered 401 Unauthorized: This server could not verify"
        ),
        "{text}"
    );
    assert!(text.ends_with("Check the token or credentials: the token may have expired, or belong to another project or region."), "{text}");
}

/// The reasons of the Keystone token requests traced so far, in order.
fn token_requests(captured: &capture::Captured) -> Vec<String> {
    captured
        .events()
        .iter()
        .filter(|e| {
            e.fields
                .get("message")
                .is_some_and(|m| m == "Keystone token request")
        })
        .map(|e| e.fields["reason"].clone())
        .collect()
}

fn rejections(captured: &capture::Captured) -> usize {
    captured
        .events()
        .iter()
        .filter(|e| {
            e.fields
                .get("message")
                .is_some_and(|m| m.starts_with("the service rejected the Keystone token"))
        })
        .count()
}

/// List, wait until the 60 s token has expired, list again: the client renews the token
/// before sending, so Glance never sees the expired one (no 401), and the old token really
/// is expired by then.
#[tokio::test]
async fn work_spanning_the_token_expiry_renews_the_token_before_sending() {
    let Some(openstack) =
        openstack("work_spanning_the_token_expiry_renews_the_token_before_sending")
    else {
        return;
    };
    let (captured, _guard) = capture::capture();
    let started = Instant::now();
    let client = ClientBuilder::from_vars(os_password_vars, &[])
        .unwrap()
        .build()
        .await
        .unwrap();
    assert_eq!(listed_seed_ids(&client).await, seeded_ids(&openstack));
    let auth = client.inner().auth().clone();
    let first = keystone(&auth).cached_token().unwrap();
    let wait = first
        .expires_at()
        .duration_since(SystemTime::now())
        .unwrap_or_default()
        + Duration::from_secs(3);
    assert!(
        wait > Duration::from_secs(50),
        "a fresh 60 s token, got {wait:?} to wait"
    );
    tokio::time::sleep(wait).await;

    assert_eq!(listed_seed_ids(&client).await, seeded_ids(&openstack));
    let second = keystone(&auth).cached_token().unwrap();
    assert_ne!(first.expose_secret(), second.expose_secret(), "a new token");
    assert_eq!(token_requests(&captured), ["initial", "expired"]);
    assert_eq!(rejections(&captured), 0, "Glance never rejected a token");
    let spans = captured.spans("ims.request");
    assert_eq!(spans.len(), 2);
    assert!(
        spans.iter().all(|s| s.fields["status"] == "200"),
        "{spans:#?}"
    );

    // The first token is past its expiry: Glance refuses it now.
    let old = Client::builder()
        .endpoint(&openstack.glance_auth_url)
        .auth(Auth::token(first.expose_secret()).unwrap())
        .build()
        .await
        .unwrap();
    let error = old.list_images().send().await.unwrap_err();
    assert_eq!(error.status(), Some(reqwest::StatusCode::UNAUTHORIZED));
    let _ = writeln!(
        std::io::stderr(),
        "token expiry test took {:?}",
        started.elapsed()
    );
}

/// Revoke the client's token in Keystone (as admin), then list: Glance answers 401, the
/// client drops that token, fetches a new one and resends, and the caller sees the images.
#[tokio::test]
async fn a_revoked_token_is_renewed_after_the_401() {
    let Some(openstack) = openstack("a_revoked_token_is_renewed_after_the_401") else {
        return;
    };
    let (captured, _guard) = capture::capture();
    let client = ClientBuilder::from_vars(os_password_vars, &[])
        .unwrap()
        .build()
        .await
        .unwrap();
    assert_eq!(listed_seed_ids(&client).await, seeded_ids(&openstack));
    let auth = client.inner().auth().clone();
    let revoked = keystone(&auth).cached_token().unwrap();

    revoke(&openstack, revoked.expose_secret()).await;

    assert_eq!(listed_seed_ids(&client).await, seeded_ids(&openstack));
    let renewed = keystone(&auth).cached_token().unwrap();
    assert_ne!(revoked.expose_secret(), renewed.expose_secret());
    assert_eq!(
        rejections(&captured),
        1,
        "Glance rejected the revoked token once"
    );
    assert_eq!(token_requests(&captured), ["initial", "rejected"]);
}

/// Revokes `token` with Keystone's `DELETE /v3/auth/tokens`, as admin (`IMS_TEST_ADMIN_*`;
/// its token is fetched with plain reqwest, so the client's traces show only its own).
async fn revoke(openstack: &OpenStack, token: &str) {
    let var = |name: &str| std::env::var(name).unwrap_or_else(|_| panic!("{name} is not set"));
    let tokens_url = format!(
        "{}/auth/tokens",
        openstack.keystone_url.trim_end_matches('/')
    );
    let http = reqwest::Client::new();
    let body = json!({"auth": {
        "identity": {"methods": ["password"], "password": {"user": {
            "name": var("IMS_TEST_ADMIN_USERNAME"),
            "domain": {"name": "Default"},
            "password": var("IMS_TEST_ADMIN_PASSWORD")
        }}},
        "scope": {"project": {"name": var("IMS_TEST_ADMIN_PROJECT_NAME"), "domain": {"name": "Default"}}}
    }});
    let mut admin_token = None;
    for _ in 0..3 {
        let response = http.post(&tokens_url).json(&body).send().await.unwrap();
        if response.status() == 201 {
            admin_token = Some(
                response.headers()["x-subject-token"]
                    .to_str()
                    .unwrap()
                    .to_string(),
            );
            break;
        }
        // Keystone on sqlite may answer 500 (database is locked) under concurrent logins.
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    let admin_token = admin_token.expect("an admin token");
    let response = http
        .delete(&tokens_url)
        .header("X-Auth-Token", admin_token)
        .header("X-Subject-Token", token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204, "Keystone revoked the token");
}

/// A token for user `demo` from the real Keystone (plain reqwest, retried: Keystone on sqlite
/// may answer 500 under concurrent logins), scoped to project `demo` or unscoped, with the
/// user's id.
async fn demo_token(openstack: &OpenStack, scoped: bool) -> (String, String) {
    let var = |name: &str| std::env::var(name).unwrap_or_else(|_| panic!("{name} is not set"));
    let tokens_url = format!(
        "{}/auth/tokens",
        openstack.keystone_url.trim_end_matches('/')
    );
    let mut body = json!({"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": var("OS_USERNAME"),
        "domain": {"name": var("OS_USER_DOMAIN_NAME")},
        "password": var("OS_PASSWORD")
    }}}}});
    if scoped {
        body["auth"]["scope"] = json!({"project": {
            "name": var("OS_PROJECT_NAME"), "domain": {"name": var("OS_PROJECT_DOMAIN_NAME")}
        }});
    }
    let http = reqwest::Client::new();
    for _ in 0..5 {
        let response = http.post(&tokens_url).json(&body).send().await.unwrap();
        if response.status() == 201 {
            let token = response.headers()["x-subject-token"]
                .to_str()
                .unwrap()
                .to_string();
            let body: serde_json::Value = response.json().await.unwrap();
            let user_id = body["token"]["user"]["id"].as_str().unwrap().to_string();
            return (token, user_id);
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    panic!("no demo token from Keystone");
}

/// Only these variables (and nothing of the process environment).
fn only(pairs: Vec<(&'static str, String)>) -> impl Fn(&str) -> Option<String> {
    move |name| {
        pairs
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.clone())
    }
}

#[tokio::test]
async fn an_application_credential_of_the_real_keystone_lists_the_seeded_images() {
    let Some(openstack) =
        openstack("an_application_credential_of_the_real_keystone_lists_the_seeded_images")
    else {
        return;
    };
    let (token, user_id) = demo_token(&openstack, true).await;
    let credentials_url = format!(
        "{}/users/{user_id}/application_credentials",
        openstack.keystone_url.trim_end_matches('/')
    );
    let name = format!(
        "ims-test-{}",
        SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    );
    let http = reqwest::Client::new();
    let response = http
        .post(&credentials_url)
        .header("X-Auth-Token", &token)
        .json(&json!({"application_credential": {"name": name, "description": "ims test"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201, "Keystone made the credential");
    let created: serde_json::Value = response.json().await.unwrap();
    let id = created["application_credential"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let secret = created["application_credential"]["secret"]
        .as_str()
        .unwrap()
        .to_string();
    let var = |name: &str| std::env::var(name).unwrap();
    let common = vec![
        ("OS_AUTH_URL", openstack.keystone_url.clone()),
        ("OS_APPLICATION_CREDENTIAL_SECRET", secret.clone()),
        ("OS_REGION_NAME", var("OS_REGION_NAME")),
    ];
    let by_id = {
        let mut pairs = common.clone();
        pairs.push(("OS_APPLICATION_CREDENTIAL_ID", id.clone()));
        pairs
    };
    let by_name = {
        let mut pairs = common.clone();
        pairs.push(("OS_AUTH_TYPE", "v3applicationcredential".into()));
        pairs.push(("OS_APPLICATION_CREDENTIAL_NAME", name.clone()));
        pairs.push(("OS_USERNAME", var("OS_USERNAME")));
        pairs.push(("OS_USER_DOMAIN_NAME", var("OS_USER_DOMAIN_NAME")));
        pairs
    };
    for pairs in [by_id, by_name] {
        let builder = ClientBuilder::from_vars(only(pairs.clone()), &[]).unwrap();
        assert!(!format!("{builder:?}").contains(&secret));
        let client = builder.build().await.unwrap();
        assert_eq!(
            client.baseurl(),
            openstack.glance_auth_url.trim_end_matches('/'),
            "the catalog's image endpoint"
        );
        assert_eq!(listed_seed_ids(&client).await, seeded_ids(&openstack));
        // The command line with the same settings in its environment.
        let vars: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (code, stdout, stderr) = crate::cli::ims(
            &[
                "--no-cache",
                "image",
                "list",
                "--visibility",
                "all",
                "-f",
                "value",
                "-c",
                "id",
            ],
            &vars,
        )
        .await;
        assert_eq!(code, 0, "{stderr}");
        assert!(!stderr.contains(&secret));
        let listed: BTreeSet<String> = stdout.lines().map(str::to_string).collect();
        assert!(listed.is_superset(&seeded_ids(&openstack)), "{listed:?}");
    }
    // A wrong secret is refused with a hint about the credential.
    let mut pairs = common.clone();
    pairs.retain(|(n, _)| *n != "OS_APPLICATION_CREDENTIAL_SECRET");
    pairs.push(("OS_APPLICATION_CREDENTIAL_SECRET", "wrong".into()));
    pairs.push(("OS_APPLICATION_CREDENTIAL_ID", id.clone()));
    let error = ClientBuilder::from_vars(only(pairs), &[])
        .unwrap()
        .build()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Auth);
    assert!(
        error.to_string().contains("answered 401 Unauthorized")
            && error.to_string().ends_with("check the application credential (id, or name and user) and its secret, and that it has not expired"),
        "{error}"
    );
    let response = http
        .delete(format!("{credentials_url}/{id}"))
        .header("X-Auth-Token", &token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204, "the credential was deleted");
}

#[tokio::test]
async fn an_existing_token_with_the_auth_url_finds_the_endpoint() {
    let Some(openstack) = openstack("an_existing_token_with_the_auth_url_finds_the_endpoint")
    else {
        return;
    };
    let (token, _) = demo_token(&openstack, true).await;
    let pairs = vec![
        ("OS_AUTH_URL", openstack.keystone_url.clone()),
        ("OS_AUTH_TOKEN", token.clone()),
        ("OS_REGION_NAME", std::env::var("OS_REGION_NAME").unwrap()),
    ];
    let client = ClientBuilder::from_vars(only(pairs), &[])
        .unwrap()
        .build()
        .await
        .unwrap();
    assert_eq!(
        client.baseurl(),
        openstack.glance_auth_url.trim_end_matches('/')
    );
    assert_eq!(listed_seed_ids(&client).await, seeded_ids(&openstack));
    let cached = keystone(client.inner().auth()).cached_token().unwrap();
    assert_eq!(cached.expose_secret(), token, "the token itself is used");
}

#[tokio::test]
async fn v3token_rescopes_an_unscoped_token_of_the_real_keystone() {
    let Some(openstack) = openstack("v3token_rescopes_an_unscoped_token_of_the_real_keystone")
    else {
        return;
    };
    let (unscoped, _) = demo_token(&openstack, false).await;
    let var = |name: &str| std::env::var(name).unwrap();
    let pairs = vec![
        ("OS_AUTH_TYPE", "v3token".to_string()),
        ("OS_AUTH_URL", openstack.keystone_url.clone()),
        ("OS_AUTH_TOKEN", unscoped.clone()),
        ("OS_PROJECT_NAME", var("OS_PROJECT_NAME")),
        ("OS_PROJECT_DOMAIN_NAME", var("OS_PROJECT_DOMAIN_NAME")),
        ("OS_REGION_NAME", var("OS_REGION_NAME")),
    ];
    let client = ClientBuilder::from_vars(only(pairs), &[])
        .unwrap()
        .build()
        .await
        .unwrap();
    assert_eq!(
        client.baseurl(),
        openstack.glance_auth_url.trim_end_matches('/')
    );
    assert_eq!(listed_seed_ids(&client).await, seeded_ids(&openstack));
    let scoped = keystone(client.inner().auth()).cached_token().unwrap();
    assert_ne!(scoped.expose_secret(), unscoped, "a new, scoped token");
}

/// Two "processes" sharing a token cache: the second asks Keystone nothing and Glance takes
/// the first one's token; after Keystone revokes it, a third is rejected once by Glance,
/// drops the file and fetches a new token.
#[tokio::test]
async fn a_token_cache_spares_the_next_process_its_keystone_request() {
    let Some(openstack) = openstack("a_token_cache_spares_the_next_process_its_keystone_request")
    else {
        return;
    };
    let (captured, _guard) = capture::capture();
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("ims");
    let client = || async {
        ClientBuilder::from_vars(os_password_vars, &[])
            .unwrap()
            .token_cache(ims::auth::TokenCache::new(&dir))
            .build()
            .await
            .unwrap()
    };
    let first = client().await;
    assert_eq!(listed_seed_ids(&first).await, seeded_ids(&openstack));
    assert_eq!(token_requests(&captured), ["initial"]);
    let second = client().await;
    assert_eq!(listed_seed_ids(&second).await, seeded_ids(&openstack));
    assert_eq!(
        token_requests(&captured),
        ["initial"],
        "none for the second"
    );
    let token = keystone(first.inner().auth()).cached_token().unwrap();
    let reused = keystone(second.inner().auth()).cached_token().unwrap();
    assert_eq!(token.expose_secret(), reused.expose_secret());

    revoke(&openstack, token.expose_secret()).await;
    let third = client().await;
    assert_eq!(listed_seed_ids(&third).await, seeded_ids(&openstack));
    assert_eq!(
        rejections(&captured),
        1,
        "Glance rejected the revoked token once"
    );
    assert_eq!(token_requests(&captured), ["initial", "rejected"]);
    let renewed = keystone(third.inner().auth()).cached_token().unwrap();
    assert_ne!(renewed.expose_secret(), token.expose_secret());
}
