use ctypes_core::c_struct;

// C passes `double d` in a floating register; a record kept as bytes would pass it in an
// integer one.
#[c_struct]
struct Mixed {
    #[c(bits = 4)]
    flags: u32,
    d: f64,
}

fn main() {}
