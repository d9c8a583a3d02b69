#![deny(warnings)]
#![warn(clippy::pedantic)]

use core::ffi::{c_double, c_float, c_int, c_void};
use ctypes_core::{c_enum, c_func, c_struct};

#[c_enum]
pub enum Kind {
    Point,
    Line,
}

#[c_struct]
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Vec2 {
    pub x: c_float,
    pub y: c_float,
}

/// Every kind of field whose every bit pattern is valid.
#[c_struct]
#[derive(Clone, Copy)]
pub struct Shape {
    pub kind: Kind,
    pub points: [Vec2; 2],
    pub next: *mut Shape,
    pub on_draw: Option<unsafe extern "C" fn(*mut Shape)>,
    pub weight: c_double,
}

/// Bit-fields around plain fields; a `bool` bit-field is read through its accessor.
#[c_struct]
#[derive(Clone, Copy)]
pub struct Tagged {
    #[c(bits = 3)]
    pub tag: u8,
    #[c(bits = 1)]
    pub on: bool,
    pub at: Vec2,
}

#[c_struct(pack = 1)]
#[derive(Clone, Copy)]
pub struct Packed {
    pub a: u8,
    pub b: c_double,
}

/// Kept as bytes: any bytes are a value.
#[c_struct(endian = "big")]
#[derive(Clone, Copy)]
pub struct Wire {
    pub port: u16,
    #[c(bits = 4)]
    pub version: u8,
}

c_func! {
    pub type Draw = fn(Shape, Tagged) -> Tagged;
    pub type Pack = fn(Packed, #[user_data] *mut c_void) -> Packed;
    pub type Send = fn(Wire) -> c_int;
}

/// Records with alignment fields are FFI-safe to rustc's lints.
extern "C" fn first(tagged: Tagged, _wire: Wire) -> Tagged {
    tagged
}

fn main() {
    let draw = Draw::callback(|shape, mut tagged| {
        tagged.set_tag(tagged.tag() + 1);
        tagged.at = shape.points[1];
        tagged
    })
    .unwrap();
    let shape = Shape {
        kind: Kind::Line,
        points: [Vec2 { x: 1.0, y: 2.0 }, Vec2 { x: 3.0, y: 4.0 }],
        next: core::ptr::null_mut(),
        on_draw: None,
        weight: 0.5,
    };
    // SAFETY: a live callback of this type.
    let tagged = unsafe { draw.get().call(shape, Tagged::default()) };
    assert_eq!((tagged.tag(), tagged.at), (1, Vec2 { x: 3.0, y: 4.0 }));

    let mut double = |p: Packed| Packed {
        a: p.a * 2,
        b: p.b * 2.0,
    };
    let pack = Pack::for_closure(&double);
    let data = Pack::user_data(&mut double);
    // SAFETY: the closure is borrowed for the call.
    let packed = unsafe { (pack.0)(Packed { a: 2, b: 1.5 }, data) };
    assert_eq!((packed.a, { packed.b }), (4, 3.0));

    let send = Send::callback_local(|w| c_int::from(w.port())).unwrap();
    let mut wire = Wire::default();
    wire.set_port(80);
    // SAFETY: a live callback of this type.
    assert_eq!(unsafe { send.get().call(wire) }, 80);
    assert_eq!(first(tagged, wire).tag(), 1);
}
