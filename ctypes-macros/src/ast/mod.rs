//! The parsed model of each declaration: plain structs built by `from_syn`, keeping the
//! original syntax wherever a check or the generated code needs its span.
//!
//! Parsing fails only on what leaves nothing to check (an item of the wrong kind, malformed
//! options); everything else is left to `valid`, so that errors come out in the order of the
//! declaration.

mod attr;
mod c_type;
mod enumeration;
mod func;
mod library;
mod opaque;
mod record;
mod signature;

pub use attr::RecordOptions;
pub use c_type::{CType, Pointee, FLOATING};
pub use enumeration::Enum;
pub use func::{FunctionType, FunctionTypes};
pub use library::{Entry, Function, Global, Library, Markers};
pub use opaque::Opaque;
pub use record::{Field, Kind, Record};
pub use signature::FnSig;
