//! A callback's plan, made once from the System V placement of its signature
//! ([`Placement`]): where the entry's saved registers or the caller's stack hold each argument,
//! and where the result goes (result registers, x87 stack, or the memory of the hidden
//! pointer). The call engine's plan (`func/plan.rs`) reads the same placement from the other
//! side.

use super::entry::Saved;
use crate::abi::{ArgPlace, Part, Placement, Register, ResultPlace};
use crate::encode::register_file::{argument_register, result_register};
use crate::encode::Lane;
use crate::error::{Error, Result};
use crate::ty::{CType, Signature, TypeKind};

/// Where bytes lie when the handler runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Loc {
    /// At this byte offset in the saved registers ([`Saved`]).
    Register(u16),
    /// At this byte offset in the caller's stack arguments.
    Stack(u32),
}

impl Loc {
    /// The address of these bytes.
    #[inline(always)]
    pub(super) fn at(self, saved: *mut Saved, stack: *const u8) -> *mut u8 {
        match self {
            Loc::Register(offset) => saved.cast::<u8>().wrapping_add(usize::from(offset)),
            Loc::Stack(offset) => stack.cast_mut().wrapping_add(offset as usize),
        }
    }
}

/// `len` bytes at `from`, which are the bytes of the value from `to`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Piece {
    pub(super) from: Loc,
    pub(super) to: u8,
    pub(super) len: u8,
}

/// Where one argument lies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum ArgFrom {
    /// Whole, in one place: a scalar or pointer (in a register or a stack slot), a `long
    /// double` or record on the stack, a record in one register.
    At(Loc),
    /// A record in registers, in `count` pieces (two eightbytes, or one that does not start
    /// the record), to gather into a 16-byte buffer.
    Pieces { pieces: [Piece; 2], count: u8 },
    /// A record of no data that the caller passes in no register and no stack slot (GCC
    /// passes nothing for `struct __attribute__((aligned(64))) { int z[0]; short : 15; }`):
    /// its bytes are all padding, and the closure receives them zeroed.
    Empty,
}

/// One part of the result: `room` bytes from byte `from` of the value (as the callback's
/// result is written, zero-padded) to byte `to` of the [`ResultBlock`](super::entry::ResultBlock).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct ResultCopy {
    pub(super) from: u8,
    pub(super) to: u8,
    pub(super) room: u8,
}

/// Where the result goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum ResultTo {
    Void,
    /// Into result registers, by these copies.
    Registers(Box<[ResultCopy]>),
    /// Into the memory of the hidden pointer (saved `rdi`), which goes back in `rax`.
    Memory,
}

/// Bytes a result in registers is written into before its copies: the widest value in
/// registers is 16 bytes, and a copy may read 16 bytes from byte 8.
pub(super) const RESULT_BUFFER: usize = 32;
const _: () = assert!(RESULT_BUFFER >= crate::ty::Scalar::LongDoubleComplex.size());

/// The plan of one callback signature.
#[derive(Clone, Debug)]
pub(super) struct Plan {
    pub(super) args: Box<[ArgFrom]>,
    pub(super) result: ResultTo,
    /// x87 values the entry pushes on return.
    pub(super) x87: u32,
    /// For a scalar or pointer result that comes back in `rax` or `xmm0` as one word: how a
    /// returned value becomes that word (checked against the type) without the general
    /// encoding.
    pub(super) result_lane: Option<Lane>,
}

/// An argument type as it is passed: an array decays to a pointer to its element.
fn decayed(ty: &CType) -> CType {
    match ty.kind() {
        TypeKind::Array { element, .. } => element.pointer(),
        _ => ty.clone(),
    }
}

/// Where an argument register lies in [`Saved`]: the register file's layout.
fn register_at(register: Register) -> Option<u16> {
    argument_register(register).map(|at| at as u16)
}

/// Where a result register lies in the [`ResultBlock`](super::entry::ResultBlock), and its room
/// there.
fn result_at(part: &Part) -> Option<(u8, u8)> {
    result_register(part.register).map(|(at, room)| (at as u8, room as u8))
}

fn unplaceable(ty: &CType) -> Error {
    Error::TypeMismatch {
        expected: "a type a callback can take or return".to_owned(),
        found: format!("`{ty}`"),
    }
}

impl Plan {
    /// The plan of a callback of `signature` (not variadic).
    pub(super) fn of(signature: &Signature) -> Result<Plan> {
        let args: Vec<CType> = signature.args().iter().map(decayed).collect();
        let passed = Signature::new(args.clone(), signature.result().clone());
        let placement = Placement::of(&passed)?;
        let mut plans = Vec::with_capacity(args.len());
        for (ty, place) in args.iter().zip(placement.args()) {
            plans.push(arg_from(ty, place).ok_or_else(|| unplaceable(ty))?);
        }
        let result_ty = signature.result();
        let mut x87 = 0;
        let result = match placement.result() {
            ResultPlace::Void => ResultTo::Void,
            ResultPlace::Memory => ResultTo::Memory,
            ResultPlace::Registers(parts) => {
                let mut copies = Vec::with_capacity(parts.len());
                for part in parts {
                    let (to, room) = result_at(part).ok_or_else(|| unplaceable(result_ty))?;
                    if matches!(part.register, Register::St0 | Register::St1) {
                        x87 += 1;
                    }
                    if part.offset + usize::from(room) > RESULT_BUFFER {
                        return Err(unplaceable(result_ty));
                    }
                    copies.push(ResultCopy {
                        from: part.offset as u8,
                        to,
                        room,
                    });
                }
                ResultTo::Registers(copies.into_boxed_slice())
            }
        };
        let result_lane = match &result {
            ResultTo::Registers(copies) if copies.len() == 1 && x87 == 0 => Lane::of(result_ty),
            _ => None,
        };
        Ok(Plan {
            args: plans.into_boxed_slice(),
            result,
            x87,
            result_lane,
        })
    }
}

/// Where an argument of type `ty` placed at `place` lies.
fn arg_from(ty: &CType, place: &ArgPlace) -> Option<ArgFrom> {
    match place {
        ArgPlace::Stack { size: 0, .. } => Some(ArgFrom::Empty),
        ArgPlace::Registers(parts) if parts.is_empty() => Some(ArgFrom::Empty),
        ArgPlace::Stack { offset, .. } => {
            Some(ArgFrom::At(Loc::Stack(u32::try_from(*offset).ok()?)))
        }
        ArgPlace::Registers(parts) => {
            let size = ty.size().ok()?;
            if let [part] = parts.as_slice() {
                if part.offset == 0 && part.len == size {
                    return Some(ArgFrom::At(Loc::Register(register_at(part.register)?)));
                }
            }
            if parts.len() > 2 {
                return None;
            }
            let mut pieces = [Piece {
                from: Loc::Register(0),
                to: 0,
                len: 0,
            }; 2];
            for (piece, part) in pieces.iter_mut().zip(parts) {
                if part.offset + part.len > 16 {
                    return None;
                }
                *piece = Piece {
                    from: Loc::Register(register_at(part.register)?),
                    to: part.offset as u8,
                    len: part.len as u8,
                };
            }
            Some(ArgFrom::Pieces {
                pieces,
                count: parts.len() as u8,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ty::Scalar;

    fn t(s: Scalar) -> CType {
        CType::scalar(s)
    }

    fn record(name: &str, fields: &[CType]) -> CType {
        let mut builder = CType::struct_builder(name);
        for (i, ty) in fields.iter().enumerate() {
            builder = builder.field(&format!("f{i}"), ty.clone());
        }
        builder.build().unwrap()
    }

    const RDI: u16 = 0;
    const RSI: u16 = 8;
    const XMM0: u16 = 48;

    #[test]
    fn a_record_in_two_kinds_of_register_is_gathered_in_pieces() {
        let dl = record("dl", &[t(Scalar::Double), t(Scalar::Long)]);
        let plan = Plan::of(&Signature::new(vec![dl.clone(), t(Scalar::Int)], dl)).unwrap();
        let piece = |from, to, len| Piece {
            from: Loc::Register(from),
            to,
            len,
        };
        assert_eq!(
            plan.args[0],
            ArgFrom::Pieces {
                pieces: [piece(XMM0, 0, 8), piece(RDI, 8, 8)],
                count: 2
            }
        );
        assert_eq!(plan.args[1], ArgFrom::At(Loc::Register(RSI)));
        let ResultTo::Registers(copies) = &plan.result else {
            panic!("{:?}", plan.result);
        };
        // The double in xmm0, the long in rax.
        assert_eq!(
            copies.as_ref(),
            [
                ResultCopy {
                    from: 0,
                    to: 16,
                    room: 16
                },
                ResultCopy {
                    from: 8,
                    to: 0,
                    room: 8
                }
            ]
        );
        assert_eq!(plan.x87, 0);
    }

    #[test]
    fn a_result_in_memory_takes_rdi() {
        let big = record("big", &[t(Scalar::Long), t(Scalar::Long), t(Scalar::Long)]);
        let plan = Plan::of(&Signature::new(vec![t(Scalar::Int)], big)).unwrap();
        assert_eq!(plan.result, ResultTo::Memory);
        assert_eq!(plan.args[0], ArgFrom::At(Loc::Register(RSI)));
    }

    #[test]
    fn long_doubles_come_on_the_stack_and_go_back_in_st0() {
        let ld = t(Scalar::LongDouble);
        let plan = Plan::of(&Signature::new(
            vec![t(Scalar::Int), ld.clone(), ld.clone()],
            ld,
        ))
        .unwrap();
        assert_eq!(plan.args[0], ArgFrom::At(Loc::Register(RDI)));
        assert_eq!(plan.args[1], ArgFrom::At(Loc::Stack(0)));
        assert_eq!(plan.args[2], ArgFrom::At(Loc::Stack(16)));
        assert_eq!(
            plan.result,
            ResultTo::Registers(Box::new([ResultCopy {
                from: 0,
                to: 48,
                room: 16
            }]))
        );
        assert_eq!(plan.x87, 1);
    }

    #[test]
    fn integers_after_the_sixth_go_on_the_stack() {
        let long = t(Scalar::Long);
        let plan = Plan::of(&Signature::new(vec![long.clone(); 8], CType::void())).unwrap();
        assert_eq!(plan.args[5], ArgFrom::At(Loc::Register(40)));
        assert_eq!(plan.args[6], ArgFrom::At(Loc::Stack(0)));
        assert_eq!(plan.args[7], ArgFrom::At(Loc::Stack(8)));
        assert_eq!(plan.result, ResultTo::Void);
    }
}
