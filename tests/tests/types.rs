//! Type objects: scalars against the C compiler, C declarations, equality, forward declarations,
//! incomplete types, and the printed definition of a record.

use std::fmt::Write as _;

use ctypes_core::{ByteOrder, CData, CType, Scalar, ScalarClass, Signature, Value};
use ctypes_tests::cc;

fn int() -> CType {
    CType::scalar(Scalar::Int)
}

const HEADERS: &str = "#include <stdio.h>
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <wchar.h>
#include <time.h>
#include <sys/types.h>
";

#[test]
fn every_scalar_has_the_size_alignment_and_signedness_of_c() {
    let mut program = String::from(HEADERS);
    program.push_str("int main(void) {\n");
    for scalar in Scalar::ALL {
        let t = scalar.c_name();
        // A complex value is not ordered: its real part is.
        let real = if scalar.complex_part().is_some() {
            "__real__ "
        } else {
            ""
        };
        writeln!(
            program,
            "    printf(\"%zu %zu %d\\n\", sizeof({t}), _Alignof({t}), {real}({t})-1 < 0);"
        )
        .unwrap();
    }
    program.push_str("    return 0;\n}\n");
    let out = cc::compile_and_run("scalars", &program).expect("C program runs");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), Scalar::ALL.len());
    for (scalar, line) in Scalar::ALL.iter().zip(lines) {
        let nums: Vec<usize> = line.split(' ').map(|n| n.parse().unwrap()).collect();
        let (size, align, negative) = (nums[0], nums[1], nums[2] == 1);
        assert_eq!(scalar.size(), size, "sizeof({scalar})");
        assert_eq!(scalar.align(), align, "_Alignof({scalar})");
        let ty = CType::scalar(*scalar);
        assert_eq!(ty.size().unwrap(), size, "CType size of {scalar}");
        assert_eq!(ty.align().unwrap(), align, "CType align of {scalar}");
        match scalar.class() {
            ScalarClass::Float | ScalarClass::Complex => assert!(negative, "{scalar} holds -1"),
            ScalarClass::Bool => assert!(!negative, "_Bool converts -1 to 1"),
            ScalarClass::Integer { signed } => {
                assert_eq!(signed, negative, "signedness of {scalar}");
                assert_eq!(scalar.is_signed(), negative, "is_signed of {scalar}");
            }
        }
        assert_eq!(ty.to_string(), scalar.c_name());
    }
}

#[test]
fn integer_ranges_match_c_limits() {
    // The limits C's headers define, for the types that have them.
    let pairs = [
        ("SCHAR_MIN", "SCHAR_MAX", Scalar::SChar),
        ("0", "UCHAR_MAX", Scalar::UChar),
        ("CHAR_MIN", "CHAR_MAX", Scalar::Char),
        ("SHRT_MIN", "SHRT_MAX", Scalar::Short),
        ("0", "USHRT_MAX", Scalar::UShort),
        ("INT_MIN", "INT_MAX", Scalar::Int),
        ("0", "UINT_MAX", Scalar::UInt),
        ("LONG_MIN", "LONG_MAX", Scalar::Long),
        ("0", "ULONG_MAX", Scalar::ULong),
        ("LLONG_MIN", "LLONG_MAX", Scalar::LongLong),
        ("0", "ULLONG_MAX", Scalar::ULongLong),
        ("0", "SIZE_MAX", Scalar::SizeT),
        ("PTRDIFF_MIN", "PTRDIFF_MAX", Scalar::PtrdiffT),
        ("INTPTR_MIN", "INTPTR_MAX", Scalar::IntptrT),
        ("0", "UINTPTR_MAX", Scalar::UintptrT),
        ("WCHAR_MIN", "WCHAR_MAX", Scalar::WcharT),
        ("INT8_MIN", "INT8_MAX", Scalar::Int8),
        ("0", "UINT64_MAX", Scalar::UInt64),
    ];
    let mut program = format!("{HEADERS}#include <limits.h>\nint main(void) {{\n");
    for (min, max, _) in pairs {
        writeln!(
            program,
            "    printf(\"%lld %llu\\n\", (long long)({min}), (unsigned long long)({max}));"
        )
        .unwrap();
    }
    program.push_str("    return 0;\n}\n");
    let out = cc::compile_and_run("limits", &program).expect("C program runs");
    for ((_, _, scalar), line) in pairs.iter().zip(out.lines()) {
        let (min, max) = line.split_once(' ').unwrap();
        let expected = (min.parse::<i128>().unwrap(), max.parse::<i128>().unwrap());
        assert_eq!(scalar.int_range(), Some(expected), "{scalar}");
    }
}

/// Each type's `to_string()` is compared with a hand-written C type name, and the compiler
/// checks that `declaration("v")` declares `v` with exactly that type.
#[test]
fn types_print_as_c_declarations() {
    let char_t = CType::scalar(Scalar::Char);
    let double = CType::scalar(Scalar::Double);
    let void_fn_int = Signature::new(vec![int()], CType::void());
    let node = CType::declare_struct("decl_node");
    let shape = CType::declare_union("decl_shape");
    let cases: Vec<(CType, &str)> = vec![
        (int().pointer().pointer(), "int **"),
        (CType::void_ptr(), "void *"),
        (char_t.pointer().array(4).unwrap(), "char *[4]"),
        (int().array(3).unwrap().pointer(), "int (*)[3]"),
        (int().array(3).unwrap().pointer().pointer(), "int (**)[3]"),
        (int().array(3).unwrap().array(2).unwrap(), "int [2][3]"),
        (
            double.pointer().array(5).unwrap().array(2).unwrap(),
            "double *[2][5]",
        ),
        (
            int().array(3).unwrap().pointer().array(4).unwrap(),
            "int (*[4])[3]",
        ),
        (
            CType::function_pointer(void_fn_int.clone()),
            "void (*)(int)",
        ),
        (
            CType::function_pointer(void_fn_int.clone())
                .array(2)
                .unwrap(),
            "void (*[2])(int)",
        ),
        (
            CType::function_pointer(Signature::new(vec![], int().array(3).unwrap().pointer())),
            "int (*(*)(void))[3]",
        ),
        (
            CType::function_pointer(Signature::new(
                vec![CType::function_pointer(void_fn_int.clone()), double.clone()],
                CType::function_pointer(void_fn_int.clone()),
            )),
            "void (*(*)(void (*)(int), double))(int)",
        ),
        (
            CType::function_pointer(Signature::variadic(vec![char_t.pointer(), int()], int())),
            "int (*)(char *, int, ...)",
        ),
        (node.pointer(), "struct decl_node *"),
        (node.pointer().array(2).unwrap(), "struct decl_node *[2]"),
        (shape.pointer(), "union decl_shape *"),
        (CType::scalar(Scalar::UInt64).pointer(), "uint64_t *"),
    ];
    let mut program = format!("{HEADERS}struct decl_node;\nunion decl_shape;\n");
    for (i, (ty, expected)) in cases.iter().enumerate() {
        assert_eq!(ty.to_string(), *expected);
        let name = format!("v{i}");
        let declaration = ty.declaration(&name);
        assert!(declaration.contains(&name), "{declaration}");
        writeln!(
            program,
            "{declaration};\n_Static_assert(__builtin_types_compatible_p(__typeof__({name}), {expected}), \"{expected}\");"
        )
        .unwrap();
    }
    program.push_str("int main(void) { return 0; }\n");
    cc::compile_and_run("declarations", &program).expect("declarations compile");
}

#[test]
fn function_types_print_with_parameter_lists() {
    let f = CType::function(Signature::new(vec![], CType::void()));
    assert_eq!(f.to_string(), "void (void)");
    assert_eq!(f.declaration("run"), "void run(void)");
    let printf = CType::function(Signature::variadic(
        vec![CType::char_ptr()],
        CType::scalar(Scalar::Int),
    ));
    assert_eq!(printf.declaration("printf"), "int printf(char *, ...)");
}

#[test]
fn records_are_equal_only_to_themselves() {
    let build = || {
        CType::struct_builder("pair")
            .field("a", int())
            .field("b", int())
            .build()
            .unwrap()
    };
    let (p, q) = (build(), build());
    assert_ne!(
        p, q,
        "two definitions of the same shape are different types"
    );
    assert_eq!(p, p.clone());
    assert_ne!(p.pointer(), q.pointer());
    assert_eq!(p.pointer(), p.pointer());
    assert_ne!(p.array(2).unwrap(), q.array(2).unwrap());
    assert_eq!(p.array(2).unwrap(), p.clone().array(2).unwrap());
}

#[test]
fn other_types_are_equal_by_structure() {
    assert_eq!(CType::scalar(Scalar::Int), int());
    assert_ne!(CType::scalar(Scalar::Int), CType::scalar(Scalar::UInt));
    assert_eq!(int().pointer().pointer(), int().pointer().pointer());
    assert_ne!(int().pointer(), CType::scalar(Scalar::Long).pointer());
    assert_eq!(int().array(4).unwrap(), int().array(4).unwrap());
    assert_ne!(int().array(4).unwrap(), int().array(5).unwrap());
    assert_eq!(CType::void(), CType::void());
    assert_ne!(CType::void(), CType::void_ptr());
    let sig = |variadic: bool| {
        let args = vec![int(), CType::char_ptr()];
        if variadic {
            Signature::variadic(args, CType::void())
        } else {
            Signature::new(args, CType::void())
        }
    };
    assert_eq!(
        CType::function_pointer(sig(false)),
        CType::function_pointer(sig(false))
    );
    assert_ne!(
        CType::function_pointer(sig(false)),
        CType::function_pointer(sig(true))
    );
    assert_ne!(
        CType::function(Signature::new(vec![int()], int())),
        CType::function(Signature::new(vec![int()], CType::scalar(Scalar::Long)))
    );
}

#[test]
fn a_linked_list_node_refers_to_itself() {
    #[repr(C)]
    struct Node {
        value: i32,
        next: *mut Node,
    }
    let node = CType::declare_struct("list_node");
    assert!(!node.is_complete());
    let next = node.pointer();
    CType::struct_builder("list_node")
        .field("value", int())
        .field("next", next.clone())
        .define(&node)
        .unwrap();
    assert!(node.is_complete());
    assert_eq!(node.size().unwrap(), std::mem::size_of::<Node>());
    assert_eq!(node.align().unwrap(), std::mem::align_of::<Node>());
    let def = node.as_record().unwrap().definition().unwrap();
    let next_field = &def.fields()[1];
    assert_eq!(next_field.offset(), std::mem::offset_of!(Node, next));
    assert!(next_field.ty().pointee().unwrap().same_object(&node));
    // The pointer made before the definition now reaches a complete type.
    assert_eq!(next.pointee().unwrap().size().unwrap(), 16);
    assert_eq!(next.to_string(), "struct list_node *");

    // Three nodes linked in memory, walked by path.
    let nodes: Vec<CData> = (0..3).map(|_| CData::new(&node).unwrap()).collect();
    for (i, n) in nodes.iter().enumerate() {
        n.set("value", (i as i32 + 1) * 10).unwrap();
    }
    nodes[0]
        .field("next")
        .unwrap()
        .set_pointer(&nodes[1])
        .unwrap();
    nodes[1]
        .field("next")
        .unwrap()
        .set_pointer(&nodes[2])
        .unwrap();
    let head = nodes[0].clone();
    drop(nodes);
    assert_eq!(head.get("next[0].value").unwrap(), Value::Int(20));
    assert_eq!(head.get("next[0].next[0].value").unwrap(), Value::Int(30));
    assert!(head.at("next[0].next[0].next").unwrap().is_null().unwrap());
    let err = head.at("next[0].next[0].next[0]").unwrap_err();
    assert_eq!(
        err.to_string(),
        "NULL pointer dereference through `struct list_node *`"
    );
}

#[test]
fn two_structs_can_point_to_each_other() {
    #[repr(C)]
    struct A {
        b: *mut B,
        x: i8,
    }
    #[repr(C)]
    struct B {
        tag: u16,
        a: *mut A,
        y: f64,
    }
    let a = CType::declare_struct("mut_a");
    let b = CType::declare_struct("mut_b");
    CType::struct_builder("mut_a")
        .field("b", b.pointer())
        .field("x", CType::scalar(Scalar::SChar))
        .define(&a)
        .unwrap();
    // `a` is complete while `b` is not yet: its size is known.
    assert_eq!(a.size().unwrap(), std::mem::size_of::<A>());
    assert!(!b.is_complete());
    CType::struct_builder("mut_b")
        .field("tag", CType::scalar(Scalar::UShort))
        .field("a", a.pointer())
        .field("y", CType::scalar(Scalar::Double))
        .define(&b)
        .unwrap();
    assert_eq!(b.size().unwrap(), std::mem::size_of::<B>());
    let b_def = b.as_record().unwrap().definition().unwrap();
    assert_eq!(b_def.fields()[1].offset(), std::mem::offset_of!(B, a));
    assert_eq!(b_def.fields()[2].offset(), std::mem::offset_of!(B, y));

    let (x, y) = (CData::new(&a).unwrap(), CData::new(&b).unwrap());
    x.field("b").unwrap().set_pointer(&y).unwrap();
    y.field("a").unwrap().set_pointer(&x).unwrap();
    x.set("x", -5).unwrap();
    y.set("y", 2.5).unwrap();
    assert_eq!(x.get("b[0].a[0].x").unwrap(), Value::Int(-5));
    assert_eq!(y.get("a[0].b[0].y").unwrap(), Value::Double(2.5));
    // A pointer to `struct mut_a` does not accept a `struct mut_b`.
    assert!(x.field("b").unwrap().set_pointer(&x).is_err());
}

#[test]
fn incomplete_types_are_refused_where_a_size_is_needed() {
    let fwd = CType::declare_struct("fwd_only");
    assert_eq!(
        fwd.size().unwrap_err().to_string(),
        "incomplete type `struct fwd_only` used where its size is needed"
    );
    assert_eq!(
        fwd.align().unwrap_err().to_string(),
        "incomplete type `struct fwd_only` used where its size is needed"
    );
    assert_eq!(
        fwd.array(3).unwrap_err().to_string(),
        "incomplete type `struct fwd_only` used where its size is needed (array element)"
    );
    assert_eq!(
        CData::new(&fwd).unwrap_err().to_string(),
        "incomplete type `struct fwd_only` used where its size is needed (creating an object)"
    );
    assert_eq!(
        CData::from_bytes(&fwd, &[]).unwrap_err().to_string(),
        "incomplete type `struct fwd_only` used where its size is needed (creating an object)"
    );
    let err = CType::struct_builder("holder")
        .field("n", int())
        .field("f", fwd.clone())
        .build()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "struct holder, field `f`: field has incomplete type `struct fwd_only`"
    );
    assert_eq!(
        CType::void().array(2).unwrap_err().to_string(),
        "incomplete type `void` used where its size is needed (array element)"
    );
    let f = CType::function(Signature::new(vec![], int()));
    assert_eq!(
        f.array(2).unwrap_err().to_string(),
        "incomplete type `int (void)` used where its size is needed (array element)"
    );
    // Dereferencing a pointer to it needs its size, which is checked before the address.
    let p = CData::new(&fwd.pointer()).unwrap();
    assert_eq!(
        p.deref().unwrap_err().to_string(),
        "incomplete type `struct fwd_only` used where its size is needed (dereferencing a pointer)"
    );
    // Once defined, every use works.
    CType::struct_builder("fwd_only")
        .field("c", CType::scalar(Scalar::Char))
        .define(&fwd)
        .unwrap();
    assert_eq!(fwd.array(3).unwrap().size().unwrap(), 3);
    assert_eq!(CData::new(&fwd).unwrap().size(), 1);
}

#[test]
fn a_record_definition_prints_members_offsets_and_attributes() {
    let uint = CType::scalar(Scalar::UInt);
    let either = CType::union_builder("")
        .field("i", int())
        .field("f", CType::scalar(Scalar::Float))
        .build()
        .unwrap();
    let packet = CType::struct_builder("packet")
        .field("kind", CType::scalar(Scalar::UChar))
        .bit_field("flags", uint.clone(), 3)
        .bit_field("level", uint.clone(), 5)
        .bit_field("sign", int(), 4)
        .unnamed_bit_field(int(), 0)
        .anonymous(either)
        .field("tail", CType::scalar(Scalar::Short).array(3).unwrap())
        .field("next", CType::char_ptr())
        .build()
        .unwrap();
    // SysV: kind at byte 0; flags, level at bits 8..16; sign at 16..20; `int : 0` moves to bit
    // 32; the union at byte 4; tail at 8..14; next at 16; size 24, align 8.
    let expected = "struct packet {
    unsigned char kind; /* offset 0, size 1 */
    unsigned int flags : 3; /* offset 1, bit 0, width 3 */
    unsigned int level : 5; /* offset 1, bit 3, width 5 */
    int sign : 4; /* offset 2, bit 0, width 4 */
    int : 0; /* offset 4, bit 0, width 0 */
    union {
        int i; /* offset 4, size 4 */
        float f; /* offset 4, size 4 */
    }; /* offset 4, size 4 */
    short tail[3]; /* offset 8, size 6 */
    char *next; /* offset 16, size 8 */
}; /* size 24, align 8 */";
    assert_eq!(packet.definition(), expected);
    assert_eq!(format!("{packet:#}"), expected);
    assert_eq!(packet.to_string(), "struct packet");

    // The compiler agrees with the numbers written above, for a hand-written definition and
    // for the printed one.
    let by_hand = "struct packet { unsigned char kind; unsigned flags : 3; unsigned level : 5; \
                   int sign : 4; int : 0; union { int i; float f; }; short tail[3]; char *next; };";
    for definition in [by_hand, expected] {
        let program = format!(
            "{HEADERS}{definition}
int main(void) {{
    struct packet p = {{0}};
    p.flags = 7; p.level = 1; p.sign = -1;
    unsigned char *b = (unsigned char *)&p;
    printf(\"%zu %zu %zu %zu %zu %02x %02x\\n\", sizeof p, _Alignof(struct packet),
        offsetof(struct packet, i), offsetof(struct packet, tail), offsetof(struct packet, next),
        b[1], b[2]);
    return 0;
}}\n"
        );
        let out = cc::compile_and_run("packet", &program).expect("C program runs");
        assert_eq!(out.trim(), "24 8 4 8 16 0f 0f", "{definition}");
    }
}

#[test]
fn definitions_show_layout_attributes_and_declarations() {
    let be = CType::struct_builder("wire")
        .field("len", CType::scalar(Scalar::UInt16))
        .field("id", CType::scalar(Scalar::UInt32))
        .byte_order(ByteOrder::Big)
        .pack(2)
        .align(8)
        .build()
        .unwrap();
    let expected = "#pragma pack(push, 2)
struct __attribute__((aligned(8), scalar_storage_order(\"big-endian\"))) wire {
    uint16_t len; /* offset 0, size 2 */
    uint32_t id; /* offset 2, size 4 */
}; /* size 8, align 8 */
#pragma pack(pop)";
    assert_eq!(be.definition(), expected);
    // The printed definition is C that the compiler lays out the same way.
    let program = format!(
        "{HEADERS}{expected}
int main(void) {{
    struct wire w = {{0}};
    w.id = 0x01020304;
    unsigned char *b = (unsigned char *)&w;
    printf(\"%zu %zu %zu %02x%02x%02x%02x\\n\", sizeof w, _Alignof(struct wire),
        offsetof(struct wire, id), b[2], b[3], b[4], b[5]);
    return 0;
}}\n"
    );
    let out = cc::compile_and_run("wire", &program).expect("C program runs");
    assert_eq!(out.trim(), "8 8 2 01020304");
    let w = CData::new(&be).unwrap();
    w.set("id", 0x0102_0304u32).unwrap();
    assert_eq!(w.to_bytes()[2..6], [1, 2, 3, 4]);
    let fwd = CType::declare_union("later");
    assert_eq!(fwd.definition(), "union later;");
    assert_eq!(int().array(2).unwrap().definition(), "int [2]");
}
