//! Readers of observed cascades on small files written here: Twitter15/16
//! propagation trees, `parent,child,time` CSV and activity logs; every bad
//! input names its file and line, and everything merged or left out is
//! counted.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use wom::io::{
    ArcDirection, CascadeOptions, Cascades, Cycles, IdFormat, Parents, read_activity,
    read_activity_from, read_cascade_csv, read_cascade_csv_from, read_propagation_trees,
    read_propagation_trees_from,
};
use wom::observed::{ObservedArc, ObservedCascade, ObservedNode};
use wom::{Error, NodeId};

/// A folder in the temporary folder, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> TempDir {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("wom-cascades-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&path).expect("temp dir");
        TempDir(path)
    }

    fn file(&self, name: &str, text: &str) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, text).expect("write");
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The file and line of a malformed-line error, and its reason.
fn malformed(result: wom::Result<Cascades>) -> (String, u64, String) {
    match result {
        Err(Error::MalformedLine { location, reason }) => (location.file, location.line, reason),
        other => panic!("expected a malformed line, got {other:?}"),
    }
}

fn trees(text: &str, options: &CascadeOptions) -> wom::Result<Cascades> {
    read_propagation_trees_from(text.as_bytes(), "t.txt", options)
}

/// The arcs of a cascade as (parent id, child id).
fn arcs(c: &ObservedCascade) -> Vec<(String, String)> {
    let id = |i: u32| match &c.nodes()[i as usize].id {
        NodeId::Num(n) => n.to_string(),
        NodeId::Name(s) => s.clone(),
    };
    c.arcs()
        .iter()
        .map(|a| (id(a.parent), id(a.child)))
        .collect()
}

/// A Twitter16-like tree: the root 1 at 0; 2 and 3 from 1; 4 from 2 (at
/// 3.0) and from 3 (at 2.0, listed later); a repeated line; a self-loop; an
/// arc into the root; 5 listed before its parent's line.
const TREE: &str = "\
['1', '900', '0.0']->['5', '905', '9.5']
['ROOT', 'ROOT', '0.0']->['1', '900', '0.0']
['1', '900', '0.0']->['2', '900', '3.0']
['1', '900', '0.0']->['3', '901', '2.0']
['2', '900', '3.0']->['4', '902', '4.0']
['3', '901', '2.0']->['4', '902', '4.0']
['3', '901', '2.0']->['4', '902', '4.0']
['3', '901', '2.0']->['3', '901', '2.0']
['2', '900', '3.0']->['1', '900', '0.0']
";

#[test]
fn a_tree_file_is_one_cascade_named_by_its_stem() {
    let dir = TempDir::new();
    let path = dir.file("900.txt", TREE);
    let read = read_propagation_trees(&path, &CascadeOptions::default()).unwrap();
    assert_eq!(read.cascades.len(), 1);
    let c = &read.cascades[0];
    assert_eq!(c.name(), "900");
    assert_eq!(c.node_count(), 5);
    // Earliest parent of 4 is 3 (at 2.0), not 2 (at 3.0).
    assert_eq!(
        arcs(c),
        [("1", "5"), ("1", "2"), ("1", "3"), ("3", "4")].map(|(a, b)| (a.into(), b.into()))
    );
    let r = &read.report;
    assert_eq!((r.lines, r.root_records, r.arc_records), (9, 1, 8));
    assert_eq!(
        (
            r.duplicate_arcs,
            r.self_loops_dropped,
            r.arcs_into_roots_dropped
        ),
        (1, 1, 1)
    );
    assert_eq!(
        (r.multi_parent_children, r.cascades_with_multi_parents),
        (1, 1)
    );
    assert_eq!(
        (r.extra_parents_dropped, r.cycle_arcs_dropped, r.arcs),
        (1, 0, 4)
    );
    // The counts add up.
    assert_eq!(
        r.arc_records
            - r.duplicate_arcs
            - r.self_loops_dropped
            - r.arcs_into_roots_dropped
            - r.extra_parents_dropped
            - r.cycle_arcs_dropped,
        r.arcs
    );
    assert!(c.is_tree());
    assert_eq!(c.roots().collect::<Vec<_>>(), [0]);
    let m = c.metrics();
    assert_eq!((m.trees, m.adopters, m.depth), (1, 5, 2));
    assert_eq!(c.time_to_fraction(0.5), Some(3.0));
    assert_eq!(c.time_to_fraction(0.9), Some(9.5));
}

#[test]
fn parent_policies_first_and_all() {
    let first = CascadeOptions {
        parents: Parents::First,
        ..CascadeOptions::default()
    };
    let c = &trees(TREE, &first).unwrap().cascades[0];
    assert!(arcs(c).contains(&("2".into(), "4".into())));
    let all = CascadeOptions {
        parents: Parents::All,
        ..CascadeOptions::default()
    };
    let read = trees(TREE, &all).unwrap();
    let c = &read.cascades[0];
    assert_eq!(c.arc_count(), 5);
    assert!(!c.is_tree());
    assert_eq!(read.report.extra_parents_dropped, 0);
    // Metrics count a DAG's node under its first parent.
    assert_eq!(c.metrics().adopters, 5);
}

#[test]
fn named_trees_group_lines_and_may_interleave() {
    let text = "a\t['ROOT', 'ROOT', '0.0']->['1', 'a', '0.0']\n\
                b\t['ROOT', 'ROOT', '0.0']->['1', 'b', '0.0']\n\
                a\t['1', 'a', '0.0']->['2', 'a', '1.0']\n\
                b\t['1', 'b', '0.0']->['2', 'b', '5.0']\n\
                \n\
                b\t['2', 'b', '5.0']->['3', 'b', '6.0']\n";
    let read = trees(text, &CascadeOptions::default()).unwrap();
    let sizes: Vec<(&str, usize)> = read
        .cascades
        .iter()
        .map(|c| (c.name(), c.node_count()))
        .collect();
    assert_eq!(sizes, [("a", 2), ("b", 3)]);
    assert_eq!((read.report.blank_lines, read.report.nodes), (1, 5));
    // The same user in two trees is two nodes.
    assert_eq!(read.cascades[1].nodes()[0].id, NodeId::from("1"));
}

#[test]
fn bad_tree_lines_name_file_and_line() {
    let options = CascadeOptions::default();
    let root = "['ROOT', 'ROOT', '0.0']->['1', 'x', '0.0']\n";
    let cases = [
        ("['1', 'x', '0.0']['2', 'x', '1.0']\n", "->"),
        ("['1', 'x']->['2', 'x', '1.0']\n", "three quoted fields"),
        (
            "['1', 'x', '0.0', 'y']->['2', 'x', '1.0']\n",
            "three quoted fields",
        ),
        ("1, 'x', '0.0'->['2', 'x', '1.0']\n", "brackets"),
        ("['1', 'x', '0.0']->['2', 'x', 'later']\n", "\"later\""),
        ("['1', 'x', '0.0']->['2', 'x', 'NaN']\n", "NaN"),
        ("['1', 'x', '0.0']->['ROOT', 'ROOT', '0.0']\n", "ROOT"),
        ("t\t['1', 'x', '0.0']->['2', 'x', '1.0']\n", "tree name"),
    ];
    for (bad, says) in cases {
        let text = format!("{root}{bad}");
        let (file, line, reason) = malformed(trees(&text, &options));
        assert_eq!((file.as_str(), line), ("t.txt", 2), "{bad}: {reason}");
        assert!(reason.contains(says), "{bad}: {reason}");
    }
    assert!(matches!(
        trees("\n\n", &options),
        Err(Error::EmptyInput { .. })
    ));
}

#[test]
fn cycles_fail_by_default_and_can_be_dropped() {
    // 2 and 3 each other's only parent: not reachable from the root.
    let text = "['ROOT', 'ROOT', '0.0']->['1', 'x', '0.0']\n\
                ['2', 'x', '1.0']->['3', 'x', '2.0']\n\
                ['3', 'x', '2.0']->['2', 'x', '1.0']\n";
    let (_, line, reason) = malformed(trees(text, &CascadeOptions::default()));
    assert_eq!(line, 3);
    assert!(reason.contains("cycle"), "{reason}");
    let drop = CascadeOptions {
        cycles: Cycles::Drop,
        ..CascadeOptions::default()
    };
    let read = trees(text, &drop).unwrap();
    assert_eq!((read.report.cycle_arcs_dropped, read.report.arcs), (1, 1));
    // 1 and 2 are roots: a forest of two trees.
    assert_eq!(read.cascades[0].metrics().trees, 2);
    // Back in time: 3 joined before its parent 2 and is counted.
    let back = "['ROOT', 'ROOT', '0.0']->['1', 'x', '0.0']\n['1', 'x', '0.0']->['2', 'x', '5.0']\n['2', 'x', '5.0']->['3', 'x', '4.0']\n";
    let read = trees(back, &CascadeOptions::default()).unwrap();
    assert_eq!(read.report.arcs_back_in_time, 1);
    // Two times for one user: the earliest kept, counted.
    let two = "['ROOT', 'ROOT', '0.0']->['1', 'x', '0.0']\n['1', 'x', '0.0']->['2', 'x', '5.0']\n['1', 'x', '0.0']->['3', 'x', '6.0']\n['2', 'x', '4.0']->['3', 'x', '6.0']\n";
    let read = trees(two, &CascadeOptions::default()).unwrap();
    assert_eq!(read.report.time_conflicts, 1);
    assert_eq!(read.cascades[0].nodes()[1].time, 4.0);
}

#[test]
fn csv_cascades() {
    let dir = TempDir::new();
    let path = dir.file(
        "story.csv",
        "parent,child,time\n,ann,0\nann,bob,1\nann,cy,2\nbob,cy,1.5\n",
    );
    let read = read_cascade_csv(&path, &CascadeOptions::default()).unwrap();
    let c = &read.cascades[0];
    assert_eq!(c.name(), "story");
    // cy heard it from ann (joined at 0) and from bob (at 1): the earliest
    // parent is ann. cy's two times (2 and 1.5): the earliest is kept.
    assert_eq!(
        arcs(c),
        [("ann", "bob"), ("ann", "cy")].map(|(a, b)| (a.into(), b.into()))
    );
    let r = &read.report;
    assert_eq!(
        (r.multi_parent_children, r.header_lines, r.time_conflicts),
        (1, 1, 1)
    );
    assert_eq!(c.nodes()[2].time, 1.5);

    let csv = |text: &str| {
        read_cascade_csv_from(text.as_bytes(), "c.csv", "c", &CascadeOptions::default())
    };
    let (file, line, reason) = malformed(csv("from,to,time\n,1,0\n"));
    assert_eq!((file.as_str(), line), ("c.csv", 1), "{reason}");
    let (_, line, reason) = malformed(csv("parent,child,time\n,1,0\n1,2\n"));
    assert_eq!(line, 3, "{reason}");
    assert!(reason.contains("found 2 fields"), "{reason}");
    let (_, line, reason) = malformed(csv("parent,child,time\n,1,0\n1,2,noon\n"));
    assert_eq!(line, 3, "{reason}");
    // A parent never given a time, named where it is first a parent.
    let (_, line, reason) = malformed(csv("parent,child,time\n,1,0\n1,2,1\n9,3,2\n"));
    assert_eq!(line, 4, "{reason}");
    assert!(reason.contains("9"), "{reason}");
    // A cycle (1 and 2 each other's only parent).
    let (_, line, _) = malformed(csv("parent,child,time\n2,1,0\n1,2,1\n"));
    assert_eq!(line, 3);
}

#[test]
fn activity_logs_read_every_line_and_become_cascades() {
    let dir = TempDir::new();
    // Higgs: userA userB time kind.
    let path = dir.file(
        "higgs.txt",
        "2 1 100 RT\n3 1 110 MT\n3 2 120 RT\n4 3 130 RE\n2 1 140 RT\n",
    );
    let log = read_activity(&path, IdFormat::Integer).unwrap();
    assert_eq!(log.activities.len(), 5);
    assert_eq!(log.kinds, ["RT", "MT", "RE"]);
    assert_eq!(log.ids.len(), 4);
    let options = CascadeOptions::default();
    let rt = log
        .to_cascade("higgs RT", &["RT"], ArcDirection::Reversed, &options)
        .unwrap();
    let c = &rt.cascades[0];
    assert_eq!(
        arcs(c),
        [("1".into(), "2".into()), ("2".into(), "3".into())]
    );
    assert_eq!(rt.report.duplicate_arcs, 1);
    assert_eq!(c.nodes()[0].id, NodeId::Num(1));
    // Each user's time: their first activity of these kinds.
    let times: Vec<f64> = c.nodes().iter().map(|v| v.time).collect();
    assert_eq!(times, [100.0, 100.0, 120.0]);
    let all = log
        .to_cascade("all", &[], ArcDirection::Reversed, &options)
        .unwrap();
    assert_eq!(all.cascades[0].node_count(), 4);
    assert!(matches!(
        log.to_cascade("x", &["QT"], ArcDirection::Reversed, &options),
        Err(Error::InvalidParameter { .. })
    ));

    let bad = |text: &str| read_activity_from(text.as_bytes(), "log", IdFormat::Integer);
    for (text, line) in [
        ("1 2 100 RT\n1 2 100\n", 2),
        ("1 2 100 RT extra\n", 1),
        ("1 2 soon RT\n", 1),
        ("1 x 100 RT\n", 1),
    ] {
        match bad(text) {
            Err(Error::MalformedLine { location, .. }) => {
                assert_eq!(
                    (location.file.as_str(), location.line),
                    ("log", line),
                    "{text}"
                )
            }
            other => panic!("{text}: {other:?}"),
        }
    }
}

#[test]
fn observed_cascades_serialize_and_are_checked_when_read_back() {
    let nodes = vec![
        ObservedNode {
            id: "a".into(),
            time: 0.0,
        },
        ObservedNode {
            id: "b".into(),
            time: 1.0,
        },
    ];
    let c = ObservedCascade::new(
        "c",
        nodes.clone(),
        vec![ObservedArc {
            parent: 0,
            child: 1,
        }],
    )
    .unwrap();
    let json = serde_json::to_string(&c).unwrap();
    let back: ObservedCascade = serde_json::from_str(&json).unwrap();
    assert_eq!(back, c);
    let bad = json.replace(r#""parent":0"#, r#""parent":7"#);
    assert!(serde_json::from_str::<ObservedCascade>(&bad).is_err());
    let mut twice = nodes.clone();
    twice[1].id = "a".into();
    assert!(ObservedCascade::new("c", twice, Vec::new()).is_err());
    let mut nan = nodes;
    nan[0].time = f64::NAN;
    assert!(ObservedCascade::new("c", nan, Vec::new()).is_err());
}
