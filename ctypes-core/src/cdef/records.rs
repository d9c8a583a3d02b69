//! `struct` and `union` specifiers: tags, forward declarations, members, bit-fields,
//! anonymous members and the attributes and `#pragma pack` that shape the layout.

use super::attrs::Attrs;
use super::cursor::Parser;
use super::error::ParseError;
use super::lexer::Tok;
use super::{Tag, Ty};
use crate::layout::ByteOrder;
use crate::ty::{CType, RecordBuilder, RecordKind, TypeKind};

enum Member {
    Field(String, Ty, Attrs),
    Bits(Option<String>, Ty, u32),
    Anonymous(Ty),
}

impl Parser<'_> {
    /// `struct tag`, `struct tag { ... }` or `struct { ... }`; also says whether the record is
    /// defined here without a tag.
    pub fn record(&mut self) -> Result<(Ty, bool), ParseError> {
        let keyword_token = self.peek().clone();
        let keyword = if self.text(&keyword_token) == "union" {
            "union"
        } else {
            "struct"
        };
        self.advance();
        let mut attrs = self.attributes()?;
        let tag_token = self.peek().clone();
        let tag = (tag_token.kind == Tok::Ident).then(|| self.text(&tag_token).to_owned());
        if tag.is_some() {
            self.advance();
        }
        attrs.merge(self.attributes()?);
        if let Some(tag) = &tag {
            if let Some(found) = self.d.tags.get(tag) {
                if found.keyword != keyword {
                    return Err(self.error_at(
                        &tag_token,
                        &format!("`{tag}` was declared as a {}", found.keyword),
                    ));
                }
            }
        }
        if !self.is_punct("{") {
            let Some(tag) = tag else {
                return Err(self.error_here(&format!("expected `{{` or a tag after `{keyword}`")));
            };
            return Ok((Ty::C(self.tag_type(keyword, &tag)), false));
        }
        if let Some(tag) = &tag {
            let defined = self.d.tags.get(tag).is_some_and(|t| t.ty.is_complete());
            if defined || self.d.skipped_tags.contains(tag) {
                return Err(
                    self.error_at(&tag_token, &format!("redefinition of `{keyword} {tag}`"))
                );
            }
        }
        self.enter()?;
        self.advance();
        let in_params = std::mem::replace(&mut self.in_params, 0);
        let members = self.members();
        self.in_params = in_params;
        let members = members?;
        self.leave();
        attrs.merge(self.attributes()?);
        let kind = if keyword == "union" {
            RecordKind::Union
        } else {
            RecordKind::Struct
        };
        let name = match &tag {
            Some(tag) => format!("{keyword} {tag}"),
            None => format!("{keyword} <anonymous>"),
        };
        let builder = match self.builder(kind, tag.as_deref(), &attrs, members) {
            Ok(builder) => builder,
            Err(reason) => {
                return Ok(match tag {
                    Some(tag) => {
                        self.skip(&name, keyword_token.pos, &reason);
                        let declared = self.tag_type(keyword, &tag);
                        self.d.skipped_tags.insert(tag);
                        (Ty::C(declared), false)
                    }
                    None => (Ty::Unsupported(reason), true),
                });
            }
        };
        let fail = |e: crate::Error| ParseError::new(keyword_token.pos, keyword, e.to_string());
        match tag {
            Some(tag) => match self.d.tags.get(&tag) {
                Some(found) => {
                    let ty = found.ty.clone();
                    builder.define(&ty).map_err(fail)?;
                    Ok((Ty::C(ty), false))
                }
                None => {
                    let ty = builder.build().map_err(fail)?;
                    self.d.tags.insert(
                        tag,
                        Tag {
                            keyword,
                            ty: ty.clone(),
                        },
                    );
                    Ok((Ty::C(ty), false))
                }
            },
            None => {
                let ty = builder.clone().build().map_err(fail)?;
                self.last_untagged = Some((ty.clone(), builder));
                Ok((Ty::C(ty), true))
            }
        }
    }

    /// The record `keyword tag`, declared now if it is new.
    fn tag_type(&mut self, keyword: &'static str, tag: &str) -> CType {
        if let Some(found) = self.d.tags.get(tag) {
            return found.ty.clone();
        }
        let ty = if keyword == "union" {
            CType::declare_union(tag)
        } else {
            CType::declare_struct(tag)
        };
        let entry = Tag {
            keyword,
            ty: ty.clone(),
        };
        self.d.tags.insert(tag.to_owned(), entry);
        ty
    }

    /// The members up to and including the closing `}`.
    fn members(&mut self) -> Result<Vec<Member>, ParseError> {
        let mut members = Vec::new();
        loop {
            if self.eat_punct("}") {
                return Ok(members);
            }
            if self.eat_punct(";") {
                continue;
            }
            while self.eat_ident("__extension__") {}
            if matches!(self.ident_text(), Some("_Static_assert" | "static_assert")) {
                self.advance();
                self.skip_parenthesized()?;
                self.expect(";")?;
                continue;
            }
            let start = self.peek().clone();
            let specs = self.specifiers(false)?;
            let Some(base) = specs.base.clone() else {
                return Err(self.error_at(&start, "expected a member declaration"));
            };
            if self.eat_punct(";") {
                if specs.untagged_record {
                    members.push(Member::Anonymous(base));
                }
                continue;
            }
            loop {
                if self.eat_punct(":") {
                    let width = self.bit_width()?;
                    self.attributes()?;
                    members.push(Member::Bits(None, base.clone(), width));
                } else {
                    let decl = self.declarator()?;
                    let Some(name) = decl.name.clone() else {
                        return Err(self.error_here("expected a member name"));
                    };
                    // `_Alignas` and attributes before the type belong to the member too.
                    let mut attrs = specs.attrs.clone();
                    attrs.merge(self.attributes()?);
                    let width = if self.eat_punct(":") {
                        Some(self.bit_width()?)
                    } else {
                        None
                    };
                    attrs.merge(self.attributes()?);
                    let ty = self.apply(&specs, &decl, &attrs)?;
                    members.push(match width {
                        Some(w) => Member::Bits(Some(name), ty, w),
                        None => Member::Field(name, ty, attrs),
                    });
                }
                if self.eat_punct(",") {
                    continue;
                }
                self.expect(";")?;
                break;
            }
        }
    }

    fn bit_width(&mut self) -> Result<u32, ParseError> {
        let token = self.peek().clone();
        let width = self.constant_expr()?.value;
        u32::try_from(width)
            .ok()
            .filter(|&w| w <= 128)
            .ok_or_else(|| self.error_at(&token, "bit-field width out of range"))
    }

    /// The record's builder, or why the runtime cannot represent the record.
    fn builder(
        &self,
        kind: RecordKind,
        tag: Option<&str>,
        attrs: &Attrs,
        members: Vec<Member>,
    ) -> Result<RecordBuilder, String> {
        if let Some(why) = &attrs.unsupported {
            return Err(why.clone());
        }
        let mut b = RecordBuilder::new(kind, tag.unwrap_or(""));
        let pack = if attrs.packed { Some(1) } else { self.d.pack };
        if let Some(n) = pack {
            b = b.pack(n);
        }
        if let Some(n) = attrs.aligned {
            b = b.align(usize::try_from(n).map_err(|_| "alignment too large".to_owned())?);
        }
        if let Some(rules) = attrs.rules {
            b = b.rules(rules);
        }
        let order = attrs.order.or(self.d.byte_order);
        if let Some(order) = order {
            b = b.byte_order(order);
        }
        for member in members {
            b = match member {
                Member::Field(name, ty, member_attrs) => {
                    let ty = self.usable(ty)?;
                    let natural = ty.align().unwrap_or(1);
                    if member_attrs.packed && natural > 1 && pack != Some(1) {
                        return Err(format!("member `{name}` alone is packed"));
                    }
                    match member_attrs
                        .aligned
                        .map(|a| a as usize)
                        .filter(|&a| a > natural)
                    {
                        None => b.field(&name, ty),
                        Some(n) => b.anonymous(over_aligned(&name, ty, n, pack, attrs, order)?),
                    }
                }
                Member::Bits(Some(name), ty, width) => b.bit_field(&name, self.usable(ty)?, width),
                Member::Bits(None, ty, width) => b.unnamed_bit_field(self.usable(ty)?, width),
                Member::Anonymous(ty) => b.anonymous(self.usable(ty)?),
            };
        }
        Ok(b)
    }

    /// A member's type, unless it is one the runtime cannot represent or a record whose
    /// definition was skipped.
    pub fn usable(&self, ty: Ty) -> Result<CType, String> {
        let ty = match ty {
            Ty::C(ty) => ty,
            Ty::Unsupported(why) => return Err(why),
        };
        let mut inner = &ty;
        while let TypeKind::Array { element, .. } = inner.kind() {
            inner = element;
        }
        if let Some(record) = inner.as_record() {
            if let Some(tag) = record.tag() {
                if !record.is_defined() && self.d.skipped_tags.contains(tag) {
                    return Err(format!("uses `{}`, which was skipped", record.c_name()));
                }
            }
        }
        Ok(ty)
    }
}

/// A member with an alignment of its own (`char buf[32] __attribute__((aligned(16)))`), as a
/// one-member anonymous struct with that alignment: exact when the member's size is a multiple
/// of the alignment, so that the wrapper adds no padding, and no `pack` is in force.
fn over_aligned(
    name: &str,
    ty: CType,
    align: usize,
    pack: Option<usize>,
    attrs: &Attrs,
    order: Option<ByteOrder>,
) -> Result<CType, String> {
    let size = ty.size().map_err(|e| e.to_string())?;
    if pack.is_some() || size % align != 0 || attrs.rules.is_some() {
        return Err(format!("member `{name}` has an alignment of its own"));
    }
    let mut wrapper = CType::struct_builder("").field(name, ty).align(align);
    if let Some(order) = order {
        wrapper = wrapper.byte_order(order);
    }
    wrapper.build().map_err(|e| e.to_string())
}
