//! Ctrl-C at the prompt: interrupts what is running (`sqlite3_interrupt`) instead of ending
//! the program.
//!
//! The signal handler only sets a flag and writes a byte to a pipe (both async-signal-safe). A
//! watcher thread reads the byte and interrupts the connection through its thread-safe handle,
//! again every few milliseconds until the prompt takes the flag back: so a Ctrl-C that lands
//! between two statements still stops the next one, and the statements of the same input
//! (and the rest of a `.read` script) do not run. The prompt clears the flag before it reads
//! the next line, and from then on no interrupt reaches the connection.

use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use ctypes_sqlite::InterruptHandle;

/// The pipe's writing end, for the handler; -1 until installed.
#[cfg_attr(not(unix), allow(dead_code))]
static PIPE: AtomicI32 = AtomicI32::new(-1);

/// Set by Ctrl-C, cleared by the prompt.
static SEEN: AtomicBool = AtomicBool::new(false);

/// Held by the watcher while it checks the flag and interrupts, so that clearing the flag can
/// wait for an interrupt already under way.
static INTERRUPTING: Mutex<()> = Mutex::new(());

/// Whether Ctrl-C was pressed since the prompt last read a line.
pub fn interrupted() -> bool {
    SEEN.load(Ordering::SeqCst)
}

/// Forgets a Ctrl-C; when this returns, no interrupt is being made or will be made for it.
pub fn clear() {
    SEEN.store(false, Ordering::SeqCst);
    drop(INTERRUPTING.lock());
}

/// Ctrl-C ends the program where there are no Unix signals.
#[cfg(not(unix))]
pub fn watch_interrupts(_: InterruptHandle) {}

/// Makes SIGINT interrupt `handle`'s connection from now on.
#[cfg(unix)]
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
            if n == 0 {
                return;
            }
            if n < 0 {
                continue;
            }
            loop {
                let guard = INTERRUPTING.lock();
                if !SEEN.load(Ordering::SeqCst) {
                    break;
                }
                handle.interrupt();
                drop(guard);
                std::thread::sleep(Duration::from_millis(5));
            }
        }
    });
    let handler: extern "C" fn(libc::c_int) = on_sigint;
    // SAFETY: the handler only touches atomics and calls write, all async-signal-safe; it is
    // installed once, for the life of the process, after the pipe it writes to exists.
    unsafe { libc::signal(libc::SIGINT, handler as libc::sighandler_t) };
}

#[cfg(unix)]
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
