//! What `c_func!` and `c_library!` generate alike from a signature.

use proc_macro2::TokenStream;
use quote::quote;

use super::c_type::c_type;
use super::runtime::private;
use crate::ast::FnSig;

/// The Rust result type: the declared one, or `()`.
pub fn result_type(sig: &FnSig) -> TokenStream {
    match &sig.result {
        Some(ty) => quote!(#ty),
        None => quote!(()),
    }
}

/// `unsafe extern "C" fn(...) -> T`, the plain function pointer of the signature.
pub fn pointer_type(sig: &FnSig) -> TokenStream {
    let types = sig.params.iter().map(|p| &p.ty);
    let dots = sig.variadic.is_some().then(|| quote!(, ...));
    let result = result_type(sig);
    quote!(unsafe extern "C" fn(#(#types),* #dots) -> #result)
}

/// The expression of the runtime `Signature`.
pub fn runtime_signature(sig: &FnSig) -> TokenStream {
    let p = private();
    let constructor = if sig.variadic.is_some() {
        quote!(#p::Signature::variadic)
    } else {
        quote!(#p::Signature::new)
    };
    let params = sig.params.iter().map(|p| c_type(&p.ty));
    let result = match &sig.result {
        Some(ty) => c_type(ty),
        None => quote!(#p::CType::void()),
    };
    quote!(#constructor(::std::vec![#(#params),*], #result))
}

/// `call`, evaluated once, paired with `errno` read right after it.
pub fn with_errno(call: &TokenStream) -> TokenStream {
    quote!({ let r = #call; (r, ::ctypes_core::errno()) })
}
