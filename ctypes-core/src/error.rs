//! The crate's error type.

use std::fmt;

/// Everything that can go wrong in `ctypes-core`.
///
/// Each variant names the thing it is about: the record and field, the index and the bound, the
/// value and the C type.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A struct or union definition that C would reject.
    #[error("{record}{}: {problem}", field_suffix(.field))]
    InvalidRecord {
        /// The record, as `struct name` or `union name`.
        record: String,
        /// The field at fault, if the problem is with one field.
        field: Option<String>,
        /// What is wrong.
        problem: RecordProblem,
    },
    /// A type whose size is needed but not known: `void`, a function type, or a record that was
    /// declared and not yet defined.
    #[error("incomplete type `{ty}` used where its size is needed{}", context_suffix(.context))]
    Incomplete {
        /// The type, as C spells it.
        ty: String,
        /// Where the size was needed.
        context: String,
    },
    /// A record was defined twice.
    #[error("`{0}` is already defined")]
    AlreadyDefined(String),
    /// A record declared by a Rust declaration (`#[c_struct]`, `#[c_union]`), which only that
    /// declaration defines, was given a definition at run time.
    #[error(
        "`{0}` is defined by its Rust declaration (`#[c_struct]` or `#[c_union]`), not at run time"
    )]
    DefinedByDeclaration(String),
    /// A record has no field of this name, or an operation expected a record.
    #[error("`{ty}` has no field `{field}`")]
    NoSuchField {
        /// The type that was searched.
        ty: String,
        /// The name that was looked up.
        field: String,
    },
    /// An index past the end of an array or a record's fields.
    #[error("index {index} is out of bounds for `{ty}` of length {len}")]
    IndexOutOfBounds {
        /// The indexed type.
        ty: String,
        /// The index given.
        index: usize,
        /// The number of elements.
        len: usize,
    },
    /// A byte range that does not lie inside the object.
    #[error("{what}: range {offset}..{end} is outside an object of {size} bytes")]
    OutOfRange {
        /// The operation.
        what: &'static str,
        /// Start of the range, in bytes.
        offset: usize,
        /// End of the range, in bytes.
        end: usize,
        /// Size of the object.
        size: usize,
    },
    /// A value that does not fit the C type it is stored into.
    #[error("value {value} does not fit in `{ty}`")]
    ValueOutOfRange {
        /// The value, as written.
        value: String,
        /// The C type, as C spells it.
        ty: String,
    },
    /// An operation on an object of the wrong type.
    #[error("expected {expected}, found {found}")]
    TypeMismatch {
        /// What was expected.
        expected: String,
        /// The type or value found.
        found: String,
    },
    /// Dereference of a NULL pointer.
    #[error("NULL pointer dereference through `{0}`")]
    NullPointer(String),
    /// A string longer than the buffer it is stored into.
    #[error("string of {len} bytes does not fit in `{ty}` of {capacity} bytes")]
    StringTooLong {
        /// The buffer's type.
        ty: String,
        /// Length of the string in bytes (for a wide string, its code units times their size).
        len: usize,
        /// How many bytes the buffer holds.
        capacity: usize,
    },
    /// A size or count too large for the address space.
    #[error("size overflow: {0}")]
    SizeOverflow(String),
    /// The allocator could not provide a block of this size and alignment.
    #[error("cannot allocate {size} bytes aligned to {align}: out of memory")]
    Allocation {
        /// The size asked for, in bytes.
        size: usize,
        /// The alignment asked for.
        align: usize,
    },
    /// A library that could not be loaded under any of the names tried.
    #[error("cannot load library `{name}`: {message} (tried: {})", .tried.join(", "))]
    Load {
        /// The name asked for.
        name: String,
        /// Every name or path handed to the loader, in order.
        tried: Vec<String>,
        /// The loader's message for the last attempt.
        message: String,
    },
    /// Symbols a library declaration needs that the library does not export.
    #[error("`{library}` lacks {}: {}", if .symbols.len() == 1 { "a symbol" } else { "symbols" }, .symbols.join(", "))]
    MissingSymbols {
        /// The library searched.
        library: String,
        /// Every missing symbol.
        symbols: Vec<String>,
    },
    /// A symbol missing from a library.
    #[error("symbol `{symbol}` not found in `{library}`: {message}")]
    Symbol {
        /// The library searched.
        library: String,
        /// The symbol asked for.
        symbol: String,
        /// The loader's message.
        message: String,
    },
    /// A call with the wrong number of arguments.
    #[error("`{function}` takes {expected} arguments, {given} given")]
    ArgumentCount {
        /// The function called.
        function: String,
        /// How many it takes (`2`, `at least 1`).
        expected: String,
        /// How many were given.
        given: usize,
    },
    /// An argument that does not fit its parameter.
    #[error("`{function}` argument {}: expected `{expected}`, found {found}", .index + 1)]
    Argument {
        /// The function called.
        function: String,
        /// The argument's position, from 0 (the message counts from 1, as C and CPython do).
        index: usize,
        /// The parameter's C type.
        expected: String,
        /// What was given, and why it does not fit.
        found: String,
    },
    /// A signature that libffi cannot be made to call exactly as C would.
    #[error("cannot call `{function}`: {reason}")]
    Signature {
        /// The function.
        function: String,
        /// What cannot be described.
        reason: String,
    },
    /// A result check (`errcheck`) refused a call's result.
    #[error("`{function}` failed: {source}")]
    Call {
        /// The function called.
        function: String,
        /// What the check reported.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// A callback returned a value its C result type cannot hold.
    #[error("callback returned {found}, which does not fit its result type `{expected}`")]
    CallbackResult {
        /// The C result type.
        expected: String,
        /// What the closure returned, and why it does not fit.
        found: String,
    },
    /// A callback made from a closure that is not `Send` was called on another thread; the
    /// closure did not run.
    #[error("a callback whose closure is not `Send` was called on a thread other than its own")]
    CallbackThread,
    /// A scoped callback ([`Callback::scope`](crate::Callback::scope)) was called after its
    /// scope ended; its closure did not run.
    #[error("a scoped callback was called after its scope ended")]
    CallbackScopeEnded,
    /// A malformed field path such as `a.b[`.
    #[error("malformed field path `{path}`: {reason}")]
    BadPath {
        /// The path given.
        path: String,
        /// What is wrong with it.
        reason: String,
    },
}

fn field_suffix(field: &Option<String>) -> String {
    match field {
        Some(f) => format!(", field `{f}`"),
        None => String::new(),
    }
}

fn context_suffix(context: &str) -> String {
    if context.is_empty() {
        String::new()
    } else {
        format!(" ({context})")
    }
}

/// Why a record definition is invalid.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RecordProblem {
    /// A bit-field whose declared type is not `_Bool` or an integer type.
    BitFieldType(String),
    /// A named bit-field of width zero.
    ZeroWidthNamed,
    /// A bit-field wider than its declared type.
    BitFieldTooWide {
        /// The width given.
        width: u32,
        /// The width of the declared type in bits.
        max: u32,
    },
    /// `pack` that is not a power of two.
    PackNotPowerOfTwo(usize),
    /// `align` that is not a power of two.
    AlignNotPowerOfTwo(usize),
    /// Two fields with the same name (anonymous members' fields included).
    DuplicateField,
    /// The record contains itself by value.
    ContainsItself,
    /// A field of incomplete type.
    IncompleteField(String),
    /// A field whose type has no storage (void, function).
    NotAnObjectType(String),
    /// An anonymous member whose type is not a struct or union.
    AnonymousNotRecord(String),
    /// A size past what the address space can hold.
    TooLarge,
    /// A field named with the empty string, which no path can reach.
    EmptyName,
}

impl fmt::Display for RecordProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RecordProblem::BitFieldType(t) => {
                write!(f, "bit-field has non-integer type `{t}`")
            }
            RecordProblem::ZeroWidthNamed => f.write_str("named bit-field has zero width"),
            RecordProblem::BitFieldTooWide { width, max } => write!(
                f,
                "bit-field width {width} exceeds the width of its type ({max} bit{})",
                if *max == 1 { "" } else { "s" }
            ),
            RecordProblem::PackNotPowerOfTwo(n) => write!(f, "pack({n}) is not a power of two"),
            RecordProblem::AlignNotPowerOfTwo(n) => {
                write!(f, "align({n}) is not a power of two")
            }
            RecordProblem::DuplicateField => f.write_str("duplicate field name"),
            RecordProblem::ContainsItself => f.write_str("the record contains itself by value"),
            RecordProblem::IncompleteField(t) => write!(f, "field has incomplete type `{t}`"),
            RecordProblem::NotAnObjectType(t) => {
                write!(f, "field has type `{t}`, which has no size")
            }
            RecordProblem::AnonymousNotRecord(t) => {
                write!(f, "anonymous member has type `{t}`, not a struct or union")
            }
            RecordProblem::TooLarge => f.write_str("the record is too large"),
            RecordProblem::EmptyName => f.write_str("a field name may not be empty"),
        }
    }
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
