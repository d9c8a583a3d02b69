//! Building a struct or union: members as declared, then the layout engine places them.

use std::collections::HashMap;

use super::ctype::{CType, TypeKind};
use super::record::{Field, Record, RecordDef, RecordKind};
use crate::error::{Error, RecordProblem, Result};
use crate::layout::{self, ByteOrder, FieldShape, LayoutRules, RecordShape};

impl CType {
    /// Starts the definition of a struct; `""` for one without a tag.
    pub fn struct_builder(tag: &str) -> RecordBuilder {
        RecordBuilder::new(RecordKind::Struct, tag)
    }

    /// Starts the definition of a union; `""` for one without a tag.
    pub fn union_builder(tag: &str) -> RecordBuilder {
        RecordBuilder::new(RecordKind::Union, tag)
    }
}

/// A member as declared, before layout.
#[derive(Clone, Debug)]
struct MemberDecl {
    name: Option<String>,
    ty: CType,
    bit_width: Option<u32>,
    anonymous: bool,
}

/// Builds the definition of a struct or union.
///
/// ```
/// use ctypes_core::{ByteOrder, CType, Scalar};
///
/// let flags = CType::struct_builder("flags")
///     .field("tag", CType::scalar(Scalar::UChar))
///     .bit_field("ready", CType::scalar(Scalar::UInt), 1)
///     .bit_field("count", CType::scalar(Scalar::UInt), 12)
///     .byte_order(ByteOrder::Big)
///     .build()?;
/// let def = flags.as_record().unwrap().definition().unwrap();
/// assert_eq!(def.size(), 4);
/// assert_eq!(def.fields()[2].bit_position(), 9);
/// # Ok::<(), ctypes_core::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct RecordBuilder {
    kind: RecordKind,
    tag: Option<String>,
    members: Vec<MemberDecl>,
    rules: LayoutRules,
    pack: Option<usize>,
    align: Option<usize>,
    byte_order: ByteOrder,
}

impl RecordBuilder {
    /// Starts a record of the given kind; an empty `tag` means none.
    pub fn new(kind: RecordKind, tag: &str) -> RecordBuilder {
        RecordBuilder {
            kind,
            tag: (!tag.is_empty()).then(|| tag.to_owned()),
            members: Vec::new(),
            rules: LayoutRules::NATIVE,
            pack: None,
            align: None,
            byte_order: ByteOrder::NATIVE,
        }
    }

    fn member(
        mut self,
        name: Option<&str>,
        ty: CType,
        bit_width: Option<u32>,
        anonymous: bool,
    ) -> Self {
        self.members.push(MemberDecl {
            name: name.map(str::to_owned),
            ty,
            bit_width,
            anonymous,
        });
        self
    }

    /// Adds a named field.
    pub fn field(self, name: &str, ty: CType) -> Self {
        self.member(Some(name), ty, None, false)
    }

    /// Adds a named bit-field of `width` bits.
    pub fn bit_field(self, name: &str, ty: CType, width: u32) -> Self {
        self.member(Some(name), ty, Some(width), false)
    }

    /// Adds an unnamed bit-field (`int : 3;`), which is padding; width 0 ends the current
    /// storage unit.
    pub fn unnamed_bit_field(self, ty: CType, width: u32) -> Self {
        self.member(None, ty, Some(width), false)
    }

    /// Adds an anonymous struct or union member, whose fields are reachable by name from this
    /// record.
    ///
    /// The member keeps its own attributes: in C an anonymous member defined under
    /// `#pragma pack(n)` is packed too, so build it with the same [`pack`](Self::pack); its byte
    /// order and layout rules are its own, as with GCC's `scalar_storage_order` and `ms_struct`.
    pub fn anonymous(self, ty: CType) -> Self {
        self.member(None, ty, None, true)
    }

    /// Caps every member's alignment at `n` bytes, as `#pragma pack(n)` does.
    pub fn pack(mut self, n: usize) -> Self {
        self.pack = Some(n);
        self
    }

    /// Raises the record's alignment to at least `n` bytes, as `__attribute__((aligned(n)))`.
    pub fn align(mut self, n: usize) -> Self {
        self.align = Some(n);
        self
    }

    /// Lays the record out by the given compiler's rules (default: the target's).
    pub fn rules(mut self, rules: LayoutRules) -> Self {
        self.rules = rules;
        self
    }

    /// Stores the record's scalars in the given byte order (default: the target's), as
    /// `__attribute__((scalar_storage_order(...)))`.
    pub fn byte_order(mut self, order: ByteOrder) -> Self {
        self.byte_order = order;
        self
    }

    /// Defines a new record type.
    pub fn build(self) -> Result<CType> {
        let ty = CType::undefined(self.kind, self.tag.clone(), false);
        self.define(&ty)?;
        Ok(ty)
    }

    /// Completes a record made by [`CType::declare_struct`] or [`CType::declare_union`].
    ///
    /// The record of a `#[c_struct]` or `#[c_union]` type (reached through
    /// `CTyped::c_type_declared`) is refused: only its Rust declaration defines it.
    pub fn define(self, declared: &CType) -> Result<()> {
        if let TypeKind::Record(r) = declared.kind() {
            if r.sealed {
                return Err(Error::DefinedByDeclaration(r.c_name()));
            }
        }
        self.define_sealed(declared)
    }

    /// [`RecordBuilder::define`], for the record of a Rust declaration too.
    pub(crate) fn define_sealed(self, declared: &CType) -> Result<()> {
        let record = match declared.kind() {
            TypeKind::Record(r) if r.kind == self.kind => r,
            _ => {
                return Err(Error::TypeMismatch {
                    expected: format!("a declared {}", self.kind.keyword()),
                    found: format!("`{}`", declared),
                })
            }
        };
        // `struct beta { ... }` never completes `struct alpha`; an untagged builder takes the
        // declaration's tag.
        if self.tag.is_some() && self.tag != record.tag {
            return Err(Error::TypeMismatch {
                expected: format!(
                    "a declared {} {}",
                    self.kind.keyword(),
                    self.tag.as_deref().unwrap_or_default()
                ),
                found: format!("`{}`", declared),
            });
        }
        if record.is_defined() {
            return Err(Error::AlreadyDefined(record.c_name()));
        }
        let definition = self.lay_out(record, declared)?;
        record
            .definition
            .set(definition)
            .map_err(|_| Error::AlreadyDefined(record.c_name()))
    }

    fn lay_out(self, record: &Record, this: &CType) -> Result<RecordDef> {
        let invalid = |field: Option<&str>, problem| Error::InvalidRecord {
            record: record.c_name(),
            field: field.map(str::to_owned),
            problem,
        };
        if let Some(n) = self.pack.filter(|n| !n.is_power_of_two()) {
            return Err(invalid(None, RecordProblem::PackNotPowerOfTwo(n)));
        }
        if let Some(n) = self.align.filter(|n| !n.is_power_of_two()) {
            return Err(invalid(None, RecordProblem::AlignNotPowerOfTwo(n)));
        }
        let mut shapes = Vec::with_capacity(self.members.len());
        let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
        for (index, member) in self.members.iter().enumerate() {
            let shown = member
                .name
                .as_deref()
                .filter(|name| !name.is_empty())
                .map_or_else(|| format!("#{index}"), str::to_owned);
            let fail = |problem| invalid(Some(&shown), problem);
            if member.name.as_deref() == Some("") {
                return Err(fail(RecordProblem::EmptyName));
            }
            if contains_by_value(&member.ty, this) {
                return Err(fail(RecordProblem::ContainsItself));
            }
            if member.ty.is_void() || member.ty.as_function().is_some() {
                return Err(fail(RecordProblem::NotAnObjectType(member.ty.to_string())));
            }
            if !member.ty.is_complete() {
                return Err(fail(RecordProblem::IncompleteField(member.ty.to_string())));
            }
            let size = member.ty.size()?;
            if let Some(width) = member.bit_width {
                let scalar = member.ty.as_scalar().filter(|s| s.is_integral());
                let Some(scalar) = scalar else {
                    return Err(fail(RecordProblem::BitFieldType(member.ty.to_string())));
                };
                if width == 0 && member.name.is_some() {
                    return Err(fail(RecordProblem::ZeroWidthNamed));
                }
                let max = match scalar.class() {
                    super::scalar::ScalarClass::Bool => 1,
                    _ => (size * 8) as u32,
                };
                if width > max {
                    return Err(fail(RecordProblem::BitFieldTooWide { width, max }));
                }
            }
            if member.anonymous {
                let Some(inner) = member.ty.as_record().and_then(Record::definition) else {
                    return Err(fail(RecordProblem::AnonymousNotRecord(
                        member.ty.to_string(),
                    )));
                };
                for (name, path) in &inner.by_name {
                    let mut full = vec![index];
                    full.extend_from_slice(path);
                    if by_name.insert(name.clone(), full).is_some() {
                        return Err(invalid(Some(name), RecordProblem::DuplicateField));
                    }
                }
            } else if let Some(name) = &member.name {
                if by_name.insert(name.clone(), vec![index]).is_some() {
                    return Err(fail(RecordProblem::DuplicateField));
                }
            }
            shapes.push(FieldShape {
                size: size as u64,
                align: member.ty.align()? as u64,
                bit_width: member.bit_width,
                named: member.name.is_some() || member.anonymous,
            });
        }
        let shape = RecordShape {
            is_union: self.kind == RecordKind::Union,
            rules: self.rules,
            pack: self.pack.map(|n| n as u64),
            align: self.align.map(|n| n as u64),
        };
        let computed = layout::lay_out(&shape, &shapes)
            .ok_or_else(|| invalid(None, RecordProblem::TooLarge))?;
        let fields = self
            .members
            .into_iter()
            .zip(computed.bit_positions)
            .map(|(member, bit_position)| Field {
                name: member.name,
                ty: member.ty,
                bit_position,
                bit_width: member.bit_width,
                anonymous: member.anonymous,
            })
            .collect();
        Ok(RecordDef {
            fields,
            size: computed.size as usize,
            align: computed.align as usize,
            rules: self.rules,
            pack: self.pack,
            align_attr: self.align,
            byte_order: self.byte_order,
            by_name,
        })
    }
}

/// Whether `ty` holds `record` by value: is it, or an array of it.
fn contains_by_value(ty: &CType, record: &CType) -> bool {
    let mut ty = ty;
    while let Some((element, _)) = ty.as_array() {
        ty = element;
    }
    ty.same_object(record)
}
