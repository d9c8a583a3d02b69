use ctypes_core::c_struct;

#[c_struct(align = 12)]
struct Aligned {
    a: u8,
}

fn main() {}
