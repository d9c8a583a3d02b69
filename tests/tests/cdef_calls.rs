//! Functions bound by name from preprocessed system headers, called through the signatures the
//! headers declare, against what a C program compiled with the same headers computes.

use ctypes_core::cdef::Declarations;
use ctypes_core::{Arg, CData, Library, Value};
use ctypes_tests::cc;
use ctypes_tests::headers::preprocess;

fn decls(headers: &[&str]) -> Declarations {
    Declarations::parse(&preprocess(headers)).expect("the headers parse")
}

/// What a C program linked with `libs` prints.
fn c_prints(headers: &str, body: &str, libs: &[&str]) -> String {
    let source =
        format!("{headers}\n#include <stdio.h>\nint main(void) {{\n{body}\nreturn 0;\n}}\n");
    let libs: Vec<std::path::PathBuf> = libs.iter().map(Into::into).collect();
    cc::compile_and_run_with("cdef_calls", &source, &libs).expect("the C program runs")
}

#[test]
fn crc32_and_zlib_version_through_zlib_h() {
    let decls = decls(&["zlib.h"]);
    // SAFETY: zlib's initialisers are sound to run.
    let zlib = unsafe { Library::open("libz.so.1") }.unwrap();
    let crc32 = zlib.function_from(&decls, "crc32").unwrap();
    let text = b"The quick brown fox jumps over the lazy dog";
    // SAFETY: `uLong crc32(uLong crc, const Bytef *buf, uInt len)` over a live buffer.
    let crc = unsafe { crc32.call(&[0u64.into(), text[..].into(), (text.len() as u32).into()]) };
    let version = zlib.function_from(&decls, "zlibVersion").unwrap();
    // SAFETY: `const char *zlibVersion(void)`.
    let version = unsafe { version.call(&[]) }.unwrap();
    // SAFETY: zlibVersion returns a static NUL-terminated string.
    let version =
        unsafe { ctypes_core::string_at(version.as_pointer().unwrap() as *const _, None) };
    let c = c_prints(
        "#include <zlib.h>",
        r#"const char *t = "The quick brown fox jumps over the lazy dog";
           printf("%lu\n%s\n", crc32(0, (const Bytef *)t, 43), zlibVersion());"#,
        &["-lz"],
    );
    let expected = format!(
        "{}\n{}\n",
        crc.unwrap().as_u64().unwrap(),
        String::from_utf8_lossy(&version)
    );
    assert_eq!(c, expected);
}

#[test]
fn sqlite3_libversion_through_sqlite3_h() {
    let decls = decls(&["sqlite3.h"]);
    // SAFETY: sqlite's initialisers are sound to run.
    let sqlite = unsafe { Library::open("libsqlite3.so.0") }.unwrap();
    let number = sqlite
        .function_from(&decls, "sqlite3_libversion_number")
        .unwrap();
    // SAFETY: `int sqlite3_libversion_number(void)`.
    let number = unsafe { number.call(&[]) }.unwrap().as_i64().unwrap();
    let version = sqlite.function_from(&decls, "sqlite3_libversion").unwrap();
    // SAFETY: `const char *sqlite3_libversion(void)`.
    let version = unsafe { version.call(&[]) }.unwrap().as_pointer().unwrap();
    // SAFETY: a static NUL-terminated string.
    let version = unsafe { ctypes_core::string_at(version as *const _, None) };
    let c = c_prints(
        "#include <sqlite3.h>",
        r#"printf("%d %s\n", sqlite3_libversion_number(), sqlite3_libversion());"#,
        &["-lsqlite3"],
    );
    assert_eq!(
        c,
        format!("{number} {}\n", String::from_utf8_lossy(&version))
    );
}

#[test]
fn gmtime_r_and_stat_through_glibc_headers() {
    let decls = decls(&["time.h", "sys/stat.h"]);
    let libc = Library::this();
    let tm = CData::new(&decls.ty("struct tm").unwrap()).unwrap();
    let when = CData::new(&decls.ty("time_t").unwrap()).unwrap();
    when.set_value(1_709_210_096i64).unwrap();
    let gmtime_r = libc.function_from(&decls, "gmtime_r").unwrap();
    // SAFETY: `struct tm *gmtime_r(const time_t *, struct tm *)` on live objects.
    unsafe { gmtime_r.call(&[(&when).into(), (&tm).into()]) }.unwrap();
    let fields = [
        "tm_year", "tm_mon", "tm_mday", "tm_hour", "tm_min", "tm_sec", "tm_wday", "tm_yday",
    ];
    let ours: Vec<String> = fields
        .iter()
        .map(|f| match tm.get(f).unwrap() {
            Value::Int(v) => v.to_string(),
            other => format!("{other:?}"),
        })
        .collect();

    let st = CData::new(&decls.ty("struct stat").unwrap()).unwrap();
    let stat = libc.function_from(&decls, "stat").unwrap();
    // SAFETY: `int stat(const char *, struct stat *)` on a live buffer of the declared type.
    let rc = unsafe { stat.call(&["/".into(), (&st).into()]) }.unwrap();
    assert_eq!(rc.as_i64(), Some(0));
    let st_fields = ["st_ino", "st_mode", "st_nlink", "st_uid", "st_dev"];
    let st_ours: Vec<String> = st_fields
        .iter()
        .map(|f| st.get(f).unwrap().as_u64().unwrap().to_string())
        .collect();

    let c = c_prints(
        "#include <time.h>\n#include <sys/stat.h>",
        r#"time_t when = 1709210096; struct tm tm; gmtime_r(&when, &tm);
           printf("%d %d %d %d %d %d %d %d\n", tm.tm_year, tm.tm_mon, tm.tm_mday, tm.tm_hour,
                  tm.tm_min, tm.tm_sec, tm.tm_wday, tm.tm_yday);
           struct stat st; stat("/", &st);
           printf("%llu %llu %llu %llu %llu\n", (unsigned long long)st.st_ino,
                  (unsigned long long)st.st_mode, (unsigned long long)st.st_nlink,
                  (unsigned long long)st.st_uid, (unsigned long long)st.st_dev);"#,
        &[],
    );
    assert_eq!(c, format!("{}\n{}\n", ours.join(" "), st_ours.join(" ")));
}

#[test]
fn sscanf_is_bound_under_its_asm_label() {
    let decls = decls(&["stdio.h"]);
    let sscanf = decls.function("sscanf").unwrap();
    // glibc renames the ISO C scanf family with `__asm__` labels.
    assert!(
        sscanf.link_name().starts_with("__isoc"),
        "{}",
        sscanf.link_name()
    );
    assert!(sscanf.signature().is_variadic());
    let bound = Library::this().function_from(&decls, "sscanf").unwrap();
    assert_eq!(bound.name(), sscanf.link_name());
    let int = decls.ty("int").unwrap();
    let (a, b) = (CData::new(&int).unwrap(), CData::new(&int).unwrap());

    let (pa, pb) = (
        CData::pointer_to(&a).unwrap(),
        CData::pointer_to(&b).unwrap(),
    );
    // SAFETY: `int sscanf(const char *, const char *, ...)` with two live `int *` for `%d %d`.
    let n = unsafe { bound.call(&["42 -17".into(), "%d %d".into(), (&pa).into(), (&pb).into()]) };
    let ours = format!(
        "{} {} {}\n",
        n.unwrap().as_i64().unwrap(),
        a.value().unwrap().as_i64().unwrap(),
        b.value().unwrap().as_i64().unwrap()
    );
    let c = c_prints(
        "#include <stdio.h>",
        r#"int a, b; int n = sscanf("42 -17", "%d %d", &a, &b); printf("%d %d %d\n", n, a, b);"#,
        &[],
    );
    assert_eq!(ours, c);
}

#[test]
fn sql_statements_through_functions_bound_from_sqlite3_h_alone() {
    let decls = decls(&["sqlite3.h"]);
    // SAFETY: sqlite's initialisers are sound to run.
    let lib = unsafe { Library::open("libsqlite3.so.0") }.unwrap();
    let f = |name: &str| lib.function_from(&decls, name).unwrap();
    let db = CData::new(&decls.ty("sqlite3 *").unwrap()).unwrap();
    let stmt = CData::new(&decls.ty("sqlite3_stmt *").unwrap()).unwrap();
    let sql = "create table t(x integer, name text);
               insert into t values (3, 'three'), (4, 'four'), (35, 'thirty-five');";
    let query = "select sum(x), group_concat(name, '+'), typeof(sum(x)) from t";
    // SAFETY: the prototypes are sqlite3.h's; `db` and `stmt` are the out-pointers' targets,
    // used only while the connection is open, and the text results are read before the next
    // call on the statement.
    let ours = unsafe {
        assert_eq!(
            f("sqlite3_open")
                .call(&[":memory:".into(), (&db).into()])
                .unwrap()
                .as_i64(),
            Some(0)
        );
        let rc =
            f("sqlite3_exec").call(&[(&db).into(), sql.into(), Arg::NULL, Arg::NULL, Arg::NULL]);
        assert_eq!(rc.unwrap().as_i64(), Some(0));
        let prepare = f("sqlite3_prepare_v2");
        let rc = prepare.call(&[
            (&db).into(),
            query.into(),
            (-1).into(),
            (&stmt).into(),
            Arg::NULL,
        ]);
        assert_eq!(rc.unwrap().as_i64(), Some(0));
        let step = f("sqlite3_step")
            .call(&[(&stmt).into()])
            .unwrap()
            .as_i64()
            .unwrap();
        let sum = f("sqlite3_column_int64")
            .call(&[(&stmt).into(), 0.into()])
            .unwrap();
        let text = |column: i32| {
            let p = f("sqlite3_column_text")
                .call(&[(&stmt).into(), column.into()])
                .unwrap();
            String::from_utf8_lossy(&ctypes_core::string_at(
                p.as_pointer().unwrap() as *const _,
                None,
            ))
            .into_owned()
        };
        let line = format!("{step} {} {} {}\n", sum.as_i64().unwrap(), text(1), text(2));
        f("sqlite3_finalize").call(&[(&stmt).into()]).unwrap();
        assert_eq!(
            f("sqlite3_close").call(&[(&db).into()]).unwrap().as_i64(),
            Some(0)
        );
        line
    };
    let c = c_prints(
        "#include <sqlite3.h>",
        &format!(
            r#"sqlite3 *db; sqlite3_stmt *st;
               sqlite3_open(":memory:", &db);
               sqlite3_exec(db, "{}", 0, 0, 0);
               sqlite3_prepare_v2(db, "{query}", -1, &st, 0);
               int step = sqlite3_step(st);
               printf("%d %lld %s %s\n", step, (long long)sqlite3_column_int64(st, 0),
                      sqlite3_column_text(st, 1), sqlite3_column_text(st, 2));
               sqlite3_finalize(st); sqlite3_close(db);"#,
            sql.replace('\n', " ")
        ),
        &["-lsqlite3"],
    );
    assert_eq!(ours, c);
}

#[test]
fn missing_and_undeclared_functions_are_reported_together() {
    let decls = Declarations::parse("int abs(int);\nint no_such_function_4711(void);").unwrap();
    let libc = Library::this();
    let bound = libc.functions_from(&decls, &["abs"]).unwrap();
    // SAFETY: `int abs(int)`.
    let seven = unsafe { bound[0].call(&[(-7).into()]) }.unwrap();
    assert_eq!(seven.as_i64(), Some(7));
    let message = libc
        .functions_from(&decls, &["abs", "no_such_function_4711", "undeclared"])
        .unwrap_err()
        .to_string();
    assert!(
        message.contains("no_such_function_4711, undeclared (not declared)"),
        "{message}"
    );
    let message = libc
        .function_from(&decls, "undeclared")
        .unwrap_err()
        .to_string();
    assert!(
        message.contains("no function of this name is declared"),
        "{message}"
    );
}

#[test]
fn cexp_cpow_and_cabsl_through_complex_h() {
    use ctypes_core::{Complex, LongDouble};
    let decls = decls(&["complex.h"]);
    // `double complex` in the header is `double _Complex` once preprocessed.
    let cexp = decls.function("cexp").expect("cexp is declared");
    assert_eq!(cexp.to_string(), "double _Complex cexp(double _Complex)");
    // SAFETY: libm's initialisers are the C library's.
    let libm = unsafe { Library::open("m") }.unwrap();
    let z = Value::DoubleComplex(Complex::new(0.5, 1.25));
    let w = Value::FloatComplex(Complex::new(1.5, -0.75));
    let cexp = libm.function_from(&decls, "cexp").unwrap();
    let cpowf = libm.function_from(&decls, "cpowf").unwrap();
    let cabsl = libm.function_from(&decls, "cabsl").unwrap();
    let l = Value::LongDoubleComplex(Complex::new(
        LongDouble::from_f64(0.1),
        LongDouble::from_f64(7.0),
    ));
    // SAFETY: the signatures are the header's declarations of libm's functions.
    let (e, p, a) = unsafe {
        (
            cexp.call(&[z.into()]).unwrap().as_complex().unwrap(),
            cpowf
                .call(&[w.into(), w.into()])
                .unwrap()
                .as_complex()
                .unwrap(),
            cabsl.call(&[l.into()]).unwrap().as_long_double().unwrap(),
        )
    };
    let c = c_prints(
        "#include <complex.h>",
        // `volatile`: GCC would fold calls with constant arguments, correctly rounded.
        r#"volatile double x[2] = {0.5, 1.25}; volatile float y[2] = {1.5f, -0.75f};
           volatile long double v[2] = {0.1, 7.0L};
           double complex e = cexp(CMPLX(x[0], x[1]));
           float complex p = cpowf(CMPLXF(y[0], y[1]), CMPLXF(y[0], y[1]));
           long double a = cabsl(CMPLXL(v[0], v[1]));
           printf("%a %a\n%a %a\n%a\n", creal(e), cimag(e), (double)crealf(p), (double)cimagf(p),
                  (double)a);"#,
        &["-lm"],
    );
    let expected = format!(
        "{} {}\n{} {}\n{}\n",
        hex(e.re),
        hex(e.im),
        hex(p.re),
        hex(p.im),
        hex(a.to_f64())
    );
    assert_eq!(c, expected);
}

/// `x` as C's `%a` prints a normal `double`.
fn hex(x: f64) -> String {
    if x == 0.0 {
        return if x.is_sign_negative() {
            "-0x0p+0"
        } else {
            "0x0p+0"
        }
        .to_owned();
    }
    let bits = x.to_bits();
    let sign = if bits >> 63 == 1 { "-" } else { "" };
    let exp = ((bits >> 52) & 0x7ff) as i64 - 1023;
    let mut fraction = format!("{:013x}", bits & ((1 << 52) - 1));
    while fraction.ends_with('0') {
        fraction.pop();
    }
    let dot = if fraction.is_empty() { "" } else { "." };
    format!("{sign}0x1{dot}{fraction}p{exp:+}")
}
