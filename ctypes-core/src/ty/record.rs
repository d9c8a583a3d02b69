//! Structs and unions: declaration, definition, fields.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use super::ctype::{CType, TypeKind};
use crate::error::{Error, RecordProblem, Result};
use crate::layout::{self, ByteOrder, FieldShape, LayoutRules, RecordShape};

/// Struct or union.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RecordKind {
    /// `struct`
    Struct,
    /// `union`
    Union,
}

impl RecordKind {
    /// The C keyword.
    pub const fn keyword(self) -> &'static str {
        match self {
            RecordKind::Struct => "struct",
            RecordKind::Union => "union",
        }
    }
}

/// A struct or union type: its tag, and once defined, its fields and layout.
pub struct Record {
    kind: RecordKind,
    tag: Option<String>,
    definition: OnceLock<RecordDef>,
    /// Declared for a Rust declaration (`#[c_struct]`, `#[c_union]`), whose definition only the
    /// generated code gives: [`RecordBuilder::define`] refuses it, so that no other definition
    /// can take the place of the one the Rust type's layout was checked against.
    sealed: bool,
}

/// The definition of a record: fields, layout and the attributes that produced it.
#[derive(Debug)]
pub struct RecordDef {
    fields: Vec<Field>,
    size: usize,
    align: usize,
    rules: LayoutRules,
    pack: Option<usize>,
    align_attr: Option<usize>,
    byte_order: ByteOrder,
    by_name: HashMap<String, Vec<usize>>,
}

/// One member of a record, with its place in the record.
#[derive(Clone, Debug)]
pub struct Field {
    name: Option<String>,
    ty: CType,
    bit_position: u64,
    bit_width: Option<u32>,
    anonymous: bool,
}

impl Record {
    /// Moves the types the definition refers to into `out`, leaving the record undefined (see
    /// `TypeKind`'s `Drop`).
    pub(super) fn give_up_parts(&mut self, out: &mut Vec<CType>) {
        if let Some(definition) = self.definition.take() {
            out.extend(definition.fields.into_iter().map(|field| field.ty));
        }
    }

    /// `struct` or `union`.
    pub fn kind(&self) -> RecordKind {
        self.kind
    }

    /// The tag, if the record has one.
    pub fn tag(&self) -> Option<&str> {
        self.tag.as_deref()
    }

    /// Whether the record has been defined.
    pub fn is_defined(&self) -> bool {
        self.definition.get().is_some()
    }

    /// The definition, or `None` while the record is only declared.
    pub fn definition(&self) -> Option<&RecordDef> {
        self.definition.get()
    }

    pub(crate) fn definition_for(&self, context: &str) -> Result<&RecordDef> {
        self.definition.get().ok_or_else(|| Error::Incomplete {
            ty: self.c_name(),
            context: context.to_owned(),
        })
    }

    /// `struct tag`, `union tag`, or `struct <anonymous>`.
    pub fn c_name(&self) -> String {
        match &self.tag {
            Some(tag) => format!("{} {tag}", self.kind.keyword()),
            None => format!("{} <anonymous>", self.kind.keyword()),
        }
    }
}

impl std::fmt::Debug for Record {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Fields are left out: a self-referential record would print for ever.
        f.debug_struct("Record")
            .field("kind", &self.kind)
            .field("tag", &self.tag)
            .field("defined", &self.is_defined())
            .finish()
    }
}

impl RecordDef {
    /// The members, in declaration order (unnamed bit-fields and anonymous members included).
    pub fn fields(&self) -> &[Field] {
        &self.fields
    }

    /// `sizeof` the record.
    pub fn size(&self) -> usize {
        self.size
    }

    /// `_Alignof` the record.
    pub fn align(&self) -> usize {
        self.align
    }

    /// The rules the record was laid out by.
    pub fn rules(&self) -> LayoutRules {
        self.rules
    }

    /// The `pack` value, if any.
    pub fn pack(&self) -> Option<usize> {
        self.pack
    }

    /// The `align` attribute, if any.
    pub fn align_attr(&self) -> Option<usize> {
        self.align_attr
    }

    /// The byte order of the record's scalars.
    pub fn byte_order(&self) -> ByteOrder {
        self.byte_order
    }

    /// The indices that lead to the field called `name`: one index for a direct member, more
    /// when the field belongs to an anonymous member.
    pub fn field_path(&self, name: &str) -> Option<&[usize]> {
        self.by_name.get(name).map(Vec::as_slice)
    }
}

impl Field {
    /// The name; `None` for unnamed bit-fields and anonymous members.
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// The declared type.
    pub fn ty(&self) -> &CType {
        &self.ty
    }

    /// Offset in bytes from the start of the record: for a bit-field, of the byte holding its
    /// first bit.
    pub fn offset(&self) -> usize {
        (self.bit_position / 8) as usize
    }

    /// Bytes the field occupies: its type's size, or for a bit-field the bytes its bits touch.
    pub fn size(&self) -> usize {
        match self.bit_width {
            None => self
                .ty
                .size()
                .expect("a defined record's fields are complete"),
            Some(width) => (self.bit_offset() as usize + width as usize).div_ceil(8),
        }
    }

    /// For a bit-field, the first bit within the byte at [`offset`](Field::offset), counted in
    /// allocation order (from the least significant bit on a little-endian record, from the most
    /// significant on a big-endian one); 0 otherwise.
    pub fn bit_offset(&self) -> u32 {
        match self.bit_width {
            Some(_) => (self.bit_position % 8) as u32,
            None => 0,
        }
    }

    /// The field's first bit from the start of the record, in allocation order.
    pub fn bit_position(&self) -> u64 {
        self.bit_position
    }

    /// The width of a bit-field; `None` for other fields.
    pub fn bit_width(&self) -> Option<u32> {
        self.bit_width
    }

    /// Whether this is a bit-field.
    pub fn is_bit_field(&self) -> bool {
        self.bit_width.is_some()
    }

    /// Whether this is an anonymous struct or union member, whose fields are reachable by name
    /// from the record that holds it.
    pub fn is_anonymous(&self) -> bool {
        self.anonymous
    }
}

/// Keeps forward-declared records reachable for the life of the process: only they can be part
/// of a reference cycle (`struct node { struct node *next; }`), which no `Arc` would free.
static DECLARED: Mutex<Vec<CType>> = Mutex::new(Vec::new());

impl CType {
    /// Declares `struct tag` without defining it, for self-referential and mutually recursive
    /// types: pointers to it can be made at once, and [`RecordBuilder::define`] completes it.
    ///
    /// A record declared this way lives until the process ends, since a record that points to
    /// itself forms a reference cycle.
    ///
    /// ```
    /// use ctypes_core::{CType, Scalar};
    ///
    /// let node = CType::declare_struct("node");
    /// CType::struct_builder("node")
    ///     .field("value", CType::scalar(Scalar::Int))
    ///     .field("next", node.pointer())
    ///     .define(&node)?;
    /// assert_eq!(node.size()?, 16);
    /// # Ok::<(), ctypes_core::Error>(())
    /// ```
    pub fn declare_struct(tag: &str) -> CType {
        CType::declare(RecordKind::Struct, Some(tag.to_owned()))
    }

    /// Declares `union tag` without defining it; see [`CType::declare_struct`].
    pub fn declare_union(tag: &str) -> CType {
        CType::declare(RecordKind::Union, Some(tag.to_owned()))
    }

    fn declare(kind: RecordKind, tag: Option<String>) -> CType {
        CType::keep_declared(CType::undefined(kind, tag, false))
    }

    /// Declares the record of a Rust declaration: only [`RecordBuilder::define_sealed`]
    /// defines it.
    pub(crate) fn declare_sealed(kind: RecordKind, tag: &str) -> CType {
        CType::keep_declared(CType::undefined(kind, Some(tag.to_owned()), true))
    }

    fn keep_declared(ty: CType) -> CType {
        DECLARED
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push(ty.clone());
        ty
    }

    fn undefined(kind: RecordKind, tag: Option<String>, sealed: bool) -> CType {
        CType::from_record(Record {
            kind,
            tag,
            definition: OnceLock::new(),
            sealed,
        })
    }

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
