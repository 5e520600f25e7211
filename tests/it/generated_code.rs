//! Locks the exact client progenitor generates from `openapi/ims.yaml`.
//!
//! The code is the file `build.rs` wrote for this very build (not generated again here, which
//! would run progenitor twice). A change to the spec, the generator settings or the generator
//! version changes this snapshot: review the diff, then accept it with
//! `INSTA_UPDATE=always cargo test --test it generated_code` and commit the `.snap` file.

/// The generated client source, as compiled into the crate.
const GENERATED: &str = include_str!(concat!(env!("OUT_DIR"), "/ims_generated.rs"));

#[test]
fn generated_code_matches_snapshot() {
    insta::assert_snapshot!("ims_generated", GENERATED);
}
