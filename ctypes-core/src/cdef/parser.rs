//! The external declarations of a header: typedefs, functions, variables, `#pragma` and
//! `#define` lines; and the entry points that parse a text or a type name.

use super::cursor::Parser;
use super::error::{ParseError, Position};
use super::lexer::{Lexer, Tok};
use super::{Declarations, FunctionDecl, Ty};
use crate::ty::{CType, Scalar, TypeKind};

/// The standard typedef names a hand-written declaration may use without a header.
pub(crate) fn predefine(d: &mut Declarations) {
    let names = [
        ("bool", Scalar::Bool),
        ("size_t", Scalar::SizeT),
        ("ssize_t", Scalar::SSizeT),
        ("ptrdiff_t", Scalar::PtrdiffT),
        ("intptr_t", Scalar::IntptrT),
        ("uintptr_t", Scalar::UintptrT),
        ("time_t", Scalar::TimeT),
        ("wchar_t", Scalar::WcharT),
        ("int8_t", Scalar::Int8),
        ("uint8_t", Scalar::UInt8),
        ("int16_t", Scalar::Int16),
        ("uint16_t", Scalar::UInt16),
        ("int32_t", Scalar::Int32),
        ("uint32_t", Scalar::UInt32),
        ("int64_t", Scalar::Int64),
        ("uint64_t", Scalar::UInt64),
    ];
    for (name, scalar) in names {
        d.typedefs
            .insert(name.to_owned(), Ty::C(CType::scalar(scalar)));
    }
    d.typedefs
        .insert("__builtin_va_list".to_owned(), super::specifiers::va_list());
}

pub(crate) fn parse_into(d: &mut Declarations, text: &str) -> Result<(), ParseError> {
    let toks = Lexer::new(text).tokens()?;
    let mut p = Parser {
        src: text,
        toks,
        i: 0,
        d,
        depth: 0,
        last_untagged: None,
        in_params: 0,
    };
    p.translation_unit()
}

/// Whether `word` is a keyword that can name a type alone (`int`, `unsigned`, `_Bool`).
pub(crate) fn is_type_keyword(word: &str) -> bool {
    matches!(
        word,
        "void"
            | "_Bool"
            | "char"
            | "short"
            | "int"
            | "long"
            | "float"
            | "double"
            | "signed"
            | "unsigned"
            | "__builtin_va_list"
            | "_Float32"
            | "_Float64"
            | "_Float32x"
            | "_Float64x"
    )
}

/// Reads a type name such as `const char *` against the declarations.
pub(crate) fn type_name(d: &Declarations, text: &str) -> Result<Ty, ParseError> {
    let toks = Lexer::new(text).tokens()?;
    // The parser may declare a tag it meets (`struct new *`); that goes into a copy.
    let mut scratch = d.clone();
    let mut p = Parser {
        src: text,
        toks,
        i: 0,
        d: &mut scratch,
        depth: 0,
        last_untagged: None,
        in_params: 0,
    };
    let ty = p.type_name()?;
    p.expect_eof()?;
    Ok(ty)
}

impl Parser<'_> {
    fn translation_unit(&mut self) -> Result<(), ParseError> {
        loop {
            match self.peek().kind {
                Tok::Eof => return Ok(()),
                Tok::Directive => {
                    let token = self.peek().clone();
                    self.advance();
                    self.directive(&token)?;
                }
                Tok::Punct(";") => self.advance(),
                _ => self.external_declaration()?,
            }
        }
    }

    fn external_declaration(&mut self) -> Result<(), ParseError> {
        while self.eat_ident("__extension__") {}
        match self.ident_text() {
            Some("_Static_assert" | "static_assert") => {
                self.advance();
                self.skip_parenthesized()?;
                return self.expect(";");
            }
            Some("__asm__" | "__asm" | "asm") => {
                self.advance();
                while matches!(self.ident_text(), Some("volatile" | "__volatile__")) {
                    self.advance();
                }
                self.skip_parenthesized()?;
                return self.expect(";");
            }
            _ => {}
        }
        let start = self.peek().clone();
        let specs = self.specifiers(true)?;
        if specs.base.is_none() {
            return Err(self.error_at(&start, "expected a declaration"));
        }
        if self.eat_punct(";") {
            return Ok(());
        }
        loop {
            let decl = self.declarator()?;
            let mut attrs = self.attributes()?;
            let asm = self.asm_label()?;
            attrs.merge(self.attributes()?);
            let mut ty = self.apply(&specs, &decl, &attrs)?;
            if specs.is_typedef {
                ty = self.typedef_alignment(ty, attrs.aligned.or(specs.attrs.aligned))?;
            }
            let name_token = decl.name_token.clone().unwrap_or_else(|| start.clone());
            let Some(name) = decl.name.clone() else {
                return Err(self.error_at(&name_token, "expected a name in the declaration"));
            };
            let is_function = matches!(&ty, Ty::C(t) if matches!(t.kind(), TypeKind::Function(_)))
                || (matches!(ty, Ty::Unsupported(_)) && decl.is_function());
            if is_function && self.is_punct("{") {
                self.skip_balanced()?;
                if !specs.is_static && !specs.is_typedef {
                    self.declare(&name, name_token.pos, ty, asm, &specs);
                }
                return Ok(());
            }
            if self.eat_punct("=") {
                self.skip_initializer()?;
            }
            if !specs.is_static || specs.is_typedef {
                self.declare(&name, name_token.pos, ty, asm, &specs);
            }
            if self.eat_punct(",") {
                continue;
            }
            return self.expect(";");
        }
    }

    fn skip_initializer(&mut self) -> Result<(), ParseError> {
        loop {
            match self.peek().kind {
                Tok::Punct("," | ";") | Tok::Eof => return Ok(()),
                Tok::Punct("(" | "[" | "{") => self.skip_balanced()?,
                _ => self.advance(),
            }
        }
    }

    fn declare(
        &mut self,
        name: &str,
        pos: Position,
        ty: Ty,
        asm: Option<String>,
        specs: &super::specifiers::Specs,
    ) {
        if specs.is_typedef {
            if let Ty::Unsupported(reason) = &ty {
                self.skip(name, pos, reason);
            }
            self.define_typedef(name, ty);
            return;
        }
        let ty = match ty {
            Ty::C(ty) => ty,
            Ty::Unsupported(reason) => return self.skip(name, pos, &reason),
        };
        if let TypeKind::Function(sig) = ty.kind() {
            let link_name = asm.or_else(|| {
                let i = *self.d.function_index.get(name)?;
                self.d.functions[i].link_name.clone()
            });
            let decl = FunctionDecl {
                name: name.to_owned(),
                link_name,
                signature: sig.clone(),
                position: pos,
            };
            match self.d.function_index.get(name) {
                Some(&i) => self.d.functions[i] = decl,
                None => {
                    self.d
                        .function_index
                        .insert(name.to_owned(), self.d.functions.len());
                    self.d.functions.push(decl);
                }
            }
        } else {
            self.d.globals.insert(name.to_owned(), ty);
        }
    }

    /// A typedef's type given `aligned(n)`: a record defined right there without a tag is
    /// rebuilt with that alignment when its size is a multiple of it (which is then exact);
    /// other types cannot carry an alignment of their own.
    fn typedef_alignment(&mut self, ty: Ty, aligned: Option<u64>) -> Result<Ty, ParseError> {
        let (Some(n), Ty::C(t)) = (aligned, &ty) else {
            return Ok(ty);
        };
        let (Ok(size), Ok(natural)) = (t.size(), t.align()) else {
            return Ok(ty);
        };
        let n = usize::try_from(n).unwrap_or(usize::MAX);
        if n <= natural {
            return Ok(ty);
        }
        if let Some((record, builder)) = &self.last_untagged {
            if record.same_object(t) && size % n == 0 {
                let rebuilt = builder.clone().align(n).build();
                return rebuilt
                    .map(Ty::C)
                    .map_err(|e| self.error_here(&e.to_string()));
            }
        }
        Ok(Ty::Unsupported(
            "typedef with an alignment of its own".to_owned(),
        ))
    }

    fn define_typedef(&mut self, name: &str, ty: Ty) {
        // A header's `typedef unsigned long size_t;` keeps the predefined `size_t`, which
        // has the same layout and prints as its own name.
        if let (Some(Ty::C(old)), Ty::C(new)) = (self.d.typedefs.get(name), &ty) {
            if let (Some(a), Some(b)) = (old.as_scalar(), new.as_scalar()) {
                if a.size_align() == b.size_align() && a.class() == b.class() {
                    return;
                }
            }
        }
        self.d.typedefs.insert(name.to_owned(), ty);
    }

    /// The layout of `ty` where C needs it complete.
    pub fn size_of(&self, ty: &Ty) -> Result<usize, ParseError> {
        match ty {
            Ty::C(t) => t
                .size()
                .map_err(|e| self.error_here(&format!("sizeof of {e}"))),
            Ty::Unsupported(why) => Err(self.error_here(&format!("sizeof of {why}"))),
        }
    }

    pub fn align_of(&self, ty: &Ty) -> Result<usize, ParseError> {
        match ty {
            Ty::C(t) => t
                .align()
                .map_err(|e| self.error_here(&format!("alignof of {e}"))),
            Ty::Unsupported(why) => Err(self.error_here(&format!("alignof of {why}"))),
        }
    }
}
