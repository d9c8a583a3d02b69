//! Bit-fields of records declared in Rust: the types they may have (the bit rule itself is
//! the layout engine's, `layout::bits`).

/// A type a bit-field may have: the integer types and `bool`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a bit-field",
    label = "not an integer type or `bool`",
    note = "a bit-field (`#[c(bits = N)]`) has an integer type or `bool`"
)]
pub trait BitField: Copy {
    /// The widest bit-field of this type.
    const BITS: u32;
    /// The value of a bit-field's raw `width` bits: sign-extended for a signed type; for
    /// `bool`, whether any bit is set.
    fn from_bits(raw: u128, width: u32) -> Self;
    /// The bits that store the value, of which the bit-field keeps the low `width`.
    fn to_bits(self) -> u128;
}

macro_rules! bit_field_types {
    (signed: $($s:ty),*; unsigned: $($u:ty),*) => {
        $(impl BitField for $s {
            const BITS: u32 = <$s>::BITS;
            #[allow(clippy::cast_possible_truncation, clippy::cast_possible_wrap, clippy::cast_sign_loss)]
            fn from_bits(raw: u128, width: u32) -> Self {
                if width == 0 {
                    return 0;
                }
                (((raw << (128 - width)) as i128) >> (128 - width)) as $s
            }
            #[allow(clippy::cast_sign_loss)]
            fn to_bits(self) -> u128 {
                self as i128 as u128
            }
        })*
        $(impl BitField for $u {
            const BITS: u32 = <$u>::BITS;
            #[allow(clippy::cast_possible_truncation)]
            fn from_bits(raw: u128, _width: u32) -> Self {
                raw as $u
            }
            fn to_bits(self) -> u128 {
                self as u128
            }
        })*
    };
}

bit_field_types!(signed: i8, i16, i32, i64, isize; unsigned: u8, u16, u32, u64, usize);

impl BitField for bool {
    const BITS: u32 = 1;
    fn from_bits(raw: u128, _width: u32) -> Self {
        raw != 0
    }
    fn to_bits(self) -> u128 {
        u128::from(self)
    }
}
