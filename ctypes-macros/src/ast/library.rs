//! `c_library!`: a shared library's functions and globals.

use proc_macro2::Span;
use syn::parse::{Parse, ParseStream};
use syn::spanned::Spanned;
use syn::{Attribute, ForeignItem, Ident, LitStr, Token, Type, Visibility};

use super::FnSig;

/// The whole declaration.
pub struct Library {
    pub attrs: Vec<Attribute>,
    /// `#[library("name", "libname.so.1")]`: the names and paths to try.
    pub names: Vec<LitStr>,
    pub vis: Visibility,
    pub ident: Ident,
    pub entries: Vec<Entry>,
}

/// One declaration in the library's body.
pub enum Entry {
    Function(Function),
    Global(Global),
    /// Neither a function nor a static, by its span.
    Other(Span),
}

/// A function of the library.
pub struct Function {
    /// Its documentation.
    pub attrs: Vec<Attribute>,
    pub markers: Markers,
    pub ident: Ident,
    /// The `<` of generic parameters, which a C function cannot have.
    pub generics: Option<Span>,
    /// A `self` parameter, which a C function cannot have.
    pub receiver: Option<Span>,
    pub sig: FnSig,
}

/// A global of the library.
pub struct Global {
    /// Its documentation.
    pub attrs: Vec<Attribute>,
    pub markers: Markers,
    pub ident: Ident,
    pub ty: Type,
}

/// `#[optional]` and `#[errno]`, taken out of the declaration's attributes.
pub struct Markers {
    pub optional: bool,
    pub errno: bool,
    /// The path of the last attribute that is neither of those nor documentation.
    pub unknown: Option<Span>,
}

impl Markers {
    /// Takes the markers out of `attrs`, leaving the documentation; a global (`errno: false`)
    /// has no `#[errno]`.
    fn take(attrs: &mut Vec<Attribute>, errno: bool) -> Self {
        let mut markers = Markers {
            optional: false,
            errno: false,
            unknown: None,
        };
        attrs.retain(|attr| {
            let path = attr.path();
            if path.is_ident("optional") {
                markers.optional = true;
                false
            } else if path.is_ident("errno") && errno {
                markers.errno = true;
                false
            } else if path.is_ident("doc") {
                true
            } else {
                markers.unknown = Some(path.span());
                false
            }
        });
        markers
    }
}

impl Parse for Library {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let mut attrs = input.call(Attribute::parse_outer)?;
        let mut library_attr = None;
        attrs.retain(|attr| {
            if attr.path().is_ident("library") {
                library_attr = Some(attr.clone());
                false
            } else {
                true
            }
        });
        let vis: Visibility = input.parse()?;
        input.parse::<Token![struct]>()?;
        let ident: Ident = input.parse()?;
        let Some(attr) = library_attr else {
            return Err(syn::Error::new(
                ident.span(),
                "a library needs its names: add `#[library(\"name\", \"libname.so.1\")]` before `struct`",
            ));
        };
        let names = attr
            .parse_args_with(syn::punctuated::Punctuated::<LitStr, Token![,]>::parse_terminated)?;
        if names.is_empty() {
            return Err(syn::Error::new(
                attr.span(),
                "`#[library()]` needs at least one library name or path",
            ));
        }
        let body;
        syn::braced!(body in input);
        let mut entries = Vec::new();
        while !body.is_empty() {
            entries.push(Entry::from_syn(body.parse()?));
        }
        Ok(Library {
            attrs,
            names: names.into_iter().collect(),
            vis,
            ident,
            entries,
        })
    }
}

impl Entry {
    fn from_syn(item: ForeignItem) -> Self {
        match item {
            ForeignItem::Fn(f) => {
                let mut attrs = f.attrs;
                let markers = Markers::take(&mut attrs, true);
                let (sig, receiver) = FnSig::from_fn(&f.sig);
                Entry::Function(Function {
                    attrs,
                    markers,
                    generics: f.sig.generics.lt_token.map(|lt| lt.span()),
                    receiver,
                    sig,
                    ident: f.sig.ident,
                })
            }
            ForeignItem::Static(s) => {
                let mut attrs = s.attrs;
                let markers = Markers::take(&mut attrs, false);
                Entry::Global(Global {
                    attrs,
                    markers,
                    ident: s.ident,
                    ty: *s.ty,
                })
            }
            other => Entry::Other(other.span()),
        }
    }
}
