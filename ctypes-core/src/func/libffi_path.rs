//! How a [`Function`] calls through libffi: the general marshalling path (`marshal.rs`), the
//! call interfaces kept for variadic calls, and the shapes libffi is not given.

use std::sync::{Arc, PoisonError};

use super::arg::Arg;
use super::marshal::{self, Frame};
use super::{Core, Function};
use crate::encode::CValue;
use crate::error::{Error, Result};
use crate::mem::CData;
use crate::raw::Cif;
use crate::ty::CType;

/// A call interface a variadic function keeps, with the promoted variadic argument types it
/// was prepared for.
pub(super) type KeptCif = (Box<[CType]>, Arc<Cif>);

/// How many interfaces a variadic function keeps for the variadic argument types of its
/// latest calls.
const VARIADIC_CIFS: usize = 8;

impl Function {
    /// # Safety
    /// As for [`Function::call`]; `into`, if given, is an object of the result type.
    pub(super) unsafe fn invoke(
        &self,
        args: &[Arg<'_>],
        errno_before: Option<i32>,
        into: Option<&CData>,
    ) -> Result<(CValue, i32)> {
        let core = &*self.core;
        if let Some(reason) = &core.libffi_refusal {
            return Err(Error::Signature {
                function: core.name.clone(),
                reason: reason.clone(),
            });
        }
        let fixed = core.params.len();
        core.check_arity(args)?;
        let mut frame = Frame::new(args.len());
        for (index, (param, arg)) in core.params.iter().zip(args).enumerate() {
            frame.push(param, arg).map_err(|found| Error::Argument {
                function: core.name.clone(),
                index,
                expected: core.signature.args()[index].to_string(),
                found,
            })?;
        }
        let variadic_cif;
        let cif = match &core.cif {
            Some(cif) => cif,
            None => {
                let mut types = core.signature.args().to_vec();
                for (index, arg) in args.iter().enumerate().skip(fixed) {
                    let (ty, param) = marshal::promoted(arg).map_err(|found| Error::Argument {
                        function: core.name.clone(),
                        index,
                        expected: "a variadic argument".to_owned(),
                        found,
                    })?;
                    frame.push(&param, arg).map_err(|found| Error::Argument {
                        function: core.name.clone(),
                        index,
                        expected: ty.to_string(),
                        found,
                    })?;
                    types.push(ty);
                }
                variadic_cif = core.variadic_cif(&types)?;
                &*variadic_cif
            }
        };
        let result_type = core.signature.result();
        // SAFETY: the caller promises the function has this signature; `frame` holds one valid
        // pointer per argument, each to a value of its parameter's type (checked above), kept
        // alive until the call returns, and the result buffer it provides fits the result type.
        let (returned, errno) =
            unsafe { frame.call(cif, core.code.as_ptr(), result_type, errno_before, into)? };
        let returned = self.check(returned, errno, into)?;
        Ok((returned, errno))
    }
}

impl Core {
    /// The interface for a call of this variadic function with arguments of `types` (the
    /// fixed parameters' and the promoted variadic ones'): kept from an earlier call with the
    /// same variadic types, or prepared now and kept.
    pub(super) fn variadic_cif(&self, types: &[CType]) -> Result<Arc<Cif>> {
        let fixed = self.signature.fixed_count();
        let variadic = &types[fixed..];
        let mut kept = self
            .variadic_cifs
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(at) = kept.iter().position(|(key, _)| **key == *variadic) {
            let entry = kept.remove(at);
            let cif = Arc::clone(&entry.1);
            kept.push(entry);
            return Ok(cif);
        }
        let cif = match libffi_refusal(variadic, None) {
            Some(reason) => Err(reason),
            None => Cif::new(types, self.signature.result(), Some(fixed)),
        };
        let cif = cif.map_err(|reason| Error::Signature {
            function: self.name.clone(),
            reason,
        })?;
        let cif = Arc::new(cif);
        if kept.len() == VARIADIC_CIFS {
            kept.remove(0);
        }
        kept.push((variadic.into(), Arc::clone(&cif)));
        Ok(cif)
    }
}

/// Why libffi cannot pass these arguments (and result) as C does, though it accepts them.
pub(super) fn libffi_refusal<'t>(
    args: impl IntoIterator<Item = &'t CType>,
    result: Option<&CType>,
) -> Option<String> {
    #[cfg(all(target_arch = "x86_64", unix))]
    return crate::encode::libffi_refusal(args, result);
    #[cfg(not(all(target_arch = "x86_64", unix)))]
    {
        let _ = (args, result);
        None
    }
}
