//! The rows of a running query, and the columns of the current row.

use std::ffi::c_int;

use crate::error::{Error, Result};
use crate::ffi;
use crate::statement::Statement;
use crate::value::{FromSql, Type, ValueRef};

/// The rows of a running query. Dropping it resets the statement.
#[derive(Debug)]
pub struct Rows<'s, 'c> {
    stmt: &'s mut Statement<'c>,
    done: bool,
}

impl<'s, 'c> Rows<'s, 'c> {
    pub(crate) fn new(stmt: &'s mut Statement<'c>) -> Rows<'s, 'c> {
        Rows { stmt, done: false }
    }

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

/// A column as sqlite stores it, with text as its bytes (which need not be UTF-8).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RawValue<'a> {
    /// `NULL`.
    Null,
    /// A 64-bit signed integer.
    Integer(i64),
    /// A 64-bit float.
    Real(f64),
    /// Text, as stored.
    Text(&'a [u8]),
    /// Bytes.
    Blob(&'a [u8]),
}

impl<'r> Row<'r> {
    /// The storage class of column `index`.
    pub fn column_type(&self, index: usize) -> Result<Type> {
        let column = self.stmt.column_index(index)?;
        // SAFETY: a live statement on a row and a column in range (see `get_ref`).
        let code = unsafe { self.stmt.api().sqlite3_column_type(self.stmt.raw(), column) };
        Ok(match code {
            ffi::SQLITE_INTEGER => Type::Integer,
            ffi::SQLITE_FLOAT => Type::Real,
            ffi::SQLITE_TEXT => Type::Text,
            ffi::SQLITE_BLOB => Type::Blob,
            _ => Type::Null,
        })
    }

    /// Column `index` as sqlite stores it, text as bytes whether or not it is UTF-8.
    pub fn get_raw(&self, index: usize) -> Result<RawValue<'r>> {
        let column = self.stmt.column_index(index)?;
        let (api, raw) = (self.stmt.api(), self.stmt.raw());
        // SAFETY: as in `get_ref`: a live statement on a row, a column in range, each column
        // read with the accessor of its own type (text with column_text, blobs with
        // column_blob), so no conversion moves bytes handed out before; they stay valid
        // while the row is borrowed.
        unsafe {
            Ok(match api.sqlite3_column_type(raw, column) {
                ffi::SQLITE_INTEGER => RawValue::Integer(api.sqlite3_column_int64(raw, column)),
                ffi::SQLITE_FLOAT => RawValue::Real(api.sqlite3_column_double(raw, column)),
                ffi::SQLITE_TEXT => {
                    let text = api.sqlite3_column_text(raw, column);
                    let len = api.sqlite3_column_bytes(raw, column);
                    RawValue::Text(
                        borrowed_bytes(text, len).ok_or_else(|| self.stmt.conn.out_of_memory())?,
                    )
                }
                ffi::SQLITE_BLOB => {
                    let blob = api.sqlite3_column_blob(raw, column);
                    let len = api.sqlite3_column_bytes(raw, column);
                    RawValue::Blob(
                        borrowed_bytes(blob.cast(), len)
                            .ok_or_else(|| self.stmt.conn.out_of_memory())?,
                    )
                }
                _ => RawValue::Null,
            })
        }
    }

    /// Column `index` as sqlite writes it as text (`CAST(x AS TEXT)`: integers in decimal, reals
    /// with 15 significant digits, blobs as their bytes); `None` for `NULL`.
    pub fn get_text(&self, index: usize) -> Result<Option<&'r [u8]>> {
        let column = self.stmt.column_index(index)?;
        let (api, raw) = (self.stmt.api(), self.stmt.raw());
        // SAFETY: a live statement on a row and a column in range. Blobs are read with
        // column_blob, their own accessor; text with column_text. Integers and reals get a
        // text form from column_text that sqlite keeps beside the number: nothing handed out
        // before pointed into the column (numbers are returned by value), and a second call
        // returns the same bytes. They stay valid while the row is borrowed.
        unsafe {
            let data = match api.sqlite3_column_type(raw, column) {
                ffi::SQLITE_NULL => return Ok(None),
                ffi::SQLITE_BLOB => api.sqlite3_column_blob(raw, column).cast(),
                _ => api.sqlite3_column_text(raw, column),
            };
            let len = api.sqlite3_column_bytes(raw, column);
            Ok(Some(
                borrowed_bytes(data, len).ok_or_else(|| self.stmt.conn.out_of_memory())?,
            ))
        }
    }
}
