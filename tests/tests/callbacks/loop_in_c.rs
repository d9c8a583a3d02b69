//! A loop in C

use super::*;

#[test]
fn c_sums_a_callback_called_n_times() {
    let lib = library();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    let square = Callback::new(int_to_int(), move |args| {
        let i = int_arg(args, 0);
        log.lock().unwrap().push(i);
        int_result(i * i - 3)
    })
    .unwrap();
    let n = 40;
    let results = CData::new(&int().array(n).unwrap()).unwrap();
    let done = CData::new(&int()).unwrap();
    let total = call(
        &cb_sum(&lib),
        &[
            (&square).into(),
            (n as i32).into(),
            (&results).into(),
            (&done).into(),
        ],
    );
    let expected: Vec<i64> = (0..n as i64).map(|i| i * i - 3).collect();
    assert_eq!(total.as_i64(), Some(expected.iter().sum()));
    let stored: Vec<i64> = (0..n)
        .map(|i| {
            results
                .element(i)
                .unwrap()
                .value()
                .unwrap()
                .as_i64()
                .unwrap()
        })
        .collect();
    assert_eq!(stored, expected);
    assert_eq!(done.value().unwrap().as_i64(), Some(n as i64));
    assert_eq!(*seen.lock().unwrap(), (0..n as i64).collect::<Vec<_>>());
}

#[test]
fn local_callback_runs_on_its_own_thread() {
    let lib = library();
    // An `Rc` makes the closure non-`Send`.
    let calls = Rc::new(Cell::new(0));
    let counter = Rc::clone(&calls);
    let double = Callback::new_local(int_to_int(), move |args| {
        counter.set(counter.get() + 1);
        int_result(2 * int_arg(args, 0))
    })
    .unwrap();
    let total = call(
        &cb_sum(&lib),
        &[(&double).into(), 10.into(), Arg::NULL, Arg::NULL],
    );
    assert_eq!(total.as_i64(), Some(90));
    assert_eq!(calls.get(), 10);
}

/// Pairs `(x, y)` for scalar `s`: C passes `x`, the callback answers `y`.
fn scalar_cases(s: Scalar) -> Vec<(Value, Value)> {
    let int = |v: i128| {
        if s.is_signed() {
            Value::Int(v as i64)
        } else {
            Value::UInt(v as u64)
        }
    };
    match s {
        Scalar::Bool => vec![
            (Value::Bool(true), Value::Bool(false)),
            (Value::Bool(false), Value::Bool(true)),
        ],
        Scalar::Float => vec![
            (Value::Float(1.5), Value::Float(-0.25)),
            (Value::Float(f32::MAX), Value::Float(f32::MIN_POSITIVE)),
        ],
        Scalar::Double => vec![
            (Value::Double(1.5), Value::Double(-0.25)),
            (Value::Double(f64::MIN), Value::Double(f64::EPSILON)),
        ],
        Scalar::LongDouble => vec![(
            Value::LongDouble(ctypes_core::LongDouble::from_f64(1e300)),
            Value::LongDouble(ctypes_core::LongDouble::from_f64(-3.25)),
        )],
        _ => {
            let (min, max) = s.int_range().expect("an integer type");
            vec![(int(min), int(max)), (int(max), int(min)), (int(1), int(0))]
        }
    }
}

#[test]
fn every_scalar_type_into_and_out_of_a_callback() {
    let lib = library();
    for (name, s) in [
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
        ("bool", Scalar::Bool),
        ("float", Scalar::Float),
        ("double", Scalar::Double),
        ("ldouble", Scalar::LongDouble),
    ] {
        let ty = t(s);
        for (x, y) in scalar_cases(s) {
            let seen = Arc::new(Mutex::new(Vec::new()));
            let log = Arc::clone(&seen);
            let f = Callback::new(sig(std::slice::from_ref(&ty), ty.clone()), move |args| {
                log.lock().unwrap().push(args[0].value());
                CValue::Value(y)
            })
            .unwrap();
            let id = func(
                &lib,
                &format!("cb_id_{name}"),
                &[f.function_pointer_type(), ty.clone()],
                ty.clone(),
            );
            let is = func(
                &lib,
                &format!("cb_is_{name}"),
                &[f.function_pointer_type(), ty.clone(), ty.clone()],
                int(),
            );
            // A plain value takes the short call path; a typed one the general path.
            let out = call(&id, &[(&f).into(), Arg::Value(x)]);
            assert_eq!(out.value(), Some(y), "{name}: {x:?} -> {y:?}");
            let same = call(
                &is,
                &[
                    (&f).into(),
                    Arg::Typed(ty.clone(), x),
                    Arg::Typed(ty.clone(), y),
                ],
            );
            assert_eq!(same.as_i64(), Some(1), "{name}: C compares {y:?}");
            assert_eq!(*seen.lock().unwrap(), [Some(x), Some(x)], "{name}");
        }
    }
}

#[test]
fn more_arguments_than_registers() {
    use Scalar::*;
    let lib = library();
    let types: Vec<CType> = [
        Int, Long, Short, Double, Float, UChar, LongLong, Double, Int,
    ]
    .into_iter()
    .map(t)
    .chain([record("F2"), t(Char)])
    .collect();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    let f = Callback::new(sig(&types, t(LongLong)), move |args| {
        let mut values: Vec<f64> = args[..9]
            .iter()
            .map(|a| as_f64(a.value().unwrap()))
            .collect();
        let v = args[9].clone().into_data().unwrap();
        values.push(as_f64(v.get("a").unwrap()));
        values.push(as_f64(v.get("b").unwrap()));
        values.push(as_f64(args[10].value().unwrap()));
        let weighted: f64 = values
            .iter()
            .enumerate()
            .map(|(k, x)| (k + 1) as f64 * x)
            .sum();
        log.lock().unwrap().push(values);
        CValue::Value(Value::Int((weighted * 4.0) as i64))
    })
    .unwrap();
    let many = func(&lib, "cb_many", &[f.function_pointer_type()], t(LongLong));
    let r = call(&many, &[(&f).into()]);
    let expected = [
        1.0,
        -2.0,
        3.0,
        4.5,
        -5.5,
        250.0,
        (1u64 << 40) as f64,
        -8.25,
        9.0,
        0.5,
        -1.5,
        f64::from(b'z'),
    ];
    assert_eq!(*seen.lock().unwrap(), [expected.to_vec()]);
    let weighted: f64 = expected
        .iter()
        .enumerate()
        .map(|(k, x)| (k + 1) as f64 * x)
        .sum();
    assert_eq!(r.as_i64(), Some((weighted * 4.0) as i64 + 1_000_000));
}
