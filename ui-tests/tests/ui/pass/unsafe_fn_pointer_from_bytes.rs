use ctypes_core::{c_struct, CConvert, CValue};

// An `unsafe extern "C" fn` may come from bytes: calling it is `unsafe`, so whether it points to
// a live function is the caller's promise.
#[c_struct]
#[derive(Clone, Copy)]
pub struct Hooks {
    pub f: Option<unsafe extern "C" fn(i32) -> i32>,
}

fn from_bytes(value: &CValue) -> Option<Hooks> {
    Hooks::from_c(value)
}

fn main() {
    let _ = from_bytes;
    let read: Option<unsafe extern "C" fn(i32) -> i32> =
        ctypes_core::__private::read_field(&[0; 8], 0);
    assert!(read.is_none());
}
