//! Rust types that give a record with bit-fields its C alignment and padding.

use super::markers::{AnyBits, ZeroValid};

/// `AlignAs<N>` names, through [`Alignment`], a zero-sized type of alignment `N`.
#[derive(Debug)]
pub struct AlignAs<const N: usize>;

/// See [`AlignAs`].
pub trait Alignment {
    /// Zero-sized, of the alignment asked for.
    type Zst: Copy + Default + core::fmt::Debug + Eq + Ord + core::hash::Hash;
}

macro_rules! alignments {
    ($($n:literal $name:ident)*) => {
        $(
            #[doc(hidden)]
            #[derive(Clone, Copy, Default, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
            // `repr(C)` with a field, so that a record holding it is FFI-safe to rustc's lints.
            #[repr(C, align($n))]
            pub struct $name([u8; 0]);
            impl Alignment for AlignAs<$n> {
                type Zst = $name;
            }
        )*
    };
}

alignments! {
    1 A1 2 A2 4 A4 8 A8 16 A16 32 A32 64 A64 128 A128 256 A256 512 A512 1024 A1024 2048 A2048
    4096 A4096 8192 A8192 16384 A16384 32768 A32768 65536 A65536 131072 A131072 262144 A262144
    524288 A524288 1048576 A1048576 2097152 A2097152 4194304 A4194304 8388608 A8388608
    16777216 A16777216 33554432 A33554432 67108864 A67108864 134217728 A134217728
    268435456 A268435456 536870912 A536870912
}

/// `Words<N>` names, through [`FloatWords`], the padding of `N` 4-byte floats: `[f32; N]`, or
/// `[u8; 0]` for none (a `[f32; 0]` would still raise the record's alignment).
#[derive(Debug)]
pub struct Words<const N: usize>;

/// See [`Words`].
pub trait FloatWords {
    /// The padding's type.
    type Array: Copy + Default + AnyBits + ZeroValid;
}

impl FloatWords for Words<0> {
    type Array = [u8; 0];
}

macro_rules! float_words {
    ($($n:literal)*) => {
        $(impl FloatWords for Words<$n> {
            type Array = [f32; $n];
        })*
    };
}

float_words! { 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 }
