//! The records of a [`Case`] built with `ctypes-core`, and where their members land.

use ctypes_core::{
    ByteOrder, CType, LayoutRules, LongDoubleFormat, RecordBuilder, RecordDef, Result, Scalar,
    ScalarClass,
};

use crate::model::{Case, FieldType, Kind, LeafKind, Member, Pattern, RecordSpec};

/// Builds every record of the case with the runtime API, in order.
pub fn build_case(case: &Case) -> Result<Vec<CType>> {
    let mut built: Vec<CType> = Vec::new();
    for (index, spec) in case.records.iter().enumerate() {
        let tag = spec.tag.as_deref().unwrap_or("");
        // A record that points to itself is declared first, as C does with the tag.
        let declared = spec.points_to(index).then(|| match spec.kind {
            Kind::Struct => CType::declare_struct(tag),
            Kind::Union => CType::declare_union(tag),
        });
        let builder = builder(spec, tag, &built, declared.as_ref())?;
        let ty = match declared {
            Some(declared) => {
                builder.define(&declared)?;
                declared
            }
            None => builder.build()?,
        };
        built.push(ty);
    }
    Ok(built)
}

fn builder(
    spec: &RecordSpec,
    tag: &str,
    built: &[CType],
    this: Option<&CType>,
) -> Result<RecordBuilder> {
    let mut b = match spec.kind {
        Kind::Struct => CType::struct_builder(tag),
        Kind::Union => CType::union_builder(tag),
    };
    for member in &spec.members {
        b = match member {
            Member::Field { name, ty } => b.field(name, field_type(ty, built, this)?),
            Member::BitField {
                name: Some(name),
                scalar,
                width,
            } => b.bit_field(name, CType::scalar(*scalar), *width),
            Member::BitField {
                name: None,
                scalar,
                width,
            } => b.unnamed_bit_field(CType::scalar(*scalar), *width),
            Member::Anonymous(inner) => b.anonymous(builder(inner, "", built, this)?.build()?),
        };
    }
    if let Some(n) = spec.pack {
        b = b.pack(n);
    }
    if let Some(n) = spec.align {
        b = b.align(n);
    }
    b = b.rules(if spec.ms_struct {
        LayoutRules::Msvc
    } else {
        LayoutRules::SysV
    });
    if spec.big_endian {
        b = b.byte_order(ByteOrder::Big);
    }
    Ok(b)
}

fn field_type(ty: &FieldType, built: &[CType], this: Option<&CType>) -> Result<CType> {
    Ok(match ty {
        FieldType::Scalar(s) => CType::scalar(*s),
        FieldType::VoidPtr => CType::void_ptr(),
        FieldType::CharPtr => CType::char_ptr(),
        FieldType::RecordPtr(i) => match built.get(*i) {
            Some(record) => record.pointer(),
            None => this
                .expect("a pointer to the record being built is declared first")
                .pointer(),
        },
        FieldType::Record(i) => built[*i].clone(),
        FieldType::Array(element, len) => field_type(element, built, this)?.array(*len)?,
    })
}

/// Where a member path leads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Place {
    /// A member that is not a bit-field.
    Bytes {
        /// Offset from the start of the record under test.
        offset: usize,
        /// Its type.
        ty: CType,
        /// The byte order of the record that declares it.
        order: ByteOrder,
    },
    /// A bit-field.
    Bits {
        /// Offset of the record that declares it.
        record_offset: usize,
        /// [`Field::bit_position`](ctypes_core::Field::bit_position) in that record.
        bit_position: u64,
        /// Its width.
        width: u32,
        /// The byte order of that record, which fixes how its bits are numbered.
        order: ByteOrder,
    },
}

fn definition(ty: &CType) -> Option<&RecordDef> {
    ty.as_record()?.definition()
}

/// Follows a C member path (`a.b[2].c`) from a record, as the engine lays it out.
pub fn resolve(record: &CType, path: &str) -> std::result::Result<Place, String> {
    let mut ty = record.clone();
    let mut offset = 0usize;
    let mut order = definition(record).map_or(ByteOrder::NATIVE, RecordDef::byte_order);
    for segment in path.split('.') {
        let (name, indices) = segment
            .split_once('[')
            .map_or((segment, ""), |(n, rest)| (n, rest));
        let mut def = definition(&ty).ok_or_else(|| format!("`{name}` looked up in `{ty}`"))?;
        let steps = def
            .field_path(name)
            .ok_or_else(|| format!("the engine has no field `{name}` in `{ty}`"))?
            .to_vec();
        let (last, through) = steps.split_last().expect("a field path is never empty");
        for &index in through {
            let anonymous = &def.fields()[index];
            offset += anonymous.offset();
            def = definition(anonymous.ty()).ok_or("an anonymous member that is not a record")?;
        }
        order = def.byte_order();
        let field = &def.fields()[*last];
        if let Some(width) = field.bit_width() {
            if !indices.is_empty() {
                return Err(format!("bit-field `{name}` indexed"));
            }
            return Ok(Place::Bits {
                record_offset: offset,
                bit_position: field.bit_position(),
                width,
                order,
            });
        }
        offset += field.offset();
        ty = field.ty().clone();
        for index in indices.split('[').filter(|s| !s.is_empty()) {
            let index: usize = index
                .trim_end_matches(']')
                .parse()
                .map_err(|_| format!("bad index in `{path}`"))?;
            let (element, len) = ty
                .as_array()
                .ok_or_else(|| format!("`{ty}` indexed in `{path}`"))?;
            if index >= len {
                return Err(format!("index {index} past {len} in `{path}`"));
            }
            offset += index * element.size().map_err(|e| e.to_string())?;
            ty = element.clone();
        }
    }
    Ok(Place::Bytes { offset, ty, order })
}

impl Place {
    /// The byte offset C's `offsetof` gives; `None` for a bit-field.
    pub fn offset(&self) -> Option<usize> {
        match self {
            Place::Bytes { offset, .. } => Some(*offset),
            Place::Bits { .. } => None,
        }
    }

    /// The record's bytes after zeroing it and storing `pattern` into this leaf, predicted from
    /// the layout and C's rules for values: integers cut to their width, two's complement,
    /// IEEE floats, the target's `long double`; bytes in the declaring record's order, except
    /// pointers, which GCC keeps in the target's order in a reverse-order record; bit-fields
    /// numbered in allocation order, which on a big-endian record runs from the most
    /// significant bit of each byte, the value's most significant bit first. The result is longer
    /// than `record_size` if the place lies past it.
    pub fn expected_bytes(&self, kind: LeafKind, pattern: Pattern, record_size: usize) -> Vec<u8> {
        let mut bytes = vec![0u8; record_size];
        match self {
            Place::Bits {
                record_offset,
                bit_position,
                width,
                order,
            } => {
                let value = match kind {
                    LeafKind::BitField(Scalar::Bool, _) => u64::from(pattern.bits() != 0),
                    _ => pattern.bits(),
                };
                for i in 0..u64::from(*width) {
                    if value >> i & 1 == 0 {
                        continue;
                    }
                    let bit = match order {
                        ByteOrder::Little => bit_position + i,
                        ByteOrder::Big => bit_position + u64::from(*width) - 1 - i,
                    };
                    let byte = record_offset + (bit / 8) as usize;
                    if byte >= bytes.len() {
                        bytes.resize(byte + 1, 0);
                    }
                    let shift = match order {
                        ByteOrder::Little => bit % 8,
                        ByteOrder::Big => 7 - bit % 8,
                    };
                    bytes[byte] |= 1 << shift;
                }
            }
            Place::Bytes { offset, ty, order } => {
                let (image, order) = match kind {
                    LeafKind::Pointer => (
                        pattern.bits().to_le_bytes()[..size_of::<usize>()].to_vec(),
                        ByteOrder::NATIVE,
                    ),
                    // Each part of a complex value is stored in the record's order on its own.
                    LeafKind::Scalar(s) if s.complex_part().is_some() => {
                        let part = s.complex_part().expect("complex");
                        let mut image = Vec::new();
                        for x in [pattern.float(), pattern.imaginary()] {
                            let mut half = float_image(part, x);
                            if *order != ByteOrder::Little {
                                half.reverse();
                            }
                            image.extend(half);
                        }
                        (image, ByteOrder::Little)
                    }
                    LeafKind::Scalar(s) => (scalar_image(s, pattern), *order),
                    LeafKind::BitField(..) => unreachable!("a bit-field's place is Bits"),
                };
                let size = ty.size().expect("a leaf is complete");
                let mut image = image;
                image.truncate(size);
                if order != ByteOrder::Little {
                    image.reverse();
                }
                let end = offset + image.len();
                if end > bytes.len() {
                    bytes.resize(end, 0);
                }
                bytes[*offset..end].copy_from_slice(&image);
            }
        }
        bytes
    }
}

/// The value's bytes, least significant first, as long as the scalar.
fn scalar_image(scalar: Scalar, pattern: Pattern) -> Vec<u8> {
    let bytes = match scalar.class() {
        ScalarClass::Bool => vec![u8::from(pattern.bits() != 0)],
        ScalarClass::Integer { .. } => pattern.bits().to_le_bytes().to_vec(),
        ScalarClass::Float => float_image(scalar, pattern.float()),
        ScalarClass::Complex => {
            let part = scalar.complex_part().expect("a complex type");
            let mut bytes = float_image(part, pattern.float());
            bytes.extend(float_image(part, pattern.imaginary()));
            bytes
        }
    };
    bytes[..scalar.size().min(bytes.len())].to_vec()
}

/// `x` (exact in every floating type) as the real floating type `scalar`, least significant
/// byte first.
fn float_image(scalar: Scalar, x: f64) -> Vec<u8> {
    match scalar {
        Scalar::Float => (x as f32).to_le_bytes().to_vec(),
        Scalar::Double => x.to_le_bytes().to_vec(),
        _ => long_double_image(x),
    }
}

/// A normal `f64` (or zero) as the target's `long double`, least significant byte first,
/// padded with zeros to its size.
fn long_double_image(x: f64) -> Vec<u8> {
    let bits = x.to_bits();
    let sign = u128::from(bits >> 63);
    let exponent = ((bits >> 52) & 0x7ff) as i64;
    let fraction = u128::from(bits & ((1 << 52) - 1));
    let mut out = vec![0u8; Scalar::LongDouble.size()];
    match Scalar::long_double_format() {
        LongDoubleFormat::Double => out[..8].copy_from_slice(&bits.to_le_bytes()),
        LongDoubleFormat::X87Extended => {
            let (exp15, mantissa) = if exponent == 0 {
                (0, 0)
            } else {
                (
                    (exponent - 1023 + 16383) as u128,
                    (1 << 63) | (fraction << 11),
                )
            };
            let value = mantissa | (exp15 | sign << 15) << 64;
            out[..10].copy_from_slice(&value.to_le_bytes()[..10]);
        }
        LongDoubleFormat::Quad => {
            let (exp15, mantissa) = if exponent == 0 {
                (0, 0)
            } else {
                ((exponent - 1023 + 16383) as u128, fraction << 60)
            };
            let value = sign << 127 | exp15 << 112 | mantissa;
            out.copy_from_slice(&value.to_le_bytes());
        }
    }
    out
}
