//! The layout engine: where each field of a struct or union lives.
//!
//! Pure arithmetic over sizes and alignments, in bits, with no `unsafe` and no C calls: the
//! same code serves runtime records and the macros. Two rule sets are implemented, the System V
//! rules of GCC and Clang and the Microsoft rules (MSVC, and GCC's `ms_struct`), each with
//! `#pragma pack(N)` and an `aligned(N)` attribute on the record. The engine is checked against the
//! system C compiler by the `layout_vs_c` test of the `tests` crate.

#![forbid(unsafe_code)]

mod msvc;
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
    let mut state = match record.rules {
        LayoutRules::SysV => sysv::place(record, fields),
        LayoutRules::Msvc => msvc::place(record, fields),
    };
    if let Some(n) = record.align {
        state.align = state.align.max(n);
    }
    let size = round_up(state.end_bits, 8) / 8;
    let size = round_up(size, state.align as u128);
    if size > isize::MAX as u128 {
        return None;
    }
    Some(Computed {
        size: size as u64,
        align: state.align,
        bit_positions: state.positions.into_iter().map(|p| p as u64).collect(),
    })
}

/// What the rule sets hand back: positions, the end of the last storage used, the alignment.
struct Placed {
    positions: Vec<u128>,
    end_bits: u128,
    align: u64,
}

/// The alignment a member gets under `pack`, in bytes.
fn capped(align: u64, pack: Option<u64>) -> u64 {
    pack.map_or(align, |p| align.min(p))
}

fn round_up(value: u128, to: u128) -> u128 {
    value.div_ceil(to) * to
}

#[cfg(test)]
mod tests;
