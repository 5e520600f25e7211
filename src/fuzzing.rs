//! The crate's decode path, next-link checks and AK/SK signer, opened for the fuzz targets in
//! `fuzz/` and the property tests in `tests/it/properties.rs` (feature `fuzzing`; not a stable
//! API).
//!
//! Each `decode_*` function reads bytes exactly as a response body of its operation is read
//! (a `200` with `Content-Type: application/json`, through `crate::decode`). Each `check_*`
//! function runs one input through a part of the crate and panics when a property that must
//! hold for every input does not: the fuzz targets and the property tests call the same
//! functions, so both assert the same things.

use std::time::{Duration, UNIX_EPOCH};

use bytes::Bytes;
use http::header::{AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};
use http::{Method, StatusCode};
use serde::Serialize;
use serde_json::Value;
use url::Url;

use crate::decode::Decoded;
use crate::http::Reply;
use crate::listing::{Cursor, Listing};
use crate::signing::{ALGORITHM, AkSk, Signature};
use crate::{Error, ErrorKind, PagingProblem, types};

/// The URL a decoded body is said to come from (it shows in error messages only).
const BODY_URL: &str = "http://127.0.0.1:8000/v2/images";

/// A `200` JSON response with `body`, as the HTTP layer hands it to the decoder.
fn reply(body: &[u8]) -> Reply {
    let mut headers = HeaderMap::new();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    Reply {
        status: StatusCode::OK,
        headers,
        url: Url::parse(BODY_URL).expect("a valid URL"),
        body: Bytes::copy_from_slice(body),
        cut: false,
    }
}

/// `body` as the response of `list_images` (`GET /v2/images`).
pub fn decode_image_list(body: &[u8]) -> Result<types::ImageList, Error> {
    crate::decode::body("list_images", &reply(body))
}

/// `body` as the response of `list_cloud_images` (`GET /v2/cloudimages`).
pub fn decode_cloud_image_list(body: &[u8]) -> Result<types::CloudImageList, Error> {
    crate::decode::body("list_cloud_images", &reply(body))
}

/// `body` as the response of `show_image` (`GET /v2/images/{image_id}`).
pub fn decode_image(body: &[u8]) -> Result<types::Image, Error> {
    crate::decode::body("show_image", &reply(body))
}

/// `body` as the response of `list_compute_images` (`GET /v2/{project_id}/images/detail`).
pub fn decode_compute_image_list(body: &[u8]) -> Result<types::ComputeImageList, Error> {
    crate::decode::body("list_compute_images", &reply(body))
}

/// `body` as the response of `list_images_v1_1` (`GET /v1.1/images/detail`).
pub fn decode_v1_image_list(body: &[u8]) -> Result<types::V1ImageList, Error> {
    crate::decode::body("list_images_v1_1", &reply(body))
}

/// A list operation that pages, as the paging streams decode its pages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum List {
    /// `list_images`: [`types::ImageList`], `next` links.
    Images,
    /// `list_cloud_images`: [`types::CloudImageList`], the next page after the last id.
    CloudImages,
    /// `list_compute_images`: [`types::ComputeImageList`], `images_links` with `rel = next`.
    ComputeImages,
}

impl List {
    /// Every list that pages.
    pub const ALL: [List; 3] = [List::Images, List::CloudImages, List::ComputeImages];

    /// The operation's name, as errors give it.
    pub fn operation(self) -> &'static str {
        match self {
            List::Images => "list_images",
            List::CloudImages => "list_cloud_images",
            List::ComputeImages => "list_compute_images",
        }
    }
}

/// A page of a list decoded as the paging streams decode it, items as JSON.
#[derive(Debug)]
pub struct Page {
    /// The items that decoded, each serialised again.
    pub items: Vec<Value>,
    /// One error for each item that did not.
    pub rejected: Vec<Error>,
    /// The next-page link (`None` on the last page, and for lists without links).
    pub link: Option<String>,
    /// Whether the next page starts after the last item (the lists without links).
    pub after_last_item: bool,
    /// The id of the page's last item, decoded or not.
    pub last_id: Option<String>,
}

/// `body` as a page of `list`, decoded item by item where it has to be
/// (`crate::decode::page`).
pub fn decode_page(list: List, body: &[u8]) -> Result<Page, Error> {
    match list {
        List::Images => page::<types::ImageList>(body),
        List::CloudImages => page::<types::CloudImageList>(body),
        List::ComputeImages => page::<types::ComputeImageList>(body),
    }
}

fn page<L: Listing>(body: &[u8]) -> Result<Page, Error>
where
    L::Item: Serialize,
{
    let operation = operation_of::<L>();
    let Decoded {
        items,
        rejected,
        cursor,
        last_id,
    } = crate::decode::page::<L>(operation, &reply(body))?;
    let (link, after_last_item) = match cursor {
        Cursor::Link(link) => (link, false),
        Cursor::AfterLastItem => (None, true),
    };
    Ok(Page {
        items: items.iter().map(to_value).collect(),
        rejected,
        link,
        after_last_item,
        last_id,
    })
}

fn operation_of<L: Listing>() -> &'static str {
    match L::PATH_SUFFIX {
        "/v2/images" => "list_images",
        "/v2/cloudimages" => "list_cloud_images",
        _ => "list_compute_images",
    }
}

/// A decoded value as JSON; serialising a decoded value must not fail.
fn to_value<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value)
        .unwrap_or_else(|e| panic!("a decoded value does not serialise: {e}"))
}

/// A response type of the crate, for [`check_body`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Body {
    /// [`types::ImageList`] ([`decode_image_list`]).
    ImageList,
    /// [`types::CloudImageList`] ([`decode_cloud_image_list`]).
    CloudImageList,
    /// [`types::Image`] ([`decode_image`]).
    Image,
    /// [`types::ComputeImageList`] ([`decode_compute_image_list`]).
    ComputeImageList,
    /// [`types::V1ImageList`] ([`decode_v1_image_list`]).
    V1ImageList,
}

impl Body {
    /// Every response type.
    pub const ALL: [Body; 5] = [
        Body::ImageList,
        Body::CloudImageList,
        Body::Image,
        Body::ComputeImageList,
        Body::V1ImageList,
    ];

    /// The operation whose response this is.
    pub fn operation(self) -> &'static str {
        match self {
            Body::ImageList => "list_images",
            Body::CloudImageList => "list_cloud_images",
            Body::Image => "show_image",
            Body::ComputeImageList => "list_compute_images",
            Body::V1ImageList => "list_images_v1_1",
        }
    }

    /// Decodes `body` and serialises the value again.
    pub fn decode(self, body: &[u8]) -> Result<Value, Error> {
        match self {
            Body::ImageList => decode_image_list(body).map(|v| to_value(&v)),
            Body::CloudImageList => decode_cloud_image_list(body).map(|v| to_value(&v)),
            Body::Image => decode_image(body).map(|v| to_value(&v)),
            Body::ComputeImageList => decode_compute_image_list(body).map(|v| to_value(&v)),
            Body::V1ImageList => decode_v1_image_list(body).map(|v| to_value(&v)),
        }
    }
}

/// Decodes `body` as `kind` and checks: no panic; a value that decodes serialises, and its
/// JSON decodes again to the same JSON; a body that does not decode gives a decode error of
/// the operation with a message. Returns the decoded JSON.
pub fn check_body(kind: Body, body: &[u8]) -> Option<Value> {
    match kind.decode(body) {
        Ok(value) => {
            let text = serde_json::to_vec(&value).expect("JSON serialises");
            let again = kind.decode(&text).unwrap_or_else(|e| {
                panic!(
                    "{kind:?}: the value serialised again does not decode: {e}\n{}",
                    String::from_utf8_lossy(&text)
                )
            });
            assert_eq!(
                value, again,
                "{kind:?}: decode, serialise, decode changed the JSON"
            );
            Some(value)
        }
        Err(error) => {
            check_decode_error(&error, kind.operation());
            None
        }
    }
}

/// A decode error names its operation, is of kind `Decode` and has a one-line message.
fn check_decode_error(error: &Error, operation: &str) {
    assert_eq!(error.kind(), ErrorKind::Decode, "{error}");
    assert_eq!(error.operation(), Some(operation), "{error}");
    let message = error.to_string();
    assert!(!message.is_empty());
    assert!(
        !message.contains('\n'),
        "a message of more than one line: {message:?}"
    );
}

/// Decodes `body` as a page of `list` and checks: no panic; a body that decodes whole gives
/// the same items as a page, with none rejected; every item of the page's array is either kept or rejected, each
/// rejection a decode error whose path is in the array; kept items decode again to the same
/// JSON; `last_id` is the id of the array's last item.
pub fn check_page(list: List, body: &[u8]) {
    let whole = match list {
        List::Images => Body::ImageList,
        List::CloudImages => Body::CloudImageList,
        List::ComputeImages => Body::ComputeImageList,
    };
    let operation = list.operation();
    let whole = check_body(whole, body);
    let page = match decode_page(list, body) {
        Ok(page) => page,
        Err(error) => {
            assert!(
                whole.is_none(),
                "{list:?}: decodes whole but not as a page: {error}"
            );
            check_decode_error(&error, operation);
            return;
        }
    };
    let raw: Vec<Value> = match &whole {
        Some(value) => {
            assert!(
                page.rejected.is_empty(),
                "{list:?}: decodes whole yet rejects items"
            );
            let items = value["images"].as_array().cloned().unwrap_or_default();
            assert_eq!(
                page.items, items,
                "{list:?}: page items differ from the whole decode"
            );
            items
        }
        None => {
            let value: Value = serde_json::from_slice(body).expect("a page is JSON");
            value["images"]
                .as_array()
                .cloned()
                .expect("a page has an item array")
        }
    };
    assert_eq!(
        page.items.len() + page.rejected.len(),
        raw.len(),
        "{list:?}: items lost or invented"
    );
    for error in &page.rejected {
        check_decode_error(error, operation);
        let path = error.path().unwrap_or_default();
        assert!(
            path.starts_with("images["),
            "{list:?}: rejection outside the array: {path:?}"
        );
    }
    let item = |value: &Value| -> Value {
        match list {
            List::ComputeImages => to_value(
                &serde_json::from_value::<types::ComputeImage>(value.clone())
                    .expect("a kept item decodes again"),
            ),
            _ => to_value(
                &serde_json::from_value::<types::Image>(value.clone())
                    .expect("a kept item decodes again"),
            ),
        }
    };
    for kept in &page.items {
        assert_eq!(
            &item(kept),
            kept,
            "{list:?}: a kept item changed on a second decode"
        );
    }
    let last = raw.last().and_then(|v| v.get("id")).and_then(Value::as_str);
    assert_eq!(page.last_id.as_deref(), last, "{list:?}: last_id");
    assert_eq!(page.after_last_item, list == List::CloudImages);
}

/// A list whose pages carry next-page links.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Linked {
    /// `list_images`: links end in `/v2/images`.
    Images,
    /// `list_compute_images`: links end in `/images/detail`.
    ComputeImages,
}

impl Linked {
    /// The path a link of this list must end with.
    pub fn path_suffix(self) -> &'static str {
        match self {
            Linked::Images => types::ImageList::PATH_SUFFIX,
            Linked::ComputeImages => types::ComputeImageList::PATH_SUFFIX,
        }
    }

    fn operation(self) -> &'static str {
        match self {
            Linked::Images => "list_images",
            Linked::ComputeImages => "list_compute_images",
        }
    }
}

/// The marker of the next-page `link` of a page fetched from `page_url`, or why the link is
/// not followed (what the paging streams do with a page's link).
pub fn next_marker(list: Linked, link: &str, page_url: &Url) -> Result<String, Error> {
    match list {
        Linked::Images => {
            crate::paginate::next_marker::<types::ImageList>(list.operation(), link, page_url)
        }
        Linked::ComputeImages => crate::paginate::next_marker::<types::ComputeImageList>(
            list.operation(),
            link,
            page_url,
        ),
    }
}

/// `url` with its `marker` set to `marker`, or removed: the request for the next page.
pub fn with_marker(url: &Url, marker: Option<&str>) -> Url {
    crate::paginate::with_marker(url, marker)
}

/// The query of `url` decoded, without its `marker` pairs.
fn pairs_but_marker(url: &Url) -> Vec<(String, String)> {
    url.query_pairs()
        .filter(|(key, _)| key != "marker")
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str() == b.host_str()
        && a.port_or_known_default() == b.port_or_known_default()
}

/// Resolves `link` from a page at `page_url` (an `http` or `https` URL with a host) and
/// checks: no panic; a link that is followed resolves to the page's scheme, host and port,
/// ends with the list's path and has that non-empty marker; a link to another origin is
/// refused as [`PagingProblem::ForeignLink`]; a refusal is a paging error of the operation;
/// the next page's URL keeps the origin, path and every other parameter of the page's URL
/// and carries the marker once.
pub fn check_next_link(list: Linked, link: &str, page_url: &Url) {
    let resolved = page_url.join(link);
    match next_marker(list, link, page_url) {
        Ok(marker) => {
            let resolved = resolved.expect("a followed link resolves");
            assert!(
                same_origin(&resolved, page_url),
                "{link:?} from {page_url} was followed to {resolved}"
            );
            assert!(resolved.path().ends_with(list.path_suffix()), "{resolved}");
            assert!(!marker.is_empty());
            let first = resolved
                .query_pairs()
                .find(|(k, _)| k == "marker")
                .map(|(_, v)| v.into_owned());
            assert_eq!(first.as_deref(), Some(marker.as_str()));
            check_with_marker(page_url, Some(&marker));
        }
        Err(error) => {
            assert_eq!(error.kind(), ErrorKind::Paging, "{error}");
            assert_eq!(error.operation(), Some(list.operation()), "{error}");
            assert!(!error.to_string().contains('\n'), "{error}");
            if let Ok(resolved) = resolved
                && !same_origin(&resolved, page_url)
            {
                assert_eq!(
                    error.paging(),
                    Some(&PagingProblem::ForeignLink {
                        link: link.to_string()
                    }),
                    "{link:?} from {page_url} points elsewhere"
                );
            }
        }
    }
    check_with_marker(page_url, None);
}

/// `with_marker(url, marker)` keeps the origin, the path and every other parameter of `url`
/// in order, and carries `marker` exactly once (or not at all).
pub fn check_with_marker(url: &Url, marker: Option<&str>) {
    let next = with_marker(url, marker);
    assert!(same_origin(&next, url), "{url} became {next}");
    assert_eq!(next.path(), url.path());
    assert_eq!(
        pairs_but_marker(&next),
        pairs_but_marker(url),
        "{url} became {next}"
    );
    let markers: Vec<String> = next
        .query_pairs()
        .filter(|(k, _)| k == "marker")
        .map(|(_, v)| v.into_owned())
        .collect();
    match marker {
        Some(marker) => assert_eq!(markers, [marker.to_string()], "{next}"),
        None => assert!(markers.is_empty(), "{next}"),
    }
}

/// One request to sign, with its credentials and time.
#[derive(Clone, Debug)]
pub struct SigningInput {
    /// The HTTP method (any token).
    pub method: String,
    /// The URL.
    pub url: String,
    /// The headers, as name and raw value.
    pub headers: Vec<(String, Vec<u8>)>,
    /// The body.
    pub body: Vec<u8>,
    /// The access key.
    pub access_key: String,
    /// The secret key.
    pub secret_key: String,
    /// The project id, if any.
    pub project_id: Option<String>,
    /// The session token, if any.
    pub security_token: Option<String>,
    /// The signing time, in seconds since 1970.
    pub time: u64,
}

impl SigningInput {
    /// Reads an input from bytes (the fuzz targets' format): the lines method, URL, access
    /// key, secret key, project id (empty: none), token (empty: none), time in seconds; then
    /// `name: value` header lines up to an empty line; the rest is the body.
    pub fn from_bytes(data: &[u8]) -> Option<SigningInput> {
        let mut rest = data;
        let mut line = || -> Option<&[u8]> {
            let end = rest.iter().position(|&b| b == b'\n')?;
            let (line, tail) = rest.split_at(end);
            rest = &tail[1..];
            Some(line)
        };
        let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
        let method = text(line()?);
        let url = text(line()?);
        let access_key = text(line()?);
        let secret_key = text(line()?);
        let project_id = Some(text(line()?)).filter(|s| !s.is_empty());
        let security_token = Some(text(line()?)).filter(|s| !s.is_empty());
        let time = std::str::from_utf8(line()?).ok()?.trim().parse().ok()?;
        let mut headers = Vec::new();
        while let Some(header) = line() {
            if header.is_empty() {
                break;
            }
            let colon = header
                .iter()
                .position(|&b| b == b':')
                .unwrap_or(header.len());
            let value = header.get(colon + 1..).unwrap_or_default();
            headers.push((text(&header[..colon]), value.to_vec()));
        }
        Some(SigningInput {
            method,
            url,
            headers,
            body: rest.to_vec(),
            access_key,
            secret_key,
            project_id,
            security_token,
            time,
        })
    }
}

/// Signs `input` (when its method, URL, headers and time are valid) and checks: no panic;
/// signing twice gives the same result; `Authorization` is
/// `SDK-HMAC-SHA256 Access=<ak>, SignedHeaders=<signed>, Signature=<64 hex>`; the signed
/// headers are sorted, lower-case, without `_` and include `host` and `x-sdk-date`; the
/// canonical request's URI is encoded and ends with `/`, and its query line is the canonical
/// query; signing the URL with the canonical query gives the same canonical query; signing a
/// `reqwest::Request` gives the same signature and leaves the canonical query in its URL.
/// Returns the signature, if the input signs.
pub fn check_signing(input: &SigningInput) -> Option<Signature> {
    let method = Method::from_bytes(input.method.as_bytes()).ok()?;
    let url = Url::parse(&input.url).ok()?;
    let mut headers = HeaderMap::new();
    for (name, value) in &input.headers {
        let name = HeaderName::from_bytes(name.as_bytes()).ok()?;
        let value = HeaderValue::from_bytes(value).ok()?;
        headers.append(name, value);
    }
    let now = UNIX_EPOCH.checked_add(Duration::from_secs(input.time))?;
    let mut signer = AkSk::new(input.access_key.clone(), input.secret_key.clone());
    if let Some(project_id) = &input.project_id {
        signer = signer.with_project_id(project_id.clone());
    }
    if let Some(token) = &input.security_token {
        signer = signer.with_security_token(token.clone());
    }
    let first = signer.sign(&method, &url, &headers, &input.body, now);
    let second = signer.sign(&method, &url, &headers, &input.body, now);
    let signature = match (first, second) {
        (Err(a), Err(b)) => {
            assert_eq!(a, b, "signing is not deterministic");
            assert!(!a.to_string().is_empty());
            return None;
        }
        (Ok(a), Ok(b)) => {
            assert_eq!(a.headers, b.headers, "signing is not deterministic");
            assert_eq!(a.canonical_request, b.canonical_request);
            assert_eq!(a.string_to_sign, b.string_to_sign);
            a
        }
        (a, b) => panic!("signing twice gave {a:?} and {b:?}"),
    };

    let authorization = signature.headers[AUTHORIZATION]
        .to_str()
        .expect("ASCII Authorization");
    let prefix = format!(
        "{ALGORITHM} Access={}, SignedHeaders={}, Signature=",
        input.access_key, signature.signed_headers
    );
    let hex = authorization
        .strip_prefix(&prefix)
        .unwrap_or_else(|| panic!("Authorization {authorization:?} does not start {prefix:?}"));
    assert!(
        hex.len() == 64
            && hex
                .bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()),
        "signature {hex:?}"
    );
    let signed: Vec<&str> = signature.signed_headers.split(';').collect();
    assert!(
        signed.windows(2).all(|w| w[0] < w[1]),
        "unsorted: {signed:?}"
    );
    assert!(
        signed
            .iter()
            .all(|n| !n.contains('_') && *n == n.to_ascii_lowercase())
    );
    assert!(
        signed.contains(&"host") && signed.contains(&"x-sdk-date"),
        "{signed:?}"
    );

    let lines: Vec<&str> = signature.canonical_request.split('\n').collect();
    assert_eq!(lines[0], method.as_str().to_ascii_uppercase());
    let uri = lines[1];
    assert!(
        uri.starts_with('/') && uri.ends_with('/'),
        "canonical URI {uri:?}"
    );
    assert!(
        uri.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.~/%".contains(&b)),
        "canonical URI {uri:?}"
    );
    assert_eq!(lines[2], signature.canonical_query);

    let mut canonical = url.clone();
    canonical.set_query(
        Some(&signature.canonical_query)
            .filter(|q| !q.is_empty())
            .map(|q| q.as_str()),
    );
    let again = signer
        .sign(&method, &canonical, &headers, &input.body, now)
        .expect("the canonical URL signs");
    assert_eq!(
        again.canonical_query, signature.canonical_query,
        "canonical query not stable"
    );

    let mut request = reqwest::Request::new(method, url);
    *request.headers_mut() = headers;
    *request.body_mut() = Some(input.body.clone().into());
    let in_place = signer
        .sign_request(&mut request, now)
        .expect("a request signs as its parts do");
    assert_eq!(in_place.canonical_request, signature.canonical_request);
    assert_eq!(in_place.headers, signature.headers);
    assert_eq!(
        request.url().query().unwrap_or(""),
        signature.canonical_query
    );
    Some(signature)
}
