use ctypes_core::c_struct;

mod my {
    pub type Byte = u8;
}

// An unnamed bit-field has no accessors, but its width is checked against its type all the same.
#[c_struct]
struct Sample {
    a: i32,
    #[c(bits = 12)]
    _pad: my::Byte,
    b: i32,
}

fn main() {}
