//! Compile-fail and compile-pass cases for the `ctypes-core` macros, run with `trybuild`.
//!
//! Each family of mistakes has one file under `tests/ui/fail/`, ending in `fn main() {}`, with
//! the compiler's output pinned in a `.stderr` file beside it; `tests/ui/pass/` holds
//! declarations that must compile without warnings.
