//! Calls from Rust into C in progress on this thread.
//!
//! Kept below every other module: callbacks route their failures to the innermost call in
//! progress, and memory refuses to move ([`CData::resize`](crate::CData::resize)) while any
//! is, since C may hold addresses into it that no argument shows (a pointer stored in another
//! argument's memory, say).

use std::cell::Cell;

thread_local! {
    static DEPTH: Cell<u32> = const { Cell::new(0) };
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
