//! The marker traits that say which bit patterns are valid values of a generated type:
//! `ZeroValid`, `AnyBits`, and the `CConvert` that typed callbacks need.

use proc_macro2::TokenStream;
use quote::quote;
use syn::Ident;

use super::runtime::private;

/// How a type's bytes are copied out when it crosses a typed callback by value.
pub enum Store {
    /// Not at all: a union, whose initialised bytes depend on the member last written, is
    /// never `AnyBits`.
    Never,
    /// All its bytes: a type without padding.
    Bytes,
    /// Field by field, skipping Rust's padding: a struct. Each field is the field's name and
    /// its type as declared, or `None` for a byte array the macro made (stored without a
    /// bound).
    Fields(Vec<(Ident, Option<syn::Type>)>),
}

/// `ZeroValid` and `AnyBits` for a type of fields of `types`: each holds when it holds for every
/// field's type. The bounds name the impl's lifetime, so that an unmet one makes the impl not
/// apply rather than fail to compile. A struct (`Store::Fields`) also gets `CConvert`, which
/// typed callbacks need, exactly when it is `AnyBits`.
pub fn bit_pattern_impls<'t>(
    ident: &Ident,
    types: impl Iterator<Item = &'t syn::Type> + Clone,
    store: &Store,
) -> TokenStream {
    let p = private();
    let zero = types.clone();
    let zero_valid = quote! {
        // SAFETY: all-zero bytes are a valid value of every field (the bounds), so of the type.
        unsafe impl<'a> #p::ZeroValid for #ident where #(#p::Field<'a, #zero>: #p::ZeroValid,)* {}
    };
    let (bounds, body) = match store {
        Store::Never => return zero_valid,
        Store::Bytes => (
            quote!(#(#p::Field<'a, #types>: #p::AnyBits,)*),
            TokenStream::new(),
        ),
        Store::Fields(fields) => {
            let types: Vec<&syn::Type> = types.collect();
            let stores = fields.iter().map(|(field, ty)| {
                let through = match ty {
                    None => quote!(#p::AnyBits::store),
                    Some(ty) => quote!(<#p::Field<'a, #ty> as #p::AnyBitsField<#ty>>::store),
                };
                quote! {
                    // SAFETY: the field lies inside the readable record and the writable bytes.
                    unsafe {
                        #through(
                            ::core::ptr::addr_of!((*from).#field),
                            to.add(#p::offset_of!(Self, #field)),
                        );
                    }
                }
            });
            let any_bits = quote!(#(#p::Field<'a, #types>: #p::AnyBitsField<#types>,)*);
            (
                any_bits,
                quote! {
                    #[inline]
                    unsafe fn store(from: *const Self, to: *mut u8) {
                        #(#stores)*
                    }
                },
            )
        }
    };
    let convert = matches!(store, Store::Fields(_)).then(|| cconvert_impl(ident));
    quote! {
        #zero_valid

        // SAFETY: every bit pattern is a valid value of every field (the bounds), so of the
        // type; `store` copies the fields one by one, never Rust's padding.
        unsafe impl<'a> #p::AnyBits for #ident where #bounds {
            #body
        }

        #convert
    }
}

/// `CConvert` for a record, when it is `AnyBits`: a typed callback receives and returns it.
pub fn cconvert_impl(ident: &Ident) -> TokenStream {
    let p = private();
    quote! {
        impl<'a> #p::CConvert for #ident where #p::Field<'a, #ident>: #p::ByValue<#ident> {
            fn from_c(value: &#p::CValue) -> ::core::option::Option<Self> {
                <#p::Field<'a, #ident> as #p::ByValue<#ident>>::from_c(value)
            }

            fn into_c(self) -> #p::CValue {
                <#p::Field<'a, #ident> as #p::ByValue<#ident>>::into_c(&self)
            }
        }
    }
}
