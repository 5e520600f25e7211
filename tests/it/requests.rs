//! Every documented example request, built with typed parameters, reaches the server with
//! exactly the documented path and query.
//!
//! Paths are compared byte for byte as the server received them. Queries are compared as the
//! list of decoded `name=value` pairs, ignoring order: progenitor writes the query parameters
//! of an operation in the lexicographic order of their wire names (`__imagetype` before
//! `protected` before `visibility`), whatever the order of the builder calls or of the spec,
//! so `__imagetype=gold&visibility=public&protected=true` arrives as
//! `__imagetype=gold&protected=true&visibility=public`. `query_order_is_by_wire_name` pins
//! that order down.

use crate::support::{CannedResponse, RecordedRequest, Server};
use ims::values::{DiskFormat, ImageType, MemberStatus, SortKey, Visibility};
use serde_json::json;

/// The project of the documented examples.
const PROJECT: &str = "9c53a566cb3443ab910cf0daebca90c4";
/// An owner ID for the "your own images" filter.
const OWNER: &str = "1bed856811654c1cb661a6ca845ebc77";

/// A server that answers every request with a body every operation decodes: an empty image
/// list, which also has the `id` an image needs.
fn server() -> (Server, ims::Client) {
    let body = json!({"images": [], "id": "33ad552d-1149-471c-8190-ff6776174a00"});
    let server = Server::with_responder(move |_| CannedResponse::json(200, &body));
    let client = ims::Client::new(&server.base_url(), ims::Context::default());
    (server, client)
}

/// Decoded pairs of a query string, sorted.
fn sorted_pairs(query: &str) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
        .map(|(n, v)| (n.into_owned(), v.into_owned()))
        .collect();
    pairs.sort();
    pairs
}

/// Asserts the server saw `GET <documented>`: the path exactly, the query as the same
/// decoded pairs in any order, and no `?` at all when the documented request has none.
fn assert_request(seen: &RecordedRequest, documented: &str) {
    let (path, query) = documented.split_once('?').unwrap_or((documented, ""));
    assert_eq!(seen.method, "GET", "{documented}");
    assert_eq!(seen.path(), path, "path of {documented}");
    if query.is_empty() {
        assert_eq!(seen.query(), None, "{documented} has no query");
    }
    let mut got = seen.query_pairs();
    got.sort();
    assert_eq!(
        got,
        sorted_pairs(query),
        "query of {documented}; sent {:?}",
        seen.target
    );
}

#[tokio::test]
async fn show_image() {
    let (server, client) = server();
    client
        .show_image()
        .image_id("33ad552d-1149-471c-8190-ff6776174a00")
        .send()
        .await
        .unwrap();
    let seen = server.single_request();
    assert_request(&seen, "/v2/images/33ad552d-1149-471c-8190-ff6776174a00");
    assert_eq!(seen.header("accept"), Some("application/json"));
}

#[tokio::test]
async fn list_images_without_filters() {
    let (server, client) = server();
    client.list_images().send().await.unwrap();
    assert_request(&server.single_request(), "/v2/images");
}

#[tokio::test]
async fn list_cloud_images_sorted_page() {
    let (server, client) = server();
    client
        .list_cloud_images()
        .imagetype(ImageType::Gold)
        .sort_key(SortKey::Name)
        .limit(1)
        .send()
        .await
        .unwrap();
    assert_request(
        &server.single_request(),
        "/v2/cloudimages?__imagetype=gold&sort_key=name&limit=1",
    );
}

/// The common filters of `GET /v2/images` and `GET /v2/cloudimages`, in the order
/// `common_filters!` sends them.
const COMMON_QUERIES: [&str; 5] = [
    "__imagetype=gold&visibility=public&protected=true",
    "owner=1bed856811654c1cb661a6ca845ebc77",
    "member_status=accepted&visibility=shared&__imagetype=shared",
    "member_status=rejected&visibility=shared&__imagetype=shared",
    "member_status=pending&visibility=shared&__imagetype=shared",
];

/// Sends the five common filters with the typed builder of `$operation`.
macro_rules! common_filters {
    ($client:expr, $operation:ident) => {{
        let client = &$client;
        client
            .$operation()
            .imagetype(ImageType::Gold)
            .visibility(Visibility::Public)
            .protected(true)
            .send()
            .await
            .unwrap();
        client.$operation().owner(OWNER).send().await.unwrap();
        for status in [
            MemberStatus::Accepted,
            MemberStatus::Rejected,
            MemberStatus::Pending,
        ] {
            client
                .$operation()
                .member_status(status)
                .visibility(Visibility::Shared)
                .imagetype(ImageType::Shared)
                .send()
                .await
                .unwrap();
        }
    }};
}

#[tokio::test]
async fn common_filters_of_list_images() {
    let (server, client) = server();
    common_filters!(client, list_images);
    let seen = server.requests();
    assert_eq!(seen.len(), COMMON_QUERIES.len());
    for (seen, query) in seen.iter().zip(COMMON_QUERIES) {
        assert_request(seen, &format!("/v2/images?{query}"));
    }
}

#[tokio::test]
async fn common_filters_of_list_cloud_images() {
    let (server, client) = server();
    common_filters!(client, list_cloud_images);
    let seen = server.requests();
    assert_eq!(seen.len(), COMMON_QUERIES.len());
    for (seen, query) in seen.iter().zip(COMMON_QUERIES) {
        assert_request(seen, &format!("/v2/cloudimages?{query}"));
    }
}

#[tokio::test]
async fn compute_listings() {
    let (server, client) = server();
    client
        .list_compute_images()
        .project_id(PROJECT)
        .send()
        .await
        .unwrap();
    client
        .list_compute_images_v2_1()
        .project_id(PROJECT)
        .send()
        .await
        .unwrap();
    let seen = server.requests();
    assert_request(
        &seen[0],
        "/v2/9c53a566cb3443ab910cf0daebca90c4/images/detail",
    );
    assert_request(
        &seen[1],
        "/v2.1/9c53a566cb3443ab910cf0daebca90c4/images/detail",
    );
}

#[tokio::test]
async fn v1_1_listing_by_disk_format() {
    let (server, client) = server();
    client
        .list_images_v1_1()
        .disk_format(DiskFormat::Qcow2)
        .send()
        .await
        .unwrap();
    assert_request(
        &server.single_request(),
        "/v1.1/images/detail?disk_format=qcow2",
    );
}

#[tokio::test]
async fn query_order_is_by_wire_name() {
    let (server, client) = server();
    client
        .list_images()
        .visibility(Visibility::Public)
        .protected(true)
        .imagetype(ImageType::Gold)
        .limit(2)
        .send()
        .await
        .unwrap();
    assert_eq!(
        server.single_request().query(),
        Some("__imagetype=gold&limit=2&protected=true&visibility=public")
    );
}

/// Values with characters that must be escaped arrive intact: what the server decodes is what
/// the caller passed, and nothing in the raw target is left unescaped.
#[tokio::test]
async fn values_are_percent_encoded() {
    let (server, client) = server();
    let name = "Überimage ß 東京 & a+b=c%2F";
    let created_at = "gt:2018-10-28 10:00:00";
    client
        .list_images()
        .tag(vec!["a=b".to_string()])
        .name(name)
        .created_at(created_at)
        .send()
        .await
        .unwrap();
    let image_id = "odd/id?x=1#frag ment";
    client.show_image().image_id(image_id).send().await.unwrap();
    let seen = server.requests();

    // Query values.
    let query = &seen[0];
    assert_request(
        query,
        &format!(
            "/v2/images?{}",
            url::form_urlencoded::Serializer::new(String::new())
                .append_pair("tag", "a=b")
                .append_pair("name", name)
                .append_pair("created_at", created_at)
                .finish()
        ),
    );
    let pairs = query.query_pairs();
    let value = |key: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(value("tag"), Some("a=b"));
    assert_eq!(value("name"), Some(name));
    assert_eq!(value("created_at"), Some(created_at));
    let raw = query.query().unwrap();
    assert!(
        raw.is_ascii() && !raw.contains(' '),
        "unescaped characters in {raw:?}"
    );
    assert_eq!(
        raw.matches('&').count(),
        2,
        "an `&` of a value was not escaped: {raw:?}"
    );

    // A path parameter: `/` and `?` must not split the path or start a query.
    let show = &seen[1];
    assert_eq!(
        show.query(),
        None,
        "the `?` of the ID started a query: {:?}",
        show.target
    );
    let segment = show
        .path()
        .strip_prefix("/v2/images/")
        .expect("the ID is one segment");
    assert!(
        !segment.contains('/') && !segment.contains(' '),
        "{segment:?}"
    );
    let decoded = percent_encoding::percent_decode_str(segment)
        .decode_utf8()
        .unwrap();
    assert_eq!(decoded, image_id);
}

/// A time filter that does not match the spec's pattern is refused before anything is sent.
#[tokio::test]
async fn malformed_time_filter_is_refused_locally() {
    let (server, client) = server();
    let err = client
        .list_images()
        .created_at("after:yesterday")
        .send()
        .await
        .unwrap_err();
    assert!(err.kind() == ims::ErrorKind::InvalidRequest, "{err:?}");
    assert!(server.requests().is_empty());
}
