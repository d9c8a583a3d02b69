use ctypes_core::{c_struct, CConvert, CValue};

// A safe function pointer made from bytes C (or anyone) wrote could point anywhere, or to a
// freed callback: a record holding one cannot become a Rust value unchecked.
#[c_struct]
#[derive(Clone, Copy)]
pub struct Hooks {
    pub f: Option<extern "C" fn(i32) -> i32>,
}

fn from_bytes(value: &CValue) -> Option<Hooks> {
    Hooks::from_c(value)
}

fn main() {
    let _ = from_bytes;
    // Nor can the plumbing of records kept as bytes read one.
    let _: Option<extern "C" fn(i32) -> i32> = ctypes_core::__private::read_field(&[0; 8], 0);
}
