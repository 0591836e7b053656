//! Readers for social graphs stored in files: SNAP-style edge lists and CSV
//! tables with a header row.
//!
//! Both readers give a [`Loaded`]: a [`SocialGraph`] whose nodes are default
//! [`Consumer`](crate::Consumer)s and whose arcs are [`SocialTie`]s, and a
//! [`LoadReport`] that says what was met in the input and what was done with
//! it. Nothing a user supplied is dropped silently: every dropped self-loop,
//! every dropped or merged duplicate and every record that got the default
//! trust is counted in the report.
//!
//! # Edge lists ([`read_edge_list`], [`read_edge_list_from`])
//! One edge per line, `source target` or `source target trust`, columns
//! separated by any run of spaces or tabs. Blank lines are skipped; a
//! trailing `\r` (CRLF line ends) and a UTF-8 byte-order mark at the start
//! are ignored. The input may be plain or gzip-compressed (also several
//! concatenated gzip members): gzip is recognised by its magic bytes
//! `1f 8b`, never by the file's name.
//!
//! **Comments.** By default ([`Comments::Hash`], the SNAP convention) a line
//! whose first non-blank character is `#` is a comment, whatever the id
//! format: with [`IdFormat::Text`], a record whose first id begins with `#`
//! (such as `#tag bob`) is therefore *not* a record but a comment, counted
//! in [`LoadReport::comment_lines`]. Set [`EdgeListOptions::comments`] to
//! [`Comments::None`] to read every non-blank line as a record (then `#tag`
//! is an id). A `#` anywhere else (after the first column) is part of a
//! token, not a comment.
//!
//! # CSV ([`read_csv`], [`read_csv_from`])
//! A table with a header row; [`CsvOptions`] name the source, target and
//! (optional) trust columns. Plain or gzip-compressed, recognised the same
//! way; a UTF-8 byte-order mark at the start is ignored (so the first
//! header name is found). CSV has no comment lines.
//!
//! # Trust values
//! A trust column holds a decimal number in [0, 1] in any form Rust's `f64`
//! parser reads (`0.5`, `.5`, `5e-1`, `-0`); `-0` is read as `0`. Text that
//! is not a finite number is an [`Error::InvalidWeight`], a value outside
//! [0, 1] an [`Error::ProbabilityOutOfRange`]. A nonzero number too small
//! for an `f64` (such as `1e-400`), which would silently become `0`, is an
//! [`Error::MalformedLine`] whose reason says that it underflows to 0 (a
//! tie the file gives a trust would otherwise carry none at all). Tiny
//! numbers that still fit, as subnormals (down to about `4.9e-324`), are
//! accepted, rounded to the nearest `f64` like any other decimal.
//!
//! # Direction of arcs
//! `wom`'s arcs point the way influence flows: `u -> v` means that `v` hears
//! what `u` says. A file listing "`A` follows `B`" (as many follower lists
//! do) is read with [`ArcDirection::Reversed`], so that `B -> A`: `A` hears
//! `B`. A file listing "`A` influences / sends to `B`" is read
//! [`ArcDirection::AsListed`].
//!
//! # Node ids
//! Node ids are kept as external [`NodeId`]s, in the order of their first
//! appearance (each line read left to right), and map to the dense indices
//! `0..n` of the graph and back: [`SocialGraph::node`] and
//! [`SocialGraph::id_of`].
//!
//! # Example
//! ```
//! use wom::io::{read_edge_list_from, Direction, EdgeListOptions};
//! use wom::NodeId;
//!
//! let text = "# a small friendship network\n1 2\n2 3 0.5\n";
//! let options = EdgeListOptions { direction: Direction::Undirected, ..EdgeListOptions::default() };
//! let loaded = read_edge_list_from(text.as_bytes(), "<memory>", &options)?;
//! assert_eq!(loaded.report.records, 2);
//! assert_eq!(loaded.graph.arc_count(), 4); // two friendships, two arcs each
//! let three = loaded.graph.node(&NodeId::Num(3))?;
//! assert_eq!(loaded.graph.id_of(three), Some(&NodeId::Num(3)));
//! # Ok::<(), wom::Error>(())
//! ```

use std::collections::hash_map::RandomState;
use std::collections::{HashMap, VecDeque};
use std::fs::File;
use std::hash::{BuildHasher, Hasher};
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;

use flate2::read::MultiGzDecoder;
use petgraph::graph::NodeIndex;
use serde::{Deserialize, Serialize};

use crate::actor::BuiltinActor;
use crate::error::{Error, Location, Result, check_probability};
use crate::id::NodeId;
use crate::social::SocialGraph;
use crate::tie::SocialTie;

/// An empty cell of the direct id table.
const ABSENT: u32 = u32::MAX;
/// Size of the read buffers.
const BUFFER: usize = 1 << 16;
/// The first two bytes of every gzip member.
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];
/// A UTF-8 byte-order mark.
const BOM: &[u8] = b"\xEF\xBB\xBF";
/// The most nodes a [`SocialGraph`] holds.
const NODE_LIMIT: u64 = u32::MAX as u64 - 1;
/// The most arcs a [`SocialGraph`] holds (petgraph reserves `u32::MAX`).
const ARC_LIMIT: u64 = u32::MAX as u64 - 1;

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

/// Whether each record is a one-way or a mutual relation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Each record is one arc, a follow tie ([`SocialTie::follow`]).
    #[default]
    Directed,
    /// Each record is a mutual relation, a friendship: two arcs, one each
    /// way, each a [`SocialTie::friendship`] with the record's trust. A
    /// self-loop is one arc.
    Undirected,
}

/// Which way a record's arc points.
///
/// `wom`'s arcs point the way influence flows: `u -> v` means that `v` hears
/// `u`. For [`Direction::Undirected`] input this only decides which of the
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
/// as an earlier record (for [`Direction::Undirected`] input, the same
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

/// How to read an edge list: see [`read_edge_list`].
///
/// In JSON every field may be left out and takes its default value; unknown
/// fields are errors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EdgeListOptions {
    /// One arc or a mutual pair of arcs per record. Default
    /// [`Direction::Directed`].
    pub direction: Direction,
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
    /// `u32::MAX - 1`, the most a [`SocialGraph`] holds (larger values act as
    /// the ceiling).
    pub max_nodes: u64,
}

impl Default for EdgeListOptions {
    fn default() -> Self {
        EdgeListOptions {
            direction: Direction::default(),
            arc_direction: ArcDirection::default(),
            self_loops: SelfLoops::default(),
            duplicates: Duplicates::default(),
            ids: IdFormat::Integer,
            comments: Comments::default(),
            default_trust: 1.0,
            max_nodes: NODE_LIMIT,
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
    /// One arc or a mutual pair of arcs per record. Default
    /// [`Direction::Directed`].
    pub direction: Direction,
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
    /// `u32::MAX - 1`.
    pub max_nodes: u64,
}

impl Default for CsvOptions {
    fn default() -> Self {
        CsvOptions {
            source_column: "source".to_string(),
            target_column: "target".to_string(),
            weight_column: None,
            delimiter: b',',
            direction: Direction::default(),
            arc_direction: ArcDirection::default(),
            self_loops: SelfLoops::default(),
            duplicates: Duplicates::default(),
            ids: IdFormat::Text,
            default_trust: 1.0,
            max_nodes: NODE_LIMIT,
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

/// What a reader met in its input and what it did with it.
///
/// The counts add up: `lines = header_lines + comment_lines + blank_lines`
/// plus the lines of the records (one per record in an edge list), and
/// `records - self_loops_dropped - duplicates_dropped - duplicates_merged`
/// records became arcs ([`kept_records`](LoadReport::kept_records)): one arc
/// each when directed, two when undirected (one for a self-loop).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct LoadReport {
    /// Whether the input was gzip-compressed.
    pub gzip: bool,
    /// Lines read, of every kind (a last line without a line end counts).
    pub lines: u64,
    /// Lines of the header row (CSV; 0 for edge lists).
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

/// Reads an edge list file, plain or gzip-compressed.
///
/// See the [module documentation](self) for the format and
/// [`EdgeListOptions`] for the choices. Gzip is recognised by the file's
/// first two bytes, not by its name.
///
/// # Arguments
/// * `path` - the file; its display form names it in errors.
/// * `options` - direction, policies for self-loops and duplicates, id
///   format, default trust and node limit.
///
/// # Returns
/// The graph (nodes in order of first appearance, arcs in input order) and
/// the [`LoadReport`].
///
/// # Complexity
/// Time O(B + m log m) for B bytes (decompressed) and m records; extra space
/// O(n + m) on top of the graph (24 bytes per record while reading, 8 more
/// while looking for duplicates).
///
/// # Errors
/// * [`Error::FileNotFound`] when the file does not exist; [`Error::Io`] when
///   it cannot be read;
/// * [`Error::CorruptGzip`] for compressed data that is truncated or
///   corrupt, naming the last complete line;
/// * [`Error::EmptyInput`] when the input holds no edge (zero bytes, or only
///   comments and blank lines);
/// * [`Error::MalformedLine`] for a line of 1 or more than 3 columns, an id
///   that does not fit [`IdFormat`], or a nonzero trust that underflows to
///   0 (such as `1e-400`; see [Trust values](self#trust-values));
/// * [`Error::InvalidWeight`] for a trust that is not a finite number,
///   [`Error::ProbabilityOutOfRange`] for one outside [0, 1] (also for
///   `default_trust`);
/// * [`Error::SelfLoop`] under [`SelfLoops::Error`],
///   [`Error::DuplicateEdge`] under [`Duplicates::Error`];
/// * [`Error::TooManyNodes`] past `max_nodes`, [`Error::TooManyArcs`] past
///   `u32::MAX - 1` arcs.
///
/// Every error from the input names the file and the 1-based line.
///
/// # Example
/// ```
/// use wom::io::{read_edge_list, EdgeListOptions};
///
/// let path = std::env::temp_dir().join(format!("wom-doc-edges-{}.txt", std::process::id()));
/// std::fs::write(&path, "# from to\n0\t1\n1\t2\n")?;
/// let loaded = read_edge_list(&path, &EdgeListOptions::default());
/// std::fs::remove_file(&path)?;
/// let loaded = loaded?;
/// assert_eq!((loaded.report.nodes, loaded.report.arcs), (3, 2));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn read_edge_list(path: impl AsRef<Path>, options: &EdgeListOptions) -> Result<Loaded> {
    let path = path.as_ref();
    let file = open(path)?;
    read_edge_list_from(file, &path.display().to_string(), options)
}

/// Reads an edge list from any reader, plain or gzip-compressed.
///
/// As [`read_edge_list`], with `name` (for example `"<stdin>"`) naming the
/// input in errors. Gzip is recognised by the first two bytes read. The
/// reader need not be buffered.
///
/// # Arguments
/// * `reader` - the input.
/// * `name` - the label used in error locations.
/// * `options` - as for [`read_edge_list`].
///
/// # Returns
/// As [`read_edge_list`].
///
/// # Complexity
/// As [`read_edge_list`].
///
/// # Errors
/// As [`read_edge_list`], less [`Error::FileNotFound`].
///
/// # Example
/// ```
/// use wom::io::{read_edge_list_from, Duplicates, EdgeListOptions, SelfLoops};
/// use wom::{Error, NodeId};
///
/// let text = b"1 2 0.5\n1 2 0.5\n3 3\n";
/// let options = EdgeListOptions {
///     duplicates: Duplicates::Merge,
///     self_loops: SelfLoops::Drop,
///     ..EdgeListOptions::default()
/// };
/// let loaded = read_edge_list_from(&text[..], "<memory>", &options)?;
/// assert_eq!(loaded.graph.arc_count(), 1);
/// let trust = loaded.graph.graph().edge_weights().next().map_or(0.0, |t| t.trust);
/// assert!((trust - 0.75).abs() < 1e-15); // 1 - (1 - 0.5)(1 - 0.5)
/// assert_eq!((loaded.report.duplicates_merged, loaded.report.self_loops_dropped), (1, 1));
/// assert!(loaded.graph.node(&NodeId::Num(3)).is_ok()); // the node stays
///
/// let bad = read_edge_list_from(&b"1 2\n3\n"[..], "<memory>", &options);
/// assert!(matches!(bad, Err(Error::MalformedLine { location, .. }) if location.line == 2));
/// # Ok::<(), wom::Error>(())
/// ```
pub fn read_edge_list_from<R: Read>(
    reader: R,
    name: &str,
    options: &EdgeListOptions,
) -> Result<Loaded> {
    let policy = Policy::of_edge_list(options)?;
    let (gzip, input) = sniff(reader).map_err(|e| io_error(name, Some(1), e))?;
    let builder = Builder::new(name, policy, gzip);
    if gzip {
        let decoder = MultiGzDecoder::new(input);
        parse_edge_list(
            BufReader::with_capacity(BUFFER, decoder),
            options.comments,
            builder,
        )
    } else {
        parse_edge_list(
            BufReader::with_capacity(BUFFER, input),
            options.comments,
            builder,
        )
    }
}

/// Reads a CSV file with a header row, plain or gzip-compressed.
///
/// The columns named by [`CsvOptions`] give each record's source, target
/// and (optionally) trust; other columns are ignored. Every record must have
/// as many fields as the header. Quoted fields follow RFC 4180 (a quoted
/// field may hold delimiters, doubled quotes and line ends). There are no
/// comment lines; blank lines are skipped; a UTF-8 byte-order mark at the
/// start of the (decompressed) input is ignored. Gzip is recognised by the
/// file's first two bytes, not by its name.
///
/// # Arguments
/// * `path` - the file; its display form names it in errors.
/// * `options` - the columns, the delimiter and the same policies as for
///   edge lists.
///
/// # Returns
/// The graph (nodes in order of first appearance, arcs in input order) and
/// the [`LoadReport`].
///
/// # Complexity
/// Time O(B + m log m) for B bytes and m records; extra space O(n + m) on
/// top of the graph.
///
/// # Errors
/// * [`Error::FileNotFound`], [`Error::Io`], [`Error::CorruptGzip`] as for
///   [`read_edge_list`];
/// * [`Error::InvalidParameter`] for a delimiter that is not ASCII or is
///   `"`, `\r` or `\n`, or a column named for two roles;
/// * [`Error::EmptyInput`] when there is no header or no record;
/// * [`Error::MalformedLine`] when the header lacks a named column (or has
///   it twice), naming the header's line; for a record with a different
///   number of fields than the header; for an id that does not fit
///   [`IdFormat`]; for a nonzero trust that underflows to 0;
/// * [`Error::InvalidWeight`], [`Error::ProbabilityOutOfRange`],
///   [`Error::SelfLoop`], [`Error::DuplicateEdge`], [`Error::TooManyNodes`],
///   [`Error::TooManyArcs`] as for [`read_edge_list`].
///
/// Every error from the input names the file and the 1-based line where the
/// record starts (exact also for CRLF line ends and after blank lines).
///
/// # Example
/// ```
/// use wom::io::{read_csv, CsvOptions};
///
/// let path = std::env::temp_dir().join(format!("wom-doc-edges-{}.csv", std::process::id()));
/// std::fs::write(&path, "follower,followed\nann,bob\ncy,bob\n")?;
/// let options = CsvOptions {
///     source_column: "followed".into(),
///     target_column: "follower".into(),
///     ..CsvOptions::default()
/// };
/// let loaded = read_csv(&path, &options);
/// std::fs::remove_file(&path)?;
/// let loaded = loaded?;
/// // bob's followers hear bob: the arcs are bob -> ann and bob -> cy.
/// let bob = loaded.graph.node(&"bob".into())?;
/// assert_eq!(loaded.graph.graph().neighbors(bob).count(), 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn read_csv(path: impl AsRef<Path>, options: &CsvOptions) -> Result<Loaded> {
    let path = path.as_ref();
    let file = open(path)?;
    read_csv_from(file, &path.display().to_string(), options)
}

/// Reads a CSV table with a header row from any reader, plain or
/// gzip-compressed.
///
/// As [`read_csv`], with `name` naming the input in errors. The reader need
/// not be buffered.
///
/// # Arguments
/// * `reader` - the input.
/// * `name` - the label used in error locations.
/// * `options` - as for [`read_csv`].
///
/// # Returns
/// As [`read_csv`].
///
/// # Complexity
/// As [`read_csv`].
///
/// # Errors
/// As [`read_csv`], less [`Error::FileNotFound`].
///
/// # Example
/// ```
/// use wom::io::{read_csv_from, CsvOptions, Direction};
/// use wom::Error;
///
/// let table = "from;to;trust\nann;bob;0.8\nbob;cy;\n";
/// let options = CsvOptions {
///     source_column: "from".into(),
///     target_column: "to".into(),
///     weight_column: Some("trust".into()),
///     delimiter: b';',
///     direction: Direction::Undirected,
///     ..CsvOptions::default()
/// };
/// let loaded = read_csv_from(table.as_bytes(), "<memory>", &options)?;
/// assert_eq!((loaded.report.nodes, loaded.report.arcs), (3, 4));
/// assert_eq!(loaded.report.default_trust_records, 1); // bob;cy has no trust
///
/// let options = CsvOptions { weight_column: Some("strength".into()), ..options };
/// let missing = read_csv_from(table.as_bytes(), "<memory>", &options);
/// assert!(matches!(missing, Err(Error::MalformedLine { .. })));
/// # Ok::<(), wom::Error>(())
/// ```
pub fn read_csv_from<R: Read>(reader: R, name: &str, options: &CsvOptions) -> Result<Loaded> {
    let policy = Policy::of_csv(options)?;
    let (gzip, input) = sniff(reader).map_err(|e| io_error(name, Some(1), e))?;
    let builder = Builder::new(name, policy, gzip);
    if gzip {
        parse_csv(MultiGzDecoder::new(input), options, builder)
    } else {
        parse_csv(input, options, builder)
    }
}

// ---------------------------------------------------------------------------
// Opening and sniffing.

fn open(path: &Path) -> Result<File> {
    File::open(path).map_err(|e| {
        if e.kind() == io::ErrorKind::NotFound {
            Error::FileNotFound {
                path: path.to_path_buf(),
            }
        } else {
            io_error(&path.display().to_string(), None, e)
        }
    })
}

fn io_error(name: &str, line: Option<u64>, source: io::Error) -> Error {
    Error::Io {
        file: name.to_string(),
        line,
        source,
    }
}

/// The error for a failed read after `complete` complete lines.
///
/// In compressed input, the decompressor reports truncated or corrupt data
/// as `UnexpectedEof`, `InvalidData` or `InvalidInput`.
fn read_error(name: &str, gzip: bool, complete: u64, e: io::Error) -> Error {
    let corrupt = matches!(
        e.kind(),
        io::ErrorKind::UnexpectedEof | io::ErrorKind::InvalidData | io::ErrorKind::InvalidInput
    );
    if gzip && corrupt {
        Error::CorruptGzip {
            file: name.to_string(),
            line: complete,
            detail: e.to_string(),
        }
    } else {
        io_error(name, Some(complete.saturating_add(1)), e)
    }
}

/// The input with (some of) its first `N` bytes put back in front.
type Sniffed<R, const N: usize = 2> = io::Chain<io::Take<io::Cursor<[u8; N]>>, R>;

/// Reads up to `N` bytes (fewer only at the end of the input); gives them
/// and how many were read.
fn read_head<R: Read, const N: usize>(reader: &mut R) -> io::Result<([u8; N], usize)> {
    let mut head = [0u8; N];
    let mut got = 0;
    while got < head.len() {
        let Some(rest) = head.get_mut(got..) else {
            break;
        };
        match reader.read(rest) {
            Ok(0) => break,
            Ok(k) => got += k.min(rest.len()),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok((head, got))
}

/// Reads up to two bytes to tell whether the input is gzip, and gives back
/// a reader of the whole input.
fn sniff<R: Read>(mut reader: R) -> io::Result<(bool, Sniffed<R>)> {
    let (head, got) = read_head::<R, 2>(&mut reader)?;
    let gzip = got == 2 && head == GZIP_MAGIC;
    let prefix = io::Cursor::new(head).take(got as u64);
    Ok((gzip, prefix.chain(reader)))
}

/// Gives back a reader of the input less a UTF-8 byte-order mark at its
/// start (the input unchanged when there is none).
fn skip_bom<R: Read>(mut reader: R) -> io::Result<Sniffed<R, 3>> {
    let (head, got) = read_head::<R, 3>(&mut reader)?;
    let keep = if head.get(..got) == Some(BOM) { 0 } else { got };
    let prefix = io::Cursor::new(head).take(keep as u64);
    Ok(prefix.chain(reader))
}

// ---------------------------------------------------------------------------
// Policies, ids and the shared builder.

/// The choices common to both readers, checked.
#[derive(Debug, Clone, Copy)]
struct Policy {
    direction: Direction,
    arc_direction: ArcDirection,
    self_loops: SelfLoops,
    duplicates: Duplicates,
    ids: IdFormat,
    default_trust: f64,
    max_nodes: u64,
}

impl Policy {
    fn of_edge_list(o: &EdgeListOptions) -> Result<Policy> {
        Ok(Policy {
            direction: o.direction,
            arc_direction: o.arc_direction,
            self_loops: o.self_loops,
            duplicates: o.duplicates,
            ids: o.ids,
            default_trust: check_default_trust(o.default_trust)?,
            max_nodes: o.max_nodes.min(NODE_LIMIT),
        })
    }

    fn of_csv(o: &CsvOptions) -> Result<Policy> {
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
            max_nodes: o.max_nodes.min(NODE_LIMIT),
        })
    }
}

/// Checks a `default_trust`; `+ 0.0` turns `-0.0` into `0.0`, as `-0` in a
/// file is read as 0.
fn check_default_trust(value: f64) -> Result<f64> {
    Ok(check_probability("default_trust", value, None)? + 0.0)
}

/// Hashes integer ids with a seeded 64-bit finalizer (murmur3's `fmix64`):
/// much faster than SipHash, and the random seed keeps crafted inputs from
/// colliding on purpose.
#[derive(Debug, Clone, Copy)]
struct IdHashBuilder {
    seed: u64,
}

impl IdHashBuilder {
    fn new() -> Self {
        IdHashBuilder {
            seed: RandomState::new().hash_one(0x5EED_u64),
        }
    }
}

impl BuildHasher for IdHashBuilder {
    type Hasher = IdHasher;
    fn build_hasher(&self) -> IdHasher {
        IdHasher(self.seed)
    }
}

#[derive(Debug)]
struct IdHasher(u64);

fn fmix64(mut x: u64) -> u64 {
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    x ^ (x >> 33)
}

impl Hasher for IdHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = fmix64(self.0 ^ u64::from(b));
        }
    }
    fn write_u64(&mut self, x: u64) {
        self.0 = fmix64(self.0 ^ x);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// The ids met so far, each with its dense index (order of first
/// appearance).
///
/// Integer ids are looked up in a direct table (`dense[id]`) while they are
/// small enough for it to stay at most 8 slots per node (SNAP files mostly
/// number their nodes densely, and the table is far kinder to the caches
/// than a hash map); other ids go to a hash map. An id is in one of the two,
/// never both.
#[derive(Debug)]
enum Interner {
    Integer {
        dense: Vec<u32>,
        map: HashMap<u64, u32, IdHashBuilder>,
        ids: Vec<u64>,
    },
    Text {
        map: HashMap<Box<str>, u32>,
    },
}

/// An unsigned decimal integer, without allocating; `None` if `t` is not
/// one or does not fit.
fn parse_u64(t: &[u8]) -> Option<u64> {
    if t.is_empty() {
        return None;
    }
    let mut v: u64 = 0;
    for &b in t {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        v = v.checked_mul(10)?.checked_add(u64::from(d))?;
    }
    Some(v)
}

fn lossy(t: &[u8]) -> String {
    String::from_utf8_lossy(t).into_owned()
}

impl Interner {
    fn new(format: IdFormat) -> Self {
        match format {
            IdFormat::Integer => Interner::Integer {
                dense: Vec::new(),
                map: HashMap::with_hasher(IdHashBuilder::new()),
                ids: Vec::new(),
            },
            IdFormat::Text => Interner::Text {
                map: HashMap::new(),
            },
        }
    }

    /// The external id a token stands for, as text (for error messages).
    fn describe(&self, token: &[u8]) -> String {
        match self {
            Interner::Integer { .. } => match parse_u64(token.trim_ascii()) {
                Some(v) => NodeId::Num(v).to_string(),
                None => lossy(token),
            },
            Interner::Text { .. } => NodeId::Name(lossy(token)).to_string(),
        }
    }

    /// The external id at `index`, as text (for error messages; O(n) for
    /// text ids).
    fn describe_index(&self, index: u32) -> String {
        match self {
            Interner::Integer { ids, .. } => ids
                .get(index as usize)
                .map(|&v| NodeId::Num(v).to_string())
                .unwrap_or_default(),
            Interner::Text { map } => map
                .iter()
                .find(|&(_, &i)| i == index)
                .map(|(k, _)| NodeId::Name(k.to_string()).to_string())
                .unwrap_or_default(),
        }
    }

    /// The index of the id in `token`, adding it if new.
    fn intern(&mut self, token: &[u8], limit: u64, name: &str, line: u64) -> Result<u32> {
        let too_many = || Error::TooManyNodes {
            limit,
            location: Some(Location::new(name, line)),
        };
        match self {
            Interner::Integer { dense, map, ids } => {
                let Some(id) = parse_u64(token.trim_ascii()) else {
                    return Err(Error::MalformedLine {
                        location: Location::new(name, line),
                        reason: format!(
                            "node id {:?} is not an unsigned integer \
                             (use IdFormat::Text to keep ids as names)",
                            lossy(token)
                        ),
                    });
                };
                let slot = usize::try_from(id).ok();
                if let Some(&index) = slot.and_then(|i| dense.get(i))
                    && index != ABSENT
                {
                    return Ok(index);
                }
                if let Some(&index) = map.get(&id) {
                    return Ok(index);
                }
                let next = ids.len();
                if next as u64 >= limit {
                    return Err(too_many());
                }
                let index = u32::try_from(next).map_err(|_| too_many())?;
                ids.push(id);
                // The table may grow to 8 slots per node (and 4,096 more).
                let room = next
                    .saturating_add(1)
                    .saturating_mul(8)
                    .saturating_add(4096);
                match slot {
                    Some(i) if i < room => {
                        if i >= dense.len() {
                            let len = dense.len().saturating_mul(2).max(i + 1).min(room);
                            dense.resize(len, ABSENT);
                        }
                        if let Some(cell) = dense.get_mut(i) {
                            *cell = index;
                        }
                    }
                    _ => {
                        map.insert(id, index);
                    }
                }
                Ok(index)
            }
            Interner::Text { map } => {
                let Ok(text) = std::str::from_utf8(token) else {
                    return Err(Error::MalformedLine {
                        location: Location::new(name, line),
                        reason: format!("node id {:?} is not valid UTF-8", lossy(token)),
                    });
                };
                if text.is_empty() {
                    return Err(Error::MalformedLine {
                        location: Location::new(name, line),
                        reason: "empty node id".to_string(),
                    });
                }
                if let Some(&index) = map.get(text) {
                    return Ok(index);
                }
                let next = map.len();
                if next as u64 >= limit {
                    return Err(too_many());
                }
                let index = u32::try_from(next).map_err(|_| too_many())?;
                map.insert(Box::from(text), index);
                Ok(index)
            }
        }
    }

    /// The ids in index order.
    fn into_ids(self) -> Vec<NodeId> {
        match self {
            Interner::Integer { ids, .. } => ids.into_iter().map(NodeId::Num).collect(),
            Interner::Text { map } => {
                let mut names: Vec<Option<Box<str>>> = vec![None; map.len()];
                for (name, index) in map {
                    if let Some(slot) = names.get_mut(index as usize) {
                        *slot = Some(name);
                    }
                }
                names
                    .into_iter()
                    .map(|n| NodeId::Name(n.map(String::from).unwrap_or_default()))
                    .collect()
            }
        }
    }
}

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
struct Builder<'a> {
    name: &'a str,
    policy: Policy,
    ids: Interner,
    edges: Vec<RawEdge>,
    report: LoadReport,
}

impl<'a> Builder<'a> {
    fn new(name: &'a str, policy: Policy, gzip: bool) -> Self {
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
    fn record(&mut self, src: &[u8], dst: &[u8], trust: Option<&[u8]>, line: u64) -> Result<()> {
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
    fn key(direction: Direction, e: &RawEdge) -> u64 {
        let (a, b) = match direction {
            Direction::Undirected if e.u > e.v => (e.v, e.u),
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

    fn finish(mut self) -> Result<Loaded> {
        if self.report.records == 0 {
            return Err(Error::EmptyInput {
                file: self.name.to_string(),
                what: "edges",
            });
        }
        let skip = self.resolve_duplicates()?;
        let undirected = self.policy.direction == Direction::Undirected;
        let arcs_of = |e: &RawEdge| if undirected && e.u != e.v { 2u64 } else { 1 };
        let all: u64 = self.edges.iter().map(arcs_of).sum();
        let left_out: u64 = skip
            .iter()
            .filter_map(|&i| self.edges.get(i))
            .map(arcs_of)
            .sum();
        let arcs = all.saturating_sub(left_out);
        let too_many_arcs = || Error::TooManyArcs { limit: ARC_LIMIT };
        if arcs > ARC_LIMIT {
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

// ---------------------------------------------------------------------------
// Edge lists.

fn parse_edge_list<B: BufRead>(
    mut input: B,
    comments: Comments,
    mut builder: Builder<'_>,
) -> Result<Loaded> {
    let name = builder.name;
    let gzip = builder.report.gzip;
    let mut buf: Vec<u8> = Vec::with_capacity(256);
    let mut line_no: u64 = 0;
    loop {
        buf.clear();
        match input.read_until(b'\n', &mut buf) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) => return Err(read_error(name, gzip, line_no, e)),
        }
        line_no += 1;
        let mut line = buf.as_slice();
        if line_no == 1 {
            line = line.strip_prefix(BOM).unwrap_or(line);
        }
        let mut tokens = line
            .split(|b| b.is_ascii_whitespace())
            .filter(|t| !t.is_empty());
        let Some(first) = tokens.next() else {
            builder.report.blank_lines += 1;
            continue;
        };
        if comments == Comments::Hash && first.starts_with(b"#") {
            builder.report.comment_lines += 1;
            continue;
        }
        let malformed = |found: usize| Error::MalformedLine {
            location: Location::new(name, line_no),
            reason: format!("expected 2 or 3 columns (source target [trust]), found {found}"),
        };
        let Some(second) = tokens.next() else {
            return Err(malformed(1));
        };
        let third = tokens.next();
        let extra = tokens.count();
        if extra > 0 {
            return Err(malformed(3 + extra));
        }
        builder.record(first, second, third, line_no)?;
    }
    builder.report.lines = line_no;
    builder.finish()
}

// ---------------------------------------------------------------------------
// CSV.

/// A reader that remembers where the line ends are, so that the true line
/// of a CSV record can be told from the `csv` crate's position.
///
/// `csv` reports a record's position where it began scanning, which is
/// before any blank lines and before the `\n` of a CRLF that ended the
/// previous record; its line number is then one too small (or more). This
/// reader keeps the offsets of the `\r` and `\n` bytes not yet passed
/// (bounded by `csv`'s read-ahead), so [`line_of`](LineTracker::line_of) can
/// skip them.
#[derive(Debug)]
struct LineTracker<R> {
    inner: R,
    offset: u64,
    newlines: u64,
    last: Option<u8>,
    terminators: VecDeque<(u64, bool)>,
}

impl<R> LineTracker<R> {
    fn new(inner: R) -> Self {
        LineTracker {
            inner,
            offset: 0,
            newlines: 0,
            last: None,
            terminators: VecDeque::new(),
        }
    }

    /// The 1-based line where the record at `pos` starts. Positions must be
    /// asked for in increasing order.
    fn line_of(&mut self, pos: &csv::Position) -> u64 {
        let (mut at, mut line) = (pos.byte(), pos.line());
        while let Some(&(offset, is_lf)) = self.terminators.front() {
            if offset > at {
                break;
            }
            if offset == at {
                line += u64::from(is_lf);
                at += 1;
            }
            self.terminators.pop_front();
        }
        line
    }

    /// Complete lines delivered so far.
    fn complete_lines(&self) -> u64 {
        self.newlines
    }

    /// All lines delivered so far (a last line without a line end counts).
    fn lines(&self) -> u64 {
        match self.last {
            Some(b) if b != b'\n' => self.newlines + 1,
            _ => self.newlines,
        }
    }
}

impl<R: Read> Read for LineTracker<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let Some(got) = buf.get(..n) else {
            return Err(io::Error::other(
                "reader returned more bytes than asked for",
            ));
        };
        for (i, &b) in got.iter().enumerate() {
            if b == b'\n' || b == b'\r' {
                self.terminators
                    .push_back((self.offset + i as u64, b == b'\n'));
                self.newlines += u64::from(b == b'\n');
            }
        }
        if let Some(&b) = got.last() {
            self.last = Some(b);
        }
        self.offset += n as u64;
        Ok(n)
    }
}

/// Number of `\n` inside a record's fields (quoted line ends).
fn inner_newlines(record: &csv::ByteRecord) -> u64 {
    record.as_slice().iter().filter(|&&b| b == b'\n').count() as u64
}

/// The error for a failed CSV read.
fn csv_error<R>(e: csv::Error, tracker: &mut LineTracker<R>, name: &str, gzip: bool) -> Error {
    let line = e
        .position()
        .map(|p| tracker.line_of(p))
        .unwrap_or_else(|| tracker.complete_lines() + 1);
    let message = e.to_string();
    match e.into_kind() {
        csv::ErrorKind::Io(io) => read_error(name, gzip, tracker.complete_lines(), io),
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => Error::MalformedLine {
            location: Location::new(name, line),
            reason: format!("found {len} fields, but the header has {expected_len}"),
        },
        _ => Error::MalformedLine {
            location: Location::new(name, line),
            reason: message,
        },
    }
}

/// The index of the header column named `wanted`.
fn find_column(
    headers: &csv::ByteRecord,
    wanted: &str,
    role: &str,
    location: &Location,
) -> Result<usize> {
    let mut found = headers
        .iter()
        .enumerate()
        .filter(|(_, h)| h.trim_ascii() == wanted.as_bytes())
        .map(|(i, _)| i);
    let names = || {
        headers
            .iter()
            .map(|h| format!("{:?}", lossy(h.trim_ascii())))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match (found.next(), found.next()) {
        (Some(i), None) => Ok(i),
        (None, _) => Err(Error::MalformedLine {
            location: location.clone(),
            reason: format!(
                "the header has no column {wanted:?} ({role}); its columns are {}",
                names()
            ),
        }),
        (Some(_), Some(_)) => Err(Error::MalformedLine {
            location: location.clone(),
            reason: format!("the header names column {wanted:?} ({role}) more than once"),
        }),
    }
}

fn parse_csv<R: Read>(input: R, options: &CsvOptions, mut builder: Builder<'_>) -> Result<Loaded> {
    let name = builder.name;
    let gzip = builder.report.gzip;
    let input = skip_bom(input).map_err(|e| read_error(name, gzip, 0, e))?;
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(options.delimiter)
        .has_headers(true)
        .flexible(false)
        .buffer_capacity(BUFFER)
        .from_reader(LineTracker::new(input));

    let headers = match reader.byte_headers() {
        Ok(h) => h.clone(),
        Err(e) => return Err(csv_error(e, reader.get_mut(), name, gzip)),
    };
    if headers.is_empty() {
        return Err(Error::EmptyInput {
            file: name.to_string(),
            what: "edges",
        });
    }
    let header_line = headers
        .position()
        .map_or(1, |p| reader.get_mut().line_of(p));
    let at_header = Location::new(name, header_line);
    let source = find_column(
        &headers,
        &options.source_column,
        "source_column",
        &at_header,
    )?;
    let target = find_column(
        &headers,
        &options.target_column,
        "target_column",
        &at_header,
    )?;
    let weight = match &options.weight_column {
        Some(w) => Some(find_column(&headers, w, "weight_column", &at_header)?),
        None => None,
    };
    builder.report.header_lines = 1 + inner_newlines(&headers);

    let mut record = csv::ByteRecord::new();
    let mut record_lines = 0u64;
    let mut last_line = header_line;
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(csv_error(e, reader.get_mut(), name, gzip)),
        }
        let line = match record.position() {
            Some(p) => reader.get_mut().line_of(p),
            None => last_line + 1,
        };
        last_line = line;
        record_lines += 1 + inner_newlines(&record);
        let field = |i: usize| {
            record.get(i).ok_or_else(|| Error::MalformedLine {
                location: Location::new(name, line),
                reason: format!(
                    "found {} fields, but the header has {}",
                    record.len(),
                    headers.len()
                ),
            })
        };
        let src = field(source)?;
        let dst = field(target)?;
        let trust = match weight {
            Some(i) => Some(field(i)?).filter(|t| !t.trim_ascii().is_empty()),
            None => None,
        };
        builder.record(src, dst, trust, line)?;
    }
    let lines = reader.get_ref().lines();
    builder.report.lines = lines;
    builder.report.blank_lines = lines
        .saturating_sub(builder.report.header_lines)
        .saturating_sub(record_lines);
    builder.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_parse_without_overflow() {
        assert_eq!(parse_u64(b"0"), Some(0));
        assert_eq!(parse_u64(b"007"), Some(7));
        assert_eq!(parse_u64(b"18446744073709551615"), Some(u64::MAX));
        assert_eq!(parse_u64(b"18446744073709551616"), None);
        assert_eq!(parse_u64(b""), None);
        assert_eq!(parse_u64(b"-1"), None);
        assert_eq!(parse_u64(b"1a"), None);
    }

    #[test]
    fn sniffing_puts_the_bytes_back() {
        for data in [&b""[..], b"1", b"12", b"1 2\n", b"\x1f\x8b\x08"] {
            let (gzip, mut r) = sniff(data).unwrap();
            let mut back = Vec::new();
            r.read_to_end(&mut back).unwrap();
            assert_eq!(back, data);
            assert_eq!(gzip, data.starts_with(&GZIP_MAGIC));
        }
    }

    /// A reader that gives one byte per call.
    struct Trickle<'a>(&'a [u8]);
    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            match (self.0.split_first(), buf.first_mut()) {
                (Some((&b, rest)), Some(slot)) => {
                    *slot = b;
                    self.0 = rest;
                    Ok(1)
                }
                _ => Ok(0),
            }
        }
    }

    #[test]
    fn sniffing_works_on_trickling_readers() {
        let (gzip, mut r) = sniff(Trickle(b"\x1f\x8b rest")).unwrap();
        assert!(gzip);
        let mut back = Vec::new();
        r.read_to_end(&mut back).unwrap();
        assert_eq!(back, b"\x1f\x8b rest");
    }

    #[test]
    fn a_byte_order_mark_is_skipped_only_whole_and_at_the_start() {
        let cases: [(&[u8], &[u8]); 6] = [
            (b"\xEF\xBB\xBFa,b", b"a,b"),
            (b"\xEF\xBB\xBF", b""),
            (b"\xEF\xBB", b"\xEF\xBB"),
            (b"\xEF\xBBx,y", b"\xEF\xBBx,y"),
            (b"a\xEF\xBB\xBF", b"a\xEF\xBB\xBF"),
            (b"", b""),
        ];
        for (data, want) in cases {
            for trickle in [false, true] {
                let mut back = Vec::new();
                if trickle {
                    skip_bom(Trickle(data)).unwrap().read_to_end(&mut back)
                } else {
                    skip_bom(data).unwrap().read_to_end(&mut back)
                }
                .unwrap();
                assert_eq!(back, want, "{data:?}");
            }
        }
    }

    #[test]
    fn csv_lines_are_exact_with_crlf_and_blank_lines() {
        let data = b"\r\na,b\r\n1,2\r\n\r\n\r\n3,4\r\n\"x\ny\",5\r\n6,7";
        let mut reader = csv::ReaderBuilder::new().from_reader(LineTracker::new(&data[..]));
        let h = reader.byte_headers().unwrap().clone();
        assert_eq!(reader.get_mut().line_of(h.position().unwrap()), 2);
        let mut lines = Vec::new();
        let mut rec = csv::ByteRecord::new();
        while reader.read_byte_record(&mut rec).unwrap() {
            lines.push(reader.get_mut().line_of(rec.position().unwrap()));
        }
        assert_eq!(lines, [3, 6, 7, 9]);
        assert_eq!(reader.get_ref().lines(), 9);
    }

    #[test]
    fn integer_ids_mix_the_table_and_the_map() {
        let mut ids = Interner::new(IdFormat::Integer);
        // 1,000,000 is too far for the table at first; later the table grows
        // past it, and the id must still be found (in the map), not added
        // again.
        let order = [5u64, 1_000_000, 7, u64::MAX, 5, 1_000_000];
        let mut got = Vec::new();
        for id in order {
            got.push(
                ids.intern(id.to_string().as_bytes(), u64::MAX, "t", 1)
                    .unwrap(),
            );
        }
        for id in 0..800_000u64 {
            ids.intern(id.to_string().as_bytes(), u64::MAX, "t", 2)
                .unwrap();
        }
        assert!(matches!(&ids, Interner::Integer { dense, .. } if dense.len() > 1_000_000));
        for id in [5u64, 1_000_000, 7, u64::MAX] {
            got.push(
                ids.intern(id.to_string().as_bytes(), u64::MAX, "t", 3)
                    .unwrap(),
            );
        }
        assert_eq!(got, [0, 1, 2, 3, 0, 1, 0, 1, 2, 3]);
        let all = ids.into_ids();
        assert_eq!(all.len(), 800_000 + 2);
        assert_eq!(all[..4], [5u64, 1_000_000, 7, u64::MAX].map(NodeId::Num));
        let mut seen = std::collections::HashSet::new();
        assert!(all.iter().all(|id| seen.insert(id.clone())));
    }

    #[test]
    fn hasher_spreads_ids() {
        let b = IdHashBuilder { seed: 1 };
        assert_ne!(b.hash_one(0u64), b.hash_one(1u64));
        assert_ne!(
            b.hash_one(1u64 << 40) & 0xfff,
            b.hash_one(2u64 << 40) & 0xfff
        );
    }
}
