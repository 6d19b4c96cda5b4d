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
    /// TaintToleration, NodeResourcesFit, BalancedAllocation, ImageLocality.
    pub(crate) scores: [i64; 4],
}

/// How many pod classes are remembered before the cache starts over.
const MAX_CLASSES: usize = 16;

/// The cache of one snapshot.
#[derive(Clone, Debug, Default)]
pub(crate) struct ScoreCache {
    epoch: u64,
    classes: Vec<ClassKey>,
    pub(crate) entries: Vec<Entry>,
}

impl ScoreCache {
    /// The class id of `key` under the snapshot's `epoch`, sizing the entries for `nodes`.
    pub(crate) fn class(&mut self, epoch: u64, nodes: usize, key: &ClassKey) -> u32 {
        if self.epoch != epoch || self.entries.len() != nodes {
            self.epoch = epoch;
            self.classes.clear();
            self.entries.clear();
            self.entries.resize(nodes, Entry::default());
        }
        if let Some(i) = self.classes.iter().position(|k| k == key) {
            return i as u32;
        }
        if self.classes.len() == MAX_CLASSES {
            self.classes.clear();
            self.entries.iter_mut().for_each(|e| e.valid = false);
        }
        self.classes.push(key.clone());
        (self.classes.len() - 1) as u32
    }
}
