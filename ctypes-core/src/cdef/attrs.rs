//! GNU attributes and `__asm__` labels: what changes a record's layout or a function's linker
//! name is kept, everything else is read and dropped.

use super::cursor::Parser;
use super::error::ParseError;
use super::lexer::Tok;
use crate::layout::{ByteOrder, LayoutRules};

/// The attributes that matter, gathered from every `__attribute__((...))` of one place.
#[derive(Clone, Debug, Default)]
pub(crate) struct Attrs {
    pub packed: bool,
    pub aligned: Option<u64>,
    pub rules: Option<LayoutRules>,
    pub order: Option<ByteOrder>,
    /// `mode(QI)` and the like: the width in bits it gives an integer type.
    pub mode_bits: Option<u32>,
    /// Why the attributed thing cannot be represented (`vector_size`, `mode(TI)`).
    pub unsupported: Option<String>,
}

impl Attrs {
    pub fn merge(&mut self, other: Attrs) {
        self.packed |= other.packed;
        self.aligned = match (self.aligned, other.aligned) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        self.rules = other.rules.or(self.rules);
        self.order = other.order.or(self.order);
        self.mode_bits = other.mode_bits.or(self.mode_bits);
        self.unsupported = other.unsupported.or(self.unsupported.take());
    }
}

/// The largest alignment GCC gives `__attribute__((aligned))` without an argument on x86-64.
const BIGGEST_ALIGNMENT: u64 = 16;

impl Parser<'_> {
    pub(crate) fn at_attribute(&self) -> bool {
        matches!(self.text(self.peek()), "__attribute__" | "__attribute")
            && self.peek().kind == Tok::Ident
    }

    /// Reads any number of `__attribute__((...))`, `__declspec(...)` and `_Alignas(...)`.
    pub(crate) fn attributes(&mut self) -> Result<Attrs, ParseError> {
        let mut attrs = Attrs::default();
        loop {
            match self.ident_text() {
                Some("__attribute__" | "__attribute") => {
                    self.advance();
                    self.expect("(")?;
                    self.expect("(")?;
                    self.attribute_list(&mut attrs)?;
                    self.expect(")")?;
                    self.expect(")")?;
                }
                Some("__declspec") => {
                    self.advance();
                    self.skip_parenthesized()?;
                }
                Some("_Alignas" | "alignas") => {
                    self.advance();
                    self.expect("(")?;
                    let n = if self.at_type_start() {
                        let ty = self.type_name()?;
                        self.align_of(&ty)? as u64
                    } else {
                        self.constant_u64("alignment")?
                    };
                    self.expect(")")?;
                    attrs.merge(Attrs {
                        aligned: Some(n),
                        ..Attrs::default()
                    });
                }
                _ => return Ok(attrs),
            }
        }
    }

    fn attribute_list(&mut self, attrs: &mut Attrs) -> Result<(), ParseError> {
        loop {
            if self.is_punct(")") {
                return Ok(());
            }
            if self.eat_punct(",") {
                continue;
            }
            let token = self.peek().clone();
            if token.kind != Tok::Ident {
                return Err(self.error_at(&token, "expected an attribute name"));
            }
            self.advance();
            let raw = self.text(&token);
            let name = raw.trim_start_matches("__").trim_end_matches("__");
            match name {
                "packed" => attrs.packed = true,
                "ms_struct" => attrs.rules = Some(LayoutRules::Msvc),
                "gcc_struct" => attrs.rules = Some(LayoutRules::SysV),
                "aligned" => {
                    let n = if self.eat_punct("(") {
                        let n = self.constant_u64("alignment")?;
                        self.expect(")")?;
                        n
                    } else {
                        BIGGEST_ALIGNMENT
                    };
                    if !n.is_power_of_two() {
                        return Err(
                            self.error_at(&token, "requested alignment is not a power of two")
                        );
                    }
                    attrs.aligned = Some(attrs.aligned.map_or(n, |a| a.max(n)));
                }
                "scalar_storage_order" => {
                    self.expect("(")?;
                    let t = self.peek().clone();
                    attrs.order =
                        match &t.kind {
                            Tok::Str(s) if s == b"big-endian" => Some(ByteOrder::Big),
                            Tok::Str(s) if s == b"little-endian" => Some(ByteOrder::Little),
                            _ => return Err(self.error_at(
                                &t,
                                "scalar_storage_order takes \"big-endian\" or \"little-endian\"",
                            )),
                        };
                    self.advance();
                    self.expect(")")?;
                }
                "mode" => {
                    self.expect("(")?;
                    let t = self.peek().clone();
                    let mode = self
                        .text(&t)
                        .trim_start_matches("__")
                        .trim_end_matches("__");
                    match mode {
                        "QI" | "byte" => attrs.mode_bits = Some(8),
                        "HI" => attrs.mode_bits = Some(16),
                        "SI" => attrs.mode_bits = Some(32),
                        "DI" | "word" | "pointer" => attrs.mode_bits = Some(64),
                        other => attrs.unsupported = Some(format!("`mode({other})`")),
                    }
                    self.advance();
                    self.expect(")")?;
                }
                "vector_size" | "ext_vector_type" => {
                    attrs.unsupported = Some("vector types".to_owned());
                    self.skip_parenthesized()?;
                }
                _ => {
                    if self.is_punct("(") {
                        self.skip_parenthesized()?;
                    }
                }
            }
        }
    }

    /// Reads `__asm__("label")` if present: the name the linker knows the declaration by.
    pub(crate) fn asm_label(&mut self) -> Result<Option<String>, ParseError> {
        if !matches!(self.ident_text(), Some("__asm__" | "__asm" | "asm")) {
            return Ok(None);
        }
        self.advance();
        self.expect("(")?;
        let mut label = Vec::new();
        while let Tok::Str(s) = &self.peek().kind {
            label.extend_from_slice(s);
            self.advance();
        }
        self.expect(")")?;
        Ok(Some(String::from_utf8_lossy(&label).into_owned()))
    }
}
