//! The objects a callback's closure receives its record arguments in ([`CValue::Data`]): each
//! is a copy the closure owns, but an object the closure let go of (no handle, view or pointer
//! made from it left, nothing kept alive by it, not resized) is filled again for a later call
//! on the same thread instead of a new one being allocated.
//!
//! Each thread keeps a handle to the objects it last lent, in a small table of slots chosen by
//! their type handle (each type may use two neighbouring slots, for a signature taking two
//! records of one type). An object whose only handle is the table's is free to fill again:
//! lending it is a look-up and a compare or two, and giving it back is dropping the closure's
//! handle, with no list to search or shift.
//!
//! [`CValue::Data`]: crate::CValue::Data

use std::cell::{Cell, RefCell};
use std::mem::{ManuallyDrop, MaybeUninit};
use std::rc::Rc;

use crate::encode::CValue;
use crate::error::Result;
use crate::mem::CData;
use crate::ty::CType;

/// Slots per thread (a power of two).
const SLOTS: usize = 8;
/// Records larger than this are not kept (a callback taking a large record by value is rare,
/// and the memory would stay with the thread).
const LARGEST: usize = 256;

/// The objects kept on one thread.
struct Spare {
    /// The key ([`key_of`]) of each slot's object's type handle; 0 for an empty slot. Apart
    /// from the objects so that finding one reads no object.
    keys: [Cell<usize>; SLOTS],
    objects: [RefCell<Option<CData>>; SLOTS],
}

thread_local! {
    /// Without drop glue (so that reaching it needs no check of the thread's state): the
    /// objects are dropped by [`CLEAR`] when the thread ends.
    static SPARE: ManuallyDrop<Spare> = const {
        ManuallyDrop::new(Spare {
            keys: [const { Cell::new(0) }; SLOTS],
            objects: [const { RefCell::new(None) }; SLOTS],
        })
    };
    /// Empties [`SPARE`] when the thread ends; while it lives, objects may be kept.
    static CLEAR: Clear = const { Clear };
}

/// Drops the objects this thread keeps.
struct Clear;

impl Drop for Clear {
    fn drop(&mut self) {
        let _ = SPARE.try_with(|spare| {
            for (key, object) in spare.keys.iter().zip(&spare.objects) {
                key.set(0);
                // Taken out first: nothing is dropped while the slot is borrowed.
                let kept = object
                    .try_borrow_mut()
                    .ok()
                    .and_then(|mut kept| kept.take());
                drop(kept);
            }
        });
    }
}

/// A key for the type handle `ty`: the address of what the handle shares, which no other
/// live handle has. An object in a slot holds its type's handle, so a key in use is never
/// that of another type.
#[inline(always)]
fn key_of(ty: &CType) -> usize {
    std::ptr::from_ref(ty.kind()) as usize
}

/// The first of the two slots of `key`.
#[inline(always)]
fn slot_of(key: usize) -> usize {
    ((key >> 4) ^ (key >> 10)) & (SLOTS - 1)
}

/// Whether no one but the table holds `data` (its only handle), which still has `size`
/// bytes and keeps nothing alive: then no one can see it being filled again.
#[inline(always)]
fn unused(data: &CData, size: usize) -> bool {
    Rc::strong_count(data.storage()) == 1
        && Rc::weak_count(data.storage()) == 0
        && data.capacity() == size
        && !data.keeps_anything_alive()
}

/// Lends a kept object of type `key` and `size` bytes that no one else holds, if this thread
/// has one, into `out` (the table keeps its own handle); whether it did.
#[inline(always)]
fn lend(spare: &Spare, key: usize, size: usize, out: &mut MaybeUninit<CValue>) -> bool {
    let first = slot_of(key);
    let mut at = first;
    if spare.keys[at].get() != key || !lendable(&spare.objects[at], size) {
        at ^= 1;
        if spare.keys[at].get() != key || !lendable(&spare.objects[at], size) {
            return false;
        }
    }
    match spare.objects[at].try_borrow() {
        Ok(kept) => match kept.as_ref() {
            Some(data) => {
                out.write(CValue::Data(data.clone()));
                true
            }
            None => false,
        },
        Err(_) => false,
    }
}

/// Whether the object in `slot` (if any) may be lent: see [`unused`].
#[inline(always)]
fn lendable(slot: &RefCell<Option<CData>>, size: usize) -> bool {
    slot.try_borrow()
        .is_ok_and(|kept| kept.as_ref().is_some_and(|data| unused(data, size)))
}

/// Keeps a handle to `data` (a new object of `key`'s type) in one of its type's slots: an
/// empty one, else one whose object is still in use, else the first. Returns the handle the
/// slot held, to be dropped outside the table.
#[inline(never)]
fn keep(spare: &Spare, key: usize, data: &CData) -> Option<CData> {
    let first = slot_of(key);
    let second = first ^ 1;
    let at = if spare.keys[first].get() == 0 {
        first
    } else if spare.keys[second].get() == 0 || spare.keys[first].get() == key {
        second
    } else {
        first
    };
    let mut slot = spare.objects[at].try_borrow_mut().ok()?;
    spare.keys[at].set(key);
    slot.replace(data.clone())
}

/// Writes into `out` an object of record type `ty` holding a copy of `bytes` (its size), for
/// a closure to own: one this thread lent before and no one holds any more, or a new one
/// (which the thread keeps a handle to). On an error `out` is left as it was.
#[inline(always)]
pub(super) fn record(ty: &CType, bytes: &[u8], out: &mut MaybeUninit<CValue>) -> Result<()> {
    if bytes.len() <= LARGEST {
        let key = key_of(ty);
        if SPARE.try_with(|spare| lend(spare, key, bytes.len(), out)) == Ok(true) {
            // SAFETY: `lend` wrote it.
            let CValue::Data(data) = (unsafe { out.assume_init_ref() }) else {
                unreachable!("`lend` writes an object")
            };
            // The same type handle, which made it, and not resized: it has `bytes.len()`.
            debug_assert!(data.ty().same_object(ty) && data.capacity() == bytes.len());
            // SAFETY: the object's block, owned and not resized, has `bytes.len()` bytes at
            // offset 0; no one holds it but this thread's table and `out` (and no Rust
            // reference into it exists), and `bytes` lies elsewhere (in the saved registers,
            // the caller's stack or libffi's copy).
            unsafe {
                crate::mem::copy_bytes(bytes.as_ptr(), data.storage().address(0), bytes.len())
            };
            return Ok(());
        }
    }
    out.write(CValue::Data(new_record(ty, bytes)?));
    Ok(())
}

/// [`record`] when no object is free: a new one, kept if this thread still can.
#[inline(never)]
fn new_record(ty: &CType, bytes: &[u8]) -> Result<CData> {
    let data = CData::from_bytes(ty, bytes)?;
    if bytes.len() > LARGEST {
        return Ok(data);
    }
    // Kept only while this thread can still empty the table when it ends.
    if CLEAR.try_with(|_| ()).is_err() {
        return Ok(data);
    }
    let replaced = SPARE.try_with(|spare| keep(spare, key_of(ty), &data));
    // Dropped here, outside the table.
    drop(replaced);
    Ok(data)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ty::Scalar;

    /// [`super::record`] returning the object.
    fn record(ty: &CType, bytes: &[u8]) -> Result<CData> {
        let mut out = MaybeUninit::uninit();
        super::record(ty, bytes, &mut out)?;
        // SAFETY: written by `record`, which succeeded.
        Ok(unsafe { out.assume_init() }.into_data().expect("an object"))
    }

    fn point(name: &str) -> CType {
        let double = CType::scalar(Scalar::Double);
        CType::struct_builder(name)
            .field("x", double.clone())
            .field("y", double)
            .build()
            .unwrap()
    }

    #[test]
    fn an_object_let_go_of_is_filled_again_and_one_held_is_not() {
        let p = point("p");
        let first = record(&p, &[1; 16]).unwrap();
        let at = first.addressof().unwrap();
        drop(first);
        let again = record(&p, &[2; 16]).unwrap();
        assert_eq!(again.addressof().unwrap(), at);
        assert_eq!(again.to_bytes(), vec![2; 16]);
        // Held by a second handle: not kept.
        let held = again.clone();
        drop(again);
        let new = record(&p, &[3; 16]).unwrap();
        assert_ne!(new.addressof().unwrap(), at);
        assert_eq!(held.to_bytes(), vec![2; 16]);
    }

    #[test]
    fn two_objects_of_one_type_are_kept_and_other_types_get_their_own() {
        let p = point("p");
        let q = point("q");
        let (a, b) = (record(&p, &[1; 16]).unwrap(), record(&p, &[2; 16]).unwrap());
        let (at_a, at_b) = (a.addressof().unwrap(), b.addressof().unwrap());
        drop(a);
        drop(b);
        let mut seen = [record(&p, &[0; 16]).unwrap(), record(&p, &[0; 16]).unwrap()]
            .map(|d| d.addressof().unwrap());
        seen.sort();
        let mut expected = [at_a, at_b];
        expected.sort();
        assert_eq!(seen, expected);
        // An object of another type (same layout, another handle) is never handed out as `p`.
        let other = record(&q, &[5; 16]).unwrap();
        let at_other = other.addressof().unwrap();
        drop(other);
        let taken = record(&p, &[6; 16]).unwrap();
        assert!(taken.ty().same_object(&p));
        assert_ne!(taken.addressof().unwrap(), at_other);
    }
}
