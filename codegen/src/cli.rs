//! The command-line surface of the spec: one clap command per operation, one flag per
//! parameter, generated from `openapi/ims.yaml` and the generated client.
//!
//! For each operation the output (`$OUT_DIR/ims_cli.rs`, included by the `ims` binary) has:
//!
//! - `<operation>_args(clap::Command) -> clap::Command`: a flag per query parameter and a
//!   positional argument per path parameter, with the spec's description as help. Values are
//!   parsed into the parameter's Rust type: integers within the spec's `minimum`/`maximum`
//!   (and the type's range), closed enums from their listed values, open enums from any
//!   string (the known values named in the help), arrays as a repeatable flag;
//! - `<operation>_apply(builder, &ArgMatches) -> builder`: each given value handed to the
//!   builder's setter of that parameter;
//! - [`OPERATIONS`]-like table `OPERATIONS`: every operation's command name, summary,
//!   deprecation and whether it pages;
//! - `run_operation(client, command, matches, sink)`: sends the operation and hands its
//!   answer (every page, for a list) to the binary's output.
//!
//! So a parameter added to the spec is a flag without hand work. The parameter types come
//! from the generated builders (their fields), the constraints and descriptions from the spec.

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{Parameter, Schema, SchemaKind, Type};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::{File, ImplItem, Item};

use crate::CodegenError;
use crate::spec::{MaybeRef, Spec};

/// Parameters whose flag is not their name: the spec's `limit` is a page size, and the
/// command line's `--limit` is a total, as in `openstack image list`.
const FLAG_NAMES: &[(&str, &str)] = &[("limit", "page-size")];

/// One operation as the command line sees it.
struct Operation {
    /// The generated method and the stem of the generated functions (`list_images`).
    method: String,
    /// The command name (`list-images`).
    command: String,
    /// The builder type (`ListImages`).
    builder: String,
    summary: String,
    description: String,
    deprecated: bool,
    paged: bool,
    params: Vec<Param>,
}

/// One parameter as a flag or a positional argument.
struct Param {
    /// The name on the wire (`__imagetype`).
    api_name: String,
    /// The builder's setter and the clap argument id (`imagetype`).
    field: String,
    /// The flag (`imagetype`), without the leading `--`.
    flag: String,
    positional: bool,
    required: bool,
    description: String,
    shape: Shape,
    /// The Rust type of the builder field, as a path usable from the binary.
    rust_type: TokenStream,
}

/// What values a parameter takes, from its schema.
#[derive(Clone, Debug, PartialEq)]
enum Shape {
    Integer {
        min: Option<i64>,
        max: Option<i64>,
    },
    Boolean,
    /// A string; `closed` holds the only values the service takes, `known` the values known
    /// today of an open set.
    Text {
        closed: Vec<String>,
        known: Vec<String>,
    },
    Array(Box<Shape>),
}

/// The CLI source for `spec`, whose generated (and rewritten) client is `client`.
pub fn generate(spec: &Spec, client: &File) -> Result<String, CodegenError> {
    let methods = client_methods(client)?;
    let fields = builder_fields(client)?;
    let paged = paged_builders(client);
    let mut operations = Vec::new();
    let spec_error = |e: crate::spec::SpecError| CodegenError::Generate(e.to_string());
    for spec_operation in spec.operations().map_err(spec_error)? {
        let operation = spec_operation.op;
        let id = operation.operation_id.as_deref().ok_or_else(|| {
            CodegenError::Generate(format!(
                "{} {} has no operationId",
                spec_operation.method, spec_operation.path
            ))
        })?;
        let method_name = crate::rewrite::field_name(id);
        let builder = methods.get(&method_name).cloned().ok_or_else(|| {
            CodegenError::Rewrite(format!("no generated method {method_name} for {id}"))
        })?;
        let builder_fields = fields.get(&builder).ok_or_else(|| {
            CodegenError::Rewrite(format!("no builder struct {builder} for {id}"))
        })?;
        let mut params = Vec::new();
        let mut flags = BTreeSet::new();
        for param in &spec_operation.params {
            let (data, positional) = match param {
                Parameter::Query { parameter_data, .. } => (parameter_data, false),
                Parameter::Path { parameter_data, .. } => (parameter_data, true),
                _ => continue,
            };
            let field = crate::rewrite::field_name(&data.name);
            let rust_type = builder_fields.get(&field).ok_or_else(|| {
                CodegenError::Rewrite(format!("{builder} has no field {field} for {}", data.name))
            })?;
            let schema = match &data.format {
                openapiv3::ParameterSchemaOrContent::Schema(schema) => schema,
                openapiv3::ParameterSchemaOrContent::Content(_) => {
                    return Err(CodegenError::Generate(format!(
                        "{id}: parameter {} has content, not a schema",
                        data.name
                    )));
                }
            };
            let flag = FLAG_NAMES
                .iter()
                .find(|(name, _)| *name == data.name)
                .map(|(_, flag)| flag.to_string())
                .unwrap_or_else(|| field.replace('_', "-"));
            if !flags.insert(flag.clone()) {
                return Err(CodegenError::Generate(format!(
                    "{id}: two parameters make the flag --{flag}"
                )));
            }
            params.push(Param {
                api_name: data.name.clone(),
                field,
                flag,
                positional,
                required: data.required,
                description: data.description.clone().unwrap_or_default(),
                shape: shape(spec, schema, 0)?,
                rust_type: binary_path(rust_type)?,
            });
        }
        params.sort_by_key(|p| !p.positional);
        operations.push(Operation {
            command: method_name.replace('_', "-"),
            paged: paged.contains(&builder),
            builder,
            method: method_name,
            summary: operation.summary.clone().unwrap_or_default(),
            description: operation.description.clone().unwrap_or_default(),
            deprecated: operation.deprecated,
            params,
        });
    }
    let tokens = render(&operations);
    let file: File = syn::parse2(tokens).map_err(|e| CodegenError::Print(e.to_string()))?;
    Ok(prettyplease::unparse(&file))
}

/// `impl Client { pub fn list_images(&self) -> builder::ListImages<'_> }`: method to builder.
fn client_methods(client: &File) -> Result<BTreeMap<String, String>, CodegenError> {
    let mut out = BTreeMap::new();
    for item in &client.items {
        let Item::Impl(imp) = item else { continue };
        let is_client = imp.trait_.is_none()
            && matches!(&*imp.self_ty, syn::Type::Path(p) if p.path.is_ident("Client"));
        if !is_client {
            continue;
        }
        for item in &imp.items {
            let ImplItem::Fn(f) = item else { continue };
            let syn::ReturnType::Type(_, ty) = &f.sig.output else {
                continue;
            };
            let syn::Type::Path(p) = &**ty else { continue };
            let segments: Vec<_> = p.path.segments.iter().collect();
            if let [module, builder] = segments.as_slice()
                && module.ident == "builder"
            {
                out.insert(f.sig.ident.to_string(), builder.ident.to_string());
            }
        }
    }
    if out.is_empty() {
        return Err(CodegenError::Rewrite(
            "no `impl Client` method returns a builder".into(),
        ));
    }
    Ok(out)
}

/// The parameter fields of each builder struct with their value types
/// (`imagetype: Result<Option<T>, String>` gives `T`).
fn builder_fields(
    client: &File,
) -> Result<BTreeMap<String, BTreeMap<String, syn::Type>>, CodegenError> {
    let mut out = BTreeMap::new();
    for item in builder_items(client)? {
        let Item::Struct(s) = item else { continue };
        let mut fields = BTreeMap::new();
        for field in &s.fields {
            let Some(name) = &field.ident else { continue };
            if name == "client" {
                continue;
            }
            let value = generic_arg(&field.ty, "Result")
                .map(|ok| generic_arg(&ok, "Option").unwrap_or(ok))
                .ok_or_else(|| {
                    CodegenError::Rewrite(format!(
                        "builder::{}::{name} is not a Result<_, String>",
                        s.ident
                    ))
                })?;
            fields.insert(name.to_string(), value);
        }
        out.insert(s.ident.to_string(), fields);
    }
    Ok(out)
}

/// The builders with `into_pages()` (the list operations).
fn paged_builders(client: &File) -> BTreeSet<String> {
    let Ok(items) = builder_items(client) else {
        return BTreeSet::new();
    };
    let mut out = BTreeSet::new();
    for item in items {
        let Item::Impl(imp) = item else { continue };
        let has_pages = imp
            .items
            .iter()
            .any(|i| matches!(i, ImplItem::Fn(f) if f.sig.ident == "into_pages"));
        if let (true, syn::Type::Path(p)) = (has_pages, &*imp.self_ty)
            && let Some(last) = p.path.segments.last()
        {
            out.insert(last.ident.to_string());
        }
    }
    out
}

fn builder_items(client: &File) -> Result<&[Item], CodegenError> {
    client
        .items
        .iter()
        .find_map(|item| match item {
            Item::Mod(m) if m.ident == "builder" => m.content.as_ref().map(|(_, i)| &i[..]),
            _ => None,
        })
        .ok_or_else(|| CodegenError::Rewrite("no mod builder".into()))
}

/// The first generic argument of `ty` when its last segment is `wrapper`.
fn generic_arg(ty: &syn::Type, wrapper: &str) -> Option<syn::Type> {
    let syn::Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    if last.ident != wrapper {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    args.args.iter().find_map(|a| match a {
        syn::GenericArgument::Type(t) => Some(t.clone()),
        _ => None,
    })
}

/// A type of the generated client (`crate::values::X`, `types::X`) as the binary names it.
fn binary_path(ty: &syn::Type) -> Result<TokenStream, CodegenError> {
    let text = quote!(#ty).to_string().replace(' ', "");
    let text = if let Some(rest) = text.strip_prefix("crate::") {
        format!("ims::{rest}")
    } else if let Some(rest) = text.strip_prefix("types::") {
        format!("ims::types::{rest}")
    } else if let Some(inner) = text
        .strip_prefix("::std::vec::Vec<")
        .and_then(|t| t.strip_suffix('>'))
    {
        let inner: syn::Type = syn::parse_str(inner)
            .map_err(|e| CodegenError::Rewrite(format!("cannot read the type {inner}: {e}")))?;
        let inner = binary_path(&inner)?;
        return Ok(quote!(::std::vec::Vec<#inner>));
    } else {
        text
    };
    text.parse()
        .map_err(|e| CodegenError::Rewrite(format!("cannot name the type {text}: {e}")))
}

/// What a parameter schema takes. An `anyOf` is open when one member is a plain string:
/// its values are the known values of the other members.
fn shape<R: MaybeRef<Target = Schema>>(
    spec: &Spec,
    schema: &R,
    depth: u8,
) -> Result<Shape, CodegenError> {
    if depth > 8 {
        return Err(CodegenError::Generate(
            "parameter schemas nest too deep".into(),
        ));
    }
    let schema = spec
        .resolve(schema)
        .map_err(|e| CodegenError::Generate(e.to_string()))?;
    let any_of = match &schema.schema_kind {
        SchemaKind::AnyOf { any_of } | SchemaKind::OneOf { one_of: any_of } => Some(any_of),
        SchemaKind::Any(any) if !any.any_of.is_empty() => Some(&any.any_of),
        _ => None,
    };
    if let Some(members) = any_of {
        let mut known = Vec::new();
        let mut open = false;
        for member in members {
            match shape(spec, member, depth + 1)? {
                Shape::Text { closed, known: k } if closed.is_empty() => {
                    open = true;
                    known.extend(k);
                }
                Shape::Text { closed, known: k } => {
                    known.extend(closed);
                    known.extend(k);
                }
                // A boolean member (flags sent as JSON booleans) adds nothing on the command line.
                Shape::Boolean => {}
                other => {
                    return Err(CodegenError::Generate(format!(
                        "an anyOf parameter schema with a {other:?} member"
                    )));
                }
            }
        }
        let mut seen = BTreeSet::new();
        known.retain(|v| seen.insert(v.clone()));
        return Ok(if open {
            Shape::Text {
                closed: Vec::new(),
                known,
            }
        } else {
            Shape::Text {
                closed: known,
                known: Vec::new(),
            }
        });
    }
    Ok(match &schema.schema_kind {
        SchemaKind::Type(Type::Integer(i)) => Shape::Integer {
            min: i.minimum,
            max: i.maximum,
        },
        SchemaKind::Type(Type::Boolean(_)) => Shape::Boolean,
        SchemaKind::Type(Type::String(s)) => Shape::Text {
            closed: s.enumeration.iter().flatten().cloned().collect(),
            known: Vec::new(),
        },
        SchemaKind::Type(Type::Array(a)) => {
            let items = a
                .items
                .as_ref()
                .ok_or_else(|| CodegenError::Generate("an array parameter without items".into()))?;
            Shape::Array(Box::new(shape(spec, items, depth + 1)?))
        }
        other => {
            return Err(CodegenError::Generate(format!(
                "a parameter schema the command line cannot take: {other:?}"
            )));
        }
    })
}

/// The first sentence or line of a description, for the short help.
fn short_help(description: &str) -> String {
    let first = description.trim().lines().next().unwrap_or("").trim();
    match first.find(". ") {
        Some(end) => first[..=end].trim().to_string(),
        None => first.to_string(),
    }
}

/// The long help: the description, the known values of an open set, the name on the wire.
fn long_help(param: &Param) -> String {
    let mut text = param.description.trim().to_string();
    let mut shape = &param.shape;
    if let Shape::Array(inner) = shape {
        shape = inner;
        text.push_str("\n\nRepeat the flag for more than one value.");
    }
    if let Shape::Text { closed, known } = shape
        && closed.is_empty()
        && !known.is_empty()
    {
        text.push_str(&format!(
            "\n\nKnown values: {} (any other value is sent as given).",
            known.join(", ")
        ));
    }
    text.push_str(&format!(
        "\n\nSent as the query parameter `{}`.",
        param.api_name
    ));
    if param.positional {
        text = text.replace("query parameter", "path parameter");
    }
    text
}

fn value_parser(shape: &Shape, rust_type: &TokenStream, rust_name: &str) -> TokenStream {
    match shape {
        Shape::Array(inner) => value_parser(inner, rust_type, rust_name),
        Shape::Boolean => quote!(clap::value_parser!(bool)),
        Shape::Integer { min, max } => {
            let (type_min, type_max) = match rust_name {
                "i32" => (i64::from(i32::MIN), i64::from(i32::MAX)),
                _ => (i64::MIN, i64::MAX),
            };
            let min = min.unwrap_or(type_min).max(type_min);
            let max = max.unwrap_or(type_max).min(type_max);
            quote!(clap::value_parser!(i64).range(#min..=#max))
        }
        Shape::Text { closed, .. } if !closed.is_empty() => quote! {
            clap::builder::TypedValueParser::try_map(
                clap::builder::PossibleValuesParser::new([#(#closed),*]),
                |s: String| s.parse::<#rust_type>().map_err(|e| e.to_string()),
            )
        },
        Shape::Text { .. } => quote! {
            clap::builder::ValueParser::new(|s: &str| s.parse::<#rust_type>().map_err(|e| e.to_string()))
        },
    }
}

fn render(operations: &[Operation]) -> TokenStream {
    let mut functions = Vec::new();
    let mut rows = Vec::new();
    let mut arms = Vec::new();
    for op in operations {
        let args_fn = format_ident!("{}_args", op.method);
        let apply_fn = format_ident!("{}_apply", op.method);
        let builder = format_ident!("{}", op.builder);
        let method = format_ident!("{}", op.method);
        let mut args = Vec::new();
        let mut applies = Vec::new();
        for (index, param) in op.params.iter().enumerate() {
            let id = &param.field;
            let flag = &param.flag;
            let setter = format_ident!("{}", param.field);
            let help = short_help(&param.description);
            let long = long_help(param);
            let (element, is_array) = match &param.shape {
                Shape::Array(_) => {
                    let inner = element_type(&param.rust_type);
                    (inner, true)
                }
                _ => (param.rust_type.clone(), false),
            };
            let element_name = element.to_string().replace(' ', "");
            let parser = value_parser(&param.shape, &element, &element_name);
            let mut arg = quote! {
                clap::Arg::new(#id).help(#help).long_help(#long).value_parser(#parser)
            };
            if param.positional {
                let position = index + 1;
                let value_name = param.field.to_uppercase();
                arg = quote!(#arg.index(#position).value_name(#value_name));
            } else {
                let value_name = param.flag.to_uppercase().replace('-', "_");
                arg = quote!(#arg.long(#flag).value_name(#value_name).help_heading("Parameters (from the API)"));
            }
            if param.required {
                arg = quote!(#arg.required(true));
            }
            match (&param.shape, is_array) {
                (_, true) => arg = quote!(#arg.action(clap::ArgAction::Append)),
                (Shape::Boolean, _) => {
                    arg = quote!(#arg.num_args(0..=1).default_missing_value("true"))
                }
                _ => {}
            }
            args.push(quote!(.arg(#arg)));
            let apply = match (&param.shape, is_array) {
                (_, true) => quote! {
                    if let Some(values) = matches.get_many::<#element>(#id) {
                        builder = builder.#setter(values.cloned().collect::<::std::vec::Vec<_>>());
                    }
                },
                (Shape::Integer { .. }, _) => quote! {
                    if let Some(value) = matches.get_one::<i64>(#id) {
                        builder = builder.#setter(*value);
                    }
                },
                _ => quote! {
                    if let Some(value) = matches.get_one::<#element>(#id) {
                        builder = builder.#setter(::std::clone::Clone::clone(value));
                    }
                },
            };
            applies.push(apply);
        }
        let about = if op.deprecated {
            format!("[deprecated] {}", op.summary.trim())
        } else {
            op.summary.trim().to_string()
        };
        let mut long_about = op.description.trim().to_string();
        if op.deprecated {
            long_about = format!(
                "Deprecated: the service keeps this operation for existing callers; use the \
                 current one.\n\n{long_about}"
            );
        }
        let args_doc = format!(" The flags and arguments of `{}`.", op.method);
        let apply_doc = format!(" Hands each given flag of `{}` to its builder.", op.method);
        functions.push(quote! {
            #[doc = #args_doc]
            pub fn #args_fn(command: clap::Command) -> clap::Command {
                command.about(#about).long_about(#long_about) #(#args)*
            }
            #[doc = #apply_doc]
            pub fn #apply_fn<'a>(
                mut builder: ims::builder::#builder<'a>,
                matches: &clap::ArgMatches,
            ) -> ims::builder::#builder<'a> {
                #(#applies)*
                builder
            }
        });
        let command = &op.command;
        let deprecated = op.deprecated;
        let paged = op.paged;
        rows.push(quote! {
            Operation { command: #command, deprecated: #deprecated, paged: #paged, args: #args_fn }
        });
        let run = if op.paged {
            quote!(sink.pages(#apply_fn(client.#method(), matches).into_pages()).await)
        } else {
            quote!(sink.one(#apply_fn(client.#method(), matches).send().await?.into_inner()))
        };
        arms.push(quote!(#command => #run,));
    }
    quote! {
        /// One operation of the spec on the command line.
        pub struct Operation {
            /// The command name (`list-images`).
            pub command: &'static str,
            /// Whether the spec marks the operation deprecated.
            pub deprecated: bool,
            /// Whether the operation is a list that pages.
            pub paged: bool,
            /// Adds the operation's flags and arguments to a command.
            pub args: fn(clap::Command) -> clap::Command,
        }

        /// Every operation of the spec, in the spec's order.
        pub const OPERATIONS: &[Operation] = &[#(#rows),*];

        #(#functions)*

        /// Sends the operation named by `command` with the flags of `matches`, handing the
        /// answer to `sink`.
        pub async fn run_operation<S: Sink>(
            client: &ims::Client,
            command: &str,
            matches: &clap::ArgMatches,
            sink: &mut S,
        ) -> Result<(), S::Error> {
            match command {
                #(#arms)*
                other => Err(S::unknown_operation(other)),
            }
        }
    }
}

/// `::std::vec::Vec<T>` gives `T`.
fn element_type(ty: &TokenStream) -> TokenStream {
    let parsed: syn::Type = match syn::parse2(ty.clone()) {
        Ok(t) => t,
        Err(_) => return ty.clone(),
    };
    match generic_arg(&parsed, "Vec") {
        Some(inner) => quote!(#inner),
        None => ty.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_help_is_the_first_sentence() {
        assert_eq!(
            short_help("Only images. With more.\nAnd more"),
            "Only images."
        );
        assert_eq!(short_help("One line\nsecond"), "One line");
    }
}
