use std::cell::Cell;
use std::rc::Rc;

use core::ffi::c_int;
use ctypes_core::c_func;

c_func! {
    pub type Visit = fn(c_int) -> c_int;
}

fn main() {
    // A `c_func!` type's `callback` needs the same as `Callback::new`; the error leads to
    // `callback_local`.
    let count = Rc::new(Cell::new(0));
    let _ = Visit::callback(move |x| {
        count.set(count.get() + x);
        x
    });
}
