//! `#[c_struct]` and `#[c_union]`.

use quote::ToTokens;
use syn::spanned::Spanned;
use syn::Type;

use super::Errors;
use crate::ast::{CType, Field, Record, FLOATING};

impl Record {
    /// Every field's options, C type and bit width, then what a record kept as bytes cannot
    /// hold; all errors together.
    pub fn validate(&self) -> syn::Result<()> {
        let mut errors = Errors::default();
        for field in &self.fields {
            match field {
                Err(e) => errors.push(e.clone()),
                Ok(field) => {
                    if let Err(e) = CType::from_syn(&field.ty) {
                        errors.push(e);
                    } else if let Err(e) = field.validate_bits() {
                        errors.push(e);
                    }
                }
            }
        }
        if self.kept_as_bytes() {
            let message = if self.options.non_native() {
                "a record in non-native byte order is kept as bytes, which C's calling convention passes in integer registers; a floating member would then reach C in the wrong registers, so such a record cannot hold one (declare the floating value in a separate record, or build this one with `RecordBuilder`)"
            } else {
                "a union with bit-fields is kept as bytes, which C's calling convention passes in integer registers; a floating member would then reach C in the wrong registers, so such a union cannot hold one (build it with `RecordBuilder` instead)"
            };
            for field in self.parsed_fields().filter(|f| f.bits.is_none()) {
                if let Some(float) = floating(&field.ty) {
                    errors.push(syn::Error::new(float.span(), message));
                }
            }
        }
        errors.finish()
    }
}

impl Field {
    /// A bit-field's width against its name and type.
    fn validate_bits(&self) -> syn::Result<()> {
        let Some((width, span)) = self.bits else {
            return Ok(());
        };
        let known = bit_field_type(&self.ty)?;
        if width == 0 && !self.ident.to_string().starts_with('_') {
            return Err(syn::Error::new(
                span,
                "a named bit-field cannot have width 0; only an unnamed one can (a field whose name starts with `_`)",
            ));
        }
        if let BitFieldType::Integer(Some(max)) = known {
            if width > max {
                let ty = self.ty.to_token_stream().to_string();
                return Err(syn::Error::new(
                    span,
                    format!(
                        "`bits = {width}` is wider than `{ty}`, which has {max} bit{}",
                        if max == 1 { "" } else { "s" }
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// What the macro can tell, from its name, of a bit-field's type.
enum BitFieldType {
    /// An integer type or `bool` whose width is known here (or depends on the target: `None`).
    Integer(Option<u32>),
    /// A type the compiler will judge (a `#[c_enum]`, an alias, a record...).
    Unknown,
}

/// Checks that `ty` may be a bit-field, as far as its syntax tells.
fn bit_field_type(ty: &Type) -> syn::Result<BitFieldType> {
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
            let name = last.ident.to_string();
            if FLOATING.contains(&name.as_str()) {
                return refuse("a floating type");
            }
            let width = match name.as_str() {
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

/// The floating type inside `ty` (itself, or an array's element), by name.
fn floating(ty: &Type) -> Option<&Type> {
    match ty {
        Type::Array(array) => floating(&array.elem),
        Type::Paren(inner) => floating(&inner.elem),
        Type::Group(inner) => floating(&inner.elem),
        Type::Path(path) => {
            let last = path.path.segments.last()?;
            FLOATING
                .contains(&last.ident.to_string().as_str())
                .then_some(ty)
        }
        _ => None,
    }
}
