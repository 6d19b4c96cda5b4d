//! The Host tab, in sections. Stacks: a VM stack and a container stack side by side, drawn
//! bottom-up (hardware at the bottom), the host memory bar, and the boot race — a Gantt chart of
//! each VM's boot phases and each container's start along simulated time, with the sourced
//! durations in a legend. Isolation ([`super::isolation`]), the benchmark comparison
//! ([`super::bench`]) and the density experiment ([`super::density`]) are the other sections.
//!
//! Everything shown comes from [`sim_core::host::view::host_view`] at the frame being viewed;
//! this file only lays it out. Clicking a layer explains it below the stacks.

use sim_core::host::quantity::format_bytes;
use sim_core::host::view::{host_view, GanttRow, HostView, MemorySegment};
use yew::prelude::*;

use super::bench::BenchSection;
use super::density::DensitySection;
use super::isolation::IsolationSection;
use crate::i18n::{fill, tr, Lang, Msg};
use crate::layers::HostSection;
use crate::state::Sandbox;

/// Okabe–Ito colours with the text colour that reads on each.
const RUNNING: (&str, &str) = ("#009E73", "#FFFFFF");
const BOOTING: (&str, &str) = ("#F0E442", "#10161C");
const STOPPED: (&str, &str) = ("#9AA1AB", "#10161C");

/// A layer of either stack, for its explanation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Layer {
    Hardware,
    HostOs,
    Hypervisor,
    GuestOs,
    VmBins,
    VmApp,
    SharedKernel,
    Runtime,
    ImageLayers,
    ContainerApp,
}

impl Layer {
    fn explanation(self) -> Msg {
        match self {
            Layer::Hardware => Msg::ExplainHardware,
            Layer::HostOs => Msg::ExplainHostOs,
            Layer::Hypervisor => Msg::ExplainHypervisor,
            Layer::GuestOs => Msg::ExplainGuestOs,
            Layer::VmBins => Msg::ExplainVmBins,
            Layer::VmApp => Msg::ExplainVmApp,
            Layer::SharedKernel => Msg::ExplainSharedKernel,
            Layer::Runtime => Msg::ExplainRuntime,
            Layer::ImageLayers => Msg::ExplainImageLayers,
            Layer::ContainerApp => Msg::ExplainContainerApp,
        }
    }
}

/// Properties of [`HostViewPane`].
#[derive(Properties, PartialEq)]
pub struct HostViewProps {
    /// UI language.
    pub lang: Lang,
    /// The app state.
    pub sandbox: UseReducerHandle<Sandbox>,
    /// The section shown.
    pub section: HostSection,
    /// Picks a section.
    pub on_section: Callback<HostSection>,
}

/// The stage's Host tab: a switcher of its sections, then the section.
#[function_component(HostViewPane)]
pub fn host_view_pane(props: &HostViewProps) -> Html {
    let lang = props.lang;
    let t = |m| tr(lang, m);
    let buttons = HostSection::ALL.iter().map(|&which| {
        let selected = props.section == which;
        let label = match which {
            HostSection::Stacks => Msg::HostSecStacks,
            HostSection::Isolation => Msg::HostSecIsolation,
            HostSection::Bench => Msg::HostSecBench,
            HostSection::Density => Msg::HostSecDensity,
        };
        let onclick = {
            let cb = props.on_section.clone();
            Callback::from(move |_: MouseEvent| cb.emit(which))
        };
        html! {
            <button id={which.id()} type="button" role="tab" class="host-sec"
                aria-selected={selected.to_string()} aria-controls="host-section" onclick={onclick}>
                { t(label) }
            </button>
        }
    });
    let body = match props.section {
        HostSection::Stacks => {
            html! { <StacksSection lang={lang} sandbox={props.sandbox.clone()} /> }
        }
        HostSection::Isolation => {
            html! { <IsolationSection lang={lang} sandbox={props.sandbox.clone()} /> }
        }
        HostSection::Bench => {
            html! { <BenchSection lang={lang} sandbox={props.sandbox.clone()} /> }
        }
        HostSection::Density => {
            html! { <DensitySection lang={lang} sandbox={props.sandbox.clone()} /> }
        }
    };
    html! {
        <div class="host-view" id="host-view">
            <div class="host-sections" role="tablist" aria-label={t(Msg::HostSections)}>
                { for buttons }
            </div>
            <div id="host-section" role="tabpanel" aria-labelledby={props.section.id()}>{ body }</div>
        </div>
    }
}

/// Properties of a Host tab section.
#[derive(Properties, PartialEq)]
pub struct SectionProps {
    /// UI language.
    pub lang: Lang,
    /// The app state.
    pub sandbox: UseReducerHandle<Sandbox>,
}

/// The stacks section.
#[function_component(StacksSection)]
fn stacks_section(props: &SectionProps) -> Html {
    let lang = props.lang;
    let t = |m| tr(lang, m);
    let picked = use_state_eq(|| None::<Layer>);
    let session = props.sandbox.session();
    let view = host_view(session.sim());
    let block = |layer: Layer, class: &'static str, id: Option<String>, content: Html| {
        let pressed = *picked == Some(layer);
        let onclick = {
            let picked = picked.clone();
            Callback::from(move |_: MouseEvent| picked.set(Some(layer)))
        };
        html! {
            <button type="button" class={classes!("host-layer", class, pressed.then_some("selected"))}
                id={id} aria-pressed={pressed.to_string()} onclick={onclick}>{ content }</button>
        }
    };

    let hardware = |side: &str| {
        block(
            Layer::Hardware,
            "hl-hw",
            Some(format!("{side}-hardware")),
            html! { { fill(t(Msg::HostHardware), &[
                ("cores", &view.cores.to_string()),
                ("memory", &format_bytes(view.memory_bytes)),
            ]) } },
        )
    };

    // VM stack, top to bottom in the DOM; CSS draws it bottom-up with column-reverse.
    let vm_columns = view.vms.iter().map(|vm| {
        let (bg, fg, label) = match vm.state.as_str() {
            "running" => (RUNNING.0, RUNNING.1, format!("● {}", t(Msg::StateRunning))),
            "booting" => (
                BOOTING.0,
                BOOTING.1,
                format!("◐ {}", fill(t(Msg::StateBooting), &[("phase", vm.phase.as_deref().unwrap_or(""))])),
            ),
            _ => (STOPPED.0, STOPPED.1, format!("○ {}", t(Msg::StateStopped))),
        };
        html! {
            <div class="guest-column" data-vm={vm.name.clone()} data-state={vm.state.clone()}>
                { block(Layer::VmApp, "hl-app", None, html! {
                    <><span class="layer-title">{ t(Msg::HostApp) }</span></>
                }) }
                { block(Layer::VmBins, "hl-bins", None, html! {
                    <span class="layer-title">{ t(Msg::HostBinsLibs) }</span>
                }) }
                <div class="guest-os-wrap" style={format!("--state-bg: {bg}; --state-fg: {fg}")}>
                { block(Layer::GuestOs, "hl-guest-os", Some(format!("guest-{}", vm.name)), html! {
                    <>
                        <span class="layer-title"><strong>{ &vm.name }</strong>{ format!(" · {}", vm.kind) }</span>
                        <span class="layer-sub">{ &vm.guest_os }</span>
                        <code class="layer-sub">{ fill(t(Msg::GuestKernel), &[("kernel", &vm.guest_kernel)]) }</code>
                        <span class="state-label">{ label }</span>
                    </>
                }) }
                </div>
            </div>
        }
    });
    let vm_stack = html! {
        <section class="panel host-stack" aria-labelledby="vm-stack-title">
            <h3 id="vm-stack-title">{ t(Msg::VmStackTitle) }</h3>
            <div class="stack-body" id="vm-stack">
                { hardware("vm") }
                { block(Layer::HostOs, "hl-host-os", None, html! {
                    <>
                        <span class="layer-title">{ fill(t(Msg::HostOsLine), &[("os", &view.os)]) }</span>
                        <code class="layer-sub">{ fill(t(Msg::HostKernelLine), &[("kernel", &view.kernel)]) }</code>
                    </>
                }) }
                { block(Layer::Hypervisor, "hl-hypervisor", None, html! {
                    <>
                        <span class="layer-title" title={view.hypervisor.clone()}>{ t(Msg::HypervisorTitle) }</span>
                    </>
                }) }
                <div class="guests">
                    if view.vms.is_empty() {
                        <p class="stack-empty">{ t(Msg::HostNoVms) }</p>
                    } else {
                        { for vm_columns }
                    }
                </div>
            </div>
        </section>
    };

    let images = view.images.iter().map(|img| {
        let apps = view
            .containers
            .iter()
            .filter(|c| c.image_id == img.id)
            .map(|c| {
                let running = c.state == "running";
                let (bg, fg) = if running { RUNNING } else { STOPPED };
                html! {
                    <div class="app-cell" data-container={c.name.clone()} data-state={c.state.clone()}
                        style={format!("--state-bg: {bg}; --state-fg: {fg}")}>
                        { block(Layer::ContainerApp, "hl-app", Some(format!("app-{}", c.name)), html! {
                            <>
                                <span class="layer-title"><strong>{ &c.name }</strong></span>
                                <span class="state-label">{ if running { "● " } else { "○ " } }{ &c.state }</span>
                            </>
                        }) }
                    </div>
                }
            });
        html! {
            <div class="image-column" data-image={img.id.clone()}>
                <div class="apps">{ for apps }</div>
                { block(Layer::ImageLayers, "hl-bins hl-shared", None, html! {
                    <>
                        <span class="layer-title">{ t(Msg::HostBinsLibs) }{ " · " }<code>{ &img.reference }</code></span>
                        <span class="layer-sub">{ fill(t(Msg::SharedLayers), &[
                            ("layers", &img.layers.to_string()),
                            ("size", &format_bytes(img.size_bytes)),
                            ("count", &img.containers.len().to_string()),
                        ]) }</span>
                    </>
                }) }
            </div>
        }
    });
    let container_stack = html! {
        <section class="panel host-stack" aria-labelledby="ct-stack-title">
            <h3 id="ct-stack-title">{ t(Msg::ContainerStackHostTitle) }</h3>
            <div class="stack-body" id="container-host-stack">
                { hardware("ct") }
                { block(Layer::SharedKernel, "hl-host-os", None, html! {
                    <>
                        <span class="layer-title">{ fill(t(Msg::HostOsLine), &[("os", &view.os)]) }</span>
                        <code class="layer-sub">{ fill(t(Msg::HostKernelLine), &[("kernel", &view.kernel)]) }</code>
                        <span class="layer-sub">{ t(Msg::OneSharedKernel) }</span>
                    </>
                }) }
                { block(Layer::Runtime, "hl-runtime", None, html! {
                    <>
                        <span class="layer-title">{ t(Msg::RuntimeTitle) }</span>
                        <span class="layer-sub">{ &view.runtime }</span>
                    </>
                }) }
                <div class="guests">
                    if view.images.is_empty() {
                        <p class="stack-empty">{ t(Msg::HostNoContainers) }</p>
                    } else {
                        { for images }
                    }
                </div>
            </div>
        </section>
    };

    let explanation = match *picked {
        Some(layer) => {
            html! { <p class="host-explain" id="host-explain" aria-live="polite">{ t(layer.explanation()) }</p> }
        }
        None => {
            html! { <p class="host-explain hint" id="host-explain" aria-live="polite">{ t(Msg::ClickLayerHint) }</p> }
        }
    };

    html! {
        <div class="host-stacks-section">
            <div class="host-stacks">
                { vm_stack }
                { container_stack }
            </div>
            { explanation }
            { memory_bar(lang, &view) }
            { boot_race(lang, &view) }
        </div>
    }
}

fn segment_style(seg: &MemorySegment) -> (&'static str, &'static str, Msg) {
    match seg.kind.as_str() {
        "guest-os" => ("#E69F00", "#10161C", Msg::MemGuestOs),
        "vmm" => ("#CC79A7", "#10161C", Msg::MemVmm),
        "app" => ("#56B4E9", "#10161C", Msg::MemApp),
        _ => ("#009E73", "#FFFFFF", Msg::MemContainer),
    }
}

fn memory_bar(lang: Lang, view: &HostView) -> Html {
    let t = |m| tr(lang, m);
    let total = view.memory_bytes.max(1);
    let segments = view.memory.iter().map(|seg| {
        let (bg, fg, msg) = segment_style(seg);
        let pct = seg.bytes as f64 * 100.0 / total as f64;
        let label = format!("{}: {} {}", seg.owner, t(msg), format_bytes(seg.bytes));
        html! {
            <div class={classes!("mem-seg", format!("mem-{}", seg.kind))}
                style={format!("flex-basis: {pct:.3}%; --seg-bg: {bg}; --seg-fg: {fg}")}
                data-owner={seg.owner.clone()} data-kind={seg.kind.clone()} data-bytes={seg.bytes.to_string()}
                title={label.clone()} aria-label={label}></div>
        }
    });
    let mut owners: Vec<&str> = Vec::new();
    for s in &view.memory {
        if !owners.contains(&s.owner.as_str()) {
            owners.push(&s.owner);
        }
    }
    let rows = owners.iter().map(|owner| {
        let parts = view
            .memory
            .iter()
            .filter(|s| s.owner == *owner)
            .map(|s| {
                let (bg, _, msg) = segment_style(s);
                let text = format!("{} {}", t(msg), format_bytes(s.bytes));
                html! {
                    <span class="mem-part"><span class="swatch" style={format!("background: {bg}")} aria-hidden="true"></span>
                        { text }</span>
                }
            });
        html! { <li><strong>{ *owner }</strong><span class="mem-parts">{ for parts }</span></li> }
    });
    html! {
        <section class="panel host-memory" aria-labelledby="mem-title">
            <div class="view-head">
                <h3 id="mem-title">{ t(Msg::HostMemoryTitle) }</h3>
                <span class="view-note">{ fill(t(Msg::MemorySummary), &[
                    ("total", &format_bytes(view.memory_bytes)),
                    ("free", &format_bytes(view.memory_free_bytes)),
                ]) }</span>
            </div>
            <div class="mem-bar" id="mem-bar" role="img" aria-label={t(Msg::HostMemoryTitle)}>
                { for segments }
                <div class="mem-seg mem-free" style="flex: 1 1 0"></div>
            </div>
            if view.memory.is_empty() {
                <p class="view-note">{ t(Msg::MemoryEmpty) }</p>
            } else {
                <ul class="mem-list">{ for rows }</ul>
            }
            <p class="view-note">{ t(Msg::MemorySource) }</p>
        </section>
    }
}

fn phase_msg(phase: &str) -> Msg {
    match phase {
        "firmware" => Msg::PhaseFirmware,
        "kernel" => Msg::PhaseKernel,
        "init" => Msg::PhaseInit,
        "services" => Msg::PhaseServices,
        "app" => Msg::PhaseApp,
        "create namespaces" => Msg::PhaseNamespaces,
        "cgroup" => Msg::PhaseCgroup,
        "mount rootfs" => Msg::PhaseMount,
        "exec process" => Msg::PhaseExec,
        _ => Msg::PhaseStart,
    }
}

fn phase_color(phase: &str) -> &'static str {
    match phase {
        "firmware" => "#999999",
        "kernel" => "#0072B2",
        "init" => "#56B4E9",
        "services" => "#E69F00",
        "app" => "#CC79A7",
        "create namespaces" => "#004D38",
        "cgroup" => "#007A5A",
        "mount rootfs" => "#009E73",
        "exec process" => "#33C79A",
        _ => "#009E73",
    }
}

fn boot_race(lang: Lang, view: &HostView) -> Html {
    let t = |m| tr(lang, m);
    if view.gantt.is_empty() {
        return html! {
            <section class="panel boot-race" aria-labelledby="race-title">
                <h3 id="race-title">{ t(Msg::BootRaceTitle) }</h3>
                <p class="view-note">{ t(Msg::BootRaceEmpty) }</p>
            </section>
        };
    }
    let origin = view.gantt.iter().map(|r| r.start_ms).min().unwrap_or(0);
    let last = view
        .gantt
        .iter()
        .map(|r| r.end_ms.unwrap_or(view.now_ms))
        .max()
        .unwrap_or(origin)
        .max(origin + 1);
    let span = (last - origin) as f64;
    let pct = |ms: u64| (ms.saturating_sub(origin)) as f64 * 100.0 / span;
    let rows = view.gantt.iter().map(|row: &GanttRow| {
        // A phase that takes no time (a microVM has no firmware) draws nothing; a container's
        // start is one instant and draws as a thin mark.
        let bars = row.bars.iter().filter(|b| b.end_ms > b.start_ms || b.phase == "start").map(|b| {
            let left = pct(b.start_ms);
            let width = pct(b.end_ms) - left;
            let label = format!(
                "{} {}: {}",
                row.name,
                t(phase_msg(&b.phase)),
                format_ms(b.end_ms - b.start_ms)
            );
            html! {
                <div class={classes!("gantt-bar", format!("phase-{}", b.phase.replace(' ', "-")))}
                    style={format!("left: {left:.3}%; width: {width:.3}%; --bar-bg: {}", phase_color(&b.phase))}
                    data-phase={b.phase.clone()} data-start-ms={b.start_ms.to_string()} data-end-ms={b.end_ms.to_string()}
                    title={label.clone()} aria-label={label}></div>
            }
        });
        let end_text = match row.end_ms {
            Some(end) => fill(t(Msg::ReadyAfter), &[("time", &format_ms(end - row.start_ms))]),
            None => t(Msg::StillBooting).to_string(),
        };
        let end_left = row.end_ms.map_or(100.0, pct);
        let kind = if row.kind == "vm" {
            if row.profile == "microvm" { "microVM" } else { "full VM" }
        } else {
            t(Msg::ContainerWord)
        };
        html! {
            <li class="gantt-row" data-name={row.name.clone()} data-kind={row.kind.clone()}
                data-start-ms={row.start_ms.to_string()}
                data-end-ms={row.end_ms.map(|e| e.to_string()).unwrap_or_default()}>
                <span class="gantt-label"><strong>{ &row.name }</strong><span class="gantt-kind">{ kind }</span></span>
                <span class="gantt-track">
                    { for bars }
                    <span class="gantt-end"
                        style={format!("left: {end_left:.3}%")}>{ end_text }</span>
                </span>
            </li>
        }
    });
    let legend = ["microvm", "full", "container"].map(|profile| {
        let items = view.legend.iter().filter(|l| l.profile == profile).map(|l| {
            html! {
                <li>
                    <span class="swatch" style={format!("background: {}", phase_color(&l.phase))} aria-hidden="true"></span>
                    <strong>{ t(phase_msg(&l.phase)) }</strong>{ format!(" {} — {}", format_ms(l.duration_ms), l.source) }
                </li>
            }
        });
        let title = match profile {
            "microvm" => "microVM (Firecracker)",
            "full" => "full VM (QEMU/KVM, Ubuntu)",
            _ => t(Msg::ContainerLegendTitle),
        };
        html! {
            <div class="legend-group">
                <h4>{ title }</h4>
                <ul>{ for items }</ul>
            </div>
        }
    });
    html! {
        <section class="panel boot-race" aria-labelledby="race-title">
            <div class="view-head">
                <h3 id="race-title">{ t(Msg::BootRaceTitle) }</h3>
                <span class="view-note">{ fill(t(Msg::BootRaceAxis), &[("span", &format_ms(last - origin))]) }</span>
            </div>
            <ol class="gantt" id="boot-gantt">{ for rows }</ol>
            <div class="gantt-legend" id="boot-legend">
                <h4 class="visually-hidden">{ t(Msg::LegendTitle) }</h4>
                { for legend }
            </div>
        </section>
    }
}

/// Milliseconds as a reader says them: `125 ms`, `16.06 s`, `2 min 5 s`.
pub fn format_ms(ms: u64) -> String {
    if ms < 1000 {
        format!("{ms} ms")
    } else if ms < 60_000 {
        let cs = (ms + 5) / 10;
        format!("{}.{:02} s", cs / 100, cs % 100)
    } else {
        format!("{} min {} s", ms / 60_000, (ms % 60_000) / 1000)
    }
}

#[cfg(test)]
mod tests {
    use super::format_ms;

    #[test]
    fn durations_read_with_units() {
        assert_eq!(format_ms(125), "125 ms");
        assert_eq!(format_ms(16_060), "16.06 s");
        assert_eq!(format_ms(0), "0 ms");
        assert_eq!(format_ms(125_000), "2 min 5 s");
    }
}
