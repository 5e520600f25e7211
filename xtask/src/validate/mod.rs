//! `cargo xtask validate`: checks `openapi/ims.yaml` against every table and example of the
//! vendored API pages of both generations (`openapi/docs/`, `openapi/docs/current/`), accounts for each disagreement with `openapi/errata.yaml`, and prints a
//! conformance report.

mod checks;
mod doctext;
pub mod errata;
pub mod findings;
pub mod generations;
pub mod spec;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;

use serde::Serialize;

use crate::docs::model::DocPage;
pub use checks::Coverage;
use findings::Finding;

/// The generations of the API pages: name and folder (relative to the workspace root).
pub const GENERATIONS: [(&str, &str); 2] = [
    ("first", "openapi/docs"),
    ("current", "openapi/docs/current"),
];

/// The parsed pages of one generation of the docs.
#[derive(Debug, Clone)]
pub struct Generation {
    /// `first` or `current`.
    pub name: String,
    /// The pages.
    pub pages: Vec<DocPage>,
}

/// Loads every generation of [`GENERATIONS`] below `root`.
pub fn load_generations(root: &Path) -> Result<Vec<Generation>, String> {
    GENERATIONS
        .iter()
        .map(|(name, dir)| {
            let pages = crate::docs::load_all(&root.join(dir)).map_err(|e| format!("{dir}/{e}"))?;
            Ok(Generation {
                name: name.to_string(),
                pages,
            })
        })
        .collect()
}

/// The outcome of a validation run.
#[derive(Debug, Serialize)]
pub struct Report {
    /// Per generation (`first`, `current`): what its pages hold and what was checked.
    pub generations: BTreeMap<String, GenerationReport>,
    /// Findings an erratum accounts for, with the erratum's id.
    pub recorded: Vec<RecordedFinding>,
    /// Findings no erratum accounts for: each fails the run.
    pub unrecorded: Vec<Finding>,
    /// Errata fields that account for no finding any more: each fails the run.
    pub stale_errata: Vec<StaleErratum>,
    /// Documented operations of which no table row was checked: each fails the run.
    pub unchecked: Vec<Unchecked>,
    /// Where the tables of the two generations differ for the same operation.
    pub differences: Vec<generations::Difference>,
}

/// What one generation holds and what was checked against it.
#[derive(Debug, Serialize)]
pub struct GenerationReport {
    /// Per page, what it holds.
    pub pages: BTreeMap<String, PageCounts>,
    /// Per operationId (and `schema Image` for the attributes page), what was checked.
    pub operations: BTreeMap<String, Coverage>,
}

/// A documented operation none of whose rows was checked.
#[derive(Debug, Serialize)]
pub struct Unchecked {
    /// The generation.
    pub generation: String,
    /// The operationId.
    pub operation: String,
    /// The pages that document it.
    pub pages: Vec<String>,
}

/// What one page holds.
#[derive(Debug, Serialize)]
pub struct PageCounts {
    /// `METHOD /path` lines.
    pub endpoints: usize,
    /// Parameter rows.
    pub params: usize,
    /// Response-field rows.
    pub fields: usize,
    /// Attribute rows (attributes page).
    pub attributes: usize,
    /// Example requests.
    pub example_requests: usize,
    /// Example responses.
    pub example_responses: usize,
    /// Rows of the error-status table.
    pub error_statuses: usize,
}

/// A finding with the erratum that accounts for it.
#[derive(Debug, Serialize)]
pub struct RecordedFinding {
    /// The erratum's id.
    pub erratum: String,
    /// The finding.
    #[serde(flatten)]
    pub finding: Finding,
}

/// An errata field that matched nothing.
#[derive(Debug, Serialize)]
pub struct StaleErratum {
    /// The erratum's id.
    pub erratum: String,
    /// The field that no finding matches.
    pub field: String,
}

impl Report {
    /// True when every finding is recorded, every erratum is used and every documented
    /// operation had rows checked.
    pub fn passed(&self) -> bool {
        self.unrecorded.is_empty() && self.stale_errata.is_empty() && self.unchecked.is_empty()
    }

    /// The coverage of one operation in one generation.
    pub fn coverage(&self, generation: &str, operation: &str) -> Option<&Coverage> {
        self.generations.get(generation)?.operations.get(operation)
    }

    /// The readable report.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "Conformance of openapi/ims.yaml to the API pages of both generations\n"
        );
        for (generation, g) in &self.generations {
            let dir = GENERATIONS
                .iter()
                .find(|(n, _)| n == generation)
                .map_or("", |(_, d)| d);
            let _ = writeln!(out, "Generation `{generation}` ({dir}/)\n  Pages:");
            for (page, c) in &g.pages {
                let _ = writeln!(
                    out,
                    "    {page}: {} endpoint(s), {} parameter rows, {} field rows, {} attribute rows, {} example request(s), {} example response(s), {} error statuses",
                    c.endpoints,
                    c.params,
                    c.fields,
                    c.attributes,
                    c.example_requests,
                    c.example_responses,
                    c.error_statuses
                );
            }
            let _ = writeln!(out, "  Operations:");
            for (op, c) in &g.operations {
                let here = |f: &&Finding| {
                    f.generation == *generation && f.operation.as_deref() == Some(op.as_str())
                };
                let recorded = self
                    .recorded
                    .iter()
                    .map(|r| &r.finding)
                    .filter(here)
                    .count();
                let unrecorded = self.unrecorded.iter().filter(here).count();
                let pages = c.pages.iter().cloned().collect::<Vec<_>>().join(", ");
                let _ = writeln!(
                    out,
                    "    {op} ({pages}): {} rows checked ({} parameters, {} fields, {} attributes), {} examples checked ({} requests, {} responses); {recorded} errata applied; {unrecorded} unrecorded",
                    c.rows(),
                    c.params,
                    c.fields,
                    c.attributes,
                    c.examples(),
                    c.example_requests,
                    c.example_responses
                );
            }
            let _ = writeln!(out);
        }
        let mut by_erratum: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
        for r in &self.recorded {
            by_erratum.entry(&r.erratum).or_default().push(&r.finding);
        }
        let _ = writeln!(
            out,
            "Errata applied ({} findings under {} entries):",
            self.recorded.len(),
            by_erratum.len()
        );
        for (id, findings) in &by_erratum {
            let mut unique: Vec<&str> = findings.iter().map(|f| f.field.as_str()).collect();
            unique.dedup();
            let _ = writeln!(
                out,
                "  {id} ({}, {}): {} [{}]",
                findings[0].generation,
                findings[0].operation.as_deref().unwrap_or("-"),
                findings[0].check.name(),
                unique.join(", ")
            );
        }
        let _ = writeln!(
            out,
            "\nDifferences between the generations' tables ({}):",
            self.differences.len()
        );
        for d in &self.differences {
            let _ = writeln!(out, "  {d}");
        }
        if !self.unrecorded.is_empty() {
            let _ = writeln!(
                out,
                "\nUnrecorded findings ({}): fix the spec or record them in openapi/errata.yaml",
                self.unrecorded.len()
            );
            for f in &self.unrecorded {
                let _ = writeln!(
                    out,
                    "  [{}] {}: {} {} — {}: {} ({})",
                    f.check.name(),
                    f.generation,
                    f.page,
                    f.location,
                    f.field,
                    f.message,
                    f.operation.as_deref().unwrap_or("-")
                );
            }
        }
        if !self.stale_errata.is_empty() {
            let _ = writeln!(
                out,
                "\nErrata that match no finding any more ({}): remove them",
                self.stale_errata.len()
            );
            for s in &self.stale_errata {
                let _ = writeln!(out, "  {}: {}", s.erratum, s.field);
            }
        }
        if !self.unchecked.is_empty() {
            let _ = writeln!(
                out,
                "\nDocumented operations with 0 rows checked ({}): their pages' tables were not read",
                self.unchecked.len()
            );
            for u in &self.unchecked {
                let _ = writeln!(
                    out,
                    "  {}: {} ({})",
                    u.generation,
                    u.operation,
                    u.pages.join(", ")
                );
            }
        }
        let verdict = if self.passed() { "PASS" } else { "FAIL" };
        let _ = writeln!(
            out,
            "\n{verdict}: {} generations, {} findings recorded in errata, {} unrecorded, {} stale errata, {} operations with 0 rows checked",
            self.generations.len(),
            self.recorded.len(),
            self.unrecorded.len(),
            self.stale_errata.len(),
            self.unchecked.len()
        );
        out
    }
}

/// Validates a spec text against the parsed pages of each generation and an errata text.
pub fn check(
    generations: &[Generation],
    spec_text: &str,
    errata_text: &str,
) -> Result<Report, String> {
    let spec = spec::Spec::parse(spec_text)?;
    let operations = spec
        .model
        .operations()
        .map_err(|e| format!("openapi/ims.yaml: {e}"))?;
    let errata = errata::parse(errata_text)?;
    let mut findings = Vec::new();
    let mut reports = BTreeMap::new();
    let mut unchecked = Vec::new();
    for generation in generations {
        let outcome = checks::run(&generation.name, &generation.pages, &spec, &operations);
        findings.extend(outcome.findings);
        for (op, c) in &outcome.coverage {
            if !c.pages.is_empty() && c.rows() == 0 {
                unchecked.push(Unchecked {
                    generation: generation.name.clone(),
                    operation: op.clone(),
                    pages: c.pages.iter().cloned().collect(),
                });
            }
        }
        let pages = generation
            .pages
            .iter()
            .map(|p| {
                (
                    p.file.clone(),
                    PageCounts {
                        endpoints: p.endpoints.len(),
                        params: p.params.len(),
                        fields: p.fields.len(),
                        attributes: p.attributes.len(),
                        example_requests: p.example_requests.len(),
                        example_responses: p.example_responses.len(),
                        error_statuses: p.error_statuses.len(),
                    },
                )
            })
            .collect();
        reports.insert(
            generation.name.clone(),
            GenerationReport {
                pages,
                operations: outcome.coverage,
            },
        );
    }
    let differences = match (
        generations.iter().find(|g| g.name == "first"),
        generations.iter().find(|g| g.name == "current"),
    ) {
        (Some(first), Some(current)) => generations::differences(&first.pages, &current.pages),
        _ => Vec::new(),
    };
    let applied = errata::apply(&findings, &errata);
    Ok(Report {
        generations: reports,
        recorded: applied
            .recorded
            .iter()
            .map(|(f, id)| RecordedFinding {
                erratum: id.to_string(),
                finding: (*f).clone(),
            })
            .collect(),
        unrecorded: applied.unrecorded.into_iter().cloned().collect(),
        stale_errata: applied
            .stale
            .into_iter()
            .map(|(id, field)| StaleErratum {
                erratum: id.to_string(),
                field: field.to_string(),
            })
            .collect(),
        unchecked,
        differences,
    })
}

/// The `validate` command: `[--format text|json] [--spec FILE]`.
pub fn run(root: &Path, args: &[String]) -> Result<ExitCode, String> {
    let mut json = false;
    let mut spec_path = root.join("openapi/ims.yaml");
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--format" => match rest.next().map(String::as_str) {
                Some("json") => json = true,
                Some("text") => json = false,
                other => {
                    return Err(format!(
                        "validate: --format takes text or json, not {other:?}"
                    ));
                }
            },
            "--spec" => match rest.next() {
                Some(path) => spec_path = path.into(),
                None => return Err("validate: --spec needs a file".into()),
            },
            _ => {
                return Err(format!(
                    "validate: unexpected argument `{arg}`\n\n{}",
                    crate::usage()
                ));
            }
        }
    }
    let generations = load_generations(root)?;
    let read =
        |path: &Path| std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()));
    let report = check(
        &generations,
        &read(&spec_path)?,
        &read(&root.join("openapi/errata.yaml"))?,
    )?;
    if json {
        let text = serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?;
        println!("{text}");
    } else {
        print!("{}", report.to_text());
    }
    Ok(if report.passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
