//! Builds C types at run time, with no macros and no C compiler, and prints each one as a C
//! declaration with the offset and size of every member, as the layout engine computed them.
//!
//! Run: `cargo run -p layouts`

use ctypes_core::{ByteOrder, CData, CType, LayoutRules, Result, Scalar, Signature};

fn scalar(s: Scalar) -> CType {
    CType::scalar(s)
}

fn main() -> Result<()> {
    let int = scalar(Scalar::Int);
    let uint = scalar(Scalar::UInt);
    let uchar = scalar(Scalar::UChar);

    // A self-referential list node: declared first, defined once its pointer type exists.
    let node = CType::declare_struct("node");
    CType::struct_builder("node")
        .field("value", int.clone())
        .field("name", CType::char_ptr())
        .field("next", node.pointer())
        .define(&node)?;
    show("A linked-list node", &node);

    // An IPv4 header: big-endian storage with bit-fields, laid out as on the wire.
    let ipv4 = CType::struct_builder("ipv4_header")
        .bit_field("version", uchar.clone(), 4)
        .bit_field("ihl", uchar.clone(), 4)
        .field("tos", uchar.clone())
        .field("total_length", scalar(Scalar::UInt16))
        .field("id", scalar(Scalar::UInt16))
        .bit_field("flags", scalar(Scalar::UInt16), 3)
        .bit_field("fragment_offset", scalar(Scalar::UInt16), 13)
        .field("ttl", uchar.clone())
        .field("protocol", uchar.clone())
        .field("checksum", scalar(Scalar::UInt16))
        .field("source", scalar(Scalar::UInt32))
        .field("destination", scalar(Scalar::UInt32))
        .byte_order(ByteOrder::Big)
        .build()?;
    show("An IPv4 header, stored big-endian", &ipv4);
    let packet = CData::new(&ipv4)?;
    packet.set("version", 4u8)?;
    packet.set("ihl", 5u8)?;
    packet.set("total_length", 84u16)?;
    packet.set("flags", 2u16)?;
    packet.set("ttl", 64u8)?;
    packet.set("protocol", 1u8)?;
    packet.set("source", 0xc0a8_0001u32)?;
    packet.set("destination", 0x0808_0808u32)?;
    println!(
        "its bytes with version 4, ihl 5, length 84, DF, TTL 64, ICMP, 192.168.0.1 -> 8.8.8.8:"
    );
    println!("    {}\n", hex(&packet.to_bytes()));

    // The same bit-fields under the System V rules and under Microsoft's.
    for rules in [LayoutRules::SysV, LayoutRules::Msvc] {
        let mixed = CType::struct_builder("mixed")
            .bit_field("a", uchar.clone(), 3)
            .bit_field("b", uint.clone(), 10)
            .bit_field("c", uchar.clone(), 6)
            .field("d", scalar(Scalar::Short))
            .rules(rules)
            .build()?;
        show(&format!("Mixed bit-fields under {rules:?} rules"), &mixed);
    }

    // `#pragma pack(1)`, an over-aligned record, and a union with an anonymous struct.
    let packed = CType::struct_builder("packed")
        .field("tag", scalar(Scalar::Char))
        .field("value", scalar(Scalar::Double))
        .field("count", int.clone())
        .pack(1)
        .build()?;
    show("A packed struct", &packed);
    let aligned = CType::struct_builder("cache_line")
        .field("counter", scalar(Scalar::Long))
        .align(64)
        .build()?;
    show("An over-aligned struct", &aligned);
    let parts = CType::struct_builder("")
        .field("lo", scalar(Scalar::UInt32))
        .field("hi", scalar(Scalar::UInt32))
        .build()?;
    let word = CType::union_builder("word")
        .field("value", scalar(Scalar::UInt64))
        .anonymous(parts)
        .field("bytes", uchar.array(8)?)
        .build()?;
    show("A union with an anonymous struct", &word);

    // Function pointers and arrays print as C declarators.
    let compare = CType::function_pointer(Signature::new(
        vec![CType::void_ptr(), CType::void_ptr()],
        int.clone(),
    ));
    let table = CType::struct_builder("dispatch")
        .field("compare", compare)
        .field(
            "handlers",
            CType::function_pointer(Signature::variadic(vec![CType::char_ptr()], int)).array(4)?,
        )
        .field("grid", scalar(Scalar::Float).array(3)?.array(2)?)
        .build()?;
    show("Function pointers and arrays", &table);
    Ok(())
}

fn show(title: &str, ty: &CType) {
    println!("/* {title} */\n{ty:#}\n");
}

fn hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(" ")
}
