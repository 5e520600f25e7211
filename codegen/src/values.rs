//! The open enums of the spec, read from the spec itself.
//!
//! An open enum is a component schema `X` of the form
//! `{type: string, anyOf: [{$ref: "#/components/schemas/XKnown"}, {type: string}]}`, where
//! `XKnown` is a closed string `enum` of the values known today. A third member
//! `{type: boolean}` says that the service may also send the value as a JSON boolean (`Flag`). The spec is the one source of
//! those values: the hand-written `crate::values::X` of the client is checked against them (its
//! unit tests), and the generated code uses `crate::values::X` for both `X` and `XKnown`, so no
//! closed Rust enum of the known values is generated.

use openapiv3::{OpenAPI, ReferenceOr, Schema, SchemaKind, StringType, Type};

use crate::{CodegenError, REPLACED_SCHEMAS};

/// One open enum of the spec.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenEnum {
    /// The open schema, such as `Visibility`.
    pub name: String,
    /// The closed schema of its known values, such as `VisibilityKnown`.
    pub known_schema: String,
    /// The known values, in the spec's order.
    pub values: Vec<String>,
}

const PREFIX: &str = "#/components/schemas/";

/// Filter schemas of `GET /v2/images` that narrow an open enum to what Glance accepts (a
/// closed list, or the known values plus the `in:`/`eq:` operator syntax), with the open
/// enum whose Rust type the client uses for them: the Rust builders stay open (the service
/// answers 400 for a value it refuses), other generators get the narrower schema.
pub const FILTER_SCHEMAS: &[(&str, &str)] = &[
    ("VisibilityFilter", "Visibility"),
    ("ImageStatusFilter", "ImageStatus"),
    ("ContainerFormatFilter", "ContainerFormat"),
    ("DiskFormatFilter", "DiskFormat"),
];

/// Every open enum of the spec, in the order of `components.schemas`.
pub fn open_enums(spec: &OpenAPI) -> Result<Vec<OpenEnum>, CodegenError> {
    let Some(components) = &spec.components else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for (name, schema) in &components.schemas {
        let ReferenceOr::Item(schema) = schema else {
            continue;
        };
        if FILTER_SCHEMAS.iter().any(|(filter, _)| filter == name) {
            continue;
        }
        // With `type: string` beside `anyOf`, openapiv3 reads the schema as `Any`.
        let any_of = match &schema.schema_kind {
            SchemaKind::AnyOf { any_of } => any_of,
            SchemaKind::Any(any) if !any.any_of.is_empty() => &any.any_of,
            _ => continue,
        };
        let bad = |why: &str| {
            CodegenError::Generate(format!(
                "schema {name}: an anyOf schema must be an open enum \
                 `anyOf: [{{$ref: {PREFIX}{name}Known}}, {{type: string}}]`: {why}"
            ))
        };
        let (reference, open) = match any_of.as_slice() {
            [
                ReferenceOr::Reference { reference },
                ReferenceOr::Item(open),
            ] => (reference, open),
            [
                ReferenceOr::Reference { reference },
                ReferenceOr::Item(open),
                ReferenceOr::Item(boolean),
            ] if matches!(boolean.schema_kind, SchemaKind::Type(Type::Boolean(_))) => {
                (reference, open)
            }
            _ => {
                return Err(bad(
                    "it needs a $ref, an inline `type: string` and at most a `type: boolean`",
                ));
            }
        };
        if !is_plain_string(open) {
            return Err(bad("the second member is not a plain `type: string`"));
        }
        let known_schema = reference
            .strip_prefix(PREFIX)
            .filter(|known| *known == format!("{name}Known"))
            .ok_or_else(|| bad(&format!("the $ref is {reference}")))?
            .to_string();
        let values = match components.schemas.get(&known_schema) {
            Some(ReferenceOr::Item(Schema {
                schema_kind: SchemaKind::Type(Type::String(StringType { enumeration, .. })),
                ..
            })) if !enumeration.is_empty() => enumeration
                .iter()
                .map(|v| v.clone().ok_or_else(|| bad("a known value is null")))
                .collect::<Result<Vec<_>, _>>()?,
            _ => return Err(bad(&format!("{known_schema} is not a string enum"))),
        };
        out.push(OpenEnum {
            name: name.clone(),
            known_schema,
            values,
        });
    }
    Ok(out)
}

fn is_plain_string(schema: &Schema) -> bool {
    matches!(
        &schema.schema_kind,
        SchemaKind::Type(Type::String(StringType { enumeration, pattern: None, format, .. }))
            if enumeration.is_empty() && matches!(format, openapiv3::VariantOrUnknownOrEmpty::Empty)
    )
}

/// The schemas the generated code takes from `crate::values`: every entry of
/// [`REPLACED_SCHEMAS`], and each open enum's `XKnown` schema mapped to the same type. Fails,
/// naming the schema, when an open enum of the spec has no hand-written type or a hand-written
/// type names no open enum of the spec.
pub fn replacements(spec: &OpenAPI) -> Result<Vec<(String, String)>, CodegenError> {
    let enums = open_enums(spec)?;
    let mut out = Vec::new();
    for open in &enums {
        let Some((_, rust_type)) = REPLACED_SCHEMAS.iter().find(|(s, _)| *s == open.name) else {
            return Err(CodegenError::Generate(format!(
                "open enum {} of the spec has no entry in REPLACED_SCHEMAS (codegen/src/lib.rs) \
                 and no type in src/values.rs",
                open.name
            )));
        };
        out.push((open.name.clone(), rust_type.to_string()));
        out.push((open.known_schema.clone(), rust_type.to_string()));
    }
    let schemas = spec.components.as_ref().map(|c| &c.schemas);
    for (filter, open) in FILTER_SCHEMAS {
        let Some((_, rust_type)) = REPLACED_SCHEMAS.iter().find(|(s, _)| s == open) else {
            return Err(CodegenError::Generate(format!(
                "FILTER_SCHEMAS names {open}, which is not in REPLACED_SCHEMAS"
            )));
        };
        if !schemas.is_some_and(|s| s.contains_key(*filter)) {
            return Err(CodegenError::Generate(format!(
                "FILTER_SCHEMAS (codegen/src/values.rs) names {filter}, which the spec lacks"
            )));
        }
        out.push((filter.to_string(), rust_type.to_string()));
    }
    for (schema, _) in REPLACED_SCHEMAS {
        if !enums.iter().any(|e| e.name == *schema) {
            return Err(CodegenError::Generate(format!(
                "REPLACED_SCHEMAS (codegen/src/lib.rs) names {schema}, which is no open enum \
                 of the spec"
            )));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(schemas: &str) -> OpenAPI {
        let text = format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths: {{}}\ncomponents:\n  schemas:\n{schemas}"
        );
        serde_norway::from_str(&text).unwrap()
    }

    #[test]
    fn reads_the_known_values_of_an_open_enum() {
        let doc = spec(
            "    Flag:\n      type: string\n      anyOf:\n        - $ref: '#/components/schemas/FlagKnown'\n        - type: string\n    FlagKnown:\n      type: string\n      enum: ['true', 'false']\n",
        );
        let enums = open_enums(&doc).unwrap();
        assert_eq!(
            enums,
            vec![OpenEnum {
                name: "Flag".into(),
                known_schema: "FlagKnown".into(),
                values: vec!["true".into(), "false".into()],
            }]
        );
        // Flag is in REPLACED_SCHEMAS; the filter schemas are not in this spec.
        let err = replacements(&doc).unwrap_err().to_string();
        assert!(
            err.contains("names VisibilityFilter, which the spec lacks"),
            "{err}"
        );
    }

    #[test]
    fn an_open_enum_without_a_rust_type_is_an_error() {
        let doc = spec(
            "    Colour:\n      type: string\n      anyOf:\n        - $ref: '#/components/schemas/ColourKnown'\n        - type: string\n    ColourKnown:\n      type: string\n      enum: [red]\n",
        );
        let err = replacements(&doc).unwrap_err().to_string();
        assert!(
            err.contains("open enum Colour of the spec has no entry"),
            "{err}"
        );
    }

    #[test]
    fn a_malformed_open_enum_is_an_error() {
        let doc = spec(
            "    Colour:\n      type: string\n      anyOf:\n        - $ref: '#/components/schemas/Other'\n        - type: string\n    Other:\n      type: string\n      enum: [red]\n",
        );
        let err = open_enums(&doc).unwrap_err().to_string();
        assert!(err.contains("schema Colour"), "{err}");
    }

    #[test]
    fn the_spec_and_replaced_schemas_agree() {
        let text =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../openapi/ims.yaml"))
                .unwrap();
        let doc: OpenAPI = serde_norway::from_str(&text).unwrap();
        let pairs = replacements(&doc).unwrap();
        assert_eq!(
            pairs.len(),
            2 * REPLACED_SCHEMAS.len() + FILTER_SCHEMAS.len()
        );
    }
}
