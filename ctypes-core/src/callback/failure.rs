//! Where a callback's failure goes: back to the Rust call that led to it, or to a handler.
//!
//! A callback that panics, returns a value its C result type cannot hold, or is invoked on a
//! thread its closure may not run on, returns a zeroed result to C (a panic never unwinds into
//! C). The failure is then delivered on the thread the callback ran on: if a call from Rust into
//! C is in progress there, that call re-raises the panic (or returns the error) once C returns;
//! otherwise — a thread C created, say — the failure handler receives it.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, RwLock};

use crate::in_call::{self, CallbackFailure, Kept};

type Handler = dyn Fn(CallbackFailure) + Send + Sync;

static HANDLER: RwLock<Option<Arc<Handler>>> = RwLock::new(None);

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
    let failure = match in_call::keep_failure(failure) {
        Kept::ForCall => return,
        // A later failure of the same call is dropped; its payload may panic as it drops.
        Kept::Later(failure) => return discard(failure),
        Kept::NoCall(failure) => failure,
    };
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

/// Reports a failure; nothing of it unwinds into C (`report` catches the panics of a failure
/// handler and of the payloads it drops; this catches anything else).
#[cold]
pub(super) fn report_safely(failure: CallbackFailure) {
    if let Err(payload) = catch_unwind(AssertUnwindSafe(|| report(failure))) {
        discard(CallbackFailure::Panic(payload));
    }
}
