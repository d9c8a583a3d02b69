//! System V rules, as GCC and Clang apply them.
//!
//! - An ordinary member goes at the next multiple of its alignment, capped by `pack`.
//! - Without `pack`, a bit-field goes at the next free bit unless that would make it span more
//!   alignment units of its declared type than the type itself spans; then it starts at the next
//!   such unit. Under `pack`, bit-fields are never moved: they follow one another bit by bit.
//! - A zero-width bit-field moves the next member to a multiple of its type's alignment, whatever
//!   the `pack`.
//! - Named bit-fields give the record their type's alignment (capped by `pack`); unnamed ones do
//!   not, as the x86-64 and AArch64 psABIs say.
//! - A union's members all start at 0; a bit-field makes it as large as the bytes its bits touch.
//! - Byte order does not move anything. GCC lays out a `scalar_storage_order("big-endian")`
//!   record exactly as a native one, then numbers the bits of each byte from the most significant
//!   end: the same bit positions, read in the other direction. The same holds under the Microsoft
//!   rules.

use super::{capped, max_u128, max_u64, round_up, Cursor, FieldShape, RecordShape};

/// Places one field: where the record then stands, and the field's first bit.
pub(super) const fn place(
    record: &RecordShape,
    cursor: Cursor,
    field: &FieldShape,
) -> (Cursor, u128) {
    let mut align = cursor.align;
    let type_bits = field.size as u128 * 8;
    let type_align_bits = field.align as u128 * 8;
    let start = if record.is_union { 0 } else { cursor.next_bits };
    let (position, bits) = match field.bit_width {
        None => {
            let member_align = capped(field.align, record.pack);
            align = max_u64(align, member_align);
            (round_up(start, member_align as u128 * 8), type_bits)
        }
        Some(0) => (round_up(start, type_align_bits), 0),
        Some(width) => {
            let width = width as u128;
            if field.named {
                align = max_u64(align, capped(field.align, record.pack));
            }
            let position = if record.pack.is_none()
                && spans_too_many_units(start, width, type_bits, type_align_bits)
            {
                round_up(start, type_align_bits)
            } else {
                start
            };
            (position, width)
        }
    };
    let next = Cursor {
        next_bits: position + bits,
        end_bits: max_u128(cursor.end_bits, position + bits),
        align,
        unit: None,
    };
    (next, position)
}

/// Whether `width` bits at `start` touch more units of `unit_align` bits than a whole object of
/// the declared type (`type_bits`) does.
const fn spans_too_many_units(start: u128, width: u128, type_bits: u128, unit_align: u128) -> bool {
    let units_touched = (start % unit_align + width).div_ceil(unit_align);
    units_touched > type_bits / unit_align
}
