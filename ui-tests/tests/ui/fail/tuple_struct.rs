use ctypes_core::c_struct;

#[c_struct]
struct Point(i32, i32);

fn main() {}
