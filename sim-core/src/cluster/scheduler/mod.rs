//! kube-scheduler as a pure, explainable library.
//!
//! One call to [`schedule`] is one scheduling cycle of the default profile
//! (pkg/scheduler/schedule_one.go `schedulePod`): PreFilter, Filter on nodes walked round-robin
//! from where the previous cycle stopped until `numFeasibleNodesToFind` feasible nodes are found
//! (stopping at a node's first rejection), PostFilter's message when none fits, PreScore, Score,
//! NormalizeScore, weights, and `selectHost`'s seeded tie-break. The [`Decision`] keeps, for
//! every node considered, each filter's verdict and reason and each score plugin's raw,
//! normalised and weighted score, so `explain-schedule` and the scheduler panel show exactly
//! what happened.
//!
//! The caller owns the [`Snapshot`] and updates it incrementally (`add_pod` after binding);
//! [`SchedulerState`] carries the round-robin start between cycles. Nothing here reads a clock
//! or an RNG other than the one passed in, and every score is an integer as in kube-scheduler
//! (the two float64 steps k8s takes — BalancedAllocation's deviation and ImageLocality's spread —
//! use only IEEE basic operations, identical on every platform).

mod cache;
pub mod convert;
pub mod framework;
pub mod math;
pub mod message;
pub mod plugins;
pub mod pod;
pub mod select;
pub mod snapshot;

use rand::Rng;

use framework::default_normalize_column;
pub use framework::{
    num_feasible_nodes_to_find, select_host, Code, Decision, FilterVerdict, NodeDecision, Plugin,
    PluginScore, Reason, Record, Rejection, SchedulerConfig, SchedulerState, Selected, Weights,
    MAX_NODE_SCORE,
};
pub use pod::{BoundPod, PodToSchedule, SpreadConstraint, WhenUnsatisfiable};
use snapshot::HotNode;
pub use snapshot::{NodeInfo, NodeSpec, Resources, Snapshot, SnapshotError};

use plugins::{
    image_locality, node_affinity, node_name, node_resources_balanced_allocation as balanced,
    node_resources_fit as fit, node_unschedulable, pod_topology_spread as spread, taint_toleration,
};

/// What a cycle computes once for the pod (CycleState).
struct Cycle<'a> {
    pod: &'a PodToSchedule,
    tolerates_unschedulable: bool,
    check_affinity: bool,
    spread_filter: spread::FilterState,
    /// No nodeName, no required affinity, no DoNotSchedule constraint: on a node that is not
    /// `guarded`, NodeResourcesFit is the only filter that can reject.
    fit_only: bool,
}

impl<'a> Cycle<'a> {
    fn new(snapshot: &Snapshot, pod: &'a PodToSchedule) -> Self {
        let check_affinity = !pod.required_affinity.is_empty();
        let spread_filter = spread::pre_filter(snapshot, pod);
        Cycle {
            pod,
            tolerates_unschedulable: node_unschedulable::tolerates_unschedulable(&pod.tolerations),
            check_affinity,
            fit_only: pod.node_name.is_none() && !check_affinity && spread_filter.is_empty(),
            spread_filter,
        }
    }

    fn run_filter(&self, plugin: Plugin, node: &NodeInfo) -> Option<Rejection> {
        match plugin {
            Plugin::NodeUnschedulable => {
                node_unschedulable::filter(self.tolerates_unschedulable, node)
            }
            Plugin::NodeName => node_name::filter(self.pod.node_name.as_deref(), node),
            Plugin::TaintToleration => taint_toleration::filter(&self.pod.tolerations, node),
            Plugin::NodeAffinity => node_affinity::filter(&self.pod.required_affinity, node),
            Plugin::NodeResourcesFit => fit::filter(self.pod.requests, node),
            Plugin::PodTopologySpread => spread::filter(&self.spread_filter, node),
            _ => None,
        }
    }

    /// `RunFilterPlugins`, recording each verdict: in profile order, stopping at the first
    /// rejection.
    fn filter_recorded(
        &self,
        node: &NodeInfo,
        record: &mut Vec<FilterVerdict>,
    ) -> Option<Rejection> {
        for plugin in Plugin::FILTERS {
            let rejection = self.run_filter(plugin, node);
            record.push(FilterVerdict {
                plugin,
                code: rejection.map(|x| x.code),
                reasons: rejection.map(|x| x.reason.texts(node)).unwrap_or_default(),
            });
            if rejection.is_some() {
                return rejection;
            }
        }
        None
    }

    /// The same verdict without the record, skipping filters this pod cannot fail
    /// (no nodeName, no required affinity, no DoNotSchedule constraint) and those the node
    /// cannot fail (not cordoned, no NoSchedule/NoExecute taint: `hot.guarded` is false). In the
    /// common case only NodeResourcesFit runs, on the packed [`HotNode`], and the `NodeInfo`
    /// itself is never read.
    fn filter(&self, node: &NodeInfo, hot: &HotNode) -> Option<Rejection> {
        if hot.guarded && node.spec.unschedulable {
            if let Some(r) = node_unschedulable::filter(self.tolerates_unschedulable, node) {
                return Some(r);
            }
        }
        if self.pod.node_name.is_some() {
            if let Some(r) = node_name::filter(self.pod.node_name.as_deref(), node) {
                return Some(r);
            }
        }
        if hot.guarded {
            if let Some(r) = taint_toleration::filter(&self.pod.tolerations, node) {
                return Some(r);
            }
        }
        if self.check_affinity {
            if let Some(r) = node_affinity::filter(&self.pod.required_affinity, node) {
                return Some(r);
            }
        }
        if let Some(r) = fit::filter_hot(self.pod.requests, hot) {
            return Some(r);
        }
        if !self.spread_filter.is_empty() {
            return spread::filter(&self.spread_filter, node);
        }
        None
    }
}

/// Column of each score plugin in a score row, in `Plugin::SCORES` order.
const SCORE_COLUMNS: usize = Plugin::SCORES.len();

/// What scoring leaves besides the normalised rows (which go to `Scratch::rows`).
struct ScoreTable {
    skipped: [bool; SCORE_COLUMNS],
    /// Raw scores, one row per feasible node ([`Record::Full`] only).
    raw: Vec<[i64; SCORE_COLUMNS]>,
}

/// PreScore, Score and NormalizeScore of every score plugin on the feasible nodes
/// (`memo.scratch.feasible`), one pass over the nodes for the Score step, and the weighted
/// totals (`memo.scratch.totals`). The normalised rows are left in `memo.scratch.rows`, except
/// on the fused path.
///
/// The fused path: when only the memoised columns score (no preferred affinity, no spreading)
/// and nothing is recorded, TaintToleration is the one column NormalizeScore changes, so each
/// node keeps just its raw taint count and the weighted sum of the other columns, and one more
/// pass adds the normalised taint score. Same integers, same sums, without the six-column table.
fn score_nodes(
    snapshot: &Snapshot,
    pod: &PodToSchedule,
    memo: &mut cache::ScoreCache,
    weights: &Weights,
    keep_raw: bool,
) -> ScoreTable {
    let nodes = snapshot.nodes();
    let hot = &snapshot.hot;
    // PreScore of each plugin.
    let prefer_tolerations = taint_toleration::prefer_no_schedule_tolerations(&pod.tolerations);
    let affinity_skip = pod.preferred_affinity.is_empty();
    let spread_state = spread::pre_score(snapshot, pod, &memo.scratch.feasible);
    let balanced_skip = balanced::is_best_effort(pod.requests);
    let image_ids: Vec<Option<(u32, u32)>> = pod
        .images
        .iter()
        .map(|name| {
            snapshot
                .image_id(&image_locality::normalized_image_name(name))
                .map(|id| (id, snapshot.image_num_nodes(id)))
        })
        .collect();
    let image_mask = image_ids
        .iter()
        .flatten()
        .fold(0, |m, (id, _)| m | snapshot::image_bit(*id));
    let skipped = [
        false,
        affinity_skip,
        false,
        spread_state.is_none(),
        balanced_skip,
        false,
    ];
    // Score, with the pod-independent columns memoised per node (see `cache.rs`).
    let key = cache::ClassKey {
        requests: pod.requests,
        non_zero_requests: pod.non_zero_requests,
        images: image_ids,
        prefer_tolerations,
    };
    let class = memo.class(snapshot.epoch, nodes.len(), key);
    let cache::ScoreCache {
        classes,
        entries,
        scratch,
        ..
    } = memo;
    let key = &classes[class as usize];
    let weights: [i64; SCORE_COLUMNS] = Plugin::SCORES.map(|p| weights.of(p));
    // A skipped plugin contributes nothing (its weight counts as 0 in the sum).
    let effective: [i64; SCORE_COLUMNS] =
        std::array::from_fn(|c| if skipped[c] { 0 } else { weights[c] });
    let fused = !keep_raw && affinity_skip && spread_state.is_none();
    let cache::Scratch {
        feasible,
        rows,
        totals,
        taints,
    } = scratch;
    rows.clear();
    totals.clear();
    taints.clear();
    let mut max_taint = 0;
    for (pos, &i) in feasible.iter().enumerate() {
        let entry = &mut entries[i];
        // The node's generation from its packed record: a hit reads nothing else of the node.
        let generation = hot[i].generation;
        if !(entry.valid && entry.generation == generation && entry.class == class) {
            let node = &nodes[i];
            *entry = cache::Entry {
                valid: true,
                generation,
                class,
                scores: [
                    taint_toleration::score(&key.prefer_tolerations, node),
                    fit::score(pod.non_zero_requests, node),
                    if balanced_skip {
                        0
                    } else {
                        balanced::score(pod.requests, node)
                    },
                    image_locality::score_masked(&key.images, image_mask, nodes.len(), node),
                ]
                .map(|score| score as i32),
            };
        }
        let [taint, fit_score, balanced_score, image] = entry.scores.map(i64::from);
        if fused {
            max_taint = max_taint.max(taint);
            taints.push(taint);
            totals.push(
                fit_score * effective[2] + balanced_score * effective[4] + image * effective[5],
            );
            continue;
        }
        rows.push([
            taint,
            if affinity_skip {
                0
            } else {
                node_affinity::score(&pod.preferred_affinity, &nodes[i])
            },
            fit_score,
            match &spread_state {
                Some(state) => spread::score(state, &nodes[i], pos),
                None => 0,
            },
            balanced_score,
            image,
        ]);
    }
    if fused {
        // TaintToleration's NormalizeScore, `DefaultNormalizeScore(MaxNodeScore, true, …)`,
        // exactly as `default_normalize_column` computes it.
        for (total, &taint) in totals.iter_mut().zip(taints.iter()) {
            let normalized = if max_taint <= 0 || taint == 0 {
                MAX_NODE_SCORE
            } else {
                MAX_NODE_SCORE - MAX_NODE_SCORE * taint / max_taint
            };
            *total += normalized * effective[0];
        }
        return ScoreTable {
            skipped,
            raw: Vec::new(),
        };
    }
    let raw = if keep_raw { rows.clone() } else { Vec::new() };
    // NormalizeScore (NodeResourcesFit, BalancedAllocation and ImageLocality have none).
    default_normalize_column(MAX_NODE_SCORE, true, rows, 0);
    if !affinity_skip {
        default_normalize_column(MAX_NODE_SCORE, false, rows, 1);
    }
    if let Some(state) = &spread_state {
        spread::normalize_column(state, rows, 3);
    }
    totals.extend(
        rows.iter()
            .map(|row| row.iter().zip(effective).map(|(s, w)| s * w).sum::<i64>()),
    );
    ScoreTable { skipped, raw }
}

/// One scheduling cycle for `pod` against `snapshot`.
///
/// Updates `state.next_start_node_index` as kube-scheduler does; draws from `rng` only to break
/// ties among the best totals. The snapshot is not changed: bind the pod with
/// [`Snapshot::add_pod`] at `decision.selected.index` (using [`PodToSchedule::as_bound`]).
pub fn schedule<R: Rng + ?Sized>(
    snapshot: &Snapshot,
    pod: &PodToSchedule,
    config: &SchedulerConfig,
    state: &mut SchedulerState,
    rng: &mut R,
) -> Decision {
    let nodes = snapshot.nodes();
    let n = nodes.len();
    let full = config.record == Record::Full;
    let pod_ref = if pod.namespace.is_empty() {
        pod.name.clone()
    } else {
        format!("{}/{}", pod.namespace, pod.name)
    };
    let start = if n == 0 {
        0
    } else {
        state.next_start_node_index % n
    };
    let to_find = num_feasible_nodes_to_find(config.percentage_of_nodes_to_score, n as u32);
    let mut decision = Decision {
        pod: pod_ref,
        all_nodes: n as u32,
        nodes_to_find: to_find,
        start_index: start,
        evaluated: 0,
        feasible: 0,
        nodes: Vec::new(),
        not_considered: Vec::new(),
        not_considered_count: 0,
        selected: None,
        message: None,
    };
    if n == 0 {
        // schedule_one.go: ErrNoNodesAvailable.
        decision.message = Some("no nodes available to schedule pods".to_owned());
        return decision;
    }

    let cycle = Cycle::new(snapshot, pod);
    // The snapshot's reusable buffers and score memo, held for the whole cycle.
    let mut memo = snapshot.cache.borrow_mut();
    let mut feasible = std::mem::take(&mut memo.scratch.feasible);
    feasible.clear();
    // findNodesThatPassFilters, sequentially: the walk starts at nextStartNodeIndex and stops as
    // soon as `to_find` feasible nodes are found.
    let mut rejected: Vec<(usize, Rejection)> = Vec::new();
    let walk = snapshot.walk_order();
    let hot = &snapshot.hot;
    let mut processed = 0;
    let mut k = start;
    while processed < n {
        let index = walk[k] as usize;
        let node = &nodes[index];
        processed += 1;
        let rejection = if full {
            let mut verdicts = Vec::with_capacity(Plugin::FILTERS.len());
            let rejection = cycle.filter_recorded(node, &mut verdicts);
            decision.nodes.push(NodeDecision {
                node: node.spec.name.clone(),
                filters: verdicts,
                scores: Vec::new(),
                total: None,
            });
            rejection
        } else if cycle.fit_only && !hot[index].guarded {
            // The common case, inline: the walk reads only the node's packed record.
            fit::filter_hot(pod.requests, &hot[index])
        } else {
            cycle.filter(node, &hot[index])
        };
        match rejection {
            None => {
                feasible.push(index);
                if feasible.len() as u32 >= to_find {
                    break;
                }
            }
            Some(r) => rejected.push((index, r)),
        }
        k += 1;
        if k == n {
            k = 0;
        }
    }
    state.next_start_node_index = (start + processed) % n;
    decision.evaluated = processed as u32;
    decision.feasible = feasible.len() as u32;
    decision.not_considered_count = (n - processed) as u32;
    if full {
        decision.not_considered = (processed..n)
            .map(|k| nodes[walk[(start + k) % n] as usize].spec.name.clone())
            .collect();
    }

    if feasible.len() <= 1 {
        match feasible.first() {
            None => {
                decision.message = Some(message::unschedulable_message(snapshot, pod, &rejected))
            }
            // "When only one node after predicate, just use it": no scoring, no RNG draw.
            Some(&index) => {
                decision.selected = Some(Selected {
                    index,
                    node: nodes[index].spec.name.clone(),
                    total: None,
                    tied: 1,
                })
            }
        }
        memo.scratch.feasible = feasible;
        return decision;
    }

    memo.scratch.feasible = feasible;
    let table = score_nodes(snapshot, pod, &mut memo, &config.weights, full);
    let weights: [i64; SCORE_COLUMNS] = Plugin::SCORES.map(|p| config.weights.of(p));
    let cache::Scratch {
        feasible,
        rows,
        totals,
        ..
    } = &mut memo.scratch;
    if full {
        // Feasible nodes are the records without a rejection, in the same order.
        let mut pos = 0;
        for record in decision.nodes.iter_mut() {
            if !record.feasible() {
                continue;
            }
            record.scores = Plugin::SCORES
                .iter()
                .enumerate()
                .map(|(c, &plugin)| {
                    let skipped = table.skipped[c];
                    let (raw, normalized) = if skipped {
                        (0, 0)
                    } else {
                        (table.raw[pos][c], rows[pos][c])
                    };
                    PluginScore {
                        plugin,
                        skipped,
                        raw,
                        normalized,
                        weight: weights[c],
                        weighted: normalized * weights[c],
                    }
                })
                .collect();
            record.total = Some(totals[pos]);
            pos += 1;
        }
    }
    if let Some((pos, tied)) = select_host(totals, rng) {
        let index = feasible[pos];
        decision.selected = Some(Selected {
            index,
            node: nodes[index].spec.name.clone(),
            total: Some(totals[pos]),
            tied,
        });
    }
    decision
}
