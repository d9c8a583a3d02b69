use ctypes_core::c_struct;

#[c_struct]
enum Shape {
    Circle,
    Square,
}

fn main() {}
