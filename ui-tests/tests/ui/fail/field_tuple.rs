use ctypes_core::c_struct;

#[c_struct]
struct Pair {
    both: (i32, i32),
}

fn main() {}
