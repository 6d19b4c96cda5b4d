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

use std::sync::Arc;

use crate::cluster::api::TaintEffect;

use super::super::framework::{Code, Plugin, Reason, Rejection, MAX_NODE_SCORE};
use super::super::math::ln;
use super::super::pod::{PodToSchedule, SpreadConstraint, WhenUnsatisfiable};
use super::super::select::LabelMatcher;
use super::super::snapshot::{NodeInfo, Snapshot};
use super::super::spread_counts::{count_matching, Domains, SpreadCounts};

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

/// Whether [`included`] holds for every node of the snapshot without looking at any: the pod
/// requires no node affinity (or the constraint ignores it), and no node has a taint that the
/// constraint would honour.
fn includes_every_node(c: &SpreadConstraint, pod: &PodToSchedule, snapshot: &Snapshot) -> bool {
    (!c.honor_node_affinity || pod.required_affinity.is_empty())
        && (!c.honor_node_taints || !snapshot.any_hard_taint())
}

/// The topology of each constraint: its id in the snapshot's count cache and its domains.
fn topologies(
    snapshot: &Snapshot,
    counts: &mut SpreadCounts,
    constraints: &[SpreadConstraint],
) -> Vec<(usize, Arc<Domains>)> {
    counts.make_room(constraints.len());
    constraints
        .iter()
        .map(|c| {
            let t = counts.topology(snapshot.nodes(), &c.topology_key);
            (t, counts.domains(t))
        })
        .collect()
}

/// `nodeLabelsMatchSpreadConstraints`: the node at `index` has every constraint's key.
fn has_all_keys(topologies: &[(usize, Arc<Domains>)], index: usize) -> bool {
    topologies.iter().all(|(_, d)| d.has_key[index])
}

/// PreFilter state (filtering.go `preFilterState`), with domains by id.
#[derive(Clone, Debug, Default)]
pub struct FilterState {
    constraints: Vec<SpreadConstraint>,
    topologies: Vec<Arc<Domains>>,
    self_match: Vec<bool>,
    /// `TpValueToMatchNum`: per constraint, matching pods per domain id (0 for domains no
    /// qualifying node is in).
    tp_value_to_match_num: Vec<Vec<i64>>,
    /// Per constraint: how many domains qualifying nodes are in (the map's size in k8s).
    domains: Vec<usize>,
    min_match_num: Vec<i64>,
}

impl FilterState {
    /// No DoNotSchedule constraint: the filter passes every node.
    pub fn is_empty(&self) -> bool {
        self.constraints.is_empty()
    }
}

/// PreFilter `calPreFilterState`: matching pods per domain over the nodes that carry every
/// constraint's key and pass the inclusion policies. When those are all the nodes, the counts
/// kept as pods bind are exactly that sum; otherwise the nodes are recounted.
pub fn pre_filter(snapshot: &Snapshot, pod: &PodToSchedule) -> FilterState {
    let constraints = constraints_for(pod, WhenUnsatisfiable::DoNotSchedule);
    if constraints.is_empty() {
        return FilterState::default();
    }
    let mut cache = snapshot.spread.borrow_mut();
    let topologies = topologies(snapshot, &mut cache, &constraints);
    let every_node = !cache.disabled
        && topologies.iter().all(|(_, d)| d.all_have_key)
        && constraints
            .iter()
            .all(|c| includes_every_node(c, pod, snapshot));
    let mut counts: Vec<Vec<i64>> = Vec::with_capacity(constraints.len());
    let mut present: Vec<Vec<bool>> = Vec::with_capacity(constraints.len());
    if every_node {
        for (c, (t, domains)) in constraints.iter().zip(&topologies) {
            let s = cache.selector(
                snapshot.nodes(),
                snapshot.group_keys(),
                &pod.namespace,
                &c.selector,
            );
            counts.push(cache.per_domain(s, *t).to_vec());
            present.push(domains.keyed_nodes_in.iter().map(|&n| n > 0).collect());
        }
    } else {
        let group_matches: Vec<Vec<bool>> = constraints
            .iter()
            .map(|c| group_matches(snapshot, pod, &c.selector))
            .collect();
        for (_, domains) in &topologies {
            counts.push(vec![0; domains.len()]);
            present.push(vec![false; domains.len()]);
        }
        for (index, node) in snapshot.nodes().iter().enumerate() {
            if !has_all_keys(&topologies, index) {
                continue;
            }
            for (i, c) in constraints.iter().enumerate() {
                if !included(c, pod, node) {
                    continue;
                }
                let d = topologies[i].1.domain_of[index] as usize;
                present[i][d] = true;
                counts[i][d] += count_matching(node, &group_matches[i]);
            }
        }
    }
    drop(cache);
    // criticalPaths start at math.MaxInt32: with no domain at all nothing is skewed.
    let min_match_num = counts
        .iter()
        .zip(&present)
        .map(|(counts, present)| {
            counts
                .iter()
                .zip(present)
                .filter(|(_, &p)| p)
                .map(|(&n, _)| n)
                .min()
                .unwrap_or(i32::MAX as i64)
        })
        .collect();
    let domains = present
        .iter()
        .map(|p| p.iter().filter(|&&p| p).count())
        .collect();
    let self_match = constraints
        .iter()
        .map(|c| c.selector.matches(&pod.labels))
        .collect();
    FilterState {
        constraints,
        topologies: topologies.into_iter().map(|(_, d)| d).collect(),
        self_match,
        tp_value_to_match_num: counts,
        domains,
        min_match_num,
    }
}

/// Filter on the node at `index`.
pub fn filter(state: &FilterState, index: usize) -> Option<Rejection> {
    for (i, c) in state.constraints.iter().enumerate() {
        let topology = &state.topologies[i];
        if !topology.has_key[index] {
            return Some(Rejection {
                plugin: Plugin::PodTopologySpread,
                code: Code::UnschedulableAndUnresolvable,
                reason: Reason::SpreadMissingLabel,
            });
        }
        let self_match_num = i64::from(state.self_match[i]);
        // minMatchNum: a global minimum of 0 while domains < minDomains.
        let min_match_num = if (state.domains[i] as i64) < c.min_domains as i64 {
            0
        } else {
            state.min_match_num[i]
        };
        let match_num = state.tp_value_to_match_num[i][topology.domain_of[index] as usize];
        let skew = match_num + self_match_num - min_match_num;
        if skew > c.max_skew as i64 {
            return Some(Rejection {
                plugin: Plugin::PodTopologySpread,
                code: Code::Unschedulable,
                reason: Reason::SpreadSkew,
            });
        }
    }
    None
}

/// PreScore state (scoring.go `preScoreState`), with each feasible node's Score already taken.
#[derive(Clone, Debug)]
pub struct ScoreState {
    /// Per feasible node (by position): ignored because it lacks a required key.
    ignored: Vec<bool>,
    /// Per feasible node (by position): what Score returns.
    scores: Vec<i64>,
}

/// `topologyNormalizingWeight`: `ln(size + 2)`.
pub fn topology_normalizing_weight(size: usize) -> f64 {
    ln((size + 2) as f64)
}

/// PreScore and Score of the feasible nodes (node indices in evaluation order); `None` is Skip
/// (no soft constraints).
///
/// Domain counts cover every node that has the keys and passes the inclusion policies; when
/// those are all the nodes they are read from the counts kept as pods bind, otherwise every
/// node is recounted. Hostname constraints count the node's own pods in Score (kept per node
/// too). Either way a cycle costs O(feasible nodes) in the common case.
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
    let mut cache = snapshot.spread.borrow_mut();
    let topologies = topologies(snapshot, &mut cache, &constraints);
    let ignored: Vec<bool> = feasible
        .iter()
        .map(|&index| require_all && !has_all_keys(&topologies, index))
        .collect();
    let ignored_count = ignored.iter().filter(|&&x| x).count();
    // The domains of the scored nodes: a node without the key counts under "" here, as the
    // plugin's `GetNodeLabels()[key]` lookup does.
    let weights: Vec<f64> = constraints
        .iter()
        .zip(&topologies)
        .map(|(c, (_, domains))| {
            let size = if c.topology_key == LABEL_HOSTNAME {
                feasible.len() - ignored_count
            } else {
                let mut seen = vec![false; domains.len()];
                let mut size = 0;
                for (&index, &ignored) in feasible.iter().zip(&ignored) {
                    let d = domains.domain_of[index] as usize;
                    if !ignored && !seen[d] {
                        seen[d] = true;
                        size += 1;
                    }
                }
                size
            };
            topology_normalizing_weight(size)
        })
        .collect();
    let every_node_has_keys = !require_all || topologies.iter().all(|(_, d)| d.all_have_key);
    // Per constraint: the matching pods of each scored node (by position).
    let mut counts: Vec<Vec<i64>> = Vec::with_capacity(constraints.len());
    for (c, (t, domains)) in constraints.iter().zip(&topologies) {
        let hostname = c.topology_key == LABEL_HOSTNAME;
        let kept = !cache.disabled
            && (hostname || (every_node_has_keys && includes_every_node(c, pod, snapshot)));
        let per_position: Vec<i64> = if kept {
            let s = cache.selector(nodes, snapshot.group_keys(), &pod.namespace, &c.selector);
            if hostname {
                let per_node = cache.per_node(s);
                feasible
                    .iter()
                    .map(|&index| i64::from(per_node[index]))
                    .collect()
            } else {
                let per_domain = cache.per_domain(s, *t);
                feasible
                    .iter()
                    .map(|&index| per_domain[domains.domain_of[index] as usize])
                    .collect()
            }
        } else {
            let matches = group_matches(snapshot, pod, &c.selector);
            if hostname {
                feasible
                    .iter()
                    .map(|&index| count_matching(&nodes[index], &matches))
                    .collect()
            } else {
                let mut per_domain = vec![0; domains.len()];
                for (index, node) in nodes.iter().enumerate() {
                    if require_all && !has_all_keys(&topologies, index) {
                        continue;
                    }
                    if included(c, pod, node) {
                        per_domain[domains.domain_of[index] as usize] +=
                            count_matching(node, &matches);
                    }
                }
                feasible
                    .iter()
                    .map(|&index| per_domain[domains.domain_of[index] as usize])
                    .collect()
            }
        };
        counts.push(per_position);
    }
    drop(cache);
    // Score (scoring.go): per constraint whose key the node has, `scoreForCount`, summed in
    // float64 in constraint order and rounded.
    let scores = feasible
        .iter()
        .enumerate()
        .map(|(pos, &index)| {
            if ignored[pos] {
                return 0;
            }
            let mut score = 0.0;
            for (i, c) in constraints.iter().enumerate() {
                if topologies[i].1.has_key[index] {
                    score += score_for_count(counts[i][pos], c.max_skew, weights[i]);
                }
            }
            // math.Round: half away from zero, as f64::round.
            score.round() as i64
        })
        .collect();
    Some(ScoreState { ignored, scores })
}

/// `scoreForCount`.
pub fn score_for_count(count: i64, max_skew: i32, weight: f64) -> f64 {
    count as f64 * weight + (max_skew - 1) as f64
}

/// Score of the feasible node at position `pos` (taken in [`pre_score`]).
pub fn score(state: &ScoreState, pos: usize) -> i64 {
    state.scores[pos]
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
