//! Generates the typed client from `openapi/ims.yaml` into `$OUT_DIR/ims_generated.rs` (with
//! `codegen`: progenitor, then our rewrite of its output), and its surface summary into
//! `$OUT_DIR/surface.txt` (compared with `tests/surface.txt`).

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
    let generated = ims_codegen::generate(&spec).unwrap_or_else(|e| fail(e.to_string()));
    let surface =
        ims_codegen::surface_summary(&generated.progenitor).unwrap_or_else(|e| fail(e.to_string()));
    let code = generated.code;
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    for (name, content) in [("ims_generated.rs", code), ("surface.txt", surface)] {
        let out = out_dir.join(name);
        std::fs::write(&out, content)
            .unwrap_or_else(|e| fail(format!("cannot write {}: {e}", out.display())));
    }
}
