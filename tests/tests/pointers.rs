//! Pointers between memory objects, casts and `byref`: what they keep alive, and which
//! dereferences are refused.

use std::ffi::c_void;
use std::mem::{offset_of, size_of};

use ctypes_core::{memset, ByteOrder, CData, CType, Scalar, Value};

fn scalar(s: Scalar) -> CType {
    CType::scalar(s)
}

fn int() -> CType {
    scalar(Scalar::Int)
}

/// Frees-and-reuses memory of `size` bytes, so that a dangling view would read 0xff.
fn litter(size: usize) -> Vec<CData> {
    (0..32)
        .map(|_| {
            let d = CData::new(&scalar(Scalar::UChar).array(size).unwrap()).unwrap();
            memset(&d, 0xff, size).unwrap();
            d
        })
        .collect()
}

fn address_of(data: &CData) -> usize {
    data.addressof().unwrap() as usize
}

#[test]
fn a_pointer_keeps_its_target_alive() {
    let p = {
        let n = CData::new(&int()).unwrap();
        n.set_value(42).unwrap();
        CData::pointer_to(&n).unwrap()
    };
    let _litter = litter(4);
    assert_eq!(p.ty().to_string(), "int *");
    assert_eq!(p.deref().unwrap().value().unwrap(), Value::Int(42));
    let target = p.deref().unwrap();
    assert_eq!(p.value().unwrap(), Value::Pointer(address_of(&target)));
    target.set_value(-1).unwrap();
    assert_eq!(p.get("[0]").unwrap(), Value::Int(-1));
    // The pointer's own bytes are the address, natively.
    assert_eq!(p.to_bytes(), address_of(&target).to_ne_bytes());
}

#[test]
fn a_pointer_to_a_field_keeps_the_whole_record_alive() {
    let rec = CType::struct_builder("two")
        .field("a", int())
        .field("b", scalar(Scalar::Double))
        .build()
        .unwrap();
    let p = {
        let r = CData::new(&rec).unwrap();
        r.set("a", 5).unwrap();
        r.set("b", 0.25).unwrap();
        CData::pointer_to(&r.field("b").unwrap()).unwrap()
    };
    let _litter = litter(16);
    assert_eq!(p.deref().unwrap().value().unwrap(), Value::Double(0.25));
    // `p[-1]` would be the 8 bytes before `b`: `a` and the padding, still inside the record.
    let before = p.index(-1).unwrap();
    assert_eq!(before.to_bytes()[..4], 5i32.to_ne_bytes());
    assert!(p.index(-2).is_err());
    assert!(p.index(1).is_err());
}

#[test]
fn indexing_stays_inside_the_target() {
    let arr = CData::new(&int().array(4).unwrap()).unwrap();
    for i in 0..4 {
        arr.element(i).unwrap().set_value(100 + i as i32).unwrap();
    }
    let p = CData::pointer_to(&arr.element(1).unwrap()).unwrap();
    assert_eq!(p.index(0).unwrap().value().unwrap(), Value::Int(101));
    assert_eq!(p.index(2).unwrap().value().unwrap(), Value::Int(103));
    assert_eq!(p.index(-1).unwrap().value().unwrap(), Value::Int(100));
    assert_eq!(p.get("[2]").unwrap(), Value::Int(103));
    assert_eq!(
        p.index(3).unwrap_err().to_string(),
        "pointer target: range 16..20 is outside an object of 16 bytes"
    );
    assert!(p.index(-2).is_err());
    assert!(p.index(isize::MAX).is_err());
    assert!(p.index(isize::MIN).is_err());
    p.index(2).unwrap().set_value(7).unwrap();
    assert_eq!(arr.get("[3]").unwrap(), Value::Int(7));
}

#[test]
fn null_and_raw_pointers_are_not_followed() {
    let p = CData::new(&int().pointer()).unwrap();
    assert!(p.is_null().unwrap());
    assert_eq!(
        p.deref().unwrap_err().to_string(),
        "NULL pointer dereference through `int *`"
    );
    let n = CData::new(&int()).unwrap();
    p.set_pointer(&n).unwrap();
    assert!(!p.is_null().unwrap());
    p.set_null().unwrap();
    assert!(p.is_null().unwrap());
    assert!(p.deref().is_err());

    // A raw address, even a valid one, is not followed by the safe methods.
    p.set_pointer(&n).unwrap();
    p.set_value(Value::Pointer(address_of(&n))).unwrap();
    assert_eq!(
        p.deref().unwrap_err().to_string(),
        "expected `int *` pointing into memory it keeps alive, found a pointer that \
         cannot be followed safely: it was not made from a memory object"
    );
    // A pointer value copied into another pointer object is a raw address too.
    let q = CData::new(&int().pointer()).unwrap();
    let r = CData::pointer_to(&n).unwrap();
    q.set_value(r.value().unwrap()).unwrap();
    assert!(q.deref().is_err());
    // The unsafe form follows any address.
    n.set_value(9).unwrap();
    // SAFETY: `q` holds the address of `n`, which is alive and not otherwise in use.
    let through = unsafe { q.deref_unchecked() }.unwrap();
    assert_eq!(through.value().unwrap(), Value::Int(9));
}

#[test]
fn a_pointer_whose_bytes_are_overwritten_is_refused() {
    let n = CData::new(&int().array(2).unwrap()).unwrap();
    let p = CData::pointer_to(&n.element(0).unwrap()).unwrap();
    // Bytes written directly keep the record of the target, but the address no longer lies in
    // it.
    let elsewhere = CData::new(&int()).unwrap();
    p.write_bytes(0, &address_of(&elsewhere).to_ne_bytes())
        .unwrap();
    let err = p.deref().unwrap_err().to_string();
    assert!(err.starts_with("pointer target: range "), "{err}");
    // Moved to the second element, it is inside again and followed.
    p.write_bytes(0, &(address_of(&n) + 4).to_ne_bytes())
        .unwrap();
    n.set("[1]", 31).unwrap();
    assert_eq!(p.deref().unwrap().value().unwrap(), Value::Int(31));
    // A huge element type and an address near the top of memory: an error, not an overflow.
    let huge = scalar(Scalar::Char).array(1 << 62).unwrap();
    let hp = CData::new(&huge.pointer()).unwrap();
    let target = CData::new(&scalar(Scalar::Char)).unwrap();
    hp.cast(&CType::void_ptr())
        .unwrap()
        .set_pointer(&target)
        .unwrap();
    hp.write_bytes(0, &(usize::MAX - 15).to_ne_bytes()).unwrap();
    assert!(hp.deref().is_err());
}

#[test]
fn a_pointer_is_refused_after_its_target_moves() {
    let n = CData::new(&int()).unwrap();
    n.set_value(5).unwrap();
    let p = CData::pointer_to(&n).unwrap();
    let before = address_of(&n);
    n.resize(1 << 20).unwrap();
    let after = address_of(&n);
    if before == after {
        // Grown in place: the address is still inside, and still right.
        assert_eq!(p.deref().unwrap().value().unwrap(), Value::Int(5));
    } else {
        let err = p.deref().unwrap_err().to_string();
        assert!(err.starts_with("pointer target: range "), "{err}");
        // Re-pointing it makes it followable again.
        p.set_pointer(&n).unwrap();
        assert_eq!(p.deref().unwrap().value().unwrap(), Value::Int(5));
    }
}

#[test]
fn pointers_to_records_are_followed_by_path() {
    #[repr(C)]
    struct Item {
        len: u32,
        name: *const u8,
    }
    let item = CType::struct_builder("ptr_item")
        .field("len", scalar(Scalar::UInt))
        .field("name", CType::char_ptr())
        .build()
        .unwrap();
    assert_eq!(item.size().unwrap(), size_of::<Item>());
    let holder = CType::struct_builder("holder")
        .field("count", int())
        .field("items", item.pointer())
        .build()
        .unwrap();
    let h = CData::new(&holder).unwrap();
    {
        let items = CData::new(&item.array(3).unwrap()).unwrap();
        let name = CData::string_buffer(b"third").unwrap();
        items.set("[2].len", 3u32).unwrap();
        items
            .at("[2].name")
            .unwrap()
            .cast(&CType::void_ptr())
            .unwrap()
            .set_pointer(&name)
            .unwrap();
        h.field("items")
            .unwrap()
            .set_pointer(&items.element(0).unwrap())
            .unwrap();
    }
    let _litter = litter(3 * size_of::<Item>());
    assert_eq!(h.get("items[2].len").unwrap(), Value::UInt(3));
    h.set("items[1].len", 77u32).unwrap();
    assert_eq!(h.get("items[1].len").unwrap(), Value::UInt(77));
    assert!(h.get("items[3].len").is_err());
    // A `char *` is followed to the string's first char; the buffer is not known as an array.
    let first = h.at("items[2].name[0]").unwrap();
    assert_eq!(first.value().unwrap(), Value::Int(i64::from(b't')));
    assert_eq!(
        h.get("items[2].name[4]").unwrap(),
        Value::Int(i64::from(b'd'))
    );
    assert!(h.get("items[2].name[6]").is_err());
    // Where the item sits inside the holder's pointer target.
    let p = h.at("items[1]").unwrap();
    let base = address_of(&h.at("items[0]").unwrap());
    assert_eq!(address_of(&p) - base, size_of::<Item>());
    assert_eq!(
        address_of(&p.field("name").unwrap()) - address_of(&p),
        offset_of!(Item, name)
    );
}

#[test]
fn set_pointer_checks_the_target_type() {
    let p = CData::new(&int().pointer()).unwrap();
    let long = CData::new(&scalar(Scalar::Long)).unwrap();
    assert_eq!(
        p.set_pointer(&long).unwrap_err().to_string(),
        "expected an object of type `int`, found `long`"
    );
    let not_pointer = CData::new(&int()).unwrap();
    assert_eq!(
        not_pointer.set_pointer(&long).unwrap_err().to_string(),
        "expected a pointer, found `int`"
    );
    assert!(not_pointer.deref().is_err());
    // `void *` takes anything, but cannot be dereferenced; cast to a typed pointer, it can.
    let v = CData::new(&CType::void_ptr()).unwrap();
    long.set_value(-8i64).unwrap();
    v.set_pointer(&long).unwrap();
    assert_eq!(
        v.deref().unwrap_err().to_string(),
        "incomplete type `void` used where its size is needed (dereferencing a pointer)"
    );
    let typed = v.cast(&scalar(Scalar::Long).pointer()).unwrap();
    assert_eq!(typed.deref().unwrap().value().unwrap(), Value::Int(-8));
}

#[test]
fn pointers_to_pointers_are_followed_twice() {
    let n = CData::new(&scalar(Scalar::Short)).unwrap();
    n.set_value(-12).unwrap();
    let p = CData::pointer_to(&n).unwrap();
    let pp = CData::pointer_to(&p).unwrap();
    drop((n, p));
    assert_eq!(pp.ty().to_string(), "short **");
    assert_eq!(pp.get("[0][0]").unwrap(), Value::Int(-12));
    assert_eq!(
        pp.deref().unwrap().deref().unwrap().value().unwrap(),
        Value::Int(-12)
    );
}

#[test]
fn pointers_in_reversed_records_stay_native() {
    let rec = CType::struct_builder("be_ptrs")
        .field("n", scalar(Scalar::UInt))
        .field("p", int().pointer())
        .byte_order(ByteOrder::Big)
        .build()
        .unwrap();
    let r = CData::new(&rec).unwrap();
    let target = CData::new(&int()).unwrap();
    target.set_value(1234).unwrap();
    r.field("p").unwrap().set_pointer(&target).unwrap();
    r.set("n", 1u32).unwrap();
    let bytes = r.to_bytes();
    assert_eq!(bytes[..4], [0, 0, 0, 1]);
    assert_eq!(bytes[8..16], address_of(&target).to_ne_bytes());
    assert_eq!(r.get("p[0]").unwrap(), Value::Int(1234));
}

#[test]
fn no_plain_pointer_to_a_byte_swapped_scalar() {
    // GCC: "cannot take address of scalar with reverse storage order". A plain `int *` to such
    // a field would read it in the wrong byte order.
    let rec = CType::struct_builder("be_scalars")
        .field("x", int())
        .field("xs", int().array(2).unwrap())
        .field("ps", int().pointer().array(2).unwrap())
        .byte_order(ByteOrder::Big)
        .build()
        .unwrap();
    let r = CData::new(&rec).unwrap();
    r.set("x", 1).unwrap();
    let err = CData::pointer_to(&r.field("x").unwrap())
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "expected an object in native byte order, found `int` in big-endian byte order"
    );
    assert!(CData::pointer_to(&r.field("xs").unwrap()).is_err());
    assert!(CData::pointer_to(&r.at("xs[1]").unwrap()).is_err());
    // The record itself, and its pointers (stored natively), are fine.
    let whole = CData::pointer_to(&r).unwrap();
    assert_eq!(whole.get("[0].x").unwrap(), Value::Int(1));
    CData::pointer_to(&r.at("ps[1]").unwrap()).unwrap();
    // In a native record, all is fine.
    let native = CData::new(&int().array(2).unwrap()).unwrap();
    CData::pointer_to(&native.element(1).unwrap()).unwrap();
}

#[test]
fn casts_reinterpret_the_same_memory() {
    let u = CData::new(&scalar(Scalar::UInt)).unwrap();
    u.set_value(0x0102_0304u32).unwrap();
    let bytes = u.cast(&scalar(Scalar::UChar).array(4).unwrap()).unwrap();
    let expected = 0x0102_0304u32.to_ne_bytes();
    for (i, b) in expected.iter().enumerate() {
        assert_eq!(
            bytes.element(i).unwrap().value().unwrap(),
            Value::UInt(u64::from(*b))
        );
    }
    bytes.set("[0]", 0xffu8).unwrap();
    let mut changed = expected;
    changed[0] = 0xff;
    assert_eq!(
        u.value().unwrap(),
        Value::UInt(u64::from(u32::from_ne_bytes(changed)))
    );
    let f = u.cast(&scalar(Scalar::Float)).unwrap();
    f.set_value(1.0f32).unwrap();
    assert_eq!(u.value().unwrap(), Value::UInt(u64::from(1.0f32.to_bits())));
    assert_eq!(
        u.cast(&scalar(Scalar::Double)).unwrap_err().to_string(),
        "cast: range 0..8 is outside an object of 4 bytes"
    );
    // A field cast past the record's end is refused; within it, it is fine.
    let rec = CType::struct_builder("pair8")
        .field("a", int())
        .field("b", int())
        .build()
        .unwrap();
    let r = CData::new(&rec).unwrap();
    let b = r.field("b").unwrap();
    assert_eq!(
        b.cast(&scalar(Scalar::LongLong)).unwrap_err().to_string(),
        "cast: range 4..12 is outside an object of 8 bytes"
    );
    let whole = r
        .field("a")
        .unwrap()
        .cast(&scalar(Scalar::LongLong))
        .unwrap();
    whole.set_value(-1).unwrap();
    assert_eq!(r.get("b").unwrap(), Value::Int(-1));
    let fwd = CType::declare_struct("never_defined");
    assert!(r.cast(&fwd).is_err());
}

#[test]
fn byref_points_into_an_object_and_keeps_it_alive() {
    #[repr(C)]
    struct Rec {
        a: i32,
        b: i32,
        c: u8,
    }
    let rec = CType::struct_builder("byref_rec")
        .field("a", int())
        .field("b", int())
        .field("c", scalar(Scalar::UChar))
        .build()
        .unwrap();
    let (r, base) = {
        let data = CData::new(&rec).unwrap();
        data.set("b", 17).unwrap();
        let base = address_of(&data);
        (data.byref(offset_of!(Rec, b)).unwrap(), base)
    };
    let _litter = litter(size_of::<Rec>());
    assert_eq!(r.ty().to_string(), "void *");
    assert_eq!(
        r.value().unwrap(),
        Value::Pointer(base + offset_of!(Rec, b))
    );
    let p = r.cast(&int().pointer()).unwrap();
    assert_eq!(p.deref().unwrap().value().unwrap(), Value::Int(17));
    // One int further is `c` and the padding: still inside; two further is not.
    assert!(p.index(1).is_ok());
    assert!(p.index(2).is_err());
    let data = CData::new(&rec).unwrap();
    let end = data.byref(size_of::<Rec>()).unwrap();
    assert_eq!(
        end.value().unwrap(),
        Value::Pointer(address_of(&data) + size_of::<Rec>())
    );
    assert_eq!(
        data.byref(size_of::<Rec>() + 1).unwrap_err().to_string(),
        format!(
            "byref: range {0}..{0} is outside an object of {1} bytes",
            size_of::<Rec>() + 1,
            size_of::<Rec>()
        )
    );
}

#[test]
fn a_self_referencing_object_can_be_made() {
    let node = CType::declare_struct("ring");
    CType::struct_builder("ring")
        .field("v", int())
        .field("next", node.pointer())
        .define(&node)
        .unwrap();
    let n = CData::new(&node).unwrap();
    n.set("v", 3).unwrap();
    n.field("next").unwrap().set_pointer(&n).unwrap();
    assert_eq!(n.get("next[0].next[0].next[0].v").unwrap(), Value::Int(3));
    assert_eq!(
        n.get("next[0].next").unwrap(),
        Value::Pointer(address_of(&n))
    );
}

#[test]
fn from_address_views_do_not_own_what_they_point_to() {
    let mut words = [0x1111u16, 0x2222, 0x3333];
    // SAFETY: `words` outlives the view and is not otherwise used while the view is.
    let view = unsafe {
        CData::from_address(
            &scalar(Scalar::UShort).array(3).unwrap(),
            words.as_mut_ptr().cast::<c_void>(),
        )
    }
    .unwrap();
    let p = CData::pointer_to(&view.element(2).unwrap()).unwrap();
    assert_eq!(p.deref().unwrap().value().unwrap(), Value::UInt(0x3333));
    assert_eq!(p.index(-2).unwrap().value().unwrap(), Value::UInt(0x1111));
    assert!(p.index(1).is_err());
    p.deref().unwrap().set_value(7u16).unwrap();
    drop((p, view));
    assert_eq!(words, [0x1111, 0x2222, 7]);
}
