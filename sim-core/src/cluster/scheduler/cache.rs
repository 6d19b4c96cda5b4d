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

use super::snapshot::Resources;

/// Everything of the pod the memoised scores depend on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ClassKey {
    pub(crate) requests: Resources,
    pub(crate) non_zero_requests: Resources,
    pub(crate) images: Vec<Option<(u32, u32)>>,
    pub(crate) prefer_tolerations: Vec<Toleration>,
}

/// Memoised raw scores of one node.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Entry {
    pub(crate) valid: bool,
    pub(crate) generation: u64,
    pub(crate) class: u32,
    /// TaintToleration, NodeResourcesFit, BalancedAllocation, ImageLocality. `i32` keeps an
    /// entry at 32 bytes (two per cache line): three of them lie in 0..=100 and the first
    /// counts a node's taints, which a manifest of at most `limits::MAX_FILE_BYTES` keeps far
    /// below `i32::MAX`.
    pub(crate) scores: [i32; 4],
}

/// How many pod classes are remembered before the cache starts over.
const MAX_CLASSES: usize = 16;

/// Buffers a cycle fills and empties again, kept so that a cycle allocates none of them.
#[derive(Clone, Debug, Default)]
pub(crate) struct Scratch {
    /// Feasible node indices in evaluation order.
    pub(crate) feasible: Vec<usize>,
    /// One score row per feasible node (columns in `Plugin::SCORES` order).
    pub(crate) rows: Vec<[i64; 6]>,
    /// The weighted total of each row.
    pub(crate) totals: Vec<i64>,
    /// Raw TaintToleration scores (the fused path of `score_nodes`).
    pub(crate) taints: Vec<i64>,
}

/// The cache of one snapshot.
#[derive(Clone, Debug, Default)]
pub(crate) struct ScoreCache {
    epoch: u64,
    pub(crate) classes: Vec<ClassKey>,
    pub(crate) entries: Vec<Entry>,
    pub(crate) scratch: Scratch,
}

impl ScoreCache {
    /// The class id of `key` under the snapshot's `epoch`, sizing the entries for `nodes`. The
    /// key is stored only when it is new (most cycles find it and clone nothing).
    pub(crate) fn class(&mut self, epoch: u64, nodes: usize, key: ClassKey) -> u32 {
        if self.epoch != epoch || self.entries.len() != nodes {
            self.epoch = epoch;
            self.classes.clear();
            self.entries.clear();
            self.entries.resize(nodes, Entry::default());
        }
        if let Some(i) = self.classes.iter().position(|k| *k == key) {
            return i as u32;
        }
        if self.classes.len() == MAX_CLASSES {
            self.classes.clear();
            self.entries.iter_mut().for_each(|e| e.valid = false);
        }
        self.classes.push(key);
        (self.classes.len() - 1) as u32
    }
}
