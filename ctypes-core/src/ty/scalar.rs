//! The C scalar types, with the size, alignment and signedness of the target.

use core::ffi::{
    c_char, c_int, c_long, c_longlong, c_schar, c_short, c_uchar, c_uint, c_ulong, c_ulonglong,
    c_ushort,
};
use core::mem::{align_of, size_of};

/// A C scalar type: every integer type, `_Bool`, the real floating types and the complex ones.
///
/// Sizes, alignments and signedness are those of the compilation target (taken from
/// `core::ffi` and `libc`), so `long` is 8 bytes on 64-bit Linux and 4 on 64-bit Windows.
/// Typedef names (`size_t`, `int32_t`, …) are kept distinct from the type they alias so that
/// [`Display`](core::fmt::Display) prints what the user wrote; their layout is the same.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Scalar {
    /// `_Bool`
    Bool,
    /// `char`, signed or unsigned as the target says
    Char,
    /// `signed char`
    SChar,
    /// `unsigned char`
    UChar,
    /// `short`
    Short,
    /// `unsigned short`
    UShort,
    /// `int`
    Int,
    /// `unsigned int`
    UInt,
    /// `long`
    Long,
    /// `unsigned long`
    ULong,
    /// `long long`
    LongLong,
    /// `unsigned long long`
    ULongLong,
    /// `int8_t`
    Int8,
    /// `uint8_t`
    UInt8,
    /// `int16_t`
    Int16,
    /// `uint16_t`
    UInt16,
    /// `int32_t`
    Int32,
    /// `uint32_t`
    UInt32,
    /// `int64_t`
    Int64,
    /// `uint64_t`
    UInt64,
    /// `size_t`
    SizeT,
    /// `ssize_t`
    SSizeT,
    /// `ptrdiff_t`
    PtrdiffT,
    /// `intptr_t`
    IntptrT,
    /// `uintptr_t`
    UintptrT,
    /// `time_t`
    TimeT,
    /// `wchar_t`
    WcharT,
    /// `float`
    Float,
    /// `double`
    Double,
    /// `long double`
    LongDouble,
    /// `float _Complex`: a `float` real part, then a `float` imaginary part.
    FloatComplex,
    /// `double _Complex`
    DoubleComplex,
    /// `long double _Complex`
    LongDoubleComplex,
}

/// What kind of value a scalar holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ScalarClass {
    /// `_Bool`: 0 or 1.
    Bool,
    /// An integer type of the given signedness.
    Integer {
        /// Whether the type is signed.
        signed: bool,
    },
    /// A real binary floating type.
    Float,
    /// A complex floating type: two values of its real type ([`Scalar::complex_part`]).
    Complex,
}

/// Size and alignment of `long double` on the target.
///
/// Rust has no `long double`; these are the C ABI's figures: the x87 80-bit format padded to 16
/// bytes on x86-64 System V, 12 bytes on i386 System V, IEEE binary128 on AArch64 and RISC-V
/// Linux, and the same as `double` on Windows and Apple's AArch64.
const LONG_DOUBLE: (usize, usize) = if cfg!(any(
    windows,
    all(target_vendor = "apple", target_arch = "aarch64")
)) {
    (8, 8)
} else if cfg!(target_arch = "x86") {
    (12, 4)
} else if cfg!(any(
    target_arch = "x86_64",
    target_arch = "aarch64",
    target_arch = "riscv64",
    target_arch = "powerpc64",
    target_arch = "s390x",
    target_arch = "loongarch64"
)) {
    (16, 16)
} else {
    (8, 8)
};

/// The format of `long double` on the target.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LongDoubleFormat {
    /// Same as `double`.
    Double,
    /// The x87 80-bit extended format in the low 10 bytes.
    X87Extended,
    /// IEEE 754 binary128.
    Quad,
}

impl Scalar {
    /// Every scalar, in declaration order.
    pub const ALL: [Scalar; 33] = [
        Scalar::Bool,
        Scalar::Char,
        Scalar::SChar,
        Scalar::UChar,
        Scalar::Short,
        Scalar::UShort,
        Scalar::Int,
        Scalar::UInt,
        Scalar::Long,
        Scalar::ULong,
        Scalar::LongLong,
        Scalar::ULongLong,
        Scalar::Int8,
        Scalar::UInt8,
        Scalar::Int16,
        Scalar::UInt16,
        Scalar::Int32,
        Scalar::UInt32,
        Scalar::Int64,
        Scalar::UInt64,
        Scalar::SizeT,
        Scalar::SSizeT,
        Scalar::PtrdiffT,
        Scalar::IntptrT,
        Scalar::UintptrT,
        Scalar::TimeT,
        Scalar::WcharT,
        Scalar::Float,
        Scalar::Double,
        Scalar::LongDouble,
        Scalar::FloatComplex,
        Scalar::DoubleComplex,
        Scalar::LongDoubleComplex,
    ];

    /// The C spelling of the type.
    pub const fn c_name(self) -> &'static str {
        match self {
            Scalar::Bool => "_Bool",
            Scalar::Char => "char",
            Scalar::SChar => "signed char",
            Scalar::UChar => "unsigned char",
            Scalar::Short => "short",
            Scalar::UShort => "unsigned short",
            Scalar::Int => "int",
            Scalar::UInt => "unsigned int",
            Scalar::Long => "long",
            Scalar::ULong => "unsigned long",
            Scalar::LongLong => "long long",
            Scalar::ULongLong => "unsigned long long",
            Scalar::Int8 => "int8_t",
            Scalar::UInt8 => "uint8_t",
            Scalar::Int16 => "int16_t",
            Scalar::UInt16 => "uint16_t",
            Scalar::Int32 => "int32_t",
            Scalar::UInt32 => "uint32_t",
            Scalar::Int64 => "int64_t",
            Scalar::UInt64 => "uint64_t",
            Scalar::SizeT => "size_t",
            Scalar::SSizeT => "ssize_t",
            Scalar::PtrdiffT => "ptrdiff_t",
            Scalar::IntptrT => "intptr_t",
            Scalar::UintptrT => "uintptr_t",
            Scalar::TimeT => "time_t",
            Scalar::WcharT => "wchar_t",
            Scalar::Float => "float",
            Scalar::Double => "double",
            Scalar::LongDouble => "long double",
            Scalar::FloatComplex => "float _Complex",
            Scalar::DoubleComplex => "double _Complex",
            Scalar::LongDoubleComplex => "long double _Complex",
        }
    }

    /// `(size, alignment)` in bytes on the target.
    pub const fn size_align(self) -> (usize, usize) {
        macro_rules! of {
            ($t:ty) => {
                (size_of::<$t>(), align_of::<$t>())
            };
        }
        match self {
            Scalar::Bool => of!(bool),
            Scalar::Char => of!(c_char),
            Scalar::SChar => of!(c_schar),
            Scalar::UChar => of!(c_uchar),
            Scalar::Short => of!(c_short),
            Scalar::UShort => of!(c_ushort),
            Scalar::Int => of!(c_int),
            Scalar::UInt => of!(c_uint),
            Scalar::Long => of!(c_long),
            Scalar::ULong => of!(c_ulong),
            Scalar::LongLong => of!(c_longlong),
            Scalar::ULongLong => of!(c_ulonglong),
            Scalar::Int8 => of!(i8),
            Scalar::UInt8 => of!(u8),
            Scalar::Int16 => of!(i16),
            Scalar::UInt16 => of!(u16),
            Scalar::Int32 => of!(i32),
            Scalar::UInt32 => of!(u32),
            Scalar::Int64 => of!(i64),
            Scalar::UInt64 => of!(u64),
            Scalar::SizeT => of!(libc::size_t),
            Scalar::SSizeT => of!(libc::ssize_t),
            Scalar::PtrdiffT => of!(libc::ptrdiff_t),
            Scalar::IntptrT => of!(libc::intptr_t),
            Scalar::UintptrT => of!(libc::uintptr_t),
            Scalar::TimeT => of!(libc::time_t),
            Scalar::WcharT => of!(libc::wchar_t),
            Scalar::Float => of!(f32),
            Scalar::Double => of!(f64),
            Scalar::LongDouble => LONG_DOUBLE,
            // C11 6.2.5p13: an array of two elements of the real type.
            Scalar::FloatComplex => (2 * size_of::<f32>(), align_of::<f32>()),
            Scalar::DoubleComplex => (2 * size_of::<f64>(), align_of::<f64>()),
            Scalar::LongDoubleComplex => (2 * LONG_DOUBLE.0, LONG_DOUBLE.1),
        }
    }

    /// Size in bytes.
    pub const fn size(self) -> usize {
        self.size_align().0
    }

    /// Alignment in bytes.
    pub const fn align(self) -> usize {
        self.size_align().1
    }

    /// Whether this is `_Bool`, an integer or a floating type.
    pub const fn class(self) -> ScalarClass {
        // `MIN != 0` is how the target's signedness shows, for the types whose signedness
        // C leaves to the platform.
        const fn signed_if(min_is_negative: bool) -> ScalarClass {
            ScalarClass::Integer {
                signed: min_is_negative,
            }
        }
        match self {
            Scalar::Bool => ScalarClass::Bool,
            Scalar::Float | Scalar::Double | Scalar::LongDouble => ScalarClass::Float,
            Scalar::FloatComplex | Scalar::DoubleComplex | Scalar::LongDoubleComplex => {
                ScalarClass::Complex
            }
            Scalar::Char => signed_if(c_char::MIN != 0),
            Scalar::WcharT => signed_if(libc::wchar_t::MIN != 0),
            Scalar::TimeT => signed_if(libc::time_t::MIN != 0),
            Scalar::SChar
            | Scalar::Short
            | Scalar::Int
            | Scalar::Long
            | Scalar::LongLong
            | Scalar::Int8
            | Scalar::Int16
            | Scalar::Int32
            | Scalar::Int64
            | Scalar::SSizeT
            | Scalar::PtrdiffT
            | Scalar::IntptrT => signed_if(true),
            Scalar::UChar
            | Scalar::UShort
            | Scalar::UInt
            | Scalar::ULong
            | Scalar::ULongLong
            | Scalar::UInt8
            | Scalar::UInt16
            | Scalar::UInt32
            | Scalar::UInt64
            | Scalar::SizeT
            | Scalar::UintptrT => signed_if(false),
        }
    }

    /// Whether the type may be the declared type of a bit-field (`_Bool` and the integers).
    pub const fn is_integral(self) -> bool {
        matches!(
            self.class(),
            ScalarClass::Bool | ScalarClass::Integer { .. }
        )
    }

    /// The real type of each half of a complex type (`double` for `double _Complex`); `None`
    /// for the other scalars.
    pub const fn complex_part(self) -> Option<Scalar> {
        match self {
            Scalar::FloatComplex => Some(Scalar::Float),
            Scalar::DoubleComplex => Some(Scalar::Double),
            Scalar::LongDoubleComplex => Some(Scalar::LongDouble),
            _ => None,
        }
    }

    /// The complex type whose halves are of this real floating type (`float _Complex` for
    /// `float`); `None` for the other scalars.
    pub const fn complex_of(self) -> Option<Scalar> {
        match self {
            Scalar::Float => Some(Scalar::FloatComplex),
            Scalar::Double => Some(Scalar::DoubleComplex),
            Scalar::LongDouble => Some(Scalar::LongDoubleComplex),
            _ => None,
        }
    }

    /// Whether the type is a signed integer type.
    pub const fn is_signed(self) -> bool {
        matches!(self.class(), ScalarClass::Integer { signed: true })
    }

    /// The smallest and largest value of an integral type, as `i128`; `None` for floating types.
    pub const fn int_range(self) -> Option<(i128, i128)> {
        let bits = (self.size() * 8) as u32;
        match self.class() {
            ScalarClass::Bool => Some((0, 1)),
            ScalarClass::Float | ScalarClass::Complex => None,
            ScalarClass::Integer { signed: true } => {
                Some((-(1i128 << (bits - 1)), (1i128 << (bits - 1)) - 1))
            }
            ScalarClass::Integer { signed: false } => Some((0, (1i128 << bits) - 1)),
        }
    }

    /// The format of `long double` on the target.
    pub const fn long_double_format() -> LongDoubleFormat {
        match LONG_DOUBLE {
            (8, _) => LongDoubleFormat::Double,
            _ if cfg!(any(target_arch = "x86_64", target_arch = "x86")) => {
                LongDoubleFormat::X87Extended
            }
            _ => LongDoubleFormat::Quad,
        }
    }
}

impl core::fmt::Display for Scalar {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.c_name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integer_ranges_follow_size_and_sign() {
        assert_eq!(Scalar::UChar.int_range(), Some((0, 255)));
        assert_eq!(Scalar::Int16.int_range(), Some((-32768, 32767)));
        assert_eq!(Scalar::UInt64.int_range(), Some((0, u64::MAX as i128)));
        assert_eq!(Scalar::Bool.int_range(), Some((0, 1)));
        assert_eq!(Scalar::Double.int_range(), None);
    }

    #[test]
    fn typedefs_match_their_rust_counterparts() {
        assert_eq!(Scalar::SizeT.size(), size_of::<usize>());
        assert!(!Scalar::SizeT.is_signed());
        assert!(Scalar::SSizeT.is_signed());
        assert_eq!(Scalar::Long.size(), size_of::<c_long>());
        assert_eq!(Scalar::Char.is_signed(), c_char::MIN != 0);
    }

    #[test]
    fn complex_types_are_pairs_of_their_real_type() {
        for s in Scalar::ALL {
            match s.complex_part() {
                Some(part) => {
                    assert_eq!(s.size_align(), (2 * part.size(), part.align()), "{s}");
                    assert_eq!(part.complex_of(), Some(s));
                    assert_eq!(s.class(), ScalarClass::Complex);
                    assert!(!s.is_integral() && s.int_range().is_none());
                }
                None => assert_ne!(s.class(), ScalarClass::Complex, "{s}"),
            }
        }
        assert_eq!(Scalar::DoubleComplex.to_string(), "double _Complex");
    }
}
