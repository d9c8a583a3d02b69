//! `#[c_struct]` and `#[c_union]`: a record and its fields.

use proc_macro2::{Span, TokenStream};
use syn::spanned::Spanned;
use syn::{Attribute, Fields, Ident, Item, Type, Visibility};

use super::attr::{self, RecordOptions};

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

/// A struct or union declaration.
pub struct Record {
    pub kind: Kind,
    pub attrs: Vec<Attribute>,
    pub vis: Visibility,
    pub ident: Ident,
    pub options: RecordOptions,
    /// The fields in declaration order; one whose `#[c(...)]` options do not parse is that
    /// error, reported in its place among the errors of the others.
    pub fields: Vec<syn::Result<Field>>,
}

/// One field: its Rust declaration and its C name.
pub struct Field {
    pub attrs: Vec<Attribute>,
    pub vis: Visibility,
    pub ident: Ident,
    pub ty: Type,
    pub c_name: String,
    /// `#[c(bits = N)]`: the width and the span of `N`.
    pub bits: Option<(u32, Span)>,
}

impl Record {
    /// The record declared by `item` with the options `args`; an error if it is no struct (or
    /// union) with named fields, is generic, or its options do not parse.
    pub fn from_syn(kind: Kind, args: TokenStream, item: Item) -> syn::Result<Self> {
        let attribute = kind.attribute();
        let (attrs, vis, ident, generics, fields) = match item {
            Item::Struct(s) => (s.attrs, s.vis, s.ident, s.generics, s.fields),
            Item::Union(u) if kind == Kind::Union => {
                (u.attrs, u.vis, u.ident, u.generics, Fields::Named(u.fields))
            }
            Item::Enum(e) => {
                return Err(syn::Error::new(
                    e.enum_token.span(),
                    format!(
                "#[{attribute}] applies to a struct with named fields; for a C enum use #[c_enum]"
            ),
                ))
            }
            other => {
                return Err(syn::Error::new(
                    other.span(),
                    format!("#[{attribute}] applies to a struct with named fields"),
                ))
            }
        };
        if !generics.params.is_empty() || generics.where_clause.is_some() {
            return Err(syn::Error::new(
                generics.span(),
                "a C record cannot be generic: its layout must be known once",
            ));
        }
        let named = match fields {
            Fields::Named(named) => named,
            Fields::Unnamed(f) => {
                return Err(syn::Error::new(
                    f.span(),
                    "a C record needs named fields: C has no tuple structs",
                ))
            }
            Fields::Unit => {
                return Err(syn::Error::new(
                    ident.span(),
                    "a C record needs at least one named field",
                ))
            }
        };
        if named.named.is_empty() {
            return Err(syn::Error::new(
                named.span(),
                "a C record needs at least one named field",
            ));
        }
        let options = attr::record_options(args, attribute)?;
        Ok(Record {
            kind,
            attrs,
            vis,
            ident,
            options,
            fields: named.named.into_iter().map(Field::from_syn).collect(),
        })
    }

    /// The fields whose options parsed: once the record is valid, all of them.
    pub fn parsed_fields(&self) -> impl Iterator<Item = &Field> + Clone {
        self.fields.iter().flatten()
    }

    /// Whether the record is kept as its bytes with accessors rather than as Rust fields: in
    /// non-native byte order, or a union with bit-fields. A union's fields all start at its
    /// first byte, so bit-field storage could not be kept apart from its plain fields: writing
    /// one of them would leave the storage's other bytes uninitialised. (A struct with
    /// bit-fields is plain fields around the storage of its bit-field runs.)
    pub fn kept_as_bytes(&self) -> bool {
        self.options.non_native()
            || (self.kind == Kind::Union && self.parsed_fields().any(|f| f.bits.is_some()))
    }
}

impl Field {
    fn from_syn(field: syn::Field) -> syn::Result<Self> {
        let mut attrs = field.attrs;
        let ident = field.ident.expect("named fields have names");
        let options = attr::field_options(&mut attrs)?;
        Ok(Field {
            attrs,
            vis: field.vis,
            c_name: options.name.unwrap_or_else(|| ident.to_string()),
            ident,
            ty: field.ty,
            bits: options.bits,
        })
    }

    /// An unnamed C bit-field (padding): a bit-field whose Rust name starts with `_`.
    pub fn unnamed(&self) -> bool {
        self.bits.is_some() && self.ident.to_string().starts_with('_')
    }
}
