//! What chaos has done to each node, as the rest of the model asks about it.
//!
//! A fault is a fact about the machine or its network, not about the API: the node lifecycle
//! controller only learns of it through missing heartbeats, kube-proxy's traffic only through
//! requests that time out. So the store says nothing here; [`super::state::Cluster::faults`]
//! holds these facts and the model's parts ask the two questions below.

use serde::Serialize;

/// What is wrong with one node (all false: healthy).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct NodeFault {
    /// The machine is off (`chaos node-crash`): no kubelet, no containers, no network.
    pub down: bool,
    /// The kubelet process stopped (`chaos kubelet-stop`): containers keep running and
    /// serving, but nothing reports for the node and nothing on it is started or restarted.
    pub kubelet_stopped: bool,
    /// The node is cut off from the rest of the cluster (`chaos partition`): its containers
    /// run, but neither the control plane nor other nodes' traffic reaches it.
    pub partitioned: bool,
}

impl NodeFault {
    /// Whether the node is healthy.
    pub fn is_healthy(&self) -> bool {
        !self.down && !self.kubelet_stopped && !self.partitioned
    }

    /// Whether the kubelet's heartbeats (Lease renewals, status updates) reach the API server.
    pub fn heartbeats(&self) -> bool {
        self.is_healthy()
    }

    /// Whether a request sent to a pod on this node can be answered: the machine is up and
    /// reachable (a stopped kubelet leaves running containers serving).
    pub fn serves_traffic(&self) -> bool {
        !self.down && !self.partitioned
    }
}
