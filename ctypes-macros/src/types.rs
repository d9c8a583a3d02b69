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

/// The compile-time check that a type named like a C alias is that alias: the `core::ffi` type
/// itself, or an integer of the C type's range (`size_t` and the other C library names), so that
/// a type of the same name meaning something else is an error, not a wrong C type.
fn alias_check(ty: &Type, name: &str, scalar: &syn::Ident) -> TokenStream {
    let p = quote!(::ctypes_core::__private);
    if name.starts_with("c_") {
        let ffi = syn::Ident::new(name, ty.span());
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

/// The expression of `ty`'s C type, or an error pointing at what is not a C type.
pub fn c_type(ty: &Type) -> syn::Result<TokenStream> {
    let p = quote!(::ctypes_core::__private);
    match ty {
        Type::Path(path) if path.qself.is_none() => {
            let last = path.path.segments.last().expect("a path has a segment");
            if last.arguments.is_empty() {
                let name = last.ident.to_string();
                if let Some(scalar) = alias(&name) {
                    let scalar = syn::Ident::new(scalar, last.ident.span());
                    let check = alias_check(ty, &name, &scalar);
                    return Ok(quote!({ #check #p::scalar(#p::Scalar::#scalar) }));
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

/// What the macro can tell, from its name, of a bit-field's type.
pub enum BitFieldType {
    /// An integer type or `bool` whose width is known here (or depends on the target: `None`).
    Integer(Option<u32>),
    /// A type the compiler will judge (a `#[c_enum]`, an alias, a record...).
    Unknown,
}

/// Checks that `ty` may be a bit-field, as far as its syntax tells.
pub fn bit_field_type(ty: &Type) -> syn::Result<BitFieldType> {
    let refuse = |what: &str| {
        Err(syn::Error::new_spanned(
            ty,
            format!("{what} cannot be a bit-field; a bit-field (`#[c(bits = N)]`) has an integer type or `bool`"),
        ))
    };
    match ty {
        Type::Path(path) if path.qself.is_none() => {
            let last = path.path.segments.last().expect("a path has a segment");
            if !last.arguments.is_empty() {
                return refuse(&format!("`{}<...>`", last.ident));
            }
            let width = match last.ident.to_string().as_str() {
                "f32" | "f64" | "c_float" | "c_double" => return refuse("a floating type"),
                "bool" => Some(1),
                "i8" | "u8" | "c_char" | "c_schar" | "c_uchar" => Some(8),
                "i16" | "u16" | "c_short" | "c_ushort" => Some(16),
                "i32" | "u32" | "c_int" | "c_uint" => Some(32),
                "i64" | "u64" | "c_longlong" | "c_ulonglong" => Some(64),
                "isize" | "usize" | "c_long" | "c_ulong" | "size_t" | "ssize_t" | "ptrdiff_t"
                | "intptr_t" | "uintptr_t" | "time_t" | "wchar_t" => None,
                _ => return Ok(BitFieldType::Unknown),
            };
            Ok(BitFieldType::Integer(width))
        }
        Type::Paren(inner) => bit_field_type(&inner.elem),
        Type::Group(inner) => bit_field_type(&inner.elem),
        Type::Array(_) => refuse("an array"),
        Type::Ptr(_) => refuse("a pointer"),
        Type::BareFn(_) => refuse("a function pointer"),
        _ => refuse("this type"),
    }
}
