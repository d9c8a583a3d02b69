//! The Rust types that have a C counterpart, and their runtime type objects.

use std::ffi::c_void;

use crate::arity::for_each_arity;
use crate::encode::CValue;
use crate::mem::{LongDouble, Value};
use crate::ty::{CType, Scalar, Signature};

/// A Rust type laid out exactly as a C type, with that C type's runtime type object.
///
/// Implemented for the integer and floating types (`long double` as [`LongDouble`]), `bool`, raw pointers to C types (and to
/// `c_void`), arrays, `extern "C"` function pointers, and the types `#[c_struct]`,
/// `#[c_union]` and `#[c_enum]` declare.
///
/// # Safety
/// The type's size, alignment and the meaning of its bytes must be those of [`CTyped::c_type`],
/// so that a value can be handed to C as that C type and back.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a C type",
    label = "not a C type",
    note = "C types are the integer and floating types, `bool`, raw pointers, arrays, `extern \"C\"` function pointers and types declared with `#[c_struct]`, `#[c_union]` or `#[c_enum]`"
)]
pub unsafe trait CTyped: Sized {
    /// The runtime type object. For a record, always the same object (records compare by
    /// identity).
    fn c_type() -> CType;

    /// The type object as far as it is known without defining it: for a record, its
    /// declaration, which is all a pointer to it needs (so that records may point to
    /// themselves). Others: the same as [`CTyped::c_type`].
    fn c_type_declared() -> CType {
        Self::c_type()
    }

    /// Whether Rust's `extern "C"` functions cannot pass a value of the type as C does, so
    /// that the macros call functions taking or returning one through the runtime
    /// (`Function`: the call engine, or libffi) instead of a function pointer: a `long double`
    /// (C passes it in the x87 registers), a complex value on targets where C passes complex
    /// types otherwise than a pair of its parts, or a record or array holding either at any
    /// depth (a record's impl says it when one of its fields does).
    #[doc(hidden)]
    const NEEDS_RUNTIME_CALL: bool = false;
}

/// What a pointer may point to: any [`CTyped`] type, and `c_void`.
#[diagnostic::on_unimplemented(
    message = "a pointer to `{Self}` is not a C pointer",
    label = "not a C type",
    note = "C pointers point to C types or to `c_void`"
)]
pub trait CPointee {
    /// The pointed-to type (possibly only declared).
    fn pointee_type() -> CType;
}

impl<T: CTyped> CPointee for T {
    fn pointee_type() -> CType {
        T::c_type_declared()
    }
}

impl CPointee for c_void {
    fn pointee_type() -> CType {
        CType::void()
    }
}

/// What a C function may return: any [`CTyped`] type, and `()` for `void`.
pub trait CReturn {
    /// The result type.
    fn return_type() -> CType;
}

impl<T: CTyped> CReturn for T {
    fn return_type() -> CType {
        T::c_type()
    }
}

impl CReturn for () {
    fn return_type() -> CType {
        CType::void()
    }
}

macro_rules! scalars {
    ($($t:ty => $s:ident),* $(,)?) => {
        $(
            // SAFETY: the scalar table takes this C type's size and alignment from this very
            // Rust type (see `Scalar::size_align`), and both hold plain numbers.
            unsafe impl CTyped for $t {
                fn c_type() -> CType {
                    CType::scalar(Scalar::$s)
                }
            }
        )*
    };
}

scalars! {
    i8 => Int8, u8 => UInt8, i16 => Int16, u16 => UInt16,
    i32 => Int32, u32 => UInt32, i64 => Int64, u64 => UInt64,
    isize => SSizeT, usize => SizeT, f32 => Float, f64 => Double,
}

// SAFETY: Rust's `bool` is one byte holding 0 or 1, as C's `_Bool` on every supported target;
// C code must not store other values into it (C says such a store is undefined too).
unsafe impl CTyped for bool {
    fn c_type() -> CType {
        CType::scalar(Scalar::Bool)
    }
}

// SAFETY: a raw pointer is an address of pointer size and alignment, as a C pointer.
unsafe impl<T: CPointee + ?Sized> CTyped for *mut T
where
    *mut T: Sized,
{
    fn c_type() -> CType {
        T::pointee_type().pointer()
    }
}

// SAFETY: as for `*mut T`.
unsafe impl<T: CPointee + ?Sized> CTyped for *const T
where
    *const T: Sized,
{
    fn c_type() -> CType {
        T::pointee_type().pointer()
    }
}

// SAFETY: Rust arrays lay out their elements contiguously with no padding, as C arrays.
unsafe impl<T: CTyped, const N: usize> CTyped for [T; N] {
    fn c_type() -> CType {
        T::c_type()
            .array(N)
            .expect("a Rust array type fits in memory, so its C counterpart does too")
    }

    const NEEDS_RUNTIME_CALL: bool = T::NEEDS_RUNTIME_CALL;
}

// SAFETY: `LongDouble` has the size and alignment of C's `long double` (asserted where it is
// defined) and holds its bytes in the target's format.
unsafe impl CTyped for LongDouble {
    fn c_type() -> CType {
        CType::scalar(Scalar::LongDouble)
    }

    const NEEDS_RUNTIME_CALL: bool = true;
}

macro_rules! function_pointers {
    ($($arg:ident),*) => {
        // SAFETY: an `extern "C"` function pointer is a code address of pointer size, called
        // with the C calling convention of its signature.
        unsafe impl<R: CReturn, $($arg: CTyped),*> CTyped for extern "C" fn($($arg),*) -> R {
            fn c_type() -> CType {
                CType::function_pointer(Signature::new(vec![$($arg::c_type()),*], R::return_type()))
            }
        }

        // SAFETY: as above; `unsafe` only says calling it has preconditions.
        unsafe impl<R: CReturn, $($arg: CTyped),*> CTyped for unsafe extern "C" fn($($arg),*) -> R {
            fn c_type() -> CType {
                CType::function_pointer(Signature::new(vec![$($arg::c_type()),*], R::return_type()))
            }
        }

        // SAFETY: as above, with `None` as NULL.
        unsafe impl<R: CReturn, $($arg: CTyped),*> CTyped for Option<unsafe extern "C" fn($($arg),*) -> R> {
            fn c_type() -> CType {
                CType::function_pointer(Signature::new(vec![$($arg::c_type()),*], R::return_type()))
            }
        }

        // SAFETY: `Option` of a function pointer has the same layout, with `None` as NULL.
        unsafe impl<R: CReturn, $($arg: CTyped),*> CTyped for Option<extern "C" fn($($arg),*) -> R> {
            fn c_type() -> CType {
                CType::function_pointer(Signature::new(vec![$($arg::c_type()),*], R::return_type()))
            }
        }
    };
}

for_each_arity!(function_pointers);

/// A [`CTyped`] value that crosses to and from a [`CValue`]: what typed callbacks (`c_func!`)
/// receive and return.
pub trait CConvert: CTyped {
    /// The Rust value of a C value of this type, or `None` if `value` is of another kind.
    fn from_c(value: &CValue) -> Option<Self>;
    /// The C value of this Rust value.
    fn into_c(self) -> CValue;
}

/// What a typed callback may return: a [`CConvert`] type, or `()` for `void`.
pub trait CResult: CReturn {
    /// The C value returned.
    fn into_c_result(self) -> CValue;
}

impl CResult for () {
    fn into_c_result(self) -> CValue {
        CValue::Void
    }
}

impl<T: CConvert> CResult for T {
    fn into_c_result(self) -> CValue {
        self.into_c()
    }
}

macro_rules! convert_integers {
    ($($t:ty => $variant:ident as $wide:ty),* $(,)?) => {
        $(impl CConvert for $t {
            fn from_c(value: &CValue) -> Option<Self> {
                match value {
                    CValue::Value(Value::Int(i)) => <$t>::try_from(*i).ok(),
                    CValue::Value(Value::UInt(u)) => <$t>::try_from(*u).ok(),
                    _ => None,
                }
            }
            fn into_c(self) -> CValue {
                CValue::Value(Value::$variant(self as $wide))
            }
        })*
    };
}

convert_integers! {
    i8 => Int as i64, i16 => Int as i64, i32 => Int as i64, i64 => Int as i64, isize => Int as i64,
    u8 => UInt as u64, u16 => UInt as u64, u32 => UInt as u64, u64 => UInt as u64, usize => UInt as u64,
}

impl CConvert for f32 {
    fn from_c(value: &CValue) -> Option<Self> {
        match value {
            CValue::Value(Value::Float(x)) => Some(*x),
            _ => None,
        }
    }
    fn into_c(self) -> CValue {
        CValue::Value(Value::Float(self))
    }
}

impl CConvert for f64 {
    fn from_c(value: &CValue) -> Option<Self> {
        match value {
            CValue::Value(Value::Double(x)) => Some(*x),
            _ => None,
        }
    }
    fn into_c(self) -> CValue {
        CValue::Value(Value::Double(self))
    }
}

impl CConvert for LongDouble {
    fn from_c(value: &CValue) -> Option<Self> {
        match value {
            CValue::Value(Value::LongDouble(x)) => Some(*x),
            _ => None,
        }
    }
    fn into_c(self) -> CValue {
        CValue::Value(Value::LongDouble(self))
    }
}

impl CConvert for bool {
    fn from_c(value: &CValue) -> Option<Self> {
        match value {
            CValue::Value(Value::Bool(b)) => Some(*b),
            _ => None,
        }
    }
    fn into_c(self) -> CValue {
        CValue::Value(Value::Bool(self))
    }
}

impl<T: CPointee> CConvert for *mut T {
    fn from_c(value: &CValue) -> Option<Self> {
        match value {
            CValue::Value(Value::Pointer(p)) => {
                Some(std::ptr::with_exposed_provenance_mut::<u8>(*p).cast())
            }
            _ => None,
        }
    }
    fn into_c(self) -> CValue {
        CValue::Value(Value::Pointer(self.cast::<u8>().expose_provenance()))
    }
}

impl<T: CPointee> CConvert for *const T {
    fn from_c(value: &CValue) -> Option<Self> {
        match value {
            CValue::Value(Value::Pointer(p)) => {
                Some(std::ptr::with_exposed_provenance::<u8>(*p).cast())
            }
            _ => None,
        }
    }
    fn into_c(self) -> CValue {
        CValue::Value(Value::Pointer(self.cast::<u8>().expose_provenance()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rust_types_map_to_their_c_types() {
        assert_eq!(i32::c_type().to_string(), "int32_t");
        assert_eq!(<*mut c_void>::c_type().to_string(), "void *");
        assert_eq!(<[[u8; 3]; 2]>::c_type().to_string(), "uint8_t [2][3]");
        assert_eq!(
            <Option<extern "C" fn(f64, *const i8) -> ()>>::c_type().to_string(),
            "void (*)(double, int8_t *)"
        );
        assert_eq!(
            <extern "C" fn() -> u16>::c_type().to_string(),
            "uint16_t (*)(void)"
        );
    }
}
