//! `.timer on`: the wall-clock and processor time of each statement.

use std::time::{Duration, Instant};

/// User and system processor time used by this process so far.
#[cfg(unix)]
pub fn cpu_times() -> (Duration, Duration) {
    // SAFETY: an all-zero rusage is a valid value of this plain C struct.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `usage` is a valid, writable rusage for the call.
    if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) } != 0 {
        return (Duration::ZERO, Duration::ZERO);
    }
    let time = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec.max(0) as u64) + Duration::from_micros(t.tv_usec.max(0) as u64)
    };
    (time(usage.ru_utime), time(usage.ru_stime))
}

/// Processor times are not measured here.
#[cfg(not(unix))]
pub fn cpu_times() -> (Duration, Duration) {
    (Duration::ZERO, Duration::ZERO)
}

/// sqlite3's `Run Time:` line for a statement that started at `started`.
pub fn report(started: Instant, (user, sys): (Duration, Duration)) -> String {
    let (user_now, sys_now) = cpu_times();
    format!(
        "Run Time: real {:.3} user {:.6} sys {:.6}\n",
        started.elapsed().as_secs_f64(),
        user_now.saturating_sub(user).as_secs_f64(),
        sys_now.saturating_sub(sys).as_secs_f64()
    )
}
