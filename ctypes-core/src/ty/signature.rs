//! Function signatures: argument types, result type, variadic tail.

use super::ctype::CType;

/// The type of a C function: its argument types, its result type (`void` for none) and, for a
/// variadic function, how many arguments are fixed before the `...`.
///
/// ```
/// use ctypes_core::{CType, Scalar, Signature};
///
/// let printf = Signature::variadic(vec![CType::char_ptr()], CType::scalar(Scalar::Int));
/// assert_eq!(CType::function_pointer(printf).to_string(), "int (*)(char *, ...)");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signature {
    args: Vec<CType>,
    result: CType,
    variadic: bool,
}

impl Signature {
    /// A function taking `args` and returning `result` (`CType::void()` for none).
    pub fn new(args: Vec<CType>, result: CType) -> Signature {
        Signature {
            args,
            result,
            variadic: false,
        }
    }

    /// A variadic function: `fixed` are the arguments before the `...`.
    pub fn variadic(fixed: Vec<CType>, result: CType) -> Signature {
        Signature {
            args: fixed,
            result,
            variadic: true,
        }
    }

    /// The fixed argument types.
    pub fn args(&self) -> &[CType] {
        &self.args
    }

    /// The result type; `void` when the function returns nothing.
    pub fn result(&self) -> &CType {
        &self.result
    }

    /// Whether the function takes a variable argument list after its fixed arguments.
    pub fn is_variadic(&self) -> bool {
        self.variadic
    }

    /// The number of fixed arguments.
    pub fn fixed_count(&self) -> usize {
        self.args.len()
    }
}
