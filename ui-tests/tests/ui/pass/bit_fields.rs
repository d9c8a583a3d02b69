#![deny(warnings)]

use core::ffi::{c_int, c_uint};
use ctypes_core::{c_enum, c_struct, c_union, CTyped};

#[c_enum(u8)]
pub enum Mode {
    Off,
    On,
}

/// `struct { int sign : 2; unsigned : 0; unsigned flag : 1; Mode mode : 2; bool b : 1; short s; }`
#[c_struct]
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Mixed {
    #[c(bits = 2)]
    pub sign: c_int,
    #[c(bits = 0)]
    _next: c_uint,
    #[c(bits = 1, name = "flag")]
    pub flag_bit: c_uint,
    #[c(bits = 2)]
    pub mode: u8,
    #[c(bits = 1)]
    pub b: bool,
    pub s: i16,
}

#[c_union(layout = "ms")]
pub union Word {
    #[c(bits = 12)]
    pub low: u16,
    pub whole: u16,
}

fn main() {
    let mut m = Mixed::default();
    m.set_sign(-1);
    m.set_flag_bit(1);
    m.set_mode(Mode::On.0);
    m.set_b(true);
    m.s = -300;
    assert_eq!(
        (m.sign(), m.flag_bit(), m.mode(), m.b(), m.s),
        (-1, 1, 1, true, -300)
    );
    assert_eq!(
        Mixed::c_type().size().unwrap(),
        core::mem::size_of::<Mixed>()
    );
    let mut w = Word::default();
    w.set_whole(0xFFFF);
    assert_eq!(w.low(), 0xFFF);
}
