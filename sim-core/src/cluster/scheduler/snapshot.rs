//! The scheduler's view of the cluster: one `NodeInfo` per node, updated incrementally as pods
//! are bound and removed (pkg/scheduler/framework/types.go `NodeInfo`, backend/cache/snapshot.go).
//!
//! Pods are not kept one by one. A node keeps counts of pod *groups*: pods with the same
//! namespace, label set, priority, requests and terminating flag (the replicas of one
//! ReplicaSet are one group). That is all the plugins read, and it keeps the model state per pod
//! at a few bytes, far below the 1 KiB per pod the cluster issue allows at 150,000 pods.

use std::cell::RefCell;
use std::collections::BTreeMap;

use serde::Serialize;

use super::cache::ScoreCache;
use super::pod::{BoundPod, Taint, TaintEffect};
use super::select::Labels;
use super::spread_counts::SpreadCounts;

/// Requests or allocatable amounts of the two resources the default plugins weigh.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Resources {
    /// CPU in millicores (`100m` = 100).
    pub milli_cpu: i64,
    /// Memory in bytes.
    pub memory_bytes: i64,
}

impl Resources {
    fn add(&mut self, other: Resources, times: i64) {
        self.milli_cpu = self
            .milli_cpu
            .saturating_add(other.milli_cpu.saturating_mul(times));
        self.memory_bytes = self
            .memory_bytes
            .saturating_add(other.memory_bytes.saturating_mul(times));
    }
}

/// A node as the scheduler is told about it (from the Node object and the kubelet's status).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NodeSpec {
    /// `metadata.name`.
    pub name: String,
    /// `metadata.labels` (topology keys, hostname, roles).
    pub labels: Labels,
    /// `spec.taints`.
    pub taints: Vec<Taint>,
    /// `spec.unschedulable` (set by `kubectl cordon`).
    pub unschedulable: bool,
    /// `status.allocatable` cpu and memory.
    pub allocatable: Resources,
    /// `status.allocatable.pods` (110 by default).
    pub allowed_pods: i64,
    /// `status.images`: every name an image is known by, with its size in bytes.
    pub images: Vec<(String, u64)>,
}

/// Pods of one group on one node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct GroupCount {
    pub(crate) group: u32,
    pub(crate) priority: i32,
    pub(crate) terminating: bool,
    pub(crate) requests: Resources,
    pub(crate) non_zero_requests: Resources,
    pub(crate) count: u32,
}

/// One node in the snapshot: what the plugins read.
#[derive(Clone, Debug)]
pub struct NodeInfo {
    /// The node as last set.
    pub spec: NodeSpec,
    /// Sum of the requests of the pods bound to it (`NodeInfo.Requested`).
    pub requested: Resources,
    /// The same sum with 100m CPU / 200 MiB for containers that request nothing
    /// (`NodeInfo.NonZeroRequested`, used by LeastAllocated).
    pub non_zero_requested: Resources,
    /// Number of pods bound to it.
    pub pod_count: u32,
    pub(crate) groups: Vec<GroupCount>,
    /// (image id, size) sorted by id.
    pub(crate) images: Vec<(u32, u64)>,
    pub(crate) prefer_no_schedule_taints: u32,
    /// NoSchedule/NoExecute taints: the TaintToleration filter has nothing to do without them.
    pub(crate) hard_taints: u32,
    /// Bit `id % 64` set for every image id the node holds: a quick "certainly absent" test.
    pub(crate) image_mask: u64,
    /// Changes whenever the node or its pods change (keys the score cache).
    pub(crate) generation: u64,
}

impl NodeInfo {
    /// The node's name.
    pub fn name(&self) -> &str {
        &self.spec.name
    }
}

/// The few numbers a scheduling cycle reads from every node it walks, packed into one small
/// record per node (40 bytes) instead of spread over the cache lines of a [`NodeInfo`], and
/// stored in walk order: the walk filters and checks the score memo of ~500 consecutive nodes
/// per cycle at 5,000 nodes, so reading them front to back (which the CPU prefetches) instead of
/// hopping through the node list decides its speed. Derived from the `NodeInfo` after every
/// change to it ([`Snapshot::sync_hot`]); never read for anything but speed.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct HotNode {
    /// `spec.allocatable − requested` per resource, as NodeResourcesFit's `fitsRequest`
    /// subtracts them (wrapping as its release build does).
    pub(crate) free: Resources,
    /// `spec.allowed_pods − pod_count` (saturating, so the sign is always right): a pod fits
    /// the pod count while this is at least 1.
    pub(crate) free_pods: i64,
    /// `NodeInfo::generation`.
    pub(crate) generation: u64,
    /// The node's index in the node list.
    pub(crate) index: u32,
    /// Cordoned or carrying a NoSchedule/NoExecute taint: NodeUnschedulable and
    /// TaintToleration must look at the node itself; otherwise both pass without reading it.
    pub(crate) guarded: bool,
}

/// Namespace and labels of a pod group, interned.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct GroupKey {
    pub(crate) namespace: String,
    pub(crate) labels: Labels,
}

/// Why a snapshot update was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SnapshotError {
    /// The node is already in the snapshot.
    #[error("node \"{0}\" already exists")]
    NodeExists(String),
    /// No such node.
    #[error("node \"{0}\" not found")]
    NodeNotFound(String),
    /// The pod was not bound to that node.
    #[error("no such pod on node \"{0}\"")]
    PodNotFound(String),
}

/// The cluster as the scheduler sees it for one cycle.
#[derive(Clone, Debug, Default)]
pub struct Snapshot {
    nodes: Vec<NodeInfo>,
    /// One [`HotNode`] per node, in walk order (`hot[k]` is node `walk[k]`).
    pub(crate) hot: Vec<HotNode>,
    /// Per node index: its position in the walk order.
    walk_position: Vec<u32>,
    by_name: BTreeMap<String, u32>,
    group_keys: Vec<GroupKey>,
    /// Group ids by namespace, then labels: looked up with the pod's own fields, no key built.
    group_ids: BTreeMap<String, BTreeMap<Labels, u32>>,
    image_ids: BTreeMap<String, u32>,
    image_num_nodes: Vec<u32>,
    /// Bumped when a node is added, updated or removed.
    pub(crate) epoch: u64,
    /// Source of node generations.
    counter: u64,
    /// The group `add_pod` found last.
    last_group: u32,
    /// `nodeTree`: zone key → node indices in the order they joined the zone; zones in the
    /// order they first got a node (pkg/scheduler/backend/cache/node_tree.go).
    zones: Vec<(String, Vec<u32>)>,
    /// `nodeTree.list()`: one node from each zone in turn — the order the scheduler walks.
    walk: Vec<u32>,
    /// Nodes with a NoSchedule/NoExecute taint (PodTopologySpread's `nodeTaintsPolicy: Honor`
    /// excludes nodes only when there is one).
    hard_tainted_nodes: u32,
    pub(crate) cache: RefCell<ScoreCache>,
    /// PodTopologySpread's matching-pod counts (see `spread_counts.rs`).
    pub(crate) spread: RefCell<SpreadCounts>,
}

impl Snapshot {
    /// After any node is added, updated or removed.
    fn nodes_changed(&mut self) {
        self.epoch += 1;
        self.hard_tainted_nodes = self.nodes.iter().filter(|n| n.hard_taints > 0).count() as u32;
        self.spread.get_mut().clear();
    }

    /// Whether some node has a NoSchedule/NoExecute taint.
    pub(crate) fn any_hard_taint(&self) -> bool {
        self.hard_tainted_nodes > 0
    }

    /// Keeps PodTopologySpread's matching-pod counts up to date as pods bind (the default), or
    /// recounts them every cycle as the plugin is written (decision tests compare the two).
    #[doc(hidden)]
    pub fn set_incremental_spread_counts(&mut self, enabled: bool) {
        let spread = self.spread.get_mut();
        spread.clear();
        spread.disabled = !enabled;
    }

    fn touch(&mut self, index: usize) {
        self.counter += 1;
        self.nodes[index].generation = self.counter;
        self.sync_hot(index);
    }

    /// Re-derives the node's [`HotNode`] after any change to it. A node not yet in the walk
    /// (being added) gets its record when the walk is rebuilt.
    fn sync_hot(&mut self, index: usize) {
        if let Some(&k) = self.walk_position.get(index) {
            self.hot[k as usize] = hot_node(index, &self.nodes[index]);
        }
    }

    /// An empty cluster.
    pub fn new() -> Self {
        Self::default()
    }

    /// Nodes in the order the scheduler walks them.
    pub fn nodes(&self) -> &[NodeInfo] {
        &self.nodes
    }

    /// Node indices in the order the scheduler walks them: zones interleaved, one node from each
    /// zone in turn (`nodeTree.list()`), so a sampled cycle sees every zone.
    pub fn walk_order(&self) -> &[u32] {
        &self.walk
    }

    fn tree_add(&mut self, index: usize) {
        let key = zone_key(&self.nodes[index].spec.labels);
        match self.zones.iter_mut().find(|(z, _)| *z == key) {
            Some((_, members)) => members.push(index as u32),
            None => self.zones.push((key, vec![index as u32])),
        }
    }

    fn tree_remove(&mut self, index: usize) {
        for (_, members) in self.zones.iter_mut() {
            members.retain(|&i| i as usize != index);
        }
        self.zones.retain(|(_, members)| !members.is_empty());
    }

    /// Rebuilds the walk order and the [`HotNode`]s in it (after nodes are added, removed or
    /// change zone).
    fn rebuild_walk(&mut self) {
        self.walk.clear();
        let longest = self.zones.iter().map(|(_, m)| m.len()).max().unwrap_or(0);
        for k in 0..longest {
            for (_, members) in &self.zones {
                if let Some(&i) = members.get(k) {
                    self.walk.push(i);
                }
            }
        }
        self.walk_position = vec![0; self.nodes.len()];
        self.hot.clear();
        for (k, &index) in self.walk.iter().enumerate() {
            self.walk_position[index as usize] = k as u32;
            self.hot
                .push(hot_node(index as usize, &self.nodes[index as usize]));
        }
    }

    /// The node at an index.
    pub fn node(&self, index: usize) -> Option<&NodeInfo> {
        self.nodes.get(index)
    }

    /// The index of a node by name.
    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.by_name.get(name).map(|&i| i as usize)
    }

    /// Number of distinct pod groups ever seen (interned namespace + labels).
    pub fn group_count(&self) -> usize {
        self.group_keys.len()
    }

    pub(crate) fn group_key(&self, id: u32) -> &GroupKey {
        &self.group_keys[id as usize]
    }

    /// Every interned group, by id.
    pub(crate) fn group_keys(&self) -> &[GroupKey] {
        &self.group_keys
    }

    pub(crate) fn image_id(&self, name: &str) -> Option<u32> {
        self.image_ids.get(name).copied()
    }

    pub(crate) fn image_num_nodes(&self, id: u32) -> u32 {
        self.image_num_nodes.get(id as usize).copied().unwrap_or(0)
    }

    fn intern_image(&mut self, name: &str) -> u32 {
        if let Some(&id) = self.image_ids.get(name) {
            return id;
        }
        let id = self.image_num_nodes.len() as u32;
        self.image_ids.insert(name.to_owned(), id);
        self.image_num_nodes.push(0);
        id
    }

    fn node_images(&mut self, spec: &NodeSpec) -> Vec<(u32, u64)> {
        let mut images: Vec<(u32, u64)> = spec
            .images
            .iter()
            .map(|(name, size)| (self.intern_image(name), *size))
            .collect();
        images.sort_unstable();
        images.dedup_by_key(|(id, _)| *id);
        for (id, _) in &images {
            self.image_num_nodes[*id as usize] += 1;
        }
        images
    }

    fn forget_images(&mut self, images: &[(u32, u64)]) {
        for (id, _) in images {
            let n = &mut self.image_num_nodes[*id as usize];
            *n = n.saturating_sub(1);
        }
    }

    /// Adds a node at the end of the walk order.
    pub fn add_node(&mut self, spec: NodeSpec) -> Result<usize, SnapshotError> {
        if self.by_name.contains_key(&spec.name) {
            return Err(SnapshotError::NodeExists(spec.name));
        }
        let images = self.node_images(&spec);
        let index = self.nodes.len();
        self.by_name.insert(spec.name.clone(), index as u32);
        let prefer_no_schedule_taints = count_prefer_no_schedule(&spec.taints);
        let hard_taints = count_hard(&spec.taints);
        let image_mask = mask(&images);
        self.nodes.push(NodeInfo {
            spec,
            requested: Resources::default(),
            non_zero_requested: Resources::default(),
            pod_count: 0,
            groups: Vec::new(),
            images,
            prefer_no_schedule_taints,
            hard_taints,
            image_mask,
            generation: 0,
        });
        self.touch(index);
        self.nodes_changed();
        self.tree_add(index);
        self.rebuild_walk();
        Ok(index)
    }

    /// Replaces a node's labels, taints, unschedulable flag, allocatable and images, keeping its
    /// pods (a Node update: `kubectl label`, `taint`, `cordon`, a pulled image).
    pub fn update_node(&mut self, spec: NodeSpec) -> Result<(), SnapshotError> {
        let index = self
            .index_of(&spec.name)
            .ok_or_else(|| SnapshotError::NodeNotFound(spec.name.clone()))?;
        let old_zone = zone_key(&self.nodes[index].spec.labels);
        let old = std::mem::take(&mut self.nodes[index].images);
        self.forget_images(&old);
        let images = self.node_images(&spec);
        let node = &mut self.nodes[index];
        node.prefer_no_schedule_taints = count_prefer_no_schedule(&spec.taints);
        node.hard_taints = count_hard(&spec.taints);
        node.image_mask = mask(&images);
        node.images = images;
        node.spec = spec;
        self.touch(index);
        self.nodes_changed();
        // nodeTree.updateNode: a node whose zone changed moves to the end of its new zone.
        if zone_key(&self.nodes[index].spec.labels) != old_zone {
            self.tree_remove(index);
            self.tree_add(index);
            self.rebuild_walk();
        }
        Ok(())
    }

    /// Removes a node and the record of its pods.
    pub fn remove_node(&mut self, name: &str) -> Result<NodeInfo, SnapshotError> {
        let index = self
            .index_of(name)
            .ok_or_else(|| SnapshotError::NodeNotFound(name.to_owned()))?;
        self.tree_remove(index);
        for (_, members) in self.zones.iter_mut() {
            for i in members.iter_mut() {
                if *i as usize > index {
                    *i -= 1;
                }
            }
        }
        let node = self.nodes.remove(index);
        self.rebuild_walk();
        self.forget_images(&node.images);
        self.by_name.remove(name);
        for (i, n) in self.nodes.iter().enumerate().skip(index) {
            self.by_name.insert(n.spec.name.clone(), i as u32);
        }
        self.nodes_changed();
        Ok(node)
    }

    /// The group id of a pod, interning it if new; the last group found is tried first because
    /// pods of one workload are bound one after another.
    fn group_of(&mut self, pod: &BoundPod) -> u32 {
        if let Some(key) = self.group_keys.get(self.last_group as usize) {
            if key.namespace == pod.namespace && key.labels == pod.labels {
                return self.last_group;
            }
        }
        let id = match self.group_id(&pod.namespace, &pod.labels) {
            Some(id) => id,
            None => self.intern_group(&pod.namespace, &pod.labels),
        };
        self.last_group = id;
        id
    }

    fn group_id(&self, namespace: &str, labels: &Labels) -> Option<u32> {
        self.group_ids.get(namespace)?.get(labels).copied()
    }

    fn intern_group(&mut self, namespace: &str, labels: &Labels) -> u32 {
        if let Some(id) = self.group_id(namespace, labels) {
            return id;
        }
        let key = GroupKey {
            namespace: namespace.to_owned(),
            labels: labels.clone(),
        };
        let id = self.group_keys.len() as u32;
        self.spread.get_mut().group_added(&key);
        self.group_keys.push(key);
        self.group_ids
            .entry(namespace.to_owned())
            .or_default()
            .insert(labels.clone(), id);
        id
    }

    /// Records a pod bound to the node at `index` (the scheduler's assume/bind, or a pod that
    /// was created with `spec.nodeName`).
    pub fn add_pod(&mut self, index: usize, pod: &BoundPod) -> Result<(), SnapshotError> {
        if index >= self.nodes.len() {
            return Err(SnapshotError::NodeNotFound(format!("#{index}")));
        }
        let group = self.group_of(pod);
        self.counter += 1;
        let generation = self.counter;
        let node = &mut self.nodes[index];
        node.requested.add(pod.requests, 1);
        node.non_zero_requested.add(pod.non_zero_requests, 1);
        node.pod_count += 1;
        node.generation = generation;
        match node.groups.iter_mut().find(|g| {
            g.group == group
                && g.priority == pod.priority
                && g.terminating == pod.terminating
                && g.requests == pod.requests
                && g.non_zero_requests == pod.non_zero_requests
        }) {
            Some(g) => g.count += 1,
            None => node.groups.push(GroupCount {
                group,
                priority: pod.priority,
                terminating: pod.terminating,
                requests: pod.requests,
                non_zero_requests: pod.non_zero_requests,
                count: 1,
            }),
        }
        self.spread
            .get_mut()
            .pods_changed(index, group, pod.terminating, 1);
        self.sync_hot(index);
        Ok(())
    }

    /// Forgets a pod that was recorded on the node at `index` with exactly these fields.
    pub fn remove_pod(&mut self, index: usize, pod: &BoundPod) -> Result<(), SnapshotError> {
        let group = self.group_id(&pod.namespace, &pod.labels);
        self.counter += 1;
        let generation = self.counter;
        let node = self
            .nodes
            .get_mut(index)
            .ok_or_else(|| SnapshotError::NodeNotFound(format!("#{index}")))?;
        let Some(group) = group else {
            return Err(SnapshotError::PodNotFound(node.spec.name.clone()));
        };
        let Some(pos) = node.groups.iter().position(|g| {
            g.group == group
                && g.priority == pod.priority
                && g.terminating == pod.terminating
                && g.requests == pod.requests
                && g.non_zero_requests == pod.non_zero_requests
        }) else {
            return Err(SnapshotError::PodNotFound(node.spec.name.clone()));
        };
        node.groups[pos].count -= 1;
        if node.groups[pos].count == 0 {
            node.groups.swap_remove(pos);
        }
        node.requested.add(pod.requests, -1);
        node.non_zero_requested.add(pod.non_zero_requests, -1);
        node.pod_count -= 1;
        node.generation = generation;
        self.spread
            .get_mut()
            .pods_changed(index, group, pod.terminating, -1);
        self.sync_hot(index);
        Ok(())
    }
}

/// The packed record of the node at `index`.
fn hot_node(index: usize, node: &NodeInfo) -> HotNode {
    let alloc = node.spec.allocatable;
    HotNode {
        free: Resources {
            milli_cpu: alloc.milli_cpu.wrapping_sub(node.requested.milli_cpu),
            memory_bytes: alloc.memory_bytes.wrapping_sub(node.requested.memory_bytes),
        },
        free_pods: node
            .spec
            .allowed_pods
            .saturating_sub(i64::from(node.pod_count)),
        generation: node.generation,
        index: index as u32,
        guarded: node.spec.unschedulable || node.hard_taints > 0,
    }
}

fn count_prefer_no_schedule(taints: &[Taint]) -> u32 {
    taints
        .iter()
        .filter(|t| t.effect == TaintEffect::PreferNoSchedule)
        .count() as u32
}

fn count_hard(taints: &[Taint]) -> u32 {
    taints
        .iter()
        .filter(|t| matches!(t.effect, TaintEffect::NoSchedule | TaintEffect::NoExecute))
        .count() as u32
}

fn mask(images: &[(u32, u64)]) -> u64 {
    images.iter().fold(0, |m, (id, _)| m | image_bit(*id))
}

/// The bit of an image id in [`NodeInfo`]'s image mask.
pub(crate) fn image_bit(id: u32) -> u64 {
    1u64 << (id % 64)
}

/// `utilnode.GetZoneKey`: empty without region and zone labels, else `region:\x00:zone`.
fn zone_key(labels: &Labels) -> String {
    let get = |key: &str, beta: &str| {
        labels
            .get(key)
            .or_else(|| labels.get(beta))
            .map(String::as_str)
            .unwrap_or("")
    };
    let region = get(
        "topology.kubernetes.io/region",
        "failure-domain.beta.kubernetes.io/region",
    );
    let zone = get(
        "topology.kubernetes.io/zone",
        "failure-domain.beta.kubernetes.io/zone",
    );
    if region.is_empty() && zone.is_empty() {
        return String::new();
    }
    format!("{region}:\x00:{zone}")
}
