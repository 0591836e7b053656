//! The structural figures researchers quote for a network: edges,
//! triangles, clustering, diameter and effective diameter, reciprocity and
//! degree assortativity.
//!
//! All but reciprocity and the directed assortativity are measured on the
//! **undirected simple view** of the network ([`UndirectedGraph`]): two
//! nodes are neighbours when an arc joins them in either direction,
//! repeated arcs count once and self-loops are left out (and counted
//! apart). This is the graph on which SNAP and networkx compute the figures
//! they publish for directed data sets such as wiki-Vote, so those figures
//! compare directly.
//!
//! [`structure`] computes everything at once; the functions it calls
//! ([`triangles`], [`clustering`], [`diameter`], [`effective_diameter`],
//! [`reciprocity`], [`degree_assortativity`],
//! [`undirected_degree_assortativity`]) can be called alone. Each
//! function's docs give its definition, its complexity and its reference;
//! `docs/statistics.md` has every formula.
//!
//! Parallel parts run on rayon's current pool (install a pool of your own
//! to choose the threads); every result is the same on any number of
//! threads.

mod distance;
mod mixing;
mod triangles;
mod undirected;

pub use distance::{
    Diameter, EffectiveDiameter, EffectiveDiameterOptions, diameter, effective_diameter,
};
pub use mixing::{Reciprocity, degree_assortativity, reciprocity, undirected_degree_assortativity};
pub use triangles::{Clustering, Triangles, clustering, triangles};
pub use undirected::UndirectedGraph;

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::network::Network;
// Items named in the documentation only.
#[cfg(doc)]
use crate::error::Error;

/// What [`structure`] measures beyond the defaults it always computes.
///
/// In JSON every field may be left out and takes its default value;
/// unknown fields are errors.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StructureOptions {
    /// How the effective diameter samples its sources.
    pub effective_diameter: EffectiveDiameterOptions,
}

/// The figures of the undirected simple view ([`UndirectedGraph`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UndirectedStructure {
    /// Number of nodes.
    pub nodes: usize,
    /// Number of edges: distinct unordered pairs `{u, v}`, `u != v`,
    /// joined by at least one arc.
    pub edges: usize,
    /// Number of nodes with a self-loop (left out of the view).
    pub self_loops: usize,
    /// Triangles, connected triples, average local and global clustering.
    pub clustering: Clustering,
    /// Components and the exact diameter of the largest.
    pub diameter: Diameter,
    /// The sampled effective diameter.
    pub effective_diameter: EffectiveDiameter,
    /// Degree assortativity ([`undirected_degree_assortativity`]); `None`
    /// (JSON `null`) when undefined.
    pub degree_assortativity: Option<f64>,
}

/// The figures of the directed simple view: distinct arcs, self-loops left
/// out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DirectedStructure {
    /// Reciprocity: the share of arcs whose reverse arc exists.
    pub reciprocity: Reciprocity,
    /// Degree assortativity, out-degree of the source against in-degree
    /// of the target ([`degree_assortativity`]); `None` (JSON `null`) when
    /// undefined.
    pub degree_assortativity: Option<f64>,
}

/// What [`structure`] returns: the undirected and the directed figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Structure {
    /// Measured on the undirected simple view.
    pub undirected: UndirectedStructure,
    /// Measured on the arcs, each distinct arc once.
    pub directed: DirectedStructure,
}

/// Every structural figure of a network: edges, self-loops, triangles,
/// clustering, components, exact diameter, effective diameter and
/// assortativity of the undirected simple view; reciprocity and
/// assortativity of the arcs.
///
/// # Arguments
/// * `network`: the frozen network (only its forward view is read).
/// * `options`: how the effective diameter samples.
///
/// # Returns
/// The [`Structure`].
///
/// # Errors
/// [`Error::InvalidParameter`] for effective-diameter options out of range
/// (see [`effective_diameter`]).
///
/// # Complexity
/// The sum of its parts: O(m log Δ) for the two simple views, O(m^1.5) at
/// worst for the triangles, O(k (n + m)) for the k searches of the exact
/// diameter and O(s (n + m)) for the s sources of the effective diameter.
/// Extra space O(n + m).
///
/// # Example
/// ```
/// use wom::Network;
/// use wom::analysis::structure::{StructureOptions, structure};
///
/// // A triangle 0-1-2 of mutual ties, plus 2 -> 3.
/// let net = Network::from_arcs(4, [
///     (0, 1, 1.0), (1, 0, 1.0), (1, 2, 1.0), (2, 1, 1.0),
///     (2, 0, 1.0), (0, 2, 1.0), (2, 3, 1.0),
/// ])?;
/// let s = structure(&net, &StructureOptions::default())?;
/// assert_eq!((s.undirected.edges, s.undirected.clustering.triangles), (4, 1));
/// assert_eq!(s.undirected.diameter.diameter, 2);
/// assert_eq!(s.directed.reciprocity.share, 6.0 / 7.0);
/// # Ok::<(), wom::Error>(())
/// ```
pub fn structure(network: &Network, options: &StructureOptions) -> Result<Structure> {
    let graph = UndirectedGraph::new(network);
    let effective_diameter = effective_diameter(&graph, &options.effective_diameter)?;
    let clustering = clustering(&graph);
    let diameter = diameter(&graph);
    let degree_assortativity = undirected_degree_assortativity(&graph);
    let undirected = UndirectedStructure {
        nodes: graph.node_count(),
        edges: graph.edge_count(),
        self_loops: graph.self_loops(),
        clustering,
        diameter,
        effective_diameter,
        degree_assortativity,
    };
    drop(graph);
    let (reciprocity, degree_assortativity) = mixing::directed_mixing(network);
    Ok(Structure {
        undirected,
        directed: DirectedStructure {
            reciprocity,
            degree_assortativity,
        },
    })
}

#[cfg(test)]
mod tests;
