//! errno, and what is refused

use super::function_pointers::{vtable_callbacks, vtable_type};
use super::*;

#[test]
fn callback_sets_errno_for_its_c_caller() {
    let lib = library();
    let set = Callback::new(sig(&[int()], CType::void()), |args| {
        ctypes_core::set_errno(int_arg(args, 0) as i32);
        CValue::Void
    })
    .unwrap();
    let f = func(
        &lib,
        "cb_errno",
        &[set.function_pointer_type(), int()],
        int(),
    );
    for errno in [libc_enoent(), 34, 1234] {
        let r = call(&f, &[(&set).into(), errno.into()]);
        assert_eq!(r.as_i64(), Some(i64::from(errno)));
    }
}

fn libc_enoent() -> i32 {
    std::io::Error::from(std::io::ErrorKind::NotFound)
        .raw_os_error()
        .unwrap_or(2)
}

#[test]
fn variadic_callback_is_refused() {
    let err =
        Callback::new(Signature::variadic(vec![int()], int()), |_| int_result(0)).unwrap_err();
    assert!(matches!(err, Error::Signature { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        "cannot call `callback`: a callback cannot be variadic"
    );
}

#[test]
fn callback_of_another_signature_is_refused_as_an_argument() {
    let lib = library();
    let double = t(Scalar::Double);
    let halve = Callback::new(sig(std::slice::from_ref(&double), double.clone()), |args| {
        CValue::Value(Value::Double(args[0].as_f64().unwrap() / 2.0))
    })
    .unwrap();
    // SAFETY: refused before anything is called.
    let err = unsafe { cb_sum(&lib).call(&[(&halve).into(), 1.into(), Arg::NULL, Arg::NULL]) }
        .unwrap_err();
    assert!(matches!(err, Error::Argument { index: 0, .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        "`cb_sum` argument 1: expected `int (*)(int)`, found a callback of type \
         `double (*)(double)`"
    );
    // Nor for a parameter that is not a pointer.
    let f = func(&lib, "cb_call_hook", &[int()], int());
    // SAFETY: refused before anything is called.
    let err = unsafe { f.call(&[(&halve).into()]) }.unwrap_err();
    assert!(matches!(err, Error::Argument { index: 0, .. }), "{err:?}");
}

#[test]
fn callback_that_drops_the_last_reference_to_itself() {
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
    let table = Rc::new(std::cell::RefCell::new(Some(CData::new(&ty).unwrap())));
    let address = {
        let callbacks = vtable_callbacks(&dropped, &noted);
        let held = table.borrow();
        let held = held.as_ref().unwrap();
        for (i, field) in ["combine", "scale", "name", "mid"].iter().enumerate() {
            held.field(field)
                .unwrap()
                .set_callback(&callbacks[i])
                .unwrap();
        }
        // `note`, called last, drops the table: the only thing keeping the callbacks, itself
        // included, alive.
        let owner = Rc::clone(&table);
        let tracker = Tracker(Arc::clone(&dropped));
        let note = Callback::new_local(sig(&[int()], CType::void()), move |_| {
            let _ = &tracker;
            owner.borrow_mut().take();
            CValue::Void
        })
        .unwrap();
        held.field("note").unwrap().set_callback(&note).unwrap();
        held.addressof().unwrap() as usize
    };
    // The table's memory must outlive the call: C reads it until `note` returns. Borrow it by
    // address, as C code holding a pointer would.
    let r = call(
        &drive,
        &[Value::Pointer(address).into(), 1.into(), 2.into()],
    );
    assert!(r.as_f64().is_some());
    assert!(table.borrow().is_none());
    assert_eq!(dropped.load(Ordering::SeqCst), 6);
}

#[test]
fn a_failure_belongs_to_its_own_call_not_to_a_nested_one() {
    let lib = library();
    let sum = cb_sum(&lib);
    let abs = Library::this()
        .function("abs", int_to_int())
        .expect("abs is in libc");
    let nested_result = Arc::new(Mutex::new(None));
    let f = {
        let nested_result = Arc::clone(&nested_result);
        Callback::new(int_to_int(), move |args| {
            if int_arg(args, 0) == 0 {
                panic!("first");
            }
            // A nested call made after the first callback failed: it must succeed, leaving
            // the failure to the call it belongs to.
            // SAFETY: `int abs(int)`.
            let r = unsafe { abs.call(&[(-5).into()]) };
            *nested_result.lock().unwrap() = Some(r.map(|v| v.as_i64()).map_err(|e| e.to_string()));
            int_result(1)
        })
        .unwrap()
    };
    let payload = catch_unwind(AssertUnwindSafe(|| {
        call(&sum, &[(&f).into(), 2.into(), Arg::NULL, Arg::NULL])
    }))
    .expect_err("the outer call re-raises the first failure");
    assert_eq!(payload.downcast_ref::<&str>(), Some(&"first"));
    assert_eq!(*nested_result.lock().unwrap(), Some(Ok(Some(5))));
}

#[test]
fn a_record_returned_to_c_keeps_what_its_pointers_point_to() {
    let lib = library();
    let sp = CType::struct_builder("SP")
        .field("p", CType::char_ptr())
        .build()
        .unwrap();
    let f = {
        let sp = sp.clone();
        Callback::new(sig(&[], sp.clone()), move |_| {
            let text = CData::string_buffer(b"twelve chars").unwrap();
            let record = CData::new(&sp).unwrap();
            // The closure's own objects go out of scope when it returns; C reads the string
            // afterwards (valgrind checks that the memory is still there).
            record
                .field("p")
                .unwrap()
                .cast(&CType::void_ptr())
                .unwrap()
                .set_pointer(&text)
                .unwrap();
            CValue::Data(record)
        })
        .unwrap()
    };
    let strlen_of = func(
        &lib,
        "cb_strlen_of",
        &[CType::function_pointer(sig(&[], sp))],
        t(Scalar::SizeT),
    );
    assert_eq!(call(&strlen_of, &[(&f).into()]).as_u64(), Some(12));
}

/// `cb_sum(f, 1, NULL, NULL)`: C calls `f(0)` once; `f` passed as a plain address, so the call
/// keeps no handle to its callback.
fn call_once(sum: &Function, code: std::ptr::NonNull<c_void>) -> i64 {
    let null = || Arg::Value(Value::Pointer(0));
    let address = Arg::Value(Value::Pointer(code.as_ptr() as usize));
    call(sum, &[address, 1.into(), null(), null()])
        .as_i64()
        .expect("a long long")
}

#[test]
fn a_callback_dropped_during_its_own_call_is_freed_when_the_call_returns() {
    let sum = cb_sum(&library());
    let dropped = Arc::new(AtomicUsize::new(0));
    let seen_inside = Rc::new(Cell::new(usize::MAX));
    // The slot holds the only handle; the closure empties it, then keeps using its captures.
    let slot: Rc<std::cell::RefCell<Option<Callback>>> = Rc::default();
    let callback = {
        let slot = Rc::clone(&slot);
        let tracker = Tracker(Arc::clone(&dropped));
        let seen_inside = Rc::clone(&seen_inside);
        Callback::new_local(int_to_int(), move |args| {
            drop(slot.borrow_mut().take());
            seen_inside.set(tracker.0.load(Ordering::SeqCst));
            int_result(int_arg(args, 0) + 41)
        })
        .unwrap()
    };
    let code = callback.code();
    *slot.borrow_mut() = Some(callback);
    assert_eq!(call_once(&sum, code), 41);
    assert_eq!(seen_inside.get(), 0, "freed under its own call");
    assert_eq!(
        dropped.load(Ordering::SeqCst),
        1,
        "freed once its call returned"
    );
}

#[test]
fn a_callback_dropped_during_another_ones_call_is_freed_at_once() {
    let sum = cb_sum(&library());
    let dropped = Arc::new(AtomicUsize::new(0));
    let other = {
        let tracker = Tracker(Arc::clone(&dropped));
        Callback::new(int_to_int(), move |_| {
            let _ = &tracker;
            int_result(0)
        })
        .unwrap()
    };
    let holder = Rc::new(std::cell::RefCell::new(Some(other)));
    let seen_inside = Rc::new(Cell::new(usize::MAX));
    let callback = {
        let holder = Rc::clone(&holder);
        let dropped = Arc::clone(&dropped);
        let seen_inside = Rc::clone(&seen_inside);
        Callback::new_local(int_to_int(), move |_| {
            drop(holder.borrow_mut().take());
            seen_inside.set(dropped.load(Ordering::SeqCst));
            int_result(7)
        })
        .unwrap()
    };
    assert_eq!(call_once(&sum, callback.code()), 7);
    assert_eq!(
        seen_inside.get(),
        1,
        "a callback not running is freed when dropped"
    );
    assert!(holder.borrow().is_none());
}

#[test]
fn a_callback_dropped_by_a_nested_callback_lives_until_its_own_call_returns() {
    let lib = library();
    let sum = cb_sum(&lib);
    let dropped = Arc::new(AtomicUsize::new(0));
    let seen_in_inner = Rc::new(Cell::new(usize::MAX));
    let seen_after_inner = Rc::new(Cell::new(usize::MAX));
    // `outer` is held only by `slot`; while it runs, it has C call `inner`, which empties the
    // slot. `outer` must outlive `inner`'s call and its own remaining code.
    let slot: Rc<std::cell::RefCell<Option<Callback>>> = Rc::default();
    let inner = {
        let slot = Rc::clone(&slot);
        let dropped = Arc::clone(&dropped);
        let seen_in_inner = Rc::clone(&seen_in_inner);
        Callback::new_local(int_to_int(), move |_| {
            drop(slot.borrow_mut().take());
            seen_in_inner.set(dropped.load(Ordering::SeqCst));
            int_result(5)
        })
        .unwrap()
    };
    let outer = {
        let tracker = Tracker(Arc::clone(&dropped));
        let seen_after_inner = Rc::clone(&seen_after_inner);
        let nested = cb_sum(&lib);
        Callback::new_local(int_to_int(), move |_| {
            let from_inner = call_once(&nested, inner.code());
            seen_after_inner.set(tracker.0.load(Ordering::SeqCst));
            int_result(from_inner + 1)
        })
        .unwrap()
    };
    let code = outer.code();
    *slot.borrow_mut() = Some(outer);
    assert_eq!(call_once(&sum, code), 6);
    assert_eq!(
        seen_in_inner.get(),
        0,
        "freed under its own call, by a nested one"
    );
    assert_eq!(
        seen_after_inner.get(),
        0,
        "freed when the nested call returned"
    );
    assert_eq!(
        dropped.load(Ordering::SeqCst),
        1,
        "freed once its call returned"
    );
}

/// `cb_sum(f, n, results, NULL)` with `f` as a plain address: C's total, and each result C got.
fn sum_through(sum: &Function, code: std::ptr::NonNull<c_void>, n: usize) -> (i64, Vec<i64>) {
    let results = CData::new(&int().array(n).unwrap()).unwrap();
    let address = Arg::Value(Value::Pointer(code.as_ptr() as usize));
    let total = call(
        sum,
        &[
            address,
            (n as i32).into(),
            (&results).into(),
            Arg::Value(Value::Pointer(0)),
        ],
    );
    let each = (0..n)
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
    (total.as_i64().expect("a long long"), each)
}

#[test]
fn typed_callback_called_from_c() {
    let sum = cb_sum(&library());
    let f = Callback::from_fn(|x: i32| x * x - 3).unwrap();
    assert_eq!(f.signature(), &sig(&[t(Scalar::Int32)], t(Scalar::Int32)));
    let (total, each) = sum_through(&sum, f.code(), 6);
    let expected: Vec<i64> = (0..6).map(|x| x * x - 3).collect();
    assert_eq!(each, expected);
    assert_eq!(total, expected.iter().sum::<i64>());
}

#[test]
fn typed_callback_narrow_result_is_widened_as_c_expects() {
    let lib = library();
    let uchar = func(
        &lib,
        "cb_uchar",
        &[
            CType::function_pointer(sig(&[int()], t(Scalar::UChar))),
            int(),
            int().pointer(),
        ],
        int(),
    );
    let f = Callback::from_fn(|x: i32| (x as u8).wrapping_add(100)).unwrap();
    let address = Arg::Value(Value::Pointer(f.code().as_ptr() as usize));
    let seen = CData::new(&int()).unwrap();
    let r = call(&uchar, &[address, 200.into(), (&seen).into()]);
    assert_eq!(r.as_i64(), Some(44));
    assert_eq!(seen.value().unwrap().as_i64(), Some(44));
}

#[test]
fn typed_callback_of_pointers_and_floats() {
    let f = Callback::from_fn(|p: *const f64, scale: f32, n: u16, bias: i8| -> f64 {
        // SAFETY: the caller below passes a pointer to a live double.
        let x = unsafe { *p };
        x * f64::from(scale) + f64::from(n) + f64::from(bias)
    })
    .unwrap();
    assert_eq!(
        f.signature(),
        &sig(
            &[
                t(Scalar::Double).pointer(),
                t(Scalar::Float),
                t(Scalar::UInt16),
                t(Scalar::Int8),
            ],
            t(Scalar::Double)
        )
    );
    type Fn4 = extern "C" fn(*const f64, f32, u16, i8) -> f64;
    // SAFETY: the callback's code is a C function of exactly this signature.
    let code: Fn4 = unsafe { std::mem::transmute(f.code()) };
    let x = 2.5f64;
    assert_eq!(code(&x, 4.0, 65535, -128), 2.5 * 4.0 + 65535.0 - 128.0);
    let g = Callback::from_fn(|p: *mut c_void| p.cast::<u8>().wrapping_add(1)).unwrap();
    // SAFETY: as above.
    let code: extern "C" fn(*mut c_void) -> *mut u8 = unsafe { std::mem::transmute(g.code()) };
    assert_eq!(
        code(std::ptr::null_mut::<c_void>().wrapping_byte_add(41)) as usize,
        42
    );
}

#[test]
fn typed_callback_with_arguments_on_the_stack() {
    // Eight integers: the last two after the six general registers, on the stack.
    let f = Callback::from_fn(
        |a: i64, b: i32, c: i8, d: u16, e: i64, g: u32, h: i16, i: u64| -> i64 {
            a + 2 * i64::from(b)
                + 3 * i64::from(c)
                + 5 * i64::from(d)
                + 7 * e
                + 11 * i64::from(g)
                + 13 * i64::from(h)
                + 17 * i as i64
        },
    )
    .unwrap();
    type Ints = extern "C" fn(i64, i32, i8, u16, i64, u32, i16, u64) -> i64;
    // SAFETY: the callback's code is a C function of exactly this signature.
    let code: Ints = unsafe { std::mem::transmute(f.code()) };
    assert_eq!(
        code(1, -2, -3, 4, 5, 6, -7, 8),
        1 - 4 - 9 + 20 + 35 + 66 - 91 + 136
    );
    // Seven integers and a float among them: the float in `xmm0`, the seventh integer on the
    // stack.
    let g = Callback::from_fn(
        |a: i32, x: f32, b: i32, c: i32, d: i32, e: i32, h: i32, i: i32| -> f64 {
            f64::from(a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * h + 7 * i) + f64::from(x)
        },
    )
    .unwrap();
    type Mixed = extern "C" fn(i32, f32, i32, i32, i32, i32, i32, i32) -> f64;
    // SAFETY: as above.
    let code: Mixed = unsafe { std::mem::transmute(g.code()) };
    assert_eq!(
        code(1, 0.5, 1, 1, 1, 1, 1, 100),
        1.0 + 2.0 + 3.0 + 4.0 + 5.0 + 6.0 + 700.0 + 0.5
    );
}

#[test]
fn typed_callback_panic_is_re_raised_by_the_call() {
    let sum = cb_sum(&library());
    let f = Callback::from_fn(|x: i32| {
        if x == 2 {
            panic!("typed callback saw {x}");
        }
        x + 10
    })
    .unwrap();
    let payload = catch_unwind(AssertUnwindSafe(|| sum_through(&sum, f.code(), 4)))
        .expect_err("the callback's panic is re-raised");
    assert_eq!(
        payload.downcast_ref::<String>().map(String::as_str),
        Some("typed callback saw 2")
    );
    // A call without the failing argument still works.
    assert_eq!(sum_through(&sum, f.code(), 2).0, 21);
}

/// Calls `cb_sum(f, n, NULL, NULL)` through `f`'s bare address, as C holding only the pointer
/// would: nothing but the closure's own slot keeps the callback.
fn cb_sum_at(lib: &Library, code: *mut c_void, n: i32) -> i64 {
    let sum = func(
        lib,
        "cb_sum",
        &[
            CType::void_ptr(),
            int(),
            CType::void_ptr(),
            CType::void_ptr(),
        ],
        t(Scalar::LongLong),
    );
    let args = [
        Value::Pointer(code as usize).into(),
        n.into(),
        Arg::NULL,
        Arg::NULL,
    ];
    call(&sum, &args).as_i64().expect("long long")
}

/// The closure hands the last handle to its own callback to another thread, which drops it
/// while the invocation still runs here: the callback is freed only when the invocation
/// returns (without that, the closure's captured state is read after it was freed: a crash,
/// or an error under valgrind).
#[test]
fn last_handle_dropped_on_another_thread_during_its_own_invocation() {
    let lib = library();
    let freed = Arc::new(AtomicUsize::new(0));
    let slot: Arc<Mutex<Option<Callback>>> = Arc::new(Mutex::new(None));
    let tracker = Tracker(Arc::clone(&freed));
    let captured: Vec<i64> = (1..=64).collect();
    let callback = {
        let slot = Arc::clone(&slot);
        let freed = Arc::clone(&freed);
        Callback::new(int_to_int(), move |args| {
            let _keep = &tracker;
            let handle = slot.lock().unwrap().take();
            std::thread::spawn(move || drop(handle)).join().unwrap();
            // Still here: the other thread's drop did not free this callback.
            assert_eq!(freed.load(Ordering::SeqCst), 0);
            int_result(int_arg(args, 0) + captured.iter().sum::<i64>())
        })
        .unwrap()
    };
    let code = callback.code().as_ptr();
    *slot.lock().unwrap() = Some(callback);
    // cb_sum calls f(0) once; the closure adds 1 + 2 + … + 64.
    assert_eq!(cb_sum_at(&lib, code, 1), 2080);
    assert_eq!(
        freed.load(Ordering::SeqCst),
        1,
        "freed when the invocation returned"
    );
}

/// The same with a typed callback, whose closure reads C's registers directly.
#[test]
fn typed_callback_dropped_on_another_thread_during_its_own_invocation() {
    let lib = library();
    let freed = Arc::new(AtomicUsize::new(0));
    let slot: Arc<Mutex<Option<Callback>>> = Arc::new(Mutex::new(None));
    let tracker = Tracker(Arc::clone(&freed));
    let captured: Vec<i32> = (1..=64).collect();
    let callback = {
        let slot = Arc::clone(&slot);
        let freed = Arc::clone(&freed);
        Callback::from_fn(move |x: i32| -> i32 {
            let _keep = &tracker;
            let handle = slot.lock().unwrap().take();
            std::thread::spawn(move || drop(handle)).join().unwrap();
            assert_eq!(freed.load(Ordering::SeqCst), 0);
            x + captured.iter().sum::<i32>()
        })
        .unwrap()
    };
    let code = callback.code().as_ptr();
    *slot.lock().unwrap() = Some(callback);
    assert_eq!(cb_sum_at(&lib, code, 1), 2080);
    assert_eq!(freed.load(Ordering::SeqCst), 1);
}

/// A closure that drops its own last handle and then panics: C gets a zeroed result, the panic
/// comes back, and the callback is freed once the invocation has ended.
#[test]
fn a_callback_that_drops_itself_and_then_panics() {
    let lib = library();
    let freed = Arc::new(AtomicUsize::new(0));
    let slot: Arc<Mutex<Option<Callback>>> = Arc::new(Mutex::new(None));
    let tracker = Tracker(Arc::clone(&freed));
    let callback = {
        let slot = Arc::clone(&slot);
        Callback::new(int_to_int(), move |_| {
            let _keep = &tracker;
            drop(slot.lock().unwrap().take());
            panic!("after dropping itself");
        })
        .unwrap()
    };
    let code = callback.code().as_ptr();
    *slot.lock().unwrap() = Some(callback);
    let outcome = catch_unwind(AssertUnwindSafe(|| cb_sum_at(&lib, code, 1)));
    let payload = outcome.expect_err("the panic is re-raised");
    assert_eq!(
        payload.downcast_ref::<&str>(),
        Some(&"after dropping itself")
    );
    assert_eq!(freed.load(Ordering::SeqCst), 1);
}
