//! Memoised pod-independent work of the Score step.
//!
//! Replicas of one workload are scheduled one after another with identical requests, images and
//! tolerations, and between two cycles only the node that received a pod changes. So the
//! TaintToleration, NodeResourcesFit, BalancedAllocation and ImageLocality raw scores of a node
//! are kept with the node's generation (bumped by every change to that node) and the pod's
//! scoring class; a cycle recomputes only what changed. The cache lives inside its
//! [`Snapshot`](super::Snapshot) (a clone gets its own copy), is invisible in every output, and
//! is emptied whenever a node is added, updated or removed (that changes ImageLocality's spread
//! and the node indices).

use crate::cluster::api::Toleration;

use super::pod::PodToSchedule;

use super::snapshot::Resources;

/// Everything of the pod the memoised scores depend on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ClassKey {
    pub(crate) requests: Resources,
    pub(crate) non_zero_requests: Resources,
    pub(crate) images: Vec<Option<(u32, u32)>>,
    pub(crate) prefer_tolerations: Vec<Toleration>,
    /// Weights of NodeResourcesFit, BalancedAllocation (0 when PreScore skips it),
    /// ImageLocality and TaintToleration, for [`Entry::total`].
    pub(crate) weights: [i64; 4],
}

/// Memoised raw scores of one node (kept by walk position, like the snapshot's packed records).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Entry {
    pub(crate) generation: u64,
    /// The weighted sum of the last three scores plus TaintToleration's weighted score for a
    /// node without PreferNoSchedule taints (100): the node's total when a cycle scores while
    /// filtering, before the taint correction.
    pub(crate) total: i64,
    /// The class the scores are for; [`Entry::NONE`] when the entry holds nothing.
    pub(crate) class: u32,
    /// TaintToleration, NodeResourcesFit, BalancedAllocation, ImageLocality. `i32` keeps an
    /// entry at 40 bytes: three of them lie in 0..=100 and the first counts a node's taints,
    /// which a manifest of at most `limits::MAX_FILE_BYTES` keeps far below `i32::MAX`.
    pub(crate) scores: [i32; 4],
}

impl Entry {
    /// The class of an empty entry.
    pub(crate) const NONE: u32 = u32::MAX;
}

impl Default for Entry {
    fn default() -> Self {
        Entry {
            generation: 0,
            total: 0,
            class: Entry::NONE,
            scores: [0; 4],
        }
    }
}

/// How many pod classes are remembered before the cache starts over.
const MAX_CLASSES: usize = 16;

/// Buffers a cycle fills and empties again, kept so that a cycle allocates none of them.
#[derive(Clone, Debug, Default)]
pub(crate) struct Scratch {
    /// Feasible node indices in evaluation order.
    pub(crate) feasible: Vec<usize>,
    /// Their positions in the walk order (which index the entries and the packed records).
    pub(crate) feasible_walk: Vec<u32>,
    /// One score row per feasible node (columns in `Plugin::SCORES` order).
    pub(crate) rows: Vec<[i64; 6]>,
    /// The weighted total of each row.
    pub(crate) totals: Vec<i64>,
    /// (Position, raw TaintToleration score) of the feasible nodes with one, when the cycle
    /// scores while filtering.
    pub(crate) tainted: Vec<(u32, i64)>,
}

/// The fields of the last pod whose class was looked up, and that class: the replicas that
/// follow find it by comparing these, without normalising image names or building a key.
#[derive(Clone, Debug)]
struct LastPod {
    requests: Resources,
    non_zero_requests: Resources,
    images: Vec<String>,
    tolerations: Vec<Toleration>,
    weights: [i64; 4],
    class: u32,
}

impl LastPod {
    fn is(&self, pod: &PodToSchedule, weights: [i64; 4]) -> bool {
        self.weights == weights
            && self.requests == pod.requests
            && self.non_zero_requests == pod.non_zero_requests
            && self.images == pod.images
            && self.tolerations == pod.tolerations
    }
}

/// The cache of one snapshot.
#[derive(Clone, Debug, Default)]
pub(crate) struct ScoreCache {
    epoch: u64,
    pub(crate) classes: Vec<ClassKey>,
    pub(crate) entries: Vec<Entry>,
    pub(crate) scratch: Scratch,
    /// Valid while `classes` is (cleared with it).
    last: Option<LastPod>,
}

impl ScoreCache {
    /// The class id of `key` under the snapshot's `epoch`, sizing the entries for `nodes`. The
    /// key is stored only when it is new (most cycles find it and clone nothing).
    pub(crate) fn class(&mut self, epoch: u64, nodes: usize, key: ClassKey) -> u32 {
        if !self.current(epoch, nodes) {
            self.epoch = epoch;
            self.classes.clear();
            self.last = None;
            self.entries.clear();
            self.entries.resize(nodes, Entry::default());
        }
        if let Some(i) = self.classes.iter().position(|k| *k == key) {
            return i as u32;
        }
        if self.classes.len() == MAX_CLASSES {
            self.classes.clear();
            self.last = None;
            self.entries.iter_mut().for_each(|e| e.class = Entry::NONE);
        }
        self.classes.push(key);
        (self.classes.len() - 1) as u32
    }

    fn current(&self, epoch: u64, nodes: usize) -> bool {
        self.epoch == epoch && self.entries.len() == nodes
    }

    /// The class of `pod` if it is the last pod's (same requests, images and tolerations).
    pub(crate) fn class_of_last(
        &self,
        epoch: u64,
        nodes: usize,
        pod: &PodToSchedule,
        weights: [i64; 4],
    ) -> Option<u32> {
        let last = self.last.as_ref()?;
        (self.current(epoch, nodes) && last.is(pod, weights)).then_some(last.class)
    }

    /// Remembers that `pod` has `class` (just returned by [`ScoreCache::class`]).
    pub(crate) fn remember(&mut self, pod: &PodToSchedule, weights: [i64; 4], class: u32) {
        if self
            .last
            .as_ref()
            .is_some_and(|l| l.class == class && l.is(pod, weights))
        {
            return;
        }
        self.last = Some(LastPod {
            requests: pod.requests,
            non_zero_requests: pod.non_zero_requests,
            images: pod.images.clone(),
            tolerations: pod.tolerations.clone(),
            weights,
            class,
        });
    }
}
