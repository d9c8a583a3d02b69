//! The parsed model of each declaration: plain structs built by `from_syn`, keeping the
//! original syntax wherever a check or the generated code needs its span.
//!
//! Parsing stops at the first mistake in an item's shape (the wrong kind of item, generics, the
//! item's own options malformed), which leaves nothing to check; a field whose options do not
//! parse keeps that error in its place, and every other mistake is left to `valid`, which
//! reports them in the order they are written.

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
