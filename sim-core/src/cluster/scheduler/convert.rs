//! From API objects to what the scheduler reads: a [`Pod`] to a [`PodToSchedule`] (requests
//! summed as `resourcehelper.PodRequests` does, compiled selectors), a [`Node`] to a
//! [`NodeSpec`].

use crate::cluster::api::{
    LabelSelector, Node, Pod, ResourceList, TopologySpreadConstraint, UnsatisfiableConstraintAction,
};
use crate::cluster::selector::{Operator, Requirement, Selector};

use super::pod::{
    BoundPod, PodToSchedule, SpreadConstraint, WhenUnsatisfiable, DEFAULT_MEMORY_REQUEST_BYTES,
    DEFAULT_MILLI_CPU_REQUEST,
};
use super::select::{LabelMatcher, NodeTerm, RequiredNodeAffinity};
use super::snapshot::{NodeSpec, Resources};

/// cpu (millicores) and memory (bytes) of a resource list; `(None, None)` for absent keys.
fn cpu_memory(list: &ResourceList) -> (Option<i64>, Option<i64>) {
    (
        list.get("cpu").map(|q| q.milli_value()),
        list.get("memory").map(|q| q.value()),
    )
}

/// `resourcehelper.PodRequests`: containers summed, then each resource raised to the largest
/// init container's request. With `non_zero`, a container that does not name cpu or memory
/// counts 100m / 200 MiB (`NonMissingContainerRequests`).
pub fn pod_requests(pod: &Pod, non_zero: bool) -> Resources {
    let one = |list: &ResourceList| {
        let (cpu, mem) = cpu_memory(list);
        let default_cpu = if non_zero {
            DEFAULT_MILLI_CPU_REQUEST
        } else {
            0
        };
        let default_mem = if non_zero {
            DEFAULT_MEMORY_REQUEST_BYTES
        } else {
            0
        };
        Resources {
            milli_cpu: cpu.unwrap_or(default_cpu),
            memory_bytes: mem.unwrap_or(default_mem),
        }
    };
    let mut sum = Resources::default();
    for c in &pod.spec.containers {
        let r = one(&c.resources.requests);
        sum.milli_cpu = sum.milli_cpu.saturating_add(r.milli_cpu);
        sum.memory_bytes = sum.memory_bytes.saturating_add(r.memory_bytes);
    }
    for c in &pod.spec.init_containers {
        let r = one(&c.resources.requests);
        sum.milli_cpu = sum.milli_cpu.max(r.milli_cpu);
        sum.memory_bytes = sum.memory_bytes.max(r.memory_bytes);
    }
    sum
}

/// `LabelSelectorAsSelector`: nil → nothing; invalid → nothing.
pub fn label_matcher(selector: Option<&LabelSelector>) -> LabelMatcher {
    match selector {
        None => LabelMatcher::Nothing,
        Some(s) => match Selector::from_label_selector(s) {
            Ok(sel) => LabelMatcher::Selector(sel),
            Err(_) => LabelMatcher::Nothing,
        },
    }
}

/// A spread constraint with `matchLabelKeys` merged and defaults applied
/// (common.go `filterTopologySpreadConstraints`).
pub fn spread_constraint(pod: &Pod, c: &TopologySpreadConstraint) -> SpreadConstraint {
    let mut selector = label_matcher(c.label_selector.as_ref());
    if let LabelMatcher::Selector(sel) = &mut selector {
        for key in &c.match_label_keys {
            if let Some(value) = pod.metadata.labels.get(key) {
                if let Ok(r) = Requirement::new(key, Operator::In, vec![value.clone()]) {
                    sel.requirements.push(r);
                }
            }
        }
    }
    SpreadConstraint {
        max_skew: c.max_skew,
        topology_key: c.topology_key.clone(),
        when_unsatisfiable: match c.when_unsatisfiable {
            UnsatisfiableConstraintAction::ScheduleAnyway => WhenUnsatisfiable::ScheduleAnyway,
            _ => WhenUnsatisfiable::DoNotSchedule,
        },
        selector,
        min_domains: c.min_domains.unwrap_or(1),
        honor_node_affinity: c.node_affinity_policy.as_deref() != Some("Ignore"),
        honor_node_taints: c.node_taints_policy.as_deref() == Some("Honor"),
    }
}

/// The scheduler's view of a pod. `owners_selector` is the selector of the Services,
/// ReplicaSets or StatefulSets that own it (`helper.DefaultSelector`), for the system default
/// spreading; `queued_at_ms` is when it entered the scheduling queue.
pub fn pod_to_schedule(
    pod: &Pod,
    owners_selector: Option<&LabelSelector>,
    queued_at_ms: u64,
) -> PodToSchedule {
    let spec = &pod.spec;
    let node_affinity = spec
        .affinity
        .as_ref()
        .and_then(|a| a.node_affinity.as_ref());
    let required_affinity = RequiredNodeAffinity {
        node_selector: spec.node_selector.clone(),
        terms: node_affinity
            .and_then(|na| {
                na.required_during_scheduling_ignored_during_execution
                    .as_ref()
            })
            .map(|ns| {
                ns.node_selector_terms
                    .iter()
                    .map(NodeTerm::compile)
                    .collect()
            }),
    };
    let preferred_affinity = node_affinity
        .map(|na| {
            na.preferred_during_scheduling_ignored_during_execution
                .iter()
                .map(|p| (p.weight, NodeTerm::compile(&p.preference)))
                .collect()
        })
        .unwrap_or_default();
    let namespace = if pod.metadata.namespace.is_empty() {
        "default".to_owned()
    } else {
        pod.metadata.namespace.clone()
    };
    PodToSchedule {
        name: pod.metadata.name.clone(),
        namespace,
        labels: pod.metadata.labels.clone(),
        priority: spec.priority.unwrap_or(0),
        preemption_never: spec.preemption_policy.as_deref() == Some("Never"),
        queued_at_ms,
        node_name: (!spec.node_name.is_empty()).then(|| spec.node_name.clone()),
        required_affinity,
        preferred_affinity,
        tolerations: spec.tolerations.to_vec(),
        requests: pod_requests(pod, false),
        non_zero_requests: pod_requests(pod, true),
        images: spec
            .init_containers
            .iter()
            .chain(&spec.containers)
            .map(|c| c.image.clone())
            .collect(),
        spread_constraints: spec
            .topology_spread_constraints
            .iter()
            .map(|c| spread_constraint(pod, c))
            .collect(),
        default_spread_selector: owners_selector.map(|s| label_matcher(Some(s))),
    }
}

/// What a pod already bound to a node contributes to the snapshot.
pub fn bound_pod(pod: &Pod) -> BoundPod {
    BoundPod {
        namespace: if pod.metadata.namespace.is_empty() {
            "default".to_owned()
        } else {
            pod.metadata.namespace.clone()
        },
        labels: pod.metadata.labels.clone(),
        priority: pod.spec.priority.unwrap_or(0),
        terminating: pod.metadata.deletion_timestamp.is_some(),
        requests: pod_requests(pod, false),
        non_zero_requests: pod_requests(pod, true),
    }
}

/// The scheduler's view of a node: labels, taints, cordon, allocatable cpu/memory/pods (0 when
/// absent, as `NodeInfo.Allocatable` would be) and every name of every image it holds.
pub fn node_spec(node: &Node) -> NodeSpec {
    let alloc = &node.status.allocatable;
    let (cpu, mem) = cpu_memory(alloc);
    NodeSpec {
        name: node.metadata.name.clone(),
        labels: node.metadata.labels.clone(),
        taints: node.spec.taints.clone(),
        unschedulable: node.spec.unschedulable,
        allocatable: Resources {
            milli_cpu: cpu.unwrap_or(0),
            memory_bytes: mem.unwrap_or(0),
        },
        allowed_pods: alloc.get("pods").map(|q| q.value()).unwrap_or(0),
        images: node
            .status
            .images
            .iter()
            .flat_map(|img| {
                img.names
                    .iter()
                    .map(move |n| (n.clone(), img.size_bytes.max(0) as u64))
            })
            .collect(),
    }
}
