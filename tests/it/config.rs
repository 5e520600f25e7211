//! Configuration sources over real HTTP: `OS_*` variables, `clouds.yaml` + `secure.yaml`,
//! Huawei Cloud's AK/SK variables, a fixed token, cloud + region endpoints; and the error
//! for each missing or bad setting, naming it and where it was read from. The variables
//! are injected (`ClientBuilder::from_vars`); the process environment is never touched.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::support::fake_cloud::FakeCloud;
use crate::support::{CannedResponse, Server};
use ims::{Client, ClientBuilder, ClientInfo, Cloud, ErrorKind};
use serde_json::json;

const PASSWORD: &str = "pw-s3cr3t-value";

/// A variable lookup over these pairs.
fn vars(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + use<> {
    let map: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    move |name| map.get(name).cloned()
}

/// `OS_*` variables for password auth against the fake cloud, plus `extra`.
fn os_vars<'a>(
    cloud: &'a FakeCloud,
    auth_url: &'a str,
    extra: &[(&'a str, &'a str)],
) -> Vec<(&'a str, &'a str)> {
    let _ = cloud;
    let mut pairs = vec![
        ("OS_AUTH_URL", auth_url),
        ("OS_USERNAME", "demo"),
        ("OS_PASSWORD", PASSWORD),
        ("OS_PROJECT_NAME", "demo"),
        ("OS_USER_DOMAIN_NAME", "Default"),
        ("OS_PROJECT_DOMAIN_NAME", "Default"),
        ("OS_REGION_NAME", "RegionOne"),
        ("OS_INTERFACE", "public"),
    ];
    for (name, value) in extra {
        pairs.retain(|(n, _)| n != name);
        pairs.push((name, value));
    }
    pairs
}

fn config_error(result: Result<ClientBuilder, ims::Error>) -> String {
    let error = result.expect_err("a configuration error");
    assert_eq!(error.kind(), ErrorKind::Config, "{error}");
    error.to_string()
}

fn keystone_body(cloud: &FakeCloud) -> serde_json::Value {
    serde_json::from_slice(&cloud.keystone_requests()[0].body).unwrap()
}

#[tokio::test]
async fn os_variables_give_password_auth_and_the_catalog_endpoint() {
    let cloud = FakeCloud::start();
    let auth_url = cloud.auth_url();
    let builder = ClientBuilder::from_vars(vars(&os_vars(&cloud, &auth_url, &[])), &[]).unwrap();
    let client = builder.build().await.unwrap();
    assert_eq!(client.baseurl(), &cloud.server.base_url());
    client.list_images().send().await.unwrap();
    assert_eq!(
        keystone_body(&cloud)["auth"]["identity"]["password"]["user"],
        json!({"name": "demo", "domain": {"name": "Default"}, "password": PASSWORD})
    );
    assert_eq!(
        keystone_body(&cloud)["auth"]["scope"],
        json!({"project": {"name": "demo", "domain": {"name": "Default"}}})
    );
    let ims = cloud.ims_requests();
    assert_eq!(ims.len(), 1);
    assert_eq!(ims[0].path(), "/v2/images");
    assert_eq!(ims[0].header("x-auth-token"), Some("tok-1"));
    assert_eq!(
        cloud.keystone_requests().len(),
        1,
        "build's token serves the request"
    );
}

#[tokio::test]
async fn ids_region_and_interface_from_os_variables() {
    let cloud = FakeCloud::start();
    let auth_url = format!("{}/", cloud.server.base_url()); // without /v3
    let pairs = os_vars(
        &cloud,
        &auth_url,
        &[
            ("OS_USER_ID", "u-123"),
            ("OS_PROJECT_ID", "p-456"),
            ("OS_REGION_NAME", "RegionTwo"),
        ],
    );
    let client = ClientBuilder::from_vars(vars(&pairs), &[])
        .unwrap()
        .build()
        .await
        .unwrap();
    assert_eq!(client.baseurl(), &format!("{}/r2", cloud.server.base_url()));
    client.list_images().send().await.unwrap();
    assert_eq!(cloud.keystone_requests()[0].path(), "/v3/auth/tokens");
    let body = keystone_body(&cloud);
    assert_eq!(
        body["auth"]["identity"]["password"]["user"],
        json!({"id": "u-123", "password": PASSWORD})
    );
    assert_eq!(body["auth"]["scope"], json!({"project": {"id": "p-456"}}));
    assert_eq!(cloud.ims_requests()[0].path(), "/r2/v2/images");

    let pairs = os_vars(&cloud, &auth_url, &[("OS_INTERFACE", "internal")]);
    let client = ClientBuilder::from_vars(vars(&pairs), &[])
        .unwrap()
        .build()
        .await
        .unwrap();
    assert_eq!(
        client.baseurl(),
        &format!("{}/internal", cloud.server.base_url())
    );
}

#[tokio::test]
async fn a_catalog_with_several_regions_needs_a_region() {
    let cloud = FakeCloud::start();
    let auth_url = cloud.auth_url();
    let mut pairs = os_vars(&cloud, &auth_url, &[]);
    pairs.retain(|(n, _)| *n != "OS_REGION_NAME");
    let error = ClientBuilder::from_vars(vars(&pairs), &[])
        .unwrap()
        .build()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Config);
    assert_eq!(
        error.to_string(),
        "configuration error: the Keystone catalog lists `image` endpoints in several regions \
         (RegionOne, RegionTwo): a region must be chosen; choose with OS_REGION_NAME and \
         OS_INTERFACE (region_name, interface in clouds.yaml), or set IMS_ENDPOINT to the endpoint \
         (settings read from the environment)"
    );
    let pairs = os_vars(&cloud, &auth_url, &[("OS_REGION_NAME", "RegionX")]);
    let error = ClientBuilder::from_vars(vars(&pairs), &[])
        .unwrap()
        .build()
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "configuration error: the Keystone catalog has no `image` endpoint for interface `public` \
         in region `RegionX` (it has: public in RegionOne, internal in RegionOne, public in RegionTwo); \
         choose with OS_REGION_NAME and OS_INTERFACE (region_name, interface in clouds.yaml), or set \
         IMS_ENDPOINT to the endpoint (settings read from the environment)"
    );
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[tokio::test]
async fn clouds_yaml_merged_with_secure_yaml_from_a_search_dir() {
    let cloud = FakeCloud::start();
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "clouds.yaml",
        &format!(
            "clouds:\n  other:\n    auth:\n      auth_url: http://127.0.0.1:1\n  test:\n    auth:\n      \
             auth_url: {}\n      username: demo\n      project_name: demo\n      user_domain_name: Default\n      \
             project_domain_id: default\n    region_name: RegionOne\n    interface: public\n    identity_api_version: 3\n",
            cloud.auth_url()
        ),
    );
    write(
        dir.path(),
        "secure.yaml",
        &format!("clouds:\n  test:\n    auth:\n      password: {PASSWORD}\n"),
    );
    let empty = tempfile::tempdir().unwrap();
    let builder = ClientBuilder::from_vars(
        vars(&[
            ("OS_CLOUD", "test"),
            ("OS_AUTH_URL", "http://ignored.invalid"),
        ]),
        &[empty.path().to_path_buf(), dir.path().to_path_buf()],
    )
    .unwrap();
    let client = builder.build().await.unwrap();
    assert_eq!(client.baseurl(), &cloud.server.base_url());
    client.list_images().send().await.unwrap();
    let body = keystone_body(&cloud);
    assert_eq!(
        body["auth"]["identity"]["password"]["user"],
        json!({"name": "demo", "domain": {"name": "Default"}, "password": PASSWORD})
    );
    assert_eq!(
        body["auth"]["scope"],
        json!({"project": {"name": "demo", "domain": {"id": "default"}}})
    );
}

#[tokio::test]
async fn os_client_config_file_wins_over_the_search_dirs() {
    let server = Server::start(vec![CannedResponse::json(200, &json!({"images": []}))]);
    let chosen = tempfile::tempdir().unwrap();
    let clouds = write(
        chosen.path(),
        "my-clouds.yaml",
        &format!(
            "clouds:\n  tok:\n    auth_type: token\n    auth:\n      token: tok-from-file\n    image_endpoint_override: {}\n",
            server.base_url()
        ),
    );
    let decoy = tempfile::tempdir().unwrap();
    write(
        decoy.path(),
        "clouds.yaml",
        "clouds:\n  tok:\n    auth_type: token\n    auth:\n      token: decoy\n",
    );
    let client = ClientBuilder::from_vars(
        vars(&[
            ("OS_CLOUD", "tok"),
            ("OS_CLIENT_CONFIG_FILE", clouds.to_str().unwrap()),
        ]),
        &[decoy.path().to_path_buf()],
    )
    .unwrap()
    .build()
    .await
    .unwrap();
    client.list_images().send().await.unwrap();
    assert_eq!(
        server.single_request().header("x-auth-token"),
        Some("tok-from-file")
    );
}

#[tokio::test]
async fn clouds_yaml_aksk_with_a_cloud_region_endpoint() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "clouds.yml",
        "clouds:\n  otc:\n    auth_type: aksk\n    auth:\n      ak: AKFILE\n      sk: sk-s3cr3t-value\n      project_id: proj-9\n    region_name: eu-nl\n",
    );
    let builder =
        ClientBuilder::from_vars(vars(&[("OS_CLOUD", "otc")]), &[dir.path().to_path_buf()])
            .unwrap();
    assert!(
        matches!(builder.get_auth(), ims::auth::Auth::AkSk(aksk) if aksk.access_key() == "AKFILE" && aksk.project_id() == Some("proj-9"))
    );
    let client = builder.cloud(Cloud::OpenTelekom).build().await.unwrap();
    assert_eq!(client.baseurl(), "https://ims.eu-nl.otc.t-systems.com");
}

#[tokio::test]
async fn huawei_aksk_variables_sign_requests() {
    let server = Server::start(vec![CannedResponse::json(200, &json!({"images": []}))]);
    let pairs = [
        ("HUAWEICLOUD_SDK_AK", "AKENV"),
        ("HUAWEICLOUD_SDK_SK", "sk-s3cr3t-value"),
        ("HUAWEICLOUD_SDK_PROJECT_ID", "proj-env"),
        ("IMS_ENDPOINT", &server.base_url()),
        ("OS_AUTH_URL", "http://not-used.invalid"),
    ];
    let client = ClientBuilder::from_vars(vars(&pairs), &[])
        .unwrap()
        .build()
        .await
        .unwrap();
    client.list_images().send().await.unwrap();
    let request = server.single_request();
    assert!(
        request
            .header("authorization")
            .unwrap()
            .starts_with("SDK-HMAC-SHA256 Access=AKENV, SignedHeaders="),
        "{request:?}"
    );
    assert_eq!(request.header("x-project-id"), Some("proj-env"));
    assert!(request.header("x-sdk-date").is_some());
}

#[tokio::test]
async fn os_auth_token_with_ims_endpoint() {
    let server = Server::start(vec![CannedResponse::json(200, &json!({"images": []}))]);
    let endpoint = format!("{}/", server.base_url());
    let pairs = [
        ("OS_AUTH_TOKEN", "tok-env"),
        ("IMS_ENDPOINT", endpoint.as_str()),
    ];
    let client = ClientBuilder::from_vars(vars(&pairs), &[])
        .unwrap()
        .build()
        .await
        .unwrap();
    assert_eq!(
        client.baseurl(),
        &server.base_url(),
        "the trailing slash is dropped"
    );
    client.list_images().send().await.unwrap();
    assert_eq!(
        server.single_request().header("x-auth-token"),
        Some("tok-env")
    );
}

#[tokio::test]
async fn cloud_and_region_give_the_endpoint() {
    let otc = Client::builder()
        .cloud(Cloud::OpenTelekom)
        .region("eu-de")
        .build()
        .await
        .unwrap();
    assert_eq!(otc.baseurl(), "https://ims.eu-de.otc.t-systems.com");
    let huawei = Client::builder()
        .cloud(Cloud::HuaweiCloud)
        .region("ap-southeast-1")
        .build()
        .await
        .unwrap();
    assert_eq!(
        huawei.baseurl(),
        "https://ims.ap-southeast-1.myhuaweicloud.com"
    );
    let explicit = Client::builder()
        .cloud(Cloud::HuaweiCloud)
        .region("ap-southeast-1")
        .endpoint("https://ims.example.test")
        .build()
        .await
        .unwrap();
    assert_eq!(explicit.baseurl(), "https://ims.example.test");
    // From the environment: OS_REGION_NAME with a cloud chosen in code.
    let builder = ClientBuilder::from_vars(
        vars(&[("OS_AUTH_TOKEN", "t"), ("OS_REGION_NAME", "eu-ch2")]),
        &[],
    )
    .unwrap();
    let client = builder.cloud(Cloud::OpenTelekom).build().await.unwrap();
    assert_eq!(client.baseurl(), "https://ims.eu-ch2.otc.t-systems.com");

    let error = Client::builder()
        .cloud(Cloud::OpenTelekom)
        .build()
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "configuration error: a region is needed for the OpenTelekom endpoint: call .region(\"eu-de\") or set OS_REGION_NAME"
    );
    let error = Client::builder()
        .cloud(Cloud::OpenTelekom)
        .region("eu-de.evil.example/")
        .build()
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains("is not a region name"),
        "{error}"
    );
}

#[tokio::test]
async fn without_an_endpoint_a_fixed_token_cannot_build() {
    let builder = ClientBuilder::from_vars(vars(&[("OS_AUTH_TOKEN", "t")]), &[]).unwrap();
    let error = builder.build().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Config);
    assert_eq!(
        error.to_string(),
        "configuration error: no endpoint: with a fixed token, set IMS_ENDPOINT (or \
         image_endpoint_override in clouds.yaml), or OS_AUTH_URL for a Keystone whose catalog \
         gives the image endpoint (settings read from the environment)"
    );
    // A builder used from code gets its methods named instead.
    let error = Client::builder()
        .auth(ims::auth::Auth::token("t").unwrap())
        .build()
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "configuration error: no endpoint: with a fixed token, call .endpoint(url) or \
         .cloud(..).region(..), or use Keystone auth (its catalog gives the image endpoint)"
    );
    let error = Client::builder()
        .endpoint("ims.example.test")
        .build()
        .await
        .unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("configuration error: the endpoint `ims.example.test` is not a URL"),
        "{error}"
    );
}

#[test]
fn missing_os_variables_are_named() {
    let all = [
        ("OS_AUTH_URL", "http://k/v3"),
        ("OS_USERNAME", "demo"),
        ("OS_PASSWORD", PASSWORD),
        ("OS_PROJECT_NAME", "demo"),
        ("OS_USER_DOMAIN_NAME", "Default"),
        ("OS_PROJECT_DOMAIN_NAME", "Default"),
    ];
    let without = |name: &str| -> Vec<(&str, &str)> {
        all.iter().copied().filter(|(n, _)| *n != name).collect()
    };
    let cases = [
        (
            "OS_PASSWORD",
            "OS_PASSWORD is missing (needed for password auth; read from the environment)",
        ),
        (
            "OS_USERNAME",
            "OS_USERNAME (or OS_USER_ID) is missing (needed for password auth; read from the environment)",
        ),
        (
            "OS_PROJECT_NAME",
            "OS_PROJECT_NAME (or OS_PROJECT_ID) is missing (needed for a token scoped to a project; read from the environment)",
        ),
        (
            "OS_USER_DOMAIN_NAME",
            "OS_USER_DOMAIN_NAME (or OS_USER_DOMAIN_ID) is missing (needed for finding user `demo` by name; read from the environment)",
        ),
        (
            "OS_PROJECT_DOMAIN_NAME",
            "OS_PROJECT_DOMAIN_NAME (or OS_PROJECT_DOMAIN_ID) is missing (needed for finding project `demo` by name; read from the environment)",
        ),
    ];
    for (name, expected) in cases {
        let text = config_error(ClientBuilder::from_vars(vars(&without(name)), &[]));
        assert_eq!(
            text,
            format!("configuration error: {expected}"),
            "without {name}"
        );
    }
    // An empty value counts as missing.
    let mut pairs = without("OS_PASSWORD");
    pairs.push(("OS_PASSWORD", " "));
    let text = config_error(ClientBuilder::from_vars(vars(&pairs), &[]));
    assert!(text.contains("OS_PASSWORD is missing"), "{text}");
    // OS_DEFAULT_DOMAIN_NAME stands in for both domains.
    let mut pairs = without("OS_USER_DOMAIN_NAME");
    pairs.retain(|(n, _)| *n != "OS_PROJECT_DOMAIN_NAME");
    pairs.push(("OS_DEFAULT_DOMAIN_NAME", "Default"));
    assert!(ClientBuilder::from_vars(vars(&pairs), &[]).is_ok());

    let text = config_error(ClientBuilder::from_vars(vars(&[]), &[]));
    assert_eq!(
        text,
        "configuration error: no credentials in the environment: set OS_CLOUD (with a clouds.yaml), \
         OS_AUTH_URL with OS_USERNAME, OS_PASSWORD and OS_PROJECT_NAME, OS_AUTH_URL with \
         OS_APPLICATION_CREDENTIAL_ID and OS_APPLICATION_CREDENTIAL_SECRET, OS_AUTH_TOKEN, or \
         HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK"
    );
    let text = config_error(ClientBuilder::from_vars(
        vars(&[("HUAWEICLOUD_SDK_AK", "AK"), ("HUAWEICLOUD_SDK_SK", "SK")]),
        &[],
    ));
    assert_eq!(
        text,
        "configuration error: HUAWEICLOUD_SDK_PROJECT_ID is missing (needed for AK/SK auth (IMS is a \
         project-level service); read from the environment)"
    );
    let text = config_error(ClientBuilder::from_vars(
        vars(&[("HUAWEICLOUD_SDK_AK", "AK")]),
        &[],
    ));
    assert!(text.contains("HUAWEICLOUD_SDK_SK is missing"), "{text}");
}

#[test]
fn clouds_yaml_problems_are_named_with_their_file() {
    let dir = tempfile::tempdir().unwrap();
    let dirs = [dir.path().to_path_buf()];
    let text = config_error(ClientBuilder::from_vars(vars(&[("OS_CLOUD", "x")]), &dirs));
    assert_eq!(
        text,
        format!(
            "configuration error: OS_CLOUD is set but no clouds.yaml was found (looked in: \
             OS_CLIENT_CONFIG_FILE (unset), {})",
            dir.path().join("clouds.yaml").display()
        )
    );
    let clouds = write(
        dir.path(),
        "clouds.yaml",
        "clouds:\n  a:\n    auth:\n      auth_url: http://k/v3\n      username: demo\n      user_domain_name: Default\n      project_id: p\n  b: {}\n",
    );
    let text = config_error(ClientBuilder::from_vars(vars(&[("OS_CLOUD", "x")]), &dirs));
    assert_eq!(
        text,
        format!(
            "configuration error: clouds.yaml: cloud `x` not found in {} (it has: `a`, `b`)",
            clouds.display()
        )
    );
    let text = config_error(ClientBuilder::from_vars(vars(&[("OS_CLOUD", "a")]), &dirs));
    assert_eq!(
        text,
        format!(
            "configuration error: auth.password is missing (needed for password auth; read from cloud `a` in {})",
            clouds.display()
        )
    );
    let secure = write(
        dir.path(),
        "secure.yaml",
        "clouds:\n  a:\n    auth:\n      project_id: ''\n",
    );
    let text = config_error(ClientBuilder::from_vars(vars(&[("OS_CLOUD", "a")]), &dirs));
    assert!(
        text.ends_with(&format!(
            "read from cloud `a` in {} and {})",
            clouds.display(),
            secure.display()
        )),
        "{text}"
    );
    let text = config_error(ClientBuilder::from_vars(
        vars(&[
            ("OS_CLOUD", "a"),
            ("OS_CLIENT_CONFIG_FILE", "/nonexistent/clouds.yaml"),
        ]),
        &dirs,
    ));
    assert_eq!(
        text,
        "configuration error: OS_CLIENT_CONFIG_FILE names /nonexistent/clouds.yaml, which is not a file (read from the environment)"
    );
    write(
        dir.path(),
        "clouds.yaml",
        "clouds:\n  a:\n    auth_type: v2token\n",
    );
    let text = config_error(ClientBuilder::from_vars(vars(&[("OS_CLOUD", "a")]), &dirs));
    assert!(
        text.contains("auth_type `v2token` is not supported"),
        "{text}"
    );
    // A syntax error gives the place, never the text around it (which may be a secret).
    write(
        dir.path(),
        "secure.yaml",
        "clouds:\n  a:\n    auth:\n      password: \"sk-s3cr3t-value\n",
    );
    let text = config_error(ClientBuilder::from_vars(vars(&[("OS_CLOUD", "a")]), &dirs));
    assert!(text.contains("is not valid YAML at line"), "{text}");
    assert!(!text.contains("s3cr3t"), "{text}");
}

// ---- Application credentials, v3token, an existing token with Keystone ----

const SECRET: &str = "ac-s3cr3t-value";

/// A catalog-bearing token the fake Keystone knows, as if issued earlier (`openstack token
/// issue`), valid for an hour.
fn pre_issued(cloud: &FakeCloud, token: &str) {
    let expires = std::time::SystemTime::now() + std::time::Duration::from_secs(3600);
    cloud.with(|s| s.issued.push((token.to_string(), expires)));
}

#[tokio::test]
async fn an_application_credential_from_os_variables() {
    let cloud = FakeCloud::start();
    let auth_url = cloud.auth_url();
    let pairs = [
        ("OS_AUTH_URL", auth_url.as_str()),
        ("OS_APPLICATION_CREDENTIAL_ID", "ac-id-1"),
        ("OS_APPLICATION_CREDENTIAL_SECRET", SECRET),
        ("OS_REGION_NAME", "RegionOne"),
    ];
    let client = ClientBuilder::from_vars(vars(&pairs), &[])
        .unwrap()
        .build()
        .await
        .unwrap();
    assert_eq!(client.baseurl(), &cloud.server.base_url(), "the catalog's");
    client.list_images().send().await.unwrap();
    assert_eq!(
        keystone_body(&cloud),
        json!({"auth": {"identity": {
            "methods": ["application_credential"],
            "application_credential": {"id": "ac-id-1", "secret": SECRET}
        }}}),
        "no scope: the credential's project is the token's"
    );
    assert_eq!(
        cloud.ims_requests()[0].header("x-auth-token"),
        Some("tok-1")
    );
    // OS_AUTH_TYPE says it as well, also in the OpenStack spelling of the password type.
    let mut pairs = pairs.to_vec();
    pairs.push(("OS_AUTH_TYPE", "v3applicationcredential"));
    assert!(ClientBuilder::from_vars(vars(&pairs), &[]).is_ok());
}

#[tokio::test]
async fn an_application_credential_by_name_from_clouds_yaml() {
    let cloud = FakeCloud::start();
    let dir = tempfile::tempdir().unwrap();
    let clouds = write(
        dir.path(),
        "clouds.yaml",
        &format!(
            "clouds:\n  ac:\n    auth_type: v3applicationcredential\n    auth:\n      auth_url: {}\n      \
             application_credential_name: ci\n      username: demo\n      user_domain_name: Default\n    \
             region_name: RegionOne\n",
            cloud.auth_url()
        ),
    );
    let secure = write(
        dir.path(),
        "secure.yaml",
        &format!("clouds:\n  ac:\n    auth:\n      application_credential_secret: {SECRET}\n"),
    );
    let pairs = [
        ("OS_CLOUD", "ac"),
        ("OS_CLIENT_CONFIG_FILE", clouds.to_str().unwrap()),
        ("OS_CLIENT_SECURE_FILE", secure.to_str().unwrap()),
    ];
    let client = ClientBuilder::from_vars(vars(&pairs), &[])
        .unwrap()
        .build()
        .await
        .unwrap();
    client.list_images().send().await.unwrap();
    assert_eq!(
        keystone_body(&cloud)["auth"]["identity"],
        json!({
            "methods": ["application_credential"],
            "application_credential": {
                "name": "ci",
                "user": {"name": "demo", "domain": {"name": "Default"}},
                "secret": SECRET
            }
        })
    );
}

#[test]
fn missing_application_credential_settings_are_named() {
    let base = [
        ("OS_AUTH_URL", "http://k/v3"),
        ("OS_APPLICATION_CREDENTIAL_NAME", "ci"),
        ("OS_APPLICATION_CREDENTIAL_SECRET", SECRET),
    ];
    assert_eq!(
        config_error(ClientBuilder::from_vars(vars(&base), &[])),
        "configuration error: OS_USERNAME (or OS_USER_ID) is missing (needed for finding \
         application credential `ci` by name; read from the environment)"
    );
    assert_eq!(
        config_error(ClientBuilder::from_vars(vars(&base[..2]), &[])),
        "configuration error: OS_APPLICATION_CREDENTIAL_SECRET is missing (needed for \
         application credential auth; read from the environment)"
    );
    let pairs = [
        ("OS_AUTH_TYPE", "v3applicationcredential"),
        ("OS_AUTH_URL", "http://k/v3"),
        ("OS_APPLICATION_CREDENTIAL_SECRET", SECRET),
    ];
    assert_eq!(
        config_error(ClientBuilder::from_vars(vars(&pairs), &[])),
        "configuration error: OS_APPLICATION_CREDENTIAL_ID (or OS_APPLICATION_CREDENTIAL_NAME) is \
         missing (needed for application credential auth; read from the environment)"
    );
    assert_eq!(
        config_error(ClientBuilder::from_vars(
            vars(&[
                ("OS_AUTH_TYPE", "v3oidcpassword"),
                ("OS_AUTH_URL", "http://k")
            ]),
            &[]
        )),
        "configuration error: OS_AUTH_TYPE `v3oidcpassword` is not supported (supported: \
         password, v3password, v3applicationcredential, token, v3token, admin_token, aksk, none; read \
         from the environment)"
    );
}

#[tokio::test]
async fn v3token_exchanges_the_token_for_a_project_scoped_one() {
    let cloud = FakeCloud::start();
    let auth_url = cloud.auth_url();
    let pairs = [
        ("OS_AUTH_TYPE", "v3token"),
        ("OS_AUTH_URL", auth_url.as_str()),
        ("OS_AUTH_TOKEN", "unscoped-token"),
        ("OS_PROJECT_ID", "p1"),
        ("OS_REGION_NAME", "RegionOne"),
    ];
    let client = ClientBuilder::from_vars(vars(&pairs), &[])
        .unwrap()
        .build()
        .await
        .unwrap();
    client.list_images().send().await.unwrap();
    assert_eq!(
        keystone_body(&cloud),
        json!({"auth": {
            "identity": {"methods": ["token"], "token": {"id": "unscoped-token"}},
            "scope": {"project": {"id": "p1"}}
        }})
    );
    assert_eq!(
        cloud.ims_requests()[0].header("x-auth-token"),
        Some("tok-1"),
        "the new token, not the given one"
    );
    let without_project: Vec<_> = pairs
        .iter()
        .copied()
        .filter(|(n, _)| *n != "OS_PROJECT_ID")
        .collect();
    assert_eq!(
        config_error(ClientBuilder::from_vars(vars(&without_project), &[])),
        "configuration error: OS_PROJECT_NAME (or OS_PROJECT_ID) is missing (needed for a token \
         scoped to a project; read from the environment)"
    );
}

#[tokio::test]
async fn os_auth_token_with_os_auth_url_reads_the_catalog_of_the_token() {
    let cloud = FakeCloud::start();
    pre_issued(&cloud, "issued-earlier");
    let auth_url = cloud.auth_url();
    let pairs = [
        ("OS_AUTH_URL", auth_url.as_str()),
        ("OS_AUTH_TOKEN", "issued-earlier"),
        ("OS_REGION_NAME", "RegionTwo"),
    ];
    let client = ClientBuilder::from_vars(vars(&pairs), &[])
        .unwrap()
        .build()
        .await
        .unwrap();
    assert_eq!(
        client.baseurl(),
        &format!("{}/r2", cloud.server.base_url()),
        "RegionTwo's endpoint of the token's catalog"
    );
    let keystone = cloud.keystone_requests();
    assert_eq!(keystone.len(), 1);
    assert_eq!(keystone[0].method, "GET");
    assert_eq!(keystone[0].path(), "/v3/auth/tokens");
    assert_eq!(keystone[0].header("x-auth-token"), Some("issued-earlier"));
    assert_eq!(
        keystone[0].header("x-subject-token"),
        Some("issued-earlier")
    );
    assert!(keystone[0].body.is_empty());
    client.list_images().send().await.unwrap();
    assert_eq!(
        cloud.ims_requests()[0].header("x-auth-token"),
        Some("issued-earlier"),
        "the token itself is sent"
    );
    // Nothing can renew it: a 401 is the answer, without asking Keystone again.
    cloud.with(|s| s.rejected.insert("issued-earlier".into()));
    let error = client.list_images().send().await.unwrap_err();
    assert_eq!(error.status(), Some(reqwest::StatusCode::UNAUTHORIZED));
    assert_eq!(cloud.keystone_requests().len(), 1);
    assert_eq!(cloud.ims_requests().len(), 2);

    // `auth_type: token` with an `auth_url` in clouds.yaml does the same.
    let dir = tempfile::tempdir().unwrap();
    let clouds = write(
        dir.path(),
        "clouds.yaml",
        &format!(
            "clouds:\n  t:\n    auth_type: token\n    auth:\n      auth_url: {auth_url}\n      \
             token: issued-earlier\n    region_name: RegionOne\n"
        ),
    );
    cloud.with(|s| s.rejected.clear());
    let cloud_vars = [
        ("OS_CLOUD", "t"),
        ("OS_CLIENT_CONFIG_FILE", clouds.to_str().unwrap()),
    ];
    let client = ClientBuilder::from_vars(vars(&cloud_vars), &[])
        .unwrap()
        .build()
        .await
        .unwrap();
    assert_eq!(client.baseurl(), &cloud.server.base_url());
    assert_eq!(cloud.keystone_requests()[1].method, "GET");
    client.list_images().send().await.unwrap();

    // A token Keystone does not know is an auth error that says so.
    let pairs = [
        ("OS_AUTH_URL", auth_url.as_str()),
        ("OS_AUTH_TOKEN", "never-issued"),
    ];
    let error = ClientBuilder::from_vars(vars(&pairs), &[])
        .unwrap()
        .build()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Auth, "{error}");
    assert!(
        error.to_string().contains("404 Not Found")
            && error.to_string().contains("the token is not valid"),
        "{error}"
    );
}

// ---- The endpoint's version segment ----

#[tokio::test]
async fn a_version_at_the_end_of_the_endpoint_is_dropped() {
    for (suffix, base_path) in [
        ("/v2", ""),
        ("/v2/", ""),
        ("/v2.0", ""),
        ("/v1", ""),
        ("/image", "/image"),
        ("/image/v2.1/", "/image"),
    ] {
        let server = Server::start(vec![CannedResponse::json(200, &json!({"images": []}))]);
        let endpoint = format!("{}{suffix}", server.base_url());
        let pairs = [("OS_AUTH_TOKEN", "t"), ("IMS_ENDPOINT", endpoint.as_str())];
        let client = ClientBuilder::from_vars(vars(&pairs), &[])
            .unwrap()
            .build()
            .await
            .unwrap();
        assert_eq!(
            client.baseurl(),
            &format!("{}{base_path}", server.base_url()),
            "{suffix}"
        );
        client.list_images().send().await.unwrap();
        let path = server.single_request().path().to_string();
        assert!(
            path.starts_with(&format!("{base_path}/v2/")) && !path.contains("/v2/v2"),
            "{suffix}: {path}"
        );
    }
}

// ---- User-Agent ----

#[tokio::test]
async fn every_request_names_the_crate_in_its_user_agent() {
    let crate_agent = format!(
        "ims/{} (Rust; {} {})",
        env!("CARGO_PKG_VERSION"),
        std::env::consts::OS,
        std::env::consts::ARCH
    );
    assert_eq!(ims::http::user_agent(), crate_agent);
    for prefix in [None, Some("ims-cli/0.1.0")] {
        let cloud = FakeCloud::start();
        let auth_url = cloud.auth_url();
        let mut builder =
            ClientBuilder::from_vars(vars(&os_vars(&cloud, &auth_url, &[])), &[]).unwrap();
        if let Some(prefix) = prefix {
            builder = builder.user_agent(prefix);
        }
        let client = builder.build().await.unwrap();
        client.list_images().send().await.unwrap();
        let expected = match prefix {
            Some(prefix) => format!("{prefix} {crate_agent}"),
            None => crate_agent.clone(),
        };
        let requests = cloud.server.requests();
        assert_eq!(requests.len(), 2, "Keystone, then the IMS");
        for request in requests {
            assert_eq!(
                request.header("user-agent"),
                Some(expected.as_str()),
                "{}",
                request.target
            );
        }
    }
    let error = Client::builder()
        .endpoint("http://127.0.0.1:1")
        .user_agent("bad\nagent")
        .build()
        .await
        .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("User-Agent prefix `bad\\nagent`"),
        "{error}"
    );
    let error = Client::builder()
        .endpoint("http://127.0.0.1:1")
        .user_agent("ims-cli/0.1.0")
        .http_client(reqwest::Client::new())
        .build()
        .await
        .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("set them on the reqwest::Client"),
        "{error}"
    );
}

// ---- TLS ----

pub(crate) fn tls_file(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/it/tls")
        .join(name)
}

/// A TLS server on 127.0.0.1 in front of the plain test server at `backend`: it completes the
/// handshake with `tests/it/tls/server.pem` (signed by `ca.pem`) and relays each connection,
/// so the fake cloud's Keystone and IMS answer over HTTPS. With `client_auth`, it requires a
/// client certificate signed by the test CA. Returns its `https://` base URL; stops when the
/// returned handle is dropped... by aborting its task.
pub(crate) async fn tls_front(
    backend: std::net::SocketAddr,
    client_auth: bool,
) -> (String, AbortOnDrop) {
    use std::sync::Arc;
    use tokio_rustls::rustls;
    use tokio_rustls::rustls::pki_types::pem::PemObject;
    use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let certs = |name: &str| -> Vec<CertificateDer<'static>> {
        CertificateDer::pem_file_iter(tls_file(name))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    let key = PrivateKeyDer::from_pem_file(tls_file("server.key")).unwrap();
    let builder = rustls::ServerConfig::builder();
    let config = if client_auth {
        let mut roots = rustls::RootCertStore::empty();
        for cert in certs("ca.pem") {
            roots.add(cert).unwrap();
        }
        let verifier = rustls::server::WebPkiClientVerifier::builder(Arc::new(roots))
            .build()
            .unwrap();
        builder
            .with_client_cert_verifier(verifier)
            .with_single_cert(certs("server.pem"), key)
            .unwrap()
    } else {
        builder
            .with_no_client_auth()
            .with_single_cert(certs("server.pem"), key)
            .unwrap()
    };
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let task = tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let Ok(mut plain) = tokio::net::TcpStream::connect(backend).await else {
                    return;
                };
                let _ = tokio::io::copy_bidirectional(&mut tls, &mut plain).await;
            });
        }
    });
    (format!("https://127.0.0.1:{port}"), AbortOnDrop(task))
}

/// Aborts the task when dropped.
pub(crate) struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Application-credential settings for the fake cloud behind a TLS front at `https`.
fn tls_vars<'a>(
    auth_url: &'a str,
    https: &'a str,
    extra: &[(&'a str, &'a str)],
) -> Vec<(&'a str, &'a str)> {
    let mut pairs = vec![
        ("OS_AUTH_URL", auth_url),
        ("OS_APPLICATION_CREDENTIAL_ID", "ac-id-1"),
        ("OS_APPLICATION_CREDENTIAL_SECRET", SECRET),
        ("IMS_ENDPOINT", https),
    ];
    pairs.extend_from_slice(extra);
    pairs
}

#[tokio::test]
async fn os_cacert_verifies_keystone_and_the_service_over_tls() {
    let cloud = FakeCloud::start();
    let (https, _front) = tls_front(cloud.server.addr(), false).await;
    let auth_url = format!("{https}/v3");
    let ca = tls_file("ca.pem");
    let pairs = tls_vars(&auth_url, &https, &[("OS_CACERT", ca.to_str().unwrap())]);
    let builder = ClientBuilder::from_vars(vars(&pairs), &[]).unwrap();
    assert!(builder.get_tls().has_ca_bundle() && !builder.get_tls().is_insecure());
    let client = builder.build().await.unwrap();
    assert_eq!(client.baseurl(), &https);
    client.list_images().send().await.unwrap();
    assert_eq!(cloud.keystone_requests().len(), 1, "Keystone over TLS");
    assert_eq!(
        cloud.ims_requests()[0].header("x-auth-token"),
        Some("tok-1")
    );

    // Without the bundle the test CA is unknown: Keystone's handshake fails.
    let pairs = tls_vars(&auth_url, &https, &[]);
    let error = ClientBuilder::from_vars(vars(&pairs), &[])
        .unwrap()
        .build()
        .await
        .unwrap();
    let error = error.list_images().send().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Auth, "{error}");
    assert!(
        error.to_string().contains("could not reach Keystone"),
        "{error}"
    );
    assert_eq!(cloud.keystone_requests().len(), 1, "no request got through");
}

#[tokio::test]
async fn os_insecure_skips_verification_and_warns() {
    let (captured, _guard) = crate::support::capture::capture();
    let cloud = FakeCloud::start();
    let (https, _front) = tls_front(cloud.server.addr(), false).await;
    let auth_url = format!("{https}/v3");
    let pairs = tls_vars(&auth_url, &https, &[("OS_INSECURE", "true")]);
    let client = ClientBuilder::from_vars(vars(&pairs), &[])
        .unwrap()
        .build()
        .await
        .unwrap();
    client.list_images().send().await.unwrap();
    client.list_images().send().await.unwrap();
    let warnings: Vec<_> = captured
        .events()
        .into_iter()
        .filter(|e| {
            e.fields
                .get("message")
                .is_some_and(|m| m.contains("TLS certificate verification is off"))
        })
        .collect();
    assert_eq!(warnings.len(), 1, "one warning per client, not per request");
    assert!(
        warnings[0].fields["message"].contains("(settings read from the environment)"),
        "{warnings:?}"
    );
    // `verify: false` in clouds.yaml says the same; `OS_INSECURE=false` does not.
    let dir = tempfile::tempdir().unwrap();
    let clouds = write(
        dir.path(),
        "clouds.yaml",
        &format!(
            "clouds:\n  t:\n    verify: false\n    auth_type: token\n    auth:\n      token: t\n    \
             image_endpoint_override: {https}\n"
        ),
    );
    let cloud_vars = [
        ("OS_CLOUD", "t"),
        ("OS_CLIENT_CONFIG_FILE", clouds.to_str().unwrap()),
    ];
    let builder = ClientBuilder::from_vars(vars(&cloud_vars), &[]).unwrap();
    assert!(builder.get_tls().is_insecure());
    let pairs = tls_vars(&auth_url, &https, &[("OS_INSECURE", "false")]);
    let builder = ClientBuilder::from_vars(vars(&pairs), &[]).unwrap();
    assert!(!builder.get_tls().is_insecure());
    let pairs = tls_vars(&auth_url, &https, &[("OS_INSECURE", "maybe")]);
    assert_eq!(
        config_error(ClientBuilder::from_vars(vars(&pairs), &[])),
        "configuration error: OS_INSECURE `maybe` is not true or false (read from the environment)"
    );
}

#[tokio::test]
async fn os_cert_and_os_key_give_a_client_certificate() {
    let cloud = FakeCloud::start();
    let (https, _front) = tls_front(cloud.server.addr(), true).await;
    let auth_url = format!("{https}/v3");
    let (ca, cert, key) = (
        tls_file("ca.pem"),
        tls_file("client.pem"),
        tls_file("client.key"),
    );
    let pairs = tls_vars(
        &auth_url,
        &https,
        &[
            ("OS_CACERT", ca.to_str().unwrap()),
            ("OS_CERT", cert.to_str().unwrap()),
            ("OS_KEY", key.to_str().unwrap()),
        ],
    );
    let builder = ClientBuilder::from_vars(vars(&pairs), &[]).unwrap();
    assert!(builder.get_tls().has_client_identity());
    let key_text = std::fs::read_to_string(&key).unwrap();
    let key_line = key_text.lines().nth(1).unwrap();
    assert!(!format!("{builder:?}").contains(key_line), "{builder:?}");
    let client = builder.build().await.unwrap();
    client.list_images().send().await.unwrap();
    assert_eq!(cloud.ims_requests().len(), 1);

    // The server refuses a client without a certificate.
    let pairs = tls_vars(&auth_url, &https, &[("OS_CACERT", ca.to_str().unwrap())]);
    let client = ClientBuilder::from_vars(vars(&pairs), &[])
        .unwrap()
        .build()
        .await
        .unwrap();
    let error = client.list_images().send().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Auth, "{error}");
    assert_eq!(cloud.keystone_requests().len(), 1);
}

#[test]
fn bad_tls_files_are_config_errors_naming_setting_and_file() {
    let dir = tempfile::tempdir().unwrap();
    let not_pem = write(dir.path(), "notes.txt", "just text\n");
    let missing = dir.path().join("missing.pem");
    let (ca, cert, key) = (
        tls_file("ca.pem"),
        tls_file("client.pem"),
        tls_file("client.key"),
    );
    let with = |extra: &[(&str, &str)]| {
        let mut pairs = vec![
            ("OS_AUTH_TOKEN", "t"),
            ("IMS_ENDPOINT", "https://127.0.0.1:1"),
        ];
        pairs.extend_from_slice(extra);
        config_error(ClientBuilder::from_vars(vars(&pairs), &[]))
    };
    let text = with(&[("OS_CACERT", missing.to_str().unwrap())]);
    assert!(
        text.starts_with(&format!(
            "configuration error: OS_CACERT: cannot read the CA bundle {}: ",
            missing.display()
        )) && text.ends_with("(read from the environment)"),
        "{text}"
    );
    assert_eq!(
        with(&[("OS_CACERT", not_pem.to_str().unwrap())]),
        format!(
            "configuration error: OS_CACERT: {} (read from the environment) is not a usable PEM CA \
             bundle: no PEM certificate (-----BEGIN CERTIFICATE-----) in it",
            not_pem.display()
        )
    );
    // A key is not a CA certificate.
    let text = with(&[("OS_CACERT", key.to_str().unwrap())]);
    assert!(text.contains("is not a usable PEM CA bundle"), "{text}");
    let text = with(&[("OS_CERT", cert.to_str().unwrap())]);
    assert!(
        text.starts_with(&format!("configuration error: OS_CERT: {}", cert.display()))
            && text.contains("the key must be in the certificate file")
            && text.contains("is not a usable PEM client certificate and key"),
        "{text}"
    );
    let text = with(&[
        ("OS_CERT", cert.to_str().unwrap()),
        ("OS_KEY", not_pem.to_str().unwrap()),
    ]);
    assert!(
        text.contains(&format!("with OS_KEY: {}", not_pem.display())),
        "{text}"
    );
    assert_eq!(
        with(&[("OS_KEY", key.to_str().unwrap())]),
        format!(
            "configuration error: OS_KEY: {} (read from the environment) is set without a client \
             certificate (cert, OS_CERT)",
            key.display()
        )
    );
    // In clouds.yaml, the key and the cloud are named; the environment fills in what the
    // cloud leaves out.
    let clouds = write(
        dir.path(),
        "clouds.yaml",
        &format!(
            "clouds:\n  t:\n    cacert: {}\n    auth_type: token\n    auth:\n      token: t\n    \
             image_endpoint_override: https://127.0.0.1:1\n",
            missing.display()
        ),
    );
    let cloud_vars = [
        ("OS_CLOUD", "t"),
        ("OS_CLIENT_CONFIG_FILE", clouds.to_str().unwrap()),
        ("OS_CACERT", ca.to_str().unwrap()),
    ];
    let text = config_error(ClientBuilder::from_vars(vars(&cloud_vars), &[]));
    assert!(
        text.starts_with(&format!(
            "configuration error: cacert: cannot read the CA bundle {}",
            missing.display()
        )) && text.contains(&format!("(read from cloud `t` in {})", clouds.display())),
        "{text}"
    );
    let clouds = write(
        dir.path(),
        "clouds.yaml",
        "clouds:\n  t:\n    auth_type: token\n    auth:\n      token: t\n",
    );
    let cloud_vars = [
        ("OS_CLOUD", "t"),
        ("OS_CLIENT_CONFIG_FILE", clouds.to_str().unwrap()),
        ("OS_CACERT", ca.to_str().unwrap()),
    ];
    let builder = ClientBuilder::from_vars(vars(&cloud_vars), &[]).unwrap();
    assert!(builder.get_tls().has_ca_bundle());
}

/// The defaults of the table of limits that this file's settings change.
#[test]
fn tls_user_agent_and_token_cache_defaults() {
    let builder = Client::builder();
    let tls = builder.get_tls();
    assert!(!tls.is_insecure() && !tls.has_ca_bundle() && !tls.has_client_identity());
    assert!(
        ims::http::user_agent().starts_with(&format!("ims/{} (Rust; ", env!("CARGO_PKG_VERSION")))
    );
    assert_eq!(ims::auth::MAX_CACHE_FILE_BYTES, 4 * 1024 * 1024);
    let builder = ClientBuilder::from_vars(vars(&[("OS_AUTH_TOKEN", "t")]), &[]).unwrap();
    assert!(!builder.get_tls().is_insecure(), "insecure only when asked");
}
