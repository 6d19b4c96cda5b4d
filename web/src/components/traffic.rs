//! Traffic on a Service (or a hand-made load balancer) in the Cluster tab: for each traffic
//! target a flow diagram (the Service box, a line to each endpoint as thick as the requests it
//! got in the last second, failed ones dashed, red and marked ✕) and a success-rate chart of the
//! last 120 simulated seconds with the p50/p99 readout; buttons to start and stop traffic; and,
//! when both a load balancer and a Service carry traffic, the manual fleet beside the
//! orchestrated one ([`super::fleet`]).
//!
//! Every number comes from [`sim_core::cluster::traffic`] at the frame being viewed
//! ([`traffic::series`], [`Target::last_endpoints`]); the buttons submit commands as if typed.

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use sim_core::cluster::api::{Object, ObjectKind};
use sim_core::cluster::controllers::endpointslice::slices_of;
use sim_core::cluster::state::Cluster;
use sim_core::cluster::traffic::{self, SecondStats, Target, TargetRef, DEFAULT_RPS};
use sim_core::command::shell_quote;
use sim_core::SimTime;
use yew::prelude::*;

use crate::i18n::{fill, tr, Lang, Msg};
use crate::state::{Action, Sandbox};

/// Seconds the success-rate chart shows.
pub const CHART_WINDOW_S: u64 = 120;
/// Seconds the "recent" success rate sums (the test and the readout use it).
pub const RECENT_S: usize = 10;

/// Properties of [`TrafficPanel`].
#[derive(Properties, PartialEq)]
pub struct TrafficProps {
    /// UI language.
    pub lang: Lang,
    /// The app state.
    pub sandbox: UseReducerHandle<Sandbox>,
}

/// One endpoint (pod) or backend (`NODE:PORT`) of a target, as the flow diagram draws it.
#[derive(Clone, Debug, PartialEq)]
pub struct FlowRow {
    /// `pod/NAME` or `NODE:PORT`.
    pub id: AttrValue,
    /// The node it runs on.
    pub node: AttrValue,
    /// Requests it answered in the last second.
    pub ok: u32,
    /// Requests to it that failed in the last second.
    pub failed: u32,
    /// Whether its node is down or cut off (chaos).
    pub node_down: bool,
    /// For a Service endpoint: its `ready` condition in the EndpointSlice.
    pub ready: Option<bool>,
}

/// The success percentage of `ok` out of `sent` (None when nothing was sent).
pub fn pct(ok: u64, sent: u64) -> Option<f64> {
    (sent > 0).then(|| ok as f64 * 100.0 / sent as f64)
}

/// The success percentage summed over the last `n` seconds of `series`.
pub fn success_over(series: &[SecondStats], n: usize) -> Option<f64> {
    let start = series.len().saturating_sub(n);
    let (ok, sent) = series[start..].iter().fold((0u64, 0u64), |(o, s), x| {
        (o + u64::from(x.ok), s + u64::from(x.sent))
    });
    pct(ok, sent)
}

/// `99.5 %` / `—`, and the same as a data attribute (`99.5` / empty).
pub fn pct_text(v: Option<f64>) -> String {
    v.map_or("—".to_string(), |p| format!("{} %", pct_short(p)))
}

/// `100`, `99.5`, `0`: one decimal only when it is not whole.
pub fn pct_short(p: f64) -> String {
    if (p - p.round()).abs() < 0.05 {
        format!("{:.0}", p.round())
    } else {
        format!("{p:.1}")
    }
}

/// A data attribute's value for a percentage (empty when none).
pub fn pct_attr(v: Option<f64>) -> String {
    v.map_or(String::new(), |p| format!("{p:.1}"))
}

/// Milliseconds of a latency in µs (`2.3 ms`).
fn ms(us: u32) -> String {
    if us >= 10_000 {
        format!("{:.0} ms", f64::from(us) / 1000.0)
    } else {
        format!("{:.1} ms", f64::from(us) / 1000.0)
    }
}

/// Whether chaos made `node` stop answering.
pub fn node_down(cluster: &Cluster, node: &str) -> bool {
    !cluster.fault(node).serves_traffic()
}

/// The endpoints or backends of one target: the ones that got requests in the last second,
/// plus a Service's EndpointSlice endpoints and a load balancer's backends that got none.
pub fn flow_rows(cluster: &Cluster, lbs_target: &Target, sim: &sim_core::Sim) -> Vec<FlowRow> {
    with_traffic(&base_rows(cluster, lbs_target, sim), lbs_target, cluster)
}

/// A target's endpoints or backends without the last second's requests, in drawing order,
/// with each one's index by id. They change only with the store, chaos or the load balancer,
/// so the panel keeps them between ticks (a Service can have 15,000 endpoints).
#[derive(Debug, Default)]
pub struct BaseRows {
    rows: Vec<FlowRow>,
    index: BTreeMap<AttrValue, usize>,
}

/// The rows of `target` that do not depend on the last second's requests.
pub fn base_rows(cluster: &Cluster, target: &Target, sim: &sim_core::Sim) -> BaseRows {
    let mut rows: Vec<FlowRow> = Vec::new();
    let mut seen: BTreeSet<AttrValue> = BTreeSet::new();
    match &target.target {
        TargetRef::Service { namespace, name } => {
            let key = sim_core::cluster::store::Key::new(ObjectKind::Service, namespace, name);
            if let Some(Object::Service(svc)) = cluster.store.get(&key) {
                for slice in slices_of(&cluster.store, svc) {
                    for ep in &slice.endpoints {
                        let Some(pod) = ep.target_ref.as_ref().map(|r| r.name.as_str()) else {
                            continue;
                        };
                        let id = AttrValue::from(format!("pod/{pod}"));
                        if !seen.insert(id.clone()) {
                            continue;
                        }
                        let node = ep.node_name.clone().unwrap_or_default();
                        rows.push(FlowRow {
                            node_down: node_down(cluster, &node),
                            id,
                            node: node.into(),
                            ok: 0,
                            failed: 0,
                            ready: Some(ep.conditions.ready.unwrap_or(false)),
                        });
                    }
                }
            }
        }
        TargetRef::Lb { name } => {
            if let Some(lb) = sim.traffic().load_balancers().get(name) {
                for b in &lb.backends {
                    let id = AttrValue::from(b.to_string());
                    if !seen.insert(id.clone()) {
                        continue;
                    }
                    rows.push(FlowRow {
                        node_down: node_down(cluster, &b.node),
                        id,
                        node: b.node.clone().into(),
                        ok: 0,
                        failed: 0,
                        ready: None,
                    });
                }
            }
        }
    }
    sort_rows(&mut rows);
    let index = rows
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.clone(), i))
        .collect();
    BaseRows { rows, index }
}

fn sort_rows(rows: &mut [FlowRow]) {
    rows.sort_by(|a, b| a.node.cmp(&b.node).then(a.id.cmp(&b.id)));
}

/// `base` with the last second's requests of `target` (an endpoint that got requests is
/// shown on the node the request went to, and one no longer in `base` is added).
pub fn with_traffic(base: &BaseRows, target: &Target, cluster: &Cluster) -> Vec<FlowRow> {
    let mut rows = base.rows.clone();
    let mut resort = false;
    for (id, c) in &target.last_endpoints {
        match base.index.get(id.as_str()) {
            Some(&i) => {
                let r = &mut rows[i];
                r.ok = c.ok;
                r.failed = c.failed;
                if r.node != c.node.as_str() {
                    r.node = c.node.clone().into();
                    r.node_down = node_down(cluster, &c.node);
                    resort = true;
                }
            }
            None => {
                rows.push(FlowRow {
                    id: id.clone().into(),
                    node: c.node.clone().into(),
                    ok: c.ok,
                    failed: c.failed,
                    node_down: node_down(cluster, &c.node),
                    ready: None,
                });
                resort = true;
            }
        }
    }
    if resort {
        sort_rows(&mut rows);
    }
    rows
}

/// What a target's [`BaseRows`] were built from: the store's resourceVersion, the chaos facts
/// and the load balancers, and the log's length and last event (so a reuse is only ever over a
/// log that grew from it).
#[derive(PartialEq)]
struct BaseStamp {
    session: usize,
    resource_version: u64,
    faults: BTreeMap<String, sim_core::cluster::faults::NodeFault>,
    lb_backends: Option<Vec<String>>,
    log_len: usize,
    last_event: Option<sim_core::Event>,
}

impl BaseStamp {
    fn of(session: usize, cluster: &Cluster, target: &Target, sim: &sim_core::Sim) -> BaseStamp {
        let lb_backends = match &target.target {
            TargetRef::Lb { name } => Some(
                sim.traffic()
                    .load_balancers()
                    .get(name)
                    .map(|lb| {
                        lb.backends
                            .iter()
                            .map(|b| format!("{b}@{}", b.node))
                            .collect()
                    })
                    .unwrap_or_default(),
            ),
            TargetRef::Service { .. } => None,
        };
        BaseStamp {
            session,
            resource_version: cluster.store.resource_version(),
            faults: cluster.faults.clone(),
            lb_backends,
            log_len: sim.log().len(),
            last_event: sim.log().last().cloned(),
        }
    }

    fn still_valid_for(&self, now: &BaseStamp, log: &[sim_core::Event]) -> bool {
        self.session == now.session
            && self.resource_version == now.resource_version
            && self.faults == now.faults
            && self.lb_backends == now.lb_backends
            && now.log_len >= self.log_len
            && match &self.last_event {
                Some(e) => log.get(self.log_len - 1) == Some(e),
                None => true,
            }
    }
}

/// `pod/web-7d4f8-x2k9q` → `x2k9q`, `node-2:8080` unchanged.
fn short_id(id: &str) -> String {
    match id.strip_prefix("pod/") {
        Some(pod) => pod.rsplit('-').next().unwrap_or(pod).to_string(),
        None => id.to_string(),
    }
}

/// Endpoint rows a flow diagram draws at most; the rest are counted under it.
pub const MAX_FLOW_ROWS: usize = 40;

/// The rows a flow diagram draws (all of them up to [`MAX_FLOW_ROWS`]; past it, those with
/// requests or trouble first, then the others, in their order) and the ones it leaves out.
pub fn drawn_rows(rows: &[FlowRow]) -> (Vec<&FlowRow>, Vec<&FlowRow>) {
    if rows.len() <= MAX_FLOW_ROWS {
        return (rows.iter().collect(), Vec::new());
    }
    let keep = drawn_mask(rows.len(), |i| {
        let r = &rows[i];
        r.ok + r.failed > 0 || r.node_down || r.ready == Some(false)
    });
    let (mut shown, mut hidden) = (Vec::new(), Vec::new());
    for (r, k) in rows.iter().zip(keep) {
        if k {
            shown.push(r);
        } else {
            hidden.push(r);
        }
    }
    (shown, hidden)
}

/// Which of `len` rows a diagram draws: up to [`MAX_FLOW_ROWS`], the `notable` ones (requests
/// or trouble) first, then the others, each in their order.
fn drawn_mask(len: usize, notable: impl Fn(usize) -> bool) -> Vec<bool> {
    let mut keep = vec![false; len];
    let mut kept = 0;
    for pass_notable in [true, false] {
        for (i, k) in keep.iter_mut().enumerate() {
            if kept < MAX_FLOW_ROWS && !*k && (!pass_notable || notable(i)) {
                *k = true;
                kept += 1;
            }
        }
    }
    keep
}

/// What a flow diagram leaves out: how many endpoints, and how many of them are on a node that
/// is down or are not ready (the rest are ready).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Undrawn {
    /// Endpoints not drawn.
    pub count: usize,
    /// Of those, on a node that is down or cut off.
    pub down: usize,
    /// Of those, on a healthy node but not ready.
    pub notready: usize,
}

impl Undrawn {
    /// Counts `hidden`.
    pub fn of(hidden: &[&FlowRow]) -> Undrawn {
        let mut u = Undrawn::default();
        for r in hidden {
            u.add(r.node_down, r.ready);
        }
        u
    }

    fn add(&mut self, node_down: bool, ready: Option<bool>) {
        self.count += 1;
        if node_down {
            self.down += 1;
        } else if ready == Some(false) {
            self.notready += 1;
        }
    }
}

/// The line under a flow diagram that counts the endpoints it does not draw.
pub fn more_endpoints(lang: Lang, hidden: &Undrawn) -> Html {
    if hidden.count == 0 {
        return Html::default();
    }
    let ready = hidden.count - hidden.down - hidden.notready;
    html! {
        <p class="view-note flow-more" data-more={hidden.count.to_string()}>
            { fill(tr(lang, Msg::TfMoreEndpoints), &[("count", &hidden.count.to_string()),
                ("ready", &ready.to_string()), ("notready", &hidden.notready.to_string()),
                ("down", &hidden.down.to_string())]) }
        </p>
    }
}

/// [`drawn_rows`] of [`with_traffic`]'s rows, without copying every row: a Service can have
/// 15,000 endpoints and the panel draws 40 of them on every tick. When the last second's
/// requests went only to endpoints `base` has, on the nodes it has them on (the usual case),
/// the rows are read in place; otherwise (an endpoint moved or is new) the rows are rebuilt.
pub fn drawn_with_traffic(
    base: &BaseRows,
    target: &Target,
    cluster: &Cluster,
) -> (Vec<FlowRow>, Undrawn) {
    let mut counts: BTreeMap<usize, (u32, u32)> = BTreeMap::new();
    for (id, c) in &target.last_endpoints {
        match base.index.get(id.as_str()) {
            Some(&i) if base.rows[i].node.as_str() == c.node.as_str() => {
                counts.insert(i, (c.ok, c.failed));
            }
            _ => {
                let rows = with_traffic(base, target, cluster);
                let (shown, hidden) = drawn_rows(&rows);
                let undrawn = Undrawn::of(&hidden);
                return (shown.into_iter().cloned().collect(), undrawn);
            }
        }
    }
    let row = |i: usize| {
        let mut r = base.rows[i].clone();
        if let Some(&(ok, failed)) = counts.get(&i) {
            r.ok = ok;
            r.failed = failed;
        }
        r
    };
    let rows = &base.rows;
    if rows.len() <= MAX_FLOW_ROWS {
        return ((0..rows.len()).map(row).collect(), Undrawn::default());
    }
    let keep = drawn_mask(rows.len(), |i| {
        let r = &rows[i];
        counts.get(&i).is_some_and(|&(ok, failed)| ok + failed > 0)
            || r.node_down
            || r.ready == Some(false)
    });
    let mut shown = Vec::with_capacity(MAX_FLOW_ROWS);
    let mut undrawn = Undrawn::default();
    for (i, k) in keep.into_iter().enumerate() {
        if k {
            shown.push(row(i));
        } else {
            undrawn.add(rows[i].node_down, rows[i].ready);
        }
    }
    (shown, undrawn)
}

/// Width of the flow diagram in SVG units.
const F_WIDTH: f64 = 520.0;
/// Height of one endpoint row.
const F_ROW: f64 = 30.0;

/// The flow diagram: the target's box on the left, one line per endpoint on the right.
fn flow_diagram(lang: Lang, label: &str, rows: &[FlowRow], hidden: &Undrawn) -> Html {
    let t = |m| tr(lang, m);
    let n = rows.len().max(1);
    let height = (n as f64 * F_ROW + 12.0).max(56.0);
    let (sx, sw, sh) = (6.0, 128.0, 40.0);
    let sy = height / 2.0 - sh / 2.0;
    let (ex, ew, eh) = (F_WIDTH - 196.0, 190.0, 24.0);
    let max = rows
        .iter()
        .map(|r| r.ok + r.failed)
        .max()
        .unwrap_or(0)
        .max(1);
    let lines = rows.iter().enumerate().map(|(i, r)| {
        let ey = 6.0 + i as f64 * F_ROW + (F_ROW - eh) / 2.0;
        let (x1, y1, x2, y2) = (sx + sw, sy + sh / 2.0, ex, ey + eh / 2.0);
        let total = r.ok + r.failed;
        let width = if total == 0 {
            1.0
        } else {
            1.5 + 7.0 * f64::from(total) / f64::from(max)
        };
        let failing = r.failed > 0;
        let class = if failing {
            "flow-line fail"
        } else if total == 0 {
            "flow-line idle"
        } else {
            "flow-line ok"
        };
        let text = if failing {
            fill(t(Msg::TfFailedPerSec), &[("count", &r.failed.to_string())])
        } else {
            fill(t(Msg::TfPerSec), &[("count", &r.ok.to_string())])
        };
        let mid = (x1 + x2) / 2.0;
        let lx = x1 + (x2 - x1) * 0.62;
        let ly = y1 + (y2 - y1) * 0.62 - 4.0;
        let (box_class, sym) = if r.node_down {
            ("flow-ep down", "✕")
        } else if r.ready == Some(false) {
            ("flow-ep notready", "◑")
        } else if failing {
            ("flow-ep down", "✕")
        } else {
            ("flow-ep up", "●")
        };
        // A backend's id already names its node.
        let mut ep_text = if r.id.starts_with(&format!("{}:", r.node)) {
            format!("{sym} {}", r.id)
        } else {
            format!("{sym} {} · {}", short_id(&r.id), r.node)
        };
        if r.node_down {
            ep_text.push_str(&format!(" · {}", t(Msg::TfDown)));
        } else if r.ready == Some(false) {
            ep_text.push_str(&format!(" · {}", t(Msg::TfNotReady)));
        }
        html! {
            <g class="flow-row" data-endpoint={r.id.clone()} data-node={r.node.clone()}
                data-ok={r.ok.to_string()} data-failed={r.failed.to_string()}
                data-node-down={r.node_down.to_string()}>
                <path class={class} stroke-width={format!("{width:.1}")}
                    d={format!("M{x1:.1},{y1:.1} C{mid:.1},{y1:.1} {mid:.1},{y2:.1} {x2:.1},{y2:.1}")} />
                if total > 0 {
                    <text class={classes!("flow-label", failing.then_some("fail"))}
                        x={format!("{lx:.1}")} y={format!("{ly:.1}")} text-anchor="middle">{ text }</text>
                }
                <g class={box_class}>
                    <rect x={format!("{ex:.1}")} y={format!("{ey:.1}")} width={ew.to_string()} height={eh.to_string()} rx="5" />
                    <text x={format!("{:.1}", ex + 6.0)} y={format!("{:.1}", ey + 16.0)}>{ crate::layers::ellipsize(&ep_text, 30) }</text>
                </g>
            </g>
        }
    });
    let summary: Vec<String> = rows
        .iter()
        .map(|r| {
            fill(
                t(Msg::TfRowAria),
                &[
                    ("endpoint", r.id.as_str()),
                    ("node", r.node.as_str()),
                    ("ok", &r.ok.to_string()),
                    ("failed", &r.failed.to_string()),
                ],
            )
        })
        .collect();
    html! {
        <>
            <svg class="flow-svg" viewBox={format!("0 0 {F_WIDTH} {height:.1}")} role="img"
                aria-label={fill(t(Msg::TfFlowAria), &[("target", label)])} preserveAspectRatio="xMinYMin meet">
                <g class="flow-src">
                    <rect x={sx.to_string()} y={format!("{sy:.1}")} width={sw.to_string()} height={sh.to_string()} rx="7" />
                    <text x={format!("{:.1}", sx + sw / 2.0)} y={format!("{:.1}", sy + sh / 2.0 + 5.0)} text-anchor="middle">
                        { crate::layers::ellipsize(label, 16) }
                    </text>
                </g>
                { for lines }
                if rows.is_empty() {
                    <text class="flow-label" x={format!("{:.1}", sx + sw + 20.0)} y={format!("{:.1}", sy + sh / 2.0 + 5.0)}>
                        { t(Msg::TfNoEndpoints) }
                    </text>
                }
            </svg>
            <ul class="visually-hidden">{ for summary.into_iter().map(|s| html! { <li>{ s }</li> }) }</ul>
            { more_endpoints(lang, hidden) }
        </>
    }
}

/// A success-rate chart of the last `window_s` seconds of `series`: the success % line, the
/// failed share as bars from the bottom, axes in sim time. `compact` drops the axis titles.
pub fn rate_chart(lang: Lang, series: &[SecondStats], window_s: u64, compact: bool) -> Html {
    let t = |m| tr(lang, m);
    let (w, h) = if compact {
        (300.0, 90.0)
    } else {
        (520.0, 170.0)
    };
    let (left, right, top, bottom) = (40.0, 10.0, 10.0, if compact { 18.0 } else { 34.0 });
    let (pw, ph) = (w - left - right, h - top - bottom);
    let end_ms = series.last().map_or(0, |s| s.time.as_ms());
    // Before `window_s` seconds have passed the axis spans what there is.
    let span_ms = (window_s * 1000).min(end_ms).max(1000);
    let start_ms = end_ms - span_ms.min(end_ms);
    let shown: Vec<&SecondStats> = series
        .iter()
        .filter(|s| s.time.as_ms() > start_ms)
        .collect();
    let x_of = |ms: u64| left + (ms.saturating_sub(start_ms)) as f64 / span_ms as f64 * pw;
    let bar_w = (pw * 1000.0 / span_ms as f64).max(1.0);
    let bars = shown
        .iter()
        .filter(|s| s.failed > 0 && s.sent > 0)
        .map(|s| {
            let frac = f64::from(s.failed) / f64::from(s.sent);
            let bh = (frac * ph).max(1.0);
            let x = x_of(s.time.as_ms()) - bar_w;
            html! {
                <rect class="rc-fail" x={format!("{x:.1}")} y={format!("{:.1}", top + ph - bh)}
                    width={format!("{bar_w:.2}")} height={format!("{bh:.1}")}>
                    <title>{ format!("{} ✕ {}/{}", s.time, s.failed, s.sent) }</title>
                </rect>
            }
        });
    let points: Vec<String> = shown
        .iter()
        .filter(|s| s.sent > 0)
        .map(|s| {
            let y = top + ph * (1.0 - f64::from(s.ok) / f64::from(s.sent));
            format!("{:.1},{y:.1}", x_of(s.time.as_ms()) - bar_w / 2.0)
        })
        .collect();
    let grid = [0.0, 50.0, 100.0].map(|p: f64| {
        let y = top + ph * (1.0 - p / 100.0);
        html! {
            <>
                <line class="rc-grid" x1={left.to_string()} x2={(left + pw).to_string()}
                    y1={format!("{y:.1}")} y2={format!("{y:.1}")} />
                <text class="rc-tick" x={(left - 4.0).to_string()} y={format!("{:.1}", y + 4.0)} text-anchor="end">
                    { format!("{p:.0}%") }
                </text>
            </>
        }
    });
    // Ticks at whole seconds: the first and last inside the axis, and one between.
    let first = start_ms.div_ceil(1000) * 1000;
    let last = end_ms / 1000 * 1000;
    let mid = (first + last) / 2000 * 1000;
    let xticks = [(first, "start"), (mid, "middle"), (last, "end")].map(|(ms, anchor)| {
        html! {
            <text class="rc-tick" x={format!("{:.1}", x_of(ms))} y={format!("{:.1}", top + ph + 14.0)} text-anchor={anchor}>
                { SimTime(ms).to_string() }
            </text>
        }
    });
    let aria = fill(
        t(Msg::TfChartAria),
        &[
            ("seconds", &window_s.to_string()),
            ("rate", &pct_text(success_over(series, window_s as usize))),
        ],
    );
    html! {
        <svg class={classes!("rate-chart", compact.then_some("compact"))} viewBox={format!("0 0 {w} {h}")}
            role="img" aria-label={aria} preserveAspectRatio="xMinYMin meet">
            { for grid }
            <line class="rc-axis" x1={left.to_string()} x2={left.to_string()} y1={top.to_string()} y2={(top + ph).to_string()} />
            <line class="rc-axis" x1={left.to_string()} x2={(left + pw).to_string()} y1={(top + ph).to_string()} y2={(top + ph).to_string()} />
            { for bars }
            if points.len() > 1 {
                <polyline class="rc-ok" points={points.join(" ")} />
            }
            { for xticks }
            if !compact {
                <text class="rc-title" x={format!("{:.1}", left + pw / 2.0)} y={(h - 2.0).to_string()} text-anchor="middle">
                    { t(Msg::TfAxisTime) }
                </text>
            }
        </svg>
    }
}

/// The Services of the cluster that traffic can be started on (not `default/kubernetes`).
fn services(cluster: &Cluster) -> Vec<(String, String)> {
    cluster
        .store
        .list(ObjectKind::Service, None)
        .filter_map(|o| match o {
            Object::Service(s) => Some((s.metadata.namespace.clone(), s.metadata.name.clone())),
            _ => None,
        })
        .filter(|(ns, name)| !(ns == "default" && name == "kubernetes"))
        .collect()
}

/// The Cluster tab's traffic panel.
#[function_component(TrafficPanel)]
pub fn traffic_panel(props: &TrafficProps) -> Html {
    let base_cache = use_mut_ref(BTreeMap::<String, (BaseStamp, Rc<BaseRows>)>::new);
    let lang = props.lang;
    let t = |m| tr(lang, m);
    let session = props.sandbox.session();
    let sim = session.sim();
    let Some(cluster) = sim.cluster() else {
        return html! {};
    };
    let state = sim.traffic();
    let submit = |text: String| {
        let sandbox = props.sandbox.clone();
        Callback::from(move |_: MouseEvent| sandbox.dispatch(Action::Submit(text.clone())))
    };

    let start_buttons = services(cluster)
        .into_iter()
        .filter_map(|(ns, name)| {
            let target = TargetRef::Service {
                namespace: ns.clone(),
                name: name.clone(),
            };
            let label = target.label();
            if state.target(&label).is_some_and(|t| t.running) {
                return None;
            }
            let mut words = vec![
                "traffic".to_string(),
                "start".to_string(),
                format!("svc/{name}"),
                "--rps".to_string(),
                DEFAULT_RPS.to_string(),
            ];
            if ns != "default" {
                words.extend(["-n".to_string(), ns]);
            }
            let command = shell_quote(&words);
            Some(html! {
                <button type="button" class="btn traffic-start" data-target={label.clone()}
                    title={command.clone()} onclick={submit(command.clone())}>
                    { "▶ " }{ fill(t(Msg::TfStart), &[("target", &label)]) }
                </button>
            })
        })
        .collect::<Vec<_>>();

    // Nothing to send traffic to yet: the panel stays out of the way.
    if start_buttons.is_empty() && state.targets().is_empty() {
        return html! {};
    }

    let cards = state.targets().iter().map(|(label, target)| {
        let series = traffic::series(sim, label);
        let last = series.last();
        let (rows, undrawn) = {
            let now = BaseStamp::of(props.sandbox.session_key(), cluster, target, sim);
            let mut cache = base_cache.borrow_mut();
            let base = match cache.get(label) {
                Some((stamp, base)) if stamp.still_valid_for(&now, sim.log()) => base.clone(),
                _ => {
                    let base = Rc::new(base_rows(cluster, target, sim));
                    cache.insert(label.clone(), (now, base.clone()));
                    base
                }
            };
            drawn_with_traffic(&base, target, cluster)
        };
        let recent = success_over(series, RECENT_S);
        let window = success_over(series, CHART_WINDOW_S as usize);
        let stop = target.running.then(|| {
            let command = shell_quote(&["traffic".to_string(), "stop".to_string(), label.clone()]);
            html! {
                <button type="button" class="btn traffic-stop" title={command.clone()}
                    onclick={submit(command.clone())}>{ "■ " }{ t(Msg::TfStop) }</button>
            }
        });
        let status = if target.running {
            fill(t(Msg::TfRunning), &[("rps", &target.rps.to_string())])
        } else {
            t(Msg::TfStopped).to_string()
        };
        let readout = match last {
            Some(s) => html! {
                <dl class="tf-readout">
                    <div><dt>{ t(Msg::TfLastSecond) }</dt>
                        <dd class={classes!((s.failed > 0).then_some("bad"))}>
                            { if s.failed > 0 { "✕ " } else { "✓ " } }
                            { pct_text(pct(u64::from(s.ok), u64::from(s.sent))) }
                            { format!(" ({}/{})", s.ok, s.sent) }
                        </dd></div>
                    <div><dt>{ fill(t(Msg::TfRecent), &[("seconds", &RECENT_S.to_string())]) }</dt>
                        <dd>{ pct_text(recent) }</dd></div>
                    <div><dt>{ fill(t(Msg::TfRecent), &[("seconds", &CHART_WINDOW_S.to_string())]) }</dt>
                        <dd>{ pct_text(window) }</dd></div>
                    <div><dt>{ "p50 / p99" }</dt>
                        <dd class="tf-p99" data-p99-us={s.p99_us.to_string()}>{ format!("{} / {}", ms(s.p50_us), ms(s.p99_us)) }</dd></div>
                    if s.failed > 0 {
                        <div><dt>{ t(Msg::TfFailedKinds) }</dt>
                            <dd class="bad">{ fill(t(Msg::TfTimeoutsRefused), &[("timeouts", &s.timeouts.to_string()), ("refused", &s.refused.to_string())]) }</dd></div>
                    }
                </dl>
            },
            None => html! { <p class="view-note">{ t(Msg::TfNoSeconds) }</p> },
        };
        html! {
            <article class="traffic-target" data-target={label.clone()} data-running={target.running.to_string()}
                data-success-last={pct_attr(last.and_then(|s| pct(u64::from(s.ok), u64::from(s.sent))))}
                data-success-recent={pct_attr(recent)} data-seconds={series.len().to_string()}
                aria-label={label.clone()}>
                <div class="tf-head">
                    <strong class="tf-name"><code>{ label.clone() }</code></strong>
                    <span class={classes!("badge", (!target.running).then_some("muted"))}>{ status }</span>
                    { for stop }
                </div>
                <div class="tf-body">
                    <div class="tf-flow">
                        <h4>{ t(Msg::TfFlowTitle) }</h4>
                        { flow_diagram(lang, label, &rows, &undrawn) }
                    </div>
                    <div class="tf-chart">
                        <h4>{ fill(t(Msg::TfChartTitle), &[("seconds", &CHART_WINDOW_S.to_string())]) }</h4>
                        { rate_chart(lang, series, CHART_WINDOW_S, false) }
                        <ul class="rc-legend">
                            <li><span class="rc-key ok" aria-hidden="true">{ "━" }</span>{ t(Msg::TfLegendOk) }</li>
                            <li><span class="rc-key fail" aria-hidden="true">{ "▮" }</span>{ t(Msg::TfLegendFail) }</li>
                        </ul>
                        { readout }
                    </div>
                </div>
            </article>
        }
    });

    let fleet = super::fleet::fleet_compare(lang, &props.sandbox, sim, cluster);

    html! {
        <section class="panel traffic-panel" id="traffic-panel" aria-labelledby="traffic-title"
            data-targets={state.targets().len().to_string()}>
            <div class="view-head">
                <h3 id="traffic-title">{ t(Msg::TfTitle) }</h3>
                <span class="view-note">{ t(Msg::TfNote) }</span>
            </div>
            if !start_buttons.is_empty() {
                <div class="tf-actions">{ for start_buttons }</div>
            }
            if state.targets().is_empty() {
                <p class="view-note">{ t(Msg::TfEmpty) }</p>
            }
            { fleet }
            { for cards }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use sim_core::{Session, SimConfig};

    use super::*;

    /// What the panel drew before [`drawn_with_traffic`]: every row copied, then picked.
    fn reference(base: &BaseRows, target: &Target, cluster: &Cluster) -> (Vec<FlowRow>, Undrawn) {
        let rows = with_traffic(base, target, cluster);
        let (shown, hidden) = drawn_rows(&rows);
        (shown.into_iter().cloned().collect(), Undrawn::of(&hidden))
    }

    #[test]
    fn drawing_in_place_picks_the_rows_a_full_copy_would() {
        let mut s = Session::new(SimConfig { seed: 4 });
        for e in s.submit(
            "cluster create --nodes 3\n\
             kubectl create deployment web --image=nginx:1.27-alpine --replicas=90\n\
             cat > svc.yaml <<'EOF'\n\
             apiVersion: v1\n\
             kind: Service\n\
             metadata:\n  name: web\n\
             spec:\n  selector:\n    app: web\n  ports:\n  - port: 80\n\
             EOF\n\
             kubectl apply -f svc.yaml\n\
             run 1m\n\
             traffic start svc/web --rps 30\n\
             run 5s",
        ) {
            assert!(e.error.is_none(), "{}: {:?}", e.command, e.error);
        }
        let sim = s.sim();
        let cluster = sim.cluster().expect("a cluster");
        let target = sim.traffic().targets().values().next().expect("a target");
        assert!(!target.last_endpoints.is_empty());
        let base = base_rows(cluster, target, sim);
        assert!(base.rows.len() > MAX_FLOW_ROWS, "{}", base.rows.len());
        let (shown, undrawn) = drawn_with_traffic(&base, target, cluster);
        assert_eq!((shown.clone(), undrawn), reference(&base, target, cluster));
        assert_eq!(shown.len(), MAX_FLOW_ROWS);
        assert_eq!(undrawn.count, base.rows.len() - MAX_FLOW_ROWS);
        assert!(shown.iter().any(|r| r.ok > 0));

        // An endpoint that answered from another node than the slice says: rebuilt, same rows.
        let mut moved = target.clone();
        let (_, count) = moved.last_endpoints.iter_mut().next().expect("an endpoint");
        count.node = "node-elsewhere".into();
        assert_eq!(
            drawn_with_traffic(&base, &moved, cluster),
            reference(&base, &moved, cluster)
        );
    }
}
