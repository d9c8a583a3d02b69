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
//!
//! Byte order (`scalar_storage_order`) and layout rules (`ms_struct`) change where members lie,
//! not how they are classified.

use super::class::{post_merge, Class};
use crate::error::{Error, Result};
use crate::ty::{CType, Field, RecordDef, RecordKind, Scalar, TypeKind};

/// The most eightbytes a value passed in registers has.
pub const MAX_EIGHTBYTES: usize = 2;

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
    if size > 8 * MAX_EIGHTBYTES {
        return Ok(Classification {
            size,
            align,
            empty,
            classes: None,
        });
    }
    let mut classes = [Class::NoClass; WORDS];
    let classes = classify_at(ty, 0, &mut classes)?.map(|_| [classes[0], classes[1]]);
    Ok(Classification {
        size,
        align,
        empty,
        classes,
    })
}

/// Room for the classes of a member: its eightbytes, plus the one GCC's integer rule may
/// spill past them (ignored).
const WORDS: usize = MAX_EIGHTBYTES + 2;

/// The classes of a value of type `ty` that starts `bit` bits into the outermost value (GCC
/// keeps this modulo 512), counted from the eightbyte holding its first byte: `Some(n)` with
/// `classes[..n]` set, or `None` for MEMORY.
fn classify_at(ty: &CType, bit: u64, classes: &mut [Class; WORDS]) -> Result<Option<usize>> {
    match ty.kind() {
        TypeKind::Scalar(s) => Ok(scalar(*s, bit, classes)),
        TypeKind::Pointer(_) => Ok(integer(8, bit, classes)),
        TypeKind::Array { element, len } => {
            let bytes = element.size_for("classification")? * len;
            let Some(words) = aggregate_words(bytes, bit, classes) else {
                return Ok(None);
            };
            if words == 0 {
                return Ok(Some(1));
            }
            let mut inner = [Class::NoClass; WORDS];
            let Some(count) = classify_at(element, bit, &mut inner)? else {
                return Ok(None);
            };
            for (i, class) in classes.iter_mut().enumerate().take(words) {
                *class = inner[i % count];
            }
            Ok(finish(&mut classes[..words]))
        }
        TypeKind::Record(r) => {
            let def = r.definition_for("classification")?;
            let Some(words) = aggregate_words(def.size(), bit, classes) else {
                return Ok(None);
            };
            if words == 0 {
                return Ok(Some(1));
            }
            for field in def.fields() {
                let merged = match r.kind() {
                    RecordKind::Struct => struct_member(field, bit, &mut classes[..words])?,
                    RecordKind::Union => union_member(field, bit, &mut classes[..words])?,
                };
                if !merged {
                    return Ok(None);
                }
            }
            Ok(finish(&mut classes[..words]))
        }
        TypeKind::Void | TypeKind::Function(_) => Err(ty.incomplete("classification")),
    }
}

/// How many eightbytes an aggregate of `bytes` at `bit` touches, with those classes cleared;
/// `None` when it is too large for registers anyway. Zero eightbytes leaves one NO_CLASS.
fn aggregate_words(bytes: usize, bit: u64, classes: &mut [Class; WORDS]) -> Option<usize> {
    let words = (bytes + (bit % 64) as usize / 8).div_ceil(8);
    if words > MAX_EIGHTBYTES {
        return None;
    }
    classes.fill(Class::NoClass);
    Some(words)
}

fn finish(classes: &mut [Class]) -> Option<usize> {
    post_merge(classes).then_some(classes.len())
}

/// Merges one struct member into the struct's classes; `false` for MEMORY.
fn struct_member(field: &Field, bit: u64, classes: &mut [Class]) -> Result<bool> {
    let start = field.bit_position() + bit % 64;
    let at = (field.bit_position() + bit) % 512;
    if let Some(width) = field.bit_width() {
        if matches!(width, 8 | 16 | 32 | 64)
            && field.bit_position().is_multiple_of(u64::from(width))
        {
            // GCC lays such a bit-field out as an ordinary integer of its width, which is then
            // checked for alignment in the outermost value like any other.
            let mut inner = [Class::NoClass; WORDS];
            let Some(count) = integer(width as usize / 8, at, &mut inner) else {
                return Ok(false);
            };
            merge_from(classes, (start / 64) as usize, &inner[..count]);
        } else if width > 0 {
            let end = (start + u64::from(width)).div_ceil(64) as usize;
            for class in classes.iter_mut().take(end).skip((start / 64) as usize) {
                *class = Class::Integer.merge(*class);
            }
        }
        return Ok(true);
    }
    let mut inner = [Class::NoClass; WORDS];
    let Some(count) = classify_at(field.ty(), at, &mut inner)? else {
        return Ok(false);
    };
    merge_from(classes, (start / 64) as usize, &inner[..count]);
    Ok(true)
}

/// Merges one union member, which starts where the union does, into the union's classes;
/// `false` for MEMORY.
fn union_member(field: &Field, bit: u64, classes: &mut [Class]) -> Result<bool> {
    let mut inner = [Class::NoClass; WORDS];
    let count = match field.bit_width() {
        Some(width) => integer(bit_field_bytes(width), bit, &mut inner),
        None => classify_at(field.ty(), bit, &mut inner)?,
    };
    let Some(count) = count else {
        return Ok(false);
    };
    merge_from(classes, 0, &inner[..count]);
    Ok(true)
}

fn merge_from(classes: &mut [Class], first: usize, inner: &[Class]) {
    for (class, &new) in classes.iter_mut().skip(first).zip(inner) {
        *class = new.merge(*class);
    }
}

/// The size of the integer type GCC gives a bit-field of `width` bits: the smallest of 1, 2,
/// 4 and 8 bytes that holds it (1 for width 0).
fn bit_field_bytes(width: u32) -> usize {
    match width {
        0..=8 => 1,
        9..=16 => 2,
        17..=32 => 4,
        _ => 8,
    }
}

fn scalar(s: Scalar, bit: u64, classes: &mut [Class; WORDS]) -> Option<usize> {
    match s {
        Scalar::LongDouble if s.size() == 16 => {
            if !bit.is_multiple_of(128) {
                return None;
            }
            classes[0] = Class::X87;
            classes[1] = Class::X87Up;
            Some(2)
        }
        Scalar::Float | Scalar::Double | Scalar::LongDouble => {
            if !bit.is_multiple_of(s.size() as u64 * 8) {
                return None;
            }
            classes[0] = Class::Sse;
            Some(1)
        }
        _ => integer(s.size(), bit, classes),
    }
}

/// An integer of `bytes` at `bit`: MEMORY unless aligned to its size. GCC's rule gives the
/// eightbyte after the one holding an integer that starts in a second eightbyte the INTEGER class
/// too; that eightbyte lies past any value passed in registers, so it never counts.
fn integer(bytes: usize, bit: u64, classes: &mut [Class; WORDS]) -> Option<usize> {
    let bits = bytes as u64 * 8;
    if !bit.is_multiple_of(bits) {
        return None;
    }
    let last = (bit + bits - 1) % 128;
    let count = if last < 64 { 1 } else { 2 };
    classes[..count].fill(Class::Integer);
    Some(count)
}

/// GCC's empty types: records and unions whose named members and record members are all empty,
/// arrays of length zero or of empty elements. Unnamed bit-fields do not count.
fn is_empty(ty: &CType) -> Result<bool> {
    Ok(match ty.kind() {
        TypeKind::Record(r) => {
            let def: &RecordDef = r.definition_for("classification")?;
            for field in def.fields() {
                let counts = field.name().is_some() || field.ty().as_record().is_some();
                if counts && !(field.bit_width().is_none() && is_empty(field.ty())?) {
                    return Ok(false);
                }
            }
            true
        }
        TypeKind::Array { element, len } => *len == 0 || is_empty(element)?,
        _ => false,
    })
}

#[cfg(test)]
#[path = "classify_tests.rs"]
mod tests;
