//! The System V x86-64 calling convention, owned rather than left to libffi: how every C type
//! is classified into eightbyte classes, and where a whole call's arguments and result go.
//!
//! Pure computation over the runtime's types, with no `unsafe` and no C calls; the call engine
//! and the callback trampolines build on it. GCC is the reference: the `abi_vs_gcc` test of
//! the `tests` crate checks [`Placement`] against what GCC-compiled code leaves in registers
//! and on the stack, for random records and signatures.
//!
//! - `class`: the psABI's classes ([`Class`]) and how they merge;
//! - `classify`: the classification of one type ([`classify`]), with GCC's reading of the
//!   psABI; `walk`: the member-by-member walk behind it;
//! - `placement`: registers, stack offsets, hidden result pointer, `al` and the stack area of a
//!   whole call ([`Placement`]).
//!
//! The module is compiled only for x86-64 Unix targets, where the runtime's scalar sizes are
//! those of the System V ABI.

#![forbid(unsafe_code)]

mod class;
mod classify;
mod placement;
mod walk;

pub use class::{Class, MAX_EIGHTBYTES};
pub use classify::{classify, Classification};
pub use placement::{
    ArgPlace, Gpr, Part, Placement, Register, ResultPlace, ARGUMENT_GPRS, ARGUMENT_XMMS,
};
