//! `openapi/errata.yaml`: the recorded places where the pages are wrong or contradict
//! themselves, what the spec does instead, and why. Each entry accounts for findings; a
//! finding no entry accounts for, or an entry field that accounts for no finding, fails
//! validation.

use serde::{Deserialize, Serialize};

use super::findings::{Check, Finding};

/// One recorded discrepancy.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Erratum {
    /// Short unique name.
    pub id: String,
    /// The generation of the docs it concerns: `first` (`openapi/docs/`) or `current`
    /// (`openapi/docs/current/`).
    pub generation: String,
    /// The operationIds it concerns (`listImages`), or `schema Image` for the attributes
    /// page; empty for findings that concern no operation (a documented path the spec lacks).
    /// Every operation listed must have a finding on every field listed.
    #[serde(default)]
    pub operations: Vec<String>,
    /// The page, for the reader (its file name); not part of the key, so a renamed page
    /// keeps its errata.
    pub page: String,
    /// The kind of finding it accounts for.
    pub check: Check,
    /// The fields (parameters, field paths, operations) it accounts for.
    pub fields: Vec<String>,
    /// Where on the page, for the reader.
    pub location: String,
    /// What the page says.
    pub says: String,
    /// What the spec does instead.
    pub spec: String,
    /// Why.
    pub why: String,
}

impl Erratum {
    /// Whether this entry accounts for a finding: same generation, operation and check, and
    /// the finding's field is one of the entry's fields.
    pub fn covers(&self, finding: &Finding) -> bool {
        self.covers_field(finding, &finding.field)
    }

    fn covers_field(&self, finding: &Finding, field: &str) -> bool {
        let operation = match &finding.operation {
            None => self.operations.is_empty(),
            Some(op) => self.operations.contains(op),
        };
        self.generation == finding.generation
            && operation
            && self.check == finding.check
            && finding.field == field
            && self.fields.iter().any(|f| f == field)
    }
}

/// Reads the errata file.
pub fn parse(text: &str) -> Result<Vec<Erratum>, String> {
    let errata: Vec<Erratum> =
        serde_norway::from_str(text).map_err(|e| format!("openapi/errata.yaml: {e}"))?;
    let mut ids = std::collections::BTreeSet::new();
    for erratum in &errata {
        if !matches!(erratum.generation.as_str(), "first" | "current") {
            return Err(format!(
                "openapi/errata.yaml: `{}` has generation `{}`; it must be `first` or `current`",
                erratum.id, erratum.generation
            ));
        }
        if !ids.insert(erratum.id.as_str()) {
            return Err(format!(
                "openapi/errata.yaml: id `{}` is used twice",
                erratum.id
            ));
        }
    }
    Ok(errata)
}

/// Findings split by whether an erratum accounts for them, and errata parts that account for
/// nothing.
pub struct Applied<'a> {
    /// (finding, id of the erratum that accounts for it)
    pub recorded: Vec<(&'a Finding, &'a str)>,
    /// Findings no erratum accounts for.
    pub unrecorded: Vec<&'a Finding>,
    /// (erratum id, field) pairs that match no finding any more.
    pub stale: Vec<(&'a str, &'a str)>,
}

/// Matches findings against errata.
pub fn apply<'a>(findings: &'a [Finding], errata: &'a [Erratum]) -> Applied<'a> {
    let mut recorded = Vec::new();
    let mut unrecorded = Vec::new();
    for finding in findings {
        match errata.iter().find(|e| e.covers(finding)) {
            Some(erratum) => recorded.push((finding, erratum.id.as_str())),
            None => unrecorded.push(finding),
        }
    }
    let mut stale = Vec::new();
    for erratum in errata {
        for field in &erratum.fields {
            let used_by = |op: Option<&str>| {
                findings
                    .iter()
                    .any(|f| f.operation.as_deref() == op && erratum.covers_field(f, field))
            };
            let used = if erratum.operations.is_empty() {
                used_by(None)
            } else {
                erratum.operations.iter().all(|op| used_by(Some(op)))
            };
            if !used {
                stale.push((erratum.id.as_str(), field.as_str()));
            }
        }
    }
    Applied {
        recorded,
        unrecorded,
        stale,
    }
}
