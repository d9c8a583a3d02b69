use ctypes_core::c_enum;

#[c_enum]
enum Event {
    Quit,
    Key(u32),
}

fn main() {}
