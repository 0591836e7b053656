//! External node ids and the map between them and internal indices.
//!
//! Input files name nodes by integers (SNAP) or strings (CSV). `wom` keeps
//! every id exactly as given, as a [`NodeId`], and maps it to a dense
//! internal index `0..n` (the petgraph `NodeIndex` and the
//! [`Network`](crate::Network)'s `u32`) and back with an [`IdMap`].

use std::collections::HashMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// A node's external id: an unsigned integer or a name.
///
/// In JSON it is a plain number or a plain string.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(untagged)]
pub enum NodeId {
    /// An integer id, as in SNAP edge lists.
    Num(u64),
    /// A textual id, kept verbatim.
    Name(String),
}

impl fmt::Display for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NodeId::Num(n) => write!(f, "{n}"),
            NodeId::Name(s) => write!(f, "{s:?}"),
        }
    }
}

impl From<u64> for NodeId {
    fn from(n: u64) -> Self {
        NodeId::Num(n)
    }
}
impl From<u32> for NodeId {
    fn from(n: u32) -> Self {
        NodeId::Num(u64::from(n))
    }
}
impl From<usize> for NodeId {
    fn from(n: usize) -> Self {
        NodeId::Num(n as u64)
    }
}
impl From<i32> for NodeId {
    /// Non-negative values become [`NodeId::Num`]; a negative value is kept
    /// verbatim as a [`NodeId::Name`] (for example `"-3"`), never changed.
    fn from(n: i32) -> Self {
        match u64::try_from(n) {
            Ok(v) => NodeId::Num(v),
            Err(_) => NodeId::Name(n.to_string()),
        }
    }
}
impl From<&str> for NodeId {
    fn from(s: &str) -> Self {
        NodeId::Name(s.to_string())
    }
}
impl From<String> for NodeId {
    fn from(s: String) -> Self {
        NodeId::Name(s)
    }
}

/// A bijection between external ids and dense indices `0..len`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IdMap {
    ids: Vec<NodeId>,
    index: HashMap<NodeId, u32>,
}

impl IdMap {
    /// An empty map.
    pub fn new() -> Self {
        IdMap::default()
    }

    /// An empty map with room for `n` ids.
    pub fn with_capacity(n: usize) -> Self {
        IdMap {
            ids: Vec::with_capacity(n),
            index: HashMap::with_capacity(n),
        }
    }

    /// The identity map `0..n` with integer ids equal to the indices.
    ///
    /// # Errors
    /// [`Error::TooManyNodes`] when `n` exceeds `u32::MAX`.
    pub fn identity(n: usize) -> Result<Self> {
        if n > u32::MAX as usize {
            return Err(Error::TooManyNodes {
                limit: u64::from(u32::MAX),
                location: None,
            });
        }
        let mut m = IdMap::new();
        m.ids
            .try_reserve_exact(n)
            .map_err(|_| Error::AllocationFailed {
                what: format!("the ids of {n} nodes"),
                bytes: (n as u64).saturating_mul(std::mem::size_of::<NodeId>() as u64),
            })?;
        m.index
            .try_reserve(n)
            .map_err(|_| Error::AllocationFailed {
                what: format!("the id index of {n} nodes"),
                bytes: (n as u64).saturating_mul(std::mem::size_of::<(NodeId, u32)>() as u64),
            })?;
        for i in 0..n {
            m.insert(NodeId::Num(i as u64))?;
        }
        Ok(m)
    }

    /// Number of ids.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether the map is empty.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Adds a new id and returns its index.
    ///
    /// # Errors
    /// [`Error::DuplicateNodeId`] if the id is present;
    /// [`Error::TooManyNodes`] if the map already holds `u32::MAX` ids.
    pub fn insert(&mut self, id: NodeId) -> Result<u32> {
        if self.index.contains_key(&id) {
            return Err(Error::DuplicateNodeId { id: id.to_string() });
        }
        self.insert_new(id, u64::from(u32::MAX), None)
    }

    /// The index of `id`, adding it if new: `(index, was_new)`.
    ///
    /// # Errors
    /// [`Error::TooManyNodes`] when a new id would make more than `limit`
    /// ids (and never more than `u32::MAX`); `location` is passed into it.
    pub fn get_or_insert(
        &mut self,
        id: NodeId,
        limit: u64,
        location: Option<&crate::Location>,
    ) -> Result<(u32, bool)> {
        if let Some(&i) = self.index.get(&id) {
            return Ok((i, false));
        }
        self.insert_new(id, limit, location).map(|i| (i, true))
    }

    fn insert_new(
        &mut self,
        id: NodeId,
        limit: u64,
        location: Option<&crate::Location>,
    ) -> Result<u32> {
        let limit = limit.min(u64::from(u32::MAX));
        if self.ids.len() as u64 >= limit {
            return Err(Error::TooManyNodes {
                limit,
                location: location.cloned(),
            });
        }
        let i = self.ids.len() as u32;
        self.index.insert(id.clone(), i);
        self.ids.push(id);
        Ok(i)
    }

    /// The index of `id`.
    ///
    /// # Errors
    /// [`Error::UnknownNode`] when the id is not in the map.
    pub fn index_of(&self, id: &NodeId) -> Result<u32> {
        self.index
            .get(id)
            .copied()
            .ok_or_else(|| Error::UnknownNode { id: id.to_string() })
    }

    /// The id at `index`, if any.
    pub fn id_of(&self, index: u32) -> Option<&NodeId> {
        self.ids.get(index as usize)
    }

    /// All ids in index order.
    pub fn ids(&self) -> &[NodeId] {
        &self.ids
    }

    /// Approximate heap bytes held: the id vector and the hash index at
    /// their capacity (one control byte per bucket), and every name's text,
    /// which is stored twice (in the vector and as a key).
    pub fn memory_bytes(&self) -> usize {
        let names: usize = self
            .ids
            .iter()
            .map(|id| match id {
                NodeId::Name(s) => s.capacity(),
                NodeId::Num(_) => 0,
            })
            .sum();
        self.ids.capacity() * std::mem::size_of::<NodeId>()
            + self.index.capacity() * (std::mem::size_of::<(NodeId, u32)>() + 1)
            + 2 * names
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_both_ways_and_rejects_duplicates() {
        let mut m = IdMap::new();
        assert_eq!(m.insert("alice".into()).unwrap(), 0);
        assert_eq!(m.insert(42u64.into()).unwrap(), 1);
        assert_eq!(m.index_of(&NodeId::Num(42)).unwrap(), 1);
        assert_eq!(m.id_of(0), Some(&NodeId::Name("alice".into())));
        assert!(matches!(
            m.insert("alice".into()),
            Err(Error::DuplicateNodeId { .. })
        ));
        assert!(matches!(
            m.index_of(&"bob".into()),
            Err(Error::UnknownNode { .. })
        ));
        // "42" the string and 42 the number are different ids: nothing is coerced.
        assert!(m.index_of(&"42".into()).is_err());
    }

    #[test]
    fn identity_refuses_more_ids_than_u32_holds_before_allocating() {
        assert!(matches!(
            IdMap::identity(usize::MAX),
            Err(Error::TooManyNodes { .. })
        ));
        let m = IdMap::identity(3).unwrap();
        assert_eq!(m.index_of(&NodeId::Num(2)).unwrap(), 2);
        assert!(m.memory_bytes() >= 3 * std::mem::size_of::<NodeId>());
    }

    #[test]
    fn limit_is_enforced() {
        let mut m = IdMap::new();
        m.get_or_insert(1u64.into(), 2, None).unwrap();
        m.get_or_insert(2u64.into(), 2, None).unwrap();
        assert_eq!(m.get_or_insert(1u64.into(), 2, None).unwrap(), (0, false));
        assert!(matches!(
            m.get_or_insert(3u64.into(), 2, None),
            Err(Error::TooManyNodes { limit: 2, .. })
        ));
    }

    #[test]
    fn json_form_is_plain() {
        let ids: Vec<NodeId> = serde_json::from_str(r#"[3, "x"]"#).unwrap();
        assert_eq!(ids, vec![NodeId::Num(3), NodeId::Name("x".into())]);
        assert_eq!(serde_json::to_string(&ids).unwrap(), r#"[3,"x"]"#);
    }
}
