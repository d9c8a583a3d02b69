use ctypes_core::c_library;

c_library! {
    #[library("c")]
    pub struct Libc {
        #[lazy]
        fn abs(x: i32) -> i32;
    }
}

fn main() {}
