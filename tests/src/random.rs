//! A seeded generator of random records that GCC accepts.
//!
//! Every record is valid GNU C11. The only things left out are those GCC rejects:
//! - a named bit-field of width 0, a bit-field wider than its type, a `_Bool` bit-field wider
//!   than 1 (C constraints);
//! - a record with no named member (undefined behaviour in C11, 6.7.2.1p8): one is added;
//! - arrays of length 0 and empty records (GNU extensions, not C), unless the [`Shape`] asks
//!   for them;
//! - anonymous members with a tag (C11 allows only untagged ones).
//!
//! Stores into a `long double` held in reverse byte order are left out by [`crate::model`], not
//! here: such members are generated and laid out.

use ctypes_core::Scalar;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::model::{Case, FieldType, Kind, Member, RecordSpec};

/// How deep anonymous members nest.
const ANONYMOUS_DEPTH: usize = 2;

/// What kind of records a [`Generator`] makes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Shape {
    /// How many leaves the record under test may have.
    pub top_leaves: usize,
    /// How many leaves each record it nests may have.
    pub helper_leaves: usize,
    /// The most members (runs of bit-fields and anonymous members count as one) a record
    /// starts with.
    pub max_members: usize,
    /// The chance that a scalar member is `float`, `double` or `long double` rather than any
    /// scalar.
    pub floating: f64,
    /// Whether arrays of length 0 and records with no members (GNU extensions) are made.
    pub gnu_empty: bool,
    /// The chance that a record is a union.
    pub unions: f64,
    /// The chance that a named record is defined under `#pragma pack`.
    pub packed: f64,
    /// The chance that a run of bit-fields is one zero-width bit-field alone, besides those
    /// that runs hold anyway.
    pub zero_width_alone: f64,
}

impl Shape {
    /// Large records for the layout engine: every scalar alike, no GNU extensions.
    pub const LAYOUT: Shape = Shape {
        top_leaves: 40,
        helper_leaves: 12,
        max_members: 8,
        floating: 0.0,
        gnu_empty: false,
        unions: 0.25,
        packed: 0.25,
        zero_width_alone: 0.0,
    };

    /// Small records, mostly of at most 16 bytes, many of them floating, zero-length arrays
    /// and empty records among them: the shapes the calling convention classifies.
    pub const SMALL: Shape = Shape {
        top_leaves: 5,
        helper_leaves: 3,
        max_members: 4,
        floating: 0.4,
        gnu_empty: true,
        unions: 0.4,
        packed: 0.4,
        zero_width_alone: 0.3,
    };
}

/// Makes [`Case`]s from a seed.
#[derive(Debug)]
pub struct Generator {
    rng: ChaCha8Rng,
    names: usize,
    shape: Shape,
}

/// Where a record is being generated.
struct Scope<'a> {
    /// The records defined before this one in the case.
    earlier: &'a [RecordSpec],
    /// The index the named record being generated will have.
    this: usize,
    /// Leaves still allowed.
    budget: usize,
}

impl Generator {
    /// A generator of [`Shape::LAYOUT`] records whose output depends only on `seed`.
    pub fn new(seed: u64) -> Generator {
        Generator::with_shape(seed, Shape::LAYOUT)
    }

    /// A generator of records of the given shape whose output depends only on `seed` and the
    /// shape.
    pub fn with_shape(seed: u64, shape: Shape) -> Generator {
        Generator {
            rng: ChaCha8Rng::seed_from_u64(seed),
            names: 0,
            shape,
        }
    }

    /// The generator's random source, for choices made around its records.
    pub fn rng(&mut self) -> &mut ChaCha8Rng {
        &mut self.rng
    }

    /// A case: up to two helper records and the record under test that may use them.
    pub fn case(&mut self, id: usize) -> Case {
        self.names = 0;
        let helpers = *[0, 0, 1, 1, 1, 2, 2]
            .choose(&mut self.rng)
            .expect("not empty");
        let mut records = Vec::new();
        for index in 0..=helpers {
            let budget = if index == helpers {
                self.shape.top_leaves
            } else {
                self.shape.helper_leaves
            };
            let tag = format!("c{id}_r{index}");
            let pack = self
                .rng
                .gen_bool(self.shape.packed)
                .then(|| *[1, 2, 4, 8].choose(&mut self.rng).expect("not empty"));
            let mut scope = Scope {
                earlier: &records,
                this: index,
                budget,
            };
            let record = self.record(&mut scope, Some(tag), pack, 0);
            records.push(record);
        }
        Case { id, records }
    }

    fn record(
        &mut self,
        scope: &mut Scope<'_>,
        tag: Option<String>,
        pack: Option<usize>,
        depth: usize,
    ) -> RecordSpec {
        let rng = &mut self.rng;
        let kind = if rng.gen_bool(self.shape.unions) {
            Kind::Union
        } else {
            Kind::Struct
        };
        let align = rng
            .gen_bool(0.15)
            .then(|| *[1, 2, 4, 8, 16, 32, 64].choose(rng).expect("not empty"));
        let ms_struct = rng.gen_bool(0.25);
        let big_endian = rng.gen_bool(0.25);
        let count = rng.gen_range(1..=self.shape.max_members);
        // An anonymous member with no members would declare nothing, so only named records
        // are made empty: with no members at all, or with padding and zero-length arrays only.
        let empty = self.shape.gnu_empty && tag.is_some() && self.rng.gen_bool(0.1);
        let mut members = Vec::new();
        if empty && self.rng.gen_bool(0.7) {
            for _ in 0..count {
                self.padding(&mut members);
            }
        }
        while !empty && members.len() < count && scope.budget > 0 {
            self.members(scope, pack, depth, &mut members);
        }
        let has_name = members.iter().any(|m| match m {
            Member::Field { .. } | Member::Anonymous(_) => true,
            Member::BitField { name, .. } => name.is_some(),
        });
        if !has_name && !empty {
            let scalar = self.scalar();
            members.push(Member::Field {
                name: self.name(),
                ty: FieldType::Scalar(scalar),
            });
        }
        RecordSpec {
            kind,
            tag,
            members,
            pack,
            align,
            ms_struct,
            big_endian,
        }
    }

    /// Adds one member, or a run of bit-fields.
    fn members(
        &mut self,
        scope: &mut Scope<'_>,
        pack: Option<usize>,
        depth: usize,
        out: &mut Vec<Member>,
    ) {
        let roll = self.rng.gen_range(0..100);
        if roll < 30 {
            let scalar = self.scalar();
            self.push_field(scope, out, FieldType::Scalar(scalar));
        } else if roll < 60 {
            if self.shape.zero_width_alone > 0.0 && self.rng.gen_bool(self.shape.zero_width_alone) {
                let Member::BitField { scalar, .. } = self.bit_field() else {
                    unreachable!("bit_field makes bit-fields")
                };
                out.push(Member::BitField {
                    name: None,
                    scalar,
                    width: 0,
                });
                return;
            }
            for _ in 0..self.rng.gen_range(1..=4) {
                let bit_field = self.bit_field();
                if matches!(bit_field, Member::BitField { name: Some(_), .. }) {
                    scope.budget = scope.budget.saturating_sub(1);
                }
                out.push(bit_field);
            }
        } else if roll < 67 {
            let ty = self.pointer(scope);
            self.push_field(scope, out, ty);
        } else if roll < 80 {
            let ty = self.array(scope);
            self.push_field(scope, out, ty);
        } else if roll < 90 && !scope.earlier.is_empty() {
            let index = self.rng.gen_range(0..scope.earlier.len());
            let ty = FieldType::Record(index);
            if ty.leaf_count(scope.earlier) <= scope.budget {
                self.push_field(scope, out, ty);
            }
        } else if depth < ANONYMOUS_DEPTH && scope.budget >= 2 {
            let mut inner = Scope {
                earlier: scope.earlier,
                this: scope.this,
                budget: scope.budget.min(12),
            };
            let record = self.record(&mut inner, None, pack, depth + 1);
            scope.budget = scope
                .budget
                .saturating_sub(record.leaf_count(scope.earlier));
            out.push(Member::Anonymous(record));
        }
    }

    /// Adds a member with no data: an unnamed bit-field, or an array of length 0.
    fn padding(&mut self, out: &mut Vec<Member>) {
        if self.rng.gen_bool(0.6) {
            let Member::BitField { scalar, width, .. } = self.bit_field() else {
                unreachable!("bit_field makes bit-fields")
            };
            out.push(Member::BitField {
                name: None,
                scalar,
                width,
            });
        } else {
            let element = FieldType::Scalar(self.scalar());
            out.push(Member::Field {
                name: self.name(),
                ty: FieldType::Array(Box::new(element), 0),
            });
        }
    }

    fn push_field(&mut self, scope: &mut Scope<'_>, out: &mut Vec<Member>, ty: FieldType) {
        scope.budget = scope.budget.saturating_sub(ty.leaf_count(scope.earlier));
        out.push(Member::Field {
            name: self.name(),
            ty,
        });
    }

    fn name(&mut self) -> String {
        self.names += 1;
        format!("f{}", self.names - 1)
    }

    fn scalar(&mut self) -> Scalar {
        if self.shape.floating > 0.0 && self.rng.gen_bool(self.shape.floating) {
            const FLOATING: [Scalar; 5] = [
                Scalar::Float,
                Scalar::Float,
                Scalar::Double,
                Scalar::Double,
                Scalar::LongDouble,
            ];
            return *FLOATING.choose(&mut self.rng).expect("not empty");
        }
        *Scalar::ALL.choose(&mut self.rng).expect("not empty")
    }

    fn bit_field(&mut self) -> Member {
        let integral: Vec<Scalar> = Scalar::ALL
            .iter()
            .copied()
            .filter(|s| s.is_integral())
            .collect();
        let scalar = *integral.choose(&mut self.rng).expect("not empty");
        let max = if scalar == Scalar::Bool {
            1
        } else {
            scalar.size() as u32 * 8
        };
        let rng = &mut self.rng;
        let width = match rng.gen_range(0..10) {
            0 => 0,
            1 => max,
            2 => 1,
            3 => max.saturating_sub(1).max(1),
            _ => rng.gen_range(1..=max),
        };
        let name = (width != 0 && rng.gen_bool(0.8)).then(|| self.name());
        Member::BitField {
            name,
            scalar,
            width,
        }
    }

    fn pointer(&mut self, scope: &Scope<'_>) -> FieldType {
        match self.rng.gen_range(0..4) {
            0 => FieldType::VoidPtr,
            1 => FieldType::CharPtr,
            2 => FieldType::RecordPtr(scope.this),
            _ => FieldType::RecordPtr(self.rng.gen_range(0..=scope.this)),
        }
    }

    /// An array of one to three dimensions of scalars, pointers or earlier records, within the
    /// leaf budget.
    fn array(&mut self, scope: &Scope<'_>) -> FieldType {
        let roll = self.rng.gen_range(0..10);
        let element = if roll < 6 || (roll >= 7 && scope.earlier.is_empty()) {
            FieldType::Scalar(self.scalar())
        } else if roll < 7 {
            self.pointer(scope)
        } else {
            FieldType::Record(self.rng.gen_range(0..scope.earlier.len()))
        };
        let mut ty = element;
        let dims = *[1, 1, 1, 2, 2, 3].choose(&mut self.rng).expect("not empty");
        for _ in 0..dims {
            let len = if self.shape.gnu_empty && self.rng.gen_bool(0.2) {
                0
            } else {
                self.rng.gen_range(1..=4)
            };
            let bigger = FieldType::Array(Box::new(ty.clone()), len);
            if bigger.leaf_count(scope.earlier) > scope.budget.max(1) {
                break;
            }
            ty = bigger;
        }
        match ty {
            FieldType::Array(..) => ty,
            element => FieldType::Array(Box::new(element), 1),
        }
    }
}
