//! Tests of the exports: the exact CSV, DOT and GraphML text of known
//! inputs, parse-back of arbitrary names and numbers, the root rule, and
//! errors (never panics) on bad input.

use std::io::{self, Write};

use proptest::prelude::*;
use wom::ensemble::Estimate;
use wom::export::{write_cascade_dot, write_cascade_graphml, write_curves_csv};
use wom::propagation::{Event, IndependentCascade, Model, Recorder, Simulation};
use wom::{ChannelId, Consumer, Error, Network, NodeId, OpinionLeader, SocialGraph, SocialTie};

// ---------------------------------------------------------------------------
// Helpers.

fn csv(curves: &[(&str, &[Estimate])]) -> String {
    let mut out = Vec::new();
    write_curves_csv(&mut out, curves).expect("valid curves");
    String::from_utf8(out).expect("UTF-8")
}

fn dot(net: &Network, cascade: &[Event], channels: &[String]) -> String {
    let mut out = Vec::new();
    write_cascade_dot(&mut out, net, cascade, channels).expect("valid cascade");
    String::from_utf8(out).expect("UTF-8")
}

fn graphml(net: &Network, cascade: &[Event], channels: &[String]) -> String {
    let mut out = Vec::new();
    write_cascade_graphml(&mut out, net, cascade, channels).expect("valid cascade");
    String::from_utf8(out).expect("UTF-8")
}

fn est(mean: f64, std_dev: f64, ci_low: f64, ci_high: f64) -> Estimate {
    Estimate {
        runs: 10,
        mean,
        std_dev,
        ci_low,
        ci_high,
    }
}

/// The cascade of independent cascade with p = 1 from `seeds`: every node
/// reachable adopts, in breadth-first order.
fn certain_cascade(net: &Network, seeds: &[u32]) -> (Vec<Event>, Vec<String>) {
    let ic = IndependentCascade::uniform(net, 1.0).expect("p = 1 is valid");
    let mut rec = Recorder::new();
    Simulation::new(net, &ic)
        .run(seeds, 11, 0, &mut rec)
        .expect("valid seeds");
    (rec.cascade().to_vec(), ic.channel_names())
}

/// The tree 0 -> {1, 2}, 1 -> {3, 4}, 2 -> 5.
fn tree() -> Network {
    Network::from_arcs(
        6,
        [
            (0, 1, 1.0),
            (0, 2, 1.0),
            (1, 3, 1.0),
            (1, 4, 1.0),
            (2, 5, 1.0),
        ],
    )
    .expect("valid arcs")
}

fn event(node: u32, sender: Option<u32>, channel: u16, step: u32) -> Event {
    Event {
        node,
        sender,
        channel: ChannelId(channel),
        step,
    }
}

/// Reads a DOT statement line: its double-quoted strings, with the
/// exporter's escapes (`\"`, `\\`, `\n`, `\r`) undone, and whether it is
/// an arc (its first string is followed by ` -> `).
fn dot_statement(line: &str) -> (Vec<String>, bool) {
    let mut found = Vec::new();
    let mut is_arc = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c != '"' {
            continue;
        }
        let mut s = String::new();
        loop {
            match chars.next().expect("unterminated DOT string") {
                '"' => break,
                '\\' => match chars.next().expect("escape at end") {
                    'n' => s.push('\n'),
                    'r' => s.push('\r'),
                    other => s.push(other),
                },
                other => s.push(other),
            }
        }
        if found.is_empty() {
            is_arc = chars.as_str().starts_with(" -> ");
        }
        found.push(s);
    }
    (found, is_arc)
}

/// The statements of a DOT text (the lines between the braces).
fn dot_statements(text: &str) -> impl Iterator<Item = (Vec<String>, bool)> + '_ {
    text.lines()
        .filter(|l| l.starts_with("  \""))
        .map(dot_statement)
}

/// The `(source, target)` names of the DOT text's arcs.
fn dot_arcs(text: &str) -> Vec<(String, String)> {
    dot_statements(text)
        .filter(|(_, arc)| *arc)
        .map(|(s, _)| (s[0].clone(), s[1].clone()))
        .collect()
}

/// The names of the DOT text's nodes, in order.
fn dot_nodes(text: &str) -> Vec<String> {
    dot_statements(text)
        .filter(|(_, arc)| !*arc)
        .map(|(s, _)| s[0].clone())
        .collect()
}

/// Undoes the exporter's XML escapes.
fn xml_unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&#9;", "\t")
        .replace("&#10;", "\n")
        .replace("&#13;", "\r")
        .replace("&amp;", "&")
}

/// The unescaped text of every `<data key="key">` element, in order.
fn graphml_data(text: &str, key: &str) -> Vec<String> {
    let open = format!("<data key=\"{key}\">");
    text.split(open.as_str())
        .skip(1)
        .map(|rest| xml_unescape(rest.split("</data>").next().expect("closed")))
        .collect()
}

/// The `(source, target)` node ids of the GraphML text's edges.
fn graphml_edges(text: &str) -> Vec<(String, String)> {
    let attr = |line: &str, name: &str| -> String {
        let start = line.find(&format!("{name}=\"")).expect("attribute") + name.len() + 2;
        line[start..].split('"').next().expect("closed").to_string()
    };
    text.lines()
        .filter(|l| l.trim_start().starts_with("<edge "))
        .map(|l| (attr(l, "source"), attr(l, "target")))
        .collect()
}

/// A writer that refuses every byte.
struct Broken;

impl Write for Broken {
    fn write(&mut self, _: &[u8]) -> io::Result<usize> {
        Err(io::Error::other("disk full"))
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// A writer that accepts bytes but fails to flush.
struct Unflushable(Vec<u8>);

impl Write for Unflushable {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Err(io::Error::other("device gone"))
    }
}

fn assert_io_error(result: wom::Result<()>, label: &str, message: &str) {
    match result {
        Err(Error::Io { file, line, source }) => {
            assert_eq!(file, label);
            assert_eq!(line, None);
            assert_eq!(source.to_string(), message);
        }
        other => panic!("expected an I/O error, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------
// CSV.

#[test]
fn csv_of_a_tiny_curve_is_exact() {
    let a = [est(1.0, 0.0, 1.0, 1.0), est(2.5, 0.5, 2.25, 2.75)];
    assert_eq!(
        csv(&[("a", &a)]),
        "step,a_mean,a_std_dev,a_ci_low,a_ci_high\n\
         0,1,0,1,1\n\
         1,2.5,0.5,2.25,2.75\n"
    );
}

#[test]
fn csv_columns_follow_the_curves_order() {
    let a = [est(1.0, 2.0, 3.0, 4.0)];
    let b = [est(5.0, 6.0, 7.0, 8.0)];
    assert_eq!(
        csv(&[("b", &b), ("a", &a)]),
        "step,b_mean,b_std_dev,b_ci_low,b_ci_high,a_mean,a_std_dev,a_ci_low,a_ci_high\n\
         0,5,6,7,8,1,2,3,4\n"
    );
}

#[test]
fn csv_leaves_cells_of_a_short_curve_empty() {
    let long = [
        est(1.0, 0.0, 1.0, 1.0),
        est(2.0, 0.0, 2.0, 2.0),
        est(3.0, 0.0, 3.0, 3.0),
    ];
    let short = [est(9.0, 0.0, 9.0, 9.0)];
    let empty: [Estimate; 0] = [];
    assert_eq!(
        csv(&[("s", &short), ("l", &long), ("e", &empty)]),
        "step,s_mean,s_std_dev,s_ci_low,s_ci_high,l_mean,l_std_dev,l_ci_low,l_ci_high,\
         e_mean,e_std_dev,e_ci_low,e_ci_high\n\
         0,9,0,9,9,1,0,1,1,,,,\n\
         1,,,,,2,0,2,2,,,,\n\
         2,,,,,3,0,3,3,,,,\n"
    );
}

#[test]
fn csv_leaves_cells_of_a_point_of_no_runs_empty() {
    // A quantity undefined at step 1 in every run: no figures there, not
    // zeros (its JSON figures are null).
    let gap = Estimate {
        runs: 0,
        ..Estimate::default()
    };
    let q = [est(1.0, 0.5, 0.8, 1.2), gap, est(-2.0, 0.0, -2.0, -2.0)];
    assert_eq!(
        csv(&[("net_sentiment", &q)]),
        "step,net_sentiment_mean,net_sentiment_std_dev,net_sentiment_ci_low,net_sentiment_ci_high\n\
         0,1,0.5,0.8,1.2\n\
         1,,,,\n\
         2,-2,0,-2,-2\n"
    );
}

#[test]
fn csv_without_curves_or_points_is_the_header_alone() {
    assert_eq!(csv(&[]), "step\n");
    let empty: [Estimate; 0] = [];
    assert_eq!(
        csv(&[("x", &empty)]),
        "step,x_mean,x_std_dev,x_ci_low,x_ci_high\n"
    );
}

#[test]
fn csv_quotes_names_with_commas_quotes_and_line_breaks() {
    let p = [est(1.0, 0.0, 1.0, 1.0)];
    let text = csv(&[("say \"hi\", ok", &p), ("two\nlines", &p), ("plain", &p)]);
    let header = "step,\
        \"say \"\"hi\"\", ok_mean\",\"say \"\"hi\"\", ok_std_dev\",\
        \"say \"\"hi\"\", ok_ci_low\",\"say \"\"hi\"\", ok_ci_high\",\
        \"two\nlines_mean\",\"two\nlines_std_dev\",\"two\nlines_ci_low\",\"two\nlines_ci_high\",\
        plain_mean,plain_std_dev,plain_ci_low,plain_ci_high\n";
    assert_eq!(text, format!("{header}0,1,0,1,1,1,0,1,1,1,0,1,1\n"));

    // An RFC 4180 reader gives the names back.
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .expect("header")
        .iter()
        .map(str::to_string)
        .collect();
    assert_eq!(headers[1], "say \"hi\", ok_mean");
    assert_eq!(headers[8], "two\nlines_ci_high");
    assert_eq!(headers.len(), 13);
    assert_eq!(reader.records().count(), 1);
}

#[test]
fn csv_floats_parse_back_exactly() {
    let values = [
        0.1 + 0.2,
        1.0 / 3.0,
        -0.0,
        5e-324,
        f64::MIN_POSITIVE,
        f64::MAX,
        -1.234_567_890_123_456_7e-200,
        1e21,
    ];
    let curve: Vec<Estimate> = values.iter().map(|&v| est(v, v, -v, v * 0.5)).collect();
    let text = csv(&[("x", &curve)]);
    assert!(text.contains("\n0,0.30000000000000004,"), "{text}");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    for (record, &v) in reader.records().zip(&values) {
        let record = record.expect("record");
        let cell = |i: usize| record[i].parse::<f64>().expect("a number").to_bits();
        assert_eq!(cell(1), v.to_bits());
        assert_eq!(cell(2), v.to_bits());
        assert_eq!(cell(3), (-v).to_bits());
        assert_eq!(cell(4), (v * 0.5).to_bits());
    }
}

#[test]
fn csv_writes_non_finite_numbers_that_parse_back() {
    let curve = [est(f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 0.0)];
    let text = csv(&[("x", &curve)]);
    assert!(text.ends_with("\n0,NaN,inf,-inf,0\n"), "{text}");
    assert!("NaN".parse::<f64>().expect("parses").is_nan());
    assert_eq!("-inf".parse::<f64>(), Ok(f64::NEG_INFINITY));
}

#[test]
fn csv_rejects_duplicate_and_empty_names_and_writes_nothing() {
    let p = [est(1.0, 0.0, 1.0, 1.0)];
    let mut out = Vec::new();
    let err = write_curves_csv(&mut out, &[("a", &p), ("b", &p), ("a", &p)]).unwrap_err();
    match err {
        Error::InvalidParameter { name, value, .. } => {
            assert_eq!(name, "curves[2] name");
            assert_eq!(value, "\"a\"");
        }
        other => panic!("expected InvalidParameter, got {other:?}"),
    }
    assert!(out.is_empty());

    let err = write_curves_csv(&mut out, &[("a", &p), ("", &p)]).unwrap_err();
    assert!(
        matches!(&err, Error::InvalidParameter { name, .. } if name == "curves[1] name"),
        "{err:?}"
    );
    assert!(out.is_empty());
}

#[test]
fn csv_reports_write_failures_as_io_errors() {
    let p = [est(1.0, 0.0, 1.0, 1.0)];
    assert_io_error(
        write_curves_csv(Broken, &[("a", &p)]),
        "<csv output>",
        "disk full",
    );
    assert_io_error(
        write_curves_csv(Unflushable(Vec::new()), &[("a", &p)]),
        "<csv output>",
        "device gone",
    );
}

// ---------------------------------------------------------------------------
// DOT.

#[test]
fn dot_of_a_certain_tree_cascade_is_exact() {
    let net = tree();
    let (cascade, channels) = certain_cascade(&net, &[0]);
    assert_eq!(cascade.len(), 6);
    assert_eq!(
        dot(&net, &cascade, &channels),
        r#"digraph cascade {
  "0" [role="consumer", step=0, seed=true];
  "1" [role="consumer", step=1];
  "2" [role="consumer", step=1];
  "3" [role="consumer", step=2];
  "4" [role="consumer", step=2];
  "5" [role="consumer", step=2];
  "0" -> "1" [label="tie", step=1];
  "0" -> "2" [label="tie", step=1];
  "1" -> "3" [label="tie", step=2];
  "1" -> "4" [label="tie", step=2];
  "2" -> "5" [label="tie", step=2];
}
"#
    );
}

#[test]
fn dot_arcs_are_the_tree_reached_from_a_inner_seed() {
    // Seeded at 1, only 1's subtree adopts: 0, 2 and 5 are not nodes.
    let net = tree();
    let (cascade, channels) = certain_cascade(&net, &[1]);
    let text = dot(&net, &cascade, &channels);
    assert_eq!(dot_nodes(&text), ["1", "3", "4"]);
    let pair = |a: &str, b: &str| (a.to_string(), b.to_string());
    assert_eq!(dot_arcs(&text), [pair("1", "3"), pair("1", "4")]);
    assert_eq!(text.matches("seed=true").count(), 1);
}

#[test]
fn senders_outside_the_cascade_make_roots() {
    let net = Network::from_arcs(6, []).expect("isolated nodes");
    let channels = vec!["post".to_string()];
    let cascade = [
        event(0, None, 0, 0),
        // 5 is a node of the network but never adopts: 1 is a root.
        event(1, Some(5), 0, 1),
        // 3 adopts, but only later: 2 is a root too.
        event(2, Some(3), 0, 1),
        event(3, Some(0), 0, 2),
        // Advertising at step 2: a root that is not a seed.
        event(4, None, 0, 2),
        // Its own sender: not an earlier adopter, so no self-loop.
        event(5, Some(5), 0, 3),
    ];
    assert_eq!(
        dot(&net, &cascade, &channels),
        r#"digraph cascade {
  "0" [role="consumer", step=0, seed=true];
  "1" [role="consumer", step=1];
  "2" [role="consumer", step=1];
  "3" [role="consumer", step=2];
  "4" [role="consumer", step=2];
  "5" [role="consumer", step=3];
  "0" -> "3" [label="post", step=2];
}
"#
    );
    let xml = graphml(&net, &cascade, &channels);
    assert_eq!(graphml_edges(&xml), [("n0".into(), "n3".into())]);
    assert_eq!(
        graphml_data(&xml, "seed"),
        ["true", "false", "false", "false", "false", "false"]
    );
}

#[test]
fn a_node_adopting_twice_is_one_node_with_an_arc_per_adoption() {
    // Against the once-per-node convention (a custom model could do it):
    // 1 adopts because of 0, and again later because of 2.
    let net = Network::from_arcs(3, []).expect("isolated nodes");
    let channels = vec!["contact".to_string()];
    let cascade = [
        event(0, None, 0, 0),
        event(1, Some(0), 0, 1),
        event(2, Some(1), 0, 2),
        event(1, Some(2), 0, 5),
    ];
    let text = dot(&net, &cascade, &channels);
    assert_eq!(dot_nodes(&text), ["0", "1", "2"]);
    assert!(
        text.contains("  \"1\" [role=\"consumer\", step=1];\n"),
        "{text}"
    );
    let pair = |a: &str, b: &str| (a.to_string(), b.to_string());
    assert_eq!(
        dot_arcs(&text),
        [pair("0", "1"), pair("1", "2"), pair("2", "1")]
    );
    assert!(text.contains("\"2\" -> \"1\" [label=\"contact\", step=5];"));
    let xml = graphml(&net, &cascade, &channels);
    assert_eq!(graphml_data(&xml, "step"), ["0", "1", "2"]);
    assert_eq!(graphml_data(&xml, "edge_step"), ["1", "2", "5"]);
}

#[test]
fn unnamed_channels_are_written_as_numbers_and_names_are_escaped() {
    let net = Network::from_arcs(3, []).expect("isolated nodes");
    let channels = vec!["a \"quoted\" \\ channel".to_string()];
    let cascade = [
        event(0, None, 0, 0),
        event(1, Some(0), 0, 1),
        event(2, Some(0), 7, 1),
    ];
    let text = dot(&net, &cascade, &channels);
    assert!(
        text.contains(r#""0" -> "1" [label="a \"quoted\" \\ channel", step=1];"#),
        "{text}"
    );
    assert!(
        text.contains(r#""0" -> "2" [label="7", step=1];"#),
        "{text}"
    );
    let xml = graphml(&net, &cascade, &[]);
    assert_eq!(graphml_data(&xml, "channel"), ["0", "7"]);
    let xml = graphml(&net, &cascade, &channels);
    assert!(xml.contains("<data key=\"channel\">a &quot;quoted&quot; \\ channel</data>"));
    assert_eq!(graphml_data(&xml, "channel"), [channels[0].as_str(), "7"]);
}

// ---------------------------------------------------------------------------
// GraphML.

#[test]
fn graphml_of_a_certain_path_cascade_is_exact() {
    let net = Network::from_arcs(3, [(0, 1, 1.0), (1, 2, 1.0)]).expect("valid arcs");
    let (cascade, channels) = certain_cascade(&net, &[0]);
    assert_eq!(
        graphml(&net, &cascade, &channels),
        r#"<?xml version="1.0" encoding="UTF-8"?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">
  <key id="label" for="node" attr.name="label" attr.type="string"/>
  <key id="role" for="node" attr.name="role" attr.type="string"/>
  <key id="step" for="node" attr.name="step" attr.type="long"/>
  <key id="seed" for="node" attr.name="seed" attr.type="boolean"/>
  <key id="channel" for="edge" attr.name="channel" attr.type="string"/>
  <key id="edge_step" for="edge" attr.name="step" attr.type="long"/>
  <graph id="cascade" edgedefault="directed">
    <node id="n0">
      <data key="label">0</data>
      <data key="role">consumer</data>
      <data key="step">0</data>
      <data key="seed">true</data>
    </node>
    <node id="n1">
      <data key="label">1</data>
      <data key="role">consumer</data>
      <data key="step">1</data>
      <data key="seed">false</data>
    </node>
    <node id="n2">
      <data key="label">2</data>
      <data key="role">consumer</data>
      <data key="step">2</data>
      <data key="seed">false</data>
    </node>
    <edge id="e0" source="n0" target="n1">
      <data key="channel">tie</data>
      <data key="edge_step">1</data>
    </edge>
    <edge id="e1" source="n1" target="n2">
      <data key="channel">tie</data>
      <data key="edge_step">2</data>
    </edge>
  </graph>
</graphml>
"#
    );
}

#[test]
fn graphml_of_a_certain_tree_cascade_has_the_tree_arcs() {
    let net = tree();
    let (cascade, channels) = certain_cascade(&net, &[0]);
    let xml = graphml(&net, &cascade, &channels);
    assert_eq!(xml.matches("<node id=").count(), 6);
    let mut edges = graphml_edges(&xml);
    edges.sort();
    let want: Vec<(String, String)> = net
        .forward()
        .iter()
        .map(|(u, v, _)| (format!("n{u}"), format!("n{v}")))
        .collect();
    assert_eq!(edges, want);
    assert_eq!(graphml_data(&xml, "label"), ["0", "1", "2", "3", "4", "5"]);
    assert_eq!(graphml_data(&xml, "step"), ["0", "1", "1", "2", "2", "2"]);
    assert_eq!(graphml_data(&xml, "edge_step"), ["1", "1", "2", "2", "2"]);
    assert_eq!(xml.matches("<data key=\"seed\">true</data>").count(), 1);
}

// ---------------------------------------------------------------------------
// External string ids.

/// `a"b` (an opinion leader) -> `<c>` -> `d\e` -> `x&'y`, every tie a follow.
fn named_chain() -> Network {
    let mut g: SocialGraph = SocialGraph::new();
    let a = g
        .add_actor("a\"b", OpinionLeader::default().into())
        .expect("new id");
    let c = g
        .add_actor("<c>", Consumer::default().into())
        .expect("new id");
    let d = g
        .add_actor("d\\e", Consumer::default().into())
        .expect("new id");
    let x = g
        .add_actor("x&'y\r\nz", Consumer::default().into())
        .expect("new id");
    for (u, v) in [(a, c), (c, d), (d, x)] {
        g.add_tie(u, v, SocialTie::follow(0.5)).expect("valid tie");
    }
    g.freeze().expect("valid graph")
}

#[test]
fn dot_escapes_string_ids() {
    let net = named_chain();
    let (cascade, channels) = certain_cascade(&net, &[0]);
    let text = dot(&net, &cascade, &channels);
    assert_eq!(
        text,
        r#"digraph cascade {
  "a\"b" [role="opinion_leader", step=0, seed=true];
  "<c>" [role="consumer", step=1];
  "d\\e" [role="consumer", step=2];
  "x&'y\r\nz" [role="consumer", step=3];
  "a\"b" -> "<c>" [label="tie", step=1];
  "<c>" -> "d\\e" [label="tie", step=2];
  "d\\e" -> "x&'y\r\nz" [label="tie", step=3];
}
"#
    );
    assert_eq!(dot_nodes(&text), ["a\"b", "<c>", "d\\e", "x&'y\r\nz"]);
}

#[test]
fn graphml_escapes_string_ids() {
    let net = named_chain();
    let (cascade, channels) = certain_cascade(&net, &[0]);
    let xml = graphml(&net, &cascade, &channels);
    for escaped in [
        "<data key=\"label\">a&quot;b</data>",
        "<data key=\"label\">&lt;c&gt;</data>",
        "<data key=\"label\">d\\e</data>",
        "<data key=\"label\">x&amp;&apos;y&#13;&#10;z</data>",
        "<data key=\"role\">opinion_leader</data>",
    ] {
        assert!(xml.contains(escaped), "{escaped} missing from\n{xml}");
    }
    assert_eq!(
        graphml_data(&xml, "label"),
        ["a\"b", "<c>", "d\\e", "x&'y\r\nz"]
    );
    assert_eq!(
        graphml_edges(&xml),
        [
            ("n0".into(), "n1".into()),
            ("n1".into(), "n2".into()),
            ("n2".into(), "n3".into())
        ]
    );
}

#[test]
fn graphml_replaces_characters_xml_forbids() {
    let mut g: SocialGraph = SocialGraph::new();
    g.add_actor("bell\u{7}\u{0}\u{fffe}\ttab", Consumer::default().into())
        .expect("new id");
    let net = g.freeze().expect("valid graph");
    let xml = graphml(&net, &[event(0, None, 0, 0)], &[]);
    assert!(
        xml.contains("<data key=\"label\">bell\u{fffd}\u{fffd}\u{fffd}&#9;tab</data>"),
        "{xml}"
    );
}

#[test]
fn a_name_spelling_an_adopters_number_is_refused_by_dot_only() {
    let mut g: SocialGraph = SocialGraph::new();
    let seven = g
        .add_actor(NodeId::Num(7), Consumer::default().into())
        .expect("new id");
    let name = g
        .add_actor("7", Consumer::default().into())
        .expect("new id");
    let padded = g
        .add_actor("007", Consumer::default().into())
        .expect("new id");
    g.add_tie(seven, name, SocialTie::follow(1.0))
        .expect("valid tie");
    g.add_tie(seven, padded, SocialTie::follow(1.0))
        .expect("valid tie");
    let net = g.freeze().expect("valid graph");
    let (cascade, channels) = certain_cascade(&net, &[0]);

    let mut out = Vec::new();
    let err = write_cascade_dot(&mut out, &net, &cascade, &channels).unwrap_err();
    assert!(matches!(err, Error::InvalidParameter { .. }), "{err:?}");
    assert!(out.is_empty());
    // Without the name "7" among the adopters, "007" and 7 are distinct.
    let text = dot(&net, &[cascade[0], cascade[2]], &channels);
    assert_eq!(dot_nodes(&text), ["7", "007"]);
    // GraphML names nodes by index: no clash.
    let xml = graphml(&net, &cascade, &channels);
    assert_eq!(graphml_data(&xml, "label"), ["7", "7", "007"]);
}

// ---------------------------------------------------------------------------
// Errors.

#[test]
fn out_of_range_nodes_are_errors_not_panics() {
    let net = tree();
    let bad_node = [event(0, None, 0, 0), event(99, Some(0), 0, 1)];
    let bad_sender = [event(0, None, 0, 0), event(1, Some(6), 0, 1)];
    let far = [event(u32::MAX, None, 0, 0)];
    for cascade in [&bad_node[..], &bad_sender[..], &far[..]] {
        let mut out = Vec::new();
        let err = write_cascade_dot(&mut out, &net, cascade, &[]).unwrap_err();
        assert!(matches!(err, Error::UnknownNode { .. }), "{err:?}");
        assert!(out.is_empty(), "nothing is written on an invalid input");
        let err = write_cascade_graphml(&mut out, &net, cascade, &[]).unwrap_err();
        assert!(matches!(err, Error::UnknownNode { .. }), "{err:?}");
        assert!(out.is_empty(), "nothing is written on an invalid input");
    }
    let err = write_cascade_dot(Vec::new(), &net, &bad_sender, &[]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "unknown node id index 6 (sender of cascade event 1; the network has 6 nodes)"
    );
}

#[test]
fn an_empty_cascade_is_an_empty_graph() {
    let net = tree();
    assert_eq!(dot(&net, &[], &[]), "digraph cascade {\n}\n");
    let xml = graphml(&net, &[], &[]);
    assert!(
        xml.ends_with(
            "  <graph id=\"cascade\" edgedefault=\"directed\">\n  </graph>\n</graphml>\n"
        )
    );
}

#[test]
fn graph_exports_report_write_failures_as_io_errors() {
    let net = tree();
    let (cascade, channels) = certain_cascade(&net, &[0]);
    assert_io_error(
        write_cascade_dot(Broken, &net, &cascade, &channels),
        "<dot output>",
        "disk full",
    );
    assert_io_error(
        write_cascade_graphml(Broken, &net, &cascade, &channels),
        "<graphml output>",
        "disk full",
    );
    assert_io_error(
        write_cascade_graphml(Unflushable(Vec::new()), &net, &cascade, &channels),
        "<graphml output>",
        "device gone",
    );
}

// ---------------------------------------------------------------------------
// Properties.

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, rng_seed: proptest::test_runner::RngSeed::Fixed(7), ..ProptestConfig::default() })]

    #[test]
    fn csv_round_trips_any_names_and_numbers(
        names in prop::collection::hash_set("\\PC{1,12}|[,\"\r\n a]{1,6}", 1..4),
        values in prop::collection::vec(any::<f64>(), 1..20),
    ) {
        let names: Vec<String> = names.into_iter().collect();
        let curve: Vec<Estimate> = values.iter().map(|&v| est(v, -v, v / 3.0, v * 7.0)).collect();
        let curves: Vec<(&str, &[Estimate])> =
            names.iter().enumerate().map(|(i, n)| (n.as_str(), &curve[..curve.len() - i.min(curve.len() - 1)])).collect();
        let text = csv(&curves);
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let headers = reader.headers().expect("header").clone();
        prop_assert_eq!(headers.len(), 1 + 4 * names.len());
        for (i, name) in names.iter().enumerate() {
            prop_assert_eq!(&headers[1 + 4 * i], format!("{name}_mean"));
            prop_assert_eq!(&headers[4 + 4 * i], format!("{name}_ci_high"));
        }
        let mut rows = 0;
        for (step, record) in reader.records().enumerate() {
            let record = record.expect("record");
            prop_assert_eq!(&record[0], step.to_string());
            for (i, (_, c)) in curves.iter().enumerate() {
                let cells: Vec<&str> = (1..=4).map(|k| &record[4 * i + k]).collect();
                match c.get(step) {
                    Some(e) => {
                        let want = [e.mean, e.std_dev, e.ci_low, e.ci_high];
                        for (cell, w) in cells.iter().zip(want) {
                            let got: f64 = cell.parse().expect("a number");
                            prop_assert!(got.to_bits() == w.to_bits() || (got.is_nan() && w.is_nan()));
                        }
                    }
                    None => prop_assert_eq!(cells, ["", "", "", ""]),
                }
            }
            rows += 1;
        }
        prop_assert_eq!(rows, values.len());
    }

    #[test]
    fn graph_exports_round_trip_any_string_ids(ids in prop::collection::hash_set("\\PC{1,8}|[\"\\\\<>&'\n\r ]{1,4}", 1..6)) {
        let ids: Vec<String> = ids.into_iter().collect();
        let mut g: SocialGraph = SocialGraph::new();
        let nodes: Vec<_> = ids.iter().map(|id| g.add_actor(id.as_str(), Consumer::default().into()).expect("new id")).collect();
        for pair in nodes.windows(2) {
            g.add_tie(pair[0], pair[1], SocialTie::follow(1.0)).expect("valid tie");
        }
        let net = g.freeze().expect("valid graph");
        let (cascade, channels) = certain_cascade(&net, &[0]);
        prop_assert_eq!(cascade.len(), ids.len());

        let text = dot(&net, &cascade, &channels);
        prop_assert_eq!(dot_nodes(&text), ids.clone());
        let arcs: Vec<(String, String)> = ids.windows(2).map(|p| (p[0].clone(), p[1].clone())).collect();
        prop_assert_eq!(dot_arcs(&text), arcs);

        let xml = graphml(&net, &cascade, &channels);
        let labels: Vec<String> = ids.iter().map(|id| {
            id.chars().map(|c| if c < ' ' && !matches!(c, '\t' | '\n' | '\r') || c == '\u{fffe}' || c == '\u{ffff}' { '\u{fffd}' } else { c }).collect()
        }).collect();
        prop_assert_eq!(graphml_data(&xml, "label"), labels);
        prop_assert_eq!(graphml_edges(&xml).len(), ids.len() - 1);
    }
}
