//! `docs/benchmarks.svg`: one panel of horizontal bars per group, on a log scale, since the
//! paths of one group differ by up to two orders of magnitude.
//!
//! Text goes into the SVG as `<text>` elements that the viewer lays out, so drawing needs no
//! font files (plotters is built without its `ttf` feature).

use std::path::Path;

use plotters::coord::ranged1d::SegmentValue;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::markdown::NOT_MEASURED;
use crate::report::{format_ns, format_ratio, GroupReport, Report, Row, Source, CPYTHON_LABEL};

const WIDTH: u32 = 1200;
const HEADER: u32 = 84;
const PANEL_TITLE: u32 = 38;
const ROW: u32 = 30;
const AXIS: u32 = 44;
const LABEL_AREA: u32 = 360;
const FONT: &str = "sans-serif";

const NO_FFI: RGBColor = RGBColor(150, 150, 150);
const LIBFFI: RGBColor = RGBColor(86, 120, 168);
const CTYPES: RGBColor = RGBColor(226, 117, 36);
const CPYTHON: RGBColor = RGBColor(128, 72, 168);
const INK: RGBColor = RGBColor(40, 40, 40);

/// Draws the chart of every group that has figures into an SVG file at `path`.
pub fn write_svg(report: &Report, path: &Path) -> Result<(), String> {
    let panels: Vec<&GroupReport> = report
        .groups
        .iter()
        .filter(|group| group.measured().next().is_some())
        .collect();
    let heights: Vec<u32> = panels
        .iter()
        .map(|group| PANEL_TITLE + ROW * group.rows.len() as u32 + AXIS)
        .collect();
    let height = HEADER + heights.iter().sum::<u32>().max(40);

    let root = SVGBackend::new(path, (WIDTH, height)).into_drawing_area();
    root.fill(&WHITE).map_err(draw_error)?;
    let (header, mut rest) = root.split_vertically(HEADER);
    draw_header(&header, report, panels.is_empty()).map_err(draw_error)?;
    for (group, height) in panels.iter().zip(&heights) {
        let (panel, below) = rest.split_vertically(*height);
        draw_panel(&panel, group).map_err(draw_error)?;
        rest = below;
    }
    root.present().map_err(draw_error)
}

fn draw_error<E: std::error::Error + Send + Sync>(error: DrawingAreaErrorKind<E>) -> String {
    format!("drawing the chart: {error}")
}

type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;
type DrawResult =
    Result<(), DrawingAreaErrorKind<<SVGBackend<'static> as DrawingBackend>::ErrorType>>;

fn draw_header(area: &Area<'_>, report: &Report, empty: bool) -> DrawResult {
    let title = (FONT, 27).into_font().style(FontStyle::Bold).color(&INK);
    area.draw(&Text::new(
        "Call overhead per path (median; log scale; whiskers: 95 % CI)",
        (16, 10),
        title,
    ))?;
    let small = (FONT, 17).into_font().color(&INK);
    let machine = format!("{} · {}", report.machine.cpu, report.machine.rustc);
    area.draw(&Text::new(machine, (16, 36), small.clone()))?;
    if empty {
        area.draw(&Text::new(
            "No figures: nothing was measured.",
            (16, 56),
            small,
        ))?;
        return Ok(());
    }
    let mut x = 16;
    for (color, label) in [
        (NO_FFI, "no FFI library"),
        (LIBFFI, "libffi used directly"),
        (CTYPES, "this crate"),
        (CPYTHON, CPYTHON_LABEL),
    ] {
        if color == CPYTHON && report.python.is_none() {
            continue;
        }
        area.draw(&Rectangle::new([(x, 59), (x + 14, 73)], color.filled()))?;
        area.draw(&Text::new(label, (x + 20, 58), small.clone()))?;
        x += 20 + 7 * label.chars().count() as i32 + 36;
    }
    Ok(())
}

fn color_of(group: &GroupReport, row: &Row) -> RGBColor {
    match row.source {
        Source::Cpython => CPYTHON,
        Source::Criterion if row.id == group.spec.baseline => NO_FFI,
        Source::Criterion if row.id == group.spec.raw_libffi => LIBFFI,
        Source::Criterion => CTYPES,
    }
}

fn label_of(row: &Row) -> String {
    match row.source {
        Source::Criterion => row.id.clone(),
        Source::Cpython => CPYTHON_LABEL.to_owned(),
    }
}

fn draw_panel(area: &Area<'_>, group: &GroupReport) -> DrawResult {
    // Every row of a measured group, so that a missing path says so instead of vanishing.
    let rows: Vec<&Row> = group.rows.iter().collect();
    let n = rows.len();
    // Top to bottom in the contract's order: segment `n - 1 - k` holds row `k`.
    let segment = |k: usize| n - 1 - k;
    let extent = |row: &Row| {
        let median = row.median_ns?;
        Some(row.interval_ns.map_or((median, median), |(lower, upper)| {
            (lower.min(median), upper.max(median))
        }))
    };
    let extents: Vec<(f64, f64)> = rows.iter().filter_map(|row| extent(row)).collect();
    let low = extents.iter().map(|e| e.0).fold(f64::INFINITY, f64::min);
    let high = extents.iter().map(|e| e.1).fold(0.0, f64::max);
    let x_min = 10f64.powf((low * 0.9).log10().floor());
    // Room right of the longest bar for its value label, and at least two decades, so that
    // the axis is labelled at powers of ten.
    let x_max = (high * 12.0).max(x_min * 100.0);

    let title = format!("{}:  {}", group.spec.id, group.spec.chart_title);
    let mut chart = ChartBuilder::on(area)
        .caption(
            title,
            (FONT, 21).into_font().style(FontStyle::Bold).color(&INK),
        )
        .margin_left(12)
        .margin_right(24)
        .margin_top(4)
        .x_label_area_size(AXIS - 14)
        .y_label_area_size(LABEL_AREA)
        // `0..n - 1` is n segments: plotters' integer ranges include their end.
        .build_cartesian_2d((x_min..x_max).log_scale(), (0..n - 1).into_segmented())?;

    let label_of_segment = |value: &SegmentValue<usize>| match value {
        SegmentValue::CenterOf(i) if *i < n => label_of(rows[n - 1 - *i]),
        _ => String::new(),
    };
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(n + 1)
        .y_label_formatter(&label_of_segment)
        .y_label_style((FONT, 18).into_font().color(&INK))
        .x_label_formatter(&|ns| format_tick(*ns))
        .x_label_style((FONT, 16).into_font().color(&INK))
        .light_line_style(RGBColor(240, 240, 240))
        .bold_line_style(RGBColor(200, 200, 200))
        .axis_style(RGBColor(120, 120, 120))
        .draw()?;

    let baseline = group.baseline_ns();
    let value_style = (FONT, 17)
        .into_font()
        .color(&INK)
        .pos(Pos::new(HPos::Left, VPos::Center));
    let missing_style = (FONT, 17)
        .into_font()
        .style(FontStyle::Italic)
        .color(&RGBColor(130, 130, 130))
        .pos(Pos::new(HPos::Left, VPos::Center));
    for (k, row) in rows.iter().enumerate() {
        let i = segment(k);
        let Some(median) = row.median_ns else {
            chart.draw_series(std::iter::once(Text::new(
                NOT_MEASURED,
                (x_min * 1.1, SegmentValue::CenterOf(i)),
                missing_style.clone(),
            )))?;
            continue;
        };
        let mut bar = Rectangle::new(
            [
                (x_min, SegmentValue::Exact(i)),
                (median, SegmentValue::Exact(i + 1)),
            ],
            color_of(group, row).filled(),
        );
        bar.set_margin(5, 5, 0, 0);
        chart.draw_series(std::iter::once(bar))?;
        if let Some((lower, upper)) = row.interval_ns {
            chart.draw_series(std::iter::once(PathElement::new(
                vec![
                    (lower, SegmentValue::CenterOf(i)),
                    (upper, SegmentValue::CenterOf(i)),
                ],
                INK.stroke_width(2),
            )))?;
        }
        let mut text = format_ns(median);
        if let (Some(ratio), Some(_)) = (group.ratio_to_baseline(row), baseline) {
            if row.id != group.spec.baseline || row.source != Source::Criterion {
                text.push_str(&format!(
                    "  ({} {})",
                    format_ratio(ratio),
                    group.spec.baseline
                ));
            }
        }
        let end = extent(row).map_or(median, |e| e.1) * 1.12;
        chart.draw_series(std::iter::once(Text::new(
            text,
            (end, SegmentValue::CenterOf(i)),
            value_style.clone(),
        )))?;
    }
    Ok(())
}

/// An axis tick: `1 ns`, `20 ns`, `1.5 µs`, `100 ps`.
fn format_tick(ns: f64) -> String {
    let (value, unit) = if ns < 1.0 {
        (ns * 1000.0, "ps")
    } else if ns < 1e3 {
        (ns, "ns")
    } else if ns < 1e6 {
        (ns / 1e3, "µs")
    } else {
        (ns / 1e6, "ms")
    };
    let text = format!("{value:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    format!("{text} {unit}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_drop_needless_digits() {
        assert_eq!(format_tick(1.0), "1 ns");
        assert_eq!(format_tick(20.0), "20 ns");
        assert_eq!(format_tick(1500.0), "1.5 µs");
        assert_eq!(format_tick(0.1), "100 ps");
    }
}
