//! The client progenitor generates from `openapi/ims.yaml` at build time (see `build.rs`).
//! Its public parts are re-exported from the crate root.

#![allow(missing_docs, clippy::all, unused_imports)]

include!(concat!(env!("OUT_DIR"), "/ims_generated.rs"));
