//! The report from fake criterion directories laid out as criterion lays them out.

use std::fs;
use std::path::Path;

use tempfile::TempDir;

use super::*;
use crate::markdown::NOT_MEASURED;
use crate::report::{GroupReport, Source, CPYTHON_LABEL};

/// An `estimates.json` as criterion 0.8 writes it (abridged numbers, same shape).
fn estimates_json(median: f64) -> String {
    let (lower, upper) = (median * 0.98, median * 1.03);
    format!(
        r#"{{"mean":{{"confidence_interval":{{"confidence_level":0.95,"lower_bound":{m1},"upper_bound":{m2}}},"point_estimate":{m},"standard_error":0.5}},"median":{{"confidence_interval":{{"confidence_level":0.95,"lower_bound":{lower},"upper_bound":{upper}}},"point_estimate":{median},"standard_error":0.4}},"median_abs_dev":{{"confidence_interval":{{"confidence_level":0.95,"lower_bound":0.1,"upper_bound":0.3}},"point_estimate":0.2,"standard_error":0.05}},"slope":null,"std_dev":{{"confidence_interval":{{"confidence_level":0.95,"lower_bound":0.4,"upper_bound":0.9}},"point_estimate":0.6,"standard_error":0.1}}}}"#,
        m = median * 1.1,
        m1 = median * 1.05,
        m2 = median * 1.15,
    )
}

fn put(criterion: &Path, group: &str, function: &str, median: f64) {
    let dir = criterion.join(group).join(function);
    for sub in ["new", "base"] {
        fs::create_dir_all(dir.join(sub)).unwrap();
        // `base` holds an older run, which the report must not read.
        let value = if sub == "new" { median } else { median * 100.0 };
        fs::write(dir.join(sub).join("estimates.json"), estimates_json(value)).unwrap();
    }
}

fn machine() -> Machine {
    Machine {
        cpu: "Test CPU 3000".to_owned(),
        cores: "2 logical CPUs".to_owned(),
        os: "Test OS, kernel Linux 6.1".to_owned(),
        rustc: "rustc 1.95.0".to_owned(),
    }
}

struct Fixture {
    dir: TempDir,
}

impl Fixture {
    /// `add` fully measured but for `ctypes_typed`; `mid` without its baseline; nothing else.
    fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let criterion = dir.path().join("criterion");
        put(&criterion, "add", "direct", 2.0);
        put(&criterion, "add", "raw_libffi", 10.0);
        put(&criterion, "add", "ctypes_libffi", 14.0);
        put(&criterion, "add", "ctypes_fast", 4.0);
        put(&criterion, "mid", "raw_libffi", 20.0);
        put(&criterion, "mid", "ctypes_libffi_into", 30.0);
        put(&criterion, "callback_x1000", "old_name", 5.0);
        Fixture { dir }
    }

    fn options(&self) -> Options {
        Options::parse(
            self.dir.path(),
            [
                "--criterion".into(),
                self.dir.path().join("criterion").into_os_string(),
                "--cpython".into(),
                self.dir.path().join("cpython.json").into_os_string(),
                "--out".into(),
                self.dir.path().join("docs").into_os_string(),
            ],
        )
        .unwrap()
    }

    fn report(&self) -> Report {
        let options = self.options();
        let cpython = CpythonFigures::read(&options.cpython).unwrap();
        Report::collect(
            &options.criterion,
            cpython.as_ref(),
            machine(),
            "cmd".into(),
        )
        .unwrap()
    }

    fn write_cpython(&self) {
        fs::write(
            self.dir.path().join("cpython.json"),
            r#"{"python": "3.11.7", "add": 80.0, "sum6": 120.0, "callback_x1000": 90000.0}"#,
        )
        .unwrap();
    }
}

fn group<'a>(report: &'a Report, id: &str) -> &'a GroupReport {
    report
        .groups
        .iter()
        .find(|group| group.spec.id == id)
        .unwrap()
}

fn close(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 1e-9)
}

#[test]
fn medians_and_ratios_come_from_the_new_estimates() {
    let fixture = Fixture::new();
    let report = fixture.report();
    let add = group(&report, "add");
    assert_eq!(add.baseline_ns(), Some(2.0));
    assert_eq!(add.raw_libffi_ns(), Some(10.0));
    let fast = add.rows.iter().find(|row| row.id == "ctypes_fast").unwrap();
    assert_eq!(fast.median_ns, Some(4.0));
    assert_eq!(fast.interval_ns, Some((4.0 * 0.98, 4.0 * 1.03)));
    assert!(close(add.ratio_to_baseline(fast), 2.0));
    assert!(close(add.ratio_to_raw_libffi(fast), 0.4));
    let libffi = add
        .rows
        .iter()
        .find(|row| row.id == "ctypes_libffi")
        .unwrap();
    assert!(close(add.ratio_to_baseline(libffi), 7.0));
    assert!(close(add.ratio_to_raw_libffi(libffi), 1.4));
}

#[test]
fn missing_ids_are_not_measured() {
    let fixture = Fixture::new();
    let report = fixture.report();
    let add = group(&report, "add");
    let typed = add
        .rows
        .iter()
        .find(|row| row.id == "ctypes_typed")
        .unwrap();
    assert_eq!(typed.median_ns, None);
    assert_eq!(add.ratio_to_baseline(typed), None);
    assert_eq!(group(&report, "sum6").measured().count(), 0);

    let markdown = markdown::render(&report, "benchmarks.svg");
    let typed_line = markdown
        .lines()
        .find(|line| line.starts_with("| `ctypes_typed` | macro-generated"))
        .unwrap();
    assert!(typed_line.contains(NOT_MEASURED), "{typed_line}");
    let sum6 = markdown.split("## `sum6`").nth(1).unwrap();
    assert!(sum6.trim_start().lines().nth(1).unwrap().is_empty());
    assert!(sum6.contains("Not measured in this run."));
    assert!(markdown.contains("| `ctypes_fast` | `Function::call_value` on the register call (no libffi) | 4.00 ns | 3.92 ns – 4.12 ns | 2.00× | 0.40× |"), "{markdown}");
    assert!(markdown.contains("| `direct` | Rust call through a function pointer (no FFI library) | 2.00 ns | 1.96 ns – 2.06 ns | 1.00× | 0.20× |"));
}

#[test]
fn a_missing_baseline_empties_its_ratio_column() {
    let fixture = Fixture::new();
    let report = fixture.report();
    let mid = group(&report, "mid");
    let into = mid
        .rows
        .iter()
        .find(|row| row.id == "ctypes_libffi_into")
        .unwrap();
    assert_eq!(mid.ratio_to_baseline(into), None);
    assert!(close(mid.ratio_to_raw_libffi(into), 1.5));
    let markdown = markdown::render(&report, "benchmarks.svg");
    assert!(markdown.contains("| 30.0 ns | 29.4 ns – 30.9 ns | — | 1.50× |"));
    assert!(markdown.contains("`direct` not measured in this run"));
}

#[test]
fn cpython_figures_become_labelled_rows() {
    let fixture = Fixture::new();
    fixture.write_cpython();
    let report = fixture.report();
    assert_eq!(report.python.as_deref(), Some("3.11.7"));
    let add = group(&report, "add");
    let cpython = add.rows.last().unwrap();
    assert_eq!(cpython.source, Source::Cpython);
    assert_eq!(cpython.what, CPYTHON_LABEL);
    assert!(close(add.ratio_to_baseline(cpython), 40.0));
    assert!(close(add.ratio_to_raw_libffi(cpython), 8.0));
    // A CPython figure alone does not make a group measured by criterion, nor its baseline.
    assert_eq!(group(&report, "sum6").baseline_ns(), None);
    assert!(!group(&report, "mid")
        .rows
        .iter()
        .any(|row| row.source == Source::Cpython));

    let markdown = markdown::render(&report, "benchmarks.svg");
    assert!(markdown.contains(&format!(
        "| CPython ctypes | {CPYTHON_LABEL} | 80.0 ns | best of repeats | 40.0× | 8.00× |"
    )));
    assert!(markdown.contains("| Python (CPython ctypes rows) | 3.11.7 |"));
}

#[test]
fn ids_the_contract_does_not_name_are_reported_and_ignored() {
    let fixture = Fixture::new();
    let report = fixture.report();
    assert!(group(&report, "callback_x1000").measured().next().is_none());
    assert_eq!(report.warnings.len(), 1, "{:?}", report.warnings);
    assert!(report.warnings[0].contains("callback_x1000/{old_name}"));
}

#[test]
fn generate_writes_the_markdown_and_the_svg() {
    let fixture = Fixture::new();
    fixture.write_cpython();
    let written = generate(&fixture.options(), machine()).unwrap();
    let paths: usize = GROUPS.iter().map(|g| g.paths.len()).sum();
    assert_eq!((written.measured, written.total), (6, paths));

    let markdown = fs::read_to_string(&written.markdown).unwrap();
    assert!(markdown.contains("| CPU | Test CPU 3000 |"));
    assert!(markdown.contains("| Command | `cargo bench -p ctypes-tests --bench calls` |"));
    assert!(markdown.contains("![Call overhead per group](benchmarks.svg)"));

    let svg = fs::read_to_string(&written.chart).unwrap();
    assert!(svg.starts_with("<svg"), "{}", &svg[..svg.len().min(200)]);
    assert!(svg.trim_end().ends_with("</svg>"));
    let texts = svg_texts(&svg);
    let has = |text: &str| texts.iter().any(|t| t == text);
    assert!(has(CPYTHON_LABEL), "{texts:?}");
    assert!(has("ctypes_fast"), "{texts:?}");
    assert!(has("4.00 ns  (2.00× direct)"), "{texts:?}");
    assert!(has("add:  int add(int, int)"), "{texts:?}");
    // A path without figures is labelled so; a group without figures gets no panel.
    assert!(has("ctypes_typed"), "{texts:?}");
    assert!(has(NOT_MEASURED), "{texts:?}");
    assert!(texts.iter().any(|t| t.starts_with("mid:")), "{texts:?}");
    assert!(
        texts.iter().any(|t| t.starts_with("sum6:")),
        "a CPython figure"
    );

    fs::remove_file(fixture.dir.path().join("cpython.json")).unwrap();
    let written = generate(&fixture.options(), machine()).unwrap();
    let texts = svg_texts(&fs::read_to_string(&written.chart).unwrap());
    assert!(!texts.iter().any(|t| t.starts_with("sum6:")), "{texts:?}");
    assert!(!texts.iter().any(|t| t == CPYTHON_LABEL), "{texts:?}");
}

/// The contents of the SVG's `<text>` elements, trimmed.
fn svg_texts(svg: &str) -> Vec<String> {
    svg.split("<text")
        .skip(1)
        .filter_map(|rest| {
            let (_, content) = rest.split_once('>')?;
            let (content, _) = content.split_once("</text>")?;
            Some(content.trim().to_owned())
        })
        .collect()
}

#[test]
fn no_results_is_an_error_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let options = Options::parse(
        dir.path(),
        [
            "--criterion".into(),
            dir.path().join("none").into_os_string(),
        ],
    )
    .unwrap();
    let error = generate(&options, machine()).unwrap_err();
    assert!(error.contains("no results"), "{error}");
    assert!(!dir.path().join("docs").exists());
}

#[test]
fn a_malformed_estimates_file_is_an_error_naming_it() {
    let fixture = Fixture::new();
    let path = fixture
        .dir
        .path()
        .join("criterion/add/direct/new/estimates.json");
    fs::write(&path, r#"{"median": {}}"#).unwrap();
    let error = generate(&fixture.options(), machine()).unwrap_err();
    assert!(error.contains("add/direct/new/estimates.json"), "{error}");
    assert!(error.contains("/median/point_estimate"), "{error}");
}

#[test]
fn options_default_to_the_workspace() {
    let root = Path::new("/ws");
    let options = Options::parse(root, ["--command".into(), "scripts/bench.sh".into()]).unwrap();
    assert_eq!(options.out, root.join("docs"));
    assert_eq!(options.command, "scripts/bench.sh");
    assert!(options.criterion.ends_with("criterion"));
    assert!(options.cpython.ends_with("cpython-ctypes.json"));
    assert!(Options::parse(root, ["--out".into()]).is_err());
    assert!(Options::parse(root, ["--bogus".into()]).is_err());
}
