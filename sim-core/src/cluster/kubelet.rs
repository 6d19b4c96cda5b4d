//! The kubelet of each node: pulls a bound pod's images into the node's own engine (time from
//! the bytes of the layers the node lacks), creates and starts its containers one by one,
//! reports Ready after the readiness probe's initial delay (at once without a probe), and stops
//! the containers of a deleted pod. Image pulls that fail back off 10 s, doubling to 300 s, as
//! `ImagePullBackOff`. Event wording is the kubelet's (`pkg/kubelet/events`).
//!
//! It honours the workload faults of chaos ([`super::faults::WorkloadFaults`]): a container of
//! a pod owned (through its ReplicaSet) by a crashlooping Deployment exits with code 1
//! [`super::faults::CRASHLOOP_RUN_MS`] after each start (`Step::Crash`), and a pull of an image
//! whose pulls fail meets the registry's 503 (`ErrImagePull`, then `ImagePullBackOff`); an
//! image already on the node is not pulled again (IfNotPresent), so it is not affected.
//!
//! Its eviction manager (`pkg/kubelet/eviction`) acts on the resource pressure of chaos
//! ([`super::faults::Pressure`], `chaos memory-pressure`): at each housekeeping pass (10 s) it
//! reports MemoryPressure/DiskPressure and evicts one pod, ranked as the kubelet ranks them,
//! until the modelled deficit is freed ([`housekeeping`]).
//!
//! A kubelet that is not running or cannot reach the API server (its node crashed, stopped or
//! partitioned: `NodeFault::heartbeats`) does nothing: its queued steps are dropped, and when it
//! comes back it resyncs every pod bound to it (`resync`).

use serde::Serialize;

use super::api::{
    ConditionStatus, ContainerState, ContainerStateRunning, ContainerStateTerminated,
    ContainerStateWaiting, ContainerStatus, ContainerStatusFields, ImagePullPolicy, Object, Pod,
    PodPhase, RestartPolicy, Timestamp,
};
use super::faults::{Pressure, CRASHLOOP_RUN_MS, HOUSEKEEPING_MS, PRESSURE_TRANSITION_MS};
use super::state::{enqueue, record_kube_event, remove_pod, watch, Work, WATCH_LATENCY_MS};
use super::store::Key;
use crate::event::{EventId, EventKind};
use crate::image::engine::{parse_reference, Engine};
use crate::sim::Sim;
use crate::time::SimTime;

/// The kubelet's name in events.
pub const SOURCE: &str = "kubelet";

/// Bytes per second a node downloads image layers at. ASSUMPTION: 25 MiB/s (≈ 200 Mbit/s to the
/// registry), a typical cloud VM pulling from Docker Hub.
pub const PULL_BYTES_PER_S: u64 = 25 * 1024 * 1024;
/// Fixed cost of a pull: registry auth, manifest and config round trips. ASSUMPTION: 250 ms.
pub const PULL_OVERHEAD_MS: u64 = 250;
/// From `Created` to `Started`: the container runtime's start (namespaces, cgroup, rootfs,
/// exec), the same phases `docker run` goes through ([`crate::image::cgroup::START_PHASES_MS`]).
pub fn start_ms() -> u64 {
    crate::image::cgroup::START_PHASES_MS
        .iter()
        .map(|(_, ms)| ms)
        .sum()
}
/// From the kill to the pod leaving the store. ASSUMPTION: 1 s (the processes exit on SIGTERM at
/// once; the grace period of 30 s only bounds a process that ignores it).
pub const KILL_MS: u64 = 1000;
/// Image pull back-off: first delay and cap (kubelet `backOffPeriod`, `MaxContainerBackOff`).
pub const BACKOFF_INITIAL_MS: u64 = 10_000;
/// The cap of the back-off.
pub const BACKOFF_MAX_MS: u64 = 300_000;

/// A step of a pod's kubelet.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Step {
    /// The pod was bound here: set up its status, start with the first container.
    Sync,
    /// Pull container `container`'s image (attempt counts failures before it).
    Pull {
        /// Index into `spec.containers`.
        container: usize,
        /// Failed attempts before this one.
        attempt: u32,
    },
    /// The pull of `container`'s image finished.
    Pulled {
        /// Index into `spec.containers`.
        container: usize,
        /// How long it took.
        took_ms: u64,
    },
    /// The container's process is running.
    Started {
        /// Index into `spec.containers`.
        container: usize,
    },
    /// The readiness probe succeeded for the first time.
    Ready {
        /// Index into `spec.containers`.
        container: usize,
        /// The container's restart count when it started (a stale step does nothing).
        run: i32,
    },
    /// The container's process exited.
    Exited {
        /// Index into `spec.containers`.
        container: usize,
        /// The container's restart count when it started.
        run: i32,
        /// Its exit code.
        code: i32,
    },
    /// A crashlooping Deployment's container (`chaos crashloop`) exits with code 1, if the
    /// fault is still on.
    Crash {
        /// Index into `spec.containers`.
        container: usize,
        /// The container's restart count when it started.
        run: i32,
    },
    /// After a crash: report `CrashLoopBackOff` and wait before the restart.
    CrashBackOff {
        /// Index into `spec.containers`.
        container: usize,
        /// The container's restart count when it started.
        run: i32,
        /// When the restart happens, from the exit (ms).
        delay_ms: u64,
    },
    /// The back-off is over: create the container again.
    Restart {
        /// Index into `spec.containers`.
        container: usize,
        /// The container's restart count when it started.
        run: i32,
    },
    /// After a failed pull: report `ImagePullBackOff` and wait.
    BackOff {
        /// Index into `spec.containers`.
        container: usize,
        /// Failed attempts so far.
        attempt: u32,
    },
    /// The pod is gone from the API: its containers have stopped.
    Remove,
}

/// The node a pod is bound to ("" when none or gone).
fn node_of(sim: &Sim, key: &Key) -> String {
    match sim.cluster.as_ref().and_then(|c| c.store.get(key)) {
        Some(Object::Pod(p)) => p.spec.node_name.clone(),
        _ => String::new(),
    }
}

/// Which run of `node`'s kubelet this is (it counts the node's recoveries).
fn boot(sim: &Sim, node: &str) -> u32 {
    sim.cluster
        .as_ref()
        .and_then(|c| c.kubelet_boots.get(node).copied())
        .unwrap_or(0)
}

/// Whether a kubelet step queued by run `boot` of the pod's node's kubelet may act now: the
/// kubelet is running, reaches the API server (not crashed, stopped or cut off) and has its
/// container runtime, and it has not been away since. A step that may not act is dropped; when the kubelet comes back it
/// resyncs its pods ([`resync`]).
pub(crate) fn acts(sim: &Sim, key: &Key, step_boot: u32) -> bool {
    let node = node_of(sim, key);
    if node.is_empty() {
        return true;
    }
    let Some(c) = sim.cluster.as_ref() else {
        return false;
    };
    c.fault(&node).kubelet_acts() && boot(sim, &node) == step_boot
}

fn work(sim: &Sim, key: &Key, uid: String, step: Step) -> Work {
    let node = node_of(sim, key);
    Work::Kubelet {
        pod: key.clone(),
        uid,
        boot: boot(sim, &node),
        step,
    }
}

/// Queues the kubelet's first look at a pod just bound to its node.
pub(crate) fn begin(sim: &mut Sim, key: &Key, uid: String, cause: EventId) {
    let work = work(sim, key, uid, Step::Sync);
    enqueue(sim, work, WATCH_LATENCY_MS, cause);
}

/// A pod got its deletionTimestamp: stop its containers (`Killing`), then remove it. A kubelet
/// that is not running does nothing: the pod stays Terminating until it comes back.
pub(crate) fn kill(sim: &mut Sim, key: &Key, uid: String, cause: EventId) {
    let Some(pod) = get(sim, key, &uid) else {
        return;
    };
    let node = pod.spec.node_name.clone();
    if !acts(sim, key, boot(sim, &node)) {
        return;
    }
    let stopped = sim
        .cluster
        .as_ref()
        .is_some_and(|c| c.containers_stopped.contains(&node));
    let mut last = cause;
    for (i, c) in pod.spec.containers.iter().enumerate() {
        let started = pod
            .status
            .container_statuses
            .get(i)
            .is_some_and(|s| s.state.running.is_some());
        if started && !stopped {
            last = record_kube_event(
                sim,
                key,
                "Killing",
                SOURCE,
                false,
                &format!("Stopping container {}", c.name),
                cause,
            );
        }
    }
    let work = work(sim, key, uid, Step::Remove);
    enqueue(sim, work, KILL_MS, last);
}

fn get(sim: &Sim, key: &Key, uid: &str) -> Option<Pod> {
    match sim.cluster.as_ref()?.store.get(key) {
        Some(Object::Pod(p)) if p.metadata.uid == uid => Some(p.as_ref().clone()),
        _ => None,
    }
}

/// Stores the pod's new status and runs the watches, caused by `id`.
fn put(sim: &mut Sim, key: &Key, pod: Pod, id: EventId) {
    let Some(c) = sim.cluster.as_mut() else {
        return;
    };
    let before = c.store.get(key).cloned();
    c.store.update(Object::Pod(Box::new(pod)));
    let after = c.store.get(key).cloned();
    watch(sim, key, before.as_ref(), after.as_ref(), id);
}

fn later(sim: &mut Sim, key: &Key, uid: &str, step: Step, delay_ms: u64, cause: EventId) {
    let work = work(sim, key, uid.to_string(), step);
    enqueue(sim, work, delay_ms, cause);
}

/// The kubelet of `node` runs again (`chaos node-recover`, `kubelet-start`, `heal`): it looks
/// at every pod bound to it, as its first sync after a start does. A pod deleted meanwhile is
/// finally stopped and removed; after a crash, the containers that ran are started again (their
/// restart count goes up, as after a reboot); after a kubelet stop or a partition, running
/// containers still run and their readiness is reported again; work the kubelet had not done
/// (a pull, a start) is done now.
pub(crate) fn resync(sim: &mut Sim, node: &str, cause: EventId) {
    let Some(c) = sim.cluster.as_ref() else {
        return;
    };
    let was_down = c.containers_stopped.contains(node);
    let pods: Vec<Pod> = c
        .store
        .list(super::api::ObjectKind::Pod, None)
        .filter_map(super::controllers::as_pod)
        .filter(|p| p.spec.node_name == node)
        .cloned()
        .collect();
    for pod in pods {
        let key = Key::of(&Object::Pod(Box::new(pod.clone())));
        let uid = pod.metadata.uid.clone();
        if pod.metadata.deletion_timestamp.is_some() {
            kill(sim, &key, uid, cause);
            continue;
        }
        if pod.status.container_statuses.is_empty() {
            // Bound while the kubelet was away: its first sync.
            later(sim, &key, &uid, Step::Sync, 0, cause);
            continue;
        }
        let policy = pod
            .spec
            .restart_policy
            .clone()
            .unwrap_or(RestartPolicy::Always);
        let mut ready = true;
        for (i, s) in pod.status.container_statuses.iter().enumerate() {
            let run = s.restart_count;
            if s.state.running.is_some() {
                if was_down {
                    ready = false;
                    later(
                        sim,
                        &key,
                        &uid,
                        Step::Restart { container: i, run },
                        0,
                        cause,
                    );
                } else if !s.ready {
                    ready = false;
                    later(sim, &key, &uid, Step::Ready { container: i, run }, 0, cause);
                }
            } else if let Some(t) = &s.state.terminated {
                ready = false;
                let again = match policy {
                    RestartPolicy::Never => false,
                    RestartPolicy::OnFailure => t.exit_code != 0,
                    _ => true,
                };
                if again {
                    later(
                        sim,
                        &key,
                        &uid,
                        Step::Restart { container: i, run },
                        0,
                        cause,
                    );
                }
            } else {
                ready = false;
                if run > 0 {
                    later(
                        sim,
                        &key,
                        &uid,
                        Step::Restart { container: i, run },
                        0,
                        cause,
                    );
                } else {
                    // Not started yet: the pull-create-start chain goes on from here.
                    later(
                        sim,
                        &key,
                        &uid,
                        Step::Pull {
                            container: i,
                            attempt: 0,
                        },
                        0,
                        cause,
                    );
                    break;
                }
            }
        }
        let marked_not_ready = pod
            .status
            .conditions
            .iter()
            .any(|c| c.type_ == "Ready" && c.status != ConditionStatus::True);
        if ready && marked_not_ready && !pod.status.container_statuses.is_empty() {
            // The node controller marked it not ready while the kubelet was away; its
            // containers kept running and passing their probes: report Ready again.
            let mut p = pod.clone();
            let now = Timestamp::at(sim.now());
            set_condition(&mut p, "ContainersReady", ConditionStatus::True, now);
            set_condition(&mut p, "Ready", ConditionStatus::True, now);
            let id = sim.record(
                EventKind::ApiObjectChanged {
                    verb: "status".into(),
                },
                key.object_ref(),
                Some(cause),
                format!("pod/{} is Ready (its kubelet reports again)", key.name),
            );
            put(sim, &key, p, id);
        }
    }
    if let Some(c) = sim.cluster.as_mut() {
        c.containers_stopped.remove(node);
    }
}

/// The Deployment that owns the pod at `key` through its ReplicaSet, if any.
fn pod_key_owner(sim: &Sim, key: &Key) -> Option<Key> {
    let c = sim.cluster.as_ref()?;
    let pod = c.store.get(key)?;
    owning_deployment(c, pod)
}

/// The Deployment that owns `pod` (an object of the store) through its ReplicaSet, if any.
pub(crate) fn owning_deployment(c: &super::state::Cluster, pod: &Object) -> Option<Key> {
    let ns = pod.namespace().unwrap_or("");
    let rs = pod
        .metadata()
        .controller_ref()
        .filter(|r| r.kind == "ReplicaSet")?;
    let rs = c
        .store
        .get(&Key::new(super::api::ObjectKind::ReplicaSet, ns, &rs.name))?;
    let d = rs
        .metadata()
        .controller_ref()
        .filter(|r| r.kind == "Deployment")?;
    Some(Key::new(super::api::ObjectKind::Deployment, ns, &d.name))
}

/// The `FaultInjected` event of the crashloop fault on `deployment`, when it is on.
fn crashloop_of(sim: &Sim, deployment: &Option<Key>) -> Option<EventId> {
    let d = deployment.as_ref()?;
    sim.cluster
        .as_ref()?
        .workload_faults
        .crashloop
        .get(d)
        .map(|f| f.event)
}

/// `chaos crashloop`: the running containers of the Deployment's pods reach the bad code path
/// too and exit with code 1 [`CRASHLOOP_RUN_MS`] from now (ASSUMPTION: as if the bad release
/// had just rolled out); from then on every start crashes the same way (see `Step::Started`),
/// and the restartPolicy and CrashLoopBackOff logic does the rest.
pub(crate) fn crash_running(sim: &mut Sim, deployment: &Key, cause: EventId) {
    let Some(c) = sim.cluster.as_ref() else {
        return;
    };
    let mut crashes = Vec::new();
    for o in c
        .store
        .list(super::api::ObjectKind::Pod, Some(&deployment.namespace))
    {
        if owning_deployment(c, o).as_ref() != Some(deployment) {
            continue;
        }
        let Object::Pod(p) = o else { continue };
        if p.metadata.deletion_timestamp.is_some() {
            continue;
        }
        for (i, s) in p.status.container_statuses.iter().enumerate() {
            if s.state.running.is_some() {
                crashes.push((
                    Key::of(o),
                    p.metadata.uid.clone(),
                    Step::Crash {
                        container: i,
                        run: s.restart_count,
                    },
                ));
            }
        }
    }
    for (key, uid, step) in crashes {
        later(sim, &key, &uid, step, CRASHLOOP_RUN_MS, cause);
    }
}

/// `chaos pod-kill`: every running container of the pod is killed (SIGKILL, exit code 137);
/// the kubelet restarts them by the pod's restartPolicy, as after any crash.
pub(crate) fn kill_containers(sim: &mut Sim, key: &Key, cause: EventId) {
    let Some(Object::Pod(pod)) = sim.cluster.as_ref().and_then(|c| c.store.get(key)) else {
        return;
    };
    let pod = pod.as_ref().clone();
    for (i, s) in pod.status.container_statuses.iter().enumerate() {
        if s.state.running.is_some() {
            let step = Step::Exited {
                container: i,
                run: s.restart_count,
                code: 137,
            };
            later(sim, key, &pod.metadata.uid, step, 0, cause);
        }
    }
}

fn waiting(reason: &str, message: &str) -> ContainerState {
    ContainerState {
        waiting: Some(Box::new(ContainerStateWaiting {
            reason: reason.into(),
            message: message.into(),
        })),
        ..Default::default()
    }
}

fn set_condition(pod: &mut Pod, type_: &str, status: ConditionStatus, now: Timestamp) {
    if let Some(c) = pod.status.conditions.iter_mut().find(|c| c.type_ == type_) {
        if c.status != status {
            c.status = status;
            c.last_transition_time = Some(now);
        }
        return;
    }
    pod.status.conditions.push(
        super::api::PodConditionFields {
            type_: type_.into(),
            status,
            last_transition_time: Some(now),
            ..Default::default()
        }
        .into(),
    );
}

/// Go's `time.Duration` printing for whole milliseconds (`412ms`, `1.2s`, `1m3.5s`).
pub fn go_duration(ms: u64) -> String {
    if ms == 0 {
        return "0s".into();
    }
    if ms < 1000 {
        return format!("{ms}ms");
    }
    let (m, rest) = (ms / 60_000, ms % 60_000);
    let secs = format!("{}.{:03}", rest / 1000, rest % 1000);
    let secs = secs.trim_end_matches('0').trim_end_matches('.');
    if m > 0 {
        let (h, m) = (m / 60, m % 60);
        if h > 0 {
            format!("{h}h{m}m{secs}s")
        } else {
            format!("{m}m{secs}s")
        }
    } else {
        format!("{secs}s")
    }
}

/// Runs one kubelet step for the pod at `key`.
pub(crate) fn run(sim: &mut Sim, key: &Key, uid: &str, step: Step, cause: EventId) {
    if step == Step::Remove {
        if get(sim, key, uid).is_some() {
            remove_pod(sim, key, cause);
        }
        return;
    }
    let Some(mut pod) = get(sim, key, uid) else {
        return;
    };
    if pod.metadata.deletion_timestamp.is_some() || evicted(&pod) {
        // An evicted pod's containers are gone: steps queued before the eviction do nothing.
        return;
    }
    let now = Timestamp::at(sim.now());
    match step {
        Step::Sync => {
            let node = pod.spec.node_name.clone();
            let (host_ip, pod_ip) = addresses(sim, &node);
            pod.status.phase = Some(PodPhase::Pending);
            // `hostIPs`/`podIPs` follow from these (`api::compact_ips`).
            pod.status.host_ip = shared_host_ip(sim, &node, host_ip);
            pod.status.pod_ip = pod_ip;
            pod.status.start_time = Some(now);
            pod.status.qos_class = "BestEffort".into();
            set_condition(&mut pod, "Initialized", ConditionStatus::True, now);
            set_condition(&mut pod, "Ready", ConditionStatus::False, now);
            set_condition(&mut pod, "ContainersReady", ConditionStatus::False, now);
            pod.status.container_statuses = pod
                .spec
                .containers
                .iter()
                .map(|c| {
                    ContainerStatus::from(ContainerStatusFields {
                        name: c.name.clone(),
                        state: waiting("ContainerCreating", ""),
                        image: c.image.clone(),
                        started: Some(false),
                        ..Default::default()
                    })
                })
                .collect();
            let id = sim.record(
                EventKind::ApiObjectChanged {
                    verb: "status".into(),
                },
                key.object_ref(),
                Some(cause),
                format!("pod/{} on {node}: ContainerCreating", key.name),
            );
            put(sim, key, pod, id);
            pull(sim, key, uid, 0, 0, id);
        }
        Step::Pull { container, attempt } => pull(sim, key, uid, container, attempt, cause),
        Step::Pulled { container, took_ms } => {
            let Some(c) = pod.spec.containers.get(container) else {
                return;
            };
            let image = c.image.clone();
            let node = pod.spec.node_name.clone();
            let Ok(reference) = parse_reference(&image) else {
                return;
            };
            let Some(cl) = sim.cluster.as_ref() else {
                return;
            };
            let empty = Engine::default();
            let engine = cl.engines.get(&node).unwrap_or(&empty);
            let Ok(plan) = engine.plan_pull(sim.registry(), &reference) else {
                return;
            };
            let size = plan.image.size();
            let id = plan.image.id.clone();
            if let Some(c) = sim.cluster.as_mut() {
                c.engines_version += 1;
            }
            if let Some(e) = sim.cluster.as_mut().and_then(|c| c.engines.get_mut(&node)) {
                e.store(plan.image);
                if let Some(t) = reference.tag_key() {
                    e.tag(&t, &id);
                }
            }
            let d = go_duration(took_ms);
            let ev = record_kube_event(
                sim,
                key,
                "Pulled",
                SOURCE,
                false,
                &format!(
                    "Successfully pulled image \"{image}\" in {d} ({d} including waiting). Image size: {size} bytes."
                ),
                cause,
            );
            create(sim, key, uid, container, ev);
        }
        Step::Started { container } => {
            let Some(c) = pod.spec.containers.get(container).cloned() else {
                return;
            };
            // What the process prints from now on, into the node's log for this run; its
            // exit comes from the same reading of its command.
            let (log, exit) = {
                let cl = sim.cluster.as_ref();
                let node = &pod.spec.node_name;
                let engine = cl.and_then(|c| c.engines.get(node));
                let kernel = cl.map_or_else(String::new, |c| node_kernel(c, node));
                super::pod_logs::output(&pod, container, engine, &kernel, now.time())
            };
            if let Some(cl) = sim.cluster.as_mut() {
                let shared = cl.store.shared_key(key);
                super::pod_logs::started(&mut cl.logs, shared, &pod, container, now.time(), log);
            }
            let id = record_kube_event(
                sim,
                key,
                "Started",
                SOURCE,
                false,
                &format!("Started container {}", c.name),
                cause,
            );
            if let Some(s) = pod.status.container_statuses.get_mut(container) {
                s.state = ContainerState {
                    running: Some(ContainerStateRunning {
                        started_at: Some(now),
                    }),
                    ..Default::default()
                };
                s.started = Some(true);
                let hex = crate::sim::hex(uid.as_bytes());
                s.container_id = format!("containerd://{}", hex.get(..16).unwrap_or(&hex));
            }
            let all_started = pod
                .status
                .container_statuses
                .iter()
                .all(|s| s.state.running.is_some());
            if all_started {
                pod.status.phase = Some(PodPhase::Running);
            }
            let delay_ms = c.readiness_probe.as_ref().map_or(0, |p| {
                u64::try_from(p.initial_delay_seconds.max(0)).unwrap_or(0) * 1000
            });
            let restarts = pod
                .status
                .container_statuses
                .get(container)
                .map_or(0, |s| s.restart_count);
            put(sim, key, pod, id);
            let ready = Step::Ready {
                container,
                run: restarts,
            };
            if delay_ms == 0 {
                run(sim, key, uid, ready, id);
            } else {
                later(sim, key, uid, ready, delay_ms, id);
            }
            if crashloop_of(sim, &pod_key_owner(sim, key)).is_some() {
                let crash = Step::Crash {
                    container,
                    run: restarts,
                };
                later(sim, key, uid, crash, CRASHLOOP_RUN_MS, id);
            }
            if let Some((after_ms, code)) = exit {
                let exited = Step::Exited {
                    container,
                    run: restarts,
                    code,
                };
                later(sim, key, uid, exited, after_ms, id);
            }
            let next_waiting = get(sim, key, uid).is_some_and(|p| {
                p.status
                    .container_statuses
                    .get(container + 1)
                    .is_some_and(|s| s.state.running.is_none() && s.restart_count == 0)
            });
            if restarts == 0 && next_waiting {
                pull(sim, key, uid, container + 1, 0, id);
            }
        }
        Step::Ready { container, run } => {
            let Some(s) = pod.status.container_statuses.get_mut(container) else {
                return;
            };
            if s.restart_count != run || s.state.running.is_none() {
                return;
            }
            s.ready = true;
            let all_ready = pod.status.container_statuses.iter().all(|s| s.ready);
            if all_ready {
                set_condition(&mut pod, "ContainersReady", ConditionStatus::True, now);
                set_condition(&mut pod, "Ready", ConditionStatus::True, now);
            }
            let id = sim.record(
                EventKind::ApiObjectChanged {
                    verb: "status".into(),
                },
                key.object_ref(),
                Some(cause),
                if all_ready {
                    format!("pod/{} is Ready", key.name)
                } else {
                    format!("pod/{}: container {container} is ready", key.name)
                },
            );
            put(sim, key, pod, id);
        }
        Step::BackOff { container, attempt } => {
            let Some(c) = pod.spec.containers.get(container) else {
                return;
            };
            let image = c.image.clone();
            let message = format!("Back-off pulling image \"{image}\"");
            if let Some(s) = pod.status.container_statuses.get_mut(container) {
                s.state = waiting("ImagePullBackOff", &message);
            }
            let id = record_kube_event(sim, key, "BackOff", SOURCE, false, &message, cause);
            record_kube_event(
                sim,
                key,
                "Failed",
                SOURCE,
                true,
                "Error: ImagePullBackOff",
                cause,
            );
            put(sim, key, pod, id);
            let shift = attempt.saturating_sub(1).min(16);
            let delay = (BACKOFF_INITIAL_MS << shift).min(BACKOFF_MAX_MS);
            later(sim, key, uid, Step::Pull { container, attempt }, delay, id);
        }
        Step::Exited {
            container,
            run,
            code,
        } => exited(sim, key, uid, pod, container, run, code, cause),
        Step::Crash { container, run } => {
            // The fault may have been cleared since the container started.
            if let Some(fault) = crashloop_of(sim, &pod_key_owner(sim, key)) {
                exited(sim, key, uid, pod, container, run, 1, fault);
            }
        }
        Step::CrashBackOff {
            container,
            run,
            delay_ms,
        } => {
            let Some(c) = pod.spec.containers.get(container).cloned() else {
                return;
            };
            let Some(s) = pod.status.container_statuses.get_mut(container) else {
                return;
            };
            if s.restart_count != run {
                return;
            }
            s.state = waiting(
                "CrashLoopBackOff",
                &format!(
                    "back-off {} restarting failed container={} pod={}_{}({uid})",
                    go_duration(delay_ms),
                    c.name,
                    key.name,
                    key.namespace
                ),
            );
            let id = record_kube_event(
                sim,
                key,
                "BackOff",
                SOURCE,
                true,
                &format!(
                    "Back-off restarting failed container {} in pod {}_{}({uid})",
                    c.name, key.name, key.namespace
                ),
                cause,
            );
            put(sim, key, pod, id);
            let restart = Step::Restart { container, run };
            later(
                sim,
                key,
                uid,
                restart,
                delay_ms.saturating_sub(CRASH_SYNC_MS),
                id,
            );
        }
        Step::Restart { container, run } => {
            let Some(s) = pod.status.container_statuses.get_mut(container) else {
                return;
            };
            if s.restart_count != run {
                return;
            }
            s.restart_count += 1;
            let id = sim.record(
                EventKind::ApiObjectChanged {
                    verb: "status".into(),
                },
                key.object_ref(),
                Some(cause),
                format!("pod/{}: restarting container {container}", key.name),
            );
            put(sim, key, pod, id);
            pull(sim, key, uid, container, 0, id);
        }
        Step::Remove => {}
    }
}

/// From a crash to the kubelet reporting `CrashLoopBackOff` (its next pod sync). ASSUMPTION: 1 s.
const CRASH_SYNC_MS: u64 = 1000;

/// A container ran for this long before exiting: its back-off starts over (kubelet resets the
/// back-off after 10 minutes of running).
pub const BACKOFF_RESET_MS: u64 = 600_000;

/// When and how a container's command ends, for the commands the sandbox models
/// ([`super::workload`]: `false`, `true`, `echo …`, `date`, `hostname`, `uname`, `env`,
/// `sleep N`, `sh -c "…; exit N"` scripts of those). `None`: it runs until stopped (an image's
/// own server, or a command not modelled).
pub fn workload_exit(c: &super::api::Container) -> Option<(u64, i32)> {
    let words = super::workload::command_words(c);
    super::workload::run(&words, &super::workload::Context::TIMING).exit
}

/// The kernel release `node` reports (`uname -r` in its containers).
fn node_kernel(c: &super::state::Cluster, node: &str) -> String {
    match c
        .store
        .get(&Key::new(super::api::ObjectKind::Node, "", node))
    {
        Some(Object::Node(n)) => n
            .status
            .node_info
            .as_ref()
            .map_or_else(String::new, |i| i.kernel_version.clone()),
        _ => String::new(),
    }
}

/// A container's process ended: terminated state, then a restart after the back-off (by
/// `restartPolicy`) or, when no container will run again, the pod's final phase.
#[allow(clippy::too_many_arguments)]
fn exited(
    sim: &mut Sim,
    key: &Key,
    uid: &str,
    mut pod: Pod,
    container: usize,
    run: i32,
    code: i32,
    cause: EventId,
) {
    let now = Timestamp::at(sim.now());
    let policy = pod
        .spec
        .restart_policy
        .clone()
        .unwrap_or(RestartPolicy::Always);
    let Some(s) = pod.status.container_statuses.get_mut(container) else {
        return;
    };
    if s.restart_count != run {
        return;
    }
    let started = s.state.running.as_ref().and_then(|r| r.started_at);
    let Some(started_at) = started else {
        return;
    };
    let ran_ms = now.time().as_ms().saturating_sub(started_at.time().as_ms());
    s.state = ContainerState {
        terminated: Some(Box::new(ContainerStateTerminated {
            exit_code: code,
            reason: if code == 0 { "Completed" } else { "Error" }.into(),
            started_at: Some(started_at),
            finished_at: Some(now),
            container_id: s.container_id.clone(),
            ..Default::default()
        })),
        ..Default::default()
    };
    s.last_state = s.state.clone();
    s.ready = false;
    let restarts = s.restart_count;
    let restart = match policy {
        RestartPolicy::Never => false,
        RestartPolicy::OnFailure => code != 0,
        _ => true,
    };
    set_condition(&mut pod, "ContainersReady", ConditionStatus::False, now);
    set_condition(&mut pod, "Ready", ConditionStatus::False, now);
    if !restart
        && pod
            .status
            .container_statuses
            .iter()
            .all(|s| s.state.terminated.is_some())
    {
        let failed = pod.status.container_statuses.iter().any(|s| {
            s.state
                .terminated
                .as_ref()
                .is_some_and(|t| t.exit_code != 0)
        });
        pod.status.phase = Some(if failed {
            PodPhase::Failed
        } else {
            PodPhase::Succeeded
        });
    }
    let id = sim.record(
        EventKind::ApiObjectChanged {
            verb: "status".into(),
        },
        key.object_ref(),
        Some(cause),
        format!(
            "pod/{}: container {container} exited with code {code}",
            key.name
        ),
    );
    put(sim, key, pod, id);
    if restart {
        // The first restart is at once (the kubelet's back-off has no entry yet); then 10 s,
        // doubling, at most 300 s; the back-off resets after 10 minutes of running.
        let k = if ran_ms >= BACKOFF_RESET_MS {
            0
        } else {
            restarts.clamp(0, 16) as u32
        };
        if k == 0 {
            later(
                sim,
                key,
                uid,
                Step::Restart { container, run },
                CRASH_SYNC_MS,
                id,
            );
        } else {
            let delay_ms = (BACKOFF_INITIAL_MS << (k - 1)).min(BACKOFF_MAX_MS);
            let step = Step::CrashBackOff {
                container,
                run,
                delay_ms,
            };
            later(sim, key, uid, step, CRASH_SYNC_MS, id);
        }
    }
}

/// The node's InternalIP and a new pod IP in the node's pod CIDR (`10.244.N.0/24` for node-N).
///
/// A node named otherwise (`kind-worker2`, `rack1-node3`, `ip-10-0-1-10.ec2.internal`) takes
/// the third octet of its `spec.podCIDR`, so that no two nodes hand out the same pod IP.
fn addresses(sim: &mut Sim, node: &str) -> (String, String) {
    let Some(c) = sim.cluster.as_mut() else {
        return (String::new(), String::new());
    };
    let nd = match c
        .store
        .get(&Key::new(super::api::ObjectKind::Node, "", node))
    {
        Some(Object::Node(nd)) => Some(nd),
        _ => None,
    };
    let from_cidr = || {
        nd.and_then(|nd| nd.spec.pod_cidr.split('.').nth(2))
            .and_then(|s| s.parse::<u32>().ok())
    };
    let n: u32 = node
        .strip_prefix("node-")
        .and_then(|s| s.parse().ok())
        .or_else(from_cidr)
        .unwrap_or(0);
    let host = nd
        .and_then(|nd| {
            nd.status
                .addresses
                .iter()
                .find(|a| a.type_ == "InternalIP")
                .map(|a| a.address.clone())
        })
        .unwrap_or_default();
    let last = c.pod_ips.entry(node.to_string()).or_insert(1);
    *last = if *last >= 254 { 2 } else { *last + 1 };
    (host, format!("10.244.{}.{}", n % 256, last))
}

/// `ip` as the node's pods hold it: one allocation per node and address
/// (`Cluster::host_ips`, a derived cache: only memory differs).
fn shared_host_ip(sim: &mut Sim, node: &str, ip: String) -> crate::shared::Shared<String> {
    let Some(c) = sim.cluster.as_mut() else {
        return ip.into();
    };
    match c.host_ips.get(node) {
        Some(kept) if **kept == ip => kept.clone(),
        _ => {
            let kept = crate::shared::Shared::new(ip);
            c.host_ips.insert(node.to_string(), kept.clone());
            kept
        }
    }
}

/// Pulls (or finds) container `i`'s image.
fn pull(sim: &mut Sim, key: &Key, uid: &str, i: usize, attempt: u32, cause: EventId) {
    let Some(pod) = get(sim, key, uid) else {
        return;
    };
    let Some(c) = pod.spec.containers.get(i) else {
        return;
    };
    let image = c.image.clone();
    let node = pod.spec.node_name.clone();
    let reference = parse_reference(&image);
    let policy = c
        .image_pull_policy
        .clone()
        .unwrap_or_else(|| match &reference {
            Ok(r) if r.explicit_tag && r.tag != "latest" || r.digest.is_some() => {
                ImagePullPolicy::IfNotPresent
            }
            _ => ImagePullPolicy::Always,
        });
    let Some(cl) = sim.cluster.as_ref() else {
        return;
    };
    // Borrowed, not copied: a node's engine holds every layer's file tree.
    let present = reference
        .as_ref()
        .ok()
        .and_then(|r| cl.engines.get(&node).and_then(|e| e.find_reference(r)))
        .is_some();
    if present && policy != ImagePullPolicy::Always {
        let ev = record_kube_event(
            sim,
            key,
            "Pulled",
            SOURCE,
            false,
            &format!("Container image \"{image}\" already present on machine"),
            cause,
        );
        create(sim, key, uid, i, ev);
        return;
    }
    // `chaos image-pull-error`: the registry fails for this image (a pull that is needed, not
    // one IfNotPresent skips: the node's copy is used above).
    let injected = match (&reference, &policy) {
        (Ok(r), p) if *p != ImagePullPolicy::Never => sim
            .cluster
            .as_ref()
            .and_then(|c| c.workload_faults.image_pull_errors.get(&r.canonical()))
            .map(|f| (super::faults::injected_pull_error(r), f.event)),
        _ => None,
    };
    let plan = match (&reference, &policy) {
        _ if injected.is_some() => Err(injected.as_ref().map(|i| i.0.clone()).unwrap_or_default()),
        (_, ImagePullPolicy::Never) => Err(format!(
            "Container image \"{image}\" is not present with pull policy of Never"
        )),
        (Err(e), _) => Err(format!("couldn't parse image name \"{image}\": {e}")),
        (Ok(r), _) => {
            let empty = Engine::default();
            let engine = sim
                .cluster
                .as_ref()
                .and_then(|c| c.engines.get(&node))
                .unwrap_or(&empty);
            engine.plan_pull(sim.registry(), r)
        }
        .map_err(|e| {
            let e = e
                .trim_start_matches("Error response from daemon: ")
                .to_string();
            format!(
                "failed to pull and unpack image \"{}\": failed to resolve reference \"{}\": {e}",
                r.canonical(),
                r.canonical()
            )
        }),
    };
    match plan {
        Ok(plan) => {
            let missing: u64 = plan
                .image
                .layers
                .iter()
                .zip(&plan.download)
                .filter(|(_, d)| **d)
                .map(|(l, _)| l.size())
                .sum();
            let took_ms = PULL_OVERHEAD_MS + missing.saturating_mul(1000) / PULL_BYTES_PER_S;
            let ev = record_kube_event(
                sim,
                key,
                "Pulling",
                SOURCE,
                false,
                &format!("Pulling image \"{image}\""),
                cause,
            );
            later(
                sim,
                key,
                uid,
                Step::Pulled {
                    container: i,
                    took_ms,
                },
                took_ms,
                ev,
            );
        }
        Err(reason) => {
            let never = policy == ImagePullPolicy::Never;
            // An injected registry failure is not a missing image: containerd's gRPC code is
            // Unknown, and the failure chains back to the fault.
            let (code, cause) = match &injected {
                Some((_, fault)) => ("Unknown", *fault),
                None => ("NotFound", cause),
            };
            let (state, message) = if never {
                ("ErrImageNeverPull", reason.clone())
            } else {
                (
                    "ErrImagePull",
                    format!("Failed to pull image \"{image}\": rpc error: code = {code} desc = {reason}"),
                )
            };
            let mut pod = pod.clone();
            if let Some(s) = pod.status.container_statuses.get_mut(i) {
                s.state = waiting(state, &message);
            }
            let id = record_kube_event(sim, key, "Failed", SOURCE, true, &message, cause);
            record_kube_event(
                sim,
                key,
                "Failed",
                SOURCE,
                true,
                &format!("Error: {state}"),
                cause,
            );
            put(sim, key, pod, id);
            if !never {
                // The next pod sync (ASSUMPTION: 1 s) reports the back-off.
                later(
                    sim,
                    key,
                    uid,
                    Step::BackOff {
                        container: i,
                        attempt: attempt + 1,
                    },
                    1000,
                    id,
                );
            }
        }
    }
}

/// The image is there: create the container; it starts after the runtime's start phases.
fn create(sim: &mut Sim, key: &Key, uid: &str, i: usize, cause: EventId) {
    let Some(pod) = get(sim, key, uid) else {
        return;
    };
    let Some(c) = pod.spec.containers.get(i) else {
        return;
    };
    let ev = record_kube_event(
        sim,
        key,
        "Created",
        SOURCE,
        false,
        &format!("Created container {}", c.name),
        cause,
    );
    later(
        sim,
        key,
        uid,
        Step::Started { container: i },
        start_ms(),
        ev,
    );
}

/// The pod's `status.reason` after a node-pressure eviction (`pkg/kubelet/eviction`: `Reason`).
pub const EVICTED: &str = "Evicted";

/// Whether the kubelet evicted the pod (it stays in the API as Failed).
pub fn evicted(p: &Pod) -> bool {
    p.status.phase == Some(PodPhase::Failed) && p.status.reason == EVICTED
}

/// The pod's QoS class (`pkg/apis/core/v1/helper/qos`): BestEffort without any cpu or memory
/// request or limit, Guaranteed when every container's cpu and memory limits are set and its
/// requests (if set) equal them, Burstable otherwise.
pub fn qos_class(p: &Pod) -> &'static str {
    let resources = ["cpu", "memory"];
    let mut any = false;
    let mut guaranteed = true;
    for c in &p.spec.containers {
        let r = &c.resources;
        for name in resources {
            let req = r.requests.get(name);
            let lim = r.limits.get(name);
            if req.is_some_and(|q| !q.is_zero()) || lim.is_some_and(|q| !q.is_zero()) {
                any = true;
            }
            match (req, lim) {
                (_, None) => guaranteed = false,
                (Some(q), Some(l)) if q.nanos() != l.nanos() => guaranteed = false,
                _ => {}
            }
        }
    }
    if !any {
        "BestEffort"
    } else if guaranteed && !p.spec.containers.is_empty() {
        "Guaranteed"
    } else {
        "Burstable"
    }
}

/// What each container of `p` uses of the pressure's resource, as the model assumes it:
/// its request (its limit when it has none), or [`Pressure::unrequested_usage`] without either
/// (ASSUMPTION: a container uses what it asked for; one that asked nothing uses 64Mi of memory,
/// 1Gi of disk, so that BestEffort pods exceed their zero requests). Also whether it exceeds
/// its request.
fn usage(p: &Pod, pressure: Pressure) -> Vec<(String, u64, bool)> {
    let resource = pressure.resource();
    p.spec
        .containers
        .iter()
        .map(|c| {
            let asked = c
                .resources
                .requests
                .get(resource)
                .or_else(|| c.resources.limits.get(resource))
                .map_or(0, |q| u64::try_from(q.value()).unwrap_or(0));
            if asked == 0 {
                (c.name.clone(), pressure.unrequested_usage(), true)
            } else {
                (c.name.clone(), asked, false)
            }
        })
        .collect()
}

/// The eviction manager's order (`rankMemoryPressure`, `rankDiskPressureFunc`): pods whose
/// usage exceeds their requests first, then by priority (lowest first), then (memory only) by
/// QoS class, BestEffort, Burstable, Guaranteed (ASSUMPTION: usage equal to requests, so the
/// real third key, usage above requests, ties), then by name.
fn eviction_rank(p: &Pod, pressure: Pressure) -> (bool, i32, u8, String, String) {
    let exceeds = usage(p, pressure).iter().any(|u| u.2);
    let qos = match (pressure, qos_class(p)) {
        (Pressure::Disk, _) => 0,
        (_, "BestEffort") => 0,
        (_, "Burstable") => 1,
        _ => 2,
    };
    (
        !exceeds,
        p.spec.priority.unwrap_or(0),
        qos,
        p.metadata.namespace.clone(),
        p.metadata.name.clone(),
    )
}

/// The first housekeeping instant of `node`'s kubelet at or after `t` (passes fall on multiples
/// of [`HOUSEKEEPING_MS`] from the node's creation).
fn housekeeping_at_or_after(c: &super::state::Cluster, node: &str, t: SimTime) -> SimTime {
    let origin = match c
        .store
        .get(&Key::new(super::api::ObjectKind::Node, "", node))
    {
        Some(o) => o
            .metadata()
            .creation_timestamp
            .map_or(SimTime::ZERO, |t| t.time()),
        None => SimTime::ZERO,
    };
    if t <= origin {
        return origin;
    }
    let k = (t.as_ms() - origin.as_ms()).div_ceil(HOUSEKEEPING_MS);
    origin.plus_ms(k * HOUSEKEEPING_MS)
}

/// When `node`'s eviction manager must look next, if anything will change: the next pass while
/// a pressure's signal is below its threshold; after the fault ends, the first pass once the
/// transition period since the signal was last seen is over. None while the kubelet does not
/// run or has no container runtime to evict with (it looks again when it comes back) or when nothing is left to do.
fn next_round(c: &super::state::Cluster, node: &str, now: SimTime) -> Option<SimTime> {
    let st = c.pressures.get(node)?;
    let f = c.fault(node);
    if !f.kubelet_acts() {
        return None;
    }
    let mut next: Option<SimTime> = None;
    for (p, s) in &st.by {
        let on = match p {
            Pressure::Memory => f.memory_pressure,
            Pressure::Disk => f.disk_pressure,
        };
        let at = if on && (s.left > 0 || !s.reported) {
            Some(now.plus_ms(1))
        } else if !on {
            let after = s
                .observed
                .map_or(now, |o| o.plus_ms(PRESSURE_TRANSITION_MS));
            Some(after.max(now.plus_ms(1)))
        } else {
            None
        };
        if let Some(at) = at {
            let at = housekeeping_at_or_after(c, node, at);
            next = Some(next.map_or(at, |n: SimTime| n.min(at)));
        }
    }
    next
}

/// Queues `node`'s next housekeeping pass when one is due earlier than the one queued (chaos
/// changed the node's pressure, or its kubelet came back).
pub(crate) fn pressure_changed(sim: &mut Sim, node: &str, cause: EventId) {
    let now = sim.now();
    let Some(c) = sim.cluster.as_mut() else {
        return;
    };
    let Some(at) = next_round(c, node, now) else {
        return;
    };
    let Some(st) = c.pressures.get_mut(node) else {
        return;
    };
    if st.next_round.is_some_and(|q| q <= at && q > now) {
        return;
    }
    st.next_round = Some(at);
    enqueue(
        sim,
        Work::Housekeeping(node.into()),
        at.as_ms().saturating_sub(now.as_ms()),
        cause,
    );
}

/// One housekeeping pass of `node`'s eviction manager (`synchronize`): reports each pressure's
/// node condition (True while the signal is below its threshold and for the transition period
/// after), and evicts at most one pod per pass while a signal is below its threshold, ranked as
/// the eviction manager ranks them. Each eviction frees what the pod used; once the pressure's
/// deficit ([`Pressure::deficit`]) is freed the signal is above the threshold again and the
/// evictions stop. ASSUMPTION (simpler than the kubelet, which would report False 5 min after
/// the last eviction): the condition stays True until the fault ends (`chaos clear`, `chaos
/// heal`), then goes False at the first pass 5 min after the last eviction.
pub(crate) fn housekeeping(sim: &mut Sim, node: &str, cause: EventId) {
    let now = sim.now();
    let Some(c) = sim.cluster.as_mut() else {
        return;
    };
    let Some(st) = c.pressures.get_mut(node) else {
        return;
    };
    if st.next_round != Some(now) {
        return;
    }
    st.next_round = None;
    let f = c.fault(node);
    if !f.kubelet_acts() {
        return;
    }
    let Some(st) = c.pressures.get(node).cloned() else {
        return;
    };
    // Which conditions change, and which pressure evicts this pass.
    let mut flips: Vec<(Pressure, bool)> = Vec::new();
    let mut evict_for: Option<Pressure> = None;
    let mut done: Vec<Pressure> = Vec::new();
    for (p, s) in &st.by {
        let on = match p {
            Pressure::Memory => f.memory_pressure,
            Pressure::Disk => f.disk_pressure,
        };
        let below = on && s.left > 0;
        if below || (on && !s.reported) {
            if !s.reported {
                flips.push((*p, true));
            }
            if below && evict_for.is_none() {
                evict_for = Some(*p);
            }
        } else if !on {
            let over = s
                .observed
                .is_none_or(|o| now >= o.plus_ms(PRESSURE_TRANSITION_MS));
            if over {
                if s.reported {
                    flips.push((*p, false));
                }
                done.push(*p);
            }
        }
    }
    if let Some(c) = sim.cluster.as_mut() {
        if let Some(st) = c.pressures.get_mut(node) {
            for (p, on) in &flips {
                if let Some(s) = st.by.get_mut(p) {
                    s.reported = *on;
                }
            }
            for p in &done {
                st.by.remove(p);
            }
            if let Some(p) = evict_for {
                if let Some(s) = st.by.get_mut(&p) {
                    s.observed = Some(now);
                }
            }
        }
    }
    let mut last = cause;
    if !flips.is_empty() {
        last = report_pressure(sim, node, &flips, &st, cause);
    }
    if let Some(p) = evict_for {
        evict_one(sim, node, p, st.by.get(&p).map_or(last, |s| s.event));
    }
    if let Some(c) = sim.cluster.as_mut() {
        if c.pressures.get(node).is_some_and(|st| st.by.is_empty()) {
            c.pressures.remove(node);
        }
    }
    pressure_changed(sim, node, last);
}

/// The kubelet's node status update with the pressure conditions that changed, and its
/// `NodeHasInsufficientMemory`-style events. Returns the update's event.
fn report_pressure(
    sim: &mut Sim,
    node: &str,
    flips: &[(Pressure, bool)],
    st: &super::faults::NodePressure,
    cause: EventId,
) -> EventId {
    let now = Timestamp::at(sim.now());
    let key = Key::new(super::api::ObjectKind::Node, "", node);
    let Some(Object::Node(n)) = sim.cluster.as_ref().and_then(|c| c.store.get(&key)) else {
        return cause;
    };
    let mut n = n.as_ref().clone();
    let mut shown = Vec::new();
    for (p, on) in flips {
        let (reason, message) = p.wording(*on);
        let status = if *on {
            ConditionStatus::True
        } else {
            ConditionStatus::False
        };
        match n
            .status
            .conditions
            .iter_mut()
            .find(|c| c.type_ == p.condition())
        {
            Some(c) => {
                c.status = status;
                c.reason = reason.into();
                c.message = message.into();
                c.last_transition_time = Some(now);
                c.last_heartbeat_time = Some(now);
            }
            None => n.status.conditions.push(super::api::NodeCondition {
                type_: p.condition().into(),
                status,
                last_heartbeat_time: Some(now),
                last_transition_time: Some(now),
                reason: reason.into(),
                message: message.into(),
            }),
        }
        shown.push(format!(
            "{}={} ({message})",
            p.condition(),
            if *on { "True" } else { "False" }
        ));
    }
    // The fault that began it is the cause of a True; the command that ended it of a False.
    let why = flips
        .iter()
        .find(|(_, on)| *on)
        .and_then(|(p, _)| st.by.get(p))
        .map_or(cause, |s| s.event);
    let note = format!("node/{node}: {}", shown.join(", "));
    let Some(id) = super::state::apply(
        sim,
        super::controllers::Change::Update {
            object: Object::Node(Box::new(n)),
            why: super::controllers::Why::Note(note),
        },
        why,
    ) else {
        return cause;
    };
    for (p, on) in flips {
        let reason = p.node_event(*on);
        record_kube_event(
            sim,
            &key,
            reason,
            SOURCE,
            false,
            &format!("Node {node} status is now: {reason}"),
            id,
        );
    }
    id
}

/// Evicts the first pod of `node` in the eviction manager's order for `pressure`: phase
/// Failed, reason `Evicted`, its containers killed at once (a hard threshold's grace period is
/// 0: SIGKILL, exit code 137). The pod stays in the API, so its ReplicaSet, which counts only
/// active pods, creates a replacement.
fn evict_one(sim: &mut Sim, node: &str, pressure: Pressure, fault: EventId) {
    let now = Timestamp::at(sim.now());
    let Some(c) = sim.cluster.as_ref() else {
        return;
    };
    let victim = c
        .store
        .list(super::api::ObjectKind::Pod, None)
        .filter_map(super::controllers::as_pod)
        .filter(|p| p.spec.node_name == node && super::controllers::is_active(p))
        .min_by_key(|p| eviction_rank(p, pressure))
        .cloned();
    let Some(mut pod) = victim else {
        // Nothing left to evict (`eviction manager: unable to evict any pods from the node`):
        // ASSUMPTION: the evictions stop; the node stays under pressure until the fault ends.
        if let Some(s) = sim
            .cluster
            .as_mut()
            .and_then(|c| c.pressures.get_mut(node))
            .and_then(|st| st.by.get_mut(&pressure))
        {
            s.left = 0;
        }
        return;
    };
    let key = Key::new(
        super::api::ObjectKind::Pod,
        &pod.metadata.namespace,
        &pod.metadata.name,
    );
    let resource = pressure.resource();
    let (threshold, available) = pressure.quantities();
    let used = usage(&pod, pressure);
    let freed: u64 = used.iter().map(|u| u.1).sum();
    // `evictionMessage` (`pkg/kubelet/eviction/helpers.go`): nodeLowMessageFmt,
    // thresholdMetMessageFmt, then containerMessageFmt for each container over its request.
    let mut message = format!(
        "The node was low on resource: {resource}. Threshold quantity: {threshold}, available: {available}. "
    );
    for (name, bytes, over) in &used {
        if *over {
            let q = super::quantity::Quantity::from_value(
                i64::try_from(*bytes).unwrap_or(i64::MAX),
                super::quantity::QuantityFormat::BinarySi,
            );
            message.push_str(&format!(
                "Container {name} was using {}, request is 0, has larger consumption of {resource}. ",
                q.canonical()
            ));
        }
    }
    let thresholdmet = record_kube_event(
        sim,
        &Key::new(super::api::ObjectKind::Node, "", node),
        "EvictionThresholdMet",
        SOURCE,
        true,
        &format!("Attempting to reclaim {resource}"),
        fault,
    );
    let ev = record_kube_event(sim, &key, "Evicted", SOURCE, true, &message, thresholdmet);
    let mut last = ev;
    for (c, s) in pod
        .spec
        .containers
        .iter()
        .zip(pod.status.container_statuses.iter_mut())
    {
        if let Some(r) = s.state.running.take() {
            last = record_kube_event(
                sim,
                &key,
                "Killing",
                SOURCE,
                false,
                &format!("Stopping container {}", c.name),
                ev,
            );
            s.state = ContainerState {
                terminated: Some(Box::new(ContainerStateTerminated {
                    exit_code: 137,
                    reason: "Error".into(),
                    started_at: r.started_at,
                    finished_at: Some(now),
                    container_id: s.container_id.clone(),
                    ..Default::default()
                })),
                ..Default::default()
            };
        } else if s.state.terminated.is_none() {
            // Never started: the kubelet's wording for a container it cannot account for.
            s.state = ContainerState {
                terminated: Some(Box::new(ContainerStateTerminated {
                    exit_code: 137,
                    reason: "ContainerStatusUnknown".into(),
                    message: "The container could not be located when the pod was terminated"
                        .into(),
                    ..Default::default()
                })),
                ..Default::default()
            };
        }
        s.ready = false;
        s.started = Some(false);
    }
    pod.status.phase = Some(PodPhase::Failed);
    pod.status.reason = EVICTED.into();
    pod.status.message = message.clone();
    set_condition(&mut pod, "Ready", ConditionStatus::False, now);
    set_condition(&mut pod, "ContainersReady", ConditionStatus::False, now);
    // PodDisruptionConditions (GA in 1.31): the kubelet says why the pod is going.
    set_condition(&mut pod, "DisruptionTarget", ConditionStatus::True, now);
    if let Some(c) = pod
        .status
        .conditions
        .iter_mut()
        .find(|c| c.type_ == "DisruptionTarget")
    {
        c.reason = "TerminationByKubelet".into();
        c.message = message;
    }
    let id = sim.record(
        EventKind::ApiObjectChanged {
            verb: "status".into(),
        },
        key.object_ref(),
        Some(last),
        format!(
            "pod/{} Failed (Evicted): {node} was low on {resource} ({})",
            key.name,
            pressure.threshold()
        ),
    );
    put(sim, &key, pod, id);
    if let Some(s) = sim
        .cluster
        .as_mut()
        .and_then(|c| c.pressures.get_mut(node))
        .and_then(|st| st.by.get_mut(&pressure))
    {
        s.left = s.left.saturating_sub(freed);
        s.evicted += 1;
    }
}
