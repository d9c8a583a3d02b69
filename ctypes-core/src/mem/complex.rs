//! `Complex`: the value of a C complex type, a real part and an imaginary part.

use std::fmt;

/// A complex number as C lays it out: the real part, then the imaginary part, each of the
/// complex type's real type (C11 6.2.5p13: "the same representation and alignment
/// requirements as an array type containing exactly two elements of the corresponding real
/// type").
///
/// [`Value::FloatComplex`](crate::Value::FloatComplex) holds a `Complex<f32>`,
/// [`Value::DoubleComplex`](crate::Value::DoubleComplex) a `Complex<f64>`,
/// [`Value::LongDoubleComplex`](crate::Value::LongDoubleComplex) a `Complex<LongDouble>`, so
/// reading and writing a complex object loses nothing. `Complex<f32>` and `Complex<f64>` have the layout of `float _Complex`
/// and `double _Complex` (`#[repr(C)]`).
///
/// ```
/// use ctypes_core::{CData, CType, Complex, Scalar, Value};
///
/// let z = CData::new(&CType::scalar(Scalar::DoubleComplex))?;
/// z.set_value(Complex::new(1.5, -2.0))?;
/// assert_eq!(z.value()?, Value::DoubleComplex(Complex { re: 1.5, im: -2.0 }));
/// assert_eq!(z.value()?.to_string(), "1.5 - 2.0*I");
/// // A real value is a complex one with imaginary part zero, as in C.
/// z.set_value(3.0)?;
/// assert_eq!(z.value()?.as_complex(), Some(Complex::new(3.0, 0.0)));
/// # Ok::<(), ctypes_core::Error>(())
/// ```
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Complex<T> {
    /// The real part (`creal`).
    pub re: T,
    /// The imaginary part (`cimag`).
    pub im: T,
}

impl<T> Complex<T> {
    /// `re + im*I`.
    pub const fn new(re: T, im: T) -> Complex<T> {
        Complex { re, im }
    }
}

impl Complex<f32> {
    /// The complex conjugate (`conjf`).
    pub fn conj(self) -> Complex<f32> {
        Complex::new(self.re, -self.im)
    }
}

impl Complex<f64> {
    /// The complex conjugate (`conj`).
    pub fn conj(self) -> Complex<f64> {
        Complex::new(self.re, -self.im)
    }
}

impl From<Complex<f32>> for Complex<f64> {
    fn from(z: Complex<f32>) -> Complex<f64> {
        Complex::new(f64::from(z.re), f64::from(z.im))
    }
}

/// `re + im*I` as C would write it, the sign of the imaginary part in front of it.
pub(super) fn write_complex(f: &mut fmt::Formatter<'_>, re: f64, im: f64) -> fmt::Result {
    if im.is_sign_negative() && !im.is_nan() {
        write!(f, "{re:?} - {:?}*I", -im)
    } else {
        write!(f, "{re:?} + {im:?}*I")
    }
}
