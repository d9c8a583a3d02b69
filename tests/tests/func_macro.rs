//! `c_func!`: typed C function-pointer types — their runtime signatures, typed calls, closures
//! made into C functions, and the user-data form that needs no trampoline.

use std::ffi::{
    c_char, c_double, c_float, c_int, c_schar, c_short, c_uchar, c_uint, c_ulonglong, c_void,
};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use ctypes_core::{c_func, c_library, CType, CTyped, Scalar, Signature};

c_func! {
    /// A `qsort` comparator.
    pub type Compare = fn(*const c_void, *const c_void) -> c_int;
    /// A `qsort_r` comparator: its third argument is the user data.
    pub type CompareWith = fn(*const c_void, *const c_void, #[user_data] *mut c_void) -> c_int;
    pub type IntToInt = fn(c_int) -> c_int;
    pub type Printf = fn(*const c_char, ...) -> c_int;
    #[errno]
    pub type Close = fn(c_int) -> c_int;
}

c_library! {
    #[library("c", "libc.so.6")]
    struct Libc {
        fn qsort(base: *mut c_void, count: usize, size: usize, compare: Compare);
        fn qsort_r(base: *mut c_void, count: usize, size: usize, compare: CompareWith, data: *mut c_void);
        fn close(fd: c_int) -> c_int;
    }
}

c_library! {
    #[library("ctypes_fixture")]
    struct Fixture {
        fn cb_sum(f: IntToInt, n: c_int, results: *mut c_int, done: *mut c_int) -> i64;
    }
}

fn libc() -> Libc {
    // SAFETY: the C library is loaded already; the declarations match it.
    unsafe { Libc::load() }.expect("libc loads")
}

#[test]
fn signatures_are_the_c_types() {
    let int = CType::scalar(Scalar::Int);
    assert_eq!(
        Compare::signature(),
        Signature::new(vec![CType::void_ptr(), CType::void_ptr()], int.clone())
    );
    assert_eq!(
        Printf::signature(),
        Signature::variadic(vec![CType::char_ptr()], int.clone())
    );
    assert_eq!(
        CompareWith::c_type().to_string(),
        "int (*)(void *, void *, void *)"
    );
    assert_eq!(std::mem::size_of::<Compare>(), std::mem::size_of::<usize>());
}

#[test]
fn a_closure_becomes_a_comparator_for_qsort() {
    let libc = libc();
    let calls = Arc::new(AtomicUsize::new(0));
    let compare = {
        let calls = Arc::clone(&calls);
        Compare::callback(move |a, b| {
            calls.fetch_add(1, Ordering::Relaxed);
            // SAFETY: qsort passes pointers to two elements of the i32 array below.
            let (a, b) = unsafe { (*a.cast::<i32>(), *b.cast::<i32>()) };
            a.cmp(&b) as c_int
        })
        .unwrap()
    };
    let mut values = [9, -3, 7, 0, 7, 42, -100, 5];
    // SAFETY: an i32 array of 8 elements and a comparator over i32.
    unsafe {
        libc.qsort(values.as_mut_ptr().cast(), values.len(), 4, compare.get());
    }
    assert_eq!(values, [-100, -3, 0, 5, 7, 7, 9, 42]);
    assert!(calls.load(Ordering::Relaxed) >= values.len() - 1);
}

#[test]
fn the_user_data_form_calls_a_closure_without_a_trampoline() {
    let libc = libc();
    let mut comparisons = 0usize;
    let mut by_last_digit = |a: *const c_void, b: *const c_void| {
        comparisons += 1;
        // SAFETY: qsort_r passes pointers to two elements of the i64 array below.
        let (a, b) = unsafe { (*a.cast::<i64>(), *b.cast::<i64>()) };
        ((a % 10).cmp(&(b % 10)).then(a.cmp(&b))) as c_int
    };
    let compare = CompareWith::for_closure(&by_last_digit);
    let data = CompareWith::user_data(&mut by_last_digit);
    let mut values: [i64; 6] = [31, 12, 21, 40, 9, 19];
    // SAFETY: an i64 array of 6 elements, a comparator over i64, and its closure as user data,
    // borrowed for the call.
    unsafe {
        libc.qsort_r(values.as_mut_ptr().cast(), values.len(), 8, compare, data);
    }
    assert_eq!(values, [40, 21, 31, 12, 9, 19]);
    assert!(comparisons >= values.len() - 1);
}

#[test]
fn typed_callbacks_called_from_c_and_from_rust() {
    // SAFETY: the fixture has no initialisers; the declaration matches callbacks.c.
    let fixture = unsafe { Fixture::load_from(&[env!("CTYPES_FIXTURE")]) }.expect("fixture loads");
    let square = IntToInt::callback(|x| x * x).unwrap();
    // SAFETY: cb_sum calls `f(i)` for i in 0..n; NULL out-pointers are allowed.
    let sum =
        unsafe { fixture.cb_sum(square.get(), 10, std::ptr::null_mut(), std::ptr::null_mut()) };
    assert_eq!(sum, (0..10).map(|i| i * i).sum::<i64>());
    // The same function pointer, called from Rust.
    // SAFETY: a live callback of this type.
    assert_eq!(unsafe { square.get().call(12) }, 144);
}

#[test]
fn errno_comes_back_with_the_result() {
    let libc = libc();
    // SAFETY: `close` is `int close(int)`.
    let close = unsafe { Close::from_address(libc.close_function().unwrap().address()) };
    // SAFETY: closing a descriptor that is not open only fails.
    let (result, errno) = unsafe { close.call(-1) };
    assert_eq!((result, errno), (-1, libc::EBADF));
}

c_func! {
    /// A callback taking another callback and an enum: both cross as C values.
    pub type Apply = fn(IntToInt, Mode) -> c_int;
}

#[ctypes_core::c_enum]
pub enum Mode {
    Square,
    Negate,
}

#[test]
fn enums_and_function_pointers_cross_typed_callbacks() {
    let square = IntToInt::callback(|x| x * x).unwrap();
    let apply = Apply::callback(|f, mode| {
        // SAFETY: `f` is the live `square` callback passed below.
        let squared = unsafe { f.call(7) };
        if mode == Mode::Negate {
            -squared
        } else {
            squared
        }
    })
    .unwrap();
    // SAFETY: live callbacks of these types.
    unsafe {
        assert_eq!(apply.get().call(square.get(), Mode::Square), 49);
        assert_eq!(apply.get().call(square.get(), Mode::Negate), -49);
    }
}

// Records by value in typed callbacks (tests/c/macro_records.c): bit-fields beside floats and
// nested records, every field of a type whose every bit pattern is valid.

#[ctypes_core::c_struct]
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MrVec2 {
    pub x: c_float,
    pub y: c_float,
}

#[ctypes_core::c_struct]
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MrSmall {
    #[c(bits = 4)]
    pub tag: c_uint,
    #[c(bits = 12)]
    pub level: c_int,
    pub weight: c_float,
    pub scale: c_double,
}

#[ctypes_core::c_struct]
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MrPoint {
    pub pos: MrVec2,
    #[c(bits = 7)]
    pub id: c_uint,
    #[c(bits = 9)]
    pub dz: c_int,
}

/// The fixture's `MrItem`, whose `_Bool on : 1` is a bit-field: read through an accessor, any
/// bits are a valid value, so the record may cross.
#[ctypes_core::c_struct]
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MrItem {
    #[c(bits = 3)]
    pub kind: c_uchar,
    #[c(bits = 5)]
    pub delta: c_schar,
    pub weight: c_float,
    pub pos: MrVec2,
    #[c(bits = 40)]
    pub big: c_ulonglong,
    #[c(bits = 1)]
    pub on: bool,
    pub scale: c_double,
    pub count: c_short,
}

c_func! {
    pub type SmallMap = fn(MrSmall) -> MrSmall;
    pub type PointFold = fn(MrPoint, c_double) -> c_double;
    pub type ItemMapWith = fn(MrItem, #[user_data] *mut c_void) -> MrItem;
    pub type PaddedMake = fn(c_char) -> MrPadded;
}

/// Seven bytes of padding after `c`.
#[ctypes_core::c_struct]
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MrPadded {
    pub c: c_char,
    pub d: c_double,
}

c_library! {
    #[library("ctypes_fixture")]
    struct Records {
        fn MrSmall_through(f: SmallMap, s: MrSmall) -> c_double;
        fn MrSmall_sum(s: MrSmall) -> c_double;
        fn MrPoint_fold(f: PointFold, p: MrPoint, acc: c_double) -> c_double;
        fn MrItem_through_with(f: ItemMapWith, i: MrItem, data: *mut c_void) -> c_double;
        fn MrItem_sum(i: MrItem) -> c_double;
        fn MrPadded_padding_is_zero(f: PaddedMake, c: c_char) -> c_int;
    }
}

fn records() -> Records {
    // SAFETY: the fixture has no initialisers; the declarations match macro_records.c.
    unsafe { Records::load_from(&[env!("CTYPES_FIXTURE")]) }.expect("fixture loads")
}

fn small(tag: c_uint, level: c_int, weight: c_float, scale: c_double) -> MrSmall {
    let mut s = MrSmall {
        weight,
        scale,
        ..Default::default()
    };
    s.set_tag(tag);
    s.set_level(level);
    s
}

#[test]
fn records_cross_typed_callbacks_by_value() {
    let lib = records();
    let seen = Arc::new(std::sync::Mutex::new(None));
    let map = {
        let seen = Arc::clone(&seen);
        SmallMap::callback(move |s: MrSmall| {
            *seen.lock().unwrap() = Some(s);
            let mut r = s;
            r.set_tag(s.tag() + 2);
            r.set_level(-s.level());
            r.weight = s.weight * 3.0;
            r.scale = s.scale - 1.0;
            r
        })
        .unwrap()
    };
    let s = small(5, 700, 1.25, 10.5);
    // SAFETY: `MrSmall_through` calls the live callback once with `s` and sums its result.
    let through = unsafe { lib.MrSmall_through(map.get(), s) };
    // The callback saw what C passed, and C summed what it returned: the same sum as C's own
    // for the record the closure made.
    assert_eq!(*seen.lock().unwrap(), Some(s));
    // SAFETY: a plain C function of a record.
    assert_eq!(through, unsafe {
        lib.MrSmall_sum(small(7, -700, 3.75, 9.5))
    });

    // A record C made (bumped), a double beside it, on this thread.
    let fold = PointFold::callback_local(|p: MrPoint, acc| {
        f64::from(p.pos.x) * 1000.0
            + f64::from(p.pos.y) * 100.0
            + f64::from(p.id()) * 10.0
            + f64::from(p.dz())
            + acc
    })
    .unwrap();
    let mut p = MrPoint {
        pos: MrVec2 { x: 2.0, y: 0.5 },
        ..Default::default()
    };
    p.set_id(3);
    p.set_dz(-1);
    // SAFETY: `MrPoint_fold` calls the live callback with the bumped record.
    let folded = unsafe { lib.MrPoint_fold(fold.get(), p, 0.25) };
    // C's bump: x + 1, y negated, id + 5, dz - 7.
    assert_eq!(folded, 3000.0 - 50.0 + 80.0 - 8.0 + 0.25);
}

#[test]
fn records_cross_the_user_data_form_by_value() {
    let lib = records();
    let mut calls = 0;
    let mut twice = |mut i: MrItem| {
        calls += 1;
        i.weight *= 2.0;
        i.set_big(i.big() * 2);
        i.set_on(!i.on());
        i.count += 100;
        i
    };
    let mut i = MrItem {
        weight: 0.5,
        pos: MrVec2 { x: 1.0, y: 2.0 },
        scale: 4.0,
        count: 5,
        ..Default::default()
    };
    i.set_kind(7);
    i.set_delta(-16);
    i.set_big((1 << 39) - 1);
    let expected = {
        let mut e = i;
        e.weight = 1.0;
        e.set_big(((1 << 39) - 1) * 2);
        e.set_on(true);
        e.count = 105;
        e
    };
    let map = ItemMapWith::for_closure(&twice);
    let data = ItemMapWith::user_data(&mut twice);
    // SAFETY: the closure is borrowed for the call; C calls it once.
    let through = unsafe { lib.MrItem_through_with(map, i, data) };
    assert_eq!(calls, 1);
    // SAFETY: a plain C function of a record.
    assert_eq!(through, unsafe { lib.MrItem_sum(expected) });
}

#[test]
fn records_returned_by_typed_callbacks_reach_c_with_zero_padding() {
    let lib = records();
    // The padding of the Rust value is uninitialised; C must receive zeros, not whatever the
    // stack held.
    let make = PaddedMake::callback(|c| MrPadded {
        c,
        d: f64::from(c) * 0.5,
    })
    .unwrap();
    // What the callback hands to the runtime: the padding is zero.
    let ctypes_core::CValue::Data(data) = ctypes_core::CConvert::into_c(MrPadded { c: 3, d: 1.5 })
    else {
        panic!("a record is data")
    };
    assert_eq!(data.to_bytes()[1..8], [0; 7]);
    for c in [1, 42, -7] {
        // SAFETY: the function calls the live callback once.
        assert_eq!(unsafe { lib.MrPadded_padding_is_zero(make.get(), c) }, 1);
    }
}

#[test]
fn scalar_callbacks_keep_the_declared_signature_and_route_panics() {
    // SAFETY: the fixture has no initialisers; the declaration matches callbacks.c.
    let fixture = unsafe { Fixture::load_from(&[env!("CTYPES_FIXTURE")]) }.expect("fixture loads");
    // A callback of `int (*)(int)`: its closure reads C's registers directly, under the type's
    // own signature (`int`, not `int32_t`).
    let negate = IntToInt::callback(|x| -x).unwrap();
    assert_eq!(negate.callback().signature(), &IntToInt::signature());
    let mut results = [0 as c_int; 4];
    let mut done = 0 as c_int;
    // SAFETY: cb_sum calls `f(i)` for i in 0..4, storing each result, and counts the calls.
    let sum = unsafe { fixture.cb_sum(negate.get(), 4, results.as_mut_ptr(), &mut done) };
    assert_eq!((sum, results, done), (-6, [0, -1, -2, -3], 4));

    // A panic comes back through the Rust call that led to it (a dynamic call: the typed
    // method is a plain call, which leaves a callback's failure to the failure handler).
    let failing = IntToInt::callback(|x| if x == 2 { panic!("two") } else { x }).unwrap();
    let cb_sum = fixture.cb_sum_function().expect("cb_sum");
    let address = failing.callback().code().as_ptr() as usize;
    let payload = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let args = [
            ctypes_core::Value::Pointer(address).into(),
            4.into(),
            ctypes_core::Arg::NULL,
            ctypes_core::Arg::NULL,
        ];
        // SAFETY: as above; NULL out-pointers are allowed.
        unsafe { cb_sum.call(&args) }
    }))
    .expect_err("the panic is raised again");
    assert_eq!(payload.downcast_ref::<&str>(), Some(&"two"));
}
