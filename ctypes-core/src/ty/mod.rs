//! Runtime C type objects.

mod builder;
mod ctype;
mod deep;
mod display;
mod record;
mod scalar;
mod signature;

pub use builder::RecordBuilder;
pub use ctype::{CType, TypeKind};
pub(crate) use deep::deeper;
pub use record::{Field, Record, RecordDef, RecordKind};
pub use scalar::{LongDoubleFormat, Scalar, ScalarClass};
pub use signature::Signature;
