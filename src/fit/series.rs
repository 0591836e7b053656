//! Readers of what the fits take: a sales series, timed cascades over a
//! network, cascade sizes. Plain text, comma- or whitespace-separated;
//! blank lines and lines starting with `#` are skipped and counted; every
//! bad value is an [`Error::MalformedLine`] naming the file and line;
//! nothing is left out silently.
//!
//! # Formats
//! * **Series** ([`read_series`]): one value per line, or a table with a
//!   header whose column is chosen by name (`--column sales`) or 1-based
//!   position; without a choice, the last column. A first line whose
//!   chosen field is not a number is the header.
//! * **Timed cascades** ([`read_timed_cascades`]): a header naming `node`
//!   and `step` (non-negative integers) or `time` (numbers, turned into
//!   steps `round((time - the cascade's first time) / time_step)`), and
//!   optionally `cascade`; one line per activation.
//! * **Sizes** ([`read_sizes`]): one size per line, or a header naming
//!   `size` and optionally `seeds` (default 1).

use std::collections::HashMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::branching::SizeSample;
use super::ic::TimedCascade;
use crate::error::{Error, Location, Result};
use crate::id::NodeId;
use crate::network::Network;

/// What a reader skipped, so that nothing goes unaccounted for.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ReadReport {
    /// Lines in the file.
    pub lines: u64,
    /// The header line, if there was one (0 or 1).
    pub header_lines: u64,
    /// Blank lines.
    pub blank_lines: u64,
    /// Comment lines (`#`).
    pub comment_lines: u64,
    /// Records read (every other line).
    pub records: u64,
}

/// A series read from a file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Series {
    /// The values, in file order.
    pub values: Vec<f64>,
    /// The 1-based line of each value.
    pub lines: Vec<u64>,
    /// The column read: its header name, or its 1-based position.
    pub column: String,
    /// What was read and skipped.
    pub report: ReadReport,
}

/// The fields of each record line, with its line number; the report.
struct Table {
    header: Option<(Vec<String>, u64)>,
    rows: Vec<(u64, Vec<String>)>,
    report: ReadReport,
    file: String,
}

fn split(line: &str) -> Vec<String> {
    if line.contains(',') {
        line.split(',').map(|f| f.trim().to_string()).collect()
    } else {
        line.split_whitespace().map(str::to_string).collect()
    }
}

fn read_table(path: &Path, is_header: impl Fn(&[String]) -> bool) -> Result<Table> {
    let file = path.display().to_string();
    crate::io::check_regular_file(path)?;
    let bytes = std::fs::read(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            Error::FileNotFound {
                path: path.to_path_buf(),
            }
        } else {
            Error::Io {
                file: file.clone(),
                line: None,
                source: e,
            }
        }
    })?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = valid.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
        Error::MalformedLine {
            location: Location::new(file.clone(), line),
            reason: "not UTF-8 text".to_string(),
        }
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let mut table = Table {
        header: None,
        rows: Vec::new(),
        report: ReadReport::default(),
        file,
    };
    for (i, line) in text.lines().enumerate() {
        let n = i as u64 + 1;
        table.report.lines = n;
        let trimmed = line.trim();
        if trimmed.is_empty() {
            table.report.blank_lines += 1;
            continue;
        }
        if trimmed.starts_with('#') {
            table.report.comment_lines += 1;
            continue;
        }
        let fields = split(trimmed);
        if table.header.is_none() && table.rows.is_empty() && is_header(&fields) {
            table.report.header_lines = 1;
            table.header = Some((fields, n));
            continue;
        }
        table.report.records += 1;
        table.rows.push((n, fields));
    }
    if table.rows.is_empty() {
        return Err(Error::EmptyInput {
            file: table.file,
            what: "records",
        });
    }
    Ok(table)
}

impl Table {
    fn bad(&self, line: u64, reason: impl Into<String>) -> Error {
        Error::MalformedLine {
            location: Location::new(self.file.clone(), line),
            reason: reason.into(),
        }
    }

    /// The position of a named column in the header.
    fn column(&self, name: &str) -> Option<usize> {
        self.header
            .as_ref()
            .and_then(|(h, _)| h.iter().position(|c| c.eq_ignore_ascii_case(name)))
    }

    fn field<'a>(&self, row: &'a (u64, Vec<String>), k: usize, name: &str) -> Result<&'a str> {
        row.1.get(k).map(String::as_str).ok_or_else(|| {
            self.bad(
                row.0,
                format!("no field {} ({name}): the line has {}", k + 1, row.1.len()),
            )
        })
    }
}

fn number(text: &str) -> Option<f64> {
    text.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// Reads one column of numbers, each finite and `>= 0`.
///
/// # Arguments
/// * `path` - the file.
/// * `column` - a header name or a 1-based position; `None`: the last
///   column.
///
/// # Errors
/// [`Error::FileNotFound`], [`Error::EmptyInput`]; [`Error::MalformedLine`]
/// naming the line of a value that is not a finite number `>= 0` or a line
/// without the column, and the header's line when it has no such column.
pub fn read_series(path: impl AsRef<Path>, column: Option<&str>) -> Result<Series> {
    let path = path.as_ref();
    let position = column.and_then(|c| c.parse::<usize>().ok());
    let wanted = |fields: &[String]| -> Option<usize> {
        match (column, position) {
            (_, Some(p)) => p.checked_sub(1),
            (Some(_), None) => None,
            (None, None) => fields.len().checked_sub(1),
        }
    };
    // A header when the chosen field is not a number, or a column is named.
    let table = read_table(path, |fields| match wanted(fields) {
        Some(k) => fields.get(k).is_none_or(|f| number(f).is_none()),
        None => column.is_some(),
    })?;
    let (k, name) = match (column, position) {
        (Some(name), None) => {
            let Some((_, line)) = &table.header else {
                return Err(table.bad(
                    table.rows[0].0,
                    format!("column {name:?} asked for, but the file has no header line"),
                ));
            };
            let k = table
                .column(name)
                .ok_or_else(|| table.bad(*line, format!("the header has no column {name:?}")))?;
            (k, name.to_string())
        }
        (_, Some(0)) => return Err(table.bad(1, "columns are numbered from 1")),
        (_, Some(p)) => (p - 1, p.to_string()),
        (None, None) => {
            let width = table
                .header
                .as_ref()
                .map_or(table.rows[0].1.len(), |(h, _)| h.len());
            let k = width.saturating_sub(1);
            let name = table
                .header
                .as_ref()
                .and_then(|(h, _)| h.get(k).cloned())
                .unwrap_or_else(|| (k + 1).to_string());
            (k, name)
        }
    };
    let mut values = Vec::with_capacity(table.rows.len());
    let mut lines = Vec::with_capacity(table.rows.len());
    for row in &table.rows {
        let text = table.field(row, k, &name)?;
        let v = number(text).filter(|v| *v >= 0.0).ok_or_else(|| {
            table.bad(
                row.0,
                format!("{name}: {text:?} is not a finite number >= 0"),
            )
        })?;
        values.push(v);
        lines.push(row.0);
    }
    Ok(Series {
        values,
        lines,
        column: name,
        report: table.report,
    })
}

/// The node of `network` a text names: a textual id, else an integer id.
fn lookup(network: &Network, text: &str) -> Option<u32> {
    network.index_of(&NodeId::from(text)).ok().or_else(|| {
        text.parse::<u64>()
            .ok()
            .and_then(|n| network.index_of(&NodeId::Num(n)).ok())
    })
}

/// Reads timed cascades over `network` (see the [module
/// documentation](self)).
///
/// # Arguments
/// * `path` - the file.
/// * `network` - the network whose node ids the file names.
/// * `time_step` - the length of a step, for a `time` column.
///
/// # Errors
/// [`Error::MalformedLine`] naming the line of: a header without `node`
/// and `step` or `time`; a node not in the network; a node listed twice in
/// a cascade; a step that is not a non-negative integer or a time that is
/// not a finite number. [`Error::InvalidParameter`] for a `time_step` that
/// is not positive.
pub fn read_timed_cascades(
    path: impl AsRef<Path>,
    network: &Network,
    time_step: f64,
) -> Result<(Vec<TimedCascade>, ReadReport)> {
    if !(time_step.is_finite() && time_step > 0.0) {
        return Err(Error::param("time_step", time_step, "must be > 0"));
    }
    let path = path.as_ref();
    let table = read_table(path, |_| true)?;
    let Some((_, header_line)) = &table.header else {
        return Err(table.bad(1, "no header line"));
    };
    let node = table.column("node");
    let step = table.column("step");
    let time = table.column("time");
    let cascade = table.column("cascade");
    let (Some(node), Some((clock, timed))) =
        (node, step.map(|s| (s, false)).or(time.map(|t| (t, true))))
    else {
        return Err(table.bad(
            *header_line,
            "the header must name the columns node and step (or time), and may name cascade",
        ));
    };
    let unnamed = path.file_stem().map_or_else(
        || "cascade".to_string(),
        |s| s.to_string_lossy().into_owned(),
    );
    // Cascades in the order first met: name -> (activations, times, lines).
    let mut order: Vec<String> = Vec::new();
    // Each cascade's (node, time) pairs, and the line of each node.
    type Read = (Vec<(u32, f64)>, HashMap<u32, u64>);
    let mut by_name: HashMap<String, Read> = HashMap::new();
    for row in &table.rows {
        let name = match cascade {
            Some(c) => table.field(row, c, "cascade")?.to_string(),
            None => unnamed.clone(),
        };
        let id = table.field(row, node, "node")?;
        let v = lookup(network, id).ok_or_else(|| {
            table.bad(
                row.0,
                format!("node {id:?} (cascade {name:?}) is not in the network"),
            )
        })?;
        let clock_text = table.field(row, clock, if timed { "time" } else { "step" })?;
        let t = if timed {
            number(clock_text).ok_or_else(|| {
                table.bad(row.0, format!("time {clock_text:?} is not a finite number"))
            })?
        } else {
            clock_text
                .parse::<u32>()
                .ok()
                .filter(|&s| s < u32::MAX)
                .map(f64::from)
                .ok_or_else(|| {
                    table.bad(
                        row.0,
                        format!("step {clock_text:?} is not a non-negative integer"),
                    )
                })?
        };
        let entry = by_name.entry(name.clone()).or_insert_with(|| {
            order.push(name.clone());
            (Vec::new(), HashMap::new())
        });
        if let Some(first) = entry.1.insert(v, row.0) {
            return Err(table.bad(
                row.0,
                format!("node {id:?} is listed twice in cascade {name:?} (first at line {first})"),
            ));
        }
        entry.0.push((v, t));
    }
    let mut cascades = Vec::with_capacity(order.len());
    for name in order {
        let (acts, lines) = by_name.remove(&name).unwrap_or_default();
        let first = acts.iter().map(|a| a.1).fold(f64::INFINITY, f64::min);
        let mut activations = Vec::with_capacity(acts.len());
        for (v, t) in acts {
            let s = if timed {
                ((t - first) / time_step).round()
            } else {
                t
            };
            if !(s >= 0.0 && s < f64::from(u32::MAX)) {
                return Err(table.bad(lines[&v], format!("time {t} gives no step")));
            }
            activations.push((v, s as u32));
        }
        cascades.push(TimedCascade::new(name, activations)?);
    }
    Ok((cascades, table.report))
}

/// Reads cascade sizes (see the [module documentation](self)).
///
/// # Errors
/// [`Error::MalformedLine`] naming the line of a size or seed count that
/// is not a positive integer, or of a size below its seeds; the header's
/// line when it names no `size` column.
pub fn read_sizes(path: impl AsRef<Path>) -> Result<(Vec<SizeSample>, ReadReport)> {
    let table = read_table(path.as_ref(), |fields| {
        fields.iter().any(|f| f.parse::<u64>().is_err())
    })?;
    let (size, seeds) = match &table.header {
        Some((fields, line)) => (
            table.column("size").ok_or_else(|| {
                let odd = fields
                    .iter()
                    .find(|f| f.parse::<u64>().is_err())
                    .map_or("", String::as_str);
                table.bad(
                    *line,
                    format!(
                        "{odd:?} is not an integer size, so the line was read as a header, \
                         but it names no size column"
                    ),
                )
            })?,
            table.column("seeds"),
        ),
        None => (0, None),
    };
    let mut out = Vec::with_capacity(table.rows.len());
    for row in &table.rows {
        let positive = |k: usize, what: &str| -> Result<u64> {
            let text = table.field(row, k, what)?;
            text.parse::<u64>()
                .ok()
                .filter(|&v| v >= 1)
                .ok_or_else(|| table.bad(row.0, format!("{what}: {text:?} is not an integer >= 1")))
        };
        let s = positive(size, "size")?;
        let k = match seeds {
            Some(c) => positive(c, "seeds")?,
            None => 1,
        };
        if s < k {
            return Err(table.bad(row.0, format!("size {s} is below its {k} seeds")));
        }
        out.push(SizeSample { size: s, seeds: k });
    }
    Ok((out, table.report))
}
