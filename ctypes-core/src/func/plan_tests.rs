//! The engine's plans of a few signatures, shape by shape (the calls themselves are checked
//! against C by the `tests` crate).

use super::*;
use crate::encode::register_file::XMM_AT;
use crate::ty::Scalar;

fn t(s: Scalar) -> CType {
    CType::scalar(s)
}

fn record(fields: &[Scalar]) -> CType {
    fields
        .iter()
        .enumerate()
        .fold(CType::struct_builder("R"), |b, (i, s)| {
            b.field(&format!("f{i}"), t(*s))
        })
        .build()
        .unwrap()
}

fn to(plan: &ArgPlan) -> Vec<(usize, usize, To)> {
    match plan {
        ArgPlan::Word { to, .. } => vec![(0, 8, *to)],
        ArgPlan::Wide { to } => vec![(0, 16, To::Stack(*to))],
        ArgPlan::Record { pieces, count, .. } | ArgPlan::Complex { pieces, count, .. } => pieces
            [..usize::from(*count)]
            .iter()
            .map(|p| (p.from, p.len, p.to))
            .collect(),
    }
}

#[test]
fn scalars_take_their_registers_then_the_stack() {
    let mut args = vec![t(Scalar::Int); 7];
    args.push(t(Scalar::Double));
    let plan = Plan::of(&Signature::new(args, t(Scalar::Int)), &[]).unwrap();
    assert_eq!(to(&plan.args[0]), [(0, 8, To::Register(0))]);
    assert_eq!(to(&plan.args[5]), [(0, 8, To::Register(40))]);
    assert_eq!(to(&plan.args[6]), [(0, 8, To::Stack(0))]);
    assert_eq!(to(&plan.args[7]), [(0, 8, To::Register(XMM_AT))]);
    assert_eq!((plan.stack_size, plan.stack_align, plan.al), (8, 16, 1));
    assert!(!plan.hidden);
}

#[test]
fn records_are_copied_per_eightbyte_or_whole() {
    // { double; long }: xmm0 and rdi; a 24-byte record goes whole onto the stack.
    let mixed = record(&[Scalar::Double, Scalar::Long]);
    let big = record(&[Scalar::Double, Scalar::Double, Scalar::Double]);
    let plan = Plan::of(&Signature::new(vec![mixed, big], CType::void()), &[]).unwrap();
    assert_eq!(
        to(&plan.args[0]),
        [(0, 8, To::Register(XMM_AT)), (8, 8, To::Register(0))]
    );
    assert_eq!(to(&plan.args[1]), [(0, 24, To::Stack(0))]);
    assert_eq!(plan.stack_size, 24);
}

#[test]
fn long_double_goes_on_the_stack_and_comes_back_in_st0() {
    let ld = t(Scalar::LongDouble);
    let plan = Plan::of(&Signature::new(vec![t(Scalar::Int), ld.clone()], ld), &[]).unwrap();
    assert_eq!(to(&plan.args[1]), [(0, 16, To::Stack(0))]);
    assert!(matches!(plan.result, ResultPlan::LongDouble));
    assert_eq!(plan.x87, 1);
}

#[test]
fn results_in_registers_are_copied_and_large_ones_take_a_hidden_pointer() {
    let pair = record(&[Scalar::Long, Scalar::Double]);
    let plan = Plan::of(&Signature::new(vec![], pair), &[]).unwrap();
    let ResultPlan::Record { copies, size, .. } = &plan.result else {
        panic!("a record result");
    };
    assert_eq!(*size, 16);
    assert_eq!(
        copies[..],
        [
            ResultCopy {
                from: 0,
                to: 0,
                len: 8
            },
            ResultCopy {
                from: 16,
                to: 8,
                len: 8
            },
        ]
    );
    let big = record(&[Scalar::Long, Scalar::Long, Scalar::Long]);
    let plan = Plan::of(&Signature::new(vec![t(Scalar::Int)], big), &[]).unwrap();
    assert!(plan.hidden);
    // The hidden pointer takes `rdi`: the int goes to `rsi`.
    assert_eq!(to(&plan.args[0]), [(0, 8, To::Register(8))]);
}

#[test]
fn variadic_calls_count_vector_registers_and_arrays_decay() {
    let signature = Signature::variadic(vec![t(Scalar::Int).array(4).unwrap()], t(Scalar::Int));
    let plan = Plan::of(&signature, &[t(Scalar::Double), t(Scalar::Double)]).unwrap();
    assert_eq!(plan.args.len(), 3);
    assert!(matches!(
        plan.args[0],
        ArgPlan::Word {
            to: To::Register(0),
            ..
        }
    ));
    assert_eq!(plan.al, 2);
}

#[test]
fn complex_values_take_vector_registers_or_the_stack() {
    let (fc, dc, ldc) = (
        t(Scalar::FloatComplex),
        t(Scalar::DoubleComplex),
        t(Scalar::LongDoubleComplex),
    );
    let plan = Plan::of(
        &Signature::new(vec![fc.clone(), dc.clone(), ldc.clone()], ldc.clone()),
        &[],
    )
    .unwrap();
    // `float _Complex` whole in xmm0; `double _Complex` in xmm1 and xmm2; `long double
    // _Complex` 32 bytes on the stack; the result in st0 and st1.
    assert_eq!(to(&plan.args[0]), [(0, 8, To::Register(XMM_AT))]);
    assert_eq!(
        to(&plan.args[1]),
        [
            (0, 8, To::Register(XMM_AT + 16)),
            (8, 8, To::Register(XMM_AT + 32))
        ]
    );
    assert_eq!(to(&plan.args[2]), [(0, 32, To::Stack(0))]);
    assert_eq!((plan.stack_size, plan.x87), (32, 2));
    let ResultPlan::Complex { copies, .. } = &plan.result else {
        panic!("a complex result");
    };
    assert_eq!(
        copies[..],
        [
            ResultCopy {
                from: 48,
                to: 0,
                len: 10
            },
            ResultCopy {
                from: 64,
                to: 16,
                len: 10
            },
        ]
    );
    let plan = Plan::of(&Signature::new(vec![], dc), &[]).unwrap();
    let ResultPlan::Complex { copies, .. } = &plan.result else {
        panic!("a complex result");
    };
    assert_eq!(
        copies.iter().map(|c| (c.from, c.to)).collect::<Vec<_>>(),
        [(16, 0), (32, 8)]
    );
    assert_eq!(plan.x87, 0);
}
