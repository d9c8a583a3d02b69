//! The macros' diagnostics, pinned; regenerate with `TRYBUILD=overwrite` and review the
//! `.stderr` files.

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/fail/*.rs");
    cases.pass("tests/ui/pass/*.rs");
}
