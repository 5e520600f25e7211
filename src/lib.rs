//! Typed client for the Image Management Service (IMS) image-query APIs.
//!
//! The operations and types are generated from `openapi/ims.yaml` at build time; the modules
//! beside them add what a generator cannot: open enums for growing value sets,
//! authentication ([`auth`]), configuration ([`ClientBuilder`]), one error type ([`Error`]),
//! paging and retries.

pub mod auth;
mod config;
mod context;
mod error;
mod generated;
mod hooks;
mod text;
pub mod paginate;
pub mod retry;
pub mod signing;
pub mod values;

pub use config::{ClientBuilder, Cloud, default_search_dirs};
pub use context::Context;
pub use error::{Error, ErrorKind, OPERATION_HEADER, PagingProblem};

pub use generated::{builder, types, Client, ClientInfo, ResponseValue};

/// The error the generated operations return (progenitor's); convert it into [`Error`] with
/// `?` or `Error::from`.
pub use generated::Error as GeneratedError;
