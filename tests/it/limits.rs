//! Every default of the table of limits (`ims::http` docs) is what the client uses.

use std::time::Duration;

use ims::Limits;
use ims::retry::{DEFAULT_RETRY_STATUSES, RetryPolicy, Timeouts};

#[test]
fn the_defaults_are_the_documented_ones() {
    let timeouts = Timeouts::default();
    assert_eq!(timeouts.connect, Some(Duration::from_secs(10)));
    assert_eq!(timeouts.attempt, Some(Duration::from_secs(15)));
    assert_eq!(timeouts.overall, Some(Duration::from_secs(35)));
    let policy = RetryPolicy::default();
    assert_eq!(policy.get_max_attempts(), 4);
    assert_eq!(policy.get_timeouts(), &timeouts);
    assert_eq!(policy.get_max_retry_after(), Duration::from_secs(30));
    assert_eq!(policy.backoff_before(1), Duration::from_millis(200));
    assert_eq!(policy.backoff_before(2), Duration::from_millis(400));
    assert_eq!(policy.backoff_before(20), Duration::from_secs(10));
    assert_eq!(DEFAULT_RETRY_STATUSES, [408, 429, 500, 502, 503, 504]);
    let limits = Limits::default();
    assert_eq!(limits.get_max_body_bytes(), 64 << 20);
    assert_eq!(limits.get_max_error_body_bytes(), 64 << 10);
    assert_eq!(limits.get_max_redirects(), 3);
    assert_eq!(ims::Context::default().limits(), &limits);
}
