//! `#[c_opaque]`: a C type known only by name.

use proc_macro2::{Span, TokenStream};
use syn::spanned::Spanned;
use syn::{Attribute, Fields, Ident, Visibility};

/// `struct name;`
pub struct Opaque {
    pub attrs: Vec<Attribute>,
    pub vis: Visibility,
    pub ident: Ident,
}

impl Opaque {
    pub fn from_syn(args: TokenStream, input: TokenStream) -> syn::Result<Self> {
        if !args.is_empty() {
            return Err(syn::Error::new(args.span(), "#[c_opaque] takes no options"));
        }
        let unit_struct = "#[c_opaque] applies to a unit struct: `struct name;`";
        let item: syn::ItemStruct =
            syn::parse2(input).map_err(|_| syn::Error::new(Span::call_site(), unit_struct))?;
        if !matches!(item.fields, Fields::Unit) || !item.generics.params.is_empty() {
            return Err(syn::Error::new(item.span(), unit_struct));
        }
        Ok(Opaque {
            attrs: item.attrs,
            vis: item.vis,
            ident: item.ident,
        })
    }
}
