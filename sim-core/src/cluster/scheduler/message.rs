//! The FailedScheduling message: `FitError.Error()` (pkg/scheduler/framework/types.go) and the
//! PostFilter message of DefaultPreemption (plugins/defaultpreemption/default_preemption.go,
//! pkg/scheduler/framework/preemption/preemption.go).
//!
//! Reasons are counted over the nodes and printed as `"<count> <reason>"` strings sorted as Go's
//! `sort.Strings` sorts them (bytewise, so `10 …` sorts before `2 …`), joined by `, `:
//! `0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu.`
//! followed by a space and `preemption: ` + the preemption evaluator's own FitError.
//!
//! Preemption is not carried out by this model; only its verdict per node is reproduced: a node
//! rejected as UnschedulableAndUnresolvable is `Preemption is not helpful for scheduling`; a node
//! without lower-priority pods is `No preemption victims found for incoming pod`; otherwise the
//! node is re-checked for resources with every lower-priority pod removed (SelectVictimsOnNode's
//! first step) and keeps the reasons that remain.

use std::collections::BTreeMap;

use super::framework::{Code, Reason, Rejection};
use super::plugins::node_resources_fit as fit;
use super::pod::PodToSchedule;
use super::snapshot::{Resources, Snapshot};

/// `FitError.Error()` without a PostFilter message: `0/N nodes are available: … .`
pub fn fit_error<I>(num_all_nodes: usize, reasons_per_node: I) -> String
where
    I: IntoIterator<Item = Vec<String>>,
{
    let mut histogram: BTreeMap<String, usize> = BTreeMap::new();
    for reasons in reasons_per_node {
        for reason in reasons {
            *histogram.entry(reason).or_insert(0) += 1;
        }
    }
    let mut lines: Vec<String> = histogram
        .into_iter()
        .map(|(reason, count)| format!("{count} {reason}"))
        .collect();
    // sort.Strings: bytewise order of the whole "<count> <reason>" string.
    lines.sort();
    format!(
        "0/{num_all_nodes} nodes are available: {}.",
        lines.join(", ")
    )
}

/// The preemption verdict for one rejected node, as a reason string, or `None` when removing
/// lower-priority pods would make room (a preemption candidate).
fn preemption_reason(
    snapshot: &Snapshot,
    pod: &PodToSchedule,
    index: usize,
    rejection: &Rejection,
) -> Option<Vec<String>> {
    let node = &snapshot.nodes()[index];
    if rejection.code == Code::UnschedulableAndUnresolvable {
        // nodesWherePreemptionMightHelp.
        return Some(vec!["Preemption is not helpful for scheduling".to_owned()]);
    }
    let lower: Vec<_> = node
        .groups
        .iter()
        .filter(|g| g.priority < pod.priority)
        .collect();
    if lower.is_empty() {
        // SelectVictimsOnNode: no potential victims.
        return Some(vec![
            "No preemption victims found for incoming pod".to_owned()
        ]);
    }
    let mut without = node.clone();
    for g in lower {
        let count = g.count as i64;
        without.requested = Resources {
            milli_cpu: without.requested.milli_cpu - g.requests.milli_cpu * count,
            memory_bytes: without.requested.memory_bytes - g.requests.memory_bytes * count,
        };
        without.pod_count -= g.count;
    }
    match (rejection.reason, fit::filter(pod.requests, &without)) {
        (_, Some(still)) => Some(still.reason.texts(node)),
        // Resources were the problem and removing the victims solves it: a candidate.
        (Reason::Insufficient { .. }, None) => None,
        // Other resolvable filters are not re-run here; they keep their reason.
        (other, None) => Some(other.texts(node)),
    }
}

/// The whole FailedScheduling message for a pod no node fits; `rejected` holds every node.
pub fn unschedulable_message(
    snapshot: &Snapshot,
    pod: &PodToSchedule,
    rejected: &[(usize, Rejection)],
) -> String {
    let nodes = snapshot.nodes();
    let filter_msg = fit_error(
        nodes.len(),
        rejected.iter().map(|(i, r)| r.reason.texts(&nodes[*i])),
    );
    // PodEligibleToPreemptOthers.
    if pod.preemption_never {
        return format!("{filter_msg} preemption: not eligible due to preemptionPolicy=Never.");
    }
    let mut verdicts = Vec::with_capacity(rejected.len());
    for (index, rejection) in rejected {
        match preemption_reason(snapshot, pod, *index, rejection) {
            Some(reasons) => verdicts.push(reasons),
            // A candidate exists: preemption would nominate a node and print no message of its
            // own (not modelled further).
            None => return filter_msg,
        }
    }
    format!(
        "{filter_msg} preemption: {}",
        fit_error(rejected.len(), verdicts)
    )
}
