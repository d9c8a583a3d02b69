//! `ThreadSafe`: what a callback's closure must be for C to call it from any thread, named
//! so that a closure that is not says so and points to the forms that take it.

/// A closure C may call from any thread, at any time while its callback lives: `Send + Sync +
/// 'static`. Every such type is one; the bound exists for its compile error, which names the
/// forms for other closures ([`Callback::new_local`], [`Callback::scope`]) where the bare
/// `Send` bound would only say that an `Rc` is not `Send`.
///
/// [`Callback::new_local`]: crate::Callback::new_local
/// [`Callback::scope`]: crate::Callback::scope
#[diagnostic::on_unimplemented(
    message = "a callback's closure that C may call from any thread must be `Send + Sync + 'static`",
    label = "not `Send + Sync + 'static`",
    note = "for a closure that must stay on this thread (one holding an `Rc` or a `RefCell`), use `Callback::new_local` (or a `c_func!` type's `callback_local`): called from another thread, it refuses to run",
    note = "for a closure that borrows locals, use `Callback::scope`"
)]
pub trait ThreadSafe: Send + Sync + 'static {}

// Without looking through this impl, rustc reports the `ThreadSafe` bound, with the notes
// above, rather than the `Send` it needs.
#[diagnostic::do_not_recommend]
impl<T: Send + Sync + 'static> ThreadSafe for T {}
