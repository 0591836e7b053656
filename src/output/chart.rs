//! SVG charts of ensemble results (feature `charts`).
//!
//! Three charts, each returned as a complete SVG document in a `String`
//! (the caller decides where to write it):
//!
//! * [`adoption_curve`]: the mean cumulative adoption after each step as a
//!   line, with its 95% confidence interval (`ci_low..ci_high`) as a shaded
//!   band; feed it [`EnsembleResult::adoption_curve`].
//! * [`channel_adoptions`]: the mean cumulative adoptions per channel per
//!   step, stacked: one filled area per channel, the first at the bottom,
//!   and a legend naming each channel.
//! * [`cascade_sizes`]: the distribution of the cascade size over runs as
//!   bars, grouped into at most `max_bins` equal-width bins, with the
//!   fraction of runs on the y axis.
//! * [`quantity_curves`]: curves of a model's own quantities (talkers by
//!   valence, net sentiment, messages per channel ...) after each step,
//!   each a line with its 95% band; feed it
//!   [`Curves::quantities`](crate::kpi::Curves::quantities).
//!
//! * [`parameter_curves`]: a KPI against a parameter (a sweep), each
//!   series a line with its 95% band.
//!
//! [`stack_vertically`] puts several of them, one above the other, into a
//! single document, and [`report_charts`] draws the whole page of a KPI
//! report (what `wom plot` draws).
//!
//! Series take their colours, in order and cycling, from [`PALETTE`], the
//! Okabe–Ito palette, which stays distinguishable under the common forms of
//! colour blindness. Text is written as SVG `<text>` elements in the
//! `sans-serif` family, so the viewer's fonts render it and no font is
//! loaded here.
//!
//! Text from the caller (titles, labels, series and category names) is
//! escaped for XML; a character XML 1.0 cannot hold at all (a NUL, an
//! escape or another C0 control but tab and line breaks) is drawn as
//! U+FFFD, `�`, so every chart is a well-formed document.
//!
//! Every function checks its input first and returns
//! [`Error::InvalidParameter`] rather than panicking or drawing nonsense:
//! empty data, NaN or infinite values, mismatched lengths, a zero size.
//!
//! [`EnsembleResult::adoption_curve`]: crate::ensemble::EnsembleResult::adoption_curve
//!
//! # Example
//! ```
//! use wom::chart::{adoption_curve, ChartOptions};
//! use wom::ensemble::Estimate;
//!
//! let curve: Vec<Estimate> = [1.0, 3.0, 6.0, 8.0]
//!     .iter()
//!     .map(|&m| Estimate { runs: 100, mean: m, std_dev: 1.0, ci_low: m - 0.2, ci_high: m + 0.2 })
//!     .collect();
//! let options = ChartOptions { title: "Campaign A".into(), ..ChartOptions::default() };
//! let svg = adoption_curve(&curve, &options)?;
//! // std::fs::write("adoption.svg", &svg)?;
//! assert!(svg.starts_with("<svg"));
//! # Ok::<(), wom::Error>(())
//! ```

use std::ops::Range;

use plotters::backend::SVGBackend;
use plotters::chart::{ChartBuilder, ChartContext, SeriesLabelPosition};
use plotters::coord::Shift;
use plotters::coord::cartesian::Cartesian2d;
use plotters::coord::types::RangedCoordf64;
use plotters::drawing::{DrawingArea, DrawingAreaErrorKind, IntoDrawingArea};
use plotters::element::{Circle, PathElement, Polygon, Rectangle};
use plotters::series::LineSeries;
use plotters::style::{BLACK, Color, RGBColor, TRANSPARENT, WHITE};

use crate::ensemble::Estimate;
use crate::error::{Error, Result};
use crate::kpi::{KpiReport, NamedCurve};
use crate::observed::{
    Binning, CascadeTable, Comparison, KsMethod, TreeKpi, ValueCount, bin_counts, common_edges,
};

/// The Okabe–Ito colour-blind-safe palette (Okabe & Ito 2008, "Color
/// Universal Design"), as `(red, green, blue)`, in the order series use it:
/// blue, orange, bluish green, vermillion, sky blue, reddish purple, yellow,
/// black. The ninth series takes the first colour again.
pub const PALETTE: [(u8, u8, u8); 8] = [
    (0x00, 0x72, 0xB2),
    (0xE6, 0x9F, 0x00),
    (0x00, 0x9E, 0x73),
    (0xD5, 0x5E, 0x00),
    (0x56, 0xB4, 0xE9),
    (0xCC, 0x79, 0xA7),
    (0xF0, 0xE4, 0x42),
    (0x00, 0x00, 0x00),
];

/// The largest width or height accepted, in pixels. It keeps every pixel
/// coordinate far inside plotters' `i32` arithmetic.
pub const MAX_SIDE: u32 = 100_000;

/// Size and titles of a chart.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartOptions {
    /// Width in pixels, `1..=MAX_SIDE`.
    pub width: u32,
    /// Height in pixels, `1..=MAX_SIDE`.
    pub height: u32,
    /// The title above the chart; empty for none.
    pub title: String,
    /// The x axis's label; empty for none.
    pub x_label: String,
    /// The y axis's label; empty for none.
    pub y_label: String,
}

impl Default for ChartOptions {
    /// 800 × 500 pixels, no title, axes labelled `"step"` and `"adopters"`.
    fn default() -> Self {
        ChartOptions {
            width: 800,
            height: 500,
            title: String::new(),
            x_label: "step".to_string(),
            y_label: "adopters".to_string(),
        }
    }
}

/// Opacity of the confidence band.
const BAND_OPACITY: f64 = 0.25;
/// Font family of every text; SVG viewers substitute their own sans-serif.
const FONT: &str = "sans-serif";
const TITLE_SIZE: u32 = 24;
const AXIS_LABEL_SIZE: u32 = 17;
const TICK_SIZE: u32 = 14;
const LEGEND_SIZE: u32 = 15;
/// Most tick labels on an axis.
const MAX_TICKS: usize = 10;
/// Headroom above the highest value, as a share of the y range.
const HEADROOM: f64 = 0.05;
/// Half the width of the column drawn when a series has a single step.
const SINGLE_STEP_HALF_WIDTH: f64 = 0.25;
/// Radius in pixels of the dot that marks a defined step between two
/// undefined ones on a quantity curve.
const DOT_RADIUS: u32 = 3;
/// Cascade sizes above this are charted relative to the smallest size so
/// that the f64 axis keeps integer resolution.
const ABSOLUTE_SIZE_LIMIT: u64 = 1 << 40;

/// Draws the mean cumulative adoption per step as a line, with its 95%
/// confidence interval `ci_low..ci_high` shaded as a band behind it.
///
/// # Arguments
/// * `curve`: one [`Estimate`] per step, step 0 first (the seeds), as in
///   [`EnsembleResult::adoption_curve`](crate::ensemble::EnsembleResult::adoption_curve).
/// * `options`: size and titles.
///
/// # Returns
/// The SVG document. The band is one `<polygon>` with opacity 0.25 in the
/// first [`PALETTE`] colour and the mean one `<polyline>`; the legend names
/// them "mean" and "95% interval". A single step is drawn as a short
/// horizontal bar (mean) over a box (interval). The y axis starts at 0, or
/// lower if an interval goes below 0.
///
/// Complexity: O(T) time and space for T steps.
///
/// # Errors
/// [`Error::InvalidParameter`] when `curve` is empty, a mean or interval end
/// is NaN or infinite, an interval has `ci_low > ci_high`, the values span
/// more than an `f64` holds, or the options' size is 0 or above
/// [`MAX_SIDE`].
///
/// # Example
/// ```
/// use wom::chart::{adoption_curve, ChartOptions};
/// use wom::ensemble::Estimate;
///
/// let curve = vec![
///     Estimate { runs: 50, mean: 1.0, std_dev: 0.0, ci_low: 1.0, ci_high: 1.0 },
///     Estimate { runs: 50, mean: 4.0, std_dev: 2.0, ci_low: 3.4, ci_high: 4.6 },
///     Estimate { runs: 50, mean: 7.5, std_dev: 3.0, ci_low: 6.7, ci_high: 8.3 },
/// ];
/// let svg = adoption_curve(&curve, &ChartOptions::default())?;
/// assert!(svg.contains("95% interval"));
/// # Ok::<(), wom::Error>(())
/// ```
pub fn adoption_curve(curve: &[Estimate], options: &ChartOptions) -> Result<String> {
    check_options(options)?;
    if curve.is_empty() {
        return Err(Error::param("curve", "[]", "the curve has no step"));
    }
    for (i, e) in curve.iter().enumerate() {
        check_point(&format!("curve[{i}]"), e)?;
    }
    let lowest = curve
        .iter()
        .map(|e| e.ci_low.min(e.mean))
        .fold(0.0, f64::min);
    let highest = curve
        .iter()
        .map(|e| e.ci_high.max(e.mean))
        .fold(0.0, f64::max);
    let y = value_range("curve", lowest, highest)?;

    let columns = step_columns(curve);
    let colour = palette(0);
    let band: Vec<(f64, f64)> = columns
        .iter()
        .map(|&(x, e)| (x, e.ci_high))
        .chain(columns.iter().rev().map(|&(x, e)| (x, e.ci_low)))
        .collect();
    let mean: Vec<(f64, f64)> = columns.iter().map(|&(x, e)| (x, e.mean)).collect();

    let axes = Axes {
        x: step_range(curve.len()),
        y,
        x_ticks: tick_count(curve.len()),
        x_origin: 0,
        legend: Some(SeriesLabelPosition::UpperLeft),
        x_labels: None,
    };
    render(options, axes, |chart| {
        let band_style = colour.mix(BAND_OPACITY).filled();
        chart
            .draw_series(std::iter::once(Polygon::new(band, band_style)))?
            .label("95% interval")
            .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 18, y + 6)], band_style));
        let line_style = colour.stroke_width(2);
        chart
            .draw_series(LineSeries::new(mean, line_style))?
            .label("mean")
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 18, y)], line_style));
        Ok(())
    })
}

/// A curve of a [`fit_chart`]: a named line, with an optional shaded band.
#[derive(Debug, Clone, PartialEq)]
pub struct FitCurve {
    /// The legend's name of the line.
    pub name: String,
    /// `(x, y)` points, in increasing x.
    pub points: Vec<(f64, f64)>,
    /// A band around the line; `None` for no band.
    pub band: Option<FitBand>,
}

/// The shaded band of a [`FitCurve`].
#[derive(Debug, Clone, PartialEq)]
pub struct FitBand {
    /// The legend's name of the band.
    pub name: String,
    /// `(x, low, high)` points, in increasing x.
    pub points: Vec<(f64, f64, f64)>,
}

/// Draws data against fitted or simulated models: the data as dots, each
/// curve as a line in the next [`PALETTE`] colour with its band, if it has
/// one, shaded behind it; a legend names each.
///
/// # Errors
/// [`Error::InvalidParameter`] when there is no data point, a value is NaN
/// or infinite, a band has `low > high`, or the options' size is 0 or
/// above [`MAX_SIDE`].
///
/// # Example
/// ```
/// use wom::chart::{fit_chart, ChartOptions, FitCurve};
///
/// let data = [(1.0, 10.0), (2.0, 25.0), (3.0, 31.0)];
/// let model = FitCurve {
///     name: "fitted".into(),
///     points: vec![(0.0, 0.0), (1.5, 18.0), (3.0, 30.0)],
///     band: None,
/// };
/// let svg = fit_chart("sales", &data, &[model], &ChartOptions::default())?;
/// assert!(svg.contains("fitted") && svg.contains("sales"));
/// # Ok::<(), wom::Error>(())
/// ```
pub fn fit_chart(
    data_name: &str,
    data: &[(f64, f64)],
    curves: &[FitCurve],
    options: &ChartOptions,
) -> Result<String> {
    check_options(options)?;
    if data.is_empty() {
        return Err(Error::param("data", "[]", "no data point to draw"));
    }
    let (mut x_lo, mut x_hi) = (f64::INFINITY, f64::NEG_INFINITY);
    let (mut y_lo, mut y_hi) = (0.0f64, 0.0f64);
    let mut see = |name: &str, x: f64, ys: &[f64]| -> Result<()> {
        check_finite(name, x)?;
        x_lo = x_lo.min(x);
        x_hi = x_hi.max(x);
        for &y in ys {
            check_finite(name, y)?;
            y_lo = y_lo.min(y);
            y_hi = y_hi.max(y);
        }
        Ok(())
    };
    for (i, &(x, y)) in data.iter().enumerate() {
        see(&format!("data[{i}]"), x, &[y])?;
    }
    for (k, c) in curves.iter().enumerate() {
        for (i, &(x, y)) in c.points.iter().enumerate() {
            see(&format!("curves[{k}].points[{i}]"), x, &[y])?;
        }
        if let Some(band) = &c.band {
            for (i, &(x, lo, hi)) in band.points.iter().enumerate() {
                let at = format!("curves[{k}].band[{i}]");
                see(&at, x, &[lo, hi])?;
                if lo > hi {
                    return Err(Error::param(&at, format!("{lo}..{hi}"), "low > high"));
                }
            }
        }
    }
    let x = if x_hi > x_lo {
        x_lo..x_hi
    } else {
        x_lo - 0.5..x_lo + 0.5
    };
    let y = value_range("data", y_lo, y_hi)?;
    let axes = Axes {
        x,
        y,
        x_ticks: MAX_TICKS,
        x_origin: 0,
        legend: Some(SeriesLabelPosition::UpperRight),
        x_labels: None,
    };
    render(options, axes, |chart| {
        for (k, c) in curves.iter().enumerate() {
            let colour = palette(k + 1);
            if let Some(FitBand { name, points: band }) = &c.band
                && band.len() >= 2
            {
                let outline: Vec<(f64, f64)> = band
                    .iter()
                    .map(|&(x, _, hi)| (x, hi))
                    .chain(band.iter().rev().map(|&(x, lo, _)| (x, lo)))
                    .collect();
                let band_style = colour.mix(BAND_OPACITY).filled();
                chart
                    .draw_series(std::iter::once(Polygon::new(outline, band_style)))?
                    .label(name.as_str())
                    .legend(move |(x, y)| {
                        Rectangle::new([(x, y - 6), (x + 18, y + 6)], band_style)
                    });
            }
            let line_style = colour.stroke_width(2);
            chart
                .draw_series(LineSeries::new(c.points.iter().copied(), line_style))?
                .label(c.name.as_str())
                .legend(move |(x, y)| PathElement::new([(x, y), (x + 18, y)], line_style));
        }
        let dot = palette(0).filled();
        chart
            .draw_series(
                data.iter()
                    .map(|&(x, y)| Circle::new((x, y), DOT_RADIUS + 1, dot)),
            )?
            .label(data_name)
            .legend(move |(x, y)| Circle::new((x + 9, y), DOT_RADIUS + 1, dot));
        Ok(())
    })
}

/// Draws a budget split's frontier: for each seed share, mean adoptions
/// against the total budget (thin lines with dots), and the best split of
/// each budget as a thick line with its 95% interval (the frontier of
/// adoptions against spend).
///
/// # Errors
/// [`Error::InvalidParameter`] for a report without points, a point that
/// is not finite, or options out of range.
///
/// # Example
/// ```
/// use wom::chart::{budget_frontier, ChartOptions};
/// use wom::ensemble::Estimate;
/// use wom::seeding::{SplitPoint, SplitReport};
///
/// let e = |m: f64| Estimate { runs: 100, mean: m, std_dev: 1.0, ci_low: m - 0.2, ci_high: m + 0.2 };
/// let point = |budget: f64, share: f64, m: f64| SplitPoint {
///     budget, seed_share: share, seeds: 0, seed_cost: 0.0, channel_budget: budget,
///     adoption: e(m), cost: e(budget), roi: None,
/// };
/// let report = SplitReport {
///     points: vec![point(10.0, 0.0, 3.0), point(10.0, 1.0, 5.0), point(20.0, 0.0, 6.0), point(20.0, 1.0, 7.0)],
///     best: vec![1, 3],
/// };
/// let svg = budget_frontier(&report, &ChartOptions::default())?;
/// assert!(svg.contains("best split") && svg.contains("seeds 100%"));
/// # Ok::<(), wom::Error>(())
/// ```
pub fn budget_frontier(
    report: &crate::seeding::SplitReport,
    options: &ChartOptions,
) -> Result<String> {
    check_options(options)?;
    if report.points.is_empty() || report.best.is_empty() {
        return Err(Error::param("report", "[]", "the split has no point"));
    }
    for (i, p) in report.points.iter().enumerate() {
        check_finite(&format!("points[{i}].budget"), p.budget)?;
        check_point(&format!("points[{i}].adoption"), &p.adoption)?;
    }
    let (lo_x, hi_x) = report
        .points
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), p| {
            (a.min(p.budget), b.max(p.budget))
        });
    let x = if hi_x > lo_x {
        lo_x..hi_x
    } else {
        lo_x - 1.0..hi_x + 1.0
    };
    let highest = report
        .points
        .iter()
        .map(|p| p.adoption.ci_high.max(p.adoption.mean))
        .fold(0.0, f64::max);
    let y = value_range("adoption", 0.0, highest)?;
    let mut shares: Vec<f64> = report.points.iter().map(|p| p.seed_share).collect();
    shares.sort_by(f64::total_cmp);
    shares.dedup();
    let frontier: Vec<&crate::seeding::SplitPoint> = report
        .best
        .iter()
        .filter_map(|&i| report.points.get(i))
        .collect();
    let axes = Axes {
        x,
        y,
        x_ticks: MAX_TICKS,
        x_origin: 0,
        legend: Some(SeriesLabelPosition::LowerRight),
        x_labels: None,
    };
    render(options, axes, |chart| {
        for (k, &share) in shares.iter().enumerate() {
            let colour = palette(k + 1);
            let line: Vec<(f64, f64)> = report
                .points
                .iter()
                .filter(|p| p.seed_share == share)
                .map(|p| (p.budget, p.adoption.mean))
                .collect();
            let style = colour.stroke_width(1);
            chart
                .draw_series(LineSeries::new(line.clone(), style))?
                .label(format!("seeds {:.0}%", share * 100.0))
                .legend(move |(x, y)| PathElement::new([(x, y), (x + 18, y)], style));
            chart.draw_series(line.into_iter().map(|p| Circle::new(p, 3, colour.filled())))?;
        }
        let best = palette(0);
        let band: Vec<(f64, f64)> = frontier
            .iter()
            .map(|p| (p.budget, p.adoption.ci_high))
            .chain(frontier.iter().rev().map(|p| (p.budget, p.adoption.ci_low)))
            .collect();
        let band_style = best.mix(BAND_OPACITY).filled();
        chart
            .draw_series(std::iter::once(Polygon::new(band, band_style)))?
            .label("95% interval")
            .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 18, y + 6)], band_style));
        let style = best.stroke_width(3);
        chart
            .draw_series(LineSeries::new(
                frontier.iter().map(|p| (p.budget, p.adoption.mean)),
                style,
            ))?
            .label("best split")
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 18, y)], style));
        Ok(())
    })
}

/// Draws a KPI against a parameter: each series a line through its
/// points' means with dots, over its 95% band (`ci_low..ci_high`), and a
/// legend naming the series (left out when there is one series with no
/// name). What `wom sweep` draws for each chosen KPI.
///
/// # Arguments
/// * `series`: `(name, points)`, each point `(parameter value, estimate)`,
///   sorted by the value. Points no run defined (`runs` 0) are skipped.
/// * `options`: size and titles (the x label names the parameter).
///
/// # Errors
/// [`Error::InvalidParameter`] for no series, a series without a defined
/// point, a value or estimate that is not finite, or options out of
/// range.
///
/// # Example
/// ```
/// use wom::chart::{parameter_curves, ChartOptions};
/// use wom::ensemble::Estimate;
///
/// let e = |m: f64| Estimate { runs: 100, mean: m, std_dev: 1.0, ci_low: m - 0.5, ci_high: m + 0.5 };
/// let series = vec![("".to_string(), vec![(0.01, e(3.0)), (0.05, e(9.0)), (0.1, e(40.0))])];
/// let options = ChartOptions { x_label: "p".into(), y_label: "adoption".into(), ..Default::default() };
/// let svg = parameter_curves(&series, &options)?;
/// assert!(svg.contains("<polygon"));
/// # Ok::<(), wom::Error>(())
/// ```
pub fn parameter_curves(
    series: &[(String, Vec<(f64, Estimate)>)],
    options: &ChartOptions,
) -> Result<String> {
    check_options(options)?;
    if series.is_empty() {
        return Err(Error::param("series", "[]", "no series to draw"));
    }
    let mut defined: Vec<(&str, Vec<(f64, Estimate)>)> = Vec::with_capacity(series.len());
    let (mut lo_x, mut hi_x) = (f64::INFINITY, f64::NEG_INFINITY);
    let (mut lowest, mut highest) = (0.0f64, 0.0f64);
    for (k, (name, points)) in series.iter().enumerate() {
        let mut kept = Vec::with_capacity(points.len());
        for (i, (x, e)) in points.iter().enumerate() {
            check_finite(&format!("series[{k}] ({name}).points[{i}].x"), *x)?;
            if e.runs == 0 {
                continue;
            }
            check_point(&format!("series[{k}] ({name}).points[{i}]"), e)?;
            lo_x = lo_x.min(*x);
            hi_x = hi_x.max(*x);
            lowest = lowest.min(e.ci_low.min(e.mean));
            highest = highest.max(e.ci_high.max(e.mean));
            kept.push((*x, *e));
        }
        if kept.is_empty() {
            return Err(Error::param(
                &format!("series[{k}] ({name})"),
                "[]",
                "no point of the series is defined",
            ));
        }
        defined.push((name.as_str(), kept));
    }
    let pad = if hi_x > lo_x {
        (hi_x - lo_x) * HEADROOM
    } else {
        SINGLE_STEP_HALF_WIDTH.max(lo_x.abs() * 0.1)
    };
    let x = lo_x - pad..hi_x + pad;
    let y = value_range("series", lowest, highest)?;
    let named = defined.len() > 1 || defined.iter().any(|(n, _)| !n.is_empty());
    let axes = Axes {
        x,
        y,
        x_ticks: MAX_TICKS,
        x_origin: 0,
        legend: named.then_some(SeriesLabelPosition::UpperLeft),
        x_labels: None,
    };
    render(options, axes, |chart| {
        for (k, (_, points)) in defined.iter().enumerate() {
            let band_style = palette(k).mix(BAND_OPACITY).filled();
            if points.len() >= 2 {
                let outline: Vec<(f64, f64)> = points
                    .iter()
                    .map(|&(x, e)| (x, e.ci_high))
                    .chain(points.iter().rev().map(|&(x, e)| (x, e.ci_low)))
                    .collect();
                chart.draw_series(std::iter::once(Polygon::new(outline, band_style)))?;
            }
        }
        for (k, (name, points)) in defined.iter().enumerate() {
            let colour = palette(k);
            let style = colour.stroke_width(2);
            let drawn = chart.draw_series(LineSeries::new(
                points.iter().map(|&(x, e)| (x, e.mean)),
                style,
            ))?;
            if named {
                drawn
                    .label(name.to_string())
                    .legend(move |(x, y)| PathElement::new([(x, y), (x + 18, y)], style));
            }
            for &(x, e) in points {
                chart.draw_series([PathElement::new(
                    vec![(x, e.ci_low), (x, e.ci_high)],
                    colour.stroke_width(1),
                )])?;
            }
            chart.draw_series(
                points
                    .iter()
                    .map(|&(x, e)| Circle::new((x, e.mean), DOT_RADIUS, colour.filled())),
            )?;
        }
        Ok(())
    })
}

/// Draws the mean cumulative adoptions per channel per step, stacked: one
/// filled area per channel, each on top of the ones before it, and a legend
/// naming each channel.
///
/// # Arguments
/// * `steps`: the number of steps, step 0 first; every series has this
///   length.
/// * `series`: `(channel name, mean cumulative adoptions after each step)`,
///   bottom layer first. Channel `i` takes colour `PALETTE[i % 8]`.
/// * `options`: size and titles.
///
/// # Returns
/// The SVG document. Each channel is one `<polygon>` between the top of the
/// channels below it and its own top. The legend lists the channels top
/// layer first, in the order the layers appear on the chart. A single step
/// is drawn as one stacked column.
///
/// Complexity: O(C × T) time and space for C channels and T steps.
///
/// # Errors
/// [`Error::InvalidParameter`] when `steps` is 0, `series` is empty, a
/// series's length differs from `steps`, a value is negative, NaN or
/// infinite, the stacked total overflows, or the options' size is 0 or
/// above [`MAX_SIDE`].
///
/// # Example
/// ```
/// use wom::chart::{channel_adoptions, ChartOptions};
///
/// let series = vec![
///     ("private message".to_string(), vec![0.0, 2.0, 5.0, 6.0]),
///     ("post".to_string(), vec![0.0, 1.0, 4.0, 9.0]),
/// ];
/// let svg = channel_adoptions(4, &series, &ChartOptions::default())?;
/// assert!(svg.contains("private message") && svg.contains("post"));
/// # Ok::<(), wom::Error>(())
/// ```
pub fn channel_adoptions(
    steps: usize,
    series: &[(String, Vec<f64>)],
    options: &ChartOptions,
) -> Result<String> {
    check_options(options)?;
    if steps == 0 {
        return Err(Error::param("steps", 0, "a chart needs at least one step"));
    }
    if series.is_empty() {
        return Err(Error::param("series", "[]", "no channel to draw"));
    }
    // tops[k][t]: the top of layer k at step t, the sum of channels 0..=k.
    let mut tops: Vec<Vec<f64>> = Vec::with_capacity(series.len());
    let mut below = vec![0.0; steps];
    for (k, (name, values)) in series.iter().enumerate() {
        if values.len() != steps {
            return Err(Error::param(
                &format!("series[{k}] ({name})"),
                format!("{} values", values.len()),
                format!("expected one value per step ({steps})"),
            ));
        }
        let mut top = Vec::with_capacity(steps);
        for (t, (&v, &b)) in values.iter().zip(&below).enumerate() {
            let name = format!("series[{k}][{t}]");
            check_finite(&name, v)?;
            if v < 0.0 {
                return Err(Error::param(&name, v, "stacked values cannot be negative"));
            }
            let sum = b + v;
            if !sum.is_finite() {
                return Err(Error::param(&name, v, "the stacked total overflows"));
            }
            top.push(sum);
        }
        below.clone_from(&top);
        tops.push(top);
    }
    let highest = below.iter().copied().fold(0.0, f64::max);
    let y = value_range("series", 0.0, highest)?;

    let xs: Vec<f64> = step_columns(&below).into_iter().map(|(x, _)| x).collect();
    let layer_top = |k: usize| -> Vec<f64> {
        if steps == 1 {
            vec![tops[k][0]; 2]
        } else {
            tops[k].clone()
        }
    };
    let axes = Axes {
        x: step_range(steps),
        y,
        x_ticks: tick_count(steps),
        x_origin: 0,
        legend: Some(SeriesLabelPosition::UpperLeft),
        x_labels: None,
    };
    render(options, axes, |chart| {
        // Top layer first, so that the legend reads like the stack.
        for k in (0..series.len()).rev() {
            let top = layer_top(k);
            let bottom = if k == 0 {
                vec![0.0; xs.len()]
            } else {
                layer_top(k - 1)
            };
            let outline: Vec<(f64, f64)> = xs
                .iter()
                .copied()
                .zip(top)
                .chain(xs.iter().copied().zip(bottom).rev())
                .collect();
            let style = palette(k).filled();
            chart
                .draw_series(std::iter::once(Polygon::new(outline, style)))?
                .label(series[k].0.as_str())
                .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 18, y + 6)], style));
        }
        Ok(())
    })
}

/// Draws the distribution of the cascade size over runs as bars, grouped
/// into at most `max_bins` equal-width bins; the y axis is the fraction of
/// runs.
///
/// # Arguments
/// * `histogram`: `(cascade size, runs)` pairs, sorted by size with distinct
///   sizes. Pairs with 0 runs are allowed and draw nothing.
/// * `max_bins`: the most bars. When the sizes span no more than `max_bins`
///   values each size has its own bar; otherwise consecutive sizes are
///   grouped into bins of equal integer width. Keep it below the chart's
///   width in pixels for bars to stay visible.
/// * `options`: size and titles; the defaults label the axes "step" and
///   "adopters", so set `x_label` (e.g. "cascade size") and `y_label`
///   (e.g. "fraction of runs").
///
/// # Returns
/// The SVG document, with one filled `<rect>` in the first [`PALETTE`]
/// colour per non-empty bin. A bin covering sizes `a..=b` spans
/// `a - 0.5 .. b + 0.5` on the x axis.
///
/// Complexity: O(H) time and space for H pairs; independent of the range of
/// sizes.
///
/// # Errors
/// [`Error::InvalidParameter`] when `histogram` is empty or holds no run,
/// sizes are unsorted or repeated, `max_bins` is 0, the total of runs
/// overflows `u64`, or the options' size is 0 or above [`MAX_SIDE`].
///
/// # Example
/// ```
/// use wom::chart::{cascade_sizes, ChartOptions};
///
/// // 60 runs stayed at the seed, 30 reached 2 nodes, 10 reached 5.
/// let histogram = [(1, 60), (2, 30), (5, 10)];
/// let options = ChartOptions {
///     x_label: "cascade size".into(),
///     y_label: "fraction of runs".into(),
///     ..ChartOptions::default()
/// };
/// let svg = cascade_sizes(&histogram, 20, &options)?;
/// assert!(svg.contains("fraction of runs"));
/// # Ok::<(), wom::Error>(())
/// ```
pub fn cascade_sizes(
    histogram: &[(u64, u64)],
    max_bins: usize,
    options: &ChartOptions,
) -> Result<String> {
    check_options(options)?;
    let (Some(&(first, _)), Some(&(last, _))) = (histogram.first(), histogram.last()) else {
        return Err(Error::param("histogram", "[]", "no cascade size to draw"));
    };
    if max_bins == 0 {
        return Err(Error::param("max_bins", 0, "at least one bin is needed"));
    }
    for (i, pair) in histogram.windows(2).enumerate() {
        if pair[1].0 <= pair[0].0 {
            return Err(Error::param(
                &format!("histogram[{}]", i + 1),
                pair[1].0,
                format!(
                    "sizes must be sorted and distinct; the size before is {}",
                    pair[0].0
                ),
            ));
        }
    }
    let total = histogram
        .iter()
        .try_fold(0u64, |acc, &(_, runs)| acc.checked_add(runs))
        .ok_or_else(|| Error::param("histogram", "runs", "the total of runs overflows u64"))?;
    if total == 0 {
        return Err(Error::param(
            "histogram",
            "runs",
            "the histogram holds no run",
        ));
    }

    // Equal integer-width bins over first..=last; u128 holds the span of
    // any u64 range and every product below.
    let span = u128::from(last - first) + 1;
    let bins_cap = u128::try_from(max_bins).unwrap_or(u128::MAX);
    let width = span.div_ceil(bins_cap);
    // Non-empty bins as (index, runs); sorted input keeps a bin's pairs
    // together, so no array over all bins is needed.
    let mut bars: Vec<(u128, u64)> = Vec::new();
    for &(size, runs) in histogram.iter().filter(|&&(_, runs)| runs > 0) {
        let bin = u128::from(size - first) / width;
        match bars.last_mut() {
            Some((b, r)) if *b == bin => *r += runs,
            _ => bars.push((bin, runs)),
        }
    }
    let bins = span.div_ceil(width);

    // Far from 0 the axis is relative to `first`, so that f64 keeps
    // integer resolution; the tick labels add `first` back.
    let origin = if last > ABSOLUTE_SIZE_LIMIT { first } else { 0 };
    let offset = (first - origin) as f64;
    let x_at = |bin_start: u128| offset + bin_start as f64 - 0.5;
    let x = x_at(0)..x_at(bins * width);
    let highest = bars
        .iter()
        .map(|&(_, runs)| runs as f64 / total as f64)
        .fold(0.0, f64::max);
    let y = value_range("histogram", 0.0, highest)?;
    let distinct_sizes = usize::try_from(span).unwrap_or(usize::MAX);
    let axes = Axes {
        x,
        y,
        x_ticks: tick_count(distinct_sizes),
        x_origin: origin,
        legend: None,
        x_labels: None,
    };
    let colour = palette(0);
    render(options, axes, |chart| {
        let rects: Vec<Rectangle<(f64, f64)>> = bars
            .iter()
            .map(|&(bin, runs)| {
                let (x0, x1) = (x_at(bin * width), x_at((bin + 1) * width));
                let mut bar = Rectangle::new(
                    [(x0, 0.0), (x1, runs as f64 / total as f64)],
                    colour.filled(),
                );
                // A pixel of space between bars that are wide enough.
                let pixels = chart.backend_coord(&(x1, 0.0)).0 - chart.backend_coord(&(x0, 0.0)).0;
                if pixels >= 6 {
                    bar.set_margin(0, 0, 1, 1);
                }
                bar
            })
            .collect();
        chart.draw_series(rects)?;
        Ok(())
    })
}

/// Draws curves of a model's quantities after each step: each curve's
/// mean as a line over its 95% confidence interval `ci_low..ci_high`
/// shaded as a band, on one set of axes, with a legend naming each curve.
///
/// The values are levels (what the model reports after each step), not
/// stacked: they may be negative (net sentiment), and the y axis covers
/// them and 0.
///
/// # Arguments
/// * `curves`: the curves, e.g. `&report.curves.quantities` or a selection
///   of it; curve `i` takes colour `PALETTE[i % 8]`. Each has one
///   [`Estimate`] per step, step 0 first; lengths may differ (the x axis
///   covers the longest).
/// * `options`: size and titles; the defaults label the y axis
///   "adopters", so set `y_label` (e.g. "talkers").
///
/// # Returns
/// The SVG document. A point whose estimate has `runs == 0` (no run
/// defined the quantity there; see
/// [`Curves::quantities`](crate::kpi::Curves::quantities)) is a gap: the
/// line and band stop before it and start again after it. Each stretch of
/// two or more defined steps is one band `<polygon>` (opacity 0.25) and one
/// mean `<polyline>` in the curve's colour; a defined step between gaps is
/// a dot at the mean on a vertical interval line; a chart of a single step
/// draws each curve as a short horizontal bar over a box, like
/// [`adoption_curve`]. Bands are drawn first, so every line is above every
/// band. The legend lists the curves in order, each as a short line in
/// its colour; a curve with no defined point is listed as
/// `name (undefined)` and draws nothing.
///
/// Complexity: O(C × T) time and space for C curves of T steps.
///
/// # Errors
/// [`Error::InvalidParameter`] when there is no curve, a curve has no
/// point, a defined point's mean or interval end is NaN or infinite or has
/// `ci_low > ci_high`, the values span more than an `f64` holds, or the
/// options' size is 0 or above [`MAX_SIDE`].
///
/// # Example
/// ```
/// use wom::chart::{quantity_curves, ChartOptions};
/// use wom::ensemble::Estimate;
/// use wom::kpi::NamedCurve;
///
/// let e = |m: f64| Estimate { runs: 40, mean: m, std_dev: 1.0, ci_low: m - 0.3, ci_high: m + 0.3 };
/// let curves = [
///     NamedCurve { name: "positive_talkers".into(), points: [1.0, 4.0, 9.0].map(e).to_vec() },
///     NamedCurve { name: "net_sentiment".into(), points: [1.0, -2.0, 3.0].map(e).to_vec() },
/// ];
/// let options = ChartOptions { y_label: "talkers".into(), ..ChartOptions::default() };
/// let svg = quantity_curves(&curves, &options)?;
/// assert!(svg.contains("positive_talkers") && svg.contains("net_sentiment"));
/// # Ok::<(), wom::Error>(())
/// ```
pub fn quantity_curves<'a, I>(curves: I, options: &ChartOptions) -> Result<String>
where
    I: IntoIterator<Item = &'a NamedCurve>,
{
    check_options(options)?;
    let curves: Vec<&NamedCurve> = curves.into_iter().collect();
    if curves.is_empty() {
        return Err(Error::param("curves", "[]", "no curve to draw"));
    }
    let (mut lowest, mut highest) = (0.0, 0.0);
    for (k, c) in curves.iter().enumerate() {
        if c.points.is_empty() {
            return Err(Error::param(
                &format!("curves[{k}] ({})", c.name),
                "[]",
                "the curve has no step",
            ));
        }
        for (t, e) in c.points.iter().enumerate().filter(|(_, e)| e.runs > 0) {
            check_point(&format!("curves[{k}] ({}).points[{t}]", c.name), e)?;
            lowest = f64::min(lowest, e.ci_low.min(e.mean));
            highest = f64::max(highest, e.ci_high.max(e.mean));
        }
    }
    let y = value_range("curves", lowest, highest)?;
    let steps = curves.iter().map(|c| c.points.len()).max().unwrap_or(1);
    let stretches: Vec<Vec<Vec<(f64, Estimate)>>> = curves
        .iter()
        .map(|c| {
            let mut parts = defined_stretches(&c.points);
            if steps == 1 {
                // One step: a column, as in `adoption_curve`.
                for p in &mut parts {
                    *p = step_columns(&[p[0].1]);
                }
            }
            parts
        })
        .collect();
    let axes = Axes {
        x: step_range(steps),
        y,
        x_ticks: tick_count(steps),
        x_origin: 0,
        legend: Some(SeriesLabelPosition::UpperLeft),
        x_labels: None,
    };
    render(options, axes, |chart| {
        for (k, parts) in stretches.iter().enumerate() {
            let band_style = palette(k).mix(BAND_OPACITY).filled();
            let bands = parts.iter().filter(|p| p.len() >= 2).map(|p| {
                let outline: Vec<(f64, f64)> = p
                    .iter()
                    .map(|&(x, e)| (x, e.ci_high))
                    .chain(p.iter().rev().map(|&(x, e)| (x, e.ci_low)))
                    .collect();
                Polygon::new(outline, band_style)
            });
            chart.draw_series(bands)?;
        }
        for (k, (c, parts)) in curves.iter().zip(&stretches).enumerate() {
            let colour = palette(k);
            let line_style = colour.stroke_width(2);
            let label = if parts.is_empty() {
                format!("{} (undefined)", c.name)
            } else {
                c.name.clone()
            };
            let lines = parts.iter().filter(|p| p.len() >= 2).map(|p| {
                let mean: Vec<(f64, f64)> = p.iter().map(|&(x, e)| (x, e.mean)).collect();
                PathElement::new(mean, line_style)
            });
            chart
                .draw_series(lines)?
                .label(label)
                .legend(move |(x, y)| PathElement::new([(x, y), (x + 18, y)], line_style));
            // A defined step between two gaps: its interval and a dot.
            for p in parts.iter().filter(|p| p.len() == 1) {
                let (x, e) = p[0];
                chart.draw_series([PathElement::new(
                    vec![(x, e.ci_low), (x, e.ci_high)],
                    line_style,
                )])?;
                chart.draw_series([Circle::new((x, e.mean), DOT_RADIUS, colour.filled())])?;
            }
        }
        Ok(())
    })
}

/// The stretches of consecutive defined points (`runs > 0`) of a curve,
/// each as `(step, estimate)` pairs.
fn defined_stretches(points: &[Estimate]) -> Vec<Vec<(f64, Estimate)>> {
    let mut parts: Vec<Vec<(f64, Estimate)>> = Vec::new();
    let mut open = false;
    for (t, &e) in points.iter().enumerate() {
        if e.runs == 0 {
            open = false;
            continue;
        }
        if !open {
            parts.push(Vec::new());
            open = true;
        }
        if let Some(p) = parts.last_mut() {
            p.push((t as f64, e));
        }
    }
    parts
}

/// The quantities of a report grouped for charting: names `kind:item`
/// with the same `kind` (`messages:post`, `messages:ad`) form one group,
/// named by `kind`, whose curves are named by `item`; names without `:`
/// form one group named `""`. Groups come in the order of their first
/// quantity, curves in the model's order.
fn quantity_groups(quantities: &[NamedCurve]) -> Vec<(String, Vec<NamedCurve>)> {
    let mut groups: Vec<(String, Vec<NamedCurve>)> = Vec::new();
    for q in quantities {
        let (kind, item) = q.name.split_once(':').unwrap_or(("", q.name.as_str()));
        let curve = NamedCurve {
            name: item.to_string(),
            points: q.points.clone(),
        };
        match groups.iter_mut().find(|(k, _)| k == kind) {
            Some((_, curves)) => curves.push(curve),
            None => groups.push((kind.to_string(), vec![curve])),
        }
    }
    groups
}

/// Draws the charts of a KPI report, stacked in one SVG document: what
/// `wom plot` draws from a results document.
///
/// From top to bottom:
/// 1. the adoption curve with its band ([`adoption_curve`]), titled
///    `"{title}: adopters (mean, 95% band, {runs} runs)"`;
/// 2. the adoptions by source, stacked ([`channel_adoptions`]);
/// 3. when the model has quantities
///    ([`Curves::quantities`](crate::kpi::Curves::quantities) not empty),
///    one [`quantity_curves`] chart per group of them: quantities named
///    `kind:item` (a campaign's `messages:post`, `messages:ad`; a
///    competition's `market_share:brand_a` ...) share a chart titled by
///    `kind`, with `item` in the legend, so that quantities of one kind
///    (and scale) are compared on one axis; quantities without `:`
///    (`positive_talkers`, `net_sentiment` ...) share one chart titled
///    "model quantities". Groups come in the order of their first
///    quantity.
///
/// Every chart has the default size (800 × 500).
///
/// Complexity: O((Q + C) × T) for Q quantities and C sources over T steps.
///
/// # Errors
/// Those of the charts drawn ([`Error::InvalidParameter`] for an empty
/// curve or non-finite values, as in a hand-edited document).
///
/// # Example
/// ```
/// use wom::Network;
/// use wom::chart::report_charts;
/// use wom::ensemble::{EnsembleOptions, RunBudget};
/// use wom::kpi::{KpiSpec, run_kpis};
/// use wom::propagation::valence::{ValenceCascade, ValenceOptions};
///
/// let net = Network::from_arcs(3, [(0, 1, 1.0), (1, 2, 1.0)])?;
/// let model = ValenceCascade::new(&net, ValenceOptions::new(0.7, 0.5, 0.5))?;
/// let options = EnsembleOptions { budget: RunBudget::Runs(20), ..Default::default() };
/// let report = run_kpis(&net, &model, &[0], &KpiSpec::default(), &options)?;
/// let svg = report_charts(&report, "valence")?;
/// // Adoption, sources, and one chart of the model's quantities.
/// assert_eq!(svg.matches("<svg x=").count(), 3);
/// assert!(svg.contains("net_sentiment"));
/// # Ok::<(), wom::Error>(())
/// ```
pub fn report_charts(report: &KpiReport, title: &str) -> Result<String> {
    let curve = adoption_curve(
        &report.curves.adoption,
        &ChartOptions {
            title: format!("{title}: adopters (mean, 95% band, {} runs)", report.runs),
            ..ChartOptions::default()
        },
    )?;
    let series = report.curves.by_channel_means();
    let channels = channel_adoptions(
        report.curves.adoption.len(),
        &series,
        &ChartOptions {
            title: "adoptions by channel (mean, stacked)".to_string(),
            ..ChartOptions::default()
        },
    )?;
    let mut charts = vec![curve, channels];
    for (kind, curves) in quantity_groups(&report.curves.quantities) {
        let (title, y_label) = if kind.is_empty() {
            ("model quantities (mean, 95% band)".to_string(), "value")
        } else {
            (format!("{kind} (mean, 95% band)"), kind.as_str())
        };
        charts.push(quantity_curves(
            &curves,
            &ChartOptions {
                title,
                y_label: y_label.to_string(),
                ..ChartOptions::default()
            },
        )?);
    }
    stack_vertically(&charts)
}

/// Draws the histograms of one KPI for one or more sets of cascade trees
/// (observed, simulated) on common bins, side by side: the share of each
/// set's trees in each bin.
///
/// # Arguments
/// * `series`: `(name, values)` per set, each value with its count (a
///   [`Distribution`](crate::observed::Distribution)'s `values`); set `i`
///   takes colour `PALETTE[i % 8]`.
/// * `binning`: [`Binning::Log2`] (bins `[2^k, 2^(k+1))` and a bin of
///   zeros) or [`Binning::Linear`], over the range of all the sets.
/// * `options`: size and titles; set `x_label` and `y_label`.
///
/// # Returns
/// The SVG document: one group of bars per bin, labelled by the bin's
/// lower end, one bar per set; a legend names the sets when there are
/// two or more. A set whose counts sum to 0 draws nothing.
///
/// Complexity: O(S (k + B)) for S sets of k values and B bins.
///
/// # Errors
/// [`Error::InvalidParameter`] when there is no set, no value in any set,
/// a value is NaN or infinite, or the options' size is 0 or above
/// [`MAX_SIDE`].
///
/// # Example
/// ```
/// use wom::chart::{kpi_histograms, ChartOptions};
/// use wom::observed::{Binning, ValueCount};
///
/// let v = |value, count| ValueCount { value, count };
/// let simulated = [v(1.0, 80), v(2.0, 15), v(5.0, 5)];
/// let observed = [v(3.0, 2), v(40.0, 8)];
/// let options = ChartOptions { x_label: "size".into(), y_label: "share of trees".into(),
///                              ..ChartOptions::default() };
/// let svg = kpi_histograms(&[("simulated", &simulated[..]), ("observed", &observed[..])],
///                          Binning::Log2, &options)?;
/// assert!(svg.contains("observed"));
/// # Ok::<(), wom::Error>(())
/// ```
pub fn kpi_histograms(
    series: &[(&str, &[ValueCount])],
    binning: Binning,
    options: &ChartOptions,
) -> Result<String> {
    check_options(options)?;
    if series.is_empty() {
        return Err(Error::param("series", "[]", "no set of trees to draw"));
    }
    for (name, values) in series {
        for (i, v) in values.iter().enumerate() {
            check_finite(&format!("series[{name}][{i}].value"), v.value)?;
        }
    }
    let lists: Vec<&[ValueCount]> = series.iter().map(|(_, v)| *v).collect();
    let edges = common_edges(&lists, binning);
    if edges.is_empty() {
        return Err(Error::param("series", "no values", "no value to draw"));
    }
    let shares: Vec<Vec<f64>> = lists
        .iter()
        .map(|values| {
            let counts = bin_counts(values, &edges);
            let total: u64 = counts.iter().sum();
            counts
                .iter()
                .map(|&c| {
                    if total == 0 {
                        0.0
                    } else {
                        c as f64 / total as f64
                    }
                })
                .collect()
        })
        .collect();
    let highest = shares.iter().flatten().copied().fold(0.0, f64::max);
    let bins = edges.len();
    let labels = edges.iter().map(|&(low, _)| tick_label(low)).collect();
    let axes = Axes {
        x: -0.5..bins as f64 - 0.5,
        y: value_range("series", 0.0, highest)?,
        x_ticks: tick_count(bins),
        x_origin: 0,
        legend: (series.len() > 1).then_some(SeriesLabelPosition::UpperRight),
        x_labels: Some(labels),
    };
    let sets = series.len();
    let width = 0.8 / sets as f64;
    render(options, axes, |chart| {
        for (s, ((name, _), row)) in series.iter().zip(&shares).enumerate() {
            let colour = palette(s);
            let rects: Vec<Rectangle<(f64, f64)>> = row
                .iter()
                .enumerate()
                .filter(|&(_, &share)| share > 0.0)
                .map(|(k, &share)| {
                    let x0 = k as f64 - 0.4 + width * s as f64;
                    Rectangle::new([(x0, 0.0), (x0 + width, share)], colour.filled())
                })
                .collect();
            let drawn = chart.draw_series(rects)?;
            if sets > 1 {
                drawn.label(*name).legend(move |(x, y)| {
                    Rectangle::new([(x, y - 5), (x + 14, y + 5)], colour.filled())
                });
            }
        }
        Ok(())
    })
}

/// The axis label of a tree KPI, with its time unit.
fn kpi_label(kpi: TreeKpi, unit: &str) -> String {
    if kpi.is_time() {
        format!(
            "{} ({unit}s, {} bins)",
            kpi.name(),
            binning_name(kpi.binning())
        )
    } else {
        format!("{} ({} bins)", kpi.name(), binning_name(kpi.binning()))
    }
}

fn binning_name(b: Binning) -> &'static str {
    match b {
        Binning::Log2 => "power-of-two",
        Binning::Linear => "equal-width",
    }
}

/// The histograms of a [`CascadeTable`], one chart per tree KPI that has
/// values, stacked ([`kpi_histograms`]); what `wom cascades --out` draws.
///
/// # Errors
/// [`Error::InvalidParameter`] when no KPI of the table has a value.
///
/// # Example
/// ```
/// use wom::chart::cascade_table_charts;
/// use wom::observed::{CascadeTable, TreeKpis};
///
/// let t = |size, virality| TreeKpis { size, depth: 1, structural_virality: virality,
///                                     time_to_50: 1.0, time_to_90: 2.0 };
/// let table = CascadeTable::from_trees(&[t(2, Some(1.0)), t(7, Some(12.0 / 7.0))], "minute");
/// let svg = cascade_table_charts(&table, "two trees")?;
/// assert_eq!(svg.matches("<svg x=").count(), 5);
/// # Ok::<(), wom::Error>(())
/// ```
pub fn cascade_table_charts(table: &CascadeTable, title: &str) -> Result<String> {
    let mut charts = Vec::new();
    for &kpi in TreeKpi::ALL {
        let d = table.kpi(kpi);
        if d.values.is_empty() {
            continue;
        }
        let heading = if charts.is_empty() && !title.is_empty() {
            format!("{title}: {} ({} trees)", kpi.name(), d.count)
        } else {
            format!("{} ({} trees)", kpi.name(), d.count)
        };
        charts.push(kpi_histograms(
            &[(kpi.name(), &d.values)],
            kpi.binning(),
            &ChartOptions {
                title: heading,
                x_label: kpi_label(kpi, &table.time_unit),
                y_label: "share of trees".to_string(),
                ..ChartOptions::default()
            },
        )?);
    }
    if charts.is_empty() {
        return Err(Error::param(
            "table",
            "no values",
            "no tree KPI has a value",
        ));
    }
    stack_vertically(&charts)
}

/// Simulated against observed trees, one chart per tree KPI that the
/// comparison tested, stacked: both histograms on common bins
/// ([`kpi_histograms`]), titled with the Kolmogorov–Smirnov D and p
/// ([`compare`](crate::observed::compare)); observed times divided by the
/// comparison's step length. What `wom cascades --compare --out` draws.
///
/// # Errors
/// [`Error::InvalidParameter`] when the comparison tested no KPI.
///
/// # Example
/// ```
/// use wom::chart::comparison_charts;
/// use wom::observed::{CascadeTable, TreeKpis, compare};
///
/// let t = |size, depth| TreeKpis { size, depth, structural_virality: None,
///                                  time_to_50: 0.0, time_to_90: 0.0 };
/// let simulated = CascadeTable::from_trees(&[t(1, 0), t(2, 1), t(3, 1)], "step");
/// let observed = CascadeTable::from_trees(&[t(4, 2), t(9, 3)], "minute");
/// let c = compare(&simulated, &observed, None)?;
/// // Size and depth are tested; times need a step length.
/// let svg = comparison_charts(&simulated, &observed, &c, "model vs data")?;
/// assert_eq!(svg.matches("<svg x=").count(), 2);
/// assert!(svg.contains("KS D"));
/// # Ok::<(), wom::Error>(())
/// ```
pub fn comparison_charts(
    simulated: &CascadeTable,
    observed: &CascadeTable,
    comparison: &Comparison,
    title: &str,
) -> Result<String> {
    let mut charts = Vec::new();
    for &kpi in TreeKpi::ALL {
        let Some(ks) = comparison.kpi(kpi).and_then(|k| k.ks) else {
            continue;
        };
        let scale = if kpi.is_time() {
            comparison.step_length.unwrap_or(1.0)
        } else {
            1.0
        };
        let scaled: Vec<ValueCount> = observed
            .kpi(kpi)
            .values
            .iter()
            .map(|v| ValueCount {
                value: v.value / scale,
                count: v.count,
            })
            .collect();
        let p = if ks.p_value < 1e-15 {
            "p < 1e-15".to_string()
        } else {
            format!("p = {}", tick_label(ks.p_value))
        };
        let method = match ks.method {
            KsMethod::Exact => "exact",
            KsMethod::Asymptotic => "asymptotic",
        };
        let heading = format!("{}: KS D = {:.3}, {p} ({method})", kpi.name(), ks.d);
        let heading = if charts.is_empty() && !title.is_empty() {
            format!("{title}: {heading}")
        } else {
            heading
        };
        charts.push(kpi_histograms(
            &[
                ("simulated", &simulated.kpi(kpi).values),
                ("observed", &scaled),
            ],
            kpi.binning(),
            &ChartOptions {
                title: heading,
                x_label: kpi_label(kpi, "step"),
                y_label: "share of trees".to_string(),
                ..ChartOptions::default()
            },
        )?);
    }
    if charts.is_empty() {
        return Err(Error::param(
            "comparison",
            "no test",
            "the comparison tested no KPI",
        ));
    }
    stack_vertically(&charts)
}

/// Stacks SVG documents made by this module one above the other in a
/// single document, for example an adoption curve over its channel
/// breakdown.
///
/// # Arguments
/// * `charts`: SVG documents as returned by [`adoption_curve`],
///   [`channel_adoptions`], [`cascade_sizes`] or [`quantity_curves`], top
///   first.
///
/// # Returns
/// One SVG document as wide as the widest chart and as high as all of them
/// together; each chart is a nested `<svg>` element at its own height,
/// left-aligned, drawn unchanged.
///
/// Complexity: O(total length) time and space.
///
/// # Errors
/// [`Error::InvalidParameter`] when `charts` is empty, or a document does
/// not start with an `<svg>` root carrying integer `width` and `height`
/// attributes or does not end with `</svg>`.
///
/// # Example
/// ```
/// use wom::chart::{adoption_curve, cascade_sizes, stack_vertically, ChartOptions};
/// use wom::ensemble::Estimate;
///
/// let curve = [Estimate { runs: 10, mean: 2.0, std_dev: 1.0, ci_low: 1.4, ci_high: 2.6 }; 3];
/// let top = adoption_curve(&curve, &ChartOptions::default())?;
/// let bottom = cascade_sizes(&[(1, 7), (3, 3)], 10, &ChartOptions::default())?;
/// let both = stack_vertically(&[top, bottom])?;
/// assert!(both.starts_with(r#"<svg width="800" height="1000""#));
/// # Ok::<(), wom::Error>(())
/// ```
pub fn stack_vertically<S: AsRef<str>>(charts: &[S]) -> Result<String> {
    if charts.is_empty() {
        return Err(Error::param("charts", "[]", "no chart to stack"));
    }
    let mut parts = Vec::with_capacity(charts.len());
    for (i, doc) in charts.iter().enumerate() {
        let doc = doc.as_ref();
        let not_ours = |reason: &str| {
            Error::param(
                &format!("charts[{i}]"),
                format!("{} bytes", doc.len()),
                format!("not an SVG document from wom::chart: {reason}"),
            )
        };
        let root_end = doc
            .starts_with("<svg ")
            .then(|| doc.find('>'))
            .flatten()
            .ok_or_else(|| not_ours("no <svg> root element"))?;
        let root = &doc[..root_end];
        let side = |name: &str| -> Result<u64> {
            let key = format!(" {name}=\"");
            let start = root.find(&key).map(|p| p + key.len());
            start
                .and_then(|s| root[s..].split('"').next())
                .and_then(|v| v.parse().ok())
                .ok_or_else(|| not_ours(&format!("no integer {name} on the root")))
        };
        let (width, height) = (side("width")?, side("height")?);
        let body = doc[root_end + 1..]
            .trim_end()
            .strip_suffix("</svg>")
            .ok_or_else(|| not_ours("it does not end with </svg>"))?;
        parts.push((width, height, body));
    }
    let width = parts.iter().map(|p| p.0).max().unwrap_or(0);
    let height: u64 = parts.iter().map(|p| p.1).sum();
    let mut out = format!(
        "<svg width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" \
         xmlns=\"http://www.w3.org/2000/svg\">\n"
    );
    let mut y = 0;
    for (w, h, body) in parts {
        out.push_str(&format!(
            "<svg x=\"0\" y=\"{y}\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\">"
        ));
        out.push_str(body);
        out.push_str("</svg>\n");
        y += h;
    }
    out.push_str("</svg>\n");
    Ok(out)
}

/// The ranges and tick settings of a chart's axes.
struct Axes {
    x: Range<f64>,
    y: Range<f64>,
    /// Most tick labels on the x axis.
    x_ticks: usize,
    /// Added to x tick values in their labels.
    x_origin: u64,
    /// Where the legend of the labelled series goes, if there is one.
    legend: Option<SeriesLabelPosition>,
    /// Labels of the integer x positions (categories), instead of numbers.
    x_labels: Option<Vec<String>>,
}

type Chart<'a, 'b> = ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>;
type DrawResult<T = ()> = std::result::Result<T, DrawingAreaErrorKind<std::io::Error>>;

/// Draws the frame (background, title, axes, grid) and then `draw`'s
/// series, and returns the SVG text.
fn render<F>(options: &ChartOptions, axes: Axes, draw: F) -> Result<String>
where
    F: FnOnce(&mut Chart<'_, '_>) -> DrawResult,
{
    let mut svg = String::new();
    let drawn = {
        let root =
            SVGBackend::with_string(&mut svg, (options.width, options.height)).into_drawing_area();
        frame(&root, options, axes, draw).and_then(|()| root.present())
    };
    drawn.map_err(|e| {
        Error::param(
            "options",
            format!("{}x{}", options.width, options.height),
            format!("plotters could not draw the chart: {e}"),
        )
    })?;
    Ok(xml_characters(svg))
}

/// `svg` with every character XML 1.0 does not allow (the C0 controls
/// other than tab, line feed and carriage return, U+FFFE and U+FFFF: not
/// even as a character reference) replaced by U+FFFD, the replacement
/// character. Only text from the caller (a title, a series name, a
/// category label) can hold one: plotters escapes `&<>"'` but writes the
/// rest as given.
fn xml_characters(svg: String) -> String {
    let forbidden = |c: char| matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}');
    if !svg.contains(forbidden) {
        return svg;
    }
    svg.chars()
        .map(|c| if forbidden(c) { '\u{fffd}' } else { c })
        .collect()
}

/// Background, title, axes and grid on `root`, then `draw`, then the
/// legend if `axes` asks for one.
fn frame<F>(
    root: &DrawingArea<SVGBackend<'_>, Shift>,
    options: &ChartOptions,
    axes: Axes,
    draw: F,
) -> DrawResult
where
    F: FnOnce(&mut Chart<'_, '_>) -> DrawResult,
{
    root.fill(&WHITE)?;
    let mut builder = ChartBuilder::on(root);
    builder
        .margin(12)
        .x_label_area_size(if options.x_label.is_empty() { 28 } else { 48 })
        .y_label_area_size(if options.y_label.is_empty() { 56 } else { 76 });
    if !options.title.is_empty() {
        builder.caption(&options.title, (FONT, TITLE_SIZE));
    }
    let mut chart = builder.build_cartesian_2d(axes.x, axes.y)?;

    let origin = axes.x_origin;
    let labels = axes.x_labels;
    let x_format = move |v: &f64| match &labels {
        None => tick_label(origin as f64 + *v),
        Some(labels) => {
            let k = v.round();
            if (v - k).abs() < 1e-9 && k >= 0.0 {
                labels.get(k as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        }
    };
    let y_format = |v: &f64| tick_label(*v);
    let mut mesh = chart.configure_mesh();
    mesh.x_labels(axes.x_ticks)
        .y_labels(MAX_TICKS)
        .x_label_formatter(&x_format)
        .y_label_formatter(&y_format)
        .label_style((FONT, TICK_SIZE))
        .axis_desc_style((FONT, AXIS_LABEL_SIZE))
        .bold_line_style(BLACK.mix(0.12))
        .light_line_style(TRANSPARENT);
    if !options.x_label.is_empty() {
        mesh.x_desc(options.x_label.as_str());
    }
    if !options.y_label.is_empty() {
        mesh.y_desc(options.y_label.as_str());
    }
    mesh.draw()?;
    draw(&mut chart)?;
    if let Some(position) = axes.legend {
        chart
            .configure_series_labels()
            .position(position)
            .label_font((FONT, LEGEND_SIZE))
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK.mix(0.4))
            .draw()?;
    }
    Ok(())
}

/// Checks the chart's size.
fn check_options(options: &ChartOptions) -> Result<()> {
    for (name, side) in [
        ("options.width", options.width),
        ("options.height", options.height),
    ] {
        if side == 0 || side > MAX_SIDE {
            return Err(Error::param(
                name,
                side,
                format!("must be between 1 and {MAX_SIDE} pixels"),
            ));
        }
    }
    Ok(())
}

/// Checks one point of a curve, named `at`: finite mean and interval, the
/// interval in order.
fn check_point(at: &str, e: &Estimate) -> Result<()> {
    for (field, v) in [
        ("mean", e.mean),
        ("ci_low", e.ci_low),
        ("ci_high", e.ci_high),
    ] {
        check_finite(&format!("{at}.{field}"), v)?;
    }
    if e.ci_low > e.ci_high {
        return Err(Error::param(
            at,
            format!("{}..{}", e.ci_low, e.ci_high),
            "ci_low is above ci_high",
        ));
    }
    Ok(())
}

fn check_finite(name: &str, value: f64) -> Result<()> {
    if value.is_finite() {
        Ok(())
    } else {
        Err(Error::param(name, value, "not a finite number"))
    }
}

/// The y range for values in `lo..=hi` (both finite, `lo <= 0 <= hi`):
/// headroom above, and `0..1` when every value is 0.
fn value_range(name: &str, lo: f64, hi: f64) -> Result<Range<f64>> {
    let span = hi - lo;
    if !span.is_finite() {
        return Err(Error::param(
            name,
            format!("{lo}..{hi}"),
            "the values span more than an f64 can hold",
        ));
    }
    if span == 0.0 {
        return Ok(lo..lo + 1.0);
    }
    // Plotters divides by the range's length: keep it finite.
    let top = hi + HEADROOM * span;
    Ok(lo..if (top - lo).is_finite() { top } else { hi })
}

/// The x range of `steps` steps: `0..steps - 1`, or a unit range centred
/// on step 0 for a single step.
fn step_range(steps: usize) -> Range<f64> {
    if steps <= 1 {
        -0.5..0.5
    } else {
        0.0..(steps - 1) as f64
    }
}

/// The x position of each value: its step, or for a single step the value
/// twice, at both sides of a narrow column, so that areas have a width.
fn step_columns<T: Copy>(values: &[T]) -> Vec<(f64, T)> {
    match values {
        [only] => vec![
            (-SINGLE_STEP_HALF_WIDTH, *only),
            (SINGLE_STEP_HALF_WIDTH, *only),
        ],
        _ => values
            .iter()
            .enumerate()
            .map(|(i, &v)| (i as f64, v))
            .collect(),
    }
}

/// At most [`MAX_TICKS`] ticks, and no more than there are integer values
/// (so that an axis of 3 steps is not labelled 0, 0.5, 1 ...).
fn tick_count(integers: usize) -> usize {
    integers.clamp(1, MAX_TICKS)
}

/// A tick label: integers without decimals, up to 4 decimals below 10^7,
/// scientific notation with 3 significant digits beyond.
fn tick_label(v: f64) -> String {
    let a = v.abs();
    let text = if a != 0.0 && !(1e-3..1e7).contains(&a) {
        let s = format!("{v:.2e}");
        match s.split_once('e') {
            Some((mantissa, exponent)) => format!("{}e{exponent}", trim_zeros(mantissa)),
            None => s,
        }
    } else {
        trim_zeros(&format!("{v:.4}")).to_string()
    };
    if text == "-0" { "0".to_string() } else { text }
}

fn trim_zeros(s: &str) -> &str {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        s
    }
}

fn palette(i: usize) -> RGBColor {
    let (r, g, b) = PALETTE[i % PALETTE.len()];
    RGBColor(r, g, b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tick_labels_are_short() {
        assert_eq!(tick_label(0.0), "0");
        assert_eq!(tick_label(-0.0), "0");
        assert_eq!(tick_label(5.0), "5");
        assert_eq!(tick_label(0.25), "0.25");
        assert_eq!(tick_label(0.1 + 0.2), "0.3");
        assert_eq!(tick_label(1_500.0), "1500");
        assert_eq!(tick_label(2.5e9), "2.5e9");
        assert_eq!(tick_label(1e-5), "1e-5");
    }

    #[test]
    fn value_range_pads_degenerate_ranges() {
        assert_eq!(value_range("v", 0.0, 0.0).unwrap(), 0.0..1.0);
        let r = value_range("v", 0.0, 10.0).unwrap();
        assert_eq!(r.start, 0.0);
        assert!(r.end > 10.0);
        assert!(value_range("v", -f64::MAX, f64::MAX).is_err());
        assert_eq!(value_range("v", 0.0, f64::MAX).unwrap().end, f64::MAX);
        assert_eq!(value_range("v", -f64::MAX, 0.0).unwrap().end, 0.0);
    }

    #[test]
    fn single_step_becomes_a_column() {
        assert_eq!(step_columns(&[3]), vec![(-0.25, 3), (0.25, 3)]);
        assert_eq!(step_columns(&[3, 4]), vec![(0.0, 3), (1.0, 4)]);
        assert_eq!(step_range(1), -0.5..0.5);
    }
}
