//! The checks, run on parsed declarations without the compiler: the messages, and their order.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ast::{FunctionType, Kind, Library, Record};

fn messages(result: syn::Result<()>) -> Vec<String> {
    match result {
        Ok(()) => Vec::new(),
        Err(errors) => errors.into_iter().map(|e| e.to_string()).collect(),
    }
}

/// From source text: rustfmt would drop the attributes of `fn` parameters written in `quote!`.
fn function_type(source: &str) -> Vec<String> {
    let function = FunctionType::from_syn(syn::parse_str(source).unwrap()).unwrap();
    messages(function.validate())
}

fn library(body: TokenStream) -> Vec<String> {
    let library: Library = syn::parse2(quote!(#[library("c")] struct C { #body })).unwrap();
    messages(library.validate())
}

fn record(fields: TokenStream) -> Vec<String> {
    let item = syn::parse2(quote!(struct R { #fields })).unwrap();
    let record = Record::from_syn(Kind::Struct, TokenStream::new(), item).unwrap();
    messages(record.validate())
}

#[test]
fn both_macros_refuse_a_variadic_function_without_a_fixed_argument() {
    let message = "a variadic C function needs at least one fixed argument before `...`";
    assert_eq!(function_type("type F = fn(...) -> c_int;"), [message]);
    assert_eq!(
        library(quote!(
            fn f(...) -> c_int;
        )),
        [message]
    );
}

#[test]
fn errno_on_a_variadic_function_type_says_why_and_a_librarys_is_accepted() {
    let [for_type] = &function_type("#[errno] type F = fn(c_int, ...);")[..] else {
        panic!("one error")
    };
    assert!(for_type.contains("it has no typed `call`"), "{for_type}");
    // A library's variadic function with `#[errno]` takes a closure that makes the call.
    let for_library = library(quote!(
        #[errno]
        fn f(a: c_int, ...);
    ));
    assert!(for_library.is_empty(), "{for_library:?}");
}

#[test]
fn a_function_type_checks_each_parameter_in_turn() {
    // The reference comes first, so it is what is reported, not the attribute after it.
    assert_eq!(
        function_type("type F = fn(&u8, #[other] u8);"),
        ["a reference is not a C type; use a raw pointer (`*const T` or `*mut T`)"]
    );
    assert_eq!(
        function_type("type F = fn(u8, #[other] &u8);"),
        ["unknown attribute; expected `#[user_data]`"]
    );
    assert_eq!(
        function_type("type F = fn(#[user_data] *mut c_void, #[user_data] *mut c_void);"),
        ["only one parameter can be `#[user_data]`"]
    );
}

#[test]
fn a_library_reports_every_entry_in_order() {
    let errors = library(quote! {
        fn a(x: &u8);
        #[other] fn b();
        fn a();
        #[errno] static c: c_int;
        type D;
    });
    assert_eq!(
        errors,
        [
            "a reference is not a C type; use a raw pointer (`*const T` or `*mut T`)",
            "unknown attribute; expected `#[optional]`, `#[errno]` or documentation",
            "`a` is declared twice",
            "unknown attribute; expected `#[optional]` or documentation",
            "expected `fn name(...) -> T;` or `static name: T;`",
        ]
    );
}

#[test]
fn a_record_reports_its_fields_in_order_then_what_its_bytes_cannot_hold() {
    let errors = record(quote! {
        a: (u8, u8),
        #[c(nmae = "b")] b: u8,
        #[c(bits = 9)] c: u8,
    });
    assert_eq!(
        errors,
        [
            "a tuple is not a C type; declare a #[c_struct]",
            "unknown field option; expected `name` or `bits`",
            "`bits = 9` is wider than `u8`, which has 8 bits",
        ]
    );
    let item = syn::parse2(quote!(union U { f: f32, #[c(bits = 3)] b: u32 })).unwrap();
    let union = Record::from_syn(Kind::Union, TokenStream::new(), item).unwrap();
    let [floating] = &messages(union.validate())[..] else {
        panic!("one error")
    };
    assert!(
        floating.starts_with("a union with bit-fields is kept as bytes"),
        "{floating}"
    );
}
