//! The heuristic seed selectors against answers worked out by hand.
//!
//! * Degree ranks by out-degree, in-degree or followers (the same number
//!   as out-degree), repeated arcs counted, ties to the smaller index.
//! * Degree discount's picks follow dd = d − 2t − (d − t) t p: on either
//!   side of the p where two nodes swap, and with t counting the arcs from
//!   the seeds into a node, not out of it; on random graphs it matches a
//!   direct reading of the formula.
//! * PageRank chooses the nodes that reach many (rank flows against the
//!   arcs), k-core the innermost core, then the most neighbours.
//! * Random seeds are reproducible for a master seed, differ across seeds,
//!   and choose each candidate with probability k/c.
//! * Every selector chooses only candidates, exactly k, the same on any
//!   thread count; bad requests are typed errors naming the field.

use wom::generate::{Gnp, gnp};
use wom::seeding::{
    Degree, DegreeDiscount, DegreeKind, KCore, PageRankSeeds, RandomSeeds, SeedRequest, SeedRule,
    SeedSelector, Selection,
};
use wom::{Error, Network};

use crate::common::net;

const MASTER: u64 = 0x5EED_0011;

fn seeds(selector: &dyn SeedSelector, network: &Network, k: usize) -> Vec<u32> {
    selector
        .select(&SeedRequest::new(network, k).seeded(MASTER))
        .unwrap()
        .seeds
}

/// Friendships as two arcs each.
fn friends(n: usize, edges: &[(u32, u32)]) -> Network {
    let arcs: Vec<(u32, u32)> = edges.iter().flat_map(|&(u, v)| [(u, v), (v, u)]).collect();
    net(n, &arcs)
}

/// A G(n, p) follow network.
fn random_network(n: usize, p: f64, seed: u64) -> Network {
    let params = Gnp {
        n,
        p,
        direction: wom::Relation::Follow,
    };
    gnp(&params, seed).unwrap().freeze().unwrap()
}

/// Every heuristic, with the name it reports.
fn selectors() -> Vec<(&'static str, Box<dyn SeedSelector>)> {
    vec![
        ("random", Box::new(RandomSeeds)),
        (
            "degree",
            Box::new(Degree {
                by: DegreeKind::Out,
            }),
        ),
        ("degree", Box::new(Degree { by: DegreeKind::In })),
        (
            "degree",
            Box::new(Degree {
                by: DegreeKind::Followers,
            }),
        ),
        ("degree_discount", Box::new(DegreeDiscount { p: 0.05 })),
        ("pagerank", Box::new(PageRankSeeds::default())),
        ("k_core", Box::new(KCore)),
    ]
}

#[test]
fn degree_ranks_by_the_kind_asked_with_ties_to_the_smaller_index() {
    // Out-degrees 3, 0, 1, 0, 1, 3 (5's arc to 3 is repeated);
    // in-degrees 0, 4, 1, 3, 0, 0.
    let g = net(
        6,
        &[
            (0, 1),
            (0, 2),
            (0, 3),
            (4, 1),
            (5, 1),
            (2, 1),
            (5, 3),
            (5, 3),
        ],
    );
    let out = Degree {
        by: DegreeKind::Out,
    };
    let into = Degree { by: DegreeKind::In };
    let followers = Degree {
        by: DegreeKind::Followers,
    };
    assert_eq!(seeds(&out, &g, 6), [0, 5, 2, 4, 1, 3]);
    assert_eq!(seeds(&into, &g, 6), [1, 3, 2, 0, 4, 5]);
    assert_eq!(seeds(&followers, &g, 6), [0, 5, 2, 4, 1, 3]);
    assert_eq!(seeds(&out, &g, 3), [0, 5, 2]);
    assert_eq!(seeds(&into, &g, 2), [1, 3]);
    assert_eq!(
        wom::centrality::followers(&g),
        [3, 0, 1, 0, 1, 3],
        "followers are out-degrees"
    );
}

/// The degree discount graph: friendships 0 - {1, 2, 3, 4, 12, 13},
/// 1 - {5, 6, 10, 11} and 7 - {8, 9}. Degrees 6, 5 and 2.
fn discount_graph() -> Network {
    friends(
        14,
        &[
            (0, 1),
            (0, 2),
            (0, 3),
            (0, 4),
            (0, 12),
            (0, 13),
            (1, 5),
            (1, 6),
            (1, 10),
            (1, 11),
            (7, 8),
            (7, 9),
        ],
    )
}

#[test]
fn degree_discount_second_pick_follows_the_formula() {
    let g = discount_graph();
    // First 0 (degree 6). Then node 1, degree 5 with one seed neighbour, is
    // worth 5 − 2 − 4p, and node 7 (degree 2, none) 2: 1 while p < 1/4.
    // Degree alone, d − 2t alone, d − t − (d − t)tp or d − 2t − d t p would
    // each choose wrongly on one side.
    let dd = |p: f64| DegreeDiscount { p };
    assert_eq!(
        seeds(
            &Degree {
                by: DegreeKind::Out
            },
            &g,
            2
        ),
        [0, 1]
    );
    assert_eq!(seeds(&dd(0.0), &g, 2), [0, 1]);
    assert_eq!(seeds(&dd(0.24), &g, 2), [0, 1]);
    assert_eq!(seeds(&dd(0.26), &g, 2), [0, 7]);
    // Then 7 (or 1). After 0, 1 and 7 every node left has degree 1 and one
    // seed neighbour, 1 − 2 − 0 = −1: a tie, to the smallest index, 2.
    assert_eq!(seeds(&dd(0.24), &g, 4), [0, 1, 7, 2]);
    assert_eq!(seeds(&dd(0.26), &g, 4), [0, 7, 1, 2]);
    let chosen = dd(0.24)
        .select(&SeedRequest::new(&g, 2).seeded(MASTER))
        .unwrap();
    assert_eq!(chosen.method, "degree_discount");
}

#[test]
fn degree_discount_counts_the_arcs_from_the_seeds_into_a_node() {
    // 0 talks to 1 and six others; 1 and 2 talk to five others each, 2 to
    // 0 among them. After 0, 1 may already be active (t = 1): 5 − 2 − 4p;
    // 2 talks to the seed but cannot hear it (t = 0): 5. So 2, then 1.
    let mut arcs = vec![(0, 1), (2, 0)];
    arcs.extend((3..9).map(|v| (0, v)));
    arcs.extend((9..14).map(|v| (1, v)));
    arcs.extend((14..18).map(|v| (2, v)));
    let g = net(18, &arcs);
    assert_eq!(seeds(&DegreeDiscount { p: 0.1 }, &g, 3), [0, 2, 1]);
    assert_eq!(
        seeds(
            &Degree {
                by: DegreeKind::Out
            },
            &g,
            3
        ),
        [0, 1, 2]
    );
}

/// Degree discount read straight from the formula: each round, t_v from
/// scratch over the seeds' arcs, the best candidate by a full scan.
fn degree_discount_by_scan(g: &Network, candidates: &[u32], k: usize, p: f64) -> Vec<u32> {
    let forward = g.forward();
    let mut chosen: Vec<u32> = Vec::new();
    while chosen.len() < k {
        let mut t = vec![0u32; g.node_count()];
        for &s in &chosen {
            for a in forward.neighbors(s) {
                t[a.node as usize] += 1;
            }
        }
        let mut best: Option<(f64, u32)> = None;
        for &v in candidates {
            if chosen.contains(&v) {
                continue;
            }
            let d = forward.degree(v) as f64;
            let tv = f64::from(t[v as usize]);
            let dd = d - 2.0 * tv - (d - tv) * tv * p;
            if best.is_none_or(|(b, w)| dd > b || (dd == b && v < w)) {
                best = Some((dd, v));
            }
        }
        chosen.push(best.unwrap().1);
    }
    chosen
}

#[test]
fn degree_discount_matches_a_direct_reading_of_the_formula() {
    for (i, (n, p_arc)) in [(60, 0.08), (120, 0.05), (200, 0.02)]
        .into_iter()
        .enumerate()
    {
        let g = random_network(n, p_arc, MASTER + i as u64);
        let every: Vec<u32> = (0..n as u32).collect();
        let odd: Vec<u32> = (0..n as u32).rev().filter(|v| v % 2 == 1).collect();
        for p in [0.0, 0.01, 0.1, 0.5, 1.0] {
            for (candidates, k) in [(&every, 20), (&odd, 15)] {
                let request = SeedRequest::new(&g, k).among(candidates);
                let got = DegreeDiscount { p }.select(&request).unwrap().seeds;
                let want = degree_discount_by_scan(&g, candidates, k, p);
                assert_eq!(got, want, "n {n}, p {p}, {} candidates", candidates.len());
            }
        }
    }
}

#[test]
fn pagerank_chooses_the_nodes_that_reach_many() {
    let pr = PageRankSeeds::default();
    // A chain 0 -> 1 -> 2 -> 3 -> 4: rank gathers at its start.
    let chain = net(5, &[(0, 1), (1, 2), (2, 3), (3, 4)]);
    assert_eq!(seeds(&pr, &chain, 5), [0, 1, 2, 3, 4]);
    // A hub talking to five: the hub, then the leaves by index.
    let out_star = net(6, &[(0, 1), (0, 2), (0, 3), (0, 4), (0, 5)]);
    assert_eq!(seeds(&pr, &out_star, 3), [0, 1, 2]);
    // Five talking to a hub that talks to nobody: the hub comes last.
    let in_star = net(6, &[(1, 0), (2, 0), (3, 0), (4, 0), (5, 0)]);
    assert_eq!(seeds(&pr, &in_star, 6), [1, 2, 3, 4, 5, 0]);
    let chosen = pr
        .select(&SeedRequest::new(&chain, 1).seeded(MASTER))
        .unwrap();
    assert_eq!(chosen.method, "pagerank");
}

#[test]
fn k_core_chooses_the_innermost_core_then_the_most_neighbours() {
    // A 4-clique 0..3 of one-way arcs, 0 -> 1 repeated and 1 -> 0 added
    // (still one neighbour), 2 -> 11 (a fourth neighbour for 2), and a hub 4
    // talking to 5..10 (core 1, six neighbours).
    let g = net(
        12,
        &[
            (0, 1),
            (0, 2),
            (0, 3),
            (1, 2),
            (1, 3),
            (2, 3),
            (0, 1),
            (1, 0),
            (2, 11),
            (4, 5),
            (4, 6),
            (4, 7),
            (4, 8),
            (4, 9),
            (4, 10),
        ],
    );
    assert_eq!(wom::centrality::core_numbers(&g)[..5], [3, 3, 3, 3, 1]);
    // By arcs, 0 and 1 (five each) would come before 2 (four).
    assert_eq!(seeds(&KCore, &g, 5), [2, 0, 1, 3, 4]);
    assert_eq!(
        seeds(
            &Degree {
                by: DegreeKind::Out
            },
            &g,
            1
        ),
        [4]
    );
    let chosen = KCore
        .select(&SeedRequest::new(&g, 1).seeded(MASTER))
        .unwrap();
    assert_eq!(chosen.method, "k_core");
}

#[test]
fn every_selector_chooses_k_distinct_candidates() {
    let g = random_network(300, 0.02, MASTER);
    let candidates: Vec<u32> = (0..300).rev().filter(|v| v % 3 == 1).collect();
    for (name, selector) in selectors() {
        for k in [1, 7, candidates.len()] {
            let request = SeedRequest::new(&g, k).among(&candidates).seeded(MASTER);
            let chosen = selector.select(&request).unwrap();
            assert_eq!(chosen.method, name);
            assert_eq!(chosen.seeds.len(), k, "{name}");
            assert!(
                chosen.seeds.iter().all(|s| candidates.contains(s)),
                "{name}"
            );
            let mut distinct = chosen.seeds.clone();
            distinct.sort_unstable();
            distinct.dedup();
            assert_eq!(distinct.len(), k, "{name}: {:?}", chosen.seeds);
        }
    }
    // A ranking among candidates is the full ranking with the others left
    // out.
    let rankers: [&dyn SeedSelector; 3] = [
        &Degree {
            by: DegreeKind::Out,
        },
        &PageRankSeeds::default(),
        &KCore,
    ];
    for selector in rankers {
        let full = seeds(selector, &g, 300);
        let among = selector
            .select(&SeedRequest::new(&g, 20).among(&candidates))
            .unwrap()
            .seeds;
        let restricted: Vec<u32> = full
            .into_iter()
            .filter(|v| candidates.contains(v))
            .take(20)
            .collect();
        assert_eq!(among, restricted);
    }
    // The best node left out: the next one is chosen.
    let star = net(7, &[(0, 1), (0, 2), (0, 3), (0, 4), (1, 5), (1, 6), (2, 6)]);
    let request = SeedRequest::new(&star, 1).among(&[6, 5, 4, 3, 2, 1]);
    for selector in [
        &Degree {
            by: DegreeKind::Out,
        } as &dyn SeedSelector,
        &DegreeDiscount { p: 0.1 },
        &PageRankSeeds::default(),
        &KCore,
    ] {
        assert_eq!(selector.select(&request).unwrap().seeds, [1]);
    }
}

fn without_time(mut s: Selection) -> Selection {
    s.seconds = 0.0;
    s
}

#[test]
fn answers_do_not_depend_on_the_thread_count() {
    let g = random_network(500, 0.01, MASTER + 1);
    for (name, selector) in selectors() {
        let request = SeedRequest::new(&g, 10).seeded(MASTER);
        let pooled = without_time(selector.select(&request).unwrap());
        for threads in [1, 3, 8] {
            let other = without_time(selector.select(&request.on_threads(threads)).unwrap());
            assert_eq!(pooled, other, "{name} on {threads} threads");
        }
    }
}

#[test]
fn random_seeds_are_reproducible_and_differ_across_seeds() {
    let g = random_network(50, 0.05, MASTER);
    let candidates: Vec<u32> = (0..50).filter(|v| v % 5 != 0).collect();
    let request = SeedRequest::new(&g, 5).among(&candidates).seeded(MASTER);
    let first = RandomSeeds.select(&request).unwrap();
    assert_eq!(first.method, "random");
    assert_eq!(first.seeds, RandomSeeds.select(&request).unwrap().seeds);
    let other = RandomSeeds.select(&request.seeded(MASTER + 1)).unwrap();
    assert_ne!(first.seeds, other.seeds);
    // The order the candidates are listed in does not matter.
    let reversed: Vec<u32> = candidates.iter().rev().copied().collect();
    let again = RandomSeeds.select(&request.among(&reversed)).unwrap();
    assert_eq!(first.seeds, again.seeds);
    // Among every node, the `random` seed rule's draw.
    let all = RandomSeeds
        .select(&SeedRequest::new(&g, 5).seeded(MASTER))
        .unwrap();
    let rule = SeedRule::Random { count: 5 }
        .propose(&g, MASTER, &[])
        .unwrap();
    assert_eq!(all.seeds, rule);
}

#[test]
fn random_seeds_choose_each_candidate_with_probability_k_over_c() {
    let g = net(12, &[(0, 1), (1, 2)]);
    let candidates = [11, 3, 5, 0, 7, 9, 2, 6];
    let (k, c, draws) = (3usize, candidates.len(), 20_000u64);
    let mut hits = [0u64; 12];
    for i in 0..draws {
        let request = SeedRequest::new(&g, k)
            .among(&candidates)
            .seeded(MASTER + i);
        for s in RandomSeeds.select(&request).unwrap().seeds {
            hits[s as usize] += 1;
        }
    }
    // Binomial(draws, k/c) per candidate.
    let p = k as f64 / c as f64;
    let mean = draws as f64 * p;
    let sd = (draws as f64 * p * (1.0 - p)).sqrt();
    for (v, &h) in hits.iter().enumerate() {
        if candidates.contains(&(v as u32)) {
            assert!((h as f64 - mean).abs() < 4.0 * sd, "node {v}: {hits:?}");
        } else {
            assert_eq!(h, 0, "node {v} is not a candidate: {hits:?}");
        }
    }
    assert_eq!(hits.iter().sum::<u64>(), draws * k as u64);
}

/// The name of an `InvalidParameter`, or the error itself.
fn field(e: Error) -> String {
    match e {
        Error::InvalidParameter { name, .. } => name.to_string(),
        other => panic!("not an invalid parameter: {other}"),
    }
}

#[test]
fn bad_requests_are_typed_errors_naming_the_field() {
    let g = net(4, &[(0, 1), (1, 2)]);
    for (name, selector) in selectors() {
        let cases: [(SeedRequest<'_>, &str); 5] = [
            (SeedRequest::new(&g, 5), "k"),
            (SeedRequest::new(&g, 0), "k"),
            (SeedRequest::new(&g, 3).among(&[0, 1]), "k"),
            (SeedRequest::new(&g, 1).among(&[2, 0, 2]), "candidates[2]"),
            (SeedRequest::new(&g, 1).among(&[9]), "candidates[0]"),
        ];
        for (request, want) in cases {
            assert_eq!(
                field(selector.select(&request).unwrap_err()),
                want,
                "{name}"
            );
        }
    }
    let request = SeedRequest::new(&g, 1);
    for p in [-0.1, 1.5] {
        match (DegreeDiscount { p }).select(&request) {
            Err(Error::ProbabilityOutOfRange { name, .. }) => assert_eq!(name, "p"),
            other => panic!("p = {p}: {other:?}"),
        }
    }
    match (DegreeDiscount { p: f64::NAN }).select(&request) {
        Err(Error::InvalidWeight { text, .. }) => assert!(text.starts_with("p ="), "{text}"),
        other => panic!("{other:?}"),
    }
    let mut pr = PageRankSeeds::default();
    pr.options.damping = 1.0;
    assert_eq!(field(pr.select(&request).unwrap_err()), "damping");
    pr.options.damping = 0.85;
    pr.options.max_iterations = 1;
    assert_eq!(field(pr.select(&request).unwrap_err()), "max_iterations");
}

#[test]
fn options_read_from_json_and_refuse_unknown_fields() {
    let degree: Degree = serde_json::from_str(r#"{"by": "followers"}"#).unwrap();
    assert_eq!(degree.by, DegreeKind::Followers);
    let dd: DegreeDiscount = serde_json::from_str(r#"{"p": 0.01}"#).unwrap();
    assert_eq!(dd, DegreeDiscount { p: 0.01 });
    let pr: PageRankSeeds = serde_json::from_str("{}").unwrap();
    assert_eq!(pr, PageRankSeeds::default());
    let pr: PageRankSeeds = serde_json::from_str(r#"{"options": {"damping": 0.5}}"#).unwrap();
    assert_eq!(pr.options.damping, 0.5);
    for (text, what) in [
        (r#"{"by": "out", "p": 1}"#, "degree"),
        (r#"{"by": "sideways"}"#, "degree"),
        (r#"{"p": 0.1, "k": 3}"#, "degree_discount"),
        (r#"{"damping": 0.5}"#, "pagerank"),
    ] {
        let refused = match what {
            "degree" => serde_json::from_str::<Degree>(text).is_err(),
            "degree_discount" => serde_json::from_str::<DegreeDiscount>(text).is_err(),
            _ => serde_json::from_str::<PageRankSeeds>(text).is_err(),
        };
        assert!(refused, "{what}: {text}");
    }
}
