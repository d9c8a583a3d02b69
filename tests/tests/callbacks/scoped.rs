//! Scoped callbacks: closures that borrow local state, freed when their scope ends.

use super::*;

/// `int (*)(const void *, const void *)`.
fn comparator() -> Signature {
    Signature::new(vec![CType::void_ptr(), CType::void_ptr()], int())
}

fn qsort() -> Function {
    let size_t = t(Scalar::SizeT);
    func(
        &Library::this(),
        "qsort",
        &[
            CType::void_ptr(),
            size_t.clone(),
            size_t,
            CType::function_pointer(comparator()),
        ],
        CType::void(),
    )
}

/// The int a callback argument points to.
///
/// # Safety
/// The argument must be a pointer to a live int.
unsafe fn int_at(arg: &CValue) -> i32 {
    match arg {
        // SAFETY: the caller's promise.
        CValue::Value(Value::Pointer(p)) => unsafe { *(*p as *const i32) },
        other => panic!("a pointer, found {other:?}"),
    }
}

#[test]
fn qsort_sorts_with_a_comparator_that_borrows_a_slice_and_a_counter() {
    let qsort = qsort();
    let numbers = CData::new(&int().array(6).unwrap()).unwrap();
    // The order the comparator reads, borrowed: ranks[v] is where v sorts.
    let ranks: Vec<i32> = vec![5, 4, 3, 2, 1, 0];
    for (i, v) in [0, 3, 5, 1, 4, 2].into_iter().enumerate() {
        numbers.element(i).unwrap().set_value(v).unwrap();
    }
    let calls = Cell::new(0);
    Callback::scope(|scope| {
        let compare = scope
            .callback(comparator(), |args| {
                calls.set(calls.get() + 1);
                // SAFETY: qsort passes pointers to elements of the int array.
                let (a, b) = unsafe { (int_at(&args[0]), int_at(&args[1])) };
                let order = ranks[a as usize].cmp(&ranks[b as usize]);
                CValue::Value(Value::Int(order as i64))
            })
            .unwrap();
        call(
            &qsort,
            &[
                (&numbers).into(),
                6usize.into(),
                4usize.into(),
                (&compare).into(),
            ],
        );
    });
    let sorted: Vec<i64> = (0..6)
        .map(|i| numbers.get(&format!("[{i}]")).unwrap().as_i64().unwrap())
        .collect();
    assert_eq!(sorted, [5, 4, 3, 2, 1, 0], "sorted by the borrowed ranks");
    assert!(calls.get() >= 5, "{} comparisons", calls.get());
}

#[test]
fn nftw_counts_into_a_borrowed_counter() {
    let dir = std::env::temp_dir().join(format!("ctypes-nftw-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    for name in ["a", "b", "sub/c"] {
        std::fs::write(dir.join(name), name).unwrap();
    }
    let visit = Signature::new(
        vec![
            CType::char_ptr(),
            CType::void_ptr(),
            int(),
            CType::void_ptr(),
        ],
        int(),
    );
    let nftw = func(
        &Library::this(),
        "nftw",
        &[
            CType::char_ptr(),
            CType::function_pointer(visit.clone()),
            int(),
            int(),
        ],
        int(),
    );
    let mut files = 0usize;
    let mut names = Vec::new();
    let seen = std::cell::RefCell::new((&mut files, &mut names));
    let path = dir.to_str().unwrap().to_owned();
    let result = Callback::scope(|scope| {
        let count = scope
            .callback(visit, |args| {
                let CValue::Value(Value::Pointer(p)) = args[0] else {
                    panic!("a path");
                };
                // SAFETY: nftw passes a NUL-terminated path.
                let name = unsafe { std::ffi::CStr::from_ptr(p as *const std::ffi::c_char) };
                let mut seen = seen.borrow_mut();
                *seen.0 += 1;
                seen.1.push(name.to_string_lossy().into_owned());
                CValue::Value(Value::Int(0))
            })
            .unwrap();
        call(
            &nftw,
            &[path.as_str().into(), (&count).into(), 8.into(), 0.into()],
        )
    });
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(result.as_i64(), Some(0));
    // The directory, `sub`, and three files.
    assert_eq!(files, 5, "{names:?}");
    assert!(names.iter().any(|n| n.ends_with("sub/c")), "{names:?}");
}

#[test]
fn a_scoped_callback_called_after_its_scope_runs_nothing() {
    let qsort = qsort();
    let numbers = CData::new(&int().array(2).unwrap()).unwrap();
    numbers.element(0).unwrap().set_value(2).unwrap();
    numbers.element(1).unwrap().set_value(1).unwrap();
    let ran = Cell::new(0);
    let kept = Callback::scope(|scope| {
        scope
            .callback(comparator(), |_| {
                ran.set(ran.get() + 1);
                CValue::Value(Value::Int(0))
            })
            .unwrap()
    });
    // SAFETY: qsort's signature; the comparator is refused before it runs, C gets 0.
    let err = unsafe {
        qsort.call(&[
            (&numbers).into(),
            2usize.into(),
            4usize.into(),
            (&kept).into(),
        ])
    }
    .unwrap_err();
    assert!(matches!(err, Error::CallbackScopeEnded), "{err:?}");
    assert_eq!(ran.get(), 0);
}

#[test]
fn a_scope_that_panics_still_frees_its_closures() {
    struct Noted<'a>(&'a Cell<bool>);
    impl Drop for Noted<'_> {
        fn drop(&mut self) {
            self.0.set(true);
        }
    }
    let dropped = Cell::new(false);
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        Callback::scope(|scope| {
            let noted = Noted(&dropped);
            let _callback = scope
                .callback(comparator(), move |_| {
                    let _ = &noted;
                    CValue::Value(Value::Int(0))
                })
                .unwrap();
            panic!("the scope's function panics");
        })
    }));
    assert!(outcome.is_err());
    assert!(
        dropped.get(),
        "the closure was dropped as the scope unwound"
    );
}
