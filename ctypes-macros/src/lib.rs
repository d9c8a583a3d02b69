//! Procedural macros for `ctypes-core`, which re-exports them: use them as `ctypes_core::c_struct`
//! and so on.
//!
//! | macro | declares |
//! | --- | --- |
//! | [`#[c_struct]`](macro@c_struct) | a C struct: the Rust type with its layout, checked at compile time, and its runtime type |
//! | [`#[c_union]`](macro@c_union) | a C union, likewise |
//! | [`#[c_enum]`](macro@c_enum) | a C enum: a newtype over its integer type, one constant per enumerator |
//! | [`#[c_opaque]`](macro@c_opaque) | a C type known only by name, reached through pointers |
//! | [`c_func!`] | C function-pointer types: typed calls, closures as callbacks |
//! | [`c_library!`] | a shared library's functions and globals, resolved together by `load()` |
//!
//! ```ignore
//! use std::ffi::{c_char, c_double, c_int, c_uint, c_ulong, c_void};
//! use ctypes_core::{c_enum, c_func, c_library, c_opaque, c_struct, c_union};
//!
//! #[c_struct(pack = 1)]
//! struct Sample {
//!     tag: c_char,
//!     value: c_double,
//!     #[c(bits = 3)]
//!     flags: c_uint,
//! }
//!
//! #[c_union]
//! union Number {
//!     i: c_int,
//!     d: c_double,
//! }
//!
//! #[c_enum]
//! enum Mode {
//!     Off,
//!     On,
//! }
//!
//! #[c_opaque]
//! pub struct sqlite3;
//!
//! c_func! {
//!     pub type Compare = fn(*const c_void, *const c_void) -> c_int;
//! }
//!
//! c_library! {
//!     #[library("z", "libz.so.1")]
//!     pub struct Zlib {
//!         fn crc32(crc: c_ulong, buf: *const u8, len: c_uint) -> c_ulong;
//!     }
//! }
//! ```
//!
//! The README's sections "Declaring C types in Rust" and "Declaring libraries and function
//! types" hold runnable examples, compiled and run as documentation tests of `ctypes-core`.
//!
//! Each macro parses its input into the model of `ast`, runs the checks of `valid` (reporting
//! every error it can at once, at the narrowest token), and generates code in `expand`; the
//! generated code reaches the runtime only through `ctypes_core::__private`.

mod ast;
mod expand;
mod valid;

use proc_macro::TokenStream;

/// Declares a C struct: the Rust type with the C layout, its runtime type object (through
/// `ctypes_core::CTyped`), and compile-time assertions that Rust's layout and the layout engine's
/// agree in size, alignment and every field offset.
///
/// Options: `pack = N`, `align = N`, `layout = "sysv" | "ms"`, `endian = "big" | "little"`.
/// Field options: `#[c(name = "...")]` for a C name that differs from the Rust one, and
/// `#[c(bits = N)]` for a bit-field of an integer or `bool` type; a bit-field whose name starts
/// with `_` is an unnamed C bit-field (padding; only it may have width 0).
///
/// A struct with bit-fields keeps its plain fields as Rust fields of their own types (floats
/// and nested records too, so that passed by value it reaches C in the registers C uses); each
/// run of consecutive bit-fields is stored in a private byte array, read and written through
/// `name()` and `set_name(value)`: read sign-extended (signed types) or as `bit != 0` (`bool`),
/// written as C does, keeping the low `N` bits. Such a struct starts zeroed (`Default`), so its
/// plain fields must be valid when zeroed (no `c_func!` type; `Option` of one is fine).
///
/// A record in non-native byte order, and a union with bit-fields, is a `repr(C)` struct of its
/// bytes, of the engine's size and alignment, that starts zeroed (`Default`), with `name()` and
/// `set_name(value)` for each named field: scalars of a non-native record are byte-swapped,
/// arrays element by element (the getter returns the whole array), while pointers and nested
/// records are kept as they are (a record has its own byte order). Its plain fields must be
/// valid when zeroed (`Zeroable`) and cannot be floating (C would pass them in other registers
/// than the bytes); `as_bytes()` gives the bytes as C stores them.
#[proc_macro_attribute]
pub fn c_struct(args: TokenStream, input: TokenStream) -> TokenStream {
    expand::record(ast::Kind::Struct, args.into(), input.into()).into()
}

/// Declares a C union; see [`macro@c_struct`].
#[proc_macro_attribute]
pub fn c_union(args: TokenStream, input: TokenStream) -> TokenStream {
    expand::record(ast::Kind::Union, args.into(), input.into()).into()
}

/// Declares a shared library's functions and globals once: a struct whose `load()` opens the
/// library and resolves every symbol (reporting all missing ones in one error), with one
/// method per function calling through a plain function pointer, and one per global giving its
/// address.
///
/// ```ignore
/// c_library! {
///     #[library("z", "libz.so.1")]
///     pub struct Zlib {
///         fn zlibVersion() -> *const c_char;
///         fn crc32(crc: c_ulong, buf: *const u8, len: c_uint) -> c_ulong;
///         #[optional] fn crc32_z(crc: c_ulong, buf: *const u8, len: usize) -> c_ulong;
///         #[errno] fn gzopen(path: *const c_char, mode: *const c_char) -> *mut c_void;
///     }
/// }
/// ```
///
/// What each declaration becomes:
/// - a function: an `unsafe fn` method with the same parameters and result;
/// - `#[optional]`: `load()` succeeds without the symbol, and the method returns
///   `Option<R>`, `None` when the library lacks it
///   (`unsafe { zlib.crc32_z(0, data.as_ptr(), data.len()) }` is an `Option<c_ulong>`);
/// - `#[errno]`: the method returns `(R, c_int)`, `errno` read right after the call
///   (`Option<(R, c_int)>` with `#[optional]`);
/// - `...` (variadic): the method returns the `unsafe extern "C"` function pointer, which Rust
///   calls with the extra arguments; with `#[errno]`, the method takes a closure that makes the
///   call and returns `(its result, errno)`:
///   `libc.open(|open| unsafe { open(path.as_ptr(), O_CREAT, 0o600 as c_uint) })`;
/// - `static NAME: T;`: a method giving the global's address (`#[optional]`: an `Option`);
/// - `NAME_function()`: every function also as a runtime `Function`, for calls through libffi.
///
/// A function taking or returning a `c_longdouble`, or a record holding one by value, is
/// called through the call engine (`Function`, made by `load()`) rather than the pointer: a Rust
/// `extern "C"` function cannot pass x87 values as C does. The method looks the same; the
/// choice is made per type at compile time, and the record must then cross as a C value
/// (`CConvert`: every bit pattern of it valid, as for callbacks). A variadic function cannot
/// take one (call it through a runtime `Function`).
#[proc_macro]
pub fn c_library(input: TokenStream) -> TokenStream {
    expand::library(input.into()).into()
}

/// Declares C function-pointer types from Rust signatures:
/// `pub type Compare = fn(*const c_void, *const c_void) -> c_int;` becomes a
/// `#[repr(transparent)]` wrapper of `unsafe extern "C" fn(...)` with its runtime `signature()`,
/// a typed `call`, and `callback(closure)` making a C function of that type from a Rust closure.
/// `...` declares a variadic type; `#[errno]` makes `call` return `errno` too; a parameter marked
/// `#[user_data]` (the `void *` an API hands back) adds `for_closure`/`user_data`, which need no
/// trampoline at all.
///
/// A struct declared with `#[c_struct]` crosses a callback by value when every bit pattern C may
/// hand over is a valid value of each of its fields: integers, floats, raw pointers, `Option`
/// of `unsafe extern "C" fn` pointers, `#[c_enum]` types, arrays and structs of such fields, bit-fields of any
/// type (read through accessors). A `bool` field, a `c_func!` field or a union makes it
/// ineligible, which is a compile error at the type in the signature; pass a pointer instead.
/// Its padding reaches C as zeros.
///
/// With a `c_longdouble` (or a record holding one) in the signature, `call` goes through the
/// call engine (planned on each call), `callback` takes it as a C value, and `for_closure`,
/// whose trampoline is a Rust `extern "C"` function, is refused at compile time.
#[proc_macro]
pub fn c_func(input: TokenStream) -> TokenStream {
    expand::function_types(input.into()).into()
}

/// Declares an opaque C type (`typedef struct sqlite3 sqlite3;`): a type Rust never builds,
/// moves or shares, only points to. Written on a unit struct: `#[c_opaque] pub struct sqlite3;`.
/// Pointers to it map to `struct sqlite3 *`.
#[proc_macro_attribute]
pub fn c_opaque(args: TokenStream, input: TokenStream) -> TokenStream {
    expand::opaque(args.into(), input.into()).into()
}

/// Declares a C enum as a `#[repr(transparent)]` newtype over its integer type (`c_int` unless
/// given, as in `#[c_enum(u8)]`), with one associated constant per variant, so that any value C
/// stores is a valid Rust value; `Debug` shows the constant's name when there is one.
#[proc_macro_attribute]
pub fn c_enum(args: TokenStream, input: TokenStream) -> TokenStream {
    expand::enumeration(args.into(), input.into()).into()
}
