//! NodeResourcesBalancedAllocation (plugins/noderesources/balanced_allocation.go).
//!
//! Score: with f = min(1, requested/allocatable) for cpu and memory — requested being the
//! node's actual requests plus the pod's (`useRequested: true`) — `std = |f_cpu − f_mem| / 2`
//! and the score is `int64((1 − std) × 100)`. PreScore skips best-effort pods (no requests at
//! all, kubernetes#129138). The float64 steps are exactly Go's: IEEE-754 division, subtraction,
//! multiplication and truncation toward zero give the same bits on every platform, wasm too.

use super::super::framework::MAX_NODE_SCORE;
use super::super::snapshot::{NodeInfo, Resources};

/// PreScore `isBestEffortPod`: every request is zero.
pub fn is_best_effort(request: Resources) -> bool {
    request.milli_cpu == 0 && request.memory_bytes == 0
}

/// `balancedResourceScorer` on (requested, allocatable) pairs.
pub fn balanced_resource_scorer(pairs: &[(i64, i64)]) -> i64 {
    let mut fractions = [0f64; 8];
    let mut n = 0;
    let mut total_fraction = 0.0;
    for &(requested, allocatable) in pairs {
        if allocatable == 0 || n == fractions.len() {
            continue;
        }
        let mut fraction = requested as f64 / allocatable as f64;
        if fraction > 1.0 {
            fraction = 1.0;
        }
        total_fraction += fraction;
        fractions[n] = fraction;
        n += 1;
    }
    let mut std = 0.0;
    if n == 2 {
        std = ((fractions[0] - fractions[1]) / 2.0).abs();
    } else if n > 2 {
        let mean = total_fraction / n as f64;
        let mut sum = 0.0;
        for f in &fractions[..n] {
            sum += (f - mean) * (f - mean);
        }
        std = (sum / n as f64).sqrt();
    }
    // Go's int64(float64) truncates toward zero, as `as i64` does.
    ((1.0 - std) * MAX_NODE_SCORE as f64) as i64
}

/// Score.
pub fn score(request: Resources, node: &NodeInfo) -> i64 {
    let alloc = node.spec.allocatable;
    balanced_resource_scorer(&[
        (
            node.requested.milli_cpu + request.milli_cpu,
            alloc.milli_cpu,
        ),
        (
            node.requested.memory_bytes + request.memory_bytes,
            alloc.memory_bytes,
        ),
    ])
}
