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
         (RegionOne, RegionTwo); set the region (OS_REGION_NAME, region_name in clouds.yaml, or \
         ClientBuilder::region)"
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
         check the region and interface settings"
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
        "configuration error: no endpoint: call .endpoint(url) or .cloud(..).region(..), set \
         IMS_ENDPOINT, or use Keystone password auth (its catalog gives the image endpoint) \
         (settings read from the environment)"
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
         OS_AUTH_URL with OS_USERNAME, OS_PASSWORD and OS_PROJECT_NAME, OS_AUTH_TOKEN, or \
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
