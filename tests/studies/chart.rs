#![cfg(feature = "charts")]
//! SVG charts: what the documents contain (size, texts, band, stacked
//! layers, bars, quantity curves with gaps, a report's page) and which
//! inputs are refused.
//!
//! plotters' SVG backend writes one element per line: `<polygon ... />`,
//! `<polyline ... />`, `<rect ... />`, and `<text ...>` followed by the text
//! on its own line and `</text>`. The helpers below read that form.

use wom::Error;
use wom::chart::{
    ChartOptions, PALETTE, adoption_curve, cascade_sizes, channel_adoptions, quantity_curves,
    report_charts, stack_vertically,
};
use wom::ensemble::{EnsembleOptions, Estimate, RunBudget};
use wom::kpi::{KpiSpec, NamedCurve, run_kpis};

fn est(mean: f64, half_width: f64) -> Estimate {
    Estimate {
        runs: 100,
        mean,
        std_dev: half_width * 5.0,
        ci_low: mean - half_width,
        ci_high: mean + half_width,
    }
}

fn rising_curve(n: usize) -> Vec<Estimate> {
    (0..n)
        .map(|t| est(1.0 + 10.0 * t as f64, 1.0 + t as f64))
        .collect()
}

fn hex(i: usize) -> String {
    let (r, g, b) = PALETTE[i % PALETTE.len()];
    format!("#{r:02X}{g:02X}{b:02X}")
}

/// The element lines of a tag, e.g. every `<polygon .../>`.
fn elements<'a>(svg: &'a str, tag: &str) -> Vec<&'a str> {
    let open = format!("<{tag} ");
    svg.lines().filter(|l| l.starts_with(&open)).collect()
}

/// The value of an attribute of one element line.
fn attr<'a>(element: &'a str, name: &str) -> Option<&'a str> {
    let key = format!(" {name}=\"");
    let start = element.find(&key)? + key.len();
    let len = element[start..].find('"')?;
    Some(&element[start..start + len])
}

/// The points of a `<polygon>` or `<polyline>`.
fn points(element: &str) -> Vec<(i32, i32)> {
    attr(element, "points")
        .expect("points attribute")
        .split_whitespace()
        .map(|p| {
            let (x, y) = p.split_once(',').expect("x,y");
            (x.parse().unwrap(), y.parse().unwrap())
        })
        .collect()
}

/// The contents of every `<text>` element, in document order.
fn texts(svg: &str) -> Vec<&str> {
    let mut lines = svg.lines();
    let mut out = Vec::new();
    while let Some(line) = lines.next() {
        if line.starts_with("<text ") {
            out.push(lines.next().unwrap_or(""));
        }
    }
    out
}

/// The x axis's tick labels of an untitled chart: unrotated centred texts
/// hanging below their point (the title is one too, hence untitled).
fn x_ticks(svg: &str) -> Vec<&str> {
    let mut lines = svg.lines();
    let mut out = Vec::new();
    while let Some(line) = lines.next() {
        if line.starts_with("<text ")
            && attr(line, "text-anchor") == Some("middle")
            && attr(line, "dy") == Some("0.76em")
            && attr(line, "transform").is_none()
        {
            out.push(lines.next().unwrap_or(""));
        }
    }
    out
}

fn filled_rects<'a>(svg: &'a str, colour: &str) -> Vec<&'a str> {
    elements(svg, "rect")
        .into_iter()
        .filter(|r| attr(r, "fill") == Some(colour) && attr(r, "opacity") == Some("1"))
        .collect()
}

fn assert_invalid(result: wom::Result<String>, what: &str) {
    match result {
        Err(Error::InvalidParameter { .. }) => {}
        Err(other) => panic!("{what}: expected InvalidParameter, got {other}"),
        Ok(_) => panic!("{what}: expected an error, got a chart"),
    }
}

fn titled(title: &str) -> ChartOptions {
    ChartOptions {
        width: 640,
        height: 360,
        title: title.to_string(),
        x_label: "step (days)".to_string(),
        y_label: "adopters (mean)".to_string(),
    }
}

// ---------------------------------------------------------------- options

#[test]
fn default_options() {
    let o = ChartOptions::default();
    assert_eq!((o.width, o.height), (800, 500));
    assert_eq!(o.title, "");
    assert_eq!(o.x_label, "step");
    assert_eq!(o.y_label, "adopters");
}

#[test]
fn every_chart_is_an_svg_of_the_requested_size() {
    let o = titled("size");
    let charts = [
        adoption_curve(&rising_curve(5), &o).unwrap(),
        channel_adoptions(2, &[("a".to_string(), vec![1.0, 2.0])], &o).unwrap(),
        cascade_sizes(&[(1, 3), (4, 1)], 10, &o).unwrap(),
    ];
    for svg in &charts {
        assert!(svg.starts_with("<svg "), "{}", &svg[..40]);
        let root = svg.lines().next().unwrap();
        assert_eq!(attr(root, "width"), Some("640"));
        assert_eq!(attr(root, "height"), Some("360"));
        assert_eq!(attr(root, "viewBox"), Some("0 0 640 360"));
        assert!(svg.trim_end().ends_with("</svg>"));
    }
}

#[test]
fn title_and_axis_labels_are_text() {
    let svg = adoption_curve(&rising_curve(5), &titled("Campaign A")).unwrap();
    let t = texts(&svg);
    for expected in ["Campaign A", "step (days)", "adopters (mean)"] {
        assert!(t.contains(&expected), "{expected:?} not in {t:?}");
    }
    // No title asked for, none drawn; the default axis labels are.
    let svg = adoption_curve(&rising_curve(5), &ChartOptions::default()).unwrap();
    let t = texts(&svg);
    assert!(!t.contains(&"Campaign A"));
    assert!(t.contains(&"step") && t.contains(&"adopters"));
}

#[test]
fn text_is_escaped() {
    let series = [("ads & <posts>".to_string(), vec![1.0, 2.0])];
    let svg = channel_adoptions(2, &series, &ChartOptions::default()).unwrap();
    assert!(texts(&svg).contains(&"ads &amp; &lt;posts&gt;"));
    assert!(!svg.contains("<posts>"));
}

// --------------------------------------------------------- adoption curve

#[test]
fn adoption_band_is_one_translucent_polygon_around_the_mean() {
    let n = 8;
    let svg = adoption_curve(&rising_curve(n), &ChartOptions::default()).unwrap();
    let polygons = elements(&svg, "polygon");
    assert_eq!(polygons.len(), 1, "{polygons:?}");
    let band = polygons[0];
    assert_eq!(attr(band, "fill"), Some(hex(0).as_str()));
    assert_eq!(attr(band, "opacity"), Some("0.25"));

    // ci_high forward, then ci_low backward: 2 points per step.
    let outline = points(band);
    assert_eq!(outline.len(), 2 * n);
    let (upper, lower) = outline.split_at(n);
    let lower: Vec<_> = lower.iter().rev().collect();

    // The mean is the one polyline in the series colour through n points
    // (the other one, 2 points long, is its legend entry).
    let lines: Vec<_> = elements(&svg, "polyline")
        .into_iter()
        .filter(|l| attr(l, "stroke") == Some(hex(0).as_str()))
        .collect();
    assert_eq!(lines.len(), 2);
    let lines: Vec<_> = lines.into_iter().filter(|l| points(l).len() == n).collect();
    assert_eq!(lines.len(), 1);
    assert_eq!(attr(lines[0], "stroke-width"), Some("2"));
    let mean = points(lines[0]);
    assert_eq!(mean.len(), n);

    for t in 0..n {
        assert_eq!(upper[t].0, mean[t].0);
        assert_eq!(lower[t].0, mean[t].0);
        // SVG's y grows downwards: ci_high above the mean above ci_low.
        assert!(upper[t].1 < mean[t].1, "step {t}: {upper:?} {mean:?}");
        assert!(mean[t].1 < lower[t].1, "step {t}: {mean:?} {lower:?}");
        if t > 0 {
            assert!(mean[t].0 > mean[t - 1].0);
            assert!(mean[t].1 < mean[t - 1].1, "the curve rises");
        }
    }
    // The band widens with the interval (1 + t adopters on each side).
    let width = |t: usize| lower[t].1 - upper[t].1;
    assert!(width(n - 1) > 3 * width(0));
}

#[test]
fn adoption_legend_names_band_and_mean() {
    let svg = adoption_curve(&rising_curve(4), &ChartOptions::default()).unwrap();
    let t = texts(&svg);
    assert!(t.contains(&"mean") && t.contains(&"95% interval"), "{t:?}");
    // The band's legend swatch has the band's colour and opacity.
    assert!(
        elements(&svg, "rect")
            .iter()
            .any(|r| attr(r, "fill") == Some(hex(0).as_str())
                && attr(r, "opacity") == Some("0.25"))
    );
}

#[test]
fn degenerate_curves_still_draw() {
    let o = ChartOptions::default();
    // A single step: the band is a box around a flat mean.
    let svg = adoption_curve(&[est(5.0, 1.0)], &o).unwrap();
    let band = points(elements(&svg, "polygon")[0]);
    assert_eq!(band.len(), 4);
    assert!(band[0].0 < band[1].0, "the single step has a width");
    assert!(band[0].1 < band[3].1, "and a height");
    // All values equal, zero-width intervals, all zero, negative lows.
    for curve in [
        vec![est(3.0, 0.0); 6],
        vec![est(0.0, 0.0); 6],
        vec![est(0.0, 0.0)],
        vec![est(0.5, 2.0); 3],
    ] {
        let svg = adoption_curve(&curve, &o).unwrap();
        assert_eq!(elements(&svg, "polygon").len(), 1);
    }
}

#[test]
fn adoption_curve_refuses_bad_input() {
    let o = ChartOptions::default();
    assert_invalid(adoption_curve(&[], &o), "empty curve");
    for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let mut c = rising_curve(3);
        c[1].mean = bad;
        assert_invalid(adoption_curve(&c, &o), "bad mean");
        let mut c = rising_curve(3);
        c[2].ci_low = bad;
        assert_invalid(adoption_curve(&c, &o), "bad ci_low");
        let mut c = rising_curve(3);
        c[0].ci_high = bad;
        assert_invalid(adoption_curve(&c, &o), "bad ci_high");
    }
    let mut c = rising_curve(3);
    c[1].ci_low = c[1].ci_high + 1.0;
    assert_invalid(adoption_curve(&c, &o), "ci_low above ci_high");
    // Finite values whose range does not fit in an f64.
    let c = [
        est(0.0, 0.0),
        Estimate {
            ci_low: -f64::MAX,
            ci_high: f64::MAX,
            ..est(0.0, 0.0)
        },
    ];
    assert_invalid(adoption_curve(&c, &o), "range overflows");
}

#[test]
fn short_curves_have_integer_step_ticks() {
    for n in 1..=4 {
        let svg = adoption_curve(&rising_curve(n), &ChartOptions::default()).unwrap();
        let expected: Vec<String> = (0..n.max(1)).map(|s| s.to_string()).collect();
        assert_eq!(x_ticks(&svg), expected, "{n} steps");
    }
}

// ------------------------------------------------------- channel adoptions

fn two_channels() -> Vec<(String, Vec<f64>)> {
    vec![
        ("private message".to_string(), vec![0.0, 2.0, 5.0, 6.0, 6.0]),
        ("group post".to_string(), vec![1.0, 1.0, 4.0, 9.0, 12.0]),
    ]
}

#[test]
fn channel_legend_names_every_channel_top_layer_first() {
    let svg = channel_adoptions(5, &two_channels(), &titled("By channel")).unwrap();
    let t = texts(&svg);
    let at = |name: &str| t.iter().position(|s| *s == name);
    let (Some(bottom), Some(top)) = (at("private message"), at("group post")) else {
        panic!("channel names missing from {t:?}");
    };
    assert!(top < bottom, "the legend lists the top layer first: {t:?}");
    assert!(t.contains(&"By channel"));
    // Each legend entry has a swatch in its channel's colour.
    for k in 0..2 {
        assert!(!filled_rects(&svg, &hex(k)).is_empty(), "swatch {k}");
    }
}

#[test]
fn channel_areas_are_stacked() {
    let n = 5;
    let svg = channel_adoptions(n, &two_channels(), &ChartOptions::default()).unwrap();
    let polygons = elements(&svg, "polygon");
    assert_eq!(polygons.len(), 2);
    let layer = |k: usize| {
        let p = polygons
            .iter()
            .find(|p| attr(p, "fill") == Some(hex(k).as_str()))
            .unwrap_or_else(|| panic!("no polygon in colour {k}"));
        assert_eq!(attr(p, "opacity"), Some("1"));
        let pts = points(p);
        assert_eq!(pts.len(), 2 * n);
        let (top, bottom) = pts.split_at(n);
        let bottom: Vec<(i32, i32)> = bottom.iter().rev().copied().collect();
        (top.to_vec(), bottom)
    };
    let (top0, bottom0) = layer(0);
    let (top1, bottom1) = layer(1);
    // The first channel sits on the x axis, the second on the first.
    assert!(bottom0.windows(2).all(|w| w[0].1 == w[1].1), "{bottom0:?}");
    assert_eq!(bottom1, top0);
    // Heights in pixels are proportional to the values: at the last step
    // the layers are 6 and 12 adopters high.
    let h0 = bottom0[n - 1].1 - top0[n - 1].1;
    let h1 = bottom1[n - 1].1 - top1[n - 1].1;
    assert!((h1 - 2 * h0).abs() <= 2, "{h0} {h1}");
    // Where a channel adds nothing (step 0 of the first) its layer is flat.
    assert_eq!(top0[0], bottom0[0]);
}

#[test]
fn channel_colours_cycle_through_the_palette() {
    let series: Vec<(String, Vec<f64>)> = (0..PALETTE.len() + 1)
        .map(|k| (format!("channel {k}"), vec![1.0, 2.0]))
        .collect();
    let svg = channel_adoptions(2, &series, &ChartOptions::default()).unwrap();
    let polygons = elements(&svg, "polygon");
    assert_eq!(polygons.len(), series.len());
    // Drawn top layer first: the first polygon is channel 8 = colour 0.
    let fills: Vec<_> = polygons.iter().map(|p| attr(p, "fill").unwrap()).collect();
    let expected: Vec<String> = (0..series.len()).rev().map(hex).collect();
    assert_eq!(fills, expected);
    let t = texts(&svg);
    assert!((0..series.len()).all(|k| t.contains(&format!("channel {k}").as_str())));
}

#[test]
fn single_step_and_all_zero_channels_draw() {
    let o = ChartOptions::default();
    let svg =
        channel_adoptions(1, &[("a".into(), vec![2.0]), ("b".into(), vec![3.0])], &o).unwrap();
    for p in elements(&svg, "polygon") {
        let pts = points(p);
        assert_eq!(pts.len(), 4);
        assert!(
            pts[0].0 < pts[1].0,
            "a single step is a column with a width"
        );
    }
    let svg = channel_adoptions(3, &[("a".into(), vec![0.0; 3])], &o).unwrap();
    assert!(texts(&svg).contains(&"a"));
}

#[test]
fn channel_adoptions_refuses_bad_input() {
    let o = ChartOptions::default();
    assert_invalid(channel_adoptions(3, &[], &o), "no series");
    assert_invalid(
        channel_adoptions(0, &[("a".into(), vec![])], &o),
        "zero steps",
    );
    let mut s = two_channels();
    s[1].1.pop();
    assert_invalid(channel_adoptions(5, &s, &o), "short series");
    assert_invalid(
        channel_adoptions(6, &two_channels(), &o),
        "steps above lengths",
    );
    for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -1.0, -1e-12] {
        let mut s = two_channels();
        s[0].1[3] = bad;
        assert_invalid(channel_adoptions(5, &s, &o), "bad value");
    }
    let s = [("a".into(), vec![f64::MAX]), ("b".into(), vec![f64::MAX])];
    assert_invalid(channel_adoptions(1, &s, &o), "stacked total overflows");
}

// ----------------------------------------------------------- cascade sizes

fn bars(svg: &str) -> Vec<&str> {
    filled_rects(svg, &hex(0))
}

fn bar_height(bar: &str) -> i32 {
    attr(bar, "height").unwrap().parse().unwrap()
}

#[test]
fn each_distinct_size_gets_a_bar_when_bins_allow() {
    let svg = cascade_sizes(
        &[(1, 60), (2, 30), (5, 10)],
        1_000,
        &ChartOptions::default(),
    )
    .unwrap();
    let b = bars(&svg);
    assert_eq!(b.len(), 3, "{b:?}");
    // Bar heights follow the fractions 0.6 : 0.3 : 0.1.
    let h: Vec<f64> = b.iter().map(|r| f64::from(bar_height(r))).collect();
    assert!(
        (h[0] / h[1] - 2.0).abs() < 0.05 && (h[0] / h[2] - 6.0).abs() < 0.2,
        "{h:?}"
    );
    // Left to right by size, and no bar drawn for the empty sizes 3 and 4.
    let x: Vec<i32> = b
        .iter()
        .map(|r| attr(r, "x").unwrap().parse().unwrap())
        .collect();
    assert!(x[0] < x[1] && x[1] < x[2]);
    assert!(x[2] - x[1] > 2 * (x[1] - x[0]));
    // Integer sizes, integer ticks.
    assert_eq!(x_ticks(&svg), ["1", "2", "3", "4", "5"]);
}

#[test]
fn wide_ranges_are_binned() {
    // 1,000 distinct sizes, 20 bins of 50 sizes, none empty.
    let histogram: Vec<(u64, u64)> = (0..1_000).map(|s| (s, 1 + s % 7)).collect();
    let svg = cascade_sizes(&histogram, 20, &ChartOptions::default()).unwrap();
    assert_eq!(bars(&svg).len(), 20);
    // Bins have an integer width: 30 bins of 34 sizes, the last one short.
    let n = bars(&cascade_sizes(&histogram, 30, &ChartOptions::default()).unwrap()).len();
    assert_eq!(n, 30);
    // 1,000 sizes into at most 300 bins: width 4, 250 bins.
    let n = bars(&cascade_sizes(&histogram, 300, &ChartOptions::default()).unwrap()).len();
    assert_eq!(n, 250);
    // Sizes 1 and 2 share the first of 10 bins of 100; 1,000 is alone.
    let svg = cascade_sizes(&[(1, 5), (2, 5), (1_000, 10)], 10, &ChartOptions::default()).unwrap();
    let b = bars(&svg);
    assert_eq!(b.len(), 2, "{b:?}");
    assert!(
        (bar_height(b[0]) - bar_height(b[1])).abs() <= 1,
        "both hold half the runs"
    );
    // A single bin holds everything.
    assert_eq!(
        bars(&cascade_sizes(&histogram, 1, &ChartOptions::default()).unwrap()).len(),
        1
    );
}

#[test]
fn sizes_with_no_runs_draw_no_bar() {
    let svg = cascade_sizes(
        &[(1, 0), (2, 4), (3, 0), (9, 1)],
        100,
        &ChartOptions::default(),
    )
    .unwrap();
    assert_eq!(bars(&svg).len(), 2);
}

#[test]
fn cascade_axis_labels_are_the_options() {
    let o = ChartOptions {
        title: "Cascades".into(),
        x_label: "cascade size".into(),
        y_label: "fraction of runs".into(),
        ..ChartOptions::default()
    };
    let svg = cascade_sizes(&[(3, 1)], 5, &o).unwrap();
    let t = texts(&svg);
    for expected in ["Cascades", "cascade size", "fraction of runs", "3"] {
        assert!(t.contains(&expected), "{expected:?} not in {t:?}");
    }
    assert_eq!(bars(&svg).len(), 1);
}

#[test]
fn extreme_sizes_draw() {
    let o = ChartOptions::default();
    for histogram in [
        vec![(u64::MAX, 1)],
        vec![(u64::MAX - 1, 1), (u64::MAX, 3)],
        vec![(0, 1), (u64::MAX, u64::MAX - 1)],
        vec![((1 << 53) - 1, 2), (1 << 53, 1)],
    ] {
        for max_bins in [1, 2, 50, usize::MAX] {
            let svg = cascade_sizes(&histogram, max_bins, &o).unwrap();
            let n = bars(&svg).len();
            assert!(
                (1..=histogram.len()).contains(&n),
                "{histogram:?} {max_bins}: {n}"
            );
        }
    }
}

#[test]
fn cascade_sizes_refuses_bad_input() {
    let o = ChartOptions::default();
    assert_invalid(cascade_sizes(&[], 10, &o), "empty histogram");
    assert_invalid(cascade_sizes(&[(1, 2)], 0, &o), "zero bins");
    assert_invalid(cascade_sizes(&[(2, 1), (1, 1)], 10, &o), "unsorted");
    assert_invalid(
        cascade_sizes(&[(1, 1), (3, 1), (3, 2)], 10, &o),
        "duplicate",
    );
    assert_invalid(cascade_sizes(&[(1, 0), (2, 0)], 10, &o), "no runs");
    assert_invalid(
        cascade_sizes(&[(1, u64::MAX), (2, 1)], 10, &o),
        "runs overflow",
    );
}

// ---------------------------------------------------------------- stacking

#[test]
fn stacked_documents_nest_each_chart_below_the_previous() {
    let top = adoption_curve(&rising_curve(4), &titled("Top chart")).unwrap();
    let bottom = cascade_sizes(
        &[(1, 2), (2, 1)],
        5,
        &ChartOptions {
            width: 900,
            title: "Bottom chart".into(),
            ..ChartOptions::default()
        },
    )
    .unwrap();
    let svg = stack_vertically(&[top.as_str(), bottom.as_str()]).unwrap();
    let root = svg.lines().next().unwrap();
    assert!(root.starts_with("<svg "));
    assert_eq!(attr(root, "width"), Some("900"));
    assert_eq!(attr(root, "height"), Some("860"));
    let nested: Vec<_> = elements(&svg, "svg").into_iter().skip(1).collect();
    assert_eq!(nested.len(), 2);
    assert_eq!(attr(nested[0], "y"), Some("0"));
    assert_eq!(attr(nested[0], "height"), Some("360"));
    assert_eq!(attr(nested[1], "y"), Some("360"));
    assert_eq!(attr(nested[1], "width"), Some("900"));
    assert_eq!(svg.matches("<svg ").count(), 3);
    assert_eq!(svg.matches("</svg>").count(), 3);
    let t = texts(&svg);
    assert!(t.contains(&"Top chart") && t.contains(&"Bottom chart"));
    // Elements survive: the band of the top chart, the bars of the bottom.
    assert_eq!(elements(&svg, "polygon").len(), 1);
    assert_eq!(bars(&svg).len(), 2);
}

#[test]
fn stacking_refuses_what_it_cannot_read() {
    let ok = adoption_curve(&rising_curve(2), &ChartOptions::default()).unwrap();
    assert_invalid(stack_vertically::<String>(&[]), "no chart");
    assert_invalid(stack_vertically(&[ok.as_str(), "hello"]), "not svg");
    assert_invalid(
        stack_vertically(&[r#"<svg height="3" xmlns="x"></svg>"#]),
        "no width",
    );
    assert_invalid(
        stack_vertically(&[r#"<svg width="100%" height="3"></svg>"#]),
        "relative width",
    );
    assert_invalid(stack_vertically(&[&ok[..ok.len() - 8]]), "truncated");
}

// ------------------------------------------------------------------ sizes

#[test]
fn zero_or_huge_sizes_are_refused() {
    let curve = rising_curve(3);
    let series = two_channels();
    for (width, height) in [(0, 500), (800, 0), (0, 0), (100_001, 500), (800, u32::MAX)] {
        let o = ChartOptions {
            width,
            height,
            ..ChartOptions::default()
        };
        assert_invalid(adoption_curve(&curve, &o), "size");
        assert_invalid(channel_adoptions(5, &series, &o), "size");
        assert_invalid(cascade_sizes(&[(1, 1)], 10, &o), "size");
        assert_invalid(quantity_curves(&[named("q", &curve)], &o), "size");
    }
}

#[test]
fn tiny_and_odd_sizes_do_not_panic() {
    let curve = rising_curve(3);
    let series = two_channels();
    for (width, height) in [
        (1, 1),
        (2, 3),
        (30, 20),
        (1, 500),
        (100_000, 1),
        (100_000, 100_000),
    ] {
        let o = ChartOptions {
            width,
            height,
            title: "t".into(),
            ..ChartOptions::default()
        };
        // Either a chart or an error; never a panic.
        for result in [
            adoption_curve(&curve, &o),
            channel_adoptions(5, &series, &o),
            cascade_sizes(&[(1, 1), (7, 2)], 3, &o),
        ] {
            match result {
                Ok(svg) => assert!(svg.starts_with("<svg ")),
                Err(e) => assert!(matches!(e, Error::InvalidParameter { .. }), "{e}"),
            }
        }
    }
}

#[test]
fn extreme_values_do_not_panic_or_hang() {
    let o = ChartOptions::default();
    for v in [
        5e-324,
        1e-310,
        1e-300,
        1e15,
        1e300,
        f64::MAX,
        -1e300,
        -f64::MAX,
    ] {
        for n in [1, 2, 30] {
            let flat = vec![
                Estimate {
                    runs: 1,
                    mean: v,
                    std_dev: 0.0,
                    ci_low: v,
                    ci_high: v
                };
                n
            ];
            assert!(adoption_curve(&flat, &o).is_ok(), "{v} x {n}");
            let s = [("a".to_string(), vec![v.abs(); n])];
            assert!(channel_adoptions(n, &s, &o).is_ok(), "{v} x {n}");
            assert!(
                quantity_curves(&[named("q", &flat)], &o).is_ok(),
                "{v} x {n}"
            );
        }
    }
}

// ------------------------------------------------------- quantity curves

fn named(name: &str, points: &[Estimate]) -> NamedCurve {
    NamedCurve {
        name: name.to_string(),
        points: points.to_vec(),
    }
}

/// A point no run defined: its figures are whatever, even NaN.
fn undefined() -> Estimate {
    Estimate {
        runs: 0,
        mean: f64::NAN,
        std_dev: f64::NAN,
        ci_low: f64::NAN,
        ci_high: f64::NAN,
    }
}

/// The polylines drawn in colour `i` with `n` points.
fn lines_of(svg: &str, i: usize, n: usize) -> Vec<&str> {
    elements(svg, "polyline")
        .into_iter()
        .filter(|l| attr(l, "stroke") == Some(hex(i).as_str()) && points(l).len() == n)
        .collect()
}

#[test]
fn each_quantity_is_a_line_over_its_own_band() {
    let n = 6;
    let up = rising_curve(n);
    // Falls below zero: net sentiment can.
    let down: Vec<Estimate> = (0..n).map(|t| est(2.0 - 3.0 * t as f64, 0.5)).collect();
    let svg = quantity_curves(
        &[
            named("positive_talkers", &up),
            named("net_sentiment", &down),
        ],
        &titled("quantities"),
    )
    .unwrap();
    let polygons = elements(&svg, "polygon");
    assert_eq!(polygons.len(), 2, "one band per curve");
    for (i, band) in polygons.iter().enumerate() {
        assert_eq!(attr(band, "fill"), Some(hex(i).as_str()));
        assert_eq!(attr(band, "opacity"), Some("0.25"));
        let outline = points(band);
        assert_eq!(outline.len(), 2 * n);
        let line = lines_of(&svg, i, n);
        assert_eq!(line.len(), 1, "curve {i}: one mean line");
        assert_eq!(attr(line[0], "stroke-width"), Some("2"));
        let mean = points(line[0]);
        let (upper, lower) = outline.split_at(n);
        for t in 0..n {
            let low = lower[n - 1 - t];
            assert_eq!((upper[t].0, low.0), (mean[t].0, mean[t].0));
            // SVG y grows downwards: upper end above the mean above the
            // lower end.
            assert!(upper[t].1 < mean[t].1 && mean[t].1 < low.1, "curve {i}");
        }
    }
    // The falling curve ends below the rising one's start, and the axis
    // shows negative values.
    let (rise, fall) = (
        points(lines_of(&svg, 0, n)[0]),
        points(lines_of(&svg, 1, n)[0]),
    );
    assert!(fall[n - 1].1 > rise[0].1);
    let t = texts(&svg);
    assert!(t.iter().any(|s| s.starts_with('-')), "{t:?}");
    // The legend names the curves, and each has a short line in its colour.
    for name in ["positive_talkers", "net_sentiment", "quantities"] {
        assert!(t.contains(&name), "{name} not in {t:?}");
    }
    assert_eq!(lines_of(&svg, 0, 2).len(), 1);
    assert_eq!(lines_of(&svg, 1, 2).len(), 1);
    // Bands first: every polygon comes before every coloured polyline.
    let last_band = svg.rfind("<polygon").unwrap();
    let first_line = svg.find(&format!("stroke=\"{}\"", hex(0))).unwrap();
    assert!(last_band < first_line);
}

#[test]
fn undefined_points_leave_gaps() {
    let d = |m| est(m, 0.5);
    // Defined at steps 0-1, 3 and 5-7.
    let gappy = [
        d(1.0),
        d(2.0),
        undefined(),
        d(4.0),
        undefined(),
        d(3.0),
        d(2.0),
        d(1.0),
    ];
    let never = vec![undefined(); 8];
    let svg = quantity_curves(
        &[named("gappy", &gappy), named("never", &never)],
        &ChartOptions::default(),
    )
    .unwrap();
    // Two bands, of 2 and 3 steps; no band for the lone step.
    let mut bands: Vec<usize> = elements(&svg, "polygon")
        .iter()
        .map(|p| points(p).len())
        .collect();
    bands.sort_unstable();
    assert_eq!(bands, [4, 6]);
    // Lines of 2 and 3 points; the 2-point lines are the first stretch,
    // the lone step's vertical interval and the legend.
    assert_eq!(lines_of(&svg, 0, 3).len(), 1);
    let twos = lines_of(&svg, 0, 2);
    assert_eq!(twos.len(), 3);
    let vertical: Vec<_> = twos
        .iter()
        .map(|l| points(l))
        .filter(|p| p[0].0 == p[1].0)
        .collect();
    assert_eq!(vertical.len(), 1);
    // The lone step is a dot at its mean, on its interval, at step 3.
    let dots = elements(&svg, "circle");
    assert_eq!(dots.len(), 1);
    let cx: i32 = attr(dots[0], "cx").unwrap().parse().unwrap();
    let cy: i32 = attr(dots[0], "cy").unwrap().parse().unwrap();
    assert_eq!(attr(dots[0], "fill"), Some(hex(0).as_str()));
    assert_eq!(cx, vertical[0][0].0);
    let (top, bottom) = (
        vertical[0][0].1.min(vertical[0][1].1),
        vertical[0][0].1.max(vertical[0][1].1),
    );
    assert!(top < cy && cy < bottom);
    let x_of = |t: usize| points(lines_of(&svg, 0, 3)[0])[t - 5].0;
    let step = (x_of(7) - x_of(5)) / 2;
    assert!(
        (cx - (x_of(5) - 2 * step)).abs() <= 1,
        "the dot is at step 3"
    );
    // A curve no run defined: listed, nothing drawn but its legend.
    assert!(texts(&svg).contains(&"never (undefined)"));
    assert_eq!(
        elements(&svg, "polyline")
            .iter()
            .filter(|l| attr(l, "stroke") == Some(hex(1).as_str()))
            .count(),
        1
    );
}

#[test]
fn a_single_step_is_a_column_per_curve() {
    let svg = quantity_curves(
        &[named("a", &[est(3.0, 1.0)]), named("b", &[est(5.0, 0.0)])],
        &ChartOptions::default(),
    )
    .unwrap();
    let bands = elements(&svg, "polygon");
    assert_eq!(bands.len(), 2);
    assert!(bands.iter().all(|b| points(b).len() == 4));
    // Each mean is a horizontal bar (plus its legend line).
    for i in 0..2 {
        let bars: Vec<_> = lines_of(&svg, i, 2)
            .iter()
            .map(|l| points(l))
            .filter(|p| p[0].1 == p[1].1)
            .collect();
        assert_eq!(bars.len(), 2, "curve {i}");
    }
}

#[test]
fn quantity_curves_refuse_bad_input() {
    let o = ChartOptions::default();
    let ok = rising_curve(3);
    assert_invalid(quantity_curves(&[], &o), "no curve");
    assert_invalid(
        quantity_curves(&[named("ok", &ok), named("empty", &[])], &o),
        "empty curve",
    );
    for bad in [
        Estimate {
            mean: f64::NAN,
            ..est(1.0, 1.0)
        },
        Estimate {
            ci_high: f64::INFINITY,
            ..est(1.0, 1.0)
        },
        Estimate {
            ci_low: 3.0,
            ci_high: 2.0,
            ..est(2.5, 1.0)
        },
    ] {
        let mut curve = ok.clone();
        curve[1] = bad;
        let err = quantity_curves(&[named("q", &curve)], &o).unwrap_err();
        assert!(err.to_string().contains("curves[0] (q).points[1]"), "{err}");
        // Undefined, the same figures are a gap, not an error.
        curve[1].runs = 0;
        assert!(quantity_curves(&[named("q", &curve)], &o).is_ok());
    }
    let wide = [est(f64::MAX, 0.0)];
    let low = [est(-f64::MAX, 0.0)];
    assert_invalid(
        quantity_curves(&[named("a", &wide), named("b", &low)], &o),
        "span",
    );
}

// ------------------------------------------------------ a report's page

#[test]
fn a_report_without_quantities_draws_the_adoption_charts() {
    let network = wom::Network::from_arcs(4, [(0, 1, 1.0), (1, 2, 1.0), (2, 3, 1.0)]).unwrap();
    let ic = wom::propagation::IndependentCascade::uniform(&network, 0.5).unwrap();
    let options = EnsembleOptions {
        budget: RunBudget::Runs(40),
        ..EnsembleOptions::default()
    };
    let r = run_kpis(&network, &ic, &[0], &KpiSpec::default(), &options).unwrap();
    let page = report_charts(&r, "path").unwrap();
    // The adoption curve over the sources, as `wom plot` drew them before
    // quantity curves.
    let curve = adoption_curve(
        &r.curves.adoption,
        &ChartOptions {
            title: "path: adopters (mean, 95% band, 40 runs)".into(),
            ..ChartOptions::default()
        },
    )
    .unwrap();
    let sources = channel_adoptions(
        r.curves.adoption.len(),
        &r.curves.by_channel_means(),
        &ChartOptions {
            title: "adoptions by channel (mean, stacked)".into(),
            ..ChartOptions::default()
        },
    )
    .unwrap();
    assert_eq!(page, stack_vertically(&[curve, sources]).unwrap());
}

#[test]
fn a_report_draws_one_chart_per_kind_of_quantity() {
    use wom::propagation::competition::{
        BrandProbabilities, CompetitionOptions, CompetitiveCascade,
    };
    let arcs: Vec<(u32, u32, f64)> = (0..12)
        .flat_map(|u| [(u, (u + 1) % 12, 1.0), (u, (u + 5) % 12, 1.0)])
        .collect();
    let network = wom::Network::from_arcs(12, arcs).unwrap();
    let model = CompetitiveCascade::new(
        &network,
        CompetitionOptions {
            probabilities: BrandProbabilities::Uniform { a: 0.4, b: 0.4 },
            tie_rule: Default::default(),
        },
        &[0],
        &[6],
    )
    .unwrap();
    let options = EnsembleOptions {
        budget: RunBudget::Runs(30),
        ..EnsembleOptions::default()
    };
    let seeds = model.seeds().to_vec();
    let r = run_kpis(&network, &model, &seeds, &KpiSpec::default(), &options).unwrap();
    let page = report_charts(&r, "duel").unwrap();
    // adoption, sources, then adopted:*, messages:*, market_share:*,
    // share_of_voice:*, and `contested` alone.
    assert_eq!(page.matches("<svg x=").count(), 7);
    let t = texts(&page);
    let titles: Vec<&str> = t
        .iter()
        .copied()
        .filter(|s| s.ends_with("band)") || s.ends_with("stacked)") || s.ends_with("runs)"))
        .collect();
    assert_eq!(
        titles,
        [
            "duel: adopters (mean, 95% band, 30 runs)",
            "adoptions by channel (mean, stacked)",
            "adopted (mean, 95% band)",
            "messages (mean, 95% band)",
            "market_share (mean, 95% band)",
            "share_of_voice (mean, 95% band)",
            "model quantities (mean, 95% band)",
        ]
    );
    // Legends name the items of a kind, without the kind.
    assert!(t.contains(&"brand_a") && t.contains(&"contested"));
    assert!(!t.iter().any(|s| s.starts_with("market_share:")));
}
