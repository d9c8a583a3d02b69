//! `CValue`: a C value as Rust holds it, on either side of a call.

use crate::mem::{CData, LongDouble, Value};

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
