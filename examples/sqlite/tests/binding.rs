//! The binding against the real libsqlite3: bulk inserts in a transaction, round trips of every
//! value type, user-defined functions, `sqlite3_exec` with closures, errors, and lifetimes.

use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use ctypes_sqlite::{Connection, Error, FunctionFlags, Null, ToSql, Value, ValueRef};

const ROWS: i64 = 10_000;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

fn name_of(i: i64) -> String {
    format!("row {i}: ä漢🙂")
}

fn data_of(i: i64) -> Vec<u8> {
    vec![0, (i % 256) as u8, 0, 0xff, (i / 256) as u8]
}

#[test]
fn ten_thousand_rows_through_a_prepared_statement_in_a_transaction() {
    let conn = Connection::open_in_memory().unwrap();
    conn.execute_batch(
        "CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER, x REAL, name TEXT, data BLOB)",
    )
    .unwrap();
    let tx = conn.transaction().unwrap();
    {
        let mut insert = tx
            .prepare("INSERT INTO t (id, n, x, name, data) VALUES (?1, ?2, ?3, ?4, ?5)")
            .unwrap();
        for i in 0..ROWS {
            let changed = insert
                .execute(&[
                    &i,
                    &(i * i - 5000),
                    &(i as f64 * 0.5),
                    &name_of(i),
                    &data_of(i),
                ])
                .unwrap();
            assert_eq!(changed, 1);
        }
    }
    assert!(!conn.is_autocommit());
    tx.commit().unwrap();
    assert!(conn.is_autocommit());
    assert_eq!(conn.last_insert_rowid(), ROWS - 1);

    // Sums by formula: Σi² for i < n is (n-1)n(2n-1)/6, Σi is n(n-1)/2.
    let n = ROWS;
    let sum_n = (n - 1) * n * (2 * n - 1) / 6 - 5000 * n;
    let total_x = (n * (n - 1) / 2) as f64 * 0.5;
    let (count, sum, total, bytes) = conn
        .query_row(
            "SELECT count(*), sum(n), total(x), sum(length(data)) FROM t",
            &[],
            |row| {
                Ok((
                    row.get::<i64>(0)?,
                    row.get::<i64>(1)?,
                    row.get::<f64>(2)?,
                    row.get::<i64>(3)?,
                ))
            },
        )
        .unwrap();
    assert_eq!(
        (count, sum, total, bytes),
        (ROWS, 333_233_335_000, 24_997_500.0, 5 * ROWS)
    );
    assert_eq!((sum, total), (sum_n, total_x));

    // Every row back, in order, compared field by field.
    let mut select = conn
        .prepare("SELECT id, n, x, name, data FROM t ORDER BY id")
        .unwrap();
    let mut rows = select.query(&[]).unwrap();
    let mut expected = 0;
    let mut scanned_sum = 0i64;
    while let Some(row) = rows.next().unwrap() {
        let i = row.get::<i64>(0).unwrap();
        assert_eq!(i, expected);
        assert_eq!(row.get::<i64>(1).unwrap(), i * i - 5000);
        assert_eq!(row.get::<f64>(2).unwrap(), i as f64 * 0.5);
        assert_eq!(row.get::<String>(3).unwrap(), name_of(i));
        assert_eq!(row.get::<Vec<u8>>(4).unwrap(), data_of(i));
        scanned_sum += row.get::<i64>(1).unwrap();
        expected += 1;
    }
    assert_eq!(expected, ROWS);
    assert_eq!(scanned_sum, sum_n);
    drop(rows);

    // sqlite itself sees the characters and bytes that were bound.
    let (chars, name_hex, data_hex): (i64, String, String) = conn
        .query_row(
            "SELECT length(name), hex(name), hex(data) FROM t WHERE id = 4242",
            &[],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )
        .unwrap();
    assert_eq!(chars, name_of(4242).chars().count() as i64);
    assert_eq!(name_hex, hex(name_of(4242).as_bytes()));
    assert_eq!(data_hex, hex(&data_of(4242)));
}

#[test]
fn text_round_trips_byte_for_byte() {
    let conn = Connection::open_in_memory().unwrap();
    let texts = [
        "",
        "plain ascii",
        "ünïcödé",
        "日本語のテキスト",
        "emoji 🙂👍🏽",
        "right-to-left: שלום",
        "a\0b\0",
        "tab\tnewline\n'quote' \"double\"",
    ];
    let mut stmt = conn
        .prepare("SELECT ?1, typeof(?1), hex(?1), length(CAST(?1 AS BLOB))")
        .unwrap();
    for text in texts {
        let (back, kind, hex_back, bytes): (String, String, String, i64) = {
            let mut rows = stmt.query(&[&text]).unwrap();
            let row = rows.next().unwrap().unwrap();
            (
                row.get(0).unwrap(),
                row.get(1).unwrap(),
                row.get(2).unwrap(),
                row.get(3).unwrap(),
            )
        };
        assert_eq!(back, text);
        assert_eq!(kind, "text");
        assert_eq!(hex_back, hex(text.as_bytes()));
        assert_eq!(bytes, text.len() as i64);
    }
}

#[test]
fn blobs_with_nul_bytes_round_trip() {
    let conn = Connection::open_in_memory().unwrap();
    conn.execute_batch("CREATE TABLE b (id INTEGER PRIMARY KEY, data BLOB)")
        .unwrap();
    let all_bytes: Vec<u8> = (0..=255).collect();
    let blobs: Vec<Vec<u8>> = vec![
        vec![],
        vec![0],
        vec![0, 0, 0],
        vec![1, 0, 2, 0],
        all_bytes,
        vec![0; 100_000],
    ];
    for (i, blob) in blobs.iter().enumerate() {
        conn.execute("INSERT INTO b VALUES (?, ?)", &[&(i as i64), blob])
            .unwrap();
    }
    let mut stmt = conn
        .prepare("SELECT data, typeof(data), length(data), hex(data) FROM b ORDER BY id")
        .unwrap();
    let back = stmt
        .query_map(&[], |row| {
            Ok((
                row.get::<Vec<u8>>(0)?,
                row.get::<String>(1)?,
                row.get::<i64>(2)?,
                row.get::<String>(3)?,
            ))
        })
        .unwrap();
    assert_eq!(back.len(), blobs.len());
    for ((data, kind, len, hex_back), blob) in back.iter().zip(&blobs) {
        assert_eq!(data, blob);
        assert_eq!(kind, "blob");
        assert_eq!(*len, blob.len() as i64);
        assert_eq!(*hex_back, hex(blob));
    }
}

#[test]
fn every_value_type_binds_and_reads_back() {
    let conn = Connection::open_in_memory().unwrap();
    let cases: Vec<(Box<dyn ToSql>, &str, Value)> = vec![
        (Box::new(Null), "null", Value::Null),
        (Box::new(None::<i64>), "null", Value::Null),
        (Box::new(Some(7i32)), "integer", Value::Integer(7)),
        (
            Box::new(i64::MIN),
            "integer",
            Value::Integer(-9_223_372_036_854_775_808),
        ),
        (
            Box::new(i64::MAX),
            "integer",
            Value::Integer(9_223_372_036_854_775_807),
        ),
        (Box::new(u32::MAX), "integer", Value::Integer(4_294_967_295)),
        (Box::new(true), "integer", Value::Integer(1)),
        (Box::new(-2.5f64), "real", Value::Real(-2.5)),
        (Box::new(1.5f32), "real", Value::Real(1.5)),
        (
            Box::new(f64::MAX),
            "real",
            Value::Real(1.797_693_134_862_315_7e308),
        ),
        (Box::new("text"), "text", Value::Text("text".into())),
        (
            Box::new(String::from("owned")),
            "text",
            Value::Text("owned".into()),
        ),
        (Box::new(vec![0u8, 1]), "blob", Value::Blob(vec![0, 1])),
        (Box::new([9u8; 3]), "blob", Value::Blob(vec![9, 9, 9])),
        (Box::new(Value::Real(0.25)), "real", Value::Real(0.25)),
    ];
    let mut stmt = conn.prepare("SELECT ?1, typeof(?1)").unwrap();
    for (value, kind, expected) in &cases {
        let (back, back_kind) = {
            let mut rows = stmt.query(&[value.as_ref()]).unwrap();
            let row = rows.next().unwrap().unwrap();
            (row.get::<Value>(0).unwrap(), row.get::<String>(1).unwrap())
        };
        assert_eq!(&back, expected);
        assert_eq!(back_kind, *kind);
    }
    // A u64 that does not fit sqlite's integer is refused before anything is bound.
    let err = stmt.query(&[&u64::MAX]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "parameter: 18446744073709551615 is out of range for an sqlite integer (i64)"
    );
}

#[test]
fn named_parameters_and_optional_columns() {
    let conn = Connection::open_in_memory().unwrap();
    let mut stmt = conn.prepare("SELECT :a + :b, :missing").unwrap();
    assert_eq!(stmt.parameter_count(), 3);
    let a = stmt.parameter_index(":a").unwrap();
    let b = stmt.parameter_index(":b").unwrap();
    assert_eq!((a, b), (1, 2));
    assert!(
        matches!(stmt.parameter_index(":zzz"), Err(Error::NoSuchParameter(name)) if name == ":zzz")
    );
    stmt.bind(a, &40).unwrap();
    stmt.bind(b, &2).unwrap();
    let mut rows = stmt.query(&[&40, &2, &Null]).unwrap();
    let row = rows.next().unwrap().unwrap();
    assert_eq!(row.get::<i64>(0).unwrap(), 42);
    assert_eq!(row.get::<Option<String>>(1).unwrap(), None);
    assert_eq!(row.get_ref(1).unwrap(), ValueRef::Null);
}

#[test]
fn a_user_defined_function_written_in_rust() {
    let conn = Connection::open_in_memory().unwrap();
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    conn.create_function(
        "reverse_text",
        1,
        FunctionFlags {
            deterministic: true,
        },
        move |args| {
            counter.fetch_add(1, Ordering::Relaxed);
            Ok(args
                .get::<Option<String>>(0)?
                .map(|s| s.chars().rev().collect::<String>()))
        },
    )
    .unwrap();
    conn.create_function("checked_div", 2, FunctionFlags::default(), |args| {
        let (a, b) = (args.get::<i64>(0)?, args.get::<i64>(1)?);
        a.checked_div(b)
            .ok_or_else(|| Error::user(format!("checked_div: {a} / {b} is undefined")))
    })
    .unwrap();
    conn.create_function("sum_all", -1, FunctionFlags::default(), |args| {
        (0..args.len())
            .map(|i| args.get::<f64>(i))
            .sum::<Result<f64, _>>()
    })
    .unwrap();
    conn.create_function("blob_len", 1, FunctionFlags::default(), |args| {
        Ok(args.get::<Vec<u8>>(0)?.len() as i64)
    })
    .unwrap();

    let reversed: String = conn
        .query_row("SELECT reverse_text('abc漢🙂')", &[], |row| row.get(0))
        .unwrap();
    assert_eq!(reversed, "🙂漢cba");
    let null: Option<String> = conn
        .query_row("SELECT reverse_text(NULL)", &[], |row| row.get(0))
        .unwrap();
    assert_eq!(null, None);
    assert_eq!(calls.load(Ordering::Relaxed), 2);

    conn.execute_batch(
        "CREATE TABLE w (word TEXT); INSERT INTO w VALUES ('one'), ('two'), ('three')",
    )
    .unwrap();
    let words = conn
        .prepare("SELECT reverse_text(word) FROM w ORDER BY rowid")
        .unwrap()
        .query_map(&[], |row| row.get::<String>(0))
        .unwrap();
    assert_eq!(words, ["eno", "owt", "eerht"]);

    let quotient: i64 = conn
        .query_row("SELECT checked_div(84, 2)", &[], |row| row.get(0))
        .unwrap();
    assert_eq!(quotient, 42);
    let total: f64 = conn
        .query_row("SELECT sum_all(1, 2.5, 3, -0.5)", &[], |row| row.get(0))
        .unwrap();
    assert_eq!(total, 6.0);
    let len: i64 = conn
        .query_row("SELECT blob_len(?)", &[&vec![0u8; 17]], |row| row.get(0))
        .unwrap();
    assert_eq!(len, 17);

    // The closure's error is the statement's error.
    let err = conn
        .query_row("SELECT checked_div(1, 0)", &[], |row| row.get::<i64>(0))
        .unwrap_err();
    assert_eq!(
        err.sqlite_message(),
        Some("checked_div: 1 / 0 is undefined")
    );
    assert_eq!(err.primary_code(), Some(1));
    // So is a type mismatch in the arguments, and a wrong argument count is sqlite's.
    let err = conn
        .query_row("SELECT checked_div('x', 1)", &[], |row| row.get::<i64>(0))
        .unwrap_err();
    assert_eq!(
        err.sqlite_message(),
        Some("argument 0 of `checked_div`: text value cannot be read as i64")
    );
    let err = conn.prepare("SELECT checked_div(1)").unwrap_err();
    assert_eq!(
        err.sqlite_message(),
        Some("wrong number of arguments to function checked_div()")
    );
}

#[test]
fn a_panicking_function_fails_its_statement_and_not_the_process() {
    let conn = Connection::open_in_memory().unwrap();
    conn.create_function(
        "boom",
        0,
        FunctionFlags::default(),
        |_| -> Result<i64, Error> { panic!("deliberate") },
    )
    .unwrap();
    let err = conn
        .query_row("SELECT boom()", &[], |row| row.get::<i64>(0))
        .unwrap_err();
    assert_eq!(err.sqlite_message(), Some("`boom` panicked: deliberate"));
    // The connection goes on working.
    let two: i64 = conn
        .query_row("SELECT 1 + 1", &[], |row| row.get(0))
        .unwrap();
    assert_eq!(two, 2);
}

#[test]
fn function_closures_are_freed_when_replaced_and_when_the_connection_closes() {
    let first = Arc::new(());
    let second = Arc::new(());
    let conn = Connection::open_in_memory().unwrap();
    let held = Arc::clone(&first);
    conn.create_function("f", 0, FunctionFlags::default(), move |_| {
        Ok(Arc::strong_count(&held) as i64)
    })
    .unwrap();
    assert_eq!(Arc::strong_count(&first), 2);
    let held = Arc::clone(&second);
    conn.create_function("f", 0, FunctionFlags::default(), move |_| {
        Ok(-(Arc::strong_count(&held) as i64))
    })
    .unwrap();
    assert_eq!(
        Arc::strong_count(&first),
        1,
        "the replaced closure is dropped"
    );
    let value: i64 = conn.query_row("SELECT f()", &[], |row| row.get(0)).unwrap();
    assert_eq!(value, -2);
    drop(conn);
    assert_eq!(Arc::strong_count(&second), 1, "closing drops the closure");
}

#[test]
fn exec_hands_rows_to_a_closure() {
    let conn = Connection::open_in_memory().unwrap();
    let mut seen = Vec::new();
    conn.exec(
        "CREATE TABLE e (k INTEGER, v TEXT); \
         INSERT INTO e VALUES (1, 'één'), (2, NULL), (3, 'drie'); \
         SELECT k, v FROM e ORDER BY k",
        |row| {
            assert_eq!(row.len(), 2);
            assert_eq!(row.name(0).as_deref(), Some("k"));
            assert_eq!(row.name(1).as_deref(), Some("v"));
            seen.push((
                row.value(0).unwrap().into_owned(),
                row.value(1).map(|v| v.into_owned()),
            ));
            true
        },
    )
    .unwrap();
    assert_eq!(
        seen,
        [
            ("1".to_owned(), Some("één".to_owned())),
            ("2".to_owned(), None),
            ("3".to_owned(), Some("drie".to_owned())),
        ]
    );

    // Returning false stops early, and is not an error.
    let mut count = 0;
    conn.exec("SELECT k FROM e", |_| {
        count += 1;
        count < 2
    })
    .unwrap();
    assert_eq!(count, 2);

    // A panic stops the query and comes back to the caller, not through C.
    let caught = panic::catch_unwind(AssertUnwindSafe(|| {
        conn.exec("SELECT k FROM e", |_| panic!("row callback panicked"))
            .unwrap();
    }));
    let payload = caught.unwrap_err();
    assert_eq!(
        payload.downcast_ref::<&str>(),
        Some(&"row callback panicked")
    );
    let count: i64 = conn
        .query_row("SELECT count(*) FROM e", &[], |row| row.get(0))
        .unwrap();
    assert_eq!(count, 3);

    // SQL errors carry sqlite3_exec's message.
    let err = conn.exec("SELECT nope FROM e", |_| true).unwrap_err();
    assert_eq!(err.sqlite_message(), Some("no such column: nope"));
}

#[test]
fn failing_statements_carry_sqlites_message_and_code() {
    let conn = Connection::open_in_memory().unwrap();
    let err = conn.prepare("SELECT * FROM missing").unwrap_err();
    assert_eq!(err.sqlite_message(), Some("no such table: missing"));
    assert_eq!((err.code(), err.primary_code()), (Some(1), Some(1)));
    assert_eq!(err.to_string(), "no such table: missing (sqlite error 1)");

    let err = conn.execute_batch("CREATE TABLE u (k TEXT UNIQUE); INSERT INTO u VALUES ('a'); INSERT INTO u VALUES ('a')").unwrap_err();
    assert_eq!(err.sqlite_message(), Some("UNIQUE constraint failed: u.k"));
    // SQLITE_CONSTRAINT_UNIQUE = SQLITE_CONSTRAINT | (8 << 8)
    assert_eq!(
        (err.code(), err.primary_code()),
        (Some(19 | (8 << 8)), Some(19))
    );

    let mut insert = conn.prepare("INSERT INTO u VALUES (?)").unwrap();
    let err = insert.execute(&[&"a"]).unwrap_err();
    assert_eq!(err.sqlite_message(), Some("UNIQUE constraint failed: u.k"));
    // The statement was reset and can run again.
    assert_eq!(insert.execute(&[&"b"]).unwrap(), 1);

    let err = insert.execute(&[]).unwrap_err();
    assert_eq!(err.to_string(), "the statement takes 1 parameters, 0 given");
    let err = conn.prepare("SELECT 1; SELECT 2").unwrap_err();
    assert_eq!(
        err.to_string(),
        "more than one statement given where one was expected: `SELECT 2`"
    );
    assert!(conn.prepare("SELECT 1; -- only a comment after").is_ok());
    assert!(matches!(
        conn.prepare("  -- nothing\n"),
        Err(Error::EmptyStatement)
    ));
    assert!(matches!(
        conn.execute_batch("SELECT '\0'"),
        Err(Error::Nul { what: "SQL" })
    ));

    let mut stmt = conn.prepare("SELECT k FROM u ORDER BY k").unwrap();
    let mut rows = stmt.query(&[]).unwrap();
    let row = rows.next().unwrap().unwrap();
    let err = row.get::<i64>(0).unwrap_err();
    assert_eq!(
        err.to_string(),
        "column 0 (`k`): text value cannot be read as i64"
    );
    let err = row.get::<String>(1).unwrap_err();
    assert_eq!(
        err.to_string(),
        "column 1 is out of range: the statement has 1 columns"
    );
    drop(rows);
    let err = conn
        .query_row("SELECT 1 WHERE 0", &[], |row| row.get::<i64>(0))
        .unwrap_err();
    assert!(matches!(err, Error::NoRows));
    let err = conn
        .query_row("SELECT 300", &[], |row| row.get::<u8>(0))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "column 0 (`300`): 300 is out of range for u8"
    );
}

#[test]
fn transactions_commit_or_roll_back() {
    let conn = Connection::open_in_memory().unwrap();
    conn.execute_batch("CREATE TABLE a (x INTEGER)").unwrap();
    let count = |conn: &Connection| -> i64 {
        conn.query_row("SELECT count(*) FROM a", &[], |r| r.get(0))
            .unwrap()
    };

    let tx = conn.transaction().unwrap();
    tx.execute("INSERT INTO a VALUES (1)", &[]).unwrap();
    assert_eq!(count(&tx), 1);
    drop(tx);
    assert_eq!(count(&conn), 0, "a dropped transaction rolls back");

    let tx = conn.transaction().unwrap();
    tx.execute("INSERT INTO a VALUES (2)", &[]).unwrap();
    tx.rollback().unwrap();
    assert_eq!(count(&conn), 0);

    let tx = conn.transaction().unwrap();
    tx.execute("INSERT INTO a VALUES (3)", &[]).unwrap();
    let err = conn.transaction().unwrap_err();
    assert_eq!(
        err.sqlite_message(),
        Some("cannot start a transaction within a transaction")
    );
    tx.commit().unwrap();
    assert_eq!(count(&conn), 1);
}

#[test]
fn a_database_file_keeps_its_data_and_a_connection_moves_between_threads() {
    let path = std::env::temp_dir().join(format!("ctypes-sqlite-test-{}.db", std::process::id()));
    let _ = std::fs::remove_file(&path);
    {
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch("CREATE TABLE kv (k TEXT PRIMARY KEY, v BLOB)")
            .unwrap();
        conn.execute(
            "INSERT INTO kv VALUES (?, ?)",
            &[&"key", &b"\0value\0".to_vec()],
        )
        .unwrap();
    }
    let conn = Connection::open(&path).unwrap();
    let value = std::thread::spawn(move || {
        conn.query_row("SELECT v FROM kv WHERE k = 'key'", &[], |row| {
            row.get::<Vec<u8>>(0)
        })
        .unwrap()
    })
    .join()
    .unwrap();
    assert_eq!(value, b"\0value\0");
    std::fs::remove_file(&path).unwrap();

    let err = Connection::open("/nonexistent-directory/x.db").unwrap_err();
    assert_eq!(err.sqlite_message(), Some("unable to open database file"));
    assert_eq!(err.primary_code(), Some(14));
}

#[test]
fn a_batch_prepares_each_statement_when_reached() {
    let conn = Connection::open_in_memory().unwrap();
    let sql = "CREATE TABLE s (x); INSERT INTO s VALUES (5), (6); -- a comment\n SELECT sum(x) AS total FROM s;  ";
    let mut columns = Vec::new();
    let mut total = None;
    for stmt in conn.statements(sql) {
        let mut stmt = stmt.unwrap();
        columns.push(stmt.column_count());
        if stmt.column_count() == 0 {
            stmt.execute(&[]).unwrap();
        } else {
            assert_eq!(stmt.column_names(), ["total"]);
            total = Some(stmt.query_map(&[], |row| row.get::<i64>(0)).unwrap());
        }
    }
    assert_eq!(columns, [0, 0, 1]);
    assert_eq!(total, Some(vec![11]));
}

#[test]
fn the_loaded_library_reports_its_version() {
    let version = ctypes_sqlite::library_version().unwrap();
    let from_sql: String = Connection::open_in_memory()
        .unwrap()
        .query_row("SELECT sqlite_version()", &[], |row| row.get(0))
        .unwrap();
    assert_eq!(version, from_sql);
    assert!(version.starts_with("3."), "{version}");
}

#[test]
fn a_failed_commit_rolls_back_instead_of_leaving_the_transaction_open() {
    let conn = Connection::open_in_memory().unwrap();
    conn.execute_batch(
        "PRAGMA foreign_keys = ON;
         CREATE TABLE parent (id INTEGER PRIMARY KEY);
         CREATE TABLE child (pid INTEGER REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED);",
    )
    .unwrap();
    let tx = conn.transaction().unwrap();
    tx.execute_batch("INSERT INTO child VALUES (42)").unwrap();
    let err = tx.commit().unwrap_err();
    assert!(
        err.to_string().contains("FOREIGN KEY constraint failed"),
        "{err}"
    );
    assert!(conn.is_autocommit());
    let rows: i64 = conn
        .query_row("SELECT count(*) FROM child", &[], |row| row.get(0))
        .unwrap();
    assert_eq!(rows, 0);
}

#[test]
fn bytes_of_text_that_is_not_utf8() {
    let conn = Connection::open_in_memory().unwrap();
    let mut statement = conn
        .prepare("SELECT CAST(x'ff41' AS TEXT), x'00ff', 7")
        .unwrap();
    let mut rows = statement.query(&[]).unwrap();
    let row = rows.next().unwrap().expect("one row");
    assert!(matches!(row.get::<Vec<u8>>(0), Err(Error::Utf8 { .. })));
    assert_eq!(row.get_bytes(0).unwrap(), Some(vec![0xff, 0x41]));
    assert_eq!(row.get_bytes(1).unwrap(), Some(vec![0x00, 0xff]));
    assert_eq!(row.get_bytes(2).unwrap(), None);
}
