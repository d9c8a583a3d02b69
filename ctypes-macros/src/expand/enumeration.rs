//! `#[c_enum]`: a `#[repr(transparent)]` newtype over the integer type, with one associated
//! constant per enumerator.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{Expr, LitStr};

use super::bit_patterns::{bit_pattern_impls, Store};
use super::c_type::c_type;
use super::runtime::private;
use crate::ast::Enum;

pub fn enumeration(args: TokenStream, input: TokenStream) -> TokenStream {
    let checked = Enum::from_syn(args, input).and_then(|e| e.validate().map(|()| e));
    match checked {
        Ok(enumeration) => generate(&enumeration),
        Err(e) => e.to_compile_error(),
    }
}

fn generate(enumeration: &Enum) -> TokenStream {
    let p = private();
    let (attrs, vis, ident, repr) = (
        &enumeration.attrs,
        &enumeration.vis,
        &enumeration.ident,
        &enumeration.repr,
    );
    let repr_c_type = c_type(repr);
    let mut constants = Vec::new();
    let mut arms = Vec::new();
    let mut previous: Option<Expr> = None;
    for variant in &enumeration.variants {
        let name = &variant.ident;
        let value: Expr = match (&variant.discriminant, &previous) {
            (Some(expr), _) => expr.clone(),
            (None, Some(prev)) => syn::parse_quote!((#prev) + 1),
            (None, None) => syn::parse_quote!(0),
        };
        let variant_attrs = &variant.attrs;
        constants.push(quote! {
            #(#variant_attrs)*
            #[allow(non_upper_case_globals)]
            pub const #name: #ident = #ident(#value);
        });
        let text = LitStr::new(&name.to_string(), name.span());
        arms.push(quote!(if self.0 == #ident::#name.0 { return f.write_str(#text); }));
        previous = Some(syn::parse_quote!(#ident::#name.0));
    }
    let ident_text = ident.to_string();
    let bit_patterns = bit_pattern_impls(ident, std::iter::once(repr), &Store::Bytes);
    quote! {
        #(#attrs)*
        #[repr(transparent)]
        #[derive(Clone, Copy, PartialEq, Eq, Hash)]
        #vis struct #ident(pub #repr);

        impl #ident {
            #(#constants)*
        }

        impl ::core::fmt::Debug for #ident {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                #(#arms)*
                ::core::write!(f, "{}({})", #ident_text, self.0)
            }
        }

        impl #p::CConvert for #ident {
            fn from_c(value: &#p::CValue) -> ::core::option::Option<Self> {
                <#repr as #p::CConvert>::from_c(value).map(#ident)
            }

            fn into_c(self) -> #p::CValue {
                <#repr as #p::CConvert>::into_c(self.0)
            }
        }

        // SAFETY: a transparent wrapper of the integer type whose C type it reports.
        unsafe impl #p::CTyped for #ident {
            fn c_type() -> #p::CType {
                #repr_c_type
            }
        }

        // SAFETY: a transparent wrapper of an integer, for which zero is valid.
        unsafe impl #p::Zeroable for #ident {}

        #bit_patterns

        impl #p::Swap for #ident {
            fn swap(self) -> Self {
                #ident(#p::Swap::swap(self.0))
            }
        }
    }
}
