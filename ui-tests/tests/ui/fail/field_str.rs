use ctypes_core::c_struct;

#[c_struct]
struct Named {
    name: &'static str,
}

fn main() {}
