//! Where the Rust fields of a record with bit-fields go so that the Rust type has the C layout:
//! each member (a plain field, or the storage of a run of bit-fields) after a zero-sized field
//! of the right alignment, or after padding. What the record macros' generated code computes at
//! compile time.

use super::{capped, round_up};

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
        Element {
            start: position / 8,
            end: position / 8 + size as u64,
            align: capped(align as u64, pack),
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
        let head = round_up(start as u128, 4) as u64 - start;
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
        if round_up(end as u128, element.align as u128) as u64 != element.start {
            // The largest power of two dividing `start`, no more than the record's alignment.
            let mut zst = 1u64 << element.start.trailing_zeros();
            if zst > align {
                zst = align;
            }
            if round_up(end as u128, zst as u128) as u64 == element.start {
                placement.places[i].zst_align = zst as usize;
            } else {
                placement.places[i].pad = (element.start - end) as usize;
                placement.places[i].padding = Padding::of(end, element.start - end, align);
            }
        }
        end = element.end;
        i += 1;
    }
    if round_up(end as u128, align as u128) as u64 != size {
        if size < end {
            placement.ok = false;
        } else {
            placement.tail = (size - end) as usize;
            placement.tail_padding = Padding::of(end, size - end, align);
        }
    }
    placement
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
