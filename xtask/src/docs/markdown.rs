//! Markdown pages: `pulldown-cmark` for the document structure, `scraper` (html5ever) for the
//! embedded `<table>` HTML blocks.

use std::collections::HashMap;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use scraper::{ElementRef, Html, Node, Selector};

use super::blocks::{Block, LineIndex, Row, Table, collapse_lines, collapse_ws, unescape_markdown};

/// Parses a Markdown page into blocks. Markdown has no syntax errors, so this cannot fail.
pub(super) fn parse(text: &str) -> Vec<Block> {
    let mut st = State::new(text);
    let parser = Parser::new_ext(text, Options::ENABLE_TABLES).into_offset_iter();
    for (event, range) in parser {
        st.event(event, range.start);
    }
    st.flush_inline();
    st.blocks
}

/// An open list item: its line and whether its label (first paragraph) is still to come.
struct Item {
    line: usize,
    label_pending: bool,
}

/// A GitHub-style pipe table being collected.
struct PipeTable {
    table: Table,
    in_head: bool,
    row: Vec<String>,
    row_line: usize,
    cell: Option<String>,
}

struct State {
    idx: LineIndex,
    blocks: Vec<Block>,
    /// Inline text of the current paragraph, heading or tight list item.
    inline: String,
    inline_line: Option<usize>,
    /// The inline text so far began with `**` (a `**Table N** caption` candidate).
    inline_strong_first: bool,
    heading: Option<u8>,
    items: Vec<Item>,
    /// Text and first-line of an open code block.
    code: Option<(String, Option<usize>)>,
    /// Lines and offsets of an open HTML block.
    html: Option<Vec<(String, usize)>>,
    pipe: Option<PipeTable>,
    /// A `**Table N** text` paragraph waiting for its table.
    pending_caption: Option<String>,
}

impl State {
    fn new(text: &str) -> Self {
        Self {
            idx: LineIndex::new(text),
            blocks: Vec::new(),
            inline: String::new(),
            inline_line: None,
            inline_strong_first: false,
            heading: None,
            items: Vec::new(),
            code: None,
            html: None,
            pipe: None,
            pending_caption: None,
        }
    }

    fn event(&mut self, event: Event<'_>, offset: usize) {
        let line = self.idx.line(offset);
        match event {
            Event::Start(tag) => self.start(tag, line),
            Event::End(tag) => self.end(tag, line),
            Event::Text(t) | Event::Code(t) | Event::InlineMath(t) | Event::DisplayMath(t) => {
                self.text(&t, line)
            }
            Event::Html(t) => {
                if let Some(html) = &mut self.html {
                    html.push((t.to_string(), offset));
                }
            }
            Event::SoftBreak | Event::HardBreak => self.text("\n", line),
            // Inline HTML (`<a name>` anchors) carries no text; footnotes, rules and task
            // markers do not occur in the reference pages.
            Event::InlineHtml(_)
            | Event::FootnoteReference(_)
            | Event::Rule
            | Event::TaskListMarker(_) => {}
        }
    }

    fn start(&mut self, tag: Tag<'_>, line: usize) {
        match tag {
            Tag::Heading { level, .. } => {
                self.flush_inline();
                self.heading = Some(level as u8);
                self.inline_line = Some(line);
            }
            Tag::Paragraph => {
                self.flush_inline();
                self.inline_line = Some(line);
            }
            Tag::Item => {
                self.flush_inline();
                self.items.push(Item {
                    line,
                    label_pending: true,
                });
            }
            Tag::List(_) | Tag::BlockQuote(_) | Tag::DefinitionList => {
                self.flush_inline();
            }
            Tag::CodeBlock(_) => {
                self.flush_inline();
                self.ensure_item_label();
                self.code = Some((String::new(), None));
            }
            Tag::HtmlBlock => {
                self.flush_inline();
                self.ensure_item_label();
                self.html = Some(Vec::new());
            }
            Tag::Table(_) => {
                self.flush_inline();
                self.ensure_item_label();
                self.pipe = Some(PipeTable {
                    table: Table {
                        caption: self.pending_caption.take(),
                        header: Vec::new(),
                        rows: Vec::new(),
                        line,
                    },
                    in_head: false,
                    row: Vec::new(),
                    row_line: line,
                    cell: None,
                });
            }
            Tag::TableHead | Tag::TableRow => {
                if let Some(p) = &mut self.pipe {
                    p.in_head = matches!(tag, Tag::TableHead);
                    p.row.clear();
                    p.row_line = line;
                }
            }
            Tag::TableCell => {
                if let Some(p) = &mut self.pipe {
                    p.cell = Some(String::new());
                }
            }
            Tag::Strong if self.inline.trim().is_empty() => {
                self.inline_strong_first = true;
            }
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd, line: usize) {
        match tag {
            TagEnd::Heading(_) => {
                let text = collapse_ws(&self.inline);
                let level = self.heading.take().unwrap_or(1);
                let line = self.inline_line.take().unwrap_or(line);
                self.reset_inline();
                self.pending_caption = None;
                self.blocks.push(Block::Heading { level, text, line });
            }
            TagEnd::Paragraph
            | TagEnd::List(_)
            | TagEnd::BlockQuote(_)
            | TagEnd::DefinitionList => self.flush_inline(),
            TagEnd::Item => {
                self.flush_inline();
                self.ensure_item_label();
                if self.items.pop().is_some() {
                    self.blocks.push(Block::ItemEnd);
                }
            }
            TagEnd::CodeBlock => {
                if let Some((text, first)) = self.code.take() {
                    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
                    while lines.last().is_some_and(|l| l.trim().is_empty()) {
                        lines.pop();
                    }
                    self.pending_caption = None;
                    self.blocks.push(Block::Code {
                        lines,
                        line: first.unwrap_or(line),
                    });
                }
            }
            TagEnd::HtmlBlock => {
                if let Some(parts) = self.html.take() {
                    self.html_block(parts);
                }
            }
            TagEnd::TableCell => {
                if let Some(p) = &mut self.pipe
                    && let Some(cell) = p.cell.take()
                {
                    p.row.push(collapse_ws(&cell));
                }
            }
            TagEnd::TableHead | TagEnd::TableRow => {
                if let Some(p) = &mut self.pipe {
                    let cells = std::mem::take(&mut p.row);
                    if p.in_head {
                        p.table.header = cells;
                    } else {
                        p.table.rows.push(Row {
                            notes: vec![Vec::new(); cells.len()],
                            cells,
                            line: p.row_line,
                        });
                    }
                    p.in_head = false;
                }
            }
            TagEnd::Table => {
                if let Some(p) = self.pipe.take() {
                    self.blocks.push(Block::Table(p.table));
                }
            }
            _ => {}
        }
    }

    fn text(&mut self, t: &str, line: usize) {
        if let Some((code, first)) = &mut self.code {
            first.get_or_insert(line);
            code.push_str(t);
        } else if let Some(cell) = self.pipe.as_mut().and_then(|p| p.cell.as_mut()) {
            cell.push_str(t);
        } else {
            self.inline_line.get_or_insert(line);
            self.inline.push_str(t);
        }
    }

    fn reset_inline(&mut self) {
        self.inline.clear();
        self.inline_line = None;
        self.inline_strong_first = false;
    }

    /// Emits the collected inline text as a caption, an item label or a paragraph.
    fn flush_inline(&mut self) {
        if self.heading.is_some() {
            return;
        }
        let text = collapse_lines(&self.inline);
        let line = self.inline_line.unwrap_or(1);
        let strong_first = self.inline_strong_first;
        self.reset_inline();
        if text.is_empty() {
            return;
        }
        let one_line = collapse_ws(&text);
        if strong_first && is_caption(&one_line) {
            self.pending_caption = Some(one_line);
            return;
        }
        self.pending_caption = None;
        if let Some(item) = self.items.last_mut()
            && item.label_pending
        {
            item.label_pending = false;
            let line = item.line;
            self.blocks.push(Block::ItemStart {
                label: one_line,
                line,
            });
        } else {
            self.blocks.push(Block::Paragraph { text, line });
        }
    }

    /// An item whose first content is not text gets an empty label.
    fn ensure_item_label(&mut self) {
        if let Some(item) = self.items.last_mut()
            && item.label_pending
        {
            item.label_pending = false;
            let line = item.line;
            self.blocks.push(Block::ItemStart {
                label: String::new(),
                line,
            });
        }
    }

    /// Turns one HTML block into its tables (or, without tables, its text as a paragraph).
    fn html_block(&mut self, parts: Vec<(String, usize)>) {
        let mut html = String::new();
        let mut tr_lines = Vec::new();
        let first_line = parts.first().map_or(1, |(_, off)| self.idx.line(*off));
        for (text, offset) in &parts {
            let base = self.idx.line(*offset);
            for pos in find_tag(text, "tr") {
                tr_lines.push(base + text[..pos].matches('\n').count());
            }
            html.push_str(text);
        }
        let tables = html_tables(&html, &tr_lines, first_line);
        if tables.is_empty() {
            let fragment = Html::parse_fragment(&html);
            // Outside tables a note is a paragraph of its own.
            let (text, notes) = element_text(fragment.root_element());
            let text = std::iter::once(text)
                .chain(notes)
                .filter(|t| !t.is_empty())
                .collect::<Vec<_>>()
                .join("\n");
            if !text.is_empty() {
                self.pending_caption = None;
                self.blocks.push(Block::Paragraph {
                    text,
                    line: first_line,
                });
            }
            return;
        }
        for mut table in tables {
            table.caption = self.pending_caption.take();
            self.blocks.push(Block::Table(table));
        }
    }
}

/// True for a caption paragraph: "Table 3 ...".
fn is_caption(text: &str) -> bool {
    let mut words = text.split(' ');
    words.next() == Some("Table")
        && words
            .next()
            .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
}

/// Byte offsets of every `<name` opening tag in `text` (ASCII case-insensitive).
fn find_tag(text: &str, name: &str) -> Vec<usize> {
    let lower = text.to_ascii_lowercase();
    let needle = format!("<{name}");
    lower
        .match_indices(&needle)
        .filter(|(pos, _)| {
            lower[pos + needle.len()..]
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_whitespace() || c == '>' || c == '/')
        })
        .map(|(pos, _)| pos)
        .collect()
}

fn selector(css: &str) -> Selector {
    // The selectors used here are constant and valid; an invalid one would match nothing.
    Selector::parse(css).unwrap_or_else(|_| Selector::parse("*:not(*)").expect("valid selector"))
}

/// Parses the top-level `<table>` elements of an HTML fragment. `tr_lines[i]` is the source
/// line of the i-th `<tr` tag; rows without one get `fallback_line`.
fn html_tables(html: &str, tr_lines: &[usize], fallback_line: usize) -> Vec<Table> {
    let fragment = Html::parse_fragment(html);
    let table_sel = selector("table");
    let tr_sel = selector("tr");
    let tr_index: HashMap<_, _> = fragment
        .select(&tr_sel)
        .enumerate()
        .map(|(i, tr)| (tr.id(), i))
        .collect();
    let line_of = |tr: &ElementRef<'_>| {
        tr_index
            .get(&tr.id())
            .and_then(|i| tr_lines.get(*i))
            .copied()
            .unwrap_or(fallback_line)
    };
    let mut tables = Vec::new();
    for table in fragment.select(&table_sel) {
        if enclosing_table(&table).is_some() {
            continue;
        }
        let rows: Vec<ElementRef<'_>> = table
            .select(&tr_sel)
            .filter(|tr| enclosing_table(tr).map(|t| t.id()) == Some(table.id()))
            .collect();
        let mut header: Vec<String> = Vec::new();
        let mut body = Vec::new();
        for tr in &rows {
            let cells: Vec<ElementRef<'_>> = tr
                .child_elements()
                .filter(|c| matches!(c.value().name(), "td" | "th"))
                .collect();
            let (texts, notes): (Vec<String>, Vec<Vec<String>>) =
                cells.iter().map(|c| element_text(*c)).unzip();
            let in_head = tr
                .ancestors()
                .filter_map(ElementRef::wrap)
                .take_while(|e| e.value().name() != "table")
                .any(|e| e.value().name() == "thead");
            let all_th = !cells.is_empty() && cells.iter().all(|c| c.value().name() == "th");
            if (in_head || all_th) && body.is_empty() {
                if header.is_empty() {
                    header = texts;
                } else {
                    for (h, t) in header.iter_mut().zip(texts) {
                        if !t.is_empty() {
                            h.push(' ');
                            h.push_str(&t);
                        }
                    }
                }
            } else {
                body.push(Row {
                    cells: texts,
                    notes,
                    line: line_of(tr),
                });
            }
        }
        if header.is_empty() && !body.is_empty() {
            header = body.remove(0).cells;
        }
        let line = rows.first().map_or(fallback_line, line_of);
        tables.push(Table {
            caption: None,
            header,
            rows: body,
            line,
        });
    }
    tables
}

/// The nearest `<table>` ancestor of an element.
fn enclosing_table<'a>(el: &ElementRef<'a>) -> Option<ElementRef<'a>> {
    el.ancestors()
        .filter_map(ElementRef::wrap)
        .find(|e| e.value().name() == "table")
}

/// Elements that start a new line in the plain-text rendering of a cell.
fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "ul"
            | "ol"
            | "li"
            | "br"
            | "table"
            | "tr"
            | "pre"
            | "dl"
            | "dt"
            | "dd"
            | "blockquote"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
    )
}

/// Plain text of an element: paragraphs and list items on their own lines, whitespace
/// collapsed, entities decoded (by html5ever), Markdown escapes undone. Admonitions
/// (`<div class="note">`, `notice`, `caution`, `warning`, ...) are left out of the text and
/// returned apart, one string each, as `Note: text` (their `NOTE:` title dropped).
fn element_text(el: ElementRef<'_>) -> (String, Vec<String>) {
    fn walk(
        el: ElementRef<'_>,
        lines: &mut Vec<String>,
        cur: &mut String,
        notes: &mut Vec<String>,
    ) {
        for child in el.children() {
            match child.value() {
                Node::Text(t) => cur.push_str(t),
                Node::Element(e) => {
                    let Some(child) = ElementRef::wrap(child) else {
                        continue;
                    };
                    if let Some(kind) = admonition_class(e) {
                        flush(lines, cur);
                        let (text, inner) = element_text(child);
                        let text = strip_note_title(&text);
                        notes.push(format!("{kind}: {}", text.replace('\n', " ")));
                        notes.extend(inner);
                        continue;
                    }
                    let block = is_block(e.name());
                    if block {
                        flush(lines, cur);
                    }
                    walk(child, lines, cur, notes);
                    if block {
                        flush(lines, cur);
                    }
                }
                _ => {}
            }
        }
    }
    fn flush(lines: &mut Vec<String>, cur: &mut String) {
        let line = collapse_ws(cur);
        if !line.is_empty() {
            lines.push(unescape_markdown(&line));
        }
        cur.clear();
    }
    let mut lines = Vec::new();
    let mut cur = String::new();
    let mut notes = Vec::new();
    walk(el, &mut lines, &mut cur, &mut notes);
    flush(&mut lines, &mut cur);
    (lines.join("\n"), notes)
}

/// The admonition kind (`Note`, `Caution`, ...) of a `<div>` whose class names one.
fn admonition_class(e: &scraper::node::Element) -> Option<&'static str> {
    if e.name() != "div" {
        return None;
    }
    const KINDS: [(&str, &str); 6] = [
        ("note", "Note"),
        ("notice", "Notice"),
        ("caution", "Caution"),
        ("warning", "Warning"),
        ("danger", "Danger"),
        ("important", "Important"),
    ];
    e.classes()
        .find_map(|c| KINDS.iter().find(|(k, _)| *k == c).map(|(_, v)| *v))
}

/// An admonition's text without its leading `NOTE:` (or `CAUTION:`, ...) title.
fn strip_note_title(text: &str) -> String {
    let t = text.trim_start();
    let title_len = t
        .find(':')
        .filter(|&i| i > 0 && t[..i].chars().all(|c| c.is_ascii_uppercase()));
    match title_len {
        Some(i) => t[i + 1..].trim().to_string(),
        None => t.trim().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tables(blocks: &[Block]) -> Vec<&Table> {
        blocks
            .iter()
            .filter_map(|b| match b {
                Block::Table(t) => Some(t),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn html_table_with_list_in_cell() {
        let md = "\
# Title

**Table  1**  Parameter   description

<a name=\"t1\"></a>
<table><thead align=\"left\"><tr id=\"r0\"><th><p><strong>Parameter</strong></p>
</th>
<th><p>Description</p>
</th>
</tr>
</thead>
<tbody><tr id=\"r1\"><td><p><a name=\"x\"></a>status</p>
</td>
<td><p>The value can be one of the following:</p>
<a name=\"ul\"></a><ul><li><strong>queued</strong>: waiting. </li><li><strong>active</strong>:   ready &amp; usable &lt;now&gt;</li></ul>
</td>
</tr>
<tr id=\"r2\"><td><p>\\_\\_os\\_type</p></td><td><p>Escaped \\{x\\}</p></td></tr>
</tbody>
</table>
";
        let blocks = parse(md);
        let t = tables(&blocks);
        assert_eq!(t.len(), 1);
        let t = t[0];
        assert_eq!(t.caption.as_deref(), Some("Table 1 Parameter description"));
        assert_eq!(t.header, ["Parameter", "Description"]);
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.rows[0].cells[0], "status");
        assert_eq!(
            t.rows[0].cells[1],
            "The value can be one of the following:\nqueued: waiting.\nactive: ready & usable <now>"
        );
        assert_eq!(t.rows[0].line, 12);
        assert_eq!(t.rows[1].cells, ["__os_type", "Escaped {x}"]);
        assert_eq!(t.rows[1].line, 18);
        assert_eq!(t.line, 6);
    }

    #[test]
    fn table_in_list_item_and_item_labels() {
        let md = "\
## Response

-   Response parameters

    <table><thead><tr><th>Parameter</th><th>Type</th></tr></thead>
    <tbody><tr><td>id</td><td>String</td></tr>
    </tbody>
    </table>

-   Example response

    ```
    STATUS CODE 200
    ```
";
        let blocks = parse(md);
        assert!(matches!(&blocks[0], Block::Heading { level: 2, text, .. } if text == "Response"));
        assert_eq!(
            blocks[1],
            Block::ItemStart {
                label: "Response parameters".into(),
                line: 3
            }
        );
        let Block::Table(t) = &blocks[2] else {
            panic!("expected a table, got {:?}", blocks[2]);
        };
        assert_eq!(t.caption, None);
        assert_eq!(t.rows[0].cells, ["id", "String"]);
        assert_eq!(t.rows[0].line, 6);
        assert_eq!(blocks[3], Block::ItemEnd);
        assert_eq!(
            blocks[4],
            Block::ItemStart {
                label: "Example response".into(),
                line: 10
            }
        );
        assert_eq!(
            blocks[5],
            Block::Code {
                lines: vec!["STATUS CODE 200".into()],
                line: 13
            }
        );
    }

    #[test]
    fn escapes_in_paragraphs_and_headings() {
        let md = "# Querying \\(Native\\)<a name=\"x\"></a>\n\nGET /v2/\\{project\\_id\\}/images\\{?name,minRam\\}\n";
        let blocks = parse(md);
        assert_eq!(
            blocks,
            [
                Block::Heading {
                    level: 1,
                    text: "Querying (Native)".into(),
                    line: 1
                },
                Block::Paragraph {
                    text: "GET /v2/{project_id}/images{?name,minRam}".into(),
                    line: 3
                }
            ]
        );
    }

    #[test]
    fn pipe_tables_are_tables_too() {
        let md =
            "**Table 9** Things\n\n| Parameter | Mandatory |\n| --- | --- |\n| a\\_b | Yes |\n";
        let blocks = parse(md);
        let t = tables(&blocks);
        assert_eq!(t[0].caption.as_deref(), Some("Table 9 Things"));
        assert_eq!(t[0].header, ["Parameter", "Mandatory"]);
        assert_eq!(t[0].rows[0].cells, ["a_b", "Yes"]);
        assert_eq!(t[0].rows[0].line, 5);
    }
}
