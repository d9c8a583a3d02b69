//! Prepared statements: binding parameters, stepping rows, reading columns.

use std::ffi::{c_int, CString};
use std::ptr::{self, NonNull};

use crate::connection::Connection;
use crate::error::{Error, Result};
use crate::ffi::{self, sqlite3_stmt, Sqlite3};
use crate::value::{FromSql, ToSql, ValueRef};

/// A prepared statement. It borrows its connection, so it cannot outlive it, and is finalized
/// exactly once, when dropped.
///
/// Between calls it is always reset: [`Statement::execute`] runs it to the end and resets it,
/// and [`Rows`] resets it when dropped, so parameters can be bound again at any time.
#[derive(Debug)]
pub struct Statement<'c> {
    conn: &'c Connection,
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

    fn api(&self) -> &'static Sqlite3 {
        self.api
    }

    fn raw(&self) -> *mut sqlite3_stmt {
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
        Ok(Rows {
            stmt: self,
            done: false,
        })
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
    fn step(&mut self) -> Result<bool> {
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

    fn column_index(&self, index: usize) -> Result<c_int> {
        let count = self.column_count();
        if index >= count {
            return Err(Error::NoSuchColumn { index, count });
        }
        Ok(index as c_int)
    }

    fn place(&self, index: usize) -> String {
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

/// The rows of a running query. Dropping it resets the statement.
#[derive(Debug)]
pub struct Rows<'s, 'c> {
    stmt: &'s mut Statement<'c>,
    done: bool,
}

impl Rows<'_, '_> {
    /// The next row, `None` at the end. The row borrows these rows, so it is gone before the
    /// statement steps again (which would invalidate its text and blobs).
    #[allow(clippy::should_implement_trait)] // a lending iterator: `Iterator` cannot say it
    pub fn next(&mut self) -> Result<Option<Row<'_>>> {
        if self.done {
            return Ok(None);
        }
        match self.stmt.step() {
            Ok(true) => Ok(Some(Row { stmt: self.stmt })),
            Ok(false) => {
                self.done = true;
                Ok(None)
            }
            Err(e) => {
                self.done = true;
                Err(e)
            }
        }
    }

    /// The statement's column names.
    pub fn column_names(&self) -> Vec<String> {
        self.stmt.column_names()
    }
}

impl Drop for Rows<'_, '_> {
    fn drop(&mut self) {
        if !self.done {
            self.stmt.reset();
        }
    }
}

/// The current row of a query.
#[derive(Debug)]
pub struct Row<'r> {
    stmt: &'r Statement<'r>,
}

impl<'r> Row<'r> {
    /// The number of columns.
    pub fn len(&self) -> usize {
        self.stmt.column_count()
    }

    /// Whether the row has no columns.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The name of column `index`.
    pub fn column_name(&self, index: usize) -> Result<String> {
        self.stmt.column_name(index)
    }

    /// Column `index` (0-based) converted to `T`; the error names the column.
    pub fn get<T: FromSql>(&self, index: usize) -> Result<T> {
        let value = self.get_ref(index)?;
        T::from_sql(value, &|| self.stmt.place(index))
    }

    /// The bytes of column `index` if it holds text or a blob, whether or not the text is valid
    /// UTF-8 (`get::<Vec<u8>>` refuses text that is not); `None` for other types.
    pub fn get_bytes(&self, index: usize) -> Result<Option<Vec<u8>>> {
        let column = self.stmt.column_index(index)?;
        let (api, raw) = (self.stmt.api(), self.stmt.raw());
        // SAFETY: as in `get_ref`: a live statement on a row and a column in range; the
        // pointer is read (then its length, sqlite's documented order) and copied before
        // anything else touches the statement.
        unsafe {
            let data = match api.sqlite3_column_type(raw, column) {
                ffi::SQLITE_TEXT => api.sqlite3_column_text(raw, column),
                ffi::SQLITE_BLOB => api.sqlite3_column_blob(raw, column).cast(),
                _ => return Ok(None),
            };
            let len = api.sqlite3_column_bytes(raw, column);
            let bytes = borrowed_bytes(data, len).ok_or_else(|| self.stmt.conn.out_of_memory())?;
            Ok(Some(bytes.to_vec()))
        }
    }

    /// Column `index` as sqlite stores it, borrowed for as long as the row.
    pub fn get_ref(&self, index: usize) -> Result<ValueRef<'r>> {
        let column = self.stmt.column_index(index)?;
        let (api, raw) = (self.stmt.api(), self.stmt.raw());
        // SAFETY: a live statement positioned on a row (a `Row` exists only between a step
        // that returned SQLITE_ROW and the next step or reset, which need `&mut` to the rows
        // this row borrows), and a column index in range. Each column is read with the one
        // accessor of its type, so no conversion invalidates a pointer handed out before;
        // text and blob pointers stay valid until the next step, reset or finalize, none of
        // which can happen while `'r` lasts.
        unsafe {
            Ok(match api.sqlite3_column_type(raw, column) {
                ffi::SQLITE_INTEGER => ValueRef::Integer(api.sqlite3_column_int64(raw, column)),
                ffi::SQLITE_FLOAT => ValueRef::Real(api.sqlite3_column_double(raw, column)),
                ffi::SQLITE_TEXT => {
                    // Text first, then its length in that encoding (sqlite's documented order).
                    let text = api.sqlite3_column_text(raw, column);
                    let len = api.sqlite3_column_bytes(raw, column);
                    let bytes =
                        borrowed_bytes(text, len).ok_or_else(|| self.stmt.conn.out_of_memory())?;
                    ValueRef::Text(std::str::from_utf8(bytes).map_err(|_| Error::Utf8 {
                        place: self.stmt.place(index),
                    })?)
                }
                ffi::SQLITE_BLOB => {
                    let blob = api.sqlite3_column_blob(raw, column);
                    let len = api.sqlite3_column_bytes(raw, column);
                    ValueRef::Blob(
                        borrowed_bytes(blob.cast(), len)
                            .ok_or_else(|| self.stmt.conn.out_of_memory())?,
                    )
                }
                _ => ValueRef::Null,
            })
        }
    }
}

/// The `len` bytes at `data`: empty for a zero length (sqlite returns NULL for an empty
/// blob), `None` for NULL with a length (out of memory).
///
/// # Safety
/// `data` is NULL or valid for reads of `len` bytes for `'a`.
pub(crate) unsafe fn borrowed_bytes<'a>(data: *const u8, len: c_int) -> Option<&'a [u8]> {
    let len = len.max(0) as usize;
    if len == 0 {
        return Some(&[]);
    }
    if data.is_null() {
        return None;
    }
    // SAFETY: non-null and valid for `len` bytes for `'a`, per the caller.
    Some(unsafe { std::slice::from_raw_parts(data, len) })
}

/// Every statement of a string of SQL, prepared one after another as the iteration reaches it
/// (so a statement may use a table an earlier one created, once that one has run).
#[derive(Debug)]
pub struct Batch<'c, 's> {
    conn: &'c Connection,
    rest: &'s str,
}

impl<'c, 's> Batch<'c, 's> {
    pub(crate) fn new(conn: &'c Connection, sql: &'s str) -> Batch<'c, 's> {
        Batch { conn, rest: sql }
    }

    /// The SQL not yet prepared.
    pub fn rest(&self) -> &'s str {
        self.rest
    }
}

impl<'c> Iterator for Batch<'c, '_> {
    type Item = Result<Statement<'c>>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.rest.trim_start().is_empty() {
            let sql = self.rest;
            if sql.contains('\0') {
                self.rest = "";
                return Some(Err(Error::Nul { what: "SQL" }));
            }
            let len = match length("SQL", sql.len()) {
                Ok(len) => len,
                Err(e) => {
                    self.rest = "";
                    return Some(Err(e));
                }
            };
            let (api, db) = (self.conn.api(), self.conn.handle());
            let mut stmt = ptr::null_mut();
            let mut tail = ptr::null();
            // SAFETY: an open connection; `sql` is valid for `len` bytes and holds no NUL, so
            // sqlite reads exactly those; `tail` is set to a point inside them.
            let rc = unsafe {
                api.sqlite3_prepare_v2(db, sql.as_ptr().cast(), len, &mut stmt, &mut tail)
            };
            if rc != ffi::SQLITE_OK {
                self.rest = "";
                return Some(Err(self.conn.error(rc)));
            }
            let consumed = if tail.is_null() {
                sql.len()
            } else {
                (tail as usize)
                    .saturating_sub(sql.as_ptr() as usize)
                    .min(sql.len())
            };
            // The tail follows a `;` or the end, both ASCII, so this is a character boundary;
            // anything else ends the batch rather than panicking.
            self.rest = sql.get(consumed..).unwrap_or("");
            if consumed == 0 && stmt.is_null() {
                self.rest = "";
            }
            if let Some(raw) = NonNull::new(stmt) {
                return Some(Ok(Statement::new(self.conn, raw)));
            }
            // Only whitespace or a comment: nothing to run; go on.
        }
        None
    }
}
