//! The graph builder shared by the readers: it collects records, applies
//! the self-loop and duplicate policies and builds the graph.

use petgraph::graph::NodeIndex;

use super::intern::{Interner, lossy};
use super::options::{ArcDirection, Duplicates, Policy, SelfLoops};
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

    /// Takes one record (`trust` is `None` when the record has none).
    pub(super) fn record(
        &mut self,
        src: &[u8],
        dst: &[u8],
        trust: Option<&[u8]>,
        line: u64,
    ) -> Result<()> {
        let limit = self.policy.max_nodes;
        let u = self.ids.intern(src, limit, self.name, line)?;
        let v = self.ids.intern(dst, limit, self.name, line)?;
        let trust = match trust {
            Some(t) => parse_trust(t, self.name, line)?,
            None => {
                self.report.default_trust_records += 1;
                self.policy.default_trust
            }
        };
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
        self.edges.push(RawEdge { u, v, trust, line });
        Ok(())
    }

    /// The key under which two records are duplicates.
    fn key(direction: Relation, e: &RawEdge) -> u64 {
        let (a, b) = match direction {
            Relation::Friendship if e.u > e.v => (e.v, e.u),
            _ => (e.u, e.v),
        };
        (u64::from(a) << 32) | u64::from(b)
    }

    /// Counts the duplicates and applies the policy: returns the indices
    /// (ascending) of the records to leave out, and merges trusts in place.
    fn resolve_duplicates(&mut self) -> Result<Vec<usize>> {
        let direction = self.policy.direction;
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

    pub(super) fn finish(mut self) -> Result<Loaded> {
        if self.report.records == 0 {
            return Err(Error::EmptyInput {
                file: self.name.to_string(),
                what: "edges",
            });
        }
        let skip = self.resolve_duplicates()?;
        let undirected = self.policy.direction == Relation::Friendship;
        let arcs_of = |e: &RawEdge| if undirected && e.u != e.v { 2u64 } else { 1 };
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
        let mut graph = SocialGraph::with_capacity(ids.len(), arc_capacity);
        for id in ids {
            graph.add_actor(id, BuiltinActor::default())?;
        }
        let mut skip = skip.into_iter().peekable();
        for (i, e) in self.edges.iter().enumerate() {
            if skip.next_if_eq(&i).is_some() {
                continue;
            }
            let (u, v) = (NodeIndex::new(e.u as usize), NodeIndex::new(e.v as usize));
            if undirected {
                graph.add_mutual_tie(u, v, SocialTie::friendship(e.trust))?;
            } else {
                graph.add_tie(u, v, SocialTie::follow(e.trust))?;
            }
        }
        self.report.arcs = graph.arc_count() as u64;
        Ok(Loaded {
            graph,
            report: self.report,
        })
    }
}
