//! The node lifecycle controller taints not ready nodes NoExecute at a limited rate per zone
//! (kube-controller-manager's defaults: `--node-eviction-rate` 0.1, `--secondary-node-eviction-rate`
//! 0.01, `--unhealthy-zone-threshold` 0.55, `--large-cluster-size-threshold` 50), and stops
//! evicting when every node is down ("master disruption mode").

use sim_core::cluster::api::TaintEffect;
use sim_core::event::EventKind;
use sim_core::{Session, SimConfig};

mod common;
use common::{node, ok};

fn session() -> Session {
    Session::new(SimConfig { seed: 5 })
}

/// `nodes` nodes and a Deployment `web` with `replicas` pods, all Ready; the clock at 60 s.
fn setup(s: &mut Session, nodes: usize, replicas: usize) {
    ok(
        s,
        &format!(
            "cluster create --nodes {nodes}\n\
             kubectl create deployment web --image=nginx:1.27-alpine --replicas={replicas}\n\
             run 60s"
        ),
    );
}

fn crash(s: &mut Session, nodes: impl IntoIterator<Item = usize>) {
    let script: Vec<String> = nodes
        .into_iter()
        .map(|i| format!("chaos node-crash node-{i}"))
        .collect();
    ok(s, &script.join("\n"));
}

/// When each node got its `unreachable:NoExecute` taint (ms), by node name; absent: not tainted.
fn no_execute_times(s: &Session) -> std::collections::BTreeMap<String, u64> {
    s.sim()
        .log()
        .iter()
        .filter(|e| {
            e.object.kind == "node"
                && matches!(&e.kind, EventKind::ApiObjectChanged { .. })
                && e.message
                    .contains("tainted node.kubernetes.io/unreachable:NoExecute")
        })
        .map(|e| (e.object.name.clone(), e.time.as_ms()))
        .collect()
}

fn has_no_execute(s: &Session, name: &str) -> bool {
    node(s, name)
        .spec
        .taints
        .iter()
        .any(|t| t.effect == TaintEffect::NoExecute)
}

fn evictions(s: &Session) -> usize {
    s.sim()
        .log()
        .iter()
        .filter(|e| matches!(&e.kind, EventKind::KubeEvent { reason, .. } if reason == "TaintManagerEviction"))
        .count()
}

fn zone_states(s: &Session) -> Vec<String> {
    s.sim()
        .log()
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::ZoneStateChanged { state } => Some(format!("{} {state}", e.object)),
            _ => None,
        })
        .collect()
}

#[test]
fn noexecute_taints_come_one_node_every_10_s_in_a_normal_zone() {
    let mut s = session();
    setup(&mut s, 10, 20);
    crash(&mut s, 1..=3);
    ok(&mut s, "run 2m");
    let times = no_execute_times(&s);
    let t: Vec<u64> = ["node-1", "node-2", "node-3"]
        .iter()
        .map(|n| times[*n])
        .collect();
    assert_eq!(t[1] - t[0], 10_000, "{times:?}");
    assert_eq!(t[2] - t[1], 10_000, "{times:?}");
    // 3 of 10 not ready is under the 55 % threshold: the zone stays Normal.
    assert!(zone_states(&s).is_empty(), "{:?}", zone_states(&s));
    // Each node's pods go 300 s after its own taint.
    ok(&mut s, "run 6m");
    let evicted: Vec<u64> = s
        .sim()
        .log()
        .iter()
        .filter(|e| matches!(&e.kind, EventKind::KubeEvent { reason, .. } if reason == "TaintManagerEviction"))
        .map(|e| e.time.as_ms())
        .collect();
    assert!(!evicted.is_empty());
    assert_eq!(evicted[0], t[0] + 300_000);
    assert_eq!(*evicted.last().unwrap(), t[2] + 300_000);
}

#[test]
fn a_small_cluster_in_partial_disruption_stops_evicting_until_the_zone_is_normal_again() {
    let mut s = session();
    setup(&mut s, 6, 12);
    // 4 of 6 not ready: more than 2 and at least 55 %.
    crash(&mut s, 1..=4);
    ok(&mut s, "run 10m");
    assert_eq!(
        evictions(&s),
        0,
        "a zone of 50 nodes or fewer stops evicting"
    );
    assert!(no_execute_times(&s).is_empty());
    assert!((1..=4).all(|i| !has_no_execute(&s, &format!("node-{i}"))));
    let states = zone_states(&s);
    assert_eq!(states, ["zone/(no zone) PartialDisruption"], "{states:?}");
    let event = s
        .sim()
        .log()
        .iter()
        .find(|e| matches!(&e.kind, EventKind::ZoneStateChanged { .. }))
        .expect("the state change");
    assert_eq!(
        event.message,
        "node-controller: zone (no zone) is now PartialDisruption: 4 of 6 node(s) not ready; NoExecute tainting stops (no evictions)"
    );
    // Two nodes come back: 2 of 6 not ready is Normal again, and the tainting resumes from an
    // empty bucket, one node every 10 s.
    let back = s.sim().now().as_ms();
    ok(
        &mut s,
        "chaos node-recover node-1\nchaos node-recover node-2\nrun 1m",
    );
    assert_eq!(zone_states(&s).last().unwrap(), "zone/(no zone) Normal");
    let times = no_execute_times(&s);
    let (t3, t4) = (times["node-3"], times["node-4"]);
    assert!(t3 > back && t3 - back <= 20_000, "{times:?}");
    assert_eq!(t4 - t3, 10_000);
    ok(&mut s, "run 6m");
    assert!(evictions(&s) > 0);
}

#[test]
fn when_every_node_is_down_the_controller_removes_noexecute_taints_and_stops_evicting() {
    let mut s = session();
    setup(&mut s, 3, 3);
    crash(&mut s, [1]);
    ok(&mut s, "run 1m");
    assert!(has_no_execute(&s, "node-1"));
    crash(&mut s, [2, 3]);
    ok(&mut s, "run 1m");
    // Every zone is fully disrupted: master disruption mode.
    assert!((1..=3).all(|i| !has_no_execute(&s, &format!("node-{i}"))));
    assert_eq!(zone_states(&s), ["cluster/zones FullDisruption"]);
    ok(&mut s, "run 10m");
    assert_eq!(evictions(&s), 0, "node-1's pods stay: nowhere else to go");
    // One node back: the mode ends, and the other two are tainted again, 10 s apart.
    let back = s.sim().now().as_ms();
    ok(&mut s, "chaos node-recover node-3\nrun 1m");
    let times = no_execute_times(&s);
    let later: Vec<u64> = ["node-1", "node-2"].iter().map(|n| times[*n]).collect();
    assert!(later.iter().all(|t| *t > back), "{times:?}");
    assert_eq!(later[1] - later[0], 10_000);
    assert!(zone_states(&s)
        .last()
        .unwrap()
        .starts_with("zone/(no zone) Normal"));
    ok(&mut s, "run 6m");
    assert!(evictions(&s) > 0);
}

#[test]
fn a_large_cluster_in_partial_disruption_taints_one_node_every_100_s() {
    let mut s = session();
    setup(&mut s, 60, 60);
    crash(&mut s, 1..=40);
    ok(&mut s, "run 5m");
    let times = no_execute_times(&s);
    let mut t: Vec<u64> = times.values().copied().collect();
    t.sort_unstable();
    assert!(t.len() >= 3, "{times:?}");
    assert_eq!(t[1] - t[0], 100_000, "{t:?}");
    assert_eq!(t[2] - t[1], 100_000, "{t:?}");
    let states = zone_states(&s);
    assert_eq!(states, ["zone/(no zone) PartialDisruption"]);
    assert!(s.sim().log().iter().any(|e| e
        .message
        .ends_with("NoExecute tainting at one node per 100 s")));
}

#[test]
fn a_zone_that_is_fully_down_beside_healthy_zones_is_tainted_at_the_normal_rate() {
    let mut s = session();
    ok(
        &mut s,
        "cluster create --nodes 6\n\
         kubectl label node node-1 topology.kubernetes.io/zone=a\n\
         kubectl label node node-2 topology.kubernetes.io/zone=a\n\
         kubectl label node node-3 topology.kubernetes.io/zone=a\n\
         kubectl label node node-4 topology.kubernetes.io/zone=b\n\
         kubectl label node node-5 topology.kubernetes.io/zone=b\n\
         kubectl label node node-6 topology.kubernetes.io/zone=b\n\
         kubectl create deployment web --image=nginx:1.27-alpine --replicas=6\n\
         run 60s\n\
         chaos zone-outage a\n\
         run 2m",
    );
    let times = no_execute_times(&s);
    assert_eq!(times.len(), 3, "{times:?}");
    assert_eq!(times["node-2"] - times["node-1"], 10_000);
    assert_eq!(times["node-3"] - times["node-2"], 10_000);
    assert_eq!(zone_states(&s), ["zone/a FullDisruption"]);
}
