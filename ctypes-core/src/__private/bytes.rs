//! Plain fields of records kept as bytes (non-native byte order, unions with bit-fields).

/// A type for which all-zero bytes are a valid value, so that a record of bytes holding it may
/// start zeroed.
///
/// # Safety
/// All-zero bytes must be a valid value of the type, and [`Zeroable::read_from`] must make a
/// valid value out of any bytes (the default, a plain read, is right for types every bit
/// pattern of which is valid).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a plain field of a record in non-native byte order or a union with bit-fields",
    label = "not a type such a record can keep as bytes",
    note = "such a record is kept as bytes and starts zeroed (`Default`); its plain fields are integers, `bool`, pointers, arrays of them, `#[c_enum]` types and records also kept as bytes (in non-native byte order, or unions with bit-fields)"
)]
pub unsafe trait Zeroable: Sized {
    /// A value read from `size_of::<Self>()` bytes at `at`, whatever they hold.
    ///
    /// # Safety
    /// `at` must be valid for reading that many bytes.
    #[inline]
    unsafe fn read_from(at: *const u8) -> Self {
        // SAFETY: readable (the caller's promise); any bit pattern is a valid `Self` (the
        // trait's promise for types keeping this default).
        unsafe { at.cast::<Self>().read_unaligned() }
    }
}

macro_rules! zeroable {
    ($($t:ty),*) => {
        // SAFETY: zero is a valid number; every bit pattern is one.
        $(unsafe impl Zeroable for $t {})*
    };
}

zeroable!(i8, u8, i16, u16, i32, u32, i64, u64, isize, usize, f32, f64);

// SAFETY: zero is +0.0; the type is its bytes, and any bytes are a value.
unsafe impl Zeroable for crate::mem::LongDouble {}

// SAFETY: zero is `false`; any other byte reads as `true`, never as an invalid `bool`.
unsafe impl Zeroable for bool {
    #[inline]
    unsafe fn read_from(at: *const u8) -> Self {
        // SAFETY: one readable byte (the caller's promise).
        unsafe { at.read() != 0 }
    }
}

// SAFETY: the null pointer.
unsafe impl<T: ?Sized> Zeroable for *const T {}
// SAFETY: the null pointer.
unsafe impl<T: ?Sized> Zeroable for *mut T {}
// SAFETY: every element zero; elements are read one by one with their own rule.
unsafe impl<T: Zeroable, const N: usize> Zeroable for [T; N] {
    #[inline]
    unsafe fn read_from(at: *const u8) -> Self {
        // SAFETY: element `i` lies inside the `N * size_of::<T>()` readable bytes.
        std::array::from_fn(|i| unsafe { T::read_from(at.add(i * size_of::<T>())) })
    }
}

/// Reads a plain field of a record of bytes.
///
/// Whatever the bytes hold, the value is valid ([`Zeroable::read_from`]).
#[inline]
pub fn read_field<T: Zeroable>(bytes: &[u8], offset: usize) -> T {
    assert!(offset + size_of::<T>() <= bytes.len());
    // SAFETY: in bounds (checked).
    unsafe { T::read_from(bytes.as_ptr().add(offset)) }
}

/// Writes a plain field of a record of bytes.
#[inline]
pub fn write_field<T: Copy>(bytes: &mut [u8], offset: usize, value: T) {
    assert!(offset + size_of::<T>() <= bytes.len());
    // SAFETY: in bounds (checked); the write is unaligned.
    unsafe {
        bytes
            .as_mut_ptr()
            .add(offset)
            .cast::<T>()
            .write_unaligned(value)
    }
}
