//! Inputs at the limits: sizes the allocator cannot serve, types nested far deeper than any C
//! compiler allows, malformed paths and signatures. Each is an error or simply works; none
//! aborts the process or overflows the stack.

use ctypes_core::{CData, CType, Error, Library, Scalar, Signature};

fn char_array(len: usize) -> CType {
    CType::scalar(Scalar::Char).array(len).unwrap()
}

#[test]
fn objects_too_large_to_allocate_are_errors() {
    match CData::new(&char_array(1 << 44)) {
        Err(Error::Allocation { size, align }) => assert_eq!((size, align), (1 << 44, 1)),
        other => panic!("char[1 << 44]: {other:?}"),
    }
    // The type itself is fine; only its object cannot be made.
    let largest = char_array(isize::MAX as usize);
    assert!(matches!(
        CData::new(&largest),
        Err(Error::Allocation { .. } | Error::SizeOverflow(_))
    ));
    let object = CData::new(&char_array(16)).unwrap();
    object.write_bytes(0, b"kept").unwrap();
    match object.resize(1 << 44) {
        Err(e @ Error::Allocation { .. }) => {
            assert_eq!(
                e.to_string(),
                "cannot allocate 17592186044416 bytes aligned to 1: out of memory"
            );
        }
        other => panic!("resize(1 << 44): {other:?}"),
    }
    // A failed resize leaves the object as it was.
    assert_eq!(object.capacity(), 16);
    assert_eq!(&object.to_bytes()[..4], b"kept");
    assert!(matches!(
        object.resize(usize::MAX),
        Err(Error::SizeOverflow(_))
    ));
    let huge_alignment = CType::struct_builder("huge_alignment")
        .align(1 << 40)
        .build()
        .unwrap();
    assert_eq!(huge_alignment.align().unwrap(), 1 << 40);
    assert!(matches!(
        CData::new(&huge_alignment),
        Err(Error::Allocation { .. } | Error::SizeOverflow(_))
    ));
}

/// Runs `f` on a thread with a small stack (256 KiB), so that anything that recursed once per
/// level of a deep type would overflow it.
fn on_small_stack<R: Send + 'static>(f: impl FnOnce() -> R + Send + 'static) -> R {
    std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(f)
        .unwrap()
        .join()
        .expect("no stack overflow")
}

/// `int` behind `levels` pointers.
fn pointers(levels: usize) -> CType {
    let mut ty = CType::scalar(Scalar::Int);
    for _ in 0..levels {
        ty = ty.pointer();
    }
    ty
}

#[test]
fn a_million_levels_of_pointers_drop_compare_and_print() {
    on_small_stack(|| {
        let deep = pointers(1_000_000);
        let again = pointers(1_000_000);
        assert_eq!(deep, again);
        assert_ne!(deep, pointers(999_999));
        assert_ne!(deep, again.pointer());
        let shown = deep.to_string();
        assert_eq!(shown.len(), "int ".len() + 1_000_000);
        assert!(shown.starts_with("int ***") && shown.ends_with('*'));
        drop(deep);
        drop(again);
    });
}

#[test]
fn deep_arrays_and_function_types_print_like_c() {
    on_small_stack(|| {
        let mut ty = CType::scalar(Scalar::Char);
        for _ in 0..100_000 {
            ty = ty.array(1).unwrap().pointer();
        }
        let shown = ty.to_string();
        // `char (*(*...)[1])[1]`: each level adds `(*` in front and `)[1]` behind.
        assert!(shown.starts_with("char (*(*(*"), "{}", &shown[..20]);
        assert!(shown.ends_with(")[1])[1]"));
        assert_eq!(shown.len(), "char ".len() + 100_000 * "(*)[1]".len());
        // Arrays of arrays: `int [1][1]...`, sized in a loop.
        let mut nested = CType::scalar(Scalar::Int);
        for _ in 0..100_000 {
            nested = nested.array(1).unwrap();
        }
        assert_eq!((nested.size().unwrap(), nested.align().unwrap()), (4, 4));
        assert_eq!(
            nested.to_string().len(),
            "int ".len() + 100_000 * "[1]".len()
        );
        assert_eq!(nested.array(0).unwrap().size().unwrap(), 0);
        // Function types nested in parameter lists: `void (*)(void (*)(...))`.
        let mut callback = CType::function_pointer(Signature::new(vec![], CType::void()));
        for _ in 0..20_000 {
            callback = CType::function_pointer(Signature::new(vec![callback], CType::void()));
        }
        let shown = callback.to_string();
        assert!(shown.starts_with("void (*)(void (*)(void (*)("));
        assert!(shown.ends_with(&format!("(void){}", ")".repeat(20_000))));
        // `void (*)(void)`, then `void (*)(` and `)` around it at each level.
        assert_eq!(shown.len(), 14 + 20_000 * 10);
        assert_eq!(callback, callback.clone());
    });
}

#[test]
fn a_hundred_thousand_nested_structs_drop() {
    on_small_stack(|| {
        let mut ty = CType::scalar(Scalar::Int);
        for i in 0..100_000 {
            ty = CType::struct_builder(&format!("level{i}"))
                .field("inner", ty)
                .build()
                .unwrap();
        }
        assert_eq!(ty.size().unwrap(), 4);
        assert_eq!(ty.to_string(), "struct level99999");
        drop(ty);
    });
}

#[test]
fn a_variadic_function_without_a_fixed_argument_is_refused() {
    let libc = Library::this();
    let int = CType::scalar(Scalar::Int);
    let refused = libc
        .function("printf", Signature::variadic(vec![], int.clone()))
        .unwrap_err();
    match &refused {
        Error::Signature { function, reason } => {
            assert_eq!(function, "printf");
            assert!(reason.contains("a fixed argument before `...`"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    // With one, it is a function like any other.
    assert!(libc
        .function("printf", Signature::variadic(vec![CType::char_ptr()], int))
        .is_ok());
}

#[test]
fn paths_follow_their_grammar_exactly() {
    let int = CType::scalar(Scalar::Int);
    let inner = CType::struct_builder("inner")
        .field("v", int.array(3).unwrap())
        .build()
        .unwrap();
    let outer = CType::struct_builder("outer")
        .field("a", inner.array(2).unwrap())
        .build()
        .unwrap();
    let object = CData::new(&outer).unwrap();
    object.set("a[1].v[2]", 7).unwrap();
    assert_eq!(object.get("a[1].v[2]").unwrap().as_i64(), Some(7));
    for (path, reason) in [
        ("a.[0]", "expected a field name, found `[`"),
        (
            "a[+1]",
            "an index is a non-negative decimal integer, found `[+1]`",
        ),
        (
            "a[ 1 ]",
            "an index is a non-negative decimal integer, found `[ 1 ]`",
        ),
        (
            "a[18446744073709551616]",
            "index 18446744073709551616 is larger than the largest, 18446744073709551615",
        ),
        ("a[1] .v", "expected `.` or `[` after a step"),
    ] {
        match object.get(path) {
            Err(Error::BadPath { path: p, reason: r }) => {
                assert_eq!((p.as_str(), r.as_str()), (path, reason));
            }
            other => panic!("{path}: {other:?}"),
        }
    }
    // An index within the grammar but past the end is a bounds error, not a path error.
    assert!(matches!(
        object.get("a[2]"),
        Err(Error::IndexOutOfBounds {
            index: 2,
            len: 2,
            ..
        })
    ));
}

#[test]
fn a_function_and_a_callback_of_a_hundred_thousand_nested_structs_are_made() {
    on_small_stack(|| {
        let mut ty = CType::scalar(Scalar::Int);
        for i in 0..100_000 {
            ty = CType::struct_builder(&format!("nest{i}"))
                .field("inner", ty)
                .build()
                .unwrap();
        }
        let signature = Signature::new(vec![ty.clone()], ty);
        let abs = Library::this().function("abs", signature.clone());
        assert!(abs.is_ok(), "{abs:?}");
        let callback = ctypes_core::Callback::new(signature, |args| args[0].clone());
        assert!(callback.is_ok(), "{callback:?}");
    });
}
