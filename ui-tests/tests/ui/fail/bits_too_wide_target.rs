use core::ffi::c_long;
use ctypes_core::c_struct;

// The width of `long` depends on the target: checked while compiling.
#[c_struct]
struct Sample {
    #[c(bits = 65)]
    a: c_long,
}

fn main() {}
