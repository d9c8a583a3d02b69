//! What the macros' output calls. Not public API: it may change in any release.

pub use core::mem::{align_of, offset_of, size_of};
pub use std::sync::{Once, OnceLock};

pub use crate::layout::{
    lay_out_array, ByteOrder, ConstLayout, FieldShape, LayoutRules, RecordShape,
};
pub use crate::ty::{CType, RecordBuilder, RecordKind, Scalar, Signature};

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
pub fn declare(kind: RecordKind, tag: &str) -> CType {
    match kind {
        RecordKind::Struct => CType::declare_struct(tag),
        RecordKind::Union => CType::declare_union(tag),
    }
}

/// Defines a macro-generated record. The compile-time layout check has already proved the
/// definition valid, so a failure here is a bug in the macros.
pub fn define(declared: &CType, builder: RecordBuilder) {
    if let Err(e) = builder.define(declared) {
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
    message = "`{Self}` cannot be a plain field of a record with bit-fields or non-native byte order",
    label = "all-zero bytes may not be a valid value of this type",
    note = "such a record starts zeroed (`Default`); its plain fields are integers, `bool`, pointers, `Option` of function pointers, arrays of them, `#[c_enum]` types and records that also have bit-fields or a byte order"
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

macro_rules! zeroable_function_pointers {
    ($($arg:ident),*) => {
        // SAFETY: `None`.
        unsafe impl<R, $($arg),*> Zeroable for Option<extern "C" fn($($arg),*) -> R> {}
        // SAFETY: `None`.
        unsafe impl<R, $($arg),*> Zeroable for Option<unsafe extern "C" fn($($arg),*) -> R> {}
    };
}

zeroable_function_pointers!();
zeroable_function_pointers!(A);
zeroable_function_pointers!(A, B);
zeroable_function_pointers!(A, B, C);
zeroable_function_pointers!(A, B, C, D);
zeroable_function_pointers!(A, B, C, D, E);
zeroable_function_pointers!(A, B, C, D, E, F);
zeroable_function_pointers!(A, B, C, D, E, F, G);
zeroable_function_pointers!(A, B, C, D, E, F, G, H);

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
            #[repr(align($n))]
            pub struct $name;
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
