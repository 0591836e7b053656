//! SNAP-style edge lists: one `source target [trust]` record per line, or
//! any layout of columns the options name.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use flate2::read::MultiGzDecoder;

use super::build::Builder;
use super::detect::{BUFFER, for_each_line, io_error, open, sniff};
use super::options::{Comments, EdgeListOptions, ExtraColumns, Header, Policy};
use super::report::Loaded;
use crate::error::{Error, Location, Result};
// Items named in the documentation only.
#[cfg(doc)]
use super::{Duplicates, IdFormat, LoadReport, SelfLoops};

/// Reads an edge list file, plain or gzip-compressed.
///
/// See the [module documentation](crate::io) for the format and
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
///   0 (such as `1e-400`; see [Trust values](crate::io#trust-values));
/// * [`Error::InvalidWeight`] for a trust that is not a finite number,
///   [`Error::ProbabilityOutOfRange`] for one outside [0, 1] (also for
///   `default_trust`);
/// * [`Error::SelfLoop`] under [`SelfLoops::Error`],
///   [`Error::DuplicateEdge`] under [`Duplicates::Error`];
/// * [`Error::TooManyNodes`] past `max_nodes`, [`Error::TooManyArcs`] past
///   [`MAX_ARCS`](crate::network::MAX_ARCS) (`u32::MAX`) arcs.
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
        parse_edge_list(BufReader::with_capacity(BUFFER, decoder), options, builder)
    } else {
        parse_edge_list(BufReader::with_capacity(BUFFER, input), options, builder)
    }
}

fn parse_edge_list<B: BufRead>(
    input: B,
    options: &EdgeListOptions,
    mut builder: Builder<'_>,
) -> Result<Loaded> {
    let name = builder.name;
    let gzip = builder.report.gzip;
    let columns = options.columns;
    let last = columns.last();
    let needed = columns
        .source
        .max(columns.target)
        .max(columns.time.unwrap_or(0))
        + 1;
    // The [start, end) of each column of the current line, reused.
    let mut spans: Vec<(usize, usize)> = Vec::with_capacity(8);
    let mut in_header = !matches!(options.header, Header::None);
    let lines = for_each_line(input, name, gzip, |line_no, line| {
        if in_header {
            let header = match &options.header {
                Header::None => false,
                Header::Lines(n) => line_no <= *n,
                Header::Prefix(p) => line.starts_with(p.as_bytes()),
            };
            if header {
                builder.report.header_lines += 1;
                return Ok(());
            }
            in_header = false;
        }
        spans.clear();
        let mut at = 0;
        for token in line.split(|b| b.is_ascii_whitespace()) {
            if !token.is_empty() {
                spans.push((at, at + token.len()));
            }
            at += token.len() + 1;
        }
        let column = |i: usize| spans.get(i).and_then(|&(a, b)| line.get(a..b));
        let Some(first) = column(0) else {
            builder.report.blank_lines += 1;
            return Ok(());
        };
        if options.comments == Comments::Hash && first.starts_with(b"#") {
            builder.report.comment_lines += 1;
            return Ok(());
        }
        let found = spans.len();
        let malformed = |hint: &str| Error::MalformedLine {
            location: Location::new(name, line_no),
            reason: format!("expected {}, found {found}{hint}", columns.describe()),
        };
        if found < needed {
            return Err(malformed(""));
        }
        if found > last + 1 {
            match options.extra_columns {
                ExtraColumns::Error => {
                    return Err(malformed(
                        " (set extra_columns to \"ignore\" to leave the columns after the last one read)",
                    ));
                }
                ExtraColumns::Ignore => builder.report.extra_column_records += 1,
            }
        }
        let (Some(src), Some(dst)) = (column(columns.source), column(columns.target)) else {
            return Err(malformed(""));
        };
        if let Some(t) = columns.time.and_then(column) {
            builder.time(t, line_no)?;
        }
        let weight = columns.weight.and_then(column);
        builder.record(src, dst, weight, line_no)
    })?;
    builder.report.lines = lines;
    builder.finish()
}
