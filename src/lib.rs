//! Typed client for the Image Management Service (IMS) image-query APIs.
//!
//! The operations and types are generated from `openapi/ims.yaml` at build time; the modules
//! beside them add what a generator cannot: open enums for growing value sets, and (in later
//! modules) authentication, paging, retries and typed errors.

pub mod auth;
mod context;
mod generated;
mod hooks;
pub mod paginate;
pub mod retry;
pub mod signing;
pub mod values;

pub use context::Context;

pub use generated::{builder, types, Client, ClientInfo, Error, ResponseValue};
