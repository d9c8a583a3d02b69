//! `ctypes-sqlite` against the real `sqlite3` program on the same input: standard output byte
//! for byte, standard error and the exit status the same.
//!
//! The tests need `/usr/bin/sqlite3` (Debian's `sqlite3` package, which CI installs); without
//! it each says so and checks nothing.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

const SQLITE3: &str = "/usr/bin/sqlite3";
const WORKLOAD: &str = include_str!("data/workload.sql");
const DOT_COMMANDS: &str = include_str!("data/dot_commands.sql");
const MODES: &[&str] = &[
    "list", "csv", "json", "line", "quote", "markdown", "table", "box", "column", "html", "ascii",
];

fn have_sqlite3() -> bool {
    if Path::new(SQLITE3).exists() {
        return true;
    }
    println!("SKIPPED: {SQLITE3} is not installed (apt-get install sqlite3); nothing compared");
    false
}

fn run(program: &str, args: &[&str], input: &str, dir: &Path) -> Output {
    let mut child = Command::new(program)
        .args(args)
        .current_dir(dir)
        // sqlite3 would read ~/.sqliterc; an empty HOME keeps both programs on defaults.
        .env("HOME", dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{program} starts: {e}"));
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_owned();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(input.as_bytes());
    });
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap();
    output
}

fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("ctypes-sqlite-vs-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs both programs with `args` and `input` in fresh directories and compares everything.
fn compare(name: &str, args: &[&str], input: &str) -> Output {
    compare_with_files(name, args, input, &[], &[])
}

/// As `compare`, with `files` written into each directory first, and the files named in
/// `written` compared afterwards.
fn compare_with_files(
    name: &str,
    args: &[&str],
    input: &str,
    files: &[(&str, &[u8])],
    written: &[&str],
) -> Output {
    let ours_dir = scratch(&format!("{name}-ours"));
    let theirs_dir = scratch(&format!("{name}-theirs"));
    for (file, content) in files {
        std::fs::write(ours_dir.join(file), content).unwrap();
        std::fs::write(theirs_dir.join(file), content).unwrap();
    }
    let ours = run(env!("CARGO_BIN_EXE_ctypes-sqlite"), args, input, &ours_dir);
    let theirs = run(SQLITE3, args, input, &theirs_dir);
    let show = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    if ours.stdout != theirs.stdout {
        let (o, t) = (show(&ours.stdout), show(&theirs.stdout));
        let line = o
            .lines()
            .zip(t.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(o.lines().count().min(t.lines().count()));
        panic!(
            "{name} {args:?}: standard output differs at line {}:\n ours: {:?}\n sqlite3: {:?}",
            line + 1,
            o.lines().nth(line),
            t.lines().nth(line)
        );
    }
    assert_eq!(
        show(&ours.stderr),
        show(&theirs.stderr),
        "{name} {args:?}: standard error"
    );
    assert_eq!(
        ours.status.code(),
        theirs.status.code(),
        "{name} {args:?}: exit status"
    );
    for file in written {
        let ours = std::fs::read(ours_dir.join(file));
        let theirs = std::fs::read(theirs_dir.join(file));
        assert!(theirs.is_ok(), "{name}: sqlite3 wrote no {file}");
        assert_eq!(
            ours.as_ref().map(|b| show(b)).ok(),
            theirs.as_ref().map(|b| show(b)).ok(),
            "{name}: the file {file}"
        );
    }
    let _ = std::fs::remove_dir_all(&ours_dir);
    let _ = std::fs::remove_dir_all(&theirs_dir);
    theirs
}

#[test]
fn the_workload_is_large_enough() {
    let statements = WORKLOAD
        .lines()
        .filter(|l| l.trim_end().ends_with(';'))
        .count();
    assert!(statements >= 60, "{statements} statements");
}

#[test]
fn every_mode_with_headers() {
    if !have_sqlite3() {
        return;
    }
    for mode in MODES {
        let flag = format!("-{mode}");
        let theirs = compare("headers", &["-header", &flag], WORKLOAD);
        // The workload has errors in the middle: both report them and exit 1.
        assert_eq!(theirs.status.code(), Some(1));
        assert!(!theirs.stdout.is_empty());
    }
}

#[test]
fn every_mode_without_headers() {
    if !have_sqlite3() {
        return;
    }
    for mode in MODES {
        compare("noheader", &["-noheader", &format!("-{mode}")], WORKLOAD);
    }
}

#[test]
fn insert_mode() {
    if !have_sqlite3() {
        return;
    }
    compare("insert", &["-cmd", ".mode insert"], WORKLOAD);
    compare(
        "insert-named",
        &["-header", "-cmd", ".mode insert \"odd name\""],
        WORKLOAD,
    );
}

#[test]
fn separators_and_null_text() {
    if !have_sqlite3() {
        return;
    }
    for mode in ["list", "csv", "line", "quote", "table", "column"] {
        let args = [
            "-separator",
            " :: ",
            "-newline",
            "<EOL>\n",
            "-nullvalue",
            "(null)",
            "-header",
        ];
        let mut all = args.to_vec();
        let flag = format!("-{mode}");
        all.push(&flag);
        compare("separators", &all, WORKLOAD);
    }
    compare("tabs", &["-tabs", "-header"], WORKLOAD);
}

#[test]
fn bail_stops_at_the_first_error() {
    if !have_sqlite3() {
        return;
    }
    let theirs = compare("bail", &["-bail", "-header"], WORKLOAD);
    assert_eq!(theirs.status.code(), Some(1));
}

#[test]
fn sql_arguments_stop_at_the_first_error_with_its_code() {
    if !have_sqlite3() {
        return;
    }
    let cases: &[&[&str]] = &[
        &[":memory:", "select 1; selec 2; select 3", "select 4"],
        &[
            ":memory:",
            "create table t(x unique); insert into t values (1); insert into t values (1)",
            "select 5",
        ],
        &["-cmd", "selec 1", ":memory:", "select 2"],
        &[
            "-csv",
            "-header",
            ":memory:",
            ".mode quote",
            "select 'a' as x, null",
        ],
        &[":memory:", ".frobnicate", "select 9"],
        &[
            ":memory:",
            "select 1 from (select 2, 3, 4) where xyz = 1 and a_long_column_name_here",
        ],
    ];
    for args in cases {
        compare("arguments", args, "");
    }
}

#[test]
fn dot_commands() {
    if !have_sqlite3() {
        return;
    }
    let theirs = compare("dot", &[], DOT_COMMANDS);
    assert_eq!(theirs.status.code(), Some(1));
}

#[test]
fn the_dump_of_the_workload_is_sqlite3s_and_loads_back() {
    if !have_sqlite3() {
        return;
    }
    // The workload's own output goes nowhere; the dump to standard output.
    let script = format!(".output /dev/null\n{WORKLOAD};\n.output\n.dump\n");
    let dump = compare("dump", &[], &script);
    // The dump loads into a new database whose dump is the same again.
    let dump_text = String::from_utf8(dump.stdout.clone()).unwrap();
    let start = dump_text.find("PRAGMA foreign_keys=OFF;").unwrap();
    let reloaded = format!("{}.dump\n", &dump_text[start..]);
    let again = compare("reload", &[], &reloaded);
    assert_eq!(
        String::from_utf8_lossy(&again.stdout),
        &dump_text[start..],
        "a second dump"
    );
}

#[test]
fn import_once_output_and_changes() {
    if !have_sqlite3() {
        return;
    }
    let csv: &[u8] = b"name,age,note\r\n\"Ada, Countess\",36,\"said \"\"hi\"\"\"\r\n\
        Grace,85,\"two\nlines\"\nZo\xc3\xab,,\nshort\nx,1,2,3\n";
    let script = "\
.import --csv people.csv people
.mode quote
.headers on
SELECT * FROM people;
.schema people
.import --csv --skip 2 people.csv people
SELECT count(*) FROM people;
.once once.txt
SELECT 42;
SELECT 43;
.output out.txt
SELECT 'to the file';
.mode box
SELECT * FROM people LIMIT 2;
.output
SELECT 'back';
.mode csv
.import people.csv people3
SELECT * FROM people3;
.changes on
INSERT INTO people VALUES (1, 2, 3);
UPDATE people SET age = 1;
SELECT 1;
.changes off
.import missing.csv x
.output /nonexistent/dir/x
CREATE TABLE ready(a, b, c);
.import --csv people.csv ready
SELECT * FROM ready;
";
    compare_with_files(
        "import",
        &[],
        script,
        &[("people.csv", csv)],
        &["once.txt", "out.txt"],
    );
}

#[test]
fn line_endings_byte_order_marks_and_nul_bytes() {
    if !have_sqlite3() {
        return;
    }
    let cases = [
        "select 1;\r\nselect 'a\r\nb';\r\n.mode csv\r\nselect 2, 3;\r\n",
        "\u{feff}select 1;\nselect 2;",
        "select char(0), 'a' || char(0) || 'b';\nselect x'0041', 5;\n",
        "select 1\ngo\nselect 2\n  /  \nselect 'a\ngo\nb'\n/\n",
    ];
    for (i, input) in cases.iter().enumerate() {
        for mode in ["-list", "-json", "-box"] {
            compare(&format!("input{i}"), &[mode], input);
        }
    }
}

#[test]
fn read_runs_a_file_with_its_own_line_numbers() {
    if !have_sqlite3() {
        return;
    }
    let inner: &[u8] = b"select 1;\nselec 2;\nselect 3;\n.read missing.sql\n";
    let script = "select 0;\n.read inner.sql\nselect 4;\n.nullvalue\n.read\n\
                  .bail on\n.read inner.sql\nselect 5;\n";
    let theirs = compare_with_files("read", &[], script, &[("inner.sql", inner)], &[]);
    assert_eq!(theirs.status.code(), Some(1));
}

#[test]
fn show_and_escapes_in_options_and_dot_commands() {
    if !have_sqlite3() {
        return;
    }
    let args = [
        "-separator",
        r"\t",
        "-newline",
        r"\r\n",
        "-nullvalue",
        "x\"y",
        ":memory:",
        ".show",
        r".separator \t \n",
        ".show",
        r".nullvalue '\t'",
        ".mode ascii",
        ".show",
        r#".print \q|\x41|\101|\\|\"|a\"#,
        r#".print '\t' "\t" \t"#,
        ".mode insert t",
        ".output x.txt",
        ".show",
        ".output",
        "select 1, null",
    ];
    compare_with_files("show", &args, "", &[], &["x.txt"]);
}
