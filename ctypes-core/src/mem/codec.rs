//! Converting between [`Value`]s and the bytes of a C scalar, a pointer or a bit-field.

use super::complex::Complex;
use super::long_double::LongDouble;
use super::value::Value;
use crate::error::{Error, Result};
use crate::layout::{bits, ByteOrder};
use crate::ty::{CType, Scalar, ScalarClass, TypeKind};

/// How a value that does not fit its C type is treated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Overflow {
    /// It is an error.
    Refuse,
    /// It is reduced modulo 2^bits, as C converts to unsigned types (and GCC to signed ones).
    Wrap,
}

/// What a scalar view holds: a scalar type, or a pointer (any pointer type).
#[derive(Clone, Copy, Debug)]
pub(crate) enum Leaf {
    Scalar(Scalar),
    Pointer,
}

impl Leaf {
    pub(crate) fn of(ty: &CType) -> Result<Leaf> {
        match ty.kind() {
            TypeKind::Scalar(s) => Ok(Leaf::Scalar(*s)),
            TypeKind::Pointer(_) => Ok(Leaf::Pointer),
            _ => Err(Error::TypeMismatch {
                expected: "a scalar or pointer".to_owned(),
                found: format!("`{}`", ty),
            }),
        }
    }
}

/// Reads an unsigned integer of `bytes.len()` (≤ 16) bytes in `order`.
pub(crate) fn load(bytes: &[u8], order: ByteOrder) -> u128 {
    let fold = |acc: u128, &b: &u8| (acc << 8) | u128::from(b);
    match order {
        ByteOrder::Big => bytes.iter().fold(0, fold),
        ByteOrder::Little => bytes.iter().rev().fold(0, fold),
    }
}

/// Writes the low `out.len()` bytes of `value` in `order`.
pub(crate) fn store(value: u128, out: &mut [u8], order: ByteOrder) {
    let n = out.len();
    for (i, byte) in out.iter_mut().enumerate() {
        let shift = match order {
            ByteOrder::Little => i * 8,
            ByteOrder::Big => (n - 1 - i) * 8,
        };
        *byte = (value >> shift) as u8;
    }
}

/// Sign-extends the low `bits` bits of `raw`.
fn sign_extend(raw: u128, bits: u32) -> i128 {
    if bits == 0 {
        return 0;
    }
    let shift = 128 - bits;
    ((raw << shift) as i128) >> shift
}

/// The `Value` of an integer type whose low `bits` bits are `raw`.
fn integer_value(scalar: Scalar, raw: u128, bits: u32) -> Value {
    match scalar.class() {
        ScalarClass::Bool => Value::Bool(raw != 0),
        ScalarClass::Integer { signed: true } => Value::Int(sign_extend(raw, bits) as i64),
        _ => Value::UInt(raw as u64),
    }
}

/// Decodes a leaf from its bytes (exactly `leaf.size()` of them).
pub(crate) fn decode(leaf: Leaf, bytes: &[u8], order: ByteOrder) -> Result<Value> {
    let scalar = match leaf {
        // GCC stores pointers natively even in records of reversed storage order.
        Leaf::Pointer => return Ok(Value::Pointer(load(bytes, ByteOrder::NATIVE) as usize)),
        Leaf::Scalar(s) => s,
    };
    let raw = load(bytes, order);
    Ok(match scalar {
        s if s.class() == ScalarClass::Complex => return decode_complex(s, bytes, order),
        Scalar::Float => Value::Float(f32::from_bits(raw as u32)),
        Scalar::Double => Value::Double(f64::from_bits(raw as u64)),
        Scalar::LongDouble => {
            refuse_reversed_long_double(order)?;
            let mut buf = [0u8; 16];
            buf[..LongDouble::SIZE].copy_from_slice(&bytes[..LongDouble::SIZE]);
            Value::LongDouble(LongDouble::from_bytes(buf))
        }
        s => integer_value(s, raw, (s.size() * 8) as u32),
    })
}

/// Encodes `value` into `out` (exactly `leaf.size()` bytes).
pub(crate) fn encode(
    leaf: Leaf,
    value: Value,
    out: &mut [u8],
    order: ByteOrder,
    overflow: Overflow,
) -> Result<()> {
    let scalar = match leaf {
        Leaf::Pointer => {
            let address = match value {
                Value::Pointer(p) => p,
                other => return Err(mismatch("a pointer", other)),
            };
            store(address as u128, out, ByteOrder::NATIVE);
            return Ok(());
        }
        Leaf::Scalar(s) => s,
    };
    let raw: u128 = match scalar.class() {
        ScalarClass::Complex => return encode_complex(scalar, value, out, order, overflow),
        ScalarClass::Float => match scalar {
            // A `float` is stored as it is: through `f64`, a signalling NaN would be quieted.
            Scalar::Float => match value {
                Value::Float(x) => u128::from(x.to_bits()),
                other => u128::from(to_f32(other)?.to_bits()),
            },
            Scalar::Double => u128::from(to_f64(value)?.to_bits()),
            _ => {
                refuse_reversed_long_double(order)?;
                let bytes = match value {
                    Value::LongDouble(l) => l.to_bytes(),
                    other => LongDouble::from_f64(to_f64(other)?).to_bytes(),
                };
                out.copy_from_slice(&bytes[..out.len()]);
                return Ok(());
            }
        },
        _ => integer_bits(scalar, (scalar.size() * 8) as u32, value, overflow)?,
    };
    store(raw, out, order);
    Ok(())
}

/// Decodes a complex value: its real part, then its imaginary part, each as a value of the
/// real type (in `order`, each part byte-swapped on its own as GCC stores them).
fn decode_complex(scalar: Scalar, bytes: &[u8], order: ByteOrder) -> Result<Value> {
    let part = scalar.complex_part().expect("a complex type");
    let (re, im) = bytes.split_at(part.size());
    let re = decode(Leaf::Scalar(part), re, order)?;
    let im = decode(Leaf::Scalar(part), &im[..part.size()], order)?;
    Ok(match (re, im) {
        (Value::Float(re), Value::Float(im)) => Value::FloatComplex(Complex { re, im }),
        (Value::Double(re), Value::Double(im)) => Value::DoubleComplex(Complex { re, im }),
        (Value::LongDouble(re), Value::LongDouble(im)) => {
            Value::LongDoubleComplex(Complex { re, im })
        }
        _ => unreachable!("the parts of a complex type are real floating values"),
    })
}

/// Encodes a complex value, or a real number as the complex value with imaginary part zero
/// (as C converts it). Each part is converted to the real type as a real value would be: a
/// `double _Complex` whose part overflows `float` does not fit a `float _Complex`.
fn encode_complex(
    scalar: Scalar,
    value: Value,
    out: &mut [u8],
    order: ByteOrder,
    overflow: Overflow,
) -> Result<()> {
    let part = scalar.complex_part().expect("a complex type");
    let (re, im) = match value {
        Value::FloatComplex(z) => (Value::Float(z.re), Value::Float(z.im)),
        Value::DoubleComplex(z) => (Value::Double(z.re), Value::Double(z.im)),
        Value::LongDoubleComplex(z) => (Value::LongDouble(z.re), Value::LongDouble(z.im)),
        Value::Int(_) | Value::UInt(_) | Value::Float(_) | Value::Double(_) => {
            (value, Value::Double(0.0))
        }
        Value::LongDouble(_) => (value, Value::LongDouble(LongDouble::from_f64(0.0))),
        other => return Err(mismatch(&format!("a number for `{scalar}`"), other)),
    };
    let (re_out, im_out) = out.split_at_mut(part.size());
    let parts = encode(Leaf::Scalar(part), re, re_out, order, overflow).and_then(|()| {
        encode(
            Leaf::Scalar(part),
            im,
            &mut im_out[..part.size()],
            order,
            overflow,
        )
    });
    parts.map_err(|e| match e {
        // The message names the complex value and type, not the part.
        Error::ValueOutOfRange { .. } => Error::ValueOutOfRange {
            value: value.to_string(),
            ty: scalar.to_string(),
        },
        e => e,
    })
}

/// Reads a bit-field of `width` bits whose first bit (in allocation order) is bit `bit` of
/// `bytes[0]`; `bytes` covers exactly the bytes the field touches.
pub(crate) fn decode_bits(
    scalar: Scalar,
    bytes: &[u8],
    bit: u32,
    width: u32,
    order: ByteOrder,
) -> Value {
    let raw = bits::bits_get(bytes, u64::from(bit), width, order == ByteOrder::Big);
    integer_value(scalar, raw, width)
}

/// Writes a bit-field; see [`decode_bits`]. The other bits of `bytes` are left as they were.
pub(crate) fn encode_bits(
    scalar: Scalar,
    value: Value,
    bytes: &mut [u8],
    (bit, width): (u32, u32),
    order: ByteOrder,
    overflow: Overflow,
) -> Result<()> {
    let raw = integer_bits(scalar, width, value, overflow)?;
    bits::bits_set(bytes, u64::from(bit), width, order == ByteOrder::Big, raw);
    Ok(())
}

/// The low `bits` bits that store `value` in an integer type (or `_Bool`), checked or wrapped.
fn integer_bits(scalar: Scalar, bits: u32, value: Value, overflow: Overflow) -> Result<u128> {
    let Some(n) = value.as_i128() else {
        return Err(mismatch(&format!("an integer for `{scalar}`"), value));
    };
    let (min, max) = match scalar.class() {
        // A zero-width bit-field holds nothing but 0.
        _ if bits == 0 => (0, 0),
        ScalarClass::Bool => (0, 1),
        ScalarClass::Integer { signed: true } => {
            (-(1i128 << (bits - 1)), (1i128 << (bits - 1)) - 1)
        }
        _ => (0, (1i128 << bits) - 1),
    };
    if (min..=max).contains(&n) {
        return Ok((n as u128) & bits::bit_mask(bits));
    }
    match (overflow, scalar.class()) {
        (Overflow::Wrap, ScalarClass::Bool) => Ok(u128::from(n != 0)),
        (Overflow::Wrap, _) => Ok((n as u128) & bits::bit_mask(bits)),
        (Overflow::Refuse, _) => {
            let ty = if bits as usize == scalar.size() * 8 {
                scalar.to_string()
            } else {
                format!("{scalar} : {bits}")
            };
            Err(Error::ValueOutOfRange {
                value: value.to_string(),
                ty,
            })
        }
    }
}

fn to_f64(value: Value) -> Result<f64> {
    match value {
        Value::Int(i) => Ok(i as f64),
        Value::UInt(u) => Ok(u as f64),
        other => other.as_f64().ok_or_else(|| mismatch("a number", other)),
    }
}

fn to_f32(value: Value) -> Result<f32> {
    let x = to_f64(value)?;
    let narrowed = x as f32;
    if x.is_finite() && narrowed.is_infinite() {
        return Err(Error::ValueOutOfRange {
            value: value.to_string(),
            ty: "float".to_owned(),
        });
    }
    Ok(narrowed)
}

fn refuse_reversed_long_double(order: ByteOrder) -> Result<()> {
    if order == ByteOrder::NATIVE {
        Ok(())
    } else {
        Err(Error::TypeMismatch {
            expected: "a scalar with a defined byte-swapped form".to_owned(),
            found: "`long double` (or its complex type) in reversed byte order".to_owned(),
        })
    }
}

fn mismatch(expected: &str, found: Value) -> Error {
    Error::TypeMismatch {
        expected: expected.to_owned(),
        found: format!("`{found:?}`"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn big_endian_bit_fields_fill_from_the_top() {
        // Three bits at allocation position 0 of a big-endian record are the three most
        // significant bits of the first byte.
        let mut bytes = [0u8; 1];
        encode_bits(
            Scalar::UInt,
            Value::UInt(0b101),
            &mut bytes,
            (0, 3),
            ByteOrder::Big,
            Overflow::Refuse,
        )
        .unwrap();
        assert_eq!(bytes, [0b1010_0000]);
        let mut bytes = [0u8; 1];
        encode_bits(
            Scalar::UInt,
            Value::UInt(0b101),
            &mut bytes,
            (0, 3),
            ByteOrder::Little,
            Overflow::Refuse,
        )
        .unwrap();
        assert_eq!(bytes, [0b0000_0101]);
    }

    #[test]
    fn bit_field_writes_keep_neighbours() {
        let mut bytes = [0xffu8; 2];
        encode_bits(
            Scalar::Int,
            Value::Int(0),
            &mut bytes,
            (6, 4),
            ByteOrder::Little,
            Overflow::Refuse,
        )
        .unwrap();
        assert_eq!(bytes, [0b0011_1111, 0b1111_1100]);
        assert_eq!(
            decode_bits(
                Scalar::Int,
                &[0b1100_0000, 0b0000_0011],
                6,
                4,
                ByteOrder::Little
            ),
            Value::Int(-1)
        );
    }

    #[test]
    fn zero_width_bit_fields_hold_only_zero() {
        assert_eq!(
            decode_bits(Scalar::Int, &[0xff], 3, 0, ByteOrder::Little),
            Value::Int(0)
        );
        let mut bytes = [0xffu8];
        encode_bits(
            Scalar::Int,
            Value::Int(0),
            &mut bytes,
            (3, 0),
            ByteOrder::Big,
            Overflow::Refuse,
        )
        .unwrap();
        assert_eq!(bytes, [0xff]);
        let err = encode_bits(
            Scalar::Int,
            Value::Int(1),
            &mut bytes,
            (3, 0),
            ByteOrder::Big,
            Overflow::Refuse,
        );
        assert_eq!(
            err.unwrap_err().to_string(),
            "value 1 does not fit in `int : 0`"
        );
    }

    #[test]
    fn complex_values_are_two_parts() {
        let ty = Leaf::Scalar(Scalar::FloatComplex);
        let mut out = [0u8; 8];
        let z = Value::FloatComplex(Complex::new(1.5, -2.0));
        encode(ty, z, &mut out, ByteOrder::Big, Overflow::Refuse).unwrap();
        assert_eq!(out[..4], 1.5f32.to_be_bytes());
        assert_eq!(out[4..], (-2.0f32).to_be_bytes());
        assert_eq!(decode(ty, &out, ByteOrder::Big).unwrap(), z);
        let wide = Value::DoubleComplex(Complex::new(1.0, 1e300));
        let err = encode(ty, wide, &mut out, ByteOrder::Little, Overflow::Refuse).unwrap_err();
        assert_eq!(
            err.to_string(),
            "value 1.0 + 1e300*I does not fit in `float _Complex`"
        );
        let err = encode(
            ty,
            Value::Pointer(0),
            &mut out,
            ByteOrder::Little,
            Overflow::Refuse,
        );
        assert!(err.unwrap_err().to_string().contains("float _Complex"));
        encode(
            ty,
            Value::Int(-3),
            &mut out,
            ByteOrder::Little,
            Overflow::Refuse,
        )
        .unwrap();
        assert_eq!(
            decode(ty, &out, ByteOrder::Little).unwrap(),
            Value::FloatComplex(Complex::new(-3.0, 0.0))
        );
    }

    #[test]
    fn out_of_range_values_are_refused_or_wrapped() {
        let mut out = [0u8; 1];
        let err = encode(
            Leaf::Scalar(Scalar::UChar),
            Value::Int(256),
            &mut out,
            ByteOrder::Little,
            Overflow::Refuse,
        )
        .unwrap_err();
        assert_eq!(err.to_string(), "value 256 does not fit in `unsigned char`");
        encode(
            Leaf::Scalar(Scalar::UChar),
            Value::Int(-1),
            &mut out,
            ByteOrder::Little,
            Overflow::Wrap,
        )
        .unwrap();
        assert_eq!(out, [0xff]);
    }
}
