#![deny(warnings)]

use std::ffi::{c_int, c_void};

use ctypes_core::{c_func, CTyped};

c_func! {
    /// A visitor with user data.
    pub type Visit = fn(#[user_data] *mut c_void, c_int) -> c_int;
    pub type Notify = fn(c_int);
}

fn main() {
    let mut total = 0;
    let mut add = |x: c_int| {
        total += x;
        total
    };
    let visit = Visit::for_closure(&add);
    let data = Visit::user_data(&mut add);
    // SAFETY: the trampoline receives the closure it was made for.
    assert_eq!(unsafe { visit.call(data, 5) }, 5);
    let notify = Notify::callback(|_| {}).unwrap();
    // SAFETY: a live callback.
    unsafe { notify.get().call(1) };
    assert_eq!(Visit::c_type().to_string(), "int (*)(void *, int)");
}
