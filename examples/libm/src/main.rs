//! libm two ways: the typed path (`c_library!`, calls through plain function pointers) and the
//! dynamic path (`Library::open("m")`, signatures built at run time, `Function::call` through
//! libffi), with their results side by side. `frexp` returns its exponent through an
//! out-parameter: a Rust `&mut c_int` on the typed path, an `int` memory object on the dynamic
//! one. `csqrt` takes and returns a `double _Complex`: `Complex<f64>` on the typed path,
//! `Value::DoubleComplex` on the dynamic one.
//!
//! Run: `cargo run -p example-libm`

use std::ffi::{c_double, c_int};
use std::process::ExitCode;

use ctypes_core::{c_library, CData, CType, Complex, Function, Library, Scalar, Signature, Value};

c_library! {
    #[library("m", "libm.so.6")]
    pub struct Libm {
        fn cos(x: c_double) -> c_double;
        fn frexp(x: c_double, exponent: *mut c_int) -> c_double;
        fn hypot(x: c_double, y: c_double) -> c_double;
        fn csqrt(z: Complex<c_double>) -> Complex<c_double>;
    }
}

/// The same functions, described at run time.
struct Dynamic {
    cos: Function,
    frexp: Function,
    hypot: Function,
    csqrt: Function,
}

type Outcome = Result<(), String>;

fn main() -> ExitCode {
    match run() {
        Ok(()) => {
            println!("\nall libm results checked: both paths agree, bit for bit");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("example-libm: FAILED: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Outcome {
    // SAFETY: loading libm runs only its own initialisers; the declarations match math.h.
    let typed = unsafe { Libm::load() }.map_err(|e| e.to_string())?;
    let dynamic = dynamic().map_err(|e| e.to_string())?;
    println!("typed:   Libm::load(); each call goes through an `unsafe extern \"C\" fn` pointer");
    println!(
        "dynamic: {}; {}; {}; {} (Library::open(\"m\"), signatures built at run time)\n",
        CType::function(dynamic.cos.signature().clone()).declaration("cos"),
        CType::function(dynamic.frexp.signature().clone()).declaration("frexp"),
        CType::function(dynamic.hypot.signature().clone()).declaration("hypot"),
        CType::function(dynamic.csqrt.signature().clone()).declaration("csqrt"),
    );
    println!("{:<22} {:>24} {:>24}", "call", "typed", "dynamic");

    for (x, expected) in [
        (0.0, Some(1.0)),
        (std::f64::consts::PI, Some(-1.0)),
        (std::f64::consts::FRAC_PI_3, None),
        (1e6, None),
    ] {
        // SAFETY: `double cos(double)`.
        let a = unsafe { typed.cos(x) };
        // SAFETY: the signature is cos's; a double argument.
        let b = call_f64(&dynamic.cos, unsafe { dynamic.cos.call(&[x.into()]) })?;
        row(&format!("cos({x:?})"), a, b)?;
        let want = expected.unwrap_or_else(|| x.cos());
        close_to(a, want, &format!("cos({x:?})"))?;
    }

    for (x, mantissa, exponent) in [
        (48.0, 0.75, 6),
        (1.0, 0.5, 1),
        (-0.1, -0.8, -3),
        (0.0, 0.0, 0),
    ] {
        let mut e1: c_int = 0;
        // SAFETY: `double frexp(double, int *)`, with a pointer to a live int.
        let m1 = unsafe { typed.frexp(x, &mut e1) };
        let e2 = CData::new(&CType::scalar(Scalar::Int)).map_err(|e| e.to_string())?;
        // SAFETY: the signature is frexp's; `&e2` passes the address of a live int.
        let m2 = call_f64(&dynamic.frexp, unsafe {
            dynamic.frexp.call(&[x.into(), (&e2).into()])
        })?;
        let e2 = match e2.value().map_err(|e| e.to_string())? {
            Value::Int(e) => e,
            other => return Err(format!("frexp's exponent object holds {other:?}")),
        };
        println!(
            "{:<22} {:>24} {:>24}",
            format!("frexp({x:?}, &e)"),
            format!("{m1:?} * 2^{e1}"),
            format!("{m2:?} * 2^{e2}")
        );
        if m1.to_bits() != m2.to_bits() || i64::from(e1) != e2 {
            return Err(format!("frexp({x}): the paths disagree"));
        }
        close_to(m1, mantissa, &format!("frexp({x})"))?;
        if e1 != exponent {
            return Err(format!(
                "frexp({x}) gave exponent {e1}, expected {exponent}"
            ));
        }
    }

    for (x, y, expected) in [
        (3.0, 4.0, 5.0),
        (5.0, 12.0, 13.0),
        (1e300, 1e300, 1.4142135623730951e300),
    ] {
        // SAFETY: `double hypot(double, double)`.
        let a = unsafe { typed.hypot(x, y) };
        // SAFETY: the signature is hypot's; two double arguments.
        let b = call_f64(&dynamic.hypot, unsafe {
            dynamic.hypot.call(&[x.into(), y.into()])
        })?;
        row(&format!("hypot({x:?}, {y:?})"), a, b)?;
        close_to(a, expected, &format!("hypot({x:?}, {y:?})"))?;
    }

    for (z, expected) in [
        (Complex::new(-4.0, 0.0), Complex::new(0.0, 2.0)),
        (Complex::new(3.0, 4.0), Complex::new(2.0, 1.0)),
        (Complex::new(0.0, 2.0), Complex::new(1.0, 1.0)),
    ] {
        // SAFETY: `double complex csqrt(double complex)`.
        let a = unsafe { typed.csqrt(z) };
        // SAFETY: the signature is csqrt's; a `double _Complex` argument.
        let b = unsafe { dynamic.csqrt.call(&[z.into()]) }.map_err(|e| e.to_string())?;
        let b = b
            .as_complex()
            .ok_or_else(|| format!("csqrt returned {b:?}"))?;
        let call = format!("csqrt({})", Value::DoubleComplex(z));
        println!(
            "{call:<22} {:>24} {:>24}",
            Value::DoubleComplex(a).to_string(),
            Value::DoubleComplex(b).to_string()
        );
        if (a.re.to_bits(), a.im.to_bits()) != (b.re.to_bits(), b.im.to_bits()) {
            return Err(format!("{call}: the paths disagree"));
        }
        close_to(a.re, expected.re, &call)?;
        close_to(a.im, expected.im, &call)?;
    }

    // The dynamic path checks arguments against the signature before calling.
    // SAFETY: refused before anything is called.
    let refused = unsafe { dynamic.hypot.call(&[3.0.into()]) };
    match refused {
        Err(e) => println!("\nhypot(3) on the dynamic path: refused before the call: {e}"),
        Ok(_) => return Err("hypot with one argument was not refused".into()),
    }
    Ok(())
}

fn dynamic() -> ctypes_core::Result<Dynamic> {
    let double = CType::scalar(Scalar::Double);
    let int = CType::scalar(Scalar::Int);
    // SAFETY: loading libm runs only its own initialisers.
    let libm = unsafe { Library::open("m") }?;
    Ok(Dynamic {
        cos: libm.function("cos", Signature::new(vec![double.clone()], double.clone()))?,
        frexp: libm.function(
            "frexp",
            Signature::new(vec![double.clone(), int.pointer()], double.clone()),
        )?,
        hypot: libm.function(
            "hypot",
            Signature::new(vec![double.clone(), double.clone()], double),
        )?,
        csqrt: {
            let complex = CType::scalar(Scalar::DoubleComplex);
            libm.function("csqrt", Signature::new(vec![complex.clone()], complex))?
        },
    })
}

fn call_f64(
    function: &Function,
    result: ctypes_core::Result<ctypes_core::CValue>,
) -> Result<f64, String> {
    let value = result.map_err(|e| e.to_string())?;
    value
        .as_f64()
        .ok_or_else(|| format!("`{}` returned {value:?}", function.name()))
}

fn row(call: &str, typed: f64, dynamic: f64) -> Outcome {
    println!("{call:<22} {typed:>24?} {dynamic:>24?}");
    if typed.to_bits() == dynamic.to_bits() {
        Ok(())
    } else {
        Err(format!("{call}: typed {typed} but dynamic {dynamic}"))
    }
}

fn close_to(got: f64, want: f64, what: &str) -> Outcome {
    if (got - want).abs() <= 1e-15 * want.abs().max(1.0) {
        Ok(())
    } else {
        Err(format!("{what} gave {got}, expected {want}"))
    }
}
