//! Records by value

use super::*;

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
