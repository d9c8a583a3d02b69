//! Scalars: every integer type over its whole range, wrapping stores, `_Bool`, floats and `long double` as C stores them.

use super::*;

#[test]
fn every_integer_type_takes_its_whole_range_and_nothing_more() {
    for s in Scalar::ALL {
        let Some((min, max)) = s.int_range() else {
            continue;
        };
        let data = CData::new(&scalar(s)).unwrap();
        let size = s.size();
        for n in [min, max, 0, 1] {
            let v = value_of(n).unwrap();
            data.set_value(v).unwrap();
            assert_eq!(data.value().unwrap(), read_back(s, n), "{s} = {n}");
            assert_eq!(data.to_bytes(), native_bytes(n, size), "bytes of {s} = {n}");
        }
        data.set_value(value_of(max).unwrap()).unwrap();
        for n in [min - 1, max + 1] {
            let Some(v) = value_of(n) else {
                continue;
            };
            let err = data.set_value(v).unwrap_err();
            assert_eq!(
                err.to_string(),
                format!("value {n} does not fit in `{}`", s.c_name())
            );
            // The refused write left the object alone.
            assert_eq!(data.value().unwrap(), read_back(s, max));
            // The wrapping setter reduces modulo 2^bits (any non-zero makes `_Bool` true).
            data.set_value_wrapping(v).unwrap();
            let wrapped = if s == Scalar::Bool {
                1
            } else {
                let bits = size as u32 * 8;
                let m = n.rem_euclid(1i128 << bits);
                if s.is_signed() && m > max {
                    m - (1i128 << bits)
                } else {
                    m
                }
            };
            assert_eq!(
                data.value().unwrap(),
                read_back(s, wrapped),
                "{s} wraps {n}"
            );
        }
    }
}

#[test]
fn the_wrapping_setter_converts_like_c() {
    let uc = CData::new(&scalar(Scalar::UChar)).unwrap();
    uc.set_value_wrapping(-1).unwrap();
    assert_eq!(uc.value().unwrap(), Value::UInt(255));
    uc.set_value_wrapping(0x1234).unwrap();
    assert_eq!(uc.value().unwrap(), Value::UInt(0x34));
    let short = CData::new(&scalar(Scalar::Short)).unwrap();
    short.set_value_wrapping(40000).unwrap();
    assert_eq!(short.value().unwrap(), Value::Int(40000 - 65536));
    let int = CData::new(&scalar(Scalar::Int)).unwrap();
    int.set_value_wrapping(u64::MAX).unwrap();
    assert_eq!(int.value().unwrap(), Value::Int(-1));
    let b = CData::new(&scalar(Scalar::Bool)).unwrap();
    b.set_value_wrapping(256).unwrap();
    assert_eq!(b.value().unwrap(), Value::Bool(true));
    assert_eq!(b.to_bytes(), [1]);
    b.set_value_wrapping(0).unwrap();
    assert_eq!(b.value().unwrap(), Value::Bool(false));
    // Floats are not integers, wrapped or not.
    assert_eq!(
        int.set_value_wrapping(1.5).unwrap_err().to_string(),
        "expected an integer for `int`, found `Double(1.5)`"
    );
}

#[test]
fn bool_objects_hold_zero_or_one() {
    let b = CData::new(&scalar(Scalar::Bool)).unwrap();
    b.set_value(true).unwrap();
    assert_eq!(b.to_bytes(), [1]);
    assert_eq!(b.value().unwrap(), Value::Bool(true));
    b.set_value(0).unwrap();
    assert_eq!(b.value().unwrap(), Value::Bool(false));
    assert_eq!(
        b.set_value(2).unwrap_err().to_string(),
        "value 2 does not fit in `_Bool`"
    );
    assert_eq!(
        b.set_value(-1).unwrap_err().to_string(),
        "value -1 does not fit in `_Bool`"
    );
    // Any non-zero byte reads as true, as C's `_Bool` loads do with such a representation.
    b.write_bytes(0, &[1]).unwrap();
    assert_eq!(b.value().unwrap(), Value::Bool(true));
    // `true` into an integer is 1.
    let int = CData::new(&scalar(Scalar::Int)).unwrap();
    int.set_value(true).unwrap();
    assert_eq!(int.value().unwrap(), Value::Int(1));
}

#[test]
fn floating_values_are_stored_as_ieee_bits() {
    let f = CData::new(&scalar(Scalar::Float)).unwrap();
    f.set_value(1.5f32).unwrap();
    assert_eq!(f.to_bytes(), 1.5f32.to_ne_bytes());
    f.set_value(0.1f64).unwrap();
    assert_eq!(f.to_bytes(), 0.1f32.to_ne_bytes());
    assert_eq!(f.value().unwrap(), Value::Float(0.1));
    f.set_value(-7).unwrap();
    assert_eq!(f.value().unwrap(), Value::Float(-7.0));
    assert_eq!(
        f.set_value(1e300).unwrap_err().to_string(),
        "value 1e300 does not fit in `float`"
    );
    f.set_value(f64::INFINITY).unwrap();
    assert_eq!(f.value().unwrap(), Value::Float(f32::INFINITY));
    f.set_value(f64::NAN).unwrap();
    assert!(matches!(f.value().unwrap(), Value::Float(x) if x.is_nan()));

    let d = CData::new(&scalar(Scalar::Double)).unwrap();
    d.set_value(-0.0f64).unwrap();
    assert_eq!(d.to_bytes(), (-0.0f64).to_ne_bytes());
    d.set_value(u64::MAX).unwrap();
    assert_eq!(d.value().unwrap(), Value::Double(u64::MAX as f64));
    d.set_value(f64::MIN_POSITIVE / 4.0).unwrap();
    assert_eq!(d.to_bytes(), (f64::MIN_POSITIVE / 4.0).to_ne_bytes());
    assert_eq!(
        d.set_value(Value::Pointer(8)).unwrap_err().to_string(),
        "expected a number, found `Pointer(8)`"
    );
}

#[test]
fn long_double_bytes_match_c() {
    let values = [1.5, -0.1, 1e300, -2.0, 5e-324, 0.0];
    let mut program = String::from("#include <stdio.h>\nint main(void) {\n");
    for v in values {
        writeln!(
            program,
            "    {{ long double x = (long double)(double){v:e}; unsigned char *b = (unsigned char *)&x;\n      \
             for (int i = 0; i < (int)sizeof x; i++) printf(\"%02x\", b[i]); printf(\"\\n\"); }}"
        )
        .unwrap();
    }
    program.push_str("    return 0;\n}\n");
    let out = cc::compile_and_run("long_double", &program).expect("C program runs");
    // Only the meaningful bytes: x87 leaves the padding of a `long double` undefined.
    let meaningful = match Scalar::LongDouble.size() {
        16 if cfg!(target_arch = "x86_64") => 10,
        n => n,
    };
    let data = CData::new(&scalar(Scalar::LongDouble)).unwrap();
    for (v, line) in values.iter().zip(out.lines()) {
        let c_bytes: Vec<u8> = (0..line.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&line[i..i + 2], 16).unwrap())
            .collect();
        let ours = LongDouble::from_f64(*v).to_bytes();
        assert_eq!(ours[..meaningful], c_bytes[..meaningful], "{v}");
        data.set_value(*v).unwrap();
        assert_eq!(data.to_bytes()[..meaningful], c_bytes[..meaningful], "{v}");
        match data.value().unwrap() {
            Value::LongDouble(l) => assert_eq!(l.to_f64().to_bits(), v.to_bits()),
            other => panic!("{other:?}"),
        }
        // Reading the compiler's bytes gives the value back.
        let mut padded = [0u8; 16];
        padded[..meaningful].copy_from_slice(&c_bytes[..meaningful]);
        assert_eq!(
            LongDouble::from_bytes(padded).to_f64().to_bits(),
            v.to_bits()
        );
    }
}
