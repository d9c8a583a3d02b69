//! The crate's error type.

use std::ffi::c_int;

use crate::ffi::{self, sqlite3, Sqlite3};

/// Everything that can go wrong: loading libsqlite3, sqlite's own errors (with its message and
/// code), and mismatches between Rust values and SQL values.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// libsqlite3 could not be loaded under any of the names tried.
    #[error(
        "cannot load libsqlite3: {message} (tried: {}); install it with `apt-get install libsqlite3-0` \
         (Debian, Ubuntu), `dnf install sqlite-libs` (Fedora) or your system's sqlite package",
        .tried.join(", ")
    )]
    Load {
        /// Every name or path handed to the loader, in order.
        tried: Vec<String>,
        /// The loader's message for the last attempt.
        message: String,
    },
    /// The library loaded but lacks functions this crate calls (an sqlite older than 3.7.14).
    #[error("`{library}` lacks sqlite3 functions this crate needs: {}; sqlite 3.7.14 or newer is required", .functions.join(", "))]
    MissingFunctions {
        /// The library file.
        library: String,
        /// Every missing function.
        functions: Vec<String>,
    },
    /// The library was built with `SQLITE_THREADSAFE=0`, so connections could not be `Send`.
    #[error("`{library}` was built without thread support (SQLITE_THREADSAFE=0)")]
    NotThreadSafe {
        /// The library file.
        library: String,
    },
    /// An error sqlite reported.
    #[error("{message} (sqlite error {code})")]
    Sqlite {
        /// The extended result code (`SQLITE_CONSTRAINT_UNIQUE`, …); its low byte is the
        /// primary code.
        code: i32,
        /// sqlite's message (`sqlite3_errmsg`).
        message: String,
    },
    /// A string handed to sqlite (SQL, a file name, a function name) holds a NUL byte.
    #[error("{what} contains a NUL byte")]
    Nul {
        /// What the string was.
        what: &'static str,
    },
    /// Text or a blob longer than sqlite's length arguments (`int`) can say.
    #[error("{what} of {len} bytes is too long for sqlite")]
    TooLong {
        /// What the value was.
        what: &'static str,
        /// Its length in bytes.
        len: usize,
    },
    /// A statement was given the wrong number of parameters.
    #[error("the statement takes {expected} parameters, {given} given")]
    ParameterCount {
        /// What the SQL declares.
        expected: usize,
        /// What the call gave.
        given: usize,
    },
    /// No parameter has this name.
    #[error("the statement has no parameter named `{0}`")]
    NoSuchParameter(String),
    /// A column index past the last column.
    #[error("column {index} is out of range: the statement has {count} columns")]
    NoSuchColumn {
        /// The index given (0-based).
        index: usize,
        /// The number of columns.
        count: usize,
    },
    /// A value that does not convert to the Rust type asked for.
    #[error("{place}: {found} value cannot be read as {expected}")]
    Type {
        /// The column (`column 2 (`name`)`) or function argument.
        place: String,
        /// The SQL type stored.
        found: &'static str,
        /// The Rust type asked for.
        expected: &'static str,
    },
    /// An integer that does not fit the Rust type asked for, or a Rust integer that does not fit
    /// sqlite's 64-bit integer.
    #[error("{place}: {value} is out of range for {expected}")]
    OutOfRange {
        /// Where the value was.
        place: String,
        /// The value, printed.
        value: String,
        /// The type it should fit.
        expected: &'static str,
    },
    /// Text that is not UTF-8.
    #[error("{place}: text is not valid UTF-8")]
    Utf8 {
        /// Where the text was.
        place: String,
    },
    /// More than one statement where one was expected (`Connection::prepare`).
    #[error("more than one statement given where one was expected: `{rest}`")]
    MultipleStatements {
        /// The SQL after the first statement.
        rest: String,
    },
    /// No statement at all (empty SQL, or only comments).
    #[error("no SQL statement given")]
    EmptyStatement,
    /// A query that was to return a row returned none.
    #[error("the query returned no rows")]
    NoRows,
    /// An error a user-defined function reports to sqlite.
    #[error("{0}")]
    User(String),
}

/// The crate's `Result`.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An error for a user-defined function to return: sqlite raises it with this message.
    pub fn user(message: impl Into<String>) -> Error {
        Error::User(message.into())
    }

    /// sqlite's extended result code, for [`Error::Sqlite`].
    pub fn code(&self) -> Option<i32> {
        match self {
            Error::Sqlite { code, .. } => Some(*code),
            _ => None,
        }
    }

    /// sqlite's primary result code (`SQLITE_ERROR` = 1, `SQLITE_CONSTRAINT` = 19, …), for
    /// [`Error::Sqlite`].
    pub fn primary_code(&self) -> Option<i32> {
        self.code().map(|code| code & 0xff)
    }

    /// sqlite's message, for [`Error::Sqlite`].
    pub fn sqlite_message(&self) -> Option<&str> {
        match self {
            Error::Sqlite { message, .. } => Some(message),
            _ => None,
        }
    }

    /// The error the connection `db` holds after a call returned `rc`.
    pub(crate) fn from_connection(api: &Sqlite3, db: *mut sqlite3, rc: c_int) -> Error {
        // SAFETY: `db` is an open connection (the callers' handles are valid until closed);
        // errmsg's string is copied before any other call on the connection.
        let (extended, message) = unsafe {
            (
                api.sqlite3_extended_errcode(db),
                ffi::owned_string(api.sqlite3_errmsg(db)),
            )
        };
        // The connection's error belongs to this call when its primary code agrees; otherwise
        // (an API misuse that sets no message) sqlite's text for the code says what it is.
        if extended & 0xff == rc & 0xff {
            Error::Sqlite {
                code: extended,
                message: message.unwrap_or_default(),
            }
        } else {
            Error::from_code(api, rc)
        }
    }

    /// The error for a result code alone, with sqlite's text for it.
    pub(crate) fn from_code(api: &Sqlite3, rc: c_int) -> Error {
        // SAFETY: errstr returns a static string for any code.
        let message = unsafe { ffi::owned_string(api.sqlite3_errstr(rc)) };
        Error::Sqlite {
            code: rc,
            message: message.unwrap_or_default(),
        }
    }

    pub(crate) fn from_load(names: &[&str], source: ctypes_core::Error) -> Error {
        match source {
            ctypes_core::Error::Load { tried, message, .. } => Error::Load { tried, message },
            ctypes_core::Error::MissingSymbols { library, symbols } => Error::MissingFunctions {
                library,
                functions: symbols,
            },
            other => Error::Load {
                tried: names.iter().map(|n| (*n).to_owned()).collect(),
                message: other.to_string(),
            },
        }
    }

    /// A copy of a loading error, which is kept once and handed to every caller.
    pub(crate) fn clone_load_error(&self) -> Error {
        match self {
            Error::Load { tried, message } => Error::Load {
                tried: tried.clone(),
                message: message.clone(),
            },
            Error::MissingFunctions { library, functions } => Error::MissingFunctions {
                library: library.clone(),
                functions: functions.clone(),
            },
            Error::NotThreadSafe { library } => Error::NotThreadSafe {
                library: library.clone(),
            },
            other => Error::User(other.to_string()),
        }
    }
}
