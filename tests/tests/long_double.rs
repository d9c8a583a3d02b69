//! `c_longdouble` in the typed path: libm's `long double` functions through `c_library!`,
//! records holding one by value, `c_func!` callbacks of them called from C, and the value's
//! conversions and text against what C makes of the same bytes.
#![cfg(all(target_arch = "x86_64", unix))]

use std::ffi::{c_char, c_int, c_uchar, c_ulonglong, CStr};

use ctypes_core::{c_func, c_library, c_longdouble, CTyped};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

c_library! {
    #[library("m", "libm.so.6")]
    struct Libm {
        fn sqrtl(x: c_longdouble) -> c_longdouble;
        fn fabsl(x: c_longdouble) -> c_longdouble;
        fn ldexpl(x: c_longdouble, exp: c_int) -> c_longdouble;
        fn nextafterl(x: c_longdouble, y: c_longdouble) -> c_longdouble;
        /// Plain `double`s beside them: still through the function pointer.
        fn sqrt(x: f64) -> f64;
        #[errno]
        fn logl(x: c_longdouble) -> c_longdouble;
        #[optional]
        fn cbrtl(x: c_longdouble) -> c_longdouble;
    }
}

#[ctypes_core::c_struct]
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LdOnly {
    pub x: c_longdouble,
}

#[ctypes_core::c_struct]
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LdTagged {
    pub x: c_longdouble,
    pub n: c_int,
}

#[ctypes_core::c_struct]
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LdPair {
    pub d: f64,
    pub x: c_longdouble,
}

/// A pointer to a long double holds none by value.
#[ctypes_core::c_struct]
pub struct LdOnlyPtr {
    pub x: *mut c_longdouble,
}

c_func! {
    pub type LdStep = fn(c_longdouble, c_int) -> c_longdouble;
    pub type LdTaggedStep = fn(LdTagged) -> LdTagged;
}

c_library! {
    #[library("ctypes_fixture")]
    struct Fixture {
        fn ld_only_scale(v: LdOnly, k: c_longdouble) -> LdOnly;
        fn ld_tagged_next(v: LdTagged) -> LdTagged;
        fn ld_tagged_sum(v: LdTagged, w: LdOnly, k: c_int) -> c_longdouble;
        fn ld_pair_swap(p: LdPair) -> LdPair;
        fn ld_pair_size() -> usize;
        fn ld_pair_offset_x() -> usize;
        fn ld_bytes_of(mantissa: c_ulonglong, exp: c_int, out: *mut c_uchar);
        fn ld_text_of(mantissa: c_ulonglong, exp: c_int, out: *mut c_char, size: usize);
        fn ld_double_of(mantissa: c_ulonglong, exp: c_int) -> f64;
        fn ld_compare(m1: c_ulonglong, e1: c_int, m2: c_ulonglong, e2: c_int) -> c_int;
        fn ld_libm_reference(which: c_int, a: f64, b: f64, out: *mut c_uchar);
        fn ld_fold(f: LdStep, x: c_longdouble, n: c_int) -> c_longdouble;
        fn ld_fold_tagged(f: LdTaggedStep, x: c_longdouble) -> c_longdouble;
    }
}

fn fixture() -> Fixture {
    // SAFETY: the fixture has no initialisers; the declarations match long_double.c.
    unsafe { Fixture::load_from(&[env!("CTYPES_FIXTURE")]) }.expect("fixture loads")
}

fn libm() -> Libm {
    // SAFETY: libm's initialisers are the C library's; the declarations match math.h.
    unsafe { Libm::load() }.expect("libm loads")
}

/// The value's 10 meaningful bytes.
fn bits(x: c_longdouble) -> [u8; 10] {
    x.to_bytes()[..10].try_into().unwrap()
}

/// What C's libm gives for `which` (see `ld_libm_reference`).
fn reference(fixture: &Fixture, which: c_int, a: f64, b: f64) -> [u8; 10] {
    let mut out = [0u8; 16];
    // SAFETY: `out` has the 16 bytes the function writes.
    unsafe { fixture.ld_libm_reference(which, a, b, out.as_mut_ptr()) };
    out[..10].try_into().unwrap()
}

#[test]
fn libm_long_double_functions_give_what_c_gets() {
    let (m, fixture) = (libm(), fixture());
    let ld = c_longdouble::from;
    let mut rng = ChaCha8Rng::seed_from_u64(0x1d);
    let cases: usize = std::env::var("CTYPES_LD_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(200);
    for _ in 0..cases {
        let a: f64 = rng.gen_range(-1e6..1e6);
        let b: f64 = rng.gen_range(-1e6..1e6);
        let e: c_int = rng.gen_range(-200..200);
        // SAFETY: the libm functions take any value.
        unsafe {
            assert_eq!(
                bits(m.sqrtl(ld(a.abs()))),
                reference(&fixture, 0, a.abs(), 0.0),
                "sqrtl({a})"
            );
            assert_eq!(
                bits(m.fabsl(ld(a))),
                reference(&fixture, 1, a, 0.0),
                "fabsl({a})"
            );
            assert_eq!(
                bits(m.ldexpl(ld(a), e)),
                reference(&fixture, 2, a, f64::from(e))
            );
            assert_eq!(
                bits(m.nextafterl(ld(a), ld(b))),
                reference(&fixture, 3, a, b)
            );
        }
    }
}

#[test]
fn long_double_results_keep_what_a_double_cannot() {
    let m = libm();
    let one = c_longdouble::from(1.0);
    // SAFETY: the libm functions take any value.
    let (next, root, plain) = unsafe {
        (
            m.nextafterl(one, c_longdouble::from(2.0)),
            m.sqrtl(c_longdouble::from(2.0)),
            m.sqrt(2.0),
        )
    };
    // 1 + 2^-63: the integer bit and the last mantissa bit, exponent 16383.
    assert_eq!(bits(next), [1, 0, 0, 0, 0, 0, 0, 0x80, 0xff, 0x3f]);
    assert_ne!(next, one);
    assert!(next > one && next < c_longdouble::from(1.0 + f64::EPSILON));
    assert_eq!(next.to_f64(), 1.0);
    assert_eq!(next.to_f64_exact(), None);
    assert_eq!(next.to_string(), "1.00000000000000000011");
    // sqrt(2) to 64 bits is not sqrt(2) to 53; rounded, it is.
    assert_ne!(root, c_longdouble::from(plain));
    assert_eq!(root.to_f64(), plain);
    assert_eq!(root.to_string(), "1.41421356237309504876");
    // A signature of doubles only still calls through the pointer, and `errno` comes back.
    // SAFETY: `logl` takes any value.
    let (log, errno) = unsafe { m.logl(c_longdouble::from(-1.0)) };
    assert!(log.is_nan());
    assert_eq!(errno, libc::EDOM);
    // SAFETY: as above.
    let cube = unsafe { m.cbrtl(c_longdouble::from(27.0)) };
    assert_eq!(cube.map(c_longdouble::to_f64), Some(3.0));
}

#[test]
fn records_holding_a_long_double_cross_by_value() {
    let fixture = fixture();
    // SAFETY: the fixture's functions take any values.
    unsafe {
        assert_eq!(fixture.ld_pair_size(), size_of::<LdPair>());
        assert_eq!(fixture.ld_pair_offset_x(), std::mem::offset_of!(LdPair, x));
        let next = one_plus_ulp();
        let scaled = fixture.ld_only_scale(LdOnly { x: next }, c_longdouble::from(4.0));
        assert_eq!(bits(scaled.x), [1, 0, 0, 0, 0, 0, 0, 0x80, 0x01, 0x40]);
        let tagged = fixture.ld_tagged_next(LdTagged {
            x: c_longdouble::from(2.5),
            n: 7,
        });
        assert_eq!(
            tagged,
            LdTagged {
                x: c_longdouble::from(8.5),
                n: 8
            }
        );
        let sum = fixture.ld_tagged_sum(
            LdTagged { x: next, n: 0 },
            LdOnly {
                x: c_longdouble::from(0.25),
            },
            2,
        );
        // (1 + 2^-63) + 0.25·2 + 0 is 1.5 + 2^-63: more than a double holds.
        assert_eq!(bits(sum), [1, 0, 0, 0, 0, 0, 0, 0xc0, 0xff, 0x3f]);
        assert_eq!(sum.to_f64(), 1.5);
        assert_eq!(sum.to_f64_exact(), None);
        let swapped = fixture.ld_pair_swap(LdPair {
            d: 0.25,
            x: c_longdouble::from(-3.0),
        });
        assert_eq!(swapped.d, -3.0);
        assert_eq!(swapped.x.to_string(), "0.250000000000000000867");
    }
    const {
        assert!(
            LdTagged::NEEDS_RUNTIME_CALL
                && LdPair::NEEDS_RUNTIME_CALL
                && !LdOnlyPtr::NEEDS_RUNTIME_CALL
        )
    };
    assert_eq!(LdPair::c_type().to_string(), "struct LdPair");
}

/// 1 + 2^-63, made from its bytes.
fn one_plus_ulp() -> c_longdouble {
    let mut bytes = c_longdouble::from(1.0).to_bytes();
    bytes[0] = 1;
    c_longdouble::from_bytes(bytes)
}

#[test]
fn callbacks_of_long_doubles_called_from_c() {
    let fixture = fixture();
    let step =
        LdStep::callback(|x, i| c_longdouble::from(x.to_f64() * 2.0 + f64::from(i))).unwrap();
    // SAFETY: `ld_fold` calls `f(x + i, i)` for i in 0..n.
    let folded = unsafe { fixture.ld_fold(step.get(), c_longdouble::from(0.5), 4) };
    // Σ 2(0.5 + i) + i for i in 0..4.
    assert_eq!(
        folded.to_f64_exact(),
        Some(
            (0..4)
                .map(|i| 2.0 * (0.5 + f64::from(i)) + f64::from(i))
                .sum()
        )
    );
    // The same callback, called from Rust through the engine.
    // SAFETY: a live callback of this type.
    let direct = unsafe { step.get().call(c_longdouble::from(1.25), 2) };
    assert_eq!(direct, c_longdouble::from(4.5));

    let tagged = LdTaggedStep::callback(|v| LdTagged {
        x: c_longdouble::from(v.x.to_f64() * 10.0),
        n: v.n + 1,
    })
    .unwrap();
    // SAFETY: `ld_fold_tagged` applies `f` twice to `{x, 1}` and adds the fields.
    let folded = unsafe { fixture.ld_fold_tagged(tagged.get(), c_longdouble::from(0.125)) };
    assert_eq!(folded, c_longdouble::from(12.5 + 3.0));
}

#[test]
fn text_and_rounding_agree_with_c() {
    let fixture = fixture();
    let mut rng = ChaCha8Rng::seed_from_u64(0x7e);
    let cases: usize = std::env::var("CTYPES_LD_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(300);
    let mut previous: Option<(u64, c_int)> = None;
    for case in 0..cases {
        // Every binade: subnormal long doubles and results that round to double subnormals
        // or overflow included.
        let mantissa: u64 = match case % 4 {
            0 => rng.gen(),
            1 => rng.gen::<u64>() | (1 << 63),
            2 => (rng.gen::<u64>() >> 11) << 11,
            _ => rng.gen::<u64>() & 0xffff,
        };
        let exp: c_int = match case % 3 {
            0 => rng.gen_range(-16500..16320),
            1 => rng.gen_range(-1150..1030),
            _ => rng.gen_range(-70..70),
        };
        let mut bytes = [0u8; 16];
        let mut text = [0 as c_char; 64];
        // SAFETY: the buffers have the sizes the functions write.
        let double = unsafe {
            fixture.ld_bytes_of(mantissa, exp, bytes.as_mut_ptr());
            fixture.ld_text_of(mantissa, exp, text.as_mut_ptr(), text.len());
            fixture.ld_double_of(mantissa, exp)
        };
        // SAFETY: `snprintf` wrote a NUL-terminated string.
        let text = unsafe { CStr::from_ptr(text.as_ptr()) }.to_str().unwrap();
        let x = c_longdouble::from_bytes(bytes);
        assert_eq!(x.to_string(), text, "{mantissa:#x} * 2^{exp}");
        assert_eq!(
            x.to_f64().to_bits(),
            double.to_bits(),
            "{mantissa:#x} * 2^{exp}"
        );
        assert_eq!(x, x);
        let exact = c_longdouble::from(double) == x;
        assert_eq!(x.to_f64_exact().is_some(), exact, "{mantissa:#x} * 2^{exp}");
        assert_eq!(x.to_bytes(), bytes);
        // Ordered as C orders them: against a value differing in the last mantissa bit, or
        // against the previous case's.
        let (m2, e2) = match previous {
            Some(other) if case % 2 == 1 => other,
            _ => (mantissa ^ 1, exp),
        };
        let mut other = [0u8; 16];
        // SAFETY: `other` has the 16 bytes the function writes.
        let c_order = unsafe {
            fixture.ld_bytes_of(m2, e2, other.as_mut_ptr());
            fixture.ld_compare(mantissa, exp, m2, e2)
        };
        let ours = x.partial_cmp(&c_longdouble::from_bytes(other));
        assert_eq!(
            ours.map(|o| o as c_int),
            Some(c_order),
            "{mantissa:#x} * 2^{exp} vs {m2:#x} * 2^{e2}"
        );
        previous = Some((mantissa, exp));
    }
}

#[test]
fn equality_is_the_floating_point_one() {
    let zero = c_longdouble::from(0.0);
    assert_eq!(zero, c_longdouble::from(-0.0));
    let nan = c_longdouble::from(f64::NAN);
    assert!(nan.is_nan());
    assert_ne!(nan, nan);
    // Padding bytes do not count.
    let mut bytes = c_longdouble::from(1.5).to_bytes();
    bytes[12] = 0xab;
    assert_eq!(c_longdouble::from_bytes(bytes), c_longdouble::from(1.5));
    // An unnormal (exponent set, integer bit clear) is no number.
    let mut bytes = c_longdouble::from(1.5).to_bytes();
    bytes[7] &= 0x7f;
    assert!(c_longdouble::from_bytes(bytes).is_nan());
    assert_eq!(
        format!("{:?}", c_longdouble::from(-2.5)),
        "LongDouble(-2.5)"
    );
    assert_eq!(
        (size_of::<c_longdouble>(), align_of::<c_longdouble>()),
        (16, 16)
    );
}
