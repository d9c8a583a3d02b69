//! What the macros' output calls. Not public API: it may change in any release.

pub use core::mem::{align_of, offset_of, size_of};
pub use std::sync::{Once, OnceLock};

pub use crate::layout::{
    lay_out_array, ByteOrder, ConstLayout, FieldShape, LayoutRules, RecordShape,
};
pub use crate::ty::{CType, RecordBuilder, RecordKind, Scalar, Signature};

use std::ffi::c_void;
use std::ptr::NonNull;

use crate::error::{Error, Result};
use crate::library::Library;
pub use crate::typed::{CConvert, CPointee, CResult, CReturn, CTyped};
pub use crate::{CValue, Callback, TypedCallback};

/// A typed callback whose closure panicked on the no-trampoline path: nothing can be returned
/// to C in its place, so the process ends.
pub fn abort_on_panic(name: &str) -> ! {
    use std::io::Write;
    let _ = writeln!(
        std::io::stderr(),
        "ctypes: a `{name}` callback panicked; aborting, since a panic must not unwind into C"
    );
    std::process::abort()
}

/// The argument a typed callback received, converted; a mismatch is a bug in the macros.
pub fn argument<T: CConvert>(args: &[CValue], index: usize) -> T {
    match args.get(index).and_then(T::from_c) {
        Some(value) => value,
        None => panic!("ctypes macro: callback argument {index} has the wrong kind"),
    }
}

/// Opens the first of `names` that loads; the error lists every name tried.
///
/// # Safety
/// As for [`Library::open`].
pub unsafe fn open_first(names: &[&str]) -> Result<Library> {
    let mut tried = Vec::new();
    let mut message = String::from("no library name given");
    for name in names {
        // SAFETY: forwarded to the caller.
        match unsafe { Library::open(name) } {
            Ok(library) => return Ok(library),
            Err(Error::Load {
                tried: t,
                message: m,
                ..
            }) => {
                tried.extend(t);
                message = m;
            }
            Err(other) => return Err(other),
        }
    }
    Err(Error::Load {
        name: names.join(" | "),
        tried,
        message,
    })
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

/// Declares a record for a macro-generated type.
pub fn declare(kind: RecordKind, tag: &str) -> CType {
    match kind {
        RecordKind::Struct => CType::declare_struct(tag),
        RecordKind::Union => CType::declare_union(tag),
    }
}

/// Defines a macro-generated record. The compile-time layout check has already proved the
/// definition valid, so a failure here is a bug in the macros.
pub fn define(declared: &CType, builder: RecordBuilder) {
    if let Err(e) = builder.define(declared) {
        panic!("ctypes macro: the runtime definition of `{declared}` failed: {e}");
    }
}

/// A scalar's type object.
pub fn scalar(s: Scalar) -> CType {
    CType::scalar(s)
}

/// An array type object for a Rust array, which always fits.
pub fn array(element: CType, len: usize) -> CType {
    element
        .array(len)
        .expect("a Rust array type fits in memory, so its C counterpart does too")
}
