//! `cargo xtask codegen [--check]`: regenerate the files derived from `openapi/ims.yaml`, or
//! check that the committed copies are fresh.
//!
//! Every derived file is one entry of [`DERIVED_FILES`]: its path (relative to the workspace
//! root) and the function that produces its whole content from the spec. Adding a derived file
//! (such as `openapi/ims.json` or `openapi/README.md`) is adding an entry there.

use std::cell::OnceCell;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use ims_codegen::spec::Spec;

/// The spec every derived file is produced from, relative to the workspace root.
pub const SPEC_PATH: &str = "openapi/ims.yaml";

/// The insta snapshot of the generated client, which `tests/it/generated_code.rs` compares with
/// the code of the build: the one lock of the generated code, read in review as a diff.
pub const GENERATED_SNAPSHOT: &str = "tests/it/snapshots/it__generated_code__ims_generated.snap";

/// What `--check` tells the user to do about stale files.
pub const FIX_HINT: &str = "run `cargo xtask codegen`";

/// A file in the repository whose content is produced from the spec.
#[derive(Clone, Copy, Debug)]
pub struct DerivedFile {
    /// Path relative to the workspace root, with `/` separators.
    pub path: &'static str,
    /// Produces the file's whole content.
    pub produce: fn(&Inputs) -> Result<String, String>,
}

/// Every file `cargo xtask codegen` writes, in the order it writes them.
pub const DERIVED_FILES: &[DerivedFile] = &[
    DerivedFile {
        path: GENERATED_SNAPSHOT,
        produce: generated_snapshot,
    },
    DerivedFile {
        path: "openapi/ims.json",
        produce: ims_json,
    },
    DerivedFile {
        path: "openapi/README.md",
        produce: reference_md,
    },
];

/// The inputs producers read, loaded once per run; expensive ones are computed on first use.
pub struct Inputs {
    spec_yaml: String,
    spec: OnceCell<Result<Spec, String>>,
    generated: OnceCell<Result<String, String>>,
}

impl Inputs {
    /// Inputs from the spec text.
    pub fn new(spec_yaml: String) -> Inputs {
        Inputs {
            spec_yaml,
            spec: OnceCell::new(),
            generated: OnceCell::new(),
        }
    }

    /// Reads the spec from `root`.
    pub fn load(root: &Path) -> Result<Inputs, String> {
        let path = root.join(SPEC_PATH);
        let spec = fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        Ok(Inputs::new(spec))
    }

    /// The spec text.
    pub fn spec_yaml(&self) -> &str {
        &self.spec_yaml
    }

    /// The typed model of the spec, loaded once and shared by the producers that read it.
    pub fn spec(&self) -> Result<&Spec, String> {
        self.spec
            .get_or_init(|| Spec::parse(&self.spec_yaml).map_err(|e| e.to_string()))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// The client source generated from the spec (as `build.rs` generates it), generated
    /// once and shared by the producers that need it.
    pub fn generated_code(&self) -> Result<&str, String> {
        self.generated
            .get_or_init(|| ims_codegen::generate_from(self.spec()?).map_err(|e| e.to_string()))
            .as_deref()
            .map_err(Clone::clone)
    }
}

/// The snapshot file of the generated code, in insta's format (the header insta writes for
/// `tests/it/generated_code.rs`, then the code).
fn generated_snapshot(inputs: &Inputs) -> Result<String, String> {
    Ok(format!(
        "---\nsource: tests/it/generated_code.rs\nexpression: GENERATED\n---\n{}",
        inputs.generated_code()?
    ))
}

/// `openapi/ims.json`: the spec as JSON, in the YAML's key order.
fn ims_json(inputs: &Inputs) -> Result<String, String> {
    crate::published::spec_json(inputs.spec_yaml())
}

/// `openapi/README.md`: the human-readable reference generated from the spec.
fn reference_md(inputs: &Inputs) -> Result<String, String> {
    crate::published::reference_markdown(inputs.spec()?)
}

/// Whether to write the derived files or only compare them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Write every file whose content changed.
    Write,
    /// Write nothing; report the files that differ.
    Check,
}

/// The state of one derived file before the run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileState {
    /// The committed copy equals the produced content.
    Fresh,
    /// The committed copy differs from the produced content.
    Stale,
    /// There is no committed copy.
    Missing,
}

/// Produces every file of `files` under `root` and compares it with what is there, writing
/// the ones that differ in [`Mode::Write`]. Returns each file's state before the run.
pub fn sync(
    root: &Path,
    files: &[DerivedFile],
    inputs: &Inputs,
    mode: Mode,
) -> Result<Vec<(&'static str, FileState)>, String> {
    let mut states = Vec::new();
    for file in files {
        let content = (file.produce)(inputs).map_err(|e| format!("{}: {e}", file.path))?;
        let path = full_path(root, file.path);
        let state = match fs::read(&path) {
            Ok(current) if current == content.as_bytes() => FileState::Fresh,
            Ok(_) => FileState::Stale,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => FileState::Missing,
            Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
        };
        if mode == Mode::Write && state != FileState::Fresh {
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent)
                    .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
            }
            fs::write(&path, &content)
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        }
        states.push((file.path, state));
    }
    Ok(states)
}

fn full_path(root: &Path, relative: &str) -> PathBuf {
    relative
        .split('/')
        .fold(root.to_path_buf(), |path, part| path.join(part))
}

/// Entry point of `cargo xtask codegen [--check]`.
///
/// Without `--check`: writes the derived files that changed and names them. With `--check`:
/// writes nothing, and exits with 1 naming each stale or missing file and saying
/// "run `cargo xtask codegen`". Bad arguments and unreadable files are errors (exit 2).
pub fn run(root: &Path, args: &[String]) -> Result<ExitCode, String> {
    let mode = match args {
        [] => Mode::Write,
        [flag] if flag == "--check" => Mode::Check,
        _ => {
            return Err(format!(
                "unexpected arguments {args:?}\n\n{}",
                crate::usage()
            ));
        }
    };
    let inputs = Inputs::load(root)?;
    let states = sync(root, DERIVED_FILES, &inputs, mode)?;
    Ok(report(&states, mode))
}

/// Prints the outcome and picks the exit code.
fn report(states: &[(&'static str, FileState)], mode: Mode) -> ExitCode {
    let changed: Vec<_> = states
        .iter()
        .filter(|(_, s)| *s != FileState::Fresh)
        .collect();
    match mode {
        Mode::Write => {
            for (path, state) in &changed {
                let verb = if *state == FileState::Missing {
                    "created"
                } else {
                    "updated"
                };
                println!("{verb} {path}");
            }
            if changed.is_empty() {
                println!("all {} derived files are up to date", states.len());
            }
            ExitCode::SUCCESS
        }
        Mode::Check if changed.is_empty() => ExitCode::SUCCESS,
        Mode::Check => {
            for (path, state) in &changed {
                let what = if *state == FileState::Missing {
                    "missing"
                } else {
                    "stale"
                };
                eprintln!("{path} is {what}: it does not match what {SPEC_PATH} produces");
            }
            eprintln!("{FIX_HINT} to regenerate, then commit the result");
            ExitCode::from(1)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn echo_spec(inputs: &Inputs) -> Result<String, String> {
        Ok(format!("derived from: {}", inputs.spec_yaml()))
    }

    const FILES: &[DerivedFile] = &[
        DerivedFile {
            path: "out/a.txt",
            produce: echo_spec,
        },
        DerivedFile {
            path: "b.txt",
            produce: echo_spec,
        },
    ];

    fn temp_root(name: &str) -> PathBuf {
        let root =
            std::env::temp_dir().join(format!("xtask-codegen-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        fs::create_dir_all(&root).unwrap();
        root
    }

    #[test]
    fn check_reports_without_writing_and_write_fixes() {
        let root = temp_root("sync");
        fs::write(root.join("b.txt"), "old").unwrap();
        let inputs = Inputs::new("spec v1".into());

        let states = sync(&root, FILES, &inputs, Mode::Check).unwrap();
        assert_eq!(
            states,
            [
                ("out/a.txt", FileState::Missing),
                ("b.txt", FileState::Stale)
            ]
        );
        assert!(!root.join("out/a.txt").exists());
        assert_eq!(fs::read_to_string(root.join("b.txt")).unwrap(), "old");

        let states = sync(&root, FILES, &inputs, Mode::Write).unwrap();
        assert_eq!(
            states,
            [
                ("out/a.txt", FileState::Missing),
                ("b.txt", FileState::Stale)
            ]
        );
        assert_eq!(
            fs::read_to_string(root.join("b.txt")).unwrap(),
            "derived from: spec v1"
        );

        let states = sync(&root, FILES, &inputs, Mode::Check).unwrap();
        assert!(states.iter().all(|(_, s)| *s == FileState::Fresh));

        let changed = Inputs::new("spec v2".into());
        let states = sync(&root, FILES, &changed, Mode::Check).unwrap();
        assert!(states.iter().all(|(_, s)| *s == FileState::Stale));
        fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn check_exit_codes() {
        assert_eq!(
            report(&[("x", FileState::Fresh)], Mode::Check),
            ExitCode::SUCCESS
        );
        assert_eq!(
            report(&[("x", FileState::Stale)], Mode::Check),
            ExitCode::from(1)
        );
        assert_eq!(
            report(&[("x", FileState::Missing)], Mode::Check),
            ExitCode::from(1)
        );
        assert_eq!(
            report(&[("x", FileState::Stale)], Mode::Write),
            ExitCode::SUCCESS
        );
    }

    #[test]
    fn rejects_unknown_arguments() {
        let err = run(Path::new("/nonexistent"), &["--force".to_string()]).unwrap_err();
        assert!(err.contains("unexpected arguments"), "{err}");
    }

    #[test]
    fn derived_paths_are_unique_and_relative() {
        let mut paths: Vec<_> = DERIVED_FILES.iter().map(|f| f.path).collect();
        assert!(
            paths
                .iter()
                .all(|p| !p.starts_with('/') && !p.contains('\\'))
        );
        paths.sort();
        paths.dedup();
        assert_eq!(paths.len(), DERIVED_FILES.len());
    }
}
