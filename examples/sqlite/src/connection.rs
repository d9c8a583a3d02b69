//! Connections: opening, running SQL, transactions, `sqlite3_exec` with a Rust closure.

use std::any::Any;
use std::borrow::Cow;
use std::ffi::{c_char, c_int, c_void, CStr, CString};
use std::panic::{self, AssertUnwindSafe};
use std::path::Path;
use std::ptr::{self, NonNull};
use std::sync::{Arc, Mutex};

use crate::batch::Batch;
use crate::error::{Error, Result};
use crate::ffi::{self, sqlite3, Sqlite3};
use crate::rows::Row;
use crate::statement::Statement;
use crate::value::ToSql;

/// An open database connection, closed exactly once, when dropped.
///
/// # Thread-safety
/// `Send` but not `Sync`. The connection is opened in sqlite's multi-thread mode
/// (`SQLITE_OPEN_NOMUTEX`, checked at load that the library was built thread-safe): one thread
/// at a time may use it, any thread may. Moving it to another thread is therefore sound, and
/// sharing `&Connection` between threads is not, which `!Sync` forbids. Statements borrow the
/// connection, so none outlives it, and they are neither `Send` nor `Sync`; the closures of
/// user-defined functions are `Send` because they run on whichever thread uses the connection.
#[derive(Debug)]
pub struct Connection {
    api: &'static Sqlite3,
    db: NonNull<sqlite3>,
    // Shared with every `InterruptHandle`; set to NULL before the connection closes.
    interrupt: Arc<Mutex<InterruptTarget>>,
}

// SAFETY: see the type's "Thread-safety": in multi-thread mode a connection and everything it
// owns (statements are borrowed, so they stay behind; registered functions are `Send`) may be
// used from any one thread at a time, and moving the value hands it over whole.
unsafe impl Send for Connection {}

impl Connection {
    /// Opens (creating if needed) the database file at `path`; `":memory:"` is a private
    /// in-memory database. Loads libsqlite3 on first use.
    pub fn open(path: impl AsRef<Path>) -> Result<Connection> {
        let path = path.as_ref();
        let name = path_bytes(path);
        let name = CString::new(name).map_err(|_| Error::Nul {
            what: "database path",
        })?;
        Connection::open_c(&name)
    }

    /// Opens the database file at `path` without writing to it (`SQLITE_OPEN_READONLY`); it
    /// must exist.
    pub fn open_read_only(path: impl AsRef<Path>) -> Result<Connection> {
        let name = CString::new(path_bytes(path.as_ref())).map_err(|_| Error::Nul {
            what: "database path",
        })?;
        Connection::open_c_with(&name, ffi::SQLITE_OPEN_READONLY | ffi::SQLITE_OPEN_NOMUTEX)
    }

    /// Opens a new private in-memory database.
    pub fn open_in_memory() -> Result<Connection> {
        Connection::open_c(c":memory:")
    }

    fn open_c(name: &CStr) -> Result<Connection> {
        let flags = ffi::SQLITE_OPEN_READWRITE | ffi::SQLITE_OPEN_CREATE | ffi::SQLITE_OPEN_NOMUTEX;
        Connection::open_c_with(name, flags)
    }

    fn open_c_with(name: &CStr, flags: c_int) -> Result<Connection> {
        let api = ffi::api()?;
        let mut db = ptr::null_mut();
        // SAFETY: a NUL-terminated name, a place for the handle, the default VFS.
        let rc = unsafe { api.sqlite3_open_v2(name.as_ptr(), &mut db, flags, ptr::null()) };
        let Some(db) = NonNull::new(db) else {
            // Only when sqlite cannot allocate the connection object.
            return Err(Error::from_code(api, rc));
        };
        let conn = Connection {
            api,
            db,
            interrupt: Arc::new(Mutex::new(InterruptTarget(db.as_ptr()))),
        };
        if rc != ffi::SQLITE_OK {
            // The handle exists even on failure and holds the message; dropping closes it.
            return Err(conn.error(rc));
        }
        Ok(conn)
    }

    pub(crate) fn api(&self) -> &'static Sqlite3 {
        self.api
    }

    pub(crate) fn handle(&self) -> *mut sqlite3 {
        self.db.as_ptr()
    }

    /// The error sqlite holds for the call that returned `rc`.
    pub(crate) fn error(&self, rc: c_int) -> Error {
        Error::from_connection(self.api, self.handle(), rc)
    }

    pub(crate) fn out_of_memory(&self) -> Error {
        Error::from_code(self.api, ffi::SQLITE_NOMEM)
    }

    /// Runs every statement of `sql` (`sqlite3_exec`), discarding rows.
    pub fn execute_batch(&self, sql: &str) -> Result<()> {
        self.exec_raw(sql, None, ptr::null_mut())
    }

    /// Runs every statement of `sql` through `sqlite3_exec`, handing each result row to
    /// `on_row` as text (as `sqlite3_exec` does); `on_row` returns `false` to stop early, which
    /// is not an error. A panic in `on_row` stops the query and is resumed here, after sqlite
    /// has cleaned up: it never unwinds through C.
    pub fn exec<F>(&self, sql: &str, on_row: F) -> Result<()>
    where
        F: FnMut(&ExecRow<'_>) -> bool,
    {
        let mut state = ExecState {
            on_row,
            stopped: false,
            panic: None,
        };
        let result = self.exec_raw(
            sql,
            Some(exec_row::<F>),
            ptr::from_mut(&mut state).cast::<c_void>(),
        );
        if let Some(payload) = state.panic {
            panic::resume_unwind(payload);
        }
        match result {
            Err(Error::Sqlite { code, .. })
                if code & 0xff == ffi::SQLITE_ABORT && state.stopped =>
            {
                Ok(())
            }
            other => other,
        }
    }

    fn exec_raw(&self, sql: &str, callback: ffi::ExecCallback, data: *mut c_void) -> Result<()> {
        let sql = CString::new(sql).map_err(|_| Error::Nul { what: "SQL" })?;
        let mut message: *mut c_char = ptr::null_mut();
        // SAFETY: an open connection, NUL-terminated SQL; `callback` (if any) is `exec_row`
        // for the type `data` points to, which outlives this call; `message` receives a
        // string sqlite allocated, freed below.
        let rc = unsafe {
            self.api
                .sqlite3_exec(self.handle(), sql.as_ptr(), callback, data, &mut message)
        };
        if rc == ffi::SQLITE_OK {
            return Ok(());
        }
        let mut error = self.error(rc);
        if !message.is_null() {
            // SAFETY: sqlite's NUL-terminated message, copied, then freed once with
            // sqlite3_free as sqlite3_exec's contract says.
            unsafe {
                if let (Error::Sqlite { message: m, .. }, Some(text)) =
                    (&mut error, ffi::owned_string(message))
                {
                    *m = text;
                }
                self.api.sqlite3_free(message.cast());
            }
        }
        Err(error)
    }

    /// Prepares one statement; more than one is an error ([`Connection::statements`] takes a
    /// batch).
    pub fn prepare(&self, sql: &str) -> Result<Statement<'_>> {
        let mut batch = Batch::new(self, sql);
        let first = batch.next().ok_or(Error::EmptyStatement)??;
        let rest = batch.rest();
        match batch.next() {
            None => Ok(first),
            Some(_) => Err(Error::MultipleStatements {
                rest: rest.trim().to_owned(),
            }),
        }
    }

    /// The statements of `sql`, each prepared when the iteration reaches it.
    pub fn statements<'s>(&self, sql: &'s str) -> Batch<'_, 's> {
        Batch::new(self, sql)
    }

    /// Prepares and runs one statement with `params`, returning the number of rows changed.
    pub fn execute(&self, sql: &str, params: &[&dyn ToSql]) -> Result<usize> {
        self.prepare(sql)?.execute(params)
    }

    /// Runs a query and maps its first row with `f`; no row is [`Error::NoRows`].
    pub fn query_row<T>(
        &self,
        sql: &str,
        params: &[&dyn ToSql],
        f: impl FnOnce(&Row<'_>) -> Result<T>,
    ) -> Result<T> {
        let mut stmt = self.prepare(sql)?;
        let mut rows = stmt.query(params)?;
        match rows.next()? {
            Some(row) => f(&row),
            None => Err(Error::NoRows),
        }
    }

    /// Begins a transaction (`BEGIN`), rolled back when dropped unless committed.
    pub fn transaction(&self) -> Result<Transaction<'_>> {
        self.execute_batch("BEGIN")?;
        Ok(Transaction {
            conn: self,
            finished: false,
        })
    }

    /// The number of rows the last `INSERT`, `UPDATE` or `DELETE` changed.
    pub fn changes(&self) -> usize {
        // SAFETY: an open connection.
        unsafe { self.api.sqlite3_changes(self.handle()) }.max(0) as usize
    }

    /// The rowid of the last successful `INSERT`.
    pub fn last_insert_rowid(&self) -> i64 {
        // SAFETY: an open connection.
        unsafe { self.api.sqlite3_last_insert_rowid(self.handle()) }
    }

    /// The number of rows changed by `INSERT`, `UPDATE` and `DELETE` since the connection
    /// opened.
    pub fn total_changes(&self) -> usize {
        // SAFETY: an open connection.
        unsafe { self.api.sqlite3_total_changes(self.handle()) }.max(0) as usize
    }

    /// Where in its SQL the last failed prepare found the error (a byte offset from the start
    /// of the SQL handed to it), when sqlite says (3.38 and newer).
    pub fn error_offset(&self) -> Option<usize> {
        // SAFETY: an open connection.
        let offset = unsafe { self.api.sqlite3_error_offset(self.handle()) }?;
        usize::try_from(offset).ok()
    }

    /// A handle that stops this connection's running statement from any thread
    /// (`sqlite3_interrupt`): the statement fails with `SQLITE_INTERRUPT`.
    pub fn interrupt_handle(&self) -> InterruptHandle {
        InterruptHandle {
            api: self.api,
            target: Arc::clone(&self.interrupt),
        }
    }

    /// Whether no transaction is open.
    pub fn is_autocommit(&self) -> bool {
        // SAFETY: an open connection.
        unsafe { self.api.sqlite3_get_autocommit(self.handle()) != 0 }
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        // No interrupt may reach the handle once it is closed.
        match self.interrupt.lock() {
            Ok(mut target) => target.0 = ptr::null_mut(),
            Err(poisoned) => poisoned.into_inner().0 = ptr::null_mut(),
        }
        // SAFETY: this value's own handle, closed here and nowhere else. Statements borrow the
        // connection, so all are finalized by now; close_v2 also destroys the user-defined
        // functions' closures (their xDestroy).
        unsafe { self.api.sqlite3_close_v2(self.handle()) };
    }
}

#[cfg(unix)]
fn path_bytes(path: &Path) -> Vec<u8> {
    use std::os::unix::ffi::OsStrExt;
    path.as_os_str().as_bytes().to_vec()
}

#[cfg(not(unix))]
fn path_bytes(path: &Path) -> Vec<u8> {
    path.to_string_lossy().into_owned().into_bytes()
}

/// The connection an [`InterruptHandle`] interrupts, NULL once it is closed.
#[derive(Debug)]
struct InterruptTarget(*mut sqlite3);

// SAFETY: the pointer is only passed to sqlite3_interrupt, which sqlite documents as safe to
// call from any thread on an open connection; the mutex around it keeps the connection from
// closing during that call (Drop takes the lock and clears it first).
unsafe impl Send for InterruptTarget {}

/// Interrupts a connection's running statement from any thread; see
/// [`Connection::interrupt_handle`]. Once the connection is closed, interrupting does nothing.
#[derive(Debug, Clone)]
pub struct InterruptHandle {
    api: &'static Sqlite3,
    target: Arc<Mutex<InterruptTarget>>,
}

impl InterruptHandle {
    /// Makes the running statement (if any) fail with `SQLITE_INTERRUPT` soon.
    pub fn interrupt(&self) {
        let target = match self.target.lock() {
            Ok(target) => target,
            Err(poisoned) => poisoned.into_inner(),
        };
        if !target.0.is_null() {
            // SAFETY: the connection is open (Drop clears the pointer under this lock before
            // closing it), and sqlite3_interrupt may be called from any thread.
            unsafe { self.api.sqlite3_interrupt(target.0) };
        }
    }
}

/// A transaction: `COMMIT` with [`Transaction::commit`], `ROLLBACK` otherwise (also when
/// dropped). It dereferences to its connection.
#[derive(Debug)]
pub struct Transaction<'c> {
    conn: &'c Connection,
    finished: bool,
}

impl Transaction<'_> {
    /// Commits. If `COMMIT` fails (a deferred constraint, say), the transaction is still
    /// open and rolled back when this value is dropped, as on any other error.
    pub fn commit(mut self) -> Result<()> {
        self.conn.execute_batch("COMMIT")?;
        self.finished = true;
        Ok(())
    }

    /// Rolls back.
    pub fn rollback(mut self) -> Result<()> {
        self.finished = true;
        self.conn.execute_batch("ROLLBACK")
    }
}

impl std::ops::Deref for Transaction<'_> {
    type Target = Connection;

    fn deref(&self) -> &Connection {
        self.conn
    }
}

impl Drop for Transaction<'_> {
    fn drop(&mut self) {
        if !self.finished && !self.conn.is_autocommit() {
            // Nothing to report to: a failed rollback leaves sqlite to roll back on close.
            let _ = self.conn.execute_batch("ROLLBACK");
        }
    }
}

/// A row as `sqlite3_exec` hands it over: every value as text, `None` for `NULL`.
#[derive(Debug)]
pub struct ExecRow<'a> {
    names: &'a [*mut c_char],
    values: Option<&'a [*mut c_char]>,
}

impl<'a> ExecRow<'a> {
    /// The number of columns.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Whether there are no columns.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// Column `index`'s name.
    pub fn name(&self, index: usize) -> Option<Cow<'a, str>> {
        // SAFETY: sqlite3_exec's column names are NUL-terminated strings valid during the
        // callback, which `'a` does not outlast.
        self.names
            .get(index)
            .and_then(|&p| (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) }.to_string_lossy()))
    }

    /// Column `index`'s value as text (invalid UTF-8 replaced); `None` for `NULL` or past the
    /// last column.
    pub fn value(&self, index: usize) -> Option<Cow<'a, str>> {
        self.raw_value(index).map(CStr::to_string_lossy)
    }

    /// Column `index`'s value as sqlite's bytes.
    pub fn raw_value(&self, index: usize) -> Option<&'a CStr> {
        // SAFETY: as for `name`; values are NULL for SQL NULL.
        self.values?
            .get(index)
            .and_then(|&p| (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) }))
    }
}

struct ExecState<F> {
    on_row: F,
    stopped: bool,
    panic: Option<Box<dyn Any + Send>>,
}

/// `sqlite3_exec`'s callback for closures of type `F`: one trampoline per closure type, which
/// finds the closure through the user-data pointer. No libffi on this path.
extern "C" fn exec_row<F>(
    data: *mut c_void,
    count: c_int,
    values: *mut *mut c_char,
    names: *mut *mut c_char,
) -> c_int
where
    F: FnMut(&ExecRow<'_>) -> bool,
{
    // SAFETY: `Connection::exec` passes a pointer to its `ExecState<F>`, alive and not
    // otherwise borrowed while sqlite3_exec runs, and only sqlite3_exec calls this.
    let state = unsafe { &mut *data.cast::<ExecState<F>>() };
    let count = count.max(0) as usize;
    let slice = |p: *mut *mut c_char| -> Option<&[*mut c_char]> {
        // SAFETY: sqlite passes arrays of `count` pointers (values is NULL only for the
        // empty-result callback), valid during this call.
        (!p.is_null() && count > 0).then(|| unsafe { std::slice::from_raw_parts(p, count) })
    };
    let row = ExecRow {
        names: slice(names).unwrap_or(&[]),
        values: slice(values),
    };
    match panic::catch_unwind(AssertUnwindSafe(|| (state.on_row)(&row))) {
        Ok(true) => 0,
        Ok(false) => {
            state.stopped = true;
            1
        }
        Err(payload) => {
            state.panic = Some(payload);
            1
        }
    }
}
