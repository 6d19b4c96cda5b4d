//! The Host tab's isolation section: for one container, its processes seen from inside its PID
//! namespace and from the host side by side (PID 1 inside = a host PID outside), its root
//! directory beside the host's `/`, and its cgroup gauges — memory in use against the limit,
//! CPU against the quota with the time throttled. An OOM kill shows as it happens: the gauge
//! at the limit and the killed process's row marked 137 / OOMKilled, from its event.
//!
//! Everything shown comes from [`sim_core::host::isolation_view::isolation_view`] at the frame
//! being viewed.

use sim_core::host::isolation_view::{
    isolation_view, ContainerIsolation, CpuGauge, MemoryGauge, OomMark, ProcessRow, RootEntry,
};
use sim_core::host::quantity::format_bytes;
use sim_core::SimTime;
use yew::prelude::*;

use super::host::{format_ms, SectionProps};
use crate::i18n::{fill, tr, Lang, Msg};
use crate::layers::ellipsize;

/// Okabe–Ito: in use (sky blue), killed / over the limit (vermillion).
const IN_USE: &str = "#56B4E9";
const KILLED: &str = "#D55E00";

/// Thousandths of a core as `0.50`.
pub fn cores(millicores: u64) -> String {
    format!("{}.{:02}", millicores / 1000, (millicores % 1000) / 10)
}

/// A container state (`running`, `created`, `exited`) in the UI language.
fn state_text(lang: Lang, state: &str) -> &'static str {
    match state {
        "running" => tr(lang, Msg::StateRunning),
        "created" => tr(lang, Msg::IsoStateCreated),
        _ => tr(lang, Msg::IsoStateExited),
    }
}

/// The isolation section.
#[function_component(IsolationSection)]
pub fn isolation_section(props: &SectionProps) -> Html {
    let lang = props.lang;
    let t = |m| tr(lang, m);
    let picked = use_state_eq(|| None::<String>);
    let session = props.sandbox.session();
    let view = isolation_view(session.sim(), picked.as_deref());
    let Some(current) = view.current else {
        return html! {
            <section class="panel isolation" id="isolation-view">
                <h3>{ t(Msg::IsoTitle) }</h3>
                <p class="view-note">{ t(Msg::IsoEmpty) }</p>
            </section>
        };
    };
    let picker = view.choices.iter().map(|c| {
        let pressed = c.name == current.name;
        let onclick = {
            let picked = picked.clone();
            let name = c.name.clone();
            Callback::from(move |_: MouseEvent| picked.set(Some(name.clone())))
        };
        let running = c.state == "running";
        html! {
            <li>
                <button type="button" class={classes!("image-chip", pressed.then_some("selected"))}
                    aria-pressed={pressed.to_string()} data-container={c.name.clone()} onclick={onclick}>
                    <span class="chip-name">{ &c.name }</span>
                    <span class={classes!("chip-status", running.then_some("running"))}>
                        <span aria-hidden="true">{ if running { "● " } else { "○ " } }</span>{ state_text(lang, &c.state) }
                    </span>
                    if c.oom_killed {
                        <span class="badge oom">{ "OOMKilled" }</span>
                    }
                </button>
            </li>
        }
    });
    html! {
        <div class="isolation" id="isolation-view" data-container={current.name.clone()}>
            <div class="view-head">
                <h3>{ fill(t(Msg::IsoHeading), &[("name", &current.name)]) }</h3>
                <ul class="image-picker iso-picker" aria-label={t(Msg::ContainerPicker)}>{ for picker }</ul>
            </div>
            { facts(lang, &current) }
            { process_table(lang, &current) }
            <div class="iso-grid">
                { cgroup_panel(lang, &current) }
                { root_panel(lang, &current) }
            </div>
        </div>
    }
}

fn facts(lang: Lang, c: &ContainerIsolation) -> Html {
    let t = |m| tr(lang, m);
    let state = match (c.state.as_str(), c.exit_code) {
        ("running", _) => format!("● {}", t(Msg::StateRunning)),
        (_, Some(code)) => format!(
            "○ {}",
            fill(t(Msg::IsoExited), &[("code", &code.to_string())])
        ),
        (s, None) => format!("○ {}", state_text(lang, s)),
    };
    html! {
        <ul class="iso-facts" id="iso-facts">
            <li class={classes!("iso-state", (c.state == "running").then_some("running"))}>{ state }
                if c.oom_killed {
                    <span class="badge oom">{ "OOMKilled" }</span>
                }
            </li>
            <li>{ t(Msg::IsoImage) }{ " " }<code>{ &c.image }</code></li>
            <li>{ t(Msg::IsoHostname) }{ " " }<code>{ &c.hostname }</code></li>
            <li>{ fill(t(Msg::IsoKernel), &[("kernel", &c.kernel)]) }</li>
        </ul>
    }
}

fn process_table(lang: Lang, c: &ContainerIsolation) -> Html {
    let t = |m| tr(lang, m);
    let inside_ns = c
        .pid_ns
        .map_or_else(|| t(Msg::IsoNoNamespace).to_string(), |ns| ns.to_string());
    let rows = c.processes.iter().map(|p| process_row(lang, p));
    html! {
        <section class="panel iso-procs-panel" id="iso-procs-panel" aria-labelledby="iso-procs-title">
            <h4 id="iso-procs-title">{ t(Msg::IsoProcsTitle) }</h4>
            <ul class="iso-sides" aria-hidden="true">
                <li class="side inside">
                    <span class="swatch" aria-hidden="true"></span>
                    <strong>{ t(Msg::IsoInside) }</strong>
                    <span class="ns-id">{ fill(t(Msg::IsoPidNs), &[("ns", &inside_ns)]) }</span>
                </li>
                <li class="side outside">
                    <span class="swatch" aria-hidden="true"></span>
                    <strong>{ t(Msg::IsoOnHost) }</strong>
                    <span class="ns-id">{ fill(t(Msg::IsoPidNs), &[("ns", &c.host_pid_ns.to_string())]) }</span>
                </li>
            </ul>
            <table class="iso-procs" id="iso-procs">
                <caption class="visually-hidden">{ fill(t(Msg::IsoProcsCaption), &[
                    ("inside", &inside_ns), ("host", &c.host_pid_ns.to_string()),
                ]) }</caption>
                <thead>
                    <tr>
                        <th scope="col" class="inside num">{ t(Msg::IsoColPidInside) }</th>
                        <th scope="col" class="map"><span class="visually-hidden">{ t(Msg::IsoColSame) }</span></th>
                        <th scope="col" class="outside num">{ t(Msg::IsoColPidHost) }</th>
                        <th scope="col" class="outside num">{ t(Msg::IsoColPpidHost) }</th>
                        <th scope="col">{ t(Msg::IsoColCommand) }</th>
                    </tr>
                </thead>
                <tbody>
                    { for rows }
                    if c.other_host_processes > 0 {
                        <tr class="iso-more">
                            <td colspan="2"></td>
                            <td colspan="3">{ fill(t(Msg::IsoMoreHost), &[("count", &c.other_host_processes.to_string())]) }</td>
                        </tr>
                    }
                </tbody>
            </table>
            <p class="view-note">{ t(Msg::IsoProcsNote) }</p>
        </section>
    }
}

fn process_row(lang: Lang, p: &ProcessRow) -> Html {
    let t = |m| tr(lang, m);
    let killed = p.status == "killed";
    let status = killed.then(|| {
        let code = p.exit_code.map(|c| c.to_string()).unwrap_or_default();
        let reason = p.reason.clone().unwrap_or_default();
        let event = p.event_id.map(|id| format!(" · #{id}")).unwrap_or_default();
        html! {
            <span class="badge oom killed-mark">
                <span aria-hidden="true">{ "✕ " }</span>
                { fill(t(Msg::IsoKilled), &[("code", &code), ("reason", &reason)]) }{ event }
            </span>
        }
    });
    let (inside, map, label) = match p.pid {
        Some(pid) => (
            html! { <td class="inside num">{ pid }</td> },
            html! {
                <td class="map" title={fill(t(Msg::IsoSameProcess), &[("pid", &pid.to_string()), ("host", &p.host_pid.to_string())])}>
                    <span aria-hidden="true">{ "=" }</span>
                </td>
            },
            fill(
                t(Msg::IsoRowLabel),
                &[
                    ("pid", &pid.to_string()),
                    ("host", &p.host_pid.to_string()),
                    ("command", &p.command),
                ],
            ),
        ),
        None => (
            html! {
                <td class="inside invisible" title={t(Msg::IsoNotVisible)}>
                    <span aria-hidden="true">{ "—" }</span>
                    <span class="visually-hidden">{ t(Msg::IsoNotVisible) }</span>
                </td>
            },
            html! { <td class="map"></td> },
            fill(
                t(Msg::IsoHostRowLabel),
                &[("host", &p.host_pid.to_string()), ("command", &p.command)],
            ),
        ),
    };
    let user = if p.user.is_empty() {
        String::new()
    } else {
        format!("{} · ", p.user)
    };
    html! {
        <tr class={classes!("iso-row", format!("owner-{}", p.owner), killed.then_some("killed"))}
            data-host-pid={p.host_pid.to_string()} data-pid={p.pid.map(|v| v.to_string()).unwrap_or_default()}
            data-status={p.status.clone()} data-exit-code={p.exit_code.map(|v| v.to_string()).unwrap_or_default()}
            aria-label={label}>
            { inside }
            { map }
            <td class="num">{ p.host_pid }</td>
            <td class="num">{ p.host_ppid.map(|v| v.to_string()).unwrap_or_else(|| "–".into()) }</td>
            <td class="cmd-cell">
                <code class="cmd" title={format!("{user}{}", p.command)}>{ ellipsize(&p.command, 34) }</code>
                if let Some(rss) = p.rss_bytes {
                    <span class="proc-meta">{ fill(t(Msg::IsoProcMeta), &[
                        ("rss", &format_bytes(rss)),
                        ("cpu", &format_ms(p.cpu_ms)),
                    ]) }</span>
                }
                { for status }
            </td>
        </tr>
    }
}

fn root_list(entries: &[RootEntry]) -> Html {
    let items = entries.iter().map(|e| {
        let text = match (&e.target, e.kind.as_str()) {
            (Some(target), _) => format!("{} → {target}", e.name),
            (None, "dir") => format!("{}/", e.name),
            _ => e.name.clone(),
        };
        html! { <li class={classes!("root-entry", format!("kind-{}", e.kind))}><code>{ text }</code></li> }
    });
    html! { <ul class="root-list">{ for items }</ul> }
}

fn root_panel(lang: Lang, c: &ContainerIsolation) -> Html {
    let t = |m| tr(lang, m);
    html! {
        <section class="panel iso-root" id="iso-root" aria-labelledby="iso-root-title">
            <h4 id="iso-root-title">{ t(Msg::IsoRootTitle) }</h4>
            <div class="root-columns">
                <div class="root-col" id="iso-root-container">
                    <h5>{ fill(t(Msg::IsoRootInside), &[("name", &c.name)]) }</h5>
                    { root_list(&c.root) }
                </div>
                <div class="root-col" id="iso-root-host">
                    <h5>{ t(Msg::IsoRootHost) }</h5>
                    { root_list(&c.host_root) }
                </div>
            </div>
            <p class="view-note">{ t(Msg::IsoRootNote) }{ " " }<code class="merged-dir">{ &c.root_on_host }</code></p>
        </section>
    }
}

fn memory_gauge(lang: Lang, m: &MemoryGauge, oom: Option<&OomMark>) -> Html {
    let t = |m| tr(lang, m);
    let at_oom = oom.filter(|o| o.now);
    // In the frame that crossed the kill the gauge shows the usage that crossed the limit (the
    // killer has already taken the victim's memory back in the state after the event).
    let shown = at_oom.map_or(m.usage_bytes, |o| o.usage_bytes);
    let scale = m.enforced_bytes.max(1);
    let pct = (shown as f64 * 100.0 / scale as f64).min(100.0);
    let limit_text = match m.limit_bytes {
        Some(l) => fill(t(Msg::IsoMemLimit), &[("limit", &format_bytes(l))]),
        None => fill(
            t(Msg::IsoMemNoLimit),
            &[("limit", &format_bytes(m.enforced_bytes))],
        ),
    };
    let label = fill(
        t(if at_oom.is_some() {
            Msg::IsoMemAtOom
        } else {
            Msg::IsoMemLabel
        }),
        &[("usage", &format_bytes(shown)), ("limit", &limit_text)],
    );
    let fill_color = if at_oom.is_some() { KILLED } else { IN_USE };
    html! {
        <div class={classes!("gauge", "mem-gauge", at_oom.is_some().then_some("at-oom"))} id="mem-gauge"
            data-usage-bytes={shown.to_string()} data-limit-bytes={m.limit_bytes.map(|l| l.to_string()).unwrap_or_default()}
            data-at-oom={at_oom.is_some().to_string()}>
            <div class="gauge-head">
                <strong>{ t(Msg::IsoMemTitle) }</strong>
                <span class="gauge-value">{ label.clone() }</span>
            </div>
            <div class="gauge-track" role="meter" aria-label={label}
                aria-valuemin="0" aria-valuemax={scale.to_string()} aria-valuenow={shown.min(scale).to_string()}>
                <div class="gauge-fill" style={format!("width: {pct:.2}%; --fill: {fill_color}")}></div>
                <div class="gauge-limit" style="left: 100%" aria-hidden="true"></div>
                if at_oom.is_some() {
                    <span class="gauge-flag">{ "✕ OOM" }</span>
                }
            </div>
            <p class="gauge-sub">{ fill(t(Msg::IsoPids), &[("count", &m.pids.to_string())]) }</p>
            if let Some(o) = oom {
                <p class="oom-note" id="oom-note">
                    <span class="badge oom">{ "OOMKilled" }</span>{ " " }
                    { fill(t(Msg::IsoOomNote), &[
                        ("time", &SimTime(o.time_ms).to_string()),
                        ("pid", &o.pid.to_string()),
                        ("host", &o.host_pid.to_string()),
                        ("command", &o.command),
                        ("usage", &format_bytes(o.usage_bytes)),
                        ("limit", &format_bytes(o.limit_bytes)),
                        ("code", &o.exit_code.to_string()),
                        ("event", &o.event_id.to_string()),
                    ]) }
                </p>
            }
        </div>
    }
}

fn cpu_gauge(lang: Lang, c: &CpuGauge) -> Html {
    let t = |m| tr(lang, m);
    // The scale: what it would use, its quota, and at least one core.
    let scale = c
        .demand_millicores
        .max(c.quota_millicores.unwrap_or(0))
        .max(1000);
    let pct = |m: u64| m as f64 * 100.0 / scale as f64;
    let quota_text = match c.quota_millicores {
        Some(q) => fill(t(Msg::IsoCpuQuota), &[("quota", &cores(q))]),
        None => fill(
            t(Msg::IsoCpuNoQuota),
            &[("cores", &c.host_cores.to_string())],
        ),
    };
    let label = fill(
        t(Msg::IsoCpuLabel),
        &[
            ("used", &cores(c.millicores)),
            ("wanted", &cores(c.demand_millicores)),
            ("quota", &quota_text),
        ],
    );
    let throttled = fill(
        t(Msg::IsoThrottled),
        &[
            ("time", &format_ms(c.throttled_usec / 1000)),
            ("throttled", &c.nr_throttled.to_string()),
            ("periods", &c.nr_periods.to_string()),
            ("period", &format_ms(c.period_ms)),
        ],
    );
    html! {
        <div class={classes!("gauge", "cpu-gauge", c.throttled_now.then_some("throttled"))} id="cpu-gauge"
            data-millicores={c.millicores.to_string()} data-quota-millicores={c.quota_millicores.map(|q| q.to_string()).unwrap_or_default()}
            data-throttled-usec={c.throttled_usec.to_string()}>
            <div class="gauge-head">
                <strong>{ t(Msg::IsoCpuTitle) }</strong>
                <span class="gauge-value">{ label.clone() }</span>
            </div>
            <div class="gauge-track" role="meter" aria-label={label}
                aria-valuemin="0" aria-valuemax={scale.to_string()} aria-valuenow={c.millicores.to_string()}>
                if c.demand_millicores > 0 {
                    <div class="gauge-demand" style={format!("width: {:.2}%", pct(c.demand_millicores))}></div>
                }
                <div class="gauge-fill" style={format!("width: {:.2}%; --fill: #009E73", pct(c.millicores))}></div>
                if let Some(q) = c.quota_millicores {
                    <div class="gauge-limit" style={format!("left: {:.2}%", pct(q))} aria-hidden="true"></div>
                }
                if c.throttled_now {
                    <span class="gauge-flag throttle">{ t(Msg::IsoThrottledNow) }</span>
                }
            </div>
            <p class="gauge-sub">{ throttled }</p>
            <p class="gauge-sub">{ fill(t(Msg::IsoCpuUsage), &[
                ("usage", &format_ms(c.usage_usec / 1000)),
                ("shares", &c.shares.to_string()),
            ]) }</p>
        </div>
    }
}

fn cgroup_panel(lang: Lang, c: &ContainerIsolation) -> Html {
    let t = |m| tr(lang, m);
    html! {
        <section class="panel iso-cgroup" id="iso-cgroup" aria-labelledby="iso-cgroup-title">
            <h4 id="iso-cgroup-title">{ t(Msg::IsoCgroupTitle) }</h4>
            { memory_gauge(lang, &c.memory, c.last_oom.as_ref()) }
            { cpu_gauge(lang, &c.cpu) }
            <p class="view-note">{ t(Msg::IsoCgroupNote) }</p>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::cores;

    #[test]
    fn millicores_read_as_cores() {
        assert_eq!(cores(500), "0.50");
        assert_eq!(cores(2000), "2.00");
        assert_eq!(cores(1250), "1.25");
    }
}
