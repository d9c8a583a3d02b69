//! The parser's cursor over tokens: the state every part of the grammar shares (the tokens,
//! the position, the declarations made so far, how deeply the input nests) and the steps that
//! read tokens and report errors at them. Each part of the grammar adds its own methods to
//! [`Parser`] in its own file.

use super::error::{ParseError, Position, Skipped};
use super::lexer::{Tok, Token};
use super::Declarations;
use crate::ty::{CType, RecordBuilder};

/// How deeply declarators, parentheses and records may nest: deeper input is refused rather
/// than allowed to exhaust the stack.
const MAX_DEPTH: u32 = 200;

pub(crate) struct Parser<'a> {
    pub src: &'a str,
    pub toks: Vec<Token>,
    pub i: usize,
    pub d: &'a mut Declarations,
    pub depth: u32,
    /// The latest struct or union defined without a tag, with its builder: a typedef that
    /// gives it `aligned(N)` (glibc's `__pthread_unwind_buf_t`) rebuilds it with that alignment.
    pub last_untagged: Option<(CType, RecordBuilder)>,
    /// How many parameter lists the cursor is inside: there an array's size may name a
    /// parameter (`regmatch_t pmatch[nmatch]`), and does not matter, the array being a pointer.
    pub in_params: u32,
}

impl<'a> Parser<'a> {
    pub fn peek(&self) -> &Token {
        // The token list always ends with `Eof`, and the cursor never passes it.
        &self.toks[self.i.min(self.toks.len() - 1)]
    }

    pub fn peek_nth(&self, n: usize) -> &Token {
        &self.toks[(self.i + n).min(self.toks.len() - 1)]
    }

    pub fn advance(&mut self) {
        if self.i + 1 < self.toks.len() {
            self.i += 1;
        }
    }

    pub fn text(&self, token: &Token) -> &'a str {
        self.src.get(token.start..token.end).unwrap_or("")
    }

    pub fn ident_text(&self) -> Option<&'a str> {
        let t = self.peek();
        (t.kind == Tok::Ident).then(|| self.text(t))
    }

    pub fn is_punct(&self, p: &str) -> bool {
        matches!(self.peek().kind, Tok::Punct(q) if q == p)
    }

    pub fn eat_punct(&mut self, p: &str) -> bool {
        let found = self.is_punct(p);
        if found {
            self.advance();
        }
        found
    }

    pub fn eat_ident(&mut self, word: &str) -> bool {
        let found = self.ident_text() == Some(word);
        if found {
            self.advance();
        }
        found
    }

    pub fn expect(&mut self, p: &str) -> Result<(), ParseError> {
        if self.eat_punct(p) {
            Ok(())
        } else {
            Err(self.error_here(&format!("expected `{p}`")))
        }
    }

    pub fn expect_eof(&self) -> Result<(), ParseError> {
        if self.peek().kind == Tok::Eof {
            Ok(())
        } else {
            Err(self.error_here("unexpected token"))
        }
    }

    pub fn error_at(&self, token: &Token, message: &str) -> ParseError {
        let text = if token.kind == Tok::Eof {
            ""
        } else {
            let t = self.text(token);
            t.lines().next().unwrap_or(t)
        };
        ParseError::new(token.pos, text, message)
    }

    pub fn error_here(&self, message: &str) -> ParseError {
        self.error_at(self.peek(), message)
    }

    /// Enters one level of nesting; [`Parser::leave`] undoes it.
    pub fn enter(&mut self) -> Result<(), ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error_here("declaration nests too deeply"));
        }
        Ok(())
    }

    pub fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    pub fn skip(&mut self, name: &str, position: Position, reason: &str) {
        self.d.skipped.push(Skipped {
            name: name.to_owned(),
            position,
            reason: reason.to_owned(),
        });
    }

    /// Skips a balanced `( ... )`, `[ ... ]` or `{ ... }` starting at the cursor.
    pub fn skip_balanced(&mut self) -> Result<(), ParseError> {
        let open = self.peek().clone();
        let mut stack = Vec::new();
        loop {
            let t = self.peek().clone();
            match t.kind {
                Tok::Punct(p @ ("(" | "[" | "{")) => stack.push(p),
                Tok::Punct(p @ (")" | "]" | "}")) => {
                    let want = match stack.pop() {
                        Some("(") => ")",
                        Some("[") => "]",
                        _ => "}",
                    };
                    if p != want {
                        return Err(self.error_at(&t, &format!("expected `{want}`")));
                    }
                }
                Tok::Eof => return Err(self.error_at(&open, "unbalanced bracket")),
                _ => {}
            }
            self.advance();
            if stack.is_empty() {
                return Ok(());
            }
        }
    }

    pub fn skip_parenthesized(&mut self) -> Result<(), ParseError> {
        if !self.is_punct("(") {
            return Err(self.error_here("expected `(`"));
        }
        self.skip_balanced()
    }
}
