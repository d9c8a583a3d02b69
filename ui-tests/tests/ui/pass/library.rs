#![deny(warnings)]

use std::ffi::{c_char, c_int};

use ctypes_core::c_library;

c_library! {
    /// The C library.
    #[library("c", "libc.so.6")]
    pub struct Libc {
        /// Length of a C string.
        fn strlen(s: *const c_char) -> usize;
        fn printf(format: *const c_char, ...) -> c_int;
        #[errno]
        fn close(fd: c_int) -> c_int;
        #[optional]
        fn surely_not_in_libc();
        static environ: *mut *mut c_char;
    }
}

fn main() {
    // SAFETY: the C library is already loaded; the declarations match it.
    let libc = unsafe { Libc::load() }.unwrap();
    // SAFETY: a NUL-terminated string.
    assert_eq!(unsafe { libc.strlen(c"four".as_ptr()) }, 4);
    assert!(unsafe { libc.surely_not_in_libc() }.is_none());
    assert!(!libc.environ().is_null());
}
