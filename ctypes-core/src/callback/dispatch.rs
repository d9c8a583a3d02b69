//! The handlers the own trampolines' common entry (`entry.rs`) calls: they read the arguments
//! from the saved registers and the caller's stack where the callback's plan (`plan.rs`) says,
//! run the closure, and write the result into the result block (or through the hidden
//! pointer), all under `invoke`: nothing unwinds into C, and a failure leaves C a zeroed
//! result.

use std::ffi::c_void;

use super::entry::{Handler, ResultBlock, Saved};
use super::plan::{ArgFrom, Plan, ResultTo, RESULT_BUFFER};
use super::trampoline::{invoke, read_passed, Short, Values, INLINE};
use super::Inner;
use crate::encode::CValue;
use crate::error::Result;
use crate::mem::copy_bytes;

/// The handler for a callback: one made for its number of arguments on the short path, where
/// the reading loop unrolls, else [`general`].
pub(super) fn handler(short: Option<&Short>) -> Handler {
    match short.map(|s| s.count) {
        Some(0) => on_short_path::<0>,
        Some(1) => on_short_path::<1>,
        Some(2) => on_short_path::<2>,
        Some(3) => on_short_path::<3>,
        Some(4) => on_short_path::<4>,
        Some(5) => on_short_path::<5>,
        Some(6) => on_short_path::<6>,
        Some(7) => on_short_path::<7>,
        Some(8) => on_short_path::<8>,
        _ => general,
    }
}

/// The plan of a callback on an own trampoline.
#[inline(always)]
pub(super) fn plan_of(callback: &Inner) -> &Plan {
    callback
        .plan
        .as_ref()
        .expect("a callback on an own trampoline has a plan")
}

/// The address of an argument that lies whole in one place, or gathered into `buffer`; `None`
/// for one the caller passed nothing of.
///
/// # Safety
/// `saved` and `stack` must be the entry's, for a call with this argument placed at `from`.
#[inline(always)]
pub(super) unsafe fn arg_at(
    from: &ArgFrom,
    saved: *mut Saved,
    stack: *const u8,
    buffer: &mut [u64; 2],
) -> Option<*mut c_void> {
    Some(match from {
        ArgFrom::Empty => return None,
        ArgFrom::At(loc) => loc.at(saved, stack).cast(),
        ArgFrom::Pieces { pieces, count } => {
            // Bytes no piece fills (padding) are zeros, not the previous argument's.
            *buffer = [0; 2];
            let to = buffer.as_mut_ptr().cast::<u8>();
            for piece in &pieces[..usize::from(*count)] {
                // SAFETY: the piece lies in the saved registers (at most 16 bytes of one
                // register) and goes inside the 16-byte buffer, as the plan was made.
                unsafe {
                    copy_bytes(
                        piece.from.at(saved, stack),
                        to.add(usize::from(piece.to)),
                        usize::from(piece.len),
                    )
                };
            }
            to.cast()
        }
    })
}

/// Gives C a zeroed result: the result registers, and the memory of a result there.
///
/// # Safety
/// As for [`general`].
unsafe fn zero(callback: &Inner, saved: *mut Saved, result: *mut ResultBlock) {
    // SAFETY: the entry's result block.
    unsafe { result.write_bytes(0, 1) };
    if plan_of(callback).result == ResultTo::Memory {
        // SAFETY: the caller's hidden pointer, saved in `rdi`, points to room for the result.
        unsafe {
            let hidden = (*saved).gprs[0];
            std::ptr::write_bytes(hidden as *mut u8, 0, callback.result_size);
            (*result).rax = hidden;
        }
    }
}

/// The handler for any signature.
///
/// # Safety
/// Called by the entry only, for the stub of a live callback made with an own trampoline:
/// `context` points to its `Inner`, `saved` and `stack` hold the arguments of a call with its
/// signature, `result` is the entry's result block.
pub(super) unsafe extern "C" fn general(
    context: *const c_void,
    saved: *mut Saved,
    stack: *const u8,
    result: *mut ResultBlock,
) -> u32 {
    // SAFETY: the entry passes a live callback's `Inner`.
    let x87 = plan_of(unsafe { &*context.cast::<Inner>() }).x87;
    // SAFETY: as promised by the caller.
    unsafe {
        invoke(
            context,
            // SAFETY: as promised by the caller.
            |callback| callback.run_own(saved, stack, result).map_err(Box::new),
            // SAFETY: as promised by the caller.
            |callback| zero(callback, saved, result),
        )
    };
    x87
}

/// The handler for signatures on the short path with `N` arguments, all in registers.
///
/// # Safety
/// As for [`general`]; the callback has a short path with `N` arguments.
unsafe extern "C" fn on_short_path<const N: usize>(
    context: *const c_void,
    saved: *mut Saved,
    stack: *const u8,
    result: *mut ResultBlock,
) -> u32 {
    // SAFETY: as promised by the caller.
    unsafe {
        invoke(
            context,
            |callback| {
                let Some(short) = &callback.short else {
                    // SAFETY: as promised by the caller.
                    return callback.run_own(saved, stack, result).map_err(Box::new);
                };
                callback.run_short::<N>(
                    short,
                    |i| saved.cast::<u8>().add(usize::from(short.at[i])).cast(),
                    |word| super::entry::set_word(result, word),
                    // SAFETY: as promised by the caller.
                    |returned| callback.write_own_result(&returned, saved, result),
                )
            },
            // SAFETY: as promised by the caller.
            |callback| zero(callback, saved, result),
        )
    };
    0
}

impl Inner {
    /// Reads the arguments, runs the closure and writes its result.
    ///
    /// # Safety
    /// As for [`general`].
    #[inline(always)]
    unsafe fn run_own(
        &self,
        saved: *mut Saved,
        stack: *const u8,
        result: *mut ResultBlock,
    ) -> Result<()> {
        let closure = self.closure()?;
        let plan = plan_of(self);
        let count = self.params.len();
        let mut buffer = [0u64; 2];
        let returned = if count <= INLINE {
            let mut values = Values::new(&self.params);
            for from in &plan.args[..count] {
                // SAFETY: as for this function: the plan places this signature's arguments.
                unsafe { values.read_next(arg_at(from, saved, stack, &mut buffer)) }?;
            }
            closure(values.as_slice())
        } else {
            // SAFETY: as for this function: the plan places this signature's arguments.
            let arg = |i: usize| unsafe {
                read_passed(
                    &self.params[i],
                    arg_at(&plan.args[i], saved, stack, &mut buffer),
                )
            };
            let values = (0..count).map(arg).collect::<Result<Vec<_>>>()?;
            closure(&values)
        };
        // A scalar or pointer result in one word, the usual case, written here.
        if let (Some(lane), CValue::Value(value)) = (plan.result_lane, &returned) {
            if let Some(word) = lane.encode(*value) {
                // SAFETY: the entry's result block, as the caller promises.
                unsafe { super::entry::set_word(result, word) };
                return Ok(());
            }
        }
        // SAFETY: as for this function.
        unsafe { self.write_own_result(&returned, saved, result) }
    }

    /// Writes the closure's result where the plan says: into the result block, or through the
    /// hidden pointer.
    ///
    /// # Safety
    /// As for [`general`].
    #[inline(never)]
    pub(super) unsafe fn write_own_result(
        &self,
        returned: &CValue,
        saved: *mut Saved,
        result: *mut ResultBlock,
    ) -> Result<()> {
        let plan = plan_of(self);
        if let (Some(lane), CValue::Value(value)) = (plan.result_lane, returned) {
            if let Some(word) = lane.encode(*value) {
                // SAFETY: the entry's result block, as the caller promises.
                unsafe { super::entry::set_word(result, word) };
                return Ok(());
            }
        }
        match &plan.result {
            ResultTo::Void => Ok(()),
            ResultTo::Memory => {
                // SAFETY: the caller's hidden pointer, saved in `rdi`, points to room for the
                // result; it goes back in `rax`.
                unsafe {
                    let hidden = (*saved).gprs[0];
                    (*result).rax = hidden;
                    self.write_result(returned, hidden as *mut c_void)
                }
            }
            ResultTo::Registers(copies) => {
                let mut value = [0u64; RESULT_BUFFER / 8];
                // A record of padding only (its eightbytes of no class) comes back in no
                // register, whatever its size: it is checked and written into memory of its
                // size, of which the copies (none) read nothing.
                let mut larger = Vec::new();
                let to_buffer = if self.result_size > RESULT_BUFFER {
                    larger.resize(self.result_size, 0u8);
                    larger.as_mut_ptr()
                } else {
                    value.as_mut_ptr().cast::<u8>()
                };
                // SAFETY: a result of at most `RESULT_BUFFER` bytes (a scalar is written
                // widened to at most 32, a `long double _Complex`) goes into `value`, which
                // has that many; a larger one into `larger`, which has its size.
                unsafe { self.write_result(returned, to_buffer.cast()) }?;
                let from = to_buffer.cast_const();
                let to = result.cast::<u8>();
                for copy in copies.iter() {
                    // SAFETY: each copy reads inside the first `RESULT_BUFFER` bytes of the
                    // buffer written and writes inside one register of the result block, as
                    // the plan was made.
                    unsafe {
                        copy_bytes(
                            from.add(usize::from(copy.from)),
                            to.add(usize::from(copy.to)),
                            usize::from(copy.room),
                        )
                    };
                }
                Ok(())
            }
        }
    }
}
