//! A signature's parameters, `...` and result, the same for `c_func!` and `c_library!`.

use syn::spanned::Spanned;

use crate::ast::{CType, FnSig};

/// Which macro declares the signature.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Declared {
    /// A `c_func!` type: its parameters may carry `#[user_data]`.
    FunctionType,
    /// A `c_library!` function.
    Library,
}

impl Declared {
    /// Why `#[errno]` cannot wrap a variadic function declared here, if it cannot: a library's
    /// variadic function takes a closure that calls it, and reads `errno` after (see
    /// `expand::library`).
    fn variadic_errno(self) -> Option<&'static str> {
        match self {
            Declared::FunctionType => Some("`#[errno]` cannot wrap a variadic function type (it has no typed `call`); call it and read `ctypes_core::errno()` right after"),
            Declared::Library => None,
        }
    }
}

impl FnSig {
    /// Each parameter (its attributes, then its C type), then what a variadic function needs,
    /// then the result's C type; the first error only.
    pub fn validate(&self, errno: bool, declared: Declared) -> syn::Result<()> {
        for (index, param) in self.params.iter().enumerate() {
            if declared == Declared::FunctionType {
                for attr in &param.attrs {
                    if !attr.path().is_ident("user_data") {
                        return Err(syn::Error::new(
                            attr.span(),
                            "unknown attribute; expected `#[user_data]`",
                        ));
                    }
                    if self.params[..index].iter().any(|p| p.user_data()) {
                        return Err(syn::Error::new(
                            attr.span(),
                            "only one parameter can be `#[user_data]`",
                        ));
                    }
                }
            }
            CType::from_syn(&param.ty)?;
        }
        if let Some(dots) = self.variadic {
            if self.params.is_empty() {
                return Err(syn::Error::new(
                    dots,
                    "a variadic C function needs at least one fixed argument before `...`",
                ));
            }
            if let Some(why) = declared.variadic_errno().filter(|_| errno) {
                return Err(syn::Error::new(dots, why));
            }
        }
        if let Some(result) = &self.result {
            CType::from_syn(result)?;
        }
        Ok(())
    }
}
