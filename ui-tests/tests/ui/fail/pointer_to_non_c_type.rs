use ctypes_core::c_struct;

#[c_struct]
struct Handle {
    name: *const String,
}

fn main() {}
