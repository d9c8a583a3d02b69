//! `Value`: a C scalar as Rust sees it.

use std::fmt;

use super::complex::{write_complex, Complex};
use super::long_double::LongDouble;

/// The value of a C scalar or pointer.
///
/// Reading a signed integer type gives [`Value::Int`], an unsigned one [`Value::UInt`]; writing
/// accepts either as long as the number fits the C type (see [`CData::set_value`]).
///
/// [`CData::set_value`]: crate::CData::set_value
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub enum Value {
    /// `_Bool`.
    Bool(bool),
    /// A signed integer (any signed C integer type).
    Int(i64),
    /// An unsigned integer (any unsigned C integer type).
    UInt(u64),
    /// `float`.
    Float(f32),
    /// `double`.
    Double(f64),
    /// `long double`, in the target's format.
    LongDouble(LongDouble),
    /// A pointer, as an address; 0 is `NULL`.
    Pointer(usize),
    /// `float _Complex`.
    FloatComplex(Complex<f32>),
    /// `double _Complex`.
    DoubleComplex(Complex<f64>),
    /// `long double _Complex`, each part in the target's `long double` format.
    LongDoubleComplex(Complex<LongDouble>),
}

impl Value {
    /// The value as an `i64`, if it is an integer or `_Bool` that fits.
    pub fn as_i64(&self) -> Option<i64> {
        match *self {
            Value::Bool(b) => Some(i64::from(b)),
            Value::Int(i) => Some(i),
            Value::UInt(u) => i64::try_from(u).ok(),
            _ => None,
        }
    }

    /// The value as a `u64`, if it is an integer or `_Bool` that fits.
    pub fn as_u64(&self) -> Option<u64> {
        match *self {
            Value::Bool(b) => Some(u64::from(b)),
            Value::Int(i) => u64::try_from(i).ok(),
            Value::UInt(u) => Some(u),
            _ => None,
        }
    }

    /// The value as a complex `f64` pair, if it is a complex value (each part of a
    /// `long double _Complex` rounded to the nearest `f64`) or a real floating one (imaginary
    /// part zero).
    pub fn as_complex(&self) -> Option<Complex<f64>> {
        match *self {
            Value::FloatComplex(z) => Some(z.into()),
            Value::DoubleComplex(z) => Some(z),
            Value::LongDoubleComplex(z) => Some(Complex::new(z.re.to_f64(), z.im.to_f64())),
            _ => self.as_f64().map(|re| Complex::new(re, 0.0)),
        }
    }

    /// The value as an `f64`, if it is a real floating value (a complex one has no single
    /// `f64`: see [`Value::as_complex`]).
    pub fn as_f64(&self) -> Option<f64> {
        match *self {
            Value::Float(f) => Some(f64::from(f)),
            Value::Double(d) => Some(d),
            Value::LongDouble(l) => Some(l.to_f64()),
            _ => None,
        }
    }

    /// The integer as an `i128`, for range checks; `_Bool` counts as 0 or 1.
    pub(crate) fn as_i128(&self) -> Option<i128> {
        match *self {
            Value::Bool(b) => Some(i128::from(b)),
            Value::Int(i) => Some(i128::from(i)),
            Value::UInt(u) => Some(i128::from(u)),
            _ => None,
        }
    }
}

impl Value {
    /// What kind of value this is, in words: `the integer`, `the double`, …, for messages.
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Value::Bool(_) => "the _Bool",
            Value::Int(_) => "the integer",
            Value::UInt(_) => "the unsigned integer",
            Value::Float(_) => "the float",
            Value::Double(_) => "the double",
            Value::LongDouble(_) => "the long double",
            Value::Pointer(_) => "the pointer",
            Value::FloatComplex(_) => "the float _Complex",
            Value::DoubleComplex(_) => "the double _Complex",
            Value::LongDoubleComplex(_) => "the long double _Complex",
        }
    }
}

/// The value as C would write it: `-3`, `1.5`, `NULL`, `0x1000`, `1.5 - 2.0*I`.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int(i) => write!(f, "{i}"),
            Value::UInt(u) => write!(f, "{u}"),
            Value::Float(x) => write!(f, "{x:?}"),
            Value::Double(x) => write!(f, "{x:?}"),
            Value::LongDouble(x) => write!(f, "{x}"),
            Value::Pointer(0) => f.write_str("NULL"),
            Value::Pointer(p) => write!(f, "{p:#x}"),
            Value::FloatComplex(z) => write_complex(f, f64::from(z.re), f64::from(z.im)),
            Value::DoubleComplex(z) => write_complex(f, z.re, z.im),
            Value::LongDoubleComplex(z) => write_complex(f, z.re.to_f64(), z.im.to_f64()),
        }
    }
}

macro_rules! value_from {
    ($($t:ty => $variant:ident as $as:ty),* $(,)?) => {
        $(impl From<$t> for Value {
            fn from(v: $t) -> Value {
                Value::$variant(<$as>::from(v))
            }
        })*
    };
}

value_from! {
    bool => Bool as bool,
    i8 => Int as i64, i16 => Int as i64, i32 => Int as i64, i64 => Int as i64,
    u8 => UInt as u64, u16 => UInt as u64, u32 => UInt as u64, u64 => UInt as u64,
    f32 => Float as f32, f64 => Double as f64,
    LongDouble => LongDouble as LongDouble,
}

impl From<isize> for Value {
    fn from(v: isize) -> Value {
        Value::Int(v as i64)
    }
}

impl From<usize> for Value {
    fn from(v: usize) -> Value {
        Value::UInt(v as u64)
    }
}

impl From<Complex<f32>> for Value {
    fn from(z: Complex<f32>) -> Value {
        Value::FloatComplex(z)
    }
}

impl From<Complex<f64>> for Value {
    fn from(z: Complex<f64>) -> Value {
        Value::DoubleComplex(z)
    }
}

impl From<Complex<LongDouble>> for Value {
    fn from(z: Complex<LongDouble>) -> Value {
        Value::LongDoubleComplex(z)
    }
}
