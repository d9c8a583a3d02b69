//! The classes of the System V x86-64 psABI: what kind of register, if any, carries each
//! eightbyte of a value, and the rules that combine them.
//!
//! The rules are the psABI's (§3.2.3) as GCC applies them, which is the reference here:
//! - two classes in one eightbyte merge by [`Class::merge`]: equal classes stay, NO_CLASS gives
//!   way to the other, MEMORY wins, then INTEGER, then any of the x87 classes turns the
//!   eightbyte into MEMORY, and what is left is SSE;
//! - once every member is merged, [`post_merge`] looks at the eightbytes in order: any MEMORY
//!   sends the whole value to memory, an SSEUP not after SSE or SSEUP becomes SSE, and an X87UP
//!   not right after X87 sends the value to memory (GCC since 4.4: `union { long double x; int
//!   i; }` is passed in memory).
//!
//! GCC also keeps finer classes (`INTEGERSI`, `SSESF`, `SSEDF`) that choose the width of the
//! register move; they never change which register an eightbyte takes, so they are not kept.

/// The most eightbytes a value passed in registers has.
pub const MAX_EIGHTBYTES: usize = 2;

/// The class of one eightbyte.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Class {
    /// Only padding, or nothing: the eightbyte takes no register.
    NoClass,
    /// A general-purpose register.
    Integer,
    /// The low half of a vector (`xmm`) register.
    Sse,
    /// The upper half of the vector register of the eightbyte before (vector types and
    /// `__float128`, which the runtime does not have yet).
    SseUp,
    /// The 64-bit mantissa of an x87 `long double`, returned in `st0`.
    X87,
    /// The sign and exponent of an x87 `long double`.
    X87Up,
    /// A whole `long double _Complex`: passed in memory as an argument, returned with its
    /// real part in `st0` and its imaginary part in `st1`.
    ComplexX87,
    /// Passed in memory.
    Memory,
}

impl Class {
    /// The psABI's name of the class.
    pub fn psabi_name(self) -> &'static str {
        match self {
            Class::NoClass => "NO_CLASS",
            Class::Integer => "INTEGER",
            Class::Sse => "SSE",
            Class::SseUp => "SSEUP",
            Class::X87 => "X87",
            Class::X87Up => "X87UP",
            Class::ComplexX87 => "COMPLEX_X87",
            Class::Memory => "MEMORY",
        }
    }

    /// The class of an eightbyte that holds data of both classes.
    pub fn merge(self, other: Class) -> Class {
        use Class::*;
        match (self, other) {
            (a, b) if a == b => a,
            (NoClass, b) => b,
            (a, NoClass) => a,
            (Memory, _) | (_, Memory) => Memory,
            (Integer, _) | (_, Integer) => Integer,
            (X87 | X87Up | ComplexX87, _) | (_, X87 | X87Up | ComplexX87) => Memory,
            _ => Sse,
        }
    }
}

impl std::fmt::Display for Class {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.psabi_name())
    }
}

/// The psABI's clean-up once every member is merged: `false` when the value goes to memory.
/// An SSEUP that follows neither SSE nor SSEUP becomes SSE in place.
pub(super) fn post_merge(classes: &mut [Class]) -> bool {
    for i in 0..classes.len() {
        let before = if i == 0 { None } else { Some(classes[i - 1]) };
        match classes[i] {
            Class::Memory => return false,
            Class::SseUp if !matches!(before, Some(Class::Sse | Class::SseUp)) => {
                classes[i] = Class::Sse;
            }
            Class::X87Up if before != Some(Class::X87) => return false,
            _ => {}
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::Class::*;
    use super::*;

    #[test]
    fn merge_follows_the_psabi_order() {
        assert_eq!(NoClass.merge(Sse), Sse);
        assert_eq!(Sse.merge(NoClass), Sse);
        assert_eq!(Sse.merge(Sse), Sse);
        assert_eq!(Sse.merge(Integer), Integer);
        assert_eq!(Integer.merge(Sse), Integer);
        assert_eq!(Memory.merge(Integer), Memory);
        // INTEGER is decided before the x87 rule: `union { long double x; long l[2]; }` is
        // passed in two general registers by GCC.
        assert_eq!(X87.merge(Integer), Integer);
        assert_eq!(X87Up.merge(Integer), Integer);
        assert_eq!(X87.merge(Sse), Memory);
        assert_eq!(Sse.merge(X87Up), Memory);
        assert_eq!(ComplexX87.merge(Sse), Memory);
        assert_eq!(X87.merge(X87), X87);
        assert_eq!(SseUp.merge(Sse), Sse);
    }

    #[test]
    fn post_merge_rules() {
        let mut ok = [X87, X87Up];
        assert!(post_merge(&mut ok));
        let mut lone_up = [Integer, X87Up];
        assert!(!post_merge(&mut lone_up));
        let mut first_up = [X87Up];
        assert!(!post_merge(&mut first_up));
        let mut memory = [Sse, Memory];
        assert!(!post_merge(&mut memory));
        let mut sseup = [Integer, SseUp];
        assert!(post_merge(&mut sseup));
        assert_eq!(sseup, [Integer, Sse]);
        let mut vector = [Sse, SseUp];
        assert!(post_merge(&mut vector));
        assert_eq!(vector, [Sse, SseUp]);
    }
}
