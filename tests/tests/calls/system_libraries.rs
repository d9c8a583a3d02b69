//! System libraries

use super::*;

#[test]
fn libc_strlen_snprintf_strtol() {
    let libc = Library::this();
    let size = t(Scalar::SizeT);
    let strlen = func(&libc, "strlen", &[CType::char_ptr()], size.clone());
    assert_eq!(call(&strlen, &["ctypes".into()]).as_u64(), Some(6));

    let snprintf = libc
        .function(
            "snprintf",
            Signature::variadic(
                vec![CType::char_ptr(), size, CType::char_ptr()],
                t(Scalar::Int),
            ),
        )
        .unwrap();
    let buf = CData::string_buffer(&[0; 64]).unwrap();
    let n = call(
        &snprintf,
        &[
            (&buf).into(),
            64usize.into(),
            "%s=%d %.2f %lld".into(),
            "x".into(),
            42.into(),
            0.125.into(),
            Arg::Typed(t(Scalar::LongLong), Value::Int(i64::MIN)),
        ],
    );
    let expected = format!("x=42 0.12 {}", i64::MIN);
    assert_eq!(buf.string_value().unwrap(), expected.as_bytes());
    assert_eq!(n.as_i64(), Some(expected.len() as i64));

    // SAFETY: loading the C library again runs no new initialisers.
    let libc_by_name = unsafe { Library::open("c") }.unwrap();
    let char_pp = CType::char_ptr().pointer();
    let strtol = func(
        &libc_by_name,
        "strtol",
        &[CType::char_ptr(), char_pp.clone(), t(Scalar::Int)],
        t(Scalar::Long),
    );
    let text = CData::string_buffer(b"  -0x1fz rest").unwrap();
    let end = CData::new(&CType::char_ptr()).unwrap();
    let r = call(&strtol, &[(&text).into(), (&end).into(), 16.into()]);
    assert_eq!(r.as_i64(), Some(-0x1f));
    let Value::Pointer(end_at) = end.value().unwrap() else {
        panic!("a pointer")
    };
    assert_eq!(end_at - text.addressof().unwrap() as usize, 7);
}

#[test]
fn libm_cos_and_frexp() {
    // SAFETY: libm's initialisers are the C library's.
    let libm = unsafe { Library::open("m") }.unwrap();
    let double = t(Scalar::Double);
    let cos = func(&libm, "cos", std::slice::from_ref(&double), double.clone());
    assert_eq!(call(&cos, &[0.0.into()]).as_f64(), Some(1.0));
    assert_eq!(
        call(&cos, &[std::f64::consts::PI.into()]).as_f64(),
        Some(-1.0)
    );
    let int = t(Scalar::Int);
    let frexp = func(&libm, "frexp", &[double.clone(), int.pointer()], double);
    let exp = CData::new(&int).unwrap();
    let m = call(&frexp, &[48.0.into(), (&exp).into()]);
    assert_eq!(
        (m.as_f64(), exp.value().unwrap()),
        (Some(0.75), Value::Int(6))
    );
}

#[test]
fn zlib_compress_uncompress_round_trip() {
    // SAFETY: zlib has no initialisers to speak of.
    let z = unsafe { Library::open("z") }.unwrap();
    let version = func(&z, "zlibVersion", &[], CType::char_ptr());
    let p = call(&version, &[]).as_pointer().unwrap();
    // SAFETY: a static version string.
    let version = unsafe { ctypes_core::string_at(p as *const _, None) };
    assert!(
        version.starts_with(b"1."),
        "{}",
        String::from_utf8_lossy(&version)
    );

    let bytef = t(Scalar::UChar);
    let ulong = t(Scalar::ULong);
    let int = t(Scalar::Int);
    let args = [
        bytef.pointer(),
        ulong.pointer(),
        bytef.pointer(),
        ulong.clone(),
    ];
    let compress = func(&z, "compress", &args, int.clone());
    let uncompress = func(&z, "uncompress", &args, int.clone());
    let bound = func(
        &z,
        "compressBound",
        std::slice::from_ref(&ulong),
        ulong.clone(),
    );

    let input: Vec<u8> = (0..4000u32)
        .map(|i| (i % 251) as u8 ^ (i / 97) as u8)
        .collect();
    let source = CData::from_bytes(&bytef.array(input.len()).unwrap(), &input).unwrap();
    let cap = call(&bound, &[input.len().into()]).as_u64().unwrap() as usize;
    let packed = CData::new(&bytef.array(cap).unwrap()).unwrap();
    let packed_len = CData::new(&ulong).unwrap();
    packed_len.set_value(cap).unwrap();
    let r = call(
        &compress,
        &[
            (&packed).into(),
            (&packed_len).into(),
            (&source).into(),
            input.len().into(),
        ],
    );
    assert_eq!(r.as_i64(), Some(0), "Z_OK");
    let n = packed_len.value().unwrap().as_u64().unwrap() as usize;
    assert!(n < input.len() / 2, "compressed {n} bytes");

    let out = CData::new(&bytef.array(input.len()).unwrap()).unwrap();
    let out_len = CData::new(&ulong).unwrap();
    out_len.set_value(input.len()).unwrap();
    let r = call(
        &uncompress,
        &[(&out).into(), (&out_len).into(), (&packed).into(), n.into()],
    );
    assert_eq!(r.as_i64(), Some(0), "Z_OK");
    assert_eq!(out_len.value().unwrap().as_u64(), Some(input.len() as u64));
    assert_eq!(out.to_bytes(), input);
    // Too small a buffer: Z_BUF_ERROR (-5), computed by zlib.
    out_len.set_value(10usize).unwrap();
    let r = call(
        &uncompress,
        &[(&out).into(), (&out_len).into(), (&packed).into(), n.into()],
    );
    assert_eq!(r.as_i64(), Some(-5));
}

/// A variadic function keeps the interfaces of its latest variadic type lists: calls that
/// repeat a list, and more lists than it keeps (so that old ones are replaced), all arrive.
#[test]
fn variadic_calls_with_many_type_lists() {
    let lib = library();
    let typed = lib
        .function(
            "sum_typed",
            Signature::variadic(vec![CType::char_ptr()], t(Scalar::Double)),
        )
        .unwrap();
    // 27 lists of three of `int`, `long long` and `double`, each called three times in turn.
    let lists: Vec<String> = (0..27)
        .map(|n: usize| {
            (0..3)
                .map(|digit| ['i', 'l', 'd'][n / 3usize.pow(digit) % 3])
                .collect()
        })
        .collect();
    for round in 0..3 {
        for (n, list) in lists.iter().enumerate() {
            let mut args: Vec<Arg<'_>> = vec![list.as_str().into()];
            let mut expected = 0.0;
            for (k, code) in list.chars().enumerate() {
                let value = (n * 10 + k + round) as i32 - 40;
                expected += (k + 1) as f64 * f64::from(value);
                args.push(match code {
                    'i' => value.into(),
                    'l' => Arg::Typed(t(Scalar::LongLong), Value::Int(value.into())),
                    _ => f64::from(value).into(),
                });
            }
            let r = call(&typed, &args);
            assert_eq!(r.as_f64(), Some(expected), "{list}, round {round}");
        }
    }
}
