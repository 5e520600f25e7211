//! Locks the exact client generated from `openapi/ims.yaml`: progenitor's output with our
//! rewrite of it (`codegen/src/rewrite.rs`).
//!
//! The code is the file `build.rs` wrote for this very build. A change to the spec, the
//! generator settings, the rewrite or the generator version changes it: review the diff of
//! the snapshot, then run `cargo xtask codegen` (which writes the snapshot with every other
//! derived file) and commit it.

/// The generated client source, as compiled into the crate.
const GENERATED: &str = include_str!(concat!(env!("OUT_DIR"), "/ims_generated.rs"));

#[test]
fn generated_code_matches_snapshot() {
    insta::assert_snapshot!("ims_generated", GENERATED);
}
