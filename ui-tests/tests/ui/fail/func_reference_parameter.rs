use ctypes_core::c_func;

c_func! {
    pub type Visit = fn(&i32) -> i32;
}

fn main() {}
