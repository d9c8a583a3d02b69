use ctypes_core::c_struct;

#[c_struct]
struct Buffer {
    bytes: Vec<u8>,
}

fn main() {}
