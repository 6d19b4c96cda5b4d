//! The cluster inside the simulation: the object store, each node's container engine (its own
//! layer store, which the kubelet pulls into and ImageLocality reads), the scheduler's state and
//! last decisions, and the work queued for controllers, the scheduler and kubelets.
//!
//! ## The reconcile model
//!
//! Every store change is recorded as an event and, like a watch, queues the work it concerns
//! (`Action::Cluster` on the simulation's queue) [`WATCH_LATENCY_MS`] later, with that event as
//! its cause: a Deployment change queues its controller's sync, a ReplicaSet change its own sync
//! and its Deployment's, a Service change its EndpointSlice sync, a pod change its ReplicaSet's
//! sync and the EndpointSlice sync of every Service in its namespace whose selector matches it
//! before or after, an unbound pod a scheduling cycle, a binding the kubelet, a deletion the
//! garbage collector (a Service's slices go with it). Queued syncs of the same object
//! coalesce, as a workqueue does. So each reconcile is one action, and `step` walks them one by
//! one; the event log links every change back to the command that started it.
//!
//! Node health is the exception that is not a watch: chaos faults ([`super::faults`]) stop a
//! node's heartbeats, and the node lifecycle and taint eviction controllers
//! ([`super::nodelifecycle`]) act on timers (`NodeMonitor`, `TaintEviction`), queued only for
//! the instants where they change something, so an idle cluster's queue still empties.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::api::{Object, ObjectKind};
use super::controllers::{self, Change, Why};
use super::scheduler::{Decision, SchedulerState};
use super::store::{Key, Store};
use crate::event::{EventId, EventKind};
use crate::image::engine::Engine;
use crate::sim::{Action, Sim};

/// From a store change to the reconcile it triggers (informer delivery + workqueue).
/// ASSUMPTION: real informers deliver in milliseconds; 100 ms makes each reconcile its own
/// instant, so `step` shows one at a time.
pub const WATCH_LATENCY_MS: u64 = 100;

/// How many of the most recent scheduling decisions keep every node's verdicts and scores
/// (the scheduler panel and `explain-schedule` show them). ASSUMPTION: a classroom cluster has
/// fewer pods than this; at 100 nodes a full decision is ≈50 KB.
pub const FULL_DECISIONS: usize = 500;

/// Per-node rows (verdicts and scores) the detailed decisions hold at most, so a large cluster
/// keeps fewer of them: 500 decisions up to 50 nodes, 50 at 500 nodes (a full decision at 500
/// nodes is ≈140 KB, and 500 of them were 72 MB of a browser tab).
pub const FULL_DECISION_ROWS: usize = 25_000;

/// The fewest decisions that keep their details, however large the cluster.
pub const MIN_FULL_DECISIONS: usize = 20;

/// How many of the most recent decisions keep their details when each holds `rows` per-node
/// rows: [`FULL_DECISION_ROWS`] shared out, between [`MIN_FULL_DECISIONS`] and
/// [`FULL_DECISIONS`].
pub fn full_decisions(rows: usize) -> usize {
    (FULL_DECISION_ROWS / rows.max(1)).clamp(MIN_FULL_DECISIONS, FULL_DECISIONS)
}

/// Above this many nodes, scheduling cycles keep only their outcome, not per-node verdicts
/// and scores (a table of more rows than anyone reads, and most of a large cluster's
/// scheduling time). ASSUMPTION: a teaching cluster is smaller.
pub const FULL_RECORD_MAX_NODES: usize = 500;

/// The name `cluster create` gives the cluster.
pub const CLUSTER_NAME: &str = "kind";

/// The Kubernetes version the nodes report.
pub const KUBELET_VERSION: &str = "v1.31.0";

/// Work a controller, the scheduler or a kubelet does at its time.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Work {
    /// The Deployment controller syncs one Deployment.
    SyncDeployment(Key),
    /// The ReplicaSet controller syncs one ReplicaSet.
    SyncReplicaSet(Key),
    /// One scheduling cycle for a pod.
    Schedule(Key),
    /// One garbage collector pass.
    GarbageCollect,
    /// The EndpointSlice controller syncs one Service's slices.
    SyncService(Key),
    /// A step of the kubelet for a pod (the pod's uid guards against a replaced pod).
    Kubelet {
        /// The pod.
        pod: Key,
        /// Its uid when the step was queued.
        uid: String,
        /// Which run of the node's kubelet queued it (a step queued before the kubelet went
        /// down does nothing once it is back: it resyncs its pods instead).
        boot: u32,
        /// What to do.
        step: super::kubelet::Step,
    },
    /// One pass of the node lifecycle controller's monitor (see [`super::nodelifecycle`]).
    NodeMonitor,
    /// One pass of the node lifecycle controller's rate-limited NoExecute tainting (see
    /// [`super::noexecute`]).
    NoExecuteTainting,
    /// The taint eviction controller looks at the pods of a node with NoExecute taints.
    TaintManager(String),
    /// The taint eviction controller's timer for one pod ran out: evict it if it still must go.
    TaintEviction {
        /// The pod.
        pod: Key,
        /// Its uid when the timer was set.
        uid: String,
    },
    /// A fault scheduled with `chaos … --at T` (its id in [`Cluster::faults_scheduled`]).
    Fault(u64),
    /// A housekeeping pass of a node's kubelet under resource pressure: its eviction manager
    /// (see [`super::kubelet::housekeeping`]).
    Housekeeping(String),
    /// The node lifecycle controller's NoSchedule tainting of one node from its pressure
    /// conditions (`doNoScheduleTaintingPass`).
    PressureTaints(String),
}

impl Work {
    /// Whether queued copies of this work coalesce (syncs do; kubelet steps are each timed).
    fn coalesces(&self) -> bool {
        !matches!(
            self,
            Work::Kubelet { .. }
                | Work::NodeMonitor
                | Work::NoExecuteTainting
                | Work::TaintEviction { .. }
                | Work::Fault(_)
                | Work::Housekeeping(_)
        )
    }
}

/// The cluster's state.
#[derive(Clone, Debug, Default)]
pub struct Cluster {
    /// The API objects.
    pub store: Store,
    /// Each node's container engine, by node name.
    pub engines: BTreeMap<String, Engine>,
    /// The scheduler's state between cycles.
    pub scheduler: SchedulerState,
    /// The last scheduling decision of each pod (for `explain-schedule`). Only the
    /// [`FULL_DECISIONS`] most recent keep their per-node verdicts and scores; older ones keep
    /// the summary (counts, the chosen node, the message), so the model's memory per pod stays
    /// flat however many nodes each cycle looked at. Boxed: the map's nodes then keep room for
    /// pointers, not for whole decisions.
    pub decisions: BTreeMap<crate::shared::Shared<Key>, Box<Decision>>,
    /// Pods whose decisions still hold per-node details, oldest first.
    pub(crate) detailed_decisions: std::collections::VecDeque<Key>,
    /// What chaos has done to each node (absent: healthy), by node name.
    pub faults: BTreeMap<String, super::faults::NodeFault>,
    /// Pods the scheduler could not place; retried when nodes or pods change.
    pub unschedulable: BTreeSet<Key>,
    /// Each node's kubelet Lease as far as it differs from "renewing since the node was
    /// created" (the Lease kind is not in the API subset; `kubectl describe node` shows it).
    pub leases: BTreeMap<String, super::nodelifecycle::Lease>,
    /// Faults on workloads (`chaos crashloop`, `chaos image-pull-error`), which the kubelet
    /// honours.
    pub workload_faults: super::faults::WorkloadFaults,
    /// When each node's current fault began (for `chaos list`).
    pub fault_since: BTreeMap<String, crate::time::SimTime>,
    /// Faults `chaos … --at T` queued and not yet happened, by id.
    pub faults_scheduled: BTreeMap<u64, super::faults::ScheduledFault>,
    /// The id the next scheduled fault gets.
    pub(crate) next_fault_id: u64,
    /// When each node's container runtime stopped (`chaos runtime-stop`), while it is stopped.
    pub(crate) runtime_stopped_at: BTreeMap<String, crate::time::SimTime>,
    /// How many times each node's kubelet came back after a fault.
    pub(crate) kubelet_boots: BTreeMap<String, u32>,
    /// Nodes whose containers stopped (a crash) since their kubelet last ran.
    pub(crate) containers_stopped: BTreeSet<String>,
    /// Each zone's NoExecute tainter (state, token bucket, waiting nodes), by zone key.
    pub tainters: BTreeMap<String, super::noexecute::ZoneTainter>,
    /// The instants a NoExecute tainting pass is queued for.
    pub(crate) tainting_at: BTreeSet<crate::time::SimTime>,
    /// The instants a node monitor pass is queued for.
    pub(crate) monitor_at: BTreeSet<crate::time::SimTime>,
    /// Pods with a taint eviction timer, and when it runs out.
    pub(crate) evictions: BTreeMap<Key, crate::time::SimTime>,
    /// The kubelets' eviction managers on nodes under resource pressure (`chaos
    /// memory-pressure`), by node name.
    pub pressures: BTreeMap<String, super::faults::NodePressure>,
    /// Coalescing work queued and not yet run.
    pending: BTreeSet<Work>,
    /// Pod IPs handed out on each node (the last host number).
    pub(crate) pod_ips: BTreeMap<String, u32>,
    /// Each node's address as its pods' `status.hostIP` holds it, once per node (derived from
    /// the Node objects: a memory cache, not part of the fingerprint).
    pub(crate) host_ips: BTreeMap<String, crate::shared::Shared<String>>,
    /// ClusterIPs handed out (the last one's offset in 10.96.0.0/12).
    pub(crate) service_ips: u32,
    /// Counts changes of the nodes' engines (images pulled), for the snapshot cache.
    pub(crate) engines_version: u64,
    /// The scheduler's snapshot as of (store scheduling version, engines version): derived data,
    /// reused by the scheduling cycles of one instant and updated as they bind pods. Not part of
    /// the fingerprint (it is a function of the store and the engines).
    pub(crate) snapshot_cache: Option<(u64, u64, super::scheduler::Snapshot)>,
    /// The cluster's name and the tool that made it, as `cluster create`'s profile chose them
    /// (`kind`/kind, `kubernetes`/kubeadm, `sandbox`/eksctl); `cluster delete` speaks as that
    /// tool. Empty on a `Cluster::default()`: [`CLUSTER_NAME`] and kind.
    pub(crate) made_by: (String, String),
    /// The first `FailedScheduling` event of each pod still waiting for a node: the cycle that
    /// finally binds it records `Scheduled` as caused by that wait (whose own cause is the
    /// pod's creation), not by whichever change happened to trigger the retry, so `why` leads
    /// from a pod that waited back through its creator.
    pub(crate) waiting_since: BTreeMap<Key, EventId>,
    /// What each pod's containers wrote (the kubelets' log files), by the pod's uid;
    /// written as containers start, read by `kubectl logs`, dropped with the pod. Not part of
    /// the fingerprint: a function of the log of events (what started, when).
    pub logs: super::pod_logs::Logs,
}

impl Cluster {
    /// What chaos has done to `node` (a default, healthy value when nothing).
    pub fn fault(&self, node: &str) -> super::faults::NodeFault {
        self.faults.get(node).copied().unwrap_or_default()
    }

    /// Whether an EndpointSlice sync of `service` is queued and not yet run (its slices may
    /// still show pods as they were before a change).
    pub fn endpoint_sync_pending(&self, service: &Key) -> bool {
        self.pending.contains(&Work::SyncService(service.clone()))
    }

    /// A hash of the cluster's state for `Sim::state_fingerprint`.
    pub fn fingerprint(&self) -> Vec<u8> {
        let mut out = serde_json::to_vec(&(
            &self.store,
            &self.scheduler,
            &self.decisions,
            &self.detailed_decisions,
            &self.faults,
            &self.unschedulable,
            &self.pending,
            (
                &self.leases,
                &self.fault_since,
                &self.faults_scheduled,
                self.next_fault_id,
                &self.kubelet_boots,
                &self.containers_stopped,
                &self.monitor_at,
                &self.evictions,
                &self.workload_faults,
                &self.pressures,
                &self.runtime_stopped_at,
                &self.tainters,
                &self.tainting_at,
            ),
            &self.pod_ips,
            self.service_ips,
            self.engines_version,
            (&self.made_by, &self.waiting_since),
        ))
        .unwrap_or_default();
        for (name, e) in &self.engines {
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(&e.fingerprint());
        }
        out
    }
}

/// Queues `work` after the watch latency (or at `delay_ms`), caused by `cause`; coalesces syncs.
pub(crate) fn enqueue(sim: &mut Sim, work: Work, delay_ms: u64, cause: EventId) {
    let Some(c) = sim.cluster.as_mut() else {
        return;
    };
    if work.coalesces() && !c.pending.insert(work.clone()) {
        return;
    }
    if sim.check_schedule("cluster").is_err() {
        // The queue is full: the work is dropped, as a full workqueue would delay it; the next
        // change of the object queues it again.
        if let Some(c) = sim.cluster.as_mut() {
            c.pending.remove(&work);
        }
        return;
    }
    let at = sim.now().plus_ms(delay_ms);
    sim.schedule(
        at,
        Action::Cluster {
            work,
            scheduled_by: cause,
        },
    );
}

/// Runs queued work (the `Action::Cluster` arm of the simulation).
pub(crate) fn run(sim: &mut Sim, work: Work, cause: EventId) {
    let now = sim.now();
    let Some(c) = sim.cluster.as_mut() else {
        return;
    };
    c.pending.remove(&work);
    match work {
        Work::SyncDeployment(key) => {
            let changes = controllers::deployment::sync(&c.store, &key, now);
            apply_all(sim, changes, cause);
        }
        Work::SyncReplicaSet(key) => {
            let changes = controllers::replicaset::sync(&c.store, &key, now);
            apply_all(sim, changes, cause);
        }
        Work::GarbageCollect => {
            let changes = controllers::garbage::sync(&c.store);
            apply_all(sim, changes, cause);
        }
        Work::SyncService(key) => {
            let changes = controllers::endpointslice::sync(&c.store, &key, now);
            apply_all(sim, changes, cause);
        }
        Work::Schedule(key) => super::scheduling::schedule_pod(sim, &key, cause),
        Work::Kubelet {
            pod,
            uid,
            boot,
            step,
        } => {
            if super::kubelet::acts(sim, &pod, boot) {
                super::kubelet::run(sim, &pod, &uid, step, cause);
            }
        }
        Work::NodeMonitor => super::nodelifecycle::monitor(sim, cause),
        Work::NoExecuteTainting => super::noexecute::pass(sim, cause),
        Work::TaintManager(node) => super::nodelifecycle::taint_manager(sim, &node, cause),
        Work::TaintEviction { pod, uid } => {
            super::nodelifecycle::eviction_timer(sim, &pod, &uid, cause)
        }
        Work::Fault(id) => super::nodelifecycle::scheduled_fault(sim, id, cause),
        Work::Housekeeping(node) => super::kubelet::housekeeping(sim, &node, cause),
        Work::PressureTaints(node) => super::nodelifecycle::pressure_taints(sim, &node, cause),
    }
}

/// Applies a controller's changes in order.
pub(crate) fn apply_all(sim: &mut Sim, changes: Vec<Change>, cause: EventId) {
    for change in changes {
        apply(sim, change, cause);
    }
}

/// Records a change: as a Kubernetes Event or a store note. Returns the event's id.
fn report(sim: &mut Sim, why: &Why, key: &Key, verb: &str, name: &str, cause: EventId) -> EventId {
    match why {
        Why::Event(e) => record_kube_event(
            sim,
            &e.on,
            &e.reason,
            e.source,
            e.warning,
            &e.message.replace("{name}", name),
            cause,
        ),
        Why::Note(message) => sim.record(
            EventKind::ApiObjectChanged { verb: verb.into() },
            key.object_ref(),
            Some(cause),
            message.replace("{name}", name),
        ),
    }
}

/// Records a Kubernetes Event about `on`.
pub(crate) fn record_kube_event(
    sim: &mut Sim,
    on: &Key,
    reason: &str,
    source: &str,
    warning: bool,
    message: &str,
    cause: EventId,
) -> EventId {
    sim.record(
        EventKind::KubeEvent {
            reason: reason.into(),
            source: source.into(),
            warning,
        },
        on.object_ref(),
        Some(cause),
        message,
    )
}

/// Generated-name suffix: five characters of [`controllers::deployment::ALPHANUMS`] from the
/// simulation's RNG (`names.SimpleNameGenerator`).
fn suffix(sim: &mut Sim) -> String {
    use rand::Rng;
    let a = controllers::deployment::ALPHANUMS;
    (0..5)
        .map(|_| a[sim.rng().random_range(0..a.len())] as char)
        .collect()
}

/// Applies one change to the store, records it and queues what watches it. Returns the id of
/// the event that recorded it (None when the change no longer applies).
pub(crate) fn apply(sim: &mut Sim, change: Change, cause: EventId) -> Option<EventId> {
    sim.cluster.as_ref()?;
    let now = sim.now();
    match change {
        Change::Create {
            mut object,
            generate_name,
            why,
        } => {
            if generate_name {
                let base = object.metadata().generate_name.clone();
                let mut name = format!("{base}{}", suffix(sim));
                for _ in 0..16 {
                    let key = Key::new(object.kind(), object.namespace().unwrap_or(""), &name);
                    if sim.cluster.as_ref()?.store.get(&key).is_none() {
                        break;
                    }
                    name = format!("{base}{}", suffix(sim));
                }
                object.metadata_mut().name = name;
            }
            if object.kind() == ObjectKind::Pod {
                // What kube-apiserver does to every new pod: defaults, then admission.
                super::defaults::apply_defaults(&mut object);
                super::defaults::admit(&mut object);
            }
            let c = sim.cluster.as_mut()?;
            let key = Key::of(&object);
            if c.store.get(&key).is_some() {
                return None;
            }
            let key = c.store.create(object, now);
            let id = report(sim, &why, &key, "created", &key.name, cause);
            let after = sim.cluster.as_ref()?.store.get(&key).cloned();
            watch(sim, &key, None, after.as_ref(), id);
            Some(id)
        }
        Change::Update { object, why } => {
            let c = sim.cluster.as_mut()?;
            let key = Key::of(&object);
            let before = c.store.get(&key).cloned()?;
            // A change computed from an older read of the object: skip (optimistic concurrency).
            if before.metadata().uid != object.metadata().uid {
                return None;
            }
            c.store.update(object);
            let id = report(sim, &why, &key, "updated", &key.name, cause);
            let after = sim.cluster.as_ref()?.store.get(&key).cloned();
            watch(sim, &key, Some(&before), after.as_ref(), id);
            Some(id)
        }
        Change::Delete { key, why } => delete(sim, &key, why, cause),
    }
}

/// Deletes an object: a pod bound to a node gets its deletionTimestamp and terminates on its
/// kubelet; anything else leaves the store at once (dependents go through the garbage
/// collector, as with `propagationPolicy: Background`).
pub(crate) fn delete(sim: &mut Sim, key: &Key, why: Why, cause: EventId) -> Option<EventId> {
    let now = sim.now();
    let c = sim.cluster.as_mut()?;
    let before = c.store.get(key).cloned()?;
    if let Object::Pod(pod) = &before {
        if pod.metadata.deletion_timestamp.is_some() {
            return None;
        }
        if !pod.spec.node_name.is_empty() {
            let mut p = pod.clone();
            p.metadata.deletion_timestamp = Some(super::api::Timestamp::at(now));
            p.metadata.deletion_grace_period_seconds =
                Some(p.spec.termination_grace_period_seconds.unwrap_or(30));
            c.store.update(Object::Pod(p));
            let id = report(sim, &why, key, "deleting", &key.name, cause);
            let after = sim.cluster.as_ref()?.store.get(key).cloned();
            watch(sim, key, Some(&before), after.as_ref(), id);
            return Some(id);
        }
    }
    c.store.remove(key);
    let id = report(sim, &why, key, "deleted", &key.name, cause);
    watch(sim, key, Some(&before), None, id);
    Some(id)
}

/// Removes a pod whose containers have stopped (the kubelet's final delete).
pub(crate) fn remove_pod(sim: &mut Sim, key: &Key, cause: EventId) {
    let Some(c) = sim.cluster.as_mut() else {
        return;
    };
    let Some(before) = c.store.remove(key) else {
        return;
    };
    if let Object::Pod(_) = &before {
        super::pod_logs::forget(&mut c.logs, key);
    }
    let id = sim.record(
        EventKind::ApiObjectChanged {
            verb: "deleted".into(),
        },
        key.object_ref(),
        Some(cause),
        format!("pod/{} deleted: its containers stopped", key.name),
    );
    watch(sim, key, Some(&before), None, id);
}

/// The watches: what a change of `key` from `before` to `after` queues.
pub(crate) fn watch(
    sim: &mut Sim,
    key: &Key,
    before: Option<&Object>,
    after: Option<&Object>,
    id: EventId,
) {
    let ns = key.namespace.as_str();
    let controller_of = |o: Option<&Object>, kind: &str| {
        o.and_then(|o| {
            o.metadata()
                .controller_ref()
                .filter(|r| r.kind == kind)
                .map(|r| r.name.clone())
        })
    };
    match key.kind {
        ObjectKind::Deployment if after.is_some() => {
            enqueue(sim, Work::SyncDeployment(key.clone()), WATCH_LATENCY_MS, id);
        }
        ObjectKind::ReplicaSet => {
            if after.is_some() {
                enqueue(sim, Work::SyncReplicaSet(key.clone()), WATCH_LATENCY_MS, id);
            }
            if let Some(d) = controller_of(after.or(before), "Deployment") {
                let k = Key::new(ObjectKind::Deployment, ns, &d);
                enqueue(sim, Work::SyncDeployment(k), WATCH_LATENCY_MS, id);
            }
        }
        ObjectKind::Pod => {
            if let Some(rs) = controller_of(after.or(before), "ReplicaSet") {
                let k = Key::new(ObjectKind::ReplicaSet, ns, &rs);
                let owner = sim.cluster.as_ref().and_then(|c| c.store.get(&k));
                // The Deployment controller watches pods going away too (a Recreate rollout
                // waits for the last old pod).
                let deployment = match (after, owner) {
                    (None, Some(o)) => controller_of(Some(o), "Deployment"),
                    _ => None,
                };
                // A change the ReplicaSet's sync cannot see is not queued (with
                // minReadySeconds, availability depends on when a sync runs: always queued).
                let min_ready =
                    matches!(owner, Some(Object::ReplicaSet(rs)) if rs.spec.min_ready_seconds > 0);
                let pods = (
                    before.and_then(controllers::as_pod),
                    after.and_then(controllers::as_pod),
                );
                let matters = match pods {
                    (Some(b), Some(a)) => {
                        min_ready || controllers::replicaset::pod_change_matters(b, a)
                    }
                    _ => true,
                };
                if matters {
                    enqueue(sim, Work::SyncReplicaSet(k), WATCH_LATENCY_MS, id);
                }
                if let Some(d) = deployment {
                    let dk = Key::new(ObjectKind::Deployment, ns, &d);
                    enqueue(sim, Work::SyncDeployment(dk), WATCH_LATENCY_MS, id);
                }
            }
            queue_claiming_replicasets(sim, ns, before, after, id);
            let pod = |o: Option<&Object>| o.and_then(controllers::as_pod).cloned();
            let (b, a) = (pod(before), pod(after));
            match (&b, &a) {
                (_, Some(p))
                    if p.spec.node_name.is_empty() && p.metadata.deletion_timestamp.is_none() =>
                {
                    enqueue(sim, Work::Schedule(key.clone()), WATCH_LATENCY_MS, id);
                }
                _ => {}
            }
            if let Some(p) = &a {
                let was_bound = b.as_ref().is_some_and(|b| !b.spec.node_name.is_empty());
                if !p.spec.node_name.is_empty() && !was_bound {
                    let uid = p.metadata.uid.clone();
                    super::kubelet::begin(sim, key, uid, id);
                    super::nodelifecycle::pod_bound(sim, &p.spec.node_name, id);
                }
                let was_deleting = b
                    .as_ref()
                    .is_some_and(|b| b.metadata.deletion_timestamp.is_some());
                if p.metadata.deletion_timestamp.is_some() && !was_deleting {
                    let uid = p.metadata.uid.clone();
                    super::kubelet::kill(sim, key, uid, id);
                }
            }
            if a.is_none() {
                if let Some(c) = sim.cluster.as_mut() {
                    c.unschedulable.remove(key);
                    c.waiting_since.remove(key);
                    c.decisions.remove(key);
                    c.detailed_decisions.retain(|k| k != key);
                }
                retry_unschedulable(sim, id);
            }
        }
        ObjectKind::Node => {
            retry_unschedulable(sim, id);
            super::nodelifecycle::node_updated(sim, &key.name, after, id);
        }
        ObjectKind::Service if after.is_some() => {
            enqueue(sim, Work::SyncService(key.clone()), WATCH_LATENCY_MS, id);
        }
        _ => {}
    }
    if key.kind == ObjectKind::Pod {
        queue_services_of_pod(sim, ns, before, after, id);
    }
    if after.is_none() && key.kind != ObjectKind::Pod {
        enqueue(sim, Work::GarbageCollect, WATCH_LATENCY_MS, id);
    }
}

/// The ReplicaSet controller's pod handlers beyond the pod's own controller
/// (pkg/controller/replicaset `updatePod`/`addPod`): a pod whose controller changed queues its
/// old controller too; an orphan that is new, relabelled or just released queues every
/// ReplicaSet of its namespace whose selector matches it, so one of them adopts it.
fn queue_claiming_replicasets(
    sim: &mut Sim,
    ns: &str,
    before: Option<&Object>,
    after: Option<&Object>,
    id: EventId,
) {
    let Some(after) = after else { return };
    let rs_of = |o: &Object| {
        o.metadata()
            .controller_ref()
            .filter(|r| r.kind == "ReplicaSet")
            .map(|r| r.name.clone())
    };
    let old_rs = before.and_then(rs_of);
    if let Some(old) = &old_rs {
        if rs_of(after).as_ref() != Some(old) {
            let k = Key::new(ObjectKind::ReplicaSet, ns, old);
            enqueue(sim, Work::SyncReplicaSet(k), WATCH_LATENCY_MS, id);
        }
    }
    if after.metadata().controller_ref().is_some() {
        return;
    }
    let relabelled = before.is_none_or(|b| {
        b.metadata().labels != after.metadata().labels || b.metadata().controller_ref().is_some()
    });
    if !relabelled {
        return;
    }
    let Some(c) = sim.cluster.as_ref() else {
        return;
    };
    let labels = &after.metadata().labels;
    let matching: Vec<Key> = c
        .store
        .list(ObjectKind::ReplicaSet, Some(ns))
        .filter_map(|o| match o {
            Object::ReplicaSet(rs) => Some(rs),
            _ => None,
        })
        .filter(|rs| {
            rs.spec
                .selector
                .as_ref()
                .and_then(|s| super::selector::Selector::from_label_selector(s).ok())
                .is_some_and(|s| !s.is_empty() && s.matches(labels))
        })
        .map(|rs| Key::new(ObjectKind::ReplicaSet, ns, &rs.metadata.name))
        .collect();
    for k in matching {
        enqueue(sim, Work::SyncReplicaSet(k), WATCH_LATENCY_MS, id);
    }
}

/// Queues the EndpointSlice sync of every Service in `ns` whose selector matches the pod
/// before or after its change (the controller's pod handlers; Services are few, so a scan of
/// the namespace's Services is cheap).
fn queue_services_of_pod(
    sim: &mut Sim,
    ns: &str,
    before: Option<&Object>,
    after: Option<&Object>,
    id: EventId,
) {
    let Some(c) = sim.cluster.as_ref() else {
        return;
    };
    // What an endpoint is made of (`podEndpointsChanged`): a change elsewhere (a container's
    // restart count, a pull) leaves every slice as it is, so it queues nothing.
    if before.is_some() && after.is_some() && endpoint_facts(before) == endpoint_facts(after) {
        return;
    }
    let keys: Vec<Key> = c
        .store
        .list(ObjectKind::Service, Some(ns))
        .filter_map(|o| match o {
            Object::Service(s) => Some(s),
            _ => None,
        })
        .filter(|s| {
            [before, after]
                .into_iter()
                .flatten()
                .map(|o| &o.metadata().labels)
                .any(|l| controllers::endpointslice::selects(s, l))
        })
        .map(|s| Key::new(ObjectKind::Service, ns, &s.metadata.name))
        .collect();
    for k in keys {
        enqueue(sim, Work::SyncService(k), WATCH_LATENCY_MS, id);
    }
}

/// The parts of a pod its endpoint is made of, to compare before and after a change.
type EndpointFacts<'a> = (
    &'a crate::cluster::api::StringMap,
    &'a str,
    &'a str,
    Option<super::api::Timestamp>,
    bool,
    bool,
);

fn endpoint_facts(o: Option<&Object>) -> Option<EndpointFacts<'_>> {
    let p = o.and_then(controllers::as_pod)?;
    Some((
        &p.metadata.labels,
        &p.status.pod_ip,
        &p.spec.node_name,
        p.metadata.deletion_timestamp,
        controllers::endpointslice::publishes(p),
        controllers::ready_since(p).is_some(),
    ))
}

/// Queues a new scheduling cycle for every pod that did not fit (the scheduling queue moves
/// unschedulable pods back to active when the cluster changes).
pub(crate) fn retry_unschedulable(sim: &mut Sim, id: EventId) {
    let Some(c) = sim.cluster.as_ref() else {
        return;
    };
    let keys: Vec<Key> = c.unschedulable.iter().cloned().collect();
    for k in keys {
        enqueue(sim, Work::Schedule(k), WATCH_LATENCY_MS, id);
    }
}
