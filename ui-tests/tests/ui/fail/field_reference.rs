use std::ffi::c_int;

use ctypes_core::c_struct;

#[c_struct]
struct Holder {
    value: &'static c_int,
}

fn main() {}
