//! Turns the criterion results of `cargo bench -p ctypes-tests --bench calls` (and, when
//! present, the CPython `ctypes` figures of `scripts/cpython_ctypes_bench.py`) into
//! `docs/benchmarks.md` and `docs/benchmarks.svg`.
//!
//! Run `cargo bench-report -- --help` for the options; `scripts/bench.sh` runs the whole chain.
//! See `tools/bench-report/README.md`.

mod chart;
mod cpython;
mod machine;
mod markdown;
mod report;
mod results;

use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::cpython::CpythonFigures;
use crate::machine::Machine;
use crate::report::Report;
use crate::results::{default_criterion_dir, target_dir, GROUPS};

const DEFAULT_COMMAND: &str = "cargo bench -p ctypes-tests --bench calls";

const USAGE: &str = "\
usage: bench-report [--criterion DIR] [--cpython FILE] [--out DIR] [--command TEXT]

  --criterion DIR  criterion's output (default: $CARGO_TARGET_DIR/criterion, else target/criterion)
  --cpython FILE   figures of scripts/cpython_ctypes_bench.py, used when the file exists
                   (default: cpython-ctypes.json in the same target directory)
  --out DIR        where benchmarks.md and benchmarks.svg go (default: docs/)
  --command TEXT   the command that produced the figures, for the report
                   (default: cargo bench -p ctypes-tests --bench calls)";

/// Where to read and write, and what to say produced the figures.
#[derive(Debug, Clone, PartialEq)]
struct Options {
    criterion: PathBuf,
    cpython: PathBuf,
    out: PathBuf,
    command: String,
}

impl Options {
    fn parse(
        workspace: &Path,
        args: impl IntoIterator<Item = OsString>,
    ) -> Result<Options, String> {
        let target = target_dir(workspace);
        let mut options = Options {
            criterion: default_criterion_dir(workspace),
            cpython: target.join("cpython-ctypes.json"),
            out: workspace.join("docs"),
            command: DEFAULT_COMMAND.to_owned(),
        };
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            let arg = arg
                .into_string()
                .map_err(|arg| format!("not UTF-8: {arg:?}"))?;
            let mut value = || {
                args.next()
                    .ok_or_else(|| format!("{arg} needs a value\n\n{USAGE}"))
            };
            match arg.as_str() {
                "--criterion" => options.criterion = value()?.into(),
                "--cpython" => options.cpython = value()?.into(),
                "--out" => options.out = value()?.into(),
                "--command" => {
                    options.command = value()?
                        .into_string()
                        .map_err(|text| format!("not UTF-8: {text:?}"))?;
                }
                "-h" | "--help" => return Err(USAGE.to_owned()),
                other => return Err(format!("unknown argument {other:?}\n\n{USAGE}")),
            }
        }
        Ok(options)
    }
}

/// What one run wrote.
#[derive(Debug)]
struct Written {
    markdown: PathBuf,
    chart: PathBuf,
    measured: usize,
    total: usize,
    warnings: Vec<String>,
}

const MARKDOWN: &str = "benchmarks.md";
const CHART: &str = "benchmarks.svg";

fn generate(options: &Options, machine: Machine) -> Result<Written, String> {
    let cpython = CpythonFigures::read(&options.cpython)?;
    let report = Report::collect(
        &options.criterion,
        cpython.as_ref(),
        machine,
        options.command.clone(),
    )
    .map_err(|error| error.to_string())?;
    let total: usize = GROUPS.iter().map(|group| group.paths.len()).sum();
    let measured = report
        .groups
        .iter()
        .flat_map(|group| group.measured())
        .filter(|row| row.source == report::Source::Criterion)
        .count();
    if measured == 0 {
        return Err(format!(
            "no results of the `calls` benchmark under {}: run `{DEFAULT_COMMAND}` first, \
             or name criterion's directory with --criterion",
            options.criterion.display()
        ));
    }
    fs::create_dir_all(&options.out)
        .map_err(|error| format!("cannot create {}: {error}", options.out.display()))?;
    let markdown = options.out.join(MARKDOWN);
    let chart = options.out.join(CHART);
    fs::write(&markdown, markdown::render(&report, CHART))
        .map_err(|error| format!("cannot write {}: {error}", markdown.display()))?;
    chart::write_svg(&report, &chart)?;
    Ok(Written {
        markdown,
        chart,
        measured,
        total,
        warnings: report.warnings,
    })
}

fn workspace_root() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    root.canonicalize().unwrap_or(root)
}

fn main() -> ExitCode {
    let options = match Options::parse(&workspace_root(), std::env::args_os().skip(1)) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    match generate(&options, Machine::detect()) {
        Ok(written) => {
            for warning in &written.warnings {
                eprintln!("bench-report: warning: {warning}");
            }
            println!(
                "bench-report: {} of {} benchmark ids measured; wrote {} and {}",
                written.measured,
                written.total,
                written.markdown.display(),
                written.chart.display()
            );
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("bench-report: {message}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests;
