use ctypes_core::c_struct;

#[c_struct]
struct Renamed {
    #[c(name = "")]
    a: u8,
}

fn main() {}
