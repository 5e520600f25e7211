//! How results are printed: the formats of `-f`, the columns of `-c`/`--long`, a table that
//! streams page by page and fits the terminal, and the escaping of service text.
//!
//! Everything the service sends is shown as sent: `json`, `ndjson` and `yaml` hold every key
//! of every object, `null` included; in `table`, `csv` and `value` a `null` is `null` and an
//! absent key an empty cell. Control characters (and the bidirectional-text controls) in
//! service text never reach the terminal raw: text formats show them as `\n`, `\u{1b}`, ...,
//! JSON as `\u001b`.

use std::borrow::Cow;
use std::io::{IsTerminal, Write};

use clap::ValueEnum;
use futures::StreamExt;
use serde::Serialize;
use serde_json::{Map, Value};
use unicode_width::UnicodeWidthChar;

use crate::failure::Failure;

/// The formats of `-f/--format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A table that fits the terminal (the default).
    Table,
    /// Pretty JSON: an array for a list, an object for `show`; every key the service sent.
    Json,
    /// One JSON object per line, printed as pages arrive; every key the service sent.
    Ndjson,
    /// YAML: a list for a list, a mapping for `show`.
    Yaml,
    /// Comma-separated values with a heading row.
    Csv,
    /// The values alone, separated by spaces (one per line for `show`).
    Value,
}

/// One column: its heading and the key of the JSON object it shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    heading: String,
    key: String,
}

impl Column {
    fn new(heading: &str, key: &str) -> Column {
        Column {
            heading: heading.to_string(),
            key: key.to_string(),
        }
    }
}

/// The columns of `image list`, as `openstack image list` shows them.
pub fn list_columns(long: bool) -> Vec<Column> {
    let short = [("ID", "id"), ("Name", "name"), ("Status", "status")];
    let long_columns = [
        ("ID", "id"),
        ("Name", "name"),
        ("Disk Format", "disk_format"),
        ("Container Format", "container_format"),
        ("Size", "size"),
        ("Checksum", "checksum"),
        ("Status", "status"),
        ("Visibility", "visibility"),
        ("Protected", "protected"),
        ("Project", "owner"),
        ("Tags", "tags"),
    ];
    let chosen: &[(&str, &str)] = if long { &long_columns } else { &short };
    chosen.iter().map(|(h, k)| Column::new(h, k)).collect()
}

/// The columns named by `-c`: a heading of `known` (any case, `_` for a space) or any key of
/// the objects (`__os_type`), in the order given.
pub fn chosen_columns(names: &[String], known: &[Column]) -> Vec<Column> {
    let fold = |s: &str| s.to_ascii_lowercase().replace(['_', '-'], " ");
    names
        .iter()
        .map(|name| {
            known
                .iter()
                .find(|c| fold(&c.heading) == fold(name) || c.key == *name)
                .cloned()
                .unwrap_or_else(|| Column::new(name, name))
        })
        .collect()
}

/// Writes results to stdout in one format. Rows are written (and flushed) page by page.
pub struct Printer {
    format: Format,
    /// The columns of table, csv and value, and the keys json and yaml keep when `-c` chose them.
    columns: Vec<Column>,
    /// Whether `-c` chose the columns (json and yaml then keep only those keys).
    chosen: bool,
    /// The most items a list prints (`--limit`).
    limit: Option<usize>,
    /// Keeps only objects whose key equals the value (`--property key=value`).
    properties: Vec<(String, String)>,
    out: std::io::BufWriter<std::io::Stdout>,
    /// Display width the table fits in; `None` when stdout is not a terminal and `COLUMNS`
    /// is not set.
    width: Option<usize>,
    progress: Option<indicatif::ProgressBar>,
    /// Items of the pages that did not decode.
    rejected: usize,
}

impl Printer {
    /// A printer for `format` with these columns (`chosen` when `-c` named them).
    pub fn new(format: Format, columns: Vec<Column>, chosen: bool) -> Printer {
        let stdout = std::io::stdout();
        let width = if stdout.is_terminal() {
            console::Term::stdout()
                .size_checked()
                .map(|(_, cols)| usize::from(cols))
        } else {
            None
        }
        .or_else(|| std::env::var("COLUMNS").ok()?.trim().parse().ok())
        .filter(|w| *w >= 20);
        Printer {
            format,
            columns,
            chosen,
            limit: None,
            properties: Vec::new(),
            out: std::io::BufWriter::with_capacity(64 * 1024, stdout),
            width,
            progress: None,
            rejected: 0,
        }
    }

    /// Prints at most `limit` items of a list.
    pub fn limit(mut self, limit: Option<usize>) -> Printer {
        self.limit = limit;
        self
    }

    /// Prints only the items whose `key` is `value` (as text).
    pub fn properties(mut self, properties: Vec<(String, String)>) -> Printer {
        self.properties = properties;
        self
    }

    /// Shows a progress line on stderr while a list runs, when stderr is a terminal.
    pub fn progress(mut self, noun: &str) -> Printer {
        if std::io::stderr().is_terminal() {
            let bar = indicatif::ProgressBar::new_spinner();
            let template = format!("{{spinner}} {{pos}} {noun}, {{msg}}, {{per_sec}}");
            if let Ok(style) = indicatif::ProgressStyle::with_template(&template) {
                bar.set_style(style);
            }
            bar.set_message("0 pages");
            bar.enable_steady_tick(std::time::Duration::from_millis(200));
            self.progress = Some(bar);
        }
        self
    }

    /// Prints every page of a list as it arrives. Items that did not decode are reported on
    /// stderr (with their JSON path and id) and counted; the others are printed.
    pub async fn pages<T: Serialize + Send + 'static>(
        &mut self,
        pages: ims::paginate::Pages<T>,
    ) -> Result<(), Failure> {
        // With a client-side filter the limit counts what is printed, not what is fetched.
        let mut pages = match (self.limit, self.properties.is_empty()) {
            (Some(limit), true) => pages.max_items(limit),
            _ => pages,
        };
        let mut table = Table::default();
        let mut printed = 0usize;
        let mut started = false;
        let mut number = 0usize;
        while let Some(page) = pages.next().await {
            let page = page?;
            number += 1;
            for error in &page.rejected {
                self.rejected += 1;
                let message = format!("ims: skipped an image that could not be read: {error}");
                self.suspended(|| eprintln!("{}", escape(&message)));
            }
            let mut lines = Lines::default();
            for item in &page.items {
                if self.limit.is_some_and(|limit| printed >= limit) {
                    break;
                }
                let value = match self.needs_value() {
                    true => Some(serde_json::to_value(item).map_err(Failure::encode)?),
                    false => None,
                };
                if let Some(value) = &value
                    && !self.matches(value)
                {
                    continue;
                }
                printed += 1;
                self.list_item(item, value, started, &mut table, &mut lines)?;
                started = true;
            }
            self.table_rows(&mut table, &mut lines);
            self.write_lines(&lines)?;
            if let Some(bar) = &self.progress {
                bar.set_position(printed as u64);
                bar.set_message(format!(
                    "{number} page{}",
                    if number == 1 { "" } else { "s" }
                ));
            }
            if self.limit.is_some_and(|limit| printed >= limit) {
                break;
            }
        }
        if let Some(bar) = self.progress.take() {
            bar.finish_and_clear();
        }
        let mut lines = Lines::default();
        self.list_end(started, &mut table, &mut lines)?;
        self.write_lines(&lines)?;
        self.out.flush().map_err(Failure::Io)?;
        if self.rejected > 0 {
            return Err(Failure::Rejected(self.rejected));
        }
        Ok(())
    }

    /// Prints one object (`show`).
    pub fn one<T: Serialize>(&mut self, item: T) -> Result<(), Failure> {
        let value = serde_json::to_value(&item).map_err(Failure::encode)?;
        let value = self.keep_chosen(value);
        let mut text = String::new();
        match self.format {
            Format::Json => {
                text.push_str(&to_json(&value, true)?);
                text.push('\n');
            }
            Format::Ndjson => {
                text.push_str(&to_json(&value, false)?);
                text.push('\n');
            }
            Format::Yaml => text.push_str(&to_yaml(&value)?),
            Format::Value => {
                for (_, v) in fields(&value) {
                    text.push_str(&cell(Some(v)));
                    text.push('\n');
                }
            }
            Format::Csv => {
                text.push_str("Field,Value\n");
                for (k, v) in fields(&value) {
                    text.push_str(&format!(
                        "{},{}\n",
                        csv_cell(&escape(k)),
                        csv_cell(&cell(Some(v)))
                    ));
                }
            }
            Format::Table => {
                let mut table = Table {
                    columns: vec![Column::new("Field", ""), Column::new("Value", "")],
                    ..Table::default()
                };
                let rows: Vec<Vec<String>> = fields(&value)
                    .map(|(k, v)| vec![escape(k).into_owned(), cell(Some(v))])
                    .collect();
                table.layout(&rows, self.width, &[]);
                let mut lines = table.header();
                for row in &rows {
                    lines.extend(table.row(row));
                }
                lines.push(table.border());
                for line in lines {
                    text.push_str(&line);
                    text.push('\n');
                }
            }
        }
        self.out.write_all(text.as_bytes()).map_err(Failure::Io)?;
        self.out.flush().map_err(Failure::Io)
    }

    fn needs_value(&self) -> bool {
        !self.properties.is_empty()
            || self.chosen
            || !matches!(self.format, Format::Json | Format::Ndjson | Format::Yaml)
    }

    fn matches(&self, value: &Value) -> bool {
        self.properties
            .iter()
            .all(|(key, wanted)| match value.get(key) {
                Some(Value::String(s)) => s == wanted,
                Some(Value::Null) | None => false,
                Some(other) => cell(Some(other)) == *wanted,
            })
    }

    /// Only the keys `-c` chose, in its order, when it chose any.
    fn keep_chosen(&self, value: Value) -> Value {
        match (self.chosen, value) {
            (true, Value::Object(mut map)) => {
                let mut kept = Map::new();
                for column in &self.columns {
                    if let Some(v) = map.remove(&column.key) {
                        kept.insert(column.key.clone(), v);
                    }
                }
                Value::Object(kept)
            }
            (_, value) => value,
        }
    }

    fn list_item<T: Serialize>(
        &self,
        item: &T,
        value: Option<Value>,
        started: bool,
        table: &mut Table,
        lines: &mut Lines,
    ) -> Result<(), Failure> {
        match self.format {
            Format::Ndjson => match value {
                Some(value) => lines.json(&self.keep_chosen(value))?,
                None => lines.json(item)?,
            },
            Format::Json => {
                let text = match value {
                    Some(value) => to_json(&self.keep_chosen(value), true)?,
                    None => to_json(item, true)?,
                };
                let indented = text.replace('\n', "\n  ");
                lines.push(format!("{}  {indented}", if started { "," } else { "[" }));
            }
            Format::Yaml => {
                let value = match value {
                    Some(value) => self.keep_chosen(value),
                    None => serde_json::to_value(item).map_err(Failure::encode)?,
                };
                let text = to_yaml(&Value::Array(vec![value]))?;
                lines.push(text.trim_end());
            }
            Format::Csv | Format::Value | Format::Table => {
                let value = value.unwrap_or(Value::Null);
                let row: Vec<String> = self
                    .columns
                    .iter()
                    .map(|c| cell(value.get(&c.key)))
                    .collect();
                match self.format {
                    Format::Csv => {
                        if !started {
                            lines.push(csv_line(
                                self.columns.iter().map(|c| escape(&c.heading).into_owned()),
                            ));
                        }
                        lines.push(csv_line(row.into_iter()));
                    }
                    Format::Value => lines.push(row.join(" ")),
                    // Rows wait for the end of their page: the first page sets the widths.
                    _ => table.pending.push(row),
                }
            }
        }
        Ok(())
    }

    /// The table lines of the rows of a page; the first page's rows set the column widths.
    fn table_rows(&self, table: &mut Table, lines: &mut Lines) {
        if table.pending.is_empty() {
            return;
        }
        let rows = std::mem::take(&mut table.pending);
        if table.widths.is_empty() {
            table.columns = self.columns.clone();
            table.layout(&rows, self.width, &["id"]);
            lines.extend(table.header());
        }
        for row in &rows {
            lines.extend(table.row(row));
        }
    }

    /// What ends a list: the closing bracket, the table's bottom border, or the header of an
    /// empty table.
    fn list_end(&self, started: bool, table: &mut Table, lines: &mut Lines) -> Result<(), Failure> {
        match (self.format, started) {
            (Format::Json, true) => lines.push("]"),
            (Format::Json, false) => lines.push("[]"),
            (Format::Yaml, false) => lines.push("[]"),
            (Format::Csv, false) => lines.push(csv_line(
                self.columns.iter().map(|c| escape(&c.heading).into_owned()),
            )),
            (Format::Table, false) => {
                table.columns = self.columns.clone();
                table.layout(&[], self.width, &["id"]);
                lines.extend(table.header());
                lines.push(table.border());
            }
            (Format::Table, true) => lines.push(table.border()),
            _ => {}
        }
        Ok(())
    }

    fn write_lines(&mut self, lines: &Lines) -> Result<(), Failure> {
        if lines.0.is_empty() {
            return Ok(());
        }
        let mut result = Ok(());
        let out = &mut self.out;
        let mut write = || -> std::io::Result<()> {
            out.write_all(&lines.0)?;
            out.flush()
        };
        match &self.progress {
            Some(bar) => bar.suspend(|| result = write()),
            None => result = write(),
        }
        result.map_err(Failure::Io)
    }

    fn suspended(&self, f: impl FnOnce()) {
        match &self.progress {
            Some(bar) => bar.suspend(f),
            None => f(),
        }
    }
}

/// The text of a page, line by line, written out at once when the page is done.
#[derive(Default)]
struct Lines(Vec<u8>);

impl Lines {
    fn push(&mut self, line: impl AsRef<str>) {
        self.0.extend_from_slice(line.as_ref().as_bytes());
        self.0.push(b'\n');
    }

    fn extend(&mut self, lines: impl IntoIterator<Item = String>) {
        for line in lines {
            self.push(line);
        }
    }

    /// One line of compact JSON, written straight into the page's text.
    fn json<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Failure> {
        write_json(&mut self.0, value, false)?;
        self.0.push(b'\n');
        Ok(())
    }
}

/// The keys and values of an object in key order (so `show` reads like `openstack image show`).
fn fields(value: &Value) -> impl Iterator<Item = (&String, &Value)> {
    let mut entries: Vec<(&String, &Value)> = match value {
        Value::Object(map) => map.iter().collect(),
        _ => Vec::new(),
    };
    entries.sort_by(|a, b| a.0.cmp(b.0));
    entries.into_iter()
}

/// A value as one cell: text escaped, lists of text joined with `, `, other values as JSON.
pub fn cell(value: Option<&Value>) -> String {
    match value {
        None => String::new(),
        Some(Value::Null) => "null".into(),
        Some(Value::String(s)) => escape(s).into_owned(),
        Some(Value::Array(items)) if items.iter().all(|i| !i.is_object() && !i.is_array()) => items
            .iter()
            .map(|i| cell(Some(i)))
            .collect::<Vec<_>>()
            .join(", "),
        Some(other) => escape(&other.to_string()).into_owned(),
    }
}

/// Whether `c` must not reach a terminal raw: control characters (C0, DEL, C1) and the
/// characters that reorder text (bidirectional controls).
fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// A quick byte test that is true for every text holding a character of [`is_unsafe`]:
/// those are C0 and DEL (bytes below 0x20 and 0x7f) or begin with the lead bytes 0xc2 (C1),
/// 0xd8 (U+061C) or 0xe2 (the U+200E..U+2069 controls). Most text has none of these bytes.
fn may_hold_unsafe(text: &str) -> bool {
    text.bytes()
        .any(|b| b < 0x20 || b == 0x7f || b == 0xc2 || b == 0xd8 || b == 0xe2)
}

/// Service text made safe for a terminal: `\n`, `\r`, `\t` and `\u{..}` in place of the
/// characters of [`is_unsafe`]. Text without them is returned as it is.
pub fn escape(text: &str) -> Cow<'_, str> {
    if !may_hold_unsafe(text) || !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if is_unsafe(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

fn csv_cell(text: &str) -> String {
    if text.contains([',', '"']) || text.starts_with(' ') || text.ends_with(' ') {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

fn csv_line(cells: impl Iterator<Item = String>) -> String {
    cells.map(|c| csv_cell(&c)).collect::<Vec<_>>().join(",")
}

/// JSON with the characters of [`is_unsafe`] written as `\u` escapes (serde_json escapes C0
/// itself; DEL, C1 and the bidirectional controls it writes raw).
fn to_json<T: Serialize + ?Sized>(value: &T, pretty: bool) -> Result<String, Failure> {
    let mut bytes = Vec::with_capacity(1024);
    write_json(&mut bytes, value, pretty)?;
    String::from_utf8(bytes).map_err(|e| Failure::encode(e.to_string()))
}

/// Appends `value` as JSON (pretty or compact) to `out`, through [`SafeFormatter`].
fn write_json<T: Serialize + ?Sized>(
    out: &mut Vec<u8>,
    value: &T,
    pretty: bool,
) -> Result<(), Failure> {
    if pretty {
        let formatter = SafeFormatter(serde_json::ser::PrettyFormatter::new());
        value.serialize(&mut serde_json::Serializer::with_formatter(out, formatter))
    } else {
        let formatter = SafeFormatter(serde_json::ser::CompactFormatter);
        value.serialize(&mut serde_json::Serializer::with_formatter(out, formatter))
    }
    .map_err(Failure::encode)
}

fn to_yaml(value: &Value) -> Result<String, Failure> {
    serde_norway::to_string(value).map_err(Failure::encode)
}

/// A serde_json formatter that escapes the characters of [`is_unsafe`] inside strings.
struct SafeFormatter<F>(F);

impl<F: serde_json::ser::Formatter> serde_json::ser::Formatter for SafeFormatter<F> {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        if !may_hold_unsafe(fragment) {
            return writer.write_all(fragment.as_bytes());
        }
        for c in fragment.chars() {
            if is_unsafe(c) {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    write!(writer, "\\u{unit:04x}")?;
                }
            } else {
                let mut buf = [0u8; 4];
                writer.write_all(c.encode_utf8(&mut buf).as_bytes())?;
            }
        }
        Ok(())
    }
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object_value(w)
    }
}

/// Display width of already escaped text.
fn width(text: &str) -> usize {
    text.chars().map(|c| c.width().unwrap_or(0)).sum()
}

/// A bordered table whose column widths are set by its first rows, so that later rows can be
/// printed as they arrive; on a terminal a cell wider than its column wraps onto more lines.
#[derive(Default)]
struct Table {
    columns: Vec<Column>,
    /// Set by [`Table::layout`]; empty before.
    widths: Vec<usize>,
    /// Rows of the current page, not yet printed.
    pending: Vec<Vec<String>>,
    /// Whether a cell wider than its column wraps (on a terminal); otherwise it is printed
    /// whole and pushes the rest of its line right, so that a pipe gets every cell on one line.
    wrap: bool,
}

impl Table {
    /// Sets the widths from the headings and `rows`, then narrows them to fit `max` (the
    /// widest column first, the columns keyed by `keep` last).
    fn layout(&mut self, rows: &[Vec<String>], max: Option<usize>, keep: &[&str]) {
        self.widths = self
            .columns
            .iter()
            .enumerate()
            .map(|(i, c)| {
                rows.iter()
                    .filter_map(|r| r.get(i))
                    .map(|s| width(s))
                    .chain([width(&c.heading)])
                    .max()
                    .unwrap_or(0)
                    .max(1)
            })
            .collect();
        self.wrap = max.is_some();
        let Some(max) = max else { return };
        let frame = 3 * self.columns.len() + 1;
        let available = max.saturating_sub(frame).max(self.columns.len() * 3);
        const NARROWEST: usize = 3;
        while self.widths.iter().sum::<usize>() > available {
            let kept = |i: usize| keep.contains(&self.columns[i].key.as_str());
            let widest = (0..self.widths.len())
                .filter(|&i| self.widths[i] > NARROWEST)
                .max_by_key(|&i| (!kept(i), self.widths[i], i));
            match widest {
                Some(i) => self.widths[i] -= 1,
                None => break,
            }
        }
    }

    fn border(&self) -> String {
        let mut line = String::from("+");
        for w in &self.widths {
            line.push_str(&"-".repeat(w + 2));
            line.push('+');
        }
        line
    }

    fn header(&self) -> Vec<String> {
        let headings: Vec<String> = self
            .columns
            .iter()
            .map(|c| escape(&c.heading).into_owned())
            .collect();
        let mut lines = vec![self.border()];
        lines.extend(self.row(&headings));
        lines.push(self.border());
        lines
    }

    /// The lines of one row: each cell cut into pieces of its column's width.
    fn row(&self, cells: &[String]) -> Vec<String> {
        let pieces: Vec<Vec<String>> = cells
            .iter()
            .zip(&self.widths)
            .map(|(cell, w)| match self.wrap {
                true => wrap(cell, *w),
                false => vec![cell.clone()],
            })
            .collect();
        let height = pieces.iter().map(Vec::len).max().unwrap_or(1).max(1);
        (0..height)
            .map(|line| {
                let mut text = String::from("|");
                for (piece, w) in pieces.iter().zip(&self.widths) {
                    let part = piece.get(line).map(String::as_str).unwrap_or("");
                    text.push(' ');
                    text.push_str(part);
                    text.push_str(&" ".repeat(w.saturating_sub(width(part)) + 1));
                    text.push('|');
                }
                text
            })
            .collect()
    }
}

/// `text` cut into pieces at most `max` columns wide (a character wider than `max` gets a
/// piece of its own).
fn wrap(text: &str, max: usize) -> Vec<String> {
    let mut pieces = vec![String::new()];
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > max && used > 0 {
            pieces.push(String::new());
            used = 0;
        }
        pieces.last_mut().expect("never empty").push(c);
        used += w;
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_controls_and_bidi_but_not_other_text() {
        assert_eq!(escape("plain Überimage 東京"), "plain Überimage 東京");
        assert_eq!(
            escape("a\u{1b}[31mred\nx\u{0}"),
            "a\\u{1b}[31mred\\nx\\u{0}"
        );
        assert_eq!(
            escape("evil\u{202e}txt.exe\u{9b}"),
            "evil\\u{202e}txt.exe\\u{9b}"
        );
    }

    #[test]
    fn the_quick_byte_test_misses_no_unsafe_character() {
        for c in (0..=0x10ffff)
            .filter_map(char::from_u32)
            .filter(|c| is_unsafe(*c))
        {
            assert!(may_hold_unsafe(&c.to_string()), "{c:?}");
        }
        assert!(!may_hold_unsafe("plain Überimage 東京 café"));
    }

    #[test]
    fn json_escapes_what_serde_json_writes_raw() {
        let text = to_json(&serde_json::json!({"name": "a\u{9b}b\u{7f}\u{1b}"}), false).unwrap();
        assert_eq!(text, r#"{"name":"a\u009bb\u007f\u001b"}"#);
        let back: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back["name"], "a\u{9b}b\u{7f}\u{1b}");
    }

    #[test]
    fn wide_characters_wrap_by_display_width() {
        assert_eq!(wrap("東京東京", 4), ["東京", "東京"]);
        assert_eq!(wrap("abcdef", 4), ["abcd", "ef"]);
        assert_eq!(width("東京a"), 5);
    }

    #[test]
    fn the_table_narrows_other_columns_before_the_id() {
        let mut table = Table {
            columns: list_columns(false),
            ..Table::default()
        };
        let row = vec!["0".repeat(36), "n".repeat(60), "deactivated".into()];
        table.layout(std::slice::from_ref(&row), Some(80), &["id"]);
        assert_eq!(table.widths[0], 36);
        assert_eq!(table.widths[2], 11);
        assert_eq!(table.border().chars().count(), 80);
        for line in table.row(&row) {
            assert_eq!(width(&line), 80, "{line}");
        }
    }
}
