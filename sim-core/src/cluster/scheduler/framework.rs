//! Framework pieces shared by the plugins: plugin names, statuses and reasons, weights, the
//! decision record, score normalisation, node sampling and host selection
//! (pkg/scheduler/framework/interface.go, types.go, runtime/framework.go, schedule_one.go).

use rand::Rng;
use serde::Serialize;

use super::snapshot::NodeInfo;

/// `framework.MaxNodeScore`: normalised scores lie in 0..=100.
pub const MAX_NODE_SCORE: i64 = 100;

/// `minFeasibleNodesToFind` (schedule_one.go): below this many nodes every node is checked.
pub const MIN_FEASIBLE_NODES_TO_FIND: u32 = 100;
/// `minFeasibleNodesPercentageToFind` (schedule_one.go): the adaptive percentage's floor.
pub const MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND: u32 = 5;

/// The default plugins this model runs (pkg/scheduler/framework/plugins/names/names.go).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Plugin {
    /// Queue order.
    PrioritySort,
    /// Filter: `spec.unschedulable`.
    NodeUnschedulable,
    /// Filter: `spec.nodeName`.
    NodeName,
    /// Filter NoSchedule/NoExecute taints; score PreferNoSchedule taints.
    TaintToleration,
    /// Filter nodeSelector + required affinity; score preferred affinity.
    NodeAffinity,
    /// Filter cpu/memory/pods; score LeastAllocated.
    NodeResourcesFit,
    /// Filter DoNotSchedule constraints; score ScheduleAnyway ones.
    PodTopologySpread,
    /// Score: balance of cpu and memory fractions.
    NodeResourcesBalancedAllocation,
    /// Score: images already on the node.
    ImageLocality,
}

impl Plugin {
    /// The name kube-scheduler uses.
    pub fn name(self) -> &'static str {
        match self {
            Plugin::PrioritySort => "PrioritySort",
            Plugin::NodeUnschedulable => "NodeUnschedulable",
            Plugin::NodeName => "NodeName",
            Plugin::TaintToleration => "TaintToleration",
            Plugin::NodeAffinity => "NodeAffinity",
            Plugin::NodeResourcesFit => "NodeResourcesFit",
            Plugin::PodTopologySpread => "PodTopologySpread",
            Plugin::NodeResourcesBalancedAllocation => "NodeResourcesBalancedAllocation",
            Plugin::ImageLocality => "ImageLocality",
        }
    }

    /// Filter plugins in the order of the default profile (apis/config/v1/default_plugins.go).
    pub const FILTERS: [Plugin; 6] = [
        Plugin::NodeUnschedulable,
        Plugin::NodeName,
        Plugin::TaintToleration,
        Plugin::NodeAffinity,
        Plugin::NodeResourcesFit,
        Plugin::PodTopologySpread,
    ];

    /// Score plugins in the order of the default profile.
    pub const SCORES: [Plugin; 6] = [
        Plugin::TaintToleration,
        Plugin::NodeAffinity,
        Plugin::NodeResourcesFit,
        Plugin::PodTopologySpread,
        Plugin::NodeResourcesBalancedAllocation,
        Plugin::ImageLocality,
    ];
}

impl std::fmt::Display for Plugin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A rejecting status code (interface.go `Code`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Code {
    /// Preemption might help (resources, spread skew).
    Unschedulable,
    /// Preemption cannot help (taints, affinity, cordon, node name, missing topology label).
    UnschedulableAndUnresolvable,
}

/// Why a filter rejected a node; rendered to kube-scheduler's strings by [`Reason::texts`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reason {
    /// nodeunschedulable `ErrReasonUnschedulable`.
    NodeUnschedulable,
    /// nodename `ErrReason`.
    NodeName,
    /// nodeaffinity `ErrReasonPod`.
    NodeAffinity,
    /// tainttoleration: the index of the first untolerated NoSchedule/NoExecute taint.
    UntoleratedTaint(u32),
    /// noderesources `fitsRequest`: every insufficient resource, in its order.
    Insufficient {
        /// `Too many pods`.
        pods: bool,
        /// `Insufficient cpu`.
        cpu: bool,
        /// `Insufficient memory`.
        memory: bool,
    },
    /// podtopologyspread `ErrReasonConstraintsNotMatch`.
    SpreadSkew,
    /// podtopologyspread `ErrReasonNodeLabelNotMatch`.
    SpreadMissingLabel,
}

impl Reason {
    /// The reason strings as the plugin puts them into its status.
    pub fn texts(self, node: &NodeInfo) -> Vec<String> {
        match self {
            // plugins/nodeunschedulable/node_unschedulable.go
            Reason::NodeUnschedulable => vec!["node(s) were unschedulable".to_owned()],
            // plugins/nodename/node_name.go
            Reason::NodeName => vec!["node(s) didn't match the requested node name".to_owned()],
            // plugins/nodeaffinity/node_affinity.go
            Reason::NodeAffinity => {
                vec!["node(s) didn't match Pod's node affinity/selector".to_owned()]
            }
            // plugins/tainttoleration/taint_toleration.go: fmt "{%s: %s}" of key and value.
            Reason::UntoleratedTaint(i) => {
                let (key, value) = node
                    .spec
                    .taints
                    .get(i as usize)
                    .map(|t| (t.key.as_str(), t.value.as_str()))
                    .unwrap_or(("", ""));
                vec![format!("node(s) had untolerated taint {{{key}: {value}}}")]
            }
            // plugins/noderesources/fit.go fitsRequest: pods first, then cpu, then memory.
            Reason::Insufficient { pods, cpu, memory } => {
                let mut out = Vec::new();
                if pods {
                    out.push("Too many pods".to_owned());
                }
                if cpu {
                    out.push("Insufficient cpu".to_owned());
                }
                if memory {
                    out.push("Insufficient memory".to_owned());
                }
                out
            }
            // plugins/podtopologyspread/plugin.go
            Reason::SpreadSkew => {
                vec!["node(s) didn't match pod topology spread constraints".to_owned()]
            }
            Reason::SpreadMissingLabel => vec![
                "node(s) didn't match pod topology spread constraints (missing required label)"
                    .to_owned(),
            ],
        }
    }
}

/// A filter's rejection of one node.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rejection {
    /// The plugin that rejected.
    pub plugin: Plugin,
    /// Its code.
    pub code: Code,
    /// Its reason.
    pub reason: Reason,
}

/// Score plugin weights (pkg/scheduler/apis/config/v1/default_plugins.go).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Weights {
    /// TaintToleration (3).
    pub taint_toleration: i64,
    /// NodeAffinity (2).
    pub node_affinity: i64,
    /// NodeResourcesFit (1).
    pub node_resources_fit: i64,
    /// PodTopologySpread (2).
    pub pod_topology_spread: i64,
    /// NodeResourcesBalancedAllocation (1).
    pub balanced_allocation: i64,
    /// ImageLocality (1).
    pub image_locality: i64,
}

impl Default for Weights {
    fn default() -> Self {
        Weights {
            taint_toleration: 3,
            node_affinity: 2,
            node_resources_fit: 1,
            pod_topology_spread: 2,
            balanced_allocation: 1,
            image_locality: 1,
        }
    }
}

impl Weights {
    /// The weight of a score plugin (0 for plugins that do not score).
    pub fn of(&self, plugin: Plugin) -> i64 {
        match plugin {
            Plugin::TaintToleration => self.taint_toleration,
            Plugin::NodeAffinity => self.node_affinity,
            Plugin::NodeResourcesFit => self.node_resources_fit,
            Plugin::PodTopologySpread => self.pod_topology_spread,
            Plugin::NodeResourcesBalancedAllocation => self.balanced_allocation,
            Plugin::ImageLocality => self.image_locality,
            _ => 0,
        }
    }
}

/// How much of a cycle the [`Decision`] keeps.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub enum Record {
    /// Every considered node's filter verdicts and scores (`explain-schedule`, the panel).
    #[default]
    Full,
    /// Only the outcome and the unschedulable message (bulk scheduling).
    Outcome,
}

/// The scheduler profile: weights, sampling, how much to record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct SchedulerConfig {
    /// `percentageOfNodesToScore`: 0 is adaptive (the default), 100 checks every node.
    pub percentage_of_nodes_to_score: u32,
    /// Score weights.
    pub weights: Weights,
    /// What the decision keeps.
    pub record: Record,
}

impl Default for SchedulerConfig {
    fn default() -> Self {
        SchedulerConfig {
            percentage_of_nodes_to_score: 0,
            weights: Weights::default(),
            record: Record::Full,
        }
    }
}

/// What survives between cycles: where the next node search starts (`nextStartNodeIndex`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SchedulerState {
    /// Position in the snapshot's walk order where the next cycle starts looking.
    pub next_start_node_index: usize,
}

/// One filter's verdict on one node.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FilterVerdict {
    /// The plugin.
    pub plugin: Plugin,
    /// `None` when the node passed; the code when it was rejected.
    pub code: Option<Code>,
    /// The reasons when rejected (empty when passed).
    pub reasons: Vec<String>,
}

/// One score plugin's result on one node.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PluginScore {
    /// The plugin.
    pub plugin: Plugin,
    /// True when its PreScore returned Skip: it contributes nothing.
    pub skipped: bool,
    /// What Score returned.
    pub raw: i64,
    /// After NormalizeScore (equal to `raw` for plugins that do not normalise).
    pub normalized: i64,
    /// The plugin's weight.
    pub weight: i64,
    /// `normalized × weight`.
    pub weighted: i64,
}

/// Everything the cycle did with one node, in evaluation order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NodeDecision {
    /// The node.
    pub node: String,
    /// Filter verdicts up to and including the first rejection.
    pub filters: Vec<FilterVerdict>,
    /// Score plugins' results (empty when the node was rejected, or when it was the only
    /// feasible node, which kube-scheduler picks without scoring).
    pub scores: Vec<PluginScore>,
    /// The weighted total, when scored.
    pub total: Option<i64>,
}

impl NodeDecision {
    /// Whether every filter passed.
    pub fn feasible(&self) -> bool {
        self.filters.iter().all(|f| f.code.is_none())
    }
}

/// The node a cycle picked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Selected {
    /// Index in the snapshot's node list.
    pub index: u32,
    /// Name (boxed: a decision is kept per pod).
    pub node: Box<str>,
    /// Its weighted total (`None` when it was the only feasible node and nothing was scored).
    pub total: Option<i64>,
    /// How many nodes shared the best total (the seeded tie-break chose among them).
    pub tied: u32,
}

/// The result of one scheduling cycle, with its explanation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Decision {
    /// Nodes in the snapshot.
    pub all_nodes: u32,
    /// `numFeasibleNodesToFind`: the search stops after this many feasible nodes.
    pub nodes_to_find: u32,
    /// Where the search started (`nextStartNodeIndex` before the cycle), a position in
    /// [`Snapshot::walk_order`](super::Snapshot::walk_order).
    pub start_index: u32,
    /// Nodes the filters ran on.
    pub evaluated: u32,
    /// Nodes that passed every filter.
    pub feasible: u32,
    /// How many nodes sampling left out.
    pub not_considered_count: u32,
    /// The chosen node.
    pub selected: Option<Selected>,
    /// The per-node rows and the failure message, boxed: most decisions kept have neither
    /// (they read and write through `Deref`/`DerefMut` as fields of the decision).
    pub details: Option<Box<DecisionDetails>>,
}

/// What a decision holds beyond its counts, when it holds any of it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct DecisionDetails {
    /// Per considered node, in evaluation order ([`Record::Full`] only).
    pub nodes: Vec<NodeDecision>,
    /// Nodes never looked at because enough feasible nodes were found, in walk order
    /// ([`Record::Full`] only; `not_considered_count` always).
    pub not_considered: Vec<String>,
    /// The FailedScheduling event message when no node fits.
    pub message: Option<String>,
}

/// The details of a decision that has none.
static NO_DETAILS: DecisionDetails = DecisionDetails {
    nodes: Vec::new(),
    not_considered: Vec::new(),
    message: None,
};

impl std::ops::Deref for Decision {
    type Target = DecisionDetails;
    fn deref(&self) -> &DecisionDetails {
        self.details.as_deref().unwrap_or(&NO_DETAILS)
    }
}

impl std::ops::DerefMut for Decision {
    /// The details to change, boxed first if there were none.
    fn deref_mut(&mut self) -> &mut DecisionDetails {
        self.details.get_or_insert_with(Box::default)
    }
}

impl Decision {
    /// Drops the per-node rows (an older decision keeps its counts, choice and message).
    pub fn drop_rows(&mut self) {
        if let Some(d) = &mut self.details {
            if d.message.is_none() {
                self.details = None;
            } else {
                d.nodes = Vec::new();
                d.not_considered = Vec::new();
            }
        }
    }
}

/// `numFeasibleNodesToFind` (schedule_one.go): how many feasible nodes to find before scoring.
///
/// Fewer than 100 nodes: all. Otherwise `percentage` (0 → adaptive `50 − N/125`, at least 5)
/// of N, but at least 100.
pub fn num_feasible_nodes_to_find(percentage_of_nodes_to_score: u32, num_all_nodes: u32) -> u32 {
    if num_all_nodes < MIN_FEASIBLE_NODES_TO_FIND {
        return num_all_nodes;
    }
    let mut percentage = percentage_of_nodes_to_score as i64;
    if percentage == 0 {
        percentage = 50 - num_all_nodes as i64 / 125;
        if percentage < MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND as i64 {
            percentage = MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND as i64;
        }
    }
    let num_nodes = (num_all_nodes as i64 * percentage / 100) as u32;
    if num_nodes < MIN_FEASIBLE_NODES_TO_FIND {
        return MIN_FEASIBLE_NODES_TO_FIND;
    }
    num_nodes
}

/// `helper.DefaultNormalizeScore` (plugins/helper/normalize_score.go): scale to 0..=max by the
/// highest score; `reverse` turns high counts into low scores.
pub fn default_normalize_score(max_priority: i64, reverse: bool, scores: &mut [i64]) {
    let (rows, _) = scores.as_chunks_mut::<1>();
    default_normalize_column(max_priority, reverse, rows, 0);
}

/// [`default_normalize_score`] on one column of a score table.
pub fn default_normalize_column<const N: usize>(
    max_priority: i64,
    reverse: bool,
    rows: &mut [[i64; N]],
    column: usize,
) {
    let max_count = rows.iter().map(|r| r[column]).max().unwrap_or(0).max(0);
    if max_count == 0 {
        if reverse {
            rows.iter_mut().for_each(|r| r[column] = max_priority);
        }
        return;
    }
    for r in rows.iter_mut() {
        // 0 scales to 0: skip the division (most nodes have no PreferNoSchedule taint).
        let mut score = if r[column] == 0 {
            0
        } else {
            max_priority * r[column] / max_count
        };
        if reverse {
            score = max_priority - score;
        }
        r[column] = score;
    }
}

/// `selectHost` (schedule_one.go): the highest total wins; ties are broken by reservoir
/// sampling in evaluation order, replacing the candidate with probability 1/count — so the
/// same RNG state picks the same node. Returns (position, how many tied).
pub fn select_host<R: Rng + ?Sized>(totals: &[i64], rng: &mut R) -> Option<(usize, u32)> {
    let (&first, rest) = totals.split_first()?;
    let mut max_score = first;
    let mut selected = 0;
    let mut count_of_max: u32 = 1;
    for (i, &score) in rest.iter().enumerate() {
        let i = i + 1;
        if score > max_score {
            max_score = score;
            selected = i;
            count_of_max = 1;
        } else if score == max_score {
            count_of_max += 1;
            if rng.random_range(0..count_of_max) == 0 {
                selected = i;
            }
        }
    }
    Some((selected, count_of_max))
}
