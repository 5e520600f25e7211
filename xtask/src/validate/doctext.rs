//! What a table row's prose states in a checkable form: the values a field may take, its
//! default, and how its "Type" column maps onto JSON Schema types.

use std::sync::LazyLock;

use regex::Regex;

/// A table's "Type" column, understood.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocType {
    /// `String`
    String,
    /// `Integer`
    Integer,
    /// `Long` (a 64-bit integer)
    Long,
    /// `Boolean`
    Boolean,
    /// `Array of strings`
    ArrayOfStrings,
    /// `Array of objects`
    ArrayOfObjects,
    /// `Object`
    Object,
}

impl DocType {
    /// Reads a "Type" cell; `None` for a type the validator does not know.
    pub fn parse(text: &str) -> Option<DocType> {
        let text = text.trim().to_ascii_lowercase();
        Some(match text.as_str() {
            "string" => DocType::String,
            "integer" | "int" => DocType::Integer,
            "long" => DocType::Long,
            "boolean" | "bool" => DocType::Boolean,
            "array of strings" | "array of string" => DocType::ArrayOfStrings,
            "array of objects" | "array of object" => DocType::ArrayOfObjects,
            "object" => DocType::Object,
            _ => return None,
        })
    }

    /// The JSON Schema `type` the spec must give, and for arrays the type of the items.
    pub fn schema_types(self) -> (&'static str, Option<&'static str>) {
        match self {
            DocType::String => ("string", None),
            DocType::Integer | DocType::Long => ("integer", None),
            DocType::Boolean => ("boolean", None),
            DocType::ArrayOfStrings => ("array", Some("string")),
            DocType::ArrayOfObjects => ("array", Some("object")),
            DocType::Object => ("object", None),
        }
    }

    /// Whether a JSON value in an example has this type (`null` is judged by the spec's
    /// `nullable`, not here, so it passes).
    pub fn admits(self, value: &serde_json::Value) -> bool {
        use serde_json::Value;
        match (self, value) {
            (_, Value::Null) => true,
            (DocType::String, Value::String(_)) => true,
            (DocType::Integer | DocType::Long, Value::Number(n)) => n.is_i64() || n.is_u64(),
            (DocType::Boolean, Value::Bool(_)) => true,
            (DocType::ArrayOfStrings, Value::Array(items)) => items.iter().all(Value::is_string),
            (DocType::ArrayOfObjects, Value::Array(items)) => items.iter().all(Value::is_object),
            (DocType::Object, Value::Object(_)) => true,
            _ => false,
        }
    }
}

/// Sentences that list a field's values inline: "The value can be a, b, or c."
static INLINE_VALUES: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:^|\.\s+|\n)(?:the|its) value (?:can be|is) (?:an attribute of the image: )?((?:[A-Za-z0-9_]+(?: \(default\))?)(?:(?:, |,? or )(?:[A-Za-z0-9_]+(?: [A-Z][a-z]+)?(?: \(default\))?))+)\.")
        .expect("valid regex")
});

/// Introductions of a list of values, one per following line.
static LIST_INTRO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:available values include|the value can be one of the following|the value can be):\s*$")
        .expect("valid regex")
});

/// A list line naming a value: `queued: ...`, `bios indicates ...`, `public: ...`.
static LIST_VALUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:-\s*)?([A-Za-z0-9_]+)(?::| indicates |\s*$)").expect("valid regex")
});

/// The values a description says a field takes, or `None` when it states no closed list.
pub fn documented_values(description: &str) -> Option<Vec<String>> {
    if let Some(captures) = INLINE_VALUES.captures(description) {
        let list = captures.get(1).map(|m| m.as_str()).unwrap_or_default();
        let values = list
            .split(", ")
            .flat_map(|part| part.split(" or "))
            .map(|v| {
                v.trim()
                    .trim_start_matches("or ")
                    .trim_end_matches(" (default)")
                    .trim()
            })
            .filter(|v| !v.is_empty())
            .map(str::to_string)
            .collect::<Vec<_>>();
        if values.len() >= 2 {
            return Some(values);
        }
    }
    let lines: Vec<&str> = description.lines().collect();
    let start = lines
        .iter()
        .position(|line| LIST_INTRO.is_match(line.trim()))?;
    let values: Vec<String> = lines[start + 1..]
        .iter()
        .map_while(|line| LIST_VALUE.captures(line).map(|c| c[1].to_string()))
        .collect();
    (values.len() >= 2).then_some(values)
}

/// Phrases that state a default value.
static DEFAULT_PATTERNS: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    [
        r"(?i)the default value is ([A-Za-z0-9_]+)",
        r"(?i)(?:^|\n)default value:\s*([A-Za-z0-9_]+)",
        r"(?i)is ([0-9]+) by default",
        r"(?i)by default, ([0-9]+) ",
    ]
    .iter()
    .map(|p| Regex::new(p).expect("valid regex"))
    .collect()
});

/// The default a description states, if any.
pub fn documented_default(description: &str) -> Option<String> {
    DEFAULT_PATTERNS
        .iter()
        .find_map(|re| re.captures(description).map(|c| c[1].to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_value_lists() {
        assert_eq!(
            documented_values(
                "Specifies the image format. The value can be vhd, raw, zvhd, or qcow2. The default value is vhd."
            ),
            Some(vec![
                "vhd".into(),
                "raw".into(),
                "zvhd".into(),
                "qcow2".into()
            ])
        );
        assert_eq!(
            documented_values("Whether sorted. Its value can be desc (default) or asc. More."),
            Some(vec!["desc".into(), "asc".into()])
        );
        assert_eq!(
            documented_values(
                "The value can be Windows, Ubuntu, Oracle Linux, Fedora, or EulerOS."
            ),
            Some(vec![
                "Windows".into(),
                "Ubuntu".into(),
                "Oracle Linux".into(),
                "Fedora".into(),
                "EulerOS".into()
            ])
        );
        assert_eq!(documented_values("Specifies the image ID."), None);
        assert_eq!(documented_values("The value can be true."), None);
    }

    #[test]
    fn listed_values() {
        let text = "Specifies the image status. The value can be one of the following:\nqueued: created\nsaving: uploading\nactive: ready";
        assert_eq!(
            documented_values(text),
            Some(vec!["queued".into(), "saving".into(), "active".into()])
        );
        let text = "Specifies the ECS boot mode. Available values include:\nbios indicates the BIOS boot mode.\nuefi indicates the UEFI boot mode.";
        assert_eq!(
            documented_values(text),
            Some(vec!["bios".into(), "uefi".into()])
        );
        let text = "Sorts.\nThe value can be:\nname: image name\nsize: unavailable value now\nDefault value:\ncreated_at";
        assert_eq!(
            documented_values(text),
            Some(vec!["name".into(), "size".into()])
        );
    }

    #[test]
    fn defaults() {
        assert_eq!(
            documented_default("The default value is create_at."),
            Some("create_at".into())
        );
        assert_eq!(
            documented_default("The value is an integer and is 500 by default."),
            Some("500".into())
        );
        assert_eq!(
            documented_default("The value is an integer. By default, 25 images can be queried."),
            Some("25".into())
        );
        assert_eq!(
            documented_default("Sorts.\nname: image name\nDefault value:\ncreated_at"),
            Some("created_at".into())
        );
        assert_eq!(documented_default("Specifies the name."), None);
    }

    #[test]
    fn types() {
        assert_eq!(
            DocType::parse("Array of strings"),
            Some(DocType::ArrayOfStrings)
        );
        assert!(DocType::Long.admits(&serde_json::json!(5)));
        assert!(!DocType::Integer.admits(&serde_json::json!("5")));
    }
}
