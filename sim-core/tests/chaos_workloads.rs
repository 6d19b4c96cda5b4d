//! Faults on workloads rather than machines: `chaos crashloop DEPLOY` (a bad release whose
//! process exits with code 1 shortly after each start: restarts with the kubelet's
//! CrashLoopBackOff, endpoints emptied, traffic refused) and `chaos image-pull-error IMAGE` (the
//! registry fails every pull of an image: a rollout to it stalls in ImagePullBackOff while the
//! old ReplicaSet keeps serving), both ended by `chaos clear`.

use sim_core::cluster::api::{ConditionStatus, Object, ObjectKind, Pod};
use sim_core::cluster::traffic::{self, SecondStats};
use sim_core::event::EventKind;
use sim_core::{Session, SimConfig};

mod common;
use common::{assert_fails_and_changes_nothing_in, ok, ok_last, pods};

fn session() -> Session {
    Session::new(SimConfig { seed: 23 })
}

/// Deployment `web` (3 replicas of nginx:1.27-alpine, ready `ready_after_s` after they start)
/// behind Service `web`, on 3 nodes, all Ready.
fn setup(ready_after_s: u32) -> String {
    format!(
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
      containers:
      - name: nginx
        image: nginx:1.27-alpine
        ports:
        - containerPort: 80
        readinessProbe:
          tcpSocket:
            port: 80
          initialDelaySeconds: {ready_after_s}
EOF
kubectl apply -f web.yaml
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
run 30s"
    )
}

fn ready(p: &Pod) -> bool {
    p.status
        .conditions
        .iter()
        .any(|c| c.type_ == "Ready" && c.status == ConditionStatus::True)
}

/// Ready endpoints in all EndpointSlices.
fn ready_endpoints(s: &Session) -> usize {
    s.sim()
        .cluster()
        .expect("cluster")
        .store
        .list(ObjectKind::EndpointSlice, None)
        .filter_map(|o| match o {
            Object::EndpointSlice(e) => Some(e),
            _ => None,
        })
        .flat_map(|e| e.endpoints.iter())
        .filter(|e| e.conditions.ready == Some(true))
        .count()
}

fn series(s: &Session) -> Vec<SecondStats> {
    traffic::series(s.sim(), "svc/web").to_vec()
}

/// Times (ms) of the events about `pod/NAME` whose message ends with `suffix`.
fn times(s: &Session, pod: &str, suffix: &str) -> Vec<u64> {
    s.sim()
        .log()
        .iter()
        .filter(|e| e.object.kind == "pod" && e.object.name == pod && e.message.ends_with(suffix))
        .map(|e| e.time.as_ms())
        .collect()
}

#[test]
fn crashloop_restarts_with_doubling_back_off_empties_the_endpoints_and_traffic_is_refused() {
    let mut s = session();
    ok(&mut s, &setup(5));
    assert_eq!(ready_endpoints(&s), 3);
    ok(&mut s, "traffic start svc/web --rps 50\nrun 5s");
    let injected = s.sim().now().as_ms();
    let out = ok(&mut s, "chaos crashloop web");
    assert_eq!(
        out,
        "chaos: crashloop deployment/web: its containers exit with code 1 2s after each start\n"
    );
    let fault = s
        .sim()
        .log()
        .iter()
        .find(|e| matches!(&e.kind, EventKind::FaultInjected { fault } if fault == "crashloop"))
        .expect("FaultInjected crashloop");
    assert_eq!(fault.object.kind, "deployment");
    assert!(fault.cause.is_some());

    ok(&mut s, "run 6m");
    let name = pods(&s)[0].metadata.name.clone();
    let exits = times(&s, &name, "exited with code 1");
    let restarts = times(&s, &name, "restarting container 0");
    assert!(exits.len() >= 7, "{exits:?}");
    // The first exit is 2 s after the injection, the running process hitting the bad release.
    assert_eq!(exits[0] - injected, 2_000);
    // From each exit to the next restart: the first restart at the next sync (1 s), then the
    // kubelet's back-off, 10 s doubling (capped at 300 s).
    let gaps: Vec<u64> = exits
        .iter()
        .zip(&restarts)
        .map(|(e, r)| (r - e) / 1000)
        .collect();
    assert_eq!(gaps[..6], [1, 10, 20, 40, 80, 160], "{gaps:?}");
    // Each restart runs 2 s (plus the runtime's start) before the next exit.
    for (r, e) in restarts.iter().zip(&exits[1..]) {
        assert_eq!(e - r, 2_568, "restart at {r}, exit at {e}");
    }

    // Now (6 min after the injection) the 7th exit's restart waits out its 300 s back-off:
    // kubectl shows CrashLoopBackOff.
    let out = ok_last(&mut s, "kubectl get pods");
    for p in pods(&s) {
        assert!(!ready(&p));
        let line = out
            .lines()
            .find(|l| l.starts_with(&p.metadata.name))
            .expect("pod line");
        assert!(line.contains("0/1"), "{line}");
        assert!(line.contains("CrashLoopBackOff"), "{line}");
        let n = p.status.container_statuses[0].restart_count;
        assert!(n >= 6, "{n}");
        assert!(line.contains(&format!(" {n} ")), "{line}");
    }
    // The restart count grows: one more after the next back-off.
    let before = pods(&s)[0].status.container_statuses[0].restart_count;
    ok(&mut s, "run 5m");
    assert!(pods(&s)[0].status.container_statuses[0].restart_count > before);
    let describe = ok_last(&mut s, &format!("kubectl describe pod {name}"));
    assert!(
        describe.contains("Reason:       CrashLoopBackOff"),
        "{describe}"
    );
    let backoff = s.sim().log().iter().any(|e| {
        matches!(&e.kind, EventKind::KubeEvent { reason, warning: true, .. } if reason == "BackOff")
            && e.message
                .starts_with("Back-off restarting failed container nginx in pod web-")
    });
    assert!(backoff);

    // No endpoint is ready; after the first crash every request is refused.
    assert_eq!(ready_endpoints(&s), 0);
    let after: Vec<SecondStats> = series(&s)
        .into_iter()
        .filter(|x| x.time.as_ms() > injected + 3_000)
        .collect();
    assert!(after.len() > 500);
    assert!(after
        .iter()
        .all(|x| x.ok == 0 && x.refused == x.sent && x.sent > 0));
    // Before the fault, every request was answered.
    assert!(series(&s)
        .iter()
        .filter(|x| x.time.as_ms() <= injected)
        .all(|x| x.failed == 0));

    // `chaos list` shows it; `chaos clear` ends it: the next restart keeps running.
    let list = ok_last(&mut s, "chaos list");
    assert!(list.contains("WORKLOAD\n"), "{list}");
    assert!(list.contains("crashloop          deployment/web"), "{list}");
    let out = ok(&mut s, "chaos clear");
    assert_eq!(out, "chaos: healed deployment/web\n");
    ok(&mut s, "run 6m");
    assert!(pods(&s).iter().all(ready));
    assert_eq!(ready_endpoints(&s), 3);
    assert!(series(&s)
        .iter()
        .rev()
        .take(10)
        .all(|x| x.failed == 0 && x.ok > 0));
    assert_eq!(ok_last(&mut s, "chaos list"), "No faults.\n");
}

/// A second Deployment `NAME` (`replicas` pods labelled `app: web` and `deploy: NAME`, ready 5 s
/// after they start) behind the same Service.
fn second_deployment(name: &str, replicas: u32) -> String {
    format!(
        "cat > {name}.yaml <<EOF
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
spec:
  replicas: {replicas}
  selector:
    matchLabels:
      deploy: {name}
  template:
    metadata:
      labels:
        app: web
        deploy: {name}
    spec:
      containers:
      - name: nginx
        image: nginx:1.27-alpine
        readinessProbe:
          tcpSocket:
            port: 80
          initialDelaySeconds: 5
EOF
kubectl apply -f {name}.yaml
run 30s"
    )
}

#[test]
fn traffic_fails_over_to_the_pods_of_a_deployment_that_does_not_crash() {
    let mut s = session();
    ok(&mut s, &setup(5));
    ok(&mut s, &second_deployment("stable", 2));
    assert_eq!(ready_endpoints(&s), 5);
    ok(&mut s, "traffic start svc/web --rps 50\nrun 2s");
    let injected = s.sim().now().as_ms();
    ok(&mut s, "chaos crashloop web\nrun 5m");
    // Only the crashlooping Deployment's pods left the Service; every request after the crash
    // (2 s, plus the watch and the tick) went to `stable` and was answered.
    assert_eq!(ready_endpoints(&s), 2);
    for p in pods(&s) {
        assert_eq!(
            ready(&p),
            p.metadata.name.starts_with("stable-"),
            "{}",
            p.metadata.name
        );
    }
    let after: Vec<SecondStats> = series(&s)
        .into_iter()
        .filter(|x| x.time.as_ms() > injected + 4_000)
        .collect();
    assert!(after.len() > 290);
    assert!(
        after.iter().all(|x| x.failed == 0 && x.ok == x.sent),
        "{after:?}"
    );
}

#[test]
fn an_image_pull_error_stalls_a_rollout_while_the_old_pods_keep_serving_until_cleared() {
    let mut s = session();
    ok(&mut s, &setup(0));
    ok(&mut s, "traffic start svc/web --rps 50\nrun 2s");
    let old: Vec<String> = pods(&s).iter().map(|p| p.metadata.name.clone()).collect();
    let out = ok(&mut s, "chaos image-pull-error nginx:alpine");
    assert_eq!(
        out,
        "chaos: image-pull-error docker.io/library/nginx:alpine: every pull fails (503 Service Unavailable)\n"
    );
    ok(
        &mut s,
        "kubectl set image deployment/web nginx=nginx:alpine\nrun 3m",
    );
    // The new ReplicaSet's pod waits in ImagePullBackOff with the registry's failure.
    let new: Vec<Pod> = pods(&s)
        .into_iter()
        .filter(|p| !old.contains(&p.metadata.name))
        .collect();
    assert_eq!(new.len(), 1, "maxSurge 25% of 3 is one pod");
    let w = new[0].status.container_statuses[0]
        .state
        .waiting
        .clone()
        .expect("waiting");
    assert!(
        w.reason == "ImagePullBackOff" || w.reason == "ErrImagePull",
        "{w:?}"
    );
    let failed = s
        .sim()
        .log()
        .iter()
        .find(|e| {
            e.object.name == new[0].metadata.name && e.message.starts_with("Failed to pull image")
        })
        .expect("Failed event");
    assert_eq!(
        failed.message,
        "Failed to pull image \"nginx:alpine\": rpc error: code = Unknown desc = failed to pull and unpack image \"docker.io/library/nginx:alpine\": failed to resolve reference \"docker.io/library/nginx:alpine\": unexpected status from HEAD request to https://registry-1.docker.io/v2/library/nginx/manifests/alpine: 503 Service Unavailable"
    );
    // The failure chains back to the fault.
    let fault_id = s
        .sim()
        .log()
        .iter()
        .find(|e| matches!(&e.kind, EventKind::FaultInjected { fault } if fault == "image-pull-error"))
        .expect("fault")
        .id;
    assert_eq!(failed.cause, Some(fault_id));
    let out = ok_last(&mut s, "kubectl get pods");
    assert!(out.contains("ImagePullBackOff"), "{out}");
    // maxUnavailable (25% of 3, rounded down: 0) keeps every old pod serving.
    let old_ready = pods(&s)
        .iter()
        .filter(|p| old.contains(&p.metadata.name) && ready(p))
        .count();
    assert_eq!(old_ready, 3);
    assert!(series(&s).iter().all(|x| x.failed == 0 && x.ok == x.sent));

    // The registry recovers: the next attempt pulls, and the rollout completes.
    let out = ok(&mut s, "chaos clear");
    assert_eq!(out, "chaos: healed image docker.io/library/nginx:alpine\n");
    ok(&mut s, "run 6m");
    let now = pods(&s);
    assert_eq!(
        now.len(),
        3,
        "{:?}",
        now.iter().map(|p| &p.metadata.name).collect::<Vec<_>>()
    );
    assert!(now
        .iter()
        .all(|p| ready(p) && p.spec.containers[0].image == "nginx:alpine"));
    // Traffic never failed, through the whole rollout.
    assert!(series(&s).iter().all(|x| x.failed == 0 && x.ok == x.sent));
}

#[test]
fn an_image_pull_error_spares_nodes_that_already_have_the_image() {
    let mut s = session();
    ok(&mut s, &setup(0));
    // Every node runs one replica, so every node has the image.
    ok(
        &mut s,
        "chaos image-pull-error docker.io/library/nginx:1.27-alpine
kubectl scale deployment web --replicas=6
run 30s",
    );
    let all = pods(&s);
    assert_eq!(all.len(), 6);
    assert!(all.iter().all(ready));
    assert!(!s
        .sim()
        .log()
        .iter()
        .any(|e| e.message.starts_with("Failed to pull image")));
    let list = ok_last(&mut s, "chaos list");
    assert!(
        list.contains("image-pull-error   docker.io/library/nginx:1.27-alpine"),
        "{list}"
    );
}

#[test]
fn bad_workload_chaos_commands_change_nothing() {
    let setup = setup(0);
    for (bad, message) in [
        (
            "chaos crashloop",
            "chaos: chaos crashloop needs one DEPLOYMENT",
        ),
        (
            "chaos crashloop nope",
            "chaos: deployment \"nope\" not found in namespace \"default\"",
        ),
        (
            "chaos crashloop web -n other",
            "chaos: deployment \"web\" not found in namespace \"other\"",
        ),
        (
            "chaos crashloop web extra",
            "chaos: chaos crashloop needs one DEPLOYMENT",
        ),
        (
            "chaos crashloop web --at soon",
            "chaos: invalid --at \"soon\": expected a duration from now such as 30s, 2m or 1m30s",
        ),
        (
            "chaos image-pull-error",
            "chaos: chaos image-pull-error needs one IMAGE",
        ),
        (
            "chaos image-pull-error Nginx:1",
            "chaos: invalid image \"Nginx:1\": invalid reference format: repository name (library/Nginx) must be lowercase",
        ),
        (
            "chaos image-pull-error nginx -n kube-system",
            "chaos: chaos image-pull-error does not take -n: images are not namespaced",
        ),
    ] {
        let usage = "\nusage: chaos node-crash|node-recover|kubelet-stop|kubelet-start|runtime-stop|runtime-start|partition|memory-pressure|disk-pressure|heal NODE [--at T] | pod-kill POD | crashloop DEPLOY [--at T] | image-pull-error IMAGE [--at T] | zone-outage|zone-recover ZONE [--at T] | random --faults LIST --mean-interval T [--for T] | list | clear";
        let want = if message.contains("not found") || message.contains("invalid image") {
            message.to_string()
        } else {
            format!("{message}{usage}")
        };
        assert_fails_and_changes_nothing_in(session(), &setup, bad, &want);
    }
    // Without a cluster.
    assert_fails_and_changes_nothing_in(
        session(),
        "",
        "chaos crashloop web",
        "chaos: there is no cluster: run cluster create first",
    );
}

#[test]
fn workload_faults_can_be_scheduled_and_clear_cancels_them() {
    let mut s = session();
    ok(&mut s, &setup(0));
    let out = ok(&mut s, "chaos crashloop web --at 30s");
    assert_eq!(
        out,
        "chaos: crashloop deployment/web scheduled at 00:01:00\n"
    );
    let out = ok(&mut s, "chaos image-pull-error nginx:alpine --at 2m");
    assert_eq!(
        out,
        "chaos: image-pull-error docker.io/library/nginx:alpine scheduled at 00:02:30\n"
    );
    let list = ok_last(&mut s, "chaos list");
    assert!(
        list.contains("00:01:00   crashloop          deployment/web                   30s\n"),
        "{list}"
    );
    assert!(
        list.contains("00:02:30   image-pull-error   docker.io/library/nginx:alpine   2m\n"),
        "{list}"
    );
    ok(&mut s, "run 29s");
    assert!(s.sim().cluster().expect("c").workload_faults.is_empty());
    ok(&mut s, "run 4s");
    let fault = s
        .sim()
        .log()
        .iter()
        .find(|e| matches!(&e.kind, EventKind::FaultInjected { fault } if fault == "crashloop"))
        .expect("crashloop injected");
    assert_eq!(fault.time.as_ms(), 60_000);
    assert!(fault.cause.is_some());
    assert!(pods(&s).iter().all(|p| !ready(p)));
    let out = ok(&mut s, "chaos clear");
    assert_eq!(
        out,
        "chaos: cancelled 1 scheduled fault(s)\nchaos: healed deployment/web\n"
    );
    ok(&mut s, "run 5m");
    let c = s.sim().cluster().expect("c");
    assert!(c.workload_faults.is_empty() && c.faults_scheduled.is_empty());
    assert!(pods(&s).iter().all(ready));
}

#[test]
fn injecting_a_workload_fault_twice_changes_nothing_the_second_time() {
    let mut s = session();
    ok(&mut s, &setup(0));
    ok(
        &mut s,
        "chaos crashloop web\nchaos image-pull-error redis:alpine",
    );
    // The command is in the history; the cluster is as it was.
    let cluster = |s: &Session| s.sim().cluster().expect("cluster").fingerprint();
    let before = cluster(&s);
    let events = s.sim().log().len();
    let out = ok(&mut s, "chaos crashloop web");
    assert_eq!(
        out,
        "chaos: deployment/web is already crashlooping: crashloop changes nothing\n"
    );
    let out = ok(
        &mut s,
        "chaos image-pull-error docker.io/library/redis:alpine",
    );
    assert_eq!(
        out,
        "chaos: pulls of docker.io/library/redis:alpine already fail: image-pull-error changes nothing\n"
    );
    assert_eq!(cluster(&s), before);
    assert!(!s.sim().log()[events..]
        .iter()
        .any(|e| matches!(&e.kind, EventKind::FaultInjected { .. })));
}

#[test]
fn the_same_workload_chaos_gives_the_same_trace() {
    let script = format!(
        "{}
traffic start svc/web --rps 20
chaos crashloop web
run 2m
chaos image-pull-error nginx:alpine
kubectl set image deployment/web nginx=nginx:alpine
run 2m
chaos clear
run 5m",
        setup(3)
    );
    let hash = |seed: u64| {
        let mut s = Session::new(SimConfig { seed });
        ok(&mut s, &script);
        s.sim().trace_hash()
    };
    assert_eq!(hash(23), hash(23));
}
