//! Opening libraries, their globals, and what keeps them loaded.

use std::path::PathBuf;

use ctypes_core::{find_library, CType, Library, OpenFlags, Scalar, Value};
use ctypes_tests::fixture::{library, record, sig, t};

fn call_int(lib: &Library, name: &str) -> i64 {
    let f = lib.function(name, sig(&[], t(Scalar::Int))).unwrap();
    // SAFETY: `int name(void)` in the fixture.
    unsafe { f.call(&[]) }.unwrap().as_i64().unwrap()
}

#[test]
fn scalar_global_read_and_written_on_both_sides() {
    let lib = library();
    let int = t(Scalar::Int);
    // SAFETY: `int g_counter`, touched by no other test.
    let counter = unsafe { lib.global("g_counter", &int) }.unwrap();
    assert_eq!(counter.value().unwrap(), Value::Int(42));
    counter.set_value(1000).unwrap();
    assert_eq!(call_int(&lib, "get_counter"), 1000);
    let bump = lib
        .function("bump_counter", sig(&[], CType::void()))
        .unwrap();
    // SAFETY: `void bump_counter(void)`.
    unsafe { bump.call(&[]) }.unwrap();
    assert_eq!(counter.value().unwrap(), Value::Int(1001));
    assert!(counter.set_value(1i64 << 40).is_err());

    let double = t(Scalar::Double);
    // SAFETY: `double g_ratio`.
    let ratio = unsafe { lib.global("g_ratio", &double) }.unwrap();
    assert_eq!(ratio.value().unwrap(), Value::Double(0.25));
    ratio.set_value(-8.5).unwrap();
    let get = lib.function("get_ratio", sig(&[], double)).unwrap();
    // SAFETY: `double get_ratio(void)`.
    assert_eq!(unsafe { get.call(&[]) }.unwrap().as_f64(), Some(-8.5));
}

#[test]
fn struct_array_and_pointer_globals() {
    let lib = library();
    let d2 = record("D2");
    // SAFETY: `D2 g_point`.
    let point = unsafe { lib.global("g_point", &d2) }.unwrap();
    assert_eq!(point.get("x").unwrap(), Value::Double(1.5));
    assert_eq!(point.get("y").unwrap(), Value::Double(-2.5));
    point.set("y", 7.25).unwrap();
    let get = lib.function("get_point", sig(&[], d2.clone())).unwrap();
    // SAFETY: `D2 get_point(void)`.
    let copy = unsafe { get.call(&[]) }.unwrap().into_data().unwrap();
    assert_eq!(copy.get("y").unwrap(), Value::Double(7.25));

    let ints = t(Scalar::Int).array(8).unwrap();
    // SAFETY: `int g_array[8]`.
    let array = unsafe { lib.global("g_array", &ints) }.unwrap();
    let values: Vec<Value> = (0..8)
        .map(|i| array.element(i).unwrap().value().unwrap())
        .collect();
    assert_eq!(values, (1..=8).map(Value::Int).collect::<Vec<_>>());
    array.element(7).unwrap().set_value(-100).unwrap();
    let sum = lib
        .function("array_sum", sig(&[], t(Scalar::LongLong)))
        .unwrap();
    // SAFETY: `long long array_sum(void)`.
    let total = unsafe { sum.call(&[]) }.unwrap().as_i64();
    assert_eq!(total, Some((1..=7).map(|i| i * i).sum::<i64>() + 8 * -100));
    assert!(array.element(8).is_err());

    // SAFETY: `const char *g_name`.
    let name = unsafe { lib.global("g_name", &CType::char_ptr()) }.unwrap();
    let Value::Pointer(p) = name.value().unwrap() else {
        panic!("a pointer")
    };
    // SAFETY: a static string in the fixture.
    let text = unsafe { ctypes_core::string_at(p as *const _, None) };
    assert_eq!(text, b"fixture");

    // SAFETY: never read: the symbol is missing.
    let err = unsafe { lib.global("g_missing", &ints) }.unwrap_err();
    assert!(
        err.to_string()
            .starts_with("symbol `g_missing` not found in"),
        "{err}"
    );
}

/// A private copy of the fixture, so that whether it is mapped says whether this test's
/// handles keep it loaded.
fn private_copy(tag: &str) -> PathBuf {
    let path =
        std::env::temp_dir().join(format!("libctypes_fixture_{tag}_{}.so", std::process::id()));
    std::fs::copy(env!("CTYPES_FIXTURE"), &path).unwrap();
    path
}

fn is_mapped(path: &std::path::Path) -> bool {
    let maps = std::fs::read_to_string("/proc/self/maps").unwrap();
    maps.contains(path.to_str().unwrap())
}

#[test]
fn functions_and_globals_keep_the_library_loaded() {
    let path = private_copy("keepalive");
    let name = path.to_str().unwrap();
    // SAFETY: the fixture has no initialisers.
    let lib = unsafe { Library::open(name) }.unwrap();
    assert_eq!(lib.name(), name);
    let int = t(Scalar::Int);
    let add = lib
        .function("add", sig(&[int.clone(), int.clone()], int.clone()))
        .unwrap();
    // SAFETY: `int g_counter`.
    let counter = unsafe { lib.global("g_counter", &int) }.unwrap();
    drop(lib);
    assert!(is_mapped(&path));
    // SAFETY: `int add(int, int)`, still loaded.
    let r = unsafe { add.call(&[2.into(), 3.into()]) }.unwrap();
    assert_eq!(r.as_i64(), Some(5));
    drop(add);
    assert!(is_mapped(&path), "the global still holds the library");
    assert_eq!(counter.value().unwrap(), Value::Int(42));
    let view = counter.clone();
    drop(counter);
    assert_eq!(view.value().unwrap(), Value::Int(42));
    drop(view);
    assert!(!is_mapped(&path), "closed once nothing uses it");
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn global_flag_makes_symbols_visible_to_the_whole_process() {
    let path = private_copy("global");
    assert!(Library::this().symbol("records_spill_sse").is_err());
    let flags = OpenFlags {
        global: true,
        lazy: true,
        no_delete: false,
    };
    // SAFETY: the fixture has no initialisers.
    let lib = unsafe { Library::open_with(path.to_str().unwrap(), flags) }.unwrap();
    let here = lib.symbol("records_spill_sse").unwrap();
    assert_eq!(Library::this().symbol("records_spill_sse").unwrap(), here);
    drop(lib);
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn opening_by_name_and_the_program_itself() {
    let libm = find_library("m").expect("libm is installed");
    // SAFETY: the C library's own math library.
    let by_name = unsafe { Library::open("m") }.unwrap();
    assert_eq!(by_name.name(), libm.to_str().unwrap());
    // SAFETY: as above.
    let by_file = unsafe { Library::open("libm.so.6") }.unwrap();
    assert_eq!(
        by_file.symbol("cos").unwrap(),
        by_name.symbol("cos").unwrap()
    );
    assert!(find_library("z").is_some());
    let this = Library::this();
    assert!(this.symbol("malloc").is_ok());
    assert!(format!("{this:?}").contains("this program"));
}
