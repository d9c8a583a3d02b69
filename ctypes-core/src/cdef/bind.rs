//! Functions and variables of a library, typed by declarations read at run time.

use super::Declarations;
use crate::error::{Error, Result};
use crate::func::Function;
use crate::library::Library;
use crate::mem::CData;

impl Library {
    /// The function `name` with the signature `decls` declares for it, looked up under its
    /// `__asm__` label if it has one (glibc's `__isoc99_sscanf` for `sscanf`).
    ///
    /// The function is named by its linker name. An undeclared `name` is an
    /// [`Error::Symbol`] that says so.
    pub fn function_from(&self, decls: &Declarations, name: &str) -> Result<Function> {
        let decl = decls
            .function(name)
            .ok_or_else(|| self.undeclared(name, "function"))?;
        self.function(decl.link_name(), decl.signature().clone())
    }

    /// A typed view of the variable `name`, of the type `decls` declares for it.
    ///
    /// # Safety
    /// As for [`Library::global`]: the declaration must match the variable, and nothing may
    /// access it concurrently while the view is used.
    pub unsafe fn global_from(&self, decls: &Declarations, name: &str) -> Result<CData> {
        let ty = decls
            .global(name)
            .ok_or_else(|| self.undeclared(name, "variable"))?;
        // SAFETY: the caller vouches that the declaration describes the variable.
        unsafe { self.global(name, ty) }
    }

    fn undeclared(&self, name: &str, what: &str) -> Error {
        Error::Symbol {
            library: self.name().to_owned(),
            symbol: name.to_owned(),
            message: format!("no {what} of this name is declared"),
        }
    }
}
