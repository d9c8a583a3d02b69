//! A [`CData`] handle's copies and its last drop: the last handle of a small object gives its
//! memory back to its thread, and a new object of the same type handle takes it from there
//! (see `spare.rs`).

use std::mem::ManuallyDrop;
use std::rc::Rc;

use super::CData;
use crate::mem::bytes::zero_bytes;
use crate::mem::spare::{self, Kept};
use crate::ty::CType;

impl CData {
    /// An object of the type handle `ty` (that very handle) let go of earlier on this thread,
    /// if one is kept: its memory, owned and of the type's size and alignment, holds what the
    /// old object left there.
    #[inline(always)]
    pub(super) fn spare(ty: &CType) -> Option<CData> {
        let Kept { ty, storage } = spare::take(ty)?;
        Some(CData::root_of(ty, storage))
    }

    /// [`CData::spare`], zeroed.
    #[inline(always)]
    pub(super) fn spare_zeroed(ty: &CType) -> Option<CData> {
        let data = CData::spare(ty)?;
        // SAFETY: the block is owned and holds its length; nothing else holds it and no Rust
        // reference into it exists.
        unsafe { zero_bytes(data.storage.address(0), data.storage.len()) };
        Some(data)
    }
}

impl Clone for CData {
    fn clone(&self) -> CData {
        CData {
            ty: ManuallyDrop::new(CType::clone(&self.ty)),
            storage: ManuallyDrop::new(Rc::clone(&self.storage)),
            offset: self.offset,
            order: self.order,
            bits: self.bits,
            is_root: self.is_root,
        }
    }
}

impl Drop for CData {
    #[inline]
    fn drop(&mut self) {
        // SAFETY: the two fields are taken once, here, and never used again.
        let (ty, storage) = unsafe {
            (
                ManuallyDrop::take(&mut self.ty),
                ManuallyDrop::take(&mut self.storage),
            )
        };
        if self.is_root && Rc::strong_count(&storage) == 1 && storage.is_reusable() {
            // The last handle of the object itself: its memory may be kept for the next
            // object of its type (or dropped there).
            spare::keep(Kept { ty, storage });
        }
    }
}
