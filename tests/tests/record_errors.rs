//! Invalid struct and union definitions: each is an error whose message names the record and,
//! where one field is at fault, the field.

use ctypes_core::{CType, Error, RecordBuilder, RecordProblem, Scalar, Signature};

fn scalar(s: Scalar) -> CType {
    CType::scalar(s)
}

fn message(builder: RecordBuilder) -> String {
    builder
        .build()
        .expect_err("the definition is invalid")
        .to_string()
}

#[test]
fn bit_fields_must_have_an_integer_type() {
    let inner = CType::struct_builder("inner")
        .field("x", scalar(Scalar::Int))
        .build()
        .unwrap();
    for (ty, shown) in [
        (scalar(Scalar::Double), "double"),
        (scalar(Scalar::Float), "float"),
        (scalar(Scalar::LongDouble), "long double"),
        (scalar(Scalar::Int).pointer(), "int *"),
        (inner, "struct inner"),
        (scalar(Scalar::Int).array(2).unwrap(), "int [2]"),
    ] {
        let builder = CType::struct_builder("s")
            .field("a", scalar(Scalar::Int))
            .bit_field("b", ty, 3);
        assert_eq!(
            message(builder),
            format!("struct s, field `b`: bit-field has non-integer type `{shown}`")
        );
    }
    // An unnamed one is named by its position.
    let builder = CType::union_builder("u")
        .field("a", scalar(Scalar::Int))
        .unnamed_bit_field(scalar(Scalar::Double), 0);
    assert_eq!(
        message(builder),
        "union u, field `#1`: bit-field has non-integer type `double`"
    );
}

#[test]
fn a_named_bit_field_may_not_have_width_zero() {
    let builder = CType::struct_builder("s")
        .bit_field("z", scalar(Scalar::UInt), 0)
        .field("after", scalar(Scalar::Int));
    assert_eq!(
        message(builder),
        "struct s, field `z`: named bit-field has zero width"
    );
    // Unnamed, it is allowed.
    CType::struct_builder("s")
        .unnamed_bit_field(scalar(Scalar::UInt), 0)
        .field("after", scalar(Scalar::Int))
        .build()
        .unwrap();
}

#[test]
fn a_bit_field_may_not_be_wider_than_its_type() {
    for (s, bits) in [
        (Scalar::Char, 8),
        (Scalar::UChar, 8),
        (Scalar::Short, 16),
        (Scalar::Int, 32),
        (Scalar::UInt, 32),
        (Scalar::LongLong, 64),
        (Scalar::UInt64, 64),
    ] {
        // The full width is fine, one more bit is not.
        CType::struct_builder("s")
            .bit_field("w", scalar(s), bits)
            .build()
            .unwrap();
        let builder = CType::struct_builder("s").bit_field("w", scalar(s), bits + 1);
        assert_eq!(
            message(builder),
            format!(
                "struct s, field `w`: bit-field width {} exceeds the width of its type ({bits} bits)",
                bits + 1
            ),
            "{s}"
        );
    }
    let builder = CType::struct_builder("flags").bit_field("on", scalar(Scalar::Bool), 2);
    let err = builder.build().unwrap_err();
    match &err {
        Error::InvalidRecord {
            record,
            field,
            problem,
        } => {
            assert_eq!(record, "struct flags");
            assert_eq!(field.as_deref(), Some("on"));
            assert_eq!(
                *problem,
                RecordProblem::BitFieldTooWide { width: 2, max: 1 }
            );
        }
        other => panic!("{other:?}"),
    }
    CType::struct_builder("flags")
        .bit_field("on", scalar(Scalar::Bool), 1)
        .build()
        .unwrap();
}

#[test]
fn pack_and_align_must_be_powers_of_two() {
    for n in [0, 3, 6, 12] {
        let builder = CType::struct_builder("p")
            .field("a", scalar(Scalar::Int))
            .pack(n);
        assert_eq!(
            message(builder),
            format!("struct p: pack({n}) is not a power of two")
        );
        let builder = CType::union_builder("q")
            .field("a", scalar(Scalar::Int))
            .align(n);
        assert_eq!(
            message(builder),
            format!("union q: align({n}) is not a power of two")
        );
    }
    for n in [1, 2, 4, 8, 16] {
        let packed = CType::struct_builder("p")
            .field("c", scalar(Scalar::Char))
            .field("a", scalar(Scalar::Int))
            .pack(n)
            .build()
            .unwrap();
        assert_eq!(packed.size().unwrap(), 4 + n.min(4));
        let aligned = CType::struct_builder("p")
            .field("c", scalar(Scalar::Char))
            .align(n)
            .build()
            .unwrap();
        assert_eq!(aligned.align().unwrap(), n);
    }
}

#[test]
fn field_names_are_unique_including_those_of_anonymous_members() {
    let builder = CType::struct_builder("dup")
        .field("x", scalar(Scalar::Int))
        .field("y", scalar(Scalar::Int))
        .field("x", scalar(Scalar::Long));
    assert_eq!(
        message(builder),
        "struct dup, field `x`: duplicate field name"
    );
    let builder = CType::struct_builder("dup")
        .bit_field("x", scalar(Scalar::Int), 3)
        .bit_field("x", scalar(Scalar::Int), 3);
    assert_eq!(
        message(builder),
        "struct dup, field `x`: duplicate field name"
    );

    let inner = CType::union_builder("")
        .field("len", scalar(Scalar::Int))
        .field("x", scalar(Scalar::Float))
        .build()
        .unwrap();
    // The clash comes from the anonymous member, after the named field...
    let builder = CType::struct_builder("dup")
        .field("x", scalar(Scalar::Int))
        .anonymous(inner.clone());
    assert_eq!(
        message(builder),
        "struct dup, field `x`: duplicate field name"
    );
    // ...or from the named field, after the anonymous member.
    let builder = CType::struct_builder("dup")
        .anonymous(inner.clone())
        .field("len", scalar(Scalar::Int));
    assert_eq!(
        message(builder),
        "struct dup, field `len`: duplicate field name"
    );
    // Two anonymous members with a field in common, one of them nested a level deeper.
    let outer = CType::struct_builder("")
        .field("other", scalar(Scalar::Int))
        .anonymous(inner.clone())
        .build()
        .unwrap();
    let builder = CType::union_builder("dup2")
        .anonymous(inner)
        .anonymous(outer);
    let text = message(builder);
    assert!(
        text == "union dup2, field `len`: duplicate field name"
            || text == "union dup2, field `x`: duplicate field name",
        "{text}"
    );
    // Unnamed bit-fields have no name to clash.
    CType::struct_builder("ok")
        .unnamed_bit_field(scalar(Scalar::Int), 3)
        .unnamed_bit_field(scalar(Scalar::Int), 3)
        .build()
        .unwrap();
}

#[test]
fn a_record_may_not_contain_itself_by_value() {
    let node = CType::declare_struct("self_node");
    let err = CType::struct_builder("self_node")
        .field("n", scalar(Scalar::Int))
        .field("me", node.clone())
        .define(&node)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "struct self_node, field `me`: the record contains itself by value"
    );
    let array = node.pointer().array(1).unwrap();
    assert_eq!(array.to_string(), "struct self_node *[1]");
    // An array of itself cannot even be formed while the record is incomplete; the record
    // cannot contain one, and pointers to itself remain fine.
    assert_eq!(
        node.array(2).unwrap_err().to_string(),
        "incomplete type `struct self_node` used where its size is needed (array element)"
    );
    let u = CType::declare_union("self_union");
    let err = CType::union_builder("self_union")
        .field("me", u.clone())
        .define(&u)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "union self_union, field `me`: the record contains itself by value"
    );
    // The failed definitions left the records undefined: a valid one still completes them.
    CType::struct_builder("self_node")
        .field("n", scalar(Scalar::Int))
        .field("next", array)
        .define(&node)
        .unwrap();
    assert_eq!(node.size().unwrap(), 16);
}

#[test]
fn fields_must_have_complete_object_types() {
    let fwd = CType::declare_struct("not_yet");
    assert_eq!(
        message(CType::struct_builder("s").field("f", fwd.clone())),
        "struct s, field `f`: field has incomplete type `struct not_yet`"
    );
    assert_eq!(
        message(CType::union_builder("u").anonymous(fwd)),
        "union u, field `#0`: field has incomplete type `struct not_yet`"
    );
    assert_eq!(
        message(CType::struct_builder("s").field("v", CType::void())),
        "struct s, field `v`: field has type `void`, which has no size"
    );
    let f = CType::function(Signature::new(vec![], scalar(Scalar::Int)));
    assert_eq!(
        message(CType::struct_builder("s").field("f", f)),
        "struct s, field `f`: field has type `int (void)`, which has no size"
    );
}

#[test]
fn anonymous_members_must_be_records() {
    for (ty, shown) in [
        (scalar(Scalar::Int), "int"),
        (scalar(Scalar::Int).pointer(), "int *"),
        (scalar(Scalar::Char).array(4).unwrap(), "char [4]"),
    ] {
        let builder = CType::struct_builder("s")
            .field("a", scalar(Scalar::Int))
            .anonymous(ty);
        assert_eq!(
            message(builder),
            format!(
                "struct s, field `#1`: anonymous member has type `{shown}`, not a struct or union"
            )
        );
    }
}

#[test]
fn untagged_records_are_named_as_anonymous() {
    let builder = CType::struct_builder("").bit_field("b", scalar(Scalar::Float), 1);
    assert_eq!(
        message(builder),
        "struct <anonymous>, field `b`: bit-field has non-integer type `float`"
    );
}

#[test]
fn a_record_is_defined_once() {
    let node = CType::declare_struct("twice");
    CType::struct_builder("twice")
        .field("a", scalar(Scalar::Int))
        .define(&node)
        .unwrap();
    let err = CType::struct_builder("twice")
        .field("b", scalar(Scalar::Long))
        .define(&node)
        .unwrap_err();
    assert_eq!(err.to_string(), "`struct twice` is already defined");
    // The first definition stands.
    assert_eq!(node.size().unwrap(), 4);
    let built = CType::struct_builder("built")
        .field("a", scalar(Scalar::Int))
        .build()
        .unwrap();
    let err = CType::struct_builder("built").define(&built).unwrap_err();
    assert_eq!(err.to_string(), "`struct built` is already defined");
}

#[test]
fn a_definition_must_match_the_declaration() {
    let u = CType::declare_union("shape");
    let err = CType::struct_builder("shape")
        .field("a", scalar(Scalar::Int))
        .define(&u)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "expected a declared struct, found `union shape`"
    );
    let err = CType::struct_builder("x")
        .define(&scalar(Scalar::Int))
        .unwrap_err();
    assert_eq!(err.to_string(), "expected a declared struct, found `int`");
    // A different tag is a different type.
    let s = CType::declare_struct("alpha");
    let err = CType::struct_builder("beta")
        .field("a", scalar(Scalar::Int))
        .define(&s)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "expected a declared struct beta, found `struct alpha`"
    );
    assert!(!s.is_complete());
}

#[test]
fn a_record_too_large_for_the_address_space_is_refused() {
    let half = CType::scalar(Scalar::Char)
        .array(isize::MAX as usize / 2 + 1)
        .unwrap();
    let builder = CType::struct_builder("huge")
        .field("a", half.clone())
        .field("b", half);
    assert_eq!(message(builder), "struct huge: the record is too large");
    let err = CType::scalar(Scalar::Int)
        .array(usize::MAX / 2)
        .unwrap_err();
    assert!(matches!(err, Error::SizeOverflow(_)), "{err}");
    assert_eq!(
        err.to_string(),
        format!("size overflow: {} elements of `int`", usize::MAX / 2)
    );
}

#[test]
fn bool_bit_field_width_is_one_bit() {
    let builder = CType::struct_builder("flags").bit_field("on", scalar(Scalar::Bool), 2);
    assert_eq!(
        message(builder),
        "struct flags, field `on`: bit-field width 2 exceeds the width of its type (1 bit)"
    );
}

#[test]
fn field_names_may_not_be_empty() {
    let builder = CType::struct_builder("s").field("", scalar(Scalar::Int));
    assert_eq!(
        message(builder),
        "struct s, field `#0`: a field name may not be empty"
    );
}
