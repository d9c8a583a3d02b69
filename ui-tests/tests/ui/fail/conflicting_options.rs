use ctypes_core::c_struct;

#[c_struct(pack = 1, align = 8)]
struct Both {
    a: u8,
    b: u32,
}

fn main() {}
