//! `c_func!`: C function-pointer types declared from Rust signatures.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::parse::{Parse, ParseStream};
use syn::spanned::Spanned;
use syn::{Attribute, ItemType, ReturnType, Type};

use crate::types;

struct Items(Vec<ItemType>);

impl Parse for Items {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let mut items = Vec::new();
        while !input.is_empty() {
            items.push(input.parse()?);
        }
        Ok(Items(items))
    }
}

pub fn expand(input: TokenStream) -> TokenStream {
    let items = match syn::parse2::<Items>(input) {
        Ok(items) => items.0,
        Err(e) => return e.to_compile_error(),
    };
    let mut out = TokenStream::new();
    for item in items {
        match one(item) {
            Ok(tokens) => out.extend(tokens),
            Err(e) => out.extend(e.to_compile_error()),
        }
    }
    out
}

/// One parameter: its type, and whether it is the user-data pointer C hands back.
struct Param {
    ty: Type,
    user_data: bool,
}

fn one(item: ItemType) -> syn::Result<TokenStream> {
    let p = quote!(::ctypes_core::__private);
    let mut attrs = item.attrs;
    let mut errno = false;
    attrs.retain(|a| {
        if a.path().is_ident("errno") {
            errno = true;
            false
        } else {
            true
        }
    });
    if !item.generics.params.is_empty() {
        return Err(syn::Error::new(
            item.generics.span(),
            "a C function type cannot be generic",
        ));
    }
    let Type::BareFn(bare) = &*item.ty else {
        return Err(syn::Error::new(
            item.ty.span(),
            "expected a function signature: `type Name = fn(args) -> result;`",
        ));
    };
    if let Some(abi) = &bare.abi {
        return Err(syn::Error::new(
            abi.span(),
            "leave the ABI out: the type is always `extern \"C\"`",
        ));
    }
    let mut params: Vec<Param> = Vec::new();
    for arg in &bare.inputs {
        let mut user_data = false;
        for attr in &arg.attrs {
            if attr.path().is_ident("user_data") {
                if params.iter().any(|p| p.user_data) {
                    return Err(syn::Error::new(
                        attr.span(),
                        "only one parameter can be `#[user_data]`",
                    ));
                }
                user_data = true;
            } else {
                return Err(syn::Error::new(
                    attr.span(),
                    "unknown attribute; expected `#[user_data]`",
                ));
            }
        }
        types::c_type(&arg.ty)?;
        params.push(Param {
            ty: arg.ty.clone(),
            user_data,
        });
    }
    let variadic = bare.variadic.is_some();
    if let Some(v) = &bare.variadic {
        if params.is_empty() {
            return Err(syn::Error::new(
                v.dots.span(),
                "a variadic C function needs at least one fixed argument before `...`",
            ));
        }
        if errno {
            return Err(syn::Error::new(
                v.dots.span(),
                "`#[errno]` cannot wrap a variadic function type (it has no typed `call`); call it and read `ctypes_core::errno()` right after",
            ));
        }
    }
    let result = match &bare.output {
        ReturnType::Default => None,
        ReturnType::Type(_, ty) => {
            types::c_type(ty)?;
            Some((**ty).clone())
        }
    };
    let (vis, ident) = (&item.vis, &item.ident);
    let types: Vec<&Type> = params.iter().map(|p| &p.ty).collect();
    let dots = variadic.then(|| quote!(, ...));
    let result_ty = match &result {
        Some(ty) => quote!(#ty),
        None => quote!(()),
    };
    let pointer = quote!(unsafe extern "C" fn(#(#types),* #dots) -> #result_ty);
    let arg_exprs = types.iter().map(|ty| types::c_type(ty).expect("checked"));
    let result_expr = match &result {
        Some(ty) => types::c_type(ty).expect("checked"),
        None => quote!(#p::CType::void()),
    };
    let constructor = if variadic {
        quote!(#p::Signature::variadic)
    } else {
        quote!(#p::Signature::new)
    };
    let names: Vec<_> = (0..params.len()).map(|i| format_ident!("arg{i}")).collect();
    let name_text = ident.to_string();

    let mut methods = TokenStream::new();
    if !variadic {
        let (ret, body) = if errno {
            (
                quote!((#result_ty, ::core::ffi::c_int)),
                quote!({ let r = (self.0)(#(#names),*); (r, ::ctypes_core::errno()) }),
            )
        } else {
            (quote!(#result_ty), quote!((self.0)(#(#names),*)))
        };
        let args = names.iter().zip(&types).map(|(n, t)| quote!(#n: #t));
        methods.extend(quote! {
            /// Calls the function this pointer points to: a plain call, no libffi.
            ///
            /// # Safety
            /// The pointer must point to a live function of this C type, and the C function's
            /// own requirements on its arguments must hold.
            #[allow(clippy::too_many_arguments)]
            pub unsafe fn call(self, #(#args),*) -> #ret {
                // SAFETY: forwarded to the caller.
                unsafe { #body }
            }
        });
        // Spanned at each type, so that one that cannot cross (a record not every bit pattern
        // of which is valid) is reported where it is written.
        let conversions = names.iter().zip(&types).enumerate().map(
            |(i, (n, ty))| quote_spanned!(ty.span()=> let #n = #p::argument::<#ty>(args, #i);),
        );
        let into_result = match &result {
            Some(ty) => quote_spanned!(ty.span()=> <#ty as #p::CResult>::into_c_result),
            None => quote!(#p::CResult::into_c_result),
        };
        let closure_bound = quote!(Fn(#(#types),*) -> #result_ty);
        // A callback that any thread may call, of integers, floats and pointers only, takes
        // its arguments straight from their registers (`Callback::from_fn`); the others
        // convert each argument from a `CValue`.
        let scalars_only = types.len() <= 8
            && types.iter().all(|ty| crosses_as_scalar(ty))
            && result.as_ref().is_none_or(crosses_as_scalar);
        let shared_maker = if scalars_only {
            let typed_args = names.iter().zip(&types).map(|(n, t)| quote!(#n: #t));
            quote!(#p::callback_from_fn(Self::signature(), move |#(#typed_args),*| -> #result_ty { f(#(#names),*) }))
        } else {
            let conversions = conversions.clone();
            quote!(#p::Callback::new(Self::signature(), move |args: &[#p::CValue]| {
                #(#conversions)*
                #into_result(f(#(#names),*))
            }))
        };
        let local_conversions = conversions.clone();
        let local_maker = quote!(#p::Callback::new_local(Self::signature(), move |args: &[#p::CValue]| {
            #(#local_conversions)*
            #into_result(f(#(#names),*))
        }));
        for (method, bounds, make) in [
            (
                quote!(callback),
                quote!(#closure_bound + ::core::marker::Send + ::core::marker::Sync + 'static),
                shared_maker,
            ),
            (
                quote!(callback_local),
                quote!(#closure_bound + 'static),
                local_maker,
            ),
        ] {
            let doc = if method.to_string() == "callback" {
                "A C function of this type running `f`, callable from any thread (a libffi closure)."
            } else {
                "A C function of this type running `f` on this thread only (see `Callback::new_local`)."
            };
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
                    ::core::result::Result::Ok(unsafe { #p::TypedCallback::new(callback, function) })
                }
            });
        }
        if let Some(position) = params.iter().position(|p| p.user_data) {
            let others: Vec<&Type> = params
                .iter()
                .filter(|p| !p.user_data)
                .map(|p| &p.ty)
                .collect();
            let other_names: Vec<_> = names
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != position)
                .map(|(_, n)| n)
                .collect();
            let user = &names[position];
            let trampoline_args = names.iter().zip(&types).map(|(n, t)| quote!(#n: #t));
            methods.extend(quote! {
                /// A C function of this type that calls the closure passed as its user-data
                /// argument ([`Self::user_data`]): no trampoline is allocated, no libffi runs.
                /// A panic in the closure aborts the process (it must not unwind into C). Unlike
                /// `callback`, the arguments reach the closure as C passed them, unchecked: the C
                /// API calling it must pass valid values of the declared types (a `bool` of 0
                /// or 1, records whose fields are valid).
                pub fn for_closure<F: FnMut(#(#others),*) -> #result_ty>(_: &F) -> #ident {
                    unsafe extern "C" fn trampoline<F: FnMut(#(#others),*) -> #result_ty>(#(#trampoline_args),*) -> #result_ty {
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
            });
        }
    }
    let attrs: &[Attribute] = &attrs;
    Ok(quote! {
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
                #constructor(::std::vec![#(#arg_exprs),*], #result_expr)
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
    })
}

/// Whether a parameter or result of this type crosses a callback as a plain register value:
/// the Rust integer and float types, the `core::ffi` aliases of the C ones (by name, as
/// `types.rs` reads them), and raw pointers. `bool` is not one: C could hand over a byte that is
/// no valid `bool`.
fn crosses_as_scalar(ty: &Type) -> bool {
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
