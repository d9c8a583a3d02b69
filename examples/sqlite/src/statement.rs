//! Prepared statements: binding parameters, stepping rows, reading columns.

use std::ffi::{c_int, CString};
use std::ptr::NonNull;

use crate::connection::Connection;
use crate::error::{Error, Result};
use crate::ffi::{self, sqlite3_stmt, Sqlite3};
use crate::rows::{Row, Rows};
use crate::value::{ToSql, ValueRef};

/// A prepared statement. It borrows its connection, so it cannot outlive it, and is finalized
/// exactly once, when dropped.
///
/// Between calls it is always reset: [`Statement::execute`] runs it to the end and resets it,
/// and [`Rows`] resets it when dropped, so parameters can be bound again at any time.
#[derive(Debug)]
pub struct Statement<'c> {
    pub(crate) conn: &'c Connection,
    // The connection's, kept here to save a load on every call.
    api: &'static Sqlite3,
    raw: NonNull<sqlite3_stmt>,
}

impl<'c> Statement<'c> {
    /// Takes ownership of a statement `conn` prepared.
    pub(crate) fn new(conn: &'c Connection, raw: NonNull<sqlite3_stmt>) -> Statement<'c> {
        Statement {
            conn,
            api: conn.api(),
            raw,
        }
    }

    pub(crate) fn api(&self) -> &'static Sqlite3 {
        self.api
    }

    pub(crate) fn raw(&self) -> *mut sqlite3_stmt {
        self.raw.as_ptr()
    }

    fn check(&self, rc: c_int) -> Result<()> {
        if rc == ffi::SQLITE_OK {
            Ok(())
        } else {
            Err(self.conn.error(rc))
        }
    }

    /// The number of parameters (`?`, `?NNN`, `:name`, `@name`, `$name`); the largest index.
    pub fn parameter_count(&self) -> usize {
        // SAFETY: `raw` is a live statement of this connection (finalized only in `drop`).
        let count = unsafe { self.api().sqlite3_bind_parameter_count(self.raw()) };
        count.max(0) as usize
    }

    /// The 1-based index of the parameter called `name` (with its `:`, `@` or `$`).
    pub fn parameter_index(&self, name: &str) -> Result<usize> {
        let c_name = CString::new(name).map_err(|_| Error::Nul {
            what: "parameter name",
        })?;
        // SAFETY: a live statement and a NUL-terminated name.
        let index = unsafe {
            self.api()
                .sqlite3_bind_parameter_index(self.raw(), c_name.as_ptr())
        };
        match index {
            0 => Err(Error::NoSuchParameter(name.to_owned())),
            i => Ok(i as usize),
        }
    }

    /// Binds `value` to the parameter at `index` (1-based, as in SQL). Text and blobs are
    /// copied by sqlite.
    pub fn bind<T: ToSql + ?Sized>(&mut self, index: usize, value: &T) -> Result<()> {
        let value = value.to_sql()?;
        let index = c_int::try_from(index).map_err(|_| Error::Sqlite {
            code: ffi::SQLITE_RANGE,
            message: format!("parameter index {index} out of range"),
        })?;
        let (api, raw) = (self.api(), self.raw());
        let len = match value {
            ValueRef::Text(t) => length("text", t.len())?,
            ValueRef::Blob(b) => length("blob", b.len())?,
            _ => 0,
        };
        // SAFETY: in every arm, a live statement, reset (see the type's documentation); text
        // and blob pointers are valid for `len` bytes during the call, and SQLITE_TRANSIENT
        // makes sqlite copy them before it returns.
        let rc = unsafe {
            match value {
                ValueRef::Null => api.sqlite3_bind_null(raw, index),
                ValueRef::Integer(i) => api.sqlite3_bind_int64(raw, index, i),
                ValueRef::Real(r) => api.sqlite3_bind_double(raw, index, r),
                ValueRef::Text(t) => {
                    api.sqlite3_bind_text(raw, index, t.as_ptr().cast(), len, ffi::SQLITE_TRANSIENT)
                }
                // A NULL pointer would bind NULL, and an empty slice's pointer is dangling: an
                // empty blob is a zero-length zeroblob.
                ValueRef::Blob([]) => api.sqlite3_bind_zeroblob(raw, index, 0),
                ValueRef::Blob(b) => {
                    api.sqlite3_bind_blob(raw, index, b.as_ptr().cast(), len, ffi::SQLITE_TRANSIENT)
                }
            }
        };
        self.check(rc)
    }

    /// Binds `params` to parameters 1, 2, …; their number must be the statement's.
    pub fn bind_all(&mut self, params: &[&dyn ToSql]) -> Result<()> {
        let expected = self.parameter_count();
        if params.len() != expected {
            return Err(Error::ParameterCount {
                expected,
                given: params.len(),
            });
        }
        for (i, value) in params.iter().enumerate() {
            self.bind(i + 1, *value)?;
        }
        Ok(())
    }

    /// Sets every parameter back to `NULL`.
    pub fn clear_bindings(&mut self) {
        // SAFETY: a live statement; this cannot fail.
        unsafe { self.api().sqlite3_clear_bindings(self.raw()) };
    }

    /// Binds `params` and runs the statement to its end, returning the number of rows changed
    /// (for `INSERT`, `UPDATE` and `DELETE`).
    pub fn execute(&mut self, params: &[&dyn ToSql]) -> Result<usize> {
        self.bind_all(params)?;
        loop {
            match self.step() {
                Ok(true) => continue,
                Ok(false) => break,
                Err(e) => return Err(e),
            }
        }
        Ok(self.conn.changes())
    }

    /// Binds `params` and starts the query; step through the rows with [`Rows::next`].
    pub fn query(&mut self, params: &[&dyn ToSql]) -> Result<Rows<'_, 'c>> {
        self.bind_all(params)?;
        Ok(Rows::new(self))
    }

    /// Starts the query with the parameters as they are bound (`NULL` where none was).
    pub fn rows(&mut self) -> Rows<'_, 'c> {
        Rows::new(self)
    }

    /// Runs the query and maps every row with `f`.
    pub fn query_map<T>(
        &mut self,
        params: &[&dyn ToSql],
        mut f: impl FnMut(&Row<'_>) -> Result<T>,
    ) -> Result<Vec<T>> {
        let mut rows = self.query(params)?;
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            out.push(f(&row)?);
        }
        Ok(out)
    }

    /// One step: `true` for a row, `false` at the end (the statement is then reset). On an
    /// error the statement is reset too.
    pub(crate) fn step(&mut self) -> Result<bool> {
        let (api, raw) = (self.api(), self.raw());
        // SAFETY: a live statement.
        match unsafe { api.sqlite3_step(raw) } {
            ffi::SQLITE_ROW => Ok(true),
            ffi::SQLITE_DONE => {
                // SAFETY: a live statement; reset after DONE reports nothing new.
                unsafe { api.sqlite3_reset(raw) };
                Ok(false)
            }
            rc => {
                // The message first: reset keeps it, but take no chances.
                let error = self.conn.error(rc);
                // SAFETY: a live statement; reset returns the same error again.
                unsafe { api.sqlite3_reset(raw) };
                Err(error)
            }
        }
    }

    /// Back to the start, keeping the bindings. [`Rows`] does this when dropped.
    pub fn reset(&mut self) {
        // SAFETY: a live statement; its return value repeats the last step's error.
        unsafe { self.api().sqlite3_reset(self.raw()) };
    }

    /// 1 for an `EXPLAIN` statement, 2 for `EXPLAIN QUERY PLAN`, 0 otherwise (and with a
    /// library older than 3.28, which cannot say).
    pub fn explain_kind(&self) -> u8 {
        // SAFETY: a live statement.
        let kind = unsafe { self.api().sqlite3_stmt_isexplain(self.raw()) };
        kind.map_or(0, |k| k.clamp(0, 2) as u8)
    }

    /// The number of result columns (0 for statements that return no rows).
    pub fn column_count(&self) -> usize {
        // SAFETY: a live statement.
        let count = unsafe { self.api().sqlite3_column_count(self.raw()) };
        count.max(0) as usize
    }

    /// The name of result column `index` (0-based), as `AS` gave it or sqlite chose it.
    pub fn column_name(&self, index: usize) -> Result<String> {
        let column = self.column_index(index)?;
        // SAFETY: a live statement and an index in range; the name is copied before the
        // statement can change.
        let name = unsafe { ffi::owned_string(self.api().sqlite3_column_name(self.raw(), column)) };
        Ok(name.unwrap_or_default())
    }

    /// Every result column's name.
    pub fn column_names(&self) -> Vec<String> {
        (0..self.column_count())
            .map(|i| self.column_name(i).unwrap_or_default())
            .collect()
    }

    pub(crate) fn column_index(&self, index: usize) -> Result<c_int> {
        let count = self.column_count();
        if index >= count {
            return Err(Error::NoSuchColumn { index, count });
        }
        Ok(index as c_int)
    }

    pub(crate) fn place(&self, index: usize) -> String {
        match self.column_name(index) {
            Ok(name) => format!("column {index} (`{name}`)"),
            Err(_) => format!("column {index}"),
        }
    }
}

impl Drop for Statement<'_> {
    fn drop(&mut self) {
        // SAFETY: `raw` is this value's own statement, finalized here and nowhere else; its
        // connection is still open, as the borrow proves.
        unsafe { self.api().sqlite3_finalize(self.raw()) };
    }
}

/// A length for sqlite's `int` length arguments.
pub(crate) fn length(what: &'static str, len: usize) -> Result<c_int> {
    c_int::try_from(len).map_err(|_| Error::TooLong { what, len })
}
