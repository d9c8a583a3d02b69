//! Shared libraries opened at run time, and the symbols in them.

use std::any::Any;
use std::ffi::c_void;
use std::fmt;
use std::path::Path;
use std::ptr::NonNull;
use std::rc::Rc;
use std::sync::Arc;

use libloading::os::unix;

use crate::error::{Error, Result};
mod declared;
mod find;

pub use declared::{missing_symbols, open_first, resolve, resolve_optional};
pub use find::find_library;

use crate::mem::CData;
use crate::ty::CType;

/// How a library is opened (`dlopen`'s flags).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OpenFlags {
    /// `RTLD_GLOBAL`: the library's symbols serve libraries loaded later; otherwise
    /// `RTLD_LOCAL`.
    pub global: bool,
    /// `RTLD_LAZY`: functions are bound on first call; otherwise `RTLD_NOW`, which binds all of
    /// them at load and fails early on a missing dependency.
    pub lazy: bool,
    /// `RTLD_NODELETE`: the library stays mapped after it is closed.
    pub no_delete: bool,
}

impl Default for OpenFlags {
    /// `RTLD_NOW | RTLD_LOCAL`.
    fn default() -> OpenFlags {
        OpenFlags {
            global: false,
            lazy: false,
            no_delete: false,
        }
    }
}

impl OpenFlags {
    fn bits(self) -> i32 {
        let mut bits = if self.lazy {
            libc::RTLD_LAZY
        } else {
            libc::RTLD_NOW
        };
        bits |= if self.global {
            libc::RTLD_GLOBAL
        } else {
            libc::RTLD_LOCAL
        };
        if self.no_delete {
            bits |= libc::RTLD_NODELETE;
        }
        bits
    }
}

/// A loaded shared library. Cheap to clone; the library is closed when the last clone, and the
/// last function or global resolved from it, is dropped.
///
/// ```
/// use ctypes_core::Library;
///
/// // SAFETY: libm's initialisers are those of the C library itself.
/// let libm = unsafe { Library::open("m") }?;
/// assert!(libm.symbol("cos").is_ok());
/// assert!(libm.symbol("no_such_function").is_err());
/// # Ok::<(), ctypes_core::Error>(())
/// ```
#[derive(Clone)]
pub struct Library {
    inner: Arc<Loaded>,
}

pub(crate) struct Loaded {
    library: unix::Library,
    name: String,
}

impl Library {
    /// Opens a library by path (anything with a `/`), by file name (`"libm.so.6"`), or by bare
    /// name (`"m"`, `"sqlite3"`), searched as [`find_library`] does.
    ///
    /// # Safety
    /// Loading a library runs its initialisers, which may do anything; the library must be one
    /// whose initialisers are sound to run in this process.
    ///
    /// # Thread-safety
    /// `dlopen` may be called from any thread; `dlerror` messages are read on the same thread.
    ///
    /// # Platform-specific behaviour
    /// Unix only: `dlopen` with the default [`OpenFlags`] (`RTLD_NOW | RTLD_LOCAL`).
    pub unsafe fn open(name: &str) -> Result<Library> {
        // SAFETY: forwarded to the caller.
        unsafe { Library::open_with(name, OpenFlags::default()) }
    }

    /// [`Library::open`] with explicit flags.
    ///
    /// # Safety
    /// As for [`Library::open`].
    pub unsafe fn open_with(name: &str, flags: OpenFlags) -> Result<Library> {
        // SAFETY: forwarded to the caller.
        unsafe { Library::open_any(name, candidates(name), flags, "no candidate file found") }
    }

    /// Opens the first of `files` that loads; the error, under `name`, lists every file tried
    /// and the loader's last message (`none` when there was no file to try).
    ///
    /// # Safety
    /// As for [`Library::open`], for each file tried.
    pub(crate) unsafe fn open_any(
        name: &str,
        files: impl IntoIterator<Item = String>,
        flags: OpenFlags,
        none: &str,
    ) -> Result<Library> {
        let mut tried = Vec::new();
        let mut message = none.to_owned();
        for candidate in files {
            tried.push(candidate.clone());
            // SAFETY: the caller accepts running this library's initialisers.
            match unsafe { unix::Library::open(Some(&candidate), flags.bits()) } {
                Ok(library) => {
                    return Ok(Library {
                        inner: Arc::new(Loaded {
                            library,
                            name: candidate,
                        }),
                    })
                }
                Err(e) => message = loader_message(&e),
            }
        }
        Err(Error::Load {
            name: name.to_owned(),
            tried,
            message,
        })
    }

    /// The running program itself and the libraries it has loaded globally.
    pub fn this() -> Library {
        Library {
            inner: Arc::new(Loaded {
                library: unix::Library::this(),
                name: "<this program>".to_owned(),
            }),
        }
    }

    /// The name or path the library was opened under.
    pub fn name(&self) -> &str {
        &self.inner.name
    }

    /// The address of the symbol `name`.
    pub fn symbol(&self, name: &str) -> Result<NonNull<c_void>> {
        // SAFETY: the symbol is only read as an address; no type is claimed for it.
        let symbol = unsafe { self.inner.library.get::<*mut c_void>(name.as_bytes()) };
        let not_found = |message: String| Error::Symbol {
            library: self.inner.name.clone(),
            symbol: name.to_owned(),
            message,
        };
        let symbol = symbol.map_err(|e| not_found(loader_message(&e)))?;
        let address = symbol.into_raw();
        NonNull::new(address).ok_or_else(|| not_found("the symbol's address is NULL".to_owned()))
    }

    /// A typed view of the exported variable `name` (C's `extern T name;`), which keeps the
    /// library loaded.
    ///
    /// # Safety
    /// The variable must really have type `ty` (at least `ty`'s size must be readable and
    /// writable there), and nothing may access it concurrently while the view is used.
    pub unsafe fn global(&self, name: &str, ty: &CType) -> Result<CData> {
        let address = self.symbol(name)?;
        let owner: Rc<dyn Any> = Rc::new(self.clone());
        // SAFETY: the caller vouches for the variable's type; `owner` keeps the library, and so
        // the variable, mapped.
        unsafe { CData::from_address_owned(ty, address.as_ptr(), owner) }
    }

    pub(crate) fn keepalive(&self) -> Arc<Loaded> {
        Arc::clone(&self.inner)
    }
}

impl fmt::Debug for Library {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Library").field(&self.inner.name).finish()
    }
}

impl fmt::Debug for Loaded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

/// The names to hand to the loader for `name`, most specific first.
fn candidates(name: &str) -> Vec<String> {
    if name.contains('/') || Path::new(name).extension().is_some() || name.contains(".so") {
        return vec![name.to_owned()];
    }
    let mut names = Vec::new();
    if let Some(path) = find_library(name) {
        names.push(path_string(&path));
    }
    // The loader's own search, for a development symlink that find_library did not see.
    let plain = format!("lib{name}.so");
    if !names.contains(&plain) {
        names.push(plain);
    }
    names
}

/// The loader's own words (`dlerror`), which libloading keeps as the error's source behind a
/// bare "dlopen failed".
fn loader_message(e: &libloading::Error) -> String {
    match std::error::Error::source(e) {
        Some(source) => source.to_string(),
        None => e.to_string(),
    }
}

fn path_string(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}
