//! `#[c_struct]`, `#[c_union]` and `#[c_enum]`: the Rust types they declare have the C layout
//! (checked at compile time), their runtime type objects equal the ones built by hand, and values
//! written through the Rust type are what C and `CData` read.

use std::ffi::{
    c_char, c_double, c_float, c_int, c_long, c_longlong, c_schar, c_short, c_uchar, c_uint,
    c_ulong, c_ulonglong,
};

use ctypes_core::{
    c_enum, c_func, c_library, c_struct, c_union, ByteOrder, CData, CType, CTyped, CValue, Library,
    Scalar, Signature, Value,
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

    let mut f = Flags {
        tag: 0xA5,
        level: 0xBEEF,
        ..Default::default()
    };
    f.set_on(true);
    f.set_low(1);
    f.set_wide(-(1 << 60) + 12345);
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
    // Plain fields of a packed record, copied out rather than borrowed.
    assert_eq!(
        ({ back.tag }, back.low(), { back.level }),
        (0xA5, 1, 0xBEEF)
    );
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
    #[c(bits = 1)]
    on: bool,
    #[c(bits = 4)]
    _rest: u8,
    plain: u16,
}

#[test]
fn any_bytes_read_as_valid_values() {
    // C can write anything into a bit-field's bytes: the accessors read any of them.
    let mut s = Switches {
        plain: 7,
        ..Default::default()
    };
    let ty = Switches::c_type();
    let definition = ty.as_record().unwrap().definition().unwrap();
    assert_eq!(definition.fields()[0].offset(), 0);
    // SAFETY: the first byte of `s` holds the bit-fields' storage, a byte array.
    unsafe { std::ptr::from_mut(&mut s).cast::<u8>().write(0xFF) };
    assert_eq!((s.level(), s.on(), s.plain), (7, true, 7));
    s.set_on(false);
    s.set_level(2);
    assert_eq!((s.level(), s.on()), (2, false));
}

// Records mixing bit-fields with floating and record members (tests/c/macro_records.c): plain
// fields stay fields of their own types, so C's calling convention sees floats as floats.

#[c_struct]
#[derive(Clone, Copy, Debug, PartialEq)]
struct MrVec2 {
    x: c_float,
    y: c_float,
}

/// Integer-class then floating-class eightbyte: passed in one integer and one float register.
#[c_struct]
#[derive(Clone, Copy, Debug, PartialEq)]
struct MrSmall {
    #[c(bits = 4)]
    tag: c_uint,
    #[c(bits = 12)]
    level: c_int,
    weight: c_float,
    scale: c_double,
}

/// A nested record of floats (floating class) before bit-fields (integer class).
#[c_struct]
#[derive(Clone, Copy, Debug, PartialEq)]
struct MrPoint {
    pos: MrVec2,
    #[c(bits = 7)]
    id: c_uint,
    #[c(bits = 9)]
    dz: c_int,
}

/// Every kind of member; passed in memory.
#[c_struct]
#[derive(Clone, Copy, Debug, PartialEq)]
struct MrItem {
    #[c(bits = 3)]
    kind: c_uchar,
    #[c(bits = 5)]
    delta: c_schar,
    weight: c_float,
    pos: MrVec2,
    #[c(bits = 40)]
    big: c_ulonglong,
    #[c(bits = 1)]
    on: bool,
    scale: c_double,
    count: c_short,
}

/// A gap before the bit-field storage, in a floating-class eightbyte: Rust's own alignment puts
/// the storage there, not padding bytes (which would count as integer data).
#[c_struct]
#[derive(Clone, Copy, Debug, PartialEq)]
struct MrGap {
    f: c_float,
    #[c(bits = 40)]
    a: c_longlong,
}

c_library! {
    #[library("ctypes_fixture")]
    struct MacroRecords {
        fn MrGap_sum(g: MrGap) -> c_double;
        fn MrGap_bump(g: MrGap) -> MrGap;
        fn MrSmall_sum(s: MrSmall) -> c_double;
        fn MrSmall_sum_ptr(s: *const MrSmall) -> c_double;
        fn MrSmall_bump(s: MrSmall) -> MrSmall;
        fn MrSmall_bump_ptr(s: *mut MrSmall);
        fn MrSmall_make(tag: c_uint, level: c_int, weight: c_float, scale: c_double) -> MrSmall;
        fn MrPoint_sum(p: MrPoint) -> c_double;
        fn MrPoint_sum_ptr(p: *const MrPoint) -> c_double;
        fn MrPoint_bump(p: MrPoint) -> MrPoint;
        fn MrPoint_bump_ptr(p: *mut MrPoint);
        fn MrItem_sum(i: MrItem) -> c_double;
        fn MrItem_sum_ptr(i: *const MrItem) -> c_double;
        fn MrItem_bump(i: MrItem) -> MrItem;
        fn MrItem_bump_ptr(i: *mut MrItem);
        fn MrItem_layout(which: c_int) -> c_ulong;
    }
}

c_func! {
    type SmallSum = fn(MrSmall) -> c_double;
    type PointBump = fn(MrPoint) -> MrPoint;
}

fn macro_records() -> MacroRecords {
    // SAFETY: the test fixture library has no initialisers; the declarations match
    // tests/c/macro_records.c.
    unsafe { MacroRecords::load_from(&[env!("CTYPES_FIXTURE")]) }
        .expect("the fixture library loads")
}

fn small(tag: c_uint, level: c_int, weight: c_float, scale: c_double) -> MrSmall {
    let mut s = MrSmall {
        weight,
        scale,
        ..Default::default()
    };
    s.set_tag(tag);
    s.set_level(level);
    s
}

fn small_sum(s: &MrSmall) -> f64 {
    f64::from(s.tag()) + 2.0 * f64::from(s.level()) + 3.0 * f64::from(s.weight) + 4.0 * s.scale
}

fn point(x: c_float, y: c_float, id: c_uint, dz: c_int) -> MrPoint {
    let mut p = MrPoint {
        pos: MrVec2 { x, y },
        ..Default::default()
    };
    p.set_id(id);
    p.set_dz(dz);
    p
}

fn point_sum(p: &MrPoint) -> f64 {
    f64::from(p.pos.x)
        + 2.0 * f64::from(p.pos.y)
        + 3.0 * f64::from(p.id())
        + 4.0 * f64::from(p.dz())
}

fn item() -> MrItem {
    let mut i = MrItem {
        weight: 1.75,
        pos: MrVec2 { x: -3.5, y: 0.125 },
        scale: 6.25,
        count: -12,
        ..Default::default()
    };
    i.set_kind(5);
    i.set_delta(-9);
    i.set_big(0xAB_CDEF_0123);
    i.set_on(true);
    i
}

fn item_sum(i: &MrItem) -> f64 {
    f64::from(i.kind())
        + 2.0 * f64::from(i.delta())
        + 3.0 * f64::from(i.weight)
        + 4.0 * f64::from(i.pos.x)
        + 5.0 * f64::from(i.pos.y)
        + 6.0 * i.big() as f64
        + 7.0 * f64::from(u8::from(i.on()))
        + 8.0 * i.scale
        + 9.0 * f64::from(i.count)
}

#[test]
fn records_with_bit_fields_and_floats_have_the_c_layout() {
    let lib = macro_records();
    // SAFETY: plain C functions of an `int`.
    let c = |which| unsafe { lib.MrItem_layout(which) } as usize;
    assert_eq!(std::mem::size_of::<MrItem>(), c(0));
    assert_eq!(std::mem::align_of::<MrItem>(), c(1));
    assert_eq!(std::mem::offset_of!(MrItem, weight), c(2));
    assert_eq!(std::mem::offset_of!(MrItem, pos), c(3));
    assert_eq!(std::mem::offset_of!(MrItem, scale), c(4));
    assert_eq!(std::mem::offset_of!(MrItem, count), c(5));
    assert_eq!(MrItem::c_type().size().unwrap(), c(0));

    let by_hand = CType::struct_builder("MrSmall")
        .bit_field("tag", scalar(Scalar::UInt), 4)
        .bit_field("level", scalar(Scalar::Int), 12)
        .field("weight", scalar(Scalar::Float))
        .field("scale", scalar(Scalar::Double))
        .build()
        .unwrap();
    assert_eq!(MrSmall::c_type().definition(), by_hand.definition());
    assert_eq!(std::mem::size_of::<MrSmall>(), 16);
    assert_eq!(std::mem::size_of::<MrPoint>(), 12);
}

#[test]
fn records_with_bit_fields_and_floats_cross_by_value_through_typed_calls() {
    let lib = macro_records();
    let s = small(9, -1234, 2.5, -0.75);
    // SAFETY: the declarations match the fixture; records are passed by value.
    unsafe {
        assert_eq!(lib.MrSmall_sum(s), small_sum(&s));
        let bumped = lib.MrSmall_bump(s);
        // C wraps `tag` in its 4 bits: 9 + 1 = 10; the other members as computed.
        assert_eq!(bumped, small(10, -1237, 5.0, -0.25));
        assert_eq!(
            (bumped.tag(), bumped.level(), bumped.weight, bumped.scale),
            (10, -1237, 5.0, -0.25)
        );
        let made = lib.MrSmall_make(3, 2047, -1.5, 1e10);
        assert_eq!(made, small(3, 2047, -1.5, 1e10));
        // 16 wraps to 0 in 4 bits; 2048 to -2048 in 12 signed bits (C's conversion).
        let wrapped = lib.MrSmall_make(16, 2048, 0.0, 0.0);
        assert_eq!((wrapped.tag(), wrapped.level()), (0, -2048));

        let p = point(1.5, -2.25, 100, -200);
        assert_eq!(lib.MrPoint_sum(p), point_sum(&p));
        // id: 100 + 5 = 105 fits 7 bits; dz: -200 - 7 = -207 fits 9 signed bits.
        assert_eq!(lib.MrPoint_bump(p), point(2.5, 2.25, 105, -207));

        let mut g = MrGap {
            f: 1.5,
            ..Default::default()
        };
        g.set_a(-(1 << 38));
        assert_eq!(lib.MrGap_sum(g), 1.5 + 2.0 * -(2.0_f64.powi(38)));
        let mut expected = MrGap { f: 6.0, ..g };
        expected.set_a(-(1 << 38) - 1);
        let bumped = lib.MrGap_bump(g);
        assert_eq!(bumped, expected);
        assert_eq!((bumped.f, bumped.a()), (6.0, -(1 << 38) - 1));

        let i = item();
        assert_eq!(lib.MrItem_sum(i), item_sum(&i));
        let mut expected = MrItem {
            weight: 2.0,
            pos: MrVec2 { x: -7.0, y: -0.875 },
            scale: 3.125,
            count: -9,
            ..i
        };
        // kind 5 + 1 = 6; delta -9 - 1 = -10; big + 1000; `on` negated.
        expected.set_kind(6);
        expected.set_delta(-10);
        expected.set_big(0xAB_CDEF_0123 + 1000);
        expected.set_on(false);
        assert_eq!(lib.MrItem_bump(i), expected);
    }
}

#[test]
fn records_with_bit_fields_and_floats_cross_by_pointer() {
    let lib = macro_records();
    let mut s = small(7, 300, 0.5, 8.0);
    let mut p = point(-4.0, 0.5, 127, 255);
    let mut i = item();
    // SAFETY: valid pointers to live records of the types C expects.
    unsafe {
        assert_eq!(lib.MrSmall_sum_ptr(&s), small_sum(&s));
        lib.MrSmall_bump_ptr(&mut s);
        assert_eq!(s, small(8, 297, 1.0, 8.5));
        assert_eq!(lib.MrPoint_sum_ptr(&p), point_sum(&p));
        lib.MrPoint_bump_ptr(&mut p);
        // id 127 + 5 wraps to 4 in 7 bits; dz 255 - 7 = 248.
        assert_eq!(p, point(-3.0, -0.5, 4, 248));
        assert_eq!(lib.MrItem_sum_ptr(&i), item_sum(&i));
        let by_value = lib.MrItem_bump(i);
        lib.MrItem_bump_ptr(&mut i);
        assert_eq!(i, by_value);
    }
}

#[test]
fn records_with_bit_fields_and_floats_cross_through_function_types() {
    let lib = fixture();
    let sum = SmallSum::signature();
    assert_eq!(sum.args(), &[MrSmall::c_type()]);
    // SAFETY: the symbols are functions of these types (and `lib` outlives their use).
    let (sum, bump) = unsafe {
        (
            SmallSum::from_address(lib.symbol("MrSmall_sum").unwrap()),
            PointBump::from_address(lib.symbol("MrPoint_bump").unwrap()),
        )
    };
    let s = small(15, -2048, -8.5, 0.125);
    let p = point(0.25, 4.0, 0, 0);
    // SAFETY: live functions of the declared types.
    unsafe {
        assert_eq!(sum.call(s), small_sum(&s));
        assert_eq!(bump.call(p), point(1.25, -4.0, 5, -7));
    }
}

#[test]
fn records_with_bit_fields_and_floats_cross_through_c_data() {
    let lib = fixture();
    let s = small(4, -5, 0.25, 3.5);
    let data = as_c_data(s);
    // What Rust wrote, `CData` reads.
    assert_eq!(data.get("tag").unwrap(), Value::UInt(4));
    assert_eq!(data.get("level").unwrap(), Value::Int(-5));
    assert_eq!(data.get("weight").unwrap().as_f64(), Some(0.25));
    let sum = lib
        .function(
            "MrSmall_sum",
            Signature::new(vec![MrSmall::c_type()], scalar(Scalar::Double)),
        )
        .unwrap();
    // SAFETY: `double MrSmall_sum(MrSmall)`.
    let result = unsafe { sum.call(&[(&data).into()]) }.unwrap();
    assert_eq!(result.as_f64(), Some(small_sum(&s)));

    let bump = lib
        .function(
            "MrPoint_bump",
            Signature::new(vec![MrPoint::c_type()], MrPoint::c_type()),
        )
        .unwrap();
    let p = point(-1.0, 3.0, 64, -256);
    // SAFETY: `MrPoint MrPoint_bump(MrPoint)`.
    let result = unsafe { bump.call(&[(&as_c_data(p)).into()]) }.unwrap();
    let CValue::Data(bumped) = result else {
        panic!("a record result is data: {result:?}")
    };
    // What `CData` holds, the Rust type reads: C's answer.
    // SAFETY: `bumped` holds an `MrPoint` (its runtime type).
    let back = unsafe { bumped.addressof().unwrap().cast::<MrPoint>().read() };
    assert_eq!(back, point(0.0, -3.0, 69, -263 + 512));
    assert_eq!(bumped.get("dz").unwrap(), Value::Int(-263 + 512));

    let i = item();
    let sum = lib
        .function(
            "MrItem_sum",
            Signature::new(vec![MrItem::c_type()], scalar(Scalar::Double)),
        )
        .unwrap();
    // SAFETY: `double MrItem_sum(MrItem)`.
    let result = unsafe { sum.call(&[(&as_c_data(i)).into()]) }.unwrap();
    assert_eq!(result.as_f64(), Some(item_sum(&i)));
}

#[c_struct]
#[derive(Clone, Copy, Debug)]
struct MzGap {
    f: c_float,
    #[c(bits = 0)]
    _z: c_longlong,
    g: c_float,
}

#[c_struct]
#[derive(Clone, Copy)]
struct MzBits {
    f: c_float,
    #[c(bits = 0)]
    _z: c_longlong,
    #[c(bits = 3)]
    b: c_uchar,
}

#[c_struct]
#[derive(Clone, Copy)]
struct MzTail {
    f: c_float,
    g: c_float,
    h: c_float,
    #[c(bits = 0)]
    _z: c_longlong,
}

c_library! {
    #[library("ctypes_fixture")]
    struct ZeroWidth {
        fn MzGap_make(f: c_float, g: c_float) -> MzGap;
        fn MzGap_sum(s: MzGap) -> c_double;
        fn MzGap_size() -> usize;
        fn MzGap_g() -> usize;
        fn MzBits_sum(s: MzBits) -> c_double;
        fn MzBits_size() -> usize;
        fn MzTail_sum(s: MzTail) -> c_double;
        fn MzTail_size() -> usize;
    }
}

/// Padding Rust must add where a zero-width bit-field moves a member past the record's
/// alignment lies in an eightbyte of floats: made of floats, it leaves that eightbyte in a
/// floating register, as C passes it (bytes would move it to an integer register).
#[test]
fn padding_in_an_eightbyte_of_floats_passes_as_c_passes_it() {
    // SAFETY: the fixture has no initialisers; the declarations match macro_records.c.
    let lib = unsafe { ZeroWidth::load_from(&[env!("CTYPES_FIXTURE")]) }.expect("fixture loads");
    // SAFETY: the declarations match, and the functions take and return plain values.
    unsafe {
        assert_eq!(lib.MzGap_size(), std::mem::size_of::<MzGap>());
        assert_eq!(lib.MzGap_g(), std::mem::offset_of!(MzGap, g));
        assert_eq!(lib.MzBits_size(), std::mem::size_of::<MzBits>());
        assert_eq!(lib.MzTail_size(), std::mem::size_of::<MzTail>());

        let made = lib.MzGap_make(1.5, 2.25);
        assert_eq!((made.f, made.g), (1.5, 2.25), "returned by value");
        let gap = MzGap {
            f: 1.5,
            g: 2.25,
            ..MzGap::default()
        };
        assert_eq!(lib.MzGap_sum(gap), 3.75, "passed by value");

        let mut bits = MzBits {
            f: 1.5,
            ..MzBits::default()
        };
        bits.set_b(5);
        assert_eq!(bits.b(), 5);
        assert_eq!(lib.MzBits_sum(bits), 6.5);

        let tail = MzTail {
            f: 1.0,
            g: 2.0,
            h: 4.0,
            ..MzTail::default()
        };
        assert_eq!(lib.MzTail_sum(tail), 7.0);
    }
}
