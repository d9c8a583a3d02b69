#![deny(warnings)]
#![warn(clippy::pedantic)]

use core::ffi::{c_double, c_float, c_int, c_uint};
use ctypes_core::{c_enum, c_struct, CTyped};

#[c_enum(u8)]
pub enum Mode {
    Off,
    On,
}

#[c_struct]
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Vec2 {
    pub x: c_float,
    pub y: c_float,
}

/// Plain fields of every kind around bit-field runs, which stay fields of their own types.
#[c_struct]
#[derive(Clone, Copy, Debug)]
pub struct Body {
    #[c(bits = 3)]
    pub kind: c_uint,
    pub mass: c_float,
    pub pos: Vec2,
    #[c(bits = 1)]
    pub on: bool,
    #[c(bits = 0)]
    _next: c_uint,
    #[c(bits = 5, name = "lvl")]
    pub level: c_int,
    pub mode: Mode,
    pub scale: [c_double; 2],
    pub next: *mut Body,
    pub callback: Option<extern "C" fn(*mut Body)>,
}

/// Packed, and in Microsoft's layout: storage units longer than the bits they hold.
#[c_struct(pack = 1, layout = "ms")]
#[derive(Clone, Copy)]
pub struct Packed {
    pub tag: u8,
    #[c(bits = 4)]
    pub low: u32,
    pub value: f64,
    #[c(bits = 2)]
    pub high: u16,
}

#[c_struct(align = 16)]
pub struct Aligned {
    pub value: f32,
    #[c(bits = 2)]
    pub flags: u8,
    pub inner: Body,
}

fn main() {
    let mut b = Body {
        mass: 2.5,
        pos: Vec2 { x: 1.0, y: -1.0 },
        ..Body::default()
    };
    b.set_kind(5);
    b.set_on(true);
    b.set_level(-3);
    b.mode = Mode::On;
    assert_eq!((b.kind(), b.on(), b.level(), b.mass), (5, true, -3, 2.5));
    assert_eq!(Body::c_type().size().unwrap(), core::mem::size_of::<Body>());

    let mut p = Packed::default();
    p.set_low(9);
    p.set_high(3);
    p.value = 0.5;
    assert_eq!((p.low(), p.high(), { p.value }), (9, 3, 0.5));
    assert_eq!(
        Packed::c_type().size().unwrap(),
        core::mem::size_of::<Packed>()
    );

    let mut a = Aligned::default();
    a.set_flags(2);
    a.inner.set_kind(1);
    assert_eq!((a.flags(), a.inner.kind(), a.value), (2, 1, 0.0));
    assert_eq!(core::mem::align_of::<Aligned>(), 16);
}
