//! Readers of observed cascades: Twitter15/16 propagation trees, plain
//! `parent,child,time` CSV, and timestamped activity logs.

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use flate2::read::MultiGzDecoder;
use serde::{Deserialize, Serialize};

use super::build::parse_time;
use super::detect::{BUFFER, io_error, open, sniff};
use super::intern::{Interner, lossy};
use super::options::{ArcDirection, IdFormat};
use crate::error::{Error, Location, Result};
use crate::network::limits::MAX_NODES;
use crate::observed::{ObservedArc, ObservedCascade, ObservedNode};

/// Which parents a node keeps when the input names several.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Parents {
    /// The parent of the first line naming the node as a child.
    First,
    /// The parent that joined earliest (the first listed among equal
    /// times): the first from whom the node could have heard it.
    #[default]
    Earliest,
    /// Every parent: the cascade is a directed acyclic graph.
    All,
}

/// What to do when the kept arcs close a cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cycles {
    /// Fail with an [`Error::MalformedLine`] naming the line of an arc that
    /// closes a cycle.
    #[default]
    Error,
    /// Leave out each arc that closes a cycle (a back arc of a depth-first
    /// search from the roots, children in line order), counted in
    /// [`CascadeReport::cycle_arcs_dropped`].
    Drop,
}

/// How to read cascades: see [`read_propagation_trees`].
///
/// In JSON every field may be left out and takes its default value; unknown
/// fields are errors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CascadeOptions {
    /// Which parents a node with several keeps. Default
    /// [`Parents::Earliest`].
    pub parents: Parents,
    /// What to do with cycles among the kept arcs. Default
    /// [`Cycles::Error`].
    pub cycles: Cycles,
    /// How user ids are read. Default [`IdFormat::Text`].
    pub ids: IdFormat,
}

impl Default for CascadeOptions {
    fn default() -> Self {
        CascadeOptions {
            parents: Parents::default(),
            cycles: Cycles::default(),
            ids: IdFormat::Text,
        }
    }
}

/// What a cascade reader met and did, summed over the cascades read.
///
/// Nothing is dropped silently: `arc_records` lines became `arcs` arcs,
/// less `duplicate_arcs`, `self_loops_dropped`, `arcs_into_roots_dropped`,
/// `extra_parents_dropped` and `cycle_arcs_dropped`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CascadeReport {
    /// Whether the input was gzip-compressed.
    pub gzip: bool,
    /// Lines read, of every kind.
    pub lines: u64,
    /// Header lines (the CSV header row).
    pub header_lines: u64,
    /// Blank lines.
    pub blank_lines: u64,
    /// Lines that declare a root (`['ROOT', 'ROOT', '0.0']->[...]`, or a
    /// CSV row with an empty parent).
    pub root_records: u64,
    /// Lines that give a parent arc.
    pub arc_records: u64,
    /// Cascades read.
    pub cascades: u64,
    /// Nodes, over all cascades (a user in two cascades counts twice).
    pub nodes: u64,
    /// Arcs kept, over all cascades.
    pub arcs: u64,
    /// Arc lines repeating an earlier line's parent and child (one arc).
    pub duplicate_arcs: u64,
    /// Arc lines whose parent is the child itself, left out.
    pub self_loops_dropped: u64,
    /// Arc lines into a declared root, left out: a root is the source.
    pub arcs_into_roots_dropped: u64,
    /// Children with more than one distinct parent (before
    /// [`Parents`] chose).
    pub multi_parent_children: u64,
    /// Cascades with at least one such child.
    pub cascades_with_multi_parents: u64,
    /// Parent arcs left out by [`Parents::First`] or
    /// [`Parents::Earliest`].
    pub extra_parents_dropped: u64,
    /// Arcs left out under [`Cycles::Drop`].
    pub cycle_arcs_dropped: u64,
    /// Kept arcs whose child joined before its parent (kept; the data say
    /// so, often because of clock or crawl errors).
    pub arcs_back_in_time: u64,
    /// Nodes given different times on different lines; the earliest is
    /// kept.
    pub time_conflicts: u64,
    /// Activity-log lines of kinds not chosen, left out (set by
    /// [`read_cascades`]).
    #[serde(default)]
    pub other_kind_lines: u64,
}

/// Cascades read from a file, with the report of what was read.
#[derive(Debug, Clone)]
pub struct Cascades {
    /// The cascades, in the order their first line was met.
    pub cascades: Vec<ObservedCascade>,
    /// What was met and done.
    pub report: CascadeReport,
}

/// An arc as read.
#[derive(Debug, Clone, Copy)]
struct RawArc {
    parent: u32,
    child: u32,
    line: u64,
}

/// One cascade being read.
#[derive(Debug)]
struct CascadeBuilder {
    name: String,
    ids: Interner,
    /// Each node's time, if one was given, and the line first giving it.
    times: Vec<Option<(f64, u64)>>,
    roots: Vec<bool>,
    arcs: Vec<RawArc>,
}

impl CascadeBuilder {
    fn new(name: String, ids: IdFormat) -> Self {
        CascadeBuilder {
            name,
            ids: Interner::new(ids),
            times: Vec::new(),
            roots: Vec::new(),
            arcs: Vec::new(),
        }
    }

    /// The node of `token`, with its time if known.
    fn node(
        &mut self,
        token: &[u8],
        time: Option<f64>,
        file: &str,
        line: u64,
        report: &mut CascadeReport,
    ) -> Result<u32> {
        let i = self.ids.intern(token, MAX_NODES, file, line)?;
        let k = i as usize;
        if k >= self.times.len() {
            self.times.resize(k + 1, None);
            self.roots.resize(k + 1, false);
        }
        if let Some(t) = time {
            match &mut self.times[k] {
                slot @ None => *slot = Some((t, line)),
                Some((old, _)) if *old != t => {
                    report.time_conflicts += 1;
                    *old = old.min(t);
                }
                Some(_) => {}
            }
        }
        Ok(i)
    }

    /// Applies the policies and builds the cascade.
    fn finish(
        self,
        file: &str,
        options: &CascadeOptions,
        report: &mut CascadeReport,
    ) -> Result<ObservedCascade> {
        let n = self.times.len();
        let ids = self.ids.into_ids();
        let mut nodes = Vec::with_capacity(n);
        for (id, time) in ids.into_iter().zip(&self.times) {
            let Some((t, _)) = time else {
                let me = nodes.len() as u32;
                let line = self
                    .arcs
                    .iter()
                    .find(|a| a.parent == me)
                    .map_or(0, |a| a.line);
                return Err(Error::MalformedLine {
                    location: Location::new(file, line),
                    reason: format!(
                        "node {id} of cascade {:?} is a parent here but is given no time \
                         (give it a line of its own as a child or root)",
                        self.name
                    ),
                });
            };
            nodes.push(ObservedNode { id, time: *t });
        }
        let time = |i: u32| nodes.get(i as usize).map_or(0.0, |v| v.time);
        // Self-loops, arcs into roots, duplicates.
        let mut seen: Vec<(u32, u32)> = Vec::new();
        let mut arcs: Vec<RawArc> = Vec::with_capacity(self.arcs.len());
        for a in &self.arcs {
            if a.parent == a.child {
                report.self_loops_dropped += 1;
            } else if self.roots.get(a.child as usize) == Some(&true) {
                report.arcs_into_roots_dropped += 1;
            } else {
                arcs.push(*a);
                seen.push((a.child, a.parent));
            }
        }
        seen.sort_unstable();
        let mut distinct = seen.clone();
        distinct.dedup();
        report.duplicate_arcs += (seen.len() - distinct.len()) as u64;
        let multi = distinct
            .chunk_by(|a, b| a.0 == b.0)
            .filter(|g| g.len() > 1)
            .count() as u64;
        report.multi_parent_children += multi;
        report.cascades_with_multi_parents += u64::from(multi > 0);
        // Keep the first line of each (parent, child), then choose parents.
        let mut kept: Vec<RawArc> = Vec::with_capacity(distinct.len());
        let mut chosen: Vec<Option<usize>> = vec![None; n];
        let mut met: HashSet<(u32, u32)> = HashSet::with_capacity(distinct.len());
        for a in arcs {
            if !met.insert((a.child, a.parent)) {
                continue;
            }
            match options.parents {
                Parents::All => kept.push(a),
                Parents::First => {
                    if chosen[a.child as usize].is_none() {
                        chosen[a.child as usize] = Some(kept.len());
                        kept.push(a);
                    }
                }
                Parents::Earliest => match chosen[a.child as usize] {
                    None => {
                        chosen[a.child as usize] = Some(kept.len());
                        kept.push(a);
                    }
                    Some(k) => {
                        if time(a.parent) < time(kept[k].parent) {
                            kept[k] = a;
                        }
                    }
                },
            }
        }
        report.extra_parents_dropped += (distinct.len() - kept.len().min(distinct.len())) as u64;
        let kept = break_cycles(kept, n, file, &self.name, options.cycles, report)?;
        report.arcs_back_in_time += kept
            .iter()
            .filter(|a| time(a.child) < time(a.parent))
            .count() as u64;
        report.cascades += 1;
        report.nodes += n as u64;
        report.arcs += kept.len() as u64;
        let arcs = kept
            .iter()
            .map(|a| ObservedArc {
                parent: a.parent,
                child: a.child,
            })
            .collect();
        ObservedCascade::new(self.name, nodes, arcs)
    }
}

/// Finds the arcs that close cycles (back arcs of a depth-first search
/// from the roots, then from the other nodes, children in line order) and
/// fails or leaves them out.
fn break_cycles(
    arcs: Vec<RawArc>,
    n: usize,
    file: &str,
    name: &str,
    policy: Cycles,
    report: &mut CascadeReport,
) -> Result<Vec<RawArc>> {
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut has_parent = vec![false; n];
    for (k, a) in arcs.iter().enumerate() {
        out[a.parent as usize].push(k);
        has_parent[a.child as usize] = true;
    }
    // 0 unvisited, 1 on the stack, 2 done.
    let mut state = vec![0u8; n];
    let mut back = vec![false; arcs.len()];
    let starts = (0..n)
        .filter(|&v| !has_parent[v])
        .chain((0..n).filter(|&v| has_parent[v]));
    for s in starts {
        if state[s] != 0 {
            continue;
        }
        state[s] = 1;
        let mut stack: Vec<(usize, usize)> = vec![(s, 0)];
        while let Some(&mut (v, ref mut next)) = stack.last_mut() {
            if let Some(&k) = out[v].get(*next) {
                *next += 1;
                let c = arcs[k].child as usize;
                match state[c] {
                    0 => {
                        state[c] = 1;
                        stack.push((c, 0));
                    }
                    1 => {
                        if policy == Cycles::Error {
                            return Err(Error::MalformedLine {
                                location: Location::new(file, arcs[k].line),
                                reason: format!(
                                    "this arc closes a cycle in cascade {name:?} \
                                     (set cycles to \"drop\" to leave such arcs out)"
                                ),
                            });
                        }
                        back[k] = true;
                    }
                    _ => {}
                }
            } else {
                state[v] = 2;
                stack.pop();
            }
        }
    }
    let dropped = back.iter().filter(|&&b| b).count() as u64;
    report.cycle_arcs_dropped += dropped;
    Ok(arcs
        .into_iter()
        .zip(back)
        .filter(|(_, b)| !b)
        .map(|(a, _)| a)
        .collect())
}

/// The cascades being read, by name, in order of first appearance.
#[derive(Debug, Default)]
struct Collector {
    index: HashMap<String, usize>,
    builders: Vec<CascadeBuilder>,
}

impl Collector {
    fn get(&mut self, name: &str, ids: IdFormat) -> &mut CascadeBuilder {
        let k = match self.index.get(name) {
            Some(&k) => k,
            None => {
                self.index.insert(name.to_string(), self.builders.len());
                self.builders
                    .push(CascadeBuilder::new(name.to_string(), ids));
                self.builders.len() - 1
            }
        };
        &mut self.builders[k]
    }

    fn finish(
        self,
        file: &str,
        options: &CascadeOptions,
        mut report: CascadeReport,
    ) -> Result<Cascades> {
        if self.builders.is_empty() {
            return Err(Error::EmptyInput {
                file: file.to_string(),
                what: "cascades",
            });
        }
        let mut cascades = Vec::with_capacity(self.builders.len());
        for b in self.builders {
            cascades.push(b.finish(file, options, &mut report)?);
        }
        Ok(Cascades { cascades, report })
    }
}

/// Reads lines of a plain or gzip input, calling `each` with the 1-based
/// line number and the line (without BOM and line end).
fn for_each_line<R: Read>(
    reader: R,
    name: &str,
    report: &mut CascadeReport,
    mut each: impl FnMut(u64, &[u8], &mut CascadeReport) -> Result<()>,
) -> Result<()> {
    let (gzip, input) = sniff(reader).map_err(|e| io_error(name, Some(1), e))?;
    report.gzip = gzip;
    let mut input: Box<dyn BufRead> = if gzip {
        Box::new(BufReader::with_capacity(BUFFER, MultiGzDecoder::new(input)))
    } else {
        Box::new(BufReader::with_capacity(BUFFER, input))
    };
    report.lines = super::detect::for_each_line(&mut input, name, gzip, |line_no, line| {
        let line = line.trim_ascii_end();
        if line.trim_ascii().is_empty() {
            report.blank_lines += 1;
            return Ok(());
        }
        each(line_no, line, report)
    })?;
    Ok(())
}

/// The name of a file's cascade: its name without folder and extension.
fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// Reads a file of Twitter15/16 propagation trees, plain or gzip.
///
/// Each line is `['uid', 'tweet', 'delay']->['uid', 'tweet', 'delay']`:
/// the parent, then the child, each a user id, a tweet id and the delay in
/// minutes after the source tweet. A line whose parent is
/// `['ROOT', 'ROOT', '0.0']` declares its child the root (the source). A
/// node is a user within one tree: its id is the uid; its time is its
/// delay; the tweet id is not kept. Spaces around the parts are allowed.
///
/// Trees are told apart as the data come: in the released data each tree
/// is a file `tree/<source tweet id>.txt`; read each, and the cascade is
/// named by the file's stem. A file may also hold many trees when each
/// line starts with the tree's name and a TAB (`<tweet id>\t[...]->[...]`,
/// as when the files are concatenated); lines of one tree need not be
/// together. A file mixes both forms only at the cost of an error.
///
/// What the data hold beyond a tree is handled and counted in
/// [`CascadeReport`]: repeated lines, self-loops, arcs into the root,
/// children with several parents ([`Parents`]), cycles ([`Cycles`]),
/// children before their parents in time, users given two times.
///
/// # Arguments
/// * `path` - the file; its display form names it in errors, its stem
///   names a tree without a name of its own.
/// * `options` - which parents to keep, what to do with cycles, id format.
///
/// # Returns
/// The cascades, in order of their first line, and the report.
///
/// # Complexity
/// Time O(B + m log m) for B bytes and m lines; space O(n + m).
///
/// # Errors
/// * [`Error::FileNotFound`], [`Error::Io`], [`Error::CorruptGzip`] as for
///   [`read_edge_list`](super::read_edge_list);
/// * [`Error::EmptyInput`] when there is no line;
/// * [`Error::MalformedLine`] for a line without `->`, a part that is not
///   a list of three quoted strings, a delay that is not a finite number,
///   a line with a tree name in a file whose other lines have none (or the
///   reverse), a node used as a parent but never given a time, and (under
///   [`Cycles::Error`]) an arc that closes a cycle.
///
/// Every error from the input names the file and the 1-based line.
///
/// # Example
/// ```
/// use wom::io::{read_propagation_trees_from, CascadeOptions, Parents};
///
/// let tree = "\
/// ['ROOT', 'ROOT', '0.0']->['10', '500', '0.0']
/// ['10', '500', '0.0']->['11', '500', '1.5']
/// ['10', '500', '0.0']->['12', '501', '2.0']
/// ['11', '500', '1.5']->['12', '501', '2.0']
/// ";
/// let read = read_propagation_trees_from(tree.as_bytes(), "500", &CascadeOptions::default())?;
/// let cascade = &read.cascades[0];
/// assert_eq!((cascade.name(), cascade.node_count(), cascade.arc_count()), ("500", 3, 2));
/// // 12 heard it from 10 (at 0.0) and from 11 (at 1.5): the earliest is kept.
/// assert_eq!(read.report.multi_parent_children, 1);
/// assert_eq!(read.report.extra_parents_dropped, 1);
///
/// let dag = CascadeOptions { parents: Parents::All, ..CascadeOptions::default() };
/// let read = read_propagation_trees_from(tree.as_bytes(), "500", &dag)?;
/// assert!(!read.cascades[0].is_tree());
/// # Ok::<(), wom::Error>(())
/// ```
pub fn read_propagation_trees(
    path: impl AsRef<Path>,
    options: &CascadeOptions,
) -> Result<Cascades> {
    let path = path.as_ref();
    let file = open(path)?;
    read_trees(file, &path.display().to_string(), &stem(path), options)
}

/// Reads Twitter15/16 propagation trees from any reader, plain or gzip.
///
/// As [`read_propagation_trees`], with `name` naming the input in errors
/// and naming a tree whose lines carry no name.
///
/// # Arguments
/// * `reader` - the input.
/// * `name` - the label used in error locations and for an unnamed tree.
/// * `options` - as for [`read_propagation_trees`].
///
/// # Returns
/// As [`read_propagation_trees`].
///
/// # Complexity
/// As [`read_propagation_trees`].
///
/// # Errors
/// As [`read_propagation_trees`], less [`Error::FileNotFound`].
///
/// # Example
/// ```
/// use wom::Error;
/// use wom::io::{read_propagation_trees_from, CascadeOptions};
///
/// let two = "a\t['ROOT', 'ROOT', '0.0']->['1', 'a', '0.0']\n\
///            b\t['ROOT', 'ROOT', '0.0']->['2', 'b', '0.0']\n\
///            a\t['1', 'a', '0.0']->['3', 'a', '4.0']\n";
/// let read = read_propagation_trees_from(two.as_bytes(), "both.txt", &CascadeOptions::default())?;
/// assert_eq!(read.cascades.iter().map(|c| c.name()).collect::<Vec<_>>(), ["a", "b"]);
///
/// let bad = read_propagation_trees_from(&b"['1', 'a', 'soon']->['2', 'a', '1']\n"[..], "t", &CascadeOptions::default());
/// assert!(matches!(bad, Err(Error::MalformedLine { location, .. }) if location.line == 1));
/// # Ok::<(), wom::Error>(())
/// ```
pub fn read_propagation_trees_from<R: Read>(
    reader: R,
    name: &str,
    options: &CascadeOptions,
) -> Result<Cascades> {
    read_trees(reader, name, name, options)
}

/// One `['uid', 'tweet', 'delay']` part: the uid and the delay (`None`
/// for `ROOT`).
fn tree_part<'a>(part: &'a [u8], file: &str, line: u64) -> Result<(&'a [u8], Option<f64>)> {
    let bad = |why: &str| Error::MalformedLine {
        location: Location::new(file, line),
        reason: format!(
            "{why} in {:?}; expected ['uid', 'tweet', 'delay']",
            lossy(part)
        ),
    };
    let inner = part
        .trim_ascii()
        .strip_prefix(b"[")
        .and_then(|p| p.strip_suffix(b"]"))
        .ok_or_else(|| bad("no brackets"))?;
    let mut fields = inner.split(|&b| b == b',').map(|f| {
        let f = f.trim_ascii();
        f.strip_prefix(b"'")
            .and_then(|f| f.strip_suffix(b"'"))
            .or_else(|| f.strip_prefix(b"\"").and_then(|f| f.strip_suffix(b"\"")))
    });
    let (Some(Some(uid)), Some(Some(_tweet)), Some(Some(delay)), None) =
        (fields.next(), fields.next(), fields.next(), fields.next())
    else {
        return Err(bad("not three quoted fields"));
    };
    if uid == b"ROOT" {
        return Ok((uid, None));
    }
    if uid.is_empty() {
        return Err(bad("an empty uid"));
    }
    Ok((uid, Some(parse_time(delay, file, line)?)))
}

fn read_trees<R: Read>(
    reader: R,
    file: &str,
    unnamed: &str,
    options: &CascadeOptions,
) -> Result<Cascades> {
    let mut report = CascadeReport::default();
    let mut trees = Collector::default();
    // Whether lines carry a tree name; set by the first line.
    let mut named: Option<bool> = None;
    for_each_line(reader, file, &mut report, |line_no, line, report| {
        let (tree, rest) = match line.iter().position(|&b| b == b'\t') {
            Some(tab) => (Some(&line[..tab]), &line[tab + 1..]),
            None => (None, line),
        };
        if *named.get_or_insert(tree.is_some()) != tree.is_some() {
            return Err(Error::MalformedLine {
                location: Location::new(file, line_no),
                reason: if tree.is_some() {
                    "this line starts with a tree name and a TAB, the first line did not".into()
                } else {
                    "this line has no tree name and TAB, the first line had one".into()
                },
            });
        }
        let tree_name = match tree {
            Some(t) => String::from_utf8_lossy(t.trim_ascii()).into_owned(),
            None => unnamed.to_string(),
        };
        let arrow =
            rest.windows(2)
                .position(|w| w == b"->")
                .ok_or_else(|| Error::MalformedLine {
                    location: Location::new(file, line_no),
                    reason: "no \"->\" between parent and child".into(),
                })?;
        let (parent, parent_time) = tree_part(&rest[..arrow], file, line_no)?;
        let (child, child_time) = tree_part(&rest[arrow + 2..], file, line_no)?;
        if child_time.is_none() {
            return Err(Error::MalformedLine {
                location: Location::new(file, line_no),
                reason: "the child cannot be ROOT".into(),
            });
        }
        let b = trees.get(&tree_name, options.ids);
        if parent_time.is_none() {
            report.root_records += 1;
            let c = b.node(child, child_time, file, line_no, report)?;
            b.roots[c as usize] = true;
        } else {
            report.arc_records += 1;
            let p = b.node(parent, parent_time, file, line_no, report)?;
            let c = b.node(child, child_time, file, line_no, report)?;
            b.arcs.push(RawArc {
                parent: p,
                child: c,
                line: line_no,
            });
        }
        Ok(())
    })?;
    trees.finish(file, options, report)
}

/// Reads a CSV of parent arcs with times, plain or gzip.
///
/// The first line is a header naming the columns `parent`, `child` and
/// `time`, and optionally `cascade`, in any order, separated by commas
/// (no quoting: ids and names must not hold commas). Each later line is one
/// record: `child` joined at `time` from `parent`; an empty `parent` makes
/// the child a root. Every node needs a line of its own as a child or root
/// (that is where its time comes from). With a `cascade` column, records
/// are grouped by it; without, the file is one cascade named by its stem.
/// Policies and counts as for [`read_propagation_trees`].
///
/// # Arguments
/// * `path` - the file.
/// * `options` - which parents to keep, what to do with cycles, id format.
///
/// # Returns
/// The cascades and the report.
///
/// # Complexity
/// Time O(B + m log m); space O(n + m).
///
/// # Errors
/// As [`read_propagation_trees`]; also [`Error::MalformedLine`] for a
/// header without the three columns, a record with a different number of
/// fields than the header, an unparsable time, and a parent never given a
/// line of its own.
///
/// # Example
/// ```
/// use wom::io::{read_cascade_csv, CascadeOptions};
///
/// let path = std::env::temp_dir().join(format!("wom-doc-cascade-{}.csv", std::process::id()));
/// std::fs::write(&path, "parent,child,time\n,ann,0\nann,bob,2.5\nann,cy,3\nbob,dan,4\n")?;
/// let read = read_cascade_csv(&path, &CascadeOptions::default());
/// std::fs::remove_file(&path)?;
/// let read = read?;
/// let m = read.cascades[0].metrics();
/// assert_eq!((m.adopters, m.depth), (4, 2));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn read_cascade_csv(path: impl AsRef<Path>, options: &CascadeOptions) -> Result<Cascades> {
    let path = path.as_ref();
    let file = open(path)?;
    read_cascade_csv_from(file, &path.display().to_string(), &stem(path), options)
}

/// Reads a CSV of parent arcs from any reader: as [`read_cascade_csv`],
/// with `name` naming the input in errors and `unnamed` naming the cascade
/// when there is no `cascade` column.
///
/// # Errors
/// As [`read_cascade_csv`], less [`Error::FileNotFound`].
///
/// # Example
/// ```
/// use wom::io::{read_cascade_csv_from, CascadeOptions};
///
/// let text = "cascade,time,child,parent\nx,0,1,\nx,1,2,1\ny,0,1,\n";
/// let read = read_cascade_csv_from(text.as_bytes(), "<memory>", "-", &CascadeOptions::default())?;
/// assert_eq!(read.report.cascades, 2);
/// assert_eq!(read.report.root_records, 2);
/// # Ok::<(), wom::Error>(())
/// ```
pub fn read_cascade_csv_from<R: Read>(
    reader: R,
    name: &str,
    unnamed: &str,
    options: &CascadeOptions,
) -> Result<Cascades> {
    let mut report = CascadeReport::default();
    let mut cascades = Collector::default();
    // Indices of parent, child, time, cascade; and the field count.
    let mut layout: Option<([usize; 3], Option<usize>, usize)> = None;
    for_each_line(reader, name, &mut report, |line_no, line, report| {
        let fields: Vec<&[u8]> = line.split(|&b| b == b',').map(<[u8]>::trim_ascii).collect();
        let at = || Location::new(name, line_no);
        let Some((cols, group, width)) = layout else {
            let find = |want: &[u8]| fields.iter().position(|f| *f == want);
            let (Some(p), Some(c), Some(t)) = (find(b"parent"), find(b"child"), find(b"time"))
            else {
                return Err(Error::MalformedLine {
                    location: at(),
                    reason: format!(
                        "the header must name the columns parent, child and time; it is {:?}",
                        lossy(line)
                    ),
                });
            };
            report.header_lines += 1;
            layout = Some(([p, c, t], find(b"cascade"), fields.len()));
            return Ok(());
        };
        if fields.len() != width {
            return Err(Error::MalformedLine {
                location: at(),
                reason: format!("found {} fields, but the header has {width}", fields.len()),
            });
        }
        let [p, c, t] = cols.map(|i| fields[i]);
        let cascade = match group {
            Some(g) => String::from_utf8_lossy(fields[g]).into_owned(),
            None => unnamed.to_string(),
        };
        let time = parse_time(t, name, line_no)?;
        let b = cascades.get(&cascade, options.ids);
        if p.is_empty() {
            report.root_records += 1;
            let child = b.node(c, Some(time), name, line_no, report)?;
            b.roots[child as usize] = true;
        } else {
            report.arc_records += 1;
            let parent = b.node(p, None, name, line_no, report)?;
            let child = b.node(c, Some(time), name, line_no, report)?;
            b.arcs.push(RawArc {
                parent,
                child,
                line: line_no,
            });
        }
        Ok(())
    })?;
    cascades.finish(name, options, report)
}

/// One line of an activity log.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Activity {
    /// The first user of the line (index into [`ActivityLog::ids`]): in
    /// the Higgs files, the one who retweeted, mentioned or replied.
    pub actor: u32,
    /// The second user: the one retweeted, mentioned or replied to.
    pub other: u32,
    /// When, in the file's unit (Unix seconds in the Higgs files).
    pub time: f64,
    /// The kind (index into [`ActivityLog::kinds`]).
    pub kind: u32,
    /// The 1-based line it was read from.
    pub line: u64,
}

/// A timestamped activity log: `u v time kind` lines, as the Higgs Twitter
/// activity file (`userA userB timestamp RT|MT|RE`).
#[derive(Debug, Clone)]
pub struct ActivityLog {
    /// The user ids, in order of first appearance.
    pub ids: Vec<crate::NodeId>,
    /// The kinds met (`RT`, `MT`, `RE` ...), in order of first appearance.
    pub kinds: Vec<String>,
    /// The lines, in file order.
    pub activities: Vec<Activity>,
    /// What was met: lines, blank lines, gzip; `arc_records` counts the
    /// activity lines.
    pub report: CascadeReport,
    /// The input's name, for errors of [`to_cascade`](Self::to_cascade).
    pub source: String,
}

/// Reads a timestamped activity log (`u v time kind`, columns separated by
/// spaces or tabs), plain or gzip.
///
/// Ids follow `ids` ([`IdFormat::Integer`] for the Higgs files); the time
/// is a finite decimal number; the kind is any text without blanks. Lines
/// whose first non-blank character is `#` are comments (counted as
/// header lines).
///
/// # Arguments
/// * `path` - the file.
/// * `ids` - how user ids are read.
///
/// # Returns
/// The log, every line kept.
///
/// # Complexity
/// Time O(B), space O(n + m).
///
/// # Errors
/// [`Error::FileNotFound`], [`Error::Io`], [`Error::CorruptGzip`];
/// [`Error::EmptyInput`] without an activity; [`Error::MalformedLine`] for
/// a line without exactly four columns, an id that does not fit `ids`, or
/// a time that is not a finite number, naming the file and line.
///
/// # Example
/// ```
/// use wom::io::{read_activity_from, ArcDirection, CascadeOptions, IdFormat};
///
/// // Higgs: "2 retweeted 1 at 100", "3 retweeted 2 at 160", "4 replied to 1".
/// let log = "2 1 100 RT\n3 2 160 RT\n4 1 170 RE\n";
/// let log = read_activity_from(log.as_bytes(), "<memory>", IdFormat::Integer)?;
/// assert_eq!(log.kinds, ["RT", "RE"]);
/// // Retweets: influence flows from the one retweeted to the retweeter.
/// let rt = log.to_cascade("RT", &["RT"], ArcDirection::Reversed, &CascadeOptions::default())?;
/// assert_eq!((rt.cascades[0].node_count(), rt.cascades[0].metrics().depth), (3, 2));
/// # Ok::<(), wom::Error>(())
/// ```
pub fn read_activity(path: impl AsRef<Path>, ids: IdFormat) -> Result<ActivityLog> {
    let path = path.as_ref();
    let file = open(path)?;
    read_activity_from(file, &path.display().to_string(), ids)
}

/// Reads an activity log from any reader: as [`read_activity`], with
/// `name` naming the input in errors.
///
/// # Errors
/// As [`read_activity`], less [`Error::FileNotFound`].
///
/// # Example
/// ```
/// use wom::Error;
/// use wom::io::{read_activity_from, IdFormat};
///
/// let bad = read_activity_from(&b"1 2 100 RT\n1 2 RT\n"[..], "log", IdFormat::Integer);
/// assert!(matches!(bad, Err(Error::MalformedLine { location, .. }) if location.line == 2));
/// ```
pub fn read_activity_from<R: Read>(reader: R, name: &str, ids: IdFormat) -> Result<ActivityLog> {
    let mut report = CascadeReport::default();
    let mut interner = Interner::new(ids);
    let mut kinds: Vec<String> = Vec::new();
    let mut activities = Vec::new();
    for_each_line(reader, name, &mut report, |line_no, line, report| {
        let fields: Vec<&[u8]> = line
            .split(|b| b.is_ascii_whitespace())
            .filter(|t| !t.is_empty())
            .collect();
        if fields.first().is_some_and(|f| f.starts_with(b"#")) {
            report.header_lines += 1;
            return Ok(());
        }
        let [u, v, t, k] = fields[..] else {
            return Err(Error::MalformedLine {
                location: Location::new(name, line_no),
                reason: format!("expected 4 columns (u v time kind), found {}", fields.len()),
            });
        };
        let actor = interner.intern(u, MAX_NODES, name, line_no)?;
        let other = interner.intern(v, MAX_NODES, name, line_no)?;
        let time = parse_time(t, name, line_no)?;
        let kind_text = lossy(k);
        let kind = match kinds.iter().position(|x| *x == kind_text) {
            Some(i) => i,
            None => {
                kinds.push(kind_text);
                kinds.len() - 1
            }
        } as u32;
        report.arc_records += 1;
        activities.push(Activity {
            actor,
            other,
            time,
            kind,
            line: line_no,
        });
        Ok(())
    })?;
    if activities.is_empty() {
        return Err(Error::EmptyInput {
            file: name.to_string(),
            what: "activities",
        });
    }
    Ok(ActivityLog {
        ids: interner.into_ids(),
        kinds,
        activities,
        report,
        source: name.to_string(),
    })
}

impl ActivityLog {
    /// The cascade of the activities of the given kinds.
    ///
    /// Each activity is an arc: with [`ArcDirection::AsListed`], `actor ->
    /// other` (`u` passed it to `v`, as for a mention); with
    /// [`ArcDirection::Reversed`], `other -> actor` (`u` heard it from
    /// `v`, as for a retweet or a reply). A user's time is the time of
    /// their first activity of these kinds (as either user); arcs are
    /// handled as in [`read_propagation_trees`]: repeats are one arc,
    /// self-loops left out, [`Parents`] and [`Cycles`] apply, and
    /// everything is counted in the report. There are no declared roots:
    /// the roots are the users without a parent.
    ///
    /// # Arguments
    /// * `name` - the cascade's name.
    /// * `kinds` - the kinds to take (`["RT"]`); empty takes every kind.
    /// * `direction` - which way influence flows on a line.
    /// * `options` - parents and cycles (its `ids` is not used: ids keep
    ///   the form the log was read in).
    ///
    /// # Returns
    /// One cascade, with the report of how it was built.
    ///
    /// # Complexity
    /// Time O(m log m), space O(n + m).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for a kind the log does not hold;
    /// [`Error::EmptyInput`] when no activity has those kinds;
    /// [`Error::MalformedLine`] for an arc closing a cycle under
    /// [`Cycles::Error`], naming the file and line.
    ///
    /// # Example
    /// ```
    /// use wom::io::{read_activity_from, ArcDirection, CascadeOptions, Cycles};
    /// use wom::io::IdFormat;
    ///
    /// // 1 and 2 retweet each other: a cycle, which can be left out.
    /// let log = read_activity_from(&b"2 1 10 RT\n1 2 20 RT\n"[..], "log", IdFormat::Integer)?;
    /// let options = CascadeOptions { cycles: Cycles::Drop, ..CascadeOptions::default() };
    /// let c = log.to_cascade("rt", &[], ArcDirection::Reversed, &options)?;
    /// assert_eq!((c.report.arcs, c.report.cycle_arcs_dropped), (1, 1));
    /// # Ok::<(), wom::Error>(())
    /// ```
    pub fn to_cascade(
        &self,
        name: &str,
        kinds: &[&str],
        direction: ArcDirection,
        options: &CascadeOptions,
    ) -> Result<Cascades> {
        let mut wanted = vec![kinds.is_empty(); self.kinds.len()];
        for k in kinds {
            let i = self.kinds.iter().position(|x| x == k).ok_or_else(|| {
                Error::param(
                    "kinds",
                    k,
                    format!("the log holds no such kind (it has {:?})", self.kinds),
                )
            })?;
            wanted[i] = true;
        }
        let mut report = CascadeReport {
            gzip: self.report.gzip,
            ..CascadeReport::default()
        };
        // Ids keep the form they were read in.
        let format = if self
            .ids
            .iter()
            .all(|id| matches!(id, crate::NodeId::Num(_)))
        {
            IdFormat::Integer
        } else {
            IdFormat::Text
        };
        let mut b = CascadeBuilder::new(name.to_string(), format);
        // Nodes are re-interned by their external id, in order of use.
        let mut text = String::new();
        for a in self
            .activities
            .iter()
            .filter(|a| wanted.get(a.kind as usize) == Some(&true))
        {
            let (from, to) = match direction {
                ArcDirection::AsListed => (a.actor, a.other),
                ArcDirection::Reversed => (a.other, a.actor),
            };
            let mut node = |i: u32, report: &mut CascadeReport| {
                text.clear();
                if let Some(id) = self.ids.get(i as usize) {
                    use std::fmt::Write;
                    let _ = write!(text, "{}", id_text(id));
                }
                let k = b.node(text.as_bytes(), None, &self.source, a.line, report)?;
                let slot = &mut b.times[k as usize];
                *slot = Some(slot.map_or((a.time, a.line), |(t, l)| (t.min(a.time), l)));
                Ok::<u32, Error>(k)
            };
            let parent = node(from, &mut report)?;
            let child = node(to, &mut report)?;
            report.arc_records += 1;
            b.arcs.push(RawArc {
                parent,
                child,
                line: a.line,
            });
        }
        if b.arcs.is_empty() {
            return Err(Error::EmptyInput {
                file: self.source.clone(),
                what: "activities of the chosen kinds",
            });
        }
        let cascade = b.finish(&self.source, options, &mut report)?;
        Ok(Cascades {
            cascades: vec![cascade],
            report,
        })
    }
}

/// The format of a file of observed cascades.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CascadeFormat {
    /// Twitter15/16 propagation trees ([`read_propagation_trees`]); times
    /// in minutes after the source tweet.
    Trees,
    /// `parent,child,time` CSV with an optional `cascade` column
    /// ([`read_cascade_csv`]).
    Csv,
    /// A `u v time kind` activity log ([`read_activity`] and
    /// [`ActivityLog::to_cascade`]): one cascade, named by the file's stem.
    Activity,
}

impl CascadeFormat {
    /// The format's name in documents and on the command line.
    pub const fn name(self) -> &'static str {
        match self {
            CascadeFormat::Trees => "trees",
            CascadeFormat::Csv => "csv",
            CascadeFormat::Activity => "activity",
        }
    }

    /// The unit of its times, as far as the format says: `"minute"` for
    /// Twitter15/16 trees, `"file unit"` for the others.
    pub const fn time_unit(self) -> &'static str {
        match self {
            CascadeFormat::Trees => "minute",
            CascadeFormat::Csv | CascadeFormat::Activity => "file unit",
        }
    }
}

/// A file of observed cascades and how to read it, as a scenario's
/// `observed` section and `wom cascades` name it ([`read_cascades`]).
#[derive(Debug, Clone, PartialEq)]
pub struct CascadeSource {
    /// The file, plain or gzip.
    pub path: std::path::PathBuf,
    /// Its format.
    pub format: CascadeFormat,
    /// Parents, cycles and id format.
    pub options: CascadeOptions,
    /// Of an activity log: the kinds of lines that are arcs (`["RT"]`);
    /// empty takes every kind.
    pub kinds: Vec<String>,
    /// Of an activity log: which way influence flows on a line.
    pub direction: ArcDirection,
}

/// Reads the cascades of `source` with the reader of its format.
///
/// # Errors
/// Those of the format's reader, naming the file and line; and
/// [`Error::InvalidParameter`] (named `kinds` or `direction`) when kinds
/// or a direction other than the default are given for a format other
/// than `activity` (they would be ignored), or a kind the log does not
/// hold.
///
/// # Example
/// ```
/// use wom::io::{ArcDirection, CascadeFormat, CascadeOptions, CascadeSource, read_cascades};
///
/// let path = std::env::temp_dir().join(format!("wom-doc-source-{}.csv", std::process::id()));
/// std::fs::write(&path, "parent,child,time\n,ann,0\nann,bob,2\n")?;
/// let source = CascadeSource {
///     path: path.clone(),
///     format: CascadeFormat::Csv,
///     options: CascadeOptions::default(),
///     kinds: Vec::new(),
///     direction: ArcDirection::Reversed,
/// };
/// let read = read_cascades(&source);
/// std::fs::remove_file(&path)?;
/// assert_eq!(read?.cascades[0].node_count(), 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn read_cascades(source: &CascadeSource) -> Result<Cascades> {
    if source.format != CascadeFormat::Activity && !source.kinds.is_empty() {
        return Err(Error::param(
            "kinds",
            format!("{:?}", source.kinds),
            format!(
                "kinds choose lines of an activity log; this file's format is {}",
                source.format.name()
            ),
        ));
    }
    match source.format {
        CascadeFormat::Trees => read_propagation_trees(&source.path, &source.options),
        CascadeFormat::Csv => read_cascade_csv(&source.path, &source.options),
        CascadeFormat::Activity => {
            let log = read_activity(&source.path, source.options.ids)?;
            let kinds: Vec<&str> = source.kinds.iter().map(String::as_str).collect();
            let mut read = log.to_cascade(
                &stem(&source.path),
                &kinds,
                source.direction,
                &source.options,
            )?;
            // The lines read are the log's: blank and comment lines too.
            read.report.lines = log.report.lines;
            read.report.blank_lines = log.report.blank_lines;
            read.report.header_lines = log.report.header_lines;
            read.report.other_kind_lines = log.report.arc_records - read.report.arc_records;
            Ok(read)
        }
    }
}

/// The text an id was read from.
fn id_text(id: &crate::NodeId) -> String {
    match id {
        crate::NodeId::Num(n) => n.to_string(),
        crate::NodeId::Name(s) => s.clone(),
    }
}
