use ctypes_core::c_struct;

#[c_struct]
#[derive(Clone, Copy)]
struct Inner {
    a: u8,
}

#[c_struct]
struct Outer {
    #[c(bits = 3)]
    inner: Inner,
}

fn main() {}
