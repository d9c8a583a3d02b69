use ctypes_core::c_library;

c_library! {
    #[library("c")]
    pub struct Libc {
        #[errno]
        fn open(path: *const std::ffi::c_char, flags: std::ffi::c_int, ...) -> std::ffi::c_int;
    }
}

fn main() {}
