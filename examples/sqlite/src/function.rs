//! User-defined SQL functions written in Rust (`sqlite3_create_function_v2`).

use std::ffi::{c_int, c_void, CString};
use std::panic::{self, AssertUnwindSafe};

use crate::connection::Connection;
use crate::error::{Error, Result};
use crate::ffi::{self, sqlite3_context, sqlite3_value, Sqlite3};
use crate::rows::borrowed_bytes;
use crate::statement::length;
use crate::value::{FromSql, ToSql, ValueRef};

/// How sqlite may treat a function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FunctionFlags {
    /// The same arguments always give the same result (`SQLITE_DETERMINISTIC`), so sqlite may
    /// use it in indexes and fold calls.
    pub deterministic: bool,
}

/// The arguments of one call of a user-defined function.
#[derive(Debug)]
pub struct Arguments<'a> {
    api: &'static Sqlite3,
    values: &'a [*mut sqlite3_value],
    function: &'a str,
}

impl<'a> Arguments<'a> {
    /// The number of arguments.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Whether the call had no arguments.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// Argument `index` (0-based) converted to `T`.
    pub fn get<T: FromSql>(&self, index: usize) -> Result<T> {
        let value = self.get_ref(index)?;
        T::from_sql(value, &|| {
            format!("argument {index} of `{}`", self.function)
        })
    }

    /// Argument `index` as sqlite holds it.
    pub fn get_ref(&self, index: usize) -> Result<ValueRef<'a>> {
        let &value = self.values.get(index).ok_or_else(|| {
            Error::user(format!(
                "`{}` has no argument {index}: it was called with {}",
                self.function,
                self.values.len()
            ))
        })?;
        let api = self.api;
        let place = || format!("argument {index} of `{}`", self.function);
        // SAFETY: `value` is one of the call's arguments, valid while the call lasts, which
        // `'a` does not outlast. Each value is read with the one accessor of its type, so no
        // conversion invalidates a pointer handed out before.
        unsafe {
            Ok(match api.sqlite3_value_type(value) {
                ffi::SQLITE_INTEGER => ValueRef::Integer(api.sqlite3_value_int64(value)),
                ffi::SQLITE_FLOAT => ValueRef::Real(api.sqlite3_value_double(value)),
                ffi::SQLITE_TEXT => {
                    let text = api.sqlite3_value_text(value);
                    let len = api.sqlite3_value_bytes(value);
                    let bytes = borrowed_bytes(text, len)
                        .ok_or_else(|| Error::from_code(api, ffi::SQLITE_NOMEM))?;
                    ValueRef::Text(
                        std::str::from_utf8(bytes).map_err(|_| Error::Utf8 { place: place() })?,
                    )
                }
                ffi::SQLITE_BLOB => {
                    let blob = api.sqlite3_value_blob(value);
                    let len = api.sqlite3_value_bytes(value);
                    ValueRef::Blob(
                        borrowed_bytes(blob.cast(), len)
                            .ok_or_else(|| Error::from_code(api, ffi::SQLITE_NOMEM))?,
                    )
                }
                _ => ValueRef::Null,
            })
        }
    }
}

/// What sqlite keeps for a function: its closure, behind the user-data pointer.
struct Registered<F> {
    api: &'static Sqlite3,
    name: String,
    function: F,
}

impl Connection {
    /// Registers `function` as the SQL function `name` taking `arg_count` arguments (`-1`: any
    /// number). It returns any [`ToSql`] value, or an error that the SQL statement then fails
    /// with. A panic fails the statement too (it never unwinds into sqlite). The closure lives
    /// until it is replaced or the connection closes.
    pub fn create_function<F, T>(
        &self,
        name: &str,
        arg_count: i32,
        flags: FunctionFlags,
        function: F,
    ) -> Result<()>
    where
        F: Fn(&Arguments<'_>) -> Result<T> + Send + 'static,
        T: ToSql,
    {
        let c_name = CString::new(name).map_err(|_| Error::Nul {
            what: "function name",
        })?;
        if arg_count < -1 {
            return Err(Error::user(format!(
                "`{name}`: an argument count is -1 (any) or at least 0, not {arg_count}"
            )));
        }
        let mut text_rep = ffi::SQLITE_UTF8;
        if flags.deterministic {
            text_rep |= ffi::SQLITE_DETERMINISTIC;
        }
        let registered = Box::new(Registered {
            api: self.api(),
            name: name.to_owned(),
            function,
        });
        let api = self.api();
        // SAFETY: an open connection and a NUL-terminated name; the user data is a
        // `Registered<F>` that `call::<F, T>` reads and `destroy::<F>` frees, which sqlite
        // calls exactly once: when the function is replaced, the connection closes, or this
        // call fails.
        let rc = unsafe {
            api.sqlite3_create_function_v2(
                self.handle(),
                c_name.as_ptr(),
                arg_count,
                text_rep,
                Box::into_raw(registered).cast(),
                Some(call::<F, T>),
                None,
                None,
                Some(destroy::<F>),
            )
        };
        if rc == ffi::SQLITE_OK {
            Ok(())
        } else {
            // sqlite's own message says why (a statement still running, say).
            Err(self.error(rc))
        }
    }
}

/// `xFunc` for closures of type `F`: one trampoline per closure type, finding the closure
/// through the user-data pointer.
extern "C" fn call<F, T>(context: *mut sqlite3_context, argc: c_int, argv: *mut *mut sqlite3_value)
where
    F: Fn(&Arguments<'_>) -> Result<T> + Send + 'static,
    T: ToSql,
{
    // Reaching the API needs the user data, which needs the API: the first call goes through
    // the loaded library, which exists since a connection does.
    let Ok(api) = ffi::api() else { return };
    // SAFETY: sqlite passes the user data given to create_function_v2, a live `Registered<F>`
    // (destroyed only after the function can no longer be called), shared, never mutated.
    let registered = unsafe { &*api.sqlite3_user_data(context).cast::<Registered<F>>() };
    let count = argc.max(0) as usize;
    let values: &[*mut sqlite3_value] = if count == 0 || argv.is_null() {
        &[]
    } else {
        // SAFETY: sqlite passes `argc` argument pointers, valid during the call.
        unsafe { std::slice::from_raw_parts(argv, count) }
    };
    let arguments = Arguments {
        api: registered.api,
        values,
        function: &registered.name,
    };
    let outcome = panic::catch_unwind(AssertUnwindSafe(|| {
        (registered.function)(&arguments).and_then(|result| set_result(api, context, &result))
    }));
    let message = match outcome {
        Ok(Ok(())) => return,
        Ok(Err(e)) => e.to_string(),
        Err(payload) => {
            let reason = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "a non-string payload".to_owned());
            format!("`{}` panicked: {reason}", registered.name)
        }
    };
    let len = message.len().min(c_int::MAX as usize) as c_int;
    // SAFETY: the call's context; sqlite copies the message (`len` bytes) before returning.
    unsafe { api.sqlite3_result_error(context, message.as_ptr().cast(), len) };
}

fn set_result<T: ToSql>(api: &Sqlite3, context: *mut sqlite3_context, result: &T) -> Result<()> {
    let value = result.to_sql()?;
    let len = match value {
        ValueRef::Text(t) => length("text", t.len())?,
        ValueRef::Blob(b) => length("blob", b.len())?,
        _ => 0,
    };
    // SAFETY: in every arm, the call's context; text and blob pointers are valid for `len`
    // bytes and SQLITE_TRANSIENT makes sqlite copy them before returning. An empty blob's
    // pointer is dangling but non-null, and sqlite reads none of its zero bytes.
    unsafe {
        match value {
            ValueRef::Null => api.sqlite3_result_null(context),
            ValueRef::Integer(i) => api.sqlite3_result_int64(context, i),
            ValueRef::Real(r) => api.sqlite3_result_double(context, r),
            ValueRef::Text(t) => {
                api.sqlite3_result_text(context, t.as_ptr().cast(), len, ffi::SQLITE_TRANSIENT)
            }
            ValueRef::Blob(b) => {
                api.sqlite3_result_blob(context, b.as_ptr().cast(), len, ffi::SQLITE_TRANSIENT)
            }
        }
    }
    Ok(())
}

/// `xDestroy` for closures of type `F`: frees what `create_function` boxed.
extern "C" fn destroy<F>(data: *mut c_void) {
    // SAFETY: sqlite calls this once with the pointer `Box::into_raw` made in
    // `create_function`, after its last use.
    let registered = unsafe { Box::from_raw(data.cast::<Registered<F>>()) };
    // A closure's destructor may panic; it must not unwind into sqlite.
    if let Err(payload) = panic::catch_unwind(AssertUnwindSafe(|| drop(registered))) {
        // Dropping the payload could panic again: leak it instead.
        std::mem::forget(payload);
    }
}
