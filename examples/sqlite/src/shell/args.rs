//! The command line: `ctypes-sqlite [OPTIONS] [FILENAME [SQL...]]`, as sqlite3 reads it.

use super::settings::Settings;

/// What the command line asks for.
#[derive(Debug)]
pub enum Command {
    /// Run the shell.
    Run(Options),
    /// Print the help.
    Help,
    /// Print the versions.
    Version,
}

/// The shell's options.
#[derive(Debug, Default)]
pub struct Options {
    pub settings: Settings,
    /// The database file; `:memory:` when none is named.
    pub db: Option<String>,
    /// SQL and dot-commands after the file name, run in order instead of reading standard
    /// input; `-` reads standard input at that point.
    pub commands: Vec<String>,
    /// `-cmd` commands, run before anything else.
    pub init: Vec<String>,
    pub read_only: bool,
    /// `-interactive` / `-batch`: whether to show the prompt regardless of the terminal.
    pub interactive: Option<bool>,
}

/// The text of `-help`.
pub const HELP: &str = "\
Usage: ctypes-sqlite [OPTIONS] [FILENAME [SQL...]]
FILENAME is the name of an SQLite database, created if it does not exist
(default: a private in-memory database). Each SQL argument (SQL statements or
a dot-command) runs in turn; without any, SQL and dot-commands are read from
standard input, at a prompt when it is a terminal. `-` as an SQL argument
reads standard input at that point.
OPTIONS include:
   -ascii               set output mode to 'ascii'
   -bail                stop after hitting an error
   -batch               force batch I/O (no prompt)
   -box                 set output mode to 'box'
   -column              set output mode to 'column'
   -cmd COMMAND         run \"COMMAND\" before reading stdin
   -csv                 set output mode to 'csv'
   -db FILENAME         the database (the same as FILENAME)
   -[no]header          turn headers on or off
   -help                show this message
   -html                set output mode to HTML
   -interactive         force interactive I/O
   -json                set output mode to 'json'
   -line                set output mode to 'line'
   -list                set output mode to 'list' (the default)
   -markdown            set output mode to 'markdown'
   -newline SEP         set output row separator. Default: '\\n'
   -nullvalue TEXT      set text string for NULL values. Default ''
   -quote               set output mode to 'quote'
   -readonly            open the database read-only
   -separator SEP       set output column separator. Default: '|'
   -table               set output mode to 'table'
   -tabs                set output mode to 'tabs'
   -version             show the versions of this program and of libsqlite3
Rows are written as they are stepped; the table, box, markdown and column modes
hold each result set until its last row, to size the columns.
Options may start with one dash or two.";

/// Parses the arguments after the program name.
pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Command, String> {
    let mut options = Options::default();
    let mut args = args.into_iter();
    let mut positional = Vec::new();
    while let Some(arg) = args.next() {
        if arg == "--" {
            positional.extend(args.by_ref());
            break;
        }
        if arg == "-" || !arg.starts_with('-') || is_sql_comment(&arg) {
            positional.push(arg);
            continue;
        }
        let name = arg.trim_start_matches('-');
        let (name, inline) = match name.split_once('=') {
            Some((name, value)) if arg.starts_with("--") => (name, Some(value.to_owned())),
            _ => (name, None),
        };
        let mut value = |option: &str| -> Result<String, String> {
            match inline.clone().or_else(|| args.next()) {
                Some(value) => Ok(value),
                None => Err(format!("missing argument to -{option}")),
            }
        };
        let settings = &mut options.settings;
        match name {
            "help" | "h" => return Ok(Command::Help),
            "version" => return Ok(Command::Version),
            "bail" => settings.bail = true,
            "header" | "headers" => (settings.headers, settings.headers_set) = (true, true),
            "noheader" | "noheaders" => (settings.headers, settings.headers_set) = (false, true),
            // Taken as they are: sqlite3 resolves no escapes in these.
            "separator" => settings.column_separator = value(name)?.into_bytes(),
            "newline" => settings.row_separator = value(name)?.into_bytes(),
            "nullvalue" => settings.null_value = value(name)?.into_bytes(),
            "cmd" => options.init.push(value(name)?),
            "db" => options.db = Some(value(name)?),
            "readonly" => options.read_only = true,
            "interactive" => options.interactive = Some(true),
            "batch" => options.interactive = Some(false),
            mode if settings.set_mode_option(mode) => {}
            _ => return Err(format!("unknown option: {arg}")),
        }
    }
    let mut positional = positional.into_iter().peekable();
    if options.db.is_none() && positional.peek().is_some_and(|first| first != "-") {
        options.db = positional.next();
    }
    options.commands.extend(positional);
    Ok(Command::Run(options))
}

/// An argument that is SQL starting with a `--` comment rather than an option.
fn is_sql_comment(arg: &str) -> bool {
    arg.strip_prefix("--")
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(|c: char| c.is_whitespace()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str]) -> Options {
        match parse(args.iter().map(|a| a.to_string())) {
            Ok(Command::Run(options)) => options,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_first_argument_is_the_database_and_the_rest_sql() {
        let options = run(&["-csv", "db.sqlite", "select 1", "-header", "select 2"]);
        assert_eq!(options.db.as_deref(), Some("db.sqlite"));
        assert_eq!(options.commands, ["select 1", "select 2"]);
        assert!(options.settings.headers);
    }

    #[test]
    fn a_comment_is_sql_and_db_is_an_alias() {
        let options = run(&["--db", "x.db", "-- note\nselect 1"]);
        assert_eq!(options.db.as_deref(), Some("x.db"));
        assert_eq!(options.commands, ["-- note\nselect 1"]);
    }

    #[test]
    fn unknown_and_incomplete_options_are_errors() {
        let err = parse(["-frob".to_owned()]).unwrap_err();
        assert_eq!(err, "unknown option: -frob");
        let err = parse(["-separator".to_owned()]).unwrap_err();
        assert_eq!(err, "missing argument to -separator");
    }
}
