use std::cell::Cell;
use std::rc::Rc;

use ctypes_core::{CType, CValue, Callback, Scalar, Signature};

fn main() {
    let int = CType::scalar(Scalar::Int);
    // An `Rc` is not `Send`: the error leads to `Callback::new_local`.
    let count = Rc::new(Cell::new(0));
    let counted = Rc::clone(&count);
    let _ = Callback::new(Signature::new(vec![int.clone()], int), move |args: &[CValue]| {
        counted.set(counted.get() + 1);
        args[0].clone()
    });
    drop(count);
}
