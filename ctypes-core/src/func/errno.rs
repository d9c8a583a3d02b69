//! The calling thread's `errno`, which calls set right before and read right after the call.

/// The calling thread's `errno`.
pub fn errno() -> i32 {
    // SAFETY: `__errno_location` returns the calling thread's errno slot, always valid.
    unsafe { *errno_location() }
}

/// Sets the calling thread's `errno` and returns the value it had, as CPython's
/// `ctypes.set_errno` does.
///
/// ```
/// use ctypes_core::{errno, set_errno};
///
/// set_errno(7);
/// assert_eq!(set_errno(0), 7);
/// assert_eq!(errno(), 0);
/// ```
pub fn set_errno(value: i32) -> i32 {
    let location = errno_location();
    // SAFETY: as in `errno`.
    unsafe { std::mem::replace(&mut *location, value) }
}

fn errno_location() -> *mut i32 {
    #[cfg(any(target_os = "linux", target_os = "emscripten", target_os = "redox"))]
    // SAFETY: no preconditions.
    let location = unsafe { libc::__errno_location() };
    #[cfg(any(target_os = "macos", target_os = "ios", target_os = "freebsd"))]
    // SAFETY: no preconditions.
    let location = unsafe { libc::__error() };
    #[cfg(any(target_os = "openbsd", target_os = "netbsd", target_os = "android"))]
    // SAFETY: no preconditions.
    let location = unsafe { libc::__errno() };
    location
}
