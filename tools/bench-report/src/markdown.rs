//! `docs/benchmarks.md`: the machine, the command, and a table per group.

use std::fmt::Write;

use crate::machine::format_utc;
use crate::report::{format_ns, format_ratio, GroupReport, Report, Source};

/// What a cell shows for a figure this run does not have.
pub const NOT_MEASURED: &str = "not measured";

/// Renders the whole report; `chart` is the chart's file name relative to the Markdown file.
pub fn render(report: &Report, chart: &str) -> String {
    let mut out = String::new();
    out.push_str("# Call overhead\n\n");
    out.push_str(
        "Time per call of C functions through each calling path, from the criterion benchmark \
         `tests/benches/calls.rs`. Medians of criterion's samples, with their 95 % confidence \
         intervals; ratios are of medians. Lower is better.\n\n",
    );
    out.push_str("Regenerate (on a quiet machine): `scripts/bench.sh` — see `tools/bench-report/README.md`.\n\n");

    out.push_str("## Machine\n\n| | |\n| --- | --- |\n");
    let machine = &report.machine;
    let _ = writeln!(out, "| CPU | {} |", cell(&machine.cpu));
    let _ = writeln!(out, "| Cores | {} |", cell(&machine.cores));
    let _ = writeln!(out, "| OS | {} |", cell(&machine.os));
    let _ = writeln!(out, "| Compiler | {} |", cell(&machine.rustc));
    if let Some(python) = &report.python {
        let _ = writeln!(out, "| Python (CPython ctypes rows) | {} |", cell(python));
    }
    let measured = report
        .measured_at
        .map_or_else(|| NOT_MEASURED.to_owned(), format_utc);
    let _ = writeln!(out, "| Measured | {measured} |");
    let _ = writeln!(out, "| Command | `{}` |", report.command.replace('`', "'"));
    out.push('\n');

    let _ = writeln!(out, "![Call overhead per group]({chart})\n");

    for group in &report.groups {
        render_group(&mut out, group);
    }
    out
}

fn render_group(out: &mut String, group: &GroupReport) {
    let spec = group.spec;
    let _ = writeln!(out, "## `{}`: `{}`\n", spec.id, spec.signature);
    if let Some(note) = spec.note {
        let _ = writeln!(out, "{note}\n");
    }
    if group.measured().next().is_none() {
        let _ = writeln!(out, "Not measured in this run.\n");
        return;
    }
    let _ = writeln!(
        out,
        "| Path | What | Median | 95 % CI of the median | × `{}` | × `{}` |",
        spec.baseline, spec.raw_libffi
    );
    out.push_str("| --- | --- | ---: | ---: | ---: | ---: |\n");
    for row in &group.rows {
        let path = match row.source {
            Source::Criterion => format!("`{}`", row.id),
            Source::Cpython => "CPython ctypes".to_owned(),
        };
        let median = row
            .median_ns
            .map_or_else(|| NOT_MEASURED.to_owned(), format_ns);
        let interval = match (row.source, row.interval_ns) {
            (_, Some((lower, upper))) => format!("{} – {}", format_ns(lower), format_ns(upper)),
            (Source::Cpython, None) => "best of repeats".to_owned(),
            (Source::Criterion, None) => "—".to_owned(),
        };
        let to_baseline = group
            .ratio_to_baseline(row)
            .map_or_else(|| "—".to_owned(), format_ratio);
        let to_raw = group
            .ratio_to_raw_libffi(row)
            .map_or_else(|| "—".to_owned(), format_ratio);
        let _ = writeln!(
            out,
            "| {path} | {} | {median} | {interval} | {to_baseline} | {to_raw} |",
            cell(&row.what)
        );
    }
    out.push('\n');
    let mut missing = Vec::new();
    if group.baseline_ns().is_none() {
        missing.push(format!("`{}`", spec.baseline));
    }
    if group.raw_libffi_ns().is_none() {
        missing.push(format!("`{}`", spec.raw_libffi));
    }
    if !missing.is_empty() {
        let _ = writeln!(
            out,
            "{} not measured in this run, so its ratio column is empty.\n",
            missing.join(" and ")
        );
    }
}

/// Text safe inside a table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}
