//! Read access to `openapi/ims.yaml` for the checks: operations, their parameters and
//! response schemas, with `$ref`s resolved, and the translation of OpenAPI 3.0 schemas into
//! JSON Schema for a real validator.

use serde_json::{Map, Value, json};

/// The spec, held as JSON so any part of it can be walked.
pub struct Spec {
    /// The whole document.
    pub doc: Value,
}

/// One operation of the spec.
pub struct SpecOperation<'a> {
    /// `GET`, upper case.
    pub method: String,
    /// Path template as the spec writes it.
    pub path: String,
    /// The operation object.
    pub op: &'a Value,
}

impl<'a> SpecOperation<'a> {
    /// The operationId, or the method and path when it has none.
    pub fn id(&self) -> String {
        self.op
            .get("operationId")
            .and_then(Value::as_str)
            .map(str::to_string)
            .unwrap_or_else(|| format!("{} {}", self.method, self.path))
    }

    /// Whether the operation is marked `deprecated: true`.
    pub fn deprecated(&self) -> bool {
        self.op
            .get("deprecated")
            .and_then(Value::as_bool)
            .unwrap_or(false)
    }
}

/// The HTTP methods an OpenAPI path item can hold.
const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

impl Spec {
    /// Parses the spec text (YAML).
    pub fn parse(text: &str) -> Result<Spec, String> {
        let doc: Value =
            serde_norway::from_str(text).map_err(|e| format!("openapi/ims.yaml: {e}"))?;
        Ok(Spec { doc })
    }

    /// Every operation, in the order of the document.
    pub fn operations(&self) -> Vec<SpecOperation<'_>> {
        let mut out = Vec::new();
        if let Some(paths) = self.doc.get("paths").and_then(Value::as_object) {
            for (path, item) in paths {
                for method in METHODS {
                    if let Some(op) = item.get(*method) {
                        out.push(SpecOperation {
                            method: method.to_uppercase(),
                            path: path.clone(),
                            op,
                        });
                    }
                }
            }
        }
        out
    }

    /// Follows `$ref` until a value that is not a reference (at most 32 steps).
    pub fn deref<'s>(&'s self, mut value: &'s Value) -> &'s Value {
        for _ in 0..32 {
            match value.get("$ref").and_then(Value::as_str) {
                Some(reference) => match self.pointer(reference) {
                    Some(target) => value = target,
                    None => return value,
                },
                None => return value,
            }
        }
        value
    }

    /// The value a local reference (`#/components/...`) points at.
    pub fn pointer(&self, reference: &str) -> Option<&Value> {
        self.doc.pointer(reference.strip_prefix('#')?)
    }

    /// The parameters of an operation (path-level ones included), references resolved.
    pub fn parameters<'s>(&'s self, op: &SpecOperation<'s>) -> Vec<&'s Value> {
        let mut out: Vec<&Value> = Vec::new();
        let path_level = self
            .doc
            .get("paths")
            .and_then(|p| p.get(&op.path))
            .and_then(|item| item.get("parameters"))
            .and_then(Value::as_array);
        let op_level = op.op.get("parameters").and_then(Value::as_array);
        for list in [path_level, op_level].into_iter().flatten() {
            for param in list {
                let param = self.deref(param);
                let key = (param.get("name"), param.get("in"));
                out.retain(|p| (p.get("name"), p.get("in")) != key);
                out.push(param);
            }
        }
        out
    }

    /// The response object for a status (`"200"`), references resolved.
    pub fn response<'s>(&'s self, op: &SpecOperation<'s>, status: u16) -> Option<&'s Value> {
        let response = op.op.get("responses")?.get(status.to_string())?;
        Some(self.deref(response))
    }

    /// The JSON media type object of a response.
    pub fn json_media<'s>(&'s self, response: &'s Value) -> Option<&'s Value> {
        response.get("content")?.get("application/json")
    }

    /// Strips `$ref` and single-entry `allOf` wrappers to reach the schema that says what a
    /// value is; a `default` beside the wrapper is kept by [`Spec::schema_default`].
    pub fn resolve_schema<'s>(&'s self, schema: &'s Value) -> &'s Value {
        let mut schema = self.deref(schema);
        for _ in 0..32 {
            match schema.get("allOf").and_then(Value::as_array) {
                Some(parts) if parts.len() == 1 => schema = self.deref(&parts[0]),
                _ => break,
            }
        }
        schema
    }

    /// The default a parameter's description states for the service ("The service's default
    /// is `X`"): filter parameters say it there rather than in `default`, which a generated
    /// client would send.
    pub fn stated_default(description: &str) -> Option<String> {
        let rest = description.split("The service's default is `").nth(1)?;
        rest.split_once('`').map(|(value, _)| value.to_string())
    }

    /// The `default` of a schema, looking through reference wrappers.
    pub fn schema_default<'s>(&'s self, schema: &'s Value) -> Option<&'s Value> {
        schema
            .get("default")
            .or_else(|| self.resolve_schema(schema).get("default"))
    }

    /// The values a schema names: its `enum` and `x-extensible-enum`, and those of its
    /// `anyOf`/`oneOf` alternatives (`true` and `false` for a boolean alternative).
    pub fn named_values(&self, schema: &Value) -> Option<Vec<String>> {
        let schema = self.resolve_schema(schema);
        let mut values: Vec<String> = Vec::new();
        let mut any = false;
        for key in ["enum", "x-extensible-enum"] {
            if let Some(list) = schema.get(key).and_then(Value::as_array) {
                any = true;
                values.extend(list.iter().map(scalar_text));
            }
        }
        for alt in self.alternatives(schema) {
            if let Some(more) = self.named_values(alt) {
                any = true;
                values.extend(more);
            } else if self.schema_type(alt) == Some("boolean") {
                values.extend(["true".to_string(), "false".to_string()]);
            }
        }
        any.then_some(values)
    }

    /// The `type` of a schema after resolving wrappers (`"object"` when it only has
    /// properties); for an `anyOf`/`oneOf` of alternatives, the type of the first one.
    pub fn schema_type<'s>(&'s self, schema: &'s Value) -> Option<&'s str> {
        self.schema_types(schema).into_iter().next()
    }

    /// Every type a schema admits: its `type`, or the types of its `anyOf`/`oneOf`
    /// alternatives (a Flag is a string or a boolean).
    pub fn schema_types<'s>(&'s self, schema: &'s Value) -> Vec<&'s str> {
        let schema = self.resolve_schema(schema);
        if let Some(ty) = schema
            .get("type")
            .and_then(Value::as_str)
            .or_else(|| schema.get("properties").map(|_| "object"))
        {
            return vec![ty];
        }
        self.alternatives(schema)
            .into_iter()
            .flat_map(|alt| self.schema_types(alt))
            .collect()
    }

    /// The alternatives of an `anyOf` or `oneOf` schema (empty for other schemas).
    fn alternatives<'s>(&'s self, schema: &'s Value) -> Vec<&'s Value> {
        ["anyOf", "oneOf"]
            .iter()
            .filter_map(|k| schema.get(*k).and_then(Value::as_array))
            .flatten()
            .collect()
    }

    /// The schema of property `name` of an object schema.
    pub fn property<'s>(&'s self, schema: &'s Value, name: &str) -> Option<&'s Value> {
        self.resolve_schema(schema).get("properties")?.get(name)
    }

    /// The item schema of an array schema.
    pub fn items<'s>(&'s self, schema: &'s Value) -> Option<&'s Value> {
        self.resolve_schema(schema).get("items")
    }

    /// The property names of an object schema that hold arrays of objects, with their item
    /// schemas: where a flat response table may describe the list's items.
    pub fn object_arrays<'s>(&'s self, schema: &'s Value) -> Vec<(&'s str, &'s Value)> {
        let mut out = Vec::new();
        if let Some(props) = self
            .resolve_schema(schema)
            .get("properties")
            .and_then(Value::as_object)
        {
            for (name, prop) in props {
                if self.schema_type(prop) == Some("array")
                    && let Some(items) = self.items(prop)
                    && self.schema_type(items) == Some("object")
                {
                    out.push((name.as_str(), items));
                }
            }
        }
        out
    }

    /// A JSON Schema document (draft 2020-12) that validates instances of `schema`: the
    /// schema itself with every component schema beside it, OpenAPI 3.0's `nullable`
    /// translated and extension keywords dropped.
    pub fn json_schema(&self, schema: &Value) -> Value {
        let mut root = match to_json_schema(schema) {
            Value::Object(map) => map,
            other => {
                let mut map = Map::new();
                map.insert("allOf".into(), json!([other]));
                map
            }
        };
        let components = self
            .doc
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .map(|schemas| {
                schemas
                    .iter()
                    .map(|(name, s)| (name.clone(), to_json_schema(s)))
                    .collect::<Map<String, Value>>()
            })
            .unwrap_or_default();
        root.insert("components".into(), json!({ "schemas": components }));
        Value::Object(root)
    }
}

/// Translates one OpenAPI 3.0 schema object into JSON Schema.
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

/// A scalar as the text a query string or an enum list would hold.
pub fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
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
            "components:\n  schemas:\n    D:\n      type: string\n      x-extensible-enum: [a, b]\n",
        )
        .unwrap();
        let wrapped = json!({"allOf": [{"$ref": "#/components/schemas/D"}], "default": "a"});
        assert_eq!(spec.schema_type(&wrapped), Some("string"));
        assert_eq!(
            spec.named_values(&wrapped),
            Some(vec!["a".to_string(), "b".to_string()])
        );
        assert_eq!(spec.schema_default(&wrapped), Some(&json!("a")));
    }
}
