//! Calls with scalar-only signatures allocate nothing: counted with a global allocator that
//! counts, per thread, the allocations of a thread that asked for counting (tests run in
//! parallel, so a count shared by all threads would see the other tests' allocations).

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use ctypes_core::{Arg, CData, CallPath, Function, Scalar};
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
