//! A struct with bit-fields, in native byte order: its plain fields stay Rust fields of their
//! own types, and each run of consecutive bit-fields becomes a byte array holding the bytes its
//! bits touch, read and written by typed accessors.
//!
//! Kept as fields rather than bytes, a floating or record member reaches C, when the struct is
//! passed by value, in the registers C's calling convention gives it. Where Rust would not
//! place a member where the layout engine does (storage after a gap that C leaves, Microsoft
//! storage units), a zero-sized field of the right alignment, or else padding bytes, goes before
//! it; alignment is preferred, since padding bytes would count as integer data.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::LitStr;

use super::common::{
    bit_field_accessors, ctyped_impl, hidden_const, layout_const, layout_messages, option, repr,
    swap_impl, width_check,
};
use crate::ast::{Field, Record};
use crate::expand::bit_patterns::{bit_pattern_impls, Store};
use crate::expand::runtime::private;

/// A member of the generated struct.
enum Element<'f> {
    /// A plain field, with its index among the C fields.
    Plain(usize, &'f Field),
    /// The storage of a run of bit-fields: the indices of its members with bits.
    Run(Vec<usize>),
}

/// The plain fields and the runs of bit-fields, in order. A run of zero-width bit-fields alone
/// stores nothing and has no storage.
fn elements<'f>(fields: &[&'f Field]) -> Vec<Element<'f>> {
    let mut elements = Vec::new();
    let mut run: Option<Vec<usize>> = None;
    for (i, field) in fields.iter().enumerate() {
        match field.bits {
            Some((width, _)) => {
                let members = run.get_or_insert_with(Vec::new);
                if width > 0 {
                    members.push(i);
                }
            }
            None => {
                if let Some(members) = run.take() {
                    if !members.is_empty() {
                        elements.push(Element::Run(members));
                    }
                }
                elements.push(Element::Plain(i, field));
            }
        }
    }
    if let Some(members) = run.take() {
        if !members.is_empty() {
            elements.push(Element::Run(members));
        }
    }
    elements
}

pub fn generate(record: &Record, fields: &[&Field]) -> TokenStream {
    let p = private();
    let (attrs, vis, ident) = (&record.attrs, &record.vis, &record.ident);
    let (layout, layout_item) = layout_const(record, fields);
    let placement = hidden_const("PLACEMENT", ident);
    let name = ident.to_string();
    let pack = option(record.options.pack.map(|(n, _)| n));
    let big = quote!(::core::cfg!(target_endian = "big"));
    let elements = elements(fields);
    let element_count = elements.len();

    let mut element_exprs = Vec::new();
    let mut members = Vec::new();
    let mut zeroes = Vec::new();
    let mut offsets = Vec::new();
    let mut accessors = Vec::new();
    let mut checks = Vec::new();
    // What `AnyBits::store` copies: every field but the zero-sized ones.
    let mut stored = Vec::new();
    for (k, element) in elements.iter().enumerate() {
        let gap = format_ident!("_ctypes_gap_{}", k);
        let pad = format_ident!("_ctypes_pad_{}", k);
        let pad_words = format_ident!("_ctypes_pad_words_{}", k);
        let pad_rest = format_ident!("_ctypes_pad_rest_{}", k);
        let padding = quote!(#placement.places[#k].padding);
        members.push(quote! {
            #gap: [<#p::AlignAs<{ #placement.places[#k].zst_align }> as #p::Alignment>::Zst; 0],
            #pad: [u8; #padding.head],
            #pad_words: <#p::Words<{ #padding.words }> as #p::FloatWords>::Array,
            #pad_rest: [u8; #padding.rest],
        });
        zeroes.push(quote! {
            #gap: [],
            #pad: [0; #padding.head],
            #pad_words: ::core::default::Default::default(),
            #pad_rest: [0; #padding.rest],
        });
        stored.push((pad.clone(), None));
        stored.push((pad_words, None));
        stored.push((pad_rest, None));
        match element {
            Element::Plain(i, field) => {
                let (field_attrs, field_vis, field_ident, ty) =
                    (&field.attrs, &field.vis, &field.ident, &field.ty);
                element_exprs.push(quote_spanned! {ty.span()=>
                    #p::Element::field(
                        #layout.bit_positions[#i],
                        #p::size_of::<#ty>(),
                        #p::align_of::<#ty>(),
                        #pack,
                    )
                });
                members.push(quote!(#(#field_attrs)* #field_vis #field_ident: #ty,));
                stored.push((field_ident.clone(), Some(ty.clone())));
                // The field's type must be valid zeroed: the error, if not, is at the type.
                zeroes.push(quote_spanned!(ty.span()=> #field_ident: #p::zeroed::<#ty>(),));
                let message = LitStr::new(
                    &format!("`{name}.{field_ident}`: Rust puts the field elsewhere than C would"),
                    Span::call_site(),
                );
                offsets.push(quote_spanned! {field_ident.span()=>
                    ::core::assert!(
                        #layout.bit_positions[#i] == 8 * #p::offset_of!(#ident, #field_ident) as u64,
                        #message
                    );
                });
            }
            Element::Run(indices) => {
                let named = indices.iter().any(|&i| !fields[i].unnamed());
                // A run of padding bit-fields only is never read: its name says so.
                let storage = if named {
                    format_ident!("ctypes_bits_{}", k)
                } else {
                    format_ident!("_ctypes_bits_{}", k)
                };
                let widths = indices
                    .iter()
                    .map(|&i| fields[i].bits.expect("a bit-field").0);
                element_exprs.push(quote! {
                    #p::Element::run([#(#layout.bit_positions[#indices]),*], [#(#widths),*])
                });
                members.push(quote!(#storage: [u8; #placement.elements[#k].size()],));
                zeroes.push(quote!(#storage: [0; #placement.elements[#k].size()],));
                stored.push((storage.clone(), None));
                let message = LitStr::new(
                    &format!("`{name}`: Rust puts a bit-field's storage elsewhere than C would"),
                    Span::call_site(),
                );
                offsets.push(quote! {
                    ::core::assert!(
                        #placement.elements[#k].start == #p::offset_of!(#ident, #storage) as u64,
                        #message
                    );
                });
                for &i in indices {
                    let field = &fields[i];
                    checks.push(width_check(&name, field));
                    if !field.unnamed() {
                        accessors.push(bit_field_accessors(
                            field,
                            &storage,
                            &quote!(#layout.bit_positions[#i] - 8 * #placement.elements[#k].start),
                            &big,
                        ));
                    }
                }
            }
        }
    }
    let (size_message, align_message, ok_message) = layout_messages(&name);
    let place_message = LitStr::new(
        &format!("`{name}`: the C layout cannot be given by Rust fields"),
        Span::call_site(),
    );
    let repr = repr(&record.options);
    let ctyped = ctyped_impl(record, fields);
    let swap = swap_impl(ident);
    let bit_patterns = bit_pattern_impls(
        ident,
        fields.iter().filter(|f| f.bits.is_none()).map(|f| &f.ty),
        &Store::Fields({
            stored.push((format_ident!("_ctypes_tail"), None));
            stored.push((format_ident!("_ctypes_tail_words"), None));
            stored.push((format_ident!("_ctypes_tail_rest"), None));
            stored
        }),
    );
    let place_doc = LitStr::new(
        &format!("Where the Rust fields of `{name}` go to have that layout."),
        Span::call_site(),
    );
    quote! {
        #layout_item

        #[doc = #place_doc]
        #[doc(hidden)]
        #[allow(non_upper_case_globals)]
        const #placement: #p::Placement<#element_count> = #p::place(
            [#(#element_exprs),*],
            #layout.size,
            #layout.align,
        );

        #(#attrs)*
        #repr
        #vis struct #ident {
            _ctypes_align: [<#p::AlignAs<{ #layout.align as usize }> as #p::Alignment>::Zst; 0],
            #(#members)*
            _ctypes_tail: [u8; #placement.tail_padding.head],
            _ctypes_tail_words: <#p::Words<{ #placement.tail_padding.words }> as #p::FloatWords>::Array,
            _ctypes_tail_rest: [u8; #placement.tail_padding.rest],
        }

        const _: () = {
            ::core::assert!(#layout.ok, #ok_message);
            ::core::assert!(#placement.ok, #place_message);
            ::core::assert!(#layout.size == #p::size_of::<#ident>() as u64, #size_message);
            ::core::assert!(#layout.align == #p::align_of::<#ident>() as u64, #align_message);
            #(#offsets)*
            #(#checks)*
        };

        impl #ident {
            #(#accessors)*
        }

        impl ::core::default::Default for #ident {
            /// Every field and bit-field zero.
            fn default() -> Self {
                Self {
                    _ctypes_align: [],
                    #(#zeroes)*
                    _ctypes_tail: [0; #placement.tail_padding.head],
                    _ctypes_tail_words: ::core::default::Default::default(),
                    _ctypes_tail_rest: [0; #placement.tail_padding.rest],
                }
            }
        }

        #swap

        #bit_patterns

        #ctyped
    }
}

#[cfg(test)]
mod tests {
    use super::{elements, Element};
    use crate::ast::Field;
    use proc_macro2::Span;

    fn field(name: &str, bits: Option<u32>) -> Field {
        Field {
            attrs: Vec::new(),
            vis: syn::Visibility::Inherited,
            ident: syn::Ident::new(name, Span::call_site()),
            ty: syn::parse_quote!(u32),
            c_name: name.to_owned(),
            bits: bits.map(|b| (b, Span::call_site())),
        }
    }

    /// `P` for a plain field's index, the indices of a run's members with bits otherwise.
    fn shape(fields: &[Field]) -> Vec<String> {
        let fields: Vec<&Field> = fields.iter().collect();
        elements(&fields)
            .iter()
            .map(|e| match e {
                Element::Plain(i, _) => format!("P{i}"),
                Element::Run(members) => format!("{members:?}"),
            })
            .collect()
    }

    #[test]
    fn runs_are_the_bit_fields_between_plain_fields() {
        let fields = [
            field("a", Some(3)),
            field("b", Some(5)),
            field("x", None),
            field("_gap", Some(0)),
            field("y", None),
            field("c", Some(1)),
            field("_pad", Some(2)),
            field("_end", Some(0)),
            field("d", Some(7)),
        ];
        // The zero-width run between `x` and `y` stores nothing; zero-width members of a run
        // are left out of its storage.
        assert_eq!(shape(&fields), ["[0, 1]", "P2", "P4", "[5, 6, 8]"]);
    }

    #[test]
    fn a_record_of_bit_fields_only_is_one_run() {
        let fields = [field("a", Some(3)), field("b", Some(30))];
        assert_eq!(shape(&fields), ["[0, 1]"]);
    }
}
