use core::ffi::c_int;
use ctypes_core::{c_library, c_longdouble, c_struct};

// Holding a `long double`, the record is passed through the call engine, as a C value; and
// with a `bool`, C's bytes might not be a valid Rust value of it.
#[c_struct]
#[derive(Clone, Copy)]
pub struct Flagged {
    pub x: c_longdouble,
    pub on: bool,
}

c_library! {
    #[library("m")]
    struct Lib {
        fn take_flagged(v: Flagged) -> c_int;
        fn make_flagged(n: c_int) -> Flagged;
    }
}

fn main() {}
