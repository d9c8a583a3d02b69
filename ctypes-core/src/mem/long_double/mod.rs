//! `LongDouble` (`c_longdouble`): C's `long double` as a Rust value, in the target's format.
//!
//! Rust has no such type; this one keeps the bytes, so no precision is lost between C and
//! Rust, converts exactly from `f64` and rounds (or refuses to round) back, compares and
//! prints the value it holds. Its size and alignment are C's, so it is also a field type of
//! `#[c_struct]` records and a parameter or result type of the macros' declarations (which
//! call such functions through the call engine: see `c_library!`).

mod decimal;

use std::fmt;

use crate::ty::{LongDoubleFormat, Scalar};

/// A C `long double`, stored in the target's format (x87 80-bit extended in 16 bytes on x86-64
/// System V, IEEE binary128 on AArch64 Linux, `double` where the two are the same), with C's
/// size and alignment. Also named [`c_longdouble`].
///
/// Every bit pattern is a value of this Rust type (on x86-64, every 10-byte pattern is some
/// x87 value, and bytes 10 to 15 are padding); equality is the floating-point one: `NaN` is
/// unequal to everything, `0.0 == -0.0`.
///
/// ```
/// use ctypes_core::c_longdouble;
///
/// let x = c_longdouble::from(0.1);
/// assert_eq!(x.to_f64(), 0.1);
/// assert_eq!(x.to_f64_exact(), Some(0.1));
/// # #[cfg(all(target_arch = "x86_64", unix))] {
/// // The long double nearest 0.1 is not 0.1 rounded to a double.
/// assert_eq!(x.to_string(), "0.100000000000000005551");
/// // 1 + 2^-63: a long double, but no double.
/// let mut bytes = c_longdouble::from(1.0).to_bytes();
/// bytes[0] = 1;
/// let next = c_longdouble::from_bytes(bytes);
/// assert_eq!(next.to_string(), "1.00000000000000000011");
/// assert_eq!(next.to_f64_exact(), None);
/// assert_eq!(next.to_f64(), 1.0);
/// # }
/// ```
///
/// In declarations, where C passes it in the x87 registers (the macros call such functions
/// through the call engine):
///
/// ```
/// use ctypes_core::{c_library, c_longdouble};
///
/// c_library! {
///     #[library("m", "libm.so.6")]
///     struct Libm {
///         fn sqrtl(x: c_longdouble) -> c_longdouble;
///     }
/// }
///
/// // SAFETY: libm's initialisers are the C library's; `sqrtl` is declared as in math.h.
/// let libm = unsafe { Libm::load() }?;
/// // SAFETY: `sqrtl` takes any value.
/// let root = unsafe { libm.sqrtl(c_longdouble::from(2.25)) };
/// assert_eq!(root.to_f64_exact(), Some(1.5));
/// # Ok::<(), ctypes_core::Error>(())
/// ```
#[derive(Clone, Copy)]
#[cfg_attr(
    any(
        all(target_arch = "x86_64", not(windows)),
        all(target_arch = "aarch64", not(windows), not(target_vendor = "apple")),
        target_arch = "riscv64",
        target_arch = "powerpc64",
        target_arch = "s390x",
        target_arch = "loongarch64"
    ),
    repr(C, align(16))
)]
#[cfg_attr(all(target_arch = "x86", not(windows)), repr(C, align(4)))]
#[cfg_attr(
    not(any(
        all(target_arch = "x86_64", not(windows)),
        all(target_arch = "aarch64", not(windows), not(target_vendor = "apple")),
        target_arch = "riscv64",
        target_arch = "powerpc64",
        target_arch = "s390x",
        target_arch = "loongarch64",
        all(target_arch = "x86", not(windows))
    )),
    repr(C, align(8))
)]
pub struct LongDouble {
    bytes: [u8; LongDouble::SIZE],
}

/// C's name of [`LongDouble`], beside `core::ffi::c_double`.
#[allow(non_camel_case_types)]
pub type c_longdouble = LongDouble;

// The Rust type has C's size and alignment on every target, or the build fails here.
const _: () = assert!(
    size_of::<LongDouble>() == Scalar::LongDouble.size()
        && align_of::<LongDouble>() == Scalar::LongDouble.align()
);

const EXP_BIAS: i32 = 16383;

/// What a `long double` holds: `±mantissa × 2^exp` when finite.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Parts {
    Nan {
        negative: bool,
    },
    Infinite {
        negative: bool,
    },
    Finite {
        negative: bool,
        mantissa: u128,
        exp: i32,
    },
}

impl LongDouble {
    /// The size of `long double` on this target, in bytes (16 on x86-64, of which the value
    /// uses the first 10).
    pub const SIZE: usize = Scalar::LongDouble.size();

    /// From the bytes of a `long double` in native byte order (the first [`LongDouble::SIZE`]
    /// are used; padding is kept as given).
    pub fn from_bytes(bytes: [u8; 16]) -> LongDouble {
        let mut kept = [0u8; LongDouble::SIZE];
        kept.copy_from_slice(&bytes[..LongDouble::SIZE]);
        LongDouble { bytes: kept }
    }

    /// The bytes, in native byte order; past [`LongDouble::SIZE`], zero.
    pub fn to_bytes(self) -> [u8; 16] {
        let mut bytes = [0u8; 16];
        bytes[..LongDouble::SIZE].copy_from_slice(&self.bytes);
        bytes
    }

    /// The `long double` equal to `x`: exact, since every format here is at least as wide
    /// (a NaN stays a NaN of the same sign).
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
        LongDouble::from_bytes(bytes)
    }

    /// The value rounded to the nearest `f64`, ties to even, as C's `(double)` conversion does
    /// (subnormal results included: they are rounded once, at their own precision; too large
    /// a value becomes an infinity).
    pub fn to_f64(self) -> f64 {
        match self.parts() {
            Parts::Nan { negative } => {
                if negative {
                    -f64::NAN
                } else {
                    f64::NAN
                }
            }
            Parts::Infinite { negative } => {
                if negative {
                    f64::NEG_INFINITY
                } else {
                    f64::INFINITY
                }
            }
            Parts::Finite {
                negative,
                mantissa,
                exp,
            } => round_to_f64(negative, mantissa, exp),
        }
    }

    /// The value as an `f64` if that is exact: `None` when converting would round (more
    /// precision than an `f64` has, or out of its range). A NaN gives a NaN.
    pub fn to_f64_exact(self) -> Option<f64> {
        let x = self.to_f64();
        if x.is_nan() || LongDouble::from_f64(x) == self {
            Some(x)
        } else {
            None
        }
    }

    /// Whether the value is a NaN (x87 encodings that are no number, such as unnormals,
    /// count as NaN: the FPU refuses them as operands).
    pub fn is_nan(self) -> bool {
        matches!(self.parts(), Parts::Nan { .. })
    }

    /// The value, taken apart.
    fn parts(self) -> Parts {
        match Scalar::long_double_format() {
            LongDoubleFormat::Double => {
                let x = f64::from_ne_bytes(self.bytes[..8].try_into().expect("8 bytes"));
                let (negative, exp, fraction) = f64_parts(x);
                match exp {
                    0x7ff if fraction == 0 => Parts::Infinite { negative },
                    0x7ff => Parts::Nan { negative },
                    0 => Parts::Finite {
                        negative,
                        mantissa: u128::from(fraction),
                        exp: -1074,
                    },
                    e => Parts::Finite {
                        negative,
                        mantissa: u128::from(fraction | (1 << 52)),
                        exp: e - 1075,
                    },
                }
            }
            LongDoubleFormat::X87Extended => {
                let mantissa = u64::from_le_bytes(self.bytes[..8].try_into().expect("8 bytes"));
                let top = u16::from_le_bytes([self.bytes[8], self.bytes[9]]);
                let negative = top >> 15 == 1;
                let exp = i32::from(top & 0x7fff);
                let integer_bit = mantissa >> 63 == 1;
                match exp {
                    0x7fff if mantissa == 1 << 63 => Parts::Infinite { negative },
                    // Other patterns of that exponent, and unnormals (a nonzero exponent
                    // without the integer bit), are no numbers.
                    0x7fff => Parts::Nan { negative },
                    e if e != 0 && !integer_bit => Parts::Nan { negative },
                    // An exponent field of 0 is a denormal, scaled as if it were 1.
                    e => Parts::Finite {
                        negative,
                        mantissa: u128::from(mantissa),
                        exp: e.max(1) - EXP_BIAS - 63,
                    },
                }
            }
            LongDoubleFormat::Quad => {
                let bits = if cfg!(target_endian = "big") {
                    u128::from_be_bytes(self.to_bytes())
                } else {
                    u128::from_le_bytes(self.to_bytes())
                };
                let negative = bits >> 127 == 1;
                let exp = ((bits >> 112) & 0x7fff) as i32;
                let fraction = bits & ((1u128 << 112) - 1);
                match exp {
                    0x7fff if fraction == 0 => Parts::Infinite { negative },
                    0x7fff => Parts::Nan { negative },
                    0 => Parts::Finite {
                        negative,
                        mantissa: fraction,
                        exp: 1 - EXP_BIAS - 112,
                    },
                    e => Parts::Finite {
                        negative,
                        mantissa: fraction | (1u128 << 112),
                        exp: e - EXP_BIAS - 112,
                    },
                }
            }
        }
    }

    /// The value as `(negative, mantissa, exp)` with the mantissa's leading bit at bit 127
    /// (zero as `(_, 0, 0)`), for comparing; `None` for a NaN.
    fn normalised(self) -> Option<(bool, u128, i32)> {
        match self.parts() {
            Parts::Nan { .. } => None,
            Parts::Infinite { negative } => Some((negative, u128::MAX, i32::MAX)),
            Parts::Finite { mantissa: 0, .. } => Some((false, 0, 0)),
            Parts::Finite {
                negative,
                mantissa,
                exp,
            } => {
                let shift = mantissa.leading_zeros();
                Some((negative, mantissa << shift, exp - shift as i32))
            }
        }
    }
}

impl From<f64> for LongDouble {
    fn from(x: f64) -> LongDouble {
        LongDouble::from_f64(x)
    }
}

impl From<f32> for LongDouble {
    fn from(x: f32) -> LongDouble {
        LongDouble::from_f64(f64::from(x))
    }
}

impl Default for LongDouble {
    /// Zero.
    fn default() -> LongDouble {
        LongDouble::from_f64(0.0)
    }
}

/// Floating-point equality: by value, whatever the padding bytes hold; NaN equals nothing.
impl PartialEq for LongDouble {
    fn eq(&self, other: &LongDouble) -> bool {
        match (self.normalised(), other.normalised()) {
            (Some(a), Some(b)) => a == b,
            _ => false,
        }
    }
}

/// Floating-point order: NaN is unordered, `-0.0 == 0.0`.
impl PartialOrd for LongDouble {
    fn partial_cmp(&self, other: &LongDouble) -> Option<std::cmp::Ordering> {
        let (a, b) = (self.normalised()?, other.normalised()?);
        let sign = |(negative, mantissa, _): (bool, u128, i32)| match (mantissa, negative) {
            (0, _) => 0,
            (_, true) => -1,
            (_, false) => 1,
        };
        let magnitude = |(_, mantissa, exp): (bool, u128, i32)| (mantissa != 0, exp, mantissa);
        Some(sign(a).cmp(&sign(b)).then_with(|| {
            let by_magnitude = magnitude(a).cmp(&magnitude(b));
            if sign(a) < 0 {
                by_magnitude.reverse()
            } else {
                by_magnitude
            }
        }))
    }
}

/// The value as C's `printf("%.21Lg")` writes it: 21 significant digits (enough to tell any
/// two x87 values apart), trailing zeros removed; `inf`, `nan`.
impl fmt::Display for LongDouble {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = |negative: bool| if negative { "-" } else { "" };
        match self.parts() {
            Parts::Nan { negative } => write!(f, "{}nan", sign(negative)),
            Parts::Infinite { negative } => write!(f, "{}inf", sign(negative)),
            Parts::Finite {
                negative,
                mantissa,
                exp,
            } => write!(
                f,
                "{}{}",
                sign(negative),
                decimal::general(mantissa, exp, 21)
            ),
        }
    }
}

impl fmt::Debug for LongDouble {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "LongDouble({self})")
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

    #[test]
    fn order_is_the_order_of_the_values() {
        let values = [
            f64::NEG_INFINITY,
            -1e300,
            -1.5,
            -5e-324,
            -0.0,
            0.0,
            5e-324,
            f64::MIN_POSITIVE,
            0.1,
            1.0,
            1e300,
            f64::INFINITY,
        ];
        for a in values {
            for b in values {
                let (x, y) = (LongDouble::from_f64(a), LongDouble::from_f64(b));
                assert_eq!(x.partial_cmp(&y), a.partial_cmp(&b), "{a} vs {b}");
            }
            let nan = LongDouble::from_f64(f64::NAN);
            assert_eq!(LongDouble::from_f64(a).partial_cmp(&nan), None);
        }
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
