//! kube-scheduler model: one or more cases per plugin with hand-computed reasons and scores,
//! the sampling formula, the round-robin start, the FailedScheduling message, the seeded
//! tie-break, weights, and a property: the chosen node passes every filter and has the highest
//! total.

use proptest::prelude::*;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use sim_core::cluster::api::{Taint, TaintEffect, Toleration, TolerationOperator};
use sim_core::cluster::scheduler::plugins::{
    image_locality, node_resources_balanced_allocation, node_resources_fit, pod_topology_spread,
    priority_sort,
};
use sim_core::cluster::scheduler::select::{LabelMatcher, Labels, RequiredNodeAffinity, Selector};
use sim_core::cluster::scheduler::{
    num_feasible_nodes_to_find, schedule, Code, Decision, NodeSpec, Plugin, PodToSchedule, Record,
    Resources, SchedulerConfig, SchedulerState, Snapshot, SpreadConstraint, Weights,
    WhenUnsatisfiable,
};

const MIB: i64 = 1024 * 1024;
const GIB: i64 = 1024 * MIB;

fn labels(pairs: &[(&str, &str)]) -> Labels {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn node(name: &str, milli_cpu: i64, memory_bytes: i64) -> NodeSpec {
    NodeSpec {
        name: name.to_owned(),
        labels: labels(&[("kubernetes.io/hostname", name)]),
        taints: Vec::new(),
        unschedulable: false,
        allocatable: Resources {
            milli_cpu,
            memory_bytes,
        },
        allowed_pods: 110,
        images: Vec::new(),
    }
}

fn pod(name: &str, milli_cpu: i64, memory_bytes: i64) -> PodToSchedule {
    let requests = Resources {
        milli_cpu,
        memory_bytes,
    };
    PodToSchedule {
        name: name.to_owned(),
        namespace: "default".to_owned(),
        requests,
        non_zero_requests: Resources {
            milli_cpu: if milli_cpu == 0 { 100 } else { milli_cpu },
            memory_bytes: if memory_bytes == 0 {
                200 * MIB
            } else {
                memory_bytes
            },
        },
        images: vec!["nginx".to_owned()],
        ..PodToSchedule::default()
    }
}

fn taint(key: &str, value: &str, effect: TaintEffect) -> Taint {
    Taint {
        key: key.to_owned(),
        value: value.to_owned(),
        effect,
        time_added: None,
    }
}

fn snapshot(nodes: Vec<NodeSpec>) -> Snapshot {
    let mut s = Snapshot::new();
    for n in nodes {
        s.add_node(n).unwrap();
    }
    s
}

fn run(snapshot: &Snapshot, pod: &PodToSchedule) -> Decision {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    schedule(
        snapshot,
        pod,
        &SchedulerConfig::default(),
        &mut SchedulerState::default(),
        &mut rng,
    )
}

fn node_record<'a>(d: &'a Decision, name: &str) -> &'a sim_core::cluster::scheduler::NodeDecision {
    d.nodes.iter().find(|n| n.node == name).unwrap()
}

fn rejection(d: &Decision, name: &str) -> (Plugin, Code, Vec<String>) {
    let last = node_record(d, name).filters.last().unwrap();
    (last.plugin, last.code.unwrap(), last.reasons.clone())
}

fn score_of(d: &Decision, name: &str, plugin: Plugin) -> (i64, i64) {
    let s = node_record(d, name)
        .scores
        .iter()
        .find(|s| s.plugin == plugin)
        .unwrap();
    (s.raw, s.normalized)
}

fn web_selector() -> LabelMatcher {
    LabelMatcher::Selector(Selector::parse("app=web").unwrap())
}

fn web_pod_bound() -> sim_core::cluster::scheduler::BoundPod {
    let mut p = pod("w", 100, 100 * MIB);
    p.labels = labels(&[("app", "web")]);
    p.as_bound()
}

// ---- NodeUnschedulable, NodeName -----------------------------------------------------------

#[test]
fn cordoned_node_is_rejected_unless_pod_tolerates_the_unschedulable_taint() {
    let mut cordoned = node("n1", 4000, 8 * GIB);
    cordoned.unschedulable = true;
    let s = snapshot(vec![cordoned, node("n2", 4000, 8 * GIB)]);
    let d = run(&s, &pod("p", 100, MIB));
    assert_eq!(
        rejection(&d, "n1"),
        (
            Plugin::NodeUnschedulable,
            Code::UnschedulableAndUnresolvable,
            vec!["node(s) were unschedulable".to_owned()]
        )
    );
    assert_eq!(&*d.selected.unwrap().node, "n2");

    let mut tolerant = pod("p", 100, MIB);
    tolerant.tolerations = vec![Toleration {
        key: "node.kubernetes.io/unschedulable".into(),
        operator: Some(TolerationOperator::Exists),
        effect: Some(TaintEffect::NoSchedule),
        ..Toleration::default()
    }];
    let d = run(&s, &tolerant);
    assert!(node_record(&d, "n1").feasible());
}

#[test]
fn node_name_rejects_every_other_node() {
    let s = snapshot(vec![node("n1", 4000, 8 * GIB), node("n2", 4000, 8 * GIB)]);
    let mut p = pod("p", 100, MIB);
    p.node_name = Some("n2".into());
    let d = run(&s, &p);
    assert_eq!(
        rejection(&d, "n1"),
        (
            Plugin::NodeName,
            Code::UnschedulableAndUnresolvable,
            vec!["node(s) didn't match the requested node name".to_owned()]
        )
    );
    assert_eq!(&*d.selected.unwrap().node, "n2");
}

// ---- TaintToleration ------------------------------------------------------------------------

#[test]
fn untolerated_taint_is_reported_with_key_and_value_and_filters_stop_there() {
    let mut n1 = node("n1", 4000, 8 * GIB);
    n1.taints = vec![
        taint("soft", "x", TaintEffect::PreferNoSchedule),
        taint("dedicated", "gpu", TaintEffect::NoSchedule),
        taint("other", "", TaintEffect::NoExecute),
    ];
    let s = snapshot(vec![n1, node("n2", 4000, 8 * GIB)]);
    let d = run(&s, &pod("p", 100, MIB));
    let rec = node_record(&d, "n1");
    // NodeUnschedulable and NodeName passed, TaintToleration rejected, nothing after it ran.
    assert_eq!(rec.filters.len(), 3);
    assert_eq!(
        rejection(&d, "n1").2,
        vec!["node(s) had untolerated taint {dedicated: gpu}".to_owned()]
    );
}

#[test]
fn prefer_no_schedule_taints_are_counted_and_reversed() {
    let mut n1 = node("n1", 4000, 8 * GIB);
    n1.taints = vec![
        taint("a", "", TaintEffect::PreferNoSchedule),
        taint("b", "", TaintEffect::PreferNoSchedule),
    ];
    let mut n2 = node("n2", 4000, 8 * GIB);
    n2.taints = vec![
        taint("a", "", TaintEffect::PreferNoSchedule),
        taint("c", "", TaintEffect::PreferNoSchedule),
    ];
    let s = snapshot(vec![n1, n2, node("n3", 4000, 8 * GIB)]);
    let mut p = pod("p", 100, MIB);
    // Tolerates `c` (empty effect counts for PreferNoSchedule scoring).
    p.tolerations = vec![Toleration {
        key: "c".into(),
        operator: Some(TolerationOperator::Exists),
        ..Toleration::default()
    }];
    let d = run(&s, &p);
    // raw 2, 1, 0 → 100 − 100·raw/2.
    assert_eq!(score_of(&d, "n1", Plugin::TaintToleration), (2, 0));
    assert_eq!(score_of(&d, "n2", Plugin::TaintToleration), (1, 50));
    assert_eq!(score_of(&d, "n3", Plugin::TaintToleration), (0, 100));
}

// ---- NodeAffinity ---------------------------------------------------------------------------

#[test]
fn node_selector_mismatch_is_unresolvable_and_preferred_terms_score_by_weight() {
    use sim_core::cluster::api::{NodeSelectorOperator, NodeSelectorRequirement, NodeSelectorTerm};
    use sim_core::cluster::scheduler::select::NodeTerm;

    let mut n1 = node("n1", 4000, 8 * GIB);
    n1.labels.insert("disk".into(), "ssd".into());
    n1.labels.insert("zone".into(), "a".into());
    let mut n2 = node("n2", 4000, 8 * GIB);
    n2.labels.insert("disk".into(), "ssd".into());
    let mut n3 = node("n3", 4000, 8 * GIB);
    n3.labels.insert("disk".into(), "hdd".into());
    let n4 = node("n4", 4000, 8 * GIB);
    let s = snapshot(vec![n1, n2, n3, n4]);

    let term = |key: &str, value: &str| {
        NodeTerm::compile(&NodeSelectorTerm {
            match_expressions: vec![NodeSelectorRequirement {
                key: key.into(),
                operator: NodeSelectorOperator::In,
                values: vec![value.into()],
            }],
            match_fields: Vec::new(),
        })
    };
    let mut p = pod("p", 100, MIB);
    p.required_affinity = RequiredNodeAffinity {
        node_selector: Labels::new(),
        terms: Some(vec![term("disk", "ssd"), term("disk", "hdd")]),
    };
    p.preferred_affinity = vec![(1, term("zone", "a")), (4, term("disk", "ssd"))];
    let d = run(&s, &p);
    assert_eq!(
        rejection(&d, "n4"),
        (
            Plugin::NodeAffinity,
            Code::UnschedulableAndUnresolvable,
            vec!["node(s) didn't match Pod's node affinity/selector".to_owned()]
        )
    );
    // raw 5, 4, 0 → 100·raw/5.
    assert_eq!(score_of(&d, "n1", Plugin::NodeAffinity), (5, 100));
    assert_eq!(score_of(&d, "n2", Plugin::NodeAffinity), (4, 80));
    assert_eq!(score_of(&d, "n3", Plugin::NodeAffinity), (0, 0));

    let mut sel = pod("q", 100, MIB);
    sel.required_affinity.node_selector = labels(&[("disk", "hdd")]);
    let d = run(&s, &sel);
    assert_eq!(&*d.selected.as_ref().unwrap().node, "n3");
    // No preferred terms: PreScore skips the plugin.
    assert!(node_record(&d, "n3").scores.is_empty() || d.feasible == 1);
}

// ---- NodeResourcesFit -----------------------------------------------------------------------

#[test]
fn fit_reports_too_many_pods_then_cpu_then_memory() {
    let mut full = node("n1", 1000, GIB);
    full.allowed_pods = 1;
    let mut s = snapshot(vec![full]);
    s.add_pod(0, &pod("old", 500, 512 * MIB).as_bound())
        .unwrap();
    let d = run(&s, &pod("p", 600, 600 * MIB));
    assert_eq!(
        rejection(&d, "n1"),
        (
            Plugin::NodeResourcesFit,
            Code::Unschedulable,
            vec![
                "Too many pods".to_owned(),
                "Insufficient cpu".to_owned(),
                "Insufficient memory".to_owned()
            ]
        )
    );
    // A pod that requests nothing only needs a pod slot.
    let spare = snapshot(vec![node("n1", 0, 0)]);
    assert!(run(&spare, &pod("p", 0, 0)).selected.is_some());
}

#[test]
fn least_allocated_scores_free_fraction_of_non_zero_requests() {
    // (4000−2000)·100/4000 = 50 and (8−4)·100/8 = 50 → 50.
    let mut s = snapshot(vec![node("n1", 4000, 8 * GIB), node("n2", 4000, 16 * GIB)]);
    s.add_pod(0, &pod("old", 1000, 2 * GIB).as_bound()).unwrap();
    let d = run(&s, &pod("p", 1000, 2 * GIB));
    assert_eq!(score_of(&d, "n1", Plugin::NodeResourcesFit), (50, 50));
    // (4000−1000)·100/4000 = 75, (16−2)·100/16 = 87 (87.5 truncated) → (75+87)/2 = 81.
    assert_eq!(score_of(&d, "n2", Plugin::NodeResourcesFit), (81, 81));
    assert_eq!(node_resources_fit::least_requested_score(5000, 4000), 0);
}

#[test]
fn least_allocated_counts_100m_and_200mi_for_pods_without_requests() {
    // Empty node 1000m / 1000Mi, best-effort pod: cpu (1000−100)·100/1000 = 90,
    // memory (1000−200)·100/1000 = 80 → 85.
    let s = snapshot(vec![
        node("n1", 1000, 1000 * MIB),
        node("n2", 1000, 1000 * MIB),
    ]);
    let d = run(&s, &pod("p", 0, 0));
    assert_eq!(score_of(&d, "n1", Plugin::NodeResourcesFit), (85, 85));
}

// ---- NodeResourcesBalancedAllocation ----------------------------------------------------------

#[test]
fn balanced_allocation_is_one_minus_half_the_fraction_difference() {
    // cpu 1000/4000 = 0.25, memory 1Gi/8Gi = 0.125 → std 0.0625 → 93.75 → 93.
    let s = snapshot(vec![node("n1", 4000, 8 * GIB), node("n2", 4000, 8 * GIB)]);
    let d = run(&s, &pod("p", 1000, GIB));
    assert_eq!(
        score_of(&d, "n1", Plugin::NodeResourcesBalancedAllocation),
        (93, 93)
    );
    // Fractions above 1 are capped.
    assert_eq!(
        node_resources_balanced_allocation::balanced_resource_scorer(&[(8000, 4000), (0, 10)]),
        50
    );
    // Best-effort pods skip the plugin.
    let d = run(&s, &pod("be", 0, 0));
    let entry = node_record(&d, "n1")
        .scores
        .iter()
        .find(|s| s.plugin == Plugin::NodeResourcesBalancedAllocation)
        .unwrap()
        .clone();
    assert!(entry.skipped);
    assert_eq!(entry.weighted, 0);
}

// ---- ImageLocality --------------------------------------------------------------------------

#[test]
fn image_locality_scales_size_by_spread_between_thresholds() {
    let with_image = |name: &str| {
        let mut n = node(name, 4000, 8 * GIB);
        n.images = vec![("nginx:latest".to_owned(), 200 * MIB as u64)];
        n
    };
    let s = snapshot(vec![
        with_image("n1"),
        with_image("n2"),
        node("n3", 4000, 8 * GIB),
    ]);
    let d = run(&s, &pod("p", 100, MIB));
    // int64(200Mi · 2/3) = 139810133; 100·(139810133 − 23Mi)/(1000Mi − 23Mi) = 11.
    assert_eq!(
        image_locality::scaled_image_score(200 * MIB as u64, 2, 3),
        139_810_133
    );
    assert_eq!(score_of(&d, "n1", Plugin::ImageLocality), (11, 11));
    assert_eq!(score_of(&d, "n3", Plugin::ImageLocality), (0, 0));
    assert_eq!(
        image_locality::normalized_image_name("nginx"),
        "nginx:latest"
    );
    assert_eq!(
        image_locality::normalized_image_name("localhost:5000/app"),
        "localhost:5000/app:latest"
    );
    assert_eq!(
        image_locality::normalized_image_name("nginx:1.27"),
        "nginx:1.27"
    );
    // Two containers: the ceiling doubles, 100·977/1977 = 49.
    assert_eq!(image_locality::calculate_priority(1000 * MIB, 2), 49);
}

// ---- PodTopologySpread ----------------------------------------------------------------------

fn zoned(name: &str, zone: &str) -> NodeSpec {
    let mut n = node(name, 4000, 8 * GIB);
    n.labels
        .insert(pod_topology_spread::LABEL_TOPOLOGY_ZONE.into(), zone.into());
    n
}

fn zone_constraint(max_skew: i32, when: WhenUnsatisfiable) -> SpreadConstraint {
    SpreadConstraint {
        max_skew,
        topology_key: pod_topology_spread::LABEL_TOPOLOGY_ZONE.into(),
        when_unsatisfiable: when,
        selector: web_selector(),
        min_domains: 1,
        honor_node_affinity: true,
        honor_node_taints: false,
    }
}

#[test]
fn do_not_schedule_spread_rejects_skewed_zone_and_nodes_without_the_key() {
    let mut s = snapshot(vec![
        zoned("a1", "a"),
        zoned("a2", "a"),
        zoned("b1", "b"),
        node("bare", 4000, 8 * GIB),
    ]);
    s.add_pod(0, &web_pod_bound()).unwrap();
    s.add_pod(1, &web_pod_bound()).unwrap();
    let mut p = pod("p", 100, MIB);
    p.labels = labels(&[("app", "web")]);
    p.spread_constraints = vec![zone_constraint(1, WhenUnsatisfiable::DoNotSchedule)];
    let d = run(&s, &p);
    // zone a: 2 + 1 (self) − 0 = 3 > 1.
    assert_eq!(
        rejection(&d, "a1"),
        (
            Plugin::PodTopologySpread,
            Code::Unschedulable,
            vec!["node(s) didn't match pod topology spread constraints".to_owned()]
        )
    );
    assert_eq!(
        rejection(&d, "bare"),
        (
            Plugin::PodTopologySpread,
            Code::UnschedulableAndUnresolvable,
            vec![
                "node(s) didn't match pod topology spread constraints (missing required label)"
                    .to_owned()
            ]
        )
    );
    assert_eq!(&*d.selected.unwrap().node, "b1");
}

#[test]
fn min_domains_makes_the_global_minimum_zero() {
    let mut s = snapshot(vec![zoned("a1", "a"), zoned("b1", "b")]);
    s.add_pod(0, &web_pod_bound()).unwrap();
    s.add_pod(1, &web_pod_bound()).unwrap();
    let mut p = pod("p", 100, MIB);
    p.labels = labels(&[("app", "web")]);
    let mut c = zone_constraint(1, WhenUnsatisfiable::DoNotSchedule);
    // Without minDomains: 1 + 1 − 1 = 1 ≤ 1 fits; with minDomains 3 (only 2 domains): 2 > 1.
    let d = run(&s, &{
        let mut q = p.clone();
        q.spread_constraints = vec![c.clone()];
        q
    });
    assert_eq!(d.feasible, 2);
    c.min_domains = 3;
    p.spread_constraints = vec![c];
    let d = run(&s, &p);
    assert_eq!(d.feasible, 0);
}

#[test]
fn system_default_spreading_scores_by_hostname_and_zone() {
    // Both nodes in zone a; n1 holds 2 web pods. Weights: hostname ln(2+2), zone ln(1+2).
    // n1: 2·ln4 + 2 + 2·ln3 + 4 = 10.97 → 11; n2: 0 + 2 + 2·ln3 + 4 = 8.197 → 8.
    // Normalised: 100·(11+8−s)/11 → n1 72, n2 100.
    let mut s = snapshot(vec![zoned("n1", "a"), zoned("n2", "a")]);
    s.add_pod(0, &web_pod_bound()).unwrap();
    s.add_pod(0, &web_pod_bound()).unwrap();
    let mut p = pod("p", 100, MIB);
    p.labels = labels(&[("app", "web")]);
    p.default_spread_selector = Some(web_selector());
    let d = run(&s, &p);
    assert_eq!(score_of(&d, "n1", Plugin::PodTopologySpread), (11, 72));
    assert_eq!(score_of(&d, "n2", Plugin::PodTopologySpread), (8, 100));
    // A bare pod (no owners) gets no default constraints: the plugin is skipped.
    let d = run(&s, &pod("bare", 100, MIB));
    let entry = node_record(&d, "n1")
        .scores
        .iter()
        .find(|s| s.plugin == Plugin::PodTopologySpread)
        .unwrap()
        .clone();
    assert!(entry.skipped);
    let defaults = pod_topology_spread::system_default_constraints(&web_selector());
    assert_eq!(
        defaults
            .iter()
            .map(|c| (c.topology_key.as_str(), c.max_skew))
            .collect::<Vec<_>>(),
        vec![
            ("kubernetes.io/hostname", 3),
            ("topology.kubernetes.io/zone", 5)
        ]
    );
}

#[test]
fn topology_weight_logarithm_matches_ln() {
    for size in 0..2000usize {
        let ours = pod_topology_spread::topology_normalizing_weight(size);
        let std = ((size + 2) as f64).ln();
        assert!((ours - std).abs() <= 4.0 * f64::EPSILON * std, "{size}");
    }
}

// ---- PrioritySort ---------------------------------------------------------------------------

#[test]
fn queue_pops_higher_priority_first_then_earlier() {
    let mut a = pod("a", 0, 0);
    a.queued_at_ms = 5;
    let mut b = pod("b", 0, 0);
    b.queued_at_ms = 1;
    let mut c = pod("c", 0, 0);
    c.priority = 10;
    c.queued_at_ms = 9;
    let mut q = [a.clone(), b.clone(), c.clone()];
    q.sort_by(priority_sort::queue_order);
    assert_eq!(
        q.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(),
        vec!["c", "b", "a"]
    );
    assert!(priority_sort::less(&c, &a));
    assert!(priority_sort::less(&b, &a));
}

// ---- Sampling -------------------------------------------------------------------------------

#[test]
fn percentage_of_nodes_to_score_follows_the_adaptive_formula() {
    let table: Vec<(u32, u32)> = [50, 100, 1000, 5000, 10000]
        .into_iter()
        .map(|n| (n, num_feasible_nodes_to_find(0, n)))
        .collect();
    assert_eq!(
        table,
        vec![(50, 50), (100, 100), (1000, 420), (5000, 500), (10000, 500)]
    );
    assert_eq!(num_feasible_nodes_to_find(100, 5000), 5000);
    assert_eq!(num_feasible_nodes_to_find(1, 5000), 100);
}

#[test]
fn node_search_continues_where_the_previous_cycle_stopped() {
    let s = snapshot(
        (0..250)
            .map(|i| node(&format!("n{i:03}"), 4000, 8 * GIB))
            .collect(),
    );
    // 50 − 250/125 = 48 % of 250 = 120.
    assert_eq!(num_feasible_nodes_to_find(0, 250), 120);
    let mut state = SchedulerState::default();
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let config = SchedulerConfig::default();
    let p = pod("p", 100, MIB);
    let d1 = schedule(&s, &p, &config, &mut state, &mut rng);
    assert_eq!(
        (d1.start_index, d1.evaluated, d1.not_considered_count),
        (0, 120, 130)
    );
    assert_eq!(d1.nodes.first().unwrap().node, "n000");
    assert_eq!(d1.not_considered.first().unwrap(), "n120");
    assert_eq!(state.next_start_node_index, 120);
    let d2 = schedule(&s, &p, &config, &mut state, &mut rng);
    assert_eq!(d2.nodes.first().unwrap().node, "n120");
    assert_eq!(state.next_start_node_index, 240);
    let d3 = schedule(&s, &p, &config, &mut state, &mut rng);
    // Wraps around: n240..n249, then n000..
    assert_eq!(d3.nodes[9].node, "n249");
    assert_eq!(d3.nodes[10].node, "n000");
    assert_eq!(state.next_start_node_index, 110);
}

#[test]
fn nodes_are_walked_one_zone_after_another_like_the_node_tree() {
    let mut s = snapshot(vec![
        zoned("a1", "a"),
        zoned("a2", "a"),
        zoned("b1", "b"),
        zoned("c1", "c"),
        zoned("b2", "b"),
    ]);
    let names = |s: &Snapshot| {
        s.walk_order()
            .iter()
            .map(|&i| s.nodes()[i as usize].name().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(names(&s), vec!["a1", "b1", "c1", "a2", "b2"]);
    let d = run(&s, &pod("p", 100, MIB));
    assert_eq!(
        d.nodes.iter().map(|n| n.node.as_str()).collect::<Vec<_>>(),
        vec!["a1", "b1", "c1", "a2", "b2"]
    );
    // Moving a1 to zone c puts it at the end of zone c; removing c1 shifts nothing else.
    s.update_node(zoned("a1", "c")).unwrap();
    assert_eq!(names(&s), vec!["a2", "b1", "c1", "b2", "a1"]);
    s.remove_node("c1").unwrap();
    assert_eq!(names(&s), vec!["a2", "b1", "a1", "b2"]);
}

#[test]
fn rejected_nodes_count_toward_the_walk_but_not_toward_feasible() {
    let mut nodes: Vec<NodeSpec> = (0..200)
        .map(|i| node(&format!("n{i:03}"), 4000, 8 * GIB))
        .collect();
    for n in nodes.iter_mut().take(10) {
        n.unschedulable = true;
    }
    let s = snapshot(nodes);
    let mut state = SchedulerState::default();
    let d = schedule(
        &s,
        &pod("p", 100, MIB),
        &SchedulerConfig::default(),
        &mut state,
        &mut ChaCha8Rng::seed_from_u64(1),
    );
    assert_eq!((d.evaluated, d.feasible), (110, 100));
    assert_eq!(state.next_start_node_index, 110);
}

// ---- FailedScheduling message ------------------------------------------------------------

#[test]
fn unschedulable_message_counts_sorted_reasons_and_preemption_verdicts() {
    let mut cp = node("control-plane", 4000, 8 * GIB);
    cp.taints = vec![taint(
        "node-role.kubernetes.io/control-plane",
        "",
        TaintEffect::NoSchedule,
    )];
    let s = snapshot(vec![
        cp,
        node("w1", 1000, 8 * GIB),
        node("w2", 1000, 8 * GIB),
    ]);
    let d = run(&s, &pod("big", 2000, GIB));
    assert!(d.selected.is_none());
    assert_eq!(
        d.message.as_deref(),
        Some(
            "0/3 nodes are available: 1 node(s) had untolerated taint \
             {node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu. preemption: 0/3 \
             nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption \
             victims found for incoming pod."
        )
    );

    let mut never = pod("big", 2000, GIB);
    never.preemption_never = true;
    assert!(run(&s, &never)
        .message
        .as_deref()
        .unwrap()
        .ends_with("2 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never."));
}

#[test]
fn reasons_sort_as_go_strings_so_ten_comes_before_two() {
    let mut nodes: Vec<NodeSpec> = (0..10)
        .map(|i| {
            let mut n = node(&format!("c{i}"), 4000, 8 * GIB);
            n.unschedulable = true;
            n
        })
        .collect();
    nodes.push(node("x1", 100, 8 * GIB));
    nodes.push(node("x2", 100, 8 * GIB));
    let d = run(&snapshot(nodes), &pod("p", 1000, MIB));
    assert!(d.message.as_deref().unwrap().starts_with(
        "0/12 nodes are available: 10 node(s) were unschedulable, 2 Insufficient cpu."
    ));
}

#[test]
fn higher_priority_pod_that_fits_after_removing_victims_gets_no_preemption_message() {
    let mut s = snapshot(vec![node("n1", 1000, 8 * GIB)]);
    s.add_pod(0, &pod("low", 800, MIB).as_bound()).unwrap();
    let mut p = pod("high", 500, MIB);
    p.priority = 100;
    let d = run(&s, &p);
    assert_eq!(
        d.message.as_deref(),
        Some("0/1 nodes are available: 1 Insufficient cpu.")
    );
}

// ---- Tie-break, weights, snapshot updates ----------------------------------------------------

#[test]
fn seeded_tie_break_is_deterministic_and_differs_across_seeds() {
    let s = snapshot(
        (0..20)
            .map(|i| node(&format!("n{i:02}"), 4000, 8 * GIB))
            .collect(),
    );
    let pick = |seed: u64| {
        let d = schedule(
            &s,
            &pod("p", 100, MIB),
            &SchedulerConfig::default(),
            &mut SchedulerState::default(),
            &mut ChaCha8Rng::seed_from_u64(seed),
        );
        let sel = d.selected.unwrap();
        assert_eq!(sel.tied, 20);
        sel.node
    };
    assert_eq!(pick(42), pick(42));
    let picks: std::collections::BTreeSet<Box<str>> = (0..16).map(pick).collect();
    assert!(picks.len() > 1, "{picks:?}");
}

#[test]
fn weights_multiply_normalised_scores_into_the_total() {
    let mut n1 = node("n1", 4000, 8 * GIB);
    n1.images = vec![("nginx:latest".to_owned(), 900 * MIB as u64)];
    let s = snapshot(vec![n1, node("n2", 4000, 8 * GIB)]);
    let p = pod("p", 1000, GIB);
    let d = run(&s, &p);
    for rec in &d.nodes {
        let sum: i64 = rec.scores.iter().map(|s| s.normalized * s.weight).sum();
        assert_eq!(rec.total, Some(sum));
        let tt = rec
            .scores
            .iter()
            .find(|s| s.plugin == Plugin::TaintToleration)
            .unwrap();
        assert_eq!((tt.weight, tt.weighted), (3, 300));
    }
    // Image on n1 only wins with the default weight; with ImageLocality weighted 0 it ties.
    assert_eq!(&*d.selected.unwrap().node, "n1");
    let config = SchedulerConfig {
        weights: Weights {
            image_locality: 0,
            ..Weights::default()
        },
        ..SchedulerConfig::default()
    };
    let d = schedule(
        &s,
        &p,
        &config,
        &mut SchedulerState::default(),
        &mut ChaCha8Rng::seed_from_u64(3),
    );
    assert_eq!(d.selected.unwrap().tied, 2);
}

#[test]
fn only_feasible_node_is_chosen_without_scoring() {
    let mut cordoned = node("n1", 4000, 8 * GIB);
    cordoned.unschedulable = true;
    let s = snapshot(vec![cordoned, node("n2", 4000, 8 * GIB)]);
    let d = run(&s, &pod("p", 100, MIB));
    let sel = d.selected.clone().unwrap();
    assert_eq!((&*sel.node, sel.total), ("n2", None));
    assert!(node_record(&d, "n2").scores.is_empty());
}

#[test]
fn binding_updates_the_snapshot_incrementally() {
    let mut s = snapshot(vec![node("n1", 1000, 8 * GIB), node("n2", 1000, 8 * GIB)]);
    let mut state = SchedulerState::default();
    let mut rng = ChaCha8Rng::seed_from_u64(9);
    let config = SchedulerConfig {
        record: Record::Outcome,
        ..SchedulerConfig::default()
    };
    let p = pod("p", 600, MIB);
    for _ in 0..2 {
        let d = schedule(&s, &p, &config, &mut state, &mut rng);
        s.add_pod(d.selected.unwrap().index as usize, &p.as_bound())
            .unwrap();
    }
    // Each node now has 600m of 1000m requested.
    let d = schedule(&s, &p, &config, &mut state, &mut rng);
    assert!(d.nodes.is_empty());
    assert!(d
        .message
        .as_deref()
        .unwrap()
        .starts_with("0/2 nodes are available: 2 Insufficient cpu."));
    s.remove_pod(0, &p.as_bound()).unwrap();
    assert_eq!(
        schedule(&s, &p, &config, &mut state, &mut rng)
            .selected
            .unwrap()
            .node,
        "n1".into()
    );
}

#[test]
fn api_pod_requests_sum_containers_and_take_the_largest_init_container() {
    use sim_core::cluster::api::{Container, Pod, ResourceRequirements};
    use sim_core::cluster::quantity::Quantity;
    use sim_core::cluster::scheduler::convert;

    let container = |cpu: Option<&str>, mem: Option<&str>| {
        let mut requests = sim_core::cluster::api::ResourceList::new();
        if let Some(c) = cpu {
            requests.insert("cpu".to_owned(), Quantity::parse(c).unwrap());
        }
        if let Some(m) = mem {
            requests.insert("memory".to_owned(), Quantity::parse(m).unwrap());
        }
        Container {
            name: "c".into(),
            image: "nginx".into(),
            resources: ResourceRequirements {
                requests,
                ..ResourceRequirements::default()
            },
            ..Container::default()
        }
    };
    let mut p = Pod::default();
    p.metadata.name = "web".into();
    p.spec.containers = vec![container(Some("250m"), Some("64Mi")), container(None, None)].into();
    p.spec.init_containers = vec![container(Some("1"), None)];
    let s = convert::pod_to_schedule(&p, None, 0);
    assert_eq!(s.namespace, "default");
    assert_eq!(
        s.requests,
        Resources {
            milli_cpu: 1000,
            memory_bytes: 64 * MIB
        }
    );
    assert_eq!(
        s.non_zero_requests,
        Resources {
            milli_cpu: 1000,
            memory_bytes: 264 * MIB
        }
    );
    assert_eq!(s.images.len(), 3);
}

#[test]
fn api_node_gives_allocatable_taints_and_every_image_name() {
    use sim_core::cluster::api::{ContainerImage, Node};
    use sim_core::cluster::quantity::Quantity;
    use sim_core::cluster::scheduler::convert;

    let mut n = Node::default();
    n.metadata.name = "worker-1".into();
    n.spec.unschedulable = true;
    n.spec.taints = vec![taint("dedicated", "gpu", TaintEffect::NoSchedule)];
    for (k, v) in [("cpu", "3500m"), ("memory", "15Gi"), ("pods", "110")] {
        n.status
            .allocatable
            .insert(k.to_owned(), Quantity::parse(v).unwrap());
    }
    n.status.images = vec![ContainerImage {
        names: vec!["nginx:latest".into(), "nginx@sha256:abc".into()],
        size_bytes: 190 * MIB,
    }];
    let spec = convert::node_spec(&n);
    assert_eq!(
        spec.allocatable,
        Resources {
            milli_cpu: 3500,
            memory_bytes: 15 * GIB
        }
    );
    assert_eq!(spec.allowed_pods, 110);
    assert!(spec.unschedulable);
    assert_eq!(spec.images.len(), 2);
    let mut s = Snapshot::new();
    s.add_node(spec).unwrap();
    assert_eq!(s.index_of("worker-1"), Some(0));
}

// ---- Property -------------------------------------------------------------------------------

fn arb_node(i: usize) -> impl Strategy<Value = NodeSpec> {
    (
        1u8..=8,
        1u8..=16,
        0u8..4,
        any::<bool>(),
        0u8..3,
        0u8..3,
        any::<bool>(),
    )
        .prop_map(move |(cpu, mem, taints, cordon, zone, pods, image)| {
            let mut n = node(&format!("n{i}"), cpu as i64 * 500, mem as i64 * 512 * MIB);
            n.unschedulable = cordon && i.is_multiple_of(3);
            n.allowed_pods = pods as i64 + 1;
            n.labels.insert(
                pod_topology_spread::LABEL_TOPOLOGY_ZONE.into(),
                format!("z{zone}"),
            );
            let effect = match taints {
                1 => Some(TaintEffect::NoSchedule),
                2 => Some(TaintEffect::PreferNoSchedule),
                3 => Some(TaintEffect::NoExecute),
                _ => None,
            };
            n.taints = effect.into_iter().map(|e| taint("k", "v", e)).collect();
            if image {
                n.images = vec![("nginx:latest".into(), 300 * MIB as u64)];
            }
            n
        })
}

proptest! {
    #[test]
    fn chosen_node_passes_every_filter_and_has_the_highest_total(
        nodes in (1usize..12).prop_flat_map(|n| (0..n).map(arb_node).collect::<Vec<_>>()),
        bound in proptest::collection::vec((0usize..12, 0u8..4), 0..10),
        cpu in 0i64..2000,
        mem_mib in 0i64..2048,
        spread in any::<bool>(),
        seed in any::<u64>(),
    ) {
        let mut s = snapshot(nodes);
        let n = s.nodes().len();
        for (i, c) in bound {
            let mut b = pod("b", c as i64 * 300, 256 * MIB);
            b.labels = labels(&[("app", "web")]);
            let _ = s.add_pod(i % n, &b.as_bound());
        }
        let mut p = pod("p", cpu, mem_mib * MIB);
        p.labels = labels(&[("app", "web")]);
        p.default_spread_selector = Some(web_selector());
        if spread {
            p.spread_constraints = vec![zone_constraint(1, WhenUnsatisfiable::DoNotSchedule)];
        }
        let d = schedule(
            &s,
            &p,
            &SchedulerConfig::default(),
            &mut SchedulerState::default(),
            &mut ChaCha8Rng::seed_from_u64(seed),
        );
        prop_assert_eq!(d.evaluated as usize, n);
        // The fast path (no record) decides exactly as the recorded one.
        let outcome = schedule(
            &s,
            &p,
            &SchedulerConfig { record: Record::Outcome, ..SchedulerConfig::default() },
            &mut SchedulerState::default(),
            &mut ChaCha8Rng::seed_from_u64(seed),
        );
        prop_assert_eq!(&outcome.selected, &d.selected);
        prop_assert_eq!(&outcome.message, &d.message);
        match &d.selected {
            None => {
                prop_assert!(d.nodes.iter().all(|r| !r.feasible()));
                prop_assert!(d.message.is_some());
            }
            Some(sel) => {
                let rec = node_record(&d, &sel.node);
                prop_assert!(rec.feasible());
                prop_assert_eq!(rec.filters.len(), 6);
                prop_assert!(rec.filters.iter().all(|f| f.code.is_none() && f.reasons.is_empty()));
                let best = d.nodes.iter().filter_map(|r| r.total).max();
                prop_assert_eq!(sel.total, best);
                for r in &d.nodes {
                    if !r.feasible() {
                        prop_assert!(r.total.is_none());
                        prop_assert_eq!(r.filters.iter().filter(|f| f.code.is_some()).count(), 1);
                    }
                    for sc in &r.scores {
                        prop_assert!((0..=100).contains(&sc.normalized));
                    }
                }
            }
        }
    }
}

// ---- Placement equality across optimisations -----------------------------------------------

/// A mixed cluster: three zones, a pre-pulled image on a third of the nodes, PreferNoSchedule
/// taints on every 7th node, NoSchedule taints on every 11th, one cordoned node, a `disk=ssd`
/// label on half of them.
fn mixed_cluster(nodes: usize) -> Snapshot {
    let mut s = Snapshot::new();
    for i in 0..nodes {
        let name = format!("node-{i:04}");
        let mut n = node(&name, 8000 + (i as i64 % 4) * 1000, 32 * GIB);
        n.labels.insert(
            pod_topology_spread::LABEL_TOPOLOGY_ZONE.into(),
            format!("zone-{}", i % 3),
        );
        if i % 2 == 0 {
            n.labels.insert("disk".into(), "ssd".into());
        }
        n.images = vec![("registry.k8s.io/pause:3.10".into(), 700_000)];
        if i % 3 == 0 {
            n.images.push(("nginx:latest".into(), 190 * MIB as u64));
        }
        if i % 7 == 0 {
            n.taints
                .push(taint("spot", "true", TaintEffect::PreferNoSchedule));
        }
        if i % 11 == 0 {
            n.taints.push(taint("gpu", "yes", TaintEffect::NoSchedule));
        }
        n.unschedulable = i == 5;
        n.allowed_pods = 40;
        s.add_node(n).unwrap();
    }
    s
}

/// Pod `i` of a workload mix: plain pods, owned pods spread by the system defaults, pods with
/// a nodeSelector, pods tolerating the NoSchedule taint, pods with a DoNotSchedule zone
/// constraint, and best-effort pods.
fn mixed_pod(i: usize) -> PodToSchedule {
    let app = format!("app-{}", i % 7);
    let mut p = pod(&format!("pod-{i}"), 100 + (i as i64 % 3) * 150, 128 * MIB);
    p.labels = labels(&[("app", &app)]);
    let selector = || LabelMatcher::Selector(Selector::parse(&format!("app={app}")).unwrap());
    match i % 6 {
        0 => {}
        1 => p.default_spread_selector = Some(selector()),
        2 => {
            p.required_affinity.node_selector = labels(&[("disk", "ssd")]);
            p.default_spread_selector = Some(selector());
        }
        3 => p.tolerations.push(Toleration {
            key: "gpu".into(),
            operator: Some(TolerationOperator::Exists),
            value: String::new(),
            effect: None,
            toleration_seconds: None,
        }),
        4 => {
            let mut c = zone_constraint(2, WhenUnsatisfiable::DoNotSchedule);
            c.selector = selector();
            p.spread_constraints.push(c);
        }
        _ => {
            p.requests = Resources::default();
            p.non_zero_requests = Resources {
                milli_cpu: 100,
                memory_bytes: 200 * MIB,
            };
        }
    }
    p
}

/// FNV-1a over the chosen node index of every pod (`u64::MAX` when unschedulable).
fn placement_hash(
    nodes: usize,
    pods: usize,
    percentage: u32,
    pod_of: fn(usize) -> PodToSchedule,
) -> u64 {
    let mut snapshot = mixed_cluster(nodes);
    let config = SchedulerConfig {
        percentage_of_nodes_to_score: percentage,
        record: Record::Outcome,
        ..SchedulerConfig::default()
    };
    let mut state = SchedulerState::default();
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for i in 0..pods {
        let p = pod_of(i);
        let d = schedule(&snapshot, &p, &config, &mut state, &mut rng);
        let chosen = d.selected.as_ref().map_or(u64::MAX, |s| s.index as u64);
        hash = (hash ^ chosen).wrapping_mul(0x0100_0000_01b3);
        if let Some(sel) = d.selected {
            snapshot.add_pod(sel.index as usize, &p.as_bound()).unwrap();
        }
    }
    hash
}

/// The placements recorded before the scheduler's performance work: any optimisation must
/// leave every decision (and every RNG draw) unchanged.
#[test]
fn optimisations_keep_every_placement_of_a_mixed_workload() {
    // 600 nodes: adaptive sampling looks for 276 feasible nodes per cycle.
    assert_eq!(
        placement_hash(600, 6_000, 0, mixed_pod),
        295_399_779_246_569_761,
        "adaptive sampling"
    );
    assert_eq!(
        placement_hash(600, 6_000, 100, mixed_pod),
        6_573_248_395_811_841_155,
        "every node scored"
    );
    // Enough pods to fill nodes: Too many pods, Insufficient cpu and unschedulable cycles.
    assert_eq!(
        placement_hash(150, 7_000, 0, mixed_pod),
        17_098_789_812_130_185_400,
        "full cluster"
    );
}

/// Pod `i` of a spreading mix: 80 owners (more selectors than the snapshot keeps counts for),
/// system default spreading, the pod's own zone and hostname constraints (DoNotSchedule and
/// ScheduleAnyway), one honouring taints, one with a nodeSelector, one with a minDomains.
fn spreading_pod(i: usize) -> PodToSchedule {
    let app = format!("app-{}", (i * 7) % 80);
    let mut p = pod(&format!("pod-{i}"), 50 + (i as i64 % 3) * 50, 64 * MIB);
    p.labels = labels(&[("app", &app)]);
    let selector = LabelMatcher::Selector(Selector::parse(&format!("app={app}")).unwrap());
    let hostname = |max_skew, when| SpreadConstraint {
        topology_key: "kubernetes.io/hostname".into(),
        ..zone_constraint(max_skew, when)
    };
    match i % 8 {
        0..=2 => p.default_spread_selector = Some(selector.clone()),
        3 => {
            p.spread_constraints = vec![
                zone_constraint(1, WhenUnsatisfiable::DoNotSchedule),
                hostname(2, WhenUnsatisfiable::ScheduleAnyway),
            ];
        }
        4 => {
            let mut c = hostname(1, WhenUnsatisfiable::DoNotSchedule);
            c.honor_node_taints = true;
            p.spread_constraints = vec![c, zone_constraint(3, WhenUnsatisfiable::ScheduleAnyway)];
        }
        5 => {
            p.required_affinity.node_selector = labels(&[("disk", "ssd")]);
            p.default_spread_selector = Some(selector.clone());
        }
        6 => {
            let mut c = zone_constraint(1, WhenUnsatisfiable::DoNotSchedule);
            c.min_domains = 5;
            p.spread_constraints = vec![c];
        }
        _ => {}
    }
    for c in &mut p.spread_constraints {
        c.selector = selector.clone();
    }
    p
}

/// PodTopologySpread reads matching-pod counts the snapshot keeps as pods bind; recounting
/// every node each cycle (as the plugin is written) must decide exactly the same, through binds,
/// terminating pods, removals and node updates.
#[test]
fn spreading_with_kept_counts_decides_as_recounting_every_cycle() {
    let mut kept = mixed_cluster(240);
    // Nodes without a zone label: the defaults still spread them by hostname.
    for i in (0..240).step_by(13) {
        let mut spec = kept.nodes()[i].spec.clone();
        spec.labels.remove(pod_topology_spread::LABEL_TOPOLOGY_ZONE);
        kept.update_node(spec).unwrap();
    }
    let mut recounted = kept.clone();
    recounted.set_incremental_spread_counts(false);
    let config = SchedulerConfig::default();
    let (mut state_kept, mut state_recounted) =
        (SchedulerState::default(), SchedulerState::default());
    let mut rng_kept = ChaCha8Rng::seed_from_u64(3);
    let mut rng_recounted = ChaCha8Rng::seed_from_u64(3);
    let mut bound = Vec::new();
    let mut scheduled = 0;
    for i in 0..3_000 {
        let p = spreading_pod(i);
        let d = schedule(&kept, &p, &config, &mut state_kept, &mut rng_kept);
        let again = schedule(
            &recounted,
            &p,
            &config,
            &mut state_recounted,
            &mut rng_recounted,
        );
        assert_eq!(d, again, "pod {i}");
        if let Some(sel) = d.selected {
            scheduled += 1;
            let mut b = p.as_bound();
            // Every 9th pod is bound terminating (not counted by spreading).
            b.terminating = i % 9 == 0;
            kept.add_pod(sel.index as usize, &b).unwrap();
            recounted.add_pod(sel.index as usize, &b).unwrap();
            bound.push((sel.index, b));
        }
        // Every 10th cycle a pod goes away; every 500th a node changes zone.
        if i % 10 == 9 {
            let (index, b) = bound.swap_remove(i * 31 % bound.len());
            kept.remove_pod(index as usize, &b).unwrap();
            recounted.remove_pod(index as usize, &b).unwrap();
        }
        if i % 500 == 499 {
            let mut spec = kept.nodes()[i % 240].spec.clone();
            spec.labels.insert(
                pod_topology_spread::LABEL_TOPOLOGY_ZONE.into(),
                "zone-moved".into(),
            );
            kept.update_node(spec.clone()).unwrap();
            recounted.update_node(spec).unwrap();
        }
    }
    // The mix is meant to schedule most pods and reject some.
    assert!((1_500..3_000).contains(&scheduled), "{scheduled} scheduled");
}

#[test]
fn a_larger_cluster_keeps_per_node_details_for_fewer_recent_decisions() {
    use sim_core::cluster::state::{full_decisions, FULL_DECISIONS, FULL_DECISION_ROWS};
    assert_eq!(full_decisions(20), FULL_DECISIONS);
    assert_eq!(full_decisions(500), FULL_DECISION_ROWS / 500);
    let mut s = sim_core::Session::new(sim_core::SimConfig { seed: 2 });
    for e in s.submit(
        "cluster create --nodes 100 --cpu 64 --memory 256Gi\n\
         kubectl create deployment web --image=nginx:1.27-alpine --replicas=300\n\
         run 30s",
    ) {
        assert!(e.error.is_none(), "{}: {:?}", e.command, e.error);
    }
    let c = s.sim().cluster().expect("a cluster");
    let detailed = c.decisions.values().filter(|d| !d.nodes.is_empty()).count();
    assert_eq!(detailed, FULL_DECISION_ROWS / 100);
    assert_eq!(c.decisions.len(), 300);
    let old = c
        .decisions
        .iter()
        .find(|(_, d)| d.nodes.is_empty())
        .map(|(k, _)| k.name.clone())
        .expect("an old decision");
    let out = s.submit(&format!("explain-schedule {old}"));
    assert!(
        out[0].output.contains(
            "kept for the 250 most recent scheduling decisions on a cluster of 100 nodes"
        ),
        "{}",
        out[0].output
    );
}
