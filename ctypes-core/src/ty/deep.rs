//! Recursion over types of any depth.
//!
//! Types built at run time may nest without bound (structs in structs, function types in
//! parameter lists), far deeper than any C compiler accepts. Code that walks a type recursively
//! runs each level through [`deeper`], which moves to a new stack segment when little of the
//! current one is left, so such a type cannot overflow the stack.

/// Runs `f`, first moving to a new stack segment (of 1 MiB) if less than 64 KiB of this one is
/// left.
#[inline]
pub(crate) fn deeper<R>(f: impl FnOnce() -> R) -> R {
    stacker::maybe_grow(64 * 1024, 1024 * 1024, f)
}
