//! TaintToleration (plugins/tainttoleration/taint_toleration.go).
//!
//! Filter: the first NoSchedule/NoExecute taint no toleration tolerates rejects the node
//! (`v1helper.FindMatchingUntoleratedTaint` with `DoNotScheduleTaintsFilterFunc`).
//! Score: the number of PreferNoSchedule taints not tolerated by the pod's tolerations whose
//! effect is empty or PreferNoSchedule; NormalizeScore reverses it (fewer is better).

use crate::cluster::api::{TaintEffect, Toleration};

use super::super::framework::{
    default_normalize_score, Code, Plugin, Reason, Rejection, MAX_NODE_SCORE,
};
use super::super::snapshot::NodeInfo;

/// Filter: UnschedulableAndUnresolvable `node(s) had untolerated taint {key: value}`.
pub fn filter(tolerations: &[Toleration], node: &NodeInfo) -> Option<Rejection> {
    if node.hard_taints == 0 {
        return None;
    }
    node.spec
        .taints
        .iter()
        .position(|taint| {
            matches!(
                taint.effect,
                TaintEffect::NoSchedule | TaintEffect::NoExecute
            ) && !tolerations.iter().any(|t| t.tolerates(taint))
        })
        .map(|i| Rejection {
            plugin: Plugin::TaintToleration,
            code: Code::UnschedulableAndUnresolvable,
            reason: Reason::UntoleratedTaint(i as u32),
        })
}

/// PreScore `getAllTolerationPreferNoSchedule`: tolerations with an empty or PreferNoSchedule
/// effect.
pub fn prefer_no_schedule_tolerations(tolerations: &[Toleration]) -> Vec<Toleration> {
    tolerations
        .iter()
        .filter(|t| match &t.effect {
            None => true,
            Some(e) => e.as_str().is_empty() || *e == TaintEffect::PreferNoSchedule,
        })
        .cloned()
        .collect()
}

/// Score `countIntolerableTaintsPreferNoSchedule`.
pub fn score(prefer_tolerations: &[Toleration], node: &NodeInfo) -> i64 {
    if node.prefer_no_schedule_taints == 0 {
        return 0;
    }
    node.spec
        .taints
        .iter()
        .filter(|taint| {
            taint.effect == TaintEffect::PreferNoSchedule
                && !prefer_tolerations.iter().any(|t| t.tolerates(taint))
        })
        .count() as i64
}

/// NormalizeScore: `DefaultNormalizeScore(MaxNodeScore, true, scores)`.
pub fn normalize(scores: &mut [i64]) {
    default_normalize_score(MAX_NODE_SCORE, true, scores);
}
