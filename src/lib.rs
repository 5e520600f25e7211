//! Typed client for the Image Management Service (IMS) image-query APIs.
//!
//! The operations and types are generated from `openapi/ims.yaml` at build time; the modules
//! beside them add what a generator cannot: open enums for growing value sets, and (in later
//! modules) authentication, paging, retries and typed errors.

mod generated;
mod hooks;
pub mod values;
pub mod signing;

pub use generated::{builder, types, Client, ClientInfo, Error, ResponseValue};
