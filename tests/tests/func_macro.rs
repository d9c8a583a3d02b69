//! `c_func!`: typed C function-pointer types — their runtime signatures, typed calls, closures
//! made into C functions, and the user-data form that needs no trampoline.

use std::ffi::{c_char, c_int, c_void};
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
