//! NodeResourcesFit (plugins/noderesources/fit.go, least_allocated.go,
//! resource_allocation.go).
//!
//! Filter `fitsRequest`: one more pod than `allocatable.pods` is `Too many pods`; a pod that
//! requests nothing fits otherwise; then `Insufficient cpu` and `Insufficient memory` when the
//! request exceeds allocatable minus what the node's pods request. All reasons are kept
//! (Unschedulable: preemption may help).
//! Score, strategy LeastAllocated with cpu and memory weighted 1 each:
//! `((allocatable − requested) × 100 / allocatable)` per resource on the node's *non-zero*
//! requests plus the pod's, weighted mean in integers. No NormalizeScore.

use super::super::framework::{Code, Plugin, Reason, Rejection, MAX_NODE_SCORE};
use super::super::snapshot::{HotNode, NodeInfo, Resources};

/// `ResourceSpec` weights of the default LeastAllocated strategy.
pub const CPU_WEIGHT: i64 = 1;
/// Memory's weight.
pub const MEMORY_WEIGHT: i64 = 1;

/// Filter.
pub fn filter(request: Resources, node: &NodeInfo) -> Option<Rejection> {
    fits(
        request,
        node.pod_count,
        node.spec.allowed_pods,
        node.spec.allocatable,
        node.requested,
    )
}

/// [`filter`] on the node's packed numbers (the cycle's walk reads only these): the same
/// comparisons on `allocatable − requested` taken ahead of time.
#[inline]
pub(crate) fn filter_hot(request: Resources, node: &HotNode) -> Option<Rejection> {
    // `pod_count + 1 > allowed_pods` ⇔ `allowed_pods − pod_count < 1`.
    let pods = node.free_pods < 1;
    let (mut cpu, mut memory) = (false, false);
    if request.milli_cpu != 0 || request.memory_bytes != 0 {
        cpu = request.milli_cpu > 0 && request.milli_cpu > node.free.milli_cpu;
        memory = request.memory_bytes > 0 && request.memory_bytes > node.free.memory_bytes;
    }
    if !(pods || cpu || memory) {
        return None;
    }
    Some(Rejection {
        plugin: Plugin::NodeResourcesFit,
        code: Code::Unschedulable,
        reason: Reason::Insufficient { pods, cpu, memory },
    })
}

/// `fitsRequest` on a node's pod count, allowed pods, allocatable and requested amounts.
#[inline]
fn fits(
    request: Resources,
    pod_count: u32,
    allowed_pods: i64,
    alloc: Resources,
    requested: Resources,
) -> Option<Rejection> {
    let pods = pod_count as i64 + 1 > allowed_pods;
    let (mut cpu, mut memory) = (false, false);
    if request.milli_cpu != 0 || request.memory_bytes != 0 {
        cpu = request.milli_cpu > 0 && request.milli_cpu > alloc.milli_cpu - requested.milli_cpu;
        memory = request.memory_bytes > 0
            && request.memory_bytes > alloc.memory_bytes - requested.memory_bytes;
    }
    if !(pods || cpu || memory) {
        return None;
    }
    Some(Rejection {
        plugin: Plugin::NodeResourcesFit,
        code: Code::Unschedulable,
        reason: Reason::Insufficient { pods, cpu, memory },
    })
}

/// `leastRequestedScore`.
pub fn least_requested_score(requested: i64, capacity: i64) -> i64 {
    if capacity == 0 || requested > capacity {
        return 0;
    }
    (capacity - requested) * MAX_NODE_SCORE / capacity
}

/// Score: `leastResourceScorer` over cpu and memory; a resource with zero allocatable is left
/// out of the weighted mean.
pub fn score(non_zero_request: Resources, node: &NodeInfo) -> i64 {
    let alloc = node.spec.allocatable;
    let mut node_score = 0;
    let mut weight_sum = 0;
    if alloc.milli_cpu != 0 {
        let requested = node.non_zero_requested.milli_cpu + non_zero_request.milli_cpu;
        node_score += least_requested_score(requested, alloc.milli_cpu) * CPU_WEIGHT;
        weight_sum += CPU_WEIGHT;
    }
    if alloc.memory_bytes != 0 {
        let requested = node.non_zero_requested.memory_bytes + non_zero_request.memory_bytes;
        node_score += least_requested_score(requested, alloc.memory_bytes) * MEMORY_WEIGHT;
        weight_sum += MEMORY_WEIGHT;
    }
    if weight_sum == 0 {
        return 0;
    }
    node_score / weight_sum
}
