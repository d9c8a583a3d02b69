//! The register call against C: every shape of signature it takes (0 to 6 integer-class
//! arguments, 0 to 8 floating ones, each result class), through both call paths, with C
//! checking every argument's value at its position (`src/register_shapes.rs` describes the
//! fixtures, which `build.rs` writes as C); and a property test comparing the two paths on
//! random signatures and values.

use std::sync::{Arc, Mutex};

use ctypes_core::{
    Arg, CType, CValue, CallPath, Callback, Function, Library, Scalar, Signature, Value,
};
use ctypes_tests::fixture::{library, sig, t};
use ctypes_tests::register_shapes::{self, Expected, Kind};
use proptest::prelude::*;

fn c_type(kind: Kind) -> CType {
    match kind {
        Kind::SChar => t(Scalar::SChar),
        Kind::UChar => t(Scalar::UChar),
        Kind::Short => t(Scalar::Short),
        Kind::UShort => t(Scalar::UShort),
        Kind::Int => t(Scalar::Int),
        Kind::UInt => t(Scalar::UInt),
        Kind::Long => t(Scalar::Long),
        Kind::ULong => t(Scalar::ULong),
        Kind::Bool => t(Scalar::Bool),
        Kind::Pointer => CType::void_ptr(),
        Kind::Float => t(Scalar::Float),
        Kind::Double => t(Scalar::Double),
    }
}

/// The value as the call passes it (and as a result of that kind reads back).
fn value(kind: Kind, expected: Expected) -> Value {
    match (kind, expected) {
        (Kind::Bool, Expected::Integer(n)) => Value::Bool(n != 0),
        (Kind::Pointer, Expected::Integer(n)) => Value::Pointer(n as usize),
        (Kind::UChar | Kind::UShort | Kind::UInt | Kind::ULong, Expected::Integer(n)) => {
            Value::UInt(u64::try_from(n).expect("unsigned"))
        }
        (_, Expected::Integer(n)) => Value::Int(i64::try_from(n).expect("signed")),
        (Kind::Float, Expected::Floating(x)) => Value::Float(x as f32),
        (_, Expected::Floating(x)) => Value::Double(x),
    }
}

/// Another value of the same kind, to prove that the fixture notices a wrong argument.
fn other(kind: Kind, expected: Expected) -> Value {
    match (kind, value(kind, expected)) {
        (_, Value::Bool(b)) => Value::Bool(!b),
        (_, Value::Pointer(p)) => Value::Pointer(p ^ 0x10),
        (_, Value::UInt(u)) => Value::UInt(u ^ 1),
        (_, Value::Int(i)) => Value::Int(i ^ 1),
        (_, Value::Float(x)) => Value::Float(x * 2.0),
        (_, Value::Double(x)) => Value::Double(x / 2.0),
        (_, v) => unreachable!("{v:?}"),
    }
}

/// The position of the first argument the last fixture call found wrong, or -1.
fn mismatch(lib: &Library) -> i64 {
    let f = lib
        .function("reg_mismatch", sig(&[], t(Scalar::Int)))
        .expect("reg_mismatch");
    // SAFETY: `int reg_mismatch(void)`.
    unsafe { f.call(&[]) }.expect("call").as_i64().expect("int")
}

struct Fixture {
    function: Function,
    kinds: Vec<Kind>,
    result: Option<(Kind, Expected)>,
    fits: bool,
}

fn fixtures(lib: &Library) -> Vec<Fixture> {
    register_shapes::all_counts()
        .into_iter()
        .map(|(ints, floats, class)| {
            let kinds = register_shapes::arguments(ints, floats);
            let result = register_shapes::result(ints, floats, class)
                .map(|k| (k, register_shapes::result_value(k, ints, floats)));
            let signature = Signature::new(
                kinds.iter().copied().map(c_type).collect(),
                result.map_or_else(CType::void, |(k, _)| c_type(k)),
            );
            let name = register_shapes::name(ints, floats, class);
            let function = lib.function(&name, signature).expect(&name);
            Fixture {
                function,
                kinds,
                result,
                fits: ints <= 6 && floats <= 8,
            }
        })
        .collect()
}

fn call(f: &Function, args: &[Value]) -> CValue {
    let args: Vec<Arg<'_>> = args.iter().copied().map(Arg::Value).collect();
    // SAFETY: the signature is the fixture's, built from the same shape as its C source.
    unsafe { f.call(&args) }.unwrap_or_else(|e| panic!("{}: {e}", f.name()))
}

#[test]
fn every_shape_passes_every_argument_in_place_through_both_paths() {
    let lib = library();
    let on_sysv_x86_64 = cfg!(all(
        target_arch = "x86_64",
        target_pointer_width = "64",
        unix,
        not(target_os = "cygwin")
    ));
    let mut register_calls = 0;
    for fixture in fixtures(&lib) {
        let args: Vec<Value> = fixture
            .kinds
            .iter()
            .enumerate()
            .map(|(p, &k)| value(k, k.value(p)))
            .collect();
        let expected_path = if !on_sysv_x86_64 {
            CallPath::Libffi
        } else if fixture.fits {
            register_calls += 1;
            CallPath::Registers
        } else {
            CallPath::Engine
        };
        let name = fixture.function.name().to_owned();
        assert_eq!(fixture.function.call_path(), expected_path, "{name}");
        let libffi = fixture.function.clone().through_libffi();
        assert_eq!(libffi.call_path(), CallPath::Libffi);
        for f in [&fixture.function, &libffi] {
            let returned = call(f, &args);
            assert_eq!(
                mismatch(&lib),
                -1,
                "{name} ({:?}) saw a wrong argument",
                f.call_path()
            );
            match fixture.result {
                None => assert!(matches!(returned, CValue::Void), "{name}"),
                Some((k, r)) => assert_eq!(returned.value(), Some(value(k, r)), "{name}"),
            }
        }
    }
    if on_sysv_x86_64 {
        assert_eq!(register_calls, 7 * 9 * register_shapes::RESULT_CLASSES);
    }
}

#[test]
fn the_fixtures_notice_a_wrong_argument_at_its_position() {
    let lib = library();
    for fixture in fixtures(&lib) {
        let name = fixture.function.name().to_owned();
        for wrong in 0..fixture.kinds.len() {
            let args: Vec<Value> = fixture
                .kinds
                .iter()
                .enumerate()
                .map(|(p, &k)| {
                    if p == wrong {
                        other(k, k.value(p))
                    } else {
                        value(k, k.value(p))
                    }
                })
                .collect();
            let returned = call(&fixture.function, &args);
            assert_eq!(mismatch(&lib), wrong as i64, "{name}, argument {wrong}");
            if let Some((k, r)) = fixture.result {
                assert_ne!(returned.value(), Some(value(k, r)), "{name}");
            }
        }
    }
}

#[test]
fn values_the_register_call_cannot_place_go_through_the_general_path() {
    let lib = library();
    let reg_mismatch = lib
        .function("reg_mismatch", sig(&[], t(Scalar::Int)))
        .expect("reg_mismatch");
    // An extra argument: the count is checked (and worded) by the general path.
    // SAFETY: the call is refused before anything is called.
    let err = unsafe { reg_mismatch.call(&[1.into()]) }.unwrap_err();
    assert!(err.to_string().contains("argument"), "{err}");

    // Out of range for the parameter's type: refused with the general path's message.
    let kind = register_shapes::arguments(1, 0)[0];
    assert_eq!(kind, Kind::UShort, "the shape this part expects");
    let f = lib
        .function(
            &register_shapes::name(1, 0, 0),
            Signature::new(vec![c_type(kind)], CType::void()),
        )
        .expect("reg_1_0_0");
    assert_eq!(f.call_path(), expected_path());
    // SAFETY: refused before the call.
    let err = unsafe { f.call(&[Value::UInt(65536).into()]) }.unwrap_err();
    assert!(err.to_string().contains("65536"), "{err}");

    // A `CData` holding the value goes through the general path and arrives all the same.
    let data = ctypes_core::CData::new(&c_type(kind)).expect("object");
    data.set_value(value(kind, kind.value(0))).expect("set");
    // SAFETY: the fixture's signature.
    unsafe { f.call(&[(&data).into()]) }.expect("call");
    assert_eq!(mismatch(&lib), -1);
}

fn expected_path() -> CallPath {
    if cfg!(all(
        target_arch = "x86_64",
        target_pointer_width = "64",
        unix,
        not(target_os = "cygwin")
    )) {
        CallPath::Registers
    } else {
        CallPath::Libffi
    }
}

/// A parameter type of the property test: a scalar other than `long double` and the complex
/// types (which the register call leaves to the engine), or `void *`.
fn random_type() -> impl Strategy<Value = Option<Scalar>> {
    let scalars: Vec<Option<Scalar>> = Scalar::ALL
        .into_iter()
        .filter(|&s| s != Scalar::LongDouble && s.complex_part().is_none())
        .map(Some)
        .chain([None])
        .collect();
    prop::sample::select(scalars)
}

fn type_of(s: Option<Scalar>) -> CType {
    s.map_or_else(CType::void_ptr, t)
}

/// A value of type `s` made from random bits: an integer in its range, a finite float.
fn value_of(s: Option<Scalar>, bits: u64) -> Value {
    let Some(s) = s else {
        return Value::Pointer(bits as usize);
    };
    match (s, s.int_range()) {
        (Scalar::Bool, _) => Value::Bool(bits & 1 == 1),
        (_, Some((min, max))) => {
            let span = (max - min) as u128 + 1;
            let n = min + ((bits as u128) % span) as i128;
            if min < 0 {
                Value::Int(n as i64)
            } else {
                Value::UInt(n as u64)
            }
        }
        (Scalar::Float, None) => Value::Float((bits as i32) as f32 / 7.0),
        (_, None) => Value::Double((bits as i64) as f64 / 3.0),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// A callback (a libffi closure, which reads its arguments through libffi) is called
    /// through the register call and through libffi with the same random signature and
    /// values: both must deliver every argument and bring back the result unchanged.
    #[test]
    fn the_register_call_and_libffi_agree_on_random_signatures(
        params in prop::collection::vec((random_type(), any::<u64>()), 0..15),
        result in prop::option::of((random_type(), any::<u64>())),
    ) {
        let signature = Signature::new(
            params.iter().map(|&(s, _)| type_of(s)).collect(),
            result.map_or_else(CType::void, |(s, _)| type_of(s)),
        );
        let args: Vec<Value> = params.iter().map(|&(s, bits)| value_of(s, bits)).collect();
        let returns = result.map(|(s, bits)| value_of(s, bits));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let callee = {
            let seen = Arc::clone(&seen);
            Callback::new(signature.clone(), move |received| {
                seen.lock().unwrap().push(received.iter().map(CValue::value).collect::<Vec<_>>());
                returns.map_or(CValue::Void, CValue::Value)
            })
            .expect("callback")
        };
        // SAFETY: the callback's code has exactly this signature, and lives until the end.
        let f = unsafe { Function::from_address(callee.code(), signature.clone(), "callee") }
            .expect("function");
        let ints = params.iter().filter(|(s, _)| !matches!(s, Some(Scalar::Float | Scalar::Double))).count();
        let fits = ints <= 6 && params.len() - ints <= 8;
        let expected_path = match expected_path() {
            CallPath::Registers if !fits => CallPath::Engine,
            path => path,
        };
        prop_assert_eq!(f.call_path(), expected_path);
        for f in [f.clone(), f.through_libffi()] {
            let returned = call(&f, &args);
            let received = seen.lock().unwrap().pop().expect("the callback ran");
            let sent: Vec<Option<Value>> = args.iter().copied().map(Some).collect();
            prop_assert_eq!(&received, &sent, "{:?}", f.call_path());
            prop_assert_eq!(returned.value(), returns, "{:?}", f.call_path());
        }
    }
}

#[test]
fn errno_is_set_before_and_read_after_the_call_on_both_paths() {
    let lib = library();
    let int = t(Scalar::Int);
    let fail_with = lib
        .function("fail_with", sig(std::slice::from_ref(&int), int.clone()))
        .expect("fail_with");
    let keep = lib
        .function("succeed_keeping_errno", sig(&[], int))
        .expect("succeed_keeping_errno");
    assert_eq!(fail_with.call_path(), expected_path());
    for (fail_with, keep) in [
        (fail_with.clone(), keep.clone()),
        (fail_with.through_libffi(), keep.through_libffi()),
    ] {
        // SAFETY: `int fail_with(int)` sets errno to its argument and returns -1.
        let (r, e) =
            unsafe { fail_with.call_with_errno(&[Value::Int(34).into()], Some(0)) }.expect("call");
        assert_eq!(
            (r.as_i64(), e),
            (Some(-1), 34),
            "{:?}",
            fail_with.call_path()
        );
        // SAFETY: `int succeed_keeping_errno(void)` leaves errno alone.
        let (r, e) = unsafe { keep.call_with_errno(&[], Some(71)) }.expect("call");
        assert_eq!((r.as_i64(), e), (Some(0), 71), "{:?}", keep.call_path());
    }
}

/// A variadic function declared without its `...` (a common mistake with runtime signatures)
/// still receives its floating arguments: the register call says in `al` how many vector
/// registers carry arguments, as libffi does.
#[test]
fn a_variadic_function_declared_fixed_gets_its_floating_arguments() {
    let lib = library();
    let double = t(Scalar::Double);
    let f = lib
        .function(
            "first_variadic_double",
            sig(&[t(Scalar::Int), double.clone()], double),
        )
        .expect("first_variadic_double");
    assert_eq!(
        f.address().as_ptr() as usize % 256,
        0,
        "the fixture sits at a 256-byte boundary, so a stray `al` would be 0"
    );
    assert_eq!(f.call_path(), expected_path());
    for f in [f.clone(), f.through_libffi()] {
        // SAFETY: the function reads one double after its int, which is 1.
        let r = unsafe { f.call(&[1.into(), 2.5f64.into()]) }.expect("call");
        assert_eq!(r.as_f64(), Some(2.5), "{:?}", f.call_path());
    }
}

/// `call_value` gives the same values as `call` on every shape with a result, on both paths,
/// and refuses a `void` function before calling it.
#[test]
fn call_value_gives_what_call_gives_and_refuses_void_before_calling() {
    let lib = library();
    for fixture in fixtures(&lib) {
        let Some((k, r)) = fixture.result else {
            continue;
        };
        let args: Vec<Arg<'_>> = fixture
            .kinds
            .iter()
            .enumerate()
            .map(|(p, &k)| Arg::Value(value(k, k.value(p))))
            .collect();
        for f in [
            fixture.function.clone(),
            fixture.function.clone().through_libffi(),
        ] {
            // SAFETY: the fixture's signature, as in `call`.
            let got = unsafe { f.call_value(&args) }.expect("call_value");
            assert_eq!(got, value(k, r), "{} ({:?})", f.name(), f.call_path());
            assert_eq!(mismatch(&lib), -1);
        }
    }

    // Leave a mismatch behind, then ask `call_value` of a `void` fixture, which would reset it.
    let kind = register_shapes::arguments(1, 0)[0];
    let takes_one = lib
        .function(
            &register_shapes::name(1, 0, 1),
            Signature::new(
                vec![c_type(kind)],
                c_type(register_shapes::result(1, 0, 1).expect("a result")),
            ),
        )
        .expect("reg_1_0_1");
    // SAFETY: the fixture's signature.
    unsafe { takes_one.call(&[other(kind, kind.value(0)).into()]) }.expect("call");
    assert_eq!(mismatch(&lib), 0);
    let void = lib
        .function(&register_shapes::name(0, 0, 0), sig(&[], CType::void()))
        .expect("reg_0_0_0");
    for void in [void.clone(), void.through_libffi()] {
        // SAFETY: refused before the call.
        let err = unsafe { void.call_value(&[]) }.unwrap_err();
        assert_eq!(
            err.to_string(),
            "expected a function returning a scalar or a pointer (`call_value`), found \
             `reg_0_0_0`, which returns `void`"
        );
        assert_eq!(mismatch(&lib), 0, "not called");
    }
}
