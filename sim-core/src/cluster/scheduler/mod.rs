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

#[cfg(feature = "bench-workload")]
pub mod bench_workload;
mod cache;
pub mod convert;
pub mod framework;
pub mod math;
pub mod message;
pub mod plugins;
pub mod pod;
pub mod select;
pub mod snapshot;
mod spread_counts;

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

    fn run_filter(&self, plugin: Plugin, index: usize, node: &NodeInfo) -> Option<Rejection> {
        match plugin {
            Plugin::NodeUnschedulable => {
                node_unschedulable::filter(self.tolerates_unschedulable, node)
            }
            Plugin::NodeName => node_name::filter(self.pod.node_name.as_deref(), node),
            Plugin::TaintToleration => taint_toleration::filter(&self.pod.tolerations, node),
            Plugin::NodeAffinity => node_affinity::filter(&self.pod.required_affinity, node),
            Plugin::NodeResourcesFit => fit::filter(self.pod.requests, node),
            Plugin::PodTopologySpread => spread::filter(&self.spread_filter, index),
            _ => None,
        }
    }

    /// `RunFilterPlugins`, recording each verdict: in profile order, stopping at the first
    /// rejection.
    fn filter_recorded(
        &self,
        index: usize,
        node: &NodeInfo,
        record: &mut Vec<FilterVerdict>,
    ) -> Option<Rejection> {
        for plugin in Plugin::FILTERS {
            let rejection = self.run_filter(plugin, index, node);
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
    fn filter(&self, index: usize, node: &NodeInfo, hot: &HotNode) -> Option<Rejection> {
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
            return spread::filter(&self.spread_filter, index);
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

/// The pod's scoring class in the memo (see `cache.rs`): PreScore of TaintToleration
/// (`getAllTolerationPreferNoSchedule`) and ImageLocality (the pod's images as interned ids with
/// the number of nodes holding each), done once per class rather than once per cycle.
fn score_class(
    snapshot: &Snapshot,
    pod: &PodToSchedule,
    config_weights: &Weights,
    memo: &mut cache::ScoreCache,
) -> u32 {
    let n = snapshot.nodes().len();
    let weights = [
        config_weights.node_resources_fit,
        // PreScore skips BalancedAllocation for best-effort pods: it adds nothing.
        if balanced::is_best_effort(pod.requests) {
            0
        } else {
            config_weights.balanced_allocation
        },
        config_weights.image_locality,
        config_weights.taint_toleration,
    ];
    if let Some(class) = memo.class_of_last(snapshot.epoch, n, pod, weights) {
        return class;
    }
    let images = pod
        .images
        .iter()
        .map(|name| {
            snapshot
                .image_id(&image_locality::normalized_image_name(name))
                .map(|id| (id, snapshot.image_num_nodes(id)))
        })
        .collect();
    let key = cache::ClassKey {
        requests: pod.requests,
        non_zero_requests: pod.non_zero_requests,
        images,
        prefer_tolerations: taint_toleration::prefer_no_schedule_tolerations(&pod.tolerations),
        weights,
    };
    let class = memo.class(snapshot.epoch, n, key);
    memo.remember(pod, weights, class);
    class
}

/// Scores the memoised columns of one class: TaintToleration's raw count, NodeResourcesFit,
/// BalancedAllocation and ImageLocality, none of which depends on other nodes.
struct ClassScorer<'a> {
    pod: &'a PodToSchedule,
    nodes: &'a [NodeInfo],
    key: &'a cache::ClassKey,
    class: u32,
    image_mask: u64,
    balanced_skip: bool,
}

impl<'a> ClassScorer<'a> {
    fn new(
        snapshot: &'a Snapshot,
        pod: &'a PodToSchedule,
        key: &'a cache::ClassKey,
        class: u32,
    ) -> Self {
        ClassScorer {
            pod,
            nodes: snapshot.nodes(),
            key,
            class,
            image_mask: key
                .images
                .iter()
                .flatten()
                .fold(0, |m, (id, _)| m | snapshot::image_bit(*id)),
            // PreScore skips best-effort pods.
            balanced_skip: balanced::is_best_effort(pod.requests),
        }
    }

    /// The raw scores of node `index`, from its memo `entry` when that holds this class at the
    /// node's `generation` (a hit reads nothing of the node itself).
    #[inline(always)]
    fn entry<'e>(
        &self,
        entry: &'e mut cache::Entry,
        generation: u64,
        index: usize,
    ) -> &'e cache::Entry {
        if !(entry.class == self.class && entry.generation == generation) {
            self.fill(entry, generation, index);
        }
        entry
    }

    /// [`ClassScorer::entry`]'s raw scores.
    #[inline(always)]
    fn scores(&self, entry: &mut cache::Entry, generation: u64, index: usize) -> [i64; 4] {
        self.entry(entry, generation, index).scores.map(i64::from)
    }

    /// A memo miss: the node changed (one per cycle, the node that took the last pod) or the
    /// class is new.
    #[cold]
    #[inline(never)]
    fn fill(&self, entry: &mut cache::Entry, generation: u64, index: usize) {
        let node = &self.nodes[index];
        let scores = [
            taint_toleration::score(&self.key.prefer_tolerations, node),
            fit::score(self.pod.non_zero_requests, node),
            if self.balanced_skip {
                0
            } else {
                balanced::score(self.pod.requests, node)
            },
            image_locality::score_masked(&self.key.images, self.image_mask, self.nodes.len(), node),
        ]
        .map(|score| score as i32);
        let [_, fit_score, balanced_score, image] = scores.map(i64::from);
        let [fit_weight, balanced_weight, image_weight, taint_weight] = self.key.weights;
        *entry = cache::Entry {
            generation,
            total: fit_score * fit_weight
                + balanced_score * balanced_weight
                + image * image_weight
                + MAX_NODE_SCORE * taint_weight,
            class: self.class,
            scores,
        };
    }
}

/// Whether a cycle can score while it filters ([`Record::Outcome`], no preferred affinity, no
/// spreading): then only the memoised columns score and TaintToleration is the one column
/// NormalizeScore changes. Each feasible node's total is taken as the walk finds it, counting
/// the normalised taint score as 100 (what a node without PreferNoSchedule taints gets); the
/// few tainted nodes are remembered and corrected once the highest count is known. Same
/// integers, same sums, without the six-column table or a second pass over the nodes.
fn scores_while_filtering(pod: &PodToSchedule, full: bool) -> bool {
    !full
        && pod.preferred_affinity.is_empty()
        && spread::constraints_for(pod, WhenUnsatisfiable::ScheduleAnyway).is_empty()
}

/// TaintToleration's NormalizeScore, `DefaultNormalizeScore(MaxNodeScore, true, …)`, exactly as
/// `default_normalize_column` computes it: `100 − 100 × taint / max_taint`, and 100 when the
/// node has no untolerated PreferNoSchedule taint or no node has one. The totals already hold
/// `100 × weight`; the nodes with taints (position, raw count) get the difference.
fn correct_normalized_taints(
    totals: &mut [i64],
    tainted: &[(u32, i64)],
    max_taint: i64,
    weight: i64,
) {
    if max_taint <= 0 {
        return;
    }
    for &(pos, taint) in tainted {
        totals[pos as usize] -= MAX_NODE_SCORE * taint / max_taint * weight;
    }
}

/// PreScore, Score and NormalizeScore of every score plugin on the feasible nodes
/// (`memo.scratch.feasible`), one pass over the nodes for the Score step, and the weighted
/// totals (`memo.scratch.totals`). The normalised rows are left in `memo.scratch.rows`.
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
    let affinity_skip = pod.preferred_affinity.is_empty();
    let spread_state = spread::pre_score(snapshot, pod, &memo.scratch.feasible);
    let balanced_skip = balanced::is_best_effort(pod.requests);
    let skipped = [
        false,
        affinity_skip,
        false,
        spread_state.is_none(),
        balanced_skip,
        false,
    ];
    // Score, with the pod-independent columns memoised per node (see `cache.rs`).
    let class = score_class(snapshot, pod, weights, memo);
    let cache::ScoreCache {
        classes,
        entries,
        scratch,
        ..
    } = memo;
    let scorer = ClassScorer::new(snapshot, pod, &classes[class as usize], class);
    let weights: [i64; SCORE_COLUMNS] = Plugin::SCORES.map(|p| weights.of(p));
    // A skipped plugin contributes nothing (its weight counts as 0 in the sum).
    let effective: [i64; SCORE_COLUMNS] =
        std::array::from_fn(|c| if skipped[c] { 0 } else { weights[c] });
    let cache::Scratch {
        feasible,
        feasible_walk,
        rows,
        totals,
        ..
    } = scratch;
    rows.clear();
    totals.clear();
    for (pos, (&i, &k)) in feasible.iter().zip(feasible_walk.iter()).enumerate() {
        // Entries and packed records are in walk order.
        let [taint, fit_score, balanced_score, image] =
            scorer.scores(&mut entries[k as usize], hot[k as usize].generation, i);
        rows.push([
            taint,
            if affinity_skip {
                0
            } else {
                node_affinity::score(&pod.preferred_affinity, &nodes[i])
            },
            fit_score,
            match &spread_state {
                Some(state) => spread::score(state, pos),
                None => 0,
            },
            balanced_score,
            image,
        ]);
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

/// NodeResourcesFit's `fitsRequest` as three comparisons with a packed record's free amounts:
/// a node passes when `free_pods ≥ 1`, `free.milli_cpu ≥ milli_cpu` and
/// `free.memory_bytes ≥ memory_bytes` (a resource the pod does not request gets `i64::MIN`,
/// which every node passes).
#[derive(Clone, Copy)]
struct FitThresholds {
    milli_cpu: i64,
    memory_bytes: i64,
}

impl FitThresholds {
    fn of(request: Resources) -> Self {
        // `fitsRequest`: nothing but the pod count is checked for a pod requesting nothing,
        // and a resource is insufficient only when requested (> 0) beyond what is free.
        let any = request.milli_cpu != 0 || request.memory_bytes != 0;
        let threshold = |r: i64| if any && r > 0 { r } else { i64::MIN };
        FitThresholds {
            milli_cpu: threshold(request.milli_cpu),
            memory_bytes: threshold(request.memory_bytes),
        }
    }
}

/// The walk of a cycle that scores while filtering (see `scores_while_filtering`), as a loop
/// of its own over the packed records and memo entries (both in walk order, so read front to
/// back). A node that is not guarded, for a pod only NodeResourcesFit can reject, is checked
/// inline; any other node goes through [`Cycle::filter`].
struct ScoringWalk<'a> {
    cycle: &'a Cycle<'a>,
    scorer: &'a ClassScorer<'a>,
    hot: &'a [HotNode],
    nodes: &'a [NodeInfo],
    fit: FitThresholds,
    to_find: usize,
}

/// Where [`ScoringWalk::run`] leaves feasible nodes, their totals, the tainted ones among them
/// and the rejected nodes.
struct ScoringWalkOut<'a> {
    feasible: &'a mut Vec<usize>,
    totals: &'a mut Vec<i64>,
    tainted: &'a mut Vec<(u32, i64)>,
    rejected: &'a mut Vec<(usize, Rejection)>,
}

impl ScoringWalk<'_> {
    /// Walks from position `start` (wrapping) until `to_find` nodes are feasible or every node
    /// was processed; returns how many were processed and the highest raw taint count.
    fn run(&self, start: usize, entries: &mut [cache::Entry], out: ScoringWalkOut) -> (usize, i64) {
        let ScoringWalkOut {
            feasible,
            totals,
            tainted,
            rejected,
        } = out;
        let inline_fit = self.cycle.fit_only;
        let mut processed = 0;
        let mut max_taint = 0;
        // Written by position (no push, so no length stored back per node), cut to size below.
        let capacity = self.to_find.min(self.hot.len());
        feasible.resize(capacity, 0);
        totals.resize(capacity, 0);
        let mut found = 0;
        'walk: for (from, to) in [(start, self.hot.len()), (0, start)] {
            for (h, entry) in self.hot[from..to].iter().zip(&mut entries[from..to]) {
                processed += 1;
                let index = h.index as usize;
                let passes_inline = inline_fit
                    && !h.guarded
                    && h.free_pods >= 1
                    && h.free.milli_cpu >= self.fit.milli_cpu
                    && h.free.memory_bytes >= self.fit.memory_bytes;
                if !passes_inline {
                    if let Some(r) = self.filter(index, h) {
                        rejected.push((index, r));
                        continue;
                    }
                }
                // The memo holds the node's total but for the taint correction.
                let entry = self.scorer.entry(entry, h.generation, index);
                let taint = i64::from(entry.scores[0]);
                if taint != 0 {
                    tainted.push((found as u32, taint));
                    max_taint = max_taint.max(taint);
                }
                feasible[found] = index;
                totals[found] = entry.total;
                found += 1;
                if found >= self.to_find {
                    break 'walk;
                }
            }
        }
        feasible.truncate(found);
        totals.truncate(found);
        (processed, max_taint)
    }

    /// Every filter on a node the inline check did not pass.
    #[cold]
    #[inline(never)]
    fn filter(&self, index: usize, h: &HotNode) -> Option<Rejection> {
        if self.cycle.fit_only && !h.guarded {
            fit::filter_hot(self.cycle.pod.requests, h)
        } else {
            self.cycle.filter(index, &self.nodes[index], h)
        }
    }
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
    let start = if n == 0 {
        0
    } else {
        state.next_start_node_index % n
    };
    let to_find = num_feasible_nodes_to_find(config.percentage_of_nodes_to_score, n as u32);
    let mut decision = Decision {
        all_nodes: n as u32,
        nodes_to_find: to_find,
        start_index: start as u32,
        evaluated: 0,
        feasible: 0,
        not_considered_count: 0,
        selected: None,
        details: None,
    };
    if n == 0 {
        // schedule_one.go: ErrNoNodesAvailable.
        decision.message = Some("no nodes available to schedule pods".to_owned());
        return decision;
    }

    let cycle = Cycle::new(snapshot, pod);
    // The snapshot's reusable buffers and score memo, held for the whole cycle.
    let mut memo = snapshot.cache.borrow_mut();
    let fused = scores_while_filtering(pod, full);
    let class = fused.then(|| score_class(snapshot, pod, &config.weights, &mut memo));
    let cache::ScoreCache {
        classes,
        entries,
        scratch,
        ..
    } = &mut *memo;
    let scorer = class.map(|c| ClassScorer::new(snapshot, pod, &classes[c as usize], c));
    let taint_weight = config.weights.taint_toleration;
    let cache::Scratch {
        feasible,
        feasible_walk,
        totals,
        tainted,
        ..
    } = scratch;
    feasible.clear();
    feasible_walk.clear();
    totals.clear();
    tainted.clear();
    let mut max_taint = 0;
    // findNodesThatPassFilters, sequentially: the walk starts at nextStartNodeIndex and stops as
    // soon as `to_find` feasible nodes are found.
    let mut rejected: Vec<(usize, Rejection)> = Vec::new();
    let walk = snapshot.walk_order();
    let hot = &snapshot.hot;
    debug_assert_eq!(hot.len(), n);
    let mut processed = 0;
    let mut k = start;
    if let Some(scorer) = &scorer {
        let walk = ScoringWalk {
            cycle: &cycle,
            scorer,
            hot,
            nodes,
            fit: FitThresholds::of(pod.requests),
            to_find: to_find as usize,
        };
        let out = ScoringWalkOut {
            feasible,
            totals,
            tainted,
            rejected: &mut rejected,
        };
        (processed, max_taint) = walk.run(start, entries, out);
    }
    while scorer.is_none() && processed < n {
        // The walk reads the packed records in walk order, front to back.
        let h = &hot[k];
        let index = h.index as usize;
        let node = &nodes[index];
        processed += 1;
        let rejection = if full {
            let mut verdicts = Vec::with_capacity(Plugin::FILTERS.len());
            let rejection = cycle.filter_recorded(index, node, &mut verdicts);
            decision.nodes.push(NodeDecision {
                node: node.spec.name.clone(),
                filters: verdicts,
                scores: Vec::new(),
                total: None,
            });
            rejection
        } else if cycle.fit_only && !h.guarded {
            // The common case, inline: the walk reads only the node's packed record.
            fit::filter_hot(pod.requests, h)
        } else {
            cycle.filter(index, node, h)
        };
        match rejection {
            None => {
                feasible.push(index);
                feasible_walk.push(k as u32);
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
                    index: index as u32,
                    node: nodes[index].spec.name.as_str().into(),
                    total: None,
                    tied: 1,
                })
            }
        }
        return decision;
    }
    if fused {
        correct_normalized_taints(totals, tainted, max_taint, taint_weight);
        if let Some((pos, tied)) = select_host(totals, rng) {
            let index = feasible[pos];
            decision.selected = Some(Selected {
                index: index as u32,
                node: nodes[index].spec.name.as_str().into(),
                total: Some(totals[pos]),
                tied,
            });
        }
        return decision;
    }

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
            index: index as u32,
            node: nodes[index].spec.name.as_str().into(),
            total: Some(totals[pos]),
            tied,
        });
    }
    decision
}
