//! reStructuredText pages: section titles, bullet lists, paragraphs, `::` literal blocks,
//! `.. code-block::`, `.. table::` captions, admonitions, grid tables, simple tables and
//! `.. list-table::` directives. Admonitions inside table cells are kept apart as notes.
//!
//! Only the subset the API reference pages use is understood; unknown directives and comments
//! are skipped with their indented bodies. Grid tables with spanning cells are rejected with
//! an error rather than misread.

use super::blocks::{Block, Row, Table, collapse_lines, collapse_ws};
use super::{ErrorKind, ParseError};

/// Parses an RST page into blocks.
pub(super) fn parse(file: &str, text: &str) -> Result<Vec<Block>, ParseError> {
    let mut p = Rst {
        file,
        lines: text.lines().map(expand_tabs).collect(),
        blocks: Vec::new(),
        styles: Vec::new(),
        caption: None,
        items: Vec::new(),
    };
    p.run()?;
    Ok(p.blocks)
}

struct Rst<'a> {
    file: &'a str,
    lines: Vec<String>,
    blocks: Vec<Block>,
    /// Title adornment styles (character, has overline) in order of first use: index = level-1.
    styles: Vec<(char, bool)>,
    /// Caption of a `.. table::` directive waiting for its table.
    caption: Option<String>,
    /// Content indentation of each open list item.
    items: Vec<usize>,
}

impl Rst<'_> {
    fn err(&self, line_idx: usize, kind: ErrorKind) -> ParseError {
        ParseError::new(self.file, line_idx + 1, kind)
    }

    fn run(&mut self) -> Result<(), ParseError> {
        let mut i = 0;
        while i < self.lines.len() {
            let line = &self.lines[i];
            if is_blank(line) {
                i += 1;
                continue;
            }
            let ind = indent(line);
            let content = line[ind..].trim_end().to_string();
            self.close_items(ind);
            if let Some(next) = self.heading_at(i) {
                i = next;
            } else if content == ".." || content.starts_with(".. ") {
                i = self.explicit(i, ind, &content);
            } else if is_border(&content) {
                i = self.grid(i, ind)?;
            } else if is_simple_border(&content) {
                i = self.simple(i, ind)?;
            } else if let Some(width) = bullet_width(&content) {
                i = self.item(i, ind, width);
            } else {
                i = self.paragraph(i, ind);
            }
        }
        self.close_items(0);
        Ok(())
    }

    /// Ends the list items whose content is indented deeper than `ind`.
    fn close_items(&mut self, ind: usize) {
        while self.items.last().is_some_and(|&ci| ind < ci) {
            self.items.pop();
            self.blocks.push(Block::ItemEnd);
        }
    }

    /// A section title at line `i` (underlined, or over- and underlined): emits the heading and
    /// returns the index of the line after it.
    fn heading_at(&mut self, i: usize) -> Option<usize> {
        let get = |k: usize| self.lines.get(k).map(|l| l.trim_end());
        let first = get(i)?;
        let (text, adornment, overline, next) = if let Some(ch) = adornment(first) {
            let text = get(i + 1)?;
            let under = get(i + 2)?;
            if adornment(under) != Some(ch) || is_blank(text) || adornment(text.trim()).is_some() {
                return None;
            }
            (text.trim(), ch, true, i + 3)
        } else {
            if indent(first) != 0 {
                return None;
            }
            let under = get(i + 1)?;
            let ch = adornment(under)?;
            let (n, t) = (under.chars().count(), first.chars().count());
            if n < t && n < 4 {
                return None;
            }
            (first, ch, false, i + 2)
        };
        let style = (adornment, overline);
        let level = match self.styles.iter().position(|s| *s == style) {
            Some(p) => p + 1,
            None => {
                self.styles.push(style);
                self.styles.len()
            }
        };
        let text = collapse_ws(&rst_inline(text));
        let line = if overline { i + 2 } else { i + 1 };
        self.close_items(0);
        self.caption = None;
        self.blocks.push(Block::Heading {
            level: u8::try_from(level).unwrap_or(u8::MAX),
            text,
            line,
        });
        Some(next)
    }

    /// Index after the indented body of an explicit-markup construct starting at `i`.
    fn body_end(&self, i: usize, ind: usize) -> usize {
        let mut end = i + 1;
        let mut last = i + 1;
        while end < self.lines.len()
            && (is_blank(&self.lines[end]) || indent(&self.lines[end]) > ind)
        {
            end += 1;
            if !is_blank(&self.lines[end - 1]) {
                last = end;
            }
        }
        last
    }

    /// Index after the directive options (`:name: value` lines) following line `i`.
    fn skip_options(&self, i: usize, ind: usize) -> usize {
        let mut j = i + 1;
        while let Some(l) = self.lines.get(j) {
            if is_blank(l) || indent(l) <= ind || !l.trim_start().starts_with(':') {
                break;
            }
            j += 1;
        }
        j
    }

    /// `.. something`: directives, targets, comments. Returns the next line to look at.
    fn explicit(&mut self, i: usize, ind: usize, content: &str) -> usize {
        let rest = content.get(2..).unwrap_or("").trim();
        let Some((name, args)) = directive(rest) else {
            // A comment, a `.. _target:` or a `.. |substitution|`: skip with its body.
            return self.body_end(i, ind);
        };
        match name.as_str() {
            "table" => {
                let caption = collapse_ws(&rst_inline(args));
                self.caption = (!caption.is_empty()).then_some(caption);
                self.skip_options(i, ind)
            }
            "list-table" => self.list_table(i, ind, args),
            "code-block" | "code" | "sourcecode" | "parsed-literal" => {
                let start = self.skip_options(i, ind);
                let end = self.body_end(i, ind);
                self.literal(start, end);
                end
            }
            _ if is_admonition(&name) => {
                let args = collapse_ws(&rst_inline(args));
                if !args.is_empty() {
                    self.push_paragraph(args, i + 1);
                }
                self.skip_options(i, ind)
            }
            "container" | "rst-class" | "class" | "only" | "topic" | "sidebar" => {
                self.skip_options(i, ind)
            }
            _ => self.body_end(i, ind),
        }
    }

    /// Emits lines `start..end` (blank lines allowed) as a code block, dedented.
    fn literal(&mut self, start: usize, end: usize) {
        let body = self.lines.get(start..end).unwrap_or(&[]);
        let first = body.iter().position(|l| !is_blank(l));
        let Some(first) = first else { return };
        let body = &body[first..];
        let min = body
            .iter()
            .filter(|l| !is_blank(l))
            .map(|l| indent(l))
            .min()
            .unwrap_or(0);
        let mut lines: Vec<String> = body
            .iter()
            .map(|l| dedent(l, min).trim_end().to_string())
            .collect();
        while lines.last().is_some_and(|l| l.is_empty()) {
            lines.pop();
        }
        self.caption = None;
        self.blocks.push(Block::Code {
            lines,
            line: start + first + 1,
        });
    }

    /// Collects the lines of a paragraph starting at `i`; returns (text, next index).
    fn paragraph_lines(&self, i: usize, ind: usize, first: String) -> (String, usize) {
        let mut text = first;
        let mut j = i + 1;
        while let Some(l) = self.lines.get(j) {
            if is_blank(l) || indent(l) < ind || is_border(l.trim()) {
                break;
            }
            text.push('\n');
            text.push_str(l.trim());
            j += 1;
        }
        (text, j)
    }

    /// A paragraph; when it ends with `::` the indented block after it is a literal block.
    fn paragraph(&mut self, i: usize, ind: usize) -> usize {
        let first = self.lines[i].trim().to_string();
        let (text, next) = self.paragraph_lines(i, ind, first);
        let (text, literal) = split_literal_marker(&text);
        let text = collapse_lines(&rst_inline(&text));
        if !text.is_empty() {
            self.push_paragraph(text, i + 1);
        }
        if literal {
            self.literal_after(next, ind)
        } else {
            next
        }
    }

    /// The literal block (indented deeper than `ind`) after an `::` paragraph, if any.
    fn literal_after(&mut self, next: usize, ind: usize) -> usize {
        let mut k = next;
        while self.lines.get(k).is_some_and(|l| is_blank(l)) {
            k += 1;
        }
        if self.lines.get(k).is_none_or(|l| indent(l) <= ind) {
            return next;
        }
        let end = self.body_end(next.saturating_sub(1), ind);
        self.literal(k, end);
        end
    }

    fn push_paragraph(&mut self, text: String, line: usize) {
        self.caption = None;
        self.blocks.push(Block::Paragraph { text, line });
    }

    /// A list item at line `i`; its first paragraph becomes the label.
    fn item(&mut self, i: usize, ind: usize, width: usize) -> usize {
        let content_indent = ind + width;
        let first = self.lines[i]
            .get(content_indent..)
            .unwrap_or("")
            .trim()
            .to_string();
        self.items.push(content_indent);
        let (text, next) = if first.is_empty() {
            (String::new(), i + 1)
        } else {
            self.paragraph_lines(i, content_indent, first)
        };
        let (text, literal) = split_literal_marker(&text);
        let label = collapse_ws(&rst_inline(&text));
        self.caption = None;
        self.blocks.push(Block::ItemStart { label, line: i + 1 });
        if literal {
            self.literal_after(next, content_indent)
        } else {
            next
        }
    }

    /// A grid table starting at line `i`.
    fn grid(&mut self, i: usize, ind: usize) -> Result<usize, ParseError> {
        let mut j = i;
        while let Some(l) = self.lines.get(j) {
            let t = l.trim();
            if is_blank(l) || indent(l) != ind || !(t.starts_with('+') || t.starts_with('|')) {
                break;
            }
            j += 1;
        }
        let rows: Vec<(usize, Vec<&str>)> = (i..j)
            .map(|k| (k, columns(self.lines[k][ind..].trim_end())))
            .collect();
        let mut table = parse_grid(&rows).map_err(|(k, msg)| self.err(k, ErrorKind::Table(msg)))?;
        table.caption = self.caption.take();
        table.line = i + 1;
        self.blocks.push(Block::Table(table));
        Ok(j)
    }
}

impl Rst<'_> {
    /// A simple table (`=====  =====` borders) starting at line `i`: an optional header above
    /// a middle border, body rows, and a closing border followed by a blank line or the end.
    /// A row starts where the first column has text; lines with an empty first column continue
    /// the row above. The last column may run past its border.
    fn simple(&mut self, i: usize, ind: usize) -> Result<usize, ParseError> {
        let line_at = |k: usize| -> &str { self.lines[k].get(ind..).unwrap_or("").trim_end() };
        let top = columns(line_at(i));
        let spans = simple_spans(&top);
        let is_end = |k: usize| {
            self.lines
                .get(k)
                .is_none_or(|l| is_blank(l) || indent(l) < ind)
        };
        let mut header_end = None;
        let mut body: Vec<usize> = Vec::new();
        let mut j = i + 1;
        let end = loop {
            let Some(line) = self.lines.get(j) else {
                return Err(self.err(
                    j.saturating_sub(1),
                    ErrorKind::Table("simple table is not closed by a `=====` border".into()),
                ));
            };
            let content = line.get(ind..).unwrap_or("").trim_end();
            if !is_blank(line) && indent(line) < ind {
                return Err(self.err(
                    j,
                    ErrorKind::Table("simple table is not closed by a `=====` border".into()),
                ));
            }
            if indent(line) == ind && is_simple_border(content) {
                if simple_spans(&columns(content)) != spans {
                    return Err(self.err(
                        j,
                        ErrorKind::Table("border does not match the table's columns".into()),
                    ));
                }
                if is_end(j + 1) || header_end.is_some() {
                    break j;
                }
                header_end = Some(body.len());
            } else {
                body.push(j);
            }
            j += 1;
        };
        // Group the text lines into rows.
        let mut rows: Vec<Vec<usize>> = Vec::new();
        for &k in &body {
            let cols = columns(line_at(k));
            let (first_start, first_end) = spans[0];
            let starts_row = cols
                .get(first_start..first_end.min(cols.len()))
                .is_some_and(|c| c.iter().any(|x| !x.trim().is_empty()));
            for gap in spans.windows(2) {
                let (_, a_end) = gap[0];
                let (b_start, _) = gap[1];
                if cols
                    .get(a_end..b_start.min(cols.len()))
                    .is_some_and(|c| c.iter().any(|x| !x.trim().is_empty()))
                {
                    return Err(self.err(k, ErrorKind::Table(
                        "text between the columns of a simple table (spanning cells are not supported)"
                            .into(),
                    )));
                }
            }
            if starts_row || rows.is_empty() {
                if !starts_row && is_blank(&self.lines[k]) {
                    continue;
                }
                rows.push(vec![k]);
            } else if let Some(last) = rows.last_mut() {
                last.push(k);
            }
        }
        let header_rows = header_end.map_or(0, |n| {
            rows.iter()
                .take_while(|r| r.first().is_some_and(|&k| body[..n].contains(&k)))
                .count()
        });
        let make_row = |ks: &[usize]| -> Row {
            let (cells, notes): (Vec<String>, Vec<Vec<String>>) = spans
                .iter()
                .enumerate()
                .map(|(c, &(start, stop))| {
                    let stop = if c + 1 == spans.len() {
                        usize::MAX
                    } else {
                        stop
                    };
                    let cell_lines: Vec<String> = ks
                        .iter()
                        .map(|&k| {
                            let cols = columns(line_at(k));
                            cols.get(start.min(cols.len())..stop.min(cols.len()))
                                .map(|c| c.concat())
                                .unwrap_or_default()
                        })
                        .collect();
                    cell_text(&cell_lines)
                })
                .unzip();
            Row {
                cells,
                notes,
                line: ks.first().map_or(0, |k| k + 1),
            }
        };
        let mut header = Vec::new();
        for (n, ks) in rows[..header_rows].iter().enumerate() {
            let row = make_row(ks);
            if n == 0 {
                header = row.cells;
            } else {
                for (h, c) in header.iter_mut().zip(row.cells) {
                    if !c.is_empty() {
                        h.push(' ');
                        h.push_str(&c);
                    }
                }
            }
        }
        let table = Table {
            caption: self.caption.take(),
            header,
            rows: rows[header_rows..].iter().map(|ks| make_row(ks)).collect(),
            line: i + 1,
        };
        self.blocks.push(Block::Table(table));
        Ok(end + 1)
    }
}

impl Rst<'_> {
    /// A `.. list-table::` directive at line `i`: rows are `* -` items, cells their `-`
    /// sub-items; `:header-rows: N` makes the first N rows the header. Returns the next line.
    fn list_table(&mut self, i: usize, ind: usize, args: &str) -> usize {
        let caption = collapse_ws(&rst_inline(args));
        let options_end = self.skip_options(i, ind);
        let header_rows: usize = self.lines[i + 1..options_end]
            .iter()
            .find_map(|l| l.trim().strip_prefix(":header-rows:"))
            .and_then(|n| n.trim().parse().ok())
            .unwrap_or(0);
        let end = self.body_end(i, ind);
        // rows → cells → (first line index, lines)
        let mut rows: Vec<(usize, Vec<Vec<String>>)> = Vec::new();
        let mut cell_indent = 0;
        for k in options_end..end {
            let line = &self.lines[k];
            let t = line.trim_start();
            let here = indent(line);
            if let Some(rest) = t.strip_prefix("* ").or_else(|| (t == "*").then_some("")) {
                let rest = rest.trim_start();
                rows.push((k + 1, Vec::new()));
                if let Some(first) = rest
                    .strip_prefix("- ")
                    .or_else(|| (rest == "-").then_some(""))
                {
                    cell_indent = here + 2;
                    if let Some((_, cells)) = rows.last_mut() {
                        cells.push(vec![first.to_string()]);
                    }
                }
            } else if let Some(first) = t.strip_prefix("- ").or_else(|| (t == "-").then_some(""))
                && rows.last().is_some()
                && here <= cell_indent
            {
                cell_indent = here;
                if let Some((_, cells)) = rows.last_mut() {
                    cells.push(vec![first.to_string()]);
                }
            } else if let Some((_, cells)) = rows.last_mut()
                && let Some(cell) = cells.last_mut()
            {
                cell.push(dedent(line, cell_indent + 2).to_string());
            }
        }
        let mut made: Vec<Row> = rows
            .into_iter()
            .map(|(line, cells)| {
                let (cells, notes): (Vec<String>, Vec<Vec<String>>) =
                    cells.iter().map(|c| cell_text(c)).unzip();
                Row { cells, notes, line }
            })
            .collect();
        let body = made.split_off(header_rows.min(made.len()));
        let mut header: Vec<String> = Vec::new();
        for row in made {
            if header.is_empty() {
                header = row.cells;
            } else {
                for (h, c) in header.iter_mut().zip(row.cells) {
                    if !c.is_empty() {
                        h.push(' ');
                        h.push_str(&c);
                    }
                }
            }
        }
        self.blocks.push(Block::Table(Table {
            caption: (!caption.is_empty()).then_some(caption),
            header,
            rows: body,
            line: i + 1,
        }));
        self.caption = None;
        end
    }
}

/// The (start, end) display columns of each `===` run of a simple-table border.
fn simple_spans(cols: &[&str]) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut start = None;
    for (k, c) in cols.iter().enumerate() {
        match (*c == "=", start) {
            (true, None) => start = Some(k),
            (false, Some(s)) => {
                spans.push((s, k));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        spans.push((s, cols.len()));
    }
    spans
}

/// `=====  =====`: a simple-table border of at least two columns (one `=====` alone is a
/// section adornment or a transition).
fn is_simple_border(s: &str) -> bool {
    let s = s.trim_end();
    s.starts_with('=') && s.contains(' ') && s.chars().all(|c| c == '=' || c == ' ')
}

/// Splits a line into display columns, as docutils counts them: East Asian wide characters
/// take two columns (the second holds an empty string), combining characters none (they join
/// the previous column).
fn columns(line: &str) -> Vec<&str> {
    let mut spans: Vec<(usize, usize)> = Vec::with_capacity(line.len());
    for (i, c) in line.char_indices() {
        let end = i + c.len_utf8();
        match char_width(c) {
            0 if !spans.is_empty() => {
                if let Some(last) = spans.last_mut() {
                    last.1 = end;
                }
            }
            2 => {
                spans.push((i, end));
                spans.push((end, end));
            }
            _ => spans.push((i, end)),
        }
    }
    spans.into_iter().map(|(a, b)| &line[a..b]).collect()
}

/// Display width of a character: 2 for East Asian wide/fullwidth, 0 for combining marks.
fn char_width(c: char) -> usize {
    let u = u32::from(c);
    let zero = matches!(u, 0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x200B..=0x200F
        | 0x20D0..=0x20FF | 0xFE00..=0xFE0F | 0xFE20..=0xFE2F);
    let wide = matches!(u, 0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x1F300..=0x1F64F | 0x1F900..=0x1F9FF
        | 0x20000..=0x2FFFD | 0x30000..=0x3FFFD);
    if zero {
        0
    } else if wide {
        2
    } else {
        1
    }
}

/// Parses grid-table lines (0-based line index, display columns from the table's left edge).
/// Errors carry the 0-based line index and a message.
fn parse_grid(lines: &[(usize, Vec<&str>)]) -> Result<Table, (usize, String)> {
    let Some((top_line, top)) = lines.first() else {
        return Err((0, "empty table".into()));
    };
    let top_str: String = top.concat();
    if !is_border(&top_str) || top_str.contains('=') {
        return Err((
            *top_line,
            "a grid table must start with a `+---+` border".into(),
        ));
    }
    let bounds: Vec<usize> = plus_positions(top);
    let width = *bounds.last().unwrap_or(&0);
    let mut rows: Vec<Row> = Vec::new();
    let mut header_rows = None;
    let mut current: Vec<(usize, &[&str])> = Vec::new();
    let mut last_line = *top_line;
    for (line, cols) in &lines[1..] {
        last_line = *line;
        match cols.first().copied() {
            Some("+") => {
                let s: String = cols.concat();
                if !is_border(&s) || plus_positions(cols) != bounds {
                    return Err((
                        *line,
                        "border does not match the table's columns (spanning cells are not supported)"
                            .into(),
                    ));
                }
                if current.is_empty() {
                    return Err((*line, "empty table row".into()));
                }
                rows.push(grid_row(&current, &bounds));
                current.clear();
                if s.contains('=') {
                    if header_rows.is_some() {
                        return Err((*line, "a second `+===+` header separator".into()));
                    }
                    header_rows = Some(rows.len());
                }
            }
            Some("|") => {
                if cols.len() <= width {
                    return Err((
                        *line,
                        "row line stops before the table's right border".into(),
                    ));
                }
                if let Some(b) = bounds.iter().find(|&&b| cols[b] != "|") {
                    return Err((
                        *line,
                        format!(
                            "expected `|` at column {} (spanning cells are not supported)",
                            b + 1
                        ),
                    ));
                }
                if cols[width + 1..].iter().any(|c| !c.trim().is_empty()) {
                    return Err((*line, "text after the table's right border".into()));
                }
                current.push((*line, cols));
            }
            _ => return Err((*line, "neither a border nor a row".into())),
        }
    }
    if !current.is_empty() {
        return Err((last_line, "table is not closed by a border line".into()));
    }
    let mut header = Vec::new();
    if let Some(n) = header_rows {
        for row in rows.drain(..n) {
            if header.is_empty() {
                header = row.cells;
                continue;
            }
            for (h, c) in header.iter_mut().zip(row.cells) {
                if !c.is_empty() {
                    h.push(' ');
                    h.push_str(&c);
                }
            }
        }
    }
    Ok(Table {
        caption: None,
        header,
        rows,
        line: top_line + 1,
    })
}

fn plus_positions(cols: &[&str]) -> Vec<usize> {
    cols.iter()
        .enumerate()
        .filter(|(_, c)| **c == "+")
        .map(|(i, _)| i)
        .collect()
}

/// One grid row from its `|` lines: each cell's text reduced to plain text.
fn grid_row(lines: &[(usize, &[&str])], bounds: &[usize]) -> Row {
    let (cells, notes): (Vec<String>, Vec<Vec<String>>) = bounds
        .windows(2)
        .map(|w| {
            let cell_lines: Vec<String> = lines
                .iter()
                .map(|(_, cols)| cols[w[0] + 1..w[1]].concat())
                .collect();
            cell_text(&cell_lines)
        })
        .unzip();
    Row {
        cells,
        notes,
        line: lines.first().map_or(0, |(l, _)| l + 1),
    }
}

/// Plain text of a table cell: paragraphs and list items on their own lines, inline markup
/// removed. Admonitions (`.. note::` and its indented body) are left out of the text and
/// returned apart, one string each, as `Note: text`.
fn cell_text(lines: &[String]) -> (String, Vec<String>) {
    let min = lines
        .iter()
        .filter(|l| !is_blank(l))
        .map(|l| indent(l))
        .min()
        .unwrap_or(0);
    let mut out: Vec<String> = Vec::new();
    let mut notes: Vec<String> = Vec::new();
    let mut cur = String::new();
    let flush = |cur: &mut String, out: &mut Vec<String>| {
        let (text, _) = split_literal_marker(cur);
        let text = collapse_ws(&rst_inline(&text));
        if !text.is_empty() {
            out.push(text);
        }
        cur.clear();
    };
    // An open admonition: (its directive's indent, kind, the body lines so far).
    let mut note: Option<(usize, String, Vec<String>)> = None;
    let close = |note: &mut Option<(usize, String, Vec<String>)>, notes: &mut Vec<String>| {
        if let Some((_, kind, body)) = note.take() {
            let (text, inner) = cell_text(&body);
            notes.push(
                format!("{kind}: {}", text.replace('\n', " "))
                    .trim_end()
                    .to_string(),
            );
            notes.extend(inner);
        }
    };
    for line in lines {
        let dedented = dedent(line, min);
        let t = dedented.trim();
        if let Some((note_indent, _, body)) = &mut note {
            if t.is_empty() || indent(dedented) > *note_indent {
                body.push(dedented.to_string());
                continue;
            }
            close(&mut note, &mut notes);
        }
        if t.is_empty() {
            flush(&mut cur, &mut out);
        } else if t == ".." || t.starts_with(".. ") {
            flush(&mut cur, &mut out);
            if let Some((name, args)) = directive(t.get(2..).unwrap_or("").trim())
                && is_admonition(&name)
            {
                let mut kind = name.clone();
                if let Some(first) = kind.get_mut(..1) {
                    first.make_ascii_uppercase();
                }
                let body = if args.is_empty() {
                    Vec::new()
                } else {
                    vec![format!("{}{args}", " ".repeat(indent(dedented) + 3))]
                };
                note = Some((indent(dedented), kind, body));
            }
        } else if let Some(width) = bullet_width(t) {
            flush(&mut cur, &mut out);
            cur.push_str(t.get(width..).unwrap_or("").trim());
        } else {
            if !cur.is_empty() {
                cur.push(' ');
            }
            cur.push_str(t);
        }
    }
    close(&mut note, &mut notes);
    flush(&mut cur, &mut out);
    (out.join("\n"), notes)
}

/// `name:: args` of a directive (name lower-cased), or None for comments and targets.
fn directive(rest: &str) -> Option<(String, &str)> {
    let (name, args) = rest.split_once("::")?;
    let valid = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '+' | '.' | ':'));
    valid.then(|| (name.to_ascii_lowercase(), args.trim()))
}

fn is_admonition(name: &str) -> bool {
    matches!(
        name,
        "note"
            | "warning"
            | "caution"
            | "important"
            | "tip"
            | "hint"
            | "attention"
            | "danger"
            | "error"
            | "admonition"
            | "notice"
    )
}

/// Strips a trailing `::` literal-block marker: `Text::` → `Text:`, `Text ::` and `::` → `Text`/``.
fn split_literal_marker(text: &str) -> (String, bool) {
    let trimmed = text.trim_end();
    match trimmed.strip_suffix("::") {
        Some(rest) if rest.is_empty() || rest.ends_with(char::is_whitespace) => {
            (rest.trim_end().to_string(), true)
        }
        Some(rest) => (format!("{rest}:"), true),
        None => (text.to_string(), false),
    }
}

fn expand_tabs(line: &str) -> String {
    if !line.contains('\t') {
        return line.to_string();
    }
    let mut out = String::new();
    let mut col = 0;
    for c in line.chars() {
        if c == '\t' {
            let n = 8 - col % 8;
            out.extend(std::iter::repeat_n(' ', n));
            col += n;
        } else {
            out.push(c);
            col += 1;
        }
    }
    out
}

fn is_blank(line: &str) -> bool {
    line.trim().is_empty()
}

/// Number of leading spaces (each one byte, so also a byte offset).
fn indent(line: &str) -> usize {
    line.bytes().take_while(|b| *b == b' ').count()
}

/// `line` without up to `n` leading spaces.
fn dedent(line: &str, n: usize) -> &str {
    let k = indent(line).min(n);
    &line[k..]
}

/// A title adornment line: one punctuation character repeated (at least twice).
fn adornment(line: &str) -> Option<char> {
    let line = line.trim_end();
    let first = line.chars().next()?;
    let ok = first.is_ascii_punctuation()
        && line.chars().count() >= 2
        && line.chars().all(|c| c == first);
    ok.then_some(first)
}

/// `+---+---+` or `+===+===+`.
fn is_border(s: &str) -> bool {
    let s = s.trim_end();
    if s.len() < 3 || !s.starts_with('+') || !s.ends_with('+') {
        return false;
    }
    s[1..s.len() - 1].split('+').all(|seg| {
        !seg.is_empty() && (seg.chars().all(|c| c == '-') || seg.chars().all(|c| c == '='))
    })
}

/// Width of a bullet or enumerator with its following spaces (`-  `, `*  `, `1. `, `#. `).
fn bullet_width(content: &str) -> Option<usize> {
    let marker_len = if content.starts_with(['-', '*', '+', '•']) {
        content.chars().next().map_or(1, char::len_utf8)
    } else {
        let digits = content.bytes().take_while(u8::is_ascii_digit).count();
        let n = if digits == 0 && content.starts_with('#') {
            1
        } else {
            digits
        };
        if n == 0 || n > 3 || !content[n..].starts_with(['.', ')']) {
            return None;
        }
        n + 1
    };
    let rest = &content[marker_len..];
    if rest.is_empty() {
        return Some(marker_len + 1);
    }
    let spaces = rest.bytes().take_while(|b| *b == b' ').count();
    (spaces > 0 && spaces < rest.len()).then_some(marker_len + spaces)
}

/// Removes RST inline markup: `**strong**`, `*emphasis*`, ``` ``literal`` ```,
/// `` :role:`text <target>` ``, `` `text <url>`_ ``, and backslash escapes.
pub(super) fn rst_inline(s: &str) -> String {
    let c: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < c.len() {
        let ch = c[i];
        if ch == '\\' {
            if let Some(&next) = c.get(i + 1)
                && !next.is_whitespace()
            {
                out.push(next);
            }
            i += 2;
            continue;
        }
        if start_ok(&c, i) {
            if ch == '`' && c.get(i + 1) == Some(&'`') {
                if let Some(end) = find_end(&c, i + 2, &['`', '`']) {
                    out.extend(&c[i + 2..end]);
                    i = end + 2;
                    continue;
                }
            } else if ch == '`' {
                if let Some(end) = find_end(&c, i + 1, &['`']) {
                    out.push_str(&reference_text(&c[i + 1..end]));
                    i = end + 1;
                    while c.get(i) == Some(&'_') {
                        i += 1;
                    }
                    continue;
                }
            } else if ch == ':'
                && let Some(tick) = role_end(&c, i)
                && let Some(end) = find_end(&c, tick + 1, &['`'])
            {
                out.push_str(&reference_text(&c[tick + 1..end]));
                i = end + 1;
                continue;
            } else if ch == '*' && c.get(i + 1) == Some(&'*') {
                if let Some(end) = find_end(&c, i + 2, &['*', '*']) {
                    let inner: String = c[i + 2..end].iter().collect();
                    out.push_str(&rst_inline(&inner));
                    i = end + 2;
                    continue;
                }
            } else if ch == '*'
                && let Some(end) = find_end(&c, i + 1, &['*'])
            {
                let inner: String = c[i + 1..end].iter().collect();
                out.push_str(&rst_inline(&inner));
                i = end + 1;
                continue;
            }
        }
        out.push(ch);
        i += 1;
    }
    out
}

/// Inline markup may start at `i`: preceded by start of text, whitespace or opening
/// punctuation, and followed (after the marker) by non-whitespace.
fn start_ok(c: &[char], i: usize) -> bool {
    let before_ok = i == 0
        || c[i - 1].is_whitespace()
        || matches!(
            c[i - 1],
            '(' | '[' | '{' | '<' | '\'' | '"' | '-' | '/' | ':'
        );
    let marker_len = c[i..].iter().take_while(|&&x| x == c[i]).count().min(2);
    let after_ok = c.get(i + marker_len).is_some_and(|x| !x.is_whitespace());
    before_ok && after_ok
}

/// Position of the closing `marker` at or after `from`: preceded by non-whitespace (and not
/// escaped), followed by end of text, whitespace or closing punctuation.
fn find_end(c: &[char], from: usize, marker: &[char]) -> Option<usize> {
    let m = marker.len();
    let mut j = from + 1;
    while j + m <= c.len() {
        if &c[j..j + m] == marker
            && !c[j - 1].is_whitespace()
            && c[j - 1] != '\\'
            && c.get(j + m).is_none_or(|&x| {
                x.is_whitespace() || (x.is_ascii_punctuation() && !marker.contains(&x))
            })
        {
            return Some(j);
        }
        j += 1;
    }
    None
}

/// For `:role:` at `i`, the index of the backtick after it.
fn role_end(c: &[char], i: usize) -> Option<usize> {
    let mut j = i + 1;
    while j < c.len() && (c[j].is_ascii_alphanumeric() || matches!(c[j], '-' | '_' | '.' | '+')) {
        j += 1;
    }
    (j > i + 1 && c.get(j) == Some(&':') && c.get(j + 1) == Some(&'`')).then_some(j + 1)
}

/// `text <target>` → `text` (or `target` when there is no text); escapes removed.
fn reference_text(inner: &[char]) -> String {
    let s: String = inner.iter().collect();
    let s = s.trim();
    let text = match (s.ends_with('>'), s.rfind('<')) {
        (true, Some(lt)) if !s[..lt].trim().is_empty() => s[..lt].trim(),
        (true, Some(lt)) => &s[lt + 1..s.len() - 1],
        _ => s,
    };
    rst_inline_escapes(text)
}

fn rst_inline_escapes(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(n) = chars.next()
                && !n.is_whitespace()
            {
                out.push(n);
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks(text: &str) -> Vec<Block> {
        parse("t.rst", text).expect("parses")
    }

    #[test]
    fn inline_markup_is_removed() {
        assert_eq!(
            rst_inline(r"The **\__imagetype** is **shared**."),
            "The __imagetype is shared."
        );
        assert_eq!(
            rst_inline("format *Operator:UTC time*."),
            "format Operator:UTC time."
        );
        assert_eq!(
            rst_inline("see :ref:`Image Attributes <en-us_topic__section6>` and :ref:`target`."),
            "see Image Attributes and target."
        );
        assert_eq!(rst_inline("a `link <https://x>`_ here"), "a link here");
        assert_eq!(rst_inline("``a*b`` and 2 * 3 = 6"), "a*b and 2 * 3 = 6");
        assert_eq!(rst_inline(r"\__isregistered"), "__isregistered");
        assert_eq!(rst_inline("snake_case_name stays"), "snake_case_name stays");
        assert_eq!(rst_inline("**unclosed"), "**unclosed");
    }

    #[test]
    fn grid_table_with_multi_line_cells() {
        let text = r#"Title
=====

.. table:: **Table 1** Parameter   description

   +---------------+-----------+-----------------------------+
   | Parameter     | Mandatory | Description                 |
   +===============+===========+=============================+
   | \__imagetype  | No        | The image type:             |
   |               |           |                             |
   |               |           | -  Public image: **gold**.  |
   |               |           | -  Private image:           |
   |               |           |    **private**.             |
   |               |           |                             |
   |               |           | .. note::                   |
   |               |           |                             |
   |               |           |    Shared is **shared**.    |
   +---------------+-----------+-----------------------------+
   | name          | Yes       | One line, :ref:`see <x>`.   |
   +---------------+-----------+-----------------------------+
"#;
        let b = blocks(text);
        assert!(matches!(&b[0], Block::Heading { level: 1, text, line: 1 } if text == "Title"));
        let Block::Table(t) = &b[1] else {
            panic!("expected a table: {b:?}");
        };
        assert_eq!(t.caption.as_deref(), Some("Table 1 Parameter description"));
        assert_eq!(t.header, ["Parameter", "Mandatory", "Description"]);
        assert_eq!(t.line, 6);
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.rows[0].line, 9);
        assert_eq!(t.rows[0].cells[0], "__imagetype");
        assert_eq!(
            t.rows[0].cells[2],
            "The image type:\nPublic image: gold.\nPrivate image: private."
        );
        assert_eq!(t.rows[0].notes[2], ["Note: Shared is shared."]);
        assert!(t.rows[0].notes[0].is_empty());
        assert_eq!(t.rows[1].cells, ["name", "Yes", "One line, see."]);
        assert_eq!(t.rows[1].line, 19);
    }

    #[test]
    fn simple_tables_with_header_and_continuation_lines() {
        let text = "\
.. table:: **Table 1** Path parameters

   ========== ========= =========================
   Parameter  Mandatory Description
   ========== ========= =========================
   project_id Yes       Specifies the project ID.
   image_id   No        First line
                        and its continuation.
   ========== ========= =========================

After.
";
        let b = blocks(text);
        let Block::Table(t) = &b[0] else {
            panic!("{b:?}")
        };
        assert_eq!(t.caption.as_deref(), Some("Table 1 Path parameters"));
        assert_eq!(t.header, ["Parameter", "Mandatory", "Description"]);
        assert_eq!(t.rows.len(), 2);
        assert_eq!(
            t.rows[0].cells,
            ["project_id", "Yes", "Specifies the project ID."]
        );
        assert_eq!((t.rows[0].line, t.rows[1].line), (6, 7));
        assert_eq!(t.rows[1].cells[2], "First line and its continuation.");
        assert!(matches!(&b[1], Block::Paragraph { text, .. } if text == "After."));
        // Without a header: two borders only.
        let b = blocks("===== =====\na     b\nc     d\n===== =====\n");
        let Block::Table(t) = &b[0] else {
            panic!("{b:?}")
        };
        assert!(t.header.is_empty());
        assert_eq!(t.rows.len(), 2);
    }

    #[test]
    fn list_tables_are_tables() {
        let text = "\
.. list-table:: **Table 3** Query parameters
   :header-rows: 1

   * - Parameter
     - Mandatory
     - Description
   * - name
     - No
     - Image name.

       .. note::

          Exact match.
   * - limit
     - No
     - At most 1000.
";
        let b = blocks(text);
        let Block::Table(t) = &b[0] else {
            panic!("{b:?}")
        };
        assert_eq!(t.caption.as_deref(), Some("Table 3 Query parameters"));
        assert_eq!(t.header, ["Parameter", "Mandatory", "Description"]);
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.rows[0].cells, ["name", "No", "Image name."]);
        assert_eq!(t.rows[0].notes[2], ["Note: Exact match."]);
        assert_eq!((t.rows[0].line, t.rows[1].line), (7, 14));
        assert_eq!(t.rows[1].cells, ["limit", "No", "At most 1000."]);
    }

    #[test]
    fn broken_simple_tables_are_errors() {
        let unclosed = "===== =====\na     b\n";
        let err = parse("t.rst", unclosed).expect_err("unclosed");
        assert!(matches!(err.kind, ErrorKind::Table(_)), "{err}");
        let spanning = "===== =====\na   xxx  b\n===== =====\n";
        assert_eq!(parse("t.rst", spanning).expect_err("spanning").line, 2);
    }

    #[test]
    fn admonitions_in_cells_are_notes_never_text() {
        let text = "\
+------+------------------------------+
| Name | Description                  |
+======+==============================+
| vis  | Available values include:    |
|      |                              |
|      | -  **public**: public image  |
|      | -  **shared**: shared image  |
|      |                              |
|      | .. note::                    |
|      |                              |
|      |    Shared ones are listed.   |
|      |    Really.                   |
|      |                              |
|      | .. caution:: Inline warning. |
|      |                              |
|      | Text after the notes.        |
+------+------------------------------+
";
        let b = blocks(text);
        let Block::Table(t) = &b[0] else {
            panic!("{b:?}")
        };
        assert_eq!(
            t.rows[0].cells[1],
            "Available values include:\npublic: public image\nshared: shared image\nText after the notes."
        );
        assert_eq!(
            t.rows[0].notes[1],
            [
                "Note: Shared ones are listed. Really.",
                "Caution: Inline warning."
            ]
        );
    }

    #[test]
    fn misaligned_grid_table_is_an_error() {
        let text = "+----+----+\n| a  | b  |\n+====+====+\n| c    | d|\n+----+----+\n";
        let err = parse("t.rst", text).expect_err("misaligned");
        assert_eq!(err.line, 4);
        assert!(matches!(err.kind, ErrorKind::Table(_)), "{err}");
        let unclosed = "+----+\n| a  |\n";
        assert_eq!(parse("t.rst", unclosed).expect_err("unclosed").line, 2);
        let span = "+----+----+\n| a  | b  |\n+----+    +\n| c  |    |\n+----+----+\n";
        assert_eq!(parse("t.rst", span).expect_err("row span").line, 3);
    }

    #[test]
    fn code_blocks_items_and_literal_blocks() {
        let text = "\
Response
--------

-  Example response

   .. code-block:: text

      STATUS CODE 200

   ::

      {
        \"a\": 1
      }

Returned Values
---------------

-  Normal

   200
";
        let b = blocks(text);
        assert_eq!(
            b,
            [
                Block::Heading {
                    level: 1,
                    text: "Response".into(),
                    line: 1
                },
                Block::ItemStart {
                    label: "Example response".into(),
                    line: 4
                },
                Block::Code {
                    lines: vec!["STATUS CODE 200".into()],
                    line: 8
                },
                Block::Code {
                    lines: vec!["{".into(), "  \"a\": 1".into(), "}".into()],
                    line: 12
                },
                Block::ItemEnd,
                Block::Heading {
                    level: 1,
                    text: "Returned Values".into(),
                    line: 16
                },
                Block::ItemStart {
                    label: "Normal".into(),
                    line: 19
                },
                Block::Paragraph {
                    text: "200".into(),
                    line: 21
                },
                Block::ItemEnd,
            ]
        );
    }

    #[test]
    fn paragraph_literal_marker_and_targets() {
        let text = ":original_name: x.html\n\n.. _label:\n\nTitle\n=====\n\nSub\n---\n\nExample::\n\n   GET /a\n\nAfter.\n";
        let b = blocks(text);
        assert_eq!(
            b[1..],
            [
                Block::Heading {
                    level: 1,
                    text: "Title".into(),
                    line: 5
                },
                Block::Heading {
                    level: 2,
                    text: "Sub".into(),
                    line: 8
                },
                Block::Paragraph {
                    text: "Example:".into(),
                    line: 11
                },
                Block::Code {
                    lines: vec!["GET /a".into()],
                    line: 13
                },
                Block::Paragraph {
                    text: "After.".into(),
                    line: 15
                },
            ]
        );
    }

    #[test]
    fn non_ascii_cells_do_not_break_columns() {
        let text = "+------+-----+\n| 名称 | é   |\n+======+=====+\n| ü    | x\u{301}   |\n+------+-----+\n";
        let b = blocks(text);
        let Block::Table(t) = &b[0] else {
            panic!("{b:?}")
        };
        assert_eq!(t.header, ["名称", "é"]);
        assert_eq!(t.rows[0].cells, ["ü", "x\u{301}"]);
    }
}
