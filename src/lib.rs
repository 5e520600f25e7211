// The crate's documentation is README.md: its introduction says what the crate is, and every
// Rust block in it is compiled by `cargo test --doc`.
#![doc = include_str!("../README.md")]

pub mod auth;
mod config;
mod context;
mod error;
mod generated;
mod hooks;
pub mod paginate;
pub mod retry;
pub mod signing;
mod text;
pub mod values;

pub use config::{ClientBuilder, Cloud, default_search_dirs};
pub use context::Context;
pub use error::{Error, ErrorKind, OPERATION_HEADER, PagingProblem};

pub use generated::{Client, ClientInfo, ResponseValue, builder, types};

/// The error the generated operations return (progenitor's); convert it into [`Error`] with
/// `?` or `Error::from`.
pub use generated::Error as GeneratedError;
