//! Prepared call interfaces (`ffi_cif`) and the call itself.

use std::ffi::c_void;
use std::mem::MaybeUninit;

use libffi_sys::{self as sys, ffi_cif, ffi_type};

use super::ffi_type::FfiType;
use crate::ty::CType;

/// A call interface prepared once: argument and result descriptions, and libffi's `ffi_cif`.
pub(crate) struct Cif {
    cif: ffi_cif,
    /// Pointed to by `cif.arg_types`; never changed after preparation.
    _arg_pointers: Vec<*mut ffi_type>,
    _args: Vec<FfiType>,
    _result: FfiType,
}

// SAFETY: after `Cif::new` returns, neither the `ffi_cif` nor the descriptions it points to are
// written again; `ffi_call` only reads them, so sharing across threads is sound.
unsafe impl Send for Cif {}
// SAFETY: as for `Send`.
unsafe impl Sync for Cif {}

impl Cif {
    /// Prepares a call interface; for a variadic call, `fixed` of the arguments precede the
    /// `...`. Returns a reason when libffi refuses or lays a record out differently from C.
    pub(crate) fn new(args: &[CType], result: &CType, fixed: Option<usize>) -> Result<Cif, String> {
        let arg_types: Vec<FfiType> = args.iter().map(FfiType::of).collect::<Result<_, _>>()?;
        let result_type = FfiType::of_result(result)?;
        let mut arg_pointers: Vec<*mut ffi_type> = arg_types.iter().map(FfiType::as_ptr).collect();
        let mut cif = MaybeUninit::<ffi_cif>::zeroed();
        let nargs = u32::try_from(args.len()).map_err(|_| "too many arguments".to_owned())?;
        // SAFETY: every pointer handed over points to a description owned by `arg_types` or
        // `result_type`, which the returned `Cif` keeps, or to libffi's static descriptions;
        // `arg_pointers` holds `nargs` of them and is kept too.
        let status = unsafe {
            match fixed {
                None => sys::ffi_prep_cif(
                    cif.as_mut_ptr(),
                    sys::ffi_abi_FFI_DEFAULT_ABI,
                    nargs,
                    result_type.as_ptr(),
                    arg_pointers.as_mut_ptr(),
                ),
                Some(fixed) => sys::ffi_prep_cif_var(
                    cif.as_mut_ptr(),
                    sys::ffi_abi_FFI_DEFAULT_ABI,
                    fixed as u32,
                    nargs,
                    result_type.as_ptr(),
                    arg_pointers.as_mut_ptr(),
                ),
            }
        };
        if status != sys::ffi_status_FFI_OK {
            return Err(format!("libffi refused the signature (status {status})"));
        }
        for (ty, described) in args
            .iter()
            .chain([result])
            .zip(arg_types.iter().chain([&result_type]))
        {
            check_layout(ty, described)?;
        }
        Ok(Cif {
            // SAFETY: `ffi_prep_cif` returned FFI_OK, so it initialised the structure.
            cif: unsafe { cif.assume_init() },
            _arg_pointers: arg_pointers,
            _args: arg_types,
            _result: result_type,
        })
    }

    /// The prepared `ffi_cif`, for libffi functions that take it mutably but do not write it.
    pub(crate) fn as_raw(&self) -> *mut ffi_cif {
        std::ptr::from_ref(&self.cif).cast_mut()
    }

    /// Calls `code` with the arguments at `args` (one pointer per argument, each to a value of
    /// the described type), storing the result at `result`.
    ///
    /// # Safety
    /// `code` must be a function with the C signature this interface describes; `args` must
    /// hold that many valid pointers to values of the argument types; `result` must be valid for
    /// writes of the result type's size rounded up to 8 bytes, aligned for it (unused for `void`).
    pub(crate) unsafe fn call(
        &self,
        code: *const c_void,
        result: *mut c_void,
        args: *mut *mut c_void,
    ) {
        // SAFETY: `code` is a code address by the caller's promise; a null code address is not
        // representable in `Option<extern fn>`, and the caller never passes one.
        let function: unsafe extern "C" fn() = unsafe { std::mem::transmute(code) };
        // SAFETY: the caller's promises cover the function, arguments and result; `ffi_call`
        // does not write to the `ffi_cif`, so the pointer cast from `&self` is sound.
        unsafe {
            sys::ffi_call(
                std::ptr::from_ref(&self.cif).cast_mut(),
                Some(function),
                result,
                args,
            )
        }
    }
}

/// Checks that libffi's size and alignment for a record match C's.
fn check_layout(ty: &CType, described: &FfiType) -> Result<(), String> {
    if ty.as_record().is_none() {
        return Ok(());
    }
    // SAFETY: `described` points to a live description that `ffi_prep_cif` has completed.
    let (size, align) = unsafe {
        let raw = &*described.as_ptr();
        (raw.size, usize::from(raw.alignment))
    };
    let c_size = ty.size().map_err(|e| e.to_string())?;
    let c_align = ty.align().map_err(|e| e.to_string())?;
    if size != c_size || align > c_align.max(1) {
        return Err(format!(
            "libffi lays out `{ty}` as {size} bytes aligned to {align}, C as {c_size} aligned to {c_align}"
        ));
    }
    Ok(())
}
