//! Callbacks: Rust closures that C calls through function pointers — `qsort`, loops, records
//! and unions by value both ways, threads C creates, tables of function pointers, panics,
//! results that do not fit, errno — each result checked against what C computed or an
//! independent computation in Rust.

mod fixture;

use std::cell::Cell;
use std::ffi::c_void;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU32, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use ctypes_core::{
    Arg, CData, CType, CValue, Callback, Error, Function, Library, Scalar, Signature, Value,
};
use fixture::{as_f64, leaves, leaves_at, library, plus, record, sample, sig, t, Leaf};

/// Calls `f` with `args`, which must succeed.
fn call(f: &Function, args: &[Arg<'_>]) -> CValue {
    // SAFETY: every signature in these tests is the C declaration of the function, and every
    // callback passed has the function-pointer type C expects.
    unsafe { f.call(args) }.unwrap_or_else(|e| panic!("calling `{}`: {e}", f.name()))
}

fn func(lib: &Library, name: &str, args: &[CType], result: CType) -> Function {
    lib.function(name, sig(args, result))
        .unwrap_or_else(|e| panic!("making `{name}`: {e}"))
}

fn int() -> CType {
    t(Scalar::Int)
}

/// `int (*)(int)`'s signature.
fn int_to_int() -> Signature {
    sig(&[int()], int())
}

fn int_arg(args: &[CValue], index: usize) -> i64 {
    args[index].as_i64().expect("an integer argument")
}

fn int_result(v: i64) -> CValue {
    CValue::Value(Value::Int(v))
}

/// `long long cb_sum(int (*f)(int), int n, int *results, int *done)`.
fn cb_sum(lib: &Library) -> Function {
    func(
        lib,
        "cb_sum",
        &[
            CType::function_pointer(int_to_int()),
            int(),
            int().pointer(),
            int().pointer(),
        ],
        t(Scalar::LongLong),
    )
}

/// Counts its drops: captured by a closure, it tells when the callback was freed.
struct Tracker(Arc<AtomicUsize>);

impl Drop for Tracker {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

/// Deterministic pseudo-random integers in `-range..range`, with repeats.
fn numbers(count: usize, range: i64) -> Vec<i64> {
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    (0..count)
        .map(|_| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            ((state >> 33) as i64) % range
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// qsort

fn qsort(compare: &Callback) -> Function {
    let size = t(Scalar::SizeT);
    func(
        &Library::this(),
        "qsort",
        &[
            CType::void_ptr(),
            size.clone(),
            size,
            compare.function_pointer_type(),
        ],
        CType::void(),
    )
}

#[test]
fn qsort_ints_with_a_rust_comparator() {
    let compared = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&compared);
    let compare = Callback::new(
        sig(&[CType::void_ptr(), CType::void_ptr()], int()),
        move |args| {
            counter.fetch_add(1, Ordering::Relaxed);
            let [a, b] = [&args[0], &args[1]].map(|p| {
                let p = p.as_pointer().expect("a pointer") as *const i32;
                // SAFETY: qsort passes pointers to elements of the int array below.
                unsafe { p.read() }
            });
            int_result(a.cmp(&b) as i64)
        },
    )
    .unwrap();
    let input = numbers(301, 1000);
    let array = CData::new(&int().array(input.len()).unwrap()).unwrap();
    for (i, &n) in input.iter().enumerate() {
        array.element(i).unwrap().set_value(n).unwrap();
    }
    call(
        &qsort(&compare),
        &[
            (&array).into(),
            input.len().into(),
            4usize.into(),
            (&compare).into(),
        ],
    );
    let sorted: Vec<i64> = (0..input.len())
        .map(|i| array.element(i).unwrap().value().unwrap().as_i64().unwrap())
        .collect();
    let mut expected = input;
    expected.sort_unstable();
    assert_eq!(sorted, expected);
    assert!(compared.load(Ordering::Relaxed) >= expected.len() - 1);
}

#[test]
fn qsort_structs_by_key_then_weight() {
    let item = CType::struct_builder("Item")
        .field("key", int())
        .field("weight", t(Scalar::Double))
        .build()
        .unwrap();
    let view_type = item.clone();
    let compare = Callback::new(
        sig(&[CType::void_ptr(), CType::void_ptr()], int()),
        move |args| {
            let [a, b] = [&args[0], &args[1]].map(|p| {
                let p = p.as_pointer().expect("a pointer") as *mut c_void;
                // SAFETY: qsort passes pointers to elements of the `Item` array below, valid
                // while the comparator runs.
                let view = unsafe { CData::from_address(&view_type, p) }.unwrap();
                let key = view.get("key").unwrap().as_i64().unwrap();
                let weight = view.get("weight").unwrap().as_f64().unwrap();
                (key, weight)
            });
            // Keys ascending, then weights descending.
            let order = a.0.cmp(&b.0).then(b.1.total_cmp(&a.1));
            int_result(order as i64)
        },
    )
    .unwrap();
    let keys = numbers(97, 10);
    let input: Vec<(i64, f64)> = keys
        .iter()
        .enumerate()
        .map(|(i, &k)| (k, (i as f64) * 0.75 - 20.0))
        .collect();
    let array = CData::new(&item.array(input.len()).unwrap()).unwrap();
    for (i, (key, weight)) in input.iter().enumerate() {
        array.set(&format!("[{i}].key"), *key).unwrap();
        array.set(&format!("[{i}].weight"), *weight).unwrap();
    }
    call(
        &qsort(&compare),
        &[
            (&array).into(),
            input.len().into(),
            item.size().unwrap().into(),
            (&compare).into(),
        ],
    );
    let sorted: Vec<(i64, f64)> = (0..input.len())
        .map(|i| {
            let key = array.get(&format!("[{i}].key")).unwrap().as_i64().unwrap();
            let weight = array.get(&format!("[{i}].weight")).unwrap();
            (key, weight.as_f64().unwrap())
        })
        .collect();
    let mut expected = input;
    expected.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)));
    assert_eq!(sorted, expected);
}

// ---------------------------------------------------------------------------------------------
// A loop in C

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

// ---------------------------------------------------------------------------------------------
// Records and unions by value

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

// ---------------------------------------------------------------------------------------------
// Threads C creates

#[test]
fn threads_c_creates_call_a_shared_callback_concurrently() {
    let lib = library();
    let (k, m) = (8usize, 500usize);
    let hits: Arc<Vec<AtomicU32>> = Arc::new((0..k * m).map(|_| AtomicU32::new(0)).collect());
    let calls = Arc::new(AtomicUsize::new(0));
    let on_test_thread = Arc::new(AtomicBool::new(false));
    let test_thread = std::thread::current().id();
    let callback = {
        let (hits, calls, on_test_thread) = (
            Arc::clone(&hits),
            Arc::clone(&calls),
            Arc::clone(&on_test_thread),
        );
        Callback::new(int_to_int(), move |args| {
            let x = int_arg(args, 0);
            hits[x as usize].fetch_add(1, Ordering::Relaxed);
            calls.fetch_add(1, Ordering::Relaxed);
            if std::thread::current().id() == test_thread {
                on_test_thread.store(true, Ordering::Relaxed);
            }
            int_result(3 * x + 1)
        })
        .unwrap()
    };
    let f = func(
        &lib,
        "cb_threads",
        &[callback.function_pointer_type(), int(), int()],
        t(Scalar::LongLong),
    );
    let total = call(
        &f,
        &[(&callback).into(), (k as i32).into(), (m as i32).into()],
    );
    let n = (k * m) as i64;
    assert_eq!(total.as_i64(), Some(3 * n * (n - 1) / 2 + n));
    assert_eq!(calls.load(Ordering::SeqCst), k * m);
    let counts: Vec<u32> = hits.iter().map(|h| h.load(Ordering::SeqCst)).collect();
    assert!(counts.iter().all(|&c| c == 1), "{counts:?}");
    assert!(!on_test_thread.load(Ordering::SeqCst));
}

// ---------------------------------------------------------------------------------------------
// Function pointers in memory

fn vtable_type() -> CType {
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
fn vtable_callbacks(dropped: &Arc<AtomicUsize>, noted: &Arc<AtomicI64>) -> Vec<Callback> {
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

// ---------------------------------------------------------------------------------------------
// Failures

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

// ---------------------------------------------------------------------------------------------
// errno, and what is refused

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
        "`cb_sum` argument 0: expected `int (*)(int)`, found a callback of type \
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
