//! C strings in memory objects: `char` and `wchar_t` arrays, strings inside objects (read
//! within their bounds), and strings at raw addresses.

use std::ffi::{c_char, c_void, CStr};
use std::rc::Rc;

use super::codec;
use super::data::CData;
use super::storage::Storage;
use super::value::Value;
use crate::error::{Error, Result};
use crate::layout::ByteOrder;
use crate::ty::{CType, Scalar};

/// `wchar_t` code units: UTF-32 where `wchar_t` has 4 bytes, UTF-16 where it has 2.
const WCHAR_SIZE: usize = Scalar::WcharT.size();

impl CData {
    /// A `char[len + 1]` holding `bytes` and a terminating NUL (C's `char s[] = "..."`).
    ///
    /// ```
    /// use ctypes_core::CData;
    ///
    /// let s = CData::string_buffer(b"hello")?;
    /// assert_eq!(s.size(), 6);
    /// assert_eq!(s.string_value()?, b"hello");
    /// let err = s.set_string(b"too long!").unwrap_err();
    /// assert_eq!(err.to_string(), "string of 9 bytes does not fit in `char [6]` of 6 bytes");
    /// # Ok::<(), ctypes_core::Error>(())
    /// ```
    pub fn string_buffer(bytes: &[u8]) -> Result<CData> {
        let buffer = CData::new(&CType::scalar(Scalar::Char).array(bytes.len() + 1)?)?;
        buffer.write_bytes(0, bytes)?;
        Ok(buffer)
    }

    /// A `wchar_t[n + 1]` holding `text` and a terminating NUL (`n` code units).
    pub fn wide_string_buffer(text: &str) -> Result<CData> {
        let units = wide_units(text);
        let buffer = CData::new(&CType::scalar(Scalar::WcharT).array(units.len() + 1)?)?;
        buffer.write_bytes(0, &units_to_bytes(&units, ByteOrder::NATIVE))?;
        Ok(buffer)
    }

    /// The bytes of a `char` array up to its first NUL (all of them if it has none).
    pub fn string_value(&self) -> Result<Vec<u8>> {
        self.char_array()?;
        let bytes = self.to_bytes();
        let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
        Ok(bytes[..end].to_vec())
    }

    /// Stores `bytes` in a `char` array, followed by a NUL if there is room; longer than the
    /// array is an error naming both lengths.
    pub fn set_string(&self, bytes: &[u8]) -> Result<()> {
        let capacity = self.char_array()?;
        if bytes.len() > capacity {
            return Err(Error::StringTooLong {
                ty: self.ty().to_string(),
                len: bytes.len(),
                capacity,
            });
        }
        self.write_bytes(0, bytes)?;
        if bytes.len() < capacity {
            self.write_bytes(bytes.len(), &[0])?;
        }
        Ok(())
    }

    /// The text of a `wchar_t` array up to its first NUL.
    pub fn wide_value(&self) -> Result<String> {
        self.wchar_array()?;
        let units = bytes_to_units(&self.to_bytes(), self.byte_order());
        let end = units.iter().position(|&u| u == 0).unwrap_or(units.len());
        units_to_string(&units[..end])
    }

    /// Stores `text` in a `wchar_t` array, followed by a NUL if there is room; longer than the
    /// array is an error naming both lengths in bytes.
    pub fn set_wide(&self, text: &str) -> Result<()> {
        let capacity = self.wchar_array()?;
        let mut units = wide_units(text);
        if units.len() > capacity {
            // In bytes, as the message says: a count of code units would read as bytes.
            return Err(Error::StringTooLong {
                ty: self.ty().to_string(),
                len: units.len() * WCHAR_SIZE,
                capacity: capacity * WCHAR_SIZE,
            });
        }
        if units.len() < capacity {
            units.push(0);
        }
        self.write_bytes(0, &units_to_bytes(&units, self.byte_order()))
    }

    /// Whether the object's bytes hold a NUL, so that C reading it as a string (`char *`)
    /// stops inside it. An object that owns its memory is searched to its capacity (which
    /// [`resize`](CData::resize) may have grown), a view to its own size.
    pub(crate) fn holds_nul(&self) -> bool {
        let len = if self.owns_memory() {
            self.capacity()
        } else {
            self.size()
        };
        self.storage().find_byte(self.offset(), len, 0).is_some()
    }

    /// The element count of a `char`, `signed char` or `unsigned char` array.
    fn char_array(&self) -> Result<usize> {
        match self.array_of() {
            Some((element, len))
                if matches!(
                    element.as_scalar(),
                    Some(
                        Scalar::Char | Scalar::SChar | Scalar::UChar | Scalar::Int8 | Scalar::UInt8
                    )
                ) =>
            {
                Ok(len)
            }
            _ => Err(Error::TypeMismatch {
                expected: "a char array".to_owned(),
                found: format!("`{}`", self.ty()),
            }),
        }
    }

    fn wchar_array(&self) -> Result<usize> {
        match self.array_of() {
            Some((element, len)) if element.as_scalar() == Some(Scalar::WcharT) => Ok(len),
            _ => Err(Error::TypeMismatch {
                expected: "a wchar_t array".to_owned(),
                found: format!("`{}`", self.ty()),
            }),
        }
    }
}

/// Where a string read from an object starts and may end: a block of memory, the offset of
/// the string in it, and the end of the object the string must lie in.
struct Region {
    storage: Rc<Storage>,
    /// Where the object begins in the block.
    object_start: usize,
    start: usize,
    end: usize,
    order: ByteOrder,
}

impl CData {
    /// The bytes of the NUL-terminated string at byte `offset` of this object, or the `len`
    /// bytes there: [`string_at`] for memory this crate knows the bounds of, so it is safe.
    ///
    /// For a pointer object made from another object ([`CData::pointer_to`], `byref`, …),
    /// the string is where the pointer points (plus `offset`), inside the object it keeps
    /// alive; for any other object, in its own bytes. A `len` reaching past the end of that
    /// object, or a string with no NUL before it, is refused, naming the object's size and
    /// the range asked for. A pointer to memory the crate did not make (returned by C) has
    /// no known bounds: read it with the `unsafe` [`string_at`].
    ///
    /// ```
    /// use ctypes_core::CData;
    ///
    /// let buffer = CData::string_buffer(b"hello")?;
    /// assert_eq!(buffer.string_at(1, None)?, b"ello");
    /// assert_eq!(buffer.string_at(0, Some(3))?, b"hel");
    /// let pointer = buffer.byref(2)?;
    /// assert_eq!(pointer.string_at(0, None)?, b"llo");
    /// let err = pointer.string_at(0, Some(10)).unwrap_err();
    /// assert_eq!(err.to_string(), "string_at: range 2..12 is outside an object of 6 bytes");
    /// # Ok::<(), ctypes_core::Error>(())
    /// ```
    pub fn string_at(&self, offset: usize, len: Option<usize>) -> Result<Vec<u8>> {
        let region = self.string_region("string_at", offset)?;
        let len = match len {
            Some(n) => n,
            None => region.until_nul(1, |at| {
                let mut byte = [0u8];
                region.storage.read(at, &mut byte).map(|()| byte[0] == 0)
            })?,
        };
        region.check("string_at", len)?;
        let mut out = vec![0; len];
        region.storage.read(region.start, &mut out)?;
        Ok(out)
    }

    /// The text of the NUL-terminated `wchar_t` string at byte `offset` of this object, or of
    /// the `len` code units there, checked as [`CData::string_at`] is: the safe form of
    /// [`wstring_at`].
    pub fn wstring_at(&self, offset: usize, len: Option<usize>) -> Result<String> {
        let region = self.string_region("wstring_at", offset)?;
        let read_unit = |at: usize| -> Result<u32> {
            let mut unit = [0u8; WCHAR_SIZE];
            region.storage.read(at, &mut unit)?;
            Ok(codec::load(&unit, region.order) as u32)
        };
        let units = match len {
            Some(n) => n,
            None => region.until_nul(WCHAR_SIZE, |at| read_unit(at).map(|u| u == 0))?,
        };
        let bytes = units
            .checked_mul(WCHAR_SIZE)
            .ok_or_else(|| Error::SizeOverflow(format!("{units} wchar_t code units")))?;
        region.check("wstring_at", bytes)?;
        let mut out = vec![0; bytes];
        region.storage.read(region.start, &mut out)?;
        units_to_string(&bytes_to_units(&out, region.order))
    }

    /// Where a string at `offset` of this object, or of what it points into, lies.
    fn string_region(&self, what: &'static str, offset: usize) -> Result<Region> {
        if self.ty().pointee().is_none() {
            let end = self.offset() + self.size();
            let start = self.offset().checked_add(offset).filter(|&s| s <= end);
            let Some(start) = start else {
                return Err(Error::OutOfRange {
                    what,
                    offset,
                    end: offset,
                    size: self.size(),
                });
            };
            return Ok(Region {
                storage: Rc::clone(self.storage()),
                object_start: self.offset(),
                start,
                end,
                order: self.byte_order(),
            });
        }
        let address = match self.value()? {
            Value::Pointer(0) => return Err(Error::NullPointer(self.ty().to_string())),
            Value::Pointer(address) => address,
            _ => unreachable!("a pointer reads as Value::Pointer"),
        };
        let Some(storage) = self.pointer_target() else {
            return Err(Error::TypeMismatch {
                expected: format!("`{}` pointing into memory it keeps alive", self.ty()),
                found: format!(
                    "a pointer to memory of unknown bounds (read it with the unsafe `{what}`)"
                ),
            });
        };
        let base = storage.address(0) as usize;
        let size = storage.len();
        let start = address
            .checked_sub(base)
            .and_then(|s| s.checked_add(offset))
            .filter(|&s| s <= size);
        let Some(start) = start else {
            let from = address.wrapping_sub(base).wrapping_add(offset);
            return Err(Error::OutOfRange {
                what,
                offset: from,
                end: from,
                size,
            });
        };
        Ok(Region {
            storage,
            object_start: 0,
            start,
            end: size,
            order: ByteOrder::NATIVE,
        })
    }
}

impl Region {
    /// Refuses `len` bytes from the start that reach past the object's end.
    fn check(&self, what: &'static str, len: usize) -> Result<()> {
        match self.start.checked_add(len) {
            Some(end) if end <= self.end => Ok(()),
            _ => Err(self.out_of_range(what, self.start.saturating_add(len))),
        }
    }

    /// The error naming the range asked for, relative to the object's start, and its size.
    fn out_of_range(&self, what: &'static str, end: usize) -> Error {
        Error::OutOfRange {
            what,
            offset: self.start - self.object_start,
            end: end - self.object_start,
            size: self.size(),
        }
    }

    /// The size of the object the string must lie in.
    fn size(&self) -> usize {
        self.end - self.object_start
    }

    /// How many units of `unit` bytes come before the first one `is_nul` says is NUL; none
    /// before the object's end is an error.
    fn until_nul(&self, unit: usize, is_nul: impl Fn(usize) -> Result<bool>) -> Result<usize> {
        let mut at = self.start;
        let mut count = 0;
        while at + unit <= self.end {
            if is_nul(at)? {
                return Ok(count);
            }
            at += unit;
            count += 1;
        }
        Err(Error::TypeMismatch {
            expected: format!(
                "a NUL-terminated string inside the object of {} bytes",
                self.size()
            ),
            found: format!(
                "no NUL in bytes {}..{}",
                self.start - self.object_start,
                self.end - self.object_start
            ),
        })
    }
}

/// The bytes of the NUL-terminated string at `address`, or of the `len` bytes there.
///
/// For a raw address, of memory whose bounds nothing here knows (a `char *` C returned). For
/// a string in a memory object, or where a pointer object made from one points, use
/// [`CData::string_at`], which refuses to read past the object's end.
///
/// # Safety
/// `address` must point to a NUL-terminated string (or, with `len`, to `len` readable bytes)
/// that stays unchanged during the call.
pub unsafe fn string_at(address: *const c_void, len: Option<usize>) -> Vec<u8> {
    match len {
        // SAFETY: the caller promises `len` readable bytes at `address`.
        Some(n) => unsafe { std::slice::from_raw_parts(address.cast::<u8>(), n) }.to_vec(),
        // SAFETY: the caller promises a NUL-terminated string at `address`.
        None => unsafe { CStr::from_ptr(address.cast::<c_char>()) }
            .to_bytes()
            .to_vec(),
    }
}

/// The text of the NUL-terminated `wchar_t` string at `address`, or of the `len` code units
/// there: for raw addresses; [`CData::wstring_at`] reads memory objects within their bounds.
///
/// # Safety
/// `address` must point to a NUL-terminated `wchar_t` string (or, with `len`, to `len` readable
/// code units), suitably aligned, that stays unchanged during the call.
pub unsafe fn wstring_at(address: *const c_void, len: Option<usize>) -> Result<String> {
    let start = address.cast::<libc::wchar_t>();
    let count = match len {
        Some(n) => n,
        None => {
            let mut n = 0;
            // SAFETY: the caller promises a NUL-terminated string: every unit up to and
            // including the NUL is readable.
            while unsafe { *start.add(n) } != 0 {
                n += 1;
            }
            n
        }
    };
    // SAFETY: the `count` units were just read (or promised readable by the caller).
    let units = unsafe { std::slice::from_raw_parts(start, count) };
    units_to_string(&units.iter().map(|&u| u as u32).collect::<Vec<_>>())
}

fn wide_units(text: &str) -> Vec<u32> {
    if WCHAR_SIZE == 2 {
        text.encode_utf16().map(u32::from).collect()
    } else {
        text.chars().map(u32::from).collect()
    }
}

fn units_to_string(units: &[u32]) -> Result<String> {
    let invalid = |unit: u32| Error::TypeMismatch {
        expected: "a valid wide string".to_owned(),
        found: format!("code unit {unit:#x}"),
    };
    if WCHAR_SIZE == 2 {
        let narrow: Vec<u16> = units.iter().map(|&u| u as u16).collect();
        char::decode_utf16(narrow)
            .map(|c| c.map_err(|e| invalid(u32::from(e.unpaired_surrogate()))))
            .collect()
    } else {
        units
            .iter()
            .map(|&u| char::from_u32(u).ok_or_else(|| invalid(u)))
            .collect()
    }
}

/// The bytes of `units` in `order` (a `wchar_t` array in a record of reversed byte order is
/// stored swapped, like any other scalar there).
fn units_to_bytes(units: &[u32], order: ByteOrder) -> Vec<u8> {
    let mut out = vec![0; units.len() * WCHAR_SIZE];
    for (chunk, &unit) in out.chunks_exact_mut(WCHAR_SIZE).zip(units) {
        codec::store(u128::from(unit), chunk, order);
    }
    out
}

fn bytes_to_units(bytes: &[u8], order: ByteOrder) -> Vec<u32> {
    bytes
        .chunks_exact(WCHAR_SIZE)
        .map(|chunk| codec::load(chunk, order) as u32)
        .collect()
}
