//! The execution layer: a frozen, compact form of the social graph that the
//! propagation kernels run on.
//!
//! Freeze once, run many times. [`SocialGraph::freeze`](crate::SocialGraph::freeze)
//! (or [`Network::from_arcs`], [`Network::from_petgraph`]) builds:
//!
//! * the **forward view**, a [`Csr`] of arcs `u -> v` (`v` hears `u`) whose
//!   value is the tie's trust as `f32`. Offsets are `u32` (n + 1 of them) and
//!   each arc is an [`Adjacent`] holding target and value side by side, so a
//!   kernel reads one cache line for both. Size: **8 bytes per arc + 4 bytes
//!   per node** (+ 4 bytes), within the budget of 8 + 8;
//! * the **reverse view** (arcs `v <- u`, the same values), built on first
//!   use by [`Network::reverse`] and then kept; the same size again;
//! * per node: a role id (`u16`, 2 bytes), the actor's [`Profile`]
//!   (4 x `f64`, 32 bytes) and its [`Sponsorship`] (1 byte): 35 bytes;
//! * group membership both ways (group -> members, node -> groups), 4 bytes
//!   per membership and per node or group;
//! * the [`IdMap`] between external ids and indices, shared (`Arc`) with the
//!   graph it came from, not copied;
//! * optionally, one value per node of a type of the caller's own
//!   ([`Network::node_data`], attached by
//!   [`SocialGraph::freeze_with`](crate::SocialGraph::freeze_with) or
//!   [`Network::with_node_data`]): `size_of::<D>()` bytes per node when
//!   attached, shared between clones. A network without it pays one
//!   pointer (16 bytes) in all, nothing per node or arc.
//!
//! Trust is stored as `f32`: relative precision about 6e-8, and a trust
//! below about 1e-38 becomes 0 (or a subnormal). The modelling layer keeps
//! the tie exactly as given.
//!
//! Within each node's list, arcs keep the order in which they were added, so
//! a frozen network and every result computed on it are deterministic.
//!
//! Kernels (the built-in models and those of other crates) turn the trust into the form they
//! compare against with [`Csr::map`] once, before their Monte Carlo loop.
//!
//! The parts, one file each: [`Csr`] and [`Adjacent`], the storage of both
//! views (`csr.rs`); [`NetworkId`], the content fingerprint that ties a
//! prepared model to its network (`fingerprint.rs`); [`RoleId`] and the
//! per-node table of roles and profiles (`roles.rs`); and here the
//! [`Network`] that holds them, how it is frozen and its [`MemoryReport`].

mod csr;
mod fingerprint;
pub mod limits;
mod node_data;
mod roles;

pub use csr::{Adjacent, Csr};
pub use fingerprint::NetworkId;
pub use limits::{MAX_ARCS, MAX_NODES};
pub use roles::RoleId;
pub(crate) use roles::RoleTableBuilder;

use std::mem::size_of;
use std::sync::{Arc, OnceLock};

use petgraph::visit::{EdgeRef, GraphProp, IntoEdgeReferences, NodeCount, NodeIndexable};
use serde::{Deserialize, Serialize};

use crate::actor::{Profile, Sponsorship};
#[cfg(doc)]
use crate::error::Error;
use crate::error::{Result, check_probability};
use crate::id::{IdMap, NodeId};
use node_data::NodeData;
use roles::NodeTable;

/// Memory held by a [`Network`], by part, in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemoryReport {
    /// Forward CSR: offsets and arcs.
    pub forward: usize,
    /// Reverse CSR, 0 if it has not been built.
    pub reverse: usize,
    /// Role ids, profiles and sponsorship: 35 bytes per node.
    pub nodes: usize,
    /// The values attached with [`Network::with_node_data`] or
    /// [`SocialGraph::freeze_with`](crate::SocialGraph::freeze_with):
    /// `size_of::<D>()` per node (what the values hold inline, not heap
    /// memory they own), 0 when there are none. Shared between clones.
    #[serde(default)]
    pub node_data: usize,
    /// Group membership, both ways.
    pub groups: usize,
    /// The id map (approximate, see [`IdMap::memory_bytes`]); shared with
    /// the graph the network was frozen from, so counted once for both.
    pub ids: usize,
}

/// The frozen execution form of a social network. See the [module
/// docs](self) for its layout and sizes.
///
/// # Example
/// ```
/// use wom::Network;
/// // A directed triangle 0 -> 1 -> 2 -> 0 with trust 0.5 on every arc.
/// let net = Network::from_arcs(3, [(0, 1, 0.5), (1, 2, 0.5), (2, 0, 0.5)]).unwrap();
/// assert_eq!(net.arc_count(), 3);
/// assert_eq!(net.forward().neighbors(1)[0].node, 2);
/// assert_eq!(net.reverse().neighbors(2)[0].node, 1);
/// assert_eq!(net.memory().forward, 3 * 8 + 4 * 4);
/// ```
#[derive(Debug)]
pub struct Network {
    forward: Csr<f32>,
    reverse: OnceLock<Csr<f32>>,
    nodes: NodeTable,
    group_names: Vec<String>,
    group_members: Csr<()>,
    node_groups: Csr<()>,
    ids: Arc<IdMap>,
    id: NetworkId,
    node_data: Option<NodeData>,
}

impl Clone for Network {
    fn clone(&self) -> Self {
        let reverse = OnceLock::new();
        if let Some(r) = self.reverse.get() {
            let _ = reverse.set(r.clone());
        }
        Network {
            forward: self.forward.clone(),
            reverse,
            nodes: self.nodes.clone(),
            group_names: self.group_names.clone(),
            group_members: self.group_members.clone(),
            node_groups: self.node_groups.clone(),
            ids: Arc::clone(&self.ids),
            id: self.id,
            node_data: self.node_data.clone(),
        }
    }
}

/// The parts of a network assembled by the crate's builders.
pub(crate) struct NetworkParts {
    pub(crate) n: usize,
    pub(crate) arcs: Vec<(u32, u32, f32)>,
    pub(crate) roles: Option<RoleTableBuilder>,
    pub(crate) groups: Vec<(String, Vec<u32>)>,
    pub(crate) ids: Arc<IdMap>,
}

impl Network {
    pub(crate) fn assemble(parts: NetworkParts) -> Result<Network> {
        let NetworkParts {
            n,
            arcs,
            roles,
            groups,
            ids,
        } = parts;
        let forward = Csr::from_arcs(n, &arcs)?;
        drop(arcs);
        let nodes = match roles {
            Some(b) => b.finish(),
            None => NodeTable::consumers(n),
        };
        let mut group_names = Vec::with_capacity(groups.len());
        let mut memberships = Vec::new();
        for (g, (name, members)) in groups.into_iter().enumerate() {
            group_names.push(name);
            memberships.extend(members.into_iter().map(|m| (g as u32, m, ())));
        }
        // Group ids index the rows of `group_members`; it has one row per
        // group, and `node_groups` one row per node.
        let group_members = Csr::from_arcs_rectangular(group_names.len(), n, &memberships)?;
        let flipped: Vec<(u32, u32, ())> =
            memberships.iter().map(|&(g, m, ())| (m, g, ())).collect();
        let node_groups = Csr::from_arcs_rectangular(n, group_names.len(), &flipped)?;
        let id = NetworkId::of(&forward, &nodes, &group_names, &group_members);
        Ok(Network {
            forward,
            reverse: OnceLock::new(),
            nodes,
            group_names,
            group_members,
            node_groups,
            ids,
            id,
            node_data: None,
        })
    }

    /// A network of `n` consumers (default profile, organic) from
    /// `(source, target, trust)` arcs, without node data; external ids are
    /// the indices `0..n`.
    ///
    /// # Errors
    /// [`Error::ProbabilityOutOfRange`] / [`Error::InvalidWeight`] for a trust
    /// outside [0, 1] or not finite; [`Error::UnknownNode`] for an endpoint
    /// `>= n`; [`Error::TooManyNodes`] / [`Error::TooManyArcs`] past `u32`.
    pub fn from_arcs<I>(n: usize, arcs: I) -> Result<Network>
    where
        I: IntoIterator<Item = (u32, u32, f64)>,
    {
        check_node_count(n)?;
        let mut list = Vec::new();
        for (u, v, t) in arcs {
            check_probability("trust", t, None)?;
            list.push((u, v, t as f32));
        }
        Network::assemble(NetworkParts {
            n,
            arcs: list,
            roles: None,
            groups: Vec::new(),
            ids: Arc::new(IdMap::identity(n)?),
        })
    }

    /// Freezes any petgraph graph, given how to read an edge's trust.
    ///
    /// Bounded by the capabilities it uses: edge references, node indexing
    /// and whether the graph is directed. An undirected graph's edge becomes
    /// two arcs (one for a self-loop). Node `i` is the graph's `to_index`
    /// `i`; indices in `0..node_bound()` that hold no node (holes of a
    /// `StableGraph`) become isolated nodes. All nodes are organic
    /// consumers with the default profile; external ids are the indices.
    ///
    /// # Errors
    /// As [`Network::from_arcs`].
    ///
    /// # Example
    /// ```
    /// use petgraph::graph::UnGraph;
    /// let g = UnGraph::<(), f64>::from_edges([(0, 1, 0.9), (1, 2, 0.4)]);
    /// let net = wom::Network::from_petgraph(&g, |e| *e.weight()).unwrap();
    /// assert_eq!(net.arc_count(), 4);
    /// ```
    pub fn from_petgraph<G, F>(graph: G, mut trust: F) -> Result<Network>
    where
        G: IntoEdgeReferences + NodeIndexable + NodeCount + GraphProp,
        F: FnMut(G::EdgeRef) -> f64,
    {
        let n = graph.node_bound();
        check_node_count(n)?;
        let directed = graph.is_directed();
        let mut arcs = Vec::new();
        for e in graph.edge_references() {
            let u = graph.to_index(e.source()) as u32;
            let v = graph.to_index(e.target()) as u32;
            let t = check_probability("trust", trust(e), None)? as f32;
            arcs.push((u, v, t));
            if !directed && u != v {
                arcs.push((v, u, t));
            }
        }
        Network::assemble(NetworkParts {
            n,
            arcs,
            roles: None,
            groups: Vec::new(),
            ids: Arc::new(IdMap::identity(n)?),
        })
    }

    /// Number of nodes.
    #[inline]
    pub fn node_count(&self) -> usize {
        self.forward.node_count()
    }

    /// The fingerprint of this network's content (see [`NetworkId`]).
    pub fn id(&self) -> NetworkId {
        self.id
    }

    /// Number of arcs (a mutual tie counts twice).
    #[inline]
    pub fn arc_count(&self) -> usize {
        self.forward.arc_count()
    }

    /// The forward view: arcs `u -> v` with the trust as value.
    #[inline]
    pub fn forward(&self) -> &Csr<f32> {
        &self.forward
    }

    /// The reverse view: for each node, the arcs coming into it, with the
    /// same trust values. Built on the first call (O(n + m)) and kept.
    pub fn reverse(&self) -> &Csr<f32> {
        self.reverse.get_or_init(|| self.forward.transpose())
    }

    /// Whether the reverse view has been built.
    pub fn has_reverse(&self) -> bool {
        self.reverse.get().is_some()
    }

    /// Out-degree of `u`: how many hear `u` directly (its followers).
    ///
    /// # Panics
    /// If `u >= node_count()`.
    #[inline]
    pub fn out_degree(&self, u: u32) -> usize {
        self.forward.degree(u)
    }

    /// The role of node `u`.
    ///
    /// # Panics
    /// If `u >= node_count()`.
    #[inline]
    pub fn role(&self, u: u32) -> RoleId {
        self.nodes.roles[u as usize]
    }

    /// The name of a role id, if it exists in this network.
    pub fn role_name(&self, role: RoleId) -> Option<&str> {
        self.nodes
            .role_names
            .get(role.0 as usize)
            .map(String::as_str)
    }

    /// The role id of a role name, if any node has that role.
    pub fn role_id(&self, name: &str) -> Option<RoleId> {
        self.nodes
            .role_names
            .iter()
            .position(|r| r == name)
            .map(|i| RoleId(i as u16))
    }

    /// All role names, indexed by [`RoleId`].
    pub fn role_names(&self) -> &[String] {
        &self.nodes.role_names
    }

    /// Role ids of all nodes.
    pub fn roles(&self) -> &[RoleId] {
        &self.nodes.roles
    }

    /// The profile of node `u`.
    ///
    /// # Panics
    /// If `u >= node_count()`.
    #[inline]
    pub fn profile(&self, u: u32) -> &Profile {
        &self.nodes.profiles[u as usize]
    }

    /// Whether node `u`'s talk is paid for: its actor's
    /// [`Actor::sponsorship`](crate::Actor::sponsorship) when the graph was
    /// frozen ([`Sponsorship::Organic`] for networks built from arcs or
    /// petgraph graphs). One byte per node.
    ///
    /// # Panics
    /// If `u >= node_count()`.
    ///
    /// # Example
    /// ```
    /// use wom::{BusinessOrganization, Consumer, OpinionLeader, SocialGraph, Sponsorship};
    ///
    /// let mut g: SocialGraph = SocialGraph::new();
    /// let paid = OpinionLeader { sponsorship: Sponsorship::Sponsored, ..OpinionLeader::default() };
    /// g.add_actor("lea", paid.into())?;
    /// g.add_actor("bob", Consumer::default().into())?;
    /// g.add_actor("acme", BusinessOrganization::new("Acme").into())?;
    /// let net = g.freeze()?;
    /// assert_eq!(net.sponsorship(0), Sponsorship::Sponsored);
    /// assert_eq!(net.sponsorship(1), Sponsorship::Organic);
    /// assert_eq!(net.sponsorship(2), Sponsorship::Sponsored); // a business is always sponsored
    /// # Ok::<(), wom::Error>(())
    /// ```
    #[inline]
    pub fn sponsorship(&self, u: u32) -> Sponsorship {
        self.nodes.sponsorships[u as usize]
    }

    /// Sponsorship of all nodes, indexed by node.
    pub fn sponsorships(&self) -> &[Sponsorship] {
        &self.nodes.sponsorships
    }

    /// The values of type `D` attached to the nodes, one per node indexed
    /// by node (`node_data::<D>()?[u]` belongs to node `u`), or `None` when
    /// the network holds no node data or holds data of another type.
    ///
    /// This is how a downstream actor type's own fields (a fee, a
    /// follower-based credibility, a disclosure flag ...) reach a kernel
    /// after freezing, without a side table: freeze with
    /// [`SocialGraph::freeze_with`](crate::SocialGraph::freeze_with) (or
    /// attach with [`Network::with_node_data`]) and read the slice once,
    /// before the Monte Carlo loop. A network holds values of one type;
    /// put several fields in one struct.
    ///
    /// Cost: `size_of::<D>()` bytes per node when attached (counted in
    /// [`MemoryReport::node_data`]); a network without node data pays one
    /// pointer in all. Clones share the values. Node data is **not** part
    /// of the [`NetworkId`]: networks that differ only in their node data
    /// have the same id.
    ///
    /// # Example
    /// ```
    /// use wom::{Actor, SocialGraph};
    ///
    /// /// A downstream role with a field of its own.
    /// #[derive(Debug)]
    /// struct Influencer { fee: f64 }
    /// impl Actor for Influencer {
    ///     fn role(&self) -> &str { "influencer" }
    /// }
    ///
    /// let mut g: SocialGraph<Influencer, f64> = SocialGraph::new();
    /// g.add_actor("ann", Influencer { fee: 250.0 })?;
    /// g.add_actor("bob", Influencer { fee: 40.0 })?;
    /// let net = g.freeze_with(|a| a.fee)?;
    /// assert_eq!(net.node_data::<f64>(), Some(&[250.0, 40.0][..]));
    /// assert_eq!(net.node_data::<u32>(), None); // another type
    /// # Ok::<(), wom::Error>(())
    /// ```
    pub fn node_data<D: Send + Sync + 'static>(&self) -> Option<&[D]> {
        self.node_data.as_ref()?.get::<D>()
    }

    /// The name of the type of the attached node data
    /// ([`std::any::type_name`], for messages), or `None` when there is
    /// none.
    pub fn node_data_type(&self) -> Option<&'static str> {
        self.node_data.as_ref().map(NodeData::type_name)
    }

    /// This network with `values` attached as its node data, one per node
    /// in node order, replacing any node data it held. Read them with
    /// [`Network::node_data`]. Nothing else changes, the
    /// [`NetworkId`] included. O(1): the values are moved, not copied.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] (named `node_data`) when `values` does
    /// not hold exactly [`node_count`](Network::node_count) values.
    ///
    /// # Example
    /// ```
    /// use wom::Network;
    ///
    /// let net = Network::from_arcs(3, [(0, 1, 0.5), (1, 2, 0.5)])?;
    /// let id = net.id();
    /// let net = net.with_node_data(vec![true, false, true])?;
    /// assert_eq!(net.node_data::<bool>(), Some(&[true, false, true][..]));
    /// assert_eq!(net.id(), id);
    /// assert_eq!(net.memory().node_data, 3);
    /// assert!(net.with_node_data(vec![1u8, 2]).is_err()); // 2 values, 3 nodes
    /// # Ok::<(), wom::Error>(())
    /// ```
    pub fn with_node_data<D: Send + Sync + 'static>(mut self, values: Vec<D>) -> Result<Network> {
        let n = self.node_count();
        if values.len() != n {
            return Err(crate::error::Error::param(
                "node_data",
                format!("{} values", values.len()),
                format!("must hold one value per node: the network has {n} nodes"),
            ));
        }
        self.node_data = Some(NodeData::new(values));
        Ok(self)
    }

    /// Number of groups.
    pub fn group_count(&self) -> usize {
        self.group_names.len()
    }

    /// The name of group `g`.
    pub fn group_name(&self, g: u32) -> Option<&str> {
        self.group_names.get(g as usize).map(String::as_str)
    }

    /// The members of group `g`.
    ///
    /// # Panics
    /// If `g >= group_count()`.
    pub fn group_members(&self, g: u32) -> &[Adjacent<()>] {
        self.group_members.neighbors(g)
    }

    /// The groups node `u` belongs to.
    ///
    /// # Panics
    /// If `u >= node_count()`.
    pub fn groups_of(&self, u: u32) -> &[Adjacent<()>] {
        self.node_groups.neighbors(u)
    }

    /// The internal index of an external id.
    ///
    /// # Errors
    /// [`Error::UnknownNode`] when the id is not in the network.
    pub fn index_of(&self, id: &NodeId) -> Result<u32> {
        self.ids.index_of(id)
    }

    /// The external id of internal index `u`.
    pub fn id_of(&self, u: u32) -> Option<&NodeId> {
        self.ids.id_of(u)
    }

    /// The id map shared with the graph this network was frozen from.
    pub fn ids(&self) -> &IdMap {
        &self.ids
    }

    /// Memory held, by part.
    pub fn memory(&self) -> MemoryReport {
        MemoryReport {
            forward: self.forward.memory_bytes(),
            reverse: self.reverse.get().map_or(0, Csr::memory_bytes),
            nodes: self.nodes.roles.len() * size_of::<RoleId>()
                + self.nodes.profiles.len() * size_of::<Profile>()
                + self.nodes.sponsorships.len() * size_of::<Sponsorship>(),
            node_data: self.node_data.as_ref().map_or(0, NodeData::bytes),
            groups: self.group_members.memory_bytes() + self.node_groups.memory_bytes(),
            ids: self.ids.memory_bytes(),
        }
    }
}

/// Refuses node counts the `u32` indices cannot hold, before allocating.
fn check_node_count(n: usize) -> Result<()> {
    limits::check_nodes(n as u128)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;

    #[test]
    fn huge_node_counts_are_errors_not_aborts() {
        assert!(matches!(
            Network::from_arcs(usize::MAX, []),
            Err(Error::TooManyNodes { .. })
        ));
        assert!(matches!(
            Network::from_arcs(u32::MAX as usize + 1, [(0, 0, 0.5)]),
            Err(Error::TooManyNodes { .. })
        ));
    }

    #[test]
    fn group_tables_hold_only_what_they_need() {
        let net = Network::from_arcs(1000, []).unwrap();
        // No groups: one offset for the group table, n + 1 for the node table.
        assert_eq!(net.memory().groups, 4 + 4 * 1001);
        assert_eq!(net.group_members.offsets_capacity(), 1);
    }

    #[test]
    fn forward_view_is_eight_bytes_per_arc_plus_four_per_node() {
        assert_eq!(size_of::<Adjacent<f32>>(), 8);
        let n = 100;
        let net =
            Network::from_arcs(n, (0..n as u32).map(|i| (i, (i + 1) % n as u32, 0.1))).unwrap();
        let mem = net.memory();
        assert_eq!(mem.forward, 8 * n + 4 * (n + 1));
        assert_eq!(mem.reverse, 0);
        assert!(!net.has_reverse());
        net.reverse();
        assert_eq!(net.memory().reverse, mem.forward);
    }

    #[test]
    fn built_ins_pay_one_pointer_for_node_data_and_one_byte_for_sponsorship() {
        fn send_sync<T: Send + Sync>() {}
        send_sync::<Network>();
        assert_eq!(size_of::<Option<NodeData>>(), 2 * size_of::<usize>());
        assert_eq!(size_of::<Sponsorship>(), 1);
        let net = Network::from_arcs(10, []).unwrap();
        assert_eq!(net.memory().nodes, 10 * (2 + 32 + 1));
        assert_eq!(net.memory().node_data, 0);
        assert_eq!(net.node_data_type(), None);
        let net = net.with_node_data(vec![0u64; 10]).unwrap();
        assert_eq!(net.memory().node_data, 80);
        assert_eq!(net.node_data_type(), Some("u64"));
        // Clones share the values.
        let copy = net.clone();
        assert!(std::ptr::eq(
            copy.node_data::<u64>().unwrap(),
            net.node_data::<u64>().unwrap()
        ));
        assert!(format!("{net:?}").contains("type: \"u64\", len: 10"));
    }

    #[test]
    fn map_prepares_values() {
        let net = Network::from_arcs(2, [(0, 1, 0.5)]).unwrap();
        let thresholds = net
            .forward()
            .map(|_, _, t| (f64::from(t) * f64::from(u32::MAX)) as u32);
        assert_eq!(thresholds.neighbors(0)[0].value, u32::MAX / 2);
    }

    #[test]
    fn invalid_trust_is_rejected() {
        assert!(matches!(
            Network::from_arcs(2, [(0, 1, 1.5)]),
            Err(Error::ProbabilityOutOfRange { .. })
        ));
        assert!(matches!(
            Network::from_arcs(2, [(0, 1, f64::NAN)]),
            Err(Error::InvalidWeight { .. })
        ));
    }
}
