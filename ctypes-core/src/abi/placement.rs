//! The placement of a whole call: which registers or stack slots each argument takes, where
//! the result comes back, and what the call needs besides (`al`, the stack area).
//!
//! As the psABI (§3.2.3) says and GCC does:
//! - Arguments are placed left to right. An argument whose eightbytes are all INTEGER or SSE
//!   (NO_CLASS eightbytes take nothing) takes the next free general registers (`rdi`, `rsi`,
//!   `rdx`, `rcx`, `r8`, `r9`) and vector registers (`xmm0`–`xmm7`), one per eightbyte, if
//!   enough of both kinds are left for all its eightbytes; otherwise it goes whole onto the
//!   stack, and later arguments may still take registers.
//! - MEMORY values, and arguments of the x87 classes (`long double` and records made of one),
//!   go on the stack.
//! - On the stack each argument starts at a multiple of its alignment, at least 8 (a record
//!   aligned to 32 starts at a multiple of 32), and takes its size rounded up to 8 bytes. An
//!   empty record (see [`Classification::is_empty`]) takes no room at all.
//! - A result in memory is written through a hidden pointer that the caller passes in `rdi`
//!   (taking the first general register) and the callee returns in `rax`; but an empty record
//!   of class MEMORY (`struct __attribute__((aligned(32))) { int z[0]; }`) is not returned at
//!   all, and takes no hidden pointer. Otherwise INTEGER
//!   eightbytes come back in `rax` then `rdx`, SSE ones in `xmm0` then `xmm1`, an X87 pair in
//!   `st0`, COMPLEX_X87 in `st0` and `st1`.
//! - A variadic call sets `al` to the number of vector registers used: GCC sets the exact
//!   count, where the psABI asks only for an upper bound.

use super::class::Class;
use super::classify::{classify, Classification};
use crate::error::{Error, Result};
use crate::ty::{CType, Signature};

/// A register that carries part of an argument or result.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Register {
    /// A general-purpose register.
    Gpr(Gpr),
    /// Vector register `xmm0`..`xmm7` (low 8 bytes, or 16 with an SSEUP eightbyte).
    Xmm(u8),
    /// The x87 register `st0`.
    St0,
    /// The x87 register `st1`.
    St1,
}

/// The general-purpose registers that carry arguments and results.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Gpr {
    /// `rdi`: the first argument, or the hidden result pointer.
    Rdi,
    /// `rsi`
    Rsi,
    /// `rdx`: an argument, or the second result eightbyte.
    Rdx,
    /// `rcx`
    Rcx,
    /// `r8`
    R8,
    /// `r9`
    R9,
    /// `rax`: the first result eightbyte, the returned hidden pointer, `al` of a variadic call.
    Rax,
}

/// The general registers for arguments, in order.
pub const ARGUMENT_GPRS: [Gpr; 6] = [Gpr::Rdi, Gpr::Rsi, Gpr::Rdx, Gpr::Rcx, Gpr::R8, Gpr::R9];
/// How many vector registers carry arguments.
pub const ARGUMENT_XMMS: u8 = 8;

/// One eightbyte (or x87 value) of an argument or result in a register.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Part {
    /// The register.
    pub register: Register,
    /// Where the bytes lie in the value.
    pub offset: usize,
    /// How many bytes of the value the register carries, from its low end (10 for an x87
    /// `long double`).
    pub len: usize,
}

/// Where one argument goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ArgPlace {
    /// In registers, one part per eightbyte that is not NO_CLASS (none for a value of size 0).
    Registers(Vec<Part>),
    /// On the stack, `offset` bytes into the argument area (which starts at the stack pointer
    /// at the call), taking `size` bytes (the value's bytes; the slot is rounded up to 8).
    Stack {
        /// Offset in the argument area.
        offset: usize,
        /// Bytes copied there: the value's size, or 0 for an empty record.
        size: usize,
    },
}

/// Where the result comes back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ResultPlace {
    /// `void`.
    Void,
    /// In registers, as for an argument.
    Registers(Vec<Part>),
    /// In memory the caller provides: its address goes in `rdi` and comes back in `rax`.
    Memory,
}

/// The placement of every argument and the result of one call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Placement {
    args: Vec<ArgPlace>,
    classes: Vec<Classification>,
    result: ResultPlace,
    result_class: Option<Classification>,
    gprs: usize,
    xmms: u8,
    stack_size: usize,
    stack_align: usize,
    variadic: bool,
}

impl Placement {
    /// The placement of a call to a function of this signature with its fixed arguments only.
    pub fn of(signature: &Signature) -> Result<Placement> {
        Placement::of_call(signature, &[])
    }

    /// The placement of a call passing `extra` after the fixed arguments of a variadic
    /// signature (their types after C's default promotions: `double` for `float`, `int` for
    /// smaller integers). `extra` must be empty for a signature that is not variadic.
    pub fn of_call(signature: &Signature, extra: &[CType]) -> Result<Placement> {
        if !extra.is_empty() && !signature.is_variadic() {
            return Err(Error::TypeMismatch {
                expected: format!("{} arguments", signature.args().len()),
                found: format!("{} more", extra.len()),
            });
        }
        let result = signature.result();
        let result_class = if result.is_void() {
            None
        } else {
            Some(value_class(result, "a result")?)
        };
        let (result, mut gprs) = match result_class {
            None => (ResultPlace::Void, 0),
            Some(class) => {
                match result_registers(&class) {
                    Some(parts) => (ResultPlace::Registers(parts), 0),
                    // GCC never returns an empty record in memory: nothing comes back at all.
                    None if class.is_empty() => (ResultPlace::Registers(Vec::new()), 0),
                    None => (ResultPlace::Memory, 1),
                }
            }
        };
        let mut xmms = 0u8;
        let mut stack_size = 0usize;
        let mut stack_align = 16usize;
        let count = signature.args().len() + extra.len();
        let mut args = Vec::with_capacity(count);
        let mut classes = Vec::with_capacity(count);
        for ty in signature.args().iter().chain(extra) {
            let class = value_class(ty, "an argument")?;
            let place = match argument_registers(&class, &mut gprs, &mut xmms) {
                Some(parts) => ArgPlace::Registers(parts),
                None if class.is_empty() => ArgPlace::Stack {
                    offset: stack_size,
                    size: 0,
                },
                None => {
                    let align = class.align().max(8);
                    stack_align = stack_align.max(align);
                    let offset = stack_size.next_multiple_of(align);
                    stack_size = offset + class.size().next_multiple_of(8);
                    ArgPlace::Stack {
                        offset,
                        size: class.size(),
                    }
                }
            };
            args.push(place);
            classes.push(class);
        }
        Ok(Placement {
            args,
            classes,
            result,
            result_class,
            gprs,
            xmms,
            stack_size,
            stack_align,
            variadic: signature.is_variadic(),
        })
    }

    /// Where each argument goes, fixed arguments first.
    pub fn args(&self) -> &[ArgPlace] {
        &self.args
    }

    /// The classification of each argument.
    pub fn arg_classes(&self) -> &[Classification] {
        &self.classes
    }

    /// Where the result comes back.
    pub fn result(&self) -> &ResultPlace {
        &self.result
    }

    /// The classification of the result; `None` for `void`.
    pub fn result_class(&self) -> Option<&Classification> {
        self.result_class.as_ref()
    }

    /// Whether the caller passes a hidden pointer to the result's memory in `rdi`.
    pub fn has_hidden_result_pointer(&self) -> bool {
        self.result == ResultPlace::Memory
    }

    /// How many general registers carry arguments (the hidden result pointer included).
    pub fn gprs_used(&self) -> usize {
        self.gprs
    }

    /// How many vector registers carry arguments.
    pub fn xmms_used(&self) -> u8 {
        self.xmms
    }

    /// The value of `al` at the call: the number of vector registers used, for a variadic
    /// call; `None` for another (`al` is then free).
    pub fn al(&self) -> Option<u8> {
        self.variadic.then_some(self.xmms)
    }

    /// The bytes of the argument area on the stack: the end of its last slot, a multiple of 8
    /// (the stack pointer at the call must still be a multiple of [`stack_align`]).
    ///
    /// [`stack_align`]: Placement::stack_align
    pub fn stack_size(&self) -> usize {
        self.stack_size
    }

    /// The alignment the argument area (the stack pointer at the call) needs: 16, or the
    /// alignment of an over-aligned argument on the stack (32, 64, …).
    pub fn stack_align(&self) -> usize {
        self.stack_align
    }
}

/// The classification of a type that has values, for an argument or a result.
fn value_class(ty: &CType, what: &str) -> Result<Classification> {
    if ty.as_array().is_some() || ty.is_void() || ty.as_function().is_some() {
        return Err(Error::TypeMismatch {
            expected: format!("{what} type with values (a scalar, pointer or record)"),
            found: format!("`{ty}`"),
        });
    }
    classify(ty)
}

/// The registers of an argument, taken from those left, or `None` when it goes on the stack
/// (nothing is then taken).
fn argument_registers(
    class: &Classification,
    gprs: &mut usize,
    xmms: &mut u8,
) -> Option<Vec<Part>> {
    let classes = class.classes()?;
    let need_gprs = classes.iter().filter(|&&c| c == Class::Integer).count();
    let need_xmms = classes.iter().filter(|&&c| c == Class::Sse).count();
    if classes
        .iter()
        .any(|c| matches!(c, Class::X87 | Class::X87Up | Class::ComplexX87))
        || *gprs + need_gprs > ARGUMENT_GPRS.len()
        || usize::from(*xmms) + need_xmms > usize::from(ARGUMENT_XMMS)
    {
        return None;
    }
    let mut parts: Vec<Part> = Vec::with_capacity(classes.len());
    for (i, &c) in classes.iter().enumerate() {
        let offset = 8 * i;
        let len = (class.size() - offset).min(8);
        match c {
            Class::Integer => {
                parts.push(Part {
                    register: Register::Gpr(ARGUMENT_GPRS[*gprs]),
                    offset,
                    len,
                });
                *gprs += 1;
            }
            Class::Sse => {
                parts.push(Part {
                    register: Register::Xmm(*xmms),
                    offset,
                    len,
                });
                *xmms += 1;
            }
            Class::SseUp => widen_last(&mut parts, len),
            _ => {}
        }
    }
    Some(parts)
}

/// An SSEUP eightbyte: the upper half of the vector register of the eightbyte before.
fn widen_last(parts: &mut [Part], len: usize) {
    if let Some(last) = parts.last_mut() {
        last.len += len;
    }
}

/// The registers of a result, or `None` when it comes back in memory.
fn result_registers(class: &Classification) -> Option<Vec<Part>> {
    let classes = class.classes()?;
    let (mut gprs, mut xmms) = ([Gpr::Rax, Gpr::Rdx].into_iter(), 0u8..2);
    let mut parts: Vec<Part> = Vec::with_capacity(classes.len());
    for (i, &c) in classes.iter().enumerate() {
        let offset = 8 * i;
        let len = (class.size() - offset).min(8);
        let part = |register, offset, len| Part {
            register,
            offset,
            len,
        };
        match c {
            Class::Integer => parts.push(part(Register::Gpr(gprs.next()?), offset, len)),
            Class::Sse => parts.push(part(Register::Xmm(xmms.next()?), offset, len)),
            Class::SseUp => widen_last(&mut parts, len),
            // The X87UP eightbyte after it is the rest of the same register.
            Class::X87 => parts.push(part(Register::St0, offset, X87_BYTES)),
            // The real part in `st0`, the imaginary part in `st1`.
            Class::ComplexX87 => {
                parts.push(part(Register::St0, offset, X87_BYTES));
                parts.push(part(Register::St1, offset + class.size() / 2, X87_BYTES));
            }
            Class::NoClass | Class::X87Up | Class::Memory => {}
        }
    }
    Some(parts)
}

/// The bytes of an x87 extended value: a 64-bit mantissa, then the sign and 15-bit exponent.
const X87_BYTES: usize = 10;

#[cfg(test)]
#[path = "placement_tests.rs"]
mod tests;
