use ctypes_core::c_library;

c_library! {
    #[library("c")]
    pub struct Libc {
        fn abs(x: i32) -> i32;
        fn labs(x: i64) -> i64;
        fn abs(x: i64) -> i64;
    }
}

fn main() {}
