//! The checks of each declaration, run in its order so that errors come out in the order they
//! are written; where one mistake does not hide the next, all are reported together.

mod enumeration;
mod func;
mod library;
mod record;
mod signature;
#[cfg(test)]
mod tests;

pub use signature::Declared;

/// Errors collected into one, in the order they were found.
#[derive(Default)]
struct Errors(Option<syn::Error>);

impl Errors {
    fn push(&mut self, error: syn::Error) {
        match &mut self.0 {
            Some(all) => all.combine(error),
            None => self.0 = Some(error),
        }
    }

    fn finish(self) -> syn::Result<()> {
        match self.0 {
            Some(errors) => Err(errors),
            None => Ok(()),
        }
    }
}
