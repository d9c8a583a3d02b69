//! `Function`: a C function found at run time, with its signature, called by the project's
//! own call engine on x86-64 System V and through libffi elsewhere.
//!
//! On x86-64 System V (Linux, the BSDs, macOS on Intel) every call goes through the engine:
//! - `plan.rs`: once per function (and per list of promoted variadic argument types), the
//!   System V placement of the signature (`abi::Placement`) becomes a plan: which register
//!   word or stack bytes each argument (each eightbyte of a record) goes to, how the result
//!   comes back (`rax`/`rdx`, `xmm0`/`xmm1`, both, `st0`/`st1`, or memory through a hidden
//!   pointer in `rdi`), the stack area's size and alignment, `al`;
//! - `engine.rs`: per call, the arguments are checked and written into a fixed array of
//!   register words and an outgoing stack area (in the frame up to 1 KiB, so that calls of
//!   fixed signatures allocate nothing), records copied from their objects' bytes;
//! - `sysv_call.rs`: the machine code, inline assembly that aligns the stack pointer (to 16,
//!   or more for over-aligned records), copies the area below it, loads `rdi`..`r9` and
//!   `xmm0`–`xmm7`, sets `al`, calls, and stores `rax`, `rdx`, `xmm0`, `xmm1` and the x87
//!   values the callee left;
//! - `registers.rs`: the engine's quickest form, inlined into the caller, for signatures of
//!   scalars and pointers that fit in registers ([`CallPath::Registers`]).
//!
//! `marshal.rs` converts arguments for both the engine and libffi (C strings, pointers made
//! from objects, pins), so both paths accept and refuse the same arguments with the same
//! messages; `lanes.rs` is a short libffi path. libffi remains the path on other targets,
//! and on x86-64 behind [`Function::through_libffi`], for comparison.

mod arg;
#[cfg(ctypes_sysv64)]
mod engine;
mod engine_path;
mod errno;
mod lanes;
mod libffi_path;
mod make;
mod marshal;
#[cfg(not(ctypes_sysv64))]
mod no_engine;
#[cfg(ctypes_sysv64)]
mod plan;
mod registers;
mod returned;
mod sysv_call;

use std::ffi::c_void;
use std::fmt;
use std::ptr::NonNull;
use std::sync::{Arc, Mutex};

pub use arg::Arg;
pub use errno::{errno, set_errno};
use lanes::Lanes;
#[cfg(not(ctypes_sysv64))]
use no_engine::Plan;
#[cfg(ctypes_sysv64)]
use plan::Plan;
use registers::Registers;

use crate::encode::{CValue, Callback, Param};
use crate::error::{Error, Result};
use crate::library::Loaded;
use crate::mem::{CData, Value};
use crate::raw::Cif;
use crate::ty::{CType, Signature, TypeKind};

/// A result check: given the result and the `errno` the call left, accept it or say why not.
pub type ErrCheck = dyn Fn(&CValue, i32) -> std::result::Result<(), Box<dyn std::error::Error + Send + Sync>>
    + Send
    + Sync;

/// A result map: given the result and the `errno` the call left, the value the call returns
/// instead, or why the call failed (CPython's `errcheck` returning another value).
pub type ResultMap = dyn Fn(CValue, i32) -> std::result::Result<CValue, Box<dyn std::error::Error + Send + Sync>>
    + Send
    + Sync;

/// What runs after every call of a function that has one: a check, or a map.
#[derive(Clone)]
enum AfterCall {
    Check(Arc<ErrCheck>),
    Map(Arc<ResultMap>),
}

/// A C function: a code address, its signature, and what keeps the code loaded.
///
/// The call is planned once, when the `Function` is made: on x86-64 System V by the project's
/// own call engine, which calls every signature exactly as C does (see [`CallPath`]); on other
/// targets by preparing a libffi call interface, and a signature that libffi cannot be made to
/// call exactly as C would (see [`Error::Signature`]) is refused then. Cheap to clone; `Send`
/// and `Sync`.
///
/// ```
/// use ctypes_core::{CType, Library, Scalar, Signature};
///
/// // SAFETY: libm's initialisers are those of the C library itself.
/// let libm = unsafe { Library::open("m") }?;
/// let double = CType::scalar(Scalar::Double);
/// let cos = libm.function("cos", Signature::new(vec![double.clone()], double))?;
/// // SAFETY: `cos` has the signature `double cos(double)`.
/// let result = unsafe { cos.call(&[0.0f64.into()]) }?;
/// assert_eq!(result.as_f64(), Some(1.0));
/// # Ok::<(), ctypes_core::Error>(())
/// ```
#[derive(Clone)]
pub struct Function {
    core: Arc<Core>,
    errcheck: Option<AfterCall>,
    /// How calls reach the function: the register call only for signatures that have one and
    /// no result check; `Libffi` off x86-64 System V or when `through_libffi` was asked for.
    path: CallPath,
}

/// How [`Function::call`] reaches a function, for arguments given as plain [`Value`]s
/// (`Arg::Value`) of their parameters' kinds and ranges.
///
/// [`Value`]: crate::Value
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CallPath {
    /// The call engine's quickest form, inlined into the caller: a few instructions of inline
    /// assembly that load the argument registers and call, without libffi. Signatures of
    /// integers, `_Bool`, pointers, `float` and `double` with at most 6 integer-class and 8
    /// floating arguments, not variadic, on x86-64 System V. Arguments that are not plain
    /// values of their parameters' kinds and ranges go through [`CallPath::Engine`].
    Registers,
    /// The call engine, without libffi, for every other signature on x86-64 System V: records
    /// by value in registers or in memory, arguments on the stack (over-aligned ones
    /// included), `long double`, results in `rax`/`rdx`, `xmm0`/`xmm1`, `st0`/`st1` or through
    /// a hidden pointer, variadic calls. Also a function with a result check.
    Engine,
    /// Through libffi, with the call interface prepared when the function was made: the path
    /// on other targets, and on x86-64 behind [`Function::through_libffi`].
    Libffi,
}

struct Core {
    name: String,
    code: NonNull<c_void>,
    signature: Signature,
    /// For a variadic function, or one libffi refused, `None`: the interface depends on each
    /// call's arguments.
    cif: Option<Cif>,
    /// Why libffi cannot call the function exactly as C does, when the engine can: calls held
    /// to libffi return this as [`Error::Signature`].
    libffi_refusal: Option<String>,
    /// The engine's plan (of the fixed arguments, for a variadic function); `None` off x86-64
    /// System V.
    plan: Option<Plan>,
    /// For a variadic function, the engine's plans for the latest promoted types of the
    /// variadic arguments, newest last.
    variadic_plans: Mutex<Vec<KeptPlan>>,
    /// For a variadic function, the interfaces prepared for the latest promoted types of the
    /// variadic arguments, newest last, so that a call repeating one prepares nothing.
    variadic_cifs: Mutex<Vec<KeptCif>>,
    params: Vec<Param>,
    /// The register call, for signatures of scalars and pointers that fit in registers.
    registers: Option<Registers>,
    /// The short path through libffi, for signatures of plain scalars, pointers and records.
    lanes: Option<Lanes>,
    _library: Option<Arc<Loaded>>,
    /// The callback whose code this function calls, when it was made from memory that kept
    /// one alive ([`Function::from_pointer`]): kept alive as long as the function.
    _callback: Option<Callback>,
}

// SAFETY: the code address is only called, never dereferenced as data; calling it from any
// thread is the `unsafe` caller's responsibility. Everything else is immutable after creation.
unsafe impl Send for Core {}
// SAFETY: as for `Send`.
unsafe impl Sync for Core {}

impl Function {
    /// How calls with plain values reach this function: see [`CallPath`]. A function with a
    /// result check (`with_errcheck`) takes the engine's general form.
    ///
    /// ```
    /// use ctypes_core::{CallPath, CType, Library, Scalar, Signature};
    ///
    /// let libc = Library::this();
    /// let int = CType::scalar(Scalar::Int);
    /// let abs = libc.function("abs", Signature::new(vec![int.clone()], int))?;
    /// let expected = if cfg!(ctypes_sysv64) {
    ///     CallPath::Registers
    /// } else {
    ///     CallPath::Libffi
    /// };
    /// assert_eq!(abs.call_path(), expected);
    /// assert_eq!(abs.through_libffi().call_path(), CallPath::Libffi);
    /// # Ok::<(), ctypes_core::Error>(())
    /// ```
    pub fn call_path(&self) -> CallPath {
        self.path
    }

    /// This function, always called through libffi even where the call engine would do: for
    /// comparing the two paths. A signature libffi cannot call exactly as C does is then
    /// refused at each call ([`Error::Signature`]).
    pub fn through_libffi(mut self) -> Function {
        self.path = CallPath::Libffi;
        self
    }

    /// This function with a result check, run after every call with the result and `errno`;
    /// an error it returns becomes [`Error::Call`].
    ///
    /// ```
    /// use ctypes_core::{CType, Library, CValue, Scalar, Signature};
    ///
    /// let libc = Library::this();
    /// let int = CType::scalar(Scalar::Int);
    /// let close = libc
    ///     .function("close", Signature::new(vec![int.clone()], int))?
    ///     .with_errcheck(|result: &CValue, errno| match result.as_i64() {
    ///         Some(-1) => Err(std::io::Error::from_raw_os_error(errno).into()),
    ///         _ => Ok(()),
    ///     });
    /// // SAFETY: `int close(int)`; closing a descriptor that is not open is harmless.
    /// let err = unsafe { close.call(&[(-1).into()]) }.unwrap_err();
    /// assert!(err.to_string().starts_with("`close` failed: Bad file descriptor"));
    /// # Ok::<(), ctypes_core::Error>(())
    /// ```
    pub fn with_errcheck<F>(self, check: F) -> Function
    where
        F: Fn(&CValue, i32) -> std::result::Result<(), Box<dyn std::error::Error + Send + Sync>>
            + Send
            + Sync
            + 'static,
    {
        self.after_call(AfterCall::Check(Arc::new(check)))
    }

    /// This function with a result map, run after every call with the result and `errno`: the
    /// value it returns is the call's result, an error it returns becomes [`Error::Call`]. A
    /// call that writes its result into an object ([`Function::call_into`]) takes a record the
    /// map returns, of the result type, into that object.
    ///
    /// ```
    /// use ctypes_core::{CType, CValue, Library, Scalar, Signature, Value};
    ///
    /// let int = CType::scalar(Scalar::Int);
    /// // `abs` whose result comes back negated.
    /// let negated_abs = Library::this()
    ///     .function("abs", Signature::new(vec![int.clone()], int))?
    ///     .with_result_map(|result, _errno| match result {
    ///         CValue::Value(Value::Int(n)) => Ok(CValue::Value(Value::Int(-n))),
    ///         other => Ok(other),
    ///     });
    /// // SAFETY: `int abs(int)`.
    /// let r = unsafe { negated_abs.call(&[(-5).into()]) }?;
    /// assert_eq!(r.as_i64(), Some(-5));
    /// # Ok::<(), ctypes_core::Error>(())
    /// ```
    pub fn with_result_map<F>(self, map: F) -> Function
    where
        F: Fn(CValue, i32) -> std::result::Result<CValue, Box<dyn std::error::Error + Send + Sync>>
            + Send
            + Sync
            + 'static,
    {
        self.after_call(AfterCall::Map(Arc::new(map)))
    }

    fn after_call(mut self, after: AfterCall) -> Function {
        self.errcheck = Some(after);
        if self.path == CallPath::Registers {
            self.path = CallPath::Engine;
        }
        self
    }

    /// The name the function was resolved under.
    pub fn name(&self) -> &str {
        &self.core.name
    }

    /// The signature.
    pub fn signature(&self) -> &Signature {
        &self.core.signature
    }

    /// The code address.
    pub fn address(&self) -> NonNull<c_void> {
        self.core.code
    }

    /// Calls the function. Arguments are checked against the signature (count, and each one's
    /// type and range) before anything is called.
    ///
    /// # Safety
    /// The function must really have this signature, and the arguments must meet whatever the
    /// function itself requires of them (valid pointers, buffer sizes, …): C cannot check them.
    #[inline(always)]
    pub unsafe fn call(&self, args: &[Arg<'_>]) -> Result<CValue> {
        if let Some(registers) = self.registers() {
            // SAFETY: forwarded to the caller; the registers describe this function.
            if let Some(result) = unsafe { registers.call(self.core.code.as_ptr(), args) } {
                return result;
            }
        }
        // As in `call_value`: the general path's result comes back through `result`.
        let mut result = CValue::Void;
        // SAFETY: forwarded to the caller.
        unsafe { self.call_general(args, &mut result) }.map(|()| result)
    }

    /// The register call, when this function takes it.
    #[inline(always)]
    fn registers(&self) -> Option<&Registers> {
        if self.path != CallPath::Registers {
            return None;
        }
        self.core.registers.as_ref()
    }

    /// [`Function::call`] off the register call, through the engine or libffi: kept out of
    /// line, so that what `call` inlines into its caller is only the register call. The result
    /// is written to `result`.
    ///
    /// # Safety
    /// As for [`Function::call`].
    #[inline(never)]
    unsafe fn call_general(&self, args: &[Arg<'_>], result: &mut CValue) -> Result<()> {
        *result = if self.path != CallPath::Libffi {
            // SAFETY: forwarded to the caller.
            unsafe { self.call_engine_plain(args) }?
        } else if let (Some(lanes), Some(cif), None) =
            (&self.core.lanes, &self.core.cif, &self.errcheck)
        {
            // SAFETY: forwarded to the caller; the lanes and interface describe this function.
            match unsafe { lanes.call(cif, self.core.code.as_ptr(), args, None) } {
                Some(returned) => returned?,
                // SAFETY: forwarded to the caller.
                None => unsafe { self.invoke(args, None, None) }?.0,
            }
        } else {
            // SAFETY: forwarded to the caller.
            unsafe { self.invoke(args, None, None) }?.0
        };
        Ok(())
    }

    /// [`Function::call`] for a function returning a scalar or a pointer, with the result as a
    /// plain [`Value`]: the quickest dynamic call, with no [`CValue`] to build and take apart.
    /// A function returning `void`, a struct or a union is refused before anything is called
    /// ([`Error::TypeMismatch`]): call those with [`Function::call`] or
    /// [`Function::call_into`].
    ///
    /// [`Value`]: crate::Value
    ///
    /// ```
    /// use ctypes_core::{CType, Library, Scalar, Signature, Value};
    ///
    /// let libc = Library::this();
    /// let long = CType::scalar(Scalar::Long);
    /// let labs = libc.function("labs", Signature::new(vec![long.clone()], long))?;
    /// // SAFETY: `long labs(long)`.
    /// assert_eq!(unsafe { labs.call_value(&[(-7i64).into()]) }?, Value::Int(7));
    /// # Ok::<(), ctypes_core::Error>(())
    /// ```
    ///
    /// # Safety
    /// As for [`Function::call`].
    #[inline(always)]
    pub unsafe fn call_value(&self, args: &[Arg<'_>]) -> Result<Value> {
        if let Some(registers) = self.registers() {
            // SAFETY: forwarded to the caller; the registers describe this function.
            if let Some(result) = unsafe { registers.call_value(self.core.code.as_ptr(), args) } {
                return result;
            }
        }
        // The general path's value comes back through `value`, not as the `Result<Value>` this
        // returns: a result written by an out-of-line call would have the register call's
        // value stored to memory and read back where the two paths meet.
        let mut value = Value::Bool(false);
        // SAFETY: forwarded to the caller.
        unsafe { self.call_value_general(args, &mut value) }.map(|()| value)
    }

    /// [`Function::call_value`] off the register call, kept out of line: the result is written
    /// to `out`.
    ///
    /// # Safety
    /// As for [`Function::call`].
    #[inline(never)]
    unsafe fn call_value_general(&self, args: &[Arg<'_>], out: &mut Value) -> Result<()> {
        let result = self.core.signature.result();
        if !matches!(result.kind(), TypeKind::Scalar(_) | TypeKind::Pointer(_)) {
            return Err(Error::TypeMismatch {
                expected: "a function returning a scalar or a pointer (`call_value`)".to_owned(),
                found: format!("`{}`, which returns `{result}`", self.core.name),
            });
        }
        // SAFETY: forwarded to the caller.
        match unsafe { self.call(args) }? {
            CValue::Value(value) => {
                *out = value;
                Ok(())
            }
            other => unreachable!("a scalar or pointer result reads as a value, not {other:?}"),
        }
    }

    /// [`Function::call`], also setting `errno` right before the call (when `errno_before` is
    /// given) and returning the `errno` read right after it, on the calling thread.
    ///
    /// # Safety
    /// As for [`Function::call`].
    pub unsafe fn call_with_errno(
        &self,
        args: &[Arg<'_>],
        errno_before: Option<i32>,
    ) -> Result<(CValue, i32)> {
        if let Some(registers) = self.registers() {
            let code = self.core.code.as_ptr();
            // SAFETY: forwarded to the caller; the registers describe this function.
            if let Some(result) = unsafe { registers.call_with_errno(code, args, errno_before) } {
                return result;
            }
        }
        if self.path != CallPath::Libffi {
            // SAFETY: forwarded to the caller.
            return unsafe { self.call_engine(args, errno_before, None, true) };
        }
        // SAFETY: forwarded to the caller.
        unsafe { self.invoke(args, errno_before, None) }
    }

    /// [`Function::call`] for a function returning a struct or union, writing the result into
    /// `result` (an object of the result type) instead of a new object, so that the call
    /// allocates nothing.
    ///
    /// # Safety
    /// As for [`Function::call`].
    pub unsafe fn call_into(&self, args: &[Arg<'_>], result: &CData) -> Result<()> {
        let expected = self.core.signature.result();
        // Records are equal only to themselves.
        if expected.as_record().is_none() || !result.ty().same_object(expected) {
            return Err(Error::TypeMismatch {
                expected: format!("an object of the struct or union result type `{expected}`"),
                found: format!("`{}`", result.ty()),
            });
        }
        if self.path != CallPath::Libffi {
            // SAFETY: forwarded to the caller; `result` has the result type, checked above.
            return unsafe { self.call_engine_into(args, result) };
        }
        if let (Some(lanes), Some(cif), None) = (&self.core.lanes, &self.core.cif, &self.errcheck) {
            let code = self.core.code.as_ptr();
            // SAFETY: forwarded to the caller; `result` has the result type, checked above.
            let returned = unsafe { lanes.call(cif, code, args, Some(result)) };
            if let Some(returned) = returned {
                return returned.map(drop);
            }
        }
        // SAFETY: forwarded to the caller; `result` has the result type, checked above.
        unsafe { self.invoke(args, None, Some(result)) }.map(drop)
    }

    /// Runs the result check or map, if any: the result the call gives back. A result
    /// written into `into` is given to the check or map as that object, and a record the map
    /// returns is written back into it.
    fn check(&self, returned: CValue, errno: i32, into: Option<&CData>) -> Result<CValue> {
        let failed = |source| Error::Call {
            function: self.core.name.clone(),
            source,
        };
        // What the check or map sees: the result, or the object it was written into.
        let written = match (&returned, into) {
            (CValue::Void, Some(into)) => Some(CValue::Data(into.clone())),
            _ => None,
        };
        match &self.errcheck {
            None => Ok(returned),
            Some(AfterCall::Check(check)) => check(written.as_ref().unwrap_or(&returned), errno)
                .map(|()| returned)
                .map_err(failed),
            Some(AfterCall::Map(map)) => {
                let seen = written.unwrap_or_else(|| returned.clone());
                let mapped = map(seen, errno).map_err(failed)?;
                let Some(into) = into else {
                    return Ok(mapped);
                };
                match &mapped {
                    CValue::Data(data) if data.ty() == into.ty() => {
                        into.write_bytes(0, &data.to_bytes())?;
                        Ok(returned)
                    }
                    other => Err(Error::TypeMismatch {
                        expected: format!(
                            "a `{}` from the result map of `{}`",
                            into.ty(),
                            self.core.name
                        ),
                        found: format!("{other:?}"),
                    }),
                }
            }
        }
    }
}

use engine_path::KeptPlan;
use libffi_path::KeptCif;

impl Core {
    /// Refuses a wrong number of arguments.
    #[inline]
    fn check_arity(&self, args: &[Arg<'_>]) -> Result<()> {
        let fixed = self.params.len();
        let variadic = self.signature.is_variadic();
        let arity_ok = if variadic {
            args.len() >= fixed
        } else {
            args.len() == fixed
        };
        if arity_ok {
            return Ok(());
        }
        Err(Error::ArgumentCount {
            function: self.name.clone(),
            expected: if variadic {
                format!("at least {fixed}")
            } else {
                fixed.to_string()
            },
            given: args.len(),
        })
    }
}

impl fmt::Debug for Function {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ty = CType::function(self.core.signature.clone());
        write!(f, "Function({})", ty.declaration(&self.core.name))
    }
}
