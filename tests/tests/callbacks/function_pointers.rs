//! Function pointers in memory

use super::*;

pub(crate) fn vtable_type() -> CType {
    let double = t(Scalar::Double);
    let d2 = record("D2");
    CType::struct_builder("VTable")
        .field(
            "combine",
            CType::function_pointer(sig(&[int(), int()], int())),
        )
        .field(
            "scale",
            CType::function_pointer(sig(&[double.clone(), double.clone()], double)),
        )
        .field("name", CType::function_pointer(sig(&[], CType::char_ptr())))
        .field(
            "mid",
            CType::function_pointer(sig(&[d2.clone(), d2.clone()], d2)),
        )
        .field(
            "note",
            CType::function_pointer(sig(&[int()], CType::void())),
        )
        .build()
        .unwrap()
}

static NAME: &[u8] = b"vtable\0";

/// The five callbacks of a `VTable`, each holding a tracker; `note` stores its argument.
pub(crate) fn vtable_callbacks(
    dropped: &Arc<AtomicUsize>,
    noted: &Arc<AtomicI64>,
) -> Vec<Callback> {
    let double = t(Scalar::Double);
    let d2 = record("D2");
    let tracker = || Tracker(Arc::clone(dropped));
    let combine = {
        let tracker = tracker();
        Callback::new(sig(&[int(), int()], int()), move |args| {
            let _ = &tracker;
            int_result(10 * int_arg(args, 0) + int_arg(args, 1))
        })
    };
    let scale = {
        let tracker = tracker();
        Callback::new(
            sig(&[double.clone(), double.clone()], double.clone()),
            move |args| {
                let _ = &tracker;
                let (x, k) = (args[0].as_f64().unwrap(), args[1].as_f64().unwrap());
                CValue::Value(Value::Double(x * k))
            },
        )
    };
    let name = {
        let tracker = tracker();
        Callback::new(sig(&[], CType::char_ptr()), move |_| {
            let _ = &tracker;
            CValue::Value(Value::Pointer(NAME.as_ptr() as usize))
        })
    };
    let mid = {
        let (tracker, ty) = (tracker(), d2.clone());
        Callback::new(sig(&[d2.clone(), d2.clone()], d2), move |args| {
            let _ = &tracker;
            let [a, b] = [&args[0], &args[1]].map(|a| a.clone().into_data().unwrap());
            let m = CData::new(&ty).unwrap();
            for f in ["x", "y"] {
                let (p, q) = (a.get(f).unwrap(), b.get(f).unwrap());
                m.set(f, (p.as_f64().unwrap() + q.as_f64().unwrap()) / 2.0)
                    .unwrap();
            }
            CValue::Data(m)
        })
    };
    let note = {
        let (tracker, noted) = (tracker(), Arc::clone(noted));
        Callback::new(sig(&[int()], CType::void()), move |args| {
            let _ = &tracker;
            noted.store(int_arg(args, 0), Ordering::SeqCst);
            CValue::Void
        })
    };
    [combine, scale, name, mid, note]
        .into_iter()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn vtable_of_callbacks_driven_from_c() {
    let lib = library();
    let ty = vtable_type();
    let drive = func(
        &lib,
        "cb_drive",
        &[ty.pointer(), int(), int()],
        t(Scalar::Double),
    );
    let dropped = Arc::new(AtomicUsize::new(0));
    let noted = Arc::new(AtomicI64::new(0));
    let table = CData::new(&ty).unwrap();
    let fields = ["combine", "scale", "name", "mid", "note"];
    {
        let callbacks = vtable_callbacks(&dropped, &noted);
        for (field, callback) in fields.iter().zip(&callbacks) {
            table.field(field).unwrap().set_callback(callback).unwrap();
        }
        // A callback of another signature is refused.
        let err = table
            .field("scale")
            .unwrap()
            .set_callback(&callbacks[0])
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "expected `int (*)(int, int)`, found `double (*)(double, double)`"
        );
    }
    // The handles are gone; the table keeps the callbacks.
    assert_eq!(dropped.load(Ordering::SeqCst), 0);
    for (a, b) in [(3, -5), (12, 7)] {
        let r = call(&drive, &[(&table).into(), a.into(), b.into()]);
        let (a, b) = (f64::from(a), f64::from(b));
        // mid((a, b), (b, -a)), as C builds them.
        let (mx, my) = ((a + b) / 2.0, (b - a) / 2.0);
        let expected = (10.0 * a + b) + a * 0.5 + 100.0 * 6.0 + 1000.0 * mx + 10000.0 * my;
        assert_eq!(r.as_f64(), Some(expected));
        assert_eq!(noted.load(Ordering::SeqCst), (a + b) as i64);
    }
    // Read back from memory, a callback is a function like any other.
    // SAFETY: the field holds a callback of its declared type, which the table keeps alive.
    let combine = unsafe { Function::from_pointer(&table.field("combine").unwrap()) }.unwrap();
    assert_eq!(call(&combine, &[4.into(), 2.into()]).as_i64(), Some(42));
    drop(combine);
    drop(table);
    assert_eq!(dropped.load(Ordering::SeqCst), fields.len());
}

#[test]
fn callback_stored_in_a_c_global_and_handed_back() {
    let lib = library();
    let hook_type = CType::function_pointer(int_to_int());
    let dropped = Arc::new(AtomicUsize::new(0));
    {
        let tracker = Tracker(Arc::clone(&dropped));
        let hook = Callback::new(int_to_int(), move |args| {
            let _ = &tracker;
            int_result(int_arg(args, 0) * 7 - 1)
        })
        .unwrap();
        // SAFETY: `int (*g_cb_hook)(int)` in the fixture.
        let global = unsafe { lib.global("g_cb_hook", &hook_type) }.unwrap();
        global.set_callback(&hook).unwrap();
    }
    // C may read its global at any time: the callback is kept for ever.
    assert_eq!(dropped.load(Ordering::SeqCst), 0);
    let call_hook = func(&lib, "cb_call_hook", &[int()], int());
    assert_eq!(call(&call_hook, &[6.into()]).as_i64(), Some(41));
    // The pointer C returns, as a `Function`: from a result, and from the global itself.
    let get_hook = func(&lib, "cb_get_hook", &[], hook_type.clone());
    let code = call(&get_hook, &[]).as_pointer().unwrap();
    let code = std::ptr::NonNull::new(code as *mut c_void).unwrap();
    // SAFETY: the callback stored above, which is never freed.
    let f = unsafe { Function::from_address(code, int_to_int(), "hook") }.unwrap();
    assert_eq!(call(&f, &[(-3).into()]).as_i64(), Some(-22));
    // SAFETY: as above.
    let global = unsafe { lib.global("g_cb_hook", &hook_type) }.unwrap();
    // SAFETY: as above.
    let f = unsafe { Function::from_pointer(&global) }.unwrap();
    assert_eq!(call(&f, &[1.into()]).as_i64(), Some(6));
}

#[test]
fn leaked_callback_lives_for_ever() {
    let lib = library();
    let dropped = Arc::new(AtomicUsize::new(0));
    let tracker = Tracker(Arc::clone(&dropped));
    let code = Callback::new(int_to_int(), move |args| {
        let _ = &tracker;
        int_result(int_arg(args, 0) + 100)
    })
    .unwrap()
    .leak();
    let total = call(
        &cb_sum(&lib),
        &[
            Value::Pointer(code.as_ptr() as usize).into(),
            4.into(),
            Arg::NULL,
            Arg::NULL,
        ],
    );
    assert_eq!(total.as_i64(), Some(406));
    assert_eq!(dropped.load(Ordering::SeqCst), 0);
}

#[test]
fn a_function_made_from_memory_holding_a_callback_keeps_the_callback_alive() {
    let sum4 = sig(&[int(), int(), int(), int()], int());
    let callback = Callback::new(sum4.clone(), |args| {
        let total: i64 = args.iter().map(|a| a.as_i64().unwrap()).sum();
        CValue::Value(Value::Int(total))
    })
    .unwrap();
    let slot = CData::new(&CType::function_pointer(sum4)).unwrap();
    slot.set_callback(&callback).unwrap();
    // SAFETY: the slot holds the callback's code, of the slot's signature.
    let f = unsafe { Function::from_pointer(&slot) }.unwrap();
    drop(slot);
    drop(callback);
    // SAFETY: the function is the callback, which the function keeps alive.
    let r = unsafe { f.call(&[10.into(), 11.into(), 12.into(), 13.into()]) }.unwrap();
    assert_eq!(r.as_i64(), Some(46));
}
