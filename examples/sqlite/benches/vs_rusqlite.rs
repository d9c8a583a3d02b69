//! The same workload through this crate (libsqlite3 loaded at run time, typed calls through
//! plain function pointers) and through rusqlite (linked at build time against the same system
//! libsqlite3): insert 100,000 rows in one transaction through a prepared statement, then scan
//! the table summing a column. A second pair times the scan alone.
//!
//! Run: `cargo bench -p ctypes-sqlite --bench vs_rusqlite`

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};

const ROWS: i64 = 100_000;
const NAME: &str = "a row's name, the same text in every row";
/// Σ 3i for i < ROWS.
const EXPECTED_SUM: i64 = 3 * ROWS * (ROWS - 1) / 2;
const CREATE: &str = "CREATE TABLE t (id INTEGER PRIMARY KEY, value INTEGER, name TEXT)";
const INSERT: &str = "INSERT INTO t (id, value, name) VALUES (?1, ?2, ?3)";
const SCAN: &str = "SELECT value FROM t";

mod ours {
    use super::*;
    use ctypes_sqlite::Connection;

    pub fn setup() -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(CREATE).unwrap();
        conn
    }

    pub fn insert(conn: &Connection) {
        let tx = conn.transaction().unwrap();
        {
            let mut stmt = tx.prepare(INSERT).unwrap();
            for i in 0..ROWS {
                stmt.execute(&[&i, &(3 * i), &NAME]).unwrap();
            }
        }
        tx.commit().unwrap();
    }

    pub fn scan(conn: &Connection) -> i64 {
        let mut stmt = conn.prepare(SCAN).unwrap();
        let mut rows = stmt.query(&[]).unwrap();
        let mut sum = 0;
        while let Some(row) = rows.next().unwrap() {
            sum += row.get::<i64>(0).unwrap();
        }
        sum
    }
}

mod theirs {
    use super::*;
    use rusqlite::Connection;

    pub fn setup() -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(CREATE).unwrap();
        conn
    }

    pub fn insert(conn: &mut Connection) {
        let tx = conn.transaction().unwrap();
        {
            let mut stmt = tx.prepare(INSERT).unwrap();
            for i in 0..ROWS {
                stmt.execute(rusqlite::params![i, 3 * i, NAME]).unwrap();
            }
        }
        tx.commit().unwrap();
    }

    pub fn scan(conn: &Connection) -> i64 {
        let mut stmt = conn.prepare(SCAN).unwrap();
        let mut rows = stmt.query([]).unwrap();
        let mut sum = 0;
        while let Some(row) = rows.next().unwrap() {
            sum += row.get::<_, i64>(0).unwrap();
        }
        sum
    }
}

fn insert_and_scan(c: &mut Criterion) {
    let mut group = c.benchmark_group("insert 100k rows in a transaction, then scan");
    group.sample_size(10);
    group.bench_function("ctypes-sqlite", |b| {
        b.iter_batched(
            ours::setup,
            |conn| {
                ours::insert(&conn);
                assert_eq!(black_box(ours::scan(&conn)), EXPECTED_SUM);
                conn // dropped outside the measurement
            },
            BatchSize::PerIteration,
        )
    });
    group.bench_function("rusqlite", |b| {
        b.iter_batched(
            theirs::setup,
            |mut conn| {
                theirs::insert(&mut conn);
                assert_eq!(black_box(theirs::scan(&conn)), EXPECTED_SUM);
                conn
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();

    let mut group = c.benchmark_group("scan 100k rows summing a column");
    group.sample_size(20);
    let conn = ours::setup();
    ours::insert(&conn);
    group.bench_function("ctypes-sqlite", |b| {
        b.iter(|| assert_eq!(black_box(ours::scan(&conn)), EXPECTED_SUM))
    });
    let mut conn = theirs::setup();
    theirs::insert(&mut conn);
    group.bench_function("rusqlite", |b| {
        b.iter(|| assert_eq!(black_box(theirs::scan(&conn)), EXPECTED_SUM))
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(Duration::from_secs(2));
    targets = insert_and_scan
}
criterion_main!(benches);
