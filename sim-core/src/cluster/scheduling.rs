//! The scheduler in the simulation: one cycle per queued pod, over a snapshot built from the
//! store and the nodes' engines (ImageLocality sees the images each node holds), with the
//! simulation's RNG for the tie-break. Binding sets `spec.nodeName`; a pod that fits nowhere
//! gets `FailedScheduling` and waits until nodes or pods change.

use super::api::{ConditionStatus, Object, ObjectKind, PodCondition, PodPhase, Timestamp};
use super::scheduler::{self, convert, NodeSpec, SchedulerConfig, Snapshot};
use super::state::{record_kube_event, watch, Cluster};
use super::store::Key;
use crate::event::EventId;
use crate::image::engine::parse_reference;
use crate::sim::Sim;

/// The scheduler's name in events.
pub const SOURCE: &str = "default-scheduler";

/// The scheduler's view of a node: the Node object's labels, taints and allocatable, and the
/// images in the node's engine under their familiar and canonical names.
pub fn node_spec(cluster: &Cluster, node: &super::api::Node) -> NodeSpec {
    let mut spec = convert::node_spec(node);
    if let Some(engine) = cluster.engines.get(&node.metadata.name) {
        spec.images.clear();
        for (tag, id) in &engine.tags {
            let size = engine.images.get(id).map_or(0, |i| i.size());
            spec.images.push((tag.clone(), size));
            if let Ok(r) = parse_reference(tag) {
                spec.images.push((r.canonical(), size));
            }
        }
    }
    spec
}

/// The snapshot of every node and every pod bound to one (terminal pods hold nothing).
pub fn snapshot(cluster: &Cluster) -> Snapshot {
    let mut snap = Snapshot::new();
    for o in cluster.store.list(ObjectKind::Node, None) {
        if let Object::Node(n) = o {
            let _ = snap.add_node(node_spec(cluster, n));
        }
    }
    for o in cluster.store.list(ObjectKind::Pod, None) {
        if let Object::Pod(p) = o {
            if p.spec.node_name.is_empty()
                || matches!(
                    p.status.phase,
                    Some(PodPhase::Succeeded) | Some(PodPhase::Failed)
                )
            {
                continue;
            }
            if let Some(i) = snap.index_of(&p.spec.node_name) {
                let _ = snap.add_pod(i, &convert::bound_pod(p));
            }
        }
    }
    snap
}

/// One scheduling cycle for the pod at `key`.
pub(crate) fn schedule_pod(sim: &mut Sim, key: &Key, cause: EventId) {
    let now = sim.now();
    let Some(c) = sim.cluster.as_ref() else {
        return;
    };
    let Some(Object::Pod(pod)) = c.store.get(key) else {
        return;
    };
    if !pod.spec.node_name.is_empty() || pod.metadata.deletion_timestamp.is_some() {
        return;
    }
    let before = Object::Pod(pod.clone());
    let mut pod = pod.as_ref().clone();
    // The owner's selector, for the default topology spreading.
    let owner_selector = pod.metadata.controller_ref().and_then(|r| {
        match c
            .store
            .get(&Key::new(ObjectKind::ReplicaSet, &key.namespace, &r.name))
        {
            Some(Object::ReplicaSet(rs)) => rs.spec.selector.clone(),
            _ => None,
        }
    });
    let to_schedule = convert::pod_to_schedule(&pod, owner_selector.as_ref(), now.as_ms());
    let version = (c.store.scheduling_version(), c.engines_version);
    // The cached snapshot is taken, not copied (copying it cost more than scheduling at a
    // hundred nodes); a bind below puts it back updated, and any other store change makes it
    // stale anyway.
    let cached = sim.cluster.as_mut().and_then(|c| c.snapshot_cache.take());
    let Some(c) = sim.cluster.as_ref() else {
        return;
    };
    let snap = match cached {
        Some((rv, ev, snap)) if (rv, ev) == version => snap,
        _ => snapshot(c),
    };
    let mut state = c.scheduler;
    // Per-node tables only where a person can read them: on larger clusters the cycle keeps
    // the outcome (it decides exactly as the recorded one; a property test pins that).
    let config = SchedulerConfig {
        record: if snap.nodes().len() > super::state::FULL_RECORD_MAX_NODES {
            scheduler::Record::Outcome
        } else {
            scheduler::Record::Full
        },
        ..SchedulerConfig::default()
    };
    let decision = scheduler::schedule(&snap, &to_schedule, &config, &mut state, sim.rng());
    let Some(c) = sim.cluster.as_mut() else {
        return;
    };
    c.scheduler = state;
    let selected = decision.selected.clone();
    let failure = decision.message.clone();
    // Keyed by the store's own copy of the key (held once).
    c.decisions
        .insert(c.store.shared_key(key), Box::new(decision));
    keep_details(c, key);
    let condition = |status, reason: &str, message: &str| {
        PodCondition::from(super::api::PodConditionFields {
            type_: "PodScheduled".into(),
            status,
            last_probe_time: None,
            last_transition_time: Some(Timestamp::at(now)),
            reason: reason.into(),
            message: message.into(),
        })
    };
    pod.status.conditions.retain(|c| c.type_ != "PodScheduled");
    match selected {
        Some(sel) => {
            c.unschedulable.remove(key);
            let cause = c.waiting_since.remove(key).unwrap_or(cause);
            pod.spec.node_name = sel.node.to_string();
            pod.status
                .conditions
                .push(condition(ConditionStatus::True, "", ""));
            let mut snap = snap;
            let _ = snap.add_pod(sel.index as usize, &convert::bound_pod(&pod));
            c.store.update(Object::Pod(Box::new(pod)));
            c.snapshot_cache = Some((c.store.scheduling_version(), c.engines_version, snap));
            let id = record_kube_event(
                sim,
                key,
                "Scheduled",
                SOURCE,
                false,
                &format!(
                    "Successfully assigned {}/{} to {}",
                    key.namespace, key.name, sel.node
                ),
                cause,
            );
            let after = sim.cluster.as_ref().and_then(|c| c.store.get(key).cloned());
            watch(sim, key, Some(&before), after.as_ref(), id);
        }
        None => {
            let message = failure.unwrap_or_else(|| "no nodes available to schedule pods".into());
            c.unschedulable.insert(key.clone());
            pod.status.conditions.push(condition(
                ConditionStatus::False,
                "Unschedulable",
                &message,
            ));
            c.store.update(Object::Pod(Box::new(pod)));
            let id = record_kube_event(sim, key, "FailedScheduling", SOURCE, true, &message, cause);
            if let Some(c) = sim.cluster.as_mut() {
                c.waiting_since.entry(key.clone()).or_insert(id);
            }
        }
    }
}

/// Marks `key`'s decision as the newest detailed one and drops the per-node details of the
/// decisions that fall out of the most recent ones kept ([`super::state::full_decisions`] of
/// its row count).
fn keep_details(c: &mut super::state::Cluster, key: &Key) {
    let rows = c
        .decisions
        .get(key)
        .map_or(0, |d| d.nodes.len() + d.not_considered.len());
    let keep = super::state::full_decisions(rows);
    c.detailed_decisions.retain(|k| k != key);
    c.detailed_decisions.push_back(key.clone());
    while c.detailed_decisions.len() > keep {
        let Some(old) = c.detailed_decisions.pop_front() else {
            break;
        };
        if let Some(d) = c.decisions.get_mut(&old) {
            d.drop_rows();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Session, SimConfig};
    use rand::SeedableRng;

    /// The snapshot cache is keyed on `Store::scheduling_version`, which skips pod status
    /// writes: whenever the cache claims to be current, a probe pod must be scheduled on it
    /// exactly as on a snapshot built from scratch (same decision, same RNG draws).
    #[test]
    fn a_current_cached_snapshot_decides_as_a_fresh_one_through_rollouts_and_failures() {
        let mut s = Session::new(SimConfig { seed: 5 });
        let script = "cluster create --nodes 4\n\
            kubectl create deployment web --image=nginx:1.27-alpine --replicas=12\n\
            step\nstep\nstep\nstep\nstep\nstep\n\
            kubectl label nodes node-2 disk=ssd\n\
            run 20s\n\
            kubectl set image deployment/web nginx=nginx:1.27\n\
            step\nstep\nstep\nstep\n\
            chaos node-crash node-3\n\
            kubectl scale deployment web --replicas=20\n\
            run 7m\n\
            chaos node-recover node-3\n\
            run 1m\n\
            kubectl scale deployment web --replicas=8\n\
            run 1m\n\
            kubectl scale deployment web --replicas=14\n\
            step\nstep\nstep\nstep\n\
            kubectl scale deployment web --replicas=18\n\
            step\nstep\nstep\nstep";
        let mut checked = 0;
        for line in script.lines() {
            s.submit(line);
            let sim = s.sim();
            let Some(c) = sim.cluster() else { continue };
            let Some((v, e, cached)) = &c.snapshot_cache else {
                continue;
            };
            if (*v, *e) != (c.store.scheduling_version(), c.engines_version) {
                continue;
            }
            let fresh = snapshot(c);
            let probe = convert::pod_to_schedule(
                &crate::cluster::api::Pod::named("default", "probe"),
                None,
                sim.now().as_ms(),
            );
            let decide = |snap: &Snapshot| {
                let mut state = c.scheduler;
                let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(9);
                scheduler::schedule(
                    snap,
                    &probe,
                    &SchedulerConfig::default(),
                    &mut state,
                    &mut rng,
                )
            };
            assert_eq!(decide(cached), decide(&fresh), "after {line}");
            checked += 1;
        }
        assert!(checked > 3, "the cache was current only {checked} times");
    }
}
