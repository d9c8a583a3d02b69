//! `ctypes-sqlite`: a shell for SQLite databases in the manner of `sqlite3`, running on
//! libsqlite3 loaded at run time.
//!
//! ```text
//! ctypes-sqlite [OPTIONS] [FILENAME [SQL...]]
//! ```
//!
//! See `ctypes-sqlite -help` and `.help`.

mod shell;

use std::io::{self, IsTerminal};
use std::process::ExitCode;

use ctypes_sqlite::Connection;

use shell::{Command, Ended, Origin, Shell};

fn main() -> ExitCode {
    // Like a C program: a closed pipe (`| head`) ends the program at once, quietly.
    #[cfg(unix)]
    // SAFETY: restores the default action of SIGPIPE before any other thread exists.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL)
    };
    let options = match shell::parse(std::env::args().skip(1)) {
        Ok(Command::Run(options)) => options,
        Ok(Command::Help) => {
            println!("{}", shell::HELP);
            return ExitCode::SUCCESS;
        }
        Ok(Command::Version) => return version(),
        Err(message) => {
            eprintln!("ctypes-sqlite: Error: {message}\nUse -help for a list of options.");
            return ExitCode::FAILURE;
        }
    };
    let db = options.db.clone().unwrap_or_else(|| ":memory:".to_owned());
    if let Err(e) = ctypes_sqlite::library_version() {
        eprintln!("Error: {e}");
        return ExitCode::FAILURE;
    }
    let conn = if options.read_only {
        Connection::open_read_only(&db)
    } else {
        Connection::open(&db)
    };
    let conn = match conn {
        Ok(conn) => conn,
        Err(e) => {
            let message = e
                .sqlite_message()
                .map_or_else(|| e.to_string(), str::to_owned);
            eprintln!("Error: unable to open database \"{db}\": {message}");
            return ExitCode::FAILURE;
        }
    };
    let stdin_is_terminal = io::stdin().is_terminal();
    let interactive = options
        .interactive
        .unwrap_or(stdin_is_terminal && options.commands.is_empty());
    let mut shell = Shell::new(conn, options.settings, db, interactive);
    let code = run(&mut shell, &options.init, &options.commands);
    let flushed = shell.flush();
    match (code, flushed) {
        (0, Err(e)) => {
            eprintln!("Error: cannot write the output: {e}");
            ExitCode::FAILURE
        }
        // As C's exit(): the low byte.
        (code, _) => ExitCode::from(code as u8),
    }
}

/// Runs the `-cmd` commands, then the SQL arguments or standard input; the exit status.
fn run(shell: &mut Shell, init: &[String], commands: &[String]) -> i32 {
    for command in init {
        let ok = run_argument(shell, command).is_ok();
        if let Some(code) = shell.exit {
            return code;
        }
        if !ok && shell.bails() {
            return 1;
        }
    }
    if commands.is_empty() {
        return read_stdin(shell);
    }
    for command in commands {
        if command == "-" {
            let code = read_stdin(shell);
            if code != 0 || shell.exit.is_some() {
                return code;
            }
            continue;
        }
        if let Err(code) = run_argument(shell, command) {
            // sqlite3 stops at the first failing argument, with its result code.
            return code;
        }
        if let Some(code) = shell.exit {
            return code;
        }
    }
    0
}

/// One command-line argument: a dot-command, or SQL.
fn run_argument(shell: &mut Shell, command: &str) -> Result<(), i32> {
    if command.starts_with('.') {
        return if shell.run_dot(command) {
            Ok(())
        } else {
            Err(1)
        };
    }
    shell
        .run_sql(command.as_bytes(), Origin::Argument)
        .map_err(|shell::Failed(code)| code)
}

fn read_stdin(shell: &mut Shell) -> i32 {
    let ended = if shell.is_interactive() {
        println!(
            "ctypes-sqlite {} (SQLite {})\nEnter \".help\" for usage hints.",
            env!("CARGO_PKG_VERSION"),
            ctypes_sqlite::library_version().unwrap_or_default()
        );
        if shell.database() == ":memory:" {
            println!("Connected to a transient in-memory database.");
        }
        shell::run_prompt(shell)
    } else {
        shell.run_script(&mut io::stdin().lock())
    };
    match ended {
        Ended::Quit => shell.exit.unwrap_or(0),
        _ if shell.errors > 0 => 1,
        _ => 0,
    }
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
            eprintln!("Error: {e}");
            ExitCode::FAILURE
        }
    }
}
