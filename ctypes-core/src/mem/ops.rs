//! `memmove` and `memset` between memory objects.

use super::data::CData;
use crate::error::Result;

/// Copies `len` bytes from the start of `src` to the start of `dst`; the objects may overlap
/// (views of one object). Both ranges must lie inside their objects.
///
/// ```
/// use ctypes_core::{memmove, CData};
///
/// let a = CData::string_buffer(b"abcdef")?;
/// let b = CData::string_buffer(b"xyz")?;
/// memmove(&a, &b, 3)?;
/// assert_eq!(a.string_value()?, b"xyzdef");
/// # Ok::<(), ctypes_core::Error>(())
/// ```
pub fn memmove(dst: &CData, src: &CData, len: usize) -> Result<()> {
    dst.check_range("memmove destination", 0, len)?;
    src.check_range("memmove source", 0, len)?;
    dst.storage()
        .copy_from(dst.offset(), src.storage(), src.offset(), len)
}

/// Sets the first `len` bytes of `dst` to `byte`.
pub fn memset(dst: &CData, byte: u8, len: usize) -> Result<()> {
    dst.check_range("memset", 0, len)?;
    dst.storage().fill(dst.offset(), byte, len)
}
