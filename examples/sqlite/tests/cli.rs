//! The `ctypes-sqlite` program, run as a subprocess.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn program() -> Command {
    Command::new(env!("CARGO_BIN_EXE_ctypes-sqlite"))
}

fn run_with_stdin(args: &[&str], input: &str) -> Output {
    let mut child = program()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the program starts");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn text(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).unwrap()
}

#[test]
fn sql_on_standard_input_prints_aligned_tables() {
    let output = run_with_stdin(
        &[],
        "CREATE TABLE p (id INTEGER PRIMARY KEY, name TEXT, score REAL, photo BLOB);\n\
         INSERT INTO p (name, score, photo) VALUES ('Ada', 36.5, x'00ff'), ('Grace Hopper', 2, NULL), ('Zoë', -0.125, x'');\n\
         SELECT id, name, score, photo FROM p ORDER BY id;\n\
         SELECT count(*) AS n, sum(score) AS total FROM p;\n",
    );
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_eq!(text(&output.stderr), "");
    let expected = "\
id  name          score   photo
--  ------------  ------  -------
 1  Ada             36.5  x'00ff'
 2  Grace Hopper     2.0  NULL
 3  Zoë           -0.125  x''

n  total
-  ------
3  38.375
";
    assert_eq!(text(&output.stdout), expected);
}

#[test]
fn bad_sql_prints_sqlites_message_and_exits_non_zero() {
    let output = run_with_stdin(&[], "SELECT 1 AS one;\nSELEC 2;\nSELECT 3;\n");
    assert_eq!(output.status.code(), Some(1));
    // What ran before the error is printed; nothing after it runs.
    assert_eq!(text(&output.stdout), "one\n---\n  1\n");
    assert_eq!(
        text(&output.stderr),
        "Error: near \"SELEC\": syntax error\n"
    );

    let output = run_with_stdin(&["SELECT * FROM nowhere"], "");
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(text(&output.stderr), "Error: no such table: nowhere\n");
}

#[test]
fn arguments_run_against_a_database_file() {
    let path = std::env::temp_dir().join(format!("ctypes-sqlite-cli-{}.db", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let db = path.to_str().unwrap();
    let output = program()
        .args([
            "--db",
            db,
            "CREATE TABLE t (x)",
            "INSERT INTO t VALUES (40), (2)",
        ])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_eq!(text(&output.stdout), "");
    let output = program()
        .args(["--db", db, "SELECT sum(x) AS answer FROM t"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_eq!(text(&output.stdout), "answer\n------\n    42\n");
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn version_names_the_loaded_library() {
    let output = program().arg("--version").output().unwrap();
    assert!(output.status.success());
    let expected_version = ctypes_sqlite::library_version().unwrap();
    let stdout = text(&output.stdout);
    assert!(
        stdout.starts_with(&format!(
            "ctypes-sqlite {} (SQLite {expected_version}, loaded from ",
            env!("CARGO_PKG_VERSION")
        )),
        "{stdout}"
    );
}

#[test]
fn a_wrong_option_is_a_usage_error() {
    let output = program().arg("--frobnicate").output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).starts_with("ctypes-sqlite: unknown option `--frobnicate`"));
}

#[test]
fn text_that_is_not_utf8_is_shown_rather_than_refused() {
    let output = run_with_stdin(&[], "SELECT CAST(x'ff41' AS TEXT) AS t;");
    assert!(output.status.success(), "{}", text(&output.stderr));
    let shown = String::from_utf8_lossy(&output.stdout);
    assert!(shown.contains("\u{FFFD}A"), "{shown}");
}
