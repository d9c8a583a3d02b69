//! zlib, found and loaded at run time (no `-lz`, no `-sys` crate): a `compress2`/`uncompress`
//! round trip of a buffer, and `crc32` over a file checked against a CRC-32 computed in Rust.
//!
//! Run: `cargo run -p example-zlib [FILE]` (the file defaults to this source file).

use std::ffi::{c_char, c_int, c_uint, c_ulong, CStr};
use std::process::ExitCode;

use ctypes_core::c_library;

c_library! {
    #[library("z", "libz.so.1")]
    pub struct Zlib {
        fn zlibVersion() -> *const c_char;
        fn compressBound(source_len: c_ulong) -> c_ulong;
        fn compress2(dest: *mut u8, dest_len: *mut c_ulong, source: *const u8, source_len: c_ulong, level: c_int) -> c_int;
        fn uncompress(dest: *mut u8, dest_len: *mut c_ulong, source: *const u8, source_len: c_ulong) -> c_int;
        fn crc32(crc: c_ulong, buf: *const u8, len: c_uint) -> c_ulong;
    }
}

const Z_OK: c_int = 0;
const Z_DATA_ERROR: c_int = -3;
const Z_BEST_COMPRESSION: c_int = 9;

type Outcome = Result<(), String>;

fn main() -> ExitCode {
    match run() {
        Ok(()) => {
            println!("\nall zlib results checked");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("example-zlib: FAILED: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Outcome {
    // SAFETY: loading zlib runs only its own initialisers; the declarations match zlib.h.
    let zlib = unsafe { Zlib::load() }.map_err(|e| e.to_string())?;
    // SAFETY: zlibVersion returns a static NUL-terminated string.
    let version = unsafe { CStr::from_ptr(zlib.zlibVersion()) };
    println!("zlib {} loaded at run time", version.to_string_lossy());
    round_trip(&zlib)?;
    let path = std::env::args().nth(1).unwrap_or_else(|| {
        // This very file, read at run time.
        concat!(env!("CARGO_MANIFEST_DIR"), "/src/main.rs").to_owned()
    });
    checksum_file(&zlib, &path)
}

/// Some text that compresses well, followed by bytes that hardly compress at all.
fn sample() -> Vec<u8> {
    let mut data = Vec::new();
    for i in 0..2000 {
        data.extend_from_slice(
            format!("line {i}: the quick brown fox jumps over the lazy dog\n").as_bytes(),
        );
    }
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    data.extend((0..4096).map(|_| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state as u8
    }));
    data
}

fn round_trip(zlib: &Zlib) -> Outcome {
    let original = sample();
    let source_len = original.len() as c_ulong;
    // SAFETY: plain arithmetic.
    let mut compressed = vec![0u8; unsafe { zlib.compressBound(source_len) } as usize];
    let mut compressed_len = compressed.len() as c_ulong;
    // SAFETY: `compressed` holds `compressed_len` bytes (compressBound's figure), `original`
    // holds `source_len`.
    let status = unsafe {
        zlib.compress2(
            compressed.as_mut_ptr(),
            &mut compressed_len,
            original.as_ptr(),
            source_len,
            Z_BEST_COMPRESSION,
        )
    };
    if status != Z_OK {
        return Err(format!("compress2 returned {status}"));
    }
    compressed.truncate(compressed_len as usize);

    let mut restored = vec![0u8; original.len()];
    let mut restored_len = restored.len() as c_ulong;
    // SAFETY: `restored` holds `restored_len` bytes, `compressed` holds its length.
    let status = unsafe {
        zlib.uncompress(
            restored.as_mut_ptr(),
            &mut restored_len,
            compressed.as_ptr(),
            compressed.len() as c_ulong,
        )
    };
    if status != Z_OK {
        return Err(format!("uncompress returned {status}"));
    }
    restored.truncate(restored_len as usize);
    println!(
        "compress2/uncompress: {} bytes -> {} bytes ({:.1}% of the original, ratio {:.2}:1) -> {} bytes",
        original.len(),
        compressed.len(),
        100.0 * compressed.len() as f64 / original.len() as f64,
        original.len() as f64 / compressed.len() as f64,
        restored.len()
    );
    if restored != original {
        return Err("the round trip changed the data".into());
    }
    println!("    round trip: identical");

    // A damaged stream is refused, not misread.
    let middle = compressed.len() / 2;
    compressed[middle] ^= 0xff;
    let mut len = restored.len() as c_ulong;
    // SAFETY: as above.
    let status = unsafe {
        zlib.uncompress(
            restored.as_mut_ptr(),
            &mut len,
            compressed.as_ptr(),
            compressed.len() as c_ulong,
        )
    };
    println!("    one flipped byte: uncompress returns {status} (Z_DATA_ERROR is {Z_DATA_ERROR})");
    if status != Z_DATA_ERROR {
        return Err(format!("uncompress of damaged data returned {status}"));
    }
    Ok(())
}

fn checksum_file(zlib: &Zlib, path: &str) -> Outcome {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    // zlib's crc32 takes at most `c_uint` bytes at a time: feed it in chunks, carrying the CRC.
    let mut crc: c_ulong = 0;
    for chunk in bytes.chunks(64 * 1024) {
        // SAFETY: a valid buffer of `chunk.len()` bytes (at most 64 KiB).
        crc = unsafe { zlib.crc32(crc, chunk.as_ptr(), chunk.len() as c_uint) };
    }
    let expected = crc32_rust(&bytes);
    println!(
        "crc32 of {path} ({} bytes): zlib {crc:08x}, Rust {expected:08x}",
        bytes.len()
    );
    if crc != c_ulong::from(expected) {
        return Err(format!(
            "zlib's crc32 {crc:08x} differs from {expected:08x}"
        ));
    }
    Ok(())
}

/// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), table-driven, as zlib computes it.
fn crc32_rust(bytes: &[u8]) -> u32 {
    let mut table = [0u32; 256];
    for (n, entry) in table.iter_mut().enumerate() {
        let mut c = n as u32;
        for _ in 0..8 {
            c = if c & 1 != 0 {
                0xedb8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
        }
        *entry = c;
    }
    let crc = bytes.iter().fold(!0u32, |crc, &b| {
        table[((crc ^ u32::from(b)) & 0xff) as usize] ^ (crc >> 8)
    });
    !crc
}
