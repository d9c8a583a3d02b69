//! What every generated record has: its `repr`, its runtime type object, the engine's layout
//! checked at compile time, and the marker traits that say which bit patterns are valid.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned, ToTokens};
use syn::spanned::Spanned;
use syn::{Ident, LitStr};

use crate::ast::{Field, Kind, Record, RecordOptions};
use crate::expand::c_type::c_type;
use crate::expand::runtime::private;
use crate::expand::signature::holds_long_double_of;

/// `::core::option::Option::Some(value)` or `None`.
pub fn option(value: Option<impl ToTokens>) -> TokenStream {
    match value {
        Some(value) => quote!(::core::option::Option::Some(#value)),
        None => quote!(::core::option::Option::None),
    }
}

/// `#[repr(C)]` with the record's `packed` and `align`.
pub fn repr(options: &RecordOptions) -> TokenStream {
    let mut hints = vec![quote!(C)];
    if let Some((n, span)) = options.pack {
        let n = proc_macro2::Literal::u64_unsuffixed(n);
        hints.push(quote_spanned!(span=> packed(#n)));
    }
    if let Some((n, span)) = options.align {
        let n = proc_macro2::Literal::u64_unsuffixed(n);
        hints.push(quote_spanned!(span=> align(#n)));
    }
    quote!(#[repr(#(#hints),*)])
}

fn rules(options: &RecordOptions) -> TokenStream {
    let p = private();
    if options.ms_layout {
        quote!(#p::LayoutRules::Msvc)
    } else {
        quote!(#p::LayoutRules::SysV)
    }
}

/// The `CTyped` impl: the runtime type object, built by the layout engine from the C names
/// and types.
pub fn ctyped_impl(record: &Record, fields: &[&Field]) -> TokenStream {
    let p = private();
    let (ident, options) = (&record.ident, &record.options);
    let record_kind = match record.kind {
        Kind::Struct => quote!(#p::RecordKind::Struct),
        Kind::Union => quote!(#p::RecordKind::Union),
    };
    let tag = LitStr::new(&ident.to_string(), ident.span());
    let builder_fields = fields.iter().map(|f| {
        let c_name = LitStr::new(&f.c_name, f.ident.span());
        let ty = c_type(&f.ty);
        match f.bits {
            Some((width, _)) if f.unnamed() => quote!(.unnamed_bit_field(#ty, #width)),
            Some((width, _)) => quote!(.bit_field(#c_name, #ty, #width)),
            None => quote!(.field(#c_name, #ty)),
        }
    });
    let rules = rules(options);
    let pack_builder = options.pack.map(|(n, _)| {
        let n = proc_macro2::Literal::usize_unsuffixed(n as usize);
        quote!(.pack(#n))
    });
    let align_builder = options.align.map(|(n, _)| {
        let n = proc_macro2::Literal::usize_unsuffixed(n as usize);
        quote!(.align(#n))
    });
    let order_builder = options.endian.map(|big| {
        if big {
            quote!(.byte_order(#p::ByteOrder::Big))
        } else {
            quote!(.byte_order(#p::ByteOrder::Little))
        }
    });
    let holds = holds_long_double_of(fields.iter().map(|f| &f.ty));
    quote! {
        // SAFETY: the assertions above prove at compile time that this type's size, alignment
        // and field offsets are the ones the layout engine gives the C record below, whose
        // fields have the C types of the Rust fields.
        unsafe impl #p::CTyped for #ident {
            fn c_type() -> #p::CType {
                static DEFINED: #p::Once = #p::Once::new();
                let declared = <Self as #p::CTyped>::c_type_declared();
                DEFINED.call_once(|| {
                    #p::define(
                        &declared,
                        #p::RecordBuilder::new(#record_kind, #tag)
                            #(#builder_fields)*
                            .rules(#rules)
                            #pack_builder
                            #align_builder
                            #order_builder,
                    )
                });
                declared
            }

            const NEEDS_RUNTIME_CALL: bool = #holds;

            fn c_type_declared() -> #p::CType {
                static DECLARED: #p::OnceLock<#p::CType> = #p::OnceLock::new();
                DECLARED.get_or_init(|| #p::declare(#record_kind, #tag)).clone()
            }
        }
    }
}

/// `Swap`, which keeps a record as it is: a record has its own byte order.
pub fn swap_impl(ident: &Ident) -> TokenStream {
    let p = private();
    quote! {
        impl #p::Swap for #ident {
            fn swap(self) -> Self {
                self
            }
        }
    }
}

/// The engine's `RecordShape` and `FieldShape`s for a record.
pub fn shapes(record: &Record, fields: &[&Field]) -> (TokenStream, Vec<TokenStream>) {
    let p = private();
    let is_union = record.kind == Kind::Union;
    let rules = rules(&record.options);
    let pack = option(record.options.pack.map(|(n, _)| n));
    let align = option(record.options.align.map(|(n, _)| n));
    let shape =
        quote!(#p::RecordShape { is_union: #is_union, rules: #rules, pack: #pack, align: #align });
    let shapes = fields
        .iter()
        .map(|f| {
            let ty = &f.ty;
            let bit_width = option(f.bits.map(|(w, _)| w));
            let named = !f.unnamed();
            quote_spanned! {ty.span()=>
                #p::FieldShape {
                    size: #p::size_of::<#ty>() as u64,
                    align: #p::align_of::<#ty>() as u64,
                    bit_width: #bit_width,
                    named: #named,
                }
            }
        })
        .collect();
    (shape, shapes)
}

/// The engine's layout of the record, a hidden `const` named after it: the name, and the item.
pub fn layout_const(record: &Record, fields: &[&Field]) -> (Ident, TokenStream) {
    let p = private();
    let ident = &record.ident;
    let layout = hidden_const("LAYOUT", ident);
    let count = fields.len();
    let (shape, shapes) = shapes(record, fields);
    let doc = LitStr::new(
        &format!(
            "The layout `{ident}` is checked against: the engine's answer for its C declaration."
        ),
        Span::call_site(),
    );
    let item = quote! {
        #[doc = #doc]
        #[doc(hidden)]
        #[allow(non_upper_case_globals)]
        const #layout: #p::ConstLayout<#count> = #p::lay_out_array(#shape, [#(#shapes),*]);
    };
    (layout, item)
}

/// The name of a hidden `const` the record's code uses, `__CTYPES_{what}_{record}`: the
/// record's own name, unchanged, since `Foo` and `FOO` may both be records in one module.
pub fn hidden_const(what: &str, record: &Ident) -> Ident {
    format_ident!(
        "__CTYPES_{}_{}",
        what,
        record.to_string().trim_start_matches("r#")
    )
}

/// The setter of a field read by `getter`: `set_getter`.
pub fn setter(getter: &Ident) -> Ident {
    format_ident!("set_{}", getter.to_string().trim_start_matches("r#"))
}

/// The messages of a record's compile-time layout assertions: size, alignment, and a record
/// too large to lay out.
pub fn layout_messages(name: &str) -> (LitStr, LitStr, LitStr) {
    let message = |text: String| LitStr::new(&text, Span::call_site());
    (
        message(format!("`{name}`: Rust's size differs from C's")),
        message(format!("`{name}`: Rust's alignment differs from C's")),
        message(format!("`{name}`: the record is too large")),
    )
}

/// The compile-time check that a bit-field's type is an integer type at least as wide as the
/// bit-field (a zero width included).
pub fn width_check(name: &str, field: &Field) -> TokenStream {
    let p = private();
    let (width, span) = field.bits.expect("a bit-field");
    let ty = &field.ty;
    let message = LitStr::new(
        &format!(
            "`{name}.{}`: the bit-field is wider than its type",
            field.ident
        ),
        Span::call_site(),
    );
    quote_spanned! {span=>
        ::core::assert!(#width <= <#ty as #p::BitField>::BITS, #message);
    }
}

/// A named bit-field's getter and setter, on its bits from `position` in the bytes
/// `self.storage`, in big-endian bit order where `big` holds.
pub fn bit_field_accessors(
    field: &Field,
    storage: &Ident,
    position: &TokenStream,
    big: &TokenStream,
) -> TokenStream {
    let p = private();
    let (field_attrs, field_vis, getter, ty) = (&field.attrs, &field.vis, &field.ident, &field.ty);
    let (width, _) = field.bits.expect("a bit-field");
    let setter = setter(getter);
    let c_name = &field.c_name;
    let get_doc = format!("Reads the bit-field `{c_name}` ({width} bits).");
    let set_doc =
        format!("Writes the bit-field `{c_name}`: its low {width} bits, as C stores them.");
    quote_spanned! {ty.span()=>
        #(#field_attrs)*
        #[doc = #get_doc]
        #[must_use]
        #[inline]
        #field_vis fn #getter(&self) -> #ty {
            <#ty as #p::BitField>::from_bits(
                #p::bits_get(&self.#storage, #position, #width, #big),
                #width,
            )
        }

        #[doc = #set_doc]
        #[inline]
        #field_vis fn #setter(&mut self, value: #ty) {
            #p::bits_set(
                &mut self.#storage,
                #position,
                #width,
                #big,
                <#ty as #p::BitField>::to_bits(value),
            );
        }
    }
}
