use ctypes_core::c_union;

#[c_union(layout = "msvc")]
union Either {
    a: u8,
    b: u32,
}

fn main() {}
