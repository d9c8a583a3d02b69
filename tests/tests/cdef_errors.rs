//! Malformed declarations: each is an error that names the line, column and token at fault,
//! and none panics.

use ctypes_core::cdef::{Constant, Declarations};

/// `(text, line, column, token)` of the error each text must give.
const CASES: &[(&str, u32, u32, &str)] = &[
    ("int x", 1, 6, ""),
    ("int;;\nint 3x;", 2, 5, "3x"),
    ("struct { int a; } ;\nstruct s { int a };", 2, 18, "}"),
    ("struct s { int a; };\nstruct s { int b; };", 2, 8, "s"),
    ("struct s;\nunion s *p;", 2, 7, "s"),
    ("enum e { A, B = };", 1, 17, "}"),
    ("enum e { A = 1 / 0 };", 1, 16, "/"),
    ("enum e { A = 1 << 40 };", 1, 16, "<<"),
    ("enum e { A = B };", 1, 14, "B"),
    ("enum { 3 };", 1, 8, "3"),
    ("int a[-1];", 1, 6, "["),
    ("int a[1 +];", 1, 10, "]"),
    ("void a[2];", 1, 7, "["),
    ("struct s *f(void)[3];", 1, 12, "("),
    ("int f(void)(int);", 1, 6, "("),
    ("struct s { int x : 33; };", 1, 1, "struct"),
    ("struct s { int : -1; };", 1, 18, "-"),
    ("struct s { int x : 0; };", 1, 1, "struct"),
    ("struct s { float f : 3; };", 1, 1, "struct"),
    ("struct t;\nstruct s { struct t inner; };", 2, 1, "struct"),
    ("unknown_t x;", 1, 1, "unknown_t"),
    ("long long long x;", 1, 11, "long"),
    ("short long x;", 1, 7, "long"),
    ("unsigned double d;", 1, 10, "double"),
    ("signed unsigned x;", 1, 8, "unsigned"),
    ("int char x;", 1, 5, "char"),
    ("struct s { int a; } int x;", 1, 21, "int"),
    ("int f(void x);", 1, 7, "void"),
    ("int f(int, ...,);", 1, 15, ","),
    ("int f(, int);", 1, 7, ","),
    ("int (*f(int);", 1, 13, ";"),
    ("int x = ;\nint y[", 2, 7, ""),
    ("#include <stdio.h>", 1, 2, "include"),
    ("#if 1\n#endif", 1, 2, "if"),
    ("#define 3 4", 1, 9, "3"),
    ("#pragma pack(3)", 1, 14, "3"),
    ("#pragma pack(push, 1\n", 1, 21, ""),
    ("typedef int t;\nt t2 = \"unterminated;", 2, 8, "\""),
    ("char c = 'ab';", 1, 10, "'"),
    ("int x = 0x;", 1, 9, "0x"),
    ("int x = 1uu;", 1, 9, "1uu"),
    ("int a[99999999999999999999];", 1, 7, "99999999999999999999"),
    ("/* never closed", 1, 1, "/"),
    ("int ` x;", 1, 5, "`"),
    ("struct s { int a; ", 1, 19, ""),
    ("int f() { return 0;", 1, 9, "{"),
    (
        "struct s __attribute__((aligned(3))) { int a; };",
        1,
        25,
        "aligned",
    ),
    (
        "struct s { int a; } __attribute__((scalar_storage_order(\"middle\")));",
        1,
        57,
        "\"middle\"",
    ),
    ("enum e { A = sizeof(struct nowhere) };", 1, 35, ")"),
    ("int a[(int)1.5];", 1, 12, "1.5"),
    ("typedef int f(int);\nf g[2];", 2, 4, "["),
    (
        "struct s { int a; };\nenum { X = __builtin_offsetof(struct s, b) };",
        2,
        41,
        "b",
    ),
    (
        "struct s { int a : 3; };\nenum { X = __builtin_offsetof(struct s, a) };",
        2,
        41,
        "a",
    ),
];

#[test]
fn every_malformed_declaration_is_an_error_at_its_token() {
    assert!(CASES.len() >= 40);
    let mut wrong = Vec::new();
    for &(text, line, column, token) in CASES {
        match Declarations::parse(text) {
            Ok(_) => wrong.push(format!("{text:?}: parsed without an error")),
            Err(e) => {
                let got = (e.position.line, e.position.column, e.token.as_str());
                if got != (line, column, token) {
                    wrong.push(format!(
                        "{text:?}: expected {line}:{column} at {token:?}, got {e} {got:?}"
                    ));
                }
                if e.message.is_empty()
                    || !e
                        .to_string()
                        .starts_with(&format!("{}:{}", e.position.line, e.position.column))
                {
                    wrong.push(format!("{text:?}: message {e}"));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "\n{}", wrong.join("\n"));
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let pointers = format!("int {}x;", "(*".repeat(100_000));
    let parens = format!("enum e {{ A = {}1 }};", "(".repeat(100_000));
    let unary = format!("enum e {{ A = {}1 }};", "- ".repeat(100_000));
    let records = "struct { ".repeat(100_000);
    let atomic = format!("{}int", "_Atomic(".repeat(100_000));
    let typeof_ = format!("{}int", "__typeof__(".repeat(100_000));
    for text in [pointers, parens, unary, records, atomic, typeof_] {
        let e = Declarations::parse(&text).unwrap_err();
        assert!(e.message.contains("nests too deeply"), "{e}");
    }
}

#[test]
fn constant_arithmetic_wraps_as_c_does_without_overflowing() {
    let decls = Declarations::parse(
        "enum e { A = (0xffffffffffffffffUL << 63) != 0, B = (0xffffffffffffffffUL * 0xffffffffffffffffUL) == 1, C = (unsigned char)(~0ULL << 4) };",
    )
    .unwrap();
    // C: 1 << 63 is non-zero; (2^64 - 1)^2 is 1 modulo 2^64; 0xf0 as an unsigned char.
    for (name, value) in [("A", 1), ("B", 1), ("C", 0xf0)] {
        assert_eq!(decls.constant(name), Some(&Constant::Int(value)), "{name}");
    }
}

#[test]
fn truncated_and_garbled_prefixes_of_a_header_never_panic() {
    let text = r#"
        #pragma pack(push, 2)
        typedef struct node { struct node *next; int v : 3; unsigned : 0; char tail[]; } node;
        #pragma pack(pop)
        enum flags { F_A = 1 << 2, F_B = F_A | 1, F_C = sizeof(node) };
        extern int (*handlers[F_C])(const char *__restrict, ...) __asm__("real_handlers");
        static inline int twice(int x) { return x * 2; }
        #define NAME "value" "s"
    "#;
    for end in 0..=text.len() {
        if let Some(prefix) = text.get(..end) {
            let _ = Declarations::parse(prefix);
            let garbled: String = prefix.chars().rev().collect();
            let _ = Declarations::parse(&garbled);
        }
    }
    assert!(Declarations::parse(text).is_ok());
}
