use ctypes_core::c_library;

c_library! {
    #[library("c")]
    pub struct Libc {
        fn strlen(s: &str) -> usize;
    }
}

fn main() {}
