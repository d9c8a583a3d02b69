use core::ffi::c_int;
use ctypes_core::c_struct;

#[c_struct]
struct Sample {
    #[c(bits = 33)]
    a: c_int,
    #[c(bits = 2)]
    flag: bool,
}

fn main() {}
