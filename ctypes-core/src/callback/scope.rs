//! Scoped callbacks: closures that borrow from their surroundings, freed when their scope ends.

use std::cell::{RefCell, UnsafeCell};
use std::marker::PhantomData;
use std::sync::Arc;
use std::thread::{self, ThreadId};

use super::{Body, Callback, CallbackFn};
use crate::encode::CValue;
use crate::error::{Error, Result};
use crate::ty::Signature;

/// The closure of a scoped callback, which its scope takes away (drops) when it ends.
///
/// Touched only on `thread`: invocations read it there (others fail with
/// [`Error::CallbackThread`] without touching it), and the scope, on the same thread, empties it
/// once no invocation of it can be running there (see [`Callback::scope`]).
pub(super) struct Scoped {
    thread: ThreadId,
    closure: UnsafeCell<Option<Box<CallbackFn>>>,
}

// SAFETY: the closure is read, run and dropped only on `thread` (every access checks it first);
// on any other thread only the `Arc` count and `thread` are touched.
unsafe impl Send for Scoped {}
// SAFETY: as for `Send`.
unsafe impl Sync for Scoped {}

impl Scoped {
    /// The closure, if this is its thread and its scope has not ended.
    #[inline]
    pub(super) fn closure(&self, this: Option<ThreadId>) -> Result<&CallbackFn> {
        if this != Some(self.thread) {
            return Err(Error::CallbackThread);
        }
        // SAFETY: on the closure's own thread; the scope empties the cell only once no
        // invocation (and so no borrow made here) can be live on this thread.
        match unsafe { &*self.closure.get() } {
            Some(closure) => Ok(closure.as_ref()),
            None => Err(Error::CallbackScopeEnded),
        }
    }
}

/// A [`CallbackFn`] that may borrow what lives for `'env`.
type BorrowingFn<'env> = dyn Fn(&[CValue]) -> CValue + 'env;

/// Where [`Callback::scope`]'s callbacks are made; see there.
pub struct CallbackScope<'env> {
    made: RefCell<Vec<Arc<Scoped>>>,
    /// Invariant in `'env`, as a borrow of the surroundings is.
    _env: PhantomData<&'env mut &'env ()>,
}

impl std::fmt::Debug for CallbackScope<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallbackScope")
            .field("callbacks", &self.made.borrow().len())
            .finish()
    }
}

impl<'env> CallbackScope<'env> {
    /// A callback for `signature` running `closure`, which may borrow anything that outlives the
    /// scope. It runs only on the thread that made it (called from another, C gets a zeroed
    /// result and the failure is reported as [`Error::CallbackThread`]).
    pub fn callback<F>(&self, signature: Signature, closure: F) -> Result<Callback>
    where
        F: Fn(&[CValue]) -> CValue + 'env,
    {
        let closure: Box<BorrowingFn<'env>> = Box::new(closure);
        // SAFETY: only the lifetime bound changes. The scope drops the closure before
        // `Callback::scope` returns, so while `'env` still holds, and nothing reaches the
        // closure after that: a call then finds the cell empty.
        let closure: Box<CallbackFn> = unsafe {
            std::mem::transmute::<Box<dyn Fn(&[CValue]) -> CValue + 'env>, Box<CallbackFn>>(closure)
        };
        let scoped = Arc::new(Scoped {
            thread: thread::current().id(),
            closure: UnsafeCell::new(Some(closure)),
        });
        let callback = Callback::make(signature, Body::Scoped(Arc::clone(&scoped)), None)?;
        self.made.borrow_mut().push(scoped);
        Ok(callback)
    }
}

/// Ends a scope: drops every closure made in it, on the scope's thread, also when the scope's
/// function panics.
struct Ending<'a, 'env>(&'a CallbackScope<'env>);

impl Drop for Ending<'_, '_> {
    fn drop(&mut self) {
        for scoped in self.0.made.borrow_mut().drain(..) {
            // SAFETY: on the scope's thread, which made every closure here; the function the
            // scope ran has returned (or is unwinding), so no invocation of these closures is
            // running on this thread: each was made inside that function, after its start, so
            // none of its frames can lie below it on the stack.
            let closure = unsafe { (*scoped.closure.get()).take() };
            drop(closure);
        }
    }
}

impl Callback {
    /// Runs `f` with a scope in which callbacks may borrow local state, as
    /// [`std::thread::scope`] lets threads borrow it: each callback made with
    /// [`CallbackScope::callback`] may use anything that outlives the call to `scope`, and its
    /// closure is dropped when `scope` returns (or unwinds).
    ///
    /// A `Callback` made in the scope may outlive it (a clone, memory that stores it): its code
    /// address stays valid, but C must not call it after the scope has ended, as with any C
    /// pointer to something freed. A call that comes anyway runs nothing: C gets a zeroed result
    /// and the failure is reported as [`Error::CallbackScopeEnded`].
    ///
    /// ```
    /// use ctypes_core::{CData, CType, CValue, Callback, Library, Scalar, Signature, Value};
    ///
    /// let int = CType::scalar(Scalar::Int);
    /// let size_t = CType::scalar(Scalar::SizeT);
    /// let compare_sig = Signature::new(vec![CType::void_ptr(), CType::void_ptr()], int.clone());
    /// let qsort = Library::this().function(
    ///     "qsort",
    ///     Signature::new(
    ///         vec![CType::void_ptr(), size_t.clone(), size_t, CType::function_pointer(compare_sig.clone())],
    ///         CType::void(),
    ///     ),
    /// )?;
    /// let numbers = CData::new(&int.array(4)?)?;
    /// for (i, n) in [3, 1, 4, 2].into_iter().enumerate() {
    ///     numbers.element(i)?.set_value(n)?;
    /// }
    /// // Borrowed by the comparator, with no `Arc` or atomics.
    /// let mut comparisons = 0;
    /// let counter = std::cell::Cell::new(0);
    /// Callback::scope(|scope| -> ctypes_core::Result<()> {
    ///     let compare = scope.callback(compare_sig, |args| {
    ///         counter.set(counter.get() + 1);
    ///         let read = |arg: &CValue| match arg {
    ///             // SAFETY: qsort passes pointers to elements of the int array.
    ///             CValue::Value(Value::Pointer(p)) => unsafe { *(*p as *const i32) },
    ///             _ => unreachable!(),
    ///         };
    ///         CValue::Value(Value::Int(read(&args[0]).cmp(&read(&args[1])) as i64))
    ///     })?;
    ///     // SAFETY: qsort's signature, an array of 4 ints, and a comparator over ints.
    ///     unsafe { qsort.call(&[(&numbers).into(), 4usize.into(), 4usize.into(), (&compare).into()]) }?;
    ///     Ok(())
    /// })?;
    /// comparisons += counter.get();
    /// assert!(comparisons > 0);
    /// assert_eq!(numbers.get("[0]")?, Value::Int(1));
    /// assert_eq!(numbers.get("[3]")?, Value::Int(4));
    /// # Ok::<(), ctypes_core::Error>(())
    /// ```
    pub fn scope<'env, R>(f: impl FnOnce(&CallbackScope<'env>) -> R) -> R {
        let scope = CallbackScope {
            made: RefCell::new(Vec::new()),
            _env: PhantomData,
        };
        let ending = Ending(&scope);
        let result = f(ending.0);
        drop(ending);
        result
    }
}
