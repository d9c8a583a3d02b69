//! `Complex<f32>` and `Complex<f64>` as `float _Complex` and `double _Complex` in typed
//! declarations: `c_library!` functions, `#[c_struct]` fields, `c_func!` callbacks, against
//! the fixture's `c/complex.c` and libm.

use std::ffi::c_int;

use ctypes_core::{c_func, c_library, c_struct, CTyped, Complex};

/// `struct CI { int i; float _Complex z; }`: INTEGER, SSE.
#[c_struct]
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CI {
    pub i: c_int,
    pub z: Complex<f32>,
}

/// `struct CF { float x; float _Complex z; }`: the complex value straddles two eightbytes.
#[c_struct]
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CF {
    pub x: f32,
    pub z: Complex<f32>,
}

/// `struct CD { double _Complex z; }`.
#[c_struct]
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CD {
    pub z: Complex<f64>,
}

c_func! {
    pub type AddD = fn(Complex<f64>, Complex<f32>) -> Complex<f64>;
    pub type MapF = fn(Complex<f32>) -> Complex<f32>;
}

c_library! {
    #[library("ctypes_fixture")]
    struct Fixture {
        fn cplx_f_mul(a: Complex<f32>, b: Complex<f32>) -> Complex<f32>;
        fn cplx_d_mul(a: Complex<f64>, b: Complex<f64>) -> Complex<f64>;
        fn cplx_many(
            a0: Complex<f64>,
            a1: Complex<f64>,
            a2: Complex<f64>,
            a3: Complex<f64>,
            a4: Complex<f64>,
            f: Complex<f32>,
        ) -> Complex<f64>;
        fn ci_rotate(r: CI) -> CI;
        fn cf_conj(r: CF) -> CF;
        fn cd_twice(r: CD) -> CD;
        fn cplx_apply_d(f: AddD, z: Complex<f64>) -> Complex<f64>;
        fn cplx_apply_f(f: MapF, z: Complex<f32>) -> Complex<f32>;
    }
}

c_library! {
    #[library("m", "libm.so.6")]
    struct Libm {
        fn cabs(z: Complex<f64>) -> f64;
        fn csqrtf(z: Complex<f32>) -> Complex<f32>;
        fn conj(z: Complex<f64>) -> Complex<f64>;
    }
}

fn fixture() -> Fixture {
    // SAFETY: the fixture has no initialisers; the declarations match complex.c.
    unsafe { Fixture::load_from(&[env!("CTYPES_FIXTURE")]) }.expect("the fixture loads")
}

#[test]
fn complex_types_are_the_c_types() {
    assert_eq!(Complex::<f32>::c_type().to_string(), "float _Complex");
    assert_eq!(Complex::<f64>::c_type().to_string(), "double _Complex");
    assert_eq!(CI::c_type().size().unwrap(), std::mem::size_of::<CI>());
    assert_eq!(
        AddD::c_type().to_string(),
        "double _Complex (*)(double _Complex, float _Complex)"
    );
}

#[test]
fn typed_calls_pass_and_return_complex_values() {
    let f = fixture();
    // SAFETY: plain arithmetic in C.
    unsafe {
        assert_eq!(
            f.cplx_f_mul(Complex::new(1.5, -2.0), Complex::new(3.0, 0.5)),
            Complex::new(5.5, -5.25)
        );
        assert_eq!(
            f.cplx_d_mul(Complex::new(1.5, -2.0), Complex::new(3.0, 0.5)),
            Complex::new(5.5, -5.25)
        );
        let z = |k: f64| Complex::new(k, -k);
        assert_eq!(
            f.cplx_many(
                z(1.0),
                z(2.0),
                z(3.0),
                z(4.0),
                z(5.0),
                Complex::new(0.25, 0.5)
            ),
            Complex::new(57.5, -50.0)
        );
    }
}

#[test]
fn records_with_complex_fields_by_value() {
    let f = fixture();
    // SAFETY: plain arithmetic in C.
    unsafe {
        let ci = f.ci_rotate(CI {
            i: 7,
            z: Complex::new(2.0, 3.0),
        });
        assert_eq!(
            ci,
            CI {
                i: 8,
                z: Complex::new(-3.0, 2.0)
            }
        );
        let cf = f.cf_conj(CF {
            x: 1.5,
            z: Complex::new(2.0, 3.0),
        });
        assert_eq!(
            cf,
            CF {
                x: 3.0,
                z: Complex::new(2.0, -3.0)
            }
        );
        let cd = f.cd_twice(CD {
            z: Complex::new(-1.25, 4.0),
        });
        assert_eq!(cd.z, Complex::new(-2.5, 8.0));
    }
}

#[test]
fn typed_callbacks_take_and_return_complex_values() {
    let f = fixture();
    let add = AddD::callback(|z: Complex<f64>, w: Complex<f32>| {
        Complex::new(z.re + f64::from(w.re), z.im + f64::from(w.im))
    })
    .unwrap();
    let conj = MapF::callback(|z: Complex<f32>| z.conj()).unwrap();
    // SAFETY: the callbacks live across the calls.
    unsafe {
        // 2 · ((1 + 2i) + (0.5 - i))
        assert_eq!(
            f.cplx_apply_d(add.get(), Complex::new(1.0, 2.0)),
            Complex::new(3.0, 2.0)
        );
        // conj(1.5 + 2.5i) + 1
        assert_eq!(
            f.cplx_apply_f(conj.get(), Complex::new(1.5, 2.5)),
            Complex::new(2.5, -2.5)
        );
    }
}

#[test]
fn libm_through_typed_declarations() {
    // SAFETY: libm's initialisers are the C library's; the declarations match complex.h.
    let m = unsafe { Libm::load() }.expect("libm loads");
    // SAFETY: pure functions.
    unsafe {
        assert_eq!(m.cabs(Complex::new(3.0, 4.0)), 5.0);
        assert_eq!(m.csqrtf(Complex::new(-4.0, 0.0)), Complex::new(0.0, 2.0));
        assert_eq!(m.conj(Complex::new(1.5, 2.5)), Complex::new(1.5, -2.5));
    }
}
