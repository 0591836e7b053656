//! The graph builder shared by the readers: it collects records, applies
//! the self-loop and duplicate policies and builds the graph.

use petgraph::graph::NodeIndex;

use super::intern::{Interner, lossy};
use super::options::{ArcDirection, BothWays, Duplicates, NodeOrder, Policy, SelfLoops, Weights};
use super::report::{LoadReport, Loaded};
use crate::actor::BuiltinActor;
use crate::error::{Error, Location, Result};
use crate::network::limits::MAX_ARCS;
use crate::social::SocialGraph;
use crate::tie::{Relation, SocialTie};

/// A record as read: dense endpoints (already turned the way the arc
/// points), trust and line.
#[derive(Debug, Clone, Copy)]
struct RawEdge {
    u: u32,
    v: u32,
    trust: f64,
    line: u64,
}

/// Whether a number that parsed as zero was written with a nonzero digit
/// before its exponent (`1e-400`), so that the zero is an underflow, not the
/// value written (`0`, `-0.00`, `0e5`).
fn underflows(text: &str) -> bool {
    text.bytes()
        .take_while(|b| !matches!(b, b'e' | b'E'))
        .any(|b| matches!(b, b'1'..=b'9'))
}

/// Parses a trust cell.
fn parse_trust(token: &[u8], name: &str, line: u64) -> Result<f64> {
    let location = || Some(Location::new(name, line));
    let invalid = || Error::InvalidWeight {
        text: lossy(token),
        location: location(),
    };
    let text = std::str::from_utf8(token).map_err(|_| invalid())?.trim();
    let value: f64 = text.parse().map_err(|_| invalid())?;
    if !value.is_finite() {
        return Err(invalid());
    }
    if value == 0.0 && underflows(text) {
        return Err(Error::MalformedLine {
            location: Location::new(name, line),
            reason: format!(
                "trust {text:?} is not 0 but underflows to 0 as a 64-bit float \
                 (the smallest positive trust is about 4.9e-324); write 0 or a larger value"
            ),
        });
    }
    if !(0.0..=1.0).contains(&value) {
        return Err(Error::ProbabilityOutOfRange {
            name: "trust".to_string(),
            value,
            location: location(),
        });
    }
    // `+ 0.0` turns a "-0" into 0.
    Ok(value + 0.0)
}

/// Parses a number that must be finite and at least 0 (a count or a
/// strength); `what` names it in errors.
fn parse_non_negative(token: &[u8], what: &str, name: &str, line: u64) -> Result<f64> {
    let invalid = || Error::InvalidWeight {
        text: lossy(token),
        location: Some(Location::new(name, line)),
    };
    let text = std::str::from_utf8(token).map_err(|_| invalid())?.trim();
    let value: f64 = text.parse().map_err(|_| invalid())?;
    if !value.is_finite() {
        return Err(invalid());
    }
    if value < 0.0 {
        return Err(Error::MalformedLine {
            location: Location::new(name, line),
            reason: format!("{what} {text:?} is negative; it must be a number >= 0"),
        });
    }
    Ok(value + 0.0)
}

/// The chance that at least one of `count` interactions, each passing with
/// chance `p`, passes: `1 - (1 - p)^count`, exact for small `p`.
fn count_trust(count: f64, p: f64) -> f64 {
    if count == 0.0 || p == 0.0 {
        return 0.0;
    }
    (-libm::expm1(count * libm::log1p(-p))).clamp(0.0, 1.0) + 0.0
}

/// Parses a time cell: a finite decimal number.
pub(super) fn parse_time(token: &[u8], name: &str, line: u64) -> Result<f64> {
    let bad = || Error::MalformedLine {
        location: Location::new(name, line),
        reason: format!("time {:?} is not a finite number", lossy(token)),
    };
    let text = std::str::from_utf8(token).map_err(|_| bad())?.trim();
    let value: f64 = text.parse().map_err(|_| bad())?;
    if value.is_finite() {
        Ok(value + 0.0)
    } else {
        Err(bad())
    }
}

/// The ordered key of an arc `u -> v`.
fn ordered(u: u32, v: u32) -> u64 {
    (u64::from(u) << 32) | u64::from(v)
}

/// Collects records, applies the policies and builds the graph.
#[derive(Debug)]
pub(super) struct Builder<'a> {
    pub(super) name: &'a str,
    policy: Policy,
    ids: Interner,
    edges: Vec<RawEdge>,
    pub(super) report: LoadReport,
}

impl<'a> Builder<'a> {
    pub(super) fn new(name: &'a str, policy: Policy, gzip: bool) -> Self {
        Builder {
            name,
            policy,
            ids: Interner::new(policy.ids),
            edges: Vec::new(),
            report: LoadReport {
                gzip,
                ..LoadReport::default()
            },
        }
    }

    /// Takes the time of the record about to be recorded.
    pub(super) fn time(&mut self, token: &[u8], line: u64) -> Result<()> {
        let t = parse_time(token, self.name, line)?;
        let r = &mut self.report;
        r.timed_records += 1;
        r.first_time = Some(r.first_time.map_or(t, |f| f.min(t)));
        r.last_time = Some(r.last_time.map_or(t, |l| l.max(t)));
        Ok(())
    }

    /// Takes one record (`weight` is `None` when the record has none).
    pub(super) fn record(
        &mut self,
        src: &[u8],
        dst: &[u8],
        weight: Option<&[u8]>,
        line: u64,
    ) -> Result<()> {
        let limit = self.policy.max_nodes;
        let u = self.ids.intern(src, limit, self.name, line)?;
        let v = self.ids.intern(dst, limit, self.name, line)?;
        let trust = match (self.policy.weights, weight) {
            (Weights::Probability, Some(t)) => parse_trust(t, self.name, line)?,
            (Weights::Count { p }, Some(t)) => {
                count_trust(parse_non_negative(t, "count", self.name, line)?, p)
            }
            (Weights::InWeight, Some(t)) => parse_non_negative(t, "weight", self.name, line)?,
            (Weights::Ignore, Some(_)) => {
                self.report.ignored_weights += 1;
                self.report.default_trust_records += 1;
                self.policy.default_trust
            }
            (_, None) => {
                self.report.default_trust_records += 1;
                self.policy.default_trust
            }
        };
        if self.report.records >= self.policy.max_records {
            return Err(Error::TooManyRecords {
                limit: self.policy.max_records,
                location: Some(Location::new(self.name, line)),
            });
        }
        self.report.records += 1;
        if u == v {
            self.report.self_loops += 1;
            match self.policy.self_loops {
                SelfLoops::Keep => {}
                SelfLoops::Drop => {
                    self.report.self_loops_dropped += 1;
                    return Ok(());
                }
                SelfLoops::Error => {
                    return Err(Error::SelfLoop {
                        id: self.ids.describe(src),
                        location: Location::new(self.name, line),
                    });
                }
            }
        }
        let (u, v) = match self.policy.arc_direction {
            ArcDirection::AsListed => (u, v),
            ArcDirection::Reversed => (v, u),
        };
        if self.edges.len() == self.edges.capacity() {
            // Grows as push would, but a failed allocation is an error,
            // not an abort.
            let more = self.edges.len().max(1024);
            self.edges
                .try_reserve(more)
                .map_err(|_| Error::AllocationFailed {
                    what: format!("the records of {}", self.name),
                    bytes: (self.edges.len().saturating_add(more) as u64)
                        .saturating_mul(std::mem::size_of::<RawEdge>() as u64),
                })?;
        }
        self.edges.push(RawEdge { u, v, trust, line });
        Ok(())
    }

    /// Whether duplicates are found on unordered pairs: in friendship
    /// reads, unless both ways are joined.
    fn unordered(&self) -> bool {
        self.policy.direction == Relation::Friendship && self.policy.both_ways == BothWays::Keep
    }

    /// The key under which two records are duplicates.
    fn key(unordered: bool, e: &RawEdge) -> u64 {
        if unordered && e.u > e.v {
            ordered(e.v, e.u)
        } else {
            ordered(e.u, e.v)
        }
    }

    /// The number of unordered pairs (u != v) among `keys` (ordered, sorted,
    /// without repeats) present both ways.
    fn both_ways(keys: &[u64]) -> u64 {
        keys.iter()
            .filter(|&&k| {
                let (u, v) = ((k >> 32) as u32, k as u32);
                u < v && keys.binary_search(&ordered(v, u)).is_ok()
            })
            .count() as u64
    }

    /// Counts the duplicates and applies the policy: returns the indices
    /// (ascending) of the records to leave out, and merges trusts in place.
    fn resolve_duplicates(&mut self) -> Result<Vec<usize>> {
        let direction = self.unordered();
        let mut keys: Vec<u64> = self.edges.iter().map(|e| Self::key(direction, e)).collect();
        keys.sort_unstable();
        let mut repeated = Vec::new();
        let mut met = 0u64;
        for group in keys.chunk_by(|a, b| a == b) {
            if let [first, rest @ ..] = group
                && !rest.is_empty()
            {
                met += rest.len() as u64;
                repeated.push(*first);
            }
        }
        drop(keys);
        self.report.duplicates = met;
        let policy = self.policy.duplicates;
        if met == 0 || policy == Duplicates::Keep {
            return Ok(Vec::new());
        }
        // One pass in input order: the first record of each repeated pair
        // stays, the later ones are left out (or merged into it).
        let mut first: Vec<Option<usize>> = vec![None; repeated.len()];
        // Under Merge, the sum of ln(1 - w) over each repeated pair's
        // records (ln_1p keeps tiny trusts; w = 1 gives -inf).
        let mut log_keep: Vec<f64> = match policy {
            Duplicates::Merge => vec![0.0; repeated.len()],
            _ => Vec::new(),
        };
        let mut skip = Vec::new();
        for (i, e) in self.edges.iter().enumerate() {
            let Ok(k) = repeated.binary_search(&Self::key(direction, e)) else {
                continue;
            };
            if let Some(q) = log_keep.get_mut(k) {
                *q += libm::log1p(-e.trust);
            }
            let Some(slot) = first.get_mut(k) else {
                continue;
            };
            let Some(f) = *slot else {
                *slot = Some(i);
                continue;
            };
            if policy == Duplicates::Error {
                let earlier = self.edges.get(f).map_or(0, |x| x.line);
                let (a, b) = match self.policy.arc_direction {
                    ArcDirection::AsListed => (e.u, e.v),
                    ArcDirection::Reversed => (e.v, e.u),
                };
                return Err(Error::DuplicateEdge {
                    from: self.ids.describe_index(a),
                    to: self.ids.describe_index(b),
                    location: Location::new(self.name, e.line),
                    first_line: earlier,
                });
            }
            skip.push(i);
        }
        for (f, q) in first.iter().zip(&log_keep) {
            if let Some(e) = f.and_then(|f| self.edges.get_mut(f)) {
                // 1 - exp(q), exact for small trusts; in [0, 1] since q <= 0
                // (`+ 0.0` turns the -0 of an all-zero pair into 0).
                e.trust = (-libm::expm1(*q)).clamp(0.0, 1.0) + 0.0;
            }
        }
        match policy {
            Duplicates::Merge => self.report.duplicates_merged = skip.len() as u64,
            _ => self.report.duplicates_dropped = skip.len() as u64,
        }
        Ok(skip)
    }

    /// Puts nodes and records in canonical order ([`NodeOrder::Sorted`]):
    /// ids sorted, records by (source, target, trust), the line last so
    /// that the order is total.
    fn sort(&mut self) {
        let rank = self.ids.sort();
        let new = |i: u32| rank.get(i as usize).copied().unwrap_or(i);
        for e in &mut self.edges {
            (e.u, e.v) = (new(e.u), new(e.v));
        }
        self.edges.sort_unstable_by(|a, b| {
            (a.u, a.v)
                .cmp(&(b.u, b.v))
                .then(a.trust.total_cmp(&b.trust))
                .then(a.line.cmp(&b.line))
        });
    }

    pub(super) fn finish(mut self) -> Result<Loaded> {
        if self.report.records == 0 {
            return Err(Error::EmptyInput {
                file: self.name.to_string(),
                what: "edges",
            });
        }
        if self.policy.node_order == NodeOrder::Sorted {
            self.sort();
        }
        let skip = self.resolve_duplicates()?;
        let undirected = self.policy.direction == Relation::Friendship;
        // Friendship reads: the pairs listed both ways, among all records
        // and (when joined) among the kept ones.
        let mut joined_keys: Vec<u64> = Vec::new();
        if undirected {
            let mut keys: Vec<u64> = self
                .edges
                .iter()
                .filter(|e| e.u != e.v)
                .map(|e| ordered(e.u, e.v))
                .collect();
            keys.sort_unstable();
            keys.dedup();
            self.report.listed_both_ways = Self::both_ways(&keys);
            if self.policy.both_ways == BothWays::OneArcPerDirection {
                let mut next = skip.iter().peekable();
                let mut kept: Vec<u64> = Vec::new();
                for (i, e) in self.edges.iter().enumerate() {
                    if next.next_if_eq(&&i).is_none() && e.u != e.v {
                        kept.push(ordered(e.u, e.v));
                    }
                }
                kept.sort_unstable();
                kept.dedup();
                self.report.both_ways_joined = Self::both_ways(&kept);
                joined_keys = kept
                    .iter()
                    .copied()
                    .filter(|&k| {
                        kept.binary_search(&ordered(k as u32, (k >> 32) as u32))
                            .is_ok()
                    })
                    .collect();
            }
        }
        // Whether a record gives only the arc of its own direction.
        let single = |e: &RawEdge| {
            !undirected || e.u == e.v || joined_keys.binary_search(&ordered(e.u, e.v)).is_ok()
        };
        let arcs_of = |e: &RawEdge| if single(e) { 1u64 } else { 2 };
        let all: u64 = self.edges.iter().map(arcs_of).sum();
        let left_out: u64 = skip
            .iter()
            .filter_map(|&i| self.edges.get(i))
            .map(arcs_of)
            .sum();
        let arcs = all.saturating_sub(left_out);
        let too_many_arcs = || Error::TooManyArcs { limit: MAX_ARCS };
        if arcs > MAX_ARCS {
            return Err(too_many_arcs());
        }
        let arc_capacity = usize::try_from(arcs).map_err(|_| too_many_arcs())?;

        let ids = self.ids.into_ids();
        self.report.nodes = ids.len() as u64;
        // Under in_weight, each node's in-weight: the weights of the arcs
        // into it.
        let mut in_weight: Vec<f64> = Vec::new();
        if self.policy.weights == Weights::InWeight {
            in_weight = crate::error::try_filled("in-weights", ids.len(), 0.0)?;
            let mut next = skip.iter().peekable();
            for (i, e) in self.edges.iter().enumerate() {
                if next.next_if_eq(&&i).is_some() {
                    continue;
                }
                if let Some(s) = in_weight.get_mut(e.v as usize) {
                    *s += e.trust;
                }
                if !single(e)
                    && let Some(s) = in_weight.get_mut(e.u as usize)
                {
                    *s += e.trust;
                }
            }
        }
        let trust_into = |w: f64, v: u32| match in_weight.get(v as usize) {
            Some(&sum) if sum > 0.0 => (w / sum).clamp(0.0, 1.0),
            Some(_) => 0.0,
            None => w,
        };
        let mut graph = SocialGraph::try_with_capacity(ids.len(), arc_capacity)?;
        for id in ids {
            graph.add_actor(id, BuiltinActor::default())?;
        }
        let mut skip = skip.into_iter().peekable();
        for (i, e) in self.edges.iter().enumerate() {
            if skip.next_if_eq(&i).is_some() {
                continue;
            }
            let (u, v) = (NodeIndex::new(e.u as usize), NodeIndex::new(e.v as usize));
            if !undirected {
                graph.add_tie(u, v, SocialTie::follow(trust_into(e.trust, e.v)))?;
            } else if single(e) {
                graph.add_tie(u, v, SocialTie::friendship(trust_into(e.trust, e.v)))?;
            } else if in_weight.is_empty() {
                graph.add_mutual_tie(u, v, SocialTie::friendship(e.trust))?;
            } else {
                graph.add_tie(u, v, SocialTie::friendship(trust_into(e.trust, e.v)))?;
                graph.add_tie(v, u, SocialTie::friendship(trust_into(e.trust, e.u)))?;
            }
        }
        self.report.arcs = graph.arc_count() as u64;
        Ok(Loaded {
            graph,
            report: self.report,
        })
    }
}
