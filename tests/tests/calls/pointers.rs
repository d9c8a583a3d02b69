//! Pointers and strings

use super::*;

#[test]
fn out_parameters_through_pointers() {
    let lib = library();
    let int = t(Scalar::Int);
    let divmod = func(
        &lib,
        "divmod",
        &[int.clone(), int.clone(), int.pointer(), int.pointer()],
        int.clone(),
    );
    let q = CData::new(&int).unwrap();
    let r = CData::new(&int).unwrap();
    let status = call(&divmod, &[(-47).into(), 5.into(), (&q).into(), (&r).into()]);
    assert_eq!(status.as_i64(), Some(0));
    assert_eq!(
        (q.value().unwrap(), r.value().unwrap()),
        (Value::Int(-9), Value::Int(-2))
    );
    // A pointer object pointing at the out-parameter works as well.
    let pq = CData::pointer_to(&q).unwrap();
    call(&divmod, &[100.into(), 7.into(), (&pq).into(), (&r).into()]);
    assert_eq!(
        (q.value().unwrap(), r.value().unwrap()),
        (Value::Int(14), Value::Int(2))
    );

    let d2 = record("D2");
    let fill = func(
        &lib,
        "fill_point",
        &[d2.pointer(), t(Scalar::Double), t(Scalar::Double)],
        CType::void(),
    );
    let p = CData::new(&d2).unwrap();
    call(&fill, &[(&p).into(), 3.0.into(), (-4.0).into()]);
    assert_eq!(p.get("x").unwrap(), Value::Double(3.0));
    assert_eq!(p.get("y").unwrap(), Value::Double(-4.0));
    let norm = func(&lib, "point_norm2", &[d2.pointer()], t(Scalar::Double));
    assert_eq!(call(&norm, &[(&p).into()]).as_f64(), Some(25.0));

    let is_null = func(&lib, "is_null", &[CType::void_ptr()], int.clone());
    assert_eq!(call(&is_null, &[Arg::NULL]).as_i64(), Some(1));
    assert_eq!(call(&is_null, &[(&p).into()]).as_i64(), Some(0));
}

#[test]
fn arrays_decay_to_pointers_and_offsets_pass_through_byref() {
    let lib = library();
    let int = t(Scalar::Int);
    let size = t(Scalar::SizeT);
    let ints = int.array(6).unwrap();
    let xs = CData::new(&ints).unwrap();
    for i in 0..6 {
        xs.element(i)
            .unwrap()
            .set_value((i as i32 + 1) * 1000)
            .unwrap();
    }
    let sum = func(
        &lib,
        "sum_ints",
        &[int.pointer(), size.clone()],
        t(Scalar::LongLong),
    );
    assert_eq!(
        call(&sum, &[(&xs).into(), 6usize.into()]).as_i64(),
        Some(21_000)
    );
    // &xs[2], as a `void *` made with byref.
    let sum_void = func(
        &lib,
        "sum_ints",
        &[CType::void_ptr(), size.clone()],
        t(Scalar::LongLong),
    );
    let tail = xs.byref(2 * 4).unwrap();
    assert_eq!(
        call(&sum_void, &[(&tail).into(), 4usize.into()]).as_i64(),
        Some(18_000)
    );

    let double = t(Scalar::Double);
    let ds = CData::new(&double.array(3).unwrap()).unwrap();
    for i in 0..3 {
        ds.element(i).unwrap().set_value(i as f64 + 0.5).unwrap();
    }
    let scale = func(
        &lib,
        "scale_doubles",
        &[double.pointer(), size, double.clone()],
        CType::void(),
    );
    call(&scale, &[(&ds).into(), 3usize.into(), (-2.0).into()]);
    let got: Vec<Value> = (0..3)
        .map(|i| ds.element(i).unwrap().value().unwrap())
        .collect();
    assert_eq!(
        got,
        [
            Value::Double(-1.0),
            Value::Double(-3.0),
            Value::Double(-5.0)
        ]
    );
}

#[test]
fn linked_list_built_in_rust_walked_by_c() {
    let lib = library();
    let node = CType::declare_struct("Node");
    CType::struct_builder("Node")
        .field("value", t(Scalar::Int))
        .field("next", node.pointer())
        .define(&node)
        .unwrap();
    let nodes: Vec<CData> = (0..4).map(|_| CData::new(&node).unwrap()).collect();
    for (i, n) in nodes.iter().enumerate() {
        n.set("value", (i as i32 + 1) * 10).unwrap();
        if let Some(next) = nodes.get(i + 1) {
            n.field("next").unwrap().set_pointer(next).unwrap();
        }
    }
    let list_sum = func(&lib, "list_sum", &[node.pointer()], t(Scalar::Int));
    assert_eq!(call(&list_sum, &[(&nodes[0]).into()]).as_i64(), Some(100));
    assert_eq!(call(&list_sum, &[(&nodes[2]).into()]).as_i64(), Some(70));
    assert_eq!(call(&list_sum, &[Arg::NULL]).as_i64(), Some(0));
}

#[test]
fn strings_in_and_out() {
    let lib = library();
    let size = t(Scalar::SizeT);
    let str_len = func(&lib, "str_len", &[CType::char_ptr()], size.clone());
    assert_eq!(call(&str_len, &["hello, world".into()]).as_u64(), Some(12));
    assert_eq!(
        call(&str_len, &[b"bytes\xff".as_slice().into()]).as_u64(),
        Some(6)
    );
    assert_eq!(call(&str_len, &[c"c string".into()]).as_u64(), Some(8));
    // SAFETY: refused before the call.
    let err = unsafe { str_len.call(&["in\0side".into()]) }.unwrap_err();
    assert_eq!(
        err.to_string(),
        "`str_len` argument 1: expected `char *`, found a string (expected a string without \
         NUL bytes, found a NUL at byte 2)"
    );

    let sum = func(
        &lib,
        "bytes_sum",
        &[t(Scalar::UChar).pointer()],
        t(Scalar::ULong),
    );
    assert_eq!(
        call(&sum, &[b"\x01\xff".as_slice().into()]).as_u64(),
        Some(1 + 2 * 255)
    );

    let greeting = func(&lib, "greeting", &[], CType::char_ptr());
    let p = call(&greeting, &[]).as_pointer().unwrap();
    // SAFETY: `greeting` returns a static NUL-terminated string.
    let text = unsafe { ctypes_core::string_at(p as *const _, None) };
    assert_eq!(text, b"hello from C");

    let upper = func(
        &lib,
        "str_upper_dup",
        &[CType::char_ptr()],
        CType::char_ptr(),
    );
    let free = func(&lib, "free_str", &[CType::char_ptr()], CType::void());
    let p = call(&upper, &["mixed Case 42".into()])
        .as_pointer()
        .unwrap();
    // SAFETY: a malloc'd NUL-terminated string, freed below.
    let upper_text = unsafe { ctypes_core::string_at(p as *const _, None) };
    assert_eq!(upper_text, b"MIXED CASE 42");
    call(&free, &[Value::Pointer(p).into()]);

    let write = func(
        &lib,
        "write_name",
        &[CType::char_ptr(), size.clone()],
        t(Scalar::Int),
    );
    let buf = CData::string_buffer(&[0; 32]).unwrap();
    assert_eq!(
        call(&write, &[(&buf).into(), 32usize.into()]).as_i64(),
        Some(9)
    );
    assert_eq!(buf.string_value().unwrap(), b"fixture-7");
    let small = CData::string_buffer(&[0; 4]).unwrap();
    call(&write, &[(&small).into(), 4usize.into()]);
    assert_eq!(small.string_value().unwrap(), b"fix");

    let wlen = func(&lib, "wstr_len", &[CType::wchar_ptr()], size);
    let w = CData::wide_string_buffer("añ€😀").unwrap();
    assert_eq!(call(&wlen, &[(&w).into()]).as_u64(), Some(4));
}

#[test]
fn pointer_results_become_pointer_objects_and_strings() {
    let libc = Library::this();
    let strdup = func(&libc, "strdup", &[CType::char_ptr()], CType::char_ptr());
    let free = func(&libc, "free", &[CType::void_ptr()], CType::void());
    let copy = call(&strdup, &["héllo".into()]);
    // SAFETY: strdup returned a NUL-terminated copy, unchanged until freed below.
    let text = unsafe { copy.to_string() }.unwrap();
    assert_eq!(text.as_deref(), Some("héllo"));
    // SAFETY: as above.
    let c = unsafe { copy.to_c_string() }.unwrap().unwrap();
    assert_eq!(c.as_bytes(), "héllo".as_bytes());
    let p = copy.to_pointer_object(&CType::char_ptr()).unwrap();
    assert_eq!(p.ty(), &CType::char_ptr());
    // SAFETY: the copy's first byte, C's memory, alive until freed below.
    let first = unsafe { p.deref_unchecked() }.unwrap();
    assert_eq!(first.value().unwrap().as_i64(), Some(i64::from(b'h')));
    call(&free, &[(&p).into()]);
    // NULL is `None`, a non-pointer an error, a non-pointer type refused.
    let null = CValue::Value(Value::Pointer(0));
    // SAFETY: NULL is never read.
    assert_eq!(unsafe { null.to_string() }.unwrap(), None);
    let number = CValue::Value(Value::Int(3));
    // SAFETY: not a pointer: refused before anything is read.
    assert!(unsafe { number.to_bytes_until_nul() }.is_err());
    assert!(null.to_pointer_object(&t(Scalar::Int)).is_err());
}

#[test]
fn binary_buffers_pass_as_they_are_and_strings_refuse_nul_bytes() {
    let libc = Library::this();
    let size_t = t(Scalar::SizeT);
    let memchr = func(
        &libc,
        "memchr",
        &[CType::void_ptr(), t(Scalar::Int), size_t.clone()],
        CType::void_ptr(),
    );
    let data: &[u8] = b"\0\x01ab\0c";
    // SAFETY: `void *memchr(const void *, int, size_t)` over the 6 bytes of `data`.
    let found = unsafe { memchr.call(&[Arg::Buffer(data), i32::from(b'c').into(), 6usize.into()]) }
        .unwrap();
    assert_eq!(
        found.value(),
        Some(Value::Pointer(data.as_ptr() as usize + 5))
    );
    // The same bytes as a string are refused: C would stop at the first NUL.
    // SAFETY: refused before the call.
    let err = unsafe { memchr.call(&[Arg::Bytes(data), 0.into(), 6usize.into()]) }.unwrap_err();
    assert!(err.to_string().contains("a NUL at byte 0"), "{err}");
    // A buffer is refused where a pointer to something other than bytes is expected.
    let abs_ptr = func(&libc, "free", &[t(Scalar::Int).pointer()], CType::void());
    // SAFETY: refused before the call.
    let err = unsafe { abs_ptr.call(&[Arg::Buffer(data)]) }.unwrap_err();
    assert!(
        err.to_string().contains("found a buffer of 6 bytes"),
        "{err}"
    );
}
