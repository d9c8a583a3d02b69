//! `CData`: a typed view of C memory.

use std::ffi::c_void;
use std::fmt;
use std::mem::ManuallyDrop;
use std::ptr::NonNull;
use std::rc::Rc;

use super::bytes::copy_bytes;
use super::codec::{self, Leaf, Overflow};
use super::path::{self, Step};
use super::storage::Storage;
use super::value::Value;
use crate::error::{Error, Result};
use crate::layout::ByteOrder;
use crate::ty::{CType, TypeKind};

mod handle;

/// Values of at most this many bytes are read without allocating.
const SMALL_VALUE: usize = 32;

/// A C object: a type, the memory that holds it, and whatever that memory keeps alive.
///
/// A `CData` either owns its memory (zeroed and aligned when made with [`CData::new`]), or is a
/// view into the memory of another `CData` — a field, an array element, a dereferenced pointer —
/// which it keeps alive, or, made with the `unsafe` [`CData::from_address`], it describes memory
/// owned elsewhere.
///
/// Views share memory, so writing takes `&self`, like [`Cell::set`](std::cell::Cell::set); for
/// the same reason a `CData` is neither `Send` nor `Sync`. Every read and write is checked
/// against the object's bounds and type; a value that does not fit its C type is an error
/// ([`set_value_wrapping`](CData::set_value_wrapping) gives C's modular conversion instead).
///
/// ```
/// use ctypes_core::{CData, CType, Scalar, Value};
///
/// let int = CType::scalar(Scalar::Int);
/// let item = CType::struct_builder("item")
///     .field("len", CType::scalar(Scalar::UShort))
///     .bit_field("flag", int.clone(), 1)
///     .build()?;
/// let hdr = CType::struct_builder("hdr")
///     .field("count", int.clone())
///     .field("items", item.array(4)?)
///     .build()?;
/// let data = CData::new(&hdr)?;
/// data.set("items[3].len", 700u16)?;
/// assert_eq!(data.get("items[3].len")?, Value::UInt(700));
/// assert!(data.set("items[3].len", -1).is_err());
/// data.set_wrapping("items[3].len", -1)?;
/// assert_eq!(data.get("items[3].len")?, Value::UInt(65535));
/// assert!(data.get("items[4]").is_err());
/// # Ok::<(), ctypes_core::Error>(())
/// ```
pub struct CData {
    /// Dropped by hand ([`Drop`]): the last handle of a small object goes back to its
    /// thread for the next object of its type (see `spare.rs`).
    ty: ManuallyDrop<CType>,
    storage: ManuallyDrop<Rc<Storage>>,
    offset: usize,
    order: ByteOrder,
    /// For a bit-field view: its first bit within the byte at `offset`, and its width.
    bits: Option<(u32, u32)>,
    /// Whether this is the object itself (made by `new`, `from_bytes` or `from_address`) rather
    /// than a view into it; only the object itself may be resized.
    is_root: bool,
}

impl CData {
    /// A zero-initialised object of type `ty`, aligned for it.
    #[inline]
    pub fn new(ty: &CType) -> Result<CData> {
        match CData::spare_zeroed(ty) {
            Some(data) => Ok(data),
            None => CData::new_of(ty),
        }
    }

    /// [`CData::new`] in newly allocated memory.
    #[inline(never)]
    fn new_of(ty: &CType) -> Result<CData> {
        let size = ty.size_for("creating an object")?;
        CData::new_allocated(ty, size, ty.align()?)
    }

    /// [`CData::new`] for a type whose `size` and `align` the caller has from it already (a
    /// call's plan, made once per signature).
    #[inline(always)]
    pub(crate) fn new_sized(ty: &CType, size: usize, align: usize) -> Result<CData> {
        debug_assert!(ty.size().ok() == Some(size) && ty.align().ok() == Some(align));
        match CData::spare_zeroed(ty) {
            Some(data) => Ok(data),
            None => CData::new_allocated(ty, size, align),
        }
    }

    /// [`CData::new_sized`] in newly allocated memory.
    #[inline(never)]
    fn new_allocated(ty: &CType, size: usize, align: usize) -> Result<CData> {
        let storage = Storage::zeroed(size, align)?;
        Ok(CData::root(ty, storage))
    }

    /// An object of type `ty` holding a copy of `bytes`, which must be exactly its size.
    #[inline]
    pub fn from_bytes(ty: &CType, bytes: &[u8]) -> Result<CData> {
        if let Some(data) = CData::spare(ty) {
            if bytes.len() == data.storage.len() {
                // SAFETY: the block is owned and holds `bytes.len()` bytes; nothing else holds
                // it, no Rust reference into it exists, and `bytes` lies elsewhere.
                unsafe { copy_bytes(bytes.as_ptr(), data.storage.address(0), bytes.len()) };
                return Ok(data);
            }
        }
        CData::from_bytes_new(ty, bytes)
    }

    /// [`CData::from_bytes`] in a new object.
    #[inline(never)]
    fn from_bytes_new(ty: &CType, bytes: &[u8]) -> Result<CData> {
        let data = CData::new(ty)?;
        if bytes.len() != data.size() {
            return Err(Error::TypeMismatch {
                expected: format!("{} bytes for `{ty}`", data.size()),
                found: format!("{} bytes", bytes.len()),
            });
        }
        data.storage.write(0, bytes)?;
        Ok(data)
    }

    /// A view of the object of type `ty` at `address`, which this `CData` does not own.
    ///
    /// # Safety
    /// `address` must be non-null and valid for reads and writes of `ty`'s size for as long as
    /// the returned object and every view made from it live, and nothing else may access that
    /// memory concurrently while they are used.
    pub unsafe fn from_address(ty: &CType, address: *mut c_void) -> Result<CData> {
        let size = ty.size_for("viewing memory")?;
        let base = NonNull::new(address.cast::<u8>())
            .ok_or_else(|| Error::NullPointer(ty.pointer().to_string()))?;
        // SAFETY: the caller promises the memory is valid for `size` bytes while it is used.
        let storage = unsafe { Storage::foreign(base, size, None) };
        Ok(CData::root(ty, storage))
    }

    /// [`CData::from_address`] for memory that `owner` keeps valid (a loaded library, say).
    ///
    /// # Safety
    /// As for [`CData::from_address`], with `owner` alive.
    pub(crate) unsafe fn from_address_owned(
        ty: &CType,
        address: *mut c_void,
        owner: Rc<dyn std::any::Any>,
    ) -> Result<CData> {
        let size = ty.size_for("viewing memory")?;
        let base = NonNull::new(address.cast::<u8>())
            .ok_or_else(|| Error::NullPointer(ty.pointer().to_string()))?;
        // SAFETY: the caller promises the memory is valid while `owner` lives, and the storage
        // holds `owner`.
        let storage = unsafe { Storage::foreign(base, size, Some(owner)) };
        Ok(CData::root(ty, storage))
    }

    fn root(ty: &CType, storage: Rc<Storage>) -> CData {
        CData::root_of(ty.clone(), storage)
    }

    #[inline(always)]
    fn root_of(ty: CType, storage: Rc<Storage>) -> CData {
        let order = ty
            .as_record()
            .and_then(|r| r.definition())
            .map_or(ByteOrder::NATIVE, |d| d.byte_order());
        CData {
            ty: ManuallyDrop::new(ty),
            storage: ManuallyDrop::new(storage),
            offset: 0,
            order,
            bits: None,
            is_root: true,
        }
    }

    pub(crate) fn view(
        &self,
        ty: CType,
        offset: usize,
        order: ByteOrder,
        bits: Option<(u32, u32)>,
    ) -> CData {
        CData {
            ty: ManuallyDrop::new(ty),
            storage: ManuallyDrop::new(Rc::clone(&self.storage)),
            offset,
            order,
            bits,
            is_root: false,
        }
    }

    pub(crate) fn in_storage(
        storage: &Rc<Storage>,
        ty: &CType,
        offset: usize,
        order: ByteOrder,
    ) -> CData {
        CData {
            ty: ManuallyDrop::new(ty.clone()),
            storage: ManuallyDrop::new(Rc::clone(storage)),
            offset,
            order,
            bits: None,
            is_root: false,
        }
    }

    /// Whether pointers stored in this object's memory keep other objects (or callbacks) alive.
    #[inline]
    pub(crate) fn keeps_anything_alive(&self) -> bool {
        self.storage.keeps_anything()
    }

    pub(crate) fn storage(&self) -> &Rc<Storage> {
        &self.storage
    }

    pub(crate) fn offset(&self) -> usize {
        self.offset
    }

    /// The object's type (a bit-field view has its declared type).
    pub fn ty(&self) -> &CType {
        &self.ty
    }

    /// `sizeof` the object; for a bit-field view, the bytes its bits touch.
    pub fn size(&self) -> usize {
        match self.bits {
            Some((bit, width)) => (bit + width).div_ceil(8) as usize,
            None => self.ty.size().expect("a CData's type is complete"),
        }
    }

    /// `_Alignof` the object's type.
    pub fn align(&self) -> usize {
        self.ty.align().expect("a CData's type is complete")
    }

    /// The byte order scalars are read and written in through this view.
    pub fn byte_order(&self) -> ByteOrder {
        self.order
    }

    /// Whether this is a view of a bit-field.
    pub fn is_bit_field(&self) -> bool {
        self.bits.is_some()
    }

    /// The address of the object. Using it is `unsafe`; it stays valid while this object (or
    /// its owner) lives and is not [resized](CData::resize).
    pub fn addressof(&self) -> Result<*mut c_void> {
        if self.bits.is_some() {
            return Err(Error::TypeMismatch {
                expected: "an addressable object".to_owned(),
                found: format!("a bit-field of type `{}`", *self.ty),
            });
        }
        Ok(self.storage.address(self.offset).cast())
    }

    /// A copy of the object's bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = vec![0; self.size()];
        self.storage
            .read(self.offset, &mut out)
            .expect("a view lies inside its storage");
        out
    }

    /// Copies `bytes` into the object at byte `offset`; the range must lie inside the object.
    pub fn write_bytes(&self, offset: usize, bytes: &[u8]) -> Result<()> {
        self.check_range("write_bytes", offset, bytes.len())?;
        self.storage.write(self.offset + offset, bytes)
    }

    pub(crate) fn check_range(&self, what: &'static str, offset: usize, len: usize) -> Result<()> {
        match offset.checked_add(len) {
            Some(end) if end <= self.size() => Ok(()),
            _ => Err(Error::OutOfRange {
                what,
                offset,
                end: offset.saturating_add(len),
                size: self.size(),
            }),
        }
    }

    /// The field called `name`, a view sharing this record's memory. Fields of anonymous
    /// members are found too.
    pub fn field(&self, name: &str) -> Result<CData> {
        let no_field = || Error::NoSuchField {
            ty: self.ty.to_string(),
            field: name.to_owned(),
        };
        let def = self.record_def()?;
        let path = def.field_path(name).ok_or_else(no_field)?;
        let mut view = self.field_at(path[0])?;
        for &index in &path[1..] {
            view = view.field_at(index)?;
        }
        Ok(view)
    }

    /// The field at `index` in declaration order (unnamed bit-fields and anonymous members
    /// count).
    pub fn field_at(&self, index: usize) -> Result<CData> {
        let def = self.record_def()?;
        let field = def
            .fields()
            .get(index)
            .ok_or_else(|| Error::IndexOutOfBounds {
                ty: self.ty.to_string(),
                index,
                len: def.fields().len(),
            })?;
        let order = field
            .ty()
            .as_record()
            .and_then(|r| r.definition())
            .map_or(def.byte_order(), |inner| inner.byte_order());
        let bits = field.bit_width().map(|w| (field.bit_offset(), w));
        Ok(self.view(
            field.ty().clone(),
            self.offset + field.offset(),
            order,
            bits,
        ))
    }

    fn record_def(&self) -> Result<&crate::ty::RecordDef> {
        match self.ty.as_record() {
            Some(record) => record.definition_for("field access"),
            None => Err(Error::TypeMismatch {
                expected: "a struct or union".to_owned(),
                found: format!("`{}`", *self.ty),
            }),
        }
    }

    /// Element `index` of an array, a view sharing the array's memory.
    pub fn element(&self, index: usize) -> Result<CData> {
        let Some((element, len)) = self.ty.as_array() else {
            return Err(Error::TypeMismatch {
                expected: "an array".to_owned(),
                found: format!("`{}`", *self.ty),
            });
        };
        if index >= len {
            return Err(Error::IndexOutOfBounds {
                ty: self.ty.to_string(),
                index,
                len,
            });
        }
        let offset = self.offset + index * element.size()?;
        Ok(self.view(element.clone(), offset, self.order, None))
    }

    /// The object at `path` (`"hdr.items[3].len"`, `"[2]"`; `""` is this object). An index
    /// step on a pointer reads through the pointer, as [`CData::index`] does.
    ///
    /// A path is exactly: an optional first step that is a field name or an index, then steps
    /// `.name` or `[index]`, with no spaces. A name is a C identifier; an index is a decimal
    /// number without sign or leading zeros. Anything else is [`Error::BadPath`] saying why
    /// (`a.[0]`, `[+1]`, `[ 2 ]` are refused). A field whose name is not a C identifier is
    /// reached with [`CData::field`].
    pub fn at(&self, path: &str) -> Result<CData> {
        // The whole path is checked first, so that a malformed one is refused as such even
        // where a step before the flaw would fail.
        path::check(path)?;
        let mut view = self.clone();
        for step in path::steps(path) {
            view = match step? {
                Step::Field(name) => view.field(name)?,
                Step::Index(i) if view.ty.pointee().is_some() => {
                    let index = isize::try_from(i).map_err(|_| Error::IndexOutOfBounds {
                        ty: view.ty.to_string(),
                        index: i,
                        len: isize::MAX as usize,
                    })?;
                    view.index(index)?
                }
                Step::Index(i) => view.element(i)?,
            };
        }
        Ok(view)
    }

    /// Reads the scalar, pointer or bit-field this object is.
    pub fn value(&self) -> Result<Value> {
        let leaf = Leaf::of(&self.ty)?;
        let mut small = [0u8; SMALL_VALUE];
        let large;
        let bytes: &[u8] = match self.size() {
            size if size <= SMALL_VALUE => {
                self.storage.read(self.offset, &mut small[..size])?;
                &small[..size]
            }
            _ => {
                large = self.to_bytes();
                &large
            }
        };
        match (self.bits, leaf) {
            (Some((bit, width)), Leaf::Scalar(s)) => {
                Ok(codec::decode_bits(s, bytes, bit, width, self.order))
            }
            _ => codec::decode(leaf, bytes, self.order),
        }
    }

    /// Writes a scalar, pointer or bit-field; a value that does not fit the C type (or the
    /// bit-field's width) is an error.
    pub fn set_value(&self, value: impl Into<Value>) -> Result<()> {
        self.store(value.into(), Overflow::Refuse)
    }

    /// Writes a scalar or bit-field as C converts: integers are reduced modulo 2^width, any
    /// non-zero value makes a `_Bool` true.
    pub fn set_value_wrapping(&self, value: impl Into<Value>) -> Result<()> {
        self.store(value.into(), Overflow::Wrap)
    }

    fn store(&self, value: Value, overflow: Overflow) -> Result<()> {
        let leaf = Leaf::of(&self.ty)?;
        let mut small = [0u8; SMALL_VALUE];
        let mut large;
        let bytes: &mut [u8] = match self.size() {
            size if size <= SMALL_VALUE => {
                self.storage.read(self.offset, &mut small[..size])?;
                &mut small[..size]
            }
            _ => {
                large = self.to_bytes();
                &mut large
            }
        };
        match (self.bits, leaf) {
            (Some(slot), Leaf::Scalar(s)) => {
                codec::encode_bits(s, value, bytes, slot, self.order, overflow)?
            }
            _ => codec::encode(leaf, value, bytes, self.order, overflow)?,
        }
        if matches!(leaf, Leaf::Pointer) {
            // A raw address replaces whatever object the pointer was made from.
            self.storage.keep(self.offset, None);
        }
        self.storage.write(self.offset, bytes)
    }

    /// Reads the scalar at `path`; see [`CData::at`] and [`CData::value`].
    pub fn get(&self, path: &str) -> Result<Value> {
        self.at(path)?.value()
    }

    /// Writes the scalar at `path`; see [`CData::at`] and [`CData::set_value`].
    pub fn set(&self, path: &str, value: impl Into<Value>) -> Result<()> {
        self.at(path)?.set_value(value)
    }

    /// Writes the scalar at `path` with C's conversions; see [`CData::set_value_wrapping`].
    pub fn set_wrapping(&self, path: &str, value: impl Into<Value>) -> Result<()> {
        self.at(path)?.set_value_wrapping(value)
    }

    /// The same memory seen as type `ty`, which must fit in the memory from this object's start
    /// (after a [`resize`](CData::resize), that may be more than this object's own size).
    pub fn cast(&self, ty: &CType) -> Result<CData> {
        if self.bits.is_some() {
            return Err(Error::TypeMismatch {
                expected: "an addressable object".to_owned(),
                found: format!("a bit-field of type `{}`", *self.ty),
            });
        }
        let size = ty.size_for("cast")?;
        let available = self.storage.len() - self.offset;
        if size > available {
            return Err(Error::OutOfRange {
                what: "cast",
                offset: self.offset,
                end: self.offset + size,
                size: self.storage.len(),
            });
        }
        let order = ty
            .as_record()
            .and_then(|r| r.definition())
            .map_or(self.order, |d| d.byte_order());
        Ok(self.view(ty.clone(), self.offset, order, None))
    }

    /// Grows the memory this object owns to `new_size` bytes (zero-filled); the type stays the
    /// same, and [`cast`](CData::cast) reaches the new bytes. Only an object made by
    /// [`CData::new`] (or a copy of one), not a view into another object, can be resized.
    ///
    /// The memory may move: addresses taken before are stale afterwards (pointers made from the
    /// object then refuse to dereference rather than dangle). For that reason no object is
    /// resized while a call into C made through this crate ([`Function`](crate::Function)) is
    /// in progress on this thread — from a callback that call runs, say, where C may hold the
    /// object's address in an argument or in memory an argument points to: that is an error.
    /// An address handed to C that C keeps after the call returns is stale after a resize, as
    /// after a drop.
    pub fn resize(&self, new_size: usize) -> Result<()> {
        // A view at offset 0 (a first field, a cast) shares the memory but does not own it.
        if !self.owns_memory() {
            return Err(Error::TypeMismatch {
                expected: "an object that owns its memory".to_owned(),
                found: format!("a view of `{}`", *self.ty),
            });
        }
        if new_size < self.storage.len() {
            return Err(Error::OutOfRange {
                what: "resize (objects only grow)",
                offset: 0,
                end: new_size,
                size: self.storage.len(),
            });
        }
        self.storage.grow(new_size)
    }

    /// Whether this object owns its memory (made by [`CData::new`] or a copy of one), rather
    /// than being a view into another object or foreign memory.
    pub(crate) fn owns_memory(&self) -> bool {
        self.is_root && self.storage.is_owned()
    }

    /// How many bytes the memory under this object holds from its start (its size, or more
    /// after [`resize`](CData::resize)).
    pub fn capacity(&self) -> usize {
        self.storage.len() - self.offset
    }

    /// Whether the type is an array of `char`-sized or `wchar_t` elements, for the string methods.
    pub(crate) fn array_of(&self) -> Option<(&CType, usize)> {
        match self.ty.kind() {
            TypeKind::Array { element, len } => Some((element, *len)),
            _ => None,
        }
    }
}

impl fmt::Debug for CData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("CData");
        s.field("ty", &self.ty.to_string())
            .field("offset", &self.offset);
        if let Some((bit, width)) = self.bits {
            s.field("bit", &bit).field("width", &width);
        }
        if let Ok(value) = self.value() {
            s.field("value", &value);
        }
        s.finish()
    }
}
