//! Property tests of the memory objects: integer range checks, bit-field isolation in both byte
//! orders, and `long double` conversions.

use core::ffi::{
    c_char, c_int, c_long, c_longlong, c_schar, c_short, c_uchar, c_uint, c_ulong, c_ulonglong,
    c_ushort,
};

use ctypes_core::{ByteOrder, CData, CType, LongDouble, Scalar, Value};
use proptest::prelude::*;

/// The range of each integer scalar, from Rust's own C types (not from `ctypes-core`).
fn rust_range(s: Scalar) -> Option<(i128, i128)> {
    macro_rules! r {
        ($t:ty) => {
            Some((<$t>::MIN as i128, <$t>::MAX as i128))
        };
    }
    match s {
        Scalar::Bool => Some((0, 1)),
        Scalar::Char => r!(c_char),
        Scalar::SChar => r!(c_schar),
        Scalar::UChar => r!(c_uchar),
        Scalar::Short => r!(c_short),
        Scalar::UShort => r!(c_ushort),
        Scalar::Int => r!(c_int),
        Scalar::UInt => r!(c_uint),
        Scalar::Long => r!(c_long),
        Scalar::ULong => r!(c_ulong),
        Scalar::LongLong => r!(c_longlong),
        Scalar::ULongLong => r!(c_ulonglong),
        Scalar::Int8 => r!(i8),
        Scalar::UInt8 => r!(u8),
        Scalar::Int16 => r!(i16),
        Scalar::UInt16 => r!(u16),
        Scalar::Int32 => r!(i32),
        Scalar::UInt32 => r!(u32),
        Scalar::Int64 => r!(i64),
        Scalar::UInt64 => r!(u64),
        Scalar::SizeT | Scalar::UintptrT => r!(usize),
        Scalar::SSizeT | Scalar::PtrdiffT | Scalar::IntptrT => r!(isize),
        // 64-bit Linux; `every_scalar_has_the_size_alignment_and_signedness_of_c` checks these
        // against the compiler.
        Scalar::TimeT => r!(i64),
        Scalar::WcharT => r!(i32),
        _ => None,
    }
}

fn integer_scalars() -> Vec<Scalar> {
    Scalar::ALL
        .into_iter()
        .filter(|&s| rust_range(s).is_some())
        .collect()
}

/// A number that a `Value` can hold: near the type's limits or anywhere.
fn number(min: i128, max: i128) -> impl Strategy<Value = i128> {
    let edge = prop_oneof![Just(min), Just(max), Just(0i128), Just(-1i128)];
    prop_oneof![
        (edge, -3i128..=3).prop_map(|(e, d)| e + d),
        any::<i64>().prop_map(i128::from),
        any::<u64>().prop_map(i128::from),
    ]
    .prop_filter("a Value holds it", |&n| {
        n >= i128::from(i64::MIN) && n <= i128::from(u64::MAX)
    })
}

fn as_value(n: i128) -> Value {
    match i64::try_from(n) {
        Ok(i) => Value::Int(i),
        Err(_) => Value::UInt(n as u64),
    }
}

fn scalar_and_number() -> impl Strategy<Value = (Scalar, i128)> {
    prop::sample::select(integer_scalars()).prop_flat_map(|s| {
        let (min, max) = rust_range(s).unwrap();
        (Just(s), number(min, max))
    })
}

fn low_bytes(n: i128, size: usize, order: ByteOrder) -> Vec<u8> {
    let mut le = (n as u128).to_le_bytes()[..size].to_vec();
    if order == ByteOrder::Big {
        le.reverse();
    }
    le
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn integers_round_trip_in_range_and_are_refused_outside(
        (s, n) in scalar_and_number(),
        big in any::<bool>(),
    ) {
        let (min, max) = rust_range(s).unwrap();
        let order = if big { ByteOrder::Big } else { ByteOrder::Little };
        let rec = CType::struct_builder("holder")
            .field("pad", CType::scalar(Scalar::Char))
            .field("v", CType::scalar(s))
            .byte_order(order)
            .build()
            .unwrap();
        let data = CData::new(&rec).unwrap();
        let v = data.field("v").unwrap();
        let size = v.size();
        // A marker value first, to see that a refused write changes nothing.
        v.set_value(1).unwrap();
        let before = data.to_bytes();
        let result = v.set_value(as_value(n));
        if (min..=max).contains(&n) {
            prop_assert!(result.is_ok(), "{s} refused {n}: {result:?}");
            let back = v.value().unwrap();
            let expected = match s {
                Scalar::Bool => Value::Bool(n == 1),
                _ if min < 0 => Value::Int(n as i64),
                _ => Value::UInt(n as u64),
            };
            prop_assert_eq!(back, expected);
            prop_assert_eq!(v.to_bytes(), low_bytes(n, size, order));
        } else {
            let err = result.unwrap_err().to_string();
            prop_assert_eq!(err, format!("value {n} does not fit in `{}`", s.c_name()));
            prop_assert_eq!(data.to_bytes(), before);
        }
    }

    #[test]
    fn wrapping_writes_reduce_modulo_the_width((s, n) in scalar_and_number()) {
        prop_assume!(s != Scalar::Bool);
        let (min, max) = rust_range(s).unwrap();
        let data = CData::new(&CType::scalar(s)).unwrap();
        data.set_value_wrapping(as_value(n)).unwrap();
        let modulus = max - min + 1;
        let mut wrapped = (n - min).rem_euclid(modulus) + min;
        if wrapped > max {
            wrapped -= modulus;
        }
        let expected = if min < 0 { Value::Int(wrapped as i64) } else { Value::UInt(wrapped as u64) };
        prop_assert_eq!(data.value().unwrap(), expected);
    }
}

/// One bit-field of a random record.
#[derive(Clone, Debug)]
struct BitSpec {
    scalar: Scalar,
    width: u32,
    /// An ordinary (non-bit) field of the same type instead.
    plain: bool,
}

fn bit_spec() -> impl Strategy<Value = BitSpec> {
    let types = vec![
        Scalar::Bool,
        Scalar::Char,
        Scalar::UChar,
        Scalar::Short,
        Scalar::UShort,
        Scalar::Int,
        Scalar::UInt,
        Scalar::LongLong,
        Scalar::ULongLong,
    ];
    (
        prop::sample::select(types),
        any::<prop::sample::Index>(),
        prop::bool::weighted(0.15),
    )
        .prop_map(|(scalar, w, plain)| {
            let max = if scalar == Scalar::Bool {
                1
            } else {
                scalar.size() * 8
            };
            BitSpec {
                scalar,
                width: w.index(max) as u32 + 1,
                plain,
            }
        })
}

/// The bit at allocation position `p` as (byte, mask): little-endian records allocate from the
/// least significant bit of each byte, big-endian ones from the most significant.
fn bit_mask(p: u64, order: ByteOrder) -> (usize, u8) {
    let within = (p % 8) as u8;
    let shift = match order {
        ByteOrder::Little => within,
        ByteOrder::Big => 7 - within,
    };
    ((p / 8) as usize, 1 << shift)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn writing_one_bit_field_changes_no_other(
        specs in prop::collection::vec(bit_spec(), 1..10),
        big in any::<bool>(),
        pack in prop::option::of(prop::sample::select(vec![1usize, 2, 4])),
        fill in prop::collection::vec(any::<u8>(), 128),
        target in any::<prop::sample::Index>(),
        new_value in any::<i64>(),
    ) {
        let order = if big { ByteOrder::Big } else { ByteOrder::Little };
        let mut builder = CType::struct_builder("random_bits").byte_order(order);
        if let Some(p) = pack {
            builder = builder.pack(p);
        }
        for (i, spec) in specs.iter().enumerate() {
            let name = format!("f{i}");
            let ty = CType::scalar(spec.scalar);
            builder = if spec.plain {
                builder.field(&name, ty)
            } else {
                builder.bit_field(&name, ty, spec.width)
            };
        }
        let rec = builder.build().unwrap();
        let size = rec.size().unwrap();
        prop_assume!(size <= fill.len());
        let data = CData::from_bytes(&rec, &fill[..size]).unwrap();
        let before: Vec<Value> = (0..specs.len())
            .map(|i| data.field_at(i).unwrap().value().unwrap())
            .collect();
        let bytes_before = data.to_bytes();

        let t = target.index(specs.len());
        let spec = &specs[t];
        let field = data.field_at(t).unwrap();
        field.set_value_wrapping(new_value).unwrap();

        // The written field reads back the value reduced to its width.
        let bits = if spec.plain { spec.scalar.size() as u32 * 8 } else { spec.width };
        let expected = if spec.scalar == Scalar::Bool {
            Value::Bool(new_value != 0)
        } else {
            let raw = (new_value as u128) & ((1u128 << bits) - 1);
            let signed = rust_range(spec.scalar).unwrap().0 < 0;
            if signed && raw >> (bits - 1) == 1 {
                Value::Int((raw as i128 - (1i128 << bits)) as i64)
            } else if signed {
                Value::Int(raw as i64)
            } else {
                Value::UInt(raw as u64)
            }
        };
        prop_assert_eq!(field.value().unwrap(), expected);
        // Every other field reads as before.
        for (i, old) in before.iter().enumerate() {
            if i != t {
                prop_assert_eq!(&data.field_at(i).unwrap().value().unwrap(), old, "field f{}", i);
            }
        }
        // And no bit outside the written field changed.
        let def = rec.as_record().unwrap().definition().unwrap();
        let start = def.fields()[t].bit_position();
        let mut allowed = vec![0u8; size];
        for p in start..start + u64::from(bits) {
            let (byte, mask) = if spec.plain {
                // An ordinary field owns its whole bytes.
                ((p / 8) as usize, 0xff)
            } else {
                bit_mask(p, order)
            };
            allowed[byte] |= mask;
        }
        let after = data.to_bytes();
        for i in 0..size {
            prop_assert_eq!(
                (after[i] ^ bytes_before[i]) & !allowed[i], 0,
                "byte {} changed outside field f{}", i, t
            );
        }
    }

    #[test]
    fn long_double_round_trips_every_f64(bits in any::<u64>()) {
        let x = f64::from_bits(bits);
        let back = LongDouble::from_f64(x).to_f64();
        if x.is_nan() {
            prop_assert!(back.is_nan());
        } else {
            prop_assert_eq!(back.to_bits(), x.to_bits());
        }
        // Through memory too.
        let data = CData::new(&CType::scalar(Scalar::LongDouble)).unwrap();
        data.set_value(x).unwrap();
        let read = data.value().unwrap().as_f64().unwrap();
        prop_assert!(read.to_bits() == x.to_bits() || (x.is_nan() && read.is_nan()));
    }
}

/// `long double` against the C compiler: the bytes of `(long double)x`, and the `double` nearest
/// to `(long double)x / 3` and `* 3`, values no `f64` holds.
#[test]
fn long_double_conversions_match_c() {
    use rand::{Rng, SeedableRng};
    use std::fmt::Write as _;

    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(0x1d0b_1e00);
    let mut xs: Vec<f64> = (0..300)
        .map(|_| f64::from_bits(rng.gen()))
        .filter(|x| !x.is_nan())
        .collect();
    xs.extend([
        0.0,
        -0.0,
        1.0,
        f64::MAX,
        f64::MIN_POSITIVE,
        5e-324,
        1e-310,
        f64::INFINITY,
    ]);
    // Small exponents, where a third lands among the subnormals.
    xs.extend((0..100).map(|_| f64::from_bits(rng.gen_range(0..0x0030_0000_0000_0000u64))));
    let mut program = String::from(
        "#include <stdio.h>\n#include <string.h>\n#include <stdint.h>\n\
         static void show(long double v) {\n\
             unsigned char b[sizeof v]; memcpy(b, &v, sizeof v);\n\
             for (int i = 0; i < 10 && i < (int)sizeof v; i++) printf(\"%02x\", b[i]);\n\
             double d = (double)v; uint64_t u; memcpy(&u, &d, 8); printf(\" %016llx\\n\", (unsigned long long)u);\n\
         }\nint main(void) {\n",
    );
    for x in &xs {
        writeln!(
            program,
            "    {{ uint64_t u = {:#x}ULL; double x; memcpy(&x, &u, 8); long double l = x; \
             show(l); show(l / 3); show(l * 3); }}",
            x.to_bits()
        )
        .unwrap();
    }
    program.push_str("    return 0;\n}\n");
    let out = ctypes_tests::cc::compile_and_run("long_double_ops", &program).expect("C runs");
    let meaningful = LongDouble::SIZE.min(10);
    let mut lines = out.lines();
    for x in &xs {
        for what in ["x", "x / 3", "x * 3"] {
            let line = lines.next().expect("one line per value");
            let (hex, double) = line.split_once(' ').unwrap();
            let mut bytes = [0u8; 16];
            for (i, b) in bytes.iter_mut().enumerate().take(meaningful) {
                *b = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap();
            }
            let c_double = u64::from_str_radix(double, 16).unwrap();
            if what == "x" {
                assert_eq!(
                    LongDouble::from_f64(*x).to_bytes()[..meaningful],
                    bytes[..meaningful],
                    "(long double){x:e}"
                );
            }
            let ours = LongDouble::from_bytes(bytes).to_f64();
            assert!(
                ours.to_bits() == c_double || (ours.is_nan() && f64::from_bits(c_double).is_nan()),
                "(double)({what}) for x = {x:e}: ours {ours:e} ({:#x}), C {:e} ({c_double:#x})",
                ours.to_bits(),
                f64::from_bits(c_double)
            );
        }
    }
}
