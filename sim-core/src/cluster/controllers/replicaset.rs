//! The ReplicaSet controller (pkg/controller/replicaset): count the active pods it owns, create
//! the missing ones, delete the surplus in Kubernetes' order, report status.

use std::collections::BTreeMap;

use super::{as_pod, is_active, ready_since, Change, KubeEvent, Why, DELETION_COST};
use crate::cluster::api::{
    Object, ObjectKind, OwnerReference, Pod, PodPhase, ReplicaSet, ReplicaSetStatus,
};
use crate::cluster::store::{Key, Store};
use crate::limits;
use crate::time::SimTime;

/// Most pods one sync creates or deletes (`burstReplicas` in kube-controller-manager).
pub const BURST_REPLICAS: usize = 500;

const SOURCE: &str = "replicaset-controller";

/// The pods a ReplicaSet controls (controller ownerReference to its uid), in key order.
pub fn owned_pods<'a>(store: &'a Store, rs: &ReplicaSet) -> Vec<&'a Pod> {
    store
        .controlled_by(&rs.metadata.uid)
        .into_iter()
        .filter_map(as_pod)
        .filter(|p| p.metadata.namespace == rs.metadata.namespace)
        .collect()
}

/// One sync of the ReplicaSet at `key`.
pub fn sync(store: &Store, key: &Key, now: SimTime) -> Vec<Change> {
    let Some(Object::ReplicaSet(rs)) = store.get(key) else {
        return Vec::new();
    };
    if rs.metadata.deletion_timestamp.is_some() {
        return Vec::new();
    }
    let pods = owned_pods(store, rs);
    let owned_active: Vec<&Pod> = pods.iter().copied().filter(|p| is_active(p)).collect();
    let want = rs.spec.replicas.unwrap_or(1).max(0) as usize;
    let mut changes = Vec::new();
    let rs_key = Key::new(
        ObjectKind::ReplicaSet,
        &rs.metadata.namespace,
        &rs.metadata.name,
    );
    let (active, claim_changes) = claim_pods(store, rs, owned_active);
    changes.extend(claim_changes);
    if active.len() < want {
        let room = limits::MAX_PODS.saturating_sub(store.count(ObjectKind::Pod));
        let n = (want - active.len()).min(BURST_REPLICAS);
        if room < n {
            changes.push(Change::Update {
                object: Object::ReplicaSet(rs.clone()),
                why: Why::Event(KubeEvent {
                    on: rs_key.clone(),
                    reason: "FailedCreate".into(),
                    message: format!(
                        "Error creating: the cluster holds at most {} pods",
                        limits::MAX_PODS
                    ),
                    warning: true,
                    source: SOURCE,
                }),
            });
        }
        for _ in 0..n.min(room) {
            changes.push(Change::Create {
                object: Object::Pod(Box::new(pod_from_template(rs))),
                generate_name: true,
                why: Why::Event(KubeEvent {
                    on: rs_key.clone(),
                    reason: "SuccessfulCreate".into(),
                    message: "Created pod: {name}".into(),
                    warning: false,
                    source: SOURCE,
                }),
            });
        }
    } else if active.len() > want {
        let n = (active.len() - want).min(BURST_REPLICAS);
        for pod in scale_down_order(&active).into_iter().take(n) {
            changes.push(Change::Delete {
                key: Key::new(ObjectKind::Pod, &pod.metadata.namespace, &pod.metadata.name),
                why: Why::Event(KubeEvent {
                    on: rs_key.clone(),
                    reason: "SuccessfulDelete".into(),
                    message: format!("Deleted pod: {}", pod.metadata.name),
                    warning: false,
                    source: SOURCE,
                }),
            });
        }
    }
    let status = status_of(rs, &active, now);
    if status != rs.status {
        let mut updated = rs.clone();
        updated.status = status.clone();
        changes.push(Change::Update {
            object: Object::ReplicaSet(updated),
            why: Why::Note(format!(
                "replicaset.apps/{} status: {} replicas, {} ready, {} available",
                rs.metadata.name, status.replicas, status.ready_replicas, status.available_replicas
            )),
        });
    }
    changes
}

/// Whether a change of a pod from `before` to `after` can change what a sync of its
/// ReplicaSet does or reports: every field [`sync`] reads (whether it is active, its labels
/// and owner references for the claim, its readiness and when it began for the status, and
/// what [`scale_down_order`] ranks by). The real controller queues a sync on every pod update;
/// a change that fails this test would give a sync that changes nothing, so the model does not
/// queue it (a failover updates thousands of pods, and each sync reads all of the
/// ReplicaSet's pods).
pub fn pod_change_matters(before: &Pod, after: &Pod) -> bool {
    let restarts = |p: &Pod| -> i32 {
        p.status
            .container_statuses
            .iter()
            .map(|c| c.restart_count)
            .sum()
    };
    let cost = |p: &Pod| p.metadata.annotations.get(DELETION_COST).cloned();
    is_active(before) != is_active(after)
        || ready_since(before) != ready_since(after)
        || before.metadata.labels != after.metadata.labels
        || before.metadata.owner_references != after.metadata.owner_references
        || before.metadata.creation_timestamp != after.metadata.creation_timestamp
        || before.spec.node_name != after.spec.node_name
        || before.status.phase != after.status.phase
        || restarts(before) != restarts(after)
        || cost(before) != cost(after)
}

/// ControllerRefManager's `ClaimPods` (pkg/controller/controller_ref_manager.go) over the
/// active pods: an owned pod whose labels no longer match the selector is released (its
/// ownerReference removed; it keeps running, orphaned), an active orphan in the namespace that
/// matches and is not being deleted is adopted (the controller ownerReference added). Returns
/// the pods the ReplicaSet then counts (kept and adopted) and the pod updates. A selector that
/// does not parse claims nothing new and releases nothing.
fn claim_pods<'a>(
    store: &'a Store,
    rs: &'a ReplicaSet,
    owned_active: Vec<&'a Pod>,
) -> (Vec<&'a Pod>, Vec<Change>) {
    let selector = rs
        .spec
        .selector
        .as_ref()
        .and_then(|s| crate::cluster::selector::Selector::from_label_selector(s).ok())
        .filter(|s| !s.is_empty());
    let Some(selector) = selector else {
        return (owned_active, Vec::new());
    };
    let rs_ref = format!("replicaset.apps/{}", rs.metadata.name);
    let mut kept = Vec::new();
    let mut changes = Vec::new();
    for pod in owned_active {
        if selector.matches(&pod.metadata.labels) {
            kept.push(pod);
            continue;
        }
        let mut released = pod.clone();
        released
            .metadata
            .owner_references
            .retain(|r| r.uid != rs.metadata.uid);
        changes.push(Change::Update {
            object: Object::Pod(Box::new(released)),
            why: Why::Note(format!(
                "pod/{} released by {rs_ref}: its labels no longer match the selector \
                 (ownerReference removed)",
                pod.metadata.name
            )),
        });
    }
    for o in store.orphan_pods(&rs.metadata.namespace) {
        let Some(pod) = as_pod(o) else { continue };
        if !is_active(pod) || !selector.matches(&pod.metadata.labels) {
            continue;
        }
        let mut adopted = pod.clone();
        adopted.metadata.owner_references.push(owner_ref(rs));
        changes.push(Change::Update {
            object: Object::Pod(Box::new(adopted)),
            why: Why::Note(format!(
                "pod/{} adopted by {rs_ref}: its labels match the selector \
                 (controller ownerReference added)",
                pod.metadata.name
            )),
        });
        kept.push(pod);
    }
    (kept, changes)
}

/// The controller ownerReference a ReplicaSet puts on its pods.
fn owner_ref(rs: &ReplicaSet) -> OwnerReference {
    OwnerReference {
        api_version: "apps/v1".into(),
        kind: "ReplicaSet".into(),
        name: rs.metadata.name.clone(),
        uid: rs.metadata.uid.clone(),
        controller: Some(true),
        block_owner_deletion: Some(true),
    }
}

/// The status a sync reports: counted from the active pods it saw.
fn status_of(rs: &ReplicaSet, active: &[&Pod], now: SimTime) -> ReplicaSetStatus {
    let min_ready_ms = u64::try_from(rs.spec.min_ready_seconds.max(0)).unwrap_or(0) * 1000;
    let labels = &rs.spec.template.metadata.labels;
    let ready: Vec<SimTime> = active.iter().filter_map(|p| ready_since(p)).collect();
    ReplicaSetStatus {
        replicas: active.len() as i32,
        fully_labeled_replicas: active
            .iter()
            .filter(|p| {
                labels
                    .iter()
                    .all(|(k, v)| p.metadata.labels.get(k) == Some(v))
            })
            .count() as i32,
        ready_replicas: ready.len() as i32,
        available_replicas: ready
            .iter()
            .filter(|t| t.as_ms().saturating_add(min_ready_ms) <= now.as_ms())
            .count() as i32,
        observed_generation: rs.metadata.generation,
        conditions: rs.status.conditions.clone(),
    }
}

/// A new pod from the ReplicaSet's template: labels and annotations of the template, the
/// controller ownerReference, `generateName` `RS-`.
pub fn pod_from_template(rs: &ReplicaSet) -> Pod {
    let mut pod = Pod::named(&rs.metadata.namespace, "");
    let t = &rs.spec.template;
    pod.metadata.generate_name = format!("{}-", rs.metadata.name);
    pod.metadata.labels = t.metadata.labels.clone();
    pod.metadata.annotations = t.metadata.annotations.clone();
    pod.metadata.owner_references = vec![owner_ref(rs)].into();
    pod.spec = t.spec.clone();
    pod.status.phase = Some(PodPhase::Pending);
    pod
}

/// Active pods in the order a scale-down deletes them (controller_utils `ActivePodsWithRanks`):
/// unscheduled before scheduled; Pending before Unknown before Running; not ready before ready;
/// lower `pod-deletion-cost` first; pods sharing a node with more of this set's pods first;
/// ready for less time first; more restarts first; newer first.
pub fn scale_down_order<'a>(active: &[&'a Pod]) -> Vec<&'a Pod> {
    let mut per_node: BTreeMap<&str, usize> = BTreeMap::new();
    for p in active {
        if !p.spec.node_name.is_empty() {
            *per_node.entry(p.spec.node_name.as_str()).or_default() += 1;
        }
    }
    let mut ranked: Vec<&Pod> = active.to_vec();
    ranked.sort_by_key(|p| {
        let assigned = !p.spec.node_name.is_empty();
        let phase = match p.status.phase {
            Some(PodPhase::Pending) | None => 0,
            Some(PodPhase::Unknown) => 1,
            Some(PodPhase::Running) => 2,
            _ => 3,
        };
        let ready = ready_since(p);
        let cost: i64 = p
            .metadata
            .annotations
            .get(DELETION_COST)
            .and_then(|c| c.parse().ok())
            .unwrap_or(0);
        let rank = per_node
            .get(p.spec.node_name.as_str())
            .copied()
            .unwrap_or(0);
        let restarts: i32 = p
            .status
            .container_statuses
            .iter()
            .map(|c| c.restart_count)
            .sum();
        let created = p
            .metadata
            .creation_timestamp
            .map(|t| t.time())
            .unwrap_or_default();
        (
            assigned,
            phase,
            ready.is_some(),
            cost,
            std::cmp::Reverse(rank),
            // Ready longer (earlier) sorts later: newer readiness goes first.
            std::cmp::Reverse(ready.map(|t| t.as_ms()).unwrap_or(u64::MAX)),
            std::cmp::Reverse(restarts),
            std::cmp::Reverse(created),
            p.metadata.name.clone(),
        )
    });
    ranked
}
