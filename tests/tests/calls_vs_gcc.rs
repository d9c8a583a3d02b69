//! The call engine end to end against GCC: random records and signatures compiled by `cc` into
//! reference functions, called through the engine and through libffi.
//!
//! Each case (see `ctypes_tests::abi_calls::CallCase`: a random small record passed by value
//! among random scalars, `long double` among them, so that registers run out, sometimes twice,
//! sometimes after the `...` of a variadic prototype) becomes two C functions with the case's
//! prototype:
//! - `c<id>_sum` returns a checksum (FNV-1a) of every data byte of every argument it received,
//!   as `unsigned long long`, `double`, `float` or `long double` (chosen by the case number, so
//!   that results come back in `rax`, `xmm0` and `st0`);
//! - `c<id>_echo` returns the first record argument it received, by value (in registers of
//!   either kind, in `st0`, or through a hidden result pointer);
//!
//! and two C functions that call a callback with the case's prototype (every argument fixed):
//! - `c<id>_call_sum(f, args…)` returns `f(args…)`: the callback, a [`Callback::new`] closure,
//!   computes the checksum of the bytes it received (callback argument);
//! - `c<id>_check_echo(f, args…)` calls `f(args…)`, which returns the record argument it
//!   received, and returns the checksum C computes of the record it got back (callback
//!   result).
//!
//! Every value is made of random bytes (normal numbers for `long double`). The checksum and
//! the echoed record's data bytes must be those of the arguments sent, through the engine
//! (`Function::call`, and `Function::call_into` for the echo), with no refusal; and through
//! libffi (`Function::through_libffi`) wherever libffi accepts the shape (it refuses those it
//! cannot pass as C does: over-aligned records, records GCC passes in memory for a misaligned
//! member, `long double` records returned in `st0`, empty records of some size). The callbacks
//! run on the own trampolines, with no refusal, and on libffi closures
//! (`Callback::new_through_libffi`) wherever libffi accepts the shape.
//!
//! `CTYPES_CALLS_CASES` sets the number of cases (default 2000), `CTYPES_CALLS_SEED` the seed;
//! case `n` depends only on the seed and `n`, so a failing case can be run alone with
//! `CTYPES_CALLS_ONLY=n`. `CTYPES_CALLS_NO_LONG_DOUBLE=1` leaves out the cases with a `long
//! double` anywhere, for running under valgrind, whose x87 emulation keeps only 64 bits of an
//! 80-bit value.

#![cfg(all(
    target_arch = "x86_64",
    target_pointer_width = "64",
    unix,
    not(target_os = "cygwin")
))]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Instant;

use ctypes_core::__private::abi::{classify, ArgPlace, Placement, Register, ResultPlace};
use ctypes_core::{
    Arg, CData, CType, CValue, CallPath, Callback, Complex, Error, Library, LongDouble, Scalar,
    Signature, Value,
};
use ctypes_tests::abi_calls::{ArgType, CallCase};
use ctypes_tests::cc;
use ctypes_tests::env_number;

const DEFAULT_CASES: usize = 2000;
const DEFAULT_SEED: u64 = 0x00c7_1e5a_ca11_0002;
/// Cases per compiled library.
const BATCH: usize = 250;
/// From this many cases on, every feature in `FEATURES` must have occurred.
const COVERAGE_CASES: usize = 500;
/// Disagreements shown in full.
const SHOWN: usize = 12;

const FEATURES: &[&str] = &[
    "record argument in registers",
    "record argument in memory by class",
    "record argument on the stack for want of registers",
    "record argument aligned to more than 16 on the stack",
    "record argument of the x87 classes",
    "scalar argument on the stack",
    "long double argument",
    "variadic call",
    "record after the ... of a variadic call",
    "record result in registers",
    "record result in st0",
    "record result in memory",
    "result in rax",
    "result in xmm0",
    "result in st0",
    "complex argument",
    "complex result in xmm0 (and xmm1)",
    "complex result in st0 and st1",
];

/// How `c<id>_sum` returns its checksum.
#[derive(Clone, Copy, Debug)]
enum Sum {
    U64,
    Double,
    Float,
    LongDouble,
    FloatComplex,
    DoubleComplex,
    LongDoubleComplex,
}

impl Sum {
    fn of(id: usize) -> Sum {
        [
            Sum::U64,
            Sum::Double,
            Sum::Float,
            Sum::LongDouble,
            Sum::FloatComplex,
            Sum::DoubleComplex,
            Sum::LongDoubleComplex,
        ][id % 7]
    }

    fn scalar(self) -> Scalar {
        match self {
            Sum::U64 => Scalar::ULongLong,
            Sum::Double => Scalar::Double,
            Sum::Float => Scalar::Float,
            Sum::LongDouble => Scalar::LongDouble,
            Sum::FloatComplex => Scalar::FloatComplex,
            Sum::DoubleComplex => Scalar::DoubleComplex,
            Sum::LongDoubleComplex => Scalar::LongDoubleComplex,
        }
    }

    /// The C expression returning the checksum `h` exactly.
    fn c_return(self) -> &'static str {
        match self {
            Sum::U64 => "h",
            Sum::Double => "(double)(h >> 11)",
            Sum::Float => "(float)(h >> 40)",
            Sum::LongDouble => "(long double)h",
            // Both parts, each exact: a swap of the parts shows.
            Sum::FloatComplex => "__builtin_complex((float)(h >> 40), (float)(h & 0xffffff))",
            Sum::DoubleComplex => {
                "__builtin_complex((double)(h >> 11), (double)(h & 0x1fffffffffffffULL))"
            }
            Sum::LongDoubleComplex => "__builtin_complex((long double)h, (long double)~h)",
        }
    }

    /// Whether `returned` is the checksum `h` as the C function returns it.
    fn matches(self, returned: &CValue, h: u64) -> bool {
        match self {
            Sum::U64 => returned.as_u64() == Some(h),
            Sum::Double => returned.as_f64() == Some((h >> 11) as f64),
            Sum::Float => returned.as_f64() == Some((h >> 40) as f64),
            Sum::LongDouble => returned
                .as_long_double()
                .is_some_and(|l| l.to_bytes()[..10] == x87_bytes(h)),
            Sum::FloatComplex => {
                returned.value()
                    == Some(Value::FloatComplex(Complex::new(
                        (h >> 40) as f32,
                        (h & 0xff_ffff) as f32,
                    )))
            }
            Sum::DoubleComplex => {
                returned.value()
                    == Some(Value::DoubleComplex(Complex::new(
                        (h >> 11) as f64,
                        (h & ((1 << 53) - 1)) as f64,
                    )))
            }
            Sum::LongDoubleComplex => match returned.value() {
                Some(Value::LongDoubleComplex(z)) => {
                    z.re.to_bytes()[..10] == x87_bytes(h) && z.im.to_bytes()[..10] == x87_bytes(!h)
                }
                _ => false,
            },
        }
    }

    /// The checksum `h` as the C function returns it, for a callback to return.
    fn value(self, h: u64) -> Value {
        match self {
            Sum::U64 => Value::UInt(h),
            Sum::Double => Value::Double((h >> 11) as f64),
            Sum::Float => Value::Float((h >> 40) as f32),
            Sum::LongDouble => {
                let mut bytes = [0u8; 16];
                bytes[..10].copy_from_slice(&x87_bytes(h));
                Value::LongDouble(LongDouble::from_bytes(bytes))
            }
            Sum::FloatComplex => {
                Value::FloatComplex(Complex::new((h >> 40) as f32, (h & 0xff_ffff) as f32))
            }
            Sum::DoubleComplex => {
                Value::DoubleComplex(Complex::new((h >> 11) as f64, (h & ((1 << 53) - 1)) as f64))
            }
            Sum::LongDoubleComplex => {
                let part = |h: u64| {
                    let mut bytes = [0u8; 16];
                    bytes[..10].copy_from_slice(&x87_bytes(h));
                    LongDouble::from_bytes(bytes)
                };
                Value::LongDoubleComplex(Complex::new(part(h), part(!h)))
            }
        }
    }
}

/// The x87 extended bytes of `(long double)h`, which is exact.
fn x87_bytes(h: u64) -> [u8; 10] {
    let mut bytes = [0u8; 10];
    if h != 0 {
        let shift = h.leading_zeros();
        bytes[..8].copy_from_slice(&(h << shift).to_le_bytes());
        bytes[8..].copy_from_slice(&((16383 + 63 - shift) as u16).to_le_bytes());
    }
    bytes
}

/// The checksum of the data bytes of `args`, as the C functions compute it.
fn checksum<'a>(args: impl Iterator<Item = &'a ctypes_tests::abi_calls::Arg>) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for arg in args {
        for (byte, _) in arg.bytes.iter().zip(&arg.mask).filter(|(_, &m)| m) {
            h = (h ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

const PRELUDE: &str = r#"#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <wchar.h>
#include <time.h>
#include <sys/types.h>
#include <string.h>

static unsigned long long mix(unsigned long long h, const void *p, const unsigned short *at, int n) {
    const unsigned char *b = p;
    for (int i = 0; i < n; i++) h = (h ^ b[at[i]]) * 0x100000001b3ULL;
    return h;
}
"#;

struct Prepared {
    call: CallCase,
    sum: Sum,
    /// The index of the first record argument, which `c<id>_echo` returns.
    echoed: usize,
}

impl Prepared {
    fn new(seed: u64, id: usize) -> Result<Prepared, String> {
        let call = CallCase::new(seed, id)?;
        // GCC 12's `va_arg` of some records it counts as empty (no named data, only unnamed
        // bit-fields and zero-length arrays) copies a negative length and crashes the callee
        // whoever calls it (`struct { int : 32; double d[0]; short : 15; long double l[0]; }`):
        // such a record is not passed after the `...`.
        let after_ellipsis = call.args[call.fixed..]
            .iter()
            .any(|a| a.ty == ArgType::Record);
        if after_ellipsis && classify(&call.record).is_ok_and(|c| c.is_empty() && c.size() > 0) {
            return Err("an empty record after `...`, which GCC's va_arg mishandles".to_owned());
        }
        let echoed = call
            .args
            .iter()
            .position(|a| a.ty == ArgType::Record)
            .ok_or("a case passes its record")?;
        Ok(Prepared {
            call,
            sum: Sum::of(id),
            echoed,
        })
    }

    fn id(&self) -> usize {
        self.call.case.id
    }

    /// Whether a `long double` is among the values the case passes or returns.
    fn has_long_double(&self) -> bool {
        matches!(self.sum, Sum::LongDouble | Sum::LongDoubleComplex)
            || self.call.case.c_definitions().contains("long double")
            || self.call.args.iter().any(|a| {
                matches!(
                    a.ty,
                    ArgType::Scalar(Scalar::LongDouble | Scalar::LongDoubleComplex)
                )
            })
    }

    /// The case's records, the data offsets of each argument, and its two functions.
    fn c_source(&self, out: &mut String) {
        let id = self.id();
        let call = &self.call;
        let record = call.case.top().c_type_name();
        out.push_str(&call.case.c_definitions());
        for (i, arg) in call.args.iter().enumerate() {
            let at: Vec<String> = (0..arg.mask.len())
                .filter(|&j| arg.mask[j])
                .map(|j| j.to_string())
                .collect();
            let _ = writeln!(
                out,
                "static const unsigned short c{id}_m{i}[] = {{{}0}};",
                at.iter().map(|a| format!("{a},")).collect::<String>()
            );
            let _ = writeln!(out, "enum {{ c{id}_n{i} = {} }};", at.len());
        }
        let mut params: Vec<String> = (0..call.fixed)
            .map(|i| format!("{} a{i}", call.c_name(call.args[i].ty)))
            .collect();
        if call.variadic {
            params.push("...".to_owned());
        }
        let params = params.join(", ");
        let va_start = if call.variadic {
            format!("    va_list ap; va_start(ap, a{});\n", call.fixed - 1)
        } else {
            String::new()
        };
        let va_end = if call.variadic {
            "    va_end(ap);\n"
        } else {
            ""
        };
        // The checksum.
        let _ = write!(
            out,
            "{} c{id}_sum({params}) {{\n    unsigned long long h = 0xcbf29ce484222325ULL;\n{va_start}",
            self.sum.scalar().c_name()
        );
        for (i, arg) in call.args.iter().enumerate() {
            if i < call.fixed {
                let _ = writeln!(out, "    h = mix(h, &a{i}, c{id}_m{i}, c{id}_n{i});");
            } else {
                let _ = writeln!(
                    out,
                    "    {{ {} v = va_arg(ap, {0}); h = mix(h, &v, c{id}_m{i}, c{id}_n{i}); }}",
                    call.c_name(arg.ty)
                );
            }
        }
        let _ = writeln!(out, "{va_end}    return {};\n}}", self.sum.c_return());
        // The echo.
        let _ = write!(
            out,
            "{record} c{id}_echo({params}) {{\n    {record} r;\n{va_start}"
        );
        let k = self.echoed;
        if k < call.fixed {
            let _ = writeln!(out, "    r = a{k};");
        } else {
            for i in call.fixed..k {
                let _ = writeln!(
                    out,
                    "    {{ {} v = va_arg(ap, {0}); (void)v; }}",
                    call.c_name(call.args[i].ty)
                );
            }
            let _ = writeln!(out, "    r = va_arg(ap, {record});");
        }
        let _ = writeln!(out, "{va_end}    return r;\n}}\n");
        // The callers of callbacks, with every argument fixed.
        let types: Vec<String> = call.args.iter().map(|a| call.c_name(a.ty)).collect();
        let all_params: String = types
            .iter()
            .enumerate()
            .map(|(i, t)| format!(", {t} a{i}"))
            .collect();
        let forwarded: Vec<String> = (0..types.len()).map(|i| format!("a{i}")).collect();
        let forwarded = forwarded.join(", ");
        let sum = self.sum.scalar().c_name();
        let _ = writeln!(
            out,
            "typedef {sum} (*c{id}_sum_f)({});\n\
             {sum} c{id}_call_sum(c{id}_sum_f f{all_params}) {{ return f({forwarded}); }}\n\
             typedef {record} (*c{id}_echo_f)({0});\n\
             unsigned long long c{id}_check_echo(c{id}_echo_f f{all_params}) {{\n\
             \x20   {record} r = f({forwarded});\n\
             \x20   return mix(0xcbf29ce484222325ULL, &r, c{id}_m{k}, c{id}_n{k});\n}}\n",
            types.join(", ")
        );
    }

    /// The signature of a callback of the case returning `result`: every argument fixed.
    fn callback_signature(&self, result: CType) -> Signature {
        let types = self
            .call
            .args
            .iter()
            .map(|a| self.call.c_type(a.ty))
            .collect();
        Signature::new(types, result)
    }

    /// The signature of a function of the case returning `result`, and the promoted types of
    /// its variadic arguments.
    fn signature(&self, result: CType) -> (Signature, Vec<CType>) {
        let types: Vec<CType> = self
            .call
            .args
            .iter()
            .map(|a| self.call.c_type(a.ty))
            .collect();
        let (fixed, extra) = types.split_at(self.call.fixed);
        let signature = if self.call.variadic {
            Signature::variadic(fixed.to_vec(), result)
        } else {
            Signature::new(fixed.to_vec(), result)
        };
        (signature, extra.to_vec())
    }

    /// The arguments' objects (records) and values (scalars, pointers).
    fn values(&self) -> Result<Vec<Passed>, Error> {
        self.call
            .args
            .iter()
            .map(|arg| {
                let ty = self.call.c_type(arg.ty);
                Ok(match arg.ty {
                    ArgType::Record => Passed::Data(CData::from_bytes(&ty, &arg.bytes)?),
                    _ => Passed::Value(ty.clone(), CData::from_bytes(&ty, &arg.bytes)?.value()?),
                })
            })
            .collect()
    }

    fn features(&self, features: &mut BTreeMap<&'static str, usize>) {
        let mut saw = |f: &'static str| *features.entry(f).or_default() += 1;
        let (signature, extra) = self.signature(self.call.record.clone());
        let Ok(placement) = Placement::of_call(&signature, &extra) else {
            return;
        };
        for (i, (arg, place)) in self.call.args.iter().zip(placement.args()).enumerate() {
            let class = &placement.arg_classes()[i];
            let stack = matches!(place, ArgPlace::Stack { .. });
            match arg.ty {
                ArgType::Record => {
                    let x87 = class
                        .classes()
                        .is_some_and(|c| c.iter().any(|c| c.psabi_name().starts_with("X87")));
                    if x87 {
                        saw("record argument of the x87 classes");
                    } else if class.is_memory() {
                        saw("record argument in memory by class");
                        if class.align() > 16 {
                            saw("record argument aligned to more than 16 on the stack");
                        }
                    } else if stack && !class.is_empty() {
                        saw("record argument on the stack for want of registers");
                    } else if !stack && class.size() > 0 {
                        saw("record argument in registers");
                    }
                    if i >= self.call.fixed {
                        saw("record after the ... of a variadic call");
                    }
                }
                ArgType::Scalar(Scalar::LongDouble) => saw("long double argument"),
                ArgType::Scalar(s) if s.complex_part().is_some() => saw("complex argument"),
                _ if stack => saw("scalar argument on the stack"),
                _ => {}
            }
        }
        if self.call.variadic {
            saw("variadic call");
        }
        match placement.result() {
            ResultPlace::Memory => saw("record result in memory"),
            ResultPlace::Registers(parts) if parts.iter().any(|p| p.register == Register::St0) => {
                saw("record result in st0")
            }
            ResultPlace::Registers(parts) if !parts.is_empty() => saw("record result in registers"),
            _ => {}
        }
        saw(match self.sum {
            Sum::U64 => "result in rax",
            Sum::Double | Sum::Float => "result in xmm0",
            Sum::LongDouble => "result in st0",
            Sum::FloatComplex | Sum::DoubleComplex => "complex result in xmm0 (and xmm1)",
            Sum::LongDoubleComplex => "complex result in st0 and st1",
        });
    }
}

/// An argument as the test holds it.
enum Passed {
    Data(CData),
    Value(CType, Value),
}

#[derive(Default)]
struct Tally {
    cases: usize,
    calls: usize,
    skipped: usize,
    disagreements: usize,
    refusals: usize,
    libffi_calls: usize,
    libffi_refusals: usize,
    callback_calls: usize,
    libffi_callback_calls: usize,
    libffi_callback_refusals: usize,
    /// Cases left out for holding a `long double` (`CTYPES_CALLS_NO_LONG_DOUBLE`).
    without_long_double: usize,
    reports: Vec<(usize, String)>,
    features: BTreeMap<&'static str, usize>,
}

impl Tally {
    fn disagree(&mut self, id: usize, text: String) {
        self.disagreements += 1;
        self.reports.push((id, text));
    }

    fn refuse(&mut self, id: usize, text: String) {
        self.refusals += 1;
        self.reports.push((id, format!("refused: {text}")));
    }
}

fn run_case(lib: &Library, p: &Prepared, tally: &mut Tally) {
    let id = p.id();
    let values = match p.values() {
        Ok(values) => values,
        Err(e) => return tally.refuse(id, format!("the arguments: {e}")),
    };
    let args: Vec<Arg<'_>> = values
        .iter()
        .enumerate()
        .map(|(i, v)| match v {
            Passed::Data(d) => Arg::Data(d),
            // After the `...`, each value with its exact C type, which C's promotions keep.
            Passed::Value(ty, v) if i >= p.call.fixed => Arg::Typed(ty.clone(), *v),
            Passed::Value(_, v) => Arg::Value(*v),
        })
        .collect();

    // The checksum.
    let h = checksum(p.call.args.iter());
    let (signature, _) = p.signature(CType::scalar(p.sum.scalar()));
    let sum = match lib.function(&format!("c{id}_sum"), signature) {
        Ok(f) => f,
        Err(e) => return tally.refuse(id, e.to_string()),
    };
    if sum.call_path() == CallPath::Libffi {
        return tally.refuse(id, "the checksum function is not on the engine".to_owned());
    }
    tally.calls += 1;
    // SAFETY: the signature is the C function's, compiled from the same case.
    match unsafe { sum.call(&args) } {
        Ok(r) if p.sum.matches(&r, h) => {}
        Ok(r) => tally.disagree(id, format!("engine: checksum {r:?}, expected {h:#x}")),
        Err(e) => tally.refuse(id, e.to_string()),
    }
    let through_libffi = sum.through_libffi();
    // SAFETY: as above.
    match unsafe { through_libffi.call(&args) } {
        Ok(r) => {
            tally.libffi_calls += 1;
            if !p.sum.matches(&r, h) {
                tally.disagree(id, format!("libffi: checksum {r:?}, expected {h:#x}"));
            }
        }
        Err(Error::Signature { .. }) => tally.libffi_refusals += 1,
        Err(e) => tally.disagree(id, format!("libffi: {e}")),
    }

    // The echo.
    let sent = &p.call.args[p.echoed];
    let agrees = |d: &CData| {
        let got = d.to_bytes();
        got.len() == sent.bytes.len()
            && (0..got.len()).all(|j| !sent.mask[j] || got[j] == sent.bytes[j])
    };
    let (signature, _) = p.signature(p.call.record.clone());
    let echo = match lib.function(&format!("c{id}_echo"), signature) {
        Ok(f) => f,
        Err(e) => return tally.refuse(id, e.to_string()),
    };
    tally.calls += 2;
    // SAFETY: as above.
    match unsafe { echo.call(&args) } {
        Ok(CValue::Data(d)) if agrees(&d) => {}
        Ok(r) => tally.disagree(id, format!("engine: echoed {r:?}, sent {:x?}", sent.bytes)),
        Err(e) => tally.refuse(id, e.to_string()),
    }
    let into = CData::new(&p.call.record).expect("an object of the record");
    // SAFETY: as above; `into` has the result type.
    match unsafe { echo.call_into(&args, &into) } {
        Ok(()) if agrees(&into) => {}
        Ok(()) => tally.disagree(
            id,
            format!(
                "engine into: echoed {:x?}, sent {:x?}",
                into.to_bytes(),
                sent.bytes
            ),
        ),
        Err(e) => tally.refuse(id, e.to_string()),
    }
    let through_libffi = echo.through_libffi();
    // SAFETY: as above.
    match unsafe { through_libffi.call(&args) } {
        Ok(CValue::Data(d)) => {
            tally.libffi_calls += 1;
            if !agrees(&d) {
                tally.disagree(id, format!("libffi: echoed {d:?}, sent {:x?}", sent.bytes));
            }
        }
        Ok(r) => tally.disagree(id, format!("libffi: echoed {r:?}")),
        Err(Error::Signature { .. }) => tally.libffi_refusals += 1,
        Err(e) => tally.disagree(id, format!("libffi: {e}")),
    }

    // The callbacks.
    run_callbacks(lib, p, &args, false, tally);
    run_callbacks(lib, p, &args, true, tally);
}

/// The data bytes of a value a callback received, for the checksum.
fn received_bytes(ty: &CType, value: &CValue) -> Result<Vec<u8>, Error> {
    match value {
        CValue::Data(d) => Ok(d.to_bytes()),
        // The bits as received: a NaN keeps its payload (no conversion quiets it).
        CValue::Value(v) => {
            let size = ty.size()?;
            let bytes: Vec<u8> = match *v {
                Value::Float(x) => x.to_bits().to_le_bytes().to_vec(),
                Value::Double(x) => x.to_bits().to_le_bytes().to_vec(),
                Value::LongDouble(l) => l.to_bytes().to_vec(),
                Value::Int(n) => n.to_le_bytes().to_vec(),
                Value::UInt(n) => n.to_le_bytes().to_vec(),
                Value::Bool(b) => vec![u8::from(b)],
                Value::Pointer(p) => p.to_le_bytes().to_vec(),
                Value::FloatComplex(z) => [z.re.to_bits(), z.im.to_bits()]
                    .iter()
                    .flat_map(|b| b.to_le_bytes())
                    .collect(),
                Value::DoubleComplex(z) => [z.re.to_bits(), z.im.to_bits()]
                    .iter()
                    .flat_map(|b| b.to_le_bytes())
                    .collect(),
                Value::LongDoubleComplex(z) => [z.re.to_bytes(), z.im.to_bytes()].concat(),
                other => panic!("a value of an unknown kind: {other:?}"),
            };
            Ok(bytes[..size].to_vec())
        }
        CValue::Void => Ok(Vec::new()),
    }
}

/// The arguments of a caller of `callback`: the callback, then the case's arguments (all
/// fixed).
fn forwarded<'a>(callback: &'a Callback, args: &[Arg<'a>]) -> Vec<Arg<'a>> {
    let mut all: Vec<Arg<'a>> = vec![Arg::Callback(callback)];
    all.extend(args.iter().map(|a| match a {
        Arg::Typed(_, v) => Arg::Value(*v),
        other => other.clone(),
    }));
    all
}

/// A callback made on the own trampolines, or through libffi.
fn make_callback<F>(libffi: bool, signature: Signature, f: F) -> ctypes_core::Result<Callback>
where
    F: Fn(&[CValue]) -> CValue + Send + Sync + 'static,
{
    if libffi {
        Callback::new_through_libffi(signature, f)
    } else {
        Callback::new(signature, f)
    }
}

/// The two callback directions of a case: C calls a callback with the case's prototype, on the
/// own trampolines or (`libffi`) on a libffi closure.
fn run_callbacks(lib: &Library, p: &Prepared, args: &[Arg<'_>], libffi: bool, tally: &mut Tally) {
    let id = p.id();
    let who = if libffi {
        "libffi callback"
    } else {
        "callback"
    };
    let h = checksum(p.call.args.iter());
    let masks: Vec<Vec<bool>> = p.call.args.iter().map(|a| a.mask.clone()).collect();
    let types: Vec<CType> = p.call.args.iter().map(|a| p.call.c_type(a.ty)).collect();
    let sum = p.sum;
    let (masks_for_sum, types_for_sum) = (masks.clone(), types.clone());
    let summing = make_callback(
        libffi,
        p.callback_signature(CType::scalar(sum.scalar())),
        move |received| {
            let mut h: u64 = 0xcbf2_9ce4_8422_2325;
            for ((value, ty), mask) in received.iter().zip(&types_for_sum).zip(&masks_for_sum) {
                let bytes = received_bytes(ty, value).expect("a received value has bytes");
                for (byte, _) in bytes.iter().zip(mask).filter(|(_, &m)| m) {
                    h = (h ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3);
                }
            }
            CValue::Value(sum.value(h))
        },
    );
    let echoed = p.echoed;
    let echoing = make_callback(
        libffi,
        p.callback_signature(p.call.record.clone()),
        move |received| received[echoed].clone(),
    );
    let (summing, echoing) = match (summing, echoing) {
        (Ok(s), Ok(e)) => (s, e),
        (Err(Error::Signature { .. }), _) | (_, Err(Error::Signature { .. })) if libffi => {
            tally.libffi_callback_refusals += 1;
            return;
        }
        (Err(e), _) | (_, Err(e)) => return tally.refuse(id, format!("{who}: {e}")),
    };
    let with_callback = |callback: &Callback, result: CType| {
        let mut types = vec![callback.function_pointer_type()];
        types.extend(p.call.args.iter().map(|a| p.call.c_type(a.ty)));
        Signature::new(types, result)
    };
    let call_sum = lib.function(
        &format!("c{id}_call_sum"),
        with_callback(&summing, CType::scalar(sum.scalar())),
    );
    let check_echo = lib.function(
        &format!("c{id}_check_echo"),
        with_callback(&echoing, CType::scalar(Scalar::ULongLong)),
    );
    let (call_sum, check_echo) = match (call_sum, check_echo) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => return tally.refuse(id, format!("{who}: {e}")),
    };
    if libffi {
        tally.libffi_callback_calls += 2;
    } else {
        tally.callback_calls += 2;
    }
    // SAFETY: the signature is the C function's, compiled from the same case, and the callback
    // has the prototype C calls it with.
    match unsafe { call_sum.call(&forwarded(&summing, args)) } {
        Ok(r) if sum.matches(&r, h) => {}
        Ok(r) => tally.disagree(
            id,
            format!("{who} argument: checksum {r:?}, expected {h:#x}"),
        ),
        Err(e) => tally.disagree(id, format!("{who} argument: {e}")),
    }
    let expected = checksum(std::iter::once(&p.call.args[echoed]));
    // SAFETY: as above.
    match unsafe { check_echo.call(&forwarded(&echoing, args)) } {
        Ok(r) if r.as_u64() == Some(expected) => {}
        Ok(r) => tally.disagree(
            id,
            format!("{who} result: checksum {r:?}, expected {expected:#x}"),
        ),
        Err(e) => tally.disagree(id, format!("{who} result: {e}")),
    }
}

fn run_batch(seed: u64, ids: &[usize], tally: &mut Tally) {
    let mut prepared = Vec::new();
    let no_long_double = std::env::var_os("CTYPES_CALLS_NO_LONG_DOUBLE").is_some();
    for &id in ids {
        tally.cases += 1;
        match Prepared::new(seed, id) {
            Ok(p) if no_long_double && p.has_long_double() => tally.without_long_double += 1,
            Ok(p) => prepared.push(p),
            Err(_) => tally.skipped += 1,
        }
    }
    let mut source = String::from(PRELUDE);
    for p in &prepared {
        p.c_source(&mut source);
        p.features(&mut tally.features);
    }
    if let [only] = ids {
        if std::env::var_os("CTYPES_CALLS_ONLY").is_some() {
            eprintln!("{source}");
        }
        let _ = only;
    }
    let so = cc::compile_shared(&format!("calls{}", ids[0]), &source)
        .unwrap_or_else(|e| panic!("compiling cases from {}: {e}", ids[0]));
    // SAFETY: the library defines functions and constant data only.
    let lib = unsafe { Library::open(so.path().to_str().expect("a UTF-8 path")) }
        .expect("the compiled cases load");
    for p in &prepared {
        run_case(&lib, p, tally);
    }
}

#[test]
fn the_engine_calls_random_signatures_as_gcc_compiles_them() {
    let seed = env_number("CTYPES_CALLS_SEED").unwrap_or(DEFAULT_SEED);
    let only = env_number("CTYPES_CALLS_ONLY").map(|n| n as usize);
    let cases = env_number("CTYPES_CALLS_CASES").map_or(DEFAULT_CASES, |n| n as usize);
    let ids: Vec<usize> = match only {
        Some(id) => vec![id],
        None => (0..cases).collect(),
    };
    let started = Instant::now();
    let mut tally = Tally::default();
    for batch in ids.chunks(BATCH) {
        run_batch(seed, batch, &mut tally);
    }
    eprintln!(
        "calls_vs_gcc: seed {seed:#x}: {} cases ({} skipped, {} left out for a long double), {} \
         engine calls, {} callback calls, {} disagreements, {} refusals; libffi: {} calls, {} \
         refusals, {} callback calls, {} callback refusals; in {:.1?}",
        tally.cases,
        tally.skipped,
        tally.without_long_double,
        tally.calls,
        tally.callback_calls,
        tally.disagreements,
        tally.refusals,
        tally.libffi_calls,
        tally.libffi_refusals,
        tally.libffi_callback_calls,
        tally.libffi_callback_refusals,
        started.elapsed()
    );
    for (feature, count) in &tally.features {
        eprintln!("  {feature}: {count}");
    }
    for (id, text) in tally.reports.iter().take(SHOWN) {
        eprintln!("case {id}: {text}");
    }
    assert_eq!((tally.disagreements, tally.refusals), (0, 0));
    assert!(tally.skipped * 10 <= tally.cases, "too many cases skipped");
    if only.is_none() && cases >= COVERAGE_CASES && tally.without_long_double == 0 {
        for feature in FEATURES {
            assert!(
                tally.features.contains_key(feature),
                "never seen: {feature}"
            );
        }
    }
}

/// Records far larger than the registers, passed by value on the stack: inside the call's own
/// stack buffer (1000 bytes), on the heap and over a page (5000), and over many pages (100,000,
/// which the call touches page by page on its way down); with arguments in registers around
/// them and after them on the stack, and returned through a hidden pointer.
#[test]
fn large_records_go_on_the_stack_whole() {
    let sizes = [1000usize, 5000, 100_000];
    let mut source = String::from(PRELUDE);
    for size in sizes {
        let _ = writeln!(
            source,
            "struct big{size} {{ unsigned char b[{size}]; }};
unsigned long long big{size}_sum(int a, struct big{size} s, double d, long double l, int c) {{
    unsigned long long h = 0xcbf29ce484222325ULL;
    for (int i = 0; i < {size}; i++) h = (h ^ s.b[i]) * 0x100000001b3ULL;
    return h + (unsigned long long)a * 3 + (unsigned long long)(d * 5) + (unsigned long long)(l * 7) + (unsigned long long)c * 11;
}}
struct big{size} big{size}_make(unsigned char seed, int stride) {{
    struct big{size} s;
    for (int i = 0; i < {size}; i++) s.b[i] = (unsigned char)(seed + i * stride);
    return s;
}}"
        );
    }
    let so = cc::compile_shared("calls_big", &source).expect("compile");
    // SAFETY: the library defines functions only.
    let lib = unsafe { Library::open(so.path().to_str().expect("a UTF-8 path")) }.expect("load");
    let uchar = CType::scalar(Scalar::UChar);
    let int = CType::scalar(Scalar::Int);
    for size in sizes {
        let big = CType::struct_builder(&format!("big{size}"))
            .field("b", uchar.array(size).unwrap())
            .build()
            .unwrap();
        let bytes: Vec<u8> = (0..size).map(|i| (i * 7 + i / 256) as u8).collect();
        let s = CData::from_bytes(&big, &bytes).unwrap();
        let h = bytes
            .iter()
            .fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
                (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
            })
            .wrapping_add(2 * 3 + 5 + 7 * 7 + 4 * 11);
        let sum = lib
            .function(
                &format!("big{size}_sum"),
                Signature::new(
                    vec![
                        int.clone(),
                        big.clone(),
                        CType::scalar(Scalar::Double),
                        CType::scalar(Scalar::LongDouble),
                        int.clone(),
                    ],
                    CType::scalar(Scalar::ULongLong),
                ),
            )
            .unwrap();
        let make = lib
            .function(
                &format!("big{size}_make"),
                Signature::new(vec![uchar.clone(), int.clone()], big.clone()),
            )
            .unwrap();
        let args: [Arg<'_>; 5] = [
            2.into(),
            (&s).into(),
            1.0.into(),
            Value::LongDouble(ctypes_core::LongDouble::from_f64(7.0)).into(),
            4.into(),
        ];
        let expected: Vec<u8> = (0..size).map(|i| (5 + i * 3) as u8).collect();
        for f in [sum.clone(), sum.through_libffi()] {
            // SAFETY: the signature is the C function's.
            let r = unsafe { f.call(&args) }.unwrap();
            assert_eq!(r.as_u64(), Some(h), "big{size}_sum, {:?}", f.call_path());
        }
        for f in [make.clone(), make.clone().through_libffi()] {
            // SAFETY: the signature is the C function's.
            let made = unsafe { f.call(&[5u8.into(), 3.into()]) }.unwrap();
            let made = made.into_data().expect("a record");
            assert!(
                made.to_bytes() == expected,
                "big{size}_make, {:?}",
                f.call_path()
            );
        }
        let into = CData::new(&big).unwrap();
        // SAFETY: as above; `into` has the result type.
        unsafe { make.call_into(&[5u8.into(), 3.into()], &into) }.unwrap();
        assert!(into.to_bytes() == expected, "big{size}_make into an object");
    }
}
