#![deny(warnings)]

use std::ffi::{c_char, c_double, c_int};

use ctypes_core::{c_struct, CTyped};

#[c_struct]
#[derive(Clone, Copy, Debug)]
pub struct Sample {
    pub tag: c_char,
    pub value: c_double,
    pub counts: [[c_int; 3]; 2],
}

fn main() {
    assert_eq!(Sample::c_type().size().unwrap(), 40);
}
