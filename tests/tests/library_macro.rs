//! `c_library!`: a library's functions and globals declared once, loaded with every symbol
//! checked, called through plain function pointers.

use std::ffi::{c_char, c_int, c_uint, c_ulong, CStr};

use ctypes_core::{c_library, CType, Error, Scalar, Value};

c_library! {
    /// zlib, found as the loader would find it.
    #[library("z", "libz.so.1")]
    pub struct Zlib {
        fn zlibVersion() -> *const c_char;
        fn crc32(crc: c_ulong, buf: *const u8, len: c_uint) -> c_ulong;
        fn compressBound(source_len: c_ulong) -> c_ulong;
        #[optional]
        fn no_such_zlib_function(x: c_int) -> c_int;
    }
}

c_library! {
    #[library("c", "libc.so.6")]
    struct Libc {
        fn strlen(s: *const c_char) -> usize;
        fn abs(x: c_int) -> c_int;
        fn snprintf(buf: *mut c_char, size: usize, format: *const c_char, ...) -> c_int;
        #[errno]
        fn close(fd: c_int) -> c_int;
        #[errno]
        fn open(path: *const c_char, flags: c_int, ...) -> c_int;
    }
}

c_library! {
    #[library("ctypes_fixture")]
    struct Fixture {
        fn add(a: c_int, b: c_int) -> c_int;
        fn get_counter() -> c_int;
        fn bump_counter();
        static g_counter: c_int;
        static g_array: [c_int; 8];
        #[optional]
        static g_absent: c_int;
    }
}

c_library! {
    #[library("c")]
    struct Wishful {
        fn strlen(s: *const c_char) -> usize;
        fn surely_missing_one(x: c_int) -> c_int;
        fn surely_missing_two();
        static surely_missing_three: c_int;
    }
}

#[test]
fn zlib_through_typed_calls() {
    // SAFETY: zlib's initialisers are harmless; the declarations match zlib.h.
    let zlib = unsafe { Zlib::load() }.expect("zlib is installed");
    // SAFETY: zlibVersion returns a static NUL-terminated string.
    let version = unsafe { CStr::from_ptr(zlib.zlibVersion()) }
        .to_str()
        .unwrap();
    assert!(version.starts_with("1."), "{version}");
    let data = b"123456789";
    // SAFETY: a valid buffer of `len` bytes. 0xCBF43926 is CRC-32's published check value.
    let crc = unsafe { zlib.crc32(0, data.as_ptr(), data.len() as c_uint) };
    assert_eq!(crc, 0xCBF4_3926);
    // SAFETY: plain arithmetic in C.
    assert!(unsafe { zlib.compressBound(1000) } > 1000);
    // SAFETY: absent, so nothing is called.
    assert_eq!(unsafe { zlib.no_such_zlib_function(1) }, None);
}

#[test]
fn the_same_functions_are_available_for_dynamic_calls() {
    // SAFETY: as above.
    let zlib = unsafe { Zlib::load() }.expect("zlib is installed");
    let crc32 = zlib.crc32_function().unwrap();
    assert_eq!(crc32.signature().result(), &CType::scalar(Scalar::ULong));
    let data = b"123456789";
    // SAFETY: crc32's signature, with a valid buffer.
    let crc = unsafe { crc32.call(&[0u64.into(), (&data[..]).into(), 9u32.into()]) }.unwrap();
    // `&[u8]` is passed as a NUL-terminated copy, so the first 9 bytes are the data.
    assert_eq!(crc.value(), Some(Value::UInt(0xCBF4_3926)));
}

#[test]
fn libc_variadic_and_errno() {
    // SAFETY: the C library is already loaded.
    let libc = unsafe { Libc::load() }.expect("libc loads");
    let mut buffer = [0 as c_char; 32];
    let snprintf = libc.snprintf();
    // SAFETY: a 32-byte buffer and a format matching its arguments.
    let written = unsafe {
        snprintf(
            buffer.as_mut_ptr(),
            32,
            c"%d-%s".as_ptr(),
            7 as c_int,
            c"x".as_ptr(),
        )
    };
    assert_eq!(written, 3);
    // SAFETY: snprintf wrote a NUL-terminated string.
    assert_eq!(unsafe { libc.strlen(buffer.as_ptr()) }, 3);
    // SAFETY: plain arithmetic.
    assert_eq!(unsafe { libc.abs(-12) }, 12);
    // SAFETY: closing a descriptor that is not open only fails.
    let (result, errno) = unsafe { libc.close(-1) };
    assert_eq!((result, errno), (-1, libc::EBADF));
}

#[test]
fn globals_are_reached_by_address() {
    // SAFETY: the fixture has no initialisers; the declarations match fixture.c.
    let fixture = unsafe { Fixture::load_from(&[env!("CTYPES_FIXTURE")]) }.expect("fixture loads");
    // SAFETY: plain arithmetic.
    assert_eq!(unsafe { fixture.add(2, 40) }, 42);
    let counter = fixture.g_counter();
    // SAFETY: the global is an int, and no other thread of this test touches it.
    unsafe {
        let before = *counter;
        fixture.bump_counter();
        assert_eq!(*counter, before + 1);
        *counter = 1000;
        assert_eq!(fixture.get_counter(), 1000);
        assert_eq!((*fixture.g_array())[7], 8);
    }
    assert!(fixture.g_absent().is_none());
}

#[test]
fn every_missing_symbol_is_reported_at_once() {
    // SAFETY: as above.
    let err = unsafe { Wishful::load() }.unwrap_err();
    assert!(matches!(err, Error::MissingSymbols { .. }));
    let message = err.to_string();
    assert!(
        message.ends_with(
            "lacks symbols: surely_missing_one, surely_missing_two, surely_missing_three"
        ),
        "{message}"
    );
}

#[test]
fn a_library_that_is_not_there_names_what_was_tried() {
    // SAFETY: nothing loads.
    let err = unsafe { Zlib::load_from(&["no_such_library_a", "/nowhere/libb.so"]) }.unwrap_err();
    let message = err.to_string();
    assert!(
        message.starts_with("cannot load library `no_such_library_a | /nowhere/libb.so`"),
        "{message}"
    );
    assert!(message.contains("libno_such_library_a.so"), "{message}");
    assert!(message.contains("/nowhere/libb.so"), "{message}");
}

#[test]
fn a_variadic_function_with_errno_is_called_through_a_closure() {
    // SAFETY: the C library's declarations.
    let libc = unsafe { Libc::load() }.unwrap();
    let path = c"/nonexistent/ctypes-errno-test";
    // SAFETY: `int open(const char *, int, ...)`, with no mode for O_RDONLY.
    let (fd, errno) = libc.open(|open| unsafe { open(path.as_ptr(), 0) });
    assert_eq!((fd, errno), (-1, 2), "ENOENT");
    // SAFETY: as above, with a mode for O_CREAT, in a directory that does not exist.
    let (fd, errno) = libc.open(|open| unsafe { open(path.as_ptr(), 0o100, 0o600 as c_uint) });
    assert_eq!((fd, errno), (-1, 2));
}
