use ctypes_core::c_struct;

#[c_struct]
struct Nothing;

fn main() {}
