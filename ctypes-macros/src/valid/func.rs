//! `c_func!`.

use syn::spanned::Spanned;

use super::Declared;
use crate::ast::FunctionType;

impl FunctionType {
    pub fn validate(&self) -> syn::Result<()> {
        if let Some(abi) = &self.abi {
            return Err(syn::Error::new(
                abi.span(),
                "leave the ABI out: the type is always `extern \"C\"`",
            ));
        }
        self.sig.validate(self.errno, Declared::FunctionType)
    }
}
