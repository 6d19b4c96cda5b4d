//! NodeAffinity (plugins/nodeaffinity/node_affinity.go).
//!
//! Filter: `spec.nodeSelector` and the required node affinity terms must match
//! (`nodeaffinity.GetRequiredNodeAffinity(pod).Match(node)`).
//! Score: the sum of the weights of the preferred terms the node matches; NormalizeScore
//! scales by the highest (`DefaultNormalizeScore(MaxNodeScore, false, …)`). PreScore skips the
//! plugin when the pod has no preferred terms.

use super::super::framework::{
    default_normalize_score, Code, Plugin, Reason, Rejection, MAX_NODE_SCORE,
};
use super::super::select::{NodeTerm, RequiredNodeAffinity};
use super::super::snapshot::NodeInfo;

/// Filter: UnschedulableAndUnresolvable `node(s) didn't match Pod's node affinity/selector`.
pub fn filter(required: &RequiredNodeAffinity, node: &NodeInfo) -> Option<Rejection> {
    if required.is_empty() || required.matches(&node.spec.name, &node.spec.labels) {
        return None;
    }
    Some(Rejection {
        plugin: Plugin::NodeAffinity,
        code: Code::UnschedulableAndUnresolvable,
        reason: Reason::NodeAffinity,
    })
}

/// Score: `PreferredSchedulingTerms.Score` — terms with weight 0 are dropped.
pub fn score(preferred: &[(i32, NodeTerm)], node: &NodeInfo) -> i64 {
    preferred
        .iter()
        .filter(|(w, term)| *w != 0 && term.matches(&node.spec.name, &node.spec.labels))
        .map(|(w, _)| *w as i64)
        .sum()
}

/// NormalizeScore.
pub fn normalize(scores: &mut [i64]) {
    default_normalize_score(MAX_NODE_SCORE, false, scores);
}
