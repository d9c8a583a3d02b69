//! The layout engine: where each field of a struct or union lives.
//!
//! Pure arithmetic over sizes and alignments, in bits, with no `unsafe` and no C calls: the
//! same code serves runtime records and the macros. Two rule sets are implemented, the System V
//! rules of GCC and Clang and the Microsoft rules (MSVC, and GCC's `ms_struct`), each with
//! `#pragma pack(N)` and an `aligned(N)` attribute on the record. The engine is checked against the
//! system C compiler by the `layout_vs_c` test of the `tests` crate.
//!
//! Each rule set is a `const fn` that places one field: it takes where the record stands after
//! the fields before (a small `Copy` cursor: the next free bit, the end of the storage used, the
//! alignment so far, the open Microsoft storage unit) and gives back where it stands after this
//! one, with the field's bit position. [`lay_out`] runs that step over a slice at run time; [`lay_out_array`] runs the
//! same step over an array in a `const` context, so that code generated at compile time can
//! check Rust's own layout of a record against the engine's.

#![forbid(unsafe_code)]

pub mod bits;
mod msvc;
pub mod placement;
mod sysv;

/// Which compiler's rules lay out a record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum LayoutRules {
    /// GCC and Clang on System V platforms (Linux, the BSDs, macOS).
    #[cfg_attr(not(all(windows, target_env = "msvc")), default)]
    SysV,
    /// Microsoft's rules as GCC's `__attribute__((ms_struct))` applies them, which is what the
    /// engine is tested against. MSVC itself is known to differ for bit-fields in unions (it
    /// gives such a union the whole storage unit of the bit-field's type).
    #[cfg_attr(all(windows, target_env = "msvc"), default)]
    Msvc,
}

impl LayoutRules {
    /// The rules of the target's C compiler.
    pub const NATIVE: LayoutRules = if cfg!(all(windows, target_env = "msvc")) {
        LayoutRules::Msvc
    } else {
        LayoutRules::SysV
    };
}

/// The byte order a record stores its scalars in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ByteOrder {
    /// Least significant byte first.
    Little,
    /// Most significant byte first.
    Big,
}

impl ByteOrder {
    /// The target's byte order.
    pub const NATIVE: ByteOrder = if cfg!(target_endian = "big") {
        ByteOrder::Big
    } else {
        ByteOrder::Little
    };
}

impl Default for ByteOrder {
    fn default() -> ByteOrder {
        ByteOrder::NATIVE
    }
}

/// What the engine needs to know of one field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FieldShape {
    /// Size of the field's type, in bytes.
    pub size: u64,
    /// Alignment of the field's type, in bytes.
    pub align: u64,
    /// Width in bits, for a bit-field.
    pub bit_width: Option<u32>,
    /// Whether the field has a name (unnamed bit-fields are padding under some rules).
    pub named: bool,
}

impl FieldShape {
    /// A named, ordinary (not bit-field) member whose type has the size and alignment of the
    /// Rust type `T`.
    pub const fn of<T>() -> FieldShape {
        FieldShape {
            size: core::mem::size_of::<T>() as u64,
            align: core::mem::align_of::<T>() as u64,
            bit_width: None,
            named: true,
        }
    }
}

/// What the engine needs to know of the record itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RecordShape {
    /// A union rather than a struct.
    pub is_union: bool,
    /// The rule set.
    pub rules: LayoutRules,
    /// `#pragma pack(N)`: the largest alignment any member gets, in bytes.
    pub pack: Option<u64>,
    /// `__attribute__((aligned(N)))` on the record: the least alignment of the record, in bytes.
    pub align: Option<u64>,
}

/// The engine's answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Computed {
    /// `sizeof` the record, in bytes.
    pub size: u64,
    /// `_Alignof` the record, in bytes.
    pub align: u64,
    /// Each field's first bit, counted from the record's start in allocation order.
    pub bit_positions: Vec<u64>,
}

/// Lays out a record, or returns `None` when its size does not fit in an `isize`.
pub fn lay_out(record: &RecordShape, fields: &[FieldShape]) -> Option<Computed> {
    let mut cursor = Cursor::START;
    let mut positions = Vec::with_capacity(fields.len());
    for field in fields {
        let (next, position) = cursor.place(record, field);
        positions.push(position);
        cursor = next;
    }
    let (size, align) = cursor.finish(record)?;
    Some(Computed {
        size,
        align,
        // Every position lies inside the record, whose size fits in an `isize`.
        bit_positions: positions.into_iter().map(|p| p as u64).collect(),
    })
}

/// The engine's answer for a record of `N` fields, computed by [`lay_out_array`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConstLayout<const N: usize> {
    /// Whether the record could be laid out: `false` where `lay_out` returns `None`, that is
    /// when the size does not fit in an `isize`. The other fields are then all zero.
    pub ok: bool,
    /// `sizeof` the record, in bytes.
    pub size: u64,
    /// `_Alignof` the record, in bytes.
    pub align: u64,
    /// Each field's first bit, counted from the record's start in allocation order.
    pub bit_positions: [u64; N],
}

impl<const N: usize> ConstLayout<N> {
    /// The same answer in [`lay_out`]'s form: `None` when `ok` is `false`.
    pub fn to_computed(&self) -> Option<Computed> {
        self.ok.then(|| Computed {
            size: self.size,
            align: self.align,
            bit_positions: self.bit_positions.to_vec(),
        })
    }
}

/// Lays out a record of `N` fields in a `const` context.
///
/// The same engine as `lay_out`, step for step, with the same answer: where `lay_out` returns
/// `None`, this returns a [`ConstLayout`] whose `ok` is `false`. Code generated for a record
/// declared in Rust evaluates it in a `const` item and asserts that Rust's own layout agrees,
/// so a disagreement is a compile error.
///
/// ```
/// use core::mem::{align_of, offset_of, size_of};
/// use ctypes_core::__private::{lay_out_array, ConstLayout, FieldShape, LayoutRules, RecordShape};
///
/// #[repr(C)]
/// struct Sample {
///     tag: u8,
///     value: i32,
///     count: u16,
/// }
///
/// const LAYOUT: ConstLayout<3> = lay_out_array(
///     RecordShape { is_union: false, rules: LayoutRules::NATIVE, pack: None, align: None },
///     [FieldShape::of::<u8>(), FieldShape::of::<i32>(), FieldShape::of::<u16>()],
/// );
///
/// // Checked while compiling: a mismatch would stop the build.
/// const _: () = assert!(
///     LAYOUT.ok
///         && LAYOUT.size == size_of::<Sample>() as u64
///         && LAYOUT.align == align_of::<Sample>() as u64
///         && LAYOUT.bit_positions[0] == 8 * offset_of!(Sample, tag) as u64
///         && LAYOUT.bit_positions[1] == 8 * offset_of!(Sample, value) as u64
///         && LAYOUT.bit_positions[2] == 8 * offset_of!(Sample, count) as u64
/// );
///
/// // Bit-fields too: `struct { char c; int a : 25; int b : 7; }` under the System V rules.
/// const BITS: ConstLayout<3> = lay_out_array(
///     RecordShape { is_union: false, rules: LayoutRules::SysV, pack: None, align: None },
///     [
///         FieldShape { size: 1, align: 1, bit_width: None, named: true },
///         FieldShape { size: 4, align: 4, bit_width: Some(25), named: true },
///         FieldShape { size: 4, align: 4, bit_width: Some(7), named: true },
///     ],
/// );
/// assert_eq!((BITS.size, BITS.align, BITS.bit_positions), (8, 4, [0, 32, 57]));
/// ```
pub const fn lay_out_array<const N: usize>(
    record: RecordShape,
    fields: [FieldShape; N],
) -> ConstLayout<N> {
    let mut cursor = Cursor::START;
    let mut positions = [0u128; N];
    let mut i = 0;
    while i < N {
        let (next, position) = cursor.place(&record, &fields[i]);
        positions[i] = position;
        cursor = next;
        i += 1;
    }
    let mut layout = ConstLayout {
        ok: false,
        size: 0,
        align: 0,
        bit_positions: [0; N],
    };
    if let Some((size, align)) = cursor.finish(&record) {
        layout.ok = true;
        layout.size = size;
        layout.align = align;
        let mut i = 0;
        while i < N {
            // Every position lies inside the record, whose size fits in an `isize`.
            layout.bit_positions[i] = positions[i] as u64;
            i += 1;
        }
    }
    layout
}

/// Where a rule set stands after placing some of a record's fields: the state that one step
/// ([`Cursor::place`]) takes and gives back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Cursor {
    /// The first bit the next member may take, before any alignment.
    next_bits: u128,
    /// The end of the last storage used, in bits.
    end_bits: u128,
    /// The record's alignment so far, in bytes, without its `aligned` attribute.
    align: u64,
    /// The Microsoft storage unit that bit-fields are being packed into, if one is open.
    unit: Option<Unit>,
}

/// An open Microsoft storage unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Unit {
    /// The size of the declared type of the bit-fields that share it, in bytes.
    type_size: u64,
    /// The bits it has left after `next_bits`.
    bits_left: u128,
}

impl Cursor {
    /// Before the first field.
    const START: Cursor = Cursor {
        next_bits: 0,
        end_bits: 0,
        align: 1,
        unit: None,
    };

    /// Places one field under the record's rules: where the record then stands, and the
    /// field's first bit.
    const fn place(self, record: &RecordShape, field: &FieldShape) -> (Cursor, u128) {
        match record.rules {
            LayoutRules::SysV => sysv::place(record, self, field),
            LayoutRules::Msvc => msvc::place(record, self, field),
        }
    }

    /// The record's size and alignment in bytes once every field is placed, or `None` when the
    /// size does not fit in an `isize`.
    const fn finish(self, record: &RecordShape) -> Option<(u64, u64)> {
        let end_bits = match record.rules {
            LayoutRules::SysV => self.end_bits,
            LayoutRules::Msvc => msvc::end_bits(self),
        };
        let align = match record.align {
            Some(n) => max_u64(self.align, n),
            None => self.align,
        };
        let size = round_up(round_up(end_bits, 8) / 8, align as u128);
        if size > isize::MAX as u128 {
            return None;
        }
        Some((size as u64, align))
    }
}

/// The alignment a member gets under `pack`, in bytes.
const fn capped(align: u64, pack: Option<u64>) -> u64 {
    match pack {
        Some(p) if p < align => p,
        _ => align,
    }
}

const fn round_up(value: u128, to: u128) -> u128 {
    value.div_ceil(to) * to
}

const fn max_u64(a: u64, b: u64) -> u64 {
    if a > b {
        a
    } else {
        b
    }
}

const fn max_u128(a: u128, b: u128) -> u128 {
    if a > b {
        a
    } else {
        b
    }
}

#[cfg(test)]
mod tests;
