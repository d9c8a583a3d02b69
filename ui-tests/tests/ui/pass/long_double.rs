//! `c_longdouble` as a field, a parameter and a result, and in callbacks.
use core::ffi::c_int;
use ctypes_core::{c_func, c_library, c_longdouble, c_struct};

#[c_struct]
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct Tagged {
    pub x: c_longdouble,
    pub n: c_int,
    pub pair: [c_longdouble; 2],
}

c_func! {
    pub type Step = fn(c_longdouble, Tagged) -> Tagged;
    pub type Plain = fn(c_int) -> c_int;
}

c_library! {
    #[library("m")]
    struct Libm {
        fn sqrtl(x: c_longdouble) -> c_longdouble;
        #[errno]
        fn logl(x: c_longdouble) -> c_longdouble;
        #[optional]
        fn fold(f: Step, t: Tagged) -> Tagged;
        fn plain(f: Plain) -> f64;
    }
}

fn main() {
    let _ = Step::callback(|x, t| Tagged { x, ..t });
    let _ = Step::callback_local(|_, t| t);
    assert_eq!(size_of::<Tagged>(), 64);
}
