//! What the shell is built on: statements prepared in place one after another, columns as
//! sqlite writes them, interrupts from another thread, sqlite's own text routines.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use ctypes_sqlite::{Connection, Error, RawValue, SqlBuffer, Type};

#[test]
fn statements_are_prepared_from_the_tail_of_the_one_before() {
    let conn = Connection::open_in_memory().unwrap();
    let sql = SqlBuffer::new(b"SELECT 1;  SELECT 'two' ; -- the end\n").unwrap();
    let first = conn.prepare_at(&sql, 0).unwrap();
    assert_eq!(first.tail, 9);
    assert!(first.statement.is_some());
    let second = conn.prepare_at(&sql, first.tail).unwrap();
    assert_eq!(
        &sql.as_bytes()[first.tail..second.tail],
        b"  SELECT 'two' ;"
    );
    let rest = conn.prepare_at(&sql, second.tail).unwrap();
    assert!(rest.statement.is_none());
    assert_eq!(rest.tail, sql.len());
}

#[test]
fn a_syntax_error_says_where_it_is() {
    let conn = Connection::open_in_memory().unwrap();
    let sql = SqlBuffer::new(b"SELECT 1; SELECT 1 +;").unwrap();
    let err = conn.prepare_at(&sql, 10).unwrap_err();
    assert_eq!(err.sqlite_message(), Some("near \";\": syntax error"));
    assert_eq!(conn.error_offset(), Some(10));
    let sql = SqlBuffer::new(b"SELECT 1; SELECT 1 FROM (SELECT 2) WHERE zzz = 1").unwrap();
    let err = conn.prepare_at(&sql, 10).unwrap_err();
    assert_eq!(err.sqlite_message(), Some("no such column: zzz"));
    // The offset counts from where this statement's preparation started.
    assert_eq!(conn.error_offset(), Some(31));
}

#[test]
fn sql_with_a_nul_byte_is_refused_once_not_per_statement() {
    assert!(matches!(
        SqlBuffer::new(b"SELECT 1;\0"),
        Err(Error::Nul { .. })
    ));
    let conn = Connection::open_in_memory().unwrap();
    let mut batch = conn.statements("SELECT 1;\0SELECT 2");
    assert!(matches!(batch.next(), Some(Err(Error::Nul { .. }))));
    assert!(batch.next().is_none());
}

#[test]
fn columns_read_as_sqlite_writes_them_as_text() {
    // (Reals exact in binary, for the reason given in `sqlites_text_routines`.)
    let conn = Connection::open_in_memory().unwrap();
    let mut stmt = conn
        .prepare("SELECT 42, 1.5e10, 0.25, x'00ff', CAST(x'ff41' AS TEXT), NULL, ?1")
        .unwrap();
    let mut rows = stmt.rows();
    let row = rows.next().unwrap().unwrap();
    let texts: Vec<Option<&[u8]>> = (0..7).map(|i| row.get_text(i).unwrap()).collect();
    assert_eq!(
        texts,
        [
            Some(&b"42"[..]),
            Some(&b"15000000000.0"[..]),
            Some(&b"0.25"[..]),
            Some(&b"\x00\xff"[..]),
            Some(&b"\xffA"[..]),
            None,
            None,
        ]
    );
    assert_eq!(row.get_raw(0).unwrap(), RawValue::Integer(42));
    assert_eq!(row.get_raw(1).unwrap(), RawValue::Real(1.5e10));
    assert_eq!(row.get_raw(3).unwrap(), RawValue::Blob(b"\x00\xff"));
    assert_eq!(row.get_raw(4).unwrap(), RawValue::Text(b"\xffA"));
    assert_eq!(row.column_type(1).unwrap(), Type::Real);
    assert_eq!(row.column_type(5).unwrap(), Type::Null);
}

#[test]
fn another_thread_interrupts_a_running_query() {
    let conn = Connection::open_in_memory().unwrap();
    let handle = conn.interrupt_handle();
    let done = Arc::new(AtomicBool::new(false));
    let interrupter = {
        let done = Arc::clone(&done);
        std::thread::spawn(move || {
            while !done.load(Ordering::SeqCst) {
                handle.interrupt();
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
        })
    };
    // Counts to 10^15: only the interrupt ends it.
    let result = conn.query_row(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) \
         SELECT count(*) FROM (SELECT i FROM n LIMIT 1000000000000000)",
        &[],
        |row| row.get::<i64>(0),
    );
    done.store(true, Ordering::SeqCst);
    interrupter.join().unwrap();
    let err = result.unwrap_err();
    assert_eq!(err.primary_code(), Some(9), "{err}");
    // The connection is usable again.
    let one: i64 = conn.query_row("SELECT 1", &[], |row| row.get(0)).unwrap();
    assert_eq!(one, 1);
}

#[test]
fn interrupting_a_closed_connection_does_nothing() {
    let conn = Connection::open_in_memory().unwrap();
    let handle = conn.interrupt_handle();
    drop(conn);
    handle.interrupt();
}

#[test]
fn a_read_only_connection_refuses_writes() {
    let path = std::env::temp_dir().join(format!("ctypes-sqlite-ro-{}.db", std::process::id()));
    let _ = std::fs::remove_file(&path);
    Connection::open(&path)
        .unwrap()
        .execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (1)")
        .unwrap();
    let conn = Connection::open_read_only(&path).unwrap();
    let err = conn.execute_batch("INSERT INTO t VALUES (2)").unwrap_err();
    assert_eq!(err.primary_code(), Some(8), "{err}");
    drop(conn);
    std::fs::remove_file(&path).unwrap();
    assert!(Connection::open_read_only(&path).is_err());
}

#[test]
fn changes_are_counted_in_total() {
    let conn = Connection::open_in_memory().unwrap();
    conn.execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (1), (2); UPDATE t SET x = 3")
        .unwrap();
    assert_eq!(conn.changes(), 2);
    assert_eq!(conn.total_changes(), 4);
}

#[test]
fn explain_statements_say_what_they_are() {
    let conn = Connection::open_in_memory().unwrap();
    assert_eq!(conn.prepare("SELECT 1").unwrap().explain_kind(), 0);
    assert_eq!(conn.prepare("EXPLAIN SELECT 1").unwrap().explain_kind(), 1);
    assert_eq!(
        conn.prepare("EXPLAIN QUERY PLAN SELECT 1")
            .unwrap()
            .explain_kind(),
        2
    );
}

#[test]
fn sqlites_text_routines() {
    use ctypes_sqlite::{format_real, is_complete, is_keyword};
    assert!(is_complete(c"SELECT 1;").unwrap());
    assert!(!is_complete(c"SELECT ';").unwrap());
    assert!(!is_complete(c"CREATE TRIGGER t AFTER INSERT ON x BEGIN SELECT 1;").unwrap());
    // Values exact in binary: sqlite's digits come from long double arithmetic, which
    // valgrind (running these tests in CI) emulates with less precision.
    assert_eq!(format_real(c"%!.20g", 0.375).unwrap(), "0.375");
    assert_eq!(format_real(c"%!.15g", 1.5e10).unwrap(), "15000000000.0");
    assert_eq!(
        format_real(c"%!.15g", 2f64.powi(-20)).unwrap(),
        "9.5367431640625e-07"
    );
    assert_eq!(format_real(c"%!.20g", 2.0).unwrap(), "2.0");
    assert!(is_keyword("select"));
    assert!(is_keyword("ORDER"));
    assert!(!is_keyword("people"));
}
