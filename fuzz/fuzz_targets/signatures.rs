//! Signatures and argument checking up to the point of calling a C function that does
//! nothing: random argument and result types (scalars, pointers, records by value, function
//! pointers, variadic tails), functions and callbacks made from them, and random arguments of
//! every form checked against them. A call whose arguments are accepted reaches a function that
//! ignores them; its result, of a type whose registers hold some value whatever the callee
//! does, is read.

#![no_main]

use std::ffi::c_void;
use std::ptr::NonNull;

use ctypes_core::{Arg, CData, CType, CValue, Callback, Function, Scalar, Signature, TypeKind};
use ctypes_fuzz::{value, Pool};
use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;

/// Takes any arguments (the caller removes them) and leaves the result registers as they are.
extern "C" fn ignore_everything() {}

fuzz_target!(|data: &[u8]| {
    let _ = run(&mut Unstructured::new(data));
});

fn run(u: &mut Unstructured<'_>) -> Result<()> {
    let mut pool = Pool::default();
    for _ in 0..u.int_in_range(0..=6)? {
        pool.step(u)?;
    }
    let mut params = Vec::new();
    for _ in 0..u.int_in_range(0..=10)? {
        params.push(parameter(u, &pool)?);
    }
    let result = result_type(u, &pool)?;
    let signature = if u.ratio(1, 4)? {
        Signature::variadic(params.clone(), result.clone())
    } else {
        Signature::new(params.clone(), result.clone())
    };
    let _ = CType::function_pointer(signature.clone()).to_string();
    if let Ok(callback) = Callback::new(signature.clone(), |_: &[CValue]| CValue::Void) {
        let _ = callback.code();
    }
    let code = NonNull::new(ignore_everything as *mut c_void).unwrap();
    // SAFETY: `ignore_everything` takes any arguments and returns nothing; the result types
    // allowed here are read from registers whatever they hold (no `long double`, whose x87
    // register the callee would have to push, and no record in memory, which is read from the
    // caller's own zeroed buffer).
    let Ok(function) = (unsafe { Function::from_address(code, signature, "ignore_everything") })
    else {
        return Ok(());
    };
    let objects: Vec<CData> = (0..u.int_in_range(0..=4)?)
        .filter_map(|_| {
            let ty = pool.pick(u).ok()?;
            ty.size().ok().filter(|&s| s <= 4096)?;
            CData::new(&ty).ok()
        })
        .collect();
    let strings: Vec<String> = (0..2).map(|_| u.arbitrary()).collect::<Result<_>>()?;
    let mut args = Vec::new();
    for _ in 0..u.int_in_range(0..=12)? {
        args.push(match u.int_in_range(0..=4)? {
            0 | 1 => Arg::Value(value(u)?),
            2 => match u.choose(&objects) {
                Ok(object) => Arg::Data(object),
                Err(_) => Arg::NULL,
            },
            3 => Arg::Str(u.choose(&strings)?),
            _ => Arg::Typed(pool.pick(u)?, value(u)?),
        });
    }
    let through_libffi = u.arbitrary()?;
    let function = if through_libffi {
        function.through_libffi()
    } else {
        function
    };
    // SAFETY: see `from_address` above.
    let _ = unsafe { function.call(&args) };
    Ok(())
}

fn parameter(u: &mut Unstructured<'_>, pool: &Pool) -> Result<CType> {
    let ty = pool.pick(u)?;
    Ok(if u.ratio(1, 8)? {
        CType::function_pointer(Signature::new(vec![ty], CType::void()))
    } else {
        ty
    })
}

/// A result type whose value is read from registers the callee need not set: `void`, integers,
/// `float`, `double`, their complex types, pointers, and records of at most 16 bytes without
/// `long double` (the x87 registers are popped after the call whether the callee set them or
/// not).
fn result_type(u: &mut Unstructured<'_>, pool: &Pool) -> Result<CType> {
    let ty = pool.pick(u)?;
    let plain = match ty.kind() {
        TypeKind::Scalar(s) => !matches!(s, Scalar::LongDouble | Scalar::LongDoubleComplex),
        TypeKind::Pointer(_) => true,
        TypeKind::Record(_) => ty.size().is_ok_and(|s| s <= 16) && !holds_long_double(&ty),
        _ => false,
    };
    Ok(if plain { ty } else { CType::void() })
}

fn holds_long_double(ty: &CType) -> bool {
    match ty.kind() {
        TypeKind::Scalar(s) => matches!(s, Scalar::LongDouble | Scalar::LongDoubleComplex),
        TypeKind::Array { element, .. } => holds_long_double(element),
        TypeKind::Record(r) => r
            .definition()
            .is_some_and(|d| d.fields().iter().any(|f| holds_long_double(f.ty()))),
        _ => false,
    }
}
