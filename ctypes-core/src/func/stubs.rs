//! The register-call stubs: one small function per (integer argument count, floating argument
//! count, result class), each calling a code address with its integer-class arguments and its
//! floating ones taken from one array of slots.
//!
//! On SysV x86-64 the integer-class arguments of a non-variadic function take the registers
//! `rdi, rsi, rdx, rcx, r8, r9` in their order among themselves, and the floating ones
//! `xmm0`–`xmm7` in theirs, whatever the interleaving in the C declaration; so a stub that
//! passes `n` words and then `m` doubles loads the very registers a C caller of
//! `f(int, double, long)` would. The words arrive already extended to 64 bits (a callee may rely
//! on integers narrower than 32 bits being extended by its caller), a `float` travels in the low
//! 32 bits of its double-sized slot, and the result is returned as its bits.
//!
//! The stub's Rust view of the callee (`u64` for every integer-class parameter, `f64` for every
//! floating one) differs from the C declaration only in ways the ABI does not see: the same
//! registers carry the same bits. The callee is C code, reached only through its address, as
//! libffi reaches it; a Rust function must never be called through a stub.

use std::ffi::c_void;

/// Integer-class argument registers.
pub(crate) const MAX_INTS: usize = 6;
/// Floating argument registers.
pub(crate) const MAX_FLOATS: usize = 8;

/// Where the floating arguments start in a stub's slots; the integer-class ones start at 0.
pub(crate) const FIRST_FLOAT: usize = MAX_INTS;
/// The slots a stub reads its arguments from: a power of two, so that an index masked with
/// `SLOTS - 1` needs no bounds check.
pub(crate) const SLOTS: usize = 16;
const _: () = assert!(FIRST_FLOAT + MAX_FLOATS <= SLOTS && SLOTS.is_power_of_two());

/// A stub: calls `code` with the integer-class arguments `slots[..I]` and the floating ones
/// `slots[FIRST_FLOAT..][..F]` and returns the result's bits (an integer result as the whole
/// register, a `float` in the low 32 bits, `void` as 0).
///
/// # Safety
/// `code` must be a non-variadic function whose integer-class parameters (integers, `_Bool`,
/// pointers) number the stub's `I` and are each at most 8 bytes, whose floating parameters
/// (`float`, `double`) number its `F`, and whose result is of the stub's class; `slots` must
/// point to [`SLOTS`] words of which those the stub reads are initialised: each integer
/// extended to 64 bits (sign- or zero-), each `double` as its bits, a `float`'s bits in the low
/// 32.
pub(crate) type Stub = unsafe fn(code: *const c_void, slots: *const u64) -> u64;

/// How the result comes back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ResultClass {
    Void = 0,
    /// In `rax`: any integer, `_Bool` or pointer.
    Integer = 1,
    /// In the low half of `xmm0`.
    Float = 2,
    /// In `xmm0`.
    Double = 3,
}

/// The stub for `ints` integer-class and `floats` floating arguments and a result of `class`,
/// or `None` when the arguments do not all fit in registers.
pub(crate) fn stub(ints: usize, floats: usize, class: ResultClass) -> Option<Stub> {
    STUBS.get(class as usize)?.get(ints)?.get(floats).copied()
}

/// The type of an argument slot, by the kind of array it comes from.
macro_rules! slot_type {
    (int $i:literal) => {
        u64
    };
    (float $i:literal) => {
        f64
    };
}

/// One stub: `$ret` is the Rust type the result register is read as, `$bits` turns it into the
/// returned word.
macro_rules! stub {
    ($ret:ty, $bits:expr; [$($i:literal)*] [$($f:literal)*]) => {{
        // A stub without arguments does not read the slots.
        #[allow(unused_variables)]
        unsafe fn stub(code: *const c_void, slots: *const u64) -> u64 {
            type Callee =
                unsafe extern "C" fn($(slot_type!(int $i),)* $(slot_type!(float $f),)*) -> $ret;
            // SAFETY: a code address and an `extern "C"` function pointer have the same size;
            // the caller promises that `code` takes the integer-class arguments in the
            // registers these `u64` parameters occupy and the floating ones in those of these
            // `f64` parameters (see the module's notes), and returns its result where `$ret`
            // is read from.
            let function = unsafe { std::mem::transmute::<*const c_void, Callee>(code) };
            // SAFETY: the caller promises initialised words at `slots[..I]` and
            // `slots[FIRST_FLOAT..][..F]`, and a function of this shape at `code`.
            let result = unsafe {
                function(
                    $(*slots.add($i),)*
                    $(f64::from_bits(*slots.add(FIRST_FLOAT + $f)),)*
                )
            };
            #[allow(clippy::redundant_closure_call)]
            ($bits)(result)
        }
        stub as Stub
    }};
}

/// The stubs for `$ints` integer arguments and every floating count, 0 to 8.
macro_rules! row {
    ($ret:ty, $bits:expr; $ints:tt) => {
        [
            stub!($ret, $bits; $ints []),
            stub!($ret, $bits; $ints [0]),
            stub!($ret, $bits; $ints [0 1]),
            stub!($ret, $bits; $ints [0 1 2]),
            stub!($ret, $bits; $ints [0 1 2 3]),
            stub!($ret, $bits; $ints [0 1 2 3 4]),
            stub!($ret, $bits; $ints [0 1 2 3 4 5]),
            stub!($ret, $bits; $ints [0 1 2 3 4 5 6]),
            stub!($ret, $bits; $ints [0 1 2 3 4 5 6 7]),
        ]
    };
}

/// The stubs of one result class, for every integer count, 0 to 6.
macro_rules! table {
    ($ret:ty, $bits:expr) => {
        [
            row!($ret, $bits; []),
            row!($ret, $bits; [0]),
            row!($ret, $bits; [0 1]),
            row!($ret, $bits; [0 1 2]),
            row!($ret, $bits; [0 1 2 3]),
            row!($ret, $bits; [0 1 2 3 4]),
            row!($ret, $bits; [0 1 2 3 4 5]),
        ]
    };
}

/// Indexed by result class, integer count, floating count.
static STUBS: [[[Stub; MAX_FLOATS + 1]; MAX_INTS + 1]; 4] = [
    table!((), |()| 0),
    table!(u64, |word: u64| word),
    table!(f32, |x: f32| u64::from(x.to_bits())),
    table!(f64, |x: f64| x.to_bits()),
];
