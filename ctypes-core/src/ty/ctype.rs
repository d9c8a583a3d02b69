//! `CType`: the shared, immutable handle to a C type.

use std::sync::{Arc, LazyLock};

use super::record::{Record, RecordKind};
use super::scalar::Scalar;
use super::signature::Signature;
use crate::error::{Error, Result};

/// A C type described at run time.
///
/// A `CType` is a cheap handle (one `Arc`): clone it freely. It is immutable, except that a
/// record declared with [`CType::declare_struct`] is completed once, later.
///
/// Equality is structural for scalars, pointers, arrays and function types, and identity for
/// records: two structs with the same fields are different types, as in C. A pointer's `const`
/// target ([`CType::pointer_to_const`]) is printed but not compared.
///
/// ```
/// use ctypes_core::{CType, Scalar};
///
/// let int = CType::scalar(Scalar::Int);
/// let matrix = int.array(3)?.array(2)?;
/// assert_eq!(matrix.size()?, 24);
/// assert_eq!(matrix.to_string(), "int [2][3]");
/// assert_eq!(int.pointer().to_string(), "int *");
/// # Ok::<(), ctypes_core::Error>(())
/// ```
#[derive(Clone)]
pub struct CType(Arc<Node>);

/// What a [`CType`] handle points to.
struct Node {
    kind: TypeKind,
    /// `sizeof` an array, computed when it is made, so that arrays nested without bound are
    /// sized in constant time; 0 for other types.
    array_size: usize,
    /// For a pointer, whether the declaration had its target `const` (`const char *`): kept
    /// for printing only, so that equality, and what a call accepts, stay those of the
    /// unqualified types.
    pointee_const: bool,
}

impl Node {
    fn new(kind: TypeKind) -> Node {
        Node {
            kind,
            array_size: 0,
            pointee_const: false,
        }
    }
}

/// What a [`CType`] is.
#[derive(Debug)]
#[non_exhaustive]
pub enum TypeKind {
    /// `void`: the result of a function that returns nothing, and the target of `void *`.
    Void,
    /// A scalar.
    Scalar(Scalar),
    /// A pointer to the given type.
    Pointer(CType),
    /// An array of `len` elements.
    Array {
        /// The element type.
        element: CType,
        /// The number of elements.
        len: usize,
    },
    /// A struct or union.
    Record(Record),
    /// A function type; a function pointer is a [`TypeKind::Pointer`] to one.
    Function(Signature),
}

impl Drop for TypeKind {
    /// Frees the types this one refers to with a work list rather than by recursion, so that
    /// a type nested a million levels deep (pointers to pointers, structs in structs) cannot
    /// overflow the stack: each type that nothing else holds gives up what it refers to first.
    fn drop(&mut self) {
        let mut work = Vec::new();
        self.give_up_parts(&mut work);
        while let Some(ty) = work.pop() {
            if let Some(mut node) = Arc::into_inner(ty.0) {
                node.kind.give_up_parts(&mut work);
                // Dropped here, holding nothing that could recurse.
            }
        }
    }
}

impl TypeKind {
    /// Moves the types this one refers to into `out`, leaving `void` in their place.
    fn give_up_parts(&mut self, out: &mut Vec<CType>) {
        match self {
            TypeKind::Void | TypeKind::Scalar(_) => {}
            TypeKind::Pointer(target) => out.push(std::mem::replace(target, CType::void())),
            TypeKind::Array { element, .. } => out.push(std::mem::replace(element, CType::void())),
            TypeKind::Function(signature) => signature.give_up_parts(out),
            TypeKind::Record(record) => record.give_up_parts(out),
        }
    }
}

static SCALARS: LazyLock<Vec<CType>> = LazyLock::new(|| {
    Scalar::ALL
        .iter()
        .map(|&s| CType(Arc::new(Node::new(TypeKind::Scalar(s)))))
        .collect()
});

static VOID: LazyLock<CType> = LazyLock::new(|| CType(Arc::new(Node::new(TypeKind::Void))));

impl CType {
    /// `void`.
    pub fn void() -> CType {
        VOID.clone()
    }

    /// A scalar type.
    pub fn scalar(scalar: Scalar) -> CType {
        let index = Scalar::ALL
            .iter()
            .position(|&s| s == scalar)
            .expect("Scalar::ALL lists every scalar");
        SCALARS[index].clone()
    }

    /// `void *`.
    pub fn void_ptr() -> CType {
        CType::void().pointer()
    }

    /// `char *`.
    pub fn char_ptr() -> CType {
        CType::scalar(Scalar::Char).pointer()
    }

    /// `wchar_t *`.
    pub fn wchar_ptr() -> CType {
        CType::scalar(Scalar::WcharT).pointer()
    }

    /// A pointer to this type. The target may be incomplete.
    pub fn pointer(&self) -> CType {
        CType(Arc::new(Node::new(TypeKind::Pointer(self.clone()))))
    }

    /// A pointer to this type declared `const` (`const char *`, `char *const *`): the same
    /// type as [`CType::pointer`]'s (equal to it; calls treat both alike), printed with its
    /// qualifier.
    ///
    /// ```
    /// use ctypes_core::{CType, Scalar};
    ///
    /// let key = CType::scalar(Scalar::Char).pointer_to_const();
    /// assert_eq!(key.declaration("key"), "const char *key");
    /// assert_eq!(key, CType::char_ptr());
    /// assert_eq!(key.pointer_to_const().to_string(), "const char *const *");
    /// ```
    pub fn pointer_to_const(&self) -> CType {
        CType(Arc::new(Node {
            pointee_const: true,
            ..Node::new(TypeKind::Pointer(self.clone()))
        }))
    }

    /// Whether this is a pointer whose target was declared `const`
    /// ([`CType::pointer_to_const`]).
    pub fn is_pointer_to_const(&self) -> bool {
        self.0.pointee_const
    }

    /// An array of `len` elements of this type, which must be complete.
    pub fn array(&self, len: usize) -> Result<CType> {
        let size = self.size_for("array element")?;
        let array_size = size
            .checked_mul(len)
            .filter(|&total| total <= isize::MAX as usize)
            .ok_or_else(|| Error::SizeOverflow(format!("{len} elements of `{self}`")))?;
        Ok(CType(Arc::new(Node {
            kind: TypeKind::Array {
                element: self.clone(),
                len,
            },
            array_size,
            pointee_const: false,
        })))
    }

    /// A function type with this signature; `.pointer()` makes it a function pointer.
    pub fn function(signature: Signature) -> CType {
        CType(Arc::new(Node::new(TypeKind::Function(signature))))
    }

    /// A pointer to a function with this signature.
    pub fn function_pointer(signature: Signature) -> CType {
        CType::function(signature).pointer()
    }

    pub(crate) fn from_record(record: Record) -> CType {
        CType(Arc::new(Node::new(TypeKind::Record(record))))
    }

    /// What this type is.
    pub fn kind(&self) -> &TypeKind {
        &self.0.kind
    }

    /// The scalar, if this is one.
    pub fn as_scalar(&self) -> Option<Scalar> {
        match self.0.kind {
            TypeKind::Scalar(s) => Some(s),
            _ => None,
        }
    }

    /// The record, if this is a struct or union.
    pub fn as_record(&self) -> Option<&Record> {
        match &self.0.kind {
            TypeKind::Record(r) => Some(r),
            _ => None,
        }
    }

    /// The pointed-to type, if this is a pointer.
    pub fn pointee(&self) -> Option<&CType> {
        match &self.0.kind {
            TypeKind::Pointer(t) => Some(t),
            _ => None,
        }
    }

    /// The element type and length, if this is an array.
    pub fn as_array(&self) -> Option<(&CType, usize)> {
        match &self.0.kind {
            TypeKind::Array { element, len } => Some((element, *len)),
            _ => None,
        }
    }

    /// The signature, if this is a function type.
    pub fn as_function(&self) -> Option<&Signature> {
        match &self.0.kind {
            TypeKind::Function(s) => Some(s),
            _ => None,
        }
    }

    /// Whether this is `void`.
    pub fn is_void(&self) -> bool {
        matches!(self.0.kind, TypeKind::Void)
    }

    /// Whether the size of this type is known: false for `void`, function types and records
    /// declared but not yet defined.
    pub fn is_complete(&self) -> bool {
        match &self.0.kind {
            TypeKind::Void | TypeKind::Function(_) => false,
            TypeKind::Record(r) => r.is_defined(),
            TypeKind::Scalar(_) | TypeKind::Pointer(_) | TypeKind::Array { .. } => true,
        }
    }

    /// `sizeof` this type.
    pub fn size(&self) -> Result<usize> {
        self.size_for("")
    }

    /// `_Alignof` this type.
    pub fn align(&self) -> Result<usize> {
        let mut ty = self;
        // Arrays of arrays in a loop: they may nest without bound.
        while let TypeKind::Array { element, .. } = &ty.0.kind {
            ty = element;
        }
        Ok(match &ty.0.kind {
            TypeKind::Scalar(s) => s.align(),
            TypeKind::Pointer(_) => core::mem::align_of::<*const u8>(),
            TypeKind::Record(r) => r.definition_for("")?.align(),
            TypeKind::Array { .. } => unreachable!("arrays were followed to their elements"),
            TypeKind::Void | TypeKind::Function(_) => return Err(self.incomplete("")),
        })
    }

    pub(crate) fn size_for(&self, context: &str) -> Result<usize> {
        Ok(match &self.0.kind {
            TypeKind::Scalar(s) => s.size(),
            TypeKind::Pointer(_) => core::mem::size_of::<*const u8>(),
            TypeKind::Array { .. } => self.0.array_size,
            TypeKind::Record(r) => r.definition_for(context)?.size(),
            TypeKind::Void | TypeKind::Function(_) => return Err(self.incomplete(context)),
        })
    }

    pub(crate) fn incomplete(&self, context: &str) -> Error {
        Error::Incomplete {
            ty: self.to_string(),
            context: context.to_owned(),
        }
    }

    /// Whether two handles are the same type object (not just equal types).
    pub fn same_object(&self, other: &CType) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }

    /// Whether this is a record of the given kind.
    pub fn is_record_of(&self, kind: RecordKind) -> bool {
        self.as_record().is_some_and(|r| r.kind() == kind)
    }
}

impl PartialEq for CType {
    /// Compares without recursion (types may nest a million levels deep): pointer and array
    /// chains are followed in a loop, and the parameters of function types wait in a list,
    /// which allocates only when function types are compared.
    fn eq(&self, other: &CType) -> bool {
        let mut waiting: Vec<(&CType, &CType)> = Vec::new();
        let (mut a, mut b) = (self, other);
        loop {
            let same = Arc::ptr_eq(&a.0, &b.0)
                || match (&a.0.kind, &b.0.kind) {
                    (TypeKind::Void, TypeKind::Void) => true,
                    (TypeKind::Scalar(x), TypeKind::Scalar(y)) => x == y,
                    (TypeKind::Pointer(x), TypeKind::Pointer(y)) => {
                        (a, b) = (x, y);
                        continue;
                    }
                    (
                        TypeKind::Array { element: x, len: m },
                        TypeKind::Array { element: y, len: n },
                    ) => {
                        if m != n {
                            return false;
                        }
                        (a, b) = (x, y);
                        continue;
                    }
                    (TypeKind::Function(x), TypeKind::Function(y)) => {
                        if x.is_variadic() != y.is_variadic() || x.args().len() != y.args().len() {
                            return false;
                        }
                        waiting.extend(x.args().iter().zip(y.args()));
                        (a, b) = (x.result(), y.result());
                        continue;
                    }
                    // Records are equal only to themselves, which the identity test covers.
                    _ => false,
                };
            if !same {
                return false;
            }
            match waiting.pop() {
                Some(next) => (a, b) = next,
                None => return true,
            }
        }
    }
}

impl Eq for CType {}

impl std::fmt::Debug for CType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CType({self})")
    }
}
