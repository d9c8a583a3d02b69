//! The runtime type objects of records declared in Rust.

use crate::ty::{CType, RecordBuilder, RecordKind, Scalar};

/// Declares a record for a macro-generated type.
/// Only [`define`] defines it.
pub fn declare(kind: RecordKind, tag: &str) -> CType {
    CType::declare_sealed(kind, tag)
}

/// Defines a macro-generated record. The compile-time layout check has already proved the
/// definition valid, so a failure here is a bug in the macros.
pub fn define(declared: &CType, builder: RecordBuilder) {
    if let Err(e) = builder.define_sealed(declared) {
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

/// Whether an integer type of range `min..=max` is the C scalar `scalar` (for a type named
/// like a C library type, `size_t` say).
#[must_use]
pub const fn alias_has_range(scalar: Scalar, min: i128, max: i128) -> bool {
    match scalar.int_range() {
        Some((lo, hi)) => lo == min && hi == max,
        None => false,
    }
}
