//! PodTopologySpread's counts of matching pods, kept up to date as pods bind instead of being
//! recounted over every node each cycle.
//!
//! kube-scheduler's PreFilter and PreScore walk every node's pod list to count the pods a
//! constraint's selector matches, per node and per topology domain (podtopologyspread/
//! filtering.go `calPreFilterState`, scoring.go `PreScore`). At 5,000 nodes that walk is the
//! whole cost of a cycle. Here the snapshot keeps, for each (namespace, selector) a recent pod
//! asked about, the number of selected, non-terminating pods on every node and in every domain
//! of every topology key asked about, and [`Snapshot::add_pod`]/[`Snapshot::remove_pod`] adjust
//! them. A cycle then reads a domain's count in O(1), so spreading costs O(feasible nodes).
//!
//! The counts are a cache: they live in the snapshot's `RefCell` (a clone gets its own copy),
//! never reach any output, start over whenever a node is added, updated or removed (that changes
//! domains and node indices), and the plugin falls back to recounting whenever they cannot stand
//! in for the recount (node inclusion policies that depend on the pod, nodes without a required
//! key). `tests` below checks them against a recount after random binds and removals.
//!
//! [`Snapshot::add_pod`]: super::Snapshot::add_pod
//! [`Snapshot::remove_pod`]: super::Snapshot::remove_pod

use std::collections::BTreeMap;
use std::sync::Arc;

use super::select::LabelMatcher;
use super::snapshot::{GroupKey, NodeInfo};

/// How many (namespace, selector) pairs are tracked; beyond that the least recently used is
/// dropped. Each costs 4 bytes per node (20 KiB at 5,000 nodes), and every bind updates each one
/// that selects the pod; 64 covers the workloads a lesson or the benchmark's 50 ReplicaSets
/// schedule at once.
const MAX_SELECTORS: usize = 64;
/// How many topology keys are tracked before the cache starts over.
const MAX_TOPOLOGIES: usize = 8;

/// Where each node lies in one topology key's domains. Immutable once built (any node change
/// rebuilds the whole cache), so cycles share it through an `Arc`.
#[derive(Debug)]
pub(crate) struct Domains {
    /// Per node index: the domain of the node's value for the key, a node without the key
    /// counting under the value `""` as the plugin's `unwrap_or_default` lookups do.
    pub(crate) domain_of: Vec<u32>,
    /// Per node index: whether the node has the key at all.
    pub(crate) has_key: Vec<bool>,
    /// Per domain: how many nodes lie in it (with or without the key).
    pub(crate) nodes_in: Vec<u32>,
    /// Per domain: how many of its nodes carry the key.
    pub(crate) keyed_nodes_in: Vec<u32>,
    /// Whether every node carries the key.
    pub(crate) all_have_key: bool,
}

impl Domains {
    /// Number of distinct values (plus `""` when some node lacks the key).
    pub(crate) fn len(&self) -> usize {
        self.nodes_in.len()
    }
}

#[derive(Clone, Debug)]
struct Topology {
    key: String,
    domains: Arc<Domains>,
}

/// The counts of one (namespace, selector).
#[derive(Clone, Debug)]
struct SelectorCounts {
    namespace: String,
    selector: LabelMatcher,
    /// Per group id: whether its pods are counted (same namespace, labels selected).
    selects: Vec<bool>,
    /// Per node index: selected, non-terminating pods on the node (`countPodsMatchSelector`;
    /// a node holds at most `limits::MAX_PODS`, far below `u32::MAX`).
    per_node: Vec<u32>,
    /// When it was last asked for (`SpreadCounts::clock`), for eviction.
    last_used: u64,
    /// Per tracked topology (by its position in `SpreadCounts::topologies`, `None` until first
    /// asked for): the sum of `per_node` over each domain's nodes.
    per_domain: Vec<Option<Vec<i64>>>,
}

/// The cache of one snapshot.
#[derive(Clone, Debug, Default)]
pub(crate) struct SpreadCounts {
    /// Off: every cycle recounts (what decision tests compare against).
    pub(crate) disabled: bool,
    topologies: Vec<Topology>,
    selectors: Vec<SelectorCounts>,
    /// Counts selector lookups.
    clock: u64,
}

impl SpreadCounts {
    /// Forgets everything (a node was added, updated or removed).
    pub(crate) fn clear(&mut self) {
        self.topologies.clear();
        self.selectors.clear();
    }

    /// A group was interned: record whether each tracked selector selects it.
    pub(crate) fn group_added(&mut self, key: &GroupKey) {
        for s in &mut self.selectors {
            s.selects
                .push(key.namespace == s.namespace && s.selector.matches(&key.labels));
        }
    }

    /// `count` pods of `group` were bound to (positive) or removed from (negative) node `index`.
    pub(crate) fn pods_changed(&mut self, index: usize, group: u32, terminating: bool, count: i64) {
        if terminating {
            return;
        }
        let topologies = &self.topologies;
        for s in &mut self.selectors {
            if !s.selects[group as usize] {
                continue;
            }
            s.per_node[index] = (i64::from(s.per_node[index]) + count) as u32;
            for (t, counts) in s.per_domain.iter_mut().enumerate() {
                if let Some(counts) = counts {
                    counts[topologies[t].domains.domain_of[index] as usize] += count;
                }
            }
        }
    }

    /// Called before a cycle asks for the ids of `constraints` constraints: starts over when
    /// they might not fit, so that no id handed out during the cycle goes stale.
    pub(crate) fn make_room(&mut self, constraints: usize) {
        if self.topologies.len() + constraints > MAX_TOPOLOGIES {
            self.clear();
        }
        // Keep the topologies (they depend on nodes only); drop the least recently used counts.
        while !self.selectors.is_empty() && self.selectors.len() + constraints > MAX_SELECTORS {
            let oldest = (0..self.selectors.len())
                .min_by_key(|&s| self.selectors[s].last_used)
                .unwrap_or(0);
            self.selectors.remove(oldest);
        }
    }

    /// The id of a topology key, building its domains if it is new.
    pub(crate) fn topology(&mut self, nodes: &[NodeInfo], key: &str) -> usize {
        if let Some(t) = self.topologies.iter().position(|t| t.key == key) {
            return t;
        }
        self.topologies.push(Topology {
            key: key.to_owned(),
            domains: Arc::new(build_domains(nodes, key)),
        });
        for s in &mut self.selectors {
            s.per_domain.push(None);
        }
        self.topologies.len() - 1
    }

    /// The domains of a topology id.
    pub(crate) fn domains(&self, topology: usize) -> Arc<Domains> {
        Arc::clone(&self.topologies[topology].domains)
    }

    /// The id of a (namespace, selector), counting its pods on every node if it is new.
    pub(crate) fn selector(
        &mut self,
        nodes: &[NodeInfo],
        groups: &[GroupKey],
        namespace: &str,
        selector: &LabelMatcher,
    ) -> usize {
        self.clock += 1;
        if let Some(s) = self
            .selectors
            .iter()
            .position(|s| s.namespace == namespace && s.selector == *selector)
        {
            self.selectors[s].last_used = self.clock;
            return s;
        }
        let selects: Vec<bool> = groups
            .iter()
            .map(|g| g.namespace == namespace && selector.matches(&g.labels))
            .collect();
        let per_node = nodes
            .iter()
            .map(|n| count_matching(n, &selects) as u32)
            .collect();
        self.selectors.push(SelectorCounts {
            namespace: namespace.to_owned(),
            selector: selector.clone(),
            selects,
            per_node,
            last_used: self.clock,
            per_domain: vec![None; self.topologies.len()],
        });
        self.selectors.len() - 1
    }

    /// Selected pods on each node, by node index.
    pub(crate) fn per_node(&self, selector: usize) -> &[u32] {
        &self.selectors[selector].per_node
    }

    /// Selected pods in each domain of a topology, by domain id.
    pub(crate) fn per_domain(&mut self, selector: usize, topology: usize) -> &[i64] {
        let domains = &self.topologies[topology].domains;
        let s = &mut self.selectors[selector];
        s.per_domain[topology].get_or_insert_with(|| {
            let mut counts = vec![0; domains.len()];
            for (index, &count) in s.per_node.iter().enumerate() {
                counts[domains.domain_of[index] as usize] += i64::from(count);
            }
            counts
        })
    }
}

/// Interns the values of `key` over the nodes, in node order.
fn build_domains(nodes: &[NodeInfo], key: &str) -> Domains {
    let mut ids: BTreeMap<&str, u32> = BTreeMap::new();
    let mut domains = Domains {
        domain_of: Vec::with_capacity(nodes.len()),
        has_key: Vec::with_capacity(nodes.len()),
        nodes_in: Vec::new(),
        keyed_nodes_in: Vec::new(),
        all_have_key: true,
    };
    for node in nodes {
        let value = node.spec.labels.get(key);
        let next = ids.len() as u32;
        let id = *ids
            .entry(value.map(String::as_str).unwrap_or(""))
            .or_insert(next);
        if id == next {
            domains.nodes_in.push(0);
            domains.keyed_nodes_in.push(0);
        }
        domains.domain_of.push(id);
        domains.has_key.push(value.is_some());
        domains.nodes_in[id as usize] += 1;
        if value.is_some() {
            domains.keyed_nodes_in[id as usize] += 1;
        } else {
            domains.all_have_key = false;
        }
    }
    domains
}

/// `countPodsMatchSelector`: pods in the pod's namespace, not terminating, selected — from the
/// node's pod groups (`selects` by group id).
pub(crate) fn count_matching(node: &NodeInfo, selects: &[bool]) -> i64 {
    node.groups
        .iter()
        .filter(|g| !g.terminating && selects.get(g.group as usize).copied().unwrap_or(false))
        .map(|g| g.count as i64)
        .sum()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::super::pod::BoundPod;
    use super::super::select::{LabelMatcher, Labels, Selector};
    use super::super::snapshot::{NodeSpec, Snapshot};
    use super::*;

    const ZONE: &str = "topology.kubernetes.io/zone";
    const HOSTNAME: &str = "kubernetes.io/hostname";

    fn selectors() -> Vec<(&'static str, LabelMatcher)> {
        let parse = |s: &str| LabelMatcher::Selector(Selector::parse(s).expect("valid"));
        vec![
            ("default", parse("app=a0")),
            ("default", parse("tier")),
            ("other", parse("app in (a0,a1)")),
            ("default", LabelMatcher::Nothing),
        ]
    }

    fn bound(group: usize, terminating: bool) -> BoundPod {
        let mut labels = Labels::new();
        labels.insert("app".into(), format!("a{}", group % 2));
        if group.is_multiple_of(3) {
            labels.insert("tier".into(), "web".into());
        }
        BoundPod {
            namespace: if group < 4 { "default" } else { "other" }.into(),
            labels,
            terminating,
            ..BoundPod::default()
        }
    }

    /// Asks for every selector's counts (creating them if new) and checks them against a count
    /// over every node's pods.
    fn check(snapshot: &Snapshot) -> Result<(), TestCaseError> {
        let mut cache = snapshot.spread.borrow_mut();
        let nodes = snapshot.nodes();
        for key in [ZONE, HOSTNAME] {
            cache.make_room(1);
            let t = cache.topology(nodes, key);
            let domains = cache.domains(t);
            for (namespace, selector) in selectors() {
                cache.make_room(1);
                let s = cache.selector(nodes, snapshot.group_keys(), namespace, &selector);
                let selects: Vec<bool> = snapshot
                    .group_keys()
                    .iter()
                    .map(|g| g.namespace == namespace && selector.matches(&g.labels))
                    .collect();
                let per_node: Vec<i64> =
                    nodes.iter().map(|n| count_matching(n, &selects)).collect();
                let kept: Vec<i64> = cache.per_node(s).iter().map(|&c| i64::from(c)).collect();
                prop_assert_eq!(&kept, &per_node);
                let mut by_value: BTreeMap<&str, i64> = BTreeMap::new();
                let mut by_domain: BTreeMap<&str, i64> = BTreeMap::new();
                let per_domain = cache.per_domain(s, t).to_vec();
                for (index, node) in nodes.iter().enumerate() {
                    let value = node.spec.labels.get(key).map_or("", String::as_str);
                    *by_value.entry(value).or_insert(0) += per_node[index];
                    by_domain.insert(value, per_domain[domains.domain_of[index] as usize]);
                    prop_assert_eq!(domains.has_key[index], node.spec.labels.contains_key(key));
                }
                prop_assert_eq!(by_domain, by_value);
            }
        }
        Ok(())
    }

    proptest! {
        /// The counts kept as pods bind and go equal a recount, whenever they are asked for.
        #[test]
        fn kept_counts_equal_a_recount_after_random_binds(
            zones in prop::collection::vec(prop::option::of(0..3u8), 1..10),
            ops in prop::collection::vec((0..10usize, 0..6usize, any::<bool>(), 0..4u8), 1..120),
        ) {
            let mut snapshot = Snapshot::new();
            for (i, zone) in zones.iter().enumerate() {
                let mut labels = Labels::new();
                labels.insert(HOSTNAME.into(), format!("n{i}"));
                if let Some(z) = zone {
                    labels.insert(ZONE.into(), format!("z{z}"));
                }
                snapshot
                    .add_node(NodeSpec { name: format!("n{i}"), labels, ..NodeSpec::default() })
                    .expect("unique");
            }
            let mut placed: Vec<(usize, BoundPod)> = Vec::new();
            for (step, (node, group, terminating, action)) in ops.into_iter().enumerate() {
                let node = node % zones.len();
                match action {
                    // Remove a placed pod.
                    0 if !placed.is_empty() => {
                        let (index, pod) = placed.swap_remove(step % placed.len());
                        snapshot.remove_pod(index, &pod).expect("placed");
                    }
                    // Move a node to another zone (the counts start over).
                    1 if step % 7 == 0 => {
                        let mut spec = snapshot.nodes()[node].spec.clone();
                        spec.labels.insert(ZONE.into(), format!("z{}", step % 4));
                        snapshot.update_node(spec).expect("exists");
                    }
                    _ => {
                        let pod = bound(group, terminating);
                        snapshot.add_pod(node, &pod).expect("exists");
                        placed.push((node, pod));
                    }
                }
                if step % 5 == 0 {
                    check(&snapshot)?;
                }
            }
            check(&snapshot)?;
        }
    }
}
