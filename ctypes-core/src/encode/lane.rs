//! How a plain scalar or pointer travels in one machine word: its kind and range, checked
//! when a value is encoded and applied when a word is decoded.

use crate::mem::Value;
use crate::ty::{CType, Scalar, ScalarClass, Signature, TypeKind};

/// How one argument or the result travels: a signed or unsigned integer of some range, a float
/// or double, or a pointer.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Lane {
    Signed { min: i64, max: i64, size: u8 },
    Unsigned { max: u64, size: u8 },
    Float,
    Double,
    Pointer,
}

impl Lane {
    /// The lane of a scalar or pointer type (`None` for `_Bool`, `long double` and the rest).
    pub(crate) fn of(ty: &CType) -> Option<Lane> {
        match ty.kind() {
            TypeKind::Pointer(_) => Some(Lane::Pointer),
            TypeKind::Scalar(s) => match (s.class(), s.int_range()) {
                (ScalarClass::Integer { signed: true }, Some((min, max))) => Some(Lane::Signed {
                    min: min as i64,
                    max: max as i64,
                    size: s.size() as u8,
                }),
                (ScalarClass::Integer { signed: false }, Some((_, max))) => Some(Lane::Unsigned {
                    max: max as u64,
                    size: s.size() as u8,
                }),
                _ if *s == Scalar::Float => Some(Lane::Float),
                _ if *s == Scalar::Double => Some(Lane::Double),
                _ => None,
            },
            _ => None,
        }
    }

    /// The argument as the word libffi reads (its low bytes, on a little-endian machine), or
    /// `None` to leave it to the general path.
    #[inline(always)]
    pub(crate) fn encode(self, value: Value) -> Option<u64> {
        match (self, value) {
            (Lane::Signed { min, max, .. }, Value::Int(x)) if (min..=max).contains(&x) => {
                Some(x as u64)
            }
            (Lane::Signed { max, .. }, Value::UInt(x)) if x <= max as u64 => Some(x),
            (Lane::Unsigned { max, .. }, Value::UInt(x)) if x <= max => Some(x),
            (Lane::Unsigned { max, .. }, Value::Int(x)) if x >= 0 && x as u64 <= max => {
                Some(x as u64)
            }
            (Lane::Double, Value::Double(x)) => Some(x.to_bits()),
            (Lane::Float, Value::Float(x)) => Some(u64::from(x.to_bits())),
            (Lane::Pointer, Value::Pointer(p)) => Some(p as u64),
            _ => None,
        }
    }

    /// The value in a result word, of which only the low bytes of the type's size count (libffi
    /// widens narrow integers; a register call leaves the rest undefined).
    #[inline(always)]
    pub(crate) fn decode(self, word: u64) -> Value {
        match self {
            Lane::Signed { size, .. } => {
                let shift = 64 - 8 * u32::from(size);
                Value::Int(((word << shift) as i64) >> shift)
            }
            Lane::Unsigned { size, .. } => {
                let shift = 64 - 8 * u32::from(size);
                Value::UInt((word << shift) >> shift)
            }
            Lane::Float => Value::Float(f32::from_bits(word as u32)),
            Lane::Double => Value::Double(f64::from_bits(word)),
            Lane::Pointer => Value::Pointer(word as usize),
        }
    }
}

/// `each` applied to every argument type and to the result type (`None` for `void`), or
/// `None` if it refuses one.
pub(crate) fn each_type<T>(
    signature: &Signature,
    each: impl Fn(&CType) -> Option<T>,
) -> Option<(Vec<T>, Option<T>)> {
    let args = signature
        .args()
        .iter()
        .map(&each)
        .collect::<Option<Vec<_>>>()?;
    let result = match signature.result() {
        r if r.is_void() => None,
        r => Some(each(r)?),
    };
    Some((args, result))
}
