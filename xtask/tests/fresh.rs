//! Every file derived from `openapi/ims.yaml` (`openapi/ims.json`, `openapi/README.md`, the
//! snapshot of the generated client) is what `cargo xtask codegen` makes of the committed spec.

use xtask::codegen::{DERIVED_FILES, FIX_HINT, FileState, Inputs, Mode, sync};

#[test]
fn derived_files_are_fresh() {
    let root = xtask::project_root();
    let inputs = Inputs::load(&root).unwrap();
    let states = sync(&root, DERIVED_FILES, &inputs, Mode::Check).unwrap();
    let stale: Vec<String> = states
        .iter()
        .filter(|(_, state)| *state != FileState::Fresh)
        .map(|(path, state)| format!("{path} ({state:?})"))
        .collect();
    assert!(
        stale.is_empty(),
        "derived files are stale: {}; {FIX_HINT} and commit them",
        stale.join(", ")
    );
}
