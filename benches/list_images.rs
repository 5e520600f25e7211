//! How fast the `ims` client lists every image, side by side with the official Huawei Cloud
//! Python SDK (`huaweicloudsdkims`), against a local stand-in for IMS.
//!
//! `cargo bench --bench list_images` starts an HTTP/1.1 server on 127.0.0.1 (in this process,
//! on its own threads) that serves N synthetic images (the spec's example image with a new
//! id, name and creation time each) from `GET /v2/cloudimages` (marker paging) and
//! `GET /v2/images` (`next` links). Every page's response bytes are built once and reused, so
//! the server costs one `write` per request. Then, for several repetitions, it lists all N
//! images with:
//!
//! - `rust ims cloudimages (marker)`: `list_cloud_images().limit(L).marker(..).send()` in a
//!   loop, as a caller without `ims::paginate` writes it;
//! - `rust ims cloudimages into_stream`: `list_cloud_images().limit(L).into_stream()`
//!   (`ims::paginate`, which fetches the next page while the caller works on this one);
//! - `rust ims images (next links)`: `list_images()` in a loop, following the `next` links;
//! - `rust ims images into_stream`: `list_images().limit(L).into_stream()`;
//! - `rust http only`: the same requests with a bare reqwest client, body bytes not decoded
//!   (what transport and server cost);
//! - `rust decode only`: `serde_json::from_slice::<ims::types::CloudImageList>` over the
//!   same page bodies in memory (what decoding into the generated types costs);
//! - `python sdk cloudimages`: `benches/python/list_images_sdk.py` (`ListImagesRequest` in a
//!   loop), one process per repetition, from a venv under `target/bench-venv/` made from
//!   `benches/python/requirements.txt` when it is missing or stale.
//!
//! and prints min/median/max seconds, images/s and peak RSS growth, and the ratio Python/Rust.
//! Every run must list exactly N images ending with the last id, in the expected number of
//! pages, with the server counting the same number of requests; the exit status is non-zero
//! only when a run failed, never because of a time.
//!
//! Environment: `IMS_BENCH_IMAGES` (N, default 100000), `IMS_BENCH_LIMIT` (page size, default
//! 500), `IMS_BENCH_REPEAT` (default 5), `IMS_BENCH_SKIP_PYTHON=1` (Rust only),
//! `IMS_BENCH_ONLY` (comma-separated subset of
//! `cloudimages,stream,next,next-stream,http,decode,python`, for
//! profiling one variant), `IMS_BENCH_PYTHON` (interpreter that makes the venv, default
//! `python3`), `IMS_BENCH_SERVE=1` (only start the server, print its address and wait: for
//! profiling a client by hand).
//!
//! Under `cargo test --all-targets` (which builds this bench in test mode and runs it without
//! the `--bench` flag) it only does a quick smoke run of the Rust variants on 1000 images and
//! checks the counts: no Python, no venv.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const DEFAULT_IMAGES: usize = 100_000;
const DEFAULT_LIMIT: usize = 500;
const DEFAULT_REPEAT: usize = 5;
const SMOKE_IMAGES: usize = 1_000;
const SMOKE_LIMIT: usize = 100;

fn main() -> ExitCode {
    // `cargo bench` passes `--bench`; `cargo test --all-targets` runs this binary without it.
    let bench_mode = std::env::args().any(|arg| arg == "--bench");
    match run(bench_mode) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(error) => {
            eprintln!("list_images bench: {error}");
            ExitCode::FAILURE
        }
    }
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// What to run, from the environment (bench mode) or fixed (smoke mode).
struct Config {
    images: usize,
    limit: usize,
    repeat: usize,
    variants: Vec<Variant>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Variant {
    RustCloudImages,
    RustCloudImagesStream,
    RustNextLinks,
    RustNextLinksStream,
    RustHttpOnly,
    RustDecodeOnly,
    Python,
}

impl Variant {
    const ALL: [Variant; 7] = [
        Variant::RustCloudImages,
        Variant::RustCloudImagesStream,
        Variant::RustNextLinks,
        Variant::RustNextLinksStream,
        Variant::RustHttpOnly,
        Variant::RustDecodeOnly,
        Variant::Python,
    ];

    fn key(self) -> &'static str {
        match self {
            Variant::RustCloudImages => "cloudimages",
            Variant::RustCloudImagesStream => "stream",
            Variant::RustNextLinks => "next",
            Variant::RustNextLinksStream => "next-stream",
            Variant::RustHttpOnly => "http",
            Variant::RustDecodeOnly => "decode",
            Variant::Python => "python",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Variant::RustCloudImages => "rust ims cloudimages (marker)",
            Variant::RustCloudImagesStream => "rust ims cloudimages into_stream",
            Variant::RustNextLinks => "rust ims images (next links)",
            Variant::RustNextLinksStream => "rust ims images into_stream",
            Variant::RustHttpOnly => "rust http only (no decode)",
            Variant::RustDecodeOnly => "rust decode only (no http)",
            Variant::Python => "python sdk cloudimages (marker)",
        }
    }
}

fn env_usize(name: &str, default: usize) -> Result<usize, BoxError> {
    match std::env::var(name) {
        Ok(value) if !value.trim().is_empty() => value
            .trim()
            .replace('_', "")
            .parse()
            .map_err(|_| format!("{name}={value:?} is not a number").into()),
        _ => Ok(default),
    }
}

impl Config {
    fn from_env(bench_mode: bool) -> Result<Config, BoxError> {
        if !bench_mode {
            return Ok(Config {
                images: SMOKE_IMAGES,
                limit: SMOKE_LIMIT,
                repeat: 1,
                variants: Variant::ALL[..6].to_vec(),
            });
        }
        let images = env_usize("IMS_BENCH_IMAGES", DEFAULT_IMAGES)?;
        let limit = env_usize("IMS_BENCH_LIMIT", DEFAULT_LIMIT)?;
        let repeat = env_usize("IMS_BENCH_REPEAT", DEFAULT_REPEAT)?;
        if limit == 0 || repeat == 0 {
            return Err("IMS_BENCH_LIMIT and IMS_BENCH_REPEAT must be at least 1".into());
        }
        let mut variants = match std::env::var("IMS_BENCH_ONLY") {
            Ok(only) if !only.trim().is_empty() => {
                let mut chosen = Vec::new();
                for key in only.split(',').map(str::trim) {
                    let variant = Variant::ALL
                        .into_iter()
                        .find(|v| v.key() == key)
                        .ok_or_else(|| format!("IMS_BENCH_ONLY: unknown variant {key:?}"))?;
                    chosen.push(variant);
                }
                chosen
            }
            _ => Variant::ALL.to_vec(),
        };
        if std::env::var("IMS_BENCH_SKIP_PYTHON").is_ok_and(|v| v == "1") {
            variants.retain(|v| *v != Variant::Python);
        }
        Ok(Config {
            images,
            limit,
            repeat,
            variants,
        })
    }
}

// ---------------------------------------------------------------------------------------
// Synthetic images
// ---------------------------------------------------------------------------------------

/// The spec's example image as JSON text, cut at the values that vary per image.
struct Template {
    parts: Vec<Part>,
}

enum Part {
    Text(String),
    Id,
    Name,
    CreatedAt,
}

// Stand-ins that JSON serialises unescaped and the example does not contain.
const ID_MARK: &str = "@@ID@@";
const NAME_MARK: &str = "@@NAME@@";
const CREATED_MARK: &str = "@@CREATED@@";

impl Template {
    /// `paths./v2/cloudimages.get.responses.200...examples.reference.value.images[0]` of
    /// `openapi/ims.yaml`, in the spec's key order, with its nulls and `__` properties.
    fn from_spec(spec_path: &Path) -> Result<Template, BoxError> {
        let text = std::fs::read_to_string(spec_path)
            .map_err(|e| format!("reading {}: {e}", spec_path.display()))?;
        let spec: serde_norway::Value = serde_norway::from_str(&text)?;
        let mut image = spec["paths"]["/v2/cloudimages"]["get"]["responses"]["200"]["content"]
            ["application/json"]["examples"]["reference"]["value"]["images"][0]
            .clone();
        let map = image
            .as_mapping_mut()
            .ok_or("the spec has no example image for GET /v2/cloudimages")?;
        let id = map
            .get("id")
            .and_then(|v| v.as_str())
            .ok_or("the example image has no id")?
            .to_string();
        for value in map.values_mut() {
            if let Some(text) = value.as_str().filter(|s| s.contains(&id)) {
                *value = text.replace(&id, ID_MARK).into();
            }
        }
        map.insert("name".into(), NAME_MARK.into());
        map.insert("created_at".into(), CREATED_MARK.into());
        let json = serde_json::to_string(&image)?;
        let mut parts = Vec::new();
        let mut rest = json.as_str();
        if text.contains("@@") {
            return Err("the example image contains \"@@\", which the bench uses as a mark".into());
        }
        while let Some(at) = rest.find("@@") {
            parts.push(Part::Text(rest[..at].to_string()));
            let after = &rest[at..];
            let (part, mark) = if after.starts_with(ID_MARK) {
                (Part::Id, ID_MARK)
            } else if after.starts_with(NAME_MARK) {
                (Part::Name, NAME_MARK)
            } else if after.starts_with(CREATED_MARK) {
                (Part::CreatedAt, CREATED_MARK)
            } else {
                return Err("unexpected \"@@\" in the example image".into());
            };
            parts.push(part);
            rest = &after[mark.len()..];
        }
        parts.push(Part::Text(rest.to_string()));
        Ok(Template { parts })
    }

    fn render(&self, index: usize, id: &str, out: &mut Vec<u8>) {
        for part in &self.parts {
            match part {
                Part::Text(text) => out.extend_from_slice(text.as_bytes()),
                Part::Id => out.extend_from_slice(id.as_bytes()),
                Part::Name => out.extend_from_slice(format!("bench image {index:06}").as_bytes()),
                Part::CreatedAt => out.extend_from_slice(created_at(index).as_bytes()),
            }
        }
    }
}

/// A UUID-shaped id, different for each index and the same on every run.
fn image_id(index: usize) -> String {
    let mut x = (index as u64).wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut next = || {
        // splitmix64
        x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = x;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    };
    let (a, b) = (next(), next());
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xfff,
        0x8000 | (b >> 48) & 0x3fff,
        b & 0xffff_ffff_ffff
    )
}

/// Creation times one minute apart, going back from the example's.
fn created_at(index: usize) -> String {
    let minutes = index % (60 * 24 * 28);
    let (day, rest) = (minutes / (60 * 24), minutes % (60 * 24));
    format!(
        "2018-09-{:02}T{:02}:{:02}:27Z",
        28 - day,
        rest / 60,
        rest % 60
    )
}

/// N images, each serialised once, back to back.
struct Catalog {
    ids: Vec<String>,
    json: Vec<u8>,
    /// `ends[i]` is where image `i` ends in `json`; it starts where image `i - 1` ends.
    ends: Vec<usize>,
    by_id: HashMap<String, usize>,
}

impl Catalog {
    fn new(template: &Template, count: usize) -> Catalog {
        let mut ids = Vec::with_capacity(count);
        let mut json = Vec::new();
        let mut ends = Vec::with_capacity(count);
        let mut by_id = HashMap::with_capacity(count);
        for index in 0..count {
            let id = image_id(index);
            template.render(index, &id, &mut json);
            ends.push(json.len());
            by_id.insert(id.clone(), index);
            ids.push(id);
        }
        Catalog {
            ids,
            json,
            ends,
            by_id,
        }
    }

    fn len(&self) -> usize {
        self.ids.len()
    }

    fn image(&self, index: usize) -> &[u8] {
        let start = if index == 0 { 0 } else { self.ends[index - 1] };
        &self.json[start..self.ends[index]]
    }

    /// The body of the page of `limit` images from `start`.
    fn page_body(&self, kind: Kind, start: usize, limit: usize) -> Vec<u8> {
        let end = (start + limit).min(self.len());
        let images = if start < end {
            self.ends[end - 1] - if start == 0 { 0 } else { self.ends[start - 1] }
        } else {
            0
        };
        let mut body = Vec::with_capacity(images + (end - start) + 256);
        body.extend_from_slice(b"{\"images\":[");
        for index in start..end {
            if index > start {
                body.push(b',');
            }
            body.extend_from_slice(self.image(index));
        }
        body.push(b']');
        if kind == Kind::Images {
            body.extend_from_slice(b",\"schema\":\"/v2/schemas/images\"");
            body.extend_from_slice(format!(",\"first\":\"/v2/images?limit={limit}\"").as_bytes());
            if end < self.len() {
                let marker = &self.ids[end - 1];
                body.extend_from_slice(
                    format!(",\"next\":\"/v2/images?limit={limit}&marker={marker}\"").as_bytes(),
                );
            }
        }
        body.push(b'}');
        body
    }
}

// ---------------------------------------------------------------------------------------
// The local IMS stand-in
// ---------------------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Kind {
    /// `GET /v2/cloudimages`: `{"images": [...]}`, the caller pages with `marker`.
    CloudImages,
    /// `GET /v2/images`: `{"images": [...], "schema", "first", "next"}`.
    Images,
}

/// A whole HTTP response, status line to last body byte.
struct Page {
    bytes: Vec<u8>,
    head_len: usize,
}

impl Page {
    fn new(status: &str, body: &[u8]) -> Page {
        let head = format!(
            "HTTP/1.1 {status}\r\nContent-Type: application/json;charset=UTF-8\r\n\
             Content-Length: {}\r\nX-Request-Id: bench\r\n\r\n",
            body.len()
        );
        let mut bytes = Vec::with_capacity(head.len() + body.len());
        bytes.extend_from_slice(head.as_bytes());
        bytes.extend_from_slice(body);
        Page {
            bytes,
            head_len: head.len(),
        }
    }

    fn body(&self) -> &[u8] {
        &self.bytes[self.head_len..]
    }
}

struct ServerState {
    catalog: Catalog,
    pages: Mutex<HashMap<(Kind, usize, usize), Arc<Page>>>,
    cloudimages_requests: AtomicU64,
    images_requests: AtomicU64,
    bad_requests: AtomicU64,
    /// CPU time the connection threads spent, in nanoseconds.
    server_cpu_ns: AtomicU64,
}

impl ServerState {
    fn page(&self, kind: Kind, start: usize, limit: usize) -> Arc<Page> {
        let mut pages = self.pages.lock().unwrap();
        Arc::clone(pages.entry((kind, start, limit)).or_insert_with(|| {
            Arc::new(Page::new(
                "200 OK",
                &self.catalog.page_body(kind, start, limit),
            ))
        }))
    }

    /// Builds every page a listing from the start with this limit asks for.
    fn prewarm(&self, limit: usize) {
        for kind in [Kind::CloudImages, Kind::Images] {
            let mut start = 0;
            loop {
                self.page(kind, start, limit);
                if start >= self.catalog.len() {
                    break;
                }
                start += limit;
            }
        }
    }

    fn respond(&self, method: &str, target: &str) -> Arc<Page> {
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        let kind = match path {
            "/v2/cloudimages" => Kind::CloudImages,
            "/v2/images" => Kind::Images,
            _ => return self.error("404 Not Found", "IMG.0001", &format!("no route {path}")),
        };
        if method != "GET" {
            return self.error("405 Method Not Allowed", "IMG.0002", "only GET");
        }
        match kind {
            Kind::CloudImages => self.cloudimages_requests.fetch_add(1, Ordering::Relaxed),
            Kind::Images => self.images_requests.fetch_add(1, Ordering::Relaxed),
        };
        let mut limit = DEFAULT_LIMIT;
        let mut start = 0;
        for (name, value) in url::form_urlencoded::parse(query.as_bytes()) {
            match &*name {
                "limit" => match value.parse::<usize>() {
                    Ok(n) if n > 0 => limit = n,
                    _ => return self.error("400 Bad Request", "IMG.0024", "bad limit"),
                },
                "marker" => match self.catalog.by_id.get(&*value) {
                    Some(index) => start = index + 1,
                    None => return self.error("400 Bad Request", "IMG.0024", "unknown marker"),
                },
                _ => {}
            }
        }
        self.page(kind, start, limit)
    }

    fn error(&self, status: &str, code: &str, message: &str) -> Arc<Page> {
        self.bad_requests.fetch_add(1, Ordering::Relaxed);
        let body = serde_json::json!({ "error": { "code": code, "message": message } });
        Arc::new(Page::new(status, body.to_string().as_bytes()))
    }

    fn server_cpu_seconds(&self) -> f64 {
        self.server_cpu_ns.load(Ordering::Relaxed) as f64 * 1e-9
    }

    fn counts(&self) -> (u64, u64, u64) {
        (
            self.cloudimages_requests.load(Ordering::Relaxed),
            self.images_requests.load(Ordering::Relaxed),
            self.bad_requests.load(Ordering::Relaxed),
        )
    }
}

/// Starts the server on 127.0.0.1 (a thread per connection, keep-alive); it runs until the
/// process exits.
fn start_server(state: Arc<ServerState>) -> Result<SocketAddr, BoxError> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    std::thread::Builder::new()
        .name("bench-server".into())
        .spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let state = Arc::clone(&state);
                let _ = std::thread::Builder::new()
                    .name("bench-conn".into())
                    .spawn(move || serve_connection(stream, &state));
            }
        })?;
    Ok(addr)
}

fn serve_connection(stream: TcpStream, state: &ServerState) {
    let _ = stream.set_nodelay(true);
    let Ok(read_half) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::with_capacity(16 * 1024, read_half);
    let mut writer = stream;
    let mut line = String::new();
    let mut cpu_mark = cpu_seconds(CpuClock::Thread);
    loop {
        line.clear();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        let mut parts = line.split_whitespace();
        let (Some(method), Some(target)) = (parts.next(), parts.next()) else {
            return;
        };
        let (method, target) = (method.to_string(), target.to_string());
        let mut close = false;
        let mut content_length = 0u64;
        loop {
            line.clear();
            match reader.read_line(&mut line) {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
            let header = line.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':') {
                let value = value.trim();
                if name.eq_ignore_ascii_case("connection") && value.eq_ignore_ascii_case("close") {
                    close = true;
                } else if name.eq_ignore_ascii_case("content-length") {
                    content_length = value.parse().unwrap_or(0);
                }
            }
        }
        if content_length > 0
            && std::io::copy(
                &mut (&mut reader).take(content_length),
                &mut std::io::sink(),
            )
            .is_err()
        {
            return;
        }
        let page = state.respond(&method, &target);
        let written = writer.write_all(&page.bytes);
        // This thread's CPU since the last response: reading, parsing, answering.
        let now = cpu_seconds(CpuClock::Thread);
        if let (Some(now), Some(mark)) = (now, cpu_mark) {
            let spent = ((now - mark) * 1e9) as u64;
            state.server_cpu_ns.fetch_add(spent, Ordering::Relaxed);
        }
        cpu_mark = now;
        if written.is_err() || close {
            return;
        }
    }
}

// ---------------------------------------------------------------------------------------
// The runs
// ---------------------------------------------------------------------------------------

/// What one listing gave.
struct Listing {
    images: usize,
    pages: usize,
    last_id: Option<String>,
}

/// One measured run.
struct Sample {
    seconds: f64,
    /// CPU time (user + system) the client spent: for the Rust variants the process's minus
    /// the server threads', for Python the script's process. Less disturbed than wall time by
    /// other processes on the machine; `None` where the platform does not give it.
    cpu_seconds: Option<f64>,
    rss_growth_kib: Option<u64>,
}

async fn rust_cloudimages(base: &str, limit: usize) -> Result<Listing, BoxError> {
    let client = ims::Client::new(base, ims::Context::default());
    let mut listing = Listing {
        images: 0,
        pages: 0,
        last_id: None,
    };
    loop {
        let mut request = client.list_cloud_images().limit(limit as i32);
        if let Some(marker) = &listing.last_id {
            request = request.marker(marker.clone());
        }
        let page = request.send().await?;
        listing.pages += 1;
        listing.images += page.images.len();
        if let Some(last) = page.images.last() {
            listing.last_id = Some(last.id.clone());
        }
        if page.images.len() < limit {
            return Ok(listing);
        }
    }
}

async fn rust_next_links(base: &str, limit: usize) -> Result<Listing, BoxError> {
    let client = ims::Client::new(base, ims::Context::default());
    let mut listing = Listing {
        images: 0,
        pages: 0,
        last_id: None,
    };
    let mut marker: Option<String> = None;
    loop {
        let mut request = client.list_images().limit(limit as i32);
        if let Some(marker) = marker.take() {
            request = request.marker(marker);
        }
        let page = request.send().await?;
        listing.pages += 1;
        listing.images += page.images.len();
        if let Some(last) = page.images.last() {
            listing.last_id = Some(last.id.clone());
        }
        let Some(next) = page.next.as_deref() else {
            return Ok(listing);
        };
        // The next link carries the marker; a real caller follows it the same way.
        let query = next.split_once('?').map_or("", |(_, query)| query);
        marker = url::form_urlencoded::parse(query.as_bytes())
            .find(|(name, _)| name == "marker")
            .map(|(_, value)| value.into_owned());
        if marker.is_none() {
            return Err(format!("next link without a marker: {next}").into());
        }
    }
}

/// Every image through `ims::paginate`'s `into_stream()` (`/v2/images` with `next_links`,
/// else `/v2/cloudimages`); the page count is left to the server's request count.
async fn rust_stream(base: &str, limit: usize, next_links: bool) -> Result<Listing, BoxError> {
    use futures::TryStreamExt;
    let client = ims::Client::new(base, ims::Context::default());
    let mut listing = Listing {
        images: 0,
        pages: 0,
        last_id: None,
    };
    if next_links {
        let mut images = client.list_images().limit(limit as i32).into_stream();
        while let Some(image) = images.try_next().await? {
            listing.images += 1;
            listing.last_id = Some(image.id);
        }
    } else {
        let mut images = client.list_cloud_images().limit(limit as i32).into_stream();
        while let Some(image) = images.try_next().await? {
            listing.images += 1;
            listing.last_id = Some(image.id);
        }
    }
    Ok(listing)
}

/// The same requests as [`rust_cloudimages`] with a bare reqwest client (configured like
/// `ims::Client::new`'s), reading each body without decoding it. The marker comes from the
/// catalog, and each body must have the length the server was to send.
async fn rust_http_only(
    base: &str,
    limit: usize,
    state: &ServerState,
) -> Result<Listing, BoxError> {
    let timeout = Duration::from_secs(15);
    let http = reqwest::Client::builder()
        .connect_timeout(timeout)
        .timeout(timeout)
        .build()?;
    let catalog = &state.catalog;
    let url = format!("{base}/v2/cloudimages");
    let mut listing = Listing {
        images: 0,
        pages: 0,
        last_id: None,
    };
    let mut start = 0;
    loop {
        let mut request = http
            .get(&url)
            .header("Accept", "application/json")
            .query(&[("limit", limit)]);
        if let Some(marker) = &listing.last_id {
            request = request.query(&[("marker", marker)]);
        }
        let body = request.send().await?.error_for_status()?.bytes().await?;
        let expected = state.page(Kind::CloudImages, start, limit);
        if body.len() != expected.body().len() {
            return Err(format!(
                "page at {start}: {} bytes, expected {}",
                body.len(),
                expected.body().len()
            )
            .into());
        }
        let count = limit.min(catalog.len() - start);
        listing.pages += 1;
        listing.images += count;
        start += count;
        if count > 0 {
            listing.last_id = Some(catalog.ids[start - 1].clone());
        }
        if count < limit {
            return Ok(listing);
        }
    }
}

/// Decodes the page bodies of a cloudimages listing, already in memory, as the client does.
fn rust_decode_only(bodies: &[Arc<Page>]) -> Result<Listing, BoxError> {
    let mut listing = Listing {
        images: 0,
        pages: 0,
        last_id: None,
    };
    for page in bodies {
        let list: ims::types::CloudImageList = serde_json::from_slice(page.body())?;
        listing.pages += 1;
        listing.images += list.images.len();
        if let Some(last) = list.images.last() {
            listing.last_id = Some(last.id.clone());
        }
    }
    Ok(listing)
}

/// Runs the SDK script once; it times itself (client construction and listing, not the
/// interpreter's start and imports).
fn python_run(
    python: &Path,
    script: &Path,
    base: &str,
    limit: usize,
    images: usize,
) -> Result<(Listing, Sample), BoxError> {
    let output = Command::new(python)
        .arg(script)
        .args([
            "--endpoint",
            base,
            "--limit",
            &limit.to_string(),
            "--expect",
            &images.to_string(),
        ])
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout
        .lines()
        .rev()
        .find(|l| l.starts_with('{'))
        .unwrap_or("");
    let result: serde_json::Value = serde_json::from_str(line).map_err(|e| {
        format!(
            "the SDK script printed no result ({e}); exit {}",
            output.status
        )
    })?;
    if !output.status.success() {
        return Err(format!("the SDK script failed ({}): {line}", output.status).into());
    }
    let number = |key: &str| {
        result[key]
            .as_f64()
            .ok_or_else(|| format!("the SDK script's result has no {key}: {line}"))
    };
    let listing = Listing {
        images: number("images")? as usize,
        pages: number("pages")? as usize,
        last_id: result["last_id"].as_str().map(str::to_string),
    };
    let growth = number("rss_peak_kib")? - number("rss_before_kib")?;
    let sample = Sample {
        seconds: number("seconds")?,
        cpu_seconds: result["cpu_seconds"].as_f64(),
        rss_growth_kib: Some(growth.max(0.0) as u64),
    };
    Ok((listing, sample))
}

// ---------------------------------------------------------------------------------------
// Memory
// ---------------------------------------------------------------------------------------

fn proc_status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line[field.len()..]
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

#[derive(Clone, Copy)]
enum CpuClock {
    Process,
    Thread,
}

/// CPU time (user + system) of this process or this thread so far, in seconds.
#[cfg(all(target_os = "linux", target_pointer_width = "64"))]
fn cpu_seconds(clock: CpuClock) -> Option<f64> {
    #[repr(C)]
    struct Timespec {
        tv_sec: i64,
        tv_nsec: i64,
    }
    unsafe extern "C" {
        fn clock_gettime(clock: i32, time: *mut Timespec) -> i32;
    }
    let id = match clock {
        CpuClock::Process => 2, // CLOCK_PROCESS_CPUTIME_ID
        CpuClock::Thread => 3,  // CLOCK_THREAD_CPUTIME_ID
    };
    let mut time = Timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `time` is a valid, writable timespec of the 64-bit Linux layout.
    let status = unsafe { clock_gettime(id, &mut time) };
    (status == 0).then_some(time.tv_sec as f64 + time.tv_nsec as f64 * 1e-9)
}

#[cfg(not(all(target_os = "linux", target_pointer_width = "64")))]
fn cpu_seconds(_clock: CpuClock) -> Option<f64> {
    None
}

/// Returns freed heap to the OS, so that a run's growth is not hidden by memory the
/// allocator kept from the run before.
fn trim_heap() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        unsafe extern "C" {
            fn malloc_trim(pad: usize) -> i32;
        }
        // SAFETY: glibc's malloc_trim has no preconditions.
        unsafe {
            malloc_trim(0);
        }
    }
}

/// Measures `run`: wall time, and how far the peak resident set rose above the resident set
/// at the start (Linux: `/proc/self/clear_refs` resets the peak; otherwise `None`).
fn measure<T>(state: &ServerState, run: impl FnOnce() -> T) -> (T, Sample) {
    trim_heap();
    let reset = std::fs::write("/proc/self/clear_refs", "5").is_ok();
    let before = proc_status_kib("VmRSS:");
    let cpu_before = cpu_seconds(CpuClock::Process);
    let server_before = state.server_cpu_seconds();
    let started = Instant::now();
    let value = run();
    let seconds = started.elapsed().as_secs_f64();
    let cpu_seconds = cpu_seconds(CpuClock::Process)
        .zip(cpu_before)
        .map(|(after, before)| after - before - (state.server_cpu_seconds() - server_before));
    let peak = proc_status_kib("VmHWM:");
    let rss_growth_kib = match (reset, before, peak) {
        (true, Some(before), Some(peak)) => Some(peak.saturating_sub(before)),
        _ => None,
    };
    (
        value,
        Sample {
            seconds,
            cpu_seconds,
            rss_growth_kib,
        },
    )
}

// ---------------------------------------------------------------------------------------
// Python environment
// ---------------------------------------------------------------------------------------

/// The venv's interpreter, after creating the venv and installing the pinned requirements
/// when the venv is missing or was made from other requirements.
fn python_env(target_dir: &Path, requirements: &Path) -> Result<PathBuf, BoxError> {
    let venv = target_dir.join("bench-venv");
    let python = venv.join("bin/python");
    let stamp = venv.join("bench-requirements.txt");
    let wanted = std::fs::read_to_string(requirements)
        .map_err(|e| format!("reading {}: {e}", requirements.display()))?;
    if python.exists() && std::fs::read_to_string(&stamp).is_ok_and(|had| had == wanted) {
        return Ok(python);
    }
    let status = |what: &str, command: &mut Command| -> Result<(), BoxError> {
        eprintln!("list_images bench: {what}");
        let status = command.stdin(Stdio::null()).status()?;
        if status.success() {
            Ok(())
        } else {
            Err(format!("{what} failed: {status}").into())
        }
    };
    if !python.exists() {
        let base = std::env::var("IMS_BENCH_PYTHON").unwrap_or_else(|_| "python3".into());
        status(
            &format!("creating {} with {base}", venv.display()),
            Command::new(&base).arg("-m").arg("venv").arg(&venv),
        )?;
    }
    status(
        &format!(
            "installing {} into {}",
            requirements.display(),
            venv.display()
        ),
        Command::new(&python)
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "-r",
            ])
            .arg(requirements),
    )?;
    std::fs::write(&stamp, wanted)?;
    Ok(python)
}

/// `target/` (or `$CARGO_TARGET_DIR`): this binary is `<target>/<profile>/deps/<name>`.
fn target_dir() -> Result<PathBuf, BoxError> {
    let exe = std::env::current_exe()?;
    exe.ancestors()
        .nth(3)
        .map(Path::to_path_buf)
        .ok_or_else(|| format!("cannot find the target directory above {}", exe.display()).into())
}

// ---------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------

struct Stats {
    min: f64,
    median: f64,
    max: f64,
}

fn stats(values: &[f64]) -> Option<Stats> {
    if values.is_empty() {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    let median = if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    };
    Some(Stats {
        min: sorted[0],
        median,
        max: sorted[n - 1],
    })
}

#[derive(Default)]
struct Results {
    samples: HashMap<&'static str, Vec<Sample>>,
    pages: HashMap<&'static str, usize>,
    failures: Vec<String>,
}

fn run(bench_mode: bool) -> Result<bool, BoxError> {
    let config = Config::from_env(bench_mode)?;
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let template = Template::from_spec(&root.join("openapi/ims.yaml"))?;
    let built = Instant::now();
    let catalog = Catalog::new(&template, config.images);
    let state = Arc::new(ServerState {
        catalog,
        pages: Mutex::new(HashMap::new()),
        cloudimages_requests: AtomicU64::new(0),
        images_requests: AtomicU64::new(0),
        bad_requests: AtomicU64::new(0),
        server_cpu_ns: AtomicU64::new(0),
    });
    state.prewarm(config.limit);
    let base = format!("http://{}", start_server(Arc::clone(&state))?);
    let (n, limit) = (config.images, config.limit);
    let payload: usize = (0..=n / limit)
        .map(|page| {
            state
                .page(Kind::CloudImages, page * limit, limit)
                .body()
                .len()
        })
        .sum();
    if bench_mode && std::env::var("IMS_BENCH_SERVE").is_ok_and(|v| v == "1") {
        println!("serving {n} images at {base} (IMS_BENCH_SERVE=1); stop with Ctrl-C");
        loop {
            std::thread::park();
        }
    }
    let expected_last = n.checked_sub(1).map(|i| state.catalog.ids[i].clone());
    // A marker listing stops at the first page shorter than the limit: n / limit full pages,
    // then one short (possibly empty) page. `ims::paginate` stops cloudimages paging only at an
    // empty page: one more request when the last page is short. A `next` listing stops at the
    // page without `next`.
    let marker_pages = n / limit + 1;
    let stream_pages = n.div_ceil(limit) + 1;
    let next_pages = n.div_ceil(limit).max(1);

    if bench_mode {
        println!(
            "list_images bench: {n} images ({:.0} bytes each, {:.1} MB of JSON in {marker_pages} \
             pages of {limit}), {} repetitions, server at {base}, data built in {:.1} s",
            payload as f64 / n.max(1) as f64,
            payload as f64 / 1e6,
            config.repeat,
            built.elapsed().as_secs_f64(),
        );
    } else {
        println!("list_images bench (smoke run, not timed: use `cargo bench --bench list_images`)");
    }

    let python = if config.variants.contains(&Variant::Python) {
        let python = python_env(
            &target_dir()?,
            &root.join("benches/python/requirements.txt"),
        )
        .map_err(|e| format!("{e} (IMS_BENCH_SKIP_PYTHON=1 runs the Rust side only)"))?;
        Some((python, root.join("benches/python/list_images_sdk.py")))
    } else {
        None
    };

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let bodies: Vec<Arc<Page>> = (0..marker_pages)
        .map(|page| state.page(Kind::CloudImages, page * limit, limit))
        .collect();

    let mut results = Results::default();
    // One unmeasured run of each Rust variant first (connections, allocator, caches); then
    // the repetitions interleave the variants so each sees the same machine load.
    for round in 0..=config.repeat {
        let warmup = round == 0;
        for &variant in &config.variants {
            if warmup && variant == Variant::Python {
                continue;
            }
            let before = state.counts();
            let outcome: Result<(Listing, Sample), BoxError> = match variant {
                Variant::RustCloudImages => {
                    let (listing, sample) =
                        measure(&state, || runtime.block_on(rust_cloudimages(&base, limit)));
                    listing.map(|l| (l, sample))
                }
                Variant::RustCloudImagesStream => {
                    let (listing, sample) = measure(&state, || {
                        runtime.block_on(rust_stream(&base, limit, false))
                    });
                    listing.map(|l| (l, sample))
                }
                Variant::RustNextLinks => {
                    let (listing, sample) =
                        measure(&state, || runtime.block_on(rust_next_links(&base, limit)));
                    listing.map(|l| (l, sample))
                }
                Variant::RustNextLinksStream => {
                    let (listing, sample) =
                        measure(&state, || runtime.block_on(rust_stream(&base, limit, true)));
                    listing.map(|l| (l, sample))
                }
                Variant::RustHttpOnly => {
                    let (listing, sample) = measure(&state, || {
                        runtime.block_on(rust_http_only(&base, limit, &state))
                    });
                    listing.map(|l| (l, sample))
                }
                Variant::RustDecodeOnly => {
                    let (listing, sample) = measure(&state, || rust_decode_only(&bodies));
                    listing.map(|l| (l, sample))
                }
                Variant::Python => {
                    let (python, script) = python.as_ref().expect("set up above");
                    python_run(python, script, &base, limit, n)
                }
            };
            let after = state.counts();
            let served = match variant {
                Variant::RustCloudImages
                | Variant::RustCloudImagesStream
                | Variant::RustHttpOnly
                | Variant::Python => Some(after.0 - before.0),
                Variant::RustNextLinks | Variant::RustNextLinksStream => Some(after.1 - before.1),
                Variant::RustDecodeOnly => None,
            };
            let expected_pages = match variant {
                Variant::RustNextLinks | Variant::RustNextLinksStream => next_pages,
                Variant::RustCloudImagesStream => stream_pages,
                _ => marker_pages,
            };
            let what = format!(
                "{} run {}",
                variant.label(),
                if warmup {
                    "warm-up".to_string()
                } else {
                    round.to_string()
                }
            );
            match outcome {
                Err(error) => results.failures.push(format!("{what}: {error}")),
                Ok((mut listing, sample)) => {
                    if matches!(
                        variant,
                        Variant::RustCloudImagesStream | Variant::RustNextLinksStream
                    ) {
                        // A stream gives images, not pages: the server counted the requests.
                        listing.pages = served.unwrap_or(0) as usize;
                    }
                    let mut problems = Vec::new();
                    if listing.images != n {
                        problems.push(format!("{} images, expected {n}", listing.images));
                    }
                    if listing.pages != expected_pages {
                        problems.push(format!(
                            "{} pages, expected {expected_pages}",
                            listing.pages
                        ));
                    }
                    if listing.last_id != expected_last {
                        problems.push(format!(
                            "last id {:?}, expected {expected_last:?}",
                            listing.last_id
                        ));
                    }
                    if let Some(served) = served
                        && served != expected_pages as u64
                    {
                        problems.push(format!(
                            "the server answered {served} requests, expected {expected_pages}"
                        ));
                    }
                    if after.2 != before.2 {
                        problems.push(format!(
                            "the server answered {} requests with an error",
                            after.2 - before.2
                        ));
                    }
                    if problems.is_empty() {
                        if !warmup {
                            results.pages.insert(variant.key(), listing.pages);
                            results
                                .samples
                                .entry(variant.key())
                                .or_default()
                                .push(sample);
                        }
                    } else {
                        results
                            .failures
                            .push(format!("{what}: {}", problems.join("; ")));
                    }
                }
            }
        }
    }

    print_report(&config, &results, bench_mode);
    for failure in &results.failures {
        eprintln!("FAILED: {failure}");
    }
    if !bench_mode && results.failures.is_empty() {
        println!(
            "list_images smoke run: {} variants listed {n} images each, counts checked",
            config.variants.len()
        );
    }
    Ok(results.failures.is_empty())
}

fn print_report(config: &Config, results: &Results, bench_mode: bool) {
    let n = config.images;
    println!();
    println!(
        "{:<32} {:>7} {:>5} {:>8} {:>8} {:>8} {:>10} {:>9} {:>12}",
        "tool",
        "images",
        "pages",
        "min s",
        "median s",
        "max s",
        "images/s",
        "cpu s",
        "peak RSS +MB"
    );
    let mut medians = HashMap::new();
    let mut cpu_medians = HashMap::new();
    for variant in &config.variants {
        let Some(samples) = results.samples.get(variant.key()) else {
            println!("{:<32} (no successful run)", variant.label());
            continue;
        };
        let seconds: Vec<f64> = samples.iter().map(|s| s.seconds).collect();
        let s = stats(&seconds).expect("at least one sample");
        medians.insert(variant.key(), s.median);
        let cpu: Vec<f64> = samples.iter().filter_map(|s| s.cpu_seconds).collect();
        let cpu = match stats(&cpu) {
            Some(c) => {
                cpu_medians.insert(variant.key(), c.median);
                format!("{:.3}", c.median)
            }
            None => "n/a".into(),
        };
        let rss: Vec<f64> = samples
            .iter()
            .filter_map(|s| s.rss_growth_kib)
            .map(|k| k as f64 / 1024.0)
            .collect();
        let rss = match stats(&rss) {
            Some(r) => format!("{:.0}..{:.0}", r.min, r.max),
            None => "n/a".into(),
        };
        println!(
            "{:<32} {:>7} {:>5} {:>8.3} {:>8.3} {:>8.3} {:>10.0} {:>9} {:>12}",
            variant.label(),
            n,
            results.pages.get(variant.key()).copied().unwrap_or(0),
            s.min,
            s.median,
            s.max,
            n as f64 / s.median,
            cpu,
            rss,
        );
    }
    if !bench_mode {
        return;
    }
    println!();
    for rust_key in ["cloudimages", "stream"] {
        let label = Variant::ALL
            .into_iter()
            .find(|v| v.key() == rust_key)
            .map_or(rust_key, Variant::label);
        let Some(rust_median) = medians.get(rust_key) else {
            continue;
        };
        if let (Some(rust), Some(python)) =
            (results.samples.get(rust_key), results.samples.get("python"))
        {
            // Repetition i of each ran back to back, so their ratio is taken under the same
            // load.
            let pairs: Vec<f64> = rust
                .iter()
                .zip(python)
                .map(|(r, p)| p.seconds / r.seconds)
                .collect();
            let ratio = medians["python"] / rust_median;
            if let Some(p) = stats(&pairs) {
                println!(
                    "ratio python / {label}: {ratio:.1}x on median wall time (per repetition \
                     pair: min {:.1}x, median {:.1}x, max {:.1}x)",
                    p.min, p.median, p.max
                );
            }
            if let (Some(python_cpu), Some(rust_cpu)) =
                (cpu_medians.get("python"), cpu_medians.get(rust_key))
            {
                println!(
                    "ratio python / {label}: {:.1}x on median CPU time",
                    python_cpu / rust_cpu
                );
            }
        }
        let per_100k = rust_median * 100_000.0 / n.max(1) as f64;
        println!("{label}: {per_100k:.3} s per 100k images (median; goal < 0.5 s, informational)");
    }
}
