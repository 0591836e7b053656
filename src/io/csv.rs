//! CSV tables with a header row, and the line tracking that gives each
//! record's true line.

use std::collections::VecDeque;
use std::io::{self, Read};
use std::path::Path;

use flate2::read::MultiGzDecoder;

use super::build::Builder;
use super::detect::{BUFFER, MAX_LINE_BYTES, io_error, open, read_error, skip_bom, sniff};
use super::intern::lossy;
use super::options::{CsvOptions, Policy};
use super::report::Loaded;
use crate::error::{Error, Location, Result};
// Items named in the documentation only.
#[cfg(doc)]
use super::{IdFormat, LoadReport, read_edge_list};

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
/// use wom::io::{read_csv_from, CsvOptions};
/// use wom::{Error, Relation};
///
/// let table = "from;to;trust\nann;bob;0.8\nbob;cy;\n";
/// let options = CsvOptions {
///     source_column: "from".into(),
///     target_column: "to".into(),
///     weight_column: Some("trust".into()),
///     delimiter: b';',
///     direction: Relation::Friendship,
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
    /// Bytes of the current line so far.
    line_bytes: u64,
}

/// A line longer than [`MAX_LINE_BYTES`], met by [`LineTracker`].
#[derive(Debug)]
struct LineTooLong;

impl std::fmt::Display for LineTooLong {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the line is longer than {MAX_LINE_BYTES} bytes (1 MiB), the most a line may hold: \
             is this a CSV table of one record per line?"
        )
    }
}

impl std::error::Error for LineTooLong {}

impl<R> LineTracker<R> {
    fn new(inner: R) -> Self {
        LineTracker {
            inner,
            offset: 0,
            newlines: 0,
            last: None,
            terminators: VecDeque::new(),
            line_bytes: 0,
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
            if b == b'\n' {
                self.line_bytes = 0;
            } else {
                self.line_bytes += 1;
                if self.line_bytes > MAX_LINE_BYTES as u64 {
                    // Stops the `csv` crate before it buffers more of one
                    // line; `csv_error` names the line.
                    return Err(io::Error::new(io::ErrorKind::InvalidData, LineTooLong));
                }
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
        csv::ErrorKind::Io(io) if io.get_ref().is_some_and(|e| e.is::<LineTooLong>()) => {
            Error::MalformedLine {
                location: Location::new(name, tracker.complete_lines() + 1),
                reason: LineTooLong.to_string(),
            }
        }
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
}
