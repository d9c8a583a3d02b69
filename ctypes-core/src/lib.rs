//! C types, layouts and memory described at run time.
//!
//! `ctypes-core` is the runtime half of C interop: it describes C types while the program runs,
//! lays them out exactly as the C compiler does, and reads and writes C memory through them.
//!
//! ```
//! use ctypes_core::{CData, CType, Scalar, Value};
//!
//! let point = CType::struct_builder("point")
//!     .field("x", CType::scalar(Scalar::Int))
//!     .field("y", CType::scalar(Scalar::Int))
//!     .build()?;
//! let p = CData::new(&point)?;
//! p.set("y", Value::Int(-7))?;
//! assert_eq!(p.get("y")?, Value::Int(-7));
//! assert_eq!(p.to_bytes()[4..8], (-7i32).to_ne_bytes());
//! # Ok::<(), ctypes_core::Error>(())
//! ```

#[cfg(all(target_arch = "x86_64", unix))]
mod abi;
mod arity;
mod callback;
mod ctyped;
mod error;
mod func;
mod in_call;
mod layout;
mod library;
mod mem;
mod raw;
mod ty;

pub use callback::{
    set_callback_failure_handler, Callback, CallbackFailure, CallbackFn, CallbackFnOf,
    CallbackReturn, CallbackScalar, TypedCallback,
};
pub use ctyped::{CConvert, CPointee, CResult, CReturn, CTyped};
pub use ctypes_macros::{c_enum, c_func, c_library, c_opaque, c_struct, c_union};
pub use error::{Error, RecordProblem, Result};
pub use func::{errno, set_errno, Arg, CValue, CallPath, ErrCheck, Function};
pub use layout::{ByteOrder, LayoutRules};
pub use library::{find_library, Library, OpenFlags};
pub use mem::*;
pub use ty::*;

#[doc(hidden)]
pub mod __private;

/// The README's examples, compiled and run as documentation tests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;
