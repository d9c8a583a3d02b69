//! Random records read as C text through `ctypes_core::cdef`, against the C compiler.
//!
//! The records of `ctypes_tests::random` are printed as C (`#pragma pack`, `aligned`,
//! `ms_struct`, `scalar_storage_order`, bit-fields, anonymous members, arrays, self-pointers),
//! compiled with `cc`, which prints every record's `sizeof`, `_Alignof`, the `offsetof` of
//! every member path and the bytes after each leaf is stored; the same text is read with
//! `Declarations::parse` and the parsed types must give the same numbers and bytes.
//!
//! `CTYPES_CDEF_CASES` sets the number of cases (default 500), `CTYPES_CDEF_SEED` the seed.

use std::fmt::Write as _;
use std::io::Write as _;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use ctypes_core::cdef::Declarations;
use ctypes_core::{CData, CType};
use ctypes_tests::cc;
use ctypes_tests::engine;
use ctypes_tests::env_number;
use ctypes_tests::model::{Case, Leaf};
use ctypes_tests::random::Generator;

const DEFAULT_CASES: usize = 500;
const DEFAULT_SEED: u64 = 0x00c7_1e5a_cdef_0001;
const BATCH: usize = 50;

const PRELUDE: &str = r#"#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <wchar.h>
#include <time.h>
#include <sys/types.h>
#include <stdio.h>
#include <string.h>

static void dump(const void *p, size_t n) {
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) printf("%02x", b[i]);
    putchar('\n');
}

#define SET(path, value) do { memset(&s, 0, sizeof s); s.path = (value); dump(&s, sizeof s); } while (0)
"#;

struct Prepared {
    case: Case,
    paths: Vec<(Vec<String>, Vec<Leaf>)>,
}

#[derive(Default)]
struct Tally {
    records: usize,
    offsets: usize,
    stores: usize,
    problems: Vec<String>,
}

fn c_program(prepared: &[Prepared]) -> String {
    let mut out = String::from(PRELUDE);
    for p in prepared {
        out.push_str(&p.case.c_definitions());
    }
    out.push_str("int main(void) {\n");
    for p in prepared {
        for (record, (offsets, leaves)) in p.case.records.iter().zip(&p.paths) {
            let name = record.c_type_name();
            let _ = writeln!(out, "  {{ {name} s;");
            let _ = writeln!(
                out,
                "    printf(\"%zu %zu\\n\", sizeof s, _Alignof({name}));"
            );
            for path in offsets {
                let _ = writeln!(out, "    printf(\"%zu\\n\", offsetof({name}, {path}));");
            }
            for leaf in leaves.iter().filter(|l| l.assignable()) {
                for pattern in leaf.patterns() {
                    let value = pattern.c_value(leaf.kind);
                    let _ = writeln!(out, "    SET({}, {value});", leaf.path);
                }
            }
            out.push_str("  }\n");
        }
    }
    out.push_str("  return 0;\n}\n");
    out
}

fn run_batch(seed: u64, ids: &[usize]) -> Tally {
    let prepared: Vec<Prepared> = ids
        .iter()
        .map(|&id| {
            let case = Generator::new(seed.wrapping_add(id as u64)).case(id);
            let paths = (0..case.records.len()).map(|i| case.paths(i)).collect();
            Prepared { case, paths }
        })
        .collect();
    let source = c_program(&prepared);
    let output = cc::compile_and_run(&format!("cdef_{}", ids[0]), &source)
        .unwrap_or_else(|e| panic!("{e}\n--- the program ---\n{source}"));
    let mut lines = output.lines();
    let mut tally = Tally::default();
    for p in &prepared {
        let text = p.case.c_definitions();
        let decls = Declarations::parse(&text);
        let decls = match decls {
            Ok(d) => d,
            Err(e) => {
                tally
                    .problems
                    .push(format!("case {}: {e}\n{text}", p.case.id));
                Declarations::new()
            }
        };
        for (record, (offsets, leaves)) in p.case.records.iter().zip(&p.paths) {
            let name = record.c_type_name();
            let ty = decls.ty(&name);
            let problems =
                compare_record(&name, ty.as_ref(), offsets, leaves, &mut lines, &mut tally);
            for problem in problems {
                tally
                    .problems
                    .push(format!("case {}: {problem}\n{text}", p.case.id));
            }
        }
    }
    assert!(
        lines.next().is_none(),
        "the C program printed more than expected"
    );
    tally
}

fn compare_record<'a>(
    name: &str,
    ty: Option<&CType>,
    offsets: &[String],
    leaves: &[Leaf],
    lines: &mut impl Iterator<Item = &'a str>,
    tally: &mut Tally,
) -> Vec<String> {
    let mut next = || lines.next().expect("the C program's output ended early");
    let number = |text: &str| -> usize { text.parse().expect("a number from C") };
    let mut problems = Vec::new();
    let (size, align) = next().split_once(' ').expect("size and alignment");
    let (size, align) = (number(size), number(align));
    tally.records += 1;
    let Some(ty) = ty else {
        problems.push(format!("{name} was not declared"));
        for _ in 0..offsets.len()
            + leaves
                .iter()
                .filter(|l| l.assignable())
                .map(|l| l.patterns().len())
                .sum::<usize>()
        {
            next();
        }
        return problems;
    };
    let got = (ty.size().ok(), ty.align().ok());
    if got != (Some(size), Some(align)) {
        problems.push(format!(
            "{name}: C size {size} align {align}; parsed {got:?}"
        ));
    }
    for path in offsets {
        let offset = number(next());
        tally.offsets += 1;
        let parsed = engine::resolve(ty, path).map(|place| place.offset());
        if parsed != Ok(Some(offset)) {
            problems.push(format!(
                "offsetof({name}, {path}): C {offset}; parsed {parsed:?}"
            ));
        }
    }
    for leaf in leaves.iter().filter(|l| l.assignable()) {
        for &pattern in leaf.patterns() {
            let c_bytes = next();
            tally.stores += 1;
            let value = pattern.value(leaf.kind);
            let stored = CData::new(ty).and_then(|data| {
                data.set_wrapping(&leaf.path, value)?;
                Ok(data.to_bytes())
            });
            let stored: Result<String, _> =
                stored.map(|b| b.iter().map(|b| format!("{b:02x}")).collect());
            if stored.as_deref().ok() != Some(c_bytes) {
                problems.push(format!(
                    "{name} {} = {}: C {c_bytes}; parsed {stored:?}",
                    leaf.path,
                    pattern.c_value(leaf.kind)
                ));
            }
        }
    }
    problems
}

#[test]
fn random_records_read_as_c_are_laid_out_as_the_c_compiler_does() {
    let seed = env_number("CTYPES_CDEF_SEED").unwrap_or(DEFAULT_SEED);
    let cases = env_number("CTYPES_CDEF_CASES").map_or(DEFAULT_CASES, |n| n as usize);
    let ids: Vec<usize> = (0..cases).collect();
    let batches: Vec<&[usize]> = ids.chunks(BATCH).collect();
    let next_batch = AtomicUsize::new(0);
    let total = Mutex::new(Tally::default());
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                while let Some(batch) = batches.get(next_batch.fetch_add(1, Ordering::Relaxed)) {
                    let tally = run_batch(seed, batch);
                    let mut total = total.lock().unwrap_or_else(|p| p.into_inner());
                    total.records += tally.records;
                    total.offsets += tally.offsets;
                    total.stores += tally.stores;
                    total.problems.extend(tally.problems);
                }
            });
        }
    });
    let total = total.into_inner().unwrap_or_else(|p| p.into_inner());
    for problem in total.problems.iter().take(10) {
        eprintln!("MISMATCH {problem}");
    }
    let summary = format!(
        "cdef_random_records: {cases} cases, {} records, {} offsets, {} stores compared with {}: \
         {} mismatches",
        total.records,
        total.offsets,
        total.stores,
        cc::compiler(),
        total.problems.len()
    );
    let _ = writeln!(std::io::stderr(), "{summary}");
    assert!(total.records >= cases, "{summary}");
    assert!(total.problems.is_empty(), "{summary}");
}
