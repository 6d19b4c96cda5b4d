//! The Cluster tab: the cluster map (nodes as boxes with their request bars and pods, pods no
//! node holds yet in a Pending lane), desired vs actual per Deployment and ReplicaSet with the
//! latest controller event for each, and the scheduler panel for one pod (each node's filter
//! verdicts and weighted scores, the winner, the nodes sampling left out).
//!
//! Everything shown comes from [`sim_core::cluster::view::cluster_view`], the store and each
//! pod's last scheduling [`Decision`] at the frame being viewed; this file only lays it out.

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use sim_core::cluster::api::{Object, ObjectKind};
use sim_core::cluster::graph::{object_graph, GraphKind};
use sim_core::cluster::scheduler::framework::{Decision, Plugin};
use sim_core::cluster::state::Cluster;
use sim_core::cluster::store::Key;
use sim_core::cluster::view::{cluster_view, NodeView, PodView, WorkloadView};
use sim_core::host::quantity::format_bytes;
use sim_core::{Event, EventKind};
use yew::prelude::*;

use crate::i18n::{fill, tr, Lang, Msg};
use crate::state::Sandbox;

/// Properties of [`ClusterViewPane`].
#[derive(Properties, PartialEq)]
pub struct ClusterProps {
    /// UI language.
    pub lang: Lang,
    /// The app state.
    pub sandbox: UseReducerHandle<Sandbox>,
    /// The pod whose scheduling decision the panel shows (`namespace/name`).
    pub picked_pod: Option<AttrValue>,
    /// Picks a pod (`namespace/name`).
    pub on_pick_pod: Callback<AttrValue>,
    /// Selects an event in the log (by id).
    pub on_select_event: Callback<u64>,
}

/// How a pod's status is drawn: the CSS class, a symbol (colour is never alone) and the
/// legend's message.
fn pod_style(pod: &PodView) -> (&'static str, &'static str) {
    match pod.status.as_str() {
        "Terminating" => ("st-terminating", "✕"),
        "Pending" => ("st-pending", "○"),
        "ContainerCreating" | "PodInitializing" => ("st-creating", "◐"),
        "Running" if pod.ready => ("st-ready", "●"),
        "Running" => ("st-running", "◑"),
        "Completed" | "Succeeded" => ("st-done", "■"),
        _ => ("st-failed", "⚠"),
    }
}

/// The legend: (class, symbol, message).
const LEGEND: &[(&str, &str, Msg)] = &[
    ("st-pending", "○", Msg::ClPending),
    ("st-creating", "◐", Msg::ClCreating),
    ("st-running", "◑", Msg::ClRunningNotReady),
    ("st-ready", "●", Msg::ClReady),
    ("st-terminating", "✕", Msg::ClTerminating),
    ("st-failed", "⚠", Msg::ClFailed),
];

/// `750m` or `2` (whole cores).
fn cpu(milli: i64) -> String {
    if milli % 1000 == 0 {
        (milli / 1000).to_string()
    } else {
        format!("{milli}m")
    }
}

fn bytes(b: i64) -> String {
    format_bytes(u64::try_from(b).unwrap_or(0))
}

/// The part of a generated pod name that tells replicas apart (`web-7d4f8-x2k9q` → `x2k9q`).
fn short_pod_name(name: &str) -> &str {
    name.rsplit('-').next().unwrap_or(name)
}

/// One request bar: label, requested of allocatable, filled by fraction.
fn bar(class: &'static str, label: &str, used: i64, total: i64, text: String) -> Html {
    let pct = if total > 0 {
        (used as f64 * 100.0 / total as f64).clamp(0.0, 100.0)
    } else {
        0.0
    };
    html! {
        <div class={classes!("req-bar", class)} data-used={used.to_string()} data-total={total.to_string()}>
            <span class="req-label">{ label.to_string() }</span>
            <span class="req-text">{ text.clone() }</span>
            <span class="req-track" role="meter" aria-label={format!("{label} {text}")}
                aria-valuemin="0" aria-valuemax={total.to_string()} aria-valuenow={used.to_string()}>
                <span class="req-fill" style={format!("width: {pct:.1}%")}></span>
            </span>
        </div>
    }
}

/// Maps with at most this many pods draw every pod as a chip. Larger ones draw up to
/// [`CHIPS_PER_NODE_LARGE`] chips per node (and [`PENDING_CHIPS_LARGE`] in the Pending lane)
/// and count the rest by status: 15,000 chips are neither readable nor quick to draw.
pub const ALL_CHIPS_MAX_PODS: usize = 400;
/// Chips each node box draws on a map larger than [`ALL_CHIPS_MAX_PODS`].
pub const CHIPS_PER_NODE_LARGE: usize = 6;
/// Chips the Pending lane draws on a map larger than [`ALL_CHIPS_MAX_PODS`].
pub const PENDING_CHIPS_LARGE: usize = 60;
/// The object graph is drawn up to this many vertices; past it, counts replace the picture.
pub const GRAPH_MAX_VERTICES: usize = 400;
/// Maps with more nodes than this draw only the node boxes in or near the viewport in full
/// ([`crate::windowing`]); the others keep their name, labels and height.
pub const WINDOWED_MIN_NODES: usize = 60;
/// A large map's node box before it was ever drawn, in CSS pixels: name, three request bars,
/// a row of chips and the counts.
const NODE_BOX_PX: u32 = 170;

/// The cluster map's data, shared between renders while the cluster does not change (`Eq`, so
/// an `Rc` of it compares by pointer first).
#[derive(PartialEq, Eq)]
struct MapData {
    nodes: Vec<Rc<NodeView>>,
    pending: Rc<Vec<PodView>>,
    workloads: Rc<Vec<WorkloadView>>,
    pods: usize,
}

/// What the map was last computed from: the store's resourceVersion (every store write bumps
/// it and is an event), each engine's tags (a pull changes them without a store write), and
/// the log's length and last event, so a reuse is only ever over a log that grew from it.
/// Checked on every render, so the check allocates nothing and walks no pods.
#[derive(Clone, PartialEq)]
struct MapStamp {
    session: usize,
    resource_version: u64,
    tags: Vec<(String, Vec<String>)>,
    log_len: usize,
    last_event: Option<Event>,
}

impl MapStamp {
    fn of(session: usize, cluster: &Cluster, log: &[Event]) -> MapStamp {
        MapStamp {
            session,
            resource_version: cluster.store.resource_version(),
            tags: cluster
                .engines
                .iter()
                .map(|(node, e)| (node.clone(), e.tags.keys().cloned().collect()))
                .collect(),
            log_len: log.len(),
            last_event: log.last().cloned(),
        }
    }

    /// True when the cluster `cluster` (now) is the one this stamp was taken of, with no store
    /// write since.
    fn still_describes(&self, session: usize, cluster: &Cluster, log: &[Event]) -> bool {
        self.session == session
            && self.resource_version == cluster.store.resource_version()
            && self.tags.len() == cluster.engines.len()
            && self
                .tags
                .iter()
                .zip(&cluster.engines)
                .all(|((node, tags), (now_node, engine))| {
                    node == now_node
                        && tags.len() == engine.tags.len()
                        && tags.iter().zip(engine.tags.keys()).all(|(a, b)| a == b)
                })
            && log.len() >= self.log_len
            && match &self.last_event {
                Some(e) => log.get(self.log_len - 1) == Some(e),
                None => true,
            }
    }
}

/// A pod chip: its status class and symbol, its short name; clicking picks the pod.
fn chip(
    lang: Lang,
    pod: &PodView,
    node: Option<&str>,
    picked_pod: Option<&str>,
    on_pick_pod: &Callback<AttrValue>,
) -> Html {
    let t = |m| tr(lang, m);
    let (class, symbol) = pod_style(pod);
    let full = format!("{}/{}", pod.namespace, pod.name);
    let picked = picked_pod == Some(full.as_str());
    let mut title = format!("pod {} · {}", pod.name, pod.status);
    if let Some(rs) = &pod.replicaset {
        title.push_str(&format!(" · ReplicaSet {rs}"));
    }
    if let Some(d) = &pod.deployment {
        title.push_str(&format!(" · Deployment {d}"));
    }
    let aria = match node {
        Some(n) => fill(
            t(Msg::ClPodOnNode),
            &[("pod", &pod.name), ("status", &pod.status), ("node", n)],
        ),
        None => fill(
            t(Msg::ClPodUnscheduled),
            &[("pod", &pod.name), ("status", &pod.status)],
        ),
    };
    let onclick = {
        let cb = on_pick_pod.clone();
        let full = full.clone();
        Callback::from(move |_: MouseEvent| cb.emit(full.clone().into()))
    };
    html! {
        // Keyed by pod and node: a pod that gets bound leaves the Pending lane and
        // appears (animated) in its node.
        <button key={format!("{full}@{}", node.unwrap_or(""))} type="button"
            class={classes!("pod-chip", class, picked.then_some("picked"))}
            data-pod={pod.name.clone()} data-status={pod.status.clone()}
            data-ready={pod.ready.to_string()} data-node={node.unwrap_or("").to_string()}
            title={title} aria-label={aria} aria-pressed={picked.to_string()} onclick={onclick}>
            <span class="pod-sym" aria-hidden="true">{ symbol }</span>
            <span class="pod-name">{ short_pod_name(&pod.name).to_string() }</span>
        </button>
    }
}

/// The pods a node box or the Pending lane does not draw, counted by status: each count with
/// its symbol and status word (colour is never alone), the legend's text as its title.
fn more_pods(lang: Lang, hidden: &[PodView]) -> Html {
    if hidden.is_empty() {
        return Html::default();
    }
    let t = |m| tr(lang, m);
    let mut counts = [0usize; LEGEND.len()];
    for p in hidden {
        let class = pod_style(p).0;
        if let Some(i) = LEGEND.iter().position(|(c, _, _)| *c == class) {
            counts[i] += 1;
        }
    }
    let count = hidden.len().to_string();
    let items = LEGEND.iter().zip(counts).filter(|(_, n)| *n > 0).map(|((class, symbol, msg), n)| {
        html! {
            <span class={classes!("status-count", *class)} title={t(*msg)} data-status-class={*class}
                data-count={n.to_string()}>
                <span class="pod-sym" aria-hidden="true">{ *symbol }</span>
                { format!("{n} {}", status_word(class)) }
            </span>
        }
    });
    html! {
        <span class="more-pods" data-more={count.clone()} role="note"
            aria-label={fill(t(Msg::ClMorePodsLabel), &[("count", &count)])}>
            <span class="more-label">{ fill(t(Msg::ClMorePods), &[("count", &count)]) }</span>
            { for items }
        </span>
    }
}

/// kubectl's word for a status class (what the counts of undrawn pods say).
fn status_word(class: &str) -> &'static str {
    match class {
        "st-pending" => "Pending",
        "st-creating" => "Creating",
        "st-running" => "Running",
        "st-ready" => "Ready",
        "st-terminating" => "Terminating",
        "st-done" => "Completed",
        _ => "Failed",
    }
}

/// Properties of [`NodeBox`].
#[derive(Properties, PartialEq)]
struct NodeBoxProps {
    lang: Lang,
    node: Rc<NodeView>,
    max_pods: i64,
    /// Chips drawn at most (the rest are counted).
    chips: usize,
    picked_pod: Option<AttrValue>,
    on_pick_pod: Callback<AttrValue>,
    /// In a windowed map: whether the box is drawn in full, else its height in CSS pixels.
    /// `None` outside windowed maps (every box drawn, none a tab stop of its own).
    windowed: Option<Result<(), u32>>,
}

/// One node of the map: a component, so a node whose pods did not change is not redrawn.
#[function_component(NodeBox)]
fn node_box(props: &NodeBoxProps) -> Html {
    let lang = props.lang;
    let t = |m| tr(lang, m);
    let n = &*props.node;
    let max_pods = props.max_pods;
    let pods = n.pods.len() as i64;
    let label = fill(
        t(Msg::ClNodeLabel),
        &[("node", &n.name), ("count", &pods.to_string())],
    );
    // A windowed map's boxes are tab stops, so a keyboard reaches undrawn ones: focus scrolls
    // the box into view, which draws it.
    let tabindex = props.windowed.map(|_| "0");
    if let Some(Err(height_px)) = props.windowed {
        return html! {
            <div class="node-box placeholder" data-node={n.name.clone()} data-pods={pods.to_string()}
                role="group" aria-label={label} tabindex={tabindex}
                style={format!("min-height: {height_px}px")}>
                <div class="node-head"><strong class="node-name">{ &n.name }</strong></div>
            </div>
        };
    }
    let mut badges = Vec::new();
    if !n.ready {
        badges.push(html! { <span class="badge bad">{ "NotReady" }</span> });
    }
    if n.unschedulable {
        badges.push(html! { <span class="badge">{ "SchedulingDisabled" }</span> });
    }
    for taint in &n.taints {
        badges.push(
            html! { <span class="badge taint" title={taint.clone()}>{ taint.clone() }</span> },
        );
    }
    let shown = n.pods.len().min(props.chips);
    let picked = props.picked_pod.as_deref();
    html! {
        <div class="node-box" data-node={n.name.clone()} data-pods={pods.to_string()}
            role="group" aria-label={label} tabindex={tabindex}>
            <div class="node-head">
                <strong class="node-name">{ &n.name }</strong>
                { for badges }
            </div>
            { bar("req-cpu", "CPU", n.cpu_requested_milli, n.cpu_allocatable_milli,
                format!("{} / {}", cpu(n.cpu_requested_milli), cpu(n.cpu_allocatable_milli))) }
            { bar("req-mem", t(Msg::ClMemory), n.memory_requested_bytes, n.memory_allocatable_bytes,
                format!("{} / {}", bytes(n.memory_requested_bytes), bytes(n.memory_allocatable_bytes))) }
            { bar("req-pods", t(Msg::ClPods), pods, max_pods, format!("{pods} / {max_pods}")) }
            <div class="pod-chips">
                { for n.pods[..shown].iter().map(|p| chip(lang, p, Some(&n.name), picked, &props.on_pick_pod)) }
                { more_pods(lang, &n.pods[shown..]) }
            </div>
        </div>
    }
}

/// Properties of [`NodeGrid`].
#[derive(Properties, PartialEq)]
struct NodeGridProps {
    lang: Lang,
    data: Rc<MapData>,
    /// Chips each box draws at most.
    chips: usize,
    picked_pod: Option<AttrValue>,
    on_pick_pod: Callback<AttrValue>,
}

/// The node boxes: a component, so a tick that leaves the map as it was (the same `MapData`)
/// does not visit them. Past [`WINDOWED_MIN_NODES`] nodes only the boxes in or near the
/// viewport are drawn in full.
#[function_component(NodeGrid)]
fn node_grid(props: &NodeGridProps) -> Html {
    let grid_ref = use_node_ref();
    let nodes = &props.data.nodes;
    let windowed = nodes.len() > WINDOWED_MIN_NODES;
    let (drawn, heights) = crate::windowing::use_drawn_range(
        grid_ref.clone(),
        nodes.len(),
        windowed,
        "data-node",
        NODE_BOX_PX,
    );
    let boxes = nodes.iter().enumerate().map(|(i, n)| {
        let windowed = windowed.then(|| {
            if drawn.contains(&i) {
                Ok(())
            } else {
                Err(heights.of(&n.name))
            }
        });
        html! {
            <NodeBox key={n.name.clone()} lang={props.lang} node={n.clone()} max_pods={n.pods_allocatable}
                chips={props.chips} picked_pod={props.picked_pod.clone()} on_pick_pod={props.on_pick_pod.clone()}
                windowed={windowed} />
        }
    });
    html! {
        <div class="node-grid" id="node-grid" ref={grid_ref}>{ for boxes }</div>
    }
}

/// The cluster tab.
#[function_component(ClusterViewPane)]
pub fn cluster_view_pane(props: &ClusterProps) -> Html {
    let lang = props.lang;
    let t = |m| tr(lang, m);
    // The node boxes get one callback for the whole life of the pane (the app makes a new one
    // each render), so unchanged boxes compare equal and are skipped.
    let latest_pick = use_mut_ref(|| props.on_pick_pod.clone());
    *latest_pick.borrow_mut() = props.on_pick_pod.clone();
    let on_pick_pod = use_callback((), move |pod: AttrValue, _| latest_pick.borrow().emit(pod));
    let cache = use_mut_ref(|| None::<(MapStamp, Rc<MapData>)>);
    let session = props.sandbox.session();
    let sim = session.sim();
    let Some(cluster) = sim.cluster() else {
        *cache.borrow_mut() = None;
        return html! {
            <div class="cluster-view" id="cluster-view">
                <p class="view-note cluster-empty">{ t(Msg::ClEmpty) }</p>
            </div>
        };
    };
    // `cluster_view` walks every pod: only when the store (or an engine's images) changed.
    let session_key = props.sandbox.session_key();
    let data = {
        let mut cache = cache.borrow_mut();
        match cache.as_ref() {
            Some((old, data)) if old.still_describes(session_key, cluster, sim.log()) => {
                data.clone()
            }
            previous => {
                let view = cluster_view(cluster);
                let pods =
                    view.pending.len() + view.nodes.iter().map(|n| n.pods.len()).sum::<usize>();
                // A node that did not change keeps the `Rc` it had: a node box's props then
                // compare by pointer on every later tick. (Yew keeps a component's old props
                // when the new ones are equal, so a fresh but equal `Rc` would be compared in
                // depth — every pod of every node — on each tick until the node changes.)
                let old: BTreeMap<&str, &Rc<NodeView>> = previous
                    .map(|(_, d)| d.nodes.iter().map(|n| (n.name.as_str(), n)).collect())
                    .unwrap_or_default();
                let nodes: Vec<Rc<NodeView>> = view
                    .nodes
                    .into_iter()
                    .map(|n| match old.get(n.name.as_str()) {
                        Some(kept) if ***kept == n => Rc::clone(kept),
                        _ => Rc::new(n),
                    })
                    .collect();
                drop(old);
                let data = Rc::new(MapData {
                    nodes,
                    pending: Rc::new(view.pending),
                    workloads: Rc::new(view.workloads),
                    pods,
                });
                *cache = Some((MapStamp::of(session_key, cluster, sim.log()), data.clone()));
                data
            }
        }
    };
    let large = data.pods > ALL_CHIPS_MAX_PODS;
    let (node_chips, pending_chips) = if large {
        (CHIPS_PER_NODE_LARGE, PENDING_CHIPS_LARGE)
    } else {
        (usize::MAX, usize::MAX)
    };
    let picked = props.picked_pod.as_deref();

    let legend = LEGEND.iter().map(|(class, symbol, msg)| {
        html! {
            <li><span class={classes!("pod-chip", "legend-chip", *class)} aria-hidden="true">
                <span class="pod-sym">{ *symbol }</span></span>{ t(*msg) }</li>
        }
    });

    let pending = &data.pending;
    let pending_shown = pending.len().min(pending_chips);
    let map = html! {
        <section class={classes!("panel", "cluster-map", large.then_some("large"))} id="cluster-map" aria-labelledby="cluster-map-title">
            <div class="view-head">
                <h3 id="cluster-map-title">{ t(Msg::ClMapTitle) }</h3>
                <span class="view-note">{ t(Msg::ClMapNote) }</span>
            </div>
            if large {
                <p class="view-note map-summary-note" id="map-summary-note">{ fill(t(Msg::ClSummaryNote), &[
                    ("count", &data.pods.to_string()), ("shown", &CHIPS_PER_NODE_LARGE.to_string())]) }</p>
            }
            <ul class="pod-legend" aria-label={t(Msg::ClLegend)}>{ for legend }</ul>
            <div class="pending-lane" id="pending-lane" data-count={pending.len().to_string()}>
                <span class="lane-title">{ fill(t(Msg::ClPendingLane), &[("count", &pending.len().to_string())]) }</span>
                <div class="pod-chips">
                    if pending.is_empty() {
                        <span class="lane-empty">{ t(Msg::ClPendingNone) }</span>
                    }
                    { for pending[..pending_shown].iter().map(|p| chip(lang, p, None, picked, &on_pick_pod)) }
                    { more_pods(lang, &pending[pending_shown..]) }
                </div>
            </div>
            <NodeGrid lang={lang} data={data.clone()} chips={node_chips} picked_pod={props.picked_pod.clone()}
                on_pick_pod={on_pick_pod.clone()} />
        </section>
    };

    let workloads = workloads_table(props, &data.workloads, cluster, sim.log());
    let panel = sched_panel(props, cluster);
    let graph = graph_panel(lang, cluster);

    html! {
        <div class={classes!("cluster-view", large.then_some("large"))} id="cluster-view">
            { map }
            <super::chaos::ChaosPanel lang={lang} sandbox={props.sandbox.clone()} picked_pod={props.picked_pod.clone()} on_select_event={props.on_select_event.clone()} />
            <super::traffic::TrafficPanel lang={lang} sandbox={props.sandbox.clone()} />
            <super::profiles::ProfileSwitcher lang={lang} sandbox={props.sandbox.clone()} />
            { workloads }
            { panel }
            { graph }
        </div>
    }
}

fn latest_events<'a>(
    log: &'a [Event],
    wanted: &BTreeSet<(String, String)>,
) -> BTreeMap<(String, String), &'a Event> {
    let mut out = BTreeMap::new();
    for e in log.iter().rev() {
        if out.len() == wanted.len() {
            break;
        }
        if matches!(
            e.kind,
            EventKind::ApiObjectChanged { .. } | EventKind::KubeEvent { .. }
        ) && (e.object.kind == "deployment" || e.object.kind == "replicaset")
        {
            let key = (e.object.kind.clone(), e.object.name.clone());
            if wanted.contains(&key) && !out.contains_key(&key) {
                out.insert(key, e);
            }
        }
    }
    out
}

/// The name the log gives a workload (`web` in `default`, `ns/web` elsewhere).
fn log_name(w: &WorkloadView) -> String {
    if w.namespace == "default" || w.namespace.is_empty() {
        w.name.clone()
    } else {
        format!("{}/{}", w.namespace, w.name)
    }
}

fn workloads_table(
    props: &ClusterProps,
    workloads: &[WorkloadView],
    cluster: &Cluster,
    log: &[Event],
) -> Html {
    let lang = props.lang;
    let t = |m| tr(lang, m);
    if workloads.is_empty() {
        return html! {
            <section class="panel" id="workloads" aria-labelledby="workloads-title">
                <h3 id="workloads-title">{ t(Msg::ClWorkloadsTitle) }</h3>
                <p class="view-note">{ t(Msg::ClWorkloadsEmpty) }</p>
            </section>
        };
    }
    let wanted: BTreeSet<(String, String)> = workloads
        .iter()
        .map(|w| (w.kind.to_ascii_lowercase(), log_name(w)))
        .collect();
    let latest = latest_events(log, &wanted);
    // Each Deployment followed by its ReplicaSets; ReplicaSets without one at the end.
    let mut ordered: Vec<&WorkloadView> = Vec::new();
    for d in workloads.iter().filter(|w| w.kind == "Deployment") {
        ordered.push(d);
        ordered.extend(workloads.iter().filter(|w| {
            w.kind == "ReplicaSet"
                && w.namespace == d.namespace
                && w.owner.as_ref() == Some(&d.name)
        }));
    }
    for w in workloads {
        if !ordered.iter().any(|o| std::ptr::eq(*o, w)) {
            ordered.push(w);
        }
    }
    let rows = ordered.into_iter().map(|w| {
        let is_rs = w.kind == "ReplicaSet";
        let log_name = log_name(w);
        let kind = w.kind.to_ascii_lowercase();
        let key_kind = if is_rs { ObjectKind::ReplicaSet } else { ObjectKind::Deployment };
        let up_to_date = match cluster.store.get(&Key::new(key_kind, &w.namespace, &w.name)) {
            Some(Object::Deployment(d)) => d.status.updated_replicas.to_string(),
            _ => "—".to_string(),
        };
        let settled = w.current == w.desired && w.ready == w.desired && w.available == w.desired;
        let count = |v: i32| {
            html! { <td class={classes!("num", (v != w.desired).then_some("off"))}>{ v }</td> }
        };
        let event = latest.get(&(kind.clone(), log_name.clone())).map(|e| {
            let id = e.id.0;
            let select = {
                let cb = props.on_select_event.clone();
                Callback::from(move |ev: MouseEvent| {
                    ev.prevent_default();
                    cb.emit(id);
                })
            };
            let cause = e.cause.map(|c| {
                let cause_id = c.0;
                let follow = {
                    let cb = props.on_select_event.clone();
                    Callback::from(move |ev: MouseEvent| {
                        ev.prevent_default();
                        cb.emit(cause_id);
                    })
                };
                let title = fill(t(Msg::CauseLinkTitle), &[("id", &cause_id.to_string())]);
                html! {
                    <a class="cause-link" href={format!("#ev-{cause_id}")} title={title.clone()}
                        aria-label={title} data-cause={cause_id.to_string()} onclick={follow}>
                        { format!("← #{cause_id}") }
                    </a>
                }
            });
            let reason = match &e.kind {
                EventKind::KubeEvent { reason, .. } => reason.clone(),
                _ => e.kind.name().to_string(),
            };
            html! {
                <>
                    <a class="wl-event-link" href={format!("#ev-{id}")} data-event={id.to_string()}
                        title={fill(t(Msg::ClShowEvent), &[("id", &id.to_string())])} onclick={select}>
                        { format!("#{id} {}", e.time) }
                    </a>
                    { " " }<strong class="wl-reason">{ reason }</strong>
                    { " " }{ for cause }
                    <span class="wl-msg">{ e.message.clone() }</span>
                </>
            }
        });
        html! {
            <>
            <tr class={classes!("wl-row", is_rs.then_some("wl-rs"), (!settled).then_some("converging"))}
                data-kind={w.kind.clone()} data-name={w.name.clone()} data-desired={w.desired.to_string()}
                data-current={w.current.to_string()} data-ready={w.ready.to_string()}
                data-available={w.available.to_string()}>
                <th scope="row" class="wl-name">
                    <span class="wl-kind">{ if is_rs { "rs" } else { "deploy" } }</span>
                    <code>{ &w.name }</code>
                </th>
                <td class="num desired">{ w.desired }</td>
                { count(w.current) }
                { count(w.ready) }
                <td class="num">{ up_to_date }</td>
                { count(w.available) }
            </tr>
            <tr class={classes!("wl-event-row", is_rs.then_some("wl-rs"))}>
                <td colspan="6" class="wl-event">
                    <span class="wl-event-label">{ t(Msg::ClColLatest) }</span>{ for event }
                </td>
            </tr>
            </>
        }
    });
    html! {
        <section class="panel" id="workloads" aria-labelledby="workloads-title">
            <h3 id="workloads-title">{ t(Msg::ClWorkloadsTitle) }</h3>
            <p class="view-note">{ t(Msg::ClWorkloadsNote) }</p>

            <div class="table-scroll">
            <table class="wl-table" id="workloads-table">
                <thead><tr>
                    <th scope="col">{ t(Msg::ClColName) }</th>
                    <th scope="col" class="num">{ "DESIRED" }</th>
                    <th scope="col" class="num">{ "CURRENT" }</th>
                    <th scope="col" class="num">{ "READY" }</th>
                    <th scope="col" class="num">{ "UP-TO-DATE" }</th>
                    <th scope="col" class="num">{ "AVAILABLE" }</th>
                </tr></thead>
                <tbody>{ for rows }</tbody>
            </table>
            </div>
        </section>
    }
}

/// A short column heading for a plugin (the full name is its title).
fn plugin_short(p: Plugin) -> &'static str {
    match p {
        Plugin::NodeUnschedulable => "Unschedulable",
        Plugin::NodeName => "NodeName",
        Plugin::TaintToleration => "Taint",
        Plugin::NodeAffinity => "Affinity",
        Plugin::NodeResourcesFit => "Fit",
        Plugin::PodTopologySpread => "Spread",
        Plugin::NodeResourcesBalancedAllocation => "Balanced",
        Plugin::ImageLocality => "Image",
        Plugin::PrioritySort => "Sort",
    }
}

fn sched_panel(props: &ClusterProps, cluster: &Cluster) -> Html {
    let lang = props.lang;
    let t = |m| tr(lang, m);
    let head = html! { <h3 id="sched-title">{ t(Msg::ClSchedTitle) }</h3> };
    let Some(picked) = props.picked_pod.as_deref() else {
        return html! {
            <section class="panel sched-panel" id="sched-panel" aria-labelledby="sched-title">
                { head }
                <p class="view-note">{ t(Msg::ClSchedPick) }</p>
            </section>
        };
    };
    let (ns, name) = picked.split_once('/').unwrap_or(("default", picked));
    let key = Key::new(ObjectKind::Pod, ns, name);
    let pod_exists = cluster.store.get(&key).is_some();
    let Some(decision) = cluster.decisions.get(&key) else {
        let msg = if pod_exists {
            Msg::ClSchedNone
        } else {
            Msg::ClSchedGone
        };
        return html! {
            <section class="panel sched-panel" id="sched-panel" data-pod={name.to_string()} aria-labelledby="sched-title">
                { head }
                <p class="view-note">{ fill(t(msg), &[("pod", name)]) }</p>
            </section>
        };
    };
    html! {
        <section class="panel sched-panel" id="sched-panel" data-pod={name.to_string()} aria-labelledby="sched-title">
            { head }
            { decision_table(lang, name, decision) }
        </section>
    }
}

fn decision_table(lang: Lang, pod: &str, d: &Decision) -> Html {
    let t = |m| tr(lang, m);
    let winner = d.selected.as_ref().map(|s| &*s.node);
    let summary = fill(
        t(Msg::ClSchedSummary),
        &[
            ("pod", pod),
            ("all", &d.all_nodes.to_string()),
            ("evaluated", &d.evaluated.to_string()),
            ("feasible", &d.feasible.to_string()),
            ("find", &d.nodes_to_find.to_string()),
        ],
    );
    let outcome = match (&d.selected, &d.message) {
        (Some(s), _) => {
            let mut text = fill(t(Msg::ClSchedWinner), &[("node", &s.node)]);
            if s.tied > 1 {
                text.push_str(" · ");
                text.push_str(&fill(
                    t(Msg::ClSchedTied),
                    &[("count", &s.tied.to_string())],
                ));
            }
            html! { <p class="sched-outcome won" id="sched-outcome">{ "★ " }{ text }</p> }
        }
        (None, Some(m)) => html! {
            <p class="sched-outcome failed" id="sched-outcome">
                <strong>{ "⚠ FailedScheduling: " }</strong><code>{ m.clone() }</code>
            </p>
        },
        (None, None) => html! {},
    };
    if d.nodes.is_empty() && d.evaluated > 0 {
        let count = sim_core::cluster::state::full_decisions(d.all_nodes as usize).to_string();
        let all = d.all_nodes.to_string();
        let nodes = sim_core::cluster::state::FULL_RECORD_MAX_NODES.to_string();
        return html! {
            <>
                <p class="view-note">{ summary }</p>
                { outcome }
                <p class="view-note" id="sched-dropped">{ fill(t(Msg::ClSchedDropped), &[("count", &count), ("all", &all), ("nodes", &nodes)]) }</p>
            </>
        };
    }
    let filter_heads = Plugin::FILTERS.iter().map(|p| {
        html! { <th scope="col" class="f-col"><abbr title={p.name()}>{ plugin_short(*p) }</abbr></th> }
    });
    let score_heads = Plugin::SCORES.iter().map(|p| {
        html! { <th scope="col" class="s-col num"><abbr title={p.name()}>{ plugin_short(*p) }</abbr></th> }
    });
    let node_cell = |node: &str, won: bool| {
        html! { <th scope="row" class="sched-node">{ if won { "★ " } else { "" } }{ node.to_string() }</th> }
    };
    let filter_rows = d.nodes.iter().map(|n| {
        let won = winner == Some(n.node.as_str());
        let filters = Plugin::FILTERS.iter().map(|p| match n.filters.iter().find(|f| f.plugin == *p) {
            Some(f) if f.code.is_none() => html! { <td class="f-cell pass" title={format!("{}: ✓", p.name())}>{ "✓" }</td> },
            Some(f) => {
                let reasons = f.reasons.join("; ");
                html! { <td class="f-cell fail" title={format!("{}: {reasons}", p.name())}>{ "✗ " }{ reasons }</td> }
            }
            None => html! { <td class="f-cell not-run" title={t(Msg::ClSchedNotRun)}>{ "—" }</td> },
        });
        html! {
            <tr class={classes!("sched-row", won.then_some("winner"), (!n.feasible()).then_some("infeasible"))}
                data-node={n.node.clone()} data-feasible={n.feasible().to_string()}>
                { node_cell(&n.node, won) }
                { for filters }
            </tr>
        }
    });
    let score_rows = d.nodes.iter().map(|n| {
        let won = winner == Some(n.node.as_str());
        let scores = Plugin::SCORES.iter().map(|p| match n.scores.iter().find(|s| s.plugin == *p) {
            Some(s) if s.skipped => html! { <td class="s-cell num skipped" title={t(Msg::ClSchedSkipped)}>{ "skip" }</td> },
            Some(s) => {
                let title = format!(
                    "{}: raw {} → normalized {} × weight {} = {}",
                    p.name(), s.raw, s.normalized, s.weight, s.weighted
                );
                html! {
                    <td class="s-cell num" title={title}>
                        <span class="s-weighted">{ s.weighted }</span>
                        <span class="s-parts">{ format!("{}×{}", s.normalized, s.weight) }</span>
                    </td>
                }
            }
            None => html! { <td class="s-cell num not-run">{ "—" }</td> },
        });
        let total = n.total.map_or("—".to_string(), |v| v.to_string());
        html! {
            <tr class={classes!("sched-row", won.then_some("winner"), (!n.feasible()).then_some("infeasible"))}
                data-node={n.node.clone()} data-feasible={n.feasible().to_string()} data-total={total.clone()}>
                { node_cell(&n.node, won) }
                { for scores }
                <td class="num sched-total"><strong>{ total }</strong></td>
            </tr>
        }
    });
    let skipped = |columns: usize| {
        d.not_considered.iter().map(move |node| {
            html! {
                <tr class="sched-row not-considered" data-node={node.clone()}>
                    <th scope="row" class="sched-node">{ node }</th>
                    <td colspan={columns.to_string()}>{ t(Msg::ClSchedNotConsidered) }</td>
                </tr>
            }
        })
    };
    let more = (d.not_considered_count as usize > d.not_considered.len()).then(|| {
        html! { <p class="view-note">{ fill(t(Msg::ClSchedMoreSkipped), &[("count", &d.not_considered_count.to_string())]) }</p> }
    });
    html! {
        <>
            <p class="view-note">{ summary }</p>
            { outcome }
            <div class="table-scroll">
            <table class="sched-table" id="sched-filters">
                <caption>{ t(Msg::ClSchedFilters) }</caption>
                <thead><tr><th scope="col">{ t(Msg::ClSchedNode) }</th>{ for filter_heads }</tr></thead>
                <tbody>{ for filter_rows }{ for skipped(Plugin::FILTERS.len()) }</tbody>
            </table>
            </div>
            <div class="table-scroll">
            <table class="sched-table" id="sched-table">
                <caption>{ t(Msg::ClSchedScores) }</caption>
                <thead><tr>
                    <th scope="col">{ t(Msg::ClSchedNode) }</th>{ for score_heads }
                    <th scope="col" class="num">{ t(Msg::ClSchedTotal) }</th>
                </tr></thead>
                <tbody>{ for score_rows }{ for skipped(Plugin::SCORES.len() + 1) }</tbody>
            </table>
            </div>
            { for more }
        </>
    }
}

/// SVG user units of the object graph.
const G_WIDTH: f64 = 520.0;
/// Width of one vertex box.
const G_BOX_W: f64 = 112.0;
/// Height of one vertex box.
const G_BOX_H: f64 = 22.0;
/// Vertical distance between boxes of one column.
const G_ROW: f64 = 28.0;
/// Height of the column titles.
const G_HEAD: f64 = 22.0;

/// The object graph: Deployments → ReplicaSets → Pods → Nodes as four columns with lines.
fn graph_panel(lang: Lang, cluster: &Cluster) -> Html {
    let t = |m| tr(lang, m);
    let counts = [
        ObjectKind::Deployment,
        ObjectKind::ReplicaSet,
        ObjectKind::Pod,
        ObjectKind::Node,
    ]
    .map(|k| cluster.store.count(k));
    let objects: usize = counts.iter().sum();
    if objects > GRAPH_MAX_VERTICES {
        // Past the limit the picture is a wall of boxes (and building it walks every pod):
        // the counts say what it would show.
        let [deployments, replicasets, pods, nodes] = counts.map(|c| c.to_string());
        return html! {
            <section class="panel" id="object-graph" aria-labelledby="object-graph-title"
                data-vertices={objects.to_string()} data-skipped="true">
                <h3 id="object-graph-title">{ t(Msg::ClGraphTitle) }</h3>
                <p class="view-note" id="object-graph-too-big">{ fill(t(Msg::ClGraphTooBig), &[
                    ("max", &GRAPH_MAX_VERTICES.to_string()), ("deployments", &deployments),
                    ("replicasets", &replicasets), ("pods", &pods), ("nodes", &nodes)]) }</p>
            </section>
        };
    }
    let graph = object_graph(cluster);
    let mut rows = [0usize; 4];
    let places: Vec<(f64, f64)> = graph
        .vertices
        .iter()
        .map(|v| {
            let col = v.kind.column();
            let row = rows[col];
            rows[col] += 1;
            let x = 4.0 + col as f64 * ((G_WIDTH - 8.0 - G_BOX_W) / 3.0);
            (x, G_HEAD + row as f64 * G_ROW)
        })
        .collect();
    let height = G_HEAD + rows.iter().copied().max().unwrap_or(0) as f64 * G_ROW + 4.0;
    let edges = graph.edges.iter().filter_map(|&(a, b)| {
        let (&(ax, ay), &(bx, by)) = (places.get(a)?, places.get(b)?);
        let (x1, y1, x2, y2) = (ax + G_BOX_W, ay + G_BOX_H / 2.0, bx, by + G_BOX_H / 2.0);
        let mid = (x1 + x2) / 2.0;
        Some(html! {
            <path class="og-edge" d={format!("M{x1:.1},{y1:.1} C{mid:.1},{y1:.1} {mid:.1},{y2:.1} {x2:.1},{y2:.1}")} />
        })
    });
    let boxes = graph.vertices.iter().zip(&places).map(|(v, &(x, y))| {
        let class = match v.kind {
            GraphKind::Pod => {
                let pod = PodView {
                    namespace: v.namespace.clone(),
                    name: v.name.clone(),
                    status: v.status.clone(),
                    phase: String::new(),
                    ready: v.ready,
                    replicaset: None,
                    deployment: None,
                    cpu_milli: 0,
                    memory_bytes: 0,
                };
                pod_style(&pod).0
            }
            _ if v.ready => "og-ok",
            _ => "og-wait",
        };
        let label = match v.kind {
            GraphKind::Pod => short_pod_name(&v.name).to_string(),
            _ => crate::layers::ellipsize(&v.name, 15),
        };
        let title = format!("{:?} {} · {}", v.kind, v.name, v.status);
        html! {
            <g class={classes!("og-vertex", class)} data-kind={format!("{:?}", v.kind)} data-name={v.name.clone()}>
                <title>{ title }</title>
                <rect x={format!("{x:.1}")} y={format!("{y:.1}")} width={G_BOX_W.to_string()} height={G_BOX_H.to_string()} rx="5" />
                <text x={format!("{:.1}", x + 6.0)} y={format!("{:.1}", y + 15.0)}>{ label }</text>
            </g>
        }
    });
    let heads = [
        Msg::ClGraphDeployments,
        Msg::ClGraphReplicaSets,
        Msg::ClGraphPods,
        Msg::ClGraphNodes,
    ]
    .iter()
    .enumerate()
    .map(|(i, m)| {
        let x = 4.0 + i as f64 * ((G_WIDTH - 8.0 - G_BOX_W) / 3.0);
        html! { <text class="og-head" x={format!("{x:.1}")} y="14">{ t(*m) }</text> }
    });
    html! {
        <section class="panel" id="object-graph" aria-labelledby="object-graph-title"
            data-vertices={graph.vertices.len().to_string()} data-edges={graph.edges.len().to_string()}>
            <h3 id="object-graph-title">{ t(Msg::ClGraphTitle) }</h3>
            <svg class="og-svg" viewBox={format!("0 0 {G_WIDTH} {height:.1}")} role="img"
                aria-label={t(Msg::ClGraphTitle)} preserveAspectRatio="xMinYMin meet">
                { for heads }
                <g class="og-edges">{ for edges }</g>
                { for boxes }
            </svg>
        </section>
    }
}
