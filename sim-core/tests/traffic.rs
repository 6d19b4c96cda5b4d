//! Traffic through a Service (kube-proxy's view of its EndpointSlices) and through a hand-made
//! load balancer: per-second counts and latencies, failures only where the model says a request
//! cannot be answered, few events, determinism, and bad commands that change nothing.

use sim_core::cluster::traffic::{self, SecondStats, CLIENT_TIMEOUT_MS, REFUSED_LATENCY_US};
use sim_core::event::EventKind;
use sim_core::{Session, SimConfig};

mod common;
use common::{assert_fails_and_changes_nothing_in, ok, ok_last};

fn session() -> Session {
    Session::new(SimConfig { seed: 11 })
}

const CLUSTER: &str = "cluster create --nodes 3";

/// A Deployment `NAME` of `replicas` pods labelled `app: web` (and `deploy: NAME`), ready
/// `ready_after_s` seconds after they start.
fn deployment(name: &str, replicas: u32, ready_after_s: u32) -> String {
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
        ports:
        - containerPort: 80
        readinessProbe:
          tcpSocket:
            port: 80
          initialDelaySeconds: {ready_after_s}
EOF
kubectl apply -f {name}.yaml"
    )
}

const SERVICE: &str = "cat > svc.yaml <<EOF
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
kubectl apply -f svc.yaml";

/// A cluster with `web` (3 ready pods) behind Service `web`.
fn ready_web() -> Session {
    let mut s = session();
    ok(&mut s, CLUSTER);
    ok(&mut s, &deployment("web", 3, 0));
    ok(&mut s, SERVICE);
    ok(&mut s, "run 30s");
    s
}

fn series(s: &Session, target: &str) -> Vec<SecondStats> {
    traffic::series(s.sim(), target).to_vec()
}

/// The `Traffic` events about `traffic/TARGET`: (change, cause's kind name).
fn traffic_events(s: &Session, target: &str) -> Vec<(String, String)> {
    let log = s.sim().log();
    log.iter()
        .filter(|e| e.object.kind == "traffic" && e.object.name == target)
        .filter_map(|e| match &e.kind {
            EventKind::Traffic { change } => {
                let cause = e
                    .cause
                    .and_then(|c| log.get(c.0 as usize - 1))
                    .map(|c| c.kind.name().to_string())
                    .unwrap_or_default();
                Some((change.clone(), cause))
            }
            _ => None,
        })
        .collect()
}

#[test]
fn every_request_succeeds_when_every_endpoint_is_ready() {
    let mut s = ready_web();
    ok(&mut s, "traffic start svc/web --rps 200\nrun 10s");
    let v = series(&s, "svc/web");
    assert_eq!(v.len(), 10);
    for sec in &v {
        assert_eq!((sec.sent, sec.ok, sec.failed), (200, 200, 0), "{sec:?}");
        assert!(sec.p50_us >= 2_000 && sec.p50_us < 3_000, "{sec:?}");
        assert!(sec.p99_us >= sec.p50_us, "{sec:?}");
    }
    // kube-proxy spreads requests over the three pods.
    let t = s.sim().traffic().target("svc/web").expect("target");
    assert_eq!(t.last_endpoints.len(), 3, "{:?}", t.last_endpoints);
    assert!(t
        .last_endpoints
        .values()
        .all(|c| c.ok > 30 && c.failed == 0));
    // Healthy traffic records no event beyond its start.
    assert_eq!(
        traffic_events(&s, "svc/web"),
        [("started".to_string(), "CommandRun".to_string())]
    );
    let stats = ok_last(&mut s, "traffic stats svc/web --last 3s");
    let lines: Vec<&str> = stats.lines().collect();
    assert_eq!(lines.len(), 5, "{stats}");
    assert!(lines[0].starts_with("TIME "), "{stats}");
    assert!(lines[1].starts_with("00:00:38"), "{stats}");
    assert!(lines[4].starts_with("TOTAL (3s)"), "{stats}");
    assert!(lines[4].contains("100.0%"), "{stats}");
    let list = ok_last(&mut s, "traffic list");
    assert!(
        list.contains("svc/web") && list.contains("running"),
        "{list}"
    );
}

#[test]
fn a_pod_that_is_not_ready_gets_no_requests() {
    let mut s = session();
    ok(&mut s, CLUSTER);
    ok(&mut s, &deployment("web", 2, 0));
    ok(&mut s, &deployment("slow", 2, 600));
    ok(&mut s, SERVICE);
    ok(&mut s, "run 30s\ntraffic start svc/web\nrun 20s");
    let t = s.sim().traffic().target("svc/web").expect("target");
    assert_eq!(t.last_endpoints.len(), 2, "{:?}", t.last_endpoints);
    assert!(
        t.last_endpoints.keys().all(|k| k.starts_with("pod/web-")),
        "{:?}",
        t.last_endpoints
    );
    assert!(series(&s, "svc/web").iter().all(|x| x.failed == 0));
}

#[test]
fn scaling_to_zero_refuses_every_request_at_once() {
    let mut s = ready_web();
    ok(&mut s, "traffic start svc/web\nrun 5s");
    ok(&mut s, "kubectl scale deployment web --replicas=0\nrun 30s");
    let v = series(&s, "svc/web");
    let last = v.last().expect("a second");
    assert_eq!((last.sent, last.ok, last.refused), (100, 0, 100));
    assert_eq!(last.p99_us, REFUSED_LATENCY_US);
    let changes: Vec<String> = traffic_events(&s, "svc/web")
        .into_iter()
        .map(|(c, _)| c)
        .collect();
    assert_eq!(changes.last().map(String::as_str), Some("no-endpoints"));
    // Scaling back up brings the answers back, with an event for it.
    ok(&mut s, "kubectl scale deployment web --replicas=2\nrun 30s");
    let last = series(&s, "svc/web").last().cloned().expect("a second");
    assert_eq!((last.ok, last.failed), (100, 0));
    let events = traffic_events(&s, "svc/web");
    assert_eq!(events.last().map(|(c, _)| c.as_str()), Some("ok"));
    // The recovery is caused by the store change that gave the Service its endpoints back.
    assert_eq!(
        events.last().map(|(_, k)| k.as_str()),
        Some("ApiObjectChanged")
    );
}

#[test]
fn a_crashed_node_fails_requests_only_until_its_pods_are_marked_not_ready() {
    let mut s = ready_web();
    ok(&mut s, "traffic start svc/web --rps 300\nrun 10s");
    let crash_at = s.sim().now().as_ms();
    let node = {
        let t = s.sim().traffic().target("svc/web").expect("target");
        t.last_endpoints
            .values()
            .map(|c| c.node.clone())
            .min()
            .expect("a node")
    };
    ok(&mut s, &format!("chaos node-crash {node}\nrun 120s"));
    let v = series(&s, "svc/web");
    let failing: Vec<&SecondStats> = v.iter().filter(|x| x.failed > 0).collect();
    assert!(!failing.is_empty(), "no failure after the crash");
    let first = failing.first().expect("first").time.as_ms();
    let last = failing.last().expect("last").time.as_ms();
    // Failures start with the crash and end within the detection window (grace period 50 s
    // plus the monitor period 5 s, the watch and the slice update).
    assert!(
        first > crash_at && first <= crash_at + 1_000,
        "{first} {crash_at}"
    );
    assert!(last <= crash_at + 60_000, "{last} {crash_at}");
    assert!(last >= crash_at + 40_000, "{last} {crash_at}");
    // Each failure is a timeout, at the client's timeout.
    assert!(failing
        .iter()
        .all(|x| x.refused == 0 && x.timeouts == x.failed));
    assert!(failing
        .iter()
        .all(|x| x.p99_us as u64 == CLIENT_TIMEOUT_MS * 1_000));
    // Afterwards every request is answered by the pods left.
    assert!(v
        .iter()
        .filter(|x| x.time.as_ms() > last)
        .all(|x| x.failed == 0 && x.sent == 300));
    // Two events: failures start (caused by the crash), failures stop.
    let events = traffic_events(&s, "svc/web");
    assert_eq!(events.len(), 3, "{events:?}");
    assert_eq!(events[1].0, "failing");
    assert_eq!(events[1].1, "FaultInjected");
    assert_eq!(events[2].0, "ok");
}

#[test]
fn a_load_balancer_without_health_checks_fails_for_a_dead_backend_until_it_is_removed() {
    let mut s = session();
    ok(&mut s, CLUSTER);
    ok(
        &mut s,
        "ssh node-1 docker run -d -p 8080:80 nginx:1.27-alpine\n\
         ssh node-2 docker run -d -p 8080:80 nginx:1.27-alpine\n\
         lb create front --backend node-1:8080 --backend node-2:8080\n\
         traffic start lb/front --rps 100\n\
         run 5s",
    );
    let last = series(&s, "lb/front").last().cloned().expect("a second");
    assert_eq!((last.ok, last.failed), (100, 0));
    ok(&mut s, "chaos node-crash node-2\nrun 600s");
    // Nothing notices: half the requests keep timing out, ten minutes later too.
    let last = series(&s, "lb/front").last().cloned().expect("a second");
    assert_eq!((last.ok, last.timeouts), (50, 50));
    let list = ok_last(&mut s, "lb list");
    assert!(list.contains("node-2:8080   up"), "{list}");
    assert!(list.contains("0/50 ok"), "{list}");
    ok(&mut s, "lb remove front node-2:8080\nrun 3s");
    let last = series(&s, "lb/front").last().cloned().expect("a second");
    assert_eq!((last.ok, last.failed), (100, 0));
    let events = traffic_events(&s, "lb/front");
    assert_eq!(events.last().map(|(c, _)| c.as_str()), Some("ok"));
    // The recovery points at the human's edit.
    assert_eq!(events.last().map(|(_, k)| k.as_str()), Some("Traffic"));
}

#[test]
fn a_backend_with_nothing_listening_refuses_and_round_robin_splits_requests_evenly() {
    let mut s = session();
    ok(&mut s, CLUSTER);
    ok(
        &mut s,
        "lb create front --backend node-1:8080 --backend node-2:8080\n\
         traffic start lb/front --rps 10\nrun 2s",
    );
    let last = series(&s, "lb/front").last().cloned().expect("a second");
    assert_eq!((last.sent, last.refused, last.timeouts), (10, 10, 0));
    let t = s.sim().traffic().target("lb/front").expect("target");
    // Round robin: each backend got half.
    assert_eq!(t.last_endpoints["node-1:8080"].failed, 5);
    assert_eq!(t.last_endpoints["node-2:8080"].failed, 5);
}

#[test]
fn an_hour_at_the_highest_rate_keeps_an_hour_of_seconds_and_sums_the_rest() {
    let mut s = ready_web();
    ok(&mut s, "traffic start svc/web --rps 10000\nrun 3605s");
    let t = s.sim().traffic().target("svc/web").expect("target");
    assert_eq!(t.seconds.len(), traffic::MAX_SECONDS_KEPT);
    assert_eq!(t.older.seconds, 5);
    assert_eq!(t.older.sent, 50_000);
    let totals = t.totals();
    assert_eq!(
        (totals.seconds, totals.sent, totals.ok),
        (3_605, 36_050_000, 36_050_000)
    );
    let last = t.seconds.last().expect("a second");
    assert_eq!((last.sent, last.ok), (10_000, 10_000));
    assert_eq!(t.last_endpoints.values().map(|c| c.ok).sum::<u32>(), 10_000);
}

#[test]
fn stopping_traffic_empties_the_queue_and_keeps_the_stats() {
    let mut s = ready_web();
    ok(&mut s, "run 60s");
    let idle_queue = s.sim().scheduled();
    ok(
        &mut s,
        "traffic start svc/web\nrun 3s\ntraffic stop\nrun 10s",
    );
    assert_eq!(s.sim().scheduled(), idle_queue);
    assert_eq!(series(&s, "svc/web").len(), 3);
    let list = ok_last(&mut s, "traffic list");
    assert!(list.contains("stopped"), "{list}");
}

#[test]
fn the_same_script_gives_the_same_trace_and_the_same_stats() {
    let script = format!(
        "{CLUSTER}\n{}\n{SERVICE}\nrun 30s\ntraffic start svc/web --rps 500\nrun 5s\n\
         kubectl scale deployment web --replicas=1\nrun 20s\ntraffic stats",
        deployment("web", 3, 0)
    );
    let run = || {
        let mut s = session();
        let out = ok(&mut s, &script);
        (s.sim().trace_hash(), series(&s, "svc/web"), out)
    };
    let a = run();
    let b = run();
    assert_eq!(a, b);
    assert_eq!(a.1.len(), 25);
}

#[test]
fn bad_traffic_and_lb_commands_change_nothing() {
    let setup = format!("{CLUSTER}\n{}\n{SERVICE}\nrun 10s", deployment("web", 1, 0));
    let cases: &[(&str, &str)] = &[
        (
            "traffic start svc/nope",
            "Error from server (NotFound): services \"nope\" not found",
        ),
        (
            "traffic start svc/web --rps 0",
            "traffic: invalid --rps \"0\": must be a whole number from 1 to 10000",
        ),
        (
            "traffic start svc/web --rps 20000",
            "traffic: invalid --rps \"20000\": must be a whole number from 1 to 10000",
        ),
        (
            "traffic start svc/web --rps lots",
            "traffic: invalid --rps \"lots\": must be a whole number from 1 to 10000",
        ),
        (
            "traffic start pod/web",
            "traffic: invalid target \"pod/web\": expected svc/NAME or lb/NAME",
        ),
        ("traffic stop", "traffic: no traffic is running"),
        (
            "traffic stats svc/web",
            "traffic: no traffic to svc/web has run",
        ),
        (
            "lb create front --backend node-9:80",
            "lb: host not found in upstream \"node-9:80\" (no node named \"node-9\")",
        ),
        (
            "lb create front --backend node-1:0",
            "lb: invalid backend \"node-1:0\": expected NODE:PORT with a port from 1 to 65535",
        ),
        (
            "lb add front node-1:80",
            "lb: load balancer \"front\" not found",
        ),
        (
            "traffic start lb/front",
            "lb: load balancer \"front\" not found",
        ),
    ];
    for (bad, message) in cases {
        assert_fails_and_changes_nothing_in(session(), &setup, bad, message);
    }
    let with_lb = format!("{setup}\nlb create front --backend node-1:80\ntraffic start svc/web");
    let cases: &[(&str, &str)] = &[
        (
            "lb create front --backend node-2:80",
            "lb: load balancer \"front\" already exists",
        ),
        (
            "lb add front node-1:80",
            "lb: load balancer \"front\" already has backend \"node-1:80\"",
        ),
        (
            "lb remove front node-2:80",
            "lb: load balancer \"front\" has no backend \"node-2:80\"",
        ),
        (
            "traffic start svc/web",
            "traffic: traffic to svc/web is already running at 100 requests/s (traffic stop svc/web first)",
        ),
        (
            "traffic stop lb/front",
            "traffic: no traffic to lb/front is running",
        ),
    ];
    for (bad, message) in cases {
        assert_fails_and_changes_nothing_in(session(), &with_lb, bad, message);
    }
}

#[test]
fn traffic_without_a_cluster_is_kubectls_connection_error() {
    assert_fails_and_changes_nothing_in(
        session(),
        "echo hi",
        "traffic start svc/web",
        "The connection to the server localhost:8080 was refused - did you specify the right host or port?",
    );
}
