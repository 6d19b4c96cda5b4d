//! Controllers as pure functions (Deployment, ReplicaSet, EndpointSlice, the garbage
//! collector): each reads the store (and the time) and returns the changes it wants; only the
//! simulation applies them (`super::state`) and records each as an event with its cause.
//! Nothing here mutates, draws random numbers or reads a clock.

pub mod deployment;
pub mod endpointslice;
pub mod garbage;
pub mod replicaset;

use super::api::{ConditionStatus, Object, Pod, PodPhase};
use super::store::Key;

/// A Kubernetes Event a change is reported with (`kubectl describe`'s Events table).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KubeEvent {
    /// The object the event is about.
    pub on: Key,
    /// `SuccessfulCreate`, `ScalingReplicaSet`, …
    pub reason: String,
    /// The message; `{name}` stands for the name of an object created with a generated name.
    pub message: String,
    /// `Warning` rather than `Normal`.
    pub warning: bool,
    /// The reporting component (`replicaset-controller`).
    pub source: &'static str,
}

/// How a change is reported in the event log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Why {
    /// As a Kubernetes Event.
    Event(KubeEvent),
    /// As a plain store change with this message (`{name}` as above).
    Note(String),
}

/// One change a controller asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// Create an object; with `generate_name`, its name is `metadata.generateName` plus five
    /// random characters (drawn by the simulation).
    Create {
        /// The object.
        object: Object,
        /// Whether to generate the name.
        generate_name: bool,
        /// How to report it.
        why: Why,
    },
    /// Replace an object (spec, metadata or status).
    Update {
        /// The new object.
        object: Object,
        /// How to report it.
        why: Why,
    },
    /// Delete an object (a bound pod terminates gracefully first).
    Delete {
        /// Which.
        key: Key,
        /// How to report it.
        why: Why,
    },
}

/// The label the Deployment controller puts on its ReplicaSets and their pods.
pub const POD_TEMPLATE_HASH: &str = "pod-template-hash";
/// The Deployment revision annotation.
pub const REVISION: &str = "deployment.kubernetes.io/revision";
/// The pod deletion cost annotation (lower is deleted first).
pub const DELETION_COST: &str = "controller.kubernetes.io/pod-deletion-cost";

/// Whether a pod counts for its ReplicaSet: not Succeeded/Failed, not being deleted.
pub fn is_active(pod: &Pod) -> bool {
    !matches!(
        pod.status.phase,
        Some(PodPhase::Succeeded) | Some(PodPhase::Failed)
    ) && pod.metadata.deletion_timestamp.is_none()
}

/// When the pod's Ready condition became True, if it is.
pub fn ready_since(pod: &Pod) -> Option<crate::time::SimTime> {
    pod.status
        .conditions
        .iter()
        .find(|c| c.type_ == "Ready" && c.status == ConditionStatus::True)
        .map(|c| c.last_transition_time.map(|t| t.time()).unwrap_or_default())
}

/// The pod as an owned value, if the object is one.
pub fn as_pod(o: &Object) -> Option<&Pod> {
    match o {
        Object::Pod(p) => Some(p),
        _ => None,
    }
}
