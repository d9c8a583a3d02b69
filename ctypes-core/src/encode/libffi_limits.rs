//! Shapes libffi accepts a description of but cannot pass as C does, found with the System V
//! classifier so that the libffi path refuses them instead of miscalling.
//!
//! GCC counts a record as empty when it has no named member with data (only unnamed
//! bit-fields, zero-length arrays, empty records), whatever its size: such an argument takes
//! no register and no stack room, and such a result no hidden pointer. libffi cannot be told
//! that a value of some size takes no room, so every later argument would be misplaced.

use crate::abi::classify;
use crate::ty::CType;

/// Why libffi cannot pass the arguments `args` (and the result `result`, if given) as C does;
/// `None` when it can, as far as this check knows.
pub(crate) fn refusal<'t>(
    args: impl IntoIterator<Item = &'t CType>,
    result: Option<&CType>,
) -> Option<String> {
    let takes_room = |ty: &CType| {
        ty.as_record().is_some()
            && classify(ty).is_ok_and(|class| class.is_empty() && class.size() > 0)
    };
    let empty = |ty: &CType| {
        format!(
            "`{ty}` cannot be passed by value: it is empty (no named member holds data), so C \
             passes nothing for it, which libffi cannot be told of a value of {} bytes",
            ty.size().unwrap_or(0)
        )
    };
    if let Some(ty) = args.into_iter().find(|ty| takes_room(ty)) {
        return Some(empty(ty));
    }
    // An empty result in registers has no bytes to get wrong; one of class MEMORY has no
    // hidden pointer, which libffi would pass.
    let result =
        result.filter(|ty| takes_room(ty) && classify(ty).is_ok_and(|class| class.is_memory()))?;
    Some(empty(result))
}
