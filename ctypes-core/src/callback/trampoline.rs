//! What runs when C calls a callback: read the arguments, run the closure, write the result —
//! with nothing allowed to unwind back into C.

use std::ffi::c_void;
use std::mem::MaybeUninit;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

use libffi_sys::ffi_cif;

use super::failure::{report, CallbackFailure};
use super::{this_thread, Body, Inner};
use crate::error::{Error, Result};
use crate::func::{encode_scalar, CValue, Param};
use crate::layout::ByteOrder;
use crate::mem::codec::{self, Leaf};
use crate::mem::{CData, Value};
use crate::ty::{Scalar, ScalarClass};

/// Arguments read on the stack; more go to the heap.
pub(super) const INLINE: usize = 8;

/// The libffi closure handler.
///
/// # Safety
/// libffi calls it as the closure prepared in `Callback::make` set up: `data` points to the
/// callback's live `Inner`, `args` holds one pointer per parameter to a value of its type, and
/// `result` has room for the result type (at least one `ffi_arg`).
pub(super) unsafe extern "C" fn entry(
    _cif: *mut ffi_cif,
    result: *mut c_void,
    args: *mut *mut c_void,
    data: *mut c_void,
) {
    let data = data.cast::<Inner>().cast_const();
    // The callback is held for the call: its closure may drop the last other handle to it (by
    // freeing the memory that stored it, say), and this frame still reads it afterwards.
    // SAFETY: `data` is `Arc::as_ptr` of the callback's `Arc<Inner>`, which is alive while the
    // closure can be called; the count taken here is given back by dropping `inner`.
    let inner = unsafe {
        Arc::increment_strong_count(data);
        Arc::from_raw(data)
    };
    let result_size = inner.result_size;
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: forwarded from libffi's guarantees above.
        unsafe { inner.run(result, args) }
    }));
    // The last handle runs the closure's destructors, which must not unwind into C either.
    let released = catch_unwind(AssertUnwindSafe(move || drop(inner)));
    let failure = match (outcome, released) {
        (Ok(Ok(())), Ok(())) => return,
        // The result is written; only a destructor failed.
        (Ok(Ok(())), Err(payload)) => {
            report_safely(CallbackFailure::Panic(payload));
            return;
        }
        (Ok(Err(error)), _) => CallbackFailure::Error(error),
        (Err(payload), _) => CallbackFailure::Panic(payload),
    };
    if result_size > 0 {
        // SAFETY: `result` has room for the result type and at least one `ffi_arg`.
        unsafe { std::ptr::write_bytes(result.cast::<u8>(), 0, result_size.max(8)) };
    }
    report_safely(failure);
}

/// Reports a failure; a failure handler that panics must not unwind into C either.
fn report_safely(failure: CallbackFailure) {
    if catch_unwind(AssertUnwindSafe(|| report(failure))).is_err() {
        std::process::abort();
    }
}

impl Inner {
    /// Reads the arguments, runs the closure and writes its result.
    ///
    /// # Safety
    /// As for [`entry`].
    unsafe fn run(&self, result: *mut c_void, args: *mut *mut c_void) -> Result<()> {
        let closure: &dyn Fn(&[CValue]) -> CValue = match &self.body {
            Body::Shared(f) => f.as_ref(),
            Body::Local { thread, closure } if Some(*thread) == this_thread() => closure.as_ref(),
            Body::Local { .. } => return Err(Error::CallbackThread),
        };
        let count = self.params.len();
        if let Some((lanes, result_lane)) = &self.lanes {
            if count <= INLINE {
                // Start from values of the right kinds and write only their payloads: building
                // each enum afresh and copying it costs more than the call itself.
                let mut values = [const { MaybeUninit::<CValue>::uninit() }; INLINE];
                for (i, (lane, slot)) in lanes.iter().zip(&mut values).enumerate() {
                    // SAFETY: the template holds only `Value`s, which own nothing, so a bitwise
                    // copy is an independent value that needs no drop.
                    let value = slot.write(unsafe { std::ptr::read(&self.template[i]) });
                    if let CValue::Value(value) = value {
                        // SAFETY: libffi passes `count` argument pointers, each to a value of
                        // its parameter's type, which is the lane's.
                        unsafe { lane.read_into(*args.add(i), value) };
                    }
                }
                // SAFETY: the first `count` entries were initialised above (the lanes are as
                // many as the parameters).
                let values =
                    unsafe { std::slice::from_raw_parts(values.as_ptr().cast::<CValue>(), count) };
                let returned = closure(values);
                if let (Some(lane), CValue::Value(value)) = (result_lane, &returned) {
                    if let Some(word) = lane.encode(*value) {
                        // SAFETY: `result` has room for at least one word (an `ffi_arg`).
                        unsafe { result.cast::<u64>().write_unaligned(word) };
                        return Ok(());
                    }
                }
                // `void`, or a result to check and word an error for: the general path.
                // SAFETY: as below.
                return unsafe { self.write_result(returned, result) };
            }
        }
        let returned = if count <= INLINE {
            let mut values = Values::new();
            for (i, param) in self.params.iter().enumerate() {
                // SAFETY: libffi passes `count` argument pointers.
                let at = unsafe { *args.add(i) };
                // SAFETY: `at` points to a value of the parameter's type.
                values.push(unsafe { read(param, at) }?);
            }
            closure(values.as_slice())
        } else {
            let mut values = Vec::with_capacity(count);
            for (i, param) in self.params.iter().enumerate() {
                // SAFETY: as above.
                values.push(unsafe { read(param, *args.add(i)) }?);
            }
            closure(&values)
        };
        // SAFETY: `result` has room for the result type, as libffi promises.
        unsafe { self.write_result(returned, result) }
    }

    /// Writes the closure's result where libffi wants it: integers narrower than a word are
    /// widened to a full `ffi_arg`, as libffi reads them.
    ///
    /// # Safety
    /// `result` must have room for the result type and at least 8 bytes.
    unsafe fn write_result(&self, returned: CValue, result: *mut c_void) -> Result<()> {
        let ty = self.signature.result();
        let misfit = |found: String| Error::CallbackResult {
            expected: ty.to_string(),
            found,
        };
        let bytes: [u8; 16] = match (ty.kind(), &returned) {
            (crate::ty::TypeKind::Void, _) => return Ok(()),
            (crate::ty::TypeKind::Record(_), CValue::Data(data)) if data.ty() == ty => {
                if data.keeps_anything_alive() {
                    // Its pointers now live in C's copy, beyond this object: keep what they
                    // point to for ever rather than free it under C.
                    std::mem::forget(data.clone());
                }
                // Copied as memory, not as Rust bytes: a record written from a Rust value may
                // hold uninitialised padding.
                let from = data.addressof()?;
                // SAFETY: `result` has room for the record; the object holds exactly its size.
                unsafe {
                    std::ptr::copy_nonoverlapping(
                        from.cast::<u8>(),
                        result.cast::<u8>(),
                        data.size(),
                    )
                };
                return Ok(());
            }
            (crate::ty::TypeKind::Pointer(_), CValue::Value(Value::Pointer(p))) => {
                widen_word(*p as u64)
            }
            (crate::ty::TypeKind::Scalar(s), CValue::Value(v)) => {
                let mut out = [0u8; 16];
                encode_scalar(*s, *v, &mut out).map_err(|e| misfit(format!("{v:?} ({e})")))?;
                match s.class() {
                    ScalarClass::Float => out,
                    _ if s.size() < 8 => widen(*s, &out),
                    _ => out,
                }
            }
            _ => return Err(misfit(format!("{returned:?}"))),
        };
        let len = self.result_size.clamp(8, 16);
        // SAFETY: `result` has room for `max(size, 8)` bytes, and `len` is no more.
        unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), result.cast::<u8>(), len) };
        Ok(())
    }
}

/// A word as 16 bytes, in native order.
fn widen_word(word: u64) -> [u8; 16] {
    let mut out = [0u8; 16];
    out[..8].copy_from_slice(&word.to_ne_bytes());
    out
}

/// An integer narrower than 8 bytes, sign- or zero-extended to a word.
fn widen(s: Scalar, encoded: &[u8; 16]) -> [u8; 16] {
    let narrow = codec::load(&encoded[..s.size()], ByteOrder::NATIVE) as u64;
    let shift = 64 - 8 * s.size() as u32;
    let word = if s.is_signed() {
        (((narrow << shift) as i64) >> shift) as u64
    } else {
        narrow
    };
    widen_word(word)
}

/// Reads one argument.
///
/// # Safety
/// `at` must point to a value of the parameter's type.
unsafe fn read(param: &Param, at: *const c_void) -> Result<CValue> {
    Ok(match param {
        Param::Scalar(s) => {
            // SAFETY: `at` points to `s.size()` readable bytes.
            let bytes = unsafe { std::slice::from_raw_parts(at.cast::<u8>(), s.size()) };
            CValue::Value(codec::decode(Leaf::Scalar(*s), bytes, ByteOrder::NATIVE)?)
        }
        // SAFETY: `at` points to a pointer.
        Param::Pointer(_) => CValue::Value(Value::Pointer(unsafe {
            at.cast::<usize>().read_unaligned()
        })),
        Param::Record(ty) => {
            let size = ty.size()?;
            // SAFETY: `at` points to a record of `size` bytes.
            let bytes = unsafe { std::slice::from_raw_parts(at.cast::<u8>(), size) };
            CValue::Data(CData::from_bytes(ty, bytes)?)
        }
    })
}

/// Up to [`INLINE`] arguments on the stack, dropped with the frame (also on unwinding).
struct Values {
    items: [MaybeUninit<CValue>; INLINE],
    len: usize,
}

impl Values {
    fn new() -> Values {
        Values {
            items: [const { MaybeUninit::uninit() }; INLINE],
            len: 0,
        }
    }

    fn push(&mut self, value: CValue) {
        self.items[self.len].write(value);
        self.len += 1;
    }

    fn as_slice(&self) -> &[CValue] {
        // SAFETY: the first `len` items were written by `push`.
        unsafe { std::slice::from_raw_parts(self.items.as_ptr().cast::<CValue>(), self.len) }
    }
}

impl Drop for Values {
    fn drop(&mut self) {
        for item in &mut self.items[..self.len] {
            // SAFETY: the first `len` items are initialised and dropped only here.
            unsafe { item.assume_init_drop() };
        }
    }
}
