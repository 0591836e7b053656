//! The `wom` command line as a library function (feature `cli`), so that
//! a crate with models and roles of its own ships its own binary with the
//! same commands.
//!
//! [`run`] parses a command line and runs it with the models and roles of
//! a [`Registry`]; the `wom` binary is `run(&Registry::builtin(), args)`.
//! The commands:
//!
//! * `wom run SCENARIO [--out FILE] [--threads N]` runs a scenario
//!   document and writes its results document (JSON), with a progress bar
//!   on stderr; with `--out` it also prints the KPI table; with `--shard
//!   I/N` it runs only shard I (0-based) of N of the study's runs and
//!   writes that shard's part ([`ShardPart`]);
//! * `wom merge PART... [--out FILE]` merges the parts of every shard into
//!   the results document, byte for byte that of the unsplit run (see
//!   docs/scale.md);
//! * `wom stats EDGELIST [--directed] [--text-ids] [--sources N]
//!   [--seed S]` prints the graph's summary and its structural figures
//!   (triangles, clustering, diameters, reciprocity, assortativity; see
//!   [`structure`](crate::analysis::structure)) as JSON, with a note when
//!   a file read as undirected lists its edges both ways;
//! * `wom cascades FILE [--format trees|csv|activity] [--parents ...]
//!   [--cycles ...] [--compare RESULTS_OR_SCENARIO] [--step-length L]
//!   [--out FILE.svg] [--json]` reads observed cascades and prints the
//!   distributions of their trees' KPIs with the reader's report (what was
//!   merged and dropped), draws them, and with `--compare` sets them
//!   beside a simulation's with a Kolmogorov–Smirnov test per KPI
//!   ([`observed::compare`](crate::observed::compare));
//! * `wom plot RESULTS --out FILE.svg` draws the adoption curve with its
//!   band above the adoptions per channel ([`plot_svg`]);
//! * `wom seed SCENARIO [--rr-sets N]` chooses the scenario's seeds (with
//!   a progress bar for a selector that takes long) and prints them, their
//!   cost, the guarantee a selector proved and the RR estimate of their
//!   spread;
//! * `wom split SCENARIO [--budgets ...] [--shares ...] [--objective ...]
//!   [--chart FILE.svg]` runs the scenario's budget split and prints every
//!   split with the best per budget;
//! * `wom fit bass SERIES`, `wom fit ic --edges FILE --cascades FILE`,
//!   `wom fit branching --sizes FILE` (or `--trees FILE`) and `wom fit
//!   SCENARIO` (its `fit` section) fit models to data and print estimates,
//!   standard errors and intervals, with `--plot FILE.svg` for a chart of
//!   the data against the fitted model and `--json` for the report as
//!   JSON ([`crate::fit`]).
//!
//! The commands that read a scenario (`run`, `seed`, `split`, `sweep`,
//! `fit SCENARIO`, `cascades --compare SCENARIO`) read only files in the
//! scenario's folder or below unless given `--allow-outside-paths`
//! ([`PathPolicy`]).
//!
//! Errors print one line on stderr and give exit status 1 (2 for a bad
//! command line; `--help` and `--version` print clap's text and give 0).
//! Control characters of what a document or file holds (an escape
//! sequence in a key, a name or an id) are printed escaped (`\u{1b}`),
//! in errors and in tables alike.
//!
//! # A downstream binary
//! A crate that defines a [`FromOptions`](crate::propagation::FromOptions)
//! model `MyModel` (key `"my_model"`) gets `run`, `plot` and `stats` for
//! documents that name it with a `src/main.rs` of a few lines (and
//! `wom = { version = "0.1", features = ["cli"] }` in its `Cargo.toml`):
//!
//! ```no_run
//! use std::process::ExitCode;
//! use wom::scenario::Registry;
//! # use wom::propagation::IndependentCascade as MyModel;
//!
//! fn main() -> ExitCode {
//!     match Registry::builtin().model::<MyModel>() {
//!         Ok(registry) => wom::cli::run(&registry, std::env::args_os()),
//!         Err(e) => {
//!             eprintln!("my-wom: error: {e}");
//!             ExitCode::FAILURE
//!         }
//!     }
//! }
//! ```
//!
//! `my-wom run study.json --out results.json` then runs a document whose
//! `model` is `{"my_model": {...}}`, and `my-wom plot results.json --out
//! chart.svg` draws it under the model's name.
//!
//! # Example
//! ```no_run
//! use wom::scenario::Registry;
//!
//! let status = wom::cli::run(
//!     &Registry::builtin(),
//!     ["wom", "plot", "results.json", "--out", "chart.svg"],
//! );
//! assert_eq!(status, std::process::ExitCode::SUCCESS);
//! ```

use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::Relation;
use crate::analysis::structure::{EffectiveDiameterOptions, StructureOptions, structure};
use crate::chart;
use crate::error::escape_controls;
use crate::fit::bass::{BassForm, SeriesKind};
use crate::fit::ic::Unexplained;
use crate::fit::spec::{BassSpec, BranchingSpec, FitSpec, IcSpec};
use crate::io::{
    ArcDirection, CascadeFormat, CascadeOptions, CascadeReport, CascadeSource, Cycles,
    EdgeListOptions, IdFormat, Parents, read_cascades, read_edge_list,
};
use crate::observed::{CascadeTable, compare};
use crate::scenario::{
    LoadOptions, MAX_THREADS, PathPolicy, Registry, Results, RunSettings, Scenario, Shard,
    ShardPart,
};
use crate::seeding::{
    DEFAULT_SEED_SHARES, Diffusion, Objective, RunModel, SeedRule, SplitPlan, Work, rr_estimate,
};
use crate::social::SocialGraph;

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
        /// Run only shard I of N (0-based: 0/4 to 3/4) of the study's runs
        /// and write its part for `wom merge` (docs/scale.md).
        #[arg(long, value_name = "I/N", value_parser = parse_shard, allow_hyphen_values = true)]
        shard: Option<Shard>,
        #[command(flatten)]
        paths: PathsFlag,
    },
    /// Merge the parts of a study run with `wom run --shard I/N` into its
    /// results document, byte for byte that of the unsplit run.
    Merge {
        /// The parts, one per shard, in any order.
        #[arg(required = true)]
        parts: Vec<PathBuf>,
        /// Write the results here instead of to stdout (and print the KPI
        /// table to stdout).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Print a graph's summary as JSON: nodes, arcs, self-loops, degrees,
    /// components, then triangles, clustering, exact and effective
    /// diameter, reciprocity and degree assortativity (docs/statistics.md).
    Stats {
        /// A SNAP-style edge list, plain or gzip.
        edgelist: PathBuf,
        /// Read each line as one arc (default: a mutual friendship).
        #[arg(long)]
        directed: bool,
        /// Node ids are names, not integers.
        #[arg(long)]
        text_ids: bool,
        /// Source nodes sampled for the 90th-percentile effective diameter
        /// (all nodes when there are no more).
        #[arg(long, default_value_t = 1000)]
        sources: usize,
        /// Seed of the sample of sources.
        #[arg(long, default_value_t = 0)]
        seed: u64,
        /// How to read the file, as the JSON object a scenario gives under
        /// `graph.edge_list.options` (header lines, columns, extra
        /// columns, weights, both ways ...; see docs/scenario.md), e.g.
        /// `--read '{"header": {"lines": 1}, "extra_columns": "ignore"}'`.
        #[arg(long, value_name = "JSON")]
        read: Option<String>,
    },
    /// Choose a scenario's seeds as `wom run` would, and print them with
    /// their cost, the approximation the selector proved and an estimate of
    /// their spread with its 95% interval (from fresh RR sets, for a
    /// selector with a diffusion or a scenario whose model is an
    /// independent cascade or a linear threshold with random thresholds).
    Seed {
        /// The scenario (JSON; see docs/scenario.md and docs/seeding.md).
        scenario: PathBuf,
        /// RR sets for the spread's estimate.
        #[arg(long, default_value_t = 100_000)]
        rr_sets: u64,
        #[command(flatten)]
        paths: PathsFlag,
    },
    /// Split budgets between a campaign scenario's seeds and its paid
    /// channels: run every split, print the table with the best split of
    /// each budget marked, and draw the frontier of adoptions against
    /// spend. Seeds are bought in the order of the scenario's seed rule, at
    /// its prices; the paid channels share the rest. The budgets, shares
    /// and objective are the scenario's `seeding.split`; an option given
    /// here replaces the document's value (and says so on stderr).
    Split {
        /// A scenario whose model is a `campaign` with a paid channel.
        scenario: PathBuf,
        /// Total budgets, comma-separated (default: the scenario's
        /// `seeding.split.budgets`; one of the two is needed).
        #[arg(long, value_delimiter = ',', allow_negative_numbers = true)]
        budgets: Option<Vec<f64>>,
        /// Shares of each budget for seeds, comma-separated (default: the
        /// scenario's `seeding.split.seed_shares`, else 0,0.25,0.5,0.75,1).
        #[arg(long, value_delimiter = ',', allow_negative_numbers = true)]
        shares: Option<Vec<f64>>,
        /// What the best split of a budget maximises: `adoptions` or `roi`
        /// (the ROI needs `kpis.value_per_adoption`; default: the
        /// scenario's `seeding.split.objective`, else adoptions).
        #[arg(long, value_parser = parse_objective, conflicts_with = "roi")]
        objective: Option<Objective>,
        /// The same as `--objective roi`.
        #[arg(long)]
        roi: bool,
        /// Write the frontier chart (SVG) here.
        #[arg(long)]
        chart: Option<PathBuf>,
        #[command(flatten)]
        paths: PathsFlag,
    },
    /// Run every point of a scenario's `sweep` (fields varied over lists
    /// or a grid, docs/scenario.md) with common random numbers across the
    /// points, print each point's chosen KPIs with their 95% intervals, and
    /// write the whole table (every KPI of every point) and a chart of
    /// each chosen KPI against the first field.
    Sweep {
        /// A scenario with a `sweep` section.
        scenario: PathBuf,
        /// Write the table as CSV here (long form: one row per point and
        /// KPI).
        #[arg(long)]
        csv: Option<PathBuf>,
        /// Write the table as JSON here (with the scenario swept).
        #[arg(long)]
        json: Option<PathBuf>,
        /// Write the chart (SVG) here: each of `sweep.kpis` against the
        /// first varied field, with its 95% band.
        #[arg(long)]
        chart: Option<PathBuf>,
        /// Worker threads (results are identical for any number).
        #[arg(long)]
        threads: Option<usize>,
        #[command(flatten)]
        paths: PathsFlag,
    },
    /// Fit a model to data and print its estimates with standard errors
    /// and intervals (docs/fitting.md): `wom fit bass SERIES`, `wom fit ic
    /// --edges FILE --cascades FILE`, `wom fit branching --sizes FILE`, or
    /// `wom fit SCENARIO` for the fits of a scenario's `fit` section.
    #[command(args_conflicts_with_subcommands = true)]
    Fit {
        /// A scenario document with a `fit` section (its `ic` fit runs
        /// on the scenario's network).
        scenario: Option<PathBuf>,
        #[command(flatten)]
        output: FitOutput,
        #[command(flatten)]
        paths: PathsFlag,
        #[command(subcommand)]
        what: Option<FitCommand>,
    },
    /// Read a file of observed cascades, print the distributions of its
    /// trees' KPIs (size, depth, structural virality, time to 50% and 90%)
    /// with what the reader merged and dropped, and draw them; with
    /// --compare, set them beside a simulation's with a two-sample
    /// Kolmogorov-Smirnov test per KPI (docs/kpis.md).
    Cascades {
        /// The cascades, plain or gzip.
        file: PathBuf,
        /// trees (Twitter15/16 propagation trees), csv (parent,child,time
        /// with an optional cascade column) or activity (u v time kind);
        /// default: csv for a .csv or .csv.gz file, else trees.
        #[arg(long, value_parser = parse_format)]
        format: Option<CascadeFormat>,
        /// Which parent a node with several keeps: first, earliest, or all
        /// (a DAG, whose trees follow each node's first parent).
        #[arg(long, value_parser = parse_parents, default_value = "earliest")]
        parents: Parents,
        /// An arc that closes a cycle: error (naming its line) or drop.
        #[arg(long, value_parser = parse_cycles, default_value = "error")]
        cycles: Cycles,
        /// User ids are integers (default: text).
        #[arg(long)]
        integer_ids: bool,
        /// Of an activity log: the kinds of lines that are arcs,
        /// comma-separated (default: every kind).
        #[arg(long, value_delimiter = ',')]
        kinds: Vec<String>,
        /// Of an activity log: `u v` means u heard it from v (reversed, the
        /// default: retweets, replies) or v heard it from u (as_listed:
        /// mentions).
        #[arg(long, value_parser = parse_direction)]
        direction: Option<ArcDirection>,
        /// A results document of `wom run`, or a scenario to run, whose
        /// simulated trees to compare with.
        #[arg(long, value_name = "RESULTS_OR_SCENARIO")]
        compare: Option<PathBuf>,
        /// File time units per simulation step, to compare the times (60:
        /// minutes in the file, hours in the model).
        #[arg(long)]
        step_length: Option<f64>,
        /// Write the charts (SVG) here: the histograms, or with --compare
        /// simulated against observed.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Print the tables as JSON instead of text.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        paths: PathsFlag,
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

/// Which files a scenario document may name.
#[derive(Debug, clap::Args)]
struct PathsFlag {
    /// Let the scenario name files outside its own folder (absolute
    /// paths, `..` steps, symlinks that lead out); by default it may name
    /// only files in its folder or below (docs/scenario.md).
    #[arg(long)]
    allow_outside_paths: bool,
}

impl PathsFlag {
    /// The options to read the scenario with.
    fn options(&self) -> LoadOptions {
        LoadOptions::default().with_paths(if self.allow_outside_paths {
            PathPolicy::Anywhere
        } else {
            PathPolicy::InsideFolder
        })
    }
}

/// Reads the scenario file at `path` as `load` says; an error names the
/// file, and a file outside the scenario's folder also the flag that
/// allows it.
fn read_scenario(registry: &Registry, path: &Path, load: &LoadOptions) -> Result<Scenario, String> {
    Scenario::from_file_with_options(registry, path, load).map_err(|e| {
        let hint = match e {
            crate::Error::PathOutsideFolder { .. } => " (give --allow-outside-paths to read it)",
            _ => "",
        };
        format!("{}: {e}{hint}", path.display())
    })
}

/// What `wom fit` writes besides the text report.
#[derive(Debug, clap::Args)]
struct FitOutput {
    /// Write a chart of the data against the fitted model (SVG) here.
    #[arg(long, value_name = "FILE.svg")]
    plot: Option<PathBuf>,
    /// Print the report as JSON instead of text.
    #[arg(long)]
    json: bool,
    /// Simulated repetitions of the cascades in the independent-cascade
    /// chart.
    #[arg(long, default_value_t = 100)]
    runs: u64,
    /// Master seed of those simulations.
    #[arg(long, default_value_t = 0)]
    seed: u64,
}

#[derive(Debug, Subcommand)]
enum FitCommand {
    /// Fit m, p and q of the Bass model to a sales series by nonlinear
    /// least squares (Srinivasan & Mason 1986).
    Bass {
        /// The series: one number per line, or a table with a header.
        series: PathBuf,
        /// The column: a header name or a 1-based position (default: the
        /// last column).
        #[arg(long)]
        column: Option<String>,
        /// The series holds cumulative sales (differenced before the fit).
        #[arg(long)]
        cumulative: bool,
        /// `interval`: sales within each period, m[F(t) - F(t - step)]
        /// (default); `rate`: the rate at the period's end, m step f(t).
        #[arg(long, value_parser = parse_form, default_value = "interval")]
        form: BassForm,
        /// The length of a period in the time unit of p and q.
        #[arg(long, default_value_t = 1.0)]
        step: f64,
        /// Confidence level of the intervals.
        #[arg(long, default_value_t = 0.95)]
        level: f64,
        #[command(flatten)]
        output: FitOutput,
    },
    /// Fit the transmission probability of an independent cascade to
    /// timed cascades over a known network (maximum likelihood; per arc
    /// by EM with --per-arc).
    Ic {
        /// The network: an edge list, read as `wom stats` reads it.
        #[arg(long)]
        edges: PathBuf,
        /// The cascades: a header naming node and step (or time), and
        /// optionally cascade.
        #[arg(long)]
        cascades: PathBuf,
        /// Read each edge-list line as one arc (default: a mutual tie).
        #[arg(long)]
        directed: bool,
        /// Node ids are names, not integers.
        #[arg(long)]
        text_ids: bool,
        /// How to read the edge list, as the JSON of a scenario's
        /// `graph.edge_list.options`.
        #[arg(long, value_name = "JSON")]
        read: Option<String>,
        /// The length of a step, for a `time` column.
        #[arg(long, default_value_t = 1.0)]
        time_step: f64,
        /// Also fit one probability per arc (EM of Saito, Nakano & Kimura
        /// 2008).
        #[arg(long)]
        per_arc: bool,
        /// Treat an activation no in-neighbour explains as a seed (and
        /// count it) instead of stopping with an error.
        #[arg(long)]
        as_seed: bool,
        /// Confidence level of the intervals.
        #[arg(long, default_value_t = 0.95)]
        level: f64,
        #[command(flatten)]
        output: FitOutput,
    },
    /// Fit the reproduction number R of a branching process to cascade
    /// sizes, or to the offspring of full trees.
    Branching {
        /// Cascade sizes: one per line, or a header naming size (and
        /// seeds).
        #[arg(long, conflicts_with = "trees", required_unless_present = "trees")]
        sizes: Option<PathBuf>,
        /// Complete trees, as a parent,child,time CSV (with cascade).
        #[arg(long)]
        trees: Option<PathBuf>,
        /// Also fit negative-binomial offspring (R and dispersion k).
        #[arg(long)]
        negative_binomial: bool,
        /// Confidence level of the intervals.
        #[arg(long, default_value_t = 0.95)]
        level: f64,
        #[command(flatten)]
        output: FitOutput,
    },
}

/// `--form`: the name the documents use.
fn parse_form(text: &str) -> Result<BassForm, String> {
    serde_json::from_value(serde_json::Value::String(text.to_string()))
        .map_err(|_| format!("`{text}` is not a form: write interval or rate"))
}

/// Parses the command line `args` (the program's name first, as
/// [`std::env::args_os`] gives it) and runs the command with the models and
/// roles of `registry`.
///
/// Output goes to stdout (results documents, KPI tables, summaries), the
/// progress bar and errors to stderr; nothing panics or exits the process.
///
/// # Returns
/// The process's exit status: success, 1 for an error of the command (one
/// line on stderr: `wom: error: ...`), 2 for a bad command line. `--help`
/// and `--version` print their text and succeed.
pub fn run<I, T>(registry: &Registry, args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) if e.kind() == clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            // `wom` alone, or a command without its subcommand: the help
            // (usage and commands) on stderr, and a usage error's status.
            eprint!("{}", e.render());
            return ExitCode::from(2);
        }
        Err(e) if !e.use_stderr() => {
            // --help and --version: clap's text on stdout, and success.
            return match e.print() {
                Ok(()) => ExitCode::SUCCESS,
                Err(_) => ExitCode::FAILURE,
            };
        }
        Err(e) => {
            // A usage error: its first line, without clap's "error: ".
            let text = e.to_string();
            let first = text.lines().next().unwrap_or("invalid command line");
            eprintln!(
                "wom: error: {} (see wom --help)",
                escape_controls(first.trim_start_matches("error: "), false)
            );
            return ExitCode::from(2);
        }
    };
    match command(registry, cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // One line, whatever the error, and no control character of
            // an input (an escape sequence in a key or an id) raw.
            let message = e.replace('\n', " ");
            eprintln!("wom: error: {}", escape_controls(&message, false));
            ExitCode::FAILURE
        }
    }
}

fn command(registry: &Registry, command: Command) -> Result<(), String> {
    match command {
        Command::Run {
            scenario,
            out,
            threads,
            shard: None,
            paths,
        } => run_scenario(
            registry,
            &scenario,
            &paths.options(),
            out.as_deref(),
            threads,
        ),
        Command::Run {
            scenario,
            out,
            threads,
            shard: Some(shard),
            paths,
        } => run_shard(
            registry,
            &scenario,
            &paths.options(),
            out.as_deref(),
            threads,
            shard,
        ),
        Command::Merge { parts, out } => merge(&parts, out.as_deref()),
        Command::Stats {
            edgelist,
            directed,
            text_ids,
            sources,
            seed,
            read,
        } => {
            let options = StructureOptions {
                effective_diameter: EffectiveDiameterOptions {
                    sources,
                    seed,
                    ..EffectiveDiameterOptions::default()
                },
            };
            let read = read_options(read.as_deref(), directed, text_ids)?;
            stats(&edgelist, &read, &options)
        }
        Command::Plot { results, out } => plot(&results, &out),
        Command::Sweep {
            scenario,
            csv,
            json,
            chart,
            threads,
            paths,
        } => sweep(
            registry,
            &scenario,
            &paths.options(),
            Outputs {
                csv: csv.as_deref(),
                json: json.as_deref(),
                chart: chart.as_deref(),
            },
            threads,
        ),
        Command::Fit {
            scenario,
            output,
            paths,
            what,
        } => match (scenario, what) {
            (_, Some(what)) => fit_command(what),
            (Some(path), None) => fit_scenario(registry, &path, &paths.options(), &output),
            (None, None) => Err(
                "wom fit needs a scenario or one of bass, ic, branching (see wom fit --help)"
                    .to_string(),
            ),
        },
        Command::Cascades {
            file,
            format,
            parents,
            cycles,
            integer_ids,
            kinds,
            direction,
            compare,
            step_length,
            out,
            json,
            paths,
        } => {
            let format = format.unwrap_or_else(|| guess_format(&file));
            if format != CascadeFormat::Activity && direction.is_some() {
                return Err(format!(
                    "--direction: the direction is that of an activity log's lines; this \
                     file is read as {}",
                    format.name()
                ));
            }
            let source = CascadeSource {
                path: file,
                format,
                options: CascadeOptions {
                    parents,
                    cycles,
                    ids: if integer_ids {
                        IdFormat::Integer
                    } else {
                        IdFormat::Text
                    },
                },
                kinds,
                direction: direction.unwrap_or(ArcDirection::Reversed),
            };
            if paths.allow_outside_paths && compare.is_none() {
                let why = "--allow-outside-paths is for a scenario given to --compare";
                return Err(format!("{why}: give --compare"));
            }
            let flags = CascadeFlags {
                compare,
                load: paths.options(),
                step_length,
                out,
                json,
            };
            cascades(registry, &source, &flags)
        }
        Command::Seed {
            scenario,
            rr_sets,
            paths,
        } => seed(registry, &scenario, &paths.options(), rr_sets),
        Command::Split {
            scenario,
            budgets,
            shares,
            objective,
            roi,
            chart,
            paths,
        } => {
            let flags = SplitFlags {
                budgets,
                shares,
                objective: if roi { Some(Objective::Roi) } else { objective },
                objective_flag: if roi { "--roi" } else { "--objective" },
            };
            split(
                registry,
                &scenario,
                &paths.options(),
                flags,
                chart.as_deref(),
            )
        }
    }
}

/// The diffusion a scenario's seeds are judged under: the selector's own,
/// else the scenario's model when it is one a diffusion describes.
fn diffusion_of(scenario: &Scenario) -> Option<Diffusion> {
    if let SeedRule::Select(rule) = &scenario.seeding.seeds
        && let Some(d) = rule.method.diffusion()
    {
        return Some(*d);
    }
    match scenario.model.run_model() {
        RunModel::Diffusion(d) => Some(d),
        _ => None,
    }
}

/// A format, parents or cycles value: the name documents use.
fn parse_named<T: serde::de::DeserializeOwned>(
    text: &str,
    what: &str,
    names: &str,
) -> Result<T, String> {
    serde_json::from_value(serde_json::Value::String(text.to_string()))
        .map_err(|_| format!("`{text}` is not {what}: write {names}"))
}

fn parse_format(text: &str) -> Result<CascadeFormat, String> {
    parse_named(text, "a cascade format", "trees, csv or activity")
}

fn parse_parents(text: &str) -> Result<Parents, String> {
    parse_named(text, "a parent policy", "first, earliest or all")
}

fn parse_cycles(text: &str) -> Result<Cycles, String> {
    parse_named(text, "a cycle policy", "error or drop")
}

fn parse_direction(text: &str) -> Result<ArcDirection, String> {
    parse_named(text, "a direction", "reversed or as_listed")
}

/// csv for a `.csv` or `.csv.gz` file, else trees.
fn guess_format(path: &Path) -> CascadeFormat {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if name.ends_with(".csv") || name.ends_with(".csv.gz") {
        CascadeFormat::Csv
    } else {
        CascadeFormat::Trees
    }
}

/// What `wom cascades` was given besides the file and how to read it.
struct CascadeFlags {
    compare: Option<PathBuf>,
    /// How a scenario given to --compare is read.
    load: LoadOptions,
    step_length: Option<f64>,
    out: Option<PathBuf>,
    json: bool,
}

/// The reader's report in words: what was read, merged, dropped and kept.
fn report_text(r: &CascadeReport) -> String {
    let mut text = format!(
        "read: {} lines ({} header, {} blank, {} roots, {} arcs){}; {} cascades, {} nodes, {} arcs kept\n",
        r.lines,
        r.header_lines,
        r.blank_lines,
        r.root_records,
        r.arc_records,
        if r.gzip { ", gzip" } else { "" },
        r.cascades,
        r.nodes,
        r.arcs
    );
    text.push_str(&format!(
        "merged: {} repeated arcs; {} nodes given two times (the earliest kept)\n",
        r.duplicate_arcs, r.time_conflicts
    ));
    text.push_str(&format!(
        "dropped: {} self-loops, {} arcs into roots, {} extra parents ({} children had several, \
         in {} cascades), {} arcs closing cycles",
        r.self_loops_dropped,
        r.arcs_into_roots_dropped,
        r.extra_parents_dropped,
        r.multi_parent_children,
        r.cascades_with_multi_parents,
        r.cycle_arcs_dropped
    ));
    if r.other_kind_lines > 0 {
        text.push_str(&format!(", {} lines of other kinds", r.other_kind_lines));
    }
    text.push_str(&format!(
        "\nkept as read: {} arcs back in time (child before parent)\n",
        r.arcs_back_in_time
    ));
    text
}

/// The simulated trees of a results document, or of a scenario run here.
fn simulated_trees(
    registry: &Registry,
    path: &Path,
    load: &LoadOptions,
) -> Result<CascadeTable, String> {
    crate::io::check_regular_file(path).map_err(|e| e.to_string())?;
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: not JSON: {e}", path.display()))?;
    let report = if value.get("wom_version").is_some() {
        Results::from_json(&text)
            .map_err(|e| format!("{}: {e}", path.display()))?
            .report
    } else {
        let mut scenario = read_scenario(registry, path, load)?;
        // The comparison needs every simulated tree's KPIs.
        scenario.kpis.tree_kpis = true;
        eprintln!(
            "wom: running {} to compare with",
            escape_controls(&path.display().to_string(), false)
        );
        scenario
            .run_with(registry, RunSettings::default())
            .map_err(|e| format!("{}: {e}", path.display()))?
            .report
    };
    report.tree_kpis.ok_or_else(|| {
        format!(
            "{}: the results document has no tree_kpis: its scenario measured no tree (set \
             `kpis.tree_kpis: true`, or give it an `observed` section, and run it again), or \
             pass the scenario itself to --compare",
            path.display()
        )
    })
}

fn cascades(
    registry: &Registry,
    source: &CascadeSource,
    flags: &CascadeFlags,
) -> Result<(), String> {
    if let Some(l) = flags.step_length
        && !(l.is_finite() && l > 0.0)
    {
        return Err(format!(
            "--step-length must be a positive number (file time units per step), not {l}"
        ));
    }
    if flags.step_length.is_some() && flags.compare.is_none() {
        return Err("--step-length scales the observed times for --compare: give --compare".into());
    }
    let file = source.path.display().to_string();
    let read = read_cascades(source).map_err(|e| match e {
        crate::Error::InvalidParameter {
            name,
            value,
            reason,
        } => {
            format!("{file}: --{name} {value}: {reason}")
        }
        other => other.to_string(),
    })?;
    let observed = CascadeTable::from_cascades(&read.cascades, source.format.time_unit());
    // Find an unwritable chart, or one that is an input, before any
    // simulation runs.
    let mut inputs: Vec<&Path> = vec![&source.path];
    inputs.extend(flags.compare.as_deref());
    let out_file = flags
        .out
        .as_deref()
        .map(|f| OutFile::open(f, &inputs))
        .transpose()?;
    let title = source
        .path
        .file_name()
        .map_or(file.clone(), |n| n.to_string_lossy().into_owned());
    // What every form of the output opens with: the file, how it was read
    // and the observed trees.
    let mut doc = serde_json::json!({
        "file": file,
        "format": source.format.name(),
        "options": source.options,
        "report": read.report,
        "trees": observed,
    });
    let header = format!(
        "{file} ({} format, parents {}, cycles {})\n{}\n",
        source.format.name(),
        name_of(&source.options.parents),
        name_of(&source.options.cycles),
        report_text(&read.report)
    );
    let pretty = |doc: &serde_json::Value| {
        serde_json::to_string_pretty(doc)
            .map(|t| t + "\n")
            .map_err(|e| e.to_string())
    };
    let (text, svg) = match &flags.compare {
        None => {
            let text = if flags.json {
                pretty(&doc)?
            } else {
                format!("{header}{observed}")
            };
            let svg = match &out_file {
                Some(_) => Some(
                    chart::cascade_table_charts(&observed, &title).map_err(|e| e.to_string())?,
                ),
                None => None,
            };
            (text, svg)
        }
        Some(path) => {
            let simulated = simulated_trees(registry, path, &flags.load)?;
            let comparison =
                compare(&simulated, &observed, flags.step_length).map_err(|e| e.to_string())?;
            let text = if flags.json {
                doc["simulated"] = serde_json::json!(path.display().to_string());
                doc["simulated_trees"] = serde_json::json!(simulated);
                doc["comparison"] = serde_json::json!(comparison);
                pretty(&doc)?
            } else {
                format!(
                    "{header}observed {observed}\nsimulated ({}) {simulated}\nsimulated against \
                     observed: {comparison}",
                    path.display()
                )
            };
            let svg = match &out_file {
                Some(_) => Some(
                    chart::comparison_charts(&simulated, &observed, &comparison, &title)
                        .map_err(|e| e.to_string())?,
                ),
                None => None,
            };
            (text, svg)
        }
    };
    if let (Some(f), Some(svg)) = (out_file, svg) {
        f.commit(svg.as_bytes())?;
    }
    stdout(&text)
}

/// The name a policy has in documents.
fn name_of<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        _ => "?".to_string(),
    }
}

/// `--objective`: the name the split documents use.
fn parse_objective(text: &str) -> Result<Objective, String> {
    serde_json::from_value(serde_json::Value::String(text.to_string()))
        .map_err(|_| format!("`{text}` is not an objective: write adoptions or roi"))
}

/// What `wom split` was given besides the scenario; `None`: not given.
struct SplitFlags {
    budgets: Option<Vec<f64>>,
    shares: Option<Vec<f64>>,
    objective: Option<Objective>,
    /// How the objective was given: `--objective` or `--roi`.
    objective_flag: &'static str,
}

/// `2000, 5000`.
fn list_text(values: &[f64]) -> String {
    values
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

fn split(
    registry: &Registry,
    path: &Path,
    load: &LoadOptions,
    flags: SplitFlags,
    chart_file: Option<&Path>,
) -> Result<(), String> {
    let mut scenario = read_scenario(registry, path, load)?;
    // Find an unwritable chart, or one that is an input, before the splits
    // run.
    let inputs = scenario_inputs(path, &scenario);
    let inputs: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
    let chart_file = chart_file.map(|f| OutFile::open(f, &inputs)).transpose()?;
    // The options' lists, checked as the document's are, naming the option.
    let defaults = SplitPlan {
        budgets: vec![0.0],
        seed_shares: DEFAULT_SEED_SHARES.to_vec(),
        objective: Objective::Adoptions,
    };
    if let Some(budgets) = &flags.budgets {
        let plan = SplitPlan {
            budgets: budgets.clone(),
            ..defaults.clone()
        };
        plan.validate().map_err(|e| format!("--budgets: {e}"))?;
    }
    if let Some(shares) = &flags.shares {
        let plan = SplitPlan {
            seed_shares: shares.clone(),
            ..defaults.clone()
        };
        plan.validate().map_err(|e| format!("--shares: {e}"))?;
    }
    if flags.objective == Some(Objective::Roi) && scenario.kpis.value_per_adoption.is_none() {
        return Err(format!(
            "{}: the ROI needs `kpis.value_per_adoption` in {}",
            flags.objective_flag,
            path.display()
        ));
    }
    let plan = match (scenario.seeding.split.take(), flags.budgets) {
        (None, None) => {
            return Err(format!(
                "{}: no budgets to split: the scenario has no `seeding.split` and --budgets \
                 was not given (add \"split\": {{\"budgets\": [...]}} to its `seeding`, or \
                 give --budgets 2000,5000)",
                path.display()
            ));
        }
        // Nothing to replace: the options, and the defaults of the rest.
        (None, Some(budgets)) => SplitPlan {
            budgets,
            seed_shares: flags.shares.unwrap_or(defaults.seed_shares),
            objective: flags.objective.unwrap_or_default(),
        },
        // The document's, each option given replacing its value.
        (Some(mut plan), budgets) => {
            let note = |what: &str, was: String, now: String| {
                eprintln!("wom: note: {what} replaces the scenario's {was} with {now}");
            };
            if let Some(budgets) = budgets {
                note(
                    "--budgets",
                    format!("seeding.split.budgets [{}]", list_text(&plan.budgets)),
                    format!("[{}]", list_text(&budgets)),
                );
                plan.budgets = budgets;
            }
            if let Some(shares) = flags.shares {
                note(
                    "--shares",
                    format!(
                        "seeding.split.seed_shares [{}]",
                        list_text(&plan.seed_shares)
                    ),
                    format!("[{}]", list_text(&shares)),
                );
                plan.seed_shares = shares;
            }
            if let Some(objective) = flags.objective {
                let name = |o: Objective| match o {
                    Objective::Adoptions => "adoptions",
                    Objective::Roi => "roi",
                };
                note(
                    flags.objective_flag,
                    format!("seeding.split.objective {}", name(plan.objective)),
                    name(objective).to_string(),
                );
                plan.objective = objective;
            }
            plan
        }
    };
    scenario.seeding.split = Some(plan);
    // The split's checks against the model before the network is built.
    scenario
        .validate_with(registry)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let (network, _) = scenario
        .build_network_with(registry)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let report = scenario
        .split(&network)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    stdout(&report.table())?;
    if let Some(file) = chart_file {
        let chart_options = chart::ChartOptions {
            title: "Adoptions against spend, by seed share".to_string(),
            x_label: "budget".to_string(),
            y_label: "adopters".to_string(),
            ..chart::ChartOptions::default()
        };
        let svg = chart::budget_frontier(&report, &chart_options).map_err(|e| e.to_string())?;
        file.commit(svg.as_bytes())?;
    }
    Ok(())
}

fn seed(registry: &Registry, path: &Path, load: &LoadOptions, rr_sets: u64) -> Result<(), String> {
    let scenario = read_scenario(registry, path, load)?;
    let (network, _) = scenario
        .build_network_with(registry)
        .map_err(|e| e.to_string())?;
    // A spinner until the selector reports its work; then a bar per stage.
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("{spinner} choosing seeds ({elapsed})")
            .map_err(|e| e.to_string())?,
    );
    let staged = ProgressStyle::with_template(
        "{spinner} choosing seeds: {msg} [{bar:30}] {pos}/{len} ({elapsed})",
    )
    .map_err(|e| e.to_string())?
    .progress_chars("=> ");
    bar.enable_steady_tick(Duration::from_millis(120));
    let started = std::sync::Once::new();
    let progress = |work: Work| {
        started.call_once(|| bar.set_style(staged.clone()));
        bar.set_message(work.stage);
        bar.set_length(work.of);
        bar.set_position(work.done);
    };
    let chosen = scenario.seeds_reporting(&network, &progress);
    bar.finish_and_clear();
    let chosen = chosen.map_err(|e| e.to_string())?;
    let ids: Vec<String> = chosen
        .nodes
        .iter()
        .map(|&v| {
            network
                .id_of(v)
                .map_or(format!("#{v}"), ToString::to_string)
        })
        .collect();
    let method = chosen
        .selection
        .as_ref()
        .map_or_else(|| "the seed rule".to_string(), |s| s.method.clone());
    println!(
        "{} seeds by {method} ({} proposed): {}",
        chosen.nodes.len(),
        chosen.proposed,
        escape_controls(&ids.join(", "), false)
    );
    println!("cost: {}", chosen.cost);
    if let Some(s) = &chosen.selection {
        if let Some(g) = s.guarantee {
            println!("guarantee: {g:.4} of the optimum among the candidates (proved by {method})");
        }
        if let Some(r) = s.rr_sets {
            println!("RR sets drawn by {method}: {r}");
        }
        println!("selection time: {:.3} s", s.seconds);
    }
    if let (RunModel::Other(model), Some(s)) = (scenario.model.run_model(), &chosen.selection)
        && s.guarantee.is_some()
    {
        println!(
            "note: the guarantee is for the selector's own diffusion, which stands in for this \
             scenario's `{model}` model; `wom run` gives the model's adoption"
        );
    }
    match diffusion_of(&scenario) {
        Some(diffusion) => {
            let master = scenario.ensemble.master_seed ^ 0x5345_4544;
            let (spread, se) = rr_estimate(&network, &diffusion, &chosen.nodes, rr_sets, master)
                .map_err(|e| e.to_string())?;
            println!(
                "estimated spread: {spread:.1} (95% interval {:.1} to {:.1}; {rr_sets} fresh RR sets)",
                spread - 1.96 * se,
                spread + 1.96 * se
            );
        }
        None => println!(
            "estimated spread: no diffusion describes this scenario's model; `wom run` gives its adoption"
        ),
    }
    Ok(())
}

fn run_scenario(
    registry: &Registry,
    path: &Path,
    load: &LoadOptions,
    out: Option<&Path>,
    threads: Option<usize>,
) -> Result<(), String> {
    if let Some(t) = threads
        && !(1..=MAX_THREADS).contains(&t)
    {
        return Err(format!("--threads must be in [1, {MAX_THREADS}], not {t}"));
    }
    let scenario = read_scenario(registry, path, load)?;
    if scenario.sweep.is_some() {
        eprintln!(
            "wom: note: {} has a `sweep`: `wom run` runs the document as written; `wom sweep` \
             runs every point",
            escape_controls(&path.display().to_string(), false)
        );
    }
    // Find an unwritable output, or one that is an input, before the
    // ensemble runs, not after.
    let inputs = scenario_inputs(path, &scenario);
    let inputs: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
    let out_file = out.map(|file| OutFile::open(file, &inputs)).transpose()?;
    let results = with_runs_bar(scenario.planned_runs(), "runs", threads, |settings| {
        scenario.run_with(registry, settings)
    })?
    .map_err(|e| format!("{}: {e}", path.display()))?;
    write_results(&results, out_file)
}

/// Writes a results document to `out_file` and its KPI table to stdout,
/// or the document to stdout without a file.
fn write_results(results: &Results, out_file: Option<OutFile>) -> Result<(), String> {
    let json = results.to_json().map_err(|e| e.to_string())?;
    match out_file {
        Some(f) => {
            f.commit(json.as_bytes())?;
            let mut text = results.report.to_string();
            if let Some(b) = &results.baseline {
                text.push_str(&format!(
                    "\nadded over the baseline `{}` ({} pairs of runs on common random numbers, \
                     discount rate {} per step):\n{}",
                    b.name, b.lift.runs, b.lift.discount_rate, b.lift
                ));
            }
            if let Some(o) = &results.observed {
                text.push_str(&format!(
                    "\nsimulated trees against observed ({}): {}",
                    o.file.display(),
                    o.comparison
                ));
            }
            stdout(&text)
        }
        None => stdout(&format!("{json}\n")),
    }
}

/// `--shard I/N`.
fn parse_shard(text: &str) -> Result<Shard, String> {
    text.parse::<Shard>().map_err(|e| match e {
        crate::Error::InvalidParameter { reason, .. } => reason,
        other => other.to_string(),
    })
}

/// `wom run SCENARIO --shard I/N`: runs the shard's runs and writes its
/// part.
fn run_shard(
    registry: &Registry,
    path: &Path,
    load: &LoadOptions,
    out: Option<&Path>,
    threads: Option<usize>,
    shard: Shard,
) -> Result<(), String> {
    if let Some(t) = threads
        && !(1..=MAX_THREADS).contains(&t)
    {
        return Err(format!("--threads must be in [1, {MAX_THREADS}], not {t}"));
    }
    let scenario = read_scenario(registry, path, load)?;
    let (runs, batches) = scenario.shard_runs(shard).map_err(|e| match e {
        crate::Error::InvalidParameter { reason, .. } => {
            format!("{}: --shard {shard}: {reason}", path.display())
        }
        other => format!("{}: --shard {shard}: {other}", path.display()),
    })?;
    let inputs = scenario_inputs(path, &scenario);
    let inputs: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
    let out_file = out.map(|file| OutFile::open(file, &inputs)).transpose()?;
    let part = with_runs_bar(runs.end - runs.start, "runs", threads, |settings| {
        scenario.run_shard_with(registry, settings, shard)
    })?
    .map_err(|e| format!("{}: {e}", path.display()))?;
    let json = part.to_json().map_err(|e| e.to_string())? + "\n";
    match (out, out_file) {
        (Some(out), Some(f)) => {
            f.commit(json.as_bytes())?;
            stdout(&format!(
                "shard {shard} of {}: runs {}..{} (batches {}..{} of {}) written to {}\n",
                path.display(),
                runs.start,
                runs.end,
                batches.start,
                batches.end,
                part.total_batches,
                out.display()
            ))
        }
        _ => stdout(&json),
    }
}

/// `wom merge PART... [--out FILE]`.
fn merge(paths: &[PathBuf], out: Option<&Path>) -> Result<(), String> {
    let inputs: Vec<&Path> = paths.iter().map(PathBuf::as_path).collect();
    let out_file = out.map(|file| OutFile::open(file, &inputs)).transpose()?;
    let mut parts = Vec::with_capacity(paths.len());
    for path in paths {
        let named = |e: String| format!("{}: {e}", path.display());
        crate::io::check_regular_file(path).map_err(|e| named(e.to_string()))?;
        let text = std::fs::read_to_string(path).map_err(|e| named(e.to_string()))?;
        let part = ShardPart::from_json(&text)
            .map_err(|e| named(format!("not a part written by `wom run --shard I/N` ({e})")))?;
        parts.push(part);
    }
    let results = ShardPart::merge(&parts).map_err(|e| match e {
        crate::Error::ShardMismatch {
            part,
            other,
            reason,
        } => {
            let file = |k: usize| {
                paths
                    .get(k)
                    .map_or(String::new(), |p| p.display().to_string())
            };
            let mut message = match part {
                Some(k) => format!("{}: {reason}", file(k)),
                None => reason,
            };
            if let Some(o) = other {
                message.push_str(&format!(" (the other part: {})", file(o)));
            }
            message
        }
        other => other.to_string(),
    })?;
    write_results(&results, out_file)
}

/// Calls `run` with `threads` and a progress callback that moves a bar on
/// stderr over `len` runs (the count followed by `what`), and clears the
/// bar when it returns.
fn with_runs_bar<T>(
    len: u64,
    what: &str,
    threads: Option<usize>,
    run: impl FnOnce(RunSettings<'_>) -> T,
) -> Result<T, String> {
    let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template(&format!(
            "{{elapsed_precise}} [{{bar:40}}] {{pos}}/{{len}} {what} ({{eta}} left)"
        ))
        .map_err(|e| e.to_string())?
        .progress_chars("=> "),
    );
    bar.enable_steady_tick(Duration::from_millis(200));
    let done = AtomicU64::new(0);
    let progress = |runs: u64| {
        let total = done.fetch_add(runs, Ordering::Relaxed) + runs;
        bar.set_position(total);
    };
    let out = run(RunSettings {
        threads,
        progress: Some(&progress),
    });
    bar.finish_and_clear();
    Ok(out)
}

/// Where `wom sweep` writes.
struct Outputs<'a> {
    csv: Option<&'a Path>,
    json: Option<&'a Path>,
    chart: Option<&'a Path>,
}

fn sweep(
    registry: &Registry,
    path: &Path,
    load: &LoadOptions,
    out: Outputs<'_>,
    threads: Option<usize>,
) -> Result<(), String> {
    if let Some(t) = threads
        && !(1..=MAX_THREADS).contains(&t)
    {
        return Err(format!("--threads must be in [1, {MAX_THREADS}], not {t}"));
    }
    let named = |e: crate::Error| format!("{}: {e}", path.display());
    let scenario = read_scenario(registry, path, load)?;
    let Some(spec) = scenario.sweep.clone() else {
        return Err(format!(
            "{}: the scenario has no `sweep` section (fields to vary: see docs/scenario.md); \
             `wom run` runs it as it is",
            path.display()
        ));
    };
    // Every output opened (and checked against the inputs) before the
    // points run; each written whole once everything is ready.
    let inputs = scenario_inputs(path, &scenario);
    let inputs: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
    let open = |file: Option<&Path>| file.map(|f| OutFile::open(f, &inputs)).transpose();
    let (csv, json, chart_file) = (open(out.csv)?, open(out.json)?, open(out.chart)?);
    let total = scenario.planned_sweep_runs(registry).map_err(named)?;
    let points = scenario.sweep_points(registry).map_err(named)?.len();
    let what = format!("runs of {points} points");
    let results = with_runs_bar(total, &what, threads, |settings| {
        scenario.sweep_with(registry, settings)
    })?
    .map_err(named)?;
    let svg = match chart_file {
        None => None,
        Some(f) => {
            let panels = spec
                .kpis
                .iter()
                .map(|kpi| {
                    let options = chart::ChartOptions {
                        title: kpi.clone(),
                        x_label: results.parameters[0].trim_start_matches("$.").to_string(),
                        y_label: format!("{kpi} (mean, 95% interval)"),
                        ..chart::ChartOptions::default()
                    };
                    chart::parameter_curves(&results.series(kpi), &options)
                        .map_err(|e| format!("the chart of `{kpi}`: {e}"))
                })
                .collect::<Result<Vec<_>, String>>()?;
            Some((
                f,
                chart::stack_vertically(&panels).map_err(|e| e.to_string())?,
            ))
        }
    };
    if let Some(f) = csv {
        f.commit(results.to_csv().map_err(|e| e.to_string())?.as_bytes())?;
    }
    if let Some(f) = json {
        f.commit(results.to_json().map_err(|e| e.to_string())?.as_bytes())?;
    }
    if let Some((f, svg)) = svg {
        f.commit(svg.as_bytes())?;
    }
    stdout(&sweep_table(&results, &spec.kpis))
}

/// The chosen KPIs of every point, one point a line.
fn sweep_table(results: &crate::scenario::SweepResults, kpis: &[String]) -> String {
    let mut head: Vec<String> = results
        .parameters
        .iter()
        .map(|p| p.trim_start_matches("$.").to_string())
        .collect();
    head.extend(kpis.iter().map(|k| format!("{k} [95% CI]")));
    let rows: Vec<Vec<String>> = results
        .points
        .iter()
        .map(|p| {
            let mut row: Vec<String> = p.values.iter().map(|v| v.to_string()).collect();
            row.extend(kpis.iter().map(|k| match p.kpi(k) {
                Some(e) if e.runs > 0 => format!(
                    "{} [{}, {}]",
                    short(e.mean),
                    short(e.ci_low),
                    short(e.ci_high)
                ),
                Some(_) => "undefined".to_string(),
                None => "no such KPI".to_string(),
            }));
            row
        })
        .collect();
    let widths: Vec<usize> = (0..head.len())
        .map(|c| {
            rows.iter()
                .map(|r| r[c].len())
                .chain([head[c].len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: &[String]| {
        let mut l = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:>w$}"))
            .collect::<Vec<_>>()
            .join("  ");
        l.push('\n');
        l
    };
    let mut text = line(&head);
    for r in &rows {
        text.push_str(&line(r));
    }
    text
}

/// Four significant digits.
fn short(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return x.to_string();
    }
    let decimals = (3 - x.abs().log10().floor() as i32).clamp(0, 6) as usize;
    format!("{x:.decimals$}")
}

/// The edge-list options of `wom stats`: `--read`'s JSON (the object of
/// a scenario's `graph.edge_list.options`), with `--directed` and
/// `--text-ids` on top; a flag and the JSON setting the same field is an
/// error, not a silent choice. Without either, a friendship per line.
fn read_options(
    json: Option<&str>,
    directed: bool,
    text_ids: bool,
) -> Result<EdgeListOptions, String> {
    // `wom stats` reads friendships unless told otherwise (a scenario's
    // edge list reads follows).
    let mut direction = Relation::Friendship;
    let mut read: EdgeListOptions = match json {
        None => EdgeListOptions::default(),
        Some(text) => {
            let value: serde_json::Value =
                serde_json::from_str(text).map_err(|e| format!("--read: not JSON: {e}"))?;
            if value.get("direction").is_some() {
                direction = serde_json::from_value(value["direction"].clone())
                    .map_err(|e| format!("--read: direction: {e}"))?;
            }
            for (flag, set, key) in [
                ("--directed", directed, "direction"),
                ("--text-ids", text_ids, "ids"),
            ] {
                if set && value.get(key).is_some() {
                    return Err(format!(
                        "--read sets `{key}` and {flag} sets it too: give one"
                    ));
                }
            }
            serde_json::from_value(value).map_err(|e| format!("--read: {e}"))?
        }
    };
    read.direction = if directed {
        Relation::Follow
    } else {
        direction
    };
    if text_ids {
        read.ids = IdFormat::Text;
    }
    Ok(read)
}

fn stats(path: &Path, read: &EdgeListOptions, options: &StructureOptions) -> Result<(), String> {
    let directed = read.direction == Relation::Follow;
    let loaded = read_edge_list(path, read).map_err(|e| e.to_string())?;
    let listing = if directed {
        None
    } else {
        Listing::of(&loaded.graph)
    };
    let network = loaded.graph.freeze().map_err(|e| e.to_string())?;
    drop(loaded.graph);
    let summary = crate::stats::summarize(&network);
    let structure = structure(&network, options).map_err(|e| e.to_string())?;
    let mut notes = Vec::new();
    if let Some(note) = listing.as_ref().and_then(|l| l.note(summary.arcs)) {
        notes.push(note);
    }
    let doc = serde_json::json!({
        "file": path.display().to_string(),
        "directed": directed,
        "summary": summary,
        "structure": structure,
        "listing": listing,
        "notes": notes,
        "load_report": loaded.report,
    });
    let text = serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())?;
    stdout(&format!("{text}\n"))
}

/// How a file read as undirected listed its edges: each distinct unordered
/// pair, and those listed both ways round (`u v` and `v u`), which the
/// friendship reading turns into two mutual ties, doubling the pair's arcs.
#[derive(Debug, serde::Serialize)]
struct Listing {
    /// Distinct unordered pairs `{u, v}`, `u != v`, in the records.
    pairs: u64,
    /// Pairs with a record each way round.
    both_directions_listed: u64,
    /// `both_directions_listed / pairs`, 0 without pairs.
    both_directions_listed_share: f64,
}

impl Listing {
    /// The listing of the records of an undirected read, recovered from
    /// the graph: the reader adds each record `u v` as the arc `u -> v`
    /// followed by `v -> u` (one arc for a self-loop), in input order.
    /// `None` when the arcs are not laid out so (a reader that changed).
    fn of(graph: &SocialGraph) -> Option<Listing> {
        let arcs: Vec<(u32, u32)> = graph
            .graph()
            .raw_edges()
            .iter()
            .map(|e| (e.source().index() as u32, e.target().index() as u32))
            .collect();
        // Each record as its unordered pair and which way round it was.
        let mut records: Vec<(u32, u32, bool)> = Vec::with_capacity(arcs.len() / 2);
        let mut i = 0;
        while let Some(&(u, v)) = arcs.get(i) {
            if u == v {
                i += 1;
                continue;
            }
            if arcs.get(i + 1) != Some(&(v, u)) {
                return None;
            }
            records.push((u.min(v), u.max(v), u < v));
            i += 2;
        }
        records.sort_unstable();
        records.dedup();
        let mut pairs = 0;
        let mut both = 0;
        for (k, r) in records.iter().enumerate() {
            let first = k == 0 || records[k - 1].0 != r.0 || records[k - 1].1 != r.1;
            if first {
                pairs += 1;
            } else {
                both += 1;
            }
        }
        Some(Listing {
            pairs,
            both_directions_listed: both,
            both_directions_listed_share: if pairs == 0 {
                0.0
            } else {
                both as f64 / pairs as f64
            },
        })
    }

    /// A note for people when some edges were listed both ways.
    fn note(&self, arcs: usize) -> Option<String> {
        if self.both_directions_listed == 0 {
            return None;
        }
        let share = self.both_directions_listed_share;
        let most = if share >= 0.99 {
            "(nearly) every edge of this file is"
        } else {
            "some edges of this file are"
        };
        Some(format!(
            "read as undirected, but {most} listed both ways round (`u v` and `v u`: \
             {} of {} pairs, {:.1}%): each line became a mutual tie of its own, so those \
             pairs count twice in `summary` ({} arcs; their nodes' degrees doubled). Read \
             the file with --directed to take each line as one arc; `structure.undirected` \
             counts each pair once either way.",
            self.both_directions_listed,
            self.pairs,
            100.0 * share,
            arcs
        ))
    }
}

/// A flag's value must be in (0, 1) (a level) or > 0 (a length).
fn check_flag(flag: &str, value: f64, level: bool) -> Result<(), String> {
    let ok = value.is_finite() && value > 0.0 && (!level || value < 1.0);
    if ok {
        Ok(())
    } else if level {
        Err(format!("{flag} must be in (0, 1), not {value}"))
    } else {
        Err(format!("{flag} must be > 0, not {value}"))
    }
}

fn fit_command(what: FitCommand) -> Result<(), String> {
    match what {
        FitCommand::Bass {
            series,
            column,
            cumulative,
            form,
            step,
            level,
            output,
        } => {
            check_flag("--level", level, true)?;
            check_flag("--step", step, false)?;
            let spec = FitSpec {
                bass: Some(BassSpec {
                    series,
                    column,
                    kind: if cumulative {
                        SeriesKind::Cumulative
                    } else {
                        SeriesKind::Sales
                    },
                    form,
                    step,
                    level,
                }),
                ..FitSpec::default()
            };
            fit_run(&spec, None, &output)
        }
        FitCommand::Ic {
            edges,
            cascades,
            directed,
            text_ids,
            read,
            time_step,
            per_arc,
            as_seed,
            level,
            output,
        } => {
            check_flag("--level", level, true)?;
            check_flag("--time-step", time_step, false)?;
            let options = read_options(read.as_deref(), directed, text_ids)?;
            let loaded = read_edge_list(&edges, &options).map_err(|e| e.to_string())?;
            let network = loaded.graph.freeze().map_err(|e| e.to_string())?;
            let spec = FitSpec {
                ic: Some(IcSpec {
                    cascades,
                    time_step,
                    per_arc,
                    unexplained: if as_seed {
                        Unexplained::AsSeed
                    } else {
                        Unexplained::Error
                    },
                    level,
                }),
                ..FitSpec::default()
            };
            fit_run(&spec, Some(&network), &output)
        }
        FitCommand::Branching {
            sizes,
            trees,
            negative_binomial,
            level,
            output,
        } => {
            check_flag("--level", level, true)?;
            let spec = FitSpec {
                branching: Some(BranchingSpec {
                    sizes,
                    trees,
                    negative_binomial,
                    level,
                }),
                ..FitSpec::default()
            };
            fit_run(&spec, None, &output)
        }
    }
}

fn fit_scenario(
    registry: &Registry,
    path: &Path,
    load: &LoadOptions,
    output: &FitOutput,
) -> Result<(), String> {
    let scenario = read_scenario(registry, path, load)?;
    let Some(spec) = &scenario.fit else {
        return Err(format!(
            "{}: the scenario has no `fit` section at $.fit (see docs/fitting.md)",
            path.display()
        ));
    };
    let network = if spec.needs_network() {
        Some(
            scenario
                .build_network_with(registry)
                .map_err(|e| format!("{}: {e}", path.display()))?
                .0,
        )
    } else {
        None
    };
    fit_run(spec, network.as_ref(), output)
}

fn fit_run(
    spec: &FitSpec,
    network: Option<&crate::Network>,
    output: &FitOutput,
) -> Result<(), String> {
    // Find an unwritable chart file, or one that is a data file, before
    // the fits run.
    let mut inputs: Vec<&Path> = Vec::new();
    if let Some(b) = &spec.bass {
        inputs.push(&b.series);
    }
    if let Some(ic) = &spec.ic {
        inputs.push(&ic.cascades);
    }
    if let Some(b) = &spec.branching {
        inputs.extend(b.sizes.iter().chain(&b.trees).map(PathBuf::as_path));
    }
    let plot_file = output
        .plot
        .as_deref()
        .map(|f| OutFile::open(f, &inputs))
        .transpose()?;
    let report = spec.run(network).map_err(|e| e.to_string())?;
    if output.json {
        let text = serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?;
        stdout(&format!("{text}\n"))?;
    } else {
        stdout(&report.text())?;
    }
    if let Some(f) = plot_file {
        let svg = report
            .chart(network, output.runs, output.seed)
            .map_err(|e| e.to_string())?;
        f.commit(svg.as_bytes())?;
    }
    Ok(())
}

fn plot(path: &Path, out: &Path) -> Result<(), String> {
    crate::io::check_regular_file(path).map_err(|e| e.to_string())?;
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let results = Results::from_json(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let svg = plot_svg(&results)
        .map_err(|e| format!("{}: cannot draw these results: {e}", path.display()))?;
    write_file(out, svg.as_bytes(), &[path])
}

/// The chart `wom plot` draws of a results document, as SVG text: the
/// adoption curve (mean and 95% band) titled with the scenario's name (or,
/// without one, the model's [`name`](crate::propagation::Model::name)) and
/// the run count, above the mean adoptions per step by channel, stacked,
/// and one chart per kind of the model's own quantities over time
/// ([`chart::report_charts`]); for a scenario with observed cascades,
/// then simulated against observed trees per KPI
/// ([`chart::comparison_charts`]).
///
/// Any results document can be drawn, whatever registry produced it:
/// reading it needs no registry.
///
/// # Errors
/// Those of [`chart::report_charts`] (an empty curve, say).
///
/// # Example
/// ```
/// use wom::scenario::Scenario;
///
/// let results = Scenario::from_json(r#"{
///     "graph": {"generate": {"generator": {"model": "gnp", "n": 100, "p": 0.05}, "seed": 7}},
///     "seeding": {"seeds": {"random": {"count": 3}}},
///     "model": {"bass": {"p": 0.01, "q": 0.3}},
///     "ensemble": {"budget": {"runs": 20}}
/// }"#)?.run(None)?;
/// let svg = wom::cli::plot_svg(&results)?;
/// assert!(svg.contains("bass: adopters"));
/// # Ok::<(), wom::Error>(())
/// ```
pub fn plot_svg(results: &Results) -> crate::Result<String> {
    let report = &results.report;
    let title = if results.scenario.name.is_empty() {
        report.model.clone()
    } else {
        results.scenario.name.clone()
    };
    let charts = chart::report_charts(report, &title)?;
    match (&results.observed, &report.tree_kpis) {
        (Some(o), Some(simulated)) if o.comparison.kpis.iter().any(|k| k.ks.is_some()) => {
            let name = o.file.file_name().map_or_else(
                || o.file.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            );
            let compared = chart::comparison_charts(
                simulated,
                &o.trees,
                &o.comparison,
                &format!("simulated against {name}"),
            )?;
            chart::stack_vertically(&[charts, compared])
        }
        _ => Ok(charts),
    }
}

/// Writes to stdout, control characters other than line feeds and tabs
/// escaped (a name or id read from a document or file may hold an escape
/// sequence; JSON text has none raw); a reader that went away (`wom run
/// ... | head`) is not an error.
fn stdout(text: &str) -> Result<(), String> {
    let text = escape_controls(text, true);
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(format!("stdout: {e}")),
        _ => Ok(()),
    }
}

/// A file a command will write, opened before the work starts: the output
/// must not be one of the command's inputs, and its folder must take a
/// new file. The bytes go to a temporary file beside it, renamed into place
/// only once complete, so an error, a signal or a full disk part-way
/// leaves the previous file as it was; a symlink at the path is replaced,
/// its target left alone.
struct OutFile {
    path: PathBuf,
    temp: PathBuf,
    file: Option<std::fs::File>,
}

impl OutFile {
    fn open(path: &Path, inputs: &[&Path]) -> Result<OutFile, String> {
        let named = |e: std::io::Error| format!("{}: {e}", path.display());
        if let Some(input) = inputs.iter().find(|i| same_file(path, i)) {
            return Err(format!(
                "{}: this output is {}, an input of the command: refused, so that nothing \
                 it holds is lost",
                path.display(),
                input.display()
            ));
        }
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => {
                return Err(format!("{}: a folder, not a file to write", path.display()));
            }
            // A device or a pipe (`/dev/stdout`, `/dev/null`) is a stream:
            // written to directly, never replaced by a rename.
            Ok(meta) if !meta.is_file() => {
                let file = std::fs::OpenOptions::new()
                    .write(true)
                    .open(path)
                    .map_err(named)?;
                return Ok(OutFile {
                    path: path.to_path_buf(),
                    temp: path.to_path_buf(),
                    file: Some(file),
                });
            }
            _ => {}
        }
        let name = path
            .file_name()
            .ok_or_else(|| format!("{}: not a file name", path.display()))?;
        let folder = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let mut temp_name = std::ffi::OsString::from(".");
        temp_name.push(name);
        temp_name.push(format!(".{}.wom-partial", std::process::id()));
        let temp = folder.join(temp_name);
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)
            .map_err(named)?;
        Ok(OutFile {
            path: path.to_path_buf(),
            temp,
            file: Some(file),
        })
    }

    /// Writes `bytes` and renames the file into place.
    fn commit(mut self, bytes: &[u8]) -> Result<(), String> {
        let named = |e: std::io::Error| format!("{}: {e}", self.path.display());
        let mut file = self.file.take().expect("an open file until committed");
        let stream = self.temp == self.path;
        file.write_all(bytes)
            .and_then(|()| if stream { Ok(()) } else { file.sync_all() })
            .map_err(named)?;
        drop(file);
        if self.temp == self.path {
            return Ok(());
        }
        std::fs::rename(&self.temp, &self.path).map_err(named)
    }
}

impl Drop for OutFile {
    fn drop(&mut self) {
        // Not committed: the partial file goes, the previous one stays.
        if self.file.take().is_some() && self.temp != self.path {
            let _ = std::fs::remove_file(&self.temp);
        }
    }
}

/// Whether `a` and `b` name one existing file (through symlinks or hard
/// links).
fn same_file(a: &Path, b: &Path) -> bool {
    let (Ok(ma), Ok(mb)) = (std::fs::metadata(a), std::fs::metadata(b)) else {
        return false;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        ma.dev() == mb.dev() && ma.ino() == mb.ino()
    }
    #[cfg(not(unix))]
    {
        let _ = (ma, mb);
        matches!(
            (std::fs::canonicalize(a), std::fs::canonicalize(b)),
            (Ok(x), Ok(y)) if x == y
        )
    }
}

/// The files a scenario run reads: the document, its edge list and its
/// observed cascades.
fn scenario_inputs(path: &Path, scenario: &Scenario) -> Vec<PathBuf> {
    let mut inputs = vec![path.to_path_buf()];
    if let crate::scenario::GraphSpec::EdgeList { path, .. } = &scenario.graph {
        inputs.push(path.clone());
    }
    if let Some(o) = &scenario.observed {
        inputs.push(o.file.clone());
    }
    inputs
}

/// Writes a whole file as [`OutFile`] does, refusing an output that is one
/// of `inputs`.
fn write_file(path: &Path, bytes: &[u8], inputs: &[&Path]) -> Result<(), String> {
    OutFile::open(path, inputs)?.commit(bytes)
}
