//! Every bad input to loading and calling is an error that names the thing at fault.

use ctypes_core::{Arg, CData, CType, Error, Library, Scalar, Signature, Value};
use ctypes_tests::fixture::{library, record, sig, t};

fn message<T: std::fmt::Debug>(r: Result<T, Error>) -> String {
    r.expect_err("an error").to_string()
}

#[test]
fn missing_library_names_every_candidate_tried() {
    // SAFETY: nothing is loaded.
    let err = message(unsafe { Library::open("surely_not_a_library_4711") });
    assert!(
        err.starts_with("cannot load library `surely_not_a_library_4711`: "),
        "{err}"
    );
    assert!(
        err.ends_with("(tried: libsurely_not_a_library_4711.so)"),
        "{err}"
    );
    assert!(
        err.contains("libsurely_not_a_library_4711.so: cannot open shared object file"),
        "{err}"
    );

    // SAFETY: nothing is loaded.
    let err = message(unsafe { Library::open("/nonexistent/dir/libfixture.so") });
    assert!(
        err.ends_with("(tried: /nonexistent/dir/libfixture.so)"),
        "{err}"
    );
    assert!(
        err.contains("/nonexistent/dir/libfixture.so: cannot open"),
        "{err}"
    );
}

#[test]
fn a_file_that_is_not_a_library_is_refused_with_the_loaders_reason() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/c/fixture.h");
    // SAFETY: the loader refuses a text file before running anything.
    let err = message(unsafe { Library::open(path) });
    assert!(
        err.starts_with(&format!("cannot load library `{path}`: ")),
        "{err}"
    );
    assert!(
        err.contains("invalid ELF header") || err.contains("too short"),
        "{err}"
    );
}

#[test]
fn missing_symbol() {
    let lib = library();
    let err = message(lib.symbol("no_such_function"));
    let expected = format!(
        "symbol `no_such_function` not found in `{}`: ",
        env!("CTYPES_FIXTURE")
    );
    assert!(err.starts_with(&expected), "{err}");
    assert!(err.contains("undefined symbol: no_such_function"), "{err}");
    let int = t(Scalar::Int);
    let err = message(lib.function("no_such_function", sig(&[], int)));
    assert!(err.starts_with(&expected), "{err}");
}

fn add() -> ctypes_core::Function {
    let int = t(Scalar::Int);
    library()
        .function("add", sig(&[int.clone(), int.clone()], int))
        .unwrap()
}

#[test]
fn wrong_argument_count() {
    let add = add();
    // SAFETY: refused before the call.
    let err = message(unsafe { add.call(&[1.into()]) });
    assert_eq!(err, "`add` takes 2 arguments, 1 given");
    // SAFETY: refused before the call.
    let err = message(unsafe { add.call(&[1.into(), 2.into(), 3.into()]) });
    assert_eq!(err, "`add` takes 2 arguments, 3 given");
}

#[test]
fn wrong_argument_type() {
    let lib = library();
    let add = add();
    // SAFETY: refused before the call.
    let err = message(unsafe { add.call(&[1.into(), "two".into()]) });
    assert_eq!(err, "`add` argument 2: expected `int`, found a string");
    // SAFETY: refused before the call.
    let err = message(unsafe { add.call(&[1.5.into(), 2.into()]) });
    assert_eq!(
        err,
        "`add` argument 1: expected `int`, found the double 1.5"
    );
    let d2 = CData::new(&record("D2")).unwrap();
    // SAFETY: refused before the call.
    let err = message(unsafe { add.call(&[(&d2).into(), 2.into()]) });
    assert_eq!(
        err,
        "`add` argument 1: expected `int`, found an object of type `struct D2`"
    );

    // A record parameter takes an object of that very record type.
    let sum = lib
        .function("D2_sum", sig(&[record("D2")], t(Scalar::Double)))
        .unwrap();
    let s16 = CData::new(&record("S16")).unwrap();
    // SAFETY: refused before the call.
    let err = message(unsafe { sum.call(&[(&s16).into()]) });
    assert_eq!(
        err,
        "`D2_sum` argument 1: expected `struct D2`, found an object of type `struct S16`"
    );
    // SAFETY: refused before the call.
    let err = message(unsafe { sum.call(&[1.0.into()]) });
    assert_eq!(
        err,
        "`D2_sum` argument 1: expected `struct D2`, found the double 1.0"
    );

    // A pointer parameter takes an object of the pointed-to type, not of another.
    let int = t(Scalar::Int);
    let divmod = lib
        .function(
            "divmod",
            sig(
                &[int.clone(), int.clone(), int.pointer(), int.pointer()],
                int.clone(),
            ),
        )
        .unwrap();
    let q = CData::new(&t(Scalar::Long)).unwrap();
    // SAFETY: refused before the call.
    let err = message(unsafe { divmod.call(&[1.into(), 1.into(), (&q).into(), (&q).into()]) });
    assert_eq!(
        err,
        "`divmod` argument 3: expected `int *`, found an object of type `long`"
    );
    // SAFETY: refused before the call.
    let err = message(unsafe { divmod.call(&[1.into(), 1.into(), 2.5.into(), Arg::NULL]) });
    assert_eq!(
        err,
        "`divmod` argument 3: expected `int *`, found the double 2.5"
    );
    // A string is a `char *`, not an `int *`.
    // SAFETY: refused before the call.
    let err = message(unsafe { divmod.call(&[1.into(), 1.into(), "x".into(), Arg::NULL]) });
    assert_eq!(err, "`divmod` argument 3: expected `int *`, found a string");
}

#[test]
fn value_out_of_range_for_its_c_type() {
    let add = add();
    // SAFETY: refused before the call.
    let err = message(unsafe { add.call(&[(1i64 << 31).into(), 0.into()]) });
    assert_eq!(
        err,
        "`add` argument 1: expected `int`, found the integer 2147483648 (out of range)"
    );
    let lib = library();
    let uchar = t(Scalar::UChar);
    let id = lib
        .function("id_uchar", sig(std::slice::from_ref(&uchar), uchar.clone()))
        .unwrap();
    // SAFETY: refused before the call.
    let err = message(unsafe { id.call(&[256.into()]) });
    assert_eq!(
        err,
        "`id_uchar` argument 1: expected `unsigned char`, found the integer 256 (out of range)"
    );
    // SAFETY: refused before the call.
    let err = message(unsafe { id.call(&[(-1).into()]) });
    assert_eq!(
        err,
        "`id_uchar` argument 1: expected `unsigned char`, found the integer -1 (out of range)"
    );
    let b = t(Scalar::Bool);
    let not = lib
        .function("not_bool", sig(std::slice::from_ref(&b), b.clone()))
        .unwrap();
    // SAFETY: refused before the call.
    let err = message(unsafe { not.call(&[2.into()]) });
    assert_eq!(
        err,
        "`not_bool` argument 1: expected `_Bool`, found the integer 2 (out of range)"
    );
}

/// Whether calls take the project's call engine (x86-64 System V), which passes every shape
/// as C does.
fn on_the_engine() -> bool {
    cfg!(all(
        target_arch = "x86_64",
        target_pointer_width = "64",
        unix,
        not(target_os = "cygwin")
    ))
}

#[test]
fn shapes_libffi_cannot_describe_are_refused_through_libffi_only() {
    let lib = library();
    let int = t(Scalar::Int);
    let uld = CData::new(&record("ULD")).unwrap();
    uld.set("i", 17).unwrap();
    let a16 = CData::new(&record("A16")).unwrap();
    a16.set("x", 23).unwrap();
    let p5 = CData::new(&record("P5")).unwrap();
    p5.set("c", 4).unwrap();
    p5.set("i", 40).unwrap();
    let p2sf = CData::new(&record("P2SF")).unwrap();
    p2sf.set("s", 3).unwrap();
    p2sf.set("f", 0.5f32).unwrap();
    let cases: [(&str, Signature, Vec<Arg<'_>>, &str); 6] = [
        (
            "takes_uld",
            sig(&[record("ULD")], int.clone()),
            vec![(&uld).into()],
            "cannot call `takes_uld`: `union ULD` cannot be passed by value: it holds a long double",
        ),
        (
            "returns_uld",
            sig(&[], record("ULD")),
            vec![],
            "cannot call `returns_uld`: `union ULD` cannot be passed by value: it holds a long double",
        ),
        (
            "takes_a16",
            sig(&[record("A16")], int.clone()),
            vec![(&a16).into()],
            "cannot call `takes_a16`: `struct A16` cannot be passed by value: its alignment \
             exceeds 8, and libffi aligns such a value differently from C",
        ),
        (
            "takes_p5",
            sig(&[record("P5")], int.clone()),
            vec![(&p5).into()],
            "cannot call `takes_p5`: `struct P5` cannot be passed by value: member of type \
             `int` at offset 1 is not aligned, so C passes the record in memory, which libffi \
             cannot be told for a record of 16 bytes or less",
        ),
        (
            "returns_p5",
            sig(&[], record("P5")),
            vec![],
            "cannot call `returns_p5`: `struct P5` cannot be passed by value: member of type \
             `int` at offset 1 is not aligned, so C passes the record in memory, which libffi \
             cannot be told for a record of 16 bytes or less",
        ),
        (
            "takes_p2sf",
            sig(&[record("P2SF")], t(Scalar::Double)),
            vec![(&p2sf).into()],
            "cannot call `takes_p2sf`: `struct P2SF` cannot be passed by value: member of type \
             `float` at offset 2 is not aligned, so C passes the record in memory, which libffi \
             cannot be told for a record of 16 bytes or less",
        ),
    ];
    let mut results = Vec::new();
    for (name, signature, args, expected) in cases {
        if !on_the_engine() {
            assert_eq!(message(lib.function(name, signature)), expected);
            continue;
        }
        let f = lib.function(name, signature).unwrap();
        // SAFETY: refused before the call.
        let err = message(unsafe { f.clone().through_libffi().call(&args) });
        assert_eq!(err, expected);
        // SAFETY: the fixture's declarations.
        results.push(unsafe { f.call(&args) }.unwrap());
    }
    if on_the_engine() {
        let [uld_i, made_uld, a16_x, p5_sum, made_p5, p2sf_sum] = &results[..] else {
            panic!("six results");
        };
        assert_eq!(uld_i.as_i64(), Some(17));
        let made_uld = made_uld.clone().into_data().unwrap();
        assert_eq!(made_uld.get("ld").unwrap().as_f64(), Some(1.0));
        assert_eq!(a16_x.as_i64(), Some(23));
        assert_eq!(p5_sum.as_i64(), Some(44));
        let made_p5 = made_p5.clone().into_data().unwrap();
        assert_eq!(made_p5.get("c").unwrap().as_i64(), Some(1));
        assert_eq!(made_p5.get("i").unwrap().as_i64(), Some(2));
        assert_eq!(p2sf_sum.as_f64(), Some(3.5));
    }
    // A struct holding a refused union is refused too, and a variadic function as well.
    let holder = CType::struct_builder("holder")
        .field("u", record("ULD"))
        .build()
        .unwrap();
    let expected =
        "cannot call `takes_uld`: `struct holder` cannot be passed by value: it holds a long double";
    let made = lib.function("takes_uld", sig(std::slice::from_ref(&holder), int.clone()));
    let a16_format = lib.function(
        "format",
        Signature::variadic(vec![record("A16")], int.clone()),
    );
    if !on_the_engine() {
        assert_eq!(message(made), expected);
        let err = message(a16_format);
        assert!(
            err.starts_with("cannot call `format`: `struct A16` cannot"),
            "{err}"
        );
        return;
    }
    let h = CData::new(&holder).unwrap();
    h.set("u.i", 5).unwrap();
    let made = made.unwrap();
    // SAFETY: refused before the call.
    let err = message(unsafe { made.clone().through_libffi().call(&[(&h).into()]) });
    assert_eq!(err, expected);
    // SAFETY: `struct holder` is passed as `ULD` is (in memory), so `takes_uld` reads its `i`.
    let i = unsafe { made.call(&[(&h).into()]) }.unwrap();
    assert_eq!(i.as_i64(), Some(5));
    let a16_format = a16_format.unwrap().through_libffi();
    // SAFETY: refused before the call.
    let err = message(unsafe { a16_format.call(&[(&a16).into()]) });
    assert!(
        err.starts_with("cannot call `format`: `struct A16` cannot"),
        "{err}"
    );
}

#[test]
fn types_that_cannot_be_parameters_or_results() {
    let lib = library();
    let int = t(Scalar::Int);
    let err = message(lib.function("add", sig(&[CType::void()], int.clone())));
    assert_eq!(err, "cannot call `add`: `void` cannot be a parameter type");
    let incomplete = CType::declare_struct("never_defined");
    let err = message(lib.function("add", sig(std::slice::from_ref(&incomplete), int.clone())));
    assert_eq!(
        err,
        "cannot call `add`: parameter type `struct never_defined` is incomplete"
    );
    let err = message(lib.function("add", sig(&[], incomplete)));
    assert_eq!(
        err,
        "cannot call `add`: result type `struct never_defined` is incomplete"
    );
    let err = message(lib.function("add", sig(&[], int.array(4).unwrap())));
    assert_eq!(err, "cannot call `add`: a function cannot return `int [4]`");
}

#[test]
fn variadic_call_with_fewer_than_the_fixed_arguments() {
    let lib = library();
    let format = lib
        .function(
            "format",
            Signature::variadic(
                vec![CType::char_ptr(), t(Scalar::SizeT), CType::char_ptr()],
                t(Scalar::Int),
            ),
        )
        .unwrap();
    let buf = CData::string_buffer(&[0; 8]).unwrap();
    // SAFETY: refused before the call.
    let err = message(unsafe { format.call(&[(&buf).into(), 8usize.into()]) });
    assert_eq!(err, "`format` takes at least 3 arguments, 2 given");
    // A bad variadic argument is named by its index.
    // SAFETY: refused before the call.
    let err = message(unsafe {
        format.call(&[
            (&buf).into(),
            8usize.into(),
            "%d".into(),
            Arg::Typed(t(Scalar::UChar), Value::Int(300)),
        ])
    });
    assert_eq!(
        err,
        "`format` argument 4: expected `a variadic argument`, found 300 as `unsigned char` (out of range)"
    );
}
