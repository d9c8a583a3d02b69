//! Where a callback's failure goes: back to the Rust call that led to it, or to a handler.
//!
//! A callback that panics, returns a value its C result type cannot hold, or is invoked on a
//! thread its closure may not run on, returns a zeroed result to C (a panic never unwinds into
//! C). The failure is then delivered on the thread the callback ran on: if a call from Rust into
//! C is in progress there, that call re-raises the panic (or returns the error) once C returns;
//! otherwise — a thread C created, say — the failure handler receives it.

use std::any::Any;
use std::cell::RefCell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};

use crate::error::Error;
use crate::in_call;

/// A callback's failure.
#[derive(Debug)]
#[non_exhaustive]
pub enum CallbackFailure {
    /// The closure panicked; the payload, as `catch_unwind` gave it.
    Panic(Box<dyn Any + Send>),
    /// The callback could not run or could not return its result.
    Error(Error),
}

type Handler = dyn Fn(CallbackFailure) + Send + Sync;

static HANDLER: RwLock<Option<Arc<Handler>>> = RwLock::new(None);

/// Failures waiting on some thread for their call to return; lets a call skip the
/// thread-local check in the usual case of none.
static WAITING: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    /// Failures of callbacks on this thread, each with the depth of the call it belongs to
    /// (the innermost call in progress when the callback ran); at most one per depth, the first.
    static PENDING: RefCell<Vec<(u32, CallbackFailure)>> = const { RefCell::new(Vec::new()) };
}

/// Sets what receives failures of callbacks that ran with no call from Rust in progress on
/// their thread. The default prints the failure to standard error.
pub fn set_callback_failure_handler<F>(handler: F)
where
    F: Fn(CallbackFailure) + Send + Sync + 'static,
{
    *HANDLER.write().unwrap_or_else(|e| e.into_inner()) = Some(Arc::new(handler));
}

/// Delivers a failure from inside a callback.
pub(crate) fn report(failure: CallbackFailure) {
    let mut failure = Some(failure);
    let depth = in_call::depth();
    if depth > 0 {
        // Only the first failure of a call is kept: it is the one the call re-raises.
        let kept = PENDING.try_with(|pending| {
            let mut pending = pending.borrow_mut();
            if !pending.iter().any(|(d, _)| *d == depth) {
                if let Some(failure) = failure.take() {
                    pending.push((depth, failure));
                    WAITING.fetch_add(1, Ordering::Relaxed);
                }
            }
        });
        if kept.is_ok() {
            // A later failure of the same call is dropped; its payload may panic as it drops.
            if let Some(failure) = failure {
                discard(failure);
            }
            return;
        }
    }
    // No call to return to (or this thread is being torn down): the handler.
    let Some(failure) = failure else { return };
    let handler = HANDLER.read().unwrap_or_else(|e| e.into_inner()).clone();
    match handler {
        Some(handler) => {
            if let Err(payload) = catch_unwind(AssertUnwindSafe(|| handler(failure))) {
                discard(CallbackFailure::Panic(payload));
            }
        }
        None => {
            use std::io::Write;
            let _ = writeln!(std::io::stderr(), "ctypes: {}", describe(&failure));
            discard(failure);
        }
    }
}

/// Drops a failure without letting a panic out: a payload whose `Drop` panics is dropped under
/// `catch_unwind`, and the payload of that panic is leaked rather than dropped in turn (its own
/// `Drop` could panic again, without end).
pub(crate) fn discard(failure: CallbackFailure) {
    if let Err(payload) = catch_unwind(AssertUnwindSafe(move || drop(failure))) {
        std::mem::forget(payload);
    }
}

fn describe(failure: &CallbackFailure) -> String {
    match failure {
        CallbackFailure::Panic(payload) => {
            let message = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "a non-string payload".to_owned());
            format!(
                "a callback panicked with no call from Rust in progress on its thread: {message}"
            )
        }
        CallbackFailure::Error(e) => {
            format!("a callback failed with no call from Rust in progress on its thread: {e}")
        }
    }
}

/// Marks a call from Rust into C as in progress on this thread, for the callbacks it leads to.
pub(crate) struct CallGuard(());

impl CallGuard {
    #[inline]
    pub(crate) fn enter() -> CallGuard {
        in_call::enter();
        CallGuard(())
    }

    /// Ends the call: re-raises the panic of a callback it led to, or returns that callback's
    /// error. Failures belonging to an enclosing call stay for that call.
    #[inline]
    pub(crate) fn leave(self) -> Result<(), Error> {
        let depth = in_call::depth();
        drop(self);
        if WAITING.load(Ordering::Relaxed) == 0 {
            return Ok(());
        }
        take_pending(depth)
    }
}

impl Drop for CallGuard {
    #[inline]
    fn drop(&mut self) {
        in_call::leave();
    }
}

#[cold]
fn take_pending(depth: u32) -> Result<(), Error> {
    let taken = PENDING.try_with(|pending| {
        let mut pending = pending.borrow_mut();
        let at = pending.iter().position(|(d, _)| *d == depth)?;
        Some(pending.remove(at).1)
    });
    let Ok(Some(failure)) = taken else {
        return Ok(());
    };
    WAITING.fetch_sub(1, Ordering::Relaxed);
    match failure {
        CallbackFailure::Panic(payload) => std::panic::resume_unwind(payload),
        CallbackFailure::Error(e) => Err(e),
    }
}
