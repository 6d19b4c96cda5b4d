//! The cluster issue's scheduling workload (#5): 150,000 pods onto 5,000 nodes, one after
//! another, each binding updating the snapshot, with the default plugins. Shared by the native
//! criterion bench (`benches/scheduler.rs`) and the wasm harness (`bench/wasm-scheduler`, run by
//! `cargo xtask bench-wasm`), so both time the same placements and check the same hash.
//!
//! Behind the `bench-workload` feature: it is test scaffolding, not part of the model.
//!
//! Nodes: 32 cores, 128 GiB, 110 pods, three zones, hostname labels, a few images (one of them
//! the pods' image on a third of the nodes); every 50th node carries a PreferNoSchedule taint.
//! Pods: 100m / 128 MiB, no owners (so no default topology spreading), and a variant whose pods
//! belong to 50 ReplicaSets and therefore spread by the system default constraints (hostname and
//! zone).

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::select::{LabelMatcher, Selector};
use super::{
    schedule, NodeSpec, PodToSchedule, Record, Resources, SchedulerConfig, SchedulerState, Snapshot,
};
use crate::cluster::api::{StringMap, Taint, TaintEffect};

/// Nodes in the cluster.
pub const NODES: usize = 5_000;
/// Pods scheduled, one after another.
pub const PODS: usize = 150_000;
const MIB: i64 = 1024 * 1024;

/// One way of running the workload, with the placement hash it must produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Variant {
    /// The criterion benchmark's name.
    pub name: &'static str,
    /// Whether the pods belong to ReplicaSets (and so spread by the default constraints).
    pub owned: bool,
    /// `percentageOfNodesToScore`; 0 is the adaptive default (500 feasible nodes at this size).
    pub percentage_of_nodes_to_score: u32,
    /// The FNV-1a hash of every placement, from [`schedule_all`].
    pub expected_hash: u64,
}

/// The figure: default plugins, adaptive `percentageOfNodesToScore`, unowned pods.
pub const ADAPTIVE_SAMPLING: Variant = Variant {
    name: "adaptive_sampling",
    owned: false,
    percentage_of_nodes_to_score: 0,
    expected_hash: 0xe930_c57f_43ab_8494,
};

/// Every variant the native bench runs. The hashes were recorded with the scheduler before its
/// performance work (commit bb760ce's sim-core), so a faster scheduler that decides differently
/// fails. That code recounted spreading every cycle; the default-spread hash is its 150,000-pod
/// run, recorded then (the bench ran 15,000 pods, hashing 0x5436_6d48_c104_e7e0).
pub const VARIANTS: [Variant; 3] = [
    ADAPTIVE_SAMPLING,
    Variant {
        name: "score_every_node",
        owned: false,
        percentage_of_nodes_to_score: 100,
        expected_hash: 0xb04c_3ac8_be9e_80e9,
    },
    Variant {
        name: "adaptive_sampling_default_spread",
        owned: true,
        percentage_of_nodes_to_score: 0,
        expected_hash: 0xe535_592d_25e5_0bd5,
    },
];

/// The 5,000-node cluster, no pods bound.
pub fn cluster() -> Snapshot {
    let mut s = Snapshot::new();
    for i in 0..NODES {
        let name = format!("node-{i:05}");
        let mut labels = StringMap::new();
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
        .expect("node names are unique by construction");
    }
    s
}

/// `count` pods with the `app` label of one of 50 apps; `owned` gives each the default spread
/// selector a ReplicaSet's pod gets.
pub fn pods(count: usize, owned: bool) -> Vec<PodToSchedule> {
    (0..count)
        .map(|i| {
            let app = format!("app-{}", i % 50);
            let mut labels = StringMap::new();
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
                    LabelMatcher::Selector(
                        Selector::parse(&format!("app={app}")).expect("a valid selector"),
                    )
                }),
                ..PodToSchedule::default()
            }
        })
        .collect()
}

/// Schedules and binds every pod; returns an FNV-1a hash of the chosen node index of every pod
/// in order (`u64::MAX` for an unschedulable one).
pub fn schedule_all(
    mut snapshot: Snapshot,
    pods: &[PodToSchedule],
    percentage_of_nodes_to_score: u32,
) -> u64 {
    let config = SchedulerConfig {
        percentage_of_nodes_to_score,
        record: Record::Outcome,
        ..SchedulerConfig::default()
    };
    let mut state = SchedulerState::default();
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for pod in pods {
        let d = schedule(&snapshot, pod, &config, &mut state, &mut rng);
        let chosen = d.selected.as_ref().map_or(u64::MAX, |s| u64::from(s.index));
        hash = (hash ^ chosen).wrapping_mul(0x0100_0000_01b3);
        if let Some(sel) = d.selected {
            snapshot
                .add_pod(sel.index as usize, &pod.as_bound())
                .expect("the selected node exists");
        }
    }
    hash
}
