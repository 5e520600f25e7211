//! When and how often a request is sent again, and how long each try may take.
//!
//! Every request of a [`Client`](crate::Client) goes through the [`RetryPolicy`] of its
//! [`Context`](crate::Context) (see `src/pipeline.rs`); the defaults are in the
//! [table of limits](super#limits-and-defaults). With the default policy a request whose method
//! is idempotent (all of this API's operations are `GET`s) is sent again after:
//!
//! - a connection error (refused, reset, closed before the response or in the middle of the
//!   body) or a timeout of the attempt, and
//! - a response with status 408, 429, 500, 502, 503 or 504.
//!
//! Other statuses, 4xx in particular, are final at once. The wait before a retry grows
//! exponentially with jitter ([`Jitter`]), or is what the response's `Retry-After` asks (seconds
//! or an HTTP date), if it is at most [`RetryPolicy::max_retry_after`]: a longer one ends the
//! request at once with the response's error, whose [`Error::retry_after`](crate::Error::retry_after)
//! gives the wait asked for. The number of attempts is
//! bounded by [`RetryPolicy::max_attempts`], and the time of all attempts and waits by the
//! overall timeout of [`Timeouts`]: each attempt's timeout is cut to the time left, and no retry
//! starts when its wait would end past the deadline. [`RetryPolicy::none`] sends every request
//! once (the timeouts still apply).
//!
//! Each attempt is logged as one event inside the request's `ims.request` span: `info` when a
//! retry follows (with the status or error and the wait chosen), `debug` otherwise, `warn`
//! when retries were wanted but the attempts or the time ran out.
//!
//! ## Timeouts
//!
//! - **connect**: how long opening a TCP/TLS connection may take. It is a setting of the
//!   `reqwest::Client`, not of a request, so it only takes effect when the client is built with
//!   it: `ims::Client::new_with_client(url, ims::http_client(&timeouts, &limits)?, context)`.
//!   (`ims::Client::new` builds one from its context's timeouts and limits.)
//! - **attempt**: how long one attempt may take, from sending the request until its whole
//!   response body has been read; set on each request (`reqwest::Request::timeout_mut`), where
//!   it replaces any total timeout of the `reqwest::Client`.
//! - **overall**: how long the request may take across all attempts and waits.
//!
//! ```
//! use std::time::Duration;
//! use ims::retry::{Jitter, RetryPolicy, Timeouts};
//!
//! let timeouts = Timeouts::default()
//!     .connect(Duration::from_secs(5))
//!     .attempt(Duration::from_secs(20))
//!     .overall(Duration::from_secs(60));
//! let policy = RetryPolicy::default()
//!     .max_attempts(5)
//!     .backoff(Duration::from_millis(100), Duration::from_secs(5))
//!     .jitter(Jitter::Equal)
//!     .timeouts(timeouts.clone());
//! let context = ims::Context::default().with_retry(policy);
//! let http = ims::http_client(&timeouts, context.limits()).unwrap();
//! let client = ims::Client::new_with_client("https://ims.example.com", http, context);
//! # let _ = client;
//! ```

use std::future::Future;
use std::time::{Duration, SystemTime};

use tokio::time::Instant;

use reqwest::header::RETRY_AFTER;
use reqwest::{Method, StatusCode};

use super::{Failure, Reply};

/// How the wait before a retry is drawn from the exponential backoff `b` of that retry
/// (`initial × multiplier^(retry − 1)`, capped by the maximum backoff).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Jitter {
    /// Exactly `b`.
    None,
    /// Uniformly between 0 and `b` ("full jitter"): spreads clients out the most.
    #[default]
    Full,
    /// `b / 2` plus a uniform draw between 0 and `b / 2` ("equal jitter"): never less than
    /// half the backoff.
    Equal,
}

/// The three timeouts of a request; `None` means no limit. See the
/// [module documentation](self) for where each applies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Timeouts {
    /// Opening a connection; used by [`http_client`] (a setting of the `reqwest::Client`).
    pub connect: Option<Duration>,
    /// One attempt, from sending the request until its response body has been read.
    pub attempt: Option<Duration>,
    /// All attempts and waits of one request together.
    pub overall: Option<Duration>,
}

impl Default for Timeouts {
    /// Connect 10 s, attempt 15 s, overall 35 s.
    fn default() -> Timeouts {
        Timeouts {
            connect: Some(Duration::from_secs(10)),
            attempt: Some(Duration::from_secs(15)),
            overall: Some(Duration::from_secs(35)),
        }
    }
}

impl Timeouts {
    /// No timeouts at all.
    pub fn unlimited() -> Timeouts {
        Timeouts {
            connect: None,
            attempt: None,
            overall: None,
        }
    }

    /// Sets the connect timeout.
    pub fn connect(mut self, timeout: Duration) -> Timeouts {
        self.connect = Some(timeout);
        self
    }

    /// Sets the timeout of each attempt.
    pub fn attempt(mut self, timeout: Duration) -> Timeouts {
        self.attempt = Some(timeout);
        self
    }

    /// Sets the timeout of all attempts and waits together.
    pub fn overall(mut self, timeout: Duration) -> Timeouts {
        self.overall = Some(timeout);
        self
    }
}

/// The statuses retried by default: 408, 429, 500, 502, 503, 504.
pub const DEFAULT_RETRY_STATUSES: &[u16] = &[408, 429, 500, 502, 503, 504];

/// How a client retries failed requests and how long requests may take.
///
/// Built with the setters from [`RetryPolicy::default`] (4 attempts, backoff from 200 ms
/// doubling up to 10 s with full jitter, `Retry-After` honoured up to 30 s, the
/// [`DEFAULT_RETRY_STATUSES`], connection errors and timeouts retried, [`Timeouts::default`])
/// or [`RetryPolicy::none`].
#[derive(Clone, Debug, PartialEq)]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    multiplier: f64,
    jitter: Jitter,
    max_retry_after: Duration,
    retry_statuses: Vec<u16>,
    retry_connection_errors: bool,
    retry_timeouts: bool,
    /// Retry requests whose method is not idempotent too (Keystone's token `POST`, which
    /// creates nothing that a second one would duplicate).
    retry_any_method: bool,
    timeouts: Timeouts,
}

impl Default for RetryPolicy {
    fn default() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 4,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(10),
            multiplier: 2.0,
            jitter: Jitter::Full,
            max_retry_after: Duration::from_secs(30),
            retry_statuses: DEFAULT_RETRY_STATUSES.to_vec(),
            retry_connection_errors: true,
            retry_timeouts: true,
            retry_any_method: false,
            timeouts: Timeouts::default(),
        }
    }
}

impl RetryPolicy {
    /// Every request is sent once; the default timeouts still apply.
    pub fn none() -> RetryPolicy {
        RetryPolicy::default().max_attempts(1)
    }

    /// At most this many attempts per request, the first included (at least 1).
    pub fn max_attempts(mut self, attempts: u32) -> RetryPolicy {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The backoff before the first retry, and the most any backoff grows to.
    pub fn backoff(mut self, initial: Duration, max: Duration) -> RetryPolicy {
        self.initial_backoff = initial;
        self.max_backoff = max.max(initial);
        self
    }

    /// How much the backoff grows from one retry to the next (2 by default; at least 1).
    pub fn multiplier(mut self, multiplier: f64) -> RetryPolicy {
        self.multiplier = if multiplier.is_finite() {
            multiplier.max(1.0)
        } else {
            1.0
        };
        self
    }

    /// How the wait is drawn from the backoff.
    pub fn jitter(mut self, jitter: Jitter) -> RetryPolicy {
        self.jitter = jitter;
        self
    }

    /// The longest wait a `Retry-After` header may ask for: a response that asks for longer is
    /// not retried, and its error ([`Error::retry_after`](crate::Error::retry_after)) carries
    /// the wait asked for.
    pub fn max_retry_after(mut self, max: Duration) -> RetryPolicy {
        self.max_retry_after = max;
        self
    }

    /// The response statuses that are retried (replacing [`DEFAULT_RETRY_STATUSES`]).
    pub fn retry_statuses(mut self, statuses: impl IntoIterator<Item = u16>) -> RetryPolicy {
        self.retry_statuses = statuses.into_iter().collect();
        self
    }

    /// Whether connection errors (refused, reset, closed early) are retried.
    pub fn retry_connection_errors(mut self, retry: bool) -> RetryPolicy {
        self.retry_connection_errors = retry;
        self
    }

    /// Whether an attempt that timed out is retried.
    pub fn retry_timeouts(mut self, retry: bool) -> RetryPolicy {
        self.retry_timeouts = retry;
        self
    }

    /// Retries requests of any method, not only idempotent ones (for Keystone's token
    /// requests).
    pub(crate) fn retry_any_method(mut self) -> RetryPolicy {
        self.retry_any_method = true;
        self
    }

    /// Replaces all three timeouts.
    pub fn timeouts(mut self, timeouts: Timeouts) -> RetryPolicy {
        self.timeouts = timeouts;
        self
    }

    /// Sets the timeout of each attempt (`None`: no limit).
    pub fn attempt_timeout(mut self, timeout: Option<Duration>) -> RetryPolicy {
        self.timeouts.attempt = timeout;
        self
    }

    /// Sets the timeout of all attempts and waits together (`None`: no limit).
    pub fn overall_timeout(mut self, timeout: Option<Duration>) -> RetryPolicy {
        self.timeouts.overall = timeout;
        self
    }

    /// The timeouts; `connect` is for [`http_client`].
    pub fn get_timeouts(&self) -> &Timeouts {
        &self.timeouts
    }

    /// The most attempts per request.
    pub fn get_max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The longest `Retry-After` waited for.
    pub fn get_max_retry_after(&self) -> Duration {
        self.max_retry_after
    }

    /// Whether a response with this status is retried.
    pub fn retries_status(&self, status: StatusCode) -> bool {
        self.retry_statuses.contains(&status.as_u16())
    }

    /// Whether this transport error is retried.
    pub fn retries_error(&self, error: &reqwest::Error) -> bool {
        if error.is_timeout() {
            self.retry_timeouts
        } else {
            // `is_request` covers a connection closed or reset before the response came,
            // `is_body`/`is_decode` one that ended or broke in the middle of the body (reqwest
            // reports a body cut short while reading chunks as a decode error).
            self.retry_connection_errors
                && (error.is_connect()
                    || error.is_request()
                    || error.is_body()
                    || error.is_decode())
        }
    }

    /// The exponential backoff before retry number `retry` (1 for the first retry), before
    /// jitter: `initial × multiplier^(retry − 1)`, at most the maximum backoff.
    pub fn backoff_before(&self, retry: u32) -> Duration {
        let exponent = retry.saturating_sub(1).min(64) as i32;
        let secs = self.initial_backoff.as_secs_f64() * self.multiplier.powi(exponent);
        let max = self.max_backoff.as_secs_f64();
        Duration::from_secs_f64(if secs.is_finite() { secs.min(max) } else { max })
    }

    /// The wait before retry number `retry`: `retry_after` (from the response, at most
    /// [`max_retry_after`](RetryPolicy::max_retry_after)) when there is one, otherwise the
    /// backoff with jitter.
    pub fn delay_before(&self, retry: u32, retry_after: Option<Duration>) -> Duration {
        if let Some(asked) = retry_after {
            return asked.min(self.max_retry_after);
        }
        let backoff = self.backoff_before(retry);
        let draw = |max: Duration| {
            Duration::from_nanos(fastrand::u64(
                0..=u64::try_from(max.as_nanos()).unwrap_or(u64::MAX),
            ))
        };
        match self.jitter {
            Jitter::None => backoff,
            Jitter::Full => draw(backoff),
            Jitter::Equal => backoff / 2 + draw(backoff / 2),
        }
    }

    /// Sends `request` with `send` (one attempt: send and read the body), trying again while
    /// the policy allows. `send` gets the request for each attempt (with its timeout set) and
    /// the attempt number (from 1).
    pub(crate) async fn execute<F, Fut>(
        &self,
        request: reqwest::Request,
        mut send: F,
    ) -> Result<Reply, Failure>
    where
        F: FnMut(reqwest::Request, u32) -> Fut,
        Fut: Future<Output = Result<Reply, Failure>>,
    {
        let started = Instant::now();
        let deadline = self.timeouts.overall.map(|overall| started + overall);
        let may_retry =
            self.max_attempts > 1 && (self.retry_any_method || is_idempotent(request.method()));
        let mut request = request;
        let mut attempt = 1;
        loop {
            // A request whose body cannot be cloned (a stream) is sent once.
            let spare = if may_retry && attempt < self.max_attempts {
                request.try_clone()
            } else {
                None
            };
            let left = deadline.map(|deadline| deadline.saturating_duration_since(Instant::now()));
            let timeout = [self.timeouts.attempt, left, request.timeout().copied()]
                .into_iter()
                .flatten()
                .min();
            if let Some(timeout) = timeout {
                *request.timeout_mut() = Some(timeout);
            }
            let attempt_started = Instant::now();
            let result = send(request, attempt).await;
            let elapsed_ms = attempt_started.elapsed().as_millis() as u64;
            let (status, error) = match &result {
                Ok(reply) => (Some(reply.status.as_u16()), None),
                Err(failure) => (None, Some(tracing::field::debug(failure))),
            };
            let wanted = match &result {
                Ok(reply) => self.retries_status(reply.status),
                Err(Failure::Transport(error)) => self.retries_error(error),
                Err(Failure::TooLarge { .. } | Failure::Redirect { .. }) => false,
            };
            if !wanted {
                tracing::debug!(attempt, status, error, elapsed_ms, "ims.attempt: done");
                return result;
            }
            let retry_after = match &result {
                Ok(reply) => retry_after(&reply.headers, SystemTime::now()),
                Err(_) => None,
            };
            let give_up = |reason: &'static str| {
                tracing::warn!(
                    attempt,
                    status,
                    error,
                    elapsed_ms,
                    retry_after_ms = retry_after.map(|d| d.as_millis() as u64),
                    reason,
                    "ims.attempt: giving up"
                );
            };
            if retry_after.is_some_and(|asked| asked > self.max_retry_after) {
                give_up("Retry-After longer than the policy allows");
                return result;
            }
            let Some(next) = spare else {
                give_up(if may_retry {
                    "no attempts left"
                } else {
                    "not retryable"
                });
                return result;
            };
            let delay = self.delay_before(attempt, retry_after);
            if deadline.is_some_and(|deadline| Instant::now() + delay >= deadline) {
                give_up("overall timeout");
                return result;
            }
            tracing::info!(
                attempt,
                status,
                error,
                elapsed_ms,
                backoff_ms = delay.as_millis() as u64,
                retry_after_ms = retry_after.map(|d| d.as_millis() as u64),
                "ims.attempt: retrying"
            );
            drop(result);
            tokio::time::sleep(delay).await;
            request = next;
            attempt += 1;
        }
    }
}

/// Whether requests with this method may be sent twice (RFC 9110 §9.2.2).
fn is_idempotent(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE | Method::PUT | Method::DELETE
    )
}

/// The wait a `Retry-After` header asks for, as delay-seconds or an HTTP date (relative to
/// `now`; a date in the past means no wait). `None` without a readable header.
pub fn retry_after(headers: &reqwest::header::HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        return Some(Duration::from_secs(value.parse().unwrap_or(u64::MAX)));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderMap, HeaderValue};

    fn headers(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(
            retry_after(&headers("3"), now),
            Some(Duration::from_secs(3))
        );
        assert_eq!(retry_after(&headers(" 0 "), now), Some(Duration::ZERO));
        let later = httpdate::fmt_http_date(now + Duration::from_secs(7));
        assert_eq!(
            retry_after(&headers(&later), now),
            Some(Duration::from_secs(7))
        );
        let earlier = httpdate::fmt_http_date(now - Duration::from_secs(7));
        assert_eq!(retry_after(&headers(&earlier), now), Some(Duration::ZERO));
        assert_eq!(retry_after(&headers("soon"), now), None);
        assert_eq!(retry_after(&headers("-1"), now), None);
        assert_eq!(retry_after(&HeaderMap::new(), now), None);
    }

    #[test]
    fn backoff_grows_exponentially_up_to_the_cap() {
        let policy = RetryPolicy::default()
            .backoff(Duration::from_millis(100), Duration::from_millis(700))
            .jitter(Jitter::None);
        let waits: Vec<_> = (1..=5)
            .map(|retry| policy.delay_before(retry, None))
            .collect();
        let ms = |ms| Duration::from_millis(ms);
        assert_eq!(waits, [ms(100), ms(200), ms(400), ms(700), ms(700)]);
        assert_eq!(policy.backoff_before(1000), ms(700));
    }

    #[test]
    fn jitter_stays_within_its_bounds() {
        let full = RetryPolicy::default().backoff(Duration::from_secs(1), Duration::from_secs(1));
        let equal = full.clone().jitter(Jitter::Equal);
        for _ in 0..1000 {
            assert!(full.delay_before(1, None) <= Duration::from_secs(1));
            let wait = equal.delay_before(1, None);
            assert!(wait >= Duration::from_millis(500) && wait <= Duration::from_secs(1));
        }
        let draws: std::collections::HashSet<_> =
            (0..20).map(|_| full.delay_before(1, None)).collect();
        assert!(draws.len() > 1, "full jitter draws different waits");
    }

    #[test]
    fn retry_after_wins_over_backoff_but_is_capped() {
        let policy = RetryPolicy::default().max_retry_after(Duration::from_secs(5));
        assert_eq!(
            policy.delay_before(3, Some(Duration::from_secs(2))),
            Duration::from_secs(2)
        );
        assert_eq!(
            policy.delay_before(1, Some(Duration::from_secs(3600))),
            Duration::from_secs(5)
        );
    }

    #[test]
    fn statuses_retried() {
        let policy = RetryPolicy::default();
        for code in [408, 429, 500, 502, 503, 504] {
            assert!(
                policy.retries_status(StatusCode::from_u16(code).unwrap()),
                "{code}"
            );
        }
        for code in [200, 400, 401, 403, 404, 409, 501] {
            assert!(
                !policy.retries_status(StatusCode::from_u16(code).unwrap()),
                "{code}"
            );
        }
        assert!(
            RetryPolicy::default()
                .retry_statuses([418])
                .retries_status(StatusCode::IM_A_TEAPOT)
        );
    }

    /// Runs `execute` with a fake transport answering 503, and counts the attempts.
    async fn attempts_for(method: Method) -> u32 {
        let policy =
            RetryPolicy::default().backoff(Duration::from_millis(1), Duration::from_millis(1));
        let request = reqwest::Request::new(method, "http://127.0.0.1:9/x".parse().unwrap());
        let mut calls = 0;
        let response = policy
            .execute(request, |request, attempt| {
                calls += 1;
                assert_eq!(attempt, calls);
                assert!(request.timeout().is_some(), "each attempt has a timeout");
                async {
                    Ok(Reply {
                        status: StatusCode::SERVICE_UNAVAILABLE,
                        headers: HeaderMap::new(),
                        url: "http://127.0.0.1:9/x".parse().unwrap(),
                        body: bytes::Bytes::new(),
                        cut: false,
                    })
                }
            })
            .await
            .unwrap();
        assert_eq!(response.status, StatusCode::SERVICE_UNAVAILABLE);
        calls
    }

    #[tokio::test(start_paused = true)]
    async fn non_idempotent_methods_are_sent_once() {
        assert_eq!(attempts_for(Method::POST).await, 1);
        assert_eq!(attempts_for(Method::PATCH).await, 1);
        assert_eq!(attempts_for(Method::GET).await, 4);
    }

    /// One scripted answer of the fake transport: a status, its `Retry-After` and how long the
    /// attempt takes (on the paused clock).
    struct Answer {
        status: u16,
        retry_after: Option<&'static str>,
        takes: Duration,
    }

    fn answer(status: u16) -> Answer {
        Answer {
            status,
            retry_after: None,
            takes: Duration::ZERO,
        }
    }

    /// What `execute` did with a script, on tokio's paused clock: when each attempt started
    /// (from the start of the request), the timeout each attempt was given, when `execute`
    /// returned, and the last status.
    #[derive(Debug, PartialEq)]
    struct Run {
        starts: Vec<Duration>,
        timeouts: Vec<Option<Duration>>,
        returned_at: Duration,
        status: u16,
    }

    /// Runs `execute` under `policy` against a fake transport answering from `script` (the
    /// last answer repeats). Must run on a paused clock with nothing else on the runtime, so
    /// that every wait is exactly the time the policy asked for.
    async fn run(policy: &RetryPolicy, script: Vec<Answer>) -> Run {
        let started = Instant::now();
        let mut starts = Vec::new();
        let mut timeouts = Vec::new();
        let request = reqwest::Request::new(Method::GET, "http://127.0.0.1:9/x".parse().unwrap());
        let script = &script;
        let reply = policy
            .execute(request, |request, attempt| {
                starts.push(started.elapsed());
                timeouts.push(request.timeout().copied());
                let answer = &script[(attempt as usize - 1).min(script.len() - 1)];
                async move {
                    tokio::time::sleep(answer.takes).await;
                    let mut headers = HeaderMap::new();
                    if let Some(value) = answer.retry_after {
                        headers.insert(RETRY_AFTER, HeaderValue::from_static(value));
                    }
                    Ok(Reply {
                        status: StatusCode::from_u16(answer.status).unwrap(),
                        headers,
                        url: "http://127.0.0.1:9/x".parse().unwrap(),
                        body: bytes::Bytes::new(),
                        cut: false,
                    })
                }
            })
            .await
            .unwrap();
        Run {
            starts,
            timeouts,
            returned_at: started.elapsed(),
            status: reply.status.as_u16(),
        }
    }

    fn ms(ms: u64) -> Duration {
        Duration::from_millis(ms)
    }

    #[tokio::test(start_paused = true)]
    async fn the_backoff_is_waited_exactly_and_grows() {
        let policy = RetryPolicy::default()
            .max_attempts(3)
            .backoff(ms(150), Duration::from_secs(5))
            .jitter(Jitter::None);
        let run = run(&policy, vec![answer(502)]).await;
        assert_eq!(run.starts, [ms(0), ms(150), ms(450)]);
        assert_eq!(run.returned_at, ms(450), "no wait after the last attempt");
        assert_eq!(run.status, 502);
    }

    #[tokio::test(start_paused = true)]
    async fn full_jitter_waits_at_most_the_backoff() {
        let policy = RetryPolicy::default()
            .max_attempts(4)
            .backoff(ms(100), ms(100));
        let run = run(&policy, vec![answer(503)]).await;
        assert_eq!(run.starts.len(), 4);
        for pair in run.starts.windows(2) {
            assert!(pair[1] - pair[0] <= ms(100), "{run:?}");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn retry_after_seconds_are_waited_exactly() {
        let policy = RetryPolicy::default().jitter(Jitter::None);
        let script = vec![
            Answer {
                retry_after: Some("1"),
                ..answer(429)
            },
            Answer {
                retry_after: Some("0"),
                ..answer(503)
            },
            answer(200),
        ];
        let run = run(&policy, script).await;
        assert_eq!(run.starts, [ms(0), ms(1000), ms(1000)]);
        assert_eq!(run.status, 200);
    }

    #[tokio::test(start_paused = true)]
    async fn a_retry_after_over_the_cap_ends_the_request_without_waiting() {
        let policy = RetryPolicy::default().max_retry_after(ms(100));
        let script = vec![
            Answer {
                retry_after: Some("3600"),
                ..answer(503)
            },
            answer(200),
        ];
        let run = run(&policy, script).await;
        assert_eq!(run.starts, [ms(0)]);
        assert_eq!(run.returned_at, ms(0));
        assert_eq!(run.status, 503);
    }

    /// Attempts at 0, 400 and 800 ms; the next would start at 1200 ms, past the deadline of
    /// 1000 ms, so the request ends at 800 ms, with the last answer and without a last wait.
    #[tokio::test(start_paused = true)]
    async fn the_overall_deadline_stops_retrying_before_it_passes() {
        let policy = RetryPolicy::default()
            .max_attempts(10)
            .backoff(ms(400), ms(400))
            .jitter(Jitter::None)
            .overall_timeout(Some(ms(1000)));
        let run = run(&policy, vec![answer(503)]).await;
        assert_eq!(run.starts, [ms(0), ms(400), ms(800)]);
        assert_eq!(run.returned_at, ms(800));
        assert_eq!(run.status, 503);
    }

    /// Each attempt gets the attempt timeout, cut to what is left of the overall one: attempts
    /// of 100 ms with 300 ms waits start at 0, 400 and 800 ms, the last with 200 ms left.
    #[tokio::test(start_paused = true)]
    async fn each_attempt_timeout_is_cut_to_the_time_left() {
        let policy = RetryPolicy::default()
            .max_attempts(10)
            .backoff(ms(300), ms(300))
            .jitter(Jitter::None)
            .timeouts(Timeouts::unlimited().attempt(ms(600)).overall(ms(1000)));
        let slow = Answer {
            takes: ms(100),
            ..answer(503)
        };
        let run = run(&policy, vec![slow]).await;
        assert_eq!(run.starts, [ms(0), ms(400), ms(800)]);
        assert_eq!(run.timeouts, [Some(ms(600)), Some(ms(600)), Some(ms(200))]);
        assert_eq!(run.returned_at, ms(900));
    }

    #[tokio::test(start_paused = true)]
    async fn without_an_overall_timeout_only_the_attempts_bound_the_request() {
        let policy = RetryPolicy::default()
            .max_attempts(3)
            .backoff(Duration::from_secs(60), Duration::from_secs(60))
            .jitter(Jitter::None)
            .timeouts(Timeouts::unlimited());
        let run = run(&policy, vec![answer(500)]).await;
        assert_eq!(run.starts, [ms(0), ms(60_000), ms(120_000)]);
        assert_eq!(run.timeouts, [None, None, None]);
    }

    #[test]
    fn only_idempotent_methods_are_retried() {
        assert!(is_idempotent(&Method::GET));
        assert!(is_idempotent(&Method::DELETE));
        assert!(!is_idempotent(&Method::POST));
        assert!(!is_idempotent(&Method::PATCH));
    }
}
