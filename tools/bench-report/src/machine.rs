//! What the figures were measured on: CPU, cores, OS and kernel, compiler, date.

use std::fs;
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

/// The machine's description, each field already in the words the report prints.
#[derive(Debug, Clone, PartialEq)]
pub struct Machine {
    pub cpu: String,
    pub cores: String,
    pub os: String,
    pub rustc: String,
}

impl Machine {
    /// Looks at this machine (Linux files first, commands as a fallback).
    pub fn detect() -> Machine {
        let cpuinfo = fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let available = std::thread::available_parallelism().map_or(0, usize::from);
        Machine {
            cpu: cpu_model(&cpuinfo).unwrap_or_else(|| "unknown".to_owned()),
            cores: cores(&cpuinfo, available),
            os: os(),
            rustc: rustc(),
        }
    }
}

/// The CPU model from `/proc/cpuinfo` (x86 `model name`, else ARM's `Hardware`/`Model`).
fn cpu_model(cpuinfo: &str) -> Option<String> {
    ["model name", "Hardware", "Model", "cpu model"]
        .iter()
        .find_map(|key| field(cpuinfo, key))
}

fn field(text: &str, key: &str) -> Option<String> {
    text.lines().find_map(|line| {
        let (name, value) = line.split_once(':')?;
        (name.trim() == key && !value.trim().is_empty()).then(|| value.trim().to_owned())
    })
}

fn cores(cpuinfo: &str, available: usize) -> String {
    let logical = cpuinfo
        .lines()
        .filter(|line| line.split(':').next().map(str::trim) == Some("processor"))
        .count();
    match (logical, available) {
        (0, 0) => "unknown".to_owned(),
        (0, n) => format!("{n} available to the benchmark"),
        (n, m) if n == m || m == 0 => format!("{n} logical CPUs"),
        (n, m) => format!("{n} logical CPUs, {m} available to the benchmark"),
    }
}

fn os() -> String {
    let release = fs::read_to_string("/etc/os-release").unwrap_or_default();
    let name = field_eq(&release, "PRETTY_NAME");
    let kernel = fs::read_to_string("/proc/sys/kernel/osrelease")
        .map(|text| format!("Linux {}", text.trim()))
        .ok()
        .or_else(|| command_output("uname", &["-sr"]));
    match (name, kernel) {
        (Some(name), Some(kernel)) => format!("{name}, kernel {kernel}"),
        (Some(name), None) => name,
        (None, Some(kernel)) => kernel,
        (None, None) => std::env::consts::OS.to_owned(),
    }
}

/// `KEY="value"` lines of `/etc/os-release`.
fn field_eq(text: &str, key: &str) -> Option<String> {
    text.lines().find_map(|line| {
        let (name, value) = line.split_once('=')?;
        (name == key).then(|| value.trim_matches('"').to_owned())
    })
}

/// The compiler cargo uses (`$RUSTC`, else `rustc`), as `rustc -V` prints it.
fn rustc() -> String {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_owned());
    command_output(&rustc, &["-V"]).unwrap_or_else(|| "unknown".to_owned())
}

fn command_output(program: &str, args: &[&str]) -> Option<String> {
    let output = Command::new(program).args(args).output().ok()?;
    let text = String::from_utf8(output.stdout).ok()?;
    (output.status.success() && !text.trim().is_empty()).then(|| text.trim().to_owned())
}

/// `YYYY-MM-DD HH:MM UTC`.
pub fn format_utc(time: SystemTime) -> String {
    let seconds = time
        .duration_since(UNIX_EPOCH)
        .map_or(0, |duration| duration.as_secs());
    let days = (seconds / 86_400) as i64;
    let (year, month, day) = civil_from_days(days);
    let minutes = seconds % 86_400 / 60;
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02} UTC",
        minutes / 60,
        minutes % 60
    )
}

/// The proleptic Gregorian date of a day count since 1970-01-01 (H. Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn dates() {
        assert_eq!(format_utc(UNIX_EPOCH), "1970-01-01 00:00 UTC");
        let leap_day = UNIX_EPOCH + Duration::from_secs(951_782_400 + 3_600 * 13 + 60 * 7);
        assert_eq!(format_utc(leap_day), "2000-02-29 13:07 UTC");
        let later = UNIX_EPOCH + Duration::from_secs(1_767_225_600);
        assert_eq!(format_utc(later), "2026-01-01 00:00 UTC");
    }

    #[test]
    fn cpuinfo_fields() {
        let x86 = "processor\t: 0\nmodel name\t: AMD EPYC 7B13\n\nprocessor\t: 1\nmodel name\t: AMD EPYC 7B13\n";
        assert_eq!(cpu_model(x86).as_deref(), Some("AMD EPYC 7B13"));
        assert_eq!(cores(x86, 2), "2 logical CPUs");
        assert_eq!(
            cores(x86, 1),
            "2 logical CPUs, 1 available to the benchmark"
        );
        assert_eq!(cpu_model("processor : 0\n"), None);
    }
}
