//! `wom`: run campaign scenarios, summarise graphs and chart results from
//! the command line, without writing Rust.
//!
//! Installed with `cargo install --path . --features cli`:
//!
//! * `wom run SCENARIO [--out FILE] [--threads N]` runs a scenario
//!   document and writes its results document (JSON), with a progress bar
//!   on stderr; with `--out` it also prints the KPI table;
//! * `wom stats EDGELIST [--directed] [--text-ids]` prints the graph's
//!   summary as JSON;
//! * `wom plot RESULTS --out FILE.svg` draws the adoption curve with its
//!   band above the adoptions per channel.
//!
//! Errors print one line on stderr and exit with status 1 (2 for a bad
//! command line; `--help` and `--version` print clap's text).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use wom::Relation;
use wom::chart::{self, ChartOptions};
use wom::io::{EdgeListOptions, IdFormat, read_edge_list};
use wom::scenario::{MAX_THREADS, Results, RunSettings, Scenario};

/// Word-of-mouth marketing simulation on social networks.
#[derive(Debug, Parser)]
#[command(name = "wom", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run a scenario document and write its results document.
    Run {
        /// The scenario (JSON; see docs/scenario.md).
        scenario: PathBuf,
        /// Write the results here instead of to stdout (and print the KPI
        /// table to stdout).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Worker threads (results are identical for any number).
        #[arg(long)]
        threads: Option<usize>,
    },
    /// Print a graph's summary as JSON: nodes, arcs, self-loops, degrees,
    /// components.
    Stats {
        /// A SNAP-style edge list, plain or gzip.
        edgelist: PathBuf,
        /// Read each line as one arc (default: a mutual friendship).
        #[arg(long)]
        directed: bool,
        /// Node ids are names, not integers.
        #[arg(long)]
        text_ids: bool,
    },
    /// Draw a results document's adoption curve and adoptions per channel.
    Plot {
        /// A results document written by `wom run`.
        results: PathBuf,
        /// The SVG file to write.
        #[arg(long)]
        out: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => {
            // --help and --version: clap prints them and exits 0.
            e.exit();
        }
        Err(e) => {
            // A usage error: its first line, without clap's "error: ".
            let text = e.to_string();
            let first = text.lines().next().unwrap_or("invalid command line");
            eprintln!(
                "wom: error: {} (see wom --help)",
                first.trim_start_matches("error: ")
            );
            return ExitCode::from(2);
        }
    };
    match run(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // One line, whatever the error.
            let message = e.replace('\n', " ");
            eprintln!("wom: error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(command: Command) -> Result<(), String> {
    match command {
        Command::Run {
            scenario,
            out,
            threads,
        } => run_scenario(&scenario, out.as_deref(), threads),
        Command::Stats {
            edgelist,
            directed,
            text_ids,
        } => stats(&edgelist, directed, text_ids),
        Command::Plot { results, out } => plot(&results, &out),
    }
}

fn run_scenario(path: &Path, out: Option<&Path>, threads: Option<usize>) -> Result<(), String> {
    if let Some(t) = threads
        && !(1..=MAX_THREADS).contains(&t)
    {
        return Err(format!("--threads must be in [1, {MAX_THREADS}], not {t}"));
    }
    let scenario = Scenario::from_file(path).map_err(|e| format!("{}: {e}", path.display()))?;
    // Find an unwritable output before the ensemble runs, not after.
    let out_file = out
        .map(|file| std::fs::File::create(file).map_err(|e| format!("{}: {e}", file.display())))
        .transpose()?;
    let bar =
        ProgressBar::with_draw_target(Some(scenario.planned_runs()), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("{elapsed_precise} [{bar:40}] {pos}/{len} runs ({eta} left)")
            .map_err(|e| e.to_string())?
            .progress_chars("=> "),
    );
    bar.enable_steady_tick(Duration::from_millis(200));
    let done = AtomicU64::new(0);
    let progress = |runs: u64| {
        let total = done.fetch_add(runs, Ordering::Relaxed) + runs;
        bar.set_position(total);
    };
    let results = scenario.run(RunSettings {
        threads,
        progress: Some(&progress),
    });
    bar.finish_and_clear();
    let results = results.map_err(|e| format!("{}: {e}", path.display()))?;
    let json = results.to_json().map_err(|e| e.to_string())?;
    match (out, out_file) {
        (Some(file), Some(mut f)) => {
            f.write_all(json.as_bytes())
                .map_err(|e| format!("{}: {e}", file.display()))?;
            stdout(&results.report.to_string())
        }
        _ => stdout(&format!("{json}\n")),
    }
}

fn stats(path: &Path, directed: bool, text_ids: bool) -> Result<(), String> {
    let options = EdgeListOptions {
        direction: if directed {
            Relation::Follow
        } else {
            Relation::Friendship
        },
        ids: if text_ids {
            IdFormat::Text
        } else {
            IdFormat::Integer
        },
        ..EdgeListOptions::default()
    };
    let loaded = read_edge_list(path, &options).map_err(|e| e.to_string())?;
    let network = loaded.graph.freeze().map_err(|e| e.to_string())?;
    let summary = wom::stats::summarize(&network);
    let doc = serde_json::json!({
        "file": path.display().to_string(),
        "directed": directed,
        "summary": summary,
        "load_report": loaded.report,
    });
    let text = serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())?;
    stdout(&format!("{text}\n"))
}

fn plot(path: &Path, out: &Path) -> Result<(), String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let results = Results::from_json(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let report = &results.report;
    let title = if results.scenario.name.is_empty() {
        report.model.clone()
    } else {
        results.scenario.name.clone()
    };
    let curve = chart::adoption_curve(
        &report.curves.adoption,
        &ChartOptions {
            title: format!("{title}: adopters (mean, 95% band, {} runs)", report.runs),
            ..ChartOptions::default()
        },
    )
    .map_err(|e| e.to_string())?;
    let series = report.curves.by_channel_means();
    let steps = report.curves.adoption.len();
    let channels = chart::channel_adoptions(
        steps,
        &series,
        &ChartOptions {
            title: "adoptions by channel (mean, stacked)".to_string(),
            ..ChartOptions::default()
        },
    )
    .map_err(|e| e.to_string())?;
    let svg = chart::stack_vertically(&[curve, channels]).map_err(|e| e.to_string())?;
    write_file(out, svg.as_bytes())
}

/// Writes to stdout; a reader that went away (`wom run ... | head`) is not
/// an error.
fn stdout(text: &str) -> Result<(), String> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(format!("stdout: {e}")),
        _ => Ok(()),
    }
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<(), String> {
    std::fs::File::create(path)
        .and_then(|mut f| f.write_all(bytes))
        .map_err(|e| format!("{}: {e}", path.display()))
}
