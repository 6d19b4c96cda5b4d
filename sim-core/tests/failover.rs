//! Node failure and recovery with Kubernetes' default timings (FACTS.md "Node lifecycle"):
//! heartbeats every 10 s, the node monitor every 5 s with a 50 s grace period, unreachable taints,
//! taint-based eviction after the 300 s default toleration, replacements on healthy nodes; and the
//! `chaos` commands that cause it.

use proptest::prelude::*;
use sim_core::cluster::api::{ConditionStatus, Node, Object, ObjectKind, Pod};
use sim_core::event::EventKind;
use sim_core::{Session, SimConfig};

mod common;
use common::{ok, ok_last};

fn session() -> Session {
    Session::new(SimConfig { seed: 11 })
}

/// A cluster of 3 nodes and a Deployment `web` of 3 replicas; the clock at exactly 60 s, a
/// Lease renewal instant, so that a crash now is 50–55 s from being noticed.
const SETUP: &str = "cluster create --nodes 3
kubectl create deployment web --image=nginx:1.27-alpine --replicas=3
run 60s";

fn pods(s: &Session) -> Vec<Pod> {
    s.sim()
        .cluster()
        .expect("cluster")
        .store
        .list(ObjectKind::Pod, None)
        .filter_map(|o| match o {
            Object::Pod(p) => Some(p.as_ref().clone()),
            _ => None,
        })
        .collect()
}

fn node(s: &Session, name: &str) -> Node {
    match s
        .sim()
        .cluster()
        .expect("cluster")
        .store
        .list(ObjectKind::Node, None)
        .find(|o| o.metadata().name == name)
    {
        Some(Object::Node(n)) => n.as_ref().clone(),
        _ => panic!("no node {name}"),
    }
}

fn ready(p: &Pod) -> bool {
    p.status
        .conditions
        .iter()
        .any(|c| c.type_ == "Ready" && c.status == ConditionStatus::True)
}

fn node_ready(n: &Node) -> ConditionStatus {
    n.status
        .conditions
        .iter()
        .find(|c| c.type_ == "Ready")
        .map(|c| c.status.clone())
        .expect("Ready condition")
}

/// The node of the first pod (by name).
fn victim(s: &Session) -> String {
    pods(s)[0].spec.node_name.clone()
}

/// Times (ms) of the KubeEvents with `reason`.
fn times_of(s: &Session, reason: &str) -> Vec<u64> {
    s.sim()
        .log()
        .iter()
        .filter(|e| matches!(&e.kind, EventKind::KubeEvent { reason: r, .. } if r == reason))
        .map(|e| e.time.as_ms())
        .collect()
}

#[test]
fn node_crash_is_noticed_after_the_grace_period_and_pods_are_evicted_after_300s() {
    let mut s = session();
    ok(&mut s, SETUP);
    assert_eq!(pods(&s).iter().filter(|p| ready(p)).count(), 3);
    let dead = victim(&s);
    let crash_ms = s.sim().now().as_ms();
    let on_dead: Vec<String> = pods(&s)
        .iter()
        .filter(|p| p.spec.node_name == dead)
        .map(|p| p.metadata.name.clone())
        .collect();
    ok(&mut s, &format!("chaos node-crash {dead}"));
    ok(&mut s, "run 49s");
    assert_eq!(node_ready(&node(&s, &dead)), ConditionStatus::True);
    ok(&mut s, "run 10s");
    let n = node(&s, &dead);
    assert_eq!(node_ready(&n), ConditionStatus::Unknown);
    let unknown_ms = times_of(&s, "NodeNotReady")[0] - crash_ms;
    assert!((50_000..=55_000).contains(&unknown_ms), "{unknown_ms}");
    let taints: Vec<String> = n.spec.taints.iter().map(|t| t.to_string()).collect();
    assert_eq!(
        taints,
        [
            "node.kubernetes.io/unreachable:NoSchedule",
            "node.kubernetes.io/unreachable:NoExecute"
        ]
    );
    // Its pods are marked not ready (what takes them out of EndpointSlices).
    for p in pods(&s).iter().filter(|p| p.spec.node_name == dead) {
        assert!(!ready(p), "{} still ready", p.metadata.name);
    }
    let out = ok_last(&mut s, "kubectl get nodes");
    assert!(
        out.lines()
            .any(|l| l.starts_with(&dead) && l.contains(" NotReady ")),
        "{out}"
    );
    let out = ok_last(&mut s, &format!("kubectl describe node {dead}"));
    assert!(
        out.contains("Taints:           node.kubernetes.io/unreachable:NoSchedule\n                  node.kubernetes.io/unreachable:NoExecute\n"),
        "{out}"
    );
    assert!(out.contains("Lease:\n  HolderIdentity:  "), "{out}");
    assert!(
        out.contains("NodeStatusUnknown  Kubelet stopped posting node status."),
        "{out}"
    );
    // Nothing is evicted before the toleration runs out.
    ok(&mut s, "run 4m30s");
    assert!(times_of(&s, "TaintManagerEviction").is_empty());
    ok(&mut s, "run 1m");
    let evicted = times_of(&s, "TaintManagerEviction");
    assert_eq!(evicted.len(), on_dead.len());
    let evict_ms = evicted[0] - crash_ms;
    assert!((345_000..=355_000).contains(&evict_ms), "{evict_ms}");
    // The ReplicaSet replaces them one watch latency later (terminating pods are not active);
    // the replacements are scheduled, find the image already on their node, start and are
    // Ready within seconds.
    let created: Vec<u64> = s
        .sim()
        .log()
        .iter()
        .filter(|e| matches!(&e.kind, EventKind::KubeEvent { reason, .. } if reason == "SuccessfulCreate"))
        .map(|e| e.time.as_ms())
        .filter(|t| *t >= evicted[0])
        .collect();
    assert_eq!(created.len(), on_dead.len());
    assert_eq!(created[0] - evicted[0], 100);
    let ready_at: Vec<u64> = s
        .sim()
        .log()
        .iter()
        .filter(|e| e.message.ends_with(" is Ready") && e.time.as_ms() > evicted[0])
        .map(|e| e.time.as_ms())
        .collect();
    assert_eq!(ready_at.len(), on_dead.len());
    assert!(
        ready_at[0] - evicted[0] < 5_000,
        "{}",
        ready_at[0] - evicted[0]
    );
    // The evicted pods stay Terminating, as no kubelet finishes them.
    ok(&mut s, "run 1m");
    let all = pods(&s);
    let live: Vec<&Pod> = all
        .iter()
        .filter(|p| p.metadata.deletion_timestamp.is_none())
        .collect();
    assert_eq!(live.len(), 3);
    assert!(live.iter().all(|p| ready(p) && p.spec.node_name != dead));
    for name in &on_dead {
        let p = all
            .iter()
            .find(|p| &p.metadata.name == name)
            .expect("still there");
        assert!(p.metadata.deletion_timestamp.is_some());
    }
    let out = ok_last(&mut s, &format!("why pod/{}", on_dead[0]));
    assert!(out.contains(&format!(
        "Terminating because {dead} was tainted node.kubernetes.io/unreachable:NoExecute at 00:01:55 and the pod's toleration of 300 s ran out at 00:06:55"
    )), "{out}");
    assert!(out.contains("TaintManagerEviction"), "{out}");
    assert!(out.contains("FaultInjected"), "{out}");
    // The node comes back: the kubelet finishes the deletions, the taints go.
    ok(&mut s, &format!("chaos node-recover {dead}\nrun 10s"));
    assert_eq!(node_ready(&node(&s, &dead)), ConditionStatus::True);
    assert!(node(&s, &dead).spec.taints.is_empty());
    let names: Vec<String> = pods(&s).iter().map(|p| p.metadata.name.clone()).collect();
    assert!(on_dead.iter().all(|n| !names.contains(n)), "{names:?}");
    assert_eq!(pods(&s).len(), 3);
}

#[test]
fn custom_toleration_seconds_are_honoured() {
    let mut s = session();
    ok(
        &mut s,
        "cluster create --nodes 3
cat > web.yaml <<EOF
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
      tolerations:
      - key: node.kubernetes.io/unreachable
        operator: Exists
        effect: NoExecute
        tolerationSeconds: 30
      containers:
      - name: nginx
        image: nginx:1.27-alpine
EOF
kubectl apply -f web.yaml
run 60s",
    );
    let dead = victim(&s);
    ok(&mut s, &format!("chaos node-crash {dead}\nrun 2m"));
    let tainted = times_of(&s, "NodeNotReady")[0];
    let evicted = times_of(&s, "TaintManagerEviction");
    assert!(!evicted.is_empty());
    assert_eq!(evicted[0] - tainted, 30_000);
}

#[test]
fn a_node_recovered_before_the_toleration_runs_out_keeps_its_pods_and_loses_its_taints() {
    let mut s = session();
    ok(&mut s, SETUP);
    let dead = victim(&s);
    let before: Vec<String> = pods(&s).iter().map(|p| p.metadata.name.clone()).collect();
    ok(&mut s, &format!("chaos node-crash {dead}\nrun 2m"));
    assert!(!node(&s, &dead).spec.taints.is_empty());
    ok(&mut s, &format!("chaos node-recover {dead}\nrun 10s"));
    let n = node(&s, &dead);
    assert_eq!(node_ready(&n), ConditionStatus::True);
    assert!(n.spec.taints.is_empty());
    ok(&mut s, "run 10m");
    assert!(times_of(&s, "TaintManagerEviction").is_empty());
    let after: Vec<String> = pods(&s).iter().map(|p| p.metadata.name.clone()).collect();
    assert_eq!(before, after);
    assert!(pods(&s).iter().all(ready));
    // After the reboot the containers started again.
    assert!(pods(&s)
        .iter()
        .filter(|p| p.spec.node_name == dead)
        .all(|p| p.status.container_statuses[0].restart_count == 1));
}

#[test]
fn a_stopped_kubelet_looks_unreachable_while_its_containers_keep_running() {
    let mut s = session();
    ok(&mut s, SETUP);
    let dead = victim(&s);
    ok(&mut s, &format!("chaos kubelet-stop {dead}\nrun 1m"));
    let c = s.sim().cluster().expect("cluster");
    assert!(c.fault(&dead).serves_traffic());
    assert!(!c.fault(&dead).heartbeats());
    assert_eq!(node_ready(&node(&s, &dead)), ConditionStatus::Unknown);
    for p in pods(&s).iter().filter(|p| p.spec.node_name == dead) {
        assert!(p.status.container_statuses[0].state.running.is_some());
        assert!(!ready(p));
    }
    ok(&mut s, &format!("chaos heal {dead}\nrun 10s"));
    assert_eq!(node_ready(&node(&s, &dead)), ConditionStatus::True);
    assert!(pods(&s).iter().all(ready));
    assert!(pods(&s)
        .iter()
        .all(|p| p.status.container_statuses[0].restart_count == 0));
}

#[test]
fn zone_outage_crashes_every_node_of_the_zone() {
    let mut s = session();
    ok(
        &mut s,
        "cluster create --nodes 3
kubectl label node node-1 topology.kubernetes.io/zone=a
kubectl label node node-2 topology.kubernetes.io/zone=a
kubectl label node node-3 topology.kubernetes.io/zone=b",
    );
    let out = ok(&mut s, "chaos zone-outage a");
    assert!(out.contains("chaos: zone a is down (2 node(s))"), "{out}");
    let c = s.sim().cluster().expect("cluster");
    assert!(c.fault("node-1").down && c.fault("node-2").down);
    assert!(c.fault("node-3").is_healthy());
    let e = s.submit("chaos zone-outage c");
    assert!(e[0].failed());
}

#[test]
fn at_schedules_a_fault_for_later_and_list_and_clear_show_and_undo_it() {
    let mut s = session();
    ok(&mut s, SETUP);
    let out = ok(&mut s, "chaos node-crash node-1 --at 30s");
    assert_eq!(out, "chaos: node-crash node-1 scheduled at 00:01:30\n");
    let out = ok_last(&mut s, "chaos list");
    assert!(out.contains("00:01:30     node-crash      node-1"), "{out}");
    ok(&mut s, "run 29s");
    assert!(s.sim().cluster().expect("c").fault("node-1").is_healthy());
    ok(&mut s, "run 2s");
    assert!(s.sim().cluster().expect("c").fault("node-1").down);
    let fault = s
        .sim()
        .log()
        .iter()
        .find(|e| matches!(&e.kind, EventKind::FaultInjected { .. }))
        .expect("fault event");
    assert_eq!(fault.time.as_ms(), 90_000);
    assert!(fault.cause.is_some());
    let out = ok_last(&mut s, "chaos list");
    assert!(out.contains("node-1               down"), "{out}");
    ok(&mut s, "chaos node-crash node-2 --at 5m");
    let out = ok(&mut s, "chaos clear");
    assert!(out.contains("cancelled 1 scheduled fault(s)"), "{out}");
    assert!(out.contains("healed node-1"), "{out}");
    ok(&mut s, "run 6m");
    let c = s.sim().cluster().expect("c");
    assert!(c.faults.is_empty());
    assert_eq!(ok_last(&mut s, "chaos list"), "No faults.\n");
}

#[test]
fn pod_kill_makes_the_kubelet_restart_the_containers() {
    let mut s = session();
    ok(&mut s, SETUP);
    let name = pods(&s)[0].metadata.name.clone();
    ok(&mut s, &format!("chaos pod-kill {name}\nrun 10s"));
    let p = pods(&s)
        .into_iter()
        .find(|p| p.metadata.name == name)
        .expect("pod");
    assert_eq!(p.status.container_statuses[0].restart_count, 1);
    assert!(ready(&p));
}

#[test]
fn bad_chaos_commands_change_nothing() {
    for bad in [
        "chaos",
        "chaos node-crash",
        "chaos node-crash node-9",
        "chaos node-crash node-1 --at soon",
        "chaos node-crash node-1 --bogus",
        "chaos explode node-1",
        "chaos pod-kill nope",
        "chaos zone-outage nowhere",
        "chaos list extra",
        "chaos pod-kill web --at 1m",
    ] {
        let mut s = session();
        ok(&mut s, SETUP);
        let before = s.sim().state_fingerprint();
        let e = s.submit(bad);
        assert!(e[0].failed(), "{bad} succeeded");
        assert_eq!(
            s.sim().state_fingerprint(),
            before,
            "{bad} changed the state"
        );
    }
    let mut s = session();
    let e = s.submit("chaos node-crash node-1");
    assert!(e[0].failed());
}

#[test]
fn the_same_chaos_script_gives_the_same_trace() {
    let script = format!(
        "{SETUP}
chaos node-crash node-2 --at 10s
chaos kubelet-stop node-3
run 7m
chaos clear
run 2m"
    );
    let hash = |script: &str| {
        let mut s = session();
        ok(&mut s, script);
        s.sim().trace_hash()
    };
    assert_eq!(hash(&script), hash(&script));
}

#[test]
fn an_idle_cluster_lets_the_queue_empty() {
    let mut s = session();
    ok(&mut s, SETUP);
    ok(
        &mut s,
        "chaos node-crash node-1\nrun 2m\nchaos node-recover node-1\nrun 1m",
    );
    let mut sim = s.sim().clone();
    assert!(sim.run_until_idle(100_000).is_some());
}

fn replicas_ok(s: &Session) -> bool {
    let c = s.sim().cluster().expect("cluster");
    c.store.list(ObjectKind::Deployment, None).all(|o| match o {
        Object::Deployment(d) => {
            let want = d.spec.replicas.unwrap_or(1);
            pods(s)
                .iter()
                .filter(|p| p.metadata.deletion_timestamp.is_none() && ready(p))
                .count() as i32
                == want
        }
        _ => true,
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, .. ProptestConfig::default() })]

    /// Under random crashes, kubelet stops, partitions and recoveries no pod is lost, no node
    /// holds more pods than its capacity, and once every node is back the Deployment
    /// converges within 15 minutes.
    #[test]
    fn random_node_faults_lose_no_pod_and_converge(
        faults in proptest::collection::vec((1u32..=3, 0usize..5, 5u64..400), 1..8)
    ) {
        let mut s = session();
        ok(&mut s, "cluster create --nodes 3 --pods 4
kubectl create deployment web --image=nginx:1.27-alpine --replicas=5
run 30s");
        let mut seen = std::collections::BTreeSet::new();
        for (n, kind, wait_s) in faults {
            let verb = ["node-crash", "node-recover", "kubelet-stop", "partition", "heal"][kind];
            let _ = s.submit(&format!("chaos {verb} node-{n}"));
            ok(&mut s, &format!("run {wait_s}s"));
            for p in pods(&s) {
                seen.insert(p.metadata.name.clone());
                // Each pod is Pending, Running or Terminating (none Failed or Succeeded).
                let phase = p.status.phase.clone();
                let fine = p.metadata.deletion_timestamp.is_some()
                    || phase.is_none()
                    || matches!(phase, Some(sim_core::cluster::api::PodPhase::Pending)
                        | Some(sim_core::cluster::api::PodPhase::Running));
                prop_assert!(fine, "{} is {:?}", p.metadata.name, phase);
            }
            for node_name in ["node-1", "node-2", "node-3"] {
                let on = pods(&s).iter().filter(|p| p.spec.node_name == node_name).count();
                prop_assert!(on <= 4, "{node_name} holds {on} pods");
            }
        }
        // A pod that left the store left with a recorded deletion.
        let now: std::collections::BTreeSet<String> =
            pods(&s).iter().map(|p| p.metadata.name.clone()).collect();
        for gone in seen.difference(&now) {
            let recorded = s.sim().log().iter().any(|e| {
                e.object.kind == "pod"
                    && &e.object.name == gone
                    && matches!(&e.kind, EventKind::ApiObjectChanged { verb } if verb == "deleted")
                    && e.cause.is_some()
            });
            prop_assert!(recorded, "pod {gone} vanished without a deletion event");
        }
        let _ = s.submit("chaos clear");
        let mut converged = false;
        for _ in 0..90 {
            ok(&mut s, "run 10s");
            if replicas_ok(&s) {
                converged = true;
                break;
            }
        }
        prop_assert!(converged, "not converged after 15 min");
    }
}

#[test]
fn a_partitioned_node_stops_serving_and_is_marked_unknown_until_healed() {
    let mut s = session();
    ok(&mut s, SETUP);
    let cut = victim(&s);
    ok(&mut s, &format!("chaos partition {cut}\nrun 1m"));
    let c = s.sim().cluster().expect("cluster");
    assert!(!c.fault(&cut).serves_traffic());
    assert_eq!(node_ready(&node(&s, &cut)), ConditionStatus::Unknown);
    ok(&mut s, &format!("chaos heal {cut}\nrun 10s"));
    assert_eq!(node_ready(&node(&s, &cut)), ConditionStatus::True);
    assert!(node(&s, &cut).spec.taints.is_empty());
    assert!(pods(&s).iter().all(ready));
}

#[test]
fn drain_cordons_evicts_and_waits_until_the_pods_are_gone() {
    let mut s = session();
    ok(&mut s, SETUP);
    let target = victim(&s);
    let on: Vec<String> = pods(&s)
        .iter()
        .filter(|p| p.spec.node_name == target)
        .map(|p| p.metadata.name.clone())
        .collect();
    let out = ok_last(
        &mut s,
        &format!("kubectl drain {target} --ignore-daemonsets"),
    );
    let mut want = format!("node/{target} cordoned\n");
    for n in &on {
        want.push_str(&format!("evicting pod default/{n}\n"));
    }
    for n in &on {
        want.push_str(&format!("pod/{n} evicted\n"));
    }
    want.push_str(&format!("node/{target} drained\n"));
    assert_eq!(out, want);
    assert!(node(&s, &target).spec.unschedulable);
    ok(&mut s, "run 30s");
    let live = pods(&s);
    assert_eq!(live.len(), 3);
    assert!(live.iter().all(|p| ready(p) && p.spec.node_name != target));
}

#[test]
fn drain_refuses_pods_without_a_controller_unless_forced() {
    let mut s = session();
    ok(
        &mut s,
        "cluster create --nodes 1
cat > p.yaml <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: solo
spec:
  containers:
  - name: c
    image: nginx:1.27-alpine
EOF
kubectl apply -f p.yaml
run 10s",
    );
    let before = s.sim().state_fingerprint();
    let e = s.submit("kubectl drain node-1");
    assert!(e[0].failed());
    assert!(e[0]
        .error
        .as_deref()
        .is_some_and(|m| m.contains("use --force to override): default/solo")));
    assert_eq!(s.sim().state_fingerprint(), before);
    let out = ok_last(&mut s, "kubectl drain node-1 --force");
    assert!(
        out.ends_with("pod/solo evicted\nnode/node-1 drained\n"),
        "{out}"
    );
}

#[test]
fn chaos_random_draws_its_faults_from_the_seeded_rng_and_the_cluster_heals() {
    let run = |seed: u64| {
        let mut s = Session::new(SimConfig { seed });
        ok(&mut s, SETUP);
        let out = ok_last(
            &mut s,
            "chaos random --faults node-crash,pod-kill --mean-interval 10m --for 1h",
        );
        (s, out)
    };
    let (mut s, out) = run(11);
    assert_eq!(out, run(11).1);
    assert_ne!(out, run(12).1);
    assert!(out.starts_with("chaos: "), "{out}");
    ok(&mut s, "run 1h10m");
    assert_eq!(ok_last(&mut s, "chaos list"), "No faults.\n");
    let faults = s
        .sim()
        .log()
        .iter()
        .filter(|e| matches!(&e.kind, EventKind::FaultInjected { .. }))
        .count();
    assert!(faults > 0);
    ok(&mut s, "run 10m");
    assert!(replicas_ok(&s));
    for bad in [
        "chaos random --faults node-crash",
        "chaos random --mean-interval 10m",
        "chaos random --faults meteor --mean-interval 10m",
        "chaos random --faults pod-kill --mean-interval 1s --for 1h",
        "chaos random --faults pod-kill --mean-interval 0s",
    ] {
        let before = s.sim().state_fingerprint();
        let e = s.submit(bad);
        assert!(e[0].failed(), "{bad} succeeded");
        assert_eq!(
            s.sim().state_fingerprint(),
            before,
            "{bad} changed the state"
        );
    }
}

#[test]
fn a_no_execute_taint_evicts_pods_that_do_not_tolerate_it_at_once() {
    let mut s = session();
    ok(&mut s, SETUP);
    let target = victim(&s);
    let on = pods(&s)
        .iter()
        .filter(|p| p.spec.node_name == target)
        .count();
    ok(
        &mut s,
        &format!("kubectl taint nodes {target} dedicated=db:NoExecute\nrun 1s"),
    );
    let evicted = times_of(&s, "TaintManagerEviction");
    assert_eq!(evicted.len(), on);
    ok(&mut s, "run 30s");
    assert!(pods(&s)
        .iter()
        .all(|p| p.spec.node_name != target && ready(p)));
    assert_eq!(pods(&s).len(), 3);
}
