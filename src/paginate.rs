//! Paging through the list operations: every page, or every image, as a stream.
//!
//! The builders of the list operations that page get three more methods:
//!
//! | method | gives |
//! | --- | --- |
//! | `.into_pages()` | [`Pages`]: a `Stream` of `Result<`[`Page`]`<T>, `[`ims::Error`](crate::Error)`>` |
//! | `.into_stream()` | [`Items`]: a `Stream` of `Result<T, ims::Error>`, page after page |
//! | `.all().await` | `Result<Vec<T>, ims::Error>`: every item |
//!
//! for `list_images` (`GET /v2/images`, items [`types::Image`]), `list_cloud_images`
//! (`GET /v2/cloudimages`, [`types::Image`]) and the two compute lists (`list_compute_images`,
//! `list_compute_images_v2_1`, [`types::ComputeImage`]). [`Pages::max_items`] and
//! [`Items::max_items`] stop after that many items.
//!
//! ```no_run
//! # async fn run(client: &ims::Client) -> Result<(), ims::Error> {
//! use futures::TryStreamExt;
//! use ims::values::Visibility;
//!
//! let mut images = client.list_images().visibility(Visibility::Public).limit(100).into_stream();
//! while let Some(image) = images.try_next().await? {
//!     println!("{} {}", image.id, image.name.as_deref().unwrap_or(""));
//! }
//! # Ok(()) }
//! ```
//!
//! ## How the next page is found
//!
//! - `/v2/images` answers with a `next` link (`/v2/images?limit=5&marker=<id>&…`) on every page
//!   but the last. The link is resolved against the URL the page was fetched from and must
//!   stay on the scheme, host and port of the client's base URL and name the same operation
//!   (its path ends in `/v2/images`); a link to anywhere else is refused with an error of
//!   [`ErrorKind::Paging`](crate::ErrorKind::Paging) ([`PagingProblem::ForeignLink`], or
//!   [`PagingProblem::BadLink`]) and never contacted. The next page
//!   is then the first page's request again, every filter as it was, with the link's `marker`.
//! - `/v2/cloudimages` has no links: the next page is asked for with `marker` = the id of the
//!   last image of the page.
//! - The compute lists follow the `images_links` entry with `rel = next` if the service gives
//!   one (Nova does when the list is longer than its page), checked like a `next` link;
//!   otherwise the first page is the only one.
//!
//! Paging stops at a page without a link, at an empty page (when the last page is exactly
//! full, Glance's `next` leads to an empty one), or when [`max_items`](Pages::max_items) is
//! reached. A marker that comes back a second time is an error
//! ([`PagingProblem::RepeatedMarker`]), never an endless loop.
//!
//! ## Errors
//!
//! The streams yield [`ims::Error`](crate::Error), like every call of the crate. A failed
//! request for a page (an error status, a connection error, a body that does not decode) is
//! the same error as the operation's own `send()` would give, converted with `Error::from`;
//! paging that cannot go on safely is an error of kind
//! [`ErrorKind::Paging`](crate::ErrorKind::Paging), whose [`Error::paging`](crate::Error::paging)
//! says what ([`PagingProblem`]). Either way [`Error::operation`](crate::Error::operation)
//! names the list operation (`list_images`, `list_cloud_images`, ...), and the stream ends
//! after the error.
//!
//! ## Prefetch and memory
//!
//! As soon as a page arrives, the request for the next one starts in a tokio task, before the
//! page is handed to the caller: while the caller works on page *n*, page *n + 1* is on its way.
//! Only one page is fetched ahead, so a stream holds at most two pages (the caller's and the
//! next) whatever the length of the list, plus the markers seen so far. Dropping the stream
//! cancels the request in flight. The pages after the first go through the same hooks as every
//! request of the client (credentials, retries, the `ims.request` tracing span), on a clone of
//! the client taken when the first page is sent (see `observe`). A tokio runtime is needed, as
//! for every request of reqwest.

use std::cell::RefCell;
use std::collections::HashSet;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context as TaskContext, Poll};

use futures::future::BoxFuture;
use futures::stream::{BoxStream, Stream, StreamExt, TryStreamExt};
use progenitor_client::{ClientHooks, OperationInfo};
use reqwest::header::{ACCEPT, HeaderValue};
use serde::de::DeserializeOwned;
use tracing::Instrument;
use url::Url;

use crate::types::{self, ErrorResponse};
use crate::{Client, Context, Error, PagingProblem, ResponseValue, builder};

/// The error of one request, as the generated operations return it (progenitor's error with
/// the service's [`ErrorResponse`] body); the streams convert it into [`Error`].
type RequestError = crate::generated::Error<ErrorResponse>;

/// One page of a list.
#[derive(Clone, Debug)]
pub struct Page<T> {
    /// The items of the page, in the service's order (never empty: empty pages end the list).
    pub items: Vec<T>,
    /// The position of the page, from 1.
    pub number: usize,
    /// The marker the page was asked for with; `None` for the first page unless the builder
    /// set one.
    pub marker: Option<String>,
}

/// What limits a stream; set on [`Pages`] or [`Items`] before the first poll.
#[derive(Clone, Copy, Debug, Default)]
struct Options {
    max_items: Option<usize>,
}

type PageStream<'a, T> = BoxStream<'a, Result<Page<T>, Error>>;
type Start<'a, T> = Box<dyn FnOnce(Options) -> PageStream<'a, T> + Send + 'a>;

/// The pages of a list, as a `Stream` of `Result<Page<T>, Error>`; from `.into_pages()` on
/// the builder of a list operation. Nothing is sent before the first poll.
#[must_use = "streams do nothing unless polled"]
pub struct Pages<'a, T> {
    start: Option<Start<'a, T>>,
    options: Options,
    stream: Option<PageStream<'a, T>>,
}

impl<'a, T: Send + 'a> Pages<'a, T> {
    fn new(start: Start<'a, T>) -> Pages<'a, T> {
        Pages {
            start: Some(start),
            options: Options::default(),
            stream: None,
        }
    }

    /// Stops after `max` items: the page that reaches it is cut there and no further page is
    /// asked for. Takes effect only before the first poll.
    pub fn max_items(mut self, max: usize) -> Pages<'a, T> {
        self.options.max_items = Some(max);
        self
    }

    /// The items of the pages, one by one.
    pub fn into_items(self) -> Items<'a, T> {
        Items {
            pages: self,
            current: Vec::new().into_iter(),
        }
    }

    /// Every item of every page.
    pub async fn all(self) -> Result<Vec<T>, Error> {
        self.into_items().all().await
    }
}

impl<'a, T: Send + 'a> Stream for Pages<'a, T> {
    type Item = Result<Page<T>, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        if this.stream.is_none() {
            match this.start.take() {
                Some(start) => this.stream = Some(start(this.options)),
                None => return Poll::Ready(None),
            }
        }
        this.stream.as_mut().expect("set above").poll_next_unpin(cx)
    }
}

/// The items of a list, page after page, as a `Stream` of `Result<T, Error>`; from
/// `.into_stream()` on the builder of a list operation. Nothing is sent before the first poll.
#[must_use = "streams do nothing unless polled"]
pub struct Items<'a, T> {
    pages: Pages<'a, T>,
    current: std::vec::IntoIter<T>,
}

impl<'a, T: Send + 'a> Items<'a, T> {
    /// Stops after `max` items, asking for no page beyond the one that reaches it. Takes
    /// effect only before the first poll.
    pub fn max_items(mut self, max: usize) -> Items<'a, T> {
        self.pages = self.pages.max_items(max);
        self
    }

    /// Every item, in order.
    pub async fn all(self) -> Result<Vec<T>, Error> {
        self.try_collect().await
    }
}

// No field is ever pinned: the items are moved out of the vector's iterator.
impl<T> Unpin for Items<'_, T> {}

impl<'a, T: Send + 'a> Stream for Items<'a, T> {
    type Item = Result<T, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            if let Some(item) = this.current.next() {
                return Poll::Ready(Some(Ok(item)));
            }
            match this.pages.poll_next_unpin(cx) {
                Poll::Ready(Some(Ok(page))) => this.current = page.items.into_iter(),
                Poll::Ready(Some(Err(error))) => return Poll::Ready(Some(Err(error))),
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}

/// How a list operation's response leads to the next page.
enum Cursor {
    /// A link to the next page; `None` on the last page.
    Link(Option<String>),
    /// The next page starts after the last item (`marker` = its id).
    AfterLastItem,
}

/// A list operation that pages: its response type and how it continues.
trait Listing: DeserializeOwned + Send + 'static {
    type Item: Send + 'static;
    /// The operation id the generated code gives the hooks; the pager uses the one the hooks
    /// saw (the two compute lists share a response type), this only when they saw none.
    const OPERATION_ID: &'static str;
    /// How the path of a next-page link must end.
    const PATH_SUFFIX: &'static str;
    fn into_parts(self) -> (Vec<Self::Item>, Cursor);
    fn item_id(item: &Self::Item) -> &str;
}

impl Listing for types::ImageList {
    type Item = types::Image;
    const OPERATION_ID: &'static str = "list_images";
    const PATH_SUFFIX: &'static str = "/v2/images";
    fn into_parts(self) -> (Vec<types::Image>, Cursor) {
        (self.images, Cursor::Link(self.next))
    }
    fn item_id(item: &types::Image) -> &str {
        &item.id
    }
}

impl Listing for types::CloudImageList {
    type Item = types::Image;
    const OPERATION_ID: &'static str = "list_cloud_images";
    const PATH_SUFFIX: &'static str = "/v2/cloudimages";
    fn into_parts(self) -> (Vec<types::Image>, Cursor) {
        (self.images, Cursor::AfterLastItem)
    }
    fn item_id(item: &types::Image) -> &str {
        &item.id
    }
}

impl Listing for types::ComputeImageList {
    type Item = types::ComputeImage;
    const OPERATION_ID: &'static str = "list_compute_images";
    const PATH_SUFFIX: &'static str = "/images/detail";
    fn into_parts(self) -> (Vec<types::ComputeImage>, Cursor) {
        // Nova: "images_links": [{"rel": "next", "href": "…?limit=…&marker=…"}]
        let next = self
            .extra
            .get("images_links")
            .and_then(|links| links.as_array())
            .into_iter()
            .flatten()
            .find(|link| link.get("rel").and_then(|r| r.as_str()) == Some("next"))
            .and_then(|link| link.get("href").and_then(|h| h.as_str()))
            .map(str::to_string);
        (self.images, Cursor::Link(next))
    }
    fn item_id(item: &types::ComputeImage) -> &str {
        &item.id
    }
}

/// The statuses the generated operations decode as `Error::ErrorResponse` (every list
/// operation of the spec lists the same ones); others are `Error::UnexpectedResponse`.
const ERROR_STATUSES: &[u16] = &[400, 401, 403, 404, 500, 503];

/// What the hooks saw of a pager's first request: the client it went through, its URL and
/// its operation.
struct Observed {
    client: Arc<Client>,
    url: Url,
    operation: &'static str,
}

tokio::task_local! {
    static OBSERVED: RefCell<Option<Observed>>;
}

/// Called by the `exec` hook for every request. Inside the first request of a pager (and only
/// there: the task-local is set for that future alone), keeps a clone of the client and the
/// request's URL, from which the pager asks for the next pages, and the operation, under whose
/// name they are asked for. Builders borrow the client and keep their fields private; this is
/// how a pager learns the client and its base URL.
pub(crate) fn observe(client: &Client, request: &reqwest::Request, operation: &'static str) {
    let _ = OBSERVED.try_with(|slot| {
        let mut slot = slot.borrow_mut();
        if slot.is_none() {
            *slot = Some(Observed {
                client: Arc::new(Client::new_with_client(
                    &client.baseurl,
                    client.client.clone(),
                    client.inner.clone(),
                )),
                url: request.url().clone(),
                operation,
            });
        }
    });
}

/// Sends `first` (the builder's request), noting the client and URL it went to.
async fn send_first<L: Listing>(
    first: impl Future<Output = Result<ResponseValue<L>, RequestError>>,
) -> (Result<ResponseValue<L>, RequestError>, Option<Observed>) {
    OBSERVED
        .scope(RefCell::new(None), async move {
            let result = first.await;
            let observed = OBSERVED.with(|slot| slot.borrow_mut().take());
            (result, observed)
        })
        .await
}

/// Cancels the task when dropped (the stream was dropped before it needed the page).
struct AbortOnDrop<T>(tokio::task::JoinHandle<T>);

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// A page being fetched in its own task.
type Prefetch<L> = AbortOnDrop<Result<ResponseValue<L>, RequestError>>;

/// The first page's request, and what the hooks saw of it.
type FirstPage<'a, L> = BoxFuture<'a, (Result<ResponseValue<L>, RequestError>, Option<Observed>)>;

/// Where a pager is.
enum State<'a, L: Listing> {
    /// Nothing sent yet.
    First(FirstPage<'a, L>),
    /// The next page is on its way. (The pager is boxed: it is large beside the other states.)
    Fetching(Prefetch<L>, Box<Pager>, Option<String>),
    /// The next poll gives this error, then the end.
    Fail(Error),
    /// The end.
    Done,
}

/// What a pager keeps between pages.
struct Pager {
    client: Arc<Client>,
    /// The operation of the first request (`list_images`, ...): the later pages are asked
    /// for, and errors named, under it.
    operation: &'static str,
    /// The first page's URL: the next pages are asked for with it, `marker` replaced.
    first_url: Url,
    seen_markers: HashSet<String>,
    pages: usize,
    items: usize,
    max_items: Option<usize>,
}

/// The page stream of a list operation whose first page `first` sends.
fn pages<'a, L: Listing>(
    first: impl Future<Output = Result<ResponseValue<L>, RequestError>> + Send + 'a,
    options: Options,
) -> PageStream<'a, L::Item> {
    if options.max_items == Some(0) {
        return futures::stream::empty().boxed();
    }
    let first: FirstPage<'a, L> = Box::pin(send_first(first));
    futures::stream::unfold(State::<L>::First(first), move |state| async move {
        let (response, mut pager, marker) = match state {
            State::Done => return None,
            State::Fail(error) => return Some((Err(error), State::Done)),
            State::First(first) => match first.await {
                (Err(error), _) => {
                    return Some((Err(request_error(error, L::OPERATION_ID)), State::Done));
                }
                (Ok(_), None) => {
                    let error = Error::for_paging(
                        L::OPERATION_ID,
                        PagingProblem::Prefetch,
                        "the first request did not pass the client's hooks, so the next pages \
                         cannot be asked for"
                            .into(),
                    );
                    return Some((Err(error), State::Done));
                }
                (
                    Ok(response),
                    Some(Observed {
                        client,
                        url,
                        operation,
                    }),
                ) => {
                    let marker = query_value(&url, "marker");
                    let pager = Box::new(Pager {
                        client,
                        operation,
                        seen_markers: marker.iter().cloned().collect(),
                        first_url: url,
                        pages: 0,
                        items: 0,
                        max_items: options.max_items,
                    });
                    (response, pager, marker)
                }
            },
            State::Fetching(mut task, pager, marker) => match (&mut task.0).await {
                Ok(Ok(response)) => (response, pager, marker),
                Ok(Err(error)) => {
                    return Some((Err(request_error(error, pager.operation)), State::Done));
                }
                Err(join) => {
                    let error = Error::for_paging(
                        pager.operation,
                        PagingProblem::Prefetch,
                        format!("the request for the next page ended without an answer ({join})"),
                    );
                    return Some((Err(error), State::Done));
                }
            },
        };
        let page_url = with_marker(&pager.first_url, marker.as_deref());
        let (mut items, cursor) = response.into_inner().into_parts();
        if items.is_empty() {
            return None;
        }
        let mut next = match cursor {
            Cursor::Link(None) => Ok(None),
            Cursor::Link(Some(link)) => {
                next_marker::<L>(pager.operation, &link, &page_url).map(Some)
            }
            Cursor::AfterLastItem => Ok(items.last().map(|item| L::item_id(item).to_string())),
        };
        if let Some(max) = pager.max_items {
            let left = max - pager.items;
            if items.len() >= left {
                items.truncate(left);
                next = Ok(None);
            }
        }
        pager.pages += 1;
        pager.items += items.len();
        let page = Page {
            items,
            number: pager.pages,
            marker,
        };
        let state = match next {
            Ok(None) => State::Done,
            Err(error) => State::Fail(error),
            Ok(Some(marker)) if !pager.seen_markers.insert(marker.clone()) => {
                let message = format!(
                    "the service gave the page marker {marker:?} a second time; paging stopped \
                     rather than loop"
                );
                State::Fail(Error::for_paging(
                    pager.operation,
                    PagingProblem::RepeatedMarker { marker },
                    message,
                ))
            }
            Ok(Some(marker)) => {
                let url = with_marker(&pager.first_url, Some(&marker));
                let fetch = fetch::<L>(Arc::clone(&pager.client), url, pager.operation)
                    .instrument(tracing::Span::current());
                State::Fetching(AbortOnDrop(tokio::spawn(fetch)), pager, Some(marker))
            }
        };
        Some((Ok(page), state))
    })
    .boxed()
}

/// The error of a page's request, as [`Error`]; a success body that does not decode keeps
/// no trace of its operation, which the pager knows.
fn request_error(error: RequestError, operation: &str) -> Error {
    Error::from(error).or_operation(operation)
}

/// Sends a GET for a page of `operation` through the client's hooks and decodes it as the
/// generated operation would.
async fn fetch<L: Listing>(
    client: Arc<Client>,
    url: Url,
    operation: &'static str,
) -> Result<ResponseValue<L>, RequestError> {
    let client: &Client = &client;
    let info = OperationInfo {
        operation_id: operation,
    };
    let mut request = client
        .client
        .get(url)
        .header(ACCEPT, HeaderValue::from_static("application/json"))
        .build()?;
    <Client as ClientHooks<Context>>::pre(client, &mut request, &info).await?;
    let result = <Client as ClientHooks<Context>>::exec(client, request, &info).await;
    <Client as ClientHooks<Context>>::post(client, &result, &info).await?;
    let response = result?;
    match response.status().as_u16() {
        200 => ResponseValue::from_response(response).await,
        status if ERROR_STATUSES.contains(&status) => Err(RequestError::ErrorResponse(
            ResponseValue::from_response(response).await?,
        )),
        _ => Err(RequestError::UnexpectedResponse(response)),
    }
}

/// The marker of a next-page link, after checking that the link (resolved against the URL of
/// the page that gave it) stays on that URL's scheme, host and port and names the operation.
fn next_marker<L: Listing>(operation: &str, link: &str, page_url: &Url) -> Result<String, Error> {
    let bad = |reason| {
        Error::for_paging(
            operation,
            PagingProblem::BadLink {
                link: link.to_string(),
                reason,
            },
            format!("the service's next link ({link}) cannot be followed: {reason}"),
        )
    };
    let resolved = page_url
        .join(link)
        .map_err(|_| bad("it is not a URL reference"))?;
    let elsewhere = if resolved.host_str() != page_url.host_str() {
        Some("host")
    } else if resolved.scheme() != page_url.scheme() {
        Some("scheme")
    } else if resolved.port_or_known_default() != page_url.port_or_known_default() {
        Some("port")
    } else {
        None
    };
    if let Some(what) = elsewhere {
        let endpoint = page_url.origin().ascii_serialization();
        return Err(Error::for_paging(
            operation,
            PagingProblem::ForeignLink {
                link: link.to_string(),
            },
            format!(
                "the service's next link points to another {what} ({link}), not to the client's \
                 endpoint {endpoint}; it was not followed"
            ),
        ));
    }
    if !resolved.path().ends_with(L::PATH_SUFFIX) {
        return Err(bad("it names another resource"));
    }
    match query_value(&resolved, "marker") {
        Some(marker) if !marker.is_empty() => Ok(marker),
        _ => Err(bad("it has no marker")),
    }
}

/// The first value of a query parameter, decoded.
fn query_value(url: &Url, name: &str) -> Option<String> {
    url.query_pairs()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

/// `url` with its `marker` parameter set to `marker` (in place, or appended), or removed.
/// Every other parameter keeps its place and value.
fn with_marker(url: &Url, marker: Option<&str>) -> Url {
    let mut url = url.clone();
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(key, value)| (key.into_owned(), value.into_owned()))
        .collect();
    let mut placed = false;
    {
        let mut query = url.query_pairs_mut();
        query.clear();
        for (key, value) in &pairs {
            if key == "marker" {
                if let (Some(marker), false) = (marker, placed) {
                    query.append_pair("marker", marker);
                    placed = true;
                }
            } else {
                query.append_pair(key, value);
            }
        }
        if let (Some(marker), false) = (marker, placed) {
            query.append_pair("marker", marker);
        }
    }
    if url.query() == Some("") {
        url.set_query(None);
    }
    url
}

/// The paging methods of a list builder.
macro_rules! paging_methods {
    ($builder:ident, $list:ty, $item:ty, $what:literal) => {
        impl<'a> builder::$builder<'a> {
            #[doc = concat!("The pages of ", $what, ", each fetched while the caller works on ")]
            /// the one before; every parameter set on the builder is kept on every page. See
            /// [`paginate`](crate::paginate).
            pub fn into_pages(self) -> Pages<'a, $item> {
                Pages::new(Box::new(move |options| pages::<$list>(self.send(), options)))
            }

            #[doc = concat!("The items of ", $what, ", page after page; see [`into_pages`](Self::into_pages).")]
            pub fn into_stream(self) -> Items<'a, $item> {
                self.into_pages().into_items()
            }

            #[doc = concat!("Every item of ", $what, ", from all pages.")]
            pub async fn all(self) -> Result<Vec<$item>, Error> {
                self.into_stream().all().await
            }
        }
    };
}

paging_methods!(
    ListImages,
    types::ImageList,
    types::Image,
    "`GET /v2/images`"
);
paging_methods!(
    ListCloudImages,
    types::CloudImageList,
    types::Image,
    "`GET /v2/cloudimages`"
);
paging_methods!(
    ListComputeImages,
    types::ComputeImageList,
    types::ComputeImage,
    "`GET /v2/{project_id}/images/detail`"
);
paging_methods!(
    ListComputeImagesV21,
    types::ComputeImageList,
    types::ComputeImage,
    "`GET /v2.1/{project_id}/images/detail`"
);

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> Url {
        Url::parse(text).unwrap()
    }

    #[test]
    fn marker_replaced_in_place_others_kept() {
        let first = url("http://h:1/v2/images?name=a+b&limit=5&marker=m0&tag=a%3Db");
        assert_eq!(
            with_marker(&first, Some("m1")).as_str(),
            "http://h:1/v2/images?name=a+b&limit=5&marker=m1&tag=a%3Db"
        );
        let plain = url("http://h:1/v2/images");
        assert_eq!(
            with_marker(&plain, Some("x y")).as_str(),
            "http://h:1/v2/images?marker=x+y"
        );
        assert_eq!(with_marker(&plain, None).as_str(), "http://h:1/v2/images");
        let only = url("http://h:1/v2/images?marker=m0");
        assert_eq!(with_marker(&only, None).as_str(), "http://h:1/v2/images");
    }

    #[test]
    fn next_links_are_checked() {
        let page = url("http://127.0.0.1:8000/prefix/v2/images?limit=5");
        let marker = |link| next_marker::<types::ImageList>("list_images", link, &page);
        let problem = |link| {
            let error = marker(link).unwrap_err();
            assert_eq!(error.kind(), crate::ErrorKind::Paging, "{link}");
            assert_eq!(error.operation(), Some("list_images"), "{link}");
            error.paging().cloned()
        };
        assert_eq!(marker("/v2/images?limit=5&marker=abc").unwrap(), "abc");
        assert_eq!(
            marker("http://127.0.0.1:8000/prefix/v2/images?marker=a%20b").unwrap(),
            "a b"
        );
        for foreign in [
            "http://127.0.0.2:8000/v2/images?marker=abc",
            "https://127.0.0.1:8000/v2/images?marker=abc",
            "http://127.0.0.1:8001/v2/images?marker=abc",
            "//evil.example/v2/images?marker=abc",
        ] {
            assert_eq!(
                problem(foreign),
                Some(PagingProblem::ForeignLink {
                    link: foreign.to_string()
                }),
                "{foreign}"
            );
        }
        for bad in [
            "/v2/images?limit=5",
            "/v2/images?marker=",
            "/v2/other?marker=abc",
        ] {
            assert!(
                matches!(problem(bad), Some(PagingProblem::BadLink { link, .. }) if link == bad),
                "{bad}"
            );
        }
    }

    #[test]
    fn compute_lists_follow_the_next_entry_of_images_links() {
        let body = serde_json::json!({
            "images": [{"id": "a"}],
            "images_links": [{"rel": "prev", "href": "/p"}, {"rel": "next", "href": "/n?marker=a"}],
        });
        let list: types::ComputeImageList = serde_json::from_value(body).unwrap();
        let (items, cursor) = list.into_parts();
        assert_eq!(items.len(), 1);
        assert!(matches!(cursor, Cursor::Link(Some(link)) if link == "/n?marker=a"));
    }
}
