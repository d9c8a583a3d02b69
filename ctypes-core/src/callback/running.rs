//! Which callbacks are running on this thread, so that a closure may drop the last handle to
//! its own callback: the callback is then freed when its invocation returns, not under it.
//!
//! Each invocation links a [`Frame`] on its stack into a thread-local list, with plain loads and
//! stores: no reference count is touched per call. Dropping a handle on a thread where that
//! callback is running defers the handle's release until the invocation ends. A handle dropped
//! on another thread is released at once: C may call the code address only while a handle lives
//! (see [`Callback`](super::Callback)), and a call running on another thread is such a use.

use std::cell::{Cell, RefCell};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;
use std::sync::Arc;
use std::thread::ThreadId;

use super::failure::CallbackFailure;
use super::trampoline::report_safely;
use super::Inner;

/// One invocation in progress on this thread, linked from the next inner one (or from
/// [`Running::innermost`]). It lives on the invocation's stack, which outlives every frame
/// linked after it.
pub(super) struct Frame {
    inner: *const Inner,
    outer: *const Frame,
}

/// This thread's state. Plain cells with no destructor: always reachable, even while the
/// thread's other thread-locals are being destroyed, and cheap to reach.
struct Running {
    /// The innermost invocation in progress, or null.
    innermost: Cell<*const Frame>,
    /// Whether [`DEFERRED`] may hold handles.
    deferred: Cell<bool>,
    /// This thread's id, once asked for.
    thread: Cell<Option<ThreadId>>,
}

thread_local! {
    static RUNNING: Running = const {
        Running {
            innermost: Cell::new(ptr::null()),
            deferred: Cell::new(false),
            thread: Cell::new(None),
        }
    };
    /// Handles dropped while their callback was running on this thread.
    static DEFERRED: RefCell<Vec<Arc<Inner>>> = const { RefCell::new(Vec::new()) };
}

impl Frame {
    /// A frame for an invocation of the callback at `inner`, to [`link`](Frame::link).
    #[inline(always)]
    pub(super) fn new(inner: *const Inner) -> Frame {
        Frame {
            inner,
            outer: RUNNING.with(|running| running.innermost.get()),
        }
    }

    /// Marks the invocation as running on this thread until [`Frame::leave`].
    ///
    /// # Safety
    /// The frame must have just been made by [`Frame::new`] on this thread, must stay at its
    /// address, and must be left with [`Frame::leave`] before it moves or goes away (the frame
    /// holding it returns or unwinds); frames are left in the reverse order of linking.
    #[inline(always)]
    pub(super) unsafe fn link(&self) {
        RUNNING.with(|running| running.innermost.set(self));
    }

    /// Ends the invocation, and releases the handles dropped during it whose callbacks no longer
    /// run on this thread (which may free the callback this frame ran).
    #[inline(always)]
    pub(super) fn leave(&self) {
        let deferred = RUNNING.with(|running| {
            running.innermost.set(self.outer);
            running.deferred.get()
        });
        if deferred {
            release_deferred();
        }
    }
}

/// The calling thread, or `None` while its thread-locals are being destroyed (a thread that
/// can no longer say who it is is treated as a stranger: nothing local runs or drops there).
#[inline(always)]
pub(super) fn this_thread() -> Option<ThreadId> {
    match RUNNING.with(|running| running.thread.get()) {
        Some(id) => Some(id),
        None => ask_this_thread(),
    }
}

#[cold]
fn ask_this_thread() -> Option<ThreadId> {
    thread_local! {
        static THIS_THREAD: ThreadId = std::thread::current().id();
    }
    let id = THIS_THREAD.try_with(|id| *id).ok()?;
    RUNNING.with(|running| running.thread.set(Some(id)));
    Some(id)
}

/// Releases a dropped handle: at once, unless its callback is running on this thread.
pub(super) fn release(inner: Arc<Inner>) {
    if !is_running_here(Arc::as_ptr(&inner)) {
        drop(inner);
        return;
    }
    RUNNING.with(|running| running.deferred.set(true));
    let mut handle = Some(inner);
    let deferred = DEFERRED.try_with(|deferred| deferred.borrow_mut().extend(handle.take()));
    if deferred.is_err() {
        // The thread is being torn down inside the invocation: keep the callback for ever
        // rather than free it under its caller.
        std::mem::forget(handle);
    }
}

/// Whether an invocation of the callback at `inner` is in progress on this thread.
fn is_running_here(inner: *const Inner) -> bool {
    let mut frame = RUNNING.with(|running| running.innermost.get());
    while !frame.is_null() {
        // SAFETY: linked frames are on the stack of invocations still in progress on this
        // thread, below the caller's frame, and are not written while linked.
        let linked = unsafe { &*frame };
        if ptr::eq(linked.inner, inner) {
            return true;
        }
        frame = linked.outer;
    }
    false
}

/// Releases the deferred handles whose callbacks no longer run on this thread.
#[cold]
#[inline(never)]
fn release_deferred() {
    RUNNING.with(|running| running.deferred.set(false));
    let Ok(list) = DEFERRED.try_with(|deferred| std::mem::take(&mut *deferred.borrow_mut())) else {
        return;
    };
    let (kept, released): (Vec<_>, Vec<_>) = list
        .into_iter()
        .partition(|inner| is_running_here(Arc::as_ptr(inner)));
    if !kept.is_empty() {
        RUNNING.with(|running| running.deferred.set(true));
        // Reachable: `try_with` succeeded above and the thread is still in this call.
        let _ = DEFERRED.try_with(|deferred| deferred.borrow_mut().extend(kept));
    }
    for inner in released {
        // The last handle runs the closure's destructors, which must not unwind into C.
        if let Err(payload) = catch_unwind(AssertUnwindSafe(move || drop(inner))) {
            report_safely(CallbackFailure::Panic(payload));
        }
    }
}
