//! The parsed model of a declaration, keeping the original syntax for spans.

use syn::{Attribute, Ident, Type, Visibility};

/// Struct or union.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Struct,
    Union,
}

impl Kind {
    pub fn attribute(self) -> &'static str {
        match self {
            Kind::Struct => "c_struct",
            Kind::Union => "c_union",
        }
    }
}

/// One field: its Rust declaration and its C name.
pub struct Field {
    pub attrs: Vec<Attribute>,
    pub vis: Visibility,
    pub ident: Ident,
    pub ty: Type,
    pub c_name: String,
    /// `#[c(bits = N)]`: the width and the span of `N`.
    pub bits: Option<(u32, proc_macro2::Span)>,
}

impl Field {
    /// An unnamed C bit-field (padding): a bit-field whose Rust name starts with `_`.
    pub fn unnamed(&self) -> bool {
        self.bits.is_some() && self.ident.to_string().starts_with('_')
    }
}
