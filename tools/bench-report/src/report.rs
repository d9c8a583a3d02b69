//! The figures of one run gathered per group, with the ratios the report prints.

use std::path::Path;
use std::time::SystemTime;

use crate::cpython::CpythonFigures;
use crate::machine::Machine;
use crate::results::{read_estimate, unknown_functions, Estimate, GroupSpec, ReadError, GROUPS};

/// The label of the rows measured by CPython's `ctypes`.
pub const CPYTHON_LABEL: &str = "CPython ctypes (same machine, same session)";

/// Where a row's figure comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Criterion,
    Cpython,
}

/// One line of a group's table: a path and its median, if it was measured.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub id: String,
    pub what: String,
    pub source: Source,
    pub median_ns: Option<f64>,
    /// The 95 % confidence interval of the median, when criterion measured it.
    pub interval_ns: Option<(f64, f64)>,
}

/// One group's rows, in the contract's order, CPython last.
#[derive(Debug)]
pub struct GroupReport {
    pub spec: &'static GroupSpec,
    pub rows: Vec<Row>,
}

impl GroupReport {
    fn median_of(&self, id: &str) -> Option<f64> {
        self.rows
            .iter()
            .find(|row| row.id == id && row.source == Source::Criterion)
            .and_then(|row| row.median_ns)
    }

    /// The median of the group's baseline (`direct`, or `native_c` for callbacks).
    pub fn baseline_ns(&self) -> Option<f64> {
        self.median_of(self.spec.baseline)
    }

    /// The median of the group's raw libffi path.
    pub fn raw_libffi_ns(&self) -> Option<f64> {
        self.median_of(self.spec.raw_libffi)
    }

    /// `row`'s median over the baseline's.
    pub fn ratio_to_baseline(&self, row: &Row) -> Option<f64> {
        ratio(row.median_ns, self.baseline_ns())
    }

    /// `row`'s median over raw libffi's.
    pub fn ratio_to_raw_libffi(&self, row: &Row) -> Option<f64> {
        ratio(row.median_ns, self.raw_libffi_ns())
    }

    /// The rows that have a figure.
    pub fn measured(&self) -> impl Iterator<Item = &Row> {
        self.rows.iter().filter(|row| row.median_ns.is_some())
    }
}

fn ratio(value: Option<f64>, base: Option<f64>) -> Option<f64> {
    match (value, base) {
        (Some(value), Some(base)) if base > 0.0 => Some(value / base),
        _ => None,
    }
}

/// Everything the Markdown and the chart show.
#[derive(Debug)]
pub struct Report {
    pub groups: Vec<GroupReport>,
    pub machine: Machine,
    /// The command that produced the figures.
    pub command: String,
    /// The CPython version of the comparison rows, when there are some.
    pub python: Option<String>,
    /// When the newest of the criterion results was written.
    pub measured_at: Option<SystemTime>,
    /// Things the reader of the console should know (ignored ids, mixed runs).
    pub warnings: Vec<String>,
}

/// Criterion results written more than this far apart come from different runs.
const SAME_RUN_SECONDS: u64 = 6 * 3600;

impl Report {
    /// Reads every id of the contract from `criterion`, and the CPython figures if any.
    pub fn collect(
        criterion: &Path,
        cpython: Option<&CpythonFigures>,
        machine: Machine,
        command: String,
    ) -> Result<Report, ReadError> {
        let mut groups = Vec::new();
        let mut warnings = Vec::new();
        let mut times = Vec::new();
        for spec in GROUPS {
            let mut rows = Vec::new();
            for path in spec.paths {
                let found = read_estimate(criterion, spec.id, path.id)?;
                if let Some((_, modified)) = found {
                    times.push(modified);
                }
                let estimate: Option<Estimate> = found.map(|(estimate, _)| estimate);
                rows.push(Row {
                    id: path.id.to_owned(),
                    what: path.what.to_owned(),
                    source: Source::Criterion,
                    median_ns: estimate.map(|e| e.median_ns),
                    interval_ns: estimate.map(|e| (e.lower_ns, e.upper_ns)),
                });
            }
            if let Some(&ns) = cpython.and_then(|figures| figures.ns.get(spec.id)) {
                rows.push(Row {
                    id: "cpython_ctypes".to_owned(),
                    what: CPYTHON_LABEL.to_owned(),
                    source: Source::Cpython,
                    median_ns: Some(ns),
                    interval_ns: None,
                });
            }
            let unknown = unknown_functions(criterion, spec);
            if !unknown.is_empty() {
                warnings.push(format!(
                    "ignored results of {}/{{{}}}: not ids the benchmark produces now",
                    spec.id,
                    unknown.join(",")
                ));
            }
            groups.push(GroupReport { spec, rows });
        }
        let newest = times.iter().max().copied();
        if let (Some(newest), Some(oldest)) = (newest, times.iter().min()) {
            let spread = newest.duration_since(*oldest).unwrap_or_default();
            if spread.as_secs() > SAME_RUN_SECONDS {
                warnings.push(format!(
                    "the criterion results were written {} h apart: some may be from an older run",
                    spread.as_secs() / 3600
                ));
            }
        }
        Ok(Report {
            groups,
            machine,
            command,
            python: cpython.map(|figures| figures.python.clone()),
            measured_at: newest,
            warnings,
        })
    }
}

/// A duration for people: `812 ps`, `1.52 ns`, `12.3 ns`, `4.56 µs`, `1.20 ms`.
pub fn format_ns(ns: f64) -> String {
    let (value, unit) = if ns < 1.0 {
        (ns * 1000.0, "ps")
    } else if ns < 1e3 {
        (ns, "ns")
    } else if ns < 1e6 {
        (ns / 1e3, "µs")
    } else {
        (ns / 1e6, "ms")
    };
    if value < 10.0 {
        format!("{value:.2} {unit}")
    } else if value < 100.0 {
        format!("{value:.1} {unit}")
    } else {
        format!("{value:.0} {unit}")
    }
}

/// A ratio for people: `1.00×`, `3.45×`, `12.3×`, `145×`.
pub fn format_ratio(ratio: f64) -> String {
    if ratio < 10.0 {
        format!("{ratio:.2}×")
    } else if ratio < 100.0 {
        format!("{ratio:.1}×")
    } else {
        format!("{ratio:.0}×")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_ratios_read_well() {
        assert_eq!(format_ns(0.8123), "812 ps");
        assert_eq!(format_ns(1.523), "1.52 ns");
        assert_eq!(format_ns(12.34), "12.3 ns");
        assert_eq!(format_ns(123.4), "123 ns");
        assert_eq!(format_ns(4_561.0), "4.56 µs");
        assert_eq!(format_ns(1_204_000.0), "1.20 ms");
        assert_eq!(format_ratio(1.0), "1.00×");
        assert_eq!(format_ratio(12.34), "12.3×");
        assert_eq!(format_ratio(145.4), "145×");
    }
}
