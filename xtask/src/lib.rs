//! Project automation for the IMS client: parsing the vendored API reference pages, checking
//! `openapi/ims.yaml` against them, and regenerating the files derived from the spec.

pub mod codegen;
pub mod docs;
pub mod published;
pub mod validate;

use std::path::PathBuf;

/// The workspace root (the folder holding `openapi/`).
pub fn project_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits one folder below the workspace root")
        .to_path_buf()
}

/// The command-line help, returned as the error of an unknown command.
pub fn usage() -> String {
    "usage: cargo xtask <command>\n\
     \n\
     commands:\n\
     \x20 validate [--format text|json] [--spec FILE]\n\
     \x20                                  check openapi/ims.yaml against the API pages in openapi/docs/\n\
     \x20 codegen [--check]              regenerate the files derived from the spec (--check: fail if stale)\n\
     \x20 docs [DIR]                     print the parsed pages of DIR (default openapi/docs) as JSON"
        .to_string()
}
