//! Procedural macros for `ctypes-core`.
//!
//! The attribute and function-like macros (`#[c_struct]`, `#[c_union]`, `c_func!`,
//! `c_library!`) are built on the runtime layout engine of `ctypes-core`; until they land
//! this crate exports nothing, so that the workspace shape and the re-export are in place.
