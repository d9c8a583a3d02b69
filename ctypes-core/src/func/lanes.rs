//! The short call path for signatures made of integers, floats, doubles, pointers and records:
//! each scalar argument, a plain [`Value`], is checked against a range computed when the
//! function was made and stored as one machine word; each record argument is read by libffi
//! straight from its object; a record result is written straight into its object.
//!
//! Anything else — a `&CData` for a scalar, a string, an out-of-range value (whose error the
//! general path words), `long double`, variadic functions — goes through `marshal.rs`.

use std::ffi::c_void;
use std::mem::MaybeUninit;

use super::arg::Arg;
use crate::encode::{each_type, CValue, Lane};
use crate::error::Result;
use crate::in_call::CallGuard;
use crate::mem::CData;
use crate::raw::Cif;
use crate::ty::{CType, Signature, TypeKind};

/// Most arguments the short path takes.
const MAX_LANES: usize = 8;

/// How one argument or the result travels: in a word, or in the memory of an object.
#[derive(Clone, Debug)]
enum Slot {
    Word(Lane),
    Record(CType),
}

impl Slot {
    fn of(ty: &CType) -> Option<Slot> {
        match ty.kind() {
            TypeKind::Record(_) => Some(Slot::Record(ty.clone())),
            _ => Lane::of(ty).map(Slot::Word),
        }
    }
}

/// The lanes of a whole signature.
#[derive(Debug)]
pub(crate) struct Lanes {
    args: Vec<Slot>,
    /// `None` for `void`.
    result: Option<Slot>,
}

impl Lanes {
    /// The lanes of `signature`, if every argument and the result fit one.
    pub(crate) fn of(signature: &Signature) -> Option<Lanes> {
        if cfg!(target_endian = "big")
            || signature.is_variadic()
            || signature.args().len() > MAX_LANES
        {
            return None;
        }
        let (args, result) = each_type(signature, Slot::of)?;
        Some(Lanes { args, result })
    }

    /// Calls through the short path, or returns `None` (having called nothing) when an argument
    /// is not a plain value that fits its lane or an object of its record type. A record result
    /// is written into `into` when given (it must have the result type), else into a new
    /// object.
    ///
    /// # Safety
    /// `code` must be a function with the signature these lanes and `cif` describe.
    #[inline(always)]
    pub(crate) unsafe fn call(
        &self,
        cif: &Cif,
        code: *const c_void,
        args: &[Arg<'_>],
        into: Option<&CData>,
    ) -> Option<Result<CValue>> {
        if args.len() != self.args.len() {
            return None;
        }
        let mut words = [MaybeUninit::<u64>::uninit(); MAX_LANES];
        let mut pointers = [MaybeUninit::<*mut c_void>::uninit(); MAX_LANES];
        let base = words.as_mut_ptr();
        // Whether any argument is a record, passed by address.
        let mut records = false;
        for (i, (slot, arg)) in self.args.iter().zip(args).enumerate() {
            let pointer = match (slot, arg) {
                (Slot::Word(lane), Arg::Value(value)) => {
                    let word = lane.encode(*value)?;
                    // SAFETY: `i < args.len() <= MAX_LANES`, inside `words`.
                    let at = unsafe { base.add(i) };
                    // SAFETY: as above; `at` is valid for a write of one word.
                    unsafe { at.write(MaybeUninit::new(word)) };
                    at.cast()
                }
                (Slot::Record(ty), Arg::Data(data)) if data.ty() == ty => {
                    records = true;
                    data.addressof().ok()?
                }
                _ => return None,
            };
            pointers[i].write(pointer);
        }
        let mut word_result = [0u64; 2];
        let mut record = None;
        let mut written_into = None;
        let result_at: *mut c_void = match (&self.result, into) {
            (Some(Slot::Record(_)), Some(data)) => {
                written_into = Some(data);
                data.addressof().ok()?
            }
            (Some(Slot::Record(ty)), None) => {
                let data = CData::new(ty).ok()?;
                let at = data.addressof().ok()?;
                record = Some(data);
                at
            }
            _ => word_result.as_mut_ptr().cast(),
        };
        // SAFETY: the caller promises the signature; each pointer points to a word holding an
        // argument of its lane's type in its low bytes (little-endian only, see `of`) or to an
        // object of the parameter's record type, borrowed for the call; the result lands in a
        // word pair (room for any lane's result, widened) or in an object of the result type,
        // which libffi fills with exactly its size. Those objects are pinned until the call
        // returns, so a callback cannot move them meanwhile.
        //
        // The pins are bare counts, set here, where nothing can fail before they are cleared
        // right after the call (a callback's failure is raised only by `leave`): no guard to
        // build or drop on this path, and nothing at all for calls without objects. (Were a
        // pin ever left set, the object could not be resized again: safe, if unhelpful.)
        if records {
            pin_records(args, true);
        }
        if let Some(data) = written_into {
            data.storage().pin(true);
        }
        let call = CallGuard::enter();
        // SAFETY: see above.
        unsafe { cif.call(code, result_at, pointers.as_mut_ptr().cast()) };
        if records {
            pin_records(args, false);
        }
        if let Some(data) = written_into {
            data.storage().pin(false);
        }
        if let Err(failure) = call.leave() {
            return Some(Err(failure));
        }
        Some(Ok(match (&self.result, record) {
            (_, Some(data)) => CValue::Data(data),
            (Some(Slot::Word(lane)), None) => CValue::Value(lane.decode(word_result[0])),
            // `void`, or a record written into `into`.
            _ => CValue::Void,
        }))
    }
}

/// Pins (or unpins) the memory of the record arguments, which on the short path are all the
/// objects among `args`.
#[inline]
fn pin_records(args: &[Arg<'_>], pin: bool) {
    for arg in args {
        if let Arg::Data(data) = arg {
            data.storage().pin(pin);
        }
    }
}
