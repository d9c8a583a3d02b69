//! Microsoft rules, as MSVC and GCC's `ms_struct` apply them.
//!
//! - Consecutive bit-fields whose declared types have the same size share storage units of that
//!   size; a bit-field that does not fit in what is left of the unit starts a new one. A
//!   bit-field of another size, or an ordinary member, closes the unit: its unused bits are
//!   padding.
//! - A storage unit, like an ordinary member, starts at a multiple of its type's alignment,
//!   capped by `pack`; every member, bit-field or not, named or not, gives the record its
//!   (capped) alignment.
//! - A zero-width bit-field right after a bit-field closes the unit and aligns the next member to
//!   its type; anywhere else it is ignored.
//! - A union's members all start at 0. A bit-field makes the union as large as the bytes its bits
//!   touch, not its whole storage unit (`#pragma pack(1) union { char a; long long b : 33; }` is
//!   5 bytes under GCC's `ms_struct`), while it still gives its type's alignment. This is GCC's
//!   behaviour, which the tests check against. Microsoft's compiler, as Clang's
//!   `MicrosoftRecordLayoutBuilder` models it, does the opposite in unions: a bit-field reserves
//!   its whole unit and gives no alignment.

use super::{capped, max_u128, max_u64, round_up, Cursor, FieldShape, RecordShape, Unit};

/// Places one field: where the record then stands, and the field's first bit.
pub(super) const fn place(
    record: &RecordShape,
    cursor: Cursor,
    field: &FieldShape,
) -> (Cursor, u128) {
    let type_bits = field.size as u128 * 8;
    let member_align = capped(field.align, record.pack);
    let member_align_bits = member_align as u128 * 8;
    let mut align = cursor.align;
    if record.is_union {
        // GCC's `ms_struct` counts only the bytes a bit-field's bits touch, not its unit.
        let bits = match field.bit_width {
            Some(0) => 0,
            Some(width) => width as u128,
            None => type_bits,
        };
        if !matches!(field.bit_width, Some(0)) {
            align = max_u64(align, member_align);
        }
        let next = Cursor {
            end_bits: max_u128(cursor.end_bits, bits),
            align,
            ..cursor
        };
        return (next, 0);
    }
    // Where the open unit, if any, ends: the start of whatever comes after it.
    let after_unit = match cursor.unit {
        Some(open) => cursor.next_bits + open.bits_left,
        None => cursor.next_bits,
    };
    let (position, next_bits, unit) = match field.bit_width {
        None => {
            align = max_u64(align, member_align);
            let position = round_up(after_unit, member_align_bits);
            (position, position + type_bits, None)
        }
        Some(0) => match cursor.unit {
            Some(_) => {
                align = max_u64(align, member_align);
                let position = round_up(after_unit, member_align_bits);
                (position, position, None)
            }
            None => (cursor.next_bits, cursor.next_bits, None),
        },
        Some(width) => {
            let width = width as u128;
            align = max_u64(align, member_align);
            let (position, bits_left) = match cursor.unit {
                Some(open) if open.type_size == field.size && open.bits_left >= width => {
                    (cursor.next_bits, open.bits_left - width)
                }
                // The next unit of the same type follows this one directly.
                Some(open) if open.type_size == field.size => {
                    (cursor.next_bits + open.bits_left, type_bits - width)
                }
                _ => (round_up(after_unit, member_align_bits), type_bits - width),
            };
            let unit = Unit {
                type_size: field.size,
                bits_left,
            };
            (position, position + width, Some(unit))
        }
    };
    let next = Cursor {
        next_bits,
        end_bits: max_u128(cursor.end_bits, next_bits),
        align,
        unit,
    };
    (next, position)
}

/// The end of the record's storage once every field is placed: an open unit's unused bits
/// count as the record's.
pub(super) const fn end_bits(cursor: Cursor) -> u128 {
    match cursor.unit {
        Some(open) => max_u128(cursor.end_bits, cursor.next_bits + open.bits_left),
        None => cursor.end_bits,
    }
}
