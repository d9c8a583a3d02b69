//! Declared functions whose values Rust's `extern "C"` cannot pass: a `long double`, or a
//! record holding one (C returns those in the x87 registers, which Rust does not read). The
//! macros call such functions through the call engine, converting each argument and the
//! result with `CConvert`; whether a type needs this is its `CTyped::NEEDS_RUNTIME_CALL`, known
//! at compile time.
//!
//! The generated code is written for every parameter type, and picks its conversion by method
//! resolution on [`Slot`]: `(&&&Slot::<T, HOLDS>::new()).engine_arg(value)` finds the `CConvert`
//! conversion when `T` has one, and otherwise the fallback, which exists only for types
//! without a `long double` (`HOLDS` false: they go through the function pointer, and the
//! fallback is never run). A type holding one without a `CConvert` (a record not every bit
//! pattern of which is valid) finds no method: a compile error naming `CConvert`.

use core::marker::PhantomData;

use crate::ctyped::{CConvert, CReturn, CTyped};
use crate::{Arg, CValue, Function};

/// A type, named for picking its conversion; `HOLDS` is its `NEEDS_RUNTIME_CALL`.
pub struct Slot<T: ?Sized, const HOLDS: bool>(PhantomData<fn() -> T>);

impl<T: ?Sized, const HOLDS: bool> core::fmt::Debug for Slot<T, HOLDS> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Slot")
    }
}

impl<T: ?Sized, const HOLDS: bool> Slot<T, HOLDS> {
    /// The slot of `T`.
    #[allow(clippy::new_without_default)]
    pub const fn new() -> Slot<T, HOLDS> {
        Slot(PhantomData)
    }
}

/// An argument converted for the call engine.
pub trait ConvertArg<T> {
    /// `value` as a `CValue`.
    fn engine_arg(&self, value: T) -> CValue;
}

impl<T: CConvert, const HOLDS: bool> ConvertArg<T> for &&Slot<T, HOLDS> {
    #[inline]
    fn engine_arg(&self, value: T) -> CValue {
        value.into_c()
    }
}

/// The fallback of [`ConvertArg`].
pub trait NoConvertArg<T> {
    /// Never called: see the module's documentation.
    fn engine_arg(&self, value: T) -> CValue;
}

impl<T: CTyped> NoConvertArg<T> for &Slot<T, false> {
    fn engine_arg(&self, _: T) -> CValue {
        unreachable!("a type without a `long double` is passed through the function pointer")
    }
}

/// A result converted from the call engine's.
pub trait ConvertResult<R> {
    /// The Rust value of `value`.
    fn engine_result(&self, value: CValue) -> R;
}

impl<R: CConvert, const HOLDS: bool> ConvertResult<R> for &&Slot<R, HOLDS> {
    #[inline]
    fn engine_result(&self, value: CValue) -> R {
        match R::from_c(&value) {
            Some(r) => r,
            None => panic!(
                "ctypes macro: the call engine returned {value:?} for `{}`",
                R::c_type()
            ),
        }
    }
}

impl ConvertResult<()> for &&Slot<(), false> {
    #[inline]
    fn engine_result(&self, _: CValue) {}
}

/// The fallback of [`ConvertResult`].
pub trait NoConvertResult<R> {
    /// Never called: see the module's documentation.
    fn engine_result(&self, value: CValue) -> R;
}

impl<R: CReturn> NoConvertResult<R> for &Slot<R, false> {
    fn engine_result(&self, _: CValue) -> R {
        unreachable!("a type without a `long double` is returned through the function pointer")
    }
}

/// The engine's argument for a converted value.
fn arg(value: &CValue) -> Arg<'_> {
    match value {
        CValue::Value(v) => Arg::Value(*v),
        CValue::Data(d) => Arg::Data(d),
        CValue::Void => unreachable!("an argument has a value"),
    }
}

/// Calls `function` with `values` (and reads `errno` after it, when `with_errno`).
///
/// The arguments have the function's parameter types (the Rust types of the declaration), so
/// the engine refuses none of them; if it did, that would be a bug in the macros, reported
/// by a panic.
///
/// # Safety
/// As for [`Function::call`].
#[inline]
pub unsafe fn call_engine<const N: usize>(
    function: &Function,
    values: &[CValue; N],
    with_errno: bool,
) -> (CValue, i32) {
    let args = values.each_ref().map(arg);
    let returned = if with_errno {
        // SAFETY: forwarded to the caller.
        unsafe { function.call_with_errno(&args, None) }
    } else {
        // SAFETY: forwarded to the caller.
        unsafe { function.call(&args) }.map(|r| (r, 0))
    };
    match returned {
        Ok(returned) => returned,
        Err(e) => panic!("ctypes macro: calling `{}`: {e}", function.name()),
    }
}

/// The function at a `c_func!` pointer's address, with the type's signature, for a call
/// through the engine.
///
/// # Safety
/// `code` must be a function of `signature` that stays loaded while the result lives.
pub unsafe fn function_at(code: *const (), signature: crate::Signature, name: &str) -> Function {
    let code =
        core::ptr::NonNull::new(code.cast_mut().cast()).expect("a function pointer is not null");
    // SAFETY: forwarded to the caller.
    match unsafe { Function::from_address(code, signature, name) } {
        Ok(function) => function,
        Err(e) => panic!("ctypes macro: calling a `{name}`: {e}"),
    }
}
