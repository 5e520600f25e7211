//! Locks the surface of the generated client (operations, parameters, types, fields).
//!
//! `build.rs` writes the summary of this build's generated code to `$OUT_DIR/surface.txt`;
//! `tests/surface.txt` is the committed copy that `cargo xtask codegen` writes. They must be
//! equal, so every change to the client's surface shows up in review as a readable diff of
//! `tests/surface.txt`. The snapshot locks the same text through insta.

/// The summary of the code compiled into this build.
const BUILT: &str = include_str!(concat!(env!("OUT_DIR"), "/surface.txt"));

/// Where the committed summary lives.
const COMMITTED_PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/surface.txt");

#[test]
fn committed_surface_is_fresh() {
    let committed = std::fs::read_to_string(COMMITTED_PATH).unwrap_or_else(|e| {
        panic!("cannot read tests/surface.txt ({e}): run `cargo xtask codegen` and commit it")
    });
    if committed != BUILT {
        let built: Vec<&str> = BUILT.lines().collect();
        let old: Vec<&str> = committed.lines().collect();
        let mut diff = String::new();
        for line in old.iter().filter(|l| !built.contains(l)) {
            diff.push_str(&format!("- {line}\n"));
        }
        for line in built.iter().filter(|l| !old.contains(l)) {
            diff.push_str(&format!("+ {line}\n"));
        }
        panic!(
            "tests/surface.txt is stale: the spec or the generator changed the client's surface.\n\
             Review the change, then run `cargo xtask codegen` and commit tests/surface.txt.\n\
             Lines removed (-) and added (+) by this build:\n{diff}"
        );
    }
}

#[test]
fn surface_matches_snapshot() {
    insta::assert_snapshot!("surface", BUILT);
}
