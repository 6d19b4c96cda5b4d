//! `chaos random` draws every fault kind the model has (issue #6): node crash, kubelet stop,
//! partition, container runtime stop, memory and disk pressure, zone outage, pod kill, crashloop and image pull error,
//! each from the seeded RNG, on a target that exists when it is typed, and undone 1–5 min later
//! so that the cluster converges once the faults stop.

use sim_core::cluster::api::{ConditionStatus, Node, Pod};
use sim_core::cluster::faults::{FaultAction, ScheduledFault};
use sim_core::event::EventKind;
use sim_core::{Session, SimConfig};

mod common;
use common::{assert_fails_and_changes_nothing_in, node, ok, ok_last, pods};

fn session(seed: u64) -> Session {
    Session::new(SimConfig { seed })
}

/// 3 nodes, node-1 and node-2 in zone `a`, node-3 in zone `b`; Deployment `web` of `replicas`
/// nginx pods, all Ready; the clock at 60 s.
fn setup(replicas: u32) -> String {
    format!(
        "cluster create --nodes 3
kubectl label node node-1 topology.kubernetes.io/zone=a
kubectl label node node-2 topology.kubernetes.io/zone=a
kubectl label node node-3 topology.kubernetes.io/zone=b
kubectl create deployment web --image=nginx:1.27-alpine --replicas={replicas}
run 60s"
    )
}

fn ready(p: &Pod) -> bool {
    p.status
        .conditions
        .iter()
        .any(|c| c.type_ == "Ready" && c.status == ConditionStatus::True)
}

fn condition(n: &Node, type_: &str) -> Option<ConditionStatus> {
    n.status
        .conditions
        .iter()
        .find(|c| c.type_ == type_)
        .map(|c| c.status.clone())
}

/// Whether `web` has as many Ready, not terminating pods as it wants.
fn web_converged(s: &Session, want: usize) -> bool {
    pods(s)
        .iter()
        .filter(|p| p.metadata.deletion_timestamp.is_none() && ready(p))
        .count()
        == want
}

/// The first fault of `kind` that `chaos random` queued, and the undo queued with it (the next
/// fault id).
fn first_with_undo(s: &Session, kind: FaultAction) -> (ScheduledFault, ScheduledFault) {
    let c = s.sim().cluster().expect("cluster");
    let (id, f) = c
        .faults_scheduled
        .iter()
        .filter(|(_, f)| f.action == kind)
        .min_by_key(|(_, f)| f.at)
        .unwrap_or_else(|| panic!("no {kind:?} drawn"));
    let undo = c.faults_scheduled.get(&(id + 1)).expect("undo").clone();
    assert_eq!(undo.node, f.node, "the undo strikes the same target");
    assert!(undo.at > f.at);
    (f.clone(), undo)
}

/// Runs the session until `at_ms` plus `extra_ms`.
fn run_to(s: &mut Session, at_ms: u64, extra_ms: u64) {
    let now = s.sim().now().as_ms();
    let until = at_ms + extra_ms;
    assert!(until >= now, "already past {until}");
    ok(s, &format!("run {}ms", until - now));
}

/// The `FaultInjected` events named `fault`.
fn injected<'a>(
    s: &'a Session,
    fault: &'a str,
) -> impl Iterator<Item = &'a sim_core::event::Event> {
    s.sim()
        .log()
        .iter()
        .filter(move |e| matches!(&e.kind, EventKind::FaultInjected { fault: f } if f == fault))
}

/// Runs the session until every queued fault and undo has happened.
fn run_past_every_fault(s: &mut Session) {
    let last = s
        .sim()
        .cluster()
        .expect("cluster")
        .faults_scheduled
        .values()
        .map(|f| f.at.as_ms())
        .max();
    if let Some(last) = last {
        run_to(s, last, 1);
    }
    assert!(s
        .sim()
        .cluster()
        .expect("cluster")
        .faults_scheduled
        .is_empty());
}

/// Runs 10 s at a time until `web` has `want` Ready pods, at most `limit_s`; returns how long.
fn converge(s: &mut Session, want: usize, limit_s: u64) -> u64 {
    let mut waited = 0;
    while !web_converged(s, want) {
        assert!(
            waited < limit_s,
            "web not converged {limit_s} s after the faults"
        );
        ok(s, "run 10s");
        waited += 10;
    }
    waited
}

#[test]
fn random_memory_and_disk_pressure_evict_from_a_random_node_and_heal_after_the_recovery_draw() {
    for (word, kind, cond, taint) in [
        (
            "memory-pressure",
            FaultAction::MemoryPressure,
            "MemoryPressure",
            "node.kubernetes.io/memory-pressure",
        ),
        (
            "disk-pressure",
            FaultAction::DiskPressure,
            "DiskPressure",
            "node.kubernetes.io/disk-pressure",
        ),
    ] {
        let mut s = session(5);
        ok(&mut s, &setup(3));
        let out = ok_last(
            &mut s,
            &format!("chaos random --faults {word} --mean-interval 1m --for 2m"),
        );
        let (f, undo) = first_with_undo(&s, kind);
        assert_eq!(undo.action, FaultAction::Heal);
        assert!(
            out.contains(&format!(
                "  {}  {word} {} (heal at {})\n",
                f.at, f.node, undo.at
            )),
            "{out}"
        );
        // The eviction manager notices at its next 10 s look: the condition, its taint, and an
        // eviction that chains back to the fault.
        run_to(&mut s, f.at.as_ms(), 20_000);
        let n = node(&s, &f.node);
        assert_eq!(condition(&n, cond), Some(ConditionStatus::True), "{word}");
        assert!(n.spec.taints.iter().any(|t| t.key == taint), "{word}");
        let fault = injected(&s, word).next().expect("fault event");
        assert!(fault.cause.is_some());
        assert!(s.sim().log().iter().any(|e| {
            matches!(&e.kind, EventKind::KubeEvent { reason, .. } if reason == "Evicted")
        }));
        // Healed after the recovery draw; the condition clears 5 min after the last eviction.
        run_past_every_fault(&mut s);
        assert!(injected(&s, "heal").count() >= 1);
        ok(&mut s, "run 5m20s");
        let c = s.sim().cluster().expect("cluster");
        assert!(c.faults.is_empty(), "{:?}", c.faults);
        let n = node(&s, &f.node);
        assert_eq!(condition(&n, cond), Some(ConditionStatus::False), "{word}");
        assert!(!n.spec.taints.iter().any(|t| t.key == taint), "{word}");
        converge(&mut s, 3, 600);
    }
}

#[test]
fn a_random_zone_outage_crashes_every_node_of_a_random_zone_and_brings_them_back_together() {
    let mut s = session(7);
    ok(&mut s, &setup(3));
    let out = ok_last(
        &mut s,
        "chaos random --faults zone-outage --mean-interval 2m --for 2m",
    );
    let (f, undo) = first_with_undo(&s, FaultAction::ZoneOutage);
    assert_eq!(undo.action, FaultAction::ZoneRecover);
    assert!(
        out.contains(&format!(
            "  {}  zone-outage  zone/{} (zone-recover at {})\n",
            f.at, f.node, undo.at
        )),
        "{out}"
    );
    let zone_nodes: Vec<&str> = if f.node == "a" {
        vec!["node-1", "node-2"]
    } else {
        vec!["node-3"]
    };
    run_to(&mut s, f.at.as_ms(), 0);
    let c = s.sim().cluster().expect("cluster");
    for n in ["node-1", "node-2", "node-3"] {
        assert_eq!(c.fault(n).down, zone_nodes.contains(&n), "{n}");
    }
    // One crash per node of the zone, at the same instant, caused by the queued fault.
    let crashes: Vec<_> = injected(&s, "node-crash").collect();
    assert_eq!(crashes.len(), zone_nodes.len());
    assert!(crashes.iter().all(|e| e.time == f.at && e.cause.is_some()));
    assert!(ok_last(&mut s, "chaos list").contains(&format!("zone-recover   zone/{}", f.node)));
    // They come back together, and the node controller sees them Ready again.
    run_to(&mut s, undo.at.as_ms(), 0);
    let recovers: Vec<_> = injected(&s, "node-recover").collect();
    assert_eq!(recovers.len(), zone_nodes.len());
    assert!(recovers.iter().all(|e| e.time == undo.at));
    run_past_every_fault(&mut s);
    ok(&mut s, "run 30s");
    assert!(s.sim().cluster().expect("cluster").faults.is_empty());
    for n in zone_nodes {
        assert_eq!(
            condition(&node(&s, n), "Ready"),
            Some(ConditionStatus::True)
        );
    }
    converge(&mut s, 3, 600);
}

#[test]
fn a_random_crashloop_breaks_a_random_deployment_until_its_end_and_the_deployment_converges() {
    let mut s = session(5);
    ok(&mut s, &setup(3));
    let out = ok_last(
        &mut s,
        "chaos random --faults crashloop --mean-interval 2m --for 2m",
    );
    let (f, undo) = first_with_undo(&s, FaultAction::Crashloop);
    assert_eq!(f.node, "default/web");
    assert_eq!(undo.action, FaultAction::CrashloopEnd);
    assert!(
        out.contains(&format!(
            "  {}  crashloop    deployment/web (crashloop-end at {})\n",
            f.at, undo.at
        )),
        "{out}"
    );
    assert!(ok_last(&mut s, "chaos list").contains("crashloop-end   deployment/web"));
    run_to(&mut s, f.at.as_ms(), 30_000);
    let fault = injected(&s, "crashloop").next().expect("fault event");
    assert!(fault.cause.is_some());
    assert!(pods(&s)
        .iter()
        .all(|p| p.status.container_statuses[0].restart_count >= 1 && !ready(p)));
    run_to(&mut s, undo.at.as_ms(), 0);
    let end = injected(&s, "crashloop-end").next().expect("end event");
    assert_eq!(end.object.name, "web");
    assert!(end.cause.is_some());
    run_past_every_fault(&mut s);
    assert!(s
        .sim()
        .cluster()
        .expect("cluster")
        .workload_faults
        .is_empty());
    // A container in CrashLoopBackOff restarts at the end of its back-off (at most 300 s), then
    // keeps running.
    converge(&mut s, 3, 400);
}

#[test]
fn a_random_image_pull_error_fails_new_pulls_until_the_registry_recovers() {
    let mut s = session(1);
    // One replica: the other two nodes do not have the image yet.
    ok(&mut s, &setup(1));
    let out = ok_last(
        &mut s,
        "chaos random --faults image-pull-error --mean-interval 2m --for 2m",
    );
    let (f, undo) = first_with_undo(&s, FaultAction::ImagePullError);
    assert_eq!(f.node, "docker.io/library/nginx:1.27-alpine");
    assert_eq!(undo.action, FaultAction::ImagePullRecover);
    assert!(
        out.contains(&format!(
            "  {}  image-pull-error docker.io/library/nginx:1.27-alpine (image-pull-recover at {})\n",
            f.at, undo.at
        )),
        "{out}"
    );
    run_to(&mut s, f.at.as_ms(), 0);
    assert!(injected(&s, "image-pull-error")
        .next()
        .is_some_and(|e| e.cause.is_some()));
    // New pods on nodes without the image cannot pull it.
    ok(&mut s, "kubectl scale deployment web --replicas=3\nrun 20s");
    let waiting: Vec<String> = pods(&s)
        .iter()
        .filter_map(|p| p.status.container_statuses.first()?.state.waiting.clone())
        .map(|w| w.reason)
        .collect();
    assert!(
        waiting
            .iter()
            .any(|r| r == "ErrImagePull" || r == "ImagePullBackOff"),
        "{waiting:?}"
    );
    run_past_every_fault(&mut s);
    assert!(injected(&s, "image-pull-recover").next().is_some());
    // ImagePullBackOff's next attempt (at most 300 s later) pulls.
    converge(&mut s, 3, 400);
}

#[test]
fn all_draws_every_kind_and_the_same_seed_gives_the_same_output_and_trace() {
    let run = |seed: u64| {
        let mut s = session(seed);
        ok(&mut s, &setup(3));
        let out = ok_last(
            &mut s,
            "chaos random --faults all --mean-interval 2m --for 2h",
        );
        ok(&mut s, "run 2h10m");
        (out, s.sim().trace_hash(), s)
    };
    let (out, hash, mut s) = run(11);
    let (out2, hash2, _) = run(11);
    assert_eq!(out, out2);
    assert_eq!(hash, hash2);
    assert_ne!(out, run(12).0);
    for word in [
        "node-crash",
        "kubelet-stop",
        "partition",
        "runtime-stop",
        "memory-pressure",
        "disk-pressure",
        "zone-outage",
        "pod-kill",
        "crashloop",
        "image-pull-error",
    ] {
        assert!(
            out.contains(&format!("  {word} ")),
            "{word} not drawn:\n{out}"
        );
    }
    // Every fault and undo has happened; once the last pressure condition clears, the cluster
    // is as healthy as it started.
    assert_eq!(ok_last(&mut s, "chaos list"), "No faults.\n");
    ok(&mut s, "run 5m");
    converge(&mut s, 3, 600);
}

#[test]
fn all_leaves_out_the_kinds_a_cluster_has_no_target_for_and_says_so() {
    let mut s = session(1);
    ok(&mut s, "cluster create --nodes 2\nrun 10s");
    let out = ok_last(
        &mut s,
        "chaos random --faults all --mean-interval 10m --for 1h",
    );
    assert!(
        out.contains(
            "chaos: all leaves out zone-outage: no node is labelled topology.kubernetes.io/zone"
        ),
        "{out}"
    );
    assert!(
        out.contains("chaos: all leaves out crashloop: there is no Deployment to crashloop"),
        "{out}"
    );
    assert!(
        out.contains("chaos: all leaves out image-pull-error: no Deployment or pod names an image"),
        "{out}"
    );
    assert!(!out.contains("  zone-outage "), "{out}");
}

#[test]
fn random_faults_without_a_target_or_with_an_unknown_kind_fail_and_change_nothing() {
    let usage = "\nusage: chaos node-crash|node-recover|kubelet-stop|kubelet-start|runtime-stop|runtime-start|partition|memory-pressure|disk-pressure|heal NODE [--at T] | pod-kill POD | crashloop DEPLOY [--at T] | image-pull-error IMAGE [--at T] | zone-outage|zone-recover ZONE [--at T] | random --faults LIST --mean-interval T [--for T] | list | clear";
    let zoneless = "cluster create --nodes 3\nrun 10s";
    for (setup, bad, message) in [
        (
            setup(3),
            "chaos random --faults node-crash,meteor --mean-interval 10m",
            format!("chaos: unknown fault \"meteor\" in --faults: node-crash, kubelet-stop, partition, runtime-stop, memory-pressure, disk-pressure, zone-outage, pod-kill, crashloop, image-pull-error or all{usage}"),
        ),
        (
            zoneless.to_string(),
            "chaos random --faults node-crash,zone-outage --mean-interval 10m",
            "chaos random: cannot draw zone-outage: no node is labelled topology.kubernetes.io/zone (cluster create --profile cloud or onprem makes zones; kubectl label node NODE topology.kubernetes.io/zone=ZONE adds one)".to_string(),
        ),
        (
            zoneless.to_string(),
            "chaos random --faults crashloop --mean-interval 10m",
            "chaos random: cannot draw crashloop: there is no Deployment to crashloop".to_string(),
        ),
        (
            zoneless.to_string(),
            "chaos random --faults all,image-pull-error --mean-interval 10m",
            "chaos random: cannot draw image-pull-error: no Deployment or pod names an image".to_string(),
        ),
    ] {
        assert_fails_and_changes_nothing_in(session(2), &setup, bad, &message);
    }
}

#[test]
fn chaos_list_shows_every_random_fault_with_its_undo_and_clear_cancels_them() {
    let mut s = session(4);
    ok(&mut s, &setup(3));
    ok(
        &mut s,
        "chaos random --faults crashloop,image-pull-error,zone-outage,memory-pressure --mean-interval 3m --for 10m",
    );
    let list = ok_last(&mut s, "chaos list");
    let c = s.sim().cluster().expect("cluster");
    let rows = list.lines().skip(2).count();
    assert_eq!(rows, c.faults_scheduled.len(), "{list}");
    for f in c.faults_scheduled.values() {
        assert!(
            list.contains(&format!("{}   {}", f.at, f.action.as_str())),
            "{list}"
        );
    }
    let out = ok(&mut s, "chaos clear");
    assert!(out.starts_with("chaos: cancelled "), "{out}");
    ok(&mut s, "run 20m");
    assert!(injected(&s, "crashloop").next().is_none());
    assert_eq!(ok_last(&mut s, "chaos list"), "No faults.\n");
}

#[test]
fn random_faults_never_strike_a_target_still_under_an_earlier_one_so_each_undo_ends_only_its_own() {
    // One node and faults every 30 s on average for 20 min: without the rule, draws would pile
    // up on node-1 and the first heal or recover would end faults drawn after it.
    let mut s = session(11);
    ok(
        &mut s,
        "cluster create --nodes 1\nkubectl label node node-1 topology.kubernetes.io/zone=a\nrun 10s",
    );
    let out = ok_last(
        &mut s,
        "chaos random --faults node-crash,kubelet-stop,partition,memory-pressure,zone-outage --mean-interval 30s --for 20m",
    );
    assert!(
        out.contains("skipped: every target is still under an earlier random fault"),
        "{out}"
    );
    // The queued faults and their undos strike node-1 (or its zone) in disjoint intervals.
    let c = s.sim().cluster().expect("cluster");
    let mut spans: Vec<(u64, u64)> = Vec::new();
    for (id, f) in &c.faults_scheduled {
        if matches!(
            f.action,
            FaultAction::NodeRecover
                | FaultAction::KubeletStart
                | FaultAction::Heal
                | FaultAction::ZoneRecover
        ) {
            continue;
        }
        let undo = c.faults_scheduled.get(&(id + 1)).expect("undo");
        spans.push((f.at.as_ms(), undo.at.as_ms()));
    }
    spans.sort();
    assert!(spans.len() >= 3, "{out}");
    for w in spans.windows(2) {
        assert!(
            w[0].1 < w[1].0,
            "overlapping random faults: {spans:?}\n{out}"
        );
    }
    // Every fault lasts until its own undo: just before each undo the node is still faulty.
    for (_, undo_ms) in spans {
        run_to(&mut s, undo_ms - 1, 0);
        assert!(
            !s.sim()
                .cluster()
                .expect("cluster")
                .fault("node-1")
                .is_healthy(),
            "node-1 healthy before the undo at {undo_ms} ms"
        );
    }
    run_past_every_fault(&mut s);
    assert!(s.sim().cluster().expect("cluster").faults.is_empty());
}

#[test]
fn zone_outage_and_zone_recover_take_a_zone_down_and_back_now_or_at_a_later_time() {
    let mut s = session(3);
    ok(&mut s, &setup(3));
    let out = ok_last(&mut s, "chaos zone-outage a --at 1m");
    assert_eq!(out, "chaos: zone-outage zone/a scheduled at 00:02:00\n");
    let out = ok_last(&mut s, "chaos zone-recover zone/a --at 3m");
    assert_eq!(out, "chaos: zone-recover zone/a scheduled at 00:04:00\n");
    let list = ok_last(&mut s, "chaos list");
    assert!(list.contains("zone-outage    zone/a"), "{list}");
    assert!(list.contains("zone-recover   zone/a"), "{list}");
    ok(&mut s, "run 59s");
    assert!(!s.sim().cluster().expect("cluster").fault("node-1").down);
    ok(&mut s, "run 1s");
    let c = s.sim().cluster().expect("cluster");
    assert!(c.fault("node-1").down && c.fault("node-2").down && !c.fault("node-3").down);
    // Taking a zone down twice changes nothing, and says so.
    let before = s.sim().log().len();
    assert_eq!(
        ok_last(&mut s, "chaos zone-outage a"),
        "chaos: every node of zone/a is already down: zone-outage changes nothing\n"
    );
    assert_eq!(s.sim().log().len(), before + 1, "only the command itself");
    ok(&mut s, "run 2m");
    let c = s.sim().cluster().expect("cluster");
    assert!(!c.fault("node-1").down && !c.fault("node-2").down);
    assert_eq!(injected(&s, "node-recover").count(), 2);
    // Now, without --at: the output names each node.
    assert_eq!(
        ok_last(&mut s, "chaos zone-outage b"),
        "chaos: node-crash node-3\nchaos: zone b is down (1 node(s))\n"
    );
    assert_eq!(
        ok_last(&mut s, "chaos zone-recover b"),
        "chaos: node-recover node-3\nchaos: zone b is up (1 node(s))\n"
    );
    assert_eq!(
        ok_last(&mut s, "chaos zone-recover b"),
        "chaos: every node of zone/b is already up: zone-recover changes nothing\n"
    );
}

#[test]
fn zone_commands_with_an_unknown_zone_or_a_bad_flag_fail_and_change_nothing() {
    let usage = "\nusage: chaos node-crash|node-recover|kubelet-stop|kubelet-start|runtime-stop|runtime-start|partition|memory-pressure|disk-pressure|heal NODE [--at T] | pod-kill POD | crashloop DEPLOY [--at T] | image-pull-error IMAGE [--at T] | zone-outage|zone-recover ZONE [--at T] | random --faults LIST --mean-interval T [--for T] | list | clear";
    for (bad, message) in [
        (
            "chaos zone-outage c --at 1m",
            "chaos: no node is labelled topology.kubernetes.io/zone=c".to_string(),
        ),
        (
            "chaos zone-recover",
            format!("chaos: chaos zone-recover needs one ZONE{usage}"),
        ),
        (
            "chaos zone-outage a -n default",
            format!("chaos: chaos zone-outage does not take -n: zones are not namespaced{usage}"),
        ),
        (
            "chaos zone-outage a --at soon",
            format!("chaos: invalid --at \"soon\": expected a duration from now such as 30s, 2m or 1m30s{usage}"),
        ),
    ] {
        assert_fails_and_changes_nothing_in(session(1), &setup(1), bad, &message);
    }
}
