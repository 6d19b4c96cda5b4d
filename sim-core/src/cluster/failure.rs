//! The failure timeline: after a node fault, the events whose cause chain leads back to it,
//! sorted into the steps Kubernetes takes (Unknown, taints, pods not ready, endpoints,
//! eviction, replacements) — the browser's failure timeline draws these marks.
//!
//! Classification reads each event's kind and reason, and for three store changes the words
//! this model writes in their messages (`tainted`, ` is Ready`); the test below pins them, so a
//! rewording here fails here, not in the browser.

use std::collections::{BTreeMap, HashSet};

use super::nodelifecycle;
use super::state::Cluster;
use crate::event::{Event, EventKind};
use crate::time::SimTime;

/// How many events after a fault the timeline looks at: a bound on the walk over the log
/// (a large cluster's failover can record many; the marks come early in it).
pub const MAX_EVENTS_SCANNED: usize = 50_000;

/// One step of a failover, in the order Kubernetes takes them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Step {
    /// The fault itself.
    Fault,
    /// The node's last Lease renewal before it.
    Heartbeat,
    /// The node lifecycle controller marks the node Unknown.
    Unknown,
    /// It taints the node.
    Tainted,
    /// It marks the node's pods not ready.
    PodsNotReady,
    /// EndpointSlices change.
    Endpoints,
    /// Requests start failing.
    TrafficFailing,
    /// The taint eviction controller evicts the pods.
    Eviction,
    /// Replacements are created.
    Created,
    /// They are scheduled.
    Scheduled,
    /// Their images are pulled (or present).
    Pulled,
    /// They are Ready.
    Ready,
    /// Requests are answered again.
    TrafficOk,
}

impl Step {
    /// Every step, in order.
    pub const ALL: [Step; 13] = [
        Step::Fault,
        Step::Heartbeat,
        Step::Unknown,
        Step::Tainted,
        Step::PodsNotReady,
        Step::Endpoints,
        Step::TrafficFailing,
        Step::Eviction,
        Step::Created,
        Step::Scheduled,
        Step::Pulled,
        Step::Ready,
        Step::TrafficOk,
    ];

    /// A stable name (the browser's `data-mark`).
    pub fn id(self) -> &'static str {
        match self {
            Step::Fault => "fault",
            Step::Heartbeat => "heartbeat",
            Step::Unknown => "unknown",
            Step::Tainted => "tainted",
            Step::PodsNotReady => "pods-not-ready",
            Step::Endpoints => "endpoints",
            Step::TrafficFailing => "traffic-failing",
            Step::Eviction => "eviction",
            Step::Created => "created",
            Step::Scheduled => "scheduled",
            Step::Pulled => "pulled",
            Step::Ready => "ready",
            Step::TrafficOk => "traffic-ok",
        }
    }
}

/// One mark of the timeline: when, the event it stands for (the heartbeat has none of its own:
/// it points at the fault), and how many events of its kind followed the fault.
#[derive(Clone, Debug, PartialEq)]
pub struct Mark {
    /// The step.
    pub step: Step,
    /// When.
    pub time: SimTime,
    /// The id of the event it stands for.
    pub event: u64,
    /// How many events of its kind followed the fault.
    pub count: usize,
}

/// Whether an event is one a step stands for.
fn classify(e: &Event, node: &str) -> Option<Step> {
    match &e.kind {
        EventKind::KubeEvent { reason, .. } => match (reason.as_str(), e.object.kind.as_str()) {
            ("NodeNotReady", "node") if e.object.name == node => Some(Step::Unknown),
            ("NodeNotReady", "pod") => Some(Step::PodsNotReady),
            ("TaintManagerEviction", _) => Some(Step::Eviction),
            ("SuccessfulCreate", _) => Some(Step::Created),
            ("Scheduled", _) => Some(Step::Scheduled),
            ("Pulled", _) => Some(Step::Pulled),
            _ => None,
        },
        EventKind::ApiObjectChanged { .. } => match e.object.kind.as_str() {
            "node"
                if e.object.name == node
                    && e.message.contains(":NoExecute")
                    && e.message.contains("tainted") =>
            {
                Some(Step::Tainted)
            }
            "endpointslice" => Some(Step::Endpoints),
            "pod" if e.message.contains(" is Ready") => Some(Step::Ready),
            _ => None,
        },
        _ => None,
    }
}

/// The marks of the failure that `fault` (an index into `log`) started, in step order.
pub fn marks(log: &[Event], at: usize, cluster: &Cluster) -> Vec<Mark> {
    let fault = &log[at];
    let node = fault.object.name.as_str();
    let mut found: BTreeMap<Step, Mark> = BTreeMap::new();
    found.insert(
        Step::Fault,
        Mark {
            step: Step::Fault,
            time: fault.time,
            event: fault.id.0,
            count: 1,
        },
    );
    // The last Lease renewal before the fault (none when the kubelet has restarted since, or
    // when the fault leaves the Lease renewed: a stopped container runtime).
    let runtime_stop =
        matches!(&fault.kind, EventKind::FaultInjected { fault } if fault == "runtime-stop");
    let lease_origin_ok = !runtime_stop
        && cluster
            .leases
            .get(node)
            .is_none_or(|l| l.origin <= fault.time);
    if lease_origin_ok {
        found.insert(
            Step::Heartbeat,
            Mark {
                step: Step::Heartbeat,
                time: nodelifecycle::renew_time(cluster, node, fault.time),
                event: fault.id.0,
                count: 1,
            },
        );
    }
    // Events descend from the fault when their cause does: causes always point back, so one
    // pass in log order finds them all.
    let mut descends: HashSet<u64> = HashSet::from([fault.id.0]);
    let mut failing: Option<&Event> = None;
    let mut ok: Option<&Event> = None;
    for e in log.iter().skip(at + 1).take(MAX_EVENTS_SCANNED) {
        if let EventKind::Traffic { change } = &e.kind {
            match change.as_str() {
                "failing" | "no-endpoints" if failing.is_none() => failing = Some(e),
                "ok" if failing.is_some() && ok.is_none() => ok = Some(e),
                _ => {}
            }
        }
        let Some(cause) = e.cause else {
            continue;
        };
        if !descends.contains(&cause.0) {
            continue;
        }
        descends.insert(e.id.0);
        let Some(step) = classify(e, node) else {
            continue;
        };
        found
            .entry(step)
            .and_modify(|m| m.count += 1)
            .or_insert(Mark {
                step,
                time: e.time,
                event: e.id.0,
                count: 1,
            });
    }
    for (step, e) in [(Step::TrafficFailing, failing), (Step::TrafficOk, ok)] {
        if let Some(e) = e {
            found.insert(
                step,
                Mark {
                    step,
                    time: e.time,
                    event: e.id.0,
                    count: 1,
                },
            );
        }
    }
    found.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::defaults::DEFAULT_TOLERATION_SECONDS;
    use crate::cluster::nodelifecycle::{GRACE_MS, MONITOR_PERIOD_MS};
    use crate::{Session, SimConfig};

    const SCRIPT: &str = "cluster create --nodes 3
cat > web.yaml <<'EOF'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: nginx
        image: nginx:1.27-alpine
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
  - port: 80
EOF
kubectl apply -f web.yaml
run 30s
chaos node-crash node-1
run 7m
";

    fn run(script: &str) -> Session {
        let mut session = Session::new(SimConfig::default());
        session.submit(script);
        session
    }

    /// The timeline of the last fault in the session's log.
    fn last_fault_marks(session: &Session) -> Vec<Mark> {
        let sim = session.sim();
        let log = sim.log();
        let at = log
            .iter()
            .rposition(|e| matches!(&e.kind, EventKind::FaultInjected { .. }))
            .expect("the fault is in the log");
        marks(log, at, sim.cluster().expect("a cluster"))
    }

    #[test]
    fn a_node_crash_timeline_has_every_step_in_order_with_the_default_waits() {
        let session = run(SCRIPT);
        let log = session.sim().log();
        let marks = last_fault_marks(&session);
        let steps: Vec<Step> = marks.iter().map(|m| m.step).collect();
        assert_eq!(
            steps,
            [
                Step::Fault,
                Step::Heartbeat,
                Step::Unknown,
                Step::Tainted,
                Step::PodsNotReady,
                Step::Endpoints,
                Step::Eviction,
                Step::Created,
                Step::Scheduled,
                Step::Pulled,
                Step::Ready,
            ]
        );
        assert!(marks.windows(2).all(|w| w[0].time <= w[1].time));
        let at = |s: Step| marks.iter().find(|m| m.step == s).unwrap().time.as_ms();
        let detect = at(Step::Unknown) - at(Step::Heartbeat);
        assert!(
            detect > GRACE_MS && detect <= GRACE_MS + MONITOR_PERIOD_MS,
            "{detect}"
        );
        assert_eq!(
            at(Step::Eviction) - at(Step::Tainted),
            u64::try_from(DEFAULT_TOLERATION_SECONDS).unwrap() * 1000
        );
        // Every mark but the heartbeat stands for its own event.
        for m in &marks {
            let e = &log[usize::try_from(m.event).unwrap() - 1];
            assert_eq!(e.id.0, m.event);
            if m.step != Step::Heartbeat {
                assert_eq!(e.time, m.time, "{:?}", m.step);
            }
        }
    }

    #[test]
    fn a_runtime_stop_timeline_has_no_heartbeat_mark_and_goes_not_ready_after_30s() {
        let session = run(&SCRIPT.replace("chaos node-crash node-1", "chaos runtime-stop node-1"));
        let marks = last_fault_marks(&session);
        let steps: Vec<Step> = marks.iter().map(|m| m.step).collect();
        assert_eq!(
            steps,
            [
                Step::Fault,
                Step::Unknown,
                Step::Tainted,
                Step::PodsNotReady,
                Step::Endpoints,
                Step::Eviction,
                Step::Created,
                Step::Scheduled,
                Step::Pulled,
                Step::Ready,
            ]
        );
        let at = |s: Step| marks.iter().find(|m| m.step == s).unwrap().time.as_ms();
        let detect = at(Step::Unknown) - at(Step::Fault);
        let wait = nodelifecycle::RUNTIME_DOWN_AFTER_MS;
        assert!((wait..wait + 15_000).contains(&detect), "{detect}");
    }
}
