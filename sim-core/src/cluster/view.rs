//! Plain-data views of the cluster for the browser (the cluster map and the desired-vs-actual
//! panel): nodes with their request bars and pods, Deployments and ReplicaSets with their counts.
//! Read-only; built from the store on demand.

use serde::Serialize;

use super::api::{ConditionStatus, Object, ObjectKind};
use super::scheduler::convert;
use super::state::Cluster;

/// One pod in the map.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PodView {
    /// Namespace.
    pub namespace: String,
    /// Name.
    pub name: String,
    /// kubectl's STATUS (`Running`, `ContainerCreating`, `CrashLoopBackOff`, `Terminating`…).
    pub status: String,
    /// The phase (`Pending`, `Running`, …).
    pub phase: String,
    /// Ready condition.
    pub ready: bool,
    /// The ReplicaSet that owns it, if any.
    pub replicaset: Option<String>,
    /// That ReplicaSet's Deployment, if any.
    pub deployment: Option<String>,
    /// CPU requested (millicores) and memory requested (bytes).
    pub cpu_milli: i64,
    /// Memory requested in bytes.
    pub memory_bytes: i64,
}

/// One node in the map.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NodeView {
    /// Name.
    pub name: String,
    /// Ready condition.
    pub ready: bool,
    /// Cordoned.
    pub unschedulable: bool,
    /// Taints as `key=value:Effect`.
    pub taints: Vec<String>,
    /// Allocatable CPU (millicores).
    pub cpu_allocatable_milli: i64,
    /// CPU requested by its pods (millicores).
    pub cpu_requested_milli: i64,
    /// Allocatable memory (bytes).
    pub memory_allocatable_bytes: i64,
    /// Memory requested by its pods (bytes).
    pub memory_requested_bytes: i64,
    /// Allocatable pods (the kubelet's `--max-pods`).
    pub pods_allocatable: i64,
    /// Images in its engine (`nginx:1.27-alpine`).
    pub images: Vec<String>,
    /// Its pods, by name.
    pub pods: Vec<PodView>,
}

/// Desired vs actual for one Deployment or ReplicaSet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WorkloadView {
    /// `Deployment` or `ReplicaSet`.
    pub kind: String,
    /// Namespace.
    pub namespace: String,
    /// Name.
    pub name: String,
    /// Desired replicas.
    pub desired: i32,
    /// Pods it counts.
    pub current: i32,
    /// Ready pods.
    pub ready: i32,
    /// Available pods.
    pub available: i32,
    /// Owner (a ReplicaSet's Deployment).
    pub owner: Option<String>,
}

/// The whole map.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ClusterView {
    /// Nodes in name order (node-1, node-2, … node-10 sort as text).
    pub nodes: Vec<NodeView>,
    /// Pods no node holds yet (Pending, unscheduled).
    pub pending: Vec<PodView>,
    /// Deployments, then ReplicaSets.
    pub workloads: Vec<WorkloadView>,
}

fn pod_view(c: &Cluster, p: &super::api::Pod) -> PodView {
    let rs = p
        .metadata
        .controller_ref()
        .filter(|r| r.kind == "ReplicaSet")
        .map(|r| r.name.clone());
    let deployment = rs.as_ref().and_then(|rs| {
        let key = super::store::Key::new(ObjectKind::ReplicaSet, &p.metadata.namespace, rs);
        c.store.get(&key).and_then(|o| {
            o.metadata()
                .controller_ref()
                .filter(|r| r.kind == "Deployment")
                .map(|r| r.name.clone())
        })
    });
    let req = convert::pod_requests(p, false);
    PodView {
        namespace: p.metadata.namespace.clone(),
        name: p.metadata.name.clone(),
        status: pod_status(p),
        phase: p
            .status
            .phase
            .as_ref()
            .map_or("Pending".into(), |ph| ph.to_string()),
        ready: p
            .status
            .conditions
            .iter()
            .any(|c| c.type_ == "Ready" && c.status == ConditionStatus::True),
        replicaset: rs,
        deployment,
        cpu_milli: req.milli_cpu,
        memory_bytes: req.memory_bytes,
    }
}

/// The cluster map and workloads.
pub fn cluster_view(c: &Cluster) -> ClusterView {
    let mut view = ClusterView::default();
    for o in c.store.list(ObjectKind::Node, None) {
        let Object::Node(n) = o else { continue };
        let alloc = &n.status.allocatable;
        view.nodes.push(NodeView {
            name: n.metadata.name.clone(),
            ready: n
                .status
                .conditions
                .iter()
                .any(|c| c.type_ == "Ready" && c.status == ConditionStatus::True),
            unschedulable: n.spec.unschedulable,
            taints: n.spec.taints.iter().map(|t| t.to_string()).collect(),
            cpu_allocatable_milli: alloc.get("cpu").map_or(0, |q| q.milli_value()),
            cpu_requested_milli: 0,
            memory_allocatable_bytes: alloc.get("memory").map_or(0, |q| q.value()),
            memory_requested_bytes: 0,
            pods_allocatable: alloc.get("pods").map_or(0, |q| q.value()),
            images: c
                .engines
                .get(&n.metadata.name)
                .map(|e| e.tags.keys().cloned().collect())
                .unwrap_or_default(),
            pods: Vec::new(),
        });
    }
    // Node names come sorted from the store: find a pod's node by binary search.
    for o in c.store.list(ObjectKind::Pod, None) {
        let Object::Pod(p) = o else { continue };
        let pv = pod_view(c, p);
        let at = if p.spec.node_name.is_empty() {
            None
        } else {
            view.nodes
                .binary_search_by(|n| n.name.as_str().cmp(p.spec.node_name.as_str()))
                .ok()
        };
        match at.map(|i| &mut view.nodes[i]) {
            Some(n) => {
                n.cpu_requested_milli += pv.cpu_milli;
                n.memory_requested_bytes += pv.memory_bytes;
                n.pods.push(pv);
            }
            None => view.pending.push(pv),
        }
    }
    for o in c.store.list(ObjectKind::Deployment, None) {
        let Object::Deployment(d) = o else { continue };
        view.workloads.push(WorkloadView {
            kind: "Deployment".into(),
            namespace: d.metadata.namespace.clone(),
            name: d.metadata.name.clone(),
            desired: d.spec.replicas.unwrap_or(1),
            current: d.status.replicas,
            ready: d.status.ready_replicas,
            available: d.status.available_replicas,
            owner: None,
        });
    }
    for o in c.store.list(ObjectKind::ReplicaSet, None) {
        let Object::ReplicaSet(rs) = o else { continue };
        view.workloads.push(WorkloadView {
            kind: "ReplicaSet".into(),
            namespace: rs.metadata.namespace.clone(),
            name: rs.metadata.name.clone(),
            desired: rs.spec.replicas.unwrap_or(1),
            current: rs.status.replicas,
            ready: rs.status.ready_replicas,
            available: rs.status.available_replicas,
            owner: rs.metadata.controller_ref().map(|r| r.name.clone()),
        });
    }
    view
}

/// kubectl's STATUS column of a pod (printers `printPod`).
pub fn pod_status(p: &super::api::Pod) -> String {
    let mut reason = p
        .status
        .phase
        .as_ref()
        .map_or("Pending".to_string(), |ph| ph.to_string());
    if !p.status.reason.is_empty() {
        reason = p.status.reason.clone();
    }
    for s in p.status.container_statuses.iter().rev() {
        if let Some(w) = s.state.waiting.as_ref().filter(|w| !w.reason.is_empty()) {
            reason = w.reason.clone();
        } else if let Some(t) = &s.state.terminated {
            reason = if t.reason.is_empty() {
                format!("ExitCode:{}", t.exit_code)
            } else {
                t.reason.clone()
            };
        }
    }
    if p.metadata.deletion_timestamp.is_some() {
        reason = "Terminating".into();
    }
    // As `kubectl get pods` prints it here: an evicted pod shows `Evicted`.
    if super::kubelet::evicted(p) {
        reason = "Evicted".into();
    }
    reason
}
