//! Running a chunk of SQL: each statement prepared in place from the tail of the one before,
//! its rows written as they are stepped, errors reported as sqlite3 reports them.

use std::io::Write;
use std::time::Instant;

use ctypes_sqlite::{Error, SqlBuffer, Statement};

use super::render::{Failure, Printer};
use super::settings::Settings;
use super::Shell;

/// `SQLITE_INTERRUPT`.
const INTERRUPT: i32 = 9;

/// Where SQL came from, which decides how its errors are worded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// A command-line argument: `Error: in prepare, …`.
    Argument,
    /// A script or piped input: `Parse error near line N: …`.
    Script { line: usize },
    /// Typed at the prompt: `Parse error: …`.
    Prompt,
}

/// A failed statement: sqlite's primary result code, already reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Failed(pub i32);

impl Shell {
    /// Runs every statement of `sql` until one fails; the rest of the chunk is then skipped,
    /// as sqlite3 does.
    pub fn run_sql(&mut self, sql: &[u8], origin: Origin) -> Result<(), Failed> {
        let buffer = match SqlBuffer::new(sql) {
            Ok(buffer) => buffer,
            Err(e) => {
                self.report(origin, Stage::Prepare, &e, None);
                return Err(Failed(1));
            }
        };
        let bytes = buffer.as_bytes();
        let mut position = skip_space(bytes, 0);
        while position < bytes.len() {
            if super::interrupt::interrupted() {
                // Ctrl-C came between two statements: the next one does not start.
                let e = Error::Sqlite {
                    code: INTERRUPT,
                    message: "interrupted".to_owned(),
                };
                self.report(origin, Stage::Step, &e, None);
                return Err(Failed(INTERRUPT));
            }
            let started = Instant::now();
            let times = self.settings.timer.then(super::timer::cpu_times);
            let mut tail = bytes.len();
            let mut ran = false;
            let outcome = match self.conn.prepare_at(&buffer, position) {
                Err(e) => {
                    let context = self
                        .conn
                        .error_offset()
                        .map(|offset| error_context(&bytes[position..], offset));
                    Err((Stage::Prepare, Failure::Sql(e), context))
                }
                Ok(prepared) => {
                    tail = prepared.tail;
                    match prepared.statement {
                        Some(mut statement) => {
                            ran = true;
                            step(&mut statement, &self.settings, &mut self.out)
                                .map_err(|failure| (Stage::Step, failure, None))
                        }
                        None => Ok(()),
                    }
                }
            };
            match outcome {
                Ok(()) => {}
                Err((stage, Failure::Sql(e), context)) => {
                    self.report(origin, stage, &e, context);
                    return Err(Failed(e.primary_code().unwrap_or(1)));
                }
                Err((_, Failure::Io(e), _)) => {
                    eprintln!("Error: cannot write the output: {e}");
                    return Err(Failed(1));
                }
            }
            if ran && self.interactive {
                // At the prompt each statement's rows show as soon as it ends.
                let _ = self.out.flush();
            }
            if ran && self.settings.changes {
                let line = format!(
                    "changes: {}   total_changes: {}\n",
                    self.conn.changes(),
                    self.conn.total_changes()
                );
                self.write(line.as_bytes());
            }
            if let (true, Some(before)) = (ran, times) {
                let line = super::timer::report(started, before);
                self.write(line.as_bytes());
            }
            if tail <= position {
                break;
            }
            position = skip_space(bytes, tail);
        }
        Ok(())
    }

    /// Writes sqlite3's message for a failed statement to standard error.
    fn report(&mut self, origin: Origin, stage: Stage, error: &Error, context: Option<String>) {
        let mut message = match error.sqlite_message() {
            Some(text) => text.to_owned(),
            None => error.to_string(),
        };
        if let Some(code) = error.primary_code().filter(|&code| code > 1) {
            message.push_str(&format!(" ({code})"));
        }
        if let Some(context) = context {
            message.push_str(&context);
        }
        let prefix = match (origin, stage) {
            (Origin::Argument, Stage::Prepare) => "Error: in prepare,".to_owned(),
            (Origin::Argument, Stage::Step) => "Error: stepping,".to_owned(),
            (Origin::Script { line }, stage) => format!("{} near line {line}:", stage.name()),
            (Origin::Prompt, stage) => format!("{}:", stage.name()),
        };
        self.flush_for_message();
        eprintln!("{prefix} {message}");
    }
}

/// Steps a statement to its end, writing its rows.
fn step(
    statement: &mut Statement<'_>,
    settings: &Settings,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    if statement.explain_kind() == 2 {
        return query_plan(statement, out);
    }
    let mut printer = Printer::new(settings, statement.column_names());
    let mut rows = statement.rows();
    let stepped = loop {
        match rows.next() {
            Ok(Some(row)) => printer.row(&row, out)?,
            Ok(None) => break Ok(()),
            Err(e) => break Err(Failure::Sql(e)),
        }
    };
    // What was stepped before an error is still written, as sqlite3 does.
    let finished = printer.finish(out);
    stepped?;
    Ok(finished?)
}

/// `EXPLAIN QUERY PLAN`, drawn as a tree in every mode, as sqlite3 does.
fn query_plan(statement: &mut Statement<'_>, out: &mut dyn Write) -> Result<(), Failure> {
    let mut nodes = Vec::new();
    let mut rows = statement.rows();
    while let Some(row) = rows.next()? {
        let detail = row.get_text(3)?.unwrap_or_default().to_vec();
        nodes.push((row.get::<i64>(0)?, row.get::<i64>(1)?, detail));
    }
    if nodes.is_empty() {
        return Ok(());
    }
    out.write_all(b"QUERY PLAN\n")?;
    draw_plan(&nodes, 0, &mut String::new(), out)?;
    Ok(())
}

fn draw_plan(
    nodes: &[(i64, i64, Vec<u8>)],
    parent: i64,
    prefix: &mut String,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let children: Vec<_> = nodes.iter().filter(|(_, p, _)| *p == parent).collect();
    for (i, (id, _, detail)) in children.iter().enumerate() {
        let last = i + 1 == children.len();
        out.write_all(prefix.as_bytes())?;
        out.write_all(if last { b"`--" } else { b"|--" })?;
        out.write_all(detail)?;
        out.write_all(b"\n")?;
        let len = prefix.len();
        prefix.push_str(if last { "   " } else { "|  " });
        draw_plan(nodes, *id, prefix, out)?;
        prefix.truncate(len);
    }
    Ok(())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    Prepare,
    Step,
}

impl Stage {
    fn name(self) -> &'static str {
        match self {
            Stage::Prepare => "Parse error",
            Stage::Step => "Runtime error",
        }
    }
}

fn skip_space(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() && bytes[i].is_ascii_whitespace() {
        i += 1;
    }
    i
}

/// The lines sqlite3 adds under a syntax error: up to 78 bytes of the statement around the
/// error, whitespace shown as spaces, and a mark under the byte sqlite points at.
fn error_context(sql: &[u8], offset: usize) -> String {
    let mut offset = offset.min(sql.len());
    let mut start = 0;
    // Keep the error within the first 50 bytes shown, starting on a character boundary.
    while offset > 50 {
        offset -= 1;
        start += 1;
        while start < sql.len() && sql[start] & 0xc0 == 0x80 {
            start += 1;
            offset = offset.saturating_sub(1);
        }
    }
    let rest = &sql[start.min(sql.len())..];
    let mut len = rest.len();
    if len > 78 {
        len = 78;
        while len > 0 && rest[len] & 0xc0 == 0x80 {
            len -= 1;
        }
    }
    let code: Vec<u8> = rest[..len]
        .iter()
        .map(|&b| if b.is_ascii_whitespace() { b' ' } else { b })
        .collect();
    let code = String::from_utf8_lossy(&code);
    if offset < 25 {
        format!("\n  {code}\n  {}^--- error here", " ".repeat(offset))
    } else {
        format!("\n  {code}\n  {}error here ---^", " ".repeat(offset - 14))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mark_points_at_the_error() {
        assert_eq!(
            error_context(b"select ;", 7),
            "\n  select ;\n         ^--- error here"
        );
        let long = error_context(b"select 1 from (select 2, 3, 4) where xyz = 1 and abc;", 37);
        assert!(long.ends_with(&format!("\n  {}error here ---^", " ".repeat(23))));
    }
}
