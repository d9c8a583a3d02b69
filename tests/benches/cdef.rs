//! Reading C declarations: the preprocessed `<sqlite3.h>` (with the glibc headers it pulls in)
//! parsed by `cdef::Declarations::parse`, and every sqlite function bound by name from it.
//!
//! Run: `cargo bench -p ctypes-tests --bench cdef`.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use ctypes_core::cdef::Declarations;
use ctypes_core::Library;
use ctypes_tests::headers::preprocess;

fn parse(c: &mut Criterion) {
    let text = preprocess(&["sqlite3.h"]);
    let decls = Declarations::parse(&text).expect("sqlite3.h parses");
    let functions = decls.functions().count();
    let mut group = c.benchmark_group("cdef");
    group.bench_function(format!("parse sqlite3.h ({} bytes)", text.len()), |b| {
        b.iter(|| Declarations::parse(black_box(&text)).expect("parses"))
    });
    // SAFETY: sqlite's initialisers are sound to run.
    let sqlite = unsafe { Library::open("libsqlite3.so.0") }.expect("libsqlite3 loads");
    let present: Vec<&str> = decls
        .functions()
        .map(|f| f.name())
        .filter(|name| sqlite.symbol(name).is_ok())
        .collect();
    group.bench_function(
        format!(
            "bind {} of sqlite3.h's {functions} functions",
            present.len()
        ),
        |b| {
            b.iter(|| {
                for name in &present {
                    black_box(sqlite.function_from(&decls, name).expect("binds"));
                }
            })
        },
    );
    group.finish();
}

criterion_group!(benches, parse);
criterion_main!(benches);
