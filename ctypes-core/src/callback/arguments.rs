//! The objects a callback's closure receives its record arguments in ([`CValue::Data`]): each
//! is a copy the closure owns, but an object the closure let go of (no handle, view or pointer
//! made from it left, nothing kept alive by it, not resized) is filled again for the next call
//! on the same thread instead of a new one being allocated.
//!
//! [`CValue::Data`]: crate::CValue::Data

use std::cell::RefCell;
use std::rc::Rc;

use crate::error::Result;
use crate::mem::CData;
use crate::ty::CType;

/// Objects kept per thread for reuse, newest last.
const KEPT: usize = 8;
/// Records larger than this are not kept (a callback taking a large record by value is rare,
/// and the memory would stay with the thread).
const LARGEST: usize = 256;

thread_local! {
    static SPARE: RefCell<Vec<CData>> = const { RefCell::new(Vec::new()) };
}

/// Whether no one but its last holder holds `data`, which still has `size` bytes and keeps
/// nothing alive: then no one can see it being filled again.
fn unused(data: &CData, size: usize) -> bool {
    Rc::strong_count(data.storage()) == 1 && data.capacity() == size && !data.keeps_anything_alive()
}

/// An object of record type `ty` holding a copy of `bytes` (its size), for a closure to own:
/// a spare one of this thread, or a new one.
pub(super) fn record(ty: &CType, bytes: &[u8]) -> Result<CData> {
    if bytes.len() <= LARGEST {
        let spare = SPARE
            .try_with(|spare| {
                let mut spare = spare.try_borrow_mut().ok()?;
                // The same type handle: the closure's parameter type, which made the object.
                let at = spare.iter().rposition(|data| data.ty().same_object(ty))?;
                Some(spare.swap_remove(at))
            })
            .ok()
            .flatten();
        if let Some(data) = spare {
            data.storage().write(0, bytes)?;
            return Ok(data);
        }
    }
    CData::from_bytes(ty, bytes)
}

/// Takes back an object [`record`] made (of a record type of `size` bytes), once the closure
/// has returned: kept for the next call on this thread if the closure let go of it, else
/// dropped.
pub(super) fn give_back(data: CData, size: usize) {
    if size > LARGEST || !unused(&data, size) {
        return;
    }
    let _ = SPARE.try_with(move |spare| {
        if let Ok(mut spare) = spare.try_borrow_mut() {
            if spare.len() == KEPT {
                spare.remove(0);
            }
            spare.push(data);
        }
    });
}
