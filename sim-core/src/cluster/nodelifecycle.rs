//! Node lifecycle: kubelet heartbeats (Lease renewals), the node lifecycle controller's monitor
//! (`pkg/controller/nodelifecycle/node_lifecycle_controller.go`), the taint eviction controller
//! (`pkg/controller/tainteviction/taint_eviction.go`), and what chaos does to a node.
//!
//! Timings are Kubernetes 1.31+'s defaults (`../shared/FACTS.md`, "Node lifecycle"): a healthy
//! kubelet renews its Lease every [`LEASE_RENEW_MS`]; the monitor looks every
//! [`MONITOR_PERIOD_MS`]; a node whose last renewal is more than [`GRACE_MS`] old becomes
//! `Ready=Unknown`, its pods are marked not ready, and it is tainted
//! `node.kubernetes.io/unreachable` NoSchedule and NoExecute. The taint eviction controller
//! deletes a pod that does not tolerate a node's NoExecute taints at once, and one that tolerates
//! them for `tolerationSeconds` when that runs out (counted from the taint's `timeAdded`; every
//! pod has 300 s from the DefaultTolerationSeconds admission plugin). A node whose kubelet
//! reports again is Ready at the next pass and loses the taints; a pending eviction is cancelled
//! when no NoExecute taint is left.
//!
//! A node whose kubelet reports MemoryPressure or DiskPressure (`chaos memory-pressure`, see
//! [`super::kubelet::housekeeping`]) is tainted `node.kubernetes.io/memory-pressure` (or
//! `disk-pressure`) NoSchedule on the node update, and untainted when the condition goes False
//! ([`pressure_taints`]).
//!
//! The monitor is modelled as if it ran every 5 s since the cluster was created, but only the
//! passes that change something are queued (the instant a silent node's grace runs out, the next
//! pass after a kubelet comes back): the others would record nothing, and an idle cluster's
//! queue must empty (`run_until_idle`). Renewals are not queued either: a Lease's renew time is a
//! function of when its kubelet started renewing and when it stopped ([`Lease`]).

use serde::Serialize;

use super::api::{ConditionStatus, Node, Object, ObjectKind, Pod, Taint, TaintEffect, Timestamp};
use super::controllers::{self, Change, KubeEvent, Why};
use super::faults::{FaultAction, Pressure, PressureState};
use super::state::{self, enqueue, record_kube_event, Cluster, Work, WATCH_LATENCY_MS};
use super::store::Key;
use crate::event::{EventId, EventKind};
use crate::sim::Sim;
use crate::time::SimTime;

/// How often a healthy kubelet renews its Lease: the kubelet's lease duration (40 s) times
/// `nodeLeaseRenewIntervalFraction` (0.25), `pkg/kubelet/kubelet.go` (FACTS.md: every 10 s).
pub const LEASE_RENEW_MS: u64 = 10_000;
/// `--node-monitor-period` of kube-controller-manager (FACTS.md: 5 s).
pub const MONITOR_PERIOD_MS: u64 = 5_000;
/// `--node-monitor-grace-period` (FACTS.md: 50 s since Kubernetes 1.32, 40 s before).
pub const GRACE_MS: u64 = 50_000;
/// The taint of a node the controller has not heard from (`v1.TaintNodeUnreachable`).
pub const UNREACHABLE: &str = "node.kubernetes.io/unreachable";
/// The taint of a node whose kubelet reports NotReady (`v1.TaintNodeNotReady`).
pub const NOT_READY: &str = "node.kubernetes.io/not-ready";
/// How long the kubelet waits for a successful container runtime status check before it
/// reports "container runtime is down" and the node NotReady (`maxWaitForContainerRuntime`,
/// kubernetes pkg/kubelet/kubelet.go: 30 s; checked in `runtimeState.runtimeErrors`,
/// pkg/kubelet/runtime.go). ASSUMPTION: the runtime's last good check is the instant it stopped
/// (the kubelet checks every 5 s, so up to 5 s earlier in a real cluster).
pub const RUNTIME_DOWN_AFTER_MS: u64 = 30_000;
/// The Ready condition's message while the runtime is down (pkg/kubelet/runtime.go).
pub const RUNTIME_DOWN_MESSAGE: &str = "container runtime is down";
/// The node lifecycle controller's name in events.
pub const NODE_CONTROLLER: &str = "node-controller";
/// The taint eviction controller's name in events.
pub const TAINT_EVICTION: &str = "taint-eviction-controller";

/// A node's kubelet Lease (`coordination.k8s.io/v1` in the real API; kept in the cluster state).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Lease {
    /// When the kubelet (re)started renewing: renewals fall on this plus multiples of 10 s.
    pub origin: SimTime,
    /// When its renewals stopped reaching the API server, if they did.
    pub stopped: Option<SimTime>,
}

fn node_created(c: &Cluster, node: &str) -> SimTime {
    match c.store.get(&Key::new(ObjectKind::Node, "", node)) {
        Some(o) => o
            .metadata()
            .creation_timestamp
            .map_or(SimTime::ZERO, |t| t.time()),
        None => SimTime::ZERO,
    }
}

fn lease(c: &Cluster, node: &str) -> Lease {
    c.leases.get(node).copied().unwrap_or(Lease {
        origin: node_created(c, node),
        stopped: None,
    })
}

/// The last time `node`'s kubelet renewed its Lease, as of `now`.
pub fn renew_time(c: &Cluster, node: &str, now: SimTime) -> SimTime {
    let l = lease(c, node);
    let until = l.stopped.unwrap_or(now).min(now);
    if until < l.origin {
        return l.origin;
    }
    let n = (until.as_ms() - l.origin.as_ms()) / LEASE_RENEW_MS;
    l.origin.plus_ms(n * LEASE_RENEW_MS)
}

/// When `node`'s kubelet posts Ready=False because its container runtime stopped: at its first
/// node status update (on the Lease's 10 s grid, `nodeStatusUpdateFrequency`) once
/// [`RUNTIME_DOWN_AFTER_MS`] have passed since the runtime stopped. None while it runs.
pub fn runtime_not_ready_at(c: &Cluster, node: &str) -> Option<SimTime> {
    if !c.fault(node).runtime_stopped {
        return None;
    }
    let since = c.runtime_stopped_at.get(node).copied()?;
    let due = since.as_ms() + RUNTIME_DOWN_AFTER_MS;
    let origin = lease(c, node).origin.as_ms();
    let k = due.saturating_sub(origin).div_ceil(LEASE_RENEW_MS);
    Some(SimTime(origin + k * LEASE_RENEW_MS))
}

/// Whether a node whose kubelet posts (heartbeats) still has to be marked NotReady for its
/// stopped runtime (its Ready condition is not False yet; the NoExecute taint is then the zone
/// queue's business, see [`super::noexecute`]).
fn runtime_not_ready_pending(n: &Node) -> bool {
    ready_status(n) != ConditionStatus::False
}

/// When the monitor's passes began: the cluster's creation (its first node's).
pub(crate) fn monitor_origin(c: &Cluster) -> SimTime {
    c.store
        .list(ObjectKind::Node, None)
        .filter_map(|o| o.metadata().creation_timestamp)
        .map(|t| t.time())
        .min()
        .unwrap_or(SimTime::ZERO)
}

/// The first monitor pass strictly after `t` (passes fall on multiples of the period from
/// `origin`, the cluster's creation).
fn tick_after(origin: SimTime, t: SimTime) -> SimTime {
    if t < origin {
        return origin;
    }
    let k = (t.as_ms() - origin.as_ms()) / MONITOR_PERIOD_MS + 1;
    origin.plus_ms(k * MONITOR_PERIOD_MS)
}

/// The nodes, by reference (a pass over 5,000 nodes must not clone them).
pub(crate) fn nodes(c: &Cluster) -> impl Iterator<Item = &Node> {
    c.store
        .list(ObjectKind::Node, None)
        .filter_map(|o| match o {
            Object::Node(n) => Some(n.as_ref()),
            _ => None,
        })
}

/// A node's Ready condition status (Unknown when it has none).
pub(crate) fn ready_status(n: &Node) -> ConditionStatus {
    n.status
        .conditions
        .iter()
        .find(|c| c.type_ == "Ready")
        .map_or(ConditionStatus::Unknown, |c| c.status.clone())
}

fn lifecycle_taint(t: &Taint) -> bool {
    is_lifecycle_key(&t.key)
}

/// Whether a taint key is one the node lifecycle controller sets for a not ready node.
pub(crate) fn is_lifecycle_key(key: &str) -> bool {
    key == UNREACHABLE || key == NOT_READY
}

/// The node lifecycle controller's taints for a node whose Ready condition just became
/// Unknown (`key` = unreachable) or False (`key` = not-ready): the NoSchedule taint at once
/// (`doNoScheduleTaintingPass`); the NoExecute one at once only when the node carries the other
/// status's NoExecute taint (`processTaintBaseEviction` swaps it), else it waits in its zone's
/// rate-limited queue (returned true). The taints added, as the log shows them.
fn lifecycle_taints(n: &mut Node, key: &str, now: Timestamp) -> (Vec<String>, bool) {
    let swap = n
        .spec
        .taints
        .iter()
        .any(|t| t.effect == TaintEffect::NoExecute && lifecycle_taint(t) && t.key != key);
    let has = n
        .spec
        .taints
        .iter()
        .any(|t| t.effect == TaintEffect::NoExecute && t.key == key);
    n.spec
        .taints
        .retain(|t| !(lifecycle_taint(t) && (t.effect == TaintEffect::NoSchedule || swap)));
    let mut added = vec![Taint {
        key: key.into(),
        value: String::new(),
        time_added: None,
        effect: TaintEffect::NoSchedule,
    }];
    if swap {
        added.push(Taint {
            key: key.into(),
            value: String::new(),
            time_added: Some(now),
            effect: TaintEffect::NoExecute,
        });
    }
    let shown = added.iter().map(|t| t.to_string()).collect();
    n.spec.taints.extend(added);
    (shown, !swap && !has)
}

/// Queues the next monitor pass that will change something, if any.
fn plan_next(sim: &mut Sim, cause: EventId) {
    let now = sim.now();
    let Some(c) = sim.cluster.as_ref() else {
        return;
    };
    let origin = monitor_origin(c);
    let mut next: Option<SimTime> = None;
    for n in nodes(c) {
        let name = &n.metadata.name;
        let at = if !c.fault(name).heartbeats() {
            (ready_status(n) != ConditionStatus::Unknown)
                .then(|| tick_after(origin, renew_time(c, name, now).plus_ms(GRACE_MS)).max(now))
        } else if let Some(post) = runtime_not_ready_at(c, name) {
            // The first pass at or after the kubelet's Ready=False post.
            runtime_not_ready_pending(n)
                .then(|| tick_after(origin, SimTime(post.as_ms().saturating_sub(1))).max(now))
        } else if ready_status(n) != ConditionStatus::True
            || n.spec.taints.iter().any(lifecycle_taint)
        {
            Some(tick_after(origin, now))
        } else {
            None
        };
        next = match (next, at) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
    }
    let Some(at) = next else {
        return;
    };
    if let Some(c) = sim.cluster.as_mut() {
        if !c.monitor_at.insert(at) {
            return;
        }
    }
    enqueue(
        sim,
        Work::NodeMonitor,
        at.as_ms().saturating_sub(now.as_ms()),
        cause,
    );
}

/// One pass of the node lifecycle controller's monitor (`monitorNodeHealth`).
pub(crate) fn monitor(sim: &mut Sim, cause: EventId) {
    let now = sim.now();
    let Some(c) = sim.cluster.as_mut() else {
        return;
    };
    c.monitor_at.remove(&now);
    let c = &**c;
    let mut unknown = Vec::new();
    let mut not_ready = Vec::new();
    let mut ready = Vec::new();
    for n in nodes(c) {
        let name = n.metadata.name.clone();
        let silent_ms = now
            .as_ms()
            .saturating_sub(renew_time(c, &name, now).as_ms());
        if !c.fault(&name).heartbeats() {
            if silent_ms > GRACE_MS && ready_status(n) != ConditionStatus::Unknown {
                unknown.push((n.clone(), renew_time(c, &name, now)));
            }
        } else if let Some(post) = runtime_not_ready_at(c, &name) {
            if post <= now && runtime_not_ready_pending(n) {
                not_ready.push((n.clone(), post));
            }
        } else if ready_status(n) != ConditionStatus::True
            || n.spec.taints.iter().any(lifecycle_taint)
        {
            ready.push(n.clone());
        }
    }
    for (n, renewed) in unknown {
        mark_unknown(sim, n, renewed, cause);
    }
    for (n, posted) in not_ready {
        mark_not_ready(sim, n, posted, cause);
    }
    for n in ready {
        mark_ready(sim, n, cause);
    }
    super::noexecute::handle_disruption(sim, cause);
    plan_next(sim, cause);
}

const PRESSURES: [&str; 3] = ["MemoryPressure", "DiskPressure", "PIDPressure"];

/// The kubelet stopped posting: conditions Unknown, taints, pods not ready (`MarkPodsNotReady`).
fn mark_unknown(sim: &mut Sim, mut n: Node, renewed: SimTime, cause: EventId) {
    let now = Timestamp::at(sim.now());
    for cnd in n.status.conditions.iter_mut() {
        if cnd.type_ == "Ready" || PRESSURES.contains(&cnd.type_.as_str()) {
            cnd.status = ConditionStatus::Unknown;
            cnd.reason = "NodeStatusUnknown".into();
            cnd.message = "Kubelet stopped posting node status.".into();
            cnd.last_transition_time = Some(now);
            cnd.last_heartbeat_time = Some(Timestamp::at(renewed));
        }
    }
    let what = format!(
        "Ready=Unknown (Kubelet stopped posting node status: last Lease renewal at {renewed})"
    );
    not_ready(sim, n, UNREACHABLE, &what, cause);
}

/// What follows a node's Ready condition leaving True (`n`, already changed; `key` the
/// lifecycle taint for its new status, `what` the change as the log says it): the lifecycle
/// taints ([`lifecycle_taints`]; the NoExecute one queued when it must wait), the node's
/// `NodeNotReady` event, and its pods marked not ready.
fn not_ready(sim: &mut Sim, mut n: Node, key: &str, what: &str, cause: EventId) {
    let now = Timestamp::at(sim.now());
    let name = n.metadata.name.clone();
    let (shown, queue) = lifecycle_taints(&mut n, key, now);
    let note = format!("node/{name}: {what}; tainted {}", shown.join(" and "));
    let queued = queue.then(|| n.clone());
    let Some(id) = state::apply(
        sim,
        Change::Update {
            object: Object::Node(Box::new(n)),
            why: Why::Note(note),
        },
        cause,
    ) else {
        return;
    };
    if let Some(n) = queued {
        super::noexecute::mark_for_tainting(sim, &n, id);
    }
    let node_key = Key::new(ObjectKind::Node, "", &name);
    let ev = record_kube_event(
        sim,
        &node_key,
        "NodeNotReady",
        NODE_CONTROLLER,
        false,
        &format!("Node {name} status is now: NodeNotReady"),
        id,
    );
    mark_pods_not_ready(sim, &name, now, ev);
}

/// `MarkPodsNotReady`: the Ready condition of every ready pod on `node` becomes False (a
/// `NodeNotReady` warning on each, caused by the node's `NodeNotReady` event `ev`), so the
/// EndpointSlice controller takes them out of their Services.
fn mark_pods_not_ready(sim: &mut Sim, name: &str, now: Timestamp, ev: EventId) {
    let Some(c) = sim.cluster.as_ref() else {
        return;
    };
    let pods: Vec<Pod> = pods_on(c, name)
        .into_iter()
        .filter(|p| {
            p.status
                .conditions
                .iter()
                .any(|c| c.type_ == "Ready" && c.status == ConditionStatus::True)
        })
        .collect();
    for mut p in pods {
        let key = Key::new(ObjectKind::Pod, &p.metadata.namespace, &p.metadata.name);
        for cnd in p.status.conditions.iter_mut() {
            if cnd.type_ == "Ready" && cnd.status != ConditionStatus::False {
                cnd.status = ConditionStatus::False;
                cnd.last_transition_time = Some(now);
            }
        }
        state::apply(
            sim,
            Change::Update {
                object: Object::Pod(Box::new(p)),
                why: Why::Event(KubeEvent {
                    on: key,
                    reason: "NodeNotReady".into(),
                    message: "Node is not ready".into(),
                    warning: true,
                    source: NODE_CONTROLLER,
                }),
            },
            ev,
        );
    }
}

/// The kubelet posts Ready=False because its container runtime is down (at `posted`) and the
/// controller sees it: the node is tainted `node.kubernetes.io/not-ready` NoSchedule (and
/// NoExecute through its zone's queue), and its pods are marked not ready. The Lease is still renewed, so this is the
/// `not-ready` path, not the `unreachable` one.
fn mark_not_ready(sim: &mut Sim, mut n: Node, posted: SimTime, cause: EventId) {
    let name = n.metadata.name.clone();
    let renewed = sim
        .cluster
        .as_ref()
        .map_or(sim.now(), |c| renew_time(c, &name, sim.now()));
    for cnd in n.status.conditions.iter_mut() {
        if cnd.type_ == "Ready" {
            if cnd.status != ConditionStatus::False {
                cnd.status = ConditionStatus::False;
                cnd.last_transition_time = Some(Timestamp::at(posted));
            }
            cnd.reason = "KubeletNotReady".into();
            cnd.message = RUNTIME_DOWN_MESSAGE.into();
            cnd.last_heartbeat_time = Some(Timestamp::at(renewed));
        }
    }
    let what = format!(
        "Ready=False (KubeletNotReady: {RUNTIME_DOWN_MESSAGE}, posted by the kubelet at {posted})"
    );
    not_ready(sim, n, NOT_READY, &what, cause);
}

/// The kubelet posts again: Ready, and the lifecycle taints go.
fn mark_ready(sim: &mut Sim, mut n: Node, cause: EventId) {
    let now = Timestamp::at(sim.now());
    let name = n.metadata.name.clone();
    let renewed = sim
        .cluster
        .as_ref()
        .map_or(sim.now(), |c| renew_time(c, &name, sim.now()));
    let good = |t: &str| match t {
        "MemoryPressure" => (
            "KubeletHasSufficientMemory",
            "kubelet has sufficient memory available",
        ),
        "DiskPressure" => ("KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
        _ => (
            "KubeletHasSufficientPID",
            "kubelet has sufficient PID available",
        ),
    };
    // Pressure the kubelet's eviction manager still reports stays True.
    let reported: Vec<&str> = sim
        .cluster
        .as_ref()
        .and_then(|c| c.pressures.get(&name))
        .map(|st| {
            st.by
                .iter()
                .filter(|(_, s)| s.reported)
                .map(|(p, _)| p.condition())
                .collect()
        })
        .unwrap_or_default();
    let mut changed = Vec::new();
    for cnd in n.status.conditions.iter_mut() {
        let (status, (reason, message)) = if cnd.type_ == "Ready" {
            (
                ConditionStatus::True,
                ("KubeletReady", "kubelet is posting ready status"),
            )
        } else if reported.contains(&cnd.type_.as_str()) {
            let p = if cnd.type_ == "MemoryPressure" {
                Pressure::Memory
            } else {
                Pressure::Disk
            };
            (ConditionStatus::True, p.wording(true))
        } else if PRESSURES.contains(&cnd.type_.as_str()) {
            (ConditionStatus::False, good(&cnd.type_))
        } else {
            continue;
        };
        if cnd.status != status {
            cnd.status = status;
            cnd.last_transition_time = Some(now);
            changed.push(cnd.type_.clone());
        }
        cnd.reason = reason.into();
        cnd.message = message.into();
        cnd.last_heartbeat_time = Some(Timestamp::at(renewed));
    }
    let removed: Vec<String> = n
        .spec
        .taints
        .iter()
        .filter(|t| lifecycle_taint(t))
        .map(|t| t.to_string())
        .collect();
    n.spec.taints.retain(|t| !lifecycle_taint(t));
    super::noexecute::forget(sim, &name);
    let mut note = format!("node/{name}: Ready=True (kubelet is posting ready status)");
    if !removed.is_empty() {
        note.push_str(&format!("; untainted {}", removed.join(" and ")));
    }
    let Some(id) = state::apply(
        sim,
        Change::Update {
            object: Object::Node(Box::new(n)),
            why: Why::Note(note),
        },
        cause,
    ) else {
        return;
    };
    if changed.iter().any(|t| t == "Ready") {
        let node_key = Key::new(ObjectKind::Node, "", &name);
        record_kube_event(
            sim,
            &node_key,
            "NodeReady",
            NODE_CONTROLLER,
            false,
            &format!("Node {name} status is now: NodeReady"),
            id,
        );
    }
}

/// Pods bound to `node`, in store order.
fn pods_on(c: &Cluster, node: &str) -> Vec<Pod> {
    c.store
        .list(ObjectKind::Pod, None)
        .filter_map(controllers::as_pod)
        .filter(|p| p.spec.node_name == node)
        .cloned()
        .collect()
}

fn has_no_execute(n: &Node) -> bool {
    n.spec
        .taints
        .iter()
        .any(|t| t.effect == TaintEffect::NoExecute)
}

/// A node changed (the watch): the taint eviction controller looks at its pods when it has
/// NoExecute taints.
pub(crate) fn node_updated(sim: &mut Sim, node: &str, after: Option<&Object>, id: EventId) {
    if let Some(Object::Node(n)) = after {
        if has_no_execute(n) {
            enqueue(sim, Work::TaintManager(node.into()), WATCH_LATENCY_MS, id);
        }
        if pressure_taints_differ(n) {
            enqueue(sim, Work::PressureTaints(node.into()), WATCH_LATENCY_MS, id);
        }
    }
}

/// Whether a node's pressure conditions and its pressure NoSchedule taints disagree.
fn pressure_taints_differ(n: &Node) -> bool {
    Pressure::ALL.iter().any(|p| {
        let on = n
            .status
            .conditions
            .iter()
            .any(|c| c.type_ == p.condition() && c.status == ConditionStatus::True);
        let tainted = n
            .spec
            .taints
            .iter()
            .any(|t| t.key == p.taint() && t.effect == TaintEffect::NoSchedule);
        on != tainted
    })
}

/// The node lifecycle controller's `doNoScheduleTaintingPass` for the pressure conditions, on
/// a node update: MemoryPressure=True gets `node.kubernetes.io/memory-pressure:NoSchedule`,
/// DiskPressure=True `node.kubernetes.io/disk-pressure:NoSchedule`; the taint goes when the
/// condition does. No Event: the real controller records none for NoSchedule taints.
pub(crate) fn pressure_taints(sim: &mut Sim, node: &str, cause: EventId) {
    let Some(c) = sim.cluster.as_ref() else {
        return;
    };
    let Some(Object::Node(n)) = c.store.get(&Key::new(ObjectKind::Node, "", node)) else {
        return;
    };
    if !pressure_taints_differ(n) {
        return;
    }
    let mut n = n.as_ref().clone();
    let mut added = Vec::new();
    let mut removed = Vec::new();
    for p in Pressure::ALL {
        let on = n
            .status
            .conditions
            .iter()
            .any(|c| c.type_ == p.condition() && c.status == ConditionStatus::True);
        let has = n
            .spec
            .taints
            .iter()
            .any(|t| t.key == p.taint() && t.effect == TaintEffect::NoSchedule);
        if on && !has {
            let t = Taint {
                key: p.taint().into(),
                value: String::new(),
                time_added: None,
                effect: TaintEffect::NoSchedule,
            };
            added.push(format!("{t} ({}=True)", p.condition()));
            n.spec.taints.push(t);
        } else if !on && has {
            n.spec
                .taints
                .retain(|t| !(t.key == p.taint() && t.effect == TaintEffect::NoSchedule));
            removed.push(format!(
                "{}:NoSchedule ({}=False)",
                p.taint(),
                p.condition()
            ));
        }
    }
    let mut note = format!("node/{node}:");
    if !added.is_empty() {
        note.push_str(&format!(" tainted {}", added.join(" and ")));
    }
    if !removed.is_empty() {
        if !added.is_empty() {
            note.push(';');
        }
        note.push_str(&format!(" untainted {}", removed.join(" and ")));
    }
    state::apply(
        sim,
        Change::Update {
            object: Object::Node(Box::new(n)),
            why: Why::Note(note),
        },
        cause,
    );
}

/// A pod was bound to `node`: if the node has NoExecute taints, the controller looks at it.
pub(crate) fn pod_bound(sim: &mut Sim, node: &str, id: EventId) {
    let tainted = sim.cluster.as_ref().is_some_and(|c| {
        matches!(c.store.get(&Key::new(ObjectKind::Node, "", node)),
            Some(Object::Node(n)) if has_no_execute(n))
    });
    if tainted {
        enqueue(sim, Work::TaintManager(node.into()), WATCH_LATENCY_MS, id);
    }
}

/// When a pod on a node with NoExecute taints must go, and which taint decides it.
struct Due {
    at: SimTime,
    taint: Taint,
    /// The toleration's seconds (None: the pod does not tolerate the taint).
    seconds: Option<i64>,
}

/// `processPodOnNode`: each NoExecute taint the pod does not tolerate evicts it at once; the
/// ones it tolerates evict it when the smallest `tolerationSeconds` of the tolerations that
/// match them runs out, from the taint's `timeAdded`; tolerations without seconds tolerate
/// forever. None: the pod may stay.
fn due(c: &Cluster, pod: &Pod, now: SimTime) -> Option<Due> {
    let Some(Object::Node(n)) = c
        .store
        .get(&Key::new(ObjectKind::Node, "", &pod.spec.node_name))
    else {
        return None;
    };
    let mut best: Option<Due> = None;
    for t in n
        .spec
        .taints
        .iter()
        .filter(|t| t.effect == TaintEffect::NoExecute)
    {
        let added = t.time_added.map_or(now, |a| a.time());
        let matching: Vec<_> = pod
            .spec
            .tolerations
            .iter()
            .filter(|x| x.tolerates(t))
            .collect();
        let d = if matching.is_empty() {
            Some(Due {
                at: added.min(now),
                taint: t.clone(),
                seconds: None,
            })
        } else {
            matching
                .iter()
                .filter_map(|x| x.toleration_seconds)
                .min()
                .map(|s| Due {
                    at: added.plus_ms(u64::try_from(s.max(0)).unwrap_or(0).saturating_mul(1000)),
                    taint: t.clone(),
                    seconds: Some(s.max(0)),
                })
        };
        if let Some(d) = d {
            if best.as_ref().is_none_or(|b| d.at < b.at) {
                best = Some(d);
            }
        }
    }
    best
}

/// The taint eviction controller looks at every pod of `node`.
pub(crate) fn taint_manager(sim: &mut Sim, node: &str, cause: EventId) {
    let now = sim.now();
    let Some(c) = sim.cluster.as_ref() else {
        return;
    };
    let pods: Vec<(Pod, Option<SimTime>)> = pods_on(c, node)
        .into_iter()
        .filter(|p| p.metadata.deletion_timestamp.is_none())
        .map(|p| {
            let at = due(c, &p, now).map(|d| d.at);
            (p, at)
        })
        .collect();
    for (p, at) in pods {
        let Some(at) = at else {
            continue;
        };
        let key = Key::new(ObjectKind::Pod, &p.metadata.namespace, &p.metadata.name);
        if at <= now {
            evict(sim, &key, &p.metadata.uid, cause);
        } else {
            set_timer(sim, &key, &p.metadata.uid, at, cause);
        }
    }
}

fn set_timer(sim: &mut Sim, key: &Key, uid: &str, at: SimTime, cause: EventId) {
    let now = sim.now();
    let Some(c) = sim.cluster.as_mut() else {
        return;
    };
    if c.evictions.get(key).is_some_and(|t| *t <= at) {
        return;
    }
    c.evictions.insert(key.clone(), at);
    let work = Work::TaintEviction {
        pod: key.clone(),
        uid: uid.into(),
    };
    enqueue(sim, work, at.as_ms().saturating_sub(now.as_ms()), cause);
}

/// A pod's eviction timer ran out: evict it if it still must go (the taints may be gone).
pub(crate) fn eviction_timer(sim: &mut Sim, key: &Key, uid: &str, cause: EventId) {
    let now = sim.now();
    let Some(c) = sim.cluster.as_mut() else {
        return;
    };
    if c.evictions.get(key).is_some_and(|t| *t <= now) {
        c.evictions.remove(key);
    }
    let c = &**c;
    let at = match c.store.get(key) {
        Some(Object::Pod(p))
            if p.metadata.uid == uid && p.metadata.deletion_timestamp.is_none() =>
        {
            due(c, p, now).map(|d| d.at)
        }
        _ => None,
    };
    match at {
        None => {}
        Some(at) if at > now => set_timer(sim, key, uid, at, cause),
        Some(_) => evict(sim, key, uid, cause),
    }
}

/// Deletes the pod (`TaintManagerEviction`), saying why.
fn evict(sim: &mut Sim, key: &Key, uid: &str, cause: EventId) {
    let now = sim.now();
    let Some(c) = sim.cluster.as_ref() else {
        return;
    };
    let Some(Object::Pod(p)) = c.store.get(key) else {
        return;
    };
    if p.metadata.uid != uid {
        return;
    }
    let Some(d) = due(c, p, now) else {
        return;
    };
    let node = p.spec.node_name.clone();
    let added = d.taint.time_added.map_or(now, |t| t.time());
    let because = match d.seconds {
        Some(s) => format!(
            "the pod's toleration of {s} s ran out at {}",
            added.plus_ms(u64::try_from(s).unwrap_or(0).saturating_mul(1000))
        ),
        None => "the pod does not tolerate it".into(),
    };
    let message = format!(
        "pod/{} Terminating because {node} was tainted {} at {added} and {because}",
        key.name, d.taint
    );
    let ev = record_kube_event(
        sim,
        key,
        "TaintManagerEviction",
        TAINT_EVICTION,
        false,
        &format!("Marking for deletion Pod {}/{}", key.namespace, key.name),
        cause,
    );
    state::delete(sim, key, Why::Note(message), ev);
}

/// Chaos changes `node`'s fault: records it and does what follows at once (a kubelet that comes
/// back resyncs its pods and renews its Lease; one that stops, stops renewing). Returns the
/// fault's event, or None when the node is gone.
pub(crate) fn apply_fault(
    sim: &mut Sim,
    node: &str,
    action: FaultAction,
    cause: EventId,
) -> Option<EventId> {
    let now = sim.now();
    let c = sim.cluster.as_mut()?;
    c.store.get(&Key::new(ObjectKind::Node, "", node))?;
    let before = c.fault(node);
    let after = action.apply(before);
    if after.is_healthy() {
        c.faults.remove(node);
        c.fault_since.remove(node);
    } else {
        c.faults.insert(node.into(), after);
        if before.is_healthy() {
            c.fault_since.insert(node.into(), now);
        }
    }
    if after.down && !before.down {
        c.containers_stopped.insert(node.into());
    }
    if before.heartbeats() && !after.heartbeats() {
        let mut l = lease(c, node);
        l.stopped = Some(now);
        c.leases.insert(node.into(), l);
    }
    if !before.heartbeats() && after.heartbeats() {
        c.leases.insert(
            node.into(),
            Lease {
                origin: now,
                stopped: None,
            },
        );
    }
    if after.runtime_stopped && !before.runtime_stopped {
        c.runtime_stopped_at.insert(node.into(), now);
    } else if !after.runtime_stopped {
        c.runtime_stopped_at.remove(node);
    }
    // The kubelet can act on containers again (it came back, or its runtime did): it resyncs.
    let back = !before.kubelet_acts() && after.kubelet_acts();
    if back {
        *c.kubelet_boots.entry(node.into()).or_insert(0) += 1;
    }
    // The pressure the fault begins: the eviction manager's state starts over.
    for (p, was, is) in [
        (
            Pressure::Memory,
            before.memory_pressure,
            after.memory_pressure,
        ),
        (Pressure::Disk, before.disk_pressure, after.disk_pressure),
    ] {
        if is && !was {
            let st = c.pressures.entry(node.into()).or_default();
            let prev = st.by.get(&p).copied();
            st.by.insert(
                p,
                PressureState {
                    event: cause,
                    left: p.deficit(),
                    observed: prev.and_then(|s| s.observed),
                    reported: prev.is_some_and(|s| s.reported),
                    evicted: prev.map_or(0, |s| s.evicted),
                },
            );
        }
    }
    let what = match action {
        FaultAction::NodeCrash => "crashed: its containers stopped, its kubelet is gone",
        FaultAction::NodeRecover => "recovered: the machine is up again",
        FaultAction::KubeletStop => "kubelet stopped: containers keep running, nothing reports",
        FaultAction::KubeletStart => "kubelet started again",
        FaultAction::Partition => "partitioned: cut off from the control plane and other nodes",
        FaultAction::Heal => {
            "healed: kubelet and container runtime running, network reachable, no resource pressure"
        }
        FaultAction::RuntimeStop => {
            "container runtime stopped: containers keep running, the kubelet cannot manage them"
        }
        FaultAction::RuntimeStart => "container runtime started again",
        FaultAction::MemoryPressure => {
            "is low on memory: available memory is below the kubelet's hard eviction threshold memory.available<100Mi"
        }
        FaultAction::DiskPressure => {
            "is low on disk: its filesystem is below the kubelet's hard eviction threshold nodefs.available<10%"
        }
        FaultAction::Clear => "cleared of every fault",
        FaultAction::PodKill
        | FaultAction::Crashloop
        | FaultAction::ImagePullError
        | FaultAction::ZoneOutage
        | FaultAction::ZoneRecover
        | FaultAction::CrashloopEnd
        | FaultAction::ImagePullRecover => "unchanged",
    };
    let state_now = if after.is_healthy() {
        "healthy".to_string()
    } else {
        after.describe()
    };
    let id = sim.record(
        EventKind::FaultInjected {
            fault: action.as_str().into(),
        },
        crate::event::ObjectRef::new("node", node),
        Some(cause),
        format!("chaos: {node} {what} (now {state_now})"),
    );
    // Containers started by hand over `ssh` (not the kubelet's) stop with the machine, and
    // only those with a restart policy come back when its Docker daemon starts again.
    if after.down && !before.down {
        super::fleet::on_node_down(sim, node, id);
    }
    if before.down && !after.down {
        super::fleet::on_node_up(sim, node, id);
    }
    if back {
        super::kubelet::resync(sim, node, id);
    }
    // The pressure's evictions chain back to this fault's event.
    if let Some(c) = sim.cluster.as_mut() {
        if let Some(st) = c.pressures.get_mut(node) {
            for (p, on) in [
                (
                    Pressure::Memory,
                    after.memory_pressure && !before.memory_pressure,
                ),
                (Pressure::Disk, after.disk_pressure && !before.disk_pressure),
            ] {
                if let (true, Some(s)) = (on, st.by.get_mut(&p)) {
                    s.event = id;
                }
            }
        }
    }
    super::kubelet::pressure_changed(sim, node, id);
    plan_next(sim, id);
    Some(id)
}

/// A fault queued by `chaos … --at T` happens (unless `chaos clear` cancelled it).
pub(crate) fn scheduled_fault(sim: &mut Sim, id: u64, cause: EventId) {
    let Some(f) = sim
        .cluster
        .as_mut()
        .and_then(|c| c.faults_scheduled.remove(&id))
    else {
        return;
    };
    match f.action {
        FaultAction::PodKill => random_pod_kill(sim, cause),
        FaultAction::Crashloop => {
            // The Deployment may have gone since, or already crashloop: then nothing happens.
            let Some((ns, name)) = f.node.split_once('/') else {
                return;
            };
            let key = Key::new(ObjectKind::Deployment, ns, name);
            let exists = sim.cluster.as_ref().is_some_and(|c| {
                c.store.get(&key).is_some() && !c.workload_faults.crashloop.contains_key(&key)
            });
            if exists {
                inject_crashloop(sim, &key, cause);
            }
        }
        FaultAction::ImagePullError => {
            let new = sim
                .cluster
                .as_ref()
                .is_some_and(|c| !c.workload_faults.image_pull_errors.contains_key(&f.node));
            if new {
                inject_image_pull_error(sim, &f.node, cause);
            }
        }
        FaultAction::ZoneOutage => {
            zone_outage(sim, &f.node, cause);
        }
        FaultAction::ZoneRecover => {
            zone_recover(sim, &f.node, cause);
        }
        FaultAction::CrashloopEnd => {
            // Nothing happens when the Deployment no longer crashloops (`chaos clear` ended it).
            if let Some((ns, name)) = f.node.split_once('/') {
                let key = Key::new(ObjectKind::Deployment, ns, name);
                end_crashloop(sim, &key, "crashloop-end", cause);
            }
        }
        FaultAction::ImagePullRecover => {
            end_image_pull_error(sim, &f.node, "image-pull-recover", cause);
        }
        _ => {
            apply_fault(sim, &f.node, f.action, cause);
        }
    }
}

/// The label that names a node's zone.
pub const ZONE_LABEL: &str = "topology.kubernetes.io/zone";

/// The nodes labelled `topology.kubernetes.io/zone=ZONE`, by name.
pub(crate) fn zone_nodes(c: &super::state::Cluster, zone: &str) -> Vec<String> {
    c.store
        .list(ObjectKind::Node, None)
        .filter(|o| o.metadata().labels.get(ZONE_LABEL).map(String::as_str) == Some(zone))
        .map(|o| o.metadata().name.clone())
        .collect()
}

/// A zone outage (`chaos zone-outage ZONE`, or drawn by `chaos random`): every running node of
/// the zone crashes, each its own `FaultInjected` event caused by `cause`. Returns the nodes it
/// crashed (none: nothing happens).
pub(crate) fn zone_outage(sim: &mut Sim, zone: &str, cause: EventId) -> Vec<String> {
    let nodes: Vec<String> = sim.cluster.as_ref().map_or_else(Vec::new, |c| {
        zone_nodes(c, zone)
            .into_iter()
            .filter(|n| !c.fault(n).down)
            .collect()
    });
    for n in &nodes {
        apply_fault(sim, n, FaultAction::NodeCrash, cause);
    }
    nodes
}

/// The end of a zone outage (`chaos zone-recover ZONE`, or a random outage's undo): every
/// crashed node of the zone comes back up, each its own `FaultInjected` event caused by
/// `cause`. Returns the nodes it recovered (none: nothing happens).
pub(crate) fn zone_recover(sim: &mut Sim, zone: &str, cause: EventId) -> Vec<String> {
    let nodes: Vec<String> = sim.cluster.as_ref().map_or_else(Vec::new, |c| {
        zone_nodes(c, zone)
            .into_iter()
            .filter(|n| c.fault(n).down)
            .collect()
    });
    for n in &nodes {
        apply_fault(sim, n, FaultAction::NodeRecover, cause);
    }
    nodes
}

/// Ends the crashloop of the Deployment at `key` (`chaos clear`, or the end of a random one):
/// a crashlooping container restarts normally at the end of its back-off. Records a
/// `FaultInjected` event named `fault` caused by `cause`; nothing when it does not crashloop.
pub(crate) fn end_crashloop(sim: &mut Sim, key: &Key, fault: &str, cause: EventId) {
    let Some(c) = sim.cluster.as_mut() else {
        return;
    };
    if c.workload_faults.crashloop.remove(key).is_none() {
        return;
    }
    let shown = if key.namespace == "default" {
        format!("deployment/{}", key.name)
    } else {
        format!("deployment/{}/{}", key.namespace, key.name)
    };
    sim.record(
        EventKind::FaultInjected {
            fault: fault.into(),
        },
        key.object_ref(),
        Some(cause),
        format!("chaos: {shown} no longer crashloops: containers that start now keep running"),
    );
}

/// Ends the pull error of the image (its canonical reference): a pull in ImagePullBackOff
/// succeeds at its next attempt. Records a `FaultInjected` event named `fault` caused by
/// `cause`; nothing when its pulls do not fail.
pub(crate) fn end_image_pull_error(sim: &mut Sim, canonical: &str, fault: &str, cause: EventId) {
    let Some(c) = sim.cluster.as_mut() else {
        return;
    };
    if c.workload_faults
        .image_pull_errors
        .remove(canonical)
        .is_none()
    {
        return;
    }
    sim.record(
        EventKind::FaultInjected {
            fault: fault.into(),
        },
        crate::event::ObjectRef::new("image", canonical),
        Some(cause),
        format!("chaos: pulls of {canonical} succeed again"),
    );
}

/// `chaos crashloop`: the Deployment at `key` starts crashing (a `FaultInjected` event caused
/// by `cause`; the running containers exit soon, every start after crashes too). Returns the
/// fault's event.
pub(crate) fn inject_crashloop(sim: &mut Sim, key: &Key, cause: EventId) -> EventId {
    let shown = if key.namespace == "default" {
        format!("deployment/{}", key.name)
    } else {
        format!("deployment/{}/{}", key.namespace, key.name)
    };
    let ev = sim.record(
        EventKind::FaultInjected {
            fault: "crashloop".into(),
        },
        key.object_ref(),
        Some(cause),
        format!(
            "chaos: {shown} crashloops: its containers exit with code 1 {} after each start (a bad release)",
            crate::time::format_duration_ms(super::faults::CRASHLOOP_RUN_MS)
        ),
    );
    let now = sim.now();
    if let Some(c) = sim.cluster.as_mut() {
        c.workload_faults
            .crashloop
            .insert(key.clone(), super::faults::Injected { at: now, event: ev });
    }
    super::kubelet::crash_running(sim, key, ev);
    ev
}

/// `chaos image-pull-error`: every pull of the image (its canonical reference) fails from now on.
/// Returns the fault's event.
pub(crate) fn inject_image_pull_error(sim: &mut Sim, canonical: &str, cause: EventId) -> EventId {
    let ev = sim.record(
        EventKind::FaultInjected {
            fault: "image-pull-error".into(),
        },
        crate::event::ObjectRef::new("image", canonical),
        Some(cause),
        format!(
            "chaos: pulls of {canonical} fail on every node: the registry answers 503 Service Unavailable"
        ),
    );
    let now = sim.now();
    if let Some(c) = sim.cluster.as_mut() {
        c.workload_faults.image_pull_errors.insert(
            canonical.to_string(),
            super::faults::Injected { at: now, event: ev },
        );
    }
    ev
}

/// Kills the containers of a pod picked with the simulation's RNG among the pods with a
/// running container on a node whose kubelet runs (none: nothing happens, and no event).
fn random_pod_kill(sim: &mut Sim, cause: EventId) {
    use rand::Rng;
    let Some(c) = sim.cluster.as_ref() else {
        return;
    };
    let candidates: Vec<Key> = c
        .store
        .list(ObjectKind::Pod, None)
        .filter_map(controllers::as_pod)
        .filter(|p| {
            p.metadata.deletion_timestamp.is_none()
                && !p.spec.node_name.is_empty()
                && c.fault(&p.spec.node_name).kubelet_acts()
                && p.status
                    .container_statuses
                    .iter()
                    .any(|s| s.state.running.is_some())
        })
        .map(|p| Key::new(ObjectKind::Pod, &p.metadata.namespace, &p.metadata.name))
        .collect();
    if candidates.is_empty() {
        return;
    }
    let key = candidates[sim.rng().random_range(0..candidates.len())].clone();
    let id = sim.record(
        EventKind::FaultInjected {
            fault: "pod-kill".into(),
        },
        key.object_ref(),
        Some(cause),
        format!(
            "chaos: killed the containers of pod/{} with SIGKILL (picked at random)",
            key.name
        ),
    );
    super::kubelet::kill_containers(sim, &key, id);
}
