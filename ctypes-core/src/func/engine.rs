//! The call engine: one call of any signature on x86-64 System V, made from its [`Plan`]
//! without libffi.
//!
//! Each argument is checked and written where the plan puts it: a plain
//! [`Value`](crate::Value) for a scalar parameter straight into its word, an object of a
//! record parameter's type copied from its bytes into registers or its stack slot (no pin: C
//! never sees its address), anything else through the general encoding of `marshal.rs` (the
//! same conversions, pins and error messages as the libffi path). The stack area lives in
//! a buffer inside this function's frame when it fits [`INLINE_STACK`] bytes (on the heap
//! beyond), so a call of a fixed signature allocates nothing. One block of inline assembly
//! (`sysv_call::call_with_stack`) copies the area below the stack pointer, loads the argument
//! registers and calls; the result is then read from `rax`/`rdx`, `xmm0`/`xmm1`, `st0`/`st1`,
//! or found in the memory whose address went in `rdi`.

use std::mem::MaybeUninit;

use super::arg::Arg;
use super::engine_path::Call;
use super::marshal::{Encoded, Held, SLOT_BYTES};
use super::plan::{ArgPlan, Piece, Plan, ResultCopy, ResultPlan, To};
use super::sysv_call::{self, ArgRegisters, Results, Returned, REGISTER_WORDS};
use super::{errno, set_errno};
use crate::encode::{CValue, Param};
use crate::error::{Error, Result};
use crate::in_call::CallGuard;
use crate::layout::ByteOrder;
use crate::mem::codec::{self, Leaf, Overflow};
use crate::mem::{CData, Value};
use crate::ty::Scalar;

/// Bytes of outgoing stack area a call keeps in its own frame; larger areas go to the heap.
pub(crate) const INLINE_STACK: usize = 1024;

#[repr(C, align(16))]
struct StackArea([MaybeUninit<u8>; INLINE_STACK]);

impl Plan {
    /// Makes the call: checks and places the arguments (refusing the first that does not fit
    /// its parameter before anything is called), calls, and returns the result (`Void` when it
    /// was written into `call.into`) and `errno`.
    ///
    /// # Safety
    /// `call.code` must be a function whose arguments and result are those this plan was made
    /// for (`call.params`, `call.types` and `call.args` one per argument, `into` an object of
    /// the result type), and the arguments must meet whatever the function requires of them.
    #[inline(always)]
    pub(crate) unsafe fn call(&self, call: &Call<'_, '_>) -> Result<(CValue, i32)> {
        if let ResultPlan::Record {
            ty, size, align, ..
        } = &self.result
        {
            if call.into.is_some() {
                // SAFETY: forwarded to the caller.
                let errno = unsafe { self.fill(call) }?;
                return Ok((CValue::Void, errno));
            }
            // A record result in a new object: made first, and written as `call_into` writes
            // an object the caller has (one in memory straight through the hidden pointer).
            let data = CData::new_sized(ty, *size, *align)?;
            let into = Call {
                into: Some(&data),
                ..*call
            };
            // SAFETY: forwarded to the caller; `data` is an object of the result type.
            let errno = unsafe { self.fill(&into) }?;
            return Ok((CValue::Data(data), errno));
        }
        let mut results = Results::default();
        // SAFETY: forwarded to the caller.
        let (_, errno) = unsafe { self.run(call, &mut results) }?;
        Ok((self.result(&results)?, errno))
    }

    /// [`Plan::call`] writing a record result into `call.into`, which must be given.
    ///
    /// # Safety
    /// As for [`Plan::call`].
    #[inline]
    pub(crate) unsafe fn call_into(&self, call: &Call<'_, '_>) -> Result<()> {
        // SAFETY: forwarded to the caller.
        unsafe { self.fill(call) }.map(drop)
    }

    /// [`Plan::call_into`], returning `errno`.
    ///
    /// # Safety
    /// As for [`Plan::call`].
    #[inline(always)]
    unsafe fn fill(&self, call: &Call<'_, '_>) -> Result<i32> {
        let mut results = Results::default();
        // SAFETY: forwarded to the caller.
        let (made, errno) = unsafe { self.run(call, &mut results) }?;
        match (&self.result, call.into) {
            (ResultPlan::Record { size, copies, .. }, Some(into)) if !self.hidden => {
                write_result(into, *size, copies, &results)?
            }
            (_, Some(into)) => copy_made(into, made)?,
            _ => {}
        }
        Ok(errno)
    }

    /// Places the arguments and calls; the result registers land in `results`. Returns the
    /// new object a result in memory was written to (when `call.into` is not aligned for the
    /// result type) and `errno`.
    ///
    /// # Safety
    /// As for [`Plan::call`].
    #[inline(always)]
    unsafe fn run(
        &self,
        call: &Call<'_, '_>,
        results: &mut Results,
    ) -> Result<(Option<CData>, i32)> {
        let mut registers = ArgRegisters([MaybeUninit::uninit(); REGISTER_WORDS]);
        let mut inline = StackArea([MaybeUninit::uninit(); INLINE_STACK]);
        let mut heap: Vec<MaybeUninit<u8>>;
        let stack: &mut [MaybeUninit<u8>] = if self.stack_size <= INLINE_STACK {
            &mut inline.0[..self.stack_size]
        } else {
            heap = vec![MaybeUninit::uninit(); self.stack_size];
            &mut heap
        };
        // Made only for arguments that need the general encoding (C strings, pins).
        let mut held: Option<Held> = None;
        for (index, ((plan, param), arg)) in
            self.args.iter().zip(call.params).zip(call.args).enumerate()
        {
            if place_quickly(plan, arg, &mut registers, stack) {
                continue;
            }
            place(plan, param, arg, &mut held, &mut registers, stack).map_err(|found| {
                Error::Argument {
                    function: call.name.to_owned(),
                    index,
                    expected: call.types[index].to_string(),
                    found,
                }
            })?;
        }
        // The callee writes a result in memory through the hidden pointer, and may assume it
        // aligned for the result type: an object that is not (a field of a packed record, say)
        // gets the result in a new object first.
        let made = match (&self.result, call.into) {
            (
                ResultPlan::Record {
                    ty, size, align, ..
                },
                Some(into),
            ) if self.hidden && !(into.addressof()? as usize).is_multiple_of(*align) => {
                Some(CData::new_sized(ty, *size, *align)?)
            }
            _ => None,
        };
        // `into` is written after the call, through its bounds-checked storage: it needs no
        // pin (no object is resized while a call is in progress, and the caller's borrow keeps
        // it alive).
        if self.hidden {
            let memory = made
                .as_ref()
                .or(call.into)
                .ok_or_else(|| missing(call.name))?;
            registers.0[0].write(memory.addressof()? as usize as u64);
        }
        let guard = CallGuard::enter();
        if let Some(value) = call.errno_before {
            set_errno(value);
        }
        // SAFETY: the caller promises the function's signature and arguments, from which the
        // plan was made: every argument register it reads and the stack area were written
        // above as the psABI places them (the hidden result pointer in `rdi`, to memory of the
        // result's type that lives past the call), the area is aligned as the plan says, `al`
        // counts the vector registers used and `x87` the values a result leaves in `st0`/`st1`.
        // The objects whose addresses pointer arguments carry are pinned in `held` until it
        // returns; the result's memory, if C writes it, cannot be resized meanwhile either,
        // since no object is while a call is in progress.
        unsafe {
            sysv_call::call_with_stack(
                call.code,
                &registers,
                stack,
                self.stack_align,
                self.al,
                self.x87,
                results,
            )
        };
        let errno_after = if call.errno_after { errno() } else { 0 };
        if let Some(held) = &mut held {
            held.release();
        }
        guard.leave()?;
        Ok((made, errno_after))
    }

    /// The result, from the registers or the memory the callee wrote.
    #[inline]
    fn result(&self, results: &Results) -> Result<CValue> {
        Ok(match &self.result {
            ResultPlan::Void => CValue::Void,
            ResultPlan::Value(read) => CValue::Value(read.decode(Returned {
                rax: results.rax,
                xmm0: u64::from_ne_bytes(results.xmm0[..8].try_into().expect("8 bytes")),
            })),
            ResultPlan::LongDouble => CValue::Value(codec::decode(
                Leaf::Scalar(Scalar::LongDouble),
                &results.st0[..Scalar::LongDouble.size()],
                ByteOrder::NATIVE,
            )?),
            ResultPlan::Complex { scalar, copies } => {
                CValue::Value(complex_result(*scalar, copies, results)?)
            }
            // Records are written into their object by `fill`.
            ResultPlan::Record { .. } => return Err(missing("a record result")),
        })
    }
}

/// Writes a record result from the registers it came back in into `target`, an object of
/// the result type (`size` bytes).
#[inline]
fn write_result(
    target: &CData,
    size: usize,
    copies: &[ResultCopy],
    results: &Results,
) -> Result<()> {
    let storage = target.storage();
    let start = target.offset();
    if start
        .checked_add(size)
        .is_none_or(|end| end > storage.len())
    {
        return Err(missing("a result of this size"));
    }
    let to = storage.address(start);
    let from = (results as *const Results).cast::<u8>();
    for copy in copies {
        debug_assert!(copy.to + copy.len <= size && copy.from + copy.len <= size_of::<Results>());
        // SAFETY: the plan keeps each copy inside the record (`to + len <= size`, and the
        // object's memory holds `size` bytes from `start`, checked above) and inside
        // `Results`; the two are distinct memory.
        unsafe {
            if copy.len == 8 {
                let word = from.add(copy.from).cast::<u64>().read_unaligned();
                to.add(copy.to).cast::<u64>().write_unaligned(word);
            } else {
                std::ptr::copy_nonoverlapping(from.add(copy.from), to.add(copy.to), copy.len);
            }
        }
    }
    Ok(())
}

/// A complex result, from the registers it came back in.
#[inline]
fn complex_result(scalar: Scalar, copies: &[ResultCopy], results: &Results) -> Result<Value> {
    let registers = results.bytes();
    let mut bytes = [0u8; SLOT_BYTES];
    for copy in copies {
        bytes[copy.to..][..copy.len].copy_from_slice(&registers[copy.from..][..copy.len]);
    }
    codec::decode(
        Leaf::Scalar(scalar),
        &bytes[..scalar.size()],
        ByteOrder::NATIVE,
    )
}

/// Copies a result the callee wrote into a new object (`made`, if any) into `into`.
#[inline]
fn copy_made(into: &CData, made: Option<CData>) -> Result<()> {
    match made {
        Some(made) => into.write_bytes(0, &made.to_bytes()),
        None => Ok(()),
    }
}

/// An inconsistent plan: never expected, reported rather than panicking.
#[cold]
fn missing(what: &str) -> Error {
    Error::TypeMismatch {
        expected: "a call the engine planned".to_owned(),
        found: format!("no place for {what}"),
    }
}

/// Writes one argument where its plan puts it if it is of the quick kinds — a plain value
/// of its scalar parameter's kind and range, an object of its record parameter's type — and
/// says whether it was; [`place`] takes the others.
///
/// A record argument's bytes are copied before the call, so its memory needs no pin: C never
/// sees its address (and no object is resized while any call is in progress).
#[inline(always)]
fn place_quickly(
    plan: &ArgPlan,
    arg: &Arg<'_>,
    registers: &mut ArgRegisters,
    stack: &mut [MaybeUninit<u8>],
) -> bool {
    match (plan, arg) {
        (
            ArgPlan::Word {
                place: Some(place),
                to,
                ..
            },
            Arg::Value(value),
        ) => {
            let Some(word) = place.encode(*value) else {
                return false;
            };
            put_word(word, *to, registers, stack);
            true
        }
        (
            ArgPlan::Complex {
                scalar,
                pieces,
                count,
            },
            Arg::Value(value),
        ) => {
            let mut bytes = [0u8; SLOT_BYTES];
            let encoded = codec::encode(
                Leaf::Scalar(*scalar),
                *value,
                &mut bytes[..scalar.size()],
                ByteOrder::NATIVE,
                Overflow::Refuse,
            );
            if encoded.is_err() {
                return false;
            }
            place_pieces(&bytes, &pieces[..usize::from(*count)], registers, stack);
            true
        }
        (ArgPlan::Record { ty, pieces, count }, Arg::Data(data))
            if data.ty().same_object(ty) && !data.is_bit_field() =>
        {
            let at = data.storage().address(data.offset());
            for piece in &pieces[..usize::from(*count)] {
                // SAFETY: `at` is the address of an object of the parameter's record type,
                // valid for reads of its size, and the placement keeps every piece inside it.
                unsafe { copy_piece(at.add(piece.from), piece, registers, stack) };
            }
            true
        }
        _ => false,
    }
}

/// Checks one argument of any kind through the general encoding and writes it where its plan
/// puts it; on a mismatch, says what was found.
#[inline(never)]
fn place(
    plan: &ArgPlan,
    param: &Param,
    arg: &Arg<'_>,
    held: &mut Option<Held>,
    registers: &mut ArgRegisters,
    stack: &mut [MaybeUninit<u8>],
) -> std::result::Result<(), String> {
    let encoded = held.get_or_insert_with(Held::new).encode(param, arg)?;
    match (plan, encoded) {
        (ArgPlan::Word { widen, to, .. }, Encoded::Bytes(bytes)) => {
            put_word(widen.word(&bytes), *to, registers, stack);
        }
        (ArgPlan::Wide { to }, Encoded::Bytes(bytes)) => write(stack, *to, &bytes[..16]),
        (ArgPlan::Complex { pieces, count, .. }, Encoded::Bytes(bytes)) => {
            place_pieces(&bytes, &pieces[..usize::from(*count)], registers, stack);
        }
        (ArgPlan::Record { pieces, count, .. }, Encoded::At(at)) => {
            for piece in &pieces[..usize::from(*count)] {
                // SAFETY: `at` is the address of an object of the parameter's record type
                // (`encode` checked it), valid for reads of its size, and the placement keeps
                // every piece inside it.
                unsafe { copy_piece(at.cast::<u8>().add(piece.from), piece, registers, stack) };
            }
        }
        _ => return Err(arg.describe()),
    }
    Ok(())
}

/// Writes a scalar argument's word to its register or stack slot.
#[inline(always)]
fn put_word(word: u64, to: To, registers: &mut ArgRegisters, stack: &mut [MaybeUninit<u8>]) {
    match to {
        To::Register(at) => {
            registers.0[at / 8].write(word);
        }
        To::Stack(at) => write(stack, at, &word.to_ne_bytes()),
    }
}

/// Writes the pieces of a value encoded in `bytes` where they go.
#[inline(always)]
fn place_pieces(
    bytes: &[u8; SLOT_BYTES],
    pieces: &[Piece],
    registers: &mut ArgRegisters,
    stack: &mut [MaybeUninit<u8>],
) {
    for piece in pieces {
        let from = &bytes[piece.from..][..piece.len];
        // SAFETY: `from` is `piece.len` readable bytes.
        unsafe { copy_piece(from.as_ptr(), piece, registers, stack) };
    }
}

/// Copies one piece of a record argument from `from` to where it goes.
///
/// # Safety
/// `from` must be valid for reads of `piece.len` bytes.
#[inline(always)]
unsafe fn copy_piece(
    from: *const u8,
    piece: &Piece,
    registers: &mut ArgRegisters,
    stack: &mut [MaybeUninit<u8>],
) {
    let to: &mut [MaybeUninit<u8>] = match piece.to {
        To::Register(offset) if piece.len == 8 => {
            // SAFETY: the caller promises 8 readable bytes.
            let word = unsafe { from.cast::<u64>().read_unaligned() };
            registers.0[offset / 8].write(word);
            return;
        }
        To::Register(offset) => &mut registers.bytes_mut()[offset..][..piece.len],
        To::Stack(offset) => &mut stack[offset..][..piece.len],
    };
    // SAFETY: the caller promises `piece.len` readable bytes; `to` is a distinct buffer of
    // that many bytes.
    unsafe { std::ptr::copy_nonoverlapping(from, to.as_mut_ptr().cast::<u8>(), piece.len) };
}

/// Writes `bytes` into the stack area at `at`.
#[inline(always)]
fn write(stack: &mut [MaybeUninit<u8>], at: usize, bytes: &[u8]) {
    let to = &mut stack[at..][..bytes.len()];
    // SAFETY: `to` is a distinct buffer of exactly `bytes.len()` bytes.
    unsafe {
        std::ptr::copy_nonoverlapping(bytes.as_ptr(), to.as_mut_ptr().cast::<u8>(), bytes.len());
    }
}

impl ArgRegisters {
    /// The registers as bytes.
    #[inline(always)]
    fn bytes_mut(&mut self) -> &mut [MaybeUninit<u8>; 8 * REGISTER_WORDS] {
        // SAFETY: the words are `8 * REGISTER_WORDS` bytes of plain memory, and bytes of any
        // value (initialised or not) are valid `MaybeUninit<u8>`, whose alignment is 1.
        unsafe {
            &mut *self
                .0
                .as_mut_ptr()
                .cast::<[MaybeUninit<u8>; 8 * REGISTER_WORDS]>()
        }
    }
}
