//! What the capture of a call compiled by GCC must show, given the placement `ctypes-core`
//! predicts for it: each argument's data bytes in the registers or stack slots predicted, `al`
//! for a variadic call, the result's data bytes in the registers predicted or in the memory of
//! the hidden pointer.
//!
//! Only data bytes are compared (padding, the unused bytes of a `long double`, unnamed
//! bit-fields may hold anything), against values made of random bytes, so a value found
//! somewhere else than predicted shows as a difference.

use ctypes_core::__private::abi::{ArgPlace, Gpr, Part, Placement, Register, ResultPlace};

use crate::abi_calls::Arg;

/// The argument call's capture: `A <id> <registers> <stack area>`.
#[derive(Debug)]
pub struct ArgCapture {
    /// rdi, rsi, rdx, rcx, r8, r9, rax (8 bytes each), then xmm0..xmm7 (16 bytes each), then
    /// the address of the stack area.
    pub regs: Vec<u8>,
    /// The stack area, from the stack pointer at the call.
    pub stack: Vec<u8>,
}

/// The result call's capture.
#[derive(Debug)]
pub struct ResultCapture {
    /// rax, rdx (8 bytes each), xmm0, xmm1 (16 bytes each).
    pub regs: Vec<u8>,
    /// The x87 tag byte of `fxsave`: non-zero when the callee left values on the x87 stack.
    pub x87_tags: u8,
    /// `st0` and `st1`, 10 bytes each.
    pub st: Vec<u8>,
    /// Whether `rax` held the hidden pointer on return.
    pub rax_is_hidden: bool,
    /// The memory the hidden pointer pointed to.
    pub hidden: Vec<u8>,
}

fn unhex(text: &str) -> Result<Vec<u8>, String> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).map_err(|e| format!("{e}: {text}")))
        .collect()
}

impl ArgCapture {
    /// Parses the words after `A <id>`.
    pub fn parse(words: &[&str]) -> Result<ArgCapture, String> {
        Ok(ArgCapture {
            regs: unhex(words.first().ok_or("no registers")?)?,
            stack: unhex(words.get(1).copied().unwrap_or(""))?,
        })
    }
}

impl ResultCapture {
    /// Parses the words after `R <id>`.
    pub fn parse(words: &[&str]) -> Result<ResultCapture, String> {
        let word = |i: usize| words.get(i).copied().ok_or("a short result line");
        let hidden = match word(5)? {
            "." => "",
            text => text,
        };
        Ok(ResultCapture {
            regs: unhex(word(0)?)?,
            x87_tags: unhex(word(1)?)?[0],
            st: [unhex(word(2)?)?, unhex(word(3)?)?].concat(),
            rax_is_hidden: word(4)? == "1",
            hidden: unhex(hidden)?,
        })
    }
}

/// Compares the data bytes of `value` from `offset` on with `found`.
fn compare(value: &Arg, offset: usize, found: &[u8], what: &str) -> Result<(), String> {
    for (i, &byte) in found.iter().enumerate() {
        let at = offset + i;
        if value.mask[at] && value.bytes[at] != byte {
            return Err(format!(
                "{what}: byte {at} of the value is {:#04x}, the capture holds {byte:#04x}",
                value.bytes[at]
            ));
        }
    }
    Ok(())
}

fn gpr_index(g: Gpr) -> usize {
    match g {
        Gpr::Rdi => 0,
        Gpr::Rsi => 1,
        Gpr::Rdx => 2,
        Gpr::Rcx => 3,
        Gpr::R8 => 4,
        Gpr::R9 => 5,
        Gpr::Rax => 6,
    }
}

/// Checks the argument call: every argument where `placement` puts it, and `al`.
pub fn check_args(placement: &Placement, args: &[Arg], capture: &ArgCapture) -> Result<(), String> {
    for (index, (place, arg)) in placement.args().iter().zip(args).enumerate() {
        match place {
            ArgPlace::Registers(parts) => {
                for part in parts {
                    let bytes = match part.register {
                        Register::Gpr(g) => &capture.regs[8 * gpr_index(g)..][..8],
                        Register::Xmm(n) => &capture.regs[56 + 16 * usize::from(n)..][..16],
                        Register::St0 | Register::St1 => {
                            return Err(format!("argument {index} predicted in an x87 register"))
                        }
                    };
                    let what = format!("argument {index}, {:?}", part.register);
                    compare(arg, part.offset, &bytes[..part.len], &what)?;
                }
            }
            ArgPlace::Stack { offset, size } => {
                let slot = capture
                    .stack
                    .get(*offset..offset + size)
                    .ok_or_else(|| format!("argument {index} predicted past the stack area"))?;
                compare(
                    arg,
                    0,
                    slot,
                    &format!("argument {index} at stack offset {offset}"),
                )?;
            }
        }
    }
    let area = u64::from_le_bytes(capture.regs[184..192].try_into().expect("8 bytes"));
    if placement.stack_size() > 0 && area % placement.stack_align() as u64 != 0 {
        return Err(format!(
            "the stack area is at {area:#x}, predicted aligned to {}",
            placement.stack_align()
        ));
    }
    if let Some(al) = placement.al() {
        let found = capture.regs[8 * gpr_index(Gpr::Rax)];
        if found != al {
            return Err(format!("al is {found}, predicted {al}"));
        }
    }
    Ok(())
}

/// Checks the result call.
pub fn check_result(
    placement: &Placement,
    value: &Arg,
    capture: &ResultCapture,
) -> Result<(), String> {
    match placement.result() {
        ResultPlace::Memory => {
            if !capture.rax_is_hidden {
                return Err("result predicted in memory, but rax is not the hidden pointer".into());
            }
            if capture.x87_tags != 0 {
                return Err("result predicted in memory, but the x87 stack is not empty".into());
            }
            compare(value, 0, &capture.hidden, "result in memory")
        }
        ResultPlace::Registers(parts) => {
            let x87 = parts
                .iter()
                .any(|p| matches!(p.register, Register::St0 | Register::St1));
            if x87 != (capture.x87_tags != 0) {
                return Err(format!(
                    "result predicted {}in x87 registers, the x87 tags are {:#04x}",
                    if x87 { "" } else { "not " },
                    capture.x87_tags
                ));
            }
            parts
                .iter()
                .try_for_each(|part| check_result_part(part, value, capture))
        }
        ResultPlace::Void => Err("a record result predicted void".into()),
    }
}

fn check_result_part(part: &Part, value: &Arg, capture: &ResultCapture) -> Result<(), String> {
    let bytes = match part.register {
        Register::Gpr(Gpr::Rax) => &capture.regs[0..8],
        Register::Gpr(Gpr::Rdx) => &capture.regs[8..16],
        Register::Xmm(0) => &capture.regs[16..32],
        Register::Xmm(1) => &capture.regs[32..48],
        Register::St0 => &capture.st[0..10],
        Register::St1 => &capture.st[10..20],
        other => return Err(format!("result predicted in {other:?}")),
    };
    compare(
        value,
        part.offset,
        &bytes[..part.len],
        &format!("result, {:?}", part.register),
    )
}
