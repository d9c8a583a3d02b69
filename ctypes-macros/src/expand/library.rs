//! `c_library!`: a struct holding the loaded library and one plain function pointer per
//! function, one address per global, with a method for each.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::LitStr;

use super::runtime::private;
use super::signature::{
    engine_call, holds_long_double, pointer_type, result_type, runtime_signature, scalars_only,
    with_errno,
};
use crate::ast::{Entry, Function, Global, Library};

pub fn library(input: TokenStream) -> TokenStream {
    let checked = syn::parse2::<Library>(input).and_then(|l| l.validate().map(|()| l));
    match checked {
        Ok(library) => generate(&library),
        Err(e) => e.to_compile_error(),
    }
}

/// What one function or global adds to the generated struct and its `impl`.
#[derive(Default)]
struct Symbols {
    /// The struct's fields.
    fields: Vec<TokenStream>,
    /// `let` statements resolving each symbol in `load_from`.
    resolutions: Vec<TokenStream>,
    /// The struct's field initialisers, once every required symbol resolved.
    inits: Vec<TokenStream>,
    methods: Vec<TokenStream>,
    /// Compile-time checks, as items beside the struct.
    checks: Vec<TokenStream>,
}

fn generate(library: &Library) -> TokenStream {
    let p = private();
    let mut symbols = Symbols::default();
    for entry in &library.entries {
        if let Entry::Function(f) = entry {
            function(f, &mut symbols);
        }
    }
    for entry in &library.entries {
        if let Entry::Global(g) = entry {
            global(g, &mut symbols);
        }
    }
    let (attrs, vis, ident, names) = (&library.attrs, &library.vis, &library.ident, &library.names);
    let Symbols {
        fields,
        resolutions,
        inits,
        methods,
        checks,
    } = symbols;
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

        #(#checks)*
    }
}

fn function(f: &Function, symbols: &mut Symbols) {
    let p = private();
    let name = &f.ident;
    let symbol = LitStr::new(&name.to_string(), name.span());
    let param_names = f.sig.params.iter().map(|p| &p.name);
    let result = result_type(&f.sig);
    let pointer = pointer_type(&f.sig);
    let optional = f.markers.optional;
    let field = format_ident!("{}", name);
    symbols.fields.push(if optional {
        quote!(#field: ::core::option::Option<#pointer>)
    } else {
        quote!(#field: #pointer)
    });
    let resolve = if optional {
        quote!(#p::resolve_optional(&library, #symbol))
    } else {
        quote!(#p::resolve(&library, #symbol, &mut missing))
    };
    symbols.resolutions.push(quote!(let #field = #resolve;));
    symbols.inits.push(if optional {
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
    // A signature that may hold a `long double` also keeps the function made for the call
    // engine, when it does.
    let engine = (!scalars_only(&f.sig)).then(|| format_ident!("{}__engine", name));
    let holds = holds_long_double(&f.sig);
    if let Some(engine) = &engine {
        let signature = runtime_signature(&f.sig);
        symbols
            .fields
            .push(quote!(#engine: ::core::option::Option<::ctypes_core::Function>));
        symbols.inits.push(quote! {
            #engine: if (#holds) && #field.is_some() {
                ::core::option::Option::Some(library.function(#symbol, #signature)?)
            } else {
                ::core::option::Option::None
            }
        });
    }
    let doc_attrs = &f.attrs;
    if f.sig.variadic.is_some() && engine.is_some() {
        // Rust calls a variadic function through its pointer only.
        symbols.checks.push(quote! {
            const _: () = ::core::assert!(
                !(#holds),
                "a variadic function with `long double` values cannot be declared in `c_library!`: call it through a runtime `Function`"
            );
        });
    }
    if f.sig.variadic.is_some() && f.markers.errno {
        // Rust methods cannot be variadic: the caller's closure calls the typed pointer, and
        // `errno` is read as soon as it returns.
        let errno = quote!(::core::ffi::c_int);
        let method = if optional {
            quote! {
                pub fn #name<R>(&self, call: impl ::core::ops::FnOnce(#pointer) -> R) -> ::core::option::Option<(R, #errno)> {
                    self.#field.map(|function| { let r = call(function); (r, ::ctypes_core::errno()) })
                }
            }
        } else {
            quote! {
                pub fn #name<R>(&self, call: impl ::core::ops::FnOnce(#pointer) -> R) -> (R, #errno) {
                    let r = call(self.#field);
                    (r, ::ctypes_core::errno())
                }
            }
        };
        symbols.methods.push(quote! {
            #(#doc_attrs)*
            /// (Variadic, with `errno`: `call` receives the `unsafe extern "C"` function pointer
            /// and calls it; `errno` is read right after `call` returns, so `call` should do
            /// nothing else that may set it.)
            #method
        });
    } else if f.sig.variadic.is_some() {
        // Rust methods cannot be variadic: hand out the typed pointer.
        let getter = if optional {
            quote!(pub fn #name(&self) -> ::core::option::Option<#pointer> { self.#field })
        } else {
            quote!(pub fn #name(&self) -> #pointer { self.#field })
        };
        symbols.methods.push(quote! {
            #(#doc_attrs)*
            /// (Variadic: call the returned `unsafe extern "C"` function pointer.)
            #getter
        });
    } else {
        let safety = quote! {
            ///
            /// # Safety
            /// The C function's own requirements on its arguments (valid pointers, sizes, …)
            /// must hold; the declaration must match the library's.
        };
        let args = f.sig.params.iter().map(|p| {
            let (n, ty) = (&p.name, &p.ty);
            quote!(#n: #ty)
        });
        let call = quote!((function)(#(#param_names),*));
        let direct = if f.markers.errno {
            with_errno(&call)
        } else {
            call
        };
        let one_call = match &engine {
            None => quote!(unsafe { #direct }),
            Some(engine) => {
                let through_engine = engine_call(
                    &f.sig,
                    &quote!(self.#engine.as_ref().expect("made at load")),
                    f.markers.errno,
                );
                quote! {
                    if #holds {
                        #through_engine
                    } else {
                        // SAFETY: forwarded to the caller.
                        unsafe { #direct }
                    }
                }
            }
        };
        let body = if optional {
            quote!(self.#field.map(|function| #one_call))
        } else {
            quote!({ let function = self.#field; #one_call })
        };
        let ret = match (optional, f.markers.errno) {
            (false, false) => quote!(#result),
            (true, false) => quote!(::core::option::Option<#result>),
            (false, true) => quote!((#result, ::core::ffi::c_int)),
            (true, true) => quote!(::core::option::Option<(#result, ::core::ffi::c_int)>),
        };
        let wrapped = body;
        symbols.methods.push(quote! {
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
    let signature = runtime_signature(&f.sig);
    let dynamic_doc = LitStr::new(
        &format!("`{name}` as a runtime [`Function`](::ctypes_core::Function), for calls through libffi."),
        name.span(),
    );
    symbols.methods.push(quote! {
        #[doc = #dynamic_doc]
        pub fn #dynamic(&self) -> ::ctypes_core::Result<::ctypes_core::Function> {
            self.library.function(#symbol, #signature)
        }
    });
}

fn global(g: &Global, symbols: &mut Symbols) {
    let p = private();
    let name = &g.ident;
    let ty = &g.ty;
    let symbol = LitStr::new(&name.to_string(), name.span());
    let field = format_ident!("{}", name);
    if g.markers.optional {
        symbols
            .fields
            .push(quote!(#field: ::core::option::Option<*mut #ty>));
        symbols
            .resolutions
            .push(quote!(let #field = #p::resolve_optional(&library, #symbol);));
        symbols
            .inits
            .push(quote!(#field: #field.map(|address| address.as_ptr().cast::<#ty>())));
    } else {
        symbols.fields.push(quote!(#field: *mut #ty));
        symbols
            .resolutions
            .push(quote!(let #field = #p::resolve(&library, #symbol, &mut missing);));
        symbols
            .inits
            .push(quote!(#field: #field.expect("resolved").as_ptr().cast::<#ty>()));
    }
    let doc_attrs = &g.attrs;
    let ret = if g.markers.optional {
        quote!(::core::option::Option<*mut #ty>)
    } else {
        quote!(*mut #ty)
    };
    symbols.methods.push(quote! {
        #(#doc_attrs)*
        /// The variable's address, valid while this value lives.
        pub fn #name(&self) -> #ret {
            self.#field
        }
    });
}
