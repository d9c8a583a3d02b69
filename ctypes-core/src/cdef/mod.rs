//! C declarations read at run time: header text in, types, signatures, constants and globals
//! out — what LuaJIT's `ffi.cdef` and Python's `cffi.cdef` do.
//!
//! [`Declarations::parse`] reads declarations as they appear in a header after preprocessing
//! (`cc -E -P`): typedefs, structs and unions (bit-fields, anonymous members, flexible arrays,
//! `packed`, `aligned`, `ms_struct`, `scalar_storage_order`, `#pragma pack`), enums, function
//! prototypes, `extern` variables and `#define NAME <constant>` lines, with what glibc puts
//! around them (`__extension__`, `__restrict`, `__asm__` renames, `static inline` bodies).
//! Every type is built with the runtime API, so its layout is the engine's, exact to GCC.
//!
//! A declaration the runtime cannot represent (a complex integer type, `__int128`, vector types) is listed
//! by [`Declarations::skipped`] and the rest is read; text that is not C is a [`ParseError`]
//! with the line, column and token. Qualifiers (`const`, `volatile`, `restrict`) are accepted
//! and dropped: the runtime's types do not carry them. A pointer to a type the runtime cannot
//! represent is a `void *`. [`Library::function_from`](crate::Library::function_from) binds a
//! declared function by its linker name (`__asm__` labels included).
//!
//! ```
//! use ctypes_core::cdef::{Constant, Declarations};
//! use ctypes_core::Library;
//!
//! let decls = Declarations::parse(
//!     r#"
//!     #define GREETING "hello"
//!     typedef struct point { int x, y; } point;
//!     enum shape { CIRCLE = 1 << 4, SQUARE = 1 << 5, BOTH = CIRCLE | SQUARE };
//!     struct flags { unsigned ready : 1; unsigned mode : 3; } __attribute__((packed));
//!     size_t strlen(const char *s);
//!     int snprintf(char *buf, size_t size, const char *format, ...);
//!     "#,
//! )?;
//! let point = decls.ty("point").unwrap();
//! assert_eq!(point.size()?, 8);
//! assert!(decls.ty("struct point").unwrap().same_object(&point));
//! assert_eq!(decls.constant("BOTH"), Some(&Constant::Int(48)));
//! assert_eq!(decls.constant("GREETING"), Some(&Constant::Str("hello".into())));
//! assert_eq!(decls.ty("struct flags").unwrap().size()?, 1);
//! assert!(decls.function("snprintf").unwrap().signature().is_variadic());
//!
//! let libc = Library::this();
//! let strlen = libc.function_from(&decls, "strlen")?;
//! let n = unsafe { strlen.call(&["four".into()]) }?;
//! assert_eq!(n.as_u64(), Some(4));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod attrs;
mod bind;
mod cursor;
mod declarator;
mod directives;
mod error;
mod expr;
mod lexer;
mod parser;
mod records;
mod specifiers;

use std::collections::{HashMap, HashSet};
use std::fmt;

pub use error::{ParseError, Position, Skipped};

use crate::ty::{CType, Signature};

/// A `#define` or enum constant.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Constant {
    /// An integer: an enumerator or a `#define` of an integer constant expression.
    Int(i128),
    /// A `#define` of a string literal (adjacent literals joined).
    Str(String),
}

/// A declared function: its name, the name the linker knows it by, and its signature.
#[derive(Clone, Debug)]
pub struct FunctionDecl {
    name: String,
    link_name: Option<String>,
    signature: Signature,
    position: Position,
}

impl FunctionDecl {
    /// The name C code calls it by.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The symbol to look up: the `__asm__("...")` label if it has one, else its name.
    pub fn link_name(&self) -> &str {
        self.link_name.as_deref().unwrap_or(&self.name)
    }

    /// Its signature.
    pub fn signature(&self) -> &Signature {
        &self.signature
    }

    /// Where it was declared.
    pub fn position(&self) -> Position {
        self.position
    }
}

impl fmt::Display for FunctionDecl {
    /// The prototype as C, e.g. `int snprintf(char *, size_t, const char *, ...)`, written
    /// as C's declarator rules say (`char *strchr(const char *, int)`, `void (*signal(int,
    /// void (*)(int)))(int)`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let function = CType::function(self.signature.clone());
        f.write_str(&function.declaration(&self.name))
    }
}

/// A type as the parser holds it: a runtime type, or the reason the runtime cannot have one.
#[derive(Clone, Debug)]
pub(crate) enum Ty {
    C(CType),
    Unsupported(String),
}

/// What a struct, union or enum tag names.
#[derive(Clone, Debug)]
pub(crate) struct Tag {
    pub keyword: &'static str,
    pub ty: CType,
}

/// A set of C declarations read from text; see the [module documentation](self).
///
/// Types, functions, globals and constants are looked up by name. More text can be added with
/// [`Declarations::parse_more`], which sees everything declared before it (typedef names,
/// tags, constants and the `#pragma pack` state).
///
/// A struct or union named before its definition (`struct node *next` inside `struct node`,
/// or a forward declaration) is made with [`CType::declare_struct`], so it lives until the
/// process ends; one defined before any use is an ordinary type, freed with its last handle.
#[derive(Clone, Debug, Default)]
pub struct Declarations {
    pub(crate) typedefs: HashMap<String, Ty>,
    pub(crate) tags: HashMap<String, Tag>,
    pub(crate) functions: Vec<FunctionDecl>,
    pub(crate) function_index: HashMap<String, usize>,
    pub(crate) globals: HashMap<String, CType>,
    pub(crate) constants: HashMap<String, Constant>,
    pub(crate) skipped: Vec<Skipped>,
    /// Tags whose definition was skipped: a use of them by value is skipped too.
    pub(crate) skipped_tags: HashSet<String>,
    pub(crate) pack: Option<usize>,
    pub(crate) pack_stack: Vec<Option<usize>>,
    /// The byte order `#pragma scalar_storage_order` sets.
    pub(crate) byte_order: Option<crate::layout::ByteOrder>,
}

impl Declarations {
    /// An empty set, which knows only the standard typedef names (`size_t`, `int32_t`,
    /// `wchar_t`, `bool`, ...) until a header redefines them.
    pub fn new() -> Declarations {
        let mut decls = Declarations::default();
        parser::predefine(&mut decls);
        decls
    }

    /// Reads declarations from `text`.
    pub fn parse(text: &str) -> Result<Declarations, ParseError> {
        let mut decls = Declarations::new();
        decls.parse_more(text)?;
        Ok(decls)
    }

    /// Reads more declarations into this set. On error, what was read before the failing
    /// declaration stays in the set.
    pub fn parse_more(&mut self, text: &str) -> Result<(), ParseError> {
        parser::parse_into(self, text)
    }

    /// The type named `name`: a typedef name (`"sqlite3_callback"`), a tag (`"struct point"`,
    /// `"union u"`, `"enum e"`), or any C type name written with them (`"const char *"`,
    /// `"struct point[4]"`, `"int (*)(void *, int)"`).
    pub fn ty(&self, name: &str) -> Option<CType> {
        let name = name.trim();
        if let Some(Ty::C(ty)) = self.typedefs.get(name) {
            return Some(ty.clone());
        }
        if let Some((keyword, tag)) = name.split_once(' ') {
            if let Some(found) = self.tags.get(tag.trim()) {
                if found.keyword == keyword {
                    return Some(found.ty.clone());
                }
            }
        }
        // A single word that is not a typedef name is a type only if it is a keyword (`int`);
        // anything else is answered without parsing.
        let one_word = name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        if one_word && !parser::is_type_keyword(name) {
            return None;
        }
        match parser::type_name(self, name) {
            Ok(Ty::C(ty)) => Some(ty),
            _ => None,
        }
    }

    /// The declared function `name`.
    pub fn function(&self, name: &str) -> Option<&FunctionDecl> {
        self.function_index.get(name).map(|&i| &self.functions[i])
    }

    /// Every declared function, in the order first declared.
    pub fn functions(&self) -> impl Iterator<Item = &FunctionDecl> {
        self.functions.iter()
    }

    /// The type of the variable `name` declared `extern` (or defined) at file scope.
    pub fn global(&self, name: &str) -> Option<&CType> {
        self.globals.get(name)
    }

    /// The enumerator or `#define` constant `name`.
    pub fn constant(&self, name: &str) -> Option<&Constant> {
        self.constants.get(name)
    }

    /// Every enumerator and `#define` constant.
    pub fn constants(&self) -> impl Iterator<Item = (&str, &Constant)> {
        self.constants.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// Every typedef name the runtime can represent, with its type.
    pub fn typedefs(&self) -> impl Iterator<Item = (&str, &CType)> {
        self.typedefs.iter().filter_map(|(k, v)| match v {
            Ty::C(ty) => Some((k.as_str(), ty)),
            Ty::Unsupported(_) => None,
        })
    }

    /// Every tagged struct, union and enum, as `("struct point", type)`.
    pub fn tags(&self) -> impl Iterator<Item = (String, &CType)> {
        self.tags
            .iter()
            .map(|(k, v)| (format!("{} {k}", v.keyword), &v.ty))
    }

    /// The declarations that are valid C but that the runtime cannot represent, each with the
    /// name it declares and why it was left out.
    pub fn skipped(&self) -> &[Skipped] {
        &self.skipped
    }
}

impl fmt::Display for Declarations {
    /// The set as C, each kind sorted by name: `#define`s, defined records with their layout,
    /// typedefs, globals, then prototypes (with their `__asm__` labels).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut constants: Vec<_> = self.constants().collect();
        constants.sort_by_key(|(name, _)| *name);
        for (name, value) in constants {
            match value {
                Constant::Int(v) => writeln!(f, "#define {name} {v}")?,
                Constant::Str(s) => writeln!(f, "#define {name} {s:?}")?,
            }
        }
        let mut tags: Vec<_> = self.tags().collect();
        tags.sort_by(|a, b| a.0.cmp(&b.0));
        for (_, ty) in tags {
            if ty.as_record().is_some_and(|r| r.is_defined()) {
                writeln!(f, "{ty:#}")?;
            }
        }
        let mut typedefs: Vec<_> = self.typedefs().collect();
        typedefs.sort_by_key(|(name, _)| *name);
        for (name, ty) in typedefs {
            // The standard names the set starts with are the runtime's own scalars.
            if ty.to_string() != name {
                writeln!(f, "typedef {};", ty.declaration(name))?;
            }
        }
        let mut globals: Vec<_> = self.globals.iter().collect();
        globals.sort_by_key(|(name, _)| *name);
        for (name, ty) in globals {
            writeln!(f, "extern {};", ty.declaration(name))?;
        }
        for function in &self.functions {
            match &function.link_name {
                Some(label) => writeln!(f, "{function} __asm__({label:?});")?,
                None => writeln!(f, "{function};")?,
            }
        }
        Ok(())
    }
}
