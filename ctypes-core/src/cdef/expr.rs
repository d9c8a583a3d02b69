//! Integer constant expressions, evaluated as C does on x86-64: `int` and `long` widths,
//! unsigned wrap-around, the usual arithmetic conversions, `sizeof`, `_Alignof` and casts.

use super::cursor::Parser;
use super::error::ParseError;
use super::lexer::{Tok, Token};
use super::{Constant, Ty};
use crate::ty::TypeKind;

/// A constant's value with its C type: a width of 32 or 64 bits, signed or not.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Val {
    pub value: i128,
    unsigned: bool,
    bits: u32,
}

fn wrap(value: i128, bits: u32, unsigned: bool) -> i128 {
    let modulus = 1i128 << bits;
    let low = value.rem_euclid(modulus);
    if !unsigned && low >= modulus / 2 {
        low - modulus
    } else {
        low
    }
}

impl Val {
    fn new(value: i128, bits: u32, unsigned: bool) -> Val {
        Val {
            value: wrap(value, bits, unsigned),
            unsigned,
            bits,
        }
    }

    fn int(value: i128) -> Val {
        Val::new(value, 32, false)
    }

    fn promoted(self) -> Val {
        if self.bits < 32 {
            Val::new(self.value, 32, false)
        } else {
            self
        }
    }

    /// The type both operands of a binary operator are converted to.
    fn common(a: Val, b: Val) -> (u32, bool) {
        let (a, b) = (a.promoted(), b.promoted());
        match a.bits.cmp(&b.bits) {
            std::cmp::Ordering::Greater => (a.bits, a.unsigned),
            std::cmp::Ordering::Less => (b.bits, b.unsigned),
            std::cmp::Ordering::Equal => (a.bits, a.unsigned || b.unsigned),
        }
    }
}

fn precedence(op: &str) -> Option<u8> {
    Some(match op {
        "||" => 1,
        "&&" => 2,
        "|" => 3,
        "^" => 4,
        "&" => 5,
        "==" | "!=" => 6,
        "<" | ">" | "<=" | ">=" => 7,
        "<<" | ">>" => 8,
        "+" | "-" => 9,
        "*" | "/" | "%" => 10,
        _ => return None,
    })
}

impl Parser<'_> {
    /// A conditional expression that must be an integer constant.
    pub fn constant_expr(&mut self) -> Result<Val, ParseError> {
        self.enter()?;
        let result = self.conditional();
        self.leave();
        result
    }

    /// A constant expression that must be a non-negative integer, such as an alignment.
    pub fn constant_u64(&mut self, what: &str) -> Result<u64, ParseError> {
        let token = self.peek().clone();
        let v = self.constant_expr()?;
        u64::try_from(v.value).map_err(|_| self.error_at(&token, &format!("{what} is negative")))
    }

    fn conditional(&mut self) -> Result<Val, ParseError> {
        let condition = self.binary(1)?;
        if !self.eat_punct("?") {
            return Ok(condition);
        }
        let a = self.constant_expr()?;
        self.expect(":")?;
        let b = self.constant_expr()?;
        let (bits, unsigned) = Val::common(a, b);
        let chosen = if condition.value != 0 { a } else { b };
        Ok(Val::new(chosen.value, bits, unsigned))
    }

    fn binary(&mut self, min: u8) -> Result<Val, ParseError> {
        let mut lhs = self.unary()?;
        loop {
            let token = self.peek().clone();
            let Tok::Punct(op) = token.kind else {
                return Ok(lhs);
            };
            let Some(prec) = precedence(op).filter(|&p| p >= min) else {
                return Ok(lhs);
            };
            self.advance();
            let rhs = self.binary(prec + 1)?;
            lhs = self.binop(op, lhs, rhs, &token)?;
        }
    }

    fn binop(&self, op: &str, a: Val, b: Val, token: &Token) -> Result<Val, ParseError> {
        if op == "<<" || op == ">>" {
            let a = a.promoted();
            if b.value < 0 || b.value >= i128::from(a.bits) {
                return Err(self.error_at(token, "shift count out of range"));
            }
            let n = b.value as u32;
            // Only the low `bits` bits of the result are kept, so the shift may wrap.
            let v = if op == "<<" {
                (a.value as u128).wrapping_shl(n) as i128
            } else {
                a.value >> n
            };
            return Ok(Val::new(v, a.bits, a.unsigned));
        }
        if op == "&&" || op == "||" {
            let v = if op == "&&" {
                a.value != 0 && b.value != 0
            } else {
                a.value != 0 || b.value != 0
            };
            return Ok(Val::int(i128::from(v)));
        }
        let (bits, unsigned) = Val::common(a, b);
        let (x, y) = (wrap(a.value, bits, unsigned), wrap(b.value, bits, unsigned));
        let truth = |t: bool| Ok(Val::int(i128::from(t)));
        let v = match op {
            "==" => return truth(x == y),
            "!=" => return truth(x != y),
            "<" => return truth(x < y),
            ">" => return truth(x > y),
            "<=" => return truth(x <= y),
            ">=" => return truth(x >= y),
            "+" => x + y,
            "-" => x - y,
            // Wrapping in 128 bits keeps the low `bits` bits exact.
            "*" => x.wrapping_mul(y),
            "/" | "%" if y == 0 => return Err(self.error_at(token, "division by zero")),
            "/" => x / y,
            "%" => x % y,
            "&" => x & y,
            "|" => x | y,
            _ => x ^ y,
        };
        Ok(Val::new(v, bits, unsigned))
    }

    fn unary(&mut self) -> Result<Val, ParseError> {
        self.enter()?;
        let result = self.unary_inner();
        self.leave();
        result
    }

    fn unary_inner(&mut self) -> Result<Val, ParseError> {
        let token = self.peek().clone();
        match &token.kind {
            Tok::Punct("+") => {
                self.advance();
                Ok(self.unary()?.promoted())
            }
            Tok::Punct("-") => {
                self.advance();
                let v = self.unary()?.promoted();
                Ok(Val::new(-v.value, v.bits, v.unsigned))
            }
            Tok::Punct("~") => {
                self.advance();
                let v = self.unary()?.promoted();
                Ok(Val::new(!v.value, v.bits, v.unsigned))
            }
            Tok::Punct("!") => {
                self.advance();
                let v = self.unary()?;
                Ok(Val::int(i128::from(v.value == 0)))
            }
            Tok::Punct("(") => {
                let next = self.peek_nth(1);
                if next.kind == Tok::Ident && self.is_type_word(self.text(next)) {
                    self.advance();
                    let ty = self.type_name()?;
                    self.expect(")")?;
                    let v = self.unary()?;
                    return self.cast(v, &ty, &token);
                }
                self.advance();
                let v = self.constant_expr()?;
                self.expect(")")?;
                Ok(v)
            }
            &Tok::Int {
                value,
                unsigned,
                longs,
                decimal,
            } => {
                self.advance();
                Ok(literal(value, unsigned, longs, decimal))
            }
            &Tok::Char(c) => {
                self.advance();
                Ok(Val::int(c))
            }
            Tok::Ident => self.named(&token),
            Tok::Eof => Err(self.error_at(&token, "expected an expression")),
            _ => Err(self.error_at(&token, "expected an integer constant expression")),
        }
    }

    fn named(&mut self, token: &Token) -> Result<Val, ParseError> {
        let word = self.text(token);
        self.advance();
        match word {
            "sizeof" | "_Alignof" | "__alignof__" | "__alignof" | "alignof" => {
                let next = self.peek_nth(1);
                let is_type = next.kind == Tok::Ident && self.is_type_word(self.text(next));
                if !(self.is_punct("(") && is_type) {
                    return Err(self.error_at(token, &format!("`{word}` takes a type name here")));
                }
                self.advance();
                let ty = self.type_name()?;
                let n = if word == "sizeof" {
                    self.size_of(&ty)?
                } else {
                    self.align_of(&ty)?
                };
                self.expect(")")?;
                Ok(Val::new(n as i128, 64, true))
            }
            "__extension__" => self.unary(),
            "__builtin_offsetof" | "offsetof" => self.offset_of(token),
            _ => match self.d.constants.get(word) {
                Some(&Constant::Int(v)) => Ok(match v {
                    _ if i32::try_from(v).is_ok() => Val::int(v),
                    _ if i64::try_from(v).is_ok() => Val::new(v, 64, false),
                    _ => Val::new(v, 64, true),
                }),
                Some(Constant::Str(_)) => {
                    Err(self.error_at(token, &format!("`{word}` is a string, not an integer")))
                }
                None => Err(self.error_at(token, &format!("`{word}` is not a known constant"))),
            },
        }
    }

    fn cast(&self, v: Val, ty: &Ty, token: &Token) -> Result<Val, ParseError> {
        let Ty::C(ty) = ty else {
            return Err(self.error_at(token, "cast to a type the runtime cannot represent"));
        };
        match ty.kind() {
            TypeKind::Pointer(_) => Ok(Val::new(v.value, 64, true)),
            TypeKind::Scalar(s) if s.is_integral() => {
                let bits = (s.size() * 8) as u32;
                if bits == 8 && s.c_name() == "_Bool" {
                    return Ok(Val::int(i128::from(v.value != 0)));
                }
                Ok(Val::new(v.value, bits, !s.is_signed()))
            }
            _ => Err(self.error_at(token, &format!("cast to `{ty}` in an integer constant"))),
        }
    }

    /// `__builtin_offsetof(type, member.designator[index])`, after the name.
    fn offset_of(&mut self, token: &Token) -> Result<Val, ParseError> {
        self.expect("(")?;
        let mut ty = match self.type_name()? {
            Ty::C(ty) => ty,
            Ty::Unsupported(why) => return Err(self.error_at(token, &format!("offsetof in {why}"))),
        };
        self.expect(",")?;
        let mut offset = 0usize;
        let mut first = true;
        loop {
            let at = self.peek().clone();
            if first || self.eat_punct(".") {
                first = false;
                let name_token = self.peek().clone();
                if name_token.kind != Tok::Ident {
                    return Err(self.error_at(&name_token, "expected a member name"));
                }
                let name = self.text(&name_token);
                self.advance();
                let not_found =
                    || self.error_at(&name_token, &format!("`{ty}` has no member `{name}`"));
                let mut def = ty
                    .as_record()
                    .and_then(|r| r.definition())
                    .ok_or_else(not_found)?;
                let path = def.field_path(name).ok_or_else(not_found)?.to_vec();
                let mut field_ty = ty.clone();
                for (k, &i) in path.iter().enumerate() {
                    let field = def.fields().get(i).ok_or_else(not_found)?;
                    if field.is_bit_field() {
                        return Err(self.error_at(&name_token, "offsetof of a bit-field"));
                    }
                    offset += field.offset();
                    field_ty = field.ty().clone();
                    if k + 1 < path.len() {
                        def = field
                            .ty()
                            .as_record()
                            .and_then(|r| r.definition())
                            .ok_or_else(not_found)?;
                    }
                }
                ty = field_ty;
            } else if self.eat_punct("[") {
                let index = self.constant_expr()?.value;
                self.expect("]")?;
                let Some((element, _)) = ty.as_array() else {
                    return Err(self.error_at(&at, "subscript of a member that is not an array"));
                };
                let step = usize::try_from(index)
                    .ok()
                    .and_then(|i| i.checked_mul(element.size().ok()?))
                    .and_then(|step| step.checked_add(offset))
                    .ok_or_else(|| self.error_at(&at, "array index out of range in offsetof"))?;
                offset = step;
                ty = element.clone();
            } else {
                break;
            }
        }
        self.expect(")")?;
        Ok(Val::new(offset as i128, 64, true))
    }
}

/// An integer literal's value with the type C gives it.
fn literal(value: u128, unsigned: bool, longs: u8, decimal: bool) -> Val {
    let candidates: &[(u32, bool)] = match (unsigned, longs, decimal) {
        (false, 0, true) => &[(32, false), (64, false)],
        (false, 0, false) => &[(32, false), (32, true), (64, false), (64, true)],
        (true, 0, _) => &[(32, true), (64, true)],
        (false, _, true) => &[(64, false)],
        (false, _, false) => &[(64, false), (64, true)],
        (true, _, _) => &[(64, true)],
    };
    let fits = |&&(bits, u): &&(u32, bool)| value < 1u128 << (bits - u32::from(!u));
    let &(bits, u) = candidates.iter().find(fits).unwrap_or(&(64, true));
    Val::new(value as i128, bits, u)
}
