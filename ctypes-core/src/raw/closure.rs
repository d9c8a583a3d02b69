//! libffi closures: executable trampolines that turn a C call into a call of a Rust function
//! with the arguments' addresses.

use std::ffi::c_void;
use std::ptr::NonNull;

use libffi_sys::{self as sys, ffi_cif, ffi_closure};

use super::cif::Cif;

/// What a trampoline calls: the interface, where to write the result, the arguments' addresses,
/// and the user data given at preparation.
type Handler = unsafe extern "C" fn(
    cif: *mut ffi_cif,
    result: *mut c_void,
    args: *mut *mut c_void,
    data: *mut c_void,
);

/// An allocated libffi closure: writable memory for libffi, and the executable address C calls.
pub(crate) struct Closure {
    writable: NonNull<ffi_closure>,
    code: NonNull<c_void>,
}

// SAFETY: after `prepare`, the closure memory is only read (by the trampoline, on any thread);
// it is freed once, on drop.
unsafe impl Send for Closure {}
// SAFETY: as for `Send`.
unsafe impl Sync for Closure {}

impl Closure {
    /// Allocates an unprepared closure.
    pub(crate) fn allocate() -> Result<Closure, String> {
        let mut code: *mut c_void = std::ptr::null_mut();
        // SAFETY: `ffi_closure_alloc` has no preconditions; it returns NULL on failure.
        let writable = unsafe { sys::ffi_closure_alloc(size_of::<ffi_closure>(), &mut code) };
        match (
            NonNull::new(writable.cast::<ffi_closure>()),
            NonNull::new(code),
        ) {
            (Some(writable), Some(code)) => Ok(Closure { writable, code }),
            (Some(writable), None) => {
                // SAFETY: allocated just above and not yet handed out.
                unsafe { sys::ffi_closure_free(writable.as_ptr().cast()) };
                Err("libffi gave no code address for a closure".to_owned())
            }
            _ => Err("libffi could not allocate a closure".to_owned()),
        }
    }

    /// The address C calls.
    pub(crate) fn code(&self) -> NonNull<c_void> {
        self.code
    }

    /// Makes calls to [`Closure::code`] call `handler` with `data`.
    ///
    /// # Safety
    /// `cif` and whatever `data` points to must stay valid, at the same addresses, for as long
    /// as the code address can be called; `handler` must treat its arguments as the interface
    /// describes.
    pub(crate) unsafe fn prepare(
        &self,
        cif: &Cif,
        handler: Handler,
        data: *mut c_void,
    ) -> Result<(), String> {
        // SAFETY: the closure was allocated by `ffi_closure_alloc`; the caller keeps `cif` and
        // `data` alive; libffi does not write through the CIF pointer.
        let status = unsafe {
            sys::ffi_prep_closure_loc(
                self.writable.as_ptr(),
                cif.as_raw(),
                Some(handler),
                data,
                self.code.as_ptr(),
            )
        };
        if status == sys::ffi_status_FFI_OK {
            Ok(())
        } else {
            Err(format!(
                "libffi could not prepare a closure (status {status})"
            ))
        }
    }
}

impl Drop for Closure {
    fn drop(&mut self) {
        // SAFETY: allocated by `ffi_closure_alloc`, freed only here.
        unsafe { sys::ffi_closure_free(self.writable.as_ptr().cast()) };
    }
}
