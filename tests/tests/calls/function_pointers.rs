//! Function pointers

use super::*;

#[test]
fn function_pointers_returned_by_c() {
    let lib = library();
    let int = t(Scalar::Int);
    let binop = CType::function_pointer(sig(&[int.clone(), int.clone()], int.clone()));
    let get_op = func(&lib, "get_op", &[t(Scalar::Char)], binop.clone());
    for (op, expected) in [('+', 10), ('-', 4), ('*', 21)] {
        let address = call(
            &get_op,
            &[Arg::Typed(t(Scalar::Char), Value::Int(op as i64))],
        )
        .as_pointer()
        .unwrap();
        let code = std::ptr::NonNull::new(address as *mut std::ffi::c_void).unwrap();
        // SAFETY: `get_op` returns `int (*)(int, int)`, code inside the fixture, which `lib`
        // keeps loaded.
        let f = unsafe {
            Function::from_address(code, sig(&[int.clone(), int.clone()], int.clone()), "op")
        }
        .unwrap();
        assert_eq!(
            call(&f, &[7.into(), 3.into()]).as_i64(),
            Some(expected),
            "{op}"
        );
        // And handed back to C.
        let apply = func(
            &lib,
            "apply",
            &[binop.clone(), int.clone(), int.clone()],
            int.clone(),
        );
        let r = call(
            &apply,
            &[Value::Pointer(address).into(), 7.into(), 3.into()],
        );
        assert_eq!(r.as_i64(), Some(expected));
    }
    let none = call(
        &get_op,
        &[Arg::Typed(t(Scalar::Char), Value::Int('?' as i64))],
    );
    assert_eq!(none.as_pointer(), Some(0));
}

fn ops_type() -> CType {
    let int = t(Scalar::Int);
    let double = t(Scalar::Double);
    let d2 = record("D2");
    CType::struct_builder("Ops")
        .field(
            "combine",
            CType::function_pointer(sig(&[int.clone(), int.clone()], int)),
        )
        .field(
            "scale",
            CType::function_pointer(sig(&[double.clone(), double.clone()], double)),
        )
        .field("name", CType::function_pointer(sig(&[], CType::char_ptr())))
        .field(
            "mid",
            CType::function_pointer(sig(&[d2.clone(), d2.clone()], d2)),
        )
        .build()
        .unwrap()
}

#[test]
fn struct_of_function_pointers() {
    let lib = library();
    let ops = ops_type();
    let get_ops = func(&lib, "get_ops", &[], ops.pointer());
    let p = call(&get_ops, &[]).as_pointer().unwrap();
    // SAFETY: `get_ops` returns the address of the global `Ops g_ops`.
    let table = unsafe { CData::from_address(&ops, p as *mut _) }.unwrap();
    let by_value = func(&lib, "make_ops", &[], ops.clone());
    let made = call(&by_value, &[]).into_data().unwrap();
    for (table, expected) in [(&table, 12), (&made, 35)] {
        // SAFETY: each field is a function pointer of its declared type into the fixture.
        let combine = unsafe { Function::from_pointer(&table.field("combine").unwrap()) }.unwrap();
        assert_eq!(
            call(&combine, &[5.into(), 7.into()]).as_i64(),
            Some(expected)
        );
        // SAFETY: as for `combine`.
        let scale = unsafe { Function::from_pointer(&table.field("scale").unwrap()) }.unwrap();
        assert_eq!(call(&scale, &[1.5.into(), 4.0.into()]).as_f64(), Some(6.0));
        // SAFETY: as for `combine`.
        let name = unsafe { Function::from_pointer(&table.field("name").unwrap()) }.unwrap();
        let s = call(&name, &[]).as_pointer().unwrap();
        // SAFETY: a static string.
        let text = unsafe { ctypes_core::string_at(s as *const _, None) };
        assert_eq!(text, b"ops");
        // SAFETY: as for `combine`.
        let mid = unsafe { Function::from_pointer(&table.field("mid").unwrap()) }.unwrap();
        let a = CData::new(&record("D2")).unwrap();
        let b = CData::new(&record("D2")).unwrap();
        a.set("x", 1.0).unwrap();
        b.set("x", 4.0).unwrap();
        b.set("y", -8.0).unwrap();
        let m = call(&mid, &[(&a).into(), (&b).into()]).into_data().unwrap();
        assert_eq!(
            (m.get("x").unwrap(), m.get("y").unwrap()),
            (Value::Double(2.5), Value::Double(-4.0))
        );
    }
    // A field that is not a function pointer is refused.
    let int = CData::new(&t(Scalar::Int)).unwrap();
    // SAFETY: refused before anything is called.
    let err = unsafe { Function::from_pointer(&int) }.unwrap_err();
    assert_eq!(err.to_string(), "expected a function pointer, found `int`");
}

#[test]
fn a_result_map_replaces_the_result_on_every_path() {
    let lib = library();
    let add = func(
        &lib,
        "add",
        &[t(Scalar::Int), t(Scalar::Int)],
        t(Scalar::Int),
    );
    let doubled = add.clone().with_result_map(|result, _| match result {
        CValue::Value(Value::Int(n)) => Ok(CValue::Value(Value::Int(2 * n))),
        other => Err(format!("not an int: {other:?}").into()),
    });
    for f in [doubled.clone(), doubled.clone().through_libffi()] {
        // SAFETY: `int add(int, int)`.
        let r = unsafe { f.call(&[2.into(), 3.into()]) }.unwrap();
        assert_eq!(r.as_i64(), Some(10));
        // SAFETY: as above.
        let v = unsafe { f.call_value(&[2.into(), 3.into()]) }.unwrap();
        assert_eq!(v, Value::Int(10));
        // SAFETY: as above.
        let (r, _) = unsafe { f.call_with_errno(&[2.into(), 3.into()], None) }.unwrap();
        assert_eq!(r.as_i64(), Some(10));
    }
    // An error from the map is the call's.
    let refusing = add.with_result_map(|_, _| Err("refused".into()));
    // SAFETY: as above.
    let err = unsafe { refusing.call(&[2.into(), 3.into()]) }.unwrap_err();
    assert_eq!(err.to_string(), "`add` failed: refused");
    // A record the map returns is written into the object of `call_into`.
    let d2 = record("D2");
    let get_point = func(&lib, "get_point", &[], d2.clone());
    let swapped = get_point.with_result_map(|result, _| {
        let CValue::Data(p) = result else {
            return Err("a record".into());
        };
        let out = CData::new(p.ty())?;
        out.set("x", p.get("y")?)?;
        out.set("y", p.get("x")?)?;
        Ok(CValue::Data(out))
    });
    for f in [swapped.clone(), swapped.through_libffi()] {
        let into = CData::new(&d2).unwrap();
        // SAFETY: `D2 get_point(void)`, into an object of its result type.
        unsafe { f.call_into(&[], &into) }.unwrap();
        assert_eq!(
            (into.get("x").unwrap(), into.get("y").unwrap()),
            (Value::Double(-2.5), Value::Double(1.5))
        );
        // SAFETY: as above.
        let CValue::Data(made) = unsafe { f.call(&[]) }.unwrap() else {
            panic!("a record");
        };
        assert_eq!(made.get("x").unwrap(), Value::Double(-2.5));
    }
}
