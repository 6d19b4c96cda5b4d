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
    /// The container runtime (containerd) stopped (`chaos runtime-stop`): running containers
    /// keep running under their shims and serving, the kubelet still renews its Lease, but it
    /// cannot start, stop or check a container, and reports the node NotReady.
    pub runtime_stopped: bool,
    /// Available memory is below the kubelet's hard eviction threshold (`chaos memory-pressure`).
    pub memory_pressure: bool,
    /// The node's filesystem (nodefs) is below its threshold (`chaos disk-pressure`).
    pub disk_pressure: bool,
}

impl NodeFault {
    /// Whether the node is healthy.
    pub fn is_healthy(&self) -> bool {
        self.heartbeats() && !self.memory_pressure && !self.disk_pressure && !self.runtime_stopped
    }

    /// Whether the kubelet can act on the node's containers (start, stop, probe, evict): it
    /// runs, reaches the API server and has a container runtime to talk to.
    pub fn kubelet_acts(&self) -> bool {
        self.heartbeats() && !self.runtime_stopped
    }

    /// Whether the kubelet's heartbeats (Lease renewals, status updates) reach the API server
    /// (resource pressure does not stop them).
    pub fn heartbeats(&self) -> bool {
        !self.down && !self.kubelet_stopped && !self.partitioned
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
    /// Undo a partition, a kubelet stop, a runtime stop and resource pressure.
    Heal,
    /// The container runtime stops (`chaos runtime-stop`).
    RuntimeStop,
    /// The container runtime starts again (`chaos runtime-start`).
    RuntimeStart,
    /// Available memory drops below the eviction threshold (`chaos memory-pressure`).
    MemoryPressure,
    /// The node's filesystem fills up below its threshold (`chaos disk-pressure`).
    DiskPressure,
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
    /// Every running node labelled `topology.kubernetes.io/zone=ZONE` crashes (`chaos random`;
    /// the target is the zone), as `chaos zone-outage ZONE` does.
    ZoneOutage,
    /// Every crashed node of the zone comes back (the undo of a random zone outage).
    ZoneRecover,
    /// The Deployment (the target, `NS/NAME`) stops crashlooping: containers that start from now
    /// on keep running (the undo of a random crashloop).
    CrashloopEnd,
    /// Pulls of the image (the target, its canonical reference) succeed again (the undo of a
    /// random image pull error).
    ImagePullRecover,
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
            FaultAction::RuntimeStop => "runtime-stop",
            FaultAction::RuntimeStart => "runtime-start",
            FaultAction::MemoryPressure => "memory-pressure",
            FaultAction::DiskPressure => "disk-pressure",
            FaultAction::Clear => "clear",
            FaultAction::PodKill => "pod-kill",
            FaultAction::Crashloop => "crashloop",
            FaultAction::ImagePullError => "image-pull-error",
            FaultAction::ZoneOutage => "zone-outage",
            FaultAction::ZoneRecover => "zone-recover",
            FaultAction::CrashloopEnd => "crashloop-end",
            FaultAction::ImagePullRecover => "image-pull-recover",
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
                f.runtime_stopped = false;
                f.memory_pressure = false;
                f.disk_pressure = false;
            }
            FaultAction::RuntimeStop => f.runtime_stopped = true,
            FaultAction::RuntimeStart => f.runtime_stopped = false,
            FaultAction::MemoryPressure => f.memory_pressure = true,
            FaultAction::DiskPressure => f.disk_pressure = true,
            FaultAction::Clear => f = NodeFault::default(),
            FaultAction::PodKill
            | FaultAction::Crashloop
            | FaultAction::ImagePullError
            | FaultAction::ZoneOutage
            | FaultAction::ZoneRecover
            | FaultAction::CrashloopEnd
            | FaultAction::ImagePullRecover => {}
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
        if self.runtime_stopped {
            parts.push("runtime stopped");
        }
        if self.memory_pressure {
            parts.push("memory pressure");
        }
        if self.disk_pressure {
            parts.push("disk pressure");
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
    /// and its end the Deployment's `NAMESPACE/NAME`, for an image pull error and its recovery
    /// the image's canonical reference, for a zone outage and its recovery the zone).
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

/// A resource whose shortage makes the kubelet evict pods (`pkg/kubelet/eviction`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Pressure {
    /// `memory.available`, the node condition MemoryPressure.
    Memory,
    /// `nodefs.available`, the node condition DiskPressure.
    Disk,
}

impl Pressure {
    /// Both, in the order the kubelet reports them.
    pub const ALL: [Pressure; 2] = [Pressure::Memory, Pressure::Disk];

    /// The node condition's type.
    pub fn condition(self) -> &'static str {
        match self {
            Pressure::Memory => "MemoryPressure",
            Pressure::Disk => "DiskPressure",
        }
    }

    /// The condition's reason and message when True, then when False (the kubelet's node status
    /// setters, `pkg/kubelet/nodestatus/setters.go`).
    pub fn wording(self, on: bool) -> (&'static str, &'static str) {
        match (self, on) {
            (Pressure::Memory, true) => (
                "KubeletHasInsufficientMemory",
                "kubelet has insufficient memory available",
            ),
            (Pressure::Memory, false) => (
                "KubeletHasSufficientMemory",
                "kubelet has sufficient memory available",
            ),
            (Pressure::Disk, true) => ("KubeletHasDiskPressure", "kubelet has disk pressure"),
            (Pressure::Disk, false) => ("KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
        }
    }

    /// The node event the kubelet records when the condition changes (`NodeHasInsufficientMemory`).
    pub fn node_event(self, on: bool) -> &'static str {
        match (self, on) {
            (Pressure::Memory, true) => "NodeHasInsufficientMemory",
            (Pressure::Memory, false) => "NodeHasSufficientMemory",
            (Pressure::Disk, true) => "NodeHasDiskPressure",
            (Pressure::Disk, false) => "NodeHasNoDiskPressure",
        }
    }

    /// The NoSchedule taint the node lifecycle controller puts on a node with the condition
    /// (`v1.TaintNodeMemoryPressure`, `v1.TaintNodeDiskPressure`).
    pub fn taint(self) -> &'static str {
        match self {
            Pressure::Memory => "node.kubernetes.io/memory-pressure",
            Pressure::Disk => "node.kubernetes.io/disk-pressure",
        }
    }

    /// The resource the eviction manager reclaims (`Attempting to reclaim memory`); nodefs is
    /// reclaimed as `ephemeral-storage`.
    pub fn resource(self) -> &'static str {
        match self {
            Pressure::Memory => "memory",
            Pressure::Disk => "ephemeral-storage",
        }
    }

    /// The default hard threshold as `--eviction-hard` writes it.
    pub fn threshold(self) -> &'static str {
        match self {
            Pressure::Memory => "memory.available<100Mi",
            Pressure::Disk => "nodefs.available<10%",
        }
    }

    /// The threshold's quantity and the available amount as the eviction message prints them
    /// (`Threshold quantity: 100Mi, available: 51200Ki`). The threshold is the kubelet's default
    /// (`pkg/kubelet/eviction/defaults_linux.go`: `memory.available<100Mi`,
    /// `nodefs.available<10%`); ASSUMPTION: the node's filesystem is 100Gi, so 10% is 10Gi;
    /// ASSUMPTION: under the fault 50Mi of memory (5Gi of disk) is left.
    pub fn quantities(self) -> (&'static str, &'static str) {
        match self {
            Pressure::Memory => ("100Mi", "51200Ki"),
            Pressure::Disk => ("10Gi", "5Gi"),
        }
    }

    /// How much the evictions must free before the signal is back above the threshold.
    /// ASSUMPTION: 512Mi of memory, 2Gi of disk.
    pub fn deficit(self) -> u64 {
        match self {
            Pressure::Memory => 512 * MIB,
            Pressure::Disk => 2 * 1024 * MIB,
        }
    }

    /// What evicting a pod with no request of the resource frees. ASSUMPTION: a BestEffort pod
    /// uses 64Mi of memory; a pod writes 1Gi to its writable layer and logs.
    pub fn unrequested_usage(self) -> u64 {
        match self {
            Pressure::Memory => 64 * MIB,
            Pressure::Disk => 1024 * MIB,
        }
    }
}

const MIB: u64 = 1024 * 1024;

/// The kubelet's eviction state for one pressure on one node.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct PressureState {
    /// The `FaultInjected` event that began it (what the evictions chain back to).
    pub event: crate::event::EventId,
    /// Bytes the evictions must still free (0: the signal is above the threshold again).
    pub left: u64,
    /// The last housekeeping that observed the signal below the threshold.
    pub observed: Option<crate::time::SimTime>,
    /// Whether the node condition is True.
    pub reported: bool,
    /// How many pods were evicted for it.
    pub evicted: u32,
}

/// The eviction manager's state on one node.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct NodePressure {
    /// Each pressure the node has had and not yet recovered from.
    pub by: std::collections::BTreeMap<Pressure, PressureState>,
    /// When the next housekeeping pass is queued (a queued pass at another time is stale).
    pub next_round: Option<crate::time::SimTime>,
}

/// The kubelet's housekeeping interval, which the eviction manager's monitoring follows
/// (kubelet `--housekeeping-interval`, default 10 s; `evictionMonitoringPeriod` 10 s).
pub const HOUSEKEEPING_MS: u64 = 10_000;
/// How long a pressure condition stays True after the signal was last seen below its
/// threshold (kubelet `--eviction-pressure-transition-period`, default 5m).
pub const PRESSURE_TRANSITION_MS: u64 = 300_000;
