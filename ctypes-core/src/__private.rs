//! What the macros' output calls. Not public API: it may change in any release.

pub use core::mem::{align_of, offset_of, size_of};
pub use std::sync::{Once, OnceLock};

pub use crate::layout::{
    lay_out_array, ByteOrder, ConstLayout, FieldShape, LayoutRules, RecordShape,
};
pub use crate::ty::{CType, RecordBuilder, RecordKind, Scalar, Signature};

/// The System V x86-64 classification and placement, for the tests that check them against
/// the C compiler.
#[cfg(all(target_arch = "x86_64", unix))]
pub mod abi {
    pub use crate::abi::*;
}

use std::ffi::c_void;
use std::ptr::NonNull;

use crate::error::{Error, Result};
use crate::library::Library;
pub use crate::typed::{CConvert, CPointee, CResult, CReturn, CTyped};
pub use crate::{CValue, Callback, TypedCallback, Value};

/// A typed callback whose closure panicked on the no-trampoline path: nothing can be returned
/// to C in its place, so the process ends.
pub fn abort_on_panic(name: &str) -> ! {
    use std::io::Write;
    let _ = writeln!(
        std::io::stderr(),
        "ctypes: a `{name}` callback panicked; aborting, since a panic must not unwind into C"
    );
    std::process::abort()
}

/// A `c_func!` type's callback over scalars and pointers: the closure reads C's registers
/// directly ([`Callback::from_fn`]), under the type's own signature.
pub fn callback_from_fn<Args, F>(signature: Signature, f: F) -> Result<Callback>
where
    F: crate::CallbackFnOf<Args>,
{
    Callback::from_fn_as(signature, f)
}

/// The argument a typed callback received, converted; a mismatch is a bug in the macros.
pub fn argument<T: CConvert>(args: &[CValue], index: usize) -> T {
    match args.get(index).and_then(T::from_c) {
        Some(value) => value,
        None => panic!("ctypes macro: callback argument {index} has the wrong kind"),
    }
}

/// Opens the first of `names` that loads; the error lists every name tried.
///
/// # Safety
/// As for [`Library::open`].
pub unsafe fn open_first(names: &[&str]) -> Result<Library> {
    let mut tried = Vec::new();
    let mut message = String::from("no library name given");
    for name in names {
        // SAFETY: forwarded to the caller.
        match unsafe { Library::open(name) } {
            Ok(library) => return Ok(library),
            Err(Error::Load {
                tried: t,
                message: m,
                ..
            }) => {
                tried.extend(t);
                message = m;
            }
            Err(other) => return Err(other),
        }
    }
    Err(Error::Load {
        name: names.join(" | "),
        tried,
        message,
    })
}

/// Resolves a required symbol, noting it in `missing` when absent.
pub fn resolve(
    library: &Library,
    name: &'static str,
    missing: &mut Vec<&'static str>,
) -> Option<NonNull<c_void>> {
    let found = library.symbol(name).ok();
    if found.is_none() {
        missing.push(name);
    }
    found
}

/// Resolves an optional symbol.
pub fn resolve_optional(library: &Library, name: &str) -> Option<NonNull<c_void>> {
    library.symbol(name).ok()
}

/// The error for the symbols a declaration needs and the library lacks.
pub fn missing_symbols(library: &Library, missing: Vec<&'static str>) -> Error {
    Error::MissingSymbols {
        library: library.name().to_owned(),
        symbols: missing.into_iter().map(str::to_owned).collect(),
    }
}

/// Declares a record for a macro-generated type.
/// Only [`define`] defines it.
pub fn declare(kind: RecordKind, tag: &str) -> CType {
    CType::declare_sealed(kind, tag)
}

/// Defines a macro-generated record. The compile-time layout check has already proved the
/// definition valid, so a failure here is a bug in the macros.
pub fn define(declared: &CType, builder: RecordBuilder) {
    if let Err(e) = builder.define_sealed(declared) {
        panic!("ctypes macro: the runtime definition of `{declared}` failed: {e}");
    }
}

/// A scalar's type object.
pub fn scalar(s: Scalar) -> CType {
    CType::scalar(s)
}

/// An array type object for a Rust array, which always fits.
pub fn array(element: CType, len: usize) -> CType {
    element
        .array(len)
        .expect("a Rust array type fits in memory, so its C counterpart does too")
}

/// The raw bits of a bit-field of `width` bits (at most 64) whose first bit, in allocation
/// order, is bit `position` of `bytes`: least significant bit first in a little-endian record,
/// most significant bit first in a big-endian one (the rule of `CData`'s bit-fields).
pub const fn bits_get(bytes: &[u8], position: u64, width: u32, big: bool) -> u128 {
    let first = (position / 8) as usize;
    let bit = (position % 8) as u32;
    let len = (bit + width).div_ceil(8) as usize;
    let mut word: u128 = 0;
    let mut i = 0;
    while i < len {
        let byte = if big {
            bytes[first + i]
        } else {
            bytes[first + len - 1 - i]
        };
        word = (word << 8) | byte as u128;
        i += 1;
    }
    let shift = if big {
        len as u32 * 8 - bit - width
    } else {
        bit
    };
    (word >> shift) & bit_mask(width)
}

/// Stores the low `width` bits of `value` into the bit-field [`bits_get`] reads, leaving the
/// other bits of `bytes` as they were.
pub const fn bits_set(bytes: &mut [u8], position: u64, width: u32, big: bool, value: u128) {
    let first = (position / 8) as usize;
    let bit = (position % 8) as u32;
    let len = (bit + width).div_ceil(8) as usize;
    let shift = if big {
        len as u32 * 8 - bit - width
    } else {
        bit
    };
    let mask = bit_mask(width) << shift;
    let bits = (value << shift) & mask;
    let mut i = 0;
    while i < len {
        // Byte `i` of the field's bytes holds bits `8 * k ..` of the loaded word.
        let k = if big { len - 1 - i } else { i };
        let byte_mask = (mask >> (8 * k)) as u8;
        let byte_bits = (bits >> (8 * k)) as u8;
        bytes[first + i] = (bytes[first + i] & !byte_mask) | byte_bits;
        i += 1;
    }
}

const fn bit_mask(width: u32) -> u128 {
    if width >= 128 {
        u128::MAX
    } else {
        (1u128 << width) - 1
    }
}

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

/// Whether an integer type of range `min..=max` is the C scalar `scalar` (for a type named
/// like a C library type, `size_t` say).
#[must_use]
pub const fn alias_has_range(scalar: Scalar, min: i128, max: i128) -> bool {
    match scalar.int_range() {
        Some((lo, hi)) => lo == min && hi == max,
        None => false,
    }
}

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

option_function_pointers!();
option_function_pointers!(A);
option_function_pointers!(A, B);
option_function_pointers!(A, B, C);
option_function_pointers!(A, B, C, D);
option_function_pointers!(A, B, C, D, E);
option_function_pointers!(A, B, C, D, E, F);
option_function_pointers!(A, B, C, D, E, F, G);
option_function_pointers!(A, B, C, D, E, F, G, H);

/// Compiles only for a [`ZeroValid`] type; a record with bit-fields calls it for each plain field.
pub const fn zero_valid<T: ZeroValid>() {}

/// The all-zero value of `T`.
#[must_use]
pub fn zeroed<T: ZeroValid>() -> T {
    // SAFETY: all-zero bytes are a valid `T` (the trait's promise).
    unsafe { core::mem::zeroed() }
}

/// Where one member of a record with bit-fields lies, in bytes: a plain field, or the storage of
/// a run of consecutive bit-fields.
#[derive(Clone, Copy, Debug)]
pub struct Element {
    /// The first byte.
    pub start: u64,
    /// The byte after the last.
    pub end: u64,
    /// The alignment Rust gives the member's type in the record.
    pub align: u64,
}

impl Element {
    /// A plain field at bit `position` (a multiple of 8), of a type of `size` and `align`
    /// bytes, in a record packed to `pack` bytes.
    #[must_use]
    pub const fn field(position: u64, size: usize, align: usize, pack: Option<u64>) -> Element {
        let mut align = align as u64;
        if let Some(pack) = pack {
            if pack < align {
                align = pack;
            }
        }
        Element {
            start: position / 8,
            end: position / 8 + size as u64,
            align,
        }
    }

    /// The storage of a run of bit-fields at bit `positions` of `widths` bits (none zero): the
    /// bytes their bits touch. A byte array: alignment 1.
    #[must_use]
    pub const fn run<const K: usize>(positions: [u64; K], widths: [u32; K]) -> Element {
        let mut start = u64::MAX;
        let mut end = 0;
        let mut i = 0;
        while i < K {
            if positions[i] / 8 < start {
                start = positions[i] / 8;
            }
            let last = (positions[i] + widths[i] as u64).div_ceil(8);
            if last > end {
                end = last;
            }
            i += 1;
        }
        Element {
            start,
            end,
            align: 1,
        }
    }

    /// The storage's length in bytes.
    #[must_use]
    pub const fn size(&self) -> usize {
        (self.end - self.start) as usize
    }
}

/// What puts one member where C has it, after Rust placed the one before: a zero-sized field
/// of alignment `zst_align`, then padding. Alignment is preferred, since explicit padding
/// counts as data where the calling convention classifies a record.
#[derive(Clone, Copy, Debug)]
pub struct Place {
    /// The alignment of the zero-sized field before the member.
    pub zst_align: usize,
    /// The padding before the member, in bytes.
    pub pad: usize,
    /// How that padding is made.
    pub padding: Padding,
}

/// Padding of some length as Rust fields: `head` bytes up to a 4-byte boundary, `words` 4-byte
/// floats (at most 16), `rest` bytes. Padding is no member for C, so it adds nothing to the class of the
/// eightbyte it lies in; as floats, it keeps an eightbyte of floats in a floating register
/// (bytes would make it integer data), and changes nothing in one holding an integer, which
/// goes in an integer register either way. Floats only in records aligned to 4 or more, whose
/// alignment they cannot raise.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Padding {
    /// Bytes before the first float.
    pub head: usize,
    /// 4-byte floats.
    pub words: usize,
    /// Bytes after the last float.
    pub rest: usize,
}

impl Padding {
    const NONE: Padding = Padding {
        head: 0,
        words: 0,
        rest: 0,
    };

    /// `len` bytes of padding from `start`, in a record aligned to `align`.
    const fn of(start: u64, len: u64, align: u64) -> Padding {
        if align < 4 {
            return Padding {
                head: len as usize,
                words: 0,
                rest: 0,
            };
        }
        let head = round_up(start, 4) - start;
        if head >= len {
            return Padding {
                head: len as usize,
                words: 0,
                rest: 0,
            };
        }
        // At most the 16 floats `Words` names; bytes for the rest.
        let mut words = (len - head) / 4;
        if words > 16 {
            words = 16;
        }
        Padding {
            head: head as usize,
            words: words as usize,
            rest: (len - head - 4 * words) as usize,
        }
    }
}

/// The Rust fields that give a record with bit-fields its C layout.
#[derive(Clone, Copy, Debug)]
pub struct Placement<const M: usize> {
    /// Whether every member could be placed (it always can for a layout the engine made).
    pub ok: bool,
    /// The members.
    pub elements: [Element; M],
    /// What goes before each.
    pub places: [Place; M],
    /// Padding bytes after the last, where Rust's rounding to the alignment falls short.
    pub tail: usize,
    /// How that padding is made.
    pub tail_padding: Padding,
}

const fn round_up(n: u64, align: u64) -> u64 {
    n.div_ceil(align) * align
}

/// Places `elements`, in order, in a `repr(C)` struct of the engine's `size` and `align`.
#[must_use]
pub const fn place<const M: usize>(elements: [Element; M], size: u64, align: u64) -> Placement<M> {
    let mut placement = Placement {
        ok: true,
        elements,
        places: [Place {
            zst_align: 1,
            pad: 0,
            padding: Padding::NONE,
        }; M],
        tail: 0,
        tail_padding: Padding::NONE,
    };
    let mut end = 0;
    let mut i = 0;
    while i < M {
        let element = elements[i];
        if element.start < end || !element.start.is_multiple_of(element.align) {
            placement.ok = false;
            return placement;
        }
        if round_up(end, element.align) != element.start {
            // The largest power of two dividing `start`, no more than the record's alignment.
            let mut zst = 1u64 << element.start.trailing_zeros();
            if zst > align {
                zst = align;
            }
            if round_up(end, zst) == element.start {
                placement.places[i].zst_align = zst as usize;
            } else {
                placement.places[i].pad = (element.start - end) as usize;
                placement.places[i].padding = Padding::of(end, element.start - end, align);
            }
        }
        end = element.end;
        i += 1;
    }
    if round_up(end, align) != size {
        if size < end {
            placement.ok = false;
        } else {
            placement.tail = (size - end) as usize;
            placement.tail_padding = Padding::of(end, size - end, align);
        }
    }
    placement
}

/// How a record whose every bit pattern is valid crosses a typed callback by value: what the
/// `CConvert` impl the macros generate for a record calls, through [`Field`], so that the impl
/// applies exactly to records that are [`AnyBits`].
#[diagnostic::on_unimplemented(
    message = "`{T}` cannot cross a typed callback by value",
    label = "a field of this record may hold bytes that are not a valid value",
    note = "a record passes a typed callback by value only if each of its fields is an integer, a float, a raw pointer, an `Option` of an `unsafe extern \"C\" fn` pointer, a `#[c_enum]` type, an array or a struct of such fields (not `bool`, not a `c_func!` type, not a union); pass a pointer to it instead"
)]
pub trait ByValue<T> {
    /// The record in `value`, if it is one of type `T`.
    fn from_c(value: &CValue) -> Option<T>;
    /// A new object holding `value`, its padding zero.
    fn into_c(value: &T) -> CValue;
}

impl<T: AnyBits + CTyped> ByValue<T> for Field<'_, T> {
    fn from_c(value: &CValue) -> Option<T> {
        let CValue::Data(data) = value else {
            return None;
        };
        if *data.ty() != T::c_type() {
            return None;
        }
        let bytes = data.to_bytes();
        if bytes.len() != size_of::<T>() {
            return None;
        }
        // SAFETY: `size_of::<T>()` readable bytes, read unaligned; any bytes are a valid `T`.
        Some(unsafe { bytes.as_ptr().cast::<T>().read_unaligned() })
    }

    fn into_c(value: &T) -> CValue {
        let mut bytes = vec![0u8; size_of::<T>()];
        // SAFETY: `value` is a live `T`; `bytes` has its size, initialised.
        unsafe { T::store(value, bytes.as_mut_ptr()) };
        match crate::CData::from_bytes(&T::c_type(), &bytes) {
            Ok(data) => CValue::Data(data),
            Err(e) => panic!(
                "ctypes macro: the record `{}` cannot be built: {e}",
                T::c_type()
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{place, Element, Padding};

    #[test]
    fn padding_is_floats_between_bytes_in_records_aligned_to_4() {
        // `struct { float f; long long : 0; float g; }`: 4 bytes from byte 4 to `g` at 8, in a
        // record aligned to 4 — a float, so that the eightbyte stays one of floats.
        let placement = place(
            [
                Element::field(0, 4, 4, None),
                Element::field(64, 4, 4, None),
            ],
            12,
            4,
        );
        assert!(placement.ok);
        let place = placement.places[1];
        assert_eq!((place.zst_align, place.pad), (1, 4));
        assert_eq!(
            place.padding,
            Padding {
                head: 0,
                words: 1,
                rest: 0
            }
        );
        // From byte 1 to byte 12: 3 bytes, 2 floats.
        assert_eq!(
            Padding::of(1, 11, 4),
            Padding {
                head: 3,
                words: 2,
                rest: 0
            }
        );
        // In a record aligned to 1 or 2, bytes only.
        assert_eq!(
            Padding::of(1, 11, 2),
            Padding {
                head: 11,
                words: 0,
                rest: 0
            }
        );
        // Too short to hold a float.
        assert_eq!(
            Padding::of(5, 2, 4),
            Padding {
                head: 2,
                words: 0,
                rest: 0
            }
        );
    }

    #[test]
    fn a_gap_before_storage_is_made_by_alignment_not_padding() {
        // `struct { float f; long long a : 40; }`: `a` starts at byte 8, after 4 bytes of gap.
        let placement = place(
            [Element::field(0, 4, 4, None), Element::run::<1>([64], [40])],
            16,
            8,
        );
        assert!(placement.ok);
        assert_eq!(
            (placement.places[1].zst_align, placement.places[1].pad),
            (8, 0)
        );
        assert_eq!(placement.elements[1].size(), 5);
        assert_eq!(placement.tail, 0);
    }

    #[test]
    fn padding_bytes_only_where_alignment_cannot_reach() {
        // Storage at byte 3 after a byte: no alignment lands on 3.
        let placement = place(
            [Element::field(0, 1, 1, None), Element::run::<1>([24], [4])],
            4,
            1,
        );
        assert_eq!(
            (placement.places[1].zst_align, placement.places[1].pad),
            (1, 2)
        );
        // Microsoft's packed `struct { int a : 3; }`: 4 bytes of unit, 1 of bits.
        let placement = place([Element::run::<1>([0], [3])], 4, 1);
        assert_eq!(placement.tail, 3);
        // A member before the end of the one before cannot be placed.
        let placement = place(
            [
                Element::field(0, 4, 4, None),
                Element::field(16, 4, 4, None),
            ],
            4,
            4,
        );
        assert!(!placement.ok);
    }
}
