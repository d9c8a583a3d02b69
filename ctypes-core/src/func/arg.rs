//! What a call takes and gives back.

use std::ffi::CStr;

use crate::callback::Callback;
use crate::mem::{CData, LongDouble, Value};
use crate::ty::CType;

/// One argument of a call.
///
/// Most Rust values convert with `.into()`: integers, floats and `bool` become [`Value`]s, `&str`
/// and `&[u8]` become C strings (copied, with a NUL, for the duration of the call), `&CStr` is
/// passed as it is, and `&CData` passes an object: by value for a struct or union parameter, by
/// address for a pointer parameter (an array decays to its first element, an object of the
/// pointed-to type is passed as `&obj`), its value for a scalar or pointer object. Bytes that
/// are not a string go as [`Arg::Buffer`].
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Arg<'a> {
    /// A scalar or pointer value.
    Value(Value),
    /// A memory object.
    Data(&'a CData),
    /// A Rust string passed as a NUL-terminated `char *`.
    Str(&'a str),
    /// Bytes passed as a NUL-terminated `char *`.
    Bytes(&'a [u8]),
    /// A C string passed as it is.
    CStr(&'a CStr),
    /// Bytes that are not a string (a digest's input, an image), passed as the address of
    /// their first byte, as they are: no NUL is added and NUL bytes are allowed, so C must be
    /// given their length by another argument. For a `char *`, `unsigned char *`, `void *` (or
    /// other byte pointer) parameter that C only reads; use a [`CData`] for a buffer C writes.
    Buffer(&'a [u8]),
    /// A variadic argument with its C type spelled out (`long` rather than `int`, say).
    Typed(CType, Value),
    /// A callback, for a function-pointer (or `void *`) parameter of its signature; it lives
    /// at least until the call returns.
    Callback(&'a Callback),
}

impl<'a> Arg<'a> {
    /// `NULL`.
    pub const NULL: Arg<'static> = Arg::Value(Value::Pointer(0));

    /// What was given, for error messages.
    pub(crate) fn describe(&self) -> String {
        match self {
            Arg::Value(v) => format!("{} {v}", v.kind()),
            Arg::Data(d) => format!("an object of type `{}`", d.ty()),
            Arg::Str(_) | Arg::Bytes(_) | Arg::CStr(_) => "a string".to_owned(),
            Arg::Buffer(b) => format!("a buffer of {} bytes", b.len()),
            Arg::Typed(ty, v) => format!("{v} as `{ty}`"),
            Arg::Callback(cb) => format!("a callback of type `{}`", cb.function_pointer_type()),
        }
    }
}

impl<T: Into<Value>> From<T> for Arg<'_> {
    fn from(v: T) -> Self {
        Arg::Value(v.into())
    }
}

impl<'a> From<&'a CData> for Arg<'a> {
    fn from(d: &'a CData) -> Self {
        Arg::Data(d)
    }
}

impl<'a> From<&'a Callback> for Arg<'a> {
    fn from(cb: &'a Callback) -> Self {
        Arg::Callback(cb)
    }
}

impl<'a> From<&'a str> for Arg<'a> {
    fn from(s: &'a str) -> Self {
        Arg::Str(s)
    }
}

impl<'a> From<&'a [u8]> for Arg<'a> {
    fn from(s: &'a [u8]) -> Self {
        Arg::Bytes(s)
    }
}

impl<'a> From<&'a CStr> for Arg<'a> {
    fn from(s: &'a CStr) -> Self {
        Arg::CStr(s)
    }
}

/// A C value as Rust holds it: what a call returns, and what a callback receives and returns.
#[derive(Clone, Debug, Default)]
pub enum CValue {
    /// Nothing: `void`.
    #[default]
    Void,
    /// A scalar or pointer.
    Value(Value),
    /// A struct or union, in a new object.
    Data(CData),
}

impl CValue {
    /// The scalar or pointer.
    pub fn value(&self) -> Option<Value> {
        match self {
            CValue::Value(v) => Some(*v),
            _ => None,
        }
    }

    /// The result as an `i64`, if it is an integer that fits.
    pub fn as_i64(&self) -> Option<i64> {
        self.value()?.as_i64()
    }

    /// The result as a `u64`, if it is an integer that fits.
    pub fn as_u64(&self) -> Option<u64> {
        self.value()?.as_u64()
    }

    /// The result as an `f64`, if it is a floating value.
    pub fn as_f64(&self) -> Option<f64> {
        self.value()?.as_f64()
    }

    /// The result as a complex `f64` pair, if it is a complex or real floating value (see
    /// [`Value::as_complex`]).
    pub fn as_complex(&self) -> Option<crate::mem::Complex<f64>> {
        self.value()?.as_complex()
    }

    /// The address, if the result is a pointer.
    pub fn as_pointer(&self) -> Option<usize> {
        match self.value()? {
            Value::Pointer(p) => Some(p),
            _ => None,
        }
    }

    /// The struct or union result.
    pub fn into_data(self) -> Option<CData> {
        match self {
            CValue::Data(d) => Some(d),
            _ => None,
        }
    }

    /// A `long double` result.
    pub fn as_long_double(&self) -> Option<LongDouble> {
        match self.value()? {
            Value::LongDouble(l) => Some(l),
            _ => None,
        }
    }
}
