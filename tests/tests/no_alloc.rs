//! Calls of fixed signatures allocate nothing — scalars in registers, records by value in
//! registers and on the stack, arguments on the stack, `long double`, results in registers,
//! `st0` or memory written into an existing object — and neither do calls of callbacks of
//! fixed signatures over scalars, C calling them in a loop: counted with a global allocator that
//! counts, per thread, the allocations of a thread that asked for counting (tests run in
//! parallel, so a count shared by all threads would see the other tests' allocations).

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use ctypes_core::{
    Arg, CData, CType, CValue, CallPath, Callback, Complex, Function, LongDouble, Scalar,
    Signature, Value,
};
use ctypes_tests::fixture::{library, record, sig, t};

struct Counting;

thread_local! {
    static COUNTING: Cell<bool> = const { Cell::new(false) };
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

fn note() {
    // `try_with`: an allocation made while this thread's locals are being torn down is not
    // counted (no test counts then).
    if COUNTING.try_with(Cell::get).unwrap_or(false) {
        let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
    }
}

// SAFETY: every method forwards to the system allocator unchanged; counting has no effect on
// the memory handed out.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note();
        // SAFETY: forwarded with the caller's layout.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note();
        // SAFETY: forwarded with the caller's layout.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note();
        // SAFETY: forwarded; `ptr` was allocated by `System` with `layout`.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded; `ptr` was allocated by `System` with `layout`.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// How many allocations `f` makes on this thread.
fn allocations_in(f: impl FnOnce()) -> usize {
    let before = ALLOCATIONS.with(Cell::get);
    COUNTING.with(|c| c.set(true));
    f();
    COUNTING.with(|c| c.set(false));
    ALLOCATIONS.with(Cell::get) - before
}

/// Calls `f` 1000 times after a warm-up, checking each result; returns the allocations made.
fn allocations_per_1000_calls(f: &Function, args: &[Arg<'_>], check: impl Fn(f64)) -> usize {
    // SAFETY: the signatures below are the fixture's declarations.
    let call = || unsafe { f.call(args) }.expect("call");
    for _ in 0..10 {
        call();
    }
    allocations_in(|| {
        for _ in 0..1000 {
            let r = call();
            check(
                r.as_f64()
                    .or_else(|| r.as_i64().map(|i| i as f64))
                    .expect("a number"),
            );
        }
    })
}

/// The path scalar signatures that fit in registers take on this target.
fn register_path() -> CallPath {
    if cfg!(all(
        target_arch = "x86_64",
        target_pointer_width = "64",
        unix,
        not(target_os = "cygwin")
    )) {
        CallPath::Registers
    } else {
        CallPath::Libffi
    }
}

#[test]
fn the_counter_sees_allocations() {
    let n = allocations_in(|| drop(std::hint::black_box(vec![1u8; 10])));
    assert_eq!(n, 1);
}

#[test]
fn scalar_calls_allocate_nothing() {
    let lib = library();
    let int = t(Scalar::Int);
    let long = t(Scalar::Long);
    let double = t(Scalar::Double);

    let add = lib
        .function("add", sig(&[int.clone(), int.clone()], int.clone()))
        .unwrap();
    assert_eq!(add.call_path(), register_path());
    for add in [add.clone(), add.through_libffi()] {
        let n = allocations_per_1000_calls(&add, &[40.into(), 2.into()], |r| assert_eq!(r, 42.0));
        assert_eq!(n, 0, "int add(int, int), {:?}", add.call_path());
        let n = allocations_in(|| {
            for _ in 0..1000 {
                // SAFETY: `int add(int, int)`.
                let r = unsafe { add.call_value(&[40.into(), 2.into()]) }.unwrap();
                assert_eq!(r, ctypes_core::Value::Int(42));
            }
        });
        assert_eq!(
            n,
            0,
            "int add(int, int) by call_value, {:?}",
            add.call_path()
        );
    }

    let sum6 = lib
        .function("sum6", sig(&vec![long.clone(); 6], long.clone()))
        .unwrap();
    let args: Vec<Arg<'_>> = (1..=6i64).map(Arg::from).collect();
    assert_eq!(sum6.call_path(), register_path());
    for sum6 in [sum6.clone(), sum6.through_libffi()] {
        let n = allocations_per_1000_calls(&sum6, &args, |r| assert_eq!(r, 21.0));
        assert_eq!(n, 0, "long sum6(long × 6), {:?}", sum6.call_path());
    }

    let hypot2 = lib
        .function(
            "hypot2",
            sig(&[double.clone(), double.clone()], double.clone()),
        )
        .unwrap();
    assert_eq!(hypot2.call_path(), register_path());
    for hypot2 in [hypot2.clone(), hypot2.through_libffi()] {
        let n =
            allocations_per_1000_calls(&hypot2, &[3.0.into(), 4.0.into()], |r| assert_eq!(r, 25.0));
        assert_eq!(
            n,
            0,
            "double hypot2(double, double), {:?}",
            hypot2.call_path()
        );
    }

    let f = lib
        .function(
            "many_doubles",
            sig(&vec![double.clone(); 11], double.clone()),
        )
        .unwrap();
    let args: Vec<Arg<'_>> = (0..11).map(|i| Arg::from(f64::from(i))).collect();
    let n = allocations_per_1000_calls(&f, &args, |r| assert_eq!(r, 440.0));
    assert_eq!(n, 0, "double many_doubles(double × 11)");

    // A record argument is read in place: still nothing allocated.
    let d2 = record("D2");
    let p = CData::new(&d2).unwrap();
    p.set("x", 1.5).unwrap();
    p.set("y", 2.0).unwrap();
    let sum = lib.function("D2_sum", sig(&[d2], double)).unwrap();
    let n = allocations_per_1000_calls(&sum, &[(&p).into()], |r| assert_eq!(r, 5.5));
    assert_eq!(n, 0, "double D2_sum(D2)");

    let errno = lib
        .function("fail_with", sig(std::slice::from_ref(&int), int.clone()))
        .unwrap();
    let n = allocations_in(|| {
        for _ in 0..1000 {
            // SAFETY: `int fail_with(int)`.
            let (_, e) = unsafe { errno.call_with_errno(&[7.into()], Some(0)) }.unwrap();
            assert_eq!(e, 7);
        }
    });
    assert_eq!(n, 0, "int fail_with(int) with errno");
}

/// The path signatures off the register call take on this target.
fn engine_path() -> CallPath {
    match register_path() {
        CallPath::Registers => CallPath::Engine,
        path => path,
    }
}

#[test]
fn records_and_stack_arguments_allocate_nothing_on_the_engine() {
    let lib = library();
    let double = t(Scalar::Double);
    let long = t(Scalar::Long);

    // A record in two vector registers, and one back into an existing object.
    let d2 = record("D2");
    let bump = lib
        .function("D2_bump", sig(std::slice::from_ref(&d2), d2.clone()))
        .unwrap();
    assert_eq!(bump.call_path(), engine_path());
    let p = CData::new(&d2).unwrap();
    p.set("x", 1.5).unwrap();
    p.set("y", 2.0).unwrap();
    let out = CData::new(&d2).unwrap();
    let n = allocations_in(|| {
        for _ in 0..1000 {
            // SAFETY: `D2 D2_bump(D2)`; `out` is a D2.
            unsafe { bump.call_into(&[(&p).into()], &out) }.unwrap();
        }
    });
    assert_eq!(n, 0, "D2 D2_bump(D2) into an object");
    assert_eq!(out.get("y").unwrap().as_f64(), Some(4.0));
    // Into a new object: the object each assignment lets go of is kept by the thread and
    // taken back by the next call, so only the first two calls allocate (one allocation each:
    // a small record's bytes live inside its object).
    let mut last = None;
    let n = allocations_in(|| {
        for _ in 0..1000 {
            // SAFETY: `D2 D2_bump(D2)`.
            last = unsafe { bump.call(&[(&p).into()]) }.unwrap().into_data();
        }
    });
    assert_eq!(n, 2, "D2 D2_bump(D2) into a new object");
    // Reading a field by its path allocates nothing either.
    let last = last.unwrap();
    let n = allocations_in(|| {
        for _ in 0..1000 {
            assert_eq!(last.get("y").unwrap().as_f64(), Some(4.0));
        }
    });
    assert_eq!(n, 0, "a field read by its path");
    let n = allocations_in(|| {
        for i in 0..1000 {
            last.set("x", f64::from(i)).unwrap();
        }
    });
    assert_eq!(n, 0, "a field written by its path");
    assert_eq!(last.get("x").unwrap().as_f64(), Some(999.0));

    // A 24-byte record: passed on the stack and returned through a hidden pointer.
    let s24 = record("S24");
    let bump = lib
        .function("S24_bump", sig(std::slice::from_ref(&s24), s24.clone()))
        .unwrap();
    assert_eq!(bump.call_path(), engine_path());
    let s = CData::new(&s24).unwrap();
    s.set("z", 0.5).unwrap();
    let out = CData::new(&s24).unwrap();
    let n = allocations_in(|| {
        for _ in 0..1000 {
            // SAFETY: `S24 S24_bump(S24)`; `out` is an S24.
            unsafe { bump.call_into(&[(&s).into()], &out) }.unwrap();
        }
    });
    assert_eq!(n, 0, "S24 S24_bump(S24) into an object");
    assert_eq!(out.get("z").unwrap().as_f64(), Some(3.5));

    // Seven doubles, then a record of four floats that no longer fits the vector registers
    // (on the stack), then a double that still does.
    let f4 = record("F4");
    let mut args = vec![double.clone(); 7];
    args.push(f4.clone());
    args.push(double.clone());
    let spill = lib
        .function("records_spill_sse", sig(&args, double.clone()))
        .unwrap();
    assert_eq!(spill.call_path(), engine_path());
    let f = CData::new(&f4).unwrap();
    f.set("a", 1.0f32).unwrap();
    let mut call_args: Vec<Arg<'_>> = (0..7).map(|_| Arg::from(0.0)).collect();
    call_args.push((&f).into());
    call_args.push(1.0.into());
    let n = allocations_per_1000_calls(&spill, &call_args, |r| assert_eq!(r, 1010.0));
    assert_eq!(n, 0, "records_spill_sse");

    // Six longs fill the general registers: the record and the last long go on the stack.
    let mifd = record("MIFD");
    let mut args = vec![long.clone(); 6];
    args.push(mifd.clone());
    args.push(long.clone());
    let spill = lib
        .function("records_spill_int6", sig(&args, double.clone()))
        .unwrap();
    let m = CData::new(&mifd).unwrap();
    m.set("d", 1.0).unwrap();
    let mut call_args: Vec<Arg<'_>> = (0..6).map(|_| Arg::from(0i64)).collect();
    call_args.push((&m).into());
    call_args.push(1i64.into());
    let n = allocations_in(|| {
        for _ in 0..1000 {
            // SAFETY: the fixture's declaration.
            let (r, _) = unsafe { spill.call_with_errno(&call_args, Some(0)) }.unwrap();
            assert_eq!(r.as_f64(), Some(1030.0));
        }
    });
    assert_eq!(n, 0, "records_spill_int6 with errno");

    // `long double` arguments on the stack, the result in `st0`.
    let ld = t(Scalar::LongDouble);
    let mul = lib
        .function("ld_mul", sig(&[ld.clone(), ld.clone()], ld))
        .unwrap();
    assert_eq!(mul.call_path(), engine_path());
    let (a, b) = (LongDouble::from_f64(1.5), LongDouble::from_f64(-4.0));
    let n = allocations_in(|| {
        for _ in 0..1000 {
            let args = [Value::LongDouble(a).into(), Value::LongDouble(b).into()];
            // SAFETY: `long double ld_mul(long double, long double)`.
            let r = unsafe { mul.call_value(&args) }.unwrap();
            assert_eq!(r.as_f64(), Some(-6.0));
        }
    });
    assert_eq!(n, 0, "long double ld_mul(long double, long double)");

    // Complex values: in vector registers, on the stack, results in xmm0/xmm1 and st0/st1.
    for s in [
        Scalar::FloatComplex,
        Scalar::DoubleComplex,
        Scalar::LongDoubleComplex,
    ] {
        let name = match s {
            Scalar::FloatComplex => "cplx_f_mul",
            Scalar::DoubleComplex => "cplx_d_mul",
            _ => "cplx_ld_mul",
        };
        let mul = lib.function(name, sig(&[t(s), t(s)], t(s))).unwrap();
        assert_eq!(mul.call_path(), engine_path());
        let z = |re: f64, im: f64| {
            let data = CData::new(&t(s)).unwrap();
            data.set_value(Value::DoubleComplex(Complex::new(re, im)))
                .unwrap();
            data.value().unwrap()
        };
        let (a, b) = (z(1.5, -2.0), z(3.0, 0.5));
        let n = allocations_in(|| {
            for _ in 0..1000 {
                // SAFETY: `T name(T, T)` for the complex type `T`.
                let r = unsafe { mul.call_value(&[a.into(), b.into()]) }.unwrap();
                assert_eq!(r.as_complex(), Some(Complex::new(5.5, -5.25)));
            }
        });
        assert_eq!(n, 0, "{name}");
    }
}

ctypes_core::c_library! {
    #[library("ctypes_fixture")]
    struct LongDoubles {
        fn ld_mul(a: ctypes_core::c_longdouble, b: ctypes_core::c_longdouble) -> ctypes_core::c_longdouble;
    }
}

#[test]
fn typed_long_double_calls_allocate_nothing() {
    // SAFETY: the fixture has no initialisers; the declaration is `fixture.c`'s.
    let lib = unsafe { LongDoubles::load_from(&[env!("CTYPES_FIXTURE")]) }.unwrap();
    let (a, b) = (LongDouble::from_f64(1.5), LongDouble::from_f64(-4.0));
    // SAFETY: `ld_mul` multiplies.
    let call = || unsafe { lib.ld_mul(a, b) };
    assert_eq!(call(), LongDouble::from_f64(-6.0));
    let n = allocations_in(|| {
        for _ in 0..1000 {
            assert_eq!(call().to_f64(), -6.0);
        }
    });
    assert_eq!(n, 0, "c_library! ld_mul");
}

#[test]
fn callbacks_over_scalars_allocate_nothing() {
    let lib = library();
    let int = t(Scalar::Int);
    let dynamic = Callback::new(
        Signature::new(vec![int.clone()], int.clone()),
        |args| match args[0] {
            CValue::Value(Value::Int(n)) => CValue::Value(Value::Int(2 * n)),
            _ => CValue::Void,
        },
    )
    .unwrap();
    let typed = Callback::from_fn(|n: i32| 2 * n).unwrap();
    let cb_sum = lib
        .function(
            "cb_sum",
            Signature::new(
                vec![
                    // Either callback: one is `int (*)(int)`, the other `int32_t (*)(int32_t)`.
                    CType::void_ptr(),
                    int.clone(),
                    CType::void_ptr(),
                    CType::void_ptr(),
                ],
                t(Scalar::LongLong),
            ),
        )
        .unwrap();
    for callback in [&dynamic, &typed] {
        let args: [Arg<'_>; 4] = [callback.into(), 1000.into(), Arg::NULL, Arg::NULL];
        // SAFETY: `long long cb_sum(int (*)(int), int, int *, int *)`, with NULL for both
        // optional pointers, and a callback taking and returning an int.
        let call = || unsafe { cb_sum.call(&args) }.unwrap();
        // The first invocation on a thread takes the thread's record of running callbacks.
        call();
        // 1000 calls of the callback, each from C.
        let n = allocations_in(|| assert_eq!(call().as_i64(), Some(999_000)));
        assert_eq!(n, 0, "{callback:?}");
    }

    // A record by value (24 bytes, in memory): the object the closure receives it in is filled
    // again for each call once the closure has let go of it.
    let s24 = record("S24");
    let double = t(Scalar::Double);
    let weighted = Callback::new(Signature::new(vec![s24.clone()], double.clone()), |args| {
        match &args[0] {
            // `z` read in place: a field's view (`get("z")`, `field_at(2)`) allocates.
            CValue::Data(data) => {
                let at = data.addressof().unwrap().cast::<f64>();
                // SAFETY: an S24 object, `{ double x, y, z; }`: `z` is its third double.
                CValue::Value(Value::Double(unsafe { at.add(2).read() }))
            }
            _ => CValue::Void,
        }
    })
    .unwrap();
    let cb_sum_s24 = lib
        .function(
            "cb_sum_S24",
            Signature::new(
                vec![
                    weighted.function_pointer_type(),
                    s24.clone(),
                    double.pointer(),
                ],
                double,
            ),
        )
        .unwrap();
    let s = CData::new(&s24).unwrap();
    s.set("z", 2.5).unwrap();
    let args: [Arg<'_>; 3] = [(&weighted).into(), (&s).into(), Arg::NULL];
    // SAFETY: `double cb_sum_S24(double (*)(S24), S24, double *)`, NULL for the last.
    let call = || unsafe { cb_sum_s24.call(&args) }.unwrap();
    call();
    let n = allocations_in(|| {
        for _ in 0..1000 {
            assert_eq!(call().as_f64(), Some(2.5));
        }
    });
    assert_eq!(n, 0, "double (*)(S24)");
}
