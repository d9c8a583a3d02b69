//! One test per layout rule, with the numbers GCC 12 printed for the same declaration on
//! x86-64 Linux (`sizeof`, `_Alignof`, `offsetof`, and the bits a store of -1 sets). Sizes and
//! alignments are spelled out, so the tests hold on every target.

use super::{lay_out, Computed, FieldShape, LayoutRules, RecordShape};

/// `char`, `short`, `int`, `long long` with their x86-64 size and alignment.
const CHAR: u64 = 1;
const SHORT: u64 = 2;
const INT: u64 = 4;
const LLONG: u64 = 8;

fn plain(size: u64) -> FieldShape {
    FieldShape {
        size,
        align: size,
        bit_width: None,
        named: true,
    }
}

fn bits(size: u64, width: u32) -> FieldShape {
    FieldShape {
        bit_width: Some(width),
        ..plain(size)
    }
}

fn unnamed(size: u64, width: u32) -> FieldShape {
    FieldShape {
        named: false,
        ..bits(size, width)
    }
}

fn record(rules: LayoutRules, is_union: bool, pack: Option<u64>) -> RecordShape {
    RecordShape {
        is_union,
        rules,
        pack,
        align: None,
    }
}

fn sysv(fields: &[FieldShape]) -> Computed {
    lay_out(&record(LayoutRules::SysV, false, None), fields).unwrap()
}

fn sysv_packed(pack: u64, fields: &[FieldShape]) -> Computed {
    lay_out(&record(LayoutRules::SysV, false, Some(pack)), fields).unwrap()
}

fn ms(pack: Option<u64>, fields: &[FieldShape]) -> Computed {
    lay_out(&record(LayoutRules::Msvc, false, pack), fields).unwrap()
}

fn computed(size: u64, align: u64, bit_positions: &[u64]) -> Computed {
    Computed {
        size,
        align,
        bit_positions: bit_positions.to_vec(),
    }
}

#[test]
fn sysv_bit_field_moves_only_when_it_would_straddle_its_unit() {
    // struct { char x; int a : 25; } -> a at bit 32, 8 bytes, align 4
    assert_eq!(
        sysv(&[plain(CHAR), bits(INT, 25)]),
        computed(8, 4, &[0, 32])
    );
    // struct { char x; int a : 24; } -> a at bit 8, 4 bytes
    assert_eq!(sysv(&[plain(CHAR), bits(INT, 24)]), computed(4, 4, &[0, 8]));
}

#[test]
fn sysv_unnamed_bit_field_takes_space_but_no_alignment() {
    // struct { char a; long long : 60; char b; } -> the padding moves to bit 64, b at 16,
    // 17 bytes, align 1
    assert_eq!(
        sysv(&[plain(CHAR), unnamed(LLONG, 60), plain(CHAR)]),
        computed(17, 1, &[0, 64, 128])
    );
}

#[test]
fn sysv_zero_width_bit_field_aligns_whatever_the_pack() {
    // #pragma pack(1) struct { char a; int : 0; char b; } -> b at 4, 5 bytes, align 1
    assert_eq!(
        sysv_packed(1, &[plain(CHAR), unnamed(INT, 0), plain(CHAR)]),
        computed(5, 1, &[0, 32, 32])
    );
}

#[test]
fn sysv_pack_lets_bit_fields_straddle() {
    // #pragma pack(1) struct { char x; int a : 30; } -> a at bit 8, 5 bytes, align 1
    assert_eq!(
        sysv_packed(1, &[plain(CHAR), bits(INT, 30)]),
        computed(5, 1, &[0, 8])
    );
}

#[test]
fn sysv_union_counts_the_bytes_of_a_bit_field() {
    // union { char c; int : 20; } -> 3 bytes, align 1
    let union = record(LayoutRules::SysV, true, None);
    assert_eq!(
        lay_out(&union, &[plain(CHAR), unnamed(INT, 20)]).unwrap(),
        computed(3, 1, &[0, 0])
    );
}

#[test]
fn ms_bit_fields_of_another_size_start_a_new_unit() {
    // ms_struct { char a : 3; int b : 3; } -> b at bit 32, 8 bytes, align 4
    assert_eq!(
        ms(None, &[bits(CHAR, 3), bits(INT, 3)]),
        computed(8, 4, &[0, 32])
    );
    // #pragma pack(2) ms_struct { char x; int a : 3; int b : 30; } -> a at bit 16; b does not
    // fit the rest of a's unit and starts the next one at bit 48; 10 bytes, align 2
    assert_eq!(
        ms(Some(2), &[plain(CHAR), bits(INT, 3), bits(INT, 30)]),
        computed(10, 2, &[0, 16, 48])
    );
}

#[test]
fn ms_zero_width_bit_field_acts_only_after_a_bit_field() {
    // ms_struct { char a : 3; int : 0; char d; } -> d at 4, 8 bytes, align 4
    assert_eq!(
        ms(None, &[bits(CHAR, 3), unnamed(INT, 0), plain(CHAR)]),
        computed(8, 4, &[0, 32, 32])
    );
    // ms_struct { char c; int : 0; char d; } -> d at 1, 2 bytes, align 1
    assert_eq!(
        ms(None, &[plain(CHAR), unnamed(INT, 0), plain(CHAR)]),
        computed(2, 1, &[0, 8, 8])
    );
}

#[test]
fn ms_union_counts_the_bytes_of_a_bit_field_not_its_unit() {
    let union = |pack| record(LayoutRules::Msvc, true, pack);
    // #pragma pack(1) ms_struct union { char a; int b; long long c : 33; } -> 5 bytes, align 1
    assert_eq!(
        lay_out(&union(Some(1)), &[plain(CHAR), plain(INT), bits(LLONG, 33)]).unwrap(),
        computed(5, 1, &[0, 0, 0])
    );
    // ms_struct union { char a : 3; int : 5; } -> 4 bytes, align 4: unnamed bit-fields give
    // their alignment under these rules
    assert_eq!(
        lay_out(&union(None), &[bits(CHAR, 3), unnamed(INT, 5)]).unwrap(),
        computed(4, 4, &[0, 0])
    );
    // #pragma pack(2) ms_struct union { short a : 5; long long b : 15; } -> 2 bytes, align 2
    assert_eq!(
        lay_out(&union(Some(2)), &[bits(SHORT, 5), bits(LLONG, 15)]).unwrap(),
        computed(2, 2, &[0, 0])
    );
}
