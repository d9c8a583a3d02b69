//! Byte order: records in non-native storage order, nested ones keeping their own.

use super::*;

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
