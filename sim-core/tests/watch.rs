//! Behaviour of `kubectl get -w`: the listing, then each change of a listed object as the
//! simulation steps, until the queue is empty (or 10 minutes of simulated time).

use sim_core::cluster::api::ObjectKind;
use sim_core::{Session, SimConfig};

mod common;
use common::{assert_fails_and_changes_nothing_in, ok};

fn session() -> Session {
    Session::new(SimConfig { seed: 7 })
}

const SETUP: &str = "cluster create --nodes 3
kubectl create deployment web --image=nginx:1.27-alpine --replicas=2";

fn pod_names(s: &Session) -> Vec<String> {
    s.sim()
        .cluster()
        .expect("cluster")
        .store
        .list(ObjectKind::Pod, Some("default"))
        .map(|o| o.name().to_string())
        .collect()
}

#[test]
fn get_pods_watch_prints_pending_container_creating_and_running_rows_then_stops() {
    let mut s = session();
    ok(&mut s, SETUP);
    let out = ok(&mut s, "kubectl get pods -w");
    // The pods do not exist yet: the first one comes with the header, then every change is
    // printed on its own (each watch event is its own tabwriter flush, as in kubectl).
    assert_eq!(
        out,
        "NAME                   READY   STATUS    RESTARTS   AGE
web-8579ddffd7-fgggk   0/1     Pending   0          0s
web-8579ddffd7-zbzcv   0/1   Pending   0     0s
web-8579ddffd7-fgggk   0/1   Pending   0     0s
web-8579ddffd7-zbzcv   0/1   Pending   0     0s
web-8579ddffd7-fgggk   0/1   ContainerCreating   0     0s
web-8579ddffd7-zbzcv   0/1   ContainerCreating   0     0s
web-8579ddffd7-fgggk   1/1   Running   0     2s
web-8579ddffd7-zbzcv   1/1   Running   0     2s
"
    );
    assert_eq!(
        s.sim().scheduled(),
        0,
        "the watch ends when the queue is empty"
    );
    // Afterwards, get lists the same pods, aligned again.
    let names = pod_names(&s);
    assert_eq!(names, ["web-8579ddffd7-fgggk", "web-8579ddffd7-zbzcv"]);
}

#[test]
fn a_watch_leaves_the_cluster_as_an_equivalent_run_does() {
    let mut watched = session();
    ok(&mut watched, SETUP);
    ok(&mut watched, "kubectl get pods -w");
    let mut ran = session();
    ok(&mut ran, SETUP);
    ok(&mut ran, "run 30s");
    let w = watched.sim().cluster().expect("cluster");
    let r = ran.sim().cluster().expect("cluster");
    assert_eq!(w.fingerprint(), r.fingerprint());
}

#[test]
fn bad_watch_invocations_fail_and_change_nothing() {
    for (bad, message) in [
        (
            "kubectl get pods -w --bogus",
            "unknown flag: --bogus\nSee 'kubectl get --help' for usage.",
        ),
        (
            "kubectl get pods,deployments -w",
            "watch is only supported on individual resources and resource collections, but 2 resources were found",
        ),
        (
            "kubectl get pods a b --watch",
            "watch is only supported on individual resources and resource collections, but 2 resources were found",
        ),
        (
            "kubectl get pod nope -w",
            "Error from server (NotFound): pods \"nope\" not found",
        ),
        (
            "kubectl get pods -w -o table",
            "unable to match a printer suitable for the output format \"table\", allowed formats are: json,name,wide,yaml",
        ),
    ] {
        assert_fails_and_changes_nothing_in(session(), SETUP, bad, message);
    }
}

#[test]
fn watch_only_prints_the_changes_and_not_the_listing() {
    let mut s = session();
    ok(&mut s, SETUP);
    ok(&mut s, "run 30s");
    let before = pod_names(&s);
    let out = ok(
        &mut s,
        "kubectl scale deployment web --replicas=1\nkubectl get pods --watch-only -o name",
    );
    let after = pod_names(&s);
    assert_eq!(after.len(), 1);
    let gone: Vec<&String> = before.iter().filter(|n| !after.contains(n)).collect();
    assert_eq!(gone.len(), 1);
    // Marked for deletion (Terminating), then deleted: printed each time, the last one after
    // it left the store.
    assert_eq!(
        out,
        format!("deployment.apps/web scaled\npod/{0}\npod/{0}\n", gone[0])
    );
}

#[test]
fn a_deleted_object_is_printed_one_last_time() {
    let mut s = session();
    ok(&mut s, SETUP);
    ok(&mut s, "run 30s");
    let out = ok(
        &mut s,
        "kubectl delete deployment web --wait=false\nkubectl get pods -w",
    );
    let last_rows: Vec<&str> = out.lines().rev().take(2).collect();
    assert!(pod_names(&s).is_empty());
    for row in last_rows {
        assert!(row.contains("Terminating"), "{out}");
    }
}

#[test]
fn watch_with_yaml_prints_each_version_as_a_document() {
    let mut s = session();
    ok(&mut s, SETUP);
    ok(&mut s, "run 30s");
    let out = ok(
        &mut s,
        "kubectl scale deployment web --replicas=3\nkubectl get deployment web -w -o yaml",
    );
    let yaml = out
        .strip_prefix("deployment.apps/web scaled\n")
        .expect("scaled first");
    let docs: Vec<&str> = yaml.split("---\n").collect();
    assert!(docs.len() >= 3, "{yaml}");
    for d in &docs {
        assert!(
            d.starts_with("apiVersion: apps/v1\nkind: Deployment\n"),
            "{d}"
        );
    }
    assert!(docs[0].contains("\n  replicas: 3\n"));
    assert!(docs
        .last()
        .is_some_and(|d| d.contains("\n  readyReplicas: 3\n")));
    let json = ok(&mut s, "kubectl get deployment web -w -o json");
    assert!(json.starts_with("{\n") && json.ends_with("}\n"), "{json}");
}

#[test]
fn a_watch_stops_after_ten_minutes_of_simulated_time_when_work_never_ends() {
    let mut s = session();
    ok(
        &mut s,
        "cluster create --nodes 1\nkubectl create deployment web --image=nginx:9.9",
    );
    let start = s.sim().now().as_ms();
    let out = ok(&mut s, "kubectl get pods -w");
    let elapsed = s.sim().now().as_ms() - start;
    assert!(elapsed <= 600_000, "{elapsed}");
    assert!(elapsed > 300_000, "{elapsed}");
    assert!(s.sim().scheduled() > 0, "the pull back-off goes on");
    assert!(out.contains("ImagePullBackOff"), "{out}");
}

#[test]
fn a_watch_run_by_the_queue_cannot_wait_and_prints_the_listing() {
    let mut s = session();
    ok(&mut s, SETUP);
    ok(&mut s, "run 30s");
    let out = ok(&mut s, "after 1s kubectl get deployments -w\nrun 2s");
    assert!(
        out.contains("  | NAME   READY   UP-TO-DATE   AVAILABLE   AGE\n  | web    2/2     2            2           31s\n"),
        "{out}"
    );
}

#[test]
fn watching_events_prints_the_new_ones_as_they_happen() {
    let mut s = session();
    ok(&mut s, SETUP);
    ok(&mut s, "run 30s");
    let out = ok(
        &mut s,
        "kubectl scale deployment web --replicas=3\nkubectl get events --watch-only",
    );
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "deployment.apps/web scaled");
    assert!(lines[1].starts_with("LAST SEEN   TYPE"), "{out}");
    assert!(lines[2].contains("ScalingReplicaSet"), "{out}");
    assert!(lines.iter().any(|l| l.contains("Started")), "{out}");
}

#[test]
fn the_same_watch_gives_the_same_trace() {
    let script = format!("{SETUP}\nkubectl get pods -w\nkubectl scale deployment web --replicas=1\nkubectl get pods -w -o wide");
    let mut a = session();
    let mut b = session();
    let out_a = ok(&mut a, &script);
    let out_b = ok(&mut b, &script);
    assert_eq!(out_a, out_b);
    assert_eq!(a.sim().trace_hash(), b.sim().trace_hash());
    assert_eq!(a.sim().state_fingerprint(), b.sim().state_fingerprint());
}

#[test]
fn seeking_into_a_watch_and_back_to_the_end_replays_it_exactly() {
    let mut s = session();
    ok(&mut s, SETUP);
    let start = s.total_frames();
    let out = ok(&mut s, "kubectl get pods -w");
    let end = s.total_frames();
    assert!(end > start + 3, "{start} {end}");
    let fingerprint = s.sim().state_fingerprint();
    let hash = s.sim().trace_hash();
    s.seek(start + 3);
    let partial = s
        .entries()
        .last()
        .map(|e| e.output.clone())
        .unwrap_or_default();
    assert!(
        out.starts_with(&partial) && partial.len() < out.len(),
        "{partial}"
    );
    s.seek(end);
    assert_eq!(s.sim().state_fingerprint(), fingerprint);
    assert_eq!(s.sim().trace_hash(), hash);
    assert_eq!(
        s.entries().last().map(|e| e.output.as_str()),
        Some(out.as_str())
    );
}
