//! A small real HTTP/1.1 server for the integration tests (`crate::support`), with the fake
//! cloud ([`fake_cloud`]) and the trace capture ([`capture`]) built on it or beside it.
//!
//! It listens on `127.0.0.1` on an ephemeral port, records every request exactly as received
//! (method, raw request target, headers, body, arrival time) and answers each one from a list of
//! canned responses or from a responder closure. A response can be delayed (for timeouts) and
//! can carry any status, headers and body, including broken ones (a wrong `Content-Length`,
//! `Connection: close`), because the server writes the bytes itself.
//!
//! It is written on tokio's TCP primitives rather than hyper/axum on purpose: a test server
//! must show the request target byte for byte as the client sent it and must be able to send
//! responses a well-behaved server library would refuse to produce; the HTTP/1.1 subset a
//! client test needs (request line, headers, `Content-Length` or chunked bodies, keep-alive)
//! is small.
//!
//! ```ignore
//! let server = Server::start(vec![CannedResponse::json(200, &json!({"images": []}))]);
//! let client = ims::Client::new(&server.base_url());
//! client.list_images().send().await.unwrap();
//! assert_eq!(server.requests()[0].path(), "/v2/images");
//! ```

pub mod capture;
pub mod fake_cloud;

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::sync::Notify;
use tokio::task::{JoinHandle, JoinSet};

/// Largest request head (request line and headers) the server accepts.
const MAX_HEAD: usize = 64 * 1024;

/// One request as the server received it.
#[derive(Clone, Debug)]
pub struct RecordedRequest {
    /// Position among all requests this server received, from 0.
    pub index: usize,
    /// The method, such as `GET`.
    pub method: String,
    /// The request target exactly as sent: raw path, then `?` and the raw query if any.
    pub target: String,
    /// The protocol version, such as `HTTP/1.1`.
    pub version: String,
    /// Every header line in order, names as sent.
    pub headers: Vec<(String, String)>,
    /// The body (after removing chunked transfer coding, if any).
    pub body: Vec<u8>,
    /// When the request head was complete.
    pub received_at: Instant,
}

impl RecordedRequest {
    /// The raw path (the target up to `?`), still percent-encoded.
    pub fn path(&self) -> &str {
        self.target
            .split_once('?')
            .map_or(&self.target, |(path, _)| path)
    }

    /// The raw query (after `?`), still encoded; `None` when the target has no `?`.
    pub fn query(&self) -> Option<&str> {
        self.target.split_once('?').map(|(_, query)| query)
    }

    /// The path with percent-escapes decoded (as UTF-8).
    pub fn decoded_path(&self) -> String {
        percent_encoding::percent_decode_str(self.path())
            .decode_utf8()
            .expect("the path decodes to UTF-8")
            .into_owned()
    }

    /// The query as `application/x-www-form-urlencoded` name/value pairs, decoded, in the
    /// order they were sent.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        url::form_urlencoded::parse(self.query().unwrap_or("").as_bytes())
            .map(|(name, value)| (name.into_owned(), value.into_owned()))
            .collect()
    }

    /// The first value of a header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.header_all(name).into_iter().next()
    }

    /// Every value of a header, by case-insensitive name, in order.
    pub fn header_all(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

/// A response the server sends: status, headers and body, optionally after a delay.
///
/// `Content-Length` is added unless the headers already have a `Content-Length` or
/// `Transfer-Encoding` (set one to send a deliberately wrong length).
#[derive(Clone, Debug)]
pub struct CannedResponse {
    /// The status code.
    pub status: u16,
    /// Header lines in order.
    pub headers: Vec<(String, String)>,
    /// The body bytes.
    pub body: Vec<u8>,
    /// How long to wait before sending anything.
    pub delay: Option<Duration>,
}

impl CannedResponse {
    /// An empty response with this status.
    pub fn new(status: u16) -> CannedResponse {
        CannedResponse {
            status,
            headers: Vec::new(),
            body: Vec::new(),
            delay: None,
        }
    }

    /// A JSON response (`Content-Type: application/json`).
    pub fn json(status: u16, value: &serde_json::Value) -> CannedResponse {
        CannedResponse::text(status, "application/json", value.to_string())
    }

    /// A response with this content type and body.
    pub fn text(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> CannedResponse {
        CannedResponse::new(status)
            .header("Content-Type", content_type)
            .body(body)
    }

    /// Adds a header line.
    pub fn header(mut self, name: &str, value: &str) -> CannedResponse {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// Replaces the body.
    pub fn body(mut self, body: impl Into<Vec<u8>>) -> CannedResponse {
        self.body = body.into();
        self
    }

    /// Waits this long before sending the response.
    pub fn delay(mut self, delay: Duration) -> CannedResponse {
        self.delay = Some(delay);
        self
    }

    fn has_header(&self, name: &str) -> bool {
        self.headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case(name))
    }

    /// The bytes on the wire: status line, headers, blank line, body.
    fn to_bytes(&self) -> Vec<u8> {
        let reason = http::StatusCode::from_u16(self.status)
            .ok()
            .and_then(|s| s.canonical_reason())
            .unwrap_or("Unknown");
        let mut head = format!("HTTP/1.1 {} {reason}\r\n", self.status);
        for (name, value) in &self.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        if !self.has_header("content-length") && !self.has_header("transfer-encoding") {
            head.push_str(&format!("Content-Length: {}\r\n", self.body.len()));
        }
        head.push_str("\r\n");
        let mut bytes = head.into_bytes();
        bytes.extend_from_slice(&self.body);
        bytes
    }
}

/// Decides the response to one request.
pub type Responder = dyn Fn(&RecordedRequest) -> CannedResponse + Send + Sync;

/// A running test server; it stops (with every open connection) when dropped.
pub struct Server {
    addr: SocketAddr,
    requests: Arc<Mutex<Vec<RecordedRequest>>>,
    /// Notified whenever a request is recorded.
    arrived: Arc<Notify>,
    task: JoinHandle<()>,
}

impl Server {
    /// Starts a server that answers the requests, in arrival order, with these responses.
    /// A request beyond the list gets a `500` whose body says so (and is still recorded).
    ///
    /// Must be called inside a tokio runtime (such as a `#[tokio::test]`).
    pub fn start(responses: Vec<CannedResponse>) -> Server {
        let queue = Mutex::new(VecDeque::from(responses));
        Server::with_responder(move |request| {
            queue.lock().unwrap().pop_front().unwrap_or_else(|| {
                CannedResponse::text(
                    500,
                    "text/plain",
                    format!(
                        "test server: no canned response left for request #{}",
                        request.index
                    ),
                )
            })
        })
    }

    /// Starts a server that answers every request with `responder(request)`; the request's
    /// `index` tells its position, for scripted sequences (503 then 200, pages, ...).
    ///
    /// Must be called inside a tokio runtime (such as a `#[tokio::test]`).
    pub fn with_responder(
        responder: impl Fn(&RecordedRequest) -> CannedResponse + Send + Sync + 'static,
    ) -> Server {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        listener
            .set_nonblocking(true)
            .expect("non-blocking listener");
        let addr = listener.local_addr().expect("local address");
        let listener = tokio::net::TcpListener::from_std(listener).expect("inside a tokio runtime");
        let requests = Arc::new(Mutex::new(Vec::new()));
        let responder: Arc<Responder> = Arc::new(responder);
        let recorded = Arc::clone(&requests);
        let arrived = Arc::new(Notify::new());
        let notify = Arc::clone(&arrived);
        let task = tokio::spawn(async move {
            // Dropping the set (when this task is aborted) aborts every connection.
            let mut connections = JoinSet::new();
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                connections.spawn(serve_connection(
                    stream,
                    Arc::clone(&recorded),
                    Arc::clone(&notify),
                    Arc::clone(&responder),
                ));
                while connections.try_join_next().is_some() {}
            }
        });
        Server {
            addr,
            requests,
            arrived,
            task,
        }
    }

    /// `http://127.0.0.1:<port>`, without a trailing slash.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Every request received so far, in arrival order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.requests.lock().unwrap().clone()
    }

    /// Waits until at least `n` requests have been received (an event, not a time: a busy
    /// machine only makes it later), and returns them all. Panics after a minute, so that a
    /// request that never comes fails the test instead of hanging it.
    pub async fn wait_for_requests(&self, n: usize) -> Vec<RecordedRequest> {
        let arrived = async {
            loop {
                let notified = self.arrived.notified();
                tokio::pin!(notified);
                notified.as_mut().enable();
                if self.requests.lock().unwrap().len() >= n {
                    return;
                }
                notified.await;
            }
        };
        if tokio::time::timeout(Duration::from_secs(60), arrived)
            .await
            .is_err()
        {
            panic!(
                "fewer than {n} requests after a minute: {:#?}",
                self.requests()
            );
        }
        self.requests()
    }

    /// The only request received so far; panics unless there was exactly one.
    pub fn single_request(&self) -> RecordedRequest {
        let requests = self.requests();
        assert_eq!(
            requests.len(),
            1,
            "expected exactly one request, got {requests:#?}"
        );
        requests.into_iter().next().unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Serves requests on one connection until the client closes it or asks to.
async fn serve_connection(
    stream: TcpStream,
    requests: Arc<Mutex<Vec<RecordedRequest>>>,
    arrived: Arc<Notify>,
    responder: Arc<Responder>,
) {
    let (read, mut write) = stream.into_split();
    let mut reader = BufReader::new(read);
    loop {
        let request = match read_request(&mut reader).await {
            Ok(Some(request)) => request,
            Ok(None) => return,
            Err(message) => {
                let response =
                    CannedResponse::text(400, "text/plain", message).header("Connection", "close");
                let _ = write.write_all(&response.to_bytes()).await;
                return;
            }
        };
        let request = {
            let mut all = requests.lock().unwrap();
            let request = RecordedRequest {
                index: all.len(),
                ..request
            };
            all.push(request.clone());
            request
        };
        arrived.notify_waiters();
        let response = responder(&request);
        if let Some(delay) = response.delay {
            tokio::time::sleep(delay).await;
        }
        if write.write_all(&response.to_bytes()).await.is_err() || write.flush().await.is_err() {
            return;
        }
        let close = |value: Option<&str>| value.is_some_and(|v| v.eq_ignore_ascii_case("close"));
        let response_closes = response
            .headers
            .iter()
            .any(|(n, v)| n.eq_ignore_ascii_case("connection") && close(Some(v)));
        if close(request.header("connection")) || response_closes {
            let _ = write.shutdown().await;
            return;
        }
    }
}

/// Reads one request; `Ok(None)` when the connection closed before a new request began.
async fn read_request<R: AsyncBufReadExt + Unpin>(
    reader: &mut R,
) -> Result<Option<RecordedRequest>, String> {
    let mut head_size = 0;
    let Some(request_line) = read_line(reader, &mut head_size).await? else {
        return Ok(None);
    };
    let mut parts = request_line.splitn(3, ' ');
    let (Some(method), Some(target), Some(version)) = (parts.next(), parts.next(), parts.next())
    else {
        return Err(format!("bad request line {request_line:?}"));
    };
    let mut headers = Vec::new();
    loop {
        let line = read_line(reader, &mut head_size)
            .await?
            .ok_or("connection closed inside the request head")?;
        if line.is_empty() {
            break;
        }
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| format!("bad header line {line:?}"))?;
        headers.push((name.to_string(), value.trim().to_string()));
    }
    let received_at = Instant::now();
    let mut request = RecordedRequest {
        index: 0,
        method: method.to_string(),
        target: target.to_string(),
        version: version.to_string(),
        headers,
        body: Vec::new(),
        received_at,
    };
    if request
        .header("transfer-encoding")
        .is_some_and(|te| te.eq_ignore_ascii_case("chunked"))
    {
        request.body = read_chunked(reader, &mut head_size).await?;
    } else if let Some(length) = request.header("content-length") {
        let length: usize = length
            .parse()
            .map_err(|_| format!("bad Content-Length {length:?}"))?;
        let mut body = vec![0; length];
        reader
            .read_exact(&mut body)
            .await
            .map_err(|e| format!("reading the body: {e}"))?;
        request.body = body;
    }
    Ok(Some(request))
}

/// Reads a CRLF-terminated line (without the CRLF); `None` at end of stream.
async fn read_line<R: AsyncBufReadExt + Unpin>(
    reader: &mut R,
    size: &mut usize,
) -> Result<Option<String>, String> {
    let mut line = Vec::new();
    let n = reader
        .read_until(b'\n', &mut line)
        .await
        .map_err(|e| format!("reading: {e}"))?;
    if n == 0 {
        return Ok(None);
    }
    *size += n;
    if *size > MAX_HEAD {
        return Err("request head too large".into());
    }
    while line.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
        line.pop();
    }
    String::from_utf8(line)
        .map(Some)
        .map_err(|_| "request head is not UTF-8".to_string())
}

/// Reads a chunked body and its trailer section.
async fn read_chunked<R: AsyncBufReadExt + Unpin>(
    reader: &mut R,
    size: &mut usize,
) -> Result<Vec<u8>, String> {
    let mut body = Vec::new();
    loop {
        let line = read_line(reader, size)
            .await?
            .ok_or("connection closed inside a chunk")?;
        let hex = line.split(';').next().unwrap_or("").trim();
        let len = usize::from_str_radix(hex, 16).map_err(|_| format!("bad chunk size {line:?}"))?;
        if len == 0 {
            while !read_line(reader, size)
                .await?
                .ok_or("connection closed in trailers")?
                .is_empty()
            {}
            return Ok(body);
        }
        let start = body.len();
        body.resize(start + len, 0);
        reader
            .read_exact(&mut body[start..])
            .await
            .map_err(|e| format!("reading a chunk: {e}"))?;
        read_line(reader, size).await?;
    }
}
