//! `#[c_enum]`.

use syn::spanned::Spanned;

use super::Errors;
use crate::ast::{CType, Enum};

impl Enum {
    /// The integer type, then that the enum is not generic, then every enumerator.
    pub fn validate(&self) -> syn::Result<()> {
        CType::from_syn(&self.repr)?;
        if !self.generics.params.is_empty() {
            return Err(syn::Error::new(
                self.generics.span(),
                "a C enum cannot be generic",
            ));
        }
        let mut errors = Errors::default();
        for data in self.variants.iter().filter_map(|v| v.data) {
            errors.push(syn::Error::new(
                data,
                "a C enum's variants cannot carry data: C enumerators are plain integers",
            ));
        }
        errors.finish()
    }
}
