//! Generates the typed client from `openapi/ims.yaml` into `$OUT_DIR/ims_generated.rs` (with
//! `codegen`: progenitor, then our rewrite of its output), and the command-line surface of its
//! operations into `$OUT_DIR/ims_cli.rs` (included by the `ims` binary).
//! `tests/it/generated_code.rs` compares the client with the committed snapshot that
//! `cargo xtask codegen` writes.

use std::path::PathBuf;

fn main() {
    let spec_path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("openapi/ims.yaml");
    println!("cargo::rerun-if-changed={}", spec_path.display());
    let fail = |message: String| -> ! {
        println!("cargo::error={message}");
        std::process::exit(1);
    };
    let spec = std::fs::read_to_string(&spec_path)
        .unwrap_or_else(|e| fail(format!("cannot read {}: {e}", spec_path.display())));
    let generated = ims_codegen::generate_all(&spec).unwrap_or_else(|e| fail(e.to_string()));
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    for (name, code) in [
        ("ims_generated.rs", &generated.client),
        ("ims_cli.rs", &generated.cli),
    ] {
        let out = out_dir.join(name);
        std::fs::write(&out, code)
            .unwrap_or_else(|e| fail(format!("cannot write {}: {e}", out.display())));
    }
}
