//! Structs and unions: declaration, definition, fields.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use super::ctype::CType;
use crate::error::{Error, Result};
use crate::layout::{ByteOrder, LayoutRules};

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
    pub(super) kind: RecordKind,
    pub(super) tag: Option<String>,
    pub(super) definition: OnceLock<RecordDef>,
    /// Declared for a Rust declaration (`#[c_struct]`, `#[c_union]`), whose definition only the
    /// generated code gives: [`RecordBuilder::define`] refuses it, so that no other definition
    /// can take the place of the one the Rust type's layout was checked against.
    pub(super) sealed: bool,
}

/// The definition of a record: fields, layout and the attributes that produced it.
#[derive(Debug)]
pub struct RecordDef {
    pub(super) fields: Vec<Field>,
    pub(super) size: usize,
    pub(super) align: usize,
    pub(super) rules: LayoutRules,
    pub(super) pack: Option<usize>,
    pub(super) align_attr: Option<usize>,
    pub(super) byte_order: ByteOrder,
    pub(super) by_name: HashMap<String, Vec<usize>>,
}

/// One member of a record, with its place in the record.
#[derive(Clone, Debug)]
pub struct Field {
    pub(super) name: Option<String>,
    pub(super) ty: CType,
    pub(super) bit_position: u64,
    pub(super) bit_width: Option<u32>,
    pub(super) anonymous: bool,
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
    /// types: pointers to it can be made at once, and
    /// [`RecordBuilder::define`](super::RecordBuilder::define) completes it.
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

    pub(super) fn undefined(kind: RecordKind, tag: Option<String>, sealed: bool) -> CType {
        CType::from_record(Record {
            kind,
            tag,
            definition: OnceLock::new(),
            sealed,
        })
    }
}
