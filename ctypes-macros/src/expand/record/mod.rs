//! `#[c_struct]` and `#[c_union]`: a record as the Rust struct or union of its fields
//! (`plain`), as its bytes (`bytes`), or as Rust fields around the storage of its bit-fields
//! (`bit_fields`).

mod bit_fields;
mod bytes;
mod common;
mod plain;

use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::Item;

use crate::ast::{Field, Kind, Record};

pub fn record(kind: Kind, args: TokenStream, input: TokenStream) -> TokenStream {
    let item: Item = match syn::parse2(input.clone()) {
        Ok(item) => item,
        Err(e) => return e.to_compile_error(),
    };
    match checked(kind, args, item) {
        Ok(record) => generate(&record),
        // One mistake, one error: the item is still emitted as written (minus our field
        // attributes), so its uses do not fail too.
        Err(e) => {
            let mut out = e.to_compile_error();
            out.extend(strip_field_attributes(input));
            out
        }
    }
}

fn checked(kind: Kind, args: TokenStream, item: Item) -> syn::Result<Record> {
    let record = Record::from_syn(kind, args, item)?;
    record.validate()?;
    Ok(record)
}

fn generate(record: &Record) -> TokenStream {
    let fields: Vec<&Field> = record.parsed_fields().collect();
    if record.kept_as_bytes() {
        bytes::generate(record, &fields)
    } else if fields.iter().any(|f| f.bits.is_some()) {
        bit_fields::generate(record, &fields)
    } else {
        plain::generate(record, &fields)
    }
}

/// The input with `#[c(...)]` field attributes removed, for error recovery.
fn strip_field_attributes(input: TokenStream) -> TokenStream {
    match syn::parse2::<Item>(input.clone()) {
        Ok(Item::Struct(mut s)) => {
            for field in s.fields.iter_mut() {
                field.attrs.retain(|a| !a.path().is_ident("c"));
            }
            s.into_token_stream()
        }
        Ok(Item::Union(mut u)) => {
            for field in u.fields.named.iter_mut() {
                field.attrs.retain(|a| !a.path().is_ident("c"));
            }
            u.into_token_stream()
        }
        _ => input,
    }
}
