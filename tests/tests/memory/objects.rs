//! Objects: made zeroed and aligned, reached by field, index and path, viewed, resized, made from bytes and addresses, copied and filled.

use super::*;

#[test]
fn new_objects_are_zeroed_and_aligned() {
    for align in [1, 2, 4, 8, 16, 32, 64] {
        let ty = CType::struct_builder("aligned")
            .field("c", scalar(Scalar::Char))
            .field("n", scalar(Scalar::Short).array(5).unwrap())
            .align(align)
            .build()
            .unwrap();
        // `align` raises the natural alignment (2, from the shorts), never lowers it.
        let align = align.max(2);
        assert_eq!(ty.align().unwrap(), align);
        let expected_size = 12usize.next_multiple_of(align);
        assert_eq!(ty.size().unwrap(), expected_size);
        // Several at once, so that a lucky allocator does not hide a missing alignment.
        let objects: Vec<CData> = (0..16).map(|_| CData::new(&ty).unwrap()).collect();
        for data in &objects {
            let address = data.addressof().unwrap() as usize;
            assert_eq!(address % align, 0, "align {align}");
            assert_eq!(data.to_bytes(), vec![0; expected_size]);
            assert_eq!(data.size(), expected_size);
        }
    }
    let big = CData::new(&scalar(Scalar::LongDouble).array(3).unwrap()).unwrap();
    assert_eq!(big.addressof().unwrap() as usize % 16, 0);
}

#[test]
fn fields_are_reached_by_name_index_and_path() {
    let hdr = hdr_type();
    assert_eq!(hdr.size().unwrap(), size_of::<Hdr>());
    let data = CData::new(&hdr).unwrap();
    data.set("count", -3).unwrap();
    data.set("items[3].len", 700u16).unwrap();
    data.set("items[1].tag", -2).unwrap();
    data.set("total", u64::MAX).unwrap();
    let bytes = data.to_bytes();
    let at = |offset: usize, n: usize| bytes[offset..offset + n].to_vec();
    assert_eq!(at(offset_of!(Hdr, count), 4), (-3i32).to_ne_bytes());
    let item3 = offset_of!(Hdr, items) + 3 * size_of::<Item>();
    assert_eq!(at(item3 + offset_of!(Item, len), 2), 700u16.to_ne_bytes());
    let item1 = offset_of!(Hdr, items) + size_of::<Item>();
    assert_eq!(at(item1 + offset_of!(Item, tag), 1), [0xfe]);
    assert_eq!(at(offset_of!(Hdr, total), 8), [0xff; 8]);

    assert_eq!(data.get("items[3].len").unwrap(), Value::UInt(700));
    assert_eq!(
        data.field("items")
            .unwrap()
            .element(1)
            .unwrap()
            .field("tag")
            .unwrap()
            .value()
            .unwrap(),
        Value::Int(-2)
    );
    // By index: field 0 is `count`, field 2 is `total`.
    assert_eq!(data.field_at(0).unwrap().value().unwrap(), Value::Int(-3));
    assert_eq!(
        data.field_at(2).unwrap().value().unwrap(),
        Value::UInt(u64::MAX)
    );
    let base = data.addressof().unwrap() as usize;
    let items = data.field_at(1).unwrap();
    assert_eq!(
        items.addressof().unwrap() as usize - base,
        offset_of!(Hdr, items)
    );
    assert_eq!(data.at("").unwrap().addressof().unwrap() as usize, base);
    assert_eq!(data.at("items[2]").unwrap().size(), size_of::<Item>());

    // Paths through a nested record.
    let outer = CType::struct_builder("outer")
        .field("pad", scalar(Scalar::Char))
        .field("hdr", hdr.clone())
        .build()
        .unwrap();
    let o = CData::new(&outer).unwrap();
    o.set("hdr.items[2].len", 9u8).unwrap();
    let off = 8 + offset_of!(Hdr, items) + 2 * size_of::<Item>();
    assert_eq!(o.to_bytes()[off..off + 2], 9u16.to_ne_bytes());
}

#[test]
fn field_lookup_errors_name_the_type_and_field() {
    let data = CData::new(&hdr_type()).unwrap();
    assert_eq!(
        data.field("nope").unwrap_err().to_string(),
        "`struct hdr` has no field `nope`"
    );
    assert_eq!(
        data.get("items[0].nope").unwrap_err().to_string(),
        "`struct item` has no field `nope`"
    );
    assert_eq!(
        data.field_at(3).unwrap_err().to_string(),
        "index 3 is out of bounds for `struct hdr` of length 3"
    );
    assert_eq!(
        data.at("count.x").unwrap_err().to_string(),
        "expected a struct or union, found `int`"
    );
    assert_eq!(
        data.at("items.len").unwrap_err().to_string(),
        "expected a struct or union, found `struct item [4]`"
    );
    assert_eq!(
        data.at("items[1").unwrap_err().to_string(),
        "malformed field path `items[1`: missing `]`"
    );
    assert_eq!(
        data.get("items").unwrap_err().to_string(),
        "expected a scalar or pointer, found `struct item [4]`"
    );
}

#[test]
fn anonymous_members_fields_are_reached_by_name() {
    let either = CType::union_builder("")
        .field("i", scalar(Scalar::Int))
        .field("f", scalar(Scalar::Float))
        .build()
        .unwrap();
    let pair = CType::struct_builder("")
        .field("lo", scalar(Scalar::Short))
        .field("hi", scalar(Scalar::Short))
        .build()
        .unwrap();
    let tagged = CType::struct_builder("tagged")
        .field("kind", scalar(Scalar::Char))
        .anonymous(either)
        .anonymous(pair)
        .build()
        .unwrap();
    let data = CData::new(&tagged).unwrap();
    data.set("f", 1.5f32).unwrap();
    assert_eq!(
        data.get("i").unwrap(),
        Value::Int(i64::from(1.5f32.to_bits() as i32))
    );
    data.set("hi", -1).unwrap();
    data.set("lo", 0x1234).unwrap();
    let bytes = data.to_bytes();
    assert_eq!(bytes[4..8], 1.5f32.to_ne_bytes());
    assert_eq!(bytes[8..10], 0x1234i16.to_ne_bytes());
    assert_eq!(bytes[10..12], (-1i16).to_ne_bytes());
    // The anonymous members themselves are reachable by index.
    assert_eq!(data.field_at(2).unwrap().get("hi").unwrap(), Value::Int(-1));
}

#[test]
fn array_indices_are_bounds_checked() {
    let ints = CData::new(&scalar(Scalar::Int).array(4).unwrap()).unwrap();
    for i in 0..4 {
        ints.element(i).unwrap().set_value(i as i32 * 11).unwrap();
    }
    assert_eq!(ints.get("[3]").unwrap(), Value::Int(33));
    assert_eq!(
        ints.element(4).unwrap_err().to_string(),
        "index 4 is out of bounds for `int [4]` of length 4"
    );
    assert_eq!(
        ints.get("[100]").unwrap_err().to_string(),
        "index 100 is out of bounds for `int [4]` of length 4"
    );
    let data = CData::new(&hdr_type()).unwrap();
    assert_eq!(
        data.set("items[4].len", 1).unwrap_err().to_string(),
        "index 4 is out of bounds for `struct item [4]` of length 4"
    );
    assert_eq!(
        data.field("count")
            .unwrap()
            .element(0)
            .unwrap_err()
            .to_string(),
        "expected an array, found `int`"
    );
    let grid = CData::new(&scalar(Scalar::Char).array(3).unwrap().array(2).unwrap()).unwrap();
    grid.set("[1][2]", 7).unwrap();
    assert_eq!(grid.to_bytes(), [0, 0, 0, 0, 0, 7]);
    assert_eq!(
        grid.get("[1][3]").unwrap_err().to_string(),
        "index 3 is out of bounds for `char [3]` of length 3"
    );
}

#[test]
fn sub_objects_keep_their_parent_alive() {
    let hdr = hdr_type();
    let (item, total) = {
        let data = CData::new(&hdr).unwrap();
        data.set("items[2].len", 4242).unwrap();
        data.set("total", 77u64).unwrap();
        (data.at("items[2]").unwrap(), data.field("total").unwrap())
    };
    // Allocations of the same size would reuse freed memory.
    let litter: Vec<CData> = (0..32)
        .map(|_| {
            let d = CData::new(&hdr).unwrap();
            memset(&d, 0xff, d.size()).unwrap();
            d
        })
        .collect();
    assert_eq!(item.get("len").unwrap(), Value::UInt(4242));
    assert_eq!(total.value().unwrap(), Value::UInt(77));
    item.set("len", 1).unwrap();
    assert_eq!(item.get("len").unwrap(), Value::UInt(1));
    drop(litter);
}

#[test]
fn resized_objects_reach_their_new_bytes_through_a_cast() {
    let int = scalar(Scalar::Int);
    let a = CData::new(&int.array(2).unwrap()).unwrap();
    a.set("[0]", 10).unwrap();
    a.set("[1]", 11).unwrap();
    let first = a.element(0).unwrap();
    a.resize(40).unwrap();
    assert_eq!(a.size(), 8, "the type stays the same");
    assert_eq!(a.capacity(), 40);
    assert_eq!(
        a.get("[2]").unwrap_err().to_string(),
        "index 2 is out of bounds for `int [2]` of length 2"
    );
    let big = a.cast(&int.array(10).unwrap()).unwrap();
    assert_eq!(big.get("[1]").unwrap(), Value::Int(11));
    for i in 2..10 {
        assert_eq!(big.element(i).unwrap().value().unwrap(), Value::Int(0));
    }
    big.set("[9]", 99).unwrap();
    let mut expected = Vec::new();
    for v in [10i32, 11, 0, 0, 0, 0, 0, 0, 0, 99] {
        expected.extend_from_slice(&v.to_ne_bytes());
    }
    assert_eq!(big.to_bytes(), expected);
    // A view taken before the resize follows the memory to its new place.
    first.set_value(-1).unwrap();
    assert_eq!(big.get("[0]").unwrap(), Value::Int(-1));
    assert_eq!(
        a.cast(&int.array(11).unwrap()).unwrap_err().to_string(),
        "cast: range 0..44 is outside an object of 40 bytes"
    );
    assert_eq!(
        a.resize(16).unwrap_err().to_string(),
        "resize (objects only grow): range 0..16 is outside an object of 40 bytes"
    );
    // A second resize moves the (now heap) block again and keeps every byte.
    let before = big.to_bytes();
    a.resize(4000).unwrap();
    let bigger = a.cast(&int.array(1000).unwrap()).unwrap();
    assert_eq!(bigger.to_bytes()[..40], before[..]);
    assert!(bigger.to_bytes()[40..].iter().all(|&b| b == 0));
    // Views cannot resize the memory they share.
    let hdr = CData::new(&hdr_type()).unwrap();
    assert!(hdr.field("items").unwrap().resize(1000).is_err());
    assert!(hdr.field("count").unwrap().resize(1000).is_err());
    assert_eq!(hdr.capacity(), size_of::<Hdr>());
}

#[test]
fn objects_are_made_from_bytes_of_the_exact_size() {
    let ty = scalar(Scalar::Int).array(3).unwrap();
    let mut bytes = Vec::new();
    for v in [1i32, -2, 3] {
        bytes.extend_from_slice(&v.to_ne_bytes());
    }
    let data = CData::from_bytes(&ty, &bytes).unwrap();
    assert_eq!(data.get("[1]").unwrap(), Value::Int(-2));
    assert_eq!(data.to_bytes(), bytes);
    assert_eq!(
        CData::from_bytes(&ty, &bytes[..5]).unwrap_err().to_string(),
        "expected 12 bytes for `int [3]`, found 5 bytes"
    );
    assert_eq!(
        data.write_bytes(10, &[0; 4]).unwrap_err().to_string(),
        "write_bytes: range 10..14 is outside an object of 12 bytes"
    );
}

#[test]
fn from_address_views_memory_rust_owns() {
    let mut buf = [1u32, 2, 3, 4];
    let ty = scalar(Scalar::UInt).array(4).unwrap();
    {
        // SAFETY: `buf` is valid for 16 bytes, outlives the view, and is not touched by Rust
        // while the view is used.
        let view = unsafe { CData::from_address(&ty, buf.as_mut_ptr().cast::<c_void>()) }.unwrap();
        assert_eq!(view.get("[3]").unwrap(), Value::UInt(4));
        view.set("[2]", 0xdead_beefu32).unwrap();
        assert_eq!(view.addressof().unwrap(), buf.as_mut_ptr().cast::<c_void>());
        assert_eq!(
            view.get("[4]").unwrap_err().to_string(),
            "index 4 is out of bounds for `unsigned int [4]` of length 4"
        );
        // Memory owned elsewhere cannot grow.
        assert!(view.resize(32).is_err());
    }
    assert_eq!(buf, [1, 2, 0xdead_beef, 4]);
    // SAFETY: a null address is refused before anything is read.
    let err = unsafe { CData::from_address(&ty, std::ptr::null_mut()) }.unwrap_err();
    assert_eq!(
        err.to_string(),
        "NULL pointer dereference through `unsigned int (*)[4]`"
    );
}

#[test]
fn memmove_and_memset_stay_inside_their_objects() {
    let a = CData::string_buffer(b"abcde").unwrap();
    let b = CData::string_buffer(b"xyz").unwrap();
    memmove(&a, &b, 3).unwrap();
    assert_eq!(a.string_value().unwrap(), b"xyzde");
    assert_eq!(
        memmove(&a, &b, 5).unwrap_err().to_string(),
        "memmove source: range 0..5 is outside an object of 4 bytes"
    );
    assert_eq!(
        memmove(&b, &a, 5).unwrap_err().to_string(),
        "memmove destination: range 0..5 is outside an object of 4 bytes"
    );
    assert_eq!(
        memset(&b, 0, 5).unwrap_err().to_string(),
        "memset: range 0..5 is outside an object of 4 bytes"
    );
    assert_eq!(
        b.string_value().unwrap(),
        b"xyz",
        "refused memset wrote nothing"
    );

    // memset of a field touches only the field.
    let data = CData::new(&hdr_type()).unwrap();
    let items = data.field("items").unwrap();
    memset(&items, 0xab, items.size()).unwrap();
    let bytes = data.to_bytes();
    let start = offset_of!(Hdr, items);
    let end = start + 4 * size_of::<Item>();
    assert!(bytes[..start].iter().all(|&x| x == 0));
    assert!(bytes[start..end].iter().all(|&x| x == 0xab));
    assert!(bytes[end..].iter().all(|&x| x == 0));
    assert!(memset(&items, 0, items.size() + 1).is_err());

    // Overlapping views of one object move like C's memmove.
    let halves = CType::struct_builder("halves")
        .field("head", scalar(Scalar::Char).array(2).unwrap())
        .field("tail", scalar(Scalar::Char).array(6).unwrap())
        .build()
        .unwrap();
    let h = CData::from_bytes(&halves, b"01234567").unwrap();
    let first_six = h.cast(&scalar(Scalar::Char).array(6).unwrap()).unwrap();
    memmove(&h.field("tail").unwrap(), &first_six, 6).unwrap();
    let mut expected = *b"01234567";
    expected.copy_within(0..6, 2);
    assert_eq!(h.to_bytes(), expected);
    memmove(&first_six, &h.field("tail").unwrap(), 6).unwrap();
    expected.copy_within(2..8, 0);
    assert_eq!(h.to_bytes(), expected);
}
