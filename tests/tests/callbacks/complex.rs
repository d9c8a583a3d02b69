//! Complex values into and out of callbacks.

use ctypes_core::{Complex, LongDouble};

use super::*;

#[test]
fn complex_arguments_and_results_of_callbacks() {
    let lib = library();
    let (fc, dc, ldc) = (
        t(Scalar::FloatComplex),
        t(Scalar::DoubleComplex),
        t(Scalar::LongDoubleComplex),
    );

    // z + w for `double _Complex (*)(double _Complex, float _Complex)`.
    let add = Callback::new(sig(&[dc.clone(), fc.clone()], dc.clone()), |args| {
        let (z, w) = (args[0].as_complex().unwrap(), args[1].as_complex().unwrap());
        CValue::Value(Value::DoubleComplex(Complex::new(z.re + w.re, z.im + w.im)))
    })
    .unwrap();
    let apply = func(
        &lib,
        "cplx_apply_d",
        &[add.function_pointer_type(), dc.clone()],
        dc.clone(),
    );
    let out = call(&apply, &[(&add).into(), Complex::new(1.0, 2.0).into()]);
    assert_eq!(out.as_complex(), Some(Complex::new(3.0, 2.0)));

    // conj for `float _Complex (*)(float _Complex)`.
    let conj = Callback::new(sig(std::slice::from_ref(&fc), fc.clone()), |args| {
        let Some(Value::FloatComplex(z)) = args[0].value() else {
            panic!("a float _Complex argument");
        };
        CValue::Value(z.conj().into())
    })
    .unwrap();
    let apply = func(
        &lib,
        "cplx_apply_f",
        &[conj.function_pointer_type(), fc.clone()],
        fc,
    );
    let out = call(&apply, &[(&conj).into(), Complex::new(1.5f32, 2.5).into()]);
    assert_eq!(out.value(), Some(Complex::new(2.5f32, -2.5).into()));

    // A `long double _Complex` argument, on the stack: k·re + im.
    let ld = t(Scalar::LongDouble);
    let part = Callback::new(sig(&[int(), ldc.clone()], ld.clone()), |args| {
        let k = args[0].as_i64().unwrap() as f64;
        let z = args[1].as_complex().unwrap();
        CValue::Value(LongDouble::from_f64(k * z.re + z.im).into())
    })
    .unwrap();
    let apply = func(
        &lib,
        "cplx_apply_ld",
        &[part.function_pointer_type(), ldc],
        ld,
    );
    let z = Complex::new(LongDouble::from_f64(10.0), LongDouble::from_f64(0.5));
    let out = call(&apply, &[(&part).into(), z.into()]);
    // (10 + 0.5) + (20 + 0.5)
    assert_eq!(out.as_f64(), Some(31.0));
}

/// On the trampolines of x86-64 System V; elsewhere callbacks are libffi closures, which refuse
/// this result.
#[cfg(all(
    target_arch = "x86_64",
    target_pointer_width = "64",
    unix,
    not(target_os = "cygwin")
))]
#[test]
fn a_long_double_complex_result_goes_back_in_st0_and_st1() {
    let lib = library();
    let (ld, ldc) = (t(Scalar::LongDouble), t(Scalar::LongDoubleComplex));
    let signature = sig(&[ld.clone(), ld.clone()], ldc.clone());
    // (re, im) → re + (2·im)i, so that a swap of the parts shows.
    let make = |args: &[CValue]| {
        let (re, im) = (args[0].as_f64().unwrap(), args[1].as_f64().unwrap());
        CValue::Value(Value::LongDoubleComplex(Complex::new(
            LongDouble::from_f64(re),
            LongDouble::from_f64(2.0 * im),
        )))
    };
    let own = Callback::new(signature.clone(), make).unwrap();
    let apply = func(
        &lib,
        "cplx_make_ld",
        &[own.function_pointer_type(), ld.clone(), ld.clone()],
        ldc,
    );
    let (re, im) = (
        Value::LongDouble(LongDouble::from_f64(1.5)),
        Value::LongDouble(LongDouble::from_f64(-4.0)),
    );
    let out = call(&apply, &[(&own).into(), re.into(), im.into()]);
    // f(1.5, -4) + f(-4, 1.5) = (1.5 - 8i) + (-4 + 3i)
    assert_eq!(out.as_complex(), Some(Complex::new(-2.5, -5.0)));

    // A libffi closure cannot return one: refused when it is made.
    let err = Callback::new_through_libffi(signature, make).expect_err("refused");
    assert!(
        err.to_string()
            .contains("cannot return `long double _Complex`"),
        "{err}"
    );
}
