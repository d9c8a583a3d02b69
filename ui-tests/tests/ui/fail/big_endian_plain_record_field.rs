use ctypes_core::c_struct;

#[c_struct]
#[derive(Clone, Copy)]
struct Native {
    a: u32,
}

#[c_struct(endian = "big")]
struct Wire {
    a: u32,
    native: Native,
}

fn main() {}
