//! `Callback`: a Rust closure as a C function pointer.

mod failure;
mod from_fn;
mod invocations;
mod scope;
mod trampoline;

use std::any::Any;
use std::ffi::c_void;
use std::fmt;
use std::mem::ManuallyDrop;
use std::ptr::NonNull;
use std::rc::Rc;
use std::sync::Arc;
use std::thread::{self, ThreadId};

use invocations::this_thread;

pub(crate) use failure::CallGuard;
pub use failure::{set_callback_failure_handler, CallbackFailure};
pub use from_fn::{CallbackFnOf, CallbackReturn, CallbackScalar};
pub use scope::CallbackScope;

use crate::error::{Error, Result};
use crate::func::{CValue, Param};
use crate::mem::{CData, Value};
use crate::raw::{Cif, Closure};
use crate::ty::{CType, Signature, TypeKind};

/// The closure behind a callback: it receives the arguments — scalars and pointers as
/// [`CValue::Value`], structs and unions as [`CValue::Data`] (a copy the closure owns) — and
/// returns the result the same way ([`CValue::Void`] for `void`).
pub type CallbackFn = dyn Fn(&[CValue]) -> CValue;

/// A [`CallbackFn`] that may run on any thread.
type SharedFn = dyn Fn(&[CValue]) -> CValue + Send + Sync;

/// A Rust closure callable from C through a function pointer, made with libffi's closures.
///
/// The code address ([`Callback::code`]) is valid while the `Callback` or a clone lives: pass it
/// as an argument ([`Arg::Callback`](crate::Arg::Callback)) and it lives for the call; store it
/// in memory with [`CData::set_callback`] and it lives as long as that memory; give it to C for
/// ever with [`Callback::leak`]. The closure may drop the last handle to its own callback while
/// it runs (by freeing the memory that stored it, say, or by handing it to another thread that
/// drops it): the callback is then freed when the last invocation running it returns. C must
/// not call the code address once the last handle is gone, nor start a call of it that nothing
/// orders before the drop of the last handle (a call on another thread racing with the drop).
///
/// A panic in the closure never unwinds into C: C gets a zeroed result, and the panic is
/// re-raised by the Rust call that led to the callback when that call returns, or goes to the
/// handler set with [`set_callback_failure_handler`] if no such call is in progress on the
/// callback's thread. A result that does not fit the C result type is treated the same way, as
/// an error.
///
/// ```
/// use ctypes_core::{Callback, CType, CValue, Library, Scalar, Signature, Value};
///
/// let int = CType::scalar(Scalar::Int);
/// let compare = Callback::new(
///     Signature::new(vec![CType::void_ptr(), CType::void_ptr()], int.clone()),
///     |args| {
///         // SAFETY: qsort passes pointers to two elements of the int array below.
///         let (a, b) = unsafe { (read_int(&args[0]), read_int(&args[1])) };
///         CValue::Value(Value::Int(i64::from(a.cmp(&b) as i32)))
///     },
/// )?;
/// unsafe fn read_int(arg: &CValue) -> i32 {
///     match arg {
///         // SAFETY: the caller promises a valid pointer to an int.
///         CValue::Value(Value::Pointer(p)) => unsafe { *(*p as *const i32) },
///         _ => unreachable!(),
///     }
/// }
/// let numbers = ctypes_core::CData::new(&int.array(5)?)?;
/// for (i, n) in [5, 1, 4, 2, 3].into_iter().enumerate() {
///     numbers.element(i)?.set_value(n)?;
/// }
/// let size_t = CType::scalar(Scalar::SizeT);
/// let qsort = Library::this().function(
///     "qsort",
///     Signature::new(
///         vec![CType::void_ptr(), size_t.clone(), size_t, compare.function_pointer_type()],
///         CType::void(),
///     ),
/// )?;
/// // SAFETY: qsort's signature, an array of 5 ints, and a comparator over ints.
/// unsafe { qsort.call(&[(&numbers).into(), 5usize.into(), 4usize.into(), (&compare).into()]) }?;
/// let sorted: Vec<i64> = (0..5).map(|i| numbers.get(&format!("[{i}]")).unwrap().as_i64().unwrap()).collect();
/// assert_eq!(sorted, [1, 2, 3, 4, 5]);
/// # Ok::<(), ctypes_core::Error>(())
/// ```
pub struct Callback {
    /// Released through [`invocations::release`], which keeps a callback dropped from inside its
    /// own invocation until that invocation returns.
    inner: ManuallyDrop<Arc<Inner>>,
}

/// Everything a callback's trampoline reaches, at a fixed address (inside the `Arc`).
pub(crate) struct Inner {
    /// Dropped first (fields drop in order): no call can arrive once the rest goes.
    closure: Closure,
    body: Body,
    /// For signatures of at most a few plain scalars and pointers.
    short: Option<trampoline::Short>,
    /// Bytes of the result type (0 for `void`).
    result_size: usize,
    cif: Cif,
    signature: Signature,
    params: Vec<Param>,
}

enum Body {
    /// A closure that may run on any thread.
    Shared(Box<SharedFn>),
    /// A closure that runs only on the thread that made it; on any other thread it is neither
    /// run nor dropped (a last handle dropped elsewhere leaks it).
    Local {
        thread: ThreadId,
        closure: ManuallyDrop<Box<CallbackFn>>,
    },
    /// The closure of a typed callback, which may run on any thread; only its handler calls it.
    Typed(Box<dyn Any + Send + Sync>),
    /// The closure of a scoped callback ([`Callback::scope`]), dropped when its scope ends.
    Scoped(Arc<scope::Scoped>),
}

// SAFETY: the libffi closure and CIF are immutable once prepared; a shared or typed body is
// `Send + Sync`; a local body is only ever called or dropped on its own thread (see `Body` and
// `Inner::body`), and a scoped one is `Send + Sync` itself (`scope::Scoped` touches its closure
// only on its own thread), so moving or sharing the handle between threads never touches a
// closure elsewhere.
unsafe impl Send for Inner {}
// SAFETY: as for `Send`.
unsafe impl Sync for Inner {}

impl Callback {
    /// A callback for `signature` running `closure`, callable from any thread (C may call it
    /// from threads it creates, concurrently).
    pub fn new<F>(signature: Signature, closure: F) -> Result<Callback>
    where
        F: Fn(&[CValue]) -> CValue + Send + Sync + 'static,
    {
        Callback::make(signature, Body::Shared(Box::new(closure)), None)
    }

    /// A callback running `f`, a Rust closure over C scalars and pointers — `Fn(i32, *mut
    /// c_void) -> f64`, say, with up to eight arguments — callable from any thread. Its C
    /// signature comes from the closure's types ([`CTyped`](crate::CTyped): `i32` is
    /// `int32_t`, `*mut c_void` is `void *`, `()` is `void`; the argument and result types are
    /// the integer and floating types and raw pointers).
    ///
    /// C's arguments are read straight into the closure's and its result written straight
    /// back, with no [`CValue`] in between: the quickest callback there is. Panics are handled
    /// as for [`Callback::new`]; a result always fits.
    ///
    /// ```
    /// use ctypes_core::Callback;
    ///
    /// let add = Callback::from_fn(|a: i32, b: i32| a.wrapping_add(b))?;
    /// // SAFETY: the callback's signature is `int32_t (*)(int32_t, int32_t)`.
    /// let add: extern "C" fn(i32, i32) -> i32 = unsafe { std::mem::transmute(add.code()) };
    /// assert_eq!(add(2, 3), 5);
    /// # Ok::<(), ctypes_core::Error>(())
    /// ```
    pub fn from_fn<Args, F>(f: F) -> Result<Callback>
    where
        F: CallbackFnOf<Args>,
    {
        Callback::make(
            F::signature(),
            Body::Typed(Box::new(f)),
            Some(from_fn::handler::<Args, F>()),
        )
    }

    /// [`Callback::from_fn`] under `signature`, which must pass every argument and the result
    /// as the closure's types do (same size and kind, any pointer for a pointer): for a
    /// declared function-pointer type whose C names (`int`, `long`) differ from what the Rust
    /// types say (`int32_t`, `int64_t`).
    pub(crate) fn from_fn_as<Args, F>(signature: Signature, f: F) -> Result<Callback>
    where
        F: CallbackFnOf<Args>,
    {
        let own = F::signature();
        let passes_as = |a: &CType, b: &CType| match (a.kind(), b.kind()) {
            (TypeKind::Void, TypeKind::Void) | (TypeKind::Pointer(_), TypeKind::Pointer(_)) => true,
            (TypeKind::Scalar(x), TypeKind::Scalar(y)) => {
                x.size() == y.size() && x.class() == y.class()
            }
            _ => false,
        };
        let same = signature.args().len() == own.args().len()
            && !signature.is_variadic()
            && signature
                .args()
                .iter()
                .zip(own.args())
                .all(|(a, b)| passes_as(a, b))
            && passes_as(signature.result(), own.result());
        if !same {
            return Err(Error::Signature {
                function: "callback".to_owned(),
                reason: format!(
                    "the closure's types make `{}`, which does not pass as `{}`",
                    CType::function(own),
                    CType::function(signature)
                ),
            });
        }
        Callback::make(
            signature,
            Body::Typed(Box::new(f)),
            Some(from_fn::handler::<Args, F>()),
        )
    }

    /// A callback whose closure need not be `Send`: it runs only on the calling thread. Called
    /// on another thread, it does not run the closure: C gets a zeroed result and the failure
    /// is reported as for a panic ([`Error::CallbackThread`]).
    pub fn new_local<F>(signature: Signature, closure: F) -> Result<Callback>
    where
        F: Fn(&[CValue]) -> CValue + 'static,
    {
        Callback::make(
            signature,
            Body::Local {
                thread: thread::current().id(),
                closure: ManuallyDrop::new(Box::new(closure)),
            },
            None,
        )
    }

    /// A callback running `body`; a typed one comes with its handler.
    fn make(
        signature: Signature,
        body: Body,
        typed: Option<trampoline::Handler>,
    ) -> Result<Callback> {
        let refuse = |reason: String| Error::Signature {
            function: "callback".to_owned(),
            reason,
        };
        if signature.is_variadic() {
            return Err(refuse("a callback cannot be variadic".to_owned()));
        }
        let params = crate::func::params_of(&signature).map_err(refuse)?;
        let result_size = match signature.result() {
            r if r.is_void() => 0,
            r => r.size()?,
        };
        if result_size > 16 && signature.result().as_scalar().is_some() {
            return Err(refuse(format!(
                "a callback cannot return `{}` yet",
                signature.result()
            )));
        }
        let cif = Cif::new(signature.args(), signature.result(), None).map_err(refuse)?;
        let closure = Closure::allocate().map_err(refuse)?;
        let inner = Arc::new(Inner {
            closure,
            body,
            short: trampoline::Short::of(&signature),
            result_size,
            cif,
            signature,
            params,
        });
        let data = Arc::as_ptr(&inner).cast_mut().cast::<c_void>();
        let handler = match typed {
            Some(handler) => handler,
            None => trampoline::handler(inner.short.as_ref()),
        };
        // SAFETY: the CIF and the `Inner` that `data` points to live in the `Arc`, at fixed
        // addresses, for as long as the closure (which the `Arc` also owns) can be called;
        // the handler reads the arguments as that CIF describes, on the short path only if
        // the callback has one, with as many arguments; a typed handler comes only with the
        // typed body of the closure whose types made the signature.
        unsafe { inner.closure.prepare(&inner.cif, handler, data) }.map_err(refuse)?;
        Ok(Callback {
            inner: ManuallyDrop::new(inner),
        })
    }

    /// The C function pointer.
    pub fn code(&self) -> NonNull<c_void> {
        self.inner.closure.code()
    }

    /// The signature C calls it with.
    pub fn signature(&self) -> &Signature {
        &self.inner.signature
    }

    /// The C type of a pointer to this callback: `result (*)(args)`.
    pub fn function_pointer_type(&self) -> CType {
        CType::function_pointer(self.inner.signature.clone())
    }

    /// Gives the code address to C for ever: the callback is never freed.
    pub fn leak(self) -> NonNull<c_void> {
        let code = self.code();
        std::mem::forget(self);
        code
    }
}

impl Clone for Callback {
    fn clone(&self) -> Callback {
        Callback {
            inner: ManuallyDrop::new(Arc::clone(&self.inner)),
        }
    }
}

impl Drop for Callback {
    fn drop(&mut self) {
        // SAFETY: taken once, here, and `self.inner` is not used again.
        invocations::release(unsafe { ManuallyDrop::take(&mut self.inner) });
    }
}

/// A [`Callback`] together with its typed function pointer (a `c_func!` type), which stays
/// valid while this value lives.
pub struct TypedCallback<T: Copy> {
    callback: Callback,
    function: T,
}

impl<T: Copy> TypedCallback<T> {
    /// Pairs a callback with its code address as the typed function pointer `function`.
    ///
    /// # Safety
    /// `function` must be `callback`'s code address, as a function pointer type whose C
    /// signature is the callback's.
    pub(crate) unsafe fn new(callback: Callback, function: T) -> TypedCallback<T> {
        TypedCallback { callback, function }
    }

    /// The typed function pointer, valid while this value lives.
    pub fn get(&self) -> T {
        self.function
    }

    /// The runtime callback.
    pub fn callback(&self) -> &Callback {
        &self.callback
    }

    /// Gives the function pointer to C for ever.
    pub fn leak(self) -> T {
        self.callback.leak();
        self.function
    }
}

impl<T: Copy> fmt::Debug for TypedCallback<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TypedCallback({:?})", self.callback)
    }
}

impl fmt::Debug for Callback {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Callback({} at {:p})",
            self.function_pointer_type(),
            self.code()
        )
    }
}

impl Drop for Body {
    fn drop(&mut self) {
        if let Body::Local { thread, closure } = self {
            if Some(*thread) == this_thread() {
                // SAFETY: dropped once, here, on the closure's own thread.
                unsafe { ManuallyDrop::drop(closure) };
            }
        }
    }
}

impl CData {
    /// The callback this pointer's memory keeps alive ([`CData::set_callback`]), if any.
    pub(crate) fn kept_callback(&self) -> Option<Callback> {
        self.kept_object()?.downcast_ref::<Callback>().cloned()
    }

    /// Stores the callback's code address in this function-pointer object (a struct field, a
    /// global) and keeps the callback alive as long as this memory; in memory this crate does
    /// not own (a library's global), the callback is kept for ever, since C may read it at any
    /// time.
    pub fn set_callback(&self, callback: &Callback) -> Result<()> {
        let fits = match self.ty().pointee().map(CType::kind) {
            Some(TypeKind::Function(sig)) => sig == callback.signature(),
            Some(TypeKind::Void) => true,
            _ => false,
        };
        if !fits {
            return Err(Error::TypeMismatch {
                expected: format!("`{}`", callback.function_pointer_type()),
                found: format!("`{}`", self.ty()),
            });
        }
        self.set_value(Value::Pointer(callback.code().as_ptr() as usize))?;
        self.keep_alive(Rc::new(callback.clone()), || {
            std::mem::forget(callback.clone());
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ty::Scalar;

    fn t(s: Scalar) -> CType {
        CType::scalar(s)
    }

    #[test]
    fn a_closure_takes_a_declared_signature_that_passes_as_its_own() {
        let declared = Signature::new(vec![t(Scalar::Int), CType::char_ptr()], t(Scalar::Long));
        let callback =
            Callback::from_fn_as(declared.clone(), |a: i32, _: *mut c_void| i64::from(a))
                .expect("int passes as i32, char * as void *, long as i64");
        assert_eq!(callback.signature(), &declared);
    }

    #[test]
    fn a_declared_signature_of_other_sizes_or_kinds_is_refused() {
        let refused = [
            // Another size.
            Signature::new(vec![t(Scalar::Short)], t(Scalar::Int)),
            // Another signedness.
            Signature::new(vec![t(Scalar::UInt)], t(Scalar::Int)),
            // A float for an integer.
            Signature::new(vec![t(Scalar::Float)], t(Scalar::Int)),
            // Another result.
            Signature::new(vec![t(Scalar::Int)], CType::void()),
            // Another count.
            Signature::new(vec![t(Scalar::Int), t(Scalar::Int)], t(Scalar::Int)),
        ];
        for signature in refused {
            let err = Callback::from_fn_as(signature.clone(), |a: i32| a)
                .err()
                .unwrap_or_else(|| panic!("{signature:?} accepted"));
            assert!(err.to_string().contains("does not pass as"), "{err}");
        }
    }
}
