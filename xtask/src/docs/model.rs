//! What the validator knows of one API reference page, independent of its source format.

use serde::Serialize;

/// One vendored page, parsed.
#[derive(Debug, Clone, Serialize)]
pub struct DocPage {
    /// File name under `openapi/docs/`, e.g. `glance-v2-list-images.md`.
    pub file: String,
    /// The page's first heading.
    pub title: String,
    /// True when the page says the API is discarded, abandoned or will be discarded.
    pub deprecated: bool,
    /// Every `METHOD /path` the URI section names (`{?a,b}` query templates split off).
    pub endpoints: Vec<DocEndpoint>,
    /// Rows of every parameter table (path and query).
    pub params: Vec<DocParam>,
    /// Rows of every response-field table, top level and nested.
    pub fields: Vec<DocField>,
    /// Example requests: code blocks under an "Example request" heading or item, and the
    /// lines of a "Common Query Methods" section.
    pub example_requests: Vec<ExampleRequest>,
    /// Example responses: status line and JSON body.
    pub example_responses: Vec<ExampleResponse>,
    /// Error statuses of the "Returned Values" table (e.g. 400, 401, ...).
    pub error_statuses: Vec<DocStatus>,
    /// What the page is: an operation's reference, or a reference list of attributes.
    pub kind: PageKind,
    /// For an attributes page, the rows of its attribute table (`parent` is None).
    pub attributes: Vec<DocField>,
}

/// What a page documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PageKind {
    /// One or more operations (`METHOD /path` in a URI section).
    Operation,
    /// No operation: the reference list of the attributes an image carries, with their types
    /// (`image_attributes.rst`).
    Attributes,
}

/// `GET /v2/images/{image_id}` as the URI section writes it.
#[derive(Debug, Clone, Serialize)]
pub struct DocEndpoint {
    /// HTTP method as written, e.g. "GET".
    pub method: String,
    /// Path template with markup escapes removed, without the `{?...}` or `?...` query part.
    pub path: String,
    /// Query parameter names the URI line gives, in order: the names of an RFC 6570
    /// `{?a,b,c}` suffix, or the keys of a literal `?a={a}&b={b}` query; empty when there is
    /// none.
    pub query_template: Vec<String>,
    /// 1-based line of the `METHOD /path` line in the page.
    pub line: usize,
}

/// Where a request parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ParamLocation {
    /// A `{name}` segment of the path (or a table captioned "Path parameters").
    Path,
    /// A query-string parameter.
    Query,
}

/// One row of a parameter table.
#[derive(Debug, Clone, Serialize)]
pub struct DocParam {
    /// The "Parameter" column, markup escapes removed (e.g. `__isregistered`).
    pub name: String,
    /// Path or query.
    pub location: ParamLocation,
    /// From the "Mandatory" column: "Yes" is true.
    pub required: bool,
    /// The "Type" column as written ("String", "Integer", "Boolean", ...); None when the table
    /// has no type column.
    pub ty: Option<String>,
    /// The description, markup stripped, paragraphs and list items joined by newlines;
    /// admonitions left out (they are in `notes`).
    pub description: String,
    /// The notes (`.. note::` and other admonitions) inside the description cell, each as
    /// `Note: text`. Remarks, never values.
    pub notes: Vec<String>,
    /// Table caption as the page writes it, e.g. "Table 2 Query parameters".
    pub table: String,
    /// 1-based line in the page where the row starts.
    pub line: usize,
}

/// One row of a response-field table.
#[derive(Debug, Clone, Serialize)]
pub struct DocField {
    /// The "Parameter" column, markup escapes removed.
    pub name: String,
    /// The "Type" column as written ("String", "Long", "Array of objects", ...).
    pub ty: String,
    /// For nested tables (e.g. "Data structure description of the images field",
    /// "links parameter description"): the field whose items or value the table describes.
    /// None for the top-level response table.
    pub parent: Option<String>,
    /// From a "Mandatory" column where the table has one.
    pub required: Option<bool>,
    /// The description, markup stripped, paragraphs and list items joined by newlines;
    /// admonitions left out (they are in `notes`).
    pub description: String,
    /// The notes (`.. note::` and other admonitions) inside the description cell, each as
    /// `Note: text`. Remarks, never values.
    pub notes: Vec<String>,
    /// Table caption as the page writes it; for an uncaptioned table, the list item or
    /// heading it sits under (e.g. "Response parameters").
    pub table: String,
    /// 1-based line in the page where the row starts.
    pub line: usize,
}

/// A request line of an example, e.g. `GET https://{Endpoint}/v2/images?limit=1`.
#[derive(Debug, Clone, Serialize)]
pub struct ExampleRequest {
    /// HTTP method as written, e.g. "GET".
    pub method: String,
    /// Path with the scheme and `{Endpoint}` host removed, without the query, as written.
    pub path: String,
    /// Query pairs in order, as written (markup escapes removed, not percent-decoded).
    pub query: Vec<(String, String)>,
    /// "example" for an example request, "common query" for a Common Query Methods line.
    pub kind: String,
    /// 1-based line of the request line in the page.
    pub line: usize,
}

/// An example response: status and JSON body.
#[derive(Debug, Clone, Serialize)]
pub struct ExampleResponse {
    /// From `STATUS CODE 200` or `HTTP/1.1 200 OK`; 200 when the page gives none.
    pub status: u16,
    /// Header lines shown before the body, in order.
    pub headers: Vec<(String, String)>,
    /// The body, parsed; `null` when the page shows a status line without a body.
    pub body: serde_json::Value,
    /// Line of the body's first line in the page (of the status line when there is no body).
    pub line: usize,
}

/// One row of a "Returned Values" table.
#[derive(Debug, Clone, Serialize)]
pub struct DocStatus {
    /// The status code of the "Returned Value" cell (`400 Bad Request` → 400).
    pub status: u16,
    /// The "Description" cell as plain text.
    pub description: String,
    /// 1-based line in the page where the row starts.
    pub line: usize,
}
