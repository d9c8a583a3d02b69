use ctypes_core::c_struct;

#[c_struct]
struct Sample {
    #[c(bits = 3)]
    x: f32,
}

fn main() {}
