//! Where the two generations of the pages differ: for each operation documented by both, the
//! parameter and response-field rows one generation has and the other lacks, and the types,
//! required flags, defaults and values that changed. The report lists them so that each
//! difference is seen and resolved (in the spec, or in `openapi/errata.yaml`).

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

use super::doctext::{documented_default, documented_values};
use crate::docs::model::{DocPage, PageKind};

/// One difference between the first and the current generation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Difference {
    /// The operation as the pages write it (`GET /v2/images`), or the page for a page only
    /// one generation has.
    pub operation: String,
    /// What differs: `page`, `deprecated`, `parameter`, `parameter type`, `required`,
    /// `default`, `parameter values`, `field`, `field type`, `field values`, `status`.
    pub kind: &'static str,
    /// The parameter or field (`images.name` for nested rows).
    pub field: String,
    /// What the first generation says (None: it lacks the row).
    pub first: Option<String>,
    /// What the current generation says (None: it lacks the row).
    pub current: Option<String>,
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let show = |v: &Option<String>| v.clone().unwrap_or_else(|| "(absent)".into());
        write!(
            f,
            "{} — {} `{}`: first {}; current {}",
            self.operation,
            self.kind,
            self.field,
            show(&self.first),
            show(&self.current)
        )
    }
}

/// The key of a page: its sorted `METHOD /path` list, or its file stem for attributes pages.
fn page_key(page: &DocPage) -> String {
    if page.kind == PageKind::Attributes {
        return format!("attributes page {}", page.title);
    }
    let mut eps: Vec<String> = page
        .endpoints
        .iter()
        .map(|e| format!("{} {}", e.method, e.path))
        .collect();
    eps.sort();
    eps.join(", ")
}

/// Every difference between the pages of the two generations, page by page.
pub fn differences(first: &[DocPage], current: &[DocPage]) -> Vec<Difference> {
    let mut out = Vec::new();
    let firsts: BTreeMap<String, &DocPage> = first.iter().map(|p| (page_key(p), p)).collect();
    let currents: BTreeMap<String, &DocPage> = current.iter().map(|p| (page_key(p), p)).collect();
    for (key, page) in &firsts {
        if !currents.contains_key(key) {
            out.push(Difference {
                operation: key.clone(),
                kind: "page",
                field: page.file.clone(),
                first: Some(page.title.clone()),
                current: None,
            });
        }
    }
    for (key, cur) in &currents {
        let Some(old) = firsts.get(key) else {
            out.push(Difference {
                operation: key.clone(),
                kind: "page",
                field: cur.file.clone(),
                first: None,
                current: Some(cur.title.clone()),
            });
            continue;
        };
        compare_pages(key, old, cur, &mut out);
    }
    out
}

fn compare_pages(op: &str, old: &DocPage, cur: &DocPage, out: &mut Vec<Difference>) {
    let mut push = |kind, field: &str, first: Option<String>, current: Option<String>| {
        if first != current {
            out.push(Difference {
                operation: op.to_string(),
                kind,
                field: field.to_string(),
                first,
                current,
            });
        }
    };
    if old.deprecated != cur.deprecated {
        push(
            "deprecated",
            "(page)",
            Some(old.deprecated.to_string()),
            Some(cur.deprecated.to_string()),
        );
    }
    let values = |d: &str| documented_values(d).map(|v| v.join(", "));
    // Parameters, by name.
    fn params(p: &DocPage) -> BTreeMap<String, &crate::docs::model::DocParam> {
        p.params.iter().map(|x| (x.name.clone(), x)).collect()
    }
    let (a, b) = (params(old), params(cur));
    for name in a.keys().chain(b.keys().filter(|k| !a.contains_key(*k))) {
        match (a.get(name), b.get(name)) {
            (Some(x), Some(y)) => {
                push("parameter type", name, x.ty.clone(), y.ty.clone());
                push(
                    "required",
                    name,
                    Some(x.required.to_string()),
                    Some(y.required.to_string()),
                );
                push(
                    "default",
                    name,
                    documented_default(&x.description),
                    documented_default(&y.description),
                );
                push(
                    "parameter values",
                    name,
                    values(&x.description),
                    values(&y.description),
                );
            }
            (x, y) => push(
                "parameter",
                name,
                x.map(|p| p.ty.clone().unwrap_or_default()),
                y.map(|p| p.ty.clone().unwrap_or_default()),
            ),
        }
    }
    // Response fields (and attributes), by name; a row whose parent changed (a flat table
    // became a nested one) counts as the same row.
    fn fields(p: &DocPage) -> BTreeMap<String, &crate::docs::model::DocField> {
        p.fields
            .iter()
            .chain(&p.attributes)
            .map(|f| (f.name.clone(), f))
            .collect()
    }
    let (a, b) = (fields(old), fields(cur));
    for name in a.keys().chain(b.keys().filter(|k| !a.contains_key(*k))) {
        match (a.get(name), b.get(name)) {
            (Some(x), Some(y)) => {
                push("field type", name, Some(x.ty.clone()), Some(y.ty.clone()));
                push(
                    "field values",
                    name,
                    values(&x.description),
                    values(&y.description),
                );
            }
            (x, y) => push(
                "field",
                name,
                x.map(|f| f.ty.clone()),
                y.map(|f| f.ty.clone()),
            ),
        }
    }
    let statuses =
        |p: &DocPage| -> Vec<u16> { p.error_statuses.iter().map(|s| s.status).collect() };
    let (sa, sb) = (statuses(old), statuses(cur));
    for s in sa.iter().chain(sb.iter().filter(|s| !sa.contains(s))) {
        push(
            "status",
            &s.to_string(),
            sa.contains(s).then(|| "listed".to_string()),
            sb.contains(s).then(|| "listed".to_string()),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::docs::parse_page;

    #[test]
    fn added_removed_and_changed_rows_are_listed() {
        let page = |desc: &str, extra: &str| {
            let border = "   ========= ========= ======= ====================================\n";
            let text = format!(
                "Title\n=====\n\nURI\n---\n\nGET /v2/x\n\n.. table:: **Table 1** Parameters\n\n{border}   Parameter Mandatory Type    Description\n{border}   a         No        String  {desc}\n{extra}{border}"
            );
            parse_page("p.rst", &text).expect("parses")
        };
        let old = page("The default value is vhd.", "");
        let new = page(
            "The default value is zvhd2.",
            "   b         Yes       Integer A new one.\n",
        );
        let d = differences(&[old], &[new]);
        assert_eq!(d.len(), 2, "{d:?}");
        assert_eq!(
            (
                d[0].kind,
                d[0].field.as_str(),
                d[0].first.as_deref(),
                d[0].current.as_deref()
            ),
            ("default", "a", Some("vhd"), Some("zvhd2"))
        );
        assert_eq!(
            (d[1].kind, d[1].first.as_deref(), d[1].current.as_deref()),
            ("parameter", None, Some("Integer"))
        );
    }
}
