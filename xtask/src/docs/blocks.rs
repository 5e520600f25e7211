//! The format-independent block stream both page parsers produce, and small text helpers.
//!
//! The Markdown and reStructuredText parsers reduce a page to a flat sequence of [`Block`]s
//! (headings, list-item boundaries, paragraphs, code blocks, tables) carrying 1-based source
//! lines; `interpret` turns that sequence into the [`DocPage`](super::model::DocPage) model.

/// One structural element of a page, in document order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Block {
    /// A section heading; `level` 1 is the page title.
    Heading {
        level: u8,
        text: String,
        line: usize,
    },
    /// A list item begins; `label` is its first paragraph (may be empty).
    ItemStart { label: String, line: usize },
    /// The innermost open list item ends.
    ItemEnd,
    /// A paragraph as plain text, one source line per `\n`-separated line.
    Paragraph { text: String, line: usize },
    /// A literal block; `line` is the line of `lines[0]`.
    Code { lines: Vec<String>, line: usize },
    /// A table with plain-text cells.
    Table(Table),
}

/// A table reduced to plain-text cells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Table {
    /// The caption the page gives ("Table 2 Query parameters"), whitespace normalised.
    pub caption: Option<String>,
    /// Header cells; empty when the table has no header row.
    pub header: Vec<String>,
    /// Body rows.
    pub rows: Vec<Row>,
    /// Line where the table starts.
    pub line: usize,
}

/// One body row of a [`Table`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Row {
    /// Cell texts: paragraphs and list items separated by `\n`; admonitions left out.
    pub cells: Vec<String>,
    /// Per cell (parallel to `cells`), the text of each admonition (`.. note::`, an HTML
    /// `<div class="note">`) inside it, with its kind (`Note: ...`). Notes are remarks, never
    /// values, so they are kept apart from the cell's text.
    pub notes: Vec<Vec<String>>,
    /// Line where the row starts.
    pub line: usize,
}

/// Maps byte offsets to 1-based line numbers.
pub(super) struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub(super) fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Self { starts }
    }

    /// 1-based line of the byte at `offset`.
    pub(super) fn line(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset).max(1)
    }
}

/// Collapses runs of whitespace to one space and trims.
pub(super) fn collapse_ws(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Collapses whitespace within each line, dropping empty lines.
pub(super) fn collapse_lines(s: &str) -> String {
    s.lines()
        .map(collapse_ws)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Undoes CommonMark backslash escapes (`\_` → `_`, `\{` → `{`); other backslashes stay.
pub(super) fn unescape_markdown(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\'
            && let Some(&next) = chars.peek()
            && next.is_ascii_punctuation()
        {
            out.push(next);
            chars.next();
            continue;
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_index_maps_offsets() {
        let idx = LineIndex::new("ab\ncd\n\nef");
        assert_eq!(idx.line(0), 1);
        assert_eq!(idx.line(2), 1);
        assert_eq!(idx.line(3), 2);
        assert_eq!(idx.line(6), 3);
        assert_eq!(idx.line(7), 4);
        assert_eq!(idx.line(100), 4);
    }

    #[test]
    fn markdown_escapes_are_undone() {
        assert_eq!(unescape_markdown(r"\_\_isregistered"), "__isregistered");
        assert_eq!(
            unescape_markdown(r"/v2/\{project\_id\}"),
            "/v2/{project_id}"
        );
        assert_eq!(unescape_markdown(r"C:\Windows \("), r"C:\Windows (");
        assert_eq!(unescape_markdown("trailing \\"), "trailing \\");
    }

    #[test]
    fn whitespace_is_collapsed_per_line() {
        assert_eq!(collapse_lines("  a \t b \n\n  c  "), "a b\nc");
    }
}
