//! Declarators: the pointers, arrays, functions and parentheses around a declared name, and
//! the type they make of the specifiers' base type.

use super::attrs::Attrs;
use super::cursor::Parser;
use super::error::ParseError;
use super::lexer::{Tok, Token};
use super::specifiers::{with_mode, Specs};
use super::Ty;
use crate::ty::{CType, Signature, TypeKind};

pub(crate) enum Derived {
    /// A pointer; `true` if it is itself `const` (`* const`), making a pointer to it a pointer
    /// to const.
    Pointer(bool),
    Array(Option<u64>, Token),
    Function(Params, Token),
}

pub(crate) struct Params {
    args: Vec<Ty>,
    variadic: bool,
    /// `f()`: no prototype, so arguments are passed as to a variadic function.
    unprototyped: bool,
}

/// A declarator; `derived` lists what is applied to the base type, innermost first.
pub(crate) struct Declarator {
    pub name: Option<String>,
    pub name_token: Option<Token>,
    pub derived: Vec<Derived>,
}

impl Declarator {
    pub fn is_function(&self) -> bool {
        matches!(self.derived.last(), Some(Derived::Function(..)))
    }
}

impl Parser<'_> {
    /// A declarator, named or abstract; the caller says which it accepts.
    pub fn declarator(&mut self) -> Result<Declarator, ParseError> {
        self.enter()?;
        let result = self.declarator_inner();
        self.leave();
        result
    }

    fn declarator_inner(&mut self) -> Result<Declarator, ParseError> {
        // Each pointer, and whether it is `const`.
        let mut pointers: Vec<bool> = Vec::new();
        loop {
            if self.eat_punct("*") {
                pointers.push(false);
            } else if self.at_attribute() {
                self.attributes()?;
            } else if self
                .ident_text()
                .is_some_and(|w| Self::is_qualifier(w) || w == "_Atomic")
            {
                if matches!(self.ident_text(), Some("const" | "__const" | "__const__")) {
                    if let Some(last) = pointers.last_mut() {
                        *last = true;
                    }
                }
                self.advance();
            } else {
                break;
            }
        }
        let mut decl = Declarator {
            name: None,
            name_token: None,
            derived: Vec::new(),
        };
        let mut inner = None;
        if self.is_punct("(") && self.paren_is_declarator() {
            self.advance();
            inner = Some(self.declarator()?);
            self.expect(")")?;
        } else if self.peek().kind == Tok::Ident
            && !matches!(self.ident_text(), Some("__asm__" | "__asm" | "asm"))
        {
            let token = self.peek().clone();
            decl.name = Some(self.text(&token).to_owned());
            decl.name_token = Some(token);
            self.advance();
        }
        let mut suffixes = Vec::new();
        loop {
            let token = self.peek().clone();
            if self.eat_punct("[") {
                while self
                    .ident_text()
                    .is_some_and(|w| w == "static" || Self::is_qualifier(w))
                {
                    self.advance();
                }
                let len = if self.eat_punct("]") {
                    None
                } else if self.is_punct("*") && matches!(self.peek_nth(1).kind, Tok::Punct("]")) {
                    self.advance();
                    self.advance();
                    None
                } else if self.in_params > 0 {
                    // Its size may name a parameter; an array parameter is a pointer anyway.
                    while !self.is_punct("]") && self.peek().kind != Tok::Eof {
                        self.skip_balanced()?;
                    }
                    self.expect("]")?;
                    None
                } else {
                    let n = self.constant_expr()?;
                    if n.value < 0 {
                        return Err(self.error_at(&token, "array size is negative"));
                    }
                    self.expect("]")?;
                    Some(u64::try_from(n.value).unwrap_or(u64::MAX))
                };
                suffixes.push(Derived::Array(len, token));
            } else if self.is_punct("(") {
                let params = self.params()?;
                suffixes.push(Derived::Function(params, token));
            } else {
                break;
            }
        }
        decl.derived
            .extend(pointers.into_iter().map(Derived::Pointer));
        decl.derived.extend(suffixes.into_iter().rev());
        if let Some(inner) = inner {
            decl.derived.extend(inner.derived);
            decl.name = inner.name;
            decl.name_token = inner.name_token;
        }
        Ok(decl)
    }

    /// After `(` in a declarator: whether a nested declarator follows, or a parameter list.
    fn paren_is_declarator(&self) -> bool {
        let next = self.peek_nth(1);
        match &next.kind {
            Tok::Punct("*" | "(" | "[" | "^") => true,
            Tok::Ident => {
                let word = self.text(next);
                matches!(word, "__attribute__" | "__attribute") || !self.is_type_word(word)
            }
            _ => false,
        }
    }

    fn params(&mut self) -> Result<Params, ParseError> {
        self.in_params += 1;
        let result = self.params_inner();
        self.in_params -= 1;
        result
    }

    fn params_inner(&mut self) -> Result<Params, ParseError> {
        self.expect("(")?;
        let mut params = Params {
            args: Vec::new(),
            variadic: false,
            unprototyped: false,
        };
        if self.eat_punct(")") {
            params.unprototyped = true;
            return Ok(params);
        }
        if self.ident_text() == Some("void") && matches!(self.peek_nth(1).kind, Tok::Punct(")")) {
            self.advance();
            self.advance();
            return Ok(params);
        }
        loop {
            if self.eat_punct("...") {
                params.variadic = true;
                self.expect(")")?;
                return Ok(params);
            }
            let start = self.peek().clone();
            let specs = self.specifiers(false)?;
            if specs.base.is_none() {
                return Err(self.error_at(&start, "expected a parameter type"));
            }
            let decl = self.declarator()?;
            let attrs = self.attributes()?;
            let ty = match self.apply(&specs, &decl, &attrs)? {
                Ty::C(t) => match t.kind() {
                    // `const char s[]` is `const char *s`.
                    TypeKind::Array { element, .. }
                        if specs.is_const && decl.derived.len() == 1 =>
                    {
                        Ty::C(element.pointer_to_const())
                    }
                    TypeKind::Array { element, .. } => Ty::C(element.pointer()),
                    TypeKind::Function(_) => Ty::C(t.pointer()),
                    TypeKind::Void => {
                        return Err(self.error_at(&start, "parameter has type `void`"));
                    }
                    _ => Ty::C(t),
                },
                other => other,
            };
            params.args.push(ty);
            if !self.eat_punct(",") {
                self.expect(")")?;
                return Ok(params);
            }
        }
    }

    /// The type a declarator makes of the specifiers' base type.
    pub fn apply(&self, specs: &Specs, decl: &Declarator, attrs: &Attrs) -> Result<Ty, ParseError> {
        let Some(mut ty) = specs.base.clone() else {
            return Err(self.error_here("expected a type"));
        };
        if let (Some(bits), Ty::C(t), true) = (attrs.mode_bits, &ty, decl.derived.is_empty()) {
            ty = with_mode(t, bits);
        }
        // Whether the type built so far is `const`: the base type, then each pointer as
        // declared (an array's elements are as `const` as the array; a function never is).
        let mut target_const = specs.is_const;
        for derived in &decl.derived {
            let t = match (ty, derived) {
                (Ty::C(t), _) => t,
                // A pointer is a pointer whatever it points to: one to a type the runtime
                // cannot represent (`__int128 *`) is passed and stored as a `void *`.
                (Ty::Unsupported(_), Derived::Pointer(_)) => CType::void(),
                (unsupported, _) => return Ok(unsupported),
            };
            ty = match derived {
                Derived::Pointer(_) if target_const => Ty::C(t.pointer_to_const()),
                Derived::Pointer(_) => Ty::C(t.pointer()),
                Derived::Array(len, token) => self.array_of(t, *len, token)?,
                Derived::Function(params, token) => self.function_of(t, params, token)?,
            };
            target_const = match derived {
                Derived::Pointer(is_const) => *is_const,
                Derived::Array(..) => target_const,
                Derived::Function(..) => false,
            };
        }
        if let Some(why) = &attrs.unsupported {
            return Ok(Ty::Unsupported(why.clone()));
        }
        Ok(ty)
    }

    fn array_of(&self, element: CType, len: Option<u64>, token: &Token) -> Result<Ty, ParseError> {
        match element.kind() {
            TypeKind::Function(_) => {
                return Err(self.error_at(token, "declaration of an array of functions"))
            }
            TypeKind::Void => return Err(self.error_at(token, "declaration of an array of void")),
            _ => {}
        }
        if !element.is_complete() {
            if let Err(why) = self.usable(Ty::C(element.clone())) {
                return Ok(Ty::Unsupported(why));
            }
            return Err(self.error_at(token, &format!("array of incomplete type `{element}`")));
        }
        let len = usize::try_from(len.unwrap_or(0))
            .map_err(|_| self.error_at(token, "array is too large"))?;
        element
            .array(len)
            .map(Ty::C)
            .map_err(|e| self.error_at(token, &e.to_string()))
    }

    fn function_of(&self, result: CType, params: &Params, token: &Token) -> Result<Ty, ParseError> {
        match result.kind() {
            TypeKind::Function(_) => {
                return Err(self.error_at(token, "function returning a function"))
            }
            TypeKind::Array { .. } => {
                return Err(self.error_at(token, "function returning an array"))
            }
            _ => {}
        }
        let mut args = Vec::with_capacity(params.args.len());
        for arg in &params.args {
            match self.usable(arg.clone()) {
                Ok(t) => args.push(t),
                Err(why) => return Ok(Ty::Unsupported(why)),
            }
        }
        let result = match self.usable(Ty::C(result)) {
            Ok(t) => t,
            Err(why) => return Ok(Ty::Unsupported(why)),
        };
        let sig = if params.variadic || params.unprototyped {
            Signature::variadic(args, result)
        } else {
            Signature::new(args, result)
        };
        Ok(Ty::C(CType::function(sig)))
    }
}
