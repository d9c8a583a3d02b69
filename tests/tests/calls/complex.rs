//! Complex values by value, both ways, through the engine and through libffi: the fixture's
//! `c/complex.c` and libm's `cabs`, `csqrt` and `conj` families.

use ctypes_core::Complex;
use ctypes_tests::fixture::int;

use super::*;

fn fc(re: f32, im: f32) -> Value {
    Value::FloatComplex(Complex::new(re, im))
}

fn dc(re: f64, im: f64) -> Value {
    Value::DoubleComplex(Complex::new(re, im))
}

fn ldc(re: f64, im: f64) -> Value {
    Value::LongDoubleComplex(Complex::new(
        LongDouble::from_f64(re),
        LongDouble::from_f64(im),
    ))
}

/// The function on the engine and through libffi.
fn both(f: Function) -> [Function; 2] {
    assert_ne!(f.call_path(), ctypes_core::CallPath::Libffi, "{}", f.name());
    [f.clone(), f.through_libffi()]
}

#[test]
fn complex_products_come_back_in_xmm0_xmm1_and_st0_st1() {
    let lib = library();
    for (name, s, a, b, product) in [
        (
            "cplx_f_mul",
            Scalar::FloatComplex,
            fc(1.5, -2.0),
            fc(3.0, 0.5),
            fc(5.5, -5.25),
        ),
        (
            "cplx_d_mul",
            Scalar::DoubleComplex,
            dc(1.5, -2.0),
            dc(3.0, 0.5),
            dc(5.5, -5.25),
        ),
        (
            "cplx_ld_mul",
            Scalar::LongDoubleComplex,
            ldc(1.5, -2.0),
            ldc(3.0, 0.5),
            ldc(5.5, -5.25),
        ),
    ] {
        for f in both(func(&lib, name, &[t(s), t(s)], t(s))) {
            let out = call(&f, &[a.into(), b.into()]);
            assert_eq!(out.value(), Some(product), "{name} via {:?}", f.call_path());
        }
    }
}

#[test]
fn complex_arguments_among_others_and_on_the_stack() {
    let lib = library();
    let args = [
        int(),
        t(Scalar::FloatComplex),
        t(Scalar::Double),
        t(Scalar::DoubleComplex),
        t(Scalar::LongDoubleComplex),
        t(Scalar::LongLong),
    ];
    for f in both(func(&lib, "cplx_mixed", &args, t(Scalar::DoubleComplex))) {
        let out = call(
            &f,
            &[
                1.into(),
                fc(0.5, 2.0).into(),
                10.0.into(),
                dc(100.0, 20.0).into(),
                ldc(1000.0, 200.0).into(),
                10_000i64.into(),
            ],
        );
        assert_eq!(
            out.value(),
            Some(dc(11_111.5, 222.0)),
            "{:?}",
            f.call_path()
        );
    }
    let d = t(Scalar::DoubleComplex);
    let args = [
        d.clone(),
        d.clone(),
        d.clone(),
        d.clone(),
        d.clone(),
        t(Scalar::FloatComplex),
    ];
    for f in both(func(&lib, "cplx_many", &args, d.clone())) {
        let values: Vec<Arg<'_>> = (1..=5)
            .map(|k| dc(f64::from(k), -f64::from(k)).into())
            .chain([fc(0.25, 0.5).into()])
            .collect();
        // Σ k·(k - k·i) for k = 1..5 is 55 - 55i; 10 · (0.25 + 0.5i) adds 2.5 + 5i.
        let out = call(&f, &values);
        assert_eq!(out.value(), Some(dc(57.5, -50.0)), "{:?}", f.call_path());
    }
}

#[test]
fn long_double_complex_keeps_full_precision_both_ways() {
    let lib = library();
    let ldc_ty = t(Scalar::LongDoubleComplex);
    let third = func(&lib, "cplx_ld_third", &[], ldc_ty.clone());
    let imag = func(&lib, "cplx_ld_imag", &[ldc_ty], t(Scalar::LongDouble));
    for (third, imag) in [
        (third.clone(), imag.clone()),
        (third.through_libffi(), imag.through_libffi()),
    ] {
        let z = call(&third, &[]).value().unwrap();
        let Value::LongDoubleComplex(parts) = z else {
            panic!("a long double _Complex, not {z:?}");
        };
        // 1/3 in the x87 format: more bits than a double holds, the same in both parts
        // (valgrind runs x87 arithmetic in double precision).
        assert_eq!(parts.re, parts.im);
        assert_eq!(parts.re.to_f64(), 1.0 / 3.0);
        if !super::scalars::under_valgrind() {
            assert_ne!(parts.re, LongDouble::from_f64(1.0 / 3.0));
        }
        let back = call(&imag, &[z.into()]).as_long_double().unwrap();
        assert_eq!(back, parts.im);
    }
}

#[test]
fn variadic_complex_arguments_are_not_promoted() {
    let lib = library();
    let f = lib
        .function(
            "cplx_variadic_sum",
            Signature::variadic(vec![int()], t(Scalar::DoubleComplex)),
        )
        .unwrap();
    for f in both(f) {
        let out = call(
            &f,
            &[
                3.into(),
                0.into(),
                fc(1.0, 2.0).into(),
                1.into(),
                dc(10.0, 20.0).into(),
                2.into(),
                ldc(100.0, 200.0).into(),
            ],
        );
        assert_eq!(out.value(), Some(dc(111.0, 222.0)), "{:?}", f.call_path());
    }
}

/// A record of `fields` named as the fixture's.
fn complex_record(tag: &str, fields: &[(&str, Scalar)]) -> CType {
    fields
        .iter()
        .fold(CType::struct_builder(tag), |b, (name, s)| {
            b.field(name, t(*s))
        })
        .build()
        .unwrap()
}

#[test]
fn records_with_complex_members_both_ways() {
    let lib = library();
    let cf = complex_record("CF", &[("x", Scalar::Float), ("z", Scalar::FloatComplex)]);
    let ci = complex_record("CI", &[("i", Scalar::Int), ("z", Scalar::FloatComplex)]);
    let cd = complex_record("CD", &[("z", Scalar::DoubleComplex)]);
    let cl = complex_record(
        "CL",
        &[("z", Scalar::LongDoubleComplex), ("tag", Scalar::Int)],
    );
    assert_eq!(
        (cf.size().unwrap(), ci.size().unwrap(), cl.size().unwrap()),
        (12, 12, 48)
    );

    let r = CData::new(&cf).unwrap();
    r.set("x", 1.5f32).unwrap();
    r.set("z", fc(2.0, 3.0)).unwrap();
    for f in both(func(&lib, "cf_conj", std::slice::from_ref(&cf), cf.clone())) {
        let out = call(&f, &[(&r).into()]).into_data().unwrap();
        assert_eq!(out.get("x").unwrap(), Value::Float(3.0));
        assert_eq!(out.get("z").unwrap(), fc(2.0, -3.0), "{:?}", f.call_path());
    }

    let r = CData::new(&ci).unwrap();
    r.set("i", 7).unwrap();
    r.set("z", fc(2.0, 3.0)).unwrap();
    for f in both(func(
        &lib,
        "ci_rotate",
        std::slice::from_ref(&ci),
        ci.clone(),
    )) {
        let out = call(&f, &[(&r).into()]).into_data().unwrap();
        assert_eq!(out.get("i").unwrap(), Value::Int(8));
        assert_eq!(out.get("z").unwrap(), fc(-3.0, 2.0), "{:?}", f.call_path());
    }

    let r = CData::new(&cd).unwrap();
    r.set("z", dc(-1.25, 4.0)).unwrap();
    for f in both(func(
        &lib,
        "cd_twice",
        std::slice::from_ref(&cd),
        cd.clone(),
    )) {
        let out = call(&f, &[(&r).into()]).into_data().unwrap();
        assert_eq!(out.get("z").unwrap(), dc(-2.5, 8.0), "{:?}", f.call_path());
    }

    let r = CData::new(&cl).unwrap();
    r.set("z", ldc(1.0, -2.0)).unwrap();
    r.set("tag", 41).unwrap();
    let args = [cl.clone(), t(Scalar::LongDouble)];
    for f in both(func(&lib, "cl_scale", &args, cl.clone())) {
        let out = call(&f, &[(&r).into(), LongDouble::from_f64(3.0).into()])
            .into_data()
            .unwrap();
        assert_eq!(out.get("z").unwrap(), ldc(3.0, -6.0), "{:?}", f.call_path());
        assert_eq!(out.get("tag").unwrap(), Value::Int(42));
    }
}

#[test]
fn libm_cabs_csqrt_conj_in_every_width() {
    // SAFETY: libm's initialisers are the C library's.
    let libm = unsafe { Library::open("m") }.unwrap();
    let cases = [
        ("f", Scalar::Float, Scalar::FloatComplex),
        ("", Scalar::Double, Scalar::DoubleComplex),
        ("l", Scalar::LongDouble, Scalar::LongDoubleComplex),
    ];
    for (suffix, real, complex) in cases {
        let (r, c) = (t(real), t(complex));
        let value = |re: f64, im: f64| match complex {
            Scalar::FloatComplex => fc(re as f32, im as f32),
            Scalar::DoubleComplex => dc(re, im),
            _ => ldc(re, im),
        };
        let cabs = func(&libm, &format!("cabs{suffix}"), std::slice::from_ref(&c), r);
        let csqrt = func(
            &libm,
            &format!("csqrt{suffix}"),
            std::slice::from_ref(&c),
            c.clone(),
        );
        let conj = func(
            &libm,
            &format!("conj{suffix}"),
            std::slice::from_ref(&c),
            c.clone(),
        );
        for (cabs, csqrt, conj) in [
            (cabs.clone(), csqrt.clone(), conj.clone()),
            (
                cabs.through_libffi(),
                csqrt.through_libffi(),
                conj.through_libffi(),
            ),
        ] {
            let path = cabs.call_path();
            assert_eq!(
                call(&cabs, &[value(3.0, 4.0).into()]).as_f64(),
                Some(5.0),
                "cabs{suffix} {path:?}"
            );
            assert_eq!(
                call(&csqrt, &[value(-4.0, 0.0).into()]).value(),
                Some(value(0.0, 2.0)),
                "csqrt{suffix} {path:?}"
            );
            assert_eq!(
                call(&conj, &[value(1.5, 2.5).into()]).value(),
                Some(value(1.5, -2.5)),
                "conj{suffix} {path:?}"
            );
        }
    }
}
