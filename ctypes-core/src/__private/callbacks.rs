//! Typed callbacks: what `c_func!`'s generated callbacks call.

use crate::ctyped::CConvert;
use crate::error::Result;
use crate::{CValue, Callback, Signature, TypedCallback};

/// A typed callback whose closure panicked on the no-trampoline path: nothing can be returned
/// to C in its place, so the process ends.
pub fn abort_on_panic(name: &str) -> ! {
    use std::io::Write;
    let _ = writeln!(
        std::io::stderr(),
        "ctypes: a `{name}` callback panicked; aborting, since a panic must not unwind into C"
    );
    std::process::abort()
}

/// A `c_func!` type's callback over scalars and pointers: the closure reads C's registers
/// directly ([`Callback::from_fn`]), under the type's own signature.
pub fn callback_from_fn<Args, F>(signature: Signature, f: F) -> Result<Callback>
where
    F: crate::CallbackFnOf<Args>,
{
    Callback::from_fn_as(signature, f)
}

/// The argument a typed callback received, converted; a mismatch is a bug in the macros.
pub fn argument<T: CConvert>(args: &[CValue], index: usize) -> T {
    match args.get(index).and_then(T::from_c) {
        Some(value) => value,
        None => panic!("ctypes macro: callback argument {index} has the wrong kind"),
    }
}

/// Pairs a `c_func!` type's callback with its code address as the typed function pointer.
///
/// # Safety
/// `function` must be `callback`'s code address, as a function pointer type whose C signature
/// is the callback's.
pub unsafe fn typed_callback<T: Copy>(callback: Callback, function: T) -> TypedCallback<T> {
    // SAFETY: forwarded to the caller.
    unsafe { TypedCallback::new(callback, function) }
}
