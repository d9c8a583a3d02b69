//! Call overhead, side by side in one run, for `int add(int, int)`, a six-argument `long` sum,
//! `Point mid(Point, Point)` with `Point { double x, y; }`, and `double spill(double × 8, int ×
//! 8, Triple)` with `Triple { double a, b, c; }` (two ints and the record on the stack):
//!
//! - `direct`: a Rust call through a function pointer of the exact type;
//! - `raw_libffi`: libffi with a prepared CIF, as a program using libffi directly would;
//! - `ctypes_libffi`: [`Function::call`] held to libffi ([`Function::through_libffi`]);
//!   `ctypes_libffi_into` writes a record result into an existing object;
//! - `ctypes_fast`: [`Function::call_value`] on the register call (scalar signatures, a plain
//!   `Value` result); `ctypes_fast_call`: [`Function::call`] on the same path (a `CValue`);
//! - `ctypes_engine`: [`Function::call`] on the call engine (records, stack arguments), a
//!   record result in a new object; `ctypes_engine_into`: [`Function::call_into`], into an
//!   existing object; `ctypes_engine_value`: [`Function::call_value`];
//! - `ctypes_typed`: the method `c_library!` generates.
//!
//! And callback overhead, C calling `int (*)(int, int)` 1000 times in a loop: `native_c` (a C
//! function), `raw_libffi_closure`, `ctypes_callback` ([`Callback::new`], a closure over
//! `&[CValue]`), `ctypes_callback_from_fn` ([`Callback::from_fn`], a closure over Rust scalars)
//! and `ctypes_typed_callback` (a `c_func!` type's `callback`). And C calling a callback that
//! takes a `Point` by value (`double (*)(Point)`, group `callback_point_arg_x1000`) and one
//! that returns one (`Point (*)(double)`, `callback_point_result_x1000`) 1000 times: `native_c`,
//! `raw_libffi_closure`, `ctypes_callback` ([`Callback::new`]: the record arrives as, or is
//! returned in, a new object).
//!
//! Run: `cargo bench -p ctypes-tests --bench calls`; `scripts/bench.sh` runs it and writes the
//! report under `docs/`.

use std::ffi::c_void;
use std::hint::black_box;
use std::mem::MaybeUninit;
use std::path::PathBuf;
use std::process::Command;
use std::ptr::{addr_of_mut, null_mut};

use criterion::{criterion_group, criterion_main, Criterion};
use ctypes_core::{
    c_func, c_library, c_struct, Arg, CData, CType, CTyped, CValue, CallPath, Callback, Function,
    Library, Scalar, Signature, Value,
};
use libffi_sys as ffi;

#[c_struct]
#[derive(Clone, Copy)]
struct Point {
    x: f64,
    y: f64,
}

/// The record `spill` takes on the stack.
#[repr(C)]
#[derive(Clone, Copy)]
struct Triple {
    a: f64,
    b: f64,
    c: f64,
}

/// `double spill(double × 8, int × 8, Triple)`.
type Spill = extern "C" fn(
    f64,
    f64,
    f64,
    f64,
    f64,
    f64,
    f64,
    f64,
    i32,
    i32,
    i32,
    i32,
    i32,
    i32,
    i32,
    i32,
    Triple,
) -> f64;

c_func! {
    /// The callback `call_n` calls.
    type BinOp = fn(i32, i32) -> i32;
}

c_library! {
    /// The benchmark's C functions on the typed path: plain function pointers, no libffi.
    #[library("ctypes_calls_bench")]
    struct Bench {
        fn add(a: i32, b: i32) -> i32;
        fn sum6(a: i64, b: i64, c: i64, d: i64, e: i64, f: i64) -> i64;
        fn mid(a: Point, b: Point) -> Point;
        fn call_n(f: BinOp, n: i32) -> i64;
    }
}

/// Compiles the benchmark's C functions into a shared library and returns its path.
fn build_library() -> PathBuf {
    let source = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("benches/calls_bench.c");
    let out = std::env::temp_dir().join(format!("ctypes_calls_bench_{}.so", std::process::id()));
    let status = Command::new("cc")
        .args(["-shared", "-fPIC", "-O2", "-o"])
        .arg(&out)
        .arg(&source)
        .status()
        .expect("run cc");
    assert!(status.success(), "cc failed to build {}", source.display());
    out
}

/// A libffi call interface prepared once, as a program using libffi directly would.
struct RawCif {
    cif: ffi::ffi_cif,
    _args: Vec<*mut ffi::ffi_type>,
}

impl RawCif {
    fn new(mut args: Vec<*mut ffi::ffi_type>, result: *mut ffi::ffi_type) -> Box<RawCif> {
        let mut cif = MaybeUninit::<ffi::ffi_cif>::zeroed();
        // SAFETY: the argument and result descriptions outlive the CIF (static, or leaked below).
        let status = unsafe {
            ffi::ffi_prep_cif(
                cif.as_mut_ptr(),
                ffi::ffi_abi_FFI_DEFAULT_ABI,
                args.len() as u32,
                result,
                args.as_mut_ptr(),
            )
        };
        assert_eq!(status, ffi::ffi_status_FFI_OK);
        Box::new(RawCif {
            // SAFETY: prepared above.
            cif: unsafe { cif.assume_init() },
            _args: args,
        })
    }

    /// # Safety
    /// `code` must match the CIF; `args` must point to values of its argument types.
    unsafe fn call(&mut self, code: *const c_void, result: *mut c_void, args: &mut [*mut c_void]) {
        // SAFETY: forwarded to the caller.
        unsafe {
            ffi::ffi_call(
                &mut self.cif,
                Some(std::mem::transmute::<*const c_void, unsafe extern "C" fn()>(code)),
                result,
                args.as_mut_ptr(),
            )
        }
    }
}

fn point_ffi_type() -> *mut ffi::ffi_type {
    let elements: &'static mut [*mut ffi::ffi_type; 3] = Box::leak(Box::new([
        addr_of_mut!(ffi::ffi_type_double),
        addr_of_mut!(ffi::ffi_type_double),
        null_mut(),
    ]));
    Box::leak(Box::new(ffi::ffi_type {
        size: 0,
        alignment: 0,
        type_: ffi::FFI_TYPE_STRUCT,
        elements: elements.as_mut_ptr(),
    }))
}

fn bench_calls(c: &mut Criterion) {
    let path = build_library();
    // SAFETY: the benchmark's own library has no initialisers.
    let lib = unsafe { Library::open(path.to_str().expect("utf-8 path")) }
        .expect("load benchmark library");
    // SAFETY: as above; the declarations match calls_bench.c.
    let typed =
        unsafe { Bench::load_from(&[path.to_str().expect("utf-8 path")]) }.expect("load typed");
    let int = CType::scalar(Scalar::Int);
    let long = CType::scalar(Scalar::Long);
    let double = CType::scalar(Scalar::Double);
    let point = CType::struct_builder("Point")
        .field("x", double.clone())
        .field("y", double.clone())
        .build()
        .expect("Point");

    let add: Function = lib
        .function(
            "add",
            Signature::new(vec![int.clone(), int.clone()], int.clone()),
        )
        .expect("add");
    let sum6: Function = lib
        .function("sum6", Signature::new(vec![long.clone(); 6], long.clone()))
        .expect("sum6");
    let mid: Function = lib
        .function(
            "mid",
            Signature::new(vec![point.clone(), point.clone()], point.clone()),
        )
        .expect("mid");

    // SAFETY: the symbols have these exact C signatures.
    let add_direct: extern "C" fn(i32, i32) -> i32 = unsafe { std::mem::transmute(add.address()) };
    // SAFETY: as above.
    let sum6_direct: extern "C" fn(i64, i64, i64, i64, i64, i64) -> i64 =
        unsafe { std::mem::transmute(sum6.address()) };
    // SAFETY: as above.
    let mid_direct: extern "C" fn(Point, Point) -> Point =
        unsafe { std::mem::transmute(mid.address()) };

    let (sint32, sint64) = (
        addr_of_mut!(ffi::ffi_type_sint32),
        addr_of_mut!(ffi::ffi_type_sint64),
    );
    let mut add_cif = RawCif::new(vec![sint32, sint32], sint32);
    let mut sum6_cif = RawCif::new(vec![sint64; 6], sint64);
    let point_type = point_ffi_type();
    let mut mid_cif = RawCif::new(vec![point_type, point_type], point_type);

    let mut group = c.benchmark_group("add");
    group.bench_function("direct", |b| {
        b.iter(|| black_box(add_direct)(black_box(2), black_box(3)))
    });
    group.bench_function("raw_libffi", |b| {
        b.iter(|| {
            let (mut x, mut y) = (black_box(2i32), black_box(3i32));
            let mut out = 0u64;
            let mut args = [addr_of_mut!(x).cast(), addr_of_mut!(y).cast()];
            // SAFETY: `int add(int, int)`; the result slot is a full ffi_arg.
            unsafe { add_cif.call(add.address().as_ptr(), addr_of_mut!(out).cast(), &mut args) };
            out as i32
        })
    });
    group.bench_function("ctypes_typed", |b| {
        // SAFETY: `int add(int, int)`.
        b.iter(|| unsafe { black_box(&typed).add(black_box(2), black_box(3)) })
    });
    let add_libffi = add.clone().through_libffi();
    assert_eq!(add.call_path(), CallPath::Registers);
    group.bench_function("ctypes_fast", |b| {
        b.iter(|| {
            let args = [
                Arg::Value(Value::Int(black_box(2))),
                Arg::Value(Value::Int(black_box(3))),
            ];
            // SAFETY: `int add(int, int)`.
            unsafe { add.call_value(&args) }.expect("add").as_i64()
        })
    });
    for (name, f) in [("ctypes_fast_call", &add), ("ctypes_libffi", &add_libffi)] {
        group.bench_function(name, |b| {
            b.iter(|| {
                let args = [
                    Arg::Value(Value::Int(black_box(2))),
                    Arg::Value(Value::Int(black_box(3))),
                ];
                // SAFETY: `int add(int, int)`.
                unsafe { f.call(&args) }.expect("add").as_i64()
            })
        });
    }
    group.finish();

    let mut group = c.benchmark_group("sum6");
    group.bench_function("ctypes_typed", |b| {
        // SAFETY: `long sum6(long × 6)`.
        b.iter(|| unsafe { black_box(&typed).sum6(black_box(1), 2, 3, 4, 5, black_box(6)) })
    });
    group.bench_function("direct", |b| {
        b.iter(|| black_box(sum6_direct)(black_box(1), 2, 3, 4, 5, black_box(6)))
    });
    group.bench_function("raw_libffi", |b| {
        b.iter(|| {
            let mut v = [black_box(1i64), 2, 3, 4, 5, black_box(6)];
            let mut out = 0i64;
            let base = v.as_mut_ptr();
            // SAFETY: six pointers into `v`, each to an i64.
            let mut args: [*mut c_void; 6] = std::array::from_fn(|i| unsafe { base.add(i) }.cast());
            // SAFETY: `long sum6(long × 6)`.
            unsafe { sum6_cif.call(sum6.address().as_ptr(), addr_of_mut!(out).cast(), &mut args) };
            out
        })
    });
    let sum6_libffi = sum6.clone().through_libffi();
    assert_eq!(sum6.call_path(), CallPath::Registers);
    group.bench_function("ctypes_fast", |b| {
        b.iter(|| {
            let args: [Arg<'_>; 6] =
                std::array::from_fn(|i| Arg::Value(Value::Int(black_box(i as i64 + 1))));
            // SAFETY: `long sum6(long × 6)`.
            unsafe { sum6.call_value(&args) }.expect("sum6").as_i64()
        })
    });
    for (name, f) in [("ctypes_fast_call", &sum6), ("ctypes_libffi", &sum6_libffi)] {
        group.bench_function(name, |b| {
            b.iter(|| {
                let args: [Arg<'_>; 6] =
                    std::array::from_fn(|i| Arg::Value(Value::Int(black_box(i as i64 + 1))));
                // SAFETY: `long sum6(long × 6)`.
                unsafe { f.call(&args) }.expect("sum6").as_i64()
            })
        });
    }
    group.finish();

    let a = CData::new(&point).expect("point");
    let b_ = CData::new(&point).expect("point");
    a.set("x", 1.0).expect("x");
    b_.set("y", 4.0).expect("y");
    let out = CData::new(&point).expect("point");
    let mut group = c.benchmark_group("mid");
    group.bench_function("direct", |b| {
        b.iter(|| {
            black_box(mid_direct)(
                black_box(Point { x: 1.0, y: 0.0 }),
                black_box(Point { x: 0.0, y: 4.0 }),
            )
        })
    });
    group.bench_function("raw_libffi", |b| {
        b.iter(|| {
            let mut p = black_box(Point { x: 1.0, y: 0.0 });
            let mut q = black_box(Point { x: 0.0, y: 4.0 });
            let mut r = Point { x: 0.0, y: 0.0 };
            let mut args = [addr_of_mut!(p).cast(), addr_of_mut!(q).cast()];
            // SAFETY: `Point mid(Point, Point)`.
            unsafe { mid_cif.call(mid.address().as_ptr(), addr_of_mut!(r).cast(), &mut args) };
            r
        })
    });
    let mid_libffi = mid.clone().through_libffi();
    assert_eq!(mid.call_path(), CallPath::Engine);
    for (name, f) in [("ctypes_engine", &mid), ("ctypes_libffi", &mid_libffi)] {
        group.bench_function(name, |b| {
            b.iter(|| {
                // SAFETY: `Point mid(Point, Point)`.
                unsafe { f.call(&[black_box(&a).into(), black_box(&b_).into()]) }.expect("mid")
            })
        });
    }
    for (name, f) in [
        ("ctypes_engine_into", &mid),
        ("ctypes_libffi_into", &mid_libffi),
    ] {
        group.bench_function(name, |b| {
            b.iter(|| {
                // SAFETY: `Point mid(Point, Point)`; `out` is a Point.
                unsafe { f.call_into(&[black_box(&a).into(), black_box(&b_).into()], &out) }
                    .expect("mid")
            })
        });
    }
    group.bench_function("ctypes_typed", |b| {
        b.iter(|| {
            let (p, q) = (
                black_box(Point { x: 1.0, y: 0.0 }),
                black_box(Point { x: 0.0, y: 4.0 }),
            );
            // SAFETY: `Point mid(Point, Point)`.
            unsafe { black_box(&typed).mid(p, q) }
        })
    });
    group.finish();
    bench_spill(c, &lib);
    let _ = std::fs::remove_file(path);
}

/// `double spill(double × 8, int × 8, Triple)`: arguments on the stack, a record among them.
fn bench_spill(c: &mut Criterion, lib: &Library) {
    let double = CType::scalar(Scalar::Double);
    let int = CType::scalar(Scalar::Int);
    let triple = CType::struct_builder("Triple")
        .field("a", double.clone())
        .field("b", double.clone())
        .field("c", double.clone())
        .build()
        .expect("Triple");
    let mut params = vec![double.clone(); 8];
    params.extend(vec![int.clone(); 8]);
    params.push(triple.clone());
    let spill = lib
        .function("spill", Signature::new(params, double))
        .expect("spill");
    assert_eq!(spill.call_path(), CallPath::Engine);
    let spill_libffi = spill.clone().through_libffi();
    // SAFETY: the symbol has this exact C signature.
    let spill_direct: Spill = unsafe { std::mem::transmute(spill.address()) };
    let t = CData::new(&triple).expect("triple");
    t.set("c", 0.5).expect("c");
    let triple_type: &'static mut [*mut ffi::ffi_type; 4] = Box::leak(Box::new([
        addr_of_mut!(ffi::ffi_type_double),
        addr_of_mut!(ffi::ffi_type_double),
        addr_of_mut!(ffi::ffi_type_double),
        null_mut(),
    ]));
    let triple_ffi = Box::leak(Box::new(ffi::ffi_type {
        size: 0,
        alignment: 0,
        type_: ffi::FFI_TYPE_STRUCT,
        elements: triple_type.as_mut_ptr(),
    }));
    let mut arg_types = vec![addr_of_mut!(ffi::ffi_type_double); 8];
    arg_types.extend(vec![addr_of_mut!(ffi::ffi_type_sint32); 8]);
    arg_types.push(triple_ffi);
    let mut spill_cif = RawCif::new(arg_types, addr_of_mut!(ffi::ffi_type_double));
    let expected = 8.0 + 8.0 + 0.5;
    let args = || -> [Arg<'_>; 17] {
        std::array::from_fn(|i| match i {
            0..=7 => Arg::Value(Value::Double(black_box(1.0))),
            8..=15 => Arg::Value(Value::Int(black_box(1))),
            _ => Arg::Data(black_box(&t)),
        })
    };
    // SAFETY: the signature above.
    let first = unsafe { spill.call_value(&args()) }.expect("spill");
    assert_eq!(first.as_f64(), Some(expected));

    let mut group = c.benchmark_group("spill");
    group.bench_function("direct", |b| {
        b.iter(|| {
            let d = black_box(1.0);
            let i = black_box(1);
            let t = black_box(Triple {
                a: 0.0,
                b: 0.0,
                c: 0.5,
            });
            black_box(spill_direct)(d, d, d, d, d, d, d, d, i, i, i, i, i, i, i, i, t)
        })
    });
    group.bench_function("raw_libffi", |b| {
        b.iter(|| {
            let mut d = [black_box(1.0f64); 8];
            let mut i = [black_box(1i32); 8];
            let mut t = black_box(Triple {
                a: 0.0,
                b: 0.0,
                c: 0.5,
            });
            let mut out = 0f64;
            let (dp, ip) = (d.as_mut_ptr(), i.as_mut_ptr());
            let mut pointers: [*mut c_void; 17] = std::array::from_fn(|k| match k {
                // SAFETY: `k < 8`, inside `d`.
                0..=7 => unsafe { dp.add(k) }.cast(),
                // SAFETY: `k - 8 < 8`, inside `i`.
                8..=15 => unsafe { ip.add(k - 8) }.cast(),
                _ => addr_of_mut!(t).cast(),
            });
            // SAFETY: the CIF describes `spill`; each pointer points to a value of its type.
            unsafe {
                spill_cif.call(
                    spill.address().as_ptr(),
                    addr_of_mut!(out).cast(),
                    &mut pointers,
                )
            };
            out
        })
    });
    for (name, f) in [("ctypes_engine", &spill), ("ctypes_libffi", &spill_libffi)] {
        group.bench_function(name, |b| {
            // SAFETY: the signature above.
            b.iter(|| unsafe { f.call(&args()) }.expect("spill").as_f64())
        });
    }
    group.bench_function("ctypes_engine_value", |b| {
        b.iter(|| {
            // SAFETY: the signature above.
            let r = unsafe { spill.call_value(&args()) };
            r.expect("spill").as_f64()
        })
    });
    group.finish();
}

/// The raw libffi closure handler for `int (*)(int, int)`: what a program using libffi directly
/// would write.
unsafe extern "C" fn raw_add(
    _cif: *mut ffi::ffi_cif,
    result: *mut c_void,
    args: *mut *mut c_void,
    _data: *mut c_void,
) {
    // SAFETY: libffi passes two pointers to ints and room for an ffi_arg.
    unsafe {
        let a = *(*args).cast::<i32>();
        let b = *(*args.add(1)).cast::<i32>();
        *result.cast::<i64>() = i64::from(a.wrapping_add(b));
    }
}

const CALLBACKS_PER_ITERATION: i32 = 1000;

/// The raw libffi closure handler for `double (*)(Point)`.
unsafe extern "C" fn raw_point_take(
    _cif: *mut ffi::ffi_cif,
    result: *mut c_void,
    args: *mut *mut c_void,
    _data: *mut c_void,
) {
    // SAFETY: libffi passes a pointer to a Point and room for a double.
    unsafe {
        let p = *(*args).cast::<Point>();
        *result.cast::<f64>() = p.x + p.y;
    }
}

/// The raw libffi closure handler for `Point (*)(double)`.
unsafe extern "C" fn raw_point_make(
    _cif: *mut ffi::ffi_cif,
    result: *mut c_void,
    args: *mut *mut c_void,
    _data: *mut c_void,
) {
    // SAFETY: libffi passes a pointer to a double and room for a Point.
    unsafe {
        let x = *(*args).cast::<f64>();
        *result.cast::<Point>() = Point { x, y: 1.0 };
    }
}

/// A raw libffi closure calling `handler` for `cif`: its code address, and the closure to free.
fn raw_closure(
    cif: &mut RawCif,
    handler: unsafe extern "C" fn(*mut ffi::ffi_cif, *mut c_void, *mut *mut c_void, *mut c_void),
) -> (*const c_void, *mut c_void) {
    let mut code: *mut c_void = null_mut();
    // SAFETY: allocation has no preconditions.
    let closure = unsafe { ffi::ffi_closure_alloc(size_of::<ffi::ffi_closure>(), &mut code) };
    // SAFETY: the CIF lives until the closure is freed; the handler reads and writes as the
    // CIF describes.
    let status = unsafe {
        ffi::ffi_prep_closure_loc(
            closure.cast(),
            &mut cif.cif,
            Some(handler),
            null_mut(),
            code,
        )
    };
    assert_eq!(status, ffi::ffi_status_FFI_OK);
    (code.cast_const(), closure)
}

/// C calling a callback that takes a `Point` by value, and one that returns one.
fn bench_record_callbacks(c: &mut Criterion, lib: &Library) {
    let double = CType::scalar(Scalar::Double);
    let point = Point::c_type();
    let symbol = |name: &str| lib.symbol(name).expect(name).as_ptr().cast_const();
    type CallN = extern "C" fn(*const c_void, i32) -> f64;
    // SAFETY: `double call_n_point_take(double (*)(Point), int)` and
    // `double call_n_point_make(Point (*)(double), int)`.
    let (take_n, make_n) = unsafe {
        (
            std::mem::transmute::<*const c_void, CallN>(symbol("call_n_point_take")),
            std::mem::transmute::<*const c_void, CallN>(symbol("call_n_point_make")),
        )
    };
    let point_type = point_ffi_type();
    let mut take_cif = RawCif::new(vec![point_type], addr_of_mut!(ffi::ffi_type_double));
    let mut make_cif = RawCif::new(vec![addr_of_mut!(ffi::ffi_type_double)], point_type);
    let (raw_take, raw_take_closure) = raw_closure(&mut take_cif, raw_point_take);
    let (raw_make, raw_make_closure) = raw_closure(&mut make_cif, raw_point_make);
    let take = Callback::new(
        Signature::new(vec![point.clone()], double.clone()),
        |args| match &args[0] {
            CValue::Data(d) => {
                // SAFETY: a `Point` object, which holds a `Point`.
                let p = unsafe { d.addressof().expect("an address").cast::<Point>().read() };
                CValue::Value(Value::Double(p.x + p.y))
            }
            _ => unreachable!("a Point"),
        },
    )
    .expect("callback taking a Point");
    let point_for_make = point.clone();
    let make = Callback::new(Signature::new(vec![double], point), move |args| {
        let x = args[0].as_f64().expect("a double");
        let p = CData::new(&point_for_make).expect("a Point");
        // SAFETY: a `Point` object, which has room for a `Point`.
        unsafe {
            p.addressof()
                .expect("an address")
                .cast::<Point>()
                .write(Point { x, y: 1.0 })
        };
        CValue::Data(p)
    })
    .expect("callback returning a Point");

    let n = CALLBACKS_PER_ITERATION;
    let expected = (0..n).map(f64::from).sum::<f64>() + f64::from(n);
    for f in [
        symbol("native_point_take"),
        raw_take,
        take.code().as_ptr().cast_const(),
    ] {
        assert_eq!(take_n(f, n), expected);
    }
    for f in [
        symbol("native_point_make"),
        raw_make,
        make.code().as_ptr().cast_const(),
    ] {
        assert_eq!(make_n(f, n), expected);
    }
    for (name, call_n, native, raw, ours) in [
        (
            "callback_point_arg_x1000",
            take_n,
            "native_point_take",
            raw_take,
            &take,
        ),
        (
            "callback_point_result_x1000",
            make_n,
            "native_point_make",
            raw_make,
            &make,
        ),
    ] {
        let mut group = c.benchmark_group(name);
        let native = symbol(native);
        group.bench_function("native_c", |b| b.iter(|| call_n(black_box(native), n)));
        group.bench_function("raw_libffi_closure", |b| {
            b.iter(|| call_n(black_box(raw), n))
        });
        group.bench_function("ctypes_callback", |b| {
            b.iter(|| call_n(black_box(ours.code().as_ptr().cast_const()), n))
        });
        group.finish();
    }
    // SAFETY: no call can reach the closures any more.
    unsafe {
        ffi::ffi_closure_free(raw_take_closure);
        ffi::ffi_closure_free(raw_make_closure);
    }
}

fn bench_callbacks(c: &mut Criterion) {
    let path = build_library();
    // SAFETY: the benchmark's own library has no initialisers.
    let lib = unsafe { Library::open(path.to_str().expect("utf-8 path")) }
        .expect("load benchmark library");
    let int = CType::scalar(Scalar::Int);
    let binop = Signature::new(vec![int.clone(), int.clone()], int.clone());
    let call_n = lib.symbol("call_n").expect("call_n");
    // SAFETY: `long call_n(int (*)(int, int), int)`.
    let call_n: extern "C" fn(*const c_void, i32) -> i64 = unsafe { std::mem::transmute(call_n) };
    let native = lib
        .symbol("native_add")
        .expect("native_add")
        .as_ptr()
        .cast_const();

    let mut raw_cif = RawCif::new(
        vec![
            addr_of_mut!(ffi::ffi_type_sint32),
            addr_of_mut!(ffi::ffi_type_sint32),
        ],
        addr_of_mut!(ffi::ffi_type_sint32),
    );
    let mut raw_code: *mut c_void = null_mut();
    // SAFETY: allocation has no preconditions; the closure and CIF live until the end of this
    // function, after the last call.
    let raw_closure =
        unsafe { ffi::ffi_closure_alloc(size_of::<ffi::ffi_closure>(), &mut raw_code) };
    // SAFETY: as above; `raw_add` reads two ints and writes an int result.
    let status = unsafe {
        ffi::ffi_prep_closure_loc(
            raw_closure.cast(),
            &mut raw_cif.cif,
            Some(raw_add),
            null_mut(),
            raw_code,
        )
    };
    assert_eq!(status, ffi::ffi_status_FFI_OK);

    let ours = Callback::new(binop, |args| match (&args[0], &args[1]) {
        (CValue::Value(Value::Int(a)), CValue::Value(Value::Int(b))) => {
            CValue::Value(Value::Int(a + b))
        }
        _ => unreachable!("two ints"),
    })
    .expect("callback");

    let typed_callback = BinOp::callback(|a, b| a + b).expect("typed callback");
    let from_fn = Callback::from_fn(|a: i32, b: i32| a + b).expect("from_fn");
    // SAFETY: as above; the declarations match calls_bench.c.
    let typed =
        unsafe { Bench::load_from(&[path.to_str().expect("utf-8 path")]) }.expect("load typed");

    let expected: i64 = (0..CALLBACKS_PER_ITERATION as i64).map(|i| i + 1).sum();
    // SAFETY: `call_n` calls the live callback.
    let sum = unsafe { typed.call_n(typed_callback.get(), CALLBACKS_PER_ITERATION) };
    assert_eq!(sum, expected);
    for f in [
        native,
        raw_code.cast_const(),
        ours.code().as_ptr().cast_const(),
        from_fn.code().as_ptr().cast_const(),
    ] {
        assert_eq!(call_n(f, CALLBACKS_PER_ITERATION), expected);
    }

    let mut group = c.benchmark_group("callback_x1000");
    group.bench_function("native_c", |b| {
        b.iter(|| call_n(black_box(native), CALLBACKS_PER_ITERATION))
    });
    group.bench_function("raw_libffi_closure", |b| {
        b.iter(|| call_n(black_box(raw_code.cast_const()), CALLBACKS_PER_ITERATION))
    });
    group.bench_function("ctypes_callback", |b| {
        b.iter(|| {
            call_n(
                black_box(ours.code().as_ptr().cast_const()),
                CALLBACKS_PER_ITERATION,
            )
        })
    });
    group.bench_function("ctypes_callback_from_fn", |b| {
        b.iter(|| {
            call_n(
                black_box(from_fn.code().as_ptr().cast_const()),
                CALLBACKS_PER_ITERATION,
            )
        })
    });
    group.bench_function("ctypes_typed_callback", |b| {
        b.iter(|| {
            // SAFETY: `call_n` calls the live callback.
            unsafe { black_box(&typed).call_n(typed_callback.get(), CALLBACKS_PER_ITERATION) }
        })
    });
    group.finish();
    bench_record_callbacks(c, &lib);
    // SAFETY: no call can reach the closure any more.
    unsafe { ffi::ffi_closure_free(raw_closure) };
    let _ = std::fs::remove_file(path);
}

criterion_group!(benches, bench_calls, bench_callbacks);
criterion_main!(benches);
