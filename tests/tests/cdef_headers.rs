//! Real system headers, preprocessed with `cc -E -P`, read with `ctypes_core::cdef`: every set
//! parses; every struct and union they define has the `sizeof`, `_Alignof` and member offsets
//! a C program compiled against the same headers prints; every enumerator has C's value.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;

use ctypes_core::cdef::{Constant, Declarations};
use ctypes_core::CType;
use ctypes_tests::cc;
use ctypes_tests::headers::{includes, preprocess, HEADER_SETS};

fn parse(headers: &[&str]) -> Declarations {
    let text = preprocess(headers);
    Declarations::parse(&text).unwrap_or_else(|e| {
        let line = text.lines().nth(e.position.line as usize - 1).unwrap_or("");
        panic!("{headers:?}: {e}\n  {line}")
    })
}

/// Every defined struct and union: the C name to write it by, and its type. Records without a
/// tag are written by a typedef name.
fn records(decls: &Declarations) -> BTreeMap<String, CType> {
    let mut out = BTreeMap::new();
    for (name, ty) in decls.tags() {
        if ty.as_record().is_some_and(|r| r.is_defined()) {
            out.insert(name, ty.clone());
        }
    }
    for (name, ty) in decls.typedefs() {
        if let Some(record) = ty.as_record() {
            if record.is_defined() && record.tag().is_none() {
                out.insert(name.to_owned(), ty.clone());
            }
        }
    }
    out
}

/// `(C expression, parsed value)` for the offset of every member reachable by name, through
/// anonymous members as C reaches them; bit-fields have no offset.
fn members(c_name: &str, ty: &CType, base: usize, prefix: &str, out: &mut Vec<(String, usize)>) {
    let Some(def) = ty.as_record().and_then(|r| r.definition()) else {
        return;
    };
    for field in def.fields() {
        if field.is_bit_field() {
            continue;
        }
        match field.name() {
            Some(name) => out.push((
                format!("offsetof({c_name}, {prefix}{name})"),
                base + field.offset(),
            )),
            None if field.is_anonymous() => {
                members(c_name, field.ty(), base + field.offset(), prefix, out)
            }
            None => {}
        }
    }
}

#[test]
fn system_headers_parse_and_their_records_and_enums_match_the_c_compiler() {
    let mut totals = (0, 0, 0, 0, 0);
    for headers in HEADER_SETS {
        let decls = parse(headers);
        let mut program = includes(headers);
        program.push_str("#include <stddef.h>\n#include <stdio.h>\nint main(void) {\n");
        let mut expected = Vec::new();
        for (name, ty) in records(&decls) {
            let _ = writeln!(program, "  printf(\"%zu\\n\", sizeof({name}));");
            let _ = writeln!(program, "  printf(\"%zu\\n\", _Alignof({name}));");
            expected.push((format!("sizeof({name})"), ty.size().unwrap()));
            expected.push((format!("_Alignof({name})"), ty.align().unwrap()));
            let mut offsets = Vec::new();
            members(&name, &ty, 0, "", &mut offsets);
            for (expr, offset) in offsets {
                let _ = writeln!(program, "  printf(\"%zu\\n\", {expr});");
                expected.push((expr, offset));
            }
            totals.1 += 1;
        }
        let mut enums: Vec<(&str, i128)> = decls
            .constants()
            .filter_map(|(name, c)| match c {
                Constant::Int(v) => Some((name, *v)),
                _ => None,
            })
            .collect();
        enums.sort();
        for (name, _) in &enums {
            let _ = writeln!(program, "  printf(\"%lld\\n\", (long long){name});");
        }
        program.push_str("  return 0;\n}\n");
        let output = cc::compile_and_run("cdef_headers", &program)
            .unwrap_or_else(|e| panic!("{headers:?}: {e}"));
        let mut lines = output.lines();
        let mut mismatches = Vec::new();
        for (expr, parsed) in &expected {
            let c: usize = lines.next().and_then(|l| l.parse().ok()).expect("a number");
            if c != *parsed {
                mismatches.push(format!("{expr}: C {c}, parsed {parsed}"));
            }
        }
        for (name, parsed) in &enums {
            let c: i64 = lines.next().and_then(|l| l.parse().ok()).expect("a number");
            // Compared as C's `long long` holds them.
            if i128::from(c) != *parsed && i128::from(c as u64) != *parsed {
                mismatches.push(format!("{name}: C {c}, parsed {parsed}"));
            }
        }
        let functions = decls.functions().count();
        let _ = writeln!(
            std::io::stderr(),
            "{headers:?}: {} records, {} members and sizes, {} enumerators, {functions} \
             functions, {} skipped",
            records(&decls).len(),
            expected.len(),
            enums.len(),
            decls.skipped().len()
        );
        for skipped in decls.skipped() {
            let _ = writeln!(std::io::stderr(), "    {skipped}");
        }
        totals.0 += 1;
        totals.2 += expected.len();
        totals.3 += enums.len();
        totals.4 += functions;
        assert!(
            mismatches.is_empty(),
            "{headers:?}:\n{}",
            mismatches.join("\n")
        );
    }
    let (sets, records, values, enums, functions) = totals;
    let _ = writeln!(
        std::io::stderr(),
        "cdef_headers: {sets} header sets, {records} records, {values} sizes, alignments and \
         offsets, {enums} enumerators, {functions} functions"
    );
    assert!(records > 100 && enums > 50 && functions > 500);
}

/// Headers beyond the ones compared with the compiler: each parses without an error.
#[test]
fn more_system_headers_parse() {
    let headers = [
        "stdlib.h",
        "string.h",
        "math.h",
        "signal.h",
        "unistd.h",
        "fcntl.h",
        "sys/mman.h",
        "sys/time.h",
        "sys/resource.h",
        "sys/wait.h",
        "wchar.h",
        "locale.h",
        "setjmp.h",
        "stdarg.h",
        "inttypes.h",
        "complex.h",
        "sys/uio.h",
        "poll.h",
        "netdb.h",
        "arpa/inet.h",
        "sys/un.h",
        "termios.h",
        "sched.h",
        "semaphore.h",
        "dlfcn.h",
        "glob.h",
        "regex.h",
        "pwd.h",
        "grp.h",
        "ctype.h",
        "sys/select.h",
        "ifaddrs.h",
        "net/if.h",
        "sys/statvfs.h",
        "fenv.h",
        "iconv.h",
        "langinfo.h",
        "search.h",
        "spawn.h",
        "syslog.h",
        "threads.h",
        "uchar.h",
        "wctype.h",
        "stdatomic.h",
    ];
    for header in headers {
        let decls = parse(&[header]);
        // The header declares what it is for: at least one function or type.
        assert!(
            decls.functions().next().is_some() || decls.typedefs().count() > 16,
            "{header} declared nothing"
        );
    }
}
