//! Random sequences of builder calls (members, bit widths, pack and align, both layout rules,
//! both byte orders, nesting, declared records completed later), then layout queries and
//! writes and reads of every integer leaf of an object, checking that layouts are consistent,
//! that a write never touches a bit outside its field, and that an integer reads back as
//! written.

#![no_main]

use ctypes_core::{ByteOrder, CData, CType, RecordDef, Scalar, TypeKind, Value};
use ctypes_fuzz::Pool;
use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = run(&mut Unstructured::new(data));
});

fn run(u: &mut Unstructured<'_>) -> Result<()> {
    let mut pool = Pool::default();
    for _ in 0..u.int_in_range(1..=12)? {
        pool.step(u)?;
    }
    for ty in &pool.types {
        check_layout(ty);
    }
    for _ in 0..4 {
        let ty = pool.pick(u)?;
        if ty.size().is_ok_and(|size| size <= 1 << 12) {
            exercise(u, &ty)?;
        }
    }
    Ok(())
}

/// Sizes, alignments and offsets agree with each other.
fn check_layout(ty: &CType) {
    let _ = ty.to_string();
    let _ = ty.definition();
    let (Ok(size), Ok(align)) = (ty.size(), ty.align()) else {
        return;
    };
    assert!(align.is_power_of_two(), "{ty:#}: alignment {align}");
    assert_eq!(size % align, 0, "{ty:#}: size {size}, alignment {align}");
    if let Some(def) = ty.as_record().and_then(|r| r.definition()) {
        assert_eq!((def.size(), def.align()), (size, align));
        for field in def.fields() {
            let end = field.offset() + field.size();
            assert!(end <= size, "{ty:#}: a field ends at {end}");
            if let Some(width) = field.bit_width() {
                assert!(field.bit_position() + u64::from(width) <= size as u64 * 8);
            }
        }
    }
}

/// An integer leaf of an object: its path, its scalar, and the bits it owns.
struct Leaf {
    path: String,
    scalar: Scalar,
    /// Bit positions in allocation order from the start of the object, and the byte order
    /// of the record holding it.
    first_bit: u64,
    width: u64,
    order: ByteOrder,
}

fn leaves(ty: &CType, path: &str, base: u64, order: ByteOrder, out: &mut Vec<Leaf>) {
    if out.len() > 64 {
        return;
    }
    match ty.kind() {
        TypeKind::Scalar(s) if s.is_integral() => out.push(Leaf {
            path: path.to_owned(),
            scalar: *s,
            first_bit: base * 8,
            width: s.size() as u64 * 8,
            order,
        }),
        TypeKind::Array { element, len } => {
            let size = element.size().unwrap_or(0) as u64;
            for i in 0..(*len).min(3) {
                leaves(
                    element,
                    &format!("{path}[{i}]"),
                    base + i as u64 * size,
                    order,
                    out,
                );
            }
        }
        TypeKind::Record(r) => {
            if let Some(def) = r.definition() {
                record_leaves(def, path, base, out);
            }
        }
        _ => {}
    }
}

fn record_leaves(def: &RecordDef, path: &str, base: u64, out: &mut Vec<Leaf>) {
    let order = def.byte_order();
    for field in def.fields() {
        let at = base + field.offset() as u64;
        match (field.name(), field.bit_width()) {
            (Some(name), Some(width)) => {
                if let Some(s) = field.ty().as_scalar() {
                    out.push(Leaf {
                        path: join(path, name),
                        scalar: s,
                        first_bit: base * 8 + field.bit_position(),
                        width: u64::from(width),
                        order,
                    });
                }
            }
            (Some(name), None) => leaves(field.ty(), &join(path, name), at, order, out),
            // Anonymous members: their fields are named from the enclosing record.
            (None, None) if field.is_anonymous() => {
                if let Some(inner) = field.ty().as_record().and_then(|r| r.definition()) {
                    record_leaves(inner, path, at, out);
                }
            }
            _ => {}
        }
    }
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_owned()
    } else {
        format!("{path}.{name}")
    }
}

/// Whether bit `bit` (0 = least significant) of byte `byte` belongs to `leaf`.
fn owns(leaf: &Leaf, byte: usize, bit: u32) -> bool {
    let in_allocation_order = match leaf.order {
        ByteOrder::Little => bit,
        ByteOrder::Big => 7 - bit,
    };
    let position = byte as u64 * 8 + u64::from(in_allocation_order);
    // A whole scalar owns all its bytes, whatever its byte order.
    if leaf.width == leaf.scalar.size() as u64 * 8 && leaf.first_bit % 8 == 0 {
        let first = leaf.first_bit / 8;
        return (first..first + leaf.width / 8).contains(&(byte as u64));
    }
    (leaf.first_bit..leaf.first_bit + leaf.width).contains(&position)
}

fn exercise(u: &mut Unstructured<'_>, ty: &CType) -> Result<()> {
    let Ok(object) = CData::new(ty) else {
        return Ok(());
    };
    let noise: Vec<u8> = (0..object.size())
        .map(|_| u.arbitrary())
        .collect::<Result<_>>()?;
    object
        .write_bytes(0, &noise)
        .expect("the object holds its size");
    let mut found = Vec::new();
    leaves(ty, "", 0, ByteOrder::NATIVE, &mut found);
    for leaf in &found {
        let _ = object.get(&leaf.path).expect("a leaf reads");
        let before = object.to_bytes();
        let value = if leaf.scalar == Scalar::Bool {
            Value::Bool(u.arbitrary()?)
        } else if leaf.scalar.is_signed() {
            Value::Int(u.arbitrary()?)
        } else {
            Value::UInt(u.arbitrary()?)
        };
        let wrapping = u.arbitrary()?;
        let stored = if wrapping {
            object.set_wrapping(&leaf.path, value)
        } else {
            object.set(&leaf.path, value)
        };
        let after = object.to_bytes();
        for (byte, (b, a)) in before.iter().zip(&after).enumerate() {
            for bit in 0..8 {
                if (b ^ a) >> bit & 1 == 1 {
                    assert!(
                        owns(leaf, byte, bit),
                        "{ty:#}: writing `{}` changed bit {bit} of byte {byte}",
                        leaf.path
                    );
                }
            }
        }
        if stored.is_err() {
            assert_eq!(before, after, "a refused write changes nothing");
            continue;
        }
        if !wrapping {
            let read = object.get(&leaf.path).expect("a leaf reads");
            let same = match (value, read) {
                (Value::Bool(v), r) => r.as_u64() == Some(u64::from(v)),
                (Value::Int(v), r) => r.as_i64() == Some(v),
                (Value::UInt(v), r) => r.as_u64() == Some(v),
                _ => unreachable!(),
            };
            assert!(
                same,
                "{ty:#}: `{}` wrote {value:?}, read {read:?}",
                leaf.path
            );
        }
    }
    Ok(())
}
