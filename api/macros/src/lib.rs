//! `#[connections]`: the Relay page arguments of connection fields, declared once.
//!
//! async-graphql declares a field's arguments as the resolver's parameters and cannot flatten a
//! struct into several arguments, so every connection field would repeat `first`, `after`,
//! `last` and `before` with their descriptions and its cost. Put `#[connections]` above
//! `#[Object]` on an impl, and give a connection resolver one parameter of type `RelayArgs`
//! (`first/after/last/before`) or `ForwardArgs` (`first/after`): the attribute replaces it with
//! the GraphQL arguments, binds the parameter's name to the struct built from them (the resolver
//! parses it where it wants, `page.parse()?`), and, unless the resolver says otherwise, prices
//! the field as a page: its size times what each item selects (`graphql::engine::cost`).

use proc_macro::TokenStream;
use proc_macro2::TokenStream as Tokens;
use quote::quote;
use syn::punctuated::Punctuated;
use syn::{
    FnArg, ImplItem, ImplItemFn, ItemImpl, Pat, Token, Type, parse_macro_input, parse_quote,
};

/// Which page arguments a field takes.
#[derive(Clone, Copy)]
enum Paging {
    /// `first/after/last/before`.
    Relay,
    /// `first/after` only.
    Forward,
}

impl Paging {
    fn of(ty: &Type) -> Option<Self> {
        let Type::Path(path) = ty else {
            return None;
        };
        match path.path.segments.last()?.ident.to_string().as_str() {
            "RelayArgs" => Some(Self::Relay),
            "ForwardArgs" => Some(Self::Forward),
            _ => None,
        }
    }

    /// The GraphQL arguments, as resolver parameters.
    fn parameters(self) -> Vec<FnArg> {
        let after: FnArg = parse_quote! {
            #[graphql(desc = "A cursor: the page starts after this edge.")] after: Option<String>
        };
        match self {
            Self::Relay => vec![
                parse_quote! {
                    #[graphql(desc = "Page size counting forward (default 20, at most 100).")]
                    first: Option<i32>
                },
                after,
                parse_quote! {
                    #[graphql(desc = "Page size counting back (at most 100).")] last: Option<i32>
                },
                parse_quote! {
                    #[graphql(desc = "A cursor: the page ends before this edge.")]
                    before: Option<String>
                },
            ],
            Self::Forward => vec![
                parse_quote! {
                    #[graphql(desc = "Page size (default 20, at most 100).")] first: Option<i32>
                },
                after,
            ],
        }
    }

    /// The struct the parameters make, bound to `name`.
    fn binding(self, name: &Pat, ty: &Type) -> syn::Stmt {
        match self {
            Self::Relay => parse_quote! {
                let #name: #ty = #ty { first, after, last, before };
            },
            Self::Forward => parse_quote! {
                let #name: #ty = #ty { first, after };
            },
        }
    }

    /// What the field costs: its page size times what each item selects, plus one.
    fn complexity(self) -> syn::Attribute {
        match self {
            Self::Relay => parse_quote! {
                #[graphql(complexity = "crate::graphql::engine::cost::page_cost(first, last, child_complexity)")]
            },
            Self::Forward => parse_quote! {
                #[graphql(complexity = "crate::graphql::engine::cost::page_cost(first, None, child_complexity)")]
            },
        }
    }
}

/// Whether the resolver prices itself already.
fn has_complexity(method: &ImplItemFn) -> bool {
    method.attrs.iter().any(|attr| {
        attr.path().is_ident("graphql") && quote!(#attr).to_string().contains("complexity")
    })
}

fn rewrite(method: &mut ImplItemFn) -> Result<(), syn::Error> {
    let mut paging = None;
    let mut inputs: Punctuated<FnArg, Token![,]> = Punctuated::new();
    for input in std::mem::take(&mut method.sig.inputs) {
        let FnArg::Typed(typed) = &input else {
            inputs.push(input);
            continue;
        };
        let Some(kind) = Paging::of(&typed.ty) else {
            inputs.push(input);
            continue;
        };
        if paging.is_some() {
            return Err(syn::Error::new_spanned(
                &typed.ty,
                "a connection field takes one set of page arguments",
            ));
        }
        paging = Some((kind, typed.pat.clone(), typed.ty.clone()));
        inputs.extend(kind.parameters());
    }
    method.sig.inputs = inputs;
    if let Some((kind, name, ty)) = paging {
        method.block.stmts.insert(0, kind.binding(&name, &ty));
        if !has_complexity(method) {
            method.attrs.push(kind.complexity());
        }
    }
    Ok(())
}

/// See the crate's documentation.
#[proc_macro_attribute]
pub fn connections(attr: TokenStream, item: TokenStream) -> TokenStream {
    let attr = Tokens::from(attr);
    if !attr.is_empty() {
        return syn::Error::new_spanned(attr, "`#[connections]` takes no arguments")
            .to_compile_error()
            .into();
    }
    let mut block = parse_macro_input!(item as ItemImpl);
    for item in &mut block.items {
        if let ImplItem::Fn(method) = item
            && let Err(err) = rewrite(method)
        {
            return err.to_compile_error().into();
        }
    }
    quote!(#block).into()
}
