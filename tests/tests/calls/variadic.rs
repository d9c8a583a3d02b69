//! Variadic functions

use super::*;

#[test]
fn printf_style_variadic_function() {
    let lib = library();
    let format = lib
        .function(
            "format",
            Signature::variadic(
                vec![CType::char_ptr(), t(Scalar::SizeT), CType::char_ptr()],
                t(Scalar::Int),
            ),
        )
        .unwrap();
    let buf = CData::string_buffer(&[0; 128]).unwrap();
    let n = call(
        &format,
        &[
            (&buf).into(),
            128usize.into(),
            "%d|%u|%ld|%.3f|%s|%c|%x|%5.1f".into(),
            (-42).into(),
            4_000_000_000u32.into(),
            Arg::Typed(t(Scalar::Long), Value::Int(-(1 << 40))),
            2.5f32.into(),
            "str".into(),
            Arg::Typed(t(Scalar::Char), Value::Int(65)),
            255u8.into(),
            1e3.into(),
        ],
    );
    let expected = "-42|4000000000|-1099511627776|2.500|str|A|ff|1000.0";
    assert_eq!(buf.string_value().unwrap(), expected.as_bytes());
    assert_eq!(n.as_i64(), Some(expected.len() as i64));
    // Only the fixed arguments.
    let n = call(&format, &[(&buf).into(), 128usize.into(), "plain".into()]);
    assert_eq!(n.as_i64(), Some(5));
    assert_eq!(buf.string_value().unwrap(), b"plain");
}

#[test]
fn variadic_sums_with_default_promotions() {
    let lib = library();
    let sum = lib
        .function(
            "sum_doubles",
            Signature::variadic(vec![t(Scalar::Int)], t(Scalar::Double)),
        )
        .unwrap();
    let mut args: Vec<Arg<'_>> = vec![12.into()];
    args.extend((0..12).map(|i| Arg::from(i as f64 - 5.5)));
    let expected: f64 = (0..12).map(|i| (i + 1) as f64 * (i as f64 - 5.5)).sum();
    assert_eq!(call(&sum, &args).as_f64(), Some(expected));
    // Floats are promoted to double, as C's default argument promotions say.
    let r = call(&sum, &[3.into(), 1.5f32.into(), 0.25f32.into(), 2.0.into()]);
    assert_eq!(r.as_f64(), Some(1.5 + 0.5 + 6.0));

    let typed = lib
        .function(
            "sum_typed",
            Signature::variadic(vec![CType::char_ptr()], t(Scalar::Double)),
        )
        .unwrap();
    let node = CData::new(&t(Scalar::Int)).unwrap();
    let r = call(
        &typed,
        &[
            "iuldps iiid".into(),
            (-7i8).into(),    // i: signed char promoted to int
            65_535u16.into(), // u: unsigned short promoted
            Arg::Typed(t(Scalar::LongLong), Value::Int(-3)), // l
            0.5f32.into(),    // d: float promoted to double
            (&node.byref(0).unwrap()).into(), // p
            "four".into(),    // s
            Arg::Typed(t(Scalar::Short), Value::Int(-2)), // ' ' is unknown: poisoned if reached
            true.into(),
            Arg::Typed(t(Scalar::UChar), Value::UInt(200)),
            Arg::Typed(t(Scalar::Float), Value::Float(-1.25)),
        ],
    );
    // The space makes the C side give up with a sentinel, so check the prefix separately.
    assert_eq!(r.as_f64(), Some(-1e300));
    let r = call(
        &typed,
        &[
            "iuldpsiiid".into(),
            (-7i8).into(),
            65_535u16.into(),
            Arg::Typed(t(Scalar::LongLong), Value::Int(-3)),
            0.5f32.into(),
            (&node.byref(0).unwrap()).into(),
            "four".into(),
            Arg::Typed(t(Scalar::Short), Value::Int(-2)),
            true.into(),
            Arg::Typed(t(Scalar::UChar), Value::UInt(200)),
            Arg::Typed(t(Scalar::Float), Value::Float(-1.25)),
        ],
    );
    let expected = -7.0 + 2.0 * 65_535.0 - 9.0 + 2.0 + 5.0 + 6.0 * 4.0 - 14.0 + 8.0 + 1800.0 - 12.5;
    assert_eq!(r.as_f64(), Some(expected));
}
