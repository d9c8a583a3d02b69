//! `c_library!`: a shared library's functions and globals, declared once.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::parse::{Parse, ParseStream};
use syn::spanned::Spanned;
use syn::{Attribute, FnArg, ForeignItem, Ident, LitStr, ReturnType, Token, Type, Visibility};

use crate::types;

/// The whole declaration.
struct Declaration {
    attrs: Vec<Attribute>,
    names: Vec<LitStr>,
    vis: Visibility,
    ident: Ident,
    items: Vec<ForeignItem>,
}

impl Parse for Declaration {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let mut attrs = input.call(Attribute::parse_outer)?;
        let mut names = Vec::new();
        let mut library_attr = None;
        attrs.retain(|attr| {
            if attr.path().is_ident("library") {
                library_attr = Some(attr.clone());
                false
            } else {
                true
            }
        });
        let vis: Visibility = input.parse()?;
        input.parse::<Token![struct]>()?;
        let ident: Ident = input.parse()?;
        match library_attr {
            Some(attr) => {
                let list = attr.parse_args_with(
                    syn::punctuated::Punctuated::<LitStr, Token![,]>::parse_terminated,
                )?;
                if list.is_empty() {
                    return Err(syn::Error::new(
                        attr.span(),
                        "`#[library()]` needs at least one library name or path",
                    ));
                }
                names.extend(list);
            }
            None => {
                return Err(syn::Error::new(
                    ident.span(),
                    "a library needs its names: add `#[library(\"name\", \"libname.so.1\")]` before `struct`",
                ))
            }
        }
        let body;
        syn::braced!(body in input);
        let mut items = Vec::new();
        while !body.is_empty() {
            items.push(body.parse()?);
        }
        Ok(Declaration {
            attrs,
            names,
            vis,
            ident,
            items,
        })
    }
}

/// A function of the library.
struct Function {
    attrs: Vec<Attribute>,
    ident: Ident,
    params: Vec<(Ident, Type)>,
    variadic: bool,
    result: Option<Type>,
    optional: bool,
    errno: bool,
}

/// A global of the library.
struct Global {
    attrs: Vec<Attribute>,
    ident: Ident,
    ty: Type,
    optional: bool,
}

/// Takes `#[optional]` and `#[errno]` out of `attrs`; only documentation and those may be there.
fn markers(attrs: &mut Vec<Attribute>, allow_errno: bool) -> syn::Result<(bool, bool)> {
    let (mut optional, mut errno) = (false, false);
    let mut error = None;
    attrs.retain(|attr| {
        let path = attr.path();
        if path.is_ident("optional") {
            optional = true;
            false
        } else if path.is_ident("errno") && allow_errno {
            errno = true;
            false
        } else if path.is_ident("doc") {
            true
        } else {
            error = Some(syn::Error::new(
                path.span(),
                if allow_errno {
                    "unknown attribute; expected `#[optional]`, `#[errno]` or documentation"
                } else {
                    "unknown attribute; expected `#[optional]` or documentation"
                },
            ));
            false
        }
    });
    match error {
        Some(e) => Err(e),
        None => Ok((optional, errno)),
    }
}

pub fn expand(input: TokenStream) -> TokenStream {
    match syn::parse2::<Declaration>(input).and_then(generate) {
        Ok(tokens) => tokens,
        Err(e) => e.to_compile_error(),
    }
}

fn generate(declaration: Declaration) -> syn::Result<TokenStream> {
    let mut functions = Vec::new();
    let mut globals = Vec::new();
    let mut seen: Vec<Ident> = Vec::new();
    let mut errors: Option<syn::Error> = None;
    let mut fail = |e: syn::Error| match &mut errors {
        Some(all) => all.combine(e),
        None => errors = Some(e),
    };
    for item in declaration.items {
        let ident = match &item {
            ForeignItem::Fn(f) => f.sig.ident.clone(),
            ForeignItem::Static(s) => s.ident.clone(),
            other => {
                fail(syn::Error::new(
                    other.span(),
                    "expected `fn name(...) -> T;` or `static name: T;`",
                ));
                continue;
            }
        };
        if seen.contains(&ident) {
            fail(syn::Error::new(
                ident.span(),
                format!("`{ident}` is declared twice"),
            ));
            continue;
        }
        seen.push(ident.clone());
        match item {
            ForeignItem::Fn(f) => match function(f) {
                Ok(f) => functions.push(f),
                Err(e) => fail(e),
            },
            ForeignItem::Static(s) => {
                let mut attrs = s.attrs;
                match markers(&mut attrs, false) {
                    Ok((optional, _)) => {
                        if let Err(e) = types::c_type(&s.ty) {
                            fail(e);
                        }
                        globals.push(Global {
                            attrs,
                            ident: s.ident,
                            ty: *s.ty,
                            optional,
                        });
                    }
                    Err(e) => fail(e),
                }
            }
            _ => unreachable!("filtered above"),
        }
    }
    if let Some(e) = errors {
        return Err(e);
    }
    Ok(emit(
        &declaration.attrs,
        &declaration.vis,
        &declaration.ident,
        &declaration.names,
        &functions,
        &globals,
    ))
}

fn function(f: syn::ForeignItemFn) -> syn::Result<Function> {
    let mut attrs = f.attrs;
    let (optional, errno) = markers(&mut attrs, true)?;
    let sig = f.sig;
    if let Some(generics) = sig.generics.lt_token {
        return Err(syn::Error::new(
            generics.span(),
            "a C function cannot be generic",
        ));
    }
    let mut params = Vec::new();
    for (index, input) in sig.inputs.iter().enumerate() {
        let FnArg::Typed(pat) = input else {
            return Err(syn::Error::new(input.span(), "a C function has no `self`"));
        };
        types::c_type(&pat.ty)?;
        let name = match &*pat.pat {
            syn::Pat::Ident(p) => p.ident.clone(),
            _ => format_ident!("arg{index}"),
        };
        params.push((name, (*pat.ty).clone()));
    }
    if let Some(variadic) = &sig.variadic {
        if params.is_empty() {
            return Err(syn::Error::new(
                variadic.dots.span(),
                "a variadic C function needs at least one fixed argument before `...`",
            ));
        }
        if errno {
            return Err(syn::Error::new(
                variadic.dots.span(),
                "`#[errno]` cannot wrap a variadic function (it is handed out as a pointer); call it and read `ctypes_core::errno()` right after",
            ));
        }
    }
    let result = match sig.output {
        ReturnType::Default => None,
        ReturnType::Type(_, ty) => {
            types::c_type(&ty)?;
            Some(*ty)
        }
    };
    Ok(Function {
        attrs,
        ident: sig.ident,
        params,
        variadic: sig.variadic.is_some(),
        result,
        optional,
        errno,
    })
}

fn emit(
    attrs: &[Attribute],
    vis: &Visibility,
    ident: &Ident,
    names: &[LitStr],
    functions: &[Function],
    globals: &[Global],
) -> TokenStream {
    let p = quote!(::ctypes_core::__private);
    let mut fields = Vec::new();
    let mut resolutions = Vec::new();
    let mut inits = Vec::new();
    let mut methods = Vec::new();
    for f in functions {
        let name = &f.ident;
        let symbol = LitStr::new(&name.to_string(), name.span());
        let param_types: Vec<&Type> = f.params.iter().map(|(_, ty)| ty).collect();
        let param_names: Vec<&Ident> = f.params.iter().map(|(n, _)| n).collect();
        let dots = f.variadic.then(|| quote!(, ...));
        let result = match &f.result {
            Some(ty) => quote!(#ty),
            None => quote!(()),
        };
        let pointer = quote!(unsafe extern "C" fn(#(#param_types),* #dots) -> #result);
        let field = format_ident!("{}", name);
        fields.push(if f.optional {
            quote!(#field: ::core::option::Option<#pointer>)
        } else {
            quote!(#field: #pointer)
        });
        let resolve = if f.optional {
            quote!(#p::resolve_optional(&library, #symbol))
        } else {
            quote!(#p::resolve(&library, #symbol, &mut missing))
        };
        resolutions.push(quote!(let #field = #resolve;));
        inits.push(if f.optional {
            quote! {
                // SAFETY: the symbol is declared with this signature; it stays loaded while
                // `library`, kept in the same value, lives.
                #field: #field.map(|address| unsafe { ::core::mem::transmute::<*mut ::core::ffi::c_void, #pointer>(address.as_ptr()) })
            }
        } else {
            quote! {
                // SAFETY: as above; `missing` is empty, so every required symbol resolved.
                #field: unsafe {
                    ::core::mem::transmute::<*mut ::core::ffi::c_void, #pointer>(#field.expect("resolved").as_ptr())
                }
            }
        });
        let doc_attrs = &f.attrs;
        let safety = quote! {
            ///
            /// # Safety
            /// The C function's own requirements on its arguments (valid pointers, sizes, …)
            /// must hold; the declaration must match the library's.
        };
        let args = f.params.iter().map(|(n, ty)| quote!(#n: #ty));
        let call = quote!((function)(#(#param_names),*));
        let body_call = if f.optional {
            quote!(self.#field.map(|function| unsafe { #call }))
        } else {
            quote!({ let function = self.#field; unsafe { #call } })
        };
        if f.variadic {
            // Rust methods cannot be variadic: hand out the typed pointer.
            let getter = if f.optional {
                quote!(pub fn #name(&self) -> ::core::option::Option<#pointer> { self.#field })
            } else {
                quote!(pub fn #name(&self) -> #pointer { self.#field })
            };
            methods.push(quote! {
                #(#doc_attrs)*
                /// (Variadic: call the returned `unsafe extern "C"` function pointer.)
                #getter
            });
        } else {
            let (ret, wrapped) = match (f.optional, f.errno) {
                (false, false) => (quote!(#result), quote!(#body_call)),
                (true, false) => (quote!(::core::option::Option<#result>), quote!(#body_call)),
                (false, true) => (
                    quote!((#result, ::core::ffi::c_int)),
                    quote!({ let r = #body_call; (r, ::ctypes_core::errno()) }),
                ),
                (true, true) => (
                    quote!(::core::option::Option<(#result, ::core::ffi::c_int)>),
                    quote!(#body_call.map(|r| (r, ::ctypes_core::errno()))),
                ),
            };
            methods.push(quote! {
                #(#doc_attrs)*
                #safety
                #[allow(clippy::too_many_arguments)]
                pub unsafe fn #name(&self, #(#args),*) -> #ret {
                    // SAFETY: forwarded to the caller.
                    #wrapped
                }
            });
        }
        let dynamic = format_ident!("{}_function", name);
        let arg_types = param_types.iter().map(|ty| {
            let expr = types::c_type(ty).expect("checked");
            quote_spanned!(ty.span()=> #expr)
        });
        let result_type = match &f.result {
            Some(ty) => types::c_type(ty).expect("checked"),
            None => quote!(#p::CType::void()),
        };
        let constructor = if f.variadic {
            quote!(#p::Signature::variadic)
        } else {
            quote!(#p::Signature::new)
        };
        let dynamic_doc = LitStr::new(
            &format!("`{name}` as a runtime [`Function`](::ctypes_core::Function), for calls through libffi."),
            name.span(),
        );
        methods.push(quote! {
            #[doc = #dynamic_doc]
            pub fn #dynamic(&self) -> ::ctypes_core::Result<::ctypes_core::Function> {
                self.library.function(#symbol, #constructor(::std::vec![#(#arg_types),*], #result_type))
            }
        });
    }
    for g in globals {
        let name = &g.ident;
        let ty = &g.ty;
        let symbol = LitStr::new(&name.to_string(), name.span());
        let field = format_ident!("{}", name);
        if g.optional {
            fields.push(quote!(#field: ::core::option::Option<*mut #ty>));
            resolutions.push(quote!(let #field = #p::resolve_optional(&library, #symbol);));
            inits.push(quote!(#field: #field.map(|address| address.as_ptr().cast::<#ty>())));
        } else {
            fields.push(quote!(#field: *mut #ty));
            resolutions.push(quote!(let #field = #p::resolve(&library, #symbol, &mut missing);));
            inits.push(quote!(#field: #field.expect("resolved").as_ptr().cast::<#ty>()));
        }
        let doc_attrs = &g.attrs;
        let ret = if g.optional {
            quote!(::core::option::Option<*mut #ty>)
        } else {
            quote!(*mut #ty)
        };
        methods.push(quote! {
            #(#doc_attrs)*
            /// The variable's address, valid while this value lives.
            pub fn #name(&self) -> #ret {
                self.#field
            }
        });
    }
    let name_list = names.iter();
    let struct_doc = LitStr::new(
        &format!(" Loaded with [`{ident}::load`]; each function is a method calling the symbol through a plain function pointer."),
        ident.span(),
    );
    quote! {
        #(#attrs)*
        #[doc = ""]
        #[doc = #struct_doc]
        // Fields and methods keep the C names; a function the program never calls leaves its
        // field unread.
        #[allow(non_snake_case, dead_code)]
        #vis struct #ident {
            library: ::ctypes_core::Library,
            #(#fields,)*
        }

        // SAFETY: the fields are code and data addresses inside `library`, which this value
        // keeps loaded; sharing addresses between threads is harmless, and every use of them
        // is an `unsafe` call whose caller answers for thread safety.
        unsafe impl ::core::marker::Send for #ident {}
        // SAFETY: as for `Send`.
        unsafe impl ::core::marker::Sync for #ident {}

        impl ::core::fmt::Debug for #ident {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.debug_struct(::core::stringify!(#ident))
                    .field("library", &self.library)
                    .finish_non_exhaustive()
            }
        }

        #[allow(non_snake_case)]
        impl #ident {
            /// The names and paths tried, in order.
            pub const NAMES: &'static [&'static str] = &[#(#name_list),*];

            /// Opens the library under the first of [`Self::NAMES`] that loads and resolves
            /// every symbol; one error lists all the missing ones.
            ///
            /// # Safety
            /// Loading a library runs its initialisers; and the declarations must match the
            /// library's.
            pub unsafe fn load() -> ::ctypes_core::Result<Self> {
                // SAFETY: forwarded to the caller.
                unsafe { Self::load_from(Self::NAMES) }
            }

            /// [`Self::load`] with other names or paths to try.
            ///
            /// # Safety
            /// As for [`Self::load`].
            pub unsafe fn load_from(names: &[&str]) -> ::ctypes_core::Result<Self> {
                // SAFETY: forwarded to the caller.
                let library = unsafe { #p::open_first(names) }?;
                let mut missing: ::std::vec::Vec<&'static str> = ::std::vec::Vec::new();
                #(#resolutions)*
                if !missing.is_empty() {
                    return ::core::result::Result::Err(#p::missing_symbols(&library, missing));
                }
                ::core::result::Result::Ok(Self {
                    #(#inits,)*
                    library,
                })
            }

            /// The loaded library.
            pub fn library(&self) -> &::ctypes_core::Library {
                &self.library
            }

            #(#methods)*
        }
    }
}
