//! The bit-field rule: which bits of a record's bytes a bit-field occupies, and how its value is
//! read from and written to them. One `const fn` pair serves the runtime memory objects and the
//! accessors the record macros generate.

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

/// The low `width` bits set.
pub(crate) const fn bit_mask(width: u32) -> u128 {
    if width >= 128 {
        u128::MAX
    } else {
        (1u128 << width) - 1
    }
}
