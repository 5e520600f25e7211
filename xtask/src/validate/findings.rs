//! What a check reports: one disagreement between the docs and the spec, or inside the docs.

use serde::Serialize;

/// The kinds of finding, grouped by the check that makes them.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum Check {
    /// (a) A documented operation is not in the spec.
    OperationMissing,
    /// (a) The spec has an operation no page documents.
    OperationUndocumented,
    /// (a) The page says discarded/abandoned but the spec does not mark it deprecated, or the
    /// other way round.
    DeprecatedMismatch,
    /// (a) An error status the page lists is not a response of the spec's operation.
    StatusMissing,
    /// (b) A documented parameter is not in the spec.
    ParamMissing,
    /// (b) The spec has the parameter in another location (path, query).
    ParamLocation,
    /// (b) The spec's type is not the documented one.
    ParamType,
    /// (b) The required flag differs.
    ParamRequired,
    /// (b) A value the table allows is not among the spec's values.
    ParamValues,
    /// (b) The spec's default is not the documented one.
    ParamDefault,
    /// (b) The spec has a parameter the page does not document.
    ParamUndocumented,
    /// (c) A documented response field is not in the response schema.
    FieldMissing,
    /// (c) The schema's type is not the documented one.
    FieldType,
    /// (c) A value the table allows is not among the schema's values.
    FieldValues,
    /// (d) An example request matches no operation.
    RequestUnmatched,
    /// (d) An example request uses a query parameter the operation does not have.
    RequestParamUnknown,
    /// (d) An example request's value is not valid for its parameter's schema.
    RequestValueInvalid,
    /// (e) An example response does not validate against the operation's response schema.
    ResponseInvalid,
    /// (e) An example response has a status the operation does not declare.
    ResponseStatusUnknown,
    /// (f) An example has a field no table of its page lists.
    ExampleFieldUndocumented,
    /// (f) An example value has another type than its table states.
    ExampleTypeContradicts,
    /// (f) An example value is not among the values its table allows.
    ExampleValueUndocumented,
    /// The example attached to the spec's operation is not the page's example.
    SpecExampleDiffers,
    /// (g) An attribute of the attributes page is not a property of the `Image` schema.
    AttributeMissing,
    /// (g) The `Image` schema types an attribute otherwise than the attributes page.
    AttributeType,
    /// (g) A value the attributes page allows is not among the schema's values.
    AttributeValues,
}

impl Check {
    /// The kebab-case name used in reports and in `openapi/errata.yaml`.
    pub fn name(self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    }
}

/// One disagreement.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    /// What kind of disagreement.
    pub check: Check,
    /// The generation of the docs: `first` (`openapi/docs/`) or `current`
    /// (`openapi/docs/current/`).
    pub generation: String,
    /// The page (its file name), or `openapi/ims.yaml` for spec-only findings.
    pub page: String,
    /// The operationId concerned (`schema Image` for the attributes page), where there is one.
    pub operation: Option<String>,
    /// Where on the page: table caption or example, with its line.
    pub location: String,
    /// The parameter, field (dotted path for nested ones) or operation.
    pub field: String,
    /// What disagrees, in a sentence.
    pub message: String,
}
