//! Placement of whole calls. Every expected value is what GCC 12.2 does with the C call in the
//! test's comment, seen in the registers and stack of the call compiled by it.

use super::*;
use crate::ty::{CType, Scalar, Signature};

fn sc(s: Scalar) -> CType {
    CType::scalar(s)
}

fn longs(n: usize) -> Vec<CType> {
    vec![sc(Scalar::Long); n]
}

fn gpr(g: Gpr, offset: usize, len: usize) -> Part {
    Part {
        register: Register::Gpr(g),
        offset,
        len,
    }
}

fn xmm(n: u8, offset: usize, len: usize) -> Part {
    Part {
        register: Register::Xmm(n),
        offset,
        len,
    }
}

fn stack(offset: usize, size: usize) -> ArgPlace {
    ArgPlace::Stack { offset, size }
}

fn regs(parts: &[Part]) -> ArgPlace {
    ArgPlace::Registers(parts.to_vec())
}

/// `f(long × first, record, long × after)`.
fn around(first: usize, record: &CType, after: usize) -> Placement {
    let mut args = longs(first);
    args.push(record.clone());
    args.extend(longs(after));
    Placement::of(&Signature::new(args, CType::void())).unwrap()
}

#[test]
fn over_aligned_records_are_aligned_on_the_stack() {
    // struct __attribute__((aligned(32))) { char c; } s;
    // f(1, 2, 3, 4, 5, s, 0x77, 0x99): s at 0, 0x77 in r9, 0x99 at 32.
    let s = CType::struct_builder("")
        .field("c", sc(Scalar::Char))
        .align(32)
        .build()
        .unwrap();
    let p = around(5, &s, 2);
    assert_eq!(p.args()[5], stack(0, 32));
    assert_eq!(p.args()[6], regs(&[gpr(Gpr::R9, 0, 8)]));
    assert_eq!(p.args()[7], stack(32, 8));
    assert_eq!((p.stack_size(), p.stack_align()), (40, 32));
    // f(1, 2, 3, 4, 5, 6, 0x55, s, 0x77): 0x55 at 0, s at 32, 0x77 at 64.
    let p = around(7, &s, 1);
    assert_eq!(p.args()[6], stack(0, 8));
    assert_eq!(p.args()[7], stack(32, 32));
    assert_eq!(p.args()[8], stack(64, 8));
    // The same with aligned(64): s at 64, 0x77 at 128.
    let s = CType::struct_builder("")
        .field("c", sc(Scalar::Char))
        .align(64)
        .build()
        .unwrap();
    let p = around(7, &s, 1);
    assert_eq!(p.args()[7], stack(64, 64));
    assert_eq!(p.args()[8], stack(128, 8));
    assert_eq!(p.stack_align(), 64);
}

#[test]
fn long_double_arguments_go_on_the_stack_aligned_to_16() {
    // struct { long double x; } s; f(1, 2, 3, 4, 5, s, 0x77, 0x99): s at 0, r9, 0x99 at 16.
    let s = CType::struct_builder("")
        .field("x", sc(Scalar::LongDouble))
        .build()
        .unwrap();
    let p = around(5, &s, 2);
    assert_eq!(p.args()[5], stack(0, 16));
    assert_eq!(p.args()[6], regs(&[gpr(Gpr::R9, 0, 8)]));
    assert_eq!(p.args()[7], stack(16, 8));
    // f(1, ..., 6, 0x55, s, 0x77): 0x55 at 0, s at 16, 0x77 at 32.
    let p = around(7, &s, 1);
    assert_eq!(p.args()[7], stack(16, 16));
    assert_eq!(p.args()[8], stack(32, 8));
    assert_eq!(p.stack_align(), 16);
}

#[test]
fn empty_records_take_no_stack() {
    // struct {} e; f(1, 2, 3, 4, 5, e, 0x77, 0x99): 0x77 in r9, 0x99 at 0.
    let e = CType::struct_builder("").build().unwrap();
    let p = around(5, &e, 2);
    assert_eq!(p.args()[5], regs(&[]));
    assert_eq!(p.args()[6], regs(&[gpr(Gpr::R9, 0, 8)]));
    assert_eq!(p.args()[7], stack(0, 8));
    // struct { int : 3; char z[0]; } s: r9 when free; when not, nothing on the stack.
    let s = CType::struct_builder("")
        .unnamed_bit_field(sc(Scalar::Int), 3)
        .field("z", sc(Scalar::Char).array(0).unwrap())
        .build()
        .unwrap();
    let p = around(5, &s, 2);
    assert_eq!(p.args()[5], regs(&[gpr(Gpr::R9, 0, 1)]));
    assert_eq!(p.args()[6], stack(0, 8));
    let p = around(7, &s, 1);
    assert_eq!(p.args()[6], stack(0, 8));
    assert_eq!(p.args()[7], stack(8, 0));
    assert_eq!(p.args()[8], stack(8, 8));
    // struct __attribute__((packed)) { int : 3; double z[0]; }: MEMORY and empty: nothing.
    let s = CType::struct_builder("")
        .unnamed_bit_field(sc(Scalar::Int), 3)
        .field("z", sc(Scalar::Double).array(0).unwrap())
        .pack(1)
        .build()
        .unwrap();
    let p = around(5, &s, 2);
    assert_eq!(p.args()[5], stack(0, 0));
    assert_eq!(p.args()[6], regs(&[gpr(Gpr::R9, 0, 8)]));
    assert_eq!(p.args()[7], stack(0, 8));
}

#[test]
fn a_record_that_does_not_fit_in_the_registers_left_goes_on_the_stack_whole() {
    // struct { long l; double d; } s; f(1, 2, 3, 4, 5, 6, s, 2.0): s at 0, 2.0 in xmm0.
    let s = CType::struct_builder("")
        .field("l", sc(Scalar::Long))
        .field("d", sc(Scalar::Double))
        .build()
        .unwrap();
    let mut args = longs(6);
    args.push(s.clone());
    args.push(sc(Scalar::Double));
    let p = Placement::of(&Signature::new(args, CType::void())).unwrap();
    assert_eq!(p.args()[6], stack(0, 16));
    assert_eq!(p.args()[7], regs(&[xmm(0, 0, 8)]));
    // f(1, 2, 3, 4, 5, s): rdi..r8, then s in r9 and xmm0.
    let p = around(5, &s, 0);
    assert_eq!(p.args()[5], regs(&[gpr(Gpr::R9, 0, 8), xmm(0, 8, 8)]));
    assert_eq!(p.stack_size(), 0);
}

#[test]
fn results() {
    let void = CType::void();
    let result = |ty: &CType| Placement::of(&Signature::new(vec![], ty.clone())).unwrap();
    // struct { double d; long l; }: xmm0, rax. struct { long l; double d; }: rax, xmm0.
    let dl = CType::struct_builder("")
        .field("d", sc(Scalar::Double))
        .field("l", sc(Scalar::Long))
        .build()
        .unwrap();
    assert_eq!(
        result(&dl).result(),
        &ResultPlace::Registers(vec![xmm(0, 0, 8), gpr(Gpr::Rax, 8, 8)])
    );
    // struct { float x; float y; float z; }: xmm0, xmm1 (4 bytes).
    let f3 = CType::struct_builder("")
        .field("v", sc(Scalar::Float).array(3).unwrap())
        .build()
        .unwrap();
    assert_eq!(
        result(&f3).result(),
        &ResultPlace::Registers(vec![xmm(0, 0, 8), xmm(1, 8, 4)])
    );
    // struct { long double x; }: st0.
    let ld = CType::struct_builder("")
        .field("x", sc(Scalar::LongDouble))
        .build()
        .unwrap();
    let st0 = Part {
        register: Register::St0,
        offset: 0,
        len: 10,
    };
    assert_eq!(result(&ld).result(), &ResultPlace::Registers(vec![st0]));
    assert_eq!(
        result(&sc(Scalar::LongDouble)).result(),
        &ResultPlace::Registers(vec![st0])
    );
    // union { long double x; long l[2]; }: rax, rdx.
    let u = CType::union_builder("")
        .field("x", sc(Scalar::LongDouble))
        .field("l", sc(Scalar::Long).array(2).unwrap())
        .build()
        .unwrap();
    assert_eq!(
        result(&u).result(),
        &ResultPlace::Registers(vec![gpr(Gpr::Rax, 0, 8), gpr(Gpr::Rdx, 8, 8)])
    );
    // struct { char c[17]; }: through the hidden pointer, which takes rdi.
    let big = CType::struct_builder("")
        .field("c", sc(Scalar::Char).array(17).unwrap())
        .build()
        .unwrap();
    let p = Placement::of(&Signature::new(longs(6), big)).unwrap();
    assert!(p.has_hidden_result_pointer());
    assert_eq!(p.args()[0], regs(&[gpr(Gpr::Rsi, 0, 8)]));
    assert_eq!(p.args()[5], stack(0, 8));
    assert_eq!(result(&void).result(), &ResultPlace::Void);
}

#[test]
fn variadic_calls_set_al_to_the_vector_registers_used() {
    // int f(int, ...); f(1, 2.0, (struct { double a; float b; }){1, 2}, 3.0): al = 4.
    let df = CType::struct_builder("")
        .field("a", sc(Scalar::Double))
        .field("b", sc(Scalar::Float))
        .build()
        .unwrap();
    let f = Signature::variadic(vec![sc(Scalar::Int)], sc(Scalar::Int));
    let p = Placement::of_call(&f, &[sc(Scalar::Double), df, sc(Scalar::Double)]).unwrap();
    assert_eq!(p.al(), Some(4));
    // f(1): al = 0.
    assert_eq!(Placement::of(&f).unwrap().al(), Some(0));
    let fixed = Signature::new(vec![sc(Scalar::Double)], CType::void());
    assert_eq!(Placement::of(&fixed).unwrap().al(), None);
    assert!(Placement::of_call(&fixed, &[sc(Scalar::Int)]).is_err());
}

#[test]
fn arguments_without_values_are_errors() {
    for bad in [
        CType::void(),
        sc(Scalar::Int).array(2).unwrap(),
        CType::function(Signature::new(vec![], CType::void())),
    ] {
        let sig = Signature::new(vec![bad.clone()], CType::void());
        assert!(Placement::of(&sig).is_err(), "{bad}");
    }
}

#[test]
fn an_empty_record_in_memory_is_not_returned() {
    // #pragma pack(1) typedef struct { signed char : 6; double z[0]; } E; E f(long): MEMORY by
    // class, yet no hidden pointer: the long is in rdi.
    let e = CType::struct_builder("")
        .unnamed_bit_field(sc(Scalar::SChar), 6)
        .field("z", sc(Scalar::Double).array(0).unwrap())
        .pack(1)
        .build()
        .unwrap();
    let p = Placement::of(&Signature::new(longs(1), e)).unwrap();
    assert!(p.arg_classes()[0].classes().is_some());
    assert_eq!(p.result(), &ResultPlace::Registers(vec![]));
    assert_eq!(p.args()[0], regs(&[gpr(Gpr::Rdi, 0, 8)]));
    // typedef struct { char c; double z[0]; } __attribute__((packed)) M; M f(long): the
    // hidden pointer in rdi, the long in rsi.
    let m = CType::struct_builder("")
        .field("c", sc(Scalar::Char))
        .field("z", sc(Scalar::Double).array(0).unwrap())
        .pack(1)
        .build()
        .unwrap();
    let p = Placement::of(&Signature::new(longs(1), m)).unwrap();
    assert_eq!(p.result(), &ResultPlace::Memory);
    assert_eq!(p.args()[0], regs(&[gpr(Gpr::Rsi, 0, 8)]));
}
