//! What a type promises about its bit patterns: all-zero valid, any bytes valid.

use super::bytes::Zeroable;
use crate::arity::for_each_arity;

/// A type for which all-zero bytes are a valid value: what a record with bit-fields needs of its
/// plain fields to start zeroed (`Default`).
///
/// # Safety
/// All-zero bytes must be a valid value of the type.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a plain field of a record with bit-fields",
    label = "all-zero bytes may not be a valid value of this type",
    note = "such a record starts zeroed (`Default`); its plain fields are integers, floats, `bool`, pointers, `Option` of function pointers, arrays of them, `#[c_enum]` types and records of such fields"
)]
pub unsafe trait ZeroValid: Sized {}

/// A type every bit pattern of which is a valid value, so that a value C made may become a Rust
/// value without a check (a record crossing a typed callback by value).
///
/// # Safety
/// Every bit pattern of `size_of::<Self>()` bytes, padding aside, must be a valid value.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot cross a typed callback by value: C may hand over bytes that are not a valid `{Self}`",
    label = "not every bit pattern is a valid value of this type",
    note = "a record passes a typed callback by value only if each of its fields is an integer, a float, a raw pointer, an `Option` of an `unsafe extern \"C\" fn` pointer, a `#[c_enum]` type, an array or a struct of such fields (not `bool`, not a `c_func!` type, not a union); pass a pointer to it instead"
)]
pub unsafe trait AnyBits: Sized {
    /// Copies the value at `from` to the `size_of::<Self>()` bytes at `to`, writing every byte:
    /// padding, which may be uninitialised in `from`, is left as it was in `to`. The default
    /// copies all the bytes, which is right for types without padding.
    ///
    /// # Safety
    /// `from` must be valid for reading a `Self` (it may be unaligned) and `to` for writing
    /// `size_of::<Self>()` initialised bytes.
    #[inline]
    unsafe fn store(from: *const Self, to: *mut u8) {
        // SAFETY: the caller's promise; without padding, every byte of `from` is initialised.
        unsafe { core::ptr::copy_nonoverlapping(from.cast::<u8>(), to, size_of::<Self>()) }
    }
}

/// `T` seen through a lifetime the record's impl declares, so that the generated impls of
/// [`ZeroValid`] and [`AnyBits`] for a record hold exactly when they hold for every field type
/// (a bound naming no parameter would be checked, and refused, where it is written).
pub struct Field<'a, T: ?Sized>(core::marker::PhantomData<(&'a (), *const T)>);

impl<T: ?Sized> core::fmt::Debug for Field<'_, T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Field")
    }
}

// SAFETY: a zero-sized type, for which any bytes (there are none) are a value.
unsafe impl<T: ZeroValid> ZeroValid for Field<'_, T> {}
// SAFETY: as for `ZeroValid` above.
unsafe impl<T: AnyBits> AnyBits for Field<'_, T> {}

/// A field of type `T` of a record that is [`AnyBits`] when all its fields are: the generated
/// impl stores each field through this trait, whose bound names the impl's lifetime.
#[diagnostic::on_unimplemented(
    message = "`{T}` cannot cross a typed callback by value: C may hand over bytes that are not a valid `{T}`",
    label = "not every bit pattern is a valid value of this type",
    note = "a record passes a typed callback by value only if each of its fields is an integer, a float, a raw pointer, an `Option` of an `unsafe extern \"C\" fn` pointer, a `#[c_enum]` type, an array or a struct of such fields (not `bool`, not a `c_func!` type, not a union); pass a pointer to it instead"
)]
///
/// # Safety
/// Implemented only by this module, for `Field<'_, T>` where `T: AnyBits`: an impl is a promise
/// that every bit pattern is a valid `T`.
pub unsafe trait AnyBitsField<T> {
    /// [`AnyBits::store`] for `T`.
    ///
    /// # Safety
    /// As for [`AnyBits::store`].
    unsafe fn store(from: *const T, to: *mut u8);
}

// SAFETY: `T: AnyBits` makes that promise.
unsafe impl<T: AnyBits> AnyBitsField<T> for Field<'_, T> {
    #[inline]
    unsafe fn store(from: *const T, to: *mut u8) {
        // SAFETY: forwarded to the caller.
        unsafe { T::store(from, to) }
    }
}

macro_rules! any_bits {
    ($($t:ty),*) => {
        // SAFETY: every bit pattern is a number; no padding.
        $(unsafe impl ZeroValid for $t {}
        // SAFETY: as above.
        unsafe impl AnyBits for $t {})*
    };
}

any_bits!(i8, u8, i16, u16, i32, u32, i64, u64, isize, usize, f32, f64);

// SAFETY: zero is +0.0.
unsafe impl ZeroValid for crate::mem::LongDouble {}
// SAFETY: the type is its bytes, with no padding of Rust's own: any bytes are a value (on x87,
// every 10-byte pattern is some value or NaN, and the padding bytes after them mean nothing).
unsafe impl AnyBits for crate::mem::LongDouble {}

// SAFETY: zero is `false`.
unsafe impl ZeroValid for bool {}
// SAFETY: zero is the null pointer.
unsafe impl<T: ?Sized> ZeroValid for *const T {}
// SAFETY: any address is a raw pointer.
unsafe impl<T: ?Sized> AnyBits for *const T {}
// SAFETY: zero is the null pointer.
unsafe impl<T: ?Sized> ZeroValid for *mut T {}
// SAFETY: any address is a raw pointer.
unsafe impl<T: ?Sized> AnyBits for *mut T {}
// SAFETY: every element zero.
unsafe impl<T: ZeroValid, const N: usize> ZeroValid for [T; N] {}
// SAFETY: every element any bits; stored element by element, each with its own padding rule.
unsafe impl<T: AnyBits, const N: usize> AnyBits for [T; N] {
    #[inline]
    unsafe fn store(from: *const Self, to: *mut u8) {
        let from = from.cast::<T>();
        for i in 0..N {
            // SAFETY: element `i` lies inside the readable array and the writable bytes.
            unsafe { T::store(from.add(i), to.add(i * size_of::<T>())) }
        }
    }
}

macro_rules! option_function_pointers {
    ($($arg:ident),*) => {
        // Only the `unsafe` form may be made from bytes C wrote: calling it is `unsafe`, so
        // whether it points to a live function is its caller's promise. A safe
        // `extern "C" fn` made from bytes would let safe code call any address (or a freed
        // callback), so it is zero-valid (`None`) but neither `Zeroable` nor `AnyBits`.

        // SAFETY: zero is `None`; any other address is a function pointer whose calls are
        // `unsafe`.
        unsafe impl<R, $($arg),*> Zeroable for Option<unsafe extern "C" fn($($arg),*) -> R> {}
        // SAFETY: zero is `None`.
        unsafe impl<R, $($arg),*> ZeroValid for Option<extern "C" fn($($arg),*) -> R> {}
        // SAFETY: zero is `None`.
        unsafe impl<R, $($arg),*> ZeroValid for Option<unsafe extern "C" fn($($arg),*) -> R> {}
        // SAFETY: as for `Zeroable` above.
        unsafe impl<R, $($arg),*> AnyBits for Option<unsafe extern "C" fn($($arg),*) -> R> {}
    };
}

for_each_arity!(option_function_pointers);

/// Compiles only for a [`ZeroValid`] type; a record with bit-fields calls it for each plain field.
pub const fn zero_valid<T: ZeroValid>() {}

/// The all-zero value of `T`.
#[must_use]
pub fn zeroed<T: ZeroValid>() -> T {
    // SAFETY: all-zero bytes are a valid `T` (the trait's promise).
    unsafe { core::mem::zeroed() }
}
