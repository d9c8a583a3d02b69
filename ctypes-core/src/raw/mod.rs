//! The small unsafe layer over libffi that everything else calls through: type descriptions,
//! prepared call interfaces, calls.

mod cif;
mod ffi_type;

pub(crate) use cif::Cif;
