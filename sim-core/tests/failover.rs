//! Node failure and recovery with Kubernetes' default timings (FACTS.md "Node lifecycle"):
//! heartbeats every 10 s, the node monitor every 5 s with a 50 s grace period, unreachable taints,
//! taint-based eviction after the 300 s default toleration, replacements on healthy nodes; and the
//! `chaos` commands that cause it.

use proptest::prelude::*;
use sim_core::cluster::api::{ConditionStatus, Node, Object, ObjectKind, Pod};
use sim_core::event::EventKind;
use sim_core::{Session, SimConfig};

mod common;
use common::{node, ok, ok_last, pods};

fn session() -> Session {
    Session::new(SimConfig { seed: 11 })
}

/// A cluster of 3 nodes and a Deployment `web` of 3 replicas; the clock at exactly 60 s, a
/// Lease renewal instant, so that a crash now is 50–55 s from being noticed.
const SETUP: &str = "cluster create --nodes 3
kubectl create deployment web --image=nginx:1.27-alpine --replicas=3
run 60s";

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
    assert!(
        out.contains("00:01:30   node-crash   node-1   30s"),
        "{out}"
    );
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
fn chaos_list_shows_each_pending_fault_with_its_time_target_and_wait() {
    let mut s = session();
    ok(&mut s, SETUP);
    ok(
        &mut s,
        "chaos node-crash node-2 --at 2m\nchaos kubelet-stop node-1 --at 45s",
    );
    assert_eq!(
        ok_last(&mut s, "chaos list"),
        "SCHEDULED\n\
         AT         FAULT          TARGET   IN\n\
         00:01:45   kubelet-stop   node-1   45s\n\
         00:03:00   node-crash     node-2   2m\n"
    );
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

/// Invariant "endpoints ⊆ ready pods", checked on `sim` as it is now.
///
/// The EndpointSlice controller learns of a pod's change through a watch: the change queues the
/// Service's sync [`sim_core::cluster::state::WATCH_LATENCY_MS`] later (kube-proxy is further
/// behind still). So between a pod going not ready and that sync, its endpoint is still listed
/// ready — by design, it is the window in which requests to a dead node time out. The invariant
/// is therefore checked for each Service whose sync is not pending
/// (`Cluster::endpoint_sync_pending`): its slices were written from the pods as they are now,
/// and every endpoint they list `ready: true` must name an existing pod, not terminating, whose
/// Ready condition is True.
fn endpoints_within_ready_pods(sim: &sim_core::sim::Sim) -> Result<(), String> {
    let c = sim.cluster().expect("cluster");
    for o in c.store.list(ObjectKind::EndpointSlice, None) {
        let Object::EndpointSlice(slice) = o else {
            continue;
        };
        let ns = &slice.metadata.namespace;
        let Some(svc) = slice.metadata.labels.get("kubernetes.io/service-name") else {
            continue;
        };
        let svc_key = sim_core::cluster::store::Key::new(ObjectKind::Service, ns, svc);
        if c.endpoint_sync_pending(&svc_key) {
            continue;
        }
        for e in &slice.endpoints {
            if e.conditions.ready != Some(true) {
                continue;
            }
            let Some(r) = &e.target_ref else {
                return Err(format!("{:?} has no targetRef", e.addresses));
            };
            let key = sim_core::cluster::store::Key::new(ObjectKind::Pod, ns, &r.name);
            match c.store.get(&key) {
                Some(Object::Pod(p)) if ready(p) && p.metadata.deletion_timestamp.is_none() => {}
                Some(Object::Pod(_)) => {
                    return Err(format!(
                        "at {}: pod {} is a ready endpoint of {svc} but not ready",
                        sim.now(),
                        r.name
                    ))
                }
                _ => {
                    return Err(format!(
                        "at {}: pod {} is a ready endpoint of {svc} but does not exist",
                        sim.now(),
                        r.name
                    ))
                }
            }
        }
    }
    Ok(())
}

/// Steps a copy of the session's simulation through the next `ms`, instant by instant, calling
/// `check` after each; then advances the session itself by as much (the same instants: the
/// simulation is deterministic).
fn run_checking(
    s: &mut Session,
    ms: u64,
    mut check: impl FnMut(&sim_core::sim::Sim) -> Result<(), String>,
) -> Result<(), String> {
    let mut sim = s.sim().clone();
    let until = sim.now().as_ms() + ms;
    check(&sim)?;
    while sim.next_time().is_some_and(|t| t.as_ms() <= until) {
        sim.step();
        check(&sim)?;
    }
    ok(s, &format!("run {}ms", ms));
    Ok(())
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

    /// Under random crashes, kubelet stops, partitions and recoveries, crashloops, image pull
    /// errors, pod kills and `chaos random --faults all` (which adds memory and disk pressure)
    /// no pod is lost, no node holds more active pods than its capacity, every ready endpoint
    /// is a ready pod at every instant (see [`endpoints_within_ready_pods`]), and once the
    /// faults are cleared the Deployment converges within 15 minutes.
    #[test]
    fn random_faults_lose_no_pod_keep_endpoints_ready_and_converge(
        faults in proptest::collection::vec((1u32..=3, 0usize..9, 5u64..400), 1..8)
    ) {
        let mut s = session();
        ok(&mut s, "cluster create --nodes 3 --pods 4
kubectl create deployment web --image=nginx:1.27-alpine --replicas=5
cat > svc.yaml <<EOF
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
kubectl apply -f svc.yaml
run 30s");
        let mut seen = std::collections::BTreeSet::new();
        for (n, kind, wait_s) in faults {
            let command = match kind {
                0..=4 => {
                    let verb = ["node-crash", "node-recover", "kubelet-stop", "partition", "heal"][kind];
                    format!("chaos {verb} node-{n}")
                }
                5 => "chaos crashloop web".to_string(),
                6 => "chaos image-pull-error nginx:1.27-alpine".to_string(),
                7 => "chaos random --faults pod-kill --mean-interval 1m --for 1m".to_string(),
                _ => "chaos random --faults all --mean-interval 1m --for 2m".to_string(),
            };
            let _ = s.submit(&command);
            let checked = run_checking(&mut s, wait_s * 1000, endpoints_within_ready_pods);
            prop_assert!(checked.is_ok(), "{:?}", checked);
            // The store's per-kind counts follow every create, update and removal.
            let store = &s.sim().cluster().expect("a cluster").store;
            for kind in sim_core::cluster::api::ObjectKind::ALL {
                prop_assert_eq!(store.count(kind), store.list(kind, None).count(), "{:?}", kind);
            }
            for p in pods(&s) {
                seen.insert(p.metadata.name.clone());
                // Each pod is Pending, Running or Terminating (none Failed or Succeeded), except
                // the pods the kubelet evicted under memory or disk pressure: Failed with reason
                // Evicted, kept as the kubelet keeps them (its ReplicaSet replaces them).
                let phase = p.status.phase.clone();
                let evicted = p.status.reason == "Evicted"
                    && phase == Some(sim_core::cluster::api::PodPhase::Failed);
                let fine = p.metadata.deletion_timestamp.is_some()
                    || evicted
                    || phase.is_none()
                    || matches!(phase, Some(sim_core::cluster::api::PodPhase::Pending)
                        | Some(sim_core::cluster::api::PodPhase::Running));
                prop_assert!(fine, "{} is {:?}", p.metadata.name, phase);
            }
            for node_name in ["node-1", "node-2", "node-3"] {
                // An evicted (Failed) pod no longer takes one of the node's pod slots.
                let on = pods(&s)
                    .iter()
                    .filter(|p| {
                        p.spec.node_name == node_name
                            && p.status.phase != Some(sim_core::cluster::api::PodPhase::Failed)
                    })
                    .count();
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

/// A Deployment of 6 replicas spread over the zones (maxSkew 1) on the `cloud` profile (3 zones
/// × 2 nodes): 2 pods in each zone.
const SPREAD_APP: &str = "cluster create --profile cloud
cat > web.yaml <<'EOF'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 6
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxUnavailable: 1
      maxSurge: 1
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      topologySpreadConstraints:
      - maxSkew: 1
        topologyKey: topology.kubernetes.io/zone
        whenUnsatisfiable: ScheduleAnyway
        labelSelector:
          matchLabels:
            app: web
      containers:
      - name: nginx
        image: nginx:1.27-alpine
        resources:
          requests:
            cpu: 250m
            memory: 128Mi
EOF
kubectl apply -f web.yaml
run 2m";

/// The zone of each node.
fn zones(sim: &sim_core::sim::Sim) -> std::collections::BTreeMap<String, String> {
    sim.cluster()
        .expect("cluster")
        .store
        .list(ObjectKind::Node, None)
        .map(|o| {
            let m = o.metadata();
            let zone = m
                .labels
                .get("topology.kubernetes.io/zone")
                .cloned()
                .unwrap_or_default();
            (m.name.clone(), zone)
        })
        .collect()
}

/// Ready pods (not terminating) per zone of their node, on nodes chaos has not touched.
fn ready_on_healthy_nodes(sim: &sim_core::sim::Sim) -> std::collections::BTreeMap<String, usize> {
    let c = sim.cluster().expect("cluster");
    let zone = zones(sim);
    let mut out = std::collections::BTreeMap::new();
    for o in c.store.list(ObjectKind::Pod, None) {
        let Object::Pod(p) = o else { continue };
        if ready(p)
            && p.metadata.deletion_timestamp.is_none()
            && c.fault(&p.spec.node_name).is_healthy()
        {
            let z = zone.get(&p.spec.node_name).cloned().unwrap_or_default();
            *out.entry(z).or_insert(0) += 1;
        }
    }
    out
}

#[test]
fn a_zone_outage_keeps_the_surviving_zones_serving_and_the_deployment_recovers_within_7_minutes() {
    let mut s = Session::new(SimConfig { seed: 5 });
    ok(&mut s, SPREAD_APP);
    let before = ready_on_healthy_nodes(s.sim());
    assert_eq!(
        before.values().collect::<Vec<_>>(),
        [&2, &2, &2],
        "{before:?}"
    );
    let survivors: usize = before
        .iter()
        .filter(|(z, _)| z.as_str() != "us-east-1a")
        .map(|(_, n)| n)
        .sum();
    assert_eq!(survivors, 4);
    // Every pod has its own IP (each node hands them out from its own podCIDR).
    let ips: std::collections::BTreeSet<String> =
        pods(&s).iter().map(|p| p.status.pod_ip.clone()).collect();
    assert_eq!(ips.len(), 6, "{ips:?}");
    let out = ok(&mut s, "chaos zone-outage us-east-1a");
    assert!(
        out.contains("chaos: zone us-east-1a is down (2 node(s))"),
        "{out}"
    );
    let crashed = s.sim().now().as_ms();
    // At every instant from the outage on, the healthy zones keep at least their 4 pods Ready.
    let mut lowest = usize::MAX;
    let mut back_at = None;
    let checked = run_checking(&mut s, 7 * 60_000, |sim| {
        let per = ready_on_healthy_nodes(sim);
        if per.contains_key("us-east-1a") {
            return Err(format!("a pod in the dead zone counts as healthy: {per:?}"));
        }
        let n: usize = per.values().sum();
        lowest = lowest.min(n);
        if n < survivors {
            return Err(format!(
                "at {}: only {n} Ready pods on healthy nodes",
                sim.now()
            ));
        }
        if n == 6 && back_at.is_none() {
            back_at = Some(sim.now().as_ms() - crashed);
        }
        Ok(())
    });
    assert!(checked.is_ok(), "{checked:?}");
    assert_eq!(lowest, 4);
    // The replacements come after the eviction (≈ 50 s + 300 s), on the two other zones, and the
    // Deployment has 6 Ready replicas again within 7 minutes.
    let back = back_at.expect("6 Ready within 7 minutes");
    assert!((345_000..420_000).contains(&back), "{back}");
    let per = ready_on_healthy_nodes(s.sim());
    assert_eq!(per.values().sum::<usize>(), 6, "{per:?}");
    assert_eq!(per.len(), 2, "{per:?}");
    let out = ok_last(&mut s, "kubectl get deployment web");
    assert!(out.contains("6/6"), "{out}");
}

/// With `whenUnsatisfiable: DoNotSchedule` the replacements stay Pending after a zone outage,
/// as in Kubernetes: the dead zone's nodes still exist (tainted), `nodeTaintsPolicy` defaults
/// to Ignore so they still count as a domain, and with 0 pods there (terminating pods do not
/// count) a third pod in a surviving zone would make the skew 3 > 1. The surviving zones keep
/// serving their 4 pods. (This is why the test above spreads with ScheduleAnyway.)
#[test]
fn a_hard_zone_spread_leaves_the_replacements_pending_after_a_zone_outage() {
    let mut s = Session::new(SimConfig { seed: 5 });
    ok(
        &mut s,
        &SPREAD_APP.replace("ScheduleAnyway", "DoNotSchedule"),
    );
    ok(&mut s, "chaos zone-outage us-east-1a\nrun 8m");
    let per = ready_on_healthy_nodes(s.sim());
    assert_eq!(per.values().sum::<usize>(), 4, "{per:?}");
    let pending: Vec<Pod> = pods(&s)
        .into_iter()
        .filter(|p| p.spec.node_name.is_empty())
        .collect();
    assert_eq!(pending.len(), 2);
    let why = s
        .sim()
        .log()
        .iter()
        .rev()
        .find(|e| {
            matches!(&e.kind, EventKind::KubeEvent { reason, .. } if reason == "FailedScheduling")
        })
        .expect("FailedScheduling")
        .message
        .clone();
    assert!(
        why.contains("didn't match pod topology spread constraints"),
        "{why}"
    );
}

#[test]
fn a_stopped_container_runtime_makes_the_kubelet_report_not_ready_and_pods_are_evicted_after_300s()
{
    let mut s = session();
    ok(&mut s, SETUP);
    let sick = victim(&s);
    let stop_ms = s.sim().now().as_ms();
    let on_sick: Vec<String> = pods(&s)
        .iter()
        .filter(|p| p.spec.node_name == sick)
        .map(|p| p.metadata.name.clone())
        .collect();
    ok(&mut s, &format!("chaos runtime-stop {sick}"));
    let list = ok_last(&mut s, "chaos list");
    assert!(list.contains("runtime stopped"), "{list}");
    // The kubelet still renews its Lease; 30 s without a runtime status check pass first.
    ok(&mut s, "run 29s");
    assert_eq!(node_ready(&node(&s, &sick)), ConditionStatus::True);
    ok(&mut s, "run 6s");
    let n = node(&s, &sick);
    assert_eq!(node_ready(&n), ConditionStatus::False);
    let not_ready_ms = times_of(&s, "NodeNotReady")[0] - stop_ms;
    assert!((30_000..=35_000).contains(&not_ready_ms), "{not_ready_ms}");
    let taints: Vec<String> = n.spec.taints.iter().map(|t| t.to_string()).collect();
    assert_eq!(
        taints,
        [
            "node.kubernetes.io/not-ready:NoSchedule",
            "node.kubernetes.io/not-ready:NoExecute"
        ]
    );
    let c = s.sim().cluster().expect("cluster");
    assert!(c.fault(&sick).heartbeats() && c.fault(&sick).serves_traffic());
    let renewed = sim_core::cluster::nodelifecycle::renew_time(c, &sick, s.sim().now());
    assert!(
        s.sim().now().as_ms() - renewed.as_ms() < 10_000,
        "Lease renewed"
    );
    // Its containers keep running, but the pods are marked not ready.
    for p in pods(&s).iter().filter(|p| p.spec.node_name == sick) {
        assert!(p.status.container_statuses[0].state.running.is_some());
        assert!(!ready(p), "{} still ready", p.metadata.name);
    }
    let out = ok_last(&mut s, "kubectl get nodes");
    assert!(
        out.lines()
            .any(|l| l.starts_with(&sick) && l.contains(" NotReady ")),
        "{out}"
    );
    let out = ok_last(&mut s, &format!("kubectl describe node {sick}"));
    assert!(
        out.contains("KubeletNotReady  container runtime is down"),
        "{out}"
    );
    // Nothing the kubelet would have to restart can be killed.
    let entries = s.submit(&format!("chaos pod-kill {}", on_sick[0]));
    assert!(entries[0]
        .error
        .as_deref()
        .is_some_and(|e| e.contains("cannot manage containers now")));
    // The default not-ready toleration is 300 s too.
    ok(&mut s, "run 4m50s");
    assert!(times_of(&s, "TaintManagerEviction").is_empty());
    ok(&mut s, "run 30s");
    let evicted = times_of(&s, "TaintManagerEviction");
    assert_eq!(evicted.len(), on_sick.len());
    let evict_ms = evicted[0] - stop_ms;
    assert!((330_000..=335_000).contains(&evict_ms), "{evict_ms}");
    let out = ok_last(&mut s, &format!("why pod/{}", on_sick[0]));
    assert!(
        out.contains("node.kubernetes.io/not-ready:NoExecute"),
        "{out}"
    );
    ok(&mut s, "run 30s");
    let live: Vec<Pod> = pods(&s)
        .into_iter()
        .filter(|p| p.metadata.deletion_timestamp.is_none())
        .collect();
    assert_eq!(live.len(), 3);
    assert!(live.iter().all(|p| ready(p) && p.spec.node_name != sick));
    // The runtime comes back: the node is Ready, untainted, and the kubelet finishes the
    // evicted pods.
    ok(&mut s, &format!("chaos runtime-start {sick}\nrun 10s"));
    assert_eq!(node_ready(&node(&s, &sick)), ConditionStatus::True);
    assert!(node(&s, &sick).spec.taints.is_empty());
    let names: Vec<String> = pods(&s).iter().map(|p| p.metadata.name.clone()).collect();
    assert!(on_sick.iter().all(|n| !names.contains(n)), "{names:?}");
    assert_eq!(pods(&s).len(), 3);
    assert!(s.sim().cluster().expect("cluster").faults.is_empty());
}

#[test]
fn a_runtime_stopped_for_less_than_30s_goes_unnoticed_and_heal_restarts_it() {
    let mut s = session();
    ok(&mut s, SETUP);
    let sick = victim(&s);
    ok(&mut s, &format!("chaos runtime-stop {sick}\nrun 20s"));
    ok(&mut s, &format!("chaos heal {sick}\nrun 1m"));
    assert!(times_of(&s, "NodeNotReady").is_empty());
    assert_eq!(node_ready(&node(&s, &sick)), ConditionStatus::True);
    assert!(pods(&s).iter().all(ready));
    assert!(pods(&s)
        .iter()
        .all(|p| p.status.container_statuses[0].restart_count == 0));
}
