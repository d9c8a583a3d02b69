//! The register call, the call engine's quickest form, inlined into the caller: signatures
//! made only of integers (any width), `_Bool`, pointers, `float` and `double`, with at most 6
//! integer-class and 8 floating arguments, not variadic: each argument is checked and written
//! into the slot of its register, and a few instructions load the registers and call (see
//! `sysv_call.rs`). Where each argument goes is decided once, when the `Function` is made.
//! Without floating arguments, argument `i` takes the `i`-th integer register: the arguments
//! are then kept by position, and where the caller's code knows how many there are, the
//! compiler hands them to the call in registers, with no trip through memory.
//!
//! A call this short spends most of its time on memory: what it loads, and values stored and
//! read back. So the check of an argument is a few comparisons against its [`Place`], the
//! result's form is read once, and the paths that return a result keep it in registers: a
//! callback's failure and the general path take theirs out of line, through an out parameter.
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
use crate::in_call::{self, CallGuard};
use crate::mem::Value;
use crate::ty::{CType, Scalar, Signature};

/// A value's kind, as a bit of [`Place::accepts`] (a signed payload is accepted by its range
/// alone).
const UNSIGNED: u8 = 1 << 0;
const FLOAT: u8 = 1 << 1;
const DOUBLE: u8 = 1 << 2;
const POINTER: u8 = 1 << 3;
const BOOL: u8 = 1 << 4;

/// How one argument is checked and where it goes, flat so that a call makes the same few
/// comparisons for every argument: the range a signed payload must be in (`min..=max`, empty
/// for a parameter that takes none), which other kinds of [`Value`] it accepts and the bound an
/// unsigned one must not pass (`max_unsigned`; the bits of a float, double, pointer or `_Bool`
/// always pass), and its slot.
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
            min: 1,
            max: 0,
            max_unsigned: u64::MAX,
        };
        if ty.as_scalar() == Some(Scalar::Bool) {
            return Some((any(BOOL), false));
        }
        Some(match Lane::of(ty)? {
            Lane::Signed { min, max, .. } => (
                Place {
                    accepts: UNSIGNED,
                    slot: 0,
                    min,
                    max,
                    max_unsigned: max as u64,
                },
                false,
            ),
            Lane::Unsigned { max, .. } => (
                Place {
                    accepts: UNSIGNED,
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
                return (self.min <= x && x <= self.max).then_some(x as u64);
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

/// How the result is read from its registers: an integer from `rax`, of which only the low
/// bytes of its size are defined (`shift` is 64 less 8 times the size: shifting left and back
/// extends them); a pointer from `rax`; `float` and `double` from `xmm0`; `_Bool` from `al`,
/// holding 0 or 1. Everything a read needs is worked out when the function is made.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Read {
    Signed { shift: u8 },
    Unsigned { shift: u8 },
    Float,
    Double,
    Pointer,
    Bool,
}

impl Read {
    pub(crate) fn of(ty: &CType) -> Option<Read> {
        if ty.as_scalar() == Some(Scalar::Bool) {
            return Some(Read::Bool);
        }
        let shift = |size: u8| 64 - 8 * size;
        Some(match Lane::of(ty)? {
            Lane::Signed { size, .. } => Read::Signed { shift: shift(size) },
            Lane::Unsigned { size, .. } => Read::Unsigned { shift: shift(size) },
            Lane::Float => Read::Float,
            Lane::Double => Read::Double,
            Lane::Pointer => Read::Pointer,
        })
    }

    #[inline(always)]
    pub(crate) fn decode(self, returned: Returned) -> Value {
        let word = returned.rax;
        match self {
            Read::Signed { shift } => Value::Int(((word << shift) as i64) >> shift),
            Read::Unsigned { shift } => Value::UInt((word << shift) >> shift),
            Read::Float => Value::Float(f32::from_bits(returned.xmm0 as u32)),
            Read::Double => Value::Double(f64::from_bits(returned.xmm0)),
            Read::Pointer => Value::Pointer(word as usize),
            Read::Bool => Value::Bool(word as u8 != 0),
        }
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

    /// Calls `code` with `args` and returns the result; `None`, with nothing called, when an
    /// argument is not a plain value of its parameter's kind and range, or their number is
    /// wrong: the general path then converts them or words the error.
    ///
    /// # Safety
    /// `code` must be a function with the signature these registers were made for.
    #[inline(always)]
    pub(crate) unsafe fn call(
        &self,
        code: *const c_void,
        args: &[Arg<'_>],
    ) -> Option<Result<CValue>> {
        // SAFETY: forwarded to the caller.
        let (call, returned) = unsafe { self.place_and_invoke(code, args, None) }?;
        Some(call.leave().map(|()| self.result(returned)))
    }

    /// [`Registers::call`] for a function returning a value, as a plain [`Value`]; `None`,
    /// with nothing called, also for a function returning `void` (the general path words that
    /// error).
    ///
    /// # Safety
    /// As for [`Registers::call`].
    #[inline(always)]
    pub(crate) unsafe fn call_value(
        &self,
        code: *const c_void,
        args: &[Arg<'_>],
    ) -> Option<Result<Value>> {
        let read = self.result?;
        // SAFETY: forwarded to the caller.
        let (call, returned) = unsafe { self.place_and_invoke(code, args, None) }?;
        if call.leave_quietly() {
            return Some(Ok(read.decode(returned)));
        }
        // A callback failed. The result goes to the out-of-line path that takes the failure,
        // rather than being kept across it: nothing of the call then needs saving on the way
        // that returns at once.
        let mut value = Value::Bool(false);
        Some(value_after_failure(read, returned, &mut value).map(|()| value))
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
        args: &[Arg<'_>],
        errno_before: Option<i32>,
    ) -> Option<Result<(CValue, i32)>> {
        // SAFETY: forwarded to the caller.
        let (call, returned) = unsafe { self.place_and_invoke(code, args, errno_before) }?;
        let errno = errno();
        Some(call.leave().map(|()| (self.result(returned), errno)))
    }

    /// Checks and places the arguments, then calls (setting `errno` first when `errno_before`
    /// is given) inside a [`CallGuard`], which the caller leaves; `None`, with nothing called,
    /// when the arguments do not all fit the register call.
    ///
    /// A signature with floating arguments has them placed in the slots [`sysv_call::call`]
    /// loads registers from. One without has every argument integer-class, in the register of
    /// its position: they are placed by position in an array of their own, apart from the
    /// slots, so that where the number of arguments is known the compiler keeps them in
    /// registers ([`sysv_call::call_ints`]).
    ///
    /// # Safety
    /// As for [`Registers::call`].
    #[inline(always)]
    unsafe fn place_and_invoke(
        &self,
        code: *const c_void,
        args: &[Arg<'_>],
        errno_before: Option<i32>,
    ) -> Option<(CallGuard, Returned)> {
        if args.len() != self.places.len() {
            return None;
        }
        let in_order = self.floats == 0;
        let mut ints = [0u64; MAX_INTS];
        let mut slots = [MaybeUninit::<u64>::uninit(); SLOTS];
        for (position, (place, arg)) in self.places.iter().zip(args).enumerate() {
            let Arg::Value(value) = arg else {
                return None;
            };
            let word = place.encode(*value)?;
            if in_order {
                ints[position % MAX_INTS] = word;
            } else {
                slots[usize::from(place.slot) & (SLOTS - 1)].write(word);
            }
        }
        let call = CallGuard::enter();
        if let Some(value) = errno_before {
            set_errno(value);
        }
        // SAFETY: the caller promises the signature — integer-class and floating arguments
        // that fit in registers, not variadic, which `of` checked. Without floating arguments
        // (at most `MAX_INTS` then) each one's word is in `ints` at its position; with them,
        // `of` gave each argument the slot of its register, the integer-class ones from 0 and
        // the floating ones from `FIRST_FLOAT`, and the loop above wrote every argument's slot.
        // A word is an integer extended to 64 bits (sign- or zero-, `_Bool` as 0 or 1), a
        // `double`'s bits, or a `float`'s bits in the low 32.
        let returned = unsafe {
            if in_order {
                sysv_call::call_ints(code, &ints, args.len())
            } else {
                sysv_call::call(code, &slots, self.floats)
            }
        };
        Some((call, returned))
    }

    #[inline(always)]
    fn result(&self, returned: Returned) -> CValue {
        match self.result {
            None => CValue::Void,
            Some(read) => CValue::Value(read.decode(returned)),
        }
    }
}

/// [`Registers::call_value`] after a callback's failure: returns it (or re-raises its panic) if
/// it is the call's, or else writes the call's value to `out`.
#[cold]
#[inline(never)]
fn value_after_failure(read: Read, returned: Returned, out: &mut Value) -> Result<()> {
    in_call::failure_of_left_call()?;
    *out = read.decode(returned);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ty::ScalarClass;

    fn scalar(s: Scalar) -> CType {
        CType::scalar(s)
    }

    /// Every integer parameter accepts exactly the `Int` and `UInt` payloads in its type's
    /// range, compared in `i128`, at and around each bound and at every power of two.
    #[test]
    fn integer_ranges_are_checked_exactly() {
        let mut checked = 0;
        for s in Scalar::ALL {
            let (ScalarClass::Integer { .. }, Some((min, max))) = (s.class(), s.int_range()) else {
                continue;
            };
            let (place, _) = Place::of(&scalar(s)).expect("an integer takes a register");
            let mut payloads = vec![0, 1, -1, i128::from(i64::MIN), i128::from(u64::MAX)];
            for bound in [min, max] {
                payloads.extend((-2..=2).map(|d| bound + d));
            }
            for bits in 0..64 {
                payloads.extend([1i128 << bits, -(1i128 << bits)]);
            }
            for x in payloads {
                let in_range = min <= x && x <= max;
                if let Ok(x) = i64::try_from(x) {
                    let word = place.encode(Value::Int(x));
                    assert_eq!(word, in_range.then_some(x as u64), "{s:?} Int({x})");
                    checked += 1;
                }
                if let Ok(x) = u64::try_from(x) {
                    let word = place.encode(Value::UInt(x));
                    assert_eq!(word, in_range.then_some(x), "{s:?} UInt({x})");
                    checked += 1;
                }
            }
            assert_eq!(place.encode(Value::Double(1.0)), None);
            assert_eq!(place.encode(Value::Pointer(1)), None);
        }
        assert!(checked > 2000, "{checked} payloads checked");
    }

    #[test]
    fn other_kinds_take_only_their_own_values() {
        let of = |ty: &CType| Place::of(ty).expect("a register type").0;
        let double = of(&scalar(Scalar::Double));
        assert_eq!(double.encode(Value::Double(1.5)), Some(1.5f64.to_bits()));
        assert_eq!(double.encode(Value::Int(0)), None);
        assert_eq!(double.encode(Value::Float(1.5)), None);
        let float = of(&scalar(Scalar::Float));
        assert_eq!(
            float.encode(Value::Float(1.5)),
            Some(u64::from(1.5f32.to_bits()))
        );
        assert_eq!(float.encode(Value::UInt(0)), None);
        let bool = of(&scalar(Scalar::Bool));
        assert_eq!(bool.encode(Value::Bool(true)), Some(1));
        assert_eq!(bool.encode(Value::Int(1)), None);
        let pointer = of(&scalar(Scalar::Int).pointer());
        assert_eq!(pointer.encode(Value::Pointer(0x1000)), Some(0x1000));
        assert_eq!(pointer.encode(Value::Int(0)), None);
        assert!(Place::of(&scalar(Scalar::LongDouble)).is_none());
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
