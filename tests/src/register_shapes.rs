//! The shapes of the register-call fixture functions: for every count of integer-class
//! arguments (0 to 6), of floating arguments (0 to 8) and every result class, one C function
//! whose argument types, order and expected values follow from the counts. `build.rs` writes
//! them as C (each function compares every argument with the value expected at its position
//! and returns a known result only if all match); the `registers` test builds the same
//! signatures and values with `ctypes-core` and calls them. Nothing here depends on
//! `ctypes-core`, so that `build.rs` can include it.

/// A parameter or result type of a fixture function.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    SChar,
    UChar,
    Short,
    UShort,
    Int,
    UInt,
    Long,
    ULong,
    Bool,
    Pointer,
    Float,
    Double,
}

/// Integer-class kinds, in the order the fixtures cycle through them.
const INTEGER_KINDS: [Kind; 10] = [
    Kind::SChar,
    Kind::UShort,
    Kind::Int,
    Kind::Pointer,
    Kind::ULong,
    Kind::Bool,
    Kind::Short,
    Kind::UChar,
    Kind::Long,
    Kind::UInt,
];

/// The result classes: `void`, an integer class, `float`, `double`.
pub const RESULT_CLASSES: usize = 4;

/// A value a fixture passes or returns: integers as `i128` so that every C integer fits.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Expected {
    Integer(i128),
    Floating(f64),
}

impl Kind {
    /// The C spelling.
    pub fn c_name(self) -> &'static str {
        match self {
            Kind::SChar => "signed char",
            Kind::UChar => "unsigned char",
            Kind::Short => "short",
            Kind::UShort => "unsigned short",
            Kind::Int => "int",
            Kind::UInt => "unsigned int",
            Kind::Long => "long",
            Kind::ULong => "unsigned long",
            Kind::Bool => "_Bool",
            Kind::Pointer => "void *",
            Kind::Float => "float",
            Kind::Double => "double",
        }
    }

    /// The value at argument position `position` (or, for a result, a value derived from the
    /// function's counts): near the extremes of the type, so that a lost sign or high bit,
    /// or an argument read from the wrong register, shows.
    pub fn value(self, position: usize) -> Expected {
        let p = position as i128;
        match self {
            Kind::SChar => Expected::Integer(-128 + p),
            Kind::UChar => Expected::Integer(255 - p),
            Kind::Short => Expected::Integer(-32768 + 3 * p),
            Kind::UShort => Expected::Integer(65535 - p),
            Kind::Int => Expected::Integer(-2_147_483_648 + 7 * p),
            Kind::UInt => Expected::Integer(4_294_967_295 - 5 * p),
            Kind::Long => Expected::Integer(-(1 << 62) - 11 * p),
            Kind::ULong => Expected::Integer((1 << 63) + 13 * p),
            Kind::Bool => Expected::Integer(1 - p % 2),
            Kind::Pointer => Expected::Integer(0x7fff_dead_0000 + 8 * p),
            Kind::Float => Expected::Floating(-1.5 * position as f64 - 0.25),
            Kind::Double => Expected::Floating(1e300 / (position as f64 + 1.0)),
        }
    }

    /// The value as a C expression of this type.
    pub fn c_literal(self, value: Expected) -> String {
        match (self, value) {
            (Kind::Pointer, Expected::Integer(n)) => format!("(void *){n:#x}UL"),
            (Kind::ULong | Kind::UInt, Expected::Integer(n)) => format!("({}){n}UL", self.c_name()),
            (_, Expected::Integer(n)) => format!("({})({n}L)", self.c_name()),
            (Kind::Float, Expected::Floating(x)) => format!("{x:?}f"),
            (_, Expected::Floating(x)) => format!("{x:e}"),
        }
    }
}

/// The argument kinds of the fixture with `ints` integer-class and `floats` floating
/// arguments: the two kinds interleaved, starting with a floating one for some counts, so that
/// each class's registers are filled in an order that differs from the declaration's.
pub fn arguments(ints: usize, floats: usize) -> Vec<Kind> {
    let integer = |i: usize| INTEGER_KINDS[(i + ints + 2 * floats) % INTEGER_KINDS.len()];
    let floating = |i: usize| {
        if (i + ints).is_multiple_of(2) {
            Kind::Double
        } else {
            Kind::Float
        }
    };
    let mut kinds = Vec::with_capacity(ints + floats);
    let (mut i, mut f) = (0, 0);
    let mut float_turn = (ints + floats) % 2 == 1;
    while i < ints || f < floats {
        if (float_turn && f < floats) || i == ints {
            kinds.push(floating(f));
            f += 1;
        } else {
            kinds.push(integer(i));
            i += 1;
        }
        float_turn = !float_turn;
    }
    kinds
}

/// The result kind of result class `class` (`None` for `void`).
pub fn result(ints: usize, floats: usize, class: usize) -> Option<Kind> {
    match class {
        0 => None,
        1 => Some(INTEGER_KINDS[(ints * 3 + floats) % INTEGER_KINDS.len()]),
        2 => Some(Kind::Float),
        _ => Some(Kind::Double),
    }
}

/// The result a fixture returns when every argument matched (never zero: a mismatch returns
/// zero).
pub fn result_value(kind: Kind, ints: usize, floats: usize) -> Expected {
    match kind {
        Kind::Bool => Expected::Integer(1),
        _ => kind.value(ints * 9 + floats + 1),
    }
}

/// The fixture function's name.
pub fn name(ints: usize, floats: usize, class: usize) -> String {
    format!("reg_{ints}_{floats}_{class}")
}

/// The counts of every fixture: every combination that fits in registers, and two that do
/// not (7 integer-class arguments; 9 floating ones).
pub fn all_counts() -> Vec<(usize, usize, usize)> {
    let mut counts = Vec::new();
    for ints in 0..=6 {
        for floats in 0..=8 {
            for class in 0..RESULT_CLASSES {
                counts.push((ints, floats, class));
            }
        }
    }
    for class in 0..RESULT_CLASSES {
        counts.push((7, 0, class));
        counts.push((2, 9, class));
    }
    counts
}

/// The C source of every fixture function, plus `reg_mismatch()`, which tells the position of
/// the first argument the last fixture called found wrong (-1: none).
pub fn c_source() -> String {
    let mut c = String::from(
        "/* Written by build.rs from src/register_shapes.rs. */\n\
         static _Thread_local int mismatch = -1;\n\
         int reg_mismatch(void) { return mismatch; }\n",
    );
    for (ints, floats, class) in all_counts() {
        let kinds = arguments(ints, floats);
        let result = result(ints, floats, class);
        let params = if kinds.is_empty() {
            "void".to_owned()
        } else {
            kinds
                .iter()
                .enumerate()
                .map(|(p, k)| format!("{} a{p}", k.c_name()))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let result_type = result.map_or("void", Kind::c_name);
        c.push_str(&format!(
            "{result_type} {}({params}) {{\n    mismatch = -1;\n",
            name(ints, floats, class)
        ));
        for (p, k) in kinds.iter().enumerate().rev() {
            c.push_str(&format!(
                "    if (a{p} != {}) mismatch = {p};\n",
                k.c_literal(k.value(p))
            ));
        }
        if let Some(r) = result {
            c.push_str(&format!(
                "    if (mismatch >= 0) return 0;\n    return {};\n",
                r.c_literal(result_value(r, ints, floats))
            ));
        }
        c.push_str("}\n");
    }
    c
}
