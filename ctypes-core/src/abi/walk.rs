//! The walk that classifies a type's eightbytes, member by member, in GCC's order.
//!
//! GCC classifies an aggregate by classifying each member on its own (recursively), then
//! merging the member's classes into the aggregate's eightbytes, then cleaning the aggregate
//! up ([`post_merge`]); the merge is not associative, so that order is kept. Records may nest
//! to any depth, so the walk keeps its own stack of open aggregates rather than recursing: a
//! record nested a million levels deep is classified like any other.
//!
//! Any member classified MEMORY makes the whole value MEMORY, as in GCC.

use super::class::{post_merge, Class, MAX_EIGHTBYTES};
use crate::error::Result;
use crate::ty::{CType, Field, RecordDef, RecordKind, Scalar, TypeKind};

/// Room for the classes of a member: its eightbytes, plus the one GCC's integer rule may
/// spill past them (ignored).
pub(super) const WORDS: usize = MAX_EIGHTBYTES + 2;

/// Classes counted from the eightbyte that holds a value's first byte.
type Classes = [Class; WORDS];

/// What a member's classification gives: `Some(n)` with the first `n` classes set, or `None`
/// for MEMORY.
type Outcome = Option<usize>;

/// An aggregate whose members are being classified.
struct Open<'t> {
    members: Members<'t>,
    /// Where the aggregate starts in the outermost value, in bits (modulo 512, as GCC keeps it).
    bit: u64,
    /// The eightbytes it touches.
    words: usize,
    classes: Classes,
    /// How its classes go into the aggregate that holds it.
    into: Into,
}

enum Members<'t> {
    Record {
        def: &'t RecordDef,
        kind: RecordKind,
        next: usize,
    },
    /// An array: its first element, classified once.
    Array { element: &'t CType, done: bool },
}

/// How a member's classes go into the aggregate that holds it.
#[derive(Clone, Copy)]
enum Into {
    /// Merged from this eightbyte of the holder on (a struct member; 0 for a union member).
    Merge { from: usize },
    /// Repeated over the holder's eightbytes (an array's element).
    Repeat,
}

/// A member classified at once (with how its classes go into its holder), or an aggregate to
/// open.
enum Step<'t> {
    Done(Classes, Outcome, Into),
    Open(Open<'t>),
}

/// The classes of a value of type `ty` at the start of the outermost value: `Some(n)` with
/// `classes[..n]` set, or `None` for MEMORY.
pub(super) fn eightbytes(ty: &CType, classes: &mut Classes) -> Result<Outcome> {
    let mut stack = match step(ty, 0, Into::Repeat)? {
        Step::Done(found, outcome, _) => {
            *classes = found;
            return Ok(outcome);
        }
        Step::Open(open) => vec![open],
    };
    loop {
        let top = stack
            .last_mut()
            .expect("the walk ends when the stack empties");
        let next = match &mut top.members {
            Members::Array { element, done } if !*done => {
                *done = true;
                let element: &CType = element;
                Some(step(element, top.bit, Into::Repeat)?)
            }
            Members::Record { def, kind, next } if *next < def.fields().len() => {
                let def: &RecordDef = def;
                let field = &def.fields()[*next];
                *next += 1;
                Some(member(field, *kind, top.bit)?)
            }
            _ => None,
        };
        match next {
            Some(Step::Done(found, outcome, into)) => {
                let Some(count) = outcome else {
                    return Ok(None);
                };
                absorb(top, into, &found[..count]);
            }
            Some(Step::Open(open)) => stack.push(open),
            None => {
                let mut done = stack.pop().expect("not empty");
                if !post_merge(&mut done.classes[..done.words]) {
                    return Ok(None);
                }
                match stack.last_mut() {
                    Some(holder) => absorb(holder, done.into, &done.classes[..done.words]),
                    None => {
                        *classes = done.classes;
                        return Ok(Some(done.words));
                    }
                }
            }
        }
    }
}

fn absorb(holder: &mut Open<'_>, into: Into, found: &[Class]) {
    let classes = &mut holder.classes[..holder.words];
    match into {
        Into::Merge { from } => {
            for (class, &new) in classes.iter_mut().skip(from).zip(found) {
                *class = new.merge(*class);
            }
        }
        Into::Repeat => {
            for (i, class) in classes.iter_mut().enumerate() {
                *class = found[i % found.len()];
            }
        }
    }
}

/// Classifies a value of type `ty` at `bit`, or opens it if it is an aggregate with members to
/// classify.
fn step(ty: &CType, bit: u64, into: Into) -> Result<Step<'_>> {
    let mut classes = [Class::NoClass; WORDS];
    let members = match ty.kind() {
        TypeKind::Scalar(s) => {
            let outcome = scalar(*s, bit, &mut classes);
            return Ok(Step::Done(classes, outcome, into));
        }
        TypeKind::Pointer(_) => {
            let outcome = integer(8, bit, &mut classes);
            return Ok(Step::Done(classes, outcome, into));
        }
        TypeKind::Array { element, len } => {
            let bytes = element.size_for("classification")? * len;
            (
                Members::Array {
                    element,
                    done: false,
                },
                bytes,
            )
        }
        TypeKind::Record(r) => {
            let def = r.definition_for("classification")?;
            let members = Members::Record {
                def,
                kind: r.kind(),
                next: 0,
            };
            (members, def.size())
        }
        TypeKind::Void | TypeKind::Function(_) => return Err(ty.incomplete("classification")),
    };
    let (members, bytes) = members;
    let words = (bytes + (bit % 64) as usize / 8).div_ceil(8);
    if words > MAX_EIGHTBYTES {
        return Ok(Step::Done(classes, None, into));
    }
    if words == 0 {
        // A record or array of size zero on an eightbyte boundary: one NO_CLASS.
        return Ok(Step::Done(classes, Some(1), into));
    }
    let open = Open {
        members,
        bit,
        words,
        classes,
        into,
    };
    Ok(Step::Open(open))
}

/// Classifies one member of a record that starts at `bit`, or opens it.
fn member(field: &Field, kind: RecordKind, bit: u64) -> Result<Step<'_>> {
    let mut classes = [Class::NoClass; WORDS];
    let position = field.bit_position();
    // A struct member starts at its position, its classes merged from the eightbyte that holds
    // it; a union member starts where the union does.
    let (at, into) = match kind {
        RecordKind::Struct => {
            let from = ((position + bit % 64) / 64) as usize;
            ((position + bit) % 512, Into::Merge { from })
        }
        RecordKind::Union => (bit, Into::Merge { from: 0 }),
    };
    let Some(width) = field.bit_width() else {
        return step(field.ty(), at, into);
    };
    let outcome = match kind {
        // GCC classifies a union's bit-field by its type: the smallest integer type of at
        // least its width, at the union's offset.
        RecordKind::Union => integer(bit_field_bytes(width), bit, &mut classes),
        // A bit-field of 8, 16, 32 or 64 bits on a multiple of its width is laid out by GCC as
        // an ordinary integer, which is checked for alignment like any other.
        RecordKind::Struct
            if matches!(width, 8 | 16 | 32 | 64) && position.is_multiple_of(u64::from(width)) =>
        {
            integer(width as usize / 8, at, &mut classes)
        }
        // A zero-width one counts for nothing (GCC 12 and later).
        RecordKind::Struct if width == 0 => Some(0),
        // Any other is INTEGER over the eightbytes its bits touch, counted here from the
        // eightbyte that holds its first bit.
        RecordKind::Struct => {
            let start = position + bit % 64;
            let end = (start + u64::from(width)).div_ceil(64);
            let count = (end - start / 64) as usize;
            classes[..count.min(WORDS)].fill(Class::Integer);
            Some(count.min(WORDS))
        }
    };
    Ok(Step::Done(classes, outcome, into))
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

/// A scalar at `bit`. The complex types are classified as GCC classifies their modes: `float
/// _Complex` one SSE eightbyte, or two when it starts in the middle of one (GCC 4.4 and later:
/// `struct { float f; float _Complex c; }` is SSE, SSE), `double _Complex` two SSE eightbytes,
/// `long double _Complex` the single class COMPLEX_X87. Each is MEMORY at an offset not a
/// multiple of its part's size (16 for `long double`).
fn scalar(s: Scalar, bit: u64, classes: &mut Classes) -> Outcome {
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
        Scalar::FloatComplex | Scalar::DoubleComplex | Scalar::LongDoubleComplex => {
            let part = s.complex_part().expect("a complex type");
            if !bit.is_multiple_of(part.size() as u64 * 8) {
                return None;
            }
            match part {
                Scalar::LongDouble if part.size() == 16 => {
                    classes[0] = Class::ComplexX87;
                    Some(1)
                }
                Scalar::Float if bit.is_multiple_of(64) => {
                    classes[0] = Class::Sse;
                    Some(1)
                }
                _ if s.size() <= 16 => {
                    classes[..2].fill(Class::Sse);
                    Some(2)
                }
                // Wider than two eightbytes (a `long double` of another format): memory.
                _ => None,
            }
        }
        _ => integer(s.size(), bit, classes),
    }
}

/// An integer of `bytes` at `bit`: MEMORY unless aligned to its size. GCC's rule gives the
/// eightbyte after the one holding an integer that starts in a second eightbyte the INTEGER
/// class too; that eightbyte lies past any value passed in registers, so it never counts.
fn integer(bytes: usize, bit: u64, classes: &mut Classes) -> Outcome {
    let bits = bytes as u64 * 8;
    if !bit.is_multiple_of(bits) {
        return None;
    }
    let last = (bit + bits - 1) % 128;
    let count = if last < 64 { 1 } else { 2 };
    classes[..count].fill(Class::Integer);
    Some(count)
}
