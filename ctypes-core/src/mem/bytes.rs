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
            16 => to
                .cast::<[u64; 2]>()
                .write_unaligned(from.cast::<[u64; 2]>().read_unaligned()),
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
