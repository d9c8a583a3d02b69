//! The register call's one piece of machine code: load the argument registers from an array of
//! slots, call a code address, and hand back the result registers.
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
#[cfg(all(
    target_arch = "x86_64",
    target_pointer_width = "64",
    unix,
    not(target_os = "cygwin")
))]
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

/// Elsewhere the register call is never chosen (`Registers::of` refuses every signature).
///
/// # Safety
/// Never to be called.
#[cfg(not(all(
    target_arch = "x86_64",
    target_pointer_width = "64",
    unix,
    not(target_os = "cygwin")
)))]
pub(crate) unsafe fn call(
    _code: *const c_void,
    _slots: &[MaybeUninit<u64>; SLOTS],
    _floats: u8,
) -> Returned {
    unreachable!("the register call exists only on x86-64 System V")
}
