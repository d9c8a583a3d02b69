//! Memory objects: typed views of C memory.

mod bytes;
pub(crate) mod codec;
mod complex;
mod data;
mod long_double;
mod ops;
mod path;
mod pointer;
mod spare;
mod storage;
mod string;
mod value;

pub(crate) use bytes::copy_bytes;
pub use complex::Complex;
pub use data::CData;
pub use long_double::{c_longdouble, LongDouble};
pub use ops::{memmove, memset};
pub(crate) use storage::{Pins, Storage};
pub use string::{string_at, wstring_at};
pub use value::Value;
