//! Calls from Rust into C in progress on this thread, and the failures of callbacks waiting for
//! them ([`CallGuard`]).
//!
//! Kept below every other module: callbacks route their failures to the innermost call in
//! progress (which re-raises them when C returns), and memory refuses to move ([`CData::resize`](crate::CData::resize)) while any
//! is, since C may hold addresses into it that no argument shows (a pointer stored in another
//! argument's memory, say).

use std::any::Any;
use std::cell::{Cell, RefCell};

use crate::error::Error;

thread_local! {
    static DEPTH: Cell<u32> = const { Cell::new(0) };
    /// How many failures `PENDING` holds: lets a call skip it in the usual case of none with
    /// one read of a plain thread-local (no lazy state, no destructor).
    static WAITING: Cell<u32> = const { Cell::new(0) };
    /// Failures of callbacks on this thread, each with the depth of the call it belongs to
    /// (the innermost call in progress when the callback ran); at most one per depth, the first.
    static PENDING: RefCell<Vec<(u32, CallbackFailure)>> = const { RefCell::new(Vec::new()) };
}

/// A callback's failure.
#[derive(Debug)]
#[non_exhaustive]
pub enum CallbackFailure {
    /// The closure panicked; the payload, as `catch_unwind` gave it.
    Panic(Box<dyn Any + Send>),
    /// The callback could not run or could not return its result.
    Error(Error),
}

/// What became of a failure given to [`keep_failure`].
pub(crate) enum Kept {
    /// Kept for the innermost call in progress, which re-raises it.
    ForCall,
    /// That call has a failure already: this later one is not kept.
    Later(CallbackFailure),
    /// No call is in progress on this thread (or its thread-locals are gone).
    NoCall(CallbackFailure),
}

/// Keeps a callback's failure for the innermost call in progress on this thread.
pub(crate) fn keep_failure(failure: CallbackFailure) -> Kept {
    let depth = depth();
    if depth == 0 {
        return Kept::NoCall(failure);
    }
    let mut failure = Some(failure);
    let kept = PENDING.try_with(|pending| {
        let mut pending = pending.borrow_mut();
        if !pending.iter().any(|(d, _)| *d == depth) {
            if let Some(failure) = failure.take() {
                pending.push((depth, failure));
                WAITING.with(|w| w.set(w.get() + 1));
            }
        }
    });
    match (kept, failure) {
        (Ok(()), None) => Kept::ForCall,
        (Ok(()), Some(failure)) => Kept::Later(failure),
        (Err(_), Some(failure)) => Kept::NoCall(failure),
        (Err(_), None) => Kept::ForCall,
    }
}

/// How many calls from Rust into C are in progress on this thread.
#[inline]
pub(crate) fn depth() -> u32 {
    DEPTH.with(Cell::get)
}

/// Marks the start of a call.
#[inline]
pub(crate) fn enter() {
    DEPTH.with(|d| d.set(d.get() + 1));
}

/// Marks the end of a call started by [`enter`].
#[inline]
pub(crate) fn leave() {
    DEPTH.with(|d| d.set(d.get() - 1));
}

/// Marks a call from Rust into C as in progress on this thread, for the callbacks it leads to.
pub(crate) struct CallGuard(());

impl CallGuard {
    #[inline]
    pub(crate) fn enter() -> CallGuard {
        enter();
        CallGuard(())
    }

    /// Ends the call: re-raises the panic of a callback it led to, or returns that callback's
    /// error. Failures belonging to an enclosing call stay for that call.
    #[inline]
    pub(crate) fn leave(self) -> Result<(), Error> {
        if self.leave_quietly() {
            return Ok(());
        }
        failure_of_left_call()
    }

    /// Ends the call; `false` when a callback's failure waits on this thread, which
    /// [`failure_of_left_call`] must then be asked for (it may be this call's).
    #[inline]
    pub(crate) fn leave_quietly(self) -> bool {
        drop(self);
        WAITING.with(Cell::get) == 0
    }
}

/// After [`CallGuard::leave_quietly`] said a failure waits: re-raises the panic of a callback
/// the call led to, or returns that callback's error. Failures belonging to an enclosing call
/// stay for that call.
#[cold]
pub(crate) fn failure_of_left_call() -> Result<(), Error> {
    // The depth the call had, now that it is left.
    take_pending(depth() + 1)
}

impl Drop for CallGuard {
    #[inline]
    fn drop(&mut self) {
        leave();
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
    WAITING.with(|w| w.set(w.get() - 1));
    match failure {
        CallbackFailure::Panic(payload) => std::panic::resume_unwind(payload),
        CallbackFailure::Error(e) => Err(e),
    }
}
