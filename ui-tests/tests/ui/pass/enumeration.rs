#![deny(warnings)]

use ctypes_core::{c_enum, CTyped};

#[c_enum(u16)]
pub enum Mode {
    Off,
    On = 10,
    Auto,
}

fn main() {
    assert_eq!(Mode::Auto.0, 11);
    assert_eq!(Mode::c_type().size().unwrap(), 2);
}
