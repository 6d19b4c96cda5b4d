//! Behaviour of the cluster in the simulation: controllers, scheduler and kubelets reconciling
//! the store step by step, each change an event with its cause.

use std::collections::BTreeMap;

use proptest::prelude::*;
use sim_core::cluster::api::{ConditionStatus, Object, ObjectKind, Pod, PodPhase};
use sim_core::cluster::controllers::replicaset::scale_down_order;
use sim_core::cluster::store::Key;
use sim_core::{EventKind, Session, SimConfig};

mod common;
use common::{ok, pods_in};

/// The pods of `default`, in key order.
fn pods(s: &Session) -> Vec<Pod> {
    pods_in(s, "default")
}

fn session() -> Session {
    Session::new(SimConfig { seed: 7 })
}

fn is_ready(p: &Pod) -> bool {
    p.status
        .conditions
        .iter()
        .any(|c| c.type_ == "Ready" && c.status == ConditionStatus::True)
}

/// Follows an event's causes back to the first one.
fn root_cause(s: &Session, mut id: u64) -> String {
    let log = s.sim().log();
    loop {
        let e = &log[(id - 1) as usize];
        match e.cause {
            Some(c) => id = c.0,
            None => return e.message.clone(),
        }
    }
}

#[test]
fn a_deployment_of_three_replicas_runs_three_ready_pods_each_started_because_of_the_command() {
    let mut s = session();
    ok(
        &mut s,
        "cluster create --nodes 3\nkubectl create deployment web --image=nginx:1.27-alpine --replicas=3\nrun 30s",
    );
    let pods = pods(&s);
    assert_eq!(pods.len(), 3);
    for p in &pods {
        assert_eq!(
            p.status.phase,
            Some(PodPhase::Running),
            "{}",
            p.metadata.name
        );
        assert!(is_ready(p), "{} is not ready", p.metadata.name);
        assert!(p.spec.node_name.starts_with("node-"));
        let started = s
            .sim()
            .log()
            .iter()
            .find(|e| {
                e.object.name == p.metadata.name
                    && matches!(&e.kind, EventKind::KubeEvent { reason, .. } if reason == "Started")
            })
            .expect("a Started event");
        assert_eq!(
            root_cause(&s, started.id.0),
            "$ kubectl create deployment web --image=nginx:1.27-alpine --replicas=3"
        );
    }
    // The chain passes through each controller, the scheduler and the kubelet.
    let reasons: Vec<String> = s
        .sim()
        .log()
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::KubeEvent { reason, .. } => Some(reason.clone()),
            _ => None,
        })
        .collect();
    for r in [
        "ScalingReplicaSet",
        "SuccessfulCreate",
        "Scheduled",
        "Pulling",
        "Pulled",
        "Created",
        "Started",
    ] {
        assert!(reasons.iter().any(|x| x == r), "no {r} event");
    }
}

#[test]
fn each_reconcile_is_its_own_step() {
    let mut s = session();
    ok(
        &mut s,
        "cluster create --nodes 2\nkubectl create deployment web --image=nginx:1.27-alpine",
    );
    let out = ok(&mut s, "step");
    assert!(out.contains("Scaled up replica set web-"), "{out}");
    assert!(!out.contains("Created pod"), "{out}");
    let out = ok(&mut s, "step");
    assert!(out.contains("Created pod: web-"), "{out}");
}

#[test]
fn a_pod_deleted_by_hand_is_replaced_by_its_replicaset() {
    let mut s = session();
    ok(&mut s, "cluster create\nkubectl create deployment web --image=nginx:1.27-alpine --replicas=2\nrun 30s");
    let victim = pods(&s)[0].metadata.name.clone();
    ok(&mut s, &format!("kubectl delete pod {victim}\nrun 30s"));
    let now = pods(&s);
    assert_eq!(now.len(), 2);
    assert!(now.iter().all(|p| p.metadata.name != victim && is_ready(p)));
}

#[test]
fn deleting_a_deployment_cascades_to_its_replicasets_and_pods() {
    let mut s = session();
    ok(&mut s, "cluster create\nkubectl create deployment web --image=nginx:1.27-alpine --replicas=2\nrun 30s");
    ok(&mut s, "kubectl delete deployment web\nrun 10s");
    let c = s.sim().cluster().unwrap();
    assert_eq!(c.store.count(ObjectKind::ReplicaSet), 0);
    assert_eq!(c.store.count(ObjectKind::Pod), 0);
    let gc = s
        .sim()
        .log()
        .iter()
        .any(|e| e.message.contains("deleted by the garbage collector"));
    assert!(gc);
}

#[test]
fn scaling_down_deletes_pods_and_scaling_up_creates_them() {
    let mut s = session();
    ok(&mut s, "cluster create\nkubectl create deployment web --image=nginx:1.27-alpine --replicas=4\nrun 30s");
    ok(&mut s, "kubectl scale deployment web --replicas=1\nrun 30s");
    assert_eq!(pods(&s).len(), 1);
    ok(&mut s, "kubectl scale deployment/web --replicas=3\nrun 30s");
    assert_eq!(pods(&s).iter().filter(|p| is_ready(p)).count(), 3);
}

fn pod(name: &str, node: &str, phase: PodPhase, ready_at_ms: Option<u64>, created_ms: u64) -> Pod {
    let mut p = Pod::named("default", name);
    p.spec.node_name = node.into();
    p.status.phase = Some(phase);
    p.metadata.creation_timestamp = Some(sim_core::cluster::api::Timestamp::at(sim_core::SimTime(
        created_ms,
    )));
    if let Some(t) = ready_at_ms {
        p.status.conditions.push(
            sim_core::cluster::api::PodConditionFields {
                type_: "Ready".into(),
                status: ConditionStatus::True,
                last_probe_time: None,
                last_transition_time: Some(sim_core::cluster::api::Timestamp::at(
                    sim_core::SimTime(t),
                )),
                reason: String::new(),
                message: String::new(),
            }
            .into(),
        );
    }
    p
}

#[test]
fn replicaset_scale_down_prefers_unscheduled_pending_unready_doubled_up_then_newer_pods() {
    let old_ready = pod("old-ready", "node-1", PodPhase::Running, Some(1_000), 0);
    let new_ready = pod("new-ready", "node-2", PodPhase::Running, Some(5_000), 4_000);
    let doubled = pod("doubled", "node-1", PodPhase::Running, Some(1_000), 0);
    let unready = pod("unready", "node-3", PodPhase::Running, None, 0);
    let pending = pod("pending", "node-3", PodPhase::Pending, None, 0);
    let unscheduled = pod("unscheduled", "", PodPhase::Pending, None, 0);
    let mut with_cost = pod("cheap", "node-4", PodPhase::Running, Some(1_000), 0);
    with_cost.metadata.annotations.insert(
        "controller.kubernetes.io/pod-deletion-cost".into(),
        "-5".into(),
    );
    let all = [
        &old_ready,
        &new_ready,
        &doubled,
        &unready,
        &pending,
        &unscheduled,
        &with_cost,
    ];
    let order: Vec<&str> = scale_down_order(&all)
        .iter()
        .map(|p| p.metadata.name.as_str())
        .collect();
    assert_eq!(
        order,
        [
            "unscheduled",
            "pending",
            "unready",
            "cheap",
            "doubled",
            "old-ready",
            "new-ready"
        ]
    );
}

#[test]
fn an_unknown_image_backs_off_10s_then_20s_as_image_pull_backoff() {
    let mut s = session();
    ok(
        &mut s,
        "cluster create --nodes 1\nkubectl create deployment web --image=nginx:9.9\nrun 2m",
    );
    let p = &pods(&s)[0];
    let out = ok(&mut s, "kubectl get pods");
    assert!(
        out.contains("ImagePullBackOff") || out.contains("ErrImagePull"),
        "{out}"
    );
    let pulls: Vec<u64> = s
        .sim()
        .log()
        .iter()
        .filter(|e| {
            e.object.name == p.metadata.name && e.message.starts_with("Failed to pull image")
        })
        .map(|e| e.time.as_ms())
        .collect();
    assert!(pulls.len() >= 3, "{pulls:?}");
    assert_eq!(
        pulls[1] - pulls[0],
        11_000,
        "1 s to report the back-off, then 10 s"
    );
    assert_eq!(pulls[2] - pulls[1], 21_000);
}

#[test]
fn a_second_node_pull_is_faster_when_the_image_is_already_there() {
    let mut s = session();
    ok(&mut s, "cluster create --nodes 1\nkubectl create deployment web --image=nginx:1.27-alpine --replicas=2\nrun 30s");
    let present = s
        .sim()
        .log()
        .iter()
        .filter(|e| e.message.contains("already present on machine"))
        .count();
    let pulled = s
        .sim()
        .log()
        .iter()
        .filter(|e| e.message.starts_with("Successfully pulled image"))
        .count();
    // Both pods start pulling at the same instant (the image is not there yet for either).
    assert_eq!(present + pulled, 2);
    ok(&mut s, "kubectl scale deployment web --replicas=3\nrun 30s");
    assert!(s
        .sim()
        .log()
        .iter()
        .any(|e| e.message.contains("already present on machine")));
}

#[test]
fn the_same_script_gives_the_same_trace_hash() {
    let script = "cluster create --nodes 3\nkubectl create deployment web --image=nginx:1.27-alpine --replicas=5\nrun 20s\nkubectl set image deployment/web nginx=nginx:alpine\nrun 60s\nkubectl get pods -o wide";
    let mut a = session();
    let mut b = session();
    let oa = ok(&mut a, script);
    let ob = ok(&mut b, script);
    assert_eq!(oa, ob);
    assert_eq!(a.sim().trace_hash(), b.sim().trace_hash());
    assert_eq!(a.sim().state_fingerprint(), b.sim().state_fingerprint());
}

#[test]
fn seeking_back_replays_the_cluster_exactly() {
    let mut s = session();
    ok(&mut s, "cluster create --nodes 2\nkubectl create deployment web --image=nginx:1.27-alpine --replicas=2\nrun 10s");
    let end = s.sim().state_fingerprint();
    let frames = s.total_frames();
    s.seek(1);
    s.seek(frames);
    assert_eq!(s.sim().state_fingerprint(), end);
}

/// Checks the rolling update invariants at every step of a rollout from one image to another.
fn check_rollout(replicas: i32, seed: u64) {
    let mut s = Session::new(SimConfig { seed });
    ok(
        &mut s,
        &format!(
            "cluster create --nodes 3\nkubectl create deployment web --image=nginx:1.27-alpine --replicas={replicas}\nrun 60s\nkubectl set image deployment/web nginx=nginx:alpine"
        ),
    );
    let surge = (replicas + 3) / 4; // 25 % rounded up
    let unavailable = replicas / 4; // 25 % rounded down
    let unavailable = if surge == 0 && unavailable == 0 {
        1
    } else {
        unavailable
    };
    for _ in 0..400 {
        if s.sim().next_time().is_none() {
            break;
        }
        ok(&mut s, "step");
        let c = s.sim().cluster().unwrap();
        let key = Key::new(ObjectKind::Deployment, "default", "web");
        let Some(Object::Deployment(d)) = c.store.get(&key) else {
            panic!("deployment gone")
        };
        let rs_sum: i32 = c
            .store
            .list(ObjectKind::ReplicaSet, Some("default"))
            .filter_map(|o| match o {
                Object::ReplicaSet(rs) => rs.spec.replicas,
                _ => None,
            })
            .sum();
        assert!(rs_sum <= replicas + surge, "{rs_sum} > {replicas}+{surge}");
        let live = pods(&s)
            .iter()
            .filter(|p| p.metadata.deletion_timestamp.is_none())
            .count() as i32;
        assert!(live <= replicas + surge, "{live} pods > {replicas}+{surge}");
        let available = pods(&s)
            .iter()
            .filter(|p| p.metadata.deletion_timestamp.is_none() && is_ready(p))
            .count() as i32;
        assert!(
            available >= replicas - unavailable,
            "{available} available < {replicas}-{unavailable}"
        );
        let _ = d;
    }
    let images: BTreeMap<String, usize> = pods(&s).iter().fold(BTreeMap::new(), |mut m, p| {
        *m.entry(p.spec.containers[0].image.clone()).or_default() += 1;
        m
    });
    assert_eq!(
        images.get("nginx:alpine").copied(),
        Some(replicas as usize),
        "{images:?}"
    );
    assert_eq!(images.len(), 1);
}

#[test]
fn a_rolling_update_of_four_stays_within_surge_and_unavailability() {
    check_rollout(4, 1);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 8, .. ProptestConfig::default() })]
    #[test]
    fn rolling_updates_never_exceed_surge_nor_drop_below_min_available(replicas in 1i32..=7, seed in 0u64..1000) {
        check_rollout(replicas, seed);
    }
}

const CRASHING: &str = "cat > crash.yaml <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: crash
spec:
  containers:
  - name: app
    image: busybox:1.36
    command: [\"sh\", \"-c\", \"sleep 2; exit 3\"]
---
apiVersion: v1
kind: Pod
metadata:
  name: once
spec:
  restartPolicy: Never
  containers:
  - name: app
    image: busybox:1.36
    command: [\"sleep\", \"5\"]
EOF
kubectl apply -f crash.yaml";

#[test]
fn a_crashing_container_restarts_at_once_then_backs_off_10s_doubling_to_300s() {
    let mut s = session();
    ok(
        &mut s,
        &format!("cluster create --nodes 1\n{CRASHING}\nrun 20m"),
    );
    let starts: Vec<u64> = s
        .sim()
        .log()
        .iter()
        .filter(|e| {
            e.object.name == "crash"
                && matches!(&e.kind, EventKind::KubeEvent { reason, .. } if reason == "Started")
        })
        .map(|e| e.time.as_ms())
        .collect();
    // Each run lasts 2 s; the restart waits 1 s (the next pod sync), then the back-off; each
    // restart also takes the container's 568 ms start.
    let gaps: Vec<u64> = starts
        .windows(2)
        .map(|w| w[1] - w[0] - 2_000 - 568)
        .collect();
    assert_eq!(
        &gaps[..8],
        &[1_000, 10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000]
    );
    let out = ok(&mut s, "kubectl get pods");
    assert!(
        out.contains("CrashLoopBackOff") || out.contains("Running"),
        "{out}"
    );
    assert!(
        out.contains("once    0/1     Completed          0"),
        "{out}"
    );
}

#[test]
fn a_recreate_rollout_stops_every_old_pod_before_the_first_new_one() {
    let manifest = |image: &str| {
        format!(
            "cat > web.yaml <<EOF\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n  strategy:\n    type: Recreate\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: nginx\n        image: {image}\nEOF\nkubectl apply -f web.yaml"
        )
    };
    let mut s = session();
    ok(
        &mut s,
        &format!("cluster create\n{}\nrun 30s", manifest("nginx:1.27-alpine")),
    );
    ok(&mut s, &manifest("nginx:alpine"));
    let mut saw_gap = false;
    for _ in 0..300 {
        if s.sim().next_time().is_none() {
            break;
        }
        ok(&mut s, "step");
        let all = pods(&s);
        let old = all
            .iter()
            .filter(|p| p.spec.containers[0].image == "nginx:1.27-alpine")
            .count();
        let new = all
            .iter()
            .filter(|p| p.spec.containers[0].image == "nginx:alpine")
            .count();
        assert!(old == 0 || new == 0, "{old} old and {new} new pods at once");
        saw_gap |= old == 0 && new == 0;
    }
    assert!(saw_gap);
    let all = pods(&s);
    assert_eq!(all.len(), 3);
    assert!(all
        .iter()
        .all(|p| p.spec.containers[0].image == "nginx:alpine" && is_ready(p)));
}

#[test]
fn the_cluster_view_puts_pods_in_their_nodes_with_their_owners_and_requests() {
    let mut s = session();
    ok(
        &mut s,
        "cluster create --nodes 2\nkubectl create deployment web --image=nginx:1.27-alpine --replicas=3\nrun 30s",
    );
    let v = sim_core::cluster::view::cluster_view(s.sim().cluster().unwrap());
    assert_eq!(v.nodes.len(), 2);
    assert!(v.pending.is_empty());
    let pods: Vec<_> = v.nodes.iter().flat_map(|n| &n.pods).collect();
    assert_eq!(pods.len(), 3);
    assert!(pods
        .iter()
        .all(|p| p.ready && p.status == "Running" && p.deployment.as_deref() == Some("web")));
    assert!(v.nodes.iter().all(|n| n.images == ["nginx:1.27-alpine"]));
    assert!(v.nodes.iter().all(|n| n.cpu_allocatable_milli == 4000));
    let d = &v.workloads[0];
    assert_eq!((d.kind.as_str(), d.desired, d.ready), ("Deployment", 3, 3));
}
