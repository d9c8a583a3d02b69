#![deny(warnings)]

use std::ffi::{c_int, c_void};

use ctypes_core::{c_struct, CTyped};

#[c_struct]
pub struct List {
    pub head: *mut Item,
    pub len: usize,
}

#[c_struct]
pub struct Item {
    pub value: c_int,
    pub next: *mut Item,
    pub owner: *const List,
    pub data: *mut c_void,
    pub visit: Option<extern "C" fn(*mut Item, *mut c_void) -> c_int>,
}

fn main() {
    assert_eq!(Item::c_type().size().unwrap(), 40);
    assert_eq!(List::c_type().size().unwrap(), 16);
}
