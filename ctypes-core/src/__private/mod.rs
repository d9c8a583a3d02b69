//! What the macros' output calls. Not public API: it may change in any release.
//!
//! One module per concept; this one only re-exports:
//! - `records`: the runtime type objects of records declared in Rust;
//! - `markers`, `bytes`: what a type promises about its bit patterns, and the plain fields
//!   of records kept as bytes;
//! - `bit_fields`, `byte_order`, `padding`: bit-field types, fields in non-native byte
//!   order, alignment and padding types (the placement itself is the layout engine's);
//! - `callbacks`, `by_value`: typed callbacks and records crossing them by value;
//! - `engine_calls`: declared functions of `long double` values, called through the engine;
//! - loading a declared library (the library module's `declared` helpers).

mod bit_fields;
mod by_value;
mod byte_order;
mod bytes;
mod callbacks;
mod engine_calls;
mod markers;
mod padding;
mod records;

pub use core::mem::{align_of, offset_of, size_of};
pub use std::sync::{Once, OnceLock};

pub use bit_fields::BitField;
pub use by_value::ByValue;
pub use byte_order::{in_order, Swap};
pub use bytes::{read_field, write_field, Zeroable};
pub use callbacks::{abort_on_panic, argument, callback_from_fn, typed_callback};
pub use engine_calls::{
    call_engine, function_at, ConvertArg, ConvertResult, NoConvertArg, NoConvertResult, Slot,
};
pub use markers::{zero_valid, zeroed, AnyBits, AnyBitsField, Field, ZeroValid};
pub use padding::{AlignAs, Alignment, FloatWords, Words};
pub use records::{alias_has_range, array, declare, define, scalar};

pub use crate::ctyped::{CConvert, CPointee, CResult, CReturn, CTyped};
pub use crate::layout::bits::{bits_get, bits_set};
pub use crate::layout::placement::{place, Element, Padding, Place, Placement};
pub use crate::layout::{
    lay_out_array, ByteOrder, ConstLayout, FieldShape, LayoutRules, RecordShape,
};
pub use crate::library::{missing_symbols, open_first, resolve, resolve_optional};
pub use crate::ty::{CType, RecordBuilder, RecordKind, Scalar, Signature};
pub use crate::{CValue, Callback, Function, TypedCallback, Value};

/// The System V x86-64 classification and placement, for the tests that check them against
/// the C compiler.
#[cfg(all(target_arch = "x86_64", unix))]
pub mod abi {
    pub use crate::abi::*;
}
