use ctypes_core::c_struct;

#[c_struct]
struct Wrapper<T> {
    value: T,
}

fn main() {}
