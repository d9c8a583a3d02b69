//! A record in non-native byte order, or a union with bit-fields: a `repr(C)` struct of the
//! record's bytes, of the engine's size and alignment, with a getter and a setter per named
//! field.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::Ident;

use super::common::{
    bit_field_accessors, ctyped_impl, layout_const, layout_messages, setter, swap_impl, width_check,
};
use crate::ast::{Field, Record};
use crate::expand::bit_patterns::cconvert_impl;
use crate::expand::runtime::private;

pub fn generate(record: &Record, fields: &[&Field]) -> TokenStream {
    let p = private();
    let (attrs, vis, ident) = (&record.attrs, &record.vis, &record.ident);
    let (layout, layout_item) = layout_const(record, fields);
    let big = match record.options.endian {
        Some(true) => quote!(true),
        Some(false) => quote!(false),
        None => quote!(::core::cfg!(target_endian = "big")),
    };
    let name = ident.to_string();
    let mut accessors = Vec::new();
    let mut checks = Vec::new();
    for (i, f) in fields.iter().enumerate() {
        if f.unnamed() {
            checks.push(width_check(&name, f));
            continue;
        }
        let (field_attrs, field_vis, getter, ty) = (&f.attrs, &f.vis, &f.ident, &f.ty);
        if f.bits.is_some() {
            checks.push(width_check(&name, f));
            let bytes = Ident::new("bytes", ty.span());
            let position = quote_spanned!(ty.span()=> #layout.bit_positions[#i]);
            accessors.push(bit_field_accessors(f, &bytes, &position, &big));
            continue;
        }
        let setter = setter(getter);
        let c_name = &f.c_name;
        let get_doc = format!("Reads the field `{c_name}`.");
        let set_doc = format!("Writes the field `{c_name}`.");
        // The getter's `Zeroable` bound rejects a type bytes cannot hold (one error).
        accessors.push(quote_spanned! {ty.span()=>
            #(#field_attrs)*
            #[doc = #get_doc]
            #[must_use]
            #[inline]
            #field_vis fn #getter(&self) -> #ty {
                // Any bytes read as a valid value (`Zeroable::read_from`).
                let value =
                    #p::read_field::<#ty>(&self.bytes, (#layout.bit_positions[#i] / 8) as usize);
                #p::in_order(value, #big)
            }

            #[doc = #set_doc]
            #[inline]
            #field_vis fn #setter(&mut self, value: #ty) {
                #p::write_field::<#ty>(
                    &mut self.bytes,
                    (#layout.bit_positions[#i] / 8) as usize,
                    #p::in_order(value, #big),
                );
            }
        });
    }
    let (size_message, align_message, ok_message) = layout_messages(&name);
    let ctyped = ctyped_impl(record, fields);
    let convert = cconvert_impl(ident);
    let swap = swap_impl(ident);
    quote! {
        #layout_item

        #(#attrs)*
        #[repr(C)]
        #vis struct #ident {
            _align: [<#p::AlignAs<{ #layout.align as usize }> as #p::Alignment>::Zst; 0],
            bytes: [u8; #layout.size as usize],
        }

        const _: () = {
            ::core::assert!(#layout.ok, #ok_message);
            ::core::assert!(#layout.size == #p::size_of::<#ident>() as u64, #size_message);
            ::core::assert!(#layout.align == #p::align_of::<#ident>() as u64, #align_message);
            #(#checks)*
        };

        impl #ident {
            #(#accessors)*

            /// The record's bytes, as C stores them.
            #[must_use]
            #[inline]
            #vis fn as_bytes(&self) -> &[u8; #layout.size as usize] {
                &self.bytes
            }
        }

        impl ::core::default::Default for #ident {
            /// All bytes zero.
            fn default() -> Self {
                Self { _align: [], bytes: [0; #layout.size as usize] }
            }
        }

        // SAFETY: bytes, all zero valid for every field (checked above).
        unsafe impl #p::Zeroable for #ident {}

        // SAFETY: bytes.
        unsafe impl #p::ZeroValid for #ident {}

        // SAFETY: bytes, without padding; the accessors make a valid value of any of them.
        unsafe impl #p::AnyBits for #ident {}

        #convert

        #swap

        #ctyped
    }
}
