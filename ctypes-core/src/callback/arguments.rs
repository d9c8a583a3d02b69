//! The objects a callback's closure receives its record arguments in ([`CValue::Data`]): an
//! object the closure let go of after an earlier call (no handle, view or pointer made from it
//! left, nothing kept alive by it, not resized) is filled again for a later call on the same
//! thread instead of a new one being allocated.
//!
//! Each thread keeps the objects it last lent, in a small table of slots chosen by their type
//! handle (each type may use two neighbouring slots, for a signature taking two records of one
//! type). An object whose only handle is the table's is free to fill again. Lending it hands
//! the closure a bitwise copy of the table's handle, which is never dropped but given back
//! ([`give_back`]) when the call is over: no count changes hands, so lending is a look-up, a
//! compare or two and a copy. While a slot's object is lent, the table neither lends it again
//! (a callback the closure leads to gets a new object) nor lets go of it, so the copy stays
//! valid; a handle the closure clones from it is an ordinary one, counted on the object, and
//! keeps the object from being lent again.
//!
//! [`CValue::Data`]: crate::CValue::Data

use std::cell::{Cell, RefCell};
use std::mem::{ManuallyDrop, MaybeUninit};
use std::rc::Rc;

use crate::encode::CValue;
use crate::error::Result;
use crate::mem::CData;
use crate::ty::CType;

/// Slots per thread (a power of two, at most 256: a [`Slot`] is a byte).
const SLOTS: usize = 8;
/// Records larger than this are not kept (a callback taking a large record by value is rare,
/// and the memory would stay with the thread).
const LARGEST: usize = 256;

/// The objects kept on one thread.
struct Spare {
    /// The key ([`key_of`]) of each slot's object's type handle; 0 for an empty slot. Apart
    /// from the objects so that finding one reads no object.
    keys: [Cell<usize>; SLOTS],
    /// Each slot's object, kept as the [`CValue::Data`] a closure receives, so that lending it
    /// is one copy of memory nothing wrote lately.
    objects: [RefCell<Option<CValue>>; SLOTS],
    /// Whether each slot's object is lent: a bitwise copy of its handle is out, so the slot
    /// keeps it, unchanged, until it is given back.
    lent: [Cell<bool>; SLOTS],
}

thread_local! {
    /// Without drop glue (so that reaching it needs no check of the thread's state): the
    /// objects are dropped by [`CLEAR`] when the thread ends.
    static SPARE: ManuallyDrop<Spare> = const {
        ManuallyDrop::new(Spare {
            keys: [const { Cell::new(0) }; SLOTS],
            objects: [const { RefCell::new(None) }; SLOTS],
            lent: [const { Cell::new(false) }; SLOTS],
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
            for ((key, object), lent) in spare.keys.iter().zip(&spare.objects).zip(&spare.lent) {
                key.set(0);
                // Taken out first: nothing is dropped while the slot is borrowed.
                let kept = object
                    .try_borrow_mut()
                    .ok()
                    .and_then(|mut kept| kept.take());
                if lent.get() {
                    // No callback runs while the thread's locals go; should one, its copy
                    // stays valid.
                    std::mem::forget(kept);
                } else {
                    drop(kept);
                }
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

/// Whether slot `at` holds an object of type `key` and `size` bytes that may be lent: not
/// lent already, and [unused].
#[inline(always)]
fn lendable(spare: &Spare, at: usize, key: usize, size: usize) -> bool {
    spare.keys[at].get() == key
        && !spare.lent[at].get()
        && spare.objects[at].try_borrow().is_ok_and(
            |kept| matches!(kept.as_ref(), Some(CValue::Data(data)) if unused(data, size)),
        )
}

/// Lends the kept object of type `key` and `size` bytes in one of its slots, if no one else
/// holds it and it is not lent already: copies the table's handle bitwise into `out`, marks
/// the slot lent and returns it.
#[inline(always)]
fn lend(spare: &Spare, key: usize, size: usize, out: &mut MaybeUninit<CValue>) -> Option<Slot> {
    let first = slot_of(key);
    let mut at = first;
    if !lendable(spare, at, key, size) {
        at ^= 1;
        if !lendable(spare, at, key, size) {
            return None;
        }
    }
    let slot = Slot::new(at)?;
    let kept = spare.objects[at].try_borrow().ok()?;
    let value = kept.as_ref()?;
    spare.lent[at].set(true);
    // SAFETY: a bitwise copy of the table's handle, into `out`, which the caller never drops
    // but gives back with `give_back`: until then the slot is lent, so the table keeps the
    // object it copies, unchanged (`keep` and `Clear` pass over lent slots), and the copy's
    // type handle and memory stay those of a live object; clones made from the copy count on
    // that object. `out` is distinct from the table.
    unsafe { std::ptr::copy_nonoverlapping(value, out.as_mut_ptr(), 1) };
    Some(slot)
}

/// Keeps a handle to `data` (a new object of `key`'s type) in one of its type's slots that
/// is not lent: an empty one, else one whose object is still in use, else the first. Returns
/// the handle the slot held, to be dropped outside the table.
#[inline(never)]
fn keep(spare: &Spare, key: usize, data: &CData) -> Option<CValue> {
    let first = slot_of(key);
    let second = first ^ 1;
    let mut at = if spare.keys[first].get() == 0 {
        first
    } else if spare.keys[second].get() == 0 || spare.keys[first].get() == key {
        second
    } else {
        first
    };
    if spare.lent[at].get() {
        at ^= 1;
        if spare.lent[at].get() {
            return None;
        }
    }
    let mut slot = spare.objects[at].try_borrow_mut().ok()?;
    spare.keys[at].set(key);
    slot.replace(CValue::Data(data.clone()))
}

/// A slot whose object is lent, to [give back](give_back).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Slot(u8);

impl Slot {
    #[inline(always)]
    fn new(at: usize) -> Option<Slot> {
        u8::try_from(at).ok().map(Slot)
    }
}

/// Writes into `out` an object of record type `ty` holding a copy of `bytes` (its size).
///
/// When this thread has one of that type no one holds any more, it is lent: the slot is
/// returned, and `out` must then never be dropped, but given back with [`give_back`] once the
/// closure is done with it. Else `out` is a new object the closure owns (which the thread
/// keeps a handle to, to lend later). On an error `out` is left as it was.
#[inline(always)]
pub(super) fn lend_record(
    ty: &CType,
    bytes: &[u8],
    out: &mut MaybeUninit<CValue>,
) -> Result<Option<Slot>> {
    if bytes.len() <= LARGEST {
        let key = key_of(ty);
        if let Ok(Some(slot)) = SPARE.try_with(|spare| lend(spare, key, bytes.len(), out)) {
            // SAFETY: `lend` wrote it.
            let CValue::Data(data) = (unsafe { out.assume_init_ref() }) else {
                unreachable!("the table keeps objects")
            };
            // The same type handle, which made it, and not resized: it has `bytes.len()`.
            debug_assert!(data.ty().same_object(ty) && data.capacity() == bytes.len());
            // SAFETY: the object's block, owned and not resized, has `bytes.len()` bytes at
            // offset 0; no one holds it but this thread's table (and the copy in `out`), no
            // Rust reference into it exists, and `bytes` lies elsewhere (in the saved
            // registers, the caller's stack or libffi's copy).
            unsafe {
                crate::mem::copy_bytes(bytes.as_ptr(), data.storage().address(0), bytes.len())
            };
            return Ok(Some(slot));
        }
    }
    out.write(CValue::Data(new_record(ty, bytes)?));
    Ok(None)
}

/// Writes into `out` a new object of record type `ty` holding a copy of `bytes`, which the
/// closure owns (and the thread keeps a handle to, to lend later).
pub(super) fn record(ty: &CType, bytes: &[u8], out: &mut MaybeUninit<CValue>) -> Result<()> {
    out.write(CValue::Data(new_record(ty, bytes)?));
    Ok(())
}

/// Gives back the object lent from `slot`: the caller forgets its copy (never dropping it: it
/// counted for nothing), and the slot may be lent again.
#[inline(always)]
pub(super) fn give_back(slot: Slot) {
    // The table has no destructor: it outlives every call on the thread.
    let _ = SPARE.try_with(|spare| spare.lent[usize::from(slot.0)].set(false));
}

/// A new object for [`lend_record`] or [`record`], kept if this thread still can.
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

    /// An argument as a callback's `Values` holds it: lent or owned.
    struct Lent(MaybeUninit<CValue>, Option<Slot>);

    impl Lent {
        fn data(&self) -> &CData {
            // SAFETY: written by `lend_record`, which succeeded.
            match unsafe { self.0.assume_init_ref() } {
                CValue::Data(data) => data,
                _ => unreachable!("a record"),
            }
        }
    }

    impl Drop for Lent {
        fn drop(&mut self) {
            match self.1 {
                Some(slot) => give_back(slot),
                // SAFETY: written by `lend_record`, and owned.
                None => unsafe { self.0.assume_init_drop() },
            }
        }
    }

    fn lent(ty: &CType, bytes: &[u8]) -> Lent {
        let mut out = MaybeUninit::uninit();
        let slot = lend_record(ty, bytes, &mut out).unwrap();
        Lent(out, slot)
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
    fn an_object_given_back_is_lent_again_and_one_held_is_not() {
        let p = point("p");
        let first = lent(&p, &[1; 16]);
        assert_eq!(first.1, None, "nothing to lend yet: a new object");
        let at = first.data().addressof().unwrap();
        drop(first);
        let again = lent(&p, &[2; 16]);
        assert!(again.1.is_some());
        assert_eq!(again.data().addressof().unwrap(), at);
        assert_eq!(again.data().to_bytes(), vec![2; 16]);
        // Cloned by the closure and kept: the clone counts, and the object is not lent again.
        let held = again.data().clone();
        drop(again);
        let new = lent(&p, &[3; 16]);
        assert_eq!(new.1, None);
        assert_ne!(new.data().addressof().unwrap(), at);
        assert_eq!(held.to_bytes(), vec![2; 16]);
    }

    #[test]
    fn an_object_lent_is_not_lent_again_nor_let_go_of_until_given_back() {
        let p = point("p");
        drop(lent(&p, &[0; 16]));
        let outer = lent(&p, &[1; 16]);
        assert!(outer.1.is_some());
        // Callbacks the closure leads to, on the same thread: new objects, kept by the table
        // in other slots (or not at all), never in place of the lent one.
        let inner: Vec<Lent> = (0..4).map(|i| lent(&p, &[10 + i; 16])).collect();
        for (i, l) in inner.iter().enumerate() {
            assert_ne!(
                l.data().addressof().unwrap(),
                outer.data().addressof().unwrap()
            );
            assert_eq!(l.data().to_bytes(), vec![10 + i as u8; 16]);
        }
        drop(inner);
        assert_eq!(outer.data().to_bytes(), vec![1; 16]);
        assert!(outer.data().ty().same_object(&p));
        let at = outer.data().addressof().unwrap();
        drop(outer);
        let seen: Vec<Lent> = (0..2).map(|_| lent(&p, &[7; 16])).collect();
        assert!(seen.iter().any(|l| l.data().addressof().unwrap() == at));
    }

    #[test]
    fn two_objects_of_one_type_are_lent_and_other_types_get_their_own() {
        let p = point("p");
        let q = point("q");
        let (a, b) = (lent(&p, &[1; 16]), lent(&p, &[2; 16]));
        let mut expected = [a.data().addressof().unwrap(), b.data().addressof().unwrap()];
        drop((a, b));
        let both = [lent(&p, &[0; 16]), lent(&p, &[0; 16])];
        assert!(both.iter().all(|l| l.1.is_some()));
        let mut seen = both.each_ref().map(|l| l.data().addressof().unwrap());
        seen.sort();
        expected.sort();
        assert_eq!(seen, expected);
        drop(both);
        // An object of another type (same layout, another handle) is never lent as `p`.
        let other = lent(&q, &[5; 16]);
        let at_other = other.data().addressof().unwrap();
        drop(other);
        let taken = lent(&p, &[6; 16]);
        assert!(taken.data().ty().same_object(&p));
        assert_ne!(taken.data().addressof().unwrap(), at_other);
    }
}
