//! What a reader gives back: the graph and the report of what was read.

use serde::{Deserialize, Serialize};

use crate::social::SocialGraph;
// Items named in the documentation only.
#[cfg(doc)]
use super::{BothWays, Columns, Comments, Duplicates, ExtraColumns, Header, SelfLoops, Weights};

/// What a reader met in its input and what it did with it.
///
/// The counts add up: `lines = header_lines + comment_lines + blank_lines`
/// plus the lines of the records (one per record in an edge list), and
/// `records - self_loops_dropped - duplicates_dropped - duplicates_merged`
/// records became arcs ([`kept_records`](LoadReport::kept_records)): one arc
/// each when directed, two when undirected (one for a self-loop, and one
/// for each record of a pair joined under [`BothWays::OneArcPerDirection`]).
///
/// Fields added after the first release are read as 0 (or `None`) when a
/// stored report lacks them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct LoadReport {
    /// Whether the input was gzip-compressed.
    pub gzip: bool,
    /// Lines read, of every kind (a last line without a line end counts).
    pub lines: u64,
    /// Header lines: the CSV header row, or an edge list's lines skipped
    /// under [`Header`].
    pub header_lines: u64,
    /// Comment lines: edge-list lines whose first non-blank character is
    /// `#` under [`Comments::Hash`] (also when, with text ids, the `#`
    /// begins what would be the first id). Always 0 for CSV and under
    /// [`Comments::None`].
    pub comment_lines: u64,
    /// Blank lines.
    pub blank_lines: u64,
    /// Edge records read.
    pub records: u64,
    /// Records without a trust of their own, which got the default trust.
    pub default_trust_records: u64,
    /// Self-loops met.
    pub self_loops: u64,
    /// Self-loops left out ([`SelfLoops::Drop`]).
    pub self_loops_dropped: u64,
    /// Duplicates met: records repeating an earlier record's pair (a pair
    /// listed three times counts 2).
    pub duplicates: u64,
    /// Duplicates left out ([`Duplicates::Drop`]).
    pub duplicates_dropped: u64,
    /// Duplicates merged into the first record ([`Duplicates::Merge`]).
    pub duplicates_merged: u64,
    /// Nodes of the graph (distinct ids met).
    pub nodes: u64,
    /// Arcs stored in the graph.
    pub arcs: u64,
    /// Edge-list records whose columns after the last one read were not
    /// read ([`ExtraColumns::Ignore`]).
    #[serde(default)]
    pub extra_column_records: u64,
    /// Records whose weight was not read ([`Weights::Ignore`]); they are
    /// also counted in `default_trust_records`.
    #[serde(default)]
    pub ignored_weights: u64,
    /// In a friendship read, the unordered pairs `{u, v}` (u != v) listed
    /// both ways: `u v` on one line and `v u` on another. Always 0 for
    /// follow reads.
    #[serde(default)]
    pub listed_both_ways: u64,
    /// Of those pairs, the ones kept as one arc per direction
    /// ([`BothWays::OneArcPerDirection`]): two arcs instead of four.
    #[serde(default)]
    pub both_ways_joined: u64,
    /// Records with a time ([`Columns::time`]).
    #[serde(default)]
    pub timed_records: u64,
    /// The earliest time read, if any.
    #[serde(default)]
    pub first_time: Option<f64>,
    /// The latest time read, if any.
    #[serde(default)]
    pub last_time: Option<f64>,
}

impl LoadReport {
    /// The records that became arcs: all records less the dropped
    /// self-loops and the dropped and merged duplicates.
    pub fn kept_records(&self) -> u64 {
        self.records
            .saturating_sub(self.self_loops_dropped)
            .saturating_sub(self.duplicates_dropped)
            .saturating_sub(self.duplicates_merged)
    }
}

/// A graph read from a file, with the report of what was read.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The graph: every node a default [`Consumer`](crate::Consumer), keyed
    /// by its external id; arcs in input order (less the dropped and merged
    /// records).
    pub graph: SocialGraph,
    /// What was met and done.
    pub report: LoadReport,
}
