//! Interning node ids: each external id gets a dense index, in the order
//! of first appearance; integer ids are hashed with a seeded fast hasher.

use std::collections::HashMap;
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};

use super::options::IdFormat;
use crate::error::{Error, Location, Result};
use crate::id::NodeId;

/// An empty cell of the direct id table.
const ABSENT: u32 = u32::MAX;

/// Hashes integer ids with a seeded 64-bit finalizer (murmur3's `fmix64`):
/// much faster than SipHash, and the random seed keeps crafted inputs from
/// colliding on purpose.
#[derive(Debug, Clone, Copy)]
pub(super) struct IdHashBuilder {
    seed: u64,
}

impl IdHashBuilder {
    fn new() -> Self {
        IdHashBuilder {
            seed: RandomState::new().hash_one(0x5EED_u64),
        }
    }
}

impl BuildHasher for IdHashBuilder {
    type Hasher = IdHasher;
    fn build_hasher(&self) -> IdHasher {
        IdHasher(self.seed)
    }
}

#[derive(Debug)]
pub(super) struct IdHasher(u64);

fn fmix64(mut x: u64) -> u64 {
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    x ^ (x >> 33)
}

impl Hasher for IdHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = fmix64(self.0 ^ u64::from(b));
        }
    }
    fn write_u64(&mut self, x: u64) {
        self.0 = fmix64(self.0 ^ x);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// The ids met so far, each with its dense index (order of first
/// appearance).
///
/// Integer ids are looked up in a direct table (`dense[id]`) while they are
/// small enough for it to stay at most 8 slots per node (SNAP files mostly
/// number their nodes densely, and the table is far kinder to the caches
/// than a hash map); other ids go to a hash map. An id is in one of the two,
/// never both.
#[derive(Debug)]
pub(super) enum Interner {
    Integer {
        dense: Vec<u32>,
        map: HashMap<u64, u32, IdHashBuilder>,
        ids: Vec<u64>,
    },
    Text {
        map: HashMap<Box<str>, u32>,
    },
}

/// An unsigned decimal integer, without allocating; `None` if `t` is not
/// one or does not fit.
fn parse_u64(t: &[u8]) -> Option<u64> {
    if t.is_empty() {
        return None;
    }
    let mut v: u64 = 0;
    for &b in t {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        v = v.checked_mul(10)?.checked_add(u64::from(d))?;
    }
    Some(v)
}

pub(super) fn lossy(t: &[u8]) -> String {
    String::from_utf8_lossy(t).into_owned()
}

impl Interner {
    pub(super) fn new(format: IdFormat) -> Self {
        match format {
            IdFormat::Integer => Interner::Integer {
                dense: Vec::new(),
                map: HashMap::with_hasher(IdHashBuilder::new()),
                ids: Vec::new(),
            },
            IdFormat::Text => Interner::Text {
                map: HashMap::new(),
            },
        }
    }

    /// The external id a token stands for, as text (for error messages).
    pub(super) fn describe(&self, token: &[u8]) -> String {
        match self {
            Interner::Integer { .. } => match parse_u64(token.trim_ascii()) {
                Some(v) => NodeId::Num(v).to_string(),
                None => lossy(token),
            },
            Interner::Text { .. } => NodeId::Name(lossy(token)).to_string(),
        }
    }

    /// The external id at `index`, as text (for error messages; O(n) for
    /// text ids).
    pub(super) fn describe_index(&self, index: u32) -> String {
        match self {
            Interner::Integer { ids, .. } => ids
                .get(index as usize)
                .map(|&v| NodeId::Num(v).to_string())
                .unwrap_or_default(),
            Interner::Text { map } => map
                .iter()
                .find(|&(_, &i)| i == index)
                .map(|(k, _)| NodeId::Name(k.to_string()).to_string())
                .unwrap_or_default(),
        }
    }

    /// The index of the id in `token`, adding it if new.
    pub(super) fn intern(
        &mut self,
        token: &[u8],
        limit: u64,
        name: &str,
        line: u64,
    ) -> Result<u32> {
        let too_many = || Error::TooManyNodes {
            limit,
            location: Some(Location::new(name, line)),
        };
        match self {
            Interner::Integer { dense, map, ids } => {
                let Some(id) = parse_u64(token.trim_ascii()) else {
                    return Err(Error::MalformedLine {
                        location: Location::new(name, line),
                        reason: format!(
                            "node id {:?} is not an unsigned integer (to keep ids as \
                             names, read them as text: \"ids\": \"text\" in a scenario, \
                             --text-ids on the command line)",
                            lossy(token)
                        ),
                    });
                };
                let slot = usize::try_from(id).ok();
                if let Some(&index) = slot.and_then(|i| dense.get(i))
                    && index != ABSENT
                {
                    return Ok(index);
                }
                if let Some(&index) = map.get(&id) {
                    return Ok(index);
                }
                let next = ids.len();
                if next as u64 >= limit {
                    return Err(too_many());
                }
                let index = u32::try_from(next).map_err(|_| too_many())?;
                ids.push(id);
                // The table may grow to 8 slots per node (and 4,096 more).
                let room = next
                    .saturating_add(1)
                    .saturating_mul(8)
                    .saturating_add(4096);
                match slot {
                    Some(i) if i < room => {
                        if i >= dense.len() {
                            let len = dense.len().saturating_mul(2).max(i + 1).min(room);
                            dense.resize(len, ABSENT);
                        }
                        if let Some(cell) = dense.get_mut(i) {
                            *cell = index;
                        }
                    }
                    _ => {
                        map.insert(id, index);
                    }
                }
                Ok(index)
            }
            Interner::Text { map } => {
                let Ok(text) = std::str::from_utf8(token) else {
                    return Err(Error::MalformedLine {
                        location: Location::new(name, line),
                        reason: format!("node id {:?} is not valid UTF-8", lossy(token)),
                    });
                };
                if text.is_empty() {
                    return Err(Error::MalformedLine {
                        location: Location::new(name, line),
                        reason: "empty node id".to_string(),
                    });
                }
                if let Some(&index) = map.get(text) {
                    return Ok(index);
                }
                let next = map.len();
                if next as u64 >= limit {
                    return Err(too_many());
                }
                let index = u32::try_from(next).map_err(|_| too_many())?;
                map.insert(Box::from(text), index);
                Ok(index)
            }
        }
    }

    /// Renumbers the ids in sorted order (integers by value, text by its
    /// bytes) and returns, for each old index, its new one.
    pub(super) fn sort(&mut self) -> Vec<u32> {
        fn ranks(order: &[u32]) -> Vec<u32> {
            let mut rank = vec![0; order.len()];
            for (new, &old) in order.iter().enumerate() {
                if let Some(r) = rank.get_mut(old as usize) {
                    *r = new as u32;
                }
            }
            rank
        }
        match self {
            Interner::Integer { dense, map, ids } => {
                let mut order: Vec<u32> = (0..ids.len() as u32).collect();
                order.sort_unstable_by_key(|&i| ids.get(i as usize).copied());
                let rank = ranks(&order);
                let renumber = |i: &mut u32| *i = rank.get(*i as usize).copied().unwrap_or(*i);
                dense
                    .iter_mut()
                    .filter(|i| **i != ABSENT)
                    .for_each(renumber);
                map.values_mut().for_each(renumber);
                ids.sort_unstable();
                rank
            }
            Interner::Text { map } => {
                let mut names: Vec<(&str, u32)> = map.iter().map(|(k, &i)| (&**k, i)).collect();
                names.sort_unstable();
                let order: Vec<u32> = names.iter().map(|&(_, i)| i).collect();
                let rank = ranks(&order);
                for i in map.values_mut() {
                    *i = rank.get(*i as usize).copied().unwrap_or(*i);
                }
                rank
            }
        }
    }

    /// The ids in index order.
    pub(super) fn into_ids(self) -> Vec<NodeId> {
        match self {
            Interner::Integer { ids, .. } => ids.into_iter().map(NodeId::Num).collect(),
            Interner::Text { map } => {
                let mut names: Vec<Option<Box<str>>> = vec![None; map.len()];
                for (name, index) in map {
                    if let Some(slot) = names.get_mut(index as usize) {
                        *slot = Some(name);
                    }
                }
                names
                    .into_iter()
                    .map(|n| NodeId::Name(n.map(String::from).unwrap_or_default()))
                    .collect()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_parse_without_overflow() {
        assert_eq!(parse_u64(b"0"), Some(0));
        assert_eq!(parse_u64(b"007"), Some(7));
        assert_eq!(parse_u64(b"18446744073709551615"), Some(u64::MAX));
        assert_eq!(parse_u64(b"18446744073709551616"), None);
        assert_eq!(parse_u64(b""), None);
        assert_eq!(parse_u64(b"-1"), None);
        assert_eq!(parse_u64(b"1a"), None);
    }

    #[test]
    fn integer_ids_mix_the_table_and_the_map() {
        let mut ids = Interner::new(IdFormat::Integer);
        // 1,000,000 is too far for the table at first; later the table grows
        // past it, and the id must still be found (in the map), not added
        // again.
        let order = [5u64, 1_000_000, 7, u64::MAX, 5, 1_000_000];
        let mut got = Vec::new();
        for id in order {
            got.push(
                ids.intern(id.to_string().as_bytes(), u64::MAX, "t", 1)
                    .unwrap(),
            );
        }
        for id in 0..800_000u64 {
            ids.intern(id.to_string().as_bytes(), u64::MAX, "t", 2)
                .unwrap();
        }
        assert!(matches!(&ids, Interner::Integer { dense, .. } if dense.len() > 1_000_000));
        for id in [5u64, 1_000_000, 7, u64::MAX] {
            got.push(
                ids.intern(id.to_string().as_bytes(), u64::MAX, "t", 3)
                    .unwrap(),
            );
        }
        assert_eq!(got, [0, 1, 2, 3, 0, 1, 0, 1, 2, 3]);
        let all = ids.into_ids();
        assert_eq!(all.len(), 800_000 + 2);
        assert_eq!(all[..4], [5u64, 1_000_000, 7, u64::MAX].map(NodeId::Num));
        let mut seen = std::collections::HashSet::new();
        assert!(all.iter().all(|id| seen.insert(id.clone())));
    }

    #[test]
    fn hasher_spreads_ids() {
        let b = IdHashBuilder { seed: 1 };
        assert_ne!(b.hash_one(0u64), b.hash_one(1u64));
        assert_ne!(
            b.hash_one(1u64 << 40) & 0xfff,
            b.hash_one(2u64 << 40) & 0xfff
        );
    }
}
