//! `Callback`: a Rust closure as a C function pointer.
//!
//! On x86-64 System V every callback has a trampoline of the project's own: a stub in
//! W^X memory (`stubs.rs`) jumps to a common entry (`entry.rs`) that saves the argument
//! registers and calls the callback's handler, which reads the arguments where the callback's
//! plan (`plan.rs`, from `abi::Placement`) says they are and writes the result where C expects
//! it (`dispatch.rs`). Elsewhere, and on x86-64 for comparison ([`Callback::new_through_libffi`]),
//! libffi's closures call the handlers of `trampoline.rs`. Around both: `invocations.rs` keeps a
//! callback alive while it runs, `failure.rs` routes a panic or error back to the Rust call
//! that led to it; `from_fn.rs` makes typed callbacks, `scope.rs` scoped ones; `arguments.rs`
//! reuses the objects record arguments arrive in.

mod arguments;
#[cfg(ctypes_sysv64)]
mod dispatch;
#[cfg(ctypes_sysv64)]
mod entry;
mod failure;
mod from_fn;
mod invocations;
#[cfg(ctypes_sysv64)]
mod plan;
mod scope;
#[cfg(ctypes_sysv64)]
mod stubs;
mod thread_safe;
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

pub use failure::set_callback_failure_handler;
pub use from_fn::{CallbackFnOf, CallbackReturn, CallbackScalar};
pub use scope::CallbackScope;
pub use thread_safe::ThreadSafe;

use crate::encode::{params_of, CValue, Callback, Code, Param};
use crate::error::{Error, Result};
use crate::mem::{CData, Value};
use crate::raw::{Cif, Closure};
use crate::ty::{CType, Signature, TypeKind};

/// The closure behind a callback: it receives the arguments — scalars and pointers as
/// [`CValue::Value`], structs and unions as [`CValue::Data`] (a copy the closure owns) — and
/// returns the result the same way ([`CValue::Void`] for `void`).
pub type CallbackFn = dyn Fn(&[CValue]) -> CValue;

/// A [`CallbackFn`] that may run on any thread.
type SharedFn = dyn Fn(&[CValue]) -> CValue + Send + Sync;

/// Everything a callback's trampoline reaches, at a fixed address (inside the `Arc`).
pub(crate) struct Inner {
    /// Dropped first (fields drop in order): no call can arrive once the rest goes.
    code: Entry,
    body: Body,
    /// For signatures of at most a few plain scalars and pointers.
    short: Option<trampoline::Short>,
    /// Bytes of the result type (0 for `void`).
    result_size: usize,
    signature: Signature,
    params: Vec<Param>,
    /// Where the own trampoline's handler finds the arguments and puts the result.
    #[cfg(ctypes_sysv64)]
    plan: Option<plan::Plan>,
}

/// The code C calls.
enum Entry {
    /// A stub of the project's own.
    #[cfg(ctypes_sysv64)]
    Own(stubs::Trampoline),
    /// A libffi closure and the call interface it reads the arguments with (dropped after it).
    Libffi { closure: Closure, cif: Cif },
}

/// The handlers of a typed callback, one per kind of trampoline.
pub(super) struct TypedHandlers {
    libffi: trampoline::Handler,
    #[cfg(ctypes_sysv64)]
    own: entry::Handler,
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
    /// from threads it creates, concurrently): the closure is `Send + Sync + 'static`
    /// ([`ThreadSafe`]). A closure that must stay on this thread (holding an `Rc` or a
    /// `RefCell`) goes to [`Callback::new_local`]; one that borrows locals, to
    /// [`Callback::scope`].
    pub fn new<F>(signature: Signature, closure: F) -> Result<Callback>
    where
        F: Fn(&[CValue]) -> CValue + ThreadSafe,
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
            Some(from_fn::handlers::<Args, F>()),
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
            Some(from_fn::handlers::<Args, F>()),
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

    /// [`Callback::new`] through a libffi closure even where the project's own trampolines
    /// would do: for comparing the two. A signature libffi cannot take as C passes it is
    /// refused.
    #[doc(hidden)]
    pub fn new_through_libffi<F>(signature: Signature, closure: F) -> Result<Callback>
    where
        F: Fn(&[CValue]) -> CValue + Send + Sync + 'static,
    {
        Callback::make_libffi(signature, Body::Shared(Box::new(closure)), None)
    }

    /// A callback running `body`; a typed one comes with its handlers.
    fn make(signature: Signature, body: Body, typed: Option<TypedHandlers>) -> Result<Callback> {
        #[cfg(ctypes_sysv64)]
        {
            // Where the system refuses executable memory of our own (a policy against
            // `mprotect` to executable, say), libffi's closures may still be allowed.
            match stubs::Trampoline::allocate() {
                Ok(trampoline) => Callback::make_own(signature, body, typed, trampoline),
                Err(_) => Callback::make_libffi(signature, body, typed),
            }
        }
        #[cfg(not(ctypes_sysv64))]
        {
            Callback::make_libffi(signature, body, typed)
        }
    }

    /// How each parameter of `signature` is passed and the result's size, or why a callback
    /// cannot have it.
    fn params(signature: &Signature) -> Result<(Vec<Param>, usize)> {
        if signature.is_variadic() {
            return Err(refuse("a callback cannot be variadic".to_owned()));
        }
        let params = params_of(signature).map_err(refuse)?;
        let result_size = match signature.result() {
            r if r.is_void() => 0,
            r => r.size()?,
        };
        Ok((params, result_size))
    }

    /// A callback on a trampoline of the project's own.
    #[cfg(ctypes_sysv64)]
    fn make_own(
        signature: Signature,
        body: Body,
        typed: Option<TypedHandlers>,
        trampoline: stubs::Trampoline,
    ) -> Result<Callback> {
        let (params, result_size) = Callback::params(&signature)?;
        let plan = plan::Plan::of(&signature).map_err(|e| refuse(e.to_string()))?;
        let short = trampoline::Short::of(&signature).and_then(|short| short.in_registers(&plan));
        let handler = match &typed {
            Some(typed) => typed.own,
            None => dispatch::handler(short.as_ref()),
        };
        let inner = Arc::new(Inner {
            code: Entry::Own(trampoline),
            body,
            short,
            result_size,
            signature,
            params,
            plan: Some(plan),
        });
        let Entry::Own(trampoline) = &inner.code else {
            unreachable!("made just above")
        };
        // SAFETY: the `Inner` lives in the `Arc`, at a fixed address, for as long as the
        // trampoline (which it owns) can be called; the handler reads the arguments and writes
        // the result as the plan made from the signature says, on the short path only if the
        // callback has one with as many arguments; a typed handler comes only with the typed
        // body of the closure whose types made the signature.
        unsafe { trampoline.set(handler, Arc::as_ptr(&inner).cast::<c_void>()) };
        Ok(Callback::from_owner(inner))
    }

    /// A callback on a libffi closure.
    fn make_libffi(
        signature: Signature,
        body: Body,
        typed: Option<TypedHandlers>,
    ) -> Result<Callback> {
        let (params, result_size) = Callback::params(&signature)?;
        if result_size > 16 && signature.result().as_scalar().is_some() {
            return Err(refuse(format!(
                "a libffi closure cannot return `{}`",
                signature.result()
            )));
        }
        #[cfg(ctypes_sysv64)]
        if let Some(reason) =
            crate::encode::libffi_refusal(signature.args(), Some(signature.result()))
        {
            return Err(refuse(reason));
        }
        let cif = Cif::new(signature.args(), signature.result(), None).map_err(refuse)?;
        let closure = Closure::allocate().map_err(refuse)?;
        let short = trampoline::Short::of(&signature);
        let handler = match &typed {
            Some(typed) => typed.libffi,
            None => trampoline::handler(short.as_ref()),
        };
        let inner = Arc::new(Inner {
            code: Entry::Libffi { closure, cif },
            body,
            short,
            result_size,
            signature,
            params,
            #[cfg(ctypes_sysv64)]
            plan: None,
        });
        let data = Arc::as_ptr(&inner).cast_mut().cast::<c_void>();
        let Entry::Libffi { closure, cif } = &inner.code else {
            unreachable!("made just above")
        };
        // SAFETY: the CIF and the `Inner` that `data` points to live in the `Arc`, at fixed
        // addresses, for as long as the closure (which the `Arc` also owns) can be called;
        // the handler reads the arguments as that CIF describes, on the short path only if
        // the callback has one, with as many arguments; a typed handler comes only with the
        // typed body of the closure whose types made the signature.
        unsafe { closure.prepare(cif, handler, data) }.map_err(refuse)?;
        Ok(Callback::from_owner(inner))
    }
}

/// A callback's signature refused, and why.
fn refuse(reason: String) -> Error {
    Error::Signature {
        function: "callback".to_owned(),
        reason,
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

impl Code for Inner {
    fn code(&self) -> NonNull<c_void> {
        match &self.code {
            #[cfg(ctypes_sysv64)]
            Entry::Own(trampoline) => trampoline.code(),
            Entry::Libffi { closure, .. } => closure.code(),
        }
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn release(self: Arc<Self>) {
        invocations::release(self);
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
