//! Loading a library declared with `c_library!`: what the generated `load()` calls. Not public
//! API (reached through `__private`).

use std::ffi::c_void;
use std::ptr::NonNull;

use super::{candidates, Library, OpenFlags};
use crate::error::{Error, Result};

/// Opens the first of `names` that loads; the error lists every name tried.
///
/// # Safety
/// As for [`Library::open`].
pub unsafe fn open_first(names: &[&str]) -> Result<Library> {
    let files = names.iter().flat_map(|name| candidates(name));
    // SAFETY: forwarded to the caller.
    unsafe {
        Library::open_any(
            &names.join(" | "),
            files,
            OpenFlags::default(),
            "no library name given",
        )
    }
}

/// Resolves a required symbol, noting it in `missing` when absent.
pub fn resolve(
    library: &Library,
    name: &'static str,
    missing: &mut Vec<&'static str>,
) -> Option<NonNull<c_void>> {
    let found = library.symbol(name).ok();
    if found.is_none() {
        missing.push(name);
    }
    found
}

/// Resolves an optional symbol.
pub fn resolve_optional(library: &Library, name: &str) -> Option<NonNull<c_void>> {
    library.symbol(name).ok()
}

/// The error for the symbols a declaration needs and the library lacks.
pub fn missing_symbols(library: &Library, missing: Vec<&'static str>) -> Error {
    Error::MissingSymbols {
        library: library.name().to_owned(),
        symbols: missing.into_iter().map(str::to_owned).collect(),
    }
}
