//! C strings in memory objects: `char` and `wchar_t` arrays, and strings at raw addresses.

use std::ffi::{c_char, c_void, CStr};

use super::codec;
use super::data::CData;
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

/// The bytes of the NUL-terminated string at `address`, or of the `len` bytes there.
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
/// there.
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
