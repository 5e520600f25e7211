//! The one reader of `openapi/ims.yaml`: the document parsed once into the typed
//! [`openapiv3::OpenAPI`] model, with the one list of operations (path-level parameters
//! merged, references resolved), the one `$ref` resolver and the schema helpers that every
//! reader of the spec uses: the code generator (this crate), `cargo xtask validate` and the
//! published reference (`xtask`).
//!
//! Where a reader needs the document as raw JSON (the JSON Schema validator of examples),
//! it takes it from this model with [`to_json`], so the extensions (`x-*`, which openapiv3
//! keeps) and every other keyword come from the same parse.

use std::fmt;

use openapiv3::{
    AdditionalProperties, Components, Example, OpenAPI, Operation, Parameter, PathItem,
    ReferenceOr, Response, Schema, SchemaKind, StatusCode, Type,
};
use serde_json::Value;

/// How many `$ref` hops the resolver follows before it calls the chain a cycle.
pub const MAX_REF_HOPS: usize = 32;

/// The spec: the typed model of the document.
#[derive(Debug, Clone)]
pub struct Spec {
    api: OpenAPI,
}

/// A reference the resolver cannot follow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SpecError {
    /// The reference does not point at a component of the expected kind in this document
    /// (such as `#/components/schemas/X` for a schema).
    Unsupported(String),
    /// The reference names a component (or path) the document lacks.
    Unresolved(String),
    /// The chain of references is longer than [`MAX_REF_HOPS`] (a cycle).
    Cycle(String),
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SpecError::Unsupported(r) => write!(f, "not a local reference of its kind: {r}"),
            SpecError::Unresolved(r) => write!(f, "unresolved reference {r}"),
            SpecError::Cycle(r) => write!(
                f,
                "references nested too deep at {r} (more than {MAX_REF_HOPS} hops: a cycle?)"
            ),
        }
    }
}

impl std::error::Error for SpecError {}

/// A kind of object that lives under `#/components/...` and may be referenced.
pub trait Component: Sized {
    /// The reference prefix of the kind, such as `#/components/schemas/`.
    const PREFIX: &'static str;
    /// The component of the kind with that name.
    fn get<'a>(components: &'a Components, name: &str) -> Option<&'a ReferenceOr<Self>>;
}

/// `impl Component for T` for a kind that lives in `components.<field>`.
macro_rules! component {
    ($($kind:ty => $field:ident),* $(,)?) => {$(
        impl Component for $kind {
            const PREFIX: &'static str = concat!("#/components/", stringify!($field), "/");
            fn get<'a>(components: &'a Components, name: &str) -> Option<&'a ReferenceOr<Self>> {
                components.$field.get(name)
            }
        }
    )*};
}

component!(Schema => schemas, Parameter => parameters, Response => responses, Example => examples);

/// Something that is either an object or a `$ref` to one: `ReferenceOr<T>`, and the boxed
/// `ReferenceOr<Box<Schema>>` of properties and items.
pub trait MaybeRef {
    /// The kind of object.
    type Target: Component;
    /// The object itself, or the reference.
    fn split(&self) -> Result<&Self::Target, &str>;
}

impl<T: Component> MaybeRef for ReferenceOr<T> {
    type Target = T;
    fn split(&self) -> Result<&T, &str> {
        match self {
            ReferenceOr::Item(item) => Ok(item),
            ReferenceOr::Reference { reference } => Err(reference),
        }
    }
}

impl MaybeRef for ReferenceOr<Box<Schema>> {
    type Target = Schema;
    fn split(&self) -> Result<&Schema, &str> {
        match self {
            ReferenceOr::Item(item) => Ok(item),
            ReferenceOr::Reference { reference } => Err(reference),
        }
    }
}

/// One operation of the spec, with its path item's parameters merged in and its parameters
/// and responses resolved.
#[derive(Debug, Clone)]
pub struct SpecOperation<'a> {
    /// The HTTP method, upper case (`GET`).
    pub method: String,
    /// The path template as the spec writes it.
    pub path: &'a str,
    /// The operation object.
    pub op: &'a Operation,
    /// Its parameters: the operation's own, then those of the path item it does not redefine
    /// (same name and location), references resolved.
    pub params: Vec<&'a Parameter>,
    /// Its responses in the document's order, by status as written (`200`, `4XX`, then
    /// `default`), references resolved.
    pub responses: Vec<(String, &'a Response)>,
}

impl<'a> SpecOperation<'a> {
    /// The operationId, or the method and path (`GET /v2/images`) when it has none.
    pub fn id(&self) -> String {
        self.op
            .operation_id
            .clone()
            .unwrap_or_else(|| format!("{} {}", self.method, self.path))
    }

    /// Whether the operation is marked `deprecated: true`.
    pub fn deprecated(&self) -> bool {
        self.op.deprecated
    }

    /// The response declared for one status code (not a range or `default`).
    pub fn response(&self, status: u16) -> Option<&'a Response> {
        let status = status.to_string();
        self.responses
            .iter()
            .find(|(s, _)| *s == status)
            .map(|(_, r)| *r)
    }
}

impl Spec {
    /// Parses the spec text (YAML or JSON) into the model; the error names the line and
    /// column.
    pub fn parse(spec_yaml: &str) -> Result<Spec, crate::CodegenError> {
        crate::parse_spec(spec_yaml).map(|api| Spec { api })
    }

    /// The model, for code that walks it (the generator).
    pub fn api(&self) -> &OpenAPI {
        &self.api
    }

    /// Every operation in the document's order: paths as written, and in each path item the
    /// methods in the order OpenAPI lists them (`get`, `put`, `post`, `delete`, `options`,
    /// `head`, `patch`, `trace`). A path item may be a `$ref` to another path of the document.
    pub fn operations(&self) -> Result<Vec<SpecOperation<'_>>, SpecError> {
        let mut out = Vec::new();
        for (path, item) in self.api.paths.iter() {
            let item = self.path_item(item)?;
            for (method, op) in item.iter() {
                let mut params = Vec::new();
                for param in &op.parameters {
                    params.push(self.resolve(param)?);
                }
                for param in &item.parameters {
                    let param = self.resolve(param)?;
                    let key = parameter_key(param);
                    if !params.iter().any(|p| parameter_key(p) == key) {
                        params.push(param);
                    }
                }
                let mut responses = Vec::new();
                for (status, response) in &op.responses.responses {
                    responses.push((status_text(status), self.resolve(response)?));
                }
                if let Some(response) = &op.responses.default {
                    responses.push(("default".to_string(), self.resolve(response)?));
                }
                out.push(SpecOperation {
                    method: method.to_ascii_uppercase(),
                    path,
                    op,
                    params,
                    responses,
                });
            }
        }
        Ok(out)
    }

    /// Follows a path item's `$ref` to another path of the document (`#/paths/~1other`).
    fn path_item<'a>(&'a self, item: &'a ReferenceOr<PathItem>) -> Result<&'a PathItem, SpecError> {
        let mut item = item;
        for _ in 0..MAX_REF_HOPS {
            let reference = match item {
                ReferenceOr::Item(item) => return Ok(item),
                ReferenceOr::Reference { reference } => reference,
            };
            let path = reference
                .strip_prefix("#/paths/")
                .ok_or_else(|| SpecError::Unsupported(reference.clone()))?
                .replace("~1", "/")
                .replace("~0", "~");
            item = self
                .api
                .paths
                .paths
                .get(&path)
                .ok_or_else(|| SpecError::Unresolved(reference.clone()))?;
        }
        Err(SpecError::Cycle(format!("{item:?}")))
    }

    /// The object a value or reference stands for, following chains of references between
    /// components.
    pub fn resolve<'a, R: MaybeRef>(&'a self, value: &'a R) -> Result<&'a R::Target, SpecError> {
        let mut reference = match value.split() {
            Ok(item) => return Ok(item),
            Err(reference) => reference,
        };
        for _ in 0..MAX_REF_HOPS {
            reference = match self.component::<R::Target>(reference)? {
                ReferenceOr::Item(item) => return Ok(item),
                ReferenceOr::Reference { reference } => reference,
            };
        }
        Err(SpecError::Cycle(reference.to_string()))
    }

    /// The component a reference such as `#/components/schemas/Image` names, unresolved.
    fn component<T: Component>(&self, reference: &str) -> Result<&ReferenceOr<T>, SpecError> {
        let name = reference
            .strip_prefix(T::PREFIX)
            .ok_or_else(|| SpecError::Unsupported(reference.to_string()))?;
        self.api
            .components
            .as_ref()
            .and_then(|c| T::get(c, name))
            .ok_or_else(|| SpecError::Unresolved(reference.to_string()))
    }

    /// The component schema of that name (`Image`), references resolved.
    pub fn schema_named(&self, name: &str) -> Option<&Schema> {
        let schema = self.api.components.as_ref()?.schemas.get(name)?;
        self.resolve(schema).ok()
    }

    /// Looks through single-entry `allOf` wrappers (`allOf: [{$ref: X}]`, which carry a
    /// `default` or description beside the reference) to the schema that says what a value
    /// is; `None` when a reference does not resolve.
    pub fn unwrap_schema<'a>(&'a self, schema: &'a Schema) -> Option<&'a Schema> {
        let mut schema = schema;
        for _ in 0..MAX_REF_HOPS {
            match all_of(schema) {
                [only] => schema = self.resolve(only).ok()?,
                _ => return Some(schema),
            }
        }
        Some(schema)
    }

    /// The `default` of a schema: its own (such as on an `allOf` wrapper), or that of the
    /// schema it wraps.
    pub fn schema_default<'a>(&'a self, schema: &'a Schema) -> Option<&'a Value> {
        schema
            .schema_data
            .default
            .as_ref()
            .or_else(|| self.unwrap_schema(schema)?.schema_data.default.as_ref())
    }
}

/// The name and location of a parameter, which identify it within an operation.
fn parameter_key(param: &Parameter) -> (&str, &'static str) {
    (&param.parameter_data_ref().name, parameter_location(param))
}

/// Where a parameter goes: `query`, `path`, `header` or `cookie`.
pub fn parameter_location(param: &Parameter) -> &'static str {
    match param {
        Parameter::Query { .. } => "query",
        Parameter::Path { .. } => "path",
        Parameter::Header { .. } => "header",
        Parameter::Cookie { .. } => "cookie",
    }
}

/// The schema of a parameter (`None` for one described by `content`).
pub fn parameter_schema(param: &Parameter) -> Option<&ReferenceOr<Schema>> {
    match &param.parameter_data_ref().format {
        openapiv3::ParameterSchemaOrContent::Schema(schema) => Some(schema),
        openapiv3::ParameterSchemaOrContent::Content(_) => None,
    }
}

/// A status key as the spec writes it: `200`, `4XX`.
fn status_text(status: &StatusCode) -> String {
    match status {
        StatusCode::Code(code) => code.to_string(),
        StatusCode::Range(range) => format!("{range}XX"),
    }
}

/// The `type` a schema names (`string`, `object`, ...), if any.
pub fn schema_type(schema: &Schema) -> Option<&str> {
    match &schema.schema_kind {
        SchemaKind::Type(ty) => Some(match ty {
            Type::String(_) => "string",
            Type::Number(_) => "number",
            Type::Integer(_) => "integer",
            Type::Object(_) => "object",
            Type::Array(_) => "array",
            Type::Boolean(_) => "boolean",
        }),
        SchemaKind::Any(any) => any.typ.as_deref(),
        _ => None,
    }
}

/// The `format` of a schema, as written.
pub fn schema_format(schema: &Schema) -> Option<String> {
    let format = match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => to_json(&s.format),
        SchemaKind::Type(Type::Number(n)) => to_json(&n.format),
        SchemaKind::Type(Type::Integer(i)) => to_json(&i.format),
        SchemaKind::Any(any) => return any.format.clone(),
        _ => return None,
    };
    format.as_str().map(str::to_string)
}

/// The `pattern` of a schema.
pub fn schema_pattern(schema: &Schema) -> Option<&str> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => s.pattern.as_deref(),
        SchemaKind::Any(any) => any.pattern.as_deref(),
        _ => None,
    }
}

/// The `enum` of a schema, as JSON values (`null` included); `None` when it has none.
pub fn schema_enum(schema: &Schema) -> Option<Vec<Value>> {
    let values: Vec<Value> = match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => s.enumeration.iter().map(to_json).collect(),
        SchemaKind::Type(Type::Number(n)) => n.enumeration.iter().map(to_json).collect(),
        SchemaKind::Type(Type::Integer(i)) => i.enumeration.iter().map(to_json).collect(),
        SchemaKind::Type(Type::Boolean(b)) => b.enumeration.iter().map(to_json).collect(),
        SchemaKind::Any(any) => any.enumeration.clone(),
        _ => Vec::new(),
    };
    (!values.is_empty()).then_some(values)
}

/// A schema of a property or of array items: a schema object or a `$ref`, boxed.
pub type BoxedSchema = ReferenceOr<Box<Schema>>;

/// The properties of an object schema in the document's order; `None` when it lists none.
pub fn schema_properties(schema: &Schema) -> Option<Vec<(&str, &BoxedSchema)>> {
    let properties = match &schema.schema_kind {
        SchemaKind::Type(Type::Object(o)) => &o.properties,
        SchemaKind::Any(any) => &any.properties,
        _ => return None,
    };
    let properties: Vec<_> = properties.iter().map(|(k, v)| (k.as_str(), v)).collect();
    (!properties.is_empty()).then_some(properties)
}

/// The schema of one property of an object schema, unresolved.
pub fn schema_property<'a>(schema: &'a Schema, name: &str) -> Option<&'a ReferenceOr<Box<Schema>>> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(o)) => o.properties.get(name),
        SchemaKind::Any(any) => any.properties.get(name),
        _ => None,
    }
}

/// The `required` property names of an object schema.
pub fn schema_required(schema: &Schema) -> &[String] {
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(o)) => &o.required,
        SchemaKind::Any(any) => &any.required,
        _ => &[],
    }
}

/// The `additionalProperties` of an object schema.
pub fn schema_additional(schema: &Schema) -> Option<&AdditionalProperties> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(o)) => o.additional_properties.as_ref(),
        SchemaKind::Any(any) => any.additional_properties.as_ref(),
        _ => None,
    }
}

/// The item schema of an array schema.
pub fn schema_items(schema: &Schema) -> Option<&ReferenceOr<Box<Schema>>> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::Array(a)) => a.items.as_ref(),
        SchemaKind::Any(any) => any.items.as_ref(),
        _ => None,
    }
}

/// The `allOf` members of a schema (empty when it has none).
pub fn all_of(schema: &Schema) -> &[ReferenceOr<Schema>] {
    match &schema.schema_kind {
        SchemaKind::AllOf { all_of } => all_of,
        SchemaKind::Any(any) => &any.all_of,
        _ => &[],
    }
}

/// The `anyOf` members of a schema (empty when it has none).
pub fn any_of(schema: &Schema) -> &[ReferenceOr<Schema>] {
    match &schema.schema_kind {
        SchemaKind::AnyOf { any_of } => any_of,
        SchemaKind::Any(any) => &any.any_of,
        _ => &[],
    }
}

/// The `oneOf` members of a schema (empty when it has none).
pub fn one_of(schema: &Schema) -> &[ReferenceOr<Schema>] {
    match &schema.schema_kind {
        SchemaKind::OneOf { one_of } => one_of,
        SchemaKind::Any(any) => &any.one_of,
        _ => &[],
    }
}

/// Whether an `additionalProperties` admits any value: `true`, or the empty schema `{}`.
pub fn admits_anything(extra: &AdditionalProperties) -> bool {
    match extra {
        AdditionalProperties::Any(any) => *any,
        AdditionalProperties::Schema(schema) => {
            matches!(schema.as_ref(), ReferenceOr::Item(s) if *s == empty_schema())
        }
    }
}

/// The schema `{}`.
fn empty_schema() -> Schema {
    Schema {
        schema_data: Default::default(),
        schema_kind: SchemaKind::Any(Default::default()),
    }
}

/// A part of the model as raw JSON: what the document says there, extensions included.
pub fn to_json<T: serde::Serialize + ?Sized>(part: &T) -> Value {
    // The model holds only strings, numbers, booleans, lists and string-keyed maps, which
    // always have a JSON form.
    serde_json::to_value(part).unwrap_or(Value::Null)
}

/// A scalar as the text a query string or an enum list would hold (`null`, `true`, `25`).
pub fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &str = r##"
openapi: 3.0.3
info: { title: t, version: "1" }
paths:
  /things/{id}:
    parameters:
      - { name: id, in: path, required: true, schema: { type: string } }
      - { name: limit, in: query, schema: { type: string } }
    get:
      operationId: showThing
      parameters:
        - $ref: "#/components/parameters/Limit"
      responses:
        "200": { $ref: "#/components/responses/Ok" }
        4XX: { description: client error }
        default: { description: other }
  /alias:
    $ref: "#/paths/~1things~1{id}"
components:
  parameters:
    Limit: { $ref: "#/components/parameters/RealLimit" }
    RealLimit: { name: limit, in: query, schema: { type: integer, format: int32, default: 25 } }
  responses:
    Ok: { description: fine }
  schemas:
    Wrapped:
      allOf: [{ $ref: "#/components/schemas/Kind" }]
      default: big
    Kind: { type: string, enum: [small, big, null], nullable: true, x-note: kept }
    Loop: { $ref: "#/components/schemas/Loop" }
"##;

    #[test]
    fn operations_merge_path_parameters_and_resolve_references() {
        let spec = Spec::parse(SPEC).unwrap();
        let ops = spec.operations().unwrap();
        assert_eq!(ops.len(), 2, "the aliased path item counts too");
        let op = &ops[0];
        assert_eq!(
            (op.method.as_str(), op.path, op.id()),
            ("GET", "/things/{id}", "showThing".into())
        );
        let params: Vec<(&str, &str)> = op.params.iter().map(|p| parameter_key(p)).collect();
        // The operation's limit (through two references) replaces the path item's.
        assert_eq!(params, [("limit", "query"), ("id", "path")]);
        let limit = spec
            .resolve(parameter_schema(op.params[0]).unwrap())
            .unwrap();
        assert_eq!(schema_type(limit), Some("integer"));
        assert_eq!(schema_format(limit).as_deref(), Some("int32"));
        let statuses: Vec<&str> = op.responses.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(statuses, ["200", "4XX", "default"]);
        assert_eq!(op.response(200).unwrap().description, "fine");
        assert!(op.response(404).is_none());
        assert_eq!((ops[1].path, ops[1].id()), ("/alias", "showThing".into()));
    }

    #[test]
    fn wrappers_defaults_enums_and_extensions() {
        let spec = Spec::parse(SPEC).unwrap();
        let wrapped = spec.schema_named("Wrapped").unwrap();
        let kind = spec.unwrap_schema(wrapped).unwrap();
        assert_eq!(schema_type(kind), Some("string"));
        assert_eq!(spec.schema_default(wrapped), Some(&Value::from("big")));
        let values: Vec<String> = schema_enum(kind).unwrap().iter().map(scalar_text).collect();
        assert_eq!(values, ["small", "big", "null"]);
        assert_eq!(to_json(kind)["x-note"], Value::from("kept"));
        assert_eq!(to_json(kind)["nullable"], Value::from(true));
    }

    #[test]
    fn broken_references_are_errors() {
        let spec = Spec::parse(SPEC).unwrap();
        let missing = ReferenceOr::<Schema>::ref_("#/components/schemas/Nope");
        assert!(matches!(
            spec.resolve(&missing),
            Err(SpecError::Unresolved(_))
        ));
        let foreign = ReferenceOr::<Schema>::ref_("other.yaml#/X");
        assert!(matches!(
            spec.resolve(&foreign),
            Err(SpecError::Unsupported(_))
        ));
        let wrong_kind = ReferenceOr::<Schema>::ref_("#/components/responses/Ok");
        assert!(matches!(
            spec.resolve(&wrong_kind),
            Err(SpecError::Unsupported(_))
        ));
        let cycle = ReferenceOr::<Schema>::ref_("#/components/schemas/Loop");
        assert!(matches!(spec.resolve(&cycle), Err(SpecError::Cycle(_))));
        let broken = SPEC.replace("#/components/responses/Ok", "#/components/responses/Gone");
        let err = Spec::parse(&broken).unwrap().operations().unwrap_err();
        assert_eq!(
            err.to_string(),
            "unresolved reference #/components/responses/Gone"
        );
    }

    #[test]
    fn empty_additional_properties_admit_anything() {
        let any: AdditionalProperties = serde_json::from_str("{}").unwrap();
        assert!(admits_anything(&any));
        assert!(admits_anything(&AdditionalProperties::Any(true)));
        assert!(!admits_anything(&AdditionalProperties::Any(false)));
        let typed: AdditionalProperties = serde_json::from_str(r#"{"type": "string"}"#).unwrap();
        assert!(!admits_anything(&typed));
    }
}
