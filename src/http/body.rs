//! Reading a response body under its cap.
//!
//! A success body larger than [`Limits::max_body_bytes`] fails before a byte is read when its
//! `Content-Length` says so, and as soon as the bytes read pass the cap otherwise (chunked
//! bodies). A body with a `Content-Length` within the cap is read whole in one call (hyper
//! reads no byte past the declared length); that is also the faster way. Of an error body, at most
//! [`Limits::max_error_body_bytes`] are read; the rest is left on the wire (the connection is
//! then closed, not reused). A body that ends early or a connection reset while reading is a
//! transport failure, which the retry policy may retry, never a decoding problem.

use bytes::BytesMut;

use super::{Failure, Limits, Reply};

/// Reads the body of `response` into a [`Reply`].
pub(crate) async fn read(
    mut response: reqwest::Response,
    limits: &Limits,
) -> Result<Reply, Failure> {
    let status = response.status();
    let success = !status.is_client_error() && !status.is_server_error();
    let limit = if success {
        limits.max_body_bytes
    } else {
        limits.max_error_body_bytes
    };
    let declared = response.content_length();
    let url = response.url().clone();
    if success && declared.is_some_and(|length| length > limit) {
        return Err(Failure::TooLarge {
            url,
            limit,
            declared,
        });
    }
    // A declared length within the cap bounds the body: hyper reads no byte past it (and
    // fails a body that ends before it).
    if declared.is_some_and(|length| length <= limit) {
        let headers = std::mem::take(response.headers_mut());
        let body = response.bytes().await.map_err(Failure::Transport)?;
        return Ok(Reply {
            status,
            headers,
            url,
            body,
            cut: false,
        });
    }
    // Capacity from the declared length, but never more than the cap: a lying header cannot
    // make the client reserve more than it would read.
    let capacity = declared.unwrap_or(0).min(limit).min(16 * 1024 * 1024) as usize;
    let mut body = BytesMut::with_capacity(capacity);
    let mut cut = false;
    while let Some(chunk) = response.chunk().await.map_err(Failure::Transport)? {
        let room = limit.saturating_sub(body.len() as u64) as usize;
        if chunk.len() > room {
            if success {
                return Err(Failure::TooLarge {
                    url,
                    limit,
                    declared,
                });
            }
            body.extend_from_slice(&chunk[..room]);
            cut = true;
            break;
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Reply {
        status,
        headers: std::mem::take(response.headers_mut()),
        url,
        body: body.freeze(),
        cut,
    })
}
