//! Pointers between memory objects: making them, storing them, following them.
//!
//! A pointer made from a memory object records, in the memory that holds the pointer, which
//! object it was made from; that keeps the object alive and lets the pointer be followed safely.
//! Following it checks that the address it holds still lies inside that object's memory, so a
//! pointer overwritten with a raw address, or left stale by a resize, is refused rather than
//! followed. Other addresses are followed only through the `unsafe` methods.

use std::ffi::c_void;
use std::rc::Rc;

use super::data::CData;
use super::storage::{Storage, Target};
use super::value::Value;
use crate::error::{Error, Result};
use crate::layout::ByteOrder;
use crate::ty::CType;

impl CData {
    /// A new pointer object (of type `target`'s type `*`) that points at `target` and keeps it
    /// alive.
    ///
    /// ```
    /// use ctypes_core::{CData, CType, Scalar, Value};
    ///
    /// let n = CData::new(&CType::scalar(Scalar::Int))?;
    /// let p = CData::pointer_to(&n)?;
    /// p.deref()?.set_value(42)?;
    /// assert_eq!(n.value()?, Value::Int(42));
    /// # Ok::<(), ctypes_core::Error>(())
    /// ```
    pub fn pointer_to(target: &CData) -> Result<CData> {
        let pointer = CData::new(&target.ty().pointer())?;
        pointer.set_pointer(target)?;
        Ok(pointer)
    }

    /// A `void *` to the byte `offset` bytes into this object, keeping it alive (C's
    /// `(char *)&obj + offset`, as a call argument).
    pub fn byref(&self, offset: usize) -> Result<CData> {
        let address = self.addressof()?;
        if offset > self.size() {
            return Err(Error::OutOfRange {
                what: "byref",
                offset,
                end: offset,
                size: self.size(),
            });
        }
        let pointer = CData::new(&CType::void_ptr())?;
        pointer.set_value(Value::Pointer(address as usize + offset))?;
        pointer.keep_memory(self.storage());
        Ok(pointer)
    }

    /// Makes this pointer point at `target` (whose type must be the pointer's target type, or
    /// anything for `void *`), keeping `target` alive as long as this memory. A scalar (or array
    /// of scalars) stored in a record of non-native byte order cannot be pointed at, as in GCC.
    ///
    /// In memory this crate does not own (a library's global, an object made with
    /// [`CData::from_address`]), `target` is kept alive for ever — deliberately leaked — since
    /// C may follow the pointer there at any time, long after this view is gone.
    pub fn set_pointer(&self, target: &CData) -> Result<()> {
        let pointee = self.pointee_type()?;
        if !pointee.is_void() && pointee != target.ty() {
            return Err(Error::TypeMismatch {
                expected: format!("an object of type `{pointee}`"),
                found: format!("`{}`", target.ty()),
            });
        }
        if target.byte_order() != ByteOrder::NATIVE && holds_scalars(target.ty()) {
            // As GCC refuses `&s.x` for a field of reversed storage order: reading through the
            // pointer would see the bytes in the wrong order.
            let order = match target.byte_order() {
                ByteOrder::Big => "big-endian",
                ByteOrder::Little => "little-endian",
            };
            return Err(Error::TypeMismatch {
                expected: "an object in native byte order".to_owned(),
                found: format!("`{}` in {order} byte order", target.ty()),
            });
        }
        let address = target.addressof()?;
        self.set_value(Value::Pointer(address as usize))?;
        self.keep_memory(target.storage());
        Ok(())
    }

    /// Records that the pointer this object is keeps `target` alive: as long as this memory
    /// when this crate owns it; for ever when it does not, whose lifetime nothing here knows
    /// (the same rule as [`CData::keep_alive`]).
    fn keep_memory(&self, target: &Rc<Storage>) {
        if !self.storage().is_owned() {
            std::mem::forget(Rc::clone(target));
        }
        // Recorded in foreign memory too, so that this view can follow the pointer.
        self.storage()
            .keep(self.offset(), Some(Target::Memory(Rc::clone(target))));
    }

    /// The memory a pointer object was made to point into ([`CData::set_pointer`],
    /// [`CData::byref`]), which a call passing the pointer must keep in place.
    pub(crate) fn pointer_target(&self) -> Option<Rc<Storage>> {
        match self.storage().kept(self.offset())? {
            Target::Memory(storage) => Some(storage),
            Target::Other(_) => None,
        }
    }

    /// Keeps `object` alive as long as the memory holding this pointer (owned memory), or runs
    /// `otherwise` (memory owned elsewhere, whose lifetime is unknown).
    pub(crate) fn keep_alive(&self, object: Rc<dyn std::any::Any>, otherwise: impl FnOnce()) {
        if self.storage().is_owned() {
            self.storage()
                .keep(self.offset(), Some(Target::Other(object)));
        } else {
            otherwise();
        }
    }

    /// What this pointer's memory keeps alive other than memory ([`CData::keep_alive`]): a
    /// callback, say.
    pub(crate) fn kept_object(&self) -> Option<Rc<dyn std::any::Any>> {
        match self.storage().kept(self.offset())? {
            Target::Other(object) => Some(object),
            Target::Memory(_) => None,
        }
    }

    /// Sets this pointer to `NULL`.
    pub fn set_null(&self) -> Result<()> {
        self.pointee_type()?;
        self.set_value(Value::Pointer(0))
    }

    /// Whether this pointer is `NULL`.
    pub fn is_null(&self) -> Result<bool> {
        self.pointee_type()?;
        Ok(self.value()? == Value::Pointer(0))
    }

    /// The object this pointer points at (`*p`); an error for `NULL`, for an incomplete target
    /// type, and for an address that is not inside the object the pointer was made from.
    pub fn deref(&self) -> Result<CData> {
        self.index(0)
    }

    /// `p[index]`: the object `index` elements past where this pointer points, which must lie
    /// inside the object the pointer was made from.
    pub fn index(&self, index: isize) -> Result<CData> {
        let pointee = self.pointee_type()?.clone();
        let size = pointee.size_for("dereferencing a pointer")?;
        let address = self.address()?;
        let Some(Target::Memory(storage)) = self.storage().kept(self.offset()) else {
            return Err(self.not_followable("it was not made from a memory object"));
        };
        let base = storage.address(0) as usize;
        let wanted = (address as isize)
            .checked_add(
                index
                    .checked_mul(size as isize)
                    .ok_or_else(|| self.not_followable("the index overflows"))?,
            )
            .ok_or_else(|| self.not_followable("the index overflows"))?
            as usize;
        let offset = wanted.wrapping_sub(base);
        let fits = offset
            .checked_add(size)
            .is_some_and(|end| end <= storage.len());
        if wanted < base || !fits {
            return Err(Error::OutOfRange {
                what: "pointer target",
                offset,
                end: offset.wrapping_add(size),
                size: storage.len(),
            });
        }
        Ok(view_in(&storage, &pointee, offset))
    }

    /// `*p` for any address: a view of the pointed-to object with nothing kept alive.
    ///
    /// # Safety
    /// As for [`CData::from_address`] at the address this pointer holds.
    pub unsafe fn deref_unchecked(&self) -> Result<CData> {
        let pointee = self.pointee_type()?.clone();
        let address = self.address()?;
        // SAFETY: the caller vouches for the memory at the address, as `from_address` requires.
        unsafe { CData::from_address(&pointee, address as *mut c_void) }
    }

    fn pointee_type(&self) -> Result<&CType> {
        self.ty().pointee().ok_or_else(|| Error::TypeMismatch {
            expected: "a pointer".to_owned(),
            found: format!("`{}`", self.ty()),
        })
    }

    /// The non-NULL address this pointer holds.
    fn address(&self) -> Result<usize> {
        match self.value()? {
            Value::Pointer(0) => Err(Error::NullPointer(self.ty().to_string())),
            Value::Pointer(address) => Ok(address),
            _ => unreachable!("a pointer reads as Value::Pointer"),
        }
    }

    fn not_followable(&self, why: &str) -> Error {
        Error::TypeMismatch {
            expected: format!("`{}` pointing into memory it keeps alive", self.ty()),
            found: format!("a pointer that cannot be followed safely: {why}"),
        }
    }
}

/// Whether `ty` is a scalar or an array of them, whose bytes follow the byte order of the
/// record they are in (records keep their own order; pointers are always native).
fn holds_scalars(ty: &CType) -> bool {
    let mut ty = ty;
    while let Some((element, _)) = ty.as_array() {
        ty = element;
    }
    ty.as_scalar().is_some()
}

fn view_in(storage: &Rc<Storage>, ty: &CType, offset: usize) -> CData {
    let order = ty
        .as_record()
        .and_then(|r| r.definition())
        .map_or(ByteOrder::NATIVE, |d| d.byte_order());
    CData::in_storage(storage, ty, offset, order)
}
