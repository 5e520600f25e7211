//! A short, diffable summary of the public surface of the generated client.
//!
//! The summary is read back from the generated Rust (not from the spec), so it shows what a
//! caller of the crate actually gets: for every operation the method, HTTP method, path and
//! each parameter's Rust name, wire name and Rust type; for every type in `mod types` each
//! field's Rust name, wire name and type. One item per line, sorted, each line self-contained,
//! so a change to the spec or the generator shows up as a readable line diff.

use std::collections::BTreeMap;

use proc_macro2::{Delimiter, TokenStream, TokenTree};
use quote::ToTokens;
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::{
    Attribute, Expr, Fields, GenericArgument, ImplItem, Item, ItemImpl, ItemMod, Lit, Meta,
    PathArguments, ReturnType, Token, Type,
};

use crate::CodegenError;

/// First line of every summary.
const HEADER: &str = "# Surface of the client generated from openapi/ims.yaml (progenitor). \
                      Derived file: regenerate with `cargo xtask codegen`.";

/// Summarises the generated client source (the output of [`crate::generate`]).
///
/// Lines start with `operation <method>` or `type <Name>`; see `tests/surface.txt` for the
/// format. Fails if the code is not Rust or not in the shape progenitor 0.15 writes (for
/// example an operation without its "Sends a `GET` request to ..." doc line).
pub fn surface_summary(generated_code: &str) -> Result<String, CodegenError> {
    let file = syn::parse_file(generated_code)
        .map_err(|e| CodegenError::Surface(format!("the generated code is not Rust: {e}")))?;

    let mut lines = Vec::new();
    lines.extend(operations(&file.items)?);
    lines.extend(types(&file.items)?);

    let mut out = String::from(HEADER);
    out.push('\n');
    for line in lines {
        out.push_str(&line);
        out.push('\n');
    }
    Ok(out)
}

fn surface_error(message: impl Into<String>) -> CodegenError {
    CodegenError::Surface(message.into())
}

// ---------------------------------------------------------------------------------------------
// Operations
// ---------------------------------------------------------------------------------------------

/// One parameter of an operation, as found in the builder and its `send()`.
struct Param {
    location: &'static str,
    wire: String,
}

fn operations(items: &[Item]) -> Result<Vec<String>, CodegenError> {
    let builder = find_mod(items, "builder")
        .ok_or_else(|| surface_error("no top-level `mod builder` in the generated code"))?;

    // method name -> (doc, builder struct name)
    let mut methods = BTreeMap::new();
    for item in items {
        let Item::Impl(imp) = item else { continue };
        if imp.trait_.is_some() || type_name(&imp.self_ty).as_deref() != Some("Client") {
            continue;
        }
        for impl_item in &imp.items {
            let ImplItem::Fn(f) = impl_item else { continue };
            let ReturnType::Type(_, ret) = &f.sig.output else {
                continue;
            };
            let Type::Path(ret) = &**ret else { continue };
            let segments: Vec<String> = ret
                .path
                .segments
                .iter()
                .map(|s| s.ident.to_string())
                .collect();
            if segments.len() != 2 || segments[0] != "builder" {
                continue;
            }
            methods.insert(
                f.sig.ident.to_string(),
                (doc_text(&f.attrs), segments[1].clone()),
            );
        }
    }
    if methods.is_empty() {
        return Err(surface_error("no operation methods in `impl Client`"));
    }

    let mut lines = Vec::new();
    for (method, (doc, builder_name)) in &methods {
        let (http_method, path) = sends_line(doc).ok_or_else(|| {
            surface_error(format!(
                "the doc of `Client::{method}` has no \"Sends a `METHOD` request to `PATH`\" line"
            ))
        })?;
        let fields = builder_fields(builder, builder_name)?;
        let send = builder_send(builder, builder_name)?;
        let (ok_ty, err_ty) = send_result_types(&send.sig.output);
        let body = send.block.to_token_stream();
        let mut params = param_locations(&body, &path, method)?;

        lines.push(format!(
            "operation {method}: {http_method} {path} -> {ok_ty}, error {err_ty}"
        ));
        let mut param_lines = Vec::new();
        for (name, ty) in fields {
            let (location, wire) = match params.remove(&name) {
                Some(p) => (p.location, p.wire),
                None => ("unmapped", "?".to_string()),
            };
            param_lines.push(format!(
                "operation {method} param {name}: {location} {wire:?} {ty}"
            ));
        }
        if let Some(name) = params.keys().next() {
            return Err(surface_error(format!(
                "`{method}` sends `{name}` but its builder has no such field"
            )));
        }
        param_lines.sort();
        lines.extend(param_lines);
    }
    Ok(lines)
}

/// The "Sends a `GET` request to `/v2/images`" line of a doc comment.
fn sends_line(doc: &str) -> Option<(String, String)> {
    let rest = doc.split("Sends a `").nth(1)?;
    let (method, rest) = rest.split_once('`')?;
    let rest = rest.strip_prefix(" request to `")?;
    let (path, _) = rest.split_once('`')?;
    Some((method.to_string(), path.to_string()))
}

/// The builder struct's fields other than `client`, with the type inside `Result<T, String>`.
fn builder_fields(builder: &[Item], name: &str) -> Result<Vec<(String, String)>, CodegenError> {
    let strukt = builder
        .iter()
        .find_map(|item| match item {
            Item::Struct(s) if s.ident == name => Some(s),
            _ => None,
        })
        .ok_or_else(|| surface_error(format!("no `builder::{name}` struct")))?;
    let mut fields = Vec::new();
    for field in &strukt.fields {
        let Some(ident) = &field.ident else { continue };
        if ident == "client" {
            continue;
        }
        let ty = generic_arg(&field.ty, "Result", 0).unwrap_or(&field.ty);
        fields.push((ident.to_string(), short_type(ty)));
    }
    Ok(fields)
}

/// The builder's `send` method.
fn builder_send<'a>(builder: &'a [Item], name: &str) -> Result<&'a syn::ImplItemFn, CodegenError> {
    builder
        .iter()
        .filter_map(|item| match item {
            Item::Impl(imp) if imp.trait_.is_none() => Some(imp),
            _ => None,
        })
        .filter(|imp: &&ItemImpl| type_name(&imp.self_ty).as_deref() == Some(name))
        .flat_map(|imp| imp.items.iter())
        .find_map(|item| match item {
            ImplItem::Fn(f) if f.sig.ident == "send" => Some(f),
            _ => None,
        })
        .ok_or_else(|| surface_error(format!("no `builder::{name}::send`")))
}

/// `Result<ResponseValue<T>, Error<E>>` -> (`T`, `E`), short forms.
fn send_result_types(output: &ReturnType) -> (String, String) {
    let ReturnType::Type(_, ty) = output else {
        return ("()".into(), "?".into());
    };
    let unwrap = |index: usize, wrapper: &str| {
        generic_arg(ty, "Result", index)
            .map(|inner| generic_arg(inner, wrapper, 0).unwrap_or(inner))
            .map(short_type)
            .unwrap_or_else(|| short_type(ty))
    };
    (unwrap(0, "ResponseValue"), unwrap(1, "Error"))
}

/// Where `send()` puts each parameter: query parameters from
/// `QueryParam::new("wire", &rust)`, path parameters from the URL `format!` matched against
/// the `{name}` placeholders of the documented path. Anything else (headers, bodies) is left
/// out and shows as `unmapped` in the summary.
fn param_locations(
    body: &TokenStream,
    doc_path: &str,
    method: &str,
) -> Result<BTreeMap<String, Param>, CodegenError> {
    let mut params = BTreeMap::new();
    let mut url_format = None;
    visit_calls(body, &mut |callee, args| match callee {
        ["QueryParam", "new"] => {
            if let (Some(wire), Some(rust)) = (
                args.first().and_then(lit_str),
                args.get(1).and_then(local_ident),
            ) {
                params.insert(
                    rust,
                    Param {
                        location: "query",
                        wire,
                    },
                );
            }
        }
        ["format!"] if url_format.is_none() => {
            if let Some(template) = args.first().and_then(lit_str)
                && template.starts_with("{}/")
            {
                url_format = Some((template, args.to_vec()));
            }
        }
        _ => {}
    });

    let (template, args) = url_format
        .ok_or_else(|| surface_error(format!("`{method}`: no URL `format!` in send()")))?;
    let placeholders = path_placeholders(doc_path);
    let expected = format!("{{}}{}", path_template(doc_path));
    if template != expected || args.len() != placeholders.len() + 2 {
        return Err(surface_error(format!(
            "`{method}`: URL format {template:?} does not match the documented path {doc_path:?}"
        )));
    }
    for (wire, arg) in placeholders.into_iter().zip(&args[2..]) {
        let rust = local_ident(arg).ok_or_else(|| {
            surface_error(format!(
                "`{method}`: cannot read the path argument for {{{wire}}}"
            ))
        })?;
        params.insert(
            rust,
            Param {
                location: "path",
                wire,
            },
        );
    }
    Ok(params)
}

/// `{image_id}`-style placeholders of a documented path, in order.
fn path_placeholders(path: &str) -> Vec<String> {
    path.split('{')
        .skip(1)
        .filter_map(|part| part.split_once('}').map(|(name, _)| name.to_string()))
        .collect()
}

/// The documented path with every `{name}` replaced by `{}`.
fn path_template(path: &str) -> String {
    let mut out = String::new();
    let mut rest = path;
    while let Some((before, after)) = rest.split_once('{') {
        out.push_str(before);
        out.push_str("{}");
        rest = after.split_once('}').map(|(_, a)| a).unwrap_or("");
    }
    out.push_str(rest);
    out
}

/// Calls `f(callee, args)` for every `a::b(args)` call and `name!(args)` macro in the tokens
/// (callee given as its last two path segments, or `["name!"]` for a macro), at any depth.
fn visit_calls(tokens: &TokenStream, f: &mut dyn FnMut(&[&str], &[Expr])) {
    let trees: Vec<TokenTree> = tokens.clone().into_iter().collect();
    for (i, tree) in trees.iter().enumerate() {
        let TokenTree::Group(group) = tree else {
            continue;
        };
        if group.delimiter() == Delimiter::Parenthesis {
            let callee = callee_before(&trees[..i]);
            if !callee.is_empty() {
                let parser = Punctuated::<Expr, Token![,]>::parse_terminated;
                if let Ok(args) = parser.parse2(group.stream()) {
                    let args: Vec<Expr> = args.into_iter().collect();
                    let callee: Vec<&str> = callee.iter().map(String::as_str).collect();
                    f(&callee, &args);
                }
            }
        }
        visit_calls(&group.stream(), f);
    }
}

/// The path segments (at most two) or `name!` right before a parenthesised group.
fn callee_before(trees: &[TokenTree]) -> Vec<String> {
    let ident = |t: Option<&TokenTree>| match t {
        Some(TokenTree::Ident(i)) => Some(i.to_string()),
        _ => None,
    };
    let punct =
        |t: Option<&TokenTree>, c: char| matches!(t, Some(TokenTree::Punct(p)) if p.as_char() == c);
    let n = trees.len();
    if n >= 2 && punct(trees.get(n - 1), '!') {
        return ident(trees.get(n - 2))
            .map(|m| vec![format!("{m}!")])
            .unwrap_or_default();
    }
    let Some(last) = n.checked_sub(1).and_then(|i| ident(trees.get(i))) else {
        return Vec::new();
    };
    if n >= 4
        && punct(trees.get(n - 2), ':')
        && punct(trees.get(n - 3), ':')
        && let Some(first) = ident(trees.get(n - 4))
    {
        return vec![first, last];
    }
    vec![last]
}

fn lit_str(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Lit(lit) => match &lit.lit {
            Lit::Str(s) => Some(s.value()),
            _ => None,
        },
        _ => None,
    }
}

/// The local variable an argument is made from: `&x`, `encode_path(&x.to_string())`, `x`.
fn local_ident(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Path(p) if p.qself.is_none() => p.path.get_ident().map(|i| i.to_string()),
        Expr::Reference(r) => local_ident(&r.expr),
        Expr::Paren(p) => local_ident(&p.expr),
        Expr::MethodCall(m) => local_ident(&m.receiver),
        Expr::Call(c) if c.args.len() == 1 => local_ident(&c.args[0]),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------------------------

fn types(items: &[Item]) -> Result<Vec<String>, CodegenError> {
    let types = find_mod(items, "types")
        .ok_or_else(|| surface_error("no top-level `mod types` in the generated code"))?;
    let mut by_type: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for item in types {
        match item {
            Item::Struct(s) => {
                let name = s.ident.to_string();
                let mut lines = Vec::new();
                match &s.fields {
                    Fields::Named(named) => {
                        lines.push(format!("type {name}: struct{}", serde_flags(&s.attrs)));
                        let mut fields = Vec::new();
                        for field in &named.named {
                            let rust = field
                                .ident
                                .as_ref()
                                .map(|i| i.to_string())
                                .unwrap_or_default();
                            let serde = SerdeAttrs::of(&field.attrs);
                            let wire = if serde.flatten {
                                "(flatten)".to_string()
                            } else {
                                format!(
                                    "{:?}",
                                    serde.rename.clone().unwrap_or_else(|| rust.clone())
                                )
                            };
                            let default = if serde.default { " (default)" } else { "" };
                            fields.push(format!(
                                "type {name} field {rust}: {wire} {}{default}",
                                short_type(&field.ty)
                            ));
                        }
                        fields.sort();
                        lines.extend(fields);
                    }
                    Fields::Unnamed(unnamed) => {
                        let inner: Vec<String> =
                            unnamed.unnamed.iter().map(|f| short_type(&f.ty)).collect();
                        lines.push(format!(
                            "type {name}: newtype {}{}",
                            inner.join(", "),
                            serde_flags(&s.attrs)
                        ));
                    }
                    Fields::Unit => lines.push(format!("type {name}: unit struct")),
                }
                by_type.insert(name, lines);
            }
            Item::Enum(e) => {
                let name = e.ident.to_string();
                let mut lines = vec![format!("type {name}: enum{}", serde_flags(&e.attrs))];
                let mut variants = Vec::new();
                for variant in &e.variants {
                    let rust = variant.ident.to_string();
                    let wire = SerdeAttrs::of(&variant.attrs)
                        .rename
                        .unwrap_or_else(|| rust.clone());
                    let data = match &variant.fields {
                        Fields::Unit => String::new(),
                        Fields::Unnamed(u) => format!(
                            "({})",
                            u.unnamed
                                .iter()
                                .map(|f| short_type(&f.ty))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                        Fields::Named(n) => format!(
                            " {{ {} }}",
                            n.named
                                .iter()
                                .map(|f| format!(
                                    "{}: {}",
                                    f.ident.as_ref().map(|i| i.to_string()).unwrap_or_default(),
                                    short_type(&f.ty)
                                ))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    };
                    variants.push(format!("type {name} variant {rust}{data}: {wire:?}"));
                }
                variants.sort();
                lines.extend(variants);
                by_type.insert(name, lines);
            }
            _ => {}
        }
    }
    if by_type.is_empty() {
        return Err(surface_error("`mod types` holds no structs or enums"));
    }
    Ok(by_type.into_values().flatten().collect())
}

/// The serde options of a field or variant that matter for the wire format.
#[derive(Default)]
struct SerdeAttrs {
    rename: Option<String>,
    flatten: bool,
    default: bool,
}

impl SerdeAttrs {
    fn of(attrs: &[Attribute]) -> SerdeAttrs {
        let mut out = SerdeAttrs::default();
        for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
            // Options this summary does not show are skipped, with their values.
            let _ = attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("rename") {
                    out.rename = Some(meta.value()?.parse::<syn::LitStr>()?.value());
                } else if meta.path.is_ident("flatten") {
                    out.flatten = true;
                } else if meta.path.is_ident("default") {
                    out.default = true;
                    if meta.input.peek(Token![=]) {
                        meta.value()?.parse::<Expr>()?;
                    }
                } else if meta.input.peek(Token![=]) {
                    meta.value()?.parse::<Expr>()?;
                }
                Ok(())
            });
        }
        out
    }
}

/// Container-level serde options (`transparent`, `untagged`, `deny_unknown_fields`, ...),
/// as ` (serde: a, b)` or nothing.
fn serde_flags(attrs: &[Attribute]) -> String {
    let mut flags = Vec::new();
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        if let Meta::List(list) = &attr.meta {
            let text = list.tokens.to_string();
            flags.extend(
                text.split(',')
                    .map(|f| f.trim().to_string())
                    .filter(|f| !f.is_empty()),
            );
        }
    }
    if flags.is_empty() {
        String::new()
    } else {
        flags.sort();
        format!(" (serde: {})", flags.join(", "))
    }
}

// ---------------------------------------------------------------------------------------------
// Shared helpers
// ---------------------------------------------------------------------------------------------

fn find_mod<'a>(items: &'a [Item], name: &str) -> Option<&'a [Item]> {
    items.iter().find_map(|item| match item {
        Item::Mod(ItemMod {
            ident,
            content: Some((_, items)),
            ..
        }) if ident == name => Some(items.as_slice()),
        _ => None,
    })
}

/// The doc comment of an item, its lines joined with newlines.
fn doc_text(attrs: &[Attribute]) -> String {
    let mut doc = String::new();
    for attr in attrs {
        if let Meta::NameValue(nv) = &attr.meta
            && nv.path.is_ident("doc")
            && let Some(text) = lit_str(&nv.value)
        {
            doc.push_str(&text);
            doc.push('\n');
        }
    }
    doc
}

/// The last path segment of a type, such as `Client` for `super::Client`.
fn type_name(ty: &Type) -> Option<String> {
    match ty {
        Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// The `index`-th type argument of `ty` if `ty` is `wrapper<...>`.
fn generic_arg<'a>(ty: &'a Type, wrapper: &str, index: usize) -> Option<&'a Type> {
    let Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    if last.ident != wrapper {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    args.args
        .iter()
        .filter_map(|a| match a {
            GenericArgument::Type(t) => Some(t),
            _ => None,
        })
        .nth(index)
}

/// A type in short form: standard-library paths by their last segment (`Option<String>`),
/// `crate::values::X` as `values::X`, everything else as written.
pub(crate) fn short_type(ty: &Type) -> String {
    match ty {
        Type::Path(p) if p.qself.is_none() => {
            let segments: Vec<&syn::PathSegment> = p.path.segments.iter().collect();
            let first = segments
                .first()
                .map(|s| s.ident.to_string())
                .unwrap_or_default();
            let kept: &[&syn::PathSegment] = match first.as_str() {
                "std" | "core" | "alloc" => &segments[segments.len() - 1..],
                "crate" | "super" | "self" => &segments[1..],
                _ => &segments[..],
            };
            kept.iter()
                .map(|segment| {
                    let mut out = segment.ident.to_string();
                    if let PathArguments::AngleBracketed(args) = &segment.arguments {
                        let args: Vec<String> = args
                            .args
                            .iter()
                            .map(|a| match a {
                                GenericArgument::Type(t) => short_type(t),
                                other => compact(other.to_token_stream()),
                            })
                            .collect();
                        out.push('<');
                        out.push_str(&args.join(", "));
                        out.push('>');
                    }
                    out
                })
                .collect::<Vec<_>>()
                .join("::")
        }
        Type::Reference(r) => {
            let lifetime = r
                .lifetime
                .as_ref()
                .map(|l| format!("{l} "))
                .unwrap_or_default();
            let mutability = if r.mutability.is_some() { "mut " } else { "" };
            format!("&{lifetime}{mutability}{}", short_type(&r.elem))
        }
        Type::Slice(s) => format!("[{}]", short_type(&s.elem)),
        Type::Tuple(t) => format!(
            "({})",
            t.elems
                .iter()
                .map(short_type)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Type::Paren(p) => short_type(&p.elem),
        Type::Group(g) => short_type(&g.elem),
        other => compact(other.to_token_stream()),
    }
}

/// Token text without the spaces `TokenStream::to_string` puts around `::`, `<` and `>`.
fn compact(tokens: TokenStream) -> String {
    tokens
        .to_string()
        .replace(" :: ", "::")
        .replace(":: ", "::")
        .replace(" < ", "<")
        .replace(" <", "<")
        .replace("< ", "<")
        .replace(" >", ">")
        .replace(" ,", ",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_sends_line() {
        let doc = "Get one image\n\nSends a `GET` request to `/v2/images/{image_id}`\n";
        assert_eq!(
            sends_line(doc),
            Some(("GET".to_string(), "/v2/images/{image_id}".to_string()))
        );
        assert_eq!(sends_line("no such line"), None);
    }

    #[test]
    fn maps_path_placeholders() {
        assert_eq!(
            path_placeholders("/v2/{project_id}/images/{x}"),
            ["project_id", "x"]
        );
        assert_eq!(
            path_template("/v2/{project_id}/images/detail"),
            "/v2/{}/images/detail"
        );
        assert_eq!(path_template("/v2/images"), "/v2/images");
    }

    #[test]
    fn shortens_types() {
        let ty: Type = syn::parse_str("::std::option::Option<crate::values::DiskFormat>").unwrap();
        assert_eq!(short_type(&ty), "Option<values::DiskFormat>");
        let ty: Type =
            syn::parse_str("::serde_json::Map<::std::string::String, ::serde_json::Value>")
                .unwrap();
        assert_eq!(
            short_type(&ty),
            "serde_json::Map<String, serde_json::Value>"
        );
        let ty: Type = syn::parse_str("Result<Option<types::TimeFilter>, String>").unwrap();
        assert_eq!(short_type(&ty), "Result<Option<types::TimeFilter>, String>");
    }

    #[test]
    fn summarises_a_minimal_client() {
        let code = r#"
            pub mod types {
                #[derive(Serialize)]
                pub struct Thing {
                    #[serde(rename = "__x", skip_serializing_if = "::std::option::Option::is_none")]
                    pub x: ::std::option::Option<::std::string::String>,
                    pub id: ::std::string::String,
                    #[serde(flatten)]
                    pub extra: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
                }
            }
            pub struct Client { baseurl: String }
            impl Client {
                ///Sends a `GET` request to `/things/{thing_id}`
                pub fn get_thing(&self) -> builder::GetThing<'_> { todo!() }
            }
            pub mod builder {
                pub struct GetThing<'a> {
                    client: &'a super::Client,
                    thing_id: Result<::std::string::String, String>,
                    x: Result<Option<crate::values::Flag>, String>,
                }
                impl<'a> GetThing<'a> {
                    pub async fn send(self) -> Result<ResponseValue<types::Thing>, Error<()>> {
                        let url = format!("{}/things/{}", client.baseurl, encode_path(&thing_id.to_string()));
                        let request = client.client.get(url)
                            .query(&progenitor_client::QueryParam::new("__x", &x))
                            .build()?;
                    }
                }
            }
        "#;
        let summary = surface_summary(code).unwrap();
        let lines: Vec<&str> = summary.lines().skip(1).collect();
        assert_eq!(
            lines,
            [
                "operation get_thing: GET /things/{thing_id} -> types::Thing, error ()",
                "operation get_thing param thing_id: path \"thing_id\" String",
                "operation get_thing param x: query \"__x\" Option<values::Flag>",
                "type Thing: struct",
                "type Thing field extra: (flatten) serde_json::Map<String, serde_json::Value>",
                "type Thing field id: \"id\" String",
                "type Thing field x: \"__x\" Option<String>",
            ]
        );
    }
}
