use ctypes_core::c_struct;

mod my {
    #[allow(non_camel_case_types)]
    pub type c_int = u8;
    #[allow(non_camel_case_types)]
    pub type size_t = u16;
}

// Types named like C types map to those C types: one that is something else is refused.
#[c_struct]
struct Misnamed {
    a: my::c_int,
    b: my::size_t,
}

fn main() {}
