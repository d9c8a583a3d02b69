//! The call engine's machine code, in inline assembly: [`call`], the register call (load the
//! argument registers from an array of slots, call a code address, hand back `rax` and
//! `xmm0`); [`call_ints`], the same for integer-class arguments only, which the compiler puts
//! in their registers itself; and [`call_with_stack`], the general call (also copy an outgoing
//! stack area below an aligned stack pointer, set `al`, and hand back `rax`, `rdx`, `xmm0`,
//! `xmm1` and the x87 values a result leaves).
//!
//! On x86-64 System V the integer-class arguments of a non-variadic function take the
//! registers `rdi, rsi, rdx, rcx, r8, r9` in their order among themselves, and the floating
//! ones `xmm0`–`xmm7` in theirs, whatever the interleaving in the C declaration: a call is fully
//! described by the ordered integer-class words, the ordered floating ones and the result's
//! class. The words arrive already extended to 64 bits (a callee may rely on integers narrower
//! than 32 bits being extended by its caller), a `float` travels in the low 32 bits of its
//! register, and the result comes back in `rax` (integers, `_Bool`, pointers: only the low bytes
//! of the type's size are defined) or in `xmm0` (`double`; a `float` in its low 32 bits).
//!
//! The call is made by inline assembly, so no Rust function type stands for the callee: every
//! argument register is loaded from its slot (those of no argument hold whatever the slot held,
//! and the callee does not read them), the callee sees an ordinary C call, and Rust sees an
//! opaque block that may read and write any memory and clobbers what the C calling convention
//! lets a callee clobber.

use std::ffi::c_void;
use std::mem::MaybeUninit;

/// Integer-class argument registers.
pub(crate) const MAX_INTS: usize = 6;
/// Floating argument registers.
pub(crate) const MAX_FLOATS: usize = 8;
/// Where the floating arguments start in the slots; the integer-class ones start at 0.
pub(crate) const FIRST_FLOAT: usize = MAX_INTS;
/// How many slots there are: a power of two, so that an index masked with `SLOTS - 1` needs no
/// bounds check.
pub(crate) const SLOTS: usize = 16;
const _: () = assert!(FIRST_FLOAT + MAX_FLOATS <= SLOTS && SLOTS.is_power_of_two());
// The offsets the assembly below loads from.
const _: () = assert!(FIRST_FLOAT == 6 && MAX_INTS == 6 && MAX_FLOATS == 8);

/// The result registers after a call: `rax` and the bits of `xmm0`'s low 64 bits.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Returned {
    pub(crate) rax: u64,
    pub(crate) xmm0: u64,
}

/// Calls `code` with `rdi, rsi, rdx, rcx, r8, r9` loaded from `slots[..6]`, `xmm0`–`xmm7`
/// from `slots[6..14]` and `al` set to `floats`, the number of floating arguments; returns
/// `rax` and `xmm0`.
///
/// # Safety
/// `code` must be a non-variadic C function taking its arguments in registers only, each
/// integer-class parameter (integers of at most 8 bytes, `_Bool`, pointers) in the register its
/// position among them gives, from the slot of that register (initialised, extended to 64
/// bits), each floating one (`float`, `double`) likewise from the slots from [`FIRST_FLOAT`],
/// and returning `void`, an integer-class value, `float` or `double`; and whatever the function
/// itself requires of its arguments must hold. The slots no argument takes may be
/// uninitialised: the registers loaded from them are not read by the callee.
#[cfg(ctypes_sysv64)]
#[inline(always)]
pub(crate) unsafe fn call(
    code: *const c_void,
    slots: &[MaybeUninit<u64>; SLOTS],
    floats: u8,
) -> Returned {
    let (rax, xmm0): (u64, u64);
    // SAFETY: the caller promises a C function of this shape at `code`. The block loads every
    // argument register from the slots (the machine reads uninitialised bytes as whatever they
    // hold; only the slots of real arguments reach the callee's reads), through `r11`, which is
    // no argument register, and calls through `r10`, another; `al` says how many vector
    // registers carry arguments, as a variadic callee expects (a function declared without its
    // `...` is a common mistake, and this makes it work as it does through libffi). Addresses
    // are widened to the full registers. Without `nostack`, the stack is aligned
    // for a call at the block; without `nomem`, the callee may read and write any memory;
    // `clobber_abi("C")` tells that every register a C function may change is changed, and the
    // callee preserves the rest, as the ABI requires of it.
    unsafe {
        std::arch::asm!(
            "mov rdi, [r11]",
            "mov rsi, [r11 + 8]",
            "mov rdx, [r11 + 16]",
            "mov rcx, [r11 + 24]",
            "mov r8, [r11 + 32]",
            "mov r9, [r11 + 40]",
            "movq xmm0, [r11 + 48]",
            "movq xmm1, [r11 + 56]",
            "movq xmm2, [r11 + 64]",
            "movq xmm3, [r11 + 72]",
            "movq xmm4, [r11 + 80]",
            "movq xmm5, [r11 + 88]",
            "movq xmm6, [r11 + 96]",
            "movq xmm7, [r11 + 104]",
            "call r10",
            "movq rcx, xmm0",
            in("r10") code as usize as u64,
            inout("rax") u64::from(floats) => rax,
            in("r11") slots.as_ptr() as usize as u64,
            lateout("rcx") xmm0,
            clobber_abi("C"),
        );
    }
    Returned { rax, xmm0 }
}

/// One block of [`call_ints`]: calls `code` with the given words in the given registers.
#[cfg(ctypes_sysv64)]
macro_rules! call_with_words {
    ($code:expr $(, $register:tt = $word:expr)*) => {{
        let (rax, xmm0): (u64, u64);
        // SAFETY: as for `call_ints`, whose caller promises a C function at `code` taking
        // these registers' words as its integer-class arguments. The words are loaded into
        // their argument registers by the compiler, `al` is 0 (no vector register carries an
        // argument), and the block calls through `r10`, no argument register. Without
        // `nostack`, the stack is aligned for a call at the block; without `nomem`, the callee
        // may read and write any memory; `clobber_abi("C")` tells that every register a C
        // function may change is changed, and the callee preserves the rest.
        unsafe {
            std::arch::asm!(
                "call r10",
                "movq rcx, xmm0",
                in("r10") $code as usize as u64,
                inout("rax") 0u64 => rax,
                $(in($register) $word,)*
                lateout("rcx") xmm0,
                clobber_abi("C"),
            );
        }
        Returned { rax, xmm0 }
    }};
}

/// [`call`] for a function whose `count` arguments are all integer-class (at most
/// [`MAX_INTS`]): `words[..count]` go straight into `rdi, rsi, rdx, rcx, r8, r9`, without a
/// trip through memory when the compiler keeps them in registers (as it can when `count` is
/// known where the call is inlined), and no vector register is loaded.
///
/// # Safety
/// As for [`call`], with no floating arguments, the integer-class ones from `words`.
#[cfg(ctypes_sysv64)]
#[inline(always)]
pub(crate) unsafe fn call_ints(
    code: *const c_void,
    words: &[u64; MAX_INTS],
    count: usize,
) -> Returned {
    let word = |k: usize| words[k];
    match count {
        0 => call_with_words!(code),
        1 => call_with_words!(code, "rdi" = word(0)),
        2 => call_with_words!(code, "rdi" = word(0), "rsi" = word(1)),
        3 => call_with_words!(code, "rdi" = word(0), "rsi" = word(1), "rdx" = word(2)),
        4 => call_with_words!(
            code,
            "rdi" = word(0),
            "rsi" = word(1),
            "rdx" = word(2),
            "rcx" = word(3)
        ),
        5 => call_with_words!(
            code,
            "rdi" = word(0),
            "rsi" = word(1),
            "rdx" = word(2),
            "rcx" = word(3),
            "r8" = word(4)
        ),
        _ => call_with_words!(
            code,
            "rdi" = word(0),
            "rsi" = word(1),
            "rdx" = word(2),
            "rcx" = word(3),
            "r8" = word(4),
            "r9" = word(5)
        ),
    }
}

/// The argument registers of a general call, as [`call_with_stack`] loads them: `rdi, rsi,
/// rdx, rcx, r8, r9` from the words 0 to 5, then `xmm0`–`xmm7` from the words 6 to 21, 16
/// bytes each (the layout the callbacks' entry saves them in), of which the call loads the low
/// 8: no C type this crate describes has an eightbyte of class SSEUP (a vector type), and an
/// argument written as 8 bytes and read back as 16 would wait for its store to reach memory.
#[repr(C, align(16))]
pub(crate) struct ArgRegisters(pub(crate) [MaybeUninit<u64>; REGISTER_WORDS]);

/// Words of [`ArgRegisters`].
pub(crate) const REGISTER_WORDS: usize = 6 + 2 * MAX_FLOATS;
/// Where `xmm0` starts in [`ArgRegisters`], in bytes.
pub(crate) const XMM_BYTES: usize = 8 * MAX_INTS;

/// The result registers after a general call: `rax`, `rdx`, `xmm0` and `xmm1` whole, and the
/// x87 registers the callee left values in, each stored as its 10 bytes (`fstp`).
#[repr(C, align(16))]
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Results {
    pub(crate) rax: u64,
    pub(crate) rdx: u64,
    pub(crate) xmm0: [u8; 16],
    pub(crate) xmm1: [u8; 16],
    pub(crate) st0: [u8; 16],
    pub(crate) st1: [u8; 16],
}

impl Results {
    /// The registers' bytes, at the offsets of the fields.
    pub(crate) fn bytes(&self) -> [u8; size_of::<Results>()] {
        let mut out = [0u8; size_of::<Results>()];
        out[..8].copy_from_slice(&self.rax.to_ne_bytes());
        out[8..16].copy_from_slice(&self.rdx.to_ne_bytes());
        out[16..32].copy_from_slice(&self.xmm0);
        out[32..48].copy_from_slice(&self.xmm1);
        out[48..64].copy_from_slice(&self.st0);
        out[64..80].copy_from_slice(&self.st1);
        out
    }
}

// The offsets the assembly below stores at.
const _: () = {
    assert!(std::mem::offset_of!(Results, rdx) == 8);
    assert!(std::mem::offset_of!(Results, xmm0) == 16);
    assert!(std::mem::offset_of!(Results, xmm1) == 32);
    assert!(std::mem::offset_of!(Results, st0) == 48);
    assert!(std::mem::offset_of!(Results, st1) == 64);
    assert!(size_of::<Results>() == 80);
    assert!(XMM_BYTES == 48 && REGISTER_WORDS == 22);
};

// They are the register file's, from which the plans place arguments and read results.
#[cfg(ctypes_sysv64)]
const _: () = {
    use crate::abi::{Gpr, Register};
    use crate::encode::register_file::{
        argument_register, result_register, ARGUMENT_BYTES, RESULT_BYTES, XMM_AT,
    };
    const fn result_at(register: Register) -> usize {
        match result_register(register) {
            Some((at, _)) => at,
            None => usize::MAX,
        }
    }
    assert!(8 * REGISTER_WORDS == ARGUMENT_BYTES && XMM_BYTES == XMM_AT);
    assert!(matches!(
        argument_register(Register::Xmm(0)),
        Some(XMM_BYTES)
    ));
    assert!(size_of::<Results>() == RESULT_BYTES);
    assert!(std::mem::offset_of!(Results, rax) == result_at(Register::Gpr(Gpr::Rax)));
    assert!(std::mem::offset_of!(Results, rdx) == result_at(Register::Gpr(Gpr::Rdx)));
    assert!(std::mem::offset_of!(Results, xmm0) == result_at(Register::Xmm(0)));
    assert!(std::mem::offset_of!(Results, xmm1) == result_at(Register::Xmm(1)));
    assert!(std::mem::offset_of!(Results, st0) == result_at(Register::St0));
    assert!(std::mem::offset_of!(Results, st1) == result_at(Register::St1));
};

/// Calls `code` with the outgoing stack area `stack` (its bytes copied below the stack
/// pointer, which is aligned to `align` first), the argument registers loaded from
/// `registers`, and `al` set to `al`; stores the result registers into `results`, popping
/// `x87` values (0, 1 or 2) off the x87 stack into its `st0`/`st1`.
///
/// # Safety
/// `code` must be a C function whose arguments are exactly those in `registers` (the words
/// of the registers it reads initialised as its parameters' classes require) and `stack`
/// (laid out as the System V psABI places them, from offset 0 at the stack pointer at the
/// call; `stack.len()` a multiple of 8), `align` must be a power of two of at least 16 that
/// the area needs, and `x87` the number of values the function leaves on the x87 stack (1 for
/// a `long double` or a record of class X87, 2 for COMPLEX_X87, else 0); and whatever the
/// function itself requires of its arguments must hold.
#[cfg(ctypes_sysv64)]
#[inline(always)]
pub(crate) unsafe fn call_with_stack(
    code: *const c_void,
    registers: &ArgRegisters,
    stack: &[MaybeUninit<u8>],
    align: usize,
    al: u8,
    x87: u8,
    results: &mut Results,
) {
    debug_assert!(stack.len().is_multiple_of(8) && align.is_power_of_two() && align >= 16);
    // SAFETY: the caller promises a C function of this shape at `code`. Without `nostack` the
    // stack pointer is aligned to 16 at the block and nothing of Rust's lives below it (no red
    // zone is in use), so the block may move it down: it keeps the stack pointer in `r14`
    // (preserved by the callee), lowers it past the area and aligns it down to `align`,
    // touching every page on the way in order (a large area cannot jump over a guard page),
    // copies the area there word by word, loads every argument register (through `r11`, no
    // argument register; uninitialised words reach only registers the callee does not read),
    // sets `al` and calls through `r10`. After the call the stack pointer is restored, and the
    // result registers are stored through `r12` (preserved by the callee) into `results`; the
    // x87 stack is popped exactly `x87` times, as many values as the callee left there, so
    // that it is empty again as the ABI requires. `clobber_abi("C")` declares every register
    // a C function may change (x87 and vector registers included); `r14` is declared too.
    unsafe {
        std::arch::asm!(
            "mov r14, rsp",
            "lea rdi, [rcx * 8]",
            "neg rdi",
            "add rdi, rsp",
            "and rdi, rdx",
            "2:",
            "sub rsp, 4096",
            "cmp rsp, rdi",
            "jbe 3f",
            "or qword ptr [rsp], 0",
            "jmp 2b",
            "3:",
            "mov rsp, rdi",
            "test rcx, rcx",
            "jz 5f",
            "4:",
            "mov r8, [rsi + rcx * 8 - 8]",
            "mov [rdi + rcx * 8 - 8], r8",
            "dec rcx",
            "jnz 4b",
            "5:",
            "mov rdi, [r11]",
            "mov rsi, [r11 + 8]",
            "mov rdx, [r11 + 16]",
            "mov rcx, [r11 + 24]",
            "mov r8, [r11 + 32]",
            "mov r9, [r11 + 40]",
            "movq xmm0, [r11 + 48]",
            "movq xmm1, [r11 + 64]",
            "movq xmm2, [r11 + 80]",
            "movq xmm3, [r11 + 96]",
            "movq xmm4, [r11 + 112]",
            "movq xmm5, [r11 + 128]",
            "movq xmm6, [r11 + 144]",
            "movq xmm7, [r11 + 160]",
            "call r10",
            "mov rsp, r14",
            "mov [r12], rax",
            "mov [r12 + 8], rdx",
            "movups [r12 + 16], xmm0",
            "movups [r12 + 32], xmm1",
            "test r13, r13",
            "jz 6f",
            "fstp tbyte ptr [r12 + 48]",
            "cmp r13, 1",
            "je 6f",
            "fstp tbyte ptr [r12 + 64]",
            "6:",
            in("r10") code as usize as u64,
            in("r11") registers.0.as_ptr() as usize as u64,
            in("r12") std::ptr::from_mut(results) as usize as u64,
            in("r13") u64::from(x87),
            out("r14") _,
            inout("rax") u64::from(al) => _,
            in("rcx") (stack.len() / 8) as u64,
            in("rdx") (align.wrapping_neg()) as u64,
            in("rsi") stack.as_ptr() as usize as u64,
            clobber_abi("C"),
        );
    }
}

/// Elsewhere the register call is never chosen (`Registers::of` refuses every signature).
///
/// # Safety
/// Never to be called.
#[cfg(not(ctypes_sysv64))]
pub(crate) unsafe fn call(
    _code: *const c_void,
    _slots: &[MaybeUninit<u64>; SLOTS],
    _floats: u8,
) -> Returned {
    unreachable!("the register call exists only on x86-64 System V")
}

/// Elsewhere the register call is never chosen (`Registers::of` refuses every signature).
///
/// # Safety
/// Never to be called.
#[cfg(not(ctypes_sysv64))]
pub(crate) unsafe fn call_ints(
    _code: *const c_void,
    _words: &[u64; MAX_INTS],
    _count: usize,
) -> Returned {
    unreachable!("the register call exists only on x86-64 System V")
}
