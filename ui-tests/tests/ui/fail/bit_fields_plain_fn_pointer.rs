use ctypes_core::{c_func, c_struct};

c_func! {
    pub type Run = fn();
}

// A record with bit-fields starts zeroed; a `c_func!` type is a function pointer that cannot
// be null (`Option<Run>` can).
#[c_struct]
struct Handler {
    #[c(bits = 1)]
    on: u8,
    run: Run,
}

fn main() {}
