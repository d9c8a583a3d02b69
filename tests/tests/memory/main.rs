//! Memory objects: allocation, field and element access, scalar conversions, bit-fields, byte
//! order, strings, memmove/memset, resize and raw memory.
//!
//! Expected bytes and offsets come from Rust's own layout (`#[repr(C)]` mirrors), from the C
//! compiler, or from arithmetic done here, never from `ctypes-core` itself.

use std::ffi::c_void;
use std::fmt::Write as _;
use std::mem::{offset_of, size_of};

use ctypes_core::{
    memmove, memset, string_at, wstring_at, ByteOrder, CData, CType, LongDouble, Scalar,
    ScalarClass, Value,
};
use ctypes_tests::cc;

fn scalar(s: Scalar) -> CType {
    CType::scalar(s)
}

/// The low `size` bytes of `n` in native byte order, as C stores an integer of that size.
fn native_bytes(n: i128, size: usize) -> Vec<u8> {
    let le = (n as u128).to_le_bytes()[..size].to_vec();
    if cfg!(target_endian = "big") {
        le.into_iter().rev().collect()
    } else {
        le
    }
}

/// `n` as the `Value` a caller would pass, if `Value` can hold it.
fn value_of(n: i128) -> Option<Value> {
    if let Ok(i) = i64::try_from(n) {
        Some(Value::Int(i))
    } else {
        u64::try_from(n).ok().map(Value::UInt)
    }
}

/// `n` as a read of `s` gives it back.
fn read_back(s: Scalar, n: i128) -> Value {
    match s.class() {
        ScalarClass::Bool => Value::Bool(n != 0),
        ScalarClass::Integer { signed: true } => Value::Int(n as i64),
        _ => Value::UInt(n as u64),
    }
}

#[repr(C)]
struct Item {
    len: u16,
    tag: i8,
}

#[repr(C)]
struct Hdr {
    count: i32,
    items: [Item; 4],
    total: u64,
}

fn item_type() -> CType {
    CType::struct_builder("item")
        .field("len", scalar(Scalar::UShort))
        .field("tag", scalar(Scalar::SChar))
        .build()
        .unwrap()
}

fn hdr_type() -> CType {
    CType::struct_builder("hdr")
        .field("count", scalar(Scalar::Int))
        .field("items", item_type().array(4).unwrap())
        .field("total", scalar(Scalar::UInt64))
        .build()
        .unwrap()
}

mod bit_fields;
mod byte_order;
mod complex;
mod objects;
mod scalars;
mod strings;
