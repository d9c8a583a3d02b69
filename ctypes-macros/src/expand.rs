//! Code generation.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned, ToTokens};
use syn::spanned::Spanned;
use syn::{Expr, Fields, Item, LitStr};

use crate::ast::{Field, Kind};
use crate::attr::{self, RecordOptions};
use crate::runs;
use crate::types;

/// `#[c_struct]` / `#[c_union]`.
pub fn record(kind: Kind, args: TokenStream, input: TokenStream) -> TokenStream {
    let item: Item = match syn::parse2(input.clone()) {
        Ok(item) => item,
        Err(e) => return e.to_compile_error(),
    };
    match record_item(kind, args, item) {
        Ok(tokens) => tokens,
        // One mistake, one error: the item is still emitted as written (minus our field
        // attributes), so its uses do not fail too.
        Err(e) => {
            let mut out = e.to_compile_error();
            out.extend(strip_field_attributes(input));
            out
        }
    }
}

fn record_item(kind: Kind, args: TokenStream, item: Item) -> syn::Result<TokenStream> {
    let attribute = kind.attribute();
    let (attrs, vis, ident, generics, fields) = match item {
        Item::Struct(s) => (s.attrs, s.vis, s.ident, s.generics, s.fields),
        Item::Union(u) if kind == Kind::Union => {
            (u.attrs, u.vis, u.ident, u.generics, Fields::Named(u.fields))
        }
        Item::Enum(e) => {
            return Err(syn::Error::new(
                e.enum_token.span(),
                format!(
                "#[{attribute}] applies to a struct with named fields; for a C enum use #[c_enum]"
            ),
            ))
        }
        other => {
            return Err(syn::Error::new(
                other.span(),
                format!("#[{attribute}] applies to a struct with named fields"),
            ))
        }
    };
    if !generics.params.is_empty() || generics.where_clause.is_some() {
        return Err(syn::Error::new(
            generics.span(),
            "a C record cannot be generic: its layout must be known once",
        ));
    }
    let named = match fields {
        Fields::Named(named) => named,
        Fields::Unnamed(f) => {
            return Err(syn::Error::new(
                f.span(),
                "a C record needs named fields: C has no tuple structs",
            ))
        }
        Fields::Unit => {
            return Err(syn::Error::new(
                ident.span(),
                "a C record needs at least one named field",
            ))
        }
    };
    if named.named.is_empty() {
        return Err(syn::Error::new(
            named.span(),
            "a C record needs at least one named field",
        ));
    }
    let options = attr::record_options(args, attribute)?;
    let mut parsed = Vec::new();
    let mut errors: Option<syn::Error> = None;
    let mut push_error = |e: syn::Error| match &mut errors {
        Some(all) => all.combine(e),
        None => errors = Some(e),
    };
    for field in named.named {
        let mut field_attrs = field.attrs;
        let field_ident = field.ident.expect("named fields have names");
        match attr::field_options(&mut field_attrs) {
            Ok(opts) => {
                if let Err(e) = types::c_type(&field.ty) {
                    push_error(e);
                } else if let Some(bits) = opts.bits {
                    if let Err(e) = check_bit_field(&field_ident, &field.ty, bits) {
                        push_error(e);
                    }
                }
                parsed.push(Field {
                    attrs: field_attrs,
                    vis: field.vis,
                    c_name: opts.name.unwrap_or_else(|| field_ident.to_string()),
                    ident: field_ident,
                    ty: field.ty,
                    bits: opts.bits,
                });
            }
            Err(e) => push_error(e),
        }
    }
    if kept_as_bytes(kind, &parsed, &options) {
        let message = if options.non_native() {
            "a record in non-native byte order is kept as bytes, which C's calling convention passes in integer registers; a floating member would then reach C in the wrong registers, so such a record cannot hold one (declare the floating value in a separate record, or build this one with `RecordBuilder`)"
        } else {
            "a union with bit-fields is kept as bytes, which C's calling convention passes in integer registers; a floating member would then reach C in the wrong registers, so such a union cannot hold one (build it with `RecordBuilder` instead)"
        };
        for field in parsed.iter().filter(|f| f.bits.is_none()) {
            if let Some(float) = floating(&field.ty) {
                push_error(syn::Error::new(float.span(), message));
            }
        }
    }
    if let Some(e) = errors {
        return Err(e);
    }
    Ok(generate(kind, &attrs, &vis, &ident, &parsed, &options))
}

/// A bit-field's width against its name and type.
fn check_bit_field(
    ident: &syn::Ident,
    ty: &syn::Type,
    (width, span): (u32, Span),
) -> syn::Result<()> {
    let known = types::bit_field_type(ty)?;
    if width == 0 && !ident.to_string().starts_with('_') {
        return Err(syn::Error::new(
            span,
            "a named bit-field cannot have width 0; only an unnamed one can (a field whose name starts with `_`)",
        ));
    }
    if let types::BitFieldType::Integer(Some(max)) = known {
        if width > max {
            let ty = ty.to_token_stream().to_string();
            return Err(syn::Error::new(
                span,
                format!(
                    "`bits = {width}` is wider than `{ty}`, which has {max} bit{}",
                    if max == 1 { "" } else { "s" }
                ),
            ));
        }
    }
    Ok(())
}

fn generate(
    kind: Kind,
    attrs: &[syn::Attribute],
    vis: &syn::Visibility,
    ident: &syn::Ident,
    fields: &[Field],
    options: &RecordOptions,
) -> TokenStream {
    if kept_as_bytes(kind, fields, options) {
        return generate_bytes(kind, attrs, vis, ident, fields, options);
    }
    if fields.iter().any(|f| f.bits.is_some()) {
        return runs::generate(attrs, vis, ident, fields, options);
    }
    let p = quote!(::ctypes_core::__private);
    let repr = repr(options);
    let keyword = match kind {
        Kind::Struct => quote!(struct),
        Kind::Union => quote!(union),
    };
    let declarations = fields.iter().map(|f| {
        let (attrs, vis, name, ty) = (&f.attrs, &f.vis, &f.ident, &f.ty);
        quote!(#(#attrs)* #vis #name: #ty)
    });
    let assertions = layout_assertions(kind, ident, fields, options);
    let ctyped = ctyped_impl(kind, ident, fields, options);
    let store = match kind {
        Kind::Struct => Store::Fields(
            fields
                .iter()
                .map(|f| (f.ident.clone(), Some(f.ty.clone())))
                .collect(),
        ),
        Kind::Union => Store::Never,
    };
    let bit_patterns = bit_pattern_impls(ident, fields.iter().map(|f| &f.ty), &store);
    quote! {
        #(#attrs)*
        #repr
        #vis #keyword #ident {
            #(#declarations,)*
        }

        #assertions

        #ctyped

        impl #p::Swap for #ident {
            fn swap(self) -> Self {
                self
            }
        }

        #bit_patterns
    }
}

/// How a type's bytes are copied out when it crosses a typed callback by value.
pub(crate) enum Store {
    /// Not at all: a union, whose initialised bytes depend on the member last written, is
    /// never `AnyBits`.
    Never,
    /// All its bytes: a type without padding.
    Bytes,
    /// Field by field, skipping Rust's padding: a struct. Each field is the field's name and
    /// its type as declared, or `None` for a byte array the macro made (stored without a
    /// bound).
    Fields(Vec<(syn::Ident, Option<syn::Type>)>),
}

/// `ZeroValid` and `AnyBits` for a type of fields of `types`: each holds when it holds for every
/// field's type. The bounds name the impl's lifetime, so that an unmet one makes the impl not
/// apply rather than fail to compile. A struct (`Store::Fields`) also gets `CConvert`, which
/// typed callbacks need, exactly when it is `AnyBits`.
pub(crate) fn bit_pattern_impls<'t>(
    ident: &syn::Ident,
    types: impl Iterator<Item = &'t syn::Type> + Clone,
    store: &Store,
) -> TokenStream {
    let p = quote!(::ctypes_core::__private);
    let zero = types.clone();
    let zero_valid = quote! {
        // SAFETY: all-zero bytes are a valid value of every field (the bounds), so of the type.
        unsafe impl<'a> #p::ZeroValid for #ident where #(#p::Field<'a, #zero>: #p::ZeroValid,)* {}
    };
    let (bounds, body) = match store {
        Store::Never => return zero_valid,
        Store::Bytes => (
            quote!(#(#p::Field<'a, #types>: #p::AnyBits,)*),
            TokenStream::new(),
        ),
        Store::Fields(fields) => {
            let types: Vec<&syn::Type> = types.collect();
            let stores = fields.iter().map(|(field, ty)| {
                let through = match ty {
                    None => quote!(#p::AnyBits::store),
                    Some(ty) => quote!(<#p::Field<'a, #ty> as #p::AnyBitsField<#ty>>::store),
                };
                quote! {
                    // SAFETY: the field lies inside the readable record and the writable bytes.
                    unsafe {
                        #through(
                            ::core::ptr::addr_of!((*from).#field),
                            to.add(#p::offset_of!(Self, #field)),
                        );
                    }
                }
            });
            let any_bits = quote!(#(#p::Field<'a, #types>: #p::AnyBitsField<#types>,)*);
            (
                any_bits,
                quote! {
                    #[inline]
                    unsafe fn store(from: *const Self, to: *mut u8) {
                        #(#stores)*
                    }
                },
            )
        }
    };
    let convert = matches!(store, Store::Fields(_)).then(|| cconvert_impl(ident));
    quote! {
        #zero_valid

        // SAFETY: every bit pattern is a valid value of every field (the bounds), so of the
        // type; `store` copies the fields one by one, never Rust's padding.
        unsafe impl<'a> #p::AnyBits for #ident where #bounds {
            #body
        }

        #convert
    }
}

/// `CConvert` for a record, when it is `AnyBits`: a typed callback receives and returns it.
pub(crate) fn cconvert_impl(ident: &syn::Ident) -> TokenStream {
    let p = quote!(::ctypes_core::__private);
    quote! {
        impl<'a> #p::CConvert for #ident where #p::Field<'a, #ident>: #p::ByValue<#ident> {
            fn from_c(value: &#p::CValue) -> ::core::option::Option<Self> {
                <#p::Field<'a, #ident> as #p::ByValue<#ident>>::from_c(value)
            }

            fn into_c(self) -> #p::CValue {
                <#p::Field<'a, #ident> as #p::ByValue<#ident>>::into_c(&self)
            }
        }
    }
}

/// `#[repr(C)]` with the record's `packed` and `align`.
pub(crate) fn repr(options: &RecordOptions) -> TokenStream {
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

pub(crate) fn rules(options: &RecordOptions) -> TokenStream {
    let p = quote!(::ctypes_core::__private);
    if options.ms_layout {
        quote!(#p::LayoutRules::Msvc)
    } else {
        quote!(#p::LayoutRules::SysV)
    }
}

/// The `CTyped` impl: the runtime type object, built by the layout engine from the C names
/// and types; and `Swap`, which keeps a record as it is (it has its own byte order).
pub(crate) fn ctyped_impl(
    kind: Kind,
    ident: &syn::Ident,
    fields: &[Field],
    options: &RecordOptions,
) -> TokenStream {
    let p = quote!(::ctypes_core::__private);
    let record_kind = match kind {
        Kind::Struct => quote!(#p::RecordKind::Struct),
        Kind::Union => quote!(#p::RecordKind::Union),
    };
    let tag = LitStr::new(&ident.to_string(), ident.span());
    let builder_fields = fields.iter().map(|f| {
        let c_name = LitStr::new(&f.c_name, f.ident.span());
        let ty = types::c_type(&f.ty).expect("checked before generation");
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

            fn c_type_declared() -> #p::CType {
                static DECLARED: #p::OnceLock<#p::CType> = #p::OnceLock::new();
                DECLARED.get_or_init(|| #p::declare(#record_kind, #tag)).clone()
            }
        }
    }
}

/// The engine's `RecordShape` and `FieldShape`s for a record.
pub(crate) fn shapes(
    kind: Kind,
    fields: &[Field],
    options: &RecordOptions,
) -> (TokenStream, Vec<TokenStream>) {
    let p = quote!(::ctypes_core::__private);
    let is_union = kind == Kind::Union;
    let rules = rules(options);
    let pack = match options.pack {
        Some((n, _)) => quote!(::core::option::Option::Some(#n)),
        None => quote!(::core::option::Option::None),
    };
    let align = match options.align {
        Some((n, _)) => quote!(::core::option::Option::Some(#n)),
        None => quote!(::core::option::Option::None),
    };
    let record =
        quote!(#p::RecordShape { is_union: #is_union, rules: #rules, pack: #pack, align: #align });
    let shapes = fields
        .iter()
        .map(|f| {
            let ty = &f.ty;
            let bit_width = match f.bits {
                Some((w, _)) => quote!(::core::option::Option::Some(#w)),
                None => quote!(::core::option::Option::None),
            };
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
    (record, shapes)
}

/// Whether the record is generated as its bytes with accessors rather than as plain fields (a
/// struct with bit-fields is plain fields around the storage of its bit-field runs, see
/// [`runs`]). A union's fields all start at its first byte, so bit-field storage could not be
/// kept apart from its plain fields: writing one of them would leave the storage's other bytes
/// uninitialised.
fn kept_as_bytes(kind: Kind, fields: &[Field], options: &RecordOptions) -> bool {
    options.non_native() || (kind == Kind::Union && fields.iter().any(|f| f.bits.is_some()))
}

/// A record with bit-fields or in non-native byte order: a `repr(C)` struct of the record's
/// bytes, of the engine's size and alignment, with a getter and a setter per named field.
fn generate_bytes(
    kind: Kind,
    attrs: &[syn::Attribute],
    vis: &syn::Visibility,
    ident: &syn::Ident,
    fields: &[Field],
    options: &RecordOptions,
) -> TokenStream {
    let p = quote!(::ctypes_core::__private);
    // The record's own name, unchanged: `Foo` and `FOO` may both be records in one module.
    let layout = quote::format_ident!(
        "__CTYPES_LAYOUT_{}",
        ident.to_string().trim_start_matches("r#")
    );
    let count = fields.len();
    let (record, shapes) = shapes(kind, fields, options);
    let big = match options.endian {
        Some(true) => quote!(true),
        Some(false) => quote!(false),
        None => quote!(::core::cfg!(target_endian = "big")),
    };
    let name = ident.to_string();
    let mut accessors = Vec::new();
    let mut checks = Vec::new();
    for (i, f) in fields.iter().enumerate() {
        if f.unnamed() {
            checks.extend(crate::runs::unnamed_width_check(&name, f));
            continue;
        }
        let (field_attrs, field_vis, getter, ty) = (&f.attrs, &f.vis, &f.ident, &f.ty);
        let setter = quote::format_ident!("set_{}", f.ident.to_string().trim_start_matches("r#"));
        let c_name = &f.c_name;
        match f.bits {
            Some((width, span)) => {
                let get_doc = format!("Reads the bit-field `{c_name}` ({width} bits).");
                let set_doc = format!(
                    "Writes the bit-field `{c_name}`: its low {width} bits, as C stores them."
                );
                let message = LitStr::new(
                    &format!("`{name}.{getter}`: the bit-field is wider than its type"),
                    Span::call_site(),
                );
                checks.push(quote_spanned! {span=>
                    ::core::assert!(#width <= <#ty as #p::BitField>::BITS, #message);
                });
                accessors.push(quote_spanned! {ty.span()=>
                    #(#field_attrs)*
                    #[doc = #get_doc]
                    #[must_use]
                    #[inline]
                    #field_vis fn #getter(&self) -> #ty {
                        <#ty as #p::BitField>::from_bits(
                            #p::bits_get(&self.bytes, #layout.bit_positions[#i], #width, #big),
                            #width,
                        )
                    }

                    #[doc = #set_doc]
                    #[inline]
                    #field_vis fn #setter(&mut self, value: #ty) {
                        #p::bits_set(
                            &mut self.bytes,
                            #layout.bit_positions[#i],
                            #width,
                            #big,
                            <#ty as #p::BitField>::to_bits(value),
                        );
                    }
                });
            }
            None => {
                let get_doc = format!("Reads the field `{c_name}`.");
                let set_doc = format!("Writes the field `{c_name}`.");
                // The getter's `Zeroable` bound rejects a type bytes cannot hold (one error).
                accessors.push(quote_spanned! {ty.span()=>
                    #(#field_attrs)*
                    #[doc = #get_doc]
                    #[must_use]
                    #[inline]
                    #field_vis fn #getter(&self) -> #ty {
                        // Any bytes read as a valid value (`Zeroable::read_from`).
                        let value =
                            #p::read_field::<#ty>(&self.bytes, (#layout.bit_positions[#i] / 8) as usize);
                        #p::in_order(value, #big)
                    }

                    #[doc = #set_doc]
                    #[inline]
                    #field_vis fn #setter(&mut self, value: #ty) {
                        #p::write_field::<#ty>(
                            &mut self.bytes,
                            (#layout.bit_positions[#i] / 8) as usize,
                            #p::in_order(value, #big),
                        );
                    }
                });
            }
        }
    }
    let (size_message, align_message, ok_message) = layout_messages(&name);
    let ctyped = ctyped_impl(kind, ident, fields, options);
    let convert = cconvert_impl(ident);
    let doc = LitStr::new(
        &format!(
            "The layout `{name}` is checked against: the engine's answer for its C declaration."
        ),
        Span::call_site(),
    );
    quote! {
        #[doc = #doc]
        #[doc(hidden)]
        #[allow(non_upper_case_globals)]
        const #layout: #p::ConstLayout<#count> = #p::lay_out_array(#record, [#(#shapes),*]);

        #(#attrs)*
        #[repr(C)]
        #vis struct #ident {
            _align: [<#p::AlignAs<{ #layout.align as usize }> as #p::Alignment>::Zst; 0],
            bytes: [u8; #layout.size as usize],
        }

        const _: () = {
            ::core::assert!(#layout.ok, #ok_message);
            ::core::assert!(#layout.size == #p::size_of::<#ident>() as u64, #size_message);
            ::core::assert!(#layout.align == #p::align_of::<#ident>() as u64, #align_message);
            #(#checks)*
        };

        impl #ident {
            #(#accessors)*

            /// The record's bytes, as C stores them.
            #[must_use]
            #[inline]
            #vis fn as_bytes(&self) -> &[u8; #layout.size as usize] {
                &self.bytes
            }
        }

        impl ::core::default::Default for #ident {
            /// All bytes zero.
            fn default() -> Self {
                Self { _align: [], bytes: [0; #layout.size as usize] }
            }
        }

        // SAFETY: bytes, all zero valid for every field (checked above).
        unsafe impl #p::Zeroable for #ident {}

        // SAFETY: bytes.
        unsafe impl #p::ZeroValid for #ident {}

        // SAFETY: bytes, without padding; the accessors make a valid value of any of them.
        unsafe impl #p::AnyBits for #ident {}

        #convert

        impl #p::Swap for #ident {
            fn swap(self) -> Self {
                self
            }
        }

        #ctyped
    }
}

/// `const` assertions that the layout engine, run at compile time on the fields' sizes and
/// alignments, gives Rust's own size, alignment and offsets.
fn layout_assertions(
    kind: Kind,
    ident: &syn::Ident,
    fields: &[Field],
    options: &RecordOptions,
) -> TokenStream {
    let p = quote!(::ctypes_core::__private);
    let count = fields.len();
    let (record, shapes) = shapes(kind, fields, options);
    let name = ident.to_string();
    let offsets = fields.iter().enumerate().map(|(i, f)| {
        let field = &f.ident;
        let message = LitStr::new(
            &format!("`{name}.{field}`: Rust puts the field elsewhere than C would"),
            Span::call_site(),
        );
        quote_spanned! {field.span()=>
            ::core::assert!(LAYOUT.bit_positions[#i] == 8 * #p::offset_of!(#ident, #field) as u64, #message);
        }
    });
    let (size_message, align_message, ok_message) = layout_messages(&name);
    quote! {
        const _: () = {
            const LAYOUT: #p::ConstLayout<#count> = #p::lay_out_array(
                #record,
                [#(#shapes),*],
            );
            ::core::assert!(LAYOUT.ok, #ok_message);
            ::core::assert!(LAYOUT.size == #p::size_of::<#ident>() as u64, #size_message);
            ::core::assert!(LAYOUT.align == #p::align_of::<#ident>() as u64, #align_message);
            #(#offsets)*
        };
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

/// `#[c_enum]`.
pub fn enumeration(args: TokenStream, input: TokenStream) -> TokenStream {
    let item: syn::ItemEnum = match syn::parse2(input.clone()) {
        Ok(item) => item,
        Err(_) => {
            return syn::Error::new(
                Span::call_site(),
                "#[c_enum] applies to an enum with unit variants",
            )
            .to_compile_error()
        }
    };
    match enumeration_item(args, item) {
        Ok(tokens) => tokens,
        Err(e) => e.to_compile_error(),
    }
}

fn enumeration_item(args: TokenStream, item: syn::ItemEnum) -> syn::Result<TokenStream> {
    let p = quote!(::ctypes_core::__private);
    let repr: syn::Type = if args.is_empty() {
        syn::parse_quote!(::core::ffi::c_int)
    } else {
        syn::parse2(args)?
    };
    let repr_c_type = types::c_type(&repr)?;
    if !item.generics.params.is_empty() {
        return Err(syn::Error::new(
            item.generics.span(),
            "a C enum cannot be generic",
        ));
    }
    let (attrs, vis, ident) = (&item.attrs, &item.vis, &item.ident);
    let mut constants = Vec::new();
    let mut arms = Vec::new();
    let mut previous: Option<Expr> = None;
    let mut errors: Option<syn::Error> = None;
    for variant in &item.variants {
        if !matches!(variant.fields, Fields::Unit) {
            let e = syn::Error::new(
                variant.fields.span(),
                "a C enum's variants cannot carry data: C enumerators are plain integers",
            );
            match &mut errors {
                Some(all) => all.combine(e),
                None => errors = Some(e),
            }
            continue;
        }
        let name = &variant.ident;
        let value: Expr = match (&variant.discriminant, &previous) {
            (Some((_, expr)), _) => expr.clone(),
            (None, Some(prev)) => syn::parse_quote!((#prev) + 1),
            (None, None) => syn::parse_quote!(0),
        };
        let variant_attrs = &variant.attrs;
        constants.push(quote! {
            #(#variant_attrs)*
            #[allow(non_upper_case_globals)]
            pub const #name: #ident = #ident(#value);
        });
        let text = LitStr::new(&name.to_string(), name.span());
        arms.push(quote!(if self.0 == #ident::#name.0 { return f.write_str(#text); }));
        previous = Some(syn::parse_quote!(#ident::#name.0));
    }
    if let Some(e) = errors {
        return Err(e);
    }
    let ident_text = ident.to_string();
    let bit_patterns = bit_pattern_impls(ident, std::iter::once(&repr), &Store::Bytes);
    let constants_iter = constants.iter();
    Ok(quote! {
        #(#attrs)*
        #[repr(transparent)]
        #[derive(Clone, Copy, PartialEq, Eq, Hash)]
        #vis struct #ident(pub #repr);

        impl #ident {
            #(#constants_iter)*
        }

        impl ::core::fmt::Debug for #ident {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                #(#arms)*
                ::core::write!(f, "{}({})", #ident_text, self.0)
            }
        }

        impl #p::CConvert for #ident {
            fn from_c(value: &#p::CValue) -> ::core::option::Option<Self> {
                <#repr as #p::CConvert>::from_c(value).map(#ident)
            }

            fn into_c(self) -> #p::CValue {
                <#repr as #p::CConvert>::into_c(self.0)
            }
        }

        // SAFETY: a transparent wrapper of the integer type whose C type it reports.
        unsafe impl #p::CTyped for #ident {
            fn c_type() -> #p::CType {
                #repr_c_type
            }
        }

        // SAFETY: a transparent wrapper of an integer, for which zero is valid.
        unsafe impl #p::Zeroable for #ident {}

        #bit_patterns

        impl #p::Swap for #ident {
            fn swap(self) -> Self {
                #ident(#p::Swap::swap(self.0))
            }
        }
    })
}

/// `#[c_opaque]`.
pub fn opaque(args: TokenStream, input: TokenStream) -> TokenStream {
    let p = quote!(::ctypes_core::__private);
    if !args.is_empty() {
        return syn::Error::new(args.span(), "#[c_opaque] takes no options").to_compile_error();
    }
    let item: syn::ItemStruct = match syn::parse2(input) {
        Ok(item) => item,
        Err(_) => {
            return syn::Error::new(
                Span::call_site(),
                "#[c_opaque] applies to a unit struct: `struct name;`",
            )
            .to_compile_error()
        }
    };
    if !matches!(item.fields, Fields::Unit) || !item.generics.params.is_empty() {
        return syn::Error::new(
            item.span(),
            "#[c_opaque] applies to a unit struct: `struct name;`",
        )
        .to_compile_error();
    }
    let (attrs, vis, ident) = (&item.attrs, &item.vis, &item.ident);
    let tag = LitStr::new(&ident.to_string(), ident.span());
    quote! {
        #(#attrs)*
        #[repr(C)]
        #vis struct #ident {
            _opaque: [u8; 0],
            // Neither `Send`, `Sync` nor `Unpin`: C owns it.
            _marker: ::core::marker::PhantomData<(*mut u8, ::core::marker::PhantomPinned)>,
        }

        impl #p::CPointee for #ident {
            fn pointee_type() -> #p::CType {
                // Records compare by identity: declare the struct once.
                static DECLARED: #p::OnceLock<#p::CType> = #p::OnceLock::new();
                DECLARED.get_or_init(|| #p::declare(#p::RecordKind::Struct, #tag)).clone()
            }
        }
    }
}

/// The floating type inside `ty` (itself, or an array's element), by name.
fn floating(ty: &syn::Type) -> Option<&syn::Type> {
    match ty {
        syn::Type::Array(array) => floating(&array.elem),
        syn::Type::Paren(inner) => floating(&inner.elem),
        syn::Type::Group(inner) => floating(&inner.elem),
        syn::Type::Path(path) => {
            let last = path.path.segments.last()?;
            matches!(
                last.ident.to_string().as_str(),
                "f32" | "f64" | "c_float" | "c_double"
            )
            .then_some(ty)
        }
        _ => None,
    }
}

/// The messages of a record's compile-time layout assertions.
pub(crate) fn layout_messages(name: &str) -> (LitStr, LitStr, LitStr) {
    let message = |text: String| LitStr::new(&text, Span::call_site());
    (
        message(format!("`{name}`: Rust's size differs from C's")),
        message(format!("`{name}`: Rust's alignment differs from C's")),
        message(format!("`{name}`: the record is too large")),
    )
}
