//! The Cluster tab's chaos panel and failure timeline.
//!
//! The panel lists each node with its health (what the machine is, from chaos's
//! [`NodeFault`], beside what the control plane believes, the node's Ready condition) and its
//! taints, and offers the chaos commands that make sense for it; per zone, one button takes the
//! zone down and one brings its crashed nodes back; one kills the picked pod. Every button
//! submits the command as typed text.
//!
//! The failure timeline follows one node fault (`FaultInjected`) through the event log: the
//! events whose cause chain leads back to it, classified into the steps Kubernetes takes
//! (Ready=Unknown, taints, pods not ready, endpoints, eviction, replacement), with the
//! simulated time between them beside the defaults the model uses
//! ([`nodelifecycle::GRACE_MS`], [`DEFAULT_TOLERATION_SECONDS`]).
//!
//! Everything comes from the session at the frame being viewed, so it works when scrubbing back.

use std::collections::BTreeMap;

use sim_core::cluster::api::{ConditionStatus, Object, ObjectKind};
use sim_core::cluster::defaults::DEFAULT_TOLERATION_SECONDS;
use sim_core::cluster::failure::{marks, Mark, Step};
use sim_core::cluster::faults::NodeFault;
use sim_core::cluster::nodelifecycle::{GRACE_MS, MONITOR_PERIOD_MS, RUNTIME_DOWN_AFTER_MS};
use sim_core::cluster::scheduler::plugins::pod_topology_spread::LABEL_TOPOLOGY_ZONE;
use sim_core::cluster::state::Cluster;
use sim_core::cluster::store::Key;
use sim_core::{Event, EventKind, SimTime};
use yew::prelude::*;

use crate::i18n::{fill, tr, Lang, Msg};
use crate::state::{Action, Sandbox};

/// Marks at most this far apart (or 4 % of the whole failure) share a column of the timeline.
/// ASSUMPTION: a reconcile chain (100 ms steps, a container start) reads as one moment.
const GROUP_GAP_MS: u64 = 5_000;

/// Properties of [`ChaosPanel`].
#[derive(Properties, PartialEq)]
pub struct ChaosProps {
    /// UI language.
    pub lang: Lang,
    /// The app state.
    pub sandbox: UseReducerHandle<Sandbox>,
    /// The picked pod (`namespace/name`), which "Kill pod" kills.
    pub picked_pod: Option<AttrValue>,
    /// Selects an event in the log (by id).
    pub on_select_event: Callback<u64>,
}

/// Past this many nodes only the rows in or near the viewport are drawn in full (as the map's
/// node boxes, [`crate::windowing`]).
const LARGE_NODE_COUNT: usize = super::cluster::WINDOWED_MIN_NODES;
/// A row before it was ever drawn, in CSS pixels: name and health, machine vs API, taints.
const ROW_PX: u32 = 96;

/// The node faults a timeline can follow (the others undo one).
const FAILURES: [&str; 4] = ["node-crash", "kubelet-stop", "partition", "runtime-stop"];

/// How the browser shows each step of a failover.
trait StepView {
    fn msg(self) -> Msg;
    fn symbol(self) -> &'static str;
    fn per_pod(self) -> bool;
    fn phase(self) -> &'static str;
}

impl StepView for Step {
    fn msg(self) -> Msg {
        match self {
            Step::Fault => Msg::FtFault,
            Step::Heartbeat => Msg::FtHeartbeat,
            Step::Unknown => Msg::FtUnknown,
            Step::Tainted => Msg::FtTainted,
            Step::PodsNotReady => Msg::FtPodsNotReady,
            Step::Endpoints => Msg::FtEndpoints,
            Step::TrafficFailing => Msg::FtTrafficFailing,
            Step::Eviction => Msg::FtEviction,
            Step::Created => Msg::FtCreated,
            Step::Scheduled => Msg::FtScheduled,
            Step::Pulled => Msg::FtPulled,
            Step::Ready => Msg::FtReady,
            Step::TrafficOk => Msg::FtTrafficOk,
        }
    }

    /// A symbol per step (colour is never alone): trouble, then recovery.
    fn symbol(self) -> &'static str {
        match self {
            Step::Fault => "✕",
            Step::Heartbeat => "♡",
            Step::Unknown => "◌",
            Step::Tainted => "⚑",
            Step::PodsNotReady => "◑",
            Step::Endpoints => "⊘",
            Step::TrafficFailing => "⚠",
            Step::Eviction => "⏏",
            Step::Created => "+",
            Step::Scheduled => "→",
            Step::Pulled => "↓",
            Step::Ready => "●",
            Step::TrafficOk => "✓",
        }
    }

    /// Whether it happens once per pod of the node (its count is worth showing).
    fn per_pod(self) -> bool {
        matches!(
            self,
            Step::PodsNotReady
                | Step::Eviction
                | Step::Created
                | Step::Scheduled
                | Step::Pulled
                | Step::Ready
        )
    }

    /// The CSS class of its phase: the fault and detection, the wait, the recovery.
    fn phase(self) -> &'static str {
        match self {
            Step::Fault | Step::Heartbeat => "ft-fault",
            Step::Unknown
            | Step::Tainted
            | Step::PodsNotReady
            | Step::Endpoints
            | Step::TrafficFailing => "ft-detect",
            Step::Eviction => "ft-evict",
            Step::Created | Step::Scheduled | Step::Pulled | Step::Ready | Step::TrafficOk => {
                "ft-recover"
            }
        }
    }
}

/// `55 s`, `300 s`, `868 ms`, `1.1 s` (simulated time between two marks).
fn span(ms: u64) -> String {
    if ms < 1000 {
        format!("{ms} ms")
    } else if ms.is_multiple_of(1000) {
        format!("{} s", ms / 1000)
    } else {
        format!("{}.{} s", ms / 1000, (ms % 1000) / 100)
    }
}

/// What the machine is (chaos) and what the control plane believes (the Ready condition):
/// (CSS class, symbol, message).
fn health(fault: NodeFault, ready: Option<ConditionStatus>) -> (&'static str, &'static str, Msg) {
    if fault.down {
        ("hl-down", "✕", Msg::ChDown)
    } else if fault.partitioned {
        ("hl-partitioned", "⌁", Msg::ChPartitioned)
    } else {
        match ready {
            Some(ConditionStatus::True) => ("hl-ready", "●", Msg::ChReady),
            Some(ConditionStatus::False) => ("hl-unknown", "◌", Msg::ChNotReady),
            _ => ("hl-unknown", "◌", Msg::ChUnknownReady),
        }
    }
}

/// Properties of [`ChaosRow`].
#[derive(Properties, PartialEq)]
struct ChaosRowProps {
    lang: Lang,
    name: AttrValue,
    fault: NodeFault,
    ready: Option<ConditionStatus>,
    taints: Vec<String>,
    on_submit: Callback<String>,
    /// In a windowed list: whether the row is drawn in full, else its height in CSS pixels.
    /// `None` outside windowed lists.
    windowed: Option<Result<(), u32>>,
}

/// One node of the chaos panel: its health, taints and the chaos buttons that apply.
#[function_component(ChaosRow)]
fn chaos_row(props: &ChaosRowProps) -> Html {
    let lang = props.lang;
    let t = |m| tr(lang, m);
    let name = props.name.to_string();
    let fault = props.fault;
    let submit = |command: String| {
        let cb = props.on_submit.clone();
        Callback::from(move |_: MouseEvent| cb.emit(command.clone()))
    };
    let (class, symbol, msg) = health(fault, props.ready.clone());
    let health_text = t(msg);
    let label = fill(
        t(Msg::ChNodeLabel),
        &[("node", &name), ("health", health_text)],
    );
    let tabindex = props.windowed.map(|_| "0");
    // The node's name and health: all a row far outside the window shows.
    let heading = html! {
        <div class="chaos-node">
            <span class="hl-sym" aria-hidden="true">{ symbol }</span>
            <code>{ &name }</code>
            <span class="hl-text">{ health_text }</span>
        </div>
    };
    if let Some(Err(height_px)) = props.windowed {
        return html! {
            <li class={classes!("chaos-row", class, "placeholder")} data-node={name.clone()}
                data-health={class.trim_start_matches("hl-")} aria-label={label} tabindex={tabindex}
                style={format!("min-height: {height_px}px")}>
                <div class="chaos-info">{ heading }</div>
            </li>
        };
    }
    let api = props
        .ready
        .as_ref()
        .map_or("—".to_string(), |s| format!("Ready={}", s.as_str()));
    let mut machine: Vec<&str> = [
        (fault.down, Msg::ChMachineDown),
        (fault.kubelet_stopped, Msg::ChMachineKubelet),
        (fault.partitioned, Msg::ChMachinePartitioned),
        (fault.runtime_stopped, Msg::ChMachineRuntime),
        (fault.memory_pressure, Msg::ChMachineMemory),
        (fault.disk_pressure, Msg::ChMachineDisk),
    ]
    .into_iter()
    .filter(|(on, _)| *on)
    .map(|(_, m)| t(m))
    .collect();
    if machine.is_empty() {
        machine.push(t(Msg::ChMachineUp));
    }
    let buttons = [
        (Msg::ChCrash, "node-crash", !fault.down),
        (Msg::ChRecover, "node-recover", fault.down),
        (
            Msg::ChStopKubelet,
            "kubelet-stop",
            !fault.down && !fault.kubelet_stopped,
        ),
        (
            Msg::ChPartition,
            "partition",
            !fault.down && !fault.partitioned,
        ),
        (Msg::ChHeal, "heal", !fault.down && !fault.is_healthy()),
    ]
    .map(|(label, verb, enabled)| {
        let aria = fill(
            t(Msg::ChActionLabel),
            &[("action", t(label)), ("node", &name)],
        );
        html! {
            <button type="button" class="btn btn-small chaos-btn" data-action={verb}
                disabled={!enabled} aria-label={aria.clone()} title={format!("chaos {verb} {name}")}
                onclick={submit(format!("chaos {verb} {name}"))}>
                { t(label) }
            </button>
        }
    });
    let taints = props.taints.iter().map(|taint| {
        html! { <span class="badge taint" title={taint.clone()}>{ taint.clone() }</span> }
    });
    html! {
        <li class={classes!("chaos-row", class)} data-node={name.clone()} data-health={class.trim_start_matches("hl-")}
            aria-label={label} tabindex={tabindex}>
            <div class="chaos-info">
                { heading }
                <div class="hl-detail">{ fill(t(Msg::ChHealthDetail), &[("machine", &machine.join(", ")), ("api", &api)]) }</div>
                <div class="chaos-taints">
                    <span class="chaos-taints-label">{ t(Msg::ChColTaints) }</span>
                    if props.taints.is_empty() {
                        <span class="view-note-inline">{ t(Msg::ChNoTaints) }</span>
                    }
                    { for taints }
                </div>
            </div>
            <div class="chaos-actions" role="group" aria-label={fill(t(Msg::ChActionsLabel), &[("node", &name)])}>{ for buttons }</div>
        </li>
    }
}

/// The indices of the node faults a timeline can follow, kept between renders and extended
/// with only the events logged since (a log that is not an extension of the one read is read
/// again from the start).
#[derive(Default)]
struct FaultIndex {
    session: usize,
    len: usize,
    last: Option<Event>,
    faults: Vec<usize>,
}

impl FaultIndex {
    fn update(&mut self, session: usize, log: &[Event]) -> &[usize] {
        let extends = self.session == session
            && log.len() >= self.len
            && match &self.last {
                Some(e) => log.get(self.len - 1) == Some(e),
                None => self.len == 0,
            };
        if !extends {
            *self = FaultIndex {
                session,
                ..FaultIndex::default()
            };
        }
        let from = self.len;
        self.faults.extend(
            log[from..]
                .iter()
                .enumerate()
                .filter(|(_, e)| is_followed_fault(e))
                .map(|(i, _)| from + i),
        );
        self.len = log.len();
        self.last = log.last().cloned();
        &self.faults
    }
}

/// A node fault the failure timeline can follow.
fn is_followed_fault(e: &Event) -> bool {
    e.object.kind == "node"
        && matches!(&e.kind, EventKind::FaultInjected { fault } if FAILURES.contains(&fault.as_str()))
}

/// The chaos panel and the failure timeline.
#[function_component(ChaosPanel)]
pub fn chaos_panel(props: &ChaosProps) -> Html {
    let lang = props.lang;
    let t = |m| tr(lang, m);
    let chosen = use_state_eq(|| None::<u64>);
    let on_submit = {
        let dispatcher = props.sandbox.dispatcher();
        use_callback((), move |command: String, _| {
            dispatcher.dispatch(Action::Submit(command))
        })
    };
    let fault_cache = use_mut_ref(FaultIndex::default);
    let list_ref = use_node_ref();
    let session = props.sandbox.session();
    let sim = session.sim();
    let node_count = sim.cluster().map_or(0, |c| c.store.count(ObjectKind::Node));
    let large = node_count > LARGE_NODE_COUNT;
    let (drawn, heights) =
        crate::windowing::use_drawn_range(list_ref.clone(), node_count, large, "data-node", ROW_PX);
    let Some(cluster) = sim.cluster() else {
        return html! {};
    };
    let submit = |command: String| {
        let sandbox = props.sandbox.clone();
        Callback::from(move |_: MouseEvent| sandbox.dispatch(Action::Submit(command.clone())))
    };

    // Nodes, their health and the buttons that make sense for each: one component per node,
    // so a node whose health did not change is not redrawn (500 nodes on every tick).
    let mut zones: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let rows = cluster
        .store
        .list(ObjectKind::Node, None)
        .filter_map(|o| match o {
            Object::Node(n) => Some(n),
            _ => None,
        })
        .enumerate()
        .map(|(i, n)| {
            let name = n.metadata.name.clone();
            let fault = cluster.fault(&name);
            if let Some(zone) = n.metadata.labels.get(LABEL_TOPOLOGY_ZONE) {
                let z = zones.entry(zone.clone()).or_default();
                z.0 += 1;
                if !fault.down {
                    z.1 += 1;
                }
            }
            let ready = n
                .status
                .conditions
                .iter()
                .find(|c| c.type_ == "Ready")
                .map(|c| c.status.clone());
            let taints: Vec<String> = n.spec.taints.iter().map(|t| t.to_string()).collect();
            let windowed = large.then(|| {
                if drawn.contains(&i) {
                    Ok(())
                } else {
                    Err(heights.of(&name))
                }
            });
            html! {
                <ChaosRow key={name.clone()} lang={lang} name={AttrValue::from(name.clone())} fault={fault}
                    ready={ready} taints={taints} on_submit={on_submit.clone()} windowed={windowed} />
            }
        })
        .collect::<Vec<Html>>();

    // Per zone: take it down while a node of it is up, bring it back while one is down.
    let zone_buttons = zones.iter().map(|(zone, (all, up))| {
        let button = |verb: &str, symbol: &str, label: Msg, aria: Msg, count: usize| {
            let aria = fill(t(aria), &[("zone", zone), ("count", &count.to_string())]);
            let command = format!("chaos {verb} {zone}");
            html! {
                <button type="button" class="btn btn-small chaos-btn" data-zone={zone.clone()}
                    data-action={verb.to_string()} aria-label={aria} title={command.clone()}
                    onclick={submit(command)}>
                    <span aria-hidden="true">{ symbol }</span>{ fill(t(label), &[("zone", zone)]) }
                </button>
            }
        };
        let outage = (*up > 0).then(|| {
            button(
                "zone-outage",
                "✕ ",
                Msg::ChZoneOutage,
                Msg::ChZoneOutageLabel,
                *up,
            )
        });
        let recover = (up < all).then(|| {
            button(
                "zone-recover",
                "↻ ",
                Msg::ChZoneRecover,
                Msg::ChZoneRecoverLabel,
                all - up,
            )
        });
        html! { <>{ for outage }{ for recover }</> }
    });

    // Kill the picked pod, when there is one its kubelet would restart.
    let kill = props.picked_pod.as_deref().and_then(|picked| {
        let (ns, name) = picked.split_once('/').unwrap_or(("default", picked));
        let Some(Object::Pod(p)) = cluster.store.get(&Key::new(ObjectKind::Pod, ns, name)) else {
            return None;
        };
        let enabled = p.metadata.deletion_timestamp.is_none()
            && !p.spec.node_name.is_empty()
            && cluster.fault(&p.spec.node_name).heartbeats()
            && p.status.container_statuses.iter().any(|s| s.state.running.is_some());
        let command = if ns == "default" {
            format!("chaos pod-kill {name}")
        } else {
            format!("chaos pod-kill {name} -n {ns}")
        };
        Some(html! {
            <button type="button" class="btn btn-small chaos-btn" id="chaos-kill-pod" data-pod={name.to_string()}
                disabled={!enabled} title={command.clone()}
                aria-label={fill(t(Msg::ChKillPodLabel), &[("pod", name)])} onclick={submit(command)}>
                <span aria-hidden="true">{ "✕ " }</span>{ fill(t(Msg::ChKillPod), &[("pod", name)]) }
            </button>
        })
    });

    let faults = fault_cache
        .borrow_mut()
        .update(props.sandbox.session_key(), sim.log())
        .to_vec();
    let panel = html! {
        <section class="panel chaos-panel" id="chaos-panel" aria-labelledby="chaos-title">
            <div class="view-head">
                <h3 id="chaos-title">{ t(Msg::ChTitle) }</h3>
                <span class="view-note">{ t(Msg::ChNote) }</span>
            </div>
            <ul class={classes!("chaos-nodes", large.then_some("large"))} id="chaos-nodes" ref={list_ref}>{ for rows }</ul>
            <div class="chaos-extra">
                if !zones.is_empty() {
                    <span class="chaos-extra-label">{ t(Msg::ChZones) }</span>
                    { for zone_buttons }
                }
                <span class="chaos-extra-label">{ t(Msg::ChPod) }</span>
                { match kill {
                    Some(button) => button,
                    None => html! { <span class="view-note-inline">{ t(Msg::ChPickPod) }</span> },
                } }
            </div>
        </section>
    };

    html! {
        <>
            { panel }
            { timeline(props, sim.log(), &faults, cluster, &chosen) }
        </>
    }
}

/// The failure timeline of the chosen (else the latest) node fault.
fn timeline(
    props: &ChaosProps,
    log: &[Event],
    faults: &[usize],
    cluster: &Cluster,
    chosen: &UseStateHandle<Option<u64>>,
) -> Html {
    let lang = props.lang;
    let t = |m| tr(lang, m);
    let head = html! {
        <div class="view-head">
            <h3 id="ft-title">{ t(Msg::FtTitle) }</h3>
        </div>
    };
    let Some(&latest) = faults.last() else {
        return html! {
            <section class="panel failure-timeline" id="failure-timeline" aria-labelledby="ft-title">
                { head }
                <p class="view-note">{ t(Msg::FtNone) }</p>
            </section>
        };
    };
    let at = chosen
        .and_then(|id| faults.iter().copied().find(|&i| log[i].id.0 == id))
        .unwrap_or(latest);
    let fault = &log[at];
    let fault_name = match &fault.kind {
        EventKind::FaultInjected { fault } => fault.clone(),
        _ => String::new(),
    };
    let marks = marks(log, at, cluster);
    // A stopped container runtime keeps the Lease renewed: the kubelet itself reports the node
    // NotReady (Ready=False), where a silent node is marked Unknown by the controller.
    let runtime = fault_name == "runtime-stop";
    let step_label = |step: Step| match step {
        Step::Unknown if runtime => t(Msg::FtNotReadyFalse),
        _ => t(step.msg()),
    };

    let picker = (faults.len() > 1).then(|| {
        let chosen = chosen.clone();
        let onchange = Callback::from(move |e: yew::Event| {
            let value = e
                .target_unchecked_into::<web_sys::HtmlSelectElement>()
                .value();
            chosen.set(value.parse().ok());
        });
        let options = faults.iter().rev().map(|&i| {
            let e = &log[i];
            let fault = match &e.kind {
                EventKind::FaultInjected { fault } => fault.as_str(),
                _ => "",
            };
            html! {
                <option value={e.id.0.to_string()} selected={i == at}>
                    { format!("#{} {} {} {}", e.id.0, e.time, fault, e.object.name) }
                </option>
            }
        });
        html! {
            <label class="ft-picker">
                <span>{ t(Msg::FtPick) }</span>
                <select id="ft-fault-picker" onchange={onchange}>{ for options }</select>
            </label>
        }
    });

    let find = |s: Step| marks.iter().find(|m| m.step == s);
    // The two waits Kubernetes' defaults decide, measured beside the defaults.
    let detect = find(if runtime {
        Step::Fault
    } else {
        Step::Heartbeat
    })
    .zip(find(Step::Unknown))
    .map(|(a, b)| b.time.as_ms().saturating_sub(a.time.as_ms()));
    let tolerate = find(Step::Tainted)
        .zip(find(Step::Eviction))
        .map(|(a, b)| b.time.as_ms().saturating_sub(a.time.as_ms()));
    let grace = span(GRACE_MS);
    let period = span(MONITOR_PERIOD_MS);
    let seconds = span(u64::try_from(DEFAULT_TOLERATION_SECONDS).unwrap_or(0) * 1000);
    let measure = |id: &'static str, label: Msg, measured: Option<u64>, expected: String| {
        let value = measured.map_or_else(|| t(Msg::FtNotYet).to_string(), span);
        html! {
            <li class="ft-measure" id={id} data-ms={measured.map(|m| m.to_string())}>
                <span class="ft-measure-label">{ t(label) }</span>
                <strong class="ft-measure-value">{ value }</strong>
                <span class="ft-expected">{ expected }</span>
            </li>
        }
    };
    let measures = html! {
        <ul class="ft-measures" aria-label={t(Msg::FtMeasures)}>
            if runtime {
                { measure("ft-detect", Msg::FtDetectRuntime, detect,
                    fill(t(Msg::FtRuntimeDefault), &[("wait", &span(RUNTIME_DOWN_AFTER_MS))])) }
            } else {
                { measure("ft-detect", Msg::FtDetect, detect,
                    fill(t(Msg::FtGraceDefault), &[("grace", &grace), ("period", &period)])) }
            }
            { measure("ft-toleration", Msg::FtTolerate, tolerate,
                fill(t(Msg::FtTolerationDefault), &[("seconds", &seconds)])) }
        </ul>
    };

    // The axis: each mark at its simulated time, from the fault to the last mark.
    let start = marks.iter().map(|m| m.time).min().unwrap_or(fault.time);
    let end = marks.iter().map(|m| m.time).max().unwrap_or(fault.time);
    let total_ms = end.as_ms().saturating_sub(start.as_ms()).max(1);
    let pct =
        |time: SimTime| time.as_ms().saturating_sub(start.as_ms()) as f64 * 100.0 / total_ms as f64;
    let ticks = marks.iter().map(|m| {
        html! {
            <span class={classes!("ft-tick", m.step.phase())} style={format!("left: {:.2}%", pct(m.time))}
                title={format!("{} {}", step_label(m.step), m.time)}></span>
        }
    });
    let axis = html! {
        <div class="ft-axis" aria-hidden="true">
            <span class="ft-axis-line"></span>
            { for ticks }
        </div>
    };

    // Marks close in time form one column (one moment of the failover); the columns are
    // separated by the simulated time between them.
    let gap_ms = (total_ms / 25).max(GROUP_GAP_MS);
    let mut groups: Vec<Vec<&Mark>> = Vec::new();
    for m in &marks {
        match groups.last_mut() {
            Some(g) if m.time.as_ms().saturating_sub(g[g.len() - 1].time.as_ms()) <= gap_ms => {
                g.push(m)
            }
            _ => groups.push(vec![m]),
        }
    }
    let mut previous: Option<SimTime> = None;
    let mut group_start: Option<SimTime> = None;
    let columns =
        groups
            .iter()
            .map(|g| {
                let first = g[0].time;
                let since = group_start.map(|s| first.as_ms().saturating_sub(s.as_ms()));
                group_start = Some(first);
                let buttons = g.iter().map(|m| {
                let after_ms = previous.map(|p| m.time.as_ms().saturating_sub(p.as_ms()));
                previous = Some(m.time);
                let offset_ms = m.time.as_ms().saturating_sub(first.as_ms());
                let id = m.event;
                let onclick = {
                    let cb = props.on_select_event.clone();
                    Callback::from(move |_: MouseEvent| cb.emit(id))
                };
                let label = step_label(m.step);
                let count = (m.count > 1 && m.step.per_pod()).then(|| format!(" ×{}", m.count));
                let aria = fill(
                    t(Msg::FtMarkLabel),
                    &[("step", label), ("time", &m.time.to_string()), ("id", &id.to_string())],
                );
                html! {
                    <li class={classes!("ft-mark", m.step.phase())}>
                        <button type="button" class="ft-mark-btn" data-mark={m.step.id()}
                            data-event={id.to_string()} data-time-ms={m.time.as_ms().to_string()}
                            data-after-ms={after_ms.map(|ms| ms.to_string())}
                            title={m.time.to_string()} aria-label={aria} onclick={onclick}>
                            <span class="ft-sym" aria-hidden="true">{ m.step.symbol() }</span>
                            <span class="ft-label">{ label }{ count }</span>
                            if offset_ms > 0 {
                                <span class="ft-offset">{ format!("+{}", span(offset_ms)) }</span>
                            }
                        </button>
                    </li>
                }
            });
                html! {
                    <li class="ft-group" data-time-ms={first.as_ms().to_string()}>
                        <div class="ft-group-head">
                            if let Some(ms) = since {
                                <span class="ft-gap">{ format!("+{}", span(ms)) }</span>
                            }
                            <span class="ft-group-time">{ first.to_string() }</span>
                        </div>
                        <ul class="ft-group-marks">{ for buttons }</ul>
                    </li>
                }
            })
            .collect::<Vec<Html>>();
    let missing: Vec<&str> = Step::ALL
        .iter()
        .filter(|s| {
            let skipped = matches!(s, Step::TrafficFailing | Step::TrafficOk)
                || (runtime && **s == Step::Heartbeat);
            !skipped && !marks.iter().any(|m| m.step == **s)
        })
        .map(|s| step_label(*s))
        .collect();

    html! {
        <section class="panel failure-timeline" id="failure-timeline" aria-labelledby="ft-title"
            data-fault={fault.id.0.to_string()} data-node={fault.object.name.clone()}>
            <div class="view-head ft-head">
                <h3 id="ft-title">{ t(Msg::FtTitle) }</h3>
                <strong class="ft-which">
                    { fill(t(Msg::FtWhich), &[("fault", &fault_name), ("node", &fault.object.name), ("time", &fault.time.to_string())]) }
                </strong>
                { for picker }
            </div>
            <p class="view-note ft-note">{ t(Msg::FtNote) }</p>
            { measures }
            { axis }
            <ol class="ft-marks" id="ft-marks" aria-label={t(Msg::FtMarks)}>{ for columns }</ol>
            if !missing.is_empty() {
                <p class="view-note ft-missing">{ fill(t(Msg::FtMissing), &[("steps", &missing.join(" · "))]) }</p>
            }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_read_in_seconds_or_milliseconds() {
        assert_eq!(span(55_000), "55 s");
        assert_eq!(span(300_000), "300 s");
        assert_eq!(span(868), "868 ms");
        assert_eq!(span(1_150), "1.1 s");
    }
}
