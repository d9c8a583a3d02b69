use ctypes_core::c_struct;

#[c_struct]
struct Renamed {
    #[c(rename = "other")]
    a: u8,
}

fn main() {}
