//! The modelling layer: the social graph, a petgraph graph of actors and
//! ties behind a `wom` type that keeps external ids and groups with it.

use std::sync::Arc;

use petgraph::graph::{DiGraph, EdgeIndex, NodeIndex};
use petgraph::visit::EdgeRef;

use crate::actor::{Actor, BuiltinActor};
use crate::error::{Error, Result, check_probability};
use crate::id::{IdMap, NodeId};
use crate::network::{Network, NetworkParts, RoleTableBuilder};
use crate::tie::{SocialTie, Tie};

/// A group, forum or community: a named set of members who may not know
/// each other. A node may belong to several groups.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// The group's name.
    pub name: String,
    members: Vec<NodeIndex>,
}

impl Group {
    /// The members, in the order they were given.
    pub fn members(&self) -> &[NodeIndex] {
        &self.members
    }
}

/// A social network: actors (`A`) as node weights and ties (`T`) as edge
/// weights of a petgraph [`DiGraph`], with every node's external
/// [`NodeId`] and the groups (forums, communities) nodes belong to.
///
/// Arcs point the way influence flows: `u -> v` means `v` hears `u`. A
/// friendship is two arcs ([`add_mutual_tie`](SocialGraph::add_mutual_tie)).
/// Every tie's trust is checked to be in [0, 1] when it is added, and again
/// when the graph is frozen (ties can be edited through
/// [`tie_mut`](SocialGraph::tie_mut) in between).
///
/// Nodes are never removed, so petgraph's indices stay dense and equal to
/// the frozen [`Network`]'s indices: `NodeIndex::new(i)` is network node `i`.
///
/// # Example
/// ```
/// use wom::{SocialGraph, Consumer, OpinionLeader, SocialTie};
///
/// let mut g: SocialGraph = SocialGraph::new();
/// let ann = g.add_actor("ann", OpinionLeader::default().into())?;
/// let bob = g.add_actor("bob", Consumer::default().into())?;
/// let cy = g.add_actor("cy", Consumer::default().into())?;
/// g.add_tie(ann, bob, SocialTie::follow(0.8))?;       // bob follows ann
/// g.add_mutual_tie(bob, cy, SocialTie::friendship(0.6))?;
/// g.add_group("runners", [bob, cy])?;
///
/// let net = g.freeze()?;
/// assert_eq!((net.node_count(), net.arc_count()), (3, 3));
/// assert_eq!(net.index_of(&"cy".into())?, 2);
/// # Ok::<(), wom::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct SocialGraph<A = BuiltinActor, T = SocialTie> {
    graph: DiGraph<A, T, u32>,
    // Shared with the networks frozen from this graph; copied on write only
    // if the graph gains nodes while a network still holds it.
    ids: Arc<IdMap>,
    groups: Vec<Group>,
}

impl<A, T> Default for SocialGraph<A, T> {
    fn default() -> Self {
        SocialGraph {
            graph: DiGraph::default(),
            ids: Arc::new(IdMap::new()),
            groups: Vec::new(),
        }
    }
}

/// Adds a node to a petgraph graph with any index type: an
/// [`Error::TooManyNodes`] rather than petgraph's panic when the indices are
/// used up (petgraph reserves the largest index, so a graph holds
/// `Ix::max()` nodes).
///
/// [`SocialGraph`] fixes the index type to `u32` and stops at
/// [`MAX_NODES`](crate::network::MAX_NODES) first, so there this is a
/// second line of defence that no test can reach with `u32` indices; the
/// tests below run it with `u8` indices.
fn try_add_node<N, E, Ix: petgraph::graph::IndexType>(
    graph: &mut DiGraph<N, E, Ix>,
    weight: N,
) -> Result<NodeIndex<Ix>> {
    graph.try_add_node(weight).map_err(|_| Error::TooManyNodes {
        limit: <Ix as petgraph::graph::IndexType>::max().index() as u64,
        location: None,
    })
}

/// Adds an arc to a petgraph graph with any index type: an
/// [`Error::TooManyArcs`] rather than petgraph's panic when the edge indices
/// are used up (a graph holds `Ix::max()` edges; for `u32`, that is
/// [`MAX_ARCS`](crate::network::MAX_ARCS)), an [`Error::UnknownNode`] for a
/// missing endpoint.
fn try_add_edge<N, E, Ix: petgraph::graph::IndexType>(
    graph: &mut DiGraph<N, E, Ix>,
    from: NodeIndex<Ix>,
    to: NodeIndex<Ix>,
    weight: E,
) -> Result<EdgeIndex<Ix>> {
    use petgraph::graph::GraphError;
    graph.try_add_edge(from, to, weight).map_err(|e| match e {
        GraphError::EdgeIxLimit => Error::TooManyArcs {
            limit: <Ix as petgraph::graph::IndexType>::max().index() as u64,
        },
        _ => Error::UnknownNode {
            id: format!(
                "index {} or {} (graph has {} nodes)",
                from.index(),
                to.index(),
                graph.node_count()
            ),
        },
    })
}

#[cfg(test)]
mod index_limits {
    use super::*;

    #[test]
    fn a_full_index_type_is_an_error_not_a_panic() {
        let mut g: DiGraph<(), (), u8> = DiGraph::default();
        for i in 0..255 {
            assert_eq!(try_add_node(&mut g, ()).unwrap().index(), i);
        }
        assert!(matches!(
            try_add_node(&mut g, ()),
            Err(Error::TooManyNodes {
                limit: 255,
                location: None
            })
        ));
        assert_eq!(g.node_count(), 255);
        let (a, b) = (NodeIndex::new(0), NodeIndex::new(254));
        for i in 0..255 {
            assert_eq!(try_add_edge(&mut g, a, b, ()).unwrap().index(), i);
        }
        assert!(matches!(
            try_add_edge(&mut g, b, a, ()),
            Err(Error::TooManyArcs { limit: 255 })
        ));
        assert_eq!(g.edge_count(), 255);
    }

    #[test]
    fn a_missing_endpoint_is_an_unknown_node() {
        let mut g: DiGraph<(), (), u8> = DiGraph::default();
        try_add_node(&mut g, ()).unwrap();
        assert!(matches!(
            try_add_edge(&mut g, NodeIndex::new(0), NodeIndex::new(3), ()),
            Err(Error::UnknownNode { ref id }) if id == "index 0 or 3 (graph has 1 nodes)"
        ));
    }

    #[test]
    fn social_graphs_count_against_the_shared_limits() {
        let mut g: SocialGraph = SocialGraph::new();
        let a = g.add_actor(7u64, BuiltinActor::default()).unwrap();
        let b = g.add_actor(8u64, BuiltinActor::default()).unwrap();
        assert_eq!((a.index(), b.index()), (0, 1));
        assert_eq!(g.add_tie(a, b, SocialTie::follow(0.5)).unwrap().index(), 0);
        assert_eq!(crate::network::MAX_NODES, u64::from(u32::MAX - 1));
        assert_eq!(crate::network::MAX_ARCS, u64::from(u32::MAX));
    }
}

impl<A: Actor, T: Tie> SocialGraph<A, T> {
    /// An empty graph.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty graph with room for `nodes` actors and `arcs` ties.
    pub fn with_capacity(nodes: usize, arcs: usize) -> Self {
        SocialGraph {
            graph: DiGraph::with_capacity(nodes, arcs),
            ids: Arc::new(IdMap::with_capacity(nodes)),
            groups: Vec::new(),
        }
    }

    /// An empty graph with room for `nodes` actors and `arcs` ties, or
    /// [`Error::AllocationFailed`] when the memory cannot be had (where
    /// [`with_capacity`](SocialGraph::with_capacity) would abort the
    /// process). The room is first asked for with fallible allocation, then
    /// handed to petgraph, which has no fallible constructor: on a system
    /// that overcommits memory, a request the system grants may still fail
    /// later when the memory is touched.
    ///
    /// # Errors
    /// [`Error::AllocationFailed`] naming the part and its bytes.
    ///
    /// # Example
    /// ```
    /// use wom::{Error, SocialGraph};
    ///
    /// let g: SocialGraph = SocialGraph::try_with_capacity(10, 20)?;
    /// assert_eq!(g.node_count(), 0);
    /// let huge = SocialGraph::<wom::BuiltinActor, wom::SocialTie>::try_with_capacity(usize::MAX / 8, 0);
    /// assert!(matches!(huge, Err(Error::AllocationFailed { .. })));
    /// # Ok::<(), wom::Error>(())
    /// ```
    pub fn try_with_capacity(nodes: usize, arcs: usize) -> Result<Self> {
        fn probe<X>(what: &str, n: usize) -> Result<()> {
            let mut v: Vec<X> = Vec::new();
            v.try_reserve_exact(n).map_err(|_| Error::AllocationFailed {
                what: what.to_string(),
                bytes: (n as u64).saturating_mul(std::mem::size_of::<X>() as u64),
            })
        }
        probe::<petgraph::graph::Node<A, u32>>("the graph's nodes", nodes)?;
        probe::<petgraph::graph::Edge<T, u32>>("the graph's arcs", arcs)?;
        Ok(Self::with_capacity(nodes, arcs))
    }

    /// Wraps a petgraph graph of your own. Node `i` gets the external id
    /// `i` (an integer).
    ///
    /// # Errors
    /// [`Error::ProbabilityOutOfRange`] / [`Error::InvalidWeight`] for a tie
    /// whose trust is outside [0, 1]; [`Error::TooManyNodes`] past `u32`.
    pub fn from_petgraph(graph: DiGraph<A, T, u32>) -> Result<Self> {
        for e in graph.edge_references() {
            check_probability("trust", e.weight().trust(), None)?;
        }
        let ids = Arc::new(IdMap::identity(graph.node_count())?);
        Ok(SocialGraph {
            graph,
            ids,
            groups: Vec::new(),
        })
    }

    /// Adds an actor with its external id and returns its index.
    ///
    /// # Errors
    /// [`Error::DuplicateNodeId`] if the id is taken;
    /// [`Error::TooManyNodes`] past
    /// [`MAX_NODES`](crate::network::MAX_NODES) (`u32::MAX - 1`) nodes.
    pub fn add_actor(&mut self, id: impl Into<NodeId>, actor: A) -> Result<NodeIndex> {
        crate::network::limits::check_nodes(self.graph.node_count() as u128 + 1)?;
        Arc::make_mut(&mut self.ids).insert(id.into())?;
        // Below MAX_NODES petgraph has room: this cannot fail once the id
        // is in, so the id map and the graph stay in step.
        try_add_node(&mut self.graph, actor)
    }

    /// Adds the arc `from -> to` (`to` hears `from`).
    ///
    /// # Errors
    /// [`Error::UnknownNode`] for an index not in the graph;
    /// [`Error::ProbabilityOutOfRange`] / [`Error::InvalidWeight`] for a trust
    /// outside [0, 1] or not finite; [`Error::TooManyArcs`] past
    /// [`MAX_ARCS`](crate::network::MAX_ARCS) (`u32::MAX`) arcs, the most
    /// petgraph's `u32` edge indices hold.
    pub fn add_tie(&mut self, from: NodeIndex, to: NodeIndex, tie: T) -> Result<EdgeIndex> {
        self.check_node(from)?;
        self.check_node(to)?;
        check_probability("trust", tie.trust(), None)?;
        try_add_edge(&mut self.graph, from, to, tie)
    }

    /// Adds a mutual relation: the arcs `a -> b` and `b -> a`, each with a
    /// copy of `tie`. A mutual self-relation (`a == b`) is one loop.
    ///
    /// # Errors
    /// As [`add_tie`](SocialGraph::add_tie).
    pub fn add_mutual_tie(
        &mut self,
        a: NodeIndex,
        b: NodeIndex,
        tie: T,
    ) -> Result<(EdgeIndex, EdgeIndex)>
    where
        T: Clone,
    {
        let ab = self.add_tie(a, b, tie.clone())?;
        if a == b {
            return Ok((ab, ab));
        }
        let ba = self.add_tie(b, a, tie)?;
        Ok((ab, ba))
    }

    /// Adds a group with the given members and returns its index.
    ///
    /// # Errors
    /// [`Error::UnknownNode`] for a member not in the graph;
    /// [`Error::InvalidParameter`] when a member is listed twice.
    pub fn add_group<I>(&mut self, name: impl Into<String>, members: I) -> Result<usize>
    where
        I: IntoIterator<Item = NodeIndex>,
    {
        let name = name.into();
        let members: Vec<NodeIndex> = members.into_iter().collect();
        for &m in &members {
            self.check_node(m)?;
        }
        // Sorting a copy finds a repeated member in O(k log k) for a group of
        // k members, whatever the size of the graph.
        let mut sorted: Vec<NodeIndex> = members.clone();
        sorted.sort_unstable();
        if let Some(w) = sorted.windows(2).find(|w| w[0] == w[1]) {
            let id = self
                .ids
                .id_of(w[0].index() as u32)
                .map(ToString::to_string)
                .unwrap_or_default();
            return Err(Error::param(
                "group member",
                format!("{id} in group {name:?}"),
                "listed twice",
            ));
        }
        self.groups.push(Group { name, members });
        Ok(self.groups.len() - 1)
    }

    fn check_node(&self, n: NodeIndex) -> Result<()> {
        if n.index() < self.graph.node_count() {
            Ok(())
        } else {
            Err(Error::UnknownNode {
                id: format!(
                    "index {} (graph has {} nodes)",
                    n.index(),
                    self.graph.node_count()
                ),
            })
        }
    }

    /// The node with external id `id`.
    ///
    /// # Errors
    /// [`Error::UnknownNode`] when no node has that id.
    pub fn node(&self, id: &NodeId) -> Result<NodeIndex> {
        self.ids.index_of(id).map(|i| NodeIndex::new(i as usize))
    }

    /// The external id of a node.
    pub fn id_of(&self, node: NodeIndex) -> Option<&NodeId> {
        self.ids.id_of(node.index() as u32)
    }

    /// The map between external ids and indices.
    pub fn ids(&self) -> &IdMap {
        &self.ids
    }

    /// The actor at a node.
    pub fn actor(&self, node: NodeIndex) -> Option<&A> {
        self.graph.node_weight(node)
    }

    /// The actor at a node, to edit.
    pub fn actor_mut(&mut self, node: NodeIndex) -> Option<&mut A> {
        self.graph.node_weight_mut(node)
    }

    /// The tie of an arc, to edit. Its trust is checked again on
    /// [`freeze`](SocialGraph::freeze).
    pub fn tie_mut(&mut self, arc: EdgeIndex) -> Option<&mut T> {
        self.graph.edge_weight_mut(arc)
    }

    /// Number of actors.
    pub fn node_count(&self) -> usize {
        self.graph.node_count()
    }

    /// Number of arcs (a mutual tie counts twice).
    pub fn arc_count(&self) -> usize {
        self.graph.edge_count()
    }

    /// The groups, in the order they were added.
    pub fn groups(&self) -> &[Group] {
        &self.groups
    }

    /// The underlying petgraph graph, for inspection and petgraph's own
    /// algorithms.
    pub fn graph(&self) -> &DiGraph<A, T, u32> {
        &self.graph
    }

    /// Takes the graph apart: the petgraph graph, the id map and the groups.
    ///
    /// To change the actor or tie type and keep the ids and groups, use
    /// [`map_actors`](SocialGraph::map_actors) and
    /// [`map_ties`](SocialGraph::map_ties) instead.
    pub fn into_parts(self) -> (DiGraph<A, T, u32>, IdMap, Vec<Group>) {
        (self.graph, Arc::unwrap_or_clone(self.ids), self.groups)
    }

    /// The same graph with every actor turned into another type by `f`:
    /// the way to move a graph built with the built-in actors (read from a
    /// file, made by a generator) to a role type of your own.
    ///
    /// Everything else is kept: node indices (`f` is called once per node,
    /// in index order), external ids, groups, arcs and ties. O(n + m)
    /// time, no copy of the ids.
    ///
    /// # Example
    /// ```
    /// use wom::{Actor, BuiltinActor, Consumer, NodeId, SocialGraph, SocialTie};
    ///
    /// /// A downstream role: a consumer who may be a skeptic.
    /// #[derive(Debug)]
    /// enum Mine { Consumer(Consumer), Skeptic }
    /// impl Actor for Mine {
    ///     fn role(&self) -> &str {
    ///         match self { Mine::Consumer(c) => c.role(), Mine::Skeptic => "skeptic" }
    ///     }
    /// }
    ///
    /// let mut g: SocialGraph = SocialGraph::new();
    /// let ann = g.add_actor("ann", Consumer::default().into())?;
    /// let bob = g.add_actor("bob", Consumer::default().into())?;
    /// g.add_tie(ann, bob, SocialTie::follow(0.5))?;
    /// g.add_group("club", [bob])?;
    ///
    /// let mut i = 0;
    /// let mine: SocialGraph<Mine, SocialTie> = g.map_actors(|a| {
    ///     i += 1;
    ///     match a {
    ///         BuiltinActor::Consumer(c) if i == 1 => Mine::Consumer(c),
    ///         _ => Mine::Skeptic,
    ///     }
    /// });
    /// assert_eq!(mine.node(&NodeId::from("bob"))?, bob);
    /// assert_eq!(mine.actor(bob).map(|a| a.role()), Some("skeptic"));
    /// assert_eq!(mine.groups()[0].members(), [bob]);
    /// # Ok::<(), wom::Error>(())
    /// ```
    pub fn map_actors<B, F>(self, mut f: F) -> SocialGraph<B, T>
    where
        F: FnMut(A) -> B,
    {
        SocialGraph {
            graph: self.graph.map_owned(|_, a| f(a), |_, t| t),
            ids: self.ids,
            groups: self.groups,
        }
    }

    /// The same graph with every tie turned into another type by `f`
    /// (called once per arc, in arc order), keeping nodes, actors, ids,
    /// groups and arc indices. O(n + m) time.
    ///
    /// # Errors
    /// [`Error::ProbabilityOutOfRange`] / [`Error::InvalidWeight`] when a
    /// new tie's trust is outside [0, 1] or not finite.
    ///
    /// # Example
    /// ```
    /// use wom::{Consumer, SocialGraph, SocialTie};
    ///
    /// let mut g: SocialGraph = SocialGraph::new();
    /// let ann = g.add_actor("ann", Consumer::default().into())?;
    /// let bob = g.add_actor("bob", Consumer::default().into())?;
    /// g.add_mutual_tie(ann, bob, SocialTie::friendship(0.5))?;
    /// // Plain numbers, trust halved.
    /// let plain = g.map_ties(|t| t.trust / 2.0)?;
    /// assert_eq!(plain.graph().edge_weights().copied().collect::<Vec<f64>>(), [0.25, 0.25]);
    /// # Ok::<(), wom::Error>(())
    /// ```
    pub fn map_ties<U, F>(self, mut f: F) -> Result<SocialGraph<A, U>>
    where
        U: Tie,
        F: FnMut(T) -> U,
    {
        let graph = self.graph.map_owned(|_, a| a, |_, t| f(t));
        for t in graph.edge_weights() {
            check_probability("trust", t.trust(), None)?;
        }
        Ok(SocialGraph {
            graph,
            ids: self.ids,
            groups: self.groups,
        })
    }

    /// Freezes the graph into the compact execution form: O(n + m) time
    /// (role names are looked up in a hash map). The id map is shared with
    /// the network, not copied. Trust is stored as `f32` in the network
    /// (relative precision 6e-8; the graph keeps the tie as given).
    ///
    /// What survives: the arcs and their trust, and per node the actor's
    /// [`role`](Actor::role), [`profile`](Actor::profile) and
    /// [`sponsorship`](Actor::sponsorship), its external id and its groups.
    /// Other fields of the actor and the tie's other fields (such as
    /// [`SocialTie::relation`]) do not; keep the actor's own fields with
    /// [`freeze_with`](SocialGraph::freeze_with).
    ///
    /// # Errors
    /// [`Error::ProbabilityOutOfRange`] / [`Error::InvalidWeight`] for a tie
    /// edited to an invalid trust; [`Error::TooManyArcs`] past `u32::MAX`
    /// arcs; [`Error::InvalidParameter`] for more than 65,536 role names.
    pub fn freeze(&self) -> Result<Network> {
        self.freeze_parts()
    }

    /// Freezes the graph (as [`freeze`](SocialGraph::freeze)) and keeps
    /// `data(actor)` for every node as the network's node data, read by
    /// kernels with [`Network::node_data`]: the way a downstream actor
    /// type's own fields (a fee, a disclosure rule, a follower-based
    /// credibility ...) survive freezing without a side table.
    ///
    /// `data` is called once per node, in index order, so
    /// `net.node_data::<D>()?[u]` is `data` of node `u`'s actor. Memory:
    /// `size_of::<D>()` bytes per node (see
    /// [`MemoryReport::node_data`](crate::network::MemoryReport::node_data)),
    /// shared between clones of the network. The values are not part of
    /// the [`NetworkId`](crate::NetworkId).
    ///
    /// # Errors
    /// As [`freeze`](SocialGraph::freeze).
    ///
    /// # Example
    /// ```
    /// use wom::{Actor, SocialGraph};
    ///
    /// /// A paid micro-influencer who must disclose.
    /// #[derive(Debug)]
    /// struct Micro { fee: f64, discloses: bool }
    /// impl Actor for Micro {
    ///     fn role(&self) -> &str { "micro_influencer" }
    /// }
    ///
    /// /// What the kernel needs of each node.
    /// #[derive(Debug, Clone, Copy, PartialEq)]
    /// struct Terms { fee: f64, discloses: bool }
    ///
    /// let mut g: SocialGraph<Micro, f64> = SocialGraph::new();
    /// let a = g.add_actor("a", Micro { fee: 120.0, discloses: true })?;
    /// let b = g.add_actor("b", Micro { fee: 80.0, discloses: false })?;
    /// g.add_tie(a, b, 0.6)?;
    /// let net = g.freeze_with(|m| Terms { fee: m.fee, discloses: m.discloses })?;
    /// let terms = net.node_data::<Terms>().expect("attached by freeze_with");
    /// assert_eq!(terms[1], Terms { fee: 80.0, discloses: false });
    /// assert_eq!(net.memory().node_data, 2 * std::mem::size_of::<Terms>());
    /// # Ok::<(), wom::Error>(())
    /// ```
    pub fn freeze_with<D, F>(&self, mut data: F) -> Result<Network>
    where
        D: Send + Sync + 'static,
        F: FnMut(&A) -> D,
    {
        let net = self.freeze_parts()?;
        let values: Vec<D> = self.graph.node_weights().map(&mut data).collect();
        net.with_node_data(values)
    }

    fn freeze_parts(&self) -> Result<Network> {
        let n = self.graph.node_count();
        let mut arcs = Vec::with_capacity(self.graph.edge_count());
        for e in self.graph.edge_references() {
            let t = check_probability("trust", e.weight().trust(), None)?;
            arcs.push((
                e.source().index() as u32,
                e.target().index() as u32,
                t as f32,
            ));
        }
        let mut roles = RoleTableBuilder::with_capacity(n);
        for a in self.graph.node_weights() {
            roles.push(a.role(), a.profile(), a.sponsorship())?;
        }
        let groups = self
            .groups
            .iter()
            .map(|g| {
                (
                    g.name.clone(),
                    g.members.iter().map(|m| m.index() as u32).collect(),
                )
            })
            .collect();
        Network::assemble(NetworkParts {
            n,
            arcs,
            roles: Some(roles),
            groups,
            ids: Arc::clone(&self.ids),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actor::{BusinessOrganization, Consumer, OpinionLeader, roles};

    fn small() -> SocialGraph {
        let mut g = SocialGraph::new();
        let b = g
            .add_actor("brand", BusinessOrganization::new("Acme").into())
            .unwrap();
        let l = g.add_actor(7u64, OpinionLeader::default().into()).unwrap();
        let c = g.add_actor(8u64, Consumer::default().into()).unwrap();
        g.add_tie(b, l, SocialTie::follow(1.0)).unwrap();
        g.add_tie(l, c, SocialTie::follow(0.5)).unwrap();
        g.add_mutual_tie(c, l, SocialTie::friendship(0.25)).unwrap();
        g.add_group("fans", [l, c]).unwrap();
        g
    }

    #[test]
    fn freeze_round_trips_every_arc_and_nothing_else() {
        let g = small();
        let net = g.freeze().unwrap();
        let mut want: Vec<(u32, u32, f32)> = g
            .graph()
            .edge_references()
            .map(|e| {
                (
                    e.source().index() as u32,
                    e.target().index() as u32,
                    e.weight().trust as f32,
                )
            })
            .collect();
        let mut got: Vec<(u32, u32, f32)> = net.forward().iter().collect();
        want.sort_by(|a, b| a.partial_cmp(b).unwrap());
        got.sort_by(|a, b| a.partial_cmp(b).unwrap());
        assert_eq!(got, want);
        let mut rev: Vec<(u32, u32, f32)> =
            net.reverse().iter().map(|(v, u, t)| (u, v, t)).collect();
        rev.sort_by(|a, b| a.partial_cmp(b).unwrap());
        assert_eq!(rev, want);
    }

    #[test]
    fn roles_profiles_groups_and_ids_survive_freezing() {
        let net = small().freeze().unwrap();
        assert_eq!(net.role_name(net.role(0)), Some(roles::BUSINESS));
        assert_eq!(net.role_name(net.role(1)), Some(roles::OPINION_LEADER));
        assert_eq!(net.role_name(net.role(2)), Some(roles::CONSUMER));
        assert_eq!(net.profile(1).credibility(), 0.8);
        assert_eq!(net.group_count(), 1);
        let members: Vec<u32> = net.group_members(0).iter().map(|a| a.node).collect();
        assert_eq!(members, [1, 2]);
        assert_eq!(net.groups_of(2).len(), 1);
        assert_eq!(net.groups_of(0).len(), 0);
        assert_eq!(net.index_of(&NodeId::Num(8)).unwrap(), 2);
        assert_eq!(net.id_of(0), Some(&NodeId::Name("brand".into())));
        assert!(matches!(
            net.index_of(&NodeId::Num(9)),
            Err(Error::UnknownNode { .. })
        ));
    }

    #[test]
    fn bad_ties_and_nodes_are_errors() {
        let mut g: SocialGraph<Consumer, f64> = SocialGraph::new();
        let a = g.add_actor(1u64, Consumer::default()).unwrap();
        let b = g.add_actor(2u64, Consumer::default()).unwrap();
        assert!(matches!(
            g.add_actor(1u64, Consumer::default()),
            Err(Error::DuplicateNodeId { .. })
        ));
        assert!(matches!(
            g.add_tie(a, b, 1.5),
            Err(Error::ProbabilityOutOfRange { .. })
        ));
        assert!(matches!(
            g.add_tie(a, b, f64::NAN),
            Err(Error::InvalidWeight { .. })
        ));
        assert!(matches!(
            g.add_tie(a, NodeIndex::new(5), 0.5),
            Err(Error::UnknownNode { .. })
        ));
        assert!(g.add_group("g", [a, a]).is_err());
        let e = g.add_tie(a, b, 0.5).unwrap();
        *g.tie_mut(e).unwrap() = -0.5;
        assert!(matches!(
            g.freeze(),
            Err(Error::ProbabilityOutOfRange { .. })
        ));
    }

    #[test]
    fn mixed_roles_with_trait_objects() {
        #[derive(Debug)]
        struct Bot;
        impl Actor for Bot {
            fn role(&self) -> &str {
                "bot"
            }
        }
        let mut g: SocialGraph<Box<dyn Actor>, f64> = SocialGraph::new();
        let a = g.add_actor(0u64, Box::new(Bot)).unwrap();
        let b = g.add_actor(1u64, Box::new(Consumer::default())).unwrap();
        g.add_tie(a, b, 0.9).unwrap();
        let net = g.freeze().unwrap();
        assert_eq!(net.role_names(), ["bot", "consumer"]);
    }

    #[test]
    fn user_petgraph_is_accepted() {
        let mut pg: DiGraph<Consumer, f64> = DiGraph::new();
        let a = pg.add_node(Consumer::default());
        let b = pg.add_node(Consumer::default());
        pg.add_edge(a, b, 0.3);
        let g = SocialGraph::from_petgraph(pg.clone()).unwrap();
        assert_eq!(g.node(&NodeId::Num(1)).unwrap(), b);
        pg.add_edge(b, a, 2.0);
        assert!(SocialGraph::from_petgraph(pg).is_err());
    }
}
