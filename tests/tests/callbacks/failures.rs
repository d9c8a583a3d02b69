//! Failures

use super::*;

#[test]
fn panic_returns_zero_to_c_and_comes_back_on_the_calling_thread() {
    let lib = library();
    let f = Callback::new(int_to_int(), |args| {
        let i = int_arg(args, 0);
        if i == 3 {
            panic!("callback failed at {i}");
        }
        int_result(10 * i + 1)
    })
    .unwrap();
    let sum = cb_sum(&lib);
    let results = CData::new(&int().array(5).unwrap()).unwrap();
    for i in 0..5 {
        results.element(i).unwrap().set_value(-7).unwrap();
    }
    let done = CData::new(&int()).unwrap();
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        call(
            &sum,
            &[(&f).into(), 5.into(), (&results).into(), (&done).into()],
        )
    }));
    let payload = outcome.expect_err("the callback's panic is re-raised");
    assert_eq!(
        payload.downcast_ref::<String>().map(String::as_str),
        Some("callback failed at 3")
    );
    // C went on after the panicking call, which gave it 0.
    let stored: Vec<i64> = (0..5)
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
    assert_eq!(stored, [1, 11, 21, 0, 41]);
    assert_eq!(done.value().unwrap().as_i64(), Some(5));
    // Nothing is left over for the next call.
    let total = call(&sum, &[(&f).into(), 3.into(), Arg::NULL, Arg::NULL]);
    assert_eq!(total.as_i64(), Some(33));
}

#[test]
fn first_failure_of_a_call_is_the_one_raised() {
    let lib = library();
    let f = Callback::new(int_to_int(), |args| match int_arg(args, 0) {
        i @ (1 | 3) => panic!("failure {i}"),
        i => int_result(i),
    })
    .unwrap();
    let done = CData::new(&int()).unwrap();
    let payload = catch_unwind(AssertUnwindSafe(|| {
        call(
            &cb_sum(&lib),
            &[(&f).into(), 5.into(), Arg::NULL, (&done).into()],
        )
    }))
    .expect_err("re-raised");
    assert_eq!(
        payload.downcast_ref::<String>().map(String::as_str),
        Some("failure 1")
    );
    assert_eq!(done.value().unwrap().as_i64(), Some(5));
}

#[test]
fn panic_payload_of_any_type_comes_back_as_it_was() {
    let lib = library();
    let f = Callback::new(int_to_int(), |_| std::panic::panic_any(0xdead_u32)).unwrap();
    let payload = catch_unwind(AssertUnwindSafe(|| {
        call(
            &cb_sum(&lib),
            &[(&f).into(), 2.into(), Arg::NULL, Arg::NULL],
        )
    }))
    .expect_err("re-raised");
    assert_eq!(payload.downcast_ref::<u32>(), Some(&0xdead));
}

#[test]
fn panic_in_a_nested_callback_reaches_the_outermost_call() {
    let lib = library();
    let sum = cb_sum(&lib);
    let inner = Callback::new(int_to_int(), |args| {
        if int_arg(args, 0) == 1 {
            panic!("inner");
        }
        int_result(1)
    })
    .unwrap();
    let reached_after = Arc::new(AtomicBool::new(false));
    let outer = {
        let (sum, inner, after) = (sum.clone(), inner.clone(), Arc::clone(&reached_after));
        Callback::new(int_to_int(), move |_| {
            // The inner call re-raises the inner panic here, unwinding this closure.
            let r = call(&sum, &[(&inner).into(), 2.into(), Arg::NULL, Arg::NULL]);
            after.store(true, Ordering::SeqCst);
            int_result(r.as_i64().unwrap())
        })
        .unwrap()
    };
    let payload = catch_unwind(AssertUnwindSafe(|| {
        call(&sum, &[(&outer).into(), 1.into(), Arg::NULL, Arg::NULL])
    }))
    .expect_err("re-raised");
    assert_eq!(payload.downcast_ref::<&str>(), Some(&"inner"));
    assert!(!reached_after.load(Ordering::SeqCst));
}

#[test]
fn result_that_does_not_fit_is_an_error() {
    let lib = library();
    let uchar = t(Scalar::UChar);
    let plus_100 = Callback::new(sig(&[int()], uchar.clone()), |args| {
        int_result(int_arg(args, 0) + 100)
    })
    .unwrap();
    let f = func(
        &lib,
        "cb_uchar",
        &[plus_100.function_pointer_type(), int(), int().pointer()],
        int(),
    );
    let seen = CData::new(&int()).unwrap();
    // 200 fits, and C reads it unsigned.
    let r = call(&f, &[(&plus_100).into(), 100.into(), (&seen).into()]);
    assert_eq!(r.as_i64(), Some(200));
    assert_eq!(seen.value().unwrap().as_i64(), Some(200));
    // 300 does not: C gets 0, the call an error.
    // SAFETY: `int cb_uchar(unsigned char (*)(int), int, int *)`.
    let err = unsafe { f.call(&[(&plus_100).into(), 200.into(), (&seen).into()]) }.unwrap_err();
    assert!(matches!(err, Error::CallbackResult { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        "callback returned Int(300) (value 300 does not fit in `unsigned char`), which does not \
         fit its result type `unsigned char`"
    );
    assert_eq!(seen.value().unwrap().as_i64(), Some(0));
    // A result of the wrong kind.
    let void = Callback::new(sig(&[int()], uchar), |_| CValue::Void).unwrap();
    // SAFETY: as above.
    let err = unsafe { f.call(&[(&void).into(), 1.into(), (&seen).into()]) }.unwrap_err();
    assert_eq!(
        err.to_string(),
        "callback returned Void, which does not fit its result type `unsigned char`"
    );
}

/// `int cb_id_int(int (*f)(int), int x)`, given its callback as a plain pointer value, takes
/// the register call; a callback's panic or error comes back from it as from the other paths
/// (for `call_value` and `call`), and a failure waiting for an enclosing call is left to it.
#[test]
fn the_register_call_raises_its_own_failures_and_leaves_the_others() {
    let lib = library();
    let id = func(
        &lib,
        "cb_id_int",
        &[CType::function_pointer(int_to_int()), int()],
        int(),
    );
    if cfg!(all(target_arch = "x86_64", unix)) {
        assert_eq!(id.call_path(), ctypes_core::CallPath::Registers);
    }
    let f = Callback::new(int_to_int(), |args| match int_arg(args, 0) {
        3 => panic!("failure at 3"),
        4 => int_result(1 << 40),
        i => int_result(i + 1),
    })
    .unwrap();
    let code = f.code().as_ptr() as usize;
    let id_value = {
        let id = id.clone();
        // SAFETY: `int cb_id_int(int (*)(int), int)`, with a callback of that type at `code`,
        // alive as long as `f` (to the end of the test).
        move |x: i32| unsafe { id.call_value(&[Arg::Value(Value::Pointer(code)), x.into()]) }
    };
    assert_eq!(id_value(2).unwrap(), Value::Int(3));
    let payload = catch_unwind(AssertUnwindSafe(|| id_value(3))).expect_err("re-raised");
    assert_eq!(payload.downcast_ref::<&str>(), Some(&"failure at 3"));
    let err = id_value(4).unwrap_err();
    assert!(matches!(err, Error::CallbackResult { .. }), "{err:?}");
    let payload = catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: as above.
        unsafe { id.call(&[Arg::Value(Value::Pointer(code)), 3.into()]) }
    }))
    .expect_err("re-raised");
    assert_eq!(payload.downcast_ref::<&str>(), Some(&"failure at 3"));
    // Nothing is left over.
    assert_eq!(id_value(5).unwrap(), Value::Int(6));

    // In a call through the general path, the first callback panics, and the next ones make
    // register calls while that failure waits: they get their values.
    let got = Arc::new(Mutex::new(Vec::new()));
    let outer = {
        let got = Arc::clone(&got);
        let id_value = id_value.clone();
        Callback::new(int_to_int(), move |args| match int_arg(args, 0) {
            0 => panic!("outer"),
            i => {
                let x = i32::try_from(i).unwrap();
                got.lock()
                    .unwrap()
                    .push(id_value(x).map_err(|e| e.to_string()));
                int_result(i)
            }
        })
        .unwrap()
    };
    let payload = catch_unwind(AssertUnwindSafe(|| {
        call(
            &cb_sum(&lib),
            &[(&outer).into(), 3.into(), Arg::NULL, Arg::NULL],
        )
    }))
    .expect_err("re-raised");
    assert_eq!(payload.downcast_ref::<&str>(), Some(&"outer"));
    assert_eq!(*got.lock().unwrap(), [Ok(Value::Int(2)), Ok(Value::Int(3))]);
    assert_eq!(id_value(1).unwrap(), Value::Int(2));
}
