//! The manual fleet beside the orchestrated one: when a hand-made load balancer (`lb/…`) and a
//! Service (`svc/…`) both carry traffic, each side shows its servers or pods, which nodes are
//! down (chaos), where the last second's requests went and the success rate of the last 60 s.
//! After a node crash the Service recovers by itself once the node lifecycle controller marks
//! the node's pods not ready; the load balancer keeps failing until someone types `lb remove`,
//! which the "Remove dead backend" button submits.
//!
//! Numbers come from [`sim_core::cluster::traffic`] and the node faults at the frame viewed.

use sim_core::cluster::state::Cluster;
use sim_core::cluster::traffic::{self, Target};
use sim_core::command::shell_quote;
use sim_core::Sim;
use yew::prelude::*;

use super::traffic::{
    drawn_rows, flow_rows, more_endpoints, pct_attr, pct_text, rate_chart, success_over, FlowRow,
    Undrawn, RECENT_S,
};
use crate::i18n::{fill, tr, Lang, Msg};
use crate::state::{Action, Sandbox};

/// Seconds each side's success rate sums.
pub const FLEET_WINDOW_S: usize = 60;
/// Seconds each side's chart shows: long enough to keep a crash's detection window in view
/// for a few minutes.
pub const FLEET_CHART_S: u64 = 240;

/// The side-by-side comparison, or nothing when not both kinds of target have traffic.
pub fn fleet_compare(
    lang: Lang,
    sandbox: &UseReducerHandle<Sandbox>,
    sim: &Sim,
    cluster: &Cluster,
) -> Html {
    let t = |m| tr(lang, m);
    let state = sim.traffic();
    // Prefer running targets; else any with stats.
    let pick = |prefix: &str| -> Option<(&String, &Target)> {
        let all: Vec<(&String, &Target)> = state
            .targets()
            .iter()
            .filter(|(l, tg)| l.starts_with(prefix) && !tg.seconds.is_empty())
            .collect();
        all.iter()
            .find(|(_, tg)| tg.running)
            .or(all.first())
            .copied()
    };
    let (Some(lb), Some(svc)) = (pick("lb/"), pick("svc/")) else {
        return html! {};
    };

    let side = |manual: bool, label: &str, target: &Target| -> Html {
        let series = traffic::series(sim, label);
        let rows = flow_rows(cluster, target, sim);
        let window = success_over(series, FLEET_WINDOW_S);
        let recent = success_over(series, RECENT_S);
        let failing_seconds = series.iter().filter(|s| s.failed > 0).count();
        let dead: Vec<&FlowRow> = rows.iter().filter(|r| r.node_down).collect();
        let (title, what) = if manual {
            (t(Msg::FlManualTitle), t(Msg::FlManualWhat))
        } else {
            (t(Msg::FlOrchTitle), t(Msg::FlOrchWhat))
        };
        let (drawn, undrawn) = drawn_rows(&rows);
        let items = drawn.into_iter().map(|r| {
            let (class, sym, state_text) = if r.node_down {
                ("down", "✕", t(Msg::FlNodeDown))
            } else if r.ready == Some(false) {
                ("notready", "◑", t(Msg::TfNotReady))
            } else {
                ("up", "●", t(Msg::FlNodeUp))
            };
            let flow = if r.failed > 0 {
                html! { <span class="fl-req bad">{ fill(t(Msg::TfFailedPerSec), &[("count", &r.failed.to_string())]) }</span> }
            } else if r.ok > 0 {
                html! { <span class="fl-req">{ "→ " }{ fill(t(Msg::TfPerSec), &[("count", &r.ok.to_string())]) }</span> }
            } else {
                html! { <span class="fl-req idle">{ t(Msg::FlNoRequests) }</span> }
            };
            html! {
                <li class={classes!("fl-item", class)} data-id={r.id.clone()} data-node={r.node.clone()}
                    data-node-down={r.node_down.to_string()} data-ok={r.ok.to_string()} data-failed={r.failed.to_string()}>
                    <span class="fl-sym" aria-hidden="true">{ sym }</span>
                    <code class="fl-id">{ r.id.strip_prefix("pod/").unwrap_or(&r.id).to_string() }</code>
                    <span class="fl-node">{ fill(t(Msg::FlOnNode), &[("node", &r.node), ("state", state_text)]) }</span>
                    { flow }
                </li>
            }
        });
        let verdict = if manual {
            match dead.first() {
                Some(r) => {
                    let name = label.strip_prefix("lb/").unwrap_or(label).to_string();
                    let command = shell_quote(&[
                        "lb".to_string(),
                        "remove".to_string(),
                        name,
                        r.id.to_string(),
                    ]);
                    let onclick = {
                        let sandbox = sandbox.clone();
                        let command = command.clone();
                        Callback::from(move |_: MouseEvent| {
                            sandbox.dispatch(Action::Submit(command.clone()))
                        })
                    };
                    html! {
                        <div class="fl-verdict bad">
                            <p>{ "⚠ " }{ fill(t(Msg::FlManualStuck), &[("backend", &r.id)]) }</p>
                            <button type="button" class="btn fl-remove" data-command={command.clone()}
                                title={command.clone()} onclick={onclick}>
                                { "⊖ " }{ t(Msg::FlRemoveDead) }<code>{ command.clone() }</code>
                            </button>
                        </div>
                    }
                }
                None => html! { <p class="fl-verdict">{ t(Msg::FlManualFine) }</p> },
            }
        } else if !dead.is_empty() && dead.iter().all(|r| r.failed == 0) {
            let mut nodes: Vec<&str> = dead.iter().map(|r| r.node.as_str()).collect();
            nodes.dedup();
            html! {
                <p class="fl-verdict good">{ "✓ " }{ fill(t(Msg::FlOrchHealed), &[("node", &nodes.join(", "))]) }</p>
            }
        } else if dead.iter().any(|r| r.failed > 0) {
            html! { <p class="fl-verdict bad">{ "⏳ " }{ t(Msg::FlOrchDetecting) }</p> }
        } else {
            html! { <p class="fl-verdict">{ t(Msg::FlOrchFine) }</p> }
        };
        html! {
            <div class={classes!("fleet-side", if manual { "manual" } else { "orchestrated" })}
                data-side={if manual { "manual" } else { "orchestrated" }} data-target={label.to_string()}
                data-success-window={pct_attr(window)} data-success-recent={pct_attr(recent)}
                data-failing-seconds={failing_seconds.to_string()}>
                <h4>{ title }{ " " }<code>{ label.to_string() }</code></h4>
                <p class="view-note">{ what }</p>
                <dl class="tf-readout">
                    <div><dt>{ fill(t(Msg::TfRecent), &[("seconds", &RECENT_S.to_string())]) }</dt>
                        <dd class={classes!("fl-rate", (recent.unwrap_or(100.0) < 100.0).then_some("bad"))}>
                            { if recent.unwrap_or(100.0) < 100.0 { "✕ " } else { "✓ " } }{ pct_text(recent) }</dd></div>
                    <div><dt>{ fill(t(Msg::TfRecent), &[("seconds", &FLEET_WINDOW_S.to_string())]) }</dt>
                        <dd class={classes!("fl-rate", (window.unwrap_or(100.0) < 100.0).then_some("bad"))}>{ pct_text(window) }</dd></div>
                    <div><dt>{ t(Msg::FlFailingSeconds) }</dt>
                        <dd>{ fill(t(Msg::FlSeconds), &[("count", &failing_seconds.to_string())]) }</dd></div>
                </dl>
                { rate_chart(lang, series, FLEET_CHART_S, true) }
                { verdict }
                <ul class="fl-list">{ for items }</ul>
                { more_endpoints(lang, &Undrawn::of(&undrawn)) }
            </div>
        }
    };

    html! {
        <section class="fleet-compare" id="fleet-compare" aria-labelledby="fleet-title">
            <h3 id="fleet-title">{ t(Msg::FlTitle) }</h3>
            <p class="view-note">{ t(Msg::FlNote) }</p>
            <div class="fleet-sides">
                { side(true, lb.0, lb.1) }
                { side(false, svc.0, svc.1) }
            </div>
        </section>
    }
}
