//! The register file the call engine's assembly loads and the callbacks' common entry saves,
//! and the result block both hold after a call: one layout, so that the registers of a System
//! V placement ([`Register`]) lie at the same byte offsets on both sides of a call.
//!
//! - Argument registers ([`ARGUMENT_BYTES`] bytes): `rdi, rsi, rdx, rcx, r8, r9`, 8 bytes each,
//!   then `xmm0`–`xmm7` from [`XMM_AT`], 16 bytes each (room for an SSEUP eightbyte).
//! - Result block ([`RESULT_BYTES`] bytes): `rax` at 0, `rdx` at 8, `xmm0` at 16 and `xmm1` at
//!   32 (16 bytes each), then `st0` at 48 and `st1` at 64 (the 10 bytes of an x87 value, in 16).

use crate::abi::{Gpr, Register, ARGUMENT_GPRS, ARGUMENT_XMMS};

/// Where `xmm0` starts among the argument registers, in bytes.
pub(crate) const XMM_AT: usize = 8 * ARGUMENT_GPRS.len();
/// Bytes of the argument registers.
pub(crate) const ARGUMENT_BYTES: usize = XMM_AT + 16 * ARGUMENT_XMMS as usize;
/// Bytes of the result block.
pub(crate) const RESULT_BYTES: usize = 80;

/// Where an argument register lies among the argument registers, in bytes (`None` for one
/// that carries no argument).
pub(crate) const fn argument_register(register: Register) -> Option<usize> {
    match register {
        Register::Gpr(Gpr::Rdi) => Some(0),
        Register::Gpr(Gpr::Rsi) => Some(8),
        Register::Gpr(Gpr::Rdx) => Some(16),
        Register::Gpr(Gpr::Rcx) => Some(24),
        Register::Gpr(Gpr::R8) => Some(32),
        Register::Gpr(Gpr::R9) => Some(40),
        Register::Xmm(n) if n < ARGUMENT_XMMS => Some(XMM_AT + 16 * n as usize),
        _ => None,
    }
}

/// Where a result register lies in the result block, and how many bytes it has there (`None`
/// for one that carries no result).
pub(crate) const fn result_register(register: Register) -> Option<(usize, usize)> {
    match register {
        Register::Gpr(Gpr::Rax) => Some((0, 8)),
        Register::Gpr(Gpr::Rdx) => Some((8, 8)),
        Register::Xmm(0) => Some((16, 16)),
        Register::Xmm(1) => Some((32, 16)),
        Register::St0 => Some((48, 16)),
        Register::St1 => Some((64, 16)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argument_registers_follow_each_other_in_the_psabi_order() {
        for (i, &gpr) in ARGUMENT_GPRS.iter().enumerate() {
            assert_eq!(argument_register(Register::Gpr(gpr)), Some(8 * i));
        }
        for n in 0..ARGUMENT_XMMS {
            assert_eq!(
                argument_register(Register::Xmm(n)),
                Some(48 + 16 * usize::from(n))
            );
        }
        assert_eq!(argument_register(Register::Xmm(8)), None);
        assert_eq!(argument_register(Register::Gpr(Gpr::Rax)), None);
        assert_eq!(ARGUMENT_BYTES, 176);
        let ends = [Gpr::Rax, Gpr::Rdx]
            .map(Register::Gpr)
            .into_iter()
            .chain([
                Register::Xmm(0),
                Register::Xmm(1),
                Register::St0,
                Register::St1,
            ])
            .map(|r| result_register(r).map(|(at, room)| at + room));
        assert_eq!(ends.max().flatten(), Some(RESULT_BYTES));
    }
}
