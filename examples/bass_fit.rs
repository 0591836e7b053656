//! Fit the Bass model to a published sales series, map the fitted
//! continuous-time p and q to the per-step network Bass model, and draw
//! the data, the fitted curve and the simulated network mean with its
//! band (`docs/figures/bass_fit.svg`, shown in docs/models.md).
//!
//! ```text
//! cargo run --release --example bass_fit [OUT.svg]
//! ```
//!
//! It also prints the residual standard error of each curve against the
//! data: the fitted closed form, the mapped network model's mean, and the
//! network model given the continuous p and q as they are (one step per
//! period, q divided by the in-degree), which is what the mapping fixes.

use wom::Network;
use wom::chart::{ChartOptions, FitBand, FitCurve, fit_chart};
use wom::fit::bass::{BassFitOptions, fit_bass, to_network_bass};
use wom::propagation::bass::{Bass, BassOptions};
use wom::propagation::{Recorder, Simulation};

/// Ten years of sales from 1979 (Wang Chengjun, "Bass model", RPubs 2012;
/// the series of tests/models/fit/bass.rs).
const SALES: [f64; 10] = [
    840.0, 1470.0, 2110.0, 4000.0, 7590.0, 10950.0, 10530.0, 9470.0, 7790.0, 5890.0,
];

/// Nodes of the complete graph standing for the market.
const N: u32 = 1000;
/// Runs of the network model.
const RUNS: u64 = 200;
/// Periods drawn (the data's 10 and a forecast of 4).
const PERIODS: usize = 14;

/// Sales per period of each run, scaled to the market size `m`: `runs`
/// vectors of `PERIODS` values.
fn simulate(
    net: &Network,
    options: BassOptions,
    steps_per_period: usize,
    m: f64,
) -> wom::Result<Vec<Vec<f64>>> {
    let bass = Bass::new(net, options)?;
    let mut sim = Simulation::new(net, &bass);
    let mut rec = Recorder::new();
    let scale = m / f64::from(N);
    let mut runs = Vec::new();
    for run in 0..RUNS {
        sim.run(&[], 1969, run, &mut rec)?;
        let curve = rec.adoption_curve();
        let at = |step: usize| curve.get(step).copied().unwrap_or(N as usize) as f64;
        runs.push(
            (1..=PERIODS)
                .map(|j| (at(j * steps_per_period) - at((j - 1) * steps_per_period)) * scale)
                .collect(),
        );
    }
    Ok(runs)
}

/// Mean and 2.5% / 97.5% quantiles per period.
fn summarise(runs: &[Vec<f64>]) -> Vec<(f64, f64, f64)> {
    (0..PERIODS)
        .map(|j| {
            let mut column: Vec<f64> = runs.iter().map(|r| r[j]).collect();
            column.sort_by(f64::total_cmp);
            let q = |x: f64| column[((column.len() - 1) as f64 * x).round() as usize];
            (
                column.iter().sum::<f64>() / column.len() as f64,
                q(0.025),
                q(0.975),
            )
        })
        .collect()
}

/// The residual standard error of `model` against the data, on n - 3
/// degrees of freedom as the fit's.
fn residual_se(model: &[f64]) -> f64 {
    let rss: f64 = SALES
        .iter()
        .zip(model)
        .map(|(s, g)| (s - g) * (s - g))
        .sum();
    (rss / (SALES.len() - 3) as f64).sqrt()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let fit = fit_bass(&SALES, &BassFitOptions::default())?;
    let (m, p, q) = (fit.m.estimate, fit.p.estimate, fit.q.estimate);
    let arcs = (0..N).flat_map(|u| (0..N).filter(move |&v| v != u).map(move |v| (u, v, 1.0)));
    let net = Network::from_arcs(N as usize, arcs)?;
    let k = f64::from(N - 1);

    // Mapped: 10 steps per period, hazards matched.
    let per_period = 20;
    let mapped = to_network_bass(p, q, 1.0 / per_period as f64, k)?;
    let mapped_runs = summarise(&simulate(&net, mapped, per_period, m)?);
    // Unmapped: the continuous p and q used as per-step probabilities,
    // one step per period, q shared over the in-neighbours.
    let naive = BassOptions { p, q: q / k };
    let naive_runs = summarise(&simulate(&net, naive, 1, m)?);

    let fitted: Vec<f64> = (1..=SALES.len()).map(|i| fit.sales_at(i as f64)).collect();
    let mapped_mean: Vec<f64> = mapped_runs.iter().map(|r| r.0).collect();
    let naive_mean: Vec<f64> = naive_runs.iter().map(|r| r.0).collect();
    println!("Bass fit: m = {m:.0}, p = {p:.5}, q = {q:.4} (per year)");
    println!(
        "network Bass, {per_period} steps a year on a complete graph of {N}: p_step = {:.6}, q_step = {:.3e}",
        mapped.p, mapped.q
    );
    println!("| curve | residual standard error |");
    println!("| --- | ---: |");
    println!("| fitted closed form | {:.0} |", residual_se(&fitted));
    println!(
        "| network Bass, mapped (mean of {RUNS} runs) | {:.0} |",
        residual_se(&mapped_mean)
    );
    println!(
        "| network Bass, p and q unmapped (mean of {RUNS} runs) | {:.0} |",
        residual_se(&naive_mean)
    );

    let data: Vec<(f64, f64)> = SALES
        .iter()
        .enumerate()
        .map(|(i, &s)| ((i + 1) as f64, s))
        .collect();
    let end = PERIODS as f64;
    let closed = FitCurve {
        name: "fitted Bass curve (closed form)".into(),
        points: (0..=260)
            .map(|j| {
                let t = 1.0 + (end - 1.0) * f64::from(j) / 260.0;
                (t, fit.sales_at(t))
            })
            .collect(),
        band: None,
    };
    let network = FitCurve {
        name: format!("network Bass, mapped: mean of {RUNS} runs"),
        points: mapped_runs
            .iter()
            .enumerate()
            .map(|(j, r)| ((j + 1) as f64, r.0))
            .collect(),
        band: Some(FitBand {
            name: "95% of runs".into(),
            points: mapped_runs
                .iter()
                .enumerate()
                .map(|(j, r)| ((j + 1) as f64, r.1, r.2))
                .collect(),
        }),
    };
    let unmapped = FitCurve {
        name: "network Bass, p and q unmapped".into(),
        points: naive_runs
            .iter()
            .enumerate()
            .map(|(j, r)| ((j + 1) as f64, r.0))
            .collect(),
        band: None,
    };
    let options = ChartOptions {
        title: "Sales per year: data, fitted Bass curve, network Bass".into(),
        x_label: "year since 1979".into(),
        y_label: "sales".into(),
        width: 900,
        height: 520,
    };
    let svg = fit_chart("data", &data, &[closed, network, unmapped], &options)?;
    let out = std::env::args()
        .nth(1)
        .unwrap_or_else(|| format!("{}/docs/figures/bass_fit.svg", env!("CARGO_MANIFEST_DIR")));
    if let Some(folder) = std::path::Path::new(&out).parent() {
        std::fs::create_dir_all(folder)?;
    }
    std::fs::write(&out, svg)?;
    println!("wrote {out}");
    Ok(())
}
