//! Dot-commands: `.mode`, `.headers`, `.tables`, `.read`, … (`.dump` and `.import` have their
//! own files).

use std::fs::File;
use std::io::BufReader;

use ctypes_sqlite::Statement;

use super::settings::{unescape, MODE_NAMES};
use super::{Ended, Shell};

/// The commands, in the order a shortened name is matched against them.
const COMMANDS: &[(&str, &str)] = &[
    (".bail on|off", "stop after hitting an error"),
    (
        ".changes on|off",
        "show the number of rows changed by each statement",
    ),
    (
        ".dump ?PATTERN?",
        "write the database (or the tables matching PATTERN) as SQL",
    ),
    (".exit ?CODE?", "exit this program with status CODE"),
    (".headers on|off", "turn the display of headers on or off"),
    (".help", "show this message"),
    (
        ".import FILE TABLE",
        "import CSV data from FILE into TABLE (options: --csv, --skip N)",
    ),
    (".indexes ?TABLE?", "show the names of indexes"),
    (
        ".mode MODE ?TABLE?",
        "set the output mode: box csv json line list markdown quote table tabs",
    ),
    (".nullvalue STRING", "use STRING in place of NULL values"),
    (
        ".once FILE",
        "write the output of the next command or SQL to FILE",
    ),
    (
        ".output ?FILE?",
        "send output to FILE, or to stdout without one",
    ),
    (".print STRING...", "print the literal STRING"),
    (".quit", "exit this program"),
    (".read FILE", "read input from FILE"),
    (
        ".schema ?PATTERN?",
        "show the CREATE statements matching PATTERN",
    ),
    (
        ".separator COL ?ROW?",
        "change the column and row separators",
    ),
    (".show", "show the current values of the settings"),
    (
        ".tables ?PATTERN?",
        "list the names of tables and views matching PATTERN",
    ),
    (
        ".timer on|off",
        "turn the timer for each statement on or off",
    ),
];

/// The words of a dot-command line: split at whitespace; `'…'` taken as it is, `"…"` and
/// unquoted words with their backslash escapes resolved.
pub fn words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut chars = line.trim_start_matches('.').chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        let Some(&first) = chars.peek() else { break };
        let mut word = String::new();
        if first == '\'' || first == '"' {
            chars.next();
            let mut escaped = false;
            for c in chars.by_ref() {
                if first == '"' && c == '\\' && !escaped {
                    escaped = true;
                    word.push(c);
                    continue;
                }
                if c == first && !escaped {
                    break;
                }
                escaped = false;
                word.push(c);
            }
            if first == '"' {
                word = String::from_utf8_lossy(&unescape(&word)).into_owned();
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() {
                    break;
                }
                word.push(c);
                chars.next();
            }
            word = String::from_utf8_lossy(&unescape(&word)).into_owned();
        }
        words.push(word);
    }
    words
}

/// sqlite3's reading of a boolean argument; anything else is reported and taken as "no".
fn boolean(word: &str) -> bool {
    match word.to_ascii_lowercase().as_str() {
        "on" | "yes" | "true" => true,
        "off" | "no" | "false" => false,
        number if number.parse::<i64>().is_ok() => number != "0",
        _ => {
            eprintln!("ERROR: Not a boolean value: \"{word}\". Assuming \"no\".");
            false
        }
    }
}

/// The full name of the command `typed` names: the name itself, an alias (`header`,
/// `indices`), or the first name (in `COMMANDS` order) it starts, if at least three letters.
fn command_name(typed: &str) -> Option<&'static str> {
    match typed {
        "header" => return Some("headers"),
        "indices" => return Some("indexes"),
        _ => {}
    }
    let mut names = COMMANDS
        .iter()
        .filter_map(|(usage, _)| usage[1..].split_whitespace().next());
    if let Some(exact) = names.clone().find(|&n| n == typed) {
        return Some(exact);
    }
    if typed.len() >= 3 {
        return names.find(|n| n.starts_with(typed));
    }
    None
}

impl Shell {
    /// Runs one dot-command; `false` if it failed.
    pub fn run_dot(&mut self, line: &str) -> bool {
        self.flush_for_message();
        let args = words(line);
        let Some(typed) = args.first() else {
            return true;
        };
        let Some(name) = command_name(typed) else {
            return self.unknown(typed);
        };
        let arg = |i: usize| args.get(i).map(String::as_str);
        match (name, args.len()) {
            ("bail", 2) => self.settings.bail = boolean(&args[1]),
            ("changes", 2) => self.settings.changes = boolean(&args[1]),
            ("headers", 2) => {
                self.settings.headers = boolean(&args[1]);
                self.settings.headers_set = true;
            }
            ("timer", 2) => self.settings.timer = boolean(&args[1]),
            ("dump", _) => return self.dump(arg(1)),
            ("exit" | "quit", _) => {
                self.exit = Some(arg(1).and_then(|c| c.parse().ok()).unwrap_or(0));
            }
            ("help", _) => {
                let mut text = String::new();
                for (usage, what) in COMMANDS {
                    text.push_str(&format!("{usage:<22}{what}\n"));
                }
                self.write(text.as_bytes());
            }
            ("import", _) => return self.import(&args[1..]),
            ("indexes", 1 | 2) => {
                return self.list_names(
                    "SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name LIKE ?1 \
                     ORDER BY 1",
                    arg(1).unwrap_or("%"),
                );
            }
            ("mode", 1) => {
                let line = format!("current output mode: {}\n", self.settings.mode.name());
                self.write(line.as_bytes());
            }
            ("mode", 3) if args[1] == "insert" => {
                self.settings.set_mode("insert");
                self.settings.insert_table = args[2].clone();
            }
            ("mode", 2) => {
                if !self.settings.set_mode(&args[1]) {
                    eprintln!("Error: mode should be one of: {MODE_NAMES}");
                    return false;
                }
            }
            ("nullvalue", 2) => self.settings.null_value = args[1].clone().into_bytes(),
            ("once", 2) | ("output", 2) => {
                if self.out.redirect(&args[1], name == "once").is_err() {
                    eprintln!("Error: cannot open \"{}\"", args[1]);
                    eprintln!("Error: cannot write to \"{}\"", args[1]);
                    return false;
                }
                self.once_starting = name == "once";
            }
            ("output", 1) => {
                if let Err(e) = self.out.reset() {
                    eprintln!("Error: cannot write the output: {e}");
                    return false;
                }
            }
            ("print", _) => {
                let line = format!("{}\n", args[1..].join(" "));
                self.write(line.as_bytes());
            }
            ("read", 2) => return self.read_file(&args[1]),
            ("schema", 1 | 2) => return self.schema(arg(1)),
            ("separator", 2 | 3) => {
                self.settings.column_separator = args[1].clone().into_bytes();
                if let Some(row) = arg(2) {
                    self.settings.row_separator = row.as_bytes().to_vec();
                }
            }
            ("show", 1) => {
                let text = self.settings.show(self.out.name(), &self.db_name);
                self.write(text.as_bytes());
            }
            ("tables", 1 | 2) => {
                return self.list_names(
                    "SELECT name FROM sqlite_schema WHERE type IN ('table', 'view') \
                     AND name NOT LIKE 'sqlite_%' AND name LIKE ?1 ORDER BY 1",
                    arg(1).unwrap_or("%"),
                );
            }
            (name, _) => {
                let usage = COMMANDS
                    .iter()
                    .find(|(usage, _)| usage[1..].split_whitespace().next() == Some(name))
                    .map_or(name, |(usage, _)| usage);
                eprintln!("Usage: {usage}");
                return false;
            }
        }
        true
    }

    fn unknown(&mut self, typed: &str) -> bool {
        eprintln!(
            "Error: unknown command or invalid arguments:  \"{typed}\". Enter \".help\" for help"
        );
        false
    }

    fn read_file(&mut self, path: &str) -> bool {
        let file = match File::open(path) {
            Ok(file) => file,
            Err(_) => {
                eprintln!("Error: cannot open \"{path}\"");
                return false;
            }
        };
        let errors = self.errors;
        let ended = self.run_script(&mut BufReader::new(file));
        ended != Ended::Bailed && self.errors == errors
    }

    /// Runs a query of names with one pattern parameter and lists them in columns, as
    /// `.tables` does.
    fn list_names(&mut self, sql: &str, pattern: &str) -> bool {
        let names = match self.names(sql, &[pattern]) {
            Ok(names) => names,
            Err(e) => {
                eprintln!("Error: {}", e.sqlite_message().unwrap_or(&e.to_string()));
                return false;
            }
        };
        if names.is_empty() {
            return true;
        }
        let width = names.iter().map(|n| n.chars().count()).max().unwrap_or(0);
        let columns = (80 / (width + 2)).max(1);
        let rows = names.len().div_ceil(columns);
        let mut text = String::new();
        for i in 0..rows {
            let mut j = i;
            while j < names.len() {
                if j >= rows {
                    text.push_str("  ");
                }
                let name = &names[j];
                text.push_str(name);
                text.push_str(&" ".repeat(width - name.chars().count()));
                j += rows;
            }
            text.push('\n');
        }
        self.write(text.as_bytes());
        true
    }

    /// The first column of every row of `sql`, run with text parameters.
    pub fn names(&self, sql: &str, params: &[&str]) -> ctypes_sqlite::Result<Vec<String>> {
        let mut statement: Statement<'_> = self.conn.prepare(sql)?;
        for (i, p) in params.iter().enumerate() {
            statement.bind(i + 1, *p)?;
        }
        let mut rows = statement.rows();
        let mut names = Vec::new();
        while let Some(row) = rows.next()? {
            let text = row.get_text(0)?.unwrap_or_default();
            names.push(String::from_utf8_lossy(text).into_owned());
        }
        Ok(names)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_split_like_sqlite3() {
        assert_eq!(words(".separator ',' \"\\t\""), ["separator", ",", "\t"]);
        assert_eq!(words(".print  a   'b c'"), ["print", "a", "b c"]);
    }

    #[test]
    fn shortened_names_find_their_command() {
        assert_eq!(command_name("head"), Some("headers"));
        assert_eq!(command_name("header"), Some("headers"));
        assert_eq!(command_name("hel"), Some("help"));
        assert_eq!(command_name("he"), None);
        assert_eq!(command_name("frob"), None);
    }
}
