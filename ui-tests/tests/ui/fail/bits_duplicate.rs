use ctypes_core::c_struct;

#[c_struct]
struct Sample {
    #[c(bits = 3, bits = 4)]
    a: u32,
}

fn main() {}
