use ctypes_core::c_struct;

#[c_struct]
struct Sample {
    #[c(bits = 3)]
    a: [u8; 2],
    #[c(bits = 3)]
    p: *const u8,
}

fn main() {}
