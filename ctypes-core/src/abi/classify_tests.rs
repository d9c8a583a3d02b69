//! Classification shape by shape. Every expected value is what GCC 12.2 does with the C shape
//! in the test's comment, seen in the registers and stack of a call compiled by it.

use super::*;
use crate::ty::{CType, RecordBuilder, Scalar};
use Class::{Integer, NoClass, Sse, X87Up, X87};

fn sc(s: Scalar) -> CType {
    CType::scalar(s)
}

fn strukt() -> RecordBuilder {
    CType::struct_builder("")
}

fn union() -> RecordBuilder {
    CType::union_builder("")
}

fn classes(ty: &CType) -> Option<Vec<Class>> {
    classify(ty).unwrap().classes().map(<[Class]>::to_vec)
}

#[test]
fn zero_width_bit_field_in_a_union_is_integer() {
    // union { unsigned long : 0; double f; }: rdi.
    let u = union()
        .unnamed_bit_field(sc(Scalar::ULong), 0)
        .field("f", sc(Scalar::Double))
        .build()
        .unwrap();
    assert_eq!(classes(&u), Some(vec![Integer]));
    // union { char : 0; double f; }: rdi.
    let u = union()
        .unnamed_bit_field(sc(Scalar::Char), 0)
        .field("f", sc(Scalar::Double))
        .build()
        .unwrap();
    assert_eq!(classes(&u), Some(vec![Integer]));
}

#[test]
fn zero_width_bit_field_in_a_struct_counts_for_nothing() {
    // struct { unsigned long : 0; double f; }: xmm0.
    let s = strukt()
        .unnamed_bit_field(sc(Scalar::ULong), 0)
        .field("f", sc(Scalar::Double))
        .build()
        .unwrap();
    assert_eq!(classes(&s), Some(vec![Sse]));
    // struct { float a; int : 0; float b; }: xmm0.
    let s = strukt()
        .field("a", sc(Scalar::Float))
        .unnamed_bit_field(sc(Scalar::Int), 0)
        .field("b", sc(Scalar::Float))
        .build()
        .unwrap();
    assert_eq!(classes(&s), Some(vec![Sse]));
}

#[test]
fn union_bit_fields_are_integers_of_their_width_at_the_union_offset() {
    // #pragma pack(1) struct { char c; union { unsigned b : 22; } u; }: memory.
    let u = union()
        .bit_field("b", sc(Scalar::UInt), 22)
        .pack(1)
        .build()
        .unwrap();
    let s = strukt()
        .field("c", sc(Scalar::Char))
        .field("u", u)
        .pack(1)
        .build()
        .unwrap();
    assert_eq!(classes(&s), None);
    // #pragma pack(1) struct { char c; union { unsigned x : 9; char d; } u; }: memory.
    let u = union()
        .bit_field("x", sc(Scalar::UInt), 9)
        .field("d", sc(Scalar::Char))
        .pack(1)
        .build()
        .unwrap();
    let s = strukt()
        .field("c", sc(Scalar::Char))
        .field("u", u)
        .pack(1)
        .build()
        .unwrap();
    assert_eq!(classes(&s), None);
    // #pragma pack(1) struct { char c; union { unsigned long : 0; char d; } u; }: rdi.
    let u = union()
        .unnamed_bit_field(sc(Scalar::ULong), 0)
        .field("d", sc(Scalar::Char))
        .pack(1)
        .build()
        .unwrap();
    let s = strukt()
        .field("c", sc(Scalar::Char))
        .field("u", u)
        .pack(1)
        .build()
        .unwrap();
    assert_eq!(classes(&s), Some(vec![Integer]));
}

#[test]
fn zero_length_arrays_count_at_their_offset() {
    // struct __attribute__((packed)) { char c; double z[0]; }: memory.
    let s = strukt()
        .field("c", sc(Scalar::Char))
        .field("z", sc(Scalar::Double).array(0).unwrap())
        .pack(1)
        .build()
        .unwrap();
    assert_eq!(classes(&s), None);
    // struct { float a; int z[0]; }: rdi.
    let s = strukt()
        .field("a", sc(Scalar::Float))
        .field("z", sc(Scalar::Int).array(0).unwrap())
        .build()
        .unwrap();
    assert_eq!(classes(&s), Some(vec![Integer]));
    // struct { double a; int z[0]; }: xmm0 (the array starts the second, absent, eightbyte).
    let s = strukt()
        .field("a", sc(Scalar::Double))
        .field("z", sc(Scalar::Int).array(0).unwrap())
        .build()
        .unwrap();
    assert_eq!(classes(&s), Some(vec![Sse]));
}

#[test]
fn arrays_are_classified_by_their_first_element() {
    // #pragma pack(1) struct p { short s; char c; }; struct { struct p a[2]; }: rdi, although
    // the second element's short is at offset 3.
    let p = strukt()
        .field("s", sc(Scalar::Short))
        .field("c", sc(Scalar::Char))
        .pack(1)
        .build()
        .unwrap();
    let s = strukt().field("a", p.array(2).unwrap()).build().unwrap();
    assert_eq!(classes(&s), Some(vec![Integer]));
    // struct { float x; float y; float z; }: xmm0, xmm1.
    let s = strukt()
        .field("v", sc(Scalar::Float).array(3).unwrap())
        .build()
        .unwrap();
    assert_eq!(classes(&s), Some(vec![Sse, Sse]));
}

#[test]
fn bit_fields_in_structs_are_integer_named_or_not() {
    // struct { int : 32; float f; }: rdi.
    let s = strukt()
        .unnamed_bit_field(sc(Scalar::Int), 32)
        .field("f", sc(Scalar::Float))
        .build()
        .unwrap();
    assert_eq!(classes(&s), Some(vec![Integer]));
    // struct { unsigned char x : 7; _Bool b : 1; double d; }: rdi, xmm0.
    let s = strukt()
        .bit_field("x", sc(Scalar::UChar), 7)
        .bit_field("b", sc(Scalar::Bool), 1)
        .field("d", sc(Scalar::Double))
        .build()
        .unwrap();
    assert_eq!(classes(&s), Some(vec![Integer, Sse]));
}

#[test]
fn long_double_records() {
    // struct { long double x; }: st0 as a result, memory as an argument.
    let s = strukt().field("x", sc(Scalar::LongDouble)).build().unwrap();
    assert_eq!(classes(&s), Some(vec![X87, X87Up]));
    // union { long double x; long l[2]; }: rax, rdx; rdi, rsi.
    let u = union()
        .field("x", sc(Scalar::LongDouble))
        .field("l", sc(Scalar::Long).array(2).unwrap())
        .build()
        .unwrap();
    assert_eq!(classes(&u), Some(vec![Integer, Integer]));
    // union { long double x; float f; } and union { long double x; int i; }: memory.
    for other in [Scalar::Float, Scalar::Int] {
        let u = union()
            .field("x", sc(Scalar::LongDouble))
            .field("o", sc(other))
            .build()
            .unwrap();
        assert_eq!(classes(&u), None, "{other}");
    }
}

#[test]
fn over_aligned_and_large_records() {
    // union __attribute__((aligned(16))) { float f; }: xmm0 only.
    let u = union()
        .field("f", sc(Scalar::Float))
        .align(16)
        .build()
        .unwrap();
    assert_eq!(classes(&u), Some(vec![Sse, NoClass]));
    // struct __attribute__((aligned(32))) { char c; }: memory.
    let s = strukt()
        .field("c", sc(Scalar::Char))
        .align(32)
        .build()
        .unwrap();
    assert_eq!(classes(&s), None);
    assert_eq!(classify(&s).unwrap().align(), 32);
    // struct { char c[17]; }: memory.
    let s = strukt()
        .field("c", sc(Scalar::Char).array(17).unwrap())
        .build()
        .unwrap();
    assert_eq!(classes(&s), None);
    // struct { int i; float f; double d; }: rdi, xmm0.
    let s = strukt()
        .field("i", sc(Scalar::Int))
        .field("f", sc(Scalar::Float))
        .field("d", sc(Scalar::Double))
        .build()
        .unwrap();
    assert_eq!(classes(&s), Some(vec![Integer, Sse]));
}

#[test]
fn empty_records() {
    // struct {}: takes nothing.
    let e = strukt().build().unwrap();
    let c = classify(&e).unwrap();
    assert!(c.is_empty());
    assert_eq!(c.classes(), Some(&[][..]));
    // struct { char c; struct __attribute__((aligned(16))) {} e; }: r9 alone (NO_CLASS after).
    let e16 = strukt().align(16).build().unwrap();
    let s = strukt()
        .field("c", sc(Scalar::Char))
        .field("e", e16)
        .build()
        .unwrap();
    assert_eq!(classes(&s), Some(vec![Integer, NoClass]));
    assert!(!classify(&s).unwrap().is_empty());
    // struct { int : 3; char z[0]; }: empty for GCC, yet INTEGER.
    let s = strukt()
        .unnamed_bit_field(sc(Scalar::Int), 3)
        .field("z", sc(Scalar::Char).array(0).unwrap())
        .build()
        .unwrap();
    let c = classify(&s).unwrap();
    assert!(c.is_empty());
    assert_eq!(c.classes(), Some(&[Integer][..]));
}

#[test]
fn scalars_and_pointers() {
    assert_eq!(classes(&sc(Scalar::Bool)), Some(vec![Integer]));
    assert_eq!(classes(&sc(Scalar::Double)), Some(vec![Sse]));
    assert_eq!(classes(&sc(Scalar::LongDouble)), Some(vec![X87, X87Up]));
    assert_eq!(classes(&CType::void_ptr()), Some(vec![Integer]));
    assert!(classify(&CType::void()).is_err());
    let declared = CType::declare_struct("abi_never_defined");
    assert!(classify(&declared).is_err());
}

#[test]
fn full_width_bit_fields_are_checked_for_alignment_like_integers() {
    // #pragma pack(2) struct p { long x : 64; short s; };
    // struct { int a; short b; struct p q; }: memory (x is a `long` at offset 6).
    // With `long x : 63` instead: rdi, rsi.
    for (width, expected) in [(64, None), (63, Some(vec![Integer, Integer]))] {
        let p = strukt()
            .bit_field("x", sc(Scalar::Long), width)
            .field("s", sc(Scalar::Short))
            .pack(2)
            .build()
            .unwrap();
        let s = strukt()
            .field("a", sc(Scalar::Int))
            .field("b", sc(Scalar::Short))
            .field("q", p)
            .build()
            .unwrap();
        assert_eq!(classes(&s), expected, "width {width}");
    }
}

#[test]
fn records_nested_deeper_than_any_stack_are_classified() {
    // struct s0 { double d; }; struct s1 { struct s0 m; }; ... 100,000 levels: xmm0.
    let mut ty = strukt().field("d", sc(Scalar::Double)).build().unwrap();
    for _ in 0..100_000 {
        ty = strukt().field("m", ty).build().unwrap();
    }
    assert_eq!(classes(&ty), Some(vec![Sse]));
    assert!(!classify(&ty).unwrap().is_empty());
    let mut empty = strukt().build().unwrap();
    for _ in 0..100_000 {
        empty = union().field("m", empty).build().unwrap();
    }
    assert!(classify(&empty).unwrap().is_empty());
}

#[test]
fn complex_types_classify_as_their_parts() {
    use Class::ComplexX87;
    // float _Complex: xmm0 (both parts); double _Complex: xmm0, xmm1; long double _Complex:
    // memory as an argument, st0 and st1 as a result.
    assert_eq!(classes(&sc(Scalar::FloatComplex)), Some(vec![Sse]));
    assert_eq!(classes(&sc(Scalar::DoubleComplex)), Some(vec![Sse, Sse]));
    let ldc = classify(&sc(Scalar::LongDoubleComplex)).unwrap();
    assert_eq!(ldc.classes().unwrap()[0], ComplexX87);
    assert_eq!((ldc.size(), ldc.align()), (32, 16));
    // struct { float f; float _Complex c; }: the complex value straddles the eightbytes,
    // each of which is SSE (xmm0, xmm1).
    let s = strukt()
        .field("f", sc(Scalar::Float))
        .field("c", sc(Scalar::FloatComplex))
        .build()
        .unwrap();
    assert_eq!(classes(&s), Some(vec![Sse, Sse]));
    // struct { int i; float _Complex c; }: rdi (int and real part), xmm0.
    let s = strukt()
        .field("i", sc(Scalar::Int))
        .field("c", sc(Scalar::FloatComplex))
        .build()
        .unwrap();
    assert_eq!(classes(&s), Some(vec![Integer, Sse]));
    // #pragma pack(1) struct { char c; float _Complex z; }: memory.
    let s = CType::struct_builder("")
        .pack(1)
        .field("c", sc(Scalar::Char))
        .field("z", sc(Scalar::FloatComplex))
        .build()
        .unwrap();
    assert_eq!(classes(&s), None);
    // struct { long double _Complex z; }: 32 bytes, memory.
    let s = strukt()
        .field("z", sc(Scalar::LongDoubleComplex))
        .build()
        .unwrap();
    assert_eq!(classes(&s), None);
}
