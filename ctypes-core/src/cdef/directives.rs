//! Preprocessor lines left in a header: `#pragma pack`, `#define NAME <constant>`, `#undef`,
//! and line markers; any other directive is refused, since the text must be preprocessed.

use super::cursor::Parser;
use super::error::ParseError;
use super::lexer::{Lexer, Tok, Token};
use super::Constant;
use crate::layout::ByteOrder;

impl Parser<'_> {
    pub fn directive(&mut self, token: &Token) -> Result<(), ParseError> {
        let toks = Lexer::directive(self.src, token).tokens()?;
        let saved_toks = std::mem::replace(&mut self.toks, toks);
        let saved_i = std::mem::replace(&mut self.i, 0);
        let result = self.directive_body();
        self.toks = saved_toks;
        self.i = saved_i;
        result
    }

    fn directive_body(&mut self) -> Result<(), ParseError> {
        self.expect("#")?;
        let word = self.peek().clone();
        match (&word.kind, self.text(&word)) {
            (Tok::Eof, _) | (Tok::Int { .. }, _) | (Tok::Ident, "line" | "ident") => Ok(()),
            (Tok::Ident, "pragma") => {
                self.advance();
                if self.eat_ident("pack") {
                    self.pragma_pack()?;
                    self.expect_eof()
                } else if self.eat_ident("scalar_storage_order") {
                    self.pragma_scalar_storage_order()
                } else {
                    Ok(())
                }
            }
            (Tok::Ident, "define") => {
                self.advance();
                self.define()
            }
            (Tok::Ident, "undef") => {
                self.advance();
                if let Some(name) = self.ident_text() {
                    self.d.constants.remove(name);
                }
                Ok(())
            }
            _ => Err(self.error_at(
                &word,
                "only #define and #pragma lines are read: run the preprocessor first",
            )),
        }
    }

    fn define(&mut self) -> Result<(), ParseError> {
        let name_token = self.peek().clone();
        if name_token.kind != Tok::Ident {
            return Err(self.error_at(&name_token, "expected a macro name after #define"));
        }
        let name = self.text(&name_token).to_owned();
        self.advance();
        let next = self.peek().clone();
        if matches!(next.kind, Tok::Punct("(")) && next.start == name_token.end {
            self.skip(&name, name_token.pos, "function-like macro");
            return Ok(());
        }
        if next.kind == Tok::Eof {
            self.skip(&name, name_token.pos, "macro without a value");
            return Ok(());
        }
        if let Tok::Str(_) = next.kind {
            let mut bytes = Vec::new();
            while let Tok::Str(s) = &self.peek().kind {
                bytes.extend_from_slice(s);
                self.advance();
            }
            if self.peek().kind == Tok::Eof {
                let value = String::from_utf8_lossy(&bytes).into_owned();
                self.d.constants.insert(name, Constant::Str(value));
                return Ok(());
            }
        } else {
            let value = self.constant_expr();
            if let Ok(value) = value {
                if self.peek().kind == Tok::Eof {
                    self.d.constants.insert(name, Constant::Int(value.value));
                    return Ok(());
                }
            }
        }
        self.skip(&name, name_token.pos, "not an integer or string constant");
        Ok(())
    }

    /// `#pragma pack(...)`, the parser positioned after `pack`.
    pub(crate) fn pragma_pack(&mut self) -> Result<(), ParseError> {
        self.expect("(")?;
        let mut push = false;
        let mut value = None;
        loop {
            if self.eat_punct(")") {
                break;
            }
            if self.eat_punct(",") {
                continue;
            }
            match self.ident_text() {
                Some("push") => {
                    self.advance();
                    push = true;
                }
                Some("pop") => {
                    self.advance();
                    self.d.pack = self.d.pack_stack.pop().unwrap_or(None);
                    self.expect(")")?;
                    return Ok(());
                }
                Some(_) if push => self.advance(),
                _ => {
                    let token = self.peek().clone();
                    let n = self.constant_u64("pack value")?;
                    if !n.is_power_of_two() || n > 16 {
                        return Err(self.error_at(&token, "pack value must be 1, 2, 4, 8 or 16"));
                    }
                    value = Some(n as usize);
                }
            }
        }
        if push {
            self.d.pack_stack.push(self.d.pack);
            if value.is_some() {
                self.d.pack = value;
            }
        } else {
            self.d.pack = value;
        }
        Ok(())
    }

    /// `#pragma scalar_storage_order big-endian | little-endian | default`: the byte order of
    /// the records defined after it that say none of their own.
    fn pragma_scalar_storage_order(&mut self) -> Result<(), ParseError> {
        let start = self.peek().clone();
        let mut words = String::new();
        while self.peek().kind != Tok::Eof {
            words.push_str(self.text(self.peek()));
            self.advance();
        }
        self.d.byte_order = match words.as_str() {
            "big-endian" => Some(ByteOrder::Big),
            "little-endian" => Some(ByteOrder::Little),
            "default" => None,
            _ => return Err(self.error_at(&start, "expected big-endian, little-endian or default")),
        };
        Ok(())
    }
}
