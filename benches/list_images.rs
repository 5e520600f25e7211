//! How fast the `ims` client lists every image, against the wire and against the official
//! Huawei Cloud Python SDK (`huaweicloudsdkims`), on a local stand-in for IMS.
//!
//! `cargo bench --bench list_images` starts an HTTP/1.1 server on 127.0.0.1 (in this process,
//! on its own threads) that serves N synthetic images (the spec's example image with a new
//! id, name and creation time each) from `GET /v2/cloudimages` (marker paging) and
//! `GET /v2/images` (`next` links). Every page's response bytes are built once and reused, so
//! the server costs one `write` per request. Then, for several repetitions, it lists all N
//! images with each variant **in a child process of its own** (this binary run again with
//! `--child <variant>`, or the `ims` CLI), so that each row's peak RSS (`VmHWM`) is the
//! client's alone:
//!
//! - `bytes`: a bare reqwest client following the `next` links of `/v2/images`, bodies read
//!   and not decoded (the link is found in the last bytes of the body): the wire;
//! - `naive`: reqwest + `serde_json::from_slice::<serde_json::Value>` per page, sequential;
//! - `all-cloudimages`, `all-images`: `list_cloud_images()` / `list_images()`
//!   `.limit(L).all()`, every typed image kept until the count;
//! - `stream-cloudimages`, `stream-images`: the same `.into_stream()`, images counted and
//!   dropped;
//! - `cli`: `ims --no-auth --endpoint URL images list --limit L --output ndjson > /dev/null`
//!   (the binary cargo built beside this bench);
//! - `decode`: the crate's decode step over the `/v2/images` page bodies, fetched first
//!   (untimed) into memory;
//! - `python`: `benches/python/list_images_sdk.py` (`ListImagesRequest` in a loop), from a
//!   venv under `target/bench-venv/` made from `benches/python/requirements.txt`.
//!
//! and prints one table of medians with each row's ratio to the bytes-only fetch, peak RSS
//! and, for `.all()`, the heap the kept images hold. Every run must list exactly N images
//! ending with the last id (the bytes-only fetch: exactly the bytes of every page), with the
//! server counting the expected number of requests; the exit status is non-zero only when a
//! run failed, never because of a time.
//!
//! Environment: `IMS_BENCH_IMAGES` (N, default 100000), `IMS_BENCH_LIMIT` (page size, default
//! 1000), `IMS_BENCH_REPEAT` (default 5), `IMS_BENCH_SKIP_PYTHON=1` (Rust only),
//! `IMS_BENCH_ONLY` (comma-separated subset of the variant names above), `IMS_BENCH_PYTHON`
//! (interpreter that makes the venv, default `python3`), `IMS_BENCH_SERVE=1` (only start the
//! server, print its address and wait: for profiling a client by hand).
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
const DEFAULT_LIMIT: usize = 1000;
const DEFAULT_REPEAT: usize = 5;
const SMOKE_IMAGES: usize = 1_000;
const SMOKE_LIMIT: usize = 100;
/// The argument that makes this binary run one variant as a child (`--child KEY BASE LIMIT`).
const CHILD_FLAG: &str = "--child";
/// The `ims` binary cargo built with this bench (`target/release/ims` under `cargo bench`).
const CLI: Option<&str> = option_env!("CARGO_BIN_EXE_ims");

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    if let Some(at) = args.iter().position(|arg| arg == CHILD_FLAG) {
        return match child(&args[at + 1..]) {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("list_images bench child: {error}");
                ExitCode::FAILURE
            }
        };
    }
    // `cargo bench` passes `--bench`; `cargo test --all-targets` runs this binary without it.
    let bench_mode = args.iter().any(|arg| arg == "--bench");
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
    Bytes,
    Naive,
    AllCloudImages,
    AllImages,
    StreamCloudImages,
    StreamImages,
    Cli,
    Decode,
    Python,
}

impl Variant {
    const ALL: [Variant; 9] = [
        Variant::Bytes,
        Variant::Naive,
        Variant::AllCloudImages,
        Variant::AllImages,
        Variant::StreamCloudImages,
        Variant::StreamImages,
        Variant::Cli,
        Variant::Decode,
        Variant::Python,
    ];

    fn key(self) -> &'static str {
        match self {
            Variant::Bytes => "bytes",
            Variant::Naive => "naive",
            Variant::AllCloudImages => "all-cloudimages",
            Variant::AllImages => "all-images",
            Variant::StreamCloudImages => "stream-cloudimages",
            Variant::StreamImages => "stream-images",
            Variant::Cli => "cli",
            Variant::Decode => "decode",
            Variant::Python => "python",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Variant::Bytes => "bytes only (reqwest, next links)",
            Variant::Naive => "naive reqwest + serde_json::Value",
            Variant::AllCloudImages => "ims .all() cloudimages (marker)",
            Variant::AllImages => "ims .all() images (next links)",
            Variant::StreamCloudImages => "ims stream, counted, cloudimages",
            Variant::StreamImages => "ims stream, counted, images",
            Variant::Cli => "ims CLI -f ndjson (images)",
            Variant::Decode => "ims decode only (no http, images)",
            Variant::Python => "python sdk cloudimages (marker)",
        }
    }

    fn from_key(key: &str) -> Option<Variant> {
        Variant::ALL.into_iter().find(|v| v.key() == key)
    }

    /// Which list it pages through: `/v2/images` (next links) or `/v2/cloudimages`.
    fn next_links(self) -> bool {
        !matches!(
            self,
            Variant::AllCloudImages | Variant::StreamCloudImages | Variant::Python
        )
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
        let available = |v: &Variant| *v != Variant::Cli || CLI.is_some();
        if !bench_mode {
            return Ok(Config {
                images: SMOKE_IMAGES,
                limit: SMOKE_LIMIT,
                repeat: 1,
                variants: Variant::ALL
                    .into_iter()
                    .filter(|v| *v != Variant::Python)
                    .filter(available)
                    .collect(),
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
                    let variant = Variant::from_key(key)
                        .ok_or_else(|| format!("IMS_BENCH_ONLY: unknown variant {key:?}"))?;
                    chosen.push(variant);
                }
                chosen
            }
            _ => Variant::ALL.into_iter().filter(available).collect(),
        };
        if !variants.iter().all(available) {
            return Err("the cli variant needs the `ims` binary (the `cli` feature)".into());
        }
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
// The variants, each run in a child process
// ---------------------------------------------------------------------------------------

/// What one run of a variant reports (one JSON line on the child's stdout).
#[derive(Default, serde::Serialize, serde::Deserialize)]
struct Outcome {
    /// Images listed (`None` for the bytes-only fetch, which does not parse).
    images: Option<usize>,
    last_id: Option<String>,
    /// Body bytes read (the bytes-only fetch).
    bytes: Option<usize>,
    seconds: f64,
    /// CPU time (user + system) of the client process over the run.
    cpu_seconds: Option<f64>,
    /// Peak resident set of the client process (`VmHWM`, or `ru_maxrss` of the CLI).
    peak_rss_kib: Option<u64>,
    /// Heap held by the kept images (`.all()`): in-use heap with the images minus before.
    kept_bytes: Option<u64>,
}

/// The child side: `--child KEY BASE LIMIT`, prints one [`Outcome`] as JSON.
fn child(args: &[String]) -> Result<(), BoxError> {
    let [key, base, limit] = args else {
        return Err(format!("{CHILD_FLAG} takes a variant, a base URL and a limit").into());
    };
    let variant = Variant::from_key(key).ok_or_else(|| format!("unknown variant {key:?}"))?;
    let limit: usize = limit.parse()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let outcome = match variant {
        Variant::Cli => cli_run(base, limit)?,
        Variant::Python => return Err("the python variant is not a child".into()),
        Variant::Decode => {
            let bodies = runtime.block_on(fetch_bodies(base, limit))?.1;
            measured(false, || decode_only(&bodies))?
        }
        _ => {
            let keeps = matches!(variant, Variant::AllCloudImages | Variant::AllImages);
            measured(keeps, || runtime.block_on(list(variant, base, limit)))?
        }
    };
    println!("{}", serde_json::to_string(&outcome)?);
    Ok(())
}

/// Times `run` in this process: wall and CPU time, peak RSS at the end and, when it `keeps`
/// something, the heap that holds (what `run` returns is dropped after the measurement).
fn measured<K>(
    keeps: bool,
    run: impl FnOnce() -> Result<(Outcome, K), BoxError>,
) -> Result<Outcome, BoxError> {
    let heap_before = heap_in_use();
    let cpu_before = cpu_seconds(CpuClock::Process);
    let started = Instant::now();
    let (mut outcome, kept) = run()?;
    outcome.seconds = started.elapsed().as_secs_f64();
    outcome.cpu_seconds = cpu_seconds(CpuClock::Process)
        .zip(cpu_before)
        .map(|(after, before)| after - before);
    outcome.peak_rss_kib = proc_status_kib("VmHWM:");
    if keeps {
        outcome.kept_bytes = heap_in_use()
            .zip(heap_before)
            .map(|(after, before)| after.saturating_sub(before));
    }
    drop(kept);
    Ok(outcome)
}

/// Lists every image with the library (or the naive loop, or bytes only); returns what it
/// kept (the `.all()` variants) so that its memory is measured before it is dropped.
async fn list(
    variant: Variant,
    base: &str,
    limit: usize,
) -> Result<(Outcome, Vec<ims::types::Image>), BoxError> {
    use futures::TryStreamExt;
    let mut outcome = Outcome::default();
    let client = ims::Client::new(base, ims::Context::default());
    let limit32 = i32::try_from(limit)?;
    let mut kept = Vec::new();
    match variant {
        Variant::Bytes => {
            let (bytes, _) = fetch_bodies_counted(base, limit, false).await?;
            outcome.bytes = Some(bytes);
        }
        Variant::Naive => return Ok((naive(base, limit).await?, kept)),
        Variant::AllCloudImages => kept = client.list_cloud_images().limit(limit32).all().await?,
        Variant::AllImages => kept = client.list_images().limit(limit32).all().await?,
        Variant::StreamCloudImages | Variant::StreamImages => {
            let mut count = 0;
            let mut last = None;
            if variant == Variant::StreamImages {
                let mut images = client.list_images().limit(limit32).into_stream();
                while let Some(image) = images.try_next().await? {
                    count += 1;
                    last = Some(image.id);
                }
            } else {
                let mut images = client.list_cloud_images().limit(limit32).into_stream();
                while let Some(image) = images.try_next().await? {
                    count += 1;
                    last = Some(image.id);
                }
            }
            outcome.images = Some(count);
            outcome.last_id = last;
        }
        Variant::Cli | Variant::Decode | Variant::Python => unreachable!("not listed here"),
    }
    if matches!(variant, Variant::AllCloudImages | Variant::AllImages) {
        outcome.images = Some(kept.len());
        outcome.last_id = kept.last().map(|image| image.id.clone());
    }
    Ok((outcome, kept))
}

/// A bare reqwest client, configured like `ims::Client::new`'s (timeouts).
fn bare_client() -> Result<reqwest::Client, BoxError> {
    let timeout = Duration::from_secs(15);
    Ok(reqwest::Client::builder()
        .connect_timeout(timeout)
        .timeout(timeout)
        .build()?)
}

/// The `next` link at the end of a `/v2/images` page (`..., "next": "/v2/images?..."}`),
/// found without parsing the page.
fn next_link_of(body: &[u8]) -> Option<&str> {
    const KEY: &[u8] = b"\"next\":\"";
    let tail = &body[body.len().saturating_sub(512)..];
    let at = tail.windows(KEY.len()).rposition(|w| w == KEY)? + KEY.len();
    let rest = &tail[at..];
    let end = rest.iter().position(|&b| b == b'"')?;
    std::str::from_utf8(&rest[..end]).ok()
}

/// Every `/v2/images` page body, following the `next` links; the total of their lengths,
/// and the bodies when `keep`.
async fn fetch_bodies_counted(
    base: &str,
    limit: usize,
    keep: bool,
) -> Result<(usize, Vec<bytes::Bytes>), BoxError> {
    let http = bare_client()?;
    let mut url = format!("{base}/v2/images?limit={limit}");
    let mut total = 0;
    let mut bodies = Vec::new();
    loop {
        let body = get_page(&http, &url).await?;
        total += body.len();
        let next = next_link_of(&body).map(|link| format!("{base}{link}"));
        if keep {
            bodies.push(body);
        }
        match next {
            Some(next) => url = next,
            None => return Ok((total, bodies)),
        }
    }
}

/// One page's body with plain reqwest, as JSON; an error status is an error.
async fn get_page(http: &reqwest::Client, url: &str) -> Result<bytes::Bytes, BoxError> {
    Ok(http
        .get(url)
        .header("Accept", "application/json")
        .send()
        .await?
        .error_for_status()?
        .bytes()
        .await?)
}

async fn fetch_bodies(base: &str, limit: usize) -> Result<(usize, Vec<bytes::Bytes>), BoxError> {
    fetch_bodies_counted(base, limit, true).await
}

/// What a caller writes without the crate: reqwest and `serde_json::Value`, page by page.
async fn naive(base: &str, limit: usize) -> Result<Outcome, BoxError> {
    let http = bare_client()?;
    let mut url = format!("{base}/v2/images?limit={limit}");
    let mut outcome = Outcome {
        images: Some(0),
        ..Outcome::default()
    };
    loop {
        let body = get_page(&http, &url).await?;
        let page: serde_json::Value = serde_json::from_slice(&body)?;
        let images = page["images"].as_array().ok_or("a page without images")?;
        *outcome.images.as_mut().expect("set above") += images.len();
        if let Some(last) = images.last() {
            outcome.last_id = last["id"].as_str().map(str::to_string);
        }
        match page["next"].as_str() {
            Some(next) => url = format!("{base}{next}"),
            None => return Ok(outcome),
        }
    }
}

/// The crate's decode step over page bodies in memory.
fn decode_only(bodies: &[bytes::Bytes]) -> Result<(Outcome, ()), BoxError> {
    let mut outcome = Outcome {
        images: Some(0),
        ..Outcome::default()
    };
    for body in bodies {
        let page = ims::fuzzing::decode_image_list(body)?;
        *outcome.images.as_mut().expect("set above") += page.images.len();
        if let Some(last) = page.images.last() {
            outcome.last_id = Some(last.id.clone());
        }
    }
    Ok((outcome, ()))
}

/// The CLI's command line for listing every image of `base` as ndjson (kept in one place: the
/// CLI's flags may change).
fn cli_command(cli: &str, base: &str, limit: usize) -> Command {
    let mut command = Command::new(cli);
    command
        .args([
            "--no-auth",
            "--endpoint",
            base,
            "image",
            "list",
            "--page-size",
        ])
        .arg(limit.to_string())
        .args(["-f", "ndjson"]);
    command
}

/// Runs the CLI once, stdout to /dev/null; its CPU time and peak RSS from `getrusage` of
/// the children (it is this child's only one).
fn cli_run(base: &str, limit: usize) -> Result<Outcome, BoxError> {
    let cli = CLI.ok_or("the `ims` binary was not built (the `cli` feature)")?;
    let started = Instant::now();
    let status = cli_command(cli, base, limit)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .status()?;
    let seconds = started.elapsed().as_secs_f64();
    if !status.success() {
        return Err(format!("the CLI failed: {status}").into());
    }
    let usage = children_usage();
    Ok(Outcome {
        seconds,
        cpu_seconds: usage.map(|u| u.0),
        peak_rss_kib: usage.map(|u| u.1),
        ..Outcome::default()
    })
}

/// Runs the SDK script once; it times itself (client construction and listing, not the
/// interpreter's start and imports).
fn python_run(
    python: &Path,
    script: &Path,
    base: &str,
    limit: usize,
    images: usize,
) -> Result<Outcome, BoxError> {
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
    Ok(Outcome {
        images: Some(number("images")? as usize),
        last_id: result["last_id"].as_str().map(str::to_string),
        seconds: number("seconds")?,
        cpu_seconds: result["cpu_seconds"].as_f64(),
        peak_rss_kib: Some(number("rss_peak_kib")? as u64),
        ..Outcome::default()
    })
}

// ---------------------------------------------------------------------------------------
// Memory and CPU
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

/// CPU seconds (user + system) and peak RSS (KiB) of the children this process waited for
/// (`getrusage(RUSAGE_CHILDREN)`; the peak is the largest child's, and Linux counts in it
/// the size of this process at the child's `exec`, a few MB here).
#[cfg(all(target_os = "linux", target_pointer_width = "64"))]
fn children_usage() -> Option<(f64, u64)> {
    #[repr(C)]
    struct Rusage {
        utime: [i64; 2],
        stime: [i64; 2],
        maxrss: i64,
        rest: [i64; 13],
    }
    unsafe extern "C" {
        fn getrusage(who: i32, usage: *mut Rusage) -> i32;
    }
    let mut usage = Rusage {
        utime: [0; 2],
        stime: [0; 2],
        maxrss: 0,
        rest: [0; 13],
    };
    // SAFETY: `usage` is a writable struct rusage of the 64-bit Linux layout;
    // RUSAGE_CHILDREN = -1.
    let status = unsafe { getrusage(-1, &mut usage) };
    let seconds = |t: [i64; 2]| t[0] as f64 + t[1] as f64 * 1e-6;
    (status == 0).then(|| {
        (
            seconds(usage.utime) + seconds(usage.stime),
            usage.maxrss as u64,
        )
    })
}

#[cfg(not(all(target_os = "linux", target_pointer_width = "64")))]
fn children_usage() -> Option<(f64, u64)> {
    None
}

/// Bytes of heap in use (glibc's `mallinfo2`: arena chunks in use plus mmapped blocks).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn heap_in_use() -> Option<u64> {
    #[repr(C)]
    struct Mallinfo2 {
        arena: usize,
        ordblks: usize,
        smblks: usize,
        hblks: usize,
        hblkhd: usize,
        usmblks: usize,
        fsmblks: usize,
        uordblks: usize,
        fordblks: usize,
        keepcost: usize,
    }
    unsafe extern "C" {
        fn mallinfo2() -> Mallinfo2;
    }
    // SAFETY: glibc's mallinfo2 has no preconditions and returns the struct by value.
    let info = unsafe { mallinfo2() };
    Some((info.uordblks + info.hblkhd) as u64)
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn heap_in_use() -> Option<u64> {
    None
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

/// One measured run, as the parent keeps it.
struct Sample {
    outcome: Outcome,
    server_cpu_seconds: f64,
}

#[derive(Default)]
struct Results {
    samples: HashMap<&'static str, Vec<Sample>>,
    failures: Vec<String>,
}

/// The load average (`/proc/loadavg`: 1, 5 and 15 minutes).
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|text| {
            text.split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_else(|_| "n/a".into())
}

/// Runs `variant` once in a child process (this binary with `--child`).
fn run_child(variant: Variant, base: &str, limit: usize) -> Result<Outcome, BoxError> {
    let output = Command::new(std::env::current_exe()?)
        .args([CHILD_FLAG, variant.key(), base, &limit.to_string()])
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()?;
    if !output.status.success() {
        return Err(format!("the child failed ({})", output.status).into());
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout.lines().last().unwrap_or("");
    Ok(serde_json::from_str(line).map_err(|e| format!("the child printed {line:?}: {e}"))?)
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
    let next_pages = n.div_ceil(limit).max(1);
    let images_bytes: usize = (0..next_pages)
        .map(|page| state.page(Kind::Images, page * limit, limit).body().len())
        .sum();
    if bench_mode && std::env::var("IMS_BENCH_SERVE").is_ok_and(|v| v == "1") {
        println!("serving {n} images at {base} (IMS_BENCH_SERVE=1); stop with Ctrl-C");
        loop {
            std::thread::park();
        }
    }
    let expected_last = n.checked_sub(1).map(|i| state.catalog.ids[i].clone());
    // A marker loop (the Python SDK) stops at the first page shorter than the limit: n / limit
    // full pages, then one short (possibly empty) page. `ims::paginate` stops cloudimages
    // paging only at an empty page. A `next` listing stops at the page without `next`.
    let marker_pages = n / limit + 1;
    let stream_pages = n.div_ceil(limit) + 1;

    let load_before = load_average();
    if bench_mode {
        println!(
            "list_images bench: {n} images ({:.0} bytes each, {:.1} MB of JSON in {next_pages} \
             pages of {limit} from /v2/images), {} repetitions, server at {base}, data built \
             in {:.1} s; load average {load_before}",
            images_bytes as f64 / n.max(1) as f64,
            images_bytes as f64 / 1e6,
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

    let mut results = Results::default();
    // One unmeasured run of each Rust variant first (page cache, CPU caches); then the
    // repetitions interleave the variants so each sees the same machine load.
    for round in 0..=config.repeat {
        let warmup = round == 0;
        for &variant in &config.variants {
            if warmup && (variant == Variant::Python || !bench_mode) {
                continue;
            }
            let before = state.counts();
            let server_before = state.server_cpu_seconds();
            let outcome = match variant {
                Variant::Python => {
                    let (python, script) = python.as_ref().expect("set up above");
                    python_run(python, script, &base, limit, n)
                }
                _ => run_child(variant, &base, limit),
            };
            let server_cpu_seconds = state.server_cpu_seconds() - server_before;
            let after = state.counts();
            let served = if variant.next_links() {
                after.1 - before.1
            } else {
                after.0 - before.0
            };
            let expected_pages = match variant {
                Variant::Python => marker_pages,
                Variant::AllCloudImages | Variant::StreamCloudImages => stream_pages,
                _ => next_pages,
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
            let outcome = match outcome {
                Ok(outcome) => outcome,
                Err(error) => {
                    results.failures.push(format!("{what}: {error}"));
                    continue;
                }
            };
            let mut problems = Vec::new();
            match variant {
                Variant::Bytes => {
                    if outcome.bytes != Some(images_bytes) {
                        problems.push(format!(
                            "{:?} body bytes, expected {images_bytes}",
                            outcome.bytes
                        ));
                    }
                }
                // The CLI's output went to /dev/null: its requests are what is checked.
                Variant::Cli => {}
                _ => {
                    if outcome.images != Some(n) {
                        problems.push(format!("{:?} images, expected {n}", outcome.images));
                    }
                    if outcome.last_id != expected_last {
                        problems.push(format!(
                            "last id {:?}, expected {expected_last:?}",
                            outcome.last_id
                        ));
                    }
                }
            }
            // The decode variant fetched its pages before the timed part.
            if served != expected_pages as u64 {
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
            if !problems.is_empty() {
                results
                    .failures
                    .push(format!("{what}: {}", problems.join("; ")));
            } else if !warmup {
                results
                    .samples
                    .entry(variant.key())
                    .or_default()
                    .push(Sample {
                        outcome,
                        server_cpu_seconds,
                    });
            }
        }
    }

    print_report(&config, &results, images_bytes);
    if bench_mode {
        println!(
            "load average before: {load_before}; after: {}",
            load_average()
        );
    }
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

fn print_report(config: &Config, results: &Results, images_bytes: usize) {
    println!();
    println!(
        "| {:<34} | {:>8} | {:>8} | {:>15} | {:>6} | {:>8} | {:>8} | {:>7} |",
        "row", "median s", "x bytes", "min..max s", "CPU s", "server s", "peak RSS", "kept",
    );
    println!(
        "| {:-<34} | {:->8} | {:->8} | {:->15} | {:->6} | {:->8} | {:->8} | {:->7} |",
        "", "", "", "", "", "", "", ""
    );
    let median_of = |key: &str, pick: &dyn Fn(&Sample) -> Option<f64>| {
        let values: Vec<f64> = results.samples.get(key)?.iter().filter_map(pick).collect();
        stats(&values)
    };
    let wall = |s: &Sample| Some(s.outcome.seconds);
    let bytes_median = median_of("bytes", &wall).map(|s| s.median);
    let mb = |value: Option<Stats>, scale: f64| {
        value.map_or("-".to_string(), |s| format!("{:.0} MB", s.median * scale))
    };
    for variant in &config.variants {
        let Some(s) = median_of(variant.key(), &wall) else {
            println!("| {:<34} | (no successful run)", variant.label());
            continue;
        };
        let ratio = bytes_median.map_or("-".to_string(), |b| format!("{:.1}x", s.median / b));
        let cpu = median_of(variant.key(), &|s| s.outcome.cpu_seconds)
            .map_or("-".to_string(), |c| format!("{:.3}", c.median));
        let server = median_of(variant.key(), &|s| Some(s.server_cpu_seconds))
            .map_or("-".to_string(), |c| format!("{:.3}", c.median));
        let peak = mb(
            median_of(variant.key(), &|s| s.outcome.peak_rss_kib.map(|k| k as f64)),
            1024.0 / 1e6,
        );
        let kept = mb(
            median_of(variant.key(), &|s| s.outcome.kept_bytes.map(|b| b as f64)),
            1e-6,
        );
        println!(
            "| {:<34} | {:>8.3} | {:>8} | {:>15} | {:>6} | {:>8} | {:>8} | {:>7} |",
            variant.label(),
            s.median,
            ratio,
            format!("{:.3}..{:.3}", s.min, s.max),
            cpu,
            server,
            peak,
            kept,
        );
    }
    println!();
    println!(
        "JSON of the /v2/images pages: {:.1} MB; median of {} runs per row; MB = 10^6 bytes",
        images_bytes as f64 / 1e6,
        config.repeat
    );
    for key in ["all-cloudimages", "all-images"] {
        if let Some(kept) = median_of(key, &|s| s.outcome.kept_bytes.map(|b| b as f64)) {
            println!(
                "{key}: the kept images hold {:.1} MB of heap, {:.2}x the JSON (goal: <= 1x)",
                kept.median / 1e6,
                kept.median / images_bytes as f64
            );
        }
    }
    if let (Some(cli), Some(stream)) = (median_of("cli", &wall), median_of("stream-images", &wall))
    {
        println!(
            "CLI ndjson / library stream (images): {:.2}x (goal: <= 1.5x)",
            cli.median / stream.median
        );
    }
}
