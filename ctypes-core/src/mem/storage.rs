//! The memory behind memory objects: an aligned, zeroed block this crate owns (small ones
//! inside the shared storage itself, larger ones on the heap), or a block at an address
//! someone else owns.

use std::alloc::{self, Layout};
use std::any::Any;
use std::cell::{Cell, RefCell, UnsafeCell};
use std::collections::HashMap;
use std::mem::MaybeUninit;
use std::ops::Deref;
use std::ptr::NonNull;
use std::rc::Rc;

use crate::error::{Error, Result};
use crate::in_call;

/// A block of memory shared by a memory object and every view of it.
///
/// Reads and writes go through raw pointers and are checked against the block's length, so no
/// Rust reference to the bytes ever exists: views may overlap freely. The block is not `Sync`
/// and not `Send` (it is reached through `Rc`), which is what makes that sound.
pub(crate) struct Storage {
    base: Cell<NonNull<u8>>,
    len: Cell<usize>,
    kind: StorageKind,
    /// What pointers stored in this block keep alive, by the offset of the pointer; made on
    /// the first such pointer, as most blocks never hold one.
    keepalive: RefCell<Option<HashMap<usize, Target>>>,
    /// How many calls in progress were handed an address inside this block (see [`Pins`]);
    /// while any are, the block may not move.
    pins: Cell<usize>,
    /// Whether the block was [grown](Storage::grow) past the length it was made with.
    grown: Cell<bool>,
    /// The bytes of a small owned block, so that making a small object (a record result, say)
    /// takes one allocation rather than two.
    small: SmallBlock,
}

/// Blocks of at most this many bytes, aligned to at most [`SMALL_ALIGN`], live in the storage.
const SMALL_BYTES: usize = 32;
/// The alignment of [`SmallBlock`].
const SMALL_ALIGN: usize = 16;

/// Room for a small block; only written through raw pointers (hence the `UnsafeCell`).
#[repr(C, align(16))]
struct SmallBlock(UnsafeCell<[u8; SMALL_BYTES]>);
const _: () = assert!(std::mem::align_of::<SmallBlock>() == SMALL_ALIGN);

enum StorageKind {
    /// Owned here, aligned to `align`: in the storage's [`SmallBlock`] while `on_heap` is false,
    /// else allocated with this alignment and freed on drop.
    Owned { align: usize, on_heap: Cell<bool> },
    /// Owned elsewhere; `_owner`, if any, keeps it valid.
    Foreign { _owner: Option<Rc<dyn Any>> },
}

/// What a pointer stored in memory keeps alive.
#[derive(Clone)]
pub(crate) enum Target {
    /// The memory of the object the pointer was made from, which it may be followed into.
    Memory(Rc<Storage>),
    /// Something else its target needs, such as a callback (which a function made from the
    /// pointer then holds too).
    Other(Rc<dyn Any>),
}

impl Storage {
    /// A zeroed block of `len` bytes aligned to `align` (a power of two).
    pub(crate) fn zeroed(len: usize, align: usize) -> Result<Rc<Storage>> {
        let layout = block_layout(len, align)?;
        let on_heap = len > SMALL_BYTES || align > SMALL_ALIGN;
        let base = if on_heap {
            // SAFETY: `block_layout` never returns a zero-size layout.
            let raw = unsafe { alloc::alloc_zeroed(layout) };
            NonNull::new(raw).ok_or(Error::Allocation { size: len, align })?
        } else {
            // Set below, once the storage has its final place.
            NonNull::dangling()
        };
        let storage = Rc::new(Storage {
            base: Cell::new(base),
            len: Cell::new(len),
            kind: StorageKind::Owned {
                align,
                on_heap: Cell::new(on_heap),
            },
            keepalive: RefCell::new(None),
            pins: Cell::new(0),
            grown: Cell::new(false),
            small: SmallBlock(UnsafeCell::new([0; SMALL_BYTES])),
        });
        if !on_heap {
            // The storage stays where the `Rc` put it for as long as it is used: nothing moves a
            // storage out of its `Rc` but the drop of its last holder.
            let small = NonNull::new(storage.small.0.get().cast::<u8>()).expect("not null");
            storage.base.set(small);
        }
        Ok(storage)
    }

    /// A block at `base` of `len` bytes that this crate does not own.
    ///
    /// # Safety
    /// `base` must be valid for reads and writes of `len` bytes for as long as the returned
    /// storage (or anything made from it) lives; `owner`, if given, may be what guarantees it.
    pub(crate) unsafe fn foreign(
        base: NonNull<u8>,
        len: usize,
        owner: Option<Rc<dyn Any>>,
    ) -> Rc<Storage> {
        Rc::new(Storage {
            base: Cell::new(base),
            len: Cell::new(len),
            kind: StorageKind::Foreign { _owner: owner },
            keepalive: RefCell::new(None),
            pins: Cell::new(0),
            grown: Cell::new(false),
            small: SmallBlock(UnsafeCell::new([0; SMALL_BYTES])),
        })
    }

    /// The block's current length.
    pub(crate) fn len(&self) -> usize {
        self.len.get()
    }

    /// The address of byte `offset`; `offset` must not exceed the length.
    pub(crate) fn address(&self, offset: usize) -> *mut u8 {
        debug_assert!(offset <= self.len());
        // SAFETY: `offset` is within the block (or one past it), so the result stays within
        // the same allocation.
        unsafe { self.base.get().as_ptr().add(offset) }
    }

    /// Whether the block is owned by this crate.
    pub(crate) fn is_owned(&self) -> bool {
        matches!(self.kind, StorageKind::Owned { .. })
    }

    fn check(&self, what: &'static str, offset: usize, len: usize) -> Result<()> {
        match offset.checked_add(len) {
            Some(end) if end <= self.len() => Ok(()),
            _ => Err(Error::OutOfRange {
                what,
                offset,
                end: offset.saturating_add(len),
                size: self.len(),
            }),
        }
    }

    /// Copies `out.len()` bytes at `offset` into `out`.
    pub(crate) fn read(&self, offset: usize, out: &mut [u8]) -> Result<()> {
        self.check("read", offset, out.len())?;
        // SAFETY: the range was checked to lie inside the block, which is valid for reads (an
        // owned block by allocation, a foreign one by the promise of `Storage::foreign`); `out`
        // is a distinct Rust buffer, so the ranges do not overlap.
        unsafe {
            std::ptr::copy_nonoverlapping(self.address(offset), out.as_mut_ptr(), out.len());
        }
        Ok(())
    }

    /// Copies `bytes` to `offset`.
    pub(crate) fn write(&self, offset: usize, bytes: &[u8]) -> Result<()> {
        self.check("write", offset, bytes.len())?;
        // SAFETY: as in `read`, for writes; no Rust reference into the block exists.
        unsafe {
            std::ptr::copy_nonoverlapping(bytes.as_ptr(), self.address(offset), bytes.len());
        }
        Ok(())
    }

    /// Copies `len` bytes from `src` at `src_offset` to `self` at `offset`; the ranges may
    /// overlap.
    pub(crate) fn copy_from(
        &self,
        offset: usize,
        src: &Storage,
        src_offset: usize,
        len: usize,
    ) -> Result<()> {
        self.check("memmove destination", offset, len)?;
        src.check("memmove source", src_offset, len)?;
        // SAFETY: both ranges were checked to lie inside their blocks; `copy` allows overlap.
        unsafe { std::ptr::copy(src.address(src_offset), self.address(offset), len) };
        Ok(())
    }

    /// Where `byte` first occurs in the `len` bytes at `offset` (clipped to the block),
    /// relative to `offset`.
    pub(crate) fn find_byte(&self, offset: usize, len: usize, byte: u8) -> Option<usize> {
        let end = offset.saturating_add(len).min(self.len());
        let base = self.address(offset.min(end));
        (0..end.saturating_sub(offset)).find(|&i| {
            // SAFETY: `offset + i < end <= len`: inside the block, valid for reads (as in
            // `read`); a byte-sized read needs no alignment.
            unsafe { base.add(i).read() == byte }
        })
    }

    /// Sets `len` bytes at `offset` to `byte`.
    pub(crate) fn fill(&self, offset: usize, byte: u8, len: usize) -> Result<()> {
        self.check("memset", offset, len)?;
        // SAFETY: the range was checked to lie inside the block.
        unsafe { std::ptr::write_bytes(self.address(offset), byte, len) };
        Ok(())
    }

    /// Grows an owned block to `new_len` bytes, zeroing the new bytes. The block may move, so
    /// this is refused while any call into C is in progress on this thread.
    pub(crate) fn grow(&self, new_len: usize) -> Result<()> {
        let StorageKind::Owned { align, ref on_heap } = self.kind else {
            return Err(Error::TypeMismatch {
                expected: "memory owned by this object".to_owned(),
                found: "foreign memory".to_owned(),
            });
        };
        // An address passed to a call is pinned; but C may also hold addresses no argument
        // shows (stored in another argument's memory, say), so no block moves while any call
        // into C is in progress on this thread (a callback that call runs may try). The block
        // is not `Send`, so no other thread's callback can reach it.
        if self.pins.get() > 0 || in_call::depth() > 0 {
            return Err(Error::TypeMismatch {
                expected: "no call into C in progress on this thread".to_owned(),
                found: "a call that has not returned (cannot resize an object while a call \
                        uses it: C may hold its address; resize it before the call or after it \
                        returns)"
                    .to_owned(),
            });
        }
        let old_len = self.len();
        if new_len <= old_len {
            return Ok(());
        }
        let old_layout = block_layout(old_len, align)?;
        let new_layout = block_layout(new_len, align)?;
        let failed = Error::Allocation {
            size: new_len,
            align,
        };
        let base = if on_heap.get() {
            // SAFETY: the block was allocated with `old_layout` (see `zeroed`; every later
            // `grow` updates `len`, from which the layout is recomputed), and `new_len` was
            // checked to form a valid layout with the same alignment.
            let raw = unsafe { alloc::realloc(self.base.get().as_ptr(), old_layout, new_len) };
            // On failure the old block is left as it was, still owned here.
            let base = NonNull::new(raw).ok_or(failed)?;
            // SAFETY: the new block holds `new_len` bytes; the tail past `old_len` is fresh.
            unsafe { std::ptr::write_bytes(base.as_ptr().add(old_len), 0, new_len - old_len) };
            base
        } else {
            // SAFETY: `block_layout` never returns a zero-size layout.
            let raw = unsafe { alloc::alloc_zeroed(new_layout) };
            let base = NonNull::new(raw).ok_or(failed)?;
            // SAFETY: the small block holds `old_len` bytes, the new one more; they are
            // distinct allocations.
            unsafe {
                std::ptr::copy_nonoverlapping(self.base.get().as_ptr(), base.as_ptr(), old_len)
            };
            on_heap.set(true);
            base
        };
        self.base.set(base);
        self.len.set(new_len);
        self.grown.set(true);
        Ok(())
    }

    /// Pins the block (refusing to [grow](Storage::grow)) for a call that was handed an
    /// address inside it, or (`false`) releases one such pin. Prefer [`Pins`], which releases
    /// its pins when dropped.
    #[inline]
    pub(crate) fn pin(&self, pin: bool) {
        let pins = self.pins.get();
        self.pins.set(if pin { pins + 1 } else { pins - 1 });
    }

    /// Records what the pointer stored at `offset` keeps alive (`None`: nothing).
    pub(crate) fn keep(&self, offset: usize, target: Option<Target>) {
        let old = {
            let mut map = self.keepalive.borrow_mut();
            match (target, &mut *map) {
                (Some(t), map) => map.get_or_insert_with(HashMap::new).insert(offset, t),
                (None, Some(map)) => map.remove(&offset),
                (None, None) => None,
            }
        };
        // Dropped once the map is no longer borrowed: dropping the old target can run any
        // destructor (a callback's closure), which may store into this very memory.
        drop(old);
    }

    /// Whether this block may be handed to a new object of the type it was made for once
    /// its last handle is let go of: owned here (so made for an object of that type, with its
    /// size and alignment), never grown, not pinned, keeping nothing alive.
    #[inline]
    pub(crate) fn is_reusable(&self) -> bool {
        matches!(self.kind, StorageKind::Owned { .. })
            && !self.grown.get()
            && self.pins.get() == 0
            && self
                .keepalive
                .try_borrow()
                .is_ok_and(|map| map.as_ref().is_none_or(HashMap::is_empty))
    }

    /// Whether any pointer stored in this block keeps something alive.
    #[inline]
    pub(crate) fn keeps_anything(&self) -> bool {
        self.keepalive
            .borrow()
            .as_ref()
            .is_some_and(|map| !map.is_empty())
    }

    /// What the pointer stored at `offset` keeps alive.
    pub(crate) fn kept(&self, offset: usize) -> Option<Target> {
        self.keepalive.borrow().as_ref()?.get(&offset).cloned()
    }
}

impl Drop for Storage {
    fn drop(&mut self) {
        // What this block keeps alive is released with a work list rather than by recursion, so
        // that a long chain of pointers (a linked list of a million nodes) cannot overflow the
        // stack: a block that nothing else holds gives up its own targets to the list first.
        if let Some(kept) = self.keepalive.get_mut().take() {
            let mut work: Vec<Target> = kept.into_values().collect();
            while let Some(target) = work.pop() {
                if let Target::Memory(storage) = target {
                    if let Ok(mut storage) = Rc::try_unwrap(storage) {
                        if let Some(kept) = storage.keepalive.get_mut().take() {
                            work.extend(kept.into_values());
                        }
                        // Dropped here with nothing left to keep: no recursion.
                        drop(storage);
                    }
                }
                // Anything else (another holder's `Rc`, a callback) is dropped here.
            }
        }
        if let StorageKind::Owned { align, ref on_heap } = self.kind {
            if !on_heap.get() {
                return;
            }
            let layout = block_layout(self.len(), align).expect("layout was valid when allocated");
            // SAFETY: the block was allocated (or last reallocated) with exactly this layout.
            unsafe { alloc::dealloc(self.base.get().as_ptr(), layout) };
        }
    }
}

/// The blocks a call in progress was handed addresses in, each pinned (refusing to
/// [grow](Storage::grow), which could move it) until this is dropped or
/// [released](Pins::release).
///
/// The first `N` pins live inline, so pinning allocates nothing in the common case; `P` is a
/// borrowed `&Storage` where the caller's borrow keeps the block alive, or an `Rc<Storage>`
/// where the pin itself must (the target of a pointer object, which a callback could unset).
pub(crate) struct Pins<P: Deref<Target = Storage>, const N: usize> {
    inline: [MaybeUninit<P>; N],
    /// How many entries of `inline` are initialised, from the start.
    len: usize,
    spill: Vec<P>,
}

impl<P: Deref<Target = Storage>, const N: usize> Pins<P, N> {
    /// No pins.
    #[inline(always)]
    pub(crate) fn new() -> Self {
        Pins {
            inline: [const { MaybeUninit::uninit() }; N],
            len: 0,
            spill: Vec::new(),
        }
    }

    /// Pins `storage` until this is dropped or released.
    #[inline]
    pub(crate) fn pin(&mut self, storage: P) {
        storage.pin(true);
        if self.len < N {
            self.inline[self.len].write(storage);
            self.len += 1;
        } else {
            self.spill.push(storage);
        }
    }

    /// Unpins everything pinned so far.
    #[inline]
    pub(crate) fn release(&mut self) {
        let len = std::mem::replace(&mut self.len, 0);
        for entry in &self.inline[..len] {
            // SAFETY: `pin` initialised the first `len` entries.
            unsafe { entry.assume_init_ref() }.pin(false);
        }
        for storage in &self.spill {
            storage.pin(false);
        }
        // Every count is settled before anything is dropped: dropping the last `Rc` of a block
        // can run destructors.
        for entry in &mut self.inline[..len] {
            // SAFETY: initialised by `pin`; `len` was reset above, so each is dropped once.
            unsafe { entry.assume_init_drop() };
        }
        self.spill.clear();
    }
}

impl<P: Deref<Target = Storage>, const N: usize> Drop for Pins<P, N> {
    #[inline]
    fn drop(&mut self) {
        if self.len > 0 || !self.spill.is_empty() {
            self.release();
        }
    }
}

/// The allocation layout for a block: at least one byte, so that zero-size types still get a
/// distinct, aligned address.
fn block_layout(len: usize, align: usize) -> Result<Layout> {
    Layout::from_size_align(len.max(1), align)
        .map_err(|_| Error::SizeOverflow(format!("{len} bytes aligned to {align}")))
}
