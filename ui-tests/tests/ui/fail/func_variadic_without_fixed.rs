use ctypes_core::c_func;

c_func! {
    pub type Print = fn(...) -> i32;
}

fn main() {}
