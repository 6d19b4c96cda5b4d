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

/// A change chaos makes to one node (`chaos node-crash NODE`…).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum FaultAction {
    /// The machine goes off.
    NodeCrash,
    /// The machine comes back (its kubelet starts again).
    NodeRecover,
    /// The kubelet process stops.
    KubeletStop,
    /// The kubelet process starts again.
    KubeletStart,
    /// The node is cut off from the network.
    Partition,
    /// Undo a partition and a kubelet stop.
    Heal,
    /// Undo everything (`chaos clear`).
    Clear,
    /// Kill the containers of a pod picked at random when it happens (`chaos random`); no
    /// change to the node.
    PodKill,
}

impl FaultAction {
    /// The command's word for it (`node-crash`).
    pub fn as_str(self) -> &'static str {
        match self {
            FaultAction::NodeCrash => "node-crash",
            FaultAction::NodeRecover => "node-recover",
            FaultAction::KubeletStop => "kubelet-stop",
            FaultAction::KubeletStart => "kubelet-start",
            FaultAction::Partition => "partition",
            FaultAction::Heal => "heal",
            FaultAction::Clear => "clear",
            FaultAction::PodKill => "pod-kill",
        }
    }

    /// What the node's fault becomes.
    pub fn apply(self, mut f: NodeFault) -> NodeFault {
        match self {
            FaultAction::NodeCrash => f.down = true,
            FaultAction::NodeRecover => f.down = false,
            FaultAction::KubeletStop => f.kubelet_stopped = true,
            FaultAction::KubeletStart => f.kubelet_stopped = false,
            FaultAction::Partition => f.partitioned = true,
            FaultAction::Heal => {
                f.partitioned = false;
                f.kubelet_stopped = false;
            }
            FaultAction::Clear => f = NodeFault::default(),
            FaultAction::PodKill => {}
        }
        f
    }
}

impl NodeFault {
    /// How `chaos list` describes it (`down`, `kubelet stopped, partitioned`).
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if self.down {
            parts.push("down");
        }
        if self.kubelet_stopped {
            parts.push("kubelet stopped");
        }
        if self.partitioned {
            parts.push("partitioned");
        }
        parts.join(", ")
    }
}

/// A fault queued by `chaos … --at T`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ScheduledFault {
    /// When it happens.
    pub at: crate::time::SimTime,
    /// What happens.
    pub action: FaultAction,
    /// To which node (empty for a pod-kill: the pod is picked when it happens).
    pub node: String,
}
