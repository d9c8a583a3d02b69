//! One test per layout rule, with the numbers GCC 12 printed for the same declaration on
//! x86-64 Linux (`sizeof`, `_Alignof`, `offsetof`, and the bits a store of -1 sets). Sizes and
//! alignments are spelled out, so the tests hold on every target. Every case is laid out both by
//! [`lay_out`] and by [`lay_out_array`], which must agree.

use super::{lay_out, lay_out_array, Computed, ConstLayout, FieldShape, LayoutRules, RecordShape};

/// `char`, `short`, `int`, `long long` with their x86-64 size and alignment.
const CHAR: u64 = 1;
const SHORT: u64 = 2;
const INT: u64 = 4;
const LLONG: u64 = 8;

const fn plain(size: u64) -> FieldShape {
    FieldShape {
        size,
        align: size,
        bit_width: None,
        named: true,
    }
}

const fn bits(size: u64, width: u32) -> FieldShape {
    FieldShape {
        bit_width: Some(width),
        ..plain(size)
    }
}

const fn unnamed(size: u64, width: u32) -> FieldShape {
    FieldShape {
        named: false,
        ..bits(size, width)
    }
}

const fn record(rules: LayoutRules, is_union: bool, pack: Option<u64>) -> RecordShape {
    RecordShape {
        is_union,
        rules,
        pack,
        align: None,
    }
}

/// Lays out a record with both entry points, checks that they agree, and returns the answer.
fn both<const N: usize>(record: RecordShape, fields: [FieldShape; N]) -> Option<Computed> {
    let computed = lay_out(&record, &fields);
    let array = lay_out_array(record, fields);
    assert_eq!(
        array.to_computed(),
        computed,
        "lay_out_array and lay_out differ for {record:?} {fields:?}"
    );
    if !array.ok {
        assert_eq!(
            array,
            ConstLayout {
                ok: false,
                size: 0,
                align: 0,
                bit_positions: [0; N]
            }
        );
    }
    computed
}

fn sysv<const N: usize>(fields: [FieldShape; N]) -> Computed {
    both(record(LayoutRules::SysV, false, None), fields).unwrap()
}

fn sysv_packed<const N: usize>(pack: u64, fields: [FieldShape; N]) -> Computed {
    both(record(LayoutRules::SysV, false, Some(pack)), fields).unwrap()
}

fn ms<const N: usize>(pack: Option<u64>, fields: [FieldShape; N]) -> Computed {
    both(record(LayoutRules::Msvc, false, pack), fields).unwrap()
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
    assert_eq!(sysv([plain(CHAR), bits(INT, 25)]), computed(8, 4, &[0, 32]));
    // struct { char x; int a : 24; } -> a at bit 8, 4 bytes
    assert_eq!(sysv([plain(CHAR), bits(INT, 24)]), computed(4, 4, &[0, 8]));
}

#[test]
fn sysv_unnamed_bit_field_takes_space_but_no_alignment() {
    // struct { char a; long long : 60; char b; } -> the padding moves to bit 64, b at 16,
    // 17 bytes, align 1
    assert_eq!(
        sysv([plain(CHAR), unnamed(LLONG, 60), plain(CHAR)]),
        computed(17, 1, &[0, 64, 128])
    );
}

#[test]
fn sysv_zero_width_bit_field_aligns_whatever_the_pack() {
    // #pragma pack(1) struct { char a; int : 0; char b; } -> b at 4, 5 bytes, align 1
    assert_eq!(
        sysv_packed(1, [plain(CHAR), unnamed(INT, 0), plain(CHAR)]),
        computed(5, 1, &[0, 32, 32])
    );
}

#[test]
fn sysv_pack_lets_bit_fields_straddle() {
    // #pragma pack(1) struct { char x; int a : 30; } -> a at bit 8, 5 bytes, align 1
    assert_eq!(
        sysv_packed(1, [plain(CHAR), bits(INT, 30)]),
        computed(5, 1, &[0, 8])
    );
}

#[test]
fn sysv_union_counts_the_bytes_of_a_bit_field() {
    // union { char c; int : 20; } -> 3 bytes, align 1
    let union = record(LayoutRules::SysV, true, None);
    assert_eq!(
        both(union, [plain(CHAR), unnamed(INT, 20)]).unwrap(),
        computed(3, 1, &[0, 0])
    );
}

#[test]
fn ms_bit_fields_of_another_size_start_a_new_unit() {
    // ms_struct { char a : 3; int b : 3; } -> b at bit 32, 8 bytes, align 4
    assert_eq!(
        ms(None, [bits(CHAR, 3), bits(INT, 3)]),
        computed(8, 4, &[0, 32])
    );
    // #pragma pack(2) ms_struct { char x; int a : 3; int b : 30; } -> a at bit 16; b does not
    // fit the rest of a's unit and starts the next one at bit 48; 10 bytes, align 2
    assert_eq!(
        ms(Some(2), [plain(CHAR), bits(INT, 3), bits(INT, 30)]),
        computed(10, 2, &[0, 16, 48])
    );
}

#[test]
fn ms_zero_width_bit_field_acts_only_after_a_bit_field() {
    // ms_struct { char a : 3; int : 0; char d; } -> d at 4, 8 bytes, align 4
    assert_eq!(
        ms(None, [bits(CHAR, 3), unnamed(INT, 0), plain(CHAR)]),
        computed(8, 4, &[0, 32, 32])
    );
    // ms_struct { char c; int : 0; char d; } -> d at 1, 2 bytes, align 1
    assert_eq!(
        ms(None, [plain(CHAR), unnamed(INT, 0), plain(CHAR)]),
        computed(2, 1, &[0, 8, 8])
    );
}

#[test]
fn ms_union_counts_the_bytes_of_a_bit_field_not_its_unit() {
    let union = |pack| record(LayoutRules::Msvc, true, pack);
    // #pragma pack(1) ms_struct union { char a; int b; long long c : 33; } -> 5 bytes, align 1
    assert_eq!(
        both(union(Some(1)), [plain(CHAR), plain(INT), bits(LLONG, 33)]).unwrap(),
        computed(5, 1, &[0, 0, 0])
    );
    // ms_struct union { char a : 3; int : 5; } -> 4 bytes, align 4: unnamed bit-fields give
    // their alignment under these rules
    assert_eq!(
        both(union(None), [bits(CHAR, 3), unnamed(INT, 5)]).unwrap(),
        computed(4, 4, &[0, 0])
    );
    // #pragma pack(2) ms_struct union { short a : 5; long long b : 15; } -> 2 bytes, align 2
    assert_eq!(
        both(union(Some(2)), [bits(SHORT, 5), bits(LLONG, 15)]).unwrap(),
        computed(2, 2, &[0, 0])
    );
}

#[test]
fn size_that_does_not_fit_an_isize_is_refused_by_both() {
    let huge = plain(isize::MAX as u64 / 2 + 1);
    for rules in [LayoutRules::SysV, LayoutRules::Msvc] {
        assert_eq!(both(record(rules, false, None), [huge, huge]), None);
        assert!(both(record(rules, true, None), [huge, huge]).is_some());
    }
}

/// A small deterministic generator (xorshift64*), so the generated records are the same on
/// every run.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 32) % n
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }

    fn field(&mut self) -> FieldShape {
        // Integer types (which may be bit-fields), then floating and aggregate shapes.
        const INTEGERS: [u64; 4] = [CHAR, SHORT, INT, LLONG];
        const OTHERS: [(u64, u64); 6] = [(16, 16), (8, 4), (3, 1), (12, 4), (24, 8), (0, 1)];
        match self.below(5) {
            0 | 1 => {
                let size = self.pick(&INTEGERS);
                let width = self.below(size * 8 + 1) as u32;
                if width == 0 || self.below(4) == 0 {
                    unnamed(size, width)
                } else {
                    bits(size, width)
                }
            }
            2 => plain(self.pick(&INTEGERS)),
            _ => {
                let (size, align) = self.pick(&OTHERS);
                FieldShape {
                    size,
                    align,
                    bit_width: None,
                    named: true,
                }
            }
        }
    }

    fn record(&mut self) -> RecordShape {
        RecordShape {
            is_union: self.below(4) == 0,
            rules: self.pick(&[LayoutRules::SysV, LayoutRules::Msvc]),
            pack: self.pick(&[None, None, Some(1), Some(2), Some(4), Some(8), Some(16)]),
            align: self.pick(&[None, None, None, Some(1), Some(4), Some(16), Some(64)]),
        }
    }
}

fn compare_generated<const N: usize>(rng: &mut Rng, records: usize) {
    for _ in 0..records {
        let record = rng.record();
        let fields: [FieldShape; N] = core::array::from_fn(|_| rng.field());
        both(record, fields);
    }
}

#[test]
fn lay_out_array_agrees_with_lay_out_on_generated_records() {
    let mut rng = Rng(0x5eed_1a70_u64);
    compare_generated::<0>(&mut rng, 8);
    compare_generated::<1>(&mut rng, 100);
    compare_generated::<2>(&mut rng, 200);
    compare_generated::<3>(&mut rng, 200);
    compare_generated::<5>(&mut rng, 200);
    compare_generated::<8>(&mut rng, 200);
    compare_generated::<16>(&mut rng, 100);
}

// Evaluated while compiling: a wrong answer here is a build error, not a test failure.

/// `struct { char x; int a : 25; int b : 7; }`
const SYSV_BITS: ConstLayout<3> = lay_out_array(
    record(LayoutRules::SysV, false, None),
    [plain(CHAR), bits(INT, 25), bits(INT, 7)],
);
const _: () = assert!(
    SYSV_BITS.ok
        && SYSV_BITS.size == 8
        && SYSV_BITS.align == 4
        && SYSV_BITS.bit_positions[0] == 0
        && SYSV_BITS.bit_positions[1] == 32
        && SYSV_BITS.bit_positions[2] == 57
);

/// `#pragma pack(2) ms_struct { char x; int a : 3; int b : 30; }`
const MS_PACKED: ConstLayout<3> = lay_out_array(
    record(LayoutRules::Msvc, false, Some(2)),
    [plain(CHAR), bits(INT, 3), bits(INT, 30)],
);
const _: () = assert!(
    MS_PACKED.ok
        && MS_PACKED.size == 10
        && MS_PACKED.align == 2
        && MS_PACKED.bit_positions[1] == 16
        && MS_PACKED.bit_positions[2] == 48
);

/// Two members of half an `isize` each: too large.
const TOO_LARGE: ConstLayout<2> = lay_out_array(
    record(LayoutRules::SysV, false, None),
    [
        plain(isize::MAX as u64 / 2 + 1),
        plain(isize::MAX as u64 / 2 + 1),
    ],
);
const _: () = assert!(!TOO_LARGE.ok);

#[repr(C)]
struct RustStruct {
    a: u8,
    b: u64,
    c: u16,
    d: [u8; 3],
}

#[repr(C, packed(2))]
struct RustPacked {
    a: u8,
    b: u64,
    c: u32,
}

#[repr(C, align(32))]
struct RustAligned {
    a: u8,
    b: u16,
}

#[repr(C)]
union RustUnion {
    a: u8,
    b: [u16; 3],
    c: u32,
}

/// Whether the engine's answer is Rust's layout: size, alignment and `offsets` in bytes.
const fn agrees<const N: usize>(
    layout: ConstLayout<N>,
    size: usize,
    align: usize,
    offsets: [usize; N],
) -> bool {
    if !layout.ok || layout.size != size as u64 || layout.align != align as u64 {
        return false;
    }
    let mut i = 0;
    while i < N {
        if layout.bit_positions[i] != offsets[i] as u64 * 8 {
            return false;
        }
        i += 1;
    }
    true
}

const _: () = assert!(agrees(
    lay_out_array(
        record(LayoutRules::NATIVE, false, None),
        [
            FieldShape::of::<u8>(),
            FieldShape::of::<u64>(),
            FieldShape::of::<u16>(),
            FieldShape::of::<[u8; 3]>(),
        ],
    ),
    core::mem::size_of::<RustStruct>(),
    core::mem::align_of::<RustStruct>(),
    [
        core::mem::offset_of!(RustStruct, a),
        core::mem::offset_of!(RustStruct, b),
        core::mem::offset_of!(RustStruct, c),
        core::mem::offset_of!(RustStruct, d),
    ],
));

const _: () = assert!(agrees(
    lay_out_array(
        record(LayoutRules::NATIVE, false, Some(2)),
        [
            FieldShape::of::<u8>(),
            FieldShape::of::<u64>(),
            FieldShape::of::<u32>(),
        ],
    ),
    core::mem::size_of::<RustPacked>(),
    core::mem::align_of::<RustPacked>(),
    [
        core::mem::offset_of!(RustPacked, a),
        core::mem::offset_of!(RustPacked, b),
        core::mem::offset_of!(RustPacked, c),
    ],
));

const _: () = assert!(agrees(
    lay_out_array(
        RecordShape {
            align: Some(32),
            ..record(LayoutRules::NATIVE, false, None)
        },
        [FieldShape::of::<u8>(), FieldShape::of::<u16>()],
    ),
    core::mem::size_of::<RustAligned>(),
    core::mem::align_of::<RustAligned>(),
    [
        core::mem::offset_of!(RustAligned, a),
        core::mem::offset_of!(RustAligned, b),
    ],
));

const _: () = assert!(agrees(
    lay_out_array(
        record(LayoutRules::NATIVE, true, None),
        [
            FieldShape::of::<u8>(),
            FieldShape::of::<[u16; 3]>(),
            FieldShape::of::<u32>(),
        ],
    ),
    core::mem::size_of::<RustUnion>(),
    core::mem::align_of::<RustUnion>(),
    [
        core::mem::offset_of!(RustUnion, a),
        core::mem::offset_of!(RustUnion, b),
        core::mem::offset_of!(RustUnion, c),
    ],
));

#[test]
fn const_items_hold_what_lay_out_computes() {
    assert_eq!(
        SYSV_BITS.to_computed(),
        lay_out(
            &record(LayoutRules::SysV, false, None),
            &[plain(CHAR), bits(INT, 25), bits(INT, 7)]
        )
    );
    assert_eq!(
        MS_PACKED.to_computed(),
        lay_out(
            &record(LayoutRules::Msvc, false, Some(2)),
            &[plain(CHAR), bits(INT, 3), bits(INT, 30)]
        )
    );
    assert_eq!(TOO_LARGE.to_computed(), None);
}
