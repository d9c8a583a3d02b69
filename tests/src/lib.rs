//! Shared helpers of the integration tests: random C records, the C compiler, and the bridge
//! between a record described as C source and the same record built with `ctypes-core`.
//!
//! - [`model`]: a struct or union as a small syntax tree, printed as C and walked for its
//!   members, paths and leaves;
//! - [`random`]: a seeded generator of such records;
//! - [`engine`]: the same record built with [`ctypes_core::CType`], paths resolved to places in
//!   memory, and the bytes C's assignments are expected to leave there;
//! - [`fixture`]: the C fixture library (`c/`, built by `build.rs`), its records' run-time
//!   descriptions, and the helpers every call test uses;
//! - [`cc`]: compiling and running a C program with the system compiler;
//! - [`headers`]: system headers preprocessed for the C-declarations tests;
//! - [`register_shapes`]: the fixture functions of the register call, one per shape;
//! - [`abi_calls`], [`abi_check`]: random calls compiled by the C compiler, and what their
//!   capture must show given the placement `ctypes-core` predicts;
//! - [`env_number`]: the environment variables that ask the random tests for more cases or
//!   another seed.

#[cfg(all(target_arch = "x86_64", unix))]
pub mod abi_calls;
#[cfg(all(target_arch = "x86_64", unix))]
pub mod abi_check;
pub mod cc;
pub mod engine;
pub mod fixture;
pub mod headers;
pub mod model;
pub mod random;
pub mod register_shapes;

/// The workspace README's examples, compiled and run as documentation tests (here rather than
/// in `ctypes-core`, whose published package holds only its own files).
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;

/// The number in the environment variable `name` (decimal, or hexadecimal after `0x`), if it
/// is set: how the random tests take their case counts and seeds.
///
/// # Panics
/// If the variable is set to something else than a number.
pub fn env_number(name: &str) -> Option<u64> {
    let text = std::env::var(name).ok()?;
    let text = text.trim();
    let parsed = match text.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16),
        None => text.parse(),
    };
    Some(parsed.unwrap_or_else(|_| panic!("{name} must be a number, not {text:?}")))
}
