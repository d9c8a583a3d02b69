use core::ffi::c_int;
use ctypes_core::{c_func, c_struct};

c_func! {
    pub type Run = fn(c_int);
}

// C may pass a `bool` byte of 2: the record cannot become a Rust value unchecked.
#[c_struct]
#[derive(Clone, Copy)]
pub struct Flags {
    pub on: bool,
    pub count: c_int,
}

// A `c_func!` type cannot be null, and C may pass NULL.
#[c_struct]
#[derive(Clone, Copy)]
pub struct Handler {
    pub run: Run,
}

c_func! {
    pub type TakeFlags = fn(Flags) -> c_int;
    pub type MakeHandler = fn(c_int) -> Handler;
}

fn main() {}
