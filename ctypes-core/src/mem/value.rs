//! `Value`: a C scalar as Rust sees it.

use std::fmt;

use super::complex::{write_complex, Complex};
use crate::ty::{LongDoubleFormat, Scalar};

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
            Value::LongDouble(x) => write!(f, "{:?}", x.to_f64()),
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

/// A C `long double`, stored in the target's format (x87 80-bit extended on x86, IEEE binary128
/// on AArch64 Linux, `double` where the two are the same).
///
/// Rust has no such type; this keeps the bytes so no precision is lost between reading and
/// writing, and converts to and from `f64`.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct LongDouble {
    bytes: [u8; 16],
}

const EXP_BIAS: i32 = 16383;

impl LongDouble {
    /// The number of meaningful bytes on this target: the size of `long double`, at most 16.
    pub const SIZE: usize = if Scalar::LongDouble.size() < 16 {
        Scalar::LongDouble.size()
    } else {
        16
    };

    /// From the bytes of a `long double` in native byte order (the first [`LongDouble::SIZE`]
    /// are used; padding is kept as given).
    pub fn from_bytes(bytes: [u8; 16]) -> LongDouble {
        LongDouble { bytes }
    }

    /// The bytes, in native byte order.
    pub fn to_bytes(self) -> [u8; 16] {
        self.bytes
    }

    /// The nearest `long double` to `x`: exact, since every format here is at least as wide.
    pub fn from_f64(x: f64) -> LongDouble {
        let mut bytes = [0u8; 16];
        match Scalar::long_double_format() {
            LongDoubleFormat::Double => bytes[..8].copy_from_slice(&x.to_ne_bytes()),
            LongDoubleFormat::X87Extended => {
                let (sign, exp, mantissa) = x87_from_f64(x);
                bytes[..8].copy_from_slice(&mantissa.to_le_bytes());
                bytes[8..10].copy_from_slice(&((u16::from(sign) << 15) | exp).to_le_bytes());
            }
            LongDoubleFormat::Quad => {
                let bits = quad_from_f64(x);
                bytes = if cfg!(target_endian = "big") {
                    bits.to_be_bytes()
                } else {
                    bits.to_le_bytes()
                };
            }
        }
        LongDouble { bytes }
    }

    /// The value rounded to the nearest `f64`, ties to even, as C's `(double)` conversion does
    /// (subnormal results included: they are rounded once, at their own precision).
    pub fn to_f64(self) -> f64 {
        match Scalar::long_double_format() {
            LongDoubleFormat::Double => {
                f64::from_ne_bytes(self.bytes[..8].try_into().expect("8 bytes"))
            }
            LongDoubleFormat::X87Extended => {
                let mantissa = u64::from_le_bytes(self.bytes[..8].try_into().expect("8 bytes"));
                let top = u16::from_le_bytes([self.bytes[8], self.bytes[9]]);
                let negative = top >> 15 == 1;
                let sign = if negative { -1.0 } else { 1.0 };
                let exp = i32::from(top & 0x7fff);
                if exp == 0x7fff {
                    return if mantissa << 1 == 0 {
                        sign * f64::INFINITY
                    } else {
                        f64::NAN
                    };
                }
                // An exponent field of 0 is a denormal, scaled as if it were 1.
                let exp = exp.max(1) - EXP_BIAS - 63;
                round_to_f64(negative, u128::from(mantissa), exp)
            }
            LongDoubleFormat::Quad => {
                let bits = if cfg!(target_endian = "big") {
                    u128::from_be_bytes(self.bytes)
                } else {
                    u128::from_le_bytes(self.bytes)
                };
                let negative = bits >> 127 == 1;
                let sign = if negative { -1.0 } else { 1.0 };
                let exp = ((bits >> 112) & 0x7fff) as i32;
                let fraction = bits & ((1u128 << 112) - 1);
                if exp == 0x7fff {
                    return if fraction == 0 {
                        sign * f64::INFINITY
                    } else {
                        f64::NAN
                    };
                }
                let mantissa = if exp == 0 {
                    fraction
                } else {
                    fraction | (1u128 << 112)
                };
                round_to_f64(negative, mantissa, exp.max(1) - EXP_BIAS - 112)
            }
        }
    }
}

impl fmt::Debug for LongDouble {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "LongDouble({:?})", self.to_f64())
    }
}

/// `±mantissa × 2^exp` rounded once to the nearest `f64`, ties to even. Converting the mantissa
/// to `f64` first and scaling after would round twice when the result is subnormal.
fn round_to_f64(negative: bool, mantissa: u128, exp: i32) -> f64 {
    let sign = u64::from(negative) << 63;
    if mantissa == 0 {
        return f64::from_bits(sign);
    }
    // The exponent of the leading bit, and of the last bit an `f64` keeps there.
    let top = exp + (127 - mantissa.leading_zeros() as i32);
    if top > 1023 {
        return f64::from_bits(sign | f64::INFINITY.to_bits());
    }
    let last = if top >= -1022 { top - 52 } else { -1074 };
    let drop = last - exp;
    let kept: u128 = if drop <= 0 {
        mantissa << -drop
    } else if drop > 128 {
        0
    } else {
        let kept = if drop == 128 { 0 } else { mantissa >> drop };
        let rest = if drop == 128 {
            mantissa
        } else {
            mantissa & ((1u128 << drop) - 1)
        };
        let half = 1u128 << (drop - 1);
        if rest > half || (rest == half && kept & 1 == 1) {
            kept + 1
        } else {
            kept
        }
    };
    // `kept` has at most 54 bits; a carry into bit 53 (or, for a subnormal, into bit 52) moves
    // the value to the next binade, which the bit pattern below absorbs.
    let bits = if top >= -1022 {
        let (kept, top) = if kept >> 53 == 1 {
            (kept >> 1, top + 1)
        } else {
            (kept, top)
        };
        if top > 1023 {
            return f64::from_bits(sign | f64::INFINITY.to_bits());
        }
        (((top + 1023) as u64) << 52) | (kept as u64 & ((1u64 << 52) - 1))
    } else {
        // Subnormal: the bits are the count of 2^-1074, and 2^52 of them is the least normal.
        kept as u64
    };
    f64::from_bits(sign | bits)
}

/// `f64` fields: sign, biased exponent, fraction.
fn f64_parts(x: f64) -> (bool, i32, u64) {
    let bits = x.to_bits();
    (
        bits >> 63 == 1,
        ((bits >> 52) & 0x7ff) as i32,
        bits & ((1u64 << 52) - 1),
    )
}

/// The x87 extended encoding of `x`: sign, biased exponent, 64-bit mantissa with explicit
/// integer bit.
fn x87_from_f64(x: f64) -> (bool, u16, u64) {
    let (sign, exp, fraction) = f64_parts(x);
    match (exp, fraction) {
        (0, 0) => (sign, 0, 0),
        (0x7ff, 0) => (sign, 0x7fff, 1 << 63),
        (0x7ff, f) => (sign, 0x7fff, (3 << 62) | (f << 11)),
        (0, f) => {
            // An f64 subnormal is a normal number in the wider exponent range.
            let shift = f.leading_zeros();
            let exp = 63 - 1074 - shift as i32 + EXP_BIAS;
            (sign, exp as u16, f << shift)
        }
        (e, f) => (sign, (e - 1023 + EXP_BIAS) as u16, (1 << 63) | (f << 11)),
    }
}

/// The IEEE binary128 encoding of `x`.
fn quad_from_f64(x: f64) -> u128 {
    let (sign, exp, fraction) = f64_parts(x);
    let sign = u128::from(sign) << 127;
    let fraction = u128::from(fraction);
    let (exp, fraction) = match (exp, fraction) {
        (0, 0) => (0u128, 0u128),
        (0x7ff, f) => (0x7fff, f << 60),
        (0, f) => {
            // Normalise: the leading one becomes the implicit bit.
            let top = 127 - f.leading_zeros() as i32;
            let exp = top - 1074 + EXP_BIAS;
            (exp as u128, (f << (112 - top)) & ((1u128 << 112) - 1))
        }
        (e, f) => ((e - 1023 + EXP_BIAS) as u128, f << 60),
    };
    sign | (exp << 112) | fraction
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_double_round_trips_f64() {
        for x in [
            0.0,
            -0.0,
            1.0,
            -1.5,
            1e300,
            -1e-300,
            f64::MIN_POSITIVE,
            5e-324,
            f64::MAX,
            f64::INFINITY,
            f64::NEG_INFINITY,
            0.1,
        ] {
            let back = LongDouble::from_f64(x).to_f64();
            assert_eq!(back.to_bits(), x.to_bits(), "{x}");
        }
        assert!(LongDouble::from_f64(f64::NAN).to_f64().is_nan());
    }

    #[cfg(target_arch = "x86_64")]
    #[test]
    fn x87_encoding_of_one_and_minus_two() {
        // 1.0: exponent 16383, integer bit set; -2.0: exponent 16384, sign set.
        let one = LongDouble::from_f64(1.0).to_bytes();
        assert_eq!(&one[..10], &[0, 0, 0, 0, 0, 0, 0, 0x80, 0xff, 0x3f]);
        let minus_two = LongDouble::from_f64(-2.0).to_bytes();
        assert_eq!(&minus_two[..10], &[0, 0, 0, 0, 0, 0, 0, 0x80, 0x00, 0xc0]);
    }
}
