//! When and how often a request is sent again.

use std::future::Future;

/// How a client retries failed requests.
#[derive(Clone, Debug, Default)]
pub struct RetryPolicy {}

impl RetryPolicy {
    /// Sends `request` with `send`, trying again while the policy allows. `send` gets the
    /// request for each attempt and the attempt number (from 1).
    pub(crate) async fn execute<F, Fut>(
        &self,
        request: reqwest::Request,
        mut send: F,
    ) -> reqwest::Result<reqwest::Response>
    where
        F: FnMut(reqwest::Request, u32) -> Fut,
        Fut: Future<Output = reqwest::Result<reqwest::Response>>,
    {
        send(request, 1).await
    }
}
