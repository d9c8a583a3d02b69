//! A safe binding of libsqlite3, found and loaded while the program runs.
//!
//! The C API is declared once with [`ctypes_core::c_library!`] (see the `ffi` module's
//! source); nothing links against libsqlite3 at build time, and no `libsqlite3-sys` is
//! involved. The library is loaded the first time a connection is opened; if it is missing,
//! the error names every file tried and how to install it.
//!
//! ```
//! use ctypes_sqlite::{Connection, FunctionFlags};
//!
//! let conn = Connection::open_in_memory()?;
//! conn.execute_batch("CREATE TABLE people (name TEXT, age INTEGER)")?;
//!
//! let tx = conn.transaction()?;
//! {
//!     let mut insert = tx.prepare("INSERT INTO people VALUES (?1, ?2)")?;
//!     insert.execute(&[&"Ada", &36])?;
//!     insert.execute(&[&"Grace", &45])?;
//! }
//! tx.commit()?;
//!
//! conn.create_function("twice", 1, FunctionFlags::default(), |args| {
//!     Ok(2 * args.get::<i64>(0)?)
//! })?;
//! let mut query = conn.prepare("SELECT name, twice(age) FROM people ORDER BY name")?;
//! let mut rows = query.query(&[])?;
//! let mut seen = Vec::new();
//! while let Some(row) = rows.next()? {
//!     seen.push((row.get::<String>(0)?, row.get::<i64>(1)?));
//! }
//! assert_eq!(seen, [("Ada".to_owned(), 72), ("Grace".to_owned(), 90)]);
//!
//! // sqlite3_exec with a Rust closure for the rows.
//! let mut names = Vec::new();
//! conn.exec("SELECT name FROM people ORDER BY age DESC", |row| {
//!     names.push(row.value(0).unwrap_or_default().into_owned());
//!     true
//! })?;
//! assert_eq!(names, ["Grace", "Ada"]);
//!
//! // Errors carry sqlite's message and code.
//! let err = conn.execute_batch("SELEKT 1").unwrap_err();
//! assert_eq!(err.sqlite_message(), Some("near \"SELEKT\": syntax error"));
//! assert_eq!(err.primary_code(), Some(1));
//! # Ok::<(), ctypes_sqlite::Error>(())
//! ```
//!
//! # Scripts
//! A script of many statements is read in place: [`SqlBuffer`] holds it once with its NUL,
//! [`Connection::prepare_at`] prepares the statement at a position and says where the next one
//! starts, so running a script costs time in proportion to its length however many statements
//! it holds ([`Connection::statements`] works the same way). [`Row::get_text`] gives a column as
//! sqlite writes it as text, [`Row::get_raw`] as stored, and an [`InterruptHandle`] stops a
//! running statement from another thread; the `ctypes-sqlite` shell is built on these.
//!
//! # Soundness
//! No function of this crate needs `unsafe` from its user. [`Connection`] is `Send` and not
//! `Sync` (multi-thread mode: one thread at a time); a [`Statement`] borrows its connection and
//! a [`Row`] borrows the rows it came from, so no handle outlives what it points into and no
//! column's text or blob is read after the statement moved on. Every connection is closed and
//! every statement finalized exactly once, in `Drop`. Callbacks from sqlite (row callbacks,
//! user-defined functions) catch panics, so none unwinds into C.

mod batch;
mod connection;
mod error;
mod ffi;
mod function;
mod rows;
mod statement;
mod text;
mod value;

pub use batch::{Batch, Prepared, SqlBuffer};
pub use connection::{Connection, ExecRow, InterruptHandle, Transaction};
pub use error::{Error, Result};
pub use function::{Arguments, FunctionFlags};
pub use rows::{RawValue, Row, Rows};
pub use statement::Statement;
pub use text::{format_real, is_complete, is_keyword};
pub use value::{FromSql, Null, ToSql, Type, Value, ValueRef};

/// The version of the loaded libsqlite3 (`sqlite3_libversion`), loading it if needed.
pub fn library_version() -> Result<String> {
    let api = ffi::api()?;
    // SAFETY: returns a static NUL-terminated string.
    Ok(unsafe { ffi::owned_string(api.sqlite3_libversion()) }.unwrap_or_default())
}

/// The file libsqlite3 was loaded from, loading it if needed: the path the dynamic loader
/// found (`dladdr` of one of its functions), or the name handed to the loader if it cannot say.
pub fn library_file() -> Result<String> {
    let api = ffi::api()?;
    #[cfg(unix)]
    if let Some(path) = loaded_path(api.sqlite3_snprintf() as *const std::ffi::c_void) {
        return Ok(path);
    }
    Ok(api.library().name().to_owned())
}

/// The file of the loaded object holding `address` (`dladdr`).
#[cfg(unix)]
fn loaded_path(address: *const std::ffi::c_void) -> Option<String> {
    // SAFETY: an all-zero Dl_info is a valid value of this plain C struct.
    let mut info: libc::Dl_info = unsafe { std::mem::zeroed() };
    // SAFETY: `info` is writable; dladdr only reads the loader's tables, for any address.
    if unsafe { libc::dladdr(address, &mut info) } == 0 || info.dli_fname.is_null() {
        return None;
    }
    // SAFETY: dli_fname is a NUL-terminated path the loader keeps while the object is loaded;
    // it is copied at once.
    unsafe { ffi::owned_string(info.dli_fname) }
}

/// The names and paths tried when loading libsqlite3, in order.
pub const LIBRARY_NAMES: &[&str] = ffi::Sqlite3::NAMES;

/// What the types promise, checked by the compiler: a connection is not `Sync`,
///
/// ```compile_fail
/// fn is_sync<T: Sync>() {}
/// is_sync::<ctypes_sqlite::Connection>();
/// ```
///
/// a statement is not `Send`,
///
/// ```compile_fail
/// fn is_send<T: Send>() {}
/// is_send::<ctypes_sqlite::Statement<'static>>();
/// ```
///
/// and a statement cannot outlive its connection.
///
/// ```compile_fail
/// let stmt = {
///     let conn = ctypes_sqlite::Connection::open_in_memory().unwrap();
///     conn.prepare("SELECT 1").unwrap()
/// };
/// ```
#[cfg(doctest)]
struct Promises;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_library_names_what_was_tried_and_how_to_install_it() {
        let err = ffi::load(&["libno_such_sqlite.so.0", "/nowhere/libsqlite3.so"]).unwrap_err();
        let message = err.to_string();
        assert!(message.starts_with("cannot load libsqlite3: "), "{message}");
        assert!(
            message.contains("(tried: libno_such_sqlite.so.0, /nowhere/libsqlite3.so)"),
            "{message}"
        );
        assert!(
            message.contains("apt-get install libsqlite3-0"),
            "{message}"
        );
    }

    #[test]
    fn a_library_without_the_functions_is_named_with_what_it_lacks() {
        let err = ffi::load(&["libz.so.1"]).unwrap_err();
        let Error::MissingFunctions { library, functions } = &err else {
            panic!("{err}");
        };
        assert_eq!(library, "libz.so.1");
        assert!(functions.iter().any(|f| f == "sqlite3_open_v2"), "{err}");
    }

    #[test]
    fn connections_are_send() {
        fn is_send<T: Send>() {}
        is_send::<Connection>();
    }
}
