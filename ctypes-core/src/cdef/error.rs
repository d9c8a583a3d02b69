//! What a parse reports: errors with their position, and declarations set aside.

use std::fmt;

/// A line and column in the declaration text, both from 1; the column counts characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Position {
    /// The line, from 1.
    pub line: u32,
    /// The column, from 1.
    pub column: u32,
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// C declaration text that cannot be read: where, at which token, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// Where the offending token starts.
    pub position: Position,
    /// The offending token as written; empty at the end of the text.
    pub token: String,
    /// What is wrong, in lowercase without a final period.
    pub message: String,
}

impl ParseError {
    pub(crate) fn new(position: Position, token: &str, message: impl Into<String>) -> ParseError {
        ParseError {
            position,
            token: token.to_owned(),
            message: message.into(),
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.token.is_empty() {
            write!(
                f,
                "{}: {} (at the end of the text)",
                self.position, self.message
            )
        } else {
            write!(
                f,
                "{}: {} (at `{}`)",
                self.position, self.message, self.token
            )
        }
    }
}

impl std::error::Error for ParseError {}

/// A declaration that is valid C but that the runtime cannot represent (a complex integer,
/// `__int128`, `_Float128` or vector type, a member packed alone or aligned beyond what an
/// anonymous wrapper can express, a `#define` that is not a constant): it is left out of the
/// set, and everything else is read. A record left out stays declared, so pointers to it work.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    /// The name it declares (`struct tag` for a record).
    pub name: String,
    /// Where the declaration starts.
    pub position: Position,
    /// Why it was set aside.
    pub reason: String,
}

impl fmt::Display for Skipped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: `{}` skipped: {}",
            self.position, self.name, self.reason
        )
    }
}
