//! The constructs `ctypes_core::cdef` reads, each checked against the C compiler compiling the
//! same text, and the lookups, skips and additions around them.

use std::fmt::Write as _;

use ctypes_core::cdef::{Constant, Declarations};
use ctypes_core::{CType, TypeKind};
use ctypes_tests::cc;
use ctypes_tests::engine;

const TEXT: &str = r#"
#define LIMIT (4 * sizeof(long) + 1)
#define BANNER "cdef" " " "test"
#define MASK (~0u >> 4)
typedef unsigned long long u64;
typedef int handler_fn(int, const char *__restrict);
typedef handler_fn *handler;
typedef void (*(*table_getter)(int))(void);
typedef struct { int x, y; } point;
typedef point points[3];
struct list;
typedef struct list list_t;
struct list { list_t *next; union { long l; double d; }; struct { char tag; short n; } info; };
enum __attribute__((packed)) small { S0, S1 = 200 };
enum big { B0 = -1, B1 = 0x7fffffffL + 1 };
enum uns { U0 = 1u << 31 };
enum expr { E0 = sizeof(point) * 2, E1 = (char)300, E2 = -1 ? 3 : 4, E3 = 'A' | E0, E4 = (unsigned char)-1 };
struct bits { unsigned a : 3; int : 0; signed char b : 2; long c : 40; _Bool d : 1; };
struct flex { int n; char data[]; };
struct zero { long n; int none[0]; };
struct arr { char name[LIMIT]; int grid[2][3]; handler h; points p; };
#pragma pack(push, 2)
struct packed2 { char c; double d; };
#pragma pack(4)
struct packed4 { char c; long double d; };
#pragma pack(pop)
struct unpacked { char c; double d; };
struct __attribute__((packed)) attr_packed { char c; int i; };
struct attr_aligned { char c; } __attribute__((aligned(16)));
struct __attribute__((ms_struct)) ms { char a : 4; short b : 4; };
struct big_endian { int v; short w : 5; } __attribute__((scalar_storage_order("big-endian")));
__extension__ typedef long long wide_t;
extern int counter;
extern const char *names[];
int printf(const char *__restrict, ...) __attribute__((__format__(__printf__, 1, 2)));
int old_style();
static inline int twice(int x) { return x * 2; }
void renamed(void) __asm__("" "real_name");
_Static_assert(sizeof(int) == 4, "int");
__extension__ _Static_assert(1, "after __extension__");
struct with_assert { int a; __extension__ _Static_assert(1, "in a record"); int b; };
_Complex double conj_d(_Complex double);
_Complex int gaussian(void);
struct has_complex { char c; long double _Complex z; float _Complex f; };
__int128 widest(void);
struct has_int128 { __int128 v; };
struct member_aligned { char c; char buf[32] __attribute__((aligned(16))); int after; };
struct alignas_member { char c; _Alignas(32) double d[4]; _Alignas(8) double e; short s; };
union union_aligned { char c; __attribute__((aligned(16))) long l[2]; };
enum offsets { O1 = __builtin_offsetof(struct list, info.n), O2 = __builtin_offsetof(struct arr, p[2].y), O3 = __builtin_offsetof(struct list, d) };
struct odd_aligned { char c; int x __attribute__((aligned(8))); };
#pragma scalar_storage_order big-endian
struct pragma_big { unsigned short a : 4; unsigned short b : 12; unsigned c; };
#pragma scalar_storage_order default
struct pragma_default { unsigned short a : 4; unsigned short b : 12; };
"#;

#[test]
fn constructs_have_the_c_compilers_layout_and_values() {
    let decls = Declarations::parse(TEXT).unwrap();
    let records = [
        "point",
        "points",
        "struct list",
        "struct bits",
        "struct flex",
        "struct zero",
        "struct arr",
        "struct packed2",
        "struct packed4",
        "struct unpacked",
        "struct attr_packed",
        "struct attr_aligned",
        "struct ms",
        "struct big_endian",
        "enum small",
        "enum big",
        "enum uns",
        "struct member_aligned",
        "struct alignas_member",
        "union union_aligned",
        "struct has_complex",
        "u64",
        "wide_t",
        "handler",
        "table_getter",
    ];
    let offsets = [
        ("struct list", "l"),
        ("struct has_complex", "z"),
        ("struct has_complex", "f"),
        ("struct list", "d"),
        ("struct list", "info"),
        ("struct list", "info.n"),
        ("struct flex", "data"),
        ("struct zero", "none"),
        ("struct arr", "grid"),
        ("struct arr", "h"),
        ("struct arr", "p"),
        ("struct arr", "p[2].y"),
        ("struct packed2", "d"),
        ("struct packed4", "d"),
        ("struct unpacked", "d"),
        ("struct attr_packed", "i"),
        ("struct with_assert", "b"),
        ("struct member_aligned", "buf"),
        ("struct member_aligned", "after"),
        ("struct alignas_member", "d"),
        ("struct alignas_member", "e"),
        ("struct alignas_member", "s"),
        ("union union_aligned", "l"),
    ];
    let constants = [
        "LIMIT", "MASK", "S1", "B0", "B1", "U0", "E0", "E1", "E2", "E3", "E4", "O1", "O2", "O3",
    ];
    let mut c = String::from("#include <stdio.h>\n#include <stddef.h>\n");
    c.push_str(TEXT.replace("__int128 widest(void);", "").as_str());
    c.push_str("int counter; const char *names[1];\nint main(void) {\n");
    let mut ours = String::new();
    for name in records {
        let ty = decls
            .ty(name)
            .unwrap_or_else(|| panic!("{name} is declared"));
        let _ = writeln!(
            c,
            "printf(\"%zu %zu\\n\", sizeof({name}), _Alignof({name}));"
        );
        let _ = writeln!(ours, "{} {}", ty.size().unwrap(), ty.align().unwrap());
    }
    for (name, path) in offsets {
        let ty = decls.ty(name).unwrap();
        let _ = writeln!(c, "printf(\"%zu\\n\", offsetof({name}, {path}));");
        let _ = writeln!(
            ours,
            "{}",
            engine::resolve(&ty, path).unwrap().offset().unwrap()
        );
    }
    for name in constants {
        let _ = writeln!(c, "printf(\"%lld\\n\", (long long){name});");
        let Some(Constant::Int(v)) = decls.constant(name) else {
            panic!("{name} is an integer constant");
        };
        let _ = writeln!(ours, "{v}");
    }
    let _ = writeln!(c, "puts(BANNER);\nreturn 0;\n}}");
    let Some(Constant::Str(banner)) = decls.constant("BANNER") else {
        panic!("BANNER is a string");
    };
    let _ = writeln!(ours, "{banner}");
    let expected = cc::compile_and_run("cdef_declarations", &c).unwrap();
    assert_eq!(ours, expected);
}

#[test]
fn functions_globals_and_skipped_declarations() {
    let decls = Declarations::parse(TEXT).unwrap();
    let printf = decls.function("printf").unwrap();
    assert!(printf.signature().is_variadic());
    assert_eq!(printf.signature().fixed_count(), 1);
    // A pointer's `const` target is kept for printing; `restrict` is not.
    assert_eq!(printf.to_string(), "int printf(const char *, ...)");
    // `f()` has no prototype: its arguments are passed as to a variadic function.
    assert!(decls
        .function("old_style")
        .unwrap()
        .signature()
        .is_variadic());
    assert_eq!(decls.function("renamed").unwrap().link_name(), "real_name");
    assert_eq!(decls.function("printf").unwrap().link_name(), "printf");
    // A static inline function is not a symbol of any library.
    assert!(decls.function("twice").is_none());
    assert_eq!(decls.global("counter").unwrap().to_string(), "int");
    assert!(decls.global("names").unwrap().as_array().is_some());

    let handler = decls.ty("handler").unwrap();
    let TypeKind::Function(sig) = handler.pointee().unwrap().kind() else {
        panic!("handler is a function pointer");
    };
    assert_eq!(sig.args().len(), 2);
    let getter = decls.ty("table_getter").unwrap();
    let TypeKind::Function(outer) = getter.pointee().unwrap().kind() else {
        panic!("table_getter is a function pointer");
    };
    assert!(outer.result().pointee().unwrap().as_function().is_some());

    let skipped: Vec<&str> = decls.skipped().iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        skipped,
        [
            "gaussian",
            "widest",
            "struct has_int128",
            "struct odd_aligned"
        ]
    );
    assert!(decls.skipped()[0].reason.contains("complex integer"));
    let conj = decls.function("conj_d").unwrap();
    assert_eq!(conj.to_string(), "double _Complex conj_d(double _Complex)");
    // The record stays declared, so pointers to it still work.
    assert!(!decls.ty("struct has_int128").unwrap().is_complete());
}

#[test]
fn const_targets_are_printed_and_not_compared() {
    let decls = Declarations::parse(
        "struct entry { const char *key; char *const *argv; const int (*grid)[3]; \
         const char *const names[2]; int *plain; };\n\
         char *strchr(const char *s, int c);\n\
         int puts(const char s[]);\n\
         typedef const char *cstr;\n\
         cstr first(cstr list[], int (*cmp)(const void *, const void *));\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let entry = decls.ty("struct entry").unwrap().definition();
    for member in [
        "const char *key;",
        "char *const *argv;",
        "const int (*grid)[3];",
        "const char *names[2];",
        "int *plain;",
    ] {
        assert!(entry.contains(member), "{member:?} missing from\n{entry}");
    }
    assert_eq!(
        decls.function("strchr").unwrap().to_string(),
        "char *strchr(const char *, int)"
    );
    assert_eq!(
        decls.function("puts").unwrap().to_string(),
        "int puts(const char *)"
    );
    assert_eq!(
        decls.function("first").unwrap().to_string(),
        "const char *first(const char **, int (*)(const void *, const void *))"
    );
    // The qualifier changes nothing else: the types equal their unqualified forms, so
    // arguments, fields and results match as before.
    let entry = decls.ty("struct entry").unwrap();
    let key = ctypes_core::CData::new(&entry)
        .unwrap()
        .field("key")
        .unwrap();
    assert_eq!(key.ty(), &CType::char_ptr());
    assert!(key.ty().is_pointer_to_const());
    assert_eq!(
        decls.ty("const char *").unwrap(),
        decls.ty("char *").unwrap()
    );
}

#[test]
fn parse_more_sees_what_was_declared_before() {
    let mut decls = Declarations::parse("typedef struct node node;\n#define N 3\n")
        .unwrap_or_else(|e| panic!("{e}"));
    decls
        .parse_more("struct node { node *next[N]; };\nnode *head(void);")
        .unwrap();
    let node = decls.ty("node").unwrap();
    assert!(node.same_object(&decls.ty("struct node").unwrap()));
    assert_eq!(node.size().unwrap(), 3 * std::mem::size_of::<usize>());
    let result = decls.function("head").unwrap().signature().result().clone();
    assert!(result.pointee().unwrap().same_object(&node));
    assert!(decls
        .ty("node *")
        .unwrap()
        .pointee()
        .unwrap()
        .same_object(&node));
    assert_eq!(
        decls.ty("int (*)(void)").unwrap().to_string(),
        CType::function_pointer(ctypes_core::Signature::new(
            vec![],
            decls.ty("int").unwrap()
        ))
        .to_string()
    );
    assert!(decls.ty("no_such_type").is_none());
}

#[test]
fn the_set_prints_as_c() {
    let decls = Declarations::parse(TEXT).unwrap();
    let printed = decls.to_string();
    for line in [
        "#define BANNER \"cdef test\"",
        "typedef int (*handler)(int, const char *);",
        "extern int counter;",
        "void renamed(void) __asm__(\"real_name\");",
        "int printf(const char *, ...);",
    ] {
        assert!(printed.contains(line), "{line:?} missing from\n{printed}");
    }
}

#[test]
fn scalar_storage_order_pragma_stores_as_the_c_compiler_does() {
    let decls = Declarations::parse(TEXT).unwrap();
    let mut ours = String::new();
    for name in ["struct pragma_big", "struct pragma_default"] {
        let object = ctypes_core::CData::new(&decls.ty(name).unwrap()).unwrap();
        object.set("a", 1).unwrap();
        object.set("b", 0x234).unwrap();
        if name == "struct pragma_big" {
            object.set("c", 0x0102_0304).unwrap();
        }
        for b in object.to_bytes() {
            let _ = write!(ours, "{b:02x}");
        }
        ours.push('\n');
    }
    let c = format!(
        "#include <stdio.h>\n{}\nstatic void dump(const void *p, size_t n) {{
             for (size_t i = 0; i < n; i++) printf(\"%02x\", ((const unsigned char *)p)[i]);
             putchar('\\n');
         }}
         int main(void) {{
             struct pragma_big x = {{ .a = 1, .b = 0x234, .c = 0x01020304 }};
             struct pragma_default y = {{ .a = 1, .b = 0x234 }};
             dump(&x, sizeof x); dump(&y, sizeof y); return 0;
         }}",
        TEXT.replace("__int128 widest(void);", "")
    );
    assert_eq!(ours, cc::compile_and_run("cdef_sso", &c).unwrap());
}
