//! NodeName (plugins/nodename/node_name.go): a pod with `spec.nodeName` fits only that node.

use super::super::framework::{Code, Plugin, Reason, Rejection};
use super::super::snapshot::NodeInfo;

/// Filter: UnschedulableAndUnresolvable `node(s) didn't match the requested node name`.
pub fn filter(node_name: Option<&str>, node: &NodeInfo) -> Option<Rejection> {
    match node_name {
        Some(name) if !name.is_empty() && name != node.spec.name => Some(Rejection {
            plugin: Plugin::NodeName,
            code: Code::UnschedulableAndUnresolvable,
            reason: Reason::NodeName,
        }),
        _ => None,
    }
}
