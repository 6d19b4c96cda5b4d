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
    /// `chaos crashloop DEPLOY --at T` (the target is the Deployment's `NS/NAME`); no change to
    /// a node.
    Crashloop,
    /// `chaos image-pull-error IMAGE --at T` (the target is the image's canonical reference); no
    /// change to a node.
    ImagePullError,
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
            FaultAction::Crashloop => "crashloop",
            FaultAction::ImagePullError => "image-pull-error",
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
            FaultAction::PodKill | FaultAction::Crashloop | FaultAction::ImagePullError => {}
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
    /// To which node (empty for a pod-kill: the pod is picked when it happens; for a crashloop
    /// the Deployment's `NAMESPACE/NAME`, for an image pull error the image's canonical
    /// reference).
    pub node: String,
}

/// When a workload fault began and the `FaultInjected` event that records it (what the
/// kubelet's failures it causes chain back to).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Injected {
    /// When.
    pub at: crate::time::SimTime,
    /// The `FaultInjected` event.
    pub event: crate::event::EventId,
}

/// Faults on workloads rather than machines (`chaos crashloop`, `chaos image-pull-error`): facts
/// the kubelet honours when it starts a container or pulls an image. Like node faults they are
/// not in the API: the controllers only see the pods' statuses they cause.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct WorkloadFaults {
    /// Deployments (their keys) whose containers exit with code 1 [`CRASHLOOP_RUN_MS`] after
    /// each start, as a bad release does.
    pub crashloop: std::collections::BTreeMap<super::store::Key, Injected>,
    /// Images (canonical references, `docker.io/library/nginx:1.27-alpine`) whose pulls fail on
    /// every node: the registry answers 503.
    pub image_pull_errors: std::collections::BTreeMap<String, Injected>,
}

impl WorkloadFaults {
    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.crashloop.is_empty() && self.image_pull_errors.is_empty()
    }

    /// How many there are.
    pub fn len(&self) -> usize {
        self.crashloop.len() + self.image_pull_errors.len()
    }
}

/// How long a crashlooping container runs before its process exits with code 1. ASSUMPTION: 2 s,
/// a release that fails at startup (a missing config value, a bad migration) after loading.
pub const CRASHLOOP_RUN_MS: u64 = 2_000;

/// The most workload faults at once. ASSUMPTION: a lesson breaks a handful of workloads.
pub const MAX_WORKLOAD_FAULTS: usize = 100;

/// The registry-side failure a pull of an image under `chaos image-pull-error` meets, as
/// containerd words it (`remotes/docker/resolver.go`: a HEAD request for the manifest that does
/// not answer 200): `failed to pull and unpack image "REF": failed to resolve reference "REF":
/// unexpected status from HEAD request to URL: 503 Service Unavailable`.
pub fn injected_pull_error(r: &crate::image::engine::Reference) -> String {
    let base = if r.domain == "docker.io" {
        "https://registry-1.docker.io".to_string()
    } else if r.domain.starts_with("localhost") || r.domain.starts_with("127.") {
        // containerd talks plain HTTP to a registry on localhost.
        format!("http://{}", r.domain)
    } else {
        format!("https://{}", r.domain)
    };
    let canonical = r.canonical();
    format!(
        "failed to pull and unpack image \"{canonical}\": failed to resolve reference \"{canonical}\": \
         unexpected status from HEAD request to {base}/v2/{}/manifests/{}: 503 Service Unavailable",
        r.path,
        r.tag_or_digest()
    )
}
