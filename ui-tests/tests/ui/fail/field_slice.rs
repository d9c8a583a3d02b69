use ctypes_core::c_struct;

#[c_struct]
struct Tail {
    len: usize,
    items: *const [u8],
}

fn main() {}
