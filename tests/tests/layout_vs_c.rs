//! The layout engine against the system C compiler.
//!
//! Random structs and unions (see `ctypes_tests::random`) are written as C, compiled with `cc`
//! and run; the program prints each record's `sizeof` and `_Alignof`, the `offsetof` of every
//! named member path, and the record's bytes after each leaf in turn is set to -1, 1,
//! `0x5a5a5a5a5a5a5a5a` and 0 in a zeroed record. The same records are built with
//! `ctypes-core` and every number and byte is compared.
//!
//! `CTYPES_LAYOUT_CASES` sets the number of cases (default 1000), `CTYPES_LAYOUT_SEED` the
//! seed. Case `n` depends only on the seed and `n`, so a failing case can be run alone with
//! `CTYPES_LAYOUT_ONLY=n`. `CTYPES_LAYOUT_COVERAGE=1` prints how often each feature occurred.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use ctypes_core::{CData, CType};
use ctypes_tests::cc;
use ctypes_tests::engine::{self, Place};
use ctypes_tests::env_number;
use ctypes_tests::model::{expected_features, Case, Leaf};
use ctypes_tests::random::Generator;

const DEFAULT_CASES: usize = 1000;
/// From this many cases on, every feature in `expected_features` must have occurred.
const COVERAGE_CASES: usize = 500;
const DEFAULT_SEED: u64 = 0x00c7_1e5a_1a70_0001;
/// Cases per C program: one compiler run each.
const BATCH: usize = 50;
/// Mismatching cases shown in full.
const SHOWN: usize = 12;

const PRELUDE: &str = r#"#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <wchar.h>
#include <time.h>
#include <sys/types.h>
#include <stdio.h>
#include <string.h>

/* The bytes between the first and the last non-zero one: "B <first>:<hex>", or "B -". */
static void dump(const void *p, size_t n) {
    const unsigned char *b = p;
    size_t lo = 0, hi = n;
    while (lo < n && !b[lo]) lo++;
    while (hi > lo && !b[hi - 1]) hi--;
    if (lo == hi) { puts("B -"); return; }
    printf("B %zu:", lo);
    for (size_t i = lo; i < hi; i++) printf("%02x", b[i]);
    putchar('\n');
}

#define SET(path, value) do { memset(&s, 0, sizeof s); s.path = (value); dump(&s, sizeof s); } while (0)
"#;

#[derive(Default)]
struct Tally {
    cases: usize,
    records: usize,
    offsets: usize,
    leaves: usize,
    stores: usize,
    bytes: usize,
    cdata_bytes: usize,
    mismatches: usize,
    reports: Vec<(usize, String)>,
    features: BTreeMap<String, usize>,
}

impl Tally {
    fn add(&mut self, other: Tally) {
        self.cases += other.cases;
        self.records += other.records;
        self.offsets += other.offsets;
        self.leaves += other.leaves;
        self.stores += other.stores;
        self.bytes += other.bytes;
        self.cdata_bytes += other.cdata_bytes;
        self.mismatches += other.mismatches;
        self.reports.extend(other.reports);
        for (feature, count) in other.features {
            *self.features.entry(feature).or_default() += count;
        }
    }
}

/// One case, and for each of its records the paths whose offsets are printed and the leaves
/// stored into.
struct Prepared {
    case: Case,
    paths: Vec<(Vec<String>, Vec<Leaf>)>,
}

impl Prepared {
    fn new(seed: u64, id: usize) -> Prepared {
        let case = Generator::new(seed.wrapping_add(id as u64)).case(id);
        let paths = (0..case.records.len()).map(|i| case.paths(i)).collect();
        Prepared { case, paths }
    }

    fn c_function(&self, out: &mut String) {
        let _ = writeln!(out, "static void case_{}(void) {{", self.case.id);
        let _ = writeln!(out, "    puts(\"C {}\");", self.case.id);
        for (record, (offsets, leaves)) in self.case.records.iter().zip(&self.paths) {
            let name = record.c_type_name();
            let _ = writeln!(out, "    {{\n        {name} s;");
            let _ = writeln!(
                out,
                "        printf(\"R %zu %zu\\n\", sizeof s, _Alignof({name}));"
            );
            for path in offsets {
                let _ = writeln!(
                    out,
                    "        printf(\"O %zu\\n\", offsetof({name}, {path}));"
                );
            }
            for leaf in leaves.iter().filter(|l| l.assignable()) {
                for pattern in leaf.patterns() {
                    let _ = writeln!(
                        out,
                        "        SET({}, {});",
                        leaf.path,
                        pattern.c_value(leaf.kind)
                    );
                }
            }
            out.push_str("    }\n");
        }
        out.push_str("}\n\n");
    }
}

fn run_batch(seed: u64, ids: &[usize]) -> Tally {
    let prepared: Vec<Prepared> = ids.iter().map(|&id| Prepared::new(seed, id)).collect();
    let mut source = String::from(PRELUDE);
    for p in &prepared {
        source.push('\n');
        source.push_str(&p.case.c_definitions());
    }
    source.push('\n');
    for p in &prepared {
        p.c_function(&mut source);
    }
    source.push_str("int main(void) {\n");
    for p in &prepared {
        let _ = writeln!(source, "    case_{}();", p.case.id);
    }
    source.push_str("    return 0;\n}\n");

    let output = cc::compile_and_run(&format!("layout_{}", ids[0]), &source)
        .unwrap_or_else(|e| panic!("{e}\n--- the program ---\n{source}"));
    let mut lines = output.lines();
    let mut tally = Tally::default();
    for p in &prepared {
        compare(p, &mut lines, &mut tally);
    }
    assert!(
        lines.next().is_none(),
        "the C program printed more than expected"
    );
    tally
}

/// Reads one case's lines of C output and compares them with the engine.
fn compare<'a>(p: &Prepared, lines: &mut impl Iterator<Item = &'a str>, tally: &mut Tally) {
    let mut next = |tag: &str| -> &'a str {
        let line = lines
            .next()
            .unwrap_or_else(|| panic!("C output ended in case {}", p.case.id));
        line.strip_prefix(tag)
            .unwrap_or_else(|| panic!("case {}: expected {tag:?}, got {line:?}", p.case.id))
    };
    assert_eq!(
        next("C ").parse::<usize>().ok(),
        Some(p.case.id),
        "C output out of step"
    );

    let mut problems = Vec::new();
    let built = engine::build_case(&p.case);
    if let Err(e) = &built {
        problems.push(format!("the engine refused the case: {e}"));
    }
    let built: Option<Vec<CType>> = built.ok();
    for (index, record) in p.case.records.iter().enumerate() {
        let ty = built.as_ref().map(|b| &b[index]);
        let (offsets, leaves) = &p.paths[index];
        compare_record(
            &record.c_type_name(),
            ty,
            offsets,
            leaves,
            &mut next,
            tally,
            &mut problems,
        );
    }
    tally.cases += 1;
    for feature in p.case.features() {
        *tally.features.entry(feature).or_default() += 1;
    }
    if !problems.is_empty() {
        tally.mismatches += problems.len();
        let mut report = format!(
            "case {id} (seed {:#x}; alone: CTYPES_LAYOUT_ONLY={id}):\n",
            seed_of_case(),
            id = p.case.id
        );
        report.push_str(&p.case.c_definitions());
        for problem in problems {
            let _ = writeln!(report, "  MISMATCH {problem}");
        }
        tally.reports.push((p.case.id, report));
    }
}

/// Compares one record: its size and alignment, its offsets, the bytes of each store.
fn compare_record<'a>(
    name: &str,
    ty: Option<&CType>,
    offsets: &[String],
    leaves: &[Leaf],
    next: &mut impl FnMut(&str) -> &'a str,
    tally: &mut Tally,
    problems: &mut Vec<String>,
) {
    let number = |text: &str| -> usize { text.parse().expect("a number from C") };
    let (size, align) = next("R ").split_once(' ').expect("R <size> <align>");
    let (size, align) = (number(size), number(align));
    tally.records += 1;
    if let Some(ty) = ty {
        let (esize, ealign) = (ty.size().ok(), ty.align().ok());
        if esize != Some(size) || ealign != Some(align) {
            problems.push(format!(
                "{name}: C sizeof {size} _Alignof {align}; engine size {esize:?} align {ealign:?}"
            ));
        }
    }

    for path in offsets {
        let offset = number(next("O "));
        tally.offsets += 1;
        if let Some(ty) = ty {
            match engine::resolve(ty, path) {
                Ok(place) if place.offset() == Some(offset) => {}
                Ok(place) => problems.push(format!(
                    "offsetof({name}, {path}): C {offset}; engine {:?}",
                    place.offset()
                )),
                Err(e) => {
                    problems.push(format!("offsetof({name}, {path}): C {offset}; engine: {e}"))
                }
            }
        }
    }

    for leaf in leaves {
        tally.leaves += 1;
        if !leaf.assignable() {
            continue;
        }
        let place = ty.map(|t| engine::resolve(t, &leaf.path));
        for &pattern in leaf.patterns() {
            let line = next("B ");
            tally.stores += 1;
            let place: &Place = match &place {
                None => continue,
                Some(Ok(place)) => place,
                Some(Err(e)) => {
                    problems.push(format!("{name} {}: engine: {e}", leaf.path));
                    continue;
                }
            };
            let c_bytes = parse_bytes(line, size);
            let expected = place.expected_bytes(leaf.kind, pattern, size);
            tally.bytes += size;
            let shown = |bytes: &Option<Vec<u8>>| {
                bytes
                    .as_ref()
                    .map_or_else(|| format!("{line:?}"), |b| hex(b))
            };
            if c_bytes.as_deref() != Some(&expected[..]) {
                problems.push(format!(
                    "{name} {} = {}: C {}; from the engine's layout {}",
                    leaf.path,
                    pattern.c_value(leaf.kind),
                    shown(&c_bytes),
                    hex(&expected)
                ));
            }
            if let Some(ty) = ty {
                let value = pattern.value(leaf.kind);
                let stored = CData::new(ty).and_then(|data| {
                    data.set_wrapping(&leaf.path, value)?;
                    Ok(data.to_bytes())
                });
                tally.cdata_bytes += size;
                match stored {
                    Ok(bytes) if c_bytes.as_deref() == Some(&bytes[..]) => {}
                    Ok(bytes) => problems.push(format!(
                        "{name} {} = {}: C {}; CData after set_wrapping({value:?}) {}",
                        leaf.path,
                        pattern.c_value(leaf.kind),
                        shown(&c_bytes),
                        hex(&bytes)
                    )),
                    Err(e) => problems.push(format!(
                        "{name} {}: CData refused set_wrapping({value:?}): {e}",
                        leaf.path
                    )),
                }
            }
        }
    }
}

fn seed_of_case() -> u64 {
    env_number("CTYPES_LAYOUT_SEED").unwrap_or(DEFAULT_SEED)
}

/// `B -` or `B <first>:<hex>` as the record's full bytes; `None` if it does not fit the size.
fn parse_bytes(line: &str, size: usize) -> Option<Vec<u8>> {
    let mut bytes = vec![0u8; size];
    if line == "-" {
        return Some(bytes);
    }
    let (first, hex) = line.split_once(':')?;
    let first: usize = first.parse().ok()?;
    for (i, pair) in hex.as_bytes().chunks(2).enumerate() {
        let pair = std::str::from_utf8(pair).ok()?;
        *bytes.get_mut(first + i)? = u8::from_str_radix(pair, 16).ok()?;
    }
    Some(bytes)
}

fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 3);
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 && i % 8 == 0 {
            out.push(' ');
        }
        let _ = write!(out, "{b:02x}");
    }
    out
}

#[test]
fn records_are_laid_out_as_the_c_compiler_does() {
    let started = Instant::now();
    let seed = seed_of_case();
    let ids: Vec<usize> = match env_number("CTYPES_LAYOUT_ONLY") {
        Some(id) => vec![id as usize],
        None => {
            (0..env_number("CTYPES_LAYOUT_CASES").map_or(DEFAULT_CASES, |n| n as usize)).collect()
        }
    };
    let batches: Vec<&[usize]> = ids.chunks(BATCH).collect();
    let next_batch = AtomicUsize::new(0);
    let total = Mutex::new(Tally::default());
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| loop {
                let index = next_batch.fetch_add(1, Ordering::Relaxed);
                let Some(batch) = batches.get(index) else {
                    break;
                };
                let tally = run_batch(seed, batch);
                total.lock().unwrap_or_else(|p| p.into_inner()).add(tally);
            });
        }
    });
    let mut total = total.into_inner().unwrap_or_else(|p| p.into_inner());
    total.reports.sort_by_key(|(id, _)| *id);
    let failing = total.reports.len();
    for (_, report) in total.reports.iter().take(SHOWN) {
        eprintln!("{report}");
    }
    if failing > SHOWN {
        eprintln!("... and {} more mismatching cases", failing - SHOWN);
    }
    let summary = format!(
        "layout_vs_c: {} cases, {} records, {} offsets, {} leaves, {} stores; {} bytes compared \
         with the layout, {} with CData; C compiler {}, {:.1?}: {} mismatches in {failing} cases",
        total.cases,
        total.records,
        total.offsets,
        total.leaves,
        total.stores,
        total.bytes,
        total.cdata_bytes,
        cc::compiler(),
        started.elapsed(),
        total.mismatches,
    );
    // Straight to the terminal: the test harness captures `eprintln!`, and the counts are worth
    // seeing on a passing run too.
    let _ = writeln!(std::io::stderr(), "{summary}");
    if std::env::var_os("CTYPES_LAYOUT_COVERAGE").is_some() {
        for (feature, count) in &total.features {
            let _ = writeln!(std::io::stderr(), "{count:>8}  {feature}");
        }
    }
    assert_eq!(total.mismatches, 0, "{summary}");
    if ids.len() >= COVERAGE_CASES {
        let missing: Vec<String> = expected_features()
            .into_iter()
            .filter(|f| !total.features.contains_key(f))
            .collect();
        assert!(
            missing.is_empty(),
            "the generator no longer covers {missing:?}"
        );
    }
}
