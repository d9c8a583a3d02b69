//! The callbacks' own trampolines on x86-64 System V: their memory is never writable and
//! executable at once, and the stubs of freed callbacks are used again.

use std::collections::HashSet;

use super::*;

/// The permissions (`rwxp`) of the mapping of `/proc/self/maps` that holds `address`.
#[cfg(target_os = "linux")]
fn permissions_at(address: usize) -> Option<String> {
    let maps = std::fs::read_to_string("/proc/self/maps").expect("/proc/self/maps");
    maps.lines().find_map(|line| {
        let mut fields = line.split_whitespace();
        let (range, perms) = (fields.next()?, fields.next()?);
        let (start, end) = range.split_once('-')?;
        let start = usize::from_str_radix(start, 16).ok()?;
        let end = usize::from_str_radix(end, 16).ok()?;
        (start..end).contains(&address).then(|| perms.to_owned())
    })
}

#[cfg(all(
    target_os = "linux",
    target_arch = "x86_64",
    target_pointer_width = "64"
))]
#[test]
fn callback_code_is_executable_and_never_writable() {
    let callbacks: Vec<Callback> = (0..300)
        .map(|i| {
            Callback::new(int_to_int(), move |args| match args[0] {
                CValue::Value(Value::Int(n)) => CValue::Value(Value::Int(n + i)),
                _ => CValue::Void,
            })
            .unwrap()
        })
        .collect();
    for (i, callback) in callbacks.iter().enumerate() {
        let address = callback.code().as_ptr() as usize;
        let perms = permissions_at(address).expect("the code is mapped");
        assert!(
            perms.starts_with("r-x"),
            "callback {i} at {address:#x}: {perms}"
        );
        // SAFETY: the callback's code takes and returns an int.
        let f: extern "C" fn(i32) -> i32 = unsafe { std::mem::transmute(callback.code()) };
        assert_eq!(f(1000), 1000 + i as i32);
    }
}

#[cfg(all(target_arch = "x86_64", target_pointer_width = "64", unix))]
#[test]
fn stubs_of_freed_callbacks_are_used_again() {
    // Made and dropped one after another: without reuse, 2000 different addresses. Other
    // tests make callbacks meanwhile, on other threads, taking stubs in between: more
    // addresses show, but far fewer than one per callback.
    let mut seen = HashSet::new();
    for i in 0..2000 {
        let callback = Callback::from_fn(move |x: i32| x ^ i).unwrap();
        // SAFETY: the callback's code takes and returns an `int32_t`.
        let f: extern "C" fn(i32) -> i32 = unsafe { std::mem::transmute(callback.code()) };
        assert_eq!(f(5), 5 ^ i);
        seen.insert(callback.code().as_ptr() as usize);
    }
    assert!(seen.len() < 1000, "{} stubs for 2000 callbacks", seen.len());
}

#[cfg(all(target_arch = "x86_64", target_pointer_width = "64", unix))]
#[test]
fn a_freed_stub_is_not_handed_to_the_next_callback() {
    // A freed stub waits behind the other free ones: a late call from C (against the
    // callback's contract) meets the freed stub's handler, not another callback's closure.
    for i in 0..20 {
        let first = Callback::from_fn(move |x: i32| x + i).unwrap();
        let freed = first.code();
        drop(first);
        let next = Callback::from_fn(move |x: i32| x - i).unwrap();
        assert_ne!(next.code(), freed, "round {i}");
    }
}

#[cfg(all(target_arch = "x86_64", target_pointer_width = "64", unix))]
#[test]
fn a_backtrace_taken_in_a_callback_reaches_the_rust_code_that_called_c() {
    // The common entry has call frame information: a backtrace walks from the closure through
    // the entry and C's `cb_sum` back to this test, which it does not reach without it.
    let lib = library();
    let seen = Arc::new(Mutex::new(String::new()));
    let record = Arc::clone(&seen);
    let callback = Callback::new(int_to_int(), move |args| {
        let mut text = record.lock().unwrap();
        if text.is_empty() {
            *text = std::backtrace::Backtrace::force_capture().to_string();
        }
        int_result(int_arg(args, 0))
    })
    .unwrap();
    call(
        &cb_sum(&lib),
        &[(&callback).into(), 3.into(), Arg::NULL, Arg::NULL],
    );
    // (The C frame in between is not always named: symbols of a library loaded at run time
    // are not always resolved.)
    let text = seen.lock().unwrap();
    assert!(
        text.contains("a_backtrace_taken_in_a_callback_reaches_the_rust_code_that_called_c"),
        "{text}"
    );
}
