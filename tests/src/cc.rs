//! Compiling and running a C program with the system C compiler.

use std::io;
use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The C compiler: `$CC`, or `cc`.
pub fn compiler() -> String {
    std::env::var("CC").unwrap_or_else(|_| "cc".to_owned())
}

/// Compiles `source` as GNU C11 and runs it, returning what it printed.
///
/// Warnings are silenced: generated programs store out-of-range constants on purpose, and GCC
/// warns whenever the address of a `scalar_storage_order` record is taken (`memset(&s, ...)`). A
/// compiler error or a failed run is an `Err` that carries the compiler's or the program's
/// message. `name` names the temporary files, which are removed afterwards.
pub fn compile_and_run(name: &str, source: &str) -> io::Result<String> {
    compile_and_run_with(name, source, &[])
}

/// [`compile_and_run`], with more source files (assembly, say) compiled into the program.
pub fn compile_and_run_with(name: &str, source: &str, extra: &[PathBuf]) -> io::Result<String> {
    static UNIQUE: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "ctypes-tests-{}-{}",
        std::process::id(),
        UNIQUE.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir)?;
    let result = compile_and_run_in(&dir, name, source, extra);
    let _ = std::fs::remove_dir_all(&dir);
    result
}

fn compile_and_run_in(
    dir: &std::path::Path,
    name: &str,
    source: &str,
    extra: &[PathBuf],
) -> io::Result<String> {
    let c_file: PathBuf = dir.join(format!("{name}.c"));
    let exe = dir.join(name);
    std::fs::write(&c_file, source)?;
    let compiled = Command::new(compiler())
        .args(["-std=gnu11", "-O0", "-w", "-o"])
        .arg(&exe)
        .arg(&c_file)
        .args(extra)
        .output()?;
    if !compiled.status.success() {
        return Err(io::Error::other(format!(
            "{} failed on {name}.c:\n{}",
            compiler(),
            String::from_utf8_lossy(&compiled.stderr)
        )));
    }
    let ran = Command::new(&exe).output()?;
    if !ran.status.success() {
        return Err(io::Error::other(format!(
            "{name} exited with {}:\n{}",
            ran.status,
            String::from_utf8_lossy(&ran.stderr)
        )));
    }
    String::from_utf8(ran.stdout).map_err(io::Error::other)
}

/// A shared library compiled from C source into a temporary directory, removed when this is
/// dropped (after the last use of the library).
#[derive(Debug)]
pub struct SharedLibrary {
    dir: PathBuf,
    path: PathBuf,
}

impl SharedLibrary {
    /// The library's path.
    pub fn path(&self) -> &std::path::Path {
        &self.path
    }
}

impl Drop for SharedLibrary {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Compiles `source` as GNU C11 (`-O0`, position-independent) into a shared library.
pub fn compile_shared(name: &str, source: &str) -> io::Result<SharedLibrary> {
    static UNIQUE: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "ctypes-tests-so-{}-{}",
        std::process::id(),
        UNIQUE.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir)?;
    let library = SharedLibrary {
        path: dir.join(format!("lib{name}.so")),
        dir,
    };
    let c_file = library.dir.join(format!("{name}.c"));
    std::fs::write(&c_file, source)?;
    let compiled = Command::new(compiler())
        .args(["-std=gnu11", "-O0", "-w", "-shared", "-fPIC", "-o"])
        .arg(&library.path)
        .arg(&c_file)
        .output()?;
    if !compiled.status.success() {
        return Err(io::Error::other(format!(
            "{} failed on {name}.c:\n{}",
            compiler(),
            String::from_utf8_lossy(&compiled.stderr)
        )));
    }
    Ok(library)
}
