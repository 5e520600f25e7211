//! Paging through the list operations: every page, or every image, as a stream.
//!
//! The builders of the list operations that page get three more methods:
//!
//! | method | gives |
//! | --- | --- |
//! | `.into_pages()` | [`Pages`]: a `Stream` of `Result<`[`Page`]`<T>, `[`ims::Error`](crate::Error)`>` |
//! | `.into_stream()` | [`Items`]: a `Stream` of `Result<T, ims::Error>`, page after page |
//! | `.all().await` | `Result<Vec<T>, ims::Error>`: every item, or the first error |
//!
//! The streams own what they need (a clone of the client and the builder's request), so they
//! are `'static` and can be moved into a spawned task. The methods are added to the builders
//! of the operations with a `marker` parameter when the client is generated (see
//! `codegen/src/rewrite.rs`).
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
//! the same error as the operation's own `send()` would give, and ends the stream.
//!
//! One item that does not decode does not sink its page: the page's other items are given,
//! and that item is an error of its own ([`ErrorKind::Decode`](crate::ErrorKind::Decode),
//! with the JSON path such as `images[3].min_disk` and the image id), yielded by
//! [`Items`] after the page's good items and kept in [`Page::rejected`]; the stream goes on
//! with the next page. [`Items::all`] and [`Pages::all`] return the first such error.
//!
//! Paging that cannot go on safely is an error
//! of kind [`ErrorKind::Paging`](crate::ErrorKind::Paging), whose [`Error::paging`](crate::Error::paging)
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
//! cancels the request in flight. Every page goes through the response pipeline like every
//! request of the client (credentials, retries, redirect policy, body limits, the
//! `ims.request` tracing span). A tokio runtime is needed, as for every request of reqwest.

use std::collections::HashSet;
use std::pin::Pin;
use std::task::{Context as TaskContext, Poll};

use futures::stream::{BoxStream, Stream, StreamExt, TryStreamExt};
use tracing::Instrument;
use url::Url;

use crate::decode::Decoded;
use crate::listing::{Cursor, Listing};
use crate::{Client, Error, PagingProblem};

/// One page of a list.
#[derive(Clone, Debug)]
pub struct Page<T> {
    /// The items of the page that decoded, in the service's order.
    pub items: Vec<T>,
    /// The items of the page that did not decode, one error each (with the JSON path and the
    /// item's id), in the service's order.
    pub rejected: Vec<Error>,
    /// The position of the page, from 1.
    pub number: usize,
    /// The marker the page was asked for with; `None` for the first page unless the builder
    /// set one.
    pub marker: Option<String>,
}

type PageStream<T> = BoxStream<'static, Result<Page<T>, Error>>;
type Start<T> = Box<dyn FnOnce(Option<usize>) -> PageStream<T> + Send>;

/// The pages of a list, as a `Stream` of `Result<Page<T>, Error>`; from `.into_pages()` on
/// the builder of a list operation. Nothing is sent before the first poll. It owns a clone of
/// the client and the request, so it can be moved into a spawned task.
#[must_use = "streams do nothing unless polled"]
pub struct Pages<T> {
    start: Option<Start<T>>,
    max_items: Option<usize>,
    stream: Option<PageStream<T>>,
}

impl<T: Send + 'static> Pages<T> {
    /// The pages of `operation`, a list whose responses are `L`, from its first request
    /// (`request`, or why it could not be built). Called by the generated `into_pages()`.
    pub(crate) fn new<L: Listing<Item = T>>(
        client: Client,
        operation: &'static str,
        request: Result<reqwest::Request, Error>,
    ) -> Pages<T> {
        Pages {
            start: Some(Box::new(move |max_items| {
                pages::<L>(client, operation, request, max_items)
            })),
            max_items: None,
            stream: None,
        }
    }

    /// Stops after `max` items: the page that reaches it is cut there and no further page is
    /// asked for. Takes effect only before the first poll.
    pub fn max_items(mut self, max: usize) -> Pages<T> {
        self.max_items = Some(max);
        self
    }

    /// The items of the pages, one by one.
    pub fn into_items(self) -> Items<T> {
        Items {
            pages: self,
            current: Vec::new().into_iter(),
            rejected: Vec::new().into_iter(),
        }
    }

    /// Every item of every page, or the first error.
    pub async fn all(self) -> Result<Vec<T>, Error> {
        self.into_items().all().await
    }
}

impl<T: Send + 'static> Stream for Pages<T> {
    type Item = Result<Page<T>, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        if this.stream.is_none() {
            match this.start.take() {
                Some(start) => this.stream = Some(start(this.max_items)),
                None => return Poll::Ready(None),
            }
        }
        this.stream.as_mut().expect("set above").poll_next_unpin(cx)
    }
}

/// The items of a list, page after page, as a `Stream` of `Result<T, Error>`; from
/// `.into_stream()` on the builder of a list operation. Nothing is sent before the first poll.
#[must_use = "streams do nothing unless polled"]
pub struct Items<T> {
    pages: Pages<T>,
    current: std::vec::IntoIter<T>,
    rejected: std::vec::IntoIter<Error>,
}

impl<T: Send + 'static> Items<T> {
    /// Stops after `max` items, asking for no page beyond the one that reaches it. Takes
    /// effect only before the first poll.
    pub fn max_items(mut self, max: usize) -> Items<T> {
        self.pages = self.pages.max_items(max);
        self
    }

    /// Every item, in order, or the first error.
    pub async fn all(self) -> Result<Vec<T>, Error> {
        // Page by page rather than item by item: each page's items are moved into the result
        // in one go, and the result is cut to its length at the end (it grows by doubling),
        // so it holds no spare capacity.
        let Items {
            mut pages,
            current,
            mut rejected,
        } = self;
        let mut all: Vec<T> = current.collect();
        if let Some(error) = rejected.next() {
            return Err(error);
        }
        while let Some(page) = pages.try_next().await? {
            all.extend(page.items);
            if let Some(error) = page.rejected.into_iter().next() {
                return Err(error);
            }
        }
        all.shrink_to_fit();
        Ok(all)
    }
}

// No field is ever pinned: the items are moved out of the vectors' iterators.
impl<T> Unpin for Items<T> {}

impl<T: Send + 'static> Stream for Items<T> {
    type Item = Result<T, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            if let Some(item) = this.current.next() {
                return Poll::Ready(Some(Ok(item)));
            }
            if let Some(error) = this.rejected.next() {
                return Poll::Ready(Some(Err(error)));
            }
            // The page is used up: its buffer goes before the next page is waited for, so a
            // stream does not hold it beside the next one.
            this.current = Vec::new().into_iter();
            match this.pages.poll_next_unpin(cx) {
                Poll::Ready(Some(Ok(page))) => {
                    this.current = page.items.into_iter();
                    this.rejected = page.rejected.into_iter();
                }
                Poll::Ready(Some(Err(error))) => return Poll::Ready(Some(Err(error))),
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}

/// Cancels the task when dropped (the stream was dropped before it needed the page).
struct AbortOnDrop<T>(tokio::task::JoinHandle<T>);

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// What a pager keeps between pages.
struct Pager {
    client: Client,
    /// The list operation (`list_images`, ...): every page is asked for, and errors named,
    /// under it.
    operation: &'static str,
    /// The first page's request: the next pages are asked for with it, `marker` replaced.
    first: reqwest::Request,
    seen_markers: HashSet<String>,
    pages: usize,
    items: usize,
    max_items: Option<usize>,
}

/// Where a pager is.
enum State<L: Listing> {
    /// Nothing sent yet.
    First(Box<Pager>, Option<String>),
    /// The next page is on its way.
    Fetching(
        AbortOnDrop<Result<Decoded<L>, Error>>,
        Box<Pager>,
        Option<String>,
    ),
    /// The next poll gives this error, then the end.
    Fail(Error),
    /// The end.
    Done,
}

/// The page stream of `operation`, starting with `first`.
fn pages<L: Listing>(
    client: Client,
    operation: &'static str,
    first: Result<reqwest::Request, Error>,
    max_items: Option<usize>,
) -> PageStream<L::Item> {
    if max_items == Some(0) {
        return futures::stream::empty().boxed();
    }
    let start = match first {
        Ok(first) => {
            let marker = query_value(first.url(), "marker");
            State::<L>::First(
                Box::new(Pager {
                    client,
                    operation,
                    seen_markers: marker.iter().cloned().collect(),
                    first,
                    pages: 0,
                    items: 0,
                    max_items,
                }),
                marker,
            )
        }
        Err(error) => State::Fail(error),
    };
    futures::stream::unfold(start, move |state| async move {
        let (decoded, mut pager, marker) = match state {
            State::Done => return None,
            State::Fail(error) => return Some((Err(error), State::Done)),
            State::First(pager, marker) => {
                let request = page_request(&pager, marker.as_deref());
                match fetch::<L>(pager.client.clone(), operation, request).await {
                    Ok(decoded) => (decoded, pager, marker),
                    Err(error) => return Some((Err(error), State::Done)),
                }
            }
            State::Fetching(mut task, pager, marker) => match (&mut task.0).await {
                Ok(Ok(decoded)) => (decoded, pager, marker),
                Ok(Err(error)) => return Some((Err(error), State::Done)),
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
        let page_url = with_marker(pager.first.url(), marker.as_deref());
        let Decoded {
            mut items,
            rejected,
            cursor,
            last_id,
        } = decoded;
        if items.is_empty() && rejected.is_empty() {
            return None;
        }
        let mut next = match cursor {
            Cursor::Link(None) => Ok(None),
            Cursor::Link(Some(link)) => {
                next_marker::<L>(pager.operation, &link, &page_url).map(Some)
            }
            Cursor::AfterLastItem => Ok(last_id),
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
            rejected,
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
                let request = page_request(&pager, Some(&marker));
                let fetch = fetch::<L>(pager.client.clone(), pager.operation, request)
                    .instrument(tracing::Span::current());
                State::Fetching(AbortOnDrop(tokio::spawn(fetch)), pager, Some(marker))
            }
        };
        Some((Ok(page), state))
    })
    .boxed()
}

/// The request for the page after `marker`: the first page's request, `marker` replaced.
fn page_request(pager: &Pager, marker: Option<&str>) -> Result<reqwest::Request, Error> {
    let mut request = pager.first.try_clone().ok_or_else(|| {
        Error::invalid_request(pager.operation, "the request has a streaming body".into())
    })?;
    *request.url_mut() = with_marker(pager.first.url(), marker);
    Ok(request)
}

/// One page through the pipeline, decoded item by item.
async fn fetch<L: Listing>(
    client: Client,
    operation: &'static str,
    request: Result<reqwest::Request, Error>,
) -> Result<Decoded<L>, Error> {
    let reply = crate::pipeline::fetch(&client, operation, request?).await?;
    crate::decode::page::<L>(operation, &reply)
}
/// The marker of a next-page link, after checking that the link (resolved against the URL of
/// the page that gave it) stays on that URL's scheme, host and port and names the operation.
pub(crate) fn next_marker<L: Listing>(
    operation: &str,
    link: &str,
    page_url: &Url,
) -> Result<String, Error> {
    let bad = |reason| {
        Error::for_paging(
            operation,
            PagingProblem::BadLink {
                link: link.to_string(),
                reason,
            },
            format!(
                "the service's next link ({}) cannot be followed: {reason}",
                crate::error::escaped(link)
            ),
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
        let shown = crate::error::escaped(link);
        return Err(Error::for_paging(
            operation,
            PagingProblem::ForeignLink {
                link: link.to_string(),
            },
            format!(
                "the service's next link points to another {what} ({shown}), not to the client's \
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
pub(crate) fn with_marker(url: &Url, marker: Option<&str>) -> Url {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types;

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
