//! Turning arguments into the memory libffi reads, and libffi's result back into values.
//!
//! Scalars are encoded into 32-byte slots (room for a `long double _Complex`) on the stack (for up to [`INLINE`] arguments), structs
//! and unions passed by value are read by libffi straight from their objects, so a call with a
//! scalar signature allocates nothing.

use std::ffi::{c_void, CString};
use std::mem::MaybeUninit;
use std::rc::Rc;

use super::arg::Arg;
use crate::encode::{encode_scalar, CValue, Param};
use crate::error::{Error, Result};
use crate::func::{errno, set_errno};
use crate::in_call::CallGuard;
use crate::layout::ByteOrder;
use crate::mem::codec::{self, Leaf, Overflow};
use crate::mem::{CData, Pins, Storage, Value};
use crate::raw::Cif;
use crate::ty::{CType, Scalar, ScalarClass, TypeKind};

/// The C type a variadic argument is passed as, after the default argument promotions
/// (`float` to `double`, integers narrower than `int` to `int`).
pub(crate) fn promoted(arg: &Arg<'_>) -> std::result::Result<(CType, Param), String> {
    let ty = match arg {
        Arg::Value(v) => match *v {
            Value::Bool(_) => CType::scalar(Scalar::Int),
            Value::Int(i) if i32::try_from(i).is_ok() => CType::scalar(Scalar::Int),
            Value::Int(_) => CType::scalar(Scalar::LongLong),
            Value::UInt(u) if u32::try_from(u).is_ok() => CType::scalar(Scalar::UInt),
            Value::UInt(_) => CType::scalar(Scalar::ULongLong),
            Value::Float(_) | Value::Double(_) => CType::scalar(Scalar::Double),
            Value::LongDouble(_) => CType::scalar(Scalar::LongDouble),
            Value::Pointer(_) => CType::void_ptr(),
            // The default argument promotions leave complex types as they are.
            Value::FloatComplex(_) => CType::scalar(Scalar::FloatComplex),
            Value::DoubleComplex(_) => CType::scalar(Scalar::DoubleComplex),
            Value::LongDoubleComplex(_) => CType::scalar(Scalar::LongDoubleComplex),
        },
        Arg::Data(d) => match d.ty().kind() {
            TypeKind::Array { element, .. } => element.pointer(),
            _ => promote(d.ty()),
        },
        Arg::Str(_) | Arg::Bytes(_) | Arg::CStr(_) => CType::char_ptr(),
        Arg::Buffer(_) => CType::void_ptr(),
        Arg::Callback(cb) => cb.function_pointer_type(),
        Arg::Typed(ty, v) => {
            // The value must fit the type it is said to have, before that type is promoted.
            if let Some(s) = ty.as_scalar() {
                let mut scratch = [0u8; SLOT_BYTES];
                codec::encode(
                    Leaf::Scalar(s),
                    *v,
                    &mut scratch[..s.size()],
                    ByteOrder::NATIVE,
                    Overflow::Refuse,
                )
                .map_err(|e| match e {
                    Error::ValueOutOfRange { .. } => format!("{} (out of range)", arg.describe()),
                    e => format!("{} ({e})", arg.describe()),
                })?;
            }
            promote(ty)
        }
    };
    let param = Param::of(&ty)?;
    Ok((ty, param))
}

fn promote(ty: &CType) -> CType {
    match ty.as_scalar() {
        Some(Scalar::Float) => CType::scalar(Scalar::Double),
        Some(s) if s.is_integral() && s.size() < Scalar::Int.size() => CType::scalar(Scalar::Int),
        _ => ty.clone(),
    }
}

/// Arguments per call that live on the stack; more go to the heap.
pub(crate) const INLINE: usize = 12;

/// Bytes of the largest scalar, `long double _Complex`.
pub(crate) const SLOT_BYTES: usize = 32;

/// Room for one scalar argument or result, aligned for any of them.
#[repr(C, align(16))]
#[derive(Clone, Copy)]
struct Slot([u8; SLOT_BYTES]);

const EMPTY: Slot = Slot([0; SLOT_BYTES]);

/// A fixed-capacity buffer on the stack that spills to the heap; not initialised up front,
/// since a call writes each entry before reading it.
enum Buf<T: Copy, const N: usize> {
    Inline([MaybeUninit<T>; N]),
    Heap(Vec<MaybeUninit<T>>),
}

impl<T: Copy, const N: usize> Buf<T, N> {
    fn new(len: usize) -> Self {
        if len <= N {
            Buf::Inline([const { MaybeUninit::uninit() }; N])
        } else {
            Buf::Heap(vec![MaybeUninit::uninit(); len])
        }
    }

    fn as_mut_slice(&mut self) -> &mut [MaybeUninit<T>] {
        match self {
            Buf::Inline(a) => a,
            Buf::Heap(v) => v,
        }
    }
}

/// What one argument became: the bytes of a scalar or pointer (in native order, from the
/// start; a `long double` takes 16, a `long double _Complex` 32), or the address of an
/// object passed by value.
pub(crate) enum Encoded {
    Bytes([u8; SLOT_BYTES]),
    At(*mut c_void),
}

/// What the arguments of one call hold on to until it returns: the C strings made for it, and
/// pins on the memory of every object whose address it is given (by-value records, pointers
/// made from objects, the object a result is written into), so that a callback the call runs
/// cannot move or free it.
pub(crate) struct Held {
    temps: Vec<CString>,
    pins: Pins<Rc<Storage>, { INLINE + 1 }>,
}

impl Held {
    #[inline(always)]
    pub(crate) fn new() -> Held {
        Held {
            temps: Vec::new(),
            pins: Pins::new(),
        }
    }

    /// Pins `storage` until [`Held::release`].
    #[inline]
    pub(crate) fn pin(&mut self, storage: &Rc<Storage>) {
        self.pins.pin(Rc::clone(storage));
    }

    /// Releases the pins, right after the call; the C strings live until this is dropped.
    #[inline]
    pub(crate) fn release(&mut self) {
        self.pins.release();
    }

    /// Encodes an argument for `param`; on a mismatch, says what was found.
    pub(crate) fn encode(
        &mut self,
        param: &Param,
        arg: &Arg<'_>,
    ) -> std::result::Result<Encoded, String> {
        let found = |why: &str| {
            if why.is_empty() {
                arg.describe()
            } else {
                format!("{} ({why})", arg.describe())
            }
        };
        let mut slot = EMPTY;
        match param {
            Param::Scalar(s) => {
                let value = match arg {
                    Arg::Value(v) => *v,
                    Arg::Typed(ty, v) if ty.as_scalar().is_some() => *v,
                    Arg::Data(d) if d.ty().as_scalar().is_some() => {
                        d.value().map_err(|e| found(&e.to_string()))?
                    }
                    _ => return Err(found("")),
                };
                encode_scalar(*s, value, &mut slot.0).map_err(|e| match e {
                    Error::ValueOutOfRange { .. } => found("out of range"),
                    _ => found(""),
                })?;
            }
            Param::Pointer(target) => {
                let address = self.address_for(target, arg).ok_or_else(|| found(""))?;
                let address = address.map_err(|e| found(&e.to_string()))?;
                slot.0[..size_of::<usize>()].copy_from_slice(&address.to_ne_bytes());
            }
            Param::Record(ty, _) => {
                return match arg {
                    Arg::Data(d) if d.ty() == ty => {
                        let at = d.addressof().map_err(|e| found(&e.to_string()))?;
                        self.pin(d.storage());
                        Ok(Encoded::At(at))
                    }
                    _ => Err(found("")),
                }
            }
        }
        Ok(Encoded::Bytes(slot.0))
    }

    /// The address to pass for a pointer parameter to `target`, `None` if `arg` cannot be one.
    fn address_for(&mut self, target: &CType, arg: &Arg<'_>) -> Option<Result<usize>> {
        let chars = target.is_void()
            || matches!(
                target.as_scalar(),
                Some(Scalar::Char | Scalar::SChar | Scalar::UChar | Scalar::Int8 | Scalar::UInt8)
            );
        let compatible = |t: &CType| t == target || t.is_void() || target.is_void();
        Some(match arg {
            Arg::Value(Value::Pointer(p)) => Ok(*p),
            Arg::Typed(ty, Value::Pointer(p)) if ty.pointee().is_some() => Ok(*p),
            Arg::Data(d) => match d.ty().kind() {
                TypeKind::Pointer(t) if compatible(t) => match d.value() {
                    Ok(Value::Pointer(p)) => {
                        // Held, not only pinned: a callback may unset the pointer, which would
                        // otherwise free what it was made from.
                        if let Some(target) = d.pointer_target() {
                            self.pins.pin(target);
                        }
                        Ok(p)
                    }
                    Ok(_) => unreachable!("a pointer reads as Value::Pointer"),
                    Err(e) => Err(e),
                },
                TypeKind::Array { element, .. } if compatible(element) => {
                    self.string_address_of(target, d)
                }
                _ if compatible(d.ty()) => self.string_address_of(target, d),
                _ => return None,
            },
            Arg::Str(s) if chars => self.c_string(s.as_bytes()),
            Arg::Bytes(b) if chars => self.c_string(b),
            Arg::CStr(c) if chars => Ok(c.as_ptr() as usize),
            Arg::Buffer(b) if chars => Ok(b.as_ptr() as usize),
            Arg::Callback(cb) => match target.kind() {
                TypeKind::Function(sig) if sig == cb.signature() => Ok(cb.code().as_ptr() as usize),
                TypeKind::Void => Ok(cb.code().as_ptr() as usize),
                _ => return None,
            },
            _ => return None,
        })
    }

    /// `&d`, its memory pinned for the call.
    fn address_of(&mut self, d: &CData) -> Result<usize> {
        let address = d.addressof()?;
        self.pin(d.storage());
        Ok(address as usize)
    }

    /// `&d` for a pointer parameter to `target`: a `char *` parameter is a C string, which C
    /// reads up to its NUL, so an object of `char`s without one inside it is refused.
    fn string_address_of(&mut self, target: &CType, d: &CData) -> Result<usize> {
        if target.as_scalar() == Some(Scalar::Char) && !d.holds_nul() {
            return Err(Error::TypeMismatch {
                expected: "a NUL-terminated string (C reads a `char *` up to its NUL)".to_owned(),
                found: format!(
                    "no NUL inside the object's {} bytes (pass it as `void *` or \
                     `unsigned char *` if it is not a string)",
                    d.size()
                ),
            });
        }
        self.address_of(d)
    }

    fn c_string(&mut self, bytes: &[u8]) -> Result<usize> {
        let owned = CString::new(bytes).map_err(|e| Error::TypeMismatch {
            expected: "a string without NUL bytes".to_owned(),
            found: format!("a NUL at byte {}", e.nul_position()),
        })?;
        let address = owned.as_ptr() as usize;
        self.temps.push(owned);
        Ok(address)
    }
}

/// The arguments of one call, encoded. It stays where it is made until the call: the pointers
/// handed to libffi point into it.
pub(crate) struct Frame<'a> {
    len: usize,
    slots: Buf<Slot, INLINE>,
    /// Per argument, where libffi reads it: an object passed by value, or null for "its slot"
    /// (filled in just before the call, when the slots no longer change).
    pointers: Buf<*mut c_void, INLINE>,
    /// The C strings and pins of the arguments.
    held: Held,
    _args: std::marker::PhantomData<&'a ()>,
}

impl<'a> Frame<'a> {
    pub(crate) fn new(capacity: usize) -> Frame<'a> {
        Frame {
            len: 0,
            slots: Buf::new(capacity),
            pointers: Buf::new(capacity),
            held: Held::new(),
            _args: std::marker::PhantomData,
        }
    }

    /// Encodes the next argument for `param`; on a mismatch, says what was found.
    pub(crate) fn push(&mut self, param: &Param, arg: &Arg<'a>) -> std::result::Result<(), String> {
        let index = self.len;
        let (slot, pointer) = match self.held.encode(param, arg)? {
            Encoded::Bytes(bytes) => (Slot(bytes), std::ptr::null_mut()),
            Encoded::At(at) => (EMPTY, at),
        };
        self.slots.as_mut_slice()[index] = MaybeUninit::new(slot);
        self.pointers.as_mut_slice()[index] = MaybeUninit::new(pointer);
        self.len += 1;
        Ok(())
    }

    /// Makes the call and decodes its result, or writes it into `into` (a record of the result
    /// type).
    ///
    /// # Safety
    /// `code` must be a function with the signature `cif` describes, whose arguments are
    /// exactly the ones pushed, and whose result type is `result`.
    pub(crate) unsafe fn call(
        &mut self,
        cif: &Cif,
        code: *const c_void,
        result: &CType,
        errno_before: Option<i32>,
        into: Option<&CData>,
    ) -> Result<(CValue, i32)> {
        let len = self.len;
        let slots = self.slots.as_mut_slice().as_mut_ptr();
        let pointers = &mut self.pointers.as_mut_slice()[..len];
        for (i, entry) in pointers.iter_mut().enumerate() {
            // SAFETY: `push` initialised the first `len` entries.
            if unsafe { entry.assume_init() }.is_null() {
                // SAFETY: `i < len`, and the slot buffer holds at least `len` slots.
                *entry = MaybeUninit::new(unsafe { slots.add(i) }.cast());
            }
        }
        // Results up to 32 bytes land here (libffi widens small integers to 8 bytes); larger
        // records are written straight into their new object.
        let mut small = [EMPTY; 1];
        let large = match (into, result.size()) {
            (Some(data), _) => {
                self.held.pin(data.storage());
                Some(data.clone())
            }
            (None, Ok(size)) if size > size_of_val(&small) => Some(CData::new(result)?),
            _ => None,
        };
        let result_at: *mut c_void = match &large {
            Some(data) => data.addressof()?,
            None => small.as_mut_ptr().cast(),
        };
        if let Some(value) = errno_before {
            set_errno(value);
        }
        // SAFETY: the caller's promises cover the function and its arguments; `pointers` holds
        // one pointer per argument, to a slot encoded for its parameter or to an object of the
        // parameter's record type, all alive until this returns; `result_at` has room for the
        // result, aligned to 16. Every object whose address was taken is pinned in `self.held`
        // until the call returns, so a callback cannot move or free it meanwhile.
        let call = CallGuard::enter();
        // SAFETY: see above.
        unsafe { cif.call(code, result_at, pointers.as_mut_ptr().cast()) };
        let errno_after = errno();
        self.held.release();
        call.leave()?;
        let returned = match (result.kind(), large) {
            (_, Some(data)) => CValue::Data(data),
            (TypeKind::Void, None) => CValue::Void,
            (TypeKind::Record(_), None) => {
                let size = result.size()?;
                let bytes: Vec<u8> = small.iter().flat_map(|s| s.0).take(size).collect();
                CValue::Data(CData::from_bytes(result, &bytes)?)
            }
            (TypeKind::Scalar(s), None) => CValue::Value(decode_scalar(*s, &small[0].0)?),
            (_, None) => {
                let address = usize::from_ne_bytes(
                    small[0].0[..size_of::<usize>()]
                        .try_into()
                        .expect("pointer size"),
                );
                CValue::Value(Value::Pointer(address))
            }
        };
        Ok((returned, errno_after))
    }
}

/// A scalar result: integers narrower than 8 bytes come back widened to a full `ffi_arg`.
fn decode_scalar(s: Scalar, bytes: &[u8; SLOT_BYTES]) -> Result<Value> {
    let word = u64::from_ne_bytes(bytes[..8].try_into().expect("8 bytes"));
    Ok(match (s.class(), s.size()) {
        (ScalarClass::Integer { signed: true }, size) if size <= 8 => {
            let shift = 64 - 8 * size as u32;
            Value::Int(((word << shift) as i64) >> shift)
        }
        (ScalarClass::Integer { signed: false }, size) if size <= 8 => {
            let shift = 64 - 8 * size as u32;
            Value::UInt((word << shift) >> shift)
        }
        (ScalarClass::Bool, _) => Value::Bool(word as u8 != 0),
        _ if s == Scalar::Double => Value::Double(f64::from_bits(word)),
        _ => codec::decode(Leaf::Scalar(s), &bytes[..s.size()], ByteOrder::NATIVE)?,
    })
}
