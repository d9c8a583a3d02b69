//! What `c_func!` and `c_library!` generate alike from a signature.

use proc_macro2::TokenStream;
use quote::quote;
use syn::Type;

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

/// Whether a parameter or result of this type crosses a callback as a plain register value:
/// the Rust integer and float types, the `core::ffi` aliases of the C ones (by name, as
/// `ast::CType` reads them), and raw pointers. `bool` is not one: C could hand over a byte that is
/// no valid `bool`.
pub fn crosses_as_scalar(ty: &Type) -> bool {
    match ty {
        Type::Ptr(_) => true,
        Type::Paren(inner) => crosses_as_scalar(&inner.elem),
        Type::Group(inner) => crosses_as_scalar(&inner.elem),
        Type::Path(path) if path.qself.is_none() => {
            let Some(last) = path.path.segments.last() else {
                return false;
            };
            last.arguments.is_none()
                && matches!(
                    last.ident.to_string().as_str(),
                    "i8" | "i16"
                        | "i32"
                        | "i64"
                        | "isize"
                        | "u8"
                        | "u16"
                        | "u32"
                        | "u64"
                        | "usize"
                        | "f32"
                        | "f64"
                        | "c_char"
                        | "c_schar"
                        | "c_uchar"
                        | "c_short"
                        | "c_ushort"
                        | "c_int"
                        | "c_uint"
                        | "c_long"
                        | "c_ulong"
                        | "c_longlong"
                        | "c_ulonglong"
                        | "c_float"
                        | "c_double"
                )
        }
        _ => false,
    }
}

/// Whether every type of the signature is a plain scalar or pointer (see
/// [`crosses_as_scalar`]): then none holds a `long double`, and no call through the engine is
/// generated.
pub fn scalars_only(sig: &FnSig) -> bool {
    sig.params.iter().all(|p| crosses_as_scalar(&p.ty))
        && sig.result.as_ref().is_none_or(crosses_as_scalar)
}

/// The constant expression saying whether a parameter or the result holds a `long double`
/// (and so the function is called through the engine).
pub fn holds_long_double(sig: &FnSig) -> TokenStream {
    let p = private();
    let params = holds_long_double_of(sig.params.iter().map(|p| &p.ty));
    let result = match &sig.result {
        Some(ty) if !crosses_as_scalar(ty) => quote!(|| <#ty as #p::CTyped>::NEEDS_RUNTIME_CALL),
        _ => TokenStream::new(),
    };
    quote!(#params #result)
}

/// The constant expression saying whether a value of one of `types` holds a `long double`.
/// Plain scalars and pointers are left out: they hold none, and a pointer to a type that is
/// not a C type is reported once, where its C type is made.
pub fn holds_long_double_of<'t>(types: impl Iterator<Item = &'t Type>) -> TokenStream {
    let p = private();
    let types = types.filter(|ty| !crosses_as_scalar(ty));
    quote!(false #(|| <#types as #p::CTyped>::NEEDS_RUNTIME_CALL)*)
}

/// The call through the engine `engine` (a `&Function`), of the parameters by name: the
/// result, with `errno` when `errno`.
pub fn engine_call(sig: &FnSig, engine: &TokenStream, errno: bool) -> TokenStream {
    let p = private();
    let conversions = sig.params.iter().map(|param| {
        let (name, ty) = (&param.name, &param.ty);
        let holds = holds_long_double_of(std::iter::once(ty));
        quote!((&&&#p::Slot::<#ty, { #holds }>::new()).engine_arg(#name))
    });
    let count = sig.params.len();
    let result = result_type(sig);
    let result_holds = holds_long_double_of(sig.result.iter());
    let returned = if errno {
        quote!((result, errno))
    } else {
        quote!(result)
    };
    quote! {{
        #[allow(unused_imports)]
        use #p::{ConvertArg as _, ConvertResult as _, NoConvertArg as _, NoConvertResult as _};
        let values: [#p::CValue; #count] = [#(#conversions),*];
        // SAFETY: forwarded to the caller.
        let (result, errno) = unsafe { #p::call_engine(#engine, &values, #errno) };
        let _ = errno;
        let result: #result =
            (&&&#p::Slot::<#result, { #result_holds }>::new()).engine_result(result);
        #returned
    }}
}
