//! `c_library!`.

use syn::Ident;

use super::{Declared, Errors};
use crate::ast::{CType, Entry, Function, Global, Library, Markers};

impl Library {
    /// Every entry in order: what it is, that its name is new, and then the entry itself; all
    /// errors together.
    pub fn validate(&self) -> syn::Result<()> {
        let mut errors = Errors::default();
        let mut seen: Vec<&Ident> = Vec::new();
        for entry in &self.entries {
            let ident = match entry {
                Entry::Function(f) => &f.ident,
                Entry::Global(g) => &g.ident,
                Entry::Other(span) => {
                    errors.push(syn::Error::new(
                        *span,
                        "expected `fn name(...) -> T;` or `static name: T;`",
                    ));
                    continue;
                }
            };
            if seen.contains(&ident) {
                errors.push(syn::Error::new(
                    ident.span(),
                    format!("`{ident}` is declared twice"),
                ));
                continue;
            }
            seen.push(ident);
            let checked = match entry {
                Entry::Function(f) => f.validate(),
                Entry::Global(g) => g.validate(),
                Entry::Other(_) => continue,
            };
            if let Err(e) = checked {
                errors.push(e);
            }
        }
        errors.finish()
    }
}

impl Function {
    fn validate(&self) -> syn::Result<()> {
        self.markers.validate(true)?;
        if let Some(span) = self.generics {
            return Err(syn::Error::new(span, "a C function cannot be generic"));
        }
        if let Some(span) = self.receiver {
            return Err(syn::Error::new(span, "a C function has no `self`"));
        }
        self.sig.validate(self.markers.errno, Declared::Library)
    }
}

impl Global {
    fn validate(&self) -> syn::Result<()> {
        self.markers.validate(false)?;
        CType::from_syn(&self.ty).map(drop)
    }
}

impl Markers {
    /// No attribute but the markers and documentation; `#[errno]` is a marker on a function
    /// only.
    fn validate(&self, errno: bool) -> syn::Result<()> {
        let Some(span) = self.unknown else {
            return Ok(());
        };
        Err(syn::Error::new(
            span,
            if errno {
                "unknown attribute; expected `#[optional]`, `#[errno]` or documentation"
            } else {
                "unknown attribute; expected `#[optional]` or documentation"
            },
        ))
    }
}
