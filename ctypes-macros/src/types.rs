//! From a Rust field type to the expression of its runtime C type.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::Type;

/// The scalar a `core::ffi` (or `std::os::raw`, `libc`) alias names; these map by name so that
/// `c_int` is `int`, not the `int32_t` its Rust type `i32` would give.
fn alias(name: &str) -> Option<&'static str> {
    Some(match name {
        "c_char" => "Char",
        "c_schar" => "SChar",
        "c_uchar" => "UChar",
        "c_short" => "Short",
        "c_ushort" => "UShort",
        "c_int" => "Int",
        "c_uint" => "UInt",
        "c_long" => "Long",
        "c_ulong" => "ULong",
        "c_longlong" => "LongLong",
        "c_ulonglong" => "ULongLong",
        "c_float" => "Float",
        "c_double" => "Double",
        "size_t" => "SizeT",
        "ssize_t" => "SSizeT",
        "ptrdiff_t" => "PtrdiffT",
        "intptr_t" => "IntptrT",
        "uintptr_t" => "UintptrT",
        "time_t" => "TimeT",
        "wchar_t" => "WcharT",
        _ => return None,
    })
}

/// The expression of `ty`'s C type, or an error pointing at what is not a C type.
pub fn c_type(ty: &Type) -> syn::Result<TokenStream> {
    let p = quote!(::ctypes_core::__private);
    match ty {
        Type::Path(path) if path.qself.is_none() => {
            let last = path.path.segments.last().expect("a path has a segment");
            if last.arguments.is_empty() {
                if let Some(scalar) = alias(&last.ident.to_string()) {
                    let scalar = syn::Ident::new(scalar, last.ident.span());
                    return Ok(quote!(#p::scalar(#p::Scalar::#scalar)));
                }
            }
            Ok(quote_spanned!(ty.span()=> <#ty as #p::CTyped>::c_type()))
        }
        Type::Ptr(pointer) => {
            let target = &pointer.elem;
            let pointee = match &**target {
                Type::Path(path)
                    if path
                        .path
                        .segments
                        .last()
                        .is_some_and(|s| s.ident == "c_void") =>
                {
                    quote!(#p::CType::void())
                }
                Type::Path(path)
                    if path.path.segments.last().is_some_and(|s| {
                        s.arguments.is_empty() && alias(&s.ident.to_string()).is_some()
                    }) =>
                {
                    c_type(target)?
                }
                Type::Ptr(_) | Type::Array(_) => c_type(target)?,
                Type::Slice(_) | Type::TraitObject(_) => {
                    return Err(syn::Error::new(
                        target.span(),
                        "a pointer to this type is a fat pointer, not a C pointer; point to the element type instead",
                    ))
                }
                Type::Path(path) if path.path.is_ident("str") => {
                    return Err(syn::Error::new(
                        target.span(),
                        "a pointer to `str` is a fat pointer, not a C pointer; use `*const c_char`",
                    ))
                }
                _ => quote_spanned!(target.span()=> <#target as #p::CPointee>::pointee_type()),
            };
            Ok(quote!(#pointee.pointer()))
        }
        Type::Array(array) => {
            let element = c_type(&array.elem)?;
            let len = &array.len;
            Ok(quote!(#p::array(#element, #len)))
        }
        Type::Paren(inner) => c_type(&inner.elem),
        Type::Group(inner) => c_type(&inner.elem),
        Type::Reference(r) => Err(syn::Error::new(
            r.and_token.span(),
            "a reference is not a C type; use a raw pointer (`*const T` or `*mut T`)",
        )),
        Type::Slice(_) => Err(syn::Error::new(
            ty.span(),
            "a slice is not a C type; use an array `[T; N]` or a pointer",
        )),
        Type::Tuple(t) if t.elems.is_empty() => {
            Err(syn::Error::new(ty.span(), "`()` is not a C type"))
        }
        Type::Tuple(_) => Err(syn::Error::new(
            ty.span(),
            "a tuple is not a C type; declare a #[c_struct]",
        )),
        _ => Err(syn::Error::new(ty.span(), "not a C type")),
    }
}
