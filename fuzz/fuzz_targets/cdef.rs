//! C declaration text, valid or not, through `cdef::Declarations::parse`: every input is either
//! an error with a position inside the text or a set of declarations whose types all answer
//! their layout queries and print as C; nothing panics or overflows the stack.

#![no_main]

use ctypes_core::cdef::Declarations;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match Declarations::parse(&text) {
        Err(e) => {
            let lines = text.split('\n').count() as u32;
            assert!(e.position.line >= 1 && e.position.line <= lines + 1, "{e}");
            assert!(e.position.column >= 1, "{e}");
            let _ = e.to_string();
        }
        Ok(decls) => {
            for (name, ty) in decls.typedefs() {
                let _ = (ty.size(), ty.align(), ty.to_string());
                let again = decls.ty(name).expect("a typedef name is a type");
                assert!(again.same_object(ty) || again.to_string() == ty.to_string());
            }
            for (name, ty) in decls.tags() {
                let _ = (ty.size(), ty.align(), ty.to_string(), decls.ty(&name));
            }
            for function in decls.functions() {
                let _ = (function.to_string(), function.link_name());
            }
            let _ = decls.skipped().iter().map(ToString::to_string).count();
        }
    }
});
