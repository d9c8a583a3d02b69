//! Executable memory for callbacks, kept W^X: pages of identical small stubs that are written
//! once and then made read-and-execute for ever, each followed by a writable data page holding
//! one (entry, handler, context) triple per stub.
//!
//! Memory is mapped in pairs of pages. The first page is filled with [`STUB_BYTES`]-byte stubs,
//! all the same bytes, and then `mprotect`ed read+execute: no page is ever writable and
//! executable at once, and code is never rewritten (so tools that cache translated code, such as
//! valgrind, stay right). Stub `i` finds its data slot `i` in the next page at a fixed
//! distance, relative to its own address:
//!
//! ```text
//! endbr64                      ; a landing pad where indirect branch tracking is on
//! lea r10, [rip + PAGE - 11]   ; r10 = this stub's data slot
//! jmp qword ptr [r10]          ; to the slot's entry: the common entry in `entry.rs`
//! ```
//!
//! Slots are pooled: a freed callback's stub goes to the back of a free list and is handed out
//! again, with only its data slot rewritten, once the stubs freed before it have been; a new
//! pair of pages is mapped rather than let the list run shorter than [`QUARANTINE`], so that a
//! freed stub stays unused for a while (a late call from C, which breaks the callback's
//! contract, then most likely meets the freed stub's handler, which stops the process, rather
//! than another callback). Pages are never unmapped.

use std::collections::VecDeque;
use std::ffi::c_void;
use std::ptr::NonNull;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};

use super::entry::{self, Handler};

/// Bytes of one stub, and of one data slot.
const STUB_BYTES: usize = 32;

/// The bytes of every stub (the `lea` displacement is filled in for the page size).
const STUB: [u8; 14] = [
    0xF3, 0x0F, 0x1E, 0xFA, // endbr64
    0x4C, 0x8D, 0x15, 0, 0, 0, 0, // lea r10, [rip + disp32]
    0x41, 0xFF, 0x22, // jmp qword ptr [r10]
];
/// Where the `lea`'s displacement lies in [`STUB`], and where the instruction after it starts.
const DISP_AT: usize = 7;
const AFTER_LEA: usize = 11;

/// One stub's data: what its code reads through `r10`.
#[repr(C)]
pub(super) struct Slot {
    /// The common entry the stub jumps to.
    entry: AtomicUsize,
    /// The Rust handler the entry calls (`entry::Handler`).
    handler: AtomicUsize,
    /// The handler's first argument: the callback's state.
    context: AtomicUsize,
}

const _: () = assert!(size_of::<Slot>() <= STUB_BYTES);
// The offsets the common entry reads.
const _: () = assert!(std::mem::offset_of!(Slot, handler) == 8);
const _: () = assert!(std::mem::offset_of!(Slot, context) == 16);

/// Stubs ready for new callbacks, oldest first: their code addresses.
static FREE: Mutex<VecDeque<usize>> = Mutex::new(VecDeque::new());

/// Free stubs kept unused at the least: fewer, and new pages are mapped first.
const QUARANTINE: usize = 64;

/// A stub owned by one callback: C calls [`Trampoline::code`]; it goes back to the pool on drop.
pub(super) struct Trampoline {
    code: NonNull<c_void>,
}

// SAFETY: the stub's code is immutable; its data slot is written only through atomics.
unsafe impl Send for Trampoline {}
// SAFETY: as for `Send`.
unsafe impl Sync for Trampoline {}

impl std::fmt::Debug for Trampoline {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Trampoline({:p})", self.code)
    }
}

fn page_size() -> usize {
    // SAFETY: `sysconf` has no preconditions.
    let size = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    usize::try_from(size)
        .ok()
        .filter(|s| s.is_power_of_two() && *s >= 4096)
        .unwrap_or(4096)
}

impl Trampoline {
    /// A stub from the pool, or from a new pair of pages; its slot calls nothing useful until
    /// [`Trampoline::set`].
    pub(super) fn allocate() -> Result<Trampoline, String> {
        let mut free = FREE.lock().unwrap_or_else(PoisonError::into_inner);
        if free.len() <= QUARANTINE {
            // The pages' stubs in address order, behind the freed ones; if no memory can be
            // made executable, a freed stub still serves.
            match new_pages() {
                Ok(codes) => free.extend(codes.into_iter().rev()),
                Err(error) if free.is_empty() => return Err(error),
                Err(_) => {}
            }
        }
        let code = free.pop_front().expect("a page holds stubs");
        drop(free);
        let code = NonNull::new(code as *mut c_void).expect("mapped memory is not at 0");
        Ok(Trampoline { code })
    }

    /// The address C calls.
    pub(super) fn code(&self) -> NonNull<c_void> {
        self.code
    }

    fn slot(&self) -> &Slot {
        let page = page_size();
        // SAFETY: the stub's data slot lies one page after it, in the data page of the same
        // mapping, which is never unmapped; it is only accessed through atomics.
        unsafe { &*self.code.as_ptr().cast::<u8>().add(page).cast::<Slot>() }
    }

    /// Makes calls of the stub run `handler` with `context`.
    ///
    /// # Safety
    /// `handler` must treat `context` and the saved registers as they are (see
    /// `entry::Handler`), and `context` stay valid for as long as the stub can be called.
    pub(super) unsafe fn set(&self, handler: Handler, context: *const c_void) {
        let slot = self.slot();
        slot.context.store(context as usize, Ordering::Release);
        slot.handler.store(handler as usize, Ordering::Release);
    }
}

impl Drop for Trampoline {
    fn drop(&mut self) {
        // A call that comes anyway (C calling a freed callback, against its contract) stops the
        // process rather than reach freed state, for as long as the stub is not handed out
        // again (see the module's documentation).
        let slot = self.slot();
        slot.handler
            .store(entry::freed as Handler as usize, Ordering::Release);
        slot.context.store(0, Ordering::Release);
        FREE.lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push_back(self.code.as_ptr() as usize);
    }
}

/// Maps a new pair of pages, fills the first with stubs and makes it read+execute: the code
/// addresses of its stubs, in reverse order (so that the pool hands out the first first).
#[cold]
fn new_pages() -> Result<Vec<usize>, String> {
    let page = page_size();
    // SAFETY: an anonymous private mapping at an address of the system's choosing.
    let base = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            2 * page,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
            -1,
            0,
        )
    };
    if base == libc::MAP_FAILED {
        return Err(format!(
            "could not map memory for a callback: {}",
            std::io::Error::last_os_error()
        ));
    }
    let base = base.cast::<u8>();
    let disp = i32::try_from(page - AFTER_LEA).expect("a page is smaller than 2 GiB");
    let mut stub = [0xCCu8; STUB_BYTES];
    stub[..STUB.len()].copy_from_slice(&STUB);
    stub[DISP_AT..DISP_AT + 4].copy_from_slice(&disp.to_le_bytes());
    let count = page / STUB_BYTES;
    for i in 0..count {
        // SAFETY: stub `i` lies inside the first page, mapped writable just above; its data
        // slot inside the second.
        unsafe {
            base.add(i * STUB_BYTES)
                .copy_from_nonoverlapping(stub.as_ptr(), STUB_BYTES);
            let slot = base.add(page + i * STUB_BYTES).cast::<Slot>();
            slot.write(Slot {
                entry: AtomicUsize::new(entry::entry as *const () as usize),
                handler: AtomicUsize::new(entry::freed as Handler as usize),
                context: AtomicUsize::new(0),
            });
        }
    }
    // SAFETY: the first page of the mapping made above; from now on it is never written.
    let status = unsafe {
        libc::mprotect(
            base.cast::<c_void>(),
            page,
            libc::PROT_READ | libc::PROT_EXEC,
        )
    };
    if status != 0 {
        let error = std::io::Error::last_os_error();
        // SAFETY: the mapping made above, not handed out.
        unsafe { libc::munmap(base.cast::<c_void>(), 2 * page) };
        return Err(format!(
            "could not make a callback's code executable: {error}"
        ));
    }
    Ok((0..count)
        .rev()
        .map(|i| base as usize + i * STUB_BYTES)
        .collect())
}
