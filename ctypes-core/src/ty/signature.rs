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
#[derive(Clone, Debug)]
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

    /// A variadic function: `fixed` are the arguments before the `...`. C requires at least
    /// one: a [`Function`](crate::Function) with none is refused when it is made (as
    /// `c_func!` and `c_library!` refuse it), and callbacks are never variadic.
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

impl PartialEq for Signature {
    /// The same arguments, result and variadic tail: equality of the function types.
    fn eq(&self, other: &Signature) -> bool {
        // `CType`'s equality does not recurse, and does not come back here.
        self.variadic == other.variadic && self.args == other.args && self.result == other.result
    }
}

impl Eq for Signature {}

impl Signature {
    /// Moves the types this signature refers to into `out`, leaving `void` in their place (see
    /// `TypeKind`'s `Drop`).
    pub(super) fn give_up_parts(&mut self, out: &mut Vec<CType>) {
        out.append(&mut self.args);
        out.push(std::mem::replace(&mut self.result, CType::void()));
    }
}
