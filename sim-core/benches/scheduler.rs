//! The cluster issue's scheduling budget: 150,000 pods onto 5,000 nodes, one after another, each
//! binding updating the snapshot (≤0.5 s native, ≤1.5 s in wasm), with the default plugins and
//! `percentageOfNodesToScore` (adaptive: 500 feasible nodes per cycle at this size), and the same
//! scoring every node.
//!
//! The workload (nodes, pods, the schedule-and-bind loop, the placement hashes) lives in
//! `sim_core::cluster::scheduler::bench_workload` (feature `bench-workload`), which the wasm
//! harness (`cargo xtask bench-wasm`) runs too. The default-spread variant's PreScore reads
//! matching-pod counts the snapshot keeps per node and per zone as pods bind, so it too runs all
//! 150,000 pods (before those counts it recounted all 5,000 nodes every cycle and ran only
//! 15,000).
//!
//! Every run checks a hash of all placements against the value recorded before the scheduler's
//! performance work (same seed ⇒ the same node for every pod), so a faster scheduler that
//! decides differently fails here.
//!
//! The second group is the other figure: `kubectl apply` of a Deployment with 1,000
//! replicas on 100 nodes, through a `Session` as a user types it, until every pod is Ready.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use sim_core::cluster::scheduler::bench_workload::{cluster, pods, schedule_all, PODS, VARIANTS};
use sim_core::{Session, SimConfig};

fn bench(c: &mut Criterion) {
    let snapshot = cluster();
    let bare = pods(PODS, false);
    let owned = pods(PODS, true);
    let mut group = c.benchmark_group("schedule_150k_pods_on_5k_nodes");
    group.sample_size(10);
    group.measurement_time(std::time::Duration::from_secs(20));
    for variant in VARIANTS {
        let pods = if variant.owned { &owned } else { &bare };
        let percentage = variant.percentage_of_nodes_to_score;
        group.bench_function(variant.name, |b| {
            // Checked inside the closure, which criterion calls only for variants its filter
            // selects, so profiling one variant does not run the others.
            assert_eq!(
                schedule_all(snapshot.clone(), pods, percentage),
                variant.expected_hash,
                "{}: placements differ from the recorded ones",
                variant.name
            );
            b.iter_batched(
                || snapshot.clone(),
                |s| black_box(schedule_all(s, pods, percentage)),
                BatchSize::LargeInput,
            )
        });
    }
    group.finish();
}

/// A 100-node cluster with a 1,000-replica Deployment manifest written, not yet applied.
fn cluster_with_manifest() -> Session {
    let mut session = Session::new(SimConfig { seed: 7 });
    let script = "cluster create --nodes 100
cat > web.yaml <<EOF
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1000
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
        resources:
          requests:
            cpu: 100m
            memory: 64Mi
EOF";
    for entry in session.submit(script) {
        assert!(!entry.failed(), "{}: {:?}", entry.command, entry.error);
    }
    session
}

/// `kubectl apply -f` and `run` until all 1,000 pods are Ready (two simulated minutes are
/// enough, and checked); returns the session and how many events the two commands recorded.
fn apply_until_ready(mut session: Session) -> (Session, usize) {
    let before = session.sim().log().len();
    for entry in session.submit("kubectl apply -f web.yaml\nrun 2m") {
        assert!(!entry.failed(), "{}: {:?}", entry.command, entry.error);
    }
    let events = session.sim().log().len() - before;
    (session, events)
}

fn apply_bench(c: &mut Criterion) {
    // Check once that two minutes get every replica Ready, and count the events.
    let (mut done, events) = apply_until_ready(cluster_with_manifest());
    let get = done.submit("kubectl get deployment web");
    assert!(
        get[0].output.contains("1000/1000"),
        "not all Ready: {}",
        get[0].output
    );
    let mut group = c.benchmark_group("kubectl_apply_1000_replicas_on_100_nodes");
    group.sample_size(10);
    group.throughput(criterion::Throughput::Elements(events as u64));
    group.bench_function("apply_to_all_ready", |b| {
        b.iter_batched(
            cluster_with_manifest,
            |s| black_box(apply_until_ready(s)),
            BatchSize::LargeInput,
        )
    });
    group.finish();
}

criterion_group!(benches, bench, apply_bench);
criterion_main!(benches);
