//! Fields of records in non-native byte order.

/// A type a field of a non-native byte order record may have: what reversing its bytes means.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a field of a record in non-native byte order",
    label = "no byte-order conversion for this type",
    note = "such a record holds integers, floats, `bool`, pointers, arrays of them, `#[c_enum]` types and other records"
)]
pub trait Swap: Sized {
    /// The value with its scalars' bytes reversed; records and pointers are kept as they are
    /// (a record has its own byte order, a pointer is always native).
    #[must_use]
    fn swap(self) -> Self;
}

macro_rules! swap_integers {
    ($($t:ty),*) => {
        $(impl Swap for $t {
            fn swap(self) -> Self {
                self.swap_bytes()
            }
        })*
    };
}

swap_integers!(i8, u8, i16, u16, i32, u32, i64, u64, isize, usize);

impl Swap for f32 {
    fn swap(self) -> Self {
        f32::from_bits(self.to_bits().swap_bytes())
    }
}

impl Swap for f64 {
    fn swap(self) -> Self {
        f64::from_bits(self.to_bits().swap_bytes())
    }
}

impl Swap for bool {
    fn swap(self) -> Self {
        self
    }
}

impl<T: ?Sized> Swap for *const T {
    fn swap(self) -> Self {
        self
    }
}

impl<T: ?Sized> Swap for *mut T {
    fn swap(self) -> Self {
        self
    }
}

impl<T: Swap, const N: usize> Swap for [T; N] {
    fn swap(self) -> Self {
        self.map(Swap::swap)
    }
}

/// A value stored in the byte order `big` (big-endian if true), converted from or to the
/// target's order.
#[inline]
pub fn in_order<T: Swap>(value: T, big: bool) -> T {
    if big == cfg!(target_endian = "big") {
        value
    } else {
        value.swap()
    }
}
