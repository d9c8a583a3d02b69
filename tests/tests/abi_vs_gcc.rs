//! The System V x86-64 classification and placement of `ctypes-core` against GCC.
//!
//! Random small records (see `ctypes_tests::random`, [`Shape::SMALL`]) are each passed by value
//! in a call among random scalars, so that registers run out, sometimes twice, sometimes after
//! the `...` of a variadic prototype, sometimes with the record as the prototype's result (so
//! that a hidden result pointer takes `rdi`); and each is returned by value. The calls are
//! compiled by `cc` and go to the capture stubs of `c/abi_capture.S`, which save the argument
//! registers, `al`, the stack area, and the result registers, `st0`/`st1` and the hidden
//! pointer's memory. Every value is made of random bytes; the data bytes must be where
//! [`Placement`] says, `al` must be the count of vector registers of a variadic call, and the
//! stack area must be aligned as predicted (to 32 or 64 under an over-aligned record).
//!
//! `CTYPES_ABI_CASES` sets the number of records (default 2000), `CTYPES_ABI_SEED` the seed.
//! Case `n` depends only on the seed and `n`, so a failing case can be run alone with
//! `CTYPES_ABI_ONLY=n`.
//!
//! [`Shape::SMALL`]: ctypes_tests::random::Shape::SMALL

#![cfg(all(target_arch = "x86_64", unix))]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::Instant;

use ctypes_core::__private::abi::{ArgPlace, Class, Placement, Register, ResultPlace};
use ctypes_core::{CType, Signature, TypeKind};
use ctypes_tests::abi_calls::{ArgType, CallCase, PRELUDE, STACK_CAPTURE};
use ctypes_tests::abi_check::{check_args, check_result, ArgCapture, ResultCapture};
use ctypes_tests::cc;
use ctypes_tests::env_number;

const DEFAULT_CASES: usize = 2000;
/// From this many cases on, every feature in `FEATURES` must have occurred.
const COVERAGE_CASES: usize = 500;
const DEFAULT_SEED: u64 = 0x00c7_1e5a_ab10_0001;
/// Cases per C program: one compiler run each.
const BATCH: usize = 500;
/// Disagreements shown in full.
const SHOWN: usize = 12;

/// What a run of the default size must have covered.
const FEATURES: &[&str] = &[
    "record argument in general registers",
    "record argument in vector registers",
    "record argument in both kinds of registers",
    "record argument in memory by class",
    "record argument on the stack for want of registers",
    "record argument aligned to more than 16 on the stack",
    "record argument of the x87 classes",
    "empty record argument",
    "empty record argument of some size on the stack",
    "empty record result of class MEMORY",
    "record of at most 16 bytes in memory by class",
    "record with a NO_CLASS eightbyte",
    "stack argument after registers ran out",
    "variadic call",
    "hidden result pointer before arguments",
    "result in general registers",
    "result in vector registers",
    "result in both kinds of registers",
    "result in st0",
    "result in memory",
    "complex argument in vector registers",
    "complex argument on the stack",
    "record argument with a complex member in registers",
];

/// Whether `ty` holds a complex value.
fn holds_complex(ty: &CType) -> bool {
    match ty.kind() {
        TypeKind::Scalar(s) => s.complex_part().is_some(),
        TypeKind::Array { element, .. } => holds_complex(element),
        TypeKind::Record(r) => r
            .definition()
            .is_some_and(|def| def.fields().iter().any(|f| holds_complex(f.ty()))),
        _ => false,
    }
}

#[derive(Default)]
struct Tally {
    cases: usize,
    calls: usize,
    disagreements: usize,
    refusals: usize,
    skipped: usize,
    reports: Vec<(usize, String)>,
    features: BTreeMap<&'static str, usize>,
}

impl Tally {
    fn report(&mut self, id: usize, text: String) {
        self.disagreements += 1;
        self.reports.push((id, text));
    }

    fn saw(&mut self, feature: &'static str) {
        *self.features.entry(feature).or_default() += 1;
    }
}

/// A case ready to compile: the calls and the placements predicted for them.
struct Prepared {
    call: CallCase,
    args: Placement,
    result: Placement,
}

impl Prepared {
    fn new(seed: u64, id: usize) -> Result<Prepared, String> {
        let call = CallCase::new(seed, id)?;
        let types: Vec<CType> = call.args.iter().map(|a| call.c_type(a.ty)).collect();
        let returned = if call.returns_record {
            call.record.clone()
        } else {
            CType::void()
        };
        let (fixed, extra) = types.split_at(call.fixed);
        let signature = if call.variadic {
            Signature::variadic(fixed.to_vec(), returned)
        } else {
            Signature::new(fixed.to_vec(), returned)
        };
        let args = Placement::of_call(&signature, extra).map_err(|e| e.to_string())?;
        let result = Placement::of(&Signature::new(vec![], call.record.clone()))
            .map_err(|e| e.to_string())?;
        Ok(Prepared { call, args, result })
    }

    fn features(&self, tally: &mut Tally) {
        for (place, (arg, class)) in self
            .args
            .args()
            .iter()
            .zip(self.call.args.iter().zip(self.args.arg_classes()))
        {
            let on_stack = matches!(place, ArgPlace::Stack { .. });
            if let ArgType::Scalar(s) = arg.ty {
                if s.complex_part().is_some() {
                    tally.saw(if on_stack {
                        "complex argument on the stack"
                    } else {
                        "complex argument in vector registers"
                    });
                }
            }
            if arg.ty == ArgType::Record && !on_stack && holds_complex(&self.call.c_type(arg.ty)) {
                tally.saw("record argument with a complex member in registers");
            }
            if arg.ty != ArgType::Record {
                if on_stack && class.classes().is_some_and(|c| !c.contains(&Class::X87)) {
                    tally.saw("stack argument after registers ran out");
                }
                continue;
            }
            let classes = class.classes().unwrap_or(&[]);
            let has = |c: Class| classes.contains(&c);
            if class.is_empty() {
                tally.saw("empty record argument");
                if on_stack && class.size() > 0 {
                    tally.saw("empty record argument of some size on the stack");
                }
            }
            if class.is_memory() && class.size() <= 16 {
                tally.saw("record of at most 16 bytes in memory by class");
            }
            if has(Class::NoClass) && classes.len() == 2 {
                tally.saw("record with a NO_CLASS eightbyte");
            }
            if has(Class::X87) {
                tally.saw("record argument of the x87 classes");
            }
            match place {
                ArgPlace::Registers(parts) if !parts.is_empty() => {
                    tally.saw(match (has(Class::Integer), has(Class::Sse)) {
                        (true, true) => "record argument in both kinds of registers",
                        (true, false) => "record argument in general registers",
                        _ => "record argument in vector registers",
                    });
                }
                ArgPlace::Stack { .. } if class.is_memory() => {
                    tally.saw("record argument in memory by class");
                    if class.align() > 16 {
                        tally.saw("record argument aligned to more than 16 on the stack");
                    }
                }
                ArgPlace::Stack { .. } if !has(Class::X87) => {
                    tally.saw("record argument on the stack for want of registers");
                }
                _ => {}
            }
        }
        if self.call.variadic {
            tally.saw("variadic call");
        }
        if self.args.has_hidden_result_pointer() && !self.call.args.is_empty() {
            tally.saw("hidden result pointer before arguments");
        }
        if self
            .result
            .result_class()
            .is_some_and(|c| c.is_empty() && c.is_memory())
        {
            tally.saw("empty record result of class MEMORY");
        }
        match self.result.result() {
            ResultPlace::Memory => tally.saw("result in memory"),
            ResultPlace::Registers(parts) => {
                let any = |f: fn(Register) -> bool| parts.iter().any(|p| f(p.register));
                let gpr = any(|r| matches!(r, Register::Gpr(_)));
                let xmm = any(|r| matches!(r, Register::Xmm(_)));
                let st0 = any(|r| r == Register::St0);
                match (gpr, xmm, st0) {
                    (_, _, true) => tally.saw("result in st0"),
                    (true, true, _) => tally.saw("result in both kinds of registers"),
                    (true, false, _) => tally.saw("result in general registers"),
                    (false, true, _) => tally.saw("result in vector registers"),
                    _ => {}
                }
            }
            ResultPlace::Void => {}
        }
    }

    fn describe(&self) -> String {
        let mut text = self.call.case.c_definitions();
        let types: Vec<String> = self
            .call
            .args
            .iter()
            .map(|a| self.call.c_type(a.ty).to_string())
            .collect();
        let _ = writeln!(
            text,
            "call ({}{}) returning {}",
            types.join(", "),
            if self.call.variadic {
                format!(" with {} fixed", self.call.fixed)
            } else {
                String::new()
            },
            if self.call.returns_record {
                "the record"
            } else {
                "void"
            }
        );
        let _ = writeln!(text, "predicted arguments: {:?}", self.args.args());
        let _ = writeln!(
            text,
            "predicted classes: {:?}",
            self.args
                .arg_classes()
                .iter()
                .map(|c| c.classes())
                .collect::<Vec<_>>()
        );
        let _ = writeln!(text, "predicted result: {:?}", self.result.result());
        text
    }
}

fn run_batch(seed: u64, ids: &[usize], tally: &mut Tally) {
    let mut prepared = Vec::new();
    for &id in ids {
        tally.cases += 1;
        match Prepared::new(seed, id) {
            Ok(p) if p.args.stack_size() <= STACK_CAPTURE => prepared.push(p),
            Ok(_) => tally.skipped += 1,
            Err(e) => {
                tally.refusals += 1;
                tally.reports.push((id, format!("refused: {e}")));
            }
        }
    }
    let mut source = String::from(PRELUDE);
    for p in &prepared {
        p.call.c_source(p.args.stack_size(), &mut source);
    }
    source.push_str("static void run(void) {\n");
    for p in &prepared {
        let id = p.call.case.id;
        let _ = writeln!(source, "    c{id}_args();\n    c{id}_result();");
    }
    // The capture copies the stack above the call: keep enough of it below main's frame.
    source.push_str(
        "}\nint main(void) {\n    volatile char room[16384];\n    room[0] = 0;\n    run();\n    return room[0];\n}\n",
    );
    let stub = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/c/abi_capture.S"));
    let output = cc::compile_and_run_with(&format!("abi_{}", ids[0]), &source, &[stub])
        .unwrap_or_else(|e| panic!("{e}"));
    let mut lines = output.lines();
    for p in &prepared {
        let id = p.call.case.id;
        let mut next = |tag: &str| -> Vec<&str> {
            let line = lines
                .next()
                .unwrap_or_else(|| panic!("C output ended in case {id}"));
            let words: Vec<&str> = line.split_whitespace().collect();
            assert!(
                words.len() >= 2 && words[0] == tag && words[1] == id.to_string(),
                "case {id}: expected {tag:?}, got {line:?}"
            );
            words[2..].to_vec()
        };
        let args = ArgCapture::parse(&next("A")).expect("an argument capture");
        let layout = next("L");
        let result = ResultCapture::parse(&next("R")).expect("a result capture");
        tally.calls += 2;
        p.features(tally);
        let expected_layout = [p.call.record.size().ok(), p.call.record.align().ok()];
        let found_layout = [layout[0].parse().ok(), layout[1].parse().ok()];
        let outcome = if expected_layout != found_layout {
            Err(format!(
                "layout: C has size and alignment {found_layout:?}, the engine {expected_layout:?}"
            ))
        } else {
            check_args(&p.args, &p.call.args, &args)
                .and_then(|()| check_result(&p.result, &p.call.result, &result))
        };
        if let Err(e) = outcome {
            tally.report(id, format!("{e}\n{}", p.describe()));
        }
    }
    assert!(
        lines.next().is_none(),
        "the C program printed more than expected"
    );
}

#[test]
fn classification_and_placement_agree_with_gcc() {
    let seed = env_number("CTYPES_ABI_SEED").unwrap_or(DEFAULT_SEED);
    let ids: Vec<usize> = match env_number("CTYPES_ABI_ONLY") {
        Some(only) => vec![only as usize],
        None => {
            let cases = env_number("CTYPES_ABI_CASES").map_or(DEFAULT_CASES, |n| n as usize);
            (0..cases).collect()
        }
    };
    let started = Instant::now();
    let mut tally = Tally::default();
    for batch in ids.chunks(BATCH) {
        run_batch(seed, batch, &mut tally);
    }
    eprintln!(
        "abi_vs_gcc: seed {seed:#x}: {} records, {} calls, {} disagreements, {} refusals, {} skipped, in {:.1?}",
        tally.cases,
        tally.calls,
        tally.disagreements,
        tally.refusals,
        tally.skipped,
        started.elapsed()
    );
    for (feature, count) in &tally.features {
        eprintln!("  {count:6}  {feature}");
    }
    tally.reports.sort_by_key(|(id, _)| *id);
    for (id, text) in tally.reports.iter().take(SHOWN) {
        eprintln!("--- case {id} ---\n{text}");
    }
    assert_eq!(
        (tally.disagreements, tally.refusals),
        (0, 0),
        "the placement disagrees with gcc (see above)"
    );
    assert!(
        tally.skipped * 100 <= tally.cases,
        "too many cases skipped for their stack area"
    );
    if ids.len() >= COVERAGE_CASES {
        let missing: Vec<&&str> = FEATURES
            .iter()
            .filter(|f| !tally.features.contains_key(**f))
            .collect();
        assert!(missing.is_empty(), "never exercised: {missing:?}");
    }
}
