//! Records as small syntax trees: printed as C, walked for their member paths and leaves.
//!
//! A [`Case`] is a handful of records defined one after another in a C program; the last one is
//! the record under test and the earlier ones are the types it nests or points to. Member paths
//! are written as C writes them (`hdr.items[3].len`), which is also how `ctypes-core` names them;
//! members of anonymous structs and unions are reached by their own names.

use std::fmt::Write as _;

use ctypes_core::{Complex, LongDouble, Scalar, ScalarClass, Value};

/// Struct or union.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `struct`
    Struct,
    /// `union`
    Union,
}

impl Kind {
    /// The C keyword.
    pub fn keyword(self) -> &'static str {
        match self {
            Kind::Struct => "struct",
            Kind::Union => "union",
        }
    }
}

/// A struct or union definition.
#[derive(Clone, Debug)]
pub struct RecordSpec {
    /// Struct or union.
    pub kind: Kind,
    /// The tag; `None` for an anonymous member.
    pub tag: Option<String>,
    /// The members, in declaration order.
    pub members: Vec<Member>,
    /// The `#pragma pack` in force where the record is defined. An anonymous member is defined
    /// inside its parent, so it has its parent's.
    pub pack: Option<usize>,
    /// `__attribute__((aligned(N)))` on the record.
    pub align: Option<usize>,
    /// `__attribute__((ms_struct))`: Microsoft layout rules.
    pub ms_struct: bool,
    /// `__attribute__((scalar_storage_order("big-endian")))`.
    pub big_endian: bool,
}

/// One member of a record.
#[derive(Clone, Debug)]
pub enum Member {
    /// A named member that is not a bit-field.
    Field {
        /// Its name.
        name: String,
        /// Its type.
        ty: FieldType,
    },
    /// A bit-field, named or not (`int : 3;`, `long : 0;`).
    BitField {
        /// Its name; `None` for padding.
        name: Option<String>,
        /// The declared type: `_Bool` or an integer type.
        scalar: Scalar,
        /// The width in bits.
        width: u32,
    },
    /// An anonymous struct or union, defined in place (C11).
    Anonymous(RecordSpec),
}

/// The type of a [`Member::Field`].
#[derive(Clone, Debug)]
pub enum FieldType {
    /// A scalar.
    Scalar(Scalar),
    /// `void *`
    VoidPtr,
    /// `char *`
    CharPtr,
    /// A pointer to the case's record of this index, which may be the record being defined.
    RecordPtr(usize),
    /// The case's record of this index, defined earlier.
    Record(usize),
    /// An array of `len` elements.
    Array(Box<FieldType>, usize),
}

/// Records defined one after another; the last is the one under test.
#[derive(Clone, Debug)]
pub struct Case {
    /// A number unique in the program, used in tags and function names.
    pub id: usize,
    /// The records; each may use the ones before it, and point to itself.
    pub records: Vec<RecordSpec>,
}

/// What a leaf is: the thing an assignment stores.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LeafKind {
    /// A scalar member or array element.
    Scalar(Scalar),
    /// A named bit-field.
    BitField(Scalar, u32),
    /// A pointer member or array element.
    Pointer,
}

/// A scalar, bit-field or pointer reachable from the record under test.
#[derive(Clone, Debug)]
pub struct Leaf {
    /// The C path from the record, as in `a.b[2].c`.
    pub path: String,
    /// What it is.
    pub kind: LeafKind,
    /// Whether the record that declares it stores scalars big-endian.
    pub in_big_endian: bool,
}

impl Leaf {
    /// Whether C may assign to the leaf. GCC refuses every access to a `long double` stored in
    /// reverse byte order ("sorry, unimplemented: reverse storage order for XFmode"), so such
    /// leaves are laid out and their offsets checked, but nothing is stored in them.
    pub fn assignable(&self) -> bool {
        !(self.in_big_endian
            && matches!(
                self.kind,
                LeafKind::Scalar(Scalar::LongDouble | Scalar::LongDoubleComplex)
            ))
    }

    /// The values stored in the leaf, one C program run each.
    pub fn patterns(&self) -> &'static [Pattern] {
        match self.kind {
            LeafKind::Scalar(Scalar::Bool) | LeafKind::BitField(Scalar::Bool, _) => {
                &[Pattern::One, Pattern::Zero]
            }
            _ => &Pattern::ALL,
        }
    }
}

/// A value stored in a leaf.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pattern {
    /// `-1`: all ones in an integer, `-1.0`, the pointer `(void *)-1`.
    MinusOne,
    /// `1`, `1.0`, `(void *)1`.
    One,
    /// `0x5a5a5a5a5a5a5a5a`, cut to the leaf's width as C's conversion does; `23130.3515625`
    /// (`0x5a5a5a / 256`, exact in every floating type) for floating leaves.
    Fives,
    /// `0`.
    Zero,
}

impl Pattern {
    /// Every pattern.
    pub const ALL: [Pattern; 4] = [
        Pattern::MinusOne,
        Pattern::One,
        Pattern::Fives,
        Pattern::Zero,
    ];

    /// The integer bit pattern, before it is cut to the leaf's width.
    pub fn bits(self) -> u64 {
        match self {
            Pattern::MinusOne => u64::MAX,
            Pattern::One => 1,
            Pattern::Fives => 0x5a5a_5a5a_5a5a_5a5a,
            Pattern::Zero => 0,
        }
    }

    /// The imaginary part for complex leaves: `0.5 - float()`, distinct from the real part
    /// and exact in every floating type.
    pub fn imaginary(self) -> f64 {
        0.5 - self.float()
    }

    /// The value for floating leaves (the real part for complex ones).
    pub fn float(self) -> f64 {
        match self {
            Pattern::MinusOne => -1.0,
            Pattern::One => 1.0,
            Pattern::Fives => f64::from(0x5a5a5a) / 256.0,
            Pattern::Zero => 0.0,
        }
    }

    /// The value `ctypes-core` stores into a leaf of this kind, with C's wrapping conversions.
    /// Both integer variants are used, so that both are exercised.
    pub fn value(self, kind: LeafKind) -> Value {
        match kind {
            LeafKind::Pointer => Value::Pointer(self.bits() as usize),
            LeafKind::Scalar(Scalar::Bool) | LeafKind::BitField(Scalar::Bool, _) => {
                Value::Bool(self.bits() != 0)
            }
            LeafKind::Scalar(Scalar::Float) => Value::Float(self.float() as f32),
            LeafKind::Scalar(Scalar::Double) => Value::Double(self.float()),
            LeafKind::Scalar(Scalar::LongDouble) => {
                Value::LongDouble(LongDouble::from_f64(self.float()))
            }
            LeafKind::Scalar(Scalar::FloatComplex) => {
                Value::FloatComplex(Complex::new(self.float() as f32, self.imaginary() as f32))
            }
            LeafKind::Scalar(Scalar::DoubleComplex) => {
                Value::DoubleComplex(Complex::new(self.float(), self.imaginary()))
            }
            LeafKind::Scalar(Scalar::LongDoubleComplex) => Value::LongDoubleComplex(Complex::new(
                LongDouble::from_f64(self.float()),
                LongDouble::from_f64(self.imaginary()),
            )),
            LeafKind::Scalar(_) | LeafKind::BitField(..) => match self {
                Pattern::MinusOne => Value::Int(-1),
                Pattern::One => Value::Int(1),
                Pattern::Fives => Value::UInt(self.bits()),
                Pattern::Zero => Value::UInt(0),
            },
        }
    }

    /// The C expression stored into a leaf of this kind.
    pub fn c_value(self, kind: LeafKind) -> String {
        match kind {
            LeafKind::Pointer => match self {
                Pattern::MinusOne => "(void *)-1".to_owned(),
                _ => format!("(void *){:#x}ULL", self.bits()),
            },
            LeafKind::Scalar(s) if s.class() == ScalarClass::Complex => {
                let part = s.complex_part().expect("a complex type");
                format!(
                    "__builtin_complex(({part}){:?}, ({part}){:?})",
                    self.float(),
                    self.imaginary()
                )
            }
            LeafKind::Scalar(s) if s.class() == ScalarClass::Float => {
                let suffix = if s == Scalar::LongDouble { "L" } else { "" };
                format!("{:?}{suffix}", self.float())
            }
            LeafKind::Scalar(_) | LeafKind::BitField(..) => match self {
                Pattern::MinusOne => "-1".to_owned(),
                Pattern::Zero => "0".to_owned(),
                _ => format!("{:#x}", self.bits()),
            },
        }
    }
}

impl RecordSpec {
    /// `struct tag` / `union tag`.
    pub fn c_type_name(&self) -> String {
        format!(
            "{} {}",
            self.kind.keyword(),
            self.tag.as_deref().unwrap_or("")
        )
    }

    /// Whether the record, or an anonymous member of it, points to the case's record `index`.
    pub fn points_to(&self, index: usize) -> bool {
        self.members.iter().any(|m| match m {
            Member::Field { ty, .. } => ty.points_to(index),
            Member::Anonymous(inner) => inner.points_to(index),
            Member::BitField { .. } => false,
        })
    }

    fn attributes(&self) -> String {
        let mut attrs = Vec::new();
        if let Some(n) = self.align {
            attrs.push(format!("aligned({n})"));
        }
        if self.ms_struct {
            attrs.push("ms_struct".to_owned());
        }
        if self.big_endian {
            attrs.push("scalar_storage_order(\"big-endian\")".to_owned());
        }
        if attrs.is_empty() {
            String::new()
        } else {
            format!(" __attribute__(({}))", attrs.join(", "))
        }
    }

    fn write_body(&self, case: &Case, out: &mut String, indent: usize) {
        let pad = "    ".repeat(indent);
        let tag = self
            .tag
            .as_deref()
            .map_or_else(String::new, |t| format!(" {t}"));
        let _ = writeln!(out, "{}{}{tag} {{", self.kind.keyword(), self.attributes());
        for member in &self.members {
            match member {
                Member::Field { name, ty } => {
                    let _ = writeln!(out, "{pad}    {};", ty.c_declaration(case, name));
                }
                Member::BitField {
                    name,
                    scalar,
                    width,
                } => {
                    let name = name.as_deref().unwrap_or("");
                    let _ = writeln!(out, "{pad}    {} {name} : {width};", scalar.c_name());
                }
                Member::Anonymous(inner) => {
                    out.push_str(&pad);
                    out.push_str("    ");
                    inner.write_body(case, out, indent + 1);
                    out.push_str(";\n");
                }
            }
        }
        out.push_str(&pad);
        out.push('}');
    }

    /// The record's definition as C, with its `#pragma pack` around it.
    pub fn c_definition(&self, case: &Case) -> String {
        let mut out = String::new();
        if let Some(n) = self.pack {
            let _ = writeln!(out, "#pragma pack(push, {n})");
        }
        self.write_body(case, &mut out, 0);
        out.push_str(";\n");
        if self.pack.is_some() {
            out.push_str("#pragma pack(pop)\n");
        }
        out
    }

    /// Appends the paths of the named non-bit-field members (every nested member, array and
    /// array element included) to `offsets`, and the leaves to `leaves`.
    pub fn walk(
        &self,
        case: &Case,
        prefix: &str,
        offsets: &mut Vec<String>,
        leaves: &mut Vec<Leaf>,
    ) {
        for member in &self.members {
            match member {
                Member::Field { name, ty } => {
                    ty.walk(
                        case,
                        &format!("{prefix}{name}"),
                        self.big_endian,
                        offsets,
                        leaves,
                    );
                }
                Member::BitField {
                    name: Some(name),
                    scalar,
                    width,
                } => leaves.push(Leaf {
                    path: format!("{prefix}{name}"),
                    kind: LeafKind::BitField(*scalar, *width),
                    in_big_endian: self.big_endian,
                }),
                Member::BitField { name: None, .. } => {}
                Member::Anonymous(inner) => inner.walk(case, prefix, offsets, leaves),
            }
        }
    }
}

impl FieldType {
    fn points_to(&self, index: usize) -> bool {
        match self {
            FieldType::RecordPtr(i) => *i == index,
            FieldType::Array(element, _) => element.points_to(index),
            _ => false,
        }
    }

    /// `int name[2][3]`, `struct t *name`.
    pub fn c_declaration(&self, case: &Case, name: &str) -> String {
        let mut dims = String::new();
        let mut ty = self;
        while let FieldType::Array(element, len) = ty {
            let _ = write!(dims, "[{len}]");
            ty = element;
        }
        let base = match ty {
            FieldType::Scalar(s) => format!("{} ", s.c_name()),
            FieldType::VoidPtr => "void *".to_owned(),
            FieldType::CharPtr => "char *".to_owned(),
            FieldType::RecordPtr(i) => format!("{} *", case.records[*i].c_type_name()),
            FieldType::Record(i) => format!("{} ", case.records[*i].c_type_name()),
            FieldType::Array(..) => unreachable!("arrays were peeled above"),
        };
        format!("{base}{name}{dims}")
    }

    fn walk(
        &self,
        case: &Case,
        path: &str,
        big_endian: bool,
        offsets: &mut Vec<String>,
        leaves: &mut Vec<Leaf>,
    ) {
        offsets.push(path.to_owned());
        let leaf = |kind| Leaf {
            path: path.to_owned(),
            kind,
            in_big_endian: big_endian,
        };
        match self {
            FieldType::Scalar(s) => leaves.push(leaf(LeafKind::Scalar(*s))),
            FieldType::VoidPtr | FieldType::CharPtr | FieldType::RecordPtr(_) => {
                leaves.push(leaf(LeafKind::Pointer));
            }
            FieldType::Record(i) => {
                case.records[*i].walk(case, &format!("{path}."), offsets, leaves)
            }
            FieldType::Array(element, len) => {
                for k in 0..*len {
                    element.walk(case, &format!("{path}[{k}]"), big_endian, offsets, leaves);
                }
            }
        }
    }

    /// How many leaves a member of this type has.
    pub fn leaf_count(&self, case_records: &[RecordSpec]) -> usize {
        match self {
            FieldType::Record(i) => case_records[*i].leaf_count(case_records),
            FieldType::Array(element, len) => len * element.leaf_count(case_records),
            _ => 1,
        }
    }
}

impl RecordSpec {
    /// How many leaves the record has.
    pub fn leaf_count(&self, case_records: &[RecordSpec]) -> usize {
        self.members
            .iter()
            .map(|m| match m {
                Member::Field { ty, .. } => ty.leaf_count(case_records),
                Member::BitField { name, .. } => usize::from(name.is_some()),
                Member::Anonymous(inner) => inner.leaf_count(case_records),
            })
            .sum()
    }
}

impl Case {
    /// The record under test.
    pub fn top(&self) -> &RecordSpec {
        self.records.last().expect("a case has at least one record")
    }

    /// Every record's definition, in order.
    pub fn c_definitions(&self) -> String {
        self.records.iter().map(|r| r.c_definition(self)).collect()
    }

    /// The offset paths and leaves of the case's record `index`.
    pub fn paths(&self, index: usize) -> (Vec<String>, Vec<Leaf>) {
        let mut offsets = Vec::new();
        let mut leaves = Vec::new();
        self.records[index].walk(self, "", &mut offsets, &mut leaves);
        (offsets, leaves)
    }
}

impl Case {
    /// The features the case exercises, one entry per occurrence, so that a run can show it
    /// covered what it should (see [`expected_features`]).
    pub fn features(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (index, record) in self.records.iter().enumerate() {
            record.features(index, false, &mut out);
        }
        out
    }
}

impl RecordSpec {
    fn features(&self, index: usize, anonymous: bool, out: &mut Vec<String>) {
        let kind = self.kind.keyword();
        out.push(kind.to_owned());
        if anonymous {
            out.push(format!("anonymous {kind}"));
        }
        if let Some(n) = self.pack {
            out.push(format!("pack({n})"));
        }
        if self.align.is_some() {
            out.push("aligned".to_owned());
        }
        if self.ms_struct {
            out.push(format!("ms_struct {kind}"));
        }
        if self.big_endian {
            out.push(format!("big-endian {kind}"));
        }
        for member in &self.members {
            match member {
                Member::Field { ty, .. } => ty.features(index, self, out),
                Member::BitField {
                    name,
                    scalar,
                    width,
                } => {
                    match (name, width) {
                        (_, 0) => out.push("zero-width bit-field".to_owned()),
                        (None, _) => out.push("unnamed bit-field".to_owned()),
                        (Some(_), _) => out.push(format!("bit-field {}", scalar.c_name())),
                    }
                    if *width != 0 {
                        for (on, what) in [
                            (self.pack.is_some(), "packed"),
                            (self.ms_struct, "ms_struct"),
                            (self.big_endian, "big-endian"),
                            (self.kind == Kind::Union, "union"),
                        ] {
                            if on {
                                out.push(format!("{what} bit-field"));
                            }
                        }
                    }
                }
                Member::Anonymous(inner) => inner.features(index, true, out),
            }
        }
    }
}

impl FieldType {
    fn features(&self, index: usize, record: &RecordSpec, out: &mut Vec<String>) {
        match self {
            FieldType::Scalar(s) => out.push(format!("field {}", s.c_name())),
            FieldType::VoidPtr => out.push("void *".to_owned()),
            FieldType::CharPtr => out.push("char *".to_owned()),
            FieldType::RecordPtr(i) if *i == index => out.push("pointer to itself".to_owned()),
            FieldType::RecordPtr(_) => out.push("pointer to a record".to_owned()),
            FieldType::Record(_) => out.push("nested record".to_owned()),
            FieldType::Array(element, _) => {
                let mut dims = 1;
                let mut inner = &**element;
                while let FieldType::Array(e, _) = inner {
                    dims += 1;
                    inner = e;
                }
                out.push(format!("array of {dims} dimension(s)"));
                match inner {
                    FieldType::Record(_) => out.push("array of records".to_owned()),
                    FieldType::Scalar(_) => out.push("array of scalars".to_owned()),
                    _ => out.push("array of pointers".to_owned()),
                }
                inner.features(index, record, out);
            }
        }
        let pointer = matches!(
            self,
            FieldType::VoidPtr | FieldType::CharPtr | FieldType::RecordPtr(_)
        );
        if pointer && record.big_endian {
            out.push("pointer in a big-endian record".to_owned());
        }
    }
}

/// What a run of the default size must have covered.
pub fn expected_features() -> Vec<String> {
    let mut out: Vec<String> = [
        "struct",
        "union",
        "anonymous struct",
        "anonymous union",
        "pack(1)",
        "pack(2)",
        "pack(4)",
        "pack(8)",
        "aligned",
        "ms_struct struct",
        "ms_struct union",
        "big-endian struct",
        "big-endian union",
        "zero-width bit-field",
        "unnamed bit-field",
        "packed bit-field",
        "ms_struct bit-field",
        "big-endian bit-field",
        "union bit-field",
        "void *",
        "char *",
        "pointer to itself",
        "pointer to a record",
        "pointer in a big-endian record",
        "nested record",
        "array of 1 dimension(s)",
        "array of 2 dimension(s)",
        "array of 3 dimension(s)",
        "array of records",
        "array of scalars",
        "array of pointers",
    ]
    .map(str::to_owned)
    .to_vec();
    for scalar in Scalar::ALL {
        out.push(format!("field {}", scalar.c_name()));
        if scalar.is_integral() {
            out.push(format!("bit-field {}", scalar.c_name()));
        }
    }
    out
}
