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

    /// The functions `names`, each as [`Library::function_from`] binds it; every name that is
    /// not declared or not exported is reported together, in one [`Error::MissingSymbols`].
    pub fn functions_from(&self, decls: &Declarations, names: &[&str]) -> Result<Vec<Function>> {
        let mut functions = Vec::with_capacity(names.len());
        let mut missing = Vec::new();
        for &name in names {
            match decls.function(name) {
                Some(decl) if self.symbol(decl.link_name()).is_ok() => {
                    functions.push(self.function(decl.link_name(), decl.signature().clone())?);
                }
                Some(decl) => missing.push(decl.link_name().to_owned()),
                None => missing.push(format!("{name} (not declared)")),
            }
        }
        if missing.is_empty() {
            Ok(functions)
        } else {
            Err(Error::MissingSymbols {
                library: self.name().to_owned(),
                symbols: missing,
            })
        }
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
