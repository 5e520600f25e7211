//! Paging (`src/paginate.rs`) against the test server: links followed and checked, markers,
//! filters kept on every page, limits, prefetch, and errors.

use std::sync::Arc;
use std::time::Duration;

use crate::support::{CannedResponse, RecordedRequest, Server};
use futures::{StreamExt, TryStreamExt};
use ims::retry::{Jitter, RetryPolicy};
use ims::values::{Platform, Visibility};
use ims::{ErrorKind, PagingProblem};
use serde_json::{Value, json};

/// `n` images `img-01`, `img-02`, …
fn images(n: usize) -> Vec<Value> {
    (1..=n)
        .map(|i| json!({"id": format!("img-{i:02}"), "name": format!("image {i}")}))
        .collect()
}

fn ids<'a>(items: impl IntoIterator<Item = &'a ims::types::Image>) -> Vec<String> {
    items.into_iter().map(|image| image.id.clone()).collect()
}

fn query_value(request: &RecordedRequest, name: &str) -> Option<String> {
    request
        .query_pairs()
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

/// The images after `marker` (all of them without one), at most `limit`.
fn slice(all: &[Value], request: &RecordedRequest, default_limit: usize) -> Vec<Value> {
    let limit = query_value(request, "limit").map_or(default_limit, |l| l.parse().unwrap());
    let start = match query_value(request, "marker") {
        None => 0,
        Some(marker) => all.iter().position(|i| i["id"] == marker.as_str()).unwrap() + 1,
    };
    all.iter().skip(start).take(limit).cloned().collect()
}

/// A Glance-like `/v2/images`: `next` on every full page (so the last page, when exactly
/// full, is followed by an empty one), carrying only `marker`: the filters must come from the
/// client.
fn glance(all: Vec<Value>) -> Server {
    Server::with_responder(move |request| {
        let page = slice(&all, request, 25);
        let limit = query_value(request, "limit").map_or(25, |l| l.parse().unwrap());
        let mut body =
            json!({"images": page, "first": "/v2/images", "schema": "/v2/schemas/images"});
        if page.len() == limit {
            let last = page.last().unwrap()["id"].as_str().unwrap().to_string();
            body["next"] = json!(format!("/v2/images?marker={last}"));
        }
        CannedResponse::json(200, &body)
    })
}

/// The paging problem of an error, after checking that it is a paging error of `operation`
/// whose `Display` names the operation and says what happened.
fn paging_problem(error: &ims::Error, operation: &str) -> PagingProblem {
    assert_eq!(error.kind(), ErrorKind::Paging, "{error:?}");
    assert_eq!(error.operation(), Some(operation), "{error:?}");
    assert_eq!(error.status(), None, "{error:?}");
    let message = error.message().expect("a paging error says what happened");
    assert!(
        error
            .to_string()
            .starts_with(&format!("{operation}: {message}.")),
        "{error}"
    );
    error
        .paging()
        .cloned()
        .expect("a paging error has its problem")
}

/// Fails (rather than hangs) when paging does not end; a minute is no bound a busy machine
/// reaches on these few local pages.
async fn within_a_minute<T>(future: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(60), future)
        .await
        .expect("paging did not end within a minute")
}

fn client(server: &Server) -> ims::Client {
    ims::Client::new(&server.base_url(), ims::Context::default())
}

#[tokio::test]
async fn follows_next_and_keeps_every_filter_on_every_page() {
    let server = glance(images(12));
    let client = client(&server);
    let pages: Vec<_> = client
        .list_images()
        .limit(5)
        .name("Überimage ß 東京")
        .tag(vec!["a=b".to_string()])
        .visibility(Visibility::Public)
        .platform(Platform::Ubuntu)
        .into_pages()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        pages.iter().map(|p| p.items.len()).collect::<Vec<_>>(),
        [5, 5, 2]
    );
    assert_eq!(
        pages.iter().map(|p| p.number).collect::<Vec<_>>(),
        [1, 2, 3]
    );
    assert_eq!(pages[0].marker, None);
    assert_eq!(pages[1].marker.as_deref(), Some("img-05"));
    assert_eq!(
        ids(pages.iter().flat_map(|p| &p.items)),
        ids_of(&images(12))
    );

    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    let markers: Vec<_> = requests.iter().map(|r| query_value(r, "marker")).collect();
    assert_eq!(
        markers,
        [None, Some("img-05".into()), Some("img-10".into())]
    );
    for request in &requests {
        assert_eq!(request.path(), "/v2/images");
        let pairs: Vec<_> = request
            .query_pairs()
            .into_iter()
            .filter(|(k, _)| k != "marker")
            .collect();
        assert_eq!(
            pairs,
            [
                ("__platform".to_string(), "Ubuntu".to_string()),
                ("limit".into(), "5".into()),
                ("name".into(), "Überimage ß 東京".into()),
                ("tag".into(), "a=b".into()),
                ("visibility".into(), "public".into()),
            ],
            "{}",
            request.target
        );
    }
}

fn ids_of(values: &[Value]) -> Vec<String> {
    values
        .iter()
        .map(|v| v["id"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn an_exactly_full_last_page_ends_at_the_empty_page() {
    let server = glance(images(10));
    let pages: Vec<_> = client(&server)
        .list_images()
        .limit(5)
        .into_pages()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), 2, "the empty page is not a page");
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn all_and_into_stream_give_every_image_in_order() {
    let server = glance(images(30));
    let client = client(&server);
    let all = client.list_images().limit(7).all().await.unwrap();
    assert_eq!(ids(&all), ids_of(&images(30)));
    let streamed: Vec<_> = client
        .list_images()
        .into_stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids(&streamed), ids_of(&images(30)), "default page size 25");
}

#[tokio::test]
async fn an_empty_list_has_no_pages() {
    let server = glance(Vec::new());
    let pages: Vec<_> = client(&server)
        .list_images()
        .into_pages()
        .try_collect()
        .await
        .unwrap();
    assert!(pages.is_empty());
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn max_items_stops_early() {
    let server = glance(images(12));
    let client = client(&server);
    let first: Vec<_> = client
        .list_images()
        .limit(5)
        .into_stream()
        .max_items(7)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids(&first), ids_of(&images(7)));
    assert_eq!(server.requests().len(), 2, "no third page is asked for");

    let pages: Vec<_> = client
        .list_images()
        .limit(5)
        .into_pages()
        .max_items(5)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), 1);
    assert_eq!(
        server.requests().len(),
        3,
        "one more request: exactly one page"
    );

    let none = client
        .list_images()
        .into_pages()
        .max_items(0)
        .all()
        .await
        .unwrap();
    assert!(none.is_empty());
    assert_eq!(server.requests().len(), 3, "max_items(0) sends nothing");
}

#[tokio::test]
async fn a_repeated_marker_is_an_error_not_a_loop() {
    let server = Server::with_responder(|request| {
        let id = format!("img-{}", request.index);
        CannedResponse::json(
            200,
            &json!({"images": [{"id": id}], "next": "/v2/images?marker=same"}),
        )
    });
    let client = client(&server);
    let mut pages = client.list_images().into_pages();
    assert_eq!(pages.next().await.unwrap().unwrap().items[0].id, "img-0");
    assert_eq!(pages.next().await.unwrap().unwrap().items[0].id, "img-1");
    match within_a_minute(pages.next()).await {
        Some(Err(error)) => {
            assert_eq!(
                paging_problem(&error, "list_images"),
                PagingProblem::RepeatedMarker {
                    marker: "same".into()
                }
            );
            assert!(error.to_string().contains("\"same\""), "{error}");
        }
        other => panic!("expected RepeatedMarker, got {other:?}"),
    }
    assert!(
        pages.next().await.is_none(),
        "the stream ends after an error"
    );
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_marker_set_on_the_builder_counts_as_seen() {
    let server = Server::with_responder(|_| {
        CannedResponse::json(
            200,
            &json!({"images": [{"id": "x"}], "next": "/v2/images?marker=start"}),
        )
    });
    let error = within_a_minute(client(&server).list_images().marker("start").all())
        .await
        .unwrap_err();
    assert!(
        matches!(
            paging_problem(&error, "list_images"),
            PagingProblem::RepeatedMarker { .. }
        ),
        "{error:?}"
    );
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_cross_host_next_link_is_refused_and_never_contacted() {
    let other = Server::start(Vec::new());
    for link in [
        format!("{}/v2/images?marker=img-01", other.base_url()),
        format!("//{}/v2/images?marker=img-01", other.addr()),
    ] {
        let first = json!({"images": [{"id": "img-01"}], "next": link});
        let server = Server::start(vec![CannedResponse::json(200, &first)]);
        let client = client(&server);
        let mut pages = client.list_images().into_pages();
        assert_eq!(pages.next().await.unwrap().unwrap().items.len(), 1);
        match pages.next().await {
            Some(Err(error)) => {
                assert_eq!(
                    paging_problem(&error, "list_images"),
                    PagingProblem::ForeignLink { link: link.clone() }
                );
                let message = error.message().unwrap();
                assert!(message.contains(&link), "{message}");
                assert!(message.contains("not followed"), "{message}");
            }
            other => panic!("expected ForeignLink for {link}, got {other:?}"),
        }
        assert_eq!(server.requests().len(), 1);
    }
    // Same host, other scheme.
    let server = Server::with_responder(|r| {
        let link = format!(
            "https://{}/v2/images?marker=img-01",
            r.header("host").unwrap()
        );
        CannedResponse::json(200, &json!({"images": [{"id": "img-01"}], "next": link}))
    });
    let error = client(&server).list_images().all().await.unwrap_err();
    assert!(
        matches!(
            paging_problem(&error, "list_images"),
            PagingProblem::ForeignLink { .. }
        ),
        "{error:?}"
    );
    assert!(
        error
            .message()
            .unwrap()
            .starts_with("the service's next link points to another scheme (https://"),
        "{error}"
    );
    assert_eq!(server.requests().len(), 1);
    assert!(
        other.requests().is_empty(),
        "the other host got {:?}",
        other.requests()
    );
}

#[tokio::test]
async fn a_same_host_absolute_link_is_followed() {
    let server = Server::with_responder(|r| match r.index {
        0 => {
            let link = format!(
                "http://{}/v2/images?marker=img-01",
                r.header("host").unwrap()
            );
            CannedResponse::json(200, &json!({"images": [{"id": "img-01"}], "next": link}))
        }
        _ => CannedResponse::json(200, &json!({"images": [{"id": "img-02"}]})),
    });
    let all = client(&server).list_images().all().await.unwrap();
    assert_eq!(ids(&all), ["img-01", "img-02"]);
}

#[tokio::test]
async fn a_link_without_marker_or_to_another_path_is_refused() {
    for link in [
        "/v2/images?limit=5",
        "/v2/cloudimages?marker=img-01",
        "http://[::1",
    ] {
        let first = json!({"images": [{"id": "img-01"}], "next": link});
        let server = Server::start(vec![CannedResponse::json(200, &first)]);
        let error = client(&server).list_images().all().await.unwrap_err();
        assert!(
            matches!(
                paging_problem(&error, "list_images"),
                PagingProblem::BadLink { link: refused, .. } if refused == link
            ),
            "{link}: {error:?}"
        );
        assert_eq!(server.requests().len(), 1);
    }
}

/// `/v2/cloudimages`: no links; the next page starts after the last image of the page.
#[tokio::test]
async fn cloudimages_page_by_the_last_id_with_every_filter_kept() {
    let all = images(9);
    let server = Server::with_responder(move |request| {
        CannedResponse::json(200, &json!({"images": slice(&all, request, 25)}))
    });
    let client = client(&server);
    let found = client
        .list_cloud_images()
        .limit(4)
        .name("name with spaces & ß")
        .platform(Platform::Ubuntu)
        .tag("a=b")
        .protected(false)
        .all()
        .await
        .unwrap();
    assert_eq!(ids(&found), ids_of(&images(9)));
    let requests = server.requests();
    assert_eq!(requests.len(), 4, "4 + 4 + 1, then an empty page");
    let markers: Vec<_> = requests.iter().map(|r| query_value(r, "marker")).collect();
    assert_eq!(
        markers,
        [
            None,
            Some("img-04".into()),
            Some("img-08".into()),
            Some("img-09".into())
        ]
    );
    for request in &requests {
        assert_eq!(request.path(), "/v2/cloudimages");
        for (name, value) in [
            ("__platform", "Ubuntu"),
            ("limit", "4"),
            ("name", "name with spaces & ß"),
            ("protected", "false"),
            ("tag", "a=b"),
        ] {
            assert_eq!(
                query_value(request, name).as_deref(),
                Some(value),
                "{}",
                request.target
            );
        }
    }
}

#[tokio::test]
async fn cloudimages_repeating_a_page_is_an_error() {
    let server = Server::with_responder(|_| {
        CannedResponse::json(200, &json!({"images": [{"id": "a"}, {"id": "b"}]}))
    });
    let error = within_a_minute(client(&server).list_cloud_images().all())
        .await
        .unwrap_err();
    match paging_problem(&error, "list_cloud_images") {
        PagingProblem::RepeatedMarker { marker } => assert_eq!(marker, "b"),
        other => panic!("{other:?}"),
    }
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn compute_lists_follow_images_links_with_filters_kept() {
    let server = Server::with_responder(|r| match query_value(r, "marker") {
        None => {
            let next = format!(
                "http://{}/v2/proj/images/detail?marker=c2",
                r.header("host").unwrap()
            );
            CannedResponse::json(
                200,
                &json!({
                    "images": [{"id": "c1"}, {"id": "c2"}],
                    "images_links": [{"rel": "next", "href": next}],
                }),
            )
        }
        Some(_) => CannedResponse::json(200, &json!({"images": [{"id": "c3"}]})),
    });
    let client = client(&server);
    let all = client
        .list_compute_images()
        .project_id("proj")
        .name("a b")
        .min_ram(512)
        .all()
        .await
        .unwrap();
    assert_eq!(
        all.iter().map(|i| i.id.as_str()).collect::<Vec<_>>(),
        ["c1", "c2", "c3"]
    );
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    for request in &requests {
        assert_eq!(request.path(), "/v2/proj/images/detail");
        assert_eq!(query_value(request, "name").as_deref(), Some("a b"));
        assert_eq!(query_value(request, "minRam").as_deref(), Some("512"));
    }
    assert_eq!(query_value(&requests[1], "marker").as_deref(), Some("c2"));

    // Without images_links the first page is the whole list.
    let single = Server::start(vec![CannedResponse::json(
        200,
        &json!({"images": [{"id": "c1"}]}),
    )]);
    let all = ims::Client::new(&single.base_url(), ims::Context::default())
        .list_compute_images_v2_1()
        .project_id("proj")
        .all()
        .await
        .unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(single.single_request().path(), "/v2.1/proj/images/detail");
}

/// Errors of later pages carry the list operation they belong to, for each list: the two
/// compute lists share a response type, yet keep their own names.
#[tokio::test]
async fn paging_errors_name_their_operation() {
    let other = Server::start(Vec::new());
    let foreign = format!("{}/v2.1/proj/images/detail?marker=c1", other.base_url());
    let server = Server::start(vec![CannedResponse::json(
        200,
        &json!({"images": [{"id": "c1"}], "images_links": [{"rel": "next", "href": foreign}]}),
    )]);
    let error = client(&server)
        .list_compute_images_v2_1()
        .project_id("proj")
        .all()
        .await
        .unwrap_err();
    assert_eq!(
        paging_problem(&error, "list_compute_images_v2_1"),
        PagingProblem::ForeignLink {
            link: foreign.clone()
        }
    );
    assert!(other.requests().is_empty());
    assert_eq!(
        error.to_string(),
        format!(
            "list_compute_images_v2_1: the service's next link points to another port ({foreign}), \
             not to the client's endpoint {}; it was not followed. If the service is reached \
             through another address, use that address as the endpoint.",
            server.base_url()
        )
    );

    // A later page whose body does not decode: progenitor's error keeps no trace of the
    // operation, the stream names it.
    let server = Server::start(vec![
        CannedResponse::json(
            200,
            &json!({"images": [{"id": "c1"}], "images_links": [{"rel": "next", "href": "/v2/proj/images/detail?marker=c1"}]}),
        ),
        CannedResponse::text(200, "text/html", "<h1>maintenance</h1>"),
    ]);
    let error = client(&server)
        .list_compute_images()
        .project_id("proj")
        .all()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Decode, "{error:?}");
    assert_eq!(error.operation(), Some("list_compute_images"));
    assert!(
        error.to_string().starts_with("list_compute_images: "),
        "{error}"
    );
}

/// Page *n + 1* is asked for as soon as page *n* arrives, not when the caller asks for it;
/// and no further: one page ahead at most.
#[tokio::test]
async fn the_next_page_is_prefetched_one_page_ahead() {
    let server = glance(images(20));
    let client = client(&server);
    let mut pages = client.list_images().limit(5).into_pages();
    let first = pages.next().await.unwrap().unwrap();
    // The caller works on page 1 without polling the stream: page 2 is asked for meanwhile.
    server.wait_for_requests(2).await;
    // A slow machine can only delay a request, never add one: after a pause, still no page 3.
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(server.requests().len(), 2, "one page ahead, not two");
    let second = pages.next().await.unwrap().unwrap();
    assert_eq!(second.marker.as_deref(), Some("img-05"));
    assert_eq!(first.items.len(), 5);
    server.wait_for_requests(3).await;
}

#[tokio::test]
async fn the_item_stream_prefetches_too() {
    let server = glance(images(10));
    let client = client(&server);
    let mut items = client.list_images().limit(5).into_stream();
    let first = items.next().await.unwrap().unwrap();
    assert_eq!(first.id, "img-01");
    // Page 2 is asked for while item 1 is worked on, without polling the stream.
    server.wait_for_requests(2).await;
}

#[tokio::test]
async fn dropping_the_stream_cancels_the_prefetch() {
    let server = Server::with_responder(|r| match r.index {
        0 => CannedResponse::json(
            200,
            &json!({"images": [{"id": "a"}], "next": "/v2/images?marker=a"}),
        ),
        _ => CannedResponse::json(200, &json!({"images": []})).delay(Duration::from_millis(300)),
    });
    let client = client(&server);
    let mut pages = client.list_images().into_pages();
    pages.next().await.unwrap().unwrap();
    drop(pages);
    // Nothing to observe but that this returns without the page and without a panic.
    tokio::time::sleep(Duration::from_millis(50)).await;
}

#[tokio::test]
async fn later_pages_go_through_the_pipeline_credentials_and_retries() {
    let server = Server::with_responder(|r| match r.index {
        0 => CannedResponse::json(
            200,
            &json!({"images": [{"id": "a"}], "next": "/v2/images?marker=a"}),
        ),
        1 => CannedResponse::new(503),
        _ => CannedResponse::json(200, &json!({"images": [{"id": "b"}]})),
    });
    let policy = RetryPolicy::default()
        .backoff(Duration::from_millis(10), Duration::from_millis(10))
        .jitter(Jitter::None);
    let context = ims::Context::new(ims::auth::Auth::token("t0ken").unwrap()).with_retry(policy);
    let client = ims::Client::new(&server.base_url(), context);
    let all = client.list_images().all().await.unwrap();
    assert_eq!(ids(&all), ["a", "b"]);
    let requests = server.requests();
    assert_eq!(requests.len(), 3, "page 2 was retried after its 503");
    for request in &requests {
        assert_eq!(request.header("x-auth-token"), Some("t0ken"));
        assert_eq!(request.header("accept"), Some("application/json"));
        assert_eq!(request.header("api-version"), None, "the pre hook ran");
    }
}

#[tokio::test]
async fn errors_of_later_pages_are_typed_like_the_first() {
    for (status, body) in [
        (
            404,
            CannedResponse::json(
                404,
                &json!({"code": "404 Not Found", "title": "Not Found", "message": "gone"}),
            ),
        ),
        (
            400,
            CannedResponse::text(400, "text/html", "<h1>400 Bad Request</h1>bad marker"),
        ),
        (502, CannedResponse::text(502, "text/plain", "bad gateway")),
    ] {
        let first = CannedResponse::json(
            200,
            &json!({"images": [{"id": "a"}], "next": "/v2/images?marker=a"}),
        );
        let server = Server::start(vec![first, body.clone()]);
        let client = ims::Client::new(
            &server.base_url(),
            ims::Context::default().with_retry(RetryPolicy::none()),
        );
        let later = client.list_images().all().await.unwrap_err();
        let server = Server::start(vec![body]);
        let client = ims::Client::new(
            &server.base_url(),
            ims::Context::default().with_retry(RetryPolicy::none()),
        );
        let first = client.list_images().all().await.unwrap_err();
        assert_eq!(later.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(later.kind(), ErrorKind::Status, "{status}: {later:?}");
        assert_eq!(later.operation(), Some("list_images"), "{status}");
        assert!(later.message().is_some(), "{status}: {later:?}");
        let parts = |e: &ims::Error| {
            (
                e.kind(),
                e.operation().map(str::to_string),
                e.status(),
                e.code().map(str::to_string),
                e.message().map(str::to_string),
                e.title().map(str::to_string),
                e.raw_body().map(str::to_string),
                e.to_string(),
            )
        };
        assert_eq!(
            parts(&later),
            parts(&first),
            "{status}: the later page's error differs from the first's"
        );
    }
}

#[tokio::test]
async fn streams_are_send_and_work_from_a_spawned_task() {
    fn assert_send<T: Send>(_: &T) {}
    let server = glance(images(6));
    let client = Arc::new(client(&server));
    assert_send(&client.list_images().into_pages());
    assert_send(&client.list_cloud_images().into_stream());
    assert_send(&client.list_compute_images().project_id("p").into_pages());
    let task = tokio::spawn({
        let client = Arc::clone(&client);
        async move {
            client
                .list_images()
                .limit(4)
                .all()
                .await
                .map(|all| all.len())
        }
    });
    assert_eq!(task.await.unwrap().unwrap(), 6);
}
