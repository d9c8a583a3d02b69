//! `#[c_opaque]`: a type Rust never builds, moves or shares, only points to.

use proc_macro2::TokenStream;
use quote::quote;
use syn::LitStr;

use super::runtime::private;
use crate::ast::Opaque;

pub fn opaque(args: TokenStream, input: TokenStream) -> TokenStream {
    match Opaque::from_syn(args, input) {
        Ok(opaque) => generate(&opaque),
        Err(e) => e.to_compile_error(),
    }
}

fn generate(opaque: &Opaque) -> TokenStream {
    let p = private();
    let (attrs, vis, ident) = (&opaque.attrs, &opaque.vis, &opaque.ident);
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
