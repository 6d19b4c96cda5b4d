//! PodTopologySpread (plugins/podtopologyspread/: plugin.go, common.go, filtering.go,
//! scoring.go).
//!
//! PreFilter counts, for each DoNotSchedule constraint, the matching pods in every domain
//! (node label value) over all nodes that carry every constraint's key and pass the node
//! inclusion policies (nodeAffinityPolicy Honor, nodeTaintsPolicy Ignore by default). Filter:
//! a node without the key is `… (missing required label)` (unresolvable); otherwise
//! `matchNum + selfMatch − globalMin > maxSkew` rejects with
//! `node(s) didn't match pod topology spread constraints`, the global minimum being 0 while
//! there are fewer domains than `minDomains`.
//!
//! Score for ScheduleAnyway constraints — the pod's own, or the system defaults
//! (`kubernetes.io/hostname` maxSkew 3, `topology.kubernetes.io/zone` maxSkew 5) with the
//! selector of the pod's owners when it has none: per constraint
//! `count × ln(domains + 2) + (maxSkew − 1)`, summed and rounded; NormalizeScore maps it to
//! `100 × (max + min − s) / max` so fewer matching pods score higher.

use std::collections::BTreeMap;

use crate::cluster::api::TaintEffect;

use super::super::framework::{Code, Plugin, Reason, Rejection, MAX_NODE_SCORE};
use super::super::math::ln;
use super::super::pod::{PodToSchedule, SpreadConstraint, WhenUnsatisfiable};
use super::super::select::LabelMatcher;
use super::super::snapshot::{NodeInfo, Snapshot};

/// `v1.LabelHostname`.
pub const LABEL_HOSTNAME: &str = "kubernetes.io/hostname";
/// `v1.LabelTopologyZone`.
pub const LABEL_TOPOLOGY_ZONE: &str = "topology.kubernetes.io/zone";

/// `systemDefaultConstraints` (plugin.go) with the owners' selector.
pub fn system_default_constraints(selector: &LabelMatcher) -> Vec<SpreadConstraint> {
    [(LABEL_HOSTNAME, 3), (LABEL_TOPOLOGY_ZONE, 5)]
        .into_iter()
        .map(|(key, max_skew)| SpreadConstraint {
            max_skew,
            topology_key: key.to_owned(),
            when_unsatisfiable: WhenUnsatisfiable::ScheduleAnyway,
            selector: selector.clone(),
            min_domains: 1,
            honor_node_affinity: true,
            honor_node_taints: false,
        })
        .collect()
}

/// The constraints of one kind the cycle uses: the pod's own of that kind, or — when the pod has
/// none at all — the system defaults of that kind if its owners give a non-empty selector
/// (common.go `buildDefaultConstraints`).
pub fn constraints_for(pod: &PodToSchedule, action: WhenUnsatisfiable) -> Vec<SpreadConstraint> {
    if !pod.spread_constraints.is_empty() {
        return pod
            .spread_constraints
            .iter()
            .filter(|c| c.when_unsatisfiable == action)
            .cloned()
            .collect();
    }
    match &pod.default_spread_selector {
        Some(sel) if !sel.is_empty() => system_default_constraints(sel)
            .into_iter()
            .filter(|c| c.when_unsatisfiable == action)
            .collect(),
        _ => Vec::new(),
    }
}

/// Per group id: is a pod of that group counted (same namespace, selector matches)?
fn group_matches(snapshot: &Snapshot, pod: &PodToSchedule, selector: &LabelMatcher) -> Vec<bool> {
    (0..snapshot.group_count() as u32)
        .map(|g| {
            let key = snapshot.group_key(g);
            key.namespace == pod.namespace && selector.matches(&key.labels)
        })
        .collect()
}

/// `countPodsMatchSelector`: pods in the pod's namespace, not terminating, selected.
fn count_matching(node: &NodeInfo, matches: &[bool]) -> i64 {
    node.groups
        .iter()
        .filter(|g| !g.terminating && matches.get(g.group as usize).copied().unwrap_or(false))
        .map(|g| g.count as i64)
        .sum()
}

/// `nodeLabelsMatchSpreadConstraints`: the node has every constraint's key.
fn has_all_keys(node: &NodeInfo, constraints: &[SpreadConstraint]) -> bool {
    constraints
        .iter()
        .all(|c| node.spec.labels.contains_key(&c.topology_key))
}

/// `matchNodeInclusionPolicies` (common.go).
fn included(c: &SpreadConstraint, pod: &PodToSchedule, node: &NodeInfo) -> bool {
    if c.honor_node_affinity
        && !pod
            .required_affinity
            .matches(&node.spec.name, &node.spec.labels)
    {
        return false;
    }
    if c.honor_node_taints
        && node.spec.taints.iter().any(|taint| {
            matches!(
                taint.effect,
                TaintEffect::NoSchedule | TaintEffect::NoExecute
            ) && !pod.tolerations.iter().any(|t| t.tolerates(taint))
        })
    {
        return false;
    }
    true
}

/// PreFilter state (filtering.go `preFilterState`).
#[derive(Clone, Debug, Default)]
pub struct FilterState {
    constraints: Vec<SpreadConstraint>,
    group_matches: Vec<Vec<bool>>,
    self_match: Vec<bool>,
    tp_value_to_match_num: Vec<BTreeMap<String, i64>>,
    min_match_num: Vec<i64>,
}

impl FilterState {
    /// No DoNotSchedule constraint: the filter passes every node.
    pub fn is_empty(&self) -> bool {
        self.constraints.is_empty()
    }
}

/// PreFilter `calPreFilterState`.
pub fn pre_filter(snapshot: &Snapshot, pod: &PodToSchedule) -> FilterState {
    let constraints = constraints_for(pod, WhenUnsatisfiable::DoNotSchedule);
    if constraints.is_empty() {
        return FilterState::default();
    }
    let group_matches: Vec<Vec<bool>> = constraints
        .iter()
        .map(|c| group_matches(snapshot, pod, &c.selector))
        .collect();
    let mut counts = vec![BTreeMap::<String, i64>::new(); constraints.len()];
    for node in snapshot.nodes() {
        if !has_all_keys(node, &constraints) {
            continue;
        }
        for (i, c) in constraints.iter().enumerate() {
            if !included(c, pod, node) {
                continue;
            }
            let value = node
                .spec
                .labels
                .get(&c.topology_key)
                .cloned()
                .unwrap_or_default();
            *counts[i].entry(value).or_insert(0) += count_matching(node, &group_matches[i]);
        }
    }
    // criticalPaths start at math.MaxInt32: with no domain at all nothing is skewed.
    let min_match_num = counts
        .iter()
        .map(|m| m.values().copied().min().unwrap_or(i32::MAX as i64))
        .collect();
    let self_match = constraints
        .iter()
        .map(|c| c.selector.matches(&pod.labels))
        .collect();
    FilterState {
        constraints,
        group_matches,
        self_match,
        tp_value_to_match_num: counts,
        min_match_num,
    }
}

/// Filter.
pub fn filter(state: &FilterState, node: &NodeInfo) -> Option<Rejection> {
    for (i, c) in state.constraints.iter().enumerate() {
        let Some(value) = node.spec.labels.get(&c.topology_key) else {
            return Some(Rejection {
                plugin: Plugin::PodTopologySpread,
                code: Code::UnschedulableAndUnresolvable,
                reason: Reason::SpreadMissingLabel,
            });
        };
        let self_match_num = i64::from(state.self_match[i]);
        let domains = state.tp_value_to_match_num[i].len();
        // minMatchNum: a global minimum of 0 while domains < minDomains.
        let min_match_num = if (domains as i64) < c.min_domains as i64 {
            0
        } else {
            state.min_match_num[i]
        };
        let match_num = state.tp_value_to_match_num[i]
            .get(value)
            .copied()
            .unwrap_or(0);
        let skew = match_num + self_match_num - min_match_num;
        if skew > c.max_skew as i64 {
            return Some(Rejection {
                plugin: Plugin::PodTopologySpread,
                code: Code::Unschedulable,
                reason: Reason::SpreadSkew,
            });
        }
    }
    let _ = &state.group_matches;
    None
}

/// PreScore state (scoring.go `preScoreState`).
#[derive(Clone, Debug)]
pub struct ScoreState {
    constraints: Vec<SpreadConstraint>,
    group_matches: Vec<Vec<bool>>,
    /// Per feasible node (by position): ignored because it lacks a required key.
    ignored: Vec<bool>,
    topology_value_to_pod_counts: Vec<BTreeMap<String, i64>>,
    topology_normalizing_weight: Vec<f64>,
}

/// `topologyNormalizingWeight`: `ln(size + 2)`.
pub fn topology_normalizing_weight(size: usize) -> f64 {
    ln((size + 2) as f64)
}

/// PreScore; `None` is Skip (no soft constraints).
pub fn pre_score(
    snapshot: &Snapshot,
    pod: &PodToSchedule,
    feasible: &[usize],
) -> Option<ScoreState> {
    if snapshot.nodes().is_empty() {
        return None;
    }
    let constraints = constraints_for(pod, WhenUnsatisfiable::ScheduleAnyway);
    if constraints.is_empty() {
        return None;
    }
    // Only the pod's own constraints require every key; the system defaults let nodes without a
    // zone label still spread by hostname.
    let require_all = !pod.spread_constraints.is_empty();
    let nodes = snapshot.nodes();
    let mut ignored = vec![false; feasible.len()];
    let mut counts = vec![BTreeMap::<String, i64>::new(); constraints.len()];
    let mut topo_size = vec![0usize; constraints.len()];
    for (pos, &index) in feasible.iter().enumerate() {
        let node = &nodes[index];
        if require_all && !has_all_keys(node, &constraints) {
            ignored[pos] = true;
            continue;
        }
        for (i, c) in constraints.iter().enumerate() {
            if c.topology_key == LABEL_HOSTNAME {
                continue;
            }
            let value = node
                .spec
                .labels
                .get(&c.topology_key)
                .cloned()
                .unwrap_or_default();
            if let std::collections::btree_map::Entry::Vacant(e) = counts[i].entry(value) {
                e.insert(0);
                topo_size[i] += 1;
            }
        }
    }
    let ignored_count = ignored.iter().filter(|&&x| x).count();
    let weights = constraints
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let size = if c.topology_key == LABEL_HOSTNAME {
                feasible.len() - ignored_count
            } else {
                topo_size[i]
            };
            topology_normalizing_weight(size)
        })
        .collect();
    let group_matches: Vec<Vec<bool>> = constraints
        .iter()
        .map(|c| group_matches(snapshot, pod, &c.selector))
        .collect();
    if counts.iter().any(|m| !m.is_empty()) {
        for node in nodes {
            if require_all && !has_all_keys(node, &constraints) {
                continue;
            }
            for (i, c) in constraints.iter().enumerate() {
                // Hostname counts are taken per node in Score; their map stays empty.
                if counts[i].is_empty() || !included(c, pod, node) {
                    continue;
                }
                let value = node
                    .spec
                    .labels
                    .get(&c.topology_key)
                    .map(String::as_str)
                    .unwrap_or("");
                if let Some(count) = counts[i].get_mut(value) {
                    *count += count_matching(node, &group_matches[i]);
                }
            }
        }
    }
    Some(ScoreState {
        constraints,
        group_matches,
        ignored,
        topology_value_to_pod_counts: counts,
        topology_normalizing_weight: weights,
    })
}

/// `scoreForCount`.
pub fn score_for_count(count: i64, max_skew: i32, weight: f64) -> f64 {
    count as f64 * weight + (max_skew - 1) as f64
}

/// Score of the feasible node at position `pos`.
pub fn score(state: &ScoreState, node: &NodeInfo, pos: usize) -> i64 {
    if state.ignored[pos] {
        return 0;
    }
    let mut score = 0.0;
    for (i, c) in state.constraints.iter().enumerate() {
        if let Some(value) = node.spec.labels.get(&c.topology_key) {
            let count = if c.topology_key == LABEL_HOSTNAME {
                count_matching(node, &state.group_matches[i])
            } else {
                state.topology_value_to_pod_counts[i]
                    .get(value)
                    .copied()
                    .unwrap_or(0)
            };
            score += score_for_count(count, c.max_skew, state.topology_normalizing_weight[i]);
        }
    }
    // math.Round: half away from zero, as f64::round.
    score.round() as i64
}

/// NormalizeScore; ignored nodes get 0.
pub fn normalize(state: &ScoreState, scores: &mut [i64]) {
    let (rows, _) = scores.as_chunks_mut::<1>();
    normalize_column(state, rows, 0);
}

/// NormalizeScore on one column of a score table (rows in feasible-node order).
pub fn normalize_column<const N: usize>(state: &ScoreState, rows: &mut [[i64; N]], column: usize) {
    let mut min_score = i64::MAX;
    let mut max_score = 0;
    for (pos, r) in rows.iter().enumerate() {
        if state.ignored[pos] {
            continue;
        }
        min_score = min_score.min(r[column]);
        max_score = max_score.max(r[column]);
    }
    for (pos, r) in rows.iter_mut().enumerate() {
        let s = &mut r[column];
        if state.ignored[pos] {
            *s = 0;
        } else if max_score == 0 {
            *s = MAX_NODE_SCORE;
        } else {
            *s = MAX_NODE_SCORE * (max_score + min_score - *s) / max_score;
        }
    }
}
