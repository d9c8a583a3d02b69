//! C types, layouts, memory, libraries, calls and callbacks, described at run time: the model
//! of Python's `ctypes`, in Rust.
//!
//! Rust binds C at build time with `extern` blocks and `-sys` crates; this crate is the other
//! half, for programs that bind a library they cannot link at build time and for interpreters
//! and tools that meet C types only at run time. It has four parts, and macros on top.
//!
//! # Types and layout
//!
//! [`CType`] is a cheap, immutable handle to a C type: scalars ([`Scalar`]), pointers, arrays,
//! structs and unions ([`RecordBuilder`]: bit-fields, `pack`, `align`, MSVC rules, big-endian
//! storage), function types ([`Signature`]). The layout engine places every field exactly as the
//! system C compiler does.
//!
//! ```
//! use ctypes_core::{CType, Scalar};
//!
//! let int = CType::scalar(Scalar::Int);
//! let header = CType::struct_builder("header")
//!     .field("kind", CType::scalar(Scalar::UChar))
//!     .bit_field("length", CType::scalar(Scalar::UInt), 12)
//!     .field("items", int.array(4)?)
//!     .build()?;
//! assert_eq!((header.size()?, header.align()?), (20, 4));
//! assert_eq!(int.pointer().array(2)?.to_string(), "int *[2]");
//! # Ok::<(), ctypes_core::Error>(())
//! ```
//!
//! # Memory
//!
//! [`CData`] is typed memory: made zeroed, read and written by field path with every value
//! checked against its C type, viewed in place (fields, elements, casts), pointed to by pointers
//! that keep their target alive.
//!
//! ```
//! use ctypes_core::{CData, CType, Scalar, Value};
//!
//! let point = CType::struct_builder("point")
//!     .field("x", CType::scalar(Scalar::Int))
//!     .field("y", CType::scalar(Scalar::Int))
//!     .build()?;
//! let p = CData::new(&point)?;
//! p.set("y", -7)?;
//! assert_eq!(p.get("y")?, Value::Int(-7));
//! assert_eq!(p.to_bytes()[4..8], (-7i32).to_ne_bytes());
//! assert!(p.set("x", 1i64 << 40).is_err()); // does not fit in an int
//! # Ok::<(), ctypes_core::Error>(())
//! ```
//!
//! # Loading and calls
//!
//! [`Library`] opens a shared library by name or path; [`Function`] is a symbol with a runtime
//! signature, its arguments checked before the call. Calling C is `unsafe`: the signature must be
//! the function's.
//!
//! ```
//! use ctypes_core::{CData, CType, Library, Scalar, Signature, Value};
//!
//! let int = CType::scalar(Scalar::Int);
//! let double = CType::scalar(Scalar::Double);
//! // SAFETY: loading libm runs only the C library's own initialisers.
//! let libm = unsafe { Library::open("m") }?;
//! let frexp = libm.function("frexp", Signature::new(vec![double.clone(), int.pointer()], double))?;
//! let exponent = CData::new(&int)?;
//! // SAFETY: `double frexp(double, int *)`, with a pointer to a live int.
//! let mantissa = unsafe { frexp.call(&[48.0f64.into(), (&exponent).into()]) }?;
//! assert_eq!(mantissa.as_f64(), Some(0.75));
//! assert_eq!(exponent.value()?, Value::Int(6));
//! # Ok::<(), ctypes_core::Error>(())
//! ```
//!
//! # Callbacks
//!
//! [`Callback`] makes a Rust closure a C function pointer, valid while the callback lives; a
//! panic never unwinds into C, it comes back to the call that led to it.
//!
//! ```
//! use ctypes_core::{CType, CValue, Callback, Scalar, Signature, Value};
//!
//! let int = CType::scalar(Scalar::Int);
//! let twice = Callback::new(Signature::new(vec![int.clone()], int), |args| match args[0] {
//!     CValue::Value(Value::Int(n)) => CValue::Value(Value::Int(2 * n)),
//!     _ => unreachable!("an int"),
//! })?;
//! // SAFETY: the callback's code takes and returns an int.
//! let direct: extern "C" fn(i32) -> i32 = unsafe { std::mem::transmute(twice.code()) };
//! assert_eq!(direct(21), 42);
//! # Ok::<(), ctypes_core::Error>(())
//! ```
//!
//! # Macros
//!
//! [`c_struct`], [`c_union`], [`c_enum`] and [`c_opaque`] declare C types as Rust types with the
//! C layout (checked at compile time against the same engine); [`c_func!`] declares a function
//! pointer type with a typed call and typed callbacks; [`c_library!`] declares a library's
//! functions and globals, resolved together by `load()`.
//!
//! ```
//! use std::ffi::{c_char, c_double};
//! use ctypes_core::{c_struct, CTyped};
//!
//! #[c_struct(pack = 1)]
//! #[derive(Clone, Copy)]
//! struct Sample {
//!     tag: c_char,
//!     value: c_double,
//! }
//!
//! assert_eq!(std::mem::size_of::<Sample>(), 9);
//! assert_eq!(Sample::c_type().size()?, 9);
//! # Ok::<(), ctypes_core::Error>(())
//! ```
//!
//! The project's README has a longer tour (records, calls, variadic functions, the macros, a
//! whole library bound at run time), and `docs/api.md` maps Python's `ctypes` names to this
//! crate's.

#[cfg(all(target_arch = "x86_64", unix))]
mod abi;
mod arity;
mod callback;
pub mod cdef;
mod ctyped;
mod ctyped_complex;
mod encode;
mod error;
mod func;
mod in_call;
mod layout;
mod library;
mod mem;
mod raw;
mod ty;

pub use callback::{
    set_callback_failure_handler, CallbackFn, CallbackFnOf, CallbackReturn, CallbackScalar,
    CallbackScope, ThreadSafe, TypedCallback,
};
pub use ctyped::{CConvert, CPointee, CResult, CReturn, CTyped};
pub use ctypes_macros::{c_enum, c_func, c_library, c_opaque, c_struct, c_union};
pub use encode::{CValue, Callback};
pub use error::{Error, RecordProblem, Result};
pub use func::{errno, set_errno, Arg, CallPath, ErrCheck, Function, ResultMap};
pub use in_call::CallbackFailure;
pub use layout::{ByteOrder, LayoutRules};
pub use library::{find_library, Library, OpenFlags};
pub use mem::*;
pub use ty::*;

#[doc(hidden)]
pub mod __private;
