//! A record without bit-fields, in native byte order: the Rust struct or union of its fields,
//! `repr(C)`, checked at compile time against the layout engine.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::LitStr;

use super::common::{ctyped_impl, layout_messages, repr, shapes, swap_impl};
use crate::ast::{Field, Kind, Record};
use crate::expand::bit_patterns::{bit_pattern_impls, Store};
use crate::expand::runtime::private;

pub fn generate(record: &Record, fields: &[&Field]) -> TokenStream {
    let (attrs, vis, ident) = (&record.attrs, &record.vis, &record.ident);
    let repr = repr(&record.options);
    let keyword = match record.kind {
        Kind::Struct => quote!(struct),
        Kind::Union => quote!(union),
    };
    let declarations = fields.iter().map(|f| {
        let (attrs, vis, name, ty) = (&f.attrs, &f.vis, &f.ident, &f.ty);
        quote!(#(#attrs)* #vis #name: #ty)
    });
    let assertions = layout_assertions(record, fields);
    let ctyped = ctyped_impl(record, fields);
    let swap = swap_impl(ident);
    let store = match record.kind {
        Kind::Struct => Store::Fields(
            fields
                .iter()
                .map(|f| (f.ident.clone(), Some(f.ty.clone())))
                .collect(),
        ),
        Kind::Union => Store::Never,
    };
    let bit_patterns = bit_pattern_impls(ident, fields.iter().map(|f| &f.ty), &store);
    quote! {
        #(#attrs)*
        #repr
        #vis #keyword #ident {
            #(#declarations,)*
        }

        #assertions

        #ctyped

        #swap

        #bit_patterns
    }
}

/// `const` assertions that the layout engine, run at compile time on the fields' sizes and
/// alignments, gives Rust's own size, alignment and offsets.
fn layout_assertions(record: &Record, fields: &[&Field]) -> TokenStream {
    let p = private();
    let ident = &record.ident;
    let count = fields.len();
    let (shape, shapes) = shapes(record, fields);
    let name = ident.to_string();
    let offsets = fields.iter().enumerate().map(|(i, f)| {
        let field = &f.ident;
        let message = LitStr::new(
            &format!("`{name}.{field}`: Rust puts the field elsewhere than C would"),
            Span::call_site(),
        );
        quote_spanned! {field.span()=>
            ::core::assert!(LAYOUT.bit_positions[#i] == 8 * #p::offset_of!(#ident, #field) as u64, #message);
        }
    });
    let (size_message, align_message, ok_message) = layout_messages(&name);
    quote! {
        const _: () = {
            const LAYOUT: #p::ConstLayout<#count> = #p::lay_out_array(
                #shape,
                [#(#shapes),*],
            );
            ::core::assert!(LAYOUT.ok, #ok_message);
            ::core::assert!(LAYOUT.size == #p::size_of::<#ident>() as u64, #size_message);
            ::core::assert!(LAYOUT.align == #p::align_of::<#ident>() as u64, #align_message);
            #(#offsets)*
        };
    }
}
