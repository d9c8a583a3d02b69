//! Callbacks typed in Rust: a closure over C scalars and pointers, which C calls with its
//! arguments read straight into Rust values and its result written straight back, with no
//! [`CValue`](crate::CValue) in between.

use std::any::Any;
use std::ffi::c_void;

use libffi_sys::ffi_cif;

use super::trampoline::invoke;
use super::{Body, Inner, TypedHandlers};
use crate::ctyped::{CPointee, CReturn, CTyped};
use crate::ty::Signature;

mod sealed {
    pub trait Sealed {}
    pub trait SealedFn<Args> {}
}

/// A Rust type a [typed callback](super::Callback::from_fn) takes or returns as a C scalar or
/// pointer: the integer and floating types and raw pointers, whose every bit pattern is a valid
/// value (so whatever C passes is one). Not `bool`: C may pass a `_Bool` holding another value.
pub trait CallbackScalar: CTyped + Copy + sealed::Sealed + 'static {
    /// The value as the word libffi reads a result from: integers sign- or zero-extended,
    /// floats in the low bytes.
    #[doc(hidden)]
    fn into_word(self) -> u64;

    /// Whether the value travels in a vector register (`float`, `double`) rather than a
    /// general one.
    #[doc(hidden)]
    const FLOATING: bool = false;
}

macro_rules! integers {
    ($($t:ty => $wide:ty),* $(,)?) => {
        $(
            impl sealed::Sealed for $t {}
            impl CallbackScalar for $t {
                #[inline(always)]
                fn into_word(self) -> u64 {
                    self as $wide as u64
                }
            }
        )*
    };
}

integers! {
    i8 => i64, i16 => i64, i32 => i64, i64 => i64, isize => i64,
    u8 => u64, u16 => u64, u32 => u64, u64 => u64, usize => u64,
}

impl sealed::Sealed for f32 {}
impl CallbackScalar for f32 {
    const FLOATING: bool = true;

    #[inline(always)]
    fn into_word(self) -> u64 {
        u64::from(self.to_bits())
    }
}

impl sealed::Sealed for f64 {}
impl CallbackScalar for f64 {
    const FLOATING: bool = true;

    #[inline(always)]
    fn into_word(self) -> u64 {
        self.to_bits()
    }
}

impl<T: CPointee + 'static> sealed::Sealed for *const T {}
impl<T: CPointee + 'static> CallbackScalar for *const T {
    #[inline(always)]
    fn into_word(self) -> u64 {
        self as usize as u64
    }
}

impl<T: CPointee + 'static> sealed::Sealed for *mut T {}
impl<T: CPointee + 'static> CallbackScalar for *mut T {
    #[inline(always)]
    fn into_word(self) -> u64 {
        self as usize as u64
    }
}

/// What a [typed callback](super::Callback::from_fn) returns: a [`CallbackScalar`], or `()`
/// for `void`.
pub trait CallbackReturn: CReturn + sealed::Sealed + 'static {
    /// Writes the result where libffi reads it.
    ///
    /// # Safety
    /// `result` must have room for one `ffi_arg` (a word).
    #[doc(hidden)]
    unsafe fn write(self, result: *mut c_void);

    /// The result as the word of its register (0 for `void`).
    #[doc(hidden)]
    fn word(self) -> u64;
}

impl sealed::Sealed for () {}
impl CallbackReturn for () {
    #[inline(always)]
    unsafe fn write(self, _result: *mut c_void) {}

    #[inline(always)]
    fn word(self) -> u64 {
        0
    }
}

impl<T: CallbackScalar> CallbackReturn for T {
    #[inline(always)]
    unsafe fn write(self, result: *mut c_void) {
        // SAFETY: the caller promises room for a word.
        unsafe { result.cast::<u64>().write_unaligned(self.into_word()) };
    }

    #[inline(always)]
    fn word(self) -> u64 {
        self.into_word()
    }
}

/// Where the next argument of type `T` lies on an own trampoline, given the general and
/// vector registers and stack slots the arguments before it took (counts that the compiler
/// folds, the types being known): System V places scalars in `rdi`..`r9` and `xmm0`–`xmm7` in
/// order, each kind apart, and the rest in 8-byte stack slots in order.
#[inline(always)]
fn next_place<T: CallbackScalar>(
    gprs: &mut usize,
    xmms: &mut usize,
    slots: &mut usize,
    saved: *const u8,
    stack: *const u8,
) -> *const u8 {
    // `xmm<n>` at 48 + 16 n, the general registers at 8 n.
    let (count, limit, first, size) = if T::FLOATING {
        (xmms, 8, 48, 16)
    } else {
        (gprs, 6, 0, 8)
    };
    if *count < limit {
        let at = first + size * *count;
        *count += 1;
        saved.wrapping_add(at)
    } else {
        let at = 8 * *slots;
        *slots += 1;
        stack.wrapping_add(at)
    }
}

/// A closure a [typed callback](super::Callback::from_fn) runs: `Fn(A, B, …) -> R` with up to
/// eight [`CallbackScalar`] arguments and a [`CallbackReturn`] result, `Send + Sync + 'static`.
/// `Args` is the tuple of its argument types.
pub trait CallbackFnOf<Args>: sealed::SealedFn<Args> + Send + Sync + 'static {
    /// The C signature of the closure's types.
    #[doc(hidden)]
    fn signature() -> Signature;

    /// Reads the arguments, runs the closure, writes the result.
    ///
    /// # Safety
    /// `args` must hold one pointer per argument, each to a value of its type, and `result`
    /// have room for one `ffi_arg`.
    #[doc(hidden)]
    unsafe fn call_from_c(&self, args: *const *mut c_void, result: *mut c_void);

    /// Reads the arguments from an own trampoline's saved registers and the caller's stack,
    /// runs the closure, and returns the result's register word.
    ///
    /// # Safety
    /// `saved` must hold the argument registers (`rdi`..`r9`, then `xmm0`–`xmm7` of 16 bytes
    /// each) and `stack` point to the stack arguments of a C call with the closure's
    /// signature.
    #[doc(hidden)]
    unsafe fn call_from_registers(&self, saved: *const u8, stack: *const u8) -> u64;
}

macro_rules! closures {
    ($($arg:ident $index:tt),*) => {
        impl<F, R, $($arg),*> sealed::SealedFn<($($arg,)*)> for F
        where
            F: Fn($($arg),*) -> R + Send + Sync + 'static,
            R: CallbackReturn,
            $($arg: CallbackScalar,)*
        {
        }

        impl<F, R, $($arg),*> CallbackFnOf<($($arg,)*)> for F
        where
            F: Fn($($arg),*) -> R + Send + Sync + 'static,
            R: CallbackReturn,
            $($arg: CallbackScalar,)*
        {
            fn signature() -> Signature {
                Signature::new(vec![$($arg::c_type()),*], R::return_type())
            }

            #[inline(always)]
            #[allow(unused_variables)]
            unsafe fn call_from_c(&self, args: *const *mut c_void, result: *mut c_void) {
                let returned = self($(
                    // SAFETY: the caller promises a pointer to a value of this argument's
                    // type, for which any bits are a valid value.
                    unsafe { (*args.add($index)).cast::<$arg>().read_unaligned() }
                ),*);
                // SAFETY: the caller promises room for a word.
                unsafe { returned.write(result) };
            }

            #[inline(always)]
            #[allow(unused_variables, unused_mut)]
            unsafe fn call_from_registers(&self, saved: *const u8, stack: *const u8) -> u64 {
                let (mut gprs, mut xmms, mut slots) = (0usize, 0usize, 0usize);
                let returned = self($(
                    // SAFETY: the caller promises the arguments of this signature, placed as
                    // `next_place` says; any bits are a valid value of the type.
                    unsafe {
                        next_place::<$arg>(&mut gprs, &mut xmms, &mut slots, saved, stack)
                            .cast::<$arg>()
                            .read_unaligned()
                    }
                ),*);
                returned.word()
            }
        }
    };
}

closures!();
closures!(A 0);
closures!(A 0, B 1);
closures!(A 0, B 1, C 2);
closures!(A 0, B 1, C 2, D 3);
closures!(A 0, B 1, C 2, D 3, E 4);
closures!(A 0, B 1, C 2, D 3, E 4, G 5);
closures!(A 0, B 1, C 2, D 3, E 4, G 5, H 6);
closures!(A 0, B 1, C 2, D 3, E 4, G 5, H 6, I 7);

/// The handlers of a typed callback running an `F`.
pub(super) fn handlers<Args, F: CallbackFnOf<Args>>() -> TypedHandlers {
    TypedHandlers {
        libffi: entry::<Args, F>,
        #[cfg(ctypes_sysv64)]
        own: own_entry::<Args, F>,
    }
}

/// The `F` of a typed callback.
///
/// # Safety
/// The callback's body must be a typed one holding an `F`.
#[inline(always)]
unsafe fn closure_of<F>(callback: &Inner) -> &F {
    let Body::Typed(closure) = &callback.body else {
        unreachable!("a typed handler comes only with a typed body");
    };
    // SAFETY: the caller promises an `F`.
    unsafe { &*std::ptr::from_ref::<dyn Any + Send + Sync>(closure.as_ref()).cast::<F>() }
}

/// The own trampoline's handler of a typed callback.
///
/// # Safety
/// The entry calls it as `dispatch::general` is called, for a callback made by
/// `Callback::from_fn` with a typed body holding an `F`, whose signature is `F`'s (scalars and
/// pointers: each argument whole in a register or a stack slot, the result in `rax` or
/// `xmm0`).
#[cfg(ctypes_sysv64)]
unsafe extern "C" fn own_entry<Args, F: CallbackFnOf<Args>>(
    context: *const c_void,
    saved: *mut super::entry::Saved,
    stack: *const u8,
    result: *mut super::entry::ResultBlock,
) -> u32 {
    // SAFETY: forwarded from the entry's guarantees above.
    unsafe {
        invoke(
            context,
            |callback| {
                let word = closure_of::<F>(callback).call_from_registers(saved.cast(), stack);
                super::entry::set_word(result, word);
                Ok(())
            },
            |_| result.write_bytes(0, 1),
        )
    };
    0
}

/// The libffi closure handler of a typed callback.
///
/// # Safety
/// libffi calls it as the closure prepared in `Callback::from_fn` set up: `data` points to the
/// callback's live `Inner`, whose body is a typed one holding an `F`; `args` holds one pointer per
/// argument of `F`'s signature, each to a value of its type, and `result` has room for one
/// `ffi_arg`.
unsafe extern "C" fn entry<Args, F: CallbackFnOf<Args>>(
    _cif: *mut ffi_cif,
    result: *mut c_void,
    args: *mut *mut c_void,
    data: *mut c_void,
) {
    // SAFETY: forwarded from libffi's guarantees above.
    unsafe {
        invoke(
            data,
            |callback| {
                // SAFETY: the typed body holds an `F` (the handler and body were made
                // together), and libffi passes the arguments as promised above.
                closure_of::<F>(callback).call_from_c(args, result);
                Ok(())
            },
            |_| result.cast::<u64>().write_unaligned(0),
        )
    }
}
