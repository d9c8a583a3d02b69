#![deny(warnings)]

use ctypes_core::{c_struct, CTyped};

#[c_struct(pack = 2)]
pub struct Packed {
    pub a: u8,
    pub b: u64,
}

#[c_struct(align = 16, layout = "ms")]
pub struct Aligned {
    pub a: u8,
}

fn main() {
    assert_eq!(Packed::c_type().size().unwrap(), 10);
    assert_eq!(Aligned::c_type().align().unwrap(), 16);
}
