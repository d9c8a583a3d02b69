//! The small unsafe layer over libffi that everything else calls through: type descriptions,
//! prepared call interfaces, calls.

mod cif;
mod closure;
mod ffi_type;

pub(crate) use cif::Cif;
pub(crate) use closure::Closure;
