//! `#[c_enum]`: a C enum and its enumerators.

use proc_macro2::{Span, TokenStream};
use syn::spanned::Spanned;
use syn::{Attribute, Expr, Fields, Generics, Ident, Type, Visibility};

/// An enum declaration.
pub struct Enum {
    pub attrs: Vec<Attribute>,
    pub vis: Visibility,
    pub ident: Ident,
    /// The integer type: `c_int` unless given, as in `#[c_enum(u8)]`.
    pub repr: Type,
    pub generics: Generics,
    pub variants: Vec<Variant>,
}

/// One enumerator.
pub struct Variant {
    pub attrs: Vec<Attribute>,
    pub ident: Ident,
    /// `= value`, when written.
    pub discriminant: Option<Expr>,
    /// The span of data the variant carries, which a C enumerator cannot.
    pub data: Option<Span>,
}

impl Enum {
    pub fn from_syn(args: TokenStream, input: TokenStream) -> syn::Result<Self> {
        let item: syn::ItemEnum = syn::parse2(input).map_err(|_| {
            syn::Error::new(
                Span::call_site(),
                "#[c_enum] applies to an enum with unit variants",
            )
        })?;
        let repr: Type = if args.is_empty() {
            syn::parse_quote!(::core::ffi::c_int)
        } else {
            syn::parse2(args)?
        };
        Ok(Enum {
            attrs: item.attrs,
            vis: item.vis,
            ident: item.ident,
            repr,
            generics: item.generics,
            variants: item
                .variants
                .into_iter()
                .map(|variant| Variant {
                    data: (!matches!(variant.fields, Fields::Unit)).then(|| variant.fields.span()),
                    attrs: variant.attrs,
                    ident: variant.ident,
                    discriminant: variant.discriminant.map(|(_, expr)| expr),
                })
                .collect(),
        })
    }
}
