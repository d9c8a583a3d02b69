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

#[test]
fn a_long_double_complex_result_is_refused_when_the_callback_is_made() {
    let ldc = t(Scalar::LongDoubleComplex);
    let made = Callback::new(sig(&[], ldc), |_| CValue::Void);
    let err = made.expect_err("refused");
    assert!(
        err.to_string()
            .contains("cannot return `long double _Complex`"),
        "{err}"
    );
}
