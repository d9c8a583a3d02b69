//! A C function's signature, as `c_func!` and `c_library!` both declare it.

use proc_macro2::Span;
use quote::format_ident;
use syn::spanned::Spanned;
use syn::{Attribute, FnArg, Ident, ReturnType, Type, TypeBareFn};

/// Parameters, `...` and result.
pub struct FnSig {
    pub params: Vec<Param>,
    /// The span of `...`, for a variadic function.
    pub variadic: Option<Span>,
    /// `None` for `void`.
    pub result: Option<Type>,
}

/// One parameter.
pub struct Param {
    /// The attributes written on it: `#[user_data]` in `c_func!`; `c_library!` reads none.
    pub attrs: Vec<Attribute>,
    /// Its name in generated code: the one written in `c_library!`, else `arg{index}`.
    pub name: Ident,
    pub ty: Type,
}

impl Param {
    /// Whether this is the user-data pointer C hands back (`#[user_data]`).
    pub fn user_data(&self) -> bool {
        self.attrs.iter().any(|a| a.path().is_ident("user_data"))
    }
}

impl FnSig {
    /// The signature of `c_func!`'s `fn(...) -> T`.
    pub fn from_bare_fn(bare: &TypeBareFn) -> Self {
        FnSig {
            params: bare
                .inputs
                .iter()
                .enumerate()
                .map(|(index, arg)| Param {
                    attrs: arg.attrs.clone(),
                    name: format_ident!("arg{index}"),
                    ty: arg.ty.clone(),
                })
                .collect(),
            variadic: bare.variadic.as_ref().map(|v| v.dots.span()),
            result: result(&bare.output),
        }
    }

    /// The signature of `c_library!`'s `fn name(...) -> T;`, and the span of a `self`
    /// parameter (which a C function cannot have) if there is one.
    pub fn from_fn(sig: &syn::Signature) -> (Self, Option<Span>) {
        let mut receiver = None;
        let mut params = Vec::new();
        for (index, input) in sig.inputs.iter().enumerate() {
            match input {
                FnArg::Receiver(_) => receiver = Some(input.span()),
                FnArg::Typed(pat) => params.push(Param {
                    attrs: pat.attrs.clone(),
                    name: match &*pat.pat {
                        syn::Pat::Ident(p) => p.ident.clone(),
                        _ => format_ident!("arg{index}"),
                    },
                    ty: (*pat.ty).clone(),
                }),
            }
        }
        let signature = FnSig {
            params,
            variadic: sig.variadic.as_ref().map(|v| v.dots.span()),
            result: result(&sig.output),
        };
        (signature, receiver)
    }
}

fn result(output: &ReturnType) -> Option<Type> {
    match output {
        ReturnType::Default => None,
        ReturnType::Type(_, ty) => Some((**ty).clone()),
    }
}
