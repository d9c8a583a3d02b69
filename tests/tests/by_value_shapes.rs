//! Records by value whose shape is unusual (`c/shapes.c`): a record that is exactly a `long
//! double`, members of size zero however long, records far over 16 bytes, unnamed bit-fields.
//! Each either calls C exactly as C calls it, checked against values computed on the C side,
//! or is refused when the callback is made (calls on x86-64 System V take the project's call
//! engine, which passes every shape; through libffi, and on other targets, a shape libffi cannot
//! pass is refused).

use std::time::{Duration, Instant};

use ctypes_core::{
    Arg, CData, CType, CValue, CallPath, Callback, Function, Library, Scalar, Signature, Value,
};
use ctypes_tests::fixture::{func, int, library, sig, t};

/// Calls `f` with `args`, which must succeed.
fn call(f: &Function, args: &[Arg<'_>]) -> CValue {
    // SAFETY: every signature in these tests is the C declaration of the fixture function.
    unsafe { f.call(args) }.unwrap_or_else(|e| panic!("calling `{}`: {e}", f.name()))
}

/// The error message of making `name` with this signature, which must fail.
fn refusal(lib: &Library, name: &str, signature: Signature) -> String {
    match lib.function(name, signature) {
        Ok(_) => panic!("`{name}` was accepted"),
        Err(e) => e.to_string(),
    }
}

fn structure(tag: &str, fields: &[(&str, CType)]) -> CType {
    fields
        .iter()
        .fold(CType::struct_builder(tag), |b, (name, ty)| {
            b.field(name, ty.clone())
        })
        .build()
        .expect("struct definition")
}

fn long() -> CType {
    t(Scalar::Long)
}

fn double() -> CType {
    t(Scalar::Double)
}

fn float() -> CType {
    t(Scalar::Float)
}

// ---------------------------------------------------------------------------------------------
// A record that is exactly a long double

fn ld1() -> CType {
    structure("LD1", &[("x", t(Scalar::LongDouble))])
}

fn ld1n(ld1: &CType) -> CType {
    structure("LD1N", &[("in", ld1.clone())])
}

/// Whether calls take the project's call engine (x86-64 System V), which passes every shape
/// as C does; elsewhere libffi refuses the shapes it cannot pass exactly.
fn on_the_engine() -> bool {
    cfg!(all(
        target_arch = "x86_64",
        target_pointer_width = "64",
        unix,
        not(target_os = "cygwin")
    ))
}

/// `name` made with `signature`: on the engine, made, and refused through libffi with
/// `reason` at the call (`args`); elsewhere refused with `reason` when made.
fn made_on_the_engine(
    lib: &Library,
    name: &str,
    signature: Signature,
    args: &[Arg<'_>],
    reason: &str,
) -> Option<Function> {
    if !on_the_engine() {
        assert_eq!(refusal(lib, name, signature), reason);
        return None;
    }
    let f = lib
        .function(name, signature)
        .unwrap_or_else(|e| panic!("making `{name}`: {e}"));
    assert_eq!(f.call_path(), CallPath::Engine);
    // SAFETY: refused before the call.
    let err = unsafe { f.clone().through_libffi().call(args) }.unwrap_err();
    assert_eq!(err.to_string(), reason);
    Some(f)
}

#[test]
fn long_double_record_results_come_back_in_st0() {
    let lib = library();
    let ld1 = ld1();
    for (name, ty, path) in [
        ("ld1_make", ld1.clone(), "x"),
        ("ld1n_make", ld1n(&ld1), "in.x"),
    ] {
        let reason = format!(
            "cannot call `{name}`: `{ty}` cannot be returned by value: it holds a long \
             double, so C returns it in the x87 register st0, where libffi does not look for a \
             record"
        );
        let Some(f) = made_on_the_engine(&lib, name, sig(&[double()], ty), &[2.5.into()], &reason)
        else {
            continue;
        };
        let CValue::Data(made) = call(&f, &[2.5.into()]) else {
            panic!("a record result");
        };
        assert_eq!(made.get(path).unwrap().as_f64(), Some(2.5), "{name}");
    }
    // A callback returns it in `st0` too, on its own trampoline; a libffi closure cannot.
    let ld1_for_make = ld1.clone();
    let make = move |args: &[CValue]| {
        let made = CData::new(&ld1_for_make).unwrap();
        made.set("x", 2.0 * args[0].as_f64().unwrap()).unwrap();
        CValue::Data(made)
    };
    let callback = Callback::new(sig(&[double()], ld1.clone()), make.clone()).unwrap();
    let from_callback = func(
        &lib,
        "ld1_from_callback",
        &[callback.function_pointer_type(), double()],
        double(),
    );
    let r = call(&from_callback, &[(&callback).into(), 1.25.into()]);
    assert_eq!(r.as_f64(), Some(3.5));
    let Err(err) = Callback::new_through_libffi(sig(&[double()], ld1.clone()), make) else {
        panic!("a libffi closure returning `struct LD1` was accepted");
    };
    assert_eq!(
        err.to_string(),
        "cannot call `callback`: `struct LD1` cannot be returned by value: it holds a long \
         double, so C returns it in the x87 register st0, where libffi does not look for a record"
    );
}

#[test]
fn long_double_records_are_passed_in_memory() {
    let lib = library();
    let ld1 = ld1();
    let ld1n = ld1n(&ld1);
    let take = func(&lib, "ld1_take", std::slice::from_ref(&ld1), double());
    let s = CData::new(&ld1).unwrap();
    s.set("x", 3.25f64).unwrap();
    assert_eq!(call(&take, &[(&s).into()]).as_f64(), Some(6.5));

    let mixed = func(
        &lib,
        "ld1_mixed",
        &[int(), ld1.clone(), double(), ld1n.clone(), long()],
        double(),
    );
    let n = CData::new(&ld1n).unwrap();
    n.set("in.x", 4.0f64).unwrap();
    s.set("x", 2.0f64).unwrap();
    let got = call(
        &mixed,
        &[
            1.into(),
            (&s).into(),
            3.0f64.into(),
            (&n).into(),
            5i64.into(),
        ],
    );
    assert_eq!(got.as_f64(), Some(1.0 + 20.0 + 300.0 + 4000.0 + 50000.0));
}

#[test]
fn callbacks_take_long_double_records() {
    let lib = library();
    let ld1 = ld1();
    let cb = Callback::new(sig(std::slice::from_ref(&ld1), double()), |args| {
        let s = args[0].clone().into_data().expect("a record");
        let x = s.get("x").unwrap().as_f64().unwrap();
        CValue::Value((x * 3.0).into())
    })
    .unwrap();
    let f = func(
        &lib,
        "ld1_call",
        &[cb.function_pointer_type(), double()],
        double(),
    );
    assert_eq!(call(&f, &[(&cb).into(), 2.5f64.into()]).as_f64(), Some(8.5));
}

#[test]
fn long_double_records_over_16_bytes_go_both_ways_in_memory() {
    let lib = library();
    let ldi = structure("LDI", &[("x", t(Scalar::LongDouble)), ("i", int())]);
    let make = func(&lib, "ldi_make", &[double(), int()], ldi.clone());
    let out = call(&make, &[1.5f64.into(), 41.into()])
        .into_data()
        .expect("a record");
    assert_eq!(out.get("x").unwrap().as_f64(), Some(6.0));
    assert_eq!(out.get("i").unwrap().as_i64(), Some(42));
    let sum = func(&lib, "ldi_sum", std::slice::from_ref(&ldi), double());
    assert_eq!(call(&sum, &[(&out).into()]).as_f64(), Some(48.0));
}

// ---------------------------------------------------------------------------------------------
// Members of size zero

fn empty() -> CType {
    CType::struct_builder("empty").build().unwrap()
}

/// Makes `name` (`T name(int)` in C), calls it with `x` and returns the result's `x`, then passes
/// a record with `x` set to `y` to `take` (`int take(T)`) and returns what C computed.
fn round_trip(ty: &CType, make: &str, take: &str, x: i32, y: i32) -> (i64, i64) {
    let lib = library();
    let made = func(&lib, make, &[int()], ty.clone());
    let out = call(&made, &[x.into()]).into_data().expect("a record");
    let taken = func(&lib, take, std::slice::from_ref(ty), int());
    let s = CData::new(ty).unwrap();
    s.set("x", y).unwrap();
    let got = call(&taken, &[(&s).into()]).as_i64().unwrap();
    (out.get("x").unwrap().as_i64().unwrap(), got)
}

#[test]
fn a_huge_array_of_empty_records_is_left_out() {
    let e = empty().array(1 << 40).unwrap();
    let z1 = structure("Z1", &[("e", e), ("x", int())]);
    assert_eq!(z1.size().unwrap(), 4);
    let start = Instant::now();
    assert_eq!(round_trip(&z1, "z1_make", "z1_take", 5, 7), (12, 21));
    assert!(start.elapsed() < Duration::from_secs(10));
}

#[test]
fn a_huge_array_of_size_zero_is_left_out() {
    // `int z[1 << 40][1 << 40][0]` in C.
    let z = int()
        .array(0)
        .unwrap()
        .array(1 << 40)
        .unwrap()
        .array(1 << 40)
        .unwrap();
    let z2 = structure("Z2", &[("z", z), ("x", int())]);
    assert_eq!(z2.size().unwrap(), 4);
    assert_eq!(round_trip(&z2, "z2_make", "z2_take", 5, 7), (3, 35));
}

#[test]
fn an_aligned_member_of_size_zero_pads_the_record() {
    let lib = library();
    // `struct { char c; int z[0]; }`: four bytes, aligned to 4, one eightbyte of class INTEGER.
    let z3 = structure(
        "Z3",
        &[("c", t(Scalar::Char)), ("z", int().array(0).unwrap())],
    );
    assert_eq!((z3.size().unwrap(), z3.align().unwrap()), (4, 4));
    let make = func(&lib, "z3_make", &[t(Scalar::Char)], z3.clone());
    let out = call(&make, &[Arg::Typed(t(Scalar::Char), 9i8.into())])
        .into_data()
        .expect("a record");
    assert_eq!(out.get("c").unwrap().as_i64(), Some(10));
    let take = func(&lib, "z3_take", &[z3.clone(), int()], int());
    let s = CData::new(&z3).unwrap();
    s.set("c", 3i8).unwrap();
    assert_eq!(call(&take, &[(&s).into(), 4.into()]).as_i64(), Some(304));
}

#[test]
fn empty_members_between_floats_leave_them_in_sse_registers() {
    let lib = library();
    let e = empty().array(3).unwrap();
    let z4 = structure("Z4", &[("f", float()), ("e", e), ("g", float())]);
    let make = func(&lib, "z4_make", &[float()], z4.clone());
    let out = call(&make, &[1.5f32.into()]).into_data().expect("a record");
    assert_eq!(out.get("f").unwrap().as_f64(), Some(1.5));
    assert_eq!(out.get("g").unwrap().as_f64(), Some(3.0));
    let take = func(&lib, "z4_take", &[z4.clone(), double()], double());
    assert_eq!(
        call(&take, &[(&out).into(), 2.0f64.into()]).as_f64(),
        Some(1.5 + 30.0 + 200.0)
    );
}

// ---------------------------------------------------------------------------------------------
// Records far over 16 bytes

#[test]
fn a_64_kib_record_goes_both_ways() {
    let lib = library();
    let big = structure(
        "BIG",
        &[
            ("head", int()),
            ("c", t(Scalar::UChar).array(1 << 16).unwrap()),
            ("tail", int()),
        ],
    );
    assert_eq!(big.size().unwrap(), 65544);
    let make = func(&lib, "big_make", &[int()], big.clone());
    let out = call(&make, &[3.into()]).into_data().expect("a record");
    assert_eq!(out.get("head").unwrap().as_i64(), Some(3));
    assert_eq!(out.get("tail").unwrap().as_i64(), Some(-3));
    assert_eq!(
        out.get("c[1000]").unwrap().as_i64(),
        Some((7003 % 256) as i64)
    );
    let sum = func(&lib, "big_sum", &[int(), big.clone(), double()], long());
    let expected: i64 = (0..1 << 16)
        .map(|i: i64| ((i * 7 + 3) % 256) * (i % 13))
        .sum::<i64>()
        + 3000
        - 300_000
        + 10 * 9
        + 2;
    assert_eq!(
        call(&sum, &[9.into(), (&out).into(), 2.5f64.into()]).as_i64(),
        Some(expected)
    );
}

#[test]
fn a_record_of_a_gigabyte_is_described_at_once() {
    // Described by its size and alignment alone: making the function neither loops over nor
    // allocates for each of its bytes. (Passing it would overflow any thread's stack.)
    let lib = library();
    let huge = structure(
        "HUGE",
        &[("c", t(Scalar::Char).array(1 << 30).unwrap()), ("x", int())],
    );
    let start = Instant::now();
    func(&lib, "big_sum", &[int(), huge.clone(), double()], long());
    func(&lib, "big_make", &[int()], huge);
    assert!(start.elapsed() < Duration::from_secs(10));
}

// ---------------------------------------------------------------------------------------------
// Unnamed bit-fields: GCC counts them as integer data, so the eightbyte holding one is of class
// INTEGER even when only a float lies there too.

#[test]
fn float_and_unnamed_bit_field_is_one_integer_eightbyte() {
    let lib = library();
    let bfu8 = CType::struct_builder("BFU8")
        .field("f", float())
        .unnamed_bit_field(t(Scalar::UInt), 8)
        .build()
        .unwrap();
    let make = func(&lib, "bfu8_make", &[float()], bfu8.clone());
    let out = call(&make, &[2.5f32.into()]).into_data().expect("a record");
    assert_eq!(out.get("f").unwrap().as_f64(), Some(3.5));
    let take = func(&lib, "bfu8_take", &[bfu8.clone(), double()], double());
    assert_eq!(
        call(&take, &[(&out).into(), 4.0f64.into()]).as_f64(),
        Some(403.5)
    );
}

fn bfu16() -> CType {
    CType::struct_builder("BFU16")
        .field("f", float())
        .unnamed_bit_field(t(Scalar::UInt), 16)
        .field("g", float())
        .build()
        .unwrap()
}

#[test]
fn unnamed_bit_field_makes_its_eightbyte_integer() {
    let lib = library();
    let bfu16 = bfu16();
    assert_eq!(bfu16.size().unwrap(), 12);
    let make = func(&lib, "bfu16_make", &[float()], bfu16.clone());
    let out = call(&make, &[1.25f32.into()])
        .into_data()
        .expect("a record");
    assert_eq!(out.get("f").unwrap().as_f64(), Some(1.25));
    assert_eq!(out.get("g").unwrap().as_f64(), Some(2.5));
    let take = func(&lib, "bfu16_take", &[bfu16.clone(), double()], double());
    assert_eq!(
        call(&take, &[(&out).into(), 3.0f64.into()]).as_f64(),
        Some(1.25 + 25.0 + 300.0)
    );

    // One integer and one SSE register: with five integer registers taken it still fits, with
    // six it goes to the stack.
    let s = CData::new(&bfu16).unwrap();
    s.set("f", 1.0f32).unwrap();
    s.set("g", 2.0f32).unwrap();
    let spill5 = func(
        &lib,
        "bfu16_spill5",
        &[
            long(),
            long(),
            long(),
            long(),
            long(),
            bfu16.clone(),
            long(),
        ],
        double(),
    );
    let args5: Vec<Arg<'_>> = (1..=5i64)
        .map(Arg::from)
        .chain([(&s).into(), 7i64.into()])
        .collect();
    assert_eq!(
        call(&spill5, &args5).as_f64(),
        Some(15.0 + 10.0 + 200.0 + 7000.0)
    );
    let spill6 = func(
        &lib,
        "bfu16_spill6",
        &[
            long(),
            long(),
            long(),
            long(),
            long(),
            long(),
            bfu16.clone(),
            long(),
        ],
        double(),
    );
    let args6: Vec<Arg<'_>> = (1..=6i64)
        .map(Arg::from)
        .chain([(&s).into(), 7i64.into()])
        .collect();
    assert_eq!(
        call(&spill6, &args6).as_f64(),
        Some(21.0 + 10.0 + 200.0 + 7000.0)
    );
}

#[test]
fn an_eightbyte_holding_only_an_unnamed_bit_field_takes_an_integer_register() {
    let lib = library();
    let bdu = CType::struct_builder("BDU")
        .field("d", double())
        .unnamed_bit_field(t(Scalar::UInt), 8)
        .build()
        .unwrap();
    assert_eq!(bdu.size().unwrap(), 16);
    let make = func(&lib, "bdu_make", &[double()], bdu.clone());
    let out = call(&make, &[1.5f64.into()]).into_data().expect("a record");
    assert_eq!(out.get("d").unwrap().as_f64(), Some(4.5));
    // `k` follows in the second integer register, after the bit-field's eightbyte.
    let take = func(&lib, "bdu_take", &[bdu.clone(), long()], double());
    assert_eq!(
        call(&take, &[(&out).into(), 6i64.into()]).as_f64(),
        Some(604.5)
    );
}

#[test]
fn callbacks_classify_unnamed_bit_fields_as_c_does() {
    // C makes a record through one callback and passes it to another: libffi's closures read
    // and write the registers C uses.
    let lib = library();
    let bfu16 = bfu16();
    let ty = bfu16.clone();
    let make = Callback::new(sig(&[float()], bfu16.clone()), move |args| {
        let v = args[0].as_f64().unwrap();
        let s = CData::new(&ty).unwrap();
        s.set("f", (v + 1.0) as f32).unwrap();
        s.set("g", (v * 4.0) as f32).unwrap();
        CValue::Data(s)
    })
    .unwrap();
    let take = Callback::new(sig(&[bfu16.clone(), double()], double()), |args| {
        let s = args[0].clone().into_data().expect("a record");
        let f = s.get("f").unwrap().as_f64().unwrap();
        let g = s.get("g").unwrap().as_f64().unwrap();
        let k = args[1].as_f64().unwrap();
        CValue::Value((f + 10.0 * g + 100.0 * k).into())
    })
    .unwrap();
    let f = func(
        &lib,
        "bfu16_cb",
        &[
            make.function_pointer_type(),
            take.function_pointer_type(),
            float(),
        ],
        double(),
    );
    // make(2) = {3, 8}; take = 3 + 80 + 300; plus g = 8.
    assert_eq!(
        call(&f, &[(&make).into(), (&take).into(), 2.0f32.into()]).as_f64(),
        Some(391.0)
    );

    let bdu = CType::struct_builder("BDU")
        .field("d", double())
        .unnamed_bit_field(t(Scalar::UInt), 8)
        .build()
        .unwrap();
    let ty = bdu.clone();
    let make = Callback::new(sig(&[double()], bdu.clone()), move |args| {
        let s = CData::new(&ty).unwrap();
        s.set("d", args[0].as_f64().unwrap() * 2.0).unwrap();
        CValue::Data(s)
    })
    .unwrap();
    let take = Callback::new(sig(&[bdu.clone(), long()], double()), |args| {
        let s = args[0].clone().into_data().expect("a record");
        let d = s.get("d").unwrap().as_f64().unwrap();
        let k = args[1].as_i64().unwrap() as f64;
        CValue::Value((d + 100.0 * k).into())
    })
    .unwrap();
    let f = func(
        &lib,
        "bdu_cb",
        &[
            make.function_pointer_type(),
            take.function_pointer_type(),
            double(),
        ],
        double(),
    );
    // make(1.5) = {3}; take = 3 + 500; plus d = 3.
    assert_eq!(
        call(&f, &[(&make).into(), (&take).into(), 1.5f64.into()]).as_f64(),
        Some(506.0)
    );
}

// ---------------------------------------------------------------------------------------------
// One integer and one floating eightbyte in the last integer register after a floating
// argument: wrong in libffi before 3.4.7, which gave `x` the value of `s.d`.

#[test]
fn a_mixed_record_in_the_last_integer_register_after_a_float_keeps_both() {
    let lib = library();
    let lsd = structure("LSD", &[("a", long()), ("d", double())]);
    let f = func(
        &lib,
        "lsd_after_float",
        &[int(), int(), int(), int(), int(), double(), lsd.clone()],
        double(),
    );
    let s = CData::new(&lsd).unwrap();
    s.set("a", 3i64).unwrap();
    s.set("d", 0.5).unwrap();
    for f in [f.clone(), f.through_libffi()] {
        let args: [Arg<'_>; 7] = [
            1.into(),
            1.into(),
            1.into(),
            1.into(),
            1.into(),
            0.25.into(),
            (&s).into(),
        ];
        let r = call(&f, &args).as_f64().unwrap();
        // 15 from the ints, 250 from x, 300000 from s.a, 5000000 from s.d.
        assert_eq!(r, 15.0 + 250.0 + 300_000.0 + 5_000_000.0);
    }
}

// ---------------------------------------------------------------------------------------------
// Shapes GCC classifies in its own way: each passes as GCC passes it, or is refused when the
// function is made (never a wrong call or a crash).

/// `union { unsigned long : 0; double f; }`.
fn uzw() -> CType {
    CType::union_builder("UZW")
        .unnamed_bit_field(t(Scalar::ULong), 0)
        .field("f", double())
        .build()
        .unwrap()
}

#[test]
fn a_union_with_a_zero_width_bit_field_passes_in_an_integer_register() {
    let lib = library();
    let uzw = uzw();
    let take = func(&lib, "uzw_take", std::slice::from_ref(&uzw), double());
    let make = func(&lib, "uzw_make", &[double()], uzw.clone());
    let u = CData::new(&uzw).unwrap();
    u.set("f", 2.5).unwrap();
    for (take, make) in [
        (take.clone(), make.clone()),
        (take.through_libffi(), make.through_libffi()),
    ] {
        assert_eq!(call(&take, &[(&u).into()]).as_f64(), Some(5.0));
        let CValue::Data(made) = call(&make, &[1.5.into()]) else {
            panic!("a record result");
        };
        assert_eq!(made.get("f").unwrap().as_f64(), Some(2.5));
    }
    // And into a callback, as C passes it.
    let callback = Callback::new(sig(std::slice::from_ref(&uzw), double()), |args| {
        let CValue::Data(u) = &args[0] else {
            panic!("a record argument");
        };
        CValue::Value(Value::Double(u.get("f").unwrap().as_f64().unwrap() * 10.0))
    })
    .unwrap();
    let through = func(
        &lib,
        "uzw_call",
        &[CType::function_pointer(sig(&[uzw], double())), double()],
        double(),
    );
    assert_eq!(
        call(&through, &[(&callback).into(), 0.25.into()]).as_f64(),
        Some(3.0)
    );
}

#[test]
fn an_element_of_a_zero_length_array_counts_where_it_lies() {
    let lib = library();
    let fz0 = CType::struct_builder("FZ0")
        .field("a", float())
        .field("z", int().array(0).unwrap())
        .build()
        .unwrap();
    let take = func(&lib, "fz0_take", std::slice::from_ref(&fz0), float());
    let make = func(&lib, "fz0_make", &[float()], fz0.clone());
    let s = CData::new(&fz0).unwrap();
    s.set("a", 1.5f32).unwrap();
    assert_eq!(call(&take, &[(&s).into()]).as_f64(), Some(4.5));
    let CValue::Data(made) = call(&make, &[4.0f32.into()]) else {
        panic!("a record result");
    };
    assert_eq!(made.get("a").unwrap().as_f64(), Some(3.0));
}

#[test]
fn small_records_gcc_passes_in_memory_go_in_memory() {
    let lib = library();
    let unsigned = t(Scalar::UInt);
    let pub_ = CType::struct_builder("PUB")
        .pack(1)
        .field("c", t(Scalar::Char))
        .field(
            "u",
            CType::union_builder("")
                .bit_field("b", unsigned.clone(), 22)
                .build()
                .unwrap(),
        )
        .build()
        .unwrap();
    let pzd = CType::struct_builder("PZD")
        .pack(1)
        .field("c", t(Scalar::Char))
        .field("z", double().array(0).unwrap())
        .build()
        .unwrap();
    assert_eq!((pub_.size().unwrap(), pzd.size().unwrap()), (5, 1));
    let p = CData::new(&pub_).unwrap();
    p.set("c", 3).unwrap();
    p.set("u.b", 1000u32).unwrap();
    let z = CData::new(&pzd).unwrap();
    z.set("c", 9).unwrap();
    let reason = |name: &str, ty: &CType, member: &str| {
        format!(
            "cannot call `{name}`: `{ty}` cannot be passed by value: {member} is not aligned, so \
             C passes the record in memory, which libffi cannot be told for a record of 16 bytes \
             or less"
        )
    };
    let bit_field = "bit-field of type `unsigned int` at offset 1";
    let member = "member of type `double` at offset 1";
    let take = made_on_the_engine(
        &lib,
        "pub_take",
        sig(std::slice::from_ref(&pub_), unsigned.clone()),
        &[(&p).into()],
        &reason("pub_take", &pub_, bit_field),
    );
    if let Some(take) = take {
        assert_eq!(call(&take, &[(&p).into()]).as_u64(), Some(1003));
    }
    let make = made_on_the_engine(
        &lib,
        "pub_make",
        sig(std::slice::from_ref(&unsigned), pub_.clone()),
        &[77u32.into()],
        &reason("pub_make", &pub_, bit_field),
    );
    if let Some(make) = make {
        let made = call(&make, &[77u32.into()]).into_data().unwrap();
        assert_eq!(made.get("c").unwrap().as_i64(), Some(1));
        assert_eq!(made.get("u.b").unwrap().as_u64(), Some(77));
    }
    let take = made_on_the_engine(
        &lib,
        "pzd_take",
        sig(std::slice::from_ref(&pzd), int()),
        &[(&z).into()],
        &reason("pzd_take", &pzd, member),
    );
    if let Some(take) = take {
        assert_eq!(call(&take, &[(&z).into()]).as_i64(), Some(9));
    }
    let make = made_on_the_engine(
        &lib,
        "pzd_make",
        sig(&[t(Scalar::Char)], pzd.clone()),
        &[5.into()],
        &reason("pzd_make", &pzd, member),
    );
    if let Some(make) = make {
        let made = call(&make, &[5.into()]).into_data().unwrap();
        assert_eq!(made.get("c").unwrap().as_i64(), Some(5));
    }
}

/// A record result written into an object that is not aligned for its type (a member of a
/// packed record): through registers, and through a hidden pointer (the callee may use
/// aligned stores there, so the result goes through an aligned object first).
#[test]
fn results_into_misaligned_objects() {
    let lib = library();
    for (name, tag) in [("D2_bump", "D2"), ("S24_bump", "S24")] {
        let ty = ctypes_tests::fixture::record(tag);
        let outer = CType::struct_builder(&format!("Packed{tag}"))
            .pack(1)
            .field("c", t(Scalar::Char))
            .field("r", ty.clone())
            .build()
            .unwrap();
        let bump = func(&lib, name, std::slice::from_ref(&ty), ty.clone());
        let arg = CData::new(&ty).unwrap();
        arg.set("x", 1.5).unwrap();
        arg.set("y", 2.0).unwrap();
        for f in [bump.clone(), bump.through_libffi()] {
            let holder = CData::new(&outer).unwrap();
            holder.set("c", 7).unwrap();
            let into = holder.field("r").unwrap();
            assert_eq!(into.addressof().unwrap() as usize % 8, 1);
            // SAFETY: the fixture's declaration; `into` has the result type.
            unsafe { f.call_into(&[(&arg).into()], &into) }.unwrap();
            assert_eq!(into.get("x").unwrap().as_f64(), Some(2.5), "{name}");
            assert_eq!(into.get("y").unwrap().as_f64(), Some(4.0), "{name}");
            assert_eq!(holder.get("c").unwrap().as_i64(), Some(7), "{name}");
        }
    }
}
