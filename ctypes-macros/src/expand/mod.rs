//! Code generation: each macro's declaration parsed, checked, then generated; on an error,
//! `compile_error!` (and, for a record, the item as written).

mod bit_patterns;
mod c_type;
mod enumeration;
mod func;
mod library;
mod opaque;
mod record;
mod runtime;
mod signature;

pub use enumeration::enumeration;
pub use func::function_types;
pub use library::library;
pub use opaque::opaque;
pub use record::record;
