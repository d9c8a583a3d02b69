use ctypes_core::{c_struct, c_union};

// A record in non-native byte order is kept as bytes: C would pass `double d` in a floating
// register, the bytes in integer ones.
#[c_struct(endian = "big")]
struct Wire {
    tag: u32,
    d: f64,
}

// A union's bit-field storage and plain members share their bytes: kept as bytes too.
#[c_union]
union Either {
    #[c(bits = 4)]
    flags: u32,
    f: f32,
}

fn main() {}
