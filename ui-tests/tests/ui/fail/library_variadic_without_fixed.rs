use ctypes_core::c_library;

c_library! {
    #[library("c")]
    pub struct Libc {
        fn printf(...) -> i32;
    }
}

fn main() {}
