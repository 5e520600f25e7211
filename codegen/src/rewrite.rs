//! Our changes to progenitor's output, made on its syntax tree before it is printed.
//!
//! - **Operations** (`mod builder`): each builder's `send()` hands its request to the crate's
//!   response pipeline (`crate::pipeline::send`) with the operation's name, and returns
//!   `Result<crate::Response<T>, crate::Error>`. The request is built by the statements
//!   progenitor wrote (`build_request`); nothing of progenitor's runtime reads the response.
//! - **Paging** (`mod builder`): builders of operations whose response is one of
//!   [`LIST_TYPES`] get `into_pages()`, `into_stream()` and `all()`, which hand the built
//!   request and a clone of the client to `crate::paginate`.
//! - **Setter docs**: each parameter setter gets the spec's description of its parameter.
//! - **Types** (`mod types`): objects get serde impls of ours in place of the derived ones:
//!   `null` is accepted for every optional field (an empty list or map where the field is a
//!   list or map), a key sent twice keeps its last value, and a `presence` field records
//!   which optional fields were sent as `null` or as an empty list, so that serialising gives
//!   back every key the service sent (see `crate::wire`). progenitor's builders of the types
//!   (`types::builder`) are left out.
//! - **`Client::new`** builds its `reqwest::Client` with `crate::http::http_client` (the
//!   same-origin redirect policy and the connect timeout).

use std::collections::BTreeMap;

use quote::{format_ident, quote};
use syn::{
    Attribute, Expr, Fields, File, FnArg, ImplItem, Item, ItemImpl, ItemMod, ItemStruct, Stmt,
    Type, parse_quote,
};

use crate::CodegenError;

/// The response types of the list operations that page; `crate::listing` implements its
/// `Listing` trait (where the items are, how the next page is found) for each.
pub const LIST_TYPES: &[&str] = &["ImageList", "CloudImageList", "ComputeImageList"];

/// Parameter descriptions by operation (the generated method's name) and parameter (the
/// builder field's name), from the spec.
pub type ParamDocs = BTreeMap<String, BTreeMap<String, String>>;

/// Applies every change of this module to `file`.
pub fn apply(file: &mut File, docs: &ParamDocs) -> Result<(), CodegenError> {
    for item in &mut file.items {
        match item {
            Item::Mod(module) if module.ident == "types" => rewrite_types(module)?,
            Item::Mod(module) if module.ident == "builder" => rewrite_builders(module, docs)?,
            Item::Impl(imp) if is_client_impl(imp) => rewrite_client_new(imp),
            _ => {}
        }
    }
    Ok(())
}

/// The name progenitor gives a parameter's builder field and setter (leading underscores
/// dropped, snake case), for matching spec parameters to setters.
pub fn field_name(parameter: &str) -> String {
    let mut out = String::new();
    let mut previous_lower = false;
    for c in parameter.trim_start_matches('_').chars() {
        if c.is_ascii_uppercase() {
            if previous_lower {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
            previous_lower = false;
        } else if c.is_ascii_alphanumeric() {
            out.push(c);
            previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        } else {
            if !out.ends_with('_') {
                out.push('_');
            }
            previous_lower = false;
        }
    }
    out.trim_end_matches('_').to_string()
}

fn is_client_impl(imp: &ItemImpl) -> bool {
    imp.trait_.is_none() && matches!(&*imp.self_ty, Type::Path(p) if p.path.is_ident("Client"))
}

/// `Client::new` with our `reqwest::Client`.
fn rewrite_client_new(imp: &mut ItemImpl) {
    for item in &mut imp.items {
        if let ImplItem::Fn(f) = item
            && f.sig.ident == "new"
        {
            f.block = parse_quote!({
                let http = crate::http::http_client(inner.retry().get_timeouts(), inner.limits())
                    .expect("a reqwest client with rustls and default settings builds");
                Self::new_with_client(baseurl, http, inner)
            });
            f.attrs.retain(|a| !a.path().is_ident("doc"));
            f.attrs.push(parse_quote!(
                #[doc = " A client of the service at `baseurl` (scheme, host, port and a path stem if any),"]
            ));
            f.attrs.push(parse_quote!(
                #[doc = " with a `reqwest::Client` from [`crate::http_client`]: the connect timeout of the"]
            ));
            f.attrs.push(parse_quote!(
                #[doc = " context's retry policy and its same-origin redirect policy."]
            ));
        }
    }
}

// ---------------------------------------------------------------------------------------
// Operations and paging

fn rewrite_builders(module: &mut ItemMod, docs: &ParamDocs) -> Result<(), CodegenError> {
    let Some((_, items)) = &mut module.content else {
        return Err(CodegenError::Rewrite("mod builder has no body".into()));
    };
    let mut paging = Vec::new();
    for item in items.iter_mut() {
        let Item::Impl(imp) = item else { continue };
        if imp.trait_.is_some() {
            continue;
        }
        let Some(send_at) = imp
            .items
            .iter()
            .position(|i| matches!(i, ImplItem::Fn(f) if f.sig.ident == "send"))
        else {
            continue;
        };
        let ImplItem::Fn(send) = &imp.items[send_at] else {
            unreachable!()
        };
        let builder = match &*imp.self_ty {
            Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
            _ => None,
        }
        .ok_or_else(|| CodegenError::Rewrite("a builder impl without a type name".into()))?;
        let body = response_type(send).ok_or_else(|| {
            CodegenError::Rewrite(format!("{builder}::send does not return ResponseValue<T>"))
        })?;
        let (operation, statements) = request_statements(&send.block.stmts).ok_or_else(|| {
            CodegenError::Rewrite(format!(
                "{builder}::send is not in the expected shape (request built, then OperationInfo)"
            ))
        })?;
        let new_send: ImplItem = parse_quote! {
            /// Sends the request through the client's pipeline (credentials, retries, redirect
            /// policy, body limits) and decodes the answer.
            pub async fn send(self) -> ::std::result::Result<crate::Response<#body>, crate::Error> {
                let client = self.client;
                let request = self.build_request();
                crate::pipeline::send(client, #operation, request).await
            }
        };
        let build: ImplItem = parse_quote! {
            /// The request this builder describes, or why it cannot be built.
            fn build_request(self) -> ::std::result::Result<::reqwest::Request, crate::Error> {
                let build = move || -> ::std::result::Result<::reqwest::Request, Error<()>> {
                    #(#statements)*
                    Ok(request)
                };
                build().map_err(|error| {
                    let detail = match error {
                        Error::InvalidRequest(detail) => detail,
                        other => other.to_string(),
                    };
                    crate::Error::invalid_request(#operation, detail)
                })
            }
        };
        imp.items[send_at] = new_send;
        imp.items.push(build);
        if let Some(params) = docs.get(&operation) {
            document_setters(imp, params);
        }
        let body_name = match &body {
            Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
            _ => None,
        };
        if body_name.is_some_and(|name| LIST_TYPES.contains(&name.as_str())) {
            paging.push(paging_impl(imp, &body, &operation));
        }
    }
    items.extend(paging.into_iter().map(Item::Impl));
    Ok(())
}

/// `T` of `Result<ResponseValue<T>, _>`.
fn response_type(send: &syn::ImplItemFn) -> Option<Type> {
    let syn::ReturnType::Type(_, ty) = &send.sig.output else {
        return None;
    };
    let result = generic_args(ty)?;
    let Some(syn::GenericArgument::Type(value)) = result.first() else {
        return None;
    };
    let inner = generic_args(value)?;
    match inner.first() {
        Some(syn::GenericArgument::Type(t)) => Some(t.clone()),
        _ => None,
    }
}

fn generic_args(ty: &Type) -> Option<Vec<syn::GenericArgument>> {
    let Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    Some(args.args.iter().cloned().collect())
}

/// The statements of `send` that build the request (everything before `let info =
/// OperationInfo { operation_id: "..." }`), and that operation id.
fn request_statements(stmts: &[Stmt]) -> Option<(String, Vec<Stmt>)> {
    let at = stmts.iter().position(|s| {
        matches!(s, Stmt::Local(local) if matches!(&local.pat, syn::Pat::Ident(i) if i.ident == "info"))
    })?;
    let Stmt::Local(local) = &stmts[at] else {
        return None;
    };
    let init = local.init.as_ref()?;
    let Expr::Struct(info) = &*init.expr else {
        return None;
    };
    let operation = info
        .fields
        .iter()
        .find_map(|field| match (&field.member, &field.expr) {
            (syn::Member::Named(name), Expr::Lit(lit)) if name == "operation_id" => {
                match &lit.lit {
                    syn::Lit::Str(s) => Some(s.value()),
                    _ => None,
                }
            }
            _ => None,
        })?;
    Some((operation, stmts[..at].to_vec()))
}

/// Puts the spec's description of each parameter on its setter.
fn document_setters(imp: &mut ItemImpl, params: &BTreeMap<String, String>) {
    for item in &mut imp.items {
        let ImplItem::Fn(f) = item else { continue };
        let takes_value =
            f.sig.inputs.len() == 2 && matches!(f.sig.inputs.first(), Some(FnArg::Receiver(_)));
        if !takes_value || f.attrs.iter().any(|a| a.path().is_ident("doc")) {
            continue;
        }
        if let Some(text) = params.get(&f.sig.ident.to_string()) {
            for line in text.trim().lines() {
                let line = format!(" {line}");
                f.attrs.push(parse_quote!(#[doc = #line]));
            }
        }
    }
}

/// The paging methods of a list builder (see `crate::paginate`).
fn paging_impl(imp: &ItemImpl, body: &Type, operation: &str) -> ItemImpl {
    let self_ty = &imp.self_ty;
    let generics = &imp.generics;
    let item: Type = parse_quote!(<#body as crate::Listing>::Item);
    parse_quote! {
        impl #generics #self_ty {
            /// The pages of the list, as a `Stream` of `Result<Page<T>, ims::Error>`; the
            /// stream owns a clone of the client and the request (see [`crate::paginate`]).
            pub fn into_pages(self) -> crate::paginate::Pages<#item> {
                let client = self.client.clone();
                crate::paginate::Pages::new::<#body>(client, #operation, self.build_request())
            }

            /// The items of every page, one by one, as a `Stream` of `Result<T, ims::Error>`;
            /// an item that does not decode is an error of its own, and the stream goes on.
            pub fn into_stream(self) -> crate::paginate::Items<#item> {
                self.into_pages().into_items()
            }

            /// Every item of every page; the first error ends it.
            pub async fn all(self) -> ::std::result::Result<::std::vec::Vec<#item>, crate::Error> {
                self.into_pages().all().await
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Types

/// How a field of a generated object is read and written.
enum Shape {
    /// Must be present; `null` only if its type takes it.
    Required,
    /// `Option<T>`: absent or `null` is `None`.
    Optional,
    /// A list or map with `#[serde(default)]`: absent or `null` is empty.
    Collection,
    /// `#[serde(flatten)]` map of the fields the spec does not list.
    Extra,
}

struct Field {
    ident: syn::Ident,
    wire: String,
    ty: Type,
    shape: Shape,
}

fn rewrite_types(module: &mut ItemMod) -> Result<(), CodegenError> {
    let Some((_, items)) = &mut module.content else {
        return Err(CodegenError::Rewrite("mod types has no body".into()));
    };
    let mut impls = Vec::new();
    for item in items.iter_mut() {
        let Item::Struct(s) = item else { continue };
        if !derives_serde(&s.attrs) || is_transparent(&s.attrs) {
            continue;
        }
        let Fields::Named(_) = &s.fields else {
            continue;
        };
        let fields = read_fields(s)?;
        strip_serde(s);
        add_presence(s);
        impls.extend(serde_impls(&s.ident, &fields));
    }
    // progenitor's builders of the types (`types::builder`, `Image::builder()`): objects
    // come from the service, and serde builds them; the builders would also not know
    // `presence`.
    items.retain(|item| match item {
        Item::Mod(module) => module.ident != "builder",
        Item::Impl(imp) => {
            !(imp.trait_.is_none()
                && imp.items.len() == 1
                && matches!(&imp.items[0], ImplItem::Fn(f) if f.sig.ident == "builder"))
        }
        _ => true,
    });
    items.extend(impls);
    Ok(())
}

fn derives_serde(attrs: &[Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("derive") && a.meta.to_token_stream_string().contains("Deserialize")
    })
}

fn is_transparent(attrs: &[Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("serde") && a.meta.to_token_stream_string().contains("transparent")
    })
}

trait TokensText {
    fn to_token_stream_string(&self) -> String;
}

impl TokensText for syn::Meta {
    fn to_token_stream_string(&self) -> String {
        quote!(#self).to_string()
    }
}

fn read_fields(s: &ItemStruct) -> Result<Vec<Field>, CodegenError> {
    let Fields::Named(named) = &s.fields else {
        unreachable!()
    };
    let mut fields = Vec::new();
    for f in &named.named {
        let ident = f.ident.clone().expect("named field");
        let mut wire = ident.to_string().trim_start_matches("r#").to_string();
        let mut flatten = false;
        let mut default = false;
        for attr in f.attrs.iter().filter(|a| a.path().is_ident("serde")) {
            attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("rename") {
                    let value: syn::LitStr = meta.value()?.parse()?;
                    wire = value.value();
                } else if meta.path.is_ident("flatten") {
                    flatten = true;
                } else if meta.path.is_ident("default") {
                    default = true;
                } else if meta.input.peek(syn::Token![=]) {
                    let _: Expr = meta.value()?.parse()?;
                }
                Ok(())
            })
            .map_err(|e| {
                CodegenError::Rewrite(format!("{}.{ident}: serde attribute: {e}", s.ident))
            })?;
        }
        let last = match &f.ty {
            Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
            _ => None,
        };
        let shape = if flatten {
            Shape::Extra
        } else if last.as_deref() == Some("Option") {
            Shape::Optional
        } else if default {
            Shape::Collection
        } else {
            Shape::Required
        };
        fields.push(Field {
            ident,
            wire,
            ty: f.ty.clone(),
            shape,
        });
    }
    Ok(fields)
}

/// Drops the serde derives and attributes (our impls replace them).
fn strip_serde(s: &mut ItemStruct) {
    for attr in &mut s.attrs {
        if attr.path().is_ident("derive") {
            let kept: Vec<syn::Path> = attr
                .parse_args_with(
                    syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
                )
                .map(|paths| {
                    paths
                        .into_iter()
                        .filter(|p| {
                            let last = p.segments.last().map(|s| s.ident.to_string());
                            !matches!(last.as_deref(), Some("Serialize" | "Deserialize"))
                        })
                        .collect()
                })
                .unwrap_or_default();
            *attr = parse_quote!(#[derive(#(#kept),*)]);
        }
    }
    if let Fields::Named(named) = &mut s.fields {
        for f in &mut named.named {
            f.attrs.retain(|a| !a.path().is_ident("serde"));
        }
    }
}

fn add_presence(s: &mut ItemStruct) {
    if let Fields::Named(named) = &mut s.fields {
        named.named.push(parse_quote! {
            /// Which optional fields the service sent as `null` or as an empty list or map
            /// (the typed fields cannot tell those from absent); serialising writes them back.
            pub presence: crate::wire::Presence
        });
    }
}

/// The statements that run the arm of `key` (`arms`: each field's JSON name and what reads
/// its value), or `fallback` for a key no field has. The key is matched on its length first
/// and then only against the names of that length, and the arm is then picked by number:
/// a `match` of the key against all names would compare it with them one by one (with 60
/// fields, most of the decoding time of an image).
fn key_dispatch(
    arms: &[(String, proc_macro2::TokenStream)],
    fallback: proc_macro2::TokenStream,
) -> proc_macro2::TokenStream {
    let mut by_len: BTreeMap<usize, Vec<(usize, &str)>> = BTreeMap::new();
    for (index, (wire, _)) in arms.iter().enumerate() {
        by_len.entry(wire.len()).or_default().push((index, wire));
    }
    let groups = by_len.iter().map(|(len, names)| {
        let names = names.iter().map(|(index, wire)| quote!(#wire => #index,));
        quote!(#len => match key { #(#names)* _ => usize::MAX },)
    });
    let bodies = arms
        .iter()
        .enumerate()
        .map(|(index, (_, body))| quote!(#index => { #body }));
    quote! {
        let index = {
            let key = key.as_str();
            match key.len() {
                #(#groups)*
                _ => usize::MAX,
            }
        };
        match index {
            #(#bodies)*
            _ => #fallback,
        }
    }
}

/// `Deserialize` and `Serialize` for one object (see `crate::wire` for the helpers).
fn serde_impls(name: &syn::Ident, fields: &[Field]) -> Vec<Item> {
    let expecting = format!("a JSON object ({name})");
    let mut locals = Vec::new();
    let mut arms = Vec::new();
    let mut build = Vec::new();
    let mut write = Vec::new();
    let mut extra_ident = None;
    for (index, f) in fields.iter().enumerate() {
        let ident = &f.ident;
        let local = format_ident!("field_{}", index);
        let wire = &f.wire;
        let ty = &f.ty;
        match f.shape {
            Shape::Required => {
                locals.push(quote!(let mut #local: ::std::option::Option<#ty> = None;));
                arms.push((
                    wire.clone(),
                    quote!(#local = Some(map.next_value::<#ty>()?);),
                ));
                build.push(quote!(#ident: #local.ok_or_else(|| <A::Error as ::serde::de::Error>::missing_field(#wire))?,));
                write.push(quote!(map.serialize_entry(#wire, &self.#ident)?;));
            }
            Shape::Optional => {
                locals.push(quote!(let mut #local: #ty = None;));
                let slot = arms.len();
                arms.push((
                    wire.clone(),
                    quote!(
                        #local = map.next_value::<#ty>()?;
                        if ::std::mem::replace(&mut seen[#slot], true) {
                            presence.record(#wire, #local.is_none(), false);
                        } else {
                            presence.record_new(#wire, #local.is_none(), false);
                        }
                    ),
                ));
                build.push(quote!(#ident: #local,));
                write.push(quote!(
                    if let Some(value) = &self.#ident {
                        map.serialize_entry(#wire, value)?;
                    } else if self.presence.is_null(#wire) {
                        map.serialize_entry(#wire, &())?;
                    }
                ));
            }
            Shape::Collection => {
                let slot = arms.len();
                locals.push(quote!(let mut #local: #ty = ::std::default::Default::default();));
                arms.push((
                    wire.clone(),
                    quote!(
                        let value = map.next_value::<::std::option::Option<#ty>>()?;
                        let null = value.is_none();
                        #local = value.unwrap_or_default();
                        if ::std::mem::replace(&mut seen[#slot], true) {
                            presence.record(#wire, null, #local.is_empty());
                        } else {
                            presence.record_new(#wire, null, #local.is_empty());
                        }
                    ),
                ));
                build.push(quote!(#ident: #local,));
                write.push(quote!(
                    if !self.#ident.is_empty() || self.presence.is_empty(#wire) {
                        map.serialize_entry(#wire, &self.#ident)?;
                    } else if self.presence.is_null(#wire) {
                        map.serialize_entry(#wire, &())?;
                    }
                ));
            }
            Shape::Extra => {
                locals.push(quote!(let mut #local: #ty = ::std::default::Default::default();));
                extra_ident = Some((ident.clone(), local.clone()));
                build.push(quote!(#ident: #local,));
                write.push(quote!(
                    for (key, value) in &self.#ident {
                        map.serialize_entry(key, value)?;
                    }
                ));
            }
        }
    }
    let fallback = match &extra_ident {
        Some((_, local)) => quote!({
            let value = map.next_value()?;
            #local.insert(key.into_owned(), value);
        }),
        None => quote!({
            map.next_value::<::serde::de::IgnoredAny>()?;
        }),
    };
    let dispatch = key_dispatch(&arms, fallback);
    let slots = arms.len();
    let visitor = format_ident!("{}Visitor", name);
    let de: Item = parse_quote! {
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                struct #visitor;
                impl<'de> ::serde::de::Visitor<'de> for #visitor {
                    type Value = #name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(#expecting)
                    }
                    fn visit_map<A: ::serde::de::MapAccess<'de>>(self, mut map: A) -> ::std::result::Result<#name, A::Error> {
                        #[allow(unused_mut)]
                        let mut presence = crate::wire::Presence::default();
                        // Which fields were read already: only a key sent again needs its
                        // earlier record in `presence` replaced.
                        #[allow(unused_mut, unused_variables)]
                        let mut seen = [false; #slots];
                        #(#locals)*
                        while let Some(key) = map.next_key::<crate::wire::Key<'de>>()? {
                            #dispatch
                        }
                        Ok(#name {
                            #(#build)*
                            presence,
                        })
                    }
                }
                deserializer.deserialize_map(#visitor)
            }
        }
    };
    let ser: Item = parse_quote! {
        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                use ::serde::ser::SerializeMap;
                let mut map = serializer.serialize_map(None)?;
                #(#write)*
                map.end()
            }
        }
    };
    vec![de, ser]
}
