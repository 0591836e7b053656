//! The KPIs of cascade trees and their distributions over many trees, the
//! same for observed cascades and simulated runs.

use std::collections::{BTreeMap, BinaryHeap};
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::ensemble::Moments;
use crate::error::{Error, Result};

/// Declares the tree KPIs once: the enum, its names and its order.
macro_rules! tree_kpis {
    ($($(#[doc = $doc:literal])* $variant:ident => $name:literal, $binning:ident,)*) => {
        /// A KPI of one cascade tree (see [`TreeKpis`] for the
        /// definitions), in the order of a [`CascadeTable`].
        ///
        /// ```
        /// use wom::observed::TreeKpi;
        /// assert_eq!(TreeKpi::Size.name(), "size");
        /// assert_eq!(TreeKpi::ALL.len(), 5);
        /// ```
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum TreeKpi {
            $($(#[doc = $doc])* $variant,)*
        }

        impl TreeKpi {
            /// Every tree KPI, in table order.
            pub const ALL: &'static [TreeKpi] = &[$(TreeKpi::$variant,)*];

            /// The KPI's name in tables and documents.
            pub const fn name(self) -> &'static str {
                match self {
                    $(TreeKpi::$variant => $name,)*
                }
            }

            /// How its histogram is binned: powers of two for the
            /// heavy-tailed size and times, equal widths for the rest.
            pub const fn binning(self) -> Binning {
                match self {
                    $(TreeKpi::$variant => Binning::$binning,)*
                }
            }
        }
    };
}

tree_kpis! {
    /// Nodes in the tree, its root included.
    Size => "size", Log2,
    /// The deepest node's distance from the root.
    Depth => "depth", Linear,
    /// Mean distance between two distinct nodes of the tree (Goel et al.
    /// 2016); undefined for a one-node tree.
    StructuralVirality => "structural_virality", Linear,
    /// From the tree's first node to the time by which half its nodes had
    /// joined.
    TimeTo50 => "time_to_50", Log2,
    /// From the tree's first node to the time by which 90% of its nodes
    /// had joined.
    TimeTo90 => "time_to_90", Log2,
}

impl TreeKpi {
    /// The KPI's position in a [`CascadeTable`].
    pub const fn index(self) -> usize {
        self as usize
    }

    /// Whether the KPI is a time (in steps for simulated trees, in the
    /// file's unit for observed ones).
    pub const fn is_time(self) -> bool {
        matches!(self, TreeKpi::TimeTo50 | TreeKpi::TimeTo90)
    }
}

/// The KPIs of one cascade tree: a root and every node that heard it,
/// directly or not, from the root.
///
/// The same definitions hold for a tree of an observed cascade
/// ([`ObservedCascade::tree_kpis`](super::ObservedCascade::tree_kpis)) and
/// for a tree of a simulated run's cascade forest (the `tree_kpis` of a
/// [`KpiReport`](crate::kpi::KpiReport)); only the clock differs: steps in
/// a simulation, the file's unit (minutes in Twitter15/16, seconds of Unix
/// time ...) in data.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TreeKpis {
    /// Nodes in the tree, its root included (N).
    pub size: u64,
    /// The largest distance from a node to the root.
    pub depth: u32,
    /// ν = Σ_{i≠j} d(i, j) / (N (N − 1)), the mean distance between two
    /// distinct nodes; `None` for N = 1.
    pub structural_virality: Option<f64>,
    /// t(⌈N/2⌉) − t(1), where t(k) is the k-th smallest time of the tree's
    /// nodes: the time from the tree's first node until half its nodes had
    /// joined (0 for a one-node tree).
    pub time_to_50: f64,
    /// t(⌈0.9 N⌉) − t(1), as `time_to_50` for 90% of the nodes.
    pub time_to_90: f64,
}

impl TreeKpis {
    /// The value of one KPI (`None`: undefined).
    pub fn get(&self, kpi: TreeKpi) -> Option<f64> {
        match kpi {
            TreeKpi::Size => Some(self.size as f64),
            TreeKpi::Depth => Some(f64::from(self.depth)),
            TreeKpi::StructuralVirality => self.structural_virality,
            TreeKpi::TimeTo50 => Some(self.time_to_50),
            TreeKpi::TimeTo90 => Some(self.time_to_90),
        }
    }
}

/// The k-th smallest of `times` (1-based, k = ⌈q N⌉ clamped to 1..=N)
/// minus the smallest: the time from the first node until a share `q` of
/// the nodes had joined. `times` is reordered. 0 for an empty slice.
pub(crate) fn time_to_share(times: &mut [f64], q: f64) -> f64 {
    let n = times.len();
    if n == 0 {
        return 0.0;
    }
    let k = ((q * n as f64).ceil() as usize).clamp(1, n);
    // A simulated tree's steps come in adoption order, already sorted.
    if times.is_sorted_by(|a, b| a <= b) {
        return times[k - 1] - times[0];
    }
    let first = times.iter().copied().fold(f64::INFINITY, f64::min);
    let (_, kth, _) = times.select_nth_unstable_by(k - 1, f64::total_cmp);
    *kth - first
}

/// How a [`Distribution`]'s histogram is binned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Binning {
    /// Bins `[2^k, 2^(k+1))` over the positive values, and a bin holding
    /// exactly 0 when there are zeros: the bins of a heavy tail.
    Log2,
    /// One bin per integer `[k, k + 1)` for integer values spanning at most
    /// [`LINEAR_BINS`] integers, else [`LINEAR_BINS`] equal-width bins over
    /// `[min, max]` (the last one closed).
    Linear,
}

/// The most bins of a [`Binning::Linear`] histogram.
pub const LINEAR_BINS: usize = 30;

/// One value of an empirical distribution and how many times it occurs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ValueCount {
    /// The value.
    pub value: f64,
    /// How many times it occurs.
    pub count: u64,
}

/// A quantile of a distribution.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Quantile {
    /// The share, in (0, 1].
    pub q: f64,
    /// The ⌈q n⌉-th smallest of the n values.
    pub value: f64,
}

/// One bin of a histogram.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Bin {
    /// The bin's lower end (included).
    pub low: f64,
    /// Its upper end (excluded, but for the last bin of a linear histogram;
    /// equal to `low` for a bin holding exactly one value, as the zero bin
    /// of a log histogram).
    pub high: f64,
    /// Values in the bin.
    pub count: u64,
}

/// The shares at which a [`Distribution`] gives its quantiles.
pub const QUANTILES: [f64; 7] = [0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 1.0];

/// The distribution of one KPI over a set of cascade trees.
///
/// `values` is the empirical distribution itself (every distinct value
/// with its count), from which the quantiles, the histogram and a
/// [Kolmogorov–Smirnov test](super::ks_two_sample) are computed; the mean,
/// standard deviation and interval are over every value. Of a simulation's
/// structural virality, whose values are real numbers that need not
/// repeat, `values` is a uniform sample of at most [`SAMPLE_CAP`] of them
/// (`sampled` says so), drawn as described in `docs/kpis.md`; the quantiles,
/// histogram and test are then the sample's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Distribution {
    /// The KPI's name ([`TreeKpi::name`]).
    pub kpi: String,
    /// Trees with a value (all trees, less those where it is undefined).
    pub count: u64,
    /// Trees where the KPI is undefined (the structural virality of a
    /// one-node tree), left out of every figure.
    pub undefined: u64,
    /// The mean over the `count` values (`None` when there is none).
    pub mean: Option<f64>,
    /// The sample standard deviation (n − 1 in the denominator).
    pub std_dev: Option<f64>,
    /// The 95% interval of the mean, `mean ± 1.96 std_dev / √count`.
    pub ci_low: Option<f64>,
    /// Upper end of that interval.
    pub ci_high: Option<f64>,
    /// The quantiles at [`QUANTILES`] (the last is the largest value);
    /// empty without values.
    pub quantiles: Vec<Quantile>,
    /// The smallest value.
    pub min: Option<f64>,
    /// How `histogram` is binned.
    pub binning: Binning,
    /// Counts per bin, bins in increasing order, empty bins included
    /// between the first and the last.
    pub histogram: Vec<Bin>,
    /// Every distinct value with its count, sorted by value: the empirical
    /// distribution (or a uniform sample of it when `sampled`).
    pub values: Vec<ValueCount>,
    /// Whether `values` is a sample rather than every value.
    #[serde(default)]
    pub sampled: bool,
}

impl Distribution {
    /// The quantile at share `q` (one of [`QUANTILES`]), if any.
    pub fn quantile(&self, q: f64) -> Option<f64> {
        self.quantiles.iter().find(|x| x.q == q).map(|x| x.value)
    }

    /// The median (`None` without values).
    pub fn median(&self) -> Option<f64> {
        self.quantile(0.5)
    }

    /// The largest value (`None` without values).
    pub fn max(&self) -> Option<f64> {
        self.quantile(1.0)
    }

    /// The values' count in `values` (the sample size when sampled).
    pub fn sample_size(&self) -> u64 {
        self.values.iter().map(|v| v.count).sum()
    }

    /// The distribution of the values `values` (any order, repeats
    /// allowed; each with its count) of a KPI named `kpi`, with
    /// `undefined` trees where it had no value, binned by `binning`.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for a value that is NaN or infinite.
    ///
    /// # Example
    /// ```
    /// use wom::observed::{Binning, Distribution, ValueCount};
    ///
    /// let v = |value, count| ValueCount { value, count };
    /// let d = Distribution::from_values("size", &[v(1.0, 6), v(2.0, 3), v(9.0, 1)], 0, Binning::Log2)?;
    /// // (6 + 6 + 9) / 10.
    /// assert_eq!((d.count, d.mean, d.median()), (10, Some(2.1), Some(1.0)));
    /// // [1, 2) holds 6, [2, 4) 3, [4, 8) none, [8, 16) 1.
    /// assert_eq!(d.histogram.iter().map(|b| b.count).collect::<Vec<_>>(), [6, 3, 0, 1]);
    /// # Ok::<(), wom::Error>(())
    /// ```
    pub fn from_values(
        kpi: &str,
        values: &[ValueCount],
        undefined: u64,
        binning: Binning,
    ) -> Result<Distribution> {
        let mut counts = ValueCounts::default();
        for (i, v) in values.iter().enumerate() {
            if !v.value.is_finite() {
                return Err(Error::param(
                    &format!("values[{i}].value"),
                    v.value,
                    "must be a finite number",
                ));
            }
            counts.add(v.value, v.count);
        }
        let values = counts.values();
        Ok(Distribution::summarize(
            kpi,
            values,
            exact_moments,
            undefined,
            false,
            binning,
        ))
    }

    /// The summary of `values` (sorted, distinct); `moments` gives the
    /// count, mean and sum of squared deviations over every value.
    fn summarize(
        kpi: &str,
        values: Vec<ValueCount>,
        moments: impl FnOnce(&[ValueCount]) -> Moments,
        undefined: u64,
        sampled: bool,
        binning: Binning,
    ) -> Distribution {
        let m = moments(&values);
        let e = m.estimate();
        let defined = e.runs > 0;
        let figure = |x: f64| defined.then_some(x);
        let n: u64 = values.iter().map(|v| v.count).sum();
        let quantiles = if n == 0 {
            Vec::new()
        } else {
            QUANTILES
                .iter()
                .map(|&q| Quantile {
                    q,
                    value: kth(&values, ((q * n as f64).ceil() as u64).clamp(1, n)),
                })
                .collect()
        };
        Distribution {
            kpi: kpi.to_string(),
            count: e.runs,
            undefined,
            mean: figure(e.mean),
            std_dev: figure(e.std_dev),
            ci_low: figure(e.ci_low),
            ci_high: figure(e.ci_high),
            quantiles,
            min: values.first().map(|v| v.value),
            binning,
            histogram: histogram(&values, binning),
            values,
            sampled,
        }
    }
}

/// The moments of sorted distinct values with counts, in two passes: the
/// mean as Σ c v / n, then Σ c (v − mean)².
fn exact_moments(values: &[ValueCount]) -> Moments {
    let n: u64 = values.iter().map(|v| v.count).sum();
    if n == 0 {
        return Moments::default();
    }
    let mean = values.iter().map(|v| v.count as f64 * v.value).sum::<f64>() / n as f64;
    let m2 = values
        .iter()
        .map(|v| v.count as f64 * (v.value - mean) * (v.value - mean))
        .sum();
    Moments::from_parts(n, mean, m2)
}

/// The k-th smallest value (1-based) of sorted value counts.
fn kth(values: &[ValueCount], k: u64) -> f64 {
    let mut seen = 0;
    for v in values {
        seen += v.count;
        if seen >= k {
            return v.value;
        }
    }
    values.last().map_or(f64::NAN, |v| v.value)
}

/// The bins of `binning` for values in `lo..=hi` (both finite), whose
/// smallest positive value is `positive` (if any), as `(low, high)` pairs.
pub(crate) fn bin_edges(
    lo: f64,
    hi: f64,
    positive: Option<f64>,
    integers: bool,
    binning: Binning,
) -> Vec<(f64, f64)> {
    let mut edges = Vec::new();
    match binning {
        Binning::Log2 => {
            if lo < 0.0 {
                edges.push((lo, 0.0));
            }
            if lo <= 0.0 && hi >= 0.0 {
                edges.push((0.0, 0.0));
            }
            if let Some(p) = positive {
                let mut k = floor_log2(p);
                let top = floor_log2(hi);
                while k <= top {
                    edges.push((2f64.powi(k), 2f64.powi(k + 1)));
                    k += 1;
                }
            }
        }
        Binning::Linear => {
            let span = hi - lo;
            if integers && span + 1.0 <= LINEAR_BINS as f64 {
                let mut k = lo;
                while k <= hi {
                    edges.push((k, k + 1.0));
                    k += 1.0;
                }
            } else if span == 0.0 || !span.is_finite() {
                edges.push((lo, hi));
            } else {
                let width = span / LINEAR_BINS as f64;
                for i in 0..LINEAR_BINS {
                    let low = lo + width * i as f64;
                    let high = if i + 1 == LINEAR_BINS {
                        hi
                    } else {
                        lo + width * (i + 1) as f64
                    };
                    edges.push((low, high));
                }
            }
        }
    }
    edges
}

/// ⌊log2 x⌋ of a positive finite x, exactly: 2^k <= x < 2^(k+1).
fn floor_log2(x: f64) -> i32 {
    let mut k = x.log2().floor() as i32;
    while 2f64.powi(k) > x {
        k -= 1;
    }
    while 2f64.powi(k + 1) <= x {
        k += 1;
    }
    k
}

/// The bins for a set of value lists, over their common range.
pub(crate) fn common_edges(lists: &[&[ValueCount]], binning: Binning) -> Vec<(f64, f64)> {
    let all = || lists.iter().flat_map(|l| l.iter()).map(|v| v.value);
    let lo = all().fold(f64::INFINITY, f64::min);
    let hi = all().fold(f64::NEG_INFINITY, f64::max);
    if !(lo.is_finite() && hi.is_finite()) {
        return Vec::new();
    }
    let positive = all().filter(|&x| x > 0.0).fold(f64::INFINITY, f64::min);
    let integers = all().all(|x| x.fract() == 0.0);
    bin_edges(
        lo,
        hi,
        positive.is_finite().then_some(positive),
        integers,
        binning,
    )
}

/// Counts of values per bin (edges from [`bin_edges`]: a bin with
/// `low == high` holds that value; the others `[low, high)`, the last one
/// closed).
pub(crate) fn bin_counts(values: &[ValueCount], edges: &[(f64, f64)]) -> Vec<u64> {
    let mut counts = vec![0u64; edges.len()];
    let last = edges.len().saturating_sub(1);
    for v in values {
        let x = v.value;
        let k = edges.iter().enumerate().position(|(i, &(l, h))| {
            if l == h {
                x == l
            } else {
                x >= l && (x < h || (i == last && x == h))
            }
        });
        if let Some(k) = k {
            counts[k] += v.count;
        }
    }
    counts
}

fn histogram(values: &[ValueCount], binning: Binning) -> Vec<Bin> {
    let edges = common_edges(&[values], binning);
    let counts = bin_counts(values, &edges);
    edges
        .into_iter()
        .zip(counts)
        .map(|((low, high), count)| Bin { low, high, count })
        .collect()
}

/// The most values kept of a simulation's structural virality: a uniform
/// sample of this many trees (see [`Distribution`]).
pub const SAMPLE_CAP: usize = 5_000;

/// Integer values below this are counted in a vector by value (512 KiB
/// at most per KPI); larger ones in the map.
const DENSE_LIMIT: f64 = 65_536.0;

/// A total-order key of a finite f64 (0.0 and -0.0 the same).
fn key(x: f64) -> u64 {
    let b = (x + 0.0).to_bits();
    if b >> 63 == 1 { !b } else { b | 1 << 63 }
}

fn value_of(k: u64) -> f64 {
    f64::from_bits(if k >> 63 == 1 { k & !(1 << 63) } else { !k })
}

/// Exact counts of distinct values (by their order keys).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct ValueCounts(BTreeMap<u64, u64>);

impl ValueCounts {
    pub(crate) fn add(&mut self, x: f64, count: u64) {
        if count > 0 {
            *self.0.entry(key(x)).or_default() += count;
        }
    }

    fn merge(&mut self, o: ValueCounts) {
        for (k, c) in o.0 {
            *self.0.entry(k).or_default() += c;
        }
    }

    fn values(&self) -> Vec<ValueCount> {
        self.0
            .iter()
            .map(|(&k, &count)| ValueCount {
                value: value_of(k),
                count,
            })
            .collect()
    }
}

/// A uniform sample without replacement of at most [`SAMPLE_CAP`] values:
/// the values with the smallest priorities, each priority a hash of where
/// the value came from (a bottom-k sample). Merging two samples keeps the
/// smallest priorities of both, so the sample is the same however the
/// values were batched.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct BottomK(BinaryHeap<(u64, u64)>);

impl BottomK {
    fn push(&mut self, priority: u64, x: f64) {
        let item = (priority, key(x));
        if self.0.len() < SAMPLE_CAP {
            self.0.push(item);
        } else if self.0.peek().is_some_and(|top| item < *top) {
            self.0.pop();
            self.0.push(item);
        }
    }

    fn merge(&mut self, o: BottomK) {
        for (p, k) in o.0 {
            self.push(p, value_of(k));
        }
    }

    fn values(&self) -> Vec<ValueCount> {
        let mut counts = ValueCounts::default();
        for &(_, k) in self.0.iter() {
            counts.add(value_of(k), 1);
        }
        counts.values()
    }
}

/// The distributions of the tree KPIs over a set of trees, built one tree
/// at a time and merged in a fixed order (a simulation's batches). In a
/// shard part, every value is held by its order key (the bits of the
/// number), so it reads back exactly.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TreeAccumulator {
    trees: u64,
    exact: Vec<ValueCounts>,
    /// Of a simulation: counts of small non-negative integer values by
    /// value (sizes, depths, steps), cheaper than the map.
    dense: Option<Vec<Vec<u64>>>,
    undefined: Vec<u64>,
    /// Of a simulation: the structural virality is sampled, with its exact
    /// moments.
    sampled: Option<(BottomK, Moments)>,
}

impl Default for TreeAccumulator {
    /// As [`sampling`](Self::sampling), for a simulation's batches.
    fn default() -> Self {
        TreeAccumulator::sampling()
    }
}

impl TreeAccumulator {
    /// Every value kept exactly (observed cascades: the file holds them
    /// all anyway).
    pub(crate) fn exact() -> Self {
        TreeAccumulator {
            trees: 0,
            exact: vec![ValueCounts::default(); TreeKpi::ALL.len()],
            dense: None,
            undefined: vec![0; TreeKpi::ALL.len()],
            sampled: None,
        }
    }

    /// The integer KPIs kept exactly, the structural virality sampled
    /// (simulations).
    pub(crate) fn sampling() -> Self {
        TreeAccumulator {
            sampled: Some((BottomK::default(), Moments::default())),
            dense: Some(vec![Vec::new(); TreeKpi::ALL.len()]),
            ..TreeAccumulator::exact()
        }
    }

    /// Adds one tree; `priority` places it in the sample of structural
    /// virality (a hash of where it came from).
    pub(crate) fn push(&mut self, t: &TreeKpis, priority: u64) {
        self.trees += 1;
        for &kpi in TreeKpi::ALL {
            let i = kpi.index();
            match (t.get(kpi), &mut self.sampled) {
                (None, _) => self.undefined[i] += 1,
                (Some(x), Some((sample, moments))) if kpi == TreeKpi::StructuralVirality => {
                    sample.push(priority, x);
                    moments.push(x);
                }
                (Some(x), _) => match &mut self.dense {
                    Some(dense) if x >= 0.0 && x.fract() == 0.0 && x < DENSE_LIMIT => {
                        let counts = &mut dense[i];
                        let k = x as usize;
                        if counts.len() <= k {
                            counts.resize(k + 1, 0);
                        }
                        counts[k] += 1;
                    }
                    _ => self.exact[i].add(x, 1),
                },
            }
        }
    }

    /// Whether it holds one slot per tree KPI everywhere (what
    /// [`table`](Self::table) indexes): a check of statistics read from a
    /// file.
    pub(crate) fn is_well_formed(&self) -> bool {
        let k = TreeKpi::ALL.len();
        self.exact.len() == k
            && self.undefined.len() == k
            && self.dense.as_ref().is_none_or(|d| d.len() == k)
    }

    pub(crate) fn merge(&mut self, o: TreeAccumulator) {
        self.trees += o.trees;
        for (a, b) in self.exact.iter_mut().zip(o.exact) {
            a.merge(b);
        }
        for (a, b) in self.undefined.iter_mut().zip(o.undefined) {
            *a += b;
        }
        if let (Some(da), Some(db)) = (&mut self.dense, o.dense) {
            for (a, b) in da.iter_mut().zip(db) {
                if a.len() < b.len() {
                    a.resize(b.len(), 0);
                }
                for (x, y) in a.iter_mut().zip(b) {
                    *x += y;
                }
            }
        }
        if let (Some((sa, ma)), Some((sb, mb))) = (&mut self.sampled, o.sampled) {
            sa.merge(sb);
            ma.merge(&mb);
        }
    }

    /// The values of KPI `i`, from the map and the dense counts.
    fn values(&self, i: usize) -> Vec<ValueCount> {
        let mut counts = self.exact[i].clone();
        if let Some(dense) = &self.dense {
            for (k, &c) in dense[i].iter().enumerate() {
                counts.add(k as f64, c);
            }
        }
        counts.values()
    }

    /// The table of the trees pushed.
    pub(crate) fn table(&self, time_unit: &str) -> CascadeTable {
        let kpis = TreeKpi::ALL
            .iter()
            .map(|&kpi| {
                let i = kpi.index();
                match &self.sampled {
                    Some((sample, moments)) if kpi == TreeKpi::StructuralVirality => {
                        let values = sample.values();
                        let sampled = values.iter().map(|v| v.count).sum::<u64>() < moments.count();
                        Distribution::summarize(
                            kpi.name(),
                            values,
                            |_| *moments,
                            self.undefined[i],
                            sampled,
                            kpi.binning(),
                        )
                    }
                    _ => Distribution::summarize(
                        kpi.name(),
                        self.values(i),
                        exact_moments,
                        self.undefined[i],
                        false,
                        kpi.binning(),
                    ),
                }
            })
            .collect();
        CascadeTable {
            trees: self.trees,
            time_unit: time_unit.to_string(),
            kpis,
        }
    }
}

/// The distributions of the tree KPIs ([`TreeKpi`]) over a set of cascade
/// trees: the trees of observed cascades
/// ([`CascadeTable::from_cascades`]), or every tree of every run of a
/// simulation (the `tree_kpis` of a [`KpiReport`](crate::kpi::KpiReport)).
///
/// # Example
/// ```
/// use wom::observed::{CascadeTable, ObservedArc, ObservedCascade, ObservedNode, TreeKpi};
///
/// let node = |i: u64, time| ObservedNode { id: i.into(), time };
/// let arc = |parent, child| ObservedArc { parent, child };
/// // A star of 4 nodes, and a chain of 3 nodes.
/// let star = ObservedCascade::new("star",
///     vec![node(0, 0.0), node(1, 1.0), node(2, 1.0), node(3, 2.0)],
///     vec![arc(0, 1), arc(0, 2), arc(0, 3)])?;
/// let chain = ObservedCascade::new("chain",
///     vec![node(0, 10.0), node(1, 11.0), node(2, 15.0)], vec![arc(0, 1), arc(1, 2)])?;
/// let table = CascadeTable::from_cascades(&[star, chain], "minute");
/// assert_eq!(table.trees, 2);
/// assert_eq!(table.kpi(TreeKpi::Size).mean, Some(3.5));
/// assert_eq!(table.kpi(TreeKpi::Depth).max(), Some(2.0));
/// // The chain's half-way time: its 2nd node, 1 minute after its first.
/// assert_eq!(table.kpi(TreeKpi::TimeTo50).min, Some(1.0));
/// # Ok::<(), wom::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CascadeTable {
    /// Trees described.
    pub trees: u64,
    /// The unit of the time KPIs: `"step"` for a simulation, else what the
    /// reader was told (`"file unit"` when it was not).
    pub time_unit: String,
    /// One distribution per KPI, in [`TreeKpi::ALL`] order.
    pub kpis: Vec<Distribution>,
}

impl CascadeTable {
    /// The table of the trees of `cascades` (every tree of every cascade:
    /// see [`ObservedCascade::tree_kpis`](super::ObservedCascade::tree_kpis)),
    /// times in `time_unit`.
    ///
    /// Complexity: O(n log n) for n nodes in all.
    pub fn from_cascades(cascades: &[super::ObservedCascade], time_unit: &str) -> CascadeTable {
        let mut acc = TreeAccumulator::exact();
        for c in cascades {
            for t in c.tree_kpis() {
                acc.push(&t, 0);
            }
        }
        acc.table(time_unit)
    }

    /// The table of the given trees, every value kept.
    pub fn from_trees<'a>(
        trees: impl IntoIterator<Item = &'a TreeKpis>,
        time_unit: &str,
    ) -> CascadeTable {
        let mut acc = TreeAccumulator::exact();
        for t in trees {
            acc.push(t, 0);
        }
        acc.table(time_unit)
    }

    /// The distribution of `kpi`.
    ///
    /// # Panics
    /// Never for a table built here; a table read from a document with
    /// fewer KPIs than [`TreeKpi::ALL`] has an empty distribution in
    /// their place.
    pub fn kpi(&self, kpi: TreeKpi) -> &Distribution {
        self.kpis
            .iter()
            .find(|d| d.kpi == kpi.name())
            .unwrap_or(&EMPTY)
    }
}

static EMPTY: Distribution = Distribution {
    kpi: String::new(),
    count: 0,
    undefined: 0,
    mean: None,
    std_dev: None,
    ci_low: None,
    ci_high: None,
    quantiles: Vec::new(),
    min: None,
    binning: Binning::Linear,
    histogram: Vec::new(),
    values: Vec::new(),
    sampled: false,
};

impl fmt::Display for CascadeTable {
    /// One KPI a line: count, mean with its 95% interval, the quartiles,
    /// the 90th and 99th percentiles and the largest value.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} trees; times in {}s",
            self.trees,
            if self.time_unit.is_empty() {
                "file unit"
            } else {
                &self.time_unit
            }
        )?;
        writeln!(
            f,
            "{:<20}  {:>8}  {:>10}  {:>23}  {:>9}  {:>9}  {:>9}  {:>9}  {:>9}  {:>9}  {:>9}",
            "KPI", "trees", "mean", "95% CI", "min", "p25", "median", "p75", "p90", "p99", "max"
        )?;
        for d in &self.kpis {
            let q = |x: f64| d.quantile(x).map_or("-".to_string(), number);
            let mean = d.mean.map_or("-".to_string(), number);
            let ci = match (d.ci_low, d.ci_high) {
                (Some(a), Some(b)) => format!("[{}, {}]", number(a), number(b)),
                _ => "-".to_string(),
            };
            write!(
                f,
                "{:<20}  {:>8}  {:>10}  {:>23}  {:>9}  {:>9}  {:>9}  {:>9}  {:>9}  {:>9}  {:>9}",
                d.kpi,
                d.count,
                mean,
                ci,
                d.min.map_or("-".to_string(), number),
                q(0.25),
                q(0.5),
                q(0.75),
                q(0.9),
                q(0.99),
                q(1.0)
            )?;
            if d.undefined > 0 {
                write!(f, "  ({} undefined)", d.undefined)?;
            }
            if d.sampled {
                write!(f, "  (quantiles of a sample of {})", d.sample_size())?;
            }
            writeln!(f)?;
        }
        Ok(())
    }
}

/// A number for a table: an integer as one, else four significant
/// digits (as KPI tables print them).
pub(crate) fn number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{x:.0}")
    } else {
        crate::kpi::number(x)
    }
}
