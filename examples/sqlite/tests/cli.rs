//! The `ctypes-sqlite` program, run as a subprocess: its own command line and behaviour.
//! (Output compared with the `sqlite3` program is in `vs_sqlite3.rs`.)

use std::io::{BufRead, BufReader, Write};
use std::os::unix::process::ExitStatusExt;
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
fn the_readme_command_prints_rows_in_list_mode() {
    let output = program()
        .args([
            ":memory:",
            "create table t(x, name); insert into t values (1, 'one'), (2, 'two'); \
             select x, name, x * 1.5 as scaled from t",
        ])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_eq!(text(&output.stdout), "1|one|1.5\n2|two|3.0\n");
}

#[test]
fn a_script_goes_on_after_errors_and_exits_1() {
    let output = run_with_stdin(&[], "SELECT 1;\nSELEC 2;\nSELECT 3;\n");
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(text(&output.stdout), "1\n3\n");
    assert_eq!(
        text(&output.stderr),
        "Parse error near line 2: near \"SELEC\": syntax error\n  SELEC 2;\n  ^--- error here\n"
    );
    let output = run_with_stdin(&["-bail"], "SELECT 1;\nSELEC 2;\nSELECT 3;\n");
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(text(&output.stdout), "1\n");
}

#[test]
fn a_database_file_is_named_first_or_with_db() {
    let dir = std::env::temp_dir().join(format!("ctypes-sqlite-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("t.db");
    let db = path.to_str().unwrap();
    let output = program()
        .args([db, "CREATE TABLE t (x)", "INSERT INTO t VALUES (40), (2)"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_eq!(text(&output.stdout), "");
    let output = program()
        .args(["--db", db, "SELECT sum(x) AS answer FROM t"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_eq!(text(&output.stdout), "42\n");
    let output = program()
        .args(["-readonly", db, "INSERT INTO t VALUES (1)"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(8));
    assert_eq!(
        text(&output.stderr),
        "Error: stepping, attempt to write a readonly database (8)\n"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn version_names_the_file_loaded() {
    let output = program().arg("-version").output().unwrap();
    assert!(output.status.success());
    let expected_version = ctypes_sqlite::library_version().unwrap();
    let stdout = text(&output.stdout);
    let prefix = format!(
        "ctypes-sqlite {} (SQLite {expected_version}, loaded from ",
        env!("CARGO_PKG_VERSION")
    );
    let file = stdout
        .strip_prefix(&prefix)
        .and_then(|rest| rest.strip_suffix(")\n"))
        .unwrap_or_else(|| panic!("{stdout}"));
    assert!(file.starts_with('/'), "{file}");
    assert!(std::path::Path::new(file).exists(), "{file}");
}

#[test]
fn a_wrong_option_is_an_error() {
    let output = program().arg("-frobnicate").output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        text(&output.stderr),
        "ctypes-sqlite: Error: unknown option: -frobnicate\nUse -help for a list of options.\n"
    );
    let output = program().arg("-separator").output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output.stderr).contains("missing argument to -separator"));
}

#[test]
fn help_lists_the_options_and_says_which_modes_buffer() {
    let output = program().arg("-help").output().unwrap();
    assert!(output.status.success());
    let help = text(&output.stdout);
    for option in [
        "-bail",
        "-cmd COMMAND",
        "-csv",
        "-nullvalue TEXT",
        "-readonly",
    ] {
        assert!(help.contains(option), "{option}");
    }
    assert!(
        help.contains("table, box, markdown and column modes"),
        "{help}"
    );
}

#[test]
fn sql_starting_with_a_comment_and_dash_for_stdin_are_accepted() {
    let output = run_with_stdin(
        &[":memory:", "-- a comment\nselect 1", "-", "select 3"],
        "select 2;",
    );
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_eq!(text(&output.stdout), "1\n2\n3\n");
}

#[test]
fn text_that_is_not_utf8_is_written_as_its_bytes() {
    let output = run_with_stdin(&[], "SELECT CAST(x'ff41' AS TEXT) AS t;");
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_eq!(output.stdout, b"\xffA\n");
}

#[test]
fn a_closed_pipe_ends_the_program_at_once() {
    // A query of a billion rows: only stopping at the closed pipe lets it end.
    let mut child = program()
        .args([
            "-csv",
            ":memory:",
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) \
             SELECT i, 'row' FROM n LIMIT 1000000000",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert_eq!(first, "1,row\n");
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.signal(), Some(libc_sigpipe()));
    assert_eq!(text(&output.stderr), "");
}

/// SIGPIPE's number on Linux and the BSDs.
fn libc_sigpipe() -> i32 {
    13
}

#[test]
fn dot_commands_unknown_to_the_shell_are_named() {
    let output = run_with_stdin(&[], ".frob x\nselect 1;\n");
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(text(&output.stdout), "1\n");
    assert_eq!(
        text(&output.stderr),
        "Error: unknown command or invalid arguments:  \"frob\". Enter \".help\" for help\n"
    );
}

#[test]
fn the_timer_reports_each_statement_as_sqlite3_words_it() {
    let output = run_with_stdin(&[], ".timer on\nselect 1;\ncreate table t(x);\n");
    assert!(output.status.success(), "{}", text(&output.stderr));
    let lines: Vec<&str> = text(&output.stdout).lines().collect();
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert_eq!(lines[0], "1");
    for line in &lines[1..] {
        let words: Vec<&str> = line.split(' ').collect();
        assert_eq!(words[..3], ["Run", "Time:", "real"], "{line}");
        assert_eq!((words[4], words[6]), ("user", "sys"), "{line}");
        for (i, decimals) in [(3, 3), (5, 6), (7, 6)] {
            let (_, fraction) = words[i].split_once('.').unwrap();
            assert_eq!(fraction.len(), decimals, "{line}");
            words[i].parse::<f64>().unwrap();
        }
    }
}
