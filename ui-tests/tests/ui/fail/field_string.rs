use ctypes_core::c_struct;

#[c_struct]
struct Message {
    id: i32,
    text: String,
}

fn main() {}
