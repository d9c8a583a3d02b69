//! Objects let go of, kept on their thread for the next object of the same type.
//!
//! Making an object takes an allocation and a count on its type handle (an atomic one, as
//! type handles are shared between threads), and dropping it gives both back: together most
//! of the cost of a call returning a record in a new object, or of a callback receiving one.
//! So the last handle of a small object that owns its memory, keeps nothing alive and was
//! never resized is not freed but kept, with its type handle, in a small table on its
//! thread; the next object of that very type handle made on the thread takes it back,
//! zeroed or filled. No one can tell the difference: no handle, view or keep-alive of the
//! old object is left (only addresses, which were dangling and may now point into the new
//! object, as with any allocator).
//!
//! The table has a few slots chosen by the type handle (each type may use two neighbouring
//! ones, for a signature taking two records of one type); a kept object displaces the one in
//! its slot. It is emptied when the thread ends.
//!
//! Built for fuzzing (`cfg(fuzzing)`, which cargo-fuzz sets), nothing is kept: libFuzzer takes
//! an input after which fewer blocks were freed than allocated for a possible leak and scans
//! the heap (the `values` target ran 19 times fewer inputs in the same time), and memory that
//! is freed is what AddressSanitizer watches.

use std::cell::Cell;
use std::mem::ManuallyDrop;
use std::rc::Rc;

use super::storage::Storage;
use crate::ty::CType;

/// Slots per thread (a power of two).
const SLOTS: usize = 8;
/// Objects larger than this are not kept (the memory would stay with the thread).
const LARGEST: usize = 256;

/// A kept object: its type handle and its memory, which nothing else holds.
pub(crate) struct Kept {
    pub(crate) ty: CType,
    pub(crate) storage: Rc<Storage>,
}

/// Whether the thread may keep objects.
#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    /// Not yet: [`CLEAR`] has not been reached on this thread.
    Unready,
    /// Yes: [`CLEAR`] empties the table when the thread ends.
    Open,
    /// No longer: the thread is ending.
    Closed,
}

/// The objects kept on one thread.
struct Table {
    state: Cell<State>,
    /// The key ([`key_of`]) of each slot's object's type handle; 0 for an empty slot. Apart
    /// from the objects, so that finding one reads no object.
    keys: [Cell<usize>; SLOTS],
    /// Each slot's object: its type handle and its memory.
    types: [Cell<Option<CType>>; SLOTS],
    storages: [Cell<Option<Rc<Storage>>>; SLOTS],
}

thread_local! {
    /// Without drop glue (so that reaching it needs no check of the thread's state): the
    /// objects are dropped by [`CLEAR`] when the thread ends.
    static TABLE: ManuallyDrop<Table> = const {
        ManuallyDrop::new(Table {
            state: Cell::new(State::Unready),
            keys: [const { Cell::new(0) }; SLOTS],
            types: [const { Cell::new(None) }; SLOTS],
            storages: [const { Cell::new(None) }; SLOTS],
        })
    };
    /// Empties [`TABLE`] when the thread ends.
    static CLEAR: Clear = const { Clear };
}

/// Drops the objects this thread keeps, and keeps no more.
struct Clear;

impl Drop for Clear {
    fn drop(&mut self) {
        TABLE.with(|table| {
            table.state.set(State::Closed);
            for at in 0..SLOTS {
                table.keys[at].set(0);
                drop(table.types[at].take());
                drop(table.storages[at].take());
            }
        });
    }
}

/// A key for the type handle `ty`: the address of what the handle shares, which no other
/// live handle has. A kept object holds its type's handle, so a key in use is never that of
/// another type.
#[inline(always)]
fn key_of(ty: &CType) -> usize {
    std::ptr::from_ref(ty.kind()) as usize
}

/// The first of the two slots of `key`.
#[inline(always)]
fn slot_of(key: usize) -> usize {
    ((key >> 4) ^ (key >> 10)) & (SLOTS - 1)
}

/// Takes back a kept object of the type handle `ty` (the same handle, not an equal type), if
/// this thread has one. Its memory holds whatever the old object left there.
#[inline(always)]
pub(crate) fn take(ty: &CType) -> Option<Kept> {
    let key = key_of(ty);
    TABLE.with(|table| {
        let first = slot_of(key);
        let at = if table.keys[first].get() == key {
            first
        } else if table.keys[first ^ 1].get() == key {
            first ^ 1
        } else {
            return None;
        };
        table.keys[at].set(0);
        let ty = table.types[at].take()?;
        let storage = table.storages[at].take()?;
        debug_assert!(key_of(&ty) == key);
        Some(Kept { ty, storage })
    })
}

/// Keeps `kept`, the last handle of an object whose memory nothing else holds and
/// [may be reused](Storage::is_reusable), if it is small and the thread can; else, or for the
/// object it displaces, drops it.
#[inline(always)]
pub(crate) fn keep(kept: Kept) {
    if cfg!(fuzzing) || kept.storage.len() > LARGEST || Rc::weak_count(&kept.storage) != 0 {
        return;
    }
    match TABLE.with(|table| put(table, kept)) {
        Ok(None) => {}
        // Dropped outside the table: dropping a type handle runs no code of ours that
        // reaches the table, but nothing needs to rely on that.
        Ok(Some(displaced)) => drop_kept(displaced),
        Err(refused) => keep_when_ready(refused),
    }
}

/// Puts `kept` in one of its type's slots, if the table is open: an empty one, else the
/// second; returns the object it displaces, or `kept` back if the table is not open.
#[inline(always)]
fn put(table: &Table, kept: Kept) -> Result<Option<Kept>, Kept> {
    if table.state.get() != State::Open {
        return Err(kept);
    }
    let key = key_of(&kept.ty);
    let first = slot_of(key);
    let at = if table.keys[first].get() == 0 {
        first
    } else {
        first ^ 1
    };
    table.keys[at].set(key);
    let ty = table.types[at].replace(Some(kept.ty));
    let storage = table.storages[at].replace(Some(kept.storage));
    Ok(ty.zip(storage).map(|(ty, storage)| Kept { ty, storage }))
}

#[cold]
#[inline(never)]
fn drop_kept(kept: Kept) {
    drop(kept);
}

/// [`keep`] on a table that is not open: opens it first if it never was, reaching [`CLEAR`]
/// (so that it runs when the thread ends) unless the thread is ending already; drops
/// `kept` if the table is closed.
#[cold]
#[inline(never)]
fn keep_when_ready(kept: Kept) {
    if TABLE.with(|table| table.state.get()) == State::Unready {
        let ready = CLEAR.try_with(|_| ()).is_ok();
        TABLE.with(|table| {
            if table.state.get() == State::Unready {
                table
                    .state
                    .set(if ready { State::Open } else { State::Closed });
            }
        });
    }
    if let Ok(Some(displaced)) = TABLE.with(|table| put(table, kept)) {
        drop(displaced);
    }
}

#[cfg(test)]
mod tests {
    use crate::mem::{CData, Value};
    use crate::ty::{CType, Scalar};

    fn point(name: &str) -> CType {
        let double = CType::scalar(Scalar::Double);
        CType::struct_builder(name)
            .field("x", double.clone())
            .field("y", double)
            .build()
            .unwrap()
    }

    #[test]
    fn an_object_let_go_of_is_made_again_zeroed_and_one_held_is_not() {
        let p = point("p");
        let first = CData::from_bytes(&p, &[1; 16]).unwrap();
        let at = first.addressof().unwrap();
        drop(first);
        let again = CData::new(&p).unwrap();
        assert_eq!(again.addressof().unwrap(), at);
        assert_eq!(again.to_bytes(), vec![0; 16]);
        again.write_bytes(0, &[2; 16]).unwrap();
        // Held by a second handle: not kept.
        let held = again.clone();
        drop(again);
        let new = CData::from_bytes(&p, &[3; 16]).unwrap();
        assert_ne!(new.addressof().unwrap(), at);
        assert_eq!(held.to_bytes(), vec![2; 16]);
        assert_eq!(new.to_bytes(), vec![3; 16]);
    }

    #[test]
    fn only_the_same_type_handle_takes_an_object_back() {
        let p = point("p");
        let q = point("q");
        let first = CData::new(&p).unwrap();
        let at = first.addressof().unwrap();
        drop(first);
        // Same layout, other handle: never handed the other's memory.
        let other = CData::new(&q).unwrap();
        assert_ne!(other.addressof().unwrap(), at);
        assert!(other.ty().same_object(&q));
        let again = CData::new(&p).unwrap();
        assert_eq!(again.addressof().unwrap(), at);
        assert!(again.ty().same_object(&p));
    }

    #[test]
    fn objects_seen_through_views_resized_or_keeping_something_alive_are_not_kept() {
        let p = point("p");
        // A view outlives its object's handle: the memory is still in use.
        let first = CData::new(&p).unwrap();
        let at = first.addressof().unwrap();
        let x = first.field("x").unwrap();
        drop(first);
        assert!(super::take(&p).is_none());
        x.set_value(7.0).unwrap();
        let new = CData::new(&p).unwrap();
        assert_ne!(new.addressof().unwrap(), at);
        assert_eq!(x.value().unwrap().as_f64(), Some(7.0));
        drop(new);
        assert!(super::take(&p).is_some());
        // The last handle is a view's: the object's memory is freed with it, not kept.
        drop(x);
        assert!(super::take(&p).is_none());

        // Resized: no longer the type's size.
        let grown = CData::new(&p).unwrap();
        grown.resize(64).unwrap();
        drop(grown);
        assert!(super::take(&p).is_none());

        // Holding a pointer that keeps another object alive.
        let int = CType::scalar(Scalar::Int);
        let holder_ty = CType::struct_builder("holder")
            .field("p", int.pointer())
            .build()
            .unwrap();
        let target = CData::new(&int).unwrap();
        let holder = CData::new(&holder_ty).unwrap();
        holder.field("p").unwrap().set_pointer(&target).unwrap();
        drop(holder);
        assert!(super::take(&holder_ty).is_none());
        // Once the pointer is cleared, it is kept.
        let holder = CData::new(&holder_ty).unwrap();
        holder.field("p").unwrap().set_pointer(&target).unwrap();
        holder.set("p", Value::Pointer(0)).unwrap();
        drop(holder);
        assert!(super::take(&holder_ty).is_some());
    }

    #[test]
    fn foreign_memory_is_never_kept() {
        let p = point("p");
        let mut bytes = [0u64; 2];
        // SAFETY: `bytes` holds a `p` (16 bytes, aligned to 8) and outlives the view.
        let view = unsafe { CData::from_address(&p, bytes.as_mut_ptr().cast()) }.unwrap();
        drop(view);
        assert!(super::take(&p).is_none());
    }

    #[test]
    fn objects_dropped_while_a_thread_ends_are_freed() {
        let p = point("p");
        let q = p.clone();
        std::thread::spawn(move || {
            // Kept by the thread, then freed when it ends (valgrind and the sanitizer see
            // the rest).
            drop(CData::new(&q).unwrap());
            thread_local! {
                static LATE: std::cell::RefCell<Option<CData>> = const { std::cell::RefCell::new(None) };
            }
            // Dropped by a thread-local destructor, possibly after the table was emptied.
            LATE.with(|late| *late.borrow_mut() = Some(CData::new(&q).unwrap()));
        })
        .join()
        .unwrap();
        assert_eq!(CData::new(&p).unwrap().to_bytes(), vec![0; 16]);
    }
}
