//! errno

use super::*;

// Linux's values.
const ENOENT: i32 = 2;
const EDOM: i32 = 33;
const ERANGE: i32 = 34;

#[test]
fn errno_is_captured_after_the_call_and_can_be_set_before() {
    let lib = library();
    let int = t(Scalar::Int);
    let fail = func(&lib, "fail_with", std::slice::from_ref(&int), int.clone());
    // SAFETY: `int fail_with(int)`.
    let (r, errno) = unsafe { fail.call_with_errno(&[ERANGE.into()], None) }.unwrap();
    assert_eq!((r.as_i64(), errno), (Some(-1), ERANGE));
    let current = func(&lib, "current_errno", &[], int.clone());
    // SAFETY: `int current_errno(void)`.
    let (r, errno) = unsafe { current.call_with_errno(&[], Some(EDOM)) }.unwrap();
    assert_eq!((r.as_i64(), errno), (Some(i64::from(EDOM)), EDOM));
    let keep = func(&lib, "succeed_keeping_errno", &[], int.clone());
    // SAFETY: `int succeed_keeping_errno(void)`.
    let (_, errno) = unsafe { keep.call_with_errno(&[], Some(0)) }.unwrap();
    assert_eq!(errno, 0);

    let checked = fail.clone().with_errcheck(|r, errno| match r.as_i64() {
        Some(-1) => Err(std::io::Error::from_raw_os_error(errno).into()),
        _ => Ok(()),
    });
    // SAFETY: `int fail_with(int)`.
    let err = unsafe { checked.call(&[ENOENT.into()]) }.unwrap_err();
    assert_eq!(
        err.to_string(),
        "`fail_with` failed: No such file or directory (os error 2)"
    );
    let source = std::error::Error::source(&err).expect("a source");
    let io = source
        .downcast_ref::<std::io::Error>()
        .expect("an io::Error");
    assert_eq!(io.raw_os_error(), Some(ENOENT));
}
