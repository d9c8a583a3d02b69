//! Records and unions by value

use super::*;

/// The scalar members of `ty` as `fixture.h` lists them: a union's, those of its largest member.
fn leaves_of(ty: &CType) -> Vec<Leaf> {
    if ty == &record("UC9") {
        let paths: Vec<String> = (0..9).map(|i| format!("c[{i}]")).collect();
        return leaves_at(ty, &paths.iter().map(String::as_str).collect::<Vec<_>>());
    }
    leaves(ty)
}

/// A record of type `ty` with leaf `k` set to `sample(leaf, k + shift)`.
fn sample_record(ty: &CType, shift: usize) -> CData {
    let data = CData::new(ty).unwrap();
    for (k, leaf) in leaves_of(ty).iter().enumerate() {
        data.set(&leaf.path, sample(leaf, k + shift)).unwrap();
    }
    data
}

fn leaf_values(data: &CData) -> Vec<Value> {
    leaves_of(data.ty())
        .iter()
        .map(|leaf| data.get(&leaf.path).unwrap())
        .collect()
}

#[test]
fn records_by_value_into_and_out_of_callbacks() {
    let lib = library();
    // 8 bytes all-float and mixed, 16 bytes all-float, all-double and mixed (two ways), 24
    // bytes all-double and mixed (in memory), a union of 12 bytes, a nested record.
    for name in [
        "F2", "S8", "F4", "D2", "MDI", "MIFD", "S24", "M24", "UC9", "NV",
    ] {
        let ty = record(name);
        let received = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&received);
        let made_type = ty.clone();
        let through = Callback::new(sig(std::slice::from_ref(&ty), ty.clone()), move |args| {
            let data = args[0].clone().into_data().expect("a record argument");
            log.lock().unwrap().push(leaf_values(&data));
            CValue::Data(sample_record(&made_type, 3))
        })
        .unwrap();
        let f = func(
            &lib,
            &format!("cb_through_{name}"),
            &[through.function_pointer_type(), ty.clone()],
            ty.clone(),
        );
        let input = sample_record(&ty, 0);
        let out = call(&f, &[(&through).into(), (&input).into()])
            .into_data()
            .expect("a record result");
        // C bumped leaf k by k + 1 before the callback, and again after it.
        let ls = leaves_of(&ty);
        let bumped: Vec<Value> = ls
            .iter()
            .enumerate()
            .map(|(k, leaf)| plus(sample(leaf, k), k + 1))
            .collect();
        assert_eq!(*received.lock().unwrap(), vec![bumped], "{name}: argument");
        let expected: Vec<Value> = ls
            .iter()
            .enumerate()
            .map(|(k, leaf)| plus(sample(leaf, k + 3), k + 1))
            .collect();
        assert_eq!(leaf_values(&out), expected, "{name}: result");
    }
}

#[test]
fn record_arguments_a_closure_keeps_are_never_filled_again() {
    let lib = library();
    let s24 = record("S24");
    // Keeps every other record it receives, and a view of the field `y` of every third; the
    // rest it lets go of.
    let kept = Rc::new(std::cell::RefCell::new(Vec::new()));
    let keep = Rc::clone(&kept);
    let calls = Cell::new(0);
    let sum = Callback::new_local(
        sig(std::slice::from_ref(&s24), t(Scalar::Double)),
        move |args| {
            let data = args[0].clone().into_data().unwrap();
            let n = calls.get();
            calls.set(n + 1);
            if n % 2 == 0 {
                keep.borrow_mut().push((n, data.clone(), None));
            } else if n % 3 == 0 {
                keep.borrow_mut()
                    .push((n, data.clone(), Some(data.field("y").unwrap())));
            }
            CValue::Value(data.get("x").unwrap())
        },
    )
    .unwrap();
    let f = func(
        &lib,
        "cb_sum_S24",
        &[
            sum.function_pointer_type(),
            s24.clone(),
            t(Scalar::Double).pointer(),
        ],
        t(Scalar::Double),
    );
    let s = CData::new(&s24).unwrap();
    for n in 0..40 {
        s.set("x", f64::from(n)).unwrap();
        s.set("y", -f64::from(n)).unwrap();
        let r = call(&f, &[(&sum).into(), (&s).into(), Arg::NULL]);
        assert_eq!(r.as_f64(), Some(f64::from(n)));
    }
    let kept = kept.borrow();
    assert_eq!(kept.len(), 20 + 7);
    for (n, data, y) in kept.iter() {
        let n = f64::from(*n);
        assert_eq!(data.get("x").unwrap().as_f64(), Some(n));
        assert_eq!(data.get("y").unwrap().as_f64(), Some(-n));
        if let Some(y) = y {
            assert_eq!(y.value().unwrap().as_f64(), Some(-n));
        }
    }
}

#[test]
fn record_argument_with_a_scalar_result() {
    let lib = library();
    let s24 = record("S24");
    let weighted = Callback::new(sig(std::slice::from_ref(&s24), t(Scalar::Double)), |args| {
        let data = args[0].clone().into_data().unwrap();
        let sum: f64 = ["x", "y", "z"]
            .iter()
            .enumerate()
            .map(|(k, f)| (k + 1) as f64 * data.get(f).unwrap().as_f64().unwrap())
            .sum();
        CValue::Value(Value::Double(sum))
    })
    .unwrap();
    let f = func(
        &lib,
        "cb_sum_S24",
        &[
            weighted.function_pointer_type(),
            s24.clone(),
            t(Scalar::Double).pointer(),
        ],
        t(Scalar::Double),
    );
    let s = CData::new(&s24).unwrap();
    s.set("x", 1.5).unwrap();
    s.set("y", -2.25).unwrap();
    s.set("z", 1e6).unwrap();
    let c_side = CData::new(&t(Scalar::Double)).unwrap();
    let r = call(&f, &[(&weighted).into(), (&s).into(), (&c_side).into()]);
    let expected = 1.5 - 2.0 * 2.25 + 3e6;
    assert_eq!(r.as_f64(), Some(expected));
    assert_eq!(c_side.value().unwrap().as_f64(), Some(expected));
}

#[test]
fn unions_by_value_into_and_out_of_callbacks() {
    let lib = library();
    let seen = Arc::new(Mutex::new(Vec::new()));

    // INTEGER class: C sets the `long`, the callback answers in the `double`.
    let udl = record("UDL");
    let (log, ty) = (Arc::clone(&seen), udl.clone());
    let quarter = Callback::new(sig(std::slice::from_ref(&udl), udl.clone()), move |args| {
        let u = args[0].clone().into_data().unwrap();
        let l = u.get("l").unwrap();
        log.lock().unwrap().push(l);
        let out = CData::new(&ty).unwrap();
        out.set("d", l.as_i64().unwrap() as f64 / 4.0).unwrap();
        CValue::Data(out)
    })
    .unwrap();
    let f = func(
        &lib,
        "cb_UDL",
        &[quarter.function_pointer_type(), t(Scalar::Long)],
        t(Scalar::Double),
    );
    let r = call(&f, &[(&quarter).into(), (-4_000_000_002i64).into()]);
    assert_eq!(r.as_f64(), Some(-2_000_000_001.0));

    // SSE class: C sets `a`, the callback answers in `b` (the same float).
    let uff = record("UFF");
    let (log, ty) = (Arc::clone(&seen), uff.clone());
    let triple = Callback::new(sig(std::slice::from_ref(&uff), uff.clone()), move |args| {
        let u = args[0].clone().into_data().unwrap();
        let a = u.get("a").unwrap();
        log.lock().unwrap().push(a);
        let out = CData::new(&ty).unwrap();
        out.set("b", a.as_f64().unwrap() as f32 * 3.0).unwrap();
        CValue::Data(out)
    })
    .unwrap();
    let f = func(
        &lib,
        "cb_UFF",
        &[triple.function_pointer_type(), t(Scalar::Float)],
        t(Scalar::Float),
    );
    let r = call(&f, &[(&triple).into(), 1.75f32.into()]);
    assert_eq!(r.as_f64(), Some(6.25));

    // Mixed members sharing one eightbyte: C sets the `float`, the callback answers in the `int`.
    let uif = record("UIF");
    let (log, ty) = (Arc::clone(&seen), uif.clone());
    let hundred = Callback::new(sig(std::slice::from_ref(&uif), uif.clone()), move |args| {
        let u = args[0].clone().into_data().unwrap();
        let f = u.get("f").unwrap();
        log.lock().unwrap().push(f);
        let out = CData::new(&ty).unwrap();
        out.set("i", (f.as_f64().unwrap() * 100.0) as i64).unwrap();
        CValue::Data(out)
    })
    .unwrap();
    let f = func(
        &lib,
        "cb_UIF",
        &[hundred.function_pointer_type(), t(Scalar::Float)],
        int(),
    );
    let r = call(&f, &[(&hundred).into(), (-2.5f32).into()]);
    assert_eq!(r.as_i64(), Some(-251));

    assert_eq!(
        *seen.lock().unwrap(),
        [
            Value::Int(-4_000_000_002),
            Value::Float(1.75),
            Value::Float(-2.5)
        ]
    );
}

/// A record GCC returns in no register at all: no data (a zero-length array and an unnamed
/// bit-field), 64 bytes with the padding of its alignment. The closure's object is larger than
/// the registers a result fills; none of it reaches the caller, and the callback runs.
#[test]
fn a_record_without_data_larger_than_the_result_registers() {
    let e64 = CType::struct_builder("E64")
        .field("z", int().array(0).unwrap())
        .unnamed_bit_field(t(Scalar::Short), 15)
        .align(64)
        .build()
        .unwrap();
    assert_eq!(e64.size().unwrap(), 64);
    let runs = Arc::new(AtomicUsize::new(0));
    let (counted, ty) = (Arc::clone(&runs), e64.clone());
    let callback = Callback::new(sig(&[int()], e64.clone()), move |args| {
        counted.fetch_add(int_arg(args, 0) as usize, Ordering::Relaxed);
        let data = CData::new(&ty).unwrap();
        data.write_bytes(0, &[0xa5; 64]).unwrap();
        CValue::Data(data)
    })
    .unwrap();
    // SAFETY: the callback's code takes an int and returns an `E64`.
    let f = unsafe { Function::from_address(callback.code(), sig(&[int()], e64), "e64") }.unwrap();
    for n in 1..=3 {
        let returned = call(&f, &[n.into()]).into_data().unwrap();
        assert_eq!(returned.size(), 64);
    }
    assert_eq!(runs.load(Ordering::Relaxed), 6);
}

/// Records of no data but an unnamed bit-field's bits: GCC passes a 16-byte one in one
/// register (the eightbyte of the bit-field's storage) and a 64-byte one in nothing at all
/// (no register, no stack slot). The closure receives what was passed, and zeros for the rest:
/// neither the previous argument's bytes (left in a shared buffer) nor whatever lies on the
/// stack where the large one would be.
#[test]
fn records_without_data_get_zeros_for_what_is_not_passed() {
    let empty = |tag: &str, align: usize| {
        CType::struct_builder(tag)
            .field("z", int().array(0).unwrap())
            .unnamed_bit_field(t(Scalar::Short), 15)
            .align(align)
            .build()
            .unwrap()
    };
    let (e16, e64) = (empty("E16", 16), empty("E64z", 64));
    let pair = CType::struct_builder("LongPair")
        .field("a", t(Scalar::Long))
        .field("b", t(Scalar::Long))
        .build()
        .unwrap();
    let params = [pair.clone(), e16.clone(), int(), e64.clone()];
    let callback = Callback::new(sig(&params, int()), |args| {
        let bytes = |i: usize| args[i].clone().into_data().unwrap().to_bytes();
        let (e16, e64) = (bytes(1), bytes(3));
        let as_passed = e16[..8].iter().all(|&b| b == 0x5a);
        let zeroed = e16[8..].iter().chain(&e64).all(|&b| b == 0);
        let b = args[0].clone().into_data().unwrap().get("b").unwrap();
        int_result(if as_passed && zeroed {
            b.as_i64().unwrap() + int_arg(args, 2)
        } else {
            -1
        })
    })
    .unwrap();
    // SAFETY: the callback's code has this signature.
    let f =
        unsafe { Function::from_address(callback.code(), sig(&params, int()), "empties") }.unwrap();
    let p = CData::new(&pair).unwrap();
    p.set("a", 0x1111_1111_1111_1111i64).unwrap();
    p.set("b", 0x2222).unwrap();
    let (a, b) = (CData::new(&e16).unwrap(), CData::new(&e64).unwrap());
    a.write_bytes(0, &[0x5a; 16]).unwrap();
    b.write_bytes(0, &[0x5a; 64]).unwrap();
    let returned = call(&f, &[(&p).into(), (&a).into(), 7.into(), (&b).into()]);
    assert_eq!(returned.as_i64(), Some(0x2222 + 7));
}

#[test]
fn a_large_record_of_padding_only_comes_back_in_no_register() {
    // 64 bytes of unnamed bit-fields and a zero-length array: gcc returns it in no register
    // (no hidden pointer either), so the callback's result is checked and nothing is copied.
    let source = r#"
        #include <stdint.h>
        union __attribute__((aligned(64))) pad64 {
            unsigned int : 31;
            long long : 64;
            int32_t : 31;
            int8_t z[0];
        };
        unsigned long pad64_size(void) { return sizeof(union pad64); }
        /* `x` goes in `rdi`, as there is no hidden pointer; the callback's result is dropped. */
        long call_pad64(union pad64 (*f)(long), long x) { f(x); return x + 1; }
    "#;
    let so = ctypes_tests::cc::compile_shared("pad64", source).unwrap();
    // SAFETY: the library defines functions only.
    let lib = unsafe { Library::open(so.path().to_str().unwrap()) }.unwrap();
    let long = t(Scalar::Long);
    let pad = CType::union_builder("pad64")
        .unnamed_bit_field(t(Scalar::UInt), 31)
        .unnamed_bit_field(t(Scalar::LongLong), 64)
        .unnamed_bit_field(t(Scalar::Int32), 31)
        .field("z", t(Scalar::Int8).array(0).unwrap())
        .align(64)
        .build()
        .unwrap();
    let size = func(&lib, "pad64_size", &[], t(Scalar::ULong));
    assert_eq!(call(&size, &[]).as_u64(), Some(pad.size().unwrap() as u64));
    let seen = Rc::new(Cell::new(0));
    let seen_in = Rc::clone(&seen);
    let ty = pad.clone();
    let cb = Callback::new_local(sig(std::slice::from_ref(&long), pad.clone()), move |args| {
        seen_in.set(args[0].as_i64().unwrap());
        CValue::Data(CData::new(&ty).unwrap())
    })
    .unwrap();
    let f = func(
        &lib,
        "call_pad64",
        &[cb.function_pointer_type(), long.clone()],
        long,
    );
    for x in [7, -3, 1 << 40] {
        let r = call(&f, &[(&cb).into(), Arg::Value(Value::Int(x))]);
        assert_eq!(r.as_i64(), Some(x + 1));
        assert_eq!(seen.get(), x);
    }
}
