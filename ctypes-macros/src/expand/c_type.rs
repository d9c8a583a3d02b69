//! The expression of a Rust type's runtime C type.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Ident, Type};

use super::runtime::private;
use crate::ast::{CType, Pointee};

/// The expression of `ty`'s C type; `ty` was checked to be one.
pub fn c_type(ty: &Type) -> TokenStream {
    expression(&CType::from_syn(ty).expect("checked before generation"))
}

fn expression(c_type: &CType<'_>) -> TokenStream {
    let p = private();
    match c_type {
        CType::Alias { ty, name, scalar } => {
            let check = alias_check(ty, name, scalar);
            quote!({ #check #p::scalar(#p::Scalar::#scalar) })
        }
        CType::Typed(ty) => quote_spanned!(ty.span()=> <#ty as #p::CTyped>::c_type()),
        CType::Pointer(pointee) => {
            let pointee = match pointee {
                Pointee::Void => quote!(#p::CType::void()),
                Pointee::CType(target) => expression(target),
                Pointee::Declared(target) => {
                    quote_spanned!(target.span()=> <#target as #p::CPointee>::pointee_type())
                }
            };
            quote!(#pointee.pointer())
        }
        CType::Array { element, len } => {
            let element = expression(element);
            quote!(#p::array(#element, #len))
        }
    }
}

/// The compile-time check that a type named like a C alias is that alias: the `core::ffi` type
/// itself, or an integer of the C type's range (`size_t` and the other C library names), so that
/// a type of the same name meaning something else is an error, not a wrong C type.
fn alias_check(ty: &Type, name: &str, scalar: &Ident) -> TokenStream {
    let p = private();
    if name.starts_with("c_") {
        let ffi = Ident::new(name, ty.span());
        quote_spanned! {ty.span()=>
            const _: ::core::marker::PhantomData<::core::ffi::#ffi> =
                ::core::marker::PhantomData::<#ty>;
        }
    } else {
        quote_spanned! {ty.span()=>
            const _: () = ::core::assert!(
                #p::alias_has_range(#p::Scalar::#scalar, <#ty>::MIN as i128, <#ty>::MAX as i128),
                "a type named like a C type must have its range"
            );
        }
    }
}
