//! `Function`: a C function found at run time, with its signature, called through libffi.

mod arg;
mod lanes;
mod marshal;
mod registers;
mod returned;
mod sysv_call;

use std::ffi::c_void;
use std::fmt;
use std::ptr::NonNull;
use std::sync::{Arc, Mutex, PoisonError};

pub use arg::{Arg, CValue};
use lanes::Lanes;
pub(crate) use lanes::{each_type, Lane};
use marshal::Frame;
pub(crate) use marshal::{encode_scalar, params_of, Param};
use registers::{Placed, Registers};

use crate::error::{Error, Result};
use crate::library::{Library, Loaded};
use crate::mem::CData;
use crate::raw::Cif;
use crate::ty::{CType, Signature, TypeKind};

/// A result check: given the result and the `errno` the call left, accept it or say why not.
pub type ErrCheck = dyn Fn(&CValue, i32) -> std::result::Result<(), Box<dyn std::error::Error + Send + Sync>>
    + Send
    + Sync;

/// A C function: a code address, its signature, and what keeps the code loaded.
///
/// The libffi call interface is prepared once, when the `Function` is made; a signature that
/// libffi cannot be made to call exactly as C would (see [`Error::Signature`]) is refused then.
/// Cheap to clone; `Send` and `Sync`.
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
    errcheck: Option<Arc<ErrCheck>>,
    /// Whether calls take the register call (see [`CallPath`]): the signature has one, no
    /// result check is set, and `through_libffi` was not asked for.
    registers: bool,
}

/// How [`Function::call`] reaches a function, for arguments given as plain [`Value`]s
/// (`Arg::Value`) of their parameters' kinds and ranges.
///
/// [`Value`]: crate::Value
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CallPath {
    /// By a few instructions of inline assembly that load the argument registers and call,
    /// without libffi: signatures of integers, `_Bool`, pointers, `float` and `double` with at
    /// most 6 integer-class and 8 floating arguments, not variadic, on x86-64 Unix (System V).
    Registers,
    /// Through libffi, with the call interface prepared when the function was made.
    Libffi,
}

struct Core {
    name: String,
    code: NonNull<c_void>,
    signature: Signature,
    /// For a variadic function, `None`: the interface depends on each call's arguments.
    cif: Option<Cif>,
    /// For a variadic function, the interfaces prepared for the latest promoted types of the
    /// variadic arguments, newest last, so that a call repeating one prepares nothing.
    variadic_cifs: Mutex<Vec<KeptCif>>,
    params: Vec<Param>,
    /// The register call, for signatures of scalars and pointers that fit in registers.
    registers: Option<Registers>,
    /// The short path through libffi, for signatures of plain scalars, pointers and records.
    lanes: Option<Lanes>,
    _library: Option<Arc<Loaded>>,
}

// SAFETY: the code address is only called, never dereferenced as data; calling it from any
// thread is the `unsafe` caller's responsibility. Everything else is immutable after creation.
unsafe impl Send for Core {}
// SAFETY: as for `Send`.
unsafe impl Sync for Core {}

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
        unsafe { Function::from_address(code, signature, &format!("(*{address:#x})")) }
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
        let params = marshal::params_of(&signature).map_err(refuse)?;
        let cif = if signature.is_variadic() {
            // Checked now, so that only the variadic part can fail at call time.
            Cif::new(
                signature.args(),
                signature.result(),
                Some(signature.fixed_count()),
            )
            .map_err(refuse)?;
            None
        } else {
            Some(Cif::new(signature.args(), signature.result(), None).map_err(refuse)?)
        };
        let lanes = cif.as_ref().and(Lanes::of(&signature));
        let registers = Registers::of(&signature);
        let registers_possible = registers.is_some();
        Ok(Function {
            core: Arc::new(Core {
                name: name.to_owned(),
                code,
                signature,
                registers,
                lanes,
                cif,
                variadic_cifs: Mutex::new(Vec::new()),
                params,
                _library: library,
            }),
            errcheck: None,
            registers: registers_possible,
        })
    }

    /// How calls with plain values reach this function: see [`CallPath`]. A function with a
    /// result check (`with_errcheck`) is called through libffi.
    ///
    /// ```
    /// use ctypes_core::{CallPath, CType, Library, Scalar, Signature};
    ///
    /// let libc = Library::this();
    /// let int = CType::scalar(Scalar::Int);
    /// let abs = libc.function("abs", Signature::new(vec![int.clone()], int))?;
    /// let expected = if cfg!(all(target_arch = "x86_64", target_pointer_width = "64", unix, not(target_os = "cygwin"))) {
    ///     CallPath::Registers
    /// } else {
    ///     CallPath::Libffi
    /// };
    /// assert_eq!(abs.call_path(), expected);
    /// assert_eq!(abs.through_libffi().call_path(), CallPath::Libffi);
    /// # Ok::<(), ctypes_core::Error>(())
    /// ```
    pub fn call_path(&self) -> CallPath {
        if self.registers {
            CallPath::Registers
        } else {
            CallPath::Libffi
        }
    }

    /// This function, always called through libffi even where the register call would do:
    /// for comparing the two paths.
    pub fn through_libffi(mut self) -> Function {
        self.registers = false;
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
    pub fn with_errcheck<F>(mut self, check: F) -> Function
    where
        F: Fn(&CValue, i32) -> std::result::Result<(), Box<dyn std::error::Error + Send + Sync>>
            + Send
            + Sync
            + 'static,
    {
        self.errcheck = Some(Arc::new(check));
        self.registers = false;
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
        let mut placed = Placed::new();
        if let Some(registers) = self.placed_in_registers(args, &mut placed) {
            // SAFETY: forwarded to the caller; the registers describe this function, and
            // `place` accepted the arguments.
            return unsafe { registers.call(self.core.code.as_ptr(), &placed) };
        }
        // SAFETY: forwarded to the caller.
        unsafe { self.call_through_libffi(args) }
    }

    /// The register call, with `args` placed in `placed`, when this function takes it and the
    /// arguments are plain values of their parameters' kinds and ranges.
    #[inline(always)]
    fn placed_in_registers(&self, args: &[Arg<'_>], placed: &mut Placed) -> Option<&Registers> {
        let registers = self.core.registers.as_ref().filter(|_| self.registers)?;
        registers.place(args, placed).then_some(registers)
    }

    /// [`Function::call`] through libffi: kept out of line, so that what `call` inlines into
    /// its caller is only the register call.
    ///
    /// # Safety
    /// As for [`Function::call`].
    #[inline(never)]
    unsafe fn call_through_libffi(&self, args: &[Arg<'_>]) -> Result<CValue> {
        if let (Some(lanes), Some(cif), None) = (&self.core.lanes, &self.core.cif, &self.errcheck) {
            // SAFETY: forwarded to the caller; the lanes and interface describe this function.
            if let Some(returned) = unsafe { lanes.call(cif, self.core.code.as_ptr(), args, None) }
            {
                return returned;
            }
        }
        // SAFETY: forwarded to the caller.
        unsafe { self.invoke(args, None, None) }.map(|(returned, _)| returned)
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
    pub unsafe fn call_value(&self, args: &[Arg<'_>]) -> Result<crate::mem::Value> {
        let mut placed = Placed::new();
        if let Some(registers) = self.placed_in_registers(args, &mut placed) {
            if registers.returns_value() {
                // SAFETY: forwarded to the caller; the registers describe this function, and
                // `place` accepted the arguments.
                return unsafe { registers.call_value(self.core.code.as_ptr(), &placed) };
            }
        }
        // SAFETY: forwarded to the caller.
        unsafe { self.call_value_through_libffi(args) }
    }

    /// [`Function::call_value`] off the register call, kept out of line.
    ///
    /// # Safety
    /// As for [`Function::call`].
    #[cold]
    #[inline(never)]
    unsafe fn call_value_through_libffi(&self, args: &[Arg<'_>]) -> Result<crate::mem::Value> {
        let result = self.core.signature.result();
        if !matches!(result.kind(), TypeKind::Scalar(_) | TypeKind::Pointer(_)) {
            return Err(Error::TypeMismatch {
                expected: "a function returning a scalar or a pointer (`call_value`)".to_owned(),
                found: format!("`{}`, which returns `{result}`", self.core.name),
            });
        }
        // SAFETY: forwarded to the caller.
        match unsafe { self.call(args) }? {
            CValue::Value(value) => Ok(value),
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
        let mut placed = Placed::new();
        if let Some(registers) = self.placed_in_registers(args, &mut placed) {
            let code = self.core.code.as_ptr();
            // SAFETY: forwarded to the caller; the registers describe this function, and
            // `place` accepted the arguments.
            return unsafe { registers.call_with_errno(code, &placed, errno_before) };
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

    /// # Safety
    /// As for [`Function::call`]; `into`, if given, is an object of the result type.
    unsafe fn invoke(
        &self,
        args: &[Arg<'_>],
        errno_before: Option<i32>,
        into: Option<&CData>,
    ) -> Result<(CValue, i32)> {
        let core = &*self.core;
        let fixed = core.params.len();
        let arity_ok = if core.signature.is_variadic() {
            args.len() >= fixed
        } else {
            args.len() == fixed
        };
        if !arity_ok {
            return Err(Error::ArgumentCount {
                function: core.name.clone(),
                expected: if core.signature.is_variadic() {
                    format!("at least {fixed}")
                } else {
                    fixed.to_string()
                },
                given: args.len(),
            });
        }
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
        if let Some(check) = &self.errcheck {
            check(&returned, errno).map_err(|source| Error::Call {
                function: core.name.clone(),
                source,
            })?;
        }
        Ok((returned, errno))
    }
}

/// A call interface a variadic function keeps, with the promoted variadic argument types it
/// was prepared for.
type KeptCif = (Box<[CType]>, Arc<Cif>);

/// How many interfaces a variadic function keeps for the variadic argument types of its
/// latest calls.
const VARIADIC_CIFS: usize = 8;

impl Core {
    /// The interface for a call of this variadic function with arguments of `types` (the
    /// fixed parameters' and the promoted variadic ones'): kept from an earlier call with the
    /// same variadic types, or prepared now and kept.
    fn variadic_cif(&self, types: &[CType]) -> Result<Arc<Cif>> {
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
        let cif = Cif::new(types, self.signature.result(), Some(fixed)).map_err(|reason| {
            Error::Signature {
                function: self.name.clone(),
                reason,
            }
        })?;
        let cif = Arc::new(cif);
        if kept.len() == VARIADIC_CIFS {
            kept.remove(0);
        }
        kept.push((variadic.into(), Arc::clone(&cif)));
        Ok(cif)
    }
}

impl fmt::Debug for Function {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ty = CType::function(self.core.signature.clone());
        write!(f, "Function({})", ty.declaration(&self.core.name))
    }
}

/// The calling thread's `errno`.
pub fn errno() -> i32 {
    // SAFETY: `__errno_location` returns the calling thread's errno slot, always valid.
    unsafe { *errno_location() }
}

/// Sets the calling thread's `errno` and returns the value it had, as CPython's
/// `ctypes.set_errno` does.
///
/// ```
/// use ctypes_core::{errno, set_errno};
///
/// set_errno(7);
/// assert_eq!(set_errno(0), 7);
/// assert_eq!(errno(), 0);
/// ```
pub fn set_errno(value: i32) -> i32 {
    let location = errno_location();
    // SAFETY: as in `errno`.
    unsafe { std::mem::replace(&mut *location, value) }
}

fn errno_location() -> *mut i32 {
    #[cfg(any(target_os = "linux", target_os = "emscripten", target_os = "redox"))]
    // SAFETY: no preconditions.
    let location = unsafe { libc::__errno_location() };
    #[cfg(any(target_os = "macos", target_os = "ios", target_os = "freebsd"))]
    // SAFETY: no preconditions.
    let location = unsafe { libc::__error() };
    #[cfg(any(target_os = "openbsd", target_os = "netbsd", target_os = "android"))]
    // SAFETY: no preconditions.
    let location = unsafe { libc::__errno() };
    location
}
