//! The classification of a C type: the class of each of its eightbytes, or MEMORY, exactly as
//! GCC (12) classifies it for x86-64 System V.
//!
//! The walk follows the psABI (§3.2.3) with GCC's reading of it where the two part:
//! - A value over 16 bytes is in memory (the only exception, a record of one vector, has no
//!   equivalent among the runtime's types).
//! - A scalar or pointer at an offset in the outermost value that is not a multiple of its own
//!   size (16 for `long double`) sends the value to memory: GCC checks every member's mode
//!   alignment, packed records included.
//! - In a struct, a bit-field is INTEGER over every eightbyte its bits touch, named or not.
//!   A zero-width bit-field counts for nothing (GCC 12 changed this for C, with the note "the ABI
//!   of passing C structures with zero-width bit-fields has changed"). But a bit-field of 8, 16,
//!   32 or 64 bits at a multiple of its width in its record is laid out by GCC as an ordinary
//!   integer, and checked for alignment like one: `#pragma pack(2) struct p { long x : 64;
//!   short s; };` nested at offset 6 sends the outer record to memory.
//! - In a union, GCC classifies each member by its type, bit-fields included: a bit-field of
//!   width `w` has the smallest integer type of at least `w` bits, at the union's offset, so
//!   `#pragma pack(1) struct { char c; union { unsigned b : 22; } u; }` is in memory (a 4-byte
//!   integer at offset 1), and a zero-width bit-field is a one-byte INTEGER (so `union {
//!   unsigned long : 0; double f; }` travels in a general register).
//! - An array is classified by its first element alone, whose classes repeat over the array:
//!   an element of a zero-length array still counts, at the array's offset (`struct { float a;
//!   int z[0]; }` is INTEGER; `struct __attribute__((packed)) { char c; double z[0]; }` is in
//!   memory), and later elements are not checked for alignment.
//! - A record or array of size zero that starts on an eightbyte boundary adds nothing.
//! - A complex type is classified by its mode, not as a pair of members: `float _Complex` is
//!   one SSE eightbyte (two when it starts inside one), `double _Complex` two, and `long double
//!   _Complex`, although 32 bytes, the single class COMPLEX_X87 (memory as an argument, `st0`
//!   and `st1` as a result); a record holding one is over 16 bytes, so in memory.
//!
//! Byte order (`scalar_storage_order`) and layout rules (`ms_struct`) change where members lie,
//! not how they are classified.

use super::class::{Class, MAX_EIGHTBYTES};
use super::walk::{eightbytes, WORDS};
use crate::error::{Error, Result};
use crate::ty::{CType, Scalar, TypeKind};

/// How a value of some type is passed, as the psABI classifies it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Classification {
    size: usize,
    align: usize,
    empty: bool,
    classes: Option<[Class; MAX_EIGHTBYTES]>,
}

impl Classification {
    /// `sizeof` the type.
    pub fn size(&self) -> usize {
        self.size
    }

    /// `_Alignof` the type.
    pub fn align(&self) -> usize {
        self.align
    }

    /// Whether the value is passed in memory (class MEMORY).
    pub fn is_memory(&self) -> bool {
        self.classes.is_none()
    }

    /// The class of each eightbyte, one per started eightbyte of the size; `None` for MEMORY.
    pub fn classes(&self) -> Option<&[Class]> {
        let count = self.size.div_ceil(8).min(MAX_EIGHTBYTES);
        self.classes.as_ref().map(|c| &c[..count])
    }

    /// Whether GCC counts the type as empty: a record (or array) with no data, however large,
    /// whose only members are unnamed bit-fields and other empty members. An empty value that
    /// does not go in registers takes no room on the stack.
    pub fn is_empty(&self) -> bool {
        self.empty
    }
}

/// Classifies a complete object type (scalar, pointer, struct, union or array).
pub fn classify(ty: &CType) -> Result<Classification> {
    match ty.kind() {
        TypeKind::Void | TypeKind::Function(_) => {
            return Err(Error::TypeMismatch {
                expected: "an object type".to_owned(),
                found: format!("`{ty}`"),
            })
        }
        _ => {}
    }
    let size = ty.size_for("classification")?;
    let align = ty.align()?;
    let empty = is_empty(ty)?;
    // `long double _Complex` (32 bytes) is the one class COMPLEX_X87 rather than MEMORY, so it
    // is classified before this rule.
    let complex_x87 = ty.as_scalar() == Some(Scalar::LongDoubleComplex);
    if size > 8 * MAX_EIGHTBYTES && !complex_x87 {
        return Ok(Classification {
            size,
            align,
            empty,
            classes: None,
        });
    }
    let mut classes = [Class::NoClass; WORDS];
    let classes = eightbytes(ty, &mut classes)?.map(|_| [classes[0], classes[1]]);
    Ok(Classification {
        size,
        align,
        empty,
        classes,
    })
}

/// GCC's empty types: records and unions whose named members and record members are all empty,
/// arrays of length zero or of empty elements. Unnamed bit-fields do not count. A work list
/// rather than recursion, since records may nest to any depth.
fn is_empty(ty: &CType) -> Result<bool> {
    let mut work = vec![ty];
    while let Some(ty) = work.pop() {
        match ty.kind() {
            TypeKind::Record(r) => {
                for field in r.definition_for("classification")?.fields() {
                    let counts = field.name().is_some() || field.ty().as_record().is_some();
                    if !counts {
                        continue;
                    }
                    if field.is_bit_field() {
                        return Ok(false);
                    }
                    work.push(field.ty());
                }
            }
            TypeKind::Array { element, len } => {
                if *len != 0 {
                    work.push(element);
                }
            }
            _ => return Ok(false),
        }
    }
    Ok(true)
}

#[cfg(test)]
#[path = "classify_tests.rs"]
mod tests;
