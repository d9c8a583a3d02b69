use std::ffi::{c_char, c_int};

use ctypes_core::c_func;

c_func! {
    pub type Printf = fn(*const c_char, ...) -> c_int;
}

fn main() {
    // C can call a variadic function, but a Rust closure cannot be one.
    let _ = Printf::callback(|_format| 0);
}
