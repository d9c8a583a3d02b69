//! The shell: settings, the output, and the loop that reads lines and runs what they hold.

mod args;
mod columnar;
mod dot;
mod dump;
mod exec;
mod format;
mod import;
mod input;
mod interactive;
mod interrupt;
mod output;
mod render;
mod settings;
mod timer;

use std::io::{self, BufRead, Write};

use ctypes_sqlite::Connection;

pub use args::{parse, Command, HELP};
pub use exec::{Failed, Origin};
use input::{is_blank, trim_line_end, Chunk};
pub use interactive::run_prompt;
pub use interrupt::watch_interrupts;
use output::Output;
use settings::Settings;

/// The state of a running shell.
#[derive(Debug)]
pub struct Shell {
    conn: Connection,
    settings: Settings,
    out: Output,
    /// The database file named on the command line (`:memory:` for none).
    db_name: String,
    /// Whether standard input is a terminal and the prompt is shown.
    interactive: bool,
    /// Errors so far in scripts and at the prompt (the exit status is 1 if any).
    pub errors: usize,
    /// Set by `.quit` and `.exit`: stop reading and exit with this status.
    pub exit: Option<i32>,
    /// Set by `.once`, so that the output it opens lasts through the next command.
    once_starting: bool,
}

/// How reading a script ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// At the end of the input.
    Eof,
    /// At an error, with `.bail on`.
    Bailed,
    /// At `.quit` or `.exit`.
    Quit,
}

impl Shell {
    pub fn new(conn: Connection, settings: Settings, db_name: String, interactive: bool) -> Shell {
        Shell {
            conn,
            settings,
            out: Output::stdout(),
            db_name,
            interactive,
            errors: 0,
            exit: None,
            once_starting: false,
        }
    }

    /// Whether the prompt is shown.
    pub fn is_interactive(&self) -> bool {
        self.interactive
    }

    /// The database's file name, `:memory:` for none.
    pub fn database(&self) -> &str {
        &self.db_name
    }

    /// Whether `.bail on` (or `-bail`) is set.
    pub fn bails(&self) -> bool {
        self.settings.bail
    }

    /// The connection.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    /// Reads a script (a file, or standard input that is not a terminal) line by line,
    /// running dot-commands and SQL as each is complete.
    pub fn run_script(&mut self, input: &mut dyn BufRead) -> Ended {
        let mut chunk = Chunk::default();
        let mut line_number = 0;
        let mut line = Vec::new();
        let errors_before = self.errors;
        loop {
            // As in sqlite3, `.bail on` stops a script that has already failed, and Ctrl-C
            // (at the prompt, during `.read`) stops reading it.
            if self.settings.bail && self.errors > errors_before {
                return Ended::Bailed;
            }
            if interrupt::interrupted() {
                self.errors += 1;
                return Ended::Bailed;
            }
            line.clear();
            match input.read_until(b'\n', &mut line) {
                Ok(0) => break,
                Ok(_) => {}
                Err(e) => {
                    eprintln!("Error: cannot read the input: {e}");
                    self.errors += 1;
                    break;
                }
            }
            line_number += 1;
            let text = trim_line_end(&line);
            if let Some(ended) = self.take_line(&mut chunk, text, line_number, false) {
                return ended;
            }
        }
        self.finish_chunk(&mut chunk, false)
    }

    /// Handles one line of input (`prompt`: typed at the prompt, so errors carry no line
    /// number); `Some` when reading should stop.
    pub fn take_line(
        &mut self,
        chunk: &mut Chunk,
        text: &[u8],
        line_number: usize,
        prompt: bool,
    ) -> Option<Ended> {
        if chunk.is_empty() {
            if text.first() == Some(&b'.') {
                let ok = self.run_dot(&String::from_utf8_lossy(text));
                return self.after(ok);
            }
            if text.first() == Some(&b'#') || is_blank(text) {
                return None;
            }
        }
        // A line of only `GO` or `/` ends the statement being typed, as `;` would (unless it
        // is inside a string or comment).
        let trimmed = text.trim_ascii();
        let terminator = trimmed == b"/" || trimmed.eq_ignore_ascii_case(b"go");
        let text = if terminator && chunk.is_completed_by_semicolon() {
            b";".as_slice()
        } else {
            text
        };
        if chunk.push_line(text, line_number) {
            return self.run_chunk(chunk, prompt);
        }
        None
    }

    /// Runs what is left at the end of the input, unless it is only whitespace and comments.
    pub fn finish_chunk(&mut self, chunk: &mut Chunk, prompt: bool) -> Ended {
        if !chunk.is_empty() && !is_blank(chunk.sql()) {
            if let Some(ended) = self.run_chunk(chunk, prompt) {
                return ended;
            }
        }
        chunk.take();
        Ended::Eof
    }

    fn run_chunk(&mut self, chunk: &mut Chunk, prompt: bool) -> Option<Ended> {
        let origin = if prompt {
            Origin::Prompt
        } else {
            Origin::Script {
                line: chunk.start_line,
            }
        };
        let sql = chunk.take();
        let ok = self.run_sql(&sql, origin).is_ok();
        self.after(ok)
    }

    /// Ends a `.once` after the command or SQL that followed it.
    pub fn end_command(&mut self) {
        if self.once_starting {
            self.once_starting = false;
        } else if self.out.once {
            if let Err(e) = self.out.reset() {
                eprintln!("Error: cannot write the output: {e}");
            }
        }
    }

    /// Counts an error, ends a `.once`, flushes at the prompt; says whether to stop.
    fn after(&mut self, ok: bool) -> Option<Ended> {
        self.end_command();
        if self.interactive {
            let _ = self.out.flush();
        }
        if self.exit.is_some() {
            return Some(Ended::Quit);
        }
        if !ok {
            self.errors += 1;
            if self.settings.bail {
                return Some(Ended::Bailed);
            }
        }
        None
    }

    /// Writes shell text (not a result row) to the output.
    fn write(&mut self, bytes: &[u8]) {
        if let Err(e) = self.out.write_all(bytes) {
            eprintln!("Error: cannot write the output: {e}");
        }
    }

    /// Results are flushed before an error is shown, so that on a terminal (or with both
    /// streams in one file) they appear in the order they happened.
    fn flush_for_message(&mut self) {
        let _ = self.out.flush();
    }

    /// Flushes the output; an error writing it is reported and makes the exit status 1.
    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}
