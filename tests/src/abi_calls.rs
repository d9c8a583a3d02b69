//! Random calls for the `abi_vs_gcc` test: a random record (see [`crate::random`]) passed by
//! value among scalars, so that registers run out, and returned by value; and the C that makes
//! each call through the capture stubs of `c/abi_capture.S`.
//!
//! Every value passed is made of known bytes: the C code copies them into the argument with
//! `memcpy`, so what a register or stack slot holds can be told apart from any other value.

use std::fmt::Write as _;

use ctypes_core::{CType, Scalar, TypeKind};
use rand::seq::SliceRandom;
use rand::Rng;

use crate::engine;
use crate::model::Case;
use crate::random::{Generator, Shape};

/// Bytes of the caller's stack the capture stub copies (`CTYPES_ABI_STACK` in the stub).
pub const STACK_CAPTURE: usize = 1024;

/// The type of one argument.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArgType {
    /// A scalar.
    Scalar(Scalar),
    /// `void *`.
    Pointer,
    /// The record under test.
    Record,
}

/// One argument: its type, the bytes of its value, and which of them are data (not padding).
#[derive(Clone, Debug)]
pub struct Arg {
    /// The type.
    pub ty: ArgType,
    /// The value's bytes.
    pub bytes: Vec<u8>,
    /// For each byte, whether it holds data that a copy must keep.
    pub mask: Vec<bool>,
}

/// A record and the two calls that carry it: an argument call and a result call.
#[derive(Debug)]
pub struct CallCase {
    /// The records; the last is passed and returned.
    pub case: Case,
    /// The record under test, built with `ctypes-core`.
    pub record: CType,
    /// The arguments of the argument call.
    pub args: Vec<Arg>,
    /// How many of them are fixed; the rest follow the `...` of a variadic prototype.
    pub fixed: usize,
    /// Whether the prototype is variadic.
    pub variadic: bool,
    /// Whether the argument call's prototype returns the record (else `void`).
    pub returns_record: bool,
    /// The record's bytes as the result call returns them, and its data mask.
    pub result: Arg,
}

/// Scalars for fixed arguments.
const FIXED_SCALARS: [Scalar; 15] = [
    Scalar::Bool,
    Scalar::Char,
    Scalar::Short,
    Scalar::Int,
    Scalar::Long,
    Scalar::ULongLong,
    Scalar::Float,
    Scalar::Float,
    Scalar::Double,
    Scalar::Double,
    Scalar::Double,
    Scalar::LongDouble,
    Scalar::FloatComplex,
    Scalar::DoubleComplex,
    Scalar::LongDoubleComplex,
];

/// Scalars after `...`: types that C's default argument promotions leave as they are.
const VARIADIC_SCALARS: [Scalar; 9] = [
    Scalar::Int,
    Scalar::Long,
    Scalar::UInt,
    Scalar::Double,
    Scalar::Double,
    Scalar::LongDouble,
    Scalar::FloatComplex,
    Scalar::DoubleComplex,
    Scalar::LongDoubleComplex,
];

impl CallCase {
    /// The case of number `id`, which depends only on `seed` and `id`; `Err` when
    /// `ctypes-core` refuses to build the record.
    pub fn new(seed: u64, id: usize) -> Result<CallCase, String> {
        let mut generator = Generator::with_shape(seed.wrapping_add(id as u64), Shape::SMALL);
        let case = generator.case(id);
        let built = engine::build_case(&case).map_err(|e| e.to_string())?;
        let record = built.last().expect("a case has a record").clone();
        let rng = generator.rng();
        let variadic = rng.gen_bool(0.25);
        let returns_record = rng.gen_bool(0.5);
        let mut types = Vec::new();
        let before = rng.gen_range(0..=10);
        let fixed_before = if variadic {
            rng.gen_range(1..=before.max(1))
        } else {
            before
        };
        for i in 0..before.max(usize::from(variadic)) {
            types.push(scalar_type(rng, variadic && i >= fixed_before));
        }
        types.push(ArgType::Record);
        for _ in 0..rng.gen_range(0..=4) {
            types.push(scalar_type(rng, variadic));
        }
        if rng.gen_bool(0.4) {
            types.push(ArgType::Record);
            types.push(scalar_type(rng, variadic));
        }
        let fixed = if variadic {
            fixed_before.min(types.len())
        } else {
            types.len()
        };
        let args = types
            .into_iter()
            .map(|ty| value(rng, ty, &record))
            .collect::<Result<Vec<_>, _>>()?;
        let result = value(rng, ArgType::Record, &record)?;
        Ok(CallCase {
            case,
            record,
            args,
            fixed,
            variadic,
            returns_record,
            result,
        })
    }

    /// The runtime type of an argument.
    pub fn c_type(&self, ty: ArgType) -> CType {
        match ty {
            ArgType::Scalar(s) => CType::scalar(s),
            ArgType::Pointer => CType::void_ptr(),
            ArgType::Record => self.record.clone(),
        }
    }

    /// The C name of an argument's type.
    pub fn c_name(&self, ty: ArgType) -> String {
        match ty {
            ArgType::Scalar(s) => s.c_name().to_owned(),
            ArgType::Pointer => "void *".to_owned(),
            ArgType::Record => self.case.top().c_type_name(),
        }
    }

    /// The case's C: its records, the bytes of its values, and the functions `c<id>_args`
    /// (the argument call, then `dump_args`) and `c<id>_result` (the result call, then
    /// `dump_result`). `stack` is how many bytes of the stack area `dump_args` prints.
    pub fn c_source(&self, stack: usize, out: &mut String) {
        let id = self.case.id;
        let record = self.case.top().c_type_name();
        out.push_str(&self.case.c_definitions());
        for (i, arg) in self.args.iter().enumerate() {
            let _ = writeln!(
                out,
                "static const unsigned char c{id}_b{i}[] = {};",
                bytes(arg)
            );
        }
        let _ = writeln!(
            out,
            "static const unsigned char c{id}_rb[] = {};",
            bytes(&self.result)
        );
        let _ = writeln!(out, "static void c{id}_args(void) {{");
        let mut params = Vec::new();
        let mut names = Vec::new();
        for (i, arg) in self.args.iter().enumerate() {
            let ty = self.c_name(arg.ty);
            let _ = writeln!(
                out,
                "    {ty} a{i}; memcpy(&a{i}, c{id}_b{i}, sizeof a{i});"
            );
            if i < self.fixed {
                params.push(ty);
            }
            names.push(format!("a{i}"));
        }
        if self.variadic {
            params.push("...".to_owned());
        }
        let result = if self.returns_record { &record } else { "void" };
        let _ = writeln!(
            out,
            "    (({result} (*)({}))ctypes_abi_capture_args)({});\n    dump_args({id}, {stack});\n}}",
            params.join(", "),
            names.join(", ")
        );
        let _ = writeln!(
            out,
            "static {record} c{id}_ret(void) {{ {record} r; memcpy(&r, c{id}_rb, sizeof r); return r; }}"
        );
        let _ = writeln!(
            out,
            "static void c{id}_result(void) {{\n    printf(\"L {id} %zu %zu\\n\", sizeof({record}), _Alignof({record}));\n    dump_result({id}, (void *)c{id}_ret, sizeof({record}));\n}}\n"
        );
    }
}

fn scalar_type(rng: &mut impl Rng, variadic: bool) -> ArgType {
    if rng.gen_bool(0.1) {
        return ArgType::Pointer;
    }
    let pool: &[Scalar] = if variadic {
        &VARIADIC_SCALARS
    } else {
        &FIXED_SCALARS
    };
    ArgType::Scalar(*pool.choose(rng).expect("not empty"))
}

/// A value of type `ty` made of random bytes, with `_Bool`s 0 or 1 and `long double`s normal
/// numbers (an x87 load keeps those exactly).
fn value(rng: &mut impl Rng, ty: ArgType, record: &CType) -> Result<Arg, String> {
    let c_type = match ty {
        ArgType::Scalar(s) => CType::scalar(s),
        ArgType::Pointer => CType::void_ptr(),
        ArgType::Record => record.clone(),
    };
    let size = c_type.size().map_err(|e| e.to_string())?;
    let mut bytes: Vec<u8> = (0..size).map(|_| rng.gen()).collect();
    let mut mask = vec![false; size];
    data(&c_type, 0, &mut mask, &mut |at, scalar| match scalar {
        Scalar::Bool => bytes[at] = rng.gen_range(0..=1),
        // Each part of a `long double _Complex` is a `long double`.
        Scalar::LongDouble | Scalar::LongDoubleComplex => {
            for at in [at, at + 16].into_iter().take(scalar.size() / 16) {
                bytes[at + 7] |= 0x80;
                bytes[at + 9] = if rng.gen_bool(0.5) { 0x3f } else { 0xbf };
            }
        }
        _ => {}
    })?;
    Ok(Arg { ty, bytes, mask })
}

/// Marks the data bytes of a `ty` at `at` in `mask`, and calls `scalar` for each scalar.
fn data(
    ty: &CType,
    at: usize,
    mask: &mut [bool],
    scalar: &mut impl FnMut(usize, Scalar),
) -> Result<(), String> {
    match ty.kind() {
        TypeKind::Scalar(s) => {
            // The x87 format is 10 bytes; the rest of a `long double` is padding.
            match s {
                Scalar::LongDouble => mask[at..at + 10].fill(true),
                Scalar::LongDoubleComplex => {
                    mask[at..at + 10].fill(true);
                    mask[at + 16..at + 26].fill(true);
                }
                _ => mask[at..at + s.size()].fill(true),
            }
            scalar(at, *s);
        }
        TypeKind::Pointer(_) => mask[at..at + 8].fill(true),
        TypeKind::Array { element, len } => {
            let size = element.size().map_err(|e| e.to_string())?;
            for i in 0..*len {
                data(element, at + i * size, mask, scalar)?;
            }
        }
        TypeKind::Record(r) => {
            let def = r.definition().ok_or("an incomplete record")?;
            for field in def.fields() {
                match field.bit_width() {
                    Some(0) => {}
                    Some(_) if field.name().is_none() => {}
                    Some(_) => mask[at + field.offset()..][..field.size()].fill(true),
                    None => data(field.ty(), at + field.offset(), mask, scalar)?,
                }
            }
        }
        _ => return Err(format!("`{ty}` has no values")),
    }
    Ok(())
}

fn bytes(arg: &Arg) -> String {
    let mut text = String::from("{");
    for b in &arg.bytes {
        let _ = write!(text, "{b:#04x},");
    }
    // An empty initializer is not C11; the extra byte is never copied.
    text.push_str("0}");
    text
}

/// What comes before the cases in the C program: the capture stubs' declarations and the
/// functions that print what they captured.
pub const PRELUDE: &str = r#"#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <wchar.h>
#include <time.h>
#include <sys/types.h>
#include <stdio.h>
#include <string.h>

extern unsigned char ctypes_abi_regs[192], ctypes_abi_stack[], ctypes_abi_result[48], ctypes_abi_fx[512];
void ctypes_abi_capture_args();
void ctypes_abi_capture_result(void *fn, void *hidden);
static unsigned char hidden[4096] __attribute__((aligned(64)));

static void hex(const void *p, size_t n) {
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) printf("%02x", b[i]);
}

/* "A <id> <rdi..r9, rax, xmm0..7, the stack area's address> <stack area>" */
static void dump_args(int id, size_t stack) {
    printf("A %d ", id);
    hex(ctypes_abi_regs, 192);
    putchar(' ');
    hex(ctypes_abi_stack, stack);
    putchar('\n');
}

/* "R <id> <rax rdx xmm0 xmm1> <x87 tags> <st0> <st1> <rax is the hidden pointer> <hidden memory>" */
static void dump_result(int id, void *fn, size_t size) {
    memset(hidden, 0xee, size);
    ctypes_abi_capture_result(fn, hidden);
    uint64_t rax;
    memcpy(&rax, ctypes_abi_result, 8);
    printf("R %d ", id);
    hex(ctypes_abi_result, 48);
    putchar(' ');
    hex(ctypes_abi_fx + 4, 1);
    putchar(' ');
    hex(ctypes_abi_fx + 32, 10);
    putchar(' ');
    hex(ctypes_abi_fx + 48, 10);
    printf(" %d ", rax == (uint64_t)(uintptr_t)hidden);
    hex(hidden, size);
    printf(" .\n");
}
"#;
