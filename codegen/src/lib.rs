//! Generates the Rust client from `openapi/ims.yaml` with progenitor.
//!
//! Used by the client crate's `build.rs` (at build time) and by `xtask` (to write the snapshot
//! of the generated code and check that derived files are fresh), so the generator settings
//! live here once.

mod cli;
mod rewrite;
pub mod spec;
pub mod values;

use std::fmt;

use progenitor::{GenerationSettings, Generator, InterfaceStyle, TypeImpl};

/// Spec schemas that the generated code takes from the hand-written `crate::values` module
/// instead of generating: open enums that keep values the spec does not list.
pub const REPLACED_SCHEMAS: &[(&str, &str)] = &[
    ("Flag", "crate::values::Flag"),
    ("ImageStatus", "crate::values::ImageStatus"),
    ("Visibility", "crate::values::Visibility"),
    ("DiskFormat", "crate::values::DiskFormat"),
    ("ContainerFormat", "crate::values::ContainerFormat"),
    ("ImageType", "crate::values::ImageType"),
    ("OsType", "crate::values::OsType"),
    ("OsBit", "crate::values::OsBit"),
    ("Platform", "crate::values::Platform"),
    ("MemberStatus", "crate::values::MemberStatus"),
    ("SortKey", "crate::values::SortKey"),
    ("VirtualEnvType", "crate::values::VirtualEnvType"),
    ("FirmwareType", "crate::values::FirmwareType"),
    ("LinkRel", "crate::values::LinkRel"),
];

/// Why the spec could not be turned into code.
#[derive(Debug)]
pub enum CodegenError {
    /// The file is not valid YAML, or not an OpenAPI 3.0 document; the message names the
    /// line and column.
    Parse(String),
    /// progenitor rejected the document (for example a missing operationId).
    Generate(String),
    /// progenitor produced tokens that are not a Rust file (a generator bug).
    Print(String),
    /// progenitor's output is not in the shape our rewrite of it expects (a generator
    /// upgrade changed it); the message says what was missing.
    Rewrite(String),
}

impl fmt::Display for CodegenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CodegenError::Parse(m) => write!(
                f,
                "openapi/ims.yaml is not a valid OpenAPI 3.0 document: {m}"
            ),
            CodegenError::Generate(m) => write!(
                f,
                "progenitor cannot generate a client from openapi/ims.yaml: {m}"
            ),
            CodegenError::Print(m) => write!(f, "progenitor produced invalid Rust: {m}"),
            CodegenError::Rewrite(m) => write!(f, "cannot rewrite progenitor's output: {m}"),
        }
    }
}

impl std::error::Error for CodegenError {}

/// Parses the spec text into the OpenAPI model, with errors that name the place in the file.
pub fn parse_spec(spec_yaml: &str) -> Result<openapiv3::OpenAPI, CodegenError> {
    serde_norway::from_str(spec_yaml).map_err(|e| CodegenError::Parse(e.to_string()))
}

/// The settings the client is generated with: builder-style calls and the hand-written
/// open enums in place of the string schemas listed in [`REPLACED_SCHEMAS`].
pub fn settings() -> GenerationSettings {
    let mut settings = GenerationSettings::new();
    settings.with_interface(InterfaceStyle::Builder);
    // Every client carries the hand-written `crate::Context` (credentials, retry policy,
    // limits), which the response pipeline (`src/pipeline.rs`) reads for each request.
    settings.with_inner_type(quote::quote!(crate::Context));
    for (schema, rust_type) in REPLACED_SCHEMAS {
        settings.with_replacement(
            schema,
            rust_type,
            [TypeImpl::Display, TypeImpl::FromStr].into_iter(),
        );
    }
    settings
}

/// Generates the client source (formatted Rust) from the spec text: progenitor's output with
/// our changes to it (see `rewrite.rs`).
pub fn generate(spec_yaml: &str) -> Result<String, CodegenError> {
    generate_from(&spec::Spec::parse(spec_yaml)?)
}

/// Generates the client source from the already loaded spec (see [`generate`]).
pub fn generate_from(spec: &spec::Spec) -> Result<String, CodegenError> {
    Ok(generate_all_from(spec)?.client)
}

/// What [`generate_all`] makes from the spec.
pub struct Generated {
    /// The client (formatted Rust), included by `src/generated.rs`.
    pub client: String,
    /// The command-line surface of every operation (see `cli.rs`), included by the `ims`
    /// binary.
    pub cli: String,
}

/// Generates the client and its command-line surface from the spec text.
pub fn generate_all(spec_yaml: &str) -> Result<Generated, CodegenError> {
    generate_all_from(&spec::Spec::parse(spec_yaml)?)
}

/// Generates the client and its command-line surface from the already loaded spec.
pub fn generate_all_from(spec: &spec::Spec) -> Result<Generated, CodegenError> {
    let mut settings = settings();
    for (schema, rust_type) in values::replacements(spec.api())? {
        settings.with_replacement(
            schema,
            rust_type,
            [TypeImpl::Display, TypeImpl::FromStr].into_iter(),
        );
    }
    let mut generator = Generator::new(&settings);
    let tokens = generator
        .generate_tokens(spec.api())
        .map_err(|e| CodegenError::Generate(e.to_string()))?;
    let mut file: syn::File =
        syn::parse2(tokens).map_err(|e| CodegenError::Print(e.to_string()))?;
    rewrite::apply(&mut file, &parameter_docs(spec)?)?;
    let cli = cli::generate(spec, &file)?;
    Ok(Generated {
        client: prettyplease::unparse(&file),
        cli,
    })
}

/// The description of every parameter, by operation and parameter, under the names of the
/// generated methods and setters.
fn parameter_docs(spec: &spec::Spec) -> Result<rewrite::ParamDocs, CodegenError> {
    let operations = spec
        .operations()
        .map_err(|e| CodegenError::Generate(e.to_string()))?;
    let mut docs = rewrite::ParamDocs::new();
    for operation in &operations {
        let Some(id) = &operation.op.operation_id else {
            continue;
        };
        let params = docs.entry(rewrite::field_name(id)).or_default();
        for param in &operation.params {
            let data = param.parameter_data_ref();
            if let Some(description) = &data.description {
                params.insert(rewrite::field_name(&data.name), description.clone());
            }
        }
    }
    Ok(docs)
}
