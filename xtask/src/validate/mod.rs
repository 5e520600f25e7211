//! `cargo xtask validate`: checks `openapi/ims.yaml` against every table and example of the
//! vendored API pages, accounts for each disagreement with `openapi/errata.yaml`, and prints a
//! conformance report.

mod checks;
mod doctext;
pub mod errata;
pub mod findings;
pub mod spec;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;

use serde::Serialize;

use crate::docs::model::DocPage;
pub use checks::Coverage;
use findings::Finding;

/// The outcome of a validation run.
#[derive(Debug, Serialize)]
pub struct Report {
    /// Per page: (endpoints, parameter rows, field rows, example requests, example responses).
    pub pages: BTreeMap<String, PageCounts>,
    /// Per operationId, what was checked.
    pub operations: BTreeMap<String, Coverage>,
    /// Findings an erratum accounts for, with the erratum's id.
    pub recorded: Vec<RecordedFinding>,
    /// Findings no erratum accounts for: each fails the run.
    pub unrecorded: Vec<Finding>,
    /// Errata fields that account for no finding any more: each fails the run.
    pub stale_errata: Vec<StaleErratum>,
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
    /// True when every finding is recorded and every erratum is used.
    pub fn passed(&self) -> bool {
        self.unrecorded.is_empty() && self.stale_errata.is_empty()
    }

    /// The readable report.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "Conformance of openapi/ims.yaml to the API pages in openapi/docs/\n"
        );
        let _ = writeln!(out, "Pages:");
        for (page, c) in &self.pages {
            let _ = writeln!(
                out,
                "  {page}: {} endpoint(s), {} parameter rows, {} field rows, {} example request(s), {} example response(s), {} error statuses",
                c.endpoints,
                c.params,
                c.fields,
                c.example_requests,
                c.example_responses,
                c.error_statuses
            );
        }
        let _ = writeln!(out, "\nOperations:");
        for (op, c) in &self.operations {
            let recorded = self
                .recorded
                .iter()
                .filter(|r| r.finding.operation.as_deref() == Some(op))
                .count();
            let unrecorded = self
                .unrecorded
                .iter()
                .filter(|f| f.operation.as_deref() == Some(op))
                .count();
            let pages = c.pages.iter().cloned().collect::<Vec<_>>().join(", ");
            let _ = writeln!(
                out,
                "  {op} ({pages}): {} parameters, {} fields, {} example requests, {} example responses checked; {recorded} errata applied; {unrecorded} unrecorded",
                c.params, c.fields, c.example_requests, c.example_responses
            );
        }
        let mut by_erratum: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
        for r in &self.recorded {
            by_erratum.entry(&r.erratum).or_default().push(&r.finding);
        }
        let _ = writeln!(
            out,
            "\nErrata applied ({} findings under {} entries):",
            self.recorded.len(),
            by_erratum.len()
        );
        for (id, findings) in &by_erratum {
            let fields: Vec<&str> = findings.iter().map(|f| f.field.as_str()).collect();
            let mut unique = fields.clone();
            unique.dedup();
            let _ = writeln!(
                out,
                "  {id}: {} [{}]",
                findings[0].check.name(),
                unique.join(", ")
            );
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
                    "  [{}] {} {} — {}: {} ({})",
                    f.check.name(),
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
        let verdict = if self.passed() { "PASS" } else { "FAIL" };
        let _ = writeln!(
            out,
            "\n{verdict}: {} operations, {} findings recorded in errata, {} unrecorded, {} stale errata",
            self.operations.len(),
            self.recorded.len(),
            self.unrecorded.len(),
            self.stale_errata.len()
        );
        out
    }
}

/// Validates a spec text against parsed pages and an errata text.
pub fn check(pages: &[DocPage], spec_text: &str, errata_text: &str) -> Result<Report, String> {
    let spec = spec::Spec::parse(spec_text)?;
    let errata = errata::parse(errata_text)?;
    let outcome = checks::run(pages, &spec);
    let applied = errata::apply(&outcome.findings, &errata);
    Ok(Report {
        pages: pages
            .iter()
            .map(|p| {
                (
                    p.file.clone(),
                    PageCounts {
                        endpoints: p.endpoints.len(),
                        params: p.params.len(),
                        fields: p.fields.len(),
                        example_requests: p.example_requests.len(),
                        example_responses: p.example_responses.len(),
                        error_statuses: p.error_statuses.len(),
                    },
                )
            })
            .collect(),
        operations: outcome.coverage,
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
    let pages = crate::docs::load_all(&root.join("openapi/docs")).map_err(|e| e.to_string())?;
    let read =
        |path: &Path| std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()));
    let report = check(
        &pages,
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
