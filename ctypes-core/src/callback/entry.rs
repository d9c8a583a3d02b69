//! The common entry of every callback stub (`stubs.rs`): machine code that saves the argument
//! registers, calls the callback's Rust handler, and returns its result as C expects it.
//!
//! A stub jumps here with `r10` pointing to its data slot (handler at `[r10 + 8]`, context at
//! `[r10 + 16]`) and the stack as the C caller left it. The entry:
//! 1. saves `rdi`..`r9` and `xmm0`–`xmm7` (16 bytes each) into a [`Saved`] block on its frame;
//! 2. calls `handler(context, saved, stack, result)`, where `stack` is the address of the
//!    caller's stack arguments (the stack pointer at entry plus 8) and `result` a
//!    [`ResultBlock`] the handler fills;
//! 3. pushes the x87 values the handler asks for (its return value: 0, 1 or 2; for 2 `st1` is
//!    pushed first, so that `st0` ends on top), loads `rax`, `rdx`, `xmm0` and `xmm1` from the
//!    result block, and returns. A result in memory comes back as C requires: the handler
//!    writes it through the hidden pointer (saved `rdi`) and puts that pointer in `rax`.
//!
//! Callee-saved registers are left alone but for `rbp`, saved and restored.

use std::ffi::c_void;

/// What the entry calls: `(context, saved registers, stack arguments, result block)`,
/// returning how many x87 values to push from the result block's `st1`/`st0`.
pub(super) type Handler =
    unsafe extern "C" fn(*const c_void, *mut Saved, *const u8, *mut ResultBlock) -> u32;

/// The argument registers as the entry saves them: `rdi, rsi, rdx, rcx, r8, r9`, then
/// `xmm0`–`xmm7` whole.
#[repr(C)]
pub(super) struct Saved {
    pub(super) gprs: [u64; 6],
    pub(super) xmms: [[u8; 16]; 8],
}

/// The result registers the entry loads: `rax`, `rdx`, `xmm0`, `xmm1` whole, and the x87
/// values it pushes (10 bytes each).
#[repr(C, align(16))]
pub(super) struct ResultBlock {
    pub(super) rax: u64,
    pub(super) rdx: u64,
    pub(super) xmm0: [u8; 16],
    pub(super) xmm1: [u8; 16],
    pub(super) st0: [u8; 16],
    pub(super) st1: [u8; 16],
}

/// Puts a scalar result's word in both `rax` and the low half of `xmm0`: the caller reads the
/// one its type comes back in.
///
/// # Safety
/// `result` must be the entry's result block.
#[inline(always)]
pub(super) unsafe fn set_word(result: *mut ResultBlock, word: u64) {
    // SAFETY: the caller promises a valid block; both fields are 8-aligned.
    unsafe {
        (&raw mut (*result).rax).write(word);
        (&raw mut (*result).xmm0).cast::<u64>().write(word);
    }
}

// The offsets the entry below uses, which are the register file's (`encode::register_file`),
// from which the plan reads arguments and writes results.
const _: () = {
    use crate::abi::{Gpr, Register};
    use crate::encode::register_file::{result_register, ARGUMENT_BYTES, RESULT_BYTES, XMM_AT};
    const fn result_at(register: Register) -> usize {
        match result_register(register) {
            Some((at, _)) => at,
            None => usize::MAX,
        }
    }
    assert!(size_of::<Saved>() == 176 && ARGUMENT_BYTES == 176);
    assert!(std::mem::offset_of!(Saved, xmms) == 48 && XMM_AT == 48);
    assert!(size_of::<ResultBlock>() == 80 && RESULT_BYTES == 80);
    assert!(std::mem::offset_of!(ResultBlock, rax) == result_at(Register::Gpr(Gpr::Rax)));
    assert!(std::mem::offset_of!(ResultBlock, rdx) == 8);
    assert!(std::mem::offset_of!(ResultBlock, rdx) == result_at(Register::Gpr(Gpr::Rdx)));
    assert!(std::mem::offset_of!(ResultBlock, xmm0) == 16);
    assert!(std::mem::offset_of!(ResultBlock, xmm0) == result_at(Register::Xmm(0)));
    assert!(std::mem::offset_of!(ResultBlock, xmm1) == 32);
    assert!(std::mem::offset_of!(ResultBlock, xmm1) == result_at(Register::Xmm(1)));
    assert!(std::mem::offset_of!(ResultBlock, st0) == 48);
    assert!(std::mem::offset_of!(ResultBlock, st0) == result_at(Register::St0));
    assert!(std::mem::offset_of!(ResultBlock, st1) == 64);
    assert!(std::mem::offset_of!(ResultBlock, st1) == result_at(Register::St1));
};

/// The common entry; see the module's documentation. Not to be called from Rust.
///
/// Frame (from the stack pointer after the prologue, which is 16-byte aligned): the saved
/// registers at 0..176, the result block at 176..256; the caller's return address at
/// `rbp + 8` and its stack arguments from `rbp + 16`.
#[unsafe(naked)]
pub(super) unsafe extern "C" fn entry() {
    // The call frame information lets debuggers, profilers and backtraces taken inside a
    // callback walk through the entry to C's frames (nothing unwinds through it: every panic
    // is caught below).
    core::arch::naked_asm!(
        ".cfi_startproc",
        "endbr64",
        "push rbp",
        ".cfi_def_cfa_offset 16",
        ".cfi_offset rbp, -16",
        "mov rbp, rsp",
        ".cfi_def_cfa_register rbp",
        "sub rsp, 256",
        "mov [rsp], rdi",
        "mov [rsp + 8], rsi",
        "mov [rsp + 16], rdx",
        "mov [rsp + 24], rcx",
        "mov [rsp + 32], r8",
        "mov [rsp + 40], r9",
        "movaps [rsp + 48], xmm0",
        "movaps [rsp + 64], xmm1",
        "movaps [rsp + 80], xmm2",
        "movaps [rsp + 96], xmm3",
        "movaps [rsp + 112], xmm4",
        "movaps [rsp + 128], xmm5",
        "movaps [rsp + 144], xmm6",
        "movaps [rsp + 160], xmm7",
        "mov rdi, [r10 + 16]",
        "mov rsi, rsp",
        "lea rdx, [rbp + 16]",
        "lea rcx, [rsp + 176]",
        "call qword ptr [r10 + 8]",
        "test eax, eax",
        "jz 2f",
        "cmp eax, 1",
        "je 3f",
        "fld tbyte ptr [rsp + 240]",
        "3:",
        "fld tbyte ptr [rsp + 224]",
        "2:",
        "mov rax, [rsp + 176]",
        "mov rdx, [rsp + 184]",
        "movaps xmm0, [rsp + 192]",
        "movaps xmm1, [rsp + 208]",
        "leave",
        ".cfi_def_cfa rsp, 8",
        "ret",
        ".cfi_endproc",
    );
}

/// The handler of a stub whose callback was freed: C called a callback after its last handle
/// was dropped, which nothing can answer; the process stops rather than run freed state.
///
/// # Safety
/// None needed: it reads nothing.
pub(super) unsafe extern "C" fn freed(
    _context: *const c_void,
    _saved: *mut Saved,
    _stack: *const u8,
    _result: *mut ResultBlock,
) -> u32 {
    use std::io::Write;
    let _ = writeln!(
        std::io::stderr(),
        "ctypes: C called a callback that was freed; stopping"
    );
    std::process::abort()
}
