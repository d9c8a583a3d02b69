//! Compile-fail and compile-pass cases for the `ctypes-core` macros, run with `trybuild`.
//!
//! Each family of mistakes gets one file under `tests/ui/`, ending in `fn main() {}`, with the
//! compiler's output pinned in a `.stderr` file beside it. The cases arrive with the macros.
