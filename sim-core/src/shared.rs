//! [`Shared`]: a value held copy-on-write, for the parts every pod of a ReplicaSet has in common
//! (its containers, its tolerations, its owner reference) and an image's config, which every
//! node's engine that pulls the image holds. A pod stamped from a template, or a copy of a pod
//! being updated, points at the same allocation until one of them changes it.
//!
//! Sharing is not observable: `Shared<T>` reads, compares, prints and serializes as the `T`
//! inside, and a change through `&mut` (`DerefMut`) copies the value first when anyone else
//! holds it (`Arc::make_mut`), so no other object sees it. Only memory differs.

use std::fmt;
use std::ops::{Deref, DerefMut};
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A value shared copy-on-write between objects; behaves as the `T` inside.
#[derive(Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Shared<T>(Arc<T>);

impl<T> Shared<T> {
    /// A value of its own.
    pub fn new(value: T) -> Self {
        Shared(Arc::new(value))
    }

    /// Whether both point at the same allocation (a cheap test before comparing values).
    pub fn ptr_eq(a: &Self, b: &Self) -> bool {
        Arc::ptr_eq(&a.0, &b.0)
    }

    /// The value, without copying it when nobody else holds it.
    pub fn into_inner(self) -> T
    where
        T: Clone,
    {
        Arc::unwrap_or_clone(self.0)
    }

    /// Makes `self` point at `other`'s allocation when their values are equal, so equal parts
    /// of different objects are held once.
    pub fn share_if_equal(&mut self, other: &Self)
    where
        T: PartialEq,
    {
        if !Shared::ptr_eq(self, other) && *self.0 == *other.0 {
            self.0 = Arc::clone(&other.0);
        }
    }
}

impl<T> Clone for Shared<T> {
    /// Another handle on the same value (nothing is copied).
    fn clone(&self) -> Self {
        Shared(Arc::clone(&self.0))
    }
}

impl<T> std::borrow::Borrow<T> for Shared<T> {
    /// The value: a `Shared<T>` orders, compares and hashes as its `T` does, so maps keyed by
    /// it are looked up by `&T`.
    fn borrow(&self) -> &T {
        &self.0
    }
}

impl<T> Deref for Shared<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: Clone> DerefMut for Shared<T> {
    /// The value to change: copied first if another object shares it.
    fn deref_mut(&mut self) -> &mut T {
        Arc::make_mut(&mut self.0)
    }
}

impl<T> From<T> for Shared<T> {
    fn from(value: T) -> Self {
        Shared::new(value)
    }
}

impl<T: fmt::Debug> fmt::Debug for Shared<T> {
    /// As the value prints.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl<T: Serialize> Serialize for Shared<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Shared<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        T::deserialize(d).map(Shared::new)
    }
}

impl<T, U> FromIterator<U> for Shared<T>
where
    T: FromIterator<U>,
{
    fn from_iter<I: IntoIterator<Item = U>>(iter: I) -> Self {
        Shared::new(iter.into_iter().collect())
    }
}

impl<'a, T> IntoIterator for &'a Shared<T>
where
    &'a T: IntoIterator,
{
    type Item = <&'a T as IntoIterator>::Item;
    type IntoIter = <&'a T as IntoIterator>::IntoIter;
    fn into_iter(self) -> Self::IntoIter {
        (&*self.0).into_iter()
    }
}

/// The last few distinct values of one kind that objects hold shared ([`Recent::CAPACITY`],
/// most recently used first), so an equal value held by an object that is not a sibling (a
/// pod's `Ready=True` condition, a Running status) is held once with them. Not observable.
#[derive(Clone, Debug)]
pub struct Recent<T>(Vec<Shared<T>>);

impl<T> Default for Recent<T> {
    fn default() -> Self {
        Recent(Vec::new())
    }
}

impl<T: PartialEq> Recent<T> {
    /// How many distinct values are kept.
    pub const CAPACITY: usize = 8;

    /// Points `value` at an equal kept value, or keeps it (dropping the least recently used).
    pub fn share(&mut self, value: &mut Shared<T>) {
        let found = self
            .0
            .iter()
            .position(|r| Shared::ptr_eq(r, value) || **r == **value);
        let kept = match found {
            Some(i) => {
                let r = self.0.remove(i);
                *value = r.clone();
                r
            }
            None => value.clone(),
        };
        self.0.insert(0, kept);
        self.0.truncate(Self::CAPACITY);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_to_a_shared_value_copies_it_and_the_other_holder_keeps_the_old_one() {
        let a: Shared<Vec<i32>> = Shared::new(vec![1, 2]);
        let mut b = a.clone();
        assert!(Shared::ptr_eq(&a, &b));
        b.push(3);
        assert!(!Shared::ptr_eq(&a, &b));
        assert_eq!(*a, vec![1, 2]);
        assert_eq!(*b, vec![1, 2, 3]);
        let mut c = Shared::new(vec![1, 2]);
        c.share_if_equal(&a);
        assert!(Shared::ptr_eq(&a, &c));
        assert_eq!(serde_json::to_string(&c).unwrap(), "[1,2]");
        assert_eq!(format!("{c:?}"), "[1, 2]");
    }

    #[test]
    fn recent_values_are_held_once_and_the_least_recently_used_goes_first() {
        let mut pool: Recent<i32> = Recent::default();
        let mut a = Shared::new(1);
        pool.share(&mut a);
        let mut b = Shared::new(1);
        pool.share(&mut b);
        assert!(Shared::ptr_eq(&a, &b));
        for n in 2..=(Recent::<i32>::CAPACITY as i32 + 1) {
            pool.share(&mut Shared::new(n));
        }
        let mut c = Shared::new(1);
        pool.share(&mut c);
        assert!(
            !Shared::ptr_eq(&a, &c),
            "1 was dropped as least recently used"
        );
        assert_eq!(*c, 1);
    }
}
