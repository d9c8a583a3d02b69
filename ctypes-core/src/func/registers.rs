//! The register call: signatures made only of integers (any width), `_Bool`, pointers, `float`
//! and `double`, with at most 6 integer-class and 8 floating arguments, are called without
//! libffi, through a precompiled stub (see `stubs.rs`) that loads the argument registers from
//! two small arrays. Which stub, and where each argument goes, is decided once, when the
//! `Function` is made; a call only checks and places each value.
//!
//! Only on x86-64 outside Windows (the SysV ABI); other targets, variadic functions,
//! `long double`, records by value and signatures with arguments on the stack go through libffi.
//! So does any call whose arguments are not all plain [`Value`]s of their parameter's kind and
//! range: the general path converts them or words the error.

use std::ffi::c_void;
use std::mem::MaybeUninit;

use super::arg::{Arg, CValue};
use super::lanes::Lane;
use super::stubs::{self, ResultClass, Stub, MAX_FLOATS, MAX_INTS};
use crate::callback::CallGuard;
use crate::error::Result;
use crate::mem::Value;
use crate::ty::{CType, Scalar, Signature};

/// How one argument or the result is checked and encoded.
#[derive(Clone, Copy, Debug)]
enum Kind {
    /// Integers, floats, doubles and pointers, as the libffi short path encodes them.
    Lane(Lane),
    /// `_Bool`: 0 or 1 in an integer register.
    Bool,
}

impl Kind {
    fn of(ty: &CType) -> Option<Kind> {
        if ty.as_scalar() == Some(Scalar::Bool) {
            return Some(Kind::Bool);
        }
        Lane::of(ty).map(Kind::Lane)
    }

    fn is_floating(self) -> bool {
        matches!(self, Kind::Lane(Lane::Float | Lane::Double))
    }

    #[inline(always)]
    fn encode(self, value: Value) -> Option<u64> {
        match (self, value) {
            (Kind::Lane(lane), value) => lane.encode(value),
            (Kind::Bool, Value::Bool(b)) => Some(u64::from(b)),
            (Kind::Bool, _) => None,
        }
    }

    #[inline(always)]
    fn decode(self, word: u64) -> Value {
        match self {
            Kind::Lane(lane) => lane.decode(word),
            // Only `al` is defined, holding 0 or 1.
            Kind::Bool => Value::Bool(word as u8 != 0),
        }
    }
}

/// Where one argument goes: its kind, and its index in the integer or the floating array.
#[derive(Clone, Copy, Debug)]
struct Place {
    kind: Kind,
    floating: bool,
    index: u8,
}

/// The register call of one signature.
#[derive(Debug)]
pub(crate) struct Registers {
    places: Box<[Place]>,
    /// `None` for `void`.
    result: Option<Kind>,
    stub: Stub,
}

impl Registers {
    /// The register call for `signature`, if it has one on this target.
    pub(crate) fn of(signature: &Signature) -> Option<Registers> {
        if !cfg!(all(target_arch = "x86_64", not(windows))) || signature.is_variadic() {
            return None;
        }
        let (kinds, result) = super::each_type(signature, Kind::of)?;
        let (mut ints, mut floats) = (0, 0);
        let mut places = Vec::with_capacity(kinds.len());
        for kind in kinds {
            let floating = kind.is_floating();
            let count = if floating { &mut floats } else { &mut ints };
            places.push(Place {
                kind,
                floating,
                index: u8::try_from(*count).ok()?,
            });
            *count += 1;
        }
        let class = match result {
            None => ResultClass::Void,
            Some(Kind::Lane(Lane::Float)) => ResultClass::Float,
            Some(Kind::Lane(Lane::Double)) => ResultClass::Double,
            Some(_) => ResultClass::Integer,
        };
        if ints > MAX_INTS || floats > MAX_FLOATS {
            return None;
        }
        Some(Registers {
            places: places.into_boxed_slice(),
            result,
            stub: stubs::stub(ints, floats, class)?,
        })
    }

    /// Calls `code`, or returns `None` (having called nothing) when an argument is not a plain
    /// value of its parameter's kind and range, or their number is wrong.
    ///
    /// # Safety
    /// `code` must be a function with the signature these registers were made for.
    #[inline(always)]
    pub(crate) unsafe fn call(
        &self,
        code: *const c_void,
        args: &[Arg<'_>],
    ) -> Option<Result<CValue>> {
        if args.len() != self.places.len() {
            return None;
        }
        let mut ints = [MaybeUninit::<u64>::uninit(); MAX_INTS];
        let mut floats = [MaybeUninit::<f64>::uninit(); MAX_FLOATS];
        for (place, arg) in self.places.iter().zip(args) {
            let Arg::Value(value) = arg else {
                return None;
            };
            let word = place.kind.encode(*value)?;
            let index = usize::from(place.index);
            if place.floating {
                floats[index].write(f64::from_bits(word));
            } else {
                ints[index].write(word);
            }
        }
        let call = CallGuard::enter();
        // SAFETY: the caller promises the signature, from which `of` chose the stub and gave
        // each argument its own index in its array, the indices of each array running from 0
        // to the stub's count: every slot the stub reads was written above, an integer
        // extended to 64 bits (`Lane::encode` sign- or zero-extends, `_Bool` is 0 or 1), a
        // `float` in the low 32 bits of its slot.
        let word = unsafe {
            (self.stub)(
                code,
                ints.as_ptr().cast::<u64>(),
                floats.as_ptr().cast::<f64>(),
            )
        };
        if let Err(failure) = call.leave() {
            return Some(Err(failure));
        }
        Some(Ok(match self.result {
            None => CValue::Void,
            Some(kind) => CValue::Value(kind.decode(word)),
        }))
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
        assert_eq!(
            cfg!(all(target_arch = "x86_64", not(windows))),
            Registers::of(&fits).is_some()
        );

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
