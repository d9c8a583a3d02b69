//! Finding a shared library by its bare name, as the platform's loader would.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The path of the shared library called `name` (`"m"`, `"sqlite3"`, `"z"`), or `None`.
///
/// Searches as the dynamic loader does: first the `ldconfig` cache (`ldconfig -p`), taking an
/// entry for this machine's architecture, then the directories of `LD_LIBRARY_PATH` and the
/// standard library directories, preferring a versioned file (`libm.so.6`) to the development
/// name (`libm.so`, which may be a linker script rather than a library).
///
/// ```
/// let libm = ctypes_core::find_library("m").expect("libm is installed");
/// assert!(libm.file_name().unwrap().to_string_lossy().starts_with("libm.so"));
/// assert!(ctypes_core::find_library("surely_not_a_library").is_none());
/// ```
pub fn find_library(name: &str) -> Option<PathBuf> {
    let prefix = format!("lib{name}.so");
    from_ldconfig(&prefix).or_else(|| from_directories(&prefix))
}

/// The architecture tag `ldconfig -p` prints for this target's libraries.
const ARCH_TAG: Option<&str> = if cfg!(target_arch = "x86_64") {
    Some("x86-64")
} else if cfg!(target_arch = "aarch64") {
    Some("AArch64")
} else {
    None
};

fn from_ldconfig(prefix: &str) -> Option<PathBuf> {
    let output = ["/sbin/ldconfig", "/usr/sbin/ldconfig", "ldconfig"]
        .iter()
        .find_map(|program| Command::new(program).arg("-p").output().ok())?;
    let listing = String::from_utf8_lossy(&output.stdout);
    let mut matches: Vec<(String, PathBuf)> = listing
        .lines()
        .filter_map(|line| {
            let (left, path) = line.trim().split_once(" => ")?;
            let (file, tags) = left.split_once(' ')?;
            let arch_ok = ARCH_TAG.is_none_or(|tag| tags.contains(tag));
            (arch_ok && is_candidate(file, prefix)).then(|| (file.to_owned(), PathBuf::from(path)))
        })
        .collect();
    matches.sort_by_key(|(file, _)| std::cmp::Reverse(rank(file, prefix)));
    matches
        .into_iter()
        .map(|(_, path)| path)
        .find(|p| is_elf(p))
}

fn from_directories(prefix: &str) -> Option<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::env::var_os("LD_LIBRARY_PATH")
        .map(|v| std::env::split_paths(&v).collect())
        .unwrap_or_default();
    let triple = format!("{}-linux-gnu", std::env::consts::ARCH);
    for dir in ["/usr/local/lib", "/lib", "/usr/lib", "/lib64", "/usr/lib64"] {
        dirs.push(Path::new(dir).join(&triple));
        dirs.push(PathBuf::from(dir));
    }
    let mut found: Vec<(Vec<u64>, PathBuf)> = Vec::new();
    for dir in dirs {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let file = entry.file_name().to_string_lossy().into_owned();
            if is_candidate(&file, prefix) && is_elf(&entry.path()) {
                found.push((rank(&file, prefix), entry.path()));
            }
        }
        if !found.is_empty() {
            break;
        }
    }
    found.sort_by(|a, b| b.0.cmp(&a.0));
    found.into_iter().next().map(|(_, path)| path)
}

/// `libNAME.so` or `libNAME.so.<version>`.
fn is_candidate(file: &str, prefix: &str) -> bool {
    match file.strip_prefix(prefix) {
        Some("") => true,
        Some(rest) => {
            rest.starts_with('.') && rest[1..].split('.').all(|p| p.parse::<u64>().is_ok())
        }
        None => false,
    }
}

/// Versioned names rank above the bare development name, newer versions above older.
fn rank(file: &str, prefix: &str) -> Vec<u64> {
    let version = file.strip_prefix(prefix).unwrap_or("");
    let mut key = vec![u64::from(!version.is_empty())];
    key.extend(version.split('.').filter_map(|p| p.parse::<u64>().ok()));
    key
}

/// Whether the file is an ELF object (not a linker script such as glibc's `libm.so`).
fn is_elf(path: &Path) -> bool {
    let mut magic = [0u8; 4];
    fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut magic))
        .is_ok_and(|()| magic == *b"\x7fELF")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn candidates_are_the_library_and_its_versions() {
        assert!(is_candidate("libz.so", "libz.so"));
        assert!(is_candidate("libz.so.1.2.13", "libz.so"));
        assert!(!is_candidate("libzstd.so.1", "libz.so"));
        assert!(!is_candidate("libz.so.old", "libz.so"));
        assert!(rank("libz.so.1.2.13", "libz.so") > rank("libz.so.1", "libz.so"));
        assert!(rank("libz.so.1", "libz.so") > rank("libz.so", "libz.so"));
    }
}
