//! The call engine's plan of one signature, made once from its System V placement
//! ([`Placement`]): where each argument's bytes go (argument registers or the outgoing stack
//! area), how the result comes back, and what else the call needs (`al`, the area's size and
//! alignment, the hidden result pointer, the x87 values to pop).
//!
//! A scalar or pointer argument is one word, extended to 64 bits as C callers extend it, that
//! goes to a register or an 8-byte stack slot; a `long double` is 16 bytes on the stack; a
//! record is copied from its object's bytes in pieces, one per eightbyte it has in registers
//! (only the bytes of the record: the rest of a register is left undefined, as the psABI
//! allows), or whole into its stack slot. A complex value is encoded into its bytes and then
//! placed like a record of its two parts: `float _Complex` in one vector register, `double
//! _Complex` in two, `long double _Complex` on the stack (32 bytes); as a result it comes back
//! in `xmm0`, `xmm0` and `xmm1`, or `st0` (real part) and `st1` (imaginary part).

use super::registers::{Place, Read};

use super::sysv_call::REGISTER_WORDS;
use crate::abi::{ArgPlace, Part, Placement, Register, ResultPlace};
use crate::encode::register_file::{argument_register, result_register};
use crate::error::Result;
use crate::ty::{CType, Scalar, ScalarClass, Signature, TypeKind};

/// Where bytes go: at a byte offset in the argument registers ([`ArgRegisters`]) or in the
/// outgoing stack area.
///
/// [`ArgRegisters`]: super::sysv_call::ArgRegisters
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum To {
    Register(usize),
    Stack(usize),
}

/// `len` bytes of an argument's value, from byte `from`, going `to`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Piece {
    pub(crate) from: usize,
    pub(crate) len: usize,
    pub(crate) to: To,
}

/// How a scalar argument's encoded bytes (see `marshal::Held::encode`) become its word.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Widen {
    /// A signed integer of this many bytes: sign-extended.
    Signed(u8),
    /// An unsigned integer or `_Bool` of this many bytes: zero-extended.
    Unsigned(u8),
    /// The first 8 bytes as they are: a pointer, a `double`, a `float` (in the low 4).
    Bits,
}

impl Widen {
    fn of(ty: &CType) -> Widen {
        match ty.as_scalar().map(|s| (s.class(), s.size())) {
            Some((ScalarClass::Integer { signed: true }, size)) if size < 8 => {
                Widen::Signed(size as u8)
            }
            Some((ScalarClass::Integer { signed: false } | ScalarClass::Bool, size))
                if size < 8 =>
            {
                Widen::Unsigned(size as u8)
            }
            _ => Widen::Bits,
        }
    }

    /// The word of an argument encoded in `bytes`.
    #[inline]
    pub(crate) fn word(self, bytes: &[u8]) -> u64 {
        let word = u64::from_ne_bytes(bytes[..8].try_into().expect("8 bytes"));
        match self {
            Widen::Signed(size) => {
                let shift = 64 - 8 * u32::from(size);
                (((word << shift) as i64) >> shift) as u64
            }
            Widen::Unsigned(size) => {
                let shift = 64 - 8 * u32::from(size);
                (word << shift) >> shift
            }
            Widen::Bits => word,
        }
    }
}

/// How one argument is passed.
#[derive(Clone, Debug)]
pub(crate) enum ArgPlan {
    /// A scalar or pointer: one word. `place` checks and encodes a plain [`Value`] at once
    /// (`None` for types it does not take); other arguments are encoded by the general rules
    /// and widened by `widen`.
    ///
    /// [`Value`]: crate::Value
    Word {
        place: Option<Place>,
        widen: Widen,
        to: To,
    },
    /// A `long double` (always on the stack): its 16 bytes.
    Wide { to: usize },
    /// A record of type `ty`: its bytes, in at most two pieces.
    Record {
        ty: CType,
        pieces: [Piece; 2],
        count: u8,
    },
    /// A complex scalar: its encoded bytes, in at most two pieces.
    Complex {
        scalar: Scalar,
        pieces: [Piece; 2],
        count: u8,
    },
}

/// How the result comes back.
#[derive(Clone, Debug)]
pub(crate) enum ResultPlan {
    Void,
    /// A scalar or pointer in `rax` or `xmm0`.
    Value(Read),
    /// A `long double` in `st0`.
    LongDouble,
    /// A complex scalar: its bytes, copied from the result registers.
    Complex {
        scalar: Scalar,
        copies: Box<[ResultCopy]>,
    },
    /// A record: the parts it has in registers (none for an empty record, or one in memory).
    Record {
        ty: CType,
        size: usize,
        align: usize,
        copies: Box<[ResultCopy]>,
    },
}

/// One part of a record result: `len` bytes from byte `from` of the result registers as the
/// call stores them ([`Results`]) to byte `to` of the record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ResultCopy {
    pub(crate) from: usize,
    pub(crate) to: usize,
    pub(crate) len: usize,
}

impl ResultCopy {
    /// The copy of `part` of a record of `size` bytes, if its register is a result register.
    fn of(part: &Part, size: usize) -> Option<ResultCopy> {
        let (from, room) = result_register(part.register)?;
        Some(ResultCopy {
            from,
            to: part.offset,
            len: part.len.min(room).min(size.checked_sub(part.offset)?),
        })
    }
}

/// The plan of one call shape.
#[derive(Debug)]
pub(crate) struct Plan {
    pub(crate) args: Box<[ArgPlan]>,
    pub(crate) result: ResultPlan,
    /// Whether the result is written through a hidden pointer passed in `rdi`.
    pub(crate) hidden: bool,
    /// Bytes of the outgoing stack area, a multiple of 8.
    pub(crate) stack_size: usize,
    /// The alignment of the stack pointer at the call: 16 or more.
    pub(crate) stack_align: usize,
    /// The number of vector registers that carry arguments, for `al`.
    pub(crate) al: u8,
    /// Values the callee leaves on the x87 stack.
    pub(crate) x87: u8,
}

/// Where a register part of an argument goes.
fn register_to(register: Register) -> Option<To> {
    argument_register(register).map(To::Register)
}

/// An argument type as it is passed: an array decays to a pointer to its element.
fn decayed(ty: &CType) -> CType {
    match ty.kind() {
        TypeKind::Array { element, .. } => element.pointer(),
        _ => ty.clone(),
    }
}

impl Plan {
    /// The plan of a call passing `extra` (promoted types) after the fixed arguments of
    /// `signature`; `None` if the placement cannot be made (a type without values).
    pub(crate) fn of(signature: &Signature, extra: &[CType]) -> Option<Plan> {
        let args: Vec<CType> = signature.args().iter().map(decayed).collect();
        let result = signature.result().clone();
        let passed = if signature.is_variadic() {
            Signature::variadic(args.clone(), result.clone())
        } else {
            Signature::new(args.clone(), result.clone())
        };
        let placement = Placement::of_call(&passed, extra).ok()?;
        Plan::from_placement(&placement, args.iter().chain(extra), &result).ok()
    }

    fn from_placement<'t>(
        placement: &Placement,
        types: impl Iterator<Item = &'t CType>,
        result: &CType,
    ) -> Result<Plan> {
        let mut args = Vec::with_capacity(placement.args().len());
        for (ty, place) in types.zip(placement.args()) {
            args.push(arg_plan(ty, place).ok_or_else(|| unplaceable(ty))?);
        }
        let mut x87 = 0u8;
        let result = match placement.result() {
            ResultPlace::Void => ResultPlan::Void,
            ResultPlace::Memory => ResultPlan::Record {
                ty: result.clone(),
                size: result.size()?,
                align: result.align()?,
                copies: Box::new([]),
            },
            ResultPlace::Registers(parts) => {
                x87 = parts
                    .iter()
                    .filter(|p| matches!(p.register, Register::St0 | Register::St1))
                    .count() as u8;
                let copies = || {
                    let size = result.size()?;
                    parts
                        .iter()
                        .map(|part| ResultCopy::of(part, size).ok_or_else(|| unplaceable(result)))
                        .collect::<Result<Box<[ResultCopy]>>>()
                };
                let complex = result
                    .as_scalar()
                    .filter(|s| s.class() == ScalarClass::Complex);
                if result.as_record().is_some() {
                    ResultPlan::Record {
                        ty: result.clone(),
                        size: result.size()?,
                        align: result.align()?,
                        copies: copies()?,
                    }
                } else if let Some(scalar) = complex {
                    ResultPlan::Complex {
                        scalar,
                        copies: copies()?,
                    }
                } else if result.as_scalar() == Some(Scalar::LongDouble) {
                    ResultPlan::LongDouble
                } else {
                    ResultPlan::Value(Read::of(result).ok_or_else(|| unplaceable(result))?)
                }
            }
        };
        Ok(Plan {
            args: args.into_boxed_slice(),
            result,
            hidden: placement.has_hidden_result_pointer(),
            stack_size: placement.stack_size(),
            stack_align: placement.stack_align(),
            al: placement.xmms_used(),
            x87,
        })
    }
}

fn unplaceable(ty: &CType) -> crate::error::Error {
    crate::error::Error::TypeMismatch {
        expected: "a type the call engine can place".to_owned(),
        found: format!("`{ty}`"),
    }
}

/// The plan of one argument of type `ty` placed at `place`.
fn arg_plan(ty: &CType, place: &ArgPlace) -> Option<ArgPlan> {
    let record = matches!(ty.kind(), TypeKind::Record(_));
    if let Some(scalar) = ty.as_scalar().filter(|s| s.class() == ScalarClass::Complex) {
        let (pieces, count) = pieces_of(place)?;
        return Some(ArgPlan::Complex {
            scalar,
            pieces,
            count,
        });
    }
    if !record && ty.as_scalar() == Some(Scalar::LongDouble) {
        return match place {
            ArgPlace::Stack { offset, .. } => Some(ArgPlan::Wide { to: *offset }),
            ArgPlace::Registers(_) => None,
        };
    }
    if !record {
        let to = match place {
            ArgPlace::Registers(parts) => match parts.as_slice() {
                [part] => register_to(part.register)?,
                _ => return None,
            },
            ArgPlace::Stack { offset, .. } => To::Stack(*offset),
        };
        return Some(ArgPlan::Word {
            place: Place::of(ty).map(|(place, _)| place),
            widen: Widen::of(ty),
            to,
        });
    }
    let (pieces, count) = pieces_of(place)?;
    Some(ArgPlan::Record {
        ty: ty.clone(),
        pieces,
        count,
    })
}

/// The pieces of a value's bytes placed at `place`: one per register part, or the whole value
/// into its stack slot (nothing for an empty record).
fn pieces_of(place: &ArgPlace) -> Option<([Piece; 2], u8)> {
    let none = Piece {
        from: 0,
        len: 0,
        to: To::Stack(0),
    };
    let mut pieces = [none; 2];
    let count = match place {
        ArgPlace::Stack { size: 0, .. } => 0,
        ArgPlace::Stack { offset, size } => {
            pieces[0] = Piece {
                from: 0,
                len: *size,
                to: To::Stack(*offset),
            };
            1
        }
        ArgPlace::Registers(parts) => {
            if parts.len() > 2 {
                return None;
            }
            for (piece, part) in pieces.iter_mut().zip(parts) {
                let to = register_to(part.register)?;
                // One eightbyte per register: a vector register's low one only, as the call
                // loads no more (see `ArgRegisters`); no C type here is of class SSEUP.
                if part.len > 8 {
                    return None;
                }
                *piece = Piece {
                    from: part.offset,
                    len: part.len,
                    to,
                };
            }
            parts.len()
        }
    };
    debug_assert!(pieces.iter().all(|p| match p.to {
        To::Register(at) => at + p.len <= 8 * REGISTER_WORDS,
        To::Stack(_) => true,
    }));
    Some((pieces, count as u8))
}

#[cfg(test)]
#[path = "plan_tests.rs"]
mod tests;
