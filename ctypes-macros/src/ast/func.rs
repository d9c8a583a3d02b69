//! `c_func!`: C function-pointer types.

use syn::parse::{Parse, ParseStream};
use syn::spanned::Spanned;
use syn::{Abi, Attribute, Ident, ItemType, Type, Visibility};

use super::FnSig;

/// The items of one `c_func!`, each parsed on its own by [`FunctionType::from_syn`].
pub struct FunctionTypes(pub Vec<ItemType>);

impl Parse for FunctionTypes {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let mut items = Vec::new();
        while !input.is_empty() {
            items.push(input.parse()?);
        }
        Ok(FunctionTypes(items))
    }
}

/// `type Name = fn(args) -> result;`
pub struct FunctionType {
    /// The attributes to keep on the type (all but `#[errno]`).
    pub attrs: Vec<Attribute>,
    pub vis: Visibility,
    pub ident: Ident,
    /// `#[errno]`: `call` returns `errno` too.
    pub errno: bool,
    /// An ABI written on the `fn`, which the type does not take.
    pub abi: Option<Abi>,
    pub sig: FnSig,
}

impl FunctionType {
    pub fn from_syn(item: ItemType) -> syn::Result<Self> {
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
        Ok(FunctionType {
            attrs,
            vis: item.vis,
            ident: item.ident,
            errno,
            abi: bare.abi.clone(),
            sig: FnSig::from_bare_fn(bare),
        })
    }
}
