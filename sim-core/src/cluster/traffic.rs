//! Traffic: a steady client outside the nodes sending requests to a Service (through
//! kube-proxy's view of its EndpointSlices) or to a hand-made load balancer, one simulated
//! second at a time.
//!
//! ## The model
//!
//! - **kube-proxy** (iptables mode) sends each new connection to a uniformly random endpoint
//!   among the Service's *ready* endpoints; only when none is ready does it use the endpoints
//!   that are serving and terminating (pkg/proxy/topology.go `CategorizeEndpoints`, KEP-1669
//!   "Proxy Terminating Endpoints"). With neither, the Service's rule REJECTs: the client gets
//!   "connection refused" at once. ASSUMPTION: kube-proxy sees slice changes immediately (the
//!   real one syncs its rules within about a second, `--iptables-min-sync-period` 1 s).
//! - **A request to an endpoint** succeeds iff its pod exists, its node is up and reachable
//!   (`NodeFault::serves_traffic`) and the pod is Running with every container running. A node
//!   that is down or partitioned does not answer: the request times out after
//!   [`CLIENT_TIMEOUT_MS`]. A reachable node whose pod is gone or not running refuses.
//! - **A hand-made load balancer** (`lb create`) is a plain round-robin TCP proxy, like a
//!   minimal nginx `upstream` block without health checks (ASSUMPTION: no passive health
//!   checks either): it keeps sending every Nth request to a dead backend until a human removes
//!   it. A backend `NODE:PORT` answers iff the node is up and reachable and its container
//!   engine has a running container publishing host port PORT (`docker run -p PORT:…`).
//! - **Time**: one [`crate::sim::Action::Traffic`] tick per simulated second while any traffic
//!   runs; each tick draws every request of that second for every running target from the
//!   Sim's RNG (the endpoint for a Service, the latency jitter of each success; above
//!   [`MAX_SAMPLES_PER_SECOND`] requests a draw stands for several) and keeps one
//!   [`SecondStats`] per target and second ([`MAX_SECONDS_KEPT`] of them; older seconds are
//!   summed into [`Target::older`]).
//! - **Events**: none per request or per second. A `Traffic` event is recorded only when the
//!   character of a second changes (all answered → some failing → no endpoints → …), caused by
//!   the most recent event about what made it change (a node's fault, a pod, the Service's
//!   slices, the load balancer) when one is found, else by the tick's cause.
//!
//! ## Read API (for the browser)
//!
//! [`series`] gives a target's per-second stats (oldest first) for a success-rate chart;
//! [`Target::last_endpoints`] says which pod (or backend) got how many of the last second's
//! requests and how many of them failed, for drawing requests flowing to pods;
//! [`TrafficState::load_balancers`] lists the hand-made load balancers.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use rand::Rng;
use serde::Serialize;

use super::api::{Object, ObjectKind, PodPhase};
use super::controllers::endpointslice::slices_of;
use super::state::Cluster;
use super::store::Key;
use crate::event::{EventId, EventKind, ObjectRef};
use crate::sim::{Action, Sim};
use crate::time::SimTime;

/// The default request rate of `traffic start` (ASSUMPTION: a small, readable load).
pub const DEFAULT_RPS: u32 = 100;
/// The highest request rate of one target. ASSUMPTION: a classroom load generator; with
/// [`MAX_SAMPLES_PER_SECOND`] draws a second it keeps a tick cheap.
pub const MAX_RPS: u32 = 10_000;
/// Traffic targets at most (running or stopped with their stats). ASSUMPTION: a classroom
/// needs a handful.
pub const MAX_TARGETS: usize = 32;
/// Hand-made load balancers at most. ASSUMPTION.
pub const MAX_LBS: usize = 32;
/// Backends of one load balancer at most. ASSUMPTION.
pub const MAX_BACKENDS: usize = 64;
/// Per-second stats kept per target (one hour); older seconds are summed into totals.
/// ASSUMPTION: enough for any lesson's chart.
pub const MAX_SECONDS_KEPT: usize = 3_600;
/// The length of one traffic tick.
pub const TICK_MS: u64 = 1_000;
/// The client's timeout: a request to a node that does not answer fails after this long.
/// ASSUMPTION: a load generator's `--timeout 1s` (curl and hey default to much longer; 1 s keeps
/// each failed request inside its second).
pub const CLIENT_TIMEOUT_MS: u64 = 1_000;
/// A successful request's base latency. ASSUMPTION: a small HTTP response inside one data
/// centre, ≈2 ms.
pub const BASE_LATENCY_US: u32 = 2_000;
/// Uniform jitter added to every success. ASSUMPTION.
pub const JITTER_US: u32 = 500;
/// One success in this many also gets a slow-path delay (GC pause, retransmit). ASSUMPTION:
/// gives the p99 a tail, as real latency distributions have.
pub const TAIL_ONE_IN: u32 = 100;
/// The slow-path delay's upper bound (uniform). ASSUMPTION.
pub const TAIL_US: u32 = 20_000;
/// A refused connection's latency: one round trip to an RST or ICMP reject. ASSUMPTION.
pub const REFUSED_LATENCY_US: u32 = 200;
/// Requests drawn one by one per target and second; beyond it each draw stands for several
/// requests (a multinomial approximated by equal-weight samples). ASSUMPTION: bounds a tick's
/// work (a month-long `run` at any rate stays feasible); below it every request is its own draw.
pub const MAX_SAMPLES_PER_SECOND: usize = 1_000;
/// How many events back from now a changed second looks for its cause. ASSUMPTION: bounds the
/// work of a tick.
pub const MAX_CAUSE_SCAN: usize = 5_000;

/// What traffic is sent to.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum TargetRef {
    /// A Service, through kube-proxy.
    Service {
        /// Its namespace.
        namespace: String,
        /// Its name.
        name: String,
    },
    /// A hand-made load balancer.
    Lb {
        /// Its name.
        name: String,
    },
}

impl TargetRef {
    /// `svc/web` (in `default`), `svc/NS/web` elsewhere, `lb/front`: the key of the target.
    pub fn label(&self) -> String {
        match self {
            TargetRef::Service { namespace, name } if namespace == "default" => {
                format!("svc/{name}")
            }
            TargetRef::Service { namespace, name } => format!("svc/{namespace}/{name}"),
            TargetRef::Lb { name } => format!("lb/{name}"),
        }
    }
}

/// One simulated second of one target.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SecondStats {
    /// The end of the second.
    pub time: SimTime,
    /// Requests sent.
    pub sent: u32,
    /// Requests answered.
    pub ok: u32,
    /// Requests failed (`timeouts + refused`).
    pub failed: u32,
    /// Failed by timing out (node down or unreachable).
    pub timeouts: u32,
    /// Failed by a refused connection (no endpoints, nothing listening).
    pub refused: u32,
    /// Median latency of all requests sent this second, in µs (0 when none was sent).
    pub p50_us: u32,
    /// 99th percentile latency of all requests sent this second, in µs.
    pub p99_us: u32,
}

/// Sums over many seconds.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    /// Seconds summed.
    pub seconds: u64,
    /// Requests sent.
    pub sent: u64,
    /// Requests answered.
    pub ok: u64,
    /// Requests failed.
    pub failed: u64,
}

impl Totals {
    fn add(&mut self, s: &SecondStats) {
        self.seconds += 1;
        self.sent += u64::from(s.sent);
        self.ok += u64::from(s.ok);
        self.failed += u64::from(s.failed);
    }
}

/// What one endpoint (pod) or backend got in the last second.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct EndpointCount {
    /// The node it runs on.
    pub node: String,
    /// Requests it answered.
    pub ok: u32,
    /// Requests to it that failed.
    pub failed: u32,
}

/// The character of a second, whose changes are events.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Outcome {
    /// Every request was answered (or traffic just started).
    Ok,
    /// Some requests failed.
    Failing,
    /// Nothing to send to: every request was refused at once.
    NoEndpoints,
}

impl Outcome {
    fn word(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Failing => "failing",
            Outcome::NoEndpoints => "no-endpoints",
        }
    }
}

/// One traffic target: its client, and what its requests met.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Target {
    /// Where the requests go.
    pub target: TargetRef,
    /// Requests per second.
    pub rps: u32,
    /// Whether the client is sending.
    pub running: bool,
    /// When it was (last) started.
    pub since: SimTime,
    /// The end of the last second counted (the start, before the first tick).
    pub(crate) counted_to: SimTime,
    /// Per-second stats, oldest first, at most [`MAX_SECONDS_KEPT`].
    pub seconds: Vec<SecondStats>,
    /// The seconds that no longer fit in `seconds`, summed.
    pub older: Totals,
    /// Who got the last second's requests, by `pod/NAME` (or `NODE:PORT` for a backend).
    pub last_endpoints: BTreeMap<String, EndpointCount>,
    /// The character of the last second.
    pub outcome: Outcome,
    /// The event of the last change of character (the start, at first).
    pub(crate) outcome_event: EventId,
    /// Round-robin position of a load balancer's next request.
    pub(crate) next_backend: usize,
}

impl Target {
    /// All-time totals: the summed older seconds and the kept ones.
    pub fn totals(&self) -> Totals {
        let mut t = self.older.clone();
        for s in &self.seconds {
            t.add(s);
        }
        t
    }
}

/// A backend of a hand-made load balancer: a node's host port.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Backend {
    /// The node's name.
    pub node: String,
    /// The host port.
    pub port: u16,
}

impl std::fmt::Display for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.node, self.port)
    }
}

/// A hand-made load balancer: round robin over its backends, no health checks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LoadBalancer {
    /// Its name.
    pub name: String,
    /// Its backends, in the order they were added.
    pub backends: Vec<Backend>,
}

/// Everything traffic keeps: the targets with their stats, and the load balancers.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct TrafficState {
    /// Targets by [`TargetRef::label`].
    pub(crate) targets: BTreeMap<String, Target>,
    /// Load balancers by name.
    pub(crate) lbs: BTreeMap<String, LoadBalancer>,
    /// Whether a tick is in the queue.
    pub(crate) tick_queued: bool,
    /// Each Service target's endpoints as last worked out, and what from (not state: skipped).
    #[serde(skip)]
    pub(crate) candidates: CandidateCache,
}

/// A cache of each Service target's candidates (by label), kept with the store's
/// resourceVersion and the node faults they were worked out from: a tick reuses them while
/// both are unchanged (every store change moves the resourceVersion), instead of walking every
/// EndpointSlice and pod each second. It is a pure function of that state, so it never changes
/// a result; it compares equal to any other cache and is not serialized.
#[derive(Clone, Debug, Default)]
pub(crate) struct CandidateCache(BTreeMap<String, CachedEndpoints>);

/// A cache entry: the store's resourceVersion, the node faults, and what they gave.
type CachedEndpoints = (
    u64,
    BTreeMap<String, super::faults::NodeFault>,
    Arc<ServiceEndpoints>,
);

impl PartialEq for CandidateCache {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for CandidateCache {}

/// A Service's candidates and the log objects that decide the set.
#[derive(Debug)]
pub(crate) struct ServiceEndpoints {
    candidates: Vec<Candidate>,
    watched: Vec<ObjectRef>,
}

impl TrafficState {
    /// Every target (running or stopped), by label.
    pub fn targets(&self) -> &BTreeMap<String, Target> {
        &self.targets
    }

    /// A target by label (`svc/web`, `svc/NS/web`, `lb/front`).
    pub fn target(&self, label: &str) -> Option<&Target> {
        self.targets.get(label)
    }

    /// The hand-made load balancers, by name.
    pub fn load_balancers(&self) -> &BTreeMap<String, LoadBalancer> {
        &self.lbs
    }

    /// Whether any client is sending.
    pub fn any_running(&self) -> bool {
        self.targets.values().any(|t| t.running)
    }
}

/// The per-second stats of a target (oldest first; empty for an unknown target): what a
/// success-rate chart draws.
pub fn series<'a>(sim: &'a Sim, target: &str) -> &'a [SecondStats] {
    sim.traffic
        .targets
        .get(target)
        .map(|t| t.seconds.as_slice())
        .unwrap_or(&[])
}

/// How a request to one endpoint or backend ends, decided once per tick (the state does not
/// change inside a tick).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Answer {
    Ok,
    Timeout,
    Refused,
}

/// An endpoint or backend a request may go to.
#[derive(Debug)]
struct Candidate {
    id: String,
    node: String,
    answer: Answer,
    /// The log objects that decide its answer (its pod, its node), for finding a cause.
    objects: Vec<ObjectRef>,
}

/// Whether a pod's containers are running (phase Running, every container state running).
fn pod_running(c: &Cluster, namespace: &str, name: &str) -> bool {
    match c.store.get(&Key::new(ObjectKind::Pod, namespace, name)) {
        Some(Object::Pod(p)) => {
            p.status.phase == Some(PodPhase::Running)
                && !p.status.container_statuses.is_empty()
                && p.status
                    .container_statuses
                    .iter()
                    .all(|s| s.state.running.is_some())
        }
        _ => false,
    }
}

fn answer_of(c: &Cluster, node: &str, serving: bool) -> Answer {
    if !c.fault(node).serves_traffic() {
        Answer::Timeout
    } else if serving {
        Answer::Ok
    } else {
        Answer::Refused
    }
}

/// kube-proxy's endpoints for a Service (`CategorizeEndpoints` for the Cluster traffic policy:
/// the ready ones, else the serving terminating ones), deduplicated by address, in address
/// order; plus the log objects whose changes alter that set (the Service and its slices).
/// A Service target's candidates: from the cache while the store and the node faults are as
/// they were, else worked out again (and cached).
fn service_endpoints(
    sim: &mut Sim,
    label: &str,
    namespace: &str,
    name: &str,
) -> Arc<ServiceEndpoints> {
    let Some(c) = sim.cluster() else {
        return Arc::new(ServiceEndpoints {
            candidates: Vec::new(),
            watched: vec![Key::new(ObjectKind::Service, namespace, name).object_ref()],
        });
    };
    let version = c.store.resource_version();
    if let Some((v, faults, cached)) = sim.traffic.candidates.0.get(label) {
        if *v == version && *faults == c.faults {
            return cached.clone();
        }
    }
    let faults = c.faults.clone();
    let endpoints = Arc::new(match service_candidates(c, namespace, name) {
        Some((candidates, watched)) => ServiceEndpoints {
            candidates,
            watched,
        },
        None => ServiceEndpoints {
            candidates: Vec::new(),
            watched: vec![Key::new(ObjectKind::Service, namespace, name).object_ref()],
        },
    });
    sim.traffic
        .candidates
        .0
        .insert(label.to_string(), (version, faults, endpoints.clone()));
    endpoints
}

fn service_candidates(
    c: &Cluster,
    namespace: &str,
    name: &str,
) -> Option<(Vec<Candidate>, Vec<ObjectRef>)> {
    let key = Key::new(ObjectKind::Service, namespace, name);
    let Some(Object::Service(svc)) = c.store.get(&key) else {
        return None;
    };
    let slices = slices_of(&c.store, svc);
    let mut watched = vec![key.object_ref()];
    let mut ready = BTreeMap::new();
    let mut terminating = BTreeMap::new();
    for s in &slices {
        watched.push(
            Key::new(
                ObjectKind::EndpointSlice,
                &s.metadata.namespace,
                &s.metadata.name,
            )
            .object_ref(),
        );
        for e in &s.endpoints {
            let Some(addr) = e.addresses.first() else {
                continue;
            };
            let cond = &e.conditions;
            // A nil `ready` means ready (discovery/v1: "nil should be interpreted as true").
            if cond.ready != Some(false) {
                ready.entry(addr.clone()).or_insert(e);
            } else if cond.serving == Some(true) && cond.terminating == Some(true) {
                terminating.entry(addr.clone()).or_insert(e);
            }
        }
    }
    let chosen = if ready.is_empty() { terminating } else { ready };
    let candidates = chosen
        .into_values()
        .map(|e| {
            let (pod_ns, pod_name) = e
                .target_ref
                .as_ref()
                .map(|r| (r.namespace.clone(), r.name.clone()))
                .unwrap_or_else(|| (namespace.to_string(), String::new()));
            let node = e.node_name.clone().unwrap_or_default();
            let running = !pod_name.is_empty() && pod_running(c, &pod_ns, &pod_name);
            let pod_key = Key::new(ObjectKind::Pod, &pod_ns, &pod_name);
            Candidate {
                id: pod_key.object_ref().to_string(),
                answer: answer_of(c, &node, running),
                objects: vec![pod_key.object_ref(), ObjectRef::new("node", node.clone())],
                node,
            }
        })
        .collect();
    Some((candidates, watched))
}

/// Whether a node's engine runs a container publishing `port` on the host.
fn listens(c: &Cluster, node: &str, port: u16) -> bool {
    c.engines.get(node).is_some_and(|e| {
        e.containers
            .values()
            .any(|k| k.is_running() && k.ports.iter().any(|p| p.host_port == port))
    })
}

fn lb_candidates(c: Option<&Cluster>, lb: &LoadBalancer) -> Vec<Candidate> {
    lb.backends
        .iter()
        .map(|b| {
            let answer = match c {
                Some(c) => answer_of(c, &b.node, listens(c, &b.node, b.port)),
                None => Answer::Timeout,
            };
            Candidate {
                id: b.to_string(),
                node: b.node.clone(),
                answer,
                objects: vec![ObjectRef::new("node", b.node.clone())],
            }
        })
        .collect()
}

/// The nearest-rank percentile `q` (0–100) of sorted (value, weight) samples.
fn percentile(sorted: &[(u32, u32)], q: u64) -> u32 {
    let total: u64 = sorted.iter().map(|(_, w)| u64::from(*w)).sum();
    if total == 0 {
        return 0;
    }
    let rank = (total * q).div_ceil(100).max(1);
    let mut seen = 0;
    for (v, w) in sorted {
        seen += u64::from(*w);
        if seen >= rank {
            return *v;
        }
    }
    sorted.last().map(|(v, _)| *v).unwrap_or(0)
}

/// `total` requests as at most `cap` samples of near-equal weight (the first ones one more).
fn split(total: u32, cap: usize) -> Vec<u32> {
    let k = (total as usize).min(cap.max(1));
    if k == 0 {
        return Vec::new();
    }
    let base = total / k as u32;
    let extra = total as usize % k;
    (0..k).map(|i| base + u32::from(i < extra)).collect()
}

/// Starts (or resumes) traffic to `target` at `rps`, queueing the tick if none is queued.
/// The caller has checked the target, the rate and the limits.
pub(crate) fn start(sim: &mut Sim, target: TargetRef, rps: u32, cause: EventId) -> String {
    let label = target.label();
    let now = sim.now();
    let id = sim.record(
        EventKind::Traffic {
            change: "started".into(),
        },
        ObjectRef::new("traffic", label.clone()),
        Some(cause),
        format!("traffic to {label} started at {rps} requests/s"),
    );
    let t = sim.traffic.targets.entry(label.clone()).or_insert(Target {
        target,
        rps,
        running: true,
        since: now,
        counted_to: now,
        seconds: Vec::new(),
        older: Totals::default(),
        last_endpoints: BTreeMap::new(),
        outcome: Outcome::Ok,
        outcome_event: id,
        next_backend: 0,
    });
    t.rps = rps;
    t.running = true;
    t.since = now;
    t.counted_to = now;
    t.outcome = Outcome::Ok;
    t.outcome_event = id;
    if !sim.traffic.tick_queued {
        sim.traffic.tick_queued = true;
        sim.schedule(now.plus_ms(TICK_MS), Action::Traffic { scheduled_by: id });
    }
    format!("traffic to {label} started: {rps} requests/s\n")
}

/// Stops the clients of `labels` (their stats stay); the tick leaves the queue when none runs.
pub(crate) fn stop(sim: &mut Sim, labels: &[String], cause: EventId) -> String {
    let mut out = String::new();
    for label in labels {
        let Some(t) = sim.traffic.targets.get_mut(label) else {
            continue;
        };
        t.running = false;
        sim.record(
            EventKind::Traffic {
                change: "stopped".into(),
            },
            ObjectRef::new("traffic", label.clone()),
            Some(cause),
            format!("traffic to {label} stopped"),
        );
        out.push_str(&format!("traffic to {label} stopped\n"));
    }
    if !sim.traffic.any_running() && sim.traffic.tick_queued {
        sim.cancel_scheduled(|a| matches!(a, Action::Traffic { .. }));
        sim.traffic.tick_queued = false;
    }
    out
}

/// One traffic tick: every running target's second, then the next tick.
pub(crate) fn tick(sim: &mut Sim, cause: EventId) {
    sim.traffic.tick_queued = false;
    let running: Vec<String> = sim
        .traffic
        .targets
        .iter()
        .filter(|(_, t)| t.running)
        .map(|(k, _)| k.clone())
        .collect();
    for label in &running {
        second(sim, label, cause);
    }
    if sim.traffic.any_running() && sim.check_schedule("traffic").is_ok() {
        sim.traffic.tick_queued = true;
        let at = sim.now().plus_ms(TICK_MS);
        sim.schedule(
            at,
            Action::Traffic {
                scheduled_by: cause,
            },
        );
    }
}

/// Sends and counts one second of `label`'s requests.
fn second(sim: &mut Sim, label: &str, tick_cause: EventId) {
    let now = sim.now();
    let Some(t) = sim.traffic.targets.get(label) else {
        return;
    };
    let elapsed_ms = now
        .as_ms()
        .saturating_sub(t.counted_to.as_ms())
        .min(TICK_MS);
    let sent = u32::try_from(u64::from(t.rps) * elapsed_ms / TICK_MS).unwrap_or(MAX_RPS);
    let target = t.target.clone();
    let mut next_backend = t.next_backend;
    // What each endpoint would answer now, and which log objects decide the set.
    let (endpoints, round_robin) = match &target {
        TargetRef::Service { namespace, name } => {
            (service_endpoints(sim, label, namespace, name), false)
        }
        TargetRef::Lb { name } => {
            let candidates = match sim.traffic.lbs.get(name) {
                Some(lb) => lb_candidates(sim.cluster(), lb),
                None => Vec::new(),
            };
            (
                Arc::new(ServiceEndpoints {
                    candidates,
                    watched: Vec::new(),
                }),
                true,
            )
        }
    };
    let candidates = &endpoints.candidates;
    let mut watched = endpoints.watched.clone();
    if let TargetRef::Lb { name } = &target {
        watched.push(ObjectRef::new("lb", name.clone()));
    }
    let mut stats = SecondStats {
        time: now,
        sent,
        ..SecondStats::default()
    };
    let mut per: BTreeMap<String, EndpointCount> = BTreeMap::new();
    let mut involved: BTreeSet<usize> = BTreeSet::new();
    // Who gets the second's requests, as (candidate, how many requests) samples.
    let n = candidates.len();
    let mut samples: Vec<(usize, u32)> = Vec::new();
    if n > 0 && round_robin {
        // Round robin is exact: backend j gets its turn every n requests, from `next_backend`.
        let sent_n = sent as usize;
        let per_backend_cap = (MAX_SAMPLES_PER_SECOND / n).max(1);
        for j in 0..n {
            let turn = (j + n - next_backend % n) % n;
            let count = (sent_n / n + usize::from(turn < sent_n % n)) as u32;
            samples.extend(split(count, per_backend_cap).into_iter().map(|w| (j, w)));
        }
        next_backend = (next_backend + sent_n) % n;
    } else if n > 0 {
        // kube-proxy: each connection to a uniformly random endpoint (iptables `statistic
        // --mode random` rules), one draw per sample.
        for w in split(sent, MAX_SAMPLES_PER_SECOND) {
            let i = sim.rng().random_range(0..n);
            samples.push((i, w));
        }
    }
    let mut latencies: Vec<(u32, u32)> = Vec::with_capacity(samples.len() + 1);
    if n == 0 && sent > 0 {
        stats.refused = sent;
        latencies.push((REFUSED_LATENCY_US, sent));
    }
    for (i, w) in samples {
        if w == 0 {
            continue;
        }
        let c = &candidates[i];
        let count = per.entry(c.id.clone()).or_insert_with(|| EndpointCount {
            node: c.node.clone(),
            ..EndpointCount::default()
        });
        match c.answer {
            Answer::Ok => {
                count.ok += w;
                stats.ok += w;
                let rng = sim.rng();
                let mut us = BASE_LATENCY_US + rng.random_range(0..JITTER_US);
                if rng.random_range(0..TAIL_ONE_IN) == 0 {
                    us += rng.random_range(0..TAIL_US);
                }
                latencies.push((us, w));
            }
            Answer::Timeout => {
                count.failed += w;
                stats.timeouts += w;
                involved.insert(i);
                latencies.push(((CLIENT_TIMEOUT_MS * 1_000) as u32, w));
            }
            Answer::Refused => {
                count.failed += w;
                stats.refused += w;
                involved.insert(i);
                latencies.push((REFUSED_LATENCY_US, w));
            }
        }
    }
    stats.failed = stats.timeouts + stats.refused;
    latencies.sort_unstable();
    stats.p50_us = percentile(&latencies, 50);
    stats.p99_us = percentile(&latencies, 99);
    let outcome = if sent > 0 && candidates.is_empty() {
        Outcome::NoEndpoints
    } else if stats.failed > 0 {
        Outcome::Failing
    } else {
        Outcome::Ok
    };
    let Some(t) = sim.traffic.targets.get_mut(label) else {
        return;
    };
    t.counted_to = now;
    t.next_backend = next_backend;
    t.last_endpoints = per;
    t.seconds.push(stats.clone());
    if t.seconds.len() > MAX_SECONDS_KEPT {
        let excess = t.seconds.len() - MAX_SECONDS_KEPT;
        for s in t.seconds.drain(..excess) {
            t.older.add(&s);
        }
    }
    let previous = t.outcome;
    let since = t.outcome_event;
    if outcome == previous || sent == 0 {
        return;
    }
    // Objects whose latest change explains this second: the failing endpoints' pods and nodes,
    // else (recovery) every candidate's, and the target's own objects.
    let mut objects: Vec<ObjectRef> = std::mem::take(&mut watched);
    let explain: Vec<usize> = if involved.is_empty() {
        (0..candidates.len()).collect()
    } else {
        involved.into_iter().collect()
    };
    for i in explain {
        objects.extend(candidates[i].objects.iter().cloned());
    }
    let cause = find_cause(sim, &objects, since).unwrap_or(tick_cause);
    let message = match outcome {
        Outcome::Ok => format!("{label}: every request answered again ({sent} requests/s)"),
        Outcome::Failing => format!(
            "{label}: requests failing: {} of {sent} in the second to {now} ({} timed out, {} refused)",
            stats.failed, stats.timeouts, stats.refused
        ),
        Outcome::NoEndpoints => match target {
            TargetRef::Service { .. } => {
                format!("{label}: no ready endpoints: every request refused")
            }
            TargetRef::Lb { .. } => format!("{label}: no backends: every request refused"),
        },
    };
    let id = sim.record(
        EventKind::Traffic {
            change: outcome.word().into(),
        },
        ObjectRef::new("traffic", label.to_string()),
        Some(cause),
        message,
    );
    if let Some(t) = sim.traffic.targets.get_mut(label) {
        t.outcome = outcome;
        t.outcome_event = id;
    }
}

/// The most recent event after `since` about one of `objects`, looking back at most
/// [`MAX_CAUSE_SCAN`] events.
fn find_cause(sim: &Sim, objects: &[ObjectRef], since: EventId) -> Option<EventId> {
    let wanted: BTreeSet<(&str, &str)> = objects
        .iter()
        .map(|o| (o.kind.as_str(), o.name.as_str()))
        .collect();
    sim.log()
        .iter()
        .rev()
        .take(MAX_CAUSE_SCAN)
        .take_while(|e| e.id > since)
        // Traffic's own changes are about `traffic/…`, never among `objects`.
        .find(|e| wanted.contains(&(e.object.kind.as_str(), e.object.name.as_str())))
        .map(|e| e.id)
}

/// Records a load balancer change (its create/add/remove), caused by the command.
pub(crate) fn record_lb(sim: &mut Sim, name: &str, change: &str, message: String, cause: EventId) {
    sim.record(
        EventKind::Traffic {
            change: change.into(),
        },
        ObjectRef::new("lb", name.to_string()),
        Some(cause),
        message,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_rank() {
        let v: Vec<(u32, u32)> = (1..=100).map(|x| (x, 1)).collect();
        assert_eq!(percentile(&v, 50), 50);
        assert_eq!(percentile(&v, 99), 99);
        assert_eq!(percentile(&[(7, 1)], 99), 7);
        assert_eq!(percentile(&[], 50), 0);
        // Weights count as that many requests.
        assert_eq!(percentile(&[(1, 98), (5, 2)], 99), 5);
        assert_eq!(percentile(&[(1, 98), (5, 2)], 50), 1);
    }

    #[test]
    fn splitting_keeps_every_request_in_at_most_cap_samples() {
        assert_eq!(split(10, 4), [3, 3, 2, 2]);
        assert_eq!(split(3, 1_000), [1, 1, 1]);
        assert_eq!(split(0, 4), Vec::<u32>::new());
        assert_eq!(split(10_000, 1_000).iter().sum::<u32>(), 10_000);
    }

    #[test]
    fn labels_name_the_namespace_outside_default() {
        let s = TargetRef::Service {
            namespace: "shop".into(),
            name: "web".into(),
        };
        assert_eq!(s.label(), "svc/shop/web");
        let d = TargetRef::Service {
            namespace: "default".into(),
            name: "web".into(),
        };
        assert_eq!(d.label(), "svc/web");
    }
}
