//! Input read line by line and cut into what the shell runs: dot-commands (a line starting
//! with `.`) and chunks of SQL that end, at the end of a line, with a complete statement.

use std::ffi::CString;

/// Where scanning a chunk stands at the end of a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum State {
    #[default]
    Code,
    /// Inside a string or quoted identifier closed by this byte.
    Quoted(u8),
    /// Inside `/* … */`.
    Comment,
}

/// SQL collected from lines until it ends with a complete statement.
#[derive(Debug, Default)]
pub struct Chunk {
    sql: Vec<u8>,
    state: State,
    // Whether the last token outside strings and comments is `;`: the cheap test run on every
    // line; sqlite3_complete (which knows about trigger bodies) confirms it.
    ends_with_semicolon: bool,
    /// The line the chunk started on (1-based).
    pub start_line: usize,
}

impl Chunk {
    /// Whether no SQL has been collected.
    pub fn is_empty(&self) -> bool {
        self.sql.is_empty()
    }

    /// The SQL collected.
    pub fn sql(&self) -> &[u8] {
        &self.sql
    }

    /// Adds a line (without its line ending); the first line's leading whitespace is
    /// dropped. Returns whether the chunk now ends with a complete statement.
    pub fn push_line(&mut self, line: &[u8], line_number: usize) -> bool {
        if self.sql.is_empty() {
            let start = line
                .iter()
                .position(|b| !b.is_ascii_whitespace())
                .unwrap_or(line.len());
            self.sql.extend_from_slice(&line[start..]);
            self.start_line = line_number;
            self.state = State::Code;
            self.ends_with_semicolon = false;
            self.scan(0);
        } else {
            let from = self.sql.len() + 1;
            self.sql.push(b'\n');
            self.sql.extend_from_slice(line);
            self.scan(from);
        }
        self.state == State::Code && self.ends_with_semicolon && self.is_complete()
    }

    /// Whether a `;` on a line of its own would complete the chunk (or it is empty).
    pub fn is_completed_by_semicolon(&self) -> bool {
        let mut sql = self.sql.clone();
        sql.extend_from_slice(b"\n;");
        match CString::new(sql) {
            Ok(sql) => ctypes_sqlite::is_complete(&sql).unwrap_or(false),
            Err(_) => false,
        }
    }

    /// Empties the chunk, handing back its SQL.
    pub fn take(&mut self) -> Vec<u8> {
        self.state = State::Code;
        self.ends_with_semicolon = false;
        std::mem::take(&mut self.sql)
    }

    fn is_complete(&self) -> bool {
        match CString::new(self.sql.as_slice()) {
            Ok(sql) => ctypes_sqlite::is_complete(&sql).unwrap_or(true),
            // A NUL byte: let preparing it report the error.
            Err(_) => true,
        }
    }

    /// Scans the SQL from byte `from` on (the line just added).
    fn scan(&mut self, from: usize) {
        let bytes = &self.sql[from..];
        let mut i = 0;
        while i < bytes.len() {
            let c = bytes[i];
            match self.state {
                State::Quoted(end) => {
                    if c == end {
                        self.state = State::Code;
                    }
                }
                State::Comment => {
                    if c == b'*' && bytes.get(i + 1) == Some(&b'/') {
                        self.state = State::Code;
                        i += 1;
                    }
                }
                State::Code => match c {
                    b';' => self.ends_with_semicolon = true,
                    b'\'' | b'"' | b'`' => {
                        self.state = State::Quoted(c);
                        self.ends_with_semicolon = false;
                    }
                    b'[' => {
                        self.state = State::Quoted(b']');
                        self.ends_with_semicolon = false;
                    }
                    b'-' if bytes.get(i + 1) == Some(&b'-') => break,
                    b'/' if bytes.get(i + 1) == Some(&b'*') => {
                        self.state = State::Comment;
                        i += 1;
                    }
                    c if c.is_ascii_whitespace() => {}
                    _ => self.ends_with_semicolon = false,
                },
            }
            i += 1;
        }
    }
}

/// Whether a line holds only whitespace and complete comments (such a line does not start a
/// chunk).
pub fn is_blank(line: &[u8]) -> bool {
    let mut i = 0;
    while i < line.len() {
        match line[i] {
            c if c.is_ascii_whitespace() => i += 1,
            b'-' if line.get(i + 1) == Some(&b'-') => return true,
            b'/' if line.get(i + 1) == Some(&b'*') => {
                match line[i + 2..].windows(2).position(|w| w == b"*/") {
                    Some(end) => i += 2 + end + 2,
                    None => return false,
                }
            }
            _ => return false,
        }
    }
    true
}

/// A line without its line ending (`\n`, and a `\r` before it).
pub fn trim_line_end(mut line: &[u8]) -> &[u8] {
    if let [rest @ .., b'\n'] = line {
        line = rest;
    }
    if let [rest @ .., b'\r'] = line {
        line = rest;
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chunk_ends_with_a_complete_statement_at_a_line_end() {
        let mut chunk = Chunk::default();
        assert!(!chunk.push_line(b"  select 'a;", 3));
        assert_eq!(chunk.start_line, 3);
        assert!(chunk.push_line(b"b'; -- done", 4));
        assert_eq!(chunk.take(), b"select 'a;\nb'; -- done");
        assert!(!chunk.push_line(b"create trigger t after insert on x begin", 5));
        assert!(!chunk.push_line(b"select 1;", 6));
        assert!(chunk.push_line(b"end;", 7));
    }

    #[test]
    fn blank_lines_hold_only_whitespace_and_comments() {
        assert!(is_blank(b"  -- note"));
        assert!(is_blank(b" /* a */ "));
        assert!(!is_blank(b"/* open"));
        assert!(!is_blank(b"select"));
    }
}
