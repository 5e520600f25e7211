//! Turns the block stream of either format into the [`DocPage`] model: which tables are
//! parameters, response fields or statuses; which code blocks are example requests/responses.

use super::blocks::{Block, Table};
use super::model::{
    DocEndpoint, DocField, DocPage, DocParam, DocStatus, ExampleRequest, ExampleResponse, PageKind,
    ParamLocation,
};
use super::{ErrorKind, ParseError};

const METHODS: [&str; 7] = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

/// What a heading or list item introduces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    Other,
    Function,
    Uri,
    Request,
    Response,
    ExampleRequest,
    ExampleResponse,
    Returned,
    CommonQuery,
}

fn classify(heading: &str) -> Section {
    let h = heading.to_lowercase();
    let has = |w: &str| h.contains(w);
    if has("example") || has("sample") {
        if has("request") {
            return Section::ExampleRequest;
        }
        if has("response") {
            return Section::ExampleResponse;
        }
    }
    if has("common query") {
        Section::CommonQuery
    } else if has("returned value") || has("status code") || has("error code") {
        Section::Returned
    } else if h == "uri" || h.starts_with("uri ") {
        Section::Uri
    } else if has("request") {
        Section::Request
    } else if has("response") {
        Section::Response
    } else if has("function") || has("constraint") || h == "description" || h == "overview" {
        Section::Function
    } else {
        Section::Other
    }
}

/// Builds the page model from its blocks.
pub(super) fn interpret(file: &str, blocks: &[Block]) -> Result<DocPage, ParseError> {
    let mut it = Interp {
        file,
        page: DocPage {
            file: file.to_string(),
            title: String::new(),
            deprecated: false,
            endpoints: Vec::new(),
            params: Vec::new(),
            fields: Vec::new(),
            example_requests: Vec::new(),
            example_responses: Vec::new(),
            error_statuses: Vec::new(),
            kind: PageKind::Operation,
            attributes: Vec::new(),
        },
        tables: 0,
        has_title: false,
        section: String::new(),
        items: Vec::new(),
        pending_status: None,
    };
    for block in blocks {
        it.block(block)?;
    }
    it.flush_status();
    if !it.has_title {
        return Err(ParseError::new(file, 0, ErrorKind::NoTitle));
    }
    let tables = it.tables;
    let mut page = it.page;
    if page.endpoints.is_empty() {
        if page.attributes.is_empty() {
            return Err(ParseError::new(file, 0, ErrorKind::NoOperation));
        }
        page.kind = PageKind::Attributes;
    }
    let rows =
        page.params.len() + page.fields.len() + page.error_statuses.len() + page.attributes.len();
    if tables > 0 && rows == 0 {
        return Err(ParseError::new(file, 0, ErrorKind::NoRows(tables)));
    }
    let endpoints = &page.endpoints;
    for p in &mut page.params {
        let placeholder = format!("{{{}}}", p.name);
        if p.table.to_lowercase().contains("path param")
            || endpoints.iter().any(|e| e.path.contains(&placeholder))
        {
            p.location = ParamLocation::Path;
        }
    }
    Ok(page)
}

struct Interp<'a> {
    file: &'a str,
    page: DocPage,
    /// Tables seen.
    tables: usize,
    has_title: bool,
    /// The current section heading (after the title).
    section: String,
    /// Labels of the open list items, outermost first.
    items: Vec<String>,
    /// A status line (status, line) waiting for its body.
    pending_status: Option<(u16, usize)>,
}

impl Interp<'_> {
    fn err(&self, line: usize, kind: ErrorKind) -> ParseError {
        ParseError::new(self.file, line, kind)
    }

    /// The innermost list item with a short label that names a section kind, else the heading.
    fn context(&self) -> Section {
        self.items
            .iter()
            .rev()
            .filter(|l| !l.is_empty() && l.split_whitespace().count() <= 4)
            .map(|l| classify(l))
            .find(|s| *s != Section::Other)
            .unwrap_or_else(|| classify(&self.section))
    }

    /// Caption for a table the page leaves uncaptioned: the nearest item label or heading.
    fn context_label(&self) -> String {
        self.items
            .iter()
            .rev()
            .find(|l| !l.is_empty())
            .unwrap_or(&self.section)
            .clone()
    }

    fn check_deprecated(&mut self, text: &str) {
        let t = text.to_lowercase();
        if ["discarded", "abandoned", "deprecated", "obsolete"]
            .iter()
            .any(|w| t.contains(w))
        {
            self.page.deprecated = true;
        }
    }

    fn block(&mut self, block: &Block) -> Result<(), ParseError> {
        match block {
            Block::Heading { text, .. } => {
                self.flush_status();
                if self.has_title {
                    self.section = text.clone();
                    self.items.clear();
                } else {
                    self.has_title = true;
                    self.page.title = text.clone();
                    self.check_deprecated(text);
                }
            }
            Block::ItemStart { label, .. } => {
                self.flush_status();
                if classify(&self.section) == Section::Function {
                    self.check_deprecated(label);
                }
                self.items.push(label.clone());
            }
            Block::ItemEnd => {
                self.flush_status();
                self.items.pop();
            }
            Block::Paragraph { text, line } => self.paragraph(text, *line)?,
            Block::Code { lines, line } => self.code(lines, *line)?,
            Block::Table(table) => self.table(table)?,
        }
        Ok(())
    }

    fn paragraph(&mut self, text: &str, line: usize) -> Result<(), ParseError> {
        if classify(&self.section) == Section::Function {
            self.check_deprecated(text);
        }
        match self.context() {
            Section::Uri => {
                for (k, l) in text.lines().enumerate() {
                    if let Some(ep) = self.endpoint(l, line + k)? {
                        self.page.endpoints.push(ep);
                    }
                }
            }
            Section::CommonQuery => {
                for (k, l) in text.lines().enumerate() {
                    if let Some(req) = self.request(l, line + k, "common query")? {
                        self.page.example_requests.push(req);
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// `GET /v2/{project_id}/images/detail{?name,status}` → endpoint; other lines → None.
    fn endpoint(&self, text: &str, line: usize) -> Result<Option<DocEndpoint>, ParseError> {
        let Some((method, rest)) = text.trim().split_once(char::is_whitespace) else {
            return Ok(None);
        };
        let rest = rest.trim();
        if !METHODS.contains(&method) || !rest.starts_with('/') {
            return Ok(None);
        }
        // Without a `{?...}` template the path ends at the first space.
        let target = if rest.contains("{?") {
            rest
        } else {
            rest.split_whitespace().next().unwrap_or(rest)
        };
        let bad = || self.err(line, ErrorKind::Endpoint(text.trim().into()));
        let (path, query_template) = if let Some(pos) = target.find("{?") {
            let names = target[pos + 2..]
                .strip_suffix('}')
                .filter(|n| !n.contains(['{', '}']))
                .ok_or_else(bad)?;
            let names = names
                .split(',')
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .map(str::to_string)
                .collect();
            (&target[..pos], names)
        } else if let Some((path, query)) = target.split_once('?') {
            // A literal query: `?name={name}&status={status}`; the keys are the names.
            let mut names = Vec::new();
            for pair in query.split('&').filter(|p| !p.is_empty()) {
                let key = pair.split_once('=').map_or(pair, |(k, _)| k).trim();
                let valid = !key.is_empty()
                    && key
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ':'));
                if !valid {
                    return Err(bad());
                }
                names.push(key.to_string());
            }
            (path, names)
        } else {
            (target, Vec::new())
        };
        Ok(Some(DocEndpoint {
            method: method.to_string(),
            path: path.to_string(),
            query_template,
            line,
        }))
    }

    /// `GET https://{Endpoint}/v2/images?a=1&b=2` → request; lines without a method → None.
    fn request(
        &self,
        text: &str,
        line: usize,
        kind: &str,
    ) -> Result<Option<ExampleRequest>, ParseError> {
        let mut words = text.split_whitespace();
        let Some(method) = words.next().filter(|m| METHODS.contains(m)) else {
            return Ok(None);
        };
        let bad = || self.err(line, ErrorKind::ExampleRequest(text.trim().into()));
        let url = words.next().ok_or_else(bad)?;
        let target = if let Some(rest) = url
            .strip_prefix("https://")
            .or_else(|| url.strip_prefix("http://"))
        {
            rest.find('/').map_or("/", |p| &rest[p..])
        } else if url.len() >= 10
            && url.is_char_boundary(10)
            && url[..10].eq_ignore_ascii_case("{endpoint}")
        {
            &url[10..]
        } else {
            url
        };
        if !target.starts_with('/') {
            return Err(bad());
        }
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        let query = query
            .split('&')
            .filter(|kv| !kv.is_empty())
            .map(|kv| {
                let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
                (k.to_string(), v.to_string())
            })
            .collect();
        Ok(Some(ExampleRequest {
            method: method.to_string(),
            path: path.to_string(),
            query,
            kind: kind.to_string(),
            line,
        }))
    }

    fn code(&mut self, lines: &[String], line: usize) -> Result<(), ParseError> {
        match self.context() {
            Section::ExampleRequest => {
                let mut found = false;
                for (k, l) in lines.iter().enumerate() {
                    if let Some(req) = self.request(l, line + k, "example")? {
                        self.page.example_requests.push(req);
                        found = true;
                    }
                }
                if !found {
                    let text = lines.first().map_or("", |l| l.trim());
                    return Err(self.err(line, ErrorKind::ExampleRequest(text.into())));
                }
            }
            Section::ExampleResponse => self.response_block(lines, line)?,
            _ => {}
        }
        Ok(())
    }

    /// A code block of an example response: optional status line, header lines, JSON body.
    fn response_block(&mut self, lines: &[String], line: usize) -> Result<(), ParseError> {
        let mut k = 0;
        let skip_blank = |k: &mut usize| {
            while lines.get(*k).is_some_and(|l| l.trim().is_empty()) {
                *k += 1;
            }
        };
        skip_blank(&mut k);
        if let Some(status) = lines.get(k).and_then(|l| status_line(l)) {
            self.flush_status();
            self.pending_status = Some((status, line + k));
            k += 1;
            skip_blank(&mut k);
        }
        let mut headers = Vec::new();
        while let Some((name, value)) = lines.get(k).and_then(|l| header_line(l)) {
            headers.push((name, value));
            k += 1;
        }
        skip_blank(&mut k);
        if k >= lines.len() {
            if !headers.is_empty() {
                let (status, status_line) = self.pending_status.take().unwrap_or((200, line));
                self.page.example_responses.push(ExampleResponse {
                    status,
                    headers,
                    body: serde_json::Value::Null,
                    line: status_line,
                });
            }
            return Ok(());
        }
        let body_line = line + k;
        let text = lines[k..].join("\n");
        let body: serde_json::Value = serde_json::from_str(&text)
            .map_err(|e| self.err(body_line + e.line().saturating_sub(1), ErrorKind::Json(e)))?;
        let status = self.pending_status.take().map_or(200, |(s, _)| s);
        self.page.example_responses.push(ExampleResponse {
            status,
            headers,
            body,
            line: body_line,
        });
        Ok(())
    }

    /// A status line without a body: an example response with a null body.
    fn flush_status(&mut self) {
        if let Some((status, line)) = self.pending_status.take() {
            self.page.example_responses.push(ExampleResponse {
                status,
                headers: Vec::new(),
                body: serde_json::Value::Null,
                line,
            });
        }
    }

    fn table(&mut self, t: &Table) -> Result<(), ParseError> {
        self.tables += 1;
        let cols = Columns::of(&t.header);
        let ctx = self.context();
        let caption = t.caption.clone().unwrap_or_else(|| self.context_label());
        if cols.is_status_table(ctx, t) {
            for row in &t.rows {
                let cell = row.cells.first().map_or("", String::as_str);
                let digits: String = cell
                    .trim()
                    .chars()
                    .take_while(char::is_ascii_digit)
                    .collect();
                let status = digits
                    .parse::<u16>()
                    .ok()
                    .filter(|s| (100..=599).contains(s) && digits.len() == 3)
                    .ok_or_else(|| self.err(row.line, ErrorKind::Status(cell.into())))?;
                self.page.error_statuses.push(DocStatus {
                    status,
                    description: row.cells.get(1).cloned().unwrap_or_default(),
                    line: row.line,
                });
            }
            return Ok(());
        }
        let Some(name_col) = cols.name else {
            return Ok(());
        };
        let cell = |row: &super::blocks::Row, col: Option<usize>| -> Option<String> {
            col.map(|c| row.cells.get(c).cloned().unwrap_or_default())
        };
        let notes = |row: &super::blocks::Row| -> Vec<String> {
            cols.description
                .and_then(|c| row.notes.get(c).cloned())
                .unwrap_or_default()
        };
        match ctx {
            Section::Uri | Section::Request if cols.mandatory.is_some() => {
                for row in &t.rows {
                    let name = self.row_name(row, name_col)?;
                    let required = self.mandatory(row, cols.mandatory)?.unwrap_or(false);
                    self.page.params.push(DocParam {
                        name,
                        location: ParamLocation::Query,
                        required,
                        ty: cell(row, cols.ty),
                        description: cell(row, cols.description).unwrap_or_default(),
                        notes: notes(row),
                        table: caption.clone(),
                        line: row.line,
                    });
                }
            }
            Section::Response if cols.ty.is_some() => {
                let parent = parent_of(&caption);
                for row in &t.rows {
                    self.page.fields.push(DocField {
                        name: self.row_name(row, name_col)?,
                        ty: cell(row, cols.ty).unwrap_or_default(),
                        parent: parent.clone(),
                        required: self.mandatory(row, cols.mandatory)?,
                        description: cell(row, cols.description).unwrap_or_default(),
                        notes: notes(row),
                        table: caption.clone(),
                        line: row.line,
                    });
                }
            }
            Section::Other
                if cols.ty.is_some()
                    && cols.mandatory.is_none()
                    && self.section.to_lowercase().contains("attribute") =>
            {
                for row in &t.rows {
                    self.page.attributes.push(DocField {
                        name: self.row_name(row, name_col)?,
                        ty: cell(row, cols.ty).unwrap_or_default(),
                        parent: None,
                        required: None,
                        description: cell(row, cols.description).unwrap_or_default(),
                        notes: notes(row),
                        table: caption.clone(),
                        line: row.line,
                    });
                }
            }
            Section::Uri | Section::Request | Section::Response => {
                return Err(self.err(t.line, ErrorKind::UnreadTable(caption)));
            }
            _ => {}
        }
        Ok(())
    }

    fn row_name(&self, row: &super::blocks::Row, col: usize) -> Result<String, ParseError> {
        let name = row
            .cells
            .get(col)
            .and_then(|c| c.lines().next())
            .map(str::trim)
            .unwrap_or("");
        if name.is_empty() {
            return Err(self.err(row.line, ErrorKind::EmptyName));
        }
        Ok(name.to_string())
    }

    fn mandatory(
        &self,
        row: &super::blocks::Row,
        col: Option<usize>,
    ) -> Result<Option<bool>, ParseError> {
        let Some(col) = col else { return Ok(None) };
        let cell = row.cells.get(col).map_or("", |c| c.trim());
        match cell.to_lowercase().as_str() {
            "yes" | "y" | "true" | "mandatory" | "required" => Ok(Some(true)),
            "no" | "n" | "false" | "optional" => Ok(Some(false)),
            _ => Err(self.err(row.line, ErrorKind::Mandatory(cell.into()))),
        }
    }
}

/// Which column holds what, from the header row.
#[derive(Debug, Default)]
struct Columns {
    name: Option<usize>,
    mandatory: Option<usize>,
    ty: Option<usize>,
    description: Option<usize>,
    first: String,
}

impl Columns {
    fn of(header: &[String]) -> Self {
        let mut cols = Columns {
            first: header.first().map(|h| h.to_lowercase()).unwrap_or_default(),
            ..Columns::default()
        };
        for (i, h) in header.iter().enumerate() {
            let h = h.trim().to_lowercase();
            let slot = match h.as_str() {
                "parameter" | "parameters" | "parameter name" | "name" | "field" | "field name"
                | "attribute" => &mut cols.name,
                "mandatory" | "required" | "is required" => &mut cols.mandatory,
                "type" | "data type" | "parameter type" => &mut cols.ty,
                "description" | "desc" | "remarks" => &mut cols.description,
                _ => continue,
            };
            slot.get_or_insert(i);
        }
        cols
    }

    fn is_status_table(&self, ctx: Section, t: &Table) -> bool {
        let f = &self.first;
        let named = [
            "returned value",
            "status code",
            "http status",
            "return code",
        ]
        .iter()
        .any(|w| f.contains(w));
        let numeric_first = t.rows.first().is_some_and(|r| {
            r.cells.first().is_some_and(|c| {
                c.trim().chars().take(3).all(|ch| ch.is_ascii_digit()) && c.len() >= 3
            })
        });
        named || (ctx == Section::Returned && self.name.is_none() && numeric_first)
    }
}

/// The field a nested table describes, from its caption: "... of the X field",
/// "X parameter description".
fn parent_of(caption: &str) -> Option<String> {
    const NOUNS: [&str; 7] = [
        "field",
        "parameter",
        "object",
        "attribute",
        "structure",
        "array",
        "element",
    ];
    const GENERIC: [&str; 14] = [
        "parameter",
        "parameters",
        "response",
        "request",
        "query",
        "path",
        "uri",
        "field",
        "fields",
        "header",
        "body",
        "data",
        "structure",
        "the",
    ];
    let mut words: Vec<&str> = caption.split_whitespace().collect();
    if words.len() >= 2
        && words[0].eq_ignore_ascii_case("table")
        && words[1].chars().all(|c| c.is_ascii_digit())
    {
        words.drain(..2);
    }
    let lower: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
    let is_noun = |w: &str| {
        NOUNS
            .iter()
            .any(|n| w == *n || w.strip_suffix('s') == Some(n))
    };
    let mut candidate = None;
    if let Some(of) = lower.iter().rposition(|w| w == "of") {
        let mut rest = &words[of + 1..];
        if rest.first().is_some_and(|w| w.eq_ignore_ascii_case("the")) {
            rest = &rest[1..];
        }
        if rest.len() == 1 || (rest.len() == 2 && is_noun(&rest[1].to_lowercase())) {
            candidate = rest.first().copied();
        }
    } else if (words.len() == 3 && is_noun(&lower[1]) && lower[2].starts_with("description"))
        || (words.len() == 2 && is_noun(&lower[1]))
    {
        candidate = Some(words[0]);
    }
    let name = candidate?.trim_matches(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'));
    (!name.is_empty() && !GENERIC.contains(&name.to_lowercase().as_str())).then(|| name.to_string())
}

/// `STATUS CODE 200`, `Status code: 200`, `HTTP/1.1 200 OK` → the status.
fn status_line(line: &str) -> Option<u16> {
    let lower = line.trim().to_ascii_lowercase();
    let number = if let Some(rest) = lower.strip_prefix("status code") {
        rest.trim_start_matches([':', ' '])
            .split_whitespace()
            .next()
    } else if lower.starts_with("http/") {
        lower.split_whitespace().nth(1)
    } else {
        None
    }?;
    number.parse().ok().filter(|s| (100..=599).contains(s))
}

/// `Content-Type: application/json` → (name, value).
fn header_line(line: &str) -> Option<(String, String)> {
    let (name, value) = line.trim().split_once(':')?;
    let ok = !name.is_empty()
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    ok.then(|| (name.to_string(), value.trim().to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::docs::blocks::Row;

    fn para(text: &str, line: usize) -> Block {
        Block::Paragraph {
            text: text.into(),
            line,
        }
    }

    fn heading(text: &str, level: u8) -> Block {
        Block::Heading {
            level,
            text: text.into(),
            line: 1,
        }
    }

    fn code(lines: &[&str], line: usize) -> Block {
        Block::Code {
            lines: lines.iter().map(|l| l.to_string()).collect(),
            line,
        }
    }

    #[test]
    fn literal_query_strings_on_uri_lines_are_split() {
        let blocks = [
            heading("T", 1),
            heading("URI", 2),
            para(
                "GET /v2/{project_id}/images/detail?name={name}&changes-since={changes-since}&minDisk={inDisk}",
                4,
            ),
        ];
        let page = interpret("p.rst", &blocks).expect("interprets");
        let ep = &page.endpoints[0];
        assert_eq!(ep.path, "/v2/{project_id}/images/detail");
        assert_eq!(ep.query_template, ["name", "changes-since", "minDisk"]);
        let bad = [
            heading("T", 1),
            heading("URI", 2),
            para("GET /v2/x?{oops}=1", 4),
        ];
        let err = interpret("p.rst", &bad).expect_err("bad query");
        assert!(matches!(err.kind, ErrorKind::Endpoint(_)), "{err}");
    }

    #[test]
    fn captions_name_parents() {
        assert_eq!(
            parent_of("Table 2 Data structure description of the images field").as_deref(),
            Some("images")
        );
        assert_eq!(
            parent_of("Table 5 links parameter description").as_deref(),
            Some("links")
        );
        assert_eq!(
            parent_of("Table 5 links parameters").as_deref(),
            Some("links")
        );
        assert_eq!(parent_of("Table 2 Query parameters"), None);
        assert_eq!(parent_of("Table 1 Parameter description"), None);
        assert_eq!(parent_of("Table 4 Response parameters"), None);
        assert_eq!(parent_of("Response parameters"), None);
        assert_eq!(
            parent_of("Mapping relationship of image status in Nova and Glance"),
            None
        );
    }

    #[test]
    fn status_header_and_body_are_split() {
        let blocks = [
            heading("T", 1),
            heading("URI", 2),
            para("GET /v2/x", 2),
            heading("Response", 2),
            Block::ItemStart {
                label: "Example response".into(),
                line: 3,
            },
            code(&["HTTP/1.1 200 OK"], 5),
            code(
                &[
                    "Content-Type: application/json; charset=UTF-8",
                    "X-Openstack-Request-Id: req-1",
                    "{",
                    "  \"images\": [],",
                    "  \"a\": \"b: c\"",
                    "}",
                ],
                9,
            ),
            Block::ItemEnd,
        ];
        let page = interpret("p.md", &blocks).expect("interprets");
        assert_eq!(page.example_responses.len(), 1);
        let r = &page.example_responses[0];
        assert_eq!(r.status, 200);
        assert_eq!(
            r.headers,
            [
                (
                    "Content-Type".to_string(),
                    "application/json; charset=UTF-8".to_string()
                ),
                ("X-Openstack-Request-Id".to_string(), "req-1".to_string())
            ]
        );
        assert_eq!(r.body["a"], "b: c");
        assert_eq!(r.line, 11);
    }

    #[test]
    fn status_only_and_body_only_responses() {
        let blocks = [
            heading("T", 1),
            heading("URI", 2),
            para("GET /v2/x", 2),
            heading("Example Response", 2),
            code(&["STATUS CODE 201"], 3),
            heading("Other", 2),
            heading("Example Response", 2),
            code(&["[1, 2]"], 9),
        ];
        let page = interpret("p.md", &blocks).expect("interprets");
        let r = &page.example_responses;
        assert_eq!(r.len(), 2);
        assert_eq!(
            (r[0].status, r[0].body.is_null(), r[0].line),
            (201, true, 3)
        );
        assert_eq!(
            (r[1].status, r[1].body.clone(), r[1].line),
            (200, serde_json::json!([1, 2]), 9)
        );
    }

    #[test]
    fn bad_json_names_the_line() {
        let blocks = [
            heading("T", 1),
            heading("Example Response", 2),
            code(&["STATUS CODE 200", "{", "  \"a\": 1,", "  oops", "}"], 10),
        ];
        let err = interpret("p.md", &blocks).expect_err("bad json");
        assert_eq!(err.file, "p.md");
        assert_eq!(err.line, 13);
        assert!(matches!(err.kind, ErrorKind::Json(_)));
    }

    #[test]
    fn endpoints_requests_and_params() {
        let table = Table {
            caption: Some("Table 1 Parameter description".into()),
            header: vec![
                "Parameter".into(),
                "Mandatory".into(),
                "Type".into(),
                "Description".into(),
            ],
            rows: vec![
                Row {
                    cells: vec![
                        "image_id".into(),
                        "Yes".into(),
                        "String".into(),
                        "Image ID.".into(),
                    ],
                    notes: vec![Vec::new(); 4],
                    line: 20,
                },
                Row {
                    cells: vec!["tag".into(), "No".into(), "String".into(), "A\nB".into()],
                    notes: vec![Vec::new(); 4],
                    line: 25,
                },
            ],
            line: 18,
        };
        let blocks = [
            heading("T", 1),
            heading("URI", 2),
            para("GET /v2/images/{image_id}{?tag, limit}", 5),
            para("Some text mentioning GET requests.", 6),
            Block::Table(table),
            heading("Common Query Methods", 2),
            para("GET /v2/images?tag=a=b&owner={project_id}&flag", 30),
            heading("Example request", 2),
            code(
                &[
                    "GET https://{Endpoint}/v2/images/x?limit=1",
                    "",
                    "GET {endpoint}/v2/y",
                ],
                40,
            ),
        ];
        let page = interpret("p.md", &blocks).expect("interprets");
        let ep = &page.endpoints;
        assert_eq!(ep.len(), 1);
        assert_eq!(
            (ep[0].method.as_str(), ep[0].path.as_str()),
            ("GET", "/v2/images/{image_id}")
        );
        assert_eq!(ep[0].query_template, ["tag", "limit"]);
        let p = &page.params;
        assert_eq!(p.len(), 2);
        assert_eq!((p[0].location, p[0].required), (ParamLocation::Path, true));
        assert_eq!(
            (p[1].location, p[1].required),
            (ParamLocation::Query, false)
        );
        assert_eq!(p[1].description, "A\nB");
        let r = &page.example_requests;
        assert_eq!(r.len(), 3);
        assert_eq!(r[0].kind, "common query");
        let q: Vec<(&str, &str)> = r[0]
            .query
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(q, [("tag", "a=b"), ("owner", "{project_id}"), ("flag", "")]);
        assert_eq!(
            (r[1].kind.as_str(), r[1].path.as_str(), r[1].line),
            ("example", "/v2/images/x", 40)
        );
        assert_eq!((r[2].path.as_str(), r[2].line), ("/v2/y", 42));
    }

    #[test]
    fn bad_input_gives_errors() {
        let t = |rows: Vec<Vec<&str>>, header: Vec<&str>| {
            Block::Table(Table {
                caption: None,
                header: header.into_iter().map(String::from).collect(),
                rows: rows
                    .into_iter()
                    .map(|cells| Row {
                        notes: vec![Vec::new(); cells.len()],
                        cells: cells.into_iter().map(String::from).collect(),
                        line: 7,
                    })
                    .collect(),
                line: 6,
            })
        };
        let cases = [
            (vec![heading("URI", 2), para("GET /v2/x{?a,b", 3)], 3),
            (
                vec![
                    heading("URI", 2),
                    t(vec![vec!["a", "Maybe"]], vec!["Parameter", "Mandatory"]),
                ],
                7,
            ),
            (
                vec![
                    heading("URI", 2),
                    t(vec![vec!["", "No"]], vec!["Parameter", "Mandatory"]),
                ],
                7,
            ),
            (
                vec![
                    heading("Returned Values", 2),
                    t(
                        vec![vec!["Bad", "x"]],
                        vec!["Returned Value", "Description"],
                    ),
                ],
                7,
            ),
            (vec![heading("Example Request", 2), code(&["curl x"], 9)], 9),
            (
                vec![heading("Example Request", 2), code(&["GET images"], 9)],
                9,
            ),
        ];
        for (mut blocks, line) in cases {
            blocks.insert(0, heading("T", 1));
            let err = interpret("p.md", &blocks).expect_err("must fail");
            assert_eq!(err.line, line, "{err}");
        }
        assert!(matches!(
            interpret("p.md", &[]).expect_err("no title").kind,
            ErrorKind::NoTitle
        ));
        // A page without any `METHOD /path` (a page in the wrong format reads like this).
        let err = interpret("p.md", &[heading("T", 1), para("text", 2)]).expect_err("no op");
        assert!(matches!(err.kind, ErrorKind::NoOperation), "{err}");
        // Tables in a parameter section whose columns are not understood.
        let unread = [
            heading("T", 1),
            heading("URI", 2),
            para("GET /v2/x", 3),
            t(vec![vec!["a", "b"]], vec!["Parameter", "Remark"]),
        ];
        let err = interpret("p.md", &unread).expect_err("unread table");
        assert!(matches!(err.kind, ErrorKind::UnreadTable(_)), "{err}");
        assert_eq!(err.line, 6);
    }
}
