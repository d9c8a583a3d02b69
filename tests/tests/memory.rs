//! Memory objects: allocation, field and element access, scalar conversions, bit-fields, byte
//! order, strings, memmove/memset, resize and raw memory.
//!
//! Expected bytes and offsets come from Rust's own layout (`#[repr(C)]` mirrors), from the C
//! compiler, or from arithmetic done here, never from `ctypes-core` itself.

use std::ffi::c_void;
use std::fmt::Write as _;
use std::mem::{offset_of, size_of};

use ctypes_core::{
    memmove, memset, string_at, wstring_at, ByteOrder, CData, CType, LongDouble, Scalar,
    ScalarClass, Value,
};
use ctypes_tests::cc;

fn scalar(s: Scalar) -> CType {
    CType::scalar(s)
}

/// The low `size` bytes of `n` in native byte order, as C stores an integer of that size.
fn native_bytes(n: i128, size: usize) -> Vec<u8> {
    let le = (n as u128).to_le_bytes()[..size].to_vec();
    if cfg!(target_endian = "big") {
        le.into_iter().rev().collect()
    } else {
        le
    }
}

/// `n` as the `Value` a caller would pass, if `Value` can hold it.
fn value_of(n: i128) -> Option<Value> {
    if let Ok(i) = i64::try_from(n) {
        Some(Value::Int(i))
    } else {
        u64::try_from(n).ok().map(Value::UInt)
    }
}

/// `n` as a read of `s` gives it back.
fn read_back(s: Scalar, n: i128) -> Value {
    match s.class() {
        ScalarClass::Bool => Value::Bool(n != 0),
        ScalarClass::Integer { signed: true } => Value::Int(n as i64),
        _ => Value::UInt(n as u64),
    }
}

#[repr(C)]
struct Item {
    len: u16,
    tag: i8,
}

#[repr(C)]
struct Hdr {
    count: i32,
    items: [Item; 4],
    total: u64,
}

fn item_type() -> CType {
    CType::struct_builder("item")
        .field("len", scalar(Scalar::UShort))
        .field("tag", scalar(Scalar::SChar))
        .build()
        .unwrap()
}

fn hdr_type() -> CType {
    CType::struct_builder("hdr")
        .field("count", scalar(Scalar::Int))
        .field("items", item_type().array(4).unwrap())
        .field("total", scalar(Scalar::UInt64))
        .build()
        .unwrap()
}

#[test]
fn new_objects_are_zeroed_and_aligned() {
    for align in [1, 2, 4, 8, 16, 32, 64] {
        let ty = CType::struct_builder("aligned")
            .field("c", scalar(Scalar::Char))
            .field("n", scalar(Scalar::Short).array(5).unwrap())
            .align(align)
            .build()
            .unwrap();
        // `align` raises the natural alignment (2, from the shorts), never lowers it.
        let align = align.max(2);
        assert_eq!(ty.align().unwrap(), align);
        let expected_size = 12usize.next_multiple_of(align);
        assert_eq!(ty.size().unwrap(), expected_size);
        // Several at once, so that a lucky allocator does not hide a missing alignment.
        let objects: Vec<CData> = (0..16).map(|_| CData::new(&ty).unwrap()).collect();
        for data in &objects {
            let address = data.addressof().unwrap() as usize;
            assert_eq!(address % align, 0, "align {align}");
            assert_eq!(data.to_bytes(), vec![0; expected_size]);
            assert_eq!(data.size(), expected_size);
        }
    }
    let big = CData::new(&scalar(Scalar::LongDouble).array(3).unwrap()).unwrap();
    assert_eq!(big.addressof().unwrap() as usize % 16, 0);
}

#[test]
fn fields_are_reached_by_name_index_and_path() {
    let hdr = hdr_type();
    assert_eq!(hdr.size().unwrap(), size_of::<Hdr>());
    let data = CData::new(&hdr).unwrap();
    data.set("count", -3).unwrap();
    data.set("items[3].len", 700u16).unwrap();
    data.set("items[1].tag", -2).unwrap();
    data.set("total", u64::MAX).unwrap();
    let bytes = data.to_bytes();
    let at = |offset: usize, n: usize| bytes[offset..offset + n].to_vec();
    assert_eq!(at(offset_of!(Hdr, count), 4), (-3i32).to_ne_bytes());
    let item3 = offset_of!(Hdr, items) + 3 * size_of::<Item>();
    assert_eq!(at(item3 + offset_of!(Item, len), 2), 700u16.to_ne_bytes());
    let item1 = offset_of!(Hdr, items) + size_of::<Item>();
    assert_eq!(at(item1 + offset_of!(Item, tag), 1), [0xfe]);
    assert_eq!(at(offset_of!(Hdr, total), 8), [0xff; 8]);

    assert_eq!(data.get("items[3].len").unwrap(), Value::UInt(700));
    assert_eq!(
        data.field("items")
            .unwrap()
            .element(1)
            .unwrap()
            .field("tag")
            .unwrap()
            .value()
            .unwrap(),
        Value::Int(-2)
    );
    // By index: field 0 is `count`, field 2 is `total`.
    assert_eq!(data.field_at(0).unwrap().value().unwrap(), Value::Int(-3));
    assert_eq!(
        data.field_at(2).unwrap().value().unwrap(),
        Value::UInt(u64::MAX)
    );
    let base = data.addressof().unwrap() as usize;
    let items = data.field_at(1).unwrap();
    assert_eq!(
        items.addressof().unwrap() as usize - base,
        offset_of!(Hdr, items)
    );
    assert_eq!(data.at("").unwrap().addressof().unwrap() as usize, base);
    assert_eq!(data.at("items[2]").unwrap().size(), size_of::<Item>());

    // Paths through a nested record.
    let outer = CType::struct_builder("outer")
        .field("pad", scalar(Scalar::Char))
        .field("hdr", hdr.clone())
        .build()
        .unwrap();
    let o = CData::new(&outer).unwrap();
    o.set("hdr.items[2].len", 9u8).unwrap();
    let off = 8 + offset_of!(Hdr, items) + 2 * size_of::<Item>();
    assert_eq!(o.to_bytes()[off..off + 2], 9u16.to_ne_bytes());
}

#[test]
fn field_lookup_errors_name_the_type_and_field() {
    let data = CData::new(&hdr_type()).unwrap();
    assert_eq!(
        data.field("nope").unwrap_err().to_string(),
        "`struct hdr` has no field `nope`"
    );
    assert_eq!(
        data.get("items[0].nope").unwrap_err().to_string(),
        "`struct item` has no field `nope`"
    );
    assert_eq!(
        data.field_at(3).unwrap_err().to_string(),
        "index 3 is out of bounds for `struct hdr` of length 3"
    );
    assert_eq!(
        data.at("count.x").unwrap_err().to_string(),
        "expected a struct or union, found `int`"
    );
    assert_eq!(
        data.at("items.len").unwrap_err().to_string(),
        "expected a struct or union, found `struct item [4]`"
    );
    assert_eq!(
        data.at("items[1").unwrap_err().to_string(),
        "malformed field path `items[1`: missing `]`"
    );
    assert_eq!(
        data.get("items").unwrap_err().to_string(),
        "expected a scalar or pointer, found `struct item [4]`"
    );
}

#[test]
fn anonymous_members_fields_are_reached_by_name() {
    let either = CType::union_builder("")
        .field("i", scalar(Scalar::Int))
        .field("f", scalar(Scalar::Float))
        .build()
        .unwrap();
    let pair = CType::struct_builder("")
        .field("lo", scalar(Scalar::Short))
        .field("hi", scalar(Scalar::Short))
        .build()
        .unwrap();
    let tagged = CType::struct_builder("tagged")
        .field("kind", scalar(Scalar::Char))
        .anonymous(either)
        .anonymous(pair)
        .build()
        .unwrap();
    let data = CData::new(&tagged).unwrap();
    data.set("f", 1.5f32).unwrap();
    assert_eq!(
        data.get("i").unwrap(),
        Value::Int(i64::from(1.5f32.to_bits() as i32))
    );
    data.set("hi", -1).unwrap();
    data.set("lo", 0x1234).unwrap();
    let bytes = data.to_bytes();
    assert_eq!(bytes[4..8], 1.5f32.to_ne_bytes());
    assert_eq!(bytes[8..10], 0x1234i16.to_ne_bytes());
    assert_eq!(bytes[10..12], (-1i16).to_ne_bytes());
    // The anonymous members themselves are reachable by index.
    assert_eq!(data.field_at(2).unwrap().get("hi").unwrap(), Value::Int(-1));
}

#[test]
fn array_indices_are_bounds_checked() {
    let ints = CData::new(&scalar(Scalar::Int).array(4).unwrap()).unwrap();
    for i in 0..4 {
        ints.element(i).unwrap().set_value(i as i32 * 11).unwrap();
    }
    assert_eq!(ints.get("[3]").unwrap(), Value::Int(33));
    assert_eq!(
        ints.element(4).unwrap_err().to_string(),
        "index 4 is out of bounds for `int [4]` of length 4"
    );
    assert_eq!(
        ints.get("[100]").unwrap_err().to_string(),
        "index 100 is out of bounds for `int [4]` of length 4"
    );
    let data = CData::new(&hdr_type()).unwrap();
    assert_eq!(
        data.set("items[4].len", 1).unwrap_err().to_string(),
        "index 4 is out of bounds for `struct item [4]` of length 4"
    );
    assert_eq!(
        data.field("count")
            .unwrap()
            .element(0)
            .unwrap_err()
            .to_string(),
        "expected an array, found `int`"
    );
    let grid = CData::new(&scalar(Scalar::Char).array(3).unwrap().array(2).unwrap()).unwrap();
    grid.set("[1][2]", 7).unwrap();
    assert_eq!(grid.to_bytes(), [0, 0, 0, 0, 0, 7]);
    assert_eq!(
        grid.get("[1][3]").unwrap_err().to_string(),
        "index 3 is out of bounds for `char [3]` of length 3"
    );
}

#[test]
fn every_integer_type_takes_its_whole_range_and_nothing_more() {
    for s in Scalar::ALL {
        let Some((min, max)) = s.int_range() else {
            continue;
        };
        let data = CData::new(&scalar(s)).unwrap();
        let size = s.size();
        for n in [min, max, 0, 1] {
            let v = value_of(n).unwrap();
            data.set_value(v).unwrap();
            assert_eq!(data.value().unwrap(), read_back(s, n), "{s} = {n}");
            assert_eq!(data.to_bytes(), native_bytes(n, size), "bytes of {s} = {n}");
        }
        data.set_value(value_of(max).unwrap()).unwrap();
        for n in [min - 1, max + 1] {
            let Some(v) = value_of(n) else {
                continue;
            };
            let err = data.set_value(v).unwrap_err();
            assert_eq!(
                err.to_string(),
                format!("value {n} does not fit in `{}`", s.c_name())
            );
            // The refused write left the object alone.
            assert_eq!(data.value().unwrap(), read_back(s, max));
            // The wrapping setter reduces modulo 2^bits (any non-zero makes `_Bool` true).
            data.set_value_wrapping(v).unwrap();
            let wrapped = if s == Scalar::Bool {
                1
            } else {
                let bits = size as u32 * 8;
                let m = n.rem_euclid(1i128 << bits);
                if s.is_signed() && m > max {
                    m - (1i128 << bits)
                } else {
                    m
                }
            };
            assert_eq!(
                data.value().unwrap(),
                read_back(s, wrapped),
                "{s} wraps {n}"
            );
        }
    }
}

#[test]
fn the_wrapping_setter_converts_like_c() {
    let uc = CData::new(&scalar(Scalar::UChar)).unwrap();
    uc.set_value_wrapping(-1).unwrap();
    assert_eq!(uc.value().unwrap(), Value::UInt(255));
    uc.set_value_wrapping(0x1234).unwrap();
    assert_eq!(uc.value().unwrap(), Value::UInt(0x34));
    let short = CData::new(&scalar(Scalar::Short)).unwrap();
    short.set_value_wrapping(40000).unwrap();
    assert_eq!(short.value().unwrap(), Value::Int(40000 - 65536));
    let int = CData::new(&scalar(Scalar::Int)).unwrap();
    int.set_value_wrapping(u64::MAX).unwrap();
    assert_eq!(int.value().unwrap(), Value::Int(-1));
    let b = CData::new(&scalar(Scalar::Bool)).unwrap();
    b.set_value_wrapping(256).unwrap();
    assert_eq!(b.value().unwrap(), Value::Bool(true));
    assert_eq!(b.to_bytes(), [1]);
    b.set_value_wrapping(0).unwrap();
    assert_eq!(b.value().unwrap(), Value::Bool(false));
    // Floats are not integers, wrapped or not.
    assert_eq!(
        int.set_value_wrapping(1.5).unwrap_err().to_string(),
        "expected an integer for `int`, found `Double(1.5)`"
    );
}

#[test]
fn bool_objects_hold_zero_or_one() {
    let b = CData::new(&scalar(Scalar::Bool)).unwrap();
    b.set_value(true).unwrap();
    assert_eq!(b.to_bytes(), [1]);
    assert_eq!(b.value().unwrap(), Value::Bool(true));
    b.set_value(0).unwrap();
    assert_eq!(b.value().unwrap(), Value::Bool(false));
    assert_eq!(
        b.set_value(2).unwrap_err().to_string(),
        "value 2 does not fit in `_Bool`"
    );
    assert_eq!(
        b.set_value(-1).unwrap_err().to_string(),
        "value -1 does not fit in `_Bool`"
    );
    // Any non-zero byte reads as true, as C's `_Bool` loads do with such a representation.
    b.write_bytes(0, &[1]).unwrap();
    assert_eq!(b.value().unwrap(), Value::Bool(true));
    // `true` into an integer is 1.
    let int = CData::new(&scalar(Scalar::Int)).unwrap();
    int.set_value(true).unwrap();
    assert_eq!(int.value().unwrap(), Value::Int(1));
}

#[test]
fn floating_values_are_stored_as_ieee_bits() {
    let f = CData::new(&scalar(Scalar::Float)).unwrap();
    f.set_value(1.5f32).unwrap();
    assert_eq!(f.to_bytes(), 1.5f32.to_ne_bytes());
    f.set_value(0.1f64).unwrap();
    assert_eq!(f.to_bytes(), 0.1f32.to_ne_bytes());
    assert_eq!(f.value().unwrap(), Value::Float(0.1));
    f.set_value(-7).unwrap();
    assert_eq!(f.value().unwrap(), Value::Float(-7.0));
    assert_eq!(
        f.set_value(1e300).unwrap_err().to_string(),
        "value 1e300 does not fit in `float`"
    );
    f.set_value(f64::INFINITY).unwrap();
    assert_eq!(f.value().unwrap(), Value::Float(f32::INFINITY));
    f.set_value(f64::NAN).unwrap();
    assert!(matches!(f.value().unwrap(), Value::Float(x) if x.is_nan()));

    let d = CData::new(&scalar(Scalar::Double)).unwrap();
    d.set_value(-0.0f64).unwrap();
    assert_eq!(d.to_bytes(), (-0.0f64).to_ne_bytes());
    d.set_value(u64::MAX).unwrap();
    assert_eq!(d.value().unwrap(), Value::Double(u64::MAX as f64));
    d.set_value(f64::MIN_POSITIVE / 4.0).unwrap();
    assert_eq!(d.to_bytes(), (f64::MIN_POSITIVE / 4.0).to_ne_bytes());
    assert_eq!(
        d.set_value(Value::Pointer(8)).unwrap_err().to_string(),
        "expected a number, found `Pointer(8)`"
    );
}

#[test]
fn long_double_bytes_match_c() {
    let values = [1.5, -0.1, 1e300, -2.0, 5e-324, 0.0];
    let mut program = String::from("#include <stdio.h>\nint main(void) {\n");
    for v in values {
        writeln!(
            program,
            "    {{ long double x = (long double)(double){v:e}; unsigned char *b = (unsigned char *)&x;\n      \
             for (int i = 0; i < (int)sizeof x; i++) printf(\"%02x\", b[i]); printf(\"\\n\"); }}"
        )
        .unwrap();
    }
    program.push_str("    return 0;\n}\n");
    let out = cc::compile_and_run("long_double", &program).expect("C program runs");
    // Only the meaningful bytes: x87 leaves the padding of a `long double` undefined.
    let meaningful = match Scalar::LongDouble.size() {
        16 if cfg!(target_arch = "x86_64") => 10,
        n => n,
    };
    let data = CData::new(&scalar(Scalar::LongDouble)).unwrap();
    for (v, line) in values.iter().zip(out.lines()) {
        let c_bytes: Vec<u8> = (0..line.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&line[i..i + 2], 16).unwrap())
            .collect();
        let ours = LongDouble::from_f64(*v).to_bytes();
        assert_eq!(ours[..meaningful], c_bytes[..meaningful], "{v}");
        data.set_value(*v).unwrap();
        assert_eq!(data.to_bytes()[..meaningful], c_bytes[..meaningful], "{v}");
        match data.value().unwrap() {
            Value::LongDouble(l) => assert_eq!(l.to_f64().to_bits(), v.to_bits()),
            other => panic!("{other:?}"),
        }
        // Reading the compiler's bytes gives the value back.
        let mut padded = [0u8; 16];
        padded[..meaningful].copy_from_slice(&c_bytes[..meaningful]);
        assert_eq!(
            LongDouble::from_bytes(padded).to_f64().to_bits(),
            v.to_bits()
        );
    }
}

#[repr(C)]
struct Bits {
    raw: u32,
}

fn bits_type(order: ByteOrder) -> CType {
    CType::struct_builder("bits")
        .bit_field("a", scalar(Scalar::Int), 3)
        .bit_field("b", scalar(Scalar::UInt), 5)
        .bit_field("c", scalar(Scalar::Int), 7)
        .bit_field("d", scalar(Scalar::Bool), 1)
        .bit_field("e", scalar(Scalar::UInt), 16)
        .byte_order(order)
        .build()
        .unwrap()
}

#[test]
fn signed_bit_fields_read_sign_extended() {
    let ty = bits_type(ByteOrder::Little);
    assert_eq!(ty.size().unwrap(), size_of::<Bits>());
    let data = CData::new(&ty).unwrap();
    // a = 0b100 (-4), b = 0b10001 (17), c = 0b1000001 (-63), d = 1, e = 0xbeef: packed from
    // bit 0 up in a little-endian 32-bit unit.
    let raw: u32 = 0b100 | (0b10001 << 3) | (0b100_0001 << 8) | (1 << 15) | (0xbeef << 16);
    data.write_bytes(0, &raw.to_le_bytes()).unwrap();
    assert_eq!(data.get("a").unwrap(), Value::Int(-4));
    assert_eq!(data.get("b").unwrap(), Value::UInt(17));
    assert_eq!(data.get("c").unwrap(), Value::Int(-63));
    assert_eq!(data.get("d").unwrap(), Value::Bool(true));
    assert_eq!(data.get("e").unwrap(), Value::UInt(0xbeef));

    data.set("a", 3).unwrap();
    assert_eq!(data.get("a").unwrap(), Value::Int(3));
    assert_eq!(
        data.set("a", 4).unwrap_err().to_string(),
        "value 4 does not fit in `int : 3`"
    );
    assert_eq!(
        data.set("a", -5).unwrap_err().to_string(),
        "value -5 does not fit in `int : 3`"
    );
    assert_eq!(
        data.set("b", 32).unwrap_err().to_string(),
        "value 32 does not fit in `unsigned int : 5`"
    );
    assert_eq!(
        data.set("b", -1).unwrap_err().to_string(),
        "value -1 does not fit in `unsigned int : 5`"
    );
    data.set_wrapping("a", 4).unwrap();
    assert_eq!(data.get("a").unwrap(), Value::Int(-4));
    data.set_wrapping("b", -1).unwrap();
    assert_eq!(data.get("b").unwrap(), Value::UInt(31));
    // A bit-field view is not addressable.
    let a = data.field("a").unwrap();
    assert!(a.is_bit_field());
    assert!(a.addressof().is_err());
    assert!(a.cast(&scalar(Scalar::Int)).is_err());
    assert!(CData::pointer_to(&a).is_err());
}

#[test]
fn bit_field_writes_leave_neighbouring_bits_alone() {
    let data = CData::new(&bits_type(ByteOrder::Little)).unwrap();
    let fields: [(&str, u32, u32); 5] = [
        ("a", 0, 3),
        ("b", 3, 5),
        ("c", 8, 7),
        ("d", 15, 1),
        ("e", 16, 16),
    ];
    for (name, position, width) in fields {
        memset(&data, 0xff, 4).unwrap();
        data.set(name, 0).unwrap();
        let mask = (((1u64 << width) - 1) << position) as u32;
        let expected = !mask;
        assert_eq!(
            data.to_bytes(),
            expected.to_le_bytes(),
            "clearing {name} in ones"
        );
        memset(&data, 0, 4).unwrap();
        data.set_wrapping(name, -1).unwrap();
        assert_eq!(
            data.to_bytes(),
            mask.to_le_bytes(),
            "setting {name} in zeros"
        );
    }
}

/// The same record in both byte orders, set through C and through `CData`, compared byte by
/// byte.
#[test]
fn byte_order_matches_scalar_storage_order() {
    let build = |order: ByteOrder| {
        CType::struct_builder("sso")
            .field("a", scalar(Scalar::UChar))
            .field("b", scalar(Scalar::UShort))
            .bit_field("c", scalar(Scalar::Int), 5)
            .bit_field("d", scalar(Scalar::UInt), 11)
            .field("e", scalar(Scalar::LongLong))
            .field("arr", scalar(Scalar::Int).array(2).unwrap())
            .field("p", CType::void_ptr())
            .field("f", scalar(Scalar::Double))
            .bit_field("g", scalar(Scalar::Short), 9)
            .byte_order(order)
            .build()
            .unwrap()
    };
    let program = r#"#include <stdio.h>
#include <string.h>
#define BODY { unsigned char a; unsigned short b; int c : 5; unsigned d : 11; long long e; \
    int arr[2]; void *p; double f; short g : 9; }
struct __attribute__((scalar_storage_order("big-endian"))) be BODY;
struct __attribute__((scalar_storage_order("little-endian"))) le BODY;
#define FILL(s) do { memset(&s, 0, sizeof s); s.a = 0x81; s.b = 0x0203; s.c = -3; s.d = 0x5a5; \
    s.e = 0x0102030405060708LL; s.arr[1] = 0x0a0b0c0d; s.p = (void *)0x1122334455667788ULL; \
    s.f = -2.5; s.g = -200; } while (0)
static void dump(const void *p, size_t n) {
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) printf("%02x", b[i]);
    printf("\n");
}
int main(void) {
    struct be x; struct le y;
    FILL(x); FILL(y);
    dump(&x, sizeof x); dump(&y, sizeof y);
    return 0;
}
"#;
    let out = cc::compile_and_run("sso", program).expect("C program runs");
    let lines: Vec<&str> = out.lines().collect();
    for (order, line) in [(ByteOrder::Big, lines[0]), (ByteOrder::Little, lines[1])] {
        let data = CData::new(&build(order)).unwrap();
        data.set("a", 0x81).unwrap();
        data.set("b", 0x0203).unwrap();
        data.set("c", -3).unwrap();
        data.set("d", 0x5a5).unwrap();
        data.set("e", 0x0102_0304_0506_0708i64).unwrap();
        data.set("arr[1]", 0x0a0b_0c0d).unwrap();
        data.set("p", Value::Pointer(0x1122_3344_5566_7788))
            .unwrap();
        data.set("f", -2.5).unwrap();
        data.set("g", -200).unwrap();
        let hex: String = data.to_bytes().iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex, line, "{order:?}");
        // And everything reads back.
        assert_eq!(data.get("b").unwrap(), Value::UInt(0x0203));
        assert_eq!(data.get("c").unwrap(), Value::Int(-3));
        assert_eq!(data.get("d").unwrap(), Value::UInt(0x5a5));
        assert_eq!(data.get("e").unwrap(), Value::Int(0x0102_0304_0506_0708));
        assert_eq!(data.get("arr[1]").unwrap(), Value::Int(0x0a0b_0c0d));
        assert_eq!(
            data.get("p").unwrap(),
            Value::Pointer(0x1122_3344_5566_7788)
        );
        assert_eq!(data.get("f").unwrap(), Value::Double(-2.5));
        assert_eq!(data.get("g").unwrap(), Value::Int(-200));
        assert_eq!(data.field("arr").unwrap().byte_order(), order);
    }
    // The big-endian bytes of the fields, written out by hand.
    assert!(lines[0].starts_with("81000203"), "a, padding, b");
    let e_at = 8 * 2;
    assert_eq!(&lines[0][e_at..e_at + 16], "0102030405060708");
}

#[test]
fn a_nested_record_keeps_its_own_byte_order() {
    // As GCC does: the storage order of a record applies to its own scalars, not to those of
    // a record type nested in it.
    let inner = CType::struct_builder("native_inner")
        .field("x", scalar(Scalar::Int))
        .build()
        .unwrap();
    let outer = CType::struct_builder("be_outer")
        .field("b", scalar(Scalar::Int))
        .field("in", inner)
        .byte_order(ByteOrder::Big)
        .build()
        .unwrap();
    let data = CData::new(&outer).unwrap();
    data.set("b", 1).unwrap();
    data.set("in.x", 2).unwrap();
    let mut expected = 1i32.to_be_bytes().to_vec();
    expected.extend_from_slice(&2i32.to_ne_bytes());
    assert_eq!(data.to_bytes(), expected);
}

#[test]
fn sub_objects_keep_their_parent_alive() {
    let hdr = hdr_type();
    let (item, total) = {
        let data = CData::new(&hdr).unwrap();
        data.set("items[2].len", 4242).unwrap();
        data.set("total", 77u64).unwrap();
        (data.at("items[2]").unwrap(), data.field("total").unwrap())
    };
    // Allocations of the same size would reuse freed memory.
    let litter: Vec<CData> = (0..32)
        .map(|_| {
            let d = CData::new(&hdr).unwrap();
            memset(&d, 0xff, d.size()).unwrap();
            d
        })
        .collect();
    assert_eq!(item.get("len").unwrap(), Value::UInt(4242));
    assert_eq!(total.value().unwrap(), Value::UInt(77));
    item.set("len", 1).unwrap();
    assert_eq!(item.get("len").unwrap(), Value::UInt(1));
    drop(litter);
}

#[test]
fn memmove_and_memset_stay_inside_their_objects() {
    let a = CData::string_buffer(b"abcde").unwrap();
    let b = CData::string_buffer(b"xyz").unwrap();
    memmove(&a, &b, 3).unwrap();
    assert_eq!(a.string_value().unwrap(), b"xyzde");
    assert_eq!(
        memmove(&a, &b, 5).unwrap_err().to_string(),
        "memmove source: range 0..5 is outside an object of 4 bytes"
    );
    assert_eq!(
        memmove(&b, &a, 5).unwrap_err().to_string(),
        "memmove destination: range 0..5 is outside an object of 4 bytes"
    );
    assert_eq!(
        memset(&b, 0, 5).unwrap_err().to_string(),
        "memset: range 0..5 is outside an object of 4 bytes"
    );
    assert_eq!(
        b.string_value().unwrap(),
        b"xyz",
        "refused memset wrote nothing"
    );

    // memset of a field touches only the field.
    let data = CData::new(&hdr_type()).unwrap();
    let items = data.field("items").unwrap();
    memset(&items, 0xab, items.size()).unwrap();
    let bytes = data.to_bytes();
    let start = offset_of!(Hdr, items);
    let end = start + 4 * size_of::<Item>();
    assert!(bytes[..start].iter().all(|&x| x == 0));
    assert!(bytes[start..end].iter().all(|&x| x == 0xab));
    assert!(bytes[end..].iter().all(|&x| x == 0));
    assert!(memset(&items, 0, items.size() + 1).is_err());

    // Overlapping views of one object move like C's memmove.
    let halves = CType::struct_builder("halves")
        .field("head", scalar(Scalar::Char).array(2).unwrap())
        .field("tail", scalar(Scalar::Char).array(6).unwrap())
        .build()
        .unwrap();
    let h = CData::from_bytes(&halves, b"01234567").unwrap();
    let first_six = h.cast(&scalar(Scalar::Char).array(6).unwrap()).unwrap();
    memmove(&h.field("tail").unwrap(), &first_six, 6).unwrap();
    let mut expected = *b"01234567";
    expected.copy_within(0..6, 2);
    assert_eq!(h.to_bytes(), expected);
    memmove(&first_six, &h.field("tail").unwrap(), 6).unwrap();
    expected.copy_within(2..8, 0);
    assert_eq!(h.to_bytes(), expected);
}

#[test]
fn char_strings_round_trip_and_refuse_overflow() {
    let s = CData::string_buffer(b"hello").unwrap();
    assert_eq!(s.ty().to_string(), "char [6]");
    assert_eq!(s.to_bytes(), b"hello\0");
    s.set_string(b"hi").unwrap();
    assert_eq!(s.string_value().unwrap(), b"hi");
    assert_eq!(s.to_bytes(), b"hi\0lo\0");
    s.set_string(b"sixsix").unwrap();
    assert_eq!(s.string_value().unwrap(), b"sixsix", "no room for the NUL");
    assert_eq!(
        s.set_string(b"seven!!").unwrap_err().to_string(),
        "string of 7 bytes does not fit in `char [6]` of 6 bytes"
    );
    assert_eq!(s.to_bytes(), b"sixsix", "a refused string writes nothing");
    let u = CData::new(&scalar(Scalar::UChar).array(4).unwrap()).unwrap();
    u.set_string(&[0xc3, 0xa9]).unwrap();
    assert_eq!(u.string_value().unwrap(), [0xc3, 0xa9]);
    let ints = CData::new(&scalar(Scalar::Int).array(4).unwrap()).unwrap();
    assert_eq!(
        ints.set_string(b"x").unwrap_err().to_string(),
        "expected a char array, found `int [4]`"
    );
    assert_eq!(
        ints.string_value().unwrap_err().to_string(),
        "expected a char array, found `int [4]`"
    );
    // A char array inside a record.
    let rec = CType::struct_builder("named")
        .field("id", scalar(Scalar::Int))
        .field("name", scalar(Scalar::Char).array(8).unwrap())
        .build()
        .unwrap();
    let r = CData::new(&rec).unwrap();
    r.field("name").unwrap().set_string(b"ctypes").unwrap();
    assert_eq!(r.to_bytes()[4..], *b"ctypes\0\0");
    assert_eq!(
        r.field("name")
            .unwrap()
            .set_string(b"too long!")
            .unwrap_err()
            .to_string(),
        "string of 9 bytes does not fit in `char [8]` of 8 bytes"
    );
}

#[test]
fn wide_strings_hold_any_text() {
    let text = "héllo wörld ✓ 😀";
    let units: Vec<u32> = if Scalar::WcharT.size() == 4 {
        text.chars().map(u32::from).collect()
    } else {
        text.encode_utf16().map(u32::from).collect()
    };
    let w = CData::wide_string_buffer(text).unwrap();
    assert_eq!(w.size(), (units.len() + 1) * Scalar::WcharT.size());
    assert_eq!(w.wide_value().unwrap(), text);
    let mut expected = Vec::new();
    for &u in units.iter().chain(&[0]) {
        match Scalar::WcharT.size() {
            4 => expected.extend_from_slice(&u.to_ne_bytes()),
            _ => expected.extend_from_slice(&(u as u16).to_ne_bytes()),
        }
    }
    assert_eq!(w.to_bytes(), expected);
    w.set_wide("ß").unwrap();
    assert_eq!(w.wide_value().unwrap(), "ß");
    let small = CData::new(&scalar(Scalar::WcharT).array(3).unwrap()).unwrap();
    small.set_wide("äöü").unwrap();
    assert_eq!(small.wide_value().unwrap(), "äöü");
    let err = small.set_wide("äöüß").unwrap_err().to_string();
    let unit = Scalar::WcharT.size();
    assert_eq!(
        err,
        format!(
            "string of {} bytes does not fit in `wchar_t [3]` of {} bytes",
            4 * unit,
            3 * unit
        )
    );
    assert_eq!(small.wide_value().unwrap(), "äöü");
    // Through a raw address.
    // SAFETY: `w` is alive, NUL-terminated and not written during the call.
    let back = unsafe { wstring_at(w.addressof().unwrap(), None) }.unwrap();
    assert_eq!(back, "ß");
    // SAFETY: `small` holds three readable code units.
    let back = unsafe { wstring_at(small.addressof().unwrap(), Some(2)) }.unwrap();
    assert_eq!(back, "äö");
    // An invalid code unit is an error, not a panic.
    if Scalar::WcharT.size() == 4 {
        small.write_bytes(0, &0xd800u32.to_ne_bytes()).unwrap();
        assert_eq!(
            small.wide_value().unwrap_err().to_string(),
            "expected a valid wide string, found code unit 0xd800"
        );
    }
}

#[test]
fn string_at_reads_raw_c_strings() {
    let owned = std::ffi::CString::new("raw text").unwrap();
    // SAFETY: `owned` is a live NUL-terminated string.
    let all = unsafe { string_at(owned.as_ptr().cast(), None) };
    assert_eq!(all, b"raw text");
    // SAFETY: `owned` has at least 3 readable bytes.
    let some = unsafe { string_at(owned.as_ptr().cast(), Some(3)) };
    assert_eq!(some, b"raw");
    let buf = CData::string_buffer(b"in a buffer").unwrap();
    // SAFETY: `buf` is alive and NUL-terminated.
    let back = unsafe { string_at(buf.addressof().unwrap(), None) };
    assert_eq!(back, b"in a buffer");
}

#[test]
fn resized_objects_reach_their_new_bytes_through_a_cast() {
    let int = scalar(Scalar::Int);
    let a = CData::new(&int.array(2).unwrap()).unwrap();
    a.set("[0]", 10).unwrap();
    a.set("[1]", 11).unwrap();
    let first = a.element(0).unwrap();
    a.resize(40).unwrap();
    assert_eq!(a.size(), 8, "the type stays the same");
    assert_eq!(a.capacity(), 40);
    assert_eq!(
        a.get("[2]").unwrap_err().to_string(),
        "index 2 is out of bounds for `int [2]` of length 2"
    );
    let big = a.cast(&int.array(10).unwrap()).unwrap();
    assert_eq!(big.get("[1]").unwrap(), Value::Int(11));
    for i in 2..10 {
        assert_eq!(big.element(i).unwrap().value().unwrap(), Value::Int(0));
    }
    big.set("[9]", 99).unwrap();
    let mut expected = Vec::new();
    for v in [10i32, 11, 0, 0, 0, 0, 0, 0, 0, 99] {
        expected.extend_from_slice(&v.to_ne_bytes());
    }
    assert_eq!(big.to_bytes(), expected);
    // A view taken before the resize follows the memory to its new place.
    first.set_value(-1).unwrap();
    assert_eq!(big.get("[0]").unwrap(), Value::Int(-1));
    assert_eq!(
        a.cast(&int.array(11).unwrap()).unwrap_err().to_string(),
        "cast: range 0..44 is outside an object of 40 bytes"
    );
    assert_eq!(
        a.resize(16).unwrap_err().to_string(),
        "resize (objects only grow): range 0..16 is outside an object of 40 bytes"
    );
    // Views cannot resize the memory they share.
    let hdr = CData::new(&hdr_type()).unwrap();
    assert!(hdr.field("items").unwrap().resize(1000).is_err());
    assert!(hdr.field("count").unwrap().resize(1000).is_err());
    assert_eq!(hdr.capacity(), size_of::<Hdr>());
}

#[test]
fn objects_are_made_from_bytes_of_the_exact_size() {
    let ty = scalar(Scalar::Int).array(3).unwrap();
    let mut bytes = Vec::new();
    for v in [1i32, -2, 3] {
        bytes.extend_from_slice(&v.to_ne_bytes());
    }
    let data = CData::from_bytes(&ty, &bytes).unwrap();
    assert_eq!(data.get("[1]").unwrap(), Value::Int(-2));
    assert_eq!(data.to_bytes(), bytes);
    assert_eq!(
        CData::from_bytes(&ty, &bytes[..5]).unwrap_err().to_string(),
        "expected 12 bytes for `int [3]`, found 5 bytes"
    );
    assert_eq!(
        data.write_bytes(10, &[0; 4]).unwrap_err().to_string(),
        "write_bytes: range 10..14 is outside an object of 12 bytes"
    );
}

#[test]
fn from_address_views_memory_rust_owns() {
    let mut buf = [1u32, 2, 3, 4];
    let ty = scalar(Scalar::UInt).array(4).unwrap();
    {
        // SAFETY: `buf` is valid for 16 bytes, outlives the view, and is not touched by Rust
        // while the view is used.
        let view = unsafe { CData::from_address(&ty, buf.as_mut_ptr().cast::<c_void>()) }.unwrap();
        assert_eq!(view.get("[3]").unwrap(), Value::UInt(4));
        view.set("[2]", 0xdead_beefu32).unwrap();
        assert_eq!(view.addressof().unwrap(), buf.as_mut_ptr().cast::<c_void>());
        assert_eq!(
            view.get("[4]").unwrap_err().to_string(),
            "index 4 is out of bounds for `unsigned int [4]` of length 4"
        );
        // Memory owned elsewhere cannot grow.
        assert!(view.resize(32).is_err());
    }
    assert_eq!(buf, [1, 2, 0xdead_beef, 4]);
    // SAFETY: a null address is refused before anything is read.
    let err = unsafe { CData::from_address(&ty, std::ptr::null_mut()) }.unwrap_err();
    assert_eq!(
        err.to_string(),
        "NULL pointer dereference through `unsigned int (*)[4]`"
    );
}

#[test]
fn zero_width_bit_fields_are_harmless_to_touch() {
    let ty = CType::struct_builder("z")
        .bit_field("a", scalar(Scalar::Int), 3)
        .unnamed_bit_field(scalar(Scalar::Int), 0)
        .bit_field("b", scalar(Scalar::Int), 3)
        .build()
        .unwrap();
    let data = CData::new(&ty).unwrap();
    memset(&data, 0xff, data.size()).unwrap();
    let zero = data.field_at(1).unwrap();
    assert_eq!(zero.value().unwrap(), Value::Int(0));
    assert!(zero.set_value(1).is_err());
    assert!(!format!("{zero:?}").is_empty());
    assert_eq!(data.to_bytes(), vec![0xff; data.size()]);
}

#[test]
fn wide_strings_in_reversed_records_are_byte_swapped_like_c() {
    let program = r#"#include <stdio.h>
#include <string.h>
#include <wchar.h>
struct __attribute__((scalar_storage_order("big-endian"))) named { short id; wchar_t name[4]; };
int main(void) {
    struct named n; memset(&n, 0, sizeof n);
    n.id = 1; n.name[0] = L'a'; n.name[1] = 0x20ac; n.name[2] = 0;
    const unsigned char *b = (const unsigned char *)&n;
    for (size_t i = 0; i < sizeof n; i++) printf("%02x", b[i]);
    printf("\n");
    return 0;
}
"#;
    let out = cc::compile_and_run("wide_be", program).expect("C program runs");
    let rec = CType::struct_builder("named")
        .field("id", scalar(Scalar::Short))
        .field("name", scalar(Scalar::WcharT).array(4).unwrap())
        .byte_order(ByteOrder::Big)
        .build()
        .unwrap();
    let data = CData::new(&rec).unwrap();
    data.set("id", 1).unwrap();
    data.field("name").unwrap().set_wide("a€").unwrap();
    let hex: String = data.to_bytes().iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(hex, out.trim());
    assert_eq!(data.field("name").unwrap().wide_value().unwrap(), "a€");
    assert_eq!(data.get("name[1]").unwrap(), Value::Int(0x20ac));
}
