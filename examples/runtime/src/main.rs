//! What an interpreter does, with no macros at all: read C declarations from text at run time
//! with `cdef::Declarations` (struct types, typedefs and function signatures built with the
//! runtime API), bind the functions by name, print them back as C, then run a tiny script that makes objects, fills them by
//! field name and calls libc and libm functions found by name, through `Function::call`, on
//! arguments that exist only at run time.
//!
//! Run: `cargo run -p example-runtime`

use std::collections::HashMap;
use std::error::Error;
use std::process::ExitCode;

use ctypes_core::cdef::Declarations;
use ctypes_core::{
    string_at, Arg, CData, CType, CValue, Function, Library, Scalar, TypeKind, Value,
};

/// The declarations, as a C header would have them (glibc's `struct tm` and `div_t`).
const DECLARATIONS: &str = r#"
    struct point { int x; int y; };
    struct rect { struct point min, max; char name[8]; unsigned char flags; };
    typedef struct div_t { int quot; int rem; } div_t;
    struct tm {
        int tm_sec; int tm_min; int tm_hour; int tm_mday; int tm_mon; int tm_year;
        int tm_wday; int tm_yday; int tm_isdst; long tm_gmtoff; const char *tm_zone;
    };
    int abs(int);
    long labs(long);
    double hypot(double, double);
    double ldexp(double x, int exponent);
    div_t div(int numerator, int denominator);
    time_t timegm(struct tm *);
    size_t strftime(char *buf, size_t max, const char *format, const struct tm *tm);
    int snprintf(char *buf, size_t size, const char *format, ...);
    size_t strlen(const char *);
"#;

/// Objects (`TYPE NAME = { field = value, ... };`) and calls with the result they must give
/// (`EXPRESSION => RESULT;`).
const SCRIPT: &str = r#"
    struct rect r = { min.x = -3, min.y = 4, max.x = 10, max.y = 20, name = "box", flags = 5 };
    r => { min = { x = -3, y = 4 }, max = { x = 10, y = 20 }, name = "box", flags = 5 };
    struct tm when = { tm_year = 124, tm_mon = 1, tm_mday = 29, tm_hour = 12, tm_min = 34, tm_sec = 56 };
    char buf[64];
    abs(-42) => 42;
    labs(-9000000000) => 9000000000;
    hypot(3, 4) => 5;
    ldexp(0.75, 6) => 48;
    div(17, 5) => { quot = 3, rem = 2 };
    div(-17, 5) => { quot = -3, rem = -2 };
    timegm(&when) => 1709210096;
    when => { tm_sec = 56, tm_min = 34, tm_hour = 12, tm_mday = 29, tm_mon = 1, tm_year = 124,
              tm_wday = 4, tm_yday = 59, tm_isdst = 0, tm_gmtoff = 0, tm_zone = "GMT" };
    strftime(buf, 64, "%Y-%m-%d %H:%M:%S, a %A", &when) => 31;
    buf => "2024-02-29 12:34:56, a Thursday";
    snprintf(buf, 64, "%s: %d sides, %.3f", "hexagon", 6, 2.5) => 23;
    buf => "hexagon: 6 sides, 2.500";
    strlen(buf) => 23;
"#;

type Res<T> = Result<T, Box<dyn Error>>;

fn main() -> ExitCode {
    match run() {
        Ok(()) => {
            println!("\nall results checked");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("example-runtime: FAILED: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Res<()> {
    let decls = Declarations::parse(DECLARATIONS)?;
    let mut interp = Interpreter::new(decls)?;
    println!("-- the declarations, read at run time and printed back as C --\n");
    let mut records: Vec<(usize, String)> = interp
        .decls
        .tags()
        .filter_map(|(name, _)| Some((DECLARATIONS.find(&format!("{name} {{"))?, name)))
        .collect();
    records.sort();
    for (_, name) in &records {
        println!("{:#}\n", interp.decls.ty(name).ok_or("a declared record")?);
    }
    for decl in interp.decls.functions() {
        let name = decl.name();
        let ty = CType::function(decl.signature().clone());
        println!(
            "{};  /* from {} */",
            ty.declaration(name),
            interp.found_in[name]
        );
    }
    println!("\n-- the script --\n");
    let mut p = Tokens::new(SCRIPT)?;
    while p.peek().is_some() {
        interp.statement(&mut p)?;
    }
    Ok(())
}

/// The text cut into identifiers (with `.` for field paths), numbers, string literals (kept
/// with their opening quote) and punctuation.
struct Tokens {
    tokens: Vec<String>,
    pos: usize,
}

impl Tokens {
    fn new(text: &str) -> Res<Tokens> {
        let mut tokens = Vec::new();
        let mut chars = text.chars().peekable();
        while let Some(&c) = chars.peek() {
            if c.is_whitespace() {
                chars.next();
            } else if c == '"' {
                chars.next();
                let literal: String = chars.by_ref().take_while(|&c| c != '"').collect();
                tokens.push(format!("\"{literal}"));
            } else if c.is_alphanumeric() || c == '_' || c == '-' {
                let mut word = String::from(c);
                chars.next();
                while let Some(&c) = chars
                    .peek()
                    .filter(|c| c.is_alphanumeric() || "_.".contains(**c))
                {
                    word.push(c);
                    chars.next();
                }
                tokens.push(word);
            } else if c == '.' || c == '=' {
                let run: String =
                    std::iter::from_fn(|| chars.next_if(|&d| d == c || d == '>')).collect();
                tokens.push(run); // `...`, `=`, `=>`
            } else if "{}();,*[]&".contains(c) {
                tokens.push(c.to_string());
                chars.next();
            } else {
                return Err(format!("unexpected character {c:?}").into());
            }
        }
        Ok(Tokens { tokens, pos: 0 })
    }

    fn peek(&self) -> Option<&str> {
        self.tokens.get(self.pos).map(String::as_str)
    }

    fn next(&mut self) -> Res<String> {
        let token = self
            .tokens
            .get(self.pos)
            .cloned()
            .ok_or("unexpected end of text")?;
        self.pos += 1;
        Ok(token)
    }

    fn eat(&mut self, token: &str) -> bool {
        let found = self.peek() == Some(token);
        self.pos += usize::from(found);
        found
    }

    fn expect(&mut self, token: &str) -> Res<()> {
        match self.next()? {
            t if t == token => Ok(()),
            t => Err(format!("expected `{token}`, found `{t}`").into()),
        }
    }
}

struct Interpreter {
    decls: Declarations,
    functions: HashMap<String, Function>,
    found_in: HashMap<String, String>,
    objects: HashMap<String, CData>,
}

impl Interpreter {
    /// Binds every declared function by name, the way `dlsym` finds it: the program's
    /// libraries first, then libm.
    fn new(decls: Declarations) -> Res<Interpreter> {
        // SAFETY: the C library is loaded already, and libm's initialisers are its own.
        let libraries = [Library::this(), unsafe { Library::open("m") }?];
        let mut functions = HashMap::new();
        let mut found_in = HashMap::new();
        for decl in decls.functions() {
            let name = decl.name();
            let library = libraries
                .iter()
                .find(|l| l.symbol(decl.link_name()).is_ok())
                .ok_or(format!("no library loaded defines `{name}`"))?;
            functions.insert(name.to_owned(), library.function_from(&decls, name)?);
            found_in.insert(name.to_owned(), library.name().to_owned());
        }
        Ok(Interpreter {
            decls,
            functions,
            found_in,
            objects: HashMap::new(),
        })
    }

    fn is_type_start(&self, token: &str) -> bool {
        token == "struct" || self.decls.ty(token).is_some()
    }

    /// `TYPE NAME` or `TYPE NAME[N]`, up to `=` or `;`: the name and its type, which the
    /// declarations read as a C type name (`struct tm`, `char[64]`).
    fn object_declaration(&self, p: &mut Tokens) -> Res<(String, CType)> {
        let start = p.pos;
        while p.peek().is_some_and(|t| t != "=" && t != ";") {
            p.pos += 1;
        }
        let words = &p.tokens[start..p.pos];
        let (name_at, suffix) = match words {
            [.., open, len, close] if open == "[" && close == "]" => {
                (words.len() - 4, format!("[{len}]"))
            }
            _ => (
                words.len().checked_sub(1).ok_or("expected a declaration")?,
                String::new(),
            ),
        };
        let type_name = format!("{}{suffix}", words[..name_at].join(" "));
        let ty = self
            .decls
            .ty(&type_name)
            .ok_or(format!("unknown type `{type_name}`"))?;
        Ok((words[name_at].clone(), ty))
    }

    /// An object definition, or an expression with its expected result.
    fn statement(&mut self, p: &mut Tokens) -> Res<()> {
        if p.peek().is_some_and(|t| self.is_type_start(t)) {
            let (name, ty) = self.object_declaration(p)?;
            let object = CData::new(&ty)?;
            let mut filled = 0;
            if p.eat("=") {
                p.expect("{")?;
                while !p.eat("}") {
                    let path = p.next()?;
                    p.expect("=")?;
                    let literal = p.next()?;
                    match literal.strip_prefix('"') {
                        Some(text) => object.field(&path)?.set_string(text.as_bytes())?,
                        None => object.set(&path, number(&literal)?)?,
                    }
                    p.eat(",");
                    filled += 1;
                }
            }
            p.expect(";")?;
            let how = match filled {
                0 => String::new(),
                n => format!(", then {n} members set by name"),
            };
            println!(
                "{};  /* {} bytes, zeroed{how} */",
                ty.declaration(&name),
                object.size()
            );
            self.objects.insert(name, object);
            return Ok(());
        }
        let text_start = p.pos;
        let shown = self.expression(p)?;
        let call_text = source(&p.tokens[text_start..p.pos]);
        p.expect("=>")?;
        let mut expected = Vec::new();
        while !p.eat(";") {
            expected.push(p.next()?);
        }
        println!("{call_text}  =>  {shown}");
        if Tokens::new(&shown)?.tokens != expected {
            return Err(format!(
                "`{call_text}` gave {shown}, expected {}",
                expected.join(" ")
            )
            .into());
        }
        Ok(())
    }

    /// A call `NAME(ARG, ...)` or an object's name; its value, printed.
    fn expression(&mut self, p: &mut Tokens) -> Res<String> {
        let name = p.next()?;
        if !p.eat("(") {
            let object = self
                .objects
                .get(&name)
                .ok_or(format!("no object `{name}`"))?;
            return show_object(object);
        }
        let function = self
            .functions
            .get(&name)
            .ok_or(format!("no function `{name}`"))?;
        let mut literals = Vec::new();
        while !p.eat(")") {
            p.eat("&"); // an object passed where a pointer is expected is passed by address
            literals.push(p.next()?);
            p.eat(",");
        }
        let params = function.signature().args();
        let mut args = Vec::new();
        for (i, literal) in literals.iter().enumerate() {
            let wants_float = params
                .get(i)
                .and_then(CType::as_scalar)
                .is_some_and(|s| matches!(s, Scalar::Float | Scalar::Double));
            args.push(match literal.strip_prefix('"') {
                Some(text) => Arg::Str(text),
                None if literal.starts_with(|c: char| c.is_alphabetic()) => Arg::Data(
                    self.objects
                        .get(literal)
                        .ok_or(format!("no object `{literal}`"))?,
                ),
                None if wants_float => Arg::Value(Value::Double(literal.parse()?)),
                None => Arg::Value(number(literal)?),
            });
        }
        // SAFETY: the signatures above are the C library's and libm's; the script passes
        // buffers with their real sizes and formats matching their arguments.
        let result = unsafe { function.call(&args) }?;
        match result {
            CValue::Void => Ok("void".to_owned()),
            CValue::Value(v) => Ok(show_value(v)),
            CValue::Data(object) => show_object(&object),
        }
    }
}

/// Tokens back as source text: `f(&x, "s")`.
fn source(tokens: &[String]) -> String {
    let mut text = String::new();
    for (i, token) in tokens.iter().enumerate() {
        let after = i.checked_sub(1).map(|j| tokens[j].as_str());
        if i > 0 && !matches!(token.as_str(), "(" | ")" | ",") && !matches!(after, Some("(" | "&"))
        {
            text.push(' ');
        }
        text.push_str(token);
        if token.starts_with('"') {
            text.push('"');
        }
    }
    text
}

fn number(literal: &str) -> Res<Value> {
    Ok(match literal.parse::<i64>() {
        Ok(n) => Value::Int(n),
        Err(_) => Value::Double(
            literal
                .parse()
                .map_err(|_| format!("not a number: `{literal}`"))?,
        ),
    })
}

fn show_value(v: Value) -> String {
    match v {
        Value::Bool(b) => u8::from(b).to_string(),
        Value::Int(n) => n.to_string(),
        Value::UInt(n) => n.to_string(),
        Value::Float(x) => x.to_string(),
        Value::Double(x) => x.to_string(),
        Value::Pointer(0) => "NULL".to_owned(),
        Value::Pointer(p) => format!("{p:#x}"),
        other => format!("{other:?}"),
    }
}

/// An object as a C initializer: `{ x = 1, y = 2 }`, `"text"` for a `char` array.
fn show_object(object: &CData) -> Res<String> {
    let ty = object.ty();
    if let Some(def) = ty.as_record().and_then(|r| r.definition()) {
        let mut parts = Vec::new();
        for field in def.fields() {
            let name = field.name().ok_or("an anonymous member")?;
            parts.push(format!("{name} = {}", show_object(&object.field(name)?)?));
        }
        return Ok(format!("{{ {} }}", parts.join(", ")));
    }
    match ty.kind() {
        TypeKind::Pointer(target) if target.as_scalar() == Some(Scalar::Char) => {
            match object.value()? {
                Value::Pointer(0) => Ok("NULL".to_owned()),
                Value::Pointer(p) => {
                    // SAFETY: the only `char *` the script reads is `tm_zone`, which `timegm`
                    // sets to a static NUL-terminated string.
                    let bytes = unsafe { string_at(p as *const _, None) };
                    Ok(format!("\"{}\"", String::from_utf8_lossy(&bytes)))
                }
                other => Err(format!("a pointer holds {other:?}").into()),
            }
        }
        TypeKind::Array { element, .. } if element.as_scalar() == Some(Scalar::Char) => Ok(
            format!("\"{}\"", String::from_utf8_lossy(&object.string_value()?)),
        ),
        _ => Ok(show_value(object.value()?)),
    }
}
