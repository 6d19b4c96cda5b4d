//! The node lifecycle controller's NoExecute tainting, rate-limited per zone
//! (`doNoExecuteTaintingPass`, `zoneNoExecuteTainter`), and its zone disruption handling
//! (`handleDisruption`, `ComputeZoneState`), from
//! `pkg/controller/nodelifecycle/node_lifecycle_controller.go` and
//! `pkg/controller/nodelifecycle/scheduler/rate_limited_queue.go`.
//!
//! A node the monitor finds not ready (Ready Unknown or False) gets its NoSchedule taint at
//! once, but waits in its zone's queue for the NoExecute taint that makes the taint eviction
//! controller evict its pods. Each zone's queue has a token bucket (burst 1) that refills at
//! `--node-eviction-rate` (0.1 node/s, one node every 10 s) while the zone is Normal. A zone
//! where more than 2 nodes and at least 55 % are not ready is in PartialDisruption: the rate
//! drops to `--secondary-node-eviction-rate` (0.01 node/s) in a cluster of more than 50 nodes,
//! and to 0 (no evictions) in a smaller one. A zone with no ready node is in FullDisruption and
//! keeps the normal rate, unless every zone is: then the controller removes every NoExecute
//! taint it set and stops evicting ("master disruption mode"), until some node is ready again.
//!
//! The tainting pass runs every 100 ms in the real controller; here only the passes that can
//! taint are queued (when the bucket next holds a token), on the same 100 ms grid from the
//! cluster's creation, and a pass at a monitor instant runs right after the monitor.

use std::collections::BTreeMap;

use serde::Serialize;

use super::api::{ConditionStatus, Node, Object, ObjectKind, Taint, TaintEffect, Timestamp};
use super::controllers::{Change, Why};
use super::nodelifecycle::{nodes, ready_status};
use super::state::{self, enqueue, Work};
use super::store::Key;
use crate::event::{EventId, EventKind, ObjectRef};
use crate::sim::Sim;
use crate::time::SimTime;

/// `--node-eviction-rate` (kube-controller-manager default 0.1 nodes per second), in
/// micro-nodes per millisecond.
pub const EVICTION_RATE: u64 = 100;
/// `--secondary-node-eviction-rate` (default 0.01 nodes per second), in micro-nodes per ms.
pub const SECONDARY_EVICTION_RATE: u64 = 10;
/// `--large-cluster-size-threshold` (default 50): a partially disrupted zone of at most this
/// many nodes stops evicting.
pub const LARGE_CLUSTER_THRESHOLD: usize = 50;
/// `--unhealthy-zone-threshold` (default 0.55), in percent.
pub const UNHEALTHY_ZONE_PERCENT: usize = 55;
/// `scheduler.NodeEvictionPeriod`: how often the tainting pass runs (100 ms).
pub const TAINTING_PERIOD_MS: u64 = 100;
/// One node's worth of tokens (the bucket's burst, `EvictionRateLimiterBurst` = 1).
const TOKEN: u64 = 1_000_000;
/// The label that takes a node out of the zone state computation.
pub const EXCLUDE_DISRUPTION_LABEL: &str = "node.kubernetes.io/exclude-disruption";

/// A zone's state (`ZoneState`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum ZoneState {
    /// Not computed yet.
    Initial,
    /// Fewer nodes not ready than the thresholds.
    Normal,
    /// More than 2 and at least 55 % of the nodes not ready.
    PartialDisruption,
    /// No node ready.
    FullDisruption,
}

impl ZoneState {
    /// The controller's word for it.
    pub fn as_str(self) -> &'static str {
        match self {
            ZoneState::Initial => "Initial",
            ZoneState::Normal => "Normal",
            ZoneState::PartialDisruption => "PartialDisruption",
            ZoneState::FullDisruption => "FullDisruption",
        }
    }
}

/// One zone's NoExecute tainter: its state, its token bucket and the nodes waiting.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ZoneTainter {
    /// The zone's state as of the last monitor pass.
    pub state: ZoneState,
    /// The bucket's refill rate in micro-nodes per ms (0: never, as `NewFakeNeverRateLimiter`).
    pub rate: u64,
    /// Tokens in the bucket (micro-nodes, at most one node).
    tokens: u64,
    /// When `tokens` was last brought up to date.
    last: SimTime,
    /// Nodes waiting for their NoExecute taint, with the event that queued them (processed in
    /// name order: the real queue re-adds every waiting node on each monitor pass, in the
    /// node lister's order). A node already tainted is not queued again because it has the
    /// taint (the real queue's set of processed names is not needed for that).
    pub waiting: BTreeMap<String, EventId>,
}

impl ZoneTainter {
    fn new(now: SimTime) -> ZoneTainter {
        ZoneTainter {
            state: ZoneState::Initial,
            rate: EVICTION_RATE,
            tokens: TOKEN,
            last: now,
            waiting: BTreeMap::new(),
        }
    }

    fn refill(&mut self, now: SimTime) {
        let elapsed = now.as_ms().saturating_sub(self.last.as_ms());
        self.tokens = self
            .tokens
            .saturating_add(elapsed.saturating_mul(self.rate))
            .min(TOKEN);
        self.last = self.last.max(now);
    }

    /// `TryAccept`: takes a token if there is one.
    fn try_accept(&mut self, now: SimTime) -> bool {
        if self.rate == 0 {
            return false;
        }
        self.refill(now);
        if self.tokens >= TOKEN {
            self.tokens -= TOKEN;
            true
        } else {
            false
        }
    }

    /// `SwapLimiter`: a new bucket at `rate`, full, unless the old one had no token (then the
    /// new one is drained: "if we're currently waiting on limiter, we drain the new one").
    fn swap(&mut self, rate: u64, now: SimTime) {
        if self.rate == rate {
            return;
        }
        let waiting = !self.try_accept(now);
        self.rate = rate;
        self.last = now;
        self.tokens = if rate == 0 || waiting { 0 } else { TOKEN };
    }

    /// When the bucket next holds a token (None: never).
    fn next_token(&self, now: SimTime) -> Option<SimTime> {
        if self.rate == 0 {
            return None;
        }
        let mut b = self.clone();
        b.refill(now);
        let missing = TOKEN.saturating_sub(b.tokens);
        Some(now.plus_ms(missing.div_ceil(self.rate)))
    }
}

/// A node's zone as `nodetopology.GetZoneKey` forms it: region and zone labels (the GA ones,
/// else the deprecated beta ones), `""` when it has neither.
pub fn zone_key(n: &Node) -> String {
    let label = |ga: &str, beta: &str| {
        n.metadata
            .labels
            .get(ga)
            .or_else(|| n.metadata.labels.get(beta))
            .cloned()
            .unwrap_or_default()
    };
    let zone = label(
        "topology.kubernetes.io/zone",
        "failure-domain.beta.kubernetes.io/zone",
    );
    let region = label(
        "topology.kubernetes.io/region",
        "failure-domain.beta.kubernetes.io/region",
    );
    if zone.is_empty() && region.is_empty() {
        String::new()
    } else {
        format!("{region}:\0:{zone}")
    }
}

/// How the log names a zone key: `us-east-1a`, `(no zone)`.
fn shown(zone: &str) -> String {
    match zone.split_once(":\0:") {
        Some((_, z)) if !z.is_empty() => z.to_string(),
        Some((r, _)) => r.to_string(),
        None => "(no zone)".into(),
    }
}

/// The NoExecute taint for a Ready status (None for True).
fn taint_key_for(status: &ConditionStatus) -> Option<&'static str> {
    match status {
        ConditionStatus::False => Some(super::nodelifecycle::NOT_READY),
        ConditionStatus::Unknown => Some(super::nodelifecycle::UNREACHABLE),
        _ => None,
    }
}

fn has_no_execute(n: &Node, key: &str) -> bool {
    n.spec
        .taints
        .iter()
        .any(|t| t.key == key && t.effect == TaintEffect::NoExecute)
}

/// Whether a taint is a NoExecute taint the node lifecycle controller sets (unreachable or
/// not-ready).
fn lifecycle_no_execute(t: &Taint) -> bool {
    t.effect == TaintEffect::NoExecute && super::nodelifecycle::is_lifecycle_key(&t.key)
}

/// `markNodeForTainting`: the node (Ready Unknown or False, without that status's NoExecute
/// taint) waits in its zone's queue; `cause` is what the NoExecute taint will be caused by.
/// The monitor pass that marks nodes plans the next tainting pass once, in
/// [`handle_disruption`], after the zones' rates are set.
pub(crate) fn mark_for_tainting(sim: &mut Sim, n: &Node, cause: EventId) {
    let now = sim.now();
    let Some(c) = sim.cluster.as_mut() else {
        return;
    };
    let zone = zone_key(n);
    let name = &n.metadata.name;
    for (z, t) in c.tainters.iter_mut() {
        if *z != zone {
            t.waiting.remove(name);
        }
    }
    let t = c
        .tainters
        .entry(zone)
        .or_insert_with(|| ZoneTainter::new(now));
    t.waiting.entry(name.clone()).or_insert(cause);
}

/// `markNodeAsReachable`'s queue side: the node leaves its zone's queue (its NoExecute taints
/// are removed by the caller).
pub(crate) fn forget(sim: &mut Sim, node: &str) {
    if let Some(c) = sim.cluster.as_mut() {
        for t in c.tainters.values_mut() {
            t.waiting.remove(node);
        }
    }
}

/// Queues the next tainting pass that can taint: the earliest instant, on the 100 ms grid from
/// `origin`, when a zone with waiting nodes has a token.
fn plan_pass(sim: &mut Sim, cause: EventId) {
    let now = sim.now();
    let Some(c) = sim.cluster.as_ref() else {
        return;
    };
    let origin = super::nodelifecycle::monitor_origin(c).as_ms();
    let next = c
        .tainters
        .values()
        .filter(|t| !t.waiting.is_empty())
        .filter_map(|t| t.next_token(now))
        .min();
    let Some(at) = next else {
        return;
    };
    let grid = |ms: u64| {
        let since = ms.saturating_sub(origin);
        origin + since.div_ceil(TAINTING_PERIOD_MS) * TAINTING_PERIOD_MS
    };
    let at = SimTime(grid(at.as_ms()).max(now.as_ms()));
    let Some(c) = sim.cluster.as_mut() else {
        return;
    };
    if !c.tainting_at.insert(at) {
        return;
    }
    enqueue(
        sim,
        Work::NoExecuteTainting,
        at.as_ms().saturating_sub(now.as_ms()),
        cause,
    );
}

/// One `doNoExecuteTaintingPass`: in each zone (in key order) with a waiting node and a token,
/// the first waiting node gets the NoExecute taint of its Ready status (`unreachable` for
/// Unknown, `not-ready` for False, the other removed); a node that is Ready again is dropped.
pub(crate) fn pass(sim: &mut Sim, cause: EventId) {
    let now = sim.now();
    let Some(c) = sim.cluster.as_mut() else {
        return;
    };
    c.tainting_at.remove(&now);
    let zones: Vec<String> = c.tainters.keys().cloned().collect();
    for zone in zones {
        let Some(c) = sim.cluster.as_mut() else {
            return;
        };
        let Some(t) = c.tainters.get_mut(&zone) else {
            continue;
        };
        let Some((node, queued_by)) = t.waiting.iter().next().map(|(n, e)| (n.clone(), *e)) else {
            continue;
        };
        if !t.try_accept(now) {
            continue;
        }
        t.waiting.remove(&node);
        let (rate, waiting) = (t.rate, t.waiting.len());
        let Some(Object::Node(n)) = c.store.get(&Key::new(ObjectKind::Node, "", &node)) else {
            continue;
        };
        let status = ready_status(n);
        let Some(key) = taint_key_for(&status) else {
            continue;
        };
        if has_no_execute(n, key) {
            continue;
        }
        let mut n = n.as_ref().clone();
        n.spec.taints.retain(|t| !lifecycle_no_execute(t));
        let taint = Taint {
            key: key.into(),
            value: String::new(),
            time_added: Some(Timestamp::at(now)),
            effect: TaintEffect::NoExecute,
        };
        let note = format!(
            "node/{node}: tainted {taint} (zone {}: {}; {waiting} node(s) still waiting)",
            shown(&zone),
            rate_words(rate)
        );
        n.spec.taints.push(taint);
        state::apply(
            sim,
            Change::Update {
                object: Object::Node(Box::new(n)),
                why: Why::Note(note),
            },
            queued_by,
        );
    }
    plan_pass(sim, cause);
}

/// `ComputeZoneState` over the Ready statuses of a zone's nodes: (not ready, state).
fn compute_state(ready: usize, not_ready: usize) -> ZoneState {
    if ready == 0 && not_ready > 0 {
        ZoneState::FullDisruption
    } else if not_ready > 2 && not_ready * 100 >= UNHEALTHY_ZONE_PERCENT * (ready + not_ready) {
        ZoneState::PartialDisruption
    } else {
        ZoneState::Normal
    }
}

/// The bucket rate `setLimiterInZone` gives a zone of `size` nodes in `state`.
fn rate_for(state: ZoneState, size: usize) -> u64 {
    match state {
        ZoneState::PartialDisruption if size > LARGE_CLUSTER_THRESHOLD => SECONDARY_EVICTION_RATE,
        ZoneState::PartialDisruption => 0,
        _ => EVICTION_RATE,
    }
}

fn rate_words(rate: u64) -> String {
    match rate {
        0 => "NoExecute tainting stops (no evictions)".into(),
        r => format!("NoExecute tainting at one node per {} s", TOKEN / r / 1000),
    }
}

/// `handleDisruption`, after a monitor pass: each zone's state from its nodes' Ready
/// conditions (nodes labelled `node.kubernetes.io/exclude-disruption` left out), the bucket
/// rate each state gets, and master disruption mode when every zone has no ready node.
pub(crate) fn handle_disruption(sim: &mut Sim, cause: EventId) {
    let now = sim.now();
    // One walk over the nodes: each zone's ready and not ready counts (nodes labelled
    // exclude-disruption left out), and `processTaintBaseEviction` on every pass: a not ready
    // node without its NoExecute taint is (again) in its zone's queue, such as after master
    // disruption mode emptied the queues.
    let Some(c) = sim.cluster.as_ref() else {
        return;
    };
    let mut counts: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut requeue: Vec<Node> = Vec::new();
    for n in nodes(c) {
        let zone = zone_key(n);
        let status = ready_status(n);
        let waiting = c
            .tainters
            .get(&zone)
            .is_some_and(|t| t.waiting.contains_key(&n.metadata.name));
        if !waiting && taint_key_for(&status).is_some_and(|key| !has_no_execute(n, key)) {
            requeue.push(n.clone());
        }
        if n.metadata.labels.get(EXCLUDE_DISRUPTION_LABEL).is_some() {
            continue;
        }
        let e = counts.entry(zone).or_default();
        if status == ConditionStatus::True {
            e.0 += 1;
        } else {
            e.1 += 1;
        }
    }
    for n in &requeue {
        mark_for_tainting(sim, n, cause);
    }
    let new: BTreeMap<String, (ZoneState, usize, usize)> = counts
        .iter()
        .map(|(z, (r, nr))| (z.clone(), (compute_state(*r, *nr), *r, *nr)))
        .collect();
    let all_are_full = new
        .values()
        .all(|(s, _, _)| *s == ZoneState::FullDisruption);
    let Some(c) = sim.cluster.as_mut() else {
        return;
    };
    c.tainters.retain(|z, _| new.contains_key(z));
    for z in new.keys() {
        c.tainters
            .entry(z.clone())
            .or_insert_with(|| ZoneTainter::new(now));
    }
    let all_was_full = c
        .tainters
        .values()
        .all(|t| t.state == ZoneState::FullDisruption);
    if all_are_full && all_was_full {
        return;
    }
    let mut notes: Vec<(Option<String>, String, String)> = Vec::new();
    if all_are_full {
        for t in c.tainters.values_mut() {
            t.swap(0, now);
            t.state = ZoneState::FullDisruption;
            t.waiting.clear();
        }
        notes.push((
            None,
            "FullDisruption".into(),
            "node-controller: every node is not ready: master disruption mode: the NoExecute \
             taints it set are removed and evictions stop until a node is ready again"
                .into(),
        ));
        record(sim, notes, cause);
        // markNodeAsReachable for every node: the NoExecute lifecycle taints go.
        let tainted: Vec<Node> = sim.cluster.as_ref().map_or_else(Vec::new, |c| {
            nodes(c)
                .filter(|n| n.spec.taints.iter().any(lifecycle_no_execute))
                .cloned()
                .collect()
        });
        for mut n in tainted {
            let removed: Vec<String> = n
                .spec
                .taints
                .iter()
                .filter(|t| lifecycle_no_execute(t))
                .map(|t| t.to_string())
                .collect();
            n.spec.taints.retain(|t| !lifecycle_no_execute(t));
            let note = format!(
                "node/{}: untainted {} (master disruption mode)",
                n.metadata.name,
                removed.join(" and ")
            );
            state::apply(
                sim,
                Change::Update {
                    object: Object::Node(Box::new(n)),
                    why: Why::Note(note),
                },
                cause,
            );
        }
        return;
    }
    for (zone, (state, ready, not_ready)) in &new {
        let Some(t) = c.tainters.get_mut(zone) else {
            continue;
        };
        if t.state == *state && !all_was_full {
            continue;
        }
        let rate = rate_for(*state, ready + not_ready);
        let was = t.state;
        t.swap(rate, now);
        t.state = *state;
        if was != ZoneState::Initial || *state != ZoneState::Normal {
            let why = if all_was_full {
                "some nodes are ready again: master disruption mode ends; "
            } else {
                ""
            };
            notes.push((
                Some(zone.clone()),
                state.as_str().into(),
                format!(
                    "node-controller: zone {} is now {}: {not_ready} of {} node(s) not ready; {why}{}",
                    shown(zone),
                    state.as_str(),
                    ready + not_ready,
                    rate_words(rate)
                ),
            ));
        }
    }
    record(sim, notes, cause);
    plan_pass(sim, cause);
}

/// Records each zone state change (`None`: master disruption mode, for the whole cluster).
fn record(sim: &mut Sim, notes: Vec<(Option<String>, String, String)>, cause: EventId) {
    for (zone, state, message) in notes {
        let object = match zone {
            None => ObjectRef::new("cluster", "zones"),
            Some(z) => ObjectRef::new("zone", shown(&z)),
        };
        sim.record(
            EventKind::ZoneStateChanged { state },
            object,
            Some(cause),
            message,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_gives_one_token_then_one_per_10_s_and_a_swap_drains_a_waiting_one() {
        let mut t = ZoneTainter::new(SimTime(0));
        assert!(t.try_accept(SimTime(0)));
        assert!(!t.try_accept(SimTime(9_999)));
        assert_eq!(t.next_token(SimTime(9_999)), Some(SimTime(10_000)));
        assert!(t.try_accept(SimTime(10_000)));
        // Waiting on the old bucket: the new one starts drained.
        t.swap(SECONDARY_EVICTION_RATE, SimTime(12_000));
        assert_eq!(t.next_token(SimTime(12_000)), Some(SimTime(112_000)));
        t.swap(0, SimTime(20_000));
        assert_eq!(t.next_token(SimTime(20_000)), None);
        assert!(!t.try_accept(SimTime(1_000_000)));
    }

    #[test]
    fn zone_states_follow_compute_zone_state() {
        assert_eq!(compute_state(0, 1), ZoneState::FullDisruption);
        assert_eq!(compute_state(1, 2), ZoneState::Normal);
        assert_eq!(compute_state(2, 3), ZoneState::PartialDisruption);
        assert_eq!(compute_state(3, 3), ZoneState::Normal);
        assert_eq!(compute_state(0, 0), ZoneState::Normal);
        assert_eq!(rate_for(ZoneState::PartialDisruption, 50), 0);
        assert_eq!(
            rate_for(ZoneState::PartialDisruption, 51),
            SECONDARY_EVICTION_RATE
        );
        assert_eq!(rate_for(ZoneState::FullDisruption, 3), EVICTION_RATE);
    }
}
