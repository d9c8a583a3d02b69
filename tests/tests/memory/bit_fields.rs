//! Bit-fields: sign extension, writes that leave their neighbours alone, zero-width ones.

use super::*;

#[repr(C)]
struct Bits {
    raw: u32,
}

fn bits_type(order: ByteOrder) -> CType {
    CType::struct_builder("bits")
        .bit_field("a", scalar(Scalar::Int), 3)
        .bit_field("b", scalar(Scalar::UInt), 5)
        .bit_field("c", scalar(Scalar::Int), 7)
        .bit_field("d", scalar(Scalar::Bool), 1)
        .bit_field("e", scalar(Scalar::UInt), 16)
        .byte_order(order)
        .build()
        .unwrap()
}

#[test]
fn signed_bit_fields_read_sign_extended() {
    let ty = bits_type(ByteOrder::Little);
    assert_eq!(ty.size().unwrap(), size_of::<Bits>());
    let data = CData::new(&ty).unwrap();
    // a = 0b100 (-4), b = 0b10001 (17), c = 0b1000001 (-63), d = 1, e = 0xbeef: packed from
    // bit 0 up in a little-endian 32-bit unit.
    let raw: u32 = 0b100 | (0b10001 << 3) | (0b100_0001 << 8) | (1 << 15) | (0xbeef << 16);
    data.write_bytes(0, &raw.to_le_bytes()).unwrap();
    assert_eq!(data.get("a").unwrap(), Value::Int(-4));
    assert_eq!(data.get("b").unwrap(), Value::UInt(17));
    assert_eq!(data.get("c").unwrap(), Value::Int(-63));
    assert_eq!(data.get("d").unwrap(), Value::Bool(true));
    assert_eq!(data.get("e").unwrap(), Value::UInt(0xbeef));

    data.set("a", 3).unwrap();
    assert_eq!(data.get("a").unwrap(), Value::Int(3));
    assert_eq!(
        data.set("a", 4).unwrap_err().to_string(),
        "value 4 does not fit in `int : 3`"
    );
    assert_eq!(
        data.set("a", -5).unwrap_err().to_string(),
        "value -5 does not fit in `int : 3`"
    );
    assert_eq!(
        data.set("b", 32).unwrap_err().to_string(),
        "value 32 does not fit in `unsigned int : 5`"
    );
    assert_eq!(
        data.set("b", -1).unwrap_err().to_string(),
        "value -1 does not fit in `unsigned int : 5`"
    );
    data.set_wrapping("a", 4).unwrap();
    assert_eq!(data.get("a").unwrap(), Value::Int(-4));
    data.set_wrapping("b", -1).unwrap();
    assert_eq!(data.get("b").unwrap(), Value::UInt(31));
    // A bit-field view is not addressable.
    let a = data.field("a").unwrap();
    assert!(a.is_bit_field());
    assert!(a.addressof().is_err());
    assert!(a.cast(&scalar(Scalar::Int)).is_err());
    assert!(CData::pointer_to(&a).is_err());
}

#[test]
fn bit_field_writes_leave_neighbouring_bits_alone() {
    let data = CData::new(&bits_type(ByteOrder::Little)).unwrap();
    let fields: [(&str, u32, u32); 5] = [
        ("a", 0, 3),
        ("b", 3, 5),
        ("c", 8, 7),
        ("d", 15, 1),
        ("e", 16, 16),
    ];
    for (name, position, width) in fields {
        memset(&data, 0xff, 4).unwrap();
        data.set(name, 0).unwrap();
        let mask = (((1u64 << width) - 1) << position) as u32;
        let expected = !mask;
        assert_eq!(
            data.to_bytes(),
            expected.to_le_bytes(),
            "clearing {name} in ones"
        );
        memset(&data, 0, 4).unwrap();
        data.set_wrapping(name, -1).unwrap();
        assert_eq!(
            data.to_bytes(),
            mask.to_le_bytes(),
            "setting {name} in zeros"
        );
    }
}

#[test]
fn zero_width_bit_fields_are_harmless_to_touch() {
    let ty = CType::struct_builder("z")
        .bit_field("a", scalar(Scalar::Int), 3)
        .unnamed_bit_field(scalar(Scalar::Int), 0)
        .bit_field("b", scalar(Scalar::Int), 3)
        .build()
        .unwrap();
    let data = CData::new(&ty).unwrap();
    memset(&data, 0xff, data.size()).unwrap();
    let zero = data.field_at(1).unwrap();
    assert_eq!(zero.value().unwrap(), Value::Int(0));
    assert!(zero.set_value(1).is_err());
    assert!(!format!("{zero:?}").is_empty());
    assert_eq!(data.to_bytes(), vec![0xff; data.size()]);
}
