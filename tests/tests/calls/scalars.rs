//! Scalars

use super::*;

/// The fixture's name for each scalar type.
const SCALARS: &[(&str, Scalar)] = &[
    ("char", Scalar::Char),
    ("schar", Scalar::SChar),
    ("uchar", Scalar::UChar),
    ("short", Scalar::Short),
    ("ushort", Scalar::UShort),
    ("int", Scalar::Int),
    ("uint", Scalar::UInt),
    ("long", Scalar::Long),
    ("ulong", Scalar::ULong),
    ("llong", Scalar::LongLong),
    ("ullong", Scalar::ULongLong),
    ("i8", Scalar::Int8),
    ("u8", Scalar::UInt8),
    ("i16", Scalar::Int16),
    ("u16", Scalar::UInt16),
    ("i32", Scalar::Int32),
    ("u32", Scalar::UInt32),
    ("i64", Scalar::Int64),
    ("u64", Scalar::UInt64),
    ("size", Scalar::SizeT),
    ("ssize", Scalar::SSizeT),
    ("wchar", Scalar::WcharT),
];

fn int_value(s: Scalar, v: i128) -> Value {
    if s.is_signed() {
        Value::Int(v as i64)
    } else {
        Value::UInt(v as u64)
    }
}

#[test]
fn integer_types_in_and_out_at_their_extremes() {
    let lib = library();
    for &(name, s) in SCALARS {
        let ty = t(s);
        let id = func(
            &lib,
            &format!("id_{name}"),
            std::slice::from_ref(&ty),
            ty.clone(),
        );
        let add = func(
            &lib,
            &format!("add_{name}"),
            &[ty.clone(), ty.clone()],
            ty.clone(),
        );
        let as_ll = func(
            &lib,
            &format!("as_ll_{name}"),
            std::slice::from_ref(&ty),
            t(Scalar::LongLong),
        );
        let (min, max) = s.int_range().expect("an integer type");
        for v in [min, max, 0, 1, min + 1, max - 1, max / 3] {
            let value = int_value(s, v);
            let out = call(&id, &[value.into()]);
            assert_eq!(out.value(), Some(value), "id_{name}({v})");
            if i64::try_from(v).is_ok() {
                assert_eq!(
                    call(&as_ll, &[value.into()]).as_i64(),
                    Some(v as i64),
                    "as_ll_{name}({v})"
                );
            }
        }
        // Arithmetic done by C, in the type: min + max is -1 for signed types.
        let sum = call(&add, &[int_value(s, min).into(), int_value(s, max).into()]);
        assert_eq!(
            sum.value(),
            Some(int_value(s, min + max)),
            "add_{name}(min, max)"
        );
        let sum = call(&add, &[int_value(s, 40).into(), int_value(s, 2).into()]);
        assert_eq!(sum.value(), Some(int_value(s, 42)), "add_{name}(40, 2)");
    }
}

#[test]
fn floating_types_in_and_out() {
    let lib = library();
    let float = t(Scalar::Float);
    let id = func(
        &lib,
        "id_float",
        std::slice::from_ref(&float),
        float.clone(),
    );
    for x in [
        0.0f32,
        -0.0,
        1.5,
        f32::MAX,
        f32::MIN,
        f32::MIN_POSITIVE,
        1e-45,
        f32::INFINITY,
    ] {
        let out = call(&id, &[x.into()]);
        assert_eq!(out.value(), Some(Value::Float(x)));
        assert_eq!(out.as_f64().map(f64::to_bits), Some(f64::from(x).to_bits()));
    }
    assert!(call(&id, &[f32::NAN.into()]).as_f64().unwrap().is_nan());
    let add = func(
        &lib,
        "add_float",
        &[float.clone(), float.clone()],
        float.clone(),
    );
    assert_eq!(
        call(&add, &[1.25f32.into(), 2.5f32.into()]).value(),
        Some(Value::Float(3.75))
    );
    // Rounded as float, not as double.
    let r = call(&add, &[16_777_216.0f32.into(), 1.0f32.into()]);
    assert_eq!(r.value(), Some(Value::Float(16_777_216.0)));

    let double = t(Scalar::Double);
    let id = func(
        &lib,
        "id_double",
        std::slice::from_ref(&double),
        double.clone(),
    );
    for x in [
        0.0,
        -0.0,
        0.1,
        f64::MAX,
        f64::MIN,
        f64::MIN_POSITIVE,
        5e-324,
        f64::NEG_INFINITY,
    ] {
        assert_eq!(
            call(&id, &[x.into()]).as_f64().map(f64::to_bits),
            Some(x.to_bits())
        );
    }
    let add = func(
        &lib,
        "add_double",
        &[double.clone(), double.clone()],
        double.clone(),
    );
    assert_eq!(
        call(&add, &[0.1.into(), 0.2.into()]).as_f64(),
        Some(0.1 + 0.2)
    );
}

/// Whether this process runs under valgrind, which preloads its own libraries.
pub(crate) fn under_valgrind() -> bool {
    std::env::var("LD_PRELOAD").is_ok_and(|v| v.contains("vgpreload"))
}

#[test]
fn long_double_in_and_out() {
    let lib = library();
    let ld = t(Scalar::LongDouble);
    let id = func(&lib, "id_ldouble", std::slice::from_ref(&ld), ld.clone());
    for x in [0.0, -1.5, 1e300, f64::MIN_POSITIVE, 123_456_789.125] {
        let out = call(&id, &[LongDouble::from_f64(x).into()]);
        assert_eq!(out.as_long_double().map(LongDouble::to_f64), Some(x));
    }
    let mul = func(&lib, "ld_mul", &[ld.clone(), ld.clone()], ld.clone());
    let out = call(
        &mul,
        &[
            LongDouble::from_f64(1.5).into(),
            LongDouble::from_f64(-4.0).into(),
        ],
    );
    assert_eq!(out.as_f64(), Some(-6.0));
    // A value only long double holds, computed in C, comes back with every bit. (Valgrind
    // runs x87 arithmetic in double precision, so there the value cannot exist.)
    if under_valgrind() {
        return;
    }
    let big = func(&lib, "ld_big", &[], ld.clone());
    let value = call(&big, &[]).as_long_double().expect("a long double");
    let check = func(
        &lib,
        "ld_is_big_plus",
        &[ld.clone(), t(Scalar::Int)],
        t(Scalar::Int),
    );
    assert_eq!(call(&check, &[value.into(), 1.into()]).as_i64(), Some(1));
    assert_eq!(call(&check, &[value.into(), 0.into()]).as_i64(), Some(0));
    let rounded = LongDouble::from_f64(value.to_f64());
    assert_eq!(call(&check, &[rounded.into(), 1.into()]).as_i64(), Some(0));
}

#[test]
fn bool_and_narrow_arguments() {
    let lib = library();
    let b = t(Scalar::Bool);
    let not = func(&lib, "not_bool", std::slice::from_ref(&b), b.clone());
    assert_eq!(call(&not, &[true.into()]).value(), Some(Value::Bool(false)));
    assert_eq!(call(&not, &[false.into()]).value(), Some(Value::Bool(true)));
    let to_int = func(
        &lib,
        "bool_to_int",
        std::slice::from_ref(&b),
        t(Scalar::Int),
    );
    assert_eq!(call(&to_int, &[true.into()]).as_i64(), Some(1));
    let narrow = func(
        &lib,
        "sum_narrow",
        &[
            t(Scalar::SChar),
            t(Scalar::UChar),
            t(Scalar::Short),
            t(Scalar::UShort),
        ],
        t(Scalar::Int),
    );
    let r = call(
        &narrow,
        &[
            (-128i8).into(),
            255u8.into(),
            (-32768i16).into(),
            65535u16.into(),
        ],
    );
    assert_eq!(r.as_i64(), Some(-128 + 255 - 32768 + 65535));
}

#[test]
fn many_mixed_arguments_some_on_the_stack() {
    use Scalar::*;
    let lib = library();
    let types = [
        Int, Double, Long, Float, Short, Double, UChar, Float, LongLong, Double, Int, Float,
        Double, Double, Double, Double, Int, UInt, Long, Float,
    ];
    let f = func(&lib, "many_mixed", &types.map(t), t(Double));
    let values: Vec<Value> = types
        .iter()
        .enumerate()
        .map(|(i, s)| match s {
            Float => Value::Float(i as f32 + 0.5),
            Double => Value::Double(-(i as f64) * 1.25),
            UChar | UInt => Value::UInt(200 + i as u64),
            _ => Value::Int(-(i as i64) * 1000 - 7),
        })
        .collect();
    let expected: f64 = values
        .iter()
        .enumerate()
        .map(|(i, v)| (i + 1) as f64 * as_f64(*v))
        .sum();
    let args: Vec<Arg<'_>> = values.iter().map(|v| Arg::from(*v)).collect();
    assert_eq!(call(&f, &args).as_f64(), Some(expected));

    let types = [
        Int, Long, Short, LongLong, SChar, Int, Long, UInt, Int, LongLong, Int, Short,
    ];
    let f = func(&lib, "many_ints", &types.map(t), t(LongLong));
    let values: Vec<Value> = types
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let i = i as i128;
            let sign = if i % 2 == 0 { 1 } else { -1 };
            int_value(
                *s,
                if s.is_signed() {
                    sign * (i * 37 - 100)
                } else {
                    i * 37 + 5
                },
            )
        })
        .collect();
    let args: Vec<Arg<'_>> = values.iter().map(|v| Arg::from(*v)).collect();
    let expected: i64 = values
        .iter()
        .enumerate()
        .map(|(i, v)| (i as i64 + 1) * v.as_i64().unwrap())
        .sum();
    assert_eq!(call(&f, &args).as_i64(), Some(expected));

    let f = func(&lib, "many_doubles", &vec![t(Double); 11], t(Double));
    let args: Vec<Arg<'_>> = (0..11).map(|i| Arg::from(i as f64 * 0.5 - 2.0)).collect();
    let expected: f64 = (0..11)
        .map(|i| (i + 1) as f64 * (i as f64 * 0.5 - 2.0))
        .sum();
    assert_eq!(call(&f, &args).as_f64(), Some(expected));

    let f = func(&lib, "many_floats", &vec![t(Float); 10], t(Float));
    let args: Vec<Arg<'_>> = (0..10).map(|i| Arg::from(i as f32 + 0.25)).collect();
    let expected: f32 = (0..10).map(|i| (i + 1) as f32 * (i as f32 + 0.25)).sum();
    assert_eq!(call(&f, &args).value(), Some(Value::Float(expected)));

    let f = func(&lib, "do_nothing", &[], CType::void());
    assert!(matches!(call(&f, &[]), CValue::Void));
}
