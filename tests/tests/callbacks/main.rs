//! Callbacks: Rust closures that C calls through function pointers — `qsort`, loops, records
//! and unions by value both ways, threads C creates, tables of function pointers, panics,
//! results that do not fit, errno — each result checked against what C computed or an
//! independent computation in Rust.

use std::cell::Cell;
use std::ffi::c_void;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU32, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use ctypes_core::{
    Arg, CData, CType, CValue, Callback, Error, Function, Library, Scalar, Signature, Value,
};
use ctypes_tests::fixture::{
    as_f64, func, int, leaves, leaves_at, library, plus, record, sample, sig, t, Leaf,
};

/// Calls `f` with `args`, which must succeed.
fn call(f: &Function, args: &[Arg<'_>]) -> CValue {
    // SAFETY: every signature in these tests is the C declaration of the function, and every
    // callback passed has the function-pointer type C expects.
    unsafe { f.call(args) }.unwrap_or_else(|e| panic!("calling `{}`: {e}", f.name()))
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

mod complex;
mod errno_and_refusals;
mod failures;
mod function_pointers;
mod loop_in_c;
mod qsort;
mod records;
mod scoped;
mod threads;
mod trampolines;
