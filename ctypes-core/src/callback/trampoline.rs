//! What runs when C calls a callback: read the arguments, run the closure, write the result —
//! with nothing allowed to unwind back into C. The handlers here are libffi's (its closures
//! pass each argument's address); `invoke`, the short path's readers and the reading and
//! writing of values serve the own trampolines' handlers too (`dispatch.rs`).

use libffi_sys::ffi_cif;
use std::ffi::c_void;
use std::mem::MaybeUninit;
use std::panic::{catch_unwind, AssertUnwindSafe};

use super::arguments::{self, Slot};
use super::failure::{discard, report_safely};
use super::invocations::{this_thread, Frame};
use super::{Body, CallbackFn, Inner};
use crate::encode::{each_type, encode_scalar, CValue, Lane, Param};
use crate::error::{Error, Result};
use crate::in_call::CallbackFailure;
use crate::layout::ByteOrder;
use crate::mem::codec::{self, Leaf};
use crate::mem::copy_bytes;
use crate::mem::{CData, Value};
use crate::ty::{Scalar, ScalarClass, Signature};

/// How an invocation ended, if not well: boxed, to keep the usual outcome one word.
pub(super) type Failed = std::result::Result<(), Box<Error>>;

/// Arguments read on the stack; more go to the heap.
pub(super) const INLINE: usize = 8;

/// How to read one argument of a signature made of plain scalars and pointers.
#[derive(Clone, Copy, Debug)]
pub(super) enum Reader {
    I8,
    I16,
    I32,
    I64,
    U8,
    U16,
    U32,
    U64,
    Float,
    Double,
    Pointer,
}

impl Reader {
    fn of(lane: Lane) -> Reader {
        match lane {
            Lane::Signed { size: 1, .. } => Reader::I8,
            Lane::Signed { size: 2, .. } => Reader::I16,
            Lane::Signed { size: 4, .. } => Reader::I32,
            Lane::Signed { .. } => Reader::I64,
            Lane::Unsigned { size: 1, .. } => Reader::U8,
            Lane::Unsigned { size: 2, .. } => Reader::U16,
            Lane::Unsigned { size: 4, .. } => Reader::U32,
            Lane::Unsigned { .. } => Reader::U64,
            Lane::Float => Reader::Float,
            Lane::Double => Reader::Double,
            Lane::Pointer => Reader::Pointer,
        }
    }

    /// The argument at `at`.
    ///
    /// # Safety
    /// `at` must point to a readable value of the reader's type.
    #[inline(always)]
    pub(super) unsafe fn read(self, at: *const c_void) -> Value {
        // SAFETY: the caller promises a value of the reader's type at `at`.
        unsafe {
            match self {
                Reader::I8 => Value::Int(i64::from(at.cast::<i8>().read())),
                Reader::I16 => Value::Int(i64::from(at.cast::<i16>().read_unaligned())),
                Reader::I32 => Value::Int(i64::from(at.cast::<i32>().read_unaligned())),
                Reader::I64 => Value::Int(at.cast::<i64>().read_unaligned()),
                Reader::U8 => Value::UInt(u64::from(at.cast::<u8>().read())),
                Reader::U16 => Value::UInt(u64::from(at.cast::<u16>().read_unaligned())),
                Reader::U32 => Value::UInt(u64::from(at.cast::<u32>().read_unaligned())),
                Reader::U64 => Value::UInt(at.cast::<u64>().read_unaligned()),
                Reader::Float => Value::Float(at.cast::<f32>().read_unaligned()),
                Reader::Double => Value::Double(at.cast::<f64>().read_unaligned()),
                Reader::Pointer => Value::Pointer(at.cast::<usize>().read_unaligned()),
            }
        }
    }
}

/// The short path, for signatures of at most [`INLINE`] plain scalars and pointers: each
/// argument read straight into a [`Value`], the result checked against its lane.
#[derive(Debug)]
pub(super) struct Short {
    pub(super) args: [Reader; INLINE],
    /// On an own trampoline, where each argument lies in the saved registers.
    pub(super) at: [u16; INLINE],
    pub(super) count: usize,
    /// `None` for `void`.
    pub(super) result: Option<Lane>,
}

impl Short {
    /// The short path of a signature, if it has one.
    pub(super) fn of(signature: &Signature) -> Option<Short> {
        // On a big-endian machine a result word's low bytes do not come first.
        if cfg!(target_endian = "big") {
            return None;
        }
        let (lanes, result) = each_type(signature, Lane::of)?;
        if lanes.len() > INLINE {
            return None;
        }
        let mut args = [Reader::Pointer; INLINE];
        for (reader, lane) in args.iter_mut().zip(&lanes) {
            *reader = Reader::of(*lane);
        }
        Some(Short {
            args,
            at: [0; INLINE],
            count: lanes.len(),
            result,
        })
    }

    /// This short path on an own trampoline with `plan`: if every argument comes in a
    /// register.
    #[cfg(ctypes_sysv64)]
    pub(super) fn in_registers(mut self, plan: &super::plan::Plan) -> Option<Short> {
        use super::plan::{ArgFrom, Loc};
        for (at, from) in self.at.iter_mut().zip(plan.args.iter()) {
            match from {
                ArgFrom::At(Loc::Register(offset)) => *at = *offset,
                _ => return None,
            }
        }
        Some(self)
    }
}

/// What libffi calls with the arguments' addresses.
pub(super) type Handler =
    unsafe extern "C" fn(*mut ffi_cif, *mut c_void, *mut *mut c_void, *mut c_void);

/// The handler for a callback: one made for its number of arguments on the short path, where
/// the reading loop unrolls, else [`entry`].
pub(super) fn handler(short: Option<&Short>) -> Handler {
    match short.map(|short| short.count) {
        Some(0) => entry_short::<0>,
        Some(1) => entry_short::<1>,
        Some(2) => entry_short::<2>,
        Some(3) => entry_short::<3>,
        Some(4) => entry_short::<4>,
        Some(5) => entry_short::<5>,
        Some(6) => entry_short::<6>,
        Some(7) => entry_short::<7>,
        Some(8) => entry_short::<8>,
        _ => entry,
    }
}

/// The libffi closure handler for any signature.
///
/// # Safety
/// libffi calls it as the closure prepared in `Callback::make` set up: `data` points to the
/// callback's live `Inner`, `args` holds one pointer per parameter to a value of its type, and
/// `result` has room for the result type (at least one `ffi_arg`).
unsafe extern "C" fn entry(
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
                // SAFETY: as above.
                let run = callback.run_general(result, args);
                run.map_err(Box::new)
            },
            |callback| zero_result(callback, result),
        )
    }
}

/// The libffi closure handler for signatures on the short path with `N` arguments.
///
/// # Safety
/// As for [`entry`]; the callback has a short path with `N` arguments.
unsafe extern "C" fn entry_short<const N: usize>(
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
                let Some(short) = &callback.short else {
                    // SAFETY: as above.
                    return callback.run_general(result, args).map_err(Box::new);
                };
                callback.run_short::<N>(
                    short,
                    // libffi passes one pointer per parameter, `N` of them.
                    |i| *args.add(i),
                    // `result` has room for at least one word (an `ffi_arg`).
                    |word| result.cast::<u64>().write_unaligned(word),
                    // `result` has room for the result type, as libffi promises.
                    |returned| callback.write_result(&returned, result),
                )
            },
            |callback| zero_result(callback, result),
        )
    }
}

/// Zeroes a libffi result of `callback`'s result type (at least one `ffi_arg`).
fn zero_result(callback: &Inner, result: *mut c_void) {
    if callback.result_size > 0 {
        // SAFETY: libffi's result has room for the result type and at least one `ffi_arg`.
        unsafe { std::ptr::write_bytes(result.cast::<u8>(), 0, callback.result_size.max(8)) };
    }
}

/// Runs an invocation of the callback at `data`: nothing unwinds out of it, and a failure
/// runs `zero` (which gives C a zeroed result) and is reported.
///
/// # Safety
/// `data` must point to a live callback's `Inner`; `run` and `zero` must be safe to call with
/// it.
#[inline(always)]
pub(super) unsafe fn invoke(
    data: *const c_void,
    run: impl FnOnce(&Inner) -> Failed,
    zero: impl FnOnce(&Inner),
) {
    let inner = data.cast::<Inner>();
    // Marks the callback as running here: should its closure drop the last handle to it (by
    // freeing the memory that stored it, say, on this thread or another), the callback is
    // freed when `frame` is left, not under this invocation.
    // SAFETY: the caller promises a live `Inner`; `frame` is left below, on this thread,
    // after any frame entered during `run` (nothing in between unwinds).
    let frame = unsafe { Frame::enter(inner) };
    // SAFETY: the caller promises a live `Inner`, kept alive until `frame` is left.
    let callback = unsafe { &*inner };
    let failure = match catch_unwind(AssertUnwindSafe(|| run(callback))) {
        Ok(Ok(())) => return frame.leave(),
        Ok(Err(error)) => CallbackFailure::Error(*error),
        Err(payload) => CallbackFailure::Panic(payload),
    };
    fail(frame, || zero(callback), failure);
}

/// Ends an invocation that failed: C gets a zeroed result (`zero`), the failure goes where
/// [`report`] sends it.
#[cold]
#[inline(never)]
fn fail(frame: Frame, zero: impl FnOnce(), failure: CallbackFailure) {
    // Under `catch_unwind` too: nothing unwinds into C.
    if let Err(payload) = catch_unwind(AssertUnwindSafe(zero)) {
        discard(CallbackFailure::Panic(payload));
    }
    // May free the callback.
    frame.leave();
    report_safely(failure);
}

impl Inner {
    /// The closure, if it may run on this thread.
    #[inline(always)]
    pub(super) fn closure(&self) -> Result<&CallbackFn> {
        match &self.body {
            Body::Shared(f) => Ok(f.as_ref()),
            Body::Local { thread, closure } if Some(*thread) == this_thread() => {
                Ok(closure.as_ref())
            }
            Body::Local { .. } => Err(Error::CallbackThread),
            Body::Scoped(scoped) => scoped.closure(this_thread()),
            Body::Typed(_) => unreachable!("a typed callback has its own handler"),
        }
    }

    /// Reads the `N` arguments of a short-path signature (argument `i` at `arg(i)`), runs the
    /// closure and writes its result: a word that fits with `word`, anything else with
    /// `general` (which words the error of a result that does not fit).
    ///
    /// # Safety
    /// `short` is this callback's short path, with `N` arguments; `arg(i)` must point to a
    /// value of argument `i`'s type for every `i < N`.
    #[inline(always)]
    pub(super) unsafe fn run_short<const N: usize>(
        &self,
        short: &Short,
        arg: impl Fn(usize) -> *mut c_void,
        word: impl FnOnce(u64),
        general: impl FnOnce(CValue) -> Result<()>,
    ) -> Failed {
        let closure = self.closure().map_err(Box::new)?;
        let mut values = [const { MaybeUninit::<CValue>::uninit() }; N];
        for (i, (reader, slot)) in short.args.iter().zip(&mut values).enumerate() {
            // SAFETY: the caller promises a value of parameter `i`'s type, which is the
            // reader's, at `arg(i)`.
            slot.write(CValue::Value(unsafe { reader.read(arg(i)) }));
        }
        // SAFETY: all `N` entries were initialised above (`INLINE >= N` readers); they own
        // nothing, so leaving them undropped leaks nothing.
        let values = unsafe { std::slice::from_raw_parts(values.as_ptr().cast::<CValue>(), N) };
        let returned = closure(values);
        let Some(lane) = short.result else {
            // `void`: whatever the closure returned is dropped.
            return Ok(());
        };
        if let CValue::Value(value) = returned {
            // `int` and its kin first: the usual result, checked without a jump table.
            if let (Lane::Signed { min, max, .. }, Value::Int(x)) = (lane, value) {
                if min <= x && x <= max {
                    word(x as u64);
                    return Ok(());
                }
            }
            if let Some(encoded) = lane.encode(value) {
                word(encoded);
                return Ok(());
            }
        }
        // A result to check and word an error for: the general path.
        general(returned).map_err(Box::new)
    }

    /// [`Inner::run`] for any signature.
    ///
    /// # Safety
    /// As for [`entry`].
    #[inline(never)]
    unsafe fn run_general(&self, result: *mut c_void, args: *mut *mut c_void) -> Result<()> {
        let closure = self.closure()?;
        let count = self.params.len();
        let returned = if count <= INLINE {
            let mut values = Values::new(&self.params);
            for i in 0..count {
                // SAFETY: libffi passes `count` argument pointers.
                let at = unsafe { *args.add(i) };
                // SAFETY: `at` points to a value of the parameter's type.
                unsafe { values.read_next(Some(at)) }?;
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
        unsafe { self.write_result(&returned, result) }
    }

    /// Writes the closure's result where libffi wants it: integers narrower than a word are
    /// widened to a full `ffi_arg`, as libffi reads them.
    ///
    /// # Safety
    /// `result` must have room for the result type and at least 8 bytes.
    #[inline(never)]
    pub(super) unsafe fn write_result(&self, returned: &CValue, result: *mut c_void) -> Result<()> {
        let ty = self.signature.result();
        let misfit = |found: String| Error::CallbackResult {
            expected: ty.to_string(),
            found,
        };
        let bytes: [u8; SCALAR_BYTES] = match (ty.kind(), returned) {
            (crate::ty::TypeKind::Void, _) => return Ok(()),
            (crate::ty::TypeKind::Record(_), CValue::Data(data))
                if data.ty().same_object(ty) || data.ty() == ty =>
            {
                if data.keeps_anything_alive() {
                    // Its pointers now live in C's copy, beyond this object: keep what they
                    // point to for ever rather than free it under C.
                    std::mem::forget(data.clone());
                }
                // Copied as memory, not as Rust bytes: a record written from a Rust value may
                // hold uninitialised padding.
                let from = data.addressof()?;
                // SAFETY: `result` has room for the record; the object holds exactly its size.
                unsafe { copy_bytes(from.cast::<u8>(), result.cast::<u8>(), data.size()) };
                return Ok(());
            }
            (crate::ty::TypeKind::Pointer(_), CValue::Value(Value::Pointer(p))) => {
                widen_word(*p as u64)
            }
            (crate::ty::TypeKind::Scalar(s), CValue::Value(v)) => {
                let mut out = [0u8; SCALAR_BYTES];
                encode_scalar(*s, *v, &mut out).map_err(|e| misfit(format!("{v:?} ({e})")))?;
                match s.class() {
                    ScalarClass::Float => out,
                    _ if s.size() < 8 => widen(*s, &out),
                    _ => out,
                }
            }
            _ => return Err(misfit(format!("{returned:?}"))),
        };
        let len = self.result_size.clamp(8, SCALAR_BYTES);
        // SAFETY: `result` has room for `max(size, 8)` bytes, and `len` is no more.
        unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), result.cast::<u8>(), len) };
        Ok(())
    }
}

/// The bytes of the largest scalar, `long double _Complex`.
const SCALAR_BYTES: usize = 32;

/// A word as the first 8 of [`SCALAR_BYTES`] bytes, in native order.
fn widen_word(word: u64) -> [u8; SCALAR_BYTES] {
    let mut out = [0u8; SCALAR_BYTES];
    out[..8].copy_from_slice(&word.to_ne_bytes());
    out
}

/// An integer narrower than 8 bytes, sign- or zero-extended to a word.
fn widen(s: Scalar, encoded: &[u8; SCALAR_BYTES]) -> [u8; SCALAR_BYTES] {
    let narrow = codec::load(&encoded[..s.size()], ByteOrder::NATIVE) as u64;
    let shift = 64 - 8 * s.size() as u32;
    let word = if s.is_signed() {
        (((narrow << shift) as i64) >> shift) as u64
    } else {
        narrow
    };
    widen_word(word)
}

/// Reads one argument that the caller may have passed nothing of (`None`: a record of no data
/// too large for registers, which the closure receives zeroed).
///
/// # Safety
/// As for [`read`], where `at` is given.
pub(super) unsafe fn read_passed(param: &Param, at: Option<*mut c_void>) -> Result<CValue> {
    match (at, param) {
        // SAFETY: as promised by the caller.
        (Some(at), param) => unsafe { read(param, at) },
        (None, Param::Record(ty, _)) => Ok(CValue::Data(CData::new(ty)?)),
        (None, _) => Err(Error::TypeMismatch {
            expected: "an argument the caller passes".to_owned(),
            found: "none".to_owned(),
        }),
    }
}

/// Reads one argument.
///
/// # Safety
/// `at` must point to a value of the parameter's type.
#[inline(always)]
pub(super) unsafe fn read(param: &Param, at: *const c_void) -> Result<CValue> {
    Ok(match param {
        // The usual floating arguments, read straight (as `decode` reads them).
        Param::Scalar(Scalar::Double) => {
            // SAFETY: `at` points to a `double`.
            let x = unsafe { at.cast::<f64>().read_unaligned() };
            CValue::Value(Value::Double(x))
        }
        Param::Scalar(Scalar::Float) => {
            // SAFETY: `at` points to a `float`.
            let x = unsafe { at.cast::<f32>().read_unaligned() };
            CValue::Value(Value::Float(x))
        }
        Param::Scalar(s) => {
            // SAFETY: `at` points to `s.size()` readable bytes.
            let bytes = unsafe { std::slice::from_raw_parts(at.cast::<u8>(), s.size()) };
            CValue::Value(codec::decode(Leaf::Scalar(*s), bytes, ByteOrder::NATIVE)?)
        }
        // SAFETY: `at` points to a pointer.
        Param::Pointer(_) => CValue::Value(Value::Pointer(unsafe {
            at.cast::<usize>().read_unaligned()
        })),
        Param::Record(ty, size) => {
            let mut out = MaybeUninit::uninit();
            // SAFETY: `at` points to a record of `size` bytes.
            unsafe { read_record(ty, *size, at, &mut out) }?;
            // SAFETY: written by `read_record`, which succeeded.
            unsafe { out.assume_init() }
        }
    })
}

/// Reads a record argument of type `ty` and `size` bytes into an object the closure owns,
/// written into `out` (left as it was on an error).
///
/// # Safety
/// `at` must point to `size` readable bytes.
#[inline(always)]
unsafe fn read_record(
    ty: &crate::ty::CType,
    size: usize,
    at: *const c_void,
    out: &mut MaybeUninit<CValue>,
) -> Result<()> {
    // SAFETY: as promised by the caller.
    let bytes = unsafe { std::slice::from_raw_parts(at.cast::<u8>(), size) };
    arguments::record(ty, bytes, out)
}

/// Up to [`INLINE`] arguments on the stack, dropped with the frame (also on unwinding); the
/// `i`th is of parameter `params[i]`. A record argument may be an object lent from this
/// thread's table (`lent[i]`), given back rather than dropped.
pub(super) struct Values<'p> {
    items: [MaybeUninit<CValue>; INLINE],
    lent: [Option<Slot>; INLINE],
    len: usize,
    params: &'p [Param],
}

impl<'p> Values<'p> {
    pub(super) fn new(params: &'p [Param]) -> Values<'p> {
        Values {
            items: [const { MaybeUninit::uninit() }; INLINE],
            lent: [None; INLINE],
            len: 0,
            params,
        }
    }

    /// Reads the next argument (of parameter `params[len]`) straight into its item.
    ///
    /// # Safety
    /// As for [`read`], with that parameter; fewer than [`INLINE`] items are read yet.
    #[inline(always)]
    pub(super) unsafe fn read_next(&mut self, at: Option<*mut c_void>) -> Result<()> {
        let item = &mut self.items[self.len];
        match (at, &self.params[self.len]) {
            (Some(at), Param::Record(ty, size)) => {
                // SAFETY: as promised by the caller.
                let bytes = unsafe { std::slice::from_raw_parts(at.cast::<u8>(), *size) };
                self.lent[self.len] = arguments::lend_record(ty, bytes, item)?;
            }
            // SAFETY: as promised by the caller.
            (at, param) => _ = item.write(unsafe { read_passed(param, at) }?),
        }
        self.len += 1;
        Ok(())
    }

    pub(super) fn as_slice(&self) -> &[CValue] {
        // SAFETY: the first `len` items were written by `push`.
        unsafe { std::slice::from_raw_parts(self.items.as_ptr().cast::<CValue>(), self.len) }
    }
}

impl Drop for Values<'_> {
    #[inline(always)]
    fn drop(&mut self) {
        for (item, lent) in self.items[..self.len].iter_mut().zip(&self.lent) {
            match *lent {
                // Never dropped: a bitwise copy of the table's handle, which counted for
                // nothing.
                Some(slot) => arguments::give_back(slot),
                // SAFETY: the first `len` items are initialised and dropped only here. A new
                // record argument's object is dropped like any: once no one holds it but this
                // thread's table, it is lent for a later call.
                None => unsafe { item.assume_init_drop() },
            }
        }
    }
}
