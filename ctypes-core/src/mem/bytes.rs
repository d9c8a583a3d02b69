//! Copying the few bytes of an argument or result between C's registers, the caller's stack
//! and Rust's objects, as quickly as the usual sizes allow.

/// Copies `len` bytes from `from` to `to`: the usual sizes of a register's piece or a small
/// record (8 or 16 bytes) by two moves, others by `memcpy`.
///
/// # Safety
/// `from` must be valid for reads and `to` for writes of `len` bytes, not overlapping.
#[inline(always)]
pub(crate) unsafe fn copy_bytes(from: *const u8, to: *mut u8, len: usize) {
    // SAFETY: as promised by the caller, for `len` bytes (unaligned accesses).
    unsafe {
        match len {
            8 => to
                .cast::<u64>()
                .write_unaligned(from.cast::<u64>().read_unaligned()),
            // Two words, never one wider load: bytes just written as two words (the pieces of
            // an argument from two registers) are then read back from the store buffer,
            // instead of waiting for both stores to reach memory.
            16 => {
                let low = load_word(from);
                let high = load_word(from.add(8));
                to.cast::<u64>().write_unaligned(low);
                to.add(8).cast::<u64>().write_unaligned(high);
            }
            _ => std::ptr::copy_nonoverlapping(from, to, len),
        }
    }
}

/// Sets `len` bytes at `to` to zero: the usual sizes of a small record (8, 16 or 32 bytes) by
/// one or two stores, others by `memset`.
///
/// # Safety
/// `to` must be valid for writes of `len` bytes.
#[inline(always)]
pub(crate) unsafe fn zero_bytes(to: *mut u8, len: usize) {
    // SAFETY: as promised by the caller, for `len` bytes (unaligned accesses).
    unsafe {
        match len {
            8 => to.cast::<u64>().write_unaligned(0),
            16 => to.cast::<[u64; 2]>().write_unaligned([0; 2]),
            32 => to.cast::<[u64; 4]>().write_unaligned([0; 4]),
            _ => std::ptr::write_bytes(to, 0, len),
        }
    }
}

/// The 8 bytes at `from` (any alignment), by a load the compiler does not merge with a
/// neighbouring one into a wider load.
///
/// # Safety
/// `from` must be valid for reads of 8 bytes.
#[inline(always)]
unsafe fn load_word(from: *const u8) -> u64 {
    #[cfg(target_arch = "x86_64")]
    {
        let word: u64;
        // SAFETY: the caller promises 8 readable bytes at `from`; an x86-64 load needs no
        // alignment. The block only reads that memory (`readonly`), so it stays after any
        // write to it, and touches neither the stack nor the flags.
        unsafe {
            std::arch::asm!(
                "mov {word}, qword ptr [{from}]",
                from = in(reg) from,
                word = lateout(reg) word,
                options(nostack, preserves_flags, readonly, pure),
            )
        };
        word
    }
    #[cfg(not(target_arch = "x86_64"))]
    // SAFETY: as promised by the caller.
    unsafe {
        from.cast::<u64>().read_unaligned()
    }
}
