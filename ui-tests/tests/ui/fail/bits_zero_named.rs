use ctypes_core::c_struct;

#[c_struct]
struct Sample {
    #[c(bits = 0)]
    gap: u32,
}

fn main() {}
