//! Compiles the C fixture library the call tests load at run time, and tells them where it is
//! through `CTYPES_FIXTURE`.

use std::env;
use std::path::PathBuf;
use std::process::Command;

// Written out as C here; the `registers` test calls what it describes.
#[allow(dead_code)]
#[path = "src/register_shapes.rs"]
mod register_shapes;

/// The fixture's sources, relative to the crate root.
const SOURCES: &[&str] = &[
    "c/fixture.c",
    "c/records.c",
    "c/callbacks.c",
    "c/shapes.c",
    "c/soundness.c",
    "c/macro_records.c",
    "c/long_double.c",
    "c/complex.c",
];

fn main() {
    let root = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("set by cargo"));
    let library = out.join("libctypes_fixture.so");
    let compiler = env::var("CC").unwrap_or_else(|_| "cc".to_owned());
    println!("cargo:rerun-if-env-changed=CC");
    println!("cargo:rerun-if-changed=c/fixture.h");
    let mut command = Command::new(&compiler);
    command.args([
        "-shared",
        "-fPIC",
        "-O2",
        "-std=gnu11",
        "-Wall",
        "-Wextra",
        "-o",
    ]);
    command.arg(&library);
    for source in SOURCES {
        println!("cargo:rerun-if-changed={source}");
        command.arg(root.join(source));
    }
    println!("cargo:rerun-if-changed=src/register_shapes.rs");
    let registers = out.join("registers.c");
    std::fs::write(&registers, register_shapes::c_source()).expect("write registers.c");
    command.arg(&registers);
    // `callbacks.c` starts threads.
    command.arg("-pthread");
    // `long_double.c` calls libm.
    command.arg("-lm");
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("cannot run the C compiler `{compiler}`: {e}"));
    if !output.status.success() {
        panic!(
            "`{compiler}` failed to build the fixture library:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    println!("cargo:rustc-env=CTYPES_FIXTURE={}", library.display());
}
