//! The Deployment controller (pkg/controller/deployment): one ReplicaSet per pod template
//! (named `DEPLOYMENT-HASH`, labelled `pod-template-hash`), rolling updates within maxSurge and
//! maxUnavailable, Recreate, revisions, status. Each sync makes at most one scaling step, as
//! `rolloutRolling` returns after scaling up or down.

use super::replicaset::owned_pods;
use super::{Change, KubeEvent, Why, POD_TEMPLATE_HASH, REVISION};
use crate::cluster::api::{
    ConditionStatus, Deployment, DeploymentCondition, DeploymentStatus, DeploymentStrategyType,
    IntOrString, Object, ObjectKind, OwnerReference, PodTemplateSpec, ReplicaSet, Timestamp,
};
use crate::cluster::store::{Key, Store};
use crate::time::SimTime;

const SOURCE: &str = "deployment-controller";

/// Default `revisionHistoryLimit`.
pub const DEFAULT_REVISION_HISTORY_LIMIT: i32 = 10;

/// The characters `rand.SafeEncodeString` uses (no vowels, no 0/1/3: no words, no look-alikes).
pub const ALPHANUMS: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

/// The pod-template-hash of a template: FNV-32a over its canonical JSON, written in decimal and
/// encoded with [`ALPHANUMS`] as `controller.ComputeHash` does (k8s hashes its own printing of
/// the struct; the JSON stands in for it, so values differ from a real cluster's but are as
/// stable).
pub fn template_hash(template: &PodTemplateSpec) -> String {
    let json = serde_json::to_vec(template).unwrap_or_default();
    let mut h: u32 = 0x811c_9dc5;
    for b in json {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h.to_string()
        .bytes()
        .map(|b| ALPHANUMS[usize::from(b) % ALPHANUMS.len()] as char)
        .collect()
}

/// The revision annotation of an object as a number (0 when absent or malformed).
pub fn revision_of(annotations: &crate::cluster::api::StringMap) -> i64 {
    annotations
        .get(REVISION)
        .and_then(|r| r.parse().ok())
        .unwrap_or(0)
}

/// (maxSurge, maxUnavailable) for `replicas` (`ResolveFenceposts`): surge rounds up,
/// unavailable down; both 0 makes unavailable 1.
pub fn fenceposts(d: &Deployment, replicas: i32) -> (i32, i32) {
    let ru = d.spec.strategy.rolling_update.as_ref();
    let default = IntOrString::from("25%");
    let surge = ru
        .and_then(|r| r.max_surge.as_ref())
        .unwrap_or(&default)
        .scaled_value(replicas, true)
        .unwrap_or(0)
        .max(0);
    let unavailable = ru
        .and_then(|r| r.max_unavailable.as_ref())
        .unwrap_or(&default)
        .scaled_value(replicas, false)
        .unwrap_or(0)
        .max(0);
    if surge == 0 && unavailable == 0 {
        (0, 1)
    } else {
        (surge, unavailable)
    }
}

/// The ReplicaSets a Deployment controls, oldest first.
pub fn owned_replicasets<'a>(store: &'a Store, d: &Deployment) -> Vec<&'a ReplicaSet> {
    let mut v: Vec<&ReplicaSet> = store
        .list(ObjectKind::ReplicaSet, Some(&d.metadata.namespace))
        .filter_map(|o| match o {
            Object::ReplicaSet(rs) => Some(rs.as_ref()),
            _ => None,
        })
        .filter(|rs| {
            rs.metadata
                .controller_ref()
                .is_some_and(|r| r.uid == d.metadata.uid)
        })
        .collect();
    v.sort_by_key(|rs| (rs.metadata.creation_timestamp, rs.metadata.name.clone()));
    v
}

fn scale(d: &Deployment, rs: &ReplicaSet, to: i32) -> Change {
    let from = rs.spec.replicas.unwrap_or(1);
    let mut new = (*rs).clone();
    new.spec.replicas = Some(to);
    new.metadata.annotations.insert(
        "deployment.kubernetes.io/desired-replicas".into(),
        d.spec.replicas.unwrap_or(1).to_string(),
    );
    Change::Update {
        object: Object::ReplicaSet(Box::new(new)),
        why: Why::Event(KubeEvent {
            on: Key::new(
                ObjectKind::Deployment,
                &d.metadata.namespace,
                &d.metadata.name,
            ),
            reason: "ScalingReplicaSet".into(),
            message: format!(
                "Scaled {} replica set {} to {to} from {from}",
                if to > from { "up" } else { "down" },
                rs.metadata.name
            ),
            warning: false,
            source: SOURCE,
        }),
    }
}

/// One sync of the Deployment at `key`.
pub fn sync(store: &Store, key: &Key, now: SimTime) -> Vec<Change> {
    let Some(Object::Deployment(d)) = store.get(key) else {
        return Vec::new();
    };
    if d.metadata.deletion_timestamp.is_some() {
        return Vec::new();
    }
    let replicas = d.spec.replicas.unwrap_or(1).max(0);
    let hash = template_hash(&d.spec.template);
    let all = owned_replicasets(store, d);
    let new_rs = all
        .iter()
        .copied()
        .find(|rs| rs.metadata.labels.get(POD_TEMPLATE_HASH) == Some(&hash));
    let old: Vec<&ReplicaSet> = all
        .iter()
        .copied()
        .filter(|rs| rs.metadata.labels.get(POD_TEMPLATE_HASH) != Some(&hash))
        .collect();
    let max_old_revision = old
        .iter()
        .map(|rs| revision_of(&rs.metadata.annotations))
        .max()
        .unwrap_or(0);
    let recreate = d.spec.strategy.type_ == Some(DeploymentStrategyType::Recreate);
    let (surge, unavailable) = fenceposts(d, replicas);
    let spec_sum: i32 = all.iter().map(|rs| rs.spec.replicas.unwrap_or(1)).sum();

    let Some(new_rs) = new_rs else {
        let old_pods_exist = old.iter().any(|rs| !owned_pods(store, rs).is_empty());
        let start = if recreate {
            if old_pods_exist || old.iter().any(|rs| rs.spec.replicas.unwrap_or(1) > 0) {
                0
            } else {
                replicas
            }
        } else {
            (replicas + surge - spec_sum).clamp(0, replicas)
        };
        return vec![new_replicaset(d, &hash, max_old_revision + 1, start)];
    };

    // A template that came back (rollout undo) takes the next revision.
    if revision_of(&new_rs.metadata.annotations) <= max_old_revision {
        let mut rs = (*new_rs).clone();
        rs.metadata
            .annotations
            .insert(REVISION.into(), (max_old_revision + 1).to_string());
        return vec![Change::Update {
            object: Object::ReplicaSet(Box::new(rs)),
            why: Why::Note(format!(
                "replicaset.apps/{} is revision {}",
                new_rs.metadata.name,
                max_old_revision + 1
            )),
        }];
    }

    let new_spec = new_rs.spec.replicas.unwrap_or(1);
    let old_active: Vec<&&ReplicaSet> = old
        .iter()
        .filter(|rs| rs.spec.replicas.unwrap_or(1) > 0)
        .collect();
    if !d.spec.paused {
        if old_active.is_empty() {
            if new_spec != replicas
                && !(recreate && old.iter().any(|rs| !owned_pods(store, rs).is_empty()))
            {
                return vec![scale(d, new_rs, replicas)];
            }
        } else if recreate {
            return old_active.iter().map(|rs| scale(d, rs, 0)).collect();
        } else {
            // reconcileNewReplicaSet.
            if new_spec < replicas && spec_sum < replicas + surge {
                let up = (replicas + surge - spec_sum).min(replicas - new_spec);
                return vec![scale(d, new_rs, new_spec + up)];
            }
            if new_spec > replicas {
                return vec![scale(d, new_rs, replicas)];
            }
            // reconcileOldReplicaSets.
            let min_available = replicas - unavailable;
            let new_unavailable = (new_spec - new_rs.status.available_replicas).max(0);
            let max_scaled_down = spec_sum - min_available - new_unavailable;
            if max_scaled_down > 0 {
                let mut changes = Vec::new();
                // cleanupUnhealthyReplicas: old pods that are not available go first.
                let mut budget = max_scaled_down;
                let mut cleaned = std::collections::BTreeMap::new();
                for rs in &old_active {
                    if budget == 0 {
                        break;
                    }
                    let spec = rs.spec.replicas.unwrap_or(1);
                    let unhealthy = spec - rs.status.available_replicas;
                    if unhealthy <= 0 {
                        continue;
                    }
                    let down = unhealthy.min(budget);
                    budget -= down;
                    cleaned.insert(rs.metadata.name.clone(), spec - down);
                    changes.push(scale(d, rs, spec - down));
                }
                if !changes.is_empty() {
                    return changes;
                }
                // scaleDownOldReplicaSetsForRollingUpdate.
                let available: i32 = all.iter().map(|rs| rs.status.available_replicas).sum();
                let mut total = available - min_available;
                for rs in &old_active {
                    if total <= 0 {
                        break;
                    }
                    let spec = rs.spec.replicas.unwrap_or(1);
                    let down = spec.min(total);
                    total -= down;
                    changes.push(scale(d, rs, spec - down));
                }
                if !changes.is_empty() {
                    return changes;
                }
            }
        }
    }

    let mut changes = Vec::new();
    // Old ReplicaSets beyond revisionHistoryLimit, scaled to zero and empty, are deleted.
    let limit = d
        .spec
        .revision_history_limit
        .unwrap_or(DEFAULT_REVISION_HISTORY_LIMIT)
        .max(0) as usize;
    let mut idle: Vec<&&ReplicaSet> = old
        .iter()
        .filter(|rs| rs.spec.replicas == Some(0) && rs.status.replicas == 0)
        .collect();
    idle.sort_by_key(|rs| revision_of(&rs.metadata.annotations));
    if idle.len() > limit {
        for rs in &idle[..idle.len() - limit] {
            changes.push(Change::Delete {
                key: Key::new(
                    ObjectKind::ReplicaSet,
                    &rs.metadata.namespace,
                    &rs.metadata.name,
                ),
                why: Why::Note(format!(
                    "replicaset.apps/{} deleted: beyond revisionHistoryLimit {limit}",
                    rs.metadata.name
                )),
            });
        }
    }

    // Status and the revision annotation.
    let mut updated = d.as_ref().clone();
    let rev = new_rs
        .metadata
        .annotations
        .get(REVISION)
        .cloned()
        .unwrap_or_else(|| "1".into());
    updated.metadata.annotations.insert(REVISION.into(), rev);
    let available: i32 = all.iter().map(|rs| rs.status.available_replicas).sum();
    updated.status = DeploymentStatus {
        observed_generation: d.metadata.generation,
        replicas: all.iter().map(|rs| rs.status.replicas).sum(),
        updated_replicas: new_rs.status.replicas,
        ready_replicas: all.iter().map(|rs| rs.status.ready_replicas).sum(),
        available_replicas: available,
        unavailable_replicas: (replicas - available).max(0),
        conditions: d.status.conditions.clone(),
        collision_count: d.status.collision_count,
    };
    let s = &updated.status;
    let available_ok = s.available_replicas >= replicas - unavailable;
    let complete = s.updated_replicas == replicas
        && s.replicas == replicas
        && s.available_replicas == replicas;
    let conditions = [
        if available_ok {
            (
                "Available",
                ConditionStatus::True,
                "MinimumReplicasAvailable",
                "Deployment has minimum availability.".to_string(),
            )
        } else {
            (
                "Available",
                ConditionStatus::False,
                "MinimumReplicasUnavailable",
                "Deployment does not have minimum availability.".to_string(),
            )
        },
        if complete {
            (
                "Progressing",
                ConditionStatus::True,
                "NewReplicaSetAvailable",
                format!(
                    "ReplicaSet {:?} has successfully progressed.",
                    new_rs.metadata.name
                ),
            )
        } else {
            (
                "Progressing",
                ConditionStatus::True,
                "ReplicaSetUpdated",
                format!("ReplicaSet {:?} is progressing.", new_rs.metadata.name),
            )
        },
    ];
    for (type_, status, reason, message) in conditions {
        set_condition(
            &mut updated.status.conditions,
            type_,
            status,
            reason,
            &message,
            now,
        );
    }
    if updated != **d {
        let s = &updated.status;
        changes.push(Change::Update {
            why: Why::Note(format!(
                "deployment.apps/{} status: {} replicas, {} updated, {} ready, {} available",
                d.metadata.name,
                s.replicas,
                s.updated_replicas,
                s.ready_replicas,
                s.available_replicas
            )),
            object: Object::Deployment(Box::new(updated)),
        });
    }
    changes
}

/// Sets a Deployment condition: `lastUpdateTime` moves when the reason or message changes,
/// `lastTransitionTime` when the status does.
fn set_condition(
    conditions: &mut Vec<DeploymentCondition>,
    type_: &str,
    status: ConditionStatus,
    reason: &str,
    message: &str,
    now: SimTime,
) {
    let t = Some(Timestamp::at(now));
    match conditions.iter_mut().find(|c| c.type_ == type_) {
        Some(c) => {
            if c.status != status {
                c.status = status;
                c.last_transition_time = t;
            }
            if c.reason != reason || c.message != message {
                c.reason = reason.into();
                c.message = message.into();
                c.last_update_time = t;
            }
        }
        None => conditions.push(DeploymentCondition {
            type_: type_.into(),
            status,
            last_update_time: t,
            last_transition_time: t,
            reason: reason.into(),
            message: message.into(),
        }),
    }
}

fn new_replicaset(d: &Deployment, hash: &str, revision: i64, replicas: i32) -> Change {
    let mut rs = ReplicaSet::named(
        &d.metadata.namespace,
        &format!("{}-{hash}", d.metadata.name),
    );
    let mut template = d.spec.template.clone();
    template
        .metadata
        .labels
        .insert(POD_TEMPLATE_HASH.into(), hash.to_string());
    rs.metadata.labels = template.metadata.labels.clone();
    rs.metadata
        .annotations
        .insert(REVISION.into(), revision.to_string());
    rs.metadata.annotations.insert(
        "deployment.kubernetes.io/desired-replicas".into(),
        d.spec.replicas.unwrap_or(1).to_string(),
    );
    rs.metadata.owner_references = vec![OwnerReference {
        api_version: "apps/v1".into(),
        kind: "Deployment".into(),
        name: d.metadata.name.clone(),
        uid: d.metadata.uid.clone(),
        controller: Some(true),
        block_owner_deletion: Some(true),
    }]
    .into();
    let mut selector = d.spec.selector.clone().unwrap_or_default();
    selector
        .match_labels
        .insert(POD_TEMPLATE_HASH.into(), hash.to_string());
    rs.spec.selector = Some(selector);
    rs.spec.template = template;
    rs.spec.replicas = Some(replicas);
    rs.spec.min_ready_seconds = d.spec.min_ready_seconds;
    let on = Key::new(
        ObjectKind::Deployment,
        &d.metadata.namespace,
        &d.metadata.name,
    );
    let name = rs.metadata.name.clone();
    Change::Create {
        object: Object::ReplicaSet(Box::new(rs)),
        generate_name: false,
        why: if replicas > 0 {
            Why::Event(KubeEvent {
                on,
                reason: "ScalingReplicaSet".into(),
                message: format!("Scaled up replica set {name} to {replicas} from 0"),
                warning: false,
                source: SOURCE,
            })
        } else {
            Why::Note(format!("replicaset.apps/{name} created"))
        },
    }
}
