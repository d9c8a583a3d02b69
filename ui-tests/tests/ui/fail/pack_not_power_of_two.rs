use ctypes_core::c_struct;

#[c_struct(pack = 3)]
struct Packed {
    a: u8,
    b: u32,
}

fn main() {}
