//! The vendored API reference pages (`openapi/docs/`), parsed into [`model::DocPage`]s.
//!
//! Markdown pages (`.md`, with embedded HTML tables) and reStructuredText pages (`.rst`, with
//! grid tables) are both reduced to the same block stream and then interpreted the same way:
//! endpoints from the URI section, parameter tables (those with a "Mandatory" column),
//! response-field tables, example requests and responses, and the "Returned Values" table.

mod blocks;
mod interpret;
mod markdown;
pub mod model;
mod rst;

use std::fmt;
use std::path::Path;

use model::DocPage;

/// A page that could not be read or understood: which file, which line, what was wrong.
#[derive(Debug)]
pub struct ParseError {
    /// File name of the page, as given to [`parse_page`].
    pub file: String,
    /// 1-based line of the problem; 0 when it concerns the whole file.
    pub line: usize,
    /// What was wrong.
    pub kind: ErrorKind,
}

impl ParseError {
    fn new(file: &str, line: usize, kind: ErrorKind) -> Self {
        Self {
            file: file.to_string(),
            line,
            kind,
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.file, self.kind)
        } else {
            write!(f, "{}:{}: {}", self.file, self.line, self.kind)
        }
    }
}

impl std::error::Error for ParseError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.kind)
    }
}

/// The kinds of [`ParseError`].
#[derive(Debug, thiserror::Error)]
pub enum ErrorKind {
    /// The file or folder could not be read (or is not UTF-8).
    #[error("cannot read: {0}")]
    Io(#[from] std::io::Error),
    /// The file name has neither a `.md` nor a `.rst` extension.
    #[error("unsupported page format (expected a .md or .rst file)")]
    UnsupportedFormat,
    /// The page has no heading to take the title from.
    #[error("the page has no title heading")]
    NoTitle,
    /// A grid table that is not well-formed (or uses spanning cells).
    #[error("malformed grid table: {0}")]
    Table(String),
    /// A URI line whose `{?...}` query template is not closed.
    #[error("malformed endpoint line `{0}`")]
    Endpoint(String),
    /// A line of an example request that is not `METHOD URL`.
    #[error("example request `{0}` is not `METHOD https://{{Endpoint}}/path?query`")]
    ExampleRequest(String),
    /// A "Returned Values" row that does not start with an HTTP status code.
    #[error("`{0}` does not start with an HTTP status code")]
    Status(String),
    /// A "Mandatory" cell that is neither Yes nor No.
    #[error("Mandatory cell `{0}` is neither Yes nor No")]
    Mandatory(String),
    /// A parameter or field row whose name cell is empty.
    #[error("table row has an empty name cell")]
    EmptyName,
    /// The page names no `METHOD /path` in a URI section and has no attribute table: it is
    /// not a page the validator can check (a wrong format, or not an API page).
    #[error(
        "the page documents no operation (no `METHOD /path` line in a URI section) and lists no attributes"
    )]
    NoOperation,
    /// The page has tables but none of them yields a parameter, field, status or attribute row.
    #[error(
        "the page has {0} table(s) but none yields a parameter, response-field, status or attribute row"
    )]
    NoRows(usize),
    /// A table with a name column in a parameter or response section that is neither read as
    /// parameters nor as fields (its columns are not understood).
    #[error(
        "table `{0}` has a name column but neither a Mandatory nor a Type column the validator understands; its rows would go unchecked"
    )]
    UnreadTable(String),
    /// An example response body that is not valid JSON.
    #[error("example response body is not valid JSON: {0}")]
    Json(#[source] serde_json::Error),
}

/// Parses one page; the format is chosen by the extension of `file_name` (`.md` or `.rst`).
pub fn parse_page(file_name: &str, text: &str) -> Result<DocPage, ParseError> {
    let ext = Path::new(file_name)
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let blocks = match ext.as_deref() {
        Some("md") => markdown::parse(text),
        Some("rst") => rst::parse(file_name, text)?,
        _ => return Err(ParseError::new(file_name, 0, ErrorKind::UnsupportedFormat)),
    };
    interpret::interpret(file_name, &blocks)
}

/// Parses every `*.md` and `*.rst` page in `dir` except `SOURCE.md`, sorted by file name.
pub fn load_all(dir: &Path) -> Result<Vec<DocPage>, ParseError> {
    let dir_name = dir.display().to_string();
    let io = |name: &str, e: std::io::Error| ParseError::new(name, 0, ErrorKind::Io(e));
    let mut names = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| io(&dir_name, e))? {
        let entry = entry.map_err(|e| io(&dir_name, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let is_page = matches!(
            Path::new(&name).extension().and_then(|e| e.to_str()),
            Some("md" | "rst")
        );
        if is_page && name != "SOURCE.md" && entry.path().is_file() {
            names.push(name);
        }
    }
    names.sort();
    names
        .iter()
        .map(|name| {
            let text = std::fs::read_to_string(dir.join(name)).map_err(|e| io(name, e))?;
            parse_page(name, &text)
        })
        .collect()
}

/// The parsed pages as pretty-printed JSON, for looking at what the parser saw.
pub fn dump_json(pages: &[DocPage]) -> String {
    serde_json::to_string_pretty(pages)
        .unwrap_or_else(|e| format!("{{\"error\": {:?}}}", e.to_string()))
}

/// The `docs [DIR]` command: prints the parsed pages of `DIR` (relative to the workspace
/// root; default `openapi/docs`) as JSON.
pub fn run(root: &Path, args: &[String]) -> Result<std::process::ExitCode, String> {
    let dir = match args {
        [] => root.join("openapi/docs"),
        [dir] => root.join(dir),
        _ => {
            return Err(format!(
                "docs: takes at most one folder\n\n{}",
                crate::usage()
            ));
        }
    };
    let pages = load_all(&dir).map_err(|e| e.to_string())?;
    println!("{}", dump_json(&pages));
    Ok(std::process::ExitCode::SUCCESS)
}

/// Parses `text` as a page named `file_name` and checks what must hold for any text (the
/// fuzz targets in `fuzz/` and `xtask/tests/properties.rs` call it): no panic; the same text
/// parses the same way twice; a parsed page serialises to JSON; an error names the file and
/// a line within the text (or 0 for the whole file) and has a message. Returns whether the
/// page parsed.
#[doc(hidden)]
pub fn check_page(file_name: &str, text: &str) -> bool {
    let first = parse_page(file_name, text);
    let second = parse_page(file_name, text);
    match (first, second) {
        (Ok(a), Ok(b)) => {
            let json = dump_json(std::slice::from_ref(&a));
            assert!(
                json.starts_with('['),
                "a parsed page does not serialise: {json}"
            );
            assert_eq!(
                json,
                dump_json(&[b]),
                "{file_name}: parsed differently twice"
            );
            true
        }
        (Err(a), Err(b)) => {
            assert_eq!(
                a.to_string(),
                b.to_string(),
                "{file_name}: failed differently twice"
            );
            assert_eq!(a.file, file_name);
            let lines = text.lines().count();
            assert!(
                a.line <= lines + 1,
                "{file_name}: error at line {} of a {lines}-line text: {a}",
                a.line
            );
            assert!(!a.kind.to_string().is_empty());
            false
        }
        (a, b) => panic!(
            "{file_name}: parsed once as {:?}, once as {:?}",
            a.map(|_| "a page"),
            b.map(|_| "a page")
        ),
    }
}

#[cfg(test)]
mod tests;
