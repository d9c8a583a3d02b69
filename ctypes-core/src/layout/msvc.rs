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

use super::{capped, round_up, FieldShape, Placed, RecordShape};

/// The storage unit that bit-fields are being packed into.
struct Unit {
    type_size: u64,
    bits_left: u128,
}

pub(super) fn place(record: &RecordShape, fields: &[FieldShape]) -> Placed {
    let mut positions = Vec::with_capacity(fields.len());
    let mut next: u128 = 0;
    let mut end: u128 = 0;
    let mut align: u64 = 1;
    let mut unit: Option<Unit> = None;
    for field in fields {
        let type_bits = u128::from(field.size) * 8;
        let member_align = capped(field.align, record.pack);
        let member_align_bits = u128::from(member_align) * 8;
        if record.is_union {
            if field.bit_width != Some(0) {
                align = align.max(member_align);
            }
            // GCC's `ms_struct` counts only the bytes a bit-field's bits touch, not its unit.
            let bits = field.bit_width.map_or(type_bits, u128::from);
            positions.push(0);
            end = end.max(bits);
            continue;
        }
        let position = match field.bit_width {
            None => {
                if let Some(open) = unit.take() {
                    next += open.bits_left;
                }
                align = align.max(member_align);
                let position = round_up(next, member_align_bits);
                next = position + type_bits;
                position
            }
            Some(0) => {
                if let Some(open) = unit.take() {
                    next += open.bits_left;
                    align = align.max(member_align);
                    next = round_up(next, member_align_bits);
                }
                next
            }
            Some(width) => {
                let width = u128::from(width);
                align = align.max(member_align);
                let position = match unit.as_mut() {
                    Some(open) if open.type_size == field.size && open.bits_left >= width => {
                        open.bits_left -= width;
                        next
                    }
                    Some(open) if open.type_size == field.size => {
                        let position = next + open.bits_left;
                        open.bits_left = type_bits - width;
                        position
                    }
                    _ => {
                        if let Some(open) = unit.take() {
                            next += open.bits_left;
                        }
                        unit = Some(Unit {
                            type_size: field.size,
                            bits_left: type_bits - width,
                        });
                        round_up(next, member_align_bits)
                    }
                };
                next = position + width;
                position
            }
        };
        positions.push(position);
        end = end.max(next);
    }
    if let Some(open) = unit {
        end = end.max(next + open.bits_left);
    }
    Placed {
        positions,
        end_bits: end,
        align,
    }
}
