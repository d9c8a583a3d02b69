//! Making a [`Function`]: its parameters checked, its call planned (the engine's plan, the
//! register call, libffi's interface), and the path its calls take.

use std::ffi::c_void;
use std::ptr::NonNull;
use std::sync::{Arc, Mutex};

use super::lanes::Lanes;
use super::libffi_path::libffi_refusal;
use super::registers::Registers;
use super::{CallPath, Core, Function, Plan};
use crate::encode::params_of;
use crate::error::{Error, Result};
use crate::library::{Library, Loaded};
use crate::mem::CData;
use crate::raw::Cif;
use crate::ty::{CType, Signature, TypeKind};

/// The path a function of a signature takes on this target: `registers` says whether the
/// signature has a register call, `engine` whether the engine planned it.
fn path_of(registers: bool, engine: bool) -> CallPath {
    match (registers, engine) {
        (true, true) => CallPath::Registers,
        (false, true) => CallPath::Engine,
        _ => CallPath::Libffi,
    }
}

impl Library {
    /// The function `name` of this library, with the given signature. Keeps the library loaded.
    pub fn function(&self, name: &str, signature: Signature) -> Result<Function> {
        let code = self.symbol(name)?;
        Function::make(name, code, signature, Some(self.keepalive()))
    }
}

impl Function {
    /// A function at a code address, such as a function pointer returned by C.
    ///
    /// # Safety
    /// `code` must be the address of a function with this signature that stays loaded while the
    /// `Function` (or any clone) lives.
    pub unsafe fn from_address(
        code: NonNull<c_void>,
        signature: Signature,
        name: &str,
    ) -> Result<Function> {
        Function::make(name, code, signature, None)
    }

    /// The function a function-pointer object points to (a field of a struct of callbacks, a
    /// global, a result), with the signature of its type.
    ///
    /// # Safety
    /// As for [`Function::from_address`], for the address the pointer holds.
    pub unsafe fn from_pointer(pointer: &CData) -> Result<Function> {
        let signature = match pointer.ty().pointee().map(CType::kind) {
            Some(TypeKind::Function(sig)) => sig.clone(),
            _ => {
                return Err(Error::TypeMismatch {
                    expected: "a function pointer".to_owned(),
                    found: format!("`{}`", pointer.ty()),
                })
            }
        };
        let address = match pointer.value()? {
            crate::mem::Value::Pointer(p) => p,
            _ => unreachable!("a pointer reads as Value::Pointer"),
        };
        let code = NonNull::new(address as *mut c_void)
            .ok_or_else(|| Error::NullPointer(pointer.ty().to_string()))?;
        // SAFETY: forwarded to the caller.
        let mut function =
            unsafe { Function::from_address(code, signature, &format!("(*{address:#x})")) }?;
        // A callback stored in that memory (`CData::set_callback`) lives as long as the
        // function too, as in CPython's ctypes.
        if let Some(callback) = pointer.kept_callback().filter(|cb| cb.code() == code) {
            if let Some(core) = Arc::get_mut(&mut function.core) {
                core._callback = Some(callback);
            }
        }
        Ok(function)
    }

    fn make(
        name: &str,
        code: NonNull<c_void>,
        signature: Signature,
        library: Option<Arc<Loaded>>,
    ) -> Result<Function> {
        let refuse = |reason: String| Error::Signature {
            function: name.to_owned(),
            reason,
        };
        if signature.is_variadic() && signature.fixed_count() == 0 {
            return Err(refuse(
                "a variadic function needs a fixed argument before `...` (C requires a named \
                 parameter there, and the caller's convention for the variadic part depends \
                 on it)"
                    .to_owned(),
            ));
        }
        let params = params_of(&signature).map_err(refuse)?;
        let plan = Plan::of(&signature, &[]);
        let fixed = signature.is_variadic().then(|| signature.fixed_count());
        let cif = Cif::new(signature.args(), signature.result(), fixed).and_then(|cif| {
            match libffi_refusal(signature.args(), Some(signature.result())) {
                Some(reason) => Err(reason),
                None => Ok(cif),
            }
        });
        let (cif, libffi_refusal) = match cif {
            // A variadic function's interface is prepared per call; this one checked that
            // only the variadic part can fail then.
            Ok(cif) => (fixed.is_none().then_some(cif), None),
            Err(reason) if plan.is_some() => (None, Some(reason)),
            Err(reason) => return Err(refuse(reason)),
        };
        let lanes = cif.as_ref().and(Lanes::of(&signature));
        let registers = Registers::of(&signature).filter(|_| plan.is_some());
        let path = path_of(registers.is_some(), plan.is_some());
        Ok(Function {
            core: Arc::new(Core {
                name: name.to_owned(),
                code,
                signature,
                registers,
                lanes,
                cif,
                libffi_refusal,
                plan,
                variadic_plans: Mutex::new(Vec::new()),
                variadic_cifs: Mutex::new(Vec::new()),
                params,
                _library: library,
                _callback: None,
            }),
            errcheck: None,
            path,
        })
    }
}
