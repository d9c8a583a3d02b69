//! Tokens of C declaration text, each with its position and its span in the text.

use super::error::{ParseError, Position};

/// What a token is.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Tok {
    /// An identifier or keyword; its text is the token's span.
    Ident,
    /// An integer constant: its value, whether a `u` suffix made it unsigned, and how many `l`s.
    Int {
        value: u128,
        unsigned: bool,
        longs: u8,
        decimal: bool,
    },
    /// A floating constant, only ever skipped.
    Float,
    /// A string literal's bytes, escapes resolved.
    Str(Vec<u8>),
    /// A character constant's value.
    Char(i128),
    /// An operator or punctuator.
    Punct(&'static str),
    /// A preprocessor line (`#pragma ...`, `#define ...`); the span covers the whole line.
    Directive,
    /// The end of the text.
    Eof,
}

#[derive(Clone, Debug)]
pub(crate) struct Token {
    pub kind: Tok,
    pub pos: Position,
    pub start: usize,
    pub end: usize,
}

const PUNCTS: [&str; 49] = [
    "...", "<<=", ">>=", "->", "++", "--", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||", "*=",
    "/=", "%=", "+=", "-=", "&=", "^=", "|=", "##", "[", "]", "(", ")", "{", "}", ".", "&", "*",
    "+", "-", "~", "!", "/", "%", "<", ">", "^", "|", "?", ":", ";", "=", ",", "#", "@",
];

pub(crate) struct Lexer<'a> {
    src: &'a str,
    bytes: &'a [u8],
    at: usize,
    end: usize,
    line: u32,
    column: u32,
    /// Whether only white space has been seen on this line, so that `#` starts a directive.
    line_start: bool,
    /// Inside a directive line, `#` is an ordinary token and the line ends the text.
    in_directive: bool,
}

impl<'a> Lexer<'a> {
    pub fn new(src: &'a str) -> Lexer<'a> {
        Lexer {
            src,
            bytes: src.as_bytes(),
            at: 0,
            end: src.len(),
            line: 1,
            column: 1,
            line_start: true,
            in_directive: false,
        }
    }

    /// A lexer over the body of a directive line, which `token` spans.
    pub fn directive(src: &'a str, token: &Token) -> Lexer<'a> {
        Lexer {
            src,
            bytes: src.as_bytes(),
            at: token.start,
            end: token.end,
            line: token.pos.line,
            column: token.pos.column,
            line_start: false,
            in_directive: true,
        }
    }

    pub fn tokens(mut self) -> Result<Vec<Token>, ParseError> {
        let mut out = Vec::with_capacity(self.src.len() / 4);
        loop {
            let token = self.next()?;
            let eof = token.kind == Tok::Eof;
            out.push(token);
            if eof {
                return Ok(out);
            }
        }
    }

    fn pos(&self) -> Position {
        Position {
            line: self.line,
            column: self.column,
        }
    }

    fn peek_at(&self, k: usize) -> u8 {
        if self.at + k < self.end {
            self.bytes[self.at + k]
        } else {
            0
        }
    }

    fn bump(&mut self) {
        let Some(&b) = self.bytes.get(self.at) else {
            return;
        };
        self.at += 1;
        if b == b'\n' {
            self.line = self.line.saturating_add(1);
            self.column = 1;
            self.line_start = true;
        } else if b & 0xc0 != 0x80 {
            self.column = self.column.saturating_add(1);
        }
    }

    fn error_here(&self, start: usize, pos: Position, message: &str) -> ParseError {
        let mut end = (start + 1).min(self.end);
        while !self.src.is_char_boundary(end) {
            end += 1;
        }
        ParseError::new(pos, &self.src[start..end], message)
    }

    /// Skips white space, comments and backslash-newlines.
    fn skip_space(&mut self) -> Result<(), ParseError> {
        while self.at < self.end {
            match (self.peek_at(0), self.peek_at(1)) {
                (b'\\', b'\n') => {
                    self.bump();
                    self.bump();
                    self.line_start = false;
                }
                (b'\\', b'\r') if self.peek_at(2) == b'\n' => {
                    self.bump();
                    self.bump();
                    self.bump();
                    self.line_start = false;
                }
                (b'\n', _) if self.in_directive => {
                    self.end = self.at;
                }
                (b' ' | b'\t' | b'\r' | b'\n' | b'\x0c' | b'\x0b', _) => self.bump(),
                (b'/', b'/') => {
                    while self.at < self.end && self.peek_at(0) != b'\n' {
                        self.bump();
                    }
                }
                (b'/', b'*') => {
                    let (start, pos) = (self.at, self.pos());
                    let line_start = self.line_start;
                    self.bump();
                    self.bump();
                    loop {
                        if self.at >= self.end {
                            return Err(self.error_here(start, pos, "unterminated comment"));
                        }
                        if self.peek_at(0) == b'*' && self.peek_at(1) == b'/' {
                            self.bump();
                            self.bump();
                            break;
                        }
                        self.bump();
                    }
                    self.line_start = line_start && self.line_start;
                }
                _ => break,
            }
        }
        Ok(())
    }

    fn next(&mut self) -> Result<Token, ParseError> {
        self.skip_space()?;
        let (start, pos) = (self.at, self.pos());
        let token = |kind, end| Token {
            kind,
            pos,
            start,
            end,
        };
        if self.at >= self.end {
            return Ok(token(Tok::Eof, start));
        }
        let b = self.peek_at(0);
        if b == b'#' && self.line_start && !self.in_directive {
            while self.at < self.end {
                match (self.peek_at(0), self.peek_at(1)) {
                    (b'\n', _) => break,
                    (b'\\', b'\n') => {
                        self.bump();
                        self.bump();
                    }
                    (b'/', b'*') => self.skip_space()?,
                    _ => self.bump(),
                }
            }
            return Ok(token(Tok::Directive, self.at));
        }
        self.line_start = false;
        let quote = match (b, self.peek_at(1), self.peek_at(2)) {
            (b'\'' | b'"', _, _) => Some(0),
            (b'L' | b'U' | b'u', b'\'' | b'"', _) => Some(1),
            (b'u', b'8', b'\'' | b'"') => Some(2),
            _ => None,
        };
        if let Some(prefix) = quote {
            for _ in 0..prefix {
                self.bump();
            }
            let kind = self.quoted(start, pos)?;
            return Ok(token(kind, self.at));
        }
        if b.is_ascii_alphabetic() || b == b'_' || b == b'$' || b >= 0x80 {
            while self.at < self.end {
                let c = self.peek_at(0);
                if c.is_ascii_alphanumeric() || c == b'_' || c == b'$' || c >= 0x80 {
                    self.bump();
                } else {
                    break;
                }
            }
            return Ok(token(Tok::Ident, self.at));
        }
        if b.is_ascii_digit() || (b == b'.' && self.peek_at(1).is_ascii_digit()) {
            let kind = self.number(start, pos)?;
            return Ok(token(kind, self.at));
        }
        for p in PUNCTS {
            if p.as_bytes()[0] == b && self.bytes[self.at..self.end].starts_with(p.as_bytes()) {
                for _ in 0..p.len() {
                    self.bump();
                }
                return Ok(token(Tok::Punct(p), self.at));
            }
        }
        Err(self.error_here(start, pos, "unexpected character"))
    }

    fn number(&mut self, start: usize, pos: Position) -> Result<Tok, ParseError> {
        let mut prev = 0u8;
        while self.at < self.end {
            let c = self.peek_at(0);
            let sign_after_exponent = (c == b'+' || c == b'-')
                && matches!(prev, b'e' | b'E' | b'p' | b'P')
                && !self.src[start..self.at].starts_with("0x")
                || (c == b'+' || c == b'-') && matches!(prev, b'p' | b'P');
            if c.is_ascii_alphanumeric() || c == b'.' || c == b'_' || sign_after_exponent {
                prev = c;
                self.bump();
            } else {
                break;
            }
        }
        let text = &self.src[start..self.at];
        let lower = text.to_ascii_lowercase();
        let hex = lower.starts_with("0x");
        if lower.contains('.') || (!hex && lower.contains('e')) || (hex && lower.contains('p')) {
            return Ok(Tok::Float);
        }
        let digits_end = lower
            .char_indices()
            .skip(if hex || lower.starts_with("0b") { 2 } else { 0 })
            .find(|&(_, c)| c == 'u' || c == 'l')
            .map_or(lower.len(), |(i, _)| i);
        let (digits, suffix) = lower.split_at(digits_end);
        let (radix, digits) = if hex {
            (16, &digits[2..])
        } else if let Some(bin) = digits.strip_prefix("0b") {
            (2, bin)
        } else if digits.len() > 1 && digits.starts_with('0') {
            (8, &digits[1..])
        } else {
            (10, digits)
        };
        let bad = || ParseError::new(pos, text, "invalid integer constant");
        let value = u128::from_str_radix(digits, radix).map_err(|_| bad())?;
        if value > u128::from(u64::MAX) {
            return Err(ParseError::new(pos, text, "integer constant is too large"));
        }
        let (unsigned, longs) = match suffix {
            "" => (false, 0),
            "u" => (true, 0),
            "l" => (false, 1),
            "ul" | "lu" => (true, 1),
            "ll" => (false, 2),
            "ull" | "llu" => (true, 2),
            _ => return Err(bad()),
        };
        Ok(Tok::Int {
            value,
            unsigned,
            longs,
            decimal: radix == 10,
        })
    }

    fn quoted(&mut self, start: usize, pos: Position) -> Result<Tok, ParseError> {
        let quote = self.peek_at(0);
        self.bump();
        let mut bytes = Vec::new();
        loop {
            if self.at >= self.end || self.peek_at(0) == b'\n' {
                let what = if quote == b'"' {
                    "unterminated string literal"
                } else {
                    "unterminated character constant"
                };
                return Err(self.error_here(start, pos, what));
            }
            let c = self.peek_at(0);
            if c == quote {
                self.bump();
                break;
            }
            if c == b'\\' {
                self.bump();
                bytes.push(self.escape(start, pos)?);
            } else {
                bytes.push(c);
                self.bump();
            }
        }
        if quote == b'"' {
            return Ok(Tok::Str(bytes));
        }
        match bytes.as_slice() {
            // A plain `char` is signed on x86-64, as GCC reads '\xff' there.
            [b] if self.src.as_bytes()[start] == b'\'' => Ok(Tok::Char(i128::from(*b as i8))),
            [b] => Ok(Tok::Char(i128::from(*b))),
            [] => Err(self.error_here(start, pos, "empty character constant")),
            _ => Err(self.error_here(start, pos, "multi-character constant")),
        }
    }

    fn escape(&mut self, start: usize, pos: Position) -> Result<u8, ParseError> {
        let c = self.peek_at(0);
        self.bump();
        Ok(match c {
            b'n' => b'\n',
            b't' => b'\t',
            b'r' => b'\r',
            b'a' => 7,
            b'b' => 8,
            b'f' => 12,
            b'v' => 11,
            b'e' => 27,
            b'\\' | b'\'' | b'"' | b'?' => c,
            b'x' => {
                let mut value = 0u32;
                let mut any = false;
                while self.peek_at(0).is_ascii_hexdigit() {
                    value = (value << 4) | char::from(self.peek_at(0)).to_digit(16).unwrap_or(0);
                    value &= 0xffff;
                    any = true;
                    self.bump();
                }
                if !any {
                    return Err(self.error_here(start, pos, "\\x used with no hex digits"));
                }
                value as u8
            }
            b'0'..=b'7' => {
                let mut value = u32::from(c - b'0');
                for _ in 0..2 {
                    match self.peek_at(0) {
                        d @ b'0'..=b'7' => {
                            value = value * 8 + u32::from(d - b'0');
                            self.bump();
                        }
                        _ => break,
                    }
                }
                value as u8
            }
            _ => return Err(self.error_here(start, pos, "unknown escape sequence")),
        })
    }
}
