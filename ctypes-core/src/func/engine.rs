//! The call engine: one call of any signature on x86-64 System V, made from its [`Plan`]
//! without libffi.
//!
//! Each argument is checked and written where the plan puts it: a plain [`Value`] for a
//! scalar parameter straight into its word, anything else through the general encoding of
//! `marshal.rs` (the same conversions, pins and error messages as the libffi path); a record's
//! bytes are copied from its object into registers or its stack slot. The stack area lives in
//! a buffer inside this function's frame when it fits [`INLINE_STACK`] bytes (on the heap
//! beyond), so a call of a fixed signature allocates nothing. One block of inline assembly
//! (`sysv_call::call_with_stack`) copies the area below the stack pointer, loads the argument
//! registers and calls; the result is then read from `rax`/`rdx`, `xmm0`/`xmm1`, `st0`/`st1`,
//! or found in the memory whose address went in `rdi`.

use std::mem::MaybeUninit;

use super::arg::{Arg, CValue};
use super::engine_path::Call;
use super::marshal::{Encoded, Held, Param};
use super::plan::{ArgPlan, Plan, ResultPlan, To};
use super::sysv_call::{self, ArgRegisters, Results, Returned, REGISTER_WORDS};
use super::{errno, set_errno};
use crate::abi::{Gpr, Part, Register};
use crate::callback::CallGuard;
use crate::error::{Error, Result};
use crate::layout::ByteOrder;
use crate::mem::codec::{self, Leaf};
use crate::mem::CData;
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
    #[inline]
    pub(crate) unsafe fn call(&self, call: &Call<'_, '_>) -> Result<(CValue, i32)> {
        let mut registers = ArgRegisters([MaybeUninit::uninit(); REGISTER_WORDS]);
        let mut inline = StackArea([MaybeUninit::uninit(); INLINE_STACK]);
        let mut heap: Vec<MaybeUninit<u8>>;
        let stack: &mut [MaybeUninit<u8>] = if self.stack_size <= INLINE_STACK {
            &mut inline.0[..self.stack_size]
        } else {
            heap = vec![MaybeUninit::uninit(); self.stack_size];
            &mut heap
        };
        let mut held = Held::new();
        for (index, ((plan, param), arg)) in
            self.args.iter().zip(call.params).zip(call.args).enumerate()
        {
            place(plan, param, arg, &mut held, &mut registers, stack).map_err(|found| {
                Error::Argument {
                    function: call.name.to_owned(),
                    index,
                    expected: call.types[index].to_string(),
                    found,
                }
            })?;
        }
        let made = match (&self.result, call.into) {
            (ResultPlan::Record { ty, .. }, None) if self.hidden => Some(CData::new(ty)?),
            _ => None,
        };
        if let Some(into) = call.into {
            held.pin(into.storage());
        }
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
        // Every object whose address the call was given is pinned in `held` until it returns.
        let results = unsafe {
            sysv_call::call_with_stack(
                call.code,
                &registers,
                stack,
                self.stack_align,
                self.al,
                self.x87,
            )
        };
        let errno_after = if call.errno_after { errno() } else { 0 };
        held.release();
        guard.leave()?;
        let returned = self.result(&results, call.into, made)?;
        Ok((returned, errno_after))
    }

    /// The result, from the registers or the memory the callee wrote.
    #[inline]
    fn result(
        &self,
        results: &Results,
        into: Option<&CData>,
        made: Option<CData>,
    ) -> Result<CValue> {
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
            ResultPlan::Record { .. } if self.hidden => made.map_or(CValue::Void, CValue::Data),
            ResultPlan::Record { ty, size, parts } => match into {
                Some(into) => {
                    write_parts(into, *size, parts, results)?;
                    CValue::Void
                }
                None => {
                    let data = CData::new(ty)?;
                    write_parts(&data, *size, parts, results)?;
                    CValue::Data(data)
                }
            },
        })
    }
}

/// Writes the parts of a record result from the registers they came back in into `target`,
/// an object of the result type of `size` bytes.
#[inline]
fn write_parts(target: &CData, size: usize, parts: &[Part], results: &Results) -> Result<()> {
    for part in parts {
        let word;
        let from: &[u8] = match part.register {
            Register::Gpr(Gpr::Rax) => {
                word = results.rax.to_ne_bytes();
                &word
            }
            Register::Gpr(Gpr::Rdx) => {
                word = results.rdx.to_ne_bytes();
                &word
            }
            Register::Xmm(0) => &results.xmm0,
            Register::Xmm(1) => &results.xmm1,
            Register::St0 => &results.st0,
            Register::St1 => &results.st1,
            _ => return Err(missing("a result register")),
        };
        let len = part
            .len
            .min(size.saturating_sub(part.offset))
            .min(from.len());
        target.write_bytes(part.offset, &from[..len])?;
    }
    Ok(())
}

/// An inconsistent plan: never expected, reported rather than panicking.
#[cold]
fn missing(what: &str) -> Error {
    Error::TypeMismatch {
        expected: "a call the engine planned".to_owned(),
        found: format!("no place for {what}"),
    }
}

/// Checks one argument and writes it where its plan puts it; on a mismatch, says what was
/// found.
#[inline(always)]
fn place(
    plan: &ArgPlan,
    param: &Param,
    arg: &Arg<'_>,
    held: &mut Held,
    registers: &mut ArgRegisters,
    stack: &mut [MaybeUninit<u8>],
) -> std::result::Result<(), String> {
    match plan {
        ArgPlan::Word { place, widen, to } => {
            let word = match (place, arg) {
                (Some(place), Arg::Value(value)) => place.encode(*value),
                _ => None,
            };
            let word = match word {
                Some(word) => word,
                None => match held.encode(param, arg)? {
                    Encoded::Bytes(bytes) => widen.word(&bytes),
                    Encoded::At(_) => return Err(arg.describe()),
                },
            };
            match *to {
                To::Register(at) => {
                    registers.0[at / 8].write(word);
                }
                To::Stack(at) => write(stack, at, &word.to_ne_bytes()),
            }
        }
        ArgPlan::Wide { to } => match held.encode(param, arg)? {
            Encoded::Bytes(bytes) => write(stack, *to, &bytes),
            Encoded::At(_) => return Err(arg.describe()),
        },
        ArgPlan::Record { pieces, count } => {
            let Encoded::At(at) = held.encode(param, arg)? else {
                return Err(arg.describe());
            };
            for piece in &pieces[..usize::from(*count)] {
                let to: &mut [MaybeUninit<u8>] = match piece.to {
                    To::Register(offset) => &mut registers.bytes_mut()[offset..][..piece.len],
                    To::Stack(offset) => &mut stack[offset..][..piece.len],
                };
                // SAFETY: `at` is the address of an object of the parameter's record type
                // (`encode` checked the argument's type), valid for reads of its size, and the
                // placement keeps every piece inside it; `to` is a distinct buffer of `len`
                // bytes.
                unsafe {
                    std::ptr::copy_nonoverlapping(
                        at.cast::<u8>().add(piece.from),
                        to.as_mut_ptr().cast::<u8>(),
                        piece.len,
                    );
                }
            }
        }
    }
    Ok(())
}

/// Writes `bytes` into the stack area at `at`.
#[inline(always)]
fn write(stack: &mut [MaybeUninit<u8>], at: usize, bytes: &[u8]) {
    for (to, &b) in stack[at..][..bytes.len()].iter_mut().zip(bytes) {
        to.write(b);
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
