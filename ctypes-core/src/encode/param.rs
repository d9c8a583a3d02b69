//! How each parameter of a signature is passed (a scalar, a pointer, a record by value), and
//! a scalar's bytes in native order: the same for an argument of a call and for a callback's
//! result.

use crate::error::{Error, Result};
use crate::layout::ByteOrder;
use crate::mem::codec::{self, Leaf, Overflow};
use crate::mem::Value;
use crate::ty::{CType, Scalar, ScalarClass, Signature, TypeKind};

/// How one parameter is passed.
#[derive(Clone, Debug)]
pub(crate) enum Param {
    /// A scalar, encoded into a slot.
    Scalar(Scalar),
    /// A pointer to this type (arrays decay to pointers to their element).
    Pointer(CType),
    /// A struct or union by value, read from its object; with its size.
    Record(CType, usize),
}

impl Param {
    pub(crate) fn of(ty: &CType) -> std::result::Result<Param, String> {
        match ty.kind() {
            TypeKind::Scalar(s) => Ok(Param::Scalar(*s)),
            TypeKind::Pointer(target) => Ok(Param::Pointer(target.clone())),
            TypeKind::Array { element, .. } => Ok(Param::Pointer(element.clone())),
            TypeKind::Record(r) if r.is_defined() => {
                let size = ty.size().map_err(|e| e.to_string())?;
                Ok(Param::Record(ty.clone(), size))
            }
            TypeKind::Record(_) => Err(format!("parameter type `{ty}` is incomplete")),
            TypeKind::Void | TypeKind::Function(_) => {
                Err(format!("`{ty}` cannot be a parameter type"))
            }
        }
    }
}

/// How each argument of `signature` is passed, after checking that its result type can be one.
pub(crate) fn params_of(signature: &Signature) -> std::result::Result<Vec<Param>, String> {
    check_result(signature.result())?;
    signature.args().iter().map(Param::of).collect()
}

/// Whether `ty` can be a result type.
fn check_result(ty: &CType) -> std::result::Result<(), String> {
    match ty.kind() {
        TypeKind::Void | TypeKind::Scalar(_) | TypeKind::Pointer(_) => Ok(()),
        TypeKind::Record(r) if r.is_defined() => Ok(()),
        TypeKind::Record(_) => Err(format!("result type `{ty}` is incomplete")),
        TypeKind::Array { .. } | TypeKind::Function(_) => {
            Err(format!("a function cannot return `{ty}`"))
        }
    }
}

/// Encodes a scalar argument in native order into the start of `out`: integers and `double`
/// directly (the common case, kept short), everything else through the memory codec. A
/// scalar larger than `out` is refused.
pub(crate) fn encode_scalar(s: Scalar, value: Value, out: &mut [u8]) -> Result<()> {
    if s.size() > out.len() {
        return Err(Error::TypeMismatch {
            expected: format!("a scalar of at most {} bytes here", out.len()),
            found: format!("`{s}`"),
        });
    }
    if let (ScalarClass::Integer { .. }, Some(n), Some((min, max))) =
        (s.class(), value.as_i128(), s.int_range())
    {
        if n < min || n > max {
            // Out of range: the codec words the error.
            return codec::encode(
                Leaf::Scalar(s),
                value,
                &mut out[..s.size()],
                ByteOrder::NATIVE,
                Overflow::Refuse,
            );
        }
        let bits = n as u64;
        match s.size() {
            1 => out[0] = bits as u8,
            2 => out[..2].copy_from_slice(&(bits as u16).to_ne_bytes()),
            4 => out[..4].copy_from_slice(&(bits as u32).to_ne_bytes()),
            _ => out[..8].copy_from_slice(&bits.to_ne_bytes()),
        }
        return Ok(());
    }
    match (s, value) {
        (Scalar::Double, Value::Double(x)) => out[..8].copy_from_slice(&x.to_ne_bytes()),
        (Scalar::Float, Value::Float(x)) => out[..4].copy_from_slice(&x.to_ne_bytes()),
        _ => codec::encode(
            Leaf::Scalar(s),
            value,
            &mut out[..s.size()],
            ByteOrder::NATIVE,
            Overflow::Refuse,
        )?,
    }
    Ok(())
}
