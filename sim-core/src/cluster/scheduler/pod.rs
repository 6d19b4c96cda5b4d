//! The pod being scheduled, compiled once per cycle into what the plugins read, and what a bound
//! pod leaves in the snapshot.

use serde::Serialize;

pub use crate::cluster::api::{Taint, TaintEffect, Toleration};

use super::select::{LabelMatcher, Labels, NodeTerm, RequiredNodeAffinity};
use super::snapshot::Resources;

/// `DefaultMilliCPURequest` (pkg/scheduler/util/pod_resources.go): what scoring assumes for a
/// container that requests no CPU.
pub const DEFAULT_MILLI_CPU_REQUEST: i64 = 100;
/// `DefaultMemoryRequest` (same file): 200 MiB for a container that requests no memory.
pub const DEFAULT_MEMORY_REQUEST_BYTES: i64 = 200 * 1024 * 1024;

/// `whenUnsatisfiable`: whether a spread constraint filters or only scores.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum WhenUnsatisfiable {
    /// Filter (PodTopologySpread Filter).
    DoNotSchedule,
    /// Score (PodTopologySpread Score).
    ScheduleAnyway,
}

/// A topology spread constraint with its selector compiled and its defaults applied
/// (podtopologyspread/common.go `filterTopologySpreadConstraints`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpreadConstraint {
    /// `maxSkew`.
    pub max_skew: i32,
    /// `topologyKey`.
    pub topology_key: String,
    /// `whenUnsatisfiable`.
    pub when_unsatisfiable: WhenUnsatisfiable,
    /// `labelSelector` (with `matchLabelKeys` merged in); a missing selector matches nothing.
    pub selector: LabelMatcher,
    /// `minDomains`, 1 when unset.
    pub min_domains: i32,
    /// `nodeAffinityPolicy: Honor` (the default): only nodes matching the pod's nodeSelector and
    /// required affinity form domains.
    pub honor_node_affinity: bool,
    /// `nodeTaintsPolicy: Honor` (default Ignore): only nodes whose taints the pod tolerates.
    pub honor_node_taints: bool,
}

/// Everything the scheduler reads of the pod it places.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PodToSchedule {
    /// `metadata.name`.
    pub name: String,
    /// `metadata.namespace`.
    pub namespace: String,
    /// `metadata.labels`.
    pub labels: Labels,
    /// `spec.priority` (0 when unset).
    pub priority: i32,
    /// `spec.preemptionPolicy: Never`.
    pub preemption_never: bool,
    /// When the pod entered the scheduling queue (PrioritySort's tie-break).
    pub queued_at_ms: u64,
    /// `spec.nodeName` if the user set it.
    pub node_name: Option<String>,
    /// `spec.nodeSelector` and required node affinity.
    pub required_affinity: RequiredNodeAffinity,
    /// Preferred node affinity terms with their weights.
    pub preferred_affinity: Vec<(i32, NodeTerm)>,
    /// `spec.tolerations`.
    pub tolerations: Vec<Toleration>,
    /// Requests as the Fit filter counts them (containers summed, init containers maxed).
    pub requests: Resources,
    /// The same with 100m / 200 MiB for containers that do not request cpu / memory.
    pub non_zero_requests: Resources,
    /// Images of the init containers and the containers, in order (ImageLocality).
    pub images: Vec<String>,
    /// `spec.topologySpreadConstraints`, compiled.
    pub spread_constraints: Vec<SpreadConstraint>,
    /// The selector of the Services/ReplicaSets/StatefulSets owning the pod
    /// (`helper.DefaultSelector`), used by the system default spreading when the pod has no
    /// constraints of its own; `None` means the pod belongs to none of them.
    pub default_spread_selector: Option<LabelMatcher>,
}

impl PodToSchedule {
    /// What the pod leaves in the snapshot once bound.
    pub fn as_bound(&self) -> BoundPod {
        BoundPod {
            namespace: self.namespace.clone(),
            labels: self.labels.clone(),
            priority: self.priority,
            terminating: false,
            requests: self.requests,
            non_zero_requests: self.non_zero_requests,
        }
    }
}

/// What a pod bound to a node contributes to the node's snapshot.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BoundPod {
    /// `metadata.namespace`.
    pub namespace: String,
    /// `metadata.labels` (topology spread counts pods by label).
    pub labels: Labels,
    /// `spec.priority` (preemption looks for lower priorities).
    pub priority: i32,
    /// `metadata.deletionTimestamp` is set: not counted by topology spread.
    pub terminating: bool,
    /// Requests (NodeResourcesFit, BalancedAllocation).
    pub requests: Resources,
    /// Non-zero requests (LeastAllocated).
    pub non_zero_requests: Resources,
}
