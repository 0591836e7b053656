//! Export of results for other tools: ensemble curves to CSV, and the
//! cascade of one run to Graphviz DOT and to GraphML.
//!
//! Everything is written by hand, streamed to any [`std::io::Write`]
//! (buffered inside, so an unbuffered [`File`](std::fs::File) is fine), and
//! every input is checked before the first byte is written: an invalid
//! input gives an [`Error`] and leaves the output untouched.
//!
//! # CSV curves
//! [`write_curves_csv`] writes named curves of [`Estimate`]s (for example
//! [`EnsembleResult::adoption_curve`](crate::ensemble::EnsembleResult::adoption_curve)
//! of several scenarios) side by side, one row per step, as
//! [RFC 4180](https://www.rfc-editor.org/rfc/rfc4180) CSV that spreadsheets,
//! pandas and R read directly:
//!
//! ```text
//! step,ads_mean,ads_std_dev,ads_ci_low,ads_ci_high,wom_mean,...
//! 0,10,0,10,10,10,...
//! ```
//!
//! # Cascades
//! A cascade is the adoption [`Event`]s of one run in the order they
//! happened, as [`Recorder::cascade`](crate::propagation::Recorder::cascade)
//! returns them. Both graph formats hold one node per adopter and one arc
//! `sender -> node` per adoption whose sender adopted earlier in the
//! cascade:
//!
//! * [`write_cascade_dot`] writes the
//!   [Graphviz DOT language](https://graphviz.org/doc/info/lang.html), for
//!   `dot -Tsvg` and the other Graphviz layouts;
//! * [`write_cascade_graphml`] writes
//!   [GraphML](http://graphml.graphdrawing.org/primer/graphml-primer.html),
//!   which [Gephi](https://gephi.org/) opens with its node and edge
//!   attributes as columns of the data laboratory (and which NetworkX,
//!   igraph and yEd read too).
//!
//! **Roots.** An adoption with no sender (a seed, advertising, any influence
//! from outside the graph) is a root of the cascade. So is an adoption whose
//! sender is a node of the network that had not adopted earlier in the
//! cascade (possible with models where non-adopters talk, such as
//! opinion leaders paid by a [`Campaign`](crate::propagation::Campaign)):
//! that sender is not a node of the cascade graph and no arc is drawn.
//!
//! **Repeated adopters.** The built-in models report each adopter once,
//! but a custom model or a hand-made cascade may list a node several
//! times: it is one node with the attributes of its first adoption, and
//! each of its adoptions whose sender adopted earlier adds an arc.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::io::{self, BufWriter, Write};

use crate::ensemble::Estimate;
use crate::error::{Error, Result};
use crate::id::NodeId;
use crate::network::Network;
use crate::propagation::Event;

/// The label of CSV output in [`Error::Io`].
const CSV_OUTPUT: &str = "<csv output>";
/// The label of DOT output in [`Error::Io`].
const DOT_OUTPUT: &str = "<dot output>";
/// The label of GraphML output in [`Error::Io`].
const GRAPHML_OUTPUT: &str = "<graphml output>";

/// The four columns of each curve, in order, with their header suffixes.
const CURVE_COLUMNS: [&str; 4] = ["_mean", "_std_dev", "_ci_low", "_ci_high"];

/// Writes named curves side by side as CSV: a header
/// `step,<name>_mean,<name>_std_dev,<name>_ci_low,<name>_ci_high,...` with
/// the curves in the order given, then one row per step from 0 to the
/// longest curve's last step.
///
/// A curve shorter than the longest leaves its four cells empty in the
/// rows past its end, and so does a point of no runs (`runs == 0`: a
/// quantity no run defined at that step, see
/// [`Curves::quantities`](crate::kpi::Curves::quantities)), as its JSON
/// figures are `null`. Numbers are written with Rust's shortest round-trip
/// formatting (`{}`), so parsing a cell as `f64` gives back exactly the
/// value written (`0.30000000000000004` stays itself); NaN and infinities
/// are written `NaN`, `inf` and `-inf`. A header field holding a comma, a
/// double quote or a line break is quoted as RFC 4180 says (quotes inside
/// doubled). Lines end with `\n`. With no curves the output is the header
/// `step` alone.
///
/// # Arguments
/// * `out`: where to write (a `&mut Vec<u8>`, a file, standard output ...).
/// * `curves`: `(name, points)` pairs; names must be non-empty and unique.
///
/// # Errors
/// [`Error::InvalidParameter`] for an empty or repeated name (nothing is
/// written then); [`Error::Io`] when writing fails.
///
/// # Complexity
/// O(steps × curves) time; O(curves) extra space.
///
/// # Example
/// ```
/// use wom::ensemble::Estimate;
/// use wom::export::write_curves_csv;
///
/// let point = |mean: f64| Estimate {
///     runs: 2,
///     mean,
///     ci_low: mean - 1.0,
///     ci_high: mean + 1.0,
///     ..Estimate::default()
/// };
/// let ads = [point(1.0), point(2.5)];
/// let wom = [point(1.0)];
/// let mut csv = Vec::new();
/// write_curves_csv(&mut csv, &[("ads", &ads[..]), ("word, of mouth", &wom[..])])?;
/// assert_eq!(
///     String::from_utf8(csv).unwrap(),
///     "step,ads_mean,ads_std_dev,ads_ci_low,ads_ci_high,\"word, of mouth_mean\",\
///      \"word, of mouth_std_dev\",\"word, of mouth_ci_low\",\"word, of mouth_ci_high\"\n\
///      0,1,0,0,2,1,0,0,2\n\
///      1,2.5,0,1.5,3.5,,,,\n",
/// );
/// # Ok::<(), wom::Error>(())
/// ```
pub fn write_curves_csv<W: Write>(out: W, curves: &[(&str, &[Estimate])]) -> Result<()> {
    let mut names = HashSet::with_capacity(curves.len());
    for (i, &(name, _)) in curves.iter().enumerate() {
        if name.is_empty() {
            return Err(Error::param(
                &format!("curves[{i}] name"),
                "\"\"",
                "a curve name must not be empty",
            ));
        }
        if !names.insert(name) {
            return Err(Error::param(
                &format!("curves[{i}] name"),
                format!("{name:?}"),
                "two curves have this name; their CSV columns would clash",
            ));
        }
    }
    let mut out = BufWriter::new(out);
    write_csv(&mut out, curves)
        .and_then(|()| out.flush())
        .map_err(io_error(CSV_OUTPUT))
}

fn write_csv<W: Write>(out: &mut W, curves: &[(&str, &[Estimate])]) -> io::Result<()> {
    out.write_all(b"step")?;
    for &(name, _) in curves {
        for suffix in CURVE_COLUMNS {
            out.write_all(b",")?;
            write_csv_field(out, name, suffix)?;
        }
    }
    out.write_all(b"\n")?;
    let steps = curves.iter().map(|(_, c)| c.len()).max().unwrap_or(0);
    for step in 0..steps {
        write!(out, "{step}")?;
        for &(_, curve) in curves {
            match curve.get(step) {
                Some(e) if e.runs > 0 => {
                    write!(out, ",{},{},{},{}", e.mean, e.std_dev, e.ci_low, e.ci_high)?;
                }
                _ => out.write_all(b",,,,")?,
            }
        }
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// Writes the field `name` + `suffix`, quoted if RFC 4180 requires it.
fn write_csv_field<W: Write>(out: &mut W, name: &str, suffix: &str) -> io::Result<()> {
    // The suffixes are plain text: only the name can need quoting.
    if !name.contains([',', '"', '\n', '\r']) {
        out.write_all(name.as_bytes())?;
        return out.write_all(suffix.as_bytes());
    }
    out.write_all(b"\"")?;
    write_escaped(out, name, |c| (c == '"').then_some("\"\""))?;
    out.write_all(suffix.as_bytes())?;
    out.write_all(b"\"")
}

/// Writes the cascade of one run as a Graphviz DOT digraph.
///
/// The graph is `digraph cascade { ... }` with:
/// * one node per adopter, named by its external id
///   ([`Network::id_of`]: the number, or the name verbatim), with the
///   attributes `role` (its role's name), `step` (the step it adopted at)
///   and, for adopters at step 0, `seed=true`; nodes come in the order of
///   their first adoption;
/// * then one arc `sender -> node` per adoption whose sender adopted
///   earlier in the cascade, with the attributes `label` (the channel's
///   name, `channel_names[event.channel.0]`, or its number when
///   `channel_names` has no such entry) and `step`. Adoptions without such
///   a sender are roots (see the [module docs](self)).
///
/// Every name and label is a double-quoted DOT string in which `"` and `\`
/// are escaped with a backslash and line breaks are written `\n` and `\r`,
/// so each id gives a distinct node and Graphviz shows it as written.
///
/// # Arguments
/// * `out`: where to write.
/// * `network`: the network the run was made on (ids and roles).
/// * `cascade`: the run's adoptions in order, as
///   [`Recorder::cascade`](crate::propagation::Recorder::cascade) gives them.
/// * `channel_names`: the model's
///   [`channel_names`](crate::propagation::Model::channel_names).
///
/// # Errors
/// [`Error::UnknownNode`] when an event's node or sender is not a node
/// index of `network`; [`Error::InvalidParameter`] when two adopters would
/// have the same DOT name (a network whose ids include both the number `7`
/// and the name `"7"`; [`write_cascade_graphml`] names nodes by index and
/// has no such limit); [`Error::Io`] when writing fails. Nothing is written
/// on an invalid input.
///
/// # Complexity
/// O(c) expected time and extra space for a cascade of c events.
///
/// # Example
/// ```
/// use wom::Network;
/// use wom::export::write_cascade_dot;
/// use wom::propagation::{IndependentCascade, Recorder, Simulation, Model};
///
/// // A path 0 -> 1 -> 2 with certain transmission.
/// let net = Network::from_arcs(3, [(0, 1, 1.0), (1, 2, 1.0)])?;
/// let ic = IndependentCascade::uniform(&net, 1.0)?;
/// let mut rec = Recorder::new();
/// Simulation::new(&net, &ic).run(&[0], 42, 0, &mut rec)?;
///
/// let mut dot = Vec::new();
/// write_cascade_dot(&mut dot, &net, rec.cascade(), &ic.channel_names())?;
/// assert_eq!(
///     String::from_utf8(dot).unwrap(),
///     "digraph cascade {\n\
///     \x20 \"0\" [role=\"consumer\", step=0, seed=true];\n\
///     \x20 \"1\" [role=\"consumer\", step=1];\n\
///     \x20 \"2\" [role=\"consumer\", step=2];\n\
///     \x20 \"0\" -> \"1\" [label=\"tie\", step=1];\n\
///     \x20 \"1\" -> \"2\" [label=\"tie\", step=2];\n\
///      }\n",
/// );
/// # Ok::<(), wom::Error>(())
/// ```
pub fn write_cascade_dot<W: Write>(
    out: W,
    network: &Network,
    cascade: &[Event],
    channel_names: &[String],
) -> Result<()> {
    let plan = CascadePlan::new(network, cascade)?;
    plan.check_dot_names()?;
    let mut out = BufWriter::new(out);
    plan.write_dot(&mut out, channel_names)
        .and_then(|()| out.flush())
        .map_err(io_error(DOT_OUTPUT))
}

/// Writes the cascade of one run as GraphML, ready for Gephi.
///
/// The document declares its attributes with `<key>`s:
///
/// | key id | for | name | type | value |
/// |---|---|---|---|---|
/// | `label` | node | `label` | string | the external id ([`Network::id_of`]) |
/// | `role` | node | `role` | string | the role's name |
/// | `step` | node | `step` | long | the step of its first adoption |
/// | `seed` | node | `seed` | boolean | whether it adopted at step 0 |
/// | `channel` | edge | `channel` | string | the channel's name (or number) |
/// | `edge_step` | edge | `step` | long | the step of the adoption |
///
/// Steps are declared `long` because a step is a `u32`, which does not
/// always fit GraphML's 32-bit signed `int`. Gephi shows the `label`
/// attribute as the node's label.
///
/// The single `<graph edgedefault="directed">` holds one `<node
/// id="n<index>">` per adopter (index = the node's index in `network`), in
/// the order of first adoption, then one `<edge id="e<k>">` per adoption
/// whose sender adopted earlier in the cascade (the same arcs as
/// [`write_cascade_dot`]; the others are roots, see the
/// [module docs](self)).
///
/// All text is XML-escaped: `&`, `<`, `>`, `"` and `'` become entity
/// references, tab and line breaks become character references (so that
/// they survive as written), and the characters XML 1.0 forbids (control
/// characters, U+FFFE, U+FFFF) become U+FFFD.
///
/// # Arguments
/// As [`write_cascade_dot`].
///
/// # Errors
/// [`Error::UnknownNode`] when an event's node or sender is not a node
/// index of `network` (nothing is written then); [`Error::Io`] when writing
/// fails.
///
/// # Complexity
/// O(c) expected time and extra space for a cascade of c events.
///
/// # Example
/// ```
/// use wom::Network;
/// use wom::export::write_cascade_graphml;
/// use wom::propagation::{IndependentCascade, Recorder, Simulation, Model};
///
/// let net = Network::from_arcs(2, [(0, 1, 1.0)])?;
/// let ic = IndependentCascade::uniform(&net, 1.0)?;
/// let mut rec = Recorder::new();
/// Simulation::new(&net, &ic).run(&[0], 42, 0, &mut rec)?;
///
/// let mut xml = Vec::new();
/// write_cascade_graphml(&mut xml, &net, rec.cascade(), &ic.channel_names())?;
/// let xml = String::from_utf8(xml).unwrap();
/// assert!(xml.contains("<graph id=\"cascade\" edgedefault=\"directed\">"));
/// assert!(xml.contains("<edge id=\"e0\" source=\"n0\" target=\"n1\">"));
/// assert_eq!(xml.matches("<node ").count(), 2);
/// # Ok::<(), wom::Error>(())
/// ```
pub fn write_cascade_graphml<W: Write>(
    out: W,
    network: &Network,
    cascade: &[Event],
    channel_names: &[String],
) -> Result<()> {
    let plan = CascadePlan::new(network, cascade)?;
    let mut out = BufWriter::new(out);
    plan.write_graphml(&mut out, channel_names)
        .and_then(|()| out.flush())
        .map_err(io_error(GRAPHML_OUTPUT))
}

/// A checked cascade: every node and sender is a node of the network, and
/// the position of each adopter's first adoption is known.
struct CascadePlan<'a> {
    network: &'a Network,
    cascade: &'a [Event],
    /// Node index -> position in `cascade` of its first adoption.
    first: HashMap<u32, usize>,
}

impl<'a> CascadePlan<'a> {
    fn new(network: &'a Network, cascade: &'a [Event]) -> Result<Self> {
        let mut first = HashMap::with_capacity(cascade.len());
        for (i, e) in cascade.iter().enumerate() {
            check_node(network, e.node, "node", i)?;
            if let Some(s) = e.sender {
                check_node(network, s, "sender", i)?;
            }
            first.entry(e.node).or_insert(i);
        }
        Ok(CascadePlan {
            network,
            cascade,
            first,
        })
    }

    /// The events that are first adoptions: the nodes of the cascade graph.
    fn nodes(&self) -> impl Iterator<Item = &'a Event> + '_ {
        self.cascade
            .iter()
            .enumerate()
            .filter(|&(i, e)| self.first.get(&e.node) == Some(&i))
            .map(|(_, e)| e)
    }

    /// The events whose sender adopted earlier: the arcs, with their sender.
    fn arcs(&self) -> impl Iterator<Item = (u32, &'a Event)> + '_ {
        self.cascade.iter().enumerate().filter_map(|(i, e)| {
            let s = e.sender?;
            let &at = self.first.get(&s)?;
            (at < i).then_some((s, e))
        })
    }

    /// The external id of node `v`, as text (checked to exist in `new`).
    fn id_text(&self, v: u32) -> Cow<'a, str> {
        match self.network.id_of(v) {
            Some(NodeId::Num(n)) => Cow::Owned(n.to_string()),
            Some(NodeId::Name(s)) => Cow::Borrowed(s),
            None => Cow::Owned(v.to_string()),
        }
    }

    /// The name of node `v`'s role; its number if the role has no name.
    fn role_text(&self, v: u32) -> Cow<'a, str> {
        match self.network.roles().get(v as usize) {
            Some(&r) => self
                .network
                .role_name(r)
                .map_or_else(|| Cow::Owned(r.0.to_string()), Cow::Borrowed),
            None => Cow::Borrowed(""),
        }
    }

    /// Checks that no two adopters have the same id text: only a name that
    /// spells a number which is also an adopter's id can clash.
    fn check_dot_names(&self) -> Result<()> {
        for e in self.nodes() {
            let Some(NodeId::Name(name)) = self.network.id_of(e.node) else {
                continue;
            };
            let Ok(k) = name.parse::<u64>() else {
                continue;
            };
            if k.to_string() != *name {
                continue; // "007" or "+7" spell no number's id text
            }
            if let Ok(u) = self.network.index_of(&NodeId::Num(k))
                && self.first.contains_key(&u)
            {
                return Err(Error::param(
                    "cascade",
                    format!("{name:?}"),
                    format!(
                        "the name {name:?} and the number {k} are both adopters and would be \
                         the same DOT node; write GraphML instead, whose nodes are named by index"
                    ),
                ));
            }
        }
        Ok(())
    }

    fn write_dot<W: Write>(&self, out: &mut W, channel_names: &[String]) -> io::Result<()> {
        out.write_all(b"digraph cascade {\n")?;
        for e in self.nodes() {
            out.write_all(b"  ")?;
            write_dot_string(out, &self.id_text(e.node))?;
            out.write_all(b" [role=")?;
            write_dot_string(out, &self.role_text(e.node))?;
            write!(out, ", step={}", e.step)?;
            if e.step == 0 {
                out.write_all(b", seed=true")?;
            }
            out.write_all(b"];\n")?;
        }
        for (s, e) in self.arcs() {
            out.write_all(b"  ")?;
            write_dot_string(out, &self.id_text(s))?;
            out.write_all(b" -> ")?;
            write_dot_string(out, &self.id_text(e.node))?;
            out.write_all(b" [label=")?;
            write_dot_string(out, &channel_text(channel_names, e))?;
            writeln!(out, ", step={}];", e.step)?;
        }
        out.write_all(b"}\n")
    }

    fn write_graphml<W: Write>(&self, out: &mut W, channel_names: &[String]) -> io::Result<()> {
        out.write_all(
            b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
              <graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" \
              xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
              xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns \
              http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n\
              \x20 <key id=\"label\" for=\"node\" attr.name=\"label\" attr.type=\"string\"/>\n\
              \x20 <key id=\"role\" for=\"node\" attr.name=\"role\" attr.type=\"string\"/>\n\
              \x20 <key id=\"step\" for=\"node\" attr.name=\"step\" attr.type=\"long\"/>\n\
              \x20 <key id=\"seed\" for=\"node\" attr.name=\"seed\" attr.type=\"boolean\"/>\n\
              \x20 <key id=\"channel\" for=\"edge\" attr.name=\"channel\" attr.type=\"string\"/>\n\
              \x20 <key id=\"edge_step\" for=\"edge\" attr.name=\"step\" attr.type=\"long\"/>\n\
              \x20 <graph id=\"cascade\" edgedefault=\"directed\">\n",
        )?;
        for e in self.nodes() {
            writeln!(out, "    <node id=\"n{}\">", e.node)?;
            out.write_all(b"      <data key=\"label\">")?;
            write_xml_text(out, &self.id_text(e.node))?;
            out.write_all(b"</data>\n      <data key=\"role\">")?;
            write_xml_text(out, &self.role_text(e.node))?;
            writeln!(out, "</data>\n      <data key=\"step\">{}</data>", e.step)?;
            writeln!(out, "      <data key=\"seed\">{}</data>", e.step == 0)?;
            out.write_all(b"    </node>\n")?;
        }
        for (k, (s, e)) in self.arcs().enumerate() {
            writeln!(
                out,
                "    <edge id=\"e{k}\" source=\"n{s}\" target=\"n{}\">",
                e.node
            )?;
            out.write_all(b"      <data key=\"channel\">")?;
            write_xml_text(out, &channel_text(channel_names, e))?;
            writeln!(
                out,
                "</data>\n      <data key=\"edge_step\">{}</data>",
                e.step
            )?;
            out.write_all(b"    </edge>\n")?;
        }
        out.write_all(b"  </graph>\n</graphml>\n")
    }
}

/// Checks that `v`, the `what` of event `i`, is a node of `network`.
fn check_node(network: &Network, v: u32, what: &str, i: usize) -> Result<()> {
    let n = network.node_count();
    if (v as usize) < n && network.id_of(v).is_some() {
        Ok(())
    } else {
        Err(Error::UnknownNode {
            id: format!("index {v} ({what} of cascade event {i}; the network has {n} nodes)"),
        })
    }
}

/// The name of the event's channel, or its number when it has no name.
fn channel_text<'n>(channel_names: &'n [String], e: &Event) -> Cow<'n, str> {
    match channel_names.get(usize::from(e.channel.0)) {
        Some(name) => Cow::Borrowed(name),
        None => Cow::Owned(e.channel.0.to_string()),
    }
}

/// Writes `s` as a double-quoted DOT string.
fn write_dot_string<W: Write>(out: &mut W, s: &str) -> io::Result<()> {
    out.write_all(b"\"")?;
    write_escaped(out, s, |c| match c {
        '"' => Some("\\\""),
        '\\' => Some("\\\\"),
        '\n' => Some("\\n"),
        '\r' => Some("\\r"),
        _ => None,
    })?;
    out.write_all(b"\"")
}

/// Writes `s` as XML 1.0 character data, valid in element content and in
/// attribute values alike.
fn write_xml_text<W: Write>(out: &mut W, s: &str) -> io::Result<()> {
    write_escaped(out, s, |c| match c {
        '&' => Some("&amp;"),
        '<' => Some("&lt;"),
        '>' => Some("&gt;"),
        '"' => Some("&quot;"),
        '\'' => Some("&apos;"),
        '\t' => Some("&#9;"),
        '\n' => Some("&#10;"),
        '\r' => Some("&#13;"),
        '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => Some("\u{fffd}"),
        _ => None,
    })
}

/// Writes `s`, replacing each character for which `escape` gives a
/// replacement; runs of characters kept are written in one call.
fn write_escaped<W: Write>(
    out: &mut W,
    s: &str,
    escape: impl Fn(char) -> Option<&'static str>,
) -> io::Result<()> {
    let mut kept = 0;
    for (i, c) in s.char_indices() {
        if let Some(replacement) = escape(c) {
            out.write_all(&s.as_bytes()[kept..i])?;
            out.write_all(replacement.as_bytes())?;
            kept = i + c.len_utf8();
        }
    }
    out.write_all(&s.as_bytes()[kept..])
}

/// Turns an I/O error on the output labelled `file` into an [`Error::Io`].
fn io_error(file: &'static str) -> impl Fn(io::Error) -> Error {
    move |source| Error::Io {
        file: file.to_string(),
        line: None,
        source,
    }
}
