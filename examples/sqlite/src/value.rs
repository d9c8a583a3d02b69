//! SQL values in Rust: owned, borrowed, and the conversions to and from Rust types.

use std::fmt;

use crate::error::{Error, Result};

/// An SQL value owned by Rust.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `NULL`.
    Null,
    /// A 64-bit signed integer.
    Integer(i64),
    /// A 64-bit float.
    Real(f64),
    /// UTF-8 text.
    Text(String),
    /// Bytes.
    Blob(Vec<u8>),
}

/// An SQL value borrowed from sqlite (a column of the current row, a function's argument) or
/// from Rust (a parameter to bind).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ValueRef<'a> {
    /// `NULL`.
    Null,
    /// A 64-bit signed integer.
    Integer(i64),
    /// A 64-bit float.
    Real(f64),
    /// UTF-8 text.
    Text(&'a str),
    /// Bytes.
    Blob(&'a [u8]),
}

/// The storage class of a value, as `typeof()` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Type {
    /// `null`
    Null,
    /// `integer`
    Integer,
    /// `real`
    Real,
    /// `text`
    Text,
    /// `blob`
    Blob,
}

impl Type {
    /// The name `typeof()` gives.
    pub fn name(self) -> &'static str {
        match self {
            Type::Null => "null",
            Type::Integer => "integer",
            Type::Real => "real",
            Type::Text => "text",
            Type::Blob => "blob",
        }
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl ValueRef<'_> {
    /// The value's storage class.
    pub fn data_type(&self) -> Type {
        match self {
            ValueRef::Null => Type::Null,
            ValueRef::Integer(_) => Type::Integer,
            ValueRef::Real(_) => Type::Real,
            ValueRef::Text(_) => Type::Text,
            ValueRef::Blob(_) => Type::Blob,
        }
    }

    /// An owned copy.
    pub fn to_owned(&self) -> Value {
        match *self {
            ValueRef::Null => Value::Null,
            ValueRef::Integer(i) => Value::Integer(i),
            ValueRef::Real(r) => Value::Real(r),
            ValueRef::Text(t) => Value::Text(t.to_owned()),
            ValueRef::Blob(b) => Value::Blob(b.to_vec()),
        }
    }
}

impl Value {
    /// A borrowed view.
    pub fn as_ref(&self) -> ValueRef<'_> {
        match self {
            Value::Null => ValueRef::Null,
            Value::Integer(i) => ValueRef::Integer(*i),
            Value::Real(r) => ValueRef::Real(*r),
            Value::Text(t) => ValueRef::Text(t),
            Value::Blob(b) => ValueRef::Blob(b),
        }
    }
}

/// A Rust value that can be bound as a statement parameter or returned from a user-defined
/// function.
pub trait ToSql {
    /// The SQL value; an error when it does not fit (a `u64` above `i64::MAX`).
    fn to_sql(&self) -> Result<ValueRef<'_>>;
}

/// A Rust type that can be read from an SQL value.
pub trait FromSql: Sized {
    /// Converts, or explains why not; `place` names the column or argument for the error.
    fn from_sql(value: ValueRef<'_>, place: &dyn Fn() -> String) -> Result<Self>;
}

/// The SQL `NULL`, to bind explicitly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Null;

impl ToSql for Null {
    fn to_sql(&self) -> Result<ValueRef<'_>> {
        Ok(ValueRef::Null)
    }
}

impl<T: ToSql + ?Sized> ToSql for &T {
    fn to_sql(&self) -> Result<ValueRef<'_>> {
        (**self).to_sql()
    }
}

impl<T: ToSql> ToSql for Option<T> {
    fn to_sql(&self) -> Result<ValueRef<'_>> {
        match self {
            Some(value) => value.to_sql(),
            None => Ok(ValueRef::Null),
        }
    }
}

macro_rules! integers_to_sql {
    ($($t:ty),*) => {$(
        impl ToSql for $t {
            fn to_sql(&self) -> Result<ValueRef<'_>> {
                Ok(ValueRef::Integer(i64::from(*self)))
            }
        }
    )*};
}
integers_to_sql!(i8, i16, i32, i64, u8, u16, u32, bool);

macro_rules! wide_integers_to_sql {
    ($($t:ty),*) => {$(
        impl ToSql for $t {
            fn to_sql(&self) -> Result<ValueRef<'_>> {
                i64::try_from(*self).map(ValueRef::Integer).map_err(|_| Error::OutOfRange {
                    place: "parameter".to_owned(),
                    value: self.to_string(),
                    expected: "an sqlite integer (i64)",
                })
            }
        }
    )*};
}
wide_integers_to_sql!(u64, usize, isize);

impl ToSql for f64 {
    fn to_sql(&self) -> Result<ValueRef<'_>> {
        Ok(ValueRef::Real(*self))
    }
}

impl ToSql for f32 {
    fn to_sql(&self) -> Result<ValueRef<'_>> {
        Ok(ValueRef::Real(f64::from(*self)))
    }
}

impl ToSql for str {
    fn to_sql(&self) -> Result<ValueRef<'_>> {
        Ok(ValueRef::Text(self))
    }
}

impl ToSql for String {
    fn to_sql(&self) -> Result<ValueRef<'_>> {
        Ok(ValueRef::Text(self))
    }
}

impl ToSql for [u8] {
    fn to_sql(&self) -> Result<ValueRef<'_>> {
        Ok(ValueRef::Blob(self))
    }
}

impl<const N: usize> ToSql for [u8; N] {
    fn to_sql(&self) -> Result<ValueRef<'_>> {
        Ok(ValueRef::Blob(self))
    }
}

impl ToSql for Vec<u8> {
    fn to_sql(&self) -> Result<ValueRef<'_>> {
        Ok(ValueRef::Blob(self))
    }
}

impl ToSql for Value {
    fn to_sql(&self) -> Result<ValueRef<'_>> {
        Ok(self.as_ref())
    }
}

impl ToSql for ValueRef<'_> {
    fn to_sql(&self) -> Result<ValueRef<'_>> {
        Ok(*self)
    }
}

fn mismatch(value: ValueRef<'_>, place: &dyn Fn() -> String, expected: &'static str) -> Error {
    Error::Type {
        place: place(),
        found: value.data_type().name(),
        expected,
    }
}

macro_rules! integers_from_sql {
    ($($t:ty),*) => {$(
        /// Reads an `integer` that fits.
        impl FromSql for $t {
            fn from_sql(value: ValueRef<'_>, place: &dyn Fn() -> String) -> Result<Self> {
                match value {
                    ValueRef::Integer(i) => <$t>::try_from(i).map_err(|_| Error::OutOfRange {
                        place: place(),
                        value: i.to_string(),
                        expected: stringify!($t),
                    }),
                    other => Err(mismatch(other, place, stringify!($t))),
                }
            }
        }
    )*};
}
integers_from_sql!(i8, i16, i32, i64, u8, u16, u32, u64, usize, isize);

/// Reads an `integer`: 0 is `false`, anything else `true`.
impl FromSql for bool {
    fn from_sql(value: ValueRef<'_>, place: &dyn Fn() -> String) -> Result<Self> {
        match value {
            ValueRef::Integer(i) => Ok(i != 0),
            other => Err(mismatch(other, place, "bool")),
        }
    }
}

/// Reads a `real`, or an `integer` converted as SQL does.
impl FromSql for f64 {
    fn from_sql(value: ValueRef<'_>, place: &dyn Fn() -> String) -> Result<Self> {
        match value {
            ValueRef::Real(r) => Ok(r),
            ValueRef::Integer(i) => Ok(i as f64),
            other => Err(mismatch(other, place, "f64")),
        }
    }
}

/// Reads `text`.
impl FromSql for String {
    fn from_sql(value: ValueRef<'_>, place: &dyn Fn() -> String) -> Result<Self> {
        match value {
            ValueRef::Text(t) => Ok(t.to_owned()),
            other => Err(mismatch(other, place, "String")),
        }
    }
}

/// Reads a `blob`, or the bytes of `text`.
impl FromSql for Vec<u8> {
    fn from_sql(value: ValueRef<'_>, place: &dyn Fn() -> String) -> Result<Self> {
        match value {
            ValueRef::Blob(b) => Ok(b.to_vec()),
            ValueRef::Text(t) => Ok(t.as_bytes().to_vec()),
            other => Err(mismatch(other, place, "Vec<u8>")),
        }
    }
}

/// Reads any value.
impl FromSql for Value {
    fn from_sql(value: ValueRef<'_>, _place: &dyn Fn() -> String) -> Result<Self> {
        Ok(value.to_owned())
    }
}

/// Reads `NULL` as `None`, anything else as `T`.
impl<T: FromSql> FromSql for Option<T> {
    fn from_sql(value: ValueRef<'_>, place: &dyn Fn() -> String) -> Result<Self> {
        match value {
            ValueRef::Null => Ok(None),
            other => T::from_sql(other, place).map(Some),
        }
    }
}
