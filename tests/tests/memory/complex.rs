//! Complex values in memory: the bytes C stores for them, in both byte orders.

use ctypes_core::Complex;

use super::*;

#[test]
fn complex_members_hold_the_bytes_c_stores_in_both_byte_orders() {
    let program = r#"#include <stdio.h>
#include <string.h>
#define DUMP(v) do { unsigned char bytes_[sizeof v]; memcpy(bytes_, &v, sizeof v); \
    for (unsigned i = 0; i < sizeof v; i++) printf("%02x", bytes_[i]); printf("\n"); } while (0)
struct le { char c; float _Complex f; double _Complex d; long double _Complex l; };
struct __attribute__((scalar_storage_order("big-endian"))) be { char c; float _Complex f; double _Complex d; };
int main(void) {
    struct le a; memset(&a, 0, sizeof a);
    a.f = __builtin_complex(1.5f, -2.0f); a.d = __builtin_complex(0.1, 1e300);
    a.l = __builtin_complex(3.0L, -0.25L);
    struct be b; memset(&b, 0, sizeof b);
    b.f = __builtin_complex(1.5f, -2.0f); b.d = __builtin_complex(0.1, 1e300);
    DUMP(a); DUMP(b);
    return 0;
}
"#;
    let out = cc::compile_and_run("complex_bytes", program).expect("C program runs");
    let lines: Vec<Vec<u8>> = out
        .lines()
        .map(|l| {
            (0..l.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&l[i..i + 2], 16).unwrap())
                .collect()
        })
        .collect();
    for (order, expected, with_long_double) in [
        (ByteOrder::Little, &lines[0], true),
        (ByteOrder::Big, &lines[1], false),
    ] {
        let mut builder = CType::struct_builder("")
            .byte_order(order)
            .field("c", scalar(Scalar::Char))
            .field("f", scalar(Scalar::FloatComplex))
            .field("d", scalar(Scalar::DoubleComplex));
        if with_long_double {
            builder = builder.field("l", scalar(Scalar::LongDoubleComplex));
        }
        let ty = builder.build().unwrap();
        assert_eq!(ty.size().unwrap(), expected.len(), "{order:?}");
        let data = CData::new(&ty).unwrap();
        data.set("f", Complex::new(1.5f32, -2.0)).unwrap();
        data.set("d", Complex::new(0.1, 1e300)).unwrap();
        if with_long_double {
            let l = Complex::new(LongDouble::from_f64(3.0), LongDouble::from_f64(-0.25));
            data.set("l", l).unwrap();
        }
        // The x87 padding (6 bytes after each part of the long double) is whatever C left.
        let bytes = data.to_bytes();
        let padding = |i: usize| with_long_double && (i % 16 >= 10) && i >= 48;
        for (i, (got, want)) in bytes.iter().zip(expected.iter()).enumerate() {
            if !padding(i) {
                assert_eq!(got, want, "{order:?}: byte {i}");
            }
        }
        // And back: the values read are those written.
        let read = CData::from_bytes(&ty, expected).unwrap();
        assert_eq!(
            read.get("f").unwrap(),
            Value::FloatComplex(Complex::new(1.5, -2.0))
        );
        assert_eq!(
            read.get("d").unwrap(),
            Value::DoubleComplex(Complex::new(0.1, 1e300))
        );
        assert_eq!(read.get("f").unwrap().to_string(), "1.5 - 2.0*I");
    }
    // A value that does not fit: a part out of `float`'s range; not a number at all.
    let f = CData::new(&scalar(Scalar::FloatComplex)).unwrap();
    let err = f
        .set_value(Value::DoubleComplex(Complex::new(1e300, 0.0)))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "value 1e300 + 0.0*I does not fit in `float _Complex`"
    );
    assert!(f.set_value(Value::Pointer(8)).is_err());
    assert!(f.set_value(Value::Bool(true)).is_err());
}
