//! The C library through the typed path: `qsort` sorting with a Rust closure as its comparator,
//! `qsort_r` with a closure passed as user data (no trampoline at all), variadic `snprintf`, and
//! `errno` from calls that fail.
//!
//! Run: `cargo run -p example-libc`

use std::ffi::{c_char, c_int, c_void, CStr};
use std::io;
use std::process::ExitCode;

use ctypes_core::{c_func, c_library};

c_func! {
    /// A `qsort` comparator.
    pub type Compare = fn(*const c_void, *const c_void) -> c_int;
    /// A glibc `qsort_r` comparator: its third argument is the `arg` given to `qsort_r`.
    pub type CompareWith = fn(*const c_void, *const c_void, #[user_data] *mut c_void) -> c_int;
}

c_library! {
    #[library("c", "libc.so.6")]
    pub struct Libc {
        fn qsort(base: *mut c_void, count: usize, size: usize, compare: Compare);
        fn qsort_r(base: *mut c_void, count: usize, size: usize, compare: CompareWith, arg: *mut c_void);
        fn snprintf(buf: *mut c_char, size: usize, format: *const c_char, ...) -> c_int;
        #[errno]
        fn fopen(path: *const c_char, mode: *const c_char) -> *mut c_void;
        fn open(path: *const c_char, flags: c_int, ...) -> c_int;
    }
}

/// `O_RDONLY`: 0 on every Unix this runs on.
const O_RDONLY: c_int = 0;

type Outcome = Result<(), String>;

fn check(ok: bool, what: impl FnOnce() -> String) -> Outcome {
    if ok {
        Ok(())
    } else {
        Err(what())
    }
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => {
            println!("\nall libc results checked");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("example-libc: FAILED: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Outcome {
    // SAFETY: the C library is loaded already; loading it again runs no initialiser, and the
    // declarations above match glibc's.
    let libc = unsafe { Libc::load() }.map_err(|e| e.to_string())?;
    sort_with_callback(&libc)?;
    sort_with_user_data(&libc)?;
    format_with_snprintf(&libc)?;
    errno_from_failures(&libc)
}

/// `qsort` calling back into a Rust closure through a libffi trampoline.
fn sort_with_callback(libc: &Libc) -> Outcome {
    println!("qsort with a Rust closure as the comparator (descending by absolute value):");
    let by_magnitude = Compare::callback(|a, b| {
        // SAFETY: qsort passes pointers to two elements of the i32 array sorted below.
        let (a, b) = unsafe { (*a.cast::<i32>(), *b.cast::<i32>()) };
        b.unsigned_abs().cmp(&a.unsigned_abs()).then(a.cmp(&b)) as c_int
    })
    .map_err(|e| e.to_string())?;
    let mut values = [3, -17, 0, 42, -5, 8, -42, 1];
    println!("    before: {values:?}");
    // SAFETY: an array of `values.len()` i32 elements and a comparator over i32.
    unsafe {
        libc.qsort(
            values.as_mut_ptr().cast(),
            values.len(),
            size_of::<i32>(),
            by_magnitude.get(),
        );
    }
    println!("    after:  {values:?}");
    let expected = [-42, 42, -17, 8, -5, 3, 1, 0];
    check(values == expected, || {
        format!("qsort gave {values:?}, expected {expected:?}")
    })
}

/// `qsort_r` handing the closure back as its user-data argument: a plain function per closure
/// type, no trampoline, no libffi, and the closure may borrow and mutate locals.
fn sort_with_user_data(libc: &Libc) -> Outcome {
    println!("qsort_r with the closure as user data (by length, then alphabetically):");
    let mut words = ["pear", "fig", "banana", "kiwi", "apple", "date"];
    let mut comparisons = 0usize;
    let mut by_length = |a: *const c_void, b: *const c_void| {
        comparisons += 1;
        // SAFETY: qsort_r passes pointers to two elements of the `&str` array sorted below.
        let (a, b) = unsafe { (*a.cast::<&str>(), *b.cast::<&str>()) };
        a.len().cmp(&b.len()).then(a.cmp(b)) as c_int
    };
    let compare = CompareWith::for_closure(&by_length);
    let arg = CompareWith::user_data(&mut by_length);
    // SAFETY: an array of `words.len()` `&str` elements, a comparator over them, and the
    // closure it expects as user data, borrowed for the duration of the call.
    unsafe {
        libc.qsort_r(
            words.as_mut_ptr().cast(),
            words.len(),
            size_of::<&str>(),
            compare,
            arg,
        );
    }
    println!("    {words:?} after {comparisons} comparisons");
    let expected = ["fig", "date", "kiwi", "pear", "apple", "banana"];
    check(words == expected, || {
        format!("qsort_r gave {words:?}, expected {expected:?}")
    })?;
    check(comparisons >= words.len() - 1, || {
        format!("the closure ran only {comparisons} times")
    })
}

/// `snprintf`: a variadic function, called through its typed `extern "C"` pointer.
fn format_with_snprintf(libc: &Libc) -> Outcome {
    println!("snprintf (variadic) with ints, doubles and strings:");
    let snprintf = libc.snprintf();
    let mut buffer = [0 as c_char; 64];
    // SAFETY: a 64-byte buffer and a format whose conversions match the arguments' C types.
    let written = unsafe {
        snprintf(
            buffer.as_mut_ptr(),
            buffer.len(),
            c"%d|%5.2f|%s|%ld|%#x|%e".as_ptr(),
            -7 as c_int,
            1.23456_f64,
            c"text".as_ptr(),
            1_i64 << 40,
            255 as c_int,
            6.02214076e23_f64,
        )
    };
    // SAFETY: snprintf NUL-terminates within the buffer.
    let text = unsafe { CStr::from_ptr(buffer.as_ptr()) }.to_string_lossy();
    println!("    \"%d|%5.2f|%s|%ld|%#x|%e\" -> {text:?} ({written} characters)");
    let expected = "-7| 1.23|text|1099511627776|0xff|6.022141e+23";
    check(text == expected, || {
        format!("snprintf wrote {text:?}, expected {expected:?}")
    })?;
    check(written as usize == expected.len(), || {
        format!("snprintf returned {written}")
    })?;

    // Too small a buffer: the output is cut, the result is the length it would have had.
    let mut small = [0 as c_char; 8];
    // SAFETY: an 8-byte buffer, and `%s` with a NUL-terminated string.
    let needed = unsafe {
        snprintf(
            small.as_mut_ptr(),
            small.len(),
            c"%s".as_ptr(),
            c"a longer string".as_ptr(),
        )
    };
    // SAFETY: snprintf NUL-terminates within the buffer.
    let cut = unsafe { CStr::from_ptr(small.as_ptr()) }.to_string_lossy();
    println!("    into 8 bytes: {cut:?}, returned {needed} (the untruncated length)");
    check(cut == "a longe" && needed == 15, || {
        format!("truncated snprintf gave {cut:?} and {needed}")
    })
}

/// `errno` read on the calling thread right after a failing call.
fn errno_from_failures(libc: &Libc) -> Outcome {
    let missing = c"/nonexistent/ctypes-example/missing.txt";
    println!("errno from failing calls on {missing:?}:");

    // `#[errno]`: the method returns the result and `errno` read right after the call.
    // SAFETY: two NUL-terminated strings; fopen fails without touching anything.
    let (file, errno) = unsafe { libc.fopen(missing.as_ptr(), c"r".as_ptr()) };
    let error = io::Error::from_raw_os_error(errno);
    println!("    fopen -> {file:?}, errno {errno}: {error}");
    check(file.is_null(), || {
        "fopen of a missing file succeeded".into()
    })?;
    check(error.kind() == io::ErrorKind::NotFound, || {
        format!("fopen failed with {error}, expected ENOENT")
    })?;

    // `open` is variadic, so the library hands out its `extern "C"` pointer (`#[errno]` applies
    // to the fixed-argument methods); `ctypes_core::errno` reads the thread's errno just after.
    ctypes_core::set_errno(0);
    // SAFETY: a NUL-terminated path and O_RDONLY, which takes no mode argument.
    let fd = unsafe { (libc.open())(missing.as_ptr(), O_RDONLY) };
    let errno = ctypes_core::errno();
    let error = io::Error::from_raw_os_error(errno);
    println!("    open  -> {fd}, errno {errno}: {error}");
    check(fd == -1, || format!("open of a missing file returned {fd}"))?;
    check(error.kind() == io::ErrorKind::NotFound, || {
        format!("open failed with {error}, expected ENOENT")
    })
}
