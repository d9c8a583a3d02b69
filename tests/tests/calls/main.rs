//! Calls into the C fixture library and into system libraries, each result computed on the C
//! side: every scalar type, many arguments, records and unions by value both ways, pointers,
//! strings, variadic functions, errno, function pointers.

use ctypes_core::{
    Arg, CData, CType, CValue, Function, Library, LongDouble, Scalar, Signature, Value,
};
use ctypes_tests::fixture::{
    as_f64, func, leaves, leaves_at, library, plus, record, sample, sig, t, Leaf,
};

/// Calls `f` with `args`, which must succeed.
fn call(f: &Function, args: &[Arg<'_>]) -> CValue {
    // SAFETY: every signature in these tests is the C declaration of the fixture function.
    unsafe { f.call(args) }.unwrap_or_else(|e| panic!("calling `{}`: {e}", f.name()))
}

mod complex;
mod errno;
mod function_pointers;
mod pointers;
mod records;
mod scalars;
mod system_libraries;
mod variadic;
