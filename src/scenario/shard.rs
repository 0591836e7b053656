//! A study's runs split over machines by run index, and the parts merged
//! into the results an unsplit run gives, to the bit.
//!
//! Run `r` of a scenario always uses the generator of `(master seed, r)`,
//! and an ensemble groups its runs in batches of `ensemble.batch_size`
//! consecutive indices whose statistics it folds in batch order. A
//! [`Shard`] `i/N` (0-based) makes the batches `[i B / N, (i + 1) B / N)`
//! of the `B` batches of the study: a contiguous range of run indices
//! whose ends are batch boundaries. Its [`ShardPart`] keeps each batch's
//! statistics apart, with every figure as the bits of its `f64`, and
//! [`ShardPart::merge`] folds the batches of all parts in batch order from
//! empty statistics, as the unsplit ensemble folds them: floating-point
//! merges are not associative, so merging the parts' totals would differ
//! in the last bits; folding the same batches in the same order does not.
//!
//! What is not the runs' (the scenario echoed, the network's facts, the
//! seeds, the observed cascades' table) is computed by every shard and
//! must be the same in all parts; the merge then rebuilds the KPIs, the
//! curves, the distributions, the per-run values, the tree KPIs, the
//! baseline's report and lift, and the comparison with observed
//! cascades from the folded statistics.
//!
//! A [`RunBudget::HalfWidth`] budget decides how many runs to make from
//! the results so far, so it cannot be split: [`Scenario::run_shard`]
//! refuses it.
//!
//! # Example
//! ```
//! use wom::scenario::{Scenario, Shard, ShardPart};
//!
//! let scenario = Scenario::from_json(r#"{
//!     "graph": {"generate": {"generator": {"model": "gnp", "n": 200, "p": 0.03}, "seed": 7}},
//!     "seeding": {"seeds": {"random": {"count": 5}}},
//!     "model": {"independent_cascade": {"kind": "uniform", "p": 0.1}},
//!     "ensemble": {"budget": {"runs": 200}, "batch_size": 16, "master_seed": 1}
//! }"#)?;
//! // Each machine runs one shard and writes its part ...
//! let texts: Vec<String> = (0..3)
//!     .map(|i| scenario.run_shard(None, Shard::new(i, 3)?)?.to_json())
//!     .collect::<Result<_, wom::Error>>()?;
//! // ... and the parts, read back in any order, merge into the results
//! // of the whole study.
//! let parts: Vec<ShardPart> = texts.iter().rev().map(|t| ShardPart::from_json(t)).collect::<Result<_, _>>()?;
//! let merged = ShardPart::merge(&parts)?;
//! assert_eq!(merged.to_json()?, scenario.run(None)?.to_json()?);
//! # Ok::<(), wom::Error>(())
//! ```

use std::fmt;
use std::ops::Range;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::{Registry, Results, RunSettings, Scenario, field_at, invalid, registry};
use crate::ensemble::{RunBudget, batch_count};
use crate::error::{Error, Result};
use crate::kpi::{Fold, ShardSink};
use crate::observed::compare;

/// The format of the shard parts this version writes and reads.
pub const PART_FORMAT: u32 = 1;

/// Shard `index` of `count` (0-based: `0/4` to `3/4`): the part of a
/// study's runs one process makes. `"2/4"` parses into `Shard { index: 2,
/// count: 4 }`.
///
/// ```
/// use wom::scenario::Shard;
///
/// let shard: Shard = "2/4".parse()?;
/// assert_eq!((shard.index, shard.count), (2, 4));
/// // 10 batches in 4 shards: 2, 3, 2 and 3 batches.
/// assert_eq!(shard.batches(10), 5..7);
/// assert!("4/4".parse::<Shard>().unwrap_err().to_string().contains("0 to 3"));
/// # Ok::<(), wom::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Shard {
    /// The shard's index, from 0 to `count - 1`.
    pub index: u64,
    /// The number of shards the study is split into.
    pub count: u64,
}

impl Shard {
    /// Shard `index` of `count`.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] (`shard`) for no shards or an index of
    /// `count` or more.
    pub fn new(index: u64, count: u64) -> Result<Shard> {
        if count == 0 {
            return Err(Error::param(
                "shard",
                format!("{index}/{count}"),
                "the number of shards must be at least 1",
            ));
        }
        if index >= count {
            return Err(Error::param(
                "shard",
                format!("{index}/{count}"),
                format!(
                    "index {index} is out of range: the shards of {count} are 0 to {} \
                     (0-based)",
                    count - 1
                ),
            ));
        }
        Ok(Shard { index, count })
    }

    /// The batch indices of this shard among `total` batches:
    /// `[index total / count, (index + 1) total / count)`, so the shards
    /// cover every batch once, in order, their sizes at most one apart.
    pub fn batches(&self, total: u64) -> Range<u64> {
        let at =
            |i: u64| (u128::from(i) * u128::from(total) / u128::from(self.count.max(1))) as u64;
        at(self.index)..at(self.index + 1)
    }
}

impl fmt::Display for Shard {
    /// `index/count`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl FromStr for Shard {
    type Err = Error;

    /// Reads `I/N` (0-based index, number of shards), as `--shard` takes
    /// it.
    fn from_str(text: &str) -> Result<Shard> {
        let malformed = || {
            Error::param(
                "shard",
                format!("{text:?}"),
                "write I/N: the 0-based index of the shard and the number of shards (0/4 to \
                 3/4 for four)",
            )
        };
        let (i, n) = text.split_once('/').ok_or_else(malformed)?;
        let number = |s: &str| {
            // Digits only: no sign, no spaces.
            if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
                return Err(malformed());
            }
            s.parse::<u64>().map_err(|_| malformed())
        };
        Shard::new(number(i)?, number(n)?)
    }
}

/// A span of run or batch indices, `from..to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Span {
    /// The first index.
    pub from: u64,
    /// One past the last index.
    pub to: u64,
}

/// The part of a study one [`Shard`] made: what `wom run --shard I/N`
/// writes and `wom merge` reads (JSON).
///
/// It holds the results of the shard's runs alone (a look at one
/// machine's work: the scenario, network, seeds and observed cascades as
/// every shard computes them, and figures of this shard's runs only), and
/// the statistics of each of its batches with every number as the bits of
/// its `f64`, from which [`merge`](ShardPart::merge) rebuilds the whole
/// study's figures exactly.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShardPart {
    /// The part format ([`PART_FORMAT`]).
    pub wom_shard_part: u32,
    /// Which shard of how many.
    pub shard: Shard,
    /// The run indices it made.
    pub runs: Span,
    /// The batch indices it made.
    pub batches: Span,
    /// The study's batches, over all shards.
    pub total_batches: u64,
    /// The results of this shard's runs alone.
    pub results: Results,
    /// Each batch's statistics, in batch order.
    fold: Fold,
}

impl Scenario {
    /// The run indices shard `shard` of this scenario makes, and the
    /// batch indices they fill: contiguous ranges that start and end on
    /// batch boundaries (the last batch of the study may be short).
    ///
    /// # Errors
    /// [`Error::InvalidDocument`] at `$.ensemble.budget` for a half-width
    /// budget, whose number of runs depends on their results; an
    /// [`Error::InvalidParameter`] (`shard`) for more shards than the study
    /// has batches.
    pub fn shard_runs(&self, shard: Shard) -> Result<(Range<u64>, Range<u64>)> {
        let runs = match self.ensemble.budget {
            RunBudget::Runs(n) => n,
            RunBudget::HalfWidth { .. } => {
                return Err(invalid(
                    "$.ensemble.budget",
                    "a half-width budget decides how many runs to make from the results so \
                     far, so its runs cannot be split into shards: give a number of runs \
                     (`{\"runs\": N}`) to shard the study",
                ));
            }
        };
        Shard::new(shard.index, shard.count)?;
        let b = self.ensemble.batch_size.max(1);
        let total = batch_count(runs, b);
        if shard.count > total {
            return Err(Error::param(
                "shard",
                shard,
                format!(
                    "the study has {total} batch(es) of {b} runs ({runs} runs), and a shard \
                     makes whole batches: split it into at most {total} shards, or lower \
                     `ensemble.batch_size`"
                ),
            ));
        }
        let batches = shard.batches(total);
        let runs = batches.start.saturating_mul(b)..batches.end.saturating_mul(b).min(runs);
        Ok((runs, batches))
    }

    /// Runs shard `shard` of the scenario (built-in models and roles) and
    /// returns its part; see the [module docs](self).
    ///
    /// # Errors
    /// Those of [`shard_runs`](Scenario::shard_runs) and
    /// [`run`](Scenario::run).
    pub fn run_shard<'a>(
        &self,
        settings: impl Into<RunSettings<'a>>,
        shard: Shard,
    ) -> Result<ShardPart> {
        self.run_shard_with(registry::builtin_ref(), settings, shard)
    }

    /// Runs shard `shard` of the scenario with the models and roles of
    /// `registry`, as [`run_with`](Scenario::run_with) runs the whole.
    ///
    /// # Errors
    /// Those of [`shard_runs`](Scenario::shard_runs) and
    /// [`run_with`](Scenario::run_with); [`Error::InvalidDocument`] at `$`
    /// for a study whose results would not read back exactly from JSON (a
    /// number JSON cannot hold), which could not be merged to the bit.
    pub fn run_shard_with<'a>(
        &self,
        registry: &Registry,
        settings: impl Into<RunSettings<'a>>,
        shard: Shard,
    ) -> Result<ShardPart> {
        let mut checked = self.clone();
        checked.check(registry)?;
        let (runs, batches) = checked.shard_runs(shard)?;
        let RunBudget::Runs(total_runs) = checked.ensemble.budget else {
            return Err(invalid("$.ensemble.budget", "not a number of runs"));
        };
        let total_batches = batch_count(total_runs, checked.ensemble.batch_size);
        let sink = ShardSink::new(total_runs, batches.clone());
        let (network, load_report) = checked.build_network_with(registry)?;
        let results = checked.run_part(
            registry,
            settings.into(),
            &network,
            load_report,
            Some(&sink),
        )?;
        let fold = sink
            .take()
            .ok_or_else(|| invalid("$.model", "the model ran without the scenario's ensemble"))?;
        let part = ShardPart {
            wom_shard_part: PART_FORMAT,
            shard,
            runs: Span {
                from: runs.start,
                to: runs.end,
            },
            batches: Span {
                from: batches.start,
                to: batches.end,
            },
            total_batches,
            results,
            fold,
        };
        // The merge writes what every shard computed (the scenario, the
        // network's facts ...) as read back from the part: it must read
        // back to the same values and the same text.
        let back = ShardPart::from_json(&part.to_json()?)?;
        if !same_study(&back.results, &part.results)
            || study_text(&back.results)? != study_text(&part.results)?
        {
            return Err(invalid(
                "$",
                "this study's results do not read back exactly from JSON (a number JSON \
                 cannot hold, such as an infinity or NaN): it cannot be sharded",
            ));
        }
        Ok(part)
    }
}

impl ShardPart {
    /// The part as JSON (compact: it holds every batch's statistics).
    ///
    /// # Errors
    /// [`Error::InvalidDocument`] if serialization fails.
    pub fn to_json(&self) -> Result<String> {
        serde_json::to_string(self).map_err(|e| invalid("$", e.to_string()))
    }

    /// Reads a part written by [`to_json`](ShardPart::to_json).
    ///
    /// # Errors
    /// [`Error::InvalidDocument`] with the path of the field that does not
    /// fit.
    pub fn from_json(text: &str) -> Result<ShardPart> {
        super::parse(text, "")
    }

    /// The results of the whole study from its parts, given in any order:
    /// byte for byte (through [`Results::to_json`]) those of the unsplit
    /// run.
    ///
    /// The parts must be of one study: the same part format and `wom`
    /// version, the same scenario (master seed included), the same number
    /// of shards, the same network, seeds and observed cascades, and every
    /// shard present exactly once with the batches of its index.
    ///
    /// # Errors
    /// [`Error::ShardMismatch`] naming the part at fault by its position
    /// in `parts` (and the part it was compared with): a part of another
    /// format, version, scenario, master seed or number of shards, a shard
    /// given twice or missing, batches that are not the shard's; no part
    /// at all. [`Error::InvalidDocument`] at `$.observed` if the comparison
    /// with observed cascades fails.
    pub fn merge<'a>(parts: impl IntoIterator<Item = &'a ShardPart>) -> Result<Results> {
        let parts: Vec<&ShardPart> = parts.into_iter().collect();
        let mismatch =
            |part: Option<usize>, other: Option<usize>, reason: String| Error::ShardMismatch {
                part,
                other,
                reason,
            };
        let Some(first) = parts.first() else {
            return Err(mismatch(None, None, "no part to merge".to_string()));
        };
        for (k, p) in parts.iter().enumerate() {
            if p.wom_shard_part != PART_FORMAT {
                return Err(mismatch(
                    Some(k),
                    None,
                    format!(
                        "a part of format {}, where this wom reads format {PART_FORMAT}",
                        p.wom_shard_part
                    ),
                ));
            }
        }
        for (k, p) in parts.iter().enumerate().skip(1) {
            let (a, b) = (&p.results, &first.results);
            let reason = if a.wom_version != b.wom_version {
                Some(format!(
                    "written by wom {}, where the other part was by wom {}: the parts of a \
                     study come from one version",
                    a.wom_version, b.wom_version
                ))
            } else if a.scenario.ensemble.master_seed != b.scenario.ensemble.master_seed {
                Some(format!(
                    "its master seed is {}, where the other part's is {}: the parts of a study \
                     share the master seed",
                    a.scenario.ensemble.master_seed, b.scenario.ensemble.master_seed
                ))
            } else if a.scenario != b.scenario {
                Some(
                    "its scenario differs from the other part's (another document, or the \
                     document edited between the runs): the parts of a study come from one \
                     scenario"
                        .to_string(),
                )
            } else if p.shard.count != first.shard.count {
                Some(format!(
                    "it is shard {}, of a study split into {} shards, where the other part is \
                     shard {}",
                    p.shard, p.shard.count, first.shard
                ))
            } else if !same_study(a, b) {
                Some(
                    "its network, seeds or observed cascades differ from the other part's \
                     (did a file the scenario reads change between the runs?)"
                        .to_string(),
                )
            } else if p.total_batches != first.total_batches || !p.fold.same_shape(&first.fold) {
                Some(
                    "its runs are reported otherwise than the other part's (another model, \
                     KPIs or batches)"
                        .to_string(),
                )
            } else {
                None
            };
            if let Some(reason) = reason {
                return Err(mismatch(Some(k), Some(0), reason));
            }
        }
        let count = first.shard.count;
        for (k, p) in parts.iter().enumerate() {
            if p.shard.index >= count {
                return Err(mismatch(
                    Some(k),
                    None,
                    format!(
                        "shard {} is out of range: the shards of {count} are 0 to {}",
                        p.shard,
                        count.saturating_sub(1)
                    ),
                ));
            }
            let expected = p.shard.batches(p.total_batches);
            if (p.batches.from..p.batches.to) != expected
                || p.fold.batches() as u64 != expected.end - expected.start
            {
                return Err(mismatch(
                    Some(k),
                    None,
                    format!(
                        "it holds batches {}..{} ({} kept), where shard {} of {} batches is \
                         batches {}..{}: the part is damaged",
                        p.batches.from,
                        p.batches.to,
                        p.fold.batches(),
                        p.shard,
                        p.total_batches,
                        expected.start,
                        expected.end
                    ),
                ));
            }
            p.fold.check().map_err(|reason| {
                mismatch(Some(k), None, format!("{reason}: the part is damaged"))
            })?;
        }
        // The positions in shard order (a stable sort: of two copies of a
        // shard, the one given first comes first).
        let mut order: Vec<usize> = (0..parts.len()).collect();
        order.sort_by_key(|&k| parts[k].shard.index);
        for pair in order.windows(2) {
            let (j, k) = (pair[0], pair[1]);
            if parts[j].shard.index == parts[k].shard.index {
                return Err(mismatch(
                    Some(k),
                    Some(j),
                    format!("shard {} is given twice", parts[k].shard),
                ));
            }
        }
        // Distinct indices below `count`, sorted: the first that is not
        // its position is missing, or the one after the last.
        let missing = order
            .iter()
            .enumerate()
            .find(|&(i, &k)| parts[k].shard.index != i as u64)
            .map(|(i, _)| i as u64)
            .or_else(|| (order.len() as u64 != count).then_some(order.len() as u64));
        if let Some(i) = missing {
            return Err(mismatch(
                None,
                None,
                format!(
                    "shard {i}/{count} is missing: the merge needs every part, shards 0/{count} \
                     to {}/{count}",
                    count - 1
                ),
            ));
        }
        let ordered: Vec<&ShardPart> = order.iter().map(|&k| parts[k]).collect();
        let folds: Vec<&Fold> = ordered.iter().map(|p| &p.fold).collect();
        let folded = Fold::finish(&folds)
            .ok_or_else(|| mismatch(None, None, "no part to merge".to_string()))?;
        let mut results = ordered[0].results.clone();
        results.report = folded.report;
        match (&mut results.baseline, folded.paired) {
            (Some(baseline), Some((report, lift))) => {
                baseline.report = report;
                baseline.lift = lift;
            }
            (None, None) => {}
            _ => {
                return Err(mismatch(
                    Some(0),
                    None,
                    "its baseline and its runs do not match: the part is damaged".to_string(),
                ));
            }
        }
        if let Some(observed) = &mut results.observed {
            let step_length = results
                .scenario
                .observed
                .as_ref()
                .and_then(|o| o.step_length);
            let simulated = results
                .report
                .tree_kpis
                .as_ref()
                .ok_or_else(|| invalid("$.observed", "the runs kept no tree KPIs"))?;
            observed.comparison =
                compare(simulated, &observed.trees, step_length).map_err(field_at("$.observed"))?;
        }
        Ok(results)
    }
}

/// Whether two results hold the same facts that are not the runs': the
/// network, the seeds, the channels, the baseline's seeds and channels and
/// the observed cascades.
fn same_study(a: &Results, b: &Results) -> bool {
    let baseline = match (&a.baseline, &b.baseline) {
        (None, None) => true,
        (Some(x), Some(y)) => x.name == y.name && x.seeds == y.seeds && x.channels == y.channels,
        _ => false,
    };
    let observed = match (&a.observed, &b.observed) {
        (None, None) => true,
        (Some(x), Some(y)) => x.file == y.file && x.report == y.report && x.trees == y.trees,
        _ => false,
    };
    a.wom_version == b.wom_version
        && a.scenario == b.scenario
        && a.network == b.network
        && a.seeds == b.seeds
        && a.channels == b.channels
        && baseline
        && observed
}

/// The JSON text of the facts of `results` that are not the runs'.
fn study_text(results: &Results) -> Result<String> {
    let mut doc = serde_json::to_value(results).map_err(|e| invalid("$", e.to_string()))?;
    if let Some(doc) = doc.as_object_mut() {
        doc.remove("report");
        if let Some(b) = doc.get_mut("baseline").and_then(|b| b.as_object_mut()) {
            b.remove("report");
            b.remove("lift");
        }
        if let Some(o) = doc.get_mut("observed").and_then(|o| o.as_object_mut()) {
            o.remove("comparison");
        }
    }
    Ok(doc.to_string())
}
