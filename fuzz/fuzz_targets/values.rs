//! Value conversion and path parsing: arbitrary path strings against a record with nesting,
//! arrays, bit-fields and pointers; arbitrary values stored into every scalar type, checked
//! and wrapping; strings into `char` and `wchar_t` arrays.

#![no_main]

use ctypes_core::{CData, CType, Scalar, Value};
use ctypes_fuzz::{scalar, value};
use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = run(&mut Unstructured::new(data));
});

fn target() -> CType {
    let int = CType::scalar(Scalar::Int);
    let inner = CType::struct_builder("inner")
        .field("v", int.array(3).unwrap())
        .bit_field("b", CType::scalar(Scalar::UInt), 5)
        .field("p", int.pointer())
        .build()
        .unwrap();
    CType::struct_builder("outer")
        .field("a", inner.array(2).unwrap())
        .field("s", CType::scalar(Scalar::Char).array(8).unwrap())
        .field("w", CType::scalar(Scalar::WcharT).array(4).unwrap())
        .anonymous(
            CType::union_builder("")
                .field("x", CType::scalar(Scalar::Double))
                .field("y", CType::scalar(Scalar::Long))
                .build()
                .unwrap(),
        )
        .build()
        .unwrap()
}

fn run(u: &mut Unstructured<'_>) -> Result<()> {
    let object = CData::new(&target()).unwrap();
    for _ in 0..u.int_in_range(0..=8)? {
        match u.int_in_range(0..=4)? {
            0 => {
                let path: &str = u.arbitrary()?;
                let _ = object.at(path);
                let _ = object.get(path);
            }
            1 => {
                let path: &str = u.arbitrary()?;
                let _ = object.set(path, value(u)?);
                let _ = object.set_wrapping(path, value(u)?);
            }
            2 => store_scalar(u)?,
            3 => {
                let bytes: &[u8] = u.arbitrary()?;
                let s = object.field("s").unwrap();
                let until_nul = bytes.split(|&b| b == 0).next().unwrap_or_default();
                match s.set_string(bytes) {
                    Ok(()) => assert_eq!(s.string_value().unwrap(), until_nul),
                    Err(_) => assert!(bytes.len() > 8),
                }
                let _ = CData::string_buffer(bytes);
            }
            _ => {
                let text: &str = u.arbitrary()?;
                let w = object.field("w").unwrap();
                if w.set_wide(text).is_ok() {
                    let until_nul = text.split('\0').next().unwrap_or_default();
                    assert_eq!(w.wide_value().unwrap(), until_nul);
                }
                let _ = CData::wide_string_buffer(text);
            }
        }
    }
    Ok(())
}

/// A value stored into a scalar object: a checked store that succeeds reads back as stored
/// (for integers and `_Bool`); a wrapping store of an integer keeps its low bits.
fn store_scalar(u: &mut Unstructured<'_>) -> Result<()> {
    let s = scalar(u)?;
    let object = CData::new(&CType::scalar(s)).unwrap();
    let v = value(u)?;
    if object.set_value(v).is_ok() {
        let read = object.value().unwrap();
        match v {
            Value::Int(i) if s.is_integral() && s != Scalar::Bool => {
                assert_eq!(read.as_i64(), Some(i), "{s:?} {v:?} {read:?}")
            }
            Value::UInt(i) if s.is_integral() && s != Scalar::Bool => {
                assert_eq!(read.as_u64(), Some(i), "{s:?} {v:?} {read:?}")
            }
            Value::Double(d) if s == Scalar::Double => match read {
                Value::Double(r) => assert_eq!(r.to_bits(), d.to_bits()),
                other => panic!("a double read back as {other:?}"),
            },
            _ => {}
        }
    }
    if s.is_integral() && s != Scalar::Bool {
        if let Some(wide) = match v {
            Value::Int(i) => Some(i as i128),
            Value::UInt(i) => Some(i as i128),
            _ => None,
        } {
            object
                .set_value_wrapping(v)
                .expect("an integer wraps into any integer type");
            let bits = s.size() as u32 * 8;
            let low = wide & ((1i128 << bits) - 1);
            let expected = if s.is_signed() && low >> (bits - 1) & 1 == 1 {
                low - (1i128 << bits)
            } else {
                low
            };
            let read = object.value().unwrap();
            let got = read
                .as_i64()
                .map(i128::from)
                .or(read.as_u64().map(i128::from));
            assert_eq!(got, Some(expected), "{s:?} wrapping {v:?}");
        }
    }
    Ok(())
}
