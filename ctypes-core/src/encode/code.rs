//! [`Callback`], the handle to a callback's code that calls take as an argument and memory
//! keeps alive: the code address, the signature C calls it with, and what owns both, which
//! the callback layer makes and frees.

use std::ffi::c_void;
use std::fmt;
use std::mem::ManuallyDrop;
use std::ptr::NonNull;
use std::sync::Arc;

use crate::mem::CData;
use crate::ty::{CType, Signature};

/// What owns a callback's code: its code address and signature, and how a last handle to it is
/// released.
pub(crate) trait Code: Send + Sync + 'static {
    /// The address C calls.
    fn code(&self) -> NonNull<c_void>;

    /// The signature C calls it with.
    fn signature(&self) -> &Signature;

    /// Drops a handle: frees the callback at once if this was the last handle and no
    /// invocation runs it, else when the last invocation ends.
    fn release(self: Arc<Self>);
}

/// A Rust closure callable from C through a function pointer.
///
/// The code address ([`Callback::code`]) is valid while the `Callback` or a clone lives: pass it
/// as an argument ([`Arg::Callback`](crate::Arg::Callback)) and it lives for the call; store it
/// in memory with [`CData::set_callback`] and it lives as long as that memory; give it to C for
/// ever with [`Callback::leak`]. The closure may drop the last handle to its own callback while
/// it runs (by freeing the memory that stored it, say, or by handing it to another thread that
/// drops it): the callback is then freed when the last invocation running it returns. C must
/// not call the code address once the last handle is gone, nor start a call of it that nothing
/// orders before the drop of the last handle (a call on another thread racing with the drop).
///
/// A panic in the closure never unwinds into C: C gets a zeroed result, and the panic is
/// re-raised by the Rust call that led to the callback when that call returns, or goes to the
/// handler set with [`set_callback_failure_handler`](crate::set_callback_failure_handler) if no such call is in progress on the
/// callback's thread. A result that does not fit the C result type is treated the same way, as
/// an error.
///
/// ```
/// use ctypes_core::{Callback, CType, CValue, Library, Scalar, Signature, Value};
///
/// let int = CType::scalar(Scalar::Int);
/// let compare = Callback::new(
///     Signature::new(vec![CType::void_ptr(), CType::void_ptr()], int.clone()),
///     |args| {
///         // SAFETY: qsort passes pointers to two elements of the int array below.
///         let (a, b) = unsafe { (read_int(&args[0]), read_int(&args[1])) };
///         CValue::Value(Value::Int(i64::from(a.cmp(&b) as i32)))
///     },
/// )?;
/// unsafe fn read_int(arg: &CValue) -> i32 {
///     match arg {
///         // SAFETY: the caller promises a valid pointer to an int.
///         CValue::Value(Value::Pointer(p)) => unsafe { *(*p as *const i32) },
///         _ => unreachable!(),
///     }
/// }
/// let numbers = ctypes_core::CData::new(&int.array(5)?)?;
/// for (i, n) in [5, 1, 4, 2, 3].into_iter().enumerate() {
///     numbers.element(i)?.set_value(n)?;
/// }
/// let size_t = CType::scalar(Scalar::SizeT);
/// let qsort = Library::this().function(
///     "qsort",
///     Signature::new(
///         vec![CType::void_ptr(), size_t.clone(), size_t, compare.function_pointer_type()],
///         CType::void(),
///     ),
/// )?;
/// // SAFETY: qsort's signature, an array of 5 ints, and a comparator over ints.
/// unsafe { qsort.call(&[(&numbers).into(), 5usize.into(), 4usize.into(), (&compare).into()]) }?;
/// let sorted: Vec<i64> = (0..5).map(|i| numbers.get(&format!("[{i}]")).unwrap().as_i64().unwrap()).collect();
/// assert_eq!(sorted, [1, 2, 3, 4, 5]);
/// # Ok::<(), ctypes_core::Error>(())
/// ```
pub struct Callback {
    /// Released through [`Code::release`], which keeps a callback dropped from inside its own
    /// invocation until that invocation returns.
    owner: ManuallyDrop<Arc<dyn Code>>,
}

impl Callback {
    /// The handle of a callback owned by `owner`.
    pub(crate) fn from_owner(owner: Arc<dyn Code>) -> Callback {
        Callback {
            owner: ManuallyDrop::new(owner),
        }
    }

    /// The C function pointer.
    pub fn code(&self) -> NonNull<c_void> {
        self.owner.code()
    }

    /// The signature C calls it with.
    pub fn signature(&self) -> &Signature {
        self.owner.signature()
    }

    /// The C type of a pointer to this callback: `result (*)(args)`.
    pub fn function_pointer_type(&self) -> CType {
        CType::function_pointer(self.signature().clone())
    }

    /// Gives the code address to C for ever: the callback is never freed.
    pub fn leak(self) -> NonNull<c_void> {
        let code = self.code();
        std::mem::forget(self);
        code
    }
}

impl Clone for Callback {
    fn clone(&self) -> Callback {
        Callback::from_owner(Arc::clone(&self.owner))
    }
}

impl Drop for Callback {
    fn drop(&mut self) {
        // SAFETY: taken once, here, and `self.owner` is not used again.
        unsafe { ManuallyDrop::take(&mut self.owner) }.release();
    }
}

impl fmt::Debug for Callback {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Callback({} at {:p})",
            self.function_pointer_type(),
            self.code()
        )
    }
}

impl CData {
    /// The callback this pointer's memory keeps alive ([`CData::set_callback`]), if any.
    pub(crate) fn kept_callback(&self) -> Option<Callback> {
        self.kept_object()?.downcast_ref::<Callback>().cloned()
    }
}
