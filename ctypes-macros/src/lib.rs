//! Procedural macros for `ctypes-core`: `#[c_struct]`, `#[c_union]` and `#[c_enum]`.
//!
//! Use them through `ctypes_core`, which re-exports them; the generated code reaches the
//! runtime only through `ctypes_core::__private`.

mod ast;
mod attr;
mod expand;
mod types;

use proc_macro::TokenStream;

/// Declares a C struct: the Rust type with the C layout, its runtime type object (through
/// `ctypes_core::CTyped`), and compile-time assertions that Rust's layout and the layout engine's
/// agree in size, alignment and every field offset.
///
/// Options: `pack = N`, `align = N`, `layout = "sysv" | "ms"`. Field option: `#[c(name = "...")]`
/// for a C name that differs from the Rust one.
#[proc_macro_attribute]
pub fn c_struct(args: TokenStream, input: TokenStream) -> TokenStream {
    expand::record(ast::Kind::Struct, args.into(), input.into()).into()
}

/// Declares a C union; see [`macro@c_struct`].
#[proc_macro_attribute]
pub fn c_union(args: TokenStream, input: TokenStream) -> TokenStream {
    expand::record(ast::Kind::Union, args.into(), input.into()).into()
}

/// Declares a C enum as a `#[repr(transparent)]` newtype over its integer type (`c_int` unless
/// given, as in `#[c_enum(u8)]`), with one associated constant per variant, so that any value C
/// stores is a valid Rust value; `Debug` shows the constant's name when there is one.
#[proc_macro_attribute]
pub fn c_enum(args: TokenStream, input: TokenStream) -> TokenStream {
    expand::enumeration(args.into(), input.into()).into()
}
