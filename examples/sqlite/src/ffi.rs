//! The part of the sqlite3 C API this crate uses, declared once with `c_library!` and loaded
//! the first time a connection is opened.

use std::ffi::{c_char, c_int, c_void, CStr};
use std::sync::OnceLock;

use ctypes_core::{c_library, c_opaque};

use crate::error::{Error, Result};

/// `sqlite3`, a database connection.
#[c_opaque]
pub struct sqlite3;
/// `sqlite3_stmt`, a prepared statement.
#[c_opaque]
pub struct sqlite3_stmt;
/// `sqlite3_context`, the context of a user-defined function's call.
#[c_opaque]
pub struct sqlite3_context;
/// `sqlite3_value`, a dynamically typed value (a function's argument).
#[c_opaque]
pub struct sqlite3_value;

/// `int (*)(void *, int, char **, char **)`: `sqlite3_exec`'s row callback.
pub type ExecCallback =
    Option<extern "C" fn(*mut c_void, c_int, *mut *mut c_char, *mut *mut c_char) -> c_int>;
/// `void (*)(sqlite3_context *, int, sqlite3_value **)`: a scalar function, or an aggregate's step.
pub type FunctionCallback =
    Option<extern "C" fn(*mut sqlite3_context, c_int, *mut *mut sqlite3_value)>;
/// `void (*)(sqlite3_context *)`: an aggregate's final step.
pub type FinalCallback = Option<extern "C" fn(*mut sqlite3_context)>;
/// `void (*)(void *)`: a destructor of user data.
pub type DestroyCallback = Option<extern "C" fn(*mut c_void)>;

c_library! {
    /// The sqlite3 functions this crate calls.
    #[library("libsqlite3.so.0", "sqlite3", "libsqlite3.dylib")]
    pub struct Sqlite3 {
        fn sqlite3_libversion() -> *const c_char;
        fn sqlite3_threadsafe() -> c_int;
        fn sqlite3_errstr(code: c_int) -> *const c_char;
        fn sqlite3_free(p: *mut c_void);

        fn sqlite3_open_v2(filename: *const c_char, db: *mut *mut sqlite3, flags: c_int, vfs: *const c_char) -> c_int;
        fn sqlite3_close_v2(db: *mut sqlite3) -> c_int;
        fn sqlite3_errmsg(db: *mut sqlite3) -> *const c_char;
        fn sqlite3_extended_errcode(db: *mut sqlite3) -> c_int;
        fn sqlite3_exec(db: *mut sqlite3, sql: *const c_char, callback: ExecCallback, data: *mut c_void, errmsg: *mut *mut c_char) -> c_int;
        fn sqlite3_changes(db: *mut sqlite3) -> c_int;
        fn sqlite3_last_insert_rowid(db: *mut sqlite3) -> i64;
        fn sqlite3_get_autocommit(db: *mut sqlite3) -> c_int;
        fn sqlite3_total_changes(db: *mut sqlite3) -> c_int;
        fn sqlite3_interrupt(db: *mut sqlite3);
        fn sqlite3_complete(sql: *const c_char) -> c_int;
        // sqlite 3.38 and newer; older libraries give no position for an error.
        #[optional] fn sqlite3_error_offset(db: *mut sqlite3) -> c_int;
        #[optional] fn sqlite3_keyword_check(name: *const c_char, len: c_int) -> c_int;
        fn sqlite3_snprintf(size: c_int, buffer: *mut c_char, format: *const c_char, ...) -> *mut c_char;

        fn sqlite3_prepare_v2(db: *mut sqlite3, sql: *const c_char, len: c_int, stmt: *mut *mut sqlite3_stmt, tail: *mut *const c_char) -> c_int;
        fn sqlite3_finalize(stmt: *mut sqlite3_stmt) -> c_int;
        fn sqlite3_reset(stmt: *mut sqlite3_stmt) -> c_int;
        fn sqlite3_clear_bindings(stmt: *mut sqlite3_stmt) -> c_int;
        fn sqlite3_step(stmt: *mut sqlite3_stmt) -> c_int;
        // sqlite 3.28 and newer.
        #[optional] fn sqlite3_stmt_isexplain(stmt: *mut sqlite3_stmt) -> c_int;

        fn sqlite3_bind_parameter_count(stmt: *mut sqlite3_stmt) -> c_int;
        fn sqlite3_bind_parameter_index(stmt: *mut sqlite3_stmt, name: *const c_char) -> c_int;
        fn sqlite3_bind_null(stmt: *mut sqlite3_stmt, index: c_int) -> c_int;
        fn sqlite3_bind_int64(stmt: *mut sqlite3_stmt, index: c_int, value: i64) -> c_int;
        fn sqlite3_bind_double(stmt: *mut sqlite3_stmt, index: c_int, value: f64) -> c_int;
        // The destructor is a `void (*)(void *)` that this crate only ever sets to
        // SQLITE_TRANSIENT, `(void (*)(void *))-1`: declared as the pointer it is passed as.
        fn sqlite3_bind_text(stmt: *mut sqlite3_stmt, index: c_int, text: *const c_char, len: c_int, destructor: *const c_void) -> c_int;
        fn sqlite3_bind_blob(stmt: *mut sqlite3_stmt, index: c_int, blob: *const c_void, len: c_int, destructor: *const c_void) -> c_int;
        fn sqlite3_bind_zeroblob(stmt: *mut sqlite3_stmt, index: c_int, len: c_int) -> c_int;

        fn sqlite3_column_count(stmt: *mut sqlite3_stmt) -> c_int;
        fn sqlite3_column_name(stmt: *mut sqlite3_stmt, column: c_int) -> *const c_char;
        fn sqlite3_column_type(stmt: *mut sqlite3_stmt, column: c_int) -> c_int;
        fn sqlite3_column_int64(stmt: *mut sqlite3_stmt, column: c_int) -> i64;
        fn sqlite3_column_double(stmt: *mut sqlite3_stmt, column: c_int) -> f64;
        fn sqlite3_column_text(stmt: *mut sqlite3_stmt, column: c_int) -> *const u8;
        fn sqlite3_column_blob(stmt: *mut sqlite3_stmt, column: c_int) -> *const c_void;
        fn sqlite3_column_bytes(stmt: *mut sqlite3_stmt, column: c_int) -> c_int;

        fn sqlite3_create_function_v2(
            db: *mut sqlite3,
            name: *const c_char,
            arg_count: c_int,
            text_rep: c_int,
            app: *mut c_void,
            func: FunctionCallback,
            step: FunctionCallback,
            finish: FinalCallback,
            destroy: DestroyCallback
        ) -> c_int;
        fn sqlite3_user_data(context: *mut sqlite3_context) -> *mut c_void;
        fn sqlite3_value_type(value: *mut sqlite3_value) -> c_int;
        fn sqlite3_value_int64(value: *mut sqlite3_value) -> i64;
        fn sqlite3_value_double(value: *mut sqlite3_value) -> f64;
        fn sqlite3_value_text(value: *mut sqlite3_value) -> *const u8;
        fn sqlite3_value_blob(value: *mut sqlite3_value) -> *const c_void;
        fn sqlite3_value_bytes(value: *mut sqlite3_value) -> c_int;
        fn sqlite3_result_null(context: *mut sqlite3_context);
        fn sqlite3_result_int64(context: *mut sqlite3_context, value: i64);
        fn sqlite3_result_double(context: *mut sqlite3_context, value: f64);
        fn sqlite3_result_text(context: *mut sqlite3_context, text: *const c_char, len: c_int, destructor: *const c_void);
        fn sqlite3_result_blob(context: *mut sqlite3_context, blob: *const c_void, len: c_int, destructor: *const c_void);
        fn sqlite3_result_error(context: *mut sqlite3_context, message: *const c_char, len: c_int);
    }
}

pub const SQLITE_OK: c_int = 0;
pub const SQLITE_ABORT: c_int = 4;
pub const SQLITE_NOMEM: c_int = 7;
pub const SQLITE_RANGE: c_int = 25;
pub const SQLITE_ROW: c_int = 100;
pub const SQLITE_DONE: c_int = 101;

pub const SQLITE_OPEN_READONLY: c_int = 0x0000_0001;
pub const SQLITE_OPEN_READWRITE: c_int = 0x0000_0002;
pub const SQLITE_OPEN_CREATE: c_int = 0x0000_0004;
pub const SQLITE_OPEN_NOMUTEX: c_int = 0x0000_8000;

pub const SQLITE_INTEGER: c_int = 1;
pub const SQLITE_FLOAT: c_int = 2;
pub const SQLITE_TEXT: c_int = 3;
pub const SQLITE_BLOB: c_int = 4;
pub const SQLITE_NULL: c_int = 5;

pub const SQLITE_UTF8: c_int = 1;
pub const SQLITE_DETERMINISTIC: c_int = 0x0000_0800;

/// `SQLITE_TRANSIENT`: sqlite copies the bytes before the call returns.
pub const SQLITE_TRANSIENT: *const c_void = std::ptr::without_provenance(usize::MAX);

/// What loading found, kept for the life of the process: the library is loaded at most once.
static LOADED: OnceLock<std::result::Result<Sqlite3, Error>> = OnceLock::new();

/// The loaded library, loading it on first use.
pub fn api() -> Result<&'static Sqlite3> {
    LOADED
        .get_or_init(|| load(Sqlite3::NAMES))
        .as_ref()
        .map_err(Error::clone_load_error)
}

/// Loads libsqlite3 under the first of `names` that has every function, and checks it may be
/// used from several threads.
pub fn load(names: &[&str]) -> std::result::Result<Sqlite3, Error> {
    // SAFETY: libsqlite3's initialisers only set up its own state, and the declarations above
    // are copied from sqlite3.h (every function exists since sqlite 3.7.14, 2012).
    let api =
        unsafe { Sqlite3::load_from(names) }.map_err(|source| Error::from_load(names, source))?;
    // SAFETY: takes no arguments and reads a compile-time constant.
    if unsafe { api.sqlite3_threadsafe() } == 0 {
        return Err(Error::NotThreadSafe {
            library: api.library().name().to_owned(),
        });
    }
    Ok(api)
}

/// A NUL-terminated string sqlite returned, copied; `None` for NULL.
///
/// # Safety
/// `text` is NULL or points to a NUL-terminated string that stays valid during the call.
pub unsafe fn owned_string(text: *const c_char) -> Option<String> {
    if text.is_null() {
        return None;
    }
    // SAFETY: non-null and NUL-terminated, per the caller.
    Some(
        unsafe { CStr::from_ptr(text) }
            .to_string_lossy()
            .into_owned(),
    )
}
