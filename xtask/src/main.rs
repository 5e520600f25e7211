//! `cargo xtask <command>`: project automation.
//!
//! - `validate [--format text|json]`: check `openapi/ims.yaml` against the vendored API pages.
//! - `codegen [--check]`: regenerate the files derived from the spec, or check they are fresh.
//! - `docs [DIR]`: print what the page parser reads from the pages of a folder, as JSON.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = xtask::project_root();
    let result = match args.first().map(String::as_str) {
        Some("validate") => xtask::validate::run(&root, &args[1..]),
        Some("codegen") => xtask::codegen::run(&root, &args[1..]),
        Some("docs") => xtask::docs::run(&root, &args[1..]),
        _ => Err(xtask::usage()),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::from(2)
        }
    }
}
