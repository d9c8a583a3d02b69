//! What the fuzz targets share: turning fuzz input into C types and values.

use ctypes_core::{ByteOrder, CType, LayoutRules, Scalar, Value};
use libfuzzer_sys::arbitrary::{Result, Unstructured};

/// A scalar type.
pub fn scalar(u: &mut Unstructured<'_>) -> Result<Scalar> {
    u.choose(&Scalar::ALL).copied()
}

/// A pool of types made so far, from which new types take their parts.
pub struct Pool {
    pub types: Vec<CType>,
    names: usize,
}

impl Default for Pool {
    fn default() -> Self {
        Pool {
            types: Scalar::ALL.iter().map(|&s| CType::scalar(s)).collect(),
            names: 0,
        }
    }
}

impl Pool {
    /// A type from the pool.
    pub fn pick(&self, u: &mut Unstructured<'_>) -> Result<CType> {
        u.choose(&self.types).cloned()
    }

    fn name(&mut self) -> String {
        self.names += 1;
        format!("f{}", self.names)
    }

    /// One step of building: a record, an array, a pointer, or a declared record completed
    /// later (pointing to itself). Failures to build are fine (they must be errors, not
    /// panics); what is built joins the pool.
    pub fn step(&mut self, u: &mut Unstructured<'_>) -> Result<()> {
        let made = match u.int_in_range(0..=4)? {
            0 | 1 => self.record(u, None)?,
            2 => self.pick(u)?.array(u.int_in_range(0..=6)?).ok(),
            3 => Some(self.pick(u)?.pointer()),
            _ => {
                let tag = self.name();
                let declared = CType::declare_struct(&tag);
                let self_pointer = declared.pointer();
                self.types.push(self_pointer);
                self.record(u, Some((tag, declared)))?
            }
        };
        if let Some(ty) = made {
            self.types.push(ty);
        }
        Ok(())
    }

    /// A struct or union of random members and attributes.
    fn record(
        &mut self,
        u: &mut Unstructured<'_>,
        declared: Option<(String, CType)>,
    ) -> Result<Option<CType>> {
        let union = declared.is_none() && u.ratio(1, 4)?;
        let tag = match &declared {
            Some((tag, _)) => tag.clone(),
            None => String::new(),
        };
        let mut builder = if union {
            CType::union_builder(&tag)
        } else {
            CType::struct_builder(&tag)
        };
        for _ in 0..u.int_in_range(0..=8)? {
            let name = self.name();
            builder = match u.int_in_range(0..=5)? {
                0 | 1 | 2 => builder.field(&name, self.pick(u)?),
                3 => {
                    let s = scalar(u)?;
                    builder.bit_field(&name, CType::scalar(s), u.int_in_range(0..=65)?)
                }
                4 => {
                    let s = scalar(u)?;
                    builder.unnamed_bit_field(CType::scalar(s), u.int_in_range(0..=65)?)
                }
                _ => builder.anonymous(self.pick(u)?),
            };
        }
        if u.ratio(1, 4)? {
            builder = builder.pack(*u.choose(&[0, 1, 2, 3, 4, 8, 16, 64])?);
        }
        if u.ratio(1, 4)? {
            builder = builder.align(*u.choose(&[0, 1, 2, 4, 6, 8, 16, 32, 4096])?);
        }
        if u.ratio(1, 4)? {
            builder = builder.rules(LayoutRules::Msvc);
        }
        if u.ratio(1, 4)? {
            builder = builder.byte_order(ByteOrder::Big);
        }
        Ok(match declared {
            Some((_, declared)) => builder.define(&declared).ok().map(|()| declared),
            None => builder.build().ok(),
        })
    }
}

/// A value of any kind.
pub fn value(u: &mut Unstructured<'_>) -> Result<Value> {
    Ok(match u.int_in_range(0..=5)? {
        0 => Value::Bool(u.arbitrary()?),
        1 => Value::Int(u.arbitrary()?),
        2 => Value::UInt(u.arbitrary()?),
        3 => Value::Float(u.arbitrary()?),
        4 => Value::Double(u.arbitrary()?),
        _ => Value::Pointer(u.arbitrary()?),
    })
}
