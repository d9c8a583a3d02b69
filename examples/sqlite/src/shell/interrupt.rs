//! Ctrl-C at the prompt: interrupts the running statement (`sqlite3_interrupt`) instead of
//! ending the program.
//!
//! The signal handler only writes a byte to a pipe (`write` is async-signal-safe); a watcher
//! thread reads it and interrupts the connection through its thread-safe handle.

use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};

use ctypes_sqlite::InterruptHandle;

/// The pipe's writing end, for the handler; -1 until installed.
static PIPE: AtomicI32 = AtomicI32::new(-1);

/// Set by Ctrl-C; a script being read (`.read` at the prompt) stops when it sees it.
static SEEN: AtomicBool = AtomicBool::new(false);

/// Whether Ctrl-C was pressed since the last call.
pub fn take_interrupt() -> bool {
    SEEN.swap(false, Ordering::SeqCst)
}

/// Makes SIGINT interrupt `handle`'s connection from now on.
pub fn watch_interrupts(handle: InterruptHandle) {
    let mut fds = [0 as libc::c_int; 2];
    // SAFETY: `fds` has room for the two descriptors pipe writes.
    if unsafe { libc::pipe(fds.as_mut_ptr()) } != 0 {
        return;
    }
    let [read_end, write_end] = fds;
    if PIPE
        .compare_exchange(-1, write_end, Ordering::SeqCst, Ordering::SeqCst)
        .is_err()
    {
        // Already watching: give the new pipe back.
        // SAFETY: both descriptors were just opened here and are used nowhere else.
        unsafe {
            libc::close(read_end);
            libc::close(write_end);
        }
        return;
    }
    std::thread::spawn(move || {
        let mut byte = 0u8;
        loop {
            // SAFETY: reads at most one byte into `byte` from the pipe this thread owns.
            let n = unsafe { libc::read(read_end, (&raw mut byte).cast(), 1) };
            if n == 1 {
                handle.interrupt();
            } else if n == 0 {
                return;
            }
        }
    });
    let handler: extern "C" fn(libc::c_int) = on_sigint;
    // SAFETY: the handler only touches atomics and calls write, all async-signal-safe; it is
    // installed once, for the life of the process, after the pipe it writes to exists.
    unsafe { libc::signal(libc::SIGINT, handler as libc::sighandler_t) };
}

extern "C" fn on_sigint(_: libc::c_int) {
    SEEN.store(true, Ordering::SeqCst);
    let fd = PIPE.load(Ordering::SeqCst);
    if fd >= 0 {
        let byte = 1u8;
        // SAFETY: writes one byte from a live local to the pipe opened in watch_interrupts,
        // never closed; write is async-signal-safe. A full pipe just drops the byte.
        unsafe { libc::write(fd, (&raw const byte).cast(), 1) };
    }
}
