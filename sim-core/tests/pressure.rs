//! Node-pressure eviction (`chaos memory-pressure NODE`, `chaos disk-pressure NODE`): the
//! kubelet's eviction manager reports MemoryPressure/DiskPressure at its next housekeeping
//! (every 10 s), the node lifecycle controller taints the node NoSchedule, and the kubelet
//! evicts one pod per pass, BestEffort before Burstable before Guaranteed, until the modelled
//! deficit (512Mi of memory) is freed; evicted pods stay Failed (`Evicted`) and their
//! ReplicaSets replace them on another node.

use sim_core::cluster::api::{ConditionStatus, Node, Pod, PodPhase};
use sim_core::event::EventKind;
use sim_core::{Session, SimConfig};

mod common;
use common::{assert_fails_and_changes_nothing_in, node, ok, ok_last, pods};

fn session() -> Session {
    Session::new(SimConfig { seed: 31 })
}

fn deployment(name: &str, resources: &str) -> String {
    format!(
        "cat > {name}.yaml <<EOF
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
spec:
  replicas: 2
  selector:
    matchLabels:
      app: {name}
  template:
    metadata:
      labels:
        app: {name}
    spec:
      containers:
      - name: app
        image: nginx:1.27-alpine
{resources}EOF
kubectl apply -f {name}.yaml
"
    )
}

/// Two nodes; node-2 cordoned while three Deployments of 2 replicas land on node-1: `be`
/// (BestEffort), `bu` (Burstable, requests 128Mi) and `gu` (Guaranteed, 100m/128Mi); then
/// node-2 is open again. The clock is at 60 s.
fn setup() -> String {
    let mut s = String::from("cluster create --nodes 2\nkubectl cordon node-2\n");
    s.push_str(&deployment("be", ""));
    s.push_str(&deployment(
        "bu",
        "        resources:\n          requests:\n            memory: 128Mi\n",
    ));
    s.push_str(&deployment(
        "gu",
        "        resources:\n          limits:\n            cpu: 100m\n            memory: 128Mi\n",
    ));
    s.push_str("run 30s\nkubectl uncordon node-2\nrun 30s\n");
    s
}

fn condition(n: &Node, type_: &str) -> Option<ConditionStatus> {
    n.status
        .conditions
        .iter()
        .find(|c| c.type_ == type_)
        .map(|c| c.status.clone())
}

/// (time ms, object name) of the KubeEvents with `reason`.
fn events(s: &Session, reason: &str) -> Vec<(u64, String)> {
    s.sim()
        .log()
        .iter()
        .filter(|e| matches!(&e.kind, EventKind::KubeEvent { reason: r, .. } if r == reason))
        .map(|e| (e.time.as_ms(), e.object.name.clone()))
        .collect()
}

fn app(pod: &str) -> &str {
    pod.split('-').next().unwrap_or("")
}

#[test]
fn setup_puts_every_pod_on_node_1() {
    let mut s = session();
    ok(&mut s, &setup());
    let ps = pods(&s);
    assert_eq!(ps.len(), 6);
    assert!(ps.iter().all(|p| p.spec.node_name == "node-1"));
}

#[test]
fn besteffort_pods_go_first_then_burstable_then_guaranteed_one_every_10s() {
    let mut s = session();
    ok(&mut s, &setup());
    let start = s.sim().now().as_ms();
    ok(&mut s, "chaos memory-pressure node-1");
    ok(&mut s, "run 2m");
    let evicted = events(&s, "Evicted");
    let order: Vec<&str> = evicted.iter().map(|(_, n)| app(n)).collect();
    // 64Mi + 64Mi + 128Mi + 128Mi + 128Mi frees the 512Mi deficit: five evictions.
    assert_eq!(order, ["be", "be", "bu", "bu", "gu"], "{evicted:?}");
    assert!(evicted[0].0 > start && evicted[0].0 <= start + 10_000);
    for w in evicted.windows(2) {
        assert_eq!(w[1].0 - w[0].0, 10_000, "{evicted:?}");
    }
    let thresholds = events(&s, "EvictionThresholdMet");
    assert_eq!(thresholds.len(), 5);
    assert!(thresholds.iter().all(|(_, n)| n == "node-1"));
}

#[test]
fn evicted_pods_are_failed_show_evicted_and_are_replaced_on_another_node() {
    let mut s = session();
    ok(&mut s, &setup());
    ok(&mut s, "chaos memory-pressure node-1\nrun 2m");
    let ps = pods(&s);
    let evicted: Vec<&Pod> = ps.iter().filter(|p| p.status.reason == "Evicted").collect();
    assert_eq!(evicted.len(), 5);
    for p in &evicted {
        assert_eq!(p.status.phase, Some(PodPhase::Failed));
        assert_eq!(p.spec.node_name, "node-1");
        assert!(
            p.status.message.starts_with(
                "The node was low on resource: memory. Threshold quantity: 100Mi, available: "
            ),
            "{}",
            p.status.message
        );
        assert!(p
            .status
            .container_statuses
            .iter()
            .all(|c| c.state.terminated.is_some()));
    }
    let be = evicted
        .iter()
        .find(|p| app(&p.metadata.name) == "be")
        .unwrap();
    assert!(
        be.status.message.contains(
            "Container app was using 64Mi, request is 0, has larger consumption of memory."
        ),
        "{}",
        be.status.message
    );
    // Each ReplicaSet is back to 2 active pods; the replacements are on node-2 (node-1 is
    // tainted memory-pressure:NoSchedule).
    for name in ["be", "bu", "gu"] {
        let active: Vec<&Pod> = ps
            .iter()
            .filter(|p| app(&p.metadata.name) == name && p.status.reason != "Evicted")
            .collect();
        assert_eq!(active.len(), 2, "{name}");
    }
    let replacements = ps
        .iter()
        .filter(|p| p.status.reason != "Evicted" && p.spec.node_name == "node-2")
        .count();
    assert_eq!(replacements, 5);
    let out = ok_last(&mut s, "kubectl get pods");
    let lines: Vec<&str> = out.lines().filter(|l| l.contains(" Evicted ")).collect();
    assert_eq!(lines.len(), 5, "{out}");
    assert!(lines.iter().all(|l| l.contains(" 0/1 ")), "{out}");
    let name = lines[0].split_whitespace().next().unwrap().to_string();
    let out = ok_last(&mut s, &format!("kubectl describe pod {name}"));
    assert!(out.contains("Status:           Failed"), "{out}");
    assert!(out.contains("Reason:           Evicted"), "{out}");
    assert!(
        out.contains("Message:          The node was low on resource: memory."),
        "{out}"
    );
    assert!(
        out.contains("TerminationByKubelet") || out.contains("DisruptionTarget"),
        "{out}"
    );
}

#[test]
fn describe_node_shows_memory_pressure_and_the_taint() {
    let mut s = session();
    ok(&mut s, &setup());
    ok(&mut s, "chaos memory-pressure node-1\nrun 11s");
    let n = node(&s, "node-1");
    assert_eq!(condition(&n, "MemoryPressure"), Some(ConditionStatus::True));
    let taints: Vec<String> = n.spec.taints.iter().map(|t| t.to_string()).collect();
    assert_eq!(taints, ["node.kubernetes.io/memory-pressure:NoSchedule"]);
    let out = ok_last(&mut s, "kubectl describe node node-1");
    assert!(
        out.contains("node.kubernetes.io/memory-pressure:NoSchedule"),
        "{out}"
    );
    let line = out
        .lines()
        .find(|l| l.trim_start().starts_with("MemoryPressure"))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(line.contains("True"), "{line}");
    assert!(line.contains("KubeletHasInsufficientMemory"), "{line}");
    assert!(
        line.contains("kubelet has insufficient memory available"),
        "{line}"
    );
    // The evicted pod is no longer among the node's pods.
    assert!(
        out.contains("Non-terminated Pods:          (5 in total)"),
        "{out}"
    );
    // The node keeps its Ready condition: pressure does not stop heartbeats.
    assert_eq!(condition(&n, "Ready"), Some(ConditionStatus::True));
    let out = ok_last(&mut s, "chaos list");
    assert!(out.contains("memory pressure"), "{out}");
}

#[test]
fn the_evictions_chain_back_to_the_fault() {
    let mut s = session();
    ok(&mut s, &setup());
    ok(&mut s, "chaos memory-pressure node-1\nrun 15s");
    let log = s.sim().log();
    let ev = log
        .iter()
        .find(|e| matches!(&e.kind, EventKind::KubeEvent { reason, .. } if reason == "Evicted"))
        .expect("an eviction");
    let mut cause = ev.cause;
    let mut found = false;
    for _ in 0..20 {
        let Some(id) = cause else { break };
        let e = log.iter().find(|e| e.id == id).expect("cause in log");
        if matches!(&e.kind, EventKind::FaultInjected { fault } if fault == "memory-pressure") {
            found = true;
            break;
        }
        cause = e.cause;
    }
    assert!(found);
}

#[test]
fn clearing_the_fault_ends_the_pressure_after_the_transition_period() {
    let mut s = session();
    ok(&mut s, &setup());
    ok(&mut s, "chaos memory-pressure node-1\nrun 2m");
    // The deficit is freed but the fault is on: the condition stays True.
    ok(&mut s, "run 10m");
    assert_eq!(
        condition(&node(&s, "node-1"), "MemoryPressure"),
        Some(ConditionStatus::True)
    );
    ok(&mut s, "chaos clear");
    ok(&mut s, "run 11s");
    let n = node(&s, "node-1");
    assert_eq!(
        condition(&n, "MemoryPressure"),
        Some(ConditionStatus::False)
    );
    let c = n
        .status
        .conditions
        .iter()
        .find(|c| c.type_ == "MemoryPressure")
        .unwrap();
    assert_eq!(c.reason, "KubeletHasSufficientMemory");
    assert!(n.spec.taints.is_empty(), "{:?}", n.spec.taints);
    assert_eq!(events(&s, "Evicted").len(), 5);
    ok(&mut s, "run 5m");
    assert!(s.sim().cluster().unwrap().pressures.is_empty());
    assert!(s.sim().cluster().unwrap().faults.is_empty());
}

#[test]
fn a_condition_clears_5_minutes_after_the_last_eviction_when_healed_early() {
    let mut s = session();
    ok(&mut s, &setup());
    ok(
        &mut s,
        "chaos memory-pressure node-1\nrun 25s\nchaos heal node-1",
    );
    let before_heal = events(&s, "Evicted").len();
    assert!((2..=3).contains(&before_heal), "{before_heal}");
    let last = events(&s, "Evicted").last().unwrap().0;
    ok(&mut s, "run 4m");
    assert_eq!(
        condition(&node(&s, "node-1"), "MemoryPressure"),
        Some(ConditionStatus::True)
    );
    ok(&mut s, "run 2m");
    assert_eq!(
        condition(&node(&s, "node-1"), "MemoryPressure"),
        Some(ConditionStatus::False)
    );
    let t = events(&s, "NodeHasSufficientMemory")[0].0;
    assert!(t >= last + 300_000 && t < last + 310_000, "{t} {last}");
    // No eviction after the heal.
    assert_eq!(events(&s, "Evicted").len(), before_heal);
}

#[test]
fn disk_pressure_sets_diskpressure_and_its_taint() {
    let mut s = session();
    ok(&mut s, &setup());
    ok(&mut s, "chaos disk-pressure node-1 --at 30s\nrun 45s");
    let n = node(&s, "node-1");
    assert_eq!(condition(&n, "DiskPressure"), Some(ConditionStatus::True));
    assert!(n
        .spec
        .taints
        .iter()
        .any(|t| t.to_string() == "node.kubernetes.io/disk-pressure:NoSchedule"));
    let ps = pods(&s);
    let evicted: Vec<&Pod> = ps.iter().filter(|p| p.status.reason == "Evicted").collect();
    assert!(!evicted.is_empty());
    assert!(evicted[0]
        .status
        .message
        .starts_with("The node was low on resource: ephemeral-storage."));
    let thresholds = events(&s, "EvictionThresholdMet");
    let msg: Vec<String> = s
        .sim()
        .log()
        .iter()
        .filter(|e| matches!(&e.kind, EventKind::KubeEvent { reason, .. } if reason == "EvictionThresholdMet"))
        .map(|e| e.message.clone())
        .collect();
    assert!(!thresholds.is_empty());
    assert_eq!(msg[0], "Attempting to reclaim ephemeral-storage");
}

#[test]
fn bad_pressure_commands_change_nothing() {
    assert_fails_and_changes_nothing_in(
        session(),
        "cluster create --nodes 2",
        "chaos memory-pressure node-9",
        "chaos: node \"node-9\" not found",
    );
    let mut s = session();
    ok(&mut s, "cluster create --nodes 2");
    let e = s.submit("chaos disk-pressure");
    assert!(e[0].failed());
    let e = s.submit("chaos memory-pressure node-1 --at nonsense");
    assert!(e[0].failed());
    assert!(s.sim().cluster().unwrap().faults.is_empty());
    ok(&mut s, "chaos memory-pressure node-1");
    let out = ok_last(&mut s, "chaos memory-pressure node-1");
    assert!(out.contains("changes nothing"), "{out}");
}

#[test]
fn the_same_seed_gives_the_same_evictions() {
    let run = || {
        let mut s = session();
        ok(&mut s, &setup());
        ok(
            &mut s,
            "chaos memory-pressure node-1\nrun 3m\nchaos clear\nrun 6m",
        );
        (s.sim().trace_hash(), s.sim().state_fingerprint())
    };
    assert_eq!(run(), run());
}

#[test]
fn an_evicted_pod_stays_failed_when_its_kubelet_restarts_and_goes_when_deleted() {
    let mut s = session();
    ok(&mut s, &setup());
    ok(&mut s, "chaos memory-pressure node-1\nrun 25s\nchaos clear");
    ok(
        &mut s,
        "chaos kubelet-stop node-1\nrun 20s\nchaos kubelet-start node-1\nrun 1m",
    );
    let evicted: Vec<Pod> = pods(&s)
        .into_iter()
        .filter(|p| p.status.reason == "Evicted")
        .collect();
    assert!(evicted.len() >= 2);
    for p in &evicted {
        assert_eq!(p.status.phase, Some(PodPhase::Failed));
        assert!(p
            .status
            .container_statuses
            .iter()
            .all(|c| c.state.terminated.is_some() && c.restart_count == 0));
    }
    let name = evicted[0].metadata.name.clone();
    ok(&mut s, &format!("kubectl delete pod {name}\nrun 5s"));
    assert!(pods(&s).iter().all(|p| p.metadata.name != name));
}
