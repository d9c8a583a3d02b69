//! Calls into the C fixture library and into system libraries, each result computed on the C
//! side: every scalar type, many arguments, records and unions by value both ways, pointers,
//! strings, variadic functions, errno, function pointers.

mod fixture;

use ctypes_core::{
    Arg, CData, CType, CValue, Function, Library, LongDouble, Scalar, Signature, Value,
};
use fixture::{as_f64, leaves, leaves_at, library, plus, record, sample, sig, t, Leaf};

/// Calls `f` with `args`, which must succeed.
fn call(f: &Function, args: &[Arg<'_>]) -> CValue {
    // SAFETY: every signature in these tests is the C declaration of the fixture function.
    unsafe { f.call(args) }.unwrap_or_else(|e| panic!("calling `{}`: {e}", f.name()))
}

fn func(lib: &Library, name: &str, args: &[CType], result: CType) -> Function {
    lib.function(name, sig(args, result))
        .unwrap_or_else(|e| panic!("making `{name}`: {e}"))
}

// ---------------------------------------------------------------------------------------------
// Scalars

/// The fixture's name for each scalar type.
const SCALARS: &[(&str, Scalar)] = &[
    ("char", Scalar::Char),
    ("schar", Scalar::SChar),
    ("uchar", Scalar::UChar),
    ("short", Scalar::Short),
    ("ushort", Scalar::UShort),
    ("int", Scalar::Int),
    ("uint", Scalar::UInt),
    ("long", Scalar::Long),
    ("ulong", Scalar::ULong),
    ("llong", Scalar::LongLong),
    ("ullong", Scalar::ULongLong),
    ("i8", Scalar::Int8),
    ("u8", Scalar::UInt8),
    ("i16", Scalar::Int16),
    ("u16", Scalar::UInt16),
    ("i32", Scalar::Int32),
    ("u32", Scalar::UInt32),
    ("i64", Scalar::Int64),
    ("u64", Scalar::UInt64),
    ("size", Scalar::SizeT),
    ("ssize", Scalar::SSizeT),
    ("wchar", Scalar::WcharT),
];

fn int_value(s: Scalar, v: i128) -> Value {
    if s.is_signed() {
        Value::Int(v as i64)
    } else {
        Value::UInt(v as u64)
    }
}

#[test]
fn integer_types_in_and_out_at_their_extremes() {
    let lib = library();
    for &(name, s) in SCALARS {
        let ty = t(s);
        let id = func(
            &lib,
            &format!("id_{name}"),
            std::slice::from_ref(&ty),
            ty.clone(),
        );
        let add = func(
            &lib,
            &format!("add_{name}"),
            &[ty.clone(), ty.clone()],
            ty.clone(),
        );
        let as_ll = func(
            &lib,
            &format!("as_ll_{name}"),
            std::slice::from_ref(&ty),
            t(Scalar::LongLong),
        );
        let (min, max) = s.int_range().expect("an integer type");
        for v in [min, max, 0, 1, min + 1, max - 1, max / 3] {
            let value = int_value(s, v);
            let out = call(&id, &[value.into()]);
            assert_eq!(out.value(), Some(value), "id_{name}({v})");
            if i64::try_from(v).is_ok() {
                assert_eq!(
                    call(&as_ll, &[value.into()]).as_i64(),
                    Some(v as i64),
                    "as_ll_{name}({v})"
                );
            }
        }
        // Arithmetic done by C, in the type: min + max is -1 for signed types.
        let sum = call(&add, &[int_value(s, min).into(), int_value(s, max).into()]);
        assert_eq!(
            sum.value(),
            Some(int_value(s, min + max)),
            "add_{name}(min, max)"
        );
        let sum = call(&add, &[int_value(s, 40).into(), int_value(s, 2).into()]);
        assert_eq!(sum.value(), Some(int_value(s, 42)), "add_{name}(40, 2)");
    }
}

#[test]
fn floating_types_in_and_out() {
    let lib = library();
    let float = t(Scalar::Float);
    let id = func(
        &lib,
        "id_float",
        std::slice::from_ref(&float),
        float.clone(),
    );
    for x in [
        0.0f32,
        -0.0,
        1.5,
        f32::MAX,
        f32::MIN,
        f32::MIN_POSITIVE,
        1e-45,
        f32::INFINITY,
    ] {
        let out = call(&id, &[x.into()]);
        assert_eq!(out.value(), Some(Value::Float(x)));
        assert_eq!(out.as_f64().map(f64::to_bits), Some(f64::from(x).to_bits()));
    }
    assert!(call(&id, &[f32::NAN.into()]).as_f64().unwrap().is_nan());
    let add = func(
        &lib,
        "add_float",
        &[float.clone(), float.clone()],
        float.clone(),
    );
    assert_eq!(
        call(&add, &[1.25f32.into(), 2.5f32.into()]).value(),
        Some(Value::Float(3.75))
    );
    // Rounded as float, not as double.
    let r = call(&add, &[16_777_216.0f32.into(), 1.0f32.into()]);
    assert_eq!(r.value(), Some(Value::Float(16_777_216.0)));

    let double = t(Scalar::Double);
    let id = func(
        &lib,
        "id_double",
        std::slice::from_ref(&double),
        double.clone(),
    );
    for x in [
        0.0,
        -0.0,
        0.1,
        f64::MAX,
        f64::MIN,
        f64::MIN_POSITIVE,
        5e-324,
        f64::NEG_INFINITY,
    ] {
        assert_eq!(
            call(&id, &[x.into()]).as_f64().map(f64::to_bits),
            Some(x.to_bits())
        );
    }
    let add = func(
        &lib,
        "add_double",
        &[double.clone(), double.clone()],
        double.clone(),
    );
    assert_eq!(
        call(&add, &[0.1.into(), 0.2.into()]).as_f64(),
        Some(0.1 + 0.2)
    );
}

/// Whether this process runs under valgrind, which preloads its own libraries.
fn under_valgrind() -> bool {
    std::env::var("LD_PRELOAD").is_ok_and(|v| v.contains("vgpreload"))
}

#[test]
fn long_double_in_and_out() {
    let lib = library();
    let ld = t(Scalar::LongDouble);
    let id = func(&lib, "id_ldouble", std::slice::from_ref(&ld), ld.clone());
    for x in [0.0, -1.5, 1e300, f64::MIN_POSITIVE, 123_456_789.125] {
        let out = call(&id, &[LongDouble::from_f64(x).into()]);
        assert_eq!(out.as_long_double().map(LongDouble::to_f64), Some(x));
    }
    let mul = func(&lib, "ld_mul", &[ld.clone(), ld.clone()], ld.clone());
    let out = call(
        &mul,
        &[
            LongDouble::from_f64(1.5).into(),
            LongDouble::from_f64(-4.0).into(),
        ],
    );
    assert_eq!(out.as_f64(), Some(-6.0));
    // A value only long double holds, computed in C, comes back with every bit. (Valgrind
    // runs x87 arithmetic in double precision, so there the value cannot exist.)
    if under_valgrind() {
        return;
    }
    let big = func(&lib, "ld_big", &[], ld.clone());
    let value = call(&big, &[]).as_long_double().expect("a long double");
    let check = func(
        &lib,
        "ld_is_big_plus",
        &[ld.clone(), t(Scalar::Int)],
        t(Scalar::Int),
    );
    assert_eq!(call(&check, &[value.into(), 1.into()]).as_i64(), Some(1));
    assert_eq!(call(&check, &[value.into(), 0.into()]).as_i64(), Some(0));
    let rounded = LongDouble::from_f64(value.to_f64());
    assert_eq!(call(&check, &[rounded.into(), 1.into()]).as_i64(), Some(0));
}

#[test]
fn bool_and_narrow_arguments() {
    let lib = library();
    let b = t(Scalar::Bool);
    let not = func(&lib, "not_bool", std::slice::from_ref(&b), b.clone());
    assert_eq!(call(&not, &[true.into()]).value(), Some(Value::Bool(false)));
    assert_eq!(call(&not, &[false.into()]).value(), Some(Value::Bool(true)));
    let to_int = func(
        &lib,
        "bool_to_int",
        std::slice::from_ref(&b),
        t(Scalar::Int),
    );
    assert_eq!(call(&to_int, &[true.into()]).as_i64(), Some(1));
    let narrow = func(
        &lib,
        "sum_narrow",
        &[
            t(Scalar::SChar),
            t(Scalar::UChar),
            t(Scalar::Short),
            t(Scalar::UShort),
        ],
        t(Scalar::Int),
    );
    let r = call(
        &narrow,
        &[
            (-128i8).into(),
            255u8.into(),
            (-32768i16).into(),
            65535u16.into(),
        ],
    );
    assert_eq!(r.as_i64(), Some(-128 + 255 - 32768 + 65535));
}

#[test]
fn many_mixed_arguments_some_on_the_stack() {
    use Scalar::*;
    let lib = library();
    let types = [
        Int, Double, Long, Float, Short, Double, UChar, Float, LongLong, Double, Int, Float,
        Double, Double, Double, Double, Int, UInt, Long, Float,
    ];
    let f = func(&lib, "many_mixed", &types.map(t), t(Double));
    let values: Vec<Value> = types
        .iter()
        .enumerate()
        .map(|(i, s)| match s {
            Float => Value::Float(i as f32 + 0.5),
            Double => Value::Double(-(i as f64) * 1.25),
            UChar | UInt => Value::UInt(200 + i as u64),
            _ => Value::Int(-(i as i64) * 1000 - 7),
        })
        .collect();
    let expected: f64 = values
        .iter()
        .enumerate()
        .map(|(i, v)| (i + 1) as f64 * as_f64(*v))
        .sum();
    let args: Vec<Arg<'_>> = values.iter().map(|v| Arg::from(*v)).collect();
    assert_eq!(call(&f, &args).as_f64(), Some(expected));

    let types = [
        Int, Long, Short, LongLong, SChar, Int, Long, UInt, Int, LongLong, Int, Short,
    ];
    let f = func(&lib, "many_ints", &types.map(t), t(LongLong));
    let values: Vec<Value> = types
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let i = i as i128;
            let sign = if i % 2 == 0 { 1 } else { -1 };
            int_value(
                *s,
                if s.is_signed() {
                    sign * (i * 37 - 100)
                } else {
                    i * 37 + 5
                },
            )
        })
        .collect();
    let args: Vec<Arg<'_>> = values.iter().map(|v| Arg::from(*v)).collect();
    let expected: i64 = values
        .iter()
        .enumerate()
        .map(|(i, v)| (i as i64 + 1) * v.as_i64().unwrap())
        .sum();
    assert_eq!(call(&f, &args).as_i64(), Some(expected));

    let f = func(&lib, "many_doubles", &vec![t(Double); 11], t(Double));
    let args: Vec<Arg<'_>> = (0..11).map(|i| Arg::from(i as f64 * 0.5 - 2.0)).collect();
    let expected: f64 = (0..11)
        .map(|i| (i + 1) as f64 * (i as f64 * 0.5 - 2.0))
        .sum();
    assert_eq!(call(&f, &args).as_f64(), Some(expected));

    let f = func(&lib, "many_floats", &vec![t(Float); 10], t(Float));
    let args: Vec<Arg<'_>> = (0..10).map(|i| Arg::from(i as f32 + 0.25)).collect();
    let expected: f32 = (0..10).map(|i| (i + 1) as f32 * (i as f32 + 0.25)).sum();
    assert_eq!(call(&f, &args).value(), Some(Value::Float(expected)));

    let f = func(&lib, "do_nothing", &[], CType::void());
    assert!(matches!(call(&f, &[]), CValue::Void));
}

// ---------------------------------------------------------------------------------------------
// Records by value

/// Fills a `name` record with distinct values in every leaf, and checks that the fixture's
/// `name_sum` sees all of them and `name_bump` returns each plus its weight.
fn check_record(name: &str, ty: &CType, leaves: &[Leaf]) {
    let lib = library();
    let data = CData::new(ty).unwrap();
    let values: Vec<Value> = leaves
        .iter()
        .enumerate()
        .map(|(k, l)| sample(l, k))
        .collect();
    for (leaf, value) in leaves.iter().zip(&values) {
        data.set(&leaf.path, *value)
            .unwrap_or_else(|e| panic!("{name}.{} = {value:?}: {e}", leaf.path));
    }
    let expected: f64 = values
        .iter()
        .enumerate()
        .fold(0.0, |r, (k, v)| r + (k + 1) as f64 * as_f64(*v));
    let sum = func(
        &lib,
        &format!("{name}_sum"),
        std::slice::from_ref(ty),
        t(Scalar::Double),
    );
    assert_eq!(
        call(&sum, &[(&data).into()]).as_f64(),
        Some(expected),
        "{name}_sum"
    );

    let bump = func(
        &lib,
        &format!("{name}_bump"),
        std::slice::from_ref(ty),
        ty.clone(),
    );
    let before = data.to_bytes();
    let out = call(&bump, &[(&data).into()])
        .into_data()
        .expect("a record");
    assert_eq!(data.to_bytes(), before, "{name}_bump changed its argument");
    assert_eq!(out.ty(), ty);
    for (k, (leaf, value)) in leaves.iter().zip(&values).enumerate() {
        let got = out.get(&leaf.path).unwrap();
        assert_eq!(
            as_f64(got),
            as_f64(plus(*value, k + 1)),
            "{name}_bump: {}",
            leaf.path
        );
    }
    // Round trip: what C returned goes back in.
    let again = call(&sum, &[(&out).into()]).as_f64().unwrap();
    let bumped: f64 = values.iter().enumerate().fold(0.0, |r, (k, v)| {
        r + (k + 1) as f64 * as_f64(plus(*v, k + 1))
    });
    assert_eq!(again, bumped, "{name}_sum of {name}_bump");
}

macro_rules! record_tests {
    ($($test:ident: $name:literal $(at $paths:expr)?;)*) => {$(
        #[test]
        fn $test() {
            let ty = record($name);
            #[allow(unused_mut, unused_assignments)]
            let mut leaves = leaves(&ty);
            $(leaves = leaves_at(&ty, $paths);)?
            assert!(!leaves.is_empty());
            check_record($name, &ty, &leaves);
        }
    )*};
}

record_tests! {
    record_size_1: "S1";
    record_size_2: "S2";
    record_size_3_char_array: "S3";
    record_size_4: "S4";
    record_size_5: "S5";
    record_size_8_int_float: "S8";
    record_size_12_float_array: "S12";
    record_size_16_double_array: "S16";
    record_size_17: "S17";
    record_size_24: "S24";
    record_size_32: "S32";
    record_size_64: "S64";
    record_two_floats: "F2";
    record_three_floats: "F3";
    record_four_floats: "F4";
    record_one_double: "D1";
    record_two_doubles: "D2";
    record_int_float_double: "MIFD";
    record_double_int: "MDI";
    record_float_int_float_float: "MFIFF";
    record_char_double: "MCD";
    record_long_double_pair: "MLD";
    record_char_and_float_arrays: "MCF";
    record_nested_vec_and_int: "NV";
    record_nested_anonymous_struct: "NS";
    record_nested_two_vecs: "NVV";
    record_nested_array_of_records: "NA";
    record_packed_aligned_members: "P9";
    record_packed_over_16_bytes: "P17";
    record_packed_floats_and_char: "P9F";
    record_pack_2_floats: "P2F";
    record_bit_fields_in_one_int: "BF4";
    record_bit_field_and_float: "BFF";
    record_bit_fields_and_double: "BFD";
    record_float_and_unnamed_bit_field: "BFU";
    record_char_and_short_bit_fields: "BF3";
    union_char_array_int: "UC9" at &["c[0]", "c[1]", "c[2]", "c[3]", "c[4]", "c[5]", "c[6]", "c[7]", "c[8]"];
    record_holding_int_float_union: "SUF" at &["u.f", "g"];
    record_holding_float_union: "SFUD" at &["a", "u.a", "d"];
}

#[test]
fn unions_by_value_both_ways() {
    let lib = library();
    let double = t(Scalar::Double);

    let uif = record("UIF");
    let u = CData::new(&uif).unwrap();
    u.set("i", -123_456).unwrap();
    let as_int = func(
        &lib,
        "UIF_as_int",
        std::slice::from_ref(&uif),
        double.clone(),
    );
    assert_eq!(call(&as_int, &[(&u).into()]).as_f64(), Some(-123_456.0));
    u.set("f", 2.5f32).unwrap();
    let as_float = func(
        &lib,
        "UIF_as_float",
        std::slice::from_ref(&uif),
        double.clone(),
    );
    assert_eq!(call(&as_float, &[(&u).into()]).as_f64(), Some(2.5));
    u.set("i", 77).unwrap();
    let convert = func(
        &lib,
        "UIF_int_to_float",
        std::slice::from_ref(&uif),
        uif.clone(),
    );
    let out = call(&convert, &[(&u).into()]).into_data().unwrap();
    assert_eq!(out.get("f").unwrap(), Value::Float(38.5));

    let uff = record("UFF");
    let u = CData::new(&uff).unwrap();
    u.set("a", 1.75f32).unwrap();
    let sum = func(&lib, "UFF_sum", std::slice::from_ref(&uff), double.clone());
    assert_eq!(call(&sum, &[(&u).into()]).as_f64(), Some(3.5));
    let bump = func(&lib, "UFF_bump", std::slice::from_ref(&uff), uff.clone());
    let out = call(&bump, &[(&u).into()]).into_data().unwrap();
    assert_eq!(out.get("a").unwrap(), Value::Float(4.5));

    let udl = record("UDL");
    let u = CData::new(&udl).unwrap();
    u.set("l", -(1i64 << 40)).unwrap();
    let as_long = func(
        &lib,
        "UDL_as_long",
        std::slice::from_ref(&udl),
        double.clone(),
    );
    assert_eq!(
        call(&as_long, &[(&u).into()]).as_f64(),
        Some(-(2f64.powi(40)))
    );
    let convert = func(
        &lib,
        "UDL_long_to_double",
        std::slice::from_ref(&udl),
        udl.clone(),
    );
    let out = call(&convert, &[(&u).into()]).into_data().unwrap();
    assert_eq!(out.get("d").unwrap(), Value::Double(-(2f64.powi(38))));
    let as_double = func(
        &lib,
        "UDL_as_double",
        std::slice::from_ref(&udl),
        double.clone(),
    );
    assert_eq!(
        call(&as_double, &[(&out).into()]).as_f64(),
        Some(-(2f64.powi(38)))
    );

    let uc9 = record("UC9");
    let u = CData::new(&uc9).unwrap();
    u.set("i", 0x0102_0304).unwrap();
    let as_int = func(
        &lib,
        "UC9_as_int",
        std::slice::from_ref(&uc9),
        t(Scalar::LongLong),
    );
    assert_eq!(call(&as_int, &[(&u).into()]).as_i64(), Some(0x0102_0304));
}

#[test]
fn records_mixed_with_scalars() {
    let lib = library();
    let names = ["S3", "F2", "D2", "S17"];
    let [s3, f2, d2, s17] = names.map(record);
    let objects: Vec<(CData, f64)> = names
        .iter()
        .zip([&s3, &f2, &d2, &s17])
        .map(|(name, ty)| {
            let data = CData::new(ty).unwrap();
            let leaves = leaves(ty);
            let mut sum = 0.0;
            for (k, leaf) in leaves.iter().enumerate() {
                let v = sample(leaf, k + 3);
                data.set(&leaf.path, v).unwrap();
                sum += (k + 1) as f64 * as_f64(v);
            }
            let _ = name;
            (data, sum)
        })
        .collect();
    let f = func(
        &lib,
        "records_mixed",
        &[s3, f2, t(Scalar::Int), d2, s17, t(Scalar::Float)],
        t(Scalar::Double),
    );
    let r = call(
        &f,
        &[
            (&objects[0].0).into(),
            (&objects[1].0).into(),
            (-9).into(),
            (&objects[2].0).into(),
            (&objects[3].0).into(),
            0.5f32.into(),
        ],
    );
    let expected = objects[0].1 + 10.0 * objects[1].1 - 900.0
        + 1000.0 * objects[2].1
        + 10000.0 * objects[3].1
        + 50000.0;
    assert_eq!(r.as_f64(), Some(expected));
}

fn filled(name: &str, shift: usize) -> (CData, f64) {
    let ty = record(name);
    let data = CData::new(&ty).unwrap();
    let mut sum = 0.0;
    for (k, leaf) in leaves(&ty).iter().enumerate() {
        let v = sample(leaf, k + shift);
        data.set(&leaf.path, v).unwrap();
        sum += (k + 1) as f64 * as_f64(v);
    }
    (data, sum)
}

#[test]
fn records_that_no_longer_fit_in_registers_go_on_the_stack() {
    let lib = library();
    let long = t(Scalar::Long);
    let double = t(Scalar::Double);
    let (mifd, mifd_sum) = filled("MIFD", 1);

    let mut args = vec![long.clone(); 5];
    args.extend([record("MIFD"), long.clone()]);
    let f = func(&lib, "records_spill_int", &args, double.clone());
    let r = call(
        &f,
        &[
            1.into(),
            2.into(),
            3.into(),
            4.into(),
            5.into(),
            (&mifd).into(),
            6.into(),
        ],
    );
    assert_eq!(r.as_f64(), Some(55.0 + 10.0 * mifd_sum + 6000.0));

    let mut args = vec![long.clone(); 6];
    args.extend([record("MIFD"), long.clone()]);
    let f = func(&lib, "records_spill_int6", &args, double.clone());
    let r = call(
        &f,
        &[
            1.into(),
            2.into(),
            3.into(),
            4.into(),
            5.into(),
            6.into(),
            (&mifd).into(),
            7.into(),
        ],
    );
    assert_eq!(r.as_f64(), Some(91.0 + 10.0 * mifd_sum + 7000.0));

    let (f4, f4_sum) = filled("F4", 2);
    let mut args = vec![double.clone(); 7];
    args.extend([record("F4"), double.clone()]);
    let f = func(&lib, "records_spill_sse", &args, double.clone());
    let mut values: Vec<Arg<'_>> = (1..=7).map(|i| Arg::from(f64::from(i) * 0.5)).collect();
    values.extend([(&f4).into(), 3.0.into()]);
    let expected = (1..=7)
        .map(|i| f64::from(i) * f64::from(i) * 0.5)
        .sum::<f64>()
        + 10.0 * f4_sum
        + 3000.0;
    assert_eq!(call(&f, &values).as_f64(), Some(expected));
}

// ---------------------------------------------------------------------------------------------
// Pointers and strings

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
        "`str_len` argument 0: expected `char *`, found a string (expected a string without \
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

// ---------------------------------------------------------------------------------------------
// Variadic functions

#[test]
fn printf_style_variadic_function() {
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
    let buf = CData::string_buffer(&[0; 128]).unwrap();
    let n = call(
        &format,
        &[
            (&buf).into(),
            128usize.into(),
            "%d|%u|%ld|%.3f|%s|%c|%x|%5.1f".into(),
            (-42).into(),
            4_000_000_000u32.into(),
            Arg::Typed(t(Scalar::Long), Value::Int(-(1 << 40))),
            2.5f32.into(),
            "str".into(),
            Arg::Typed(t(Scalar::Char), Value::Int(65)),
            255u8.into(),
            1e3.into(),
        ],
    );
    let expected = "-42|4000000000|-1099511627776|2.500|str|A|ff|1000.0";
    assert_eq!(buf.string_value().unwrap(), expected.as_bytes());
    assert_eq!(n.as_i64(), Some(expected.len() as i64));
    // Only the fixed arguments.
    let n = call(&format, &[(&buf).into(), 128usize.into(), "plain".into()]);
    assert_eq!(n.as_i64(), Some(5));
    assert_eq!(buf.string_value().unwrap(), b"plain");
}

#[test]
fn variadic_sums_with_default_promotions() {
    let lib = library();
    let sum = lib
        .function(
            "sum_doubles",
            Signature::variadic(vec![t(Scalar::Int)], t(Scalar::Double)),
        )
        .unwrap();
    let mut args: Vec<Arg<'_>> = vec![12.into()];
    args.extend((0..12).map(|i| Arg::from(i as f64 - 5.5)));
    let expected: f64 = (0..12).map(|i| (i + 1) as f64 * (i as f64 - 5.5)).sum();
    assert_eq!(call(&sum, &args).as_f64(), Some(expected));
    // Floats are promoted to double, as C's default argument promotions say.
    let r = call(&sum, &[3.into(), 1.5f32.into(), 0.25f32.into(), 2.0.into()]);
    assert_eq!(r.as_f64(), Some(1.5 + 0.5 + 6.0));

    let typed = lib
        .function(
            "sum_typed",
            Signature::variadic(vec![CType::char_ptr()], t(Scalar::Double)),
        )
        .unwrap();
    let node = CData::new(&t(Scalar::Int)).unwrap();
    let r = call(
        &typed,
        &[
            "iuldps iiid".into(),
            (-7i8).into(),    // i: signed char promoted to int
            65_535u16.into(), // u: unsigned short promoted
            Arg::Typed(t(Scalar::LongLong), Value::Int(-3)), // l
            0.5f32.into(),    // d: float promoted to double
            (&node.byref(0).unwrap()).into(), // p
            "four".into(),    // s
            Arg::Typed(t(Scalar::Short), Value::Int(-2)), // ' ' is unknown: poisoned if reached
            true.into(),
            Arg::Typed(t(Scalar::UChar), Value::UInt(200)),
            Arg::Typed(t(Scalar::Float), Value::Float(-1.25)),
        ],
    );
    // The space makes the C side give up with a sentinel, so check the prefix separately.
    assert_eq!(r.as_f64(), Some(-1e300));
    let r = call(
        &typed,
        &[
            "iuldpsiiid".into(),
            (-7i8).into(),
            65_535u16.into(),
            Arg::Typed(t(Scalar::LongLong), Value::Int(-3)),
            0.5f32.into(),
            (&node.byref(0).unwrap()).into(),
            "four".into(),
            Arg::Typed(t(Scalar::Short), Value::Int(-2)),
            true.into(),
            Arg::Typed(t(Scalar::UChar), Value::UInt(200)),
            Arg::Typed(t(Scalar::Float), Value::Float(-1.25)),
        ],
    );
    let expected = -7.0 + 2.0 * 65_535.0 - 9.0 + 2.0 + 5.0 + 6.0 * 4.0 - 14.0 + 8.0 + 1800.0 - 12.5;
    assert_eq!(r.as_f64(), Some(expected));
}

// ---------------------------------------------------------------------------------------------
// errno

// Linux's values.
const ENOENT: i32 = 2;
const EDOM: i32 = 33;
const ERANGE: i32 = 34;

#[test]
fn errno_is_captured_after_the_call_and_can_be_set_before() {
    let lib = library();
    let int = t(Scalar::Int);
    let fail = func(&lib, "fail_with", std::slice::from_ref(&int), int.clone());
    // SAFETY: `int fail_with(int)`.
    let (r, errno) = unsafe { fail.call_with_errno(&[ERANGE.into()], None) }.unwrap();
    assert_eq!((r.as_i64(), errno), (Some(-1), ERANGE));
    let current = func(&lib, "current_errno", &[], int.clone());
    // SAFETY: `int current_errno(void)`.
    let (r, errno) = unsafe { current.call_with_errno(&[], Some(EDOM)) }.unwrap();
    assert_eq!((r.as_i64(), errno), (Some(i64::from(EDOM)), EDOM));
    let keep = func(&lib, "succeed_keeping_errno", &[], int.clone());
    // SAFETY: `int succeed_keeping_errno(void)`.
    let (_, errno) = unsafe { keep.call_with_errno(&[], Some(0)) }.unwrap();
    assert_eq!(errno, 0);

    let checked = fail.clone().with_errcheck(|r, errno| match r.as_i64() {
        Some(-1) => Err(std::io::Error::from_raw_os_error(errno).into()),
        _ => Ok(()),
    });
    // SAFETY: `int fail_with(int)`.
    let err = unsafe { checked.call(&[ENOENT.into()]) }.unwrap_err();
    assert_eq!(
        err.to_string(),
        "`fail_with` failed: No such file or directory (os error 2)"
    );
    let source = std::error::Error::source(&err).expect("a source");
    let io = source
        .downcast_ref::<std::io::Error>()
        .expect("an io::Error");
    assert_eq!(io.raw_os_error(), Some(ENOENT));
}

// ---------------------------------------------------------------------------------------------
// Function pointers

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

// ---------------------------------------------------------------------------------------------
// System libraries

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
