//! Declaration specifiers: storage classes, qualifiers, the spellings of scalar types,
//! typedef names, and `enum` specifiers. Records are in `records.rs`.

use super::attrs::Attrs;
use super::cursor::Parser;
use super::error::ParseError;
use super::lexer::Tok;
use super::{Constant, Tag, Ty};
use crate::ty::{CType, Scalar};

/// What the specifiers of one declaration say.
#[derive(Clone, Debug, Default)]
pub(crate) struct Specs {
    pub base: Option<Ty>,
    pub is_typedef: bool,
    pub is_static: bool,
    pub attrs: Attrs,
    /// The type is a struct or union defined here without a tag: alone in a record, an
    /// anonymous member.
    pub untagged_record: bool,
    /// `const` was among the specifiers: a pointer to the base type points to const.
    pub is_const: bool,
}

/// The scalar keywords seen, counted as C combines them.
#[derive(Default)]
struct Keywords {
    void: u8,
    bool_: u8,
    char_: u8,
    short: u8,
    int: u8,
    long: u8,
    float: u8,
    double: u8,
    signed: u8,
    unsigned: u8,
    complex: u8,
    int128: u8,
    /// A type keyword the runtime has no type for (`_Float128`, `_Decimal32`).
    unsupported: Option<&'static str>,
    float_n: Option<Scalar>,
    any: bool,
}

impl Keywords {
    fn take(&mut self, word: &str) -> bool {
        let slot = match word {
            "void" => &mut self.void,
            "_Bool" => &mut self.bool_,
            "char" => &mut self.char_,
            "short" => &mut self.short,
            "int" => &mut self.int,
            "long" => &mut self.long,
            "float" => &mut self.float,
            "double" => &mut self.double,
            "signed" | "__signed" | "__signed__" => &mut self.signed,
            "unsigned" => &mut self.unsigned,
            "_Complex" | "__complex__" | "__complex" => &mut self.complex,
            "__int128" | "__int128_t" => &mut self.int128,
            "__uint128_t" => {
                self.unsigned += 1;
                &mut self.int128
            }
            "_Float32" => return self.float_n(Scalar::Float),
            "_Float64" | "_Float32x" => return self.float_n(Scalar::Double),
            "_Float64x" => return self.float_n(Scalar::LongDouble),
            "_Float16" | "_Float128" | "__float128" | "_Float128x" | "__ibm128" | "__bf16"
            | "_Decimal32" | "_Decimal64" | "_Decimal128" => {
                self.any = true;
                self.unsupported = Some(match word {
                    "_Float16" => "`_Float16`",
                    "_Decimal32" | "_Decimal64" | "_Decimal128" => "decimal floating types",
                    "__bf16" => "`__bf16`",
                    _ => "128-bit floating types",
                });
                return true;
            }
            _ => return false,
        };
        *slot = slot.saturating_add(1);
        self.any = true;
        true
    }

    fn float_n(&mut self, scalar: Scalar) -> bool {
        self.float_n = Some(scalar);
        self.any = true;
        true
    }

    fn resolve(&self) -> Result<Ty, &'static str> {
        if let Some(why) = self.unsupported {
            return Ok(Ty::Unsupported(why.to_owned()));
        }
        let sign = self.signed + self.unsigned;
        if self.signed > 1 || self.unsigned > 1 || sign > 1 {
            return Err("conflicting signedness");
        }
        let kinds = [self.void, self.bool_, self.char_, self.float, self.double];
        let base_count: u8 =
            kinds.iter().sum::<u8>() + u8::from(self.float_n.is_some()) + u8::from(self.int128 > 0);
        if base_count > 1 || self.int > 1 || self.short > 1 || self.long > 2 {
            return Err("two or more data types in declaration specifiers");
        }
        if self.complex > 1 {
            return Err("duplicate `_Complex`");
        }
        if self.int128 > 0 {
            return Ok(Ty::Unsupported("`__int128`".to_owned()));
        }
        let u = self.unsigned > 0;
        let sized = self.short + self.long > 0;
        let s = if let Some(s) = self.float_n {
            if sized || sign > 0 || self.int > 0 {
                return Err("invalid type combination");
            }
            s
        } else if self.void > 0 {
            if sized || sign > 0 || self.int > 0 || self.complex > 0 {
                return Err("invalid type combination");
            }
            return Ok(Ty::C(CType::void()));
        } else if self.bool_ > 0 || self.float > 0 {
            if sized || sign > 0 || self.int > 0 {
                return Err("invalid type combination");
            }
            if self.bool_ > 0 {
                Scalar::Bool
            } else {
                Scalar::Float
            }
        } else if self.double > 0 {
            match (self.short, self.long, sign, self.int) {
                (0, 0, 0, 0) => Scalar::Double,
                (0, 1, 0, 0) => Scalar::LongDouble,
                _ => return Err("invalid type combination"),
            }
        } else if self.char_ > 0 {
            if sized || self.int > 0 {
                return Err("invalid type combination");
            }
            match (self.signed, self.unsigned) {
                (1, _) => Scalar::SChar,
                (_, 1) => Scalar::UChar,
                _ => Scalar::Char,
            }
        } else if self.short > 0 {
            if self.long > 0 {
                return Err("both `short` and `long` in declaration specifiers");
            }
            [Scalar::Short, Scalar::UShort][usize::from(u)]
        } else {
            match self.long {
                0 => [Scalar::Int, Scalar::UInt][usize::from(u)],
                1 => [Scalar::Long, Scalar::ULong][usize::from(u)],
                _ => [Scalar::LongLong, Scalar::ULongLong][usize::from(u)],
            }
        };
        if self.complex > 0 {
            // `_Complex` alone is GCC's `double _Complex`; complex integer types are GCC's
            // extension, which the runtime does not have.
            let plain = base_count == 0 && self.int + self.short + self.long + sign == 0;
            let complex = if plain {
                Some(Scalar::DoubleComplex)
            } else {
                s.complex_of()
            };
            return Ok(match complex {
                Some(c) => Ty::C(CType::scalar(c)),
                None => Ty::Unsupported("complex integer types".to_owned()),
            });
        }
        Ok(Ty::C(CType::scalar(s)))
    }
}

const QUALIFIERS: [&str; 22] = [
    "const",
    "__const",
    "__const__",
    "volatile",
    "__volatile",
    "__volatile__",
    "restrict",
    "__restrict",
    "__restrict__",
    "_Nonnull",
    "_Nullable",
    "_Null_unspecified",
    "__extension__",
    "inline",
    "__inline",
    "__inline__",
    "_Noreturn",
    "__noreturn__",
    "auto",
    "register",
    "_Thread_local",
    "__thread",
];

/// `va_list` as x86-64 System V defines it: one `struct __va_list_tag`.
pub(crate) fn va_list() -> Ty {
    if !cfg!(all(target_arch = "x86_64", unix)) {
        return Ty::Unsupported("`va_list` on this target".to_owned());
    }
    let uint = CType::scalar(Scalar::UInt);
    let tag = CType::struct_builder("__va_list_tag")
        .field("gp_offset", uint.clone())
        .field("fp_offset", uint)
        .field("overflow_arg_area", CType::void_ptr())
        .field("reg_save_area", CType::void_ptr())
        .build();
    match tag.and_then(|t| t.array(1)) {
        Ok(t) => Ty::C(t),
        Err(e) => Ty::Unsupported(e.to_string()),
    }
}

impl Parser<'_> {
    pub fn is_qualifier(word: &str) -> bool {
        QUALIFIERS.contains(&word)
    }

    /// Whether the cursor is at the start of a type name.
    pub fn at_type_start(&self) -> bool {
        self.ident_text()
            .is_some_and(|word| self.is_type_word(word))
    }

    /// Whether `word` starts a type name: a type keyword, qualifier or typedef name.
    pub fn is_type_word(&self, word: &str) -> bool {
        Keywords::default().take(word)
            || Self::is_qualifier(word)
            || matches!(
                word,
                "struct"
                    | "union"
                    | "enum"
                    | "__attribute__"
                    | "__attribute"
                    | "_Atomic"
                    | "typeof"
                    | "__typeof__"
                    | "__typeof"
            )
            || self.d.typedefs.contains_key(word)
    }

    /// Declaration specifiers; storage classes only where `storage` allows them.
    pub fn specifiers(&mut self, storage: bool) -> Result<Specs, ParseError> {
        let mut specs = Specs::default();
        let mut kw = Keywords::default();
        // Where a bad combination of keywords is reported: the last keyword, which made it bad.
        let mut last_keyword = self.peek().clone();
        loop {
            let t = self.peek().clone();
            if t.kind != Tok::Ident {
                break;
            }
            let word = self.text(&t);
            match word {
                "typedef" | "extern" | "static" if !storage => {
                    return Err(self.error_at(&t, "storage class not allowed here"));
                }
                "typedef" => specs.is_typedef = true,
                "static" => specs.is_static = true,
                "extern" => {}
                "const" | "__const" | "__const__" => specs.is_const = true,
                _ if Self::is_qualifier(word) => {}
                "_Atomic" if matches!(self.peek_nth(1).kind, Tok::Punct("(")) => {
                    self.advance();
                    self.advance();
                    let ty = self.type_name()?;
                    self.expect(")")?;
                    self.set_base(&mut specs, &kw, ty)?;
                    continue;
                }
                "_Atomic" => {}
                "__attribute__" | "__attribute" | "__declspec" | "_Alignas" | "alignas" => {
                    let attrs = self.attributes()?;
                    specs.attrs.merge(attrs);
                    continue;
                }
                "struct" | "union" => {
                    let (ty, untagged) = self.record()?;
                    specs.untagged_record = untagged;
                    self.set_base(&mut specs, &kw, ty)?;
                    continue;
                }
                "enum" => {
                    let ty = self.enum_specifier()?;
                    self.set_base(&mut specs, &kw, ty)?;
                    continue;
                }
                "typeof" | "__typeof__" | "__typeof" => {
                    self.advance();
                    self.expect("(")?;
                    let ty = if self.at_type_start() {
                        self.type_name()?
                    } else {
                        while !self.is_punct(")") && self.peek().kind != Tok::Eof {
                            self.skip_balanced()?;
                        }
                        Ty::Unsupported("`typeof` of an expression".to_owned())
                    };
                    self.expect(")")?;
                    self.set_base(&mut specs, &kw, ty)?;
                    continue;
                }
                _ if kw.take(word) => {
                    last_keyword = t.clone();
                    if specs.base.is_some() {
                        return Err(self.error_at(&t, "two or more data types in declaration"));
                    }
                }
                _ => match self.d.typedefs.get(word) {
                    Some(ty) if specs.base.is_none() && !kw.any => {
                        specs.base = Some(ty.clone());
                    }
                    _ => break,
                },
            }
            self.advance();
        }
        if kw.any {
            let ty = kw.resolve().map_err(|m| self.error_at(&last_keyword, m))?;
            specs.base = Some(ty);
        }
        if let (Some(bits), Some(Ty::C(ty))) = (specs.attrs.mode_bits, &specs.base) {
            specs.base = Some(with_mode(ty, bits));
        }
        if let Some(why) = &specs.attrs.unsupported {
            specs.base = Some(Ty::Unsupported(why.clone()));
        }
        Ok(specs)
    }

    fn set_base(&self, specs: &mut Specs, kw: &Keywords, ty: Ty) -> Result<(), ParseError> {
        if specs.base.is_some() || kw.any {
            return Err(self.error_here("two or more data types in declaration"));
        }
        specs.base = Some(ty);
        Ok(())
    }

    /// A type name, as in `sizeof(...)` and casts: specifiers and an abstract declarator.
    pub fn type_name(&mut self) -> Result<Ty, ParseError> {
        self.enter()?;
        let result = self.type_name_inner();
        self.leave();
        result
    }

    fn type_name_inner(&mut self) -> Result<Ty, ParseError> {
        let specs = self.specifiers(false)?;
        if specs.base.is_none() {
            return Err(self.error_here("expected a type name"));
        }
        let decl = self.declarator()?;
        if let Some(token) = decl.name_token.clone() {
            return Err(self.error_at(&token, "a type name has no identifier"));
        }
        self.apply(&specs, &decl, &Attrs::default())
    }

    fn enum_specifier(&mut self) -> Result<Ty, ParseError> {
        let keyword = self.peek().clone();
        self.advance();
        let mut attrs = self.attributes()?;
        let tag = match self.peek().kind {
            Tok::Ident => {
                let t = self.text(self.peek()).to_owned();
                self.advance();
                Some(t)
            }
            _ => None,
        };
        attrs.merge(self.attributes()?);
        if !self.is_punct("{") {
            let Some(tag) = tag else {
                return Err(self.error_here("expected `{` or a tag after `enum`"));
            };
            return match self.d.tags.get(&tag) {
                Some(found) if found.keyword == "enum" => Ok(Ty::C(found.ty.clone())),
                Some(found) => Err(self.error_at(
                    &keyword,
                    &format!("`{tag}` was declared as a {}", found.keyword),
                )),
                // A forward-declared enum, as GCC allows: `unsigned int` until defined.
                None => Ok(Ty::C(CType::scalar(Scalar::UInt))),
            };
        }
        self.advance();
        let (mut min, mut max, mut next) = (0i128, 0i128, 0i128);
        let mut any = false;
        while !self.eat_punct("}") {
            let t = self.peek().clone();
            if t.kind != Tok::Ident {
                return Err(self.error_at(&t, "expected an enumerator name"));
            }
            self.advance();
            self.attributes()?;
            if self.eat_punct("=") {
                next = self.constant_expr()?.value;
            }
            if !(-(1i128 << 63)..1i128 << 64).contains(&next) {
                return Err(self.error_at(&t, "enumerator value out of range"));
            }
            let name = self.text(&t).to_owned();
            self.d.constants.insert(name, Constant::Int(next));
            (min, max) = if any {
                (min.min(next), max.max(next))
            } else {
                (next, next)
            };
            any = true;
            next += 1;
            if !self.eat_punct(",") {
                self.expect("}")?;
                break;
            }
        }
        attrs.merge(self.attributes()?);
        let scalar = enum_scalar(min, max, attrs.packed);
        let ty = CType::scalar(scalar);
        if let Some(tag) = tag {
            if let Some(found) = self.d.tags.get(&tag) {
                if found.keyword != "enum" {
                    return Err(self.error_at(
                        &keyword,
                        &format!("`{tag}` was declared as a {}", found.keyword),
                    ));
                }
            }
            let tag_ty = Tag {
                keyword: "enum",
                ty: ty.clone(),
            };
            self.d.tags.insert(tag, tag_ty);
        }
        Ok(Ty::C(ty))
    }
}

/// The integer type GCC gives an enum whose values lie in `min..=max`.
fn enum_scalar(min: i128, max: i128, packed: bool) -> Scalar {
    let fits = |s: Scalar| s.int_range().is_some_and(|(lo, hi)| lo <= min && max <= hi);
    let order: &[Scalar] = match (packed, min < 0) {
        (true, false) => &[Scalar::UChar, Scalar::UShort, Scalar::UInt, Scalar::ULong],
        (true, true) => &[Scalar::SChar, Scalar::Short, Scalar::Int, Scalar::Long],
        (false, false) => &[Scalar::UInt, Scalar::ULong],
        (false, true) => &[Scalar::Int, Scalar::Long],
    };
    order
        .iter()
        .copied()
        .find(|&s| fits(s))
        .unwrap_or(Scalar::Long)
}

/// An integer type given a width by `__attribute__((mode(...)))`.
pub(crate) fn with_mode(ty: &CType, bits: u32) -> Ty {
    let Some(s) = ty.as_scalar().filter(|s| s.is_integral()) else {
        return Ty::Unsupported("`mode` on a type that is not an integer".to_owned());
    };
    let signed = s.is_signed();
    let scalar = match (bits, signed) {
        (8, true) => Scalar::SChar,
        (8, false) => Scalar::UChar,
        (16, true) => Scalar::Short,
        (16, false) => Scalar::UShort,
        (32, true) => Scalar::Int,
        (32, false) => Scalar::UInt,
        (_, true) => Scalar::Long,
        (_, false) => Scalar::ULong,
    };
    Ty::C(CType::scalar(scalar))
}
