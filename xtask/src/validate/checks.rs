//! The checks (a) to (f): every documented operation, parameter, field and example against the
//! spec, and every example against its own page's tables.

use std::collections::{BTreeMap, BTreeSet};

use ims_codegen::spec::{SpecOperation, parameter_location, parameter_schema, scalar_text};
use openapiv3::{MediaType, Parameter, ReferenceOr, Schema};
use serde::Serialize;
use serde_json::Value;

use super::doctext::{DocType, documented_default, documented_values};
use super::findings::{Check, Finding};
use super::spec::Spec;
use crate::docs::model::{
    DocField, DocPage, ExampleRequest, ExampleResponse, PageKind, ParamLocation,
};

/// What was checked for one operation.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Coverage {
    /// Pages documenting the operation.
    pub pages: BTreeSet<String>,
    /// Parameter rows checked.
    pub params: usize,
    /// Response-field rows checked.
    pub fields: usize,
    /// Example requests matched to the operation and checked.
    pub example_requests: usize,
    /// Example responses checked.
    pub example_responses: usize,
    /// Attribute rows (of an attributes page) checked against the schema.
    pub attributes: usize,
}

impl Coverage {
    /// Table rows checked: parameters, response fields and attributes.
    pub fn rows(&self) -> usize {
        self.params + self.fields + self.attributes
    }

    /// Examples checked: requests and responses.
    pub fn examples(&self) -> usize {
        self.example_requests + self.example_responses
    }
}

/// The subject of the findings of an attributes page: the schema it describes.
pub const IMAGE_SCHEMA_SUBJECT: &str = "schema Image";

/// Everything the checks produce.
pub struct Outcome {
    /// Disagreements, in check order.
    pub findings: Vec<Finding>,
    /// Per operationId, what was checked.
    pub coverage: BTreeMap<String, Coverage>,
}

/// Runs every check over the pages of one generation (`first`, `current`) and the spec's
/// operations.
pub fn run<'s>(
    generation: &str,
    pages: &[DocPage],
    spec: &'s Spec,
    operations: &[SpecOperation<'s>],
) -> Outcome {
    let mut checker = Checker {
        spec,
        generation,
        findings: Vec::new(),
        coverage: BTreeMap::new(),
    };
    for op in operations {
        checker.coverage.entry(op.id()).or_default();
    }
    checker.operations(pages, operations);
    for page in pages {
        let page_ops: Vec<&SpecOperation> = page
            .endpoints
            .iter()
            .filter_map(|e| {
                operations
                    .iter()
                    .find(|op| op.method == e.method && op.path == e.path)
            })
            .collect();
        for op in &page_ops {
            checker.params(page, op);
            checker.fields(page, op);
            checker.example_responses(page, op);
            checker.example_fields(page, op);
        }
        checker.example_requests(page, operations);
        if page.kind == PageKind::Attributes {
            checker.attributes(page);
        }
    }
    Outcome {
        findings: checker.findings,
        coverage: checker.coverage,
    }
}

/// Where a comparison happens: the page, the subject (operationId, or the schema of an
/// attributes page) and the location on the page.
#[derive(Clone, Copy)]
struct Site<'a>(&'a DocPage, &'a str, &'a str);

struct Checker<'s, 'g> {
    spec: &'s Spec,
    generation: &'g str,
    findings: Vec<Finding>,
    coverage: BTreeMap<String, Coverage>,
}

impl<'s> Checker<'s, '_> {
    fn report(
        &mut self,
        check: Check,
        page: &str,
        op: Option<&SpecOperation>,
        location: String,
        field: &str,
        message: String,
    ) {
        self.push(
            check,
            page,
            op.map(SpecOperation::id),
            location,
            field,
            message,
        );
    }

    fn push(
        &mut self,
        check: Check,
        page: &str,
        subject: Option<String>,
        location: String,
        field: &str,
        message: String,
    ) {
        self.findings.push(Finding {
            check,
            generation: self.generation.to_string(),
            page: page.to_string(),
            operation: subject,
            location,
            field: field.to_string(),
            message,
        });
    }

    /// Reports a finding at a comparison's site.
    fn report_at(&mut self, site: Site, check: Check, field: &str, message: String) {
        let Site(page, subject, location) = site;
        self.push(
            check,
            &page.file,
            Some(subject.to_string()),
            location.to_string(),
            field,
            message,
        );
    }

    fn cover(&mut self, op: &SpecOperation) -> &mut Coverage {
        self.coverage.entry(op.id()).or_default()
    }

    /// (a) Operations: documented ones in the spec, spec ones documented, deprecation agreed.
    fn operations(&mut self, pages: &[DocPage], operations: &[SpecOperation]) {
        let mut documented = BTreeSet::new();
        for page in pages {
            for endpoint in &page.endpoints {
                documented.insert((endpoint.method.clone(), endpoint.path.clone()));
                let location = format!("URI, line {}", endpoint.line);
                let name = format!("{} {}", endpoint.method, endpoint.path);
                match operations
                    .iter()
                    .find(|op| op.method == endpoint.method && op.path == endpoint.path)
                {
                    None => self.report(
                        Check::OperationMissing,
                        &page.file,
                        None,
                        location,
                        &name,
                        format!("the page documents `{name}`; the spec has no such operation"),
                    ),
                    Some(op) => {
                        self.cover(op).pages.insert(page.file.clone());
                        if op.deprecated() != page.deprecated {
                            let says = if page.deprecated {
                                "discarded or abandoned"
                            } else {
                                "current"
                            };
                            self.report(Check::DeprecatedMismatch, &page.file, Some(op), location.clone(), &name, format!("the page calls the operation {says}; the spec has deprecated: {}", op.deprecated()));
                        }
                        for status in &page.error_statuses {
                            if op.response(status.status).is_none() {
                                let location = format!("Returned Values, line {}", status.line);
                                self.report(Check::StatusMissing, &page.file, Some(op), location, &status.status.to_string(), format!("the page lists status {}; the spec's operation does not declare it", status.status));
                            }
                        }
                        for query in &endpoint.query_template {
                            let has = op.params.iter().any(|p| param_is(p, query, "query"));
                            if !has {
                                self.report(Check::ParamMissing, &page.file, Some(op), location.clone(), query, format!("the URI template names query parameter `{query}`; the spec's operation lacks it"));
                            }
                        }
                    }
                }
            }
        }
        for op in operations {
            if !documented.contains(&(op.method.clone(), op.path.to_string())) {
                let name = format!("{} {}", op.method, op.path);
                self.report(
                    Check::OperationUndocumented,
                    "openapi/ims.yaml",
                    Some(op),
                    "paths".into(),
                    &name,
                    format!("`{name}` is in the spec but on no page"),
                );
            }
        }
    }

    /// (g) The attributes page: each attribute is a property of the `Image` schema, with a
    /// compatible type and the documented values.
    fn attributes(&mut self, page: &DocPage) {
        let subject = IMAGE_SCHEMA_SUBJECT;
        let Some(image) = self.spec.model.schema_named("Image") else {
            self.push(
                Check::AttributeMissing,
                &page.file,
                Some(subject.into()),
                "components".into(),
                "Image",
                "the page lists image attributes; the spec has no `Image` schema".into(),
            );
            return;
        };
        for attr in &page.attributes {
            self.coverage.entry(subject.into()).or_default().attributes += 1;
            self.coverage
                .entry(subject.into())
                .or_default()
                .pages
                .insert(page.file.clone());
            let location = format!("{}, line {}", attr.table, attr.line);
            let Some(schema) = self.spec.property(image, &attr.name) else {
                self.push(
                    Check::AttributeMissing,
                    &page.file,
                    Some(subject.into()),
                    location,
                    &attr.name,
                    format!(
                        "image attribute `{}` is not a property of the Image schema",
                        attr.name
                    ),
                );
                continue;
            };
            let schema = self.spec.schema(schema);
            let site = Site(page, subject, &location);
            self.compare_type(site, &attr.name, &attr.ty, schema, Check::AttributeType);
            if let Some(values) = documented_values(&attr.description) {
                self.compare_values(site, &attr.name, &values, schema, Check::AttributeValues);
            }
        }
    }

    /// (b) Parameters: location, type, required flag, values and default.
    fn params(&mut self, page: &DocPage, op: &SpecOperation<'s>) {
        let spec_params = &op.params;
        for param in &page.params {
            self.cover(op).params += 1;
            let location = format!("{}, line {}", param.table, param.line);
            let wanted_in = match param.location {
                ParamLocation::Path => "path",
                ParamLocation::Query => "query",
            };
            let Some(found) = spec_params
                .iter()
                .find(|p| p.parameter_data_ref().name == param.name)
            else {
                self.report(
                    Check::ParamMissing,
                    &page.file,
                    Some(op),
                    location,
                    &param.name,
                    format!(
                        "documented {wanted_in} parameter `{}` is not in the spec",
                        param.name
                    ),
                );
                continue;
            };
            let data = found.parameter_data_ref();
            let spec_in = parameter_location(found);
            if spec_in != wanted_in {
                self.report(
                    Check::ParamLocation,
                    &page.file,
                    Some(op),
                    location.clone(),
                    &param.name,
                    format!("documented in the {wanted_in}; the spec has it in the {spec_in}"),
                );
            }
            let required = data.required;
            if required != param.required {
                self.report(
                    Check::ParamRequired,
                    &page.file,
                    Some(op),
                    location.clone(),
                    &param.name,
                    format!(
                        "documented as mandatory: {}; the spec has required: {required}",
                        param.required
                    ),
                );
            }
            let schema = parameter_schema(found).and_then(|s| self.spec.schema(s));
            if let Some(ty) = &param.ty {
                self.compare_type(
                    Site(page, &op.id(), &location),
                    &param.name,
                    ty,
                    schema,
                    Check::ParamType,
                );
            }
            if let Some(values) = documented_values(&param.description) {
                self.compare_values(
                    Site(page, &op.id(), &location),
                    &param.name,
                    &values,
                    schema,
                    Check::ParamValues,
                );
            }
            if let Some(default) = documented_default(&param.description) {
                let spec_default = schema
                    .and_then(|s| self.spec.model.schema_default(s))
                    .map(scalar_text)
                    .or_else(|| data.description.as_deref().and_then(Spec::stated_default));
                if spec_default.as_deref() != Some(default.as_str()) {
                    self.report(
                        Check::ParamDefault,
                        &page.file,
                        Some(op),
                        location,
                        &param.name,
                        format!(
                            "documented default `{default}`; the spec's default is {}",
                            spec_default
                                .map(|d| format!("`{d}`"))
                                .unwrap_or("missing".into())
                        ),
                    );
                }
            }
        }
        for found in spec_params {
            let name = found.parameter_data_ref().name.as_str();
            if !page.params.iter().any(|p| p.name == name) {
                self.report(
                    Check::ParamUndocumented,
                    &page.file,
                    Some(op),
                    "parameter tables".into(),
                    name,
                    format!("the spec has parameter `{name}`; no table of the page lists it"),
                );
            }
        }
    }

    fn compare_type(
        &mut self,
        site: Site,
        name: &str,
        doc_ty: &str,
        schema: Option<&Schema>,
        check: Check,
    ) {
        let Some(doc_type) = DocType::parse(doc_ty) else {
            self.report_at(
                site,
                check,
                name,
                format!("the table's type `{doc_ty}` is not one the validator knows"),
            );
            return;
        };
        let (want, want_items) = doc_type.schema_types();
        let types = self.spec.schema_types(schema);
        let got = types
            .iter()
            .copied()
            .find(|t| *t == want)
            .or(types.first().copied());
        let got_items = self
            .spec
            .items(schema)
            .and_then(|items| self.spec.schema_type(Some(items)));
        let mut problem = got != Some(want) || (want_items.is_some() && got_items != want_items);
        if doc_type == DocType::Long {
            problem |= self.spec.schema_format(schema).as_deref() != Some("int64");
        }
        if problem {
            let shown = match (got, got_items) {
                (Some(t), Some(i)) => format!("{t} of {i}"),
                (Some(t), None) => t.to_string(),
                (None, _) => "no type".to_string(),
            };
            self.report_at(
                site,
                check,
                name,
                format!("documented as {doc_ty}; the spec has {shown}"),
            );
        }
    }

    fn compare_values(
        &mut self,
        site: Site,
        name: &str,
        documented: &[String],
        schema: Option<&Schema>,
        check: Check,
    ) {
        let spec_values = match self.spec.schema_type(schema) {
            Some("boolean") => vec!["true".to_string(), "false".to_string()],
            _ => self.spec.named_values(schema).unwrap_or_default(),
        };
        let missing: Vec<&String> = documented
            .iter()
            .filter(|v| !spec_values.contains(v))
            .collect();
        if !missing.is_empty() {
            let list = missing
                .iter()
                .map(|v| format!("`{v}`"))
                .collect::<Vec<_>>()
                .join(", ");
            self.report_at(
                site,
                check,
                name,
                format!("the table allows {list}, which the spec does not list"),
            );
        }
    }

    /// (c) Response fields: each row is in the 200 schema with a compatible type and values.
    fn fields(&mut self, page: &DocPage, op: &SpecOperation<'s>) {
        let Some(root) = self.success_schema(op) else {
            if !page.fields.is_empty() {
                self.report(Check::FieldMissing, &page.file, Some(op), "responses".into(), "200", "the page documents response fields; the spec's operation has no JSON 200 response".into());
            }
            return;
        };
        for field in &page.fields {
            self.cover(op).fields += 1;
            let location = format!("{}, line {}", field.table, field.line);
            let shown = display_name(field);
            match self.find_field(root, field).map(|s| self.spec.schema(s)) {
                None => self.report(
                    Check::FieldMissing,
                    &page.file,
                    Some(op),
                    location,
                    &shown,
                    format!("documented response field `{shown}` is not in the response schema"),
                ),
                Some(schema) => {
                    self.compare_type(
                        Site(page, &op.id(), &location),
                        &shown,
                        &field.ty,
                        schema,
                        Check::FieldType,
                    );
                    if let Some(values) = documented_values(&field.description) {
                        self.compare_values(
                            Site(page, &op.id(), &location),
                            &shown,
                            &values,
                            schema,
                            Check::FieldValues,
                        );
                    }
                }
            }
        }
    }

    fn success_schema(&self, op: &SpecOperation<'s>) -> Option<Option<&'s Schema>> {
        let response = op.response(200)?;
        let schema = response.content.get("application/json")?.schema.as_ref();
        Some(schema.and_then(|s| self.spec.schema(s)))
    }

    /// Finds a documented field in a response schema: at the top level or, for tables that
    /// describe a list's items (nested tables, or flat tables of list operations), inside the
    /// items of an array of objects.
    fn find_field(
        &self,
        root: Option<&'s Schema>,
        field: &DocField,
    ) -> Option<&'s ReferenceOr<Box<Schema>>> {
        let root = root?;
        let containers: Vec<&Schema> = match &field.parent {
            None => {
                let mut c = vec![root];
                c.extend(
                    self.spec
                        .object_arrays(root)
                        .into_iter()
                        .map(|(_, items)| items),
                );
                c
            }
            Some(parent) => self.containers_of(root, parent, 0),
        };
        containers
            .into_iter()
            .find_map(|c| self.spec.property(c, &field.name))
    }

    /// Object schemas a nested table named `parent` may describe: the items (or value) of a
    /// property with that name anywhere below `schema`.
    fn containers_of(&self, schema: &'s Schema, parent: &str, depth: usize) -> Vec<&'s Schema> {
        let mut out = Vec::new();
        if depth > 8 {
            return out;
        }
        for (name, prop) in self.spec.properties(schema) {
            let inner = self.spec.items(Some(prop)).unwrap_or(prop);
            if name == parent {
                out.push(inner);
            }
            out.extend(self.containers_of(inner, parent, depth + 1));
        }
        out
    }

    /// (e) Example responses validate against the operation's schema for their status, and the
    /// spec carries the page's example.
    fn example_responses(&mut self, page: &DocPage, op: &SpecOperation<'s>) {
        for example in &page.example_responses {
            self.cover(op).example_responses += 1;
            let location = format!("example response, line {}", example.line);
            let Some(response) = op.response(example.status) else {
                self.report(
                    Check::ResponseStatusUnknown,
                    &page.file,
                    Some(op),
                    location,
                    &example.status.to_string(),
                    format!(
                        "the example has status {}, which the operation does not declare",
                        example.status
                    ),
                );
                continue;
            };
            let Some(media) = response.content.get("application/json") else {
                self.report(
                    Check::ResponseInvalid,
                    &page.file,
                    Some(op),
                    location,
                    "(body)",
                    "the spec's response has no application/json content".into(),
                );
                continue;
            };
            let schema = media.schema.as_ref();
            for (path, message) in self.validate_json(schema, &example.body) {
                self.report(
                    Check::ResponseInvalid,
                    &page.file,
                    Some(op),
                    location.clone(),
                    &path,
                    message,
                );
            }
            self.compare_spec_example(page, op, example, media, &location);
        }
    }

    fn compare_spec_example(
        &mut self,
        page: &DocPage,
        op: &SpecOperation,
        example: &ExampleResponse,
        media: &MediaType,
        location: &str,
    ) {
        let attached = media
            .examples
            .values()
            .filter_map(|e| self.spec.model.resolve(e).ok()?.value.as_ref())
            .any(|v| *v == example.body);
        if !attached {
            self.report(Check::SpecExampleDiffers, &page.file, Some(op), location.to_string(), "(body)", "the spec's examples for this response do not include the page's example body as it stands".into());
        }
    }

    /// Runs a real JSON Schema validator; returns (instance path, message) per error.
    fn validate_json(
        &self,
        schema: Option<&ReferenceOr<Schema>>,
        instance: &Value,
    ) -> Vec<(String, String)> {
        let document = self.spec.json_schema(schema);
        match jsonschema::validator_for(&document) {
            Err(e) => vec![(
                "(schema)".into(),
                format!("the spec's schema is not valid JSON Schema: {e}"),
            )],
            Ok(validator) => validator
                .iter_errors(instance)
                .map(|e| {
                    let path = e.instance_path().to_string();
                    (
                        if path.is_empty() {
                            "/".to_string()
                        } else {
                            path
                        },
                        e.to_string(),
                    )
                })
                .collect(),
        }
    }

    /// (d) Example requests: each matches an operation, and each query value is valid.
    fn example_requests(&mut self, page: &DocPage, operations: &[SpecOperation<'s>]) {
        for request in &page.example_requests {
            let location = format!("{} request, line {}", request.kind, request.line);
            let shown = format!("{} {}", request.method, request.path);
            let Some(op) = operations
                .iter()
                .find(|op| op.method == request.method && path_matches(op.path, &request.path))
            else {
                self.report(
                    Check::RequestUnmatched,
                    &page.file,
                    None,
                    location,
                    &shown,
                    format!("`{shown}` matches no operation of the spec"),
                );
                continue;
            };
            self.cover(op).example_requests += 1;
            self.request_values(page, op, request, &location);
        }
    }

    fn request_values(
        &mut self,
        page: &DocPage,
        op: &SpecOperation<'s>,
        request: &ExampleRequest,
        location: &str,
    ) {
        let params = &op.params;
        for (name, value) in &request.query {
            let Some(param) = params.iter().find(|p| param_is(p, name, "query")) else {
                self.report(
                    Check::RequestParamUnknown,
                    &page.file,
                    Some(op),
                    location.to_string(),
                    name,
                    format!("the example sends `{name}`, which the operation does not have"),
                );
                continue;
            };
            if is_placeholder(value) {
                continue;
            }
            let schema = parameter_schema(param);
            let resolved = schema.and_then(|s| self.spec.schema(s));
            let typed = match self.spec.schema_type(resolved) {
                Some("integer") => value
                    .parse::<i64>()
                    .map(Value::from)
                    .unwrap_or_else(|_| Value::String(value.clone())),
                Some("boolean") => match value.as_str() {
                    "true" => Value::Bool(true),
                    "false" => Value::Bool(false),
                    _ => Value::String(value.clone()),
                },
                _ => Value::String(value.clone()),
            };
            for (_, message) in self.validate_json(schema, &typed) {
                self.report(
                    Check::RequestValueInvalid,
                    &page.file,
                    Some(op),
                    location.to_string(),
                    name,
                    format!("`{name}={value}`: {message}"),
                );
            }
            if let Some(known) = self.spec.named_values(resolved)
                && !known.contains(value)
            {
                self.report(
                    Check::RequestValueInvalid,
                    &page.file,
                    Some(op),
                    location.to_string(),
                    name,
                    format!("`{name}={value}`: not among the spec's values for `{name}`"),
                );
            }
        }
    }

    /// (f) Example fields: each is listed by a table of the page, with the table's type and
    /// one of the values the table allows.
    fn example_fields(&mut self, page: &DocPage, op: &SpecOperation) {
        let mut seen = BTreeSet::new();
        for example in &page.example_responses {
            let location = format!("example response, line {}", example.line);
            let mut walk = ExampleWalk {
                page,
                seen: &mut seen,
                out: Vec::new(),
            };
            walk.object(&example.body, None, "");
            let out = walk.out;
            for (check, field, message) in out {
                self.report(
                    check,
                    &page.file,
                    Some(op),
                    location.clone(),
                    &field,
                    message,
                );
            }
        }
    }
}

/// Walks an example body against the tables of its page.
struct ExampleWalk<'a> {
    page: &'a DocPage,
    seen: &'a mut BTreeSet<(Check, String)>,
    out: Vec<(Check, String, String)>,
}

impl ExampleWalk<'_> {
    /// Checks the members of an object described by the table for `parent` (None: the
    /// top-level table).
    fn object(&mut self, value: &Value, parent: Option<&str>, prefix: &str) {
        let Some(map) = value.as_object() else { return };
        for (name, member) in map {
            let path = format!("{prefix}{name}");
            let row = self
                .page
                .fields
                .iter()
                .find(|f| f.name == *name && f.parent.as_deref() == parent);
            let nested = self
                .page
                .fields
                .iter()
                .any(|f| f.parent.as_deref() == Some(name.as_str()));
            match row {
                None if !nested => self.push(
                    Check::ExampleFieldUndocumented,
                    &path,
                    format!("the example has `{path}`, which no table of the page lists"),
                ),
                None => {}
                Some(row) => self.row(row, member, &path),
            }
            let doc_type = row.and_then(|r| DocType::parse(&r.ty));
            if doc_type == Some(DocType::Object) && !nested {
                continue; // free-form map (metadata, properties)
            }
            let child_parent = if nested { Some(name.as_str()) } else { parent };
            match member {
                Value::Array(items) => {
                    for item in items {
                        self.object(item, child_parent, &format!("{path}[]."));
                    }
                }
                Value::Object(_) => self.object(member, child_parent, &format!("{path}.")),
                _ => {}
            }
        }
    }

    fn row(&mut self, row: &DocField, value: &Value, path: &str) {
        if let Some(doc_type) = DocType::parse(&row.ty)
            && !doc_type.admits(value)
        {
            self.push(
                Check::ExampleTypeContradicts,
                path,
                format!(
                    "the example's `{path}` is {value}; the table ({}, line {}) says {}",
                    row.table, row.line, row.ty
                ),
            );
        }
        if let (Some(values), Value::String(text)) = (documented_values(&row.description), value)
            && !values.contains(text)
        {
            self.push(
                Check::ExampleValueUndocumented,
                path,
                format!(
                    "the example's `{path}` is `{text}`; the table ({}, line {}) allows only {}",
                    row.table,
                    row.line,
                    values.join(", ")
                ),
            );
        }
    }

    fn push(&mut self, check: Check, path: &str, message: String) {
        if self.seen.insert((check, path.to_string())) {
            self.out.push((check, path.to_string(), message));
        }
    }
}

fn param_is(param: &Parameter, name: &str, location: &str) -> bool {
    param.parameter_data_ref().name == name && parameter_location(param) == location
}

/// A template value such as `{project_id}`.
fn is_placeholder(value: &str) -> bool {
    value.starts_with('{') && value.ends_with('}')
}

/// Whether a concrete path fits a template (`{x}` matches one non-empty segment).
fn path_matches(template: &str, path: &str) -> bool {
    let t: Vec<&str> = template.trim_end_matches('/').split('/').collect();
    let p: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    t.len() == p.len()
        && t.iter().zip(&p).all(|(t, p)| {
            if t.starts_with('{') && t.ends_with('}') {
                !p.is_empty()
            } else {
                t == p
            }
        })
}

/// `links.href` for nested rows, the plain name for top-level ones.
fn display_name(field: &DocField) -> String {
    match &field.parent {
        Some(parent) => format!("{parent}.{}", field.name),
        None => field.name.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_match_templates() {
        assert!(path_matches("/v2/images/{image_id}", "/v2/images/33ad"));
        assert!(path_matches(
            "/v2/{project_id}/images/detail",
            "/v2/9c53/images/detail"
        ));
        assert!(!path_matches("/v2/images/{image_id}", "/v2/images"));
        assert!(!path_matches("/v2/images", "/v2/cloudimages"));
    }
}
