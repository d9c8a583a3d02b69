//! The benchmark's contract (which groups and functions `tests/benches/calls.rs` measures) and
//! the reading of criterion's `estimates.json` files for them.

use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde_json::Value;

/// One measured path within a group: criterion's function id and what it is.
#[derive(Debug)]
pub struct PathSpec {
    pub id: &'static str,
    pub what: &'static str,
}

/// One criterion group: the C function measured and the paths through which it is called.
#[derive(Debug)]
pub struct GroupSpec {
    pub id: &'static str,
    /// The C declaration, as the report's heading.
    pub signature: &'static str,
    /// What else a reader needs to know about the measurement.
    pub note: Option<&'static str>,
    /// The chart panel's title, after the group id.
    pub chart_title: &'static str,
    /// The function id the `× baseline` column divides by.
    pub baseline: &'static str,
    /// The function id the `× raw libffi` column divides by.
    pub raw_libffi: &'static str,
    pub paths: &'static [PathSpec],
}

const fn path(id: &'static str, what: &'static str) -> PathSpec {
    PathSpec { id, what }
}

const DIRECT: PathSpec = path(
    "direct",
    "Rust call through a function pointer (no FFI library)",
);
const RAW_LIBFFI: PathSpec = path("raw_libffi", "libffi-sys with a CIF prepared once");
const CTYPES_LIBFFI: PathSpec = path("ctypes_libffi", "`Function::call`, forced through libffi");
const CTYPES_FAST: PathSpec = path(
    "ctypes_fast",
    "`Function::call_value` on the register call (no libffi)",
);
const CTYPES_FAST_CALL: PathSpec = path(
    "ctypes_fast_call",
    "`Function::call` on the register call, a `CValue` result",
);
const CTYPES_TYPED: PathSpec = path("ctypes_typed", "macro-generated typed call");

/// The groups and functions the `calls` benchmark produces, in report order.
pub const GROUPS: &[GroupSpec] = &[
    GroupSpec {
        id: "add",
        signature: "int add(int, int)",
        note: None,
        chart_title: "int add(int, int)",
        baseline: "direct",
        raw_libffi: "raw_libffi",
        paths: &[
            DIRECT,
            RAW_LIBFFI,
            CTYPES_LIBFFI,
            CTYPES_FAST_CALL,
            CTYPES_FAST,
            CTYPES_TYPED,
        ],
    },
    GroupSpec {
        id: "sum6",
        signature: "long sum6(long, long, long, long, long, long)",
        note: None,
        chart_title: "long sum6(long × 6)",
        baseline: "direct",
        raw_libffi: "raw_libffi",
        paths: &[
            DIRECT,
            RAW_LIBFFI,
            CTYPES_LIBFFI,
            CTYPES_FAST_CALL,
            CTYPES_FAST,
            CTYPES_TYPED,
        ],
    },
    GroupSpec {
        id: "mid",
        signature: "Point mid(Point, Point)",
        note: Some("`Point` is `struct { double x, y; }`, passed and returned by value."),
        chart_title: "Point mid(Point, Point), Point = { double x, y } by value",
        baseline: "direct",
        raw_libffi: "raw_libffi",
        paths: &[
            DIRECT,
            RAW_LIBFFI,
            path(
                "ctypes_engine",
                "`Function::call` on the call engine, result in a new object",
            ),
            path(
                "ctypes_engine_into",
                "`Function::call_into` on the call engine, result into an existing object",
            ),
            path(
                "ctypes_libffi",
                "`Function::call` through libffi, result in a new object",
            ),
            path(
                "ctypes_libffi_into",
                "`Function::call_into` through libffi, result into an existing object",
            ),
            CTYPES_TYPED,
        ],
    },
    GroupSpec {
        id: "spill",
        signature: "double spill(double × 8, int × 8, Triple)",
        note: Some(
            "`Triple` is `struct { double a, b, c; }`: the last ten arguments go on the stack, \
             the record among them.",
        ),
        chart_title: "double spill(double × 8, int × 8, Triple), arguments on the stack",
        baseline: "direct",
        raw_libffi: "raw_libffi",
        paths: &[
            DIRECT,
            RAW_LIBFFI,
            path("ctypes_engine", "`Function::call` on the call engine"),
            path(
                "ctypes_engine_value",
                "`Function::call_value` on the call engine",
            ),
            path("ctypes_libffi", "`Function::call`, forced through libffi"),
        ],
    },
    GroupSpec {
        id: "callback_x1000",
        signature: "long call_n(int (*f)(int, int), int n)",
        note: Some(
            "C calls the callback `f` 1000 times in a loop; times are for the 1000 calls, \
             so divide by 1000 for one call.",
        ),
        chart_title: "C calls an int (*)(int, int) callback 1000 times (time for all 1000)",
        baseline: "native_c",
        raw_libffi: "raw_libffi_closure",
        paths: &[
            path("native_c", "a C function as the callback (no FFI library)"),
            path("raw_libffi_closure", "libffi-sys closure prepared once"),
            path(
                "ctypes_callback",
                "`Callback::new`: a closure over `&[CValue]`",
            ),
            path(
                "ctypes_callback_from_fn",
                "`Callback::from_fn`: a closure over Rust scalars",
            ),
            path("ctypes_typed_callback", "`c_func!` type's `callback`"),
        ],
    },
    GroupSpec {
        id: "callback_point_arg_x1000",
        signature: "double call_n_point_take(double (*f)(Point), int n)",
        note: Some(
            "C calls the callback `f`, which takes a `Point` (`struct { double x, y; }`) by \
             value, 1000 times; times are for the 1000 calls.",
        ),
        chart_title: "C calls a double (*)(Point) callback 1000 times (time for all 1000)",
        baseline: "native_c",
        raw_libffi: "raw_libffi_closure",
        paths: &[
            path("native_c", "a C function as the callback (no FFI library)"),
            path("raw_libffi_closure", "libffi-sys closure prepared once"),
            path(
                "ctypes_callback",
                "`Callback::new`: a closure over `&[CValue]`, the record in a `CData`",
            ),
        ],
    },
    GroupSpec {
        id: "callback_point_result_x1000",
        signature: "double call_n_point_make(Point (*f)(double), int n)",
        note: Some(
            "C calls the callback `f`, which returns a `Point` by value, 1000 times; the \
             `Callback::new` closure makes a new `CData` for each result.",
        ),
        chart_title: "C calls a Point (*)(double) callback 1000 times (time for all 1000)",
        baseline: "native_c",
        raw_libffi: "raw_libffi_closure",
        paths: &[
            path("native_c", "a C function as the callback (no FFI library)"),
            path("raw_libffi_closure", "libffi-sys closure prepared once"),
            path(
                "ctypes_callback",
                "`Callback::new`: a closure over `&[CValue]` returning a new `CData`",
            ),
        ],
    },
];

/// A criterion median in nanoseconds per iteration, with its 95 % confidence interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    pub median_ns: f64,
    pub lower_ns: f64,
    pub upper_ns: f64,
}

/// An `estimates.json` that exists but does not hold what criterion writes.
#[derive(Debug)]
pub enum ReadError {
    Io(PathBuf, io::Error),
    Json(PathBuf, serde_json::Error),
    Field(PathBuf, &'static str),
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::Io(path, error) => write!(f, "cannot read {}: {error}", path.display()),
            ReadError::Json(path, error) => write!(f, "{} is not JSON: {error}", path.display()),
            ReadError::Field(path, field) => {
                write!(f, "{} has no number at {field}", path.display())
            }
        }
    }
}

impl std::error::Error for ReadError {}

/// Criterion's output directory: `$CARGO_TARGET_DIR/criterion`, else `<workspace>/target/criterion`.
pub fn default_criterion_dir(workspace: &Path) -> PathBuf {
    target_dir(workspace).join("criterion")
}

/// `$CARGO_TARGET_DIR` if set, else `<workspace>/target`.
pub fn target_dir(workspace: &Path) -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => workspace.join("target"),
    }
}

/// Where criterion keeps the latest estimates of `group/function`.
pub fn estimates_path(criterion: &Path, group: &str, function: &str) -> PathBuf {
    criterion
        .join(group)
        .join(function)
        .join("new")
        .join("estimates.json")
}

/// Reads the median of `group/function`; `Ok(None)` when that id was not measured.
pub fn read_estimate(
    criterion: &Path,
    group: &str,
    function: &str,
) -> Result<Option<(Estimate, SystemTime)>, ReadError> {
    let path = estimates_path(criterion, group, function);
    let text = match fs::read_to_string(&path) {
        Ok(text) => text,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(ReadError::Io(path, error)),
    };
    let modified = fs::metadata(&path)
        .and_then(|meta| meta.modified())
        .unwrap_or(SystemTime::UNIX_EPOCH);
    let estimate = parse_estimates(&text).map_err(|error| match error {
        ParseError::Json(error) => ReadError::Json(path.clone(), error),
        ParseError::Field(field) => ReadError::Field(path.clone(), field),
    })?;
    Ok(Some((estimate, modified)))
}

enum ParseError {
    Json(serde_json::Error),
    Field(&'static str),
}

fn parse_estimates(text: &str) -> Result<Estimate, ParseError> {
    let json: Value = serde_json::from_str(text).map_err(ParseError::Json)?;
    let number = |pointer: &'static str| {
        json.pointer(pointer)
            .and_then(Value::as_f64)
            .ok_or(ParseError::Field(pointer))
    };
    Ok(Estimate {
        median_ns: number("/median/point_estimate")?,
        lower_ns: number("/median/confidence_interval/lower_bound")?,
        upper_ns: number("/median/confidence_interval/upper_bound")?,
    })
}

/// Function ids criterion has results for in `group` that the contract does not name, such as
/// those left by an older version of the benchmark.
pub fn unknown_functions(criterion: &Path, group: &GroupSpec) -> Vec<String> {
    let Ok(entries) = fs::read_dir(criterion.join(group.id)) else {
        return Vec::new();
    };
    let mut unknown: Vec<String> = entries
        .filter_map(Result::ok)
        .filter(|entry| entry.path().join("new").join("estimates.json").is_file())
        .filter_map(|entry| entry.file_name().into_string().ok())
        .filter(|name| group.paths.iter().all(|path| path.id != name))
        .collect();
    unknown.sort();
    unknown
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_name_their_baselines_among_their_paths() {
        for group in GROUPS {
            let has = |id: &str| group.paths.iter().any(|path| path.id == id);
            assert!(has(group.baseline), "{}", group.id);
            assert!(has(group.raw_libffi), "{}", group.id);
        }
    }

    #[test]
    fn a_missing_field_is_an_error() {
        let text = r#"{"median":{"point_estimate":1.0}}"#;
        assert!(matches!(
            parse_estimates(text),
            Err(ParseError::Field("/median/confidence_interval/lower_bound"))
        ));
    }
}
