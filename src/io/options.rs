//! The choices of the readers: direction, self-loops, duplicates, id
//! format, comments, header, columns and weights of edge lists, and the
//! CSV columns.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result, check_probability};
use crate::network::limits::MAX_NODES;

/// The default cap on the records (lines or rows) a reader accepts:
/// 100 million. Reading holds 24 bytes per record until the graph is built,
/// so the cap keeps a small compressed file that expands to billions of
/// lines from taking the machine's memory (at the cap, about 3.2 GB of
/// buffers); raise it with `max_records` for larger graphs.
pub const DEFAULT_MAX_RECORDS: u64 = 100_000_000;
use crate::tie::Relation;
// Items named in the documentation only.
#[cfg(doc)]
use super::{LoadReport, read_csv, read_edge_list};
#[cfg(doc)]
use crate::{NodeId, SocialTie};

/// Which lines of an edge list are comments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Comments {
    /// A line whose first non-blank character is `#` is a comment (the SNAP
    /// convention), counted in [`LoadReport::comment_lines`]. This holds for
    /// every [`IdFormat`]: with [`IdFormat::Text`], a line whose first id
    /// begins with `#` is a comment, not a record.
    #[default]
    Hash,
    /// No comments: every non-blank line is a record, so `#a b` is a record
    /// whose source is the id `#a` (with [`IdFormat::Integer`] it is an
    /// [`Error::MalformedLine`]).
    None,
}

/// Which way a record's arc points.
///
/// `wom`'s arcs point the way influence flows: `u -> v` means that `v` hears
/// `u`. For [`Relation::Friendship`] input this only decides which of the
/// two arcs comes first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ArcDirection {
    /// The record `u v` is the arc `u -> v`: `v` hears `u` (the file lists
    /// who influences, mails or broadcasts to whom).
    #[default]
    AsListed,
    /// The record `u v` is the arc `v -> u`: `u` hears `v`. Use it for files
    /// that list "`u` follows `v`".
    Reversed,
}

/// What to do with a self-loop (a record whose source and target are the
/// same node).
///
/// A node met only in dropped self-loops is still a node of the graph (an
/// isolated one): the input named it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SelfLoops {
    /// Keep it as an arc `u -> u`, counted in [`LoadReport::self_loops`].
    #[default]
    Keep,
    /// Leave it out, counted in [`LoadReport::self_loops_dropped`].
    Drop,
    /// Fail with [`Error::SelfLoop`] at the first one.
    Error,
}

/// What to do with a duplicate: a record joining the same source and target
/// as an earlier record (for [`Relation::Friendship`] input, the same
/// unordered pair, so `1 2` and `2 1` are duplicates).
///
/// Duplicates are found after the whole input is read (by sorting the pairs),
/// so an error on a later line is reported before a duplicate. Self-loops
/// dropped under [`SelfLoops::Drop`] are not counted as duplicates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Duplicates {
    /// Keep every record as its own arc (a multigraph); duplicates are
    /// still counted in [`LoadReport::duplicates`].
    #[default]
    Keep,
    /// Keep the first record, leave out the later ones; counted in
    /// [`LoadReport::duplicates_dropped`].
    Drop,
    /// Keep one arc where the first record was, with the trust of the
    /// noisy-or of all the records' trusts: `1 - (1 - w1)(1 - w2)...`, the
    /// chance that at least one of the independent relations carries the
    /// message. Counted in [`LoadReport::duplicates_merged`].
    ///
    /// It is computed as `-expm1(ln_1p(-w1) + ln_1p(-w2) + ...)`, which keeps
    /// tiny trusts: two records of `1e-17` merge to `2e-17`, where the plain
    /// product would round to `0`. A record of trust `1` makes the merged
    /// trust exactly `1`; records all of trust `0` merge to `0`.
    Merge,
    /// Fail with [`Error::DuplicateEdge`] at the first duplicate (in input
    /// order), naming the line of the earlier record.
    Error,
}

/// How node ids are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdFormat {
    /// Each id must be an unsigned decimal integer that fits in a `u64`
    /// (surrounding spaces allowed in CSV), read as [`NodeId::Num`]. Leading
    /// zeros are read as a number: `"007"` is the node `7`, the same as
    /// `"7"`. Anything else is an [`Error::MalformedLine`] naming the token.
    Integer,
    /// Each id is kept verbatim as [`NodeId::Name`]: `"007"` and `"7"` are
    /// two different nodes. An empty id is an [`Error::MalformedLine`].
    ///
    /// In an edge list under the default [`Comments::Hash`], a line whose
    /// first id begins with `#` is a comment, not a record: use
    /// [`Comments::None`] when ids may begin with `#`.
    Text,
}

/// Which lines at the start of an edge list are a header, skipped before
/// the records.
///
/// Header lines are counted in [`LoadReport::header_lines`]. In JSON:
/// `"none"`, `{"lines": 1}` or `{"prefix": "%"}`.
///
/// # Example
/// ```
/// use wom::io::{read_edge_list_from, EdgeListOptions, Header};
///
/// // NetHEPT-style: a first line `n m` (nodes and edges), then the edges.
/// let text = "3 2\n0 1\n1 2\n";
/// let options = EdgeListOptions { header: Header::Lines(1), ..EdgeListOptions::default() };
/// let loaded = read_edge_list_from(text.as_bytes(), "<memory>", &options)?;
/// assert_eq!((loaded.report.header_lines, loaded.report.records), (1, 2));
/// # Ok::<(), wom::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Header {
    /// No header: every line is read as a record, comment or blank line.
    #[default]
    None,
    /// The first `n` lines, whatever they hold (blank lines included).
    Lines(u64),
    /// The leading lines that begin with this text (after a byte-order
    /// mark); the first line that does not ends the header. The text must
    /// not be empty.
    Prefix(String),
}

/// Which columns of an edge-list line hold what, numbered from 0 (in
/// `u v p extra`, `u` is column 0 and `p` column 2).
///
/// Columns are runs of non-blank characters, separated by spaces or tabs.
/// The source and target columns must be present on every record line.
/// The weight column may be missing from a line (beyond its last column):
/// the record then gets [`EdgeListOptions::default_trust`]. The time
/// column, when one is named, must be present. Columns between the chosen
/// ones are not read; columns after the last chosen one are *extra* and
/// follow [`EdgeListOptions::extra_columns`]. The four indices must differ
/// from each other.
///
/// In JSON every field may be left out; unknown fields are errors:
/// `{"source": 0, "target": 1, "weight": 2, "time": null}` is the default.
///
/// # Example
/// ```
/// use wom::io::{read_edge_list_from, Columns, EdgeListOptions};
///
/// // time source target trust
/// let text = "1700000000 ann bob 0.5\n1700000100 bob cy 0.25\n";
/// let options = EdgeListOptions {
///     columns: Columns { source: 1, target: 2, weight: Some(3), time: Some(0) },
///     ids: wom::io::IdFormat::Text,
///     ..EdgeListOptions::default()
/// };
/// let loaded = read_edge_list_from(text.as_bytes(), "<memory>", &options)?;
/// assert_eq!(loaded.report.timed_records, 2);
/// assert_eq!(loaded.report.last_time, Some(1_700_000_100.0));
/// # Ok::<(), wom::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Columns {
    /// The column of the record's source. Default 0.
    pub source: usize,
    /// The column of the record's target. Default 1.
    pub target: usize,
    /// The column of the record's weight, read as [`EdgeListOptions::weights`]
    /// says, or `None` when no column is a weight (every record gets
    /// [`EdgeListOptions::default_trust`]). Default `Some(2)`.
    pub weight: Option<usize>,
    /// The column of the record's time, a finite decimal number (such as a
    /// Unix time stamp or a delay), or `None`. Times are checked and their
    /// range reported ([`LoadReport::first_time`],
    /// [`LoadReport::last_time`]); ties carry no time. Default `None`.
    pub time: Option<usize>,
}

impl Default for Columns {
    fn default() -> Self {
        Columns {
            source: 0,
            target: 1,
            weight: Some(2),
            time: None,
        }
    }
}

impl Columns {
    /// The highest column read.
    pub(super) fn last(&self) -> usize {
        self.source
            .max(self.target)
            .max(self.weight.unwrap_or(0))
            .max(self.time.unwrap_or(0))
    }

    /// Whether these are the default columns (the classic
    /// `source target [trust]` format).
    fn is_classic(&self) -> bool {
        *self == Columns::default()
    }

    /// What a line of this layout holds, for error messages.
    pub(super) fn describe(&self) -> String {
        if self.is_classic() {
            return "2 or 3 columns (source target [trust])".to_string();
        }
        let mut names = vec![(self.source, "source"), (self.target, "target")];
        if let Some(w) = self.weight {
            names.push((w, "[weight]"));
        }
        if let Some(t) = self.time {
            names.push((t, "time"));
        }
        names.sort_unstable();
        let list: Vec<String> = names
            .iter()
            .map(|(i, what)| format!("{what} in column {i}"))
            .collect();
        format!("{} (columns numbered from 0)", list.join(", "))
    }
}

/// What to do with columns after the last one [`Columns`] reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExtraColumns {
    /// A line with an extra column is an [`Error::MalformedLine`] naming
    /// the line: a column the reader does not read is never dropped
    /// silently.
    #[default]
    Error,
    /// Extra columns are not read; each line that had some is counted in
    /// [`LoadReport::extra_column_records`].
    Ignore,
}

/// How the weight column becomes a tie's trust in [0, 1].
///
/// In JSON: `"probability"`, `{"count": {"p": 0.05}}`, `"in_weight"` or
/// `"ignore"`.
///
/// # Example
/// ```
/// use wom::io::{read_edge_list_from, EdgeListOptions, Weights};
///
/// // Higgs-style: `u v count`; each of the count interactions passes
/// // the message with chance 0.5, so trust = 1 - 0.5^count.
/// let text = "1 2 1\n1 3 3\n";
/// let options = EdgeListOptions { weights: Weights::Count { p: 0.5 }, ..EdgeListOptions::default() };
/// let loaded = read_edge_list_from(text.as_bytes(), "<memory>", &options)?;
/// let trusts: Vec<f64> = loaded.graph.graph().edge_weights().map(|t| t.trust).collect();
/// assert_eq!(trusts, [0.5, 0.875]);
/// # Ok::<(), wom::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Weights {
    /// The weight is the trust itself: a number in [0, 1] (see
    /// [Trust values](crate::io#trust-values)).
    #[default]
    Probability,
    /// The weight is a count `c` of interactions (a finite number >= 0,
    /// such as a number of retweets), each passing the message with chance
    /// `p`: the trust is the chance that at least one does,
    /// `1 - (1 - p)^c`, computed as `-expm1(c ln_1p(-p))`. A count of 0
    /// gives trust 0. `p` must lie in [0, 1].
    Count {
        /// The chance that one interaction passes the message.
        p: f64,
    },
    /// The weight is a strength `w` (a finite number >= 0), normalised by
    /// the receiver's in-weight: an arc `u -> v` gets trust
    /// `w / (sum of the weights of the arcs into v)`, so the trusts into
    /// each node sum to 1 (the weighted cascade when every weight is 1); a
    /// node whose arcs into it all weigh 0 gets trust 0 on each. A record
    /// without a weight counts [`EdgeListOptions::default_trust`] as its
    /// weight. Not allowed with [`Duplicates::Merge`] (a noisy-or of
    /// strengths means nothing); use [`Duplicates::Keep`], whose repeated
    /// records each add to the in-weight.
    InWeight,
    /// The weight column is not read: every record gets
    /// [`EdgeListOptions::default_trust`] (counted in
    /// [`LoadReport::default_trust_records`]); records that had a weight
    /// are counted in [`LoadReport::ignored_weights`].
    Ignore,
}

/// In an undirected read ([`Relation::Friendship`]), what to do with a
/// pair listed both ways (`u v` and, on some line, `v u`), as in files
/// that list every friendship from each side.
///
/// Such pairs are counted in [`LoadReport::listed_both_ways`] whatever the
/// choice. Follow reads ignore it (there `u v` and `v u` are two follows).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BothWays {
    /// Each record is a friendship of its own, two arcs: a pair listed
    /// both ways gets four arcs (two each way, doubling both degrees), and
    /// `v u` is a duplicate of `u v` for [`EdgeListOptions::duplicates`].
    #[default]
    Keep,
    /// One arc per direction: each of the two records gives only the arc
    /// of its own direction (`u v` gives `u -> v` with its trust, `v u`
    /// gives `v -> u` with its own), so the pair has two arcs; counted in
    /// [`LoadReport::both_ways_joined`]. Duplicates are then records of
    /// the same *ordered* pair (`u v` twice), handled by
    /// [`EdgeListOptions::duplicates`].
    OneArcPerDirection,
}

/// The order of a file's nodes in the graph, which decides their dense
/// indices (and so which nodes random seed rules draw, which node a tie in
/// a ranking is broken towards, and the network's fingerprint).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeOrder {
    /// Nodes in the order of their first appearance, records in the order
    /// of the file (the default): the fastest read, and the same graph as
    /// long as the file's bytes are the same. Reordering the lines of a
    /// file gives another (isomorphic) graph, with other results.
    #[default]
    FirstSeen,
    /// Canonical: nodes sorted by id (integers by value, text ids by their
    /// bytes) and records by (source, target, trust) before duplicates are
    /// resolved, so that any order of the same lines gives the same graph,
    /// fingerprint and results. With [`Duplicates::Drop`] the record kept
    /// of a repeated pair is then the one with the smallest trust, and a
    /// [`Duplicates::Error`] names the repeat that sorts second. Costs one
    /// sort of the records.
    Sorted,
}

/// How to read an edge list: see [`read_edge_list`].
///
/// In JSON every field may be left out and takes its default value; unknown
/// fields are errors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EdgeListOptions {
    /// What each record is: [`Relation::Follow`], one arc, a
    /// [`SocialTie::follow`]; or [`Relation::Friendship`], a mutual relation:
    /// two arcs, one each way, each a [`SocialTie::friendship`] with the
    /// record's trust (a self-loop is one arc). Default [`Relation::Follow`].
    /// In JSON also `"directed"` / `"undirected"`.
    pub direction: Relation,
    /// Which way a record's arc points. Default [`ArcDirection::AsListed`].
    pub arc_direction: ArcDirection,
    /// What to do with self-loops. Default [`SelfLoops::Keep`].
    pub self_loops: SelfLoops,
    /// What to do with repeated records. Default [`Duplicates::Keep`].
    pub duplicates: Duplicates,
    /// How ids are read. Default [`IdFormat::Integer`] (SNAP files number
    /// their nodes).
    pub ids: IdFormat,
    /// Which lines are comments. Default [`Comments::Hash`]: a line whose
    /// first non-blank character is `#` is a comment (the SNAP convention),
    /// also with [`IdFormat::Text`], where it hides a record whose first id
    /// begins with `#`; such lines are counted in
    /// [`LoadReport::comment_lines`]. [`Comments::None`] reads every
    /// non-blank line as a record.
    pub comments: Comments,
    /// The trust, in [0, 1], of a record without a third column. Default
    /// `1.0` (full trust; propagation models scale it with their own
    /// probabilities). Each record that gets it is counted in
    /// [`LoadReport::default_trust_records`]. `-0.0` is taken as `0.0`, as
    /// `-0` is in a file.
    pub default_trust: f64,
    /// The most distinct nodes accepted; one more is an
    /// [`Error::TooManyNodes`] naming the line. Default and ceiling
    /// [`MAX_NODES`] (`u32::MAX - 1`), the most a
    /// [`SocialGraph`](crate::SocialGraph) holds (larger values act as the
    /// ceiling).
    pub max_nodes: u64,
    /// The most records (lines holding an edge) accepted; one more is an
    /// [`Error::TooManyRecords`] naming the line. Default
    /// [`DEFAULT_MAX_RECORDS`].
    pub max_records: u64,
    /// The header lines to skip before the records. Default
    /// [`Header::None`].
    pub header: Header,
    /// Which column holds what. Default: source 0, target 1, weight 2, no
    /// time.
    pub columns: Columns,
    /// What to do with columns after the last one read. Default
    /// [`ExtraColumns::Error`].
    pub extra_columns: ExtraColumns,
    /// How a weight becomes a trust. Default [`Weights::Probability`].
    pub weights: Weights,
    /// In a friendship read, what to do with pairs listed both ways.
    /// Default [`BothWays::Keep`].
    pub both_ways: BothWays,
    /// The order of the nodes and records. Default
    /// [`NodeOrder::FirstSeen`]; [`NodeOrder::Sorted`] makes the graph
    /// independent of the order of the file's lines.
    pub node_order: NodeOrder,
}

impl Default for EdgeListOptions {
    fn default() -> Self {
        EdgeListOptions {
            direction: Relation::default(),
            arc_direction: ArcDirection::default(),
            self_loops: SelfLoops::default(),
            duplicates: Duplicates::default(),
            ids: IdFormat::Integer,
            comments: Comments::default(),
            default_trust: 1.0,
            max_nodes: MAX_NODES,
            max_records: DEFAULT_MAX_RECORDS,
            header: Header::default(),
            columns: Columns::default(),
            extra_columns: ExtraColumns::default(),
            weights: Weights::default(),
            both_ways: BothWays::default(),
            node_order: NodeOrder::default(),
        }
    }
}

/// How to read a CSV table: see [`read_csv`].
///
/// Columns are found by their name in the header row (compared exactly,
/// after trimming spaces around the header's names). In JSON every field may
/// be left out and takes its default value; the delimiter is written as a
/// one-character string such as `","` or `"\t"`; unknown fields are errors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CsvOptions {
    /// The header name of the column holding each record's source. Default
    /// `"source"`.
    pub source_column: String,
    /// The header name of the column holding each record's target. Default
    /// `"target"`.
    pub target_column: String,
    /// The header name of the column holding each record's trust in [0, 1],
    /// if there is one. An empty cell in it gets
    /// [`default_trust`](CsvOptions::default_trust). Default `None`: every
    /// record gets the default trust.
    pub weight_column: Option<String>,
    /// The field delimiter, one ASCII byte other than `"`, `\r` and `\n`.
    /// Default `b','`.
    #[serde(with = "delimiter_serde")]
    pub delimiter: u8,
    /// What each record is: [`Relation::Follow`], one arc, a
    /// [`SocialTie::follow`]; or [`Relation::Friendship`], a mutual relation:
    /// two arcs, one each way, each a [`SocialTie::friendship`] with the
    /// record's trust (a self-loop is one arc). Default [`Relation::Follow`].
    /// In JSON also `"directed"` / `"undirected"`.
    pub direction: Relation,
    /// Which way a record's arc points. Default [`ArcDirection::AsListed`].
    pub arc_direction: ArcDirection,
    /// What to do with self-loops. Default [`SelfLoops::Keep`].
    pub self_loops: SelfLoops,
    /// What to do with repeated records. Default [`Duplicates::Keep`].
    pub duplicates: Duplicates,
    /// How ids are read. Default [`IdFormat::Text`] (CSV tables often name
    /// their nodes; cells are kept verbatim, spaces included).
    pub ids: IdFormat,
    /// The trust, in [0, 1], of a record without a trust (no weight column,
    /// or an empty cell). Default `1.0`. `-0.0` is taken as `0.0`, as `-0`
    /// is in a file.
    pub default_trust: f64,
    /// The most distinct nodes accepted; one more is an
    /// [`Error::TooManyNodes`] naming the line. Default and ceiling
    /// [`MAX_NODES`] (`u32::MAX - 1`).
    pub max_nodes: u64,
    /// The most records (rows) accepted, as for an edge list
    /// ([`EdgeListOptions::max_records`]). Default [`DEFAULT_MAX_RECORDS`].
    pub max_records: u64,
    /// The order of the nodes and records, as for an edge list
    /// ([`EdgeListOptions::node_order`]). Default [`NodeOrder::FirstSeen`].
    pub node_order: NodeOrder,
}

impl Default for CsvOptions {
    fn default() -> Self {
        CsvOptions {
            source_column: "source".to_string(),
            target_column: "target".to_string(),
            weight_column: None,
            delimiter: b',',
            direction: Relation::default(),
            arc_direction: ArcDirection::default(),
            self_loops: SelfLoops::default(),
            duplicates: Duplicates::default(),
            ids: IdFormat::Text,
            default_trust: 1.0,
            max_nodes: MAX_NODES,
            max_records: DEFAULT_MAX_RECORDS,
            node_order: NodeOrder::default(),
        }
    }
}

/// Serde form of a delimiter: a one-character string.
mod delimiter_serde {
    use serde::de::Error as _;
    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(delimiter: &u8, s: S) -> Result<S::Ok, S::Error> {
        let mut buf = [0u8; 4];
        s.serialize_str(char::from(*delimiter).encode_utf8(&mut buf))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u8, D::Error> {
        let text = String::deserialize(d)?;
        match text.as_bytes() {
            [b] if b.is_ascii() => Ok(*b),
            _ => Err(D::Error::custom(format!(
                "the delimiter must be one ASCII character, such as \",\" or \"\\t\", not {text:?}"
            ))),
        }
    }
}

/// The choices common to both readers, checked.
#[derive(Debug, Clone, Copy)]
pub(super) struct Policy {
    pub(super) direction: Relation,
    pub(super) arc_direction: ArcDirection,
    pub(super) self_loops: SelfLoops,
    pub(super) duplicates: Duplicates,
    pub(super) ids: IdFormat,
    pub(super) default_trust: f64,
    pub(super) max_nodes: u64,
    pub(super) max_records: u64,
    pub(super) weights: Weights,
    pub(super) both_ways: BothWays,
    pub(super) node_order: NodeOrder,
}

impl Policy {
    pub(super) fn of_edge_list(o: &EdgeListOptions) -> Result<Policy> {
        let c = &o.columns;
        let mut used = vec![c.source, c.target];
        used.extend(c.weight);
        used.extend(c.time);
        used.sort_unstable();
        if used.windows(2).any(|w| w[0] == w[1]) {
            return Err(Error::param(
                "columns",
                c.describe(),
                "source, target, weight and time must be different columns",
            ));
        }
        if let Header::Prefix(p) = &o.header
            && p.is_empty()
        {
            return Err(Error::param(
                "header.prefix",
                "\"\"",
                "must not be empty (it would make every line a header line)",
            ));
        }
        if let Weights::Count { p } = o.weights {
            check_probability("weights.count.p", p, None)?;
        }
        if o.weights == Weights::InWeight && o.duplicates == Duplicates::Merge {
            return Err(Error::param(
                "duplicates",
                "merge",
                "cannot merge in_weight strengths (a noisy-or needs trusts in [0, 1]); \
                 use keep, drop or error",
            ));
        }
        Ok(Policy {
            direction: o.direction,
            arc_direction: o.arc_direction,
            self_loops: o.self_loops,
            duplicates: o.duplicates,
            ids: o.ids,
            default_trust: check_default_trust(o.default_trust)?,
            max_nodes: o.max_nodes.min(MAX_NODES),
            max_records: o.max_records,
            weights: o.weights,
            both_ways: o.both_ways,
            node_order: o.node_order,
        })
    }

    pub(super) fn of_csv(o: &CsvOptions) -> Result<Policy> {
        let d = o.delimiter;
        if !d.is_ascii() || matches!(d, b'"' | b'\r' | b'\n') {
            return Err(Error::param(
                "delimiter",
                format!("{:?}", char::from(d)),
                "must be one ASCII byte other than '\"', '\\r' and '\\n'",
            ));
        }
        if o.source_column == o.target_column {
            return Err(Error::param(
                "target_column",
                format!("{:?}", o.target_column),
                "must differ from source_column",
            ));
        }
        if let Some(w) = &o.weight_column
            && (*w == o.source_column || *w == o.target_column)
        {
            return Err(Error::param(
                "weight_column",
                format!("{w:?}"),
                "must differ from source_column and target_column",
            ));
        }
        Ok(Policy {
            direction: o.direction,
            arc_direction: o.arc_direction,
            self_loops: o.self_loops,
            duplicates: o.duplicates,
            ids: o.ids,
            default_trust: check_default_trust(o.default_trust)?,
            max_nodes: o.max_nodes.min(MAX_NODES),
            max_records: o.max_records,
            weights: Weights::Probability,
            both_ways: BothWays::Keep,
            node_order: o.node_order,
        })
    }
}

/// Checks a `default_trust`; `+ 0.0` turns `-0.0` into `0.0`, as `-0` in a
/// file is read as 0.
fn check_default_trust(value: f64) -> Result<f64> {
    Ok(check_probability("default_trust", value, None)? + 0.0)
}
