//! One name for the targets on which calls and callbacks run on the crate's own System V
//! x86-64 code (the call engine, the register call, the trampolines): `ctypes_sysv64`, set for
//! x86-64 Unix targets with 64-bit pointers other than Cygwin. Elsewhere libffi does the work.
//! Also declares `fuzzing`, which cargo-fuzz sets (see `mem/spare.rs`).

fn main() {
    println!("cargo::rustc-check-cfg=cfg(ctypes_sysv64)");
    println!("cargo::rustc-check-cfg=cfg(fuzzing)");
    let var = |name: &str| std::env::var(name).unwrap_or_default();
    let unix = var("CARGO_CFG_TARGET_FAMILY")
        .split(',')
        .any(|family| family == "unix");
    if var("CARGO_CFG_TARGET_ARCH") == "x86_64"
        && var("CARGO_CFG_TARGET_POINTER_WIDTH") == "64"
        && unix
        && var("CARGO_CFG_TARGET_OS") != "cygwin"
    {
        println!("cargo::rustc-cfg=ctypes_sysv64");
    }
}
