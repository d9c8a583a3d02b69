//! Options: `#[c_struct(pack = 1, align = 8, layout = "ms", endian = "big")]` and
//! `#[c(name = "...", bits = N)]`.

use proc_macro2::{Span, TokenStream};
use syn::parse::Parser;
use syn::{Attribute, LitInt, LitStr};

/// The record's options, each with the span of its value for errors.
#[derive(Default)]
pub struct RecordOptions {
    pub pack: Option<(u64, Span)>,
    pub align: Option<(u64, Span)>,
    pub ms_layout: bool,
    /// `endian = "big"` (true) or `"little"` (false), when given.
    pub endian: Option<bool>,
}

impl RecordOptions {
    /// Whether the record's byte order differs from the one of the machine compiling the
    /// macro (the target's, but for cross-compiling between byte orders).
    pub fn non_native(&self) -> bool {
        self.endian
            .is_some_and(|big| big != cfg!(target_endian = "big"))
    }
}

pub fn record_options(args: TokenStream, attribute: &str) -> syn::Result<RecordOptions> {
    let mut options = RecordOptions::default();
    let mut layout_seen = false;
    let mut endian_seen = false;
    let parser = syn::meta::parser(|meta| {
        let duplicate = |name: &str| meta.error(format!("duplicate option `{name}`"));
        if meta.path.is_ident("pack") {
            if options.pack.is_some() {
                return Err(duplicate("pack"));
            }
            options.pack = Some(power_of_two(&meta.value()?.parse()?, "pack")?);
        } else if meta.path.is_ident("align") {
            if options.align.is_some() {
                return Err(duplicate("align"));
            }
            options.align = Some(power_of_two(&meta.value()?.parse()?, "align")?);
        } else if meta.path.is_ident("layout") {
            if layout_seen {
                return Err(duplicate("layout"));
            }
            layout_seen = true;
            let value: LitStr = meta.value()?.parse()?;
            options.ms_layout = match value.value().as_str() {
                "sysv" => false,
                "ms" => true,
                _ => {
                    return Err(syn::Error::new(
                        value.span(),
                        "expected `layout = \"sysv\"` or `layout = \"ms\"`",
                    ))
                }
            };
        } else if meta.path.is_ident("endian") {
            if endian_seen {
                return Err(duplicate("endian"));
            }
            endian_seen = true;
            let value: LitStr = meta.value()?.parse()?;
            options.endian = Some(match value.value().as_str() {
                "big" => true,
                "little" => false,
                _ => {
                    return Err(syn::Error::new(
                        value.span(),
                        "expected `endian = \"big\"` or `endian = \"little\"`",
                    ))
                }
            });
        } else {
            let name = meta
                .path
                .get_ident()
                .map_or_else(|| "?".to_owned(), ToString::to_string);
            return Err(meta.error(format!(
                "unknown option `{name}` for #[{attribute}]; expected `pack`, `align`, `layout` or `endian`"
            )));
        }
        Ok(())
    });
    parser.parse2(args)?;
    if let (Some(_), Some((_, span))) = (options.pack, options.align) {
        return Err(syn::Error::new(
            span,
            "`pack` and `align` cannot be combined on one record (Rust has no such representation); align the record that contains it instead",
        ));
    }
    Ok(options)
}

fn power_of_two(lit: &LitInt, name: &str) -> syn::Result<(u64, Span)> {
    let n: u64 = lit.base10_parse()?;
    if n == 0 || !n.is_power_of_two() {
        return Err(syn::Error::new(
            lit.span(),
            format!("`{name}` must be a power of two, not {n}"),
        ));
    }
    Ok((n, lit.span()))
}

/// A field's `#[c(...)]` options, removed from its attributes.
#[derive(Default)]
pub struct FieldOptions {
    pub name: Option<String>,
    /// `bits = N`, with the span of `N`.
    pub bits: Option<(u32, Span)>,
}

pub fn field_options(attrs: &mut Vec<Attribute>) -> syn::Result<FieldOptions> {
    let mut options = FieldOptions::default();
    let mut error: Option<syn::Error> = None;
    attrs.retain(|attr| {
        if !attr.path().is_ident("c") {
            return true;
        }
        let parsed = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("name") {
                if options.name.is_some() {
                    return Err(meta.error("duplicate option `name`"));
                }
                let value: LitStr = meta.value()?.parse()?;
                if value.value().is_empty() {
                    return Err(syn::Error::new(value.span(), "a C name may not be empty"));
                }
                options.name = Some(value.value());
                Ok(())
            } else if meta.path.is_ident("bits") {
                if options.bits.is_some() {
                    return Err(meta.error("duplicate option `bits`"));
                }
                let value: LitInt = meta.value()?.parse()?;
                options.bits = Some((value.base10_parse()?, value.span()));
                Ok(())
            } else {
                Err(meta.error("unknown field option; expected `name` or `bits`"))
            }
        });
        if let Err(e) = parsed {
            match &mut error {
                Some(all) => all.combine(e),
                None => error = Some(e),
            }
        }
        false
    });
    match error {
        Some(e) => Err(e),
        None => Ok(options),
    }
}
