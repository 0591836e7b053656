//! The one error type of the crate.
//!
//! Every fallible function in `wom` returns [`Result<T>`], whose error is the
//! [`Error`] enum. Errors that come from a file carry a [`Location`] (the
//! file's name and the 1-based line), so a user can go straight to the
//! offending input. The enum is `#[non_exhaustive]`: new kinds of problem can
//! be added without breaking downstream `match`es.

use std::fmt;
use std::path::PathBuf;

/// Shorthand for `std::result::Result<T, wom::Error>`.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Where in an input a problem was found: the input's name and a 1-based line.
///
/// The name is the path for files and a caller-chosen label (for example
/// `"<memory>"`) for readers.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Location {
    /// The file's path or the reader's label.
    pub file: String,
    /// The 1-based line number.
    pub line: u64,
}

impl Location {
    /// A location in `file` at 1-based `line`.
    pub fn new(file: impl Into<String>, line: u64) -> Self {
        Location {
            file: file.into(),
            line,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// Formats an optional location as `" at file:line"` or nothing.
struct At<'a>(&'a Option<Location>);

impl fmt::Display for At<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(loc) => write!(f, " at {loc}"),
            None => Ok(()),
        }
    }
}

/// Everything that can go wrong in `wom`.
///
/// Input from outside (files, documents, parameters, node ids) is validated
/// and reported through this type; `wom` does not panic on it. Its
/// messages quote that input with every control character escaped
/// (`\u{1b}`), so printing one never sends a raw escape sequence to a
/// terminal; the fields keep the text as it was.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file could not be found.
    FileNotFound {
        /// The path that was asked for.
        path: PathBuf,
    },

    /// Reading an input or writing an output failed, for a reason other
    /// than a missing file.
    Io {
        /// The file's path, or the label of the reader or writer.
        file: String,
        /// The line being read when it failed, when known.
        line: Option<u64>,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },

    /// A gzip-compressed input is corrupt or ends early (truncated).
    CorruptGzip {
        /// The file's path or the reader's label.
        file: String,
        /// The last line read completely before the failure (0 if none).
        line: u64,
        /// What the decompressor reported.
        detail: String,
    },

    /// An input held no data at all (no edge, no node).
    EmptyInput {
        /// The file's path or the reader's label.
        file: String,
        /// What was expected, for example `"edges"`.
        what: &'static str,
    },

    /// A line of an input could not be understood.
    MalformedLine {
        /// Where the line is.
        location: Location,
        /// What is wrong with it.
        reason: String,
    },

    /// A weight that is not a finite number (non-numeric text, NaN, infinity).
    InvalidWeight {
        /// The text or value that was read.
        text: String,
        /// Where it was read, for files.
        location: Option<Location>,
    },

    /// A probability, trust or share outside the closed interval [0, 1].
    ProbabilityOutOfRange {
        /// What the value is (for example `"trust"` or `"p"`).
        name: String,
        /// The offending value.
        value: f64,
        /// Where it was read, for files.
        location: Option<Location>,
    },

    /// A parameter is out of its valid range (for example `m > n`).
    InvalidParameter {
        /// The parameter: its path within the options that were checked
        /// (`batch_size`, `budget.half_width`, `channels[2]`). Callers that
        /// hold those options inside something larger prepend their own
        /// part with [`Error::within`], so a document can name the field.
        name: FieldPath,
        /// The value given, as text.
        value: String,
        /// Why it is not accepted.
        reason: String,
    },

    /// More nodes than the index type (or a caller-set cap) can hold.
    TooManyNodes {
        /// The largest number of nodes allowed.
        limit: u64,
        /// Where the node that went over the limit was read, for files.
        location: Option<Location>,
    },

    /// More records (edge-list lines or CSV rows) than the reader's cap
    /// (`max_records` of the read options).
    TooManyRecords {
        /// The largest number of records allowed.
        limit: u64,
        /// Where the record that went over the limit was read.
        location: Option<Location>,
    },

    /// More arcs than the execution layer's index type can hold.
    TooManyArcs {
        /// The largest number of arcs allowed.
        limit: u64,
    },

    /// A node id that is not in the graph.
    UnknownNode {
        /// The id that was looked up, as text.
        id: String,
    },

    /// Two nodes were given the same external id.
    DuplicateNodeId {
        /// The repeated id, as text.
        id: String,
    },

    /// A self-loop was met under [`SelfLoops::Error`](crate::io::SelfLoops::Error).
    SelfLoop {
        /// The node's external id.
        id: String,
        /// Where the loop was read.
        location: Location,
    },

    /// A repeated edge was met under
    /// [`Duplicates::Error`](crate::io::Duplicates::Error).
    DuplicateEdge {
        /// The source's external id.
        from: String,
        /// The target's external id.
        to: String,
        /// Where the repetition was read.
        location: Location,
        /// The line of the first occurrence.
        first_line: u64,
    },

    /// Memory for a requested structure could not be reserved.
    AllocationFailed {
        /// What was being built.
        what: String,
        /// How many bytes were requested.
        bytes: u64,
    },

    /// A JSON document (scenario, generator spec ...) is invalid.
    InvalidDocument {
        /// The JSON path of the offending field, or `"$"` for the whole.
        path: String,
        /// What is wrong.
        reason: String,
    },

    /// Shard parts that do not make one study together
    /// ([`ShardPart::merge`](crate::scenario::ShardPart::merge)): another
    /// scenario or master seed, another number of shards, a shard given
    /// twice or missing.
    ShardMismatch {
        /// The position (0-based, in the order given) of the part at
        /// fault; `None` when no one part is (a shard missing).
        part: Option<usize>,
        /// The position of the part it was compared with, if any.
        other: Option<usize>,
        /// What is wrong.
        reason: String,
    },

    /// A scenario file names a file outside its own folder (an absolute
    /// path, a `..` step, or a symlink that leads out of the folder), and
    /// its reader did not allow that
    /// ([`PathPolicy`](crate::scenario::PathPolicy)).
    PathOutsideFolder {
        /// The JSON path of the field that names the file
        /// (`$.graph.edge_list.path`, `$.observed.file`, `$.fit.bass.series`).
        field: String,
        /// The file as the document names it.
        path: PathBuf,
        /// Why it is outside: `is absolute`, `has a `..` step`, or where the
        /// symlink leads.
        reason: String,
    },
}

impl fmt::Display for Error {
    /// The message, with every control character of the text it quotes
    /// (ids, names, keys, file names, values read from files and
    /// documents) written as its escape (`\u{1b}`), so that no byte of an
    /// input reaches a terminal raw.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.message(&mut EscapeControls {
            out: f,
            keep_layout: false,
        })
    }
}

impl Error {
    /// The message as it reads before control characters are escaped.
    fn message(&self, f: &mut dyn fmt::Write) -> fmt::Result {
        match self {
            Error::FileNotFound { path } => write!(f, "file not found: {}", path.display()),
            Error::Io { file, line, source } => {
                write!(f, "input/output error on {file}")?;
                if let Some(l) = line {
                    write!(f, " (line {l})")?;
                }
                write!(f, ": {source}")
            }
            Error::CorruptGzip { file, line, detail } => write!(
                f,
                "corrupt or truncated gzip data in {file} after line {line}: {detail}"
            ),
            Error::EmptyInput { file, what } => write!(f, "{file} is empty: it holds no {what}"),
            Error::MalformedLine { location, reason } => {
                write!(f, "malformed line at {location}: {reason}")
            }
            Error::InvalidWeight { text, location } => write!(
                f,
                "invalid weight {text:?}{}: not a finite number",
                At(location)
            ),
            Error::ProbabilityOutOfRange {
                name,
                value,
                location,
            } => write!(
                f,
                "{name} = {} is outside [0, 1]{}",
                Compact(*value),
                At(location)
            ),
            Error::InvalidParameter {
                name,
                value,
                reason,
            } => write!(f, "invalid parameter {name} = {value}: {reason}"),
            Error::TooManyNodes { limit, location } => {
                write!(f, "too many nodes: the limit is {limit}{}", At(location))
            }
            Error::TooManyArcs { limit } => write!(f, "too many arcs: the limit is {limit}"),
            Error::UnknownNode { id } => write!(f, "unknown node id {id}"),
            Error::DuplicateNodeId { id } => write!(f, "duplicate node id {id}"),
            Error::SelfLoop { id, location } => write!(f, "self-loop on node {id} at {location}"),
            Error::DuplicateEdge {
                from,
                to,
                location,
                first_line,
            } => write!(
                f,
                "duplicate edge {from} -> {to} at {location} (first at line {first_line})"
            ),
            Error::AllocationFailed { what, bytes } => {
                write!(f, "cannot allocate {bytes} bytes for {what}")
            }
            Error::InvalidDocument { path, reason } => {
                write!(f, "invalid document at {path}: {}", plain_words(reason))
            }
            Error::ShardMismatch {
                part,
                other,
                reason,
            } => {
                if let Some(p) = part {
                    write!(f, "part {p}: ")?;
                }
                write!(f, "{reason}")?;
                if let Some(o) = other {
                    write!(f, " (compared with part {o})")?;
                }
                Ok(())
            }
            Error::TooManyRecords { limit, location } => write!(
                f,
                "too many records: the limit is {limit}{} (raise the reader's max_records \
                 option to read more)",
                At(location)
            ),
            Error::PathOutsideFolder {
                field,
                path,
                reason,
            } => write!(
                f,
                "refused path at {field}: {} {reason}; a scenario file names only files in \
                 its own folder and below, unless its reader allows outside paths",
                path.display()
            ),
        }
    }
}

/// Passes text on to `W` with every control character (C0, DEL, C1:
/// [`char::is_control`]) written as its Rust escape, `\u{1b}`; the rest
/// is written unchanged, in runs.
struct EscapeControls<W> {
    out: W,
    /// Keep line feeds and tabs (the layout of a multi-line text).
    keep_layout: bool,
}

/// Whether [`EscapeControls`] escapes `c`.
fn escaped(c: char, keep_layout: bool) -> bool {
    c.is_control() && !(keep_layout && matches!(c, '\n' | '\t'))
}

impl<W: fmt::Write> fmt::Write for EscapeControls<W> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let mut kept = 0;
        for (i, c) in s.char_indices() {
            if escaped(c, self.keep_layout) {
                self.out.write_str(&s[kept..i])?;
                write!(self.out, "{}", c.escape_unicode())?;
                kept = i + c.len_utf8();
            }
        }
        self.out.write_str(&s[kept..])
    }
}

/// `text` with every control character written as its escape (`\u{1b}`),
/// as [`Error`]'s messages write them: for messages that quote user text
/// outside an `Error`. With `keep_layout`, line feeds and tabs stay (a
/// table of several lines). Borrowed when there is nothing to escape.
#[cfg(any(feature = "cli", test))]
pub(crate) fn escape_controls(text: &str, keep_layout: bool) -> std::borrow::Cow<'_, str> {
    use fmt::Write as _;
    if !text.chars().any(|c| escaped(c, keep_layout)) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    // Writing to a String cannot fail.
    let _ = EscapeControls {
        out: &mut out,
        keep_layout,
    }
    .write_str(text);
    std::borrow::Cow::Owned(out)
}

impl Error {
    /// An [`Error::InvalidParameter`] from its parts.
    pub(crate) fn param(name: &str, value: impl fmt::Display, reason: impl Into<String>) -> Self {
        Error::InvalidParameter {
            name: FieldPath::field(name),
            value: compact_text(value.to_string()),
            reason: reason.into(),
        }
    }

    /// The same error, with `parent` prepended to the path of an
    /// [`Error::InvalidParameter`]: what options nested in a larger
    /// structure say about themselves. Other errors are returned as they
    /// are.
    ///
    /// ```
    /// use wom::Error;
    /// use wom::ensemble::EnsembleOptions;
    ///
    /// let options = EnsembleOptions { batch_size: 0, ..Default::default() };
    /// let err = options.validate().unwrap_err().within("ensemble");
    /// match err {
    ///     Error::InvalidParameter { name, .. } => assert_eq!(name, "ensemble.batch_size"),
    ///     other => panic!("{other}"),
    /// }
    /// ```
    #[must_use]
    pub fn within(self, parent: impl Into<Segment>) -> Self {
        match self {
            Error::InvalidParameter {
                name,
                value,
                reason,
            } => Error::InvalidParameter {
                name: name.within(parent),
                value,
                reason,
            },
            other => other,
        }
    }
}

/// One step of a [`FieldPath`]: a named field or a position in a list.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Segment {
    /// A field, by name.
    Field(String),
    /// An element of a list, by 0-based position.
    Index(usize),
}

impl From<&str> for Segment {
    fn from(name: &str) -> Self {
        Segment::Field(name.to_string())
    }
}

impl From<String> for Segment {
    fn from(name: String) -> Self {
        Segment::Field(name)
    }
}

impl From<usize> for Segment {
    fn from(index: usize) -> Self {
        Segment::Index(index)
    }
}

/// Where a parameter sits within the options that were checked: fields
/// and list positions from the outside in, written `a.b[2].c`.
///
/// It compares equal to its written form, so `name == "budget.half_width"`
/// reads as it should.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize)]
pub struct FieldPath(Vec<Segment>);

impl FieldPath {
    /// The path of one field.
    pub fn field(name: impl Into<String>) -> Self {
        FieldPath(vec![Segment::Field(name.into())])
    }

    /// This path inside `parent`.
    #[must_use]
    pub fn within(mut self, parent: impl Into<Segment>) -> Self {
        self.0.insert(0, parent.into());
        self
    }

    /// The path extended by `child`.
    #[must_use]
    pub fn join(mut self, child: impl Into<Segment>) -> Self {
        self.0.push(child.into());
        self
    }

    /// The steps, from the outside in.
    pub fn segments(&self) -> &[Segment] {
        &self.0
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, s) in self.0.iter().enumerate() {
            match s {
                Segment::Field(name) if i == 0 => f.write_str(name)?,
                Segment::Field(name) => write!(f, ".{name}")?,
                Segment::Index(k) => write!(f, "[{k}]")?,
            }
        }
        Ok(())
    }
}

impl PartialEq<str> for FieldPath {
    fn eq(&self, other: &str) -> bool {
        // Walks the written form piece by piece, without allocating.
        let mut rest = other;
        for (i, s) in self.0.iter().enumerate() {
            let next = match s {
                Segment::Field(name) => {
                    let r = if i == 0 {
                        Some(rest)
                    } else {
                        rest.strip_prefix('.')
                    };
                    r.and_then(|r| r.strip_prefix(name.as_str()))
                }
                Segment::Index(k) => rest.strip_prefix('[').and_then(|r| {
                    let (digits, tail) = r.split_once(']')?;
                    let canonical =
                        digits == "0" || !(digits.starts_with('+') || digits.starts_with('0'));
                    (canonical && digits.parse() == Ok(*k)).then_some(tail)
                }),
            };
            match next {
                Some(r) => rest = r,
                None => return false,
            }
        }
        rest.is_empty()
    }
}

impl PartialEq<&str> for FieldPath {
    fn eq(&self, other: &&str) -> bool {
        self == *other
    }
}

/// A vector of `n` copies of `value`, or [`Error::AllocationFailed`] instead
/// of aborting the process when the memory cannot be had.
pub(crate) fn try_filled<T: Clone>(what: &str, n: usize, value: T) -> Result<Vec<T>> {
    let mut v = Vec::new();
    v.try_reserve_exact(n)
        .map_err(|_| Error::AllocationFailed {
            what: what.to_string(),
            bytes: (n as u64).saturating_mul(std::mem::size_of::<T>() as u64),
        })?;
    v.resize(n, value);
    Ok(v)
}

/// Checks that `value` is a probability: finite and within [0, 1].
///
/// # Errors
/// [`Error::InvalidWeight`] when `value` is NaN or infinite,
/// [`Error::ProbabilityOutOfRange`] when it is outside [0, 1].
pub(crate) fn check_probability(name: &str, value: f64, location: Option<Location>) -> Result<f64> {
    if !value.is_finite() {
        return Err(Error::InvalidWeight {
            text: format!("{name} = {value}"),
            location,
        });
    }
    if !(0.0..=1.0).contains(&value) {
        return Err(Error::ProbabilityOutOfRange {
            name: name.to_string(),
            value,
            location,
        });
    }
    Ok(value)
}

/// A number as a person reads it: as Rust writes it, unless that takes
/// more than 20 characters (`1e308` rather than 309 digits, `1e-300` rather
/// than 301 zeros), then in scientific notation.
struct Compact(f64);

impl fmt::Display for Compact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let plain = self.0.to_string();
        if plain.len() <= 20 {
            f.write_str(&plain)
        } else {
            write!(f, "{:e}", self.0)
        }
    }
}

/// `text` with a number longer than 20 characters rewritten as
/// [`Compact`] writes it; other text unchanged.
fn compact_text(text: String) -> String {
    match text.parse::<f64>() {
        Ok(x) if text.len() > 20 => Compact(x).to_string(),
        _ => text,
    }
}

/// The largest value of a Rust unsigned type serde names in a message.
fn unsigned_max(ty: &str) -> Option<u64> {
    Some(match ty {
        "u8" => u64::from(u8::MAX),
        "u16" => u64::from(u16::MAX),
        "u32" => u64::from(u32::MAX),
        "u64" | "usize" => u64::MAX,
        _ => return None,
    })
}

/// What serde calls a type, in the words of a document.
fn type_words(ty: &str) -> Option<String> {
    if let Some(max) = unsigned_max(ty) {
        return Some(format!("a whole number from 0 to {max}"));
    }
    Some(
        match ty {
            "f32" | "f64" => "a number",
            "i8" | "i16" | "i32" | "i64" | "isize" => "a whole number",
            "a boolean" | "bool" => "true or false",
            _ => return None,
        }
        .to_string(),
    )
}

/// A message of serde (the JSON reader) about a value, in the words of the
/// document: `99999999999999999999999 is too large` rather than
/// `invalid type: floating point 1e+23, expected u64`. Messages it does not
/// know pass unchanged; the position serde appends (` at line 1 column 9`)
/// is kept.
fn plain_words(reason: &str) -> std::borrow::Cow<'_, str> {
    use std::borrow::Cow;
    let (message, position) = match reason.find(" at line ") {
        Some(i) => reason.split_at(i),
        None => (reason, ""),
    };
    let rewritten = if message == "number out of range" {
        Some("a number too large for a 64-bit float (the largest is about 1.8e308)".to_string())
    } else if let Some(rest) = message.strip_prefix("invalid type: floating point `") {
        rest.split_once("`, expected ").and_then(|(number, ty)| {
            let max = unsigned_max(ty)?;
            let x: f64 = number.parse().ok()?;
            Some(if x.fract() == 0.0 && x > 0.0 {
                format!("{} is too large: the largest allowed is {max}", Compact(x))
            } else if x.fract() == 0.0 {
                format!(
                    "{} is negative: expected a whole number from 0 to {max}",
                    Compact(x)
                )
            } else {
                format!(
                    "{} is not a whole number: expected one from 0 to {max}",
                    Compact(x)
                )
            })
        })
    } else if let Some(rest) = message.strip_prefix("invalid value: integer `") {
        rest.split_once("`, expected ").and_then(|(number, ty)| {
            let max = unsigned_max(ty)?;
            Some(if number.starts_with('-') {
                format!("{number} is negative: expected a whole number from 0 to {max}")
            } else {
                format!("{number} is too large: the largest allowed is {max}")
            })
        })
    } else if let Some(rest) = message.strip_prefix("invalid type: ") {
        rest.split_once(", expected ").and_then(|(found, ty)| {
            let wanted = type_words(ty)?;
            Some(format!("expected {wanted}, found {found}"))
        })
    } else {
        None
    };
    match rewritten {
        Some(words) => Cow::Owned(words + position),
        None => Cow::Borrowed(reason),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync + 'static + std::error::Error>() {}

    #[test]
    fn error_is_send_sync_and_std_error() {
        assert_send_sync::<Error>();
    }

    #[test]
    fn messages_name_the_location() {
        let e = Error::MalformedLine {
            location: Location::new("edges.txt", 7),
            reason: "expected 2 or 3 columns, found 1".into(),
        };
        assert_eq!(
            e.to_string(),
            "malformed line at edges.txt:7: expected 2 or 3 columns, found 1"
        );
        let e = Error::ProbabilityOutOfRange {
            name: "trust".into(),
            value: 1.5,
            location: Some(Location::new("a.txt", 3)),
        };
        assert_eq!(e.to_string(), "trust = 1.5 is outside [0, 1] at a.txt:3");
    }

    #[test]
    fn control_characters_of_quoted_text_are_escaped() {
        let e = Error::UnknownNode {
            id: "\u{1b}[31mann\u{0}\n\u{9b}".into(),
        };
        assert_eq!(
            e.to_string(),
            "unknown node id \\u{1b}[31mann\\u{0}\\u{a}\\u{9b}"
        );
        let e = Error::InvalidDocument {
            path: "$.\u{7}key".into(),
            reason: "unknown field `\u{7}key`".into(),
        };
        assert_eq!(
            e.to_string(),
            "invalid document at $.\\u{7}key: unknown field `\\u{7}key`"
        );
        // Text without controls is borrowed, unchanged; a table keeps its
        // line feeds and tabs.
        assert!(matches!(
            escape_controls("ann\u{e9}", false),
            std::borrow::Cow::Borrowed("ann\u{e9}")
        ));
        assert_eq!(escape_controls("a\tb\nc\rd", true), "a\tb\nc\\u{d}d");
        assert_eq!(escape_controls("a\tb", false), "a\\u{9}b");
    }

    #[test]
    fn field_paths_read_and_compare_as_written() {
        let path = FieldPath::field("persuasion").within(2).within("channels");
        assert_eq!(path.to_string(), "channels[2].persuasion");
        assert_eq!(path, "channels[2].persuasion");
        for other in [
            "channels[2]",
            "channels[02].persuasion",
            "channels[+2].persuasion",
            "channels.2.persuasion",
            "channels[2].persuasionX",
            "",
        ] {
            assert_ne!(path, other, "{other}");
        }
        let e = Error::param("batch_size", 0, "must be at least 1").within("ensemble");
        assert_eq!(
            e.to_string(),
            "invalid parameter ensemble.batch_size = 0: must be at least 1"
        );
    }

    #[test]
    fn probability_check() {
        assert!(check_probability("p", 0.0, None).is_ok());
        assert!(check_probability("p", 1.0, None).is_ok());
        assert!(matches!(
            check_probability("p", f64::NAN, None),
            Err(Error::InvalidWeight { .. })
        ));
        assert!(matches!(
            check_probability("p", -0.1, None),
            Err(Error::ProbabilityOutOfRange { .. })
        ));
    }

    #[test]
    fn serde_messages_read_in_the_words_of_a_document() {
        let cases = [
            (
                "invalid type: floating point `1e+23`, expected u64 at line 1 column 9",
                "1e23 is too large: the largest allowed is 18446744073709551615 at line 1 column 9",
            ),
            (
                "invalid type: floating point `1.5`, expected u32",
                "1.5 is not a whole number: expected one from 0 to 4294967295",
            ),
            (
                "invalid value: integer `-1`, expected u64",
                "-1 is negative: expected a whole number from 0 to 18446744073709551615",
            ),
            (
                "invalid value: integer `4294967296`, expected u32",
                "4294967296 is too large: the largest allowed is 4294967295",
            ),
            (
                "number out of range at line 2 column 3",
                "a number too large for a 64-bit float (the largest is about 1.8e308) at line 2 column 3",
            ),
            (
                "invalid type: string \"a\", expected f64",
                "expected a number, found string \"a\"",
            ),
            ("unknown field `x`", "unknown field `x`"),
        ];
        for (serde, words) in cases {
            assert_eq!(plain_words(serde), words);
        }
    }

    #[test]
    fn numbers_too_long_to_read_are_written_in_scientific_notation() {
        let e = Error::ProbabilityOutOfRange {
            name: "p".to_string(),
            value: 1e308,
            location: None,
        };
        assert_eq!(e.to_string(), "p = 1e308 is outside [0, 1]");
        let e = Error::param("beta", 1e-300, "must be positive");
        assert_eq!(
            e.to_string(),
            "invalid parameter beta = 1e-300: must be positive"
        );
        // Numbers that fit in 20 characters, and integers, stay as written.
        assert_eq!(
            Error::param("p", 1.5, "x").to_string(),
            "invalid parameter p = 1.5: x"
        );
        assert_eq!(
            Error::param("n", u64::MAX, "x").to_string(),
            "invalid parameter n = 18446744073709551615: x"
        );
    }
}
