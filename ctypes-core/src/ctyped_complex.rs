//! The Rust types of C's complex types in typed declarations: [`Complex<f32>`] is `float
//! _Complex`, [`Complex<f64>`] is `double _Complex`.
//!
//! Both are `#[repr(C)]` pairs, which x86-64 System V passes exactly as the complex types (a
//! pair of `float`s is one SSE eightbyte, a pair of `double`s two), so a Rust `extern "C"`
//! function pointer taking or returning them calls C's complex functions as C does; AArch64's
//! AAPCS64 treats a complex type as a homogeneous aggregate of two, as it treats these pairs.
//! On other targets declarations passing them by value call through the runtime.
//! `long double _Complex` has no Rust type here: Rust cannot pass a `long double` to a C
//! function, so it stays in the runtime API ([`Value::LongDoubleComplex`]).
//!
//! ```
//! use ctypes_core::{c_struct, CTyped, Complex};
//!
//! #[c_struct]
//! pub struct Sample {
//!     pub tag: i32,
//!     pub z: Complex<f32>,
//! }
//!
//! assert_eq!(Complex::<f64>::c_type().to_string(), "double _Complex");
//! assert_eq!(std::mem::offset_of!(Sample, z), 4);
//! ```

use crate::__private::{AnyBits, ZeroValid, Zeroable};

/// Whether C passes `float _Complex` and `double _Complex` as Rust passes a `#[repr(C)]` pair
/// of the part: checked for x86-64 System V and AArch64. Elsewhere they may differ (32-bit x86
/// returns a `float _Complex` in `eax:edx` but such a pair through a hidden pointer), and
/// declarations passing one call through the runtime.
const PAIR_IS_COMPLEX: bool = cfg!(any(ctypes_sysv64, target_arch = "aarch64"));
use crate::ctyped::{CConvert, CTyped};
use crate::encode::CValue;
use crate::mem::{Complex, Value};
use crate::ty::{CType, Scalar};

macro_rules! complex {
    ($($part:ty => $scalar:ident, $variant:ident);* $(;)?) => {
        $(
            // SAFETY: `Complex` is `#[repr(C)]` with two fields of the real type, which is
            // the layout C11 gives the complex type (an array of two of the real type);
            // `Scalar::size_align` computes the same figures.
            unsafe impl CTyped for Complex<$part> {
                fn c_type() -> CType {
                    CType::scalar(Scalar::$scalar)
                }

                const NEEDS_RUNTIME_CALL: bool = !PAIR_IS_COMPLEX;
            }

            impl CConvert for Complex<$part> {
                fn from_c(value: &CValue) -> Option<Self> {
                    match value {
                        CValue::Value(Value::$variant(z)) => Some(*z),
                        _ => None,
                    }
                }
                fn into_c(self) -> CValue {
                    CValue::Value(Value::$variant(self))
                }
            }

            // SAFETY: two numbers, no padding: every bit pattern, zero included, is a value.
            unsafe impl Zeroable for Complex<$part> {}
            // SAFETY: as above.
            unsafe impl ZeroValid for Complex<$part> {}
            // SAFETY: as above.
            unsafe impl AnyBits for Complex<$part> {}
        )*
    };
}

complex! {
    f32 => FloatComplex, FloatComplex;
    f64 => DoubleComplex, DoubleComplex;
}

const _: () = {
    assert!(size_of::<Complex<f32>>() == Scalar::FloatComplex.size());
    assert!(align_of::<Complex<f32>>() == Scalar::FloatComplex.align());
    assert!(size_of::<Complex<f64>>() == Scalar::DoubleComplex.size());
    assert!(align_of::<Complex<f64>>() == Scalar::DoubleComplex.align());
};
