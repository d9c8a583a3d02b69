//! sqlite's own text routines: whether SQL ends a statement, and its number formatting.

use std::ffi::{c_char, CStr};

use crate::error::Result;
use crate::ffi;

/// Whether `sql` ends with a complete statement (`sqlite3_complete`): a `;` outside strings,
/// identifiers, comments and trigger bodies.
pub fn is_complete(sql: &CStr) -> Result<bool> {
    let api = ffi::api()?;
    // SAFETY: a NUL-terminated string, read during the call only.
    Ok(unsafe { api.sqlite3_complete(sql.as_ptr()) } != 0)
}

/// `value` formatted by sqlite's printf with `format`, which must take exactly one `double`
/// (such as `c"%!.20g"`); the result is cut at 99 bytes.
pub fn format_real(format: &CStr, value: f64) -> Result<String> {
    let api = ffi::api()?;
    let mut buffer = [0u8; 100];
    let snprintf = api.sqlite3_snprintf();
    // SAFETY: the buffer holds 100 bytes and sqlite3_snprintf writes at most that many,
    // NUL included; the caller's format takes one double, which is what is passed.
    unsafe {
        snprintf(
            buffer.len() as _,
            buffer.as_mut_ptr().cast::<c_char>(),
            format.as_ptr(),
            value,
        )
    };
    let text = CStr::from_bytes_until_nul(&buffer).unwrap_or_default();
    Ok(text.to_string_lossy().into_owned())
}

/// Whether `word` is an SQL keyword of the loaded sqlite (so a name spelled like it must be
/// quoted); `false` when the library cannot say (before 3.24).
pub fn is_keyword(word: &str) -> bool {
    let Ok(api) = ffi::api() else { return false };
    let Ok(len) = std::ffi::c_int::try_from(word.len()) else {
        return false;
    };
    // SAFETY: reads `len` bytes of `word`, which holds that many.
    unsafe { api.sqlite3_keyword_check(word.as_ptr().cast(), len) }.is_some_and(|k| k != 0)
}
