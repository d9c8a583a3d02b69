//! `#[c_struct]`, `#[c_union]` and `#[c_enum]`: the Rust types they declare have the C layout
//! (checked at compile time), their runtime type objects equal the ones built by hand, and values
//! written through the Rust type are what C and `CData` read.

use std::ffi::{c_char, c_double, c_float, c_int, c_long, c_short, c_uchar, c_uint};

use ctypes_core::{
    c_enum, c_struct, c_union, ByteOrder, CData, CType, CTyped, Library, Scalar, Signature, Value,
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

/// `typedef struct { unsigned a : 3, b : 5, c : 8; int d : 16; } BF4;`
#[c_struct]
#[derive(Clone, Copy, Debug, PartialEq)]
struct BF4 {
    #[c(bits = 3)]
    a: c_uint,
    #[c(bits = 5)]
    b: c_uint,
    #[c(bits = 8)]
    c: c_uint,
    #[c(bits = 16)]
    d: c_int,
}

/// Bit-fields next to plain fields, unnamed padding, a zero-width bit-field, a bit-field wider
/// than 32 bits straddling bytes, all packed.
#[c_struct(pack = 1)]
#[derive(Clone, Copy)]
struct Flags {
    tag: u8,
    #[c(bits = 1)]
    on: bool,
    #[c(bits = 3)]
    _pad: u8,
    #[c(bits = 0)]
    _end: c_uint,
    #[c(bits = 1)]
    low: c_uint,
    #[c(bits = 62)]
    wide: i64,
    level: u16,
}

/// A network header: every scalar big-endian, bit-fields allocated from the most significant bit.
#[c_struct(endian = "big")]
#[derive(Clone, Copy)]
struct Header {
    magic: u32,
    port: u16,
    #[c(bits = 4)]
    version: u8,
    #[c(bits = 4)]
    ihl: u8,
    words: [u16; 2],
    length: u32,
    negative: i16,
}

#[test]
fn bit_field_records_equal_the_ones_built_by_hand() {
    let uint = || scalar(Scalar::UInt);
    let bf4 = CType::struct_builder("BF4")
        .bit_field("a", uint(), 3)
        .bit_field("b", uint(), 5)
        .bit_field("c", uint(), 8)
        .bit_field("d", scalar(Scalar::Int), 16)
        .build()
        .unwrap();
    assert_eq!(BF4::c_type().definition(), bf4.definition());
    assert_eq!(std::mem::size_of::<BF4>(), 4);
    assert_eq!(std::mem::align_of::<BF4>(), 4);

    let flags = CType::struct_builder("Flags")
        .field("tag", scalar(Scalar::UInt8))
        .bit_field("on", scalar(Scalar::Bool), 1)
        .unnamed_bit_field(scalar(Scalar::UInt8), 3)
        .unnamed_bit_field(uint(), 0)
        .bit_field("low", uint(), 1)
        .bit_field("wide", scalar(Scalar::Int64), 62)
        .field("level", scalar(Scalar::UInt16))
        .pack(1)
        .build()
        .unwrap();
    assert_eq!(Flags::c_type().definition(), flags.definition());
    assert_eq!(std::mem::size_of::<Flags>(), flags.size().unwrap());

    let header = CType::struct_builder("Header")
        .field("magic", scalar(Scalar::UInt32))
        .field("port", scalar(Scalar::UInt16))
        .bit_field("version", scalar(Scalar::UInt8), 4)
        .bit_field("ihl", scalar(Scalar::UInt8), 4)
        .field("words", scalar(Scalar::UInt16).array(2).unwrap())
        .field("length", scalar(Scalar::UInt32))
        .field("negative", scalar(Scalar::Int16))
        .byte_order(ByteOrder::Big)
        .build()
        .unwrap();
    assert_eq!(Header::c_type().definition(), header.definition());
}

/// The bytes of a macro-declared value, as a `CData` of its runtime type.
fn as_c_data<T: CTyped>(value: T) -> CData {
    let data = CData::new(&T::c_type()).unwrap();
    let address = data.addressof().unwrap().cast::<T>();
    // SAFETY: `data` is a live, aligned object of `T`'s size.
    unsafe { address.write(value) };
    data
}

#[test]
fn bit_fields_written_through_setters_read_back_through_c_data() {
    let mut v = BF4::default();
    v.set_a(5);
    v.set_b(17);
    v.set_c(200);
    v.set_d(-1234);
    assert_eq!((v.a(), v.b(), v.c(), v.d()), (5, 17, 200, -1234));
    let data = as_c_data(v);
    assert_eq!(data.get("a").unwrap(), Value::UInt(5));
    assert_eq!(data.get("b").unwrap(), Value::UInt(17));
    assert_eq!(data.get("c").unwrap(), Value::UInt(200));
    assert_eq!(data.get("d").unwrap(), Value::Int(-1234));
    // C stores the low bits: 9 in 3 bits is 1; -1 in 16 bits reads back -1, 0x8000 as -32768.
    v.set_a(9);
    assert_eq!(v.a(), 1);
    v.set_d(0x8000_u32 as c_int);
    assert_eq!(v.d(), -32768);
    assert_eq!((v.b(), v.c()), (17, 200));

    let mut f = Flags::default();
    f.set_tag(0xA5);
    f.set_on(true);
    f.set_low(1);
    f.set_wide(-(1 << 60) + 12345);
    f.set_level(0xBEEF);
    let data = as_c_data(f);
    assert_eq!(data.get("tag").unwrap(), Value::UInt(0xA5));
    assert_eq!(data.get("on").unwrap(), Value::Bool(true));
    assert_eq!(data.get("low").unwrap(), Value::UInt(1));
    assert_eq!(data.get("wide").unwrap(), Value::Int(-(1 << 60) + 12345));
    assert_eq!(data.get("level").unwrap(), Value::UInt(0xBEEF));
    // And back: what `CData` writes, the getters read.
    data.set("wide", (1_i64 << 61) - 1).unwrap();
    data.set("on", false).unwrap();
    // SAFETY: `data` holds a `Flags` (its runtime type).
    let back = unsafe { data.addressof().unwrap().cast::<Flags>().read() };
    assert_eq!(back.wide(), (1 << 61) - 1);
    assert!(!back.on());
    assert_eq!((back.tag(), back.low(), back.level()), (0xA5, 1, 0xBEEF));
}

#[test]
fn bit_field_records_cross_to_c() {
    let lib = fixture();
    let mut v = BF4::default();
    v.set_a(3);
    v.set_b(30);
    v.set_c(250);
    v.set_d(-300);
    let sum = lib.symbol("BF4_sum").unwrap();
    // SAFETY: `double BF4_sum(BF4)`, and `BF4` has the C layout (checked at compile time).
    let sum: extern "C" fn(BF4) -> f64 = unsafe { std::mem::transmute(sum) };
    assert_eq!(sum(v), leaves_sum(&[3.0, 30.0, 250.0, -300.0]));
    let bump = lib.symbol("BF4_bump").unwrap();
    // SAFETY: `BF4 BF4_bump(BF4)`.
    let bump: extern "C" fn(BF4) -> BF4 = unsafe { std::mem::transmute(bump) };
    let bumped = bump(v);
    // C wraps each field in its width: 3 + 1, (30 + 2) mod 32, (250 + 3) mod 256, -300 + 4.
    assert_eq!(
        (bumped.a(), bumped.b(), bumped.c(), bumped.d()),
        (4, 0, 253, -296)
    );
}

#[test]
fn big_endian_records_hold_network_byte_order() {
    let mut h = Header::default();
    h.set_magic(0xCAFE_BABE);
    h.set_port(8080);
    h.set_version(4);
    h.set_ihl(5);
    h.set_words([0x0102, 0x0304]);
    h.set_length(0x0A0B_0C0D);
    h.set_negative(-2);
    let mut expected = Vec::new();
    expected.extend(0xCAFE_BABE_u32.to_be_bytes());
    expected.extend(8080_u16.to_be_bytes());
    expected.push(0x45);
    expected.push(0); // padding before the array of `uint16_t`
    expected.extend([1, 2, 3, 4]);
    expected.extend(0x0A0B_0C0D_u32.to_be_bytes());
    expected.extend((-2_i16).to_be_bytes());
    expected.extend([0, 0]); // tail padding
    assert_eq!(h.as_bytes().as_slice(), expected.as_slice());
    assert_eq!(
        (h.magic(), h.port(), h.version(), h.ihl(), h.words()),
        (0xCAFE_BABE, 8080, 4, 5, [0x0102, 0x0304])
    );
    assert_eq!((h.length(), h.negative()), (0x0A0B_0C0D, -2));

    let data = as_c_data(h);
    assert_eq!(data.get("magic").unwrap(), Value::UInt(0xCAFE_BABE));
    assert_eq!(data.get("version").unwrap(), Value::UInt(4));
    assert_eq!(data.get("ihl").unwrap(), Value::UInt(5));
    assert_eq!(data.get("words[1]").unwrap(), Value::UInt(0x0304));
    assert_eq!(data.get("negative").unwrap(), Value::Int(-2));
}

#[c_struct]
struct Switches {
    #[c(bits = 3)]
    level: u8,
    on: bool,
    several: [bool; 2],
}

#[test]
fn any_bytes_read_as_valid_values() {
    // Code in the defining module can reach the bytes; C can write anything into them too.
    let mut s = Switches {
        bytes: [0xFF; 4],
        ..Default::default()
    };
    assert_eq!((s.level(), s.on(), s.several()), (7, true, [true, true]));
    s.bytes = [0, 0, 2, 0];
    assert_eq!((s.on(), s.several()), (false, [true, false]));
}
