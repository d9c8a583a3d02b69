//! What calls and callbacks share, below both: the values a call gives and a callback takes
//! ([`CValue`]), how each parameter is passed ([`Param`]) and a scalar encoded, the one-word
//! lanes of plain scalars ([`Lane`]), the handle to a callback's code ([`Callback`]) that a
//! call may take as an argument, and (on x86-64 System V) the layout of the argument registers
//! and result registers that the call engine loads and the callbacks' entry saves.

mod code;
mod lane;
#[cfg(all(target_arch = "x86_64", unix))]
mod libffi_limits;
mod param;
#[cfg(ctypes_sysv64)]
pub(crate) mod register_file;
mod value;

pub use code::Callback;
pub(crate) use code::Code;
pub(crate) use lane::{each_type, Lane};
#[cfg(all(target_arch = "x86_64", unix))]
pub(crate) use libffi_limits::refusal as libffi_refusal;
pub(crate) use param::{encode_scalar, params_of, Param};
pub use value::CValue;
