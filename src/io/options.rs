//! The choices of the readers: direction, self-loops, duplicates, id
//! format, comments, and the CSV columns.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result, check_probability};
use crate::network::limits::MAX_NODES;
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
}

impl Policy {
    pub(super) fn of_edge_list(o: &EdgeListOptions) -> Result<Policy> {
        Ok(Policy {
            direction: o.direction,
            arc_direction: o.arc_direction,
            self_loops: o.self_loops,
            duplicates: o.duplicates,
            ids: o.ids,
            default_trust: check_default_trust(o.default_trust)?,
            max_nodes: o.max_nodes.min(MAX_NODES),
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
        })
    }
}

/// Checks a `default_trust`; `+ 0.0` turns `-0.0` into `0.0`, as `-0` in a
/// file is read as 0.
fn check_default_trust(value: f64) -> Result<f64> {
    Ok(check_probability("default_trust", value, None)? + 0.0)
}
