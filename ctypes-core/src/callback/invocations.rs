//! Which callbacks are running, on every thread, so that the last handle to a callback can be
//! dropped while it runs — by its own closure, on this thread or on another one the closure
//! hands the handle to — without freeing it under the invocation: it is freed when the last
//! invocation running it returns.
//!
//! Each thread that runs callbacks owns a [`Slots`] record, registered for the life of the
//! process (a thread that ends returns its record for another thread to take). An invocation
//! writes its callback's address into the record's slot for its nesting depth when it starts and
//! clears it when it ends: a release store and a plain thread-local write, no read-modify-write
//! of shared memory per call. Dropping a handle looks through every record: if the callback is
//! running somewhere, the handle goes to that record's pending list, which its thread releases
//! when one of its invocations ends (looking again, since another may still be running it).
//!
//! Why that suffices: a handle can only be dropped while an invocation runs if the dropping
//! thread learned of the handle after the invocation started, or was told to drop it, by
//! something that synchronises with the invocation's thread (the closure itself, or anything
//! ordered after it); the slot, written before, is then visible to the dropping thread. An
//! invocation with no such order to a drop is C calling the code address while the last handle
//! goes, which [`Callback`](super::Callback) forbids. Invocations nested deeper than the slots
//! reach, and invocations on a thread whose thread-locals are gone, hold a reference count
//! instead.

use std::cell::Cell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;
use std::sync::atomic::{AtomicBool, AtomicPtr, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::ThreadId;

use super::failure::report_safely;
use super::Inner;
use crate::in_call::CallbackFailure;

/// Nesting depths a thread's record tracks without a reference count.
const DEPTHS: usize = 32;

/// The callbacks running on one thread, by nesting depth, and the handles waiting for them.
pub(super) struct Slots {
    running: [AtomicPtr<Inner>; DEPTHS],
    /// Set when `pending` may hold handles.
    has_pending: AtomicBool,
    pending: Mutex<Vec<Arc<Inner>>>,
}

/// Every thread's record, in use or free; records are never freed.
static RECORDS: Mutex<Vec<&'static Slots>> = Mutex::new(Vec::new());
/// Records whose thread has ended, to be taken by new threads.
static FREE: Mutex<Vec<&'static Slots>> = Mutex::new(Vec::new());

/// This thread's state: plain cells with no destructor, reachable even while the thread's
/// other thread-locals are being destroyed.
struct Local {
    /// This thread's record: null before the first invocation, [`GONE`] once the thread has
    /// given it back.
    slots: Cell<*const Slots>,
    /// Invocations in progress on this thread that hold a slot.
    depth: Cell<usize>,
    /// This thread's id, once asked for.
    thread: Cell<Option<ThreadId>>,
}

/// The record of a thread whose thread-locals are being destroyed: it has none any more.
const GONE: *const Slots = ptr::dangling();

thread_local! {
    static LOCAL: Local = const {
        Local {
            slots: Cell::new(ptr::null()),
            depth: Cell::new(0),
            thread: Cell::new(None),
        }
    };
    /// Gives the record back when the thread ends.
    static OWNER: Owner = const { Owner(Cell::new(None)) };
}

struct Owner(Cell<Option<&'static Slots>>);

impl Drop for Owner {
    fn drop(&mut self) {
        let Some(slots) = self.0.take() else { return };
        // Invocations from here on hold a reference count.
        let _ = LOCAL.try_with(|local| local.slots.set(GONE));
        // Nothing runs on this thread any more: what waited for it can go.
        release_pending(slots);
        lock(&FREE).push(slots);
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// This thread's record, taken on its first invocation; `None` once the thread is ending.
#[inline(always)]
fn this_record() -> Option<&'static Slots> {
    let slots = LOCAL.with(|local| local.slots.get());
    if slots.is_null() {
        return take_record();
    }
    if slots == GONE {
        return None;
    }
    // SAFETY: a record's address, which lives for the rest of the process.
    Some(unsafe { &*slots })
}

#[cold]
#[inline(never)]
fn take_record() -> Option<&'static Slots> {
    let taken = lock(&FREE).pop();
    let slots = taken.unwrap_or_else(|| {
        let slots: &'static Slots = Box::leak(Box::new(Slots {
            running: [const { AtomicPtr::new(ptr::null_mut()) }; DEPTHS],
            has_pending: AtomicBool::new(false),
            pending: Mutex::new(Vec::new()),
        }));
        lock(&RECORDS).push(slots);
        slots
    });
    // The owner gives the record back when the thread ends; if the thread is ending already,
    // the record goes back at once and this invocation counts references instead.
    if OWNER.try_with(|owner| owner.0.set(Some(slots))).is_err() {
        lock(&FREE).push(slots);
        LOCAL.with(|local| local.slots.set(GONE));
        return None;
    }
    LOCAL.with(|local| local.slots.set(slots));
    Some(slots)
}

/// One invocation in progress.
pub(super) enum Frame {
    /// Recorded in this thread's record at this depth.
    Slot(&'static Slots, usize),
    /// Holding a reference count (too deep, or the thread is ending).
    Counted(Arc<Inner>),
}

impl Frame {
    /// Marks the callback at `inner` as running on this thread until [`Frame::leave`].
    ///
    /// # Safety
    /// `inner` must be the address of a live callback's `Inner` (`Arc::as_ptr` of its `Arc`);
    /// frames must be left in the reverse order of entering, on the thread that entered them.
    #[inline(always)]
    pub(super) unsafe fn enter(inner: *const Inner) -> Frame {
        if let Some(slots) = this_record() {
            let depth = LOCAL.with(|local| local.depth.get());
            if let Some(slot) = slots.running.get(depth) {
                slot.store(inner.cast_mut(), Ordering::Release);
                LOCAL.with(|local| local.depth.set(depth + 1));
                return Frame::Slot(slots, depth);
            }
        }
        // SAFETY: the caller promises a live `Arc`'s pointer; the count taken here is given
        // back when the frame is left.
        Frame::Counted(unsafe {
            Arc::increment_strong_count(inner);
            Arc::from_raw(inner)
        })
    }

    /// Ends the invocation, and releases the handles dropped meanwhile whose callbacks no longer
    /// run (which may free the callback this frame ran: nothing of it may be used after).
    #[inline(always)]
    pub(super) fn leave(self) {
        match self {
            Frame::Slot(slots, depth) => {
                slots.running[depth].store(ptr::null_mut(), Ordering::Release);
                LOCAL.with(|local| local.depth.set(depth));
                if slots.has_pending.load(Ordering::Acquire) {
                    release_pending(slots);
                }
            }
            Frame::Counted(inner) => release_from_c(inner),
        }
    }
}

/// The calling thread, or `None` while its thread-locals are being destroyed (a thread that
/// can no longer say who it is is treated as a stranger: nothing local runs or drops there).
#[inline(always)]
pub(super) fn this_thread() -> Option<ThreadId> {
    match LOCAL.with(|local| local.thread.get()) {
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
    LOCAL.with(|local| local.thread.set(Some(id)));
    Some(id)
}

/// Releases a dropped handle: at once, unless its callback is running on some thread, in
/// which case that thread releases it when the invocation ends.
pub(super) fn release(inner: Arc<Inner>) {
    if let Some(inner) = defer_if_running(inner) {
        drop(inner);
    }
}

/// [`release`] from a frame C called: the callback's destructors must not unwind into C.
fn release_from_c(inner: Arc<Inner>) {
    if let Some(inner) = defer_if_running(inner) {
        if let Err(payload) = catch_unwind(AssertUnwindSafe(move || drop(inner))) {
            report_safely(CallbackFailure::Panic(payload));
        }
    }
}

/// Gives `inner` to the record of a thread running its callback, or back if none is.
fn defer_if_running(inner: Arc<Inner>) -> Option<Arc<Inner>> {
    let address = Arc::as_ptr(&inner).cast_mut();
    let records = lock(&RECORDS);
    let running = records.iter().find(|slots| {
        slots
            .running
            .iter()
            .any(|slot| slot.load(Ordering::Acquire) == address)
    });
    match running {
        Some(slots) => {
            lock(&slots.pending).push(inner);
            slots.has_pending.store(true, Ordering::Release);
            None
        }
        None => Some(inner),
    }
}

/// Releases what waited for `slots`' thread, each handle again only if no thread runs its
/// callback any more.
#[cold]
#[inline(never)]
fn release_pending(slots: &Slots) {
    slots.has_pending.store(false, Ordering::Release);
    let waiting = std::mem::take(&mut *lock(&slots.pending));
    for inner in waiting {
        release_from_c(inner);
    }
}
