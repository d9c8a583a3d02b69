use ctypes_core::c_library;

c_library! {
    pub struct Nameless {
        fn abs(x: i32) -> i32;
    }
}

fn main() {}
