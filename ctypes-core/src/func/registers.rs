//! The register call, the call engine's quickest form, inlined into the caller: signatures
//! made only of integers (any width), `_Bool`, pointers, `float` and `double`, with at most 6
//! integer-class and 8 floating arguments, not variadic: each argument is checked and written
//! into the slot of its register, and a few instructions load the registers and call (see
//! `sysv_call.rs`). Where each argument goes is decided once, when the `Function` is made.
//!
//! Only on x86-64 Unix with 64-bit pointers (the SysV ABI). Every other signature there takes
//! the engine's general form (`plan.rs`, `engine.rs`), and so does any call whose arguments are
//! not all plain [`Value`]s of their parameter's kind and range: the general form converts them
//! or words the error. Other targets go through libffi.

use std::ffi::c_void;
use std::mem::MaybeUninit;

use super::arg::Arg;
use super::sysv_call::{self, Returned, FIRST_FLOAT, MAX_FLOATS, MAX_INTS, SLOTS};
use super::{errno, set_errno};
use crate::encode::{CValue, Lane};
use crate::error::Result;
use crate::in_call::CallGuard;
use crate::mem::Value;
use crate::ty::{CType, Scalar, Signature};

/// A value's kind, as a bit of [`Place::accepts`].
const SIGNED: u8 = 1 << 0;
const UNSIGNED: u8 = 1 << 1;
const FLOAT: u8 = 1 << 2;
const DOUBLE: u8 = 1 << 3;
const POINTER: u8 = 1 << 4;
const BOOL: u8 = 1 << 5;

/// How one argument is checked and where it goes, flat so that a call makes the same few
/// comparisons for every argument: which kinds of [`Value`] it accepts, the range a signed
/// payload must be in (`min..=max`) and the bound an unsigned one must not pass (`max_unsigned`;
/// the bits of a float, double, pointer or `_Bool` always pass), and its slot.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Place {
    accepts: u8,
    slot: u8,
    min: i64,
    max: i64,
    max_unsigned: u64,
}

impl Place {
    /// The check for an argument of type `ty`, and whether it travels in a floating register;
    /// `None` if the register call does not take that type.
    pub(crate) fn of(ty: &CType) -> Option<(Place, bool)> {
        let any = |accepts| Place {
            accepts,
            slot: 0,
            min: 0,
            max: 0,
            max_unsigned: u64::MAX,
        };
        if ty.as_scalar() == Some(Scalar::Bool) {
            return Some((any(BOOL), false));
        }
        Some(match Lane::of(ty)? {
            Lane::Signed { min, max, .. } => (
                Place {
                    accepts: SIGNED | UNSIGNED,
                    slot: 0,
                    min,
                    max,
                    max_unsigned: max as u64,
                },
                false,
            ),
            Lane::Unsigned { max, .. } => (
                Place {
                    accepts: SIGNED | UNSIGNED,
                    slot: 0,
                    min: 0,
                    max: i64::try_from(max).unwrap_or(i64::MAX),
                    max_unsigned: max,
                },
                false,
            ),
            Lane::Float => (any(FLOAT), true),
            Lane::Double => (any(DOUBLE), true),
            Lane::Pointer => (any(POINTER), false),
        })
    }

    /// The argument as its register holds it — integers sign- or zero-extended to 64 bits,
    /// a `double`'s bits, a `float`'s bits in the low 32 — if it is of an accepted kind and in
    /// range.
    #[inline(always)]
    pub(crate) fn encode(&self, value: Value) -> Option<u64> {
        let (kind, word) = match value {
            Value::Int(x) => {
                return (self.accepts & SIGNED != 0 && self.min <= x && x <= self.max)
                    .then_some(x as u64);
            }
            Value::UInt(x) => (UNSIGNED, x),
            Value::Float(x) => (FLOAT, u64::from(x.to_bits())),
            Value::Double(x) => (DOUBLE, x.to_bits()),
            Value::Pointer(p) => (POINTER, p as u64),
            Value::Bool(b) => (BOOL, u64::from(b)),
            Value::LongDouble(_)
            | Value::FloatComplex(_)
            | Value::DoubleComplex(_)
            | Value::LongDoubleComplex(_) => return None,
        };
        (self.accepts & kind != 0 && word <= self.max_unsigned).then_some(word)
    }
}

/// How the result is read from its registers: as the libffi short path reads its word
/// ([`Lane`]: only the low bytes of an integer's size are defined), from `xmm0` for `float`
/// and `double`; or `_Bool`, of which only `al` is defined, holding 0 or 1.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Read {
    Lane(Lane),
    Bool,
}

impl Read {
    pub(crate) fn of(ty: &CType) -> Option<Read> {
        if ty.as_scalar() == Some(Scalar::Bool) {
            return Some(Read::Bool);
        }
        Lane::of(ty).map(Read::Lane)
    }

    #[inline(always)]
    pub(crate) fn decode(self, returned: Returned) -> Value {
        match self {
            Read::Lane(lane @ (Lane::Float | Lane::Double)) => lane.decode(returned.xmm0),
            Read::Lane(lane) => lane.decode(returned.rax),
            Read::Bool => Value::Bool(returned.rax as u8 != 0),
        }
    }
}

/// The arguments of one call, in the slots the call loads into registers (those no argument
/// takes are left uninitialised).
pub(crate) struct Placed([MaybeUninit<u64>; SLOTS]);

impl Placed {
    #[inline(always)]
    pub(crate) fn new() -> Placed {
        Placed([MaybeUninit::uninit(); SLOTS])
    }
}

/// The register call of one signature.
#[derive(Debug)]
pub(crate) struct Registers {
    places: Box<[Place]>,
    /// `None` for `void`.
    result: Option<Read>,
    /// How many arguments travel in floating registers.
    floats: u8,
}

impl Registers {
    /// The register call for `signature`, if it has one on this target.
    pub(crate) fn of(signature: &Signature) -> Option<Registers> {
        if !cfg!(ctypes_sysv64) || signature.is_variadic() {
            return None;
        }
        let (ints, floats) = (0..MAX_INTS, FIRST_FLOAT..FIRST_FLOAT + MAX_FLOATS);
        let (mut ints, mut floats) = (ints.into_iter(), floats.into_iter());
        let mut places = Vec::with_capacity(signature.args().len());
        for ty in signature.args() {
            let (mut place, floating) = Place::of(ty)?;
            let slot = if floating { floats.next() } else { ints.next() };
            place.slot = u8::try_from(slot?).ok()?;
            places.push(place);
        }
        let result = match signature.result() {
            r if r.is_void() => None,
            r => Some(Read::of(r)?),
        };
        let floats = u8::try_from(MAX_FLOATS - floats.len()).ok()?;
        Some(Registers {
            places: places.into_boxed_slice(),
            result,
            floats,
        })
    }

    /// Checks the arguments and places them in `placed`; `false` (`placed` then holds nothing
    /// to call with) when one is not a plain value of its parameter's kind and range, or their
    /// number is wrong: the general path then converts them or words the error.
    #[inline(always)]
    pub(crate) fn place(&self, args: &[Arg<'_>], placed: &mut Placed) -> bool {
        if args.len() != self.places.len() {
            return false;
        }
        for (place, arg) in self.places.iter().zip(args) {
            let Arg::Value(value) = arg else {
                return false;
            };
            let Some(word) = place.encode(*value) else {
                return false;
            };
            placed.0[usize::from(place.slot) & (SLOTS - 1)].write(word);
        }
        true
    }

    /// Calls `code` with arguments `place` accepted, and returns the result.
    ///
    /// # Safety
    /// `code` must be a function with the signature these registers were made for, and
    /// `place` must have returned `true` for `placed`.
    #[inline(always)]
    pub(crate) unsafe fn call(&self, code: *const c_void, placed: &Placed) -> Result<CValue> {
        let call = CallGuard::enter();
        // SAFETY: forwarded to the caller.
        let returned = unsafe { self.invoke(code, placed) };
        call.leave()?;
        Ok(self.result(returned))
    }

    /// Whether the function returns a value (not `void`): what [`Registers::call_value`] needs.
    #[inline(always)]
    pub(crate) fn returns_value(&self) -> bool {
        self.result.is_some()
    }

    /// [`Registers::call`] for a function returning a value, as a plain [`Value`].
    ///
    /// # Safety
    /// As for [`Registers::call`]; and [`Registers::returns_value`] must be true.
    #[inline(always)]
    pub(crate) unsafe fn call_value(&self, code: *const c_void, placed: &Placed) -> Result<Value> {
        let call = CallGuard::enter();
        // SAFETY: forwarded to the caller.
        let returned = unsafe { self.invoke(code, placed) };
        call.leave()?;
        Ok(match self.result {
            Some(read) => read.decode(returned),
            None => unreachable!("the caller checked that the function returns a value"),
        })
    }

    /// [`Registers::call`], setting `errno` right before the call (when `errno_before` is
    /// given) and returning the `errno` read right after it.
    ///
    /// # Safety
    /// As for [`Registers::call`].
    #[inline(always)]
    pub(crate) unsafe fn call_with_errno(
        &self,
        code: *const c_void,
        placed: &Placed,
        errno_before: Option<i32>,
    ) -> Result<(CValue, i32)> {
        let call = CallGuard::enter();
        if let Some(value) = errno_before {
            set_errno(value);
        }
        // SAFETY: forwarded to the caller.
        let returned = unsafe { self.invoke(code, placed) };
        let errno = errno();
        call.leave()?;
        Ok((self.result(returned), errno))
    }

    /// # Safety
    /// As for [`Registers::call`].
    #[inline(always)]
    unsafe fn invoke(&self, code: *const c_void, placed: &Placed) -> Returned {
        // SAFETY: the caller promises the signature — integer-class and floating arguments
        // that fit in registers, not variadic, which `of` checked — from which `of` gave each
        // argument the slot of its register, the integer-class ones from 0 and the floating
        // ones from `FIRST_FLOAT`; and a successful `place`, which wrote every argument's
        // slot: an integer extended to 64 bits (sign- or zero-, `_Bool` as 0 or 1), a
        // `double`'s bits, a `float`'s bits in the low 32.
        unsafe { sysv_call::call(code, &placed.0, self.floats) }
    }

    #[inline(always)]
    fn result(&self, returned: Returned) -> CValue {
        match self.result {
            None => CValue::Void,
            Some(read) => CValue::Value(read.decode(returned)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scalar(s: Scalar) -> CType {
        CType::scalar(s)
    }

    #[test]
    fn registers_are_counted_per_class() {
        let int = scalar(Scalar::Int);
        let double = scalar(Scalar::Double);
        let six_and_eight: Vec<CType> = (0..6)
            .map(|_| int.clone())
            .chain((0..8).map(|_| double.clone()))
            .collect();
        let fits = Signature::new(six_and_eight.clone(), int.clone());
        assert_eq!(cfg!(ctypes_sysv64), Registers::of(&fits).is_some());

        let mut seven_ints = six_and_eight.clone();
        seven_ints.push(int.clone());
        assert!(Registers::of(&Signature::new(seven_ints, int.clone())).is_none());
        let mut nine_floats = six_and_eight;
        nine_floats.push(double.clone());
        assert!(Registers::of(&Signature::new(nine_floats, int.clone())).is_none());
    }

    #[test]
    fn long_double_and_variadic_go_through_libffi() {
        let int = scalar(Scalar::Int);
        let long_double = scalar(Scalar::LongDouble);
        assert!(Registers::of(&Signature::new(vec![long_double.clone()], int.clone())).is_none());
        assert!(Registers::of(&Signature::new(vec![int.clone()], long_double)).is_none());
        assert!(Registers::of(&Signature::variadic(vec![int.clone()], int)).is_none());
    }
}
