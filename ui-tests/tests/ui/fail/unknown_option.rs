use ctypes_core::c_struct;

#[c_struct(packed = 1)]
struct Packed {
    a: u8,
}

fn main() {}
