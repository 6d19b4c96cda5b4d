//! The cluster issue's scheduling budget: 150,000 pods onto 5,000 nodes, one after another, each
//! binding updating the snapshot (≤0.5 s native, ≤1.5 s in wasm), with the default plugins and
//! `percentageOfNodesToScore` (adaptive: 500 feasible nodes per cycle at this size), and the same
//! scoring every node.
//!
//! Nodes: 32 cores, 128 GiB, 110 pods, three zones, hostname labels, a few images (one of them
//! the pods' image on a third of the nodes); every 50th node carries a PreferNoSchedule taint.
//! Pods: 100m / 128 MiB, no owners (so no default topology spreading), and a variant whose pods
//! belong to 50 ReplicaSets and therefore spread by the system default constraints — its PreScore
//! counts matching pods on all 5,000 nodes every cycle, so it runs 15,000 pods, not 150,000.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use sim_core::cluster::api::{Taint, TaintEffect};
use sim_core::cluster::scheduler::select::{LabelMatcher, Selector};
use sim_core::cluster::scheduler::{
    schedule, NodeSpec, PodToSchedule, Record, Resources, SchedulerConfig, SchedulerState, Snapshot,
};

const NODES: usize = 5_000;
const PODS: usize = 150_000;
const MIB: i64 = 1024 * 1024;

fn cluster() -> Snapshot {
    let mut s = Snapshot::new();
    for i in 0..NODES {
        let name = format!("node-{i:05}");
        let mut labels = std::collections::BTreeMap::new();
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
            let mut labels = std::collections::BTreeMap::new();
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

/// Schedules and binds every pod; returns how many were bound.
fn schedule_all(mut snapshot: Snapshot, pods: &[PodToSchedule], percentage: u32) -> usize {
    let config = SchedulerConfig {
        percentage_of_nodes_to_score: percentage,
        record: Record::Outcome,
        ..SchedulerConfig::default()
    };
    let mut state = SchedulerState::default();
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let mut bound = 0;
    for pod in pods {
        let d = schedule(&snapshot, pod, &config, &mut state, &mut rng);
        if let Some(sel) = d.selected {
            snapshot
                .add_pod(sel.index, &pod.as_bound())
                .expect("node exists");
            bound += 1;
        }
    }
    bound
}

fn bench(c: &mut Criterion) {
    let snapshot = cluster();
    let bare = pods(PODS, false);
    let owned = pods(PODS / 10, true);
    let mut group = c.benchmark_group("schedule_150k_pods_on_5k_nodes");
    group.sample_size(10);
    group.measurement_time(std::time::Duration::from_secs(20));
    for (name, pods, percentage) in [
        ("adaptive_sampling", &bare, 0),
        ("score_every_node", &bare, 100),
        ("adaptive_sampling_default_spread_15k_pods", &owned, 0),
    ] {
        group.bench_function(name, |b| {
            b.iter_batched(
                || snapshot.clone(),
                |s| black_box(schedule_all(s, pods, percentage)),
                BatchSize::LargeInput,
            )
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
