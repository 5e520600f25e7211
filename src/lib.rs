// The crate's documentation is README.md: its introduction says what the crate is, and every
// Rust block in it is compiled by `cargo test --doc`.
#![doc = include_str!("../README.md")]

pub mod auth;
mod config;
mod context;
mod decode;
mod error;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
mod generated;
pub mod http;
mod listing;
pub mod paginate;
mod pipeline;
pub mod signing;
mod text;
pub mod values;
pub mod wire;

pub use config::{ClientBuilder, Cloud, Interface, default_search_dirs, normalize_endpoint};
pub use context::Context;
pub use error::{Error, ErrorKind, PagingProblem, REQUEST_ID_HEADERS};
pub use http::retry;
pub use http::{Limits, http_client};
pub use pipeline::Response;

pub use generated::{Client, ClientInfo, builder, types};
pub use listing::Listing;
