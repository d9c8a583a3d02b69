use ctypes_core::c_func;

c_func! {
    pub type Visit = fn(#[user_data] *mut std::ffi::c_void, #[user_data] *mut std::ffi::c_void) -> i32;
}

fn main() {}
