//! The event log: what happened, when, to which object, and because of which earlier event.

use serde::{Deserialize, Serialize};

use crate::time::SimTime;

/// Identifies one event in the log; ids count up from 1 in the order events are recorded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EventId(pub u64);

/// The object an event touches, named as `kind/name` (like `kubectl get kind/name`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ObjectRef {
    /// Kind of object: `session`, `clock`, `file`, and later `pod`, `node`, `image`…
    pub kind: String,
    /// Its name within the kind.
    pub name: String,
}

impl ObjectRef {
    /// An object reference from its kind and name.
    pub fn new(kind: &str, name: impl Into<String>) -> Self {
        ObjectRef {
            kind: kind.to_string(),
            name: name.into(),
        }
    }
}

impl std::fmt::Display for ObjectRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.kind, self.name)
    }
}

/// What happened. Later capabilities add their own variants; the log's serialization is the
/// canonical form that `trace_hash` covers, so variants serialize with stable, explicit tags.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum EventKind {
    /// A command line was accepted and run.
    CommandRun {
        /// The command line as typed (here-document bodies omitted).
        command: String,
    },
    /// A workspace file was created or overwritten.
    FileWritten {
        /// Its size in bytes.
        bytes: u64,
    },
    /// A workspace file was removed.
    FileRemoved,
    /// Simulated time moved forward without work in between.
    ClockAdvanced {
        /// Milliseconds the clock moved.
        by_ms: u64,
    },
    /// A command was scheduled for later (`after`).
    CommandScheduled {
        /// The command line.
        command: String,
        /// When it will run.
        at_ms: u64,
    },
    /// A scheduled command ran.
    ScheduledCommandRan {
        /// The command line.
        command: String,
    },
    /// A scheduled command failed when its time came; it changed nothing.
    ScheduledCommandFailed {
        /// The command line.
        command: String,
        /// The error message.
        error: String,
    },
    /// A numbered `docker build` step ran, or came from the build cache. FROM is step 1 of
    /// its stage: `cached` when the base was already local (BuildKit prints `CACHED`), not
    /// when it was pulled.
    BuildStep {
        /// `[2/5] RUN apk add curl`.
        step: String,
        /// True when the cache supplied it.
        cached: bool,
        /// For a FROM step: its base image and whether the build pulled it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        from: Option<FromStep>,
    },
    /// `docker build` produced an image.
    ImageBuilt {
        /// The ImageID.
        id: String,
    },
    /// An image was pulled from the registry into the host's store.
    ImagePulled {
        /// The ImageID.
        id: String,
    },
    /// A layer entered the host's local layer store (object: `layer/<ChainID>`).
    LayerStored {
        /// Its DiffID.
        diff_id: String,
        /// Bytes of content.
        size_bytes: u64,
    },
    /// A tag now names an image.
    ImageTagged {
        /// The ImageID.
        id: String,
    },
    /// A tag was removed.
    ImageUntagged,
    /// An image was deleted from the host's store.
    ImageDeleted {
        /// The ImageID.
        id: String,
    },
    /// A layer left the host's local layer store.
    LayerDeleted,
    /// A container was created (object: `container/<name>`).
    ContainerCreated {
        /// Its id (64 hex digits).
        id: String,
        /// The ImageID it was created from.
        image: String,
    },
    /// A container's command started.
    ContainerStarted,
    /// A container's command ended (ran to completion, or was stopped or killed).
    ContainerExited {
        /// Its exit code.
        exit_code: i32,
    },
    /// A container was removed, and its writable layer with it.
    ContainerRemoved,
    /// `docker exec` ran a command in a container.
    ContainerExec {
        /// The command.
        command: String,
        /// Its exit code.
        exit_code: i32,
    },
    /// One phase of a container's start (create namespaces, cgroup, mount the overlay rootfs,
    /// exec the process) ended: recorded at its end, with where it began and how long it took.
    ContainerStartPhase {
        /// The phase.
        phase: String,
        /// When it begins, from the start of the container's start (ms).
        offset_ms: u64,
        /// How long it takes (ms).
        duration_ms: u64,
    },
    /// A workload (`stress`, `tail /dev/zero`) started in a container (object: the container).
    WorkloadStarted {
        /// Its command.
        command: String,
        /// Its PID in the container's namespace.
        pid: u32,
        /// Its PID on the host.
        host_pid: u32,
    },
    /// A workload ended (its timeout, or its parent saw a worker killed).
    WorkloadEnded {
        /// Its command.
        command: String,
        /// Its exit code.
        exit_code: i32,
    },
    /// The kernel's OOM killer killed a process of a container's memory cgroup (SIGKILL: the
    /// process's exit status is 137 = 128 + 9).
    OomKilled {
        /// The killed process's PID in the container's namespace.
        pid: u32,
        /// Its PID on the host.
        host_pid: u32,
        /// Its command.
        command: String,
        /// The cgroup's memory in use when the limit was crossed.
        usage_bytes: u64,
        /// The limit it crossed.
        limit_bytes: u64,
    },
    /// `docker commit` made an image from a container's writable layer.
    ImageCommitted {
        /// The new ImageID.
        id: String,
    },
    /// A layer blob reached the registry (object: `layer/<DiffID>`).
    LayerPushed {
        /// `Pushed`, `Layer already exists` or `Mounted from …`.
        how: String,
    },
    /// A manifest was pushed under a tag (object: `image/<repository:tag>`).
    ImagePushed {
        /// The manifest digest.
        digest: String,
    },
    /// An image was written to a workspace file as an OCI image layout archive.
    ImageSaved {
        /// The ImageID.
        id: String,
        /// Bytes of the archive.
        bytes: u64,
    },
    /// `host set` changed the host (object: `host/host`).
    HostConfigured {
        /// Physical cores.
        cores: u32,
        /// Physical memory in bytes.
        memory_bytes: u64,
        /// Disk in bytes.
        disk_bytes: u64,
    },
    /// A VM was defined (object: `vm/<name>`); it holds its disk image, no memory.
    VmCreated {
        /// `full` or `microvm`.
        profile: String,
        /// The guest image.
        image: String,
        /// vCPUs.
        cpus: u32,
        /// Guest memory in bytes.
        memory_bytes: u64,
        /// Disk image in bytes.
        disk_bytes: u64,
    },
    /// A VM was powered on: host memory reserved, first boot phase begun.
    VmStarting {
        /// Host memory reserved: guest memory plus the VMM's overhead.
        reserved_bytes: u64,
    },
    /// One boot phase of a VM ended.
    VmBootPhase {
        /// `firmware`, `kernel`, `init`, `services` or `app`.
        phase: String,
        /// How long it took.
        duration_ms: u64,
    },
    /// A VM finished booting and runs its app.
    VmRunning {
        /// Milliseconds from power-on.
        boot_ms: u64,
    },
    /// A VM was powered off.
    VmStopped {
        /// Host memory released.
        released_bytes: u64,
    },
    /// A stopped VM was deleted, and its disk image with it.
    VmDeleted,
    /// `vm exec` ran a command in a VM.
    VmExec {
        /// The command.
        command: String,
        /// Its exit code.
        exit_code: i32,
    },
    /// The guest kernel's OOM killer killed a process inside a VM: the guest ran out of its own
    /// memory. The host (which reserved the guest memory at power-on) is not touched.
    VmGuestOomKilled {
        /// The killed process's PID in the guest.
        pid: u32,
        /// What it tried to hold.
        bytes: u64,
        /// What the guest had available for it.
        available_bytes: u64,
    },
    /// `host density` ran its experiment on a copy of the host (object: `host/host`); nothing
    /// was started. One row per kind: how many fit and what stopped the next one.
    DensityMeasured {
        /// Host memory.
        memory_bytes: u64,
        /// Host memory free before the first instance (not reserved by VMs, not held by
        /// containers' processes).
        free_memory_bytes: u64,
        /// Host disk free before the first instance.
        free_disk_bytes: u64,
        /// The cap on instances of one kind (`--max`).
        max: u64,
        /// The VM rows, then the container row.
        rows: Vec<crate::host::density::DensityRow>,
    },
    /// `bench` ran a workload (object: `bench/<workload>`) for its run time.
    BenchRan {
        /// The workload.
        workload: String,
        /// `host`, `container`, `vm` or `vm-tuned`.
        platform: String,
        /// The modelled figure in tenths of `unit` (fixed point).
        figure_tenths: u64,
        /// The figure's unit.
        unit: String,
        /// Simulated time the run took.
        run_ms: u64,
    },
    /// `cluster create` made a cluster (object: `cluster/<name>`).
    ClusterCreated {
        /// Worker nodes.
        nodes: u32,
    },
    /// An API object was created, changed or deleted (object: `pod/web-abc`, `pod/ns/web-abc`
    /// outside `default`).
    ApiObjectChanged {
        /// `created`, `configured`, `updated`, `status`, `deleting`, `deleted`.
        verb: String,
    },
    /// A Kubernetes Event (what `kubectl describe` lists): `Scheduled`, `Pulling`,
    /// `SuccessfulCreate`, `ScalingReplicaSet`…, about the event's object.
    KubeEvent {
        /// The reason.
        reason: String,
        /// The reporting component (`default-scheduler`, `kubelet`, `replicaset-controller`).
        source: String,
        /// `Warning` rather than `Normal`.
        warning: bool,
    },
    /// Chaos broke or healed something (`chaos node-crash`, `chaos heal`…; object: the node or
    /// pod). What follows from it (missed heartbeats, taints, evictions) points back to it.
    FaultInjected {
        /// The fault: `node-crash`, `node-recover`, `kubelet-stop`, `kubelet-start`,
        /// `partition`, `heal`, `clear`, `pod-kill`.
        fault: String,
    },
    /// The node lifecycle controller found a zone in a new state (object: `zone/NAME`, or
    /// `cluster/zones` for master disruption mode), which sets how fast it taints not ready
    /// nodes NoExecute (see `cluster::noexecute`).
    ZoneStateChanged {
        /// `Normal`, `PartialDisruption` or `FullDisruption`.
        state: String,
    },
    /// Traffic changed character (object: `traffic/svc/web`, `traffic/lb/front`) or a
    /// hand-made load balancer changed (object: `lb/front`); see `cluster::traffic`.
    Traffic {
        /// `started`, `stopped`, `ok`, `failing`, `no-endpoints`, `lb-created`,
        /// `backend-added`, `backend-removed`.
        change: String,
    },
}

impl EventKind {
    /// The variant's name, as the event log's "kind" column shows it.
    pub fn name(&self) -> &'static str {
        match self {
            EventKind::CommandRun { .. } => "CommandRun",
            EventKind::FileWritten { .. } => "FileWritten",
            EventKind::FileRemoved => "FileRemoved",
            EventKind::ClockAdvanced { .. } => "ClockAdvanced",
            EventKind::CommandScheduled { .. } => "CommandScheduled",
            EventKind::ScheduledCommandRan { .. } => "ScheduledCommandRan",
            EventKind::ScheduledCommandFailed { .. } => "ScheduledCommandFailed",
            EventKind::BuildStep { .. } => "BuildStep",
            EventKind::ImageBuilt { .. } => "ImageBuilt",
            EventKind::ImagePulled { .. } => "ImagePulled",
            EventKind::LayerStored { .. } => "LayerStored",
            EventKind::ImageTagged { .. } => "ImageTagged",
            EventKind::ImageUntagged => "ImageUntagged",
            EventKind::ImageDeleted { .. } => "ImageDeleted",
            EventKind::LayerDeleted => "LayerDeleted",
            EventKind::ContainerCreated { .. } => "ContainerCreated",
            EventKind::ContainerStarted => "ContainerStarted",
            EventKind::ContainerExited { .. } => "ContainerExited",
            EventKind::ContainerRemoved => "ContainerRemoved",
            EventKind::ContainerExec { .. } => "ContainerExec",
            EventKind::ContainerStartPhase { .. } => "ContainerStartPhase",
            EventKind::WorkloadStarted { .. } => "WorkloadStarted",
            EventKind::WorkloadEnded { .. } => "WorkloadEnded",
            EventKind::OomKilled { .. } => "OomKilled",
            EventKind::ImageCommitted { .. } => "ImageCommitted",
            EventKind::LayerPushed { .. } => "LayerPushed",
            EventKind::ImagePushed { .. } => "ImagePushed",
            EventKind::ImageSaved { .. } => "ImageSaved",
            EventKind::HostConfigured { .. } => "HostConfigured",
            EventKind::VmCreated { .. } => "VmCreated",
            EventKind::VmStarting { .. } => "VmStarting",
            EventKind::VmBootPhase { .. } => "VmBootPhase",
            EventKind::VmRunning { .. } => "VmRunning",
            EventKind::VmStopped { .. } => "VmStopped",
            EventKind::VmDeleted => "VmDeleted",
            EventKind::VmExec { .. } => "VmExec",
            EventKind::VmGuestOomKilled { .. } => "VmGuestOomKilled",
            EventKind::BenchRan { .. } => "BenchRan",
            EventKind::DensityMeasured { .. } => "DensityMeasured",
            EventKind::ClusterCreated { .. } => "ClusterCreated",
            EventKind::ApiObjectChanged { .. } => "ApiObjectChanged",
            EventKind::KubeEvent { .. } => "KubeEvent",
            EventKind::FaultInjected { .. } => "FaultInjected",
            EventKind::ZoneStateChanged { .. } => "ZoneStateChanged",
            EventKind::Traffic { .. } => "Traffic",
        }
    }
}

/// The base of a FROM build step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FromStep {
    /// The base as BuildKit shows it: `docker.io/library/alpine:3.20@sha256:…`, an earlier
    /// stage's name, or `scratch`.
    pub base: String,
    /// True when the build pulled the base from the registry (its layers were not local).
    pub pulled: bool,
}

/// One entry of the event log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// Its id (1-based, in log order).
    pub id: EventId,
    /// When it happened.
    pub time: SimTime,
    /// What happened.
    pub kind: EventKind,
    /// The object it touches.
    pub object: ObjectRef,
    /// The event that caused it, where there is one: the seed of the "why" view.
    pub cause: Option<EventId>,
    /// A one-line human description.
    pub message: String,
}
