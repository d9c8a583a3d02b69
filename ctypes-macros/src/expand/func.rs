//! `c_func!`: a `#[repr(transparent)]` wrapper of `unsafe extern "C" fn(...)` with its
//! runtime signature, a typed `call`, and closures made into C functions of the type.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Ident, Type};

use super::runtime::private;
use super::signature::{
    crosses_as_scalar, engine_call, holds_long_double, pointer_type, result_type,
    runtime_signature, scalars_only, with_errno,
};
use crate::ast::{FunctionType, FunctionTypes};

pub fn function_types(input: TokenStream) -> TokenStream {
    let items = match syn::parse2::<FunctionTypes>(input) {
        Ok(items) => items.0,
        Err(e) => return e.to_compile_error(),
    };
    let mut out = TokenStream::new();
    for item in items {
        let checked = FunctionType::from_syn(item).and_then(|f| f.validate().map(|()| f));
        match checked {
            Ok(function) => out.extend(generate(&function)),
            Err(e) => out.extend(e.to_compile_error()),
        }
    }
    out
}

/// The pieces of a function type that its items share.
struct Parts<'f> {
    function: &'f FunctionType,
    /// The parameters' types, and their names in generated code.
    types: Vec<&'f Type>,
    names: Vec<&'f Ident>,
    /// The Rust result type, `()` for `void`.
    result: TokenStream,
    /// `unsafe extern "C" fn(...) -> T`.
    pointer: TokenStream,
}

fn generate(function: &FunctionType) -> TokenStream {
    let p = private();
    let parts = Parts {
        function,
        types: function.sig.params.iter().map(|p| &p.ty).collect(),
        names: function.sig.params.iter().map(|p| &p.name).collect(),
        result: result_type(&function.sig),
        pointer: pointer_type(&function.sig),
    };
    let (attrs, vis, ident, pointer) = (
        &function.attrs,
        &function.vis,
        &function.ident,
        &parts.pointer,
    );
    let name_text = ident.to_string();
    let signature = runtime_signature(&function.sig);
    let mut methods = TokenStream::new();
    if function.sig.variadic.is_none() {
        methods.extend(call(&parts));
        methods.extend(callbacks(&parts));
        methods.extend(for_closure(&parts));
    }
    quote! {
        #(#attrs)*
        #[repr(transparent)]
        #[derive(Clone, Copy)]
        #vis struct #ident(pub #pointer);

        impl ::core::fmt::Debug for #ident {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                ::core::write!(f, "{}({:p})", #name_text, self.0 as *const ())
            }
        }

        impl #ident {
            /// The runtime signature of this function type.
            pub fn signature() -> #p::Signature {
                #signature
            }

            /// The function at `address`.
            ///
            /// # Safety
            /// `address` must be a function of this C type.
            pub unsafe fn from_address(address: ::core::ptr::NonNull<::core::ffi::c_void>) -> #ident {
                // SAFETY: forwarded to the caller.
                #ident(unsafe { ::core::mem::transmute::<*mut ::core::ffi::c_void, #pointer>(address.as_ptr()) })
            }

            #methods
        }

        impl #p::CConvert for #ident {
            fn from_c(value: &#p::CValue) -> ::core::option::Option<Self> {
                match value {
                    #p::CValue::Value(#p::Value::Pointer(address)) if *address != 0 => {
                        // SAFETY: a non-null address is a valid value of a function pointer;
                        // calling it is `unsafe`, and answers for what it points to.
                        ::core::option::Option::Some(#ident(unsafe {
                            ::core::mem::transmute::<usize, #pointer>(*address)
                        }))
                    }
                    _ => ::core::option::Option::None,
                }
            }

            fn into_c(self) -> #p::CValue {
                #p::CValue::Value(#p::Value::Pointer(self.0 as usize))
            }
        }

        // SAFETY: a transparent wrapper of an `extern "C"` function pointer with this signature.
        unsafe impl #p::CTyped for #ident {
            fn c_type() -> #p::CType {
                #p::CType::function_pointer(Self::signature())
            }
        }
    }
}

/// `call`: a plain call through the pointer, with `errno` after it for `#[errno]`; through
/// the call engine instead when a type holds a `long double`.
fn call(parts: &Parts<'_>) -> TokenStream {
    let p = private();
    let (types, names, result) = (&parts.types, &parts.names, &parts.result);
    let sig = &parts.function.sig;
    let errno = parts.function.errno;
    let call = quote!((self.0)(#(#names),*));
    let (ret, direct) = if errno {
        (quote!((#result, ::core::ffi::c_int)), with_errno(&call))
    } else {
        (quote!(#result), call)
    };
    let body = if scalars_only(sig) {
        quote! {
            // SAFETY: forwarded to the caller.
            unsafe { #direct }
        }
    } else {
        let holds = holds_long_double(sig);
        let name_text = parts.function.ident.to_string();
        let engine = engine_call(sig, &quote!(&engine), errno);
        quote! {
            if #holds {
                // SAFETY: forwarded to the caller: the pointer is a live function of this type.
                let engine = unsafe { #p::function_at(self.0 as *const (), Self::signature(), #name_text) };
                #engine
            } else {
                // SAFETY: forwarded to the caller.
                unsafe { #direct }
            }
        }
    };
    let args = names.iter().zip(types).map(|(n, t)| quote!(#n: #t));
    quote! {
        /// Calls the function this pointer points to: a plain call, no libffi (through the
        /// call engine when a parameter or the result holds a `long double`, which Rust's
        /// `extern "C"` cannot pass).
        ///
        /// # Safety
        /// The pointer must point to a live function of this C type, and the C function's
        /// own requirements on its arguments must hold.
        #[allow(clippy::too_many_arguments)]
        pub unsafe fn call(self, #(#args),*) -> #ret {
            #body
        }
    }
}

/// `callback` and `callback_local`: a closure as a C function of this type.
fn callbacks(parts: &Parts<'_>) -> TokenStream {
    let p = private();
    let (function, types, names) = (parts.function, &parts.types, &parts.names);
    let (result, pointer) = (&parts.result, &parts.pointer);
    let ident = &function.ident;
    let declared_result = &function.sig.result;
    // Spanned at each type, so that one that cannot cross (a record not every bit pattern
    // of which is valid) is reported where it is written.
    let conversions =
        names.iter().zip(types).enumerate().map(
            |(i, (n, ty))| quote_spanned!(ty.span()=> let #n = #p::argument::<#ty>(args, #i);),
        );
    let into_result = match declared_result {
        Some(ty) => quote_spanned!(ty.span()=> <#ty as #p::CResult>::into_c_result),
        None => quote!(#p::CResult::into_c_result),
    };
    let closure_bound = quote!(Fn(#(#types),*) -> #result);
    // A callback that any thread may call, of integers, floats and pointers only, takes
    // its arguments straight from their registers (`Callback::from_fn`); the others
    // convert each argument from a `CValue`.
    let scalars_only = types.len() <= 8
        && types.iter().all(|ty| crosses_as_scalar(ty))
        && declared_result.as_ref().is_none_or(crosses_as_scalar);
    let shared_maker = if scalars_only {
        let typed_args = names.iter().zip(types).map(|(n, t)| quote!(#n: #t));
        quote!(#p::callback_from_fn(Self::signature(), move |#(#typed_args),*| -> #result { f(#(#names),*) }))
    } else {
        let conversions = conversions.clone();
        quote!(#p::Callback::new(Self::signature(), move |args: &[#p::CValue]| {
            #(#conversions)*
            #into_result(f(#(#names),*))
        }))
    };
    let local_maker = quote!(#p::Callback::new_local(Self::signature(), move |args: &[#p::CValue]| {
        #(#conversions)*
        #into_result(f(#(#names),*))
    }));
    let mut methods = TokenStream::new();
    for (method, doc, bounds, make) in [
        (
            quote!(callback),
            "A C function of this type running `f`, callable from any thread (a libffi closure).",
            quote!(#closure_bound + ::ctypes_core::ThreadSafe),
            shared_maker,
        ),
        (
            quote!(callback_local),
            "A C function of this type running `f` on this thread only (see `Callback::new_local`).",
            quote!(#closure_bound + 'static),
            local_maker,
        ),
    ] {
        methods.extend(quote! {
            #[doc = #doc]
            pub fn #method<F>(f: F) -> ::ctypes_core::Result<#p::TypedCallback<#ident>>
            where
                F: #bounds,
            {
                let callback = #make?;
                // SAFETY: the callback's code is a C function with `signature()`, which is
                // this type's.
                let function = #ident(unsafe {
                    ::core::mem::transmute::<*mut ::core::ffi::c_void, #pointer>(callback.code().as_ptr())
                });
                // SAFETY: `function` is the callback's code as this function type.
                ::core::result::Result::Ok(unsafe { #p::typed_callback(callback, function) })
            }
        });
    }
    methods
}

/// `for_closure` and `user_data`, for a type with a `#[user_data]` parameter.
fn for_closure(parts: &Parts<'_>) -> TokenStream {
    let p = private();
    let (function, types, names) = (parts.function, &parts.types, &parts.names);
    let result = &parts.result;
    let params = &function.sig.params;
    let Some(position) = params.iter().position(|p| p.user_data()) else {
        return TokenStream::new();
    };
    let ident = &function.ident;
    let name_text = ident.to_string();
    let others: Vec<&Type> = params
        .iter()
        .filter(|p| !p.user_data())
        .map(|p| &p.ty)
        .collect();
    let other_names: Vec<_> = names
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != position)
        .map(|(_, n)| n)
        .collect();
    let user = &names[position];
    let trampoline_args = names.iter().zip(types).map(|(n, t)| quote!(#n: #t));
    // The trampoline is a Rust `extern "C"` function, which cannot take or return a
    // `long double` as C passes it.
    let no_long_double = (!scalars_only(&function.sig)).then(|| {
        let holds = holds_long_double(&function.sig);
        quote! {
            const {
                ::core::assert!(
                    !(#holds),
                    "`for_closure` cannot make a C function of `long double` values: use `callback`"
                )
            };
        }
    });
    quote! {
        /// A C function of this type that calls the closure passed as its user-data
        /// argument ([`Self::user_data`]): no trampoline is allocated, no libffi runs.
        /// A panic in the closure aborts the process (it must not unwind into C). Unlike
        /// `callback`, the arguments reach the closure as C passed them, unchecked: the C
        /// API calling it must pass valid values of the declared types (a `bool` of 0
        /// or 1, records whose fields are valid).
        pub fn for_closure<F: FnMut(#(#others),*) -> #result>(_: &F) -> #ident {
            #no_long_double
            unsafe extern "C" fn trampoline<F: FnMut(#(#others),*) -> #result>(#(#trampoline_args),*) -> #result {
                // SAFETY: C hands back the user-data pointer made by `user_data` from
                // a live `&mut F`, as the API using this type promises.
                let f = unsafe { &mut *(#user as *mut F) };
                match ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(|| f(#(#other_names),*))) {
                    ::core::result::Result::Ok(r) => r,
                    ::core::result::Result::Err(_) => #p::abort_on_panic(#name_text),
                }
            }
            #ident(trampoline::<F>)
        }

        /// The user-data pointer for [`Self::for_closure`]: valid while `f` is borrowed.
        pub fn user_data<F>(f: &mut F) -> *mut ::core::ffi::c_void {
            (f as *mut F).cast()
        }
    }
}
