//! Readers for social graphs stored in files (SNAP-style edge lists and CSV
//! tables with a header row) and for cascades observed in data.
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
//! **Other layouts.** [`EdgeListOptions`] read files as they come: header
//! lines to skip ([`Header`]), any columns as source, target, weight and
//! time ([`Columns`], numbered from 0), columns after those left unread on
//! request ([`ExtraColumns`]), weights that are counts or strengths
//! ([`Weights`]), and friendships listed from both sides ([`BothWays`]).
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
//! # Observed cascades
//! [`read_propagation_trees`] (Twitter15/16 trees), [`read_cascade_csv`]
//! (`parent,child,time`) and [`read_activity`] (`u v time kind` logs, made
//! into a cascade by [`ActivityLog::to_cascade`]) give
//! [`ObservedCascade`](crate::observed::ObservedCascade)s and a
//! [`CascadeReport`] counting every line merged or left out; see
//! [`CascadeOptions`] for the choices.
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
//! **Line order matters by default.** The dense indices, the order of each
//! node's arcs, and so the network's fingerprint, the nodes random seed
//! rules draw and every simulated result, follow the order of the file's
//! lines: the same lines in another order give an isomorphic graph with
//! other results. [`NodeOrder::Sorted`] (`"node_order": "sorted"`) sorts
//! nodes by id and records by (source, target, trust) first, so that any
//! order of the same lines gives the same graph, bit for bit.
//!
//! # Example
//! ```
//! use wom::io::{read_edge_list_from, EdgeListOptions};
//! use wom::{NodeId, Relation};
//!
//! let text = "# a small friendship network\n1 2\n2 3 0.5\n";
//! let options = EdgeListOptions { direction: Relation::Friendship, ..EdgeListOptions::default() };
//! let loaded = read_edge_list_from(text.as_bytes(), "<memory>", &options)?;
//! assert_eq!(loaded.report.records, 2);
//! assert_eq!(loaded.graph.arc_count(), 4); // two friendships, two arcs each
//! let three = loaded.graph.node(&NodeId::Num(3))?;
//! assert_eq!(loaded.graph.id_of(three), Some(&NodeId::Num(3)));
//! # Ok::<(), wom::Error>(())
//! ```

// Items named in the documentation only.
#[cfg(doc)]
use crate::{Error, NodeId, SocialGraph, SocialTie};

mod build;
mod cascades;
mod csv;
mod detect;
mod edge_list;
mod intern;
mod options;
mod report;

pub use self::csv::{read_csv, read_csv_from};
pub use cascades::{
    Activity, ActivityLog, CascadeFormat, CascadeOptions, CascadeReport, CascadeSource, Cascades,
    Cycles, Parents, read_activity, read_activity_from, read_cascade_csv, read_cascade_csv_from,
    read_cascades, read_propagation_trees, read_propagation_trees_from,
};
pub use detect::{MAX_LINE_BYTES, check_regular_file};
pub use edge_list::{read_edge_list, read_edge_list_from};
pub use options::{
    ArcDirection, BothWays, Columns, Comments, CsvOptions, DEFAULT_MAX_RECORDS, Duplicates,
    EdgeListOptions, ExtraColumns, Header, IdFormat, NodeOrder, SelfLoops, Weights,
};
pub use report::{LoadReport, Loaded};
