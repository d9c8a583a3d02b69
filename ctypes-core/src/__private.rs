//! What the macros' output calls. Not public API: it may change in any release.

pub use core::mem::{align_of, offset_of, size_of};
pub use std::sync::{Once, OnceLock};

pub use crate::layout::{
    lay_out_array, ByteOrder, ConstLayout, FieldShape, LayoutRules, RecordShape,
};
pub use crate::ty::{CType, RecordBuilder, RecordKind, Scalar};
pub use crate::typed::{CPointee, CReturn, CTyped};

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
