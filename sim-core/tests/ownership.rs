//! ReplicaSet ownership as ControllerRefManager's `ClaimPods` keeps it: a pod relabelled out of
//! a ReplicaSet's selector is released (ownerReference removed, it keeps running) and replaced;
//! an orphan pod the selector matches is adopted; workload faults keyed on ownership follow.

use sim_core::cluster::api::{Object, ObjectKind, Pod};
use sim_core::{Session, SimConfig};

mod common;
use common::{ok, pods};

fn session() -> Session {
    Session::new(SimConfig { seed: 11 })
}

const SETUP: &str = "cluster create --nodes 2 --cpu 2 --memory 4Gi
kubectl create deployment web --image=nginx:1.27-alpine --replicas=3
run 20s";

fn owned_by(p: &Pod, kind: &str) -> Option<String> {
    p.metadata
        .owner_references
        .iter()
        .find(|r| r.controller == Some(true) && r.kind == kind)
        .map(|r| r.name.clone())
}

fn replicaset(s: &Session) -> sim_core::cluster::api::ReplicaSet {
    match s
        .sim()
        .cluster()
        .expect("cluster")
        .store
        .list(ObjectKind::ReplicaSet, Some("default"))
        .next()
    {
        Some(Object::ReplicaSet(rs)) => rs.as_ref().clone(),
        _ => panic!("no replicaset"),
    }
}

#[test]
fn relabelling_a_pod_out_of_the_selector_releases_it_and_the_replicaset_replaces_it() {
    let mut s = session();
    ok(&mut s, SETUP);
    let rs = replicaset(&s);
    let victim = pods(&s)[0].metadata.name.clone();
    ok(
        &mut s,
        &format!("kubectl label pod {victim} app=debug --overwrite\nrun 20s"),
    );
    let all = pods(&s);
    assert_eq!(
        all.len(),
        4,
        "a replacement was created beside the released pod"
    );
    let released = all.iter().find(|p| p.metadata.name == victim).unwrap();
    assert!(
        released.metadata.owner_references.is_empty(),
        "{:?}",
        released.metadata.owner_references
    );
    assert!(released.metadata.deletion_timestamp.is_none());
    assert_eq!(
        all.iter()
            .filter(|p| owned_by(p, "ReplicaSet").as_deref() == Some(&rs.metadata.name))
            .count(),
        3
    );
    let rs = replicaset(&s);
    assert_eq!(rs.status.replicas, 3);
    assert_eq!(rs.status.ready_replicas, 3);
    // The release is in the log, caused by the label command's change.
    assert!(s
        .sim()
        .log()
        .iter()
        .any(|e| e.object.name == victim && e.message.contains("released by replicaset.apps/")));
}

#[test]
fn an_orphan_pod_matching_the_selector_is_adopted_and_the_surplus_scaled_down() {
    let mut s = session();
    ok(&mut s, SETUP);
    let rs = replicaset(&s);
    let hash = rs.metadata.labels["pod-template-hash"].clone();
    let victim = pods(&s)[0].metadata.name.clone();
    // Release one, then give it its labels back: it is an orphan that matches again.
    ok(
        &mut s,
        &format!("kubectl label pod {victim} app=debug --overwrite\nrun 20s"),
    );
    assert_eq!(pods(&s).len(), 4);
    ok(
        &mut s,
        &format!("kubectl label pod {victim} app=web --overwrite\nrun 40s"),
    );
    let all = pods(&s);
    let live: Vec<&Pod> = all
        .iter()
        .filter(|p| p.metadata.deletion_timestamp.is_none())
        .collect();
    assert_eq!(live.len(), 3, "{:?}", names(&all));
    assert!(live.iter().all(
        |p| owned_by(p, "ReplicaSet").as_deref() == Some(&rs.metadata.name)
            && p.metadata.labels["pod-template-hash"] == hash
    ));
    assert!(s
        .sim()
        .log()
        .iter()
        .any(|e| e.object.name == victim && e.message.contains("adopted by replicaset.apps/")));
    assert_eq!(replicaset(&s).status.replicas, 3);
}

#[test]
fn a_bare_pod_applied_with_matching_labels_is_adopted_then_scaled_down_first() {
    let mut s = session();
    ok(&mut s, SETUP);
    let rs = replicaset(&s);
    let hash = rs.metadata.labels["pod-template-hash"].clone();
    ok(
        &mut s,
        &format!(
            "cat > stray.yaml <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: stray
  labels:
    app: web
    pod-template-hash: \"{hash}\"
spec:
  containers:
  - name: nginx
    image: nginx:1.27-alpine
EOF
kubectl apply -f stray.yaml
run 20s"
        ),
    );
    let log = s.sim().log();
    assert!(log
        .iter()
        .any(|e| e.object.name == "stray" && e.message.contains("adopted by replicaset.apps/")));
    // Four active pods for three replicas: the surplus goes, the unscheduled newcomer first.
    assert!(log
        .iter()
        .any(|e| e.object.name == rs.metadata.name && e.message == "Deleted pod: stray"));
    let live = pods(&s)
        .into_iter()
        .filter(|p| p.metadata.deletion_timestamp.is_none())
        .count();
    assert_eq!(live, 3);
}

#[test]
fn a_released_pod_is_not_crashlooped_with_its_former_deployment() {
    let mut s = session();
    ok(&mut s, SETUP);
    let victim = pods(&s)[0].metadata.name.clone();
    ok(
        &mut s,
        &format!("kubectl label pod {victim} app=debug --overwrite\nrun 20s\nchaos crashloop web\nrun 2m"),
    );
    let all = pods(&s);
    let released = all.iter().find(|p| p.metadata.name == victim).unwrap();
    let restarts: i32 = released
        .status
        .container_statuses
        .iter()
        .map(|c| c.restart_count)
        .sum();
    assert_eq!(restarts, 0);
    assert!(all.iter().filter(|p| p.metadata.name != victim).all(|p| p
        .status
        .container_statuses
        .iter()
        .any(|c| c.restart_count > 0)));
}

fn names(pods: &[Pod]) -> Vec<String> {
    pods.iter().map(|p| p.metadata.name.clone()).collect()
}
