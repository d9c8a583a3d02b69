use ctypes_core::c_struct;

#[c_struct(endian = "big")]
struct Wire {
    port: u16,
}

fn main() {}
