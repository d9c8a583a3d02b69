#![deny(warnings)]

use ctypes_core::{c_union, CTyped};

#[c_union]
#[derive(Clone, Copy)]
pub union Number {
    pub i: i64,
    pub f: f64,
    pub bytes: [u8; 8],
}

fn main() {
    assert_eq!(Number::c_type().size().unwrap(), 8);
}
