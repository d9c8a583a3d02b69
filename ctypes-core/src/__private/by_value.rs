//! Records crossing typed callbacks by value.

use super::markers::{AnyBits, Field};
use crate::ctyped::CTyped;
use crate::CValue;

/// How a record whose every bit pattern is valid crosses a typed callback by value: what the
/// `CConvert` impl the macros generate for a record calls, through [`Field`], so that the impl
/// applies exactly to records that are [`AnyBits`].
#[diagnostic::on_unimplemented(
    message = "`{T}` cannot cross a typed callback by value",
    label = "a field of this record may hold bytes that are not a valid value",
    note = "a record passes a typed callback by value only if each of its fields is an integer, a float, a raw pointer, an `Option` of an `unsafe extern \"C\" fn` pointer, a `#[c_enum]` type, an array or a struct of such fields (not `bool`, not a `c_func!` type, not a union); pass a pointer to it instead"
)]
pub trait ByValue<T> {
    /// The record in `value`, if it is one of type `T`.
    fn from_c(value: &CValue) -> Option<T>;
    /// A new object holding `value`, its padding zero.
    fn into_c(value: &T) -> CValue;
}

impl<T: AnyBits + CTyped> ByValue<T> for Field<'_, T> {
    fn from_c(value: &CValue) -> Option<T> {
        let CValue::Data(data) = value else {
            return None;
        };
        if *data.ty() != T::c_type() {
            return None;
        }
        let bytes = data.to_bytes();
        if bytes.len() != size_of::<T>() {
            return None;
        }
        // SAFETY: `size_of::<T>()` readable bytes, read unaligned; any bytes are a valid `T`.
        Some(unsafe { bytes.as_ptr().cast::<T>().read_unaligned() })
    }

    fn into_c(value: &T) -> CValue {
        let mut bytes = vec![0u8; size_of::<T>()];
        // SAFETY: `value` is a live `T`; `bytes` has its size, initialised.
        unsafe { T::store(value, bytes.as_mut_ptr()) };
        match crate::CData::from_bytes(&T::c_type(), &bytes) {
            Ok(data) => CValue::Data(data),
            Err(e) => panic!(
                "ctypes macro: the record `{}` cannot be built: {e}",
                T::c_type()
            ),
        }
    }
}
