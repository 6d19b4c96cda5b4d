//! [`SmallMap`]: an ordered map kept as one sorted vector, for the small maps every API object
//! carries (labels, annotations, selectors, resource lists). A `BTreeMap` allocates a node of
//! eleven slots (≈544 bytes for `String → String`) even for two labels; this holds exactly its
//! entries. It behaves as the `BTreeMap` it replaces wherever that is observable: iteration,
//! `Debug`, comparison and serialization are in key order, and decoding goes through a
//! `BTreeMap`, so a duplicate key, an error message or its position is what it was.
//!
//! Lookups are binary searches and inserts shift the tail: meant for maps of a few dozen
//! entries, which is what objects carry (the API limits labels and annotations anyway).

use std::borrow::Borrow;
use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Up to this many entries, [`SmallMap::get`] scans instead of searching.
const LINEAR_GET_MAX: usize = 16;
/// An ordered map as a sorted vector of `(key, value)`, no two keys equal.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SmallMap<K, V> {
    entries: Vec<(K, V)>,
}

/// Below this many entries an insert grows the vector by one, so a small map holds no spare
/// slots; past it, the vector grows as vectors do (amortized).
const EXACT_GROWTH_MAX: usize = 16;

impl<K, V> Default for SmallMap<K, V> {
    fn default() -> Self {
        SmallMap {
            entries: Vec::new(),
        }
    }
}

impl<K: Ord, V> SmallMap<K, V> {
    /// An empty map (allocates nothing).
    pub const fn new() -> Self {
        SmallMap {
            entries: Vec::new(),
        }
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn find<Q>(&self, key: &Q) -> Result<usize, usize>
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        self.entries.binary_search_by(|(k, _)| k.borrow().cmp(key))
    }

    /// The value of `key`.
    pub fn get<Q>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        // Label maps are small: comparing for equality (a string's length first) beats the
        // ordered comparisons of a binary search (selectors match every pod of a ReplicaSet).
        if self.entries.len() <= LINEAR_GET_MAX {
            return self
                .entries
                .iter()
                .find(|(k, _)| k.borrow() == key)
                .map(|(_, v)| v);
        }
        self.find(key).ok().map(|i| &self.entries[i].1)
    }

    /// The value of `key`, to change.
    pub fn get_mut<Q>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        self.find(key).ok().map(|i| &mut self.entries[i].1)
    }

    /// Whether `key` is in the map.
    pub fn contains_key<Q>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        self.find(key).is_ok()
    }

    /// Sets `key` to `value`; returns the value it replaced.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.find(&key) {
            Ok(i) => Some(std::mem::replace(&mut self.entries[i].1, value)),
            Err(i) => {
                if self.entries.len() < EXACT_GROWTH_MAX {
                    self.entries.reserve_exact(1);
                }
                self.entries.insert(i, (key, value));
                None
            }
        }
    }

    /// Removes `key`; returns its value.
    pub fn remove<Q>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        self.find(key).ok().map(|i| self.entries.remove(i).1)
    }

    /// The value of `key`, inserted from `make` first if absent.
    pub fn get_or_insert_with(&mut self, key: K, make: impl FnOnce() -> V) -> &mut V {
        let i = match self.find(&key) {
            Ok(i) => i,
            Err(i) => {
                if self.entries.len() < EXACT_GROWTH_MAX {
                    self.entries.reserve_exact(1);
                }
                self.entries.insert(i, (key, make()));
                i
            }
        };
        &mut self.entries[i].1
    }

    /// Keeps only the entries `keep` says yes to.
    pub fn retain(&mut self, mut keep: impl FnMut(&K, &mut V) -> bool) {
        self.entries.retain_mut(|(k, v)| keep(k, v));
    }

    /// Removes every entry.
    pub fn clear(&mut self) {
        self.entries = Vec::new();
    }

    /// The entries in key order.
    pub fn iter(&self) -> Iter<'_, K, V> {
        self.entries.iter().map(pair_ref)
    }

    /// The entries in key order, values to change.
    pub fn iter_mut(
        &mut self,
    ) -> impl DoubleEndedIterator<Item = (&K, &mut V)> + ExactSizeIterator {
        self.entries.iter_mut().map(|(k, v)| (&*k, v))
    }

    /// The keys in order.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &K> + ExactSizeIterator + Clone {
        self.entries.iter().map(|(k, _)| k)
    }

    /// The values in key order.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &V> + ExactSizeIterator + Clone {
        self.entries.iter().map(|(_, v)| v)
    }

    /// The values in key order, to change.
    pub fn values_mut(&mut self) -> impl DoubleEndedIterator<Item = &mut V> + ExactSizeIterator {
        self.entries.iter_mut().map(|(_, v)| v)
    }

    /// The keys in order, the map consumed.
    pub fn into_keys(self) -> impl DoubleEndedIterator<Item = K> + ExactSizeIterator {
        self.entries.into_iter().map(|(k, _)| k)
    }

    /// The values in key order, the map consumed.
    pub fn into_values(self) -> impl DoubleEndedIterator<Item = V> + ExactSizeIterator {
        self.entries.into_iter().map(|(_, v)| v)
    }

    /// The entry with the smallest key.
    pub fn first_key_value(&self) -> Option<(&K, &V)> {
        self.entries.first().map(pair_ref)
    }

    /// The entry with the largest key.
    pub fn last_key_value(&self) -> Option<(&K, &V)> {
        self.entries.last().map(pair_ref)
    }
}

/// Iterator over a [`SmallMap`]'s entries in key order.
pub type Iter<'a, K, V> =
    std::iter::Map<std::slice::Iter<'a, (K, V)>, fn(&'a (K, V)) -> (&'a K, &'a V)>;

fn pair_ref<K, V>((k, v): &(K, V)) -> (&K, &V) {
    (k, v)
}

impl<K: Ord, V> FromIterator<(K, V)> for SmallMap<K, V> {
    /// As `BTreeMap::from_iter`: of equal keys, the last pair wins.
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut entries: Vec<(K, V)> = iter.into_iter().collect();
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        let mut out: Vec<(K, V)> = Vec::with_capacity(entries.len());
        for (k, v) in entries {
            match out.last_mut() {
                Some(last) if last.0 == k => last.1 = v,
                _ => out.push((k, v)),
            }
        }
        out.shrink_to_fit();
        SmallMap { entries: out }
    }
}

impl<K: Ord, V, const N: usize> From<[(K, V); N]> for SmallMap<K, V> {
    fn from(pairs: [(K, V); N]) -> Self {
        pairs.into_iter().collect()
    }
}

impl<K: Ord, V> From<BTreeMap<K, V>> for SmallMap<K, V> {
    fn from(map: BTreeMap<K, V>) -> Self {
        // Already sorted and unique; the vector gets exactly `len` slots.
        SmallMap {
            entries: map.into_iter().collect(),
        }
    }
}

impl<K: Ord, V> From<SmallMap<K, V>> for BTreeMap<K, V> {
    fn from(map: SmallMap<K, V>) -> Self {
        map.entries.into_iter().collect()
    }
}

impl<K: Ord, V> Extend<(K, V)> for SmallMap<K, V> {
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, iter: I) {
        for (k, v) in iter {
            self.insert(k, v);
        }
    }
}

impl<'a, K: Ord + Clone, V: Clone> Extend<(&'a K, &'a V)> for SmallMap<K, V> {
    fn extend<I: IntoIterator<Item = (&'a K, &'a V)>>(&mut self, iter: I) {
        for (k, v) in iter {
            self.insert(k.clone(), v.clone());
        }
    }
}

impl<K, V> IntoIterator for SmallMap<K, V> {
    type Item = (K, V);
    type IntoIter = std::vec::IntoIter<(K, V)>;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

impl<'a, K: Ord, V> IntoIterator for &'a SmallMap<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = Iter<'a, K, V>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<K, Q, V> std::ops::Index<&Q> for SmallMap<K, V>
where
    K: Ord + Borrow<Q>,
    Q: Ord + ?Sized,
{
    type Output = V;
    /// The value of `key`; panics if absent, as `BTreeMap`'s index does.
    fn index(&self, key: &Q) -> &V {
        self.get(key).expect("no entry found for key")
    }
}

impl<K: fmt::Debug, V: fmt::Debug> fmt::Debug for SmallMap<K, V> {
    /// `{k: v, …}`, as a `BTreeMap` prints.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.entries.iter().map(|(k, v)| (k, v)))
            .finish()
    }
}

impl<K: Serialize, V: Serialize> Serialize for SmallMap<K, V> {
    /// A map in key order, as a `BTreeMap` serializes.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.entries.iter().map(|(k, v)| (k, v)))
    }
}

impl<'de, K, V> Deserialize<'de> for SmallMap<K, V>
where
    K: Ord + Deserialize<'de>,
    V: Deserialize<'de>,
{
    /// Through a `BTreeMap`, so decoding (duplicate keys, errors, their paths) is unchanged.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        BTreeMap::deserialize(d).map(SmallMap::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_small_map_keeps_key_order_and_the_last_of_equal_keys_like_a_btreemap() {
        let pairs = [("b", 1), ("a", 2), ("c", 3), ("a", 4)];
        let small: SmallMap<&str, i32> = pairs.into_iter().collect();
        let btree: BTreeMap<&str, i32> = pairs.into_iter().collect();
        assert!(small.iter().eq(btree.iter()));
        assert_eq!(format!("{small:?}"), format!("{btree:?}"));
        assert_eq!(
            serde_json::to_string(&small).unwrap(),
            serde_json::to_string(&btree).unwrap()
        );
        let mut m = SmallMap::new();
        assert_eq!(m.insert("x", 1), None);
        assert_eq!(m.insert("a", 2), None);
        assert_eq!(m.insert("x", 3), Some(1));
        assert_eq!(m.entries.capacity(), 2, "no spare slots in a small map");
        assert_eq!(m.remove("a"), Some(2));
        assert_eq!(m["x"], 3);
        assert!(!m.contains_key("a"));
    }

    #[test]
    fn a_small_map_decodes_as_a_btreemap_does() {
        let json = r#"{"b":"1","a":"2","b":"3"}"#;
        let small: SmallMap<String, String> = serde_json::from_str(json).unwrap();
        let btree: BTreeMap<String, String> = serde_json::from_str(json).unwrap();
        assert!(small.iter().eq(btree.iter()));
        let yaml = "b: '1'\na: '2'\n";
        let small: SmallMap<String, String> = serde_norway::from_str(yaml).unwrap();
        let btree: BTreeMap<String, String> = serde_norway::from_str(yaml).unwrap();
        assert!(small.iter().eq(btree.iter()));
        let bad = "[1]";
        let e1 = serde_json::from_str::<SmallMap<String, String>>(bad).unwrap_err();
        let e2 = serde_json::from_str::<BTreeMap<String, String>>(bad).unwrap_err();
        assert_eq!(e1.to_string(), e2.to_string());
    }
}
