//! `#[c_struct]`, `#[c_union]` and `#[c_enum]`: the Rust types they declare have the C layout
//! (checked at compile time), their runtime type objects equal the ones built by hand, and values
//! written through the Rust type are what C and `CData` read.

use std::ffi::{c_char, c_double, c_float, c_int, c_long, c_short, c_uchar};

use ctypes_core::{
    c_enum, c_struct, c_union, CData, CType, CTyped, Library, Scalar, Signature, Value,
};

#[c_struct]
#[derive(Clone, Copy, Debug, PartialEq)]
struct S32 {
    a: c_long,
    b: c_double,
    c: c_int,
    d: c_float,
    e: [c_short; 4],
}

#[c_struct]
#[derive(Clone, Copy, Debug, PartialEq)]
struct Vec2 {
    x: c_float,
    y: c_float,
}

#[c_struct]
#[derive(Clone, Copy, Debug, PartialEq)]
struct NV {
    pos: Vec2,
    id: c_int,
}

#[c_struct(pack = 1)]
#[derive(Clone, Copy)]
struct P17 {
    c: c_char,
    d: c_double,
    e: c_double,
}

#[c_union]
#[derive(Clone, Copy)]
union UC9 {
    c: [c_char; 9],
    i: c_int,
}

#[c_struct]
struct Node {
    value: c_int,
    #[c(name = "next_node")]
    next: *mut Node,
    callback: Option<extern "C" fn(*mut Node) -> c_int>,
}

#[c_struct(align = 32)]
struct Aligned {
    flag: c_uchar,
}

#[c_enum]
enum Color {
    Red,
    Green = 5,
    Blue,
}

#[c_enum(u8)]
enum Small {
    Zero,
    One,
}

fn fixture() -> Library {
    // SAFETY: the test fixture library has no initialisers.
    unsafe { Library::open(env!("CTYPES_FIXTURE")) }.expect("the fixture library loads")
}

fn scalar(s: Scalar) -> CType {
    CType::scalar(s)
}

#[test]
fn runtime_types_equal_the_ones_built_by_hand() {
    let by_hand = CType::struct_builder("S32")
        .field("a", scalar(Scalar::Long))
        .field("b", scalar(Scalar::Double))
        .field("c", scalar(Scalar::Int))
        .field("d", scalar(Scalar::Float))
        .field("e", scalar(Scalar::Short).array(4).unwrap())
        .build()
        .unwrap();
    assert_eq!(S32::c_type().definition(), by_hand.definition());
    // Records are the same object on every call (they compare by identity).
    assert_eq!(S32::c_type(), S32::c_type());
    assert_ne!(S32::c_type(), by_hand);

    let vec2 = CType::struct_builder("Vec2")
        .field("x", scalar(Scalar::Float))
        .field("y", scalar(Scalar::Float))
        .build()
        .unwrap();
    let nv = CType::struct_builder("NV")
        .field("pos", vec2)
        .field("id", scalar(Scalar::Int))
        .build()
        .unwrap();
    assert_eq!(NV::c_type().definition(), nv.definition());

    let p17 = CType::struct_builder("P17")
        .field("c", scalar(Scalar::Char))
        .field("d", scalar(Scalar::Double))
        .field("e", scalar(Scalar::Double))
        .pack(1)
        .build()
        .unwrap();
    assert_eq!(P17::c_type().definition(), p17.definition());
    assert_eq!(P17::c_type().size().unwrap(), 17);

    let uc9 = CType::union_builder("UC9")
        .field("c", scalar(Scalar::Char).array(9).unwrap())
        .field("i", scalar(Scalar::Int))
        .build()
        .unwrap();
    assert_eq!(UC9::c_type().definition(), uc9.definition());
    assert_eq!(UC9::c_type().size().unwrap(), 12);

    assert_eq!(Aligned::c_type().align().unwrap(), 32);
    assert_eq!(
        Aligned::c_type().size().unwrap(),
        std::mem::size_of::<Aligned>()
    );
}

#[test]
fn self_referential_records_and_c_names() {
    let ty = Node::c_type();
    let def = ty.as_record().unwrap().definition().unwrap();
    let names: Vec<_> = def.fields().iter().map(|f| f.name().unwrap()).collect();
    assert_eq!(names, ["value", "next_node", "callback"]);
    assert_eq!(def.fields()[1].ty().pointee().unwrap(), &ty);
    assert_eq!(
        def.fields()[2].ty().to_string(),
        "int32_t (*)(struct Node *)"
    );
    assert_eq!(def.fields()[1].offset(), std::mem::offset_of!(Node, next));
}

fn leaves_sum(leaves: &[f64]) -> f64 {
    leaves
        .iter()
        .enumerate()
        .map(|(k, v)| (k as f64 + 1.0) * v)
        .sum()
}

#[test]
fn values_cross_to_c_through_the_typed_and_the_dynamic_path() {
    let lib = fixture();
    let value = S32 {
        a: -7,
        b: 2.5,
        c: 11,
        d: -0.25,
        e: [1, -2, 3, -4],
    };
    let expected = leaves_sum(&[-7.0, 2.5, 11.0, -0.25, 1.0, -2.0, 3.0, -4.0]);

    // Typed: a plain function pointer, no libffi.
    let sum = lib.symbol("S32_sum").unwrap();
    // SAFETY: `double S32_sum(S32)`, and `S32` has the C layout (checked at compile time).
    let sum: extern "C" fn(S32) -> f64 = unsafe { std::mem::transmute(sum) };
    assert_eq!(sum(value), expected);
    let bump = lib.symbol("S32_bump").unwrap();
    // SAFETY: `S32 S32_bump(S32)`.
    let bump: extern "C" fn(S32) -> S32 = unsafe { std::mem::transmute(bump) };
    let bumped = bump(value);
    assert_eq!(
        bumped,
        S32 {
            a: -6,
            b: 4.5,
            c: 14,
            d: 3.75,
            e: [6, 4, 10, 4],
        }
    );

    // Dynamic: the same value as a memory object of the macro's runtime type.
    let data = CData::new(&S32::c_type()).unwrap();
    let address = data.addressof().unwrap().cast::<S32>();
    // SAFETY: `data` is a live, aligned object of S32's size.
    unsafe { address.write(value) };
    assert_eq!(data.get("a").unwrap(), Value::Int(-7));
    assert_eq!(data.get("e[3]").unwrap(), Value::Int(-4));
    let function = lib
        .function(
            "S32_sum",
            Signature::new(vec![S32::c_type()], scalar(Scalar::Double)),
        )
        .unwrap();
    // SAFETY: `double S32_sum(S32)`.
    let result = unsafe { function.call(&[(&data).into()]) }.unwrap();
    assert_eq!(result.as_f64(), Some(expected));
}

#[test]
fn nested_and_packed_records_reach_c_intact() {
    let lib = fixture();
    let nv = NV {
        pos: Vec2 { x: 1.5, y: -2.0 },
        id: 9,
    };
    let sum = lib.symbol("NV_sum").unwrap();
    // SAFETY: `double NV_sum(NV)`.
    let sum: extern "C" fn(NV) -> f64 = unsafe { std::mem::transmute(sum) };
    assert_eq!(sum(nv), leaves_sum(&[1.5, -2.0, 9.0]));

    let p = P17 {
        c: 3,
        d: 0.5,
        e: -8.0,
    };
    let sum = lib.symbol("P17_sum").unwrap();
    // SAFETY: `double P17_sum(P17)`, a packed record of 17 bytes (passed in memory).
    let sum: extern "C" fn(P17) -> f64 = unsafe { std::mem::transmute(sum) };
    assert_eq!(sum(p), leaves_sum(&[3.0, 0.5, -8.0]));
}

#[test]
fn unions_share_their_bytes() {
    let lib = fixture();
    let mut u = UC9 { c: [0; 9] };
    // SAFETY: writing a field of a union of plain integers.
    unsafe {
        for (k, byte) in u.c.iter_mut().enumerate() {
            *byte = (k as c_char) - 3;
        }
    }
    let sum = lib.symbol("UC9_sum").unwrap();
    // SAFETY: `double UC9_sum(UC9)`.
    let sum: extern "C" fn(UC9) -> f64 = unsafe { std::mem::transmute(sum) };
    let leaves: Vec<f64> = (0..9).map(|k| f64::from(k as i8 - 3)).collect();
    assert_eq!(sum(u), leaves_sum(&leaves));
}

#[test]
fn c_enums_are_integers_with_names() {
    assert_eq!(Color::Red.0, 0);
    assert_eq!(Color::Green.0, 5);
    assert_eq!(Color::Blue.0, 6);
    assert_eq!(format!("{:?}", Color::Blue), "Blue");
    // Any value C stores is a valid Rust value.
    assert_eq!(format!("{:?}", Color(42)), "Color(42)");
    assert_eq!(Color::c_type(), scalar(Scalar::Int));
    assert_eq!(Small::c_type(), scalar(Scalar::UInt8));
    assert_eq!(std::mem::size_of::<Small>(), 1);
    assert_eq!(Small::One.0, 1);
}

#[test]
fn macro_types_serve_as_callback_and_pointer_types() {
    let ty = <*mut NV>::c_type();
    assert_eq!(ty.to_string(), "struct NV *");
    assert_eq!(ty.pointee().unwrap(), &NV::c_type());
}

/// `typedef struct handle handle;`
#[ctypes_core::c_opaque]
pub struct Handle;

#[test]
fn opaque_types_are_only_pointed_to() {
    let ty = <*mut Handle>::c_type();
    assert_eq!(ty.to_string(), "struct Handle *");
    // Declared once, and never defined: its size is not known.
    assert_eq!(
        ty.pointee().unwrap(),
        <*const Handle>::c_type().pointee().unwrap()
    );
    assert!(!ty.pointee().unwrap().is_complete());
    assert_eq!(std::mem::size_of::<Handle>(), 0);
    // Through the trait, `c_int` is the Rust `i32`: `int32_t`, the same layout as `int`.
    assert_eq!(
        <unsafe extern "C" fn(*mut Handle) -> c_int>::c_type().to_string(),
        "int32_t (*)(struct Handle *)"
    );
}
