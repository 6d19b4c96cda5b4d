//! The cluster issue's scheduling budget: 150,000 pods onto 5,000 nodes, one after another, each
//! binding updating the snapshot (≤0.5 s native, ≤1.5 s in wasm), with the default plugins and
//! `percentageOfNodesToScore` (adaptive: 500 feasible nodes per cycle at this size), and the same
//! scoring every node.
//!
//! Nodes: 32 cores, 128 GiB, 110 pods, three zones, hostname labels, a few images (one of them
//! the pods' image on a third of the nodes); every 50th node carries a PreferNoSchedule taint.
//! Pods: 100m / 128 MiB, no owners (so no default topology spreading), and a variant whose pods
//! belong to 50 ReplicaSets and therefore spread by the system default constraints (hostname and
//! zone). Its PreScore reads matching-pod counts the snapshot keeps per node and per zone as pods
//! bind, so it too runs all 150,000 pods (before those counts it recounted all 5,000 nodes every
//! cycle and ran only 15,000).
//!
//! Every run checks a hash of all placements against the value recorded before the scheduler's
//! performance work (same seed ⇒ the same node for every pod), so a faster scheduler that
//! decides differently fails here.
//!
//! The second group is the other figure: `kubectl apply` of a Deployment with 1,000
//! replicas on 100 nodes, through a `Session` as a user types it, until every pod is Ready.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use sim_core::cluster::api::{Taint, TaintEffect};
use sim_core::cluster::scheduler::select::{LabelMatcher, Selector};
use sim_core::cluster::scheduler::{
    schedule, NodeSpec, PodToSchedule, Record, Resources, SchedulerConfig, SchedulerState, Snapshot,
};
use sim_core::{Session, SimConfig};

const NODES: usize = 5_000;
const PODS: usize = 150_000;
const MIB: i64 = 1024 * 1024;

fn cluster() -> Snapshot {
    let mut s = Snapshot::new();
    for i in 0..NODES {
        let name = format!("node-{i:05}");
        let mut labels = sim_core::cluster::api::StringMap::new();
        labels.insert("kubernetes.io/hostname".to_owned(), name.clone());
        labels.insert(
            "topology.kubernetes.io/zone".to_owned(),
            format!("zone-{}", i % 3),
        );
        let mut images = vec![("registry.k8s.io/pause:3.10".to_owned(), 700_000u64)];
        if i.is_multiple_of(3) {
            images.push(("nginx:latest".to_owned(), 190 * MIB as u64));
        }
        let taints = if i.is_multiple_of(50) {
            vec![Taint {
                key: "spot".into(),
                value: "true".into(),
                effect: TaintEffect::PreferNoSchedule,
                time_added: None,
            }]
        } else {
            Vec::new()
        };
        s.add_node(NodeSpec {
            name,
            labels,
            taints,
            unschedulable: false,
            allocatable: Resources {
                milli_cpu: 32_000,
                memory_bytes: 128 * 1024 * MIB,
            },
            allowed_pods: 110,
            images,
        })
        .expect("unique node names");
    }
    s
}

fn pods(count: usize, owned: bool) -> Vec<PodToSchedule> {
    (0..count)
        .map(|i| {
            let app = format!("app-{}", i % 50);
            let mut labels = sim_core::cluster::api::StringMap::new();
            labels.insert("app".to_owned(), app.clone());
            PodToSchedule {
                name: format!("pod-{i}"),
                namespace: "default".into(),
                labels,
                requests: Resources {
                    milli_cpu: 100,
                    memory_bytes: 128 * MIB,
                },
                non_zero_requests: Resources {
                    milli_cpu: 100,
                    memory_bytes: 128 * MIB,
                },
                images: vec!["nginx".into()],
                default_spread_selector: owned.then(|| {
                    LabelMatcher::Selector(Selector::parse(&format!("app={app}")).expect("valid"))
                }),
                ..PodToSchedule::default()
            }
        })
        .collect()
}

/// Schedules and binds every pod; returns an FNV-1a hash of the chosen node index of every pod
/// in order (`u64::MAX` for an unschedulable one).
fn schedule_all(mut snapshot: Snapshot, pods: &[PodToSchedule], percentage: u32) -> u64 {
    let config = SchedulerConfig {
        percentage_of_nodes_to_score: percentage,
        record: Record::Outcome,
        ..SchedulerConfig::default()
    };
    let mut state = SchedulerState::default();
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for pod in pods {
        let d = schedule(&snapshot, pod, &config, &mut state, &mut rng);
        let chosen = d.selected.as_ref().map_or(u64::MAX, |s| s.index as u64);
        hash = (hash ^ chosen).wrapping_mul(0x0100_0000_01b3);
        if let Some(sel) = d.selected {
            snapshot
                .add_pod(sel.index as usize, &pod.as_bound())
                .expect("node exists");
        }
    }
    hash
}

fn bench(c: &mut Criterion) {
    let snapshot = cluster();
    let bare = pods(PODS, false);
    let owned = pods(PODS, true);
    let mut group = c.benchmark_group("schedule_150k_pods_on_5k_nodes");
    group.sample_size(10);
    group.measurement_time(std::time::Duration::from_secs(20));
    // Placement hashes recorded with the scheduler before its performance work (commit
    // bb760ce's sim-core). That code recounted spreading every cycle; the default-spread hash is
    // its 150,000-pod run, recorded then (the bench ran 15,000 pods, hashing
    // 0x5436_6d48_c104_e7e0).
    for (name, pods, percentage, expected) in [
        ("adaptive_sampling", &bare, 0, 0xe930_c57f_43ab_8494),
        ("score_every_node", &bare, 100, 0xb04c_3ac8_be9e_80e9),
        (
            "adaptive_sampling_default_spread",
            &owned,
            0,
            0xe535_592d_25e5_0bd5,
        ),
    ] {
        group.bench_function(name, |b| {
            // Checked inside the closure, which criterion calls only for variants its filter
            // selects, so profiling one variant does not run the others.
            assert_eq!(
                schedule_all(snapshot.clone(), pods, percentage),
                expected,
                "{name}: placements differ from the recorded ones"
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
