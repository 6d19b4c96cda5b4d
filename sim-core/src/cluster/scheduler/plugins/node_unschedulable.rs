//! NodeUnschedulable (plugins/nodeunschedulable/node_unschedulable.go): a cordoned node
//! (`spec.unschedulable`) takes only pods that tolerate the taint
//! `node.kubernetes.io/unschedulable:NoSchedule`.

use crate::cluster::api::{tolerations_tolerate_taint, Taint, TaintEffect, Toleration};

use super::super::framework::{Code, Plugin, Reason, Rejection};
use super::super::snapshot::NodeInfo;

/// `v1.TaintNodeUnschedulable`.
pub const TAINT_NODE_UNSCHEDULABLE: &str = "node.kubernetes.io/unschedulable";

/// Whether the pod tolerates `node.kubernetes.io/unschedulable:NoSchedule` (computed once per
/// cycle: the plugin builds exactly this taint and asks `TolerationsTolerateTaint`).
pub fn tolerates_unschedulable(tolerations: &[Toleration]) -> bool {
    if tolerations.is_empty() {
        // Nothing tolerates anything; skip building the taint.
        return false;
    }
    let taint = Taint {
        key: TAINT_NODE_UNSCHEDULABLE.to_owned(),
        value: String::new(),
        effect: TaintEffect::NoSchedule,
        time_added: None,
    };
    tolerations_tolerate_taint(tolerations, &taint)
}

/// Filter: rejects an unschedulable node unless the pod tolerates it
/// (UnschedulableAndUnresolvable, `node(s) were unschedulable`).
pub fn filter(tolerates_unschedulable: bool, node: &NodeInfo) -> Option<Rejection> {
    if !node.spec.unschedulable || tolerates_unschedulable {
        return None;
    }
    Some(Rejection {
        plugin: Plugin::NodeUnschedulable,
        code: Code::UnschedulableAndUnresolvable,
        reason: Reason::NodeUnschedulable,
    })
}
