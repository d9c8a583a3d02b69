use ctypes_core::c_struct;

#[c_struct(pack = 1, pack = 2)]
struct Packed {
    a: u8,
}

fn main() {}
