//! What a Rust type written in a declaration is in C.

use syn::spanned::Spanned;
use syn::{Expr, Ident, Type};

/// A Rust type read as a C type.
pub enum CType<'t> {
    /// A `core::ffi` (or `std::os::raw`, `libc`) alias of a C scalar, mapped by name so that
    /// `c_int` is `int`, not the `int32_t` its Rust type `i32` would give: the type as written,
    /// the alias's name, and the `Scalar` it names (spanned at the name).
    Alias {
        ty: &'t Type,
        name: String,
        scalar: Ident,
    },
    /// Any other named type: its `CTyped` impl gives the C type.
    Typed(&'t Type),
    /// A thin pointer.
    Pointer(Pointee<'t>),
    /// An array `[T; N]`: the element's C type and the length.
    Array {
        element: Box<CType<'t>>,
        len: &'t Expr,
    },
}

/// What a pointer points to.
pub enum Pointee<'t> {
    /// `c_void`.
    Void,
    /// A C alias, a pointer or an array.
    CType(Box<CType<'t>>),
    /// Any other type: its `CPointee` impl gives the C type (an opaque type has no `CTyped`).
    Declared(&'t Type),
}

/// The names of the floating types, Rust's and C's.
pub const FLOATING: [&str; 4] = ["f32", "f64", "c_float", "c_double"];

/// The `Scalar` a C alias names.
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

impl<'t> CType<'t> {
    /// `ty` as a C type, or an error pointing at what is not one.
    pub fn from_syn(ty: &'t Type) -> syn::Result<Self> {
        match ty {
            Type::Path(path) if path.qself.is_none() => {
                let last = path.path.segments.last().expect("a path has a segment");
                if last.arguments.is_empty() {
                    let name = last.ident.to_string();
                    if let Some(scalar) = alias(&name) {
                        let scalar = Ident::new(scalar, last.ident.span());
                        return Ok(CType::Alias { ty, name, scalar });
                    }
                }
                Ok(CType::Typed(ty))
            }
            Type::Ptr(pointer) => Ok(CType::Pointer(Pointee::from_syn(&pointer.elem)?)),
            Type::Array(array) => Ok(CType::Array {
                element: Box::new(CType::from_syn(&array.elem)?),
                len: &array.len,
            }),
            Type::Paren(inner) => CType::from_syn(&inner.elem),
            Type::Group(inner) => CType::from_syn(&inner.elem),
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
}

impl<'t> Pointee<'t> {
    fn from_syn(target: &'t Type) -> syn::Result<Self> {
        Ok(match target {
            Type::Path(path)
                if path
                    .path
                    .segments
                    .last()
                    .is_some_and(|s| s.ident == "c_void") =>
            {
                Pointee::Void
            }
            Type::Path(path)
                if path.path.segments.last().is_some_and(|s| {
                    s.arguments.is_empty() && alias(&s.ident.to_string()).is_some()
                }) =>
            {
                Pointee::CType(Box::new(CType::from_syn(target)?))
            }
            Type::Ptr(_) | Type::Array(_) => Pointee::CType(Box::new(CType::from_syn(target)?)),
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
            _ => Pointee::Declared(target),
        })
    }
}
