//! What the checks ask of `openapi/ims.yaml`, on the one typed model of the spec
//! ([`ims_codegen::spec`]): the types and named values a schema admits, the lists of objects
//! in a response, and the translation of OpenAPI 3.0 schemas into JSON Schema for a real
//! validator.
//!
//! The validator of examples needs raw JSON: it is derived from the same loaded model with
//! [`model::to_json`] (openapiv3 keeps every keyword a schema may carry, extensions
//! included), never read again from the file.

use ims_codegen::spec::{self as model, MaybeRef};
use openapiv3::{ReferenceOr, Schema};
use serde_json::{Map, Value, json};

/// The spec, for the checks.
pub struct Spec {
    /// The typed model.
    pub model: model::Spec,
    /// Every component schema as JSON Schema, by name: what a `$ref` in a translated schema
    /// points at.
    components: Map<String, Value>,
}

impl Spec {
    /// Parses the spec text (YAML).
    pub fn parse(text: &str) -> Result<Spec, String> {
        let model = model::Spec::parse(text).map_err(|e| e.to_string())?;
        let components = model
            .api()
            .components
            .iter()
            .flat_map(|c| &c.schemas)
            .map(|(name, schema)| (name.clone(), to_json_schema(&model::to_json(schema))))
            .collect();
        Ok(Spec { model, components })
    }

    /// The schema a value or reference stands for; `None` when the reference does not
    /// resolve (the checks then find no type and no properties in it).
    pub fn schema<'s, R: MaybeRef<Target = Schema>>(&'s self, schema: &'s R) -> Option<&'s Schema> {
        self.model.resolve(schema).ok()
    }

    /// The default a parameter's description states for the service ("The service's default
    /// is `X`"): filter parameters say it there rather than in `default`, which a generated
    /// client would send.
    pub fn stated_default(description: &str) -> Option<String> {
        let rest = description.split("The service's default is `").nth(1)?;
        rest.split_once('`').map(|(value, _)| value.to_string())
    }

    /// The values a schema names: its `enum` and `x-extensible-enum`, and those of its
    /// `anyOf`/`oneOf` alternatives (`true` and `false` for a boolean alternative).
    pub fn named_values(&self, schema: Option<&Schema>) -> Option<Vec<String>> {
        let schema = self.model.unwrap_schema(schema?)?;
        let mut values: Vec<String> = Vec::new();
        let mut any = false;
        if let Some(list) = model::schema_enum(schema) {
            any = true;
            values.extend(list.iter().map(model::scalar_text));
        }
        if let Some(list) = schema
            .schema_data
            .extensions
            .get("x-extensible-enum")
            .and_then(Value::as_array)
        {
            any = true;
            values.extend(list.iter().map(model::scalar_text));
        }
        for alt in self.alternatives(schema) {
            if let Some(more) = self.named_values(Some(alt)) {
                any = true;
                values.extend(more);
            } else if self.schema_type(Some(alt)) == Some("boolean") {
                values.extend(["true".to_string(), "false".to_string()]);
            }
        }
        any.then_some(values)
    }

    /// The `type` of a schema after resolving wrappers (`"object"` when it only has
    /// properties); for an `anyOf`/`oneOf` of alternatives, the type of the first one.
    pub fn schema_type<'s>(&'s self, schema: Option<&'s Schema>) -> Option<&'s str> {
        self.schema_types(schema).into_iter().next()
    }

    /// Every type a schema admits: its `type`, or the types of its `anyOf`/`oneOf`
    /// alternatives (a Flag is a string or a boolean).
    pub fn schema_types<'s>(&'s self, schema: Option<&'s Schema>) -> Vec<&'s str> {
        let Some(schema) = schema.and_then(|s| self.model.unwrap_schema(s)) else {
            return Vec::new();
        };
        if let Some(ty) = model::schema_type(schema)
            .or_else(|| model::schema_properties(schema).map(|_| "object"))
        {
            return vec![ty];
        }
        self.alternatives(schema)
            .into_iter()
            .flat_map(|alt| self.schema_types(Some(alt)))
            .collect()
    }

    /// The `format` of a schema after resolving wrappers.
    pub fn schema_format(&self, schema: Option<&Schema>) -> Option<String> {
        model::schema_format(self.model.unwrap_schema(schema?)?)
    }

    /// The alternatives of an `anyOf` or `oneOf` schema (empty for other schemas), resolved.
    fn alternatives<'s>(&'s self, schema: &'s Schema) -> Vec<&'s Schema> {
        model::any_of(schema)
            .iter()
            .chain(model::one_of(schema))
            .filter_map(|alt| self.schema(alt))
            .collect()
    }

    /// The schema of property `name` of an object schema, unresolved.
    pub fn property<'s>(
        &'s self,
        schema: &'s Schema,
        name: &str,
    ) -> Option<&'s ReferenceOr<Box<Schema>>> {
        model::schema_property(self.model.unwrap_schema(schema)?, name)
    }

    /// The properties of an object schema after resolving wrappers, resolved.
    pub fn properties<'s>(&'s self, schema: &'s Schema) -> Vec<(&'s str, &'s Schema)> {
        self.model
            .unwrap_schema(schema)
            .and_then(model::schema_properties)
            .unwrap_or_default()
            .into_iter()
            .filter_map(|(name, prop)| Some((name, self.schema(prop)?)))
            .collect()
    }

    /// The item schema of an array schema.
    pub fn items<'s>(&'s self, schema: Option<&'s Schema>) -> Option<&'s Schema> {
        let items = model::schema_items(self.model.unwrap_schema(schema?)?)?;
        self.schema(items)
    }

    /// The property names of an object schema that hold arrays of objects, with their item
    /// schemas: where a flat response table may describe the list's items.
    pub fn object_arrays<'s>(&'s self, schema: &'s Schema) -> Vec<(&'s str, &'s Schema)> {
        let mut out = Vec::new();
        for (name, prop) in self.properties(schema) {
            if self.schema_type(Some(prop)) == Some("array")
                && let Some(items) = self.items(Some(prop))
                && self.schema_type(Some(items)) == Some("object")
            {
                out.push((name, items));
            }
        }
        out
    }

    /// A JSON Schema document (draft 2020-12) that validates instances of `schema` (a
    /// missing schema admits nothing): the schema itself with every component schema beside
    /// it, OpenAPI 3.0's `nullable` translated and extension keywords dropped.
    pub fn json_schema(&self, schema: Option<&ReferenceOr<Schema>>) -> Value {
        let schema = schema.map(model::to_json).unwrap_or(Value::Null);
        let mut root = match to_json_schema(&schema) {
            Value::Object(map) => map,
            other => {
                let mut map = Map::new();
                map.insert("allOf".into(), json!([other]));
                map
            }
        };
        root.insert(
            "components".into(),
            json!({ "schemas": self.components.clone() }),
        );
        Value::Object(root)
    }
}

/// Translates one OpenAPI 3.0 schema object (as JSON) into JSON Schema.
fn to_json_schema(schema: &Value) -> Value {
    let Value::Object(map) = schema else {
        return schema.clone();
    };
    let nullable = map
        .get("nullable")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let mut out = Map::new();
    for (key, value) in map {
        if key.starts_with("x-")
            || matches!(
                key.as_str(),
                "nullable" | "example" | "discriminator" | "xml" | "externalDocs"
            )
        {
            continue;
        }
        let translated = match key.as_str() {
            "properties" => Value::Object(
                value
                    .as_object()
                    .map(|props| {
                        props
                            .iter()
                            .map(|(k, v)| (k.clone(), to_json_schema(v)))
                            .collect()
                    })
                    .unwrap_or_default(),
            ),
            "items" | "additionalProperties" | "not" => to_json_schema(value),
            "allOf" | "anyOf" | "oneOf" => Value::Array(
                value
                    .as_array()
                    .map(|l| l.iter().map(to_json_schema).collect())
                    .unwrap_or_default(),
            ),
            _ => value.clone(),
        };
        out.insert(key.clone(), translated);
    }
    if !nullable {
        return Value::Object(out);
    }
    if let Some(Value::String(ty)) = out.get("type").cloned() {
        out.insert("type".into(), json!([ty, "null"]));
        if let Some(Value::Array(values)) = out.get_mut("enum") {
            values.push(Value::Null);
        }
        Value::Object(out)
    } else {
        json!({ "anyOf": [Value::Object(out), { "type": "null" }] })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nullable_becomes_a_null_type() {
        let s = to_json_schema(&json!({"type": "integer", "nullable": true, "x-foo": 1}));
        assert_eq!(s, json!({"type": ["integer", "null"]}));
        let r = to_json_schema(&json!({"$ref": "#/components/schemas/A", "nullable": true}));
        assert_eq!(
            r,
            json!({"anyOf": [{"$ref": "#/components/schemas/A"}, {"type": "null"}]})
        );
    }

    #[test]
    fn wrappers_resolve_to_the_named_schema() {
        let spec = Spec::parse(
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    D:\n      type: string\n      x-extensible-enum: [a, b]\n    W:\n      allOf: [{$ref: '#/components/schemas/D'}]\n      default: a\n",
        )
        .unwrap();
        let wrapped = spec.model.schema_named("W");
        assert_eq!(spec.schema_type(wrapped), Some("string"));
        assert_eq!(
            spec.named_values(wrapped),
            Some(vec!["a".to_string(), "b".to_string()])
        );
        assert_eq!(
            spec.model.schema_default(wrapped.unwrap()),
            Some(&json!("a"))
        );
        // The JSON Schema of a reference carries the component beside it, translated.
        let document = spec.json_schema(Some(&ReferenceOr::ref_("#/components/schemas/W")));
        assert_eq!(
            document["components"]["schemas"]["D"],
            json!({"type": "string"})
        );
        let validator = jsonschema::validator_for(&document).unwrap();
        assert!(validator.is_valid(&json!("anything")) && !validator.is_valid(&json!(1)));
    }
}
