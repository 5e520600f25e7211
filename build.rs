//! Generates the typed client from `openapi/ims.yaml` into `$OUT_DIR/ims_generated.rs`, its
//! surface summary into `$OUT_DIR/surface.txt` (compared with `tests/surface.txt`), and the
//! table of operations (method, path template, name) into `$OUT_DIR/operations.rs`, which
//! `src/error.rs` uses to name the operation of a transport error from its URL.

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
    let code = ims_codegen::generate(&spec).unwrap_or_else(|e| fail(e.to_string()));
    let surface = ims_codegen::surface_summary(&code).unwrap_or_else(|e| fail(e.to_string()));
    let operations = operations_table(&surface).unwrap_or_else(|e| fail(e));
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    for (name, content) in [
        ("ims_generated.rs", code),
        ("surface.txt", surface),
        ("operations.rs", operations),
    ] {
        let out = out_dir.join(name);
        std::fs::write(&out, content)
            .unwrap_or_else(|e| fail(format!("cannot write {}: {e}", out.display())));
    }
}

/// The `OPERATIONS` constant, read from the surface summary's `operation <name>: <METHOD>
/// <path> -> ...` lines, so the names are the generated methods' (and `OperationInfo`'s).
fn operations_table(surface: &str) -> Result<String, String> {
    let mut rows = String::new();
    for line in surface.lines() {
        let Some(rest) = line.strip_prefix("operation ") else {
            continue;
        };
        // Parameter lines (`operation <name> param <param>: ...`) have spaces in the name part.
        let Some((name, rest)) = rest
            .split_once(": ")
            .filter(|(name, _)| !name.contains(' '))
        else {
            continue;
        };
        let mut words = rest.split(' ');
        let (Some(method), Some(path)) = (words.next(), words.next()) else {
            return Err(format!("surface line without method and path: {line}"));
        };
        rows.push_str(&format!("    ({method:?}, {path:?}, {name:?}),\n"));
    }
    if rows.is_empty() {
        return Err("the surface summary lists no operations".into());
    }
    Ok(format!(
        "/// Every operation of the generated client: (HTTP method, path template, name).\n\
         pub(crate) const OPERATIONS: &[(&str, &str, &str)] = &[\n{rows}];\n"
    ))
}
