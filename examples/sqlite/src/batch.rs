//! Scripts of many statements, prepared one after another from one NUL-terminated buffer.
//!
//! sqlite reads each statement in place when it is handed a pointer into a buffer that ends in
//! a NUL and the length including that NUL, and says where the statement ended (the tail). The
//! next statement is prepared from the tail, so a script is read once however many statements
//! it holds: nothing is copied or scanned again per statement.

use std::ptr::{self, NonNull};

use crate::connection::Connection;
use crate::error::{Error, Result};
use crate::ffi;
use crate::statement::{length, Statement};

/// SQL text ending in exactly one NUL byte, as sqlite reads it without copying.
#[derive(Debug, Clone)]
pub struct SqlBuffer {
    bytes: Vec<u8>,
}

impl SqlBuffer {
    /// Copies `sql` and adds the NUL; SQL holding a NUL byte is refused.
    pub fn new(sql: &[u8]) -> Result<SqlBuffer> {
        if sql.contains(&0) {
            return Err(Error::Nul { what: "SQL" });
        }
        let mut bytes = Vec::with_capacity(sql.len() + 1);
        bytes.extend_from_slice(sql);
        bytes.push(0);
        Ok(SqlBuffer { bytes })
    }

    /// The SQL, without the NUL.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.bytes.len() - 1]
    }

    /// The length of the SQL in bytes, without the NUL.
    pub fn len(&self) -> usize {
        self.bytes.len() - 1
    }

    /// Whether there is no SQL.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// One statement prepared from a position in a [`SqlBuffer`].
#[derive(Debug)]
pub struct Prepared<'c> {
    /// The statement; `None` when only whitespace or comments were left.
    pub statement: Option<Statement<'c>>,
    /// Where the SQL after the statement starts.
    pub tail: usize,
}

impl Connection {
    /// Prepares the first statement of `sql` at byte `start`, reading it in place.
    ///
    /// On an error, [`Connection::error_offset`] says where in the SQL from `start` sqlite
    /// found it, until the next call on this connection.
    pub fn prepare_at(&self, sql: &SqlBuffer, start: usize) -> Result<Prepared<'_>> {
        let start = start.min(sql.len());
        let rest = &sql.bytes[start..];
        let len = length("SQL", rest.len())?;
        let mut stmt = ptr::null_mut();
        let mut tail = ptr::null();
        // SAFETY: an open connection; `rest` ends in the buffer's only NUL and `len` counts that
        // NUL, so sqlite reads it in place and never past it; `tail` is set to a point inside
        // `rest`.
        let rc = unsafe {
            self.api().sqlite3_prepare_v2(
                self.handle(),
                rest.as_ptr().cast(),
                len,
                &mut stmt,
                &mut tail,
            )
        };
        if rc != ffi::SQLITE_OK {
            return Err(self.error(rc));
        }
        let consumed = if tail.is_null() {
            rest.len() - 1
        } else {
            (tail as usize)
                .saturating_sub(rest.as_ptr() as usize)
                .min(rest.len() - 1)
        };
        Ok(Prepared {
            statement: NonNull::new(stmt).map(|raw| Statement::new(self, raw)),
            tail: start + consumed,
        })
    }
}

/// Every statement of a string of SQL, prepared one after another as the iteration reaches it
/// (so a statement may use a table an earlier one created, once that one has run). The SQL is
/// copied once; each statement is read in place.
#[derive(Debug)]
pub struct Batch<'c, 's> {
    conn: &'c Connection,
    sql: &'s str,
    buffer: Option<SqlBuffer>,
    position: usize,
    failed: Option<Error>,
}

impl<'c, 's> Batch<'c, 's> {
    pub(crate) fn new(conn: &'c Connection, sql: &'s str) -> Batch<'c, 's> {
        let (buffer, failed) = match SqlBuffer::new(sql.as_bytes()) {
            Ok(buffer) => (Some(buffer), None),
            Err(e) => (None, Some(e)),
        };
        Batch {
            conn,
            sql,
            buffer,
            position: 0,
            failed,
        }
    }

    /// The SQL not yet prepared.
    pub fn rest(&self) -> &'s str {
        // The tail follows a `;` or the end, both ASCII, so this is a character boundary;
        // anything else is the end.
        self.sql.get(self.position..).unwrap_or("")
    }
}

impl<'c> Iterator for Batch<'c, '_> {
    type Item = Result<Statement<'c>>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(e) = self.failed.take() {
            self.position = self.sql.len();
            return Some(Err(e));
        }
        let buffer = self.buffer.as_ref()?;
        while self.position < buffer.len() {
            match self.conn.prepare_at(buffer, self.position) {
                Err(e) => {
                    self.position = buffer.len();
                    return Some(Err(e));
                }
                Ok(prepared) => {
                    let advanced = prepared.tail > self.position;
                    self.position = if advanced {
                        prepared.tail
                    } else {
                        buffer.len()
                    };
                    if let Some(statement) = prepared.statement {
                        return Some(Ok(statement));
                    }
                    // Only whitespace or a comment: nothing to run.
                }
            }
        }
        None
    }
}
