//! `ctypes-sqlite`: runs SQL against a database through libsqlite3 loaded at run time, and
//! prints each query's rows as an aligned table.
//!
//! ```text
//! ctypes-sqlite [--db PATH] [SQL ...]
//! ```
//!
//! Each argument is a batch of SQL statements; with none, the batch is read from standard input.
//! The database is a private in-memory one unless `--db` names a file.

use std::fmt::Write as _;
use std::io::{self, Read, Write};
use std::process::ExitCode;

use ctypes_sqlite::{Connection, Error, Statement, ValueRef};

const USAGE: &str = "\
usage: ctypes-sqlite [--db PATH] [SQL ...]
       ctypes-sqlite --version

Runs each SQL argument (or, with none, standard input) against the database at PATH
(default: a private in-memory database) and prints every query's rows as a table.

options:
  --db PATH    the database file, created if missing (`:memory:` for none)
  --version    print the versions of this program and of the libsqlite3 it loads
  -h, --help   print this help";

fn main() -> ExitCode {
    let mut db = String::from(":memory:");
    let mut batches = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            "--version" => return version(),
            "--db" => match args.next() {
                Some(path) => db = path,
                None => return usage_error("`--db` needs a path"),
            },
            "--" => batches.extend(args.by_ref()),
            flag if flag.starts_with("--db=") => db = flag["--db=".len()..].to_owned(),
            flag if flag.starts_with("--") => {
                return usage_error(&format!("unknown option `{flag}`"))
            }
            _ => batches.push(arg),
        }
    }
    if batches.is_empty() {
        let mut input = String::new();
        if let Err(e) = io::stdin().read_to_string(&mut input) {
            eprintln!("ctypes-sqlite: cannot read SQL from standard input: {e}");
            return ExitCode::from(2);
        }
        batches.push(input);
    }
    let conn = match Connection::open(&db) {
        Ok(conn) => conn,
        Err(e) => {
            eprintln!("ctypes-sqlite: cannot open `{db}`: {e}");
            return ExitCode::from(2);
        }
    };
    let mut out = io::stdout().lock();
    let mut printed = false;
    for batch in &batches {
        if let Err(e) = run(&conn, batch, &mut out, &mut printed) {
            let _ = out.flush();
            report(&e);
            return ExitCode::FAILURE;
        }
    }
    match out.flush() {
        Ok(()) => ExitCode::SUCCESS,
        Err(_) => ExitCode::FAILURE,
    }
}

fn usage_error(message: &str) -> ExitCode {
    eprintln!("ctypes-sqlite: {message}\n\n{USAGE}");
    ExitCode::from(2)
}

fn version() -> ExitCode {
    match (
        ctypes_sqlite::library_version(),
        ctypes_sqlite::library_file(),
    ) {
        (Ok(version), Ok(file)) => {
            println!(
                "ctypes-sqlite {} (SQLite {version}, loaded from {file})",
                env!("CARGO_PKG_VERSION")
            );
            ExitCode::SUCCESS
        }
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("ctypes-sqlite: {e}");
            ExitCode::from(2)
        }
    }
}

/// sqlite's own message for its errors; this crate's for the rest.
fn report(error: &Error) {
    match error.sqlite_message() {
        Some(message) => eprintln!("Error: {message}"),
        None => eprintln!("Error: {error}"),
    }
}

/// Runs every statement of `sql`, printing the rows of those that return any columns.
fn run(
    conn: &Connection,
    sql: &str,
    out: &mut impl Write,
    printed: &mut bool,
) -> Result<(), Error> {
    for statement in conn.statements(sql) {
        let mut statement = statement?;
        if statement.column_count() == 0 {
            statement.execute(&[])?;
            continue;
        }
        let table = collect(&mut statement)?;
        if *printed {
            let _ = writeln!(out);
        }
        let _ = out.write_all(table.render().as_bytes());
        *printed = true;
    }
    Ok(())
}

/// A result table: column names, and every cell as text with its alignment.
struct Table {
    names: Vec<String>,
    rows: Vec<Vec<(String, bool)>>,
}

fn collect(statement: &mut Statement<'_>) -> Result<Table, Error> {
    let names = statement.column_names();
    let mut rows = Vec::new();
    let mut query = statement.query(&[])?;
    while let Some(row) = query.next()? {
        let mut cells = Vec::with_capacity(row.len());
        for i in 0..row.len() {
            let cell = match row.get_ref(i) {
                Ok(value) => cell(value),
                // Text that is not UTF-8: show it anyway.
                Err(Error::Utf8 { .. }) => (
                    String::from_utf8_lossy(&row.get_bytes(i)?.unwrap_or_default()).into_owned(),
                    false,
                ),
                Err(e) => return Err(e),
            };
            cells.push(cell);
        }
        rows.push(cells);
    }
    Ok(Table { names, rows })
}

/// A value as text, and whether it is a number (aligned right).
fn cell(value: ValueRef<'_>) -> (String, bool) {
    match value {
        ValueRef::Null => ("NULL".to_owned(), false),
        ValueRef::Integer(i) => (i.to_string(), true),
        ValueRef::Real(r) => (real(r), true),
        ValueRef::Text(t) => (t.replace(['\n', '\r', '\t'], " "), false),
        ValueRef::Blob(b) => {
            let mut hex = String::with_capacity(3 + 2 * b.len());
            hex.push_str("x'");
            for byte in b {
                let _ = write!(hex, "{byte:02x}");
            }
            hex.push('\'');
            (hex, false)
        }
    }
}

/// A float as sqlite's shell prints it (`%!.15g`): 15 significant digits, always with a decimal
/// point or an exponent.
fn real(r: f64) -> String {
    if r.is_nan() {
        return "NaN".to_owned();
    }
    if r.is_infinite() {
        return if r > 0.0 { "Inf" } else { "-Inf" }.to_owned();
    }
    if r == 0.0 {
        return "0.0".to_owned();
    }
    // The exponent of the value rounded to 15 significant digits.
    let scientific = format!("{r:.14e}");
    let (mantissa, exponent) = scientific.split_once('e').unwrap_or((&scientific, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    if !(-4..15).contains(&exponent) {
        let mantissa = trim_zeros(mantissa);
        let sign = if exponent < 0 { '-' } else { '+' };
        format!("{mantissa}e{sign}{:02}", exponent.abs())
    } else {
        let decimals = (14 - exponent).max(0) as usize;
        trim_zeros(&format!("{r:.decimals$}")).to_owned()
    }
}

/// `1.2500` → `1.25`, `2.000` → `2.0`.
fn trim_zeros(number: &str) -> String {
    if !number.contains('.') {
        return format!("{number}.0");
    }
    let trimmed = number.trim_end_matches('0');
    if trimmed.ends_with('.') {
        format!("{trimmed}0")
    } else {
        trimmed.to_owned()
    }
}

impl Table {
    fn render(&self) -> String {
        let mut widths: Vec<usize> = self
            .names
            .iter()
            .map(|n| n.chars().count().max(1))
            .collect();
        for row in &self.rows {
            for (width, (text, _)) in widths.iter_mut().zip(row) {
                *width = (*width).max(text.chars().count());
            }
        }
        let mut text = String::new();
        let line = |text: &mut String, cells: &mut dyn Iterator<Item = (&str, bool)>| {
            let mut line = String::new();
            for (i, ((cell, right), width)) in cells.zip(&widths).enumerate() {
                if i > 0 {
                    line.push_str("  ");
                }
                let pad = width - cell.chars().count();
                if right {
                    line.extend(std::iter::repeat_n(' ', pad));
                    line.push_str(cell);
                } else {
                    line.push_str(cell);
                    line.extend(std::iter::repeat_n(' ', pad));
                }
            }
            text.push_str(line.trim_end());
            text.push('\n');
        };
        line(
            &mut text,
            &mut self.names.iter().map(|n| (n.as_str(), false)),
        );
        let rules: Vec<String> = widths.iter().map(|&w| "-".repeat(w)).collect();
        line(&mut text, &mut rules.iter().map(|r| (r.as_str(), false)));
        for row in &self.rows {
            line(
                &mut text,
                &mut row.iter().map(|(c, right)| (c.as_str(), *right)),
            );
        }
        text
    }
}
