//! Heuristic seed selectors: random, degree, degree discount, PageRank and
//! k-core.
//!
//! None of them simulates a diffusion or proves a guarantee: they are the
//! cheap baselines that influence-maximisation studies compare RR-set
//! methods ([`Imm`](crate::seeding::Imm), [`Opim`](crate::seeding::Opim))
//! against. Each implements [`SeedSelector`]: it checks the request with
//! [`SeedRequest::checked_candidates`], returns exactly `k` distinct
//! candidates, best first where it ranks, and gives the same answer for the
//! same request whatever the number of threads (all five run on the calling
//! thread; [`SeedRequest::threads`] is not used).
//!
//! # Orientation
//! An arc `u -> v` means that influence flows from `u` to `v`: `u` talks to
//! `v`, `v` follows `u` (see [`centrality`](crate::centrality)). A good seed
//! is one that *reaches* many, so the rankings below look along the arcs:
//! out-degree, and PageRank with rank flowing against the arcs (towards the
//! nodes that reach many).

use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::time::Instant;

use serde::{Deserialize, Serialize};

use super::rank::rank_by_score;
use super::rules::SEED_STREAM;
use super::sample::sample_distinct;
use super::select::{SeedRequest, SeedSelector, Selection};
use crate::analysis::centrality::{
    PageRankOptions, core_numbers, followers, pagerank, simple_undirected,
};
use crate::error::{Result, check_probability};
use crate::rng::stream_rng;

/// `k` distinct candidates drawn uniformly at random: the baseline every
/// other selector should beat.
///
/// The candidates are put in increasing index order and `k` of them are
/// drawn by [`sample_distinct`](crate::seeding::sample_distinct) on stream
/// `u64::MAX` of the request's master seed
/// ([`stream_rng`](crate::rng::stream_rng)), the stream of the `random` seed
/// rule. So the same request always gives the same seeds, whatever order
/// the candidates are listed in, and with every node a candidate they are
/// the seeds of [`SeedRule::Random`](crate::seeding::SeedRule::Random) with
/// the same master seed. Each candidate is a seed with probability k/c (c
/// candidates).
///
/// Reported as method `"random"`, in the order drawn.
///
/// # Complexity
/// Time O(c log c) (sorting the candidates) plus k draws; extra space O(n)
/// for checking the candidates.
///
/// # Example
/// ```
/// use wom::Network;
/// use wom::seeding::{RandomSeeds, SeedRequest, SeedSelector};
///
/// let net = Network::from_arcs(10, [(0, 1, 1.0)])?;
/// let request = SeedRequest::new(&net, 3).among(&[2, 4, 6, 8]).seeded(7);
/// let chosen = RandomSeeds.select(&request)?;
/// assert_eq!(chosen.seeds.len(), 3);
/// assert!(chosen.seeds.iter().all(|s| [2, 4, 6, 8].contains(s)));
/// assert_eq!(chosen.seeds, RandomSeeds.select(&request)?.seeds);
/// # Ok::<(), wom::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RandomSeeds;

impl SeedSelector for RandomSeeds {
    fn select(&self, request: &SeedRequest<'_>) -> Result<Selection> {
        let started = Instant::now();
        let mut candidates = request.checked_candidates()?;
        candidates.sort_unstable();
        let seeds = sample_distinct(
            candidates,
            request.k,
            &mut stream_rng(request.master_seed, SEED_STREAM),
        )?;
        Ok(Selection::plain("random", seeds, started))
    }
}

/// Which degree [`Degree`] ranks by.
///
/// Every degree counts arcs as they are: a repeated arc counts each time it
/// occurs, a self-loop once as an arc out and once as an arc in. Trust
/// values are not used.
///
/// In JSON: `"out"`, `"in"` or `"followers"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DegreeKind {
    /// Out-degree: the arcs leaving a node, the neighbours it can activate
    /// directly (`network.forward().degree(u)`). The usual degree heuristic
    /// for influence.
    Out,
    /// In-degree: the arcs entering a node, the accounts it listens to.
    /// A node that hears many need not reach many: this ranks the most
    /// exposed nodes, useful as a contrast to [`Out`](Self::Out).
    In,
    /// Followers, as [`centrality::followers`](crate::centrality::followers)
    /// counts them. In `wom`'s orientation a node's followers are its
    /// out-neighbours, so this is the **same number as [`Out`](Self::Out)**
    /// (repeated arcs and self-loops included) and chooses the same seeds;
    /// it is the in-degree of the follow graph (arcs follower -> followed),
    /// which is where the name comes from. It is kept so that a document
    /// can say `"followers"`, as the opinion-leader
    /// [`Centrality::Followers`](crate::roles::Centrality::Followers) does.
    Followers,
}

/// The `k` candidates of highest degree (Freeman's degree centrality), ties
/// to the smaller node index.
///
/// Reported as method `"degree"`, highest first.
///
/// # Complexity
/// Time O(n) for [`Out`](DegreeKind::Out) and
/// [`Followers`](DegreeKind::Followers) (the offsets are read), O(n + m)
/// for [`In`](DegreeKind::In) (the arcs are counted; the reverse view is not
/// built), then O(c log c) to rank c candidates
/// ([`rank_by_score`](crate::seeding::rank_by_score)). Extra space O(n).
///
/// # Example
/// ```
/// use wom::Network;
/// use wom::seeding::{Degree, DegreeKind, SeedRequest, SeedSelector};
///
/// // 0 talks to 1, 2 and 3; 1 and 2 both talk to 3.
/// let net = Network::from_arcs(4, [(0, 1, 1.0), (0, 2, 1.0), (0, 3, 1.0), (1, 3, 1.0), (2, 3, 1.0)])?;
/// let request = SeedRequest::new(&net, 2);
/// assert_eq!(Degree { by: DegreeKind::Out }.select(&request)?.seeds, [0, 1]);
/// assert_eq!(Degree { by: DegreeKind::In }.select(&request)?.seeds, [3, 1]);
/// # Ok::<(), wom::Error>(())
/// ```
///
/// # Reference
/// L. C. Freeman, "Centrality in social networks: conceptual
/// clarification", *Social Networks* 1(3), 215-239, 1979; as an
/// influence-maximisation baseline, D. Kempe, J. Kleinberg and É. Tardos,
/// "Maximizing the spread of influence through a social network", KDD 2003.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Degree {
    /// Which degree.
    pub by: DegreeKind,
}

impl SeedSelector for Degree {
    fn select(&self, request: &SeedRequest<'_>) -> Result<Selection> {
        let started = Instant::now();
        let mut candidates = request.checked_candidates()?;
        let network = request.network;
        let degrees: Vec<u32> = match self.by {
            // Out-degree is the follower count in wom's orientation.
            DegreeKind::Out | DegreeKind::Followers => followers(network),
            DegreeKind::In => {
                let mut degree = vec![0u32; network.node_count()];
                for a in network.forward().arcs() {
                    degree[a.node as usize] += 1;
                }
                degree
            }
        };
        let scores: Vec<f64> = degrees.into_iter().map(f64::from).collect();
        rank_by_score(&mut candidates, &scores)?;
        candidates.truncate(request.k);
        Ok(Selection::plain("degree", candidates, started))
    }
}

/// Degree discount for the independent cascade with one probability `p` on
/// every arc (Chen, Wang and Yang, KDD 2009, algorithm DegreeDiscountIC).
///
/// A neighbour of a seed is worth less than its degree says: it may already
/// be activated by the seed, and its arc back to the seed is wasted. The
/// heuristic chooses greedily, each time the candidate of highest
///
/// ```text
/// dd_v = d_v − 2 t_v − (d_v − t_v) t_v p
/// ```
///
/// where d_v is v's **out-degree** (the arcs v can activate along) and t_v
/// the number of arcs into v from the seeds chosen so far (the chances the
/// seeds have to activate v before v is chosen). Ties go to the smaller
/// node index. A repeated arc counts each time it occurs in both d_v and
/// t_v, as it gives the cascade one more chance; a self-loop counts in d_v
/// and never in t_v (a seed is not chosen again). On a network whose ties
/// are all reciprocal (an undirected graph as two arcs per edge, as in the
/// paper) t_v is the number of seed neighbours and this is exactly the
/// paper's algorithm; on a directed network the formula is applied with the
/// t_v above. With p = 0 the discount is d_v − 2 t_v.
///
/// The authors derive it as a first-order estimate of v's additional
/// spread for small p; it is a heuristic, with no guarantee. Only candidates
/// are chosen; every seed discounts its out-neighbours, candidates or not.
///
/// Reported as method `"degree_discount"`, in the order chosen.
///
/// # Errors
/// [`Error::ProbabilityOutOfRange`](crate::Error::ProbabilityOutOfRange)
/// naming `p` for a p outside [0, 1],
/// [`Error::InvalidWeight`](crate::Error::InvalidWeight) for a p that is
/// not finite; invalid requests as [`SeedRequest::checked_candidates`].
///
/// # Complexity
/// Time O((c + m_S) log(c + m_S)) for c candidates, m_S being the arcs out
/// of the k seeds: a max-heap of candidates, where a change of t_v pushes a
/// fresh entry and stale entries are skipped when popped (the discount may
/// rise as well as fall, so entries are checked, not assumed to decrease).
/// Extra space O(n + c + m_S): a count and a state per node and the heap.
///
/// # Example
/// ```
/// use wom::Network;
/// use wom::seeding::{DegreeDiscount, SeedRequest, SeedSelector};
///
/// // Friendships (two arcs each): 0 - {1, 2, 3, 4}, 1 - {5, 6}, 7 - {8, 9}.
/// let edges = [(0, 1), (0, 2), (0, 3), (0, 4), (1, 5), (1, 6), (7, 8), (7, 9)];
/// let arcs = edges.iter().flat_map(|&(u, v)| [(u, v, 1.0), (v, u, 1.0)]);
/// let net = Network::from_arcs(10, arcs)?;
/// // After 0, node 1 (degree 3, one seed neighbour) is worth
/// // 3 − 2 − 2 × 0.1 = 0.8 and node 7 (degree 2, none) 2.
/// let chosen = DegreeDiscount { p: 0.1 }.select(&SeedRequest::new(&net, 2))?;
/// assert_eq!(chosen.seeds, [0, 7]);
/// # Ok::<(), wom::Error>(())
/// ```
///
/// # Reference
/// W. Chen, Y. Wang and S. Yang, "Efficient influence maximization in
/// social networks", KDD 2009, 199-208.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DegreeDiscount {
    /// The propagation probability p of every arc, in [0, 1].
    pub p: f64,
}

/// A candidate's discounted degree when `t` of its in-arcs come from seeds.
fn discounted(d: u32, t: u32, p: f64) -> f64 {
    let (d, t) = (f64::from(d), f64::from(t));
    d - 2.0 * t - (d - t) * t * p
}

/// A heap entry: a candidate's discounted degree, computed when its count
/// of seed in-arcs was `t`. The greatest entry has the highest score, then
/// the smaller node index.
struct Entry {
    score: f64,
    node: u32,
    t: u32,
}

impl Ord for Entry {
    fn cmp(&self, other: &Self) -> Ordering {
        self.score
            .total_cmp(&other.score)
            .then(other.node.cmp(&self.node))
    }
}

impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Entry {}

/// A node's part in degree discount.
#[derive(Clone, Copy, PartialEq)]
enum Standing {
    Outside,
    Candidate,
    Chosen,
}

impl SeedSelector for DegreeDiscount {
    fn select(&self, request: &SeedRequest<'_>) -> Result<Selection> {
        let started = Instant::now();
        let p = check_probability("p", self.p, None)?;
        let candidates = request.checked_candidates()?;
        let network = request.network;
        let forward = network.forward();
        let n = network.node_count();
        // Out-degree is the follower count in wom's orientation.
        let degree = followers(network);
        let mut t = vec![0u32; n];
        let mut standing = vec![Standing::Outside; n];
        for &v in &candidates {
            standing[v as usize] = Standing::Candidate;
        }
        let mut heap: BinaryHeap<Entry> = candidates
            .iter()
            .map(|&v| Entry {
                score: f64::from(degree[v as usize]),
                node: v,
                t: 0,
            })
            .collect();
        let mut seeds = Vec::with_capacity(request.k);
        while seeds.len() < request.k {
            // Never empty here: every unchosen candidate has a current entry.
            let Some(Entry { node: u, t: tu, .. }) = heap.pop() else {
                break;
            };
            let u_at = u as usize;
            if standing[u_at] != Standing::Candidate || t[u_at] != tu {
                continue;
            }
            standing[u_at] = Standing::Chosen;
            seeds.push(u);
            for a in forward.neighbors(u) {
                let v = a.node as usize;
                if standing[v] == Standing::Chosen {
                    continue;
                }
                t[v] += 1;
                if standing[v] == Standing::Candidate {
                    heap.push(Entry {
                        score: discounted(degree[v], t[v], p),
                        node: a.node,
                        t: t[v],
                    });
                }
            }
        }
        Ok(Selection::plain("degree_discount", seeds, started))
    }
}

/// The `k` candidates of highest PageRank on the follow graph, where rank
/// flows against `wom`'s arcs, towards the nodes that reach many; ties to
/// the smaller node index.
///
/// Influence flows along an arc `u -> v` (u talks to v). PageRank along
/// those arcs would rank the nodes that *hear* many; the selector uses
/// [`centrality::pagerank`](crate::centrality::pagerank) instead, which is
/// PageRank on the reverse graph (the follow graph, arcs v -> u): v passes
/// rank to each u it listens to, so a node ranks high when many nodes, or
/// nodes that themselves reach many, listen to it. It is
/// `networkx.pagerank` on `wom`'s arcs reversed, unweighted (trust is not
/// used), with uniform teleport and dangling distribution.
///
/// Reported as method `"pagerank"`, highest first.
///
/// In JSON every field may be left out: `{"options": {"damping": 0.85}}`
/// or `{}`.
///
/// # Errors
/// As [`pagerank`](crate::centrality::pagerank): invalid options (naming
/// `damping`, `tolerance` or `max_iterations`) or no convergence (naming
/// `max_iterations`); invalid requests as
/// [`SeedRequest::checked_candidates`].
///
/// # Complexity
/// PageRank's O(i (n + m)) for i iterations, then O(c log c) to rank c
/// candidates. Extra space O(n).
///
/// # Example
/// ```
/// use wom::Network;
/// use wom::seeding::{PageRankSeeds, SeedRequest, SeedSelector};
///
/// // A chain 0 -> 1 -> 2 -> 3: 0 reaches everyone, 3 nobody.
/// let net = Network::from_arcs(4, [(0, 1, 1.0), (1, 2, 1.0), (2, 3, 1.0)])?;
/// let chosen = PageRankSeeds::default().select(&SeedRequest::new(&net, 2))?;
/// assert_eq!(chosen.seeds, [0, 1]);
/// # Ok::<(), wom::Error>(())
/// ```
///
/// # Reference
/// S. Brin and L. Page, "The anatomy of a large-scale hypertextual Web
/// search engine", *Computer Networks and ISDN Systems* 30(1-7), 107-117,
/// 1998.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageRankSeeds {
    /// Damping, tolerance and iteration cap (default
    /// [`PageRankOptions::default`]).
    #[serde(default)]
    pub options: PageRankOptions,
}

impl SeedSelector for PageRankSeeds {
    fn select(&self, request: &SeedRequest<'_>) -> Result<Selection> {
        let started = Instant::now();
        self.options.validate()?;
        let mut candidates = request.checked_candidates()?;
        let scores = pagerank(request.network, &self.options)?;
        rank_by_score(&mut candidates, &scores)?;
        candidates.truncate(request.k);
        Ok(Selection::plain("pagerank", candidates, started))
    }
}

/// The `k` candidates of highest core number, ties to the higher degree,
/// then to the smaller node index (Kitsak et al. 2010: the nodes of the
/// innermost core are the best single spreaders).
///
/// Both are read on the undirected simple view, as
/// [`centrality::core_numbers`](crate::centrality::core_numbers) defines
/// it: direction is ignored, two nodes joined by any number of arcs either
/// way are one neighbour, and self-loops are ignored. The degree of the
/// tie-break is the same: the number of distinct other nodes a node shares
/// an arc with, in either direction (not its number of arcs).
///
/// Reported as method `"k_core"`, highest first.
///
/// # Complexity
/// Time O(n + m) for the core numbers (building the reverse view if it has
/// not been built) and as much again for the degrees, then O(c log c) to
/// rank c candidates. Extra space O(n + m): the undirected simple adjacency
/// is built twice, one after the other.
///
/// # Example
/// ```
/// use wom::Network;
/// use wom::seeding::{KCore, SeedRequest, SeedSelector};
///
/// // A triangle 0-1-2 with 3 hanging off 2, and a hub 4 talking to 5, 6 and 7.
/// let net = Network::from_arcs(
///     8,
///     [(0, 1, 1.0), (1, 2, 1.0), (2, 0, 1.0), (2, 3, 1.0), (4, 5, 1.0), (4, 6, 1.0), (4, 7, 1.0)],
/// )?;
/// // Core 2: 0, 1 and 2, of which 2 has the most neighbours.
/// assert_eq!(KCore.select(&SeedRequest::new(&net, 2))?.seeds, [2, 0]);
/// # Ok::<(), wom::Error>(())
/// ```
///
/// # Reference
/// M. Kitsak, L. K. Gallos, S. Havlin, F. Liljeros, L. Muchnik, H. E.
/// Stanley and H. A. Makse, "Identification of influential spreaders in
/// complex networks", *Nature Physics* 6, 888-893, 2010; core numbers by
/// V. Batagelj and M. Zaversnik, arXiv:cs/0310049, 2003.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct KCore;

impl SeedSelector for KCore {
    fn select(&self, request: &SeedRequest<'_>) -> Result<Selection> {
        let started = Instant::now();
        let mut candidates = request.checked_candidates()?;
        let network = request.network;
        let core = core_numbers(network);
        let degree: Vec<usize> = simple_undirected(network)
            .0
            .windows(2)
            .map(|w| w[1] - w[0])
            .collect();
        candidates.sort_unstable_by(|&a, &b| {
            let (a_at, b_at) = (a as usize, b as usize);
            core[b_at]
                .cmp(&core[a_at])
                .then(degree[b_at].cmp(&degree[a_at]))
                .then(a.cmp(&b))
        });
        candidates.truncate(request.k);
        Ok(Selection::plain("k_core", candidates, started))
    }
}
