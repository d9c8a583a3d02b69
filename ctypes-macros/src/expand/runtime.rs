//! Where generated code finds the runtime.

use proc_macro2::TokenStream;
use quote::quote;

/// The module through which generated code reaches the runtime, `#[doc(hidden)]` in
/// `ctypes-core`; an absolute path, so that no name of the user's shadows it.
pub fn private() -> TokenStream {
    quote!(::ctypes_core::__private)
}
